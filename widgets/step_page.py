"""A step notebook's page: the current question, the timed answer and the links onward.

The notebook builds it with its papermill parameters; the page resolves the context (see
:mod:`widgets.context`), opens the store and lays out :class:`~widgets.answer.StepAnswer`.
"""

from __future__ import annotations

import ipywidgets as W

from .answer import StepAnswer
from .context import Context, resolve_context
from .framework import load_framework
from .pages import (ExportPanel, link_area, message_html, navigation_html, open_store, question_card,
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
        self.store, problem = open_store(home)
        notes = [message_html(problem)] if problem else []
        if self.store is None:
            self.children = [W.HTML("".join(notes))]
            return
        try:
            self.context = resolve_context(self.store, question_id, participant)
            if answer is not None:
                self.store.save_answer(self.context.participant, self.context.question.id, step_number, answer)
            self.answer = StepAnswer(self.store, self.step, self.context.participant, self.context.question.id,
                                     **answer_options)
        except StoreError as exc:
            self.children = [W.HTML("".join(notes) + message_html(str(exc)))]
            return
        notes += [message_html(m) for m in self.context.messages]
        header = W.HTML("".join(notes) + question_card(self.context))
        self.children = [header, self.answer]

    @property
    def question(self):
        """The current question (the bank's first when no context could be opened)."""
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
        area = link_area()
        if self.context is not None:
            show_links(area, navigation_html(self.context, self.step.number))
        return area

    def export_panel(self) -> W.Widget:
        """The export of the whole practice session (used by the wrap-up step)."""
        if self.store is None or self.context is None:
            return W.HTML(message_html("Nothing to export: the answer store could not be opened."))
        return ExportPanel(self.store, self.context)

    def session_summary(self) -> W.Widget:
        """Time used, words and self-score per step, with the export of the whole session."""
        if self.store is None or self.context is None:
            return W.HTML(message_html("No summary: the answer store could not be opened."))
        summary = W.HTML(session_summary_html(self.store, self.context))
        refresh = W.Button(description="Refresh", icon="refresh", tooltip="Read the latest times and scores")
        refresh.on_click(lambda _: setattr(summary, "value", session_summary_html(self.store, self.context)))
        return W.VBox([summary, refresh, self.export_panel()])
