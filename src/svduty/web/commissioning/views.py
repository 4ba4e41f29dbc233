"""Views for rounds, EOIs, assessment and awards. Every access decision calls a function in ``permissions``."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from svduty.web.core.permissions import is_staff_role, organisation_of
from svduty.web.core.views import check, require
from svduty.web.funding.ledger import OverCommitment
from svduty.web.workflows import APPLICATION_WORKFLOW, TransitionRefused, perform

from . import permissions as perms
from .assessment import rank
from .awards import make_award
from .forms import (
    AgreementForm,
    ApplicationForm,
    AwardForm,
    CriterionForm,
    DeclarationForm,
    DocumentForm,
    ModerationForm,
    PanelForm,
    QuestionForm,
    RoundForm,
    ScoreForm,
    missing_for_submission,
)
from .models import Application, Award, Declaration, Document, Panel, Question, Review, Round, Score
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
        messages.success(request, f"Round “{round_.title}” created")
        return redirect("commissioning:round", round_.pk)
    return render(request, "commissioning/round_form.html", {"form": form, "title": "New funding round"})


@require(perms.can_list_rounds)
def round_detail(request, pk):
    round_ = get_object_or_404(Round.objects.select_related("stream"), pk=pk)
    org = organisation_of(request.user)
    own = Application.objects.filter(round=round_, organisation=org) if org else Application.objects.none()
    return render(
        request,
        "commissioning/round.html",
        {
            "round": round_,
            "can_apply": perms.can_apply(request.user, round_),
            "can_manage": perms.can_manage_rounds(request.user),
            "own_applications": own,
            "is_open": round_.is_open(),
        },
    )


@require(perms.can_manage_rounds)
def round_edit(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Round updated")
        return redirect("commissioning:round", round_.pk)
    return render(request, "commissioning/round_form.html", {"form": form, "title": f"Edit {round_.title}"})


@require(perms.can_manage_rounds)
def round_questions(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    form = QuestionForm(request.POST or None, initial={"order": round_.questions.count() + 1})
    if request.method == "POST" and form.is_valid():
        question = form.save(commit=False)
        question.round = round_
        question.save()
        messages.success(request, "Question added")
        return redirect("commissioning:round_questions", round_.pk)
    return render(request, "commissioning/questions.html", {"round": round_, "form": form})


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
                panel, _ = Panel.objects.update_or_create(
                    round=round_, defaults={"name": panel_form.cleaned_data["name"]}
                )
                panel.members.set(panel_form.cleaned_data["members"])
                messages.success(request, "Panel saved")
                return redirect("commissioning:round_panel", round_.pk)
        elif request.POST.get("kind") == "criterion" and not scored:
            criterion_form = CriterionForm(request.POST, prefix="criterion")
            if criterion_form.is_valid():
                criterion_form.instance.round = round_
                criterion_form.save()
                messages.success(request, "Criterion added")
                return redirect("commissioning:round_panel", round_.pk)
        elif request.POST.get("kind") == "remove_criterion" and not scored:
            round_.criteria.filter(pk=request.POST.get("criterion")).delete()
            messages.success(request, "Criterion removed")
            return redirect("commissioning:round_panel", round_.pk)
        else:
            messages.error(request, "Criteria cannot change once assessors have started scoring")
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
        messages.error(request, "This question already has answers, so it cannot be removed")
    else:
        question.delete()
        messages.success(request, "Question removed")
    return redirect("commissioning:round_questions", round_id)


@require_POST
def apply(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    reason = "" if round_.is_open() else f"This round closed on {round_.closes_on:%d %B %Y}."
    denied = check(request, perms.can_apply(request.user, round_), reason)
    if denied:
        return denied
    application = Application.objects.create(
        round=round_,
        organisation=organisation_of(request.user),
        created_by=request.user,
        title=request.POST.get("title", "").strip()[:200] or "Untitled intervention",
    )
    return redirect("commissioning:application_edit", application.pk)


def _application(pk):
    return get_object_or_404(Application.objects.select_related("round", "organisation", "priority"), pk=pk)


def application_detail(request, pk):
    application = _application(pk)
    denied = check(request, perms.can_view_application(request.user, application))
    if denied:
        return denied
    user = request.user
    return render(
        request,
        "commissioning/application.html",
        {
            "application": application,
            "can_edit": perms.can_edit_application(user, application),
            "can_award": perms.can_award(user, application),
            "can_moderate": perms.can_moderate(user, application),
            "can_score": perms.can_score(user, application),
            "missing": missing_for_submission(application) if application.status == ApplicationStatus.DRAFT else [],
            "answers": application.answers.select_related("question"),
        },
    )


def _closed_reason(request, application) -> str:
    """Why a provider may not change their own EOI (the 403 page shows it)."""
    if not perms.is_own_application(request.user, application):
        return ""
    if application.status != ApplicationStatus.DRAFT:
        return f"{application.reference} has been submitted and can no longer be changed."
    if not application.round.is_open():
        return (
            f"This round closed on {application.round.closes_on:%d %B %Y}: expressions of interest can no "
            "longer be changed or submitted."
        )
    return ""


def application_edit(request, pk):
    application = _application(pk)
    denied = check(request, perms.can_edit_application(request.user, application), _closed_reason(request, application))
    if denied:
        return denied
    form = ApplicationForm(request.POST or None, instance=application, round_=application.round)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        if request.POST.get("then") == "submit":
            missing = missing_for_submission(application)
            if missing:
                messages.error(request, "Saved. Before you can submit, add " + "; ".join(missing))
                return redirect("commissioning:application_edit", application.pk)
            return redirect("commissioning:application_submit", application.pk)
        messages.success(request, "Your draft is saved")
        return redirect("commissioning:application_edit", application.pk)
    return render(
        request,
        "commissioning/application_form.html",
        {"application": application, "form": form, "upload_form": DocumentForm()},
    )


def application_submit(request, pk):
    application = _application(pk)
    if (
        request.method == "POST"
        and perms.is_own_application(request.user, application)
        and application.status == ApplicationStatus.SUBMITTED
    ):
        # A second click or tab arriving after the first submit landed: done already, not "not allowed".
        messages.info(request, f"{application.reference} was already submitted: nothing more to do")
        return redirect("commissioning:application", application.pk)
    denied = check(
        request, perms.can_submit_application(request.user, application), _closed_reason(request, application)
    )
    if denied:
        return denied
    missing = missing_for_submission(application)
    if request.method == "POST" and not missing:
        try:
            perform(APPLICATION_WORKFLOW, "submit", application, request.user, submitted_at=timezone.now())
        except TransitionRefused:
            # Another request (a double click, a second tab) submitted it a moment ago: that is what was wanted.
            application.refresh_from_db()
            messages.info(request, f"{application.reference} was already submitted: nothing more to do")
            return redirect("commissioning:application", application.pk)
        messages.success(request, f"Expression of interest {application.reference} submitted")
        return redirect("commissioning:application", application.pk)
    return render(request, "commissioning/application_submit.html", {"application": application, "missing": missing})


@require_POST
def document_upload(request, pk):
    application = _application(pk)
    denied = check(request, perms.can_upload_document(request.user, application))
    if denied:
        return denied
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        Document.objects.create(
            application=application,
            file=upload,
            original_name=upload.name[:200],
            content_type=upload.svduty_content_type,
            size=upload.size,
            uploaded_by=request.user,
        )
        messages.success(request, f"{upload.name} uploaded")
    else:
        messages.error(request, "Upload refused: " + " ".join(form.errors.get("file", ["choose a file"])))
    return redirect("commissioning:application_edit", application.pk)


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


@require(lambda u: perms.role_of(u) == "provider")
def my_applications(request):
    applications = Application.objects.filter(organisation=organisation_of(request.user)).select_related("round")
    return render(request, "commissioning/my_applications.html", {"applications": applications})


@require(perms.can_assess)
def assessor_queue(request):
    """The EOIs on the assessor's panels with their own declaration and review: three queries whatever the numbers
    (it made two per EOI), 50 to a page."""
    from django.db.models import Prefetch

    from svduty.web.core.pagination import paginate

    user = request.user
    apps = (
        Application.objects.filter(round__panel__members=user)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("organisation", "round")
        .prefetch_related(
            Prefetch("declarations", queryset=Declaration.objects.filter(assessor=user), to_attr="own_declarations"),
            Prefetch("reviews", queryset=Review.objects.filter(assessor=user), to_attr="own_reviews"),
        )
        .order_by("-round__opens_on", "round__title", "id")
    )
    paged = paginate(request, apps)
    rows = [
        {
            "round": app.round,
            "application": app,
            "declaration": app.own_declarations[0] if app.own_declarations else None,
            "review": app.own_reviews[0] if app.own_reviews else None,
        }
        for app in paged["page"].object_list
    ]
    return render(request, "commissioning/assessor_queue.html", {"rows": rows, "pagination": paged["pagination"]})


def declare(request, pk):
    """Shows only the applicant's name and the intervention's title: the EOI itself stays hidden until declared."""
    application = _application(pk)
    denied = check(request, perms.can_declare(request.user, application))
    if denied:
        return denied
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            Declaration.objects.create(
                application=application,
                assessor=request.user,
                has_conflict=form.cleaned_data["has_conflict"],
                details=form.cleaned_data["details"],
            )
        except IntegrityError:
            messages.error(request, "You have already declared your interests for this application")
            return redirect("commissioning:assessor_queue")
        if form.cleaned_data["has_conflict"]:
            messages.success(request, "Conflict recorded: you will not see or score this application")
            return redirect("commissioning:assessor_queue")
        messages.success(request, "No conflict recorded: you can now read and score the application")
        return redirect("commissioning:score", application.pk)
    return render(request, "commissioning/declare.html", {"application": application, "form": form})


def score(request, pk):
    application = _application(pk)
    denied = check(request, perms.can_score(request.user, application))
    if denied:
        return denied
    criteria = application.round.criteria.all()
    review = Review.objects.filter(application=application, assessor=request.user).first()
    locked = perms.scores_locked(application)
    form = ScoreForm(request.POST or None, criteria=criteria, review=review)
    if request.method == "POST" and not locked and form.is_valid():
        with transaction.atomic():
            # The EOI row is locked as moderation locks it, so a score cannot land after a moderation that was
            # made without it (the check is repeated on the locked row).
            Application.objects.select_for_update().get(pk=application.pk)
            if perms.scores_locked(application):
                locked = True
            else:
                review, _ = Review.objects.update_or_create(
                    application=application, assessor=request.user, defaults={"comment": form.cleaned_data["comment"]}
                )
                for criterion in form.criteria:
                    Score.objects.update_or_create(
                        review=review,
                        criterion=criterion,
                        defaults={"score": form.cleaned_data[f"criterion_{criterion.pk}"]},
                    )
        if not locked:
            messages.success(request, f"Scores saved: {review.weighted_percent()} out of 100 (weighted)")
            return redirect("commissioning:assessor_queue")
    if locked and request.method == "POST":
        messages.error(request, f"Scores not saved: {application.reference} has been moderated, so scores are fixed")
        return redirect("commissioning:score", application.pk)
    return render(
        request,
        "commissioning/score.html",
        {
            "application": application,
            "form": form,
            "locked": locked,
            "moderation": application.moderations.select_related("moderated_by").first() if locked else None,
            "answers": application.answers.select_related("question"),
        },
    )


def round_assessment(request, pk):
    round_ = get_object_or_404(Round, pk=pk)
    denied = check(request, perms.can_view_assessment(request.user, round_))
    if denied:
        return denied
    return render(request, "commissioning/assessment.html", {"round": round_, "ranking": rank(round_)})


def moderate(request, pk):
    application = _application(pk)
    denied = check(request, perms.can_moderate(request.user, application))
    if denied:
        return denied
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            Application.objects.select_for_update().get(pk=application.pk)  # serialises with a score being saved
            moderation = form.save(commit=False)
            moderation.application = application
            moderation.moderated_by = request.user
            moderation.save()
        messages.success(request, f"Moderated score {moderation.score_percent} recorded")
        return redirect("commissioning:round_assessment", application.round_id)
    return render(
        request,
        "commissioning/moderate.html",
        {"application": application, "form": form, "history": application.moderations.select_related("moderated_by")},
    )


def award(request, pk):
    application = _application(pk)
    denied = check(request, perms.can_award(request.user, application))
    if denied:
        return denied
    form = AwardForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            from svduty.web.decisions.models import DecisionRecord

            choice = form.cleaned_data.get("record") or "new"
            record = None if choice == "new" else DecisionRecord.objects.get(reference=choice)
            made = make_award(application, form.split(), form.cleaned_data["conditions"], request.user, record)
        except (OverCommitment, TransitionRefused) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Award of {made.amount_display} recorded; decision record {made.decision_record.reference} drafted",
            )
            return redirect("decisions:detail", made.decision_record.reference)
    return render(request, "commissioning/award.html", {"application": application, "form": form})


@require_POST
def decline(request, pk):
    application = _application(pk)
    try:
        perform(APPLICATION_WORKFLOW, "decline", application, request.user)
    except TransitionRefused:
        return check(request, False)
    messages.success(request, f"{application.reference} marked not awarded")
    return redirect("commissioning:round_assessment", application.round_id)


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
    denied = check(request, perms.can_record_agreement(request.user, award), "The PCC has not approved this award")
    if denied:
        return denied
    form = AgreementForm(request.POST or None, initial={"signed_on": award.agreement_signed_on})
    if request.method == "POST" and form.is_valid():
        award.agreement_signed_on = form.cleaned_data["signed_on"]
        award.save(update_fields=["agreement_signed_on"])
        messages.success(request, f"Grant agreement with {award.application.organisation.name} recorded")
        return redirect("commissioning:awards")
    return render(request, "commissioning/agreement.html", {"award": award, "form": form})
