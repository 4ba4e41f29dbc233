"""The pathway rule engine: age at the incident (17y364d, 18y0d, 29 February), the track, deadlines, eligibility,
pathway-file validation; hypothesis against an independent age computation (dateutil.relativedelta)."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from svduty.analysis import AnalysisError
from svduty.analysis.referrals import rules
from svduty.analysis.referrals.pathways import load_pathway, shipped_pathways
from svduty.analysis.referrals.reoffending import add_months, wilson_interval
from svduty.data import IngestError

PATHWAYS = shipped_pathways()
DETER = PATHWAYS["operation-deter"]
NAV = PATHWAYS["a-and-e-navigator"]
ARREST = datetime(2025, 3, 1, 22, 15, tzinfo=UTC)


def independent_age(dob: date, on: date) -> int:
    """relativedelta's whole years, corrected for the one place it departs from the law of England and Wales:
    it clips a 29 February birthday to 28 February in a common year, where the anniversary is 1 March."""
    years = relativedelta(on, dob).years
    if dob.month == 2 and dob.day == 29 and on.month == 2 and on.day == 28 and not calendar.isleap(on.year):
        years -= 1
    return years


def deter(dob, incident, released=None):
    events = {"arrest_notified_at": ARREST, "released_at": released}
    return rules.evaluate(DETER, dob, incident, events)


def test_17_years_364_days_is_youth_and_18_years_0_days_is_adult():
    incident = date(2025, 3, 1)
    assert deter(date(2007, 3, 2), incident).track.slug == "youth-diversion"  # 18th birthday tomorrow
    assert deter(date(2007, 3, 2), incident).age == 17
    assert deter(date(2007, 3, 1), incident).track.slug == "criminal-justice"  # 18 today
    assert deter(date(2007, 3, 1), incident).age == 18


def test_29_february_birthday_turns_18_on_1_march_in_a_common_year():
    dob = date(2008, 2, 29)
    assert rules.age_at(dob, date(2026, 2, 28)) == 17
    assert deter(dob, date(2026, 2, 28)).track.slug == "youth-diversion"
    assert rules.age_at(dob, date(2026, 3, 1)) == 18
    assert deter(dob, date(2026, 3, 1)).track.slug == "criminal-justice"
    # in a leap year the birthday itself
    assert rules.age_at(date(2004, 2, 29), date(2022, 2, 28)) == 17
    assert rules.age_at(date(2006, 2, 28), date(2024, 2, 28)) == 18
    assert rules.age_at(date(2006, 2, 28), date(2024, 2, 27)) == 17


def test_age_at_the_incident_decides_not_age_today():
    """A 17-year-old who turns 18 before the case is worked stays on the youth track: only the incident counts."""
    decision = deter(date(2007, 6, 1), date(2025, 5, 31))
    assert decision.track.slug == "youth-diversion"


def test_youth_deadlines_90_minutes_after_arrest_and_48_hours_after_release():
    released = ARREST + timedelta(hours=9)
    decision = deter(date(2009, 1, 1), date(2025, 3, 1), released)
    due = {d.step: d.due for d in decision.deadlines}
    assert due["contact"] == ARREST + timedelta(minutes=90)
    assert due["home-visit"] == released + timedelta(hours=48)
    assert due["assessments"] == released + timedelta(days=10)


def test_visit_waits_for_the_release_time():
    decision = deter(date(2009, 1, 1), date(2025, 3, 1))
    assert [d.step for d in decision.deadlines] == ["contact"]
    assert decision.waiting_for == ("released_at",)


def test_adult_gets_the_charge_and_remand_decision():
    decision = deter(date(1990, 1, 1), date(2025, 3, 1))
    assert decision.track.slug == "criminal-justice"
    assert [(d.step, d.due) for d in decision.deadlines] == [("charge-remand-decision", ARREST + timedelta(hours=24))]
    assert "charged and remanded in custody" in decision.track.steps[0].outcomes


def test_navigator_eligibility_11_to_25_and_72_hours():
    attended = datetime(2025, 1, 10, 23, 0, tzinfo=UTC)
    ok = rules.evaluate(NAV, date(2000, 1, 10), date(2025, 1, 10), {"attended_at": attended})
    assert ok.age == 25 and ok.track.slug == "ed-navigator"
    assert ok.deadlines[0].step == "engagement" and ok.deadlines[0].due == attended + timedelta(hours=72)
    with pytest.raises(rules.NotEligible, match="aged 11–25: this person was 26"):
        rules.evaluate(NAV, date(1999, 1, 10), date(2025, 1, 10), {"attended_at": attended})
    with pytest.raises(rules.NotEligible, match="this person was 10"):
        rules.evaluate(NAV, date(2014, 1, 11), date(2025, 1, 10), {"attended_at": attended})
    with pytest.raises(AnalysisError, match="needs attended_at"):
        rules.evaluate(NAV, date(2010, 1, 1), date(2025, 1, 10), {})


def test_incident_before_birth_is_an_error():
    with pytest.raises(AnalysisError, match="before the date of birth"):
        rules.age_at(date(2020, 1, 2), date(2020, 1, 1))


@given(
    dob=st.dates(min_value=date(1940, 1, 1), max_value=date(2024, 12, 31)),
    gap=st.integers(min_value=0, max_value=365 * 80),
)
def test_track_always_agrees_with_an_independent_age(dob, gap):
    incident = dob + timedelta(days=gap)
    age = independent_age(dob, incident)
    assert rules.age_at(dob, incident) == age
    if age < 10:
        with pytest.raises(rules.NotEligible):
            deter(dob, incident)
        return
    decision = deter(dob, incident)
    assert decision.age == age
    assert decision.track.slug == ("youth-diversion" if age < 18 else "criminal-justice")


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 24))
def test_add_months_agrees_with_relativedelta(day, months):
    assert add_months(day, months) == day + relativedelta(months=months)


@pytest.mark.parametrize("events,total", [(0, 0), (0, 10), (6, 100), (3, 7), (50, 50)])
def test_wilson_interval_matches_statsmodels(events, total):
    rate = wilson_interval(events, total)
    if total == 0:
        assert rate.rate is None
        return
    low, high = proportion_confint(events, total, alpha=0.05, method="wilson")
    assert rate.low == pytest.approx(low, abs=1e-12) and rate.high == pytest.approx(high, abs=1e-12)


def test_a_bad_pathway_file_gives_one_line_naming_file_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "slug: x\nname: X\nowning_agency_kind: police\nretention: {months_after_close: 12}\n"
        "tracks:\n  - slug: t\n    name: T\n    steps:\n      - {slug: s, name: S, from_event: arrest_notified_at}\n"
    )
    with pytest.raises(IngestError) as info:
        load_pathway(path)
    message = str(info.value)
    assert "bad.yaml" in message and "tracks.0.steps.0" in message and "\n" not in message
    path.write_text("slug: x\nname: X\n")
    with pytest.raises(IngestError, match="field 'owning_agency_kind'"):
        load_pathway(path)


def test_shipped_pathways_are_the_two_named():
    assert set(PATHWAYS) == {"a-and-e-navigator", "operation-deter"}
    assert [t.slug for t in DETER.tracks] == ["youth-diversion", "criminal-justice"]
    assert DETER.follow_up_months == (3, 6, 12) == NAV.follow_up_months
