"""The risk index in the web app: versions are immutable and every score keeps its version; a version is used only
after its governance; the threshold is adopted after the fairness table (four-fifths breaches need a justification);
import refuses bad output naming file, row and field; the panel's decisions and challenges; every view of a
person's score is in the append-only access log; every risk URL for every role (the permission matrix)."""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import date

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from .conftest import ROLES, client_for
from .referrals_helpers import REFERRAL_USERS
from .risk_helpers import RISK_USERS, cli_output, client_as, risk_matrix, risk_world, sourced_definition, user

ALL_ROLES = {**{r: None for r in ROLES}, **REFERRAL_USERS, **RISK_USERS}


def _client(role):
    if role in REFERRAL_USERS:
        return client_as(REFERRAL_USERS[role])
    if role in RISK_USERS:
        return client_as(RISK_USERS[role])
    return client_for(role)


def _denied(role, response):
    if role == "public":
        return response.status_code == 302 and "/sign-in/" in response["Location"]
    return response.status_code == 403


@pytest.fixture
def r(world):
    return risk_world()


# -- versions ---------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_version_never_changes_and_an_edit_makes_a_new_one(r):
    from svduty.analysis.risk import IndexDefinition
    from svduty.web.risk import versions as ops
    from svduty.web.risk.models import IndexVersion

    version = r["in_use"]
    assert version.content_hash == IndexDefinition.from_dict(version.definition).content_hash()
    version.definition = {**version.definition, "threshold": 1.0}
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        IndexVersion.objects.get(pk=version.pk).delete()
    with pytest.raises(ops.Refused, match="identical to version"):
        ops.create_version(user("analyst"), sourced_definition(), owner=user("officer"))
    # every score keeps the label of the version it was made with
    assert {s.index_version for s in r["run"].scores.all()} == {version.content_hash[:12]}


