"""Delivery: an award becomes a programme (Hypha's "project") with a delivery plan of indicators and quarterly
targets, a report schedule, and quarterly monitoring returns that the provider submits and the officer accepts or
returns. Every submission is kept as a version; every reminder is recorded.

Money is integer pence (the budget by financial year is the award's commitments in ``funding``).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from svduty.web.core.money import format_pence

from .options import CASE_SOURCES, QUARTER_LABELS, IndicatorKind, ProgrammeStatus, ReturnStatus

# ONS entity code (first three characters) → 360Giving geoCodeType codelist (ThreeSixtyGiving/standard).
GEO_CODE_TYPES = {
    "E01": "LSOA",
    "W01": "LSOA",
    "E02": "MSOA",
    "W02": "MSOA",
    "E05": "WD",
    "W05": "WD",
    "E06": "UA",
    "W06": "UA",
    "E07": "NMD",
    "E08": "MD",
    "E09": "LONB",
    "E10": "CTY",
    "E22": "CSP",
    "W14": "CDRP",
    "E23": "PFA",
}


def geo_code_type(code: str) -> str:
    """The 360Giving geoCodeType of an ONS code, e.g. E06000015 → UA ("" if unknown)."""
    return GEO_CODE_TYPES.get((code or "")[:3].upper(), "")


def quarter_end(financial_year: str, quarter: int) -> date:
    """Q1 ends 30 June of the first calendar year, … Q4 ends 31 March of the next (UK public-sector year)."""
    start = int(financial_year[:4])
    return {
        1: date(start, 6, 30),
        2: date(start, 9, 30),
        3: date(start, 12, 31),
        4: date(start + 1, 3, 31),
    }[quarter]


class Programme(models.Model):
    award = models.OneToOneField("commissioning.Award", on_delete=models.PROTECT, related_name="programme")
    organisation = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="programmes")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.SETUP
    )
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)
    report_due_days = models.PositiveSmallIntegerField(
        _("returns due (days after quarter end)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    approaches = models.ManyToManyField("interventions.Intervention", blank=True, related_name="programmes")
    beneficiary_geo_code = models.CharField(
        _("ONS code of the area served"),
        max_length=9,
        blank=True,
        help_text=_("Local authority or LSOA, e.g. E06000015"),
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[approaches])

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"PRG-{self.pk:04d}"

    @property
    def beneficiary_geo_code_type(self) -> str:
        return geo_code_type(self.beneficiary_geo_code)

    def budget_by_year(self) -> dict[str, int]:
        """The award's split by financial year (live commitments only)."""
        out: dict[str, int] = {}
        for c in self.award.commitments.all():
            if not c.released:
                out[c.financial_year] = out.get(c.financial_year, 0) + c.amount_pence
        return dict(sorted(out.items()))

    @property
    def years(self) -> list[str]:
        return list(self.budget_by_year())


class Indicator(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=200, help_text=_("e.g. Young people reached"))
    kind = models.CharField(_("type"), max_length=8, choices=IndicatorKind.choices)
    unit = models.CharField(_("counted in"), max_length=60, default="people", help_text=_("e.g. sessions, schools"))
    order = models.PositiveSmallIntegerField(default=0)
    case_source = models.CharField(
        _("taken from case records"),
        max_length=24,
        blank=True,
        choices=CASE_SOURCES,
        help_text=_(
            "Leave blank if the provider reports it. Otherwise each return's actual is counted from the cases "
            "and referrals of the programme's organisation in that quarter, and the provider cannot change it."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.CharField(max_length=7)
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    value = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["financial_year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "financial_year", "quarter"], name="one_target_per_quarter")
        ]


class MonitoringReturn(models.Model):
    """One quarter's return. ``spend_to_date_pence`` is cumulative since the programme began."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="returns")
    financial_year = models.CharField(max_length=7)
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    total_reached = models.PositiveIntegerField(_("people reached this quarter"), null=True, blank=True)
    spend_to_date_pence = models.BigIntegerField(
        _("spend to date (pence)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    narrative = models.TextField(_("what was delivered"), blank=True)
    risks = models.TextField(_("risks and issues"), blank=True)
    case_studies = models.TextField(_("case studies"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(blank=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "programme_id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "financial_year", "quarter"], name="one_return_per_quarter"),
            models.CheckConstraint(
                condition=models.Q(spend_to_date_pence__gte=0) | models.Q(spend_to_date_pence__isnull=True),
                name="return_spend_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.programme} {self.period}"

    @property
    def period(self) -> str:
        return f"{self.financial_year} Q{self.quarter}"

    @property
    def period_label(self) -> str:
        return f"{self.financial_year} {QUARTER_LABELS[self.quarter]}"

    @property
    def quarter_end(self) -> date:
        return quarter_end(self.financial_year, self.quarter)

    @property
    def is_open_for_provider(self) -> bool:
        return self.status in (ReturnStatus.DRAFT, ReturnStatus.RETURNED)

    def is_late(self, today: date) -> bool:
        return self.is_open_for_provider and self.due_on < today

    def is_due_soon(self, today: date, days: int = 14) -> bool:
        return self.is_open_for_provider and today <= self.due_on <= today + timedelta(days=days)

    @property
    def spend_display(self) -> str:
        return format_pence(self.spend_to_date_pence) if self.spend_to_date_pence is not None else ""


class ReturnValue(models.Model):
    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    actual = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["monitoring_return", "indicator"], name="one_value_per_indicator")
        ]


class ReachCount(models.Model):
    """Reach breakdowns: ``age_sex`` (category ``<age band>|<sex>``), ``ethnicity`` (ONS 2021 group), ``area``
    (ONS code of a local authority or LSOA)."""

    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="reach")
    dimension = models.CharField(max_length=12)
    category = models.CharField(max_length=40)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["monitoring_return", "dimension", "category"], name="one_reach_cell")
        ]


class ReturnVersion(models.Model):
    """A frozen copy of the return as submitted, and the officer's decision on it (append-only)."""

    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    data = models.JSONField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    decision = models.CharField(max_length=10, blank=True)  # "", accepted, returned
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["monitoring_return", "number"]
        constraints = [models.UniqueConstraint(fields=["monitoring_return", "number"], name="one_version_number")]


class Reminder(models.Model):
    """An email reminder sent by ``svduty remind`` (one per return, kind and day at most)."""

    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10)  # due_soon, overdue
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.TextField()
    subject = models.CharField(max_length=200)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["monitoring_return", "kind", "sent_on"], name="one_reminder_a_day")
        ]
