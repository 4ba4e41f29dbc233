from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("delivery/programmes/<int:programme_pk>/evaluations/new/", views.evaluation_new, name="new"),
    path("delivery/evaluations/", views.evaluation_list, name="list"),
    path("delivery/evaluations/<int:pk>/", views.evaluation_detail, name="detail"),
    path("delivery/evaluations/<int:pk>/evaluation.pdf", views.report_download, name="report_download"),
    path("delivery/evaluations/<int:pk>/practice-note/", views.note_new, name="note_new"),
    path("delivery/practice-notes/<int:pk>/", views.note_detail, name="note"),
    path("delivery/practice-notes/<int:pk>/edit/", views.note_edit, name="note_edit"),
    path("delivery/practice-notes/<int:pk>/publish/", views.note_publish, name="note_publish"),
    path("delivery/practice-notes/<int:pk>/withdraw/", views.note_withdraw, name="note_withdraw"),
    path("public/practice/", views.public_list, name="public_list"),
    path("public/practice/<int:pk>/", views.public_note, name="public_note"),
    path("public/practice.json", views.public_json, name="public_json"),
]
