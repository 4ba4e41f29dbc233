from django.urls import path

from . import views

app_name = "funding"
urlpatterns = [
    path("", views.streams, name="streams"),
    path("<int:pk>/", views.stream, name="stream"),
    path("commitments/<int:pk>/spend/", views.spend, name="spend"),
]
