"""Referral pages: refer a case to a service (consent-gated), the receiving agency's incoming list, accept or
reject, record done with success and reason; the service directory."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.views import check, require

from . import cases as ops
from . import permissions as perms
from .forms import DoneForm, ReferForm, RespondForm
from .models import Referral, Service
from .options import ServiceStatus
from .scoping import incoming_referrals
from .views import _case, _form_page


def referable_services(case):
    return (
        Service.objects.filter(status=ServiceStatus.ACTIVE, service_type__in=case.pathway.spec.service_types)
        .exclude(organisation=case.agency)
        .select_related("organisation")
    )


@require(perms.can_use_cases)
def refer(request, pk):
    case = _case(request, pk)
    reason = ""
    if perms.can_edit_case(request.user, case) and not perms.consent_allows_sharing(case):
        reason = _("Record consent to share (or an override with a lawful basis) before referring")
    denied = check(request, perms.can_refer(request.user, case), reason)
    if denied:
        return denied
    form = ReferForm(request.POST or None, services=referable_services(case))
    if request.method == "POST" and form.is_valid():
        try:
            referral = ops.send_referral(
                request.user, case, form.cleaned_data["service"], note=form.cleaned_data["note"]
            )
        except ops.CaseRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Referred to %(service)s") % {"service": referral.service.name})
            return redirect("referrals:case", case.pk)
    return _form_page(request, form, title=_("Refer to a service"), case=case, button=_("Send the referral"))


@require(perms.can_view_incoming)
def incoming(request):
    referrals = incoming_referrals(request.user)
    return render(request, "referrals/incoming.html", {"referrals": referrals[:300], "now": timezone.now()})


def _referral(request, pk) -> Referral:
    referral = get_object_or_404(Referral.objects.select_related("case__pathway", "service__organisation"), pk=pk)
    if not perms.can_view_referral(request.user, referral):
        raise PermissionDenied
    return referral


@require(perms.can_use_cases)
def referral_detail(request, pk):
    referral = _referral(request, pk)
    return render(
        request,
        "referrals/referral.html",
        {
            "referral": referral,
            "case": referral.case,
            "is_receiver": perms.is_receiver(request.user, referral),
            "can_respond": perms.can_respond_referral(request.user, referral),
            "can_complete": perms.can_complete_referral(request.user, referral),
            "can_revoke": perms.can_revoke_referral(request.user, referral),
            "overdue": referral.is_overdue(),
        },
    )


@require(perms.can_use_cases)
def referral_respond(request, pk):
    referral = _referral(request, pk)
    denied = check(request, perms.can_respond_referral(request.user, referral))
    if denied:
        return denied
    form = RespondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            ops.respond_referral(request.user, referral, accept=accept, reason=form.cleaned_data["reason"])
        except ops.CaseRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Referral accepted") if accept else _("Referral rejected"))
            return redirect("referrals:referral", referral.pk)
    return _form_page(
        request,
        form,
        title=_("Accept or reject the referral"),
        button=_("Save"),
        caption=referral.service.name,
        intro=referral.note,
    )


@require(perms.can_use_cases)
def referral_done(request, pk):
    referral = _referral(request, pk)
    denied = check(request, perms.can_complete_referral(request.user, referral))
    if denied:
        return denied
    form = DoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            ops.complete_referral(
                request.user, referral, successful=d["successful"] == "yes", reason=d["reason"], note=d["note"]
            )
        except ops.CaseRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Referral recorded as done"))
            return redirect("referrals:referral", referral.pk)
    return _form_page(
        request, form, title=_("Record the referral as done"), button=_("Save"), caption=referral.service.name
    )


@require_POST
@require(perms.can_use_cases)
def referral_revoke(request, pk):
    referral = _referral(request, pk)
    denied = check(request, perms.can_revoke_referral(request.user, referral))
    if denied:
        return denied
    ops.revoke_referral(request.user, referral, reason=request.POST.get("reason", ""))
    messages.success(request, _("Referral withdrawn"))
    return redirect("referrals:referral", referral.pk)


@require(perms.can_view_services)
def services(request):
    rows = Service.objects.select_related("organisation").order_by("service_type", "name")
    return render(request, "referrals/services.html", {"services": rows})
