from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctm.privacy.engine import (
    AnonymizeConfig,
    InputError,
    anonymize,
    budget,
    heatmap,
    synthesize,
    utility_report,
)
from ctm.privacy.engine.marginal import cdp_delta, cdp_rho
from ctm.privacy.engine.risk import reidentification_risk, special_uniques

from .conftest import PEOPLE_DOMAIN, make_people

COLUMNS = ["gender", "isAbduction", "typeOfExploit"]


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return make_people(rows=300, seed=7)[COLUMNS]


def test_utility_of_a_table_against_itself_is_perfect(small: pd.DataFrame) -> None:
    report = utility_report(small, small)
    assert report["tvd_1way"]["max"] == 0.0
    assert report["tvd_3way"]["max"] == 0.0
    assert report["identical_row_share"] == 1.0
    assert report["combinations_2way"]["rare_lost"] == 0
    assert report["combinations_2way"]["fabricated"] == 0


def test_utility_counts_lost_and_fabricated_combinations() -> None:
    real = pd.DataFrame({"a": ["x"] * 20 + ["y"], "b": ["p"] * 20 + ["q"]})
    fake = pd.DataFrame({"a": ["x"] * 20 + ["y"], "b": ["p"] * 20 + ["p"]})
    report = utility_report(real, fake)
    assert report["combinations_2way"]["rare_lost"] == 1  # (y, q) seen once, gone
    assert report["combinations_2way"]["fabricated"] == 1  # (y, p) never seen
    assert report["tvd_2way"]["mean"] == pytest.approx(1 / 21)
    assert report["identical_row_share"] == pytest.approx(20 / 21)


def test_heatmap_is_written(tmp_path: Path, small: pd.DataFrame) -> None:
    path = heatmap(utility_report(small, small.sample(frac=1.0, random_state=1)), tmp_path / "h.png")
    assert path.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("method", ["mst-plus", "mst", "pacsynth", "aim"])
def test_synthesize_draws_only_values_of_the_declared_domain(small: pd.DataFrame, method: str) -> None:
    """Formerly this test accepted any value of the data (the leak): now only declared values, and a value
    one record holds outside the declaration is mapped to the unknown code before anything is measured."""
    data = small.copy()
    data.loc[0, "typeOfExploit"] = "Organ trade"  # one person, a value the declaration does not list
    domain = {c: PEOPLE_DOMAIN[c] for c in COLUMNS}
    config = {"epsilon": 4.0, "method": method, "rows": 200, "seed": 1, "iters": 100, "aim_rounds": 2, "domain": domain}
    synthetic, report = synthesize(data, config)
    assert len(synthetic) == pytest.approx(200, abs=5 if method == "pacsynth" else 0)
    for column in COLUMNS:
        declared = PEOPLE_DOMAIN[column]
        assert set(synthetic[column].dropna()) <= set(declared if isinstance(declared, list) else declared["values"])
    assert report["public_domain"]["out_of_domain"] == {"gender": 0, "isAbduction": 0, "typeOfExploit": 1}
    assert report["method"] == method and report["epsilon"] == 4.0 and report["delta"] == 1e-7
    # pac-synth takes no seed (its noise comes from its own secure generator): its draw differs on every
    # run. Measured on this table, 200 runs: mean 0.133, p95 0.148, max 0.226 (3 of 200 at 0.2 or more:
    # a whole-suite run failed so). The seeded methods stay under 0.2.
    assert report["utility"]["tvd_1way"]["mean"] < (0.3 if method == "pacsynth" else 0.2)


def test_recommended_method_follows_the_data_at_high_epsilon() -> None:
    rng = np.random.default_rng(0)
    a = rng.choice(["x", "y"], 2000, p=[0.8, 0.2])
    b = np.where(rng.random(2000) < 0.9, a, "z")  # b copies a most of the time
    frame = pd.DataFrame({"a": a, "b": b, "c": rng.choice(["u", "v"], 2000)})
    domain = {"a": ["x", "y"], "b": ["x", "y", "z"], "c": ["u", "v"]}
    synthetic, report = synthesize(frame, {"epsilon": 8.0, "seed": 2, "iters": 200, "domain": domain})
    assert report["utility"]["tvd_2way"]["max"] < 0.06
    assert (synthetic["a"] == synthetic["b"]).mean() > 0.8


