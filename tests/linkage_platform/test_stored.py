"""A run's records and pairs stored and read back at any size (ctm.linkage.domain.stored, decision 0205):
the same rows as the engine gave, never one Python object per pair in memory, nothing half-written, and
re-clustering from the stored arrays gives the engine's clusters, decisions and unique lists included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from django.db import connection, transaction

from ctm.core.errors import InvalidTransition
from ctm.linkage.domain import run_job, runs, stored
from ctm.linkage.domain.run_job import summarise
from ctm.linkage.engine import LinkResult, LinkSettings, ReviewDecisions, cluster_pairs
from ctm.linkage.enums import Decision, JobStatus
from ctm.linkage.models import LinkageRun, LinkedRecord, ScoredPair

pytestmark = pytest.mark.django_db


def empty_run(membership, **settings) -> LinkageRun:
    return LinkageRun.objects.create(
        organization=membership.organization, created_by=membership.user, label="stored", lists=[],
        settings={"conflict_probability": 0.5, **settings}, threshold=0.5, status=JobStatus.DONE, progress=100,
    )


def engine_like(records: int, pairs: int, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the engine hands the platform: clusters (list, record_id, cluster_id) and kept pairs of
    unique ids "<list>\\x1f<record_id>" with weights and probabilities (a few below 0.01, as kept conflicts)."""
    rng = np.random.default_rng(seed)
    lists = np.array(["shelter", "police", "ngo"], dtype=object)[rng.integers(0, 3, records)]
    record_ids = np.array([f"R-{k}" for k in range(records)], dtype=object)
    clusters = pd.DataFrame({"list": lists, "record_id": record_ids, "cluster_id": rng.integers(1, records // 3, records)})
    unique = lists + stored.SEP + record_ids
    left = rng.integers(0, records, pairs)
    right = (left + rng.integers(1, records, pairs)) % records
    probability = np.concatenate([rng.uniform(0.0001, 0.01, pairs // 10), rng.uniform(0.01, 1.0, pairs - pairs // 10)])
    rng.shuffle(probability)
    weight = np.log2(probability / (1 - probability))
    frame = pd.DataFrame({"unique_id_l": unique[left], "unique_id_r": unique[right], "match_weight": weight,
                          "match_probability": probability})
    return clusters, frame


def test_stored_pairs_are_the_engines_pairs_on_their_records(personas):
    run = empty_run(personas.data_manager)
    clusters, pairs = engine_like(300, 2 * stored.BATCH + 7)
    unique, ids = stored.store_records(run, clusters)
    assert stored.store_pairs(run, pairs, unique, ids) == len(pairs)
    records = {r.pk: r for r in LinkedRecord.objects.filter(run=run)}
    assert sorted((r.list_name, r.record_id, r.cluster_id) for r in records.values()) == sorted(
        clusters.itertuples(index=False, name=None))
    got = sorted(
        (f"{records[p.left_id].list_name}\x1f{records[p.left_id].record_id}",
         f"{records[p.right_id].list_name}\x1f{records[p.right_id].record_id}", p.match_weight, p.match_probability,
         p.decision, p.decided_by_id, p.decided_at, p.organization_id)
        for p in ScoredPair.objects.filter(run=run)
    )
    organization = personas.org.pk
    want = sorted((a, b, w, p, "", None, None, organization) for a, b, w, p in pairs.itertuples(index=False, name=None))
    assert got == want  # floats exact: COPY and INSERT both send them in full
    assert ScoredPair.objects.filter(run=run, created_at__isnull=False, updated_at__isnull=False).count() == len(pairs)


def test_pairs_are_never_all_in_memory_as_objects(personas, monkeypatch):
    """The old store built one ScoredPair per pair before inserting (16 million at a million records)."""
    built = []
    real = ScoredPair.objects.bulk_create

    def counting(objs, *args, **kwargs):
        objs = list(objs)
        built.append(len(objs))
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(ScoredPair.objects, "bulk_create", counting)
    run = empty_run(personas.data_manager)
    LinkageRun.objects.filter(pk=run.pk).update(status=JobStatus.RUNNING)
    clusters, pairs = engine_like(200, 3 * stored.BATCH + 1)
    run_job._store(run, {}, LinkResult(clusters, pairs, LinkSettings()))  # the job's own step
    run.refresh_from_db()
    assert run.status == JobStatus.DONE
    assert ScoredPair.objects.filter(run=run).count() == run.summary["scored_pairs"] == len(pairs)
    if connection.vendor == "postgresql":
        assert built == []  # COPY, from the arrays
    else:
        assert built and max(built) <= stored.BATCH, built


def test_a_pair_of_an_unknown_record_is_refused_and_nothing_is_left(personas):
    run = empty_run(personas.data_manager)
    clusters, pairs = engine_like(50, 40)
    pairs.loc[17, "unique_id_r"] = "police\x1fnobody"
    with pytest.raises(InvalidTransition), transaction.atomic():  # _store's own transaction
        stored.store_pairs(run, pairs, *stored.store_records(run, clusters))
    assert not LinkedRecord.objects.filter(run=run).exists()
    assert not ScoredPair.objects.filter(run=run).exists()


def test_read_pairs_gives_back_every_pair_and_the_decisions(personas, monkeypatch):
    monkeypatch.setattr(stored, "CHUNK", 1000)  # several chunks
    run = empty_run(personas.data_manager)
    clusters, pairs = engine_like(120, 2500)
    stored.store_pairs(run, pairs, *stored.store_records(run, clusters))
    first, second = ScoredPair.objects.filter(run=run).order_by("id")[:2]
    ScoredPair.objects.filter(pk=first.pk).update(decision=Decision.ACCEPTED)
    ScoredPair.objects.filter(pk=second.pk).update(decision=Decision.REJECTED)
    back = stored.read_pairs(run)
    want = sorted(ScoredPair.objects.filter(run=run).values_list("left_id", "right_id", "match_probability"))
    assert sorted(zip(back.left.tolist(), back.right.tolist(), back.probability.tolist(), strict=True)) == want
    assert back.decided == [(first.left_id, first.right_id, "accepted"), (second.left_id, second.right_id, "rejected")]


@pytest.mark.parametrize("unique_lists", [False, True])
def test_reclustering_from_arrays_gives_the_engines_clusters(personas, unique_lists):
    """`_cluster` against the engine's own `cluster_pairs` on the same stored rows (string ids, as before)."""
    run = empty_run(personas.data_manager, unique_lists=unique_lists)
    clusters, pairs = engine_like(400, 1500, seed=11)
    stored.store_pairs(run, pairs, *stored.store_records(run, clusters))
    rows = list(ScoredPair.objects.filter(run=run).order_by("id"))
    for pair in rows[::97]:
        pair.decision = Decision.ACCEPTED
    for pair in rows[5::89]:
        pair.decision = Decision.REJECTED
    ScoredPair.objects.bulk_update(rows, ["decision"])
    for threshold in (0.3, 0.5, 0.9):
        with transaction.atomic():
            runs._cluster(run, threshold)
        records = list(LinkedRecord.objects.filter(run=run))
        want = whole_run_clusters(records, rows, threshold, unique_lists)
        assert {str(r.pk): r.cluster_id for r in records} == want, threshold
        run.refresh_from_db()
        assert run.summary == summarise([r.cluster_id for r in records], len(rows))


def whole_run_clusters(records: list, rows: list, threshold: float, unique_lists: bool) -> dict[str, int]:
    """The engine's `cluster_pairs` over every stored pair with every decision, on string ids as before."""
    decisions = ReviewDecisions()
    for p in rows:
        if p.decision == Decision.ACCEPTED:
            decisions.accept(str(p.left_id), str(p.right_id))
        elif p.decision == Decision.REJECTED:
            decisions.reject(str(p.left_id), str(p.right_id))
    frame = pd.DataFrame([(str(p.left_id), str(p.right_id), p.match_probability) for p in rows],
                         columns=["unique_id_l", "unique_id_r", "match_probability"])
    unique = {str(r.pk): r.list_name for r in records} if unique_lists else None
    return cluster_pairs([str(r.pk) for r in records], frame, threshold, decisions, 0.5, unique)


def partition(labels: dict[str, int]) -> set[frozenset[str]]:
    groups: dict[int, set[str]] = {}
    for record, label in labels.items():
        groups.setdefault(label, set()).add(record)
    return {frozenset(g) for g in groups.values()}


@pytest.mark.parametrize("unique_lists", [False, True])
def test_a_review_decision_reclusters_its_component_to_what_the_whole_run_gives(personas, unique_lists):
    """Decision after decision (accept, reject, change of mind), the clusters equal the engine's over every
    stored pair, the untouched clusters keep their numbers, and the summary follows."""
    run = empty_run(personas.data_manager, unique_lists=unique_lists)
    clusters, pairs = engine_like(300, 700, seed=5)
    stored.store_pairs(run, pairs, *stored.store_records(run, clusters))
    with transaction.atomic():
        runs._cluster(run, 0.5)  # the run's own clustering of these pairs
    rng = np.random.default_rng(8)
    candidates = list(ScoredPair.objects.filter(run=run).order_by("id"))
    for step in range(25):
        pair = candidates[int(rng.integers(0, len(candidates)))]
        pair.refresh_from_db()
        before = dict(LinkedRecord.objects.filter(run=run).values_list("id", "cluster_id"))
        decision = [Decision.ACCEPTED, Decision.REJECTED][step % 2]
        runs.decide_pair(pair, by=personas.data_manager, decision=decision)
        run.refresh_from_db()
        rows = list(ScoredPair.objects.filter(run=run))
        records = list(LinkedRecord.objects.filter(run=run))
        want = whole_run_clusters(records, rows, 0.5, unique_lists)
        got = {str(r.pk): r.cluster_id for r in records}
        assert partition(got) == partition(want), step
        assert run.summary == summarise(list(got.values()), len(rows)), step
        moved = {pk for pk, c in before.items() if got[str(pk)] != c}
        touched = {c for pk, c in before.items() if pk in moved}  # clusters that lost or changed records
        assert all(got[str(pk)] == c for pk, c in before.items() if c not in touched), step


def test_deleting_a_run_removes_its_rows_only(personas):
    """One DELETE per table (no record loaded); another run of the same organization keeps everything."""
    kept, gone = empty_run(personas.data_manager), empty_run(personas.data_manager)
    for run in (kept, gone):
        clusters, pairs = engine_like(80, 200)
        stored.store_pairs(run, pairs, *stored.store_records(run, clusters))
    runs.delete_run(gone, by=personas.data_manager)
    assert not LinkageRun.objects.filter(pk=gone.pk).exists()
    assert not LinkedRecord.objects.filter(run_id=gone.pk).exists()
    assert not ScoredPair.objects.filter(run_id=gone.pk).exists()
    assert LinkedRecord.objects.filter(run=kept).count() == 80
    assert ScoredPair.objects.filter(run=kept).count() == 200
    assert_nothing_dangles()


def assert_nothing_dangles() -> None:
    """Without constraints in the database (decision 0205), no pair may point at a missing record, run or
    organization, or at records of another run or organization."""
    records = dict(LinkedRecord.objects.values_list("id", "run_id"))
    runs_of = dict(LinkageRun.objects.values_list("id", "organization_id"))
    for left, right, run, organization in ScoredPair.objects.values_list("left_id", "right_id", "run_id",
                                                                          "organization_id"):
        assert records.get(left) == run and records.get(right) == run
        assert runs_of.get(run) == organization


def test_a_run_linked_by_the_job_leaves_nothing_dangling(dm, personas, registered_people):
    """The whole path, the engine included: stored, reviewed, re-clustered, deleted."""
    from tests.linkage_platform.conftest import list_csv, upload
    from tests.linkage_platform.test_runs import POLICE, SHELTER, start

    assert start(dm, [upload("shelter.csv", list_csv(SHELTER)), upload("police.csv", list_csv(POLICE))]).status_code == 302
    run = LinkageRun.objects.get(organization=personas.org)
    assert ScoredPair.objects.filter(run=run).exists()
    assert_nothing_dangles()
    runs.decide_pair(ScoredPair.objects.filter(run=run).first(), by=personas.data_manager, decision="rejected")
    with transaction.atomic():
        runs._cluster(run, 0.3)
    assert_nothing_dangles()
    runs.delete_run(run, by=personas.data_manager)
    assert not ScoredPair.objects.exists() and not LinkedRecord.objects.exists()
