"""The risk index in the web app: definition versions (immutable JSON with its content hash), their governance
records (ALGO-CARE checklist, DPIA, ATRS record), scoring runs imported from ``svduty risk score`` with per-person
scores and components, threshold adoptions made after seeing the fairness table, the multi-agency panel, its
decisions, challenges to a person's data, and the append-only access log of every view of a person's score.

Advisory only: nothing here acts on a score. A score above the threshold puts a pseudonym on the panel's list; only
people decide, and each decision is recorded with its reasons.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from svduty.web.partnership.models import Organisation

from .options import (
    AccessAction,
    Agency,
    AlgoCareHeading,
    ChallengeRaisedBy,
    ChallengeStatus,
    PanelOutcome,
    RunSource,
    VersionStatus,
)

USER = settings.AUTH_USER_MODEL


def canonical_hash(definition: dict) -> str:
    """SHA-256 of the definition as canonical JSON (sorted keys, no spaces): the same text gives the same hash.

    The analysis module's ``IndexDefinition.content_hash`` is used instead when it is installed (``definitions``)."""
    text = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(f"{self.model._meta.verbose_name} rows are append-only")

    def delete(self):
        raise PermissionError(f"{self.model._meta.verbose_name} rows are append-only")


class AppendOnly(models.Model):
    """Rows that are evidence: saved once, never changed or deleted (a PostgreSQL trigger refuses it too)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError(f"{self._meta.verbose_name} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name} rows are append-only")


class IndexVersion(models.Model):
    """One version of the index definition. The definition and its hash never change: editing makes a new version
    (``parent`` is the one it was edited from). Status moves draft → approved for use → retired."""

    number = models.PositiveIntegerField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    definition = models.JSONField()
    content_hash = models.CharField(max_length=64, db_index=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    change_note = models.TextField(_("what changed and why"), blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    owner = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="risk_versions_owned",
        verbose_name=_("named owner"),
        help_text=_("The senior responsible owner who signs off the ALGO-CARE checklist and adopts the threshold"),
    )
    status = models.CharField(max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    checklist_signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    checklist_signed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number} {self.name}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            stored = IndexVersion.objects.filter(pk=self.pk).values("definition", "content_hash").first()
            if stored and (stored["definition"] != self.definition or stored["content_hash"] != self.content_hash):
                raise PermissionError("an index version's definition never changes: save a new version")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("index versions are never deleted: every score keeps its version")

    @property
    def threshold(self) -> float | None:
        value = self.definition.get("threshold")
        return float(value) if isinstance(value, int | float) else None


class AlgoCareAnswer(models.Model):
    """The answer and evidence under one ALGO-CARE heading for one version (fixed once the owner signs off)."""

    version = models.ForeignKey(IndexVersion, on_delete=models.PROTECT, related_name="algocare")
    heading = models.CharField(max_length=20, choices=AlgoCareHeading.choices)
    answer = models.TextField(_("answer"))
    evidence = models.TextField(_("evidence"), help_text=_("Documents, tests or records that show the answer holds"))
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        unique_together = [("version", "heading")]
        ordering = ["version", "heading"]


class Dpia(models.Model):
    """The data protection impact assessment for a version (UK GDPR art. 35; ICO guidance), signed off by the DPO."""

    version = models.OneToOneField(IndexVersion, on_delete=models.PROTECT, related_name="dpia")
    processing = models.TextField(_("nature, scope, context and purposes of the processing"))
    necessity = models.TextField(_("necessity and proportionality (lawful basis, data minimisation, retention)"))
    risks = models.TextField(_("risks to individuals (likelihood and severity)"))
    measures = models.TextField(_("measures to reduce the risks"))
    consultation = models.TextField(_("who was consulted"), blank=True)
    residual_risk = models.TextField(_("residual risk and whether the ICO must be consulted"))
    dpo_advice = models.TextField(_("the DPO's advice"), blank=True)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    signed_off_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()


class AtrsRecord(models.Model):
    """The Algorithmic Transparency Recording Standard record for a version: ``fields`` maps the standard's
    attribute names (``atrs.FIELDS``) to text; generated from the definition, then edited by staff."""

    version = models.OneToOneField(IndexVersion, on_delete=models.PROTECT, related_name="atrs")
    fields = models.JSONField(default=dict)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()


class ScoringRun(models.Model):
    """One run of the index (CLI output imported): scores and components of every person, the fairness table."""

    version = models.ForeignKey(IndexVersion, on_delete=models.PROTECT, related_name="runs")
    source = models.CharField(max_length=10, choices=RunSource.choices)
    label = models.CharField(_("label"), max_length=200, blank=True)
    imported_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)
    synthetic = models.BooleanField(default=False)
    threshold = models.FloatField(null=True, blank=True)
    people = models.PositiveIntegerField(default=0)
    above = models.PositiveIntegerField(default=0)
    fairness = models.JSONField(default=list)
    # the fairness table at candidate thresholds (top 1/2/5/10% and the version's own), shown before adoption
    fairness_sweep = models.JSONField(default=list, blank=True)
    validation = models.JSONField(default=dict, blank=True)
    model_card = models.TextField(blank=True)
    files_sha256 = models.JSONField(default=dict)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.version})"

    def delete(self, *args, **kwargs):
        raise PermissionError("scoring runs are never deleted: decisions refer to their scores")


class PersonScore(models.Model):
    """A pseudonymised person's score in a run (no name, no source identifier)."""

    run = models.ForeignKey(ScoringRun, on_delete=models.PROTECT, related_name="scores")
    person = models.CharField(max_length=128, db_index=True)
    score = models.FloatField()
    rank = models.PositiveIntegerField()
    above_threshold = models.BooleanField()
    index_version = models.CharField(max_length=80)
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["rank", "pk"]
        unique_together = [("run", "person")]


