"""Seeded synthetic record-level data on top of real police.uk incidents — labelled synthetic everywhere.

police.uk publishes month, place and crime type only; ages, times, markers and A&E data are closed. To let a
partnership build and rehearse the whole SNA before its record-level data arrive, ``svduty synth`` adds a
*synthetic layer* calibrated to a documented profile (``Profile``; defaults from the Durham and Darlington SNA,
see ``docs/DOMAIN.md``):

* ``incidents.occurred_at`` (only where NULL): a weekday × hour slot drawn from the profile's weekday and hour
  weights, with the night-time-economy (NTE) slots — Friday and Saturday 20:00 to 03:59 — multiplied by
  ``nte_multiplier`` for non-domestic incidents of the NTE crime types in *town-centre* LSOAs; then a day of that
  weekday inside the incident's real month, and a minute. Town-centre LSOAs are the profile's list or, by default,
  the top ``town_centre_top_share`` of LSOAs by serious-violence count (police.uk has no town-centre boundary; the
  densest violence is where the NTE is).
* ``domestic_flag``, ``alcohol_flag``, ``knife_flag`` (only where NULL): Bernoulli draws with the profile's share
  per police.uk crime type, drawn independently (domestic incidents then get no NTE boost, and domestic
  victims the profile's ``male_share_domestic``).
* ``outcome`` (only where NULL, serious-violence types only): drawn from the profile's outcome shares.
* ``involvements`` + ``persons``: victims and suspects with age, Census 2021 age band and sex, for incidents that
  have no involvements yet. Persons are pseudonymised with the workspace key like real ones.
* ``synthetic_person_links`` + ``person_attributes``: which synthetic suspects are the same recurring person, and
  their sex, birth year and ethnic group (``synth_recurrence``, on its own random stream), for ``svduty risk``.
* ``ed_attendances``: ISTV (Cardiff Model) A&E assault attendances, Poisson per month in proportion to the month's
  violence, each placed at a random violence incident of that month (its LSOA, its time plus a delay), with
  mechanism, age, sex, assault location and admission drawn from the profile.

Every generated row has ``synthetic = true``; the incident columns filled are recorded per incident in
``incident_synthetic_fields`` and per column in ``synthetic_columns``; the run (seed, profile) in
``synthetic_layers``. Real values are never overwritten. Re-running removes the previous layer first, so the
workspace holds exactly one layer and the same seed gives the same rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from svduty.data import IngestError, synth_recurrence
from svduty.data.ingest_common import now_utc
from svduty.data.pseudonymise import pseudonym, workspace_key
from svduty.data.settings_file import read_settings_file
from svduty.data.workspace import Workspace

PERSON_SOURCE = "synthetic"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
VIOLENCE = "Violence and sexual offences"
ROBBERY = "Robbery"
WEAPONS = "Possession of weapons"


def nte_slots() -> np.ndarray:
    """Boolean 7×24 (Mon=0): Friday and Saturday nights, 20:00–23:59 and the small hours after (00:00–03:59)."""
    slots = np.zeros((7, 24), dtype=bool)
    for evening, morning in ((4, 5), (5, 6)):  # Fri→Sat, Sat→Sun
        slots[evening, 20:] = True
        slots[morning, :4] = True
    return slots


# -- the profile -----------------------------------------------------------------------------------------------------
class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_shares(values: dict[str, float], what: str) -> dict[str, float]:
    if not values:
        raise ValueError(f"{what}: needs at least one entry")
    if any(v < 0 for v in values.values()):
        raise ValueError(f"{what}: shares must not be negative")
    total = sum(values.values())
    if abs(total - 1) > 1e-6:
        raise ValueError(f"{what}: shares must add up to 1 (they add up to {total:g})")
    return values


class People(_Model):
    """Age and sex of victims or suspects. Age bands are the Census 2021 bands, so rates per resident work."""

    male_share: float = Field(ge=0, le=1)
    male_share_domestic: float | None = Field(default=None, ge=0, le=1, description="victims of domestic incidents")
    age_bands: dict[str, float]

    @field_validator("age_bands")
    @classmethod
    def _bands(cls, v: dict[str, float]) -> dict[str, float]:
        unknown = [b for b in v if b not in BAND_RANGES]
        if unknown:
            raise ValueError(f"unknown age band(s) {unknown}; use {list(BAND_RANGES)}")
        return _check_shares(v, "age_bands")


# Ages drawn uniformly inside a band. '0-15' starts at 10: street and community violence involving younger
# children is rare, and a 3-year-old "suspect" would be nonsense.
BAND_RANGES: dict[str, tuple[int, int]] = {
    "0-15": (10, 15),
    "16-24": (16, 24),
    "25-34": (25, 34),
    "35-49": (35, 49),
    "50-64": (50, 64),
    "65+": (65, 89),
}


class EdProfile(_Model):
    """ISTV / Cardiff Model A&E assault attendances."""

    attendances_per_violence_incident: float = Field(
        0.4,
        ge=0,
        description="ED assault attendances per police-recorded 'Violence and sexual offences' incident; many "
        "ED assaults are never reported to the police (Cardiff Model evaluations, Florence et al. 2011, BMJ)",
    )
    mechanisms: dict[str, float] = {"sharp object": 0.1, "blunt object": 0.15, "body part": 0.65, "other": 0.1}
    admitted_share: dict[str, float] = {"sharp object": 0.35, "blunt object": 0.2, "body part": 0.08, "other": 0.1}
    assault_locations: dict[str, float] = {"street": 0.45, "home": 0.3, "licensed premises": 0.15, "other": 0.1}
    people: People = People(
        male_share=0.75,
        age_bands={"0-15": 0.08, "16-24": 0.37, "25-34": 0.27, "35-49": 0.19, "50-64": 0.07, "65+": 0.02},
    )
    max_delay_minutes: int = Field(180, ge=0)

    @field_validator("mechanisms", "assault_locations")
    @classmethod
    def _shares(cls, v: dict[str, float]) -> dict[str, float]:
        return _check_shares(v, "shares")

    @model_validator(mode="after")
    def _admitted(self) -> EdProfile:
        missing = [m for m in self.mechanisms if m not in self.admitted_share]
        if missing:
            raise ValueError(f"admitted_share missing for mechanism(s) {missing}")
        if any(not 0 <= v <= 1 for v in self.admitted_share.values()):
            raise ValueError("admitted_share values must be between 0 and 1")
        return self


def _default_hours() -> list[float]:
    # Violence by hour of day: lowest 05:00–07:00, rising through the afternoon to an evening peak (the shape of
    # police-recorded violence and ISTV attendances by hour, e.g. Sivarajasingam et al., Cardiff ED data).
    return [5, 4, 3, 2, 1.5, 1, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4, 4, 4.5, 5, 5.5, 6, 6, 6.5, 7, 7, 6]


class Profile(_Model):
    """Calibration of the synthetic layer. Every number is an assumption to replace with local figures."""

    name: str = "Durham and Darlington SNA defaults"
    source: str = (
        "Durham and Darlington Serious Violence Strategic Needs Assessment (docs/DOMAIN.md): most perpetrators men "
        "under 25; under-25s the majority of victims; alcohol in 3 in 10; domestic setting in 4 in 10; violence "
        "concentrated in town centres at night. Other figures are stated assumptions."
    )
    sources: list[str] = Field(["police.uk"], description="incident sources to enrich (real RMS data is left alone)")
    weekday_weights: list[float] = Field([1.0, 0.95, 1.0, 1.05, 1.25, 1.45, 1.3], min_length=7, max_length=7)
    hour_weights: list[float] = Field(default_factory=_default_hours, min_length=24, max_length=24)
    nte_multiplier: float = Field(3.0, ge=1, description="weight of Fri/Sat night slots in town centres")
    nte_crime_types: list[str] = [VIOLENCE, ROBBERY, "Public order", WEAPONS]
    town_centre_lsoas: list[str] | None = None
    town_centre_top_share: float = Field(0.05, gt=0, le=1)
    # Durham's "4 in 10" applied to violence (most of SV); robbery and weapons possession recorded as not domestic.
    domestic: dict[str, float] = {VIOLENCE: 0.4, ROBBERY: 0.0, WEAPONS: 0.0}
    alcohol: dict[str, float] = {VIOLENCE: 0.3, ROBBERY: 0.3, WEAPONS: 0.3}
    # Knife or sharp instrument: ONS Crime in England and Wales, year ending March 2023, recorded about 49,000
    # knife or sharp instrument offences, mostly assault with injury/intent and robbery — a few per cent of
    # violence and about a quarter of robbery; most possession-of-weapons offences involve an article with a
    # blade or point. Orders of magnitude, not local figures.
    knife: dict[str, float] = {VIOLENCE: 0.04, ROBBERY: 0.25, WEAPONS: 0.6}
    victim_probability: dict[str, float] = {VIOLENCE: 1.0, ROBBERY: 1.0, WEAPONS: 0.0}
    suspect_probability: dict[str, float] = {VIOLENCE: 0.8, ROBBERY: 0.6, WEAPONS: 1.0}
    second_suspect_share: float = Field(0.15, ge=0, le=1)
    victims: People = People(
        male_share=0.6,
        male_share_domestic=0.25,
        age_bands={"0-15": 0.17, "16-24": 0.36, "25-34": 0.2, "35-49": 0.17, "50-64": 0.08, "65+": 0.02},
    )
    suspects: People = People(
        male_share=0.85,
        age_bands={"0-15": 0.12, "16-24": 0.5, "25-34": 0.2, "35-49": 0.13, "50-64": 0.04, "65+": 0.01},
    )
    outcomes: dict[str, float] = {
        "Investigation complete; no suspect identified": 0.35,
        "Unable to prosecute suspect": 0.4,
        "Under investigation": 0.1,
        "Awaiting court outcome": 0.08,
        "Local resolution": 0.07,
    }
    ed: EdProfile = EdProfile()

    @field_validator("weekday_weights", "hour_weights")
    @classmethod
    def _weights(cls, v: list[float]) -> list[float]:
        if any(w < 0 for w in v) or sum(v) <= 0:
            raise ValueError("weights must be non-negative and not all zero")
        return v

    @field_validator("domestic", "alcohol", "knife", "victim_probability", "suspect_probability")
    @classmethod
    def _probabilities(cls, v: dict[str, float]) -> dict[str, float]:
        if any(not 0 <= p <= 1 for p in v.values()):
            raise ValueError("probabilities must be between 0 and 1")
        return v

    @field_validator("outcomes")
    @classmethod
    def _outcomes(cls, v: dict[str, float]) -> dict[str, float]:
        return _check_shares(v, "outcomes")


def load_profile(path: Path | None) -> Profile:
    """Read a profile from YAML, JSON or TOML (by extension); ``None`` gives the defaults."""
    if path is None:
        return Profile()
    data = read_settings_file(path, "profile", allow_empty=True)
    try:
        return Profile.model_validate(data or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(profile)"
        raise IngestError(first["msg"], file=str(path), field=where) from exc


# -- the run ---------------------------------------------------------------------------------------------------------
class SynthResult(BaseModel):
    seed: int
    incidents_enriched: int
    occurred_at_filled: int
    markers_filled: dict[str, int]
    outcomes_filled: int
    involvements: int
    persons: int
    ed_attendances: int
    town_centre_lsoas: list[str]
    replaced_layers: int


def clear(ws: Workspace) -> int:
    """Remove the synthetic layer (restoring NULL where synth filled incident columns). Returns layers removed."""
    con = ws.con
    layers = con.execute("SELECT count(*) FROM synthetic_layers").fetchall()[0]
    con.execute(
        """UPDATE incidents AS i SET
               occurred_at   = CASE WHEN f.occurred_at   THEN NULL ELSE i.occurred_at END,
               knife_flag    = CASE WHEN f.knife_flag    THEN NULL ELSE i.knife_flag END,
               domestic_flag = CASE WHEN f.domestic_flag THEN NULL ELSE i.domestic_flag END,
               alcohol_flag  = CASE WHEN f.alcohol_flag  THEN NULL ELSE i.alcohol_flag END,
               outcome       = CASE WHEN f.outcome       THEN NULL ELSE i.outcome END
           FROM incident_synthetic_fields f WHERE i.incident_id = f.incident_id"""
    )
    con.execute(
        "DELETE FROM involvements WHERE synthetic AND person_id IN (SELECT person_id FROM persons WHERE source = ?)",
        [PERSON_SOURCE],
    )
    con.execute("DELETE FROM persons WHERE source = ?", [PERSON_SOURCE])
    synth_recurrence.clear(con)
    con.execute("DELETE FROM ed_attendances WHERE synthetic AND ingest_id IS NULL")
    for table in ("incident_synthetic_fields", "synthetic_columns", "synthetic_layers"):
        con.execute(f"DELETE FROM {table}")
    return int(layers[0]) if layers else 0


def run(ws: Workspace, *, seed: int = 1, profile: Profile | None = None) -> SynthResult:
    """Replace the workspace's synthetic layer with a new one drawn with ``seed`` from ``profile``."""
    profile = profile or Profile()
    key = workspace_key(ws.path)
    con = ws.con
    with ws.transaction():
        replaced = clear(ws)
        inc = _load_incidents(con, profile)
        rng = np.random.default_rng(seed)
        town = _town_centres(inc, profile)
        filled = _enrich(inc, profile, town, rng)
        people = _people(inc, profile, rng, key, seed)
        ed = _ed_attendances(con, inc, filled["occurred_at"], profile, rng)
        _store(con, inc, filled, people, ed)
        synth_recurrence.link(con, key, seed)  # its own random stream: the draws above are unchanged
        result = SynthResult(
            seed=seed,
            incidents_enriched=int(filled["any"].sum()),
            occurred_at_filled=int(filled["occurred_at_mask"].sum()),
            markers_filled={k: int(filled[f"{k}_mask"].sum()) for k in ("domestic", "alcohol", "knife")},
            outcomes_filled=int(filled["outcome_mask"].sum()),
            involvements=len(people["incident_id"]),
            persons=len(people["incident_id"]),
            ed_attendances=len(ed["attendance_id"]),
            town_centre_lsoas=sorted(town),
            replaced_layers=replaced,
        )
        _record(con, result, profile, filled, people, ed)
    return result


