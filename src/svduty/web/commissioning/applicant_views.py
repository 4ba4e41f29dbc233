"""The applicant's journey (GOV.UK pattern): start, task list, one section a page, check answers and declaration,
confirmation with reference; then the message thread, answering a request for more information, withdrawal."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.permissions import organisation_of
from svduty.web.core.views import check
from svduty.web.workflows import APPLICATION_WORKFLOW, TransitionRefused, perform

from . import notify
from . import permissions as perms
from .application_forms import (
    SECTIONS,
    AnswerForm,
    ApplicantDeclarationForm,
    ApplicationForm,
    MessageForm,
    StartForm,
    WithdrawForm,
    missing_by_section,
    missing_for_submission,
    section_started,
)
from .models import Application, Document, Message, Round
from .options import ApplicationStatus, MessageKind


def _posted(request):
    """The POST data to bind a form to, even when empty (``request.POST or None`` left an empty POST unbound, so
    "Accept and submit" with nothing ticked showed no error)."""
    return request.POST if request.method == "POST" else None


def _application(pk):
    return get_object_or_404(Application.objects.select_related("round", "organisation", "priority"), pk=pk)


def _closed_reason(request, application) -> str:
    """Why a provider may not change their own EOI (the 403 page shows it)."""
    if not perms.is_own_application(request.user, application):
        return ""
    if application.status not in (ApplicationStatus.DRAFT, ApplicationStatus.MORE_INFO):
        return _("%(ref)s has been submitted and can no longer be changed.") % {"ref": application.reference}
    if application.status == ApplicationStatus.DRAFT and not application.round.is_open():
        return _("This round closed on %(date)s: expressions of interest can no longer be changed or submitted.") % {
            "date": f"{application.round.closes_on:%d %B %Y}"
        }
    return ""


def _mail_context(application, request, **extra) -> dict:
    return {
        "application": application,
        "reference": application.reference,
        "round": application.round,
        "link": notify.link("commissioning:application", application.pk, request=request),
        **extra,
    }


@require_POST
def apply(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    reason = "" if round_.is_open() else _("This round closed on %(date)s.") % {"date": f"{round_.closes_on:%d %B %Y}"}
    denied = check(request, perms.can_apply(request.user, round_), reason)
    if denied:
        return denied
    form = StartForm(request.POST)
    if not form.is_valid():
        # No title, no draft (an empty click used to make another "Untitled intervention", issue 17 defect 2).
        from .views import round_context

        return render(request, "commissioning/round.html", round_context(request, round_, start_form=form))
    application = Application.objects.create(
        round=round_,
        organisation=organisation_of(request.user),
        created_by=request.user,
        title=form.cleaned_data["title"].strip()[:200],
    )
    return redirect("commissioning:application_tasks", application.pk)


def application_tasks(request, pk):
    """The task list: each section with its status, then check answers and submit."""
    application = _application(pk)
    denied = check(request, perms.can_edit_application(request.user, application), _closed_reason(request, application))
    if denied:
        return denied
    missing = missing_by_section(application)
    tasks = []
    for key, title, _fields in SECTIONS:
        if key == "questions" and not application.round.questions.exists():
            continue
        if key == "documents":
            status = "optional"
        elif missing[key]:
            status = "in_progress" if section_started(application, key) else "not_started"
        else:
            status = "completed"
        tasks.append({"key": key, "title": title, "status": status, "missing": missing[key]})
    return render(
        request,
        "commissioning/application_tasks.html",
        {
            "application": application,
            "tasks": tasks,
            "complete": not any(missing.values()),
            "done": sum(1 for t in tasks if t["status"] == "completed"),
            "countable": sum(1 for t in tasks if t["status"] != "optional"),
            "more_info": application.status == ApplicationStatus.MORE_INFO,
        },
    )


def application_edit(request, pk, section=None):
    """One section of the EOI (or, without ``section``, all of it on one page)."""
    application = _application(pk)
    denied = check(request, perms.can_edit_application(request.user, application), _closed_reason(request, application))
    if denied:
        return denied
    if section is not None and section not in {key for key, _t, _f in SECTIONS}:
        raise Http404
    form = ApplicationForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        instance=application,
        round_=application.round,
        section=section,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save(user=request.user)
        if request.POST.get("then") == "submit":
            missing = missing_for_submission(application)
            if missing:
                messages.error(
                    request, _("Saved. Before you can submit, add %(items)s") % {"items": "; ".join(missing)}
                )
                return redirect("commissioning:application_tasks", application.pk)
            return redirect("commissioning:application_submit", application.pk)
        if section is None:
            messages.success(request, _("Your draft is saved"))
            return redirect("commissioning:application_edit", application.pk)
        messages.success(request, _("Your answers are saved"))
        return redirect("commissioning:application_tasks", application.pk)
    titles = {key: title for key, title, _f in SECTIONS}
    return render(
        request,
        "commissioning/application_form.html",
        {
            "application": application,
            "form": form,
            "section": section,
            "section_title": titles.get(section),
            "documents": application.documents.filter(question__isnull=True),
        },
    )


def application_submit(request, pk):
    """Check your answers, the declaration, then submit."""
    application = _application(pk)
    if (
        request.method == "POST"
        and perms.is_own_application(request.user, application)
        and application.status == ApplicationStatus.SUBMITTED
    ):
        # A second click or tab arriving after the first submit landed: done already, not "not allowed".
        messages.info(request, _("%(ref)s was already submitted: nothing more to do") % {"ref": application.reference})
        return redirect("commissioning:application", application.pk)
    denied = check(
        request, perms.can_submit_application(request.user, application), _closed_reason(request, application)
    )
    if denied:
        return denied
    missing = missing_for_submission(application)
    form = ApplicantDeclarationForm(_posted(request), initial={"full_name": request.user.get_full_name()})
    if request.method == "POST" and not missing and form.is_valid():
        try:
            perform(
                APPLICATION_WORKFLOW,
                "submit",
                application,
                request.user,
                submitted_at=timezone.now(),
                declared_at=timezone.now(),
                declaration_name=form.cleaned_data["full_name"],
            )
        except TransitionRefused:
            # Another request (a double click, a second tab) submitted it a moment ago: that is what was wanted.
            messages.info(
                request, _("%(ref)s was already submitted: nothing more to do") % {"ref": application.reference}
            )
            return redirect("commissioning:application", application.pk)
        notify.send(
            "eoi_submitted",
            to=[request.user, *notify.applicant_users(application)],
            context=_mail_context(application, request),
            obj=application,
            request=request,
        )
        return redirect("commissioning:application_confirmation", application.pk)
    return render(
        request,
        "commissioning/application_submit.html",
        {
            "application": application,
            "missing": missing,
            "form": form,
            "sections": SECTIONS,
            "answers": application.answers.select_related("question"),
            "documents": application.documents.all(),
        },
    )


def application_confirmation(request, pk):
    application = _application(pk)
    denied = check(
        request,
        perms.is_own_application(request.user, application) and application.status != ApplicationStatus.DRAFT,
    )
    if denied:
        return denied
    return render(request, "commissioning/application_confirmation.html", {"application": application})


def application_delete(request, pk):
    application = _application(pk)
    denied = check(request, perms.can_delete_draft(request.user, application))
    if denied:
        return denied
    if request.method == "POST":
        title = application.title
        application.delete()
        messages.success(request, _("Draft “%(title)s” deleted") % {"title": title})
        return redirect("commissioning:my_applications")
    return render(request, "commissioning/application_delete.html", {"application": application})


def application_withdraw(request, pk):
    application = _application(pk)
    denied = check(request, perms.can_withdraw(request.user, application))
    if denied:
        return denied
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            with transaction.atomic():
                perform(APPLICATION_WORKFLOW, "withdraw", application, request.user, withdrawn_reason=reason)
                Message.objects.create(
                    application=application,
                    author=request.user,
                    kind=MessageKind.MESSAGE,
                    body=_("Application withdrawn: %(reason)s") % {"reason": reason},
                )
        except TransitionRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(ref)s withdrawn") % {"ref": application.reference})
            return redirect("commissioning:application", application.pk)
    return render(request, "commissioning/application_withdraw.html", {"application": application, "form": form})


@require_POST
def message_send(request, pk):
    application = _application(pk)
    denied = check(request, perms.can_send_message(request.user, application))
    if denied:
        return denied
    form = MessageForm(request.POST)
    if form.is_valid():
        Message.objects.create(application=application, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Message sent"))
    else:
        messages.error(request, _("Enter a message"))
    return redirect(_detail_url(application) + "#messages")


def _detail_url(application):
    from django.urls import reverse

    return reverse("commissioning:application", args=[application.pk])


def application_resubmit(request, pk):
    """The applicant answers the request for more information and resubmits."""
    application = _application(pk)
    denied = check(request, perms.can_resubmit(request.user, application))
    if denied:
        return denied
    request_message = application.messages.filter(kind=MessageKind.REQUEST).order_by("-sent_at", "-id").first()
    form = AnswerForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        answer = form.cleaned_data["answer"]
        try:
            with transaction.atomic():
                perform(APPLICATION_WORKFLOW, "resubmit", application, request.user)
                Message.objects.create(
                    application=application, author=request.user, kind=MessageKind.ANSWER, body=answer
                )
        except TransitionRefused as exc:
            form.add_error(None, str(exc))
        else:
            notify.send(
                "more_info_answered",
                to=notify.officers(),
                context=_mail_context(application, request, message=answer),
                obj=application,
                request=request,
            )
            messages.success(request, _("%(ref)s resubmitted with your answer") % {"ref": application.reference})
            return redirect("commissioning:application", application.pk)
    return render(
        request,
        "commissioning/application_resubmit.html",
        {"application": application, "form": form, "request_message": request_message},
    )


def document_download(request, pk):
    document = get_object_or_404(Document.objects.select_related("application"), pk=pk)
    denied = check(request, perms.can_download_document(request.user, document))
    if denied:
        return denied
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    response = FileResponse(handle, as_attachment=True, filename=document.original_name)
    response["Content-Type"] = document.content_type
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def document_delete(request, pk):
    document = get_object_or_404(Document.objects.select_related("application__round"), pk=pk)
    application = document.application
    denied = check(request, perms.can_upload_document(request.user, application))
    if denied:
        return denied
    name = document.original_name
    if document.question_id:
        application.answers.filter(question_id=document.question_id).update(text="")
    document.file.delete(save=False)
    document.delete()
    messages.success(request, _("%(name)s removed") % {"name": name})
    return redirect("commissioning:application_section", application.pk, "documents")
