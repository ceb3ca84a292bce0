"""Base models: timestamps, tenant ownership and the scoped manager."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models


class ScopeError(RuntimeError):
    """A tenant-owned model was queried without naming the organizations in scope."""


class ScopedQuerySet(models.QuerySet):
    def in_orgs(self, org_ids: Iterable[int]) -> ScopedQuerySet:
        return self.filter(organization_id__in=list(org_ids))


class ScopedManager(models.Manager):
    """`Model.objects` of a tenant model refuses to list rows unless scoped: `.in_orgs([...])`.

    The first manager of every tenant model is `unscoped`, used by Django for relations and by
    migrations and platform commands that must see everything on purpose.
    """

    def get_queryset(self) -> Any:
        raise ScopeError(f"{self.model.__name__}.objects needs .in_orgs(...); use the domain queries")

    def in_orgs(self, org_ids: Iterable[int]) -> ScopedQuerySet:
        return ScopedQuerySet(self.model, using=self._db).in_orgs(org_ids)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TenantModel(TimestampedModel):
    organization = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")

    unscoped = models.Manager()
    objects = ScopedManager()

    class Meta:
        abstract = True
        base_manager_name = "unscoped"
        default_manager_name = "unscoped"