def _load_incidents(con, profile: Profile) -> dict[str, np.ndarray]:
    sources = profile.sources
    marks = ", ".join("?" for _ in sources)
    table = con.sql(
        f"""SELECT i.incident_id, i.month, i.offence_group, i.sv_category IS NOT NULL AS is_sv, i.lsoa_code,
                   i.occurred_at IS NULL AS no_time, i.knife_flag IS NULL AS no_knife,
                   i.domestic_flag IS NULL AS no_domestic, i.alcohol_flag IS NULL AS no_alcohol,
                   i.outcome IS NULL AS no_outcome, i.occurred_at,
                   EXISTS (SELECT 1 FROM involvements v WHERE v.incident_id = i.incident_id) AS has_people
            FROM incidents i JOIN ingests g ON g.ingest_id = i.ingest_id AND g.status = 'active'
            WHERE i.source IN ({marks}) AND NOT i.synthetic
            ORDER BY i.incident_id""",
        params=sources,
    ).to_arrow_table()
    out = {name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names}
    out["month"] = table.column("month").cast(pa.timestamp("s")).to_numpy(zero_copy_only=False)
    out["lsoa_code"] = np.array(table.column("lsoa_code").to_pylist(), dtype=object)
    out["offence_group"] = np.array(table.column("offence_group").to_pylist(), dtype=object)
    return out


