"""ISTV (Cardiff Model) A&E assault extracts — CSV layouts through a mapping, and the XML submission form.

Data elements: NHS Data Dictionary, Information Sharing to Tackle Violence Minimum Data Set (formerly ISB 1594),
https://datadictionary.nhs.uk/data_dictionary/messages/supporting_data_sets/data_sets/information_sharing_to_tackle_
violence_minimum_data_set.asp — see ``svduty.data.health_mapping`` for the element list and the code lists.

Guarantees are the police.uk adapter's (``ingest_common``): one ``ingests`` row per file (source ``'istv'``, ``force``
= site code, ``month`` = reporting period start), every assault either stored in ``ed_attendances`` or rejected
with its line, field, reason and raw text (read = stored + rejected, CHECK-enforced), the same content again is a
no-op, a changed file for the same site and reporting period replaces the old one, and each file is one
transaction (kill-safe). A file whose period overlaps a *different* active period of the same site is refused
whole: its assaults would be counted twice.

Codes are read through the mapping's code lists (svduty's working list, or a code-list file such as the Data
Dictionary's national codes, ``health_mapping.load_code_list``): a local alias or a dropped leading zero is
translated and the *list's* code is stored (``method_code``, ``location_type_code``) with its label; a code in
neither is rejected with the list named. Each submission stores the mapping and code list it was read with.

Each assault's location description is geocoded, in order, from an LSOA column the ED filled, a postcode in the
text (through the mapping's ONS postcode lookup), or a known place the mapping lists; otherwise it is kept
unlocated. The free text itself is a personal-data risk: it is stored (``location_description``) for analysts but
no report, table or export reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from svduty.data import IngestError
from svduty.data import agreements as agreements_mod
from svduty.data.geocode import Geocoder
from svduty.data.health_mapping import LSOA_CODE, IstvMapping, parse_age_band
from svduty.data.ingest_common import (
    FileResult,
    ParsedRows,
    RowReject,
    insert_rejects,
    mark_if_unchanged,
    next_ingest_id,
    now_utc,
    read_regular_file,
    record_ingest,
    rows_table,
    sha256_bytes,
)
from svduty.data.ingest_common import supersede as supersede_ingests
from svduty.data.istv_layouts import Header, Record, read_csv, read_xml
from svduty.data.mapping import Marker
from svduty.data.rms import _strptime  # cached: extracts repeat dates and times
from svduty.data.workspace import Workspace

SOURCE = "istv"
YES_NO = Marker(column="(admitted)")


@dataclass
class _Parsed(ParsedRows):
    located: dict[str, int] = field(default_factory=dict)


_Reject = RowReject  # field keys are layout keys ('method', 'arrival'), named as the file's column or element


def ingest(
    ws: Workspace, path: Path, mapping: IstvMapping, agreement: agreements_mod.AgreementCheck | None = None
) -> FileResult:
    """Ingest one ISTV file (CSV or XML, told apart by content)."""
    data = read_regular_file(path)
    return ingest_bytes(ws, data, mapping, display=str(path), file_name=path.name, agreement=agreement)


def ingest_bytes(
    ws: Workspace,
    data: bytes,
    mapping: IstvMapping,
    *,
    display: str,
    file_name: str,
    agreement: agreements_mod.AgreementCheck | None = None,
) -> FileResult:
    con = ws.con
    result = FileResult(display, file_name, sha256_bytes(data), "ingested")
    if mark_if_unchanged(con, result, SOURCE):
        return result
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        header, records, names = read_xml(data, mapping, display)
    else:
        header, records, names = read_csv(data, mapping, display)
    parsed = _parse(header, records, names, mapping, Geocoder.for_mapping(mapping, display))
    parsed.check_accounted(display)
    result.force, result.month = header.site_code, header.period_start
    with ws.transaction():
        replaced = _same_submission(con, header, display)
        ingest_id = next_ingest_id(con)
        result.ingest_id = ingest_id
        if replaced:
            supersede_ingests(con, replaced, ingest_id)
            result.status, result.replaced = "replaced", replaced
            result.message = "replaced ingest " + ", ".join(f"#{i}" for i in replaced) + "; "
        result.rows_read, result.rows_stored, result.rows_rejected = parsed.read, len(parsed.rows), len(parsed.rejects)
        record_ingest(con, result, SOURCE)
        _store(con, parsed, header, ingest_id, mapping, file_name)
        agreements_mod.record(con, ingest_id, agreement)
    unlocated = parsed.located.get("unlocated", 0)
    result.message += f"{len(parsed.rows) - unlocated} located, {unlocated} unlocated"
    return result


# -- validating --------------------------------------------------------------------------------------------------
def _parse(
    header: Header, records: list[Record], names: dict[str, str], mapping: IstvMapping, geo: Geocoder
) -> _Parsed:
    parsed = _Parsed()
    fmt = mapping.xml.datetime_format if header.layout == "xml" else mapping.datetime_format
    for rec in records:
        parsed.read += 1
        if rec.values is None:
            parsed.rejects.append((rec.line, "(row)", rec.problem or "cannot be read", None, rec.raw))
            continue
        try:
            row = _assault(rec.values, header, mapping, fmt, geo)
        except RowReject as rej:
            parsed.rejects.append(rej.as_reject(rec.line, names.get(rej.key, rej.key), rec.raw))
            continue
        row["line"] = rec.line
        parsed.rows.append(row)
        parsed.located[row["located_by"] or "unlocated"] = parsed.located.get(row["located_by"] or "unlocated", 0) + 1
    return parsed


def _when(values: dict[str, str], key: str, fmt: str, blank_reason: str) -> datetime:
    text = values.get(key, "")
    if not text:
        raise _Reject(key, blank_reason)
    try:
        return _strptime(text, fmt)
    except ValueError:
        raise _Reject(key, f"not a valid date and time in the format {fmt}", text) from None


def _assault(values: dict[str, str], header: Header, mapping: IstvMapping, fmt: str, geo: Geocoder) -> dict:
    if header.layout == "csv":
        _same_header(values, header, mapping)
    arrival = _when(values, "arrival", fmt, "blank arrival date and time")
    assault = _when(values, "assault_at", fmt, "blank assault date and time (mandatory)")
    if arrival < assault:
        raise _Reject("assault_at", "arrival before the assault", values["assault_at"])
    if arrival - assault > timedelta(days=mapping.max_days_before_arrival):
        raise _Reject("assault_at", f"assault more than {mapping.max_days_before_arrival} days before arrival")
    if not header.period_start <= arrival.date() <= header.period_end:
        raise _Reject("arrival", "arrival outside the submission's reporting period", values["arrival"])
    method_code = values.get("method", "")
    if not method_code:
        raise _Reject("method", "blank assault method (mandatory)")
    found_method = mapping.method_of(method_code)
    if found_method is None:
        raise _Reject("method", f"assault method not in {mapping.code_list_name}", method_code)
    location_code = values.get("location_type", "")
    if not location_code:
        raise _Reject("location_type", "blank assault location type (mandatory)")
    found_location = mapping.location_of(location_code)
    if found_location is None:
        raise _Reject("location_type", f"assault location type not in {mapping.code_list_name}", location_code)
    (method_code, method), (location_code, location) = found_method, found_location  # the list's codes
    bounds = None
    if band := values.get("age_band", ""):
        bounds = parse_age_band(band)
        if bounds is None:
            raise _Reject("age_band", "age band not understood (e.g. 16-24, 65+, under 16)", band)
    sex = None
    if sex_text := values.get("sex", ""):
        if sex_text.lower() not in mapping.sex_values:
            raise _Reject("sex", "sex not in the mapping's sex_values", sex_text)
        sex = mapping.sex_values[sex_text.lower()]
    admitted = _marker(values, "admitted", "not an admitted (yes/no) value")
    synthetic = bool(_marker(values, "synthetic", "not a synthetic (true/false) value")) or header.synthetic
    description = values.get("location_description", "") or None
    given_lsoa = values.get("lsoa_code", "")
    if given_lsoa:
        if not LSOA_CODE.fullmatch(given_lsoa):
            raise _Reject("lsoa_code", "not an LSOA code (E01/W01 + 6 digits)", given_lsoa)
        lsoa, lat, lon, how = given_lsoa, None, None, "lsoa"
    else:
        lsoa, lat, lon, how = geo.locate(description or "")
    return {
        "arrived_at": arrival,
        "assault_at": assault,
        "age": bounds[0] if bounds and bounds[0] == bounds[1] else None,
        "age_band": band or None,
        "age_min": bounds[0] if bounds else None,
        "age_max": bounds[1] if bounds else None,
        "sex": sex,
        "mechanism": method.mechanism,
        "method_code": method_code,
        "method_label": method.label,
        "method_other": values.get("method_other", "") or None,
        "assault_location": location.group,
        "location_type_code": location_code,
        "location_type_label": location.label,
        "location_description": description,
        "lsoa_code": lsoa,
        "lat": lat,
        "lon": lon,
        "located_by": None if how == "unlocated" else how,
        "admitted": admitted,
        "synthetic": synthetic,
    }


def _same_header(values: dict[str, str], header: Header, mapping: IstvMapping) -> None:
    if mapping.site_code and values.get("site_code", "") != header.site_code:
        raise _Reject("site_code", "site code differs from the file's", values.get("site_code"))
    if mapping.period_start:
        try:
            start = _strptime(values["period_start"], mapping.date_format).date()
            end = _strptime(values["period_end"], mapping.date_format).date()
        except ValueError:
            raise _Reject("period_start", f"not a date in the format {mapping.date_format}") from None
        if (start, end) != (header.period_start, header.period_end):
            raise _Reject("period_start", "reporting period differs from the file's", f"{start} to {end}")


def _marker(values: dict[str, str], key: str, reason: str) -> bool | None:
    text = values.get(key, "")
    try:
        return YES_NO.parse(text)
    except ValueError:
        raise _Reject(key, reason, text) from None


# -- storing -----------------------------------------------------------------------------------------------------
def _same_submission(con, header: Header, display: str) -> list[int]:
    """Active ingests of the same site and period (replaced); an overlapping different period is refused."""
    rows = con.execute(
        """SELECT s.ingest_id, s.period_start, s.period_end FROM istv_submissions s JOIN ingests i USING (ingest_id)
           WHERE i.status = 'active' AND s.site_code = ? AND s.period_start <= ? AND s.period_end >= ?
           ORDER BY 1""",
        [header.site_code, header.period_end, header.period_start],
    ).fetchall()
    same = [int(r[0]) for r in rows if (r[1], r[2]) == (header.period_start, header.period_end)]
    other = [r for r in rows if (r[1], r[2]) != (header.period_start, header.period_end)]
    if other:
        i, s, e = other[0]
        raise IngestError(
            f"reporting period {header.period_start} to {header.period_end} overlaps ingest #{i} of site "
            f"{header.site_code} ({s} to {e}): its assaults would be counted twice; send the same period to "
            "replace it, or non-overlapping periods",
            file=display,
        )
    return same


ED_COLUMNS = ("arrived_at", "age", "age_band", "sex", "mechanism", "assault_location", "lsoa_code", "admitted")
ISTV_COLUMNS = (
    "assault_at",
    "age_min",
    "age_max",
    "method_code",
    "method_label",
    "method_other",
    "location_type_code",
    "location_type_label",
    "location_description",
    "located_by",
    "lat",
    "lon",
)
COLUMNS = (*ED_COLUMNS, *ISTV_COLUMNS, "synthetic")
TYPES = {"arrived_at": pa.timestamp("us"), "assault_at": pa.timestamp("us"), "lat": pa.float64(), "lon": pa.float64()}
TYPES.update({k: pa.int32() for k in ("age", "age_min", "age_max")})
TYPES.update({k: pa.bool_() for k in ("admitted", "synthetic")})


def _store(con, parsed: _Parsed, header: Header, ingest_id: int, mapping: IstvMapping, file_name: str) -> None:
    con.execute(
        "INSERT INTO istv_submissions VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            ingest_id,
            header.site_code,
            header.period_start,
            header.period_end,
            header.layout,
            mapping.applied_name,
            header.synthetic or any(r["synthetic"] for r in parsed.rows),
        ],
    )
    table = rows_table(parsed.rows, ingest_id, "attendance_id", COLUMNS, TYPES)
    con.register("istv_rows", table)
    try:
        ed, extra = ", ".join(ED_COLUMNS), ", ".join(ISTV_COLUMNS)
        con.execute(
            f"""INSERT INTO ed_attendances (attendance_id, ingest_id, {ed}, synthetic)
                SELECT attendance_id, ?, {ed}, synthetic FROM istv_rows""",
            [ingest_id],
        )
        con.execute(
            f"""INSERT INTO istv_assaults (attendance_id, ingest_id, line, site_code, {extra})
                SELECT attendance_id, ?, line, ?, {extra} FROM istv_rows""",
            [ingest_id, header.site_code],
        )
    finally:
        con.unregister("istv_rows")
    insert_rejects(con, ingest_id, file_name, parsed.rejects)


def location_descriptions(
    ws: Workspace, *, analyst: str, purpose: str, period: tuple[date, date] | None = None
) -> list[tuple]:
    """The free-text location descriptions, for an analyst who names themself and the purpose; the read is logged.

    (attendance_id, site_code, arrival month, location type, description, LSOA, how located) of ISTV rows with a
    description. Nothing else in svduty reads the free text: reports and exports carry codes and LSOAs only.
    """
    if not analyst.strip() or not purpose.strip():
        raise IngestError("give the analyst's name and the purpose: reads of free-text locations are logged")
    where, params = "ingest_id IS NOT NULL AND location_description IS NOT NULL", []
    if period is not None:
        where += " AND date_trunc('month', arrived_at)::DATE BETWEEN ? AND ?"
        params += [period[0], period[1]]
    with ws.transaction() as con:
        rows = con.execute(
            f"""SELECT attendance_id, site_code, strftime(arrived_at, '%Y-%m'), location_type_label,
                       location_description, lsoa_code, located_by
                FROM ed_assaults WHERE {where} ORDER BY attendance_id""",
            params,
        ).fetchall()
        con.execute(
            "INSERT INTO description_reads VALUES (?, ?, ?, ?)",
            [now_utc(), analyst.strip(), purpose.strip(), len(rows)],
        )
    return rows
