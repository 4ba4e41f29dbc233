from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "svduty.web.risk"
    label = "risk"
    verbose_name = "Risk index with governance"
