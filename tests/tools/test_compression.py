"""The serving-optimisation study (widgets/tools/compression.py): the ONNX model computes what scikit-learn computes,
quantisation shrinks the file, pruning zeroes what it says, the student is smaller, accuracy is scikit-learn's
accuracy_score, the device arithmetic holds on hand-made numbers, and bad inputs are messages."""

import logging
import math

import numpy as np
import pytest
from sklearn.metrics import accuracy_score

from widgets.tools import capacity as cap
from widgets.tools import compression as cz


@pytest.fixture(scope="module")
def study():
    return cz.compression_study()


@pytest.fixture(scope="module")
def comparison():
    return cz.compare_variants(0.5, 16, 32)


def test_the_teacher_is_a_float32_mlp_on_the_digits_split(study):
    assert study.X_train.shape == (1257, 64) and study.X_test.shape == (540, 64)
    assert study.X_test.dtype == np.float32 and 0 <= study.X_test.min() and study.X_test.max() <= 1
    assert [w.dtype for w in study.teacher.coefs_] == [np.float32] * 3
    assert [w.shape for w in study.teacher.coefs_] == [(64, 256), (256, 128), (128, 10)]


def test_onnx_float32_model_predicts_what_scikit_learn_predicts(study):
    v = cz.model_variant("float32")
    labels, probabilities = v.predict(study.X_test)
    np.testing.assert_allclose(probabilities, study.teacher.predict_proba(study.X_test), atol=1e-5)
    np.testing.assert_array_equal(labels, study.teacher.predict(study.X_test))


def test_quantised_models_are_smaller_int8_smallest_float16_about_half():
    f32, f16, i8 = (cz.model_variant(k).size_bytes for k in ("float32", "float16", "int8"))
    weights = 64 * 256 + 256 * 128 + 128 * 10 + 256 + 128 + 10
    assert weights * 4 < f32 < weights * 4 + 3_000          # 4 bytes a parameter plus the graph
    assert 0.45 < f16 / f32 < 0.55
    assert i8 < f16 and i8 / f32 < 0.3
    # int8 and float16 still classify the digits: the runtime really executes them
    assert cz.model_variant("int8").accuracy > 0.95 and cz.model_variant("float16").accuracy > 0.95


def test_quantising_does_not_leave_a_handler_on_the_root_logger():
    before = list(logging.getLogger().handlers)
    cz.int8_bytes(cz.model_variant("float32").onnx)
    assert logging.getLogger().handlers == before


def test_pruning_at_zero_changes_nothing(study):
    weights = study.teacher.coefs_
    for w, p in zip(weights, cz.prune_weights(weights, 0)):
        np.testing.assert_array_equal(w, p)
    pruned, dense = cz.model_variant("pruned", sparsity=0), cz.model_variant("float32")
    np.testing.assert_array_equal(pruned.labels, dense.labels)
    np.testing.assert_allclose(pruned.probabilities, dense.probabilities, atol=1e-7)
    assert pruned.accuracy == dense.accuracy and pruned.nonzero == pruned.parameters


def test_pruning_at_0_9_zeroes_the_smallest_90_percent_of_each_weight_matrix(study):
    weights = study.teacher.coefs_
    copies = [w.copy() for w in weights]
    pruned = cz.prune_weights(weights, 0.9)
    for w, p, original in zip(weights, pruned, copies):
        np.testing.assert_array_equal(w, original)                 # the model's weights are left alone
        zeroed = p == 0
        assert zeroed.sum() == round(0.9 * w.size)
        kept = np.abs(w[~zeroed])
        assert kept.min() >= np.abs(w[zeroed]).max()               # the smallest magnitudes go
        np.testing.assert_array_equal(p[~zeroed], w[~zeroed])
    total = sum(w.size for w in weights)
    assert sum(int((p == 0).sum()) for p in pruned) / total == pytest.approx(0.9, abs=1e-4)
    v = cz.model_variant("pruned", sparsity=0.9)
    assert v.parameters - v.nonzero == sum(round(0.9 * w.size) for w in weights)
    assert v.size_bytes == cz.model_variant("float32").size_bytes   # the dense file does not shrink
    assert v.sparse_bytes < v.size_bytes / 4


