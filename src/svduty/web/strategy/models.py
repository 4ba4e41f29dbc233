"""The Duty's cycle as records: the partnership's local definition of serious violence (versioned), the SNA versions
it registered (immutable), the strategy built on them (vision, principles, priorities, objectives, success measures)
and the calendar of recurring obligations.

A strategy's state changes only through ``svduty.web.workflows.STRATEGY_WORKFLOW``; every change is a
``StrategyEvent`` and every row has ``simple_history`` history, so what the board agreed and what was published
can always be shown as it was.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from svduty.web.commissioning.models import private_storage
from svduty.web.partnership.models import BoardMeeting, Partnership
from svduty.web.partnership.models import Priority as FundingPriority

from .options import (
    DefinitionStatus,
    Direction,
    MeasureKind,
    NationalMeasure,
    ObligationKind,
    Recurrence,
    StrategyStatus,
    TargetKind,
)

USER = settings.AUTH_USER_MODEL


class Immutable(Exception):
    """A registered SNA version or an approved definition is never changed in place: make a new version."""


class LocalDefinition(models.Model):
    """One version of the partnership's definition of serious violence; ``rules`` is the
    ``svduty.data.sv_definition`` document (include/exclude rules) that ``svduty definition set`` loads."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="sv_definitions")
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    rules = models.JSONField(_("rules"))
    rationale = models.TextField(_("why the partnership defines it so"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DefinitionStatus.choices, default=DefinitionStatus.DRAFT
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-version"]
        constraints = [models.UniqueConstraint(fields=["partnership", "version"], name="one_definition_version")]
        verbose_name = _("local definition of serious violence")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def save(self, *args, **kwargs):
        if self.pk:
            old = type(self)._default_manager.filter(pk=self.pk).values("status", "rules", "name").first()
            if (
                old
                and old["status"] == DefinitionStatus.APPROVED
                and (old["rules"] != self.rules or old["name"] != self.name)
            ):
                raise Immutable("an approved definition cannot be changed: make a new version")
        super().save(*args, **kwargs)


class SnaVersion(models.Model):
    """One ``svduty sna`` output folder, registered: its summary.json whole, its tables and PDF. Never changed."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="sna_versions")
    number = models.PositiveIntegerField(_("version"))
    label = models.CharField(_("label"), max_length=200)
    summary = models.JSONField(_("summary.json as registered"))
    summary_sha256 = models.CharField(max_length=64)
    period_from = models.CharField(_("period from"), max_length=7)
    period_to = models.CharField(_("period to"), max_length=7)
    serious_violence = models.PositiveIntegerField(_("serious violence in the period"), null=True)
    definition = models.JSONField(_("definition of serious violence used"), null=True, blank=True)
    synthetic = models.BooleanField(_("rests partly on synthetic data"), default=False)
    pdf = models.FileField(storage=private_storage, upload_to="sna/%Y/", blank=True)
    source = models.CharField(_("registered from"), max_length=500, blank=True)
    registered_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-number"]
        constraints = [models.UniqueConstraint(fields=["partnership", "number"], name="one_sna_number")]
        verbose_name = _("SNA version")

    def __str__(self) -> str:
        return f"SNA v{self.number}: {self.label}"

    def save(self, *args, **kwargs):
        if self.pk and type(self)._default_manager.filter(pk=self.pk).exists():
            raise Immutable("a registered SNA version cannot be changed: register a new one")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Immutable("a registered SNA version cannot be deleted")

    @property
    def priorities(self) -> list[dict]:
        return list(self.summary.get("priorities") or [])

    def priority_rank(self, name: str) -> int | None:
        for p in self.priorities:
            if p.get("name") == name:
                return int(p["rank"])
        return None


class SnaTable(models.Model):
    """One ``tables/*.csv`` of a registered SNA version, kept as text (immutable with its version)."""

    version = models.ForeignKey(SnaVersion, on_delete=models.PROTECT, related_name="tables")
    name = models.CharField(max_length=100)
    csv = models.TextField()
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="one_sna_table_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.pk and type(self)._default_manager.filter(pk=self.pk).exists():
            raise Immutable("a registered SNA table cannot be changed")
        super().save(*args, **kwargs)


class Strategy(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="strategies")
    title = models.CharField(_("title"), max_length=200)
    period = models.CharField(_("period"), max_length=20, help_text=_("For example 2024-26"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    vision = models.TextField(_("vision"), blank=True)
    principles = models.TextField(_("principles"), blank=True, help_text=_("One principle a line"))
    sna_version = models.ForeignKey(
        SnaVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategies",
        verbose_name=_("SNA version it is built on"),
    )
    definition = models.ForeignKey(
        LocalDefinition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategies",
        verbose_name=_("local definition of serious violence"),
    )
    status = models.CharField(_("status"), max_length=12, choices=StrategyStatus.choices, default=StrategyStatus.DRAFT)
    agreed_on = models.DateField(_("agreed by the board on"), null=True, blank=True)
    agreed_at_meeting = models.ForeignKey(
        BoardMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="strategies_agreed",
        verbose_name=_("board meeting that agreed it"),
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("revision of"),
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"

    @property
    def editable(self) -> bool:
        return self.status == StrategyStatus.DRAFT

    @property
    def principle_list(self) -> list[str]:
        return [p.strip() for p in self.principles.splitlines() if p.strip()]

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The strategy cannot end before it starts")})


class StrategyEvent(models.Model):
    """Append-only workflow history of a strategy: who took which step, when, from and to which state."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=12)
    to_state = models.CharField(max_length=12)
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class StrategyPriority(models.Model):
    """A priority: who, where or what it targets, its evidence in an SNA version, and what serves it."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="priorities")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target_kind = models.CharField(_("targets a"), max_length=10, choices=TargetKind.choices)
    target = models.CharField(
        _("cohort, place or theme"), max_length=200, help_text=_("For example: young people under 18")
    )
    sna_version = models.ForeignKey(
        SnaVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cited_by",
        verbose_name=_("SNA version cited"),
    )
    sna_priority = models.CharField(
        _("derived priority in the SNA"),
        max_length=200,
        blank=True,
        help_text=_("The name of the SNA's derived priority this answers, as in its ranking"),
    )
    sna_tables = models.JSONField(_("SNA tables cited"), default=list, blank=True)
    evidence_note = models.TextField(_("what the evidence shows"), blank=True)
    funding_priority = models.ForeignKey(
        FundingPriority,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="strategy_priorities",
        verbose_name=_("funding-round priority"),
    )
    programmes = models.ManyToManyField(
        "programmes.Programme", blank=True, related_name="strategy_priorities", verbose_name=_("funded programmes")
    )
    pathways = models.ManyToManyField(
        "referrals.Pathway", blank=True, related_name="strategy_priorities", verbose_name=_("referral pathways")
    )
    history = HistoricalRecords(m2m_fields=[programmes, pathways])

    class Meta:
        ordering = ["strategy", "order", "id"]
        verbose_name = _("strategy priority")
        verbose_name_plural = _("strategy priorities")

    def __str__(self) -> str:
        return self.title

    @property
    def sna_rank(self) -> int | None:
        version = self.sna_version or self.strategy.sna_version
        return version.priority_rank(self.sna_priority) if version and self.sna_priority else None


class Objective(models.Model):
    priority = models.ForeignKey(StrategyPriority, on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("objective"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class SuccessMeasure(models.Model):
    """A measure of a priority: one of the three national ones (read from SNA versions) or a local one."""

    priority = models.ForeignKey(StrategyPriority, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("kind"), max_length=10, choices=MeasureKind.choices)
    national_key = models.CharField(_("national measure"), max_length=40, choices=NationalMeasure.choices, blank=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=60, blank=True, help_text=_("For example: crimes a year"))
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices, default=Direction.DOWN)
    baseline_value = models.FloatField(_("baseline"), null=True, blank=True)
    baseline_period = models.CharField(_("baseline period"), max_length=40, blank=True)
    target_value = models.FloatField(_("target"), null=True, blank=True)
    target_period = models.CharField(_("target period"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    sna_figure = models.CharField(
        _("figure in the SNA's summary.json"),
        max_length=200,
        blank=True,
        help_text=_("For a local measure read from each SNA version, e.g. serious_violence or by_crime_type.Robbery"),
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.kind == MeasureKind.NATIONAL and not self.national_key:
            raise ValidationError({"national_key": _("Choose which national measure this is")})
        if self.kind == MeasureKind.LOCAL and self.national_key:
            raise ValidationError({"national_key": _("A local measure is not one of the national ones")})

    @property
    def latest(self) -> MeasureValue | None:
        return self.values.order_by("-period_end", "-id").first()


class MeasureValue(models.Model):
    """A value of a measure for a period: read from an SNA version's summary.json or entered with its source."""

    measure = models.ForeignKey(SuccessMeasure, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(_("period"), max_length=40)
    period_end = models.DateField(_("period ends"))
    value = models.FloatField(_("value"))
    sna_version = models.ForeignKey(SnaVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source = models.CharField(_("source"), max_length=300, blank=True)
    synthetic = models.BooleanField(_("synthetic"), default=False)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "period_end", "id"]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value:g} ({self.period})"


class Obligation(models.Model):
    """One dated item of the partnership calendar (the Duty's recurring obligations); done when ``done_on`` is set."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="obligations")
    kind = models.CharField(_("kind"), max_length=24, choices=ObligationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due on"))
    recurrence = models.CharField(_("recurs"), max_length=10, choices=Recurrence.choices, default=Recurrence.ONCE)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    next_item = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="previous_item"
    )
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("calendar item")

    def __str__(self) -> str:
        return f"{self.title} ({self.due_on:%d %b %Y})"

    def is_overdue(self, today=None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())
