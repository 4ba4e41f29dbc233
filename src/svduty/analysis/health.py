"""Partner health data in the SNA: success measure 1 from admissions, ED (ISTV) assaults, the gap they fill, dual KDE.

Pure functions over the workspace tables (``hospital_admissions``, ``ed_assaults`` = ``ed_attendances`` with its
ISTV detail, ``incidents``,
``population``); each result says which source it rests on (``source`` / ``synthetic``), so a report can name it.

* :func:`sharp_object_admissions` — success measure 1, hospital admissions for assault by a sharp object (ICD-10
  X99) of under-25s, per 12-month year, with the rate per 100,000 residents aged under 25. An admission counts as
  under 25 when its age, or the top of its age band, is below 25; admissions whose band straddles 25 (e.g. '20-29')
  are reported apart (``age_uncertain``), never guessed.
* :func:`ed_assaults_by_month` — ED assault attendances by month × assault method × location type.
* :func:`ed_not_in_police` — at LSOA × month, the ED assaults in excess of police-recorded violence: a lower bound
  on the share of ED-treated violence not in police records (each police record is allowed to match one ED
  attendance). The London ISTV programme found only a quarter to a third of ED-treated violence in police records.
* :func:`dual_kde` / :func:`ed_police_dual_kde` — the relation between the kernel densities of ED and police
  locations on one grid with one bandwidth, as sfhotspot's ``hotspot_dual_kde`` (Ashby): ``ratio`` d(ED)/d(police),
  ``log`` its logarithm, ``diff`` the difference of the two as shares of their totals, ``sum``.

Free-text location descriptions are never read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from svduty.analysis import AnalysisError
from svduty.analysis.hotspots.grid import Grid, grid_counts, make_grid, to_bng
from svduty.analysis.hotspots.kde import default_bandwidth, kde
from svduty.data.health_mapping import CODES_SEPARATOR

UNDER_25_BANDS = ("0-4", "5-9", "10-14", "0-15", "15-19", "16-24", "20-24", "0-17", "18-24")
POLICE_VIOLENCE = (
    "(i.offence_group = 'Violence and sexual offences' OR i.sv_category IN "
    "('Homicide', 'Violence with injury', 'Violence without injury'))"
)
DUAL_METHODS = ("ratio", "log", "diff", "sum")
GAP_SENTENCE = (
    "Emergency department (ISTV) data fill the gap of violence never reported to the police: in the London ISTV "
    "programme only a quarter to a third of violent injuries treated in EDs appeared in police records."
)


def has_admissions(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM hospital_admissions").fetchone()
    return bool(row and row[0])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def measure_years(end: date, data_start: date) -> list[tuple[date, date]]:
    """12-month years (first days of months) ending at ``end``, going back while inside the data, oldest first."""
    years = []
    while (start := _add_months(end, -11)) >= data_start:
        years.append((start, end))
        end = _add_months(end, -12)
    return years[::-1]


def _scope_sql(lsoas: list[str] | None) -> tuple[str, list]:
    """Admissions of residents of ``lsoas``; a row with only a district counts when that district is the area's."""
    if lsoas is None:
        return "true", []
    return (
        """(a.lsoa_code IN (SELECT unnest(?::VARCHAR[])) OR (a.lsoa_code IS NULL AND a.lad_code IN (
               SELECT DISTINCT lad_code FROM lsoa_areas WHERE lsoa_code IN (SELECT unnest(?::VARCHAR[])))))""",
        [lsoas, lsoas],
    )


