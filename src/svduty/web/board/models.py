"""The Serious Violence Board's working records around ``partnership.BoardMeeting``: agenda items, papers,
attendance by organisation, the board's risk log and the board packs it was sent. Decisions and actions stay in
``partnership`` (``BoardDecision``, ``BoardAction``); every record here keeps its history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from svduty.web.commissioning.models import private_storage
from svduty.web.partnership.models import BoardMeeting, Organisation, Partnership

from .options import SCALE, AgendaKind, Attendance, RiskStatus, risk_rating


class AgendaItem(models.Model):
    meeting = models.ForeignKey(BoardMeeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("item number"), default=1)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("purpose"), max_length=12, choices=AgendaKind.choices, default=AgendaKind.DISCUSSION)
    presenter = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("presented by")
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Paper(models.Model):
    """A paper for the meeting, stored privately and served only by ``board:paper_download``."""

    meeting = models.ForeignKey(BoardMeeting, on_delete=models.CASCADE, related_name="papers")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="papers", verbose_name=_("item")
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(storage=private_storage, upload_to="board/%Y/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "agenda_item__order", "id"]

    def __str__(self) -> str:
        return self.title


class MeetingAttendance(models.Model):
    """Who each organisation sent (or whether it gave apologies): the Duty's specified and relevant authorities
    are expected at the board, so the page and the pack show which of them were there."""

    meeting = models.ForeignKey(BoardMeeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices, default=Attendance.PRESENT)
    representative = models.CharField(
        _("represented by"), max_length=200, blank=True, help_text=_("Role, e.g. Assistant Chief Constable")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "organisation"], name="board_one_attendance_per_org")]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_status_display()}"


class Risk(models.Model):
    """One line of the board's risk log."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="board_risks")
    title = models.CharField(_("risk"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=SCALE)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=SCALE)
    mitigation = models.TextField(_("mitigation"))
    status = models.CharField(_("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    raised_on = models.DateField(_("raised on"))
    reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["status", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def rating(self) -> str:
        return risk_rating(self.score)


class BoardPack(models.Model):
    """A board pack as it was sent: the PDF is stored, never regenerated, so the board's copy can be shown later."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="board_packs")
    quarter = models.CharField(max_length=10, help_text=_("Financial-year quarter, e.g. 2024-25-Q3"))
    meeting = models.ForeignKey(BoardMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="packs")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    generated_at = models.DateTimeField(auto_now_add=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-generated_at", "-id"]

    def __str__(self) -> str:
        return f"Board pack {self.quarter}"
