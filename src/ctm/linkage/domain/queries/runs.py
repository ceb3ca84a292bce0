"""Reads of runs, pairs and clusters. `get_run_for_user` answers 404 for missing and for not yours."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Abs
from django.http import Http404

from ctm.core.domain.activity import record
from ctm.core.domain.security import record_refusal
from ctm.linkage.domain.queries.records import record_details
from ctm.linkage.engine import CaptureTable, LinkageInputError, MSEInputError, overlap_table, table_from_frame
from ctm.linkage.enums import Decision
from ctm.linkage.models import LinkageRun, LinkedRecord, ScoredPair

REVIEW_MARGIN = 0.15
REVIEW_LIMIT = 200


def runs_for_user(membership: Any) -> QuerySet[LinkageRun]:
    return LinkageRun.objects.filter(organization_id=membership.organization_id).select_related("created_by")


def get_run_for_user(membership: Any, pk: int) -> LinkageRun:
    run = runs_for_user(membership).filter(pk=pk).first()
    if run is None:
        record_refusal("security.linkage_run.refused", membership, pk)
        raise Http404("No such linkage run")
    return run


def get_pair(run: LinkageRun, pk: int) -> ScoredPair:
    pair = (
        ScoredPair.objects.filter(organization_id=run.organization_id)
        .filter(run=run, pk=pk)
        .select_related("left", "right", "run", "decided_by")
        .first()
    )
    if pair is None:
        raise Http404("No such pair")
    return pair


def review_queue(
    run: LinkageRun, margin: float = REVIEW_MARGIN, limit: int = REVIEW_LIMIT
) -> list[ScoredPair]:
    """Pairs whose probability lies near the threshold, closest first, and every pair already decided."""
    near = Q(match_probability__gte=run.threshold - margin, match_probability__lte=run.threshold + margin)
    qs = (
        ScoredPair.objects.filter(organization_id=run.organization_id)
        .filter(run=run)
        .filter(near | ~Q(decision=Decision.NONE))
        .annotate(distance=Abs(F("match_probability") - run.threshold))
        .select_related("left", "right", "decided_by")
        .order_by("distance", "pk")
    )
    return list(qs[:limit])


def clusters_frame(run: LinkageRun) -> pd.DataFrame:
    rows = (
        LinkedRecord.objects.filter(organization_id=run.organization_id)
        .filter(run=run)
        .values_list("list_name", "record_id", "cluster_id")
    )
    return pd.DataFrame(list(rows), columns=["list", "record_id", "cluster_id"])


def run_overlap_table(run: LinkageRun) -> CaptureTable:
    """The capture-history table of the run's clusters (MSEInputError when it cannot feed an estimate)."""
    try:
        frame = overlap_table(clusters_frame(run))
    except LinkageInputError as exc:
        raise MSEInputError(str(exc)) from exc
    return table_from_frame(frame)


def run_overlap_rows(run: LinkageRun) -> tuple[list[str], list[list[int]]]:
    """Column names (lists, then `count`) and rows of the run's overlap table; empty for an empty run."""
    try:
        frame = overlap_table(clusters_frame(run))
    except LinkageInputError:
        return [], []
    return [str(c) for c in frame.columns], [[int(v) for v in row] for row in frame.to_numpy()]


def view_pair(membership: Any, pair: ScoredPair) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both records of a pair with their identifying data; the read is logged."""
    record(
        "linkage.pair.viewed",
        actor=membership.user,
        organization=membership.organization,
        obj=pair,
        label=f"{pair.run.label} #{pair.pk}",
        changes={"purpose": "clerical review"},
    )
    return record_details(pair.run, pair.left), record_details(pair.run, pair.right)