def residents_under_25(con: duckdb.DuckDBPyConnection, year: int, lsoas: list[str] | None) -> float | None:
    """Residents aged under 25 (population bands, both sexes) in ``lsoas`` or every LSOA held; None if no bands."""
    where = (
        "regexp_full_match(area_code, '[EW]01\\d{6}')"
        if lsoas is None
        else ("area_code IN (SELECT unnest(?::VARCHAR[]))")
    )
    params: list = [year] + ([] if lsoas is None else [lsoas])
    row = con.execute(
        f"""SELECT sum(persons) FILTER (WHERE age_band IN (SELECT unnest(?::VARCHAR[]))), count(*) FROM (
                SELECT *, dense_rank() OVER (PARTITION BY area_code ORDER BY abs(year - ?), year DESC) AS r
                FROM population WHERE sex = 'all' AND age_band <> 'all' AND {where}) WHERE r = 1""",
        [list(UNDER_25_BANDS), *params],
    ).fetchone()
    return float(row[0]) if row and row[1] and row[0] is not None else None


@dataclass
class HealthMeasure:
    """Same fields as ``svduty.analysis.sna.Measure`` so the SNA can list it with the other success measures."""

    key: str
    name: str
    table: pd.DataFrame
    available: bool
    synthetic: bool
    note: str
    source: str
    baseline: dict[str, object] = field(default_factory=dict)
    latest: dict[str, object] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        change = None
        if self.available and self.baseline.get("count"):
            change = self.latest["count"] / self.baseline["count"]  # type: ignore[operator]
        return {
            "name": self.name,
            "available": self.available,
            "synthetic": self.synthetic,
            "source": self.source,
            "baseline": self.baseline or None,
            "latest": self.latest or None,
            "change_vs_baseline": change,
            "note": self.note,
        }


def sharp_object_admissions(
    con: duckdb.DuckDBPyConnection, years: list[tuple[date, date]] | None = None, lsoas: list[str] | None = None
) -> HealthMeasure:
    """Success measure 1 from the admissions extract: X99 admissions of under-25s per year, and the rate.

    ``years`` are (first month, last month) pairs; default: the 12-month years ending at the last admission month.
    ``lsoas`` restricts to residents of those LSOAs (None: every admission held).
    """
    name = "Hospital admissions for assault with a sharp object, aged under 25"
    key = "sharp_object_admissions_u25"
    if not has_admissions(con):
        empty = pd.DataFrame(columns=["year", "count"])
        return HealthMeasure(key, name, empty, False, False, "no hospital admissions extract in the workspace", "")
    where, params = _scope_sql(lsoas)
    if years is None:
        first, last = con.execute("SELECT min(month), max(month) FROM hospital_admissions").fetchone()
        years = measure_years(last, first) or [(first, last)]
    rows = []
    for start, end in years:
        n, everyone, uncertain, synthetic = con.execute(
            f"""SELECT count(*) FILTER (WHERE age_max <= 24), count(*),
                       count(*) FILTER (WHERE age_max IS NULL OR (age_min < 25 AND age_max > 24)),
                       coalesce(bool_or(synthetic), false)
                FROM hospital_admissions a
                WHERE sharp_object AND month BETWEEN ? AND ? AND {where}""",
            [start, end, *params],
        ).fetchone()
        residents = residents_under_25(con, end.year, lsoas)
        rows.append(
            {
                "year": f"{start:%Y-%m} to {end:%Y-%m}",
                "count": int(n),
                "all_ages": int(everyone),
                "age_uncertain": int(uncertain),
                "residents_under_25": residents,
                "per_100k_under_25": n / residents * 100_000 if residents else None,
                "synthetic": bool(synthetic),
            }
        )
    table = pd.DataFrame(rows)
    files = [
        r[0]
        for r in con.execute(
            """SELECT DISTINCT i.file_name FROM ingests i WHERE i.status = 'active' AND i.source = 'admissions'
           ORDER BY 1"""
        ).fetchall()
    ]
    first_row, last_row = table.iloc[0], table.iloc[-1]
    return HealthMeasure(
        key,
        name,
        table,
        True,
        bool(table["synthetic"].any()),
        "admissions with ICD-10 external cause X99 (assault by sharp object), age or age band under 25",
        "hospital admissions extract (" + ", ".join(files) + ")",
        baseline={"year": first_row["year"], "count": int(first_row["count"])},
        latest={"year": last_row["year"], "count": int(last_row["count"])},
    )


