from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "svduty.web.engagement"
    label = "engagement"
    verbose_name = _("Community and young people's engagement")