def _town_centres(inc: dict[str, np.ndarray], profile: Profile) -> set[str]:
    if profile.town_centre_lsoas is not None:
        return set(profile.town_centre_lsoas)
    codes = inc["lsoa_code"][inc["is_sv"] & (inc["lsoa_code"] != None)]  # noqa: E711 (object array)
    if not len(codes):
        return set()
    values, counts = np.unique(codes.astype(str), return_counts=True)
    n = max(1, int(np.ceil(profile.town_centre_top_share * len(values))))
    order = np.lexsort((values, -counts))  # most SV first, ties by code: deterministic
    return set(values[order[:n]].tolist())


def _share_by_type(groups: np.ndarray, shares: dict[str, float]) -> np.ndarray:
    out = np.zeros(len(groups))
    for crime_type, p in shares.items():
        out[groups == crime_type] = p
    return out


def _enrich(inc: dict[str, np.ndarray], profile: Profile, town: set[str], rng) -> dict[str, np.ndarray]:
    n = len(inc["incident_id"])
    groups = inc["offence_group"]
    has_share = {k: np.isin(groups, list(getattr(profile, k))) for k in ("domestic", "alcohol", "knife")}
    out: dict[str, np.ndarray] = {}
    # markers first: domestic incidents do not follow the night-time economy
    for name, col in (("domestic", "no_domestic"), ("alcohol", "no_alcohol"), ("knife", "no_knife")):
        p = _share_by_type(groups, getattr(profile, name))
        draw = rng.random(n) < p
        mask = inc[col] & has_share[name]
        out[name] = draw
        out[f"{name}_mask"] = mask
    domestic_now = np.where(out["domestic_mask"], out["domestic"], False)
    inc["domestic_now"] = domestic_now

    # times: weekday × hour slot, NTE boost for non-domestic NTE crime types in town-centre LSOAs
    base = np.outer(profile.weekday_weights, profile.hour_weights)
    boosted = base * np.where(nte_slots(), profile.nte_multiplier, 1.0)
    in_town = np.array([c in town for c in inc["lsoa_code"]], dtype=bool)
    nte = in_town & np.isin(groups, profile.nte_crime_types) & ~domestic_now
    slot = np.empty(n, dtype=np.int64)
    for flag, weights in ((False, base), (True, boosted)):
        idx = np.flatnonzero(nte == flag)
        p = (weights / weights.sum()).ravel()
        slot[idx] = rng.choice(168, size=len(idx), p=p)
    weekday, hour = np.divmod(slot, 24)
    minute = rng.integers(0, 60, size=n)
    day = _day_in_month(inc["month"], weekday, rng)
    occurred = (
        inc["month"].astype("datetime64[D]")
        + (day - 1).astype("timedelta64[D]")
        + hour.astype("timedelta64[h]")
        + minute.astype("timedelta64[m]")
    ).astype("datetime64[us]")
    out["occurred_at"] = occurred
    out["occurred_at_mask"] = inc["no_time"].copy()
    out["nte_eligible"] = nte

    # outcomes where police.uk has none, for serious-violence types only
    labels = list(profile.outcomes)
    pick = rng.choice(len(labels), size=n, p=np.array(list(profile.outcomes.values())))
    out["outcome"] = np.array(labels, dtype=object)[pick]
    out["outcome_mask"] = inc["no_outcome"] & inc["is_sv"]
    out["any"] = (
        out["occurred_at_mask"] | out["domestic_mask"] | out["alcohol_mask"] | out["knife_mask"] | out["outcome_mask"]
    )
    return out


