"""Who may do what with the risk index. Person-level scores and explanations are for named panel members only (the
risk panel role *and* an active seat on a panel); analysts, officers and the DPO see aggregates (counts by band, the
fairness table). The named owner of a version signs off its ALGO-CARE checklist, adopts its threshold and approves it;
the data protection officer signs off the DPIA. Used by the pages, the templates and the API alike."""

from __future__ import annotations

from svduty.web.core.options import Role
from svduty.web.core.permissions import role_of

from .options import VersionStatus

AGGREGATE_ROLES = (Role.ADMIN, Role.OFFICER, Role.ANALYST, Role.DPO)
GOVERNANCE_EDITORS = (Role.ADMIN, Role.OFFICER, Role.ANALYST)


def panel_seat(user):
    """The user's active panel membership, or None."""
    if role_of(user) != Role.RISK_PANEL:
        return None
    cached = getattr(user, "_risk_seat", False)
    if cached is False:
        from .models import PanelMember

        cached = (
            PanelMember.objects.filter(user=user, active=True, panel__active=True)
            .select_related("panel", "organisation")
            .first()
        )
        user._risk_seat = cached
    return cached


def can_view_person_scores(user) -> bool:
    """The panel list, a person's score and its explanation: named panel members only (each view logged)."""
    return panel_seat(user) is not None


def can_view_score(user, score) -> bool:
    return can_view_person_scores(user)


def can_view_aggregates(user) -> bool:
    """Versions, governance records, counts by band, fairness: staff, analysts, the DPO and seated panel members."""
    return role_of(user) in AGGREGATE_ROLES or panel_seat(user) is not None


def can_view_versions(user) -> bool:
    return can_view_aggregates(user)


def can_create_version(user) -> bool:
    return role_of(user) in GOVERNANCE_EDITORS


def can_edit_governance(user, version) -> bool:
    """ALGO-CARE answers and the ATRS record: staff and analysts, while the checklist is not signed off."""
    return role_of(user) in GOVERNANCE_EDITORS and version.status != VersionStatus.RETIRED


def can_edit_algocare(user, version) -> bool:
    return can_edit_governance(user, version) and version.checklist_signed_at is None


def can_sign_checklist(user, version) -> bool:
    return user.is_authenticated and version.owner_id == user.pk and version.checklist_signed_at is None


def can_edit_dpia(user, version) -> bool:
    dpia = getattr(version, "dpia", None)
    return role_of(user) in (Role.ADMIN, Role.OFFICER, Role.DPO) and not (dpia and dpia.signed_off_at)


def can_sign_dpia(user, version) -> bool:
    dpia = getattr(version, "dpia", None)
    return role_of(user) == Role.DPO and dpia is not None and dpia.signed_off_at is None


def can_import_run(user) -> bool:
    return role_of(user) in (Role.ADMIN, Role.ANALYST)


def can_adopt_threshold(user, version) -> bool:
    """The named owner, for a draft version (the adopted threshold is part of what gets approved)."""
    return user.is_authenticated and version.owner_id == user.pk and version.status == VersionStatus.DRAFT


def can_approve_version(user, version) -> bool:
    return can_adopt_threshold(user, version)


def can_record_decision(user, score) -> bool:
    return can_view_person_scores(user)


def can_record_challenge(user, score) -> bool:
    return can_view_person_scores(user)


def can_resolve_challenge(user, challenge) -> bool:
    from .options import ChallengeStatus

    return can_view_person_scores(user) and challenge.status == ChallengeStatus.OPEN


def can_view_access_log(user) -> bool:
    return role_of(user) in (Role.DPO, Role.ADMIN)
