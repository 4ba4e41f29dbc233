"""Invitations by e-mail, and which provider account leads its organisation (and so may invite colleagues)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from svduty.web.core.options import Role


class Invitation(models.Model):
    """An e-mail invitation to create an account with a given role (and organisation). The link carries a signed
    token naming the invitation and its current nonce: resending draws a new nonce (so an older link stops working)
    and a new expiry; accepting or revoking ends it for good."""

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "partnership.Organisation", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("organisation")
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    nonce = models.CharField(max_length=32)
    expires_at = models.DateTimeField(_("expires"))
    sent_count = models.PositiveSmallIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @property
    def state_label(self) -> str:
        return {
            "accepted": _("Accepted"),
            "revoked": _("Revoked"),
            "expired": _("Expired"),
            "pending": _("Waiting"),
        }[self.state]

    @property
    def is_open(self) -> bool:
        return self.state == "pending"


class ProviderLead(models.Model):
    """The provider account that leads its organisation on the service. Without a row, the organisation's earliest
    active provider account (the one that registered it) is the lead; an administrator or officer can name another."""

    organisation = models.OneToOneField("partnership.Organisation", on_delete=models.CASCADE, related_name="lead")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.user} leads {self.organisation}"
