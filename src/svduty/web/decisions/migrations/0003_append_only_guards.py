"""PostgreSQL triggers: the step log and the history are append-only; a decision record is never deleted once past
draft, never changed once published and never moved back a step (svduty.web.core.dbguards; no-op on SQLite)."""

from django.db import migrations

from svduty.web.core.dbguards import function_trigger, history_trigger, refuse_trigger

RECORD_GUARD = """
CREATE OR REPLACE FUNCTION svduty_decision_record_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    steps CONSTANT text[] := ARRAY['draft', 'officer_approved', 'decided', 'published'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'draft' THEN
            RAISE EXCEPTION 'svduty: decision record % is %: it is never deleted', OLD.reference, OLD.state
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.state = 'published' THEN
        RAISE EXCEPTION 'svduty: decision record % is published: it is never changed', OLD.reference
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF array_position(steps, NEW.state::text) < array_position(steps, OLD.state::text) THEN
        RAISE EXCEPTION 'svduty: decision record % cannot go back from % to %', OLD.reference, OLD.state, NEW.state
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_published_pdf")]

    operations = [
        refuse_trigger("decisions_decisionevent"),
        refuse_trigger("decisions_publishedpdf"),
        history_trigger("decisions_historicaldecisionrecord"),
        function_trigger("decisions_decisionrecord", RECORD_GUARD, "svduty_decision_record_guard"),
    ]
