"""Funding streams: budget, committed, spent and available per financial year; commitments and payments."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from svduty.web.core.views import require

from . import ledger
from . import permissions as perms
from .forms import BudgetForm, CommitmentForm, SpendForm
from .models import Commitment, FundingStream


@require(perms.can_view_funding)
def streams(request):
    items = [(s, ledger.position(s)) for s in FundingStream.objects.select_related("funder")]
    return render(request, "funding/streams.html", {"items": items})


@require(perms.can_view_funding)
def stream(request, pk):
    item = get_object_or_404(FundingStream, pk=pk)
    kind = request.POST.get("kind", "commit")
    form = CommitmentForm(request.POST if kind == "commit" else None, prefix="commit")
    budget_form = BudgetForm(request.POST if kind == "budget" else None, prefix="budget")
    can_manage = perms.can_manage_funding(request.user)
    if request.method == "POST":
        if not can_manage:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if kind == "budget" and budget_form.is_valid():
            data = budget_form.cleaned_data
            try:
                ledger.set_budget(item, data["financial_year"], data["amount"])
            except ledger.OverCommitment as exc:
                budget_form.add_error(None, str(exc))
            else:
                messages.success(request, _("Budget for %(year)s saved") % {"year": data["financial_year"]})
                return redirect("funding:stream", item.pk)
        elif kind == "commit" and form.is_valid():
            data = form.cleaned_data
            try:
                ledger.commit(item, {data["financial_year"]: data["amount"]}, data["description"], user=request.user)
            except ledger.OverCommitment as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Commitment recorded"))
                return redirect("funding:stream", item.pk)
    from svduty.web.core.pagination import paginate

    paged = paginate(request, item.commitments.select_related("award__application__organisation"))
    return render(
        request,
        "funding/stream.html",
        {
            "stream": item,
            "position": ledger.position(item),
            "commitments": paged["page"].object_list,
            "pagination": paged["pagination"],
            "form": form,
            "budget_form": budget_form,
            "can_manage": can_manage,
        },
    )


@require(perms.can_manage_funding)
def spend(request, pk):
    commitment = get_object_or_404(Commitment, pk=pk)
    form = SpendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ledger.spend(commitment, data["amount"], data["paid_on"], data["description"], user=request.user)
        except ledger.OverCommitment as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Payment recorded"))
            return redirect("funding:stream", commitment.stream_id)
    return render(request, "funding/spend.html", {"commitment": commitment, "form": form})