class Component(models.Model):
    """One counted involvement behind a score: its contributions sum to the score."""

    score = models.ForeignKey(PersonScore, on_delete=models.PROTECT, related_name="components")
    incident_id = models.CharField(max_length=128)
    month = models.CharField(max_length=7)
    offence_group = models.CharField(max_length=120)
    gravity = models.FloatField()
    recency_factor = models.FloatField()
    knife_flag = models.BooleanField()
    knife_factor = models.FloatField(null=True, blank=True)
    frequency_factor = models.FloatField(null=True, blank=True)
    contribution = models.FloatField()

    class Meta:
        ordering = ["-contribution", "pk"]


class ThresholdAdoption(AppendOnly):
    """The owner adopting a version's threshold after seeing a run's fairness table (kept as shown, with its hash);
    a four-fifths breach needs a written justification."""

    version = models.ForeignKey(IndexVersion, on_delete=models.PROTECT, related_name="adoptions")
    run = models.ForeignKey(ScoringRun, on_delete=models.PROTECT, related_name="adoptions")
    threshold = models.FloatField()
    fairness_shown = models.JSONField()
    fairness_sha256 = models.CharField(max_length=64)
    breaches = models.JSONField(default=list)
    justification = models.TextField(blank=True)
    adopted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    adopted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-adopted_at", "-pk"]


class Panel(models.Model):
    """The multi-agency panel that reviews people above the threshold."""

    name = models.CharField(max_length=200, unique=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class PanelMember(models.Model):
    """A named person on the panel, for an organisation and the agency it speaks for."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="members")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="risk_panels")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(max_length=20, choices=Agency.choices)
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        unique_together = [("panel", "user")]
        ordering = ["agency", "user__last_name"]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.username} ({self.organisation.name})"


class PanelDecision(AppendOnly):
    """The panel's decision on one person's case, with reasons, who attended and when; a later decision adds a row."""

    score = models.ForeignKey(PersonScore, on_delete=models.PROTECT, related_name="decisions")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("decision"), max_length=20, choices=PanelOutcome.choices)
    reasons = models.TextField(_("reasons"))
    meeting_date = models.DateField(_("date of the panel meeting"))
    attendees = models.ManyToManyField(PanelMember, related_name="decisions_attended")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]


class Challenge(models.Model):
    """A challenge to the data behind a person's score: who raised it, what, the outcome, the correction made and
    its effect on the score (the score without the excluded components)."""

    score = models.ForeignKey(PersonScore, on_delete=models.PROTECT, related_name="challenges")
    raised_by = models.CharField(_("raised by"), max_length=20, choices=ChallengeRaisedBy.choices)
    raised_on = models.DateField(_("date raised"))
    what = models.TextField(_("what is challenged"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN)
    outcome = models.TextField(_("outcome"), blank=True)
    correction = models.TextField(_("correction made"), blank=True)
    excluded = models.ManyToManyField(Component, blank=True, related_name="excluded_by")
    score_before = models.FloatField(null=True, blank=True)
    score_after = models.FloatField(null=True, blank=True)
    above_after = models.BooleanField(null=True, blank=True)
    resolved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[excluded])

    class Meta:
        ordering = ["-recorded_at", "-pk"]


class RiskAccessLog(AppendOnly):
    """Every view of a person's score or explanation (page or API): who, when, which run and pseudonym, the path.

    Append-only: the model refuses changes and deletes; on PostgreSQL a trigger refuses them (migration 0002)."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    run = models.ForeignKey(ScoringRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    score = models.ForeignKey(PersonScore, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    people = models.PositiveIntegerField(_("people shown"), default=0)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
