from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "svduty.web.core"
    label = "core"
    verbose_name = "svduty core"
