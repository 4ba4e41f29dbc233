from django.urls import path

from . import applicant_views, review_views, views

app_name = "commissioning"
urlpatterns = [
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/questions/", views.round_questions, name="round_questions"),
    path("rounds/<int:pk>/panel/", views.round_panel, name="round_panel"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    path("rounds/<int:pk>/apply/", applicant_views.apply, name="apply"),
    path("rounds/<int:pk>/assessment/", review_views.round_assessment, name="round_assessment"),
    path("applications/", views.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/tasks/", applicant_views.application_tasks, name="application_tasks"),
    path("applications/<int:pk>/edit/", applicant_views.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/edit/<slug:section>/", applicant_views.application_edit, name="application_section"
    ),
    path("applications/<int:pk>/submit/", applicant_views.application_submit, name="application_submit"),
    path(
        "applications/<int:pk>/submitted/", applicant_views.application_confirmation, name="application_confirmation"
    ),
    path("applications/<int:pk>/delete/", applicant_views.application_delete, name="application_delete"),
    path("applications/<int:pk>/withdraw/", applicant_views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/resubmit/", applicant_views.application_resubmit, name="application_resubmit"),
    path("applications/<int:pk>/messages/", applicant_views.message_send, name="message_send"),
    path("documents/<int:pk>/", applicant_views.document_download, name="document_download"),
    path("documents/<int:pk>/delete/", applicant_views.document_delete, name="document_delete"),
    path("awards/", views.awards, name="awards"),
    path("awards/<int:pk>/agreement/", views.award_agreement, name="award_agreement"),
    path("assess/", review_views.assessor_queue, name="assessor_queue"),
    path("applications/<int:pk>/declare/", review_views.declare, name="declare"),
    path("applications/<int:pk>/score/", review_views.score, name="score"),
    path("applications/<int:pk>/reviews/", review_views.application_reviews, name="application_reviews"),
    path("applications/<int:pk>/moderate/", review_views.moderate, name="moderate"),
    path("applications/<int:pk>/moderate/reopen/", review_views.moderation_reopen, name="moderation_reopen"),
    path("applications/<int:pk>/request-information/", review_views.request_info, name="request_info"),
    path("applications/<int:pk>/award/", review_views.award, name="award"),
    path("applications/<int:pk>/decline/", review_views.decline, name="decline"),
]
