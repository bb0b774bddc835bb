"""The simplest model that is good enough (tools/model_choice): quality against scikit-learn, sizes against pickle,
the choice and its verdicts (moved from tests/test_model_choice.py)."""

import itertools
import math
import pickle

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from widgets.tools import model_choice as MC


@pytest.fixture(scope="module")
def study():
    return MC.model_choice_study()


def _check_choice(choice, budget, quality):
    simpler_fail = True
    for r in choice.results:
        good, fast = r.accuracy >= quality, r.p99_ms <= budget
        assert choice.good_enough[r.name] == good and choice.fast_enough[r.name] == fast
        assert choice.verdict(r.name) == {(True, True): "meets both", (True, False): "too slow",
                                          (False, True): "not accurate enough",
                                          (False, False): "too slow and not accurate enough"}[good, fast]
        if choice.chosen is not None and r.name == choice.chosen.name:
            assert good and fast and simpler_fail   # obeys both, and nothing simpler does
            return
        simpler_fail = simpler_fail and not (good and fast)
    assert choice.chosen is None and simpler_fail   # nothing meets both
    meeting_bar = [r for r in choice.results if r.accuracy >= quality]
    within = [r for r in choice.results if r.p99_ms <= budget]
    if meeting_bar:
        assert choice.nearest_by_budget.p99_ms == min(r.p99_ms for r in meeting_bar)
    else:
        assert choice.nearest_by_budget is None
    if within:
        assert choice.nearest_by_quality.accuracy == max(r.accuracy for r in within)
    else:
        assert choice.nearest_by_quality is None


def test_the_four_families_simplest_first_on_the_held_out_digits(study):
    assert [r.name for r in study.results] == list(MC.MODEL_NAMES) == list(study.models)
    full = np.bincount(load_digits().target)
    assert study.X_test.shape == (540, 64) and np.all(np.abs(np.bincount(study.y_test) - 0.3 * full) <= 1)  # stratified
    assert all(r.interpretability for r in study.results)


def test_quality_equals_scikit_learn_on_the_same_predictions(study):
    for r in study.results:
        pred = study.models[r.name].predict(study.X_test)
        np.testing.assert_array_equal(pred, study.predictions[r.name])
        assert r.accuracy == accuracy_score(study.y_test, pred)
        assert r.macro_f1 == f1_score(study.y_test, pred, average="macro")
        assert 0.9 < r.accuracy <= 1.0   # every family reads digits well: the choice is about cost


def test_the_fits_are_deterministic(study):
    fresh = MC.make_candidates()["logistic regression"]
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, _ = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    np.testing.assert_array_equal(X_test, study.X_test)
    np.testing.assert_array_equal(fresh.fit(X_train, y_train).predict(X_test), study.predictions["logistic regression"])


def test_sizes_are_the_pickled_bytes(study):
    for r in study.results:
        assert r.size_bytes > 0 and r.size_bytes == len(pickle.dumps(study.models[r.name]))
    knn = study.result("k-nearest neighbours")
    assert knn.size_bytes > study.X_test.nbytes   # it carries its 1,257 training rows (more than the 540 test rows)


def test_latencies_are_consistent(study):
    for r in study.results:
        lat = r.latency
        assert len(lat.single_ms) == MC.N_REQUESTS * MC.ROUNDS and all(t > 0 for t in lat.single_ms)
        rounds = np.array(lat.single_ms).reshape(MC.ROUNDS, MC.N_REQUESTS)
        assert r.p50_ms == lat.p50_ms == np.median(np.percentile(rounds, 50, axis=1))   # the median of the rounds
        assert r.p99_ms == lat.p99_ms == np.median(np.percentile(rounds, 99, axis=1))
        assert lat.p99_spread_ms == (min(np.percentile(rounds, 99, axis=1)), max(np.percentile(rounds, 99, axis=1)))
        assert min(lat.single_ms) <= r.p50_ms <= r.p99_ms <= max(lat.single_ms)
        assert r.batch_size == MC.BATCH_SIZE and r.batch_ms > 0 and r.train_s > 0
        assert math.isclose(r.per_row_us, r.batch_ms * 1000 / MC.BATCH_SIZE)


def test_measure_latency_counts_calls_and_caps_the_batch():
    from sklearn.dummy import DummyClassifier

    calls = []

    class Counting(DummyClassifier):
        def predict(self, X):
            calls.append(len(X))
            return super().predict(X)

    X = np.arange(40.0).reshape(20, 2)
    lat = MC.measure_latency(Counting().fit(X, np.arange(20) % 2), X, n_requests=30, batch_size=64, warmup=5,
                             batch_repeats=3, rounds=2)
    assert calls == [1] * 5 + [1] * 60 + [20] * 4   # warm-up, 2 rounds of timed singles, one warm-up batch + 3 timed
    assert lat.batch_size == 20 and len(lat.single_ms) == 60 and lat.p50_ms <= lat.p99_ms and lat.rounds == 2


