"""Linkage runs: start one (the lists are stored encrypted, the linking runs in the background),
re-cluster, review, delete. The job itself is in `run_job`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ctm.core import crypto
from ctm.core.domain import jobs
from ctm.core.errors import InvalidTransition
from ctm.linkage.domain import tasks
from ctm.linkage.domain.common import log, require_data_manager
from ctm.linkage.domain.queries.records import (
    PERSONS,
    UPLOAD,
    frame_to_bytes,
    person_count,
    upload_context,
)
from ctm.linkage.domain.run_job import summarise
from ctm.linkage.domain.stored import CHUNK, delete_rows, read_pairs, set_clusters
from ctm.linkage.engine import ReviewDecisions
from ctm.linkage.engine.link.clusters import cluster_positions, number_clusters, review_positions
from ctm.linkage.enums import Decision, JobStatus
from ctm.linkage.models import LinkageRun, LinkedRecord, ListUpload, ScoredPair


def start_run(
    *,
    by: Any,
    uploads: dict[str, pd.DataFrame],
    include_persons: bool,
    threshold: float,
    seed: int = 42,
    label: str = "",
    unique_lists: bool = False,
) -> LinkageRun:
    """Store the uploaded lists (encrypted) with a queued run and start linking in the background."""
    require_data_manager(by)
    lists = [{"name": by.organization.code, "source": PERSONS, "records": person_count(by.organization_id)}]
    lists = lists if include_persons else []
    lists += [{"name": name, "source": UPLOAD, "records": len(frame)} for name, frame in uploads.items()]
    if not lists:
        raise InvalidTransition(_("Choose at least one list."))
    names = [item["name"] for item in lists]
    with transaction.atomic():
        run = LinkageRun.objects.create(
            organization=by.organization,
            created_by=by.user,
            label=(label or ", ".join(names))[:200],
            lists=lists,
            settings={"seed": seed, "unique_lists": unique_lists},
            threshold=threshold,
        )
        _store_uploads(run, uploads)
        log("linkage.run.created", by, run, run.label, {"lists": [None, names], "threshold": [None, threshold]})
        language = translation.get_language()
        jobs.submit(tasks.link_lists, run.pk, language)
    run.refresh_from_db()  # the job may already have moved it on
    return run


def _store_uploads(run: LinkageRun, uploads: dict[str, pd.DataFrame]) -> None:
    for name, frame in uploads.items():
        key_id, blob = crypto.encrypt_bytes(
            frame_to_bytes(frame), upload_context(run.organization_id, run.pk)
        )
        ListUpload.objects.create(
            organization_id=run.organization_id, run=run, name=name, rows=len(frame), key_id=key_id, blob=blob
        )


def _require_done(run: LinkageRun) -> None:
    if run.status != JobStatus.DONE:
        raise InvalidTransition(_("This run has not finished linking: there is nothing to cluster or review yet."))


def _cluster(run: LinkageRun, threshold: float) -> None:
    """Clusters by the engine's rules (`cluster_positions`) over the run's stored pairs, respecting the
    review decisions; only the records whose cluster changed are written. The pairs are read as arrays
    (`stored.read_pairs`), not one object per pair: a run of a million records keeps ~16 million."""
    records = LinkedRecord.objects.filter(run=run).order_by("id").values_list("id", "list_name", "cluster_id")
    pks, lists, current = _record_arrays(records)
    pairs = read_pairs(run)
    numbers = _cluster_numbers(run, threshold, pks, lists, pairs.left, pairs.right, pairs.probability, pairs.decided)
    del pairs
    changed = numbers != current
    set_clusters(pks[changed], numbers[changed])
    run.threshold = threshold
    run.summary = summarise(numbers, ScoredPair.objects.filter(run=run).count())
    run.save(update_fields=["threshold", "summary", "updated_at"])


def _cluster_numbers(run: LinkageRun, threshold: float, pks: np.ndarray, lists: np.ndarray, left: np.ndarray,
                     right: np.ndarray, probability: np.ndarray, decided: list[tuple[int, int, str]]) -> np.ndarray:
    """Cluster numbers 1..k of the records `pks` (sorted ids; `lists`: their lists) from their pairs (the
    records' ids `left` and `right`, `probability`) and the decided pairs (left id, right id, decision),
    by the engine's rules (`cluster_positions`) with the run's conflict rule and unique lists, numbered as
    `number_clusters` numbers the ids as strings (as before ids were read as arrays)."""
    decisions = ReviewDecisions()
    for a, b, decision in decided:
        if decision == Decision.ACCEPTED:
            decisions.accept(str(a), str(b))
        elif decision == Decision.REJECTED:
            decisions.reject(str(a), str(b))
    ids = [str(pk) for pk in pks.tolist()]
    index = pd.Index(ids) if decided else None
    settings = run.settings or {}
    # The same conflict rule as the engine's first clustering, so reclustering is consistent with it.
    conflict = settings.get("conflict_probability")
    list_of = pd.factorize(lists)[0].astype(np.int64) if settings.get("unique_lists") else None
    labels = cluster_positions(
        len(pks), np.searchsorted(pks, left), np.searchsorted(pks, right), probability, threshold,
        float(conflict) if conflict is not None else None, list_of,
        review_positions(index, sorted(decisions.accepted)), review_positions(index, decisions.rejected),
    )
    return number_clusters(ids, labels)


def _record_arrays(rows: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, list names, cluster ids) of a run's records, read in chunks."""
    pks, lists, clusters = [], [], []
    for pk, lst, cluster in rows.iterator(chunk_size=CHUNK):
        pks.append(pk)
        lists.append(lst)
        clusters.append(cluster)
    return np.array(pks, dtype=np.int64), np.array(lists, dtype=object), np.array(clusters, dtype=np.int64)


def _cluster_around(run: LinkageRun, pair: ScoredPair) -> None:
    """After a decision on `pair`: the clusters `_cluster` would give, computed on the only records whose
    cluster can change (decision 0205). Clusters form inside the connected components of the links (pairs
    at or above the threshold, and accepted pairs), each on its own pairs; a decision changes one link,
    so only the component(s) of its two records change. They are found from the pair's records, link by
    link, and clustered again alone on their own pairs (conflicts included) by the same rules. The other
    clusters keep their numbers; the new clusters of the component take its old numbers in order, and
    new numbers after the run's highest when it splits into more. A reviewer's click reads a component's
    pairs, not the run's millions."""
    component = _linked_records(run, {pair.left_id, pair.right_id}, run.threshold)
    records = _in_chunks(
        component, lambda chunk: LinkedRecord.objects.filter(run=run, pk__in=chunk).values_list("id", "list_name", "cluster_id")
    )
    records.sort()
    pks = np.array([r[0] for r in records], dtype=np.int64)
    current = np.array([r[2] for r in records], dtype=np.int64)
    inside = set(component)
    rows = [
        row for row in _in_chunks(component, lambda chunk: ScoredPair.objects.filter(run=run, left_id__in=chunk)
                                  .values_list("left_id", "right_id", "match_probability", "decision"))
        if row[1] in inside
    ]
    lists = np.array([r[1] for r in records], dtype=object)
    numbers = _cluster_numbers(
        run, run.threshold, pks, lists, np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.int64), np.array([r[2] for r in rows], dtype=float),
        [(left, right, decision) for left, right, _probability, decision in sorted(rows) if decision],
    )  # 1..k inside the component
    old = np.unique(current)
    highest = LinkedRecord.objects.filter(run=run).aggregate(highest=Max("cluster_id"))["highest"] or 0
    fresh = np.arange(highest + 1, highest + 1 + max(0, int(numbers.max()) - len(old)), dtype=np.int64)
    given = np.concatenate([old, fresh])[numbers - 1]
    changed = given != current
    set_clusters(pks[changed], given[changed])
    before, after = _cluster_sizes(current), _cluster_sizes(given)
    summary = dict(run.summary or {})
    summary["clusters"] = summary.get("clusters", 0) - len(before) + len(after)
    summary["linked_clusters"] = (summary.get("linked_clusters", 0) - int((before > 1).sum())
                                  + int((after > 1).sum()))
    run.summary = summary
    run.save(update_fields=["summary", "updated_at"])


