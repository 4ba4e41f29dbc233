"""ONS population by LSOA, and the ONS LSOA 2011 ↔ 2021 ↔ local authority lookup.

Rates per 1,000 residents and costs per resident need a denominator for every LSOA a crime file names, and police.uk
files carry LSOA codes of both the 2011 and the 2021 vintage. This module reads the ONS files partners actually hold:

* **Census 2021 usual residents by LSOA (2021) and age (6 categories)**, long format, as the ONS "Create a custom
  dataset" CSV (``lsoa21_code, lsoa21_name, age_group, usual_residents``) or the same table as an R ``.rda``.
  Stored as the six bands (``0-15``, ``16-24``, ``25-34``, ``35-49``, ``50-64``, ``65+``) plus an ``all`` row per LSOA
  (the sum, written only when all six bands of that LSOA were stored).
* **ONS mid-year population estimates (SAPE tables)**, wide format: an LSOA code and name column, ``All Ages`` and
  single-year columns ``0`` … ``89``, ``90+``, one sheet (or file) per sex, told by the sheet or file name
  ("Males", "Females", "Persons"); or the 2022-onwards layout with ``Total``
  and ``F0`` … ``F90``/``M0`` … ``M90``. Single years are stored as age bands ``'0'`` … ``'89'``, ``'90+'``.
  The ``all`` row must equal the sum of the single years, else the row is rejected.
* **ONS mid-year population density (SAPE21DT11 and kin)**: ``Code, Name, Mid-YYYY population, …`` — totals only.
* **ONS LSOA (2011) to LSOA (2021) to LAD best-fit lookup** (``LSOA11CD, LSOA11NM, LSOA21CD, LSOA21NM, LADyyCD,
  LADyyNM, LADyyNMW``; published UTF-8 with a BOM) into ``lsoa_lookup``.

Within one source × year the age bands of an area partition it, except ``'all'`` which is their total: sum over bands
*or* read ``'all'``, never both. Accounting is the police.uk adapter's: one ``ingests`` row per file (rows read =
stored + rejected, counted in the file's own data rows), every bad row in ``rejects`` with its line and field, the same
content again is a no-op, and one transaction per file. A population row for an area × year × band × sex already in
the workspace is replaced by the newer file's; an ingest left with no rows is marked superseded.

Source: Office for National Statistics, licensed under the Open Government Licence v3.0.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa

from svduty.data import IngestError
from svduty.data.ingest_common import (
    FileResult,
    mark_if_unchanged,
    next_ingest_id,
    read_regular_file,
    record_ingest,
    sha256_bytes,
)
from svduty.data.workspace import Workspace

SOURCE = "population"
LOOKUP_SOURCE = "lsoa-lookup"

SAMPLE_DIR = Path(__file__).parent / "sample"
SAMPLE_FILES: tuple[str, ...] = (
    "ons-lsoa11-lsoa21-lad22-lookup.csv.gz",
    "ons-census21-pop-lsoa21-by-age.csv.gz",
)

# Census 2021 "Age (6 categories)" labels as ONS publishes them, and the band codes svduty stores.
CENSUS21_AGE_BANDS: dict[str, str] = {
    "Aged 15 years and under": "0-15",
    "Aged 16 to 24 years": "16-24",
    "Aged 25 to 34 years": "25-34",
    "Aged 35 to 49 years": "35-49",
    "Aged 50 to 64 years": "50-64",
    "Aged 65 years and over": "65+",
}
AGE_BANDS: tuple[str, ...] = tuple(CENSUS21_AGE_BANDS.values())
UNDER_25_BANDS: tuple[str, ...] = ("0-15", "16-24")
SINGLE_YEAR_BANDS: tuple[str, ...] = (*(str(a) for a in range(90)), "90+")

# Census day 2021 was 21 March; mid-year estimates refer to 30 June.
CENSUS_2021_MONTH = date(2021, 3, 1)

AREA_CODE = re.compile(r"[EWSNK]\d{8}")
LSOA_CODE = re.compile(r"[EW]01\d{6}")
YEAR_IN_TEXT = re.compile(r"(?:mid|Mid|MID)[-_ ]?((?:19|20)\d{2})")

CENSUS21_COLUMNS = ("lsoa21_code", "lsoa21_name", "age_group", "usual_residents")
CODE_HEADERS = ("lsoa code", "lsoa11cd", "lsoa21cd", "lsoa 2021 code", "lsoa 2011 code", "area codes", "code")
NAME_HEADERS = ("lsoa name", "lsoa11nm", "lsoa21nm", "lsoa 2021 name", "lsoa 2011 name", "name", "lsoa")
TOTAL_HEADERS = ("all ages", "total", "all persons")


UNPARSEABLE = "\x00unparseable"  # the one cell of a line csv cannot parse (a NUL never comes from a real file)
NUL_REASON = "NUL byte (\\0) inside the field: not text"


@dataclass
class Table:
    """A file's data rows as text cells, with the line (or worksheet row) each came from."""

    columns: list[str]
    rows: list[tuple[int, list[str]]]
    raw: Callable[[int], str]
    sheet: str | None = None
    title: str = ""  # text above the header (worksheets): used to find the year


