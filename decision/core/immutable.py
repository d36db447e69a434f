"""Rows that are written once and never changed or removed.

The model layer refuses updates and deletes on every database; on PostgreSQL a trigger
(see ``refuse_changes_sql``) refuses them as well, for anyone who bypasses the ORM.
"""

from __future__ import annotations

from django.db import migrations, models


class ImmutableRecordError(Exception):
    """Raised on any attempt to change or remove a record that is written once."""


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecordError(f"{self.model.__name__} records cannot be changed.")

    def delete(self):
        raise ImmutableRecordError(f"{self.model.__name__} records cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise ImmutableRecordError(f"{self.model.__name__} records cannot be changed.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise ImmutableRecordError(f"{self.model.__name__} records cannot be changed.")


class ImmutableModel(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecordError(f"{type(self).__name__} records cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError(f"{type(self).__name__} records cannot be deleted.")


def refuse_changes_sql(table: str) -> tuple[str, str]:
    """PostgreSQL statements that make ``table`` append-only, and their reverse."""
    function = f"{table}_refuse_changes"
    forward = f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION '% on {table} refused: records are append-only', TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {table}_append_only
            BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
    """
    reverse = f"""
        DROP TRIGGER IF EXISTS {table}_append_only ON {table};
        DROP FUNCTION IF EXISTS {function}();
    """
    return forward, reverse


def append_only_trigger(table: str) -> migrations.RunPython:
    """A migration operation installing the append-only trigger on PostgreSQL.

    Other databases rely on the model layer alone (SQLite's test set-up empties tables
    with DELETE, which a trigger there would refuse).
    """
    forward, reverse = refuse_changes_sql(table)

    def runner(sql: str):
        def run(apps, schema_editor) -> None:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql, params=None)

        return run

    return migrations.RunPython(runner(forward), runner(reverse))