def _cluster_sizes(cluster_ids: np.ndarray) -> np.ndarray:
    return np.unique(cluster_ids, return_counts=True)[1]


def _linked_records(run: LinkageRun, start: set[int], threshold: float) -> list[int]:
    """The records joined to `start` by a chain of links (pairs at or above `threshold`, accepted pairs),
    `start` included: one query per step of the chains (in chunks of ids)."""
    links = ScoredPair.objects.filter(run=run).filter(Q(match_probability__gte=threshold) | Q(decision=Decision.ACCEPTED))
    seen, frontier = set(start), sorted(start)
    while frontier:
        found: set[int] = set()
        for left, right in _in_chunks(
            frontier, lambda chunk: links.filter(Q(left_id__in=chunk) | Q(right_id__in=chunk)).values_list("left_id", "right_id")
        ):
            found.update((left, right))
        frontier = sorted(found - seen)
        seen.update(frontier)
    return sorted(seen)


def _in_chunks(ids: list[int], query: Any, size: int = 500) -> list[Any]:
    """The rows of `query(chunk)` for each chunk of `ids`: SQLite takes a limited number of parameters."""
    rows: list[Any] = []
    for start in range(0, len(ids), size):
        rows.extend(query(ids[start:start + size]))
    return rows


def lowest_threshold(run: LinkageRun) -> float | None:
    """The lowest threshold the run's stored pairs re-cluster at to the clusters of a new run (the engine's
    `conflicts_from`, stored with the run's settings). A run stored before it was recorded kept the
    conflicts of the records linkable at its own first threshold only (`settings["threshold"]`); a run
    with neither has no floor known."""
    settings = run.settings or {}
    lowest = settings.get("conflicts_from", settings.get("threshold"))
    return None if lowest is None else float(lowest)


