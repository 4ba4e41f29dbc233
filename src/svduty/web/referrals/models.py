"""Cases on referral pathways, the consent that gates sharing, referrals between agencies, deadlines, re-offending
follow-ups and the append-only access log.

A case holds its person under a pseudonym (keyed HMAC of the source identifier, the RMS ingest's scheme) so police
records link without identities; name, date of birth and contact details sit in the identity fields that only the
owning agency's caseworkers may read (each read logged in ``AccessLog``) and that retention erases. Cases carry no
django-simple-history: a history table would keep a copy of every identity field past retention. Their changes are
kept in ``CaseEvent`` (who, when, from, to) instead.
"""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from svduty.analysis.referrals.pathways import Pathway as PathwayDefinition
from svduty.web.partnership.models import Organisation

from .options import (
    AccessAction,
    CaseState,
    CloseOutcome,
    ConsentKind,
    ConsentStatus,
    DoneReason,
    LawfulBasis,
    ReferralState,
    Scope,
    ServiceStatus,
)

USER = settings.AUTH_USER_MODEL


class Pathway(models.Model):
    """A pathway loaded from its definition file; ``definition`` is the validated file, the source of every rule."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="pathways_owned"
    )
    definition = models.JSONField()
    comparison_label = models.CharField(_("comparison figure"), max_length=200, blank=True)
    comparison_rate = models.FloatField(_("comparison rate (0–1)"), null=True, blank=True)
    comparison_source = models.CharField(_("source of the comparison figure"), max_length=300, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def spec(self) -> PathwayDefinition:
        cached = getattr(self, "_spec", None)
        if cached is None:
            cached = self._spec = PathwayDefinition.model_validate(self.definition)
        return cached


class Team(models.Model):
    name = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="case_teams")

    class Meta:
        ordering = ["organisation__name", "name"]
        unique_together = [("organisation", "name")]

    def __str__(self) -> str:
        return f"{self.name}, {self.organisation}"


class CaseAccess(models.Model):
    """A caseworker or team manager's team and scope (Primero's self / group / agency / all)."""

    user = models.OneToOneField(USER, on_delete=models.CASCADE, related_name="case_access")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members")
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.SELF)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_scope_display()})"


class Service(models.Model):
    """A service in the directory, shaped on Open Referral UK (HSDS): organisation, name, status, contact, area."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=200)
    service_type = models.SlugField(max_length=60, help_text=_("Taxonomy term, e.g. mentoring, mental-health"))
    description = models.TextField(blank=True)
    eligibility = models.CharField(max_length=300, blank=True)
    area = models.CharField(_("service area"), max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    url = models.URLField(blank=True)
    status = models.CharField(max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Case(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="cases")
    track = models.SlugField(max_length=60)
    age_at_incident = models.PositiveSmallIntegerField()
    agency = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="cases_created")
    assigned_to = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases")
    state = models.CharField(max_length=12, choices=CaseState.choices, default=CaseState.NEW)
    # The person: a pseudonym that links to RMS persons, and identity fields erased by retention.
    pseudonym = models.CharField(max_length=64, db_index=True)
    person_namespace = models.CharField(max_length=100)
    source_ref = models.CharField(_("source identifier"), max_length=100, blank=True)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    contact = models.TextField(_("contact details"), blank=True)
    identity_erased_at = models.DateTimeField(null=True, blank=True)
    # When things happened.
    incident_date = models.DateField()
    attended_at = models.DateTimeField(_("attended the emergency department at"), null=True, blank=True)
    arrest_notified_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(_("released from custody at"), null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_outcome = models.CharField(max_length=20, choices=CloseOutcome.choices, blank=True)
    close_note = models.TextField(blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.pathway.name})"

    @property
    def track_spec(self):
        return self.pathway.spec.track(self.track)

    def events(self) -> dict:
        incident_at = timezone.make_aware(datetime.combine(self.incident_date, time.min))
        return {
            "incident_at": incident_at,
            "attended_at": self.attended_at,
            "arrest_notified_at": self.arrest_notified_at,
            "released_at": self.released_at,
            "opened_at": self.opened_at,
        }

    def consent(self, kind: str) -> Consent | None:
        return self.consents.filter(kind=kind).order_by("-recorded_at", "-pk").first()


class CaseEvent(models.Model):
    """One change to a case (who, when, what): appended, never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    user = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class Consent(models.Model):
    """A consent decision; the latest of each kind counts, earlier ones stay as the record."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=10, choices=ConsentKind.choices)
    status = models.CharField(max_length=12, choices=ConsentStatus.choices)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices, blank=True)
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]


class Deadline(models.Model):
    """A pathway step with a time limit, worked out by the rule engine from the case's event times."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    step = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    due = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True)
    outcome = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due"]
        unique_together = [("case", "step")]

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if self.done_at is not None:
            return "done late" if self.done_at > self.due else "done"
        return "overdue" if now > self.due else "due"


class Referral(models.Model):
    """A Primero-style referral of a case to another organisation's service."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    state = models.CharField(max_length=10, choices=ReferralState.choices, default=ReferralState.PENDING)
    note = models.TextField(_("what the service needs to know"), blank=True)
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="referrals_sent")
    sent_at = models.DateTimeField(default=timezone.now)
    respond_by = models.DateTimeField()
    responded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals_answered"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    successful = models.BooleanField(null=True)
    done_reason = models.CharField(max_length=30, choices=DoneReason.choices, blank=True)
    done_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Referral {self.pk} to {self.service.name}"

    def is_overdue(self, now=None) -> bool:
        return self.state == ReferralState.PENDING and (now or timezone.now()) > self.respond_by


class FollowUp(models.Model):
    """Re-offending (and ED re-attendance) looked up at 3/6/12 months after case start."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    checked_at = models.DateTimeField(null=True, blank=True)
    reoffended = models.BooleanField(null=True)
    incidents = models.PositiveIntegerField(null=True)
    serious_violence = models.PositiveIntegerField(null=True)
    offences = models.CharField(max_length=500, blank=True)
    ed_reattended = models.BooleanField(null=True)
    ed_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["case", "months"]
        unique_together = [("case", "months")]


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("the access log is append-only")

    def delete(self):
        raise PermissionError("the access log is append-only")


class AccessLog(models.Model):
    """Every read of a case's personal details: who, when, which case, what, and why where the policy asks.

    Append-only: saving an existing row, deleting and bulk updates raise; on PostgreSQL a trigger refuses UPDATE and
    DELETE from any client as well (migration 0002)."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    reason = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("the access log is append-only")
