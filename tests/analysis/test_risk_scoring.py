"""Risk index definition and scoring against hand-computed cases: decay, window edges, gravity look-up, frequency,
knife weight, proactive exclusion, ranks, and the definition's validation, versioning and approval rules."""

from __future__ import annotations

import copy
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from svduty.analysis.risk import DefinitionError, IndexDefinition, default_definition, score
from svduty.analysis.risk.scoring import gravity_days, in_window, month_number, recency_factor

BASE = {
    "name": "test index",
    "description": "hand-computed cases",
    "owner": "Test CSP, analyst",
    "offence_groups": ["W", "R", "V"],
    "roles": ["suspect"],
    "lookback_months": 36,
    "half_life_months": 12.0,
    "frequency": {"mode": "sum"},
    "knife_weight": 2.0,
    "threshold": 150.0,
    "outcome_groups": ["W"],
    "gravity_source": "test table",
    "guidelines_date": "2026-12-01",
    "gravity": [
        {"offence_group": "W", "days": 100, "offence": "w", "guideline": "g", "guideline_date": "2018-06-01",
         "source": "s"},
        {"offence_group": "R", "days": 300, "offence": "r", "guideline": "g", "guideline_date": "2016-04-01",
         "source": "s"},
        {"offence_group": "R", "offence_code": "34B", "days": 200, "offence": "r2", "guideline": "g",
         "guideline_date": "2016-04-01", "source": "s"},
        {"offence_group": "V", "offence": "v", "status": "unsourced"},
    ],
}  # fmt: skip
AS_OF = date(2021, 11, 1)


def definition(**changes) -> IndexDefinition:
    data = copy.deepcopy(BASE)
    data.update(changes)
    return IndexDefinition.from_dict(data)


def rec(person, incident, month, group, *, role="suspect", knife=False, code=None, proactive=None):
    return {
        "person": person,
        "incident_id": incident,
        "month": pd.Timestamp(month + "-01"),
        "offence_group": group,
        "offence_code": code,
        "role": role,
        "knife_flag": knife,
        "proactive": proactive,
        "synthetic": False,
    }


RECORDS = pd.DataFrame(
    [
        rec("p1", 1, "2021-11", "W", knife=True),  # age 0: 100 × 1 × 2 = 200
        rec("p1", 2, "2020-11", "R", code="34A"),  # age 12: no code weight → group 300 × 0.5 = 150
        rec("p1", 3, "2019-11", "R", code="34B"),  # age 24: code weight 200 × 0.25 = 50
        rec("p2", 4, "2018-12", "W"),  # age 35: first month inside the 36-month window
        rec("p2", 5, "2018-11", "W"),  # age 36: just outside
        rec("p2", 6, "2021-12", "W"),  # after the as-of month: outside
        rec("p3", 7, "2021-10", "V"),  # unsourced gravity: in the cohort, not counted
        rec("p4", 8, "2021-10", "W", role="victim"),  # victims are not scored
        rec("p5", 9, "2021-10", "W", proactive=True),  # proactively found: excluded (CCHI rule)
    ]
)


def test_recency_and_window_by_hand():
    assert recency_factor([0, 12, 24, 6], 12).tolist() == pytest.approx([1.0, 0.5, 0.25, 2**-0.5])
    m = month_number(pd.to_datetime(["2018-11-01", "2018-12-01", "2021-11-01", "2021-12-01"]))
    assert in_window(m, 2021 * 12 + 10, 36).tolist() == [False, True, True, False]


