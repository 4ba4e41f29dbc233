from django.urls import path

from . import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_new, name="new"),
    path("export.json", views.export, name="export"),
    path("ingests/", views.ingests, name="ingests"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/copies/", views.copy_upload, name="copy_upload"),
    path("copies/<int:pk>/", views.copy_download, name="copy_download"),
]
