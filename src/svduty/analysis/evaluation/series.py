"""Outcome series from the workspace: counts per month or quarter for a selection of crimes, an area and a period.

Selection follows ``svduty sna``: ``sna.prepare_scope`` resolves the force and ``--area`` (LSOA code prefix, local
authority code or LSOA-name prefix), ``sna.resolve_period`` the period, and ``sna.lsoa_table`` the area's LSOAs and
residents, so that an evaluation counts exactly what the needs assessment counts. On top of that scope come the
crime types (``sv`` = the serious-violence set, ``all`` = all recorded crime excluding anti-social behaviour, or
police.uk crime types by name), an optional list of LSOAs or hotspot grid cells, and the measure: crimes, A&E
(ISTV) assault attendances, sharp-object attendances, or crimes whose last outcome is a charge or summons.

Every series says whether any row it counts is synthetic (``synthetic``), and every output built on it repeats it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from svduty.analysis import sna
from svduty.analysis.evaluation import EvaluationError

MEASURES = {
    "crimes": "crimes recorded",
    "ed-assaults": "A&E assault attendances (ISTV)",
    "ed-sharp": "A&E attendances after assault with a sharp object (ISTV)",
    "charged": "crimes whose last outcome is a charge or summons",
}
UNITS = ("lsoa", "la", "force")
# police.uk "Last outcome category" values that follow a charge or summons (the case went to court), plus the
# words record extracts use. Outcomes are updated for months after a crime, so recent months read low.
CHARGE_OUTCOMES = (
    "awaiting court outcome",
    "court result unavailable",
    "court case unable to proceed",
    "defendant found not guilty",
    "defendant sent to crown court",
    "offender sent to prison",
    "offender given suspended prison sentence",
    "offender given community sentence",
    "offender fined",
    "offender given conditional discharge",
    "offender given absolute discharge",
    "offender ordered to pay compensation",
    "offender deprived of property",
    "offender otherwise dealt with",
    "suspect charged as part of another case",
    "charged",
    "charged/summonsed",
    "summonsed",
)


@dataclass(frozen=True)
class Selection:
    """What to count: the SNA scope (force, area, period) plus crime types, places and the measure."""

    force: str | None = None
    area: str | None = None
    start: date | None = None
    end: date | None = None
    crime_types: tuple[str, ...] = ("sv",)
    measure: str = "crimes"
    frequency: str = "month"  # or "quarter"
    rate: bool = False  # per 1,000 residents
    lsoas: tuple[str, ...] = ()  # restrict to these LSOA codes (any vintage)
    cells: tuple[tuple[float, float], ...] = ()  # hotspot grid cell centres (BNG metres)
    cell_size: float | None = None
    log: bool = False  # analyse log(1 + value): effects read as approximate proportional changes

    @property
    def scope(self) -> sna.Scope:
        return sna.Scope(force=self.force, area=self.area, start=self.start, end=self.end)


@dataclass
class OutcomeSeries:
    """One outcome per period: ``frame`` has period (first day), label, count, residents, value."""

    frame: pd.DataFrame
    label: str  # e.g. "serious violence (police.uk proxy) crimes recorded"
    area: str
    synthetic: bool
    frequency: str
    rate: bool
    notes: dict[str, object] = field(default_factory=dict)

    @property
    def value_label(self) -> str:
        return f"{self.label} per 1,000 residents" if self.rate else self.label


@dataclass
class Panel:
    """One outcome per unit × period: ``frame`` has unit, unit_name, period, label, count, residents, value."""

    frame: pd.DataFrame
    unit_kind: str
    label: str
    synthetic: bool
    frequency: str
    rate: bool
    notes: dict[str, object] = field(default_factory=dict)


# -- selection ---------------------------------------------------------------------------------------------------
def crime_type_predicate(con: duckdb.DuckDBPyConnection, crime_types: tuple[str, ...], alias: str = "i") -> str:
    """SQL predicate for ``--crime-type`` values; unknown types are a one-line error listing the known ones."""
    if not crime_types:
        crime_types = ("sv",)
    known = {
        r[0].lower(): r[0]
        for r in con.execute("SELECT DISTINCT offence_group FROM sna_inc WHERE offence_group IS NOT NULL").fetchall()
    }
    clauses, named = [], []
    for value in crime_types:
        v = value.strip().lower()
        if v == "sv":
            clauses.append(f"{alias}.sv_category IS NOT NULL")
        elif v == "all":
            clauses.append(f"{alias}.offence_group <> '{sna.ASB}'")
        elif v in known:
            named.append(known[v])
        else:
            raise EvaluationError(
                f"--crime-type {value!r} is not in the data in scope; use sv, all or one of: "
                + ", ".join(sorted(known.values()))
            )
    if named:
        clauses.append(f"{alias}.offence_group IN (" + ", ".join("'" + sna._quote(n) + "'" for n in named) + ")")
    return "(" + " OR ".join(clauses) + ")"


def crime_type_label(crime_types: tuple[str, ...]) -> str:
    words = []
    for value in crime_types or ("sv",):
        v = value.strip().lower()
        words.append(
            "serious violence"
            if v == "sv"
            else "all recorded crime (excluding anti-social behaviour)"
            if v == "all"
            else value
        )
    return " + ".join(words)


def series_label(sel: Selection) -> str:
    """What the series counts, in words: the crime types, or the A&E measure."""
    if sel.measure.startswith("ed-"):
        return MEASURES[sel.measure]
    crimes = crime_type_label(sel.crime_types)
    return f"{crimes}, charged or summonsed" if sel.measure == "charged" else crimes


def axis_title(sel: Selection) -> str:
    noun = {"crimes": "Crimes", "charged": "Charged crimes"}.get(sel.measure, "Attendances")
    if sel.log:
        return f"log(1 + {noun.lower()}{' per 1,000 residents' if sel.rate else ''} per {sel.frequency})"
    return f"{noun}{' per 1,000 residents' if sel.rate else ''} per {sel.frequency}"


def _prepare(con: duckdb.DuckDBPyConnection, sel: Selection) -> tuple[dict[str, object], sna.Period]:
    """The SNA scope (view ``sna_inc``), the period (whole data unless --from/--to) and the area's notes."""
    if sel.measure not in MEASURES:
        raise EvaluationError(f"measure {sel.measure!r} is not one of {', '.join(MEASURES)}")
    if sel.frequency not in ("month", "quarter"):
        raise EvaluationError(f"frequency {sel.frequency!r} is not month or quarter")
    notes = sna.prepare_scope(con, sel.scope)
    # An evaluation uses the whole series: the start defaults to the first month in scope, not to 12 months back.
    start = sel.start or notes["data_start"]
    period = sna.resolve_period(con, replace(sel.scope, start=start))
    return notes, period


