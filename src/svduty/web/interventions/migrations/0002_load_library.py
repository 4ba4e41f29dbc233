"""Ship the evidence library's records (data/approaches.json) with the schema, so every deployment has them."""

from datetime import date
import json

from django.db import migrations


def load(apps, schema_editor):
    from svduty.web.interventions.library import DATA, FIELDS, records

    from django.utils import timezone

    Intervention = apps.get_model("interventions", "Intervention")
    History = apps.get_model("interventions", "HistoricalIntervention")
    reviewed = date.fromisoformat(json.loads(DATA.read_text(encoding="utf-8"))["reviewed"])
    for record in records():
        if Intervention.objects.filter(slug=record["slug"]).exists():
            continue
        values = {k: record.get(k) for k in FIELDS if record.get(k) is not None}
        item = Intervention.objects.create(slug=record["slug"], last_reviewed=reviewed, **values)
        # The first history row, so the first staff edit shows as a change from the shipped figures.
        History.objects.create(
            id=item.pk,
            slug=item.slug,
            last_reviewed=reviewed,
            history_date=timezone.now(),
            history_type="+",
            history_change_reason="Shipped evidence library",
            **values,
        )


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
