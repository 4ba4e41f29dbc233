"""Roles. One role per user account; the public is the anonymous user.

The roles follow how a PCC-led partnership spends the Serious Violence Duty grant (DOMAIN.md "Commissioning and
accountability"): VRU/partnership officers run rounds and draft decisions, partner assessors score, the Chief Executive
(or nominee) gives officer approval, the PCC decides, providers apply.
"""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrator"
    OFFICER = "officer", "Partnership / VRU officer"
    ASSESSOR = "assessor", "Assessor"
    CHIEF_EXECUTIVE = "chief_executive", "Chief Executive (or nominee)"
    PCC = "pcc", "Police and Crime Commissioner"
    PROVIDER = "provider", "Provider"
    # referrals: case management (svduty.web.referrals; scopes self/team/agency/partnership in referrals.CaseAccess)
    CASEWORKER = "caseworker", "Caseworker"
    TEAM_MANAGER = "team_manager", "Team manager"
    ANALYST = "analyst", "Partnership analyst"
    DPO = "dpo", "Data protection officer"
    RISK_PANEL = "risk_panel", "Risk panel member"  # risk index (svduty.web.risk): person-level scores, named members


PUBLIC = "public"
ALL_ROLES = [*Role.values, PUBLIC]
