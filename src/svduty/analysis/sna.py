"""Strategic Needs Assessment figures: where, when, who, why, cost, success measures, priorities.

Every function here is pure: a DuckDB connection (read-only is enough) and a ``Scope`` in, pandas tables
out. The report layer (``svduty.report.sna``) only formats them. Method notes that a board needs are in the
docstrings and are printed in the report's "Method and data" section.

Definitions used throughout:

- *Serious violence (SV)*: incidents with non-NULL ``sv_category``. For police.uk rows this is the proxy of
  ``SV_PROXY_CRIME_TYPES`` (Violence and sexual offences, Robbery, Possession of weapons), always shown apart,
  unless the workspace holds a local definition (``svduty.data.sv_definition``): ``prepare_scope`` then sets
  ``sv_category`` from it (the crime type for rows it adds, NULL for rows it leaves out).
- *All recorded crime*: every police.uk crime type **except anti-social behaviour**, which police.uk publishes
  but which is not a notifiable (recorded) crime; ASB is counted separately.
- *Period*: the latest 12 months in the data (or ``--from``/``--to``), compared with the 12 months before.
- Only incidents of ``ingests`` with ``status = 'active'`` count; rows of ``source = 'synthetic'`` (if a
  generator ever adds whole incidents) never count toward volumes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import ibis
import numpy as np
import pandas as pd

from svduty.analysis import AnalysisError, tables
from svduty.analysis.engine import Engine, duckdb_engine
from svduty.data import geography
from svduty.data import sv_definition as svdef
from svduty.data.schema import SV_PROXY_CRIME_TYPES

ASB = "Anti-social behaviour"
UNDER_25_BANDS = ("0-9", "0-15", "10-17", "0-17", "10-15", "16-17", "16-24", "18-24", "under 18", "under 25")
LA_CODE = re.compile(r"^[EWSN]\d{8}$")
LSOA_CODE_PREFIX = re.compile(r"^[EW]0[12]\d{0,6}$")
LOOKUP_TABLES = ("lsoa_lookup", "lsoa11_lsoa21_lookup", "lsoa_lad_lookup")


class SnaError(AnalysisError):
    """The SNA cannot be built for this scope (no data, bad period, unknown area)."""


@dataclass(frozen=True)
class Scope:
    """What the SNA covers: a force (police.uk slug or name), an area, and a period of whole months."""

    force: str | None = None
    area: str | None = None
    start: date | None = None  # first month, inclusive
    end: date | None = None  # last month, inclusive
    boundaries: str | None = None  # LSOA boundary file (GeoPackage/GeoJSON) for the maps; None: bundled if covered
    definition: svdef.SvDefinition | None = None  # local definition of SV; None: the workspace's current one


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    prev_start: date
    prev_end: date
    months: int
    data_start: date
    data_end: date

    @property
    def label(self) -> str:
        if self.start == self.end:
            return f"{self.start:%B %Y}"
        return f"{self.start:%B %Y} to {self.end:%B %Y}"

    @property
    def prev_label(self) -> str:
        if self.prev_start == self.prev_end:
            return f"{self.prev_start:%B %Y}"
        return f"{self.prev_start:%B %Y} to {self.prev_end:%B %Y}"

    @property
    def has_previous(self) -> bool:
        """Whether the data cover the whole previous period (the only test for it: use it everywhere)."""
        return self.prev_start >= self.data_start


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# -- scope ---------------------------------------------------------------------------------------------------
def lookup_table(con: duckdb.DuckDBPyConnection) -> str | None:
    """Name of the LSOA 2011↔2021↔LAD lookup table, if the workspace has one (loaded by the data layer)."""
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    for name in LOOKUP_TABLES:
        if name in names:
            row = con.execute(f"SELECT count(*) FROM {name}").fetchone()  # an empty lookup is no lookup
            if row and row[0]:
                return name
    return None


def _lookup_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Map our roles (lsoa11, lsoa21, lad, lad_name) to the lookup table's column names."""
    cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    lower = {c.lower(): c for c in cols}

    def pick(*options: str) -> str | None:
        return next((lower[o] for o in options if o in lower), None)

    return {
        k: v
        for k, v in {
            "lsoa11": pick("lsoa11_code", "lsoa11cd", "lsoa11"),
            "lsoa21": pick("lsoa21_code", "lsoa21cd", "lsoa21"),
            "lad": pick("lad_code", "lad22cd", "lad22_code", "lad"),
            "lad_name": pick("lad_name", "lad22nm", "lad22_name"),
        }.items()
        if v
    }


def lookup_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """The LSOA 2011 → 2021 best-fit pairs of the workspace lookup (``code11, code21``), or None without one."""
    table = lookup_table(con)
    cols = _lookup_columns(con, table) if table else {}
    if not table or not {"lsoa11", "lsoa21"} <= cols.keys():
        return None
    return con.execute(f"SELECT {cols['lsoa11']} AS code11, {cols['lsoa21']} AS code21 FROM {table}").df()


def prepare_scope(con: duckdb.DuckDBPyConnection, scope: Scope, engine: Engine | None = None) -> dict[str, object]:
    """Create temp view ``sna_inc`` (incidents in scope, any month) and return notes about the scope.

    ``--area`` is an LSOA code prefix (``E01000``), a local authority code (needs the lookup table) or an
    LSOA-name prefix (police.uk LSOA names start with the local authority name, e.g. ``City of London
    001A``). With an area, incidents without a location cannot be placed and are left out (the report says
    how many). The scope is one Ibis expression (``tables.scope``): compiled to the DuckDB view, and set on
    ``engine`` (Spark) for the reductions that run there.
    """
    filters, notes = scope_filters(con, scope)
    # The local definition decides ``sv_category`` for every figure below (the default keeps ingest's classification).
    definition = scope.definition or svdef.current(con)
    notes["definition"] = definition.summary()
    notes["definition_needs_records"] = definition.needs_records
    expr = tables.scope(tables.canonical("incidents"), tables.canonical("ingests"), **filters)
    expr = tables.apply_definition(expr, definition)
    con.execute("CREATE OR REPLACE TEMP VIEW sna_inc AS " + duckdb_engine(con).sql(expr))
    if engine is not None:
        engine.set_scope(expr)  # the same expression, run by the engine (Spark: cached, reused by every reduction)
    row = con.execute("SELECT count(*), min(month), max(month) FROM sna_inc").fetchone()
    if not row or not row[0]:
        what = ", ".join(f"{k}={v}" for k, v in (("force", scope.force), ("area", scope.area)) if v)
        raise SnaError(f"no incidents in the workspace for {what or 'any scope'}")
    notes["incidents_in_scope"] = int(row[0])
    if not definition.is_default:
        notes.update(definition_effect(con))
    forces = con.execute(
        "SELECT coalesce(reported_by, force), count(*) FROM sna_inc GROUP BY 1 ORDER BY 2 DESC"
    ).fetchall()
    notes["forces"] = [str(f[0]) for f in forces if f[0]]
    if not scope.area:
        notes.update(_force_area(scope.force, notes["forces"]))  # type: ignore[arg-type]
    notes["sources"] = sorted(r[0] for r in con.execute("SELECT DISTINCT source FROM sna_inc").fetchall())
    notes["data_start"], notes["data_end"] = row[1], row[2]
    return notes


