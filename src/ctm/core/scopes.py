"""Tenant scopes (django-scopes, one dimension: the organization).

Every tenant-owned model's manager (`TenantModel.objects`, see `core/models/base.py`) filters its
queries on the organizations of the active scope, and raises `ScopeError` when no scope is active.
A scope is entered once per unit of work, at its choke point:

- a page request: `TenantScopeMiddleware` (core/middleware.py), from the session's membership;
- an API request: the token auth hook (api/auth.py), through `enter_request_scope`;
- a command or a background job: the command base (core/management/base.py) or the job's body.

Reads that cross organizations on purpose enter a wider scope, visibly, in a few named places
listed in `tests/core/test_scope_allowlist.py` (and docs/decisions/0005-tenant-scopes.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from functools import wraps
from typing import Any, TypeVar

from django_scopes import ScopeError, get_scope, scope, scopes_disabled

__all__ = [
    "DIMENSION",
    "ScopeError",
    "active_organizations",
    "enter_request_scope",
    "job_scope",
    "no_scope",
    "organization_scope",
    "request_scope",
    "scopes_disabled",
]

DIMENSION = "organization"


def _org_id(organization: Any) -> int:
    org_id = getattr(organization, "pk", organization)
    if not isinstance(org_id, int) or isinstance(org_id, bool):
        raise ValueError(f"an organization scope needs organizations or their ids, not {organization!r}")
    return org_id


@contextmanager
def organization_scope(*organizations: Any) -> Iterator[None]:
    """Queries see the rows of these organizations only (one, or several for a read that crosses
    organizations on purpose). Refuses an empty list: "no organization" is `no_scope()`."""
    ids = sorted({_org_id(o) for o in organizations})
    if not ids:
        raise ValueError("organization_scope() needs at least one organization; use no_scope()")
    with scope(**{DIMENSION: ids}):
        yield


@contextmanager
def no_scope() -> Iterator[None]:
    """An active scope that names no organization: every query on a tenant-owned model raises.

    Resets whatever scope surrounds it (the anonymous request, the start of a command)."""
    with scope(**{DIMENSION: None}):
        yield


def active_organizations() -> list[int] | None:
    """The organization ids of the active scope; None when no organization is in scope (or scopes
    are disabled)."""
    current = get_scope()
    if not current.get("_enabled", True):
        return None
    value = current.get(DIMENSION)
    return list(value) if value else None


# --- the request's scope -----------------------------------------------------------------------
# The middleware opens a stack on the request, enters the session membership's scope (or no_scope)
# and closes the stack when the response is ready; the API's auth hook and the door of a shared case
# push a scope onto the same stack, so it ends with the request and never leaks into the next one.

REQUEST_ATTRIBUTE = "_ctm_scopes"


@contextmanager
def request_scope(request: Any, membership: Any) -> Iterator[None]:
    """The whole request runs in its membership's organization (or in no scope when anonymous)."""
    with ExitStack() as stack:
        setattr(request, REQUEST_ATTRIBUTE, stack)
        stack.enter_context(organization_scope(membership.organization_id) if membership else no_scope())
        try:
            yield
        finally:
            delattr(request, REQUEST_ATTRIBUTE)


def enter_request_scope(request: Any, *organizations: Any) -> None:
    """For the rest of this request, queries see these organizations (the API's token membership;
    the door of a case shared with the reader's organization adds the owner's)."""
    stack = getattr(request, REQUEST_ATTRIBUTE, None)
    if stack is None:
        raise ScopeError("no request scope: is ctm.core.middleware.TenantScopeMiddleware installed?")
    stack.enter_context(organization_scope(*organizations))


# --- background jobs --------------------------------------------------------------------------------

Job = TypeVar("Job", bound=Callable[..., Any])


def job_scope(model: Any) -> Callable[[Job], Job]:
    """Decorates a background job whose first argument is the id of its `model` row (a linkage run,
    an estimate, a release): the job runs in that row's organization's scope. A job has no request
    to enter a scope for it, so it finds its row's organization, across organizations, here."""

    def decorate(job: Job) -> Job:
        @wraps(job)
        def scoped(pk: int, *args: Any, **kwargs: Any) -> Any:
            with scopes_disabled():
                org_id = model.objects.values_list("organization_id", flat=True).get(pk=pk)
            with organization_scope(org_id):
                return job(pk, *args, **kwargs)

        return scoped  # type: ignore[return-value]

    return decorate
