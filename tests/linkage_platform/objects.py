"""Linkage objects made without running the engine (fast): a run with two records and a pair, an estimate.

Used by the permission matrix and the isolation tests, where what matters is who may see them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from ctm.linkage.domain.estimate_job import sensitivity, table_json
from ctm.linkage.engine import estimate_population, table_from_frame
from ctm.linkage.enums import JobStatus
from ctm.linkage.models import Estimate, LinkageRun, LinkedRecord, ScoredPair

SMALL_TABLE = pd.DataFrame(
    {
        "A": [1, 0, 0, 1, 1, 0, 1],
        "B": [0, 1, 0, 1, 0, 1, 1],
        "C": [0, 0, 1, 0, 1, 1, 1],
        "count": [60, 50, 40, 20, 15, 12, 5],
    }
)
PARAMS = {"method": "stepwise", "threshold": None, "max_order": 2, "bootstrap": 0, "seed": 1}


@lru_cache(maxsize=1)
def _computed() -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    table = table_from_frame(SMALL_TABLE)
    result = estimate_population(table, "stepwise", n_boot=0)
    data = result.to_dict()
    return table_json(table), data, sensitivity(table, PARAMS, data)


def make_run(membership: Any) -> LinkageRun:
    org = membership.organization
    run = LinkageRun.objects.create(
        organization=org,
        created_by=membership.user,
        label="fixture run",
        lists=[
            {"name": "A", "source": "upload", "records": 1},
            {"name": "B", "source": "upload", "records": 1},
        ],
        settings={},
        threshold=0.9,
        summary={"records": 2, "clusters": 1, "linked_clusters": 1, "scored_pairs": 1},
        histogram=[{"lower": 0.0, "upper": 1.0, "count": 1, "probability_at_lower": 0.5}],
        status=JobStatus.DONE,
        progress=100,
    )
    a = LinkedRecord.objects.create(organization=org, run=run, list_name="A", record_id="1", cluster_id=1)
    b = LinkedRecord.objects.create(organization=org, run=run, list_name="B", record_id="2", cluster_id=1)
    ScoredPair.objects.create(
        organization=org, run=run, left=a, right=b, match_weight=3.0, match_probability=0.89
    )
    return run


def make_estimate(membership: Any, run: LinkageRun | None = None) -> Estimate:
    table, result, rows = _computed()
    return Estimate.objects.create(
        organization=membership.organization,
        created_by=membership.user,
        label="fixture.csv",
        run=run,
        table=table,
        parameters=PARAMS,
        result=result,
        sensitivity=rows,
        status=JobStatus.DONE,
        progress=100,
    )


def linkage_objects(p: Any) -> dict[str, int]:
    """pks of a run, its pair and an estimate of the personas' home organization."""
    run = make_run(p.data_manager)
    pair = ScoredPair.objects.filter(run=run).first()
    return {"run": run.pk, "pair": pair.pk, "estimate": make_estimate(p.data_manager, run).pk}