def test_scores_and_components_by_hand():
    d = definition()
    s = score(RECORDS, d, AS_OF)
    got = dict(zip(s.scores["person"], s.scores["score"], strict=True))
    assert set(got) == {"p1", "p2", "p3", "p5"}  # p4 was only a victim
    assert got["p1"] == pytest.approx(400.0, abs=1e-12)
    assert got["p2"] == pytest.approx(100 * 0.5 ** (35 / 12), abs=1e-12)
    assert got["p3"] == 0 and got["p5"] == 0
    c = s.components.set_index("incident_id")
    assert c.loc[1, "knife_factor"] == 2.0 and c.loc[1, "contribution"] == pytest.approx(200.0)
    assert c.loc[2, "gravity"] == 300.0 and c.loc[3, "gravity"] == 200.0  # code weight wins over the group's
    assert c.loc[4, "month"] == "2018-12" and c.loc[4, "age_months"] == 35
    assert set(c.index) == {1, 2, 3, 4}
    for person, total in got.items():
        assert math.isclose(s.components.loc[s.components["person"] == person, "contribution"].sum(), total,
                            abs_tol=1e-9)  # fmt: skip
    ranks = dict(zip(s.scores["person"], s.scores["rank"], strict=True))
    assert ranks == {"p1": 1, "p2": 2, "p3": 3, "p5": 3}  # ties share the better rank
    above = dict(zip(s.scores["person"], s.scores["above_threshold"], strict=True))
    assert above == {"p1": True, "p2": False, "p3": False, "p5": False}
    assert set(s.scores["index_version"]) == {d.version}
    assert s.excluded["no sourced gravity figure"] == 1 and s.excluded["proactively found (CCHI rule)"] == 1


def test_proactive_records_count_when_the_rule_is_off():
    s = score(RECORDS, definition(exclude_proactive=False), AS_OF)
    assert s.scores.set_index("person").loc["p5", "score"] == pytest.approx(100 * 0.5 ** (1 / 12))


def test_frequency_modes_by_hand():
    top = score(RECORDS, definition(frequency={"mode": "top_n", "n": 1}), AS_OF).scores.set_index("person")
    assert top.loc["p1", "score"] == pytest.approx(200.0)  # only the largest of 200, 150, 50
    dim = score(RECORDS, definition(frequency={"mode": "diminishing", "ratio": 0.5}), AS_OF).scores.set_index("person")
    assert dim.loc["p1", "score"] == pytest.approx(200 + 150 * 0.5 + 50 * 0.25)


def test_as_of_defaults_to_the_latest_month():
    s = score(RECORDS, definition())
    assert s.as_of == date(2021, 12, 1)  # p2's 2021-12 record is now in, 2018-12 out (age 36)
    assert s.scores.set_index("person").loc["p2", "score"] == pytest.approx(100.0)


def test_definition_round_trip_and_version():
    d = definition()
    assert IndexDefinition.from_dict(d.to_dict()) == d
    assert definition().content_hash() == d.content_hash() and len(d.content_hash()) == 64
    assert definition(threshold=151.0).content_hash() != d.content_hash()
    assert definition(description="changed words").version != d.version  # any change is a new version


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"half_life_months": 0}, "half_life_months"),
        ({"lookback_months": 1.5}, "lookback_months"),
        ({"frequency": {"mode": "often"}}, "frequency.mode"),
        ({"frequency": {"mode": "top_n"}}, "frequency.n"),
        ({"threshold": "high"}, "threshold"),
        ({"colour": "red"}, "colour"),
        ({"roles": []}, "roles"),
        ({"guidelines_date": "1 Dec"}, "guidelines_date"),
    ],
)
def test_definition_errors_name_the_field(change, field):
    with pytest.raises(DefinitionError) as err:
        definition(**change)
    assert err.value.field == field and repr(field) in str(err.value)


def test_gravity_errors_name_the_row():
    data = copy.deepcopy(BASE)
    data["gravity"][1]["days"] = -3
    with pytest.raises(DefinitionError, match=r"'gravity\[1\]\.days'"):
        IndexDefinition.from_dict(data)
    data = copy.deepcopy(BASE)
    del data["gravity"][0]["days"]
    with pytest.raises(DefinitionError, match=r"gravity\[0\]\.days.*unsourced"):
        IndexDefinition.from_dict(data)
    data = copy.deepcopy(BASE)
    data["offence_groups"].append("X")
    with pytest.raises(DefinitionError, match="no group-level weight for counted offence group 'X'"):
        IndexDefinition.from_dict(data)