@pytest.mark.django_db
def test_editing_through_the_page_creates_a_new_version(r):
    from svduty.web.risk.forms import VersionForm
    from svduty.web.risk.models import IndexVersion

    base = r["in_use"]
    data = {**VersionForm.initial_from(base.definition), "owner": user("officer").pk, "change_note": "Longer half-life"}
    data["half_life_months"] = 18
    before = IndexVersion.objects.count()
    response = client_for("officer").post(reverse("risk:version_new", args=[base.number]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = IndexVersion.objects.get(number=IndexVersion.objects.order_by("-number").first().number)
    assert IndexVersion.objects.count() == before + 1
    assert new.parent == base and new.definition["half_life_months"] == 18.0 and new.status == "draft"
    base.refresh_from_db()
    assert base.definition["half_life_months"] == 12.0 and base.status == "approved"
    # a wrong field is named in the form error, nothing saved
    data["gravity"] = json.dumps([{"offence_group": "Robbery"}])
    response = client_for("officer").post(reverse("risk:version_new", args=[base.number]), data)
    assert response.status_code == 200 and "gravity[0].days" in response.content.decode()
    assert IndexVersion.objects.count() == before + 1


@pytest.mark.django_db
def test_approval_needs_every_governance_record(r):
    from svduty.web.risk import versions as ops

    ready = r["ready"]
    assert [ok for _t, ok in ops.readiness(ready)] == [True, True, False, False, False]
    with pytest.raises(ops.Refused, match="Not ready for use"):
        ops.approve(user("officer"), ready)
    ops.sign_checklist(user("officer"), ready)
    with pytest.raises(ops.Refused, match="DPIA"):
        ops.approve(user("officer"), ready)
    # the bundled default names no owner and cites no gravity source: the definition itself blocks it
    default = ops.create_version(user("analyst"), ops.default_definition_dict(), owner=user("officer"))
    assert not ops.readiness(default)[0][1] and ops.definition_problems(default)


@pytest.mark.django_db
def test_threshold_adoption_records_the_fairness_table_and_needs_a_justification_for_a_breach(r):
    from svduty.web.risk import versions as ops
    from svduty.web.risk.models import ThresholdAdoption

    run, version = r["ready_run"], r["ready"]
    with pytest.raises(ops.Refused, match="read the fairness table"):
        ops.adopt_threshold(user("officer"), version, run, acknowledged=False)
    with pytest.raises(ops.Refused, match="justification"):
        ops.adopt_threshold(user("officer"), version, run, acknowledged=True, justification="too short")
    adoption = ops.adopt_threshold(
        user("officer"), version, run, acknowledged=True, justification="Black group: n = 30, reviewed with the panel"
    )
    assert adoption.threshold == 300.0 and adoption.breaches == [{"attribute": "ethnicity", "group": "Black"}]
    assert adoption.fairness_shown == run.fairness and len(adoption.fairness_sha256) == 64
    with pytest.raises(PermissionError):
        adoption.save()
    with pytest.raises(PermissionError):
        ThresholdAdoption.objects.filter(pk=adoption.pk).delete()
    # the page shows the breach prominently and asks for the justification
    page = client_for("officer").get(reverse("risk:adopt", args=[run.pk])).content.decode()
    assert "Four-fifths breach" in page and "Justification for adopting" in page


@pytest.mark.django_db
def test_approving_a_version_retires_the_previous_one(r):
    from svduty.web.risk import versions as ops

    ready = r["ready"]
    ops.sign_checklist(user("officer"), ready)
    ready.dpia.signed_off_by = user("dpo")
    ready.dpia.signed_off_at = ready.created_at
    ready.dpia.save()
    ops.adopt_threshold(user("officer"), ready, r["ready_run"], acknowledged=True, justification="j" * 40)
    ops.approve(user("officer"), ready)
    r["in_use"].refresh_from_db()
    assert (ready.status, r["in_use"].status) == ("approved", "retired")
    version, adoption, run = ops.in_use()
    assert (version, run) == (ready, r["ready_run"])
    # P-HIGH 450, P-EDGE 360 at threshold 300; P-LOW 90 is not listed
    assert [s.person for s in ops.panel_scores(run, adoption.threshold)] == ["P-HIGH", "P-EDGE"]


# -- importing -------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_import_stores_scores_and_components_that_sum(r):
    run = r["run"]
    assert (run.people, run.above, run.threshold, run.synthetic) == (3, 2, 360.0, True)
    for score in run.scores.all():
        assert abs(sum(c.contribution for c in score.components.all()) - score.score) < 1e-9
    assert r["edge"].score == 360.0 and r["edge"].above_threshold  # at the threshold counts as above
    assert set(run.files_sha256) == {"scores.csv", "components.csv", "fairness.csv", "model_card.md"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda o: setattr(o, "scores", o.scores.replace("450.0", "451.0")), "sum to 450.000000, not the score 451"),
        (lambda o: setattr(o, "scores", o.scores.replace("P-LOW,90.0", "P-LOW,ninety")), "scores.csv row 4, score"),
        (lambda o: setattr(o, "components", o.components.replace("P-LOW", "P-NOBODY")), "P-NOBODY is not in scores"),
        (lambda o: setattr(o, "components", o.components.replace("2025-11", "Nov 2025")), "row 3, month"),
        (lambda o: setattr(o, "scores", o.scores.replace("index_version", "version")), "missing column index_version"),
        (lambda o: setattr(o, "scores", o.scores.replace(",true,", ",false,", 1)), "above_threshold: does not match"),
        (lambda o: setattr(o, "fairness", o.fairness.replace("0.05", "five")), "fairness.csv row 2, selection_rate"),
        (
            lambda o: setattr(o, "scores", o.scores.replace("person,", "name,")),
            "scores.csv: column name would identify",
        ),
    ],
)
def test_import_refuses_bad_output_naming_file_row_and_field(r, mutate, message):
    from svduty.web.risk import imports
    from svduty.web.risk.models import ScoringRun

    output = cli_output(r["bare"])
    mutate(output)
    before = ScoringRun.objects.count()
    with pytest.raises(imports.ImportRefused, match=message.replace("(", r"\(")):
        imports.import_run(output, r["bare"], source="upload")
    assert ScoringRun.objects.count() == before


