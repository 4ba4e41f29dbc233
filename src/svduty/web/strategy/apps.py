from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "svduty.web.strategy"
    label = "strategy"
    verbose_name = _("Strategy and the annual Duty cycle")
    default_auto_field = "django.db.models.BigAutoField"
