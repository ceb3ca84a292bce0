"""A run's records and scored pairs into the database and back, at any size (decision 0205).

A run of a million records keeps about 16 million scored pairs (every pair at or above 0.01 and the
conflicts re-clustering needs: decision 0204). Neither direction holds one Python object per row:
records are written in batches and their ids kept in one integer array; pairs go from the engine's
arrays to PostgreSQL through COPY (psycopg's `Copy.write_row`) and to SQLite in batches of
`bulk_create`; re-clustering reads them back into arrays, chunk by chunk, and writes the clusters that
changed from arrays; a run is deleted by one DELETE per table. Every row written carries the
run's organization, as the ORM's rows do (the job runs inside the run's organization's scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.core.errors import InvalidTransition
from ctm.linkage.enums import Decision
from ctm.linkage.models import LinkageRun, LinkedRecord, ScoredPair

BATCH = 2000  # rows per INSERT of the ORM
CHUNK = 50_000  # rows per fetch when reading pairs back
SEP = "\x1f"  # the engine's unique_id is "<list>\x1f<record_id>"
# The columns COPY fills; the others keep their defaults (no decision, nobody, never).
PAIR_COLUMNS = ("created_at", "updated_at", "organization", "run", "left", "right", "match_weight",
                "match_probability", "decision")


def store_records(run: LinkageRun, clusters: pd.DataFrame) -> tuple[pd.Index, np.ndarray]:
    """The run's records (`clusters`: list, record_id, cluster_id): COPY on PostgreSQL, batches of
    `bulk_create` elsewhere. Returns the engine's unique ids of the rows and their database ids, in the
    order of `clusters`."""
    lists = clusters["list"].astype(str).to_numpy(dtype=object)
    record_ids = clusters["record_id"].astype(str).to_numpy(dtype=object)
    cluster_ids = clusters["cluster_id"].to_numpy(dtype=np.int64)
    unique = pd.Index(lists + SEP + record_ids)
    if connection.vendor == "postgresql":
        now = timezone.now()
        rows = zip(lists.tolist(), record_ids.tolist(), cluster_ids.tolist(), strict=True)
        _copy(LinkedRecord, ("created_at", "updated_at", "organization", "run", "list_name", "record_id", "cluster_id"),
              ((now, now, run.organization_id, run.pk, *row) for row in rows))
        return unique, _record_ids(run, unique)
    ids = np.zeros(len(clusters), dtype=np.int64)
    returned = True
    for start in range(0, len(clusters), BATCH):
        end = start + BATCH
        made = [
            LinkedRecord(organization_id=run.organization_id, run_id=run.pk, list_name=lst, record_id=rid,
                         cluster_id=int(cid))
            for lst, rid, cid in zip(lists[start:end], record_ids[start:end], cluster_ids[start:end], strict=True)
        ]
        LinkedRecord.objects.bulk_create(made)
        returned = returned and made[0].pk is not None
        if returned:
            ids[start:end] = [row.pk for row in made]
    return unique, (ids if returned else _record_ids(run, unique))


def _record_ids(run: LinkageRun, unique: pd.Index) -> np.ndarray:
    """The database ids of the run's records, in the order of their engine's unique ids `unique`."""
    pks, keys = [], []
    for lst, rid, pk in LinkedRecord.objects.filter(run=run).values_list("list_name", "record_id", "id").iterator(
        chunk_size=CHUNK
    ):
        keys.append(f"{lst}{SEP}{rid}")
        pks.append(pk)
    where = pd.Index(keys).get_indexer(unique)
    if (where < 0).any():
        raise InvalidTransition(_("The linkage engine returned a pair of unknown records."))
    return np.asarray(pks, dtype=np.int64)[where]


def store_pairs(run: LinkageRun, pairs: pd.DataFrame, unique: pd.Index, ids: np.ndarray) -> int:
    """The run's kept pairs (`pairs`: unique_id_l, unique_id_r, match_weight, match_probability), with
    the database ids of their records (`unique`, `ids`: from `store_records`). Returns how many."""
    left = unique.get_indexer(pairs["unique_id_l"].to_numpy(dtype=object))
    right = unique.get_indexer(pairs["unique_id_r"].to_numpy(dtype=object))
    if (left < 0).any() or (right < 0).any():
        raise InvalidTransition(_("The linkage engine returned a pair of unknown records."))
    columns = (ids[left], ids[right], pairs["match_weight"].to_numpy(dtype=float),
               pairs["match_probability"].to_numpy(dtype=float))
    del left, right
    if connection.vendor == "postgresql":
        _copy_pairs(run, *columns)
    else:
        _insert_pairs(run, *columns)
    return len(pairs)


def _copy_pairs(run: LinkageRun, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
                probability: np.ndarray) -> None:
    now, organization, run_id, none = timezone.now(), run.organization_id, run.pk, Decision.NONE.value

    def rows() -> Any:
        for start in range(0, len(left), CHUNK):
            end = start + CHUNK
            for a, b, w, p in zip(left[start:end].tolist(), right[start:end].tolist(), weight[start:end].tolist(),
                                  probability[start:end].tolist(), strict=True):
                yield now, now, organization, run_id, a, b, w, p, none

    _copy(ScoredPair, PAIR_COLUMNS, rows())


def _copy(model: Any, fields: tuple[str, ...], rows: Any) -> None:
    """PostgreSQL's COPY of `rows` into `model`'s table: about ten times as fast as INSERTs of the same
    rows (decision 0205). The columns come from the model's fields."""
    from psycopg import sql

    meta = model._meta
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table), sql.SQL(", ").join(sql.Identifier(meta.get_field(f).column) for f in fields)
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def set_clusters(pks: np.ndarray, clusters: np.ndarray) -> None:
    """New cluster ids of some records: on PostgreSQL one UPDATE per CHUNK records from two arrays, on
    SQLite one prepared UPDATE run for each. (`bulk_update` writes a CASE with a branch per row for every
    row of its batch: its time grows with the square of the batch; 46 s for 181,349 records.)"""
    meta = LinkedRecord._meta
    table, cluster, key = (connection.ops.quote_name(name) for name in (
        meta.db_table, meta.get_field("cluster_id").column, meta.pk.column))
    pks, clusters = np.asarray(pks, dtype=np.int64), np.asarray(clusters, dtype=np.int64)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for start in range(0, len(pks), CHUNK):
                cursor.execute(
                    f"UPDATE {table} AS r SET {cluster} = v.c FROM unnest(%s::bigint[], %s::bigint[]) AS v(k, c) "  # noqa: S608  (names from the model)
                    f"WHERE r.{key} = v.k",
                    [pks[start:start + CHUNK].tolist(), clusters[start:start + CHUNK].tolist()],
                )
        else:
            cursor.executemany(f"UPDATE {table} SET {cluster} = %s WHERE {key} = %s",  # noqa: S608  (names from the model)
                               list(zip(clusters.tolist(), pks.tolist(), strict=True)))


