"""PostgreSQL triggers: an award is never deleted and its application and amount never change; award, application,
review and score history is append-only (svduty.web.core.dbguards; no-op on SQLite)."""

from django.db import migrations

from svduty.web.core.dbguards import function_trigger, history_trigger

AWARD_GUARD = """
CREATE OR REPLACE FUNCTION svduty_award_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'svduty: award % is never deleted', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.application_id <> OLD.application_id OR NEW.amount_pence <> OLD.amount_pence THEN
        RAISE EXCEPTION 'svduty: award % keeps its application and amount', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0003_moderation_score_not_negative")]

    operations = [
        function_trigger("commissioning_award", AWARD_GUARD, "svduty_award_guard"),
        history_trigger("commissioning_historicalaward"),
        history_trigger("commissioning_historicalapplication"),
        history_trigger("commissioning_historicalreview"),
        history_trigger("commissioning_historicalscore"),
    ]
