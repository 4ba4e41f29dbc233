"""Choices for the Serious Violence Board: attendance, agenda items, the risk log's scales and statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Attendance(models.TextChoices):
    PRESENT = "present", _("Present")
    APOLOGIES = "apologies", _("Apologies")
    ABSENT = "absent", _("Absent")


class AgendaKind(models.TextChoices):
    INFORMATION = "information", _("For information")
    DISCUSSION = "discussion", _("For discussion")
    DECISION = "decision", _("For decision")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")


# A 5 × 5 matrix, the scale most public-sector risk registers use (HM Treasury Orange Book, 2023: likelihood and
# impact scored 1–5, the product ranked).
SCALE = [(1, _("1 — very low")), (2, _("2 — low")), (3, _("3 — medium")), (4, _("4 — high")), (5, _("5 — very high"))]


def risk_rating(score: int) -> str:
    """Red 15–25, amber 8–14, green 1–7 on likelihood × impact (the bands the pack prints beside the table)."""
    if score >= 15:
        return "red"
    if score >= 8:
        return "amber"
    return "green"
