"""Step 1's problem-type guide: pick one of the five types and see what it implies."""

from __future__ import annotations

import html

import ipywidgets as W

from .framework import load_framework


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

        def bullets(items):
            return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"

        self.details.value = (
            f"<div class='mlsd-problem-type'><p><b>{html.escape(pt.name)}</b>: {html.escape(pt.summary)}</p>"
            "<div style='display:flex;flex-wrap:wrap;gap:2em'>"
            f"<div><b>Model families, simplest first</b>{bullets(pt.model_families)}</div>"
            f"<div><b>Metrics</b>{bullets(pt.metrics)}</div></div>"
            f"<p><b>Training rows</b>: {html.escape(pt.data_shape)}</p>"
            f"<p><b>Watch out</b>: {html.escape(pt.watch_out)}</p></div>"
        )
