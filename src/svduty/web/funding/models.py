"""Funding: streams (e.g. the Home Office Serious Violence Duty grant), budgets per financial year, commitments and
spend. All amounts are integer pence. ``funding.ledger`` is the only writer of commitments, so over-commitment is
checked in one place."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from svduty.web.core.dbguards import AppendOnlyError, refuse_delete
from svduty.web.core.money import format_pence
from svduty.web.partnership.models import Organisation, Partnership


class FundingStream(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="streams")
    name = models.CharField(max_length=200)
    funder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="streams_funded")
    total_pence = models.BigIntegerField("total (pence)")
    conditions = models.TextField(blank=True, help_text=_("The funder's grant conditions"))
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def total_display(self) -> str:
        return format_pence(self.total_pence, whole=True)


class Budget(models.Model):
    stream = models.ForeignKey(FundingStream, on_delete=models.CASCADE, related_name="budgets")
    financial_year = models.CharField(max_length=7)
    amount_pence = models.BigIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["financial_year"]
        constraints = [models.UniqueConstraint(fields=["stream", "financial_year"], name="one_budget_per_year")]

    def __str__(self) -> str:
        return f"{self.stream} {self.financial_year}"


class Commitment(models.Model):
    """Money set aside from one year's budget: an award's share for that year, or other spending (e.g. VRU staff)."""

    stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="commitments")
    financial_year = models.CharField(max_length=7)
    amount_pence = models.BigIntegerField()
    description = models.CharField(max_length=300)
    award = models.ForeignKey(
        "commissioning.Award", on_delete=models.CASCADE, null=True, blank=True, related_name="commitments"
    )
    released = models.BooleanField(default=False, help_text=_("Released when the PCC does not approve the award"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["financial_year", "id"]

    def __str__(self) -> str:
        return f"{self.financial_year} {format_pence(self.amount_pence)} {self.description}"


class Spend(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="spend")
    paid_on = models.DateField()
    amount_pence = models.BigIntegerField()
    description = models.CharField(max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["paid_on", "id"]


def _guard_commitment(sender, instance, **kwargs):
    """A commitment's stream, year, amount and award never change, and a released one is never un-released
    (funding.ledger is the only writer; the PostgreSQL trigger enforces the same)."""
    if not instance.pk:
        return
    old = (
        sender.objects.filter(pk=instance.pk)
        .values("stream_id", "financial_year", "amount_pence", "award_id", "released")
        .first()
    )
    if old is None:
        return
    fixed = ("stream_id", "financial_year", "amount_pence", "award_id")
    if any(getattr(instance, f) != old[f] for f in fixed) or (old["released"] and not instance.released):
        raise AppendOnlyError("A commitment is changed only by funding.ledger: it cannot be edited or un-released")


def _guard_spend(sender, instance, **kwargs):
    if instance.pk and sender.objects.filter(pk=instance.pk).exists():
        raise AppendOnlyError("A payment is never edited: record a correction as a new payment")


pre_save.connect(_guard_commitment, sender=Commitment, dispatch_uid="svduty-commitment-guard")
pre_save.connect(_guard_spend, sender=Spend, dispatch_uid="svduty-spend-guard")
pre_delete.connect(refuse_delete, sender=Commitment, dispatch_uid="svduty-commitment-never-deleted")
pre_delete.connect(refuse_delete, sender=Spend, dispatch_uid="svduty-spend-never-deleted")
