"""Admin for the referrals set-up (service directory, teams, caseworker scopes, pathways). Cases are not in the admin:
their identities are for the owning agency's caseworkers only, and every read is logged by the case pages."""

from django.contrib import admin

from . import models


@admin.register(models.Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "service_type", "area", "status"]
    list_filter = ["status", "service_type"]
    search_fields = ["name", "organisation__name"]


@admin.register(models.Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]


@admin.register(models.CaseAccess)
class CaseAccessAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "scope"]
    list_filter = ["scope"]


@admin.register(models.Pathway)
class PathwayAdmin(admin.ModelAdmin):
    """The rules come from the definition file (``svduty referrals load-pathways``): read-only here."""

    list_display = ["name", "slug", "organisation", "comparison_rate"]
    readonly_fields = ["slug", "name", "definition", "loaded_at"]
    fields = [
        "slug",
        "name",
        "organisation",
        "comparison_label",
        "comparison_rate",
        "comparison_source",
        "definition",
        "loaded_at",
    ]
