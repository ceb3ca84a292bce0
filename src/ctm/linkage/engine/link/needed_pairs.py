"""Which scored pairs leave the database: the pairs clustering and the run's results need, no more.

Blocking scores far more pairs than clustering uses (at a million records, 63 million pairs scored, 1.3
million of them at or above KEEP_PROBABILITY): the others stay in the database.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

PAIR_COLUMNS = ("unique_id_l", "unique_id_r", "match_weight", "match_probability")
KEEP_PROBABILITY = 0.01  # pairs kept in the result (histogram, review queue)
# Positions leave the database as 32-bit integers (a quarter less per pair than 64-bit: at a million records,
# 16 million pairs fetched while DuckDB still holds every scored pair); `MAX_RECORDS` bounds a run.
# Weights and probabilities stay 64-bit floats: they are what a run stores.
POSITION = np.int32
MAX_RECORDS = int(np.iinfo(POSITION).max)
PAIR_TYPES = {"unique_id_l": POSITION, "unique_id_r": POSITION, "match_weight": np.float64,
              "match_probability": np.float64}
_NAMES = {"unique_id_l": "left", "unique_id_r": "right"}


def pairs_needed_sql(table: str, conflict_probability: float, linkable_from: float,
                     joined: np.ndarray | None = None) -> str:
    """The scored pairs at or above `keep` (results, histogram, review) and the low-scoring ones (below
    `conflict_probability`: evidence that two records are different people) between records that can be
    joined at all, that is records in a pair at or above `linkable_from` or in a `joined` pair (positions,
    shape (k, 2): a reviewer's acceptances, which join records whatever their pairs scored) (PostgreSQL;
    DuckDB narrows the low-scoring ones further, see `fetch_needed_pairs`)."""
    columns = ", ".join(PAIR_COLUMNS)
    return f"""
        WITH linkable AS (
            SELECT unique_id_l AS id FROM {table} WHERE match_probability >= {float(linkable_from)}
            UNION SELECT unique_id_r FROM {table} WHERE match_probability >= {float(linkable_from)}{_joined_sql(joined)}
        )
        SELECT {columns} FROM {table} WHERE match_probability >= {float(KEEP_PROBABILITY)}
        UNION ALL
        SELECT {columns} FROM {table}
        WHERE match_probability < {_low(conflict_probability)}
          AND unique_id_l IN (SELECT id FROM linkable) AND unique_id_r IN (SELECT id FROM linkable)
    """  # noqa: S608  (the table name is splink's own and the numbers pass through float() or int(): no user text)


def _joined_sql(joined: np.ndarray | None) -> str:
    """The records of the `joined` pairs as one more branch of the `linkable` union (integers only)."""
    records = joined_records(joined)
    if not len(records):
        return ""
    values = ", ".join(f"({int(k)})" for k in records.tolist())
    return f"\n            UNION SELECT id FROM (VALUES {values}) AS joined(id)"  # noqa: S608  (integers only)


def joined_records(joined: np.ndarray | None) -> np.ndarray:
    """The distinct records (positions) of the `joined` pairs."""
    if joined is None:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.asarray(joined, dtype=np.int64).reshape(-1))


def _low(conflict_probability: float) -> float:
    return min(float(conflict_probability), float(KEEP_PROBABILITY))


# Low-scoring pairs are read from DuckDB this many at a time, and those inside a component kept.
BATCH_PAIRS = 1_000_000


def fetch_needed_pairs(con: Any, table: str, n_records: int, conflict_probability: float, linkable_from: float,
                       joined: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """DuckDB: the pairs of `pairs_needed_sql` (records of `joined` pairs count as linkable), less the low-scoring pairs whose two records no chain of
    pairs at or above min(KEEP_PROBABILITY, `linkable_from`) or of `joined` pairs (positions, shape (k, 2):
    a reviewer's acceptances) connects. Those can never end in one cluster, so they decide nothing
    (`clusters.cluster_positions` reads the conflicts inside a component of links only) and are not kept
    (`linking.pairs_to_keep`). At a million records, fetching every conflict between linkable records
    took 37.9 million pairs out (1.3 million of them at or above KEEP_PROBABILITY), the peak of the run. The
    components are found in numpy from the strong pairs; the low-scoring pairs are then streamed out of
    DuckDB in batches and only those inside a component kept (a plain scan: the same filter as a join
    on the component, tried first, spilled until the disk was full at a million records). As arrays sorted by (left, right), so that
    clustering reads them in the same order whatever order DuckDB's threads produce them in."""
    columns = ", ".join(PAIR_COLUMNS)
    strong = as_pair_arrays(con.execute(
        f"SELECT {columns} FROM {table} "  # noqa: S608  (splink's table name, a number through float())
        f"WHERE match_probability >= {min(float(KEEP_PROBABILITY), float(linkable_from))}").fetchnumpy())
    component = _linkable_components(n_records, strong, linkable_from, joined)
    parts = [_select(strong, strong["match_probability"] >= KEEP_PROBABILITY)]
    del strong
    reader = con.sql(f"SELECT {columns} FROM {table} "  # noqa: S608  (as above)
                     f"WHERE match_probability < {_low(conflict_probability)}").to_arrow_reader(BATCH_PAIRS)
    for batch in reader:
        low = as_pair_arrays({c: batch.column(c).to_numpy() for c in PAIR_COLUMNS})
        parts.append(_select(low, component[low["left"]] == component[low["right"]]))
    return sort_pairs(_concatenate(parts))


def _concatenate(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The parts' columns end to end, one column at a time, each part's column let go once copied (the
    parts are emptied): the parts and the whole are never all held at once. At a million records the
    fetched pairs are 16 million (0.5 GB a copy), fetched while DuckDB still holds the scored pairs."""
    return {name: np.concatenate([part.pop(name) for part in parts]) for name in list(parts[0])}


def _select(pairs: dict[str, np.ndarray], keep: np.ndarray) -> dict[str, np.ndarray]:
    return {name: values[keep] for name, values in pairs.items()}


def _linkable_components(n_records: int, strong: dict[str, np.ndarray], linkable_from: float,
                         joined: np.ndarray | None) -> np.ndarray:
    """A label per record: linkable records (in a pair at or above `linkable_from`, or in a `joined` pair:
    an acceptance joins a record whatever its pairs scored) get their connected component among the
    `strong` pairs and the `joined` ones (>= 0), every other record a negative label of its own (it shares
    it with no one)."""
    extra = np.empty((0, 2), dtype=np.int64) if joined is None else np.asarray(joined, dtype=np.int64)
    links_l = np.concatenate([strong["left"], extra[:, 0]])
    links_r = np.concatenate([strong["right"], extra[:, 1]])
    graph = coo_matrix((np.ones(len(links_l), dtype=np.int8), (links_l, links_r)), shape=(n_records, n_records))
    _, component = connected_components(graph, directed=False)
    sure = strong["match_probability"] >= linkable_from
    linkable = np.zeros(n_records, dtype=bool)
    linkable[strong["left"][sure]] = True
    linkable[strong["right"][sure]] = True
    linkable[joined_records(extra)] = True
    return np.where(linkable, component, -1 - np.arange(n_records)).astype(np.int64)


def as_pair_arrays(arrays: dict[str, Any]) -> dict[str, np.ndarray]:
    """`left`, `right` (int32 positions), `match_weight`, `match_probability` from a fetched result."""
    return {_NAMES.get(c, c): np.asarray(arrays.pop(c), dtype=t) for c, t in PAIR_TYPES.items()}


def sort_pairs(pairs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """`pairs` sorted by (left, right), in place: the order is applied one column at a time, each column
    let go once its sorted copy is made, so a sort holds one column twice, not every column (returned for
    convenience)."""
    order = np.lexsort((pairs["right"], pairs["left"]))
    for name in list(pairs):
        pairs[name] = pairs[name][order]
    return pairs
