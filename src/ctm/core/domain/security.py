"""Security events: refused attempts, in the activity log (action codes `security.*`).

A refused attempt is a request for a protected object that its door answered 404 (missing, or not
the requester's to see). The entry says who (the actor), what (the kind of object and the reference
asked for, when it has the shape of a reference) and when — never an identifying value, never
whether the object exists. The activity-log page filters them ("Security events only").
"""

from __future__ import annotations

import re
from typing import Any, NoReturn

from django.http import Http404

from ctm.core.domain.activity import record

REFERENCE = re.compile(r"[A-Za-z0-9-]{1,40}")


def reference_label(reference: Any) -> str:
    """What was asked for, if it looks like a reference (a case number, an id); otherwise nothing,
    so text typed into a URL never reaches the log."""
    text = str(reference).strip()
    return text if REFERENCE.fullmatch(text) else "?"


def record_refusal(
    action: str, membership: Any, reference: Any, *, owner: Any = None, actor: Any = None
) -> None:
    """Log a refused attempt (`security.<thing>.refused`) in the requester's organization, and — when
    the object belongs to another organization (`owner`) — in that organization's log as well, so
    its auditor sees who tried to reach its data."""
    user = getattr(membership, "user", None) or actor
    label = reference_label(reference)
    requester = getattr(membership, "organization", None)
    changes = {"by_organization": requester.code} if requester is not None else {}
    record(action, actor=user, organization=requester, label=label, changes=changes)
    if owner is not None and (requester is None or owner.pk != requester.pk):
        record(action, actor=user, organization=owner, label=label, changes=changes)


def refuse_part(case: Any, pk: Any) -> NoReturn:
    """404 for a record asked for through a case it is not part of (another case's id, or none), and
    a security event (`security.case_part.refused`) for whoever came through the case's door."""
    record_refusal("security.case_part.refused", getattr(case, "reader", None), pk)
    raise Http404("No such record")
