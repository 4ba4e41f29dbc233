"""Assessment and determinations: the assessor's queue, declarations, full reviews, the reviews page, the ranking
with its funding line, moderation (and re-opening it), more information, award and decline with their guards."""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from svduty.web.core.pagination import paginate
from svduty.web.core.views import check, require
from svduty.web.funding.ledger import OverCommitment
from svduty.web.workflows import APPLICATION_WORKFLOW, TransitionRefused, perform

from . import notify
from . import permissions as perms
from .applicant_views import _application, _mail_context, _posted
from .assessment import headroom, rank, standing_moderation
from .awards import make_award
from .forms import AwardForm, DeclarationForm, DeclineForm, ModerationForm, ReopenForm, RequestInfoForm, ScoreForm
from .models import (
    Application,
    Declaration,
    Determination,
    Message,
    ModerationReopening,
    Review,
    Round,
    Score,
)
from .options import ApplicationStatus, MessageKind, Outcome

RANKING_PER_PAGE = 25


@require(perms.can_assess)
def assessor_queue(request):
    """The EOIs on the assessor's panels with their own declaration and review: three queries whatever the numbers
    (it made two per EOI), 50 to a page."""
    user = request.user
    apps = (
        Application.objects.filter(round__panel__members=user)
        .exclude(status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN))
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
            "deadline": app.round.review_deadline,
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
    form = DeclarationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            Declaration.objects.create(
                application=application,
                assessor=request.user,
                has_conflict=form.cleaned_data["has_conflict"],
                details=form.cleaned_data["details"],
            )
        except IntegrityError:
            messages.error(request, _("You have already declared your interests for this application"))
            return redirect("commissioning:assessor_queue")
        if form.cleaned_data["has_conflict"]:
            messages.success(request, _("Conflict recorded: you will not see or score this application"))
            return redirect("commissioning:assessor_queue")
        messages.success(request, _("No conflict recorded: you can now read and score the application"))
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
    form = ScoreForm(_posted(request), criteria=criteria, review=review)
    if request.method == "POST" and not locked and form.is_valid():
        with transaction.atomic():
            # The EOI row is locked as moderation locks it, so a score cannot land after a moderation that was
            # made without it (the check is repeated on the locked row).
            Application.objects.select_for_update().get(pk=application.pk)
            if perms.scores_locked(application):
                locked = True
            else:
                review, _created = Review.objects.update_or_create(
                    application=application,
                    assessor=request.user,
                    defaults={
                        "comment": form.cleaned_data["comment"],
                        "recommendation": form.cleaned_data["recommendation"],
                    },
                )
                for criterion in form.criteria:
                    Score.objects.update_or_create(
                        review=review,
                        criterion=criterion,
                        defaults={
                            "score": form.cleaned_data[f"criterion_{criterion.pk}"],
                            "comment": form.cleaned_data[f"comment_{criterion.pk}"],
                        },
                    )
        if not locked:
            messages.success(
                request, _("Scores saved: %(score)s out of 100 (weighted)") % {"score": review.weighted_percent()}
            )
            return redirect("commissioning:assessor_queue")
    if locked and request.method == "POST":
        messages.error(
            request,
            _("Scores not saved: %(ref)s has been moderated, so scores are fixed") % {"ref": application.reference},
        )
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


def application_reviews(request, pk):
    """Every review of one EOI: each assessor's score and comment per criterion, recommendation and comments."""
    application = _application(pk)
    denied = check(request, perms.can_view_reviews(request.user, application))
    if denied:
        return denied
    criteria = list(application.round.criteria.all())
    reviews = application.reviews.select_related("assessor__profile__organisation").prefetch_related("scores")
    rows = []
    for review in reviews:
        scores = {s.criterion_id: s for s in review.scores.all()}
        rows.append(
            {
                "review": review,
                "percent": review.weighted_percent(criteria),
                "scores": [(c, scores.get(c.pk)) for c in criteria],
            }
        )
    ranked = next((r for r in rank(application.round) if r.application.pk == application.pk), None)
    return render(
        request,
        "commissioning/reviews.html",
        {
            "application": application,
            "rows": rows,
            "criteria": criteria,
            "ranked": ranked,
            "conflicts": application.declarations.filter(has_conflict=True).select_related("assessor"),
            "locked": perms.scores_locked(application),
            "can_reopen": perms.can_reopen_moderation(request.user, application),
            "moderation": standing_moderation(application),
        },
    )


def round_assessment(request, pk):
    """The ranking, 25 to a page, with spread and disagreement, the cumulative amount requested against the
    round's budget (the funding line) and the stream's headroom per year."""
    round_ = get_object_or_404(Round.objects.select_related("stream"), pk=pk)
    denied = check(request, perms.can_view_assessment(request.user, round_))
    if denied:
        return denied
    ranking = rank(round_)
    for position, row in enumerate(ranking, start=1):
        row.position = position
    paged = paginate(request, ranking, per_page=RANKING_PER_PAGE)
    return render(
        request,
        "commissioning/assessment.html",
        {
            "round": round_,
            "ranking": paged["page"].object_list,
            "pagination": paged["pagination"],
            "headroom": headroom(round_),
            "requested_total": sum(r.application.requested_pence for r in ranking),
            "disagreements": sum(1 for r in ranking if r.disagreement),
        },
    )


