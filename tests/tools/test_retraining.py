"""The retraining study (tools/retraining): the policies on the drift tool's stream behave as the textbook says,
retrains respect the label delay and are counted as documented, and the cheapest policy is picked right."""

import numpy as np
import pytest

from widgets.tools import drift as D
from widgets.tools import retraining as R
from widgets.tools.capacity import training_compute
from widgets.tools.drift import drift_setting


@pytest.fixture(scope="module")
def stable():
    return R.simulate(drift_setting("no drift"), 30, 14)


@pytest.fixture(scope="module")
def concept():
    return R.simulate(drift_setting("concept drift", "sudden", 120, 0.5), 30, 14)


@pytest.fixture(scope="module")
def covariate():
    return R.simulate(drift_setting("covariate shift", "sudden", 180, 0.5), 14, 14)


def test_without_drift_never_retraining_keeps_the_floor_and_is_cheapest(stable):
    never = stable.runs["never retrain"]
    assert never.worst > 0.79 and never.refits == 0
    c = stable.compare(0.78)
    assert c.choice.chosen == "never retrain" and c.costs["never retrain"] == 0
    assert all(c.costs[p] > 0 for p in ("every N days", "importance-weighted"))
    assert "cheapest policy" in c.say() and "costs nothing" in c.say()


def test_after_a_sudden_concept_drift_periodic_retraining_recovers_and_never_does_not(concept):
    never, periodic = concept.runs["never retrain"], concept.runs["every N days"]
    before = never.accuracy[:120].mean()
    assert never.accuracy[-120:].mean() < before - 0.1                 # stuck on the old concept
    assert periodic.accuracy[-120:].mean() > never.accuracy[-120:].mean() + 0.05
    # the inputs do not move: the alert never fires, and importance weighting has nothing to correct
    assert concept.runs["on alert"].refits == 0
    assert abs(concept.runs["importance-weighted"].mean - never.mean) < 0.005


def test_importance_weighting_improves_on_never_retraining_under_covariate_shift(covariate):
    never, weighted = covariate.runs["never retrain"], covariate.runs["importance-weighted"]
    after = slice(200, 365)
    assert weighted.accuracy[after].mean() > never.accuracy[after].mean() + 0.03
    assert weighted.worst > never.worst + 0.02
    # with the labels 14 days late it even beats retraining on them every 14 days at its worst month
    assert weighted.worst > covariate.runs["every N days"].worst


def test_retrain_counts_are_ceil_365_over_n_minus_1(covariate):
    for n in (1, 7, 14, 30, 100, 182, 183, 364, 365):
        days = R.retrain_days(n)
        assert len(days) == -(-365 // n) - 1 == 364 // n
        assert days.tolist() == list(range(n, 365, n))
    assert covariate.runs["every N days"].refits == covariate.runs["importance-weighted"].refits == 26
    assert covariate.runs["never retrain"].refits == 0
    alert = covariate.runs["on alert"].refit_days
    assert alert and alert[0] == 181                       # the PSI alert on day 180 retrains the next night
    assert np.all(np.diff(alert) >= R.ALERT_COOLDOWN_DAYS)


def test_the_alert_policy_fires_where_the_monitoring_tool_does():
    for kind in ("covariate shift", "label shift"):
        setting = drift_setting(kind, "gradual", 150, 0.5, 60)
        first_psi_alert = D.monitor(D.daily_statistics(setting), psi_threshold=R.ALERT_PSI).first_alert["psi"]
        assert R.simulate(setting, 30, 14).runs["on alert"].refit_days[0] == first_psi_alert + 1


def test_a_retrain_uses_only_labels_that_have_arrived():
    assert R.labelled_window(100, 0) == (72, 99)
    assert R.labelled_window(100, 14) == (58, 85)
    assert R.labelled_window(5, 60) == (-56, -29)          # nothing newer yet: the original window
    setting = drift_setting("concept drift", "sudden", 120, 0.5)
    soon = R.simulate(setting, 7, 0).runs["every N days"]
    late = R.simulate(setting, 7, 60).runs["every N days"]
    # with labels 60 days late, every retrain before day 181 still learns the old concept
    assert soon.accuracy[150:180].mean() > late.accuracy[150:180].mean() + 0.03


def test_costs_come_from_the_capacity_module(covariate):
    c = covariate.compare(0.72, "NVIDIA T4")
    one = training_compute("NVIDIA T4", n_devices=1, mfu=R.MFU, samples=R.SAMPLES_PER_RETRAIN, epochs=R.EPOCHS,
                           flops_per_sample=R.FLOPS_PER_SAMPLE)
    assert c.per_retrain.cost_usd == one.cost_usd
    assert c.costs["every N days"] == pytest.approx(26 * one.cost_usd)
    assert any("FLOP" in line and f"${one.hardware.price_per_hour_usd:g}/h" in line for line in c.working())


def test_the_cheapest_policy_on_hand_made_outcomes():
    outcomes = {"never": (0, 0.70), "monthly": (12, 0.79), "alert": (5, 0.785), "weekly": (52, 0.81)}
    assert R.cheapest_policy(outcomes, 0.78).chosen == "alert"
    assert R.cheapest_policy(outcomes, 0.788).chosen == "monthly"
    assert R.cheapest_policy(outcomes, 0.70).chosen == "never"          # at the floor counts as above it
    none = R.cheapest_policy(outcomes, 0.9)
    assert none.chosen is None and none.closest == "weekly"
    tie = R.cheapest_policy({"a": (10, 0.80), "b": (10, 0.82)}, 0.75)
    assert tie.chosen == "b"                                             # same cost: the better metric


def test_moving_the_floor_does_not_simulate_again(covariate):
    misses = R.simulate.cache_info().misses
    picks = {floor: covariate.compare(floor).choice for floor in (0.6, 0.71, 0.72, 0.9)}
    assert R.simulate.cache_info().misses == misses
    assert picks[0.6].chosen == "never retrain"
    assert picks[0.72].chosen == "importance-weighted"
    assert picks[0.9].chosen is None and picks[0.9].closest == "importance-weighted"


@pytest.mark.parametrize("call, message", [
    (lambda: R.simulate(drift_setting("no drift"), 0, 14), "N of 1 day or more"),
    (lambda: R.simulate(drift_setting("no drift"), 1.5, 14), "whole number of days"),
    (lambda: R.simulate(drift_setting("no drift"), 30, -2), "0 days or more"),
    (lambda: R.check_floor(1.2), "between 0 and 1"),
    (lambda: R.check_floor(-0.1), "between 0 and 1"),
    (lambda: R.cheapest_policy({}, 0.5), "no policy"),
])
def test_bad_inputs_are_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()
