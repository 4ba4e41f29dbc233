"""Volume seeding for the web load benchmark (benchmarks/web.py): ``seed_delivery(n_programmes, n_returns)`` adds
programmes (each from its own approved award) with three indicators, targets, and returns in mixed states, so the
dashboard, the return lists and the API can be measured at a realistic size. Rows are bulk-inserted; everything is
flagged ``is_demo``. Needs the demo partnership (``svduty demo``) for its round, stream and officer.
"""

from __future__ import annotations

import random
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from svduty.web.commissioning.models import Application, Award
from svduty.web.commissioning.options import ApplicationStatus
from svduty.web.decisions.models import DecisionRecord
from svduty.web.funding.models import Commitment
from svduty.web.partnership.models import Organisation

from .models import Indicator, MonitoringReturn, Programme, ReachCount, ReturnValue, Target, quarter_end
from .options import IndicatorKind, ProgrammeStatus, ReturnStatus

YEARS = ["2020-21", "2021-22", "2022-23", "2023-24", "2024-25", "2025-26", "2026-27", "2027-28"]


@transaction.atomic
def seed_delivery(n_programmes: int = 200, n_returns: int = 5000, seed: int = 18) -> dict[str, int]:
    """Returns counts of what was added. Returns are spread as evenly as the quarters allow (at most 32 each)."""
    rng = random.Random(seed)
    officer = get_user_model().objects.get(username="officer")
    template = Award.objects.select_related("application__round__stream").order_by("id").first()
    if template is None:
        raise RuntimeError("seed_delivery needs the demo partnership: run `svduty demo` first")
    round_, record = template.application.round, template.decision_record or DecisionRecord.objects.first()
    if n_programmes < 1 or not 0 <= n_returns <= 32 * n_programmes:
        raise ValueError("seed_delivery: need n_programmes ≥ 1 and at most 32 returns per programme")
    base, extra = divmod(n_returns, n_programmes)
    counts = [base + (i < extra) for i in range(n_programmes)]
    years = YEARS[: max(1, (max(counts) + 3) // 4)]
    start = Organisation.objects.filter(name__startswith="Seed provider").count()
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(name=f"Seed provider {start + i:05d}", kind="voluntary", is_demo=True)
            for i in range(n_programmes)
        ]
    )
    apps = Application.objects.bulk_create(
        [
            Application(
                round=round_,
                organisation=org,
                created_by=officer,
                status=ApplicationStatus.AWARDED,
                title=f"Seed programme {start + i:05d}",
                area="Demoshire City",
                is_demo=True,
            )
            for i, org in enumerate(orgs)
        ]
    )
    amounts = [rng.randrange(10_000, 100_000) * 100 for _ in apps]
    awards = Award.objects.bulk_create(
        [
            Award(application=a, amount_pence=p, created_by=officer, decision_record=record)
            for a, p in zip(apps, amounts, strict=True)
        ]
    )
    Commitment.objects.bulk_create(
        [
            Commitment(
                stream=round_.stream,
                financial_year=year,
                amount_pence=award.amount_pence // len(years),
                description=f"Seed award {award.pk}",
                award=award,
            )
            for award in awards
            for year in years
        ]
    )
    programmes = Programme.objects.bulk_create(
        [
            Programme(
                award=award,
                organisation=app.organisation,
                title=app.title,
                status=rng.choice([ProgrammeStatus.DELIVERING] * 8 + [ProgrammeStatus.PAUSED, ProgrammeStatus.SETUP]),
                is_demo=True,
            )
            for award, app in zip(awards, apps, strict=True)
        ]
    )
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(programme=p, name=name, kind=kind, unit=unit, order=o)
            for p in programmes
            for o, (name, kind, unit) in enumerate(
                [
                    ("Sessions delivered", IndicatorKind.OUTPUT, "sessions"),
                    ("Young people reached", IndicatorKind.OUTPUT, "people"),
                    ("Completed the programme", IndicatorKind.OUTCOME, "people"),
                ]
            )
        ]
    )
    Target.objects.bulk_create(
        [
            Target(indicator=i, financial_year=y, quarter=q, value=rng.randrange(5, 50))
            for i in indicators
            for y in years
            for q in (1, 2, 3, 4)
        ]
    )
    periods = [(y, q) for y in years for q in (1, 2, 3, 4)]
    statuses = [ReturnStatus.ACCEPTED] * 6 + [ReturnStatus.SUBMITTED, ReturnStatus.RETURNED, ReturnStatus.DRAFT]
    returns = MonitoringReturn.objects.bulk_create(
        [
            MonitoringReturn(
                programme=p,
                financial_year=y,
                quarter=q,
                due_on=date.fromordinal(quarter_end(y, q).toordinal() + 30),
                status=rng.choice(statuses),
                total_reached=rng.randrange(10, 200),
                spend_to_date_pence=rng.randrange(0, 100_000) * 100,
                narrative="Seeded return",
                is_demo=True,
            )
            for p, count in zip(programmes, counts, strict=True)
            for (y, q) in periods[:count]
        ]
    )
    by_programme = {}
    for i in indicators:
        by_programme.setdefault(i.programme_id, []).append(i)
    ReturnValue.objects.bulk_create(
        [
            ReturnValue(monitoring_return=r, indicator=i, actual=rng.randrange(0, 60))
            for r in returns
            for i in by_programme[r.programme_id]
        ]
    )
    cells = ["14-17|male", "14-17|female", "18-21|male", "18-21|female", "22-25|male", "26-35|male"]
    ReachCount.objects.bulk_create(
        [
            ReachCount(monitoring_return=r, dimension="age_sex", category=c, count=rng.randrange(0, 10))
            for r in returns
            for c in cells
        ]
    )
    return {"programmes": len(programmes), "returns": len(returns), "indicators": len(indicators)}
