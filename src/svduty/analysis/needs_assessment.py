"""Assemble every figure of a Strategic Needs Assessment from a workspace: one call, one ``Assessment``.

The report layer renders an ``Assessment``; it computes nothing itself. Place analysis (grids, kernel density,
concentration, Lorenz/Gini, persistence) is delegated to the hotspot engine ``svduty.analysis.hotspots``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from svduty.analysis import (
    benchmark,
    costs,
    deprivation,
    health,
    places,
    recommendations,
    risk_factors,
    sna,
    themes,
)
from svduty.analysis.engine import Engine
from svduty.analysis.priorities import Candidate, rank_priorities
from svduty.analysis.where import WherePlaces, where_places

# Record-level themes for priorities: SQL predicates on ``sna_inc`` (alias i), named as a board would. The list
# follows the priorities SNAs set (DOMAIN.md, Durham and Darlington: under-18s, alcohol-related night-time
# violence, men 18–35 already involved, domestic abuse with a knife); which of them rank high is the data's call.
THEMES: dict[str, tuple[str, str]] = {
    "Victims under 25": (
        "EXISTS (SELECT 1 FROM involvements v WHERE v.incident_id = i.incident_id AND v.role = 'victim' "
        "AND v.age < 25)",
        "tables/age_sex.csv",
    ),
    "Children and young people under 18 (victims or suspects)": (
        "EXISTS (SELECT 1 FROM involvements v WHERE v.incident_id = i.incident_id AND v.age < 18)",
        "tables/age_sex.csv",
    ),
    "Men aged 18–35 already involved as suspects": (
        "EXISTS (SELECT 1 FROM involvements v WHERE v.incident_id = i.incident_id AND v.role = 'suspect' "
        "AND v.sex = 'male' AND v.age BETWEEN 18 AND 35)",
        "tables/age_sex.csv",
    ),
    "Knife- or sharp-object-enabled violence": ("i.knife_flag", "tables/markers.csv"),
    "Domestic abuse involving a knife": ("i.domestic_flag AND i.knife_flag", "tables/markers.csv"),
    "Alcohol-related violence": ("i.alcohol_flag", "tables/markers.csv"),
    "Domestic violence": ("i.domestic_flag", "tables/markers.csv"),
    "Night-time economy (Fri–Sat, 20:00–04:00)": (
        "i.occurred_at IS NOT NULL AND ((isodow(i.occurred_at) IN (5, 6) AND hour(i.occurred_at) >= 20) "
        "OR (isodow(i.occurred_at) IN (6, 7) AND hour(i.occurred_at) < 4))",
        "tables/hour_weekday.csv",
    ),
}


@dataclass
class Assessment:
    scope: sna.Scope
    period: sna.Period
    notes: dict[str, object]
    headline: dict[str, object]
    tables: dict[str, pd.DataFrame]
    measures: list[sna.Measure | health.HealthMeasure]
    price_year: str
    residents: float | None
    cost: pd.DataFrame
    places: places.PlaceAnalysis | None
    priorities: pd.DataFrame
    synthetic_sections: list[str] = field(default_factory=list)
    has_record_level: bool = False
    why: deprivation.DeprivationResult | None = None  # deprivation (svduty.analysis.deprivation)
    benchmark: benchmark.Benchmark | None = None  # against other forces (svduty.analysis.benchmark)
    themes: dict[str, object] = field(default_factory=dict)  # drugs, weapons, robbery, public order, NTE
    risk: dict[str, object] = field(default_factory=dict)  # partner risk-factor tables (svduty.analysis.risk_factors)
    where: WherePlaces | None = None  # named places, boundaries, change, categories (svduty.analysis.where)
    health: dict[str, object] = field(default_factory=dict)  # ED gap and sources (svduty.analysis.health)

    def synthetic_tables(self) -> set[str]:
        """Names of the tables that rest (wholly or partly) on synthetic rows, so that every file written from
        them can be marked synthetic (house rule: every synthetic output is labelled)."""
        sections = set(self.synthetic_sections)
        out: set[str] = set()
        if "When: hour × weekday" in sections:
            out.add("hour_weekday")
        if "Who and why" in sections:
            out |= {"age_sex", "under_25", "markers"}
        if "Outcomes (partly synthetic)" in sections:
            out.add("outcomes")
        if self.notes.get("ed_synthetic"):
            out |= {"ed_attendances", "ed_assaults_by_month"}
        out |= {f"measure_{m.key}" for m in self.measures if m.synthetic}
        if "Priorities (record-level themes)" in sections:
            out.add("priorities")
        present = self.risk.get("present") or {}
        out |= {f"risk_{k}" for k, v in present.items() if v["synthetic"]}  # type: ignore[attr-defined,index]
        return out & self.tables.keys()

    @property
    def cost_total(self) -> int:
        return int(self.cost.loc[self.cost["crime_type"] == "Total", "cost_central"].iloc[0])


def assess(
    con: duckdb.DuckDBPyConnection,
    scope: sna.Scope,
    progress: Callable[[str], None] | None = None,
    engine: Engine | None = None,
) -> Assessment:
    """Compute the whole SNA for ``scope`` (see ``svduty.analysis.sna`` for definitions).

    ``progress`` is told the name of each stage as it starts (the CLI shows them: a national year takes minutes).
    ``engine`` (default: DuckDB over ``con``) runs the reductions of ``svduty.analysis.tables``; with Spark, ``con``
    is the driver-side copy of the scope (``svduty.analysis.engine.spark_workspace``).
    """
    stage = progress or (lambda _name: None)
    stage("scope and period")
    notes = sna.prepare_scope(con, scope, engine)
    period = sna.resolve_period(con, scope)
    tables: dict[str, pd.DataFrame] = {}
    synthetic: list[str] = []
    if notes.get("definition_added_synthetic"):
        synthetic.append("Serious violence volumes (the local definition selects synthetic markers)")

    stage("crime types, trends and times")
    categories = sna.sv_categories(con)
    notes["sv_categories"] = categories
    crime_types = sna.by_crime_type(con, period, engine)
    tables["by_crime_type"] = crime_types
    head = sna.headline(con, crime_types, period, categories, engine)
    monthly = sna.monthly_series(con, categories, engine)
    tables["monthly"] = monthly
    tables["seasonal"] = sna.seasonal_profile(monthly)
    hw, hw_synthetic = sna.hour_weekday(con, period)
    tables["hour_weekday"] = hw
    if hw_synthetic:
        synthetic.append("When: hour × weekday")

    stage("neighbourhoods (LSOAs) and residents")
    lsoas, lsoa_notes = sna.lsoa_table(
        con,
        period,
        area_lad=notes.get("area_lad"),  # type: ignore[arg-type]
        lsoa_filter=notes.get("area_kind") in ("LSOA code prefix", "LSOA name prefix"),
        area_prefix=notes.get("area_prefix"),  # type: ignore[arg-type]
        area_lad_codes=notes.get("area_lad_codes"),  # type: ignore[arg-type]
        pfas=notes.get("area_pfas"),  # type: ignore[arg-type]
        engine=engine,
    )
    notes.update(lsoa_notes)
    tables["lsoa_sv"] = lsoas
    tables["by_local_authority"] = sna.by_local_authority(lsoas)
    residents = lsoa_notes["residents"]
    population = sna.population_by_lsoa(con, period.end.year).set_index("area_code")["persons"]
    why = deprivation.assess(lsoas, sna.lookup_frame(con), population)
    tables.update(why.tables)
    risk = risk_factors.assess(con, lsoas)
    for key, found in risk["present"].items():  # type: ignore[attr-defined]
        tables[f"risk_{key}"] = found["table"]
    theme = themes.assess(con, period, lsoas)
    tables["themes"] = theme["summary"]  # type: ignore[assignment]
    tables["themes_by_lsoa"] = theme["per_lsoa"]  # type: ignore[assignment]
    forces = notes.get("forces") or []
    own_force = scope.force or (forces[0] if len(forces) == 1 else None)  # type: ignore[index]
    bench = None
    if not scope.area and own_force:
        bench = benchmark.assess(con, str(own_force), period.start, period.end, categories, engine)
        if bench is not None:
            tables.update(bench.tables)

    stage("who and why")
    record_level = sna.has_involvements(con, period)
    age_sex, age_synthetic = sna.age_sex(con, period)
    tables["age_sex"] = age_sex
    under_25 = sna.under_25_share(con, period)
    residents_age = sna.residents_by_age(con, lsoas, period.end.year) if record_level else None
    if residents_age:
        area_codes = lsoas.loc[lsoas["in_area"], "code"].tolist()
        row = con.execute(
            "SELECT count(*) FILTER (WHERE v.age < 25), count(*) FILTER (WHERE v.age >= 25) "
            "FROM involvements v JOIN sna_inc i USING (incident_id) WHERE v.role = 'victim' "
            "AND i.sv_category IS NOT NULL AND i.month BETWEEN ? AND ? "
            "AND i.lsoa_code IN (SELECT unnest(?::VARCHAR[]))",
            [period.start, period.end, area_codes],
        ).fetchone()
        young, older = (int(row[0]), int(row[1])) if row else (0, 0)
        notes["victim_rates"] = {
            "victims_under_25": young,
            "victims_25_and_over": older,
            "under_25_per_1000": young / residents_age["under_25"] * 1000 if residents_age["under_25"] else None,
            "25_and_over_per_1000": older / residents_age["25_and_over"] * 1000
            if residents_age["25_and_over"]
            else None,
            "residents_under_25": residents_age["under_25"],
            "residents_25_and_over": residents_age["25_and_over"],
        }
    tables["under_25"] = under_25
    marker_table, marker_synthetic = sna.markers(con, period)
    tables["markers"] = marker_table
    tables["outcomes"] = sna.outcomes(con, period, engine)
    notes["outcomes_synthetic"] = sna.synthetic_field_used(con, "outcome", period)
    if notes["outcomes_synthetic"]:
        synthetic.append("Outcomes (partly synthetic)")
    if age_synthetic or marker_synthetic:
        synthetic.append("Who and why")

    # A&E rows carry no force: a --force (like an --area) limits them to the LSOAs of the scope's data and area.
    stage("A&E and success measures")
    lsoa_scope = lsoas["code"].tolist() if scope.area or scope.force else None
    ed, ed_synthetic = sna.ed_profile(con, period, lsoa_scope)
    tables["ed_attendances"] = ed
    notes["ed_synthetic"] = ed_synthetic
    if ed_synthetic:
        synthetic.append("A&E attendances")
    measures: list[sna.Measure | health.HealthMeasure] = list(sna.success_measures(con, period, lsoa_scope))
    health_notes = _health(con, period, lsoa_scope, tables, measures)
    for m in measures:
        tables[f"measure_{m.key}"] = m.table
    if any(m.synthetic for m in measures):
        synthetic.append("Success measures")

    stage("costs of violence")
    price_year = costs.financial_year(period.end)
    cost = costs.cost_of_violence(head["by_crime_type"], price_year, residents)
    # Cost per resident counts only the crimes inside the area's LSOAs (strays over the border and crimes without
    # a location stay in the total cost, not in the figure per resident of the area).
    in_area = _in_area_by_category(con, period, lsoas, categories)
    area_cost = costs.cost_of_violence(in_area, price_year, residents).set_index("crime_type")
    for scenario in ("low", "central", "high"):
        cost[f"area_cost_{scenario}"] = cost["crime_type"].map(area_cost[f"cost_{scenario}"])
        cost[f"per_resident_{scenario}"] = cost["crime_type"].map(area_cost[f"per_resident_{scenario}"])
    cost["area_count"] = cost["crime_type"].map(area_cost["count"])
    tables["cost"] = cost
    tables["unit_costs"] = costs.unit_cost_table(price_year)

    stage("hotspots and concentration")
    place = places.analyse(con, period, lsoas)
    where = None
    if place is not None:
        tables.update(place.tables)
        where = where_places(con, period, lsoas, place, boundaries_file=scope.boundaries)
        if len(where.top_cells):
            tables["top_cells"] = where.top_cells
        tables["lsoa_names"] = where.lsoa_names
        for name in ("change_cells", "category_cells"):
            if getattr(where, name) is not None and len(getattr(where, name)):
                tables[name] = getattr(where, name)

    stage("priorities")
    priorities = _priorities(con, period, lsoas, cost, price_year, record_level, categories)
    if len(priorities) and priorities["synthetic"].any():
        synthetic.append("Priorities (record-level themes)")
    if len(priorities):
        # Link only to tables this report actually writes (e.g. no persistence table with one year of data).
        priorities["evidence"] = priorities["evidence"].map(
            lambda refs: [r for r in refs if r.removeprefix("tables/").removesuffix(".csv") in tables]
        )
        tables["priorities"] = priorities.assign(evidence=priorities["evidence"].map(" ".join))
        tables["recommendations"] = recommendations.recommend(priorities, list(notes.get("sources") or []))
    else:
        tables["priorities"] = priorities

    return Assessment(
        scope=scope,
        period=period,
        notes=notes,
        headline=head,
        tables=tables,
        measures=measures,
        price_year=price_year,
        residents=residents,
        cost=cost,
        places=place,
        priorities=priorities,
        synthetic_sections=synthetic,
        has_record_level=record_level,
        why=why,
        benchmark=bench,
        themes=theme,
        risk=risk,
        where=where,
        health=health_notes,
    )


def _health(
    con: duckdb.DuckDBPyConnection,
    period: sna.Period,
    lsoa_scope: list[str] | None,
    tables: dict[str, pd.DataFrame],
    measures: list[sna.Measure | health.HealthMeasure],
) -> dict[str, object]:
    """Partner health data: ED assaults by month, the ED-not-in-police gap, success measure 1 from admissions.

    An admissions extract is the measure's own source (Home Office: admissions, not ED attendances), so when one is
    ingested it replaces the ED-based count of success measure 1.
    """
    span = (period.start, period.end)
    tables["ed_assaults_by_month"] = health.ed_assaults_by_month(con, span, lsoa_scope)
    if health.has_admissions(con):
        # a baseline year that starts before the extract does would count part of a year: keep the years it covers
        first = con.execute("SELECT min(month) FROM hospital_admissions").fetchone()[0]
        years = sna.measure_years(period)
        years = [y for y in years if y[0] >= first] or years
        measures[0] = health.sharp_object_admissions(con, years, lsoa_scope)
    return {"gap": health.ed_not_in_police(con, span, lsoa_scope), "sources": health.sources(con)}


def _in_area_by_category(
    con: duckdb.DuckDBPyConnection, period: sna.Period, lsoas: pd.DataFrame, categories: list[str]
) -> dict[str, int]:
    """SV crimes per category in the period located in the area's LSOAs."""
    codes = lsoas.loc[lsoas["in_area"], "code"].tolist()
    rows = con.execute(
        "SELECT sv_category, count(*) FROM sna_inc WHERE sv_category IS NOT NULL AND month BETWEEN ? AND ? "
        "AND lsoa_code IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1",
        [period.start, period.end, codes],
    ).fetchall()
    found = {str(r[0]): int(r[1]) for r in rows}
    return {c: found.get(c, 0) for c in categories} | found


