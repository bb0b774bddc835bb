"""Metrics against scikit-learn (the oracle wherever it defines the same metric) and against a
plain per-query reference written from the trec_eval definitions, on random inputs."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from widgets.tools import metrics as m

TOL = 1e-12


def random_lists(seed, n_q=40, n_c=12, tie_levels=None, grades=4):
    rng = np.random.default_rng(seed)
    rel = rng.integers(0, grades, size=(n_q, n_c))
    rel[rng.random(n_q) < 0.1] = 0  # some queries with nothing relevant
    scores = rng.integers(0, tie_levels, size=(n_q, n_c)).astype(float) if tie_levels else rng.random((n_q, n_c))
    return rel, scores


# -- a naive reference, one query at a time, straight from the definitions ------------------------
def ref_ranked(rel_row, score_row):
    order = sorted(range(len(score_row)), key=lambda j: (-score_row[j], j))  # ties: column order
    return [rel_row[j] for j in order]


def ref_metrics(rel_row, score_row, k, exponential=False):
    ranked = ref_ranked(rel_row, score_row)
    top = ranked[:k]
    n_rel = sum(r > 0 for r in rel_row)
    hits = sum(r > 0 for r in top)
    gain = (lambda r: 2 ** r - 1) if exponential else (lambda r: r)
    dcg = sum(gain(r) / math.log2(i + 2) for i, r in enumerate(top))
    ideal = sorted(rel_row, reverse=True)[:k]
    idcg = sum(gain(r) / math.log2(i + 2) for i, r in enumerate(ideal))
    ap = sum(sum(x > 0 for x in top[:i + 1]) / (i + 1) for i, r in enumerate(top) if r > 0)
    first = next((i for i, r in enumerate(ranked) if r > 0), None)
    return {
        "precision": hits / k,
        "recall": hits / n_rel if n_rel else 0.0,
        "ndcg": dcg / idcg if idcg > 0 else 0.0,
        "ap": ap / n_rel if n_rel else 0.0,
        "rr": 1 / (first + 1) if first is not None else 0.0,
        "hit": float(hits > 0),
    }


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [1, 3, 12, 20])
def test_every_ranking_metric_matches_the_reference(seed, k):
    rel, scores = random_lists(seed, tie_levels=4 if seed % 2 else None)
    ranked = m.RankedLists(rel, scores)
    got = {"precision": ranked.precision(k), "recall": ranked.recall(k), "ndcg": ranked.ndcg(k),
           "ap": ranked.average_precision(k), "rr": ranked.reciprocal_rank(), "hit": ranked.hit_rate(k)}
    for i in range(rel.shape[0]):
        want = ref_metrics(list(rel[i]), list(scores[i]), k)
        for name, result in got.items():
            assert result.per_query[i] == pytest.approx(want[name], abs=TOL), (name, i)
    assert ranked.precision(k).n_without_relevant == int((rel.sum(axis=1) == 0).sum())


def test_exponential_gain_matches_the_reference():
    rel, scores = random_lists(7)
    got = m.ndcg_at_k(rel, scores, 5, gain="exponential").per_query
    want = [ref_metrics(list(rel[i]), list(scores[i]), 5, exponential=True)["ndcg"] for i in range(len(rel))]
    np.testing.assert_allclose(got, want, atol=TOL, rtol=0)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 15), tie_levels=st.sampled_from([None, 2, 3, 6]))
def test_ndcg_with_averaged_ties_equals_scikit_learn(seed, k, tie_levels):
    rel, scores = random_lists(seed, n_q=8, n_c=10, tie_levels=tie_levels)
    got = m.ndcg_at_k(rel, scores, k, ties="average").per_query
    want = [skm.ndcg_score(rel[i:i + 1], scores[i:i + 1], k=k) for i in range(len(rel))]
    np.testing.assert_allclose(got, want, atol=TOL, rtol=0)
    dcg_want = [skm.dcg_score(rel[i:i + 1], scores[i:i + 1], k=k) for i in range(len(rel))]
    np.testing.assert_allclose(m.RankedLists(rel, scores, ties="average").dcg(k), dcg_want, atol=TOL, rtol=0)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 15))
def test_ndcg_without_ties_equals_scikit_learn_either_way(seed, k):
    rel, scores = random_lists(seed, n_q=8, n_c=10)
    first = m.ndcg_at_k(rel, scores, k).per_query
    want = [skm.ndcg_score(rel[i:i + 1], scores[i:i + 1], k=k, ignore_ties=True) for i in range(len(rel))]
    np.testing.assert_allclose(first, want, atol=TOL, rtol=0)


def test_average_precision_over_the_whole_list_equals_scikit_learn():
    rel, scores = random_lists(3, n_q=60, n_c=15)
    got = m.average_precision_at_k(rel, scores, k=15).per_query
    for i in range(len(rel)):
        y = (rel[i] > 0).astype(int)
        if 0 < y.sum() < len(y):
            assert got[i] == pytest.approx(skm.average_precision_score(y, scores[i]), abs=TOL)


def test_precision_and_recall_with_averaged_ties_are_expectations_over_tie_orders():
    rel = np.array([[1, 0, 1, 0]])
    scores = np.array([[0.5, 0.5, 0.5, 0.1]])  # three tied at the top, two of them relevant
    assert m.precision_at_k(rel, scores, 1, ties="average").mean == pytest.approx(2 / 3)
    assert m.recall_at_k(rel, scores, 2, ties="average").mean == pytest.approx((2 / 3 * 2) / 2)
    with pytest.raises(ValueError, match="ties='average' is defined for precision, recall and ndcg"):
        m.RankedLists(rel, scores, ties="average").average_precision(2)


def test_k_beyond_the_list_and_lists_without_relevant_items():
    rel = np.array([[1, 0], [0, 0]])
    scores = np.array([[0.2, 0.9], [0.3, 0.1]])
    r = m.RankedLists(rel, scores)
    assert r.precision(10).per_query.tolist() == [0.1, 0.0]   # P@k divides by k
    assert r.recall(10).per_query.tolist() == [1.0, 0.0]
    assert r.ndcg(10).per_query[1] == 0.0 and r.ndcg(10).n_without_relevant == 1
    assert r.reciprocal_rank().per_query.tolist() == [0.5, 0.0]
    assert r.reciprocal_rank(k=1).per_query.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("call, message", [
    (lambda: m.ndcg_at_k([[1, 0]], [[np.nan, 1]], 1), "NaN or infinite"),
    (lambda: m.ndcg_at_k([[1, 0]], [[np.inf, 1]], 1), "NaN or infinite"),
    (lambda: m.ndcg_at_k([[1, 0, 1]], [[1, 2]], 1), "same shape"),
    (lambda: m.ndcg_at_k([[-1, 0]], [[1, 2]], 1), "relevance must be 0 or more"),
    (lambda: m.precision_at_k([[1, 0]], [[1, 2]], 0), "k must be a whole number of at least 1"),
    (lambda: m.precision_at_k([[1, 0]], [[1, 2]], 2.5), "k must be a whole number"),
    (lambda: m.ndcg_at_k([[1, 0]], [[1, 2]], 1, gain="quadratic"), "gain must be"),
    (lambda: m.brier_score([0, 1], [0.2, 1.2]), "probabilities between 0 and 1"),
    (lambda: m.brier_score([0, 2], [0.2, 0.5]), "only 0 and 1"),
    (lambda: m.reliability_curve([0, 1], [0.2, 0.5, 0.1]), "as long as y_true"),
    (lambda: m.reliability_curve([0, 1], [0.2, 0.5], n_bins=0), "n_bins"),
    (lambda: m.reliability_curve([0, 1], [0.2, 0.5], strategy="log"), "strategy"),
    (lambda: m.roc_curve([1, 1, 1], [0.2, 0.5, 0.9]), "single class"),
    (lambda: m.roc_auc([0, 0], [0.2, 0.5]), "single class"),
    (lambda: m.precision_recall_curve([0, 0], [0.2, 0.5]), "no positive example"),
    (lambda: m.cost_optimal_threshold([0, 1], [0.2, 0.5], -1, 1), "cost_fp must be"),
    (lambda: m.group_rates([0, 1], [0, 1], ["a"]), "same length"),
])
def test_bad_input_says_what_to_fix(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- classification ---------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 300), levels=st.sampled_from([None, 3, 10]))
def test_threshold_curves_equal_scikit_learn(seed, n, levels):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[0], y[1] = 0, 1
    s = rng.integers(0, levels, n) / levels if levels else rng.random(n)
    p, r, t = m.precision_recall_curve(y, s)
    sp, sr, st_ = skm.precision_recall_curve(y, s)
    np.testing.assert_allclose(p, sp, atol=TOL, rtol=0)
    np.testing.assert_allclose(r, sr, atol=TOL, rtol=0)
    np.testing.assert_array_equal(t, st_)
    fpr, tpr, th = m.roc_curve(y, s)
    sfpr, stpr, sth = skm.roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(fpr, sfpr, atol=TOL, rtol=0)
    np.testing.assert_allclose(tpr, stpr, atol=TOL, rtol=0)
    np.testing.assert_array_equal(th, sth)
    assert m.roc_auc(y, s) == pytest.approx(skm.roc_auc_score(y, s), abs=TOL)


@pytest.mark.parametrize("threshold", [0.0, 0.25, 0.5, 0.7321, 0.99, 1.5])
def test_counts_at_a_threshold_equal_scikit_learn(threshold):
    rng = np.random.default_rng(11)
    y = (rng.random(500) < 0.2).astype(int)
    s = np.clip(y * 0.3 + rng.random(500) * 0.7, 0, 1)
    point = m.threshold_curve(y, s).at(threshold)
    pred = (s >= threshold).astype(int)
    tn, fp, fn, tp = skm.confusion_matrix(y, pred, labels=[0, 1]).ravel()
    assert (point["tp"], point["fp"], point["fn"], point["tn"]) == (tp, fp, fn, tn)
    assert point["precision"] == pytest.approx(skm.precision_score(y, pred, zero_division=0), abs=TOL)
    assert point["recall"] == pytest.approx(skm.recall_score(y, pred), abs=TOL)
    assert point["f1"] == pytest.approx(skm.f1_score(y, pred, zero_division=0), abs=TOL)
    assert point["fpr"] == pytest.approx(fp / (fp + tn), abs=TOL)


def test_cost_optimal_threshold_is_the_brute_force_minimum():
    rng = np.random.default_rng(5)
    y = (rng.random(400) < 0.1).astype(int)
    s = np.round(np.clip(y * 0.4 + rng.random(400) * 0.6, 0, 1), 3)
    for cost_fp, cost_fn in [(1, 1), (1, 20), (5, 1), (0, 1)]:
        best = m.cost_optimal_threshold(y, s, cost_fp, cost_fn)
        brute = min(((s >= t).astype(int) for t in np.r_[np.unique(s), np.inf]),
                    key=lambda pred: cost_fp * np.sum(pred & (1 - y)) + cost_fn * np.sum((1 - pred) & y))
        want = cost_fp * np.sum(brute & (1 - y)) + cost_fn * np.sum((1 - brute) & y)
        assert best["cost"] == want
    assert m.cost_optimal_threshold(y, s, 1, 1000)["recall"] == 1.0  # missing a positive is ruinous


# -- calibration ------------------------------------------------------------------------------------
@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(5, 2000), n_bins=st.integers(1, 20),
       strategy=st.sampled_from(["uniform", "quantile"]), rounded=st.booleans())
def test_reliability_curve_equals_scikit_learn(seed, n, n_bins, strategy, rounded):
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    if rounded:  # probabilities exactly on the bin edges
        p = np.round(p, 1)
    y = (rng.random(n) < p).astype(int)
    y[0], y[1] = 0, 1
    curve = m.reliability_curve(y, p, n_bins, strategy)
    want_true, want_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    np.testing.assert_allclose(curve.prob_true, want_true, atol=TOL, rtol=0)
    np.testing.assert_allclose(curve.prob_pred, want_pred, atol=TOL, rtol=0)
    assert curve.counts.sum() == n
    ece = sum(c * abs(a - b) for c, a, b in zip(curve.counts, want_true, want_pred)) / n
    assert curve.ece == pytest.approx(ece, abs=TOL)
    assert m.brier_score(y, p) == pytest.approx(skm.brier_score_loss(y, p), abs=TOL)


def test_a_perfectly_calibrated_model_has_near_zero_ece():
    rng = np.random.default_rng(0)
    p = rng.random(200_000)
    y = (rng.random(p.size) < p).astype(int)
    assert m.expected_calibration_error(y, p) < 0.01
    assert m.expected_calibration_error(y, p ** 3) > 0.1


# -- fairness ---------------------------------------------------------------------------------------
def test_group_rates_equal_scikit_learn_per_group():
    rng = np.random.default_rng(2)
    g = rng.choice(["a", "b", "c"], 900)
    y = (rng.random(900) < np.where(g == "a", 0.3, 0.15)).astype(int)
    pred = (rng.random(900) < 0.25).astype(int)
    rates = m.group_rates(y, pred, g)
    for r in rates:
        mask = g == r.group
        assert r.n == mask.sum()
        assert r.selection_rate == pytest.approx(pred[mask].mean(), abs=TOL)
        assert r.tpr == pytest.approx(skm.recall_score(y[mask], pred[mask]), abs=TOL)
        assert r.precision == pytest.approx(skm.precision_score(y[mask], pred[mask]), abs=TOL)
        assert r.accuracy == pytest.approx(skm.accuracy_score(y[mask], pred[mask]), abs=TOL)
        tn, fp, fn, tp = skm.confusion_matrix(y[mask], pred[mask]).ravel()
        assert r.fpr == pytest.approx(fp / (fp + tn), abs=TOL)
    gaps = m.fairness_gaps(rates)
    sel = [r.selection_rate for r in rates]
    assert gaps["demographic_parity"] == pytest.approx(max(sel) - min(sel), abs=TOL)
    assert gaps["equalised_odds"] == max(gaps["tpr_gap"], gaps["fpr_gap"])


def test_a_group_without_positives_has_an_undefined_tpr_left_out_of_the_gap():
    rates = m.group_rates([0, 0, 1, 0], [1, 0, 1, 0], ["a", "a", "b", "b"])
    assert math.isnan(rates[0].tpr)
    assert m.fairness_gaps(rates)["tpr_gap"] == 0.0
