"""Views for rounds, question sets, panels, the EOI page and awards. Every access decision calls a function in
``permissions``. The applicant's journey is in ``applicant_views``, assessment and determinations in
``review_views``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from svduty.web.core.permissions import is_staff_role, organisation_of
from svduty.web.core.views import check, require

from . import notify
from . import permissions as perms
from .applicant_views import _application
from .application_forms import MessageForm, StartForm, missing_for_submission
from .forms import AgreementForm, CriterionForm, PanelForm, QuestionForm, RoundForm
from .models import Application, Award, Panel, Question, Round, Score
from .options import ApplicationStatus


@require(perms.can_list_rounds)
def rounds(request):
    items = Round.objects.select_related("stream")
    return render(request, "commissioning/rounds.html", {"rounds": items, "can_manage": is_staff_role(request.user)})


@require(perms.can_manage_rounds)
def round_new(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round_ = form.save(commit=False)
        round_.partnership = round_.stream.partnership
        round_.save()
        form.save_m2m()
        messages.success(request, _("Round “%(title)s” created") % {"title": round_.title})
        return redirect("commissioning:round", round_.pk)
    return render(request, "commissioning/round_form.html", {"form": form, "title": _("New funding round")})


def round_context(request, round_, start_form=None) -> dict:
    org = organisation_of(request.user)
    own = Application.objects.filter(round=round_, organisation=org) if org else Application.objects.none()
    can_manage = perms.can_manage_rounds(request.user)
    return {
        "round": round_,
        "can_apply": perms.can_apply(request.user, round_),
        "can_manage": can_manage,
        "own_applications": own,
        "is_open": round_.is_open(),
        "start_form": start_form or StartForm(),
        # Staff are warned while a round is open without an approved launch decision (issue 17 defect 8).
        "launch_warning": round_.launch_warning() if can_manage and round_.is_open() else "",
    }


@require(perms.can_list_rounds)
def round_detail(request, pk):
    round_ = get_object_or_404(Round.objects.select_related("stream", "launch_record"), pk=pk)
    return render(request, "commissioning/round.html", round_context(request, round_))


@require(perms.can_manage_rounds)
def round_edit(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Round updated"))
        return redirect("commissioning:round", round_.pk)
    return render(
        request, "commissioning/round_form.html", {"form": form, "title": _("Edit %(t)s") % {"t": round_.title}}
    )


@require(perms.can_manage_rounds)
def round_questions(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    form = QuestionForm(request.POST or None, initial={"order": round_.questions.count() + 1})
    if request.method == "POST" and form.is_valid():
        question = form.save(commit=False)
        question.round = round_
        question.save()
        messages.success(request, _("Question added"))
        return redirect("commissioning:round_questions", round_.pk)
    return render(request, "commissioning/questions.html", {"round": round_, "form": form})


@require(perms.can_manage_rounds)
def question_edit(request, pk):
    """Edit a question in place. Its type cannot change once applicants have answered it."""
    question = get_object_or_404(Question.objects.select_related("round"), pk=pk)
    form = QuestionForm(request.POST or None, instance=question)
    answered = question.answers.exclude(text="").exists()
    if answered:
        form.fields["kind"].disabled = True
        form.fields["kind"].help_text = _("Fixed: applicants have already answered this question")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Question updated"))
        return redirect("commissioning:round_questions", question.round_id)
    return render(request, "commissioning/question_form.html", {"question": question, "form": form})


@require(perms.can_manage_rounds)
def round_panel(request, pk):
    """The panel's membership and the weighted criteria; criteria are fixed once anyone has scored."""
    round_ = get_object_or_404(Round, pk=pk)
    panel = getattr(round_, "panel", None)
    scored = Score.objects.filter(criterion__round=round_).exists()
    panel_form = PanelForm(
        prefix="panel",
        initial={
            "name": panel.name if panel else f"{round_.title} panel",
            "members": panel.members.all() if panel else [],
        },
    )
    criterion_form = CriterionForm(prefix="criterion", initial={"order": round_.criteria.count() + 1, "max_score": 5})
    if request.method == "POST":
        if request.POST.get("kind") == "panel":
            panel_form = PanelForm(request.POST, prefix="panel")
            if panel_form.is_valid():
                panel, _created = Panel.objects.update_or_create(
                    round=round_, defaults={"name": panel_form.cleaned_data["name"]}
                )
                before = set(panel.members.values_list("pk", flat=True))
                panel.members.set(panel_form.cleaned_data["members"])
                added = [u for u in panel_form.cleaned_data["members"] if u.pk not in before]
                deadline = round_.review_deadline
                notify.send(
                    "assessor_assigned",
                    to=added,
                    context={
                        "panel": panel,
                        "round": round_,
                        "due_on": deadline,
                        "link": notify.link("commissioning:assessor_queue", request=request),
                    },
                    obj=panel,
                    request=request,
                )
                messages.success(request, _("Panel saved"))
                return redirect("commissioning:round_panel", round_.pk)
        elif request.POST.get("kind") == "criterion" and not scored:
            criterion_form = CriterionForm(request.POST, prefix="criterion")
            if criterion_form.is_valid():
                criterion_form.instance.round = round_
                criterion_form.save()
                messages.success(request, _("Criterion added"))
                return redirect("commissioning:round_panel", round_.pk)
        elif request.POST.get("kind") == "remove_criterion" and not scored:
            round_.criteria.filter(pk=request.POST.get("criterion")).delete()
            messages.success(request, _("Criterion removed"))
            return redirect("commissioning:round_panel", round_.pk)
        else:
            messages.error(request, _("Criteria cannot change once assessors have started scoring"))
            return redirect("commissioning:round_panel", round_.pk)
    return render(
        request,
        "commissioning/panel.html",
        {"round": round_, "panel_form": panel_form, "criterion_form": criterion_form, "scored": scored},
    )


