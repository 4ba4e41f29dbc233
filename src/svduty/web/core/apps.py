from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "svduty.web.core"
    label = "core"
    verbose_name = "svduty core"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .language import language_on_sign_in
        from .middleware import mark_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="svduty-mark-signed-in")
        user_logged_in.connect(language_on_sign_in, dispatch_uid="svduty-language-on-sign-in")
