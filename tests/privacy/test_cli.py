from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ctm.cli import main
from ctm.privacy.engine import read_table

from .conftest import make_people, pycanon_measures

NOTICE = "By using this data you agree to the Terms of Use: https://www.ctdatacollaborative.org/terms-use"
QI = "age,citizenship,gender,yearOfRegistration,isAbduction"


@pytest.fixture
def ctdc_like(tmp_path: Path) -> Path:
    """A ';'-separated file laid out like the published CTDC CSV (notice cell over an empty column)."""
    frame = make_people(rows=500, seed=11)
    frame.insert(0, NOTICE, None)
    path = tmp_path / "cases.csv"
    frame.to_csv(path, sep=";", index=False)
    return path


def test_anonymize_command_writes_release_and_report(tmp_path: Path, ctdc_like: Path, people_domain: Path) -> None:
    out, report_path = tmp_path / "out.csv", tmp_path / "report.json"
    code = main(["anonymize", str(ctdc_like), "--domain", str(people_domain), "--k", "5", "--qi", QI, "--sensitive", "typeOfExploit", "--l", "2",
                 "--suppression-limit", "0.05", "--out", str(out), "--report", str(report_path), "--quiet"])
    assert code == 0
    report = json.loads(report_path.read_text())
    for key in ("k", "qi", "sensitive", "l", "suppression_limit"):
        assert key in report
    assert report["qi"] == QI.split(",") and report["k"] == 5 and report["l"] == 2
    assert report["privacy"]["k_achieved"] >= 5 and report["privacy"]["l_distinct_achieved"] >= 2
    for model in ("prosecutor", "journalist", "marketer"):
        assert model in report["risk_after"]
    for measure in ("discernibility", "non_uniform_entropy", "generalization_intensity"):
        assert measure in report["information_loss"]
    released = read_table(out)
    assert released.attrs["notice"] == NOTICE and len(released) == 500


def test_custom_hierarchy_and_t_closeness_options(tmp_path: Path, ctdc_like: Path, people_domain: Path) -> None:
    hierarchy = tmp_path / "exploit.csv"
    hierarchy.write_text("Sexual,Exploitation\nLabour,Exploitation\nMarriage,Other\nOther,Other\n")
    out, report_path = tmp_path / "out.csv", tmp_path / "r.json"
    code = main(["anonymize", str(ctdc_like), "--domain", str(people_domain), "--k", "4", "--qi", "age,typeOfExploit", "--hierarchy",
                 f"typeOfExploit={hierarchy}", "--sensitive", "gender", "--t", "0.4",
                 "--out", str(out), "--report", str(report_path), "--quiet"])
    assert code == 0
    report = json.loads(report_path.read_text())
    assert report["hierarchies"]["typeOfExploit"]["kind"] == "custom"
    assert set(read_table(out)["typeOfExploit"].dropna()) <= {"Sexual", "Labour", "Marriage", "Other", "Exploitation", "*"}
    assert report["privacy"]["t_achieved"] <= 0.4 + 1e-9


