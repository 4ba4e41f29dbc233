from django.urls import path

from . import views

app_name = "decisions"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("new/", views.record_new, name="new"),
    path("<str:reference>/", views.record_detail, name="detail"),
    path("<str:reference>/edit/", views.record_edit, name="edit"),
    path("<str:reference>/submit/", views.record_submit, name="submit"),
    path("<str:reference>/return/", views.record_return, name="return"),
    path("<str:reference>/approve/", views.record_approve, name="approve"),
    path("<str:reference>/decide/", views.record_decide, name="decide"),
    path("<str:reference>/publish/", views.record_publish, name="publish"),
    path("<str:reference>/pdf/", views.record_pdf, name="pdf"),
]
