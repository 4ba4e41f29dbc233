"""Ship the evidence library's records (data/approaches.json) with the schema, so every deployment has them."""

from datetime import date
import json

from django.db import migrations


def load(apps, schema_editor):
    from svduty.web.interventions.library import DATA, FIELDS, records

    Intervention = apps.get_model("interventions", "Intervention")
    reviewed = date.fromisoformat(json.loads(DATA.read_text(encoding="utf-8"))["reviewed"])
    for record in records():
        if Intervention.objects.filter(slug=record["slug"]).exists():
            continue
        values = {k: record.get(k) for k in FIELDS if record.get(k) is not None}
        Intervention.objects.create(slug=record["slug"], last_reviewed=reviewed, **values)


class Migration(migrations.Migration):
    dependencies = [("interventions", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
