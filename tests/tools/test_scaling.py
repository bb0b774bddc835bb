"""Ten times the traffic and the data: exact growth, crossings, the first limit to break, and the messages."""

import dataclasses
import math

import numpy as np
import pytest

from widgets.tools import capacity as cap
from widgets.tools import scaling as sc

USERS, ACTIONS, ITEMS = 100e6, 10.0, 20e6


@pytest.fixture(scope="module")
def scale():
    return sc.todays_scale(USERS, ACTIONS, ITEMS, "NVIDIA T4", "NVIDIA H100 SXM")


# --------------------------------------------------------------------------------------------
# growth
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("grow", sc.GROWTHS)
@pytest.mark.parametrize("grow_model", [True, False])
@pytest.mark.parametrize("factor", [1.0, 3.7, 10.0, 100.0])
def test_power_law_components_grow_exactly_by_the_factor_to_their_power(scale, grow, grow_model, factor):
    s = dataclasses.replace(scale, grow_model=grow_model)
    up = sc.scale_up(s, grow, factor)
    checked = 0
    for c in up.components:
        if c.key == "replicas" or c.exponent is None:   # whole replicas, and a sum of parts: no power law
            continue
        assert c.exponent == sc.growth_exponent(c.key, grow, grow_model)
        assert c.size == pytest.approx(c.today * factor ** c.exponent, rel=1e-12), c.key
        checked += 1
    assert checked == (8 if grow == "items" else 7)


def test_what_grows_linearly_and_what_grows_faster(scale):
    s = dataclasses.replace(scale, grow_model=False)
    linear = {g: {c.key for c in sc.scale_up(s, g, 10).components if c.grows == "linear"} for g in sc.GROWTHS}
    assert linear == {"users": {"peak-rps", "storage", "replicas", "user-table", "retrieval", "training"},
                      "items": {"item-index", "retrieval"}, "data": {"storage", "training"}}
    up = sc.scale_up(s, "items", 10)
    assert up["item-pairs"].grows == "faster" and up["item-pairs"].growth == pytest.approx(100, rel=1e-12)
    grown = sc.scale_up(scale, "data", 10)                  # the model grows with the data: 10 x 10
    assert grown["training"].grows == "faster" and grown["training"].growth == pytest.approx(100, rel=1e-12)
    assert grown["peak-rps"].grows == "does not grow" and grown["peak-rps"].size == grown["peak-rps"].today
    assert sc.scale_up(s, "users", 10)["monthly-cost"].grows == "mixed"
    assert up["monthly-cost"].grows == "does not grow" and up["monthly-cost"].size == up["monthly-cost"].today
    fleet = sc.scale_up(scale, "users", 10)["replicas"]     # whole replicas: about 10x, not exactly
    assert 9 < fleet.growth < 11


def test_at_factor_1_the_numbers_are_the_capacity_functions_own(scale):
    up = sc.scale_up(scale, "users", 1)
    t = cap.traffic(USERS, ACTIONS, 2.0, 0.9)
    st = cap.storage(t.write_rps * cap.SECONDS_PER_DAY, bytes_per_record=1_000, replication=3, retention_days=1095)
    fleet = cap.serving_fleet(t.peak_rps, "NVIDIA T4", latency_ms=20, batch_size=8, target_utilisation=0.6,
                              redundancy=0.25, model_gb=2, cache_gb=1)
    table = cap.embedding_memory(USERS, 64, 4)
    run = cap.training_compute("NVIDIA H100 SXM", n_devices=8, mfu=0.4, samples=t.requests_per_day * 7,
                               flops_per_sample=6 * 10e6)
    pairs = cap.training_compute("NVIDIA H100 SXM", n_devices=8, mfu=0.4, samples=ITEMS ** 2 / 2, flops_per_sample=128)
    assert up["peak-rps"].size == t.peak_rps and up.traffic.working == t.working
    assert up["storage"].size == st.bytes_retained
    assert up["replicas"].size == fleet.replicas_total and up.bill["serving"] == fleet.monthly_cost_usd
    assert up["user-table"].size == table.table_bytes
    assert up["training"].size == run.wall_hours and up["item-pairs"].size == pairs.wall_hours
    assert up["monthly-cost"].size == pytest.approx(fleet.monthly_cost_usd + 30 * run.cost_usd
                                                    + st.bytes_retained / 1e9 * 0.023, rel=1e-12)
    assert up["item-index"].size == ITEMS * (64 * 4 + 2 * 16 * 4)   # faiss HNSW: d x 4 + M x 2 x 4 bytes
    assert all(c.size == c.today for c in up.components)


