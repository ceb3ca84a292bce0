"""Permission predicates for return and reintegration: the case's door decides who reads and writes;
a case manager approves a return and sets the organization's scoring weights."""

from __future__ import annotations

from typing import Any

from ctm.core.rules import can_manage_cases, can_read_cases, can_write_cases

__all__ = ["can_manage_cases", "can_read_cases", "can_set_scoring", "can_write_cases"]


def can_set_scoring(membership: Any) -> bool:
    return can_manage_cases(membership)
