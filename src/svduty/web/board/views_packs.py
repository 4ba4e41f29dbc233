"""The board's risk log and its board packs (assembled by a button, stored as sent)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.views import check, require
from svduty.web.partnership.models import Partnership

from . import permissions as perms
from .forms import PackForm, RiskForm
from .models import BoardPack, Risk
from .quarters import QuarterError, parse_quarter, quarter_of
from .render import store_pack


def _partnership():
    return Partnership.objects.order_by("id").first()


@require(perms.can_view_risks)
def risks(request):
    items = Risk.objects.select_related("owner")
    ordered = sorted(items, key=lambda r: (r.status == "closed", -r.score, r.pk))
    return render(request, "board/risks.html", {"risks": ordered, "can_manage": perms.can_manage_risks(request.user)})


@require(perms.can_manage_risks)
def risk_new(request):
    form = RiskForm(request.POST or None)
    partnership = _partnership()
    if request.method == "POST" and form.is_valid() and partnership:
        form.instance.partnership = partnership
        form.instance.raised_on = timezone.localdate()
        form.save()
        messages.success(request, _("Risk added to the log"))
        return redirect("board:risks")
    return render(request, "board/form.html", {"form": form, "title": _("Add a risk")})


@require(perms.can_manage_risks)
def risk_edit(request, pk):
    risk = get_object_or_404(Risk, pk=pk)
    form = RiskForm(request.POST or None, instance=risk)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Risk saved"))
        return redirect("board:risks")
    history = risk.history.select_related("history_user").order_by("-history_date")
    return render(request, "board/form.html", {"form": form, "title": _("Edit the risk"), "risk_history": history})


@require(perms.can_view_packs)
def packs(request):
    form = PackForm(initial={"quarter": quarter_of(timezone.localdate()).previous().code})
    items = BoardPack.objects.defer("pdf").select_related("generated_by", "meeting")
    return render(
        request,
        "board/packs.html",
        {"packs": items, "form": form, "can_make": perms.can_make_pack(request.user)},
    )


@require_POST
def pack_make(request):
    denied = check(request, perms.can_make_pack(request.user))
    if denied:
        return denied
    try:
        quarter = parse_quarter(request.POST.get("quarter", ""))
    except QuarterError as error:
        messages.error(request, str(error))
        return redirect("board:packs")
    partnership = _partnership()
    pack = store_pack(partnership, quarter, timezone.localdate(), request.user)
    messages.success(request, _("Board pack for %(quarter)s assembled") % {"quarter": quarter.label})
    return redirect("board:pack_download", pack.pk)


def pack_download(request, pk):
    pack = get_object_or_404(BoardPack, pk=pk)
    denied = check(request, perms.can_view_packs(request.user))
    if denied:
        return denied
    response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="board-pack-{pack.quarter}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["ETag"] = f'"{pack.sha256}"'
    return response
