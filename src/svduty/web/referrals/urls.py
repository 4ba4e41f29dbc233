from django.urls import path

from . import views, views_admin, views_referrals

app_name = "referrals"
urlpatterns = [
    path("", views.case_list, name="cases"),
    path("overdue/", views.overdue, name="overdue"),
    path("new/<slug:slug>/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/personal-details/", views.case_identity, name="case_identity"),
    path("cases/<int:pk>/consent/", views.case_consent, name="case_consent"),
    path("cases/<int:pk>/step/<slug:action>/", views.case_step, name="case_step"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", views.case_reopen, name="case_reopen"),
    path("cases/<int:pk>/release/", views.case_release, name="case_release"),
    path("deadlines/<int:pk>/done/", views.deadline_done, name="deadline_done"),
    path("cases/<int:pk>/refer/", views_referrals.refer, name="refer"),
    path("incoming/", views_referrals.incoming, name="incoming"),
    path("referral/<int:pk>/", views_referrals.referral_detail, name="referral"),
    path("referral/<int:pk>/respond/", views_referrals.referral_respond, name="referral_respond"),
    path("referral/<int:pk>/done/", views_referrals.referral_done, name="referral_done"),
    path("referral/<int:pk>/withdraw/", views_referrals.referral_revoke, name="referral_revoke"),
    path("services/", views_referrals.services, name="services"),
    path("pathways/", views_admin.pathways, name="pathways"),
    path("pathways/<slug:slug>/", views_admin.pathway_detail, name="pathway"),
    path("pathways/<slug:slug>/comparison/", views_admin.pathway_comparison, name="pathway_comparison"),
    path("access-log/", views_admin.access_log, name="access_log"),
    path("retention/", views_admin.retention, name="retention"),
]
