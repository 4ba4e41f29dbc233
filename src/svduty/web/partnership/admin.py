from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


@admin.register(models.Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "charity_number", "company_number", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "charity_number", "company_number"]


class PriorityInline(admin.TabularInline):
    model = models.Priority
    extra = 0


@admin.register(models.Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    inlines = [PriorityInline]
    filter_horizontal = ["members"]


@admin.register(models.Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "organisation"]
    list_filter = ["role"]


class BoardDecisionInline(admin.TabularInline):
    model = models.BoardDecision
    extra = 0


class BoardActionInline(admin.TabularInline):
    model = models.BoardAction
    extra = 0


@admin.register(models.BoardMeeting)
class BoardMeetingAdmin(SimpleHistoryAdmin):
    inlines = [BoardDecisionInline, BoardActionInline]
