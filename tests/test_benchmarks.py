"""The benchmark scripts run and print their tables (smoke test; nothing here asserts on time)."""

import pathlib
import subprocess
import sys

import pytest

BENCHMARKS = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize("script, expected", [
    ("metrics_speed.py", ["1. Ranking", "2. A change of k alone reuses the sort", "3. Calibration", "bins identical"]),
    ("explorer_speed.py", ["explorer update", "calibration (bins slider)", "clear and replot",
                           "drift (PSI threshold slider)", "control that refits"]),
    ("model_choice_latency.py", ["worst ratio between two measurements", "logistic regression", "old method"]),
    # without the browser part (minutes of page loads): the import times and each notebook's kernel profile
    ("app_load.py --skip-browser", ["import widgets", "target 0.6 s", "4. Where each notebook's time goes",
                                    "04-train-and-evaluate"]),
    # the coverage hints against the hand-judged pairs, and the time to match an answer
    ("matcher.py", ["The test half (untouched while tuning)", "keyword hints (before)", "target < 20 ms"]),
    # the writers and the store only (the browser part takes minutes)
    ("study_group.py --skip-browser", ["store write (a save or a heartbeat), p99", "rows lost", "<= 50 ms"]),
])
def test_benchmark_script_runs(script, expected):
    name, *flags = script.split()
    result = subprocess.run([sys.executable, str(BENCHMARKS / name), "--quick", *flags], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    for text in expected:
        assert text in result.stdout