def test_synthesize_command_spends_budget_and_refuses_overspending(tmp_path: Path, people_domain: Path) -> None:
    source = tmp_path / "in.csv"
    make_people(rows=300, seed=5)[["gender", "isAbduction", "typeOfExploit"]].to_csv(source, index=False)
    ledger = tmp_path / "ledger.json"
    args = ["synthesize", str(source), "--domain", str(people_domain), "--method", "pacsynth", "--epsilon", "3", "--rows", "100", "--seed", "3",
            "--budget", str(ledger), "--total-epsilon", "5", "--out", str(tmp_path / "s.csv"),
            "--report", str(tmp_path / "s.json"), "--quiet"]
    assert main(args) == 0
    report = json.loads((tmp_path / "s.json").read_text())
    for key in ("epsilon", "delta", "method", "rows", "seed", "columns"):
        assert key in report
    assert report["budget"]["remaining"] == pytest.approx(2.0)
    assert Path(report["heatmap"]).is_file()
    assert main(args) == 2  # a second release at epsilon 3 would exceed 5
    assert json.loads(ledger.read_text())["datasets"][report["dataset_id"]]["total_epsilon"] == 5


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["anonymize", "missing.csv", "--k", "2", "--qi", "a"], "not found"),
        (["anonymize", "{csv}", "--k", "0", "--qi", "age"], "k must be"),
        (["anonymize", "{csv}", "--k", "2", "--qi", "nope"], "unknown column"),
        (["anonymize", "{bad}", "--k", "2", "--qi", "age"], "cannot read"),
        (["anonymize", "{csv}", "--k", "x", "--qi", "age"], "invalid int"),
        (["synthesize", "{csv}", "--epsilon", "0"], "epsilon must be positive"),
        (["synthesize", "{csv}", "--epsilon", "-1"], "epsilon must be positive"),
        (["synthesize", "{csv}", "--epsilon", "1", "--columns", "nope"], "unknown column"),
        (["synthesize", "{csv}", "--epsilon", "1"], "no public domain is known"),
        (["anonymize", "{csv}", "--k", "2", "--qi", "age"], "no public domain is known"),
        (["synthesize", "{csv}", "--epsilon", "1", "--domain", "{bad}"], "not valid JSON"),
        (["synthesize", "{csv}", "--epsilon", "1", "--domain", "{partial}"], "no public domain declared"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    csv = tmp_path / "in.csv"
    make_people(rows=50).to_csv(csv, index=False)
    bad = tmp_path / "bad.xlsx"
    bad.write_text("this is not a spreadsheet")
    partial = tmp_path / "partial.json"
    partial.write_text(json.dumps({"gender": ["Female", "Male"]}))
    argv = [a.format(csv=csv, bad=bad, partial=partial) for a in argv]
    argv += ["--out", str(tmp_path / "o.csv"), "--report", str(tmp_path / "r.json"), "--quiet"]
    with pytest.raises(SystemExit) as raised:
        raise SystemExit(main(argv))
    assert raised.value.code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_pycanon_confirms_k_and_l(tmp_path: Path, pycanon_python: Path, people_domain: Path) -> None:
    source = tmp_path / "in.csv"
    make_people(rows=600, seed=21).to_csv(source, index=False)
    out, report_path = tmp_path / "out.csv", tmp_path / "r.json"
    qi = ["age", "citizenship", "gender", "yearOfRegistration"]
    code = main(["anonymize", str(source), "--domain", str(people_domain), "--k", "6", "--qi", ",".join(qi), "--sensitive", "typeOfExploit",
                 "--l", "3", "--out", str(out), "--report", str(report_path), "--quiet"])
    assert code == 0
    report = json.loads(report_path.read_text())
    canon = pycanon_measures(pycanon_python, out, qi, ["typeOfExploit"])
    assert canon["rows"] == len(pd.read_csv(source)) - report["privacy"]["records_suppressed"]
    assert canon["k"] == report["privacy"]["k_achieved"]
    assert canon["l"] == report["privacy"]["l_distinct_achieved"]
    assert canon["entropy_l"] == int(report["privacy"]["l_entropy_achieved"] + 1e-9)  # pycanon truncates


def test_a_refused_synthesis_spends_its_count_share_in_the_ledger(
    tmp_path: Path, people_domain: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pacsynth

    class PanicException(BaseException):
        pass

    class Refusing:
        def __init__(self, params: object) -> None:
            pass

        def fit(self, dataset: object) -> None:
            raise PanicException("adding noise to number of records resulted in a negative number")

    monkeypatch.setattr(pacsynth, "DpAggregateSeededSynthesizer", Refusing)
    source = tmp_path / "in.csv"
    make_people(rows=300, seed=5)[["gender", "isAbduction", "typeOfExploit"]].to_csv(source, index=False)
    ledger = tmp_path / "ledger.json"
    args = ["synthesize", str(source), "--domain", str(people_domain), "--method", "pacsynth", "--epsilon", "2",
            "--budget", str(ledger), "--total-epsilon", "5", "--out", str(tmp_path / "s.csv"),
            "--report", str(tmp_path / "s.json"), "--quiet"]  # fmt: skip
    assert main(args) == 2
    (entry,) = json.loads(ledger.read_text())["datasets"].values()
    assert [r["epsilon"] for r in entry["releases"]] == [pytest.approx(0.1)]