def _filters(con: duckdb.DuckDBPyConnection, sel: Selection) -> tuple[str, list[object]]:
    """Extra incident filters on ``sna_inc`` (alias i): crime types, LSOA list, hotspot cells."""
    where = [crime_type_predicate(con, sel.crime_types)]
    params: list[object] = []
    if sel.lsoas:
        where.append("upper(i.lsoa_code) IN (SELECT upper(unnest(?::VARCHAR[])))")
        params.append(list(sel.lsoas))
    if sel.cells:
        if not sel.cell_size or sel.cell_size <= 0:
            raise EvaluationError("hotspot cells need the grid's cell size in metres (--cell-size)")
        _cells_table(con, sel)
        where.append("i.incident_id IN (SELECT incident_id FROM eval_in_cells)")
    if sel.measure == "charged":
        where.append("lower(trim(i.outcome)) IN (" + ", ".join(f"'{o}'" for o in CHARGE_OUTCOMES) + ")")
    return " AND ".join(where), params


def _cells_table(con: duckdb.DuckDBPyConnection, sel: Selection) -> None:
    """Temp table of located incidents whose BNG cell (lattice anchored at multiples of the cell size, as
    ``hotspots.make_grid`` builds it) has one of the given centres."""
    from svduty.analysis.hotspots import to_bng

    rows = con.execute("SELECT incident_id, lon, lat FROM sna_inc WHERE lat IS NOT NULL AND lon IS NOT NULL").df()
    size = float(sel.cell_size or 0)
    x, y = to_bng(rows["lon"].to_numpy(), rows["lat"].to_numpy())
    cx = np.floor(np.asarray(x) / size) * size + size / 2
    cy = np.floor(np.asarray(y) / size) * size + size / 2
    wanted = {(round(a, 3), round(b, 3)) for a, b in sel.cells}
    keep = np.array([(round(a, 3), round(b, 3)) in wanted for a, b in zip(cx, cy, strict=True)], dtype=bool)
    ids = pd.DataFrame({"incident_id": rows["incident_id"].to_numpy()[keep]})
    con.register("eval_cells_df", ids)
    con.execute("CREATE OR REPLACE TEMP TABLE eval_in_cells AS SELECT * FROM eval_cells_df")
    con.unregister("eval_cells_df")