def _day_in_month(month: np.ndarray, weekday: np.ndarray, rng) -> np.ndarray:
    """A uniformly chosen day of the given weekday (Mon=0) within each month."""
    days = month.astype("datetime64[D]")
    first_weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday: 3 when Monday is 0
    offset = (weekday - first_weekday) % 7
    months = days.astype("datetime64[M]")
    length = ((months + 1).astype("datetime64[D]") - days).astype(np.int64)
    count = (length - 1 - offset) // 7 + 1
    k = np.floor(rng.random(len(days)) * count).astype(np.int64)
    return 1 + offset + 7 * k


def _draw_people(who: People, n: int, rng, domestic: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    bands = list(who.age_bands)
    band_idx = rng.choice(len(bands), size=n, p=np.array(list(who.age_bands.values())))
    lo = np.array([BAND_RANGES[b][0] for b in bands])[band_idx]
    hi = np.array([BAND_RANGES[b][1] for b in bands])[band_idx]
    age = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)
    p_male = np.full(n, who.male_share)
    if domestic is not None and who.male_share_domestic is not None:
        p_male = np.where(domestic, who.male_share_domestic, p_male)
    sex = np.where(rng.random(n) < p_male, "male", "female").astype(object)
    return age, sex


def _people(inc, profile: Profile, rng, key: bytes, seed: int) -> dict[str, np.ndarray]:
    n = len(inc["incident_id"])
    groups = inc["offence_group"]
    eligible = inc["is_sv"] & ~inc["has_people"]
    domestic = inc["domestic_now"]
    victims = eligible & (rng.random(n) < _share_by_type(groups, profile.victim_probability))
    suspects = eligible & (rng.random(n) < _share_by_type(groups, profile.suspect_probability))
    second = suspects & (rng.random(n) < profile.second_suspect_share)
    parts = []
    for role, mask, who in (
        ("victim", victims, profile.victims),
        ("suspect", suspects, profile.suspects),
        ("suspect", second, profile.suspects),
    ):
        idx = np.flatnonzero(mask)
        age, sex = _draw_people(who, len(idx), rng, domestic[idx])
        parts.append((role, idx, age, sex))
    incident_id = np.concatenate([inc["incident_id"][p[1]] for p in parts]).astype(np.int64)
    row = np.concatenate([p[1] for p in parts])
    role = np.concatenate([np.full(len(p[1]), p[0], dtype=object) for p in parts])
    age = np.concatenate([p[2] for p in parts]).astype(np.int64)
    sex = np.concatenate([p[3] for p in parts])
    ordinal = np.concatenate([np.full(len(p[1]), k) for k, p in enumerate(parts)])
    band = _bands_of(age)
    person_id = np.array(
        [pseudonym(key, "synthetic", f"{seed}:{i}:{k}") for i, k in zip(incident_id, ordinal, strict=True)],
        dtype=object,
    )
    return {
        "incident_id": incident_id,
        "row": row,
        "role": role,
        "age": age,
        "age_band": band,
        "sex": sex,
        "person_id": person_id,
    }


