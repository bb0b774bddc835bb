"""The serving-optimisation explorer (widgets/views/compression.py): set its controls in Python and read the
numbers, the sentence to say and the chart; bad inputs are messages that keep the last numbers. Also: the capacity
estimators keep listing only server hardware now that hardware.csv holds phones and edge devices."""

import re

import pytest
from sklearn.metrics import accuracy_score

from widgets.tools import capacity as cap
from widgets.tools import compression as cz
from widgets.views.capacity import ServingEstimator, TrainingEstimator
from widgets.views.compression import ALL, CompressionExplorer

MICROCONTROLLER = "Arduino Nano 33 BLE Sense"


def cell(html_text, css_class):
    """The text of the cell with class ``css_class``."""
    return re.search(rf"class='{css_class}'[^>]*>([^<]*)<", html_text).group(1)


def number(html_text, css_class):
    return float(cell(html_text, css_class).replace(",", "").replace("≈ ", ""))


@pytest.fixture(scope="module")
def explorer():
    return CompressionExplorer(sparsity=0.5, hidden=16, batch_size=32, device="iPhone 15 Pro", latency_budget_ms=5)


def _reset(w):
    w.focus.value, w.sparsity.value, w.hidden.value = ALL, 0.5, 16
    w.batch.value, w.device.value, w.budget.value = 32, "iPhone 15 Pro", 5


def test_the_table_shows_every_variant_measured(explorer):
    w = explorer
    _reset(w)
    assert "mlsd-compression-explorer" in w._dom_classes
    c = cz.compare_variants(0.5, 16, 32)
    study = cz.compression_study()
    for key in cz.VARIANTS:
        r = c.result(key)
        assert number(w.numbers.value, f"mlsd-size-{key}") == r.size_bytes
        labels, _ = cz.model_variant(key, 0.5, 16).predict(study.X_test)
        assert cell(w.numbers.value, f"mlsd-accuracy-{key}") == f"{accuracy_score(study.y_test, labels):.2%}"
        for which, lat in (("p50", r.request.p50_ms), ("p99", r.request.p99_ms), ("batch-p50", r.batch.p50_ms),
                           ("batch-p99", r.batch.p99_ms)):
            assert cell(w.numbers.value, f"mlsd-{which}-{key}") == cz.format_sig3(lat)
    assert number(w.numbers.value, "mlsd-sparse-size") == c.result("pruned").sparse_bytes
    assert "batch of 32" in w.numbers.value and "estimate" in w.numbers.value
    assert "Int8 quantisation makes it" in w.say_text and "iPhone 15 Pro" in w.say_text


def test_pruning_sparsity_moves_the_pruned_numbers_and_the_chart_and_comes_back(explorer):
    w = explorer
    _reset(w)
    before_numbers, before_png = w.numbers.value, w.chart.value
    w.sparsity.value = 0.9
    assert number(w.numbers.value, "mlsd-lost-pruned") > number(before_numbers, "mlsd-lost-pruned")
    assert number(w.numbers.value, "mlsd-sparse-size") < number(before_numbers, "mlsd-sparse-size")
    assert "pruning 90% of the weights" in w.say_text
    assert w.chart.value != before_png
    w.sparsity.value = 0.5          # measured before: cached, so the very same numbers come back
    assert w.numbers.value == before_numbers


def test_student_size_and_batch_size_are_remeasured(explorer):
    w = explorer
    _reset(w)
    small = number(w.numbers.value, "mlsd-size-distilled")
    w.hidden.value = 8
    assert number(w.numbers.value, "mlsd-size-distilled") < small
    assert "a student with 8 hidden units" in w.say_text
    w.batch.value = 1
    assert "batch of 1:" in w.numbers.value
    assert cz.variant_latency("int8", 1) is cz.variant_latency("int8", 1, hidden=8)   # one measurement per model


def test_device_and_budget_decide_fit_and_latency(explorer):
    w = explorer
    _reset(w)
    assert cell(w.numbers.value, "mlsd-fits-float32").startswith("fits (")
    w.device.value = MICROCONTROLLER               # 256 KiB of RAM, half of it for the model
    assert cell(w.numbers.value, "mlsd-fits-float32").startswith("does not fit (")
    assert cell(w.numbers.value, "mlsd-fits-int8").startswith("fits (") and "of 130 kB)" in w.numbers.value
    c = cz.compare_variants(0.5, 16, 32)
    mcu = cap.hardware(MICROCONTROLLER)
    expected = cz.device_latency_ms(c.result("int8").request.p99_ms, cz.host_compute().tflops, mcu.peak_tflops)
    assert cell(w.numbers.value, "mlsd-device-p99-int8") == cz.format_sig3(expected)
    w.budget.value = 1e6
    assert cell(w.numbers.value, "mlsd-budget-int8") == "met"
    assert MICROCONTROLLER in w.say_text and "To ship on the" in w.say_text
    assert w.best in ("float16", "int8", "distilled")       # float32 and the dense pruned file do not fit
    w.budget.value = 1e-6
    assert cell(w.numbers.value, "mlsd-budget-int8") == "missed" and w.best is None
    assert "no variant both fits" in w.say_text


def test_focus_on_one_variant(explorer):
    w = explorer
    _reset(w)
    w.focus.value = "int8"
    keys = re.findall(r"data-variant='(\w+)'", w.numbers.value)
    assert keys == ["sklearn", "float32", "int8"]
    assert w.say_text.startswith("The int8 ONNX (dynamic) model is")
    assert "int8 ONNX (dynamic) on the device" in w.working.value and "float16" not in w.working.value


@pytest.mark.parametrize("control, value, message", [
    ("batch", 0, "The batch size must be a whole number of at least 1."),
    ("batch", "many", "Batch size"),
    ("budget", 0, "The latency budget must be more than 0 ms."),
    ("budget", -3, "The latency budget must be more than 0 ms."),
])
def test_bad_inputs_show_a_message_and_keep_the_numbers(explorer, control, value, message):
    w = explorer
    _reset(w)
    numbers, say = w.numbers.value, w.say_text
    getattr(w, control).value = value
    assert message in w.message.value
    assert w.numbers.value == numbers and w.say_text == say
    _reset(w)
    assert w.message.value == ""


def test_capacity_estimators_still_list_only_server_hardware():
    profiles = cap.load_hardware()
    servers = list(profiles.loc[profiles["kind"].isin(["cpu", "gpu"]), "name"])
    assert set(profiles["kind"]) > {"cpu", "gpu"}      # the file does hold phones and edge devices
    assert list(ServingEstimator().hardware.options) == servers
    assert list(TrainingEstimator().hardware.options) == servers
