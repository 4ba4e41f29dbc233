from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "svduty.web.api"
    label = "api"
    verbose_name = "JSON API"