def test_the_choice_obeys_both_limits_and_is_the_simplest_that_does(study):
    p99s = [r.p99_ms for r in study.results]
    accs = [r.accuracy for r in study.results]
    budgets = sorted({1e-6, 1e6, *p99s, *(p * 0.999 for p in p99s), *(p * 1.001 for p in p99s)})
    qualities = sorted({0.0, 1.0, *accs, *(a - 5e-4 for a in accs), *(a + 5e-4 for a in accs)})
    picked = set()
    for budget, quality in itertools.product(budgets, qualities):
        choice = study.choose(budget, quality)
        _check_choice(choice, budget, quality)
        picked.add(None if choice.chosen is None else choice.chosen.name)
        assert (choice.chosen.name in choice.say() if choice.chosen else "No model meets both" in choice.say())
    assert study.choose(1e6, 0.0).chosen.name == "logistic regression"   # no limits: the simplest
    assert None in picked and len(picked) >= 3


def test_choose_model_on_hand_made_numbers():
    R = MC.ModelResult
    rs = [R("linear", 0.950, 0.20, p50_ms=0.1, batch_ms=0.5, size_bytes=8000, train_s=0.1),
          R("neighbours", 0.970, 2.00, p50_ms=1.0, batch_ms=5.0, size_bytes=600_000, train_s=0.001),
          R("trees", 0.980, 1.00, p50_ms=0.5, batch_ms=2.0, size_bytes=500_000, train_s=1.0),
          R("net", 0.975, 0.40, p50_ms=0.2, batch_ms=0.8, size_bytes=90_000, train_s=0.5)]
    pick = lambda b, q: MC.choose_model(rs, b, q).chosen  # noqa: E731
    assert pick(10, 0.9).name == "linear"
    assert pick(10, 0.96).name == "neighbours"
    assert pick(1.5, 0.96).name == "trees"
    assert pick(0.5, 0.96).name == "net"
    assert pick(0.2, 0.95).name == "linear"        # limits are inclusive: p99 == budget, accuracy == bar
    assert pick(0.4, 0.975).name == "net"
    none = MC.choose_model(rs, 0.5, 0.978)
    assert none.chosen is None and none.nearest_by_budget.name == "trees" and none.nearest_by_quality.name == "net"
    text = none.say()
    assert "raise the budget to 1.00 ms for trees" in text and "lower the bar to 0.975 for net" in text
    said = MC.choose_model(rs, 1.5, 0.96).say(540)
    assert ("I would ship trees" in said and "accuracy 0.980 on 540 held-out digits" in said
            and "500.0 kB" in said and "batch of 256 (7.81 µs a row)" in said and "most accurate here" in said)
    said = MC.choose_model(rs, 10, 0.9).say()
    assert "The most accurate, trees, would add 0.030 of accuracy at p99 1.00 ms" in said
    assert "None reaches the bar: the best is trees at 0.980" in MC.choose_model(rs, 10, 0.99).say()
    assert "None answers within the budget: the fastest is linear" in MC.choose_model(rs, 0.1, 0.9).say()
    with pytest.raises(ValueError, match="no models"):
        MC.choose_model([], 1, 0.5)


@pytest.mark.parametrize("budget, quality, message", [
    (0, 0.9, "more than 0 ms"), (-3, 0.9, "more than 0 ms"), (float("nan"), 0.9, "more than 0 ms"),
    (float("inf"), 0.9, "more than 0 ms"), (1, -0.1, "from 0 to 1"), (1, 1.01, "from 0 to 1"),
    (1, float("nan"), "from 0 to 1"), ("fast", 0.9, "as numbers")])
def test_bad_limits_are_a_clear_message(study, budget, quality, message):
    with pytest.raises(ValueError, match=message):
        study.choose(budget, quality)


def test_measuring_again_keeps_quality_size_and_training_time(study):
    again = study.remeasured()
    assert MC.model_choice_study() is study   # the cached study is not touched
    for old, new in zip(study.results, again.results):
        assert (new.name, new.accuracy, new.macro_f1, new.size_bytes, new.train_s) == \
               (old.name, old.accuracy, old.macro_f1, old.size_bytes, old.train_s)
        assert new.latency is not old.latency and new.p50_ms <= new.p99_ms
        assert new.p99_ms == np.median(np.percentile(np.reshape(new.latency.single_ms, (MC.ROUNDS, -1)), 99, axis=1))

