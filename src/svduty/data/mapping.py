"""The mapping file that tells ``svduty ingest rms`` how to read one force's record extract.

Every records management system (Niche, Athena, Connect, …) exports crimes differently: column names, date formats,
marker codes. Rather than code per system, a partnership writes one small file (TOML, YAML or JSON) validated by
``Mapping``; ``svduty/data/examples/example-mapping.toml`` is a commented example.

Offence codes are Home Office Counting Rules classification codes (e.g. ``1`` murder, ``8N`` assault with injury,
``34B`` robbery of personal property, ``10D`` possession of an article with a blade or point). The lookup says for
each code its offence group, its serious-violence category (``Homicide``, ``Violence with injury``, ``Robbery``,
``Possession of weapons``; omitted = not serious violence) and whether the code itself means a knife or sharp
instrument. *Knife-enabled* serious violence is any SV incident whose knife marker is true (from the marker
column, or from the code), as in the Home Office success measure.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from svduty.data import IngestError
from svduty.data.settings_file import read_settings_file

_M = TypeVar("_M", bound=BaseModel)

SV_CATEGORIES = ("Homicide", "Violence with injury", "Robbery", "Possession of weapons", "Violence without injury")

DEFAULT_SEX_VALUES: dict[str, str | None] = {
    "m": "male",
    "male": "male",
    "f": "female",
    "female": "female",
    "u": None,
    "unknown": None,
    "not known": None,
    "x": None,
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- checks every mapping file shares (RMS here; ISTV and admissions in ``svduty.data.health_mapping``) -----------
def check_encoding(v: str) -> str:
    """A text encoding Python knows ('utf-8', 'cp1252', …)."""
    import codecs

    try:
        codecs.lookup(v)
    except LookupError as exc:
        raise ValueError(f"unknown text encoding {v!r}") from exc
    return v


def normalise_sex_values(v: dict[str, str | None]) -> dict[str, str | None]:
    """Extract value → 'male' / 'female' / None (unknown), keys lower-cased and trimmed."""
    bad = [k for k, s in v.items() if s not in ("male", "female", "unknown", None)]
    if bad:
        raise ValueError(f"sex_values must map to 'male', 'female' or 'unknown' (check {bad})")
    return {k.strip().lower(): (None if s == "unknown" else s) for k, s in v.items()}


def check_strftime(v: str) -> str:
    """A strptime/strftime format with at least one directive."""
    try:
        datetime.now().strftime(v)
    except ValueError as exc:
        raise ValueError(f"not a strftime format: {v!r}") from exc
    if "%" not in v:
        raise ValueError(f"not a strftime format: {v!r}")
    return v


def validate_mapping_file(model: type[_M], path: Path) -> _M:
    """Read a mapping file (.toml, .yaml/.yml or .json) into ``model``; errors name the file and the field."""
    data = read_settings_file(path, "mapping file")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(mapping)"
        raise IngestError(first["msg"], file=str(path), field=where) from exc


class Marker(_Model):
    """A yes/no marker column (domestic, alcohol, knife). Blank or an ``unknown_values`` value = not recorded."""

    column: str
    true_values: list[str] = ["y", "yes", "true", "1"]
    false_values: list[str] = ["n", "no", "false", "0"]
    unknown_values: list[str] = ["", "u", "unknown", "not known"]

    def parse(self, text: str) -> bool | None:
        """True/False/None; raises ValueError for a value in none of the lists."""
        t = text.strip().lower()
        if t in (v.lower() for v in self.true_values):
            return True
        if t in (v.lower() for v in self.false_values):
            return False
        if t in (v.lower() for v in self.unknown_values):
            return None
        raise ValueError(text)


class PersonColumns(_Model):
    """The columns describing one victim or suspect on a row. The identifier is pseudonymised, never stored."""

    role: Literal["victim", "suspect"]
    id: str | None = Field(None, description="person identifier column (pseudonymised with the workspace key)")
    age: str | None = None
    sex: str | None = None


class Offence(_Model):
    group: str = Field(description="offence group shown in reports, e.g. 'Violence with injury'")
    sv_category: str | None = Field(None, description=f"one of {', '.join(SV_CATEGORIES)}; omit if not SV")
    knife: bool = Field(False, description="the code itself means a knife or sharp instrument (e.g. 10D)")

    @field_validator("sv_category")
    @classmethod
    def _category(cls, v: str | None) -> str | None:
        if v is not None and v not in SV_CATEGORIES:
            raise ValueError(f"unknown SV category {v!r}; use one of {', '.join(SV_CATEGORIES)}")
        return v


class Mapping(_Model):
    """How to read one extract. Column fields name columns of the CSV header (matched exactly, after trimming)."""

    name: str = Field(description="what the extract is, e.g. 'Durham Constabulary Athena crime extract'")
    force: str | None = Field(None, description="force name or slug stored on every incident")
    synthetic: bool = Field(False, description="true only for made-up extracts: every row is labelled synthetic")
    delimiter: str = Field(",", min_length=1, max_length=1)
    encoding: str = "utf-8"
    record_id: str = Field(description="crime reference column (rows sharing it are one crime)")
    offence_code: str
    date: str = Field(description="column with the date (or date and time) the offence was committed")
    date_format: str = Field("%d/%m/%Y", description="strptime format of `date`, e.g. '%Y-%m-%d %H:%M'")
    time: str | None = Field(None, description="separate time column, if any")
    time_format: str = "%H:%M"
    lsoa_code: str | None = None
    latitude: str | None = None
    longitude: str | None = None
    location: str | None = None
    outcome: str | None = None
    markers: dict[Literal["domestic", "alcohol", "knife"], Marker] = {}
    people: list[PersonColumns] = []
    sex_values: dict[str, str | None] = DEFAULT_SEX_VALUES
    person_namespace: str | None = Field(
        None, description="keeps this system's person numbers apart from another's (default: force or name)"
    )
    offence_codes: dict[str, Offence]
    unknown_offence_codes: Literal["reject", "keep"] = Field(
        "reject", description="'keep' stores unknown codes as offence group 'Other (code XYZ)', not SV"
    )

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, v: str) -> str:
        return check_encoding(v)

    @field_validator("sex_values")
    @classmethod
    def _sexes(cls, v: dict[str, str | None]) -> dict[str, str | None]:
        return normalise_sex_values(v)

    @field_validator("date_format", "time_format")
    @classmethod
    def _format(cls, v: str) -> str:
        return check_strftime(v)

    @model_validator(mode="after")
    def _coordinates(self) -> Mapping:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("give both latitude and longitude columns, or neither")
        return self

    def required_columns(self) -> list[str]:
        cols = [self.record_id, self.offence_code, self.date]
        for c in (self.time, self.lsoa_code, self.latitude, self.longitude, self.location, self.outcome):
            if c:
                cols.append(c)
        cols += [m.column for m in self.markers.values()]
        for p in self.people:
            cols += [c for c in (p.id, p.age, p.sex) if c]
        return list(dict.fromkeys(cols))

    def identifier_columns(self) -> set[str]:
        return {p.id for p in self.people if p.id}

    def offence(self, code: str) -> Offence | None:
        """Exact code, else the code without leading zeros or separators ('008N' → '8N', '4/1' → '4.1')."""
        if code in self.offence_codes:
            return self.offence_codes[code]
        normalised = code.strip().upper().replace("/", ".").lstrip("0")
        for key, value in self.offence_codes.items():
            if key.strip().upper().replace("/", ".").lstrip("0") == normalised:
                return value
        return None


def load_mapping(path: Path) -> Mapping:
    """Read and validate a mapping file (.toml, .yaml/.yml or .json); errors name the file and the field."""
    return validate_mapping_file(Mapping, path)
