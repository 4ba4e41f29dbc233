"""``/api/v1/referrals/``: open a case on a pathway (a custody suite's or ED's system posting a referral) and read
it back, with the same permission functions as the pages. Another agency's case answers 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from svduty.web.api.auth import STAFF_AUTH, api_user
from svduty.web.api.core import get_visible_or_404

from . import cases as ops
from . import permissions as perms
from .access import log_identity_read
from .loading import get_pathway
from .models import Case
from .options import AccessAction
from .scoping import visible_cases

API_PREFIX = "/referrals/"
router = Router(tags=["referrals"])


class ReferralIn(Schema):
    pathway: str = Field(..., description="Pathway slug: operation-deter or a-and-e-navigator")
    date_of_birth: date
    incident_date: date
    source_ref: str = Field(..., description="The person's identifier in the source system (pseudonymised)")
    consent: Literal["given", "refused", "overridden"]
    arrest_notified_at: datetime | None = Field(None, description="ISO 8601; Operation Deter")
    released_at: datetime | None = Field(None, description="ISO 8601, optional; starts the 48-hour visit")
    attended_at: datetime | None = Field(None, description="ISO 8601; A&E navigator: arrival at the ED")
    lawful_basis: str = Field("", description="With consent 'overridden': safeguarding, crime, vital_interests…")
    consent_reason: str = ""
    person_namespace: str = Field("", description="RMS person namespace (default the partnership's)")
    given_name: str = ""
    family_name: str = ""
    contact: str = ""


class DeadlineOut(Schema):
    step: str
    due: datetime


class PersonOut(Schema):
    given_name: str
    family_name: str
    date_of_birth: date | None
    contact: str
    source_ref: str


class CaseOut(Schema):
    id: int
    pathway: str
    track: str
    age_at_incident: int
    state: str
    agency: str
    pseudonym: str
    opened_at: datetime
    consent: str
    deadlines: list[DeadlineOut]
    person: PersonOut | None = None


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """A 422 is either our sentence (a rule refused the referral) or django-ninja's list of field errors."""

    detail: str | list[dict]


def _aware(value: datetime | None) -> datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)  # a local time without offset is the partnership's (Europe/London)


def _out(case, person=False) -> dict:
    return {
        "id": case.pk,
        "pathway": case.pathway.slug,
        "track": case.track,
        "age_at_incident": case.age_at_incident,
        "state": case.state,
        "agency": case.agency.name,
        "pseudonym": case.pseudonym,
        "opened_at": case.opened_at,
        "consent": perms.sharing_consent(case),
        "deadlines": [{"step": d.step, "due": d.due} for d in case.deadlines.order_by("due")],
        "person": {
            "given_name": case.given_name,
            "family_name": case.family_name,
            "date_of_birth": case.date_of_birth,
            "contact": case.contact,
            "source_ref": case.source_ref,
        }
        if person
        else None,
    }


@router.post(
    "",
    response={201: CaseOut, 403: ErrorOut, 422: ValidationErrorOut},
    auth=STAFF_AUTH,
    summary="Open a case on a pathway (the rules choose the track and deadlines)",
)
def create_referral(request, payload: ReferralIn):
    user = api_user(request)
    pathway = get_pathway(payload.pathway)
    if pathway is None:
        raise HttpError(422, f"unknown pathway {payload.pathway!r}")
    if not perms.can_create_case(user, pathway):
        raise HttpError(403, f"only caseworkers of the agencies on {pathway.name} can open its cases")
    new = ops.NewCase(
        pathway=pathway,
        date_of_birth=payload.date_of_birth,
        incident_date=payload.incident_date,
        source_ref=payload.source_ref,
        consent=payload.consent,
        person_namespace=payload.person_namespace,
        lawful_basis=payload.lawful_basis,
        consent_reason=payload.consent_reason,
        given_name=payload.given_name,
        family_name=payload.family_name,
        contact=payload.contact,
        attended_at=_aware(payload.attended_at),
        arrest_notified_at=_aware(payload.arrest_notified_at),
        released_at=_aware(payload.released_at),
    )
    try:
        case = ops.open_case(user, new)
    except ops.CaseRefused as exc:
        raise HttpError(422, str(exc)) from exc
    case = Case.objects.select_related("pathway", "agency").get(pk=case.pk)
    return 201, _out(case)


@router.get("", response=list[CaseOut], auth=STAFF_AUTH, summary="Cases you may see (no personal details)")
@paginate(PageNumberPagination)
def list_referrals(request):
    return [_out(c) for c in visible_cases(api_user(request)).prefetch_related("deadlines", "consents")]


@router.get(
    "{int:case_id}/",
    response={200: CaseOut},
    auth=STAFF_AUTH,
    summary="One case; personal details only for the owning agency's caseworkers (each read logged)",
)
def get_referral(request, case_id: int, reason: str = ""):
    user = api_user(request)
    case = get_visible_or_404(Case.objects.select_related("pathway", "agency"), perms.can_view_case, user, pk=case_id)
    person = perms.can_view_identity(user, case) and (bool(reason) or not perms.identity_reason_required(user, case))
    if person:
        request.user = user
        log_identity_read(request, case, action=AccessAction.VIEW_API, reason=reason)
    return _out(case, person)