def _period_key(frequency: str) -> str:
    return "date_trunc('quarter', {col})::DATE" if frequency == "quarter" else "date_trunc('month', {col})::DATE"


def period_labels(periods: pd.Series, frequency: str) -> pd.Series:
    stamps = pd.to_datetime(periods)
    if frequency == "quarter":
        return stamps.dt.year.astype(str) + " Q" + stamps.dt.quarter.astype(str)
    return stamps.dt.strftime("%Y-%m")


def _all_periods(period: sna.Period, frequency: str) -> pd.DataFrame:
    """Every period of the selection. Quarters only where the data cover all three months (a quarter holding
    one month of data would read as a fall)."""
    if frequency == "quarter":
        first = pd.Timestamp(period.start).to_period("Q")
        first = first if first.start_time == pd.Timestamp(period.start) else first + 1
        last = pd.Timestamp(period.end).to_period("Q")
        last = last if last.end_time.to_period("M").start_time == pd.Timestamp(period.end) else last - 1
        if last < first:
            raise EvaluationError("the period holds no whole quarter: use monthly data or a longer period")
        index = pd.period_range(first, last, freq="Q").start_time
    else:
        index = pd.date_range(period.start, period.end, freq="MS")
    return pd.DataFrame({"period": index.astype("datetime64[us]")})


def _as_periods(frame: pd.DataFrame) -> pd.DataFrame:
    frame["period"] = pd.to_datetime(frame["period"]).astype("datetime64[us]")
    return frame


def _synthetic_sql(con: duckdb.DuckDBPyConnection, sel: Selection) -> str:
    if sel.measure == "charged":  # the outcome may be a value ``svduty synth`` filled in
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "incident_synthetic_fields" in names:
            return (
                "(i.synthetic OR EXISTS (SELECT 1 FROM incident_synthetic_fields f WHERE f.incident_id = "
                "i.incident_id AND f.outcome))"
            )
    return "i.synthetic"


def _area_lsoas(con: duckdb.DuckDBPyConnection, notes: dict[str, object], period: sna.Period) -> tuple[list, dict]:
    lsoas, lsoa_notes = sna.lsoa_table(
        con,
        period,
        area_lad=notes.get("area_lad"),  # type: ignore[arg-type]
        lsoa_filter=notes.get("area_kind") in ("LSOA code prefix", "LSOA name prefix"),
        area_prefix=notes.get("area_prefix"),  # type: ignore[arg-type]
    )
    return lsoas, lsoa_notes


def outcome_series(con: duckdb.DuckDBPyConnection, sel: Selection) -> OutcomeSeries:
    """Counts per period for the selection (zeros included), with residents and the value analysed."""
    notes, period = _prepare(con, sel)
    key = _period_key(sel.frequency)
    lsoas, lsoa_notes = _area_lsoas(con, notes, period)
    if sel.measure.startswith("ed-"):
        frame, synthetic = _ed_counts(con, sel, period, lsoas)
    else:
        where, params = _filters(con, sel)
        frame = con.execute(
            f"SELECT {key.format(col='i.month')} AS period, count(*) AS count, bool_or({_synthetic_sql(con, sel)}) "
            f"AS synthetic FROM sna_inc i WHERE {where} AND i.month BETWEEN ? AND ? GROUP BY 1",
            [*params, period.start, period.end],
        ).df()
        synthetic = bool(frame["synthetic"].any()) if len(frame) else False
    frame = _all_periods(period, sel.frequency).merge(_as_periods(frame)[["period", "count"]], on="period", how="left")
    frame["count"] = frame["count"].fillna(0).astype(int)
    residents = _residents(con, sel, lsoas, lsoa_notes)
    frame["residents"] = residents
    frame = _with_value(frame, sel)
    frame.insert(1, "label", period_labels(frame["period"], sel.frequency))
    label = series_label(sel)
    area = _area_words(sel, notes)
    out_notes = {
        **{k: notes.get(k) for k in ("forces", "sources", "area_kind", "data_start", "data_end")},
        "period_start": period.start,
        "period_end": period.end,
        "residents": residents,
        "area_lsoas": lsoa_notes.get("area_lsoas"),
        "population_years": lsoa_notes.get("population_years"),
    }
    if period.months < 12 * (1 if sel.frequency == "month" else 3):
        out_notes["short"] = True
    return OutcomeSeries(frame, label, area, synthetic, sel.frequency, sel.rate, out_notes)


