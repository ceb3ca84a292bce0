"""PostgreSQL backend: splink's PostgresAPI on a schema of its own, with the SQL functions the shared
settings use and PostgreSQL lacks.

Each run works in a fresh schema (`ctm_linkage_<random>`), searched before `public`, and drops it at
the end, so nothing of the records stays in the database. `levenshtein` comes from the fuzzystrmatch
extension (splink creates it); `jaro_winkler_similarity`, built into DuckDB, is defined here in
PL/pgSQL with DuckDB's definition (Jaro similarity with the Winkler prefix bonus, prefix up to 4
characters, scaling 0.1), and `damerau_levenshtein` too, so both backends score pairs alike.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

JARO_WINKLER_SQL = r"""
CREATE OR REPLACE FUNCTION {schema}.jaro_winkler_similarity(s1 text, s2 text) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    len1 int := length(s1);
    len2 int := length(s2);
    window_size int;
    m1 boolean[];
    m2 boolean[];
    matches int := 0;
    transpositions int := 0;
    i int; j int; k int; lo int; hi int;
    jaro double precision;
    prefix int := 0;
BEGIN
    IF s1 IS NULL OR s2 IS NULL THEN RETURN NULL; END IF;
    IF len1 = 0 AND len2 = 0 THEN RETURN 1.0; END IF;
    IF len1 = 0 OR len2 = 0 THEN RETURN 0.0; END IF;
    window_size := greatest(greatest(len1, len2) / 2 - 1, 0);
    m1 := array_fill(false, ARRAY[len1]);
    m2 := array_fill(false, ARRAY[len2]);
    FOR i IN 1..len1 LOOP
        lo := greatest(1, i - window_size);
        hi := least(len2, i + window_size);
        FOR j IN lo..hi LOOP
            IF NOT m2[j] AND substr(s1, i, 1) = substr(s2, j, 1) THEN
                m1[i] := true; m2[j] := true; matches := matches + 1;
                EXIT;
            END IF;
        END LOOP;
    END LOOP;
    IF matches = 0 THEN RETURN 0.0; END IF;
    k := 1;
    FOR i IN 1..len1 LOOP
        IF m1[i] THEN
            WHILE NOT m2[k] LOOP k := k + 1; END LOOP;
            IF substr(s1, i, 1) <> substr(s2, k, 1) THEN transpositions := transpositions + 1; END IF;
            k := k + 1;
        END IF;
    END LOOP;
    jaro := (matches::double precision / len1 + matches::double precision / len2
             + (matches - transpositions / 2)::double precision / matches) / 3.0;
    WHILE prefix < least(4, len1, len2) AND substr(s1, prefix + 1, 1) = substr(s2, prefix + 1, 1) LOOP
        prefix := prefix + 1;
    END LOOP;
    RETURN jaro + prefix * 0.1 * (1.0 - jaro);
END;
$$;
"""

# DuckDB's damerau_levenshtein (edits, adjacent transpositions counting as one), as the optimal string
# alignment distance: the settings only ask whether it is at most 1, where both definitions agree.
DAMERAU_LEVENSHTEIN_SQL = r"""
CREATE OR REPLACE FUNCTION {schema}.damerau_levenshtein(s1 text, s2 text) RETURNS int
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    len1 int := length(s1);
    len2 int := length(s2);
    d int[];
    i int; j int; cost int; w int := length(s2) + 1;
BEGIN
    IF s1 IS NULL OR s2 IS NULL THEN RETURN NULL; END IF;
    IF len1 = 0 THEN RETURN len2; END IF;
    IF len2 = 0 THEN RETURN len1; END IF;
    d := array_fill(0, ARRAY[(len1 + 1) * w]);
    FOR i IN 0..len1 LOOP d[i * w + 1] := i; END LOOP;
    FOR j IN 0..len2 LOOP d[j + 1] := j; END LOOP;
    FOR i IN 1..len1 LOOP
        FOR j IN 1..len2 LOOP
            cost := CASE WHEN substr(s1, i, 1) = substr(s2, j, 1) THEN 0 ELSE 1 END;
            d[i * w + j + 1] := least(d[(i - 1) * w + j + 1] + 1, d[i * w + j] + 1, d[(i - 1) * w + j] + cost);
            IF i > 1 AND j > 1 AND substr(s1, i, 1) = substr(s2, j - 1, 1)
               AND substr(s1, i - 1, 1) = substr(s2, j, 1) THEN
                d[i * w + j + 1] := least(d[i * w + j + 1], d[(i - 2) * w + j - 1] + 1);
            END IF;
        END LOOP;
    END LOOP;
    RETURN d[len1 * w + len2 + 1];
END;
$$;
"""

MAX_BIND_PARAMETERS = 60_000  # PostgreSQL's limit per statement is 65,535
_SCHEMA = re.compile(r"^ctm_linkage_[0-9a-f]{12}$")


def postgres_api(url: str) -> Any:
    """A PostgresAPI on a new schema of its own (needs sqlalchemy and a PostgreSQL driver)."""
    from splink.backends.postgres import PostgresAPI
    from sqlalchemy import create_engine

    class LocalPostgresAPI(PostgresAPI):
        """Uploads tables with pandas: splink's own upload first tries to download DuckDB's postgres
        extension, which fails without internet access (and sends nothing anywhere otherwise)."""

        def _table_registration(self, input: Any, table_name: str) -> None:
            import pandas as pd

            frame = input if isinstance(input, pd.DataFrame) else pd.DataFrame(input)
            rows = max(1, MAX_BIND_PARAMETERS // max(1, len(frame.columns)))
            frame.to_sql(table_name, con=self._engine, index=False, if_exists="replace",
                         schema=self._db_schema, chunksize=rows, method="multi")

    schema = f"ctm_linkage_{uuid.uuid4().hex[:12]}"
    # JIT compilation of splink's long CASE expressions costs seconds per query and saves nothing here.
    engine = create_engine(url, pool_pre_ping=True, connect_args={"options": "-c jit=off"})
    api = LocalPostgresAPI(engine=engine, schema=schema)
    api._execute_sql_against_backend(JARO_WINKLER_SQL.format(schema=schema))
    api._execute_sql_against_backend(DAMERAU_LEVENSHTEIN_SQL.format(schema=schema))
    return api


def drop_run_schema(api: Any) -> None:
    schema = str(getattr(api, "_db_schema", ""))
    if _SCHEMA.match(schema):
        api._execute_sql_against_backend(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    api._engine.dispose()
