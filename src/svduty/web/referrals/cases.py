"""Everything that changes a case, in one place: open (rules → track, deadlines, follow-ups), consent, the
workflow new → assessment → plan → services → closed (reopenable), deadlines, referrals and their replies.

Each function checks the permission on a row re-read under ``select_for_update`` and appends a ``CaseEvent``, so two
requests in flight cannot both take a step. Refusals raise ``CaseRefused`` with a sentence for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from svduty.analysis import AnalysisError
from svduty.analysis.referrals import rules
from svduty.analysis.referrals.reoffending import add_months
from svduty.web.core.permissions import organisation_of
from svduty.web.partnership.models import Organisation

from . import permissions as perms
from .identity import default_namespace, person_pseudonym
from .models import Case, CaseEvent, Consent, Deadline, FollowUp, Pathway, Referral
from .options import CaseState, ConsentKind, ConsentStatus, ReferralState


class CaseRefused(Exception):
    """The step is not allowed now; the message says why."""


WORKFLOW = {
    # action: (from states, to state, label)
    "start_assessment": ((CaseState.NEW,), CaseState.ASSESSMENT, "Start the assessment"),
    "agree_plan": ((CaseState.ASSESSMENT,), CaseState.PLAN, "Agree the plan"),
    "start_services": ((CaseState.PLAN,), CaseState.SERVICES, "Start services"),
    "close": ((CaseState.NEW, CaseState.ASSESSMENT, CaseState.PLAN, CaseState.SERVICES), CaseState.CLOSED, "Close"),
    "reopen": ((CaseState.CLOSED,), CaseState.ASSESSMENT, "Reopen"),
}


def next_steps(case) -> list[tuple[str, str]]:
    """The forward workflow actions from the case's state (closing and reopening have their own forms)."""
    return [
        (a, label) for a, (src, _t, label) in WORKFLOW.items() if case.state in src and a not in ("close", "reopen")
    ]


@dataclass
class NewCase:
    pathway: Pathway
    date_of_birth: date
    incident_date: date
    source_ref: str
    consent: str
    person_namespace: str = ""
    given_name: str = ""
    family_name: str = ""
    contact: str = ""
    attended_at: datetime | None = None
    arrest_notified_at: datetime | None = None
    released_at: datetime | None = None
    lawful_basis: str = ""
    consent_reason: str = ""
    is_synthetic: bool = False


def agency_for(pathway: Pathway, track, creator_org: Organisation | None) -> Organisation:
    """The owning agency: the track's agency type, else the pathway's organisation, else the creator's own."""
    kind = track.agency_kind or pathway.spec.owning_agency_kind
    if creator_org is not None and creator_org.kind == kind:
        return creator_org
    if track.agency_kind is None and pathway.organisation is not None:
        return pathway.organisation
    found = Organisation.objects.filter(kind=kind).order_by("pk").first()
    if found is None:
        raise CaseRefused(f"no organisation of type {kind!r} works the {track.name} track: add one to the partnership")
    return found


def _check_consent(status: str, lawful_basis: str, reason: str) -> None:
    if status not in ConsentStatus.values:
        raise CaseRefused(f"consent must be one of {', '.join(ConsentStatus.values)}, not {status!r}")
    if status == ConsentStatus.OVERRIDDEN and not (lawful_basis and reason.strip()):
        raise CaseRefused("an override of consent needs a lawful basis and a reason")


