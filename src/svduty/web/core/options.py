"""Roles. One role per user account; the public is the anonymous user.

The roles follow how a PCC-led partnership spends the Serious Violence Duty grant (DOMAIN.md "Commissioning and
accountability"): VRU/partnership officers run rounds and draft decisions, partner assessors score, the Chief Executive
(or nominee) gives officer approval, the PCC decides, providers apply.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    OFFICER = "officer", _("Partnership / VRU officer")
    ASSESSOR = "assessor", _("Assessor")
    CHIEF_EXECUTIVE = "chief_executive", _("Chief Executive (or nominee)")
    PCC = "pcc", _("Police and Crime Commissioner")
    PROVIDER = "provider", _("Provider")
    # referrals: case management (svduty.web.referrals; scopes self/team/agency/partnership in referrals.CaseAccess)
    CASEWORKER = "caseworker", _("Caseworker")
    TEAM_MANAGER = "team_manager", _("Team manager")
    ANALYST = "analyst", _("Partnership analyst")
    DPO = "dpo", _("Data protection officer")
    RISK_PANEL = (
        "risk_panel",
        _("Risk panel member"),
    )  # risk index (svduty.web.risk): person-level scores, named members


PUBLIC = "public"
ALL_ROLES = [*Role.values, PUBLIC]
