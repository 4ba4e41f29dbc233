"""URL map: one include per app; the public register lives under /public/."""

from django.contrib import admin
from django.urls import include, path

from svduty.web.api.core import api

admin.site.site_header = "svduty administration"
admin.site.site_title = "svduty admin"

urlpatterns = [
    path("", include("svduty.web.core.urls")),
    path("partnership/", include("svduty.web.partnership.urls")),
    path("funding/", include("svduty.web.funding.urls")),
    path("", include("svduty.web.commissioning.urls")),
    path("decisions/", include("svduty.web.decisions.urls")),
    path("public/", include("svduty.web.public.urls")),
    path("evidence/", include("svduty.web.interventions.urls")),
    path("delivery/", include("svduty.web.programmes.urls")),
    path("referrals/", include("svduty.web.referrals.urls")),
    path("api/v1/", api.urls),
    path("agreements/", include("svduty.web.agreements.urls")),
    path("", include("svduty.web.evaluation.urls")),
    path("notifications/", include("svduty.web.notifications.urls")),
    path("account/", include("svduty.web.accounts.urls")),
    path("manage/", include("svduty.web.administration.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "svduty.web.core.views.forbidden"
handler404 = "svduty.web.core.views.not_found"
handler400 = "svduty.web.core.views.bad_request"
handler500 = "svduty.web.core.views.server_error"
