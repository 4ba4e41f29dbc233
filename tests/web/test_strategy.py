"""Strategy app (issue 15): SNA versions (register, immutable, compare), the local definition's versions, the
strategy workflow with history, measures read from SNA tables, the public page and PDF, the Duty calendar."""

from __future__ import annotations

import csv
import io
import json
import tomllib
import zipfile
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse as u

from svduty.data.sv_definition import parse_document
from svduty.web.strategy import cycle
from svduty.web.strategy.demo import FIXTURE
from svduty.web.strategy.models import (
    Immutable,
    LocalDefinition,
    MeasureValue,
    Obligation,
    SnaVersion,
    Strategy,
    StrategyEvent,
    SuccessMeasure,
)
from svduty.web.strategy.sna_versions import RegisterError, compare, read_zip, register
from svduty.web.workflows import STRATEGY_WORKFLOW, TransitionRefused, perform

from .conftest import ROLES, client_for
from .strategy_helpers import SUMMARY, sna_files, strategy_objects, strategy_post_matrix


def _user(name):
    return get_user_model().objects.get(username=name)


def _zip(folder=FIXTURE, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("index", range(8))
def test_post_only_urls(world, index):
    name, make_url, allowed = strategy_post_matrix()[index]
    for role in ROLES:
        response = client_for(role).post(make_url(), {"financial_year": "2030-31"})
        if role in allowed:
            assert response.status_code == 302 and "/sign-in/" not in response["Location"], (name, role)
        elif role == "public":
            assert response.status_code == 302 and "/sign-in/" in response["Location"], (name, role)
        else:
            assert response.status_code == 403, (name, role, response.status_code)


@pytest.mark.django_db
def test_register_zip_through_the_page_and_immutable(world):
    officer = client_for("officer")
    before = SnaVersion.objects.count()
    upload = io.BytesIO(_zip())
    upload.name = "sna-report.zip"
    response = officer.post(u("strategy:sna_register"), {"report_zip": upload, "label": "Uploaded"})
    assert response.status_code == 302
    version = SnaVersion.objects.order_by("-id").first()
    assert SnaVersion.objects.count() == before + 1 and version.label == "Uploaded"
    summary = json.loads((FIXTURE / "summary.json").read_text())
    assert version.summary == summary and version.serious_violence == summary["serious_violence"]
    names = sorted(p.stem for p in (FIXTURE / "tables").glob("*.csv"))
    assert sorted(version.tables.values_list("name", flat=True)) == names
    table = version.tables.get(name="by_crime_type")
    with open(FIXTURE / "tables" / "by_crime_type.csv", newline="", encoding="utf-8") as handle:
        assert table.rows == sum(1 for _ in csv.reader(handle)) - 1
    assert version.definition["name"] == summary["definition"]["name"]
    version.label = "changed"
    with pytest.raises(Immutable):
        version.save()
    with pytest.raises(Immutable):
        version.delete()
    with pytest.raises(Immutable):
        table.csv = "x"
        table.save()
    page = officer.get(u("strategy:sna", args=[version.pk]))
    assert page.status_code == 200 and summary["definition"]["name"] in page.content.decode()
    csv_response = officer.get(u("strategy:sna_table", args=[version.pk, "by_crime_type"]))
    assert csv_response.content.decode() == (FIXTURE / "tables" / "by_crime_type.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "not a zip file"),
        (None, "no summary.json"),
        ("bad-json", "not valid JSON"),
        ("not-sna", "lacks"),
    ],
)
def test_register_errors_name_the_file(data, message):
    if data is None:
        data = _zip(FIXTURE / "tables")
    elif data == "bad-json":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("summary.json", "{oops")
        data = buffer.getvalue()
    elif data == "not-sna":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("summary.json", json.dumps({"period": {"from": "2020-01", "to": "2020-12"}}))
        data = buffer.getvalue()
    with pytest.raises(RegisterError, match=message) as info:
        read_zip(data, "upload.zip")
    assert "upload.zip" in str(info.value)


