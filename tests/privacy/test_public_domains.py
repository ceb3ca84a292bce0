"""Differential privacy that holds: public domains, neighbouring tables, records that could exist.

The tables here are generated in this file, independently of the engine (and of its codebook), and
the impossible records are counted by this file's own checks, not by the engine's constraints module.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ctm.cli import main
from ctm.privacy.engine import InputError, synthesize
from ctm.privacy.engine.codebook import ctdc_columns
from ctm.privacy.engine.domains import parse_domain
from ctm.privacy.enums import CTDC_COLUMNS

NOTICE = "By using this data you agree to the Terms of Use: https://www.ctdatacollaborative.org/terms-use"
MINOR_BANDS = {"0--8", "9--17"}
ADULT_BANDS = {"18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"}
EXPLOIT = {  # flag column -> label in the list, as CTDC writes them
    "isForcedLabour": "Forced labour",
    "isSexualExploit": "Sexual exploitation",
    "isForcedMarriage": "Forced marriage",
}


def ctdc_shaped(rows: int, seed: int) -> pd.DataFrame:
    """A CTDC-shaped table whose records are all possible: status follows the age band, the exploitation
    list names exactly the flags set to 1, and a minor at registration was a minor when exploited."""
    rng = np.random.default_rng(seed)
    age = rng.choice(sorted(MINOR_BANDS | ADULT_BANDS), rows)
    age = np.where(rng.random(rows) < 0.3, None, age)
    status = np.array([None if a is None else ("Minor" if a in MINOR_BANDS else "Adult") for a in age], dtype=object)
    unknown_age = pd.isna(age)
    status[unknown_age] = rng.choice(["Adult", "Minor", None], int(unknown_age.sum()), p=[0.5, 0.3, 0.2])
    at_exploit = np.where(status == "Minor", "Minor", rng.choice(["Adult", "Minor"], rows, p=[0.7, 0.3]))
    at_exploit = np.where(rng.random(rows) < 0.5, None, at_exploit)
    flags = {c: rng.random(rows) < p for c, p in zip(EXPLOIT, [0.35, 0.55, 0.1], strict=True)}
    lists = [";".join(EXPLOIT[c] for c in EXPLOIT if flags[c][i]) or None for i in range(rows)]
    frame = pd.DataFrame({
        "yearOfRegistration": rng.choice([str(y) for y in range(2012, 2022)], rows),
        "gender": rng.choice(["Female", "Male"], rows, p=[0.7, 0.3]),
        "ageBroad": age,
        "majorityStatus": status,
        "majorityStatusAtExploit": at_exploit,
        "citizenship": rng.choice(["UA", "MD", "PH", "NG", "VN", "RO"], rows),
        "typeOfExploitConcatenated": lists,
        **{c: np.where(pd.isna(lists), None, flags[c].astype(int).astype(str)) for c in EXPLOIT},
    })
    return frame.astype(object).where(frame.notna(), None)


def impossible_rows(frame: pd.DataFrame) -> int:
    """Records no person could have (this file's own reading of the CTDC codebook)."""
    bad = (frame["ageBroad"].isin(MINOR_BANDS) & (frame["majorityStatus"] == "Adult")) | (
        frame["ageBroad"].isin(ADULT_BANDS) & (frame["majorityStatus"] == "Minor")
    )
    bad |= (frame["majorityStatus"] == "Minor") & (frame["majorityStatusAtExploit"] == "Adult")
    listed = frame["typeOfExploitConcatenated"].fillna("")
    for flag, label in EXPLOIT.items():
        named = listed.str.split(";").map(lambda labels, label=label: label in labels)
        bad |= (listed != "") & (named != (frame[flag] == "1"))
    return int(bad.sum())


def canary_table() -> pd.DataFrame:
    rng = np.random.default_rng(8)
    frame = pd.DataFrame({
        "citizenship": rng.choice(["UA", "MD", "PH", "NG", "VN"], 2000, p=[0.4, 0.25, 0.15, 0.12, 0.08]),
        "gender": rng.choice(["Female", "Male"], 2000, p=[0.7, 0.3]),
    }).astype(object)
    frame.loc[1234, "citizenship"] = "XX"  # one person, and no one else, holds this value
    return frame


@pytest.mark.slow
def test_a_value_one_person_holds_never_appears() -> None:
    """The canary: 2,000 records, one citizenship "XX", epsilon = 1, 10 seeds: "XX" is never drawn.
    (Before public domains it was drawn in every one of these seeds: the category list came from the data;
    "XX" is mapped to the unknown code before any measurement, so no seed can draw it now.)"""
    frame = canary_table()
    seen, reports = 0, []
    for seed in range(10):
        synthetic, report = synthesize(frame, {"epsilon": 1.0, "seed": seed, "iters": 10})
        seen += int((synthetic["citizenship"] == "XX").any())
        reports.append(report)
    assert seen == 0
    assert all(r["public_domain"]["out_of_domain"]["citizenship"] == 1 for r in reports)


def test_neighbouring_tables_get_the_same_domains_and_budget() -> None:
    """Adding or removing one record changes nothing of the mechanism but its noisy measurements."""
    base = canary_table().drop(index=1234)
    extra = pd.DataFrame({"citizenship": ["TJ"], "gender": ["Male"]})  # declared, absent from `base`
    neighbours = [base, pd.concat([base, extra], ignore_index=True), base.iloc[1:]]
    reports = [synthesize(t, {"epsilon": 1.0, "seed": 3, "iters": 10})[1] for t in neighbours]
    for report in reports[1:]:
        assert (report["epsilon"], report["delta"]) == (reports[0]["epsilon"], reports[0]["delta"])
        assert report["public_domain"]["sizes"] == reports[0]["public_domain"]["sizes"]
        assert report["public_domain"]["source"] == reports[0]["public_domain"]["source"] == "CTDC codebook"
    assert reports[0]["public_domain"]["sizes"]["citizenship"] == 250  # 249 ISO codes and XK (missing comes on top)
    assert [r["rows"] for r in reports] != [len(t) for t in neighbours]  # the count released is noisy


def test_a_ctdc_shaped_release_has_no_impossible_records() -> None:
    real = ctdc_shaped(3000, seed=4)
    assert impossible_rows(real) == 0
    synthetic, report = synthesize(real, {"epsilon": 1.0, "seed": 5, "iters": 100})
    assert impossible_rows(synthetic) == 0
    assert report["constraints"]["violations_total"] == 0
    exact = report["utility"]["exact_match"]
    assert 0 <= exact["synthetic"] <= 1 and exact["held_out_real"] > 0
    assert "tvd_3way" in report["utility"]


def test_a_table_outside_the_ctdc_schema_needs_a_declared_domain() -> None:
    frame = pd.DataFrame({"nationality": ["UA", "MD"] * 10, "gender": ["Female", "Male"] * 10})
    with pytest.raises(InputError, match="in neither the CTDC schema nor HTCDS"):
        synthesize(frame, {"epsilon": 1.0})
    domain = {"nationality": {"values": ["UA", "MD", "PH"], "unknown": "Other"}, "gender": ["Female", "Male"]}
    synthetic, report = synthesize(frame, {"epsilon": 4.0, "iters": 20, "domain": domain})
    assert set(synthetic["nationality"].dropna()) <= {"UA", "MD", "PH", "Other"}
    assert report["public_domain"]["sizes"] == {"nationality": 4, "gender": 2}  # missing comes on top


def test_domain_declarations_map_values_outside_to_the_unknown_code() -> None:
    domain = parse_domain({
        "age": {"bins": [0, 18, 30, 120]},
        "year": {"bounds": [2015, 2020]},
        "country": {"values": ["UA", "MD"], "unknown": "Other"},
        "types": {"labels": ["Forced labour", "Sexual exploitation"]},
    })
    frame = pd.DataFrame({
        "age": ["4", "17", "18", "29.5", "130", "old"],
        "year": ["2015", "2020.0", "2021", "1999", "x", None],
        "country": ["ua", "MD", "XX", None, "UA ", "md"],
        "types": ["sexual exploitation;Forced Labour", "Forced labour", "Organ removal", None, "", "Forced labour"],
    })
    mapped, counts = domain.apply(frame)
    assert mapped["age"].tolist() == ["[0, 18)", "[0, 18)", "[18, 30)", "[18, 30)", None, None]
    assert mapped["year"].tolist() == ["2015", "2020", None, None, None, None]
    assert mapped["country"].tolist() == ["UA", "MD", "Other", None, "UA", "MD"]
    assert mapped["types"].tolist()[:3] == ["Forced labour;Sexual exploitation", "Forced labour", None]
    assert counts == {"age": 2, "year": 3, "country": 1, "types": 1}


@pytest.mark.parametrize(
    "bad", [{}, {"a": 3}, {"a": {"bins": [5, 1]}}, {"a": {"bounds": [3, 1]}}, {"a": {"colour": 1}}, {"a": []}]
)
def test_bad_domain_declarations_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(InputError):
        parse_domain(bad)


def test_the_codebook_declares_every_ctdc_column() -> None:
    assert set(ctdc_columns()) == set(CTDC_COLUMNS)


def test_synthesize_command_uses_the_codebook_for_a_ctdc_file(tmp_path: Path) -> None:
    frame = ctdc_shaped(400, seed=9)
    frame.loc[3, "citizenship"] = "XX"
    frame.insert(0, NOTICE, None)
    source = tmp_path / "ctdc.csv"
    frame.to_csv(source, sep=";", index=False)
    report_path = tmp_path / "r.json"
    code = main(["synthesize", str(source), "--epsilon", "2", "--budget", str(tmp_path / "b.json"),
                 "--out", str(tmp_path / "o.csv"), "--report", str(report_path), "--quiet"])  # fmt: skip
    assert code == 0
    report = json.loads(report_path.read_text())
    assert report["public_domain"]["source"] == "CTDC codebook"
    assert report["public_domain"]["out_of_domain"]["citizenship"] == 1
    assert report["constraints"]["violations_total"] == 0