@pytest.mark.parametrize(
    ("config", "message"),
    [({"epsilon": 0.0}, "epsilon must be positive"), ({"epsilon": 1.0, "method": "gan"}, "unknown method"),
     ({"epsilon": 1.0, "columns": ["nope"]}, "unknown column"), ({"epsilon": 1.0, "delta": 2.0}, "delta")],
)
def test_synthesize_rejects_bad_parameters(small: pd.DataFrame, config: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        synthesize(small, config)


def test_cdp_rho_is_the_tight_conversion() -> None:
    rho = cdp_rho(1.0, 1e-6)
    assert cdp_delta(rho, 1.0) == pytest.approx(1e-6, rel=1e-3)
    simple = (np.sqrt(np.log(1e6) + 1.0) - np.sqrt(np.log(1e6))) ** 2  # epsilon = rho + 2 sqrt(rho ln 1/delta)
    assert simple < rho < 1.0


def test_ledger_refuses_a_release_past_the_total(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    ledger = budget.load_ledger(path)
    ledger.spend("ds", budget.Release(3.0, 1e-9, "mst", 10, budget.now()), total_epsilon=5.0)
    budget.save_ledger(ledger, path)
    again = budget.load_ledger(path)
    assert again.datasets["ds"].spent == 3.0
    with pytest.raises(budget.BudgetExceeded, match="privacy budget exceeded"):
        again.spend("ds", budget.Release(2.5, 1e-9, "mst", 10, budget.now()), total_epsilon=5.0)
    again.spend("ds", budget.Release(2.0, 1e-9, "mst", 10, budget.now()), total_epsilon=5.0)
    assert again.datasets["ds"].remaining == pytest.approx(0.0)


@settings(max_examples=60, deadline=None)
@given(total=st.floats(0.1, 20), requests=st.lists(st.floats(0.01, 10), max_size=20))
def test_no_sequence_of_releases_exceeds_the_budget(total: float, requests: list[float]) -> None:
    ledger = budget.Ledger()
    for epsilon in requests:
        before = ledger.budget("ds", total).spent
        try:
            ledger.spend("ds", budget.Release(epsilon, 0.0, "mst", 1, "t"), total_epsilon=total)
        except budget.BudgetExceeded:
            assert before + epsilon > total
        assert ledger.datasets["ds"].spent <= total + 1e-9


def test_dataset_id_depends_on_content_only(small: pd.DataFrame) -> None:
    assert budget.dataset_id(small) == budget.dataset_id(small.copy())
    changed = small.copy()
    changed.iloc[0, 0] = "Other"
    assert budget.dataset_id(changed) != budget.dataset_id(small)


def test_risk_models_on_known_class_sizes() -> None:
    risk = reidentification_risk(np.array([1.0, 2.0, 2.0, 5.0, 5.0, 5.0, 5.0, 5.0]), 0.3, sampling_fraction=0.5)
    assert risk["prosecutor"]["highest"] == 1.0
    assert risk["prosecutor"]["average"] == pytest.approx((1 + 0.5 * 2 + 0.2 * 5) / 8)
    assert risk["prosecutor"]["share_above_threshold"] == pytest.approx(3 / 8)
    assert risk["journalist"]["highest"] == 0.5
    assert risk["marketer"]["average"] == pytest.approx((0.5 + 0.25 * 2 + 0.1 * 5) / 8)


def test_special_uniques_find_minimal_sample_uniques() -> None:
    frame = pd.DataFrame({"a": ["x", "x", "y", "y"], "b": ["p", "q", "p", "p"], "c": ["u", "u", "u", "v"]})
    result = special_uniques(frame, ["a", "b", "c"], max_size=3)
    # row 1 is unique on b alone; row 3 on c alone; rows 0 and 2 are unique only on (a, b) / (a, c) pairs
    assert result["records_with_msu_by_size"]["1"] == 2
    assert result["records_with_msu"] == 4


def test_engine_configs_and_reports_are_plain_json(small: pd.DataFrame) -> None:
    """The platform stores configs and reports as JSON: no numpy scalars, no custom objects."""
    config = {"k": 3, "qi": ["gender", "isAbduction"], "sensitive": "typeOfExploit", "l": 2}
    _released, report = anonymize(small, config)
    assert json.loads(json.dumps(report))["k"] == 3
    assert json.loads(json.dumps(AnonymizeConfig.from_dict(config).to_dict())) == AnonymizeConfig(**config).to_dict()
    domain = {c: PEOPLE_DOMAIN[c] for c in COLUMNS}
    # epsilon 8: pac-synth spends 0.5% of it on the count of records, Laplace scale 25 against 300 records
    _synthetic, synth_report = synthesize(small, {"epsilon": 8.0, "method": "pacsynth", "rows": 50, "domain": domain})
    assert json.loads(json.dumps(synth_report))["rows_requested"] == 50


def test_pacsynth_on_too_few_records_is_a_clear_error_not_a_panic(small: pd.DataFrame) -> None:
    """pac-synth panics (a Rust panic, a BaseException that ``except Exception`` lets through) when the noise
    on its count of records makes it negative: 3% of runs at 300 records and epsilon 2, half of them at 3
    records and epsilon 0.1. The engine answers with a one-line input error instead, every time."""
    domain = {c: PEOPLE_DOMAIN[c] for c in COLUMNS}
    outcomes = set()
    for _ in range(40):  # each run refuses with probability about 1/2: never refused has odds 2**-40
        try:
            synthesize(small.head(3), {"epsilon": 0.1, "method": "pacsynth", "rows": 5, "domain": domain})
            outcomes.add("drawn")
        except InputError as exc:
            assert "use more records or a larger epsilon" in str(exc)
            outcomes.add("refused")
            break
    assert "refused" in outcomes


def test_pacsynth_does_not_fail_at_ordinary_sizes() -> None:
    """With pac-synth's default share of epsilon for its record count (0.5%), 200 records at epsilon 1.5
    failed in 15% of runs (all 40 passing had odds 0.0015); CTM gives the count 5%."""
    data = make_people(rows=200, seed=3)[COLUMNS]
    domain = {c: PEOPLE_DOMAIN[c] for c in COLUMNS}
    for _ in range(40):
        synthetic, _report = synthesize(data, {"epsilon": 1.5, "method": "pacsynth", "domain": domain})
        assert len(synthetic) > 0


def test_a_pacsynth_refusal_is_marked_with_the_count_share_of_epsilon(small: pd.DataFrame) -> None:
    """The real pac-synth's refusal (its noisy count of records below zero) leaves exactly the count's share
    spent; a refusal of the parameters or of the declared domain, before any measurement, leaves nothing."""
    from ctm.privacy.engine.synth import PACSYNTH_COUNT_SHARE, PacSynthRefused, epsilon_spent

    domain = {c: PEOPLE_DOMAIN[c] for c in COLUMNS}
    for _ in range(60):  # each run refuses with probability about 1/2: never refused has odds 2**-60
        try:
            synthesize(small.head(3), {"epsilon": 0.1, "method": "pacsynth", "rows": 5, "domain": domain})
        except PacSynthRefused as exc:
            assert epsilon_spent(exc, 0.1) == pytest.approx(PACSYNTH_COUNT_SHARE * 0.1)
            break
    else:
        pytest.fail("pac-synth never refused")
    for config in (
        {"epsilon": 1.0, "method": "pacsynth", "domain": {"gender": ["Female", "Male"]}},  # undeclared columns
        {"epsilon": 1.0, "method": "nope", "domain": domain},
        {"epsilon": 1.0, "method": "mst", "domain": domain, "columns": ["nope"]},
    ):
        with pytest.raises(InputError) as refused:
            synthesize(small, config)
        assert epsilon_spent(refused.value, 1.0) == 0.0, config
    # an error the engine did not mark (raised where it cannot tell) keeps all of epsilon: fail closed
    assert epsilon_spent(RuntimeError("native crash"), 1.0) == 1.0
