"""All expressions of interest for the staff who run rounds: filters, search, pages, and two exports (panel papers,
finance) as CSV or XLSX through ``core.exports``, the one writer that neutralises formula cells."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from svduty.web.commissioning.assessment import rank
from svduty.web.commissioning.models import Application, Round
from svduty.web.commissioning.options import ApplicationStatus
from svduty.web.core.exports import csv_text, xlsx_bytes
from svduty.web.core.options import Role
from svduty.web.core.pagination import paginate
from svduty.web.core.permissions import role_of
from svduty.web.core.views import require
from svduty.web.funding.models import FundingStream, Spend
from svduty.web.partnership.models import Organisation

from . import permissions as perms

EXPORT_KINDS = ("panel", "finance")


def filtered(request):
    """The applications the filters in the query string select, visible to this user (drafts only to admins)."""
    items = Application.objects.select_related("round__stream", "organisation", "priority", "award__decision_record")
    if role_of(request.user) != Role.ADMIN:
        items = items.exclude(status=ApplicationStatus.DRAFT)
    g = request.GET
    params = {k: g.get(k, "").strip() for k in ("round", "status", "stream", "organisation", "q")}
    if params["round"].isdigit():
        items = items.filter(round_id=int(params["round"]))
    if params["status"] in ApplicationStatus.values:
        items = items.filter(status=params["status"])
    if params["stream"].isdigit():
        items = items.filter(round__stream_id=int(params["stream"]))
    if params["organisation"].isdigit():
        items = items.filter(organisation_id=int(params["organisation"]))
    if q := params["q"]:
        query = Q(title__icontains=q) | Q(organisation__name__icontains=q) | Q(summary__icontains=q)
        ref = q.upper().removeprefix("EOI-").split("-")
        if len(ref) == 2 and all(p.isdigit() for p in ref):  # EOI-<round>-<id>, as printed on every page
            query |= Q(round_id=int(ref[0]), pk=int(ref[1]))
        items = items.filter(query)
    return items.order_by("-submitted_at", "-pk"), params


@require(perms.can_view_applications)
def applications(request):
    items, params = filtered(request)
    statuses = [(v, label) for v, label in ApplicationStatus.choices]
    if role_of(request.user) != Role.ADMIN:
        statuses = [s for s in statuses if s[0] != ApplicationStatus.DRAFT]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "params": params,
        "rounds": Round.objects.order_by("-opens_on"),
        "streams": FundingStream.objects.order_by("name"),
        "organisations": Organisation.objects.filter(applications__isnull=False).distinct().order_by("name"),
        "statuses": statuses,
        "query": query.urlencode(),
        **paginate(request, items.prefetch_related("budget_lines")),
    }
    return render(request, "administration/applications.html", context)


def _pounds(pence) -> Decimal:
    return (Decimal(pence or 0) / 100).quantize(Decimal("0.01"))


def _ranked(apps) -> dict[int, object]:
    """Scores of each application, from ``assessment.rank`` of each round involved (one pass per round)."""
    out = {}
    for round_ in Round.objects.filter(pk__in={a.round_id for a in apps}):
        for row in rank(round_):
            out[row.application.pk] = row
    return out


def panel_rows(apps) -> tuple[list[str], list[list]]:
    years = sorted({line.financial_year for a in apps for line in a.budget_lines.all()})
    ranked = _ranked(apps)
    header = [
        _("Reference"),
        _("Intervention"),
        _("Organisation"),
        _("Round"),
        _("Status"),
        _("Submitted"),
        _("Area"),
        _("Priority"),
        _("Prevention level"),
        _("Requested (£)"),
        *[_("Requested %(year)s (£)") % {"year": y} for y in years],
        _("Reviews"),
        _("Mean score (%)"),
        _("Moderated score (%)"),
        _("Conflicts declared"),
        _("Summary"),
        _("Outcomes"),
    ]
    rows = []
    for a in apps:
        by_year = {line.financial_year: line.amount_pence for line in a.budget_lines.all()}
        r = ranked.get(a.pk)
        rows.append(
            [
                a.reference,
                a.title,
                a.organisation.name,
                a.round.title,
                a.get_status_display(),
                timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
                a.area,
                str(a.priority) if a.priority else "",
                a.get_prevention_level_display(),
                _pounds(sum(by_year.values())),
                *[_pounds(by_year.get(y, 0)) for y in years],
                len(r.review_scores) if r else 0,
                r.mean_percent if r else None,
                r.moderated_percent if r else None,
                r.conflicts if r else 0,
                a.summary,
                a.outcomes,
            ]
        )
    return header, rows


def finance_rows(apps) -> tuple[list[str], list[list]]:
    awards = {a.pk: getattr(a, "award", None) for a in apps}
    commitments = {}
    years = set()
    for app_pk, award in awards.items():
        if award is None:
            continue
        lines = {c.financial_year: c for c in award.commitments.all()}
        commitments[app_pk] = lines
        years.update(lines)
    years = sorted(years)
    paid = dict(
        Spend.objects.filter(commitment__award__application__in=[a.pk for a in apps])
        .values_list("commitment__award__application")
        .annotate(s=Sum("amount_pence"))
    )
    header = [
        _("Reference"),
        _("Intervention"),
        _("Organisation"),
        _("Organisation identifier"),
        _("Round"),
        _("Funding stream"),
        _("Status"),
        _("Requested (£)"),
        _("Awarded (£)"),
        *[_("Committed %(year)s (£)") % {"year": y} for y in years],
        _("Commitments released"),
        _("Paid to date (£)"),
        _("Decision record"),
        _("Decision state"),
    ]
    rows = []
    for a in apps:
        award = awards[a.pk]
        lines = commitments.get(a.pk, {})
        record = award.decision_record if award else None
        rows.append(
            [
                a.reference,
                a.title,
                a.organisation.name,
                a.organisation.identifier or "",
                a.round.title,
                a.round.stream.name,
                a.get_status_display(),
                _pounds(a.requested_pence),
                _pounds(award.amount_pence) if award else None,
                *[_pounds(lines[y].amount_pence) if y in lines else None for y in years],
                _("Yes") if lines and all(c.released for c in lines.values()) else (_("No") if lines else ""),
                _pounds(paid.get(a.pk, 0)) if award else None,
                record.reference if record else "",
                record.get_state_display() if record else "",
            ]
        )
    return header, rows


@require(perms.can_view_applications)
def applications_export(request, fmt):
    kind = request.GET.get("kind", "panel")
    if fmt not in ("csv", "xlsx") or kind not in EXPORT_KINDS:
        raise Http404
    items, _params = filtered(request)
    apps = list(items.prefetch_related("budget_lines", "award__commitments"))
    header, rows = panel_rows(apps) if kind == "panel" else finance_rows(apps)
    if any(a.is_demo for a in apps):  # demo records are labelled in every output, as on every page
        header = [_("Data"), *header]
        rows = [[_("DEMO DATA") if a.is_demo else "", *row] for a, row in zip(apps, rows, strict=True)]
    name = f"applications-{kind}-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    else:
        title = _("Panel papers") if kind == "panel" else _("Finance")
        response = HttpResponse(
            xlsx_bytes(header, rows, title=str(title)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
