from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with ``manage.py api_token create``; admin may revoke (set revoked_at), never read a token."""

    list_display = ("name", "user", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = ("user", "key_hash", "created_at", "last_used_at")
    fields = ("name", "user", "created_at", "last_used_at", "expires_at", "revoked_at", "key_hash")

    def has_add_permission(self, request):
        return False
