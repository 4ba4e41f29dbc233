from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "svduty.web.referrals"
    label = "referrals"
    verbose_name = "Referrals and case management"
