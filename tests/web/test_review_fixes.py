"""Regression tests for the second security review of the web app (one test per finding, in the review's order)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from svduty.web.funding import ledger

from .conftest import client_for

pytestmark = pytest.mark.django_db


def user(name):
    return get_user_model().objects.get(username=name)


def _approve(record, decision="approved"):
    from svduty.web.workflows import DECISION_WORKFLOW, perform

    perform(DECISION_WORKFLOW, "submit", record, user("officer"))
    perform(DECISION_WORKFLOW, "officer_approve", record, user("ceo"), officer_name="CE")
    perform(DECISION_WORKFLOW, "decide", record, user("pcc"), decision=decision, decided_on=record.created_at.date())


def test_no_payment_before_the_pcc_approves_the_award(world):
    """Finding 1: paying an award whose decision record is still a draft, then a PCC "Not approved", left paid money
    on a released commitment that the ledger no longer counted, so the budget could be committed twice."""
    from svduty.web.commissioning.awards import make_award

    year = world.open_round.year_list[0]
    award = make_award(world.submitted_scored, {year: 1_000_000}, "", user("officer"))
    commitment = award.commitments.get()
    with pytest.raises(ledger.OverCommitment, match=r"no PCC approval yet .*decided \"Approved\" first"):
        ledger.spend(commitment, 500_000, "2026-11-01", "Paid early")
    # Through the view too: the officer sees the reason and nothing is recorded.
    page = client_for("officer").post(
        reverse("funding:spend", args=[commitment.pk]),
        {"amount": "5000", "paid_on": "2026-11-01", "description": "Paid early"},
    )
    assert page.status_code == 200 and "no PCC approval yet" in page.content.decode()
    assert not commitment.spend.exists()
    _approve(award.decision_record)
    ledger.spend(commitment, 500_000, "2026-11-01", "First instalment")
    assert commitment.spend.count() == 1


def test_paid_money_on_a_released_commitment_stays_committed(world):
    """Finding 1 (defence in depth): releasing a commitment frees only its unpaid part."""
    (commitment,) = ledger.commit(world.stream, {world.open_round.year_list[0]: 800_000}, "Workshop")
    year = commitment.financial_year
    before = {p.financial_year: p for p in ledger.position(world.stream)}[year].committed_pence
    ledger.spend(commitment, 300_000, "2026-11-01", "Part paid")
    type(commitment).objects.filter(pk=commitment.pk).update(released=True)
    after = {p.financial_year: p for p in ledger.position(world.stream)}[year].committed_pence
    assert after == before - 800_000 + 300_000


def test_two_pcc_decisions_in_flight_cannot_both_land(world):
    """Finding 2: the state was checked on the caller's copy, so two requests that loaded the record before either
    saved could both decide it (a "Not approved" released the money, then an "Approved" overwrote the decision)."""
    from svduty.web.commissioning.awards import make_award
    from svduty.web.decisions.models import DecisionRecord
    from svduty.web.workflows import DECISION_WORKFLOW, TransitionRefused, perform

    award = make_award(world.submitted_scored, {world.open_round.year_list[0]: 1_000_000}, "", user("officer"))
    record = award.decision_record
    perform(DECISION_WORKFLOW, "submit", record, user("officer"))
    perform(DECISION_WORKFLOW, "officer_approve", record, user("ceo"), officer_name="CE")
    first, second = DecisionRecord.objects.get(pk=record.pk), DecisionRecord.objects.get(pk=record.pk)
    pcc = user("pcc")
    perform(DECISION_WORKFLOW, "decide", first, pcc, decision="not_approved", decided_on=record.created_at.date())
    assert first.state == "decided"  # the caller's copy is refreshed
    with pytest.raises(TransitionRefused, match="not possible: the pcc decision record is decided"):
        perform(DECISION_WORKFLOW, "decide", second, pcc, decision="approved", decided_on=record.created_at.date())
    record.refresh_from_db()
    assert record.decision == "not_approved"
    assert list(record.events.filter(action="decide").values_list("to_state", flat=True)) == ["decided"]
    assert all(c.released for c in award.commitments.all())


def test_edit_in_flight_cannot_change_an_approved_record(world, monkeypatch):
    """Finding 2: record_edit checked the state when it loaded the record; a Chief Executive approval landing before
    its save was overwritten (state back to draft, approved text changed)."""
    from svduty.web.commissioning.awards import make_award
    from svduty.web.decisions import views
    from svduty.web.decisions.forms import DecisionRecordForm
    from svduty.web.decisions.models import DecisionRecord
    from svduty.web.workflows import DECISION_WORKFLOW, perform

    award = make_award(world.submitted_scored, {world.open_round.year_list[0]: 1_000_000}, "", user("officer"))
    record = award.decision_record
    stale = DecisionRecord.objects.get(pk=record.pk)  # what the officer's edit request loaded, still a draft
    perform(DECISION_WORKFLOW, "submit", record, user("officer"))
    perform(DECISION_WORKFLOW, "officer_approve", record, user("ceo"), officer_name="CE")
    monkeypatch.setattr(views, "_record", lambda reference: stale)
    data = {f: getattr(stale, f) for f in DecisionRecordForm.Meta.fields}
    data = {k: ("on" if v is True else "" if v in (None, False) else v) for k, v in data.items()}
    data["recommendation"] = "EDITED AFTER APPROVAL"
    response = client_for("officer").post(reverse("decisions:edit", args=[record.reference]), data, follow=True)
    assert "was not saved: it is no longer a draft" in response.content.decode()
    saved = DecisionRecord.objects.get(pk=record.pk)
    assert saved.state == "officer_approved" and saved.officer_name == "CE"
    assert saved.recommendation != "EDITED AFTER APPROVAL"


def test_pcc_decision_cannot_be_dated_before_officer_approval(world):
    """Finding 3: the PCC's decision could be backdated to before the Chief Executive's approval (2020-01-01)."""
    from django.utils import timezone

    from svduty.web.commissioning.awards import make_award
    from svduty.web.workflows import DECISION_WORKFLOW, perform

    award = make_award(world.submitted_scored, {world.open_round.year_list[0]: 1_000_000}, "", user("officer"))
    record = award.decision_record
    perform(DECISION_WORKFLOW, "submit", record, user("officer"))
    perform(
        DECISION_WORKFLOW,
        "officer_approve",
        record,
        user("ceo"),
        officer_name="CE",
        officer_approved_by=user("ceo"),
        officer_approved_at=timezone.now(),
    )
    pcc = client_for("pcc")
    url = reverse("decisions:decide", args=[record.reference])
    form = {
        "decision": "not_approved",
        "decision_text": "No",
        "pcc_has_interest": "no",
        "pcc_signature": "Pat C",
        "decided_on": "2020-01-01",
    }
    page = pcc.post(url, form)
    assert page.status_code == 200
    today = timezone.localdate()
    assert f"cannot be before the Chief Executive&#x27;s approval on {today:%-d %B %Y}" in page.content.decode()
    record.refresh_from_db()
    assert record.state == "officer_approved" and record.decided_on is None
    assert pcc.post(url, {**form, "decided_on": today.isoformat()}).status_code == 302
    record.refresh_from_db()
    assert record.state == "decided" and record.decided_on == today


def test_registration_refuses_another_organisations_number(world):
    """Finding 4: anyone could register "Upstanders Schools Trust Ltd" under Upstanders' charity number and share its
    360Giving identifier."""
    from django.test import Client

    from svduty.web.partnership.models import Organisation

    upstanders = Organisation.objects.get(name="Upstanders Schools Trust")
    assert upstanders.charity_number
    Organisation.objects.create(name="Listed by id only", kind="provider", org_identifier="GB-COH-09876543")
    data = {
        "organisation_name": "Upstanders Schools Trust Ltd",
        "kind": "voluntary",
        "charity_number": upstanders.charity_number,
        "company_number": "",
        "town": "X",
        "first_name": "E",
        "last_name": "V",
        "email": "e@example.org",
        "password": "a-very-long-Passphrase-42",
    }
    before = Organisation.objects.count()
    page = Client().post(reverse("core:register"), data)
    assert page.status_code == 200
    assert "An organisation with this charity number is already registered" in page.content.decode()
    page = Client().post(reverse("core:register"), {**data, "charity_number": "", "company_number": "09876543"})
    assert "An organisation with this company number is already registered" in page.content.decode()
    assert Organisation.objects.count() == before
    assert not get_user_model().objects.filter(email="e@example.org").exists()


def test_round_with_awards_keeps_its_stream_years_and_largest_award(world):
    """Finding 5: an officer could move a round with 8 published awards to another stream (changing the 360Giving
    funder) and set its maximum award to £1."""
    from svduty.web.commissioning.models import Award
    from svduty.web.funding.models import FundingStream
    from svduty.web.partnership.models import Organisation

    round_ = world.closed_round
    stream = world.stream
    other = FundingStream.objects.create(
        **{f.name: getattr(stream, f.name) for f in stream._meta.fields if f.name not in ("id", "name", "funder")},
        name="Home Office VRU grant",
        funder=Organisation.objects.exclude(pk=stream.funder_id).first(),
    )
    largest = max(Award.objects.filter(application__round=round_).values_list("amount_pence", flat=True))
    data = {
        "title": round_.title,
        "description": round_.description,
        "stream": other.pk,
        "priorities": list(round_.priorities.values_list("pk", flat=True)),
        "eligible_areas": round_.eligible_areas,
        "financial_years": "2030-31",
        "opens_on": round_.opens_on.isoformat(),
        "closes_on": round_.closes_on.isoformat(),
        "max_award": "1",
    }
    url = reverse("commissioning:round_edit", args=[round_.pk])
    officer = client_for("officer")
    page = officer.post(url, data)
    assert page.status_code == 200
    assert f"less than this round&#x27;s largest award of £{largest // 100:,}" in page.content.decode()
    # With an allowed maximum the rest saves, but the stream and years stay as they were.
    assert officer.post(url, {**data, "max_award": f"{largest // 100}"}).status_code == 302
    round_.refresh_from_db()
    assert round_.stream_id == stream.pk and "2030-31" not in round_.financial_years
    assert round_.max_award_pence == largest
    # A round with no awards yet can still move.
    open_data = {**data, "title": world.open_round.title, "financial_years": world.open_round.financial_years}
    open_url = reverse("commissioning:round_edit", args=[world.open_round.pk])
    assert officer.post(open_url, {**open_data, "max_award": "50,000"}).status_code == 302
    world.open_round.refresh_from_db()
    assert world.open_round.stream_id == other.pk


def test_public_pdf_includes_a_published_section_b(world, tmp_path):
    """Finding 6: the public PDF left out Section B even when it is published (the public page shows it)."""
    import shutil
    import subprocess

    from svduty.web.decisions.models import DecisionRecord

    if not shutil.which("pdftotext"):
        pytest.skip("missing: poppler-utils (pdftotext)")
    record = DecisionRecord.objects.get(reference="DN50-24")
    assert record.section_b and record.section_b_published
    pdf = tmp_path / "public.pdf"
    pdf.write_bytes(client_for("public").get(reverse("public:decision_pdf", args=["DN50-24"])).content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Section B report" in text
    first_words = " ".join(record.section_b.split()[:4])
    assert first_words in " ".join(text.split())


def test_moderated_score_cannot_be_negative(world):
    """Finding 7: a moderated score of -99.9 was accepted (only the maximum of 100 was checked)."""
    from svduty.web.commissioning.models import Moderation

    url = reverse("commissioning:moderate", args=[world.submitted_scored.pk])
    officer = client_for("officer")
    page = officer.post(url, {"score_percent": "-99.9", "reason": "x"})
    assert page.status_code == 200
    assert "greater than or equal to 0" in page.content.decode()
    assert not Moderation.objects.filter(application=world.submitted_scored).exists()
    assert officer.post(url, {"score_percent": "0", "reason": "Nothing met"}).status_code == 302
