from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DataSharingAgreement, SignedCopy, SignedCopyAccess


@admin.register(DataSharingAgreement)
class DataSharingAgreementAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "title", "status", "review_on", "ends_on")
    list_filter = ("status",)
    search_fields = ("reference", "title")


@admin.register(SignedCopy)
class SignedCopyAdmin(SimpleHistoryAdmin):
    list_display = ("original_name", "agreement", "uploaded_at")


@admin.register(SignedCopyAccess)
class SignedCopyAccessAdmin(admin.ModelAdmin):
    list_display = ("copy", "user", "at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