@dataclass
class Parsed:
    """Rows ready to store, the rejects, and how many data rows the file had."""

    kind: str  # 'population' | 'lookup'
    read: int = 0
    population: list[tuple[str, str | None, int, str, str, float]] = field(default_factory=list)
    lookup: list[tuple[str, str | None, str, str | None, str, str | None, str | None, int]] = field(
        default_factory=list
    )
    rejects: list[tuple[str, int, str, str, str | None, str]] = field(default_factory=list)  # file, line, ...
    stored_source_rows: int = 0
    year: int | None = None
    label: str = ""


# -- public API ------------------------------------------------------------------------------------------------------
def sample_paths() -> list[Path]:
    """The ONS files bundled in the package (see ``svduty/data/sample/README.md``): lookup first."""
    return [SAMPLE_DIR / name for name in SAMPLE_FILES]


def ingest(ws: Workspace, paths: list[Path], *, year: int | None = None) -> list[FileResult]:
    """Ingest population files and lookups; each file is its own all-or-nothing transaction."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise IngestError("no such file or folder", file=str(path))
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and _looks_readable(p.name))
            if not found:
                raise IngestError("folder holds no .csv, .csv.gz, .xlsx or .rda files", file=str(path))
            # Lookups first, so a population file in the same folder can be checked against it.
            found.sort(key=lambda p: (0 if "lookup" in p.name.lower() else 1, p.name))
            files.extend(found)
        else:
            files.append(path)
    return [ingest_file(ws, p, year=year) for p in files]


def ingest_file(ws: Workspace, path: Path, *, year: int | None = None) -> FileResult:
    """Detect the layout of one file and ingest it into ``population`` or ``lsoa_lookup``."""
    data = read_regular_file(path)
    sha = sha256_bytes(data)
    parsed = parse(data, path.name, display=str(path), year=year)
    source = LOOKUP_SOURCE if parsed.kind == "lookup" else SOURCE
    month = None if parsed.kind == "lookup" else _reference_month(parsed)
    result = FileResult(str(path), path.name, sha, "ingested", month=month)
    con = ws.con
    if mark_if_unchanged(con, result, source):
        return result
    with ws.transaction():
        ingest_id = next_ingest_id(con)
        result.ingest_id = ingest_id
        result.rows_stored = parsed.stored_source_rows
        result.rows_rejected = len(parsed.rejects)
        result.rows_read = result.rows_stored + result.rows_rejected
        if result.rows_read != parsed.read:  # every data row is stored or rejected: a bug if not
            raise AssertionError(f"{path}: read {parsed.read} rows but accounted {result.rows_read}")
        record_ingest(con, result, source)
        if parsed.kind == "lookup":
            _store_lookup(con, parsed, ingest_id)
        else:
            _store_population(con, parsed, ingest_id)
        if parsed.rejects:
            con.executemany(
                "INSERT INTO rejects (ingest_id, file_name, line, field, reason, value, raw) VALUES (?,?,?,?,?,?,?)",
                [(ingest_id, *r) for r in parsed.rejects],
            )
        replaced = _supersede_emptied(con, source, ingest_id)
        if replaced:
            result.status, result.replaced = "replaced", replaced
            result.message = "replaced ingest " + ", ".join(f"#{i}" for i in replaced)
    return result


# -- reading ---------------------------------------------------------------------------------------------------------
def _looks_readable(name: str) -> bool:
    n = name.lower()
    return n.endswith((".csv", ".csv.gz", ".xlsx", ".rda", ".rdata"))


def parse(data: bytes, file_name: str, *, display: str, year: int | None = None) -> Parsed:
    """Turn a file's bytes into storable rows and rejects (no workspace needed: tests call this directly)."""
    lower = file_name.lower()
    if lower.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise IngestError(f"not a readable gzip file ({exc})", file=display) from exc
        lower = lower[:-3]
    if lower.endswith((".rda", ".rdata")):
        tables = [_read_rdata(data, display)]
    elif lower.endswith(".xlsx"):
        tables = _read_xlsx(data, display)
    else:
        tables = [_read_csv(data, display)]
    year_hint = year or _year_from_text(file_name)
    found = [(t, k) for t in tables if (k := _classify(t.columns)) is not None]
    if found:
        # Workbooks hold one sheet per sex ('Mid-2019 Persons', 'Mid-2019 Males', ...): read every sheet of the
        # first sheet's kind; with several sheets a reject's field is 'sheet: column' (lines restart per sheet).
        kind = found[0][1]
        sheets = [t for t, k in found if k == kind]
        merged = None
        for table in sheets:
            part = _parse_table(table, kind, file_name, display, year_hint)
            if len(sheets) > 1:
                part.rejects = [(f, ln, f"{table.sheet}: {fld}", *rest) for f, ln, fld, *rest in part.rejects]
            if merged is None:
                merged = part
            else:
                merged.read += part.read
                merged.stored_source_rows += part.stored_source_rows
                merged.population += part.population
                merged.lookup += part.lookup
                merged.rejects += part.rejects
        assert merged is not None
        return merged
    raise IngestError(
        "not a recognised ONS population or LSOA lookup layout (expected Census 2021 "
        "'lsoa21_code,lsoa21_name,age_group,usual_residents', a mid-year estimate with an LSOA code column and "
        "'All Ages'/'Total', or the LSOA11CD/LSOA21CD/LADyyCD lookup)",
        file=display,
        row=1,
    )


