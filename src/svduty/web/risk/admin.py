"""Admin: panels and their members (by organisation and agency). Scores, components and the access log are not in
the admin: person-level scores are for named panel members on the panel pages, where every view is logged."""

from django.contrib import admin

from . import models


class PanelMemberInline(admin.TabularInline):
    model = models.PanelMember
    extra = 0


@admin.register(models.Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "active"]
    inlines = [PanelMemberInline]
