"""A large synthetic partnership for load tests (benchmarks/web.py) and the query-count tests: many providers,
rounds, expressions of interest with reviews and scores, awards with their commitments, and published decision
records with their step logs — on top of the demo partnership, so its accounts can sign in.

Rows are written with ``bulk_create`` (no per-row history: this is load, not evidence). Each kind of data is one
seeder function taking a ``Seed``; another app adds its own (e.g. delivery programmes) by appending a function to
``SEEDERS`` — ``seed()`` runs them in order and they can read what earlier ones made from ``Seed.made``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

SEED_MARK = "SEEDED LOAD DATA"


@dataclass
class Seed:
    """What to make and what has been made (``made`` maps a kind to its rows, for later seeders)."""

    applications: int = 10_000
    decisions: int = 1_000
    rounds: int = 100  # about 100 EOIs a round, as a large partnership gets
    providers: int = 500
    reviews_per_application: int = 2
    rng: random.Random = field(default_factory=lambda: random.Random(20241))
    made: dict[str, list] = field(default_factory=dict)


def seed_providers(s: Seed) -> None:
    from svduty.web.partnership.models import Organisation

    rows = [
        Organisation(
            name=f"Seeded provider {i:05d}",
            kind="voluntary" if i % 3 else "provider",
            charity_number=f"{3_000_000 + i}" if i % 2 else "",
            company_number=f"{80_000_000 + i}" if i % 5 == 0 else "",
            address_locality=s.rng.choice(["Demoshire City", "Northtown", "Southvale", "Eastbridge"]),
        )
        for i in range(s.providers)
    ]
    s.made["providers"] = Organisation.objects.bulk_create(rows)


def seed_rounds(s: Seed) -> None:
    from svduty.web.commissioning.models import Criterion, Panel, Round
    from svduty.web.funding.models import FundingStream
    from svduty.web.partnership.models import Partnership

    partnership = Partnership.objects.order_by("id").first()
    stream = FundingStream.objects.order_by("id").first()
    assessors = list(get_user_model().objects.filter(profile__role="assessor"))
    rounds = []
    for i in range(s.rounds):
        opens = date(2015 + i % 10, 4, 1)
        rounds.append(
            Round(
                partnership=partnership,
                stream=stream,
                title=f"{SEED_MARK} round {i + 1}",
                description="Synthetic round for load testing",
                eligible_areas="Demoshire City\nNorthtown\nSouthvale",
                financial_years=f"{opens.year}-{(opens.year + 1) % 100:02d}",
                opens_on=opens,
                closes_on=opens + timedelta(days=60),
                max_award_pence=10_000_000,
            )
        )
    rounds = Round.objects.bulk_create(rounds)
    criteria = [
        Criterion(round=r, name=name, weight=w, max_score=5, order=k)
        for r in rounds
        for k, (name, w) in enumerate([("Need", 3), ("Evidence", 2), ("Value for money", 1)])
    ]
    Criterion.objects.bulk_create(criteria)
    panels = Panel.objects.bulk_create([Panel(round=r, name=f"{r.title} panel") for r in rounds])
    for panel in panels:
        panel.members.set(assessors)
    s.made["rounds"] = rounds


def seed_applications(s: Seed) -> None:
    from svduty.web.commissioning.models import Application, BudgetLine

    providers, rounds = s.made["providers"], s.made["rounds"]
    creator = get_user_model().objects.get(username="provider")
    statuses = ["submitted"] * 6 + ["not_awarded"] * 2 + ["draft"]
    apps = []
    for i in range(s.applications):
        r = rounds[i % len(rounds)]
        status = statuses[i % len(statuses)]
        apps.append(
            Application(
                round=r,
                organisation=providers[i % len(providers)],
                created_by=creator,
                status=status,
                title=f"Intervention {i:05d}: {s.rng.choice(['mentoring', 'detached youth work', 'A&E navigators'])}",
                summary="Synthetic expression of interest.",
                area="Demoshire City",
                submitted_at=None if status == "draft" else timezone.now() - timedelta(days=400),
            )
        )
    apps = Application.objects.bulk_create(apps, batch_size=2000)
    lines = [
        BudgetLine(application=a, financial_year=a.round.financial_years, amount_pence=s.rng.randrange(1, 90) * 100_000)
        for a in apps
    ]
    BudgetLine.objects.bulk_create(lines, batch_size=5000)
    s.made["applications"] = apps


def seed_reviews(s: Seed) -> None:
    from svduty.web.commissioning.models import Criterion, Declaration, Review, Score

    assessors = list(get_user_model().objects.filter(profile__role="assessor"))[: s.reviews_per_application]
    criteria: dict[int, list] = {}
    for c in Criterion.objects.filter(round__in=s.made["rounds"]):
        criteria.setdefault(c.round_id, []).append(c)
    scored = [a for a in s.made["applications"] if a.status != "draft"]
    Declaration.objects.bulk_create(
        [Declaration(application=a, assessor=u, has_conflict=False) for a in scored for u in assessors], batch_size=5000
    )
    reviews = Review.objects.bulk_create(
        [Review(application=a, assessor=u, comment="Synthetic review") for a in scored for u in assessors],
        batch_size=5000,
    )
    by_app = {a.pk: a for a in scored}
    Score.objects.bulk_create(
        [
            Score(review=rv, criterion=c, score=s.rng.randrange(0, 6))
            for rv in reviews
            for c in criteria[by_app[rv.application_id].round_id]
        ],
        batch_size=10_000,
    )


def seed_decisions(s: Seed) -> None:
    """``decisions`` published records (DN<n>-<yy> for 2010-19), each approving one award with its commitment."""
    from svduty.web.commissioning.models import Application, Award
    from svduty.web.decisions.models import DecisionEvent, DecisionRecord
    from svduty.web.funding.models import Commitment

    users = get_user_model().objects
    officer, ceo, pcc = users.get(username="officer"), users.get(username="ceo"), users.get(username="pcc")
    awarded = [a for a in s.made["applications"] if a.status == "submitted"][: s.decisions]
    Application.objects.filter(pk__in=[a.pk for a in awarded]).update(status="awarded")
    records = []
    for n, app in enumerate(awarded):
        yy, number = 10 + n % 10, n // 10 + 1
        day = date(2000 + yy, 7, 1)
        when = timezone.make_aware(timezone.datetime(day.year, day.month, day.day, 10))
        records.append(
            DecisionRecord(
                reference=f"DN{number}-{yy:02d}",
                number=number,
                year=yy,
                state="published",
                title=f"{SEED_MARK}: grant to {app.organisation.name}",
                background="Synthetic background. " * 20,
                recommendation="That the PCC approves the grant.",
                financial_implications="Within the year's budget.",
                legal_implications="None.",
                equalities_implications="None.",
                officer_approved_by=ceo,
                officer_approved_at=when,
                officer_name="Chief Executive",
                financial_advice_taken=True,
                legal_advice_taken=True,
                equalities_advice_taken=True,
                decision="approved",
                decision_text="Approved.",
                pcc_has_interest=False,
                pcc_signature="PCC",
                decided_by=pcc,
                decided_on=day,
                published_at=when,
                created_by=officer,
            )
        )
    records = DecisionRecord.objects.bulk_create(records, batch_size=1000)
    steps = [("draft", "", "draft"), ("officer_approve", "draft", "officer_approved")]
    steps += [("decide", "officer_approved", "decided"), ("publish", "decided", "published")]
    DecisionEvent.objects.bulk_create(
        [
            DecisionEvent(record=r, action=a, from_state=f, to_state=t, user=officer, at=r.published_at)
            for r in records
            for a, f, t in steps
        ],
        batch_size=5000,
    )
    awards = Award.objects.bulk_create(
        [
            Award(
                application=app,
                amount_pence=app.budget_lines.all()[0].amount_pence,
                decision_record=r,
                created_by=officer,
            )
            for app, r in zip(awarded, records, strict=True)
        ],
        batch_size=2000,
    )
    Commitment.objects.bulk_create(
        [
            Commitment(
                stream=app.round.stream,
                financial_year=app.round.financial_years,
                amount_pence=award.amount_pence,
                description=f"Award to {app.organisation.name}",
                award=award,
                created_by=officer,
            )
            for app, award in zip(awarded, awards, strict=True)
        ],
        batch_size=2000,
    )
    s.made["decisions"] = records


SEEDERS: list[Callable[[Seed], None]] = [seed_providers, seed_rounds, seed_applications, seed_reviews, seed_decisions]


def seed(s: Seed | None = None) -> Seed:
    """Load the demo partnership if needed, then every seeder in one transaction."""
    from svduty.web import demo

    s = s or Seed()
    demo.load()
    with transaction.atomic():
        for seeder in SEEDERS:
            seeder(s)
    return s