def _ed_counts(
    con: duckdb.DuckDBPyConnection, sel: Selection, period: sna.Period, lsoas: pd.DataFrame
) -> tuple[pd.DataFrame, bool]:
    """A&E assault attendances per period; limited to the scope's LSOAs when a force, area or LSOA list is set
    (ED rows carry no force, as in the SNA)."""
    where = ["date_trunc('month', arrived_at)::DATE BETWEEN ? AND ?"]
    params: list[object] = [period.start, period.end]
    if sel.measure == "ed-sharp":
        where.append("mechanism = 'sharp object'")
    codes = list(sel.lsoas) or (lsoas["code"].tolist() if (sel.area or sel.force) else [])
    if sel.lsoas or sel.area or sel.force:
        where.append("lsoa_code IN (SELECT unnest(?::VARCHAR[]))")
        params.append(codes)
    key = _period_key(sel.frequency).format(col="arrived_at")
    frame = con.execute(
        f"SELECT {key} AS period, count(*) AS count, bool_or(synthetic) AS synthetic FROM ed_attendances "
        f"WHERE {' AND '.join(where)} GROUP BY 1",
        params,
    ).df()
    if frame.empty or not int(frame["count"].sum()):
        raise EvaluationError(f"no A&E attendances in the workspace for measure {sel.measure} in this scope")
    return frame, bool(frame["synthetic"].any())


def _residents(
    con: duckdb.DuckDBPyConnection, sel: Selection, lsoas: pd.DataFrame, lsoa_notes: dict[str, object]
) -> float | None:
    if sel.lsoas:
        pop = _lsoa_residents(
            con, list(sel.lsoas), int(pd.Timestamp(lsoa_notes.get("period_end") or date.today()).year)
        )
        value = float(pop.sum()) if len(pop) else None
    else:
        value = lsoa_notes.get("residents")  # type: ignore[assignment]
    if sel.rate and not value:
        raise EvaluationError("--rate needs residents: load population (svduty ingest population) and the lookup")
    if sel.rate and sel.cells:
        raise EvaluationError("--rate is not defined for hotspot cells (cells have no resident count)")
    return float(value) if value else None


def _lsoa_residents(con: duckdb.DuckDBPyConnection, codes: list[str], year: int) -> pd.Series:
    """Residents per LSOA code (either vintage) from the workspace view ``lsoa_population``, nearest year."""
    frame = con.execute(
        """
        SELECT lsoa_code, persons FROM (
            SELECT *, row_number() OVER (PARTITION BY lsoa_code ORDER BY abs(year - ?), year DESC) AS r
            FROM lsoa_population WHERE upper(lsoa_code) IN (SELECT upper(unnest(?::VARCHAR[])))
        ) WHERE r = 1
        """,
        [year, codes],
    ).df()
    return frame.set_index("lsoa_code")["persons"].astype(float)


