"""The benchmark scripts run and print their tables (smoke test; nothing here asserts on time)."""

import pathlib
import subprocess
import sys

import pytest

BENCHMARKS = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize("script, expected", [
    ("metrics_speed.py", ["1. Ranking", "2. A change of k alone reuses the sort", "3. Calibration", "bins identical"]),
    ("explorer_speed.py", ["explorer update", "calibration (bins slider)", "clear and replot"]),
])
def test_benchmark_script_runs(script, expected):
    result = subprocess.run([sys.executable, str(BENCHMARKS / script), "--quick"], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    for text in expected:
        assert text in result.stdout
