"""EOIs whose award the PCC approved stayed "Award recommended" (issue 17 defect 3): mark them "Awarded"."""

from django.db import migrations


def forwards(apps, schema_editor):
    Application = apps.get_model("commissioning", "Application")
    approved = Application.objects.filter(status="awarded", award__decision_record__decision="approved")
    approved.update(status="funded")


def backwards(apps, schema_editor):
    apps.get_model("commissioning", "Application").objects.filter(status="funded").update(status="awarded")


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0005_application_declaration_name_application_declared_at_and_more"),
        ("decisions", "0004_alter_decisionrecord_state_and_more"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