def _ed_scope(period: tuple[date, date] | None, lsoas: list[str] | None) -> tuple[str, list]:
    where, params = ["true"], []
    if period is not None:
        where.append("date_trunc('month', e.arrived_at)::DATE BETWEEN ? AND ?")
        params += [period[0], period[1]]
    if lsoas is not None:
        where.append("e.lsoa_code IN (SELECT unnest(?::VARCHAR[]))")
        params.append(lsoas)
    return " AND ".join(where), params


def ed_assaults_by_month(
    con: duckdb.DuckDBPyConnection, period: tuple[date, date] | None = None, lsoas: list[str] | None = None
) -> pd.DataFrame:
    """ED assault attendances by month × assault method × location type (ISTV extracts and the synthetic layer).

    Columns: month, source ('ISTV extract' | 'synthetic layer'), method, mechanism, location_type, location_group,
    attendances, under_25 (age or band top under 25), synthetic. ``period`` = (first month, last month).
    """
    where, params = _ed_scope(period, lsoas)
    return con.execute(
        f"""SELECT date_trunc('month', e.arrived_at)::DATE AS month,
                   CASE WHEN e.ingest_id IS NULL THEN 'synthetic layer' ELSE 'ISTV extract' END AS source,
                   coalesce(e.method_label, e.mechanism, 'not recorded') AS method,
                   coalesce(e.mechanism, 'not recorded') AS mechanism,
                   coalesce(e.location_type_label, e.assault_location, 'not recorded') AS location_type,
                   coalesce(e.assault_location, 'not recorded') AS location_group,
                   count(*) AS attendances,
                   count(*) FILTER (WHERE coalesce(e.age_max, e.age) <= 24) AS under_25,
                   bool_or(e.synthetic) AS synthetic
            FROM ed_assaults e WHERE {where}
            GROUP BY ALL ORDER BY month, source, attendances DESC, method, location_type""",
        params,
    ).df()


_LSOA21 = """(SELECT lsoa_code AS code, any_value(lsoa21_code) AS lsoa21 FROM lsoa_areas GROUP BY 1)"""


@dataclass
class Gap:
    """ED assaults not matched in police data at LSOA × month (see :func:`ed_not_in_police`)."""

    table: pd.DataFrame  # lsoa, month, ed, police, unmatched
    ed_compared: int
    unmatched: int
    ed_unlocated: int
    months: int
    synthetic: bool
    sentence: str = GAP_SENTENCE

    @property
    def share(self) -> float | None:
        return self.unmatched / self.ed_compared if self.ed_compared else None


