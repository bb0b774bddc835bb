"""The layering the project keeps, read from the folders (not from a hand-kept list):

- ``widgets/practice`` and ``widgets/tools`` are pure: they import no ipywidgets or matplotlib, and no view,
  page or the app;
- ``widgets/views`` may use the pure layers, never a page or the app; ``widgets/pages`` may use the views;
- nothing in the package imports ``widgets/app``;
- every view sits beside the pure module it shows, under the same name.
"""

import ast
import pathlib
import subprocess
import sys

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "widgets"
PURE_FOLDERS = ("practice", "tools")
#: What each folder may import from the package (itself included).
ALLOWED = {"practice": {"practice"}, "tools": {"practice", "tools"}, "views": {"practice", "tools", "views"},
           "pages": {"practice", "tools", "views", "pages"}, "app": {"practice", "tools", "views", "pages", "app"}}


def _modules(folder: str) -> list[str]:
    found = sorted(p.stem for p in (PACKAGE / folder).glob("*.py") if p.stem != "__init__")
    assert found, f"no module in widgets/{folder}"
    return found


def _package_imports(path: pathlib.Path) -> set[str]:
    """The ``widgets.<folder>`` each import in a file names, lazy imports inside functions included."""
    folders = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else
                 [a.name for a in node.names] if isinstance(node, ast.Import) else [])
        assert not (isinstance(node, ast.ImportFrom) and node.level), f"{path}: use absolute imports"
        for name in names:
            parts = name.split(".")
            if parts[0] == "widgets" and len(parts) > 1:
                folders.add(parts[1])
    return folders


@pytest.mark.parametrize("module", [f"{f}.{m}" for f in PURE_FOLDERS for m in _modules(f)])
def test_pure_module_imports_no_ui_library(module):
    code = (f"import sys, widgets.{module}; "
            "print(sorted(m for m in ('ipywidgets', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", f"widgets.{module} pulled in {out}"


def test_each_folder_imports_only_the_layers_below_it():
    wrong = []
    for folder, allowed in ALLOWED.items():
        for path in sorted((PACKAGE / folder).glob("*.py")):
            for used in _package_imports(path) - allowed:
                wrong.append(f"widgets/{folder}/{path.name} imports widgets.{used}")
    assert not wrong, "\n".join(wrong)


def test_every_module_sits_in_a_layer_folder():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert loose == [], f"modules outside the layer folders: {loose}"
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))} == set(ALLOWED)


def test_every_view_sits_beside_the_pure_module_it_shows():
    pure = {m for f in PURE_FOLDERS for m in _modules(f)}
    views = [m for m in _modules("views") if not m.startswith("_")]
    assert [v for v in views if v not in pure] == []


def test_importing_the_package_imports_nothing_heavy():
    code = "import sys, widgets; print(sorted(m for m in ('pandas', 'numpy', 'sklearn', 'ipywidgets') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_html_is_built_only_through_the_escaping_module():
    """Every HTML a view builds goes through ``widgets.views._html``: no module escapes by hand, and no tag is
    written into an f-string, where a value would land unescaped."""
    package = PACKAGE
    offenders = []
    sources = sorted(package.rglob("*.py"))
    assert sources
    for path in sources:
        if path.name == "_html.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name == "html" for a in node.names):
                offenders.append(f"{path.name}:{node.lineno} imports html (use widgets.views._html)")
            if isinstance(node, ast.JoinedStr):
                literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                if "<" in literal and any(f"<{tag}" in literal for tag in
                                          ("td", "tr", "th", "table", "div", "span", "b>", "i>", "p>", "a ", "li",
                                           "ul", "br", "details", "code")):
                    offenders.append(f"{path.name}:{node.lineno} builds HTML in an f-string")
    assert not offenders, "\n".join(offenders)