def _with_value(frame: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    frame["value"] = frame["count"] / frame["residents"] * 1000 if sel.rate else frame["count"].astype(float)
    if sel.log:  # units of very different size: compare proportional changes (exp(b) − 1 ≈ % change)
        frame["value"] = np.log1p(frame["value"])
    return frame


def _area_words(sel: Selection, notes: dict[str, object]) -> str:
    forces = notes.get("forces") or []
    words = sel.area or (f"the {' and '.join(str(f) for f in forces[:2])} area" if forces else "the workspace")
    if sel.lsoas:
        words += f", {len(sel.lsoas)} selected LSOA{'s' if len(sel.lsoas) > 1 else ''}"
    if sel.cells:
        words += f", {len(sel.cells)} hotspot cell{'s' if len(sel.cells) > 1 else ''} of {sel.cell_size:g} m"
    return words


# -- panels --------------------------------------------------------------------------------------------------------
def panel_series(con: duckdb.DuckDBPyConnection, sel: Selection, unit: str = "lsoa") -> Panel:
    """Counts per unit (LSOA, local authority or force) × period, every unit × period (zeros included).

    Units are those with at least one incident of any type in scope. Local authorities come from the workspace view
    ``lsoa_areas`` (either LSOA vintage); residents from ``lsoa_population`` (LSOAs) or the sum over each local
    authority's 2011 LSOAs. Force units have no residents (no force → LSOA table in the workspace).
    """
    if unit not in UNITS:
        raise EvaluationError(f"unit {unit!r} is not one of {', '.join(UNITS)}")
    if sel.measure.startswith("ed-"):
        raise EvaluationError("panels are built from police records; A&E measures are single series only")
    notes, period = _prepare(con, sel)
    where, params = _filters(con, sel)
    key = _period_key(sel.frequency).format(col="i.month")
    unit_sql = {
        "lsoa": ("i.lsoa_code", "any_value(i.lsoa_name)", "i.lsoa_code IS NOT NULL"),
        "la": ("a.lad_code", "any_value(a.lad_name)", "a.lad_code IS NOT NULL"),
        "force": ("coalesce(i.reported_by, i.force)", "any_value(coalesce(i.reported_by, i.force))", "true"),
    }[unit]
    join = "LEFT JOIN lsoa_areas a ON a.lsoa_code = i.lsoa_code" if unit == "la" else ""
    units = con.execute(
        f"SELECT {unit_sql[0]} AS unit, {unit_sql[1]} AS unit_name FROM sna_inc i {join} WHERE {unit_sql[2]} "
        "GROUP BY 1 HAVING unit IS NOT NULL"
    ).df()
    if units.empty:
        raise EvaluationError(f"no {unit} units in scope (incidents have no LSOA or local authority)")
    counts = con.execute(
        f"SELECT {unit_sql[0]} AS unit, {key} AS period, count(*) AS count, bool_or({_synthetic_sql(con, sel)}) "
        f"AS synthetic FROM sna_inc i {join} WHERE {where} AND {unit_sql[2]} AND i.month BETWEEN ? AND ? "
        "GROUP BY 1, 2",
        [*params, period.start, period.end],
    ).df()
    grid = units.merge(_all_periods(period, sel.frequency), how="cross")
    frame = grid.merge(_as_periods(counts)[["unit", "period", "count"]], on=["unit", "period"], how="left")
    frame["count"] = frame["count"].fillna(0).astype(int)
    residents = _unit_residents(con, units["unit"].tolist(), unit, period.end.year)
    frame["residents"] = frame["unit"].map(residents).astype(float)
    if sel.rate and frame["residents"].isna().any():
        missing = frame.loc[frame["residents"].isna(), "unit"].drop_duplicates().tolist()
        if unit == "force" or len(missing) == len(units):
            raise EvaluationError(f"--rate needs residents for every {unit}; none for {', '.join(missing[:5])}")
        frame = frame[frame["residents"].notna()]
        notes["units_without_residents"] = missing
    frame = _with_value(frame, sel)
    frame.insert(2, "label", period_labels(frame["period"], sel.frequency))
    synthetic = bool(counts["synthetic"].any()) if len(counts) else False
    label = series_label(sel)
    out_notes = {
        **{k: notes.get(k) for k in ("forces", "sources", "area_kind", "data_start", "data_end")},
        "period_start": period.start,
        "period_end": period.end,
        "units_without_residents": notes.get("units_without_residents", []),
        "area": _area_words(sel, notes),
    }
    return Panel(frame.reset_index(drop=True), unit, label, synthetic, sel.frequency, sel.rate, out_notes)


def _unit_residents(con: duckdb.DuckDBPyConnection, units: list[str], unit: str, year: int) -> pd.Series:
    if unit == "lsoa":
        return _lsoa_residents(con, units, year)
    if unit == "la":
        frame = con.execute(
            """
            SELECT a.lad_code, sum(p.persons) AS persons FROM lsoa_areas a
            JOIN (SELECT * FROM lsoa_population
                  QUALIFY row_number() OVER (PARTITION BY lsoa_code ORDER BY abs(year - ?), year DESC) = 1) p
              ON p.lsoa_code = a.lsoa_code
            WHERE a.vintage = 2011 AND a.lad_code IN (SELECT unnest(?::VARCHAR[])) GROUP BY 1
            """,
            [year, units],
        ).df()
        return frame.set_index("lad_code")["persons"].astype(float)
    return pd.Series(dtype=float)
