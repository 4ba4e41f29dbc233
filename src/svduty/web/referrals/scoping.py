"""Querysets of the cases a user may see, matching ``permissions.in_scope`` row for row."""

from __future__ import annotations

from django.db.models import Q

from svduty.web.core.permissions import organisation_of

from . import permissions as perms
from .models import Case, Referral
from .options import Scope


def visible_cases(user):
    if not perms.can_use_cases(user):
        return Case.objects.none()
    scope = perms.scope_of(user)
    qs = Case.objects.select_related("pathway", "agency", "assigned_to")
    if scope == Scope.PARTNERSHIP:
        return qs
    own = Q(created_by=user) | Q(assigned_to=user)
    organisation = organisation_of(user)
    if organisation is None or scope == Scope.SELF:
        return qs.filter(own)
    if scope == Scope.AGENCY:
        return qs.filter(own | Q(agency=organisation))
    team = perms.team_of(user)
    if team is None:
        return qs.filter(own | Q(agency=organisation))
    return qs.filter(own | Q(agency=organisation, team=team) | Q(agency=organisation, team__isnull=True))


def incoming_referrals(user):
    organisation = organisation_of(user)
    if not perms.is_caseworker(user) or organisation is None:
        return Referral.objects.none()
    return Referral.objects.filter(service__organisation=organisation).select_related("case__pathway", "service")