def scope_incidents(con: duckdb.DuckDBPyConnection, engine: Engine | None = None) -> tuple[Engine, ibis.Table]:
    """The engine and the incidents in scope: the ``sna_inc`` view on DuckDB, the scope expression on Spark."""
    if engine is not None and engine.name != "duckdb":
        if engine.scope is None:
            raise SnaError("the SNA scope is not prepared on this engine")
        return engine, engine.scope
    return duckdb_engine(con), tables.canonical("incidents", "sna_inc")


def scope_filters(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[dict[str, object], dict[str, object]]:
    """The arguments of ``tables.scope`` for ``scope`` (an area of local authorities becomes its LSOA codes, from
    the workspace lookup) and the notes about the area."""
    filters: dict[str, object] = {"force": scope.force}
    notes: dict[str, object] = {"area_kind": None}
    if scope.area:
        area = scope.area.strip()
        parts = [x.strip().upper() for x in area.split(",") if x.strip()]
        if parts and all(LA_CODE.match(x) and not x.startswith(("E01", "W01", "E02", "W02")) for x in parts):
            area = ",".join(parts)  # ONS codes are upper case; "e09000001" means E09000001
            table = lookup_table(con)
            cols = _lookup_columns(con, table) if table else {}
            if not table or "lad" not in cols:
                raise SnaError(
                    f"--area {area} is a local authority code, but the workspace has no LSOA→LAD lookup "
                    "table; "
                    "load it, or give an LSOA code prefix or LSOA-name prefix instead"
                )
            lads = _area_lads(con, table, cols, parts)
            codes = [c for c in (cols.get("lsoa11"), cols.get("lsoa21")) if c]
            members = " UNION ".join(
                f"SELECT {c} FROM {table} WHERE {cols['lad']} IN (SELECT unnest(?))" for c in codes
            )
            rows = con.execute(members, [lads] * len(codes)).fetchall()
            filters["lsoa_codes"] = sorted({str(r[0]) for r in rows if r[0] is not None})
            notes["area_kind"] = "local authority code"
            notes["area_lad"] = area
            notes["area_lad_codes"] = lads
        elif LSOA_CODE_PREFIX.match(area.upper()):
            area = area.upper()
            filters["lsoa_code_prefix"] = area
            notes["area_kind"] = "LSOA code prefix"
            notes["area_prefix"] = area
        else:
            filters["lsoa_name_prefix"] = area
            notes["area_kind"] = "LSOA name prefix"
            notes["area_prefix"] = area
    return filters, notes


def definition_effect(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How many incidents in scope the local definition adds to / removes from ingest's classification, and how
    many of the added ones carry synthetic values (a marker filled by ``svduty synth``, or a synthetic row): those
    volumes rest on synthetic data and are labelled so."""
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    synthetic = "s.synthetic"
    if "incident_synthetic_fields" in names:
        synthetic += (
            " OR EXISTS (SELECT 1 FROM incident_synthetic_fields f WHERE f.incident_id = s.incident_id AND "
            "(f.knife_flag OR f.domestic_flag OR f.alcohol_flag))"
        )
    row = con.execute(
        f"""SELECT count(*) FILTER (WHERE s.sv_category IS NOT NULL AND o.sv_category IS NULL),
                   count(*) FILTER (WHERE s.sv_category IS NOT NULL AND o.sv_category IS NULL AND ({synthetic})),
                   count(*) FILTER (WHERE s.sv_category IS NULL AND o.sv_category IS NOT NULL)
            FROM sna_inc s JOIN incidents o USING (incident_id)"""
    ).fetchone()
    added, added_synthetic, removed = (int(x) for x in row) if row else (0, 0, 0)
    return {
        "definition_added": added,
        "definition_added_synthetic": added_synthetic,
        "definition_removed": removed,
    }


def _area_lads(con: duckdb.DuckDBPyConnection, table: str, cols: dict[str, str], parts: list[str]) -> list[str]:
    """The workspace lookup's local authority codes for ``--area`` codes: authorities (2022 or 2024 vintage),
    Community Safety Partnerships (E22/W14) or police force areas (E23/W15), several separated by commas."""
    held = [str(r[0]) for r in con.execute(f"SELECT DISTINCT {cols['lad']} FROM {table}").fetchall()]
    out: list[str] = []
    for code in parts:
        if code in held:
            out.append(code)
            continue
        try:
            wanted = set(geography.expand_codes([code]))
        except KeyError:
            raise SnaError(
                f"--area {code}: not a local authority, CSP or police force area code of the ONS lookups"
            ) from None
        out += [lad for lad in held if geography.lad24(lad) in wanted and lad not in out]
    return out


def _force_area(force: str | None, forces: list[str]) -> dict[str, object]:
    """The police force areas of the scope: of ``--force``, else of every force in the data that has one."""
    names = [force] if force else forces
    pfas = sorted({p for p in (geography.pfa_name(f) for f in names) if p})
    if not pfas:
        return {}
    lads = sorted({r.lad_code for p in pfas for r in geography.pfa_authorities(p)})
    return {"area_pfas": pfas, "area_lads24": lads}


def _quote(value: str) -> str:
    return value.replace("'", "''")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def resolve_period(con: duckdb.DuckDBPyConnection, scope: Scope) -> Period:
    """Latest 12 months in the data unless ``scope`` says otherwise; the previous period is as long."""
    row = con.execute("SELECT min(month), max(month) FROM sna_inc").fetchone()
    assert row is not None
    data_start, data_end = row
    asked_end = scope.end or data_end
    if scope.start and scope.start > asked_end:
        raise SnaError(f"--from {scope.start:%Y-%m} is after --to {asked_end:%Y-%m}")
    if (scope.start and scope.start > data_end) or asked_end < data_start:
        first = scope.start or add_months(asked_end, -11)
        raise SnaError(
            f"no data for {first:%Y-%m} to {asked_end:%Y-%m}: the data in scope cover {data_start:%Y-%m} to "
            f"{data_end:%Y-%m}"
        )
    # A --to after the last month is clipped to the data end *before* the default start is worked out, so that
    # the default period is still 12 months of data (not the few months that overlap the data).
    end = min(asked_end, data_end)
    start = scope.start or add_months(end, -11)
    # Only months the data hold: a period reaching before the first month is shortened (the report says so).
    start = max(start, data_start)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    return Period(start, end, add_months(start, -months), add_months(start, -1), months, data_start, data_end)


def _window(con: duckdb.DuckDBPyConnection, sql: str, start: date, end: date) -> pd.DataFrame:
    return con.execute(sql, [start, end]).df()


RECORD_LEVEL_CATEGORIES = (
    "Homicide",
    "Violence with injury",
    "Violence without injury",
    "Robbery",
    "Possession of weapons",
)  # svduty.data.mapping.SV_CATEGORIES, the categories a police record extract is classified into


def sv_categories(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The SV categories of the data in scope, in a stable order: police.uk's three proxy types (always, for
    police.uk data), then record-level categories (Homicide, Violence with injury, …), then any others.

    ``sv_category`` is the key everywhere: for police.uk rows it is the crime type, for record extracts the Home
    Office-based category from the mapping file.
    """
    present = [
        r[0] for r in con.execute("SELECT DISTINCT sv_category FROM sna_inc WHERE sv_category IS NOT NULL").fetchall()
    ]
    has_police_uk = con.execute("SELECT count(*) FROM sna_inc WHERE source = 'police.uk'").fetchone()
    order = list(SV_PROXY_CRIME_TYPES) + [c for c in RECORD_LEVEL_CATEGORIES if c not in SV_PROXY_CRIME_TYPES]
    out = [c for c in order if c in present or (c in SV_PROXY_CRIME_TYPES and has_police_uk and has_police_uk[0])]
    return out + sorted(c for c in present if c not in out)


# -- headline and crime types --------------------------------------------------------------------------------
def by_crime_type(con: duckdb.DuckDBPyConnection, period: Period, engine: Engine | None = None) -> pd.DataFrame:
    """Count per police.uk crime type in the period and the previous one; SV proxy types flagged.

    ``sv_count``/``sv_previous`` count the type's rows that are SV: all of them under the police.uk proxy, only
    some when a local definition selects by marker or offence code (a knife-enabled public-order offence)."""
    eng, inc = scope_incidents(con, engine)
    frame = eng.run(tables.crime_type_counts(inc, period.start, period.end, period.prev_start, period.prev_end))
    frame["count"] = frame["count"].astype(int)
    frame["sv_count"] = frame["sv_count"].astype(int)
    if period.has_previous:
        frame["previous"] = frame["previous"].astype(int)
        frame["change_pct"] = np.where(
            frame["previous"] > 0,
            (frame["count"] / frame["previous"].where(frame["previous"] > 0) - 1) * 100,
            np.nan,
        )
        frame["change_p_value"] = [change_p_value(c, p) for c, p in zip(frame["count"], frame["previous"], strict=True)]
    else:  # the data do not cover the whole previous period: a partial count is no comparison
        frame["previous"] = np.nan
        frame["change_pct"] = np.nan
        frame["change_p_value"] = np.nan
    frame["recorded_crime"] = frame["crime_type"] != ASB
    return frame.sort_values(["serious_violence", "count"], ascending=[False, False]).reset_index(drop=True)


def change_p_value(current: int, previous: int) -> float:
    """Two-sided p-value that two equal-length periods share one Poisson rate (no real change).

    The conditional test for two Poisson counts (Przyborski & Wilenski 1940): given the total, the current count
    is Binomial(total, 1/2) under no change; scipy's exact binomial test gives the p-value. NaN without counts.
    """
    from scipy.stats import binomtest

    total = int(current) + int(previous)
    if total == 0:
        return float("nan")
    return float(binomtest(int(current), total, 0.5).pvalue)


def headline(
    con: duckdb.DuckDBPyConnection,
    crime_types: pd.DataFrame,
    period: Period,
    categories: list[str],
    engine: Engine | None = None,
) -> dict[str, object]:
    """SV count, share of all recorded crime (ASB excluded), change vs the previous period (ratio), count per SV
    category (police.uk type, or record-level category)."""
    recorded = crime_types[crime_types["recorded_crime"]]
    sv = crime_types[crime_types["serious_violence"]]
    all_crime = int(recorded["count"].sum())
    serious = int(sv["sv_count"].sum())
    prev_covered = period.has_previous
    previous = int(sv["sv_previous"].sum()) if prev_covered else 0
    eng, inc = scope_incidents(con, engine)
    counts = eng.run(tables.category_counts(inc, period.start, period.end))
    per_category = dict(zip(counts["sv_category"], counts["count"], strict=True))
    return {
        "all_crime": all_crime,
        "anti_social_behaviour": int(crime_types.loc[~crime_types["recorded_crime"], "count"].sum()),
        "serious_violence": serious,
        "sv_share": serious / all_crime if all_crime else None,
        "previous_serious_violence": previous if prev_covered else None,
        "change_vs_previous": (serious / previous) if prev_covered and previous else None,
        "change_p_value": change_p_value(serious, previous) if prev_covered else None,
        "by_crime_type": {c: int(per_category.get(c, 0)) for c in categories},
    }


# -- when ----------------------------------------------------------------------------------------------------
def monthly_series(con: duckdb.DuckDBPyConnection, categories: list[str], engine: Engine | None = None) -> pd.DataFrame:
    """Every month in the data: SV by proxy type, SV total, all recorded crime, 12-month mean of SV."""
    eng, inc = scope_incidents(con, engine)
    held = eng.run(tables.monthly_counts(inc, categories))
    first, last = held["month"].min(), held["month"].max()
    months = pd.date_range(pd.Timestamp(first), pd.Timestamp(last), freq="MS").date  # months without rows count 0
    frame = held.set_index("month").reindex(months, fill_value=0).rename_axis("month").reset_index()
    frame[frame.columns[1:]] = frame[frame.columns[1:]].astype("int64")
    frame["rolling_12m_mean"] = frame["serious_violence"].rolling(12, min_periods=12).mean()
    frame["month"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
    return frame


def seasonal_profile(monthly: pd.DataFrame) -> pd.DataFrame:
    """Mean SV per calendar month over all years in the data, and its index (100 = average month).

    A plain mean by month of year: with three years or fewer a model-based decomposition (e.g. STL) has too
    few cycles to be more trustworthy; ``years`` says how many values each mean rests on.
    """
    frame = monthly.assign(calendar_month=pd.to_datetime(monthly["month"]).dt.month)
    out = frame.groupby("calendar_month")["serious_violence"].agg(["mean", "count"]).reset_index()
    out.columns = ["calendar_month", "mean_serious_violence", "years"]
    overall = frame["serious_violence"].mean()
    out["index"] = out["mean_serious_violence"] / overall * 100 if overall else np.nan
    out["month_name"] = pd.to_datetime(out["calendar_month"].astype(str) + "-2000", format="%m-%Y").dt.strftime("%b")
    return out


def synthetic_incident_sql(con: duckdb.DuckDBPyConnection, alias: str = "i") -> str:
    """SQL: does incident ``alias`` carry any synthetic value (row flag, a field filled by ``svduty synth``, or a
    synthetic victim/suspect)? Used to label figures that rest on record-level attributes."""
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    parts = [f"{alias}.synthetic"]
    if "incident_synthetic_fields" in names:
        parts.append(
            f"EXISTS (SELECT 1 FROM incident_synthetic_fields f WHERE f.incident_id = {alias}.incident_id AND "
            "(f.occurred_at OR f.knife_flag OR f.domestic_flag OR f.alcohol_flag OR f.outcome))"
        )
    parts.append(f"EXISTS (SELECT 1 FROM involvements v WHERE v.incident_id = {alias}.incident_id AND v.synthetic)")
    return "(" + " OR ".join(parts) + ")"


def synthetic_field_used(con: duckdb.DuckDBPyConnection, column: str, period: Period) -> bool:
    """Whether ``svduty synth`` filled ``column`` on any SV incident of the period (``incident_synthetic_fields``)."""
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    if "incident_synthetic_fields" not in names:
        return False
    row = con.execute(
        f"SELECT count(*) FROM incident_synthetic_fields f JOIN sna_inc i USING (incident_id) "
        f"WHERE f.{column} AND i.sv_category IS NOT NULL AND i.month BETWEEN ? AND ?",
        [period.start, period.end],
    ).fetchone()
    return bool(row and row[0])


def hour_weekday(con: duckdb.DuckDBPyConnection, period: Period) -> tuple[pd.DataFrame, bool]:
    """SV count by weekday × hour where ``occurred_at`` exists; returns (table, uses synthetic rows)."""
    frame = _window(
        con,
        """
        SELECT isodow(occurred_at) AS weekday_number, strftime(occurred_at, '%a') AS weekday,
               hour(occurred_at) AS hour, count(*) AS count, bool_or(synthetic) AS synthetic
        FROM sna_inc WHERE sv_category IS NOT NULL AND occurred_at IS NOT NULL AND month BETWEEN ? AND ?
        GROUP BY ALL ORDER BY 1, 3
        """,
        period.start,
        period.end,
    )
    synthetic = bool(frame["synthetic"].any()) if len(frame) else False
    synthetic = synthetic or (len(frame) > 0 and synthetic_field_used(con, "occurred_at", period))
    frame = frame.drop(columns="synthetic")
    if len(frame):  # every weekday × hour, zeros included, so the heat map has no holes
        days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        full = pd.DataFrame(
            [(d + 1, name, h) for d, name in enumerate(days) for h in range(24)],
            columns=["weekday_number", "weekday", "hour"],
        )
        frame = full.merge(frame[["weekday_number", "hour", "count"]], on=["weekday_number", "hour"], how="left")
        frame["count"] = frame["count"].fillna(0).astype(int)
    return frame, synthetic


# -- where ---------------------------------------------------------------------------------------------------
def population_by_lsoa(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """All-ages, all-sexes residents per area code, from the population year nearest ``year``."""
    return con.execute(
        """
        SELECT area_code, persons, year AS population_year, source AS population_source FROM (
            SELECT *, row_number() OVER (PARTITION BY area_code ORDER BY abs(year - ?), year DESC) AS r
            FROM population WHERE age_band = 'all' AND sex = 'all'
        ) WHERE r = 1
        """,
        [year],
    ).df()


HOME_LAD_SHARE = 0.05


def lsoa_table(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    *,
    area_lad: str | None = None,
    lsoa_filter: bool = False,
    area_prefix: str | None = None,
    area_lad_codes: list[str] | None = None,
    pfas: list[str] | None = None,
    engine: Engine | None = None,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """SV per LSOA in the period, with residents, rate per 1,000 and whether the LSOA is in the area.

    *The area.* With the ONS LSOA→LAD lookup in the workspace, the area is every LSOA (2011 codes, zeros included)
    of the local authorities of the force's police force area (``pfas``, from ``svduty.data.geography``), or of the
    ``--area`` authorities, CSPs or PFAs (``area_lad_codes``): a force's data also carry crimes just over its
    boundary, which stay in counts and tables but never pull a neighbour's authority into the area. Only for a
    force with no police force area (British Transport Police) is the area the local authorities holding at least
    5% of the scope's located incidents. With ``--area`` as an LSOA code or name prefix (``area_prefix``,
    with ``lsoa_filter``), the area is every lookup LSOA whose 2011 or 2021 code starts with the prefix or whose
    name does (case-insensitive), zeros included, plus the LSOAs of the data it selected. Without the lookup, the
    area is every LSOA with at least one incident of any type in the scope (police.uk has no boundary file), which
    the report states.

    *Residents.* Population rows are matched directly on the LSOA code (2011 or 2021 vintage). Codes left
    unmatched are matched through the lookup's best-fit 2021 LSOA; when several 2011 LSOAs best-fit one 2021
    LSOA its residents are shared equally among them, so that area totals are not double counted.
    """
    eng, inc = scope_incidents(con, engine)
    frame = eng.run(tables.lsoa_counts(inc, period.start, period.end, period.prev_start, period.prev_end))
    table = lookup_table(con)
    cols = _lookup_columns(con, table) if table else {}
    home: list[str] = []
    lookup = None
    if table and {"lsoa11", "lsoa21", "lad"} <= cols.keys():
        name_col = cols.get("lad_name")
        lookup = con.execute(
            f"SELECT {cols['lsoa11']} AS code11, {cols['lsoa21']} AS code21, {cols['lad']} AS lad_code, "
            f"{name_col if name_col else 'NULL'} AS lad_name FROM {table}"
        ).df()
        lad_of = pd.concat(
            [
                lookup[["code11", "lad_code", "lad_name"]].rename(columns={"code11": "code"}),
                lookup[["code21", "lad_code", "lad_name"]].rename(columns={"code21": "code"}),
            ]
        ).drop_duplicates("code")
        frame = frame.merge(lad_of, on="code", how="left")
        pfa_lads = {r.lad_code for p in pfas or [] for r in geography.pfa_authorities(p)}
        if area_lad_codes or area_lad:
            home = list(area_lad_codes or [area_lad])
        elif pfa_lads:
            home = sorted({c for c in lookup["lad_code"].dropna() if geography.lad24(c) in pfa_lads})
        else:
            by_lad = frame.groupby("lad_code")["incidents"].sum()
            home = sorted(by_lad[by_lad >= HOME_LAD_SHARE * frame["incidents"].sum()].index)
        if lsoa_filter:
            # --area as an LSOA code or name prefix: the lookup's LSOAs that match it, those without incidents too
            area_lsoas = lookup[_prefix_mask(con, table, lookup, area_prefix)] if area_prefix else lookup.iloc[0:0]
        else:
            area_lsoas = lookup[lookup["lad_code"].isin(home)]
        seen = set(frame["code"])
        extra = area_lsoas[~area_lsoas["code11"].isin(seen) & ~area_lsoas["code21"].isin(seen)]
        if len(extra):
            names = con.execute(
                f"SELECT {cols['lsoa11']} AS code, "
                f"{'lsoa11_name' if 'lsoa11_name' in _all_columns(con, table) else 'NULL'} AS name FROM {table}"
            ).df()
            add = extra[["code11", "lad_code", "lad_name"]].rename(columns={"code11": "code"})
            add = add.merge(names, on="code", how="left").assign(incidents=0, count=0, previous=0)
            frame = pd.concat([frame, add], ignore_index=True)
        if not lsoa_filter:
            frame = _add_split_lsoas(con, frame, lookup, home, period.end.year)
        frame["in_area"] = frame["lad_code"].isin(home) | lsoa_filter
        if area_lad_codes or area_lad:
            area_method = f"all LSOAs of {area_lad or ', '.join(area_lad_codes or [])}"
        elif pfa_lads:
            area_method = (
                f"all LSOAs of the {len(home)} local authorities of the {' and '.join(pfas or [])} police force "
                f"area{'s' if len(pfas or []) > 1 else ''} (ONS LAD→CSP→PFA lookup)"
            )
        else:
            area_method = "all LSOAs of the local authorities holding at least 5% of located incidents"
        if lsoa_filter:
            area_method = "the LSOAs selected by --area"
        if not frame["in_area"].any():  # the data's LSOA codes are not in the lookup: fall back to all of them
            frame["in_area"] = frame["incidents"] > 0
            area_method = "LSOAs with at least one incident in the data (their codes are not in the LSOA lookup)"
    else:
        frame["lad_code"] = None
        frame["lad_name"] = None
        frame["in_area"] = True
        area_method = "LSOAs with at least one incident in the data (no LSOA lookup in the workspace)"

    if lookup is not None and frame["name"].isna().any():
        # record extracts carry LSOA codes without names: take them from the lookup (2011 or 2021 name)
        cols_all = _all_columns(con, table)  # type: ignore[arg-type]
        n11 = "lsoa11_name" if "lsoa11_name" in cols_all else "NULL"
        n21 = "lsoa21_name" if "lsoa21_name" in cols_all else "NULL"
        names = con.execute(
            f"SELECT {cols['lsoa11']} AS code, {n11} AS name FROM {table} UNION ALL "
            f"SELECT {cols['lsoa21']}, {n21} FROM {table}"
        ).df()
        names = names.dropna().drop_duplicates("code").set_index("code")["name"]
        frame["name"] = frame["name"].fillna(frame["code"].map(names))
    frame["name"] = frame["name"].fillna(frame["code"])
    pop = population_by_lsoa(con, period.end.year)
    frame = frame.merge(pop.rename(columns={"area_code": "code"}), on="code", how="left")
    via_lookup = 0
    if lookup is not None and frame["persons"].isna().any():
        missing = frame["persons"].isna()
        share = lookup.groupby("code21")["code11"].transform("count")
        lk = lookup.assign(sharers=share)[["code11", "code21", "sharers"]].rename(columns={"code11": "code"})
        mapped = frame.loc[missing, ["code"]].merge(lk, on="code", how="left")
        mapped = mapped.merge(pop.rename(columns={"area_code": "code21"}), on="code21", how="left")
        mapped["persons"] = mapped["persons"] / mapped["sharers"]
        agg = mapped.drop_duplicates("code").set_index("code")
        for column in ("persons", "population_year", "population_source"):
            frame.loc[missing, column] = frame.loc[missing, "code"].map(agg[column])
        via_lookup = int(frame.loc[missing, "persons"].notna().sum())
        # A 2021 code held directly and also reached through the best fit of 2011 rows (data carrying both
        # vintages for one place): its residents are shared among all those rows, so they count once.
        target = frame.loc[missing, "code"].map(agg["code21"])
        codes11 = set(lookup["code11"])
        direct21 = frame.loc[~missing & ~frame["code"].map(codes11.__contains__).astype(bool), "code"]
        both = set(target.dropna()) & set(direct21)
        if both:
            via = missing & frame["code"].map(agg["code21"]).isin(both)
            m = frame.loc[via, "code"].map(agg["code21"]).value_counts()  # rows sharing each such 2021 LSOA
            own = frame["code"].isin(both)
            frame.loc[own, "persons"] = frame.loc[own, "persons"] / (frame.loc[own, "code"].map(m) + 1)
            whole = frame.loc[via, "code"].map(agg["code21"]).map(pop.set_index("area_code")["persons"])
            frame.loc[via, "persons"] = whole / (frame.loc[via, "code"].map(agg["code21"]).map(m) + 1)
    frame["persons"] = frame["persons"].astype(float)
    if not period.has_previous:  # a previous period the data only partly cover is not shown
        frame["previous"] = np.nan
    frame["rate_per_1000"] = frame["count"] / frame["persons"] * 1000
    frame = frame.sort_values(["count", "incidents", "code"], ascending=[False, False, True]).reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    total = frame["count"].sum()
    # Share of the area's located SV: in-area LSOAs over in-area located SV (LSOAs over the boundary have none).
    in_area_total = frame.loc[frame["in_area"], "count"].sum()
    frame["share_of_sv"] = np.where(frame["in_area"], frame["count"] / in_area_total if in_area_total else 0.0, np.nan)
    no_location = [eng.scalar(tables.sv_without_location(inc, period.start, period.end))]
    matched = frame["persons"].notna()
    area = frame["in_area"]
    lad_names = frame.loc[area, ["lad_code", "lad_name"]].dropna().drop_duplicates()
    notes = {
        "lsoas": len(frame),
        "area_lsoas": int(area.sum()),
        "area_method": area_method,
        "area_lads": [f"{r.lad_name} ({r.lad_code})" for r in lad_names.itertuples()],
        "sv_in_area": int(frame.loc[area, "count"].sum()),
        "lsoas_with_population": int(matched.sum()),
        "area_lsoas_with_population": int((matched & area).sum()),
        "lsoas_matched_via_lookup": via_lookup,
        "sv_rows_with_population": int(frame.loc[matched, "count"].sum()),
        "sv_rows_with_lsoa": int(total),
        "sv_rows_without_location": int(no_location[0]) if no_location else 0,
        "residents": float(frame.loc[matched & area, "persons"].sum()) if (matched & area).any() else None,
        "population_years": sorted({int(y) for y in frame["population_year"].dropna()}),
        "population_sources": sorted({str(s) for s in frame["population_source"].dropna()}),
        "lookup_table": table,
    }
    return frame, notes


def _add_split_lsoas(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, lookup: pd.DataFrame, home: list[str], year: int
) -> pd.DataFrame:
    """Give the area the 2021 LSOAs that no 2011 LSOA best-fits (created by splits in 2021).

    The best-fit lookup leaves them out, so without this the area's Census 2021 residents fall short of the census
    total for its authorities (Durham + Darlington: 16,146 residents). ONS names every LSOA '<district> 001A', so
    such a code takes its authority from its name (as the ``lsoa_areas`` view does); it joins the table with its own
    residents (from the population file of the year used) and any crimes the data hold for it.
    """
    if not home:
        return frame
    known = set(lookup["code11"].dropna()) | set(lookup["code21"].dropna())
    lads = lookup.loc[lookup["lad_code"].isin(home), ["lad_code", "lad_name"]].drop_duplicates()
    pop = con.execute(
        r"""
        SELECT area_code AS code, any_value(area_name) AS pop_name FROM population
        WHERE age_band = 'all' AND sex = 'all' AND regexp_full_match(area_code, '[EW]01\d{6}')
          AND area_name IS NOT NULL AND year = (
              SELECT year FROM population WHERE age_band = 'all' AND sex = 'all'
              GROUP BY year ORDER BY abs(year - ?), year DESC LIMIT 1)
        GROUP BY 1
        """,
        [year],
    ).df()
    pop = pop[~pop["code"].map(known.__contains__).astype(bool)]  # (isin walks a large set slowly)
    if pop.empty:
        return frame
    pop["lad_name"] = pop["pop_name"].str.replace(r" \d{3}[A-Z]$", "", regex=True)
    pop = pop.merge(lads, on="lad_name", how="inner")
    if pop.empty:
        return frame
    by_code = pop.set_index("code")
    hit = frame["code"].isin(by_code.index) & frame["lad_code"].isna()
    frame.loc[hit, "lad_code"] = frame.loc[hit, "code"].map(by_code["lad_code"])
    frame.loc[hit, "lad_name"] = frame.loc[hit, "code"].map(by_code["lad_name"])
    add = pop[~pop["code"].isin(set(frame["code"]))]
    if len(add):
        add = add.rename(columns={"pop_name": "name"})[["code", "name", "lad_code", "lad_name"]]
        frame = pd.concat([frame, add.assign(incidents=0, count=0, previous=0)], ignore_index=True)
    return frame


def _prefix_mask(con: duckdb.DuckDBPyConnection, table: str, lookup: pd.DataFrame, prefix: str) -> pd.Series:
    """Rows of ``lookup`` whose 2011/2021 LSOA code or name starts with ``prefix`` (case-insensitive)."""
    all_cols = _all_columns(con, table)
    cols = _lookup_columns(con, table)
    selects = [
        f"SELECT {cols[role]} AS code, {name} AS name FROM {table}"
        for role, name in (("lsoa11", "lsoa11_name"), ("lsoa21", "lsoa21_name"))
        if name in all_cols
    ]
    named: set[str] = set()
    if selects:
        names = con.execute(" UNION ".join(selects)).df().dropna()
        named = set(names.loc[names["name"].str.lower().str.startswith(prefix.lower()), "code"])
    hit = pd.Series(False, index=lookup.index)
    for column in ("code11", "code21"):
        codes = lookup[column].fillna("").astype(str)
        hit |= codes.str.upper().str.startswith(prefix.upper()) | codes.isin(named)
    return hit


def by_local_authority(lsoas: pd.DataFrame) -> pd.DataFrame:
    """SV per local authority (from the LSOA lookup): count, previous, residents of its LSOAs seen, rate per 1,000.

    Residents are those of the authority's LSOAs in ``lsoas`` (for the area's authorities: all their LSOAs); for an
    authority only touched at the edge of the data the rate is not meaningful and is left empty.
    """
    if lsoas["lad_code"].isna().all():
        return pd.DataFrame(columns=["lad_code", "lad_name", "count", "previous", "persons", "rate_per_1000"])
    grouped = (
        lsoas.dropna(subset=["lad_code"])
        .groupby(["lad_code", "lad_name"], dropna=False)
        .agg(
            count=("count", "sum"), previous=("previous", "sum"), persons=("persons", "sum"), in_area=("in_area", "all")
        )
        .reset_index()
    )
    if lsoas["previous"].isna().all():  # no previous period in the data (see ``lsoa_table``)
        grouped["previous"] = np.nan
    grouped["rate_per_1000"] = np.where(grouped["in_area"], grouped["count"] / grouped["persons"] * 1000, np.nan)
    grouped = grouped[grouped["count"] > 0].sort_values("count", ascending=False).reset_index(drop=True)
    return grouped


def _all_columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0].lower() for r in con.execute(f"DESCRIBE {table}").fetchall()}


def sv_points(con: duckdb.DuckDBPyConnection, start: date, end: date) -> pd.DataFrame:
    """SV incidents with a location in ``start``..``end`` (lon, lat, month, lsoa) for maps and grids."""
    return _window(
        con,
        "SELECT lon, lat, month, lsoa_code FROM sna_inc WHERE sv_category IS NOT NULL AND lat IS NOT NULL "
        "AND month BETWEEN ? AND ?",
        start,
        end,
    )


# -- who and why ---------------------------------------------------------------------------------------------
def has_involvements(con: duckdb.DuckDBPyConnection, period: Period) -> bool:
    row = con.execute(
        "SELECT count(*) FROM involvements v JOIN sna_inc i USING (incident_id) "
        "WHERE i.sv_category IS NOT NULL AND i.month BETWEEN ? AND ?",
        [period.start, period.end],
    ).fetchone()
    return bool(row and row[0])


def age_sex(con: duckdb.DuckDBPyConnection, period: Period) -> tuple[pd.DataFrame, bool]:
    """Victims and suspects of SV by role × age band × sex (people, not incidents); (table, synthetic?)."""
    frame = _window(
        con,
        """
        SELECT v.role, coalesce(v.age_band, 'unknown') AS age_band, coalesce(v.sex, 'unknown') AS sex,
               count(*) AS people, bool_or(v.synthetic) AS synthetic
        FROM involvements v JOIN sna_inc i USING (incident_id)
        WHERE i.sv_category IS NOT NULL AND i.month BETWEEN ? AND ?
        GROUP BY ALL ORDER BY 1, 2, 3
        """,
        period.start,
        period.end,
    )
    synthetic = bool(frame["synthetic"].any()) if len(frame) else False
    return frame.drop(columns="synthetic"), synthetic


def under_25_share(con: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Share of SV victims and of suspects aged under 25, among those with a known age."""
    return _window(
        con,
        """
        SELECT v.role, count(v.age) AS known_age, count(*) FILTER (WHERE v.age < 25) AS under_25,
               count(*) FILTER (WHERE v.age < 25) / nullif(count(v.age), 0) AS under_25_share
        FROM involvements v JOIN sna_inc i USING (incident_id)
        WHERE i.sv_category IS NOT NULL AND i.month BETWEEN ? AND ?
        GROUP BY 1 ORDER BY 1
        """,
        period.start,
        period.end,
    )


UNDER_25_POPULATION_BANDS = ("0-4", "5-9", "10-14", "0-15", "15-19", "16-24", "20-24", "0-17", "18-24")


def residents_by_age(con: duckdb.DuckDBPyConnection, lsoas: pd.DataFrame, year: int) -> dict[str, float] | None:
    """Residents of the area's LSOAs aged under 25 and 25+ (None when the population has no age bands).

    Area LSOA codes are matched directly, else through the lookup's 2021 code; each population area counts once.
    """
    area = lsoas.loc[lsoas["in_area"], "code"].tolist()
    table = lookup_table(con)
    codes = set(area)
    if table:
        cols = _lookup_columns(con, table)
        if {"lsoa11", "lsoa21"} <= cols.keys():
            mapped = con.execute(
                f"SELECT {cols['lsoa21']} FROM {table} WHERE {cols['lsoa11']} IN (SELECT unnest(?::VARCHAR[]))",
                [area],
            ).fetchall()
            codes |= {r[0] for r in mapped}
    frame = con.execute(
        """
        SELECT area_code, age_band, persons FROM (
            SELECT *, dense_rank() OVER (PARTITION BY area_code ORDER BY abs(year - ?), year DESC) AS r
            FROM population WHERE sex = 'all' AND area_code IN (SELECT unnest(?::VARCHAR[]))
        ) WHERE r = 1
        """,
        [year, sorted(codes)],
    ).df()
    bands = frame[frame["age_band"] != "all"]
    if bands.empty:
        return None
    # Each area counts once: use the areas that have age bands, and their own 'all' total for the 25+ remainder.
    with_bands = set(bands["area_code"])
    under = float(bands.loc[bands["age_band"].isin(UNDER_25_POPULATION_BANDS), "persons"].sum())
    total = float(bands.groupby("area_code")["persons"].sum().sum())
    return {"under_25": under, "25_and_over": total - under, "areas": float(len(with_bands))}


def markers(con: duckdb.DuckDBPyConnection, period: Period) -> tuple[pd.DataFrame, bool]:
    """Domestic, alcohol and knife markers on SV incidents: flagged / recorded (NULL = not recorded)."""
    frame = _window(
        con,
        """
        SELECT m.marker, count(m.flag) AS recorded, count(*) FILTER (WHERE m.flag) AS flagged,
               count(*) FILTER (WHERE m.flag) / nullif(count(m.flag), 0) AS share, bool_or(m.synthetic) AS
               synthetic
        FROM (
            SELECT unnest(['domestic', 'alcohol', 'knife or sharp object']) AS marker,
                   unnest([domestic_flag, alcohol_flag, knife_flag]) AS flag, synthetic
            FROM sna_inc WHERE sv_category IS NOT NULL AND month BETWEEN ? AND ?
        ) m GROUP BY 1 ORDER BY 1
        """,
        period.start,
        period.end,
    )
    synthetic = bool(frame.loc[frame["recorded"] > 0, "synthetic"].any()) if len(frame) else False
    synthetic = synthetic or any(
        synthetic_field_used(con, c, period) for c in ("knife_flag", "domestic_flag", "alcohol_flag")
    )
    return frame.drop(columns="synthetic"), synthetic


def outcomes(con: duckdb.DuckDBPyConnection, period: Period, engine: Engine | None = None) -> pd.DataFrame:
    """Last recorded outcome of SV crimes in the period (police.uk 'Last outcome category'), by proxy type."""
    eng, inc = scope_incidents(con, engine)
    frame = eng.run(tables.outcome_counts(inc, period.start, period.end))
    wide = frame.pivot_table(index="outcome", columns="crime_type", values="count", fill_value=0, aggfunc="sum")
    wide["total"] = wide.sum(axis=1)
    wide["share"] = wide["total"] / wide["total"].sum() if wide["total"].sum() else 0.0
    return wide.sort_values("total", ascending=False).reset_index()


def ed_profile(con: duckdb.DuckDBPyConnection, period: Period, lsoas: list[str] | None) -> tuple[pd.DataFrame, bool]:
    """A&E (ISTV) assault attendances in the period by mechanism and assault location; (table, synthetic?).

    Cardiff Model data say where and how people were hurt, including violence never reported to the police.
    """
    where = "date_trunc('month', arrived_at)::DATE BETWEEN ? AND ?"
    params: list[object] = [period.start, period.end]
    if lsoas is not None:
        where += " AND lsoa_code IN (SELECT unnest(?::VARCHAR[]))"
        params.append(lsoas)
    frame = con.execute(
        f"""
        SELECT coalesce(mechanism, 'not recorded') AS mechanism,
               coalesce(assault_location, 'not recorded') AS assault_location,
               count(*) AS attendances, count(*) FILTER (WHERE age < 25) AS under_25,
               count(*) FILTER (WHERE admitted) AS admitted, bool_or(synthetic) AS synthetic
        FROM ed_attendances WHERE {where} GROUP BY ALL ORDER BY attendances DESC
        """,
        params,
    ).df()
    synthetic = bool(frame["synthetic"].any()) if len(frame) else False
    return frame.drop(columns="synthetic"), synthetic


# -- success measures ----------------------------------------------------------------------------------------
HOMICIDE_CODES = ("1", "4.1", "4.2", "4.10", "1/4.1/4.10")


def measure_years(period: Period) -> list[tuple[date, date]]:
    """12-month years ending at the period end, going back while fully inside the data, oldest first."""
    years = []
    end = period.end
    while True:
        start = add_months(end, -11)
        if start < period.data_start:
            break
        years.append((start, end))
        end = add_months(end, -12)
    return years[::-1] or [(period.start, period.end)]


@dataclass
class Measure:
    key: str
    name: str
    table: pd.DataFrame  # year, count
    available: bool
    synthetic: bool
    note: str
    baseline: dict[str, object] = field(default_factory=dict)
    latest: dict[str, object] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        return {
            "name": self.name,
            "available": self.available,
            "synthetic": self.synthetic,
            "baseline": self.baseline or None,
            "latest": self.latest or None,
            "change_vs_baseline": (
                self.latest["count"] / self.baseline["count"]
                if self.available and self.baseline and self.baseline.get("count")
                else None
            ),
            "note": self.note,
        }


def _yearly(con: duckdb.DuckDBPyConnection, sql: str, years: list[tuple[date, date]]) -> pd.DataFrame:
    rows = []
    for start, end in years:
        row = con.execute(sql, [start, end]).fetchone()
        rows.append(
            {
                "year": f"{start:%Y-%m} to {end:%Y-%m}",
                "count": int(row[0]) if row else 0,
                "synthetic": bool(row[1]) if row and row[1] is not None else False,
            }
        )
    return pd.DataFrame(rows)


def success_measures(con: duckdb.DuckDBPyConnection, period: Period, lsoas: list[str] | None) -> list[Measure]:
    """The three Home Office success measures as yearly counts, baseline = the earliest full year in the data.

    1. hospital admissions for assault with a sharp object, under 25 (``ed_attendances``: mechanism 'sharp
       object', admitted, age < 25);
    2. knife/sharp-object-enabled SV with a victim under 25 (``knife_flag`` and a victim ``age < 25``);
    3. homicides with a victim under 25 (``sv_category = 'Homicide'`` or Home Office homicide codes).
    police.uk alone supports none of them (no ages, no weapon marker, homicide inside a broad category): each
    measure is reported as unavailable unless record-level data exist.
    """
    years = measure_years(period)
    out: list[Measure] = []

    ed_where = "mechanism = 'sharp object' AND admitted AND age < 25"
    if lsoas is not None:
        ed_where += " AND lsoa_code IN (SELECT code FROM sna_lsoas)"
        con.execute("CREATE OR REPLACE TEMP TABLE sna_lsoas AS SELECT unnest(?::VARCHAR[]) AS code", [lsoas])
    ed_total = con.execute(f"SELECT count(*) FROM ed_attendances WHERE {ed_where}").fetchone()
    ed_sql = (
        f"SELECT count(*), bool_or(synthetic) FROM ed_attendances WHERE {ed_where} "
        "AND date_trunc('month', arrived_at)::DATE BETWEEN ? AND ?"
    )
    out.append(
        _measure(
            "sharp_object_admissions_u25",  # ED rows carry their own synthetic flag
            "Hospital admissions for assault with a sharp object, aged under 25",
            con,
            ed_sql,
            years,
            bool(ed_total and ed_total[0]),
            "ED/ISTV attendances (Cardiff Model data) admitted after assault with a sharp object",
            "no record-level data: no ED/ISTV attendances in the workspace",
        )
    )
    victim_u25 = (
        "EXISTS (SELECT 1 FROM involvements v WHERE v.incident_id = i.incident_id AND v.role = 'victim' AND v.age < 25)"
    )
    synthetic_sql = synthetic_incident_sql(con)
    # a measure that counts zero still rests on synthetic data when the records it searched are synthetic
    row = con.execute(
        f"SELECT bool_or({synthetic_sql}) FROM sna_inc i WHERE i.sv_category IS NOT NULL AND i.month BETWEEN ? AND ?",
        [years[0][0], years[-1][1]],
    ).fetchone()
    sv_synthetic = bool(row and row[0])
    knife_sql = (
        f"SELECT count(*), bool_or({synthetic_sql}) FROM sna_inc i WHERE i.sv_category IS NOT NULL "
        "AND i.knife_flag "
        f"AND {victim_u25} AND i.month BETWEEN ? AND ?"
    )
    knife_ok = con.execute("SELECT count(knife_flag) FROM sna_inc WHERE sv_category IS NOT NULL").fetchone()
    out.append(
        _measure(
            "knife_sv_u25",
            "Knife- or sharp-object-enabled serious violence, victims under 25",
            con,
            knife_sql,
            years,
            bool(knife_ok and knife_ok[0]) and _has_victim_ages(con),
            "police-recorded SV with a knife/sharp-object marker and a victim aged under 25",
            "no record-level data: police.uk has no weapon marker and no victim ages",
            base_synthetic=sv_synthetic,
        )
    )
    codes = ", ".join(f"'{c}'" for c in HOMICIDE_CODES)
    homicide_where = f"(i.sv_category = 'Homicide' OR i.offence_code IN ({codes}))"
    hom_sql = (
        f"SELECT count(*), bool_or({synthetic_sql}) FROM sna_inc i WHERE {homicide_where} AND {victim_u25} "
        "AND i.month BETWEEN ? AND ?"
    )
    hom_ok = con.execute(
        f"SELECT count(*) FROM sna_inc i WHERE i.offence_code IS NOT NULL OR {homicide_where}"
    ).fetchone()
    out.append(
        _measure(
            "homicide_u25",
            "Homicides, victims under 25",
            con,
            hom_sql,
            years,
            bool(hom_ok and hom_ok[0]) and _has_victim_ages(con),
            "police-recorded homicide (Home Office codes 1, 4.1, 4.2, 4.10) with a victim aged under 25",
            "no record-level data: police.uk counts homicide inside 'Violence and sexual offences'",
            base_synthetic=sv_synthetic,
        )
    )
    return out


def _has_victim_ages(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM involvements v JOIN sna_inc i USING (incident_id) WHERE v.role = 'victim' "
        "AND v.age IS NOT NULL"
    ).fetchone()
    return bool(row and row[0])


def _measure(
    key: str,
    name: str,
    con: duckdb.DuckDBPyConnection,
    sql: str,
    years: list[tuple[date, date]],
    available: bool,
    definition: str,
    unavailable: str,
    base_synthetic: bool = False,
) -> Measure:
    if not available:
        return Measure(key, name, pd.DataFrame(columns=["year", "count", "synthetic"]), False, False, unavailable)
    table = _yearly(con, sql, years)
    synthetic = bool(table["synthetic"].any()) or base_synthetic
    first, last = table.iloc[0], table.iloc[-1]
    return Measure(
        key,
        name,
        table,
        True,
        synthetic,
        definition,
        baseline={"year": first["year"], "count": int(first["count"])},
        latest={"year": last["year"], "count": int(last["count"])},
    )


COVID_FILE = Path(__file__).parent / "data" / "covid_restrictions.csv"


def covid_overlap(start: date, end: date, nations: set[str] | None = None) -> pd.DataFrame:
    """COVID-19 restriction periods (dates as data, ``data/covid_restrictions.csv``, each with its legal source)
    that overlap the months ``start``–``end``; ``nations`` limits them to England or Wales (a row for "England and
    Wales" counts for both)."""
    frame = pd.read_csv(COVID_FILE, parse_dates=["start", "end"])
    last = pd.Timestamp(add_months(end, 1)) - pd.Timedelta(days=1)
    hit = (frame["start"] <= last) & (frame["end"] >= pd.Timestamp(start))
    if nations:
        hit &= frame["nation"].map(lambda n: any(x in n for x in nations))
    return frame[hit].reset_index(drop=True)
