"""The monitoring and drift study (tools/drift): KS equals scipy, PSI equals its formula, the stream's drifts are the
ones named, sudden covariate shift is caught at once, a stable stream rarely alarms, the metric waits for labels."""

import math

import numpy as np
import pytest
from scipy.stats import ks_2samp
from sklearn.linear_model import LogisticRegression

from widgets.tools import drift as D


@pytest.fixture(scope="module")
def stable():
    return D.daily_statistics(D.drift_setting("no drift"))


@pytest.fixture(scope="module")
def covariate():
    return D.daily_statistics(D.drift_setting("covariate shift", "sudden", 150, 0.5))


# --- the statistics against their definitions ------------------------------------------------
def test_ks_equals_scipy_with_and_without_ties():
    rng = np.random.default_rng(3)
    for i in range(200):
        n, m = int(rng.integers(1, 60)), int(rng.integers(1, 80))
        if i % 2:   # whole numbers: many ties within and across the samples
            a, b = rng.integers(0, 6, n).astype(float), rng.integers(0, 6, m).astype(float)
        else:
            a, b = rng.normal(size=n), rng.normal(0.3, 1.2, size=m)
        d, p = D.ks_two_sample(a, b)
        expected = ks_2samp(a, b, method="asymp")
        assert abs(d - expected.statistic) <= 1e-12 and abs(p - expected.pvalue) <= 1e-12


def test_the_daily_ks_equals_scipys_default_on_the_stream(covariate):
    stream = D.generate_stream(covariate.setting)
    for series in ("model score", "x1"):
        ref = D._series_values(stream, covariate.weights, stream.rows(*D.REFERENCE_DAYS), series)
        for day in (0, 149, 150, 300):
            today = D._series_values(stream, covariate.weights, stream.rows(day, day), series)
            expected = ks_2samp(today, ref)    # the reference holds more than 10,000 values: scipy's asymptotic p
            assert abs(covariate.ks_statistic[series][day] - expected.statistic) <= 1e-12
            assert abs(covariate.ks_p_value[series][day] - expected.pvalue) <= 1e-12


def test_psi_is_the_hand_formula_on_a_small_example_and_zero_for_identical_samples():
    reference = np.arange(1.0, 11.0)             # deciles: one value per bin
    current = np.array([1.0, 1.5, 2.0, 3.0, 3.5, 6.0, 7.0, 8.0, 9.5, 9.8])
    edges = np.quantile(reference, np.arange(1, 10) / 10)
    e = np.full(10, 0.1)
    a = np.bincount(np.searchsorted(edges, current, side="right"), minlength=10) / 10
    by_hand = sum((ai - ei) * math.log(max(ai, 1e-4) / ei) if ai > 0 else (1e-4 - ei) * math.log(1e-4 / ei)
                  for ai, ei in zip(a, e))
    assert D.population_stability_index(reference, current) == pytest.approx(by_hand, abs=1e-12)
    assert (a == 0).any()      # the example does have an empty bin, counted as 1e-4
    sample = np.random.default_rng(0).normal(size=3000)
    assert D.population_stability_index(sample, sample) == 0.0
    two = D.psi_from_shares([0.5, 0.5], [0.6, 0.4])
    assert two == pytest.approx(0.1 * math.log(1.2) - 0.1 * math.log(0.8), abs=1e-15)


def test_the_daily_psi_equals_the_two_sample_function(covariate):
    stream = D.generate_stream(covariate.setting)
    ref = D._series_values(stream, covariate.weights, stream.rows(*D.REFERENCE_DAYS), "model score")
    for day in (10, 200):
        today = D._series_values(stream, covariate.weights, stream.rows(day, day), "model score")
        assert covariate.psi["model score"][day] == pytest.approx(D.population_stability_index(ref, today), abs=1e-12)


def test_the_control_chart_limits_are_p_plus_minus_k_standard_errors(stable):
    m = D.monitor(stable, sigma=2.5)
    p, n = stable.reference_positive_rate, stable.n
    np.testing.assert_allclose(m.lower, p - 2.5 * np.sqrt(p * (1 - p) / n), rtol=0, atol=1e-15)
    np.testing.assert_allclose(m.upper, p + 2.5 * np.sqrt(p * (1 - p) / n), rtol=0, atol=1e-15)
    outside = (stable.positive_rate < m.lower) | (stable.positive_rate > m.upper)
    assert np.array_equal(m.alerts["chart"], outside)


def test_the_newton_fit_is_scikit_learns_logistic_regression():
    stream = D.generate_stream(D.drift_setting("no drift"))
    X, y = stream.labelled(0, 9)
    weights = np.random.default_rng(1).random(len(y)) * 2
    for w in (None, weights):
        ours = D.fit_logistic(X, y, sample_weight=w)
        sk = LogisticRegression(tol=1e-12, max_iter=10_000).fit(X, y, sample_weight=w)
        np.testing.assert_allclose(ours, np.r_[sk.coef_[0], sk.intercept_], atol=1e-6)


# --- the stream is what it says ------------------------------------------------------------
def test_days_before_a_drift_are_the_same_whatever_the_drift():
    before = [D.generate_stream(D.drift_setting(kind, "sudden", 100, 0.8)) for kind in D.DRIFT_KINDS]
    rows = before[0].rows(D.FIRST_DAY, 99)
    for s in before[1:]:
        assert np.array_equal(s.X[rows], before[0].X[rows]) and np.array_equal(s.y[rows], before[0].y[rows])