def _per_lsoa(con: duckdb.DuckDBPyConnection, predicate: str, start: date, end: date, codes: pd.Series) -> np.ndarray:
    frame = con.execute(
        "SELECT i.lsoa_code AS code, count(*) AS n FROM sna_inc i WHERE i.sv_category IS NOT NULL "
        f"AND {predicate} "
        "AND i.month BETWEEN ? AND ? AND i.lsoa_code IS NOT NULL GROUP BY 1",
        [start, end],
    ).df()
    return codes.map(frame.set_index("code")["n"]).fillna(0).to_numpy(dtype=float)


def _theme_counts(
    con: duckdb.DuckDBPyConnection, predicate: str, period: sna.Period
) -> tuple[dict[str, int], int, bool]:
    """(count per SV type in the period, count in the previous period, any synthetic rows)."""
    current = con.execute(
        f"SELECT i.sv_category, count(*), bool_or({sna.synthetic_incident_sql(con)}) FROM sna_inc i "
        "WHERE i.sv_category IS NOT NULL "
        f"AND {predicate} AND i.month BETWEEN ? AND ? GROUP BY 1",
        [period.start, period.end],
    ).fetchall()
    prev = con.execute(
        f"SELECT count(*) FROM sna_inc i WHERE i.sv_category IS NOT NULL AND {predicate} AND i.month BETWEEN ? AND ?",
        [period.prev_start, period.prev_end],
    ).fetchone()
    return (
        {str(r[0]): int(r[1]) for r in current},
        int(prev[0]) if prev else 0,
        any(bool(r[2]) for r in current),
    )


