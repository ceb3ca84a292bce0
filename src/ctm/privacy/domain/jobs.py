"""Long jobs in a background thread: the runner moved to `ctm.core.domain.jobs` (shared with linkage)."""

from ctm.core.domain.jobs import submit, wait_all

__all__ = ["submit", "wait_all"]
