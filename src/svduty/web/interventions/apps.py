from django.apps import AppConfig


class InterventionsConfig(AppConfig):
    name = "svduty.web.interventions"
    label = "interventions"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Evidence library"
