"""Re-offending follow-up: was a case's person recorded as a suspect again in the workspace's RMS data, and rates
with confidence intervals.

Cases and RMS persons share the keyed-HMAC pseudonym (``svduty.data.pseudonymise``), so the lookup is a join on
``involvements.person_id`` and never sees an identity. An incident counts when its date — ``occurred_at``, or the
first of its month when the source has month only — is after the case start and on or before the follow-up point.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pyarrow as pa
from scipy.stats import norm


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months, clipped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Lookup:
    key: object  # the caller's id for this follow-up (e.g. the FollowUp row's pk)
    pseudonym: str
    start: date
    end: date


@dataclass(frozen=True)
class Result:
    key: object
    incidents: int
    offences: tuple[str, ...]  # offence groups, most frequent first
    serious_violence: int


def suspect_incidents(con, lookups: Iterable[Lookup]) -> dict[object, Result]:
    """One ``Result`` per lookup from ``involvements`` × ``incidents`` (role 'suspect'), in one query."""
    lookups = list(lookups)
    rows = [(str(i), lk.pseudonym, lk.start, lk.end) for i, lk in enumerate(lookups)]
    if not rows:
        return {}
    table = pa.table(
        {
            "k": pa.array([r[0] for r in rows], pa.string()),
            "person_id": pa.array([r[1] for r in rows], pa.string()),
            "start_on": pa.array([r[2] for r in rows], pa.date32()),
            "end_on": pa.array([r[3] for r in rows], pa.date32()),
        }
    )
    con = con.cursor()  # its own cursor: the caller's connection may hold an unfinished result
    con.register("_followup", table)  # a view over Arrow: works on a read-only workspace too
    try:
        found = con.execute(
            """
            WITH hits AS (
                SELECT DISTINCT f.k, i.incident_id, i.offence_group, i.sv_category
                FROM _followup f
                JOIN involvements v ON v.person_id = f.person_id AND v.role = 'suspect'
                JOIN incidents i ON i.incident_id = v.incident_id
                WHERE coalesce(CAST(i.occurred_at AS DATE), i.month) > f.start_on
                  AND coalesce(CAST(i.occurred_at AS DATE), i.month) <= f.end_on
            )
            SELECT k, count(*) AS n, count(sv_category) AS sv,
                   list(offence_group ORDER BY offence_group) AS groups
            FROM hits GROUP BY k
            """
        ).fetchall()
    finally:
        con.unregister("_followup")
    by_key = {k: (n, sv, groups) for k, n, sv, groups in found}
    out = {}
    for i, lk in enumerate(lookups):
        n, sv, groups = by_key.get(str(i), (0, 0, []))
        counts: dict[str, int] = {}
        for g in groups:
            counts[g] = counts.get(g, 0) + 1
        ordered = tuple(sorted(counts, key=lambda g: (-counts[g], g)))
        out[lk.key] = Result(lk.key, int(n), ordered, int(sv))
    return out


def ed_reattendances(con, lookups: Iterable[Lookup]) -> dict[object, int] | None:
    """ED attendances by the same pseudonym in each window, or None when the ED data carry no person identifier.

    ISTV (Cardiff Model) data are anonymised, so today's ``ed_attendances`` has no ``person_id`` and re-attendance
    cannot be linked; a hospital feed that adds a pseudonymised ``person_id`` column makes this work unchanged."""
    con = con.cursor()
    columns = {
        r[0]
        for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'ed_attendances'").fetchall()
    }
    if "person_id" not in columns:
        return None
    out = {}
    for lk in lookups:
        out[lk.key] = con.execute(
            "SELECT count(*) FROM ed_attendances WHERE person_id = ? AND CAST(arrived_at AS DATE) > ? "
            "AND CAST(arrived_at AS DATE) <= ?",
            [lk.pseudonym, lk.start, lk.end],
        ).fetchall()[0][0]
    return out


@dataclass(frozen=True)
class Rate:
    events: int
    total: int
    rate: float | None
    low: float | None
    high: float | None


def wilson_interval(events: int, total: int, confidence: float = 0.95) -> Rate:
    """A proportion with its Wilson score interval (good at small n and rates near 0, unlike the normal one)."""
    if total <= 0:
        return Rate(events, total, None, None, None)
    if not 0 <= events <= total:
        raise ValueError(f"{events} events out of {total}")
    z = norm.ppf(1 - (1 - confidence) / 2)
    p = events / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return Rate(events, total, p, max(0.0, centre - half), min(1.0, centre + half))
