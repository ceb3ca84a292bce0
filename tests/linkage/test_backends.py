"""The same splink settings on every backend: DuckDB always, PostgreSQL when a server is reachable.

PostgreSQL: CTM_LINKAGE_POSTGRES_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/ctm_linkage_pg;
the database is created when missing). Each run works in a schema of its own and drops it.
"""

from __future__ import annotations

import os

import pytest

from ctm.linkage.engine import LinkSettings, evaluate, generate_lists, link_lists
from ctm.linkage.engine.link.splink_model import BACKENDS

POSTGRES_URL = os.environ.get("CTM_LINKAGE_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/ctm_linkage_pg")


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
