"""The base class of CTM's platform-wide management commands.

A command has no request, so no tenant scope: any query on a tenant-owned model raises until the
command enters one. A command acting for one organization enters `organization_scope(org)` around
its work; a command over every organization's data on purpose (key rotation) derives from
`PlatformCommand`, one of the few named places that lift the scope
(docs/decisions/0005-tenant-scopes.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ctm.core.scopes import scopes_disabled


class PlatformCommand(BaseCommand):
    """A command over every organization's data: it runs with the tenant scope lifted."""

    def execute(self, *args: Any, **options: Any) -> Any:
        with scopes_disabled():
            return super().execute(*args, **options)
