from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Invitation, ProviderLead


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ("email", "role", "organisation", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("role",)
    readonly_fields = ("nonce", "sent_count", "last_sent_at", "accepted_at", "accepted_user")


@admin.register(ProviderLead)
class ProviderLeadAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "user")
