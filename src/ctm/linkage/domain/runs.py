"""Linkage runs: link the lists with the engine, store references only, re-cluster, review, delete."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from splink.internals.exceptions import SplinkException

from ctm.core import crypto
from ctm.core.errors import InvalidTransition
from ctm.linkage.domain.common import log, require_data_manager
from ctm.linkage.domain.queries.records import (
    PERSONS,
    UPLOAD,
    frame_to_bytes,
    person_records,
    upload_context,
)
from ctm.linkage.engine import (
    LinkageInputError,
    LinkResult,
    LinkSettings,
    ReviewDecisions,
    cluster_pairs,
    link_lists,
)
from ctm.linkage.enums import Decision
from ctm.linkage.models import LinkageRun, LinkedRecord, ListUpload, ScoredPair

BATCH = 2000
SEP = "\x1f"  # the engine's unique_id is "<list>\x1f<record_id>"


def _link(frames: dict[str, pd.DataFrame], threshold: float, seed: int) -> LinkResult:
    try:
        return link_lists(frames, LinkSettings(threshold=threshold, seed=seed))
    except (LinkageInputError, SplinkException, ValueError, ZeroDivisionError) as exc:
        # splink refuses some small or uniform lists (e.g. no pair for an EM training rule).
        reason = " ".join(str(exc).split())[:300]
        raise InvalidTransition(_("The lists could not be linked: %(reason)s") % {"reason": reason}) from exc


def start_run(
    *,
    by: Any,
    uploads: dict[str, pd.DataFrame],
    include_persons: bool,
    threshold: float,
    seed: int = 42,
    label: str = "",
) -> LinkageRun:
    """Link the organization's persons and/or uploaded lists; store references, weights and clusters."""
    require_data_manager(by)
    frames: dict[str, pd.DataFrame] = {}
    if include_persons:
        frames[by.organization.code] = person_records(by.organization_id)
    frames.update(uploads)
    if not frames:
        raise InvalidTransition(_("Choose at least one list."))
    result = _link(frames, threshold, seed)
    lists = [
        {"name": name, "source": PERSONS if name not in uploads else UPLOAD, "records": len(frame)}
        for name, frame in frames.items()
    ]
    with transaction.atomic():
        run = LinkageRun.unscoped.create(
            organization=by.organization,
            created_by=by.user,
            label=label or ", ".join(frames),
            lists=lists,
            settings=result.settings.to_dict(),
            threshold=threshold,
            summary={},
            histogram=result.histogram(),
            warnings=list(result.warnings),
        )
        _store_uploads(run, uploads)
        records = _store_records(run, result.clusters)
        _store_pairs(run, result.pairs, records)
        _summarise(run, records.values())
        run.save(update_fields=["summary"])
        changes = {"lists": [None, [item["name"] for item in lists]], "threshold": [None, threshold]}
        log("linkage.run.created", by, run, run.label, changes)
        if include_persons:
            log("linkage.persons.linked", by, run, run.label, {"persons": [None, lists[0]["records"]]})
    return run


def _store_uploads(run: LinkageRun, uploads: dict[str, pd.DataFrame]) -> None:
    for name, frame in uploads.items():
        key_id, blob = crypto.encrypt_bytes(
            frame_to_bytes(frame), upload_context(run.organization_id, run.pk)
        )
        ListUpload.unscoped.create(
            organization_id=run.organization_id, run=run, name=name, rows=len(frame), key_id=key_id, blob=blob
        )


def _store_records(run: LinkageRun, clusters: pd.DataFrame) -> dict[str, LinkedRecord]:
    rows = [
        LinkedRecord(
            organization_id=run.organization_id,
            run=run,
            list_name=str(lst),
            record_id=str(rid),
            cluster_id=int(cid),
        )
        for lst, rid, cid in clusters[["list", "record_id", "cluster_id"]].itertuples(index=False)
    ]
    LinkedRecord.unscoped.bulk_create(rows, batch_size=BATCH)
    if rows and rows[0].pk is None:  # a backend that does not return ids from bulk inserts
        rows = list(LinkedRecord.unscoped.filter(run=run))
    return {f"{r.list_name}{SEP}{r.record_id}": r for r in rows}