def ed_not_in_police(
    con: duckdb.DuckDBPyConnection, period: tuple[date, date] | None = None, lsoas: list[str] | None = None
) -> Gap:
    """Share of ED assaults not matched by police-recorded violence in the same LSOA and month.

    Compared only in months both sources cover, and only for located ED assaults (unlocated ones are counted
    apart). LSOA codes of either vintage are compared as their 2021 best-fit LSOA when the lookup is loaded.
    """
    where, params = _ed_scope(period, lsoas)
    frame = con.execute(
        f"""WITH months AS (
                SELECT DISTINCT date_trunc('month', arrived_at)::DATE AS month FROM ed_attendances
                INTERSECT SELECT DISTINCT month FROM incidents),
            ed AS (
                SELECT coalesce(l.lsoa21, e.lsoa_code) AS lsoa, date_trunc('month', e.arrived_at)::DATE AS month,
                       count(*) AS ed, bool_or(e.synthetic) AS synthetic
                FROM ed_assaults e LEFT JOIN {_LSOA21} l ON l.code = e.lsoa_code
                WHERE e.lsoa_code IS NOT NULL AND {where}
                  AND date_trunc('month', e.arrived_at)::DATE IN (SELECT month FROM months)
                GROUP BY ALL),
            police AS (
                SELECT coalesce(l.lsoa21, i.lsoa_code) AS lsoa, i.month, count(*) AS police
                FROM incidents i LEFT JOIN {_LSOA21} l ON l.code = i.lsoa_code
                WHERE i.lsoa_code IS NOT NULL AND {POLICE_VIOLENCE} AND i.month IN (SELECT month FROM months)
                GROUP BY ALL)
            SELECT ed.lsoa, ed.month, ed.ed, coalesce(police.police, 0) AS police,
                   greatest(ed.ed - coalesce(police.police, 0), 0) AS unmatched, ed.synthetic
            FROM ed LEFT JOIN police USING (lsoa, month) ORDER BY ed.month, ed.lsoa""",
        params,
    ).df()
    unlocated = con.execute(
        f"""SELECT count(*) FROM ed_assaults e WHERE e.lsoa_code IS NULL AND {where}
            AND date_trunc('month', e.arrived_at)::DATE IN (
                SELECT DISTINCT month FROM incidents)""",
        params,
    ).fetchone()
    return Gap(
        table=frame.drop(columns="synthetic"),
        ed_compared=int(frame["ed"].sum()) if len(frame) else 0,
        unmatched=int(frame["unmatched"].sum()) if len(frame) else 0,
        ed_unlocated=int(unlocated[0]) if unlocated else 0,
        months=int(frame["month"].nunique()) if len(frame) else 0,
        synthetic=bool(frame["synthetic"].any()) if len(frame) else False,
    )


def dual_kde(
    x_a,
    y_a,
    x_b,
    y_b,
    *,
    cell_size: float | None = None,
    bandwidth: float | None = None,
    method: str = "ratio",
    kernel: str = "quartic",
    grid: Grid | None = None,
) -> tuple[Grid, pd.DataFrame]:
    """Relation of the kernel densities of points A and B (BNG metres) on one grid, as ``hotspot_dual_kde``.

    One grid over both layers (sfhotspot's default cell size: the shorter side / 50), one bandwidth — by default the
    rule of thumb on layer A's points, as sfhotspot does. Returns the grid and a table aligned with its cells:
    count_a, count_b, kde_a, kde_b (per km²) and ``value`` by ``method``: ratio kde_a / kde_b (inf where only B is
    0, NaN where both are), log of that, diff kde_a/Σkde_a − kde_b/Σkde_b, or sum.
    """
    if method not in DUAL_METHODS:
        raise AnalysisError(f"unknown dual KDE method {method!r}; choose one of {', '.join(DUAL_METHODS)}")
    xa, ya, xb, yb = (np.asarray(v, dtype=float) for v in (x_a, y_a, x_b, y_b))
    if xa.size == 0 or xb.size == 0:
        raise AnalysisError("the dual KDE needs located points in both layers")
    if grid is None:
        grid = make_grid(np.concatenate([xa, xb]), np.concatenate([ya, yb]), cell_size)
    h = bandwidth if bandwidth is not None else default_bandwidth(xa, ya, kernel)
    dens_a = kde(grid, xa, ya, bandwidth=h, kernel=kernel)
    dens_b = kde(grid, xb, yb, bandwidth=h, kernel=kernel)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "ratio":
            value = dens_a / dens_b
        elif method == "log":
            value = np.log(dens_a / dens_b)
        elif method == "diff":
            value = dens_a / dens_a.sum() - dens_b / dens_b.sum()
        else:
            value = dens_a + dens_b
    table = pd.DataFrame(
        {
            "cell": grid.cells,
            "count_a": grid_counts(grid, xa, ya),
            "count_b": grid_counts(grid, xb, yb),
            "kde_a": dens_a,
            "kde_b": dens_b,
            "value": value,
        }
    )
    table.attrs.update({"bandwidth": float(h), "method": method, "kernel": kernel})
    return grid, table


