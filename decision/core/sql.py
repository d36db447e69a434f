"""Plain SQL built from models: writes sent several to a round trip, and reads of busy
pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import connection, models

_Model = TypeVar("_Model", bound=models.Model)

# A statement and its parameters.
Statement = tuple[str, list[object]]


def insert_statement(record: models.Model) -> Statement:
    """The INSERT of a new row for ``record``, every column as the model would save it;
    an automatic primary key left unset is returned by the statement (see
    ``record_inserted``).

    For rows written on busy paths: the statement can be sent together with others in one
    round trip (see ``decision.audit.services.audit_chain_tail``), and skips the work
    ``save()`` does for a row that may already exist. No ``pre_save`` or ``post_save``
    signal is sent.
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


def column_reader(field: models.Field) -> Callable[[object], object]:
    """The ORM's conversion of a value of ``field``'s column, as the database driver
    returns it, into the field's Python value (on SQLite, for example, a UUID from text
    and an aware datetime from a naive one): for rows read with plain SQL."""
    column = field.get_col(field.model._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)

    def read(value: object) -> object:
        for converter in converters:
            value = converter(value, column, connection)
        return value

    return read


def record_by_pk(model: type[_Model], pk: object) -> _Model:
    """The row of ``model`` with primary key ``pk``, as ``model.objects.get(pk=pk)`` gives
    it (``model.DoesNotExist`` if there is none), read with plain SQL: for look-ups on
    busy paths, where building the ORM's query costs more than running it."""
    meta = model._meta
    fields = meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [meta.pk.get_db_prep_value(pk, connection)])
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist(f"{meta.object_name} matching query does not exist.")
    values = [column_reader(field)(value) for field, value in zip(fields, row, strict=True)]
    return model.from_db(connection.alias, [field.attname for field in fields], values)
