"""Context for every page: the partnership's name (never the GOV.UK brand), the DEMO DATA flag, the user's role and
the navigation that role may use."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
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


def site(request):
    from svduty.web.partnership.models import Partnership

    partnership = Partnership.objects.order_by("id").first()
    # Error pages can be rendered before AuthenticationMiddleware has run (a bad Host header is refused earlier).
    role = role_of(getattr(request, "user", None))
    path = request.path
    nav = []
    for label, name, roles in NAV:
        if roles is not None and role not in roles:
            continue
        if name == "core:home" and role == PUBLIC:
            continue
        url = reverse(name)
        nav.append({"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))})
    return {
        "partnership": partnership,
        "service_name": settings.SVDUTY_PARTNERSHIP_NAME or (partnership.name if partnership else "svduty"),
        "is_demo": bool(partnership and partnership.is_demo),
        "role": role,
        "role_label": dict(Role.choices).get(role) or gettext("Public"),
        "nav": nav,
    }