@pytest.mark.django_db
def test_compare_two_versions_by_hand(world):
    officer = _user("officer")
    partnership = Strategy.objects.get(is_demo=True).partnership
    old = register(sna_files(), partnership, officer)
    newer = dict(SUMMARY)
    newer.update(
        serious_violence=120,
        by_crime_type={"Robbery": 7, "Possession of weapons": 4},
        priorities=[
            {"rank": 1, "name": "Knife-enabled", "score": 9.0},
            {"rank": 2, "name": "Robbery", "score": 4.0},
        ],
    )
    new = register(sna_files(newer), partnership, officer)
    result = compare(old, new)
    figures = {c.name: c for c in result["figures"]}
    assert figures["Serious violence"].difference == 20 and figures["Serious violence"].pct == pytest.approx(20.0)
    assert figures["Robbery"].difference == -3
    assert figures["Possession of weapons"].before is None
    assert [m.name for m in result["new"]] == ["Knife-enabled"]
    robbery = next(m for m in result["moves"] if m.name == "Robbery")
    assert (robbery.before, robbery.after, robbery.moved_up) == (1, 2, -1)
    page = client_for("assessor").get(u("strategy:sna_compare"), {"old": old.pk, "new": new.pk})
    assert page.status_code == 200 and "Knife-enabled" in page.content.decode()


