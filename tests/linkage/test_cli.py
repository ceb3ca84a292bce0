"""The engine commands end to end: generate -> link -> overlaps -> estimate, and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ctm.linkage.cli import estimate_main, generate_main, link_main, overlaps_main


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_pipeline_end_to_end(tmp_path, capsys):
    assert generate_main(["--lists", "3", "--people", "250", "--seed", "4", "--out", str(tmp_path)]) == 0
    lists = [str(tmp_path / f"list{k}.csv") for k in (1, 2, 3)]
    clusters = str(tmp_path / "clusters.csv")
    capsys.readouterr()
    assert link_main([*lists, "--out", clusters, "--truth", str(tmp_path / "truth.csv")]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["scores"]["f1"] >= 0.9
    table = str(tmp_path / "table.csv")
    assert overlaps_main([clusters, "--out", table]) == 0
    assert list(pd.read_csv(table).columns) == ["list1", "list2", "list3", "count"]
    assert estimate_main([table, "--bootstrap", "0", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("method", "observed", "estimate", "lower", "upper", "interval", "model", "warnings"):
        assert key in data
    assert data["interval"] == "model-based"
    assert data["lower"] < data["estimate"] < data["upper"]


@pytest.mark.shared_data
def test_estimate_json_on_uk_data(shared_data, capsys):
    assert estimate_main([str(shared_data / "mse" / "UKdat_5.csv"), "--bootstrap", "50", "--seed", "3",
                          "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["estimate"] == pytest.approx(11312.99, abs=0.5)
    assert data["interval"] == "bca-bootstrap"
    assert "LA:NG" in data["model"]


@pytest.mark.parametrize(
    ("content", "args"),
    [
        ("A,B,count\n1,0,5\n0,1,-3\n", []),
        ("A,B,count\n1,0,5\n0,2,3\n", []),
        ("A,B,count\n0,0,5\n1,1,3\n", []),
        ("A,B,n\n1,0,5\n1,1,3\n", []),
        ("A,B,C,count\n1,0,0,30\n0,1,0,20\n0,0,1,25\n", []),
        ("A,B,count\n1,0,5\n1,1,3\n0,1,4\n", ["--threshold", "7"]),
        ("A,B,C,count\n1,0,0,30\n,1,0,20\n1,1,0,5\n", []),  # an empty list cell
        ("A,B,C,count\n1,0,0,30\n0,1,0,\n1,1,0,5\n", []),  # an empty count
        ("", []),  # an empty file
        ("A,B,count\n", []),  # a header and no rows
    ],
)
def test_estimate_refusals_are_one_line_exit_2(tmp_path, capsys, content, args):
    path = write(tmp_path / "t.csv", content)
    assert estimate_main([path, "--bootstrap", "0", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err


def test_estimate_refuses_binary_and_missing_files(tmp_path, capsys):
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\x01\x02PK")
    assert estimate_main([str(binary)]) == 2
    assert estimate_main([str(tmp_path / "none.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_estimate_two_lists_warns(tmp_path, capsys):
    path = write(tmp_path / "t.csv", "A,B,count\n1,0,50\n0,1,40\n1,1,10\n")
    assert estimate_main([path, "--bootstrap", "0", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["estimate"] == pytest.approx(300)
    assert any("two lists" in w for w in data["warnings"])


def test_link_refuses_bad_lists(tmp_path, capsys):
    bad = write(tmp_path / "bad.csv", "record_id,given_name\n1,Ana\n")
    assert link_main([bad, "--out", str(tmp_path / "c.csv")]) == 2
    assert "missing column" in capsys.readouterr().err
    assert link_main([str(tmp_path / "absent.csv"), "--out", str(tmp_path / "c.csv")]) == 2
    assert overlaps_main([bad, "--out", str(tmp_path / "t.csv")]) == 2


def test_link_postgres_backend_needs_a_url(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("CTM_LINKAGE_POSTGRES_URL", raising=False)
    lst = write(tmp_path / "a.csv", "record_id,given_name,family_name,birth_date,sex,citizenship,document_number\n"
                "1,Ana,Pop,1990,F,RO,\n")
    assert link_main([lst, "--backend", "postgres", "--out", str(tmp_path / "c.csv")]) == 2
    assert "postgres-url" in capsys.readouterr().err


def test_link_refuses_a_bad_memory_limit_or_block_size(tmp_path, capsys):
    lst = write(tmp_path / "a.csv", "record_id,given_name,family_name,birth_date,sex,citizenship,document_number\n"
                "1,Ana,Pop,1990,F,RO,\n")
    assert link_main([lst, "--memory-limit", "lots", "--out", str(tmp_path / "c.csv")]) == 2
    assert "--memory-limit" in capsys.readouterr().err
    assert link_main([lst, "--max-block-size", "1", "--out", str(tmp_path / "c.csv")]) == 2
    assert "--max-block-size" in capsys.readouterr().err


def test_link_with_memory_limit_and_spill_dir_leaves_nothing(tmp_path, capsys):
    assert generate_main(["--lists", "2", "--people", "80", "--seed", "2", "--out", str(tmp_path)]) == 0
    spill = tmp_path / "spill"
    lists = [str(tmp_path / f"list{k}.csv") for k in (1, 2)]
    assert link_main([*lists, "--memory-limit", "500MB", "--spill-dir", str(spill), "--max-block-size", "50",
                      "--out", str(tmp_path / "c.csv")]) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["settings"]["memory_limit"] == "500MB" and report["settings"]["spill"] is True
    assert report["blocking"]["max_block_size"] == 50
    assert list(spill.iterdir()) == []
