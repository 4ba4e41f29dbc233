"""Every URL × every role: allowed roles get the page, everyone else is refused (anonymous → sign in, others → 403).

The matrix is written out by hand from the role descriptions in docs/web.md, not generated from the permission
functions, so a rule that drifts from the intended policy fails here. A final test checks that every named URL of
the app appears in the matrix.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from .conftest import ROLES, client_for

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
        ("decisions:approve", u("decisions:approve", args=[w.record("draft").reference]), {"chief_executive"}),
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


def _agreement():
    from svduty.web.agreements.models import DataSharingAgreement

    return DataSharingAgreement.objects.get(reference="DSA-DEMO-001")


def post_matrix(w):
    """POST-only URLs, as factories (these requests change things, so each role gets a fresh object).
    Allowed roles are redirected onwards (302 not to sign-in); others are refused."""
    from svduty.web.commissioning.models import Application, Question

    def fresh_question():
        return Question.objects.create(round=w.open_round, text="Temporary question").pk

    def fresh_submitted():
        app = Application.objects.get(pk=w.submitted_fresh.pk)
        app.pk = None
        app.save()
        return app.pk

    return [
        ("commissioning:question_delete", lambda: u("commissioning:question_delete", args=[fresh_question()]), STAFF),
        ("commissioning:apply", lambda: u("commissioning:apply", args=[w.open_round.pk]), {"provider"}),
        # A closed round refuses EOIs from everyone.
        ("commissioning:apply", lambda: u("commissioning:apply", args=[w.closed_round.pk]), set()),
        ("commissioning:document_upload", lambda: u("commissioning:document_upload", args=[w.draft.pk]), {"provider"}),
        ("commissioning:decline", lambda: u("commissioning:decline", args=[fresh_submitted()]), STAFF),
        ("agreements:copy_upload", lambda: u("agreements:copy_upload", args=[_agreement().pk]), STAFF),
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
@pytest.mark.parametrize("index", range(6))
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
                if p.namespace == "admin":
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
        "commissioning:question_delete",
        "commissioning:apply",
        "commissioning:document_upload",
        "commissioning:decline",
        "agreements:copy_upload",
    }
    with open(__file__, encoding="utf-8") as handle:
        source = handle.read()
    missing = sorted(n for n in names - covered if f'"{n}"' not in source)
    assert not missing, f"URLs missing from the permission matrix: {missing}"
