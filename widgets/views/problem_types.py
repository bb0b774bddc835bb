"""Step 1's problem-type guide: pick one of the five types and see what it implies
(:mod:`widgets.tools.problem_types`)."""

from __future__ import annotations

import ipywidgets as W

from widgets.tools.problem_types import guide, problem_types
from widgets.views._base import ToolView
from widgets.views._html import bullets_html, html


class ProblemTypeGuide(ToolView):
    """A selector of the five problem types with their model families, data shape and metrics.

    Following a page (``ProblemTypeGuide().follow(page)``) selects the page's question's type.
    """

    def __init__(self, problem_type: str = "recommendation", question=None):
        super().__init__(question=question)
        self.selector = W.ToggleButtons(options=[(t.name, t.id) for t in problem_types()],
                                        value=guide(problem_type).id, style=W.ToggleButtonsStyle(button_width="11em"))
        self.details = W.HTML()
        self.watch(self.selector)
        self.children = [self.selector, self.details]
        self.add_class("mlsd-problem-type-guide")
        self.start()

    def use_question(self, question) -> None:
        """Select the question's problem type (the person can still switch to another)."""
        self.selector.value = guide(question.problem_type).id

    def compute(self) -> None:
        pt = guide(self.selector.value)
        self.details.value = html(
            "<div class='mlsd-problem-type'><p><b>{}</b>: {}</p><div style='display:flex;flex-wrap:wrap;gap:2em'>"
            "<div><b>Model families, simplest first</b>{}</div><div><b>Metrics</b>{}</div></div>"
            "<p><b>Training rows</b>: {}</p><p><b>Watch out</b>: {}</p></div>",
            pt.name, pt.summary, bullets_html(pt.model_families), bullets_html(pt.metrics), pt.data_shape,
            pt.watch_out)
