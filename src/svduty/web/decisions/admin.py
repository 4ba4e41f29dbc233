from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class EventInline(admin.TabularInline):
    model = models.DecisionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_state", "to_state", "user", "at", "note"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.DecisionRecord)
class DecisionRecordAdmin(SimpleHistoryAdmin):
    """Read-only in admin, deletion included: the workflow (svduty.web.workflows) is the only way a record changes,
    and a record with its step log is never deleted (a published one was, taking its public page with it)."""

    list_display = ["reference", "title", "state", "decision"]
    list_filter = ["state", "decision"]
    inlines = [EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
