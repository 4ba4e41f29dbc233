"""The demo partnership: a fictional "Demoshire" modelled on Derbyshire's Serious Violence Duty commissioning
(DOMAIN.md, seeds 000/002): a round of 8 awards totalling exactly £467,000 — including £90,000 bystander training in
schools for 2024-25 and £30,000 VR-headset workshops — a VRU funded from the same grant, and one PCC decision record
at each stage of the workflow. Everything is flagged ``is_demo`` and shown with a DEMO DATA banner.

Charity and company numbers are fictional, taken from unassigned ranges (charities 1999xxx, companies 99999xxx) so
they cannot point at real organisations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from svduty.web.agreements import demo as agreements_demo
from svduty.web.commissioning.models import (
    Answer,
    Application,
    BudgetLine,
    Criterion,
    Declaration,
    Moderation,
    Panel,
    Question,
    Review,
    Round,
    Score,
)
from svduty.web.commissioning.options import ApplicationStatus
from svduty.web.core.options import Role
from svduty.web.decisions.models import DecisionEvent, DecisionRecord, DecisionSequence
from svduty.web.decisions.options import Outcome, State
from svduty.web.evaluation import demo as evaluation_demo
from svduty.web.funding import ledger
from svduty.web.funding.models import Budget, FundingStream
from svduty.web.partnership.models import (
    BoardAction,
    BoardDecision,
    BoardMeeting,
    Organisation,
    Partnership,
    Priority,
    Profile,
)
from svduty.web.referrals import demo as referrals_demo

PARTNERSHIP_NAME = "Demoshire Serious Violence Partnership"
DEMO_PASSWORD = "svduty-demo"
POUND = 100

PARTNERS = [
    ("Demoshire Police and Crime Commissioner", "pcc", "", ""),
    ("Demoshire Constabulary", "police", "", ""),
    ("Demoshire County Council", "council", "", ""),
    ("Demoshire City Council", "council", "", ""),
    ("Demoshire Integrated Care Board", "health", "", ""),
    ("Demoshire Fire and Rescue Service", "fire", "", ""),
    ("Probation Service, Demoshire", "probation", "", ""),
    ("Demoshire Youth Justice Service", "youth_justice", "", ""),
    ("Demoshire Schools Partnership", "education", "", ""),
    ("HMP Demoshire", "prisons", "", ""),
]


@dataclass(frozen=True)
class DemoAward:
    organisation: str
    kind: str
    charity: str
    company: str
    title: str
    cohort: str
    age: tuple[int, int]
    area: str
    priority: int
    level: str
    split: dict[str, int]  # financial year → pounds


AWARDS = [
    DemoAward(
        "Upstanders Schools Trust",
        "voluntary",
        "1999001",
        "",
        "Bystander training in schools",
        "Secondary-school pupils, years 8 to 11",
        (12, 16),
        "Demoshire City",
        4,
        "primary",
        {"2024-25": 90_000},
    ),
    DemoAward(
        "Virtual Choices CIC",
        "provider",
        "",
        "99999001",
        "VR-headset workshops on knife crime and choices",
        "Young people at risk of carrying knives",
        (11, 18),
        "Northern Demoshire",
        3,
        "secondary",
        {"2024-25": 30_000},
    ),
    DemoAward(
        "Next Steps Mentoring",
        "voluntary",
        "1999002",
        "",
        "Wellbeing workers mentoring care leavers",
        "Care leavers aged 18–25 with Adverse Childhood Experiences",
        (18, 25),
        "Demoshire City",
        2,
        "secondary",
        {"2024-25": 40_000, "2025-26": 35_000},
    ),
    DemoAward(
        "Walk Away Campaigns",
        "voluntary",
        "1999003",
        "",
        "Walk Away One Punch campaign",
        "Night-time economy visitors, men 18–35",
        (18, 35),
        "Demoshire City",
        1,
        "primary",
        {"2024-25": 25_000},
    ),
    DemoAward(
        "Inclusion First Education Trust",
        "education",
        "1999004",
        "99999002",
        "School exclusion prevention programme",
        "Pupils at risk of permanent exclusion",
        (11, 16),
        "Southern Demoshire",
        0,
        "secondary",
        {"2024-25": 40_000, "2025-26": 40_000},
    ),
    DemoAward(
        "Street Spirit Youth Work",
        "voluntary",
        "1999005",
        "",
        "Detached youth work in hotspot streets",
        "Young people on the streets on Friday and Saturday evenings",
        (13, 19),
        "Demoshire City",
        0,
        "secondary",
        {"2024-25": 30_000, "2025-26": 30_000},
    ),
    DemoAward(
        "Teachable Moment Navigators",
        "provider",
        "",
        "99999003",
        "A&E youth navigators",
        "Young people attending the emergency department after an assault",
        (11, 25),
        "Demoshire City",
        2,
        "tertiary",
        {"2024-25": 31_000, "2025-26": 31_000},
    ),
    DemoAward(
        "Kick Off Sport Mentoring",
        "voluntary",
        "1999006",
        "",
        "Sport-based mentoring in high-violence areas",
        "Young people in the five neighbourhoods with most violence",
        (10, 17),
        "Eastern Demoshire",
        0,
        "primary",
        {"2024-25": 25_000, "2025-26": 20_000},
    ),
]
NOT_AWARDED = [
    ("Safe Streets Patrols Ltd", "provider", "", "99999004", "Private security patrols", (16, 40), 1),
    ("Demoshire Boxing Academy", "voluntary", "1999007", "", "Boxing club outreach", (12, 18), 0),
]

PROVIDER_PEOPLE = [
    ("Sam", "Okafor"),
    ("Jo", "Lindqvist"),
    ("Priya", "Nair"),
    ("Tom", "Hughes"),
    ("Aisha", "Begum"),
    ("Dan", "Kowalski"),
    ("Mo", "Hassan"),
    ("Ellie", "Ward"),
    ("Gary", "Stone"),
    ("Nat", "Evans"),
    ("Rhys", "Jenkins"),
]

PRIORITIES = [
    (
        "Prevention and early intervention for under-18s",
        "Demo SNA: under-25s are the majority of victims; first offences cluster at ages 14–17.",
    ),
    (
        "Alcohol-related violence in the night-time economy",
        "Demo SNA: alcohol is a factor in 3 in 10 serious violence offences, concentrated in the city centre "
        "between 22:00 and 03:00 on Friday and Saturday.",
    ),
    (
        "Young adults aged 18–25 already involved in violence",
        "Demo SNA: repeat victims and suspects aged 18–25; care leavers over-represented.",
    ),
    (
        "Knife-enabled serious violence",
        "Home Office success measure 2: knife- and sharp-object-enabled serious violence, victims under 25.",
    ),
    ("Violence in and around schools", "Demo SNA: after-school peaks 15:00–18:00 near secondary schools."),
]

CRITERIA = [
    ("Evidence that it works", "Youth Endowment Fund toolkit rating or local evaluation", 3),
    ("Fit with the strategy's priorities and the SNA", "", 2),
    ("Value for money", "Cost per young person reached, against comparable services", 2),
    ("Safeguarding and ability to deliver", "", 1),
    ("Evaluation plan", "Outcome measures and how they will be collected", 1),
]

# Assessors' scores (0–5 on each criterion) for the 8 awarded EOIs, then the 2 not awarded.
SCORES = [
    [5, 5, 4, 5, 4],
    [4, 4, 4, 4, 3],
    [4, 5, 3, 5, 4],
    [3, 4, 5, 4, 3],
    [4, 4, 3, 4, 4],
    [3, 4, 4, 4, 3],
    [5, 4, 3, 4, 4],
    [3, 3, 4, 4, 3],
    [1, 2, 2, 3, 1],
    [2, 3, 3, 2, 1],
]


_HASH: list[str] = []


def _demo_hash() -> str:
    """Hash the demo password once (PBKDF2 is deliberately slow) and share it across the demo accounts."""
    if not _HASH:
        _HASH.append(make_password(DEMO_PASSWORD))
    return _HASH[0]


def _user(username, first, last, role, organisation=None, *, superuser=False):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first, last_name=last, email=f"{username}@demo.invalid")
        user.password = _demo_hash()
        user.is_staff = user.is_superuser = superuser
        user.save()
    Profile.objects.update_or_create(user=user, defaults={"role": role, "organisation": organisation})
    return user


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _fy(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _record(ref, *, state, created_by, events, **fields) -> DecisionRecord:
    number, year = ref[2:].split("-")
    record = DecisionRecord(
        reference=ref, number=int(number), year=int(year), state=state, created_by=created_by, is_demo=True, **fields
    )
    record.save()
    for action, from_state, to_state, user, when, note in events:
        DecisionEvent.objects.create(
            record=record, action=action, from_state=from_state, to_state=to_state, user=user, at=when, note=note
        )
    seq, _ = DecisionSequence.objects.get_or_create(year=int(year))
    if seq.last < int(number):
        seq.last = int(number)
        seq.save()
    return record


def load(today: date | None = None) -> bool:
    """Load the demo once; returns False (and changes nothing) if it is already there."""
    if Partnership.objects.filter(name=PARTNERSHIP_NAME).exists():
        return False
    today = today or timezone.localdate()
    with transaction.atomic():
        _load(today)
        from svduty.web.board import demo as board_demo
        from svduty.web.engagement import demo as engagement_demo
        from svduty.web.programmes import case_demo
        from svduty.web.programmes import demo as delivery_demo

        delivery_demo.load(today, *_delivery_people())  # programmes, returns, evidence (issue 18)
        referrals_demo.load(today)
        evaluation_demo.load()  # an evaluation and its published practice note (issue 11)
        case_demo.load()  # a programme indicator counted from the referrals demo's cases (issue 16 item 6)
        from svduty.web.strategy import demo as strategy_demo

        strategy_demo.load(today)  # local definition, SNA version, 2024-26 strategy, Duty calendar (issue 15)
        engagement_demo.load(today)  # a youth consultation and the faith alliance (issue 15 item 5)
        board_demo.load(today)  # agenda, attendance, a second meeting, risks and the Q3 board pack (issue 15 item 4)
        from svduty.web.risk import demo as risk_demo

        risk_demo.load()  # a risk index version, its governance records and the panel (issue 13)
    return True


def _delivery_people():
    User = get_user_model()
    providers = {p.organisation_id: p.user for p in Profile.objects.filter(role=Role.PROVIDER).select_related("user")}
    return User.objects.get(username="officer"), providers


def _load(today: date) -> None:
    orgs = {}
    for name, kind, charity, company in PARTNERS:
        orgs[name] = Organisation.objects.create(
            name=name,
            kind=kind,
            charity_number=charity,
            company_number=company,
            is_demo=True,
            address_locality="Demoshire",
        )
    pcc_org = orgs["Demoshire Police and Crime Commissioner"]
    partnership = Partnership.objects.create(
        name=PARTNERSHIP_NAME,
        area="Demoshire police force area (fictional, modelled on Derbyshire)",
        lead_convenor=pcc_org,
        strategy_period="2024-26",
        is_demo=True,
    )
    partnership.members.set(orgs.values())
    priorities = [
        Priority.objects.create(partnership=partnership, title=t, evidence=e, order=i)
        for i, (t, e) in enumerate(PRIORITIES)
    ]

    _user("admin", "Ada", "Admin", Role.ADMIN, pcc_org, superuser=True)
    officer = _user("officer", "Olu", "Officer", Role.OFFICER, pcc_org)
    assessors = [
        _user("assessor", "Asha", "Assessor", Role.ASSESSOR, orgs["Demoshire County Council"]),
        _user("assessor2", "Ben", "Assessor", Role.ASSESSOR, orgs["Demoshire Integrated Care Board"]),
        _user("assessor3", "Cat", "Assessor", Role.ASSESSOR, orgs["Demoshire Constabulary"]),
    ]
    ceo = _user("ceo", "Chris", "Chief-Executive", Role.CHIEF_EXECUTIVE, pcc_org)
    pcc = _user("pcc", "Pat", "Commissioner", Role.PCC, pcc_org)

    stream = FundingStream.objects.create(
        partnership=partnership,
        name="Serious Violence Duty grant",
        funder=orgs[PARTNERS[0][0]],
        total_pence=1_200_000 * POUND,
        is_demo=True,
        conditions="Home Office grant to the PCC as lead convenor (demo figures): spend on interventions and the VRU "
        "that address the Strategic Needs Assessment; quarterly returns to the Home Office.",
    )
    for year in ("2024-25", "2025-26", "2026-27"):
        Budget.objects.create(stream=stream, financial_year=year, amount_pence=400_000 * POUND)
    for year in ("2024-25", "2025-26", "2026-27"):
        ledger.commit(stream, {year: 85_000 * POUND}, "Violence Reduction Unit staffing", user=officer)

    round_ = Round.objects.create(
        partnership=partnership,
        stream=stream,
        is_demo=True,
        title="Serious Violence Duty grants 2024-25",
        description="Expressions of interest for pilot interventions that address the priorities of the Serious "
        "Violence Strategy 2024-26. DEMO DATA modelled on Derbyshire's 2024-25 round.",
        eligible_areas="Demoshire City\nNorthern Demoshire\nSouthern Demoshire\nEastern Demoshire",
        financial_years="2024-25, 2025-26",
        opens_on=date(2024, 4, 8),
        closes_on=date(2024, 5, 17),
        max_award_pence=100_000 * POUND,
    )
    round_.priorities.set(priorities)
    criteria = [
        Criterion.objects.create(round=round_, name=n, guidance=g, weight=w, order=i)
        for i, (n, g, w) in enumerate(CRITERIA)
    ]
    question = Question.objects.create(
        round=round_, text="How will young people help design and review the service?", order=1
    )
    panel = Panel.objects.create(round=round_, name="2024-25 assessment panel")
    panel.members.set(assessors)

    submitted_at = _aware(date(2024, 5, 10))
    entries = [(a, True) for a in AWARDS] + [
        (DemoAward(n, k, c, co, t, "Young people", age, "Demoshire City", p, "secondary", {"2024-25": 60_000}), False)
        for n, k, c, co, t, age, p in NOT_AWARDED
    ]
    applications = []
    for i, (spec, awarded) in enumerate(entries):
        org = Organisation.objects.create(
            name=spec.organisation,
            kind=spec.kind,
            charity_number=spec.charity,
            company_number=spec.company,
            is_demo=True,
            address_locality="Demoshire",
        )
        # A person's name (the header and the applicant's declaration show it), not a cut-down organisation name.
        first, last = PROVIDER_PEOPLE[i % len(PROVIDER_PEOPLE)]
        provider_user = _user("provider" if i == 0 else f"provider{i + 1}", first, last, Role.PROVIDER, org)
        app = Application(
            round=round_,
            organisation=org,
            created_by=provider_user,
            is_demo=True,
            status=ApplicationStatus.SUBMITTED,
            title=spec.title,
            summary=f"{spec.title} for {spec.cohort.lower()} in {spec.area}.",
            target_cohort=spec.cohort,
            age_min=spec.age[0],
            age_max=spec.age[1],
            area=spec.area,
            priority=priorities[spec.priority],
            prevention_level=spec.level,
            outcomes="Fewer young people involved in violence; measured by referrals, "
            "school attendance and police-recorded offences in the cohort, against a matched comparison group.",
            safeguarding="Enhanced DBS checks for all staff; designated safeguarding lead; monthly supervision.",
            evidence="Youth Endowment Fund toolkit: moderate evidence of impact for this kind of intervention.",
            submitted_at=submitted_at,
        )
        # Started (its first history row) before it was submitted, not when the demo was loaded.
        app._history_date = submitted_at - timedelta(days=12)
        app.save()
        del app._history_date
        for year, pounds in spec.split.items():
            BudgetLine.objects.create(application=app, financial_year=year, amount_pence=pounds * POUND)
        Answer.objects.create(application=app, question=question, text="A youth panel meets each quarter.")
        for j, assessor in enumerate(assessors):
            conflict = i == 2 and j == 2  # the police assessor's partner organisation co-delivers this service
            Declaration.objects.create(
                application=app,
                assessor=assessor,
                has_conflict=conflict,
                details="My team co-delivers this mentoring service" if conflict else "",
            )
            if conflict:
                continue
            review = Review.objects.create(application=app, assessor=assessor, comment="Demo assessment")
            for criterion, value in zip(criteria, SCORES[i], strict=True):
                Score.objects.create(review=review, criterion=criterion, score=max(0, min(5, value - (j == 1))))
        applications.append((app, spec, awarded))
    Moderation.objects.create(
        application=applications[3][0],
        score_percent=78,
        moderated_by=officer,
        reason="Panel agreed the campaign's reach into the night-time economy was under-scored by one assessor.",
    )

    # The round's decision record DN50-24: the 8 awards, published.
    decided = date(2024, 7, 4)
    awards = []
    from svduty.web.commissioning.models import Award

    for app, spec, awarded in applications:
        if not awarded:
            app.status = ApplicationStatus.NOT_AWARDED
            app.save()
            continue
        app.status = ApplicationStatus.FUNDED  # DN50-24 approved them (issue 17 defect 3)
        app.save()
        award = Award.objects.create(
            application=app,
            amount_pence=sum(spec.split.values()) * POUND,
            created_by=officer,
            conditions="Quarterly monitoring returns; take part in the VRU's evaluation; Home Office grant conditions.",
            agreement_signed_on=date(2024, 7, 22),
        )
        ledger.commit(
            stream,
            {y: v * POUND for y, v in spec.split.items()},
            f"Award: {spec.organisation} — {spec.title}",
            award=award,
            user=officer,
        )
        awards.append(award)
    from svduty.web.commissioning.awards import draft_decision_text

    text = draft_decision_text(awards)
    dn50 = _record(
        "DN50-24",
        state=State.PUBLISHED,
        created_by=officer,
        **text,
        section_b="The panel's ranking and the assessors' scores are summarised in the appendix.",
        officer_approved_by=ceo,
        officer_approved_at=_aware(date(2024, 7, 1)),
        officer_name="Chris Chief-Executive, Chief Executive",
        financial_advice_taken=True,
        legal_advice_taken=True,
        equalities_advice_taken=True,
        decision=Outcome.APPROVED,
        decision_text="I approve the recommendation.",
        pcc_has_interest=False,
        pcc_signature="Pat Commissioner",
        decided_by=pcc,
        decided_on=decided,
        published_at=_aware(date(2024, 7, 8)),
        events=[
            ("draft", "", State.DRAFT, officer, _aware(date(2024, 6, 20)), "Drafted from the panel's awards"),
            ("officer_approve", State.DRAFT, State.OFFICER_APPROVED, ceo, _aware(date(2024, 7, 1)), ""),
            ("decide", State.OFFICER_APPROVED, State.DECIDED, pcc, _aware(decided), "Approved"),
            ("publish", State.DECIDED, State.PUBLISHED, officer, _aware(date(2024, 7, 8)), ""),
        ],
    )
    Award.objects.filter(pk__in=[a.pk for a in awards]).update(decision_record=dn50)

    # Payments: 2024-25 paid in full in two instalments, 2025-26 half paid (quarterly in arrears).
    for commitment in stream.commitments.filter(financial_year__in=("2024-25", "2025-26")):
        if commitment.financial_year == "2024-25":
            first = commitment.amount_pence // 2
            ledger.spend(commitment, first, date(2024, 10, 31), "First instalment", user=officer)
            ledger.spend(
                commitment, commitment.amount_pence - first, date(2025, 3, 31), "Final instalment", user=officer
            )
        else:
            ledger.spend(commitment, commitment.amount_pence // 2, date(2025, 10, 31), "First instalment", user=officer)

    common = {
        "legal_implications": "Within the PCC's powers under the Police Reform and Social Responsibility Act 2011.",
        "equalities_implications": "No adverse impact on people with protected characteristics identified.",
    }
    approve = {
        "officer_approved_by": ceo,
        "officer_name": "Chris Chief-Executive, Chief Executive",
        "financial_advice_taken": True,
        "legal_advice_taken": True,
        "equalities_advice_taken": True,
    }
    _record(
        "DN51-24",
        state=State.PUBLISHED,
        created_by=officer,
        title="Violence Reduction Unit staffing 2024-27",
        background="The VRU co-ordinates the partnership's response to the Serious Violence Duty.",
        recommendation="Fund the VRU team of two from the Serious Violence Duty grant, £85,000 a year.",
        financial_implications="£255,000 over 2024-25 to 2026-27 from the Serious Violence Duty grant.",
        section_b="Staffing structure and salaries.",
        section_b_published=False,
        section_b_reason="Contains personal information about named post-holders.",
        officer_approved_at=_aware(date(2024, 7, 2)),
        decision=Outcome.APPROVED,
        decision_text="I approve the recommendation.",
        pcc_has_interest=False,
        pcc_signature="Pat Commissioner",
        decided_by=pcc,
        decided_on=date(2024, 7, 4),
        published_at=_aware(date(2024, 7, 8)),
        **common,
        **approve,
        events=[
            ("draft", "", State.DRAFT, officer, _aware(date(2024, 6, 21)), ""),
            ("officer_approve", State.DRAFT, State.OFFICER_APPROVED, ceo, _aware(date(2024, 7, 2)), ""),
            ("decide", State.OFFICER_APPROVED, State.DECIDED, pcc, _aware(date(2024, 7, 4)), "Approved"),
            ("publish", State.DECIDED, State.PUBLISHED, officer, _aware(date(2024, 7, 8)), ""),
        ],
    )
    deferred_to = today + timedelta(days=90)
    _record(
        "DN38-25",
        state=State.PUBLISHED,
        created_by=officer,
        title="Evaluation partner for the Serious Violence Duty programme",
        background="An independent evaluation of the funded interventions is a Home Office grant condition.",
        recommendation="Award the evaluation contract following the procurement exercise.",
        financial_implications="£48,000 over two years from the Serious Violence Duty grant.",
        section_b="Tender evaluation and prices.",
        section_b_published=False,
        section_b_reason="Commercially sensitive: contains bidders' prices.",
        publication_deferred=True,
        deferral_reason="The standstill period of the procurement has not ended.",
        deferred_until=deferred_to,
        officer_approved_at=_aware(date(2025, 9, 1)),
        decision=Outcome.APPROVED,
        decision_text="I approve the recommendation.",
        pcc_has_interest=False,
        pcc_signature="Pat Commissioner",
        decided_by=pcc,
        decided_on=date(2025, 9, 3),
        published_at=_aware(date(2025, 9, 4)),
        **common,
        **approve,
        events=[
            ("draft", "", State.DRAFT, officer, _aware(date(2025, 8, 20)), ""),
            ("officer_approve", State.DRAFT, State.OFFICER_APPROVED, ceo, _aware(date(2025, 9, 1)), ""),
            ("decide", State.OFFICER_APPROVED, State.DECIDED, pcc, _aware(date(2025, 9, 3)), "Approved"),
            (
                "publish",
                State.DECIDED,
                State.PUBLISHED,
                officer,
                _aware(date(2025, 9, 4)),
                f"Publication deferred to {deferred_to:%d %B %Y}",
            ),
        ],
    )
    _record(
        "DN41-25",
        state=State.DECIDED,
        created_by=officer,
        title="Knife arches for night-time economy venues",
        background="Licensees asked for walk-through metal detectors at the busiest venues.",
        recommendation="Buy four knife arches for loan to venues.",
        financial_implications="£36,000 capital from the PCC's community safety budget.",
        officer_approved_at=_aware(date(2025, 10, 6)),
        decision=Outcome.NOT_APPROVED,
        decision_text="I do not approve: the SNA shows most knife-enabled offences are not inside venues.",
        pcc_has_interest=False,
        pcc_signature="Pat Commissioner",
        decided_by=pcc,
        decided_on=date(2025, 10, 9),
        **common,
        **approve,
        events=[
            ("draft", "", State.DRAFT, officer, _aware(date(2025, 10, 1)), ""),
            ("officer_approve", State.DRAFT, State.OFFICER_APPROVED, ceo, _aware(date(2025, 10, 6)), ""),
            ("decide", State.OFFICER_APPROVED, State.DECIDED, pcc, _aware(date(2025, 10, 9)), "Not approved"),
        ],
    )
    yy = today.year % 100
    _record(
        f"DN7-{yy:02d}",
        state=State.OFFICER_APPROVED,
        created_by=officer,
        title="Serious Violence Strategy refresh",
        background="The strategy is reviewed each year against the refreshed Strategic Needs Assessment.",
        recommendation="Adopt the refreshed strategy and its five priorities.",
        financial_implications="None beyond the budgets already approved.",
        officer_approved_at=_aware(today - timedelta(days=2)),
        **common,
        **approve,
        events=[
            ("draft", "", State.DRAFT, officer, _aware(today - timedelta(days=9)), ""),
            ("officer_approve", State.DRAFT, State.OFFICER_APPROVED, ceo, _aware(today - timedelta(days=2)), ""),
        ],
    )
    fy_now = _fy(today)
    launch = _record(
        f"DN9-{yy:02d}",
        state=State.DRAFT,
        created_by=officer,
        title=f"Serious Violence Duty grants {fy_now}: launch of the round",
        background="The partnership will invite expressions of interest for community prevention projects.",
        recommendation=f"Launch the {fy_now} round with a maximum award of £50,000.",
        financial_implications="Up to £200,000 from the Serious Violence Duty grant.",
        **common,
        events=[("draft", "", State.DRAFT, officer, _aware(today - timedelta(days=1)), "")],
    )

    # An open round for trying the EOI workflow.
    if not Budget.objects.filter(stream=stream, financial_year=fy_now).exists():
        Budget.objects.create(stream=stream, financial_year=fy_now, amount_pence=200_000 * POUND)
        stream.total_pence += 200_000 * POUND
        stream.save()
    open_round = Round.objects.create(
        partnership=partnership,
        stream=stream,
        is_demo=True,
        title=f"Serious Violence Duty grants {fy_now}: community prevention",
        description="Small grants for community-led prevention. DEMO DATA.",
        eligible_areas="Demoshire City\nNorthern Demoshire\nSouthern Demoshire\nEastern Demoshire",
        financial_years=fy_now,
        opens_on=today - timedelta(days=14),
        closes_on=today + timedelta(days=45),
        max_award_pence=50_000 * POUND,
        launch_record=launch,  # still a draft: the round page warns staff (issue 17 defect 8)
    )
    open_round.priorities.set(priorities)
    for i, (n, g, w) in enumerate(CRITERIA):
        Criterion.objects.create(round=open_round, name=n, guidance=g, weight=w, order=i)
    Question.objects.create(round=open_round, text="How will young people help design and review the service?")
    open_panel = Panel.objects.create(round=open_round, name=f"{fy_now} assessment panel")
    open_panel.members.set(assessors[:2])
    from svduty.web.commissioning import demo as commissioning_demo  # EOIs in review in the open round (issue 17)

    commissioning_demo.load(
        open_round, officer, assessors, [a.organisation for a, _s, _w in applications[1:5]], priorities[0]
    )
    commissioning_demo.load_waiting_record(officer, common)

    meeting = BoardMeeting.objects.create(
        partnership=partnership,
        date=date(2024, 6, 27),
        location="Demoshire Police HQ",
        attendee_names="Pat Commissioner, PCC (chair)\nChris Chief-Executive, OPCC\nOlu Officer, VRU",
        minutes="The Board reviewed the panel's recommendations for the 2024-25 round.",
    )
    meeting.attendees.set([o for o in orgs.values()][:8])
    BoardDecision.objects.create(meeting=meeting, text="Recommend the 8 awards (£467,000) to the PCC for decision.")
    agreements_demo.load(officer, today)
    BoardAction.objects.create(
        meeting=meeting,
        text="Share the refreshed SNA with all partners",
        owner=orgs["Demoshire County Council"],
        due=date(2024, 9, 30),
    )
