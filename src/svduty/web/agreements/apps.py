from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "svduty.web.agreements"
    label = "agreements"
    verbose_name = _("Data-sharing agreements")
    default_auto_field = "django.db.models.BigAutoField"