def _read_csv(data: bytes, display: str) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # ONS downloads from Excel are sometimes Windows-1252
    lines = re.split(r"\r\n|\r|\n", text)  # not str.splitlines(): it also breaks on U+2028, \x1c …
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or not lines[0].strip():
        raise IngestError("empty file: no header line", file=display, row=1)
    try:
        header = next(csv.reader([lines[0]]))
    except csv.Error as exc:
        raise IngestError(f"header line cannot be read as CSV ({exc})", file=display, row=1) from exc
    rows: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        if '"' not in line:
            rows.append((number, line.split(",")))  # the common case, ten times faster than csv.reader
            continue
        try:
            cells = next(csv.reader([line], strict=True))
        except csv.Error:
            cells = [UNPARSEABLE]
        rows.append((number, cells))
    return Table([c.strip() for c in header], rows, raw=lambda n: lines[n - 1])


def _read_rdata(data: bytes, display: str) -> Table:
    import tempfile

    import pyreadr

    with tempfile.NamedTemporaryFile(suffix=".rda") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            frames = pyreadr.read_r(tmp.name)
        except Exception as exc:  # pyreadr raises its own LibrdataError and plain exceptions
            raise IngestError(f"not a readable R data file ({exc})", file=display) from exc
    for frame in frames.values():
        if frame is None or not len(frame.columns):
            continue
        columns = [str(c) for c in frame.columns]
        values = frame.fillna("").astype(str).values.tolist()
        # An R data frame has no lines: row k of the frame is reported as line k + 1 (as if a header came first).
        rows = [(i + 2, cells) for i, cells in enumerate(values)]
        return Table(columns, rows, raw=lambda n, v=values: ",".join(v[n - 2]))
    raise IngestError("R data file holds no data frame", file=display)


