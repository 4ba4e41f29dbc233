from django.urls import path

from . import views

app_name = "interventions"
urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.edit, name="new"),
    path("applications/<int:pk>/approaches/", views.application_approaches, name="application_approaches"),
    path("applications/<int:pk>/justify/", views.justify, name="justify"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/edit/", views.edit, name="edit"),
    path("<slug:slug>/history/", views.history, name="history"),
]
