"""Choices for evaluations and practice notes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Design(models.TextChoices):
    """The ``design`` key of ``result.json`` as ``svduty evaluate`` writes it (power calculations are not results)."""

    ITS = "interrupted time series", _("Interrupted time series")
    DID = "difference-in-differences", _("Difference-in-differences")
    SYNTH = "synthetic control", _("Synthetic control")


class NoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


MSMS_LEVELS = [
    (1, _("Level 1: correlation or before/after without controls")),
    (2, _("Level 2: before/after without a comparable comparison group")),
    (3, _("Level 3: before/after with a comparison group")),
    (4, _("Level 4: comparison group and controls for unobserved differences")),
    (5, _("Level 5: random assignment")),
]

MAX_RESULT_BYTES = 2 * 1024 * 1024
MAX_PDF_BYTES = 25 * 1024 * 1024
