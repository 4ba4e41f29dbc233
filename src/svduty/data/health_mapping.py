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
"""

from __future__ import annotations

import codecs
import re
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from svduty.data import IngestError
from svduty.data.mapping import DEFAULT_SEX_VALUES
from svduty.data.settings_file import read_settings_file

EXAMPLES = Path(__file__).parent / "examples"
LSOA_CODE = re.compile(r"[EW]01\d{6}")
LAD_CODE = re.compile(r"[EW]0[6-9]\d{6}")
MECHANISMS = ("body part", "blunt object", "sharp object", "glass or bottle", "firearm", "other", "not known")


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
        try:
            codecs.lookup(v)
        except LookupError as exc:
            raise ValueError(f"unknown text encoding {v!r}") from exc
        return v

    @field_validator("sex_values")
    @classmethod
    def _sexes(cls, v: dict[str, str | None]) -> dict[str, str | None]:
        bad = [k for k, s in v.items() if s not in ("male", "female", "unknown", None)]
        if bad:
            raise ValueError(f"sex_values must map to 'male', 'female' or 'unknown' (check {bad})")
        return {k.strip().lower(): (None if s == "unknown" else s) for k, s in v.items()}


def _check_format(v: str) -> str:
    try:
        datetime.now().strftime(v)
    except ValueError as exc:
        raise ValueError(f"not a strftime format: {v!r}") from exc
    if "%" not in v:
        raise ValueError(f"not a strftime format: {v!r}")
    return v


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
    methods: dict[str, Method]
    location_types: dict[str, LocationType]
    places: dict[str, Place] = {}
    postcode_lookup: PostcodeLookup | None = None
    xml: XmlNames = XmlNames()
    base_dir: Path | None = Field(None, exclude=True)

    @field_validator("date_format", "datetime_format")
    @classmethod
    def _format(cls, v: str) -> str:
        return _check_format(v)

    @model_validator(mode="after")
    def _site(self) -> IstvMapping:
        if not self.site_code and not self.site_code_value:
            raise ValueError("give a site_code column or a fixed site_code_value")
        if (self.period_start is None) != (self.period_end is None):
            raise ValueError("give both period_start and period_end columns, or neither")
        return self

    def required_columns(self) -> list[str]:
        cols = [self.arrival, self.assault_at, self.method, self.location_type]
        for c in (self.site_code, self.period_start, self.period_end, self.method_other, self.location_description):
            if c:
                cols.append(c)
        for c in (self.lsoa_code, self.age_band, self.sex, self.admitted):
            if c:
                cols.append(c)
        return list(dict.fromkeys(cols))

    def method_of(self, code: str) -> Method | None:
        return self.methods.get(code) or self.methods.get(code.lstrip("0") or code) or _by_padded(self.methods, code)

    def location_of(self, code: str) -> LocationType | None:
        return (
            self.location_types.get(code)
            or self.location_types.get(code.lstrip("0") or code)
            or _by_padded(self.location_types, code)
        )


def _by_padded(table: dict, code: str):
    """'1' finds '01' and '01' finds '1': EDs' systems drop or add leading zeros."""
    wanted = code.strip().lstrip("0")
    for key, value in table.items():
        if key.strip().lstrip("0") == wanted and wanted:
            return value
    return None


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
        return _check_format(v)

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


def load_istv_mapping(path: Path | None = None) -> IstvMapping:
    """Read and validate an ISTV mapping (the shipped default when ``path`` is None)."""
    path = Path(path) if path is not None else default_istv_mapping_path()
    mapping = _validate(IstvMapping, path)
    mapping.base_dir = path.parent
    return mapping


def load_admissions_mapping(path: Path | None = None) -> AdmissionsMapping:
    """Read and validate an admissions mapping (the shipped default when ``path`` is None)."""
    path = Path(path) if path is not None else default_admissions_mapping_path()
    return _validate(AdmissionsMapping, path)


def _validate(model, path: Path):
    data = read_settings_file(path, "mapping file")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(mapping)"
        raise IngestError(first["msg"], file=str(path), field=where) from exc


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
