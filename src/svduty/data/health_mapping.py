"""Mapping files for partner health extracts: ISTV (A&E) submissions and hospital admissions.

Like the RMS mapping (``svduty.data.mapping``), a partnership describes each extract in one small TOML/YAML/JSON
file validated here; svduty ships defaults (``examples/istv-mapping.toml``, ``examples/admissions-mapping.toml``)
that read the layouts ``svduty examples`` writes.

ISTV data elements follow the NHS Data Dictionary "Information Sharing to Tackle Violence Minimum Data Set"
(formerly ISB 1594; https://datadictionary.nhs.uk/data_dictionary/messages/supporting_data_sets/data_sets/
information_sharing_to_tackle_violence_minimum_data_set.asp): submission header REPORTING PERIOD START DATE,
REPORTING PERIOD END DATE, SITE CODE (OF TREATMENT) (all M); per assault ARRIVAL DATE AND TIME AT ACCIDENT AND
EMERGENCY DEPARTMENT (R), ASSAULT DATE AND TIME (M), ASSAULT METHOD (M), ASSAULT METHOD OTHER DESCRIPTION (R),
ASSAULT LOCATION TYPE (M), ASSAULT LOCATION DESCRIPTION (R). SITE CODE is 3 to 12 characters (the data set's XML
Schema constraints page). The code lists of ASSAULT METHOD and ASSAULT LOCATION TYPE are mapping data, not code:
each code says its label and the coarse group svduty's analyses use (``mechanism`` / ``group``), so a site that
sends its own local codes is read by editing the mapping, and unknown codes are rejected row by row.

The national code lists themselves (the Data Dictionary's ASSAULT METHOD and ASSAULT LOCATION TYPE attribute pages,
and the enumerations of the ISTV XML Schema distributed through TRUD) could not be read when this was written, so
the shipped default carries svduty's *working list*, named as such in every rejection. A partnership that has the
official lists loads them without a code change: a code-list CSV (``data_element,code,label,group[,source]``, one
row per national code; see :func:`load_code_list`) named by the mapping's ``code_list`` or ``svduty ingest istv
--code-list``. It replaces the mapping's ``[methods]`` and ``[location_types]``; ``[method_aliases]`` and
``[location_type_aliases]`` translate a site's local codes ('KNIFE', '3') to codes of the list in use.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from svduty.data import IngestError
from svduty.data.mapping import (
    DEFAULT_SEX_VALUES,
    check_encoding,
    check_strftime,
    normalise_sex_values,
    validate_mapping_file,
)

EXAMPLES = Path(__file__).parent / "examples"
LSOA_CODE = re.compile(r"[EW]01\d{6}")
LAD_CODE = re.compile(r"[EW]0[6-9]\d{6}")
MECHANISMS = ("body part", "blunt object", "sharp object", "glass or bottle", "firearm", "other", "not known")
WORKING_LIST_NAME = "svduty's working list (not checked against the NHS Data Dictionary's national codes)"
METHOD_ELEMENT = "ASSAULT METHOD"
LOCATION_ELEMENT = "ASSAULT LOCATION TYPE"
CODE_LIST_COLUMNS = ("data_element", "code", "label", "group")
CODES_SEPARATOR = "; codes: "


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Method(_Model):
    """One ASSAULT METHOD code: its label and the coarse mechanism the SNA counts ('sharp object' etc.)."""

    label: str
    mechanism: Literal["body part", "blunt object", "sharp object", "glass or bottle", "firearm", "other", "not known"]


class LocationType(_Model):
    """One ASSAULT LOCATION TYPE code: its label and the coarse group ('street', 'home', 'licensed premises' …)."""

    label: str
    group: str


class Place(_Model):
    """A known place an assault location description may name, with the LSOA (and point) it stands for."""

    lsoa_code: str
    lat: float | None = None
    lon: float | None = None

    @field_validator("lsoa_code")
    @classmethod
    def _lsoa(cls, v: str) -> str:
        if not LSOA_CODE.fullmatch(v):
            raise ValueError(f"{v!r} is not an LSOA code (E01/W01 + 6 digits)")
        return v


class PostcodeLookup(_Model):
    """An ONS postcode directory extract (ONSPD/NSPL CSV). Paths are relative to the mapping file."""

    path: Path
    postcode: str = "pcds"
    lsoa_code: str = "lsoa21cd"
    latitude: str | None = "lat"
    longitude: str | None = "long"


class XmlNames(_Model):
    """Element names of the XML submission (matched on local name, namespaces ignored)."""

    header: str = "SubmissionHeader"
    period_start: str = "ReportingPeriodStartDate"
    period_end: str = "ReportingPeriodEndDate"
    site_code: str = "SiteCodeOfTreatment"
    synthetic: str = "Synthetic"
    assault: str = "Assault"
    arrival: str = "ArrivalDateTimeAtAccidentAndEmergencyDepartment"
    assault_at: str = "AssaultDateTime"
    method: str = "AssaultMethod"
    method_other: str = "AssaultMethodOtherDescription"
    location_type: str = "AssaultLocationType"
    location_description: str = "AssaultLocationDescription"
    age_band: str = "AgeBand"
    sex: str = "PersonGender"
    admitted: str = "AdmittedToHospital"
    date_format: str = "%Y-%m-%d"
    datetime_format: str = "%Y-%m-%dT%H:%M:%S"


class _Csv(_Model):
    name: str = Field(description="what the extract is, e.g. 'Royal London ED ISTV monthly extract'")
    synthetic: bool = Field(False, description="true only for made-up extracts: every row is labelled synthetic")
    synthetic_column: str | None = Field(
        "Synthetic", description="optional column marking made-up rows (true/false); ignored if the file lacks it"
    )
    delimiter: str = Field(",", min_length=1, max_length=1)
    encoding: str = "utf-8"
    sex_values: dict[str, str | None] = DEFAULT_SEX_VALUES

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, v: str) -> str:
        return check_encoding(v)

    @field_validator("sex_values")
    @classmethod
    def _sexes(cls, v: dict[str, str | None]) -> dict[str, str | None]:
        return normalise_sex_values(v)


class IstvMapping(_Csv):
    """How to read one ED's ISTV extract (CSV columns; XML element names in ``xml``)."""

    site_code: str | None = Field("Site Code", description="column with SITE CODE (OF TREATMENT)")
    site_code_value: str | None = Field(None, description="fixed site code when the CSV has no site column")
    period_start: str | None = Field("Reporting Period Start Date", description="column; omit to use whole months")
    period_end: str | None = "Reporting Period End Date"
    date_format: str = "%Y-%m-%d"
    arrival: str = "Arrival Date Time"
    assault_at: str = "Assault Date Time"
    datetime_format: str = "%Y-%m-%d %H:%M"
    method: str = "Assault Method"
    method_other: str | None = "Assault Method Other Description"
    location_type: str = "Assault Location Type"
    location_description: str | None = "Assault Location Description"
    lsoa_code: str | None = Field(None, description="column with an LSOA the ED already geocoded, if any")
    age_band: str | None = "Age Band"
    sex: str | None = "Sex"
    admitted: str | None = Field(None, description="optional column: admitted to hospital (Y/N)")
    max_days_before_arrival: int = Field(31, ge=0, description="an assault longer before arrival is rejected")
    methods: dict[str, Method] = {}
    location_types: dict[str, LocationType] = {}
    code_list_name: str = Field(
        WORKING_LIST_NAME, description="what the code lists are (quoted when a code is rejected)"
    )
    code_list: Path | None = Field(
        None, description="code-list CSV (relative to this file) replacing [methods] and [location_types]"
    )
    method_aliases: dict[str, str] = Field({}, description="a site's local method code -> a code of the list")
    location_type_aliases: dict[str, str] = Field({}, description="local location type code -> a code of the list")
    places: dict[str, Place] = {}
    postcode_lookup: PostcodeLookup | None = None
    xml: XmlNames = XmlNames()
    base_dir: Path | None = Field(None, exclude=True)

    @field_validator("date_format", "datetime_format")
    @classmethod
    def _format(cls, v: str) -> str:
        return check_strftime(v)

    @model_validator(mode="after")
    def _site(self) -> IstvMapping:
        if not self.site_code and not self.site_code_value:
            raise ValueError("give a site_code column or a fixed site_code_value")
        if (self.period_start is None) != (self.period_end is None):
            raise ValueError("give both period_start and period_end columns, or neither")
        return self

    def check_codes(self) -> None:
        """Both lists present and every alias naming a code of them (ValueError otherwise)."""
        if not self.methods or not self.location_types:
            raise ValueError("give the [methods] and [location_types] code lists, or a code_list file")
        for aliases, table, what in (
            (self.method_aliases, self.methods, "method_aliases"),
            (self.location_type_aliases, self.location_types, "location_type_aliases"),
        ):
            missing = sorted({t for t in aliases.values() if _lookup(table, t) is None})
            if missing:
                raise ValueError(f"{what} point at codes not in {self.code_list_name}: {', '.join(missing)}")

    def with_code_list(self, codes: CodeList) -> IstvMapping:
        """This mapping reading codes through ``codes`` (an official list) instead of its own lists."""
        copy = self.model_copy(
            update={"methods": codes.methods, "location_types": codes.location_types, "code_list_name": codes.name}
        )
        copy.base_dir = self.base_dir
        try:
            copy.check_codes()
        except ValueError as exc:
            raise IngestError(str(exc), file=str(codes.path)) from exc
        return copy

    def required_columns(self) -> list[str]:
        cols = [self.arrival, self.assault_at, self.method, self.location_type]
        for c in (self.site_code, self.period_start, self.period_end, self.method_other, self.location_description):
            if c:
                cols.append(c)
        for c in (self.lsoa_code, self.age_band, self.sex, self.admitted):
            if c:
                cols.append(c)
        return list(dict.fromkeys(cols))

    @property
    def applied_name(self) -> str:
        """The mapping and the code list it read codes with, as stored on each submission (``mapping_name``)."""
        return f"{self.name}{CODES_SEPARATOR}{self.code_list_name}"

    def method_of(self, code: str) -> tuple[str, Method] | None:
        """(the list's code, its entry) for a code as the extract sent it (local alias, dropped zeros …)."""
        return _lookup(self.methods, _alias(self.method_aliases, code))

    def location_of(self, code: str) -> tuple[str, LocationType] | None:
        """(the list's code, its entry) for a location type code as the extract sent it."""
        return _lookup(self.location_types, _alias(self.location_type_aliases, code))


