"""Programme and return pages. Every access decision calls a function in ``permissions``."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from svduty.web.commissioning.models import Award
from svduty.web.core.pagination import paginate
from svduty.web.core.views import check, require

from . import permissions as perms
from .board_views import PROGRAMMES_PER_PAGE
from .case_data import refresh_case_values
from .dashboard import board
from .forms import (
    CaseSourcesForm,
    CreateProgrammeForm,
    IndicatorForm,
    ProgrammeForm,
    ReturnForm,
    ReviewForm,
    TargetsForm,
)
from .models import MonitoringReturn, Programme, Target
from .options import CASE_SOURCES, COHORTS, ETHNIC_GROUPS, ReturnStatus
from .returns import ReturnRefused, missing_for_submission, review, save_draft, submit
from .schedule import create_programme, schedule_returns


def _programme(pk):
    return get_object_or_404(
        Programme.objects.select_related("award__application__round", "award__decision_record", "organisation"), pk=pk
    )


def _return(pk):
    return get_object_or_404(
        MonitoringReturn.objects.select_related("programme__organisation", "programme__award"), pk=pk
    )


AWARDS_SHOWN = 50
RETURNS_PER_PAGE = 25


@require(perms.can_list_programmes)
def programme_list(request):
    today = timezone.localdate()
    programmes = perms.visible_programmes(request.user, Programme.objects.all())
    rows, totals = board(programmes, today)
    awards, awards_total = [], 0
    if perms.can_manage_programme(request.user):
        # The most recent approved awards still without a programme (a large partnership has hundreds): the list is
        # a to-do list, so the newest come first and the rest are counted.
        waiting = Award.objects.filter(programme__isnull=True, decision_record__decision="approved")
        awards_total = waiting.count()
        awards = list(
            waiting.select_related("application__organisation", "decision_record").order_by("-id")[:AWARDS_SHOWN]
        )
    paged = paginate(request, rows, per_page=PROGRAMMES_PER_PAGE)
    return render(
        request,
        "programmes/list.html",
        {
            "rows": paged["page"].object_list,
            "pagination": paged["pagination"],
            "totals": totals,
            "awards": awards,
            "awards_total": awards_total,
        },
    )


def programme_new(request, award_pk):
    award = get_object_or_404(Award.objects.select_related("application__organisation", "decision_record"), pk=award_pk)
    denied = check(request, perms.can_create_programme(request.user, award))
    if denied:
        return denied
    form = CreateProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = create_programme(award, due_days=form.cleaned_data["report_due_days"], user=request.user)
        messages.success(
            request, _("Programme %(ref)s set up: now add its indicators and targets") % {"ref": programme.reference}
        )
        return redirect("programmes:plan", programme.pk)
    return render(request, "programmes/new.html", {"award": award, "form": form})


def programme_detail(request, pk):
    programme = _programme(pk)
    denied = check(request, perms.can_view_programme(request.user, programme))
    if denied:
        return denied
    today = timezone.localdate()
    rows, _totals = board(Programme.objects.filter(pk=programme.pk), today)
    returns = list(programme.returns.order_by("financial_year", "quarter"))
    for r in returns:
        r.late = r.is_late(today)
        r.can_edit = perms.can_edit_return(request.user, r)
    return render(
        request,
        "programmes/detail.html",
        {
            "programme": programme,
            "row": rows[0],
            "returns": returns,
            "budget": programme.budget_by_year(),
            "can_manage": perms.can_manage_programme(request.user, programme),
            "status_history": programme.history.order_by("history_date").select_related("history_user"),
            "cohorts": COHORTS,
        },
    )


def programme_edit(request, pk):
    programme = _programme(pk)
    denied = check(request, perms.can_manage_programme(request.user, programme))
    if denied:
        return denied
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            schedule_returns(programme)
        messages.success(request, _("Programme updated"))
        return redirect("programmes:detail", programme.pk)
    return render(request, "programmes/edit.html", {"programme": programme, "form": form})


def programme_plan(request, pk):
    """The delivery plan: indicators (outputs, outcomes) and their quarterly targets per financial year."""
    programme = _programme(pk)
    denied = check(request, perms.can_manage_programme(request.user, programme))
    if denied:
        return denied
    indicator_form = IndicatorForm(prefix="ind", initial={"order": programme.indicators.count() + 1, "unit": "people"})
    targets_form = TargetsForm(programme=programme, prefix="t")
    sources_form = CaseSourcesForm(programme=programme, prefix="s")
    if request.method == "POST" and request.POST.get("kind") == "indicator":
        indicator_form = IndicatorForm(request.POST, prefix="ind")
        if indicator_form.is_valid():
            indicator_form.instance.programme = programme
            indicator_form.save()
            messages.success(request, _("Indicator added"))
            return redirect("programmes:plan", programme.pk)
    elif request.method == "POST" and request.POST.get("kind") == "targets":
        targets_form = TargetsForm(request.POST, programme=programme, prefix="t")
        if targets_form.is_valid():
            with transaction.atomic():
                for indicator, year, quarter, name in targets_form.cells:
                    value = targets_form.cleaned_data[name]
                    if value is None:
                        Target.objects.filter(indicator=indicator, financial_year=year, quarter=quarter).delete()
                    else:
                        Target.objects.update_or_create(
                            indicator=indicator, financial_year=year, quarter=quarter, defaults={"value": value}
                        )
            messages.success(request, _("Targets saved"))
            return redirect("programmes:plan", programme.pk)
    elif request.method == "POST" and request.POST.get("kind") == "sources":
        sources_form = CaseSourcesForm(request.POST, programme=programme, prefix="s")
        if sources_form.is_valid():
            with transaction.atomic():
                for indicator in sources_form.indicators:
                    source = sources_form.cleaned_data[f"src_{indicator.pk}"]
                    if source != indicator.case_source:
                        indicator.case_source = source
                        indicator.save(update_fields=["case_source"])
            messages.success(request, _("Sources saved: returns not yet submitted will use them when next opened"))
            return redirect("programmes:plan", programme.pk)
    return render(
        request,
        "programmes/plan.html",
        {
            "programme": programme,
            "indicator_form": indicator_form,
            "targets_form": targets_form,
            "sources_form": sources_form,
        },
    )


@require(perms.can_view_return_queue)
def return_queue(request):
    """Officers: late, due soon and awaiting review. Providers: their own organisation's returns."""
    today = timezone.localdate()
    queryset = perms.visible_returns(
        request.user, MonitoringReturn.objects.select_related("programme__organisation")
    ).order_by("due_on", "programme__title")
    open_statuses = (ReturnStatus.DRAFT, ReturnStatus.RETURNED)
    soon = today + timedelta(days=14)
    sections = {
        "late": queryset.filter(status__in=open_statuses, due_on__lt=today),
        "due_soon": queryset.filter(status__in=open_statuses, due_on__gte=today, due_on__lte=soon),
        "to_review": queryset.filter(status=ReturnStatus.SUBMITTED),
    }
    context = {"today": today, "is_provider": perms.role_of(request.user) == "provider"}
    # Each list a page of RETURNS_PER_PAGE on its own (?late=2, ?to_review=3): a large partnership has hundreds of
    # late returns, and every one must be reachable, not cut off at a fixed number.
    for name, returns in sections.items():
        paged = paginate(request, returns, per_page=RETURNS_PER_PAGE, param=name)
        context[name] = paged["page"].object_list
        context[f"{name}_pagination"] = paged["pagination"]
    context["recent"] = list(queryset.filter(status=ReturnStatus.ACCEPTED).order_by("-reviewed_at")[:20])
    return render(request, "programmes/returns.html", context)