@pytest.mark.django_db
def test_definition_versions_approval_and_toml(world):
    officer = client_for("officer")
    response = officer.post(
        u("strategy:definition_new"),
        {
            "name": "Wider definition",
            "classified": "on",
            "crime_types": ["Public order"],
            "offence_codes": "8N, 105A*",
            "knife_any": "on",
            "rationale": "test",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = LocalDefinition.objects.order_by("-id").first()
    assert draft.version == LocalDefinition.objects.filter(partnership=draft.partnership).count()
    assert draft.rules["include"] == [
        {"classified": True},
        {"crime_types": ["Public order"]},
        {"offence_codes": ["8N", "105A*"]},
        {"knife": True},
    ]
    assert officer.post(u("strategy:definition_approve", args=[draft.pk])).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "approved" and draft.approved_by.username == "officer"
    draft.rules = {"name": "changed", "include": [{"classified": True}]}
    with pytest.raises(Immutable):
        draft.save()
    toml = officer.get(u("strategy:definition_toml", args=[draft.pk])).content.decode()
    parsed = parse_document(tomllib.loads(toml))
    assert parsed.document() == LocalDefinition.objects.get(pk=draft.pk).rules
    assert "web version" in parsed.reference
    assert draft.history.count() >= 2  # created, approved
    bad = officer.post(u("strategy:definition_new"), {"name": "Nothing"})
    assert bad.status_code == 200 and "at least one" in bad.content.decode()


@pytest.mark.django_db
def test_strategy_workflow_history_and_revision(world):
    o = strategy_objects()
    draft = o["draft"]
    officer, pcc, ceo = _user("officer"), _user("pcc"), _user("ceo")
    with pytest.raises(TransitionRefused):
        perform(STRATEGY_WORKFLOW, "publish", draft, officer)  # not agreed yet
    perform(STRATEGY_WORKFLOW, "agree", draft, ceo, agreed_on=date(2026, 3, 1), note="board")
    assert draft.status == "agreed"
    assert client_for("officer").get(u("strategy:edit", args=[draft.pk])).status_code == 403  # agreed: locked
    with pytest.raises(TransitionRefused):
        perform(STRATEGY_WORKFLOW, "publish", draft, pcc)  # the PCC records agreement, officers publish
    old_published = Strategy.objects.get(is_demo=True, status="published")
    perform(STRATEGY_WORKFLOW, "publish", draft, officer)
    assert draft.status == "published" and draft.published_on is not None
    old_published.refresh_from_db()
    assert old_published.status == "superseded"
    events = list(StrategyEvent.objects.filter(strategy=draft).values_list("action", "from_state", "to_state"))
    assert events == [("agree", "draft", "agreed"), ("publish", "agreed", "published")]
    statuses = [h.status for h in draft.history.order_by("history_date", "history_id")]
    assert [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]] == ["draft", "agreed", "published"]
    public = client_for("public").get(u("strategy:public")).content.decode()
    assert "Matrix draft" in public
    revision = client_for("officer").post(u("strategy:revise", args=[draft.pk]))
    copy = Strategy.objects.get(revision_of=draft)
    assert revision["Location"] == u("strategy:detail", args=[copy.pk]) and copy.status == "draft"
    assert list(copy.priorities.values_list("title", flat=True)) == ["Draft priority"]
    assert copy.priorities.first().measures.count() == 1


@pytest.mark.django_db
def test_priority_links_evidence_programme_and_objectives(world):
    from svduty.web.programmes.models import Programme

    o = strategy_objects()
    draft, version = o["draft"], o["demo_version"]
    programme = Programme.objects.order_by("id").first()
    top = version.priorities[0]
    response = client_for("officer").post(
        u("strategy:priority_new", args=[draft.pk]),
        {
            "order": 2,
            "title": "Linked",
            "target_kind": "cohort",
            "target": "Under-18s",
            "sna_version": version.pk,
            "sna_priority": top["name"],
            "sna_tables": ["by_crime_type"],
            "objectives_text": "First\n\nSecond",
            "programmes": [programme.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    priority = draft.priorities.get(title="Linked")
    assert priority.sna_rank == top["rank"] == 1
    assert list(priority.objectives.values_list("text", flat=True)) == ["First", "Second"]
    assert list(priority.programmes.all()) == [programme]
    page = client_for("assessor").get(u("strategy:detail", args=[draft.pk])).content.decode()
    assert f"ranked {top['rank']} of {len(version.priorities)}" in page and programme.title in page
    wrong = client_for("officer").post(
        u("strategy:priority_new", args=[draft.pk]),
        {
            "order": 3,
            "title": "Bad",
            "target_kind": "theme",
            "target": "x",
            "sna_version": version.pk,
            "sna_tables": ["no_such_table"],
        },
    )
    assert wrong.status_code == 200 and not draft.priorities.filter(title="Bad").exists()


@pytest.mark.django_db
def test_demo_measures_equal_the_sna_tables(world):
    """National measure values are the fixture's tables/measure_<key>.csv rows, read here with csv."""
    strategy = Strategy.objects.get(is_demo=True)
    national = SuccessMeasure.objects.filter(priority__strategy=strategy, kind="national")
    assert set(national.values_list("national_key", flat=True)) == {
        "sharp_object_admissions_u25",
        "knife_sv_u25",
        "homicide_u25",
    }
    summary = json.loads((FIXTURE / "summary.json").read_text())
    for measure in national:
        path = FIXTURE / "tables" / f"measure_{measure.national_key}.csv"
        if not summary["success_measures"][measure.national_key]["available"]:
            assert not measure.values.exists()
            continue
        with open(path, newline="", encoding="utf-8") as handle:
            rows = [(r["year"], float(r["count"])) for r in csv.DictReader(handle)]
        assert list(measure.values.order_by("period_end").values_list("period", "value")) == rows
        assert measure.baseline_value == rows[0][1]
    local = SuccessMeasure.objects.get(priority__strategy=strategy, sna_figure="serious_violence")
    assert local.latest.value == summary["serious_violence"]
    assert MeasureValue.objects.filter(measure__priority__strategy=strategy, sna_version__isnull=True).count() == 0


@pytest.mark.django_db
def test_public_page_and_pdf(world):
    strategy = Strategy.objects.get(is_demo=True)
    page = client_for("public").get(u("strategy:public")).content.decode()
    assert strategy.title in page and "DEMO DATA" in page
    for p in strategy.priorities.all():
        assert p.title.replace("'", "&#x27;") in page
    assert "Matrix draft" not in page  # drafts never public
    pdf = client_for("public").get(u("strategy:public_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_calendar_recurrence_and_home_page(world):
    partnership = Strategy.objects.get(is_demo=True).partnership
    today = date.today()
    overdue = Obligation.objects.create(
        partnership=partnership,
        kind="sna_refresh",
        title="Overdue refresh",
        due_on=today - timedelta(days=3),
        recurrence="annual",
    )
    soon = Obligation.objects.create(
        partnership=partnership, kind="board_meeting", title="Board soon", due_on=today + timedelta(days=5)
    )
    later = Obligation.objects.create(
        partnership=partnership, kind="other", title="Far away", due_on=today + timedelta(days=90)
    )
    found = cycle.due_and_overdue([partnership.pk], today)
    assert overdue in found["overdue"] and soon in found["due"] and later not in found["due"] + found["overdue"]
    home = client_for("officer").get("/").content.decode()
    assert "Overdue refresh" in home and "Board soon" in home and "Far away" not in home
    assert "Overdue refresh" not in client_for("assessor").get("/").content.decode()
    following = cycle.mark_done(overdue, _user("officer"))
    assert following.due_on == overdue.due_on.replace(year=overdue.due_on.year + 1) and following.done_on is None
    items = cycle.financial_year_items("2024-25")
    assert len(items) == 15 and min(i["due_on"] for i in items) >= date(2024, 4, 1)
    assert max(i["due_on"] for i in items) <= date(2025, 4, 30)
    assert cycle.next_due(Obligation(due_on=date(2024, 2, 29), recurrence="annual")) == date(2025, 2, 28)


@pytest.mark.django_db
def test_register_sna_command(world, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    before = SnaVersion.objects.count()
    call_command("register_sna", str(FIXTURE), "--label", "From the command", stdout=out)
    version = SnaVersion.objects.order_by("-id").first()
    assert SnaVersion.objects.count() == before + 1 and version.label == "From the command"
    assert f"v{version.number}" in out.getvalue()
    with pytest.raises(CommandError, match=r"no summary\.json"):
        call_command("register_sna", str(tmp_path))


@pytest.mark.django_db
def test_priority_lists_the_consultation_findings_that_cite_it(world):
    from django.conf import settings

    from svduty.web.engagement.models import Consultation, Finding, PriorityCitation
    from svduty.web.engagement.options import Audience, ConsultationStatus

    strategy = Strategy.objects.get(is_demo=True)
    priority = strategy.priorities.order_by("order", "id").first()
    consultation = Consultation.objects.create(
        partnership=strategy.partnership,
        title="Safer streets survey",
        purpose="Ask young people where they feel unsafe",
        audience=Audience.values[0],
        opens_on=date(2026, 1, 5),
        closes_on=date(2026, 2, 5),
        status=ConsultationStatus.CLOSED,
    )
    finding = Finding.objects.create(consultation=consultation, text="Bus stations feel unsafe after dark")
    PriorityCitation.objects.create(priority=priority, finding=finding, note="Where the survey points")
    staff = client_for("assessor").get(u("strategy:detail", args=[strategy.pk])).content.decode()
    assert "Consultation findings" in staff and finding.text in staff and "Where the survey points" in staff
    assert u("engagement:consultation", args=[consultation.pk]) in staff
    # The public page shows a finding only once its consultation is published.
    assert finding.text not in client_for("public").get(u("strategy:public")).content.decode()
    consultation.status = ConsultationStatus.PUBLISHED
    consultation.save()
    public = client_for("public").get(u("strategy:public")).content.decode()
    assert finding.text in public and consultation.title in public
    welsh = client_for("assessor")
    welsh.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    assert "Canfyddiadau" in welsh.get(u("strategy:detail", args=[strategy.pk])).content.decode()
