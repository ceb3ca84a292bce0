"""Words for what the engine reports as codes: stored as codes with their figures, worded when shown, in
the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def linkage_check_text(check: dict[str, Any]) -> str:
    """One sentence for a code of `ctm.linkage.engine.linkage_checks` (unknown codes: the code itself)."""
    code = check.get("code")
    if code == "large_clusters":
        return str(ngettext(
            "%(clusters)s cluster holds more records than there are lists (%(lists)s; the largest holds "
            "%(largest)s): the linkage may have joined different people, which makes the estimate too low.",
            "%(clusters)s clusters hold more records than there are lists (%(lists)s; the largest holds "
            "%(largest)s): the linkage may have joined different people, which makes the estimate too low.",
            check["clusters"],
        ) % check)
    if code == "one_to_many":
        return str(_(
            "%(clusters)s of %(linked)s linked clusters join one record of a list to two or more records of "
            "another: if each list names each person once, the linkage has merged people; check the review "
            "queue or raise the threshold."
        ) % check)
    return str(code)


def blocking_text(blocking: dict[str, Any] | None) -> str:
    """One sentence when the blocking cap left records out of a blocking rule ('' otherwise)."""
    left_out = sum((blocking or {}).get("records_left_out", {}).values())
    if not left_out:
        return ""
    return str(ngettext(
        "%(records)s record was left out of a blocking rule: its block held more than %(cap)s records even "
        "when split by birth year, citizenship and sex. It was compared only through the other rules; a "
        "match may have been missed.",
        "%(records)s records were left out of a blocking rule: their block held more than %(cap)s records "
        "even when split by birth year, citizenship and sex. They were compared only through the other "
        "rules; matches may have been missed.",
        left_out,
    ) % {"records": left_out, "cap": blocking["max_block_size"]})