@pytest.mark.django_db
def test_import_refuses_scores_of_another_version(r):
    from svduty.web.risk import imports

    with pytest.raises(imports.ImportRefused, match=r"index_version: .* is not version"):
        imports.import_run(cli_output(r["in_use"]), r["bare"], source="upload")


SWEEP_CSV = (
    "threshold_label,threshold,overall_selected,overall_selection_rate,attribute,group,n,selected,selection_rate,"
    "fpr,fnr,disparity_ratio,four_fifths_flag\n"
    "definition,300.0,2,0.667,ethnicity,Black,1,0,0.0,0.0,1.0,0.0,True\n"
    "definition,300.0,2,0.667,ethnicity,White,2,2,1.0,1.0,,1.0,False\n"
    "top 5%,450.0,1,0.333,ethnicity,Black,1,0,0.0,0.0,1.0,0.0,True\n"
    "top 5%,450.0,1,0.333,ethnicity,White,2,1,0.5,0.5,,1.0,False\n"
)


@pytest.mark.django_db
def test_the_fairness_sweep_is_imported_and_shown_before_adoption_in_english_and_welsh(r):
    from dataclasses import replace

    from svduty.web.risk import imports

    version = r["ready"]
    output = replace(cli_output(version), fairness_sweep=SWEEP_CSV)
    run = imports.import_run(output, version, user=user("analyst"), source="upload", run_label="swept")
    assert [row["threshold_label"] for row in run.fairness_sweep] == ["definition"] * 2 + ["top 5%"] * 2
    assert "fairness_sweep.csv" in run.files_sha256
    client = client_for("officer")
    page = html.unescape(client.get(reverse("risk:adopt", args=[run.pk])).content.decode())
    assert "Fairness at candidate thresholds" in page
    assert "This version's threshold: score at least 300.000 (2 selected, share 0.667)" in page
    assert "top 5%: score at least 450.000 (1 selected, share 0.333)" in page
    assert page.count("four-fifths breach") >= 2  # one tag a threshold block with a flagged group
    assert "Fairness at candidate thresholds" in client.get(reverse("risk:run", args=[run.pk])).content.decode()
    client.get("/language/cy/")
    welsh = html.unescape(client.get(reverse("risk:adopt", args=[run.pk])).content.decode())
    assert "Tegwch ar drothwyon posibl" in welsh and "sgôr o 450.000 o leiaf" in welsh
    # a run without the sweep says so; a sweep without its threshold column is refused, naming the file
    bare = imports.import_run(cli_output(version), version, user=user("analyst"), source="upload")
    page = client_for("officer").get(reverse("risk:adopt", args=[bare.pk])).content.decode()
    assert "No fairness sweep was imported" in page
    bad = replace(cli_output(version), fairness_sweep=SWEEP_CSV.replace("threshold,", "cut,", 1))
    with pytest.raises(imports.ImportRefused, match=r"fairness_sweep\.csv: missing column threshold"):
        imports.import_run(bad, version, user=user("analyst"), source="upload")


