"""Everything ``svduty risk score`` (and the web app's risk domain) needs in one call: scores, validation, fairness.

Pure: tables in, an ``Assessment`` out. The validation period defaults to the ``horizon_months`` ending at the
as-of month (score at as-of − horizon with the records up to then, outcomes after), so the current scores and their
check use the same data and nothing from the future.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from svduty.analysis import AnalysisError
from svduty.analysis.risk.definition import IndexDefinition
from svduty.analysis.risk.fairness import candidate_thresholds, fairness_sweep, fairness_table, person_groups
from svduty.analysis.risk.scoring import Scored, latest_month, month_start, score
from svduty.analysis.risk.validation import Validation, validate


@dataclass(frozen=True)
class Assessment:
    definition: IndexDefinition
    scored: Scored
    validation: Validation | None
    fairness: pd.DataFrame | None
    validation_note: str = ""
    fairness_sweep: pd.DataFrame | None = None  # the fairness table at each candidate threshold (top 1/2/5/10%, own)


def assess(
    involvements: pd.DataFrame,
    attributes: pd.DataFrame | None,
    definition: IndexDefinition,
    *,
    as_of: date | None = None,
    horizon_months: int = 12,
    validation_as_of: date | None = None,
) -> Assessment:
    """Score at ``as_of`` (default: latest month held); validate and check fairness on the held-out period."""
    as_of = as_of or latest_month(involvements)
    scored = score(involvements, definition, as_of)
    a = as_of.year * 12 + as_of.month - 1
    v_as_of = validation_as_of or month_start(a - horizon_months)
    try:
        upto = involvements.loc[pd.to_datetime(involvements["month"]) <= pd.Timestamp(as_of)]
        validation = validate(upto, definition, v_as_of, horizon_months)
    except AnalysisError as exc:
        return Assessment(definition, scored, None, None, f"Validation not run: {exc}")
    if validation.n == 0:
        return Assessment(definition, scored, None, None, "Validation not run: nobody to score at that date")
    groups = person_groups(involvements, attributes, v_as_of)
    cohort = validation.cohort
    sweep = fairness_sweep(cohort, groups, candidate_thresholds(cohort["score"], definition.threshold))
    return Assessment(definition, scored, validation, fairness_table(cohort, groups), fairness_sweep=sweep)
