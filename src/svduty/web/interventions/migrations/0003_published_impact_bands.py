"""Bring existing libraries up to the shipped figures of data/approaches.json (December 2026 review).

Adds the impact bands published for restorative justice and hot spots policing (YEF 'Policing' sector page), hot
spots policing's average 14% reduction in violent crime, and each source's ``supports`` list (the figures it states).
Only figures that are still blank are filled and sources are merged by URL, so a staff edit is never overwritten.
Every record that changes gets a '~' history row, as a staff edit does.
"""

import json
from datetime import date
from decimal import Decimal

from django.db import migrations

REASON = "Shipped evidence library update: published ratings"
# A shipped text that the update replaces (only if staff have not changed it since).
OLD_CONFIDENCE = {
    "restorative-justice": (
        "described by YEF as promising (December 2021 Toolkit update); no impact band recorded here"
    ),
}


def merged_sources(current: list, shipped: list) -> list:
    by_url = {s.get("url"): s for s in shipped}
    out = []
    for source in current:
        extra = by_url.get(source.get("url"))
        out.append({**source, "supports": extra.get("supports", [])} if extra and "supports" not in source else source)
    have = {s.get("url") for s in out}
    return out + [s for s in shipped if s.get("url") not in have]


def update(apps, schema_editor):
    from django.utils import timezone

    from svduty.web.interventions.library import DATA, records

    Intervention = apps.get_model("interventions", "Intervention")
    History = apps.get_model("interventions", "HistoricalIntervention")
    reviewed = date.fromisoformat(json.loads(DATA.read_text(encoding="utf-8"))["reviewed"])
    fields = [f.name for f in Intervention._meta.concrete_fields if f.name not in ("id", "updated_by")]
    for record in records():
        item = Intervention.objects.filter(slug=record["slug"]).first()
        if item is None:
            continue
        changed = False
        for key in ("impact", "impact_measure"):
            if record.get(key) and not getattr(item, key):
                setattr(item, key, record[key])
                changed = True
        if record.get("impact_pct") is not None and item.impact_pct is None:
            item.impact_pct = Decimal(str(record["impact_pct"]))
            changed = True
        old = OLD_CONFIDENCE.get(item.slug)
        if old is not None and item.confidence == old and record.get("confidence", "") != old:
            item.confidence = record.get("confidence", "")
            changed = True
        sources = merged_sources(item.sources or [], record["sources"])
        if sources != item.sources:
            item.sources = sources
            changed = True
        if not changed:
            continue
        item.last_reviewed = reviewed
        item.save()
        History.objects.create(
            id=item.pk,
            updated_by_id=item.updated_by_id,
            history_date=timezone.now(),
            history_type="~",
            history_change_reason=REASON,
            **{name: getattr(item, name) for name in fields},
        )


class Migration(migrations.Migration):
    dependencies = [("interventions", "0002_load_library")]
    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