def delete_rows(run: LinkageRun) -> None:
    """The run's pairs, then its records, each in one DELETE: the ORM's cascade would first load every
    record (they have dependants), a Python object each."""
    with connection.cursor() as cursor:
        for model in (ScoredPair, LinkedRecord):
            meta = model._meta
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(meta.db_table)} "  # noqa: S608  (names from the model)
                f"WHERE {connection.ops.quote_name(meta.get_field('run').column)} = %s", [run.pk]
            )


def _insert_pairs(run: LinkageRun, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
                  probability: np.ndarray) -> None:
    for start in range(0, len(left), BATCH):
        end = start + BATCH
        ScoredPair.objects.bulk_create([
            ScoredPair(organization_id=run.organization_id, run_id=run.pk, left_id=a, right_id=b, match_weight=w,
                       match_probability=p)
            for a, b, w, p in zip(left[start:end].tolist(), right[start:end].tolist(), weight[start:end].tolist(),
                                  probability[start:end].tolist(), strict=True)
        ])


@dataclass
class StoredPairs:
    """A run's pairs as arrays: the database ids of their records, their probabilities, and the pairs a
    reviewer decided (left id, right id, decision), in the order of their ids."""

    left: np.ndarray
    right: np.ndarray
    probability: np.ndarray
    decided: list[tuple[int, int, str]]


def read_pairs(run: LinkageRun) -> StoredPairs:
    """Every pair of the run, read in chunks (a server-side cursor on PostgreSQL) into three arrays."""
    parts: list[np.ndarray] = []
    rows = ScoredPair.objects.filter(run=run).values_list("left_id", "right_id", "match_probability")
    chunk: list[Any] = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            parts.append(np.array(chunk, dtype=np.float64))
            chunk = []
    if chunk:
        parts.append(np.array(chunk, dtype=np.float64))
    table = np.concatenate(parts) if parts else np.empty((0, 3))
    decided = ScoredPair.objects.filter(run=run).exclude(decision=Decision.NONE).order_by("id")
    return StoredPairs(table[:, 0].astype(np.int64), table[:, 1].astype(np.int64), table[:, 2],
                       list(decided.values_list("left_id", "right_id", "decision")))
