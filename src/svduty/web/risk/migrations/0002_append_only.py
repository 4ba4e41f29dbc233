"""Evidence is append-only in the database too (PostgreSQL; the models refuse it on every database): the access log,
threshold adoptions, panel decisions and their attendees, scoring runs with their scores and components never
change or go; an index version is never deleted and its definition and content hash never change; the history
tables only gain rows."""

from django.db import migrations

from svduty.web.core.dbguards import function_trigger, history_trigger, refuse_trigger

VERSION_GUARD = """
CREATE OR REPLACE FUNCTION risk_indexversion_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.definition::text IS DISTINCT FROM OLD.definition::text
       OR NEW.content_hash IS DISTINCT FROM OLD.content_hash THEN
        RAISE EXCEPTION 'svduty: an index version is never deleted and its definition never changes (% refused)',
            TG_OP USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
"""

APPEND_ONLY = [
    "risk_riskaccesslog",
    "risk_thresholdadoption",
    "risk_paneldecision",
    "risk_paneldecision_attendees",
    "risk_scoringrun",
    "risk_personscore",
    "risk_component",
]
HISTORY = [
    "risk_historicalindexversion",
    "risk_historicalalgocareanswer",
    "risk_historicaldpia",
    "risk_historicalatrsrecord",
    "risk_historicalchallenge",
    "risk_historicalpanelmember",
]


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]
    operations = [
        *(refuse_trigger(table) for table in APPEND_ONLY),
        *(history_trigger(table) for table in HISTORY),
        function_trigger("risk_indexversion", VERSION_GUARD, "risk_indexversion_guard"),
    ]
