"""Transitions under a row lock: re-read the row inside the transaction, then check the state."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model

Row = TypeVar("Row", bound=Model)


def lock(obj: Row) -> Row:
    """Re-read `obj`'s row under a row lock, inside the caller's transaction, and bring `obj` up to
    date with it. A concurrent transition on the same row waits here until the first one commits,
    then sees its result: the caller checks the state on what this returns, never on what it was
    given. (SQLite has no row locks; CTM opens its transactions with BEGIN IMMEDIATE, one writer at
    a time, so the re-read is fresh there too.)"""
    fresh = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    for field in obj._meta.concrete_fields:
        # the raw loaded value: an identifying value stays sealed (ctm.core.fields) until a door opens it
        setattr(obj, field.attname, fresh.__dict__[field.attname])
    return obj
