"""The register of data-sharing agreements, their signed copies (private files), and who read each copy.

The workspace (DuckDB, ``svduty.data``) never imports this app: ``/agreements/export.json`` writes the register in
the format ``svduty agreements load`` reads, so ingests can record and check the agreement they come under.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from svduty.web.commissioning.models import private_storage
from svduty.web.partnership.models import Organisation

from .options import AgreementStatus, Article6, Article9, Dataset, Gateway, Part3


class DataSharingAgreement(models.Model):
    reference = models.CharField(_("Reference"), max_length=40, unique=True, help_text=_("For example DSA-2024-003"))
    title = models.CharField(_("Title"), max_length=200)
    parties = models.ManyToManyField(Organisation, verbose_name=_("Parties"), related_name="data_sharing_agreements")
    datasets = models.JSONField(_("Datasets shared"), default=list)
    purpose = models.TextField(_("Purpose"))
    gateway = models.CharField(_("Statutory gateway"), max_length=20, choices=Gateway.choices)
    article_6 = models.CharField(_("UK GDPR article 6 basis"), max_length=10, choices=Article6.choices)
    article_9 = models.CharField(_("Article 9 condition"), max_length=10, choices=Article9.choices, blank=True)
    dpa_condition = models.CharField(
        _("DPA 2018 condition"),
        max_length=200,
        blank=True,
        help_text=_("For example schedule 1 part 2 paragraph 6, statutory and government purposes"),
    )
    part_3 = models.CharField(_("Law-enforcement processing"), max_length=20, choices=Part3.choices, blank=True)
    retention = models.TextField(_("Retention and deletion"))
    starts_on = models.DateField(_("Starts on"))
    review_on = models.DateField(_("Review on"))
    ends_on = models.DateField(_("Ends on"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    dpia_done = models.BooleanField(_("Data protection impact assessment completed"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["reference"]
        verbose_name = _("data-sharing agreement")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == AgreementStatus.ACTIVE
            and self.starts_on <= today
            and (self.ends_on is None or today <= self.ends_on)
        )

    def review_due(self, today=None) -> bool:
        return self.review_on <= (today or timezone.localdate())

    def dataset_labels(self) -> list[str]:
        labels = dict(Dataset.choices)
        return [str(labels.get(d, d)) for d in self.datasets]


class SignedCopy(models.Model):
    agreement = models.ForeignKey(DataSharingAgreement, on_delete=models.PROTECT, related_name="signed_copies")
    file = models.FileField(storage=private_storage, upload_to="agreements/%Y/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class SignedCopyAccess(models.Model):
    """Append-only: who read which signed copy (signatories' names and signatures are personal data)."""

    copy = models.ForeignKey(SignedCopy, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The access log is append-only")