def test_sparse_size_estimate_is_the_csr_formula():
    # 2 matrices, 10x100 and 100x10, 50 and 20 non-zeros: 4 x 2,000 dense bytes become 8 x 70 + 4 x (11 + 101)
    assert cz.sparse_size_estimate(9_000, [(10, 100), (100, 10)], [50, 20]) == 9_000 - 8_000 + 560 + 448
    dense = cz.model_variant("float32")
    shapes = [w.shape for w in dense.model.coefs_]
    nothing_pruned = cz.sparse_size_estimate(dense.size_bytes, shapes, [r * c for r, c in shapes])
    assert nothing_pruned > dense.size_bytes                      # sparse storage costs more at 0% sparsity
    with pytest.raises(ValueError, match="one count of non-zero weights per weight matrix"):
        cz.sparse_size_estimate(1, [(1, 1)], [])


def test_the_student_is_smaller_and_learns_from_the_teacher():
    student, teacher = cz.model_variant("distilled", hidden=16), cz.model_variant("float32")
    assert student.parameters == 64 * 16 + 16 + 16 * 10 + 10
    assert student.size_bytes < teacher.size_bytes / 10
    assert student.accuracy > 0.9
    # it agrees with the teacher on most held-out digits
    assert np.mean(student.labels == teacher.labels) > 0.95


def test_accuracy_lost_is_against_the_held_out_labels_of_accuracy_score(study, comparison):
    reference = accuracy_score(study.y_test, study.teacher.predict(study.X_test))
    for r in comparison.results:
        labels, _ = cz.model_variant(r.key, comparison.sparsity, comparison.hidden).predict(study.X_test)
        assert r.accuracy == accuracy_score(study.y_test, labels)
        assert r.accuracy_lost == pytest.approx((reference - r.accuracy) * 100, abs=1e-12)
    assert comparison.result("sklearn").accuracy_lost == 0 and comparison.result("float32").accuracy_lost == 0


def test_comparison_measures_every_variant_per_request_and_per_batch(comparison):
    assert [r.key for r in comparison.results] == list(cz.VARIANTS)
    for r in comparison.results:
        assert (r.request.batch_size, r.batch.batch_size) == (1, 32)
        assert (r.request.runs, r.batch.runs) == (cz.REQUEST_RUNS, cz.BATCH_RUNS) == (1000, 200)
        assert 0 < r.request.p50_ms <= r.request.p99_ms and 0 < r.batch.p50_ms <= r.batch.p99_ms
    # measurements are cached per setting: moving back to a setting is instant and shows the same numbers
    assert cz.variant_latency("int8", 32) is cz.variant_latency("int8", 32)
    assert cz.compare_variants(0.5, 16, 32).result("int8") == comparison.result("int8")


def test_time_calls_reports_numpy_percentiles_of_the_call_times(monkeypatch):
    durations = np.linspace(0.001, 0.1, 40) ** 2   # seconds, known in advance
    ticks = iter(np.cumsum(np.ravel([[0.5, d] for d in durations])))   # start, end, start, end ...

    class FakeTime:
        @staticmethod
        def perf_counter():
            return next(ticks)

    monkeypatch.setattr(cz, "time", FakeTime)
    lat = cz.time_calls(lambda i: None, runs=40, warmup=3)
    p50, p99 = np.percentile(durations * 1e3, [50, 99])
    assert lat.p50_ms == pytest.approx(p50, rel=1e-9) and lat.p99_ms == pytest.approx(p99, rel=1e-9)


def test_memory_fit_on_hand_made_numbers():
    fit = cz.memory_fit(100_000, 0.0004, 0.25)           # 400 kB device, a quarter for the app: 100 kB
    assert fit.budget_bytes == pytest.approx(100_000) and fit.fits and fit.share_of_budget == pytest.approx(1)
    assert not cz.memory_fit(100_001, 0.0004, 0.25).fits
    assert cz.memory_fit(2e9, 8, 0.25).fits and not cz.memory_fit(2.1e9, 8, 0.25).fits


