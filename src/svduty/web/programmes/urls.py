from django.urls import path

from . import board_views, views

app_name = "programmes"
urlpatterns = [
    path("programmes/", views.programme_list, name="list"),
    path("awards/<int:award_pk>/programme/", views.programme_new, name="new"),
    path("programmes/<int:pk>/", views.programme_detail, name="detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="edit"),
    path("programmes/<int:pk>/plan/", views.programme_plan, name="plan"),
    path("returns/", views.return_queue, name="returns"),
    path("returns/<int:pk>/", views.return_detail, name="return"),
    path("returns/<int:pk>/edit/", views.return_edit, name="return_edit"),
    path("returns/<int:pk>/submit/", views.return_submit, name="return_submit"),
    path("returns/<int:pk>/review/", views.return_review, name="return_review"),
    path("dashboard/", board_views.dashboard, name="dashboard"),
    path("dashboard.csv", board_views.dashboard_csv, name="dashboard_csv"),
    path("dashboard.xlsx", board_views.dashboard_xlsx, name="dashboard_xlsx"),
    path("dashboard.pdf", board_views.dashboard_pdf, name="dashboard_pdf"),
]