def recluster(run: LinkageRun, *, by: Any, threshold: float) -> None:
    """Cluster again at another threshold (the scored pairs are kept, so no new linkage is needed)."""
    require_data_manager(by, run)
    _require_done(run)
    if not 0.0 < threshold < 1.0:
        raise InvalidTransition({"threshold": _("The threshold must lie strictly between 0 and 1.")})
    lowest = lowest_threshold(run)
    if lowest is not None and threshold < lowest:
        raise InvalidTransition({"threshold": _(
            "This run kept the evidence needed to cluster its records at a threshold of %(lowest)s or more "
            "only: at %(threshold)s its clusters could differ from a new run's. Choose %(lowest)s or more, or "
            "start a new run at this threshold."
        ) % {"lowest": f"{lowest:g}", "threshold": f"{threshold:g}"}})
    old = run.threshold
    with transaction.atomic():
        _cluster(run, threshold)
        log("linkage.run.reclustered", by, run, run.label, {"threshold": [old, threshold]})


def decide_pair(pair: ScoredPair, *, by: Any, decision: str) -> None:
    """Accept (same person) or reject (different people) a pair; the clusters follow at once."""
    require_data_manager(by, pair)
    _require_done(pair.run)
    if decision not in (Decision.ACCEPTED, Decision.REJECTED):
        raise InvalidTransition(_("Unknown decision."))
    run = pair.run
    old = pair.decision
    with transaction.atomic():
        pair.decision, pair.decided_by, pair.decided_at = decision, by.user, timezone.now()
        pair.save(update_fields=["decision", "decided_by", "decided_at", "updated_at"])
        _cluster_around(run, pair)
        log(f"linkage.pair.{decision}", by, pair, f"{run.label} #{pair.pk}", {"decision": [old, decision]})


def delete_run(run: LinkageRun, *, by: Any) -> None:
    """Delete the run with its uploaded lists, records, pairs and decisions (estimates keep their table).
    A run still linking is not deleted: its job is working on it."""
    require_data_manager(by, run)
    if run.running:
        raise InvalidTransition(_("This run is still linking: wait until it has finished or failed, then delete it."))
    with transaction.atomic():
        log("linkage.run.deleted", by, run, run.label, {"lists": [run.list_names, None]})
        delete_rows(run)
        run.delete()