def test_device_check_on_hand_made_numbers():
    phone = cap.HardwareProfile("test phone", "phone", 0.2, 0.001, 0.01, "made up", "2025-06")   # 1 MB of memory
    check = cz.device_check(200_000, 50_000, 0.04, phone, latency_budget_ms=0.01, host_tflops=0.1)
    assert check.memory.share == cz.APP_MEMORY_SHARE["phone"] == 0.25
    assert check.memory.needed_bytes == 250_000 and check.memory.budget_bytes == pytest.approx(250_000)
    assert check.fits
    assert check.latency_ms == pytest.approx(0.04 * 0.1 / 0.2) and not check.meets_budget   # 0.02 ms > 0.01
    assert cz.device_check(200_000, 50_001, 0.04, phone, 0.02, 0.1).fits is False
    assert cz.device_check(200_000, 0, 0.04, phone, 0.02, 0.1).meets_budget        # exactly the budget
    assert "does NOT fit" in cz.device_check(1e6, 0, 0.04, phone, 1, 0.1).say()
    assert any("estimate" in line for line in check.working)


def test_best_on_device_picks_the_least_accuracy_lost_that_fits_both_budgets(comparison):
    roomy = cap.HardwareProfile("roomy", "edge", 1.0, 8, 0.01, "made up", "2025-06")
    checks = cz.checks_on_device(comparison, roomy, 1_000)
    assert set(checks) == set(cz.VARIANTS) - {"sklearn"}
    best = comparison.result(cz.best_on_device(comparison, checks))
    assert best.accuracy_lost == min(comparison.result(k).accuracy_lost for k in checks)
    tiny = cap.HardwareProfile("tiny", "edge", 1.0, 20e3 / 1e9, 0.01, "made up", "2025-06")   # 10 kB budget
    assert cz.best_on_device(comparison, cz.checks_on_device(comparison, tiny, 1_000)) == "distilled"
    assert cz.best_on_device(comparison, cz.checks_on_device(comparison, roomy, 1e-9)) is None


def test_device_profiles_are_the_phones_and_edge_devices_of_hardware_csv():
    devices = cz.device_profiles()
    kinds = [d.kind for d in devices]
    assert "phone" in kinds and "edge" in kinds and set(kinds) == {"phone", "edge"}
    assert all(d.peak_tflops > 0 and d.memory_gb > 0 and d.source for d in devices)


def test_host_compute_reads_the_clock_or_assumes_one():
    assert cz._clock_ghz("model name : Xeon CPU @ 3.10GHz\ncpu MHz : 800.0") == 3.1
    assert cz._clock_ghz("processor : 0\n") is None
    h = cz.host_compute()
    assert h.tflops == pytest.approx(h.clock_ghz * 32 / 1000) and "estimate" in h.describe()


@pytest.mark.parametrize("call, message", [
    (lambda: cz.compare_variants(-0.1, 16, 32), "The pruning sparsity must be between 0 and 0.99"),
    (lambda: cz.compare_variants(1.0, 16, 32), "The pruning sparsity must be between 0 and 0.99"),
    (lambda: cz.compare_variants(math.nan, 16, 32), "The pruning sparsity must be between 0 and 0.99"),
    (lambda: cz.compare_variants(0.5, 16, 0), "The batch size must be a whole number of at least 1."),
    (lambda: cz.compare_variants(0.5, 16, 2.5), "The batch size must be a whole number of at least 1."),
    (lambda: cz.compare_variants(0.5, 16, 5_000), "The batch size must be at most 1,024"),
    (lambda: cz.compare_variants(0.5, 7, 32), "The student's hidden units must be one of 8, 16, 32, 64."),
    (lambda: cz.check_latency_budget(0), "The latency budget must be more than 0 ms."),
    (lambda: cz.check_latency_budget(-5), "The latency budget must be more than 0 ms."),
    (lambda: cz.model_variant("int4"), "Unknown variant 'int4'"),
    (lambda: cz.memory_fit(1, 8, 0), "share must be a share above 0"),
])
def test_bad_inputs_are_short_messages(call, message):
    with pytest.raises(ValueError) as excinfo:
        call()
    assert message in str(excinfo.value)
