"""Choices for cases and referrals (after UNICEF Primero's transitions and Open Referral UK's service status)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """Which cases a caseworker account sees (Primero: self / group / agency / all)."""

    SELF = "self", _("Own cases (created or assigned)")
    TEAM = "team", _("The team's cases")
    AGENCY = "agency", _("The agency's cases")
    PARTNERSHIP = "partnership", _("Every partner agency's cases")


class CaseState(models.TextChoices):
    NEW = "new", _("New")
    ASSESSMENT = "assessment", _("Assessment")
    PLAN = "plan", _("Plan")
    SERVICES = "services", _("Services")
    CLOSED = "closed", _("Closed")


class ConsentKind(models.TextChoices):
    SHARE = "share", _("Consent to share information")
    SERVICES = "services", _("Consent to receive services")


class ConsentStatus(models.TextChoices):
    NOT_ASKED = "not_asked", _("Not asked yet")
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    OVERRIDDEN = "overridden", _("Overridden with a lawful basis")


class LawfulBasis(models.TextChoices):
    """Grounds for sharing without consent (UK GDPR art. 6; Data Protection Act 2018 sch. 1 and 8)."""

    SAFEGUARDING = "safeguarding", _("Safeguarding of children or individuals at risk (DPA 2018 sch. 1 para 18)")
    CRIME = "crime", _("Prevention or detection of crime (DPA 2018 sch. 1 para 10; Crime and Disorder Act 1998 s.115)")
    VITAL = "vital_interests", _("Vital interests (UK GDPR art. 6(1)(d))")
    STATUTORY = "statutory", _("Statutory duty (Serious Violence Duty, PCSC Act 2022 s.16)")


class ReferralState(models.TextChoices):
    PENDING = "pending", _("Sent, waiting for a reply")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DONE = "done", _("Done")
    REVOKED = "revoked", _("Withdrawn")


class DoneReason(models.TextChoices):
    """Why a referral ended as it did (Primero's list)."""

    CLIENT_REFUSED = "client_refused", _("Client refused services")
    LACK_OF_CAPACITY = "lack_of_capacity", _("Lack of capacity")
    NO_LONGER_NEEDED = "no_longer_needed", _("Services no longer needed")
    CLIENT_UNREACHABLE = "unable_to_contact_client", _("Unable to contact client")
    SERVICE_UNREACHABLE = "unable_to_contact_service", _("Unable to contact referred-to service")
    OTHER = "other", _("Other")


class CloseOutcome(models.TextChoices):
    PLAN_COMPLETED = "plan_completed", _("Engaged and completed the plan")
    PARTLY_COMPLETED = "partly_completed", _("Engaged, plan partly completed")
    DECLINED = "declined", _("Declined support")
    UNABLE_TO_CONTACT = "unable_to_contact", _("Unable to contact")
    MOVED_AWAY = "moved_away", _("Moved out of the area")
    TRANSFERRED = "transferred", _("Transferred to another service")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible after assessment")
    OTHER = "other", _("Other")


class ServiceStatus(models.TextChoices):
    """Open Referral UK ``service.status``."""

    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class AccessAction(models.TextChoices):
    VIEW_PAGE = "view", _("Viewed personal details on the case page")
    VIEW_API = "api", _("Read personal details through the API")
    EDIT = "edit", _("Recorded personal details")
    ERASE = "erase", _("Erased personal details (retention)")
