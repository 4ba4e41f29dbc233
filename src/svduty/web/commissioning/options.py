"""Choices for rounds, expressions of interest and assessment."""

from django.db import models


class PreventionLevel(models.TextChoices):
    """Public-health prevention levels (DOMAIN.md "Approach")."""

    PRIMARY = "primary", "Primary: everyone"
    SECONDARY = "secondary", "Secondary: people at risk"
    TERTIARY = "tertiary", "Tertiary: people already involved"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    AWARDED = "awarded", "Award recommended"
    NOT_AWARDED = "not_awarded", "Not awarded"


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
