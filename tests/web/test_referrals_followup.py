"""Re-offending follow-up against the synthetic RMS layer: cases linked to synthetic suspects by the workspace's
keyed pseudonym; ``referrals_follow_up`` results equal an independent pandas count of the pseudonymised incidents."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import timezone

from svduty.analysis.referrals.reoffending import add_months
from svduty.data import police_uk
from svduty.data import synth as S
from svduty.data.workspace import Workspace

from .referrals_helpers import user

SEED = 11


@pytest.fixture(scope="module")
def rms_workspace(tmp_path_factory):
    path = tmp_path_factory.mktemp("followup") / "ws"
    with Workspace.create(path) as ws:
        police_uk.ingest(ws, list(police_uk.iter_sample_paths()))
        S.run(ws, seed=SEED)
        suspects = ws.con.execute(
            """SELECT v.person_id, v.incident_id, i.month, i.occurred_at FROM involvements v
               JOIN incidents i USING (incident_id) WHERE v.role = 'suspect' ORDER BY v.incident_id LIMIT 40"""
        ).df()
        # Some people are suspects again in later incidents (the synthetic layer has one incident per person).
        later = ws.con.execute(
            "SELECT incident_id FROM incidents WHERE occurred_at IS NOT NULL ORDER BY occurred_at DESC LIMIT 60"
        ).fetchall()
        for k, row in enumerate(suspects.head(15).itertuples()):
            for (incident_id,) in later[k * 3 : k * 3 + 1 + k % 3]:
                ws.con.execute(
                    "INSERT INTO involvements VALUES (?, ?, 'suspect', 20, '16-24', 'male', true)",
                    [incident_id, row.person_id],
                )
    return path, suspects


def independent_counts(path, windows: list[tuple[int, str, date, date]]) -> dict[int, int]:
    """Incidents with the pseudonym as suspect, after the start and on or before the end: plain pandas."""
    with Workspace.open(path, read_only=True) as ws:
        inv = ws.con.execute("SELECT incident_id, person_id, role FROM involvements").df()
        inc = ws.con.execute("SELECT incident_id, month, occurred_at FROM incidents").df()
    inv = inv[inv.role == "suspect"].drop_duplicates(["incident_id", "person_id"])
    inc["day"] = pd.to_datetime(inc.occurred_at).dt.normalize().fillna(pd.to_datetime(inc.month))
    merged = inv.merge(inc[["incident_id", "day"]], on="incident_id")
    out = {}
    for key, person, start, end in windows:
        rows = merged[
            (merged.person_id == person) & (merged.day > pd.Timestamp(start)) & (merged.day <= pd.Timestamp(end))
        ]
        out[key] = rows.incident_id.nunique()
    return out


@pytest.mark.django_db
def test_follow_up_equals_an_independent_count(world, rms_workspace, settings):
    from svduty.web.referrals import cases
    from svduty.web.referrals.loading import get_pathway
    from svduty.web.referrals.models import Case, FollowUp

    path, suspects = rms_workspace
    settings.WORKSPACE = path  # the case pseudonyms use this workspace's key, as the RMS layer did
    made = []
    for n, row in enumerate(suspects.itertuples()):
        incident_day = (pd.Timestamp(row.occurred_at) if pd.notna(row.occurred_at) else pd.Timestamp(row.month)).date()
        # The source identifier that synth pseudonymised: seed, incident, ordinal (the suspect is ordinal 1 or 2).
        for ordinal in (1, 2, 0):
            ref = f"{SEED}:{row.incident_id}:{ordinal}"
            from svduty.data.pseudonymise import pseudonym, workspace_key

            if pseudonym(workspace_key(path), "synthetic", ref) == row.person_id:
                break
        else:
            pytest.fail("could not rebuild a synthetic source identifier")
        case = cases.open_case(
            user("custody"),
            cases.NewCase(
                pathway=get_pathway("operation-deter"),
                date_of_birth=date(1990, 1, 1),
                incident_date=incident_day,
                source_ref=ref,
                person_namespace="synthetic",
                consent="given",
                arrest_notified_at=timezone.now(),
            ),
        )
        assert case.pseudonym == row.person_id  # the case links to the RMS person
        # Starts before, on, and after the index incident: only later incidents count.
        start = incident_day + timedelta(days=(-20, 0, 10)[n % 3])
        Case.objects.filter(pk=case.pk).update(opened_at=timezone.make_aware(pd.Timestamp(start).to_pydatetime()))
        for f in FollowUp.objects.filter(case=case):
            f.due_on = add_months(start, f.months)
            f.save()
        made.append(case.pk)
    out = StringIO()
    call_command("referrals_follow_up", "--workspace", str(path), "--today", "2100-01-01", stdout=out)
    rows = list(FollowUp.objects.filter(case_id__in=made).select_related("case"))
    assert len(rows) == 3 * len(made) and all(f.checked_at for f in rows)
    windows = [(f.pk, f.case.pseudonym, f.case.opened_at.date(), f.due_on) for f in rows]
    expected = independent_counts(path, windows)
    assert {f.pk: f.incidents for f in rows} == expected
    assert {f.pk: f.reoffended for f in rows} == {k: v > 0 for k, v in expected.items()}
    assert sum(expected.values()) > 0 and sum(v == 0 for v in expected.values()) > 0  # both kinds present
    assert "follow-up(s) recorded" in out.getvalue()  # (demo cases that fell due are recorded too)
    # Run again: nothing new is due; --recheck looks again and agrees.
    out = StringIO()
    call_command("referrals_follow_up", "--workspace", str(path), "--today", "2100-01-01", stdout=out)
    assert out.getvalue().startswith("0 follow-up(s)")
    call_command(
        "referrals_follow_up", "--workspace", str(path), "--today", "2100-01-01", "--recheck", stdout=StringIO()
    )
    assert {f.pk: f.incidents for f in FollowUp.objects.filter(case_id__in=made)} == expected


@pytest.mark.django_db
def test_ed_reattendance_says_when_the_data_do_not_allow_it(world, rms_workspace, settings):
    from svduty.web.referrals.followup import NO_ED_LINK, run
    from svduty.web.referrals.models import FollowUp

    from .referrals_helpers import nav_case

    path, _ = rms_workspace
    settings.WORKSPACE = path
    case = nav_case()
    run(path, add_months(timezone.localdate(), 3))
    first = FollowUp.objects.get(case=case, months=3)
    assert first.checked_at and first.reoffended is False and first.ed_reattended is None
    assert first.ed_note == NO_ED_LINK
    assert FollowUp.objects.get(case=case, months=12).checked_at is None  # not due yet


def test_follow_up_command_error_is_one_line(tmp_path):
    from typer.testing import CliRunner

    from svduty.cli.main import app

    result = CliRunner().invoke(app, ["referrals", "follow-up", "--today", "2025-13-01"])
    assert result.exit_code == 1 and "not a YYYY-MM-DD date" in result.output and "Traceback" not in result.output
