"""Permission predicates for cases, in one place. Pure functions of a membership."""

from __future__ import annotations

from ctm.core.rules import can_manage_cases, can_read_cases, can_write_cases

__all__ = ["can_manage_cases", "can_read_cases", "can_write_cases"]
