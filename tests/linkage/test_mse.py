"""Multiple systems estimation: published figures, exact fits, LP checks, bootstrap, awkward tables."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from ctm.linkage.engine import MSEInputError, estimate_population, table_from_frame
from ctm.linkage.engine.mse.bootstrap import quantile_type8
from ctm.linkage.engine.mse.design import full_design, parse_term
from ctm.linkage.engine.mse.fit import fit_poisson
from ctm.linkage.engine.mse.identifiability import check_model, mle_exists
from ctm.linkage.engine.mse.models import ModelRefused, fit_model
from ctm.linkage.engine.mse.selection import hierarchical_models, select_model


def table(text: str):
    rows = [line.split(",") for line in text.strip().splitlines()]
    return table_from_frame(pd.DataFrame(rows[1:], columns=rows[0]))


@pytest.fixture(scope="module")
def uk5(shared_data: Path):
    return table_from_frame(pd.read_csv(shared_data / "mse" / "UKdat_5.csv"))


@pytest.fixture(scope="module")
def uk6(shared_data: Path):
    return table_from_frame(pd.read_csv(shared_data / "mse" / "UKdat.csv"))


@pytest.mark.shared_data
def test_uk_2013_stepwise_reproduces_published_estimate(uk5):
    result = estimate_population(uk5, "stepwise", n_boot=0)
    assert result.estimate == pytest.approx(11312.99, abs=0.5)
    assert result.observed == 2744
    assert set(result.model) == {"LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO"}
    assert result.interval == "model-based"


@pytest.mark.shared_data
def test_uk_2013_aic_with_profile_interval_matches_rcapture(uk5):
    result = estimate_population(uk5, "aic", n_boot=0)
    assert result.estimate == pytest.approx(11313, abs=1)
    low, high = result.intervals["profile_likelihood"]
    assert low == pytest.approx(9889, abs=3)
    assert high == pytest.approx(13063, abs=3)


@pytest.mark.shared_data
def test_bic_and_main_run_on_six_lists(uk6):
    main = estimate_population(uk6, "main", n_boot=0)
    bic = estimate_population(uk6, "bic", n_boot=0)
    assert main.model == []
    assert 2744 < bic.estimate < 50_000
    assert np.isfinite(main.estimate)


@pytest.mark.shared_data
def test_poisson_fit_agrees_with_statsmodels(uk5):
    terms = tuple(parse_term(t, uk5.lists) for t in ("LA:NG", "NG:GP", "PFNCA:GO"))
    ours = fit_model(uk5.counts, uk5.m, terms)
    X = full_design(uk5.m, terms)
    glm = sm.GLM(uk5.counts.astype(float), X, family=sm.families.Poisson()).fit(tol=1e-12)
    np.testing.assert_allclose(ours.beta, glm.params, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(np.sqrt(np.diag(ours.fit.cov)), glm.bse, rtol=1e-5)
    assert ours.fit.loglik == pytest.approx(glm.llf, rel=1e-9)


def test_newton_fit_with_offset_and_warm_start_matches_cold_start():
    rng = np.random.default_rng(3)
    X = np.column_stack([np.ones(15), rng.integers(0, 2, size=(15, 3))]).astype(float)
    y = rng.poisson(np.exp(X @ np.array([1.0, 0.5, -0.3, 0.2]))).astype(float)
    cold = fit_poisson(X, y)
    warm = fit_poisson(X, y, start=cold.beta + 0.3)
    np.testing.assert_allclose(cold.beta, warm.beta, atol=1e-8)


def test_lp_detects_non_existent_mle():
    # All pairwise interactions, three lists, nobody on all three: the fit would put the cell at 0.
    t = table("A,B,C,count\n1,0,0,10\n0,1,0,12\n0,0,1,9\n1,1,0,3\n1,0,1,4\n0,1,1,2")
    pairs = ((0, 1), (0, 2), (1, 2))
    check = check_model(t.counts, t.m, pairs, ())
    assert not check.exists
    assert "does not exist" in check.reason()
    with pytest.raises(ModelRefused):
        fit_model(t.counts, t.m, pairs)
    assert check_model(t.counts, t.m, ((0, 1),), ()).ok


def test_lp_on_strictly_positive_table_says_exists():
    X = full_design(3, ((0, 1),))
    assert mle_exists(X, np.ones(7))
    assert not mle_exists(X, np.array([1.0, 1, 0, 1, 0, 0, 0]))


def test_stepwise_never_adds_a_pair_that_breaks_the_checks():
    t = table("A,B,C,count\n1,0,0,10\n0,1,0,12\n0,0,1,9\n1,1,0,30\n1,0,1,25\n0,1,1,20")
    sel = select_model(t.counts, t.m, "stepwise", threshold=0.5)
    kept = tuple(s.term for s in sel.steps)
    assert len(kept) < 3
    assert check_model(t.counts, t.m, kept, ()).ok


def test_hierarchical_model_enumeration():
    assert sum(1 for _ in hierarchical_models(3, 2)) == 8
    assert sum(1 for _ in hierarchical_models(3, 3)) == 9
    assert sum(1 for _ in hierarchical_models(4, 2)) == 64


def test_bootstrap_is_seeded_and_independent_of_workers():
    t = table("A,B,C,count\n1,0,0,60\n0,1,0,50\n0,0,1,40\n1,1,0,12\n1,0,1,9\n0,1,1,7\n1,1,1,2")
    one = estimate_population(t, n_boot=60, seed=7)
    again = estimate_population(t, n_boot=60, seed=7, workers=2)
    other = estimate_population(t, n_boot=60, seed=8)
    assert (one.lower, one.upper) == (again.lower, again.upper)
    assert (one.lower, one.upper) != (other.lower, other.upper)
    assert one.interval == "bca-bootstrap"
    assert one.lower < one.estimate < one.upper


@pytest.mark.parametrize("workers", [1, 2])
def test_bootstrap_reports_each_replicate(workers):
    t = table("A,B,C,count\n1,0,0,60\n0,1,0,50\n0,0,1,40\n1,1,0,12\n1,0,1,9\n0,1,1,7\n1,1,1,2")
    seen: list[tuple[int, int]] = []
    result = estimate_population(t, n_boot=60, seed=7, workers=workers, progress=lambda d, n: seen.append((d, n)))
    assert seen == [(i, 60) for i in range(1, 61)]
    assert (result.lower, result.upper) == (estimate_population(t, n_boot=60, seed=7).lower,
                                            estimate_population(t, n_boot=60, seed=7).upper)


def test_quantile_type8_matches_numpy_median_unbiased():
    values = np.random.default_rng(1).normal(size=37)
    probs = np.array([0.01, 0.025, 0.3, 0.5, 0.975, 0.999])
    np.testing.assert_allclose(quantile_type8(values, probs), np.quantile(values, probs, method="median_unbiased"))


def test_result_is_json_serialisable():
    t = table("A,B,count\n1,0,50\n0,1,40\n1,1,10")
    data = estimate_population(t, n_boot=0).to_dict()
    text = json.dumps(data)
    assert data["estimate"] == pytest.approx(300)  # Lincoln-Petersen: 60 * 50 / 10
    assert "two lists" in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B,count\n1,0,5\n0,2,3", "0 or 1"),
        ("A,B,count\n1,0,-5\n0,1,3", "negative"),
        ("A,B,count\n0,0,5\n1,1,3", "all-zero"),
        ("A,B,cnt\n1,0,5\n1,1,3", "count"),
        ("A,count\n1,5", "two list"),
        ("A,B,count\n1,0,2.5\n1,1,3", "whole"),
    ],
)
def test_malformed_tables_are_refused(text, message):
    with pytest.raises(MSEInputError, match=message):
        estimate_population(table(text), n_boot=0)


def test_lists_without_overlap_are_refused():
    with pytest.raises(MSEInputError, match="do not overlap"):
        estimate_population(table("A,B,C,count\n1,0,0,30\n0,1,0,20\n0,0,1,25"), n_boot=0)


def test_list_inside_another_is_flagged():
    t = table("A,B,C,count\n1,1,0,30\n0,1,0,20\n0,0,1,25\n0,1,1,5\n1,1,1,2")
    result = estimate_population(t, n_boot=0)
    assert any("also on list B" in w for w in result.warnings)
    assert np.isfinite(result.estimate)


def test_few_people_and_absurd_estimates_are_flagged():
    few = estimate_population(table("A,B,C,count\n1,0,0,3\n0,1,0,2\n1,1,0,1\n0,0,1,1"), n_boot=0)
    assert any("only 7 people" in w for w in few.warnings)
    absurd = estimate_population(
        table("A,B,C,count\n1,0,0,300\n0,1,0,200\n1,1,0,1\n0,0,1,100\n1,0,1,1"), n_boot=0)
    assert any("do not publish" in w for w in absurd.warnings)


def test_uninformative_lists_are_dropped_with_a_warning():
    t = table("A,B,C,D,count\n1,0,0,0,30\n0,1,0,0,20\n1,1,0,0,5\n1,0,1,0,3\n0,1,1,0,2\n0,0,1,0,9")
    result = estimate_population(t, n_boot=0)
    assert any("list D is empty" in w for w in result.warnings)
    assert result.lists == ["A", "B", "C"]


def test_eight_lists_give_a_finite_estimate():
    rng = np.random.default_rng(5)
    p = np.array([0.3, 0.2, 0.25, 0.1, 0.15, 0.2, 0.3, 0.1])
    caught = rng.random((3000, 8)) < p
    seen = caught[caught.any(axis=1)].astype(int)
    frame = pd.DataFrame(seen, columns=[f"L{i}" for i in range(8)]).value_counts().rename("count").reset_index()
    result = estimate_population(table_from_frame(frame), n_boot=0)
    assert result.estimate == pytest.approx(3000, rel=0.1)
    bic = estimate_population(table_from_frame(frame), "bic", n_boot=0)
    assert any("forward" in w for w in bic.warnings)
