"""Choices for the local definition, SNA versions, the strategy and the partnership calendar."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DefinitionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class StrategyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed by the board")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class TargetKind(models.TextChoices):
    """What a priority is aimed at (the Duty guidance asks strategies to say who, where or what)."""

    COHORT = "cohort", _("Cohort (people)")
    PLACE = "place", _("Place")
    THEME = "theme", _("Theme")


class MeasureKind(models.TextChoices):
    NATIONAL = "national", _("National success measure")
    LOCAL = "local", _("Local measure")


class NationalMeasure(models.TextChoices):
    """The Home Office's three national success measures; keys are those of ``svduty sna``'s summary.json."""

    SHARP_OBJECT_ADMISSIONS = (
        "sharp_object_admissions_u25",
        _("Hospital admissions for assault with a sharp object, aged under 25"),
    )
    KNIFE_SV = "knife_sv_u25", _("Knife- or sharp-object-enabled serious violence, victims under 25")
    HOMICIDE = "homicide_u25", _("Homicides, victims under 25")


class Direction(models.TextChoices):
    DOWN = "down", _("Lower is better")
    UP = "up", _("Higher is better")


class ObligationKind(models.TextChoices):
    SNA_REFRESH = "sna_refresh", _("Strategic needs assessment refresh")
    STRATEGY_REVIEW = "strategy_review", _("Strategy review")
    STRATEGY_PUBLICATION = "strategy_publication", _("Strategy publication")
    HOME_OFFICE_RETURN = "home_office_return", _("Home Office return")
    BOARD_MEETING = "board_meeting", _("Serious Violence Board meeting")
    MONITORING_QUARTER = "monitoring_quarter", _("Programme monitoring quarter")
    OTHER = "other", _("Other")


class Recurrence(models.TextChoices):
    ONCE = "once", _("Once")
    QUARTERLY = "quarterly", _("Every quarter")
    ANNUAL = "annual", _("Every year")


MAX_SUMMARY_BYTES = 5 * 1024 * 1024
MAX_TABLE_BYTES = 20 * 1024 * 1024
MAX_PDF_BYTES = 50 * 1024 * 1024
