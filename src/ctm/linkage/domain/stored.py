"""A run's records and scored pairs into the database and back, at any size (decision 0205).

A run of a million records keeps about 16 million scored pairs (every pair at or above 0.01 and the
conflicts re-clustering needs: decision 0204). Neither direction holds one Python object per row:
records are written in batches and their ids kept in one integer array; pairs go from the engine's
arrays to PostgreSQL through COPY (psycopg's `Copy.write_row`) and to SQLite in batches of
`bulk_create`; re-clustering reads them back into arrays, chunk by chunk. Every row written carries the
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
    """The run's records (`clusters`: list, record_id, cluster_id), in batches. Returns the engine's
    unique ids of the rows and their database ids, in the order of `clusters`."""
    lists = clusters["list"].astype(str).to_numpy(dtype=object)
    record_ids = clusters["record_id"].astype(str).to_numpy(dtype=object)
    cluster_ids = clusters["cluster_id"].to_numpy(dtype=np.int64)
    ids = np.zeros(len(clusters), dtype=np.int64)
    returned = True
    for start in range(0, len(clusters), BATCH):
        end = start + BATCH
        rows = [
            LinkedRecord(organization_id=run.organization_id, run_id=run.pk, list_name=lst, record_id=rid,
                         cluster_id=int(cid))
            for lst, rid, cid in zip(lists[start:end], record_ids[start:end], cluster_ids[start:end], strict=True)
        ]
        LinkedRecord.objects.bulk_create(rows)
        returned = returned and rows[0].pk is not None
        if returned:
            ids[start:end] = [row.pk for row in rows]
    unique = pd.Index(lists + SEP + record_ids)
    if not returned:  # a backend that does not return ids from bulk inserts
        found = LinkedRecord.objects.filter(run=run).values_list("list_name", "record_id", "id")
        by_unique = {f"{lst}{SEP}{rid}": pk for lst, rid, pk in found.iterator(chunk_size=CHUNK)}
        ids = np.fromiter((by_unique[u] for u in unique), dtype=np.int64, count=len(unique))
    return unique, ids


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
    """PostgreSQL's COPY: about ten times as fast as INSERTs of the same rows (decision 0205)."""
    from psycopg import sql

    meta = ScoredPair._meta
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table),
        sql.SQL(", ").join(sql.Identifier(meta.get_field(name).column) for name in PAIR_COLUMNS),
    )
    now, organization, run_id = timezone.now(), run.organization_id, run.pk
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for start in range(0, len(left), CHUNK):
            end = start + CHUNK
            for row in zip(left[start:end].tolist(), right[start:end].tolist(), weight[start:end].tolist(),
                           probability[start:end].tolist(), strict=True):
                copy.write_row((now, now, organization, run_id, *row, Decision.NONE.value))


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
