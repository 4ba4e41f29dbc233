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

        from django.db.models.signals import post_delete, post_save

        from .context import forget_partnership

        for signal in (post_save, post_delete):
            signal.connect(forget_partnership, sender="partnership.Partnership", dispatch_uid=f"svduty-p-{signal}")
