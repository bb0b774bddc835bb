"""The layering the project keeps: pure modules never import ipywidgets or matplotlib."""

import subprocess
import sys

import pytest

PURE = ["data", "framework", "questions", "clock", "store", "context", "export", "metrics", "evaluation",
        "datasets", "capacity", "splits", "privacy", "features", "model_choice", "architectures"]


@pytest.mark.parametrize("module", PURE)
def test_pure_module_imports_no_ui_library(module):
    code = (f"import sys, widgets.{module}; "
            "print(sorted(m for m in ('ipywidgets', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", f"widgets.{module} pulled in {out}"


def test_importing_the_package_imports_nothing_heavy():
    code = "import sys, widgets; print(sorted(m for m in ('pandas', 'numpy', 'sklearn', 'ipywidgets') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
