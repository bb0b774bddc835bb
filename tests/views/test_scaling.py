"""The scale explorer driven in Python: move the factor, change the question, follow steps 1 and 5 of an attempt."""

import dataclasses
import html
import re

import pytest

from widgets.practice.questions import load_bank
from widgets.tools import capacity as cap
from widgets.tools import scaling as sc
from widgets.views.scaling import ScaleExplorer


def shown(widget, key):
    return re.search(rf"class='mlsd-{key}'><b>([^<]+)</b>", widget.numbers.value).group(1)


def shown_today(widget, key):
    return re.search(rf"class='mlsd-today-{key}'>([^<]+)<", widget.numbers.value).group(1)


@pytest.fixture(scope="module")
def spotify():
    return load_bank().get("spotify-recommendations")


def test_moving_the_factor_changes_the_numbers_the_chart_and_the_sentence(spotify):
    w = ScaleExplorer(question=spotify)
    assert w.factor.value == 10 and "mlsd-scale-explorer" in w._dom_classes
    peak = cap.traffic(spotify.daily_active_users, spotify.actions_per_user_per_day).peak_rps
    assert shown(w, "peak-rps") == cap.format_quantity(10 * peak, "req/s")
    before = (w.numbers.value, w.chart.value, w.say_text)
    w.factor.value = 2.0
    assert shown(w, "peak-rps") == cap.format_quantity(2 * peak, "req/s")
    assert shown(w, "user-table") == cap.format_bytes(2 * spotify.daily_active_users * 64 * 4)
    assert w.chart.value != before[1] and w.say_text != before[2] and w.say_text.startswith("At 2x the users")
    assert "mlsd-first-break'>1.2x" in w.numbers.value   # 80 GB / 64 GB: the user table breaks first
    w.grow.value = "items"
    assert shown(w, "item-index") == cap.format_bytes(2 * spotify.items * (64 * 4 + 2 * 16 * 4))
    assert "Grows faster than the items" in w.numbers.value and "all-pairs item similarity" in w.numbers.value
    assert "formula" in w.working.value and "Hoffmann" in w.working.value


def test_a_question_with_more_items_changes_the_result(spotify):
    w = ScaleExplorer(question=spotify, grow="items")
    index = w.result["item-index"].today
    bigger = dataclasses.replace(spotify, id="spotify-bigger", items=spotify.items * 10)
    w.question = bigger
    assert w.result["item-index"].today == pytest.approx(10 * index, rel=1e-12)
    assert w.result["item-pairs"].today == pytest.approx(100 * ScaleExplorer(question=spotify).result["item-pairs"].today,
                                                         rel=1e-12)
    assert shown_today(w, "item-index") == cap.format_bytes(10 * index) and "1B items (the question" in w.about.value


def test_standalone_it_starts_from_its_own_scale_and_the_controls_change_the_limits():
    w = ScaleExplorer(daily_active_users=1e6, actions_per_user_per_day=5, items=1e5)
    assert w.result.scale.daily_active_users == 1e6 and "the tool&#39;s example" in w.about.value
    w.training_hardware.value = "NVIDIA A100 80GB"
    assert w.result["user-table"].limit == 80e9
    w.dimension.value = 128
    assert w.result["user-table"].today == 1e6 * 128 * 4
    w.budget.value = 100
    assert w.result.first.key == "monthly-cost" or w.result["monthly-cost"].over_today
    w.grow_model.value = False
    w.grow.value = "data"
    assert w.result["training"].exponent == 1


@pytest.mark.parametrize("box, value, message", [
    ("budget", -5, "The monthly budget must be a positive number, got -5."),
    ("budget", "", "Monthly budget (USD) is empty: type a number."),
    ("largest_fleet", 0.5, "The largest fleet (replicas) must be a whole number of at least 1, got 0.5."),
    ("dimension", "lots", "Embedding dimension must be a number, got 'lots'."),
    ("devices", 0, "The number of training devices must be a whole number of at least 1, got 0."),
])
def test_a_bad_input_is_a_message_and_the_last_good_numbers_stay(box, value, message):
    w = ScaleExplorer()
    good = w.numbers.value
    getattr(w, box).value = value
    assert message in html.unescape(w.message.value) and "mlsd-stale" in w.numbers._dom_classes
    assert w.numbers.value == good
    getattr(w, box).value = {"budget": 1e6, "largest_fleet": 5000, "dimension": 64, "devices": 8}[box]
    assert w.message.value == "" and "mlsd-stale" not in w.numbers._dom_classes


def test_a_model_that_fills_the_serving_device_is_a_message():
    w = ScaleExplorer(serving_hardware="NVIDIA T4")
    w._assumed = {"model_gb": 20.0}
    w.update()
    assert "fill the 16 GB of one NVIDIA T4" in html.unescape(w.message.value)
    w.serving_hardware.value = "CPU server 64 vCPU"
    assert w.message.value == ""


def test_the_numbers_typed_in_steps_1_and_5_are_used(clock):
    from widgets.pages.step import StepPage
    from widgets.views.capacity import ServingEstimator, TrafficStorageEstimator

    q = "uber-shared-rides"
    question = load_bank().get(q)
    alone = ScaleExplorer().follow(StepPage(6, question_id=q, participant="Ada", now=clock, autotick=False))
    assert alone.result.scale.daily_active_users == question.daily_active_users   # nothing typed yet: the question's
    assert "(the question&#39;s)" in alone.about.value and "step 5&#39;s defaults" in alone.about.value

    traffic = TrafficStorageEstimator().follow(StepPage(1, question_id=q, participant="Ada", now=clock, autotick=False))
    traffic.users.value = 5 * question.daily_active_users
    traffic.peak.value = 3.0
    clock.advance(10)
    serving = ServingEstimator().follow(StepPage(5, question_id=q, participant="Ada", now=clock, autotick=False))
    serving.hardware.value = "NVIDIA L4"
    serving.latency.value = 40
    clock.advance(10)

    w = ScaleExplorer().follow(StepPage(6, question_id=q, participant="Ada", now=clock, autotick=False))
    s = w.result.scale
    assert (s.daily_active_users, s.peak_factor, s.latency_ms) == (5 * question.daily_active_users, 3.0, 40.0)
    assert w.serving_hardware.value == "NVIDIA L4" and s.serving_hardware.name == "NVIDIA L4"
    assert "typed in step 1" in w.about.value and "typed in step 5" in w.about.value
    expected = sc.scale_up(sc.todays_scale(5 * question.daily_active_users, question.actions_per_user_per_day,
                                           question.items, "NVIDIA L4", "NVIDIA H100 SXM", peak_factor=3.0,
                                           latency_ms=40.0, batch_size=8.0, target_utilisation=0.6, redundancy=0.25,
                                           model_gb=2.0, cache_gb=1.0), "users", 10)
    assert shown(w, "peak-rps") == cap.format_quantity(expected.traffic.peak_rps, "req/s")
    assert shown(w, "replicas") == f"{expected.fleet.replicas_total:,} replicas"

    w.factor.value = 20.0   # step 6's own choices are kept with the attempt and come back
    again = ScaleExplorer().follow(StepPage(6, question_id=q, participant="Ada", now=clock, autotick=False))
    assert again.factor.value == 20.0 and again.serving_hardware.value == "NVIDIA L4"