def _store_pairs(run: LinkageRun, pairs: pd.DataFrame, records: dict[str, LinkedRecord]) -> None:
    rows = []
    for left, right, weight, probability in pairs[
        ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    ].itertuples(index=False):
        a, b = records.get(str(left)), records.get(str(right))
        if a is None or b is None:
            raise InvalidTransition(_("The linkage engine returned a pair of unknown records."))
        rows.append(
            ScoredPair(
                organization_id=run.organization_id,
                run=run,
                left=a,
                right=b,
                match_weight=float(weight),
                match_probability=float(probability),
            )
        )
    ScoredPair.unscoped.bulk_create(rows, batch_size=BATCH)


def _summarise(run: LinkageRun, records: Any) -> None:
    sizes: dict[int, int] = {}
    for r in records:
        sizes[r.cluster_id] = sizes.get(r.cluster_id, 0) + 1
    run.summary = {
        "records": sum(sizes.values()),
        "clusters": len(sizes),
        "linked_clusters": sum(1 for n in sizes.values() if n > 1),
        "scored_pairs": ScoredPair.unscoped.filter(run=run).count(),
    }


def _cluster(run: LinkageRun, threshold: float) -> None:
    """Connected components over pairs at or above the threshold, respecting the review decisions."""
    records = list(LinkedRecord.unscoped.filter(run=run).only("id", "cluster_id"))
    decisions = ReviewDecisions()
    rows = []
    for left, right, probability, decision in ScoredPair.unscoped.filter(run=run).values_list(
        "left_id", "right_id", "match_probability", "decision"
    ):
        rows.append((str(left), str(right), probability))
        if decision == Decision.ACCEPTED:
            decisions.accept(str(left), str(right))
        elif decision == Decision.REJECTED:
            decisions.reject(str(left), str(right))
    frame = pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])
    # The same conflict rule as the engine's first clustering, so reclustering is consistent with it.
    conflict = (run.settings or {}).get("conflict_probability")
    cluster_of = cluster_pairs(
        [str(r.pk) for r in records], frame, threshold, decisions,
        float(conflict) if conflict is not None else None,
    )
    changed = []
    for r in records:
        new = cluster_of[str(r.pk)]
        if r.cluster_id != new:
            r.cluster_id = new
            changed.append(r)
    LinkedRecord.unscoped.bulk_update(changed, ["cluster_id"], batch_size=BATCH)
    run.threshold = threshold
    _summarise(run, records)
    run.save(update_fields=["threshold", "summary", "updated_at"])


def recluster(run: LinkageRun, *, by: Any, threshold: float) -> None:
    """Cluster again at another threshold (the scored pairs are kept, so no new linkage is needed)."""
    require_data_manager(by, run)
    if not 0.0 < threshold < 1.0:
        raise InvalidTransition({"threshold": _("The threshold must lie strictly between 0 and 1.")})
    old = run.threshold
    with transaction.atomic():
        _cluster(run, threshold)
        log("linkage.run.reclustered", by, run, run.label, {"threshold": [old, threshold]})


def decide_pair(pair: ScoredPair, *, by: Any, decision: str) -> None:
    """Accept (same person) or reject (different people) a pair; the clusters follow at once."""
    require_data_manager(by, pair)
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise InvalidTransition(_("Unknown decision."))
    run = pair.run
    old = pair.decision
    with transaction.atomic():
        pair.decision, pair.decided_by, pair.decided_at = decision, by.user, timezone.now()
        pair.save(update_fields=["decision", "decided_by", "decided_at", "updated_at"])
        _cluster(run, run.threshold)
        log(f"linkage.pair.{decision}", by, pair, f"{run.label} #{pair.pk}", {"decision": [old, decision]})


def delete_run(run: LinkageRun, *, by: Any) -> None:
    """Delete the run with its uploaded lists, records, pairs and decisions (estimates keep their table)."""
    require_data_manager(by, run)
    with transaction.atomic():
        log("linkage.run.deleted", by, run, run.label, {"lists": [run.list_names, None]})
        run.delete()
