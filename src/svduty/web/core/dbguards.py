"""Database-level protection of the records that are evidence: published decision records, their step log, the
ledger (commitments and payments) and the django-simple-history tables.

The application already refuses these changes (the workflow, the ledger, read-only admin, model guards); the
triggers make the database refuse them too, so a shell, a script or a future bug cannot delete a published record's
history. PostgreSQL only: ``PostgresOnlySQL`` is a no-op on SQLite, where the model-level guards still apply.
Each migration that uses a function (re)creates it, so the apps' migrations can run in any order.
"""

from __future__ import annotations

from django.db import migrations


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL and does nothing elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION svduty_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'svduty: rows of % are append-only (% refused)', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
"""

# History rows are never deleted or changed; the one update allowed is the foreign key to a deleted user being
# set to NULL (simple-history's on_delete=SET_NULL), which changes no recorded fact.
HISTORY_FUNCTION = """
CREATE OR REPLACE FUNCTION svduty_history_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR (to_jsonb(NEW) - 'history_user_id') IS DISTINCT FROM (to_jsonb(OLD) - 'history_user_id')
    THEN
        RAISE EXCEPTION 'svduty: history in % is append-only (% refused)', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
"""


def refuse_trigger(table: str, ops: str = "UPDATE OR DELETE") -> PostgresOnlySQL:
    name = f"svduty_append_only_{table}"
    return PostgresOnlySQL(
        REFUSE_FUNCTION
        + f"DROP TRIGGER IF EXISTS {name} ON {table};"
        + f"CREATE TRIGGER {name} BEFORE {ops} ON {table} FOR EACH ROW EXECUTE FUNCTION svduty_refuse();",
        f"DROP TRIGGER IF EXISTS {name} ON {table};",
    )


def history_trigger(table: str) -> PostgresOnlySQL:
    name = f"svduty_history_guard_{table}"
    return PostgresOnlySQL(
        HISTORY_FUNCTION
        + f"DROP TRIGGER IF EXISTS {name} ON {table};"
        + f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW "
        "EXECUTE FUNCTION svduty_history_guard();",
        f"DROP TRIGGER IF EXISTS {name} ON {table};",
    )


def function_trigger(table: str, function_sql: str, function: str, ops: str = "UPDATE OR DELETE") -> PostgresOnlySQL:
    name = f"svduty_guard_{table}"
    return PostgresOnlySQL(
        function_sql
        + f"DROP TRIGGER IF EXISTS {name} ON {table};"
        + f"CREATE TRIGGER {name} BEFORE {ops} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}();",
        f"DROP TRIGGER IF EXISTS {name} ON {table}; DROP FUNCTION IF EXISTS {function}();",
    )


class AppendOnlyError(ValueError):
    """A delete or change of a row that is evidence (model-level guard; the database trigger says the same)."""


def refuse_delete(sender, instance, **kwargs):
    """pre_delete receiver: these rows are never deleted (covers queryset and cascade deletes, which send it)."""
    raise AppendOnlyError(f"{sender._meta.verbose_name} rows are never deleted")
