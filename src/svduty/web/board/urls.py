from django.urls import path

from . import views, views_packs

app_name = "board"
urlpatterns = [
    path("", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/history/", views.meeting_history, name="meeting_history"),
    path("meetings/<int:pk>/agenda/new/", views.agenda_new, name="agenda_new"),
    path("agenda/<int:pk>/edit/", views.agenda_edit, name="agenda_edit"),
    path("meetings/<int:pk>/papers/new/", views.paper_upload, name="paper_upload"),
    path("papers/<int:pk>/", views.paper_download, name="paper_download"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/decisions/new/", views.decision_new, name="decision_new"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path("meetings/<int:pk>/actions/new/", views.action_new, name="action_new"),
    path("meetings/<int:pk>/actions/carry/", views.carry_all, name="carry_all"),
    path("actions/", views.action_log, name="actions"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/carry/", views.action_carry, name="action_carry"),
    path("risks/", views_packs.risks, name="risks"),
    path("risks/new/", views_packs.risk_new, name="risk_new"),
    path("risks/<int:pk>/edit/", views_packs.risk_edit, name="risk_edit"),
    path("packs/", views_packs.packs, name="packs"),
    path("packs/new/", views_packs.pack_make, name="pack_make"),
    path("packs/<int:pk>/board-pack.pdf", views_packs.pack_download, name="pack_download"),
]
