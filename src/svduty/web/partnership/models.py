"""Partnership: organisations, the partnership for an area, its Serious Violence Board and the strategy's priorities."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from svduty.web.core.options import Role

from .options import ActionStatus, OrganisationType

CHARITY_NUMBER = re.compile(r"^[0-9]{6,7}(-[0-9]+)?$|^SC[0-9]{6}$")
COMPANY_NUMBER = re.compile(r"^([0-9]{8}|(SC|NI|OC|SO|NC|IP|RS|CE|CS)[0-9]{6})$")


def normalise_name(name: str) -> str:
    """An organisation's name as stored: trimmed, runs of spaces as one (so "Street  Spirit" is "Street Spirit");
    the unique constraint then ignores case."""
    return " ".join(name.split())


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField("type", max_length=20, choices=OrganisationType.choices)
    charity_number = models.CharField(max_length=12, blank=True, help_text=_("Charity Commission number, e.g. 1012345"))
    company_number = models.CharField(max_length=10, blank=True, help_text=_("Companies House number, e.g. 01234567"))
    org_identifier = models.CharField(
        "organisation identifier",
        max_length=80,
        blank=True,
        help_text=_("org-id.guide identifier when neither number applies (e.g. GB-LAE-DER). Leave blank to derive."),
    )
    address_locality = models.CharField("town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    geo_code = models.CharField(
        "ONS code of its local authority",
        max_length=9,
        blank=True,
        help_text=_("Where the organisation is based, e.g. E06000015 (360Giving recipient location)"),
    )
    website = models.URLField(blank=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        # Registration checked these before inserting, which two requests at once both passed: the database now
        # refuses a second organisation with the same name (ignoring case) or the same charity or company number
        # (each becomes the 360Giving recipient identifier GB-CHC-…/GB-COH-…).
        constraints = [
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
            models.UniqueConstraint(
                fields=["charity_number"], condition=~Q(charity_number=""), name="organisation_charity_number_unique"
            ),
            models.UniqueConstraint(
                fields=["company_number"], condition=~Q(company_number=""), name="organisation_company_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = normalise_name(self.name)
        self.charity_number = self.charity_number.strip()
        self.company_number = self.company_number.strip().upper()
        super().save(*args, **kwargs)

    def clean(self):
        if self.charity_number and not CHARITY_NUMBER.match(self.charity_number):
            raise ValidationError({"charity_number": _("A charity number is 6 or 7 digits, e.g. 1012345")})
        if self.company_number and not COMPANY_NUMBER.match(self.company_number):
            raise ValidationError({"company_number": _("A company number is 8 characters, e.g. 01234567 or SC123456")})

    @property
    def identifier(self) -> str | None:
        """360Giving organisation identifier: the org-id.guide scheme GB-CHC (Charity Commission for England and
        Wales) or GB-COH (Companies House) where a number is known (https://org-id.guide)."""
        if self.org_identifier:
            return self.org_identifier
        if self.charity_number:
            return f"GB-CHC-{self.charity_number}"
        if self.company_number:
            return f"GB-COH-{self.company_number}"
        return None


class Partnership(models.Model):
    name = models.CharField(max_length=200, unique=True)
    area = models.CharField(max_length=200, help_text=_("The police force area the Duty partnership covers"))
    lead_convenor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="convenes")
    members = models.ManyToManyField(Organisation, related_name="partnerships", blank=True)
    strategy_period = models.CharField(max_length=20, blank=True, help_text=_("e.g. 2024-26"))
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class Priority(models.Model):
    """A priority of the partnership's strategy; ``evidence`` points at the SNA finding behind it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    evidence = models.TextField(blank=True, help_text=_("The Strategic Needs Assessment finding this priority answers"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]
        verbose_name_plural = _("priorities")

    def __str__(self) -> str:
        return self.title


class Profile(models.Model):
    """A user's one role and, for providers and partner staff, their organisation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True)
    job_title = models.CharField(max_length=100, blank=True)
    # The language the person reads the service in: e-mails and in-app notifications sent to them are written in it,
    # whoever triggers them; empty until they choose (the language switch when signed in, or their account page).
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"

    def clean(self):
        if self.role == Role.PROVIDER and not self.organisation_id:
            raise ValidationError({"organisation": _("A provider account must belong to an organisation")})


class BoardMeeting(models.Model):
    """A Serious Violence Board meeting (quarterly, DOMAIN.md)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    attendees = models.ManyToManyField(Organisation, blank=True, related_name="meetings_attended")
    attendee_names = models.TextField(blank=True, help_text=_("One person a line: name, role, organisation"))
    minutes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"Serious Violence Board, {self.date:%d %B %Y}"


class BoardDecision(models.Model):
    meeting = models.ForeignKey(BoardMeeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.text[:60]


class BoardAction(models.Model):
    meeting = models.ForeignKey(BoardMeeting, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="actions")
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    # An action not finished by its meeting's successor is carried forward: a new action on the next meeting, with
    # this link back, and this one marked "carried forward" (svduty.web.board.actions.carry_forward).
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="carried_to")
    update = models.TextField(blank=True, help_text="Progress since the action was set")
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__date", "id"]

    def __str__(self) -> str:
        return self.text[:60]