def test_label_shift_moves_the_prior_and_keeps_each_class_inputs():
    s = D.generate_stream(D.drift_setting("label shift", "sudden", 100, 1.0))
    X0, y0 = s.labelled(0, 99)
    X1, y1 = s.labelled(100, 364)
    assert abs(y0.mean() - D.base_positive_share()) < 0.01 and abs(y1.mean() - D.LABEL_SHIFT_TARGET) < 0.01
    for cls in (True, False):
        np.testing.assert_allclose(X1[y1 == cls].mean(axis=0), X0[y0 == cls].mean(axis=0), atol=0.04)


def test_concept_drift_leaves_the_inputs_and_costs_accuracy():
    s = D.daily_statistics(D.drift_setting("concept drift", "sudden", 100, 0.5))
    for series in D.SERIES:
        assert s.psi[series].max() < 0.06
    assert s.accuracy[100:].mean() < s.accuracy[:100].mean() - 0.08


def test_gradual_drift_ramps():
    setting = D.drift_setting("covariate shift", "gradual", 100, 1.0, 50)
    assert setting.strength([99, 100, 124, 149, 200]).tolist() == [0.0, 0.02, 0.5, 1.0, 1.0]
    s = D.generate_stream(setting)
    assert abs(s.X[s.rows(150, 364), 0].mean() - D.COVARIATE_SHIFT_SD) < 0.03
    assert abs(s.X[s.rows(120, 129), 0].mean() - D.COVARIATE_SHIFT_SD * 0.5) < 0.1


# --- detection ---------------------------------------------------------------------------------
def test_a_sudden_covariate_shift_is_caught_by_psi_and_ks_within_days(covariate):
    m = D.monitor(covariate)
    assert m.detection_delay["psi"] <= 2 and m.detection_delay["ks"] <= 2
    assert m.first_alert["psi"] == 150 + m.detection_delay["psi"]
    # the shift costs the misspecified model accuracy, so the metric sees it too (once labels arrive)
    assert covariate.accuracy[150:].mean() < covariate.accuracy[:150].mean() - 0.08
    assert m.false_alarms["psi"] == 0 and m.false_alarms_per_month["psi"] == 0.0


def test_a_stable_stream_gives_few_false_alarms_at_the_default_thresholds(stable):
    m = D.monitor(stable)
    for k in D.SIGNALS:
        assert m.detection_delay[k] is None
        assert m.false_alarms_per_month[k] <= 0.25, k
    assert m.quiet_days["psi"] == 365 and m.quiet_days["metric"] == 365 - 14
    loose = D.monitor(stable, ks_alpha=0.05)      # a p-value of 0.05 a day is a false alarm most months
    assert loose.false_alarms_per_month["ks"] > 0.5


def test_the_metrics_detection_delay_grows_with_the_label_delay(covariate):
    delays = [D.monitor(covariate, label_delay=d).detection_delay["metric"] for d in (0, 7, 30, 90)]
    assert delays[0] <= 2
    assert delays == [delays[0] + d for d in (0, 7, 30, 90)]
    inputs = {D.monitor(covariate, label_delay=d).detection_delay["psi"] for d in (0, 90)}
    assert len(inputs) == 1        # input monitors need no labels


def test_a_metric_alert_whose_labels_arrive_after_the_year_never_fires(covariate):
    m = D.monitor(covariate, label_delay=364)
    assert m.detection_delay["metric"] is None and not m.alerts["metric"].any()
    assert m.false_alarms_per_month["metric"] == 0.0 and m.quiet_days["metric"] == 1


def test_moving_a_threshold_reuses_the_daily_statistics(covariate):
    before = D.daily_statistics.cache_info().misses
    same = D.daily_statistics(covariate.setting)
    for t in (0.05, 0.2, 0.5):
        D.monitor(same, psi_threshold=t)
    assert same is covariate and D.daily_statistics.cache_info().misses == before


def test_the_sentence_names_the_numbers(covariate):
    m = D.monitor(covariate, label_delay=21)
    text = m.say()
    assert "from day 150" in text and "21 days late" in text and f"after {m.detection_delay['metric']} days" in text
    concept = D.monitor(D.daily_statistics(D.drift_setting("concept drift", "sudden", 150, 0.5)))
    assert "cannot see concept drift" in concept.say()
    assert "without drift" in D.monitor(D.daily_statistics(D.drift_setting("no drift"))).say()


# --- bad inputs -------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    ({"label_delay": -1}, "0 days or more"),
    ({"label_delay": 365}, "under a year"),
    ({"label_delay": 2.5}, "whole number of days"),
    ({"psi_threshold": 0}, "PSI threshold must be above 0"),
    ({"psi_threshold": 11}, "PSI threshold"),
    ({"ks_alpha": 1.0}, "between 0 and 1"),
    ({"ks_alpha": 0}, "between 0 and 1"),
    ({"sigma": -3}, "sigma must be above 0"),
    ({"metric_floor": 1.2}, "floor must be between 0 and 1"),
    ({"metric_floor": float("nan")}, "must be a number"),
    ({"series": "x9"}, "Unknown series"),
])
def test_bad_monitor_inputs_are_messages(stable, kwargs, message):
    with pytest.raises(ValueError, match=message):
        D.monitor(stable, **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"start": 365}, "day of the year"),
    ({"start": -1}, "day of the year"),
    ({"size": 1.5}, "size must be from 0 to 1"),
    ({"ramp_days": 0}, "ramp must last"),
    ({"kind": "seasonality"}, "Unknown drift"),
    ({"onset": "slow"}, "Unknown onset"),
])
def test_bad_drift_settings_are_messages(kwargs, message):
    with pytest.raises(ValueError, match=message):
        D.drift_setting(**kwargs)