def open_case(user, new: NewCase) -> Case:
    """Create the case: the rules pick the track and deadlines; a case owned by another agency than the creator's is
    a disclosure, so it needs consent to share given or overridden."""
    if not perms.can_create_case(user, new.pathway):
        raise CaseRefused(f"only caseworkers of the agencies on {new.pathway.name} can open its cases")
    if not new.source_ref.strip():
        raise CaseRefused("the source identifier (e.g. the police person number or NHS number) is required")
    _check_consent(new.consent, new.lawful_basis, new.consent_reason)
    spec = new.pathway.spec
    events = {
        "incident_at": timezone.make_aware(datetime.combine(new.incident_date, datetime.min.time())),
        "attended_at": new.attended_at,
        "arrest_notified_at": new.arrest_notified_at,
        "released_at": new.released_at,
        "opened_at": timezone.now(),
    }
    try:
        decision = rules.evaluate(spec, new.date_of_birth, new.incident_date, events)
    except AnalysisError as exc:
        raise CaseRefused(str(exc)) from exc
    creator_org = organisation_of(user)
    agency = agency_for(new.pathway, decision.track, creator_org)
    if agency != creator_org and new.consent not in perms.SHARING_ALLOWED:
        raise CaseRefused(
            f"the {decision.track.name} track is worked by {agency}: without consent to share, or an override with a "
            "lawful basis, the case cannot be sent to them"
        )
    namespace = new.person_namespace.strip() or default_namespace()
    team = perms.team_of(user) if agency == creator_org else None
    with transaction.atomic():
        case = Case.objects.create(
            pathway=new.pathway,
            track=decision.track.slug,
            age_at_incident=decision.age,
            agency=agency,
            team=team if team is not None and team.organisation_id == agency.pk else None,
            created_by=user,
            assigned_to=user if agency == creator_org else None,
            pseudonym=person_pseudonym(namespace, new.source_ref),
            person_namespace=namespace,
            source_ref=new.source_ref.strip(),
            given_name=new.given_name,
            family_name=new.family_name,
            date_of_birth=new.date_of_birth,
            contact=new.contact,
            incident_date=new.incident_date,
            attended_at=new.attended_at,
            arrest_notified_at=new.arrest_notified_at,
            released_at=new.released_at,
            opened_at=events["opened_at"],
            is_synthetic=new.is_synthetic,
        )
        for kind in ConsentKind.values:
            Consent.objects.create(
                case=case,
                kind=kind,
                status=new.consent,
                lawful_basis=new.lawful_basis if new.consent == ConsentStatus.OVERRIDDEN else "",
                reason=new.consent_reason,
                recorded_by=user,
                recorded_at=case.opened_at,
            )
        for d in decision.deadlines:
            Deadline.objects.create(case=case, step=d.step, name=d.name, due=d.due)
        for months in spec.follow_up_months:
            FollowUp.objects.create(case=case, months=months, due_on=add_months(case.opened_at.date(), months))
        note = f"{decision.track.name}, age {decision.age} at the incident; owned by {agency}"
        CaseEvent.objects.create(case=case, action="open", to_state=case.state, user=user, at=case.opened_at, note=note)
    return case


def _locked(case) -> Case:
    return Case.objects.select_for_update().select_related("pathway").get(pk=case.pk)


def _refresh(case, fresh) -> Case:
    for field in case._meta.concrete_fields:
        setattr(case, field.attname, getattr(fresh, field.attname))
    return case


def transition(user, case, action: str, *, note: str = "", outcome: str = "") -> Case:
    source, target, label = WORKFLOW[action]
    with transaction.atomic():
        fresh = _locked(case)
        if fresh.state not in source:
            raise CaseRefused(f"{label} is not possible: the case is {fresh.get_state_display().lower()}")
        allowed = perms.can_reopen_case if action == "reopen" else perms.can_edit_case
        if not allowed(user, fresh):
            raise CaseRefused(f"{label}: only a caseworker of {fresh.agency} can do this")
        if action == "close":
            if not outcome:
                raise CaseRefused("closing a case needs its outcome")
            fresh.close_outcome, fresh.close_note, fresh.closed_at = outcome, note, timezone.now()
        if action == "reopen":
            fresh.close_outcome, fresh.close_note, fresh.closed_at = "", "", None
        previous = fresh.state
        fresh.state = target
        fresh.save()
        CaseEvent.objects.create(case=fresh, action=action, from_state=previous, to_state=target, user=user, note=note)
    return _refresh(case, fresh)


