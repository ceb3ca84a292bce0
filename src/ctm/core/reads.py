"""Reads of identifying data: decrypted only inside a read that was logged.

A person's identity — names, other names, birth date, contacts, address, identity-document numbers —
is stored in fields marked `identifying=True` (core/fields.py). Loading such a value from the
database decrypts it only inside `identifying_access(...)`; anywhere else the load raises
`IdentifyingReadError`, so a view, a form, a template or an API schema cannot show a decrypted value
that no function logged.

`identifying_access` is entered in a few named places, listed (with how many times) in
`tests/cases/test_identifying_reads.py`: the logged reads of `cases/domain/queries` (`view_person`:
the case page, the edit form, the API), the domain writes on a person (which log the change), the
export and erasure of a person (logged), and the jobs that process an organization's persons
(linkage lists, research releases; their runs are logged). See docs/decisions/0012-logged-reads.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_reason: ContextVar[str | None] = ContextVar("ctm_identifying_access", default=None)


class IdentifyingReadError(RuntimeError):
    """An identifying value was loaded outside a logged read."""


@contextmanager
def identifying_access(reason: str) -> Iterator[None]:
    """Identifying values load decrypted inside this block. Only the named places enter it, each
    after writing (or as part of) the activity-log entry that accounts for the read."""
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


@contextmanager
def no_identifying_access() -> Iterator[None]:
    """Closes identifying reads for a unit of work (each request starts so), whatever surrounds it."""
    token = _reason.set(None)
    try:
        yield
    finally:
        _reason.reset(token)


def identifying_access_open() -> bool:
    return _reason.get() is not None


def require_identifying_access(field: Any) -> None:
    if _reason.get() is None:
        raise IdentifyingReadError(
            f"{field.model.__name__}.{field.name} is identifying: read it through a function that logs "
            "the read (cases.domain.queries.cases.view_person)"
        )
