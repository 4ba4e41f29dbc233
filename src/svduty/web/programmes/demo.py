"""DEMO DATA for delivery: a programme for each demo award, with indicators, quarterly targets and returns in
varied states (accepted, submitted, returned, late, draft), and the approaches each EOI named.

The bystander training (account ``provider``, Upstanders Schools Trust) has a draft return to try the journey;
``provider2`` is Virtual Choices CIC, another organisation, so a provider can check it never sees the other's data.
The Walk Away campaign reports spend just above its award, to show the dashboard's flag. Area codes are the ONS
codes of the Derbyshire authorities the fictional Demoshire is modelled on (Demoshire City ↔ Derby).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from svduty.web.commissioning.models import Award
from svduty.web.interventions.library import load_library
from svduty.web.interventions.models import EvidenceUse, Intervention

from .models import Indicator, MonitoringReturn, ReachCount, ReturnValue, ReturnVersion, Target
from .options import IndicatorKind, ProgrammeStatus, ReturnStatus
from .returns import snapshot
from .schedule import create_programme

APPROACHES = {
    "VR-headset workshops on knife crime and choices": ["knife-crime-education"],
    "Wellbeing workers mentoring care leavers": ["mentoring"],
    "A&E youth navigators": ["a-and-e-navigators"],
    "Sport-based mentoring in high-violence areas": ["sports-programmes", "mentoring"],
}
AREA_CODES = {
    "Demoshire City": "E06000015",  # Derby
    "Northern Demoshire": "E07000038",  # North East Derbyshire
    "Southern Demoshire": "E07000039",  # South Derbyshire
    "Eastern Demoshire": "E07000036",  # Erewash
}
# Per programme title: the state of each return after the accepted ones (in schedule order), and a spend factor.
LAST_STATES = {
    "Bystander training in schools": ["accepted", "accepted", "draft"],
    "VR-headset workshops on knife crime and choices": ["accepted", "accepted", "submitted", "late"],
    "Wellbeing workers mentoring care leavers": ["accepted"] * 7 + ["late"],
    "Walk Away One Punch campaign": ["accepted"] * 4,
    "School exclusion prevention programme": ["accepted"] * 6 + ["returned", "draft"],
}
PLANS = {
    "Bystander training in schools": [
        ("Sessions delivered", "output", "sessions", 20),
        ("Pupils trained", "output", "people", 400),
        ("Schools taking part", "output", "schools", 6),
    ],
    "Walk Away One Punch campaign": [
        ("Venues signed up", "output", "venues", 10),
        ("People reached by the campaign", "output", "people", 2500),
    ],
    "School exclusion prevention programme": [
        ("Pupils supported", "output", "people", 25),
        ("Pupils with no further exclusion", "outcome", "people", 18),
    ],
    "A&E youth navigators": [
        ("Young people engaged in A&E", "output", "people", 30),
        ("No re-attendance at A&E within 6 months", "outcome", "people", 20),
    ],
}
DEFAULT_PLAN = [
    ("Sessions delivered", "output", "sessions", 24),
    ("Young people reached", "output", "people", 40),
    ("Completed the programme", "outcome", "people", 20),
]
AGE_ORDER = ["u10", "10-13", "14-17", "18-21", "22-25", "26-35", "36+"]
BAND_RANGES = {
    "u10": (0, 9),
    "10-13": (10, 13),
    "14-17": (14, 17),
    "18-21": (18, 21),
    "22-25": (22, 25),
    "26-35": (26, 35),
    "36+": (36, 120),
}


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 11))


def _bands(age_min, age_max) -> list[str]:
    lo, hi = age_min or 10, age_max or 25
    return [b for b in AGE_ORDER if BAND_RANGES[b][0] <= hi and BAND_RANGES[b][1] >= lo]


def _fill(r: MonitoringReturn, index: int, total_quarters: int, award_pence: int, app, spend_factor: float) -> None:
    """Deterministic, plausible figures: ~90–110% of target, reach split by the EOI's ages, men and women."""
    wobble = [1.05, 0.9, 1.0, 0.95, 1.1, 0.85, 1.0, 0.92][index % 8]
    for indicator in r.programme.indicators.all():
        target = indicator.targets.get(financial_year=r.financial_year, quarter=r.quarter).value
        ReturnValue.objects.create(monitoring_return=r, indicator=indicator, actual=round(target * wobble))
    reached = round(60 * wobble) + 10 * (index % 3)
    r.total_reached = reached
    r.spend_to_date_pence = round(award_pence * min(1.0, (index + 1) / total_quarters) * spend_factor)
    r.narrative = f"DEMO DATA. Delivered as planned in {r.period}; see the indicators above."
    r.risks = "Staff vacancy covered by sessional workers." if index % 3 == 1 else ""
    r.case_studies = "DEMO DATA: an anonymised young person completed the programme and returned to education."
    r.save()
    bands = _bands(app.age_min, app.age_max)
    known = reached - 2
    per_band = known // len(bands)
    cells = {}
    for i, band in enumerate(bands):
        count = per_band + (known - per_band * len(bands) if i == 0 else 0)
        male = (count * 3) // 5
        cells[f"{band}|male"] = male
        cells[f"{band}|female"] = count - male
    cells["unknown|unknown"] = 2
    ethnic = {"white": reached * 7 // 10, "asian": reached // 10, "black": reached // 20, "mixed": reached // 20}
    ethnic["unknown"] = reached - sum(ethnic.values())
    code = AREA_CODES.get(app.area, AREA_CODES["Demoshire City"])
    rows = [ReachCount(monitoring_return=r, dimension="age_sex", category=k, count=v) for k, v in cells.items() if v]
    rows += [
        ReachCount(monitoring_return=r, dimension="ethnicity", category=k, count=v) for k, v in ethnic.items() if v
    ]
    rows.append(ReachCount(monitoring_return=r, dimension="area", category=code, count=known))
    ReachCount.objects.bulk_create(rows)


def load(today: date, officer, providers) -> None:
    load_library()
    slugs = {i.slug: i for i in Intervention.objects.all()}
    for award in Award.objects.select_related("application").order_by("id"):
        app = award.application
        use = EvidenceUse.objects.create(application=app)
        use.approaches.set([slugs[s] for s in APPROACHES.get(app.title, []) if s in slugs])
        programme = create_programme(award, due_days=30, user=officer)
        programme.beneficiary_geo_code = AREA_CODES.get(app.area, "")
        app.organisation.geo_code = AREA_CODES.get(app.area, "")  # demo: based where it delivers
        app.organisation.save()
        programme.status = ProgrammeStatus.DELIVERING
        programme.status_reason = "Grant agreement signed; delivery started (DEMO DATA)"
        programme.save()
        for order, (name, kind, unit, per_quarter) in enumerate(PLANS.get(app.title, DEFAULT_PLAN), start=1):
            indicator = Indicator.objects.create(
                programme=programme, name=name, kind=IndicatorKind(kind), unit=unit, order=order
            )
            Target.objects.bulk_create(
                [
                    Target(indicator=indicator, financial_year=y, quarter=q, value=per_quarter)
                    for y in programme.years
                    for q in (1, 2, 3, 4)
                ]
            )
        returns = list(programme.returns.order_by("financial_year", "quarter"))
        states = LAST_STATES.get(app.title, ["accepted"] * len(returns))
        spend_factor = 1.016 if app.title == "Walk Away One Punch campaign" else 0.97
        provider = providers.get(app.organisation_id)
        for index, (r, state) in enumerate(zip(returns, states, strict=False)):
            if state == "late":
                continue  # never started: shows as late
            _fill(r, index, len(returns), award.amount_pence, app, spend_factor)
            if state == "draft":
                continue
            when = r.due_on - timedelta(days=3)
            version = ReturnVersion.objects.create(
                monitoring_return=r, number=1, data=snapshot(r), submitted_by=provider, submitted_at=_aware(when)
            )
            r.status, r.submitted_at, r.submitted_by = ReturnStatus.SUBMITTED, _aware(when), provider
            if state in ("accepted", "returned"):
                decided = _aware(when + timedelta(days=7))
                comment = "" if state == "accepted" else "Please split the reach figures by area and add a case study."
                version.decision, version.comment = state, comment
                version.decided_by, version.decided_at = officer, decided
                version.save()
                r.status = ReturnStatus.ACCEPTED if state == "accepted" else ReturnStatus.RETURNED
                r.reviewed_at, r.reviewed_by, r.review_comment = decided, officer, comment
            r.save()
