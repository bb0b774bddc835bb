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


def test_html_is_built_only_through_the_escaping_module():
    """Every HTML a view builds goes through ``widgets.markup``: no module escapes by hand, and no tag is
    written into an f-string, where a value would land unescaped."""
    import ast
    import pathlib

    package = pathlib.Path(__file__).resolve().parents[1] / "widgets"
    offenders = []
    sources = sorted(package.rglob("*.py"))
    assert sources
    for path in sources:
        if path.name == "markup.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name == "html" for a in node.names):
                offenders.append(f"{path.name}:{node.lineno} imports html (use widgets.markup)")
            if isinstance(node, ast.JoinedStr):
                literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if "<" in literal and any(f"<{tag}" in literal for tag in
                                          ("td", "tr", "th", "table", "div", "span", "b>", "i>", "p>", "a ", "li",
                                           "ul", "br", "details", "code")):
                    offenders.append(f"{path.name}:{node.lineno} builds HTML in an f-string")
    assert not offenders, "\n".join(offenders)