@pytest.mark.parametrize("grow", sc.GROWTHS)
def test_the_curves_agree_with_the_capacity_functions_at_every_factor(scale, grow):
    factors = [1.0, 1.3, 2.0, 7.77, 10.0, 41.0, 100.0]
    curves = sc.limit_curves(scale, grow, factors)
    for i, f in enumerate(factors):
        up = sc.scale_up(scale, grow, f)
        for key in sc.LIMITED:
            assert curves[key][i] == pytest.approx(up[key].relative, rel=1e-12), (key, f)


# --------------------------------------------------------------------------------------------
# where each limit breaks
# --------------------------------------------------------------------------------------------
def test_a_memory_limit_breaks_at_the_limit_over_todays_memory(scale):
    up = sc.scale_up(scale, "users", 10)
    table = up["user-table"]
    assert table.today == USERS * 64 * 4 and table.limit == 80e9
    assert table.breaks_at == pytest.approx(80e9 / (USERS * 64 * 4), rel=1e-15)   # 3.125
    index = sc.scale_up(scale, "items", 10)["item-index"]
    assert index.breaks_at == pytest.approx((16 - 2 - 1) * 1e9 / index.today, rel=1e-15)
    assert sc.break_factor(64e9, 80e9, 1) == 1.25


def test_a_quadratic_component_breaks_at_the_square_root(scale):
    pairs = sc.scale_up(scale, "items", 10)["item-pairs"]
    assert pairs.breaks_at == pytest.approx(math.sqrt(24 / pairs.today), rel=1e-12)
    grown = sc.scale_up(scale, "items", pairs.breaks_at)["item-pairs"]
    assert grown.size == pytest.approx(24, rel=1e-12)


@pytest.mark.parametrize("grow", ["users", "data"])
def test_the_bisected_crossings_are_where_the_fleet_and_the_bill_go_over(scale, grow):
    s = dataclasses.replace(scale, largest_fleet=500, monthly_budget_usd=150_000.0)
    up = sc.scale_up(s, grow, 1)
    for key in ("replicas", "monthly-cost"):
        at = up[key].breaks_at
        if grow == "data" and key == "replicas":   # the fleet does not grow with the data
            assert at is None and up[key].solved_by == "does not grow with the data"
            continue
        assert "bisection" in up[key].solved_by
        assert sc.scale_up(s, grow, at * (1 + 1e-8))[key].relative > 1
        assert sc.scale_up(s, grow, at * (1 - 1e-8))[key].relative <= 1


def test_the_fleet_crossing_matches_the_replica_count_solved_by_hand(scale):
    s = dataclasses.replace(scale, largest_fleet=500)
    # 500 replicas with 25% spare: ceil(r x 1.25) <= 500 up to r = 400; r = ceil(peak / (400 req/s x 0.6)), where
    # capacity's ceil ignores one part in 10^9 (so 400.0000001 is still 400 replicas)
    peak_today = sc.scale_up(s, "users", 1).traffic.peak_rps
    by_hand = 400 * 400 * 0.6 / peak_today / (1 - 1e-9)
    assert sc.scale_up(s, "users", 1)["replicas"].breaks_at == pytest.approx(by_hand, rel=1e-11)


def test_break_factor_edges():
    assert sc.break_factor(5, 24, 0) is None              # does not grow and fits
    assert sc.break_factor(30, 24, 0) == 0.0              # does not grow and is over at every factor
    assert sc.break_factor(48, 24, 1) == 0.5              # over today: it fitted only at half the scale
    with pytest.raises(ValueError, match="The limit must be a positive number"):
        sc.break_factor(1, 0, 1)


# --------------------------------------------------------------------------------------------
# the first limit to break
# --------------------------------------------------------------------------------------------
def _part(key, breaks_at, today=1.0, limit=10.0):
    return sc.Component(key, key, "B", today, today, 1, limit=limit, breaks_at=breaks_at)


def test_first_to_break_is_the_smallest_crossing_among_those_within_their_limit():
    parts = [_part("fleet", 4.0), _part("table", 1.3), _part("index", 1.3), _part("budget", None),
             _part("over", 0.2, today=50.0), sc.Component("traffic", "traffic", "req/s", 1.0, 5.0, 1)]
    assert sc.first_to_break(parts).key == "table"          # ties: the first listed
    assert sc.first_to_break(parts[3:]) is None


def test_first_to_break_and_what_is_over_today(scale):
    up = sc.scale_up(scale, "users", 10)
    assert up.first.key == "user-table" and up.already_over == ()
    small = dataclasses.replace(scale, model_gb=14.0, cache_gb=1.0)   # 1 GB left for a 7.7 GB index
    up = sc.scale_up(small, "users", 10)
    assert [c.key for c in up.already_over] == ["item-index"] and up.first.key == "user-table"
    assert "Already over today: the item index (7.7 GB against the 1 GB left on one NVIDIA T4" in up.say()


