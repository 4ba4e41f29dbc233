"""Case pages: lists with due and overdue steps, opening a case, the case page, personal details (logged),
consent, workflow steps, deadlines, closing and reopening."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.views import check, require

from . import cases as ops
from . import permissions as perms
from .access import log_identity_read
from .forms import CaseForm, CloseForm, ConsentForm, DeadlineDoneForm, IdentityReasonForm, ReleaseForm
from .loading import get_pathway
from .models import Case, Deadline, Pathway
from .options import CaseState, ConsentStatus
from .scoping import visible_cases


def _case(request, pk) -> Case:
    """The case if the user may see it; 403 otherwise (the API answers 404 instead)."""
    case = get_object_or_404(Case.objects.select_related("pathway", "agency", "assigned_to", "created_by"), pk=pk)
    if not perms.can_view_case(request.user, case):
        raise PermissionDenied
    return case


def _form_page(request, form, *, title, case=None, button, caption="", intro=""):
    context = {"form": form, "title": title, "case": case, "button": button, "caption": caption, "intro": intro}
    return render(request, "referrals/form.html", context)


@require(perms.can_use_cases)
def case_list(request):
    cases = visible_cases(request.user)
    state = request.GET.get("state", "open")
    shown = cases.exclude(state=CaseState.CLOSED) if state == "open" else cases
    creatable = [p for p in Pathway.objects.all() if perms.can_create_case(request.user, p)]
    if not Pathway.objects.exists():
        from .loading import load_shipped

        creatable = [p for p in load_shipped() if perms.can_create_case(request.user, p)]
    return render(
        request,
        "referrals/list.html",
        {
            "cases": shown[:200],
            "items": ops.due_items(cases.exclude(state=CaseState.CLOSED)),
            "state": state,
            "creatable": creatable,
            "can_overdue": perms.can_view_overdue(request.user),
        },
    )


@require(perms.can_view_overdue)
def overdue(request):
    open_cases = visible_cases(request.user).exclude(state=CaseState.CLOSED)
    items = [i for i in ops.due_items(open_cases) if i["status"] == "overdue"]
    return render(request, "referrals/overdue.html", {"items": items, "now": timezone.now()})


@require(perms.can_use_cases)
def case_new(request, slug):
    pathway = get_pathway(slug)
    if pathway is None:
        raise Http404
    denied = check(request, perms.can_create_case(request.user, pathway))
    if denied:
        return denied
    form = CaseForm(request.POST or None, pathway=pathway)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = ops.NewCase(
            pathway=pathway,
            date_of_birth=data["date_of_birth"],
            incident_date=data["incident_date"],
            source_ref=data["source_ref"],
            person_namespace=data["person_namespace"],
            consent=data["consent"],
            lawful_basis=data.get("lawful_basis") or "",
            consent_reason=data.get("consent_reason") or "",
            given_name=data["given_name"],
            family_name=data["family_name"],
            contact=data.get("contact") or "",
            attended_at=data.get("attended_at"),
            arrest_notified_at=data.get("arrest_notified_at"),
            released_at=data.get("released_at"),
        )
        try:
            case = ops.open_case(request.user, new)
        except ops.CaseRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Case %(pk)s opened on the %(track)s track") % {"pk": case.pk, "track": case.track_spec.name}
            )
            if perms.can_view_case(request.user, case):
                return redirect("referrals:case", case.pk)
            return redirect("referrals:cases")
    return _form_page(
        request,
        form,
        title=_("Open a case: %(name)s") % {"name": pathway.name},
        button=_("Open the case"),
        intro=pathway.spec.description,
    )


@require(perms.can_use_cases)
def case_detail(request, pk):
    case = _case(request, pk)
    user = request.user
    show_identity = perms.can_view_identity(user, case) and not perms.identity_reason_required(user, case)
    if show_identity:
        log_identity_read(request, case)
    return render(request, "referrals/case.html", _case_context(request, case, show_identity))


def _case_context(request, case, show_identity):
    user = request.user
    now = timezone.now()
    deadlines = [(d, d.status(now)) for d in case.deadlines.all()]
    return {
        "case": case,
        "spec": case.pathway.spec,
        "track": case.track_spec,
        "show_identity": show_identity,
        "identity_allowed": perms.can_view_identity(user, case),
        "deadlines": deadlines,
        "consents": case.consents.select_related("recorded_by"),
        "share_consent": ConsentStatus(perms.sharing_consent(case)).label,
        "referrals": case.referrals.select_related("service__organisation"),
        "follow_ups": case.follow_ups.all(),
        "history": case.history.select_related("user"),
        "can_edit": perms.can_edit_case(user, case),
        "can_refer": perms.can_refer(user, case),
        "can_reopen": perms.can_reopen_case(user, case),
        "next_steps": ops.next_steps(case) if perms.can_edit_case(user, case) else [],
        "waiting_release": case.released_at is None
        and any(s.from_event == "released_at" for s in case.track_spec.steps),
    }


@require(perms.can_use_cases)
def case_identity(request, pk):
    case = _case(request, pk)
    denied = check(request, perms.can_view_identity(request.user, case), _("Only the owning agency's caseworkers"))
    if denied:
        return denied
    needs_reason = perms.identity_reason_required(request.user, case)
    form = IdentityReasonForm(request.POST or None) if needs_reason else None
    if needs_reason and not (request.method == "POST" and form.is_valid()):
        return _form_page(
            request,
            form,
            title=_("See personal details"),
            case=case,
            button=_("Show the details"),
            intro=_("You are not this case's caseworker. Say why you need the details: the reason is logged."),
        )
    log_identity_read(request, case, reason=form.cleaned_data["reason"] if form else "")
    return render(request, "referrals/case.html", _case_context(request, case, True))


@require(perms.can_use_cases)
def case_consent(request, pk):
    case = _case(request, pk)
    denied = check(request, perms.can_record_consent(request.user, case))
    if denied:
        return denied
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ops.record_consent(
                request.user, case, d["kind"], d["status"], lawful_basis=d["lawful_basis"], reason=d["reason"]
            )
        except ops.CaseRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Consent recorded"))
            return redirect("referrals:case", case.pk)
    return _form_page(request, form, title=_("Record consent"), case=case, button=_("Record consent"))


@require_POST
@require(perms.can_use_cases)
def case_step(request, pk, action):
    case = _case(request, pk)
    if action != "take" and (action not in ops.WORKFLOW or action in ("close", "reopen")):
        raise Http404
    denied = check(request, perms.can_edit_case(request.user, case))
    if denied:
        return denied
    try:
        if action == "take":
            ops.take_case(request.user, case)
        else:
            ops.transition(request.user, case, action)
    except ops.CaseRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The case is now at: %(state)s") % {"state": case.get_state_display()})
    return redirect("referrals:case", case.pk)


@require(perms.can_use_cases)
def case_close(request, pk):
    case = _case(request, pk)
    denied = check(request, perms.can_close_case(request.user, case))
    if denied:
        return denied
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ops.transition(
                request.user, case, "close", outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
            )
        except ops.CaseRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Case closed: %(outcome)s") % {"outcome": case.get_close_outcome_display()})
            return redirect("referrals:case", case.pk)
    return _form_page(request, form, title=_("Close the case"), case=case, button=_("Close the case"))


@require_POST
@require(perms.can_use_cases)
def case_reopen(request, pk):
    case = _case(request, pk)
    denied = check(request, perms.can_reopen_case(request.user, case))
    if denied:
        return denied
    try:
        ops.transition(request.user, case, "reopen", note=request.POST.get("note", ""))
    except ops.CaseRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Case reopened"))
    return redirect("referrals:case", case.pk)


@require(perms.can_use_cases)
def case_release(request, pk):
    case = _case(request, pk)
    denied = check(request, perms.can_edit_case(request.user, case))
    if denied:
        return denied
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ops.record_release(request.user, case, form.cleaned_data["released_at"])
        messages.success(request, _("Release recorded; the steps counted from it have their deadlines"))
        return redirect("referrals:case", case.pk)
    return _form_page(request, form, title=_("Record the release from custody"), case=case, button=_("Save"))


@require(perms.can_use_cases)
def deadline_done(request, pk):
    deadline = get_object_or_404(Deadline.objects.select_related("case__pathway"), pk=pk)
    case = _case(request, deadline.case_id)
    denied = check(request, perms.can_edit_case(request.user, case) and deadline.done_at is None)
    if denied:
        return denied
    step = next(s for s in case.track_spec.steps if s.slug == deadline.step)
    form = DeadlineDoneForm(request.POST or None, outcomes=step.outcomes)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ops.complete_deadline(
                request.user, deadline, outcome=d.get("outcome", ""), note=d["note"], done_at=d.get("done_at")
            )
        except ops.CaseRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(step)s recorded") % {"step": deadline.name})
            return redirect("referrals:case", case.pk)
    return _form_page(request, form, title=deadline.name, case=case, button=_("Record as done"), intro=step.description)
