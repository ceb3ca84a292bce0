"""Who may do what with referrals. Pure functions of a membership (and a referral's sides).

Sending side (the case's organization): who may change the case sends and withdraws a referral; a
case manager alone overrides the consent rule for a life-threatening emergency. Receiving side: its
case managers answer (accept, decline) and close with feedback; its caseworkers and case managers
read the shared parts and record the services delivered. Auditors of either side read the inbox
(no identifying data) and, for the owning organization, the activity log.
"""

from __future__ import annotations

from typing import Any

from ctm.core.enums import Role
from ctm.core.rules import can_manage_cases, can_read_cases, can_write_cases, has_role

__all__ = [
    "can_answer",
    "can_change_settings",
    "can_manage_cases",
    "can_read_cases",
    "can_read_inbox",
    "can_read_shared_parts",
    "can_write_cases",
]


def can_read_inbox(membership: Any) -> bool:
    return can_read_cases(membership)


def can_answer(membership: Any) -> bool:
    """Accept, decline, close with feedback (the receiving organization's case managers)."""
    return can_manage_cases(membership)


def can_read_shared_parts(membership: Any) -> bool:
    return has_role(membership, Role.CASEWORKER, Role.CASE_MANAGER)


def can_change_settings(membership: Any) -> bool:
    """The days an organization gives itself to answer: its admins and case managers."""
    return has_role(membership, Role.ORG_ADMIN, Role.CASE_MANAGER)
