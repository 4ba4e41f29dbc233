"""Record-level person × involvement × incident rows for person-level analysis (the risk index), pseudonyms only.

One row per person, incident and role. The person is the recurring one: the pseudonym in ``involvements`` (RMS
persons recur by their keyed hash), or, for the synthetic layer's suspects, the recurring synthetic person of
``synthetic_person_links``. No name, source identifier or crime reference leaves here: ``incident_id`` is the
workspace's own number, ``person`` a keyed HMAC.

``proactive`` says whether the offence was found by proactive policing (stop and search, test purchase). No adapter
records that yet, so it is NULL throughout; the risk index excludes proactive records only where a source marks them.
"""

from __future__ import annotations

import pandas as pd

COLUMNS = (
    "person",
    "incident_id",
    "month",
    "offence_group",
    "offence_code",
    "role",
    "knife_flag",
    "proactive",
    "age",
    "sex",
    "synthetic",
)


def _has(con, table: str) -> bool:
    return bool(
        con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()[0][0]
    )


def involvement_records(con) -> pd.DataFrame:
    """Every involvement with a person, as a DataFrame with ``COLUMNS`` (``month`` = first day of the month).

    A workspace opened read-only before schema v6 has no recurring-person tables: then persons are as stored.
    """
    if _has(con, "synthetic_person_links"):
        links = "LEFT JOIN synthetic_person_links l ON l.involvement_person_id = v.person_id"
        attrs = "LEFT JOIN person_attributes a ON a.person_id = v.person"
        person, linked = "COALESCE(l.person_id, v.person_id)", "COALESCE(l.synthetic, false)"
    else:
        links, person, linked = "", "v.person_id", "false"
        attrs = (
            "LEFT JOIN (SELECT NULL::VARCHAR AS person_id, NULL::INTEGER AS birth_year, NULL::VARCHAR AS sex) a "
            "ON false"
        )
    df = con.execute(
        f"""
        WITH v AS (
            SELECT {person} AS person, v.incident_id, v.role, v.age, v.sex, v.synthetic OR {linked} AS synthetic
            FROM involvements v {links}
            WHERE v.person_id IS NOT NULL
        )
        SELECT v.person, v.incident_id, CAST(i.month AS DATE) AS month, i.offence_group, i.offence_code, v.role,
               i.knife_flag, CAST(NULL AS BOOLEAN) AS proactive,
               CASE WHEN a.birth_year IS NOT NULL THEN year(i.month) - a.birth_year ELSE min(v.age) END AS age,
               COALESCE(a.sex, min(v.sex)) AS sex,
               bool_or(v.synthetic OR i.synthetic) AS synthetic
        FROM v JOIN incidents i USING (incident_id)
        {attrs}
        GROUP BY v.person, v.incident_id, i.month, i.offence_group, i.offence_code, v.role, i.knife_flag,
                 a.birth_year, a.sex
        ORDER BY v.person, month, v.incident_id, v.role
        """
    ).df()
    df["month"] = pd.to_datetime(df["month"])
    return df[list(COLUMNS)]


def person_attributes(con) -> pd.DataFrame:
    """``person``, ``ethnic_group`` (NULL = not recorded) for the persons the workspace holds attributes of."""
    if not _has(con, "person_attributes"):
        return pd.DataFrame({"person": pd.Series(dtype=str), "ethnic_group": pd.Series(dtype=str)})
    return con.execute("SELECT person_id AS person, ethnic_group FROM person_attributes ORDER BY 1").df()
