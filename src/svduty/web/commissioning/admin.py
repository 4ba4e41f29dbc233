from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class QuestionInline(admin.TabularInline):
    model = models.Question
    extra = 0


class CriterionInline(admin.TabularInline):
    model = models.Criterion
    extra = 0


@admin.register(models.Round)
class RoundAdmin(SimpleHistoryAdmin):
    inlines = [QuestionInline, CriterionInline]
    list_display = ["title", "stream", "opens_on", "closes_on"]


@admin.register(models.Panel)
class PanelAdmin(SimpleHistoryAdmin):
    filter_horizontal = ["members"]


@admin.register(models.Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "organisation", "round", "status"]
    list_filter = ["status", "round"]


@admin.register(models.Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ["application", "assessor", "has_conflict", "declared_at"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Award)
class AwardAdmin(SimpleHistoryAdmin):
    list_display = ["application", "amount_pence", "decision_record"]
    readonly_fields = ["application", "amount_pence", "decision_record"]

    def has_add_permission(self, request):
        return False
