"""DEMO DATA: the demo partnership's local definition, a registered SNA version, its 2024–26 strategy and calendar.

The SNA version is ``fixtures/demo-sna`` (summary.json and tables), written once by the real commands on the data
bundled with svduty — the City of London police.uk sample with ONS population and a synthetic record-level layer —
under the local definition ``fixtures/demo-sna/definition.toml``::

    svduty init --workspace ws && svduty ingest police-uk --sample --workspace ws
    svduty ingest population --sample --workspace ws && svduty synth --workspace ws
    svduty definition set --workspace ws --file definition.toml && svduty sna --workspace ws --no-pdf --out demo-sna

The strategy's four priorities follow County Durham and Darlington's 2024 strategy (DOMAIN.md): prevention and early
intervention for under-18s; alcohol-related violence in the night-time economy; people aged 18–35 already involved,
with a focus on men; domestic abuse-related violence with a knife. Baselines and latest values are read from the SNA
version; targets are the demo's own (a stated reduction on the baseline), labelled DEMO DATA like everything else.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from svduty.data.sv_definition import parse_document
from svduty.web.partnership.models import BoardMeeting, Partnership
from svduty.web.workflows import STRATEGY_WORKFLOW, perform

from . import cycle
from .measures import fill_from_sna
from .models import LocalDefinition, Objective, Strategy, StrategyPriority, SuccessMeasure
from .options import DefinitionStatus, MeasureKind
from .sna_versions import read_folder, register

FIXTURE = Path(__file__).with_name("fixtures") / "demo-sna"
LABEL = "Demoshire SNA (DEMO DATA: bundled City of London police.uk sample, synthetic record-level layer)"
TARGET_REDUCTION = 0.10  # the demo strategy's own aim: 10% below the baseline by the end of the strategy

PRINCIPLES = [
    "A public health approach: prevent violence before it happens, respond early where risk appears",
    "Evidence-led: priorities rest on the strategic needs assessment and are reviewed when it is refreshed",
    "Led with communities and young people, who help design and review what we do",
    "Trauma-informed and focused on the whole family",
    "Partners share data and accountability under the Serious Violence Duty",
]

# (title, description, target kind, target, SNA derived priority, funding priority index, objectives, pathways,
#  measures: (kind, national key or "", name, unit, sna_figure)). The evidence note and tables come from the SNA's
#  own priorities table (its "why" and its evidence column), so every figure quoted is the SNA's.
PRIORITIES = [
    (
        "Prevention and early intervention for under-18s",
        "Reach children and young people before violence starts: in schools, in families and online.",
        "cohort",
        "Children and young people under 18",
        "Children and young people under 18 (victims or suspects)",
        0,
        [
            "Offer bystander and healthy-relationships education in every secondary school",
            "Refer every under-18 attending A&E after an assault to a youth worker within 48 hours",
        ],
        ["a-and-e-navigator"],
        [
            ("national", "sharp_object_admissions_u25", "", "admissions a year", ""),
            ("national", "knife_sv_u25", "", "crimes a year", ""),
        ],
    ),
    (
        "Alcohol-related violence in the night-time economy",
        "Make the town centres safer at night, with licensees, transport and health partners.",
        "place",
        "Town-centre night-time economy, Friday and Saturday nights",
        "Night-time economy (Fri–Sat, 20:00–04:00)",
        1,
        [
            "Run a safe-space and street-marshal scheme every Friday and Saturday night",
            "Share ED and police data on night-time assaults with the licensing authority each quarter",
        ],
        [],
        [("local", "", "Serious violence recorded (local definition)", "crimes a year", "serious_violence")],
    ),
    (
        "People aged 18–35 already involved in violence, with a focus on men",
        "Offer a way out to young adults who are already victims or perpetrators, through custody and A&E.",
        "cohort",
        "Men and women aged 18–35 already involved, especially men",
        "Men aged 18–35 already involved as suspects",
        2,
        ["Offer every 18–35-year-old arrested for a knife offence the Operation Deter pathway"],
        ["operation-deter"],
        [("national", "homicide_u25", "", "homicides a year", "")],
    ),
    (
        "Domestic abuse-related violence with a knife",
        "Protect victims of domestic abuse where a knife is used or threatened, with the domestic abuse partnership.",
        "theme",
        "Domestic abuse involving a knife or sharp object",
        "Domestic abuse involving a knife",
        3,
        ["Train frontline staff to ask about weapons in every domestic abuse risk assessment"],
        [],
        [("local", "", "Robbery recorded", "crimes a year", "by_crime_type.Robbery")],
    ),
]


def _priority_name(version, wanted: str) -> str:
    """The SNA's own name for a derived priority, matched loosely (the SNA words them)."""
    for p in version.priorities:
        if p["name"] == wanted:
            return p["name"]
    for p in version.priorities:
        if wanted.lower() in p["name"].lower():
            return p["name"]
    return ""


