from django.urls import path

from . import views, views_network

app_name = "engagement"
urlpatterns = [
    path("", views.consultations, name="consultations"),
    path("consultations/new/", views.consultation_new, name="consultation_new"),
    path("consultations/<int:pk>/", views.consultation, name="consultation"),
    path("consultations/<int:pk>/edit/", views.consultation_edit, name="consultation_edit"),
    path("consultations/<int:pk>/questions/new/", views.question_new, name="question_new"),
    path("consultations/<int:pk>/themes/new/", views.theme_new, name="theme_new"),
    path("consultations/<int:pk>/findings/new/", views.finding_new, name="finding_new"),
    path("consultations/<int:pk>/responses/", views.responses, name="responses"),
    path("consultations/<int:pk>/responses/new/", views.response_new, name="response_new"),
    path("consultations/<int:pk>/responses/import/", views.responses_import, name="responses_import"),
    path("consultations/<int:pk>/steps/<slug:name>/", views.transition, name="transition"),
    path("questions/<int:pk>/coding/", views.coding, name="coding"),
    path("findings/<int:pk>/cite/", views.finding_cite, name="finding_cite"),
    path("networks/", views_network.networks, name="networks"),
    path("networks/new/", views_network.network_new, name="network_new"),
    path("networks/<int:pk>/", views_network.network, name="network"),
    path("networks/<int:pk>/edit/", views_network.network_edit, name="network_edit"),
    path("networks/<int:pk>/members/new/", views_network.member_new, name="member_new"),
    path("networks/<int:pk>/activities/new/", views_network.activity_new, name="activity_new"),
]
