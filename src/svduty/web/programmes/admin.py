from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class IndicatorInline(admin.TabularInline):
    model = models.Indicator
    extra = 0


@admin.register(models.Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "status", "report_due_days"]
    inlines = [IndicatorInline]


@admin.register(models.MonitoringReturn)
class MonitoringReturnAdmin(SimpleHistoryAdmin):
    list_display = ["programme", "financial_year", "quarter", "due_on", "status"]
    list_filter = ["status", "financial_year"]


@admin.register(models.Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["monitoring_return", "kind", "sent_on", "recipients"]
