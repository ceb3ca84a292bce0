"""On the real CTDC k-anonymized dataset (97,750 records; itself k = 10 over CTDC's quasi-identifiers)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ctm.cli import main
from ctm.privacy.engine import read_table
from ctm.privacy.engine.measures import class_ids

from .conftest import pycanon_measures

pytestmark = pytest.mark.shared_data

MANY_QIS = [
    "gender", "ageBroad", "majorityStatus", "citizenship", "CountryOfExploitation", "yearOfRegistration",
    "Datasource", "RecruiterRelationship", "isForcedLabour", "isSexualExploit", "isAbduction",
    "meansOfControlThreats", "meansOfControlPhysicalAbuse",
]


@pytest.mark.parametrize("k", [25, 50])
def test_ctdc_many_quasi_identifiers(tmp_path: Path, ctdc_kanon_csv: Path, k: int) -> None:
    out, report_path = tmp_path / "out.csv", tmp_path / "report.json"
    code = main(["anonymize", str(ctdc_kanon_csv), "--k", str(k), "--qi", ",".join(MANY_QIS),
                 "--suppression-limit", "0.05", "--out", str(out), "--report", str(report_path), "--quiet"])
    assert code == 0
    report = json.loads(report_path.read_text())
    privacy = report["privacy"]
    assert privacy["records"] == 97_750
    assert privacy["k_achieved"] >= k
    assert privacy["share_suppressed"] <= 0.05
    assert report["information_loss"]["non_uniform_entropy_normalized"] < 0.6
    released = read_table(out)
    suppressed = released[MANY_QIS].isna().all(axis=1)  # Datasource is never missing in the source
    assert int(suppressed.sum()) == privacy["records_suppressed"]
    sizes = np.bincount(class_ids(released.loc[~suppressed], MANY_QIS))
    assert sizes.min() >= k
    assert report["risk_after"]["prosecutor"]["highest"] <= 1 / k


def test_ctdc_l_diversity_confirmed_by_pycanon(tmp_path: Path, ctdc_kanon_csv: Path, pycanon_python: Path) -> None:
    qis = ["gender", "ageBroad", "citizenship", "CountryOfExploitation", "yearOfRegistration", "Datasource"]
    out, report_path = tmp_path / "out.csv", tmp_path / "report.json"
    code = main(["anonymize", str(ctdc_kanon_csv), "--k", "25", "--qi", ",".join(qis), "--sensitive",
                 "typeOfExploitConcatenated", "--l", "2", "--suppression-limit", "0.05",
                 "--out", str(out), "--report", str(report_path), "--quiet"])
    assert code == 0
    report = json.loads(report_path.read_text())
    canon = pycanon_measures(pycanon_python, out, qis, ["typeOfExploitConcatenated"])
    assert canon["k"] == report["privacy"]["k_achieved"] >= 25
    assert canon["l"] == report["privacy"]["l_distinct_achieved"] >= 2
