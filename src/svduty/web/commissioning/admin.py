from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class QuestionInline(admin.TabularInline):
    model = models.Question
    extra = 0


class CriterionInline(admin.TabularInline):
    """Criteria are fixed once anyone has scored (as on the round's panel page)."""

    model = models.Criterion
    extra = 0

    def _scored(self, obj) -> bool:
        return obj is not None and models.Score.objects.filter(criterion__round=obj).exists()

    def has_add_permission(self, request, obj=None):
        return not self._scored(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._scored(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._scored(obj) and super().has_delete_permission(request, obj)


@admin.register(models.Round)
class RoundAdmin(SimpleHistoryAdmin):
    inlines = [QuestionInline, CriterionInline]
    list_display = ["title", "stream", "opens_on", "closes_on"]

    def get_readonly_fields(self, request, obj=None):
        # As on the round's edit page: once a round has awards its stream, years and maximum are fixed.
        if obj is not None and models.Award.objects.filter(application__round=obj).exists():
            return ["partnership", "stream", "financial_years", "max_award_pence"]
        return []

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.applications.exists() and super().has_delete_permission(request, obj)


@admin.register(models.Panel)
class PanelAdmin(SimpleHistoryAdmin):
    filter_horizontal = ["members"]


@admin.register(models.Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    """The status moves only through the workflow (submit, award, decline): admin cannot set it, and only a draft
    can be deleted."""

    list_display = ["title", "organisation", "round", "status"]
    list_filter = ["status", "round"]
    readonly_fields = ["round", "organisation", "created_by", "status", "submitted_at"]

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.status == "draft" and super().has_delete_permission(request, obj)


@admin.register(models.Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ["application", "assessor", "has_conflict", "declared_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Award)
class AwardAdmin(SimpleHistoryAdmin):
    """Awards are made by commissioning.awards (with their ledger commitments) and never deleted."""

    list_display = ["application", "amount_pence", "decision_record"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