@pytest.mark.django_db
def test_upload_form_and_management_command(r, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from svduty.web.risk.models import ScoringRun

    output = cli_output(r["bare"])
    files = {
        "scores": SimpleUploadedFile("scores.csv", output.scores.encode()),
        "components": SimpleUploadedFile("components.csv", output.components.encode()),
        "fairness": SimpleUploadedFile("fairness.csv", output.fairness.encode()),
        "label": "uploaded",
    }
    response = client_as("analyst").post(reverse("risk:run_upload", args=[r["bare"].number]), files)
    assert response.status_code == 302
    run = ScoringRun.objects.get(label="uploaded")
    assert run.version == r["bare"] and run.people == 3 and run.imported_by.username == "analyst"
    bad = {**files, "scores": SimpleUploadedFile("scores.csv", output.scores.replace("450.0", "451.0").encode())}
    for f in ("components", "fairness"):
        bad[f].seek(0)
    page = client_as("analyst").post(reverse("risk:run_upload", args=[r["bare"].number]), bad).content.decode()
    assert "components.csv: the contributions of P-HIGH sum to 450.000000, not the score 451.000000" in page
    for name in ("scores", "components", "fairness", "model_card"):
        (tmp_path / f"{name}.{'md' if name == 'model_card' else 'csv'}").write_text(getattr(output, name))
    out = io.StringIO()
    call_command("risk_import", str(tmp_path), "--index-version", str(r["bare"].number), "--label", "cmd", stdout=out)
    assert "3 people" in out.getvalue() and ScoringRun.objects.get(label="cmd").source == "command"


# -- the panel ---------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_every_view_of_a_score_is_logged(r):
    from svduty.web.risk.models import RiskAccessLog

    panel = client_as("panelpolice")
    before = RiskAccessLog.objects.count()
    listing = panel.get(reverse("risk:panel")).content.decode()
    assert "P-HIGH" in listing and "P-EDGE" in listing and "P-LOW" not in listing
    assert "Advisory only" in listing
    case = panel.get(reverse("risk:case", args=[r["high"].pk])).content.decode()
    assert "INC-1" in case and "360.00" in case and "450.00" in case
    logs = list(RiskAccessLog.objects.order_by("pk")[before:])
    assert [(x.action, x.people) for x in logs] == [("list", 2), ("case", 1)]
    assert logs[1].score == r["high"] and logs[1].user.username == "panelpolice"
    # analysts see aggregates only: no pseudonym on their pages
    run_page = client_as("analyst").get(reverse("risk:run", args=[r["run"].pk])).content.decode()
    assert "P-HIGH" not in run_page and "Four-fifths breach" in run_page
    assert RiskAccessLog.objects.count() == before + 2


@pytest.mark.django_db
def test_the_access_log_is_append_only(r):
    from svduty.web.risk.models import RiskAccessLog

    client_as("panelpolice").get(reverse("risk:case", args=[r["high"].pk]))
    row = RiskAccessLog.objects.latest("pk")
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        RiskAccessLog.objects.all().update(path="x")
    if connection.vendor == "postgresql":
        for sql in ("UPDATE risk_riskaccesslog SET path = 'x'", "DELETE FROM risk_riskaccesslog"):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE risk_indexversion SET content_hash = 'x'")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE risk_personscore SET score = 0")


@pytest.mark.django_db
def test_a_panel_decision_is_recorded_with_reasons_attendees_and_date(r):
    from svduty.web.risk.models import PanelDecision, PanelMember

    members = PanelMember.objects.filter(active=True)
    response = client_as("panelyjs").post(
        reverse("risk:decide", args=[r["edge"].pk]),
        {
            "outcome": "support_offered",
            "reasons": "Mentoring through the youth justice service",
            "meeting_date": "2026-11-30",
            "attendees": [m.pk for m in members],
        },
    )
    assert response.status_code == 302
    decision = PanelDecision.objects.get(score=r["edge"])
    assert decision.outcome == "support_offered" and decision.recorded_by.username == "panelyjs"
    assert set(decision.attendees.values_list("agency", flat=True)) == {"police", "youth_justice", "childrens_services"}
    # a date in the future is refused; the first decision stays
    future = client_as("panelyjs").post(
        reverse("risk:decide", args=[r["edge"].pk]),
        {"outcome": "no_action", "reasons": "x", "meeting_date": "2999-01-01", "attendees": [members[0].pk]},
    )
    assert future.status_code == 200 and PanelDecision.objects.filter(score=r["edge"]).count() == 1
    # nothing acts on a score: approving and listing created no decision for P-HIGH
    assert not PanelDecision.objects.filter(score=r["high"]).exists()


