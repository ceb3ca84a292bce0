"""The same splink settings on every backend: DuckDB always, PostgreSQL when a server is reachable.

PostgreSQL: CTM_LINKAGE_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/ctm_linkage_pg_<xdist worker>;
the database is created when missing). Each run works in a schema of its own and drops it.
"""

from __future__ import annotations

import os

import pytest

from ctm.linkage.engine import LinkSettings, evaluate, generate_lists, link_lists
from ctm.linkage.engine.link.splink_model import BACKENDS

# one database per test process (pytest-xdist's worker name), so two processes never share splink's tables
POSTGRES_URL = os.environ.get(
    "CTM_LINKAGE_POSTGRES_URL",
    f"postgresql+psycopg://postgres@127.0.0.1:5432/ctm_linkage_pg_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}",
)


def _postgres_ready(url: str) -> str | None:
    """None when usable, else why not (the skip reason)."""
    try:
        import sqlalchemy
    except ImportError:
        return "sqlalchemy is not installed (splink's PostgreSQL backend needs it)"
    target = sqlalchemy.engine.make_url(url)
    try:
        engine = sqlalchemy.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as con:
            exists = con.execute(sqlalchemy.text("SELECT 1 FROM pg_database WHERE datname = :d"),
                                 {"d": target.database}).first()
            if not exists:
                con.execute(sqlalchemy.text(f'CREATE DATABASE "{target.database}"'))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL not reachable at {target.render_as_string(hide_password=True)}: {exc}"[:300]
    return None


def _settings(backend: str) -> LinkSettings:
    if backend == "postgres":
        reason = _postgres_ready(POSTGRES_URL)
        if reason:
            if os.environ.get("CI"):  # .ci/run provides PostgreSQL and sqlalchemy: never skip there
                pytest.fail(reason)
            pytest.skip(reason)
        return LinkSettings(backend="postgres", postgres_url=POSTGRES_URL)
    return LinkSettings(backend=backend)


@pytest.fixture(scope="module")
def small_lists():
    return generate_lists(3, 120, seed=5)


@pytest.mark.parametrize("backend", BACKENDS)
def test_linkage_runs_on_backend(backend, small_lists):
    lists, truth = small_lists
    result = link_lists(lists, _settings(backend))
    scores = evaluate(result.clusters, truth)
    assert scores.f1 >= 0.9, (backend, scores)
    assert result.settings.backend == backend
    assert {"unique_id_l", "unique_id_r", "match_weight", "match_probability"} <= set(result.pairs.columns)


def test_postgres_leaves_no_tables(small_lists):
    settings = _settings("postgres")
    import sqlalchemy

    lists, _ = small_lists
    link_lists({"list1": lists["list1"]}, settings)
    engine = sqlalchemy.create_engine(POSTGRES_URL)
    with engine.connect() as con:
        left = con.execute(sqlalchemy.text(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'ctm_linkage_%'")).fetchall()
    engine.dispose()
    assert left == []


def test_unknown_backend_is_refused(small_lists):
    lists, _ = small_lists
    with pytest.raises(ValueError, match="unknown backend"):
        link_lists(lists, LinkSettings(backend="spark"))


def test_duckdb_never_writes_records_to_disk():
    from ctm.linkage.engine.link.splink_model import db_api

    api = db_api(LinkSettings())
    setting = api.query_sql("SELECT current_setting('temp_directory') AS t", output_type="pandas")
    assert setting["t"].tolist() == [""]  # no spilling: DuckDB raises out-of-memory instead


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_records_of_an_acceptance_count_as_linkable_on_backend(backend):
    """The fetch of PostgreSQL (`pairs_needed_sql`, run as is on DuckDB too): a record in no pair at or above
    the linkable threshold but in an accepted pair has its conflicts fetched (1-2 below, with (0, 2)
    accepted); the conflict of two records no decision touches (3-4) is not."""
    import numpy as np

    from ctm.linkage.engine.link.needed_pairs import pairs_needed_sql

    rows = [(0, 1, 6.6, 0.99), (1, 2, -19.9, 1e-6), (3, 4, -19.9, 1e-6)]
    create = ("CREATE TEMPORARY TABLE ctm_scored_pairs (unique_id_l BIGINT, unique_id_r BIGINT, "
              "match_weight DOUBLE PRECISION, match_probability DOUBLE PRECISION)")
    insert = "INSERT INTO ctm_scored_pairs VALUES " + ", ".join(str(r) for r in rows)  # noqa: S608  (constants)
    queries = [pairs_needed_sql("ctm_scored_pairs", 0.5, 0.5, np.array([[0, 2]])),
               pairs_needed_sql("ctm_scored_pairs", 0.5, 0.5)]
    if backend == "duckdb":
        import duckdb

        con = duckdb.connect()
        con.execute(create)
        con.execute(insert)
        fetched = [con.execute(q).fetchall() for q in queries]
    else:
        _settings("postgres")  # skips (or fails on CI) without a server
        import sqlalchemy

        engine = sqlalchemy.create_engine(POSTGRES_URL)
        with engine.begin() as con:
            con.exec_driver_sql(create)
            con.exec_driver_sql(insert)
            fetched = [con.exec_driver_sql(q).fetchall() for q in queries]
        engine.dispose()
    assert sorted((int(a), int(b)) for a, b, *_ in fetched[0]) == [(0, 1), (1, 2)]
    assert sorted((int(a), int(b)) for a, b, *_ in fetched[1]) == [(0, 1)]
