from django.urls import path

from . import views, views_panel, views_runs

app_name = "risk"
urlpatterns = [
    path("", views.index, name="index"),
    path("versions/<int:number>/", views.version_detail, name="version"),
    path("versions/<int:number>/new-version/", views.version_new, name="version_new"),
    path("versions/<int:number>/algo-care/", views.algocare, name="algocare"),
    path("versions/<int:number>/algo-care/sign-off/", views.algocare_sign, name="algocare_sign"),
    path("versions/<int:number>/algo-care/<slug:heading>/", views.algocare_edit, name="algocare_edit"),
    path("versions/<int:number>/dpia/", views.dpia, name="dpia"),
    path("versions/<int:number>/dpia/edit/", views.dpia_edit, name="dpia_edit"),
    path("versions/<int:number>/dpia/sign-off/", views.dpia_sign, name="dpia_sign"),
    path("versions/<int:number>/atrs/", views.atrs_record, name="atrs"),
    path("versions/<int:number>/atrs/edit/", views.atrs_edit, name="atrs_edit"),
    path("versions/<int:number>/atrs.csv", views.atrs_csv, name="atrs_csv"),
    path("versions/<int:number>/atrs.json", views.atrs_json, name="atrs_json"),
    path("versions/<int:number>/approve/", views.approve, name="approve"),
    path("versions/<int:number>/runs/upload/", views_runs.run_upload, name="run_upload"),
    path("versions/<int:number>/runs/score-workspace/", views_runs.run_workspace, name="run_workspace"),
    path("runs/<int:pk>/", views_runs.run_detail, name="run"),
    path("runs/<int:pk>/adopt/", views_runs.adopt, name="adopt"),
    path("panel/", views_panel.panel, name="panel"),
    path("panel/<int:pk>/", views_panel.case, name="case"),
    path("panel/<int:pk>/decision/", views_panel.decide, name="decide"),
    path("panel/<int:pk>/challenge/", views_panel.challenge, name="challenge"),
    path("challenges/<int:pk>/resolve/", views_panel.resolve, name="resolve"),
    path("access-log/", views_panel.access_log, name="access_log"),
]