@require(perms.can_manage_rounds)
@require_POST
def question_delete(request, pk):
    question = get_object_or_404(Question, pk=pk)
    round_id = question.round_id
    if question.answers.exclude(text="").exists():
        messages.error(request, _("This question already has answers, so it cannot be removed"))
    else:
        question.delete()
        messages.success(request, _("Question removed"))
    return redirect("commissioning:round_questions", round_id)


def application_detail(request, pk):
    """The EOI with its determinations, message thread and history."""
    application = _application(pk)
    denied = check(request, perms.can_view_application(request.user, application))
    if denied:
        return denied
    user = request.user
    can_see_thread = perms.can_view_messages(user, application)
    return render(
        request,
        "commissioning/application.html",
        {
            "application": application,
            "own": perms.is_own_application(user, application),
            "can_edit": perms.can_edit_application(user, application),
            "can_submit": perms.can_submit_application(user, application),
            "can_delete": perms.can_delete_draft(user, application),
            "can_withdraw": perms.can_withdraw(user, application),
            "can_resubmit": perms.can_resubmit(user, application),
            "can_award": perms.can_award(user, application),
            "can_determine": perms.can_determine(user, application),
            "can_moderate": perms.can_moderate(user, application),
            "can_score": perms.can_score(user, application),
            "can_view_reviews": perms.can_view_reviews(user, application),
            "can_message": perms.can_send_message(user, application),
            "thread": application.messages.select_related("author__profile") if can_see_thread else None,
            "determinations": application.determinations.select_related("made_by") if can_see_thread else None,
            "message_form": MessageForm(),
            "missing": missing_for_submission(application) if application.status == ApplicationStatus.DRAFT else [],
            "answers": application.answers.select_related("question"),
        },
    )


@require(lambda u: perms.role_of(u) == "provider")
def my_applications(request):
    applications = Application.objects.filter(organisation=organisation_of(request.user)).select_related(
        "round", "award"
    )
    return render(request, "commissioning/my_applications.html", {"applications": applications})


@require(perms.can_view_awards)
def awards(request):
    """Every award with its decision, agreement and payments to date."""
    from django.db.models import Sum

    rows = (
        Award.objects.select_related("application__organisation", "application__round", "decision_record")
        .annotate(paid=Sum("commitments__spend__amount_pence"))
        .order_by("application__round__title", "application__organisation__name")
    )
    from svduty.web.core.pagination import paginate

    paged = paginate(request, rows)
    return render(
        request,
        "commissioning/awards.html",
        {
            "awards": paged["page"].object_list,
            "pagination": paged["pagination"],
            "can_record": perms.is_staff_role(request.user),
        },
    )


def award_agreement(request, pk):
    award = get_object_or_404(Award.objects.select_related("application__organisation", "decision_record"), pk=pk)
    denied = check(request, perms.can_record_agreement(request.user, award), _("The PCC has not approved this award"))
    if denied:
        return denied
    form = AgreementForm(request.POST or None, initial={"signed_on": award.agreement_signed_on})
    if request.method == "POST" and form.is_valid():
        award.agreement_signed_on = form.cleaned_data["signed_on"]
        award.save(update_fields=["agreement_signed_on"])
        messages.success(
            request, _("Grant agreement with %(org)s recorded") % {"org": award.application.organisation.name}
        )
        return redirect("commissioning:awards")
    return render(request, "commissioning/agreement.html", {"award": award, "form": form})