def moderate(request, pk):
    application = _application(pk)
    denied = check(request, perms.can_moderate(request.user, application))
    if denied:
        return denied
    form = ModerationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            Application.objects.select_for_update().get(pk=application.pk)  # serialises with a score being saved
            moderation = form.save(commit=False)
            moderation.application = application
            moderation.moderated_by = request.user
            moderation.save()
        messages.success(
            request,
            _("Moderated score %(score)s recorded: assessors' scores are now fixed")
            % {"score": moderation.score_percent},
        )
        return redirect("commissioning:round_assessment", application.round_id)
    return render(
        request,
        "commissioning/moderate.html",
        {
            "application": application,
            "form": form,
            "history": application.moderations.select_related("moderated_by"),
            "reopenings": application.reopenings.select_related("reopened_by"),
        },
    )


def moderation_reopen(request, pk):
    """Re-open moderation explicitly, with a reason recorded, so assessors may change their scores (issue 10
    finding 7: scores were changeable after moderation with no warning)."""
    application = _application(pk)
    denied = check(request, perms.can_reopen_moderation(request.user, application))
    if denied:
        return denied
    form = ReopenForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            Application.objects.select_for_update().get(pk=application.pk)
            reopening = ModerationReopening.objects.create(
                application=application, reason=form.cleaned_data["reason"], reopened_by=request.user
            )
        notify.send(
            "moderation_reopened",
            to=notify.scoring_assessors(application),
            context={
                "application": application,
                "reference": application.reference,
                "reason": reopening.reason,
                "link": notify.link("commissioning:score", application.pk, request=request),
            },
            obj=application,
            request=request,
        )
        messages.success(request, _("Moderation re-opened: assessors can change their scores"))
        return redirect("commissioning:application_reviews", application.pk)
    return render(request, "commissioning/reopen.html", {"application": application, "form": form})


def request_info(request, pk):
    """The "more information requested" determination: a message to the applicant, who answers and resubmits."""
    application = _application(pk)
    denied = check(
        request, perms.can_determine(request.user, application) and application.status == ApplicationStatus.SUBMITTED
    )
    if denied:
        return denied
    form = RequestInfoForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["message"]
        try:
            with transaction.atomic():
                perform(APPLICATION_WORKFLOW, "request_info", application, request.user)
                Determination.objects.create(
                    application=application, outcome=Outcome.MORE_INFO, reason=text, made_by=request.user
                )
                Message.objects.create(
                    application=application, author=request.user, kind=MessageKind.REQUEST, body=text
                )
        except TransitionRefused as exc:
            form.add_error(None, str(exc))
        else:
            notify.send(
                "more_info_requested",
                to=notify.applicant_users(application),
                context={
                    **_mail_context(application, request, message=text),
                    "link": notify.link("commissioning:application_resubmit", application.pk, request=request),
                },
                obj=application,
                request=request,
            )
            messages.success(
                request, _("More information requested from %(org)s") % {"org": application.organisation.name}
            )
            return redirect("commissioning:application", application.pk)
    return render(request, "commissioning/request_info.html", {"application": application, "form": form})


def award(request, pk):
    application = _application(pk)
    denied = check(request, perms.can_award(request.user, application))
    if denied:
        return denied
    form = AwardForm(_posted(request), application=application)
    if "reviews" in form.blockers:
        return render(
            request, "commissioning/award.html", {"application": application, "form": None, "blockers": form.blockers}
        )
    if request.method == "POST" and form.is_valid():
        try:
            from svduty.web.decisions.models import DecisionRecord

            choice = form.cleaned_data.get("record") or "new"
            record = None if choice == "new" else DecisionRecord.objects.get(reference=choice)
            with transaction.atomic():
                made = make_award(application, form.split(), form.cleaned_data["conditions"], request.user, record)
                Determination.objects.create(
                    application=application,
                    outcome=Outcome.APPROVED,
                    reason=form.cleaned_data["conditions"] or _("Award recommended"),
                    before_close_reason=form.cleaned_data.get("before_close_reason", ""),
                    made_by=request.user,
                )
        except (OverCommitment, TransitionRefused) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Award of %(amount)s recorded; decision record %(ref)s drafted")
                % {"amount": made.amount_display, "ref": made.decision_record.reference},
            )
            return redirect("decisions:detail", made.decision_record.reference)
    return render(
        request, "commissioning/award.html", {"application": application, "form": form, "blockers": form.blockers}
    )


def decline(request, pk):
    """Do not award: a reason (which the applicant receives), a confirmation page, then the decline letter."""
    application = _application(pk)
    denied = check(request, perms.can_determine(request.user, application))
    if denied:
        return denied
    form = DeclineForm(_posted(request), application=application)
    context = {"application": application, "form": form, "blockers": form.blockers}
    if "reviews" in form.blockers:
        context["form"] = None
        return render(request, "commissioning/decline.html", context)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirmed") != "yes":
            return render(request, "commissioning/decline_confirm.html", context)
        reason = form.cleaned_data["reason"]
        try:
            with transaction.atomic():
                perform(APPLICATION_WORKFLOW, "decline", application, request.user)
                Determination.objects.create(
                    application=application,
                    outcome=Outcome.DISMISSED,
                    reason=reason,
                    before_close_reason=form.cleaned_data.get("before_close_reason", ""),
                    made_by=request.user,
                )
                Message.objects.create(
                    application=application, author=request.user, kind=MessageKind.DETERMINATION, body=reason
                )
        except TransitionRefused as exc:
            form.add_error(None, str(exc))
            return render(request, "commissioning/decline.html", context)
        notify.send(
            "decline_letter",
            to=notify.applicant_users(application),
            context=_mail_context(application, request, reason=reason),
            obj=application,
            request=request,
        )
        messages.success(
            request, _("%(ref)s marked not awarded; the applicant has been told why") % {"ref": application.reference}
        )
        return redirect("commissioning:round_assessment", application.round_id)
    return render(request, "commissioning/decline.html", context)
