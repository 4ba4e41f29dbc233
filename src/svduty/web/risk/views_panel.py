"""The multi-agency panel: the list of people at or above the adopted threshold, a person's score explanation, the
panel's decision, challenges to the data and their corrections, and the access log. Every view of a score is logged.

Advisory only: the list is for the panel to consider. Nothing in these views acts on a score by itself."""

from __future__ import annotations

import math

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from svduty.web.core.views import check, require

from . import permissions as perms
from . import versions as ops
from .access import log_view
from .forms import ChallengeForm, DecisionForm, ResolveForm
from .models import Challenge, PanelDecision, PanelMember, PersonScore, RiskAccessLog
from .options import AccessAction, ChallengeStatus
from .views import _form_page


@require(perms.can_view_person_scores)
def panel(request):
    version, adoption, run = ops.in_use()
    scores = []
    if run is not None:
        scores = list(ops.panel_scores(run, adoption.threshold).prefetch_related("decisions", "challenges"))
        log_view(request, request.user, AccessAction.LIST, run=run, people=len(scores))
    seat = perms.panel_seat(request.user)
    return render(
        request,
        "risk/panel.html",
        {
            "version": version,
            "adoption": adoption,
            "run": run,
            "scores": [
                (s, s.decisions.all()[:1], [c for c in s.challenges.all() if c.status == ChallengeStatus.OPEN])
                for s in scores
            ],
            "seat": seat,
            "members": PanelMember.objects.filter(panel=seat.panel, active=True).select_related("user", "organisation"),
        },
    )


def _score(request, pk) -> PersonScore:
    return get_object_or_404(PersonScore.objects.select_related("run__version"), pk=pk)


def _in_live_list(score) -> bool:
    _version, adoption, run = ops.in_use()
    return run is not None and score.run_id == run.pk and score.score >= adoption.threshold


def _listed(score) -> bool:
    """Listed for a panel in its run (at or above an adopted threshold of that run), or decided on before."""
    adopted = [a.threshold for a in score.run.adoptions.all()]
    return any(score.score >= t for t in adopted) or score.decisions.exists()


@require(perms.can_view_person_scores)
def case(request, pk):
    score = _score(request, pk)
    denied = check(request, _listed(score), _("This person is not on a panel list"))
    if denied:
        return denied
    log_view(request, request.user, AccessAction.CASE, score=score)
    components = list(score.components.all())
    total = math.fsum(c.contribution for c in components)
    return render(
        request,
        "risk/case.html",
        {
            "score": score,
            "run": score.run,
            "version": score.run.version,
            "components": components,
            "total": total,
            "knife_weight": score.run.version.definition.get("knife_weight"),
            "half_life": score.run.version.definition.get("half_life_months"),
            "decisions": score.decisions.select_related("recorded_by", "panel").prefetch_related(
                "attendees__user", "attendees__organisation"
            ),
            "challenges": score.challenges.select_related("recorded_by", "resolved_by").prefetch_related("excluded"),
            "live": _in_live_list(score),
        },
    )


@require(perms.can_view_person_scores)
def decide(request, pk):
    score = _score(request, pk)
    denied = check(
        request,
        perms.can_record_decision(request.user, score) and _in_live_list(score),
        _("Decisions are recorded on the list of the version in use"),
    )
    if denied:
        return denied
    seat = perms.panel_seat(request.user)
    members = PanelMember.objects.filter(panel=seat.panel, active=True).select_related("user", "organisation")
    form = DecisionForm(request.POST or None, members=members, initial={"meeting_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if d["meeting_date"] > timezone.localdate():
            form.add_error("meeting_date", _("The meeting date cannot be in the future"))
        else:
            with transaction.atomic():
                decision = PanelDecision.objects.create(
                    score=score,
                    panel=seat.panel,
                    outcome=d["outcome"],
                    reasons=d["reasons"],
                    meeting_date=d["meeting_date"],
                    recorded_by=request.user,
                )
                decision.attendees.set(d["attendees"])
            log_view(request, request.user, AccessAction.DECISION, score=score)
            messages.success(request, _("Panel decision recorded: %(o)s") % {"o": decision.get_outcome_display()})
            return redirect("risk:case", score.pk)
    return _form_page(
        request,
        form,
        title=_("Record the panel's decision"),
        button=_("Record the decision"),
        intro=_(
            "The panel decides, not the score. Record what the panel decided, why, and who was there. "
            "An earlier decision stays in the history."
        ),
        back=("risk:case", score.pk),
    )


@require(perms.can_view_person_scores)
def challenge(request, pk):
    score = _score(request, pk)
    denied = check(request, perms.can_record_challenge(request.user, score) and _listed(score))
    if denied:
        return denied
    form = ChallengeForm(request.POST or None, initial={"raised_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        Challenge.objects.create(score=score, recorded_by=request.user, score_before=score.score, **form.cleaned_data)
        log_view(request, request.user, AccessAction.CHALLENGE, score=score)
        messages.success(request, _("Challenge recorded; it is shown to the panel until it is resolved"))
        return redirect("risk:case", score.pk)
    return _form_page(
        request,
        form,
        title=_("Record a challenge to the data"),
        button=_("Record the challenge"),
        intro=_(
            "Who raised it and what they say is wrong: an incident that is not theirs, a wrong offence, a wrong date."
        ),
        back=("risk:case", score.pk),
    )


def apply_correction(challenge, excluded) -> None:
    """The effect of a correction: the score without the excluded records (the contributions sum to the score)."""
    score = challenge.score
    removed = math.fsum(c.contribution for c in excluded)
    challenge.score_before = score.score
    challenge.score_after = score.score - removed
    threshold = score.run.threshold
    challenge.above_after = None if threshold is None else challenge.score_after >= threshold


@require(perms.can_view_person_scores)
def resolve(request, pk):
    item = get_object_or_404(Challenge.objects.select_related("score__run"), pk=pk)
    denied = check(request, perms.can_resolve_challenge(request.user, item))
    if denied:
        return denied
    form = ResolveForm(request.POST or None, components=item.score.components.all())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with transaction.atomic():
            item.status, item.outcome, item.correction = d["status"], d["outcome"], d["correction"]
            apply_correction(item, d["excluded"])
            item.resolved_by, item.resolved_at = request.user, timezone.now()
            item.save()
            item.excluded.set(d["excluded"])
        log_view(request, request.user, AccessAction.CHALLENGE, score=item.score)
        messages.success(request, _("Challenge resolved: %(s)s") % {"s": item.get_status_display()})
        return redirect("risk:case", item.score_id)
    return _form_page(
        request,
        form,
        title=_("Resolve the challenge"),
        button=_("Record the outcome"),
        intro=item.what,
        back=("risk:case", item.score_id),
    )


@require(perms.can_view_access_log)
def access_log(request):
    rows = RiskAccessLog.objects.select_related("user", "score", "run")
    who = request.GET.get("user", "").strip()
    if who:
        rows = rows.filter(user__username=who)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "risk/access_log.html", {"page": page, "who": who})
