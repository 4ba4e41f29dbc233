"""Delivery (issue 18): the return workflow and its validation, the dashboard's reconciliation with accepted
returns (counted independently with SQL aggregates, not with the dashboard's own code), the spend flag, the RAG
rules, reminders, exports and the query budget of each new page type."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from svduty.web.programmes import returns as flow
from svduty.web.programmes.dashboard import board
from svduty.web.programmes.models import MonitoringReturn, Programme, Reminder, ReturnVersion

from .conftest import client_for

pytestmark = pytest.mark.django_db


def _user(name):
    return get_user_model().objects.get(username=name)


def _own_programme():
    return Programme.objects.get(organisation=_user("provider").profile.organisation)


def _draft(programme=None):
    programme = programme or _own_programme()
    return programme.returns.filter(status="draft").order_by("financial_year", "quarter").first()


def _post_data(r, **override):
    data = {"total_reached": "50", "spend_to_date": "1,234.56", "narrative": "Delivered sessions", "then": "save"}
    for indicator in r.programme.indicators.all():
        data[f"ind_{indicator.pk}"] = "10"
    data.update({"age_14-17_male": "20", "age_14-17_female": "25", "eth_white": "30", "areas": "E06000015 40"})
    data.update(override)
    return data


def test_provider_saves_submits_officer_returns_provider_resubmits_officer_accepts(world):
    r = _draft()
    provider, officer = client_for("provider"), client_for("officer")
    url = reverse("programmes:return_edit", args=[r.pk])
    response = provider.post(url, _post_data(r))
    assert response.status_code == 302
    r.refresh_from_db()
    assert (r.total_reached, r.spend_to_date_pence, r.status) == (50, 123_456, "draft")
    assert provider.post(reverse("programmes:return_submit", args=[r.pk])).status_code == 302
    r.refresh_from_db()
    assert r.status == "submitted" and r.versions.count() == 1
    # Submitted: the provider can no longer change it.
    assert provider.post(url, _post_data(r, total_reached="1")).status_code == 403
    review = reverse("programmes:return_review", args=[r.pk])
    # Returning needs a comment.
    response = officer.post(review, {"decision": "return", "comment": ""})
    assert response.status_code == 200 and "Say what the provider needs to change" in response.content.decode()
    officer.post(review, {"decision": "return", "comment": "Add the case study"})
    r.refresh_from_db()
    assert r.status == "returned" and r.review_comment == "Add the case study"
    page = provider.get(url).content.decode()
    assert "Add the case study" in page
    provider.post(url, _post_data(r, case_studies="A young person returned to school", then="submit"))
    provider.post(reverse("programmes:return_submit", args=[r.pk]))
    officer.post(review, {"decision": "accept", "comment": ""})
    r.refresh_from_db()
    assert r.status == "accepted"
    versions = list(ReturnVersion.objects.filter(monitoring_return=r).order_by("number"))
    assert [(v.number, v.decision) for v in versions] == [(1, "returned"), (2, "accepted")]
    assert versions[1].data["case_studies"] == "A young person returned to school"
    assert versions[0].data["case_studies"] == ""


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"total_reached": "-3"}, "A count cannot be negative"),
        ({"age_14-17_male": "40", "age_14-17_female": "20"}, "Reach by age and sex adds up to 60, more than the 50"),
        ({"eth_white": "51"}, "Reach by ethnicity adds up to 51"),
        ({"areas": "E06000015 60"}, "Reach by area adds up to 60"),
        ({"areas": "Derby 20"}, "Derby is not an ONS local authority or LSOA code"),
        ({"spend_to_date": "12.345"}, "Enter an amount in pounds"),
        ({"spend_to_date": "-5"}, "Enter an amount in pounds"),
        ({"total_reached": "lots"}, "Enter a whole number"),
    ],
)
def test_bad_values_are_form_errors_and_nothing_is_lost(world, override, message):
    r = _draft()
    provider = client_for("provider")
    url = reverse("programmes:return_edit", args=[r.pk])
    provider.post(url, _post_data(r, narrative="Kept text"))
    response = provider.post(url, _post_data(r, narrative="Edited text", **override))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "There is a problem" in body
    assert "Edited text" in body  # what was typed is shown again, not lost
    r.refresh_from_db()
    assert r.narrative == "Kept text"  # and the saved draft is untouched


def test_submit_refuses_an_incomplete_return(world):
    r = _own_programme().returns.filter(status="draft", total_reached__isnull=True).first()
    with pytest.raises(flow.ReturnRefused, match="Before you can submit"):
        flow.submit(r, _user("provider"))
    assert MonitoringReturn.objects.get(pk=r.pk).status == "draft"


def test_another_providers_return_is_refused(world):
    other = MonitoringReturn.objects.exclude(programme=_own_programme()).filter(status="draft").first()
    provider = client_for("provider")
    assert provider.get(reverse("programmes:return", args=[other.pk])).status_code == 403
    assert provider.post(reverse("programmes:return_edit", args=[other.pk]), {}).status_code == 403


def _independent_totals(today):
    """Σ over accepted returns, straight from the tables."""
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(SUM(total_reached), 0) FROM programmes_monitoringreturn WHERE status = 'accepted'")
        reached = cur.fetchone()[0]
        cur.execute(
            "SELECT COALESCE(SUM(v.actual), 0) FROM programmes_returnvalue v JOIN programmes_monitoringreturn r "
            "ON r.id = v.monitoring_return_id WHERE r.status = 'accepted'"
        )
        actuals = cur.fetchone()[0]
        cur.execute(
            "SELECT COALESCE(SUM(c.count), 0) FROM programmes_reachcount c JOIN programmes_monitoringreturn r "
            "ON r.id = c.monitoring_return_id WHERE r.status = 'accepted' AND c.dimension = 'age_sex' "
            "AND c.category IN ('u10|male','u10|female','u10|unknown','10-13|male','10-13|female','10-13|unknown',"
            "'14-17|male','14-17|female','14-17|unknown')"
        )
        under_18 = cur.fetchone()[0]
    return reached, actuals, under_18


def test_dashboard_totals_equal_the_sum_of_accepted_returns(world):
    today = timezone.localdate()
    rows, totals = board(Programme.objects.all(), today)
    reached, actuals, under_18 = _independent_totals(today)
    assert totals["reached"] == reached > 0
    assert sum(i.actual for r in rows for i in r.indicators) == actuals > 0
    assert totals["cohorts"]["under_18"] == under_18 > 0
    # A submitted (not yet accepted) return changes nothing until it is accepted.
    submitted = MonitoringReturn.objects.filter(status="submitted").first()
    flow.review(submitted, _user("officer"), accept=True, comment="")
    _rows, after = board(Programme.objects.all(), today)
    submitted.refresh_from_db()
    assert after["reached"] == reached + submitted.total_reached
    assert after["reached"] == _independent_totals(today)[0]


def test_spend_above_the_award_is_always_flagged(world):
    today = timezone.localdate()
    rows, totals = board(Programme.objects.all(), today)
    flagged = [r for r in rows if r.over_award]
    assert [r.programme.title for r in flagged] == ["Walk Away One Punch campaign"]
    assert flagged[0].reported_spend_pence > flagged[0].budget_pence and flagged[0].rag == "red"
    assert totals["over_award"] == 1
    page = client_for("officer").get(reverse("programmes:dashboard")).content.decode()
    assert "Above award" in page and "has spend above its award" in page
    for r in rows:
        shown_above = (r.reported_spend_pence or 0) > r.budget_pence or r.paid_pence > r.budget_pence
        assert shown_above == r.over_award


def test_rag_rules(world):
    today = timezone.localdate()
    rows = {r.programme.title: r for r in board(Programme.objects.all(), today)[0]}
    assert rows["A&E youth navigators"].rag == "green"  # every return accepted, ~97% delivery
    bystander = rows["Bystander training in schools"]
    assert bystander.rag == "red" and "a return more than 30 days late" in bystander.reasons
    programme = Programme.objects.get(title="A&E youth navigators")
    programme.status = "paused"
    programme.save()
    assert board(Programme.objects.filter(pk=programme.pk), today)[0][0].rag == "amber"


def test_remind_emails_providers_records_each_and_is_idempotent(world):
    today = timezone.localdate()
    Reminder.objects.all().delete()
    mail.outbox = []
    # One return due in five days, so both kinds occur.
    soon = _draft()
    MonitoringReturn.objects.filter(pk=soon.pk).update(due_on=today + timedelta(days=5))
    out = io.StringIO()
    call_command("remind", stdout=out)
    kinds = {(r.monitoring_return_id, r.kind) for r in Reminder.objects.all()}
    assert (soon.pk, "due_soon") in kinds
    overdue = MonitoringReturn.objects.filter(status__in=("draft", "returned"), due_on__lt=today).count()
    assert sum(k == "overdue" for _pk, k in kinds) == overdue
    assert len(mail.outbox) == len(kinds)
    message = next(m for m in mail.outbox if "Due " in m.subject)
    assert message.to == ["provider@demo.invalid"] and f"/delivery/returns/{soon.pk}/edit/" in message.body
    call_command("remind", stdout=io.StringIO())
    assert len(mail.outbox) == len(kinds) and Reminder.objects.count() == len(kinds)
    # A week later the overdue ones are reminded again, the due-soon one is not.
    later = (today + timedelta(days=7)).isoformat()
    call_command("remind", f"--today={later}", "--days-before=0", stdout=io.StringIO())
    assert Reminder.objects.filter(kind="due_soon").count() == 1


def test_remind_cli_dry_run_sends_nothing(world, capsys):
    from django.core.management.base import CommandError

    Reminder.objects.all().delete()
    mail.outbox = []
    call_command("remind", "--dry-run")
    assert mail.outbox == [] and not Reminder.objects.exists()
    assert "would send overdue" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("remind", "--today=01/02/2026")


def test_exports_carry_the_page_figures(world):
    from openpyxl import load_workbook

    officer = client_for("officer")
    rows, totals = board(Programme.objects.all(), timezone.localdate())
    text = officer.get(reverse("programmes:dashboard_csv")).content.decode()
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == len(rows)
    assert sum(int(r["People reached"]) for r in table) == totals["reached"]
    assert sum(float(r["Budget (£)"]) for r in table) == pytest.approx(totals["budget_pence"] / 100)
    book = load_workbook(io.BytesIO(officer.get(reverse("programmes:dashboard_xlsx")).content))
    sheet = book["Programmes"]
    header = [c.value for c in sheet[2]]
    reached = header.index("People reached")
    assert sum(row[reached] for row in sheet.iter_rows(min_row=3, values_only=True)) == totals["reached"]
    assert "RAG rules" in book.sheetnames
    pdf = officer.get(reverse("programmes:dashboard_pdf")).content
    assert pdf.startswith(b"%PDF-")


def test_dashboard_page_states_its_rules_and_cohorts(world):
    page = client_for("pcc").get(reverse("programmes:dashboard")).content.decode()
    assert "How the RAG status is worked out" in page and "more than 30 days late" in page
    assert "Men 18 to 35" in page and "Under-18s" in page and "<svg" in page


def test_programme_from_an_approved_award_gets_its_schedule(world):
    from svduty.web.programmes.schedule import create_programme

    award = world.awarded_app.award
    programme = award.programme
    programme.returns.all().delete()
    Programme.objects.filter(pk=programme.pk).delete()
    award.refresh_from_db()
    made = create_programme(award, due_days=45)
    years = sorted({c.financial_year for c in award.commitments.all()})
    assert made.returns.count() == 4 * len(years)
    q1 = made.returns.get(financial_year=years[0], quarter=1)
    assert q1.due_on == date(int(years[0][:4]), 6, 30) + timedelta(days=45)
    assert made.status == "setup"


def test_status_changes_are_kept_in_history(world):
    programme = _own_programme()
    client_for("officer").post(
        reverse("programmes:edit", args=[programme.pk]),
        {"title": programme.title, "status": "paused", "status_reason": "Lead worker on leave", "report_due_days": 30},
    )
    programme.refresh_from_db()
    assert programme.status == "paused"
    assert [h.status for h in programme.history.order_by("history_date")][-2:] == ["delivering", "paused"]
    page = client_for("officer").get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert "Lead worker on leave" in page


def test_targets_form_saves_quarterly_targets(world):
    programme = _own_programme()
    indicator = programme.indicators.first()
    year = programme.years[0]
    client_for("officer").post(
        reverse("programmes:plan", args=[programme.pk]), {"kind": "targets", f"t-t_{indicator.pk}_{year}_2": "77"}
    )
    assert indicator.targets.get(financial_year=year, quarter=2).value == 77
    response = client_for("officer").post(
        reverse("programmes:plan", args=[programme.pk]), {"kind": "targets", f"t-t_{indicator.pk}_{year}_2": "-1"}
    )
    assert "A target cannot be negative" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "name", "args", "budget"),
    [
        ("officer", "programmes:dashboard", [], 30),
        ("officer", "programmes:list", [], 30),
        ("provider", "programmes:list", [], 30),
        ("officer", "programmes:returns", [], 25),
        ("officer", "programmes:detail", ["own"], 35),
        ("provider", "programmes:return", ["draft"], 35),
        ("provider", "programmes:return_edit", ["draft"], 35),
        ("officer", "interventions:library", [], 15),
        ("public", "interventions:detail", ["mentoring"], 15),
    ],
)
def test_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries, role, name, args, budget):
    """The same budget holds with 40 more programmes and 400 more returns (no query per row)."""
    from svduty.web.programmes.seed import seed_delivery

    resolved = [
        {"own": lambda: _own_programme().pk, "draft": lambda: _draft().pk}.get(a, lambda a=a: a)() for a in args
    ]
    url = reverse(name, args=resolved)
    client = client_for(role)
    assert client.get(url).status_code == 200
    seed_delivery(n_programmes=40, n_returns=400)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_seed_delivery_adds_what_it_says(world):
    from svduty.web.programmes.seed import seed_delivery

    before = MonitoringReturn.objects.count()
    counts = seed_delivery(n_programmes=20, n_returns=200)
    assert counts == {"programmes": 20, "returns": 200, "indicators": 60}
    assert MonitoringReturn.objects.count() == before + 200
    rows, _totals = board(Programme.objects.all(), timezone.localdate())
    assert len(rows) == Programme.objects.count()
