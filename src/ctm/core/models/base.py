"""Base models: timestamps, and tenant ownership with a manager that fails closed.

How to add a tenant-owned model (docs/architecture.md): derive from `TenantModel`. Its
`objects` (also Django's default manager, used by reverse relations such as `case.notes`) filters
every query on the organizations of the active scope and raises `ScopeError` when none is active —
see `ctm.core.scopes` for where scopes are entered.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django_scopes import ScopedManager, get_scope
from django_scopes.manager import DisabledQuerySet

from ctm.core.scopes import DIMENSION

_DjangoScopesManager: Any = type(ScopedManager(**{DIMENSION: "organization"}))


class TenantManager(_DjangoScopesManager):  # type: ignore[misc]  # built by django-scopes' factory
    """django-scopes' manager on the `organization` dimension, stricter on one point: a scope whose
    organization is None (django-scopes would then filter nothing) counts as no scope and raises."""

    def get_queryset(self) -> Any:
        current = getattr(self, "_override_scope", None) or get_scope()
        if current.get("_enabled", True) and current.get(DIMENSION) is None:
            return DisabledQuerySet(self.model, using=self._db, missing_scopes={DIMENSION})
        return super().get_queryset()


_CHOICES: dict[Any, dict[Any, Any]] = {}


def _choices_of(field: Any) -> dict[Any, Any]:
    """A field's choices as a dict (value → its label, still lazy: translated when shown), built once
    per field. Django builds it on every `get_<field>_display()`, hashing every lazy label, which
    translates it: a case list row showed ~40 translations for its two status columns."""
    found = _CHOICES.get(field)
    if found is None:
        found = dict(make_hashable(field.flatchoices))
        if isinstance(field.choices, (list, tuple)):  # not a callable's: the same every time
            _CHOICES[field] = found
    return found


class CachedDisplay(models.Model):
    """`get_<field>_display()` as Django's (same value, same fallback), from choices read once."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: Any) -> Any:
        value = getattr(self, field.attname)
        return force_str(_choices_of(field).get(make_hashable(value), value), strings_only=True)


class TimestampedModel(CachedDisplay):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TenantModel(TimestampedModel):
    """A row owned by one organization. `objects` is the only manager: there is no unscoped one."""

    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")

    objects = TenantManager()

    class Meta:
        abstract = True
