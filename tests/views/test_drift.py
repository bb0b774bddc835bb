"""The drift monitor (views/drift): its numbers are the study's, thresholds move them without regenerating the
stream, a new drift regenerates it, and a bad value is a message that keeps the last numbers."""

import html
import re

import pytest

from widgets.tools import drift as D
from widgets.views.drift import DriftMonitor


def cell(table, css_class):
    return html.unescape(re.search(rf"class='{css_class}'>([^<]*)<", table).group(1))


@pytest.fixture(scope="module")
def monitor_view():
    return DriftMonitor()


def test_the_monitor_shows_the_studys_numbers(monitor_view):
    w = monitor_view
    assert "mlsd-drift-monitor" in w._dom_classes and w.message.value == ""
    expected = D.monitor(D.daily_statistics(D.drift_setting()), label_delay=14)
    table = w.numbers.value
    for k in D.SIGNALS:
        assert cell(table, f"mlsd-detection-delay-{k}") == str(expected.detection_delay[k])
        assert cell(table, f"mlsd-false-alarms-{k}") == f"{expected.false_alarms_per_month[k]:.2f}"
    assert cell(table, "mlsd-detection-delay-psi") == "0" and cell(table, "mlsd-detection-delay-metric") == "14"
    assert "from day 180" in w.say_text and "14 days late" in w.say_text
    assert "Siddiqi" in w.working.value and "Montgomery" in w.working.value
    assert w.chart.value[:4] == b"\x89PNG"


def test_thresholds_and_the_delay_move_the_numbers_without_a_new_stream(monitor_view):
    w = monitor_view
    stats, png = w.stats, w.chart.value
    misses = D.daily_statistics.cache_info().misses
    w.label_delay.value = 30
    assert cell(w.numbers.value, "mlsd-detection-delay-metric") == "30" and "30 days late" in w.say_text
    w.sigma.value = 1.0
    assert float(cell(w.numbers.value, "mlsd-false-alarms-chart")) > 3   # a 1-sigma chart cries wolf
    w.psi_threshold.value = 0.9                                          # above the drifted day's PSI
    assert cell(w.numbers.value, "mlsd-detection-delay-psi") == "not detected"
    w.today.value = 100
    assert "known up to day 70" in w.working.value
    assert w.stats is stats and D.daily_statistics.cache_info().misses == misses
    assert w.chart.value != png
    w.psi_threshold.value, w.sigma.value, w.label_delay.value, w.today.value = 0.1, 3.0, 14, 364


def test_a_new_drift_regenerates_and_concept_drift_escapes_the_input_monitors():
    w = DriftMonitor(kind="concept drift", start=120)
    assert cell(w.numbers.value, "mlsd-detection-delay-psi") == "not detected"
    assert cell(w.numbers.value, "mlsd-detection-delay-metric") == "14"
    assert "cannot see concept drift" in w.say_text
    w.kind.value = "no drift"
    assert w.start_day.disabled and cell(w.numbers.value, "mlsd-false-alarms-psi") == "0.00"
    assert "without drift" in w.say_text
    w.kind.value, w.onset.value = "covariate shift", "gradual"
    assert w.ramp_days.layout.display is None
    assert int(cell(w.numbers.value, "mlsd-detection-delay-psi")) > 0   # a ramp takes a while to cross 0.1


def test_bad_input_in_the_widget_is_a_message_and_the_numbers_stay(monitor_view):
    w = monitor_view
    before, say = w.numbers.value, w.say_text
    w.label_delay.max = 400          # a notebook that widened the slider beyond the year
    w.label_delay.value = 380
    assert "under a year" in w.message.value
    assert w.numbers.value == before and w.say_text == say
    w.label_delay.value = 14
    w.label_delay.max = 120
    assert w.message.value == "" and w.numbers.value == before


def test_a_typo_in_the_notebook_cell_is_a_message_not_a_traceback():
    w = DriftMonitor(kind="seasonality")
    assert "Unknown drift 'seasonality'" in html.unescape(w.message.value)
    assert w.kind.value == "covariate shift" and cell(w.numbers.value, "mlsd-detection-delay-psi") == "0"
