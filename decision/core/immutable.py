"""Rows that are written once and never changed or removed.

The model layer refuses updates and deletes on every database; on PostgreSQL a trigger
(installed by each app's ``append_only`` migration) refuses them as well, for anyone who
bypasses the ORM.
"""

from __future__ import annotations

from django.db import migrations, models

from decision.core.hashing import sha256_hex


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


class HashedRecordQuerySet(ImmutableQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.content_hash = obj.compute_content_hash()
        return super().bulk_create(objs, *args, **kwargs)


class HashedRecord(ImmutableModel):
    """A record written once with the SHA-256 of everything it holds (``hashed_content``),
    set as it is written. The audit event that creates it holds the same hash, and
    ``verify_audit`` compares the two."""

    content_hash = models.CharField(max_length=64)

    objects = HashedRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            self.content_hash = self.compute_content_hash()
        super().save(*args, **kwargs)

    def hashed_content(self) -> dict[str, object]:
        """Everything the content hash covers, as a JSON-shaped mapping."""
        raise NotImplementedError

    def compute_content_hash(self) -> str:
        return sha256_hex(self.hashed_content())


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """``RunSQL`` that runs on PostgreSQL only: for the triggers that make tables
    append-only. Other databases rely on the model layer alone (SQLite's test set-up
    empties tables with DELETE, which a trigger there would refuse)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
