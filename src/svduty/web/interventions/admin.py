from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


@admin.register(models.Intervention)
class InterventionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "impact", "impact_pct", "evidence_quality", "cost", "last_reviewed"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.EvidenceUse)
class EvidenceUseAdmin(SimpleHistoryAdmin):
    list_display = ["application", "justified_by", "justified_at"]
