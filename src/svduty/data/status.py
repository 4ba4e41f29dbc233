"""What a workspace holds, for ``svduty status`` and for anything else that reports on ingests."""

from __future__ import annotations

import duckdb

# What the rows of each source's files are: crimes, or the residents and area lookups the rates rest on.
ROW_KINDS = {
    "police.uk": "incident",
    "rms": "incident",
    "population": "population",
    "lsoa-lookup": "population",
    "istv": "ed_attendance",
    "admissions": "hospital_admission",
}


def workspace_status(con: duckdb.DuckDBPyConnection) -> dict:
    """Per-file accounting of active ingests, counts by force × month × crime type, and rejects by reason.

    ``totals`` adds every file's rows; ``totals_by_kind`` keeps incident rows apart from population rows (residents
    and the LSOA lookup), which are not crimes and must not be read as such.
    """
    # a workspace opened read-only may predate schema v4 (no partner-data tables yet)
    v4 = _has_table(con, "istv_submissions")
    partner_cols = (
        "s.site_code, s.period_start, s.period_end, s.layout, a.reference, a.checked"
        if v4
        else ("NULL, NULL, NULL, NULL, NULL, NULL")
    )
    partner_joins = (
        "LEFT JOIN istv_submissions s USING (ingest_id) LEFT JOIN ingest_agreements a USING (ingest_id)" if v4 else ""
    )
    ingests = [
        {
            "file": path,
            "source": source,
            "force": force,
            "month": month.strftime("%Y-%m") if month else None,
            "sha256": sha,
            "rows_read": int(read),
            "rows_stored": int(stored),
            "rows_rejected": int(rejected),
            **_partner_fields(source, site, start, end, layout, agreement, checked),
        }
        for path, source, force, month, sha, read, stored, rejected, site, start, end, layout, agreement, checked in (
            con.execute(
                f"""SELECT i.path, i.source, i.force, i.month, i.sha256, i.rows_read, i.rows_stored, i.rows_rejected,
                          {partner_cols}
                   FROM ingests i {partner_joins}
                   WHERE i.status = 'active' ORDER BY i.source, i.force, i.month, i.path"""
            ).fetchall()
        )
    ]
    counts = [
        {"force": force, "month": month.strftime("%Y-%m"), "crime_type": crime_type, "incidents": int(n)}
        for force, month, crime_type, n in con.execute(
            """SELECT force, month, offence_group, count(*) FROM incidents
               GROUP BY ALL ORDER BY force, month, offence_group"""
        ).fetchall()
    ]
    rejects = {
        reason: int(n)
        for reason, n in con.execute(
            """SELECT r.reason, count(*) FROM rejects r JOIN ingests i USING (ingest_id)
               WHERE i.status = 'active' GROUP BY 1 ORDER BY 2 DESC, 1"""
        ).fetchall()
    }
    by_kind: dict[str, dict[str, int]] = {}
    for f in ingests:
        kind = ROW_KINDS.get(f["source"], f["source"])
        totals = by_kind.setdefault(kind, {"files": 0, "rows_read": 0, "rows_stored": 0, "rows_rejected": 0})
        totals["files"] += 1
        for key in ("rows_read", "rows_stored", "rows_rejected"):
            totals[key] += f[key]
    incidents_row = con.execute("SELECT count(*) FROM incidents").fetchone()
    health = (
        con.execute(
            """SELECT (SELECT count(*) FROM ed_attendances WHERE ingest_id IS NOT NULL),
                      (SELECT count(*) FROM ed_attendances WHERE ingest_id IS NULL),
                      (SELECT count(*) FROM hospital_admissions)"""
        ).fetchone()
        if v4
        else None
    )
    superseded_row = con.execute("SELECT count(*) FROM ingests WHERE status = 'superseded'").fetchone()
    return {
        "incidents": int(incidents_row[0]) if incidents_row else 0,
        "ingests": ingests,
        "rejects_by_reason": rejects,
        "counts": counts,
        "totals": {key: sum(f[key] for f in ingests) for key in ("rows_read", "rows_stored", "rows_rejected")},
        "totals_by_kind": by_kind,
        "superseded_files": int(superseded_row[0]) if superseded_row else 0,
        "ed_attendances": {"ingested": int(health[0]), "synthetic_layer": int(health[1])} if health else {},
        "hospital_admissions": int(health[2]) if health else 0,
    }


def _partner_fields(source, site, start, end, layout, agreement, checked) -> dict:
    """ISTV files add their submission header; every file says the data-sharing agreement it came under."""
    out: dict = {}
    if source == "istv" and site is not None:
        out["site_code"], out["layout"] = site, layout
        out["reporting_period"] = {"start": start.isoformat(), "end": end.isoformat()}
    if checked is not None:
        out["agreement"] = {"reference": agreement, "checked": checked}
    return out


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()
    return bool(row and row[0])
