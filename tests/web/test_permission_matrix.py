"""Every URL × every role: allowed roles get the page, everyone else is refused (anonymous → sign in, others → 403).

The matrix is written out by hand from the role descriptions in docs/web.md, not generated from the permission
functions, so a rule that drifts from the intended policy fails here. A final test checks that every named URL of
the app appears in the matrix.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from .admin_helpers import admin_matrix
from .board_helpers import issue15_matrix
from .commissioning_helpers import commissioning_matrix, commissioning_post_matrix
from .conftest import ROLES, client_for
from .risk_helpers import risk_public_matrix
from .strategy_helpers import strategy_matrix

u = reverse

ALL = set(ROLES)
SIGNED_IN = ALL - {"public"}
PARTNERS = {"admin", "officer", "assessor", "chief_executive", "pcc"}
LEADERSHIP = {"admin", "officer", "chief_executive", "pcc"}
STAFF = {"admin", "officer"}
OWNER_ADMIN = {"provider", "admin"}
PUBLISHERS = {"admin", "officer", "pcc"}


def matrix(w):
    """(url name, url, roles allowed to GET it). Objects come from the ``world`` fixture."""
    dn50 = "DN50-24"
    return [
        ("partnership:overview", u("partnership:overview"), PARTNERS),
        ("partnership:meeting_new", u("partnership:meeting_new"), STAFF),
        ("partnership:meeting", u("partnership:meeting", args=[w.meeting.pk]), PARTNERS),
        ("funding:streams", u("funding:streams"), LEADERSHIP),
        ("funding:stream", u("funding:stream", args=[w.stream.pk]), LEADERSHIP),
        ("funding:spend", u("funding:spend", args=[w.commitment.pk]), STAFF),
        ("commissioning:rounds", u("commissioning:rounds"), SIGNED_IN),
        ("commissioning:round", u("commissioning:round", args=[w.closed_round.pk]), SIGNED_IN),
        ("commissioning:round_new", u("commissioning:round_new"), STAFF),
        ("commissioning:round_edit", u("commissioning:round_edit", args=[w.open_round.pk]), STAFF),
        ("commissioning:round_questions", u("commissioning:round_questions", args=[w.open_round.pk]), STAFF),
        ("commissioning:round_panel", u("commissioning:round_panel", args=[w.open_round.pk]), STAFF),
        ("commissioning:round_assessment", u("commissioning:round_assessment", args=[w.closed_round.pk]), STAFF),
        ("commissioning:my_applications", u("commissioning:my_applications"), {"provider"}),
        # The provider's own awarded EOI: partner roles, the provider, and the assessor who declared no conflict.
        ("commissioning:application", u("commissioning:application", args=[w.awarded_app.pk]), SIGNED_IN),
        # Another organisation's EOI: not the provider.
        ("commissioning:application", u("commissioning:application", args=[w.other_app.pk]), PARTNERS),
        # A draft belongs to its provider (and the administrator) until submitted.
        ("commissioning:application", u("commissioning:application", args=[w.draft.pk]), OWNER_ADMIN),
        ("commissioning:application_edit", u("commissioning:application_edit", args=[w.draft.pk]), {"provider"}),
        ("commissioning:application_submit", u("commissioning:application_submit", args=[w.draft.pk]), {"provider"}),
        ("commissioning:document_download", u("commissioning:document_download", args=[w.document.pk]), OWNER_ADMIN),
        ("commissioning:assessor_queue", u("commissioning:assessor_queue"), {"assessor"}),
        ("commissioning:declare", u("commissioning:declare", args=[w.submitted_fresh.pk]), {"assessor"}),
        # Already declared: cannot declare again.
        ("commissioning:declare", u("commissioning:declare", args=[w.submitted_scored.pk]), set()),
        ("commissioning:score", u("commissioning:score", args=[w.submitted_scored.pk]), {"assessor"}),
        # Not declared yet: nobody may score.
        ("commissioning:score", u("commissioning:score", args=[w.submitted_fresh.pk]), set()),
        ("commissioning:moderate", u("commissioning:moderate", args=[w.submitted_scored.pk]), STAFF),
        ("commissioning:award", u("commissioning:award", args=[w.submitted_scored.pk]), STAFF),
        # Already awarded: nobody can award it again.
        ("commissioning:award", u("commissioning:award", args=[w.awarded_app.pk]), set()),
        ("commissioning:awards", u("commissioning:awards"), LEADERSHIP),
        ("commissioning:award_agreement", u("commissioning:award_agreement", args=[w.awarded_app.award.pk]), STAFF),
        ("decisions:list", u("decisions:list"), LEADERSHIP),
        ("decisions:new", u("decisions:new"), STAFF),
        ("decisions:detail", u("decisions:detail", args=[dn50]), LEADERSHIP),
        ("decisions:edit", u("decisions:edit", args=[w.record("draft").reference]), STAFF),
        ("decisions:edit", u("decisions:edit", args=[dn50]), set()),
        # Officer approval comes after an officer submits the draft (issue 17 defect 7).
        ("decisions:approve", u("decisions:approve", args=[w.record("submitted").reference]), {"chief_executive"}),
        ("decisions:approve", u("decisions:approve", args=[w.record("draft").reference]), set()),
        ("decisions:approve", u("decisions:approve", args=[w.record("officer_approved").reference]), set()),
        ("decisions:decide", u("decisions:decide", args=[w.record("officer_approved").reference]), {"pcc"}),
        # The PCC cannot decide before officer approval.
        ("decisions:decide", u("decisions:decide", args=[w.record("draft").reference]), set()),
        ("decisions:publish", u("decisions:publish", args=[w.record("decided").reference]), PUBLISHERS),
        ("decisions:publish", u("decisions:publish", args=[w.record("draft").reference]), set()),
        ("decisions:pdf", u("decisions:pdf", args=[dn50]), LEADERSHIP),
        ("public:index", u("public:index"), ALL),
        ("public:decisions", u("public:decisions"), ALL),
        ("public:decision", u("public:decision", args=[dn50]), ALL),
        ("public:decision_pdf", u("public:decision_pdf", args=[dn50]), ALL),
        ("public:grants", u("public:grants"), ALL),
        ("public:360giving_json", u("public:360giving_json"), ALL),
        ("public:360giving_csv", u("public:360giving_csv"), ALL),
        *delivery_matrix(w),
        *evaluation_matrix(),
        *admin_matrix(w),
        *commissioning_matrix(w),
        *issue15_matrix(w),
        *risk_public_matrix(ALL),  # risk index (issue 13): the rest in test_risk.py, over the risk roles too
        *strategy_matrix(w),
    ]


def delivery_matrix(w):
    """Evidence library, programmes, returns and the board dashboard (issue 18)."""
    from svduty.web.programmes.models import MonitoringReturn, Programme

    own = Programme.objects.get(organisation=w.awarded_app.organisation)
    other = Programme.objects.exclude(pk=own.pk).order_by("id").first()
    own_draft = own.returns.filter(status="draft").order_by("financial_year", "quarter").first()
    own_accepted = own.returns.filter(status="accepted").first()
    other_submitted = MonitoringReturn.objects.filter(status="submitted").exclude(programme=own).first()
    delivery_viewers = LEADERSHIP | {"provider"}
    return [
        ("interventions:library", u("interventions:library"), ALL),
        ("interventions:detail", u("interventions:detail", args=["mentoring"]), ALL),
        ("interventions:new", u("interventions:new"), STAFF),
        ("interventions:edit", u("interventions:edit", args=["mentoring"]), STAFF),
        ("interventions:history", u("interventions:history", args=["mentoring"]), STAFF),
        (
            "interventions:application_approaches",
            u("interventions:application_approaches", args=[w.draft.pk]),
            {"provider"},
        ),
        # No harmful-rated approach named: nobody is asked to justify it.
        ("interventions:justify", u("interventions:justify", args=[w.submitted_scored.pk]), set()),
        ("programmes:list", u("programmes:list"), delivery_viewers),
        # Every demo award already has its programme.
        ("programmes:new", u("programmes:new", args=[w.awarded_app.award.pk]), set()),
        ("programmes:detail", u("programmes:detail", args=[own.pk]), delivery_viewers),
        ("programmes:detail", u("programmes:detail", args=[other.pk]), LEADERSHIP),
        ("programmes:edit", u("programmes:edit", args=[own.pk]), STAFF),
        ("programmes:plan", u("programmes:plan", args=[own.pk]), STAFF),
        ("programmes:returns", u("programmes:returns"), delivery_viewers),
        ("programmes:return", u("programmes:return", args=[own_draft.pk]), delivery_viewers),
        ("programmes:return", u("programmes:return", args=[other_submitted.pk]), LEADERSHIP),
        ("programmes:return_edit", u("programmes:return_edit", args=[own_draft.pk]), {"provider"}),
        ("programmes:return_edit", u("programmes:return_edit", args=[own_accepted.pk]), set()),
        ("programmes:return_submit", u("programmes:return_submit", args=[own_draft.pk]), {"provider"}),
        ("programmes:return_review", u("programmes:return_review", args=[other_submitted.pk]), STAFF),
        ("programmes:return_review", u("programmes:return_review", args=[own_draft.pk]), set()),
        ("programmes:dashboard", u("programmes:dashboard"), LEADERSHIP),
        ("programmes:dashboard_csv", u("programmes:dashboard_csv"), LEADERSHIP),
        ("programmes:dashboard_xlsx", u("programmes:dashboard_xlsx"), LEADERSHIP),
        ("programmes:dashboard_pdf", u("programmes:dashboard_pdf"), LEADERSHIP),
        # agreements: the register is for the partnership; signed copies (signatories' names) for officers and leaders
        ("agreements:list", u("agreements:list"), PARTNERS),
        ("agreements:new", u("agreements:new"), STAFF),
        ("agreements:detail", u("agreements:detail", args=[_agreement().pk]), PARTNERS),
        ("agreements:edit", u("agreements:edit", args=[_agreement().pk]), STAFF),
        (
            "agreements:copy_download",
            u("agreements:copy_download", args=[_agreement().signed_copies.first().pk]),
            LEADERSHIP,
        ),
        ("agreements:export", u("agreements:export"), STAFF),
        ("agreements:ingests", u("agreements:ingests"), PARTNERS),
    ]


def evaluation_matrix():
    """Evaluations and practice notes (issue 11): staff attach and write; leadership and the programme's provider
    read; published notes are public."""
    from svduty.web.programmes.models import Programme

    from .evaluation_helpers import evaluation_objects

    own = Programme.objects.get(title="Bystander training in schools")
    other = Programme.objects.exclude(organisation=own.organisation).order_by("id").first()
    demo, other_pdf, own_pdf, own_bare, draft = evaluation_objects(own, other)
    published = demo.practice_note
    viewers = LEADERSHIP | {"provider"}
    return [
        ("evaluation:new", u("evaluation:new", args=[own.pk]), STAFF),
        ("evaluation:list", u("evaluation:list"), viewers),
        # The demo evaluation is on the Walk Away campaign: not the provider's.
        ("evaluation:detail", u("evaluation:detail", args=[demo.pk]), LEADERSHIP),
        ("evaluation:detail", u("evaluation:detail", args=[own_pdf.pk]), viewers),
        ("evaluation:detail", u("evaluation:detail", args=[other_pdf.pk]), LEADERSHIP),
        ("evaluation:report_download", u("evaluation:report_download", args=[own_pdf.pk]), viewers),
        ("evaluation:report_download", u("evaluation:report_download", args=[other_pdf.pk]), LEADERSHIP),
        # No PDF attached: nobody downloads one.
        ("evaluation:report_download", u("evaluation:report_download", args=[own_bare.pk]), set()),
        ("evaluation:note_new", u("evaluation:note_new", args=[own_bare.pk]), STAFF),
        # Already has its note: one per evaluation.
        ("evaluation:note_new", u("evaluation:note_new", args=[demo.pk]), set()),
        ("evaluation:note", u("evaluation:note", args=[draft.pk]), viewers),
        ("evaluation:note", u("evaluation:note", args=[published.pk]), ALL),
        ("evaluation:note_edit", u("evaluation:note_edit", args=[draft.pk]), STAFF),
        ("evaluation:public_list", u("evaluation:public_list"), ALL),
        ("evaluation:public_note", u("evaluation:public_note", args=[published.pk]), ALL),
        ("evaluation:public_json", u("evaluation:public_json"), ALL),
    ]


def _fresh_note(published: bool) -> int:
    from svduty.web.evaluation.models import PracticeNote
    from svduty.web.programmes.models import Programme

    from .evaluation_helpers import make_evaluation, make_note

    own = Programme.objects.get(title="Bystander training in schools")
    number = PracticeNote.objects.count()
    note = make_note(make_evaluation(own, f"Matrix evaluation {number}"))
    if published:
        PracticeNote.objects.filter(pk=note.pk).update(status="published", published_at=timezone.now())
    return note.pk


def _agreement():
    from svduty.web.agreements.models import DataSharingAgreement

    return DataSharingAgreement.objects.get(reference="DSA-DEMO-001")


def post_matrix(w):
    """POST-only URLs, as factories (these requests change things, so each role gets a fresh object).
    Allowed roles are redirected onwards (302 not to sign-in); others are refused."""
    from svduty.web.commissioning.models import Question

    def fresh_question():
        return Question.objects.create(round=w.open_round, text="Temporary question").pk

    return [
        ("commissioning:question_delete", lambda: u("commissioning:question_delete", args=[fresh_question()]), STAFF),
        ("commissioning:apply", lambda: u("commissioning:apply", args=[w.open_round.pk]), {"provider"}),
        # A closed round refuses EOIs from everyone.
        ("commissioning:apply", lambda: u("commissioning:apply", args=[w.closed_round.pk]), set()),
        ("agreements:copy_upload", lambda: u("agreements:copy_upload", args=[_agreement().pk]), STAFF),
        ("evaluation:note_publish", lambda: u("evaluation:note_publish", args=[_fresh_note(False)]), STAFF),
        ("evaluation:note_withdraw", lambda: u("evaluation:note_withdraw", args=[_fresh_note(True)]), STAFF),
        *commissioning_post_matrix(w),
    ]


def _denied(role, response):
    if role == "public":
        return response.status_code == 302 and "/sign-in/" in response["Location"]
    return response.status_code == 403


@pytest.mark.django_db
def test_every_url_for_every_role(world):
    failures = []
    checked = 0
    for name, url, allowed in matrix(world):
        for role in ROLES:
            response = client_for(role).get(url)
            checked += 1
            ok = response.status_code == 200 if role in allowed else _denied(role, response)
            if not ok:
                failures.append(f"{name} {url} as {role}: {response.status_code} (allowed={role in allowed})")
    assert not failures, "\n".join(failures)
    assert checked == len(matrix(world)) * len(ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(8))
def test_post_only_urls(world, index):
    name, make_url, allowed = post_matrix(world)[index]
    for role in ROLES:
        response = client_for(role).post(make_url(), {"title": "x"})
        if role in allowed:
            assert response.status_code == 302 and "/sign-in/" not in response["Location"], (name, role)
        else:
            assert _denied(role, response), (name, role, response.status_code)


@pytest.mark.django_db
def test_public_never_sees_unpublished_or_deferred(world):
    from svduty.web.decisions.models import DecisionRecord

    for record in DecisionRecord.objects.all():
        for role in ROLES:
            response = client_for(role).get(u("public:decision", args=[record.reference]))
            expected = 200 if record.publicly_visible() else 404
            assert response.status_code == expected, (record.reference, record.state, role)
    assert DecisionRecord.objects.get(reference="DN38-25").state == "published"  # deferred: 404 above


@pytest.mark.django_db
def test_home_and_admin(world):
    for role in ROLES:
        response = client_for(role).get("/")
        assert response.status_code == (302 if role == "public" else 200), role
        admin = client_for(role).get("/admin/")
        assert admin.status_code == (200 if role == "admin" else 302), role


def test_matrix_covers_every_named_url():
    """Every app URL name (Django admin aside) is exercised above or by the sign-in tests."""
    names = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                if p.namespace in ("admin", "api"):  # the API has its own table: tests/web/test_api*.py
                    continue
                walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
            elif p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns)
    covered = {
        "core:home",
        "core:login",
        "core:logout",
        "core:register",
        "core:language",  # a redirect for every role: tests/web/test_i18n.py
        "commissioning:question_delete",
        "commissioning:apply",
        "commissioning:message_send",
        "commissioning:document_delete",
        "commissioning:decline",
        "referrals:case_step",
        "referrals:case_reopen",
        "referrals:referral_revoke",
        "agreements:copy_upload",
    }
    with open(__file__, encoding="utf-8") as handle:
        source = handle.read()

    source += "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("*_helpers.py"))
    missing = sorted(n for n in names - covered if f'"{n}"' not in source)
    assert not missing, f"URLs missing from the permission matrix: {missing}"


# -- referrals (svduty.web.referrals): its own roles beside the ones above ------------------------------------------
# Role keys of tests/web/referrals_helpers.REFERRAL_USERS: caseworker = navigator (A&E navigator service), team_manager
# = the navigators' manager, yjs / yjs_manager (youth justice), custody (police), mentor (a receiving service).
REF_ADMIN = {"admin"}
NAV_TEAM = {"caseworker", "team_manager"}
YJS = {"yjs", "yjs_manager"}
CASE_USERS = {"admin", "caseworker", "team_manager", "yjs", "yjs_manager", "custody", "mentor"}
CASEWORKERS = CASE_USERS - {"admin"}
AGGREGATES = {"admin", "officer", "chief_executive", "pcc", "analyst", "dpo"} | CASEWORKERS


@pytest.fixture
def ref_world(world):
    from svduty.web.referrals import cases
    from svduty.web.referrals.models import Service

    from .referrals_helpers import nav_case, user

    nav = nav_case()
    closed = nav_case(ref="NHS-CLOSED")
    cases.transition(user("navigator"), closed, "close", outcome="declined")
    mentoring = Service.objects.get(name="Kick Off mentoring")
    pending = cases.send_referral(user("navigator"), nav, mentoring)
    accepted = cases.send_referral(user("navigator"), nav, mentoring)
    cases.respond_referral(user("mentor"), accepted, accept=True)
    from svduty.web.referrals.loading import get_pathway

    yjs_case = cases.open_case(
        user("custody"),
        cases.NewCase(
            pathway=get_pathway("operation-deter"),
            date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 16, day=1),
            incident_date=timezone.localdate(),
            source_ref="PN-MATRIX",
            consent="given",
            arrest_notified_at=timezone.now(),
        ),
    )
    return {"nav": nav, "closed": closed, "pending": pending, "accepted": accepted, "yjs": yjs_case}


def referrals_matrix(r):
    nav, yjs = r["nav"].pk, r["yjs"].pk
    return [
        ("referrals:cases", u("referrals:cases"), CASE_USERS),
        ("referrals:overdue", u("referrals:overdue"), {"admin", "team_manager", "yjs_manager"}),
        ("referrals:case_new", u("referrals:case_new", args=["a-and-e-navigator"]), NAV_TEAM),
        ("referrals:case_new", u("referrals:case_new", args=["operation-deter"]), YJS | {"custody"}),
        ("referrals:case", u("referrals:case", args=[nav]), NAV_TEAM | REF_ADMIN),
        # custody opened it, the YJS owns it (unallocated: in the Act Now team's intake)
        ("referrals:case", u("referrals:case", args=[yjs]), YJS | {"custody"} | REF_ADMIN),
        ("referrals:case_identity", u("referrals:case_identity", args=[nav]), NAV_TEAM),
        ("referrals:case_identity", u("referrals:case_identity", args=[yjs]), YJS),
        ("referrals:case_consent", u("referrals:case_consent", args=[nav]), NAV_TEAM),
        ("referrals:case_close", u("referrals:case_close", args=[nav]), NAV_TEAM),
        ("referrals:case_close", u("referrals:case_close", args=[r["closed"].pk]), set()),
        ("referrals:case_release", u("referrals:case_release", args=[yjs]), YJS),
        ("referrals:deadline_done", u("referrals:deadline_done", args=[r["nav"].deadlines.first().pk]), NAV_TEAM),
        ("referrals:refer", u("referrals:refer", args=[nav]), NAV_TEAM),
        ("referrals:incoming", u("referrals:incoming"), CASEWORKERS),
        ("referrals:referral", u("referrals:referral", args=[r["pending"].pk]), NAV_TEAM | REF_ADMIN | {"mentor"}),
        ("referrals:referral_respond", u("referrals:referral_respond", args=[r["pending"].pk]), {"mentor"}),
        ("referrals:referral_respond", u("referrals:referral_respond", args=[r["accepted"].pk]), set()),
        ("referrals:referral_done", u("referrals:referral_done", args=[r["accepted"].pk]), {"mentor"}),
        ("referrals:referral_done", u("referrals:referral_done", args=[r["pending"].pk]), set()),
        ("referrals:services", u("referrals:services"), ALL_WITH_REFERRALS - {"public"}),
        ("referrals:pathways", u("referrals:pathways"), AGGREGATES),
        ("referrals:pathway", u("referrals:pathway", args=["operation-deter"]), AGGREGATES),
        (
            "referrals:pathway_comparison",
            u("referrals:pathway_comparison", args=["operation-deter"]),
            {"admin", "officer", "analyst"},
        ),
        ("referrals:access_log", u("referrals:access_log"), {"admin", "dpo"}),
        ("referrals:retention", u("referrals:retention"), {"admin", "dpo"}),
    ]


def _ref_client(role):
    from .referrals_helpers import REFERRAL_USERS, client_as

    return client_as(REFERRAL_USERS[role]) if role in REFERRAL_USERS else client_for(role)


def _all_with_referrals():
    from .referrals_helpers import REFERRAL_USERS

    return set(ROLES) | set(REFERRAL_USERS)


ALL_WITH_REFERRALS = _all_with_referrals()


@pytest.mark.django_db
def test_referrals_urls_for_every_role(ref_world):
    failures = []
    clients = {role: _ref_client(role) for role in ALL_WITH_REFERRALS}
    for name, url, allowed in referrals_matrix(ref_world):
        for role, client in clients.items():
            response = client.get(url)
            ok = response.status_code == 200 if role in allowed else _denied(role, response)
            if not ok:
                failures.append(f"{name} {url} as {role}: {response.status_code} (allowed={role in allowed})")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["start_assessment", "take", "reopen", "withdraw"])
def test_referrals_post_only_urls(ref_world, action):
    """``referrals:case_step``, ``referrals:case_reopen`` and ``referrals:referral_revoke``: a fresh case per role."""
    from .referrals_helpers import nav_case

    for role in ALL_WITH_REFERRALS:
        case = nav_case(ref=f"NHS-{role}")
        if action == "withdraw":
            from svduty.web.referrals import cases
            from svduty.web.referrals.models import Service

            from .referrals_helpers import user

            referral = cases.send_referral(user("navigator"), case, Service.objects.get(name="Kick Off mentoring"))
            url = u("referrals:referral_revoke", args=[referral.pk])
        elif action == "reopen":
            from svduty.web.referrals import cases

            from .referrals_helpers import user

            cases.transition(user("navigator"), case, "close", outcome="declined")
            url = u("referrals:case_reopen", args=[case.pk])
        else:
            if action == "take":
                type(case).objects.filter(pk=case.pk).update(assigned_to=None)
            url = u("referrals:case_step", args=[case.pk, action])
        response = _ref_client(role).post(url)
        if role in NAV_TEAM:
            assert response.status_code == 302 and "/sign-in/" not in response["Location"], (action, role)
        else:
            assert _denied(role, response), (action, role, response.status_code)


# Pages of every signed-in user, whatever the role (their notifications, their account): open to every role.
EVERY_USERS_OWN = {"notifications:inbox", "accounts:account"}


@pytest.mark.django_db
def test_referrals_roles_on_the_other_apps_urls(world):
    """The referrals roles see no commissioning, funding or decisions page: only the public ones, and the pages of
    every signed-in user (their own notifications)."""
    from .referrals_helpers import REFERRAL_USERS

    failures = []
    for name, url, allowed in matrix(world):
        for role in REFERRAL_USERS:
            response = _ref_client(role).get(url)
            if role == "analyst" and name.startswith("strategy:"):
                continue  # partnership analysts read and draft the strategy's evidence (strategy/permissions.py)
            expected_ok = allowed == ALL or name in EVERY_USERS_OWN  # public pages and every user's own pages
            ok = response.status_code == 200 if expected_ok else _denied(role, response)
            if not ok:
                failures.append(f"{name} {url} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)
