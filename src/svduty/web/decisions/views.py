"""Decision records: list, draft, officer approval, PCC decision, publication, PDF."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from svduty.web.core.views import check, require
from svduty.web.workflows import DECISION_WORKFLOW, TransitionRefused, perform

from . import permissions as perms
from .forms import DecisionRecordForm, OfficerApprovalForm, PCCDecisionForm, ReturnForm
from .models import DecisionEvent, DecisionRecord
from .options import Outcome, State


def _notify(event: str, record, to, request, **extra) -> None:
    from svduty.web.commissioning import notify

    context = {
        "decision": record,
        "reference": record.reference,
        "title": record.title,
        "link": notify.link("decisions:detail", record.reference, request=request),
        **extra,
    }
    notify.send(event, to=to, context=context, obj=record, request=request)


def _award_letters(record, request) -> None:
    """The PCC approved: each award's applicant gets the award letter (amount, conditions, the record)."""
    from svduty.web.commissioning import notify
    from svduty.web.core.money import format_pence

    for award in record.awards.select_related("application__organisation", "application__round"):
        app = award.application
        notify.send(
            "award_letter",
            to=notify.applicant_users(app),
            context={
                "application": app,
                "reference": app.reference,
                "amount": award.amount_display,
                "years": ", ".join(
                    f"{c.financial_year}: {format_pence(c.amount_pence, whole=True)}" for c in award.commitments.all()
                ),
                "conditions": award.conditions,
                "decision_reference": record.reference,
                "link": notify.link("commissioning:application", app.pk, request=request),
            },
            obj=app,
            request=request,
        )


def _record(reference):
    return get_object_or_404(DecisionRecord, reference=reference)


@require(perms.can_view_decisions)
def record_list(request):
    records = DecisionRecord.objects.all()
    state = request.GET.get("state")
    if state:
        records = records.filter(state=state)
    from svduty.web.core.pagination import paginate

    paged = paginate(request, records)
    return render(
        request,
        "decisions/list.html",
        {
            "records": paged["page"].object_list,
            "pagination": paged["pagination"],
            "can_create": perms.can_create_decision(request.user),
            "state": state,
            "states": State.choices,
        },
    )


@require(perms.can_create_decision)
def record_new(request):
    form = DecisionRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = form.save(commit=False)
        record.created_by = request.user
        record.save()
        DecisionEvent.objects.create(record=record, action="draft", to_state=record.state, user=request.user)
        messages.success(request, _("Decision record %(ref)s drafted") % {"ref": record.reference})
        return redirect("decisions:detail", record.reference)
    return render(request, "decisions/form.html", {"form": form, "title": _("New decision record")})


@require(perms.can_view_decisions)
def record_detail(request, reference):
    record = _record(reference)
    user = request.user
    last = record.events.order_by("-at", "-id").first()
    return render(
        request,
        "decisions/detail.html",
        {
            "record": record,
            "events": record.events.select_related("user"),
            "awards": record.awards.select_related("application__organisation"),
            "can_edit": perms.can_edit_decision(user, record),
            "can_submit": perms.can_submit_for_approval(user, record),
            "can_return": perms.can_return_decision(user, record),
            "returned": last if last and last.action == "return" and record.state == State.DRAFT else None,
            "can_approve": perms.can_officer_approve(user, record),
            "can_decide": perms.can_decide(user, record),
            "can_publish": perms.can_publish(user, record),
            "missing": perms.missing_for_approval(record) if record.state == "draft" else [],
            "workflow": DECISION_WORKFLOW,
        },
    )


