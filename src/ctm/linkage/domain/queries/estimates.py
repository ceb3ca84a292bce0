"""Reads of estimates. `get_estimate_for_user` answers 404 for missing and for not yours."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from ctm.core.domain.security import record_refusal
from ctm.linkage.models import Estimate


def estimates_for_user(membership: Any) -> QuerySet[Estimate]:
    return Estimate.objects.filter(organization_id=membership.organization_id).select_related("created_by", "run")


def get_estimate_for_user(membership: Any, pk: int) -> Estimate:
    estimate = estimates_for_user(membership).filter(pk=pk).first()
    if estimate is None:
        record_refusal("security.estimate.refused", membership, pk)
        raise Http404("No such estimate")
    return estimate
