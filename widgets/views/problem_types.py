"""Step 1's problem-type guide: pick one of the five types and see what it implies."""

from __future__ import annotations

import ipywidgets as W

from widgets.practice.framework import load_framework
from widgets.views._html import bullets_html, html


class ProblemTypeGuide(W.VBox):
    """A selector of the five problem types with their model families, data shape and metrics."""

    def __init__(self, problem_type: str = "recommendation"):
        super().__init__()
        self.framework = load_framework()
        options = [(pt.name, pt.id) for pt in self.framework.problem_types]
        if problem_type not in {pt.id for pt in self.framework.problem_types}:
            problem_type = options[0][1]
        self.selector = W.ToggleButtons(options=options, value=problem_type,
                                        style=W.ToggleButtonsStyle(button_width="11em"))
        self.details = W.HTML()
        self.selector.observe(lambda change: self._render(change.new), names="value")
        self.children = [self.selector, self.details]
        self._render(problem_type)

    def _render(self, type_id: str) -> None:
        pt = self.framework.problem_type(type_id)
        self.details.value = html(
            "<div class='mlsd-problem-type'><p><b>{}</b>: {}</p><div style='display:flex;flex-wrap:wrap;gap:2em'>"
            "<div><b>Model families, simplest first</b>{}</div><div><b>Metrics</b>{}</div></div>"
            "<p><b>Training rows</b>: {}</p><p><b>Watch out</b>: {}</p></div>",
            pt.name, pt.summary, bullets_html(pt.model_families), bullets_html(pt.metrics), pt.data_shape,
            pt.watch_out)
