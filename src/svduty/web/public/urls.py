from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<str:reference>/", views.decision, name="decision"),
    path("decisions/<str:reference>/pdf/", views.decision_pdf, name="decision_pdf"),
    path("grants/", views.grants, name="grants"),
    path("360giving.json", views.giving_json, name="360giving_json"),
    path("360giving.csv", views.giving_csv, name="360giving_csv"),
]