def ed_points(
    con: duckdb.DuckDBPyConnection, period: tuple[date, date] | None = None, lsoas: list[str] | None = None
) -> pd.DataFrame:
    """The ED assault layer for the hotspot engine: located attendances (lat, lon, month, mechanism, synthetic)."""
    where, params = _ed_scope(period, lsoas)
    return con.execute(
        f"""SELECT e.lat, e.lon, date_trunc('month', e.arrived_at)::DATE AS month, e.mechanism,
                   e.assault_location, e.synthetic
            FROM ed_assaults e WHERE e.lat IS NOT NULL AND e.lon IS NOT NULL AND {where}""",
        params,
    ).df()


def ed_police_dual_kde(
    con: duckdb.DuckDBPyConnection,
    period: tuple[date, date] | None = None,
    *,
    method: str = "ratio",
    cell_size: float | None = None,
    bandwidth: float | None = None,
) -> tuple[Grid, pd.DataFrame]:
    """Dual KDE of ED assault locations (A) against police-recorded violence (B) over the same months."""
    ed = ed_points(con, period)
    if ed.empty:
        raise AnalysisError("no located ED assaults for the dual KDE")
    months = sorted(set(ed["month"]))
    police = con.execute(
        f"""SELECT i.lat, i.lon FROM incidents i WHERE i.lat IS NOT NULL AND {POLICE_VIOLENCE}
            AND i.month IN (SELECT unnest(?::DATE[]))""",
        [months],
    ).df()
    if police.empty:
        raise AnalysisError("no located police-recorded violence in the ED data's months")
    xa, ya = to_bng(ed["lon"].to_numpy(), ed["lat"].to_numpy())
    xb, yb = to_bng(police["lon"].to_numpy(), police["lat"].to_numpy())
    grid, table = dual_kde(xa, ya, xb, yb, cell_size=cell_size, bandwidth=bandwidth, method=method)
    table.attrs["synthetic"] = bool(ed["synthetic"].any())
    return grid, table


def _code_lists(mapping_names: list[str]) -> str:
    """'; assault methods and location types coded by <list>' from the submissions' stored mapping names."""
    lists = sorted({n.split(CODES_SEPARATOR, 1)[1] for n in mapping_names if CODES_SEPARATOR in n})
    return f"; assault methods and location types coded by {' and '.join(lists)}" if lists else ""


def sources(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """One line per health figure's source, for the report's 'where the figures come from'."""
    istv = con.execute(
        """SELECT s.site_code, min(s.period_start), max(s.period_end), bool_or(s.synthetic),
                  list(DISTINCT s.mapping_name ORDER BY s.mapping_name)
           FROM istv_submissions s JOIN ingests i USING (ingest_id) WHERE i.status = 'active' GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    synthetic_layer = con.execute("SELECT count(*) FROM ed_attendances WHERE ingest_id IS NULL").fetchone()
    admissions = con.execute(
        """SELECT count(*), min(month), max(month), bool_or(synthetic) FROM hospital_admissions"""
    ).fetchone()
    out: dict[str, str] = {}
    parts = [
        f"ISTV extract from site {site} ({start:%b %Y} to {end:%b %Y}{', SYNTHETIC' if synth else ''}"
        f"{_code_lists(names)})"
        for site, start, end, synth, names in istv
    ]
    if synthetic_layer and synthetic_layer[0]:
        parts.append(f"{synthetic_layer[0]:,} SYNTHETIC attendances from `svduty synth`")
    out["ed"] = "; ".join(parts) if parts else "no A&E data"
    if admissions and admissions[0]:
        n, start, end, synth = admissions
        out["admissions"] = f"hospital admissions extract, {n:,} admissions {start:%b %Y} to {end:%b %Y}" + (
            " (SYNTHETIC)" if synth else ""
        )
    else:
        out["admissions"] = "no hospital admissions extract"
    out["gap"] = GAP_SENTENCE
    return out