def return_detail(request, pk):
    monitoring_return = _return(pk)
    denied = check(request, perms.can_view_return(request.user, monitoring_return))
    if denied:
        return denied
    values = {v.indicator_id: v.actual for v in monitoring_return.values.all()}
    targets = {
        t.indicator_id: t.value
        for t in Target.objects.filter(
            indicator__programme=monitoring_return.programme,
            financial_year=monitoring_return.financial_year,
            quarter=monitoring_return.quarter,
        )
    }
    sources = dict(CASE_SOURCES)
    if monitoring_return.is_open_for_provider:
        sourced = {i.pk: i.case_source for i in monitoring_return.programme.indicators.all()}
    else:  # as submitted: the sources the version was counted with
        latest = monitoring_return.versions.order_by("-number").first()
        sourced = {int(k): v for k, v in (latest.data.get("case_sources", {}) if latest else {}).items()}
    indicators = [
        {
            "indicator": i,
            "actual": values.get(i.pk),
            "target": targets.get(i.pk),
            "source": sources.get(sourced.get(i.pk, ""), ""),
        }
        for i in monitoring_return.programme.indicators.all()
    ]
    reach = list(monitoring_return.reach.all())
    return render(
        request,
        "programmes/return.html",
        {
            "r": monitoring_return,
            "indicators": indicators,
            "age_sex": [x for x in reach if x.dimension == "age_sex"],
            "ethnicity": [(dict(ETHNIC_GROUPS)[x.category], x.count) for x in reach if x.dimension == "ethnicity"],
            "areas": [x for x in reach if x.dimension == "area"],
            "versions": monitoring_return.versions.select_related("submitted_by", "decided_by"),
            "can_edit": perms.can_edit_return(request.user, monitoring_return),
            "can_review": perms.can_review_return(request.user, monitoring_return),
            "late": monitoring_return.is_late(timezone.localdate()),
        },
    )


