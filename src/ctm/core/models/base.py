"""Base models: timestamps, and tenant ownership with a manager that fails closed.

How to add a tenant-owned model (docs/architecture.md): derive from `TenantModel`. Its
`objects` (also Django's default manager, used by reverse relations such as `case.notes`) filters
every query on the organizations of the active scope and raises `ScopeError` when none is active —
see `ctm.core.scopes` for where scopes are entered.
"""

from __future__ import annotations

from typing import Any

from django.db import models
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


class TimestampedModel(models.Model):
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