def test_the_sentence_says_what_grows_and_what_breaks(scale):
    up = sc.scale_up(scale, "users", 10)
    assert up.say().startswith("At 10x the users, peak traffic grows to 230K requests a second (linear: 1,207 "
                               "replicas of an NVIDIA T4); the first limit to break is the user embedding table, "
                               "260 GB, which no longer fits one 80 GB NVIDIA H100 SXM from 3.1x: shard it")
    assert "nothing breaks by 2x: the first limit to break is the user embedding table" in \
        sc.scale_up(scale, "users", 2).say()
    assert sc.scale_up(scale, "items", 10).say().startswith("At 10x the items, the item index grows to 77 GB (linear)")
    assert "a training run to" in sc.scale_up(scale, "data", 10).say()
    roomy = dataclasses.replace(scale, serving_hardware=cap.hardware("CPU server 64 vCPU"))
    up = sc.scale_up(roomy, "items", 2)
    assert up.first is not None and up.first.key == "item-index"
    none = sc.scale_up(dataclasses.replace(scale, run_limit_hours=1e9), "items", 10)
    assert none.first.key == "item-index" and none["item-pairs"].breaks_at > 1e3


def test_working_names_each_components_formula(scale):
    up = sc.scale_up(scale, "items", 10)
    assert len(up.working) == len(sc.COMPONENTS)
    assert all(c.formula and c.assumption for c in up.components)
    assert up["item-pairs"].formula.startswith("200M^2 / 2 = 2e16 pairs x 2 x 64 FLOPs = 2.6e18 FLOP")
    assert up["item-index"].solved_by.startswith("closed form")
    assert up["training"].solved_by == "does not grow with the items"


# --------------------------------------------------------------------------------------------
# servers and messages
# --------------------------------------------------------------------------------------------
def test_only_cpu_and_gpu_rows_are_servers(monkeypatch):
    devices = set(cap.load_hardware().query("kind in ('phone', 'edge')")["name"])
    assert "iPhone 15 Pro" in devices and not devices & set(sc.server_names())
    assert sc.server_names("gpu")[0] == "NVIDIA T4"
    monkeypatch.setattr(cap, "hardware", lambda name: cap.HardwareProfile(name, "phone", 1.0, 8.0, 0.1, "-", "2025-06"))
    with pytest.raises(ValueError, match="The serving hardware must be a server"):
        sc.todays_scale(USERS, ACTIONS, ITEMS, "A phone", "NVIDIA H100 SXM")


@pytest.mark.parametrize("factor, message", [
    (0.5, "The factor must be a number of at least 1 (1 = today's scale), got 0.5."),
    (0, "got 0."), (float("nan"), "got nan"), ("ten", "got 'ten'"), (None, "got None"), (True, "got True"),
])
def test_a_bad_factor_is_a_message(scale, factor, message):
    with pytest.raises(ValueError, match="The factor must be a number of at least 1") as info:
        sc.scale_up(scale, "users", factor)
    assert message in str(info.value)


@pytest.mark.parametrize("change, message", [
    ({"daily_active_users": -1}, "Daily active users must be a positive number, got -1."),
    ({"items": 0}, "Items must be a positive number, got 0."),
    ({"monthly_budget_usd": -5}, "The monthly budget must be a positive number, got -5."),
    ({"largest_fleet": 0.5}, "The largest fleet (replicas) must be a whole number of at least 1, got 0.5."),
    ({"embedding_dimension": 64.5}, "The embedding dimension must be a whole number of at least 1, got 64.5."),
    ({"training_devices": 0}, "The number of training devices must be a whole number of at least 1, got 0."),
    ({"peak_factor": 0.5}, "peak_factor must be at least 1"),
    ({"model_gb": 15}, "The model and caches of step 5 (16 GB) fill the 16 GB of one NVIDIA T4"),
    ({"serving_hardware": "NVIDIA Z9"}, "Unknown hardware 'NVIDIA Z9'"),
    ({"pets": 3}, "Unknown assumption(s): pets."),
])
def test_bad_inputs_are_messages(change, message):
    given = {"daily_active_users": USERS, "actions_per_user_per_day": ACTIONS, "items": ITEMS,
             "serving_hardware": "NVIDIA T4", **change}
    with pytest.raises(ValueError) as info:
        sc.todays_scale(**given)
    assert message in str(info.value)


def test_a_bad_growth_is_a_message(scale):
    with pytest.raises(ValueError, match="Grow must be one of users, items or data, got 'pets'."):
        sc.scale_up(scale, "pets", 10)
    with pytest.raises(ValueError, match="The factors must be positive numbers."):
        sc.limit_curves(scale, "users", np.array([1.0, -2.0]))
