"""The access log is append-only in the database too: on PostgreSQL a trigger refuses UPDATE and DELETE from any
client (the model refuses them in Django on every database). SQLite: nothing to do."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION referrals_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'referrals_accesslog is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER referrals_accesslog_append_only
    BEFORE UPDATE OR DELETE ON referrals_accesslog
    FOR EACH ROW EXECUTE FUNCTION referrals_accesslog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS referrals_accesslog_append_only ON referrals_accesslog;
DROP FUNCTION IF EXISTS referrals_accesslog_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
