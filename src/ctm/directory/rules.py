"""Permission predicates for the directory, in one place. Pure functions of a membership."""

from __future__ import annotations

from ctm.core.rules import can_edit_directory, can_read_directory

__all__ = ["can_edit_directory", "can_read_directory"]
