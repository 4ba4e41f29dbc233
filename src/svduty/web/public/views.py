"""The public register: no sign-in, published decisions only (deferred ones from their date), 360Giving data."""

from __future__ import annotations

from itertools import groupby

from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from svduty.web.decisions.models import DecisionRecord
from svduty.web.decisions.options import State

from . import giving360
from .permissions import can_see_decision, can_see_section_b


def _visible_queryset(today):
    """Published records past any deferral date, filtered in the database (the rule is
    ``DecisionRecord.publicly_visible``; views still check each row, so the two cannot drift apart)."""
    return DecisionRecord.objects.filter(state=State.PUBLISHED).filter(
        Q(publication_deferred=False) | Q(deferred_until__lte=today)
    )


def index(request):
    today = timezone.localdate()
    latest = _visible_queryset(today)[:5]
    return render(request, "public/index.html", {"records": [r for r in latest if can_see_decision(r, today)]})


def decisions(request):
    from svduty.web.core.pagination import paginate

    today = timezone.localdate()
    q = request.GET.get("q", "").strip()[:100]
    paged = paginate(request, search_decisions(_visible_queryset(today), q))
    records = [r for r in paged["page"].object_list if can_see_decision(r, today)]
    return render(request, "public/decisions.html", {"records": records, "pagination": paged["pagination"], "q": q})


def search_decisions(records, q: str):
    """Records whose reference, title or summary text contains ``q`` (case-insensitive)."""
    if not q:
        return records
    return records.filter(Q(reference__iexact=q) | Q(title__icontains=q) | Q(background__icontains=q))


def decision(request, reference):
    record = get_object_or_404(DecisionRecord, reference=reference, state=State.PUBLISHED)
    if not can_see_decision(record):
        raise Http404("Not published yet")
    awards = record.awards.select_related("application__organisation")
    context = {"record": record, "awards": awards, "public": True, "show_section_b": can_see_section_b(record)}
    return render(request, "public/decision.html", context)


def decision_pdf(request, reference):
    """The record's PDF as published: rendered once and then served from the database, with an ETag so a browser
    that has it already gets a 304."""
    from svduty.web.decisions.views import public_pdf

    record = get_object_or_404(DecisionRecord, reference=reference, state=State.PUBLISHED)
    if not can_see_decision(record):
        raise Http404("Not published yet")
    stored = public_pdf(record)
    etag = f'"{stored.sha256}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(bytes(stored.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{record.reference}.pdf"'
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=3600"
    return response


def grants(request):
    """Grants by round, 50 to a page; each round's total and count are over all its grants, not just this page's."""
    from django.db.models import Count, Sum

    from svduty.web.core.pagination import paginate

    q = request.GET.get("q", "").strip()[:100]
    visible = giving360.public_awards_queryset()
    if q:
        visible = visible.filter(
            Q(application__organisation__name__icontains=q)
            | Q(application__title__icontains=q)
            | Q(decision_record__reference__iexact=q)
        )
    totals = {
        row["application__round"]: row
        for row in visible.values("application__round").annotate(total=Sum("amount_pence"), count=Count("id"))
    }
    paged = paginate(request, visible.order_by("application__round__title", "application__organisation__name", "id"))
    page = [a for a in paged["page"].object_list if can_see_decision(a.decision_record)]
    by_round = [
        {"round": r, "awards": list(items), **{k: totals[r.pk][k] for k in ("total", "count")}}
        for r, items in groupby(page, key=lambda a: a.application.round)
    ]
    return render(request, "public/grants.html", {"by_round": by_round, "pagination": paged["pagination"], "q": q})


def _base(request) -> str:
    """The site's address for 360Giving ``dataSource``: SVDUTY_SITE_URL, else the address this request came to."""
    from django.conf import settings

    return settings.SVDUTY_SITE_URL or request.build_absolute_uri("/")


def giving_json(request):
    response = HttpResponse(giving360.cached_export("json", base_url=_base(request)), content_type="application/json")
    response["Content-Disposition"] = 'inline; filename="360giving.json"'
    return response


def giving_csv(request):
    response = HttpResponse(
        giving360.cached_export("csv", base_url=_base(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="360giving.csv"'
    return response
