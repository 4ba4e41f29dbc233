"""Who may do what with cases (Primero's scopes: self / team / agency / partnership).

Caseworkers and team managers work cases of their own agency within their scope; only they, in the owning agency,
read a person's identity (each read logged). A receiving agency's caseworkers see the referrals sent to their
services, not the sender's case. Analysts see aggregates only; the data-protection officer reads the access log and
the retention listing. Used by the views, the templates and the API alike.
"""

from __future__ import annotations

from svduty.web.core.options import Role
from svduty.web.core.permissions import organisation_of, role_of

from .options import CaseState, ConsentKind, ConsentStatus, ReferralState, Scope

CASE_ROLES = (Role.CASEWORKER, Role.TEAM_MANAGER)
AGGREGATE_ROLES = (
    Role.ADMIN,
    Role.OFFICER,
    Role.CHIEF_EXECUTIVE,
    Role.PCC,
    Role.ANALYST,
    Role.TEAM_MANAGER,
    Role.CASEWORKER,
    Role.DPO,
)
SHARING_ALLOWED = (ConsentStatus.GIVEN, ConsentStatus.OVERRIDDEN)


def is_caseworker(user) -> bool:
    return role_of(user) in CASE_ROLES


def can_use_cases(user) -> bool:
    """The case lists: caseworkers and team managers (administrators see every case, without identities)."""
    return role_of(user) in (*CASE_ROLES, Role.ADMIN)


def scope_of(user) -> str:
    role = role_of(user)
    if role == Role.ADMIN:
        return Scope.PARTNERSHIP
    access = getattr(user, "case_access", None)
    if access is not None:
        return access.scope
    return Scope.TEAM if role == Role.TEAM_MANAGER else Scope.SELF


def team_of(user):
    access = getattr(user, "case_access", None)
    return access.team if access is not None else None


def in_scope(user, case) -> bool:
    if not can_use_cases(user):
        return False
    scope = scope_of(user)
    if scope == Scope.PARTNERSHIP:
        return True
    if case.created_by_id == user.pk or case.assigned_to_id == user.pk:
        return True
    organisation = organisation_of(user)
    if organisation is None or case.agency_id != organisation.pk:
        return False
    if scope == Scope.AGENCY:
        return True
    if scope == Scope.TEAM:
        team = team_of(user)  # the team's cases, and the agency's unallocated ones (its intake queue)
        return team is None or case.team_id in (None, team.pk)
    return False


def can_view_case(user, case) -> bool:
    return in_scope(user, case)


def can_view_identity(user, case) -> bool:
    """Name, date of birth, contact details: caseworkers of the owning agency only, while not erased."""
    organisation = organisation_of(user)
    return (
        is_caseworker(user)
        and organisation is not None
        and case.agency_id == organisation.pk
        and case.identity_erased_at is None
        and can_view_case(user, case)
    )


def identity_reason_required(user, case) -> bool:
    """The access policy asks why when the reader is neither the case's creator nor its caseworker."""
    return user.pk not in (case.created_by_id, case.assigned_to_id)


def can_create_case(user, pathway) -> bool:
    """Caseworkers of the pathway's own organisation, of a referring agency type, or of a track's agency type."""
    organisation = organisation_of(user)
    if not is_caseworker(user) or organisation is None:
        return False
    spec = pathway.spec
    if pathway.organisation_id == organisation.pk:
        return True
    return organisation.kind in {*spec.referring_agency_kinds, *(t.agency_kind for t in spec.tracks if t.agency_kind)}


def can_edit_case(user, case) -> bool:
    """Work the case: a caseworker of the owning agency in scope, while it is open."""
    organisation = organisation_of(user)
    return (
        is_caseworker(user)
        and organisation is not None
        and case.agency_id == organisation.pk
        and case.state != CaseState.CLOSED
        and can_view_case(user, case)
    )


def can_record_consent(user, case) -> bool:
    return can_edit_case(user, case)


def sharing_consent(case) -> str:
    consent = case.consent(ConsentKind.SHARE)
    return consent.status if consent is not None else ConsentStatus.NOT_ASKED


def consent_allows_sharing(case) -> bool:
    """No referral without consent to share given or overridden with a lawful basis."""
    return sharing_consent(case) in SHARING_ALLOWED


def can_refer(user, case) -> bool:
    return can_edit_case(user, case) and consent_allows_sharing(case)


def can_close_case(user, case) -> bool:
    return can_edit_case(user, case)


def can_reopen_case(user, case) -> bool:
    organisation = organisation_of(user)
    return (
        is_caseworker(user)
        and case.state == CaseState.CLOSED
        and case.identity_erased_at is None
        and organisation is not None
        and case.agency_id == organisation.pk
        and can_view_case(user, case)
    )


def is_receiver(user, referral) -> bool:
    organisation = organisation_of(user)
    return is_caseworker(user) and organisation is not None and referral.service.organisation_id == organisation.pk


def can_view_referral(user, referral) -> bool:
    return is_receiver(user, referral) or can_view_case(user, referral.case)


def can_respond_referral(user, referral) -> bool:
    return is_receiver(user, referral) and referral.state == ReferralState.PENDING


def can_complete_referral(user, referral) -> bool:
    return is_receiver(user, referral) and referral.state == ReferralState.ACCEPTED


def can_revoke_referral(user, referral) -> bool:
    """The sending agency withdraws a referral not yet answered or not yet done (Primero's revoke)."""
    return referral.state in (ReferralState.PENDING, ReferralState.ACCEPTED) and can_edit_case(user, referral.case)


def can_view_incoming(user) -> bool:
    return is_caseworker(user)


def can_view_overdue(user) -> bool:
    return role_of(user) in (Role.TEAM_MANAGER, Role.ADMIN)


def can_view_aggregates(user) -> bool:
    return role_of(user) in AGGREGATE_ROLES


def can_edit_comparison(user) -> bool:
    return role_of(user) in (Role.ADMIN, Role.OFFICER, Role.ANALYST)


def can_view_services(user) -> bool:
    return bool(user.is_authenticated)


def can_view_access_log(user) -> bool:
    return role_of(user) in (Role.DPO, Role.ADMIN)


def can_view_retention(user) -> bool:
    return role_of(user) in (Role.DPO, Role.ADMIN)
