"""Why a read of identifying data was made (the "purpose" of its activity-log entry), in the reader's
language.

The log stores the purpose as its English words ("case page", "referral 12"): the entries are
sealed in a keyed hash chain (docs/decisions/0005-keyed-activity-log.md), so they are never rewritten,
and the words stay readable to an auditor with the raw log. They are translated at display, like the
log's other values (`ctm.core.changes`): each stored text is the msgid of a phrase below, so entries
written before this table existed read in French too. A purpose that names a record ("referral 12",
"fund request FR-2026-0003") is matched by its pattern and the name kept as stored.

`tests/core/test_purposes.py` reads the source for every purpose written to the log and fails on one
that is not here (docs/decisions/1003-purposes-translated-at-display.md).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import pgettext_lazy

PURPOSES: dict[str, Any] = {
    "case page": pgettext_lazy("purpose of a read", "case page"),
    "edit form": pgettext_lazy("purpose of a read", "edit form"),
    "case list": pgettext_lazy("purpose of a read", "case list"),
    "search results": pgettext_lazy("purpose of a read", "search results"),
    "transfer": pgettext_lazy("purpose of a read", "transfer"),
    "request page": pgettext_lazy("purpose of a read", "request page"),
    "clerical review": pgettext_lazy("purpose of a read", "clerical review"),
    "erasure": pgettext_lazy("purpose of a read", "erasure"),
    "api": pgettext_lazy("purpose of a read", "api"),
    "assistance page": pgettext_lazy("purpose of a read", "assistance page"),
    "reintegration page": pgettext_lazy("purpose of a read", "reintegration page"),
}

PATTERNS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"referral (?P<ref>\S+)"), pgettext_lazy("purpose of a read", "referral %(ref)s")),
    (re.compile(r"fund request (?P<ref>\S+)"), pgettext_lazy("purpose of a read", "fund request %(ref)s")),
    (
        re.compile(r"case list export \((?P<ref>\w+)\)"),
        pgettext_lazy("purpose of a read", "case list export (%(ref)s)"),
    ),
]


def purpose_text(value: Any) -> str | None:
    """The stored purpose in the reader's language; None for a text this table does not know."""
    if not isinstance(value, str):
        return None
    if value in PURPOSES:
        return str(PURPOSES[value])
    for pattern, phrase in PATTERNS:
        if (m := pattern.fullmatch(value)) is not None:
            return str(phrase) % m.groupdict()
    return None