def return_edit(request, pk):
    monitoring_return = _return(pk)
    reason = "" if monitoring_return.is_open_for_provider else _("This return has been submitted.")
    denied = check(request, perms.can_edit_return(request.user, monitoring_return), reason)
    if denied:
        return denied
    if request.method != "POST":
        with transaction.atomic():
            refresh_case_values(monitoring_return)  # the provider sees today's count from case records
    form = ReturnForm(request.POST or None, monitoring_return=monitoring_return)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_draft(monitoring_return, form.values(), request.user)
        except ReturnRefused as exc:
            form.add_error(None, str(exc))
        else:
            if request.POST.get("then") == "submit":
                missing = missing_for_submission(saved)
                if missing:
                    messages.error(
                        request, _("Saved. Before you can submit, add %(what)s") % {"what": "; ".join(missing)}
                    )
                    return redirect("programmes:return_edit", saved.pk)
                return redirect("programmes:return_submit", saved.pk)
            messages.success(request, _("Your draft return is saved"))
            return redirect("programmes:return_edit", saved.pk)
    return render(
        request,
        "programmes/return_form.html",
        {"r": monitoring_return, "form": form, "versions": monitoring_return.versions.all()},
    )


def return_submit(request, pk):
    monitoring_return = _return(pk)
    denied = check(request, perms.can_submit_return(request.user, monitoring_return))
    if denied:
        return denied
    with transaction.atomic():
        refresh_case_values(monitoring_return)  # a source set since the draft was saved is not "missing"
    missing = missing_for_submission(monitoring_return)
    if request.method == "POST" and not missing:
        try:
            version = submit(monitoring_return, request.user)
        except ReturnRefused as exc:
            messages.error(request, str(exc))
            return redirect("programmes:return_edit", monitoring_return.pk)
        messages.success(
            request,
            _("Return for %(period)s submitted (version %(n)s)")
            % {"period": monitoring_return.period, "n": version.number},
        )
        return redirect("programmes:return", monitoring_return.pk)
    return render(request, "programmes/return_submit.html", {"r": monitoring_return, "missing": missing})


def return_review(request, pk):
    monitoring_return = _return(pk)
    denied = check(request, perms.can_review_return(request.user, monitoring_return))
    if denied:
        return denied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            review(monitoring_return, request.user, accept=accept, comment=form.cleaned_data["comment"])
        except ReturnRefused as exc:
            form.add_error(None, str(exc))
        else:
            text = _("Return accepted") if accept else _("Return sent back to the provider with your comments")
            messages.success(request, text)
            return redirect("programmes:returns")
    return render(request, "programmes/review.html", {"r": monitoring_return, "form": form})
