from django.urls import path

from . import views

app_name = "commissioning"
urlpatterns = [
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/questions/", views.round_questions, name="round_questions"),
    path("rounds/<int:pk>/panel/", views.round_panel, name="round_panel"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    path("rounds/<int:pk>/apply/", views.apply, name="apply"),
    path("rounds/<int:pk>/assessment/", views.round_assessment, name="round_assessment"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("awards/", views.awards, name="awards"),
    path("awards/<int:pk>/agreement/", views.award_agreement, name="award_agreement"),
    path("assess/", views.assessor_queue, name="assessor_queue"),
    path("applications/<int:pk>/declare/", views.declare, name="declare"),
    path("applications/<int:pk>/score/", views.score, name="score"),
    path("applications/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("applications/<int:pk>/award/", views.award, name="award"),
    path("applications/<int:pk>/decline/", views.decline, name="decline"),
]
