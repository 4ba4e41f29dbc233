"""Referrals: consent gate on every path that sends data, the case workflow with its history, receivers' replies,
an access-log row for every read of personal details (append-only, trigger on PostgreSQL), retention dry run and
run, and the case-derived indicators against an independent count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from .referrals_helpers import client_as, nav_case, user


@pytest.fixture
def refs(world):
    from svduty.web.referrals.models import Service

    return {"mentoring": Service.objects.get(name="Kick Off mentoring")}


@pytest.mark.django_db
def test_no_referral_without_consent_page_and_function(refs):
    from svduty.web.referrals import cases
    from svduty.web.referrals.models import Referral

    case = nav_case(consent="refused")
    navigator = client_as("navigator")
    url = reverse("referrals:refer", args=[case.pk])
    assert navigator.get(url).status_code == 403
    response = navigator.post(url, {"service": refs["mentoring"].pk})
    assert response.status_code == 403
    with pytest.raises(cases.CaseRefused, match="without consent"):
        cases.send_referral(user("navigator"), case, refs["mentoring"])
    assert not Referral.objects.filter(case=case).exists()
    # An override needs a lawful basis and a reason; then the referral goes.
    with pytest.raises(cases.CaseRefused, match="lawful basis and a reason"):
        cases.record_consent(user("navigator"), case, "share", "overridden", lawful_basis="safeguarding")
    consent_url = reverse("referrals:case_consent", args=[case.pk])
    form = {"kind": "share", "status": "overridden", "lawful_basis": "safeguarding", "reason": ""}
    assert navigator.post(consent_url, form).status_code == 200  # the form shows the missing reason
    form["reason"] = "Safeguarding: immediate risk of retaliation"
    assert navigator.post(consent_url, form).status_code == 302
    response = navigator.post(url, {"service": refs["mentoring"].pk, "note": "mentoring"})
    assert response.status_code == 302
    assert Referral.objects.get(case=case).state == "pending"
    # Refused again: the gate closes for the next referral.
    cases.record_consent(user("navigator"), case, "share", "refused")
    assert navigator.get(url).status_code == 403


@pytest.mark.django_db
def test_api_create_for_another_agency_needs_consent(world):
    """A custody officer's youth case goes to the YJS: sending it is a disclosure, so refused consent stops it."""
    body = {
        "pathway": "operation-deter",
        "date_of_birth": "2009-04-01",
        "incident_date": "2025-06-01",
        "arrest_notified_at": "2025-06-01T21:00:00+01:00",
        "source_ref": "P-77",
        "consent": "refused",
    }
    custody = client_as("custody")
    response = custody.post("/api/v1/referrals/", body, content_type="application/json")
    assert response.status_code == 422 and "consent" in response.json()["detail"]
    body["consent"] = "overridden"
    assert custody.post("/api/v1/referrals/", body, content_type="application/json").status_code == 422
    body |= {"lawful_basis": "crime", "consent_reason": "Operation Deter information-sharing agreement"}
    response = custody.post("/api/v1/referrals/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    # An adult stays with the police: no disclosure, refused consent is recorded and the case is opened.
    adult = body | {"date_of_birth": "1995-01-01", "consent": "refused", "lawful_basis": "", "consent_reason": ""}
    response = custody.post("/api/v1/referrals/", adult, content_type="application/json")
    assert response.status_code == 201 and response.json()["consent"] == "refused"


@pytest.mark.django_db
def test_workflow_history_close_with_outcome_and_reopen(world):
    from svduty.web.referrals import cases

    case = nav_case()
    navigator = client_as("navigator")
    for action in ("start_assessment", "agree_plan", "start_services"):
        assert navigator.post(reverse("referrals:case_step", args=[case.pk, action])).status_code == 302
    case.refresh_from_db()
    assert case.state == "services"
    assert navigator.post(reverse("referrals:case_step", args=[case.pk, "agree_plan"])).status_code == 302
    case.refresh_from_db()
    assert case.state == "services"  # refused, not moved backwards
    response = navigator.post(reverse("referrals:case_close", args=[case.pk]), {"outcome": "plan_completed"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.close_outcome) == ("closed", "plan_completed") and case.closed_at is not None
    with pytest.raises(cases.CaseRefused):
        cases.transition(user("navigator"), case, "start_assessment")
    assert navigator.post(reverse("referrals:case_reopen", args=[case.pk])).status_code == 302
    case.refresh_from_db()
    assert case.state == "assessment" and case.close_outcome == ""
    history = list(case.history.values_list("action", "from_state", "to_state", "user__username"))
    assert [h[0] for h in history] == [
        "open",
        "start_assessment",
        "agree_plan",
        "start_services",
        "close",
        "reopen",
    ]
    assert all(h[3] == "navigator" for h in history)


@pytest.mark.django_db
def test_receiver_accepts_rejects_and_records_done_with_reason(refs):
    from svduty.web.referrals import cases

    case = nav_case()
    referral = cases.send_referral(user("navigator"), case, refs["mentoring"], note="sport")
    mentor, navigator = client_as("mentor"), client_as("navigator")
    respond = reverse("referrals:referral_respond", args=[referral.pk])
    assert navigator.get(respond).status_code == 403  # the sender cannot answer for the receiver
    assert mentor.get(reverse("referrals:incoming")).status_code == 200
    assert mentor.get(reverse("referrals:case", args=[case.pk])).status_code == 403  # not the sender's case
    assert mentor.post(respond, {"decision": "reject", "reason": ""}).status_code == 200  # reason required
    assert mentor.post(respond, {"decision": "accept"}).status_code == 302
    done = reverse("referrals:referral_done", args=[referral.pk])
    assert mentor.post(done, {"successful": "no"}).status_code == 200  # reason required
    assert mentor.post(done, {"successful": "no", "reason": "unable_to_contact_client"}).status_code == 302
    referral.refresh_from_db()
    assert (referral.state, referral.successful, referral.done_reason) == ("done", False, "unable_to_contact_client")
    second = cases.send_referral(user("navigator"), case, refs["mentoring"])
    cases.respond_referral(user("mentor"), second, accept=False, reason="Full until September")
    second.refresh_from_db()
    assert (second.state, second.reject_reason) == ("rejected", "Full until September")


@pytest.mark.django_db
def test_every_read_of_personal_details_is_logged(world):
    from svduty.web.referrals.models import AccessLog

    case = nav_case()
    before = AccessLog.objects.count()
    navigator = client_as("navigator")
    page = navigator.get(reverse("referrals:case", args=[case.pk]))
    assert b"Person (synthetic)" in page.content
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.order_by("-pk").first()
    assert (row.user.username, row.case_id, row.action) == ("navigator", case.pk, "view")
    # The team manager is not the case's caseworker: the page hides the details, the policy asks why.
    manager = client_as("navmanager")
    page = manager.get(reverse("referrals:case", args=[case.pk]))
    assert page.status_code == 200 and b"Person (synthetic)" not in page.content
    assert AccessLog.objects.count() == before + 1
    identity = reverse("referrals:case_identity", args=[case.pk])
    assert b"Person (synthetic)" not in manager.get(identity).content
    assert AccessLog.objects.count() == before + 1
    page = manager.post(identity, {"reason": "Supervision of overdue contact"})
    assert b"Person (synthetic)" in page.content
    row = AccessLog.objects.order_by("-pk").first()
    assert (row.user.username, row.reason) == ("navmanager", "Supervision of overdue contact")
    # The API: a read with the person block is logged; without the details nothing is logged.
    body = navigator.get(f"/api/v1/referrals/{case.pk}/").json()
    assert body["person"]["family_name"] == "Person (synthetic)"
    assert AccessLog.objects.filter(case=case, action="api").count() == 1
    assert manager.get(f"/api/v1/referrals/{case.pk}/").json()["person"] is None
    assert AccessLog.objects.filter(case=case).count() == 3
    # Other agencies and roles never see the identity and create no rows.
    for who in ("yjs", "custody", "analyst", "dpo", "mentor", "admin"):
        content = client_as(who).get(reverse("referrals:case", args=[case.pk])).content
        assert b"Person (synthetic)" not in content, who
    assert AccessLog.objects.filter(case=case).count() == 3
    log = client_as("dpo").get(reverse("referrals:access_log") + f"?case={case.pk}")
    assert log.status_code == 200 and b"Supervision of overdue contact" in log.content


@pytest.mark.django_db
def test_access_log_is_append_only(world):
    from svduty.web.referrals.models import AccessLog

    case = nav_case()
    row = AccessLog.objects.create(user=user("navigator"), case=case, action="view")
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.filter(pk=row.pk).update(reason="x")
    with pytest.raises(PermissionError):
        AccessLog.objects.filter(pk=row.pk).delete()
    if connection.vendor == "postgresql":
        from django.db import DatabaseError

        for sql in (
            "UPDATE referrals_accesslog SET reason = 'x' WHERE id = %s",
            "DELETE FROM referrals_accesslog WHERE id = %s",
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql, [row.pk])
    assert AccessLog.objects.filter(pk=row.pk, reason="").exists()


@pytest.mark.django_db
def test_retention_dry_run_lists_then_run_erases(world):
    from django.core.management import call_command

    from svduty.web.referrals import cases, retention
    from svduty.web.referrals.models import Case

    old = nav_case(ref="NHS-OLD")
    cases.transition(user("navigator"), old, "close", outcome="declined", note="Said his name was Test")
    recent = nav_case(ref="NHS-NEW")
    cases.transition(user("navigator"), recent, "close", outcome="declined")
    Case.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=25 * 31))
    due = {d.case.pk for d in retention.due_for_erasure()}
    assert old.pk in due and recent.pk not in due
    from io import StringIO

    out = StringIO()
    call_command("retention", stdout=out)
    assert f"case {old.pk}\t" in out.getvalue() and "dry run" in out.getvalue()
    old.refresh_from_db()
    assert old.given_name == "Test" and old.identity_erased_at is None  # dry run changed nothing
    assert client_as("dpo").get(reverse("referrals:retention")).status_code == 200
    call_command("retention", "--apply", stdout=StringIO())
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.given_name, old.family_name, old.contact, old.source_ref, old.date_of_birth) == ("", "", "", "", None)
    assert old.close_note == "" and old.identity_erased_at is not None
    assert old.pseudonym and old.age_at_incident == recent.age_at_incident and old.close_outcome == "declined"
    assert recent.given_name == "Test"
    assert not client_as("navigator").get(reverse("referrals:case", args=[old.pk])).content.count(b"Person (synth")
    assert old.pk not in {d.case.pk for d in retention.due_for_erasure()}