def _priorities(
    con: duckdb.DuckDBPyConnection,
    period: sna.Period,
    lsoas: pd.DataFrame,
    cost: pd.DataFrame,
    price_year: str,
    record_level: bool,
    categories: list[str],
) -> pd.DataFrame:
    factor = costs.load_deflator().factor(price_year)
    # Ranking weight only (see priorities docstring): weapon possession weighted as violence w/o injury.
    harm = {c: costs.unit_cost(c, "central", ranking=True) * factor for c in categories}
    prev_ok = period.has_previous
    area = lsoas[lsoas["in_area"]]
    codes = area["code"]

    def weighted_harm(by_type: dict[str, int]) -> float:
        n = sum(by_type.values())
        return sum(harm.get(t, 0.0) * c for t, c in by_type.items()) / n if n else 0.0

    counts = cost.set_index("crime_type")["count"]
    total_harm = sum(harm[t] * int(counts.get(t, 0)) for t in categories)
    candidates: list[Candidate] = []
    for crime_type in categories:
        pred = "i.sv_category = '" + crime_type.replace("'", "''") + "'"
        by_type, prev, synthetic = _theme_counts(con, pred, period)
        candidates.append(
            Candidate(
                name=crime_type,
                kind="crime type",
                volume=sum(by_type.values()),
                previous=prev if prev_ok else None,
                harm_gbp=harm[crime_type],
                lsoa_counts=_per_lsoa(con, pred, period.start, period.end, codes),
                evidence=(
                    "tables/by_crime_type.csv",
                    "tables/monthly.csv",
                    "tables/cost.csv",
                    "tables/lsoa_sv.csv",
                ),
                note="serious violence category",
            )
        )
    # Place candidate: the top 5% of LSOAs by SV count (at least one), as one place-based problem.
    n_top = max(1, int(np.ceil(0.05 * len(area))))
    top_codes = area.loc[area["count"] > 0, "code"].head(n_top).tolist()
    if top_codes:
        in_list = ", ".join("'" + c.replace("'", "''") + "'" for c in top_codes)
        pred = f"i.lsoa_code IN ({in_list})"
        by_type, prev, _ = _theme_counts(con, pred, period)
        names = area.loc[area["code"].isin(top_codes), "name"].tolist()
        candidates.append(
            Candidate(
                name=f"Hotspot places: top {len(top_codes)} LSOA{'s' if len(top_codes) > 1 else ''} "
                f"({', '.join(str(n) for n in names[:3])}{'…' if len(names) > 3 else ''})",
                kind="place",
                volume=sum(by_type.values()),
                previous=prev if prev_ok else None,
                harm_gbp=weighted_harm(by_type),
                lsoa_counts=_per_lsoa(con, "true", period.start, period.end, codes),
                evidence=("tables/lsoa_sv.csv", "tables/concentration.csv", "tables/persistence.csv"),
                note="top 5% of LSOAs by SV count; concentration measured over all LSOAs",
            )
        )
    if record_level:
        for name, (pred, table) in THEMES.items():
            by_type, prev, synthetic = _theme_counts(con, pred, period)
            if not by_type:
                continue
            candidates.append(
                Candidate(
                    name=name,
                    kind="theme",
                    volume=sum(by_type.values()),
                    previous=prev if prev_ok else None,
                    harm_gbp=weighted_harm(by_type),
                    lsoa_counts=_per_lsoa(con, pred, period.start, period.end, codes),
                    evidence=(table, "tables/cost.csv"),
                    synthetic=synthetic,
                    note="record-level data" + (" (SYNTHETIC)" if synthetic else ""),
                )
            )
    ranked = rank_priorities(candidates, total_harm, places.gini)
    if len(ranked):
        # where each candidate happens most: the three area LSOAs with most of its crimes (for recommendations)
        names = area["name"].fillna(area["code"]).to_numpy()
        tops = {}
        for c in candidates:
            counts = np.asarray(c.lsoa_counts, dtype=float)
            order = np.argsort(-counts, kind="stable")[:3]
            tops[c.name] = "; ".join(f"{names[i]} ({int(counts[i])})" for i in order if counts[i] > 0)
        ranked["top_places"] = ranked["name"].map(tops)
    return ranked
