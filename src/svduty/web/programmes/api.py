"""``/api/v1/programmes/``, ``/api/v1/indicators/``, ``/api/v1/returns/``: the same permission functions as the
pages. A provider sees only its own organisation's programmes and returns (another's answers 404)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from svduty.web.api.auth import STAFF_AUTH, api_user
from svduty.web.api.core import get_visible_or_404
from svduty.web.api.pagination import MAX_ID, PageNumbers

from . import permissions as perms
from .case_data import case_actuals
from .forms import ReturnForm
from .models import Indicator, MonitoringReturn, Programme
from .options import AGE_BANDS, ETHNIC_GROUPS, SEXES
from .returns import ReturnRefused, save_draft, submit

API_PREFIX = "/"
router = Router(tags=["delivery"])


class IndicatorOut(Schema):
    id: int
    programme_id: int
    name: str
    kind: str
    unit: str
    case_source: str = Field(
        ..., description="'' when the provider reports it; else the case-data metric its actual is counted from"
    )


class BudgetYear(Schema):
    financial_year: str
    amount_pence: int


class ProgrammeOut(Schema):
    id: int
    reference: str
    title: str
    organisation: str
    status: str
    report_due_days: int
    budget: list[BudgetYear]
    approaches: list[str]
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_organisation(obj):
        return obj.organisation.name

    @staticmethod
    def resolve_budget(obj):
        return [{"financial_year": y, "amount_pence": p} for y, p in obj.budget_by_year().items()]

    @staticmethod
    def resolve_approaches(obj):
        return [a.slug for a in obj.approaches.all()]

    @staticmethod
    def resolve_indicators(obj):
        return list(obj.indicators.all())


class ValueOut(Schema):
    indicator_id: int
    actual: int
    source: str = Field(..., description="'provider', or 'case_records' when counted from case data")

    @staticmethod
    def resolve_source(obj):
        """Open returns follow the plan; submitted ones the sources their latest version was counted with."""
        r = obj.monitoring_return
        if r.is_open_for_provider:
            source = obj.indicator.case_source
        else:
            source = _latest_case_sources(r).get(str(obj.indicator_id), "")
        return "case_records" if source else "provider"


def _latest_case_sources(monitoring_return) -> dict:
    """The case sources of the return's latest version, worked out once per return (not once per value)."""
    cached = getattr(monitoring_return, "_latest_case_sources", None)
    if cached is None:
        latest = max(monitoring_return.versions.all(), key=lambda v: v.number, default=None)
        cached = latest.data.get("case_sources", {}) if latest else {}
        monitoring_return._latest_case_sources = cached
    return cached


class ReachOut(Schema):
    dimension: str
    category: str
    count: int


class ReturnOut(Schema):
    id: int
    programme_id: int
    financial_year: str
    quarter: int
    due_on: date
    status: str
    total_reached: int | None
    spend_to_date_pence: int | None
    narrative: str
    risks: str
    case_studies: str
    submitted_at: datetime | None
    review_comment: str
    versions: int
    values: list[ValueOut]
    reach: list[ReachOut]

    @staticmethod
    def resolve_versions(obj):
        return len(obj.versions.all())

    @staticmethod
    def resolve_values(obj):
        return list(obj.values.all())

    @staticmethod
    def resolve_reach(obj):
        return list(obj.reach.all())


COUNT = 10_000_000  # no quarter reaches more people than this


class ValueIn(Schema):
    indicator_id: int = Field(..., ge=1, le=MAX_ID)
    actual: int | None = Field(None, ge=0, le=COUNT)


class ReachIn(Schema):
    dimension: str = Field(..., description="age_sex ('<age band>|<sex>'), ethnicity (ONS 2021 group) or area")
    category: str = Field(..., max_length=40)
    count: int = Field(..., ge=0, le=COUNT)


class ReturnIn(Schema):
    programme_id: int = Field(..., ge=1, le=MAX_ID)
    financial_year: str = Field(..., pattern=r"^\d{4}-\d{2}$", examples=["2024-25"])
    quarter: int = Field(..., ge=1, le=4)
    total_reached: int | None = Field(None, ge=0, le=COUNT)
    spend_to_date: str | None = Field(None, max_length=20, examples=["12345.67"])  # pounds and pence
    narrative: str = ""
    risks: str = ""
    case_studies: str = ""
    values: list[ValueIn] = []
    reach: list[ReachIn] = []
    submit: bool = False


class Problem(Schema):
    """A refusal or a validation error: a sentence, or django-ninja's list of field errors."""

    detail: str | list[dict]


def _known_id(value: int) -> None:
    """An id no row can have (beyond bigint, or not positive) is simply not found."""
    if not 0 < value <= MAX_ID:
        raise Http404


def _programmes(user):
    return perms.visible_programmes(
        user,
        Programme.objects.select_related("organisation", "award").prefetch_related(
            "approaches", "indicators", "award__commitments"
        ),
    ).order_by("id")


def _returns(user):
    return perms.visible_returns(
        user,
        MonitoringReturn.objects.select_related("programme").prefetch_related("values__indicator", "reach", "versions"),
    ).order_by("due_on", "id")


# The programme and return lists nest indicators, values and reach in every item: 25 to a page by default (up to 100
# with ?page_size=), which keeps a page to a few milliseconds of serialising.
NESTED_PAGE_SIZE = 25


@router.get("programmes/", response=list[ProgrammeOut], auth=STAFF_AUTH, summary="Programmes you may see")
@paginate(PageNumbers, page_size=NESTED_PAGE_SIZE)
def list_programmes(request):
    user = api_user(request)
    if not perms.can_list_programmes(user):
        return Programme.objects.none()
    return _programmes(user)


