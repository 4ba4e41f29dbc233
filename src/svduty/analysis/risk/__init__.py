"""The risk index: a transparent, advisory recency–frequency–gravity score of pseudonymised people.

``definition`` holds the index as data (versioned by content hash); scoring, validation and fairness are pure
functions of tables. Nothing here triggers an action: scores list people for a multi-agency panel to consider.
"""

from svduty.analysis.risk.definition import (
    DefinitionError,
    Frequency,
    GravityWeight,
    IndexDefinition,
    default_definition,
)

__all__ = ["DefinitionError", "Frequency", "GravityWeight", "IndexDefinition", "default_definition"]