def take_case(user, case) -> Case:
    """Primero's Assign: a caseworker of the owning agency takes an unallocated case (e.g. one custody sent)."""
    with transaction.atomic():
        fresh = _locked(case)
        if not perms.can_edit_case(user, fresh) or fresh.assigned_to_id is not None:
            raise CaseRefused("only an unallocated case can be taken, by a caseworker of its agency")
        fresh.assigned_to = user
        team = perms.team_of(user)
        if team is not None and team.organisation_id == fresh.agency_id:
            fresh.team = team
        fresh.save(update_fields=["assigned_to", "team"])
        CaseEvent.objects.create(case=fresh, action="assign", user=user, note=f"assigned to {user.get_username()}")
    return _refresh(case, fresh)


def record_consent(user, case, kind: str, status: str, *, lawful_basis: str = "", reason: str = "") -> Consent:
    _check_consent(status, lawful_basis, reason)
    with transaction.atomic():
        fresh = _locked(case)
        if not perms.can_record_consent(user, fresh):
            raise CaseRefused(f"only a caseworker of {fresh.agency} can record consent on this case")
        consent = Consent.objects.create(
            case=fresh,
            kind=kind,
            status=status,
            lawful_basis=lawful_basis if status == ConsentStatus.OVERRIDDEN else "",
            reason=reason,
            recorded_by=user,
        )
        CaseEvent.objects.create(
            case=fresh, action="consent", user=user, note=f"{ConsentKind(kind).label}: {ConsentStatus(status).label}"
        )
    return consent


def record_release(user, case, released_at: datetime) -> Case:
    """The release time is known: the steps counted from it (the 48-hour home visit) get their deadlines."""
    with transaction.atomic():
        fresh = _locked(case)
        if not perms.can_edit_case(user, fresh):
            raise CaseRefused(f"only a caseworker of {fresh.agency} can record the release")
        fresh.released_at = released_at
        fresh.save(update_fields=["released_at"])
        sync_deadlines(fresh)
        CaseEvent.objects.create(
            case=fresh, action="release", user=user, note=f"released at {released_at:%d/%m/%Y %H:%M}"
        )
    return _refresh(case, fresh)


def sync_deadlines(case) -> None:
    """Create or move the deadlines of steps not done yet from the case's current event times."""
    events = case.events()
    for step in case.track_spec.steps:
        due = rules.step_due(step, events)
        if due is None:
            continue
        row, created = Deadline.objects.get_or_create(
            case=case, step=step.slug, defaults={"name": step.name, "due": due}
        )
        if not created and row.done_at is None and row.due != due:
            row.due = due
            row.save(update_fields=["due"])


def complete_deadline(user, deadline, *, outcome: str = "", note: str = "", done_at: datetime | None = None):
    with transaction.atomic():
        fresh_case = _locked(deadline.case)
        if not perms.can_edit_case(user, fresh_case):
            raise CaseRefused(f"only a caseworker of {fresh_case.agency} can record this step")
        row = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if row.done_at is not None:
            raise CaseRefused(f"{row.name} is already recorded as done")
        step = fresh_case.track_spec.steps[[s.slug for s in fresh_case.track_spec.steps].index(row.step)]
        if step.outcomes and outcome not in step.outcomes:
            raise CaseRefused(f"{row.name} needs one of: {', '.join(step.outcomes)}")
        row.done_at, row.done_by, row.outcome, row.note = done_at or timezone.now(), user, outcome, note
        row.save()
        CaseEvent.objects.create(case=fresh_case, action=f"step:{row.step}", user=user, note=outcome or note)
    return row


