"""Access rules for rounds, EOIs, assessment and awards. Each is one function, tested directly in
tests/web/test_permissions.py and exercised URL by URL in tests/web/test_permission_matrix.py."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from svduty.web.core.options import Role
from svduty.web.core.permissions import is_staff_role, organisation_of, role_of

from .options import IN_REVIEW, ApplicationStatus


def can_manage_rounds(user) -> bool:
    return is_staff_role(user)


def can_list_rounds(user) -> bool:
    return role_of(user) in (Role.ADMIN, Role.OFFICER, Role.ASSESSOR, Role.CHIEF_EXECUTIVE, Role.PCC, Role.PROVIDER)


def can_apply(user, round_, today=None) -> bool:
    """Providers apply while the round is open; a closed round refuses new EOIs."""
    return role_of(user) == Role.PROVIDER and organisation_of(user) is not None and round_.is_open(today)


def is_own_application(user, application) -> bool:
    org = organisation_of(user)
    return role_of(user) == Role.PROVIDER and org is not None and application.organisation_id == org.pk


def can_edit_application(user, application, today=None) -> bool:
    """The provider edits a draft of its own organisation while the round is open, and its answers when staff have
    asked for more information (even after the round has closed: they asked)."""
    if not is_own_application(user, application):
        return False
    if application.status == ApplicationStatus.MORE_INFO:
        return True
    return application.status == ApplicationStatus.DRAFT and application.round.is_open(today or timezone.localdate())


def can_submit_application(user, application, today=None) -> bool:
    return (
        is_own_application(user, application)
        and application.status == ApplicationStatus.DRAFT
        and application.round.is_open(today or timezone.localdate())
    )


def can_delete_draft(user, application) -> bool:
    """A provider may throw away its own draft (never a submitted EOI: that is withdrawn, and kept)."""
    return is_own_application(user, application) and application.status == ApplicationStatus.DRAFT


def can_withdraw(user, application) -> bool:
    """A provider may withdraw its own EOI while it is still being decided."""
    return is_own_application(user, application) and application.status in IN_REVIEW


def can_resubmit(user, application) -> bool:
    return is_own_application(user, application) and application.status == ApplicationStatus.MORE_INFO


def can_view_messages(user, application) -> bool:
    """The thread is between the applicant and the partnership's staff; assessors see the EOI, not the thread."""
    role = role_of(user)
    if role == Role.PROVIDER:
        return is_own_application(user, application) and application.status != ApplicationStatus.DRAFT
    return role in (Role.ADMIN, Role.OFFICER) and application.status != ApplicationStatus.DRAFT


def can_send_message(user, application) -> bool:
    return can_view_messages(user, application) and application.status != ApplicationStatus.WITHDRAWN


def can_determine(user, application) -> bool:
    """Officers make determinations (more information, dismissed) while an EOI is in review."""
    return is_staff_role(user) and application.status in IN_REVIEW


def is_panel_member(user, application) -> bool:
    panel = getattr(application.round, "panel", None)
    return role_of(user) == Role.ASSESSOR and panel is not None and panel.members.filter(pk=user.pk).exists()


def declaration_of(user, application):
    return application.declarations.filter(assessor=user).first() if user.is_authenticated else None


def can_declare(user, application) -> bool:
    """A panel assessor declares interests once per submitted EOI, before seeing it."""
    return (
        is_panel_member(user, application)
        and application.status != ApplicationStatus.DRAFT
        and declaration_of(user, application) is None
    )


def can_score(user, application) -> bool:
    """Only a panel assessor who declared no conflict may see and score a submitted EOI."""
    if not is_panel_member(user, application) or application.status not in IN_REVIEW:
        return False
    declaration = declaration_of(user, application)
    return declaration is not None and not declaration.has_conflict


def scores_locked(application) -> bool:
    """Once the officer has moderated an EOI its ranking rests on the moderated score: the assessors' scores are
    then fixed, so nobody can change a score the moderation was based on without anyone knowing. The officer may
    re-open moderation (recorded, with a reason); the next moderation locks them again."""
    moderation = application.moderations.order_by("-moderated_at", "-id").first()
    if moderation is None:
        return False
    reopening = application.reopenings.order_by("-reopened_at", "-id").first()
    return reopening is None or reopening.reopened_at < moderation.moderated_at


def can_reopen_moderation(user, application) -> bool:
    return is_staff_role(user) and application.status in IN_REVIEW and scores_locked(application)


def can_change_score(user, application) -> bool:
    return can_score(user, application) and not scores_locked(application)


def can_view_application(user, application) -> bool:
    role = role_of(user)
    if role in (Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC):
        # Drafts belong to the provider until submitted; the administrator sees everything.
        return application.status != ApplicationStatus.DRAFT or role == Role.ADMIN
    if role == Role.PROVIDER:
        return is_own_application(user, application)
    if role == Role.ASSESSOR:
        declaration = declaration_of(user, application)
        return is_panel_member(user, application) and declaration is not None and not declaration.has_conflict
    return False


def can_upload_document(user, application) -> bool:
    return can_edit_application(user, application)


def can_download_document(user, document) -> bool:
    return can_view_application(user, document.application)


def can_view_assessment(user, round_) -> bool:
    return role_of(user) in (Role.ADMIN, Role.OFFICER)


def can_moderate(user, application) -> bool:
    return is_staff_role(user) and application.status in (*IN_REVIEW, ApplicationStatus.AWARDED)


def can_view_reviews(user, application) -> bool:
    """Every assessor's scores, comments and recommendation: for the officers who moderate and decide."""
    return role_of(user) in (Role.ADMIN, Role.OFFICER) and application.status != ApplicationStatus.DRAFT


def decision_blockers(application, today=None) -> dict[str, str]:
    """What stands in the way of awarding or declining now: ``{"open": why}`` can be overridden by a recorded
    reason; ``{"reviews": why}`` cannot (issue 17 defect 5)."""
    blockers = {}
    round_ = application.round
    today = today or timezone.localdate()
    if today <= round_.closes_on:
        blockers["open"] = _(
            "The round is still open (it closes on %(date)s). Record why the decision cannot wait for it to close."
        ) % {"date": f"{round_.closes_on:%-d %B %Y}"}
    done = application.reviews.count()
    if done < round_.reviews_required:
        blockers["reviews"] = _(
            "%(done)s of the %(needed)s reviews this round needs have been made: wait for the assessors."
        ) % {"done": done, "needed": round_.reviews_required}
    return blockers


def can_award(user, application) -> bool:
    from svduty.web.interventions.permissions import needs_justification

    return (
        is_staff_role(user)
        and application.status == ApplicationStatus.SUBMITTED
        and not type(application).objects.filter(pk=application.pk, award__isnull=False).exists()
        and not needs_justification(application)  # a harmful-rated approach needs a written justification first
    )


def can_assess(user) -> bool:
    return role_of(user) == Role.ASSESSOR


def can_view_awards(user) -> bool:
    return role_of(user) in (Role.ADMIN, Role.OFFICER, Role.CHIEF_EXECUTIVE, Role.PCC)


def can_record_agreement(user, award) -> bool:
    """A grant agreement is signed only after the PCC has approved the award."""
    record = award.decision_record
    return is_staff_role(user) and record is not None and record.decision == "approved"
