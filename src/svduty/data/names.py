"""What a ``--force`` or ``--area`` names, resolved once against what the workspace holds.

Every command that takes ``--force`` or ``--area`` calls these before any heavy work, so a typo is answered at once
with what is there and a "did you mean". A force goes by its police.uk slug (``city-of-london``), its name
(``City of London``) and its published name (``City of London Police``, the "Reported by" column), in any case.
"""

from __future__ import annotations

import difflib
import re

import duckdb

from svduty.data import UnknownNameError

# Words police forces' published names end with; "Durham Constabulary" is also just "Durham".
_FORCE_SUFFIXES = re.compile(r"\s+(police service|police|constabulary|police force)$", re.IGNORECASE)
_LSOA_SUFFIX = re.compile(r"\s+\d{3}[A-Z]$")  # "City of London 001A" → "City of London"
LA_CODE = re.compile(r"^[EWSN]\d{8}$")
LSOA_CODE_PREFIX = re.compile(r"^[EW]0[12]\d{0,6}$")


def _key(text: str) -> str:
    """Case, spacing and punctuation do not matter: "City of London", "city-of-london", "CITY OF  LONDON"."""
    return re.sub(r"[^a-z0-9]+", "-", text.strip().lower().replace("&", "and")).strip("-")


def force_names(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Each force slug in the workspace's incidents → the published names its rows carry, most common first."""
    rows = con.execute(
        """SELECT force, reported_by, count(*) AS n FROM incidents
           WHERE force IS NOT NULL AND source <> 'synthetic' GROUP BY ALL ORDER BY force, n DESC"""
    ).fetchall()
    names: dict[str, list[str]] = {}
    for slug, published, _ in rows:
        names.setdefault(str(slug), [])
        if published and published not in names[slug]:
            names[slug].append(str(published))
    return names


def _force_label(slug: str, published: list[str]) -> str:
    return f"{slug} ({published[0]})" if published else slug


def resolve_force(con: duckdb.DuckDBPyConnection, text: str | None) -> str | None:
    """The slug of the force ``text`` names (slug, name or published name, any case); None stays None.

    Raises ``UnknownNameError`` naming the forces present, with the closest as "did you mean".
    """
    if text is None:
        return None
    return resolve_force_in(force_names(con), text)


def resolve_force_in(forces: dict[str, list[str]], text: str) -> str:
    """``resolve_force`` over the slug → published names of a dataset (the Spark engine computes them there)."""
    if not forces:
        raise UnknownNameError(
            f"--force {text}: the workspace holds no police data yet (svduty ingest police-uk PATH, or --sample)"
        )
    aliases: dict[str, str] = {}
    for slug, published in forces.items():
        for name in (slug, *published, *(_FORCE_SUFFIXES.sub("", p) for p in published)):
            aliases.setdefault(_key(name), slug)
    wanted = _key(text)
    if wanted in aliases:
        return aliases[wanted]
    present = ", ".join(_force_label(s, p) for s, p in forces.items())
    close = difflib.get_close_matches(wanted, list(aliases), n=1, cutoff=0.6)
    hint = f" Did you mean {_force_label(aliases[close[0]], forces[aliases[close[0]]])}?" if close else ""
    raise UnknownNameError(f"--force {text}: no such force in the workspace, which holds {present}.{hint}")


def area_names(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None]]:
    """(local authority name, LAD code or None) for the areas the incidents fall in, busiest first.

    Names come from the LSOA names police.uk publishes ("City of London 001A"); codes from the ONS lookup when the
    workspace has it.
    """
    rows = con.execute(
        """SELECT lsoa_name, lsoa_code, count(*) AS n FROM incidents
           WHERE lsoa_name IS NOT NULL AND source <> 'synthetic' GROUP BY ALL"""
    ).fetchall()
    lad_of = dict(
        con.execute(
            """SELECT code, lad_code FROM (SELECT lsoa11_code AS code, lad_code FROM lsoa_lookup
               UNION ALL SELECT lsoa21_code, lad_code FROM lsoa_lookup)"""
        ).fetchall()
    )
    counts: dict[str, int] = {}
    codes: dict[str, str | None] = {}
    for name, code, n in rows:
        la = _LSOA_SUFFIX.sub("", str(name))
        counts[la] = counts.get(la, 0) + int(n)
        codes.setdefault(la, lad_of.get(code))
    return [(la, codes[la]) for la in sorted(counts, key=lambda la: (-counts[la], la))]


def check_area(con: duckdb.DuckDBPyConnection, text: str | None) -> str | None:
    """``text`` unchanged if each of its comma-separated parts selects an area: an LSOA code prefix such as
    ``E01000``, a local authority, CSP or police force area code (``E09000001``, ``E22…``, ``E23…``) or an LSOA-name
    prefix such as ``City of London``, any case.

    Raises ``UnknownNameError`` for the first part that selects nothing, naming the areas present, with the closest as
    "did you mean".
    """
    if text is None:
        return None
    for part in [p.strip() for p in text.split(",") if p.strip()] or [text.strip()]:
        if not _area_found(con, part):
            _unknown_area(con, text, part)
    return text.strip()


def _area_found(con: duckdb.DuckDBPyConnection, area: str) -> bool:
    from svduty.data.geography import expand_codes

    upper = area.upper()
    if LA_CODE.match(upper) and not upper.startswith(("E01", "W01", "E02", "W02")):
        try:
            if expand_codes([upper]):
                return True  # an authority, CSP or force area the shipped ONS lookup knows
        except KeyError:
            pass
        (n_lookup,) = con.execute("SELECT count(*) FROM lsoa_lookup").fetchone() or (0,)
        if not n_lookup:
            return True  # the analysis says a local authority code needs the lookup loaded
        sql = "SELECT count(*) FROM lsoa_lookup WHERE lad_code = ?"
        params: list[object] = [upper]
    elif LSOA_CODE_PREFIX.match(upper):
        sql = """SELECT (SELECT count(*) FROM incidents WHERE upper(lsoa_code) LIKE ?)
                      + (SELECT count(*) FROM lsoa_lookup WHERE lsoa11_code LIKE ? OR lsoa21_code LIKE ?)"""
        params = [upper + "%"] * 3
    else:
        sql = """SELECT (SELECT count(*) FROM incidents WHERE lower(lsoa_name) LIKE ?)
                      + (SELECT count(*) FROM lsoa_lookup WHERE lower(lsoa11_name) LIKE ? OR lower(lsoa21_name) LIKE ?
                         OR lower(lad_name) = ?)"""
        params = [area.lower() + "%"] * 3 + [area.lower()]
    (found,) = con.execute(sql, params).fetchone() or (0,)
    return bool(found)


def _unknown_area(con: duckdb.DuckDBPyConnection, text: str, area: str) -> None:
    areas = area_names(con)
    if not areas:
        raise UnknownNameError(f"--area {text}: the workspace holds no located incidents yet")
    shown = ", ".join(f"{name} ({code})" if code else name for name, code in areas[:12])
    more = f" and {len(areas) - 12} more" if len(areas) > 12 else ""
    by_key = {_key(name): name for name, _ in areas} | {_key(code): code for _, code in areas if code}
    close = difflib.get_close_matches(_key(area), list(by_key), n=1, cutoff=0.6)
    hint = f" Did you mean {by_key[close[0]]}?" if close else ""
    raise UnknownNameError(f"--area {text}: no such area in the workspace, which holds {shown}{more}.{hint}")