def _evidence(version, name: str) -> tuple[list[str], str]:
    """The tables and the one-line "why" the SNA's priorities table gives for derived priority ``name``."""
    import csv
    import io

    import pandas as pd

    from svduty.analysis.priorities import why_text

    table = version.tables.filter(name="priorities").first()
    if table is None or not name:
        return [], ""
    held = set(version.tables.values_list("name", flat=True))
    for row in csv.DictReader(io.StringIO(table.csv)):
        if row["name"] != name:
            continue
        tables = [t.removeprefix("tables/").removesuffix(".csv") for t in row["evidence"].split()]
        series = pd.Series(
            {
                "volume": int(row["volume"]),
                "previous": int(row["previous"]) if row["previous"] else None,
                "harm_share": float(row["harm_share"]),
                "gini": float(row["gini"]),
            },
            dtype=object,
        )
        note = f"SNA version {version.number}: {why_text(series)}."
        if row.get("top_places"):
            note += f" Most in {row['top_places']}."
        if row["synthetic"] == "True":
            note += " Rests on synthetic record-level data (svduty synth)."
        return [t for t in tables if t in held], note
    return [], ""


def load(today: date | None = None) -> Strategy | None:
    partnership = Partnership.objects.filter(is_demo=True).order_by("id").first()
    if partnership is None or Strategy.objects.filter(partnership=partnership, is_demo=True).exists():
        return None
    today = today or timezone.localdate()
    User = get_user_model()
    officer, pcc = User.objects.get(username="officer"), User.objects.get(username="pcc")

    doc = tomllib.loads((FIXTURE / "definition.toml").read_text(encoding="utf-8"))
    parsed = parse_document(doc, "definition.toml")
    definition = LocalDefinition.objects.create(
        partnership=partnership,
        version=1,
        name=parsed.name,
        rules=parsed.document(),
        rationale="The Duty's focus (homicide, knife crime, public-space violence) plus the local priorities: "
        "knife-enabled offences of any type and domestic violence against the person. DEMO DATA.",
        status=DefinitionStatus.APPROVED,
        created_by=officer,
        approved_by=officer,
        approved_at=timezone.now(),
        is_demo=True,
    )
    version = register(read_folder(FIXTURE), partnership, officer, label=LABEL, is_demo=True)
    strategy = Strategy.objects.create(
        partnership=partnership,
        title="Demoshire Serious Violence Strategy",
        period="2024-26",
        starts_on=date(2024, 4, 1),
        ends_on=date(2026, 3, 31),
        vision="Everyone in Demoshire lives, learns, works and goes out free from serious violence and the fear "
        "of it. (DEMO DATA)",
        principles="\n".join(PRINCIPLES),
        sna_version=version,
        definition=definition,
        created_by=officer,
        is_demo=True,
    )
    funding = list(partnership.priorities.order_by("order", "id"))
    from svduty.web.referrals.models import Pathway

    for order, spec in enumerate(PRIORITIES, start=1):
        title, description, kind, target, sna_name, fund, objectives, pathways, measures = spec
        name = _priority_name(version, sna_name)
        tables, note = _evidence(version, name)
        priority = StrategyPriority.objects.create(
            strategy=strategy,
            order=order,
            title=title,
            description=description,
            target_kind=kind,
            target=target,
            sna_version=version,
            sna_priority=name,
            sna_tables=tables,
            evidence_note=note,
            funding_priority=funding[fund] if fund < len(funding) else None,
        )
        priority.pathways.set(Pathway.objects.filter(slug__in=pathways))
        for n, text in enumerate(objectives, start=1):
            Objective.objects.create(priority=priority, order=n, text=text)
        for n, (mkind, key, name, unit, figure) in enumerate(measures, start=1):
            SuccessMeasure.objects.create(
                priority=priority,
                kind=mkind,
                national_key=key,
                name=name or dict(SuccessMeasure._meta.get_field("national_key").choices)[key],
                unit=unit,
                sna_figure=figure,
                order=n,
                source="Registered SNA version" if mkind == MeasureKind.LOCAL else "Home Office success measure",
            )
    fill_from_sna(strategy, version, officer)
    _baselines_and_targets(strategy)
    meeting = BoardMeeting.objects.filter(partnership=partnership).order_by("date").first()
    agreed_on = meeting.date if meeting else date(2024, 6, 27)
    perform(
        STRATEGY_WORKFLOW,
        "agree",
        strategy,
        pcc,
        note="Agreed by the Serious Violence Board. DEMO DATA.",
        agreed_on=agreed_on,
        agreed_at_meeting=meeting,
    )
    perform(STRATEGY_WORKFLOW, "publish", strategy, officer, published_on=agreed_on + timedelta(days=3))
    _calendar(partnership, today, officer)
    return strategy


def _baselines_and_targets(strategy: Strategy) -> None:
    """Baseline = the earliest value read from the SNA; target = the demo's reduction on it (DEMO DATA)."""
    for measure in SuccessMeasure.objects.filter(priority__strategy=strategy):
        first = measure.values.order_by("period_end", "id").first()
        if first is None:
            continue
        measure.baseline_value = first.value
        measure.baseline_period = first.period
        measure.target_value = round(first.value * (1 - TARGET_REDUCTION), 1)
        measure.target_period = "2025-26"
        measure.save()


def _calendar(partnership, today: date, officer) -> None:
    """This and last financial year's standard items; the past ones done, all but the latest (overdue)."""
    start = today.year if today.month >= 4 else today.year - 1
    for year in (start - 1, start):
        cycle.create_year(partnership, f"{year}-{(year + 1) % 100:02d}", is_demo=True)
    from .models import Obligation

    past = list(Obligation.objects.filter(partnership=partnership, is_demo=True, due_on__lt=today).order_by("due_on"))
    for item in past[:-1]:  # all done on time but the latest, which shows as overdue on the officer's home page
        item.done_on = item.due_on
        item.done_by = officer
        item.save()
