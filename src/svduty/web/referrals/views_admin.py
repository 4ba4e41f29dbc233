"""Pathway pages (aggregates only), the comparison figure, the access log and the retention listing."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from svduty.web.core.views import require

from . import permissions as perms
from . import retention as retention_rules
from .forms import ComparisonForm
from .loading import get_pathway, load_shipped
from .models import AccessLog, Pathway
from .options import CaseState, CloseOutcome, DoneReason, ReferralState
from .stats import pathway_figures


def _pathway(slug):
    pathway = get_pathway(slug)
    if pathway is None:
        raise Http404
    return pathway


@require(perms.can_view_aggregates)
def pathways(request):
    rows = list(Pathway.objects.all()) or load_shipped()
    return render(request, "referrals/pathways.html", {"pathways": [(p, pathway_figures(p)) for p in rows]})


@require(perms.can_view_aggregates)
def pathway_detail(request, slug):
    pathway = _pathway(slug)
    figures = pathway_figures(pathway)
    label = {
        **dict(CaseState.choices),
        **dict(CloseOutcome.choices),
        **dict(DoneReason.choices),
        **dict(ReferralState.choices),
    }
    return render(
        request,
        "referrals/pathway.html",
        {
            "pathway": pathway,
            "spec": pathway.spec,
            "figures": figures,
            "states": [(label.get(k, k), n) for k, n in figures["states"].items()],
            "outcomes": [(label.get(k, k), n) for k, n in figures["outcomes"].items()],
            "referral_states": [(label.get(k, k), n) for k, n in figures["referral_states"].items()],
            "reasons": [(label.get(k, k), n) for k, n in figures["unsuccessful_reasons"].items()],
            "can_edit_comparison": perms.can_edit_comparison(request.user),
            "comparison_percent": None if pathway.comparison_rate is None else 100 * pathway.comparison_rate,
        },
    )


@require(perms.can_edit_comparison)
def pathway_comparison(request, slug):
    from .views import _form_page

    pathway = _pathway(slug)
    initial = {
        "comparison_label": pathway.comparison_label,
        "comparison_percent": None if pathway.comparison_rate is None else 100 * pathway.comparison_rate,
        "comparison_source": pathway.comparison_source,
    }
    form = ComparisonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        pathway.comparison_label, pathway.comparison_source = d["comparison_label"], d["comparison_source"]
        pathway.comparison_rate = d["comparison_percent"] / 100
        pathway.save(update_fields=["comparison_label", "comparison_rate", "comparison_source"])
        messages.success(request, _("Comparison figure saved"))
        return redirect("referrals:pathway", pathway.slug)
    return _form_page(
        request,
        form,
        title=_("Comparison figure"),
        caption=pathway.name,
        button=_("Save"),
        intro=_("The re-offending rate this pathway's results are shown beside, with its source."),
    )


@require(perms.can_view_access_log)
def access_log(request):
    rows = AccessLog.objects.select_related("user", "case__pathway")
    who = request.GET.get("user", "").strip()
    case = request.GET.get("case", "").strip()
    if who:
        rows = rows.filter(user__username=who)
    if case.isdigit():
        rows = rows.filter(case_id=int(case))
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "referrals/access_log.html", {"page": page, "who": who, "case_filter": case})


@require(perms.can_view_retention)
def retention(request):
    due = retention_rules.due_for_erasure()
    return render(request, "referrals/retention.html", {"due": due})
