"""Number boxes that read what a person types (:mod:`widgets.tools.numbers`).

ipywidgets' ``FloatText`` quietly puts the old value back when a box is emptied or holds ``0.5%``; a
:class:`NumberBox` is a text box whose :attr:`NumberBox.number` reads ``1,000``, ``2e6``, ``2.5M`` (and,
for a percent box, ``0.5%``, ``0.5 %`` or ``0.5`` as half a percent), and says, naming the box as its
label shows it, when it is empty or not a number. Code may still set ``.value`` to a number; the box
shows it as a person would type it.
"""

from __future__ import annotations

import ipywidgets as W
import traitlets

from widgets.tools.numbers import format_number, format_percent, parse_number, parse_percent


class _Shown(traitlets.Unicode):
    """The box's text; a number given from code is written as the box shows numbers."""

    def validate(self, obj, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = format_percent(value) if getattr(obj, "percent", False) else format_number(value)
        return super().validate(obj, value)


class NumberBox(W.Text):
    """A text box for one number; ``percent=True`` shows and reads a share as percent (``0.02`` is "2%")."""

    value = _Shown("", help="what the box shows").tag(sync=True)

    def __init__(self, value: float, description: str, percent: bool = False, **kwargs):
        self.percent = percent
        kwargs.setdefault("continuous_update", False)
        super().__init__(description=description, **kwargs)
        self.value = value

    @property
    def number(self) -> float:
        """The number the box holds (a share for a percent box); ``ValueError`` naming the box otherwise."""
        label = self.description or "This box"
        return parse_percent(self.value, label) if self.percent else parse_number(self.value, label)


def kept_number(kept, name: str) -> float | None:
    """A number from a tool's kept inputs (:class:`~widgets.practice.store.ToolInputs`, as its box showed it), or
    ``None`` when nothing was kept under ``name`` or it is not a number."""
    if kept is None or name not in kept.values:
        return None
    try:
        return parse_number(kept.values[name], name)
    except ValueError:
        return None
