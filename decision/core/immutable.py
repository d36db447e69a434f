"""Rows that are written once and never changed or removed.

The model layer refuses updates and deletes on every database; on PostgreSQL a trigger
(see ``refuse_changes_sql``) refuses them as well, for anyone who bypasses the ORM.
"""

from __future__ import annotations

from django.db import connection, migrations, models


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


def insert_statement(record: models.Model) -> tuple[str, list[object]]:
    """The INSERT of a new row for ``record``, every column as the model would save it;
    an automatic primary key left unset is returned by the statement (see
    ``record_inserted``).

    For records written once on busy paths: the statement can be sent together with
    others in one round trip, and skips the work ``save()`` does for a row that may already
    exist. No ``pre_save`` or ``post_save`` signal is sent.
    """
    meta = record._meta
    fields = [
        field
        for field in meta.concrete_fields
        if not field.generated and not (field is meta.auto_field and record.pk is None)
    ]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    values = [
        field.get_db_prep_save(field.pre_save(record, add=True), connection) for field in fields
    ]
    table = connection.ops.quote_name(meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    if record.pk is None and connection.features.can_return_columns_from_insert:
        sql += f" RETURNING {connection.ops.quote_name(meta.pk.column)}"
    return sql, values


def record_inserted(record: models.Model, cursor=None) -> None:
    """Mark ``record`` as saved once its ``insert_statement`` has run on ``cursor`` (as
    the last statement), taking the primary key the database gave it."""
    if record.pk is None:
        returned = connection.features.can_return_columns_from_insert
        record.pk = cursor.fetchone()[0] if returned else cursor.lastrowid
    record._state.adding = False
    record._state.db = connection.alias
