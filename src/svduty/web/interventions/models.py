"""The evidence library: one record per approach, modelled on the YEF Toolkit (impact band, evidence quality 1–5,
cost 1–3, prevention type, setting) and the College of Policing Crime Reduction Toolkit (EMMIE).

Figures are the published ones only; a figure that is not published stays empty (never estimated here). Every
change is kept by django-simple-history, sources included (they are a JSON list on the record, so one history row
holds the whole state).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .options import IMPACT_ORDER, IMPACT_TAG, EmmieEffect, Impact, PreventionType


class Intervention(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"))
    impact = models.CharField(
        _("impact on violence"),
        max_length=14,
        choices=Impact.choices,
        blank=True,
        help_text=_("As published by the source; leave blank if no rating is published"),
    )
    impact_pct = models.DecimalField(
        _("estimated reduction (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text=_("Average % reduction where the source publishes one; never estimate it"),
    )
    impact_measure = models.CharField(
        _("what the figure measures"), max_length=200, blank=True, help_text=_("e.g. crime, 24 studies")
    )
    evidence_quality = models.PositiveSmallIntegerField(
        _("evidence quality (1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    confidence = models.CharField(
        _("confidence in the estimate"),
        max_length=300,
        blank=True,
        help_text=_("The source's own words, e.g. very low confidence (two US studies)"),
    )
    cost = models.PositiveSmallIntegerField(
        _("cost (1–3)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    prevention_levels = models.CharField(
        _("prevention level"), max_length=40, blank=True, help_text=_("primary, secondary, tertiary (comma-separated)")
    )
    setting = models.CharField(_("setting"), max_length=200, blank=True)
    target_ages = models.CharField(_("target ages"), max_length=100, blank=True)
    emmie_effect = models.CharField(
        _("effect (College of Policing)"), max_length=10, choices=EmmieEffect.choices, blank=True
    )
    mechanism = models.TextField(_("mechanism"), blank=True)
    moderators = models.TextField(_("moderators"), blank=True)
    implementation = models.TextField(_("implementation notes"), blank=True)
    economic_cost = models.TextField(_("economic cost"), blank=True)
    sources = models.JSONField(_("sources"), default=list, help_text=_("[{citation, url}]"))
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def prevention_list(self) -> list[str]:
        return [p.strip() for p in self.prevention_levels.split(",") if p.strip()]

    @property
    def prevention_labels(self) -> str:
        """The prevention levels as the reader's language words ("Secondary, tertiary" / "Eilaidd, trydyddol")."""
        labels = {value: str(label) for value, label in PreventionType.choices}
        words = [labels.get(p, p) for p in self.prevention_list]
        return ", ".join([words[0], *(w.lower() for w in words[1:])]) if words else ""

    @property
    def is_harmful(self) -> bool:
        return self.impact == Impact.HARMFUL

    @property
    def impact_label(self) -> str:
        return self.get_impact_display() if self.impact else str(_("No published rating"))

    @property
    def impact_tag(self) -> str:
        return IMPACT_TAG[self.impact]

    @property
    def impact_rank(self) -> int:
        return IMPACT_ORDER.index(self.impact)


class EvidenceUse(models.Model):
    """The approaches an EOI says it uses, and — for a harmful-rated approach — the officer's written justification
    that must exist before it can be awarded. Kept beside the EOI (not on it) so commissioning stays unchanged."""

    application = models.OneToOneField(
        "commissioning.Application", on_delete=models.CASCADE, related_name="evidence_use"
    )
    approaches = models.ManyToManyField(Intervention, blank=True, related_name="uses")
    harmful_justification = models.TextField(blank=True)
    justified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    justified_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[approaches])

    def __str__(self) -> str:
        return f"Approaches of {self.application}"
