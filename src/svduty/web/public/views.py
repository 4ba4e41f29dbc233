"""The public register: no sign-in, published decisions only (deferred ones from their date), 360Giving data."""

from __future__ import annotations

from itertools import groupby

from django.http import Http404, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import get_object_or_404, render

from svduty.web.decisions.models import DecisionRecord
from svduty.web.decisions.options import State

from . import giving360
from .permissions import can_see_decision, can_see_section_b


def _visible_records():
    return [r for r in DecisionRecord.objects.filter(state=State.PUBLISHED) if can_see_decision(r)]


def index(request):
    return render(request, "public/index.html", {"records": _visible_records()[:5]})


def decisions(request):
    return render(request, "public/decisions.html", {"records": _visible_records()})


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
    awards = giving360.public_awards()
    awards.sort(key=lambda a: (a.application.round.title, a.application.organisation.name))
    by_round = [
        {"round": r, "awards": list(items), "total": sum(a.amount_pence for a in items)}
        for r, items in ((r, list(i)) for r, i in groupby(awards, key=lambda a: a.application.round))
    ]
    return render(request, "public/grants.html", {"by_round": by_round})


def giving_json(request):
    response = JsonResponse(giving360.package(), json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'inline; filename="360giving.json"'
    return response


def giving_csv(request):
    response = HttpResponse(giving360.to_csv(giving360.package()), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="360giving.csv"'
    return response
