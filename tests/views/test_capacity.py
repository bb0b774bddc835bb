"""Capacity estimators driven in Python: type values as a person would, check numbers and messages."""

import html
import re

import pytest

from widgets.practice.questions import load_bank
from widgets.tools import capacity as cap
from widgets.views.capacity import LatencyBudgetEstimator, RolloutPlanner, ServingEstimator, TrafficStorageEstimator


def shown(widget, key):
    return re.search(rf"class='mlsd-{key}'><b>([^<]+)</b>", widget.numbers.value).group(1)


def test_traffic_estimator_is_prefilled_from_the_question_and_follows_the_users():
    q = load_bank().get("uber-shared-rides")
    w = TrafficStorageEstimator(question=q)
    t = cap.traffic(q.daily_active_users, q.actions_per_user_per_day)
    assert w.users.number == q.daily_active_users
    assert shown(w, "peak-rps") == cap.format_quantity(t.peak_rps, "req/s")
    before = w.chart.value
    w.users.value = q.daily_active_users * 2
    assert shown(w, "peak-rps") == cap.format_quantity(2 * t.peak_rps, "req/s")
    assert w.chart.value != before and "Say it in the interview" in w.say.value


@pytest.mark.parametrize("field, value, message", [
    ("users", -5, "Daily active users must be a positive number"),
    ("read_share", 1.5, "Share of reads (0-1) must be a share"),
    ("retention", 0, "Retention (days) must be a positive number"),
    ("peak", float("nan"), "Peak / average must be a number"),
    ("users", "", "Daily active users is empty: type a number"),
    ("actions", "ten", "Actions per user per day must be a number, got 'ten'"),
])
def test_traffic_estimator_bad_values_are_messages_and_keep_the_last_good_numbers(field, value, message):
    w = TrafficStorageEstimator(150e6, 2)
    good = w.numbers.value
    getattr(w, field).value = value
    assert message in html.unescape(w.message.value) and "mlsd-error" in w.message.value
    assert w.numbers.value == good and "mlsd-stale" in w.numbers._dom_classes   # the old numbers, dimmed
    getattr(w, field).value = {"users": 150e6, "read_share": 0.9, "retention": 365, "peak": 2.0, "actions": 2}[field]
    assert w.message.value == "" and "mlsd-stale" not in w.numbers._dom_classes


def test_serving_estimator_replicas_cost_and_memory():
    w = ServingEstimator(peak_rps=5000, latency_ms=20, batch_size=8, target_utilisation=0.5, redundancy=0)
    assert shown(w, "replicas") == "25"          # 8 / 0.020 s = 400 req/s per replica, at 50%: 200
    w.utilisation.value = 1.0
    assert shown(w, "replicas") == "13"
    w.model_gb.value = 500
    assert "does not fit" in w.numbers.value
    w.batch.value = 0
    assert "Batch size must be at least 1" in w.message.value   # the box's label, not the argument's name


def test_latency_budget_goes_red_over_the_target():
    w = LatencyBudgetEstimator(target_ms=150)
    assert w.budget.within and "leaving 45 ms" in w.say.value
    w.stage_boxes["ranking"].value = 120
    assert not w.budget.within and w.budget.slack_ms == -35
    w.target.value = -1
    assert "p99 target (ms) must be a positive number" in w.message.value


def test_rollout_planner_matches_the_capacity_module_and_prices_shadow_traffic():
    serving = ServingEstimator(peak_rps=5000)
    planner = RolloutPlanner(baseline_rate=0.1, minimum_detectable_effect=0.05, daily_users=2e6, allocated_share=0.2)
    n = cap.ab_sample_size_proportions(0.1, 0.05, relative=True)
    assert shown(planner, "users-per-arm") == f"{n:,}"
    assert shown(planner, "days") == str(cap.ab_test_duration_days(n, 2e6, 0.2))
    planner.price_shadow_on(serving)
    assert "shadow" in planner.numbers.value
    serving.peak.value = 10_000
    assert f"+{serving.fleet.replicas_total} replicas" in planner.numbers.value
    planner.method.value = "baseline-variance"
    assert shown(planner, "users-per-arm") == f"{cap.ab_sample_size_proportions(0.1, 0.05, relative=True, method='baseline-variance'):,}"
    planner.power.value = 1.2
    assert "Power (0-1) must be strictly between 0 and 1" in planner.message.value


def test_training_estimator_uses_six_n_d_and_checks_whole_numbers():
    from widgets.views.capacity import TrainingEstimator

    w = TrainingEstimator(parameters=1e9, tokens=20e9, hardware="NVIDIA A100 80GB", n_devices=8, mfu=0.4)
    t = cap.training_compute("NVIDIA A100 80GB", n_devices=8, mfu=0.4, parameters=1e9, tokens=20e9)
    assert t.total_flops == 6 * 1e9 * 20e9
    assert shown(w, "flops") == cap.format_quantity(t.total_flops, "FLOP")
    assert shown(w, "wall-time") == f"{t.wall_hours:,.1f} hours"
    w.devices.value = 16
    assert shown(w, "wall-time") == f"{t.wall_hours / 2:,.1f} hours"
    w.dimension.value = 64.5
    assert "whole number" in w.message.value


def test_traffic_estimator_shows_bandwidth():
    w = TrafficStorageEstimator(150e6, 2, request_bytes=500, response_bytes=5000)
    bw = cap.bandwidth(cap.traffic(150e6, 2), 500, 5000)
    assert cap.format_bytes(bw.peak_egress_bytes_per_s) in shown(w, "bandwidth")
