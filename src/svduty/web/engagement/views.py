"""Consultations: set-up, questions, responses (entered or imported from CSV), theme coding, findings, the
"we asked, you said, we did" summary and its publication."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.views import check, require
from svduty.web.partnership.models import Partnership
from svduty.web.workflows import TransitionRefused

from . import permissions as perms
from . import summary
from .forms import (
    CodingForm,
    ConsultationForm,
    FindingForm,
    ImportForm,
    QuestionForm,
    ResponseForm,
    SummaryForm,
    ThemeForm,
)
from .importing import import_csv
from .models import Answer, Consultation, Question, Response
from .workflow import CONSULTATION_WORKFLOW, take


@require(perms.can_view_engagement)
def consultations(request):
    from .models import Network

    return render(
        request,
        "engagement/consultations.html",
        {
            "consultations": Consultation.objects.all(),
            "networks": Network.objects.all(),
            "can_manage": perms.can_manage_engagement(request.user),
        },
    )


@require(perms.can_manage_engagement)
def consultation_new(request):
    form = ConsultationForm(request.POST or None)
    partnership = Partnership.objects.order_by("id").first()
    if request.method == "POST" and form.is_valid() and partnership:
        form.instance.partnership = partnership
        item = form.save()
        messages.success(request, _("Consultation created: add its questions"))
        return redirect("engagement:consultation", item.pk)
    return render(request, "engagement/form.html", {"form": form, "title": _("New consultation")})


@require(perms.can_view_engagement)
def consultation(request, pk):
    item = get_object_or_404(Consultation, pk=pk)
    user = request.user
    return render(
        request,
        "engagement/consultation.html",
        {
            "c": item,
            "questions": item.questions.all(),
            "themes": summary.theme_counts(item),
            "ages": summary.by_age_band(item),
            "closed_answers": summary.closed_answers(item),
            "findings": item.findings.select_related("theme"),
            "citations": _citations(item),
            "responses": item.responses.count(),
            "transitions": CONSULTATION_WORKFLOW.available(item, user),
            "can_manage": perms.can_manage_engagement(user),
            "can_read": perms.can_read_responses(user, item),
            "can_add": perms.can_add_responses(user, item),
        },
    )


def _citations(item):
    from .models import PriorityCitation

    return PriorityCitation.objects.filter(finding__consultation=item).select_related("finding", "priority")


@require(perms.can_manage_engagement)
def finding_cite(request, pk):
    """Which strategy priorities cite this finding (ticked boxes; unticking removes the citation, history kept)."""
    from .forms import CiteForm
    from .models import Finding, PriorityCitation

    finding = get_object_or_404(Finding.objects.select_related("consultation"), pk=pk)
    current = set(finding.citations.values_list("priority_id", flat=True))
    form = CiteForm(request.POST or None, initial={"priorities": list(current)})
    if request.method == "POST" and form.is_valid():
        chosen = {p.pk for p in form.cleaned_data["priorities"]}
        with transaction.atomic():
            for citation in finding.citations.exclude(priority_id__in=chosen):
                citation.delete()
            for priority_id in chosen - current:
                PriorityCitation.objects.create(priority_id=priority_id, finding=finding)
        messages.success(request, _("Citations saved"))
        return redirect("engagement:consultation", finding.consultation_id)
    context = {"form": form, "title": _("Strategy priorities citing this finding"), "c": finding.consultation}
    return render(request, "engagement/form.html", {**context, "lead": finding.text})


@require(perms.can_manage_engagement)
def consultation_edit(request, pk):
    item = get_object_or_404(Consultation, pk=pk)
    form = ConsultationForm(request.POST or None, instance=item, prefix="c")
    summary_form = SummaryForm(request.POST or None, instance=item, prefix="s")
    if request.method == "POST" and form.is_valid() and summary_form.is_valid():
        item = form.save(commit=False)
        for name in summary_form.Meta.fields:  # one save, so one history row per edit
            setattr(item, name, summary_form.cleaned_data[name])
        item.save()
        messages.success(request, _("Consultation saved"))
        return redirect("engagement:consultation", item.pk)
    context = {"form": form, "summary_form": summary_form, "title": _("Edit the consultation"), "c": item}
    return render(request, "engagement/form.html", context)


@require(perms.can_manage_engagement)
def question_new(request, pk):
    item = get_object_or_404(Consultation, pk=pk)
    form = QuestionForm(request.POST or None, consultation=item, initial={"order": item.questions.count() + 1})
    if request.method == "POST" and form.is_valid():
        form.instance.consultation = item
        form.save()
        messages.success(request, _("Question added"))
        return redirect("engagement:consultation", item.pk)
    return render(request, "engagement/form.html", {"form": form, "title": _("Add a question"), "c": item})


@require(perms.can_manage_engagement)
def theme_new(request, pk):
    item = get_object_or_404(Consultation, pk=pk)
    form = ThemeForm(request.POST or None, consultation=item)
    if request.method == "POST" and form.is_valid():
        form.instance.consultation = item
        form.save()
        messages.success(request, _("Theme added"))
        return redirect("engagement:consultation", item.pk)
    return render(request, "engagement/form.html", {"form": form, "title": _("Add a theme"), "c": item})


@require(perms.can_manage_engagement)
def finding_new(request, pk):
    item = get_object_or_404(Consultation, pk=pk)
    form = FindingForm(request.POST or None, consultation=item, initial={"order": item.findings.count() + 1})
    if request.method == "POST" and form.is_valid():
        form.instance.consultation = item
        form.save()
        messages.success(request, _("Finding added"))
        return redirect("engagement:consultation", item.pk)
    return render(request, "engagement/form.html", {"form": form, "title": _("Add a finding"), "c": item})


def responses(request, pk):
    item = get_object_or_404(Consultation, pk=pk)
    denied = check(request, perms.can_read_responses(request.user, item))
    if denied:
        return denied
    rows = item.responses.prefetch_related("answers__question", "answers__themes")
    return render(
        request, "engagement/responses.html", {"c": item, "responses": rows, "questions": item.questions.all()}
    )


def response_new(request, pk):
    item = get_object_or_404(Consultation, pk=pk)
    denied = check(request, perms.can_add_responses(request.user, item))
    if denied:
        return denied
    form = ResponseForm(request.POST or None, consultation=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            response = Response.objects.create(
                consultation=item,
                reference=data["reference"],
                submitted_on=data["submitted_on"],
                channel=data["channel"],
                age_band=data["age_band"],
                area=data["area"],
                entered_by=request.user,
            )
            Answer.objects.bulk_create(
                [
                    Answer(response=response, question=q, text=data[f"q{q.order}"])
                    for q in form.questions
                    if data.get(f"q{q.order}")
                ]
            )
        messages.success(request, _("Response %(ref)s saved") % {"ref": response.reference})
        return redirect("engagement:responses", item.pk)
    return render(request, "engagement/form.html", {"form": form, "title": _("Enter a response"), "c": item})


def responses_import(request, pk):
    item = get_object_or_404(Consultation, pk=pk)
    denied = check(request, perms.can_add_responses(request.user, item))
    if denied:
        return denied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_csv(item, upload.read(), request.user, upload.name)
        if not result.errors:
            messages.success(request, _("%(n)d responses imported") % {"n": result.created})
            return redirect("engagement:responses", item.pk)
        errors = result.errors
    context = {"form": form, "c": item, "errors": errors, "questions": item.questions.all()}
    return render(request, "engagement/import.html", context)


@require(perms.can_manage_engagement)
def coding(request, pk):
    question = get_object_or_404(Question.objects.select_related("consultation"), pk=pk)
    item = question.consultation
    answers = list(
        Answer.objects.filter(question=question).exclude(text="").select_related("response").prefetch_related("themes")
    )
    form = CodingForm(request.POST or None, answers=answers, themes=item.themes.all())
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for answer in answers:
                answer.themes.set([int(v) for v in form.cleaned_data[f"a{answer.pk}"]])
        messages.success(request, _("Themes saved for %(n)d answers") % {"n": len(answers)})
        return redirect("engagement:consultation", item.pk)
    return render(request, "engagement/coding.html", {"form": form, "question": question, "c": item})


@require_POST
def transition(request, pk, name):
    item = get_object_or_404(Consultation, pk=pk)
    try:
        step = CONSULTATION_WORKFLOW.get(name)
    except KeyError:
        raise Http404 from None
    denied = check(request, item.status in step.source and step.allowed(request.user, item))
    if denied:
        return denied
    try:
        take(name, item, request.user)
    except TransitionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Done: %(step)s") % {"step": step.label})
    return redirect("engagement:consultation", item.pk)


def public_list(request):
    items = Consultation.objects.filter(status="published").order_by("-published_at", "-id")
    return render(request, "engagement/public_list.html", {"consultations": items})


def public_detail(request, pk):
    item = get_object_or_404(Consultation, pk=pk)
    if not perms.is_public(item):
        raise Http404
    return render(
        request,
        "engagement/public_detail.html",
        {
            "c": item,
            "themes": summary.theme_counts(item),
            "findings": item.findings.all(),
            "responses": item.responses.count(),
        },
    )
