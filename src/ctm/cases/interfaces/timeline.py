"""The case timeline in people's words: who (their name), did what (the action's label), when, and
what changed — through the activity log's one renderer (`ctm.core.changes`), which the activity log
page uses too.

Values are translated at display: the log stores codes (it is append-only and sealed).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ctm.cases import enums
from ctm.core.changes import Names, declare, entry_lines
from ctm.core.phrases import action_label

READ_BOOKKEEPING = ("purpose", "parts", "reader_organization")  # a read's, not a change to the case


def declare_case_words() -> None:
    """The register's keys that are not a field of its models (or whose field is a relation)."""
    declare(
        labels={
            "owner": _("Owner"),
            "assignees": _("Assigned caseworkers"),
            "shared_with": _("Shared with"),
            "attachments": _("Files shared too"),
            "consent": _("Consent"),
            "attachment": _("Attachment"),
            "note": _("Note"),
            "task": _("Task"),
            "tasks": _("Tasks"),
            "cases": _("Cases"),
            "terms": _("Search terms"),
            "by": _("Searched by"),
            "filters": _("Filters"),
            "files": _("Files"),
            "sha256": _("Fingerprint (SHA-256)"),
            "persons": _("Persons"),
            "statistics_kept": _("Statistics kept"),
            "size": _("Size (bytes)"),
            "content_type": _("File type"),
            "organization": _("Organization"),
            "referral_organization": _("Organization named in the consent"),
        },
        users={"owner", "assignees", "interviewer", "assessor", "proposed_by", "reviewed_by"},
        organizations={"shared_with", "organization"},
        hidden={"consent", "attachment"},
        aliases={"task": ("kind", "status")},  # a task's kind → its state
        lists={
            "means_of_control": enums.MeansOfControl,
            "exploitation_types": enums.ExploitationType,
            "sex_exploitation_types": enums.SexExploitationType,
            "terms": [
                ("names", _("names")),
                ("years", _("birth years")),
                ("ages", _("ages")),
                ("fragments", _("case or document numbers")),
            ],
            "by": [
                ("name+birth date", _("name and birth date")),
                ("document", _("document number")),
                ("search box", _("the search box")),
            ],
        },
    )


@dataclass
class Entry:
    when: datetime.datetime
    who: str
    what: str
    details: list[str] = field(default_factory=list)


def _what(action: str) -> str:
    label = str(action_label(action))
    return gettext("Another change to the case") if label == action else label


def timeline_entries(entries: Any) -> list[Entry]:
    entries = list(entries)
    names = Names(entries)
    return [
        Entry(
            when=e.created_at,
            who=names.actor(e),
            what=_what(e.action),
            details=entry_lines(e, names, skip=READ_BOOKKEEPING),
        )
        for e in entries
    ]