@router.get("programmes/{programme_id}/", response=ProgrammeOut, auth=STAFF_AUTH, summary="One programme")
def get_programme(request, programme_id: int):
    user = api_user(request)
    _known_id(programme_id)
    return get_visible_or_404(_programmes(user), perms.can_view_programme, user, pk=programme_id)


@router.get("indicators/", response=list[IndicatorOut], auth=STAFF_AUTH, summary="Indicators of visible programmes")
@paginate(PageNumbers)
def list_indicators(request, programme_id: int | None = None):
    user = api_user(request)
    indicators = Indicator.objects.filter(programme__in=perms.visible_programmes(user, Programme.objects.all()))
    if programme_id is not None:
        indicators = indicators.filter(programme_id=programme_id) if 0 < programme_id <= MAX_ID else indicators.none()
    return indicators.order_by("programme_id", "order", "id")


@router.get("returns/", response=list[ReturnOut], auth=STAFF_AUTH, summary="Quarterly returns you may see")
@paginate(PageNumbers, page_size=NESTED_PAGE_SIZE)
def list_returns(request, status: str | None = None, programme_id: int | None = None):
    returns = _returns(api_user(request))
    if status:
        returns = returns.filter(status=status)
    if programme_id is not None:
        returns = returns.filter(programme_id=programme_id) if 0 < programme_id <= MAX_ID else returns.none()
    return returns


@router.get("returns/{return_id}/", response=ReturnOut, auth=STAFF_AUTH, summary="One quarterly return")
def get_return(request, return_id: int):
    user = api_user(request)
    _known_id(return_id)
    return get_visible_or_404(_returns(user), perms.can_view_return, user, pk=return_id)


def _form_data(payload: ReturnIn) -> dict:
    """The JSON body as the return form's fields, so the API validates exactly as the page does."""
    data = {
        "total_reached": "" if payload.total_reached is None else str(payload.total_reached),
        "spend_to_date": payload.spend_to_date or "",
        "narrative": payload.narrative,
        "risks": payload.risks,
        "case_studies": payload.case_studies,
    }
    for value in payload.values:
        data[f"ind_{value.indicator_id}"] = "" if value.actual is None else str(value.actual)
    areas = []
    bands, sexes, groups = {b for b, _ in AGE_BANDS}, {s for s, _ in SEXES}, {g for g, _ in ETHNIC_GROUPS}
    for cell in payload.reach:
        if cell.dimension == "age_sex":
            band, _bar, sex = cell.category.partition("|")
            if band not in bands or sex not in sexes:
                raise HttpError(422, f"reach: unknown age band or sex {cell.category!r} (e.g. '14-17|male')")
            data[f"age_{band}_{sex}"] = str(cell.count)
        elif cell.dimension == "ethnicity":
            if cell.category not in groups:
                raise HttpError(422, f"reach: unknown ethnic group {cell.category!r} ({', '.join(sorted(groups))})")
            data[f"eth_{cell.category}"] = str(cell.count)
        elif cell.dimension == "area":
            areas.append(f"{cell.category} {cell.count}")
        else:
            raise HttpError(422, f"reach: unknown dimension {cell.dimension!r} (age_sex, ethnicity or area)")
    data["areas"] = "\n".join(areas)
    return data


@router.post(
    "returns/",
    response={200: ReturnOut, 403: Problem, 404: Problem, 422: Problem},
    auth=STAFF_AUTH,
    summary="Save (and optionally submit) your organisation's return for a quarter",
)
def post_return(request, payload: ReturnIn):
    """Replaces the saved draft with the body (an indicator left out has no actual) and, with ``submit``, submits
    it. Validated by the same form as the page: a bad value is a 422 naming the field, and nothing is saved. An
    indicator counted from case records is filled by svduty: leave it out (a different value is a 422)."""
    user = api_user(request)
    try:
        found = _returns(user).get(
            programme_id=payload.programme_id, financial_year=payload.financial_year, quarter=payload.quarter
        )
    except MonitoringReturn.DoesNotExist:
        raise Http404 from None
    if not perms.can_edit_return(user, found):
        return Status(
            403, {"detail": "This return cannot be changed: it is submitted or accepted, or it is not yours."}
        )
    form = ReturnForm(_form_data(payload), monitoring_return=found)
    if not form.is_valid():
        errors = [
            f"{form.fields[f].label if f != '__all__' else 'return'}: {' '.join(e)}" for f, e in form.errors.items()
        ]
        return Status(422, {"detail": "; ".join(errors)})
    unknown = {v.indicator_id for v in payload.values} - {i.pk for i in form.indicators}
    if unknown:
        return Status(422, {"detail": f"values: indicator(s) {sorted(unknown)} are not indicators of this programme"})
    counted = case_actuals(found)
    overwritten = sorted(
        v.indicator_id
        for v in payload.values
        if v.indicator_id in counted and v.actual is not None and v.actual != counted[v.indicator_id]
    )
    if overwritten:
        return Status(
            422,
            {
                "detail": f"values: indicator(s) {overwritten} are counted from case records "
                f"({', '.join(str(counted[i]) for i in overwritten)} this quarter) and cannot be set; leave them out"
            },
        )
    try:
        saved = save_draft(found, form.values(), user)
        if payload.submit:
            submit(saved, user)
    except ReturnRefused as exc:
        return Status(422, {"detail": str(exc)})
    return _returns(user).get(pk=found.pk)
