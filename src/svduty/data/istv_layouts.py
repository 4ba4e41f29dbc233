"""The two ISTV layouts read into one shape: the submission header and one record per assault.

* CSV (flat extracts, one row per assault, columns named by the mapping): the header is the first row's site and
  reporting period (or, without period columns, the whole months the arrivals span); rows that differ are rejected.
* XML (the data set's submission form): expat with line numbers; element names from the mapping's ``[xml]`` table,
  namespaces ignored; DOCTYPE declarations are refused, so no entity can be expanded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from xml.parsers import expat

from svduty.data import IngestError
from svduty.data.health_mapping import IstvMapping
from svduty.data.rms import _read as read_csv_records  # one CSV reader for every mapped extract

FIELDS = (
    "site_code",
    "period_start",
    "period_end",
    "arrival",
    "assault_at",
    "method",
    "method_other",
    "location_type",
    "location_description",
    "lsoa_code",
    "age_band",
    "sex",
    "admitted",
    "synthetic",
)


@dataclass
class Header:
    site_code: str
    period_start: date
    period_end: date
    layout: str
    synthetic: bool = False


@dataclass
class Record:
    line: int
    raw: str
    values: dict[str, str] | None  # canonical field -> text; None when the line cannot be split
    problem: str | None = None  # why ``values`` is None


def read_csv(data: bytes, mapping: IstvMapping, display: str) -> tuple[Header, list[Record], dict[str, str]]:
    columns, raw_records = read_csv_records(data, mapping, display)
    names = {key: getattr(mapping, key) for key in FIELDS if key not in ("synthetic",) and getattr(mapping, key)}
    if mapping.synthetic_column and mapping.synthetic_column in columns:
        names["synthetic"] = mapping.synthetic_column
    index = {name: i for i, name in reversed(list(enumerate(columns)))}
    records = []
    for line, cells, raw in raw_records:
        if cells is None:
            records.append(Record(line, raw, None, "cannot be read as CSV"))
        elif len(cells) != len(columns):
            records.append(Record(line, raw, None, f"wrong number of fields ({len(cells)}, expected {len(columns)})"))
        elif "\ufffd" in raw:
            records.append(Record(line, raw, None, f"not valid {mapping.encoding} text"))
        else:
            records.append(Record(line, raw, {key: cells[index[col]].strip() for key, col in names.items()}))
    header = _csv_header(records, mapping, display)
    return header, records, names


def _csv_header(records: list[Record], mapping: IstvMapping, display: str) -> Header:
    """The submission header of a flat file: the first row's site and period (or whole months of the arrivals)."""
    site = mapping.site_code_value
    start = end = None
    for rec in records:
        if rec.values is None:
            continue
        if mapping.site_code and not site:
            site = rec.values.get("site_code") or None
        if mapping.period_start and start is None:
            try:
                start = datetime.strptime(rec.values["period_start"], mapping.date_format).date()
                end = datetime.strptime(rec.values["period_end"], mapping.date_format).date()
            except ValueError:
                start = end = None
        if site and (start or not mapping.period_start):
            break
    if not site:
        raise IngestError("no row gives a site code (SITE CODE (OF TREATMENT))", file=display)
    if not mapping.period_start:
        arrivals = []
        for rec in records:
            try:
                if rec.values is not None:
                    arrivals.append(datetime.strptime(rec.values["arrival"], mapping.datetime_format).date())
            except ValueError:
                continue
        if not arrivals:
            raise IngestError("no valid arrival date to take the reporting period from", file=display)
        start = min(arrivals).replace(day=1)
        last = max(arrivals)
        end = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    if start is None or end is None:
        raise IngestError(f"no row gives a valid reporting period (format {mapping.date_format})", file=display)
    check_period(start, end, display)
    return Header(site, start, end, "csv", mapping.synthetic)


def check_period(start: date, end: date, display: str, line: int | None = None) -> None:
    if end < start:
        raise IngestError("reporting period ends before it starts", file=display, row=line)
    if (end - start).days > 366:
        raise IngestError("reporting period longer than a year: send monthly or quarterly files", file=display)


def read_xml(data: bytes, mapping: IstvMapping, display: str) -> tuple[Header, list[Record], dict[str, str]]:
    """The XML submission: expat (stdlib) with line numbers; DOCTYPEs refused, so no entity expansion at all."""
    x = mapping.xml
    if b"<!DOCTYPE" in data.upper():
        raise IngestError("XML with a DOCTYPE declaration is refused (entity expansion risk)", file=display)
    parser = expat.ParserCreate(namespace_separator="}")
    stack: list[tuple[str, list[str]]] = []
    header: dict[str, tuple[str, int]] = {}
    assaults: list[tuple[int, int, dict[str, str]]] = []
    current: dict[str, str] | None = None
    start_line = 0

    def start(name: str, _attrs: dict) -> None:
        nonlocal current, start_line
        local = name.rsplit("}", 1)[-1]
        stack.append((local, []))
        if local == x.assault:
            current, start_line = {}, parser.CurrentLineNumber

    def end(name: str) -> None:
        nonlocal current
        local, parts = stack.pop()
        text = "".join(parts).strip()
        parent = stack[-1][0] if stack else None
        if local == x.assault and current is not None:
            assaults.append((start_line, parser.CurrentLineNumber, current))
            current = None
        elif current is not None and parent == x.assault:
            current[local] = text
        elif parent == x.header:
            header[local] = (text, parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = lambda text: stack[-1][1].append(text) if stack else None
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise IngestError(
            f"not well-formed XML ({expat.ErrorString(exc.code)})", file=display, row=exc.lineno
        ) from None
    parsed_header = _xml_header(header, mapping, display)
    names = {
        key: getattr(x, key)
        for key in ("arrival", "assault_at", "method", "method_other", "location_type", "location_description")
    }
    names.update({"age_band": x.age_band, "sex": x.sex, "admitted": x.admitted})
    lines = data.decode("utf-8", errors="replace").splitlines()
    records = [
        Record(first, "\n".join(lines[first - 1 : last]).strip(), {k: el.get(n, "") for k, n in names.items()})
        for first, last, el in assaults
    ]
    return parsed_header, records, names


def _xml_header(header: dict[str, tuple[str, int]], mapping: IstvMapping, display: str) -> Header:
    x = mapping.xml
    values = {}
    for key, element in (("site_code", x.site_code), ("period_start", x.period_start), ("period_end", x.period_end)):
        if not header.get(element, ("", 0))[0]:
            raise IngestError(f"submission header lacks {element}", file=display, field=element)
        values[key] = header[element]
    dates = {}
    for key in ("period_start", "period_end"):
        text, line = values[key]
        try:
            dates[key] = datetime.strptime(text, x.date_format).date()
        except ValueError:
            element = getattr(x, key)
            raise IngestError(
                f"not a date in the format {x.date_format}", file=display, row=line, field=element
            ) from None
    site = values["site_code"][0]
    if not 3 <= len(site) <= 12:
        raise IngestError("site code must be 3 to 12 characters", file=display, field=x.site_code)
    check_period(dates["period_start"], dates["period_end"], display, values["period_end"][1])
    synthetic = header.get(x.synthetic, ("", 0))[0].lower() in ("true", "1", "yes", "y")
    return Header(site, dates["period_start"], dates["period_end"], "xml", synthetic or mapping.synthetic)