def _bands_of(ages: np.ndarray) -> np.ndarray:
    """Census 2021 band of each age ('0-15' … '65+')."""
    names = np.array(list(BAND_RANGES), dtype=object)
    uppers = np.array([hi for _, hi in BAND_RANGES.values()][:-1])
    return names[np.searchsorted(uppers, np.asarray(ages), side="left")]


def _ed_attendances(con, inc, occurred: np.ndarray, profile: Profile, rng) -> dict[str, np.ndarray]:
    ed = profile.ed
    violence = np.flatnonzero((inc["offence_group"] == VIOLENCE) & (inc["lsoa_code"] != None))  # noqa: E711
    months = inc["month"][violence]
    out_rows: list[np.ndarray] = []
    for month in np.unique(months):
        pool = violence[months == month]
        count = rng.poisson(ed.attendances_per_violence_incident * len(pool))
        out_rows.append(rng.choice(pool, size=count, replace=True))
    picked = np.concatenate(out_rows) if out_rows else np.array([], dtype=np.int64)
    n = len(picked)
    times = np.where(inc["no_time"][picked], occurred[picked], inc["occurred_at"][picked].astype("datetime64[us]"))
    delay = rng.integers(0, ed.max_delay_minutes + 1, size=n).astype("timedelta64[m]")
    mech_names = list(ed.mechanisms)
    mech = rng.choice(len(mech_names), size=n, p=np.array(list(ed.mechanisms.values())))
    admitted = rng.random(n) < np.array([ed.admitted_share[m] for m in mech_names])[mech]
    places = list(ed.assault_locations)
    place = rng.choice(len(places), size=n, p=np.array(list(ed.assault_locations.values())))
    age, sex = _draw_people(ed.people, n, rng)
    start_row = con.execute("SELECT coalesce(max(attendance_id), 0) + 1 FROM ed_attendances").fetchall()[0]
    start = int(start_row[0]) if start_row else 1
    return {
        "attendance_id": np.arange(start, start + n, dtype=np.int64),
        "arrived_at": (times + delay).astype("datetime64[us]"),
        "age": age.astype(np.int64),
        "age_band": _bands_of(age),
        "sex": sex,
        "mechanism": np.array(mech_names, dtype=object)[mech],
        "assault_location": np.array(places, dtype=object)[place],
        "lsoa_code": inc["lsoa_code"][picked],
        "admitted": admitted,
    }


