"""A step notebook's page: the current question, the timed answer and the links onward.

The notebook builds it with its papermill parameters; the page resolves the context (see
:mod:`widgets.context`), opens the store and lays out :class:`~widgets.answer.StepAnswer`.

In a kernel Voila preheated (``mlsd-workbook --preheat N``) the notebook runs before anyone asks
for it, so the URL's question and participant are not known yet. The page then shows a short
"opening" line and opens once the request arrives (:func:`widgets.context.after_voila_request`),
while the rest of the notebook, the step's heavier tools included, runs in the pool. The links
(:attr:`StepPage.navigation`), the session summary and the tools made with ``for_page`` fill in
or follow the question at that moment; everywhere else the page opens at once.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W

from .answer import StepAnswer
from .context import Context, after_voila_request, resolve_context
from .framework import load_framework
from .markup import join, message_html
from .pages import (ExportPanel, link_area, navigation_html, open_store, question_card,
                    session_summary_html, show_links)
from .store import StoreError


class StepPage(W.VBox):
    """The question card and the timed answer for one step.

    Parameters
    ----------
    step_number : 1 to 6.
    question_id, participant : the notebook's parameters (``None``: from the URL or the store).
    answer : text to save as this step's answer on opening (for scripted runs); ``None`` keeps
        what is stored.
    home : the store's folder (default ``MLSD_WORKBOOK_HOME``).
    """

    def __init__(self, step_number: int, question_id: str | None = None, participant: str | None = None,
                 answer: str | None = None, home=None, **answer_options):
        super().__init__()
        self.step = load_framework().step(step_number)
        self.context: Context | None = None
        self.answer: StepAnswer | None = None
        #: True while a preheated kernel waits for the browser's request (see the module's docstring).
        self.pending = False
        self._when_open: list[Callable[[], None]] = []
        self.store, problem = open_store(home)
        self._notes = [message_html(problem)] if problem else []
        if self.store is None:
            self.children = [W.HTML(join(self._notes))]
            return
        self._request = (question_id, participant, answer, answer_options)
        self.pending = True
        if after_voila_request(self._open):
            if self.pending:
                self.children = [W.HTML("<div class='mlsd-opening'><i>Opening the page for your question...</i></div>")]
            return
        self._open()

    def _open(self) -> None:
        question_id, participant, answer, answer_options = self._request
        try:
            self.context = resolve_context(self.store, question_id, participant)
            if answer is not None:
                self.store.save_answer(self.context.participant, self.context.question.id, self.step.number, answer)
            self.answer = StepAnswer(self.store, self.step, self.context.participant, self.context.question.id,
                                     **answer_options)
        except StoreError as exc:
            self.context = None
            self.children = [W.HTML(join(self._notes + [message_html(str(exc))]))]
        else:
            notes = self._notes + [message_html(m) for m in self.context.messages]
            header = W.HTML(join(notes + [question_card(self.context)]))
            self.children = [header, self.answer]
        self.pending = False
        while self._when_open:
            self._when_open.pop(0)()

    def when_open(self, fn: Callable[[], None]) -> None:
        """Call ``fn()`` once the page knows its question: now, or when a preheated kernel's request arrives."""
        if self.pending:
            self._when_open.append(fn)
        else:
            fn()

    @property
    def question(self):
        """The current question (the bank's first when no context is open, or not yet)."""
        if self.context is not None:
            return self.context.question
        from .questions import load_bank

        return next(iter(load_bank()))

    @property
    def problem_type(self) -> str:
        """The current question's problem type (``recommendation`` when no question is open)."""
        return self.context.question.problem_type if self.context else "recommendation"

    @property
    def navigation(self) -> W.Widget:
        """Links to the previous and next steps and to the start page."""
        if not self.pending:
            area = link_area()
            if self.context is not None:
                show_links(area, navigation_html(self.context, self.step.number))
            return area
        box = W.Box()   # the kind of link area (Voila's or Lab's) is known only once the request arrives

        def fill() -> None:
            box.children = [self.navigation]

        self.when_open(fill)
        return box

    def export_panel(self) -> W.Widget:
        """The export of the whole practice session (used by the wrap-up step)."""
        box = W.VBox()

        def fill() -> None:
            if self.store is None or self.context is None:
                box.children = [W.HTML(message_html("Nothing to export: the answer store could not be opened."))]
            else:
                box.children = [ExportPanel(self.store, self.context)]

        self.when_open(fill)
        return box if self.pending else box.children[0]

    def session_summary(self) -> W.Widget:
        """Time used, words and self-score per step, with the export of the whole session."""
        box = W.VBox()

        def fill() -> None:
            if self.store is None or self.context is None:
                box.children = [W.HTML(message_html("No summary: the answer store could not be opened."))]
                return
            summary = W.HTML(session_summary_html(self.store, self.context))
            refresh = W.Button(description="Refresh", icon="refresh", tooltip="Read the latest times and scores")
            refresh.on_click(lambda _: setattr(summary, "value", session_summary_html(self.store, self.context)))
            box.children = [summary, refresh, self.export_panel()]

        self.when_open(fill)
        return box if self.pending else (box.children[0] if len(box.children) == 1 else box)
