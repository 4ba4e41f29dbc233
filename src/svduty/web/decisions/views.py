"""Decision records: list, draft, officer approval, PCC decision, publication, PDF."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from svduty.web.core.views import check, require
from svduty.web.workflows import DECISION_WORKFLOW, TransitionRefused, perform

from . import permissions as perms
from .forms import DecisionRecordForm, OfficerApprovalForm, PCCDecisionForm
from .models import DecisionEvent, DecisionRecord
from .options import State


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
        messages.success(request, f"Decision record {record.reference} drafted")
        return redirect("decisions:detail", record.reference)
    return render(request, "decisions/form.html", {"form": form, "title": "New decision record"})


@require(perms.can_view_decisions)
def record_detail(request, reference):
    record = _record(reference)
    user = request.user
    return render(
        request,
        "decisions/detail.html",
        {
            "record": record,
            "events": record.events.select_related("user"),
            "awards": record.awards.select_related("application__organisation"),
            "can_edit": perms.can_edit_decision(user, record),
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
                messages.error(request, f"{record.reference} was not saved: it is no longer a draft")
                return redirect("decisions:detail", record.reference)
            form.instance.save(update_fields=DecisionRecordForm.Meta.fields)
        messages.success(request, f"{record.reference} saved")
        return redirect("decisions:detail", record.reference)
    return render(request, "decisions/form.html", {"form": form, "title": f"Edit {record.reference}", "record": record})


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
            messages.success(request, f"Officer approval given for {record.reference}")
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
            messages.success(request, f"Decision recorded for {record.reference}")
            return redirect("decisions:detail", record.reference)
    return render(request, "decisions/decide.html", {"record": record, "form": form})


def record_publish(request, reference):
    record = _record(reference)
    if request.method == "POST" and record.state == State.PUBLISHED and perms.may_publish_decisions(request.user):
        # A second publish arriving after the first landed (the PCC and an officer, a double click): done already.
        messages.info(request, f"{record.reference} was already published: nothing more to do")
        return redirect("decisions:detail", record.reference)
    denied = check(request, perms.can_publish(request.user, record))
    if denied:
        return denied
    if request.method == "POST":
        try:
            perform(DECISION_WORKFLOW, "publish", record, request.user, published_at=timezone.now())
        except TransitionRefused:
            # The losing request of two publishes (the PCC and an officer, or a double click): already done.
            messages.info(request, f"{record.reference} was already published: nothing more to do")
            return redirect("decisions:detail", record.reference)
        public_pdf(record)  # rendered once now, so no anonymous request ever waits for WeasyPrint
        if record.publication_deferred:
            messages.success(
                request,
                f"{record.reference} published; it appears on the public register on {record.deferred_until:%d %B %Y}",
            )
        else:
            messages.success(request, f"{record.reference} published on the public register")
        return redirect("decisions:detail", record.reference)
    return render(request, "decisions/publish.html", {"record": record})


def render_pdf(record, *, public: bool) -> bytes:
    """The decision record as PDF (WeasyPrint, same template as the print view; no network fetches). The public
    copy shows Section B exactly when the public page does."""
    from weasyprint import HTML

    from svduty.web.public.permissions import can_see_section_b

    context = {
        "record": record,
        "public": public,
        "awards": record.awards.all(),
        "show_section_b": can_see_section_b(record),
    }
    html = render_to_string("decisions/record_pdf.html", context)
    return HTML(string=html).write_pdf()


def public_pdf(record):
    """The stored public PDF of a published record, rendering it the first time (two first requests at once both
    render, and the second keeps the first's copy)."""
    import hashlib

    from django.db import IntegrityError

    from .models import PublishedPDF

    stored = PublishedPDF.objects.filter(record=record).first()
    if stored is not None:
        return stored
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
