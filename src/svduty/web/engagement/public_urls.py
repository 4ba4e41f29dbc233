"""Published consultation summaries ("we asked, you said, we did") for anyone, under /public/consultations/."""

from django.urls import path

from . import views

app_name = "engagement_public"
urlpatterns = [
    path("", views.public_list, name="consultations"),
    path("<int:pk>/", views.public_detail, name="consultation"),
]
