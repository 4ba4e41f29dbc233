from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "svduty.web.funding"
    label = "funding"
    default_auto_field = "django.db.models.BigAutoField"
