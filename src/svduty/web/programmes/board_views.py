"""The board dashboard page and its CSV, XLSX and PDF exports (officer, Chief Executive, PCC)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from svduty.web.core.pagination import paginate
from svduty.web.core.views import require

from . import exports
from . import permissions as perms
from .charts import delivery_chart, spend_chart
from .dashboard import RAG_RULES, board
from .models import Programme
from .options import COHORTS

PROGRAMMES_PER_PAGE = 25


def _context(request):
    today = timezone.localdate()
    rows, totals = board(Programme.objects.all(), today)
    return {
        "rows": rows,
        "totals": totals,
        "today": today,
        "rules": RAG_RULES,
        "cohorts": [(key, label, totals["cohorts"][key]) for key, label, *_rest in COHORTS],
        "spend_chart": spend_chart(rows, _("Reported spend to date against each programme's award")),
        "delivery_chart": delivery_chart(rows, _("Delivery against the targets due, by programme")),
    }


@require(perms.can_view_dashboard)
def dashboard(request):
    """Totals, cohorts and charts over every programme; the table a page of PROGRAMMES_PER_PAGE at a time (the CSV,
    XLSX and PDF hold every row)."""
    context = _context(request)
    paged = paginate(request, context["rows"], per_page=PROGRAMMES_PER_PAGE)
    context.update(rows=paged["page"].object_list, pagination=paged["pagination"])
    return render(request, "programmes/dashboard.html", context)


@require(perms.can_view_dashboard)
def dashboard_csv(request):
    context = _context(request)
    response = HttpResponse(exports.to_csv(context["rows"]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="board-dashboard-{context["today"]:%Y-%m-%d}.csv"'
    return response


@require(perms.can_view_dashboard)
def dashboard_xlsx(request):
    context = _context(request)
    title = _("Board dashboard, %(day)s") % {"day": f"{context['today']:%d %B %Y}"}
    response = HttpResponse(
        exports.to_xlsx(context["rows"], title),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="board-dashboard-{context["today"]:%Y-%m-%d}.xlsx"'
    return response


@require(perms.can_view_dashboard)
def dashboard_pdf(request):
    context = _context(request)
    from svduty.web.core.context import site

    context.update(site(request))
    response = HttpResponse(exports.to_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="board-dashboard-{context["today"]:%Y-%m-%d}.pdf"'
    return response