def _store(con, inc, filled, people, ed) -> None:
    fields = pa.table(
        {
            "incident_id": pa.array(inc["incident_id"], pa.int64()),
            "occurred_at": pa.array(filled["occurred_at"], pa.timestamp("us")),
            "knife": pa.array(filled["knife"], pa.bool_()),
            "domestic": pa.array(filled["domestic"], pa.bool_()),
            "alcohol": pa.array(filled["alcohol"], pa.bool_()),
            "outcome": pa.array(filled["outcome"].tolist(), pa.string()),
            "f_occurred_at": pa.array(filled["occurred_at_mask"], pa.bool_()),
            "f_knife": pa.array(filled["knife_mask"], pa.bool_()),
            "f_domestic": pa.array(filled["domestic_mask"], pa.bool_()),
            "f_alcohol": pa.array(filled["alcohol_mask"], pa.bool_()),
            "f_outcome": pa.array(filled["outcome_mask"], pa.bool_()),
        }
    ).filter(pa.array(filled["any"], pa.bool_()))
    con.register("syn_fields", fields)
    try:
        con.execute(
            """UPDATE incidents AS i SET
                   occurred_at   = CASE WHEN s.f_occurred_at THEN s.occurred_at ELSE i.occurred_at END,
                   knife_flag    = CASE WHEN s.f_knife THEN s.knife ELSE i.knife_flag END,
                   domestic_flag = CASE WHEN s.f_domestic THEN s.domestic ELSE i.domestic_flag END,
                   alcohol_flag  = CASE WHEN s.f_alcohol THEN s.alcohol ELSE i.alcohol_flag END,
                   outcome       = CASE WHEN s.f_outcome THEN s.outcome ELSE i.outcome END
               FROM syn_fields s WHERE i.incident_id = s.incident_id"""
        )
        con.execute(
            """INSERT INTO incident_synthetic_fields
               SELECT incident_id, f_occurred_at, f_knife, f_domestic, f_alcohol, f_outcome FROM syn_fields"""
        )
    finally:
        con.unregister("syn_fields")
    occurred_years = (
        filled["occurred_at"][people["row"]].astype("datetime64[Y]").astype(np.int64) + 1970
        if len(people["row"])
        else np.array([], dtype=np.int64)
    )
    persons = pa.table(
        {
            "person_id": pa.array(people["person_id"].tolist(), pa.string()),
            "sex": pa.array(people["sex"].tolist(), pa.string()),
            "birth_year": pa.array(occurred_years - people["age"], pa.int32()),
        }
    )
    involvements = pa.table(
        {
            "incident_id": pa.array(people["incident_id"], pa.int64()),
            "person_id": pa.array(people["person_id"].tolist(), pa.string()),
            "role": pa.array(people["role"].tolist(), pa.string()),
            "age": pa.array(people["age"], pa.int32()),
            "age_band": pa.array(people["age_band"].tolist(), pa.string()),
            "sex": pa.array(people["sex"].tolist(), pa.string()),
        }
    )
    attendances = pa.table(
        {
            "attendance_id": pa.array(ed["attendance_id"], pa.int64()),
            "arrived_at": pa.array(ed["arrived_at"], pa.timestamp("us")),
            "age": pa.array(ed["age"], pa.int32()),
            "age_band": pa.array(ed["age_band"].tolist(), pa.string()),
            "sex": pa.array(ed["sex"].tolist(), pa.string()),
            "mechanism": pa.array(ed["mechanism"].tolist(), pa.string()),
            "assault_location": pa.array(ed["assault_location"].tolist(), pa.string()),
            "lsoa_code": pa.array(ed["lsoa_code"].tolist(), pa.string()),
            "admitted": pa.array(ed["admitted"], pa.bool_()),
        }
    )
    for name, table in (("syn_persons", persons), ("syn_inv", involvements), ("syn_ed", attendances)):
        con.register(name, table)
    try:
        con.execute("INSERT INTO persons SELECT person_id, ?, sex, birth_year, true FROM syn_persons", [PERSON_SOURCE])
        con.execute(
            "INSERT INTO involvements SELECT incident_id, person_id, role, age, age_band, sex, true FROM syn_inv"
        )
        con.execute(
            """INSERT INTO ed_attendances SELECT attendance_id, NULL, arrived_at, age, age_band, sex, mechanism,
                      assault_location, lsoa_code, admitted, true FROM syn_ed"""
        )
    finally:
        for name in ("syn_persons", "syn_inv", "syn_ed"):
            con.unregister(name)


