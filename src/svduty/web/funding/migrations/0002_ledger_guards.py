"""PostgreSQL triggers on the ledger: payments are never edited or deleted; a commitment is never deleted, its
stream, year, amount and award never change and a released one is never un-released; budget and ledger history is
append-only (svduty.web.core.dbguards; no-op on SQLite)."""

from django.db import migrations

from svduty.web.core.dbguards import function_trigger, history_trigger, refuse_trigger

COMMITMENT_GUARD = """
CREATE OR REPLACE FUNCTION svduty_commitment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'svduty: commitment % is never deleted', OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.stream_id <> OLD.stream_id OR NEW.financial_year <> OLD.financial_year
       OR NEW.amount_pence <> OLD.amount_pence OR NEW.award_id IS DISTINCT FROM OLD.award_id
       OR (OLD.released AND NOT NEW.released) THEN
        RAISE EXCEPTION 'svduty: commitment % is changed only by the ledger (release only)', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [
        refuse_trigger("funding_spend"),
        function_trigger("funding_commitment", COMMITMENT_GUARD, "svduty_commitment_guard"),
        history_trigger("funding_historicalcommitment"),
        history_trigger("funding_historicalspend"),
        history_trigger("funding_historicalbudget"),
        history_trigger("funding_historicalfundingstream"),
    ]
