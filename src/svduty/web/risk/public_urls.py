"""/public/risk/: the ATRS Tier 1 records of versions approved for use (and retired ones). Never a score."""

from django.urls import path

from . import views_public

app_name = "risk_public"
urlpatterns = [
    path("", views_public.records, name="records"),
    path("<int:number>/", views_public.record, name="record"),
]
