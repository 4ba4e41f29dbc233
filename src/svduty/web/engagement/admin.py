from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Consultation, Finding, Network, NetworkActivity, NetworkMember, Question, Theme


@admin.register(Consultation, Question, Theme, Finding, Network, NetworkMember, NetworkActivity)
class EngagementAdmin(SimpleHistoryAdmin):
    pass
