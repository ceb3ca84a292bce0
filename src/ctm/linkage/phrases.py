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
