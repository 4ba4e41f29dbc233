"""Strategy pages: the strategy with its priorities, objectives and measures, the workflow steps, history and PDF."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.views import check, require
from svduty.web.partnership.models import Partnership
from svduty.web.workflows import STRATEGY_WORKFLOW, TransitionRefused, perform

from . import permissions as perms
from .forms import AgreeForm, MeasureForm, MeasureValueForm, PriorityForm, StrategyForm
from .measures import fill_from_sna
from .models import LocalDefinition, Objective, Obligation, SnaVersion, Strategy, StrategyPriority, SuccessMeasure
from .options import StrategyStatus
from .priority_view import priority_cards
from .revise import copy_as_draft


def current_partnership():
    return Partnership.objects.order_by("id").first()


def _strategy(pk) -> Strategy:
    return get_object_or_404(Strategy.objects.select_related("partnership", "sna_version", "definition"), pk=pk)


def priorities_of(strategy: Strategy):
    return (
        strategy.priorities.select_related("sna_version", "funding_priority")
        .prefetch_related(
            "objectives",
            "measures__values",
            "programmes__organisation",
            "pathways",
            "consultation_citations__finding__consultation",
        )
        .order_by("order", "id")
    )


@require(perms.can_view_strategy_area)
def index(request):
    partnership = current_partnership()
    strategies = Strategy.objects.filter(partnership=partnership) if partnership else Strategy.objects.none()
    context = {
        "partnership": partnership,
        "strategies": strategies,
        "definition": LocalDefinition.objects.filter(partnership=partnership).first() if partnership else None,
        "versions": SnaVersion.objects.filter(partnership=partnership)[:5] if partnership else [],
        "can_create": perms.can_create_strategy(request.user) and partnership is not None,
        "next_items": Obligation.objects.filter(partnership=partnership, done_on__isnull=True)[:5],
    }
    return render(request, "strategy/index.html", context)


@require(perms.can_create_strategy)
def strategy_new(request):
    partnership = current_partnership()
    if partnership is None:
        messages.error(request, _("Set up the partnership first"))
        return redirect("strategy:index")
    form = StrategyForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        strategy = form.save(commit=False)
        strategy.partnership = partnership
        strategy.created_by = request.user
        strategy.save()
        messages.success(request, _("Draft strategy created"))
        return redirect("strategy:detail", strategy.pk)
    return render(request, "strategy/strategy_form.html", {"form": form})


def detail(request, pk):
    strategy = _strategy(pk)
    denied = check(request, perms.can_view_strategy_area(request.user))
    if denied:
        return denied
    context = {
        "strategy": strategy,
        "cards": priority_cards(priorities_of(strategy)),
        "can_edit": perms.can_edit_strategy(request.user, strategy),
        "can_add_values": perms.can_create_strategy(request.user) and strategy.status != StrategyStatus.SUPERSEDED,
        "can_agree": perms.can_agree_strategy(request.user, strategy),
        "can_publish": perms.can_publish_strategy(request.user, strategy),
        "can_revise": perms.can_revise_strategy(request.user, strategy),
        "events": strategy.events.select_related("user"),
    }
    return render(request, "strategy/detail.html", context)


def strategy_edit(request, pk):
    strategy = _strategy(pk)
    denied = check(request, perms.can_edit_strategy(request.user, strategy), _("Only a draft strategy can be edited"))
    if denied:
        return denied
    form = StrategyForm(request.POST or None, instance=strategy, partnership=strategy.partnership)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Strategy saved"))
        return redirect("strategy:detail", strategy.pk)
    return render(request, "strategy/strategy_form.html", {"form": form, "strategy": strategy})


def agree(request, pk):
    strategy = _strategy(pk)
    denied = check(request, perms.can_agree_strategy(request.user, strategy))
    if denied:
        return denied
    form = AgreeForm(request.POST or None, partnership=strategy.partnership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            perform(
                STRATEGY_WORKFLOW,
                "agree",
                strategy,
                request.user,
                note=data["note"],
                agreed_on=data["agreed_on"],
                agreed_at_meeting=data["meeting"],
            )
        except TransitionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The board's agreement is recorded"))
        return redirect("strategy:detail", strategy.pk)
    return render(request, "strategy/agree.html", {"form": form, "strategy": strategy})


@require_POST
def publish(request, pk):
    strategy = _strategy(pk)
    denied = check(request, perms.can_publish_strategy(request.user, strategy))
    if denied:
        return denied
    try:
        perform(STRATEGY_WORKFLOW, "publish", strategy, request.user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Strategy published on the public pages"))
    return redirect("strategy:detail", strategy.pk)


@require_POST
def revise(request, pk):
    strategy = _strategy(pk)
    denied = check(request, perms.can_revise_strategy(request.user, strategy))
    if denied:
        return denied
    draft = copy_as_draft(strategy, request.user)
    messages.success(request, _("A draft revision was made; the agreed strategy stays as it is until this one is"))
    return redirect("strategy:detail", draft.pk)


def history(request, pk):
    strategy = _strategy(pk)
    denied = check(request, perms.can_view_strategy_area(request.user))
    if denied:
        return denied
    context = {
        "strategy": strategy,
        "events": strategy.events.select_related("user"),
        "versions": strategy.history.select_related("history_user").order_by("-history_date")[:100],
        "priority_versions": StrategyPriority.history.filter(strategy_id=strategy.pk)
        .select_related("history_user")
        .order_by("-history_date")[:200],
    }
    return render(request, "strategy/history.html", context)


def strategy_pdf(request, pk):
    strategy = _strategy(pk)
    denied = check(request, perms.can_view_strategy_area(request.user))
    if denied:
        return denied
    return _pdf_response(strategy)


def _pdf_response(strategy: Strategy) -> HttpResponse:
    from .pdf import render_pdf

    response = HttpResponse(render_pdf(strategy, priorities_of(strategy)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="strategy-{strategy.period}.pdf"'
    return response


# -- priorities, objectives and measures -----------------------------------------------------------------------------
def priority_new(request, pk):
    strategy = _strategy(pk)
    denied = check(request, perms.can_edit_strategy(request.user, strategy), _("Only a draft strategy can be edited"))
    if denied:
        return denied
    return _priority_form(request, strategy, StrategyPriority(strategy=strategy, order=strategy.priorities.count() + 1))


def priority_edit(request, pk):
    priority = get_object_or_404(StrategyPriority.objects.select_related("strategy__partnership"), pk=pk)
    strategy = priority.strategy
    denied = check(request, perms.can_edit_strategy(request.user, strategy), _("Only a draft strategy can be edited"))
    if denied:
        return denied
    return _priority_form(request, strategy, priority)


def _priority_form(request, strategy, priority):
    initial = {"objectives_text": "\n".join(o.text for o in priority.objectives.all())} if priority.pk else {}
    if not priority.pk and strategy.sna_version_id:
        initial["sna_version"] = strategy.sna_version_id
    form = PriorityForm(request.POST or None, instance=priority, strategy=strategy, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            wanted = [line.strip() for line in form.cleaned_data["objectives_text"].splitlines() if line.strip()]
            have = [o.text for o in saved.objectives.all()]
            if wanted != have:
                saved.objectives.all().delete()
                for n, text in enumerate(wanted, start=1):
                    Objective.objects.create(priority=saved, order=n, text=text)
        messages.success(request, _("Priority saved"))
        return redirect("strategy:detail", strategy.pk)
    return render(request, "strategy/priority_form.html", {"form": form, "strategy": strategy, "priority": priority})


def measure_new(request, pk):
    priority = get_object_or_404(StrategyPriority.objects.select_related("strategy"), pk=pk)
    return _measure_form(request, priority, SuccessMeasure(priority=priority, order=priority.measures.count() + 1))


def measure_edit(request, pk):
    measure = get_object_or_404(SuccessMeasure.objects.select_related("priority__strategy"), pk=pk)
    return _measure_form(request, measure.priority, measure)


def _measure_form(request, priority, measure):
    strategy = priority.strategy
    denied = check(request, perms.can_edit_strategy(request.user, strategy), _("Only a draft strategy can be edited"))
    if denied:
        return denied
    form = MeasureForm(request.POST or None, instance=measure)
    if request.method == "POST" and form.is_valid():
        form.instance.name = form.cleaned_data["name"]
        form.save()
        messages.success(request, _("Measure saved"))
        return redirect("strategy:detail", strategy.pk)
    return render(
        request,
        "strategy/measure_form.html",
        {"form": form, "strategy": strategy, "priority": priority, "measure": measure},
    )


def value_new(request, pk):
    measure = get_object_or_404(SuccessMeasure.objects.select_related("priority__strategy"), pk=pk)
    strategy = measure.priority.strategy
    # Values are monitoring, not the strategy's text: officers add them while the strategy is in force.
    denied = check(request, perms.can_create_strategy(request.user) and strategy.status != StrategyStatus.SUPERSEDED)
    if denied:
        return denied
    form = MeasureValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        value = form.save(commit=False)
        value.measure = measure
        value.recorded_by = request.user
        value.save()
        messages.success(request, _("Value recorded"))
        return redirect("strategy:detail", strategy.pk)
    return render(request, "strategy/value_form.html", {"form": form, "strategy": strategy, "measure": measure})


@require_POST
def values_from_sna(request, pk):
    strategy = _strategy(pk)
    denied = check(request, perms.can_create_strategy(request.user) and strategy.status != StrategyStatus.SUPERSEDED)
    if denied:
        return denied
    version_pk = request.POST.get("version") or strategy.sna_version_id
    version = get_object_or_404(SnaVersion, pk=version_pk, partnership=strategy.partnership) if version_pk else None
    if version is None:
        messages.error(request, _("Choose an SNA version first"))
        return redirect("strategy:detail", strategy.pk)
    added = fill_from_sna(strategy, version, request.user)
    messages.success(request, _("%(n)s measure value(s) read from %(version)s") % {"n": added, "version": version})
    return redirect("strategy:detail", strategy.pk)