def test_toml_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = [", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"bad\.toml.*not valid TOML"):
        IndexDefinition.from_toml(bad)
    with pytest.raises(DefinitionError, match="file not found"):
        IndexDefinition.from_toml(tmp_path / "none.toml")


def test_unsourced_superseded_and_ownerless_definitions_cannot_be_approved():
    unsourced = "gravity weight for V is unsourced: no guideline starting point is cited"
    assert definition().approval_problems() == [unsourced]
    data = copy.deepcopy(BASE)
    data["gravity"] = data["gravity"][:3]
    data["offence_groups"] = ["W", "R"]
    data["gravity"][0]["superseded"] = True
    problems = IndexDefinition.from_dict(data | {"owner": ""}).approval_problems()
    assert any("superseded" in p for p in problems) and "no owner is named" in problems


def test_default_definition_cites_every_figure():
    d = default_definition()
    assert d.lookback_months > 0 and d.half_life_months > 0 and d.threshold > 0
    for g in d.gravity:
        if g.status in ("sourced", "secondary"):
            assert g.days is not None and g.days > 0
            assert "https://" in g.source and g.guideline and date.fromisoformat(g.guideline_date)
            assert g.category and g.starting_point, f"{g.offence_group}: say which category and what figure"
            if g.status == "sourced":
                assert "Read" in g.note, f"{g.offence_group}: say what was read"
            else:
                assert "https://" in g.read_via or "GitHub" in g.read_via, f"{g.offence_group}: say where it was read"
        else:
            assert g.days is None  # no invented figure
    assert d.approval_problems(), "the default has unsourced weights and no owner: it must not be approvable"


# The starting points as published, converted by hand (1 year = 365 days, 1 month = 365/12 days).
HAND_DAYS = {"Possession of weapons": 6 * 365 / 12, "Robbery": 365.0, "Homicide": 15 * 365.0}


def test_default_gravity_look_up_by_hand():
    d = default_definition()
    for group, days in HAND_DAYS.items():
        assert d.gravity_for(group).days == pytest.approx(days)
    groups = ["Robbery", "Possession of weapons", "Homicide", "Violence with injury", "Not a group"]
    got = gravity_days(d, groups, [None, None, None, None, None])
    assert got[:3] == pytest.approx([365.0, 182.5, 5475.0]) and np.isnan(got[3:]).all()
    # a code-level entry wins over its group's; an unknown code falls back to the group
    data = d.to_dict()
    data["gravity"].append(
        {
            "offence_group": "Robbery",
            "offence_code": "34B",
            "offence": "robbery of business property",
            "days": 730.0,
            "guideline": "g",
            "guideline_date": "2016-04-01",
            "source": "https://example.invalid/s",
        }
    )
    d2 = IndexDefinition.from_dict(data)
    assert list(gravity_days(d2, ["Robbery", "Robbery"], ["34B", "34A"])) == [730.0, 365.0]


def test_default_approval_names_the_unsourced_and_second_hand_groups():
    problems = default_definition().approval_problems()
    unsourced = {p.split(" is unsourced")[0].removeprefix("gravity weight for ") for p in problems if "unsourced" in p}
    second = {p.split(" (")[0].removeprefix("gravity weight for ") for p in problems if "second-hand" in p}
    assert unsourced == {"Violence and sexual offences", "Violence with injury", "Violence without injury"}
    assert second == {"Possession of weapons", "Robbery"}
    assert not any("superseded" in p for p in problems)  # robbery no longer cites the 2006 guideline
    assert "no owner is named" in problems


def test_a_secondary_figure_must_say_where_it_was_read_and_blocks_approval():
    data = copy.deepcopy(BASE)
    data["gravity"][0] |= {"status": "secondary"}
    with pytest.raises(DefinitionError, match=r"gravity\[0\]\.read_via.*where it was read"):
        IndexDefinition.from_dict(data)
    data["gravity"][0]["read_via"] = "a table quoting it"
    d = IndexDefinition.from_dict(data)
    assert d.gravity[0].has_figure and not d.gravity[0].sourced
    assert any("second-hand" in p for p in d.approval_problems())
    assert d.second_hand_figures() and not any("second-hand" in p for p in d.approval_problems(allow_second_hand=True))
    assert score(RECORDS, d, AS_OF).components["gravity"].notna().all()  # still counted


def test_an_unsourced_code_weight_does_not_fall_back_to_its_group():
    data = copy.deepcopy(BASE)
    data["gravity"].append({"offence_group": "R", "offence_code": "34A", "offence": "r3", "status": "unsourced"})
    s = score(RECORDS, IndexDefinition.from_dict(data), AS_OF)
    assert 2 not in set(s.components["incident_id"])  # the 34A record: its own weight is unsourced
    assert s.scores.set_index("person").loc["p1", "score"] == pytest.approx(250.0)
