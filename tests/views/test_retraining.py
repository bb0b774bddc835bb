"""The retraining explorer (views/retraining): the table and sentence are the study's, the floor and the hardware
move them without simulating again, a new period simulates once, and a bad value is a message."""

import html
import re

import pytest

from widgets.tools import retraining as R
from widgets.tools.drift import drift_setting
from widgets.views.retraining import RetrainingExplorer


def cell(table, css_class):
    return html.unescape(re.search(rf"class='{css_class}'>([^<]*)<", table).group(1))


@pytest.fixture(scope="module")
def explorer():
    return RetrainingExplorer()


def test_the_explorer_shows_the_studys_numbers(explorer):
    w = explorer
    assert "mlsd-retraining-explorer" in w._dom_classes and w.message.value == ""
    study = R.simulate(drift_setting(), 14, 14)
    assert w.study is study
    table = w.numbers.value
    for p, slug in R.SLUGS.items():
        assert cell(table, f"mlsd-retrains-{slug}") == str(study.runs[p].refits)
        assert cell(table, f"mlsd-worst-{slug}") == f"{study.runs[p].worst:.3f}"
    assert cell(table, "mlsd-retrains-periodic") == "26" and cell(table, "mlsd-retrains-never") == "0"
    assert cell(table, "mlsd-pick-weighted") == "cheapest above the floor"
    assert "importance weighting (refitted every 14 days)" in w.say_text and "0.72" in w.say_text
    assert "Shimodaira" in w.working.value and "FLOP" in w.working.value
    assert "NVIDIA A100 80GB" in w.hardware.options and "iPhone 15 Pro" not in w.hardware.options


def test_the_floor_and_the_hardware_change_the_answer_without_a_new_simulation(explorer):
    w = explorer
    misses, png = R.simulate.cache_info().misses, w.chart.value
    w.floor.value = 0.6
    assert cell(w.numbers.value, "mlsd-pick-never") == "cheapest above the floor"
    assert "never retraining" in w.say_text and "costs nothing" in w.say_text
    assert w.chart.value != png
    w.floor.value = 0.85
    assert "no policy keeps" in w.say_text and cell(w.numbers.value, "mlsd-meets-weighted") == "no"
    a100 = cell(w.numbers.value, "mlsd-cost-periodic")
    w.hardware.value = "CPU server 16 vCPU"
    assert cell(w.numbers.value, "mlsd-cost-periodic") != a100
    assert R.simulate.cache_info().misses == misses
    w.floor.value, w.hardware.value = 0.72, R.DEFAULT_HARDWARE


def test_a_new_period_simulates_once_and_counts_its_retrains(explorer):
    w = explorer
    w.every_days.value = 30
    assert cell(w.numbers.value, "mlsd-retrains-periodic") == "12"
    assert cell(w.numbers.value, "mlsd-retrains-weighted") == "12"
    study = w.study
    w.every_days.value = 14
    w.every_days.value = 30
    assert w.study is study                     # moving back reuses the cached simulation
    w.every_days.value = 14


def test_bad_input_in_the_widget_is_a_message_and_the_numbers_stay(explorer):
    w = explorer
    before, say = w.numbers.value, w.say_text
    w.every_days.min = 0                        # a notebook that widened the slider
    w.every_days.value = 0
    assert "N of 1 day or more" in w.message.value
    assert w.numbers.value == before and w.say_text == say
    w.every_days.value = 14
    w.every_days.min = 1
    assert w.message.value == "" and w.numbers.value == before
    w.floor.max = 1.5
    w.floor.value = 1.2
    assert "between 0 and 1" in w.message.value and w.numbers.value == before
    w.floor.value = 0.72
    w.floor.max = 0.9
    assert w.message.value == ""


def test_a_typo_in_the_notebook_cell_is_a_message_not_a_traceback():
    w = RetrainingExplorer(start=400)
    assert "day of the year" in w.message.value
    assert w.start_day.value == 180 and cell(w.numbers.value, "mlsd-retrains-periodic") == "26"
