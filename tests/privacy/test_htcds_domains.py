"""HTCDS 2.0's value lists as public domains: a file of HTCDS fields needs no domain file, a value the
standard does not list never reaches a release, and a multi-select list too long to enumerate (16 methods
of control: 65,535 combinations) is synthesized through its declared labels' flags."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ctm.cli import main
from ctm.privacy.engine import InputError, anonymize, synthesize
from ctm.privacy.engine.domains import parse_domain
from ctm.privacy.engine.htcds import VENDORED, field_domains, htcds_domain, is_htcds

CONTROL = htcds_domain().columns["vic_MethodsOfControl"]


def htcds_table(rows: int = 600, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    labels = list(CONTROL.labels)  # type: ignore[attr-defined]
    lists = [";".join(sorted(rng.choice(labels, size=rng.integers(0, 4), replace=False), key=labels.index)) or None
             for _ in range(rows)]  # fmt: skip
    return pd.DataFrame({
        "prs_Gender": rng.choice(["Feminine", "Masculine"], rows, p=[0.7, 0.3]),
        "prs_Citizenship": rng.choice(["UA", "MD", "PH"], rows),
        "vic_TypeOfExploitation": rng.choice(["ForcedLabour", "SexualExploitation", "ForcedLabour;SexualExploitation"], rows),
        "vic_MethodsOfControl": lists,
        "vic_AgeWhenTrafficked": rng.integers(12, 40, rows).astype(str),
    }).astype(object)  # fmt: skip


def test_the_vendored_lists_are_the_standards(shared_data: Path) -> None:
    """htcds_fields.json is what the HTCDS field standards CSV declares (regenerated, not hand-edited)."""
    standards = shared_data / "htcds" / "htcds_field_standards_2.0.csv"
    assert field_domains(standards) == json.loads(VENDORED.read_text(encoding="utf-8"))


def test_identifying_fields_have_no_public_domain() -> None:
    for field in ("prs_Birthdate", "prs_FirstName", "prs_LastName", "prs_MailingLatitude", "cas_IncomingReferralDate"):
        assert not is_htcds([field])
    assert is_htcds(["prs_Gender", "vic_MethodsOfControl", "prs_Citizenship"])


def test_a_file_of_htcds_fields_synthesizes_without_a_domain_file_and_keeps_only_declared_values() -> None:
    data = htcds_table().drop(columns="prs_Citizenship")  # a list of every country: see below
    data.loc[5, "vic_MethodsOfControl"] = "PhysicalThreats;Organ trade"  # one person, a value HTCDS lacks
    data.loc[6, "prs_Gender"] = "Unicorn"
    # MST: the domain is resolved, mapped and expanded into flags before any method runs, the same for every
    # marginal method; mst-plus (the default) would add 19 extra pairs, each chosen after a junction tree is
    # built for every candidate pair (about 3,000 trees, a minute here) without changing what is checked
    synthetic, report = synthesize(data, {"epsilon": 2.0, "seed": 1, "iters": 100, "method": "mst"})
    assert report["public_domain"]["source"] == "HTCDS 2.0 field standards"
    assert report["public_domain"]["out_of_domain"]["vic_MethodsOfControl"] == 1
    assert report["public_domain"]["out_of_domain"]["prs_Gender"] == 1
    assert list(synthetic.columns) == list(data.columns)
    declared = set(CONTROL.labels)  # type: ignore[attr-defined]
    for value in synthetic["vic_MethodsOfControl"].dropna():
        assert set(value.split(";")) <= declared
    assert "Organ trade" not in ";".join(synthetic["vic_MethodsOfControl"].dropna())
    assert set(synthetic["prs_Gender"].dropna()) <= set(htcds_domain().columns["prs_Gender"].codes)  # type: ignore[attr-defined]
    def shares(frame: pd.DataFrame) -> np.ndarray:  # how often each declared label is listed
        listed = frame["vic_MethodsOfControl"].fillna("").str.split(";")
        return np.array([listed.map(lambda labels, x=label: x in labels).mean() for label in sorted(declared)])

    assert np.abs(shares(synthetic) - shares(data)).mean() < 0.06


def test_a_list_of_every_country_is_refused_for_synthesis_not_guessed() -> None:
    data = pd.DataFrame({"prs_Citizenship": ["UA", "MD"] * 20, "prs_Gender": ["Feminine", "Masculine"] * 20})
    domain = {"prs_Citizenship": {"standard": "ISO 3166-1", "multiple": True}, "prs_Gender": ["Feminine", "Masculine"]}
    with pytest.raises(InputError, match="at most 64"):
        synthesize(data, {"epsilon": 1.0, "domain": domain, "iters": 10})
    domain["prs_Citizenship"] = {"standard": "ISO 3166-1"}  # one country per record: "UA;MD" becomes unknown
    synthetic, _report = synthesize(data, {"epsilon": 1.0, "domain": domain, "iters": 10})
    assert len(synthetic) > 0


def test_a_domain_file_may_name_a_standard() -> None:
    domain = parse_domain({"nationality": {"standard": "ISO 3166-1"}, "language": {"standard": "ISO 639-2"}})
    assert domain.columns["nationality"].canonical("ua") == "UA"
    assert domain.columns["nationality"].canonical("XX") is None
    assert domain.columns["language"].canonical("ukr") == "ukr"
    with pytest.raises(InputError, match="unknown standard"):
        parse_domain({"x": {"standard": "my own"}})


def test_anonymize_maps_htcds_values_too() -> None:
    data = htcds_table(rows=300)
    data.loc[0, "prs_Gender"] = "Unicorn"
    _released, report = anonymize(data, {"k": 2, "qi": ["prs_Gender", "prs_Citizenship"]})
    assert report["public_domain"]["source"] == "HTCDS 2.0 field standards"
    assert report["public_domain"]["out_of_domain"]["prs_Gender"] == 1


def test_the_command_takes_htcds_files_and_refuses_mixed_ones(tmp_path: Path) -> None:
    source = tmp_path / "htcds.csv"
    htcds_table(rows=300).drop(columns="prs_Citizenship").to_csv(source, index=False)
    common = ["--epsilon", "2", "--method", "mst", "--budget", str(tmp_path / "b.json"), "--out", str(tmp_path / "o.csv"),
              "--report", str(tmp_path / "r.json"), "--quiet"]  # fmt: skip
    assert main(["synthesize", str(source), *common]) == 0
    assert json.loads((tmp_path / "r.json").read_text())["public_domain"]["source"] == "HTCDS 2.0 field standards"
    mixed = tmp_path / "mixed.csv"
    htcds_table(rows=50).assign(prs_LastName="Ivanova").to_csv(mixed, index=False)
    assert main(["synthesize", str(mixed), *common]) == 2
