"""Choices for rounds, expressions of interest, determinations and assessment."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PreventionLevel(models.TextChoices):
    """Public-health prevention levels (DOMAIN.md "Approach")."""

    PRIMARY = "primary", _("Primary: everyone")
    SECONDARY = "secondary", _("Secondary: people at risk")
    TERTIARY = "tertiary", _("Tertiary: people already involved")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted: in review")
    MORE_INFO = "more_info", _("More information requested")
    AWARDED = "awarded", _("Award recommended")
    FUNDED = "funded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses in which staff are still deciding (the applicant may be answering a question meanwhile).
IN_REVIEW = (ApplicationStatus.SUBMITTED, ApplicationStatus.MORE_INFO)


class Outcome(models.TextChoices):
    """Hypha's three determinations."""

    DISMISSED = "dismissed", _("Dismissed (not awarded)")
    MORE_INFO = "more_info", _("More information requested")
    APPROVED = "approved", _("Approved (award recommended)")


class Recommendation(models.TextChoices):
    YES = "yes", _("Yes")
    MAYBE = "maybe", _("Maybe")
    NO = "no", _("No")


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice (one of a list)")
    FILE = "file", _("File upload")


class MessageKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    REQUEST = "request", _("More information requested")
    ANSWER = "answer", _("Answer and resubmission")
    DETERMINATION = "determination", _("Determination")


# A review whose assessors' weighted scores differ by at least this many points out of 100 is highlighted.
DISAGREEMENT_POINTS = 20

# Uploads: what an EOI may attach and the leading bytes each type must start with (so a renamed .exe is refused).
UPLOAD_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
