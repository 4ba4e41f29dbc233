"""Recurring synthetic people: which suspects of the synthetic layer are the same person, and their demographics.

``svduty synth`` draws one person per involvement, so nobody recurs and a person-level index (``svduty risk``) has
nothing to rank. This step links the layer's synthetic *suspect* involvements to a smaller set of recurring persons,
with a skewed count (most appear once, a few many times) and careers clustered in time, and gives each recurring
person a sex and birth year (those of their first involvement, so the profile's marginals hold) and an ethnic group
(recorded for most, not all). It runs on its own random stream (seed, ``STREAM``), after the layer's draws, and
writes only its own tables (``synthetic_person_links``, ``person_attributes``): ``involvements`` and ``persons`` are
exactly what they were, so every existing output is unchanged.

The parameters are illustrative, NOT calibrated to any force's data: the count exponent, the career spread, the
recorded share and the equal shares over the five ONS 2021 high-level ethnic groups are choices that make a
plausible test bed, and every row is labelled synthetic. Victims are not linked (they stay one-off).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from svduty.data.pseudonymise import pseudonym

STREAM = 0x5249534B  # "RISK": the second element of the seed sequence, so the layer's own draws are untouched
SOURCE = "synthetic"
NAMESPACE = "synthetic-recurring"

# ONS Census 2021 high-level ethnic groups (the five groups of the 19-category classification)
ETHNIC_GROUPS: tuple[str, ...] = (
    "Asian, Asian British or Asian Welsh",
    "Black, Black British, Black Welsh, Caribbean or African",
    "Mixed or Multiple ethnic groups",
    "White",
    "Other ethnic group",
)


@dataclass(frozen=True)
class Recurrence:
    """Illustrative parameters (not calibrated): P(count = k) ∝ k^-exponent on 1..max_count; involvements of one
    person fall around a career centre with this spread (months); ethnicity recorded with this probability."""

    exponent: float = 2.0
    max_count: int = 40
    career_sd_months: float = 6.0
    ethnicity_recorded: float = 0.85
    ethnic_shares: tuple[float, ...] = (0.2, 0.2, 0.2, 0.2, 0.2)


def clear(con) -> None:
    con.execute("DELETE FROM synthetic_person_links")
    con.execute("DELETE FROM person_attributes WHERE synthetic AND source = ?", [SOURCE])


def draw_counts(n: int, params: Recurrence, rng) -> np.ndarray:
    """Person counts (each ≥ 1) summing exactly to ``n``: zeta-like draws, the last one trimmed."""
    k = np.arange(1, params.max_count + 1)
    p = k.astype(float) ** -params.exponent
    p /= p.sum()
    counts: list[int] = []
    total = 0
    while total < n:
        batch = rng.choice(k, size=max(16, (n - total) // 2), p=p)
        for c in batch:
            c = int(min(c, n - total))
            counts.append(c)
            total += c
            if total == n:
                break
    return np.array(counts, dtype=np.int64)


def assign(months: np.ndarray, params: Recurrence, rng) -> np.ndarray:
    """For involvements at ``months`` (month numbers), the index of the recurring person of each.

    Each person gets a career centre (uniform over the period) and one ticket per involvement at centre + normal
    noise; tickets sorted by time are matched to involvements sorted by month, so a person's involvements cluster in
    time and the counts hold exactly.
    """
    n = len(months)
    if n == 0:
        return np.array([], dtype=np.int64)
    counts = draw_counts(n, params, rng)
    lo, hi = float(months.min()), float(months.max())
    centres = rng.uniform(lo, hi + 1, size=len(counts))
    owner = np.repeat(np.arange(len(counts)), counts)
    tickets = centres[owner] + rng.normal(0, params.career_sd_months, size=n)
    order_tickets = np.argsort(tickets, kind="stable")
    order_inv = np.lexsort((rng.random(n), months))
    out = np.empty(n, dtype=np.int64)
    out[order_inv] = owner[order_tickets]
    return out


def link(con, key: bytes, seed: int, params: Recurrence | None = None) -> tuple[int, int]:
    """Link the synthetic layer's suspects to recurring persons. Returns (involvements linked, persons)."""
    params = params or Recurrence()
    clear(con)
    rows = con.execute(
        """SELECT v.person_id, v.incident_id, year(i.month) * 12 + month(i.month) - 1 AS m, v.age, v.sex
           FROM involvements v JOIN incidents i USING (incident_id)
           JOIN persons p ON p.person_id = v.person_id AND p.source = 'synthetic'
           WHERE v.synthetic AND v.role = 'suspect'
           ORDER BY v.incident_id, v.person_id"""
    ).fetchall()
    if not rows:
        return 0, 0
    rng = np.random.default_rng([seed, STREAM])
    months = np.array([r[2] for r in rows], dtype=np.int64)
    owner = assign(months, params, rng)
    persons = np.array([pseudonym(key, NAMESPACE, f"{seed}:{k}") for k in range(int(owner.max()) + 1)], dtype=object)
    # demographics of each recurring person: those of their first involvement (earliest month, then incident)
    first: dict[int, int] = {}
    for j in np.lexsort(([r[1] for r in rows], months)):
        first.setdefault(int(owner[j]), int(j))
    ids = sorted(first)
    recorded = rng.random(len(ids)) < params.ethnicity_recorded
    groups = rng.choice(
        len(ETHNIC_GROUPS), size=len(ids), p=np.asarray(params.ethnic_shares) / sum(params.ethnic_shares)
    )
    attributes = pa.table(
        {
            "person_id": pa.array([persons[k] for k in ids], pa.string()),
            "sex": pa.array([rows[first[k]][4] for k in ids], pa.string()),
            "birth_year": pa.array([int(months[first[k]] // 12) - int(rows[first[k]][3]) for k in ids], pa.int32()),
            "ethnic_group": pa.array(
                [ETHNIC_GROUPS[g] if r else None for g, r in zip(groups, recorded, strict=True)], pa.string()
            ),
        }
    )
    links = pa.table(
        {
            "involvement_person_id": pa.array([r[0] for r in rows], pa.string()),
            "person_id": pa.array(persons[owner].tolist(), pa.string()),
        }
    )
    con.register("syn_links", links)
    con.register("syn_attrs", attributes)
    try:
        con.execute("INSERT INTO synthetic_person_links SELECT involvement_person_id, person_id, true FROM syn_links")
        con.execute(
            "INSERT INTO person_attributes SELECT person_id, sex, birth_year, ethnic_group, ?, true FROM syn_attrs",
            [SOURCE],
        )
    finally:
        con.unregister("syn_links")
        con.unregister("syn_attrs")
    return len(rows), len(ids)
