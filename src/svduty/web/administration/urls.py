from django.urls import path

from . import list_views, views

app_name = "administration"
urlpatterns = [
    path("", views.home, name="home"),
    path("funding-streams/", views.streams, name="streams"),
    path("funding-streams/new/", views.stream_new, name="stream_new"),
    path("funding-streams/<int:pk>/", views.stream_edit, name="stream_edit"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/<int:pk>/", views.organisation_edit, name="organisation_edit"),
    path("partnership/", views.partnership, name="partnership"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("applications/", list_views.applications, name="applications"),
    path("applications/export.<str:fmt>", list_views.applications_export, name="applications_export"),
]
