"""Evaluation of what a partnership did: interrupted time series, difference-in-differences, synthetic control,
power, and the Maryland Scientific Methods Scale rating of the design.

One small module per design (``its``, ``did``, ``synth``), one for planning (``power``), one for the strength of
evidence (``msms``) and one that reads outcome series from the workspace (``series``). The estimators are pure:
a pandas series or panel in, a result dataclass out (``.to_json()`` gives ``result.json``). Only ``series`` reads
the workspace, through the SNA's own scope functions so that a force, an area and a period mean the same thing in
an evaluation as in the needs assessment.
"""

from svduty.analysis import AnalysisError


class EvaluationError(AnalysisError):
    """An evaluation cannot run as asked (too few periods, no treated units, interruption outside the data)."""
