"""Form fields shared by the apps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator


class ListedChoiceIterator(ModelChoiceIterator):
    """The choices of a short list, read in one plain query and kept.

    Django's own iterator streams the rows through a server-side cursor on PostgreSQL
    (three round trips: declare, fetch, close) and reads them again at every use; a list of
    surgeons or of coming meetings is read once, whole.
    """

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for instance in self.queryset:  # evaluates the field's queryset once, then its cache
            yield self.choice(instance)

    def __len__(self) -> int:
        return len(self.queryset) + (self.field.empty_label is not None)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` over a short list (see ``ListedChoiceIterator``)."""

    iterator = ListedChoiceIterator
