from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "svduty.web.programmes"
    label = "programmes"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Programmes and monitoring returns"