@pytest.mark.django_db
def test_a_challenge_is_resolved_with_the_correction_and_its_effect(r):
    challenge = r["challenge"]
    inc2 = r["high"].components.get(incident_id="INC-2")
    response = client_as("panelpolice").post(
        reverse("risk:resolve", args=[challenge.pk]),
        {"status": "upheld", "outcome": "INC-2 was another person", "correction": "Removed", "excluded": [inc2.pk]},
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert (challenge.score_before, challenge.score_after, challenge.above_after) == (450.0, 360.0, True)
    page = client_as("panelyjs").get(reverse("risk:case", args=[r["high"].pk])).content.decode()
    assert "450.00 → 360.00" in page and "INC-2 was another person" in page
    # upheld without saying what was corrected: a form error
    again = r["high"].challenges.create(
        raised_by="parent_carer", raised_on=date(2026, 11, 21), what="Wrong month", recorded_by=user("panelyjs")
    )
    response = client_as("panelpolice").post(
        reverse("risk:resolve", args=[again.pk]), {"status": "upheld", "outcome": "ok", "correction": ""}
    )
    assert response.status_code == 200 and "says what was corrected" in response.content.decode()


# -- governance records ------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_atrs_record_exports_use_the_standards_field_names(r):
    from svduty.web.risk import atrs

    body = client_for("officer").get(reverse("risk:atrs_csv", args=[r["in_use"].number])).content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == ["reference number", "attribute", "name", "tier", "category", "value"]
    by_ref = {row["reference number"]: row for row in rows}
    assert by_ref["1.1"]["attribute"] == "name" and by_ref["1.4"]["attribute"] == "contact_email"
    assert by_ref["2.1.3"]["attribute"] == "senior_responsible_owner"
    assert by_ref["2.5.2"]["attribute"] == "risks_and_mitigations"
    assert len(rows) == len(atrs.FIELDS)
    assert by_ref["2.4.2.2"]["value"].startswith(f"{r['in_use'].number} ({r['in_use'].content_hash[:12]})")
    data = json.loads(client_for("officer").get(reverse("risk:atrs_json", args=[r["in_use"].number])).content)
    assert data["standard_version"] == "3.0"
    assert set(data["Tier 1 Information"]) == {"name", "description", "website_url", "contact_email"}
    assert "human_decisions_and_review" in data["Decision-making Process"]


@pytest.mark.django_db
def test_public_record_shows_tier_1_of_versions_in_use_only(r):
    public = client_for("public")
    listing = public.get(reverse("risk_public:records")).content.decode()
    assert r["in_use"].name in listing
    assert public.get(reverse("risk_public:record", args=[r["in_use"].number])).status_code == 200
    assert public.get(reverse("risk_public:record", args=[r["ready"].number])).status_code == 404
    page = public.get(reverse("risk_public:record", args=[r["in_use"].number])).content.decode()
    assert "P-HIGH" not in page and "1.4 Contact email" in page and "2.1.3" not in page


# -- every URL for every role --------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_risk_urls_for_every_role(r):
    failures = []
    clients = {role: _client(role) for role in ALL_ROLES}
    for name, url, allowed in risk_matrix(r):
        allowed = set(ALL_ROLES) if allowed == "ALL" else allowed
        for role, client in clients.items():
            response = client.get(url)
            ok = response.status_code == 200 if role in allowed else _denied(role, response)
            if not ok:
                failures.append(f"{name} {url} as {role}: {response.status_code} (allowed={role in allowed})")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_risk_roles_see_nothing_of_the_other_apps(world, r):
    """The risk panel role sees only the public pages of the other apps and the pages of every signed-in user (its
    own notifications) — the referrals-roles check, for risk."""
    from .test_permission_matrix import ALL, EVERY_USERS_OWN, matrix

    failures = []
    for name, url, allowed in matrix(world):
        for role in RISK_USERS:
            response = _client(role).get(url)
            ok = response.status_code == 200 if allowed == ALL or name in EVERY_USERS_OWN else _denied(role, response)
            if not ok:
                failures.append(f"{name} {url} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_score_the_workspace_is_post_only_for_importers(r):
    url = reverse("risk:run_workspace", args=[r["bare"].number])
    for role in ALL_ROLES:
        response = _client(role).post(url)
        if role in ("admin", "analyst"):
            assert response.status_code == 302 and "/sign-in/" not in response["Location"], role
        else:
            assert _denied(role, response), (role, response.status_code)
    assert client_as("analyst").get(url).status_code == 405
