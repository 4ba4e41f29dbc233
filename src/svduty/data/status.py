"""What a workspace holds, for ``svduty status`` and for anything else that reports on ingests."""

from __future__ import annotations

import duckdb


def workspace_status(con: duckdb.DuckDBPyConnection) -> dict:
    """Per-file accounting of active ingests, counts by force × month × crime type, and rejects by reason."""
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
    incidents_row = con.execute("SELECT count(*) FROM incidents").fetchone()
    superseded_row = con.execute("SELECT count(*) FROM ingests WHERE status = 'superseded'").fetchone()
    return {
        "incidents": int(incidents_row[0]) if incidents_row else 0,
        "ingests": ingests,
        "rejects_by_reason": rejects,
        "counts": counts,
        "totals": {key: sum(f[key] for f in ingests) for key in ("rows_read", "rows_stored", "rows_rejected")},
        "superseded_files": int(superseded_row[0]) if superseded_row else 0,
    }