def _read_xlsx(data: bytes, display: str) -> list[Table]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile/KeyError/InvalidFileException on damaged files
        raise IngestError(f"not a readable .xlsx workbook ({exc})", file=display) from exc
    tables = []
    for sheet in book.worksheets:
        head: list[list[str]] = []
        header_row = None
        for number, values in enumerate(sheet.iter_rows(max_row=20, values_only=True), start=1):
            cells = ["" if v is None else str(v).strip() for v in values]
            if _classify(cells) is not None:
                header_row = number
                header = cells
                break
            head.append(cells)
        if header_row is None:
            continue
        width = max((i + 1 for i, c in enumerate(header) if c), default=0)
        rows: list[tuple[int, list[str]]] = []
        raws: dict[int, str] = {}
        body = sheet.iter_rows(min_row=header_row + 1, max_col=width, values_only=True)
        for number, values in enumerate(body, start=header_row + 1):
            cells = [_cell_text(v) for v in values[:width]]
            if not any(cells):
                continue
            rows.append((number, cells))
            raws[number] = ",".join(cells)
        title = " ".join(" ".join(c for c in r if c) for r in head)
        tables.append(Table(header[:width], rows, raw=lambda n, r=raws: r.get(n, ""), sheet=sheet.title, title=title))
    book.close()
    if not tables:
        raise IngestError("no worksheet has a recognised ONS population or lookup header", file=display)
    return tables


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _classify(columns: list[str]) -> str | None:
    lowered = [c.strip().lower() for c in columns]
    if all(c in lowered for c in CENSUS21_COLUMNS):
        return "census21"
    if "lsoa11cd" in lowered and "lsoa21cd" in lowered and any(re.fullmatch(r"lad\d\dcd", c) for c in lowered):
        return "lookup"
    code = _find(lowered, CODE_HEADERS)
    if code is None:
        return None
    if _find(lowered, TOTAL_HEADERS) is not None:
        return "wide"
    if any(re.fullmatch(r"mid-?\d{4} population", c) for c in lowered):
        return "density"
    return None


