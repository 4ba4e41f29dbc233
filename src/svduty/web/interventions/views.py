"""The public evidence library, staff editing with history, and the evidence steps of an EOI."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from svduty.web.commissioning.models import Application
from svduty.web.core.views import check, require

from . import permissions as perms
from .forms import ApproachesForm, InterventionForm, JustificationForm
from .models import EvidenceUse, Intervention
from .options import IMPACT_ORDER, Impact, PreventionType


@require(perms.can_view_interventions)
def library(request):
    items = list(Intervention.objects.all())
    impact = request.GET.get("impact", "")
    level = request.GET.get("prevention", "")
    if impact in Impact.values or impact == "none":
        items = [i for i in items if i.impact == ("" if impact == "none" else impact)]
    if level in PreventionType.values:
        items = [i for i in items if level in i.prevention_list]
    items.sort(key=lambda i: (IMPACT_ORDER.index(i.impact), i.name))
    return render(
        request,
        "interventions/library.html",
        {
            "items": items,
            "impacts": Impact.choices,
            "levels": PreventionType.choices,
            "impact": impact,
            "level": level,
            "can_edit": perms.can_edit_intervention(request.user),
        },
    )


@require(perms.can_view_interventions)
def detail(request, slug):
    item = get_object_or_404(Intervention, slug=slug)
    return render(
        request,
        "interventions/detail.html",
        {
            "item": item,
            "can_edit": perms.can_edit_intervention(request.user),
            "can_history": perms.can_view_intervention_history(request.user),
        },
    )


@require(perms.can_edit_intervention)
def edit(request, slug=None):
    item = get_object_or_404(Intervention, slug=slug) if slug else None
    form = InterventionForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        messages.success(request, _("Evidence record “%(name)s” saved") % {"name": saved.name})
        return redirect("interventions:detail", saved.slug)
    title = _("Edit %(name)s") % {"name": item.name} if item else _("New approach")
    return render(request, "interventions/form.html", {"form": form, "item": item, "title": title})


@require(perms.can_view_intervention_history)
def history(request, slug):
    item = get_object_or_404(Intervention, slug=slug)
    rows = []
    records = list(item.history.select_related("history_user").order_by("-history_date", "-history_id"))
    for newer, older in zip(records, [*records[1:], None], strict=False):
        changes = []
        if older is not None:
            delta = newer.diff_against(older)
            changes = [(c.field, c.old, c.new) for c in delta.changes]
        rows.append({"record": newer, "changes": changes})
    return render(request, "interventions/history.html", {"item": item, "rows": rows})


def application_approaches(request, pk):
    """The provider names the approaches of its draft EOI (saved apart from the EOI form, same permission)."""
    application = get_object_or_404(Application.objects.select_related("round"), pk=pk)
    denied = check(request, perms.can_choose_approaches(request.user, application))
    if denied:
        return denied
    use, _created = EvidenceUse.objects.get_or_create(application=application)
    form = ApproachesForm(request.POST or None, initial={"approaches": use.approaches.all()})
    if request.method == "POST" and form.is_valid():
        use.approaches.set(form.cleaned_data["approaches"])
        messages.success(request, _("Approaches saved"))
        return redirect("commissioning:application_edit", application.pk)
    return render(request, "interventions/approaches.html", {"application": application, "form": form})


def justify(request, pk):
    """An officer writes why a bid built on a harmful-rated approach should still be funded (before the award)."""
    application = get_object_or_404(Application.objects.select_related("round", "organisation"), pk=pk)
    denied = check(request, perms.can_justify(request.user, application))
    if denied:
        return denied
    use = application.evidence_use
    form = JustificationForm(request.POST or None, initial={"justification": use.harmful_justification})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            use.harmful_justification = form.cleaned_data["justification"]
            use.justified_by = request.user
            use.justified_at = timezone.now()
            use.save()
        messages.success(request, _("Justification recorded: the award can now be made"))
        return redirect("commissioning:application", application.pk)
    return render(
        request,
        "interventions/justify.html",
        {"application": application, "form": form, "harmful": perms.harmful_approaches(application)},
    )
