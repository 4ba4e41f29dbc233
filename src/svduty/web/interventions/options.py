"""Choices for the evidence library, following the YEF Toolkit and the College of Policing's EMMIE framework."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Impact(models.TextChoices):
    """YEF Toolkit "impact on violence" bands (EVIDENCE.md). Blank means no published rating was found."""

    HARMFUL = "harmful", _("Harmful")
    NO_EFFECT = "no_effect", _("No effect")
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")
    INSUFFICIENT = "insufficient", _("Insufficient evidence")


# Order for the evidence mix and sorting: best first, harmful last, unrated at the end.
IMPACT_ORDER = [Impact.HIGH, Impact.MODERATE, Impact.LOW, Impact.NO_EFFECT, Impact.INSUFFICIENT, Impact.HARMFUL, ""]
IMPACT_TAG = {
    Impact.HIGH: "govuk-tag--green",
    Impact.MODERATE: "govuk-tag--turquoise",
    Impact.LOW: "govuk-tag--yellow",
    Impact.NO_EFFECT: "govuk-tag--grey",
    Impact.INSUFFICIENT: "govuk-tag--grey",
    Impact.HARMFUL: "govuk-tag--red",
    "": "govuk-tag--grey",
}


class EmmieEffect(models.TextChoices):
    """College of Policing Crime Reduction Toolkit: the Effect of EMMIE is categorical."""

    REDUCED = "reduced", _("Reduced crime")
    MIXED = "mixed", _("Mixed effect on crime")
    NO_IMPACT = "no_impact", _("No impact on crime")
    INCREASED = "increased", _("Increased crime")


class PreventionType(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    TERTIARY = "tertiary", _("Tertiary")
