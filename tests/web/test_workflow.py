"""The commissioning workflow through the views: EOI → conflict-checked scoring → award (over-commitment refused)
→ officer approval → PCC decision → publication, with the history of who did what and when."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from svduty.web.commissioning.models import Application, Award, Criterion, Review, Score
from svduty.web.decisions.models import DecisionEvent, DecisionRecord
from svduty.web.funding import ledger
from svduty.web.funding.models import Commitment

from .commissioning_helpers import add_reviews
from .conftest import client_for

EARLY = {"before_close_reason": "The panel met early to meet the funder's deadline"}

pytestmark = pytest.mark.django_db


def user(name):
    return get_user_model().objects.get(username=name)


def _complete_draft(world, **extra):
    year = world.open_round.year_list[0]
    question = world.open_round.questions.first()
    data = {
        "title": "Peer mentoring pilot",
        "summary": "Mentors aged 18-25 support 14-17s after exclusion",
        "target_cohort": "Young people excluded from school",
        "age_min": "14",
        "age_max": "17",
        "area": "Demoshire City",
        "priority": str(world.open_round.priorities.first().pk),
        "prevention_level": "secondary",
        f"budget_{year}": "£20,000",
        "outcomes": "Fewer exclusions",
        "safeguarding": "DBS checks",
        "evidence": "YEF toolkit: mentoring",
        f"question_{question.pk}": "Youth panel",
        "then": "save",
    }
    data.update(extra)
    return data


def test_provider_drafts_saves_and_submits(world):
    provider = client_for("provider")
    url = reverse("commissioning:application_edit", args=[world.draft.pk])
    # Submitting an incomplete draft is refused with what is missing.
    response = provider.post(url, {"title": "Peer mentoring pilot", "then": "submit"}, follow=True)
    assert "Before you can submit, add a summary" in response.content.decode()
    response = provider.post(url, _complete_draft(world))
    assert response.status_code == 302
    draft = Application.objects.get(pk=world.draft.pk)
    assert draft.requested_pence == 2_000_000 and draft.status == "draft"
    # The declaration on the check-answers page is needed (issue 17 item 5).
    refused = provider.post(reverse("commissioning:application_submit", args=[draft.pk]))
    assert refused.status_code == 200 and "Confirm the declaration" in refused.content.decode()
    response = provider.post(
        reverse("commissioning:application_submit", args=[draft.pk]), {"confirm": "on", "full_name": "Riya Shah"}
    )
    assert response["Location"] == reverse("commissioning:application_confirmation", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.submitted_at is not None and draft.declaration_name == "Riya Shah"
    # Once submitted it can no longer be edited.
    assert provider.get(url).status_code == 403


def test_budget_over_round_maximum_is_refused(world):
    year = world.open_round.year_list[0]
    response = client_for("provider").post(
        reverse("commissioning:application_edit", args=[world.draft.pk]),
        _complete_draft(world, **{f"budget_{year}": "60,000"}),
    )
    assert response.status_code == 200
    assert "more than this round&#x27;s maximum award of £50,000" in response.content.decode()


def test_closed_round_refuses_submission(world):
    """A draft in a round that has closed can be neither edited nor submitted."""
    world.open_round.closes_on = world.open_round.opens_on
    world.open_round.save()
    provider = client_for("provider")
    refused = provider.get(reverse("commissioning:application_edit", args=[world.draft.pk]))
    assert refused.status_code == 403
    assert f"This round closed on {world.open_round.closes_on:%d %B %Y}" in refused.content.decode()
    assert provider.post(reverse("commissioning:application_submit", args=[world.draft.pk])).status_code == 403
    assert provider.post(reverse("commissioning:apply", args=[world.open_round.pk])).status_code == 403


def test_conflicted_assessor_cannot_see_or_score(world):
    assessor2 = client_for("assessor")
    assessor2.force_login(user("assessor2"))
    app = world.submitted_fresh
    # Before declaring: the EOI itself is hidden.
    assert assessor2.get(reverse("commissioning:application", args=[app.pk])).status_code == 403
    response = assessor2.post(
        reverse("commissioning:declare", args=[app.pk]), {"has_conflict": "yes", "details": "I am a trustee"}
    )
    assert response.status_code == 302
    assert assessor2.get(reverse("commissioning:score", args=[app.pk])).status_code == 403
    assert assessor2.get(reverse("commissioning:application", args=[app.pk])).status_code == 403
    # The declaration is final.
    assert assessor2.post(reverse("commissioning:declare", args=[app.pk]), {"has_conflict": "no"}).status_code == 403


def test_weighted_score_and_ranking_by_hand(world):
    """Criteria weights 3,2,2,1,1 (max 5). Scores 5,4,3,2,1 → (3·5+2·4+2·3+1·2+1·1)/5/9·100 = 32/45·100 = 71.1."""
    assessor = client_for("assessor")
    app = world.submitted_scored
    criteria = list(Criterion.objects.filter(round=app.round))
    assert [c.weight for c in criteria] == [3, 2, 2, 1, 1]
    data = {f"criterion_{c.pk}": str(s) for c, s in zip(criteria, [5, 4, 3, 2, 1], strict=True)}
    data["comment"] = "Strong evidence"
    data["recommendation"] = "yes"
    assert assessor.post(reverse("commissioning:score", args=[app.pk]), data).status_code == 302
    review = Review.objects.get(application=app)
    assert review.weighted_percent() == Decimal("71.1")
    assert Score.objects.filter(review=review).count() == 5
    page = client_for("officer").get(reverse("commissioning:round_assessment", args=[app.round.pk])).content.decode()
    assert "71.1" in page
    # Moderation needs a reason and replaces the mean in the ranking.
    officer = client_for("officer")
    response = officer.post(reverse("commissioning:moderate", args=[app.pk]), {"score_percent": "80", "reason": ""})
    assert response.status_code == 200
    officer.post(reverse("commissioning:moderate", args=[app.pk]), {"score_percent": "80", "reason": "Panel consensus"})
    from svduty.web.commissioning.assessment import rank

    row = next(r for r in rank(app.round) if r.application.pk == app.pk)
    assert row.mean_percent == Decimal("71.1") and row.final_percent == Decimal("80.0")


def test_demo_ranking_mean_matches_hand_computation(world):
    """Demo EOI 1 (bystander training): assessors 1 and 3 score 5,5,4,5,4 and assessor 2 one less on each.
    (3·5+2·5+2·4+5+4)/45 = 42/45 = 93.33…; (3·4+2·4+2·3+4+3)/45 = 33/45 = 73.33…; mean = (93.3+73.3+93.3)/3."""
    from svduty.web.commissioning.assessment import rank

    row = next(r for r in rank(world.closed_round) if r.application.title == "Bystander training in schools")
    assert sorted(row.review_scores) == [Decimal("73.3"), Decimal("93.3"), Decimal("93.3")]
    assert row.mean_percent == Decimal("86.6")


def test_full_decision_workflow(world):
    app = world.submitted_scored
    year = app.round.year_list[0]
    officer, ceo, pcc = client_for("officer"), client_for("chief_executive"), client_for("pcc")
    add_reviews(app)
    response = officer.post(
        reverse("commissioning:award", args=[app.pk]),
        {f"amount_{year}": "20,000", "conditions": "Quarterly returns", **EARLY},
    )
    assert response.status_code == 302
    award = Award.objects.get(application=app)
    record = award.decision_record
    assert record.state == "draft" and record.reference.startswith("DN")
    assert Commitment.objects.get(award=award).amount_pence == 2_000_000
    ref = record.reference
    # The PCC cannot decide before officer approval.
    assert pcc.get(reverse("decisions:decide", args=[ref])).status_code == 403
    # Nor can the Chief Executive approve before an officer submits it.
    assert ceo.get(reverse("decisions:approve", args=[ref])).status_code == 403
    assert officer.post(reverse("decisions:submit", args=[ref])).status_code == 302
    # Officer approval needs all three confirmations.
    response = ceo.post(
        reverse("decisions:approve", args=[ref]), {"officer_name": "Chris", "financial_advice_taken": "on"}
    )
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.state == "submitted"
    ceo.post(
        reverse("decisions:approve", args=[ref]),
        {
            "officer_name": "Chris CE",
            "financial_advice_taken": "on",
            "legal_advice_taken": "on",
            "equalities_advice_taken": "on",
        },
    )
    record.refresh_from_db()
    assert record.state == "officer_approved" and record.officer_name == "Chris CE"
    # Text is frozen after approval.
    assert officer.get(reverse("decisions:edit", args=[ref])).status_code == 403
    pcc.post(
        reverse("decisions:decide", args=[ref]),
        {
            "decision": "approved",
            "decision_text": "I approve",
            "pcc_has_interest": "no",
            "pcc_signature": "Pat C",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    record.refresh_from_db()
    assert record.state == "decided" and record.decision == "approved"
    # Not on the public register until published.
    assert client_for("public").get(reverse("public:decision", args=[ref])).status_code == 404
    officer.post(reverse("decisions:publish", args=[ref]))
    record.refresh_from_db()
    assert record.state == "published" and record.publicly_visible()
    page = client_for("public").get(reverse("public:decisions")).content.decode()
    assert ref in page
    events = list(DecisionEvent.objects.filter(record=record).values_list("action", "user__username"))
    assert events == [
        ("draft", "officer"),
        ("submit", "officer"),
        ("officer_approve", "ceo"),
        ("decide", "pcc"),
        ("publish", "officer"),
    ]
    app.refresh_from_db()
    assert app.status == "funded"  # "Awarded" once the PCC approves (issue 17 defect 3)
    # History kept: simple_history has one row per save.
    assert record.history.count() >= 4
    with pytest.raises(ValueError):
        DecisionEvent.objects.filter(record=record).first().save()


def test_not_approved_releases_commitments(world):
    from svduty.web.commissioning.awards import make_award
    from svduty.web.workflows import DECISION_WORKFLOW, perform

    users = {u: user(u) for u in ("officer", "ceo", "pcc")}
    app = world.submitted_scored
    award = make_award(app, {app.round.year_list[0]: 1_000_000}, "", users["officer"])
    record = award.decision_record
    perform(DECISION_WORKFLOW, "submit", record, users["officer"])
    perform(DECISION_WORKFLOW, "officer_approve", record, users["ceo"], officer_name="CE")
    perform(
        DECISION_WORKFLOW, "decide", record, users["pcc"], decision="not_approved", decided_on=record.created_at.date()
    )
    assert all(c.released for c in award.commitments.all())
    app.refresh_from_db()
    assert app.status == "not_awarded"


def test_over_commitment_is_refused_with_a_clear_message(world):
    stream = world.stream
    year = world.open_round.year_list[0]
    position = {p.financial_year: p for p in ledger.position(stream)}[year]
    app = world.submitted_scored
    # Use up all but £10,000 of the year, then try to award £20,000.
    ledger.commit(stream, {year: position.available_pence - 1_000_000}, "Other spending")
    add_reviews(app)
    response = client_for("officer").post(
        reverse("commissioning:award", args=[app.pk]), {f"amount_{year}": "20,000", "conditions": "x", **EARLY}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Over-committed" in text and "would exceed it by £10,000.00" in text
    assert not Award.objects.filter(application=app).exists()
    app.refresh_from_db()
    assert app.status == "submitted"


def test_demo_round_totals(world):
    """The demo round: 8 awards totalling exactly £467,000, £90,000 bystander training 2024-25, £30,000 VR."""
    awards = Award.objects.filter(application__round=world.closed_round)
    assert awards.count() == 8
    assert sum(a.amount_pence for a in awards) == 46_700_000
    bystander = awards.get(application__title="Bystander training in schools")
    assert [(c.financial_year, c.amount_pence) for c in bystander.commitments.all()] == [("2024-25", 9_000_000)]
    assert awards.get(application__title__startswith="VR-headset").amount_pence == 3_000_000
    dn50 = DecisionRecord.objects.get(reference="DN50-24")
    assert dn50.awards_total_pence == 46_700_000 and dn50.state == "published"
    states = set(DecisionRecord.objects.values_list("state", flat=True))
    assert states == {"draft", "submitted", "officer_approved", "decided", "published"}


def test_reference_numbering_per_year(world):
    officer = user("officer")
    from svduty.web.decisions.models import next_reference

    n1, yy, _ = next_reference()
    n2, _, ref2 = next_reference()
    assert n2 == n1 + 1 and ref2 == f"DN{n2}-{yy:02d}"
    import datetime

    n, _, ref = next_reference(datetime.date(2031, 4, 1))
    assert (n, ref) == (1, "DN1-31")
    record = DecisionRecord.objects.create(
        title="t",
        background="b",
        recommendation="r",
        financial_implications="f",
        legal_implications="l",
        equalities_implications="e",
        created_by=officer,
    )
    assert record.reference == f"DN{n2 + 1}-{yy:02d}"


def test_pdf_of_the_record(world):
    response = client_for("officer").get(reverse("decisions:pdf", args=["DN50-24"]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    public = client_for("public").get(reverse("public:decision_pdf", args=["DN51-24"]))
    assert public.content.startswith(b"%PDF")


def test_section_b_hidden_when_sensitive(world):
    page = client_for("public").get(reverse("public:decision", args=["DN51-24"])).content.decode()
    assert "Contains personal information" in page
    assert "Staffing structure and salaries" not in page
    staff = client_for("officer").get(reverse("decisions:detail", args=["DN51-24"])).content.decode()
    assert "Staffing structure and salaries" in staff


def test_officer_sets_panel_criteria_and_budget(world):
    officer = client_for("officer")
    url = reverse("commissioning:round_panel", args=[world.open_round.pk])
    assessor3 = user("assessor3")
    response = officer.post(url, {"kind": "panel", "panel-name": "Panel B", "panel-members": [assessor3.pk]})
    assert response.status_code == 302
    assert list(world.open_round.panel.members.all()) == [assessor3]
    # The demo's open round already has reviews, so its criteria are fixed: add criteria to a new round.
    from svduty.web.commissioning.models import Round

    fresh = Round.objects.create(
        partnership=world.open_round.partnership,
        stream=world.stream,
        title="Criteria test round",
        eligible_areas="Demoshire City",
        financial_years=world.open_round.financial_years,
        opens_on=world.open_round.opens_on,
        closes_on=world.open_round.closes_on,
        max_award_pence=100,
    )
    officer.post(
        reverse("commissioning:round_panel", args=[fresh.pk]),
        {
            "kind": "criterion",
            "criterion-name": "Reach",
            "criterion-weight": "2",
            "criterion-max_score": "5",
            "criterion-order": "9",
        },
    )
    assert fresh.criteria.filter(name="Reach", weight=2).exists()
    # Criteria are fixed once scoring has started (the closed round has scores).
    closed = reverse("commissioning:round_panel", args=[world.closed_round.pk])
    before = world.closed_round.criteria.count()
    officer.post(
        closed,
        {
            "kind": "criterion",
            "criterion-name": "Late",
            "criterion-weight": "1",
            "criterion-max_score": "5",
            "criterion-order": "9",
        },
    )
    assert world.closed_round.criteria.count() == before
    # Budgets: below what is committed is refused; within the total is accepted.
    stream_url = reverse("funding:stream", args=[world.stream.pk])
    refused = officer.post(stream_url, {"kind": "budget", "budget-financial_year": "2024-25", "budget-amount": "1000"})
    assert "is already committed, so the budget cannot be" in refused.content.decode()
    too_much = officer.post(
        stream_url, {"kind": "budget", "budget-financial_year": "2030-31", "budget-amount": "5,000,000"}
    )
    assert "more than the stream&#x27;s total" in too_much.content.decode()
    commit = officer.post(
        stream_url,
        {
            "kind": "commit",
            "commit-financial_year": "2026-27",
            "commit-amount": "1,000",
            "commit-description": "Evaluation workshop",
        },
    )
    assert commit.status_code == 302


def test_provider_registers_and_applies(world):
    from django.test import Client

    client = Client()
    assert client.get(reverse("core:register")).status_code == 200
    data = {
        "organisation_name": "Riverside Youth Project",
        "kind": "voluntary",
        "charity_number": "12345",  # too short: refused
        "company_number": "",
        "town": "Demoshire City",
        "first_name": "Riya",
        "last_name": "Shah",
        "email": "riya@example.org",
        "password": "password",
    }
    page = client.post(reverse("core:register"), data).content.decode()
    assert "A charity number is 6 or 7 digits" in page and "This password is too short" in page
    data.update(charity_number="1999099", password="long-enough-Passphrase-42")
    assert client.post(reverse("core:register"), data).status_code == 302
    riya = get_user_model().objects.get(email="riya@example.org")
    assert riya.username.startswith("riya.shah-")
    assert riya.username in client.get(reverse("core:home")).content.decode()  # told once, in the banner
    assert riya.profile.role == "provider" and riya.profile.organisation.identifier == "GB-CHC-1999099"
    response = client.post(reverse("commissioning:apply", args=[world.open_round.pk]), {"title": "Youth hub"})
    assert response.status_code == 302
    assert Application.objects.get(title="Youth hub").organisation.name == "Riverside Youth Project"
    # The same organisation cannot be registered twice.
    again = Client().post(reverse("core:register"), {**data, "email": "riya2@example.org"}).content.decode()
    assert "already registered" in again


def test_public_pdf_withholds_section_b(world, tmp_path):
    import shutil
    import subprocess

    if not shutil.which("pdftotext"):
        pytest.skip("missing: poppler-utils (pdftotext)")
    public_pdf = tmp_path / "public.pdf"
    public_pdf.write_bytes(client_for("public").get(reverse("public:decision_pdf", args=["DN51-24"])).content)
    staff_pdf = tmp_path / "staff.pdf"
    staff_pdf.write_bytes(client_for("officer").get(reverse("decisions:pdf", args=["DN51-24"])).content)

    def text(path):
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout

    assert "Staffing structure and salaries" not in text(public_pdf)
    assert "Contains personal information" in text(public_pdf)
    assert "Staffing structure and salaries" in text(staff_pdf)
    assert "DEMO DATA" in text(public_pdf)


def test_one_decision_record_for_several_awards(world):
    officer = client_for("officer")
    year = world.open_round.year_list[0]
    first, second = world.submitted_scored, world.submitted_fresh
    add_reviews(first)
    add_reviews(second)
    officer.post(
        reverse("commissioning:award", args=[first.pk]),
        {f"amount_{year}": "20,000", "conditions": "c", "record": "new", **EARLY},
    )
    record = Award.objects.get(application=first).decision_record
    page = officer.get(reverse("commissioning:award", args=[second.pk])).content.decode()
    assert f"Add to draft {record.reference}" in page
    response = officer.post(
        reverse("commissioning:award", args=[second.pk]),
        {f"amount_{year}": "15,000", "conditions": "c", "record": record.reference, **EARLY},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.awards.count() == 2 and record.awards_total_pence == 3_500_000
    assert "2 awards totalling £35,000" in record.title
    assert "Youth club late nights — £20,000" in record.recommendation
    assert "Parent workshops — £15,000" in record.recommendation
    assert record.financial_implications.startswith("£35,000")


def test_awards_list_and_agreement(world):
    officer = client_for("officer")
    page = officer.get(reverse("commissioning:awards")).content.decode()
    assert "Upstanders Schools Trust" in page
    # Bystander training: £90,000 awarded and (demo payments) £90,000 paid, in one row.
    row = page[page.index("Bystander training in schools") :].split("</tr>")[0]
    assert row.count("£90,000") == 2
    award = world.awarded_app.award
    url = reverse("commissioning:award_agreement", args=[award.pk])
    future = officer.post(url, {"signed_on": "2099-01-01"}).content.decode()
    assert "cannot be in the future" in future
    assert officer.post(url, {"signed_on": "2024-08-01"}).status_code == 302
    award.refresh_from_db()
    assert str(award.agreement_signed_on) == "2024-08-01"
    # Not before the PCC approves: a freshly drafted award has no agreement yet.
    from svduty.web.commissioning.awards import make_award

    pending = make_award(world.submitted_scored, {world.open_round.year_list[0]: 100_000}, "", user("officer"))
    refused = officer.get(reverse("commissioning:award_agreement", args=[pending.pk]))
    assert refused.status_code == 403 and "The PCC has not approved this award" in refused.content.decode()