def _find(lowered: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _year_from_text(text: str) -> int | None:
    match = YEAR_IN_TEXT.search(text)
    return int(match.group(1)) if match else None


# -- parsing per layout ----------------------------------------------------------------------------------------------
def _number(text: str) -> float | None:
    cleaned = text.strip().replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class _Rows:
    """Helper that files each data row as stored or rejected."""

    def __init__(self, table: Table, file_name: str, parsed: Parsed):
        self.table, self.file_name, self.parsed = table, file_name, parsed

    def reject(self, line: int, field_name: str, reason: str, value: str | None) -> None:
        value = None if value is None else value[:200]
        raw = self.table.raw(line).replace("\x00", "\\0")
        self.parsed.rejects.append((self.file_name, line, field_name, reason, value, raw))

    def rejected_nul(self, line: int, cells: list[str]) -> bool:
        """Reject a row holding a NUL byte (not text; many tools cut the value there), naming its field."""
        at = next((i for i, cell in enumerate(cells) if "\x00" in cell and cell != UNPARSEABLE), None)
        if at is None:
            return False
        field_name = self.table.columns[at] if at < len(self.table.columns) else "(row)"
        self.reject(line, field_name, NUL_REASON, None)
        return True


def _parse_table(table: Table, kind: str, file_name: str, display: str, year: int | None) -> Parsed:
    if kind == "lookup":
        return _parse_lookup(table, file_name)
    if kind == "census21":
        return _parse_census21(table, file_name)
    year = year or _year_from_text(" ".join([table.title, table.sheet or "", *table.columns]))
    if year is None:
        raise IngestError(
            "cannot tell the estimate's year: pass --year (file, sheet and header name none)", file=display
        )
    if kind == "density":
        return _parse_density(table, file_name, year)
    return _parse_wide(table, file_name, year, display)


def _parse_census21(table: Table, file_name: str) -> Parsed:
    parsed = Parsed("population", year=2021, label="ONS Census 2021 usual residents by LSOA (2021) and age")
    rows = _Rows(table, file_name, parsed)
    lowered = [c.lower() for c in table.columns]
    i_code, i_name, i_age, i_n = (lowered.index(c) for c in CENSUS21_COLUMNS)
    width = len(table.columns)
    seen: set[tuple[str, str]] = set()
    bands_by_area: dict[str, dict[str, float]] = {}
    names: dict[str, str | None] = {}
    rejected_areas: set[str] = set()
    for line, cells in table.rows:
        parsed.read += 1
        if rows.rejected_nul(line, cells):
            continue
        if len(cells) != width:
            rows.reject(line, "(row)", "wrong number of fields", f"{len(cells)} fields, expected {width}")
            continue
        code, name, age, count_text = (cells[i].strip() for i in (i_code, i_name, i_age, i_n))
        if not LSOA_CODE.fullmatch(code):
            rows.reject(line, "lsoa21_code", "not an LSOA code (E01/W01 + 6 digits)", code)
            continue
        band = CENSUS21_AGE_BANDS.get(age)
        if band is None:
            rows.reject(line, "age_group", "unknown Census 2021 age group", age)
            rejected_areas.add(code)
            continue
        value = _number(count_text)
        if value is None or value < 0:
            rows.reject(line, "usual_residents", "not a non-negative number", count_text)
            rejected_areas.add(code)
            continue
        if (code, band) in seen:
            rows.reject(line, "age_group", "duplicate LSOA × age group in the file", age)
            continue
        seen.add((code, band))
        names[code] = name or None
        bands_by_area.setdefault(code, {})[band] = value
        parsed.population.append((code, name or None, 2021, band, "all", value))
        parsed.stored_source_rows += 1
    for code, bands in bands_by_area.items():
        if len(bands) == len(AGE_BANDS) and code not in rejected_areas:
            parsed.population.append((code, names[code], 2021, "all", "all", sum(bands.values())))
    return parsed


def _parse_density(table: Table, file_name: str, year: int) -> Parsed:
    parsed = Parsed("population", year=year, label=f"ONS mid-{year} population by LSOA (totals)")
    rows = _Rows(table, file_name, parsed)
    lowered = [c.lower() for c in table.columns]
    i_code = _find(lowered, CODE_HEADERS)
    i_name = next((i for i in (_find(lowered, NAME_HEADERS),) if i is not None and i != i_code), None)
    i_total = next(i for i, c in enumerate(lowered) if re.fullmatch(r"mid-?\d{4} population", c))
    assert i_code is not None
    seen: set[str] = set()
    for line, cells in table.rows:
        parsed.read += 1
        if rows.rejected_nul(line, cells):
            continue
        cells = cells + [""] * (len(table.columns) - len(cells))
        code = cells[i_code].strip()
        if not AREA_CODE.fullmatch(code):
            rows.reject(line, table.columns[i_code], "not an ONS area code", code)
            continue
        value = _number(cells[i_total])
        if value is None or value < 0:
            rows.reject(line, table.columns[i_total], "not a non-negative number", cells[i_total])
            continue
        if code in seen:
            rows.reject(line, table.columns[i_code], "duplicate area in the file", code)
            continue
        seen.add(code)
        name = cells[i_name].strip() if i_name is not None else ""
        parsed.population.append((code, name or None, year, "all", "all", value))
        parsed.stored_source_rows += 1
    return parsed


def _sex_of(text: str) -> str:
    t = text.lower()
    if re.search(r"\bfemales?\b", t):
        return "female"
    if re.search(r"\bmales?\b", t):
        return "male"
    return "all"


def _parse_wide(table: Table, file_name: str, year: int, display: str) -> Parsed:
    """SAPE single-year layouts: ``All Ages`` + ``0``…``90+`` (sex from the sheet), or ``Total`` + ``F0``/``M0``…"""
    parsed = Parsed("population", year=year, label=f"ONS mid-{year} population estimates by LSOA")
    rows = _Rows(table, file_name, parsed)
    lowered = [c.strip().lower() for c in table.columns]
    i_code = _find(lowered, CODE_HEADERS)
    assert i_code is not None
    i_name = next((i for i in (_find(lowered, NAME_HEADERS),) if i is not None and i != i_code), None)
    i_total = _find(lowered, TOTAL_HEADERS)
    assert i_total is not None
    # Single-year columns: '0'..'89','90+' (sex from the sheet) or 'F0'..'F90', 'M0'..'M90' (both sexes).
    single: dict[str, dict[str, int]] = {}
    sheet_sex = _sex_of(" ".join([table.sheet or "", table.title, file_name.replace("_", " ").replace("-", " ")]))
    for i, c in enumerate(lowered):
        m = re.fullmatch(r"([fm]?)\s*(\d{1,2})(\+?)", c.replace("aged ", ""))
        if not m:
            continue
        age = int(m.group(2))
        band = "90+" if age >= 90 else str(age)
        if m.group(3) and age != 90:
            continue
        sex = {"f": "female", "m": "male"}.get(m.group(1), sheet_sex)
        single.setdefault(sex, {})[band] = i
    for sex, columns in single.items():
        if len(columns) != len(SINGLE_YEAR_BANDS):
            missing = [b for b in SINGLE_YEAR_BANDS if b not in columns]
            raise IngestError(
                f"single-year age columns incomplete for {sex}: missing {', '.join(missing[:5])}",
                file=display,
                row=1,
            )
    total_sex = "all" if len(single) > 1 or not single else next(iter(single))
    seen: set[str] = set()
    for line, cells in table.rows:
        parsed.read += 1
        if rows.rejected_nul(line, cells):
            continue
        if len(cells) < len(table.columns):
            cells = cells + [""] * (len(table.columns) - len(cells))
        code = cells[i_code].strip()
        if not AREA_CODE.fullmatch(code):
            rows.reject(line, table.columns[i_code], "not an ONS area code", code)
            continue
        if code in seen:
            rows.reject(line, table.columns[i_code], "duplicate area in the file", code)
            continue
        total = _number(cells[i_total])
        if total is None or total < 0:
            rows.reject(line, table.columns[i_total], "not a non-negative number", cells[i_total])
            continue
        values: dict[str, dict[str, float]] = {}
        bad = None
        for sex, columns in single.items():
            for band, i in columns.items():
                v = _number(cells[i])
                if v is None or v < 0:
                    bad = (table.columns[i], cells[i])
                    break
                values.setdefault(sex, {})[band] = v
            if bad:
                break
        if bad:
            rows.reject(line, bad[0], "not a non-negative number", bad[1])
            continue
        if values and abs(sum(sum(v.values()) for v in values.values()) - total) > 0.5:
            rows.reject(
                line,
                table.columns[i_total],
                "total differs from the sum of single-year ages",
                f"{cells[i_total]} vs {sum(sum(v.values()) for v in values.values()):g}",
            )
            continue
        seen.add(code)
        name = cells[i_name].strip() if i_name is not None else ""
        parsed.population.append((code, name or None, year, "all", total_sex, total))
        for sex, bands in values.items():
            if total_sex == "all" and len(values) > 1:
                parsed.population.append((code, name or None, year, "all", sex, sum(bands.values())))
            parsed.population.extend((code, name or None, year, band, sex, v) for band, v in bands.items())
        parsed.stored_source_rows += 1
    return parsed


def _parse_lookup(table: Table, file_name: str) -> Parsed:
    parsed = Parsed("lookup", label="ONS LSOA (2011) → LSOA (2021) → LAD best-fit lookup")
    rows = _Rows(table, file_name, parsed)
    lowered = [c.lower() for c in table.columns]
    lad_cd = next(i for i, c in enumerate(lowered) if re.fullmatch(r"lad\d\dcd", c))
    lad_year = 2000 + int(lowered[lad_cd][3:5])
    prefix = lowered[lad_cd][:5]
    idx = {
        "l11": lowered.index("lsoa11cd"),
        "l11n": lowered.index("lsoa11nm") if "lsoa11nm" in lowered else None,
        "l21": lowered.index("lsoa21cd"),
        "l21n": lowered.index("lsoa21nm") if "lsoa21nm" in lowered else None,
        "lad": lad_cd,
        "ladn": lowered.index(prefix + "nm") if prefix + "nm" in lowered else None,
        "ladw": lowered.index(prefix + "nmw") if prefix + "nmw" in lowered else None,
    }
    seen: set[str] = set()
    width = len(table.columns)

    def get(cells: list[str], key: str) -> str | None:
        i = idx[key]
        return (cells[i].strip() or None) if i is not None else None

    for line, cells in table.rows:
        parsed.read += 1
        if rows.rejected_nul(line, cells):
            continue
        if len(cells) != width:
            rows.reject(line, "(row)", "wrong number of fields", f"{len(cells)} fields, expected {width}")
            continue
        l11, l21, lad = get(cells, "l11") or "", get(cells, "l21") or "", get(cells, "lad") or ""
        bad = next(
            (
                (table.columns[idx[k]], v)
                for k, v, pattern in (("l11", l11, LSOA_CODE), ("l21", l21, LSOA_CODE), ("lad", lad, AREA_CODE))
                if not pattern.fullmatch(v)
            ),
            None,
        )
        if bad:
            rows.reject(line, bad[0], "not an ONS area code", bad[1])
            continue
        if l11 in seen:
            rows.reject(line, table.columns[idx["l11"]], "duplicate LSOA (2011) in the file", l11)
            continue
        seen.add(l11)
        parsed.lookup.append(
            (l11, get(cells, "l11n"), l21, get(cells, "l21n"), lad, get(cells, "ladn"), get(cells, "ladw"), lad_year)
        )
        parsed.stored_source_rows += 1
    return parsed


def _reference_month(parsed: Parsed) -> date | None:
    if parsed.year is None:
        return None
    return CENSUS_2021_MONTH if parsed.year == 2021 and "Census" in parsed.label else date(parsed.year, 6, 1)


# -- storing ---------------------------------------------------------------------------------------------------------
def _store_population(con, parsed: Parsed, ingest_id: int) -> None:
    if not parsed.population:
        return
    code, name, year, band, sex, persons = zip(*parsed.population, strict=True)
    con.register(
        "pop_new",
        pa.table(
            {
                "area_code": pa.array(code, pa.string()),
                "area_name": pa.array(name, pa.string()),
                "year": pa.array(year, pa.int32()),
                "age_band": pa.array(band, pa.string()),
                "sex": pa.array(sex, pa.string()),
                "persons": pa.array(persons, pa.float64()),
            }
        ),
    )
    try:
        # Replace by key (delete + insert: DuckDB's ON CONFLICT cannot update a key twice in one statement).
        con.execute(
            """DELETE FROM population p USING pop_new n
               WHERE p.area_code = n.area_code AND p.year = n.year AND p.age_band = n.age_band AND p.sex = n.sex"""
        )
        con.execute(
            """INSERT INTO population (area_code, area_name, year, age_band, sex, persons, source, ingest_id)
               SELECT area_code, area_name, year, age_band, sex, persons, ?, ? FROM pop_new""",
            [parsed.label, ingest_id],
        )
    finally:
        con.unregister("pop_new")


def _store_lookup(con, parsed: Parsed, ingest_id: int) -> None:
    if not parsed.lookup:
        return
    cols = list(zip(*parsed.lookup, strict=True))
    names = ["lsoa11_code", "lsoa11_name", "lsoa21_code", "lsoa21_name", "lad_code", "lad_name", "lad_name_welsh"]
    arrays = {n: pa.array(c, pa.string()) for n, c in zip(names, cols[:7], strict=True)}
    arrays["lad_year"] = pa.array(cols[7], pa.int32())
    con.register("lookup_new", pa.table(arrays))
    try:
        con.execute("DELETE FROM lsoa_lookup WHERE lsoa11_code IN (SELECT lsoa11_code FROM lookup_new)")
        con.execute(f"INSERT INTO lsoa_lookup SELECT {', '.join(names)}, lad_year, {int(ingest_id)} FROM lookup_new")
    finally:
        con.unregister("lookup_new")


def _supersede_emptied(con, source: str, new_id: int) -> list[int]:
    """Older active ingests of this source none of whose rows remain: the new file replaced them all."""
    table = "lsoa_lookup" if source == LOOKUP_SOURCE else "population"
    rows = con.execute(
        f"""SELECT ingest_id FROM ingests i WHERE source = ? AND status = 'active' AND ingest_id <> ?
            AND rows_stored > 0 AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.ingest_id = i.ingest_id)
            ORDER BY ingest_id""",
        [source, new_id],
    ).fetchall()
    ids = [int(r[0]) for r in rows]
    if ids:
        marks = ", ".join("?" for _ in ids)
        con.execute(
            f"UPDATE ingests SET status = 'superseded', superseded_by = ? WHERE ingest_id IN ({marks})", [new_id, *ids]
        )
    return ids


# -- area lookups for rates ------------------------------------------------------------------------------------------


def lsoa_areas(con):
    """LSOA code (2011 or 2021) → 2021 LSOA and local authority district, as a DuckDB relation.

    Columns ``lsoa_code, vintage, lsoa21_code, lad_code, lad_name, via``. A code that is both a 2011 and a 2021
    code (unchanged LSOAs, about 97% of them) appears once, as 2011. 2021 LSOAs created by splits are nobody's best
    fit in the ONS lookup; they get their district from their name (ONS names every LSOA '<district> 001A'),
    ``via = 'name'``.
    """
    return con.sql("SELECT * FROM lsoa_areas")


def lsoa_population(con, year: int | None = None):
    """Residents per LSOA code (2011 or 2021 vintage), as a DuckDB relation ``lsoa_code, year, persons, method``.

    ``direct`` rows come from a population file of that code's own vintage. Otherwise the ONS best-fit lookup
    bridges vintages: a 2011 code takes its 2021 best fit's residents (divided equally among the 2011 LSOAs that
    merged into it), a 2021 code the sum of the 2011 LSOAs whose best fit it is. Best fit is approximate where
    LSOAs split (the other parts of a split are in no 2011 LSOA's best fit), hence ``method`` on every row.
    ``year`` picks one year; ``None`` returns all.
    """
    rel = con.sql("SELECT * FROM lsoa_population")
    if year is not None:
        rel = rel.filter(f"year = {int(year)}")
    return rel


def iter_population_years(con) -> Iterator[int]:
    """Years with LSOA population in the workspace, newest first."""
    for (y,) in con.execute("SELECT DISTINCT year FROM population ORDER BY year DESC").fetchall():
        yield int(y)
