"""Evaluation and practice-note pages, and the public practice pages. Every access decision calls ``permissions``."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.views import check, require
from svduty.web.programmes.models import Programme

from . import permissions as perms
from .forms import EvaluationUploadForm, PracticeNoteForm
from .models import Evaluation, PracticeNote
from .notes import note_json, prefill
from .options import NoteStatus


def _evaluation(pk):
    return get_object_or_404(
        Evaluation.objects.select_related("programme__organisation", "programme__award__application"), pk=pk
    )


def _note(pk):
    return get_object_or_404(
        PracticeNote.objects.select_related("evaluation__programme__organisation", "evaluation__programme__award"),
        pk=pk,
    )


def evaluation_new(request, programme_pk):
    programme = get_object_or_404(Programme, pk=programme_pk)
    denied = check(request, perms.can_attach_evaluation(request.user, programme))
    if denied:
        return denied
    form = EvaluationUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        head = form.headline
        pdf = form.cleaned_data.get("report_pdf")
        evaluation = Evaluation.objects.create(
            programme=programme,
            title=(head.question or programme.title)[:300],
            design=head.design,
            result=form.document,
            estimate=head.estimate,
            ci_low=head.ci_low,
            ci_high=head.ci_high,
            p_value=head.p_value,
            alpha=head.alpha,
            msms_level=head.msms_level,
            msms_reason=head.msms_reason,
            synthetic=head.synthetic,
            report_pdf=pdf,
            report_pdf_name=(pdf.name[:200] if pdf else ""),
            uploaded_by=request.user,
        )
        messages.success(request, _("Evaluation %(ref)s attached") % {"ref": evaluation.reference})
        return redirect("evaluation:detail", evaluation.pk)
    return render(request, "evaluation/new.html", {"programme": programme, "form": form})


@require(perms.can_list_evaluations)
def evaluation_list(request):
    evaluations = perms.visible_evaluations(
        request.user, Evaluation.objects.select_related("programme", "practice_note")
    )
    return render(request, "evaluation/list.html", {"evaluations": evaluations})


def evaluation_detail(request, pk):
    evaluation = _evaluation(pk)
    denied = check(request, perms.can_view_evaluation(request.user, evaluation))
    if denied:
        return denied
    note = PracticeNote.objects.filter(evaluation=evaluation).first()
    context = {
        "evaluation": evaluation,
        "note": note,
        "can_make_note": perms.can_make_note(request.user, evaluation),
        "can_download": perms.can_download_report(request.user, evaluation),
    }
    return render(request, "evaluation/detail.html", context)


def report_download(request, pk):
    evaluation = _evaluation(pk)
    denied = check(request, perms.can_download_report(request.user, evaluation))
    if denied:
        return denied
    try:
        handle = evaluation.report_pdf.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    response = FileResponse(handle, as_attachment=True, filename=evaluation.report_pdf_name or "evaluation.pdf")
    response["Content-Type"] = "application/pdf"
    response["Cache-Control"] = "private, no-store"
    return response


def note_new(request, pk):
    evaluation = _evaluation(pk)
    denied = check(request, perms.can_make_note(request.user, evaluation))
    if denied:
        return denied
    form = PracticeNoteForm(request.POST or None, initial=prefill(evaluation, request.user))
    if request.method == "POST" and form.is_valid():
        note = form.save(commit=False)
        note.evaluation, note.created_by, note.is_demo = evaluation, request.user, evaluation.is_demo
        note.save()
        messages.success(request, _("Practice note %(ref)s saved as a draft") % {"ref": note.reference})
        return redirect("evaluation:note", note.pk)
    return render(request, "evaluation/note_form.html", {"evaluation": evaluation, "form": form, "note": None})


def note_detail(request, pk):
    note = _note(pk)
    denied = check(request, perms.can_view_note(request.user, note))
    if denied:
        return denied
    context = {
        "note": note,
        "evaluation": note.evaluation,
        "can_edit": perms.can_edit_note(request.user, note),
        "can_publish": perms.can_publish_note(request.user, note),
        "can_withdraw": perms.can_withdraw_note(request.user, note),
        "history": note.history.select_related("history_user")[:20],
    }
    return render(request, "evaluation/note.html", context)


def note_edit(request, pk):
    note = _note(pk)
    denied = check(request, perms.can_edit_note(request.user, note))
    if denied:
        return denied
    form = PracticeNoteForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Practice note %(ref)s saved") % {"ref": note.reference})
        return redirect("evaluation:note", note.pk)
    return render(request, "evaluation/note_form.html", {"evaluation": note.evaluation, "form": form, "note": note})


@require_POST
def note_publish(request, pk):
    with transaction.atomic():
        note = get_object_or_404(PracticeNote.objects.select_for_update(), pk=pk)
        denied = check(request, perms.can_publish_note(request.user, note))
        if denied:
            return denied
        note.status, note.published_at, note.published_by = NoteStatus.PUBLISHED, timezone.now(), request.user
        note.save()
    messages.success(request, _("Practice note %(ref)s published") % {"ref": note.reference})
    return redirect("evaluation:note", note.pk)


@require_POST
def note_withdraw(request, pk):
    with transaction.atomic():
        note = get_object_or_404(PracticeNote.objects.select_for_update(), pk=pk)
        denied = check(request, perms.can_withdraw_note(request.user, note))
        if denied:
            return denied
        note.status = NoteStatus.DRAFT
        note.save()
    messages.success(request, _("Practice note %(ref)s withdrawn from the public pages") % {"ref": note.reference})
    return redirect("evaluation:note", note.pk)


def _published():
    return perms.public_notes(
        PracticeNote.objects.select_related("evaluation__programme").prefetch_related(
            "evaluation__programme__approaches"
        )
    )


def public_list(request):
    from svduty.web.core.pagination import paginate

    paged = paginate(request, _published())
    return render(
        request, "evaluation/public_list.html", {"notes": paged["page"].object_list, "pagination": paged["pagination"]}
    )


def public_note(request, pk):
    note = get_object_or_404(_published(), pk=pk)
    if not perms.is_public(note):
        raise Http404("Not published")
    return render(request, "evaluation/public_note.html", {"note": note, "evaluation": note.evaluation})


def public_json(request):
    """Every published note, for other areas' tools (the same records as the API)."""
    base = request.build_absolute_uri("/").rstrip("/")
    notes = [note_json(n, base_url=base) for n in _published() if perms.is_public(n)]
    response = JsonResponse({"practice_notes": notes, "count": len(notes)}, json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response
