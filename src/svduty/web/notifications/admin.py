"""Back office: the message log read-only (it is the record of what was sent)."""

from django.contrib import admin

from .models import Message, Notification


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(ReadOnly):
    list_display = ("sent_at", "event", "recipient_email", "subject", "status")
    list_filter = ("event", "status")
    search_fields = ("recipient_email", "subject")


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ("created_at", "user", "event", "subject", "read_at")
    list_filter = ("event",)
