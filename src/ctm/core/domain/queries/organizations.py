"""Reads about organizations and their offices."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from ctm.core.models import Office, Organization


def organizations_for_user(membership: Any) -> QuerySet[Organization]:
    """The membership's own organization; every organization for a platform admin. Offices prefetched."""
    qs = Organization.objects.prefetch_related(Prefetch("offices", queryset=Office.objects.order_by("name")))
    if getattr(membership.user, "is_platform_admin", False):
        return qs.order_by("name")
    return qs.filter(pk=membership.organization_id)


def office_of(organization: Any, office_id: int) -> Office | None:
    """The office with this id if it belongs to the organization (None otherwise: not yours = unknown)."""
    office: Office | None = Office.objects.filter(organization_id=organization.pk, pk=office_id).first()
    return office


def organization_by_id(organization_id: int) -> Organization | None:
    """Any organization by id: organizations are public on the platform (a referral names one)."""
    organization: Organization | None = Organization.objects.filter(pk=organization_id).first()
    return organization
