from django.urls import path

from . import views

app_name = "partnership"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
]
