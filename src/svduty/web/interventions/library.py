"""Loads the shipped evidence records (data/approaches.json) into the library.

New approaches are added; an existing record is left as staff have edited it unless ``update=True`` (then the
shipped figures replace it and the change shows in its history).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

DATA = Path(__file__).parent / "data" / "approaches.json"
FIELDS = [
    "name",
    "summary",
    "impact",
    "impact_pct",
    "impact_measure",
    "evidence_quality",
    "confidence",
    "cost",
    "prevention_levels",
    "setting",
    "target_ages",
    "emmie_effect",
    "mechanism",
    "moderators",
    "implementation",
    "economic_cost",
    "sources",
]


class LibraryError(ValueError):
    pass


def records(path: Path = DATA) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    for i, record in enumerate(data["approaches"], start=1):
        for key in ("slug", "name", "summary", "sources"):
            if not record.get(key):
                raise LibraryError(f"{path.name}: approach {i} has no {key}")
        for source in record["sources"]:
            if not str(source.get("url", "")).startswith("https://"):
                raise LibraryError(f"{path.name}: approach {record['slug']} has a source without an https URL")
    return data["approaches"]


def load_library(*, update: bool = False, path: Path = DATA) -> tuple[int, int]:
    """Returns (created, updated)."""
    from .models import Intervention

    created = updated = 0
    reviewed = date.fromisoformat(json.loads(path.read_text(encoding="utf-8"))["reviewed"])
    for record in records(path):
        numeric = ("impact_pct", "evidence_quality", "cost")
        values = {k: record.get(k, None if k in numeric else "") for k in FIELDS}
        values["last_reviewed"] = reviewed
        obj = Intervention.objects.filter(slug=record["slug"]).first()
        if obj is None:
            Intervention.objects.create(slug=record["slug"], **values)
            created += 1
        elif update:
            for key, value in values.items():
                setattr(obj, key, value)
            obj.save()
            updated += 1
    return created, updated