@pytest.mark.django_db
def test_case_pseudonym_is_the_rms_scheme(world, settings):
    from svduty.data.pseudonymise import pseudonym, workspace_key

    case = nav_case(ref="  PN-123 ")
    key = workspace_key(settings.WORKSPACE)
    assert case.pseudonym == pseudonym(key, case.person_namespace, "PN-123")
    assert "PN-123" not in case.pseudonym


@pytest.mark.django_db
def test_indicators_equal_an_independent_count(world):
    from collections import Counter

    from svduty.web.referrals.indicators import case_indicators, financial_quarter
    from svduty.web.referrals.models import Case, Referral

    rows = case_indicators()
    got = {(r.organisation_id, r.quarter, r.indicator): r.value for r in rows}

    def quarter(dt):
        local = timezone.localtime(dt).date()
        return financial_quarter(local.replace(month=(local.month - 1) // 3 * 3 + 1, day=1))

    opened = Counter((c.agency_id, quarter(c.opened_at)) for c in Case.objects.all())
    assert {k: v for k, v in got.items() if k[2] == "cases_opened"} == {
        (o, q, "cases_opened"): n for (o, q), n in opened.items()
    }
    done = Counter(
        (r.service.organisation_id, quarter(r.done_at))
        for r in Referral.objects.filter(state="done", successful=True).select_related("service")
    )
    assert {k: v for k, v in got.items() if k[2] == "referrals_completed"} == {
        (o, q, "referrals_completed"): n for (o, q), n in done.items()
    }
    assert financial_quarter(timezone.datetime(2025, 1, 1).date()) == "2024-25 Q4"
    assert financial_quarter(timezone.datetime(2025, 4, 1).date()) == "2025-26 Q1"


@pytest.mark.django_db
def test_release_time_adds_the_48_hour_visit(world):
    from svduty.web.referrals import cases

    body_dob = timezone.datetime(2010, 1, 1).date()
    from svduty.web.referrals.loading import get_pathway

    arrest = timezone.now() - timedelta(hours=3)
    case = cases.open_case(
        user("yjs"),
        cases.NewCase(
            pathway=get_pathway("operation-deter"),
            date_of_birth=body_dob,
            incident_date=timezone.localdate(),
            source_ref="PN-9",
            consent="given",
            arrest_notified_at=arrest,
        ),
    )
    assert list(case.deadlines.values_list("step", flat=True)) == ["contact"]
    released = timezone.now().replace(microsecond=0)
    response = client_as("yjs").post(
        reverse("referrals:case_release", args=[case.pk]),
        {"released_at": timezone.localtime(released).strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    visit = case.deadlines.get(step="home-visit")
    assert visit.due == released.replace(second=0) + timedelta(hours=48)


@pytest.mark.django_db
def test_overdue_list_shows_past_deadlines(world):
    from svduty.web.referrals.models import Deadline

    case = nav_case()
    Deadline.objects.filter(case=case).update(due=timezone.now() - timedelta(hours=2))
    page = client_as("navmanager").get(reverse("referrals:overdue"))
    assert page.status_code == 200
    assert f'href="/referrals/cases/{case.pk}/"'.encode() in page.content
    own = client_as("navigator").get(reverse("referrals:cases"))
    assert b"Overdue" in own.content