def _alias(aliases: dict[str, str], code: str) -> str:
    """A site's local code translated to the list's code (matched trimmed, case-insensitively); else the code."""
    wanted = code.strip().lower()
    for local, target in aliases.items():
        if local.strip().lower() == wanted:
            return target
    return code


def _lookup(table: dict, code: str):
    """(key, entry): exact code, else '1' finds '01' and '01' finds '1' (EDs' systems drop or add leading zeros)."""
    if code in table:
        return code, table[code]
    wanted = code.strip().lstrip("0")
    for key, value in table.items():
        if key.strip().lstrip("0") == wanted and wanted:
            return key, value
    return None


class CodeList(_Model):
    """The ASSAULT METHOD and ASSAULT LOCATION TYPE codes read from a code-list file (:func:`load_code_list`)."""

    name: str
    path: Path
    methods: dict[str, Method]
    location_types: dict[str, LocationType]


def load_code_list(path: Path) -> CodeList:
    """Read a code-list CSV: the national codes of ASSAULT METHOD and ASSAULT LOCATION TYPE, with svduty's groups.

    Columns (header row, any order): ``data_element`` ('ASSAULT METHOD' or 'ASSAULT LOCATION TYPE'), ``code``,
    ``label`` (the Data Dictionary's description), ``group`` (for a method, the mechanism svduty counts: one of
    body part, blunt object, sharp object, glass or bottle, firearm, other, not known; for a location type, the
    coarse place, e.g. street, home, licensed premises) and optionally ``source`` (where the list was copied from,
    e.g. the Data Dictionary page and date; one value for the file), which names the list in rejections. Both
    data elements must be present; a code may appear once per element. Errors name the file, line and column.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise IngestError(f"cannot read code list ({exc.strerror})", file=str(path)) from exc
    except UnicodeDecodeError:
        raise IngestError("code list is not UTF-8 text", file=str(path)) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    missing = [c for c in CODE_LIST_COLUMNS if c not in columns]
    if missing:
        raise IngestError(f"code list lacks the column(s) {', '.join(missing)}", file=str(path))
    reader.fieldnames = columns
    methods: dict[str, Method] = {}
    locations: dict[str, LocationType] = {}
    sources: set[str] = set()
    for row in reader:
        line = reader.line_num
        cell = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(cell.values()):
            continue
        element = " ".join(cell["data_element"].upper().split())
        code, label, group = cell["code"], cell["label"], cell["group"]
        for column, value in (("code", code), ("label", label), ("group", group)):
            if not value:
                raise IngestError(f"blank {column}", file=str(path), row=line, field=column)
        if element == METHOD_ELEMENT:
            table: dict = methods
            if group not in MECHANISMS:
                raise IngestError(
                    f"group {group!r} of an assault method must be one of: {', '.join(MECHANISMS)}",
                    file=str(path),
                    row=line,
                    field="group",
                )
            entry: Method | LocationType = Method(label=label, mechanism=group)  # type: ignore[arg-type]
        elif element == LOCATION_ELEMENT:
            table, entry = locations, LocationType(label=label, group=group)
        else:
            raise IngestError(
                f"data_element {cell['data_element']!r} is neither {METHOD_ELEMENT} nor {LOCATION_ELEMENT}",
                file=str(path),
                row=line,
                field="data_element",
            )
        if code in table:
            raise IngestError(f"{element} code {code!r} appears twice", file=str(path), row=line, field="code")
        table[code] = entry
        if cell.get("source"):
            sources.add(cell["source"])
    for element, table in ((METHOD_ELEMENT, methods), (LOCATION_ELEMENT, locations)):
        if not table:
            raise IngestError(f"code list has no {element} codes", file=str(path))
    if len(sources) > 1:
        raise IngestError("code list names more than one source: give one list per file", file=str(path))
    name = next(iter(sources)) if sources else f"the code list {path.name}"
    return CodeList(name=name, path=path, methods=methods, location_types=locations)


class AdmissionsMapping(_Csv):
    """How to read an admitted patient care extract (Hospital Episode Statistics style, one row per admission)."""

    admission_date: str = "Admission Date"
    date_format: str = "%Y-%m-%d"
    age: str | None = Field("Age", description="age in years at admission (HES 'startage'), if the extract has it")
    age_band: str | None = "Age Band"
    sex: str | None = "Sex"
    cause: str = Field("External Cause", description="ICD-10 external cause code (e.g. X99.1, Y04)")
    lsoa_code: str | None = "Residence LSOA"
    lad_code: str | None = "Residence Local Authority"
    provider: str | None = "Provider"

    @field_validator("date_format")
    @classmethod
    def _format(cls, v: str) -> str:
        return check_strftime(v)

    @model_validator(mode="after")
    def _age(self) -> AdmissionsMapping:
        if not self.age and not self.age_band:
            raise ValueError("give an age column, an age_band column, or both")
        return self

    def required_columns(self) -> list[str]:
        cols = [self.admission_date, self.cause]
        cols += [c for c in (self.age, self.age_band, self.sex, self.lsoa_code, self.lad_code, self.provider) if c]
        return list(dict.fromkeys(cols))


def default_istv_mapping_path() -> Path:
    return EXAMPLES / "istv-mapping.toml"


def default_admissions_mapping_path() -> Path:
    return EXAMPLES / "admissions-mapping.toml"


def load_istv_mapping(path: Path | None = None, code_list: Path | None = None) -> IstvMapping:
    """Read and validate an ISTV mapping (the shipped default when ``path`` is None).

    ``code_list`` (else the mapping's own ``code_list``, relative to the mapping file) is a code-list CSV that
    replaces the mapping's ``[methods]`` and ``[location_types]``.
    """
    path = Path(path) if path is not None else default_istv_mapping_path()
    mapping = _validate(IstvMapping, path)
    mapping.base_dir = path.parent
    if code_list is None and mapping.code_list is not None:
        code_list = mapping.code_list if mapping.code_list.is_absolute() else path.parent / mapping.code_list
    if code_list is not None:
        return mapping.with_code_list(load_code_list(Path(code_list)))
    try:
        mapping.check_codes()
    except ValueError as exc:
        raise IngestError(str(exc), file=str(path)) from exc
    return mapping


def load_admissions_mapping(path: Path | None = None) -> AdmissionsMapping:
    """Read and validate an admissions mapping (the shipped default when ``path`` is None)."""
    path = Path(path) if path is not None else default_admissions_mapping_path()
    return _validate(AdmissionsMapping, path)


_validate = validate_mapping_file


AGE_BAND = re.compile(r"^\s*(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\s*$")
AGE_PLUS = re.compile(r"^\s*(\d{1,3})\s*(?:\+|and over|or over|plus)\s*$", re.IGNORECASE)
AGE_UNDER = re.compile(r"^\s*(?:<|under|less than)\s*(\d{1,3})\s*$", re.IGNORECASE)


def parse_age_band(text: str) -> tuple[int, int] | None:
    """Bounds of an age band as extracts write them: '16-24', '16 to 24', '65+', 'under 16', '<16', '18'."""
    t = text.strip()
    if t.isdigit():
        age = int(t)
        return (age, age) if age <= 120 else None
    if m := AGE_BAND.match(t):
        lo, hi = int(m.group(1)), int(m.group(2))
        return (lo, hi) if lo <= hi <= 120 else None
    if m := AGE_PLUS.match(t):
        return (int(m.group(1)), 120) if int(m.group(1)) <= 120 else None
    if m := AGE_UNDER.match(t):
        return (0, int(m.group(1)) - 1) if 0 < int(m.group(1)) <= 121 else None
    return None