def record_edit(request, reference):
    record = _record(reference)
    denied = check(request, perms.can_edit_decision(request.user, record))
    if denied:
        return denied
    form = DecisionRecordForm(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        # Save only while the record is still a draft, checked on a locked fresh copy: the Chief Executive may have
        # approved it since this request loaded it, and the approved text must not change. Only the form's fields
        # are written, so a stale state or approval never overwrites the saved one.
        with transaction.atomic():
            fresh = DecisionRecord.objects.select_for_update().get(pk=record.pk)
            if not perms.can_edit_decision(request.user, fresh):
                messages.error(request, _("%(ref)s was not saved: it is no longer a draft") % {"ref": record.reference})
                return redirect("decisions:detail", record.reference)
            form.instance.save(update_fields=DecisionRecordForm.Meta.fields)
        messages.success(request, _("%(ref)s saved") % {"ref": record.reference})
        return redirect("decisions:detail", record.reference)
    return render(
        request,
        "decisions/form.html",
        {"form": form, "title": _("Edit %(ref)s") % {"ref": record.reference}, "record": record},
    )


def record_submit(request, reference):
    """An officer sends a complete draft to the Chief Executive (issue 17 defect 7: drafts reached the CE's list
    the moment they were created)."""
    record = _record(reference)
    denied = check(request, perms.can_submit_for_approval(request.user, record))
    if denied:
        return denied
    if request.method == "POST":
        try:
            perform(DECISION_WORKFLOW, "submit", record, request.user)
        except TransitionRefused as exc:
            messages.error(request, str(exc))
            return redirect("decisions:detail", record.reference)
        from svduty.web.commissioning import notify

        _notify("decision_awaiting_ce", record, notify.users_with_role("chief_executive"), request)
        messages.success(request, _("%(ref)s submitted for officer approval") % {"ref": record.reference})
        return redirect("decisions:detail", record.reference)
    return render(request, "decisions/submit.html", {"record": record})


def record_return(request, reference):
    """The Chief Executive returns a submitted record to draft with comments, kept in its history."""
    record = _record(reference)
    denied = check(request, perms.can_return_decision(request.user, record))
    if denied:
        return denied
    form = ReturnForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            perform(DECISION_WORKFLOW, "return", record, request.user, note=form.cleaned_data["comments"])
        except TransitionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(ref)s returned to the officers") % {"ref": record.reference})
            return redirect("decisions:detail", record.reference)
    return render(request, "decisions/return.html", {"record": record, "form": form})


def record_approve(request, reference):
    record = _record(reference)
    denied = check(request, perms.can_officer_approve(request.user, record))
    if denied:
        return denied
    form = OfficerApprovalForm(request.POST or None, initial={"officer_name": request.user.get_full_name()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            perform(
                DECISION_WORKFLOW,
                "officer_approve",
                record,
                request.user,
                note=data["note"],
                officer_name=data["officer_name"],
                officer_approved_by=request.user,
                officer_approved_at=timezone.now(),
                financial_advice_taken=True,
                legal_advice_taken=True,
                equalities_advice_taken=True,
            )
        except TransitionRefused as exc:
            form.add_error(None, str(exc))
        else:
            from svduty.web.commissioning import notify

            _notify("decision_awaiting_pcc", record, notify.users_with_role("pcc"), request)
            messages.success(request, _("Officer approval given for %(ref)s") % {"ref": record.reference})
            return redirect("decisions:detail", record.reference)
    return render(request, "decisions/approve.html", {"record": record, "form": form})


def record_decide(request, reference):
    record = _record(reference)
    denied = check(request, perms.can_decide(request.user, record))
    if denied:
        return denied
    form = PCCDecisionForm(request.POST or None, record=record, initial={"pcc_signature": request.user.get_full_name()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            perform(
                DECISION_WORKFLOW,
                "decide",
                record,
                request.user,
                note=f"{dict(form.fields['decision'].choices)[data['decision']]}",
                decision=data["decision"],
                decision_text=data["decision_text"],
                pcc_has_interest=data["pcc_has_interest"],
                pcc_interest_details=data["pcc_interest_details"],
                pcc_signature=data["pcc_signature"],
                decided_by=request.user,
                decided_on=data["decided_on"],
            )
        except TransitionRefused as exc:
            form.add_error(None, str(exc))
        else:
            if record.decision == Outcome.APPROVED:
                _award_letters(record, request)
            messages.success(request, _("Decision recorded for %(ref)s") % {"ref": record.reference})
            return redirect("decisions:detail", record.reference)
    return render(request, "decisions/decide.html", {"record": record, "form": form})


def record_publish(request, reference):
    record = _record(reference)
    if request.method == "POST" and record.state == State.PUBLISHED and perms.may_publish_decisions(request.user):
        # A second publish arriving after the first landed (the PCC and an officer, a double click): done already.
        messages.info(request, _("%(ref)s was already published: nothing more to do") % {"ref": record.reference})
        return redirect("decisions:detail", record.reference)
    denied = check(request, perms.can_publish(request.user, record))
    if denied:
        return denied
    if request.method == "POST":
        try:
            perform(DECISION_WORKFLOW, "publish", record, request.user, published_at=timezone.now())
        except TransitionRefused:
            # The losing request of two publishes (the PCC and an officer, or a double click): already done.
            messages.info(request, _("%(ref)s was already published: nothing more to do") % {"ref": record.reference})
            return redirect("decisions:detail", record.reference)
        public_pdf(record)  # rendered once now, so no anonymous request ever waits for WeasyPrint
        if record.publication_deferred:
            messages.success(
                request,
                _("%(ref)s published; it appears on the public register on %(d)s")
                % {"ref": record.reference, "d": f"{record.deferred_until:%d %B %Y}"},
            )
        else:
            messages.success(request, _("%(ref)s published on the public register") % {"ref": record.reference})
        return redirect("decisions:detail", record.reference)
    return render(request, "decisions/publish.html", {"record": record})


def render_pdf(record, *, public: bool) -> bytes:
    """The decision record as PDF (WeasyPrint, same template as the print view; no network fetches). The public
    copy shows Section B exactly when the public page does."""
    from svduty.web.core.pdf import html_to_pdf
    from svduty.web.public.permissions import can_see_section_b

    context = {
        "record": record,
        "public": public,
        "awards": record.awards.all(),
        "show_section_b": can_see_section_b(record),
    }
    return html_to_pdf(render_to_string("decisions/record_pdf.html", context))


def public_pdf(record):
    """The stored public PDF of a published record, rendering it the first time (two first requests at once both
    render, and the second keeps the first's copy)."""
    import hashlib

    from django.db import IntegrityError

    from .models import PublishedPDF

    stored = PublishedPDF.objects.filter(record=record).first()
    if stored is not None:
        return stored
    # The stored copy is the record as published, the same for every visitor: in the service's language, never the
    # language of whoever happened to ask first.
    with translation.override(settings.LANGUAGE_CODE):
        pdf = render_pdf(record, public=True)
    try:
        with transaction.atomic():
            return PublishedPDF.objects.create(record=record, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest())
    except IntegrityError:
        return PublishedPDF.objects.get(record=record)


def record_pdf(request, reference):
    record = _record(reference)
    denied = check(request, perms.can_download_pdf(request.user, record))
    if denied:
        return denied
    response = HttpResponse(render_pdf(record, public=False), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{record.reference}.pdf"'
    return response
