"""An evaluation (the ``result.json`` and optional ``evaluation.pdf`` of ``svduty evaluate``) attached to a programme,
and the practice note the partnership writes from it and publishes so other areas can find what worked.

The result document is kept whole (``result``) beside the headline fields read from it, so a note can always be
traced back to the figures it quotes. The PDF lives in private storage and is served only through a permission check.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from svduty.web.commissioning.models import private_storage
from svduty.web.core.money import format_pence

from .options import MSMS_LEVELS, Design, NoteStatus


class Evaluation(models.Model):
    programme = models.ForeignKey("programmes.Programme", on_delete=models.PROTECT, related_name="evaluations")
    title = models.CharField(_("evaluation question"), max_length=300)
    design = models.CharField(_("design"), max_length=40, choices=Design.choices)
    result = models.JSONField(_("result.json as uploaded"))
    estimate = models.FloatField(_("estimate"))
    ci_low = models.FloatField(_("interval: low"), null=True, blank=True)
    ci_high = models.FloatField(_("interval: high"), null=True, blank=True)
    p_value = models.FloatField(_("p-value"), null=True, blank=True)
    alpha = models.FloatField(default=0.05)
    msms_level = models.PositiveSmallIntegerField(
        _("Maryland SMS level"), choices=MSMS_LEVELS, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    msms_reason = models.TextField(_("reason for the level"))
    synthetic = models.BooleanField(_("synthetic data"), default=False)
    report_pdf = models.FileField(storage=private_storage, upload_to="evaluations/%Y/", blank=True)
    report_pdf_name = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords(excluded_fields=["result"])

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"EVAL-{self.pk:04d}"

    @property
    def labelled(self) -> bool:
        """Synthetic or demo data: every page that shows it says so."""
        return self.synthetic or self.is_demo

    @property
    def confidence_pct(self) -> int:
        return round((1 - self.alpha) * 100)


class PracticeNote(models.Model):
    evaluation = models.OneToOneField(Evaluation, on_delete=models.PROTECT, related_name="practice_note")
    title = models.CharField(_("title"), max_length=200)
    what_was_done = models.TextField(_("what was done"))
    for_whom = models.TextField(_("for whom"), help_text=_("Who the programme served: ages, needs, how they came"))
    where = models.CharField(_("where"), max_length=300)
    area_code = models.CharField(_("ONS code of the area"), max_length=9, blank=True)
    cost_pence = models.BigIntegerField(_("cost (pence)"), null=True, blank=True, validators=[MinValueValidator(0)])
    cost_note = models.CharField(
        _("about the cost"), max_length=300, blank=True, help_text=_("e.g. the award over two years, staff time extra")
    )
    result = models.TextField(_("result"), help_text=_("The estimate with its interval, in plain words"))
    strength_level = models.PositiveSmallIntegerField(
        _("strength of evidence (Maryland SMS)"),
        choices=MSMS_LEVELS,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    strength_reason = models.TextField(_("why this strength"))
    contact = models.CharField(_("contact"), max_length=300, help_text=_("Who other areas should ask"))
    status = models.CharField(_("status"), max_length=10, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def reference(self) -> str:
        return f"PN-{self.pk:04d}"

    @property
    def is_published(self) -> bool:
        return self.status == NoteStatus.PUBLISHED

    @property
    def labelled(self) -> bool:
        return self.is_demo or self.evaluation.labelled

    @property
    def cost_display(self) -> str:
        return format_pence(self.cost_pence) if self.cost_pence is not None else ""
