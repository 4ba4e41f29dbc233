"""Which data-sharing agreement each ingested dataset came under — without the data layer knowing about Django.

The register of agreements lives in the web app (``svduty.web.agreements``). The workspace holds a *copy* of the
current ones in ``data_sharing_agreements``, loaded from a register file (JSON/TOML/YAML) that the web app exports
(``/agreements/export.json``) or that a partnership writes by hand::

    require_current_agreement = true          # optional: refuse ingests with no current agreement
    [[agreements]]
    reference = "DSA-2024-003"
    title = "ED ISTV data to the Community Safety Partnership"
    datasets = ["istv"]                        # ingest sources: istv, admissions, rms, police.uk, population
    status = "active"                          # draft | active | expired | withdrawn
    starts_on = 2024-01-01
    review_on = 2025-01-01
    ends_on = 2026-12-31

``svduty agreements load FILE`` replaces the copy. At ingest, ``check`` finds the agreement: the one named with
``--agreement REF``, else a current one covering the source. A dataset with none warns; when the workspace setting
``require_current_agreement`` is on, it is refused before anything is read. The result is written with the ingest
(``ingest_agreements``) in the same transaction, so every file's lawful route stays on record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from svduty.data import IngestError
from svduty.data.ingest_common import now_utc
from svduty.data.settings_file import read_settings_file

STATUSES = ("draft", "active", "expired", "withdrawn")
SOURCES = ("istv", "admissions", "rms", "police.uk", "population")
REQUIRE_KEY = "require_current_agreement"


@dataclass(frozen=True)
class AgreementCheck:
    source: str
    reference: str | None
    state: str  # 'current' | 'not current' | 'none' | 'named, not in register'
    message: str

    @property
    def ok(self) -> bool:
        return self.state == "current"


def required(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this workspace refuses ingests that no current agreement covers."""
    row = con.execute("SELECT value FROM workspace_settings WHERE key = ?", [REQUIRE_KEY]).fetchone()
    return bool(row and row[0] == "true")


def set_required(con: duckdb.DuckDBPyConnection, on: bool) -> None:
    con.execute(
        "INSERT INTO workspace_settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [REQUIRE_KEY, "true" if on else "false"],
    )


def load_register(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Replace the workspace's copy of the register with ``path``; returns the number of agreements loaded."""
    data = read_settings_file(path, "agreements file")
    rows = data.get("agreements", [])
    if not isinstance(rows, list):
        raise IngestError("'agreements' must be a list", file=str(path), field="agreements")
    parsed = [_agreement(r, i, path) for i, r in enumerate(rows)]
    refs = [r[0] for r in parsed]
    if len(set(refs)) != len(refs):
        dup = next(r for r in refs if refs.count(r) > 1)
        raise IngestError(f"reference {dup!r} appears twice", file=str(path), field="agreements")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM data_sharing_agreements")
        loaded_at = now_utc()
        for r in parsed:
            con.execute(
                "INSERT INTO data_sharing_agreements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [*r, str(path), loaded_at]
            )
        if REQUIRE_KEY in data:
            set_required(con, bool(data[REQUIRE_KEY]))
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    return len(parsed)


def _agreement(row: object, index: int, path: Path) -> tuple:
    where = f"agreements[{index}]"
    if not isinstance(row, dict):
        raise IngestError("each agreement must be a table", file=str(path), field=where)
    ref = str(row.get("reference") or "").strip()
    if not ref:
        raise IngestError("agreement without a reference", file=str(path), field=f"{where}.reference")
    datasets = row.get("datasets") or []
    if not isinstance(datasets, list) or not all(isinstance(d, str) for d in datasets):
        raise IngestError("datasets must be a list of source names", file=str(path), field=f"{where}.datasets")
    status = str(row.get("status") or "").strip().lower()
    if status not in STATUSES:
        raise IngestError(f"status must be one of {', '.join(STATUSES)}", file=str(path), field=f"{where}.status")
    dates = []
    for key in ("starts_on", "review_on", "ends_on"):
        value = row.get(key)
        if value in (None, ""):
            dates.append(None)
        elif isinstance(value, date):
            dates.append(value)
        else:
            try:
                dates.append(date.fromisoformat(str(value)))
            except ValueError:
                raise IngestError("not a date (YYYY-MM-DD)", file=str(path), field=f"{where}.{key}") from None
    return (ref, row.get("title"), [d.strip() for d in datasets], status, *dates)


def _is_current(status: str, starts: date | None, ends: date | None, today: date) -> bool:
    return status == "active" and (starts is None or starts <= today) and (ends is None or today <= ends)


def check(
    con: duckdb.DuckDBPyConnection, source: str, reference: str | None = None, today: date | None = None
) -> AgreementCheck:
    """The agreement an ingest of ``source`` comes under (see module docstring)."""
    today = today or date.today()
    if reference:
        row = con.execute(
            "SELECT status, starts_on, ends_on, datasets FROM data_sharing_agreements WHERE reference = ?",
            [reference],
        ).fetchone()
        if row is None:
            return AgreementCheck(
                source,
                reference,
                "named, not in register",
                f"agreement {reference!r} is not in the workspace's register (svduty agreements load FILE)",
            )
        status, starts, ends, datasets = row
        if source not in datasets:
            return AgreementCheck(source, reference, "not current", f"agreement {reference!r} does not cover {source}")
        if not _is_current(status, starts, ends, today):
            return AgreementCheck(
                source, reference, "not current", f"agreement {reference!r} is not current (status {status})"
            )
        return AgreementCheck(source, reference, "current", f"under agreement {reference}")
    for ref, status, starts, ends in con.execute(
        """SELECT reference, status, starts_on, ends_on FROM data_sharing_agreements
           WHERE list_contains(datasets, ?) ORDER BY starts_on DESC NULLS LAST, reference""",
        [source],
    ).fetchall():
        if _is_current(status, starts, ends, today):
            return AgreementCheck(source, ref, "current", f"under agreement {ref}")
    return AgreementCheck(source, None, "none", f"no current data-sharing agreement covers {source} data")


def enforce(con: duckdb.DuckDBPyConnection, result: AgreementCheck, display: str) -> None:
    """Refuse the ingest when the workspace requires a current agreement and there is none."""
    if not result.ok and required(con):
        raise IngestError(
            f"{result.message}; refused because this workspace requires a current agreement "
            "(svduty agreements require --off to change)",
            file=display,
        )


def record(con: duckdb.DuckDBPyConnection, ingest_id: int, result: AgreementCheck | None) -> None:
    """Write the agreement an ingest came under (inside the ingest's transaction)."""
    if result is None:
        return
    con.execute(
        "INSERT OR REPLACE INTO ingest_agreements VALUES (?, ?, ?)", [ingest_id, result.reference, result.state]
    )


def agreements_table(con: duckdb.DuckDBPyConnection, today: date | None = None) -> list[dict]:
    """The workspace's copy of the register, with whether each agreement is current today."""
    today = today or date.today()
    return [
        {
            "reference": ref,
            "title": title,
            "datasets": list(datasets),
            "status": status,
            "starts_on": starts,
            "review_on": review,
            "ends_on": ends,
            "current": _is_current(status, starts, ends, today),
            "review_due": review is not None and review <= today,
        }
        for ref, title, datasets, status, starts, review, ends in con.execute(
            """SELECT reference, title, datasets, status, starts_on, review_on, ends_on
               FROM data_sharing_agreements ORDER BY reference"""
        ).fetchall()
    ]
