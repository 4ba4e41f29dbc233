"""Geocoding an assault location description to an LSOA: a postcode through an ONS postcode directory extract,
else a known place from the mapping's gazetteer; otherwise the assault stays unlocated (never guessed)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from svduty.data import IngestError
from svduty.data.health_mapping import LSOA_CODE, IstvMapping

POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b")


class Geocoder:
    """Location description → (LSOA, lat, lon, how) through the mapping's postcode lookup and known places."""

    def __init__(self, places: dict, postcodes: dict[str, tuple[str, float | None, float | None]]):
        self.postcodes = postcodes
        ordered = sorted(places.items(), key=lambda kv: -len(kv[0]))
        self.places = [(re.compile(r"\b" + re.escape(name.lower()) + r"\b"), place) for name, place in ordered]

    @classmethod
    def for_mapping(cls, mapping: IstvMapping, display: str) -> Geocoder:
        return cls(mapping.places, _load_postcodes(mapping, display) if mapping.postcode_lookup else {})

    def locate(self, text: str) -> tuple[str | None, float | None, float | None, str]:
        if not text:
            return None, None, None, "unlocated"
        if self.postcodes:
            for outward, inward in POSTCODE.findall(text.upper()):
                hit = self.postcodes.get(outward + inward)
                if hit:
                    return hit[0], hit[1], hit[2], "postcode"
        lowered = text.lower()
        for pattern, place in self.places:
            if pattern.search(lowered):
                return place.lsoa_code, place.lat, place.lon, "place"
        return None, None, None, "unlocated"


def _load_postcodes(mapping: IstvMapping, display: str) -> dict[str, tuple[str, float | None, float | None]]:
    lookup = mapping.postcode_lookup
    assert lookup is not None
    path = lookup.path if lookup.path.is_absolute() else (mapping.base_dir or Path.cwd()) / lookup.path
    out: dict[str, tuple[str, float | None, float | None]] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            for row in csv.DictReader(f):
                code = (row.get(lookup.lsoa_code) or "").strip()
                if not LSOA_CODE.fullmatch(code):
                    continue
                lat = _float(row.get(lookup.latitude)) if lookup.latitude else None
                lon = _float(row.get(lookup.longitude)) if lookup.longitude else None
                out[(row.get(lookup.postcode) or "").replace(" ", "").upper()] = (code, lat, lon)
    except OSError as exc:
        raise IngestError(f"cannot read the postcode lookup {path} ({exc.strerror})", file=display) from exc
    return out


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None
