"""Plain SQL built from models: writes sent several to a round trip, and reads of busy
pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models

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
    database = _database()
    sql, fields = _insert_sql(type(record), record.pk is None, database.alias)
    values = [
        field.get_db_prep_save(field.pre_save(record, add=True), database) for field in fields
    ]
    return sql, values


def _database():
    # The connection itself: every attribute read through django.db.connection looks it
    # up again, and preparing a row's values reads several per column.
    return connections[DEFAULT_DB_ALIAS]


@functools.cache
def _insert_sql(
    model: type[models.Model], pk_from_database: bool, alias: str
) -> tuple[str, tuple[models.Field, ...]]:
    """The INSERT statement of ``model`` (the same for every row) and its fields in the
    order of its placeholders."""
    database, meta = connections[alias], model._meta
    fields = tuple(
        field
        for field in meta.concrete_fields
        if not field.generated and not (field is meta.auto_field and pk_from_database)
    )
    quote = database.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    if pk_from_database and database.features.can_return_columns_from_insert:
        sql += f" RETURNING {quote(meta.pk.column)}"
    return sql, fields


def record_inserted(record: models.Model, cursor=None) -> None:
    """Mark ``record`` as saved once its ``insert_statement`` has run on ``cursor`` (as
    the last statement), taking the primary key the database gave it."""
    database = _database()
    if record.pk is None:
        returned = database.features.can_return_columns_from_insert
        record.pk = cursor.fetchone()[0] if returned else cursor.lastrowid
    record._state.adding = False
    record._state.db = database.alias


def column_reader(field: models.Field) -> Callable[[object], object]:
    """The ORM's conversion of a value of ``field``'s column, as the database driver
    returns it, into the field's Python value (on SQLite, for example, a UUID from text
    and an aware datetime from a naive one): for rows read with plain SQL."""
    database = _database()
    column = field.get_col(field.model._meta.db_table)
    converters = database.ops.get_db_converters(column) + column.get_db_converters(database)

    def read(value: object) -> object:
        for converter in converters:
            value = converter(value, column, database)
        return value

    return read


def record_by_pk(model: type[_Model], pk: object) -> _Model:
    """The row of ``model`` with primary key ``pk``, as ``model.objects.get(pk=pk)`` gives
    it (``model.DoesNotExist`` if there is none), read with plain SQL: for look-ups on
    busy paths, where building the ORM's query costs more than running it."""
    database, meta = _database(), model._meta
    sql = _select_by_pk_sql(model, database.alias)
    with database.cursor() as cursor:
        cursor.execute(sql, [meta.pk.get_db_prep_value(pk, database)])
        row = cursor.fetchone()
    if row is None:
        raise model.DoesNotExist(f"{meta.object_name} matching query does not exist.")
    return record_from_row(model, row)


def record_from_row(model: type[_Model], row: tuple) -> _Model:
    """The record of ``model`` whose columns, every concrete field's in order, are
    ``row`` as the database driver returned them."""
    database, fields = _database(), model._meta.concrete_fields
    values = [column_reader(field)(value) for field, value in zip(fields, row, strict=True)]
    return model.from_db(database.alias, [field.attname for field in fields], values)


@functools.cache
def _select_by_pk_sql(model: type[models.Model], alias: str) -> str:
    """The SELECT of one row of ``model``, every column, by primary key."""
    meta, quote = model._meta, connections[alias].ops.quote_name
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
