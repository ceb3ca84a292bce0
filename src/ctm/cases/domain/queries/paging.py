"""Paging for long lists: count the matching rows up to a cap, not the whole register."""

from __future__ import annotations

import math
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

# "More than 10,000 cases" tells a person as much as an exact count of 80,000, and costs a bounded read.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):  # type: ignore[misc]  # Django ships no type hints
    """A Paginator whose count stops at `cap` + 1; its pages cover the first `cap` rows.

    Counting every match of a broad filter reads tens of thousands of rows on each page view. Past the
    cap a list says "more than …" and offers no further pages: narrower filters are the way there.
    `object_list` is a QuerySet, or a sequence whose `count(cap=...)` stops at the cap (`CaseRows`).
    """

    def __init__(self, object_list: Any, per_page: int, *, cap: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        """The number of matches, or `cap` + 1 when there are more than `cap`."""
        rows = self.object_list
        if isinstance(rows, QuerySet):  # neither the order nor the joined rows matter to a count
            return int(rows.order_by().select_related(None).values("pk")[: self.cap + 1].count())
        return min(int(rows.count(cap=self.cap)), self.cap + 1)

    @property
    def capped(self) -> bool:
        return bool(self.count > self.cap)

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        return math.ceil(max(1, min(self.count, self.cap) - self.orphans) / self.per_page)  # type: ignore[no-any-return]
