"""The risk index: a transparent, advisory recency–frequency–gravity score of pseudonymised people.

``definition`` holds the index as data (versioned by content hash); ``scoring``, ``validation`` and ``fairness`` are
pure functions of tables; ``assess`` runs all three. Nothing here triggers an action: scores list people for a
multi-agency panel to consider. See ``docs/risk.md``.
"""

from svduty.analysis.risk.assess import Assessment, assess
from svduty.analysis.risk.definition import (
    DefinitionError,
    Frequency,
    GravityWeight,
    IndexDefinition,
    default_definition,
)
from svduty.analysis.risk.fairness import candidate_thresholds, fairness_sweep, fairness_table, person_groups
from svduty.analysis.risk.scoring import Scored, score
from svduty.analysis.risk.validation import Validation, delong_auc, validate

__all__ = [
    "Assessment",
    "DefinitionError",
    "Frequency",
    "GravityWeight",
    "IndexDefinition",
    "Scored",
    "Validation",
    "assess",
    "candidate_thresholds",
    "default_definition",
    "delong_auc",
    "fairness_sweep",
    "fairness_table",
    "person_groups",
    "score",
    "validate",
]
