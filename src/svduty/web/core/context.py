"""Context for every page: the partnership's name (never the GOV.UK brand), the DEMO DATA flag, the user's role and
the navigation that role may use."""

from __future__ import annotations

import time
from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .options import PUBLIC, Role
from .permissions import role_of

NAV = [
    (_("Dashboard"), "core:home", None),
    (
        _("Partnership"),
        "partnership:overview",
        {Role.ADMIN, Role.OFFICER, Role.ASSESSOR, Role.CHIEF_EXECUTIVE, Role.PCC},
    ),
    (_("Funding"), "funding:streams", {Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC}),
    (_("Rounds"), "commissioning:rounds", {Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC, Role.PROVIDER}),
    (_("Awards"), "commissioning:awards", {Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC}),
    (_("My applications"), "commissioning:my_applications", {Role.PROVIDER}),
    (_("Assessments"), "commissioning:assessor_queue", {Role.ASSESSOR}),
    (_("Decision records"), "decisions:list", {Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC}),
    # delivery (issue 18)
    (_("Programmes"), "programmes:list", {Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC, Role.PROVIDER}),
    (_("Returns"), "programmes:returns", {Role.ADMIN, Role.OFFICER, Role.PROVIDER}),
    (_("Board dashboard"), "programmes:dashboard", {Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC}),
    (_("Evidence"), "interventions:library", None),
    (_("Cases"), "referrals:cases", {Role.CASEWORKER, Role.TEAM_MANAGER, Role.ADMIN}),
    (_("Pathways"), "referrals:pathways", {Role.ANALYST, Role.DPO, Role.OFFICER}),
    (_("Access log"), "referrals:access_log", {Role.DPO}),
    (_("Risk index"), "risk:index", {Role.ADMIN, Role.OFFICER, Role.ANALYST, Role.DPO}),  # risk (issue 13)
    (_("Risk panel"), "risk:panel", {Role.RISK_PANEL}),
    (_("Data sharing"), "agreements:list", {Role.ADMIN, Role.OFFICER, Role.ASSESSOR, Role.CHIEF_EXECUTIVE, Role.PCC}),
    # in-app administration, invitations (issue 17)
    (_("Manage"), "administration:home", {Role.ADMIN, Role.OFFICER}),
    (_("Colleagues"), "accounts:invitations", {Role.PROVIDER}),
    (_("Board"), "board:meetings", {Role.ADMIN, Role.OFFICER, Role.ASSESSOR, Role.CHIEF_EXECUTIVE, Role.PCC}),
    (
        _("Engagement"),
        "engagement:consultations",
        {Role.ADMIN, Role.OFFICER, Role.ASSESSOR, Role.CHIEF_EXECUTIVE, Role.PCC},
    ),
    (_("Public register"), "public:decisions", None),
]
NAV.insert(
    2, (_("Strategy"), "strategy:index", {Role.ADMIN, Role.OFFICER, Role.ASSESSOR, Role.CHIEF_EXECUTIVE, Role.PCC})
)


# The partnership row is read by every page (its name heads each one): kept per process for
# SVDUTY_PARTNERSHIP_CACHE_SECONDS (30; 0 in the tests, whose rollbacks send no signal), and dropped at once in this
# process when it is saved or deleted (core.apps connects the signals). Another worker sees a renamed partnership
# within those seconds.
_partnership: list = []  # [(fetched at, partnership or None)]


def current_partnership():
    from svduty.web.partnership.models import Partnership

    now = time.monotonic()
    if _partnership and now - _partnership[0][0] < settings.SVDUTY_PARTNERSHIP_CACHE_SECONDS:
        return _partnership[0][1]
    partnership = Partnership.objects.order_by("id").first()
    _partnership[:] = [(now, partnership)]
    return partnership


def forget_partnership(*args, **kwargs) -> None:
    _partnership.clear()


@lru_cache(maxsize=64)
def _nav_urls(role: str, urlconf: str | None, script_prefix: str) -> tuple[tuple[object, str], ...]:
    """The (label, URL) pairs the role's navigation shows; the URLs never change while the process runs."""
    out = []
    for label, name, roles in NAV:
        if roles is not None and role not in roles:
            continue
        if name == "core:home" and role == PUBLIC:
            continue
        out.append((label, reverse(name)))
    return tuple(out)


def site(request):
    partnership = current_partnership()
    # Error pages can be rendered before AuthenticationMiddleware has run (a bad Host header is refused earlier).
    role = role_of(getattr(request, "user", None))
    path = request.path
    nav = [
        {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
        for label, url in _nav_urls(role, get_urlconf(), get_script_prefix())
    ]
    return {
        "partnership": partnership,
        "service_name": settings.SVDUTY_PARTNERSHIP_NAME or (partnership.name if partnership else "svduty"),
        "is_demo": bool(partnership and partnership.is_demo),
        "role": role,
        "role_label": dict(Role.choices).get(role) or gettext("Public"),
        "nav": nav,
    }
