from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Evaluation, PracticeNote


@admin.register(Evaluation)
class EvaluationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "programme", "design", "msms_level", "synthetic", "is_demo"]
    readonly_fields = ["result"]


@admin.register(PracticeNote)
class PracticeNoteAdmin(SimpleHistoryAdmin):
    list_display = ["title", "status", "strength_level", "published_at", "is_demo"]
