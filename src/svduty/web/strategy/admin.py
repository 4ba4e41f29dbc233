from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


@admin.register(models.Strategy)
class StrategyAdmin(SimpleHistoryAdmin):
    list_display = ("title", "period", "status", "partnership")
    readonly_fields = ("status",)


@admin.register(models.LocalDefinition)
class LocalDefinitionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "version", "status", "partnership")


@admin.register(models.SnaVersion)
class SnaVersionAdmin(SimpleHistoryAdmin):
    list_display = ("number", "label", "period_from", "period_to", "partnership")


@admin.register(models.Obligation)
class ObligationAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "due_on", "done_on", "partnership")
