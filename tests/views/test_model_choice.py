"""The model-choice explorer (views/model_choice): moving the budget or the bar changes the pick shown (moved from
tests/test_model_choice.py)."""

import pickle
import re

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from widgets.tools import model_choice as MC
from widgets.views.model_choice import ModelChoiceExplorer


@pytest.fixture(scope="module")
def study():
    return MC.model_choice_study()


def cells(table_html, css_class):
    """Every number in the cells of one CSS class, top row first."""
    return [float(x.replace(",", "")) for x in re.findall(rf"class='{css_class}'[^>]*>([0-9.,]+)<", table_html)]


def chosen_row(table_html):
    found = re.search(r"<tr class='[^']*mlsd-chosen[^']*'[^>]*>(.*?)</tr>", table_html)
    return None if found is None else re.search(r"class='mlsd-model-name'[^>]*>([^<]+)<", found.group(1)).group(1)


def test_widget_table_shows_the_study_numbers(study):
    w = ModelChoiceExplorer(budget_ms=1e6, min_quality=0.9)
    table = w.numbers.value
    s = w.study
    assert cells(table, "mlsd-quality") == [round(accuracy_score(s.y_test, s.predictions[r.name]), 3)
                                            for r in s.results]
    assert cells(table, "mlsd-size") == [round(len(pickle.dumps(s.models[r.name])) / 1000, 1) for r in s.results]
    for css, attr in [("mlsd-p50", "p50_ms"), ("mlsd-p99", "p99_ms"), ("mlsd-batch", "batch_ms"),
                      ("mlsd-train-time", "train_s")]:
        np.testing.assert_allclose(cells(table, css), [getattr(r, attr) for r in s.results], rtol=6e-3)
    p50, p99 = cells(table, "mlsd-p50"), cells(table, "mlsd-p99")
    assert all(a <= b for a, b in zip(p50, p99))
    assert table.count("mlsd-chosen") == 1 and chosen_row(table) == "logistic regression"
    assert "mlsd-model-choice-explorer" in w._dom_classes


def test_moving_the_budget_changes_the_pick(study):
    w = ModelChoiceExplorer(budget_ms=1e6, min_quality=0.9)
    assert chosen_row(w.numbers.value) == "logistic regression" and "I would ship logistic regression" in w.say.value
    first_png = w.chart.value
    w.budget.value = 1e-4   # far below any measured p99
    assert chosen_row(w.numbers.value) is None and "No model meets both" in w.say.value
    assert w.chart.value != first_png and w.choice.chosen is None
    fastest = min(study.results, key=lambda r: r.p99_ms)
    assert f"raise the budget to {MC.format_ms(fastest.p99_ms)} ms for {fastest.name}" in w.say.value
    w.budget.value = fastest.p99_ms   # exactly the fastest model's p99: it fits
    expected = study.choose(fastest.p99_ms, 0.9).chosen.name
    assert chosen_row(w.numbers.value) == expected and f"I would ship {expected}" in w.say.value


def test_raising_the_bar_moves_the_pick_to_a_more_accurate_model(study):
    w = ModelChoiceExplorer(budget_ms=1e6, min_quality=0.9)
    lr = study.result("logistic regression")
    w.min_quality.value = round(lr.accuracy + 0.001, 3)
    better = next(r for r in study.results if r.accuracy >= w.min_quality.value)
    assert better.name != "logistic regression"
    assert chosen_row(w.numbers.value) == better.name and f"accuracy {better.accuracy:.3f}" in w.say.value


def test_bad_budget_is_a_message_and_the_last_numbers_stay():
    w = ModelChoiceExplorer(budget_ms=1e6, min_quality=0.9)
    table, say, png = w.numbers.value, w.say.value, w.chart.value
    w.budget.value = 0
    assert "more than 0 ms" in w.message.value and "mlsd-error" in w.message.value
    assert (w.numbers.value, w.say.value, w.chart.value) == (table, say, png)
    w.budget.value = -5     # shown as typed (no silent clamp): a message
    assert w.budget.number == -5 and "more than 0 ms" in w.message.value
    assert "mlsd-stale" in w.numbers._dom_classes   # the last numbers stay, dimmed
    w.budget.value = ""
    assert "p99 latency budget (ms) is empty" in w.message.value
    w.budget.value = 1e5
    assert w.message.value == "" and chosen_row(w.numbers.value) == "logistic regression"


def test_measure_again_re_times_without_retraining(study):
    w = ModelChoiceExplorer(budget_ms=1e6, min_quality=0.9)
    quality_before = cells(w.numbers.value, "mlsd-quality")
    w.measure_again.click()
    assert w.study is not study and [r.latency for r in w.study.results] != [r.latency for r in study.results]
    assert w.study.models is study.models   # same fitted models
    assert cells(w.numbers.value, "mlsd-quality") == quality_before
    np.testing.assert_allclose(cells(w.numbers.value, "mlsd-p99"), [r.p99_ms for r in w.study.results], rtol=6e-3)
    assert not w.measure_again.disabled and w.measure_again.description == "Measure again"



def test_a_first_visit_meets_both_and_the_spread_of_the_rounds_is_shown(study):
    w = ModelChoiceExplorer()   # the defaults a first visit sees
    assert w.choice.chosen is not None and "No model meets both" not in w.say.value
    simplest_good = next(r for r in study.results if r.accuracy >= MC.DEFAULT_MIN_QUALITY)
    assert w.budget.number >= 2 * simplest_good.p99_ms and w.choice.chosen.name == simplest_good.name
    spreads = re.findall(r"class='mlsd-p99-range'>([0-9.]+)-([0-9.]+)<", w.numbers.value)
    assert len(spreads) == 4 and all(float(low) <= float(high) for low, high in spreads)
    assert f"p99 range, {MC.ROUNDS} rounds of {MC.N_REQUESTS} (ms)" in w.numbers.value


def test_the_default_budget_grows_with_a_busy_machine(study):
    from dataclasses import replace

    for slowdown in (1, 3, 10, 40):   # every latency slowdown times longer, as on a loaded machine
        slow = [replace(r, p99_ms=r.p99_ms * slowdown) for r in study.results]
        budget = MC.default_budget(slow, MC.DEFAULT_MIN_QUALITY)
        assert MC.choose_model(slow, budget, MC.DEFAULT_MIN_QUALITY).chosen is not None
