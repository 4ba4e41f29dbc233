"""What a workspace holds, for ``svduty status`` and for anything else that reports on ingests."""

from __future__ import annotations

import duckdb

# What the rows of each source's files are: crimes, or the residents and area lookups the rates rest on.
ROW_KINDS = {"police.uk": "incident", "rms": "incident", "population": "population", "lsoa-lookup": "population"}


def workspace_status(con: duckdb.DuckDBPyConnection) -> dict:
    """Per-file accounting of active ingests, counts by force × month × crime type, and rejects by reason.

    ``totals`` adds every file's rows; ``totals_by_kind`` keeps incident rows apart from population rows (residents
    and the LSOA lookup), which are not crimes and must not be read as such.
    """
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
        }
        for path, source, force, month, sha, read, stored, rejected in con.execute(
            """SELECT path, source, force, month, sha256, rows_read, rows_stored, rows_rejected
               FROM ingests WHERE status = 'active' ORDER BY source, force, month, path"""
        ).fetchall()
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
    superseded_row = con.execute("SELECT count(*) FROM ingests WHERE status = 'superseded'").fetchone()
    return {
        "incidents": int(incidents_row[0]) if incidents_row else 0,
        "ingests": ingests,
        "rejects_by_reason": rejects,
        "counts": counts,
        "totals": {key: sum(f[key] for f in ingests) for key in ("rows_read", "rows_stored", "rows_rejected")},
        "totals_by_kind": by_kind,
        "superseded_files": int(superseded_row[0]) if superseded_row else 0,
    }
