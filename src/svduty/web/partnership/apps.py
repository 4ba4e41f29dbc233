from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "svduty.web.partnership"
    label = "partnership"
    default_auto_field = "django.db.models.BigAutoField"
