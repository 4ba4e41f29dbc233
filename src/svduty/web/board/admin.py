from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AgendaItem, BoardPack, MeetingAttendance, Paper, Risk


@admin.register(AgendaItem, MeetingAttendance, Paper, Risk)
class BoardRecordAdmin(SimpleHistoryAdmin):
    pass


@admin.register(BoardPack)
class BoardPackAdmin(admin.ModelAdmin):
    list_display = ["quarter", "generated_at", "generated_by"]
    exclude = ["pdf"]

    def has_change_permission(self, request, obj=None):
        return False  # a pack is kept as it was sent
