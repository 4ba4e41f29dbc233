from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "svduty.web.evaluation"
    label = "evaluation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Evaluations and practice notes"
