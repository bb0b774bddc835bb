"""What every tool view shares: a chart that follows a dark theme."""

import importlib
import inspect
import pkgutil

import ipywidgets as W
import pytest

import widgets.views
from widgets.views._base import ToolView


def _tools() -> list[type[ToolView]]:
    found = set()
    for info in pkgutil.iter_modules(widgets.views.__path__):
        module = importlib.import_module(f"widgets.views.{info.name}")
        found |= {c for _, c in inspect.getmembers(module, inspect.isclass)
                  if issubclass(c, ToolView) and c is not ToolView and not c.__name__.startswith("_")}
    return sorted(found, key=lambda c: c.__name__)


TOOLS = _tools()
WITHOUT_CHART = {"ProblemTypeGuide", "RolloutPlanner", "ServingEstimator", "TrainingEstimator"}


def test_every_tool_is_found():
    assert len(TOOLS) >= 13


@pytest.mark.parametrize("tool_class", TOOLS, ids=lambda c: c.__name__)
def test_a_tools_chart_follows_a_dark_theme(tool_class):
    tool = tool_class()
    if tool.chart not in _descendants(tool):   # a tool without a chart (a table of numbers, the guide)
        assert tool_class.__name__ in WITHOUT_CHART and tool._figure_style not in tool.children
        return
    assert "mlsd-figure" in tool.chart._dom_classes
    style = tool.children[-1]
    assert isinstance(style, W.HTML) and style.layout.display == "none"
    assert "body[data-jp-theme-light='false'] img.mlsd-figure{filter:invert(.93) hue-rotate(180deg)}" in style.value
    tool.children = tool.children[:-1]   # a tool that lays itself out again keeps the style
    assert tool.children[-1] is style and list(tool.children).count(style) == 1


def _descendants(widget) -> list:
    out = []
    for child in getattr(widget, "children", ()):
        out += [child, *_descendants(child)]
    return out
