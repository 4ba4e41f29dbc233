"""Choices for programmes, indicators and quarterly monitoring returns."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeStatus(models.TextChoices):
    SETUP = "setup", _("Set-up")
    DELIVERING = "delivering", _("Delivering")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")


# Case-data sources an indicator can take its actual from: the metrics of ``svduty.web.referrals.indicators``.
CASE_SOURCES = [
    ("cases_opened", _("Cases opened (people taken on)")),
    ("young_people_engaged", _("People engaged (first engagement step done)")),
    ("referrals_sent", _("Referrals sent to other organisations")),
    ("referrals_received", _("Referrals received")),
    ("referrals_accepted", _("Referrals accepted")),
    ("referrals_completed", _("Referrals completed successfully")),
    ("cases_closed", _("Cases closed")),
]


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", _("Not submitted")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")


# Reach by age band × sex: the grid lets the board's cohorts (under-18s, 18–25, men 18–35) be added up exactly.
AGE_BANDS = [
    ("u10", _("Under 10")),
    ("10-13", _("10 to 13")),
    ("14-17", _("14 to 17")),
    ("18-21", _("18 to 21")),
    ("22-25", _("22 to 25")),
    ("26-35", _("26 to 35")),
    ("36+", _("36 and over")),
    ("unknown", _("Age not known")),
]
SEXES = [("female", _("Female")), ("male", _("Male")), ("unknown", _("Not known"))]
# ONS 2021 Census ethnic groups (the five high-level groups), plus not known.
ETHNIC_GROUPS = [
    ("asian", _("Asian, Asian British or Asian Welsh")),
    ("black", _("Black, Black British, Black Welsh, Caribbean or African")),
    ("mixed", _("Mixed or Multiple ethnic groups")),
    ("white", _("White")),
    ("other", _("Other ethnic group")),
    ("unknown", _("Not known or prefer not to say")),
]
# Priority cohorts the board asks about: (key, label, age bands, sexes or None for all).
COHORTS = [
    ("under_18", _("Under-18s"), {"u10", "10-13", "14-17"}, None),
    ("age_18_25", _("18 to 25"), {"18-21", "22-25"}, None),
    ("men_18_35", _("Men 18 to 35"), {"18-21", "22-25", "26-35"}, {"male"}),
]
QUARTER_LABELS = {
    1: _("Q1 (April–June)"),
    2: _("Q2 (July–September)"),
    3: _("Q3 (October–December)"),
    4: _("Q4 (January–March)"),
}