def send_referral(user, case, service, *, note: str = "") -> Referral:
    """Refer to another organisation's service: the consent gate is checked on the locked case."""
    with transaction.atomic():
        fresh = _locked(case)
        if not perms.can_edit_case(user, fresh):
            raise CaseRefused(f"only a caseworker of {fresh.agency} can refer this case")
        if not perms.consent_allows_sharing(fresh):
            raise CaseRefused("no referral can be sent without consent to share given or overridden with a reason")
        if service.status != "active":
            raise CaseRefused(f"{service.name} is not taking referrals ({service.get_status_display().lower()})")
        if service.service_type not in fresh.pathway.spec.service_types:
            raise CaseRefused(f"{fresh.pathway.name} does not refer to {service.service_type} services")
        now = timezone.now()
        referral = Referral.objects.create(
            case=fresh,
            service=service,
            note=note,
            sent_by=user,
            sent_at=now,
            respond_by=now + timedelta(days=fresh.pathway.spec.referral_response_days),
        )
        CaseEvent.objects.create(case=fresh, action="refer", user=user, note=f"referred to {service}")
    return referral


def _locked_referral(referral) -> Referral:
    return Referral.objects.select_for_update().select_related("service", "case").get(pk=referral.pk)


def respond_referral(user, referral, *, accept: bool, reason: str = "") -> Referral:
    with transaction.atomic():
        fresh = _locked_referral(referral)
        if not perms.can_respond_referral(user, fresh):
            raise CaseRefused("only the receiving service can accept or reject a referral that is waiting")
        if not accept and not reason.strip():
            raise CaseRefused("a rejection needs a reason")
        fresh.state = ReferralState.ACCEPTED if accept else ReferralState.REJECTED
        fresh.reject_reason = "" if accept else reason
        fresh.responded_by, fresh.responded_at = user, timezone.now()
        fresh.save()
        action = "referral accepted" if accept else "referral rejected"
        CaseEvent.objects.create(case=fresh.case, action=action, user=user, note=f"{fresh.service}: {reason}".strip())
    return fresh


def complete_referral(user, referral, *, successful: bool, reason: str = "", note: str = "") -> Referral:
    with transaction.atomic():
        fresh = _locked_referral(referral)
        if not perms.can_complete_referral(user, fresh):
            raise CaseRefused("only the receiving service can record an accepted referral as done")
        if not successful and not reason:
            raise CaseRefused("a referral that did not succeed needs a reason")
        fresh.state, fresh.done_at = ReferralState.DONE, timezone.now()
        fresh.successful, fresh.done_reason, fresh.done_note = successful, reason, note
        fresh.save()
        outcome = "successful" if successful else f"not successful ({fresh.get_done_reason_display()})"
        CaseEvent.objects.create(case=fresh.case, action="referral done", user=user, note=f"{fresh.service}: {outcome}")
    return fresh


def revoke_referral(user, referral, *, reason: str = "") -> Referral:
    with transaction.atomic():
        fresh = _locked_referral(referral)
        if not perms.can_revoke_referral(user, fresh):
            raise CaseRefused("only the sending agency can withdraw a referral that is waiting or accepted")
        fresh.state = ReferralState.REVOKED
        fresh.save(update_fields=["state"])
        CaseEvent.objects.create(
            case=fresh.case, action="referral withdrawn", user=user, note=f"{fresh.service}: {reason}"
        )
    return fresh


def due_items(cases, now=None) -> list[dict]:
    """Open deadlines and unanswered referrals of ``cases``, soonest first, each marked due or overdue."""
    now = now or timezone.now()
    items = []
    for row in Deadline.objects.filter(case__in=cases, done_at__isnull=True).select_related("case__pathway"):
        items.append({"case": row.case, "what": row.name, "due": row.due, "status": row.status(now)})
    pending = Referral.objects.filter(case__in=cases, state=ReferralState.PENDING).select_related("case", "service")
    for ref in pending:
        status = "overdue" if ref.is_overdue(now) else "due"
        items.append(
            {"case": ref.case, "what": f"Reply from {ref.service.name}", "due": ref.respond_by, "status": status}
        )
    return sorted(items, key=lambda i: i["due"])
