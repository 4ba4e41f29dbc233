"""Demo data for the open round (issue 17 item 9): EOIs in review, some reviewed with comments (one where the
assessors disagree), one with more information requested, one not yet reviewed; and a decision record waiting for
the Chief Executive. All of it fictional and marked DEMO DATA."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from svduty.web.core.options import Role
from svduty.web.decisions.models import DecisionEvent, DecisionRecord
from svduty.web.decisions.options import State

from .models import Answer, Application, BudgetLine, Declaration, Determination, Message, Review, Score
from .options import ApplicationStatus, MessageKind, Outcome

POUND = 100

# title, cohort, ages, area, prevention level, pounds requested, reviews: (assessor index, scores, recommendation,
# comment), more information requested (message) or None.
OPEN_EOIS = [
    (
        "Detached youth work on the Westfield estate",
        "Young people hanging around the estate's shops in the evening",
        (11, 17),
        "Demoshire City",
        "secondary",
        38_000,
        [
            (0, [4, 4, 3, 4, 4], "yes", "Experienced team; the evening hours match when incidents peak."),
            (1, [4, 3, 4, 4, 3], "yes", "Good links with the neighbourhood police team."),
        ],
        None,
    ),
    (
        "Knife-crime workshops in youth clubs",
        "Members of the city's youth clubs aged 12 to 16",
        (12, 16),
        "Northern Demoshire",
        "primary",
        24_000,
        [
            (0, [5, 4, 4, 4, 4], "yes", "Clear sessions plan and a tested curriculum."),
            (1, [2, 2, 3, 2, 2], "no", "Awareness sessions alone have weak evidence (YEF toolkit); no follow-up."),
        ],
        None,
    ),
    (
        "Mentoring for young people leaving custody",
        "Young people returning from custody to Southern Demoshire",
        (15, 21),
        "Southern Demoshire",
        "tertiary",
        45_000,
        [(0, [4, 3, 3, 3, 4], "maybe", "Promising, but the budget does not say how many mentors it pays for.")],
        "Please break the budget down: how many mentors, for how many hours a week, and what the £45,000 covers "
        "besides their time.",
    ),
    (
        "Friday-night sports sessions",
        "Young people at risk of exploitation in Eastern Demoshire",
        (13, 18),
        "Eastern Demoshire",
        "secondary",
        18_000,
        [],
        None,
    ),
]


def load(open_round, officer, assessors, organisations, priority) -> None:
    criteria = list(open_round.criteria.all())
    question = open_round.questions.first()
    now = timezone.now()
    open_round.review_deadline = open_round.closes_on + timedelta(days=14)
    open_round.available_budget_pence = 100_000 * POUND
    open_round.save(update_fields=["review_deadline", "available_budget_pence"])
    for (title, cohort, ages, area, level, pounds, reviews, more_info), org in zip(
        OPEN_EOIS, organisations, strict=False
    ):
        author = get_user_model().objects.filter(profile__organisation=org, profile__role=Role.PROVIDER).first()
        app = Application(
            round=open_round,
            organisation=org,
            created_by=author,
            is_demo=True,
            status=ApplicationStatus.MORE_INFO if more_info else ApplicationStatus.SUBMITTED,
            title=title,
            summary=f"{title} for {cohort.lower()}. DEMO DATA.",
            target_cohort=cohort,
            age_min=ages[0],
            age_max=ages[1],
            area=area,
            priority=priority,
            prevention_level=level,
            outcomes="Fewer young people involved in violence in the area, measured by referrals and police-recorded "
            "offences in the cohort.",
            safeguarding="Enhanced DBS checks for all staff; designated safeguarding lead; monthly supervision.",
            evidence="Youth Endowment Fund toolkit entries for this kind of intervention; the SNA's hotspot map.",
            submitted_at=now - timedelta(days=6),
            declaration_name=author.get_full_name() or author.username,
            declared_at=now - timedelta(days=6),
        )
        # Started (its first history row) before it was submitted, not when the demo was loaded.
        app._history_date = now - timedelta(days=9)
        app.save()
        del app._history_date
        BudgetLine.objects.create(application=app, financial_year=open_round.year_list[0], amount_pence=pounds * POUND)
        if question is not None:
            Answer.objects.create(application=app, question=question, text="A youth panel meets each quarter.")
        for index, scores, recommendation, comment in reviews:
            assessor = assessors[index]
            Declaration.objects.create(application=app, assessor=assessor, has_conflict=False)
            review = Review.objects.create(
                application=app, assessor=assessor, comment=comment, recommendation=recommendation
            )
            for criterion, value in zip(criteria, scores, strict=False):
                Score.objects.create(review=review, criterion=criterion, score=value)
        if more_info:
            Determination.objects.create(
                application=app,
                outcome=Outcome.MORE_INFO,
                reason=more_info,
                made_by=officer,
                made_at=now - timedelta(days=2),
            )
            Message.objects.create(
                application=app,
                author=officer,
                kind=MessageKind.REQUEST,
                body=more_info,
                sent_at=now - timedelta(days=2),
            )


def load_waiting_record(officer, common: dict) -> DecisionRecord:
    """A decision record an officer has submitted, so the Chief Executive's list has something waiting."""
    record = DecisionRecord.objects.create(
        created_by=officer,
        is_demo=True,
        title="Evaluation partner for the community prevention round",
        background="The partnership wants an independent evaluation of the interventions it funds this year.",
        recommendation="Appoint the university's criminology department as evaluation partner.",
        financial_implications="Met from the evaluation budget already approved; no new spending.",
        state=State.DRAFT,
        **common,
    )
    DecisionEvent.objects.create(record=record, action="draft", to_state=State.DRAFT, user=officer)
    DecisionRecord.objects.filter(pk=record.pk).update(state=State.SUBMITTED)
    DecisionEvent.objects.create(
        record=record, action="submit", from_state=State.DRAFT, to_state=State.SUBMITTED, user=officer
    )
    record.refresh_from_db()
    return record