def _record(con, result: SynthResult, profile: Profile, filled, people, ed) -> None:
    con.execute(
        "INSERT INTO synthetic_layers VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
        [
            result.seed,
            profile.model_dump_json(),
            now_utc(),
            result.incidents_enriched,
            result.involvements,
            result.persons,
            result.ed_attendances,
        ],
    )
    how = f"svduty synth, seed {result.seed}, profile '{profile.name}'"
    rows = [
        ("incidents", "occurred_at", result.occurred_at_filled, f"{how}: weekday × hour weights, NTE boost"),
        ("incidents", "domestic_flag", result.markers_filled["domestic"], f"{how}: share per crime type"),
        ("incidents", "alcohol_flag", result.markers_filled["alcohol"], f"{how}: share per crime type"),
        ("incidents", "knife_flag", result.markers_filled["knife"], f"{how}: share per crime type"),
        ("incidents", "outcome", result.outcomes_filled, f"{how}: outcome shares where police.uk has none"),
        ("involvements", "*", result.involvements, f"{how}: victims and suspects, age and sex"),
        ("persons", "*", result.persons, f"{how}: one pseudonymised person per involvement"),
        ("ed_attendances", "*", result.ed_attendances, f"{how}: ISTV attendances, Poisson per month"),
    ]
    con.executemany("INSERT INTO synthetic_columns VALUES (?, ?, ?, ?)", rows)
