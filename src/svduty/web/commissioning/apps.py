from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "svduty.web.commissioning"
    label = "commissioning"
    default_auto_field = "django.db.models.BigAutoField"
