"""Cells that spreadsheets execute are neutralized in every CSV/XLSX CTM writes for people to open."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pandas as pd
import pytest

from ctm.core.cells import neutralize, neutralize_frame, neutralize_rows

HOSTILE = ["=HYPERLINK(\"http://x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formulas_get_a_leading_apostrophe(value):
    assert neutralize(value) == "'" + value


@pytest.mark.parametrize("value", ["-5", "+3.2", "-1e3", ".5", "Olga", "", "a=b", "18--20", None, 3, -2.5])
def test_plain_values_and_numbers_are_left_alone(value):
    assert neutralize(value) == value


def test_frame_and_rows_neutralize_cells_and_headers_and_keep_attrs():
    frame = pd.DataFrame({"=col": ["=1+1", "ok", None], "n": [1, -2, 3]})
    frame.attrs["notice"] = "terms"
    out = neutralize_frame(frame)
    assert list(out.columns) == ["'=col", "n"]
    assert out["'=col"].tolist()[:2] == ["'=1+1", "ok"] and pd.isna(out["'=col"].iloc[2])
    assert out["n"].tolist() == [1, -2, 3] and out.attrs == {"notice": "terms"}
    assert frame["=col"].iloc[0] == "=1+1"  # the input is not changed
    assert neutralize_rows([{"a": "@x", "b": "-1"}]) == [{"a": "'@x", "b": "-1"}]


def test_published_release_csv_files_are_neutralized(db, personas, settings):
    from ctm.privacy.domain.files import write_release
    from tests.privacy_platform.objects import make_release

    release = make_release(personas.data_manager)
    frame = pd.DataFrame({"gender": ["=cmd|' /C calc'!A0", "Female"], "ageBroad": ["-1+1", "18--20"]})
    work, _manifest = write_release(release, frame, "2026-01-01T00:00:00+00:00")
    rows = list(csv.reader(io.StringIO((work / "data.csv").read_text())))
    assert rows[1] == ["'=cmd|' /C calc'!A0", "'-1+1"] and rows[2] == ["Female", "18--20"]
    assert pd.read_parquet(work / "data.parquet")["gender"].iloc[0] == "=cmd|' /C calc'!A0"  # exact
    dictionary = (work / "dictionary.csv").read_text()
    assert "'=cmd" in dictionary and ",=cmd" not in dictionary


def test_ctm_overlaps_output_is_neutralized(tmp_path):
    clusters = tmp_path / "clusters.csv"
    clusters.write_text("list,record_id,cluster_id\n=evil,1,1\nB,2,1\nB,3,2\n")
    out = tmp_path / "table.csv"
    done = subprocess.run(
        [sys.executable, "-m", "ctm.cli", "overlaps", str(clusters), "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_text().splitlines()[0].startswith("'=evil")
