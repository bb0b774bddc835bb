"""A step notebook's page: the current question, the timed answer and the links onward.

The notebook builds it with its papermill parameters; the page resolves the context (see
:mod:`widgets.practice.context`), opens the store and lays out :class:`~widgets.views.answer.StepAnswer`.

In a kernel Voila preheated (``mlsd-workbook --preheat N``) the notebook runs before anyone asks
for it, so the URL's question and participant are not known yet. The page then shows a short
"opening" line and opens once the request arrives (:func:`widgets.practice.context.after_voila_request`),
while the rest of the notebook, the step's heavier tools included, runs in the pool. The links
(:attr:`StepPage.navigation`), the session summary and the tools made with ``for_page`` fill in
or follow the question at that moment; everywhere else the page opens at once.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W

from widgets.pages.parts import (
    ExportPanel,
    link_area,
    navigation_html,
    open_store,
    question_card,
    session_summary_html,
    show_links,
)
from widgets.practice.context import ASK_FOR_NAME, Context, after_voila_request, resolve_context
from widgets.practice.framework import load_framework
from widgets.practice.store import StoreError, clean_participant
from widgets.views._html import join, message_html
from widgets.views.answer import StepAnswer


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
        #: Shown instead of the answer while the page has no participant (see :meth:`use_name`).
        self.name_prompt: NamePrompt | None = None
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
        if self.answer is not None:
            self.answer.close()
        self.answer = self.name_prompt = None
        try:
            self.context = resolve_context(self.store, question_id, participant)
            if self.context.participant is not None:
                if answer is not None:
                    self.store.save_answer(self.context.participant, self.context.question.id, self.step.number,
                                           answer)
                self.answer = StepAnswer(self.store, self.step, self.context.participant, self.context.question.id,
                                         **answer_options)
            else:
                self.name_prompt = NamePrompt(self.use_name, self.step)
        except StoreError as exc:
            self.context = None
            self.children = [W.HTML(join(self._notes + [message_html(str(exc))]))]
        else:
            notes = self._notes + [message_html(m) for m in self.context.messages]
            header = W.HTML(join(notes + [question_card(self.context)]))
            self.children = [header, self.answer or self.name_prompt]
        self.pending = False
        for fn in list(self._when_open):
            fn()

    def use_name(self, name: str) -> str | None:
        """Open the page as ``name`` (typed into the name prompt); return a message if it is refused."""
        try:
            name = clean_participant(name)
        except ValueError as exc:
            return str(exc)
        question_id, _, answer, answer_options = self._request
        # the question the page shows, not a newer one another page chose meanwhile
        current = self.context.question.id if self.context is not None else question_id
        self._request = (current, name, answer, answer_options)
        self._open()
        return None

    def when_open(self, fn: Callable[[], None]) -> None:
        """Call ``fn()`` whenever the page (re)opens: now if it is open, and again when a preheated kernel's
        request arrives or a name is entered into the page's name prompt."""
        self._when_open.append(fn)
        if not self.pending:
            fn()

    @property
    def question(self):
        """The current question (the bank's first when no context is open, or not yet)."""
        if self.context is not None:
            return self.context.question
        from widgets.practice.questions import load_bank

        return next(iter(load_bank()))

    @property
    def problem_type(self) -> str:
        """The current question's problem type (``recommendation`` when no question is open)."""
        return self.context.question.problem_type if self.context else "recommendation"

    @property
    def navigation(self) -> W.Widget:
        """Links to the previous and next steps and to the start page (they follow the page's name)."""
        box = W.Box()   # the kind of link area (Voila's or Lab's) is known only once the request arrives

        def fill() -> None:
            if not box.children:
                box.children = [link_area()]
            if self.context is not None:
                show_links(box.children[0], navigation_html(self.context, self.step.number))

        self.when_open(fill)
        return box if self.pending else box.children[0]

    def export_panel(self) -> W.Widget:
        """The export of the whole practice session (used by the wrap-up step); it follows the page's name."""
        if self.store is None:
            return W.HTML(message_html("Nothing to export: the answer store could not be opened."))
        panel = ExportPanel(self.store, self.context)
        self.when_open(lambda: panel.set_context(self.context))
        return panel

    def session_summary(self) -> W.Widget:
        """Time used, words and self-score per step, with the export of the whole session."""
        box = W.VBox()
        summary = W.HTML()
        refresh = W.Button(description="Refresh", icon="refresh", tooltip="Read the latest times and scores")
        export = self.export_panel()

        def show() -> None:
            summary.value = session_summary_html(self.store, self.context)

        refresh.on_click(lambda _: show())

        def fill() -> None:
            if self.store is None or self.context is None:
                box.children = [W.HTML(message_html("No summary: the answer store could not be opened."))]
            elif self.context.participant is None:
                box.children = [export]
            else:
                show()
                box.children = [summary, refresh, export]

        self.when_open(fill)
        return box


class NamePrompt(W.VBox):
    """What a page without a participant shows: a name box, and the answer box locked until a name is given.

    ``use_name(name)`` is called with the typed name (on Enter or the button) and returns a message
    when the name is refused.
    """

    def __init__(self, use_name: Callable[[str], str | None], step):
        super().__init__()
        self._use_name = use_name
        self.name = W.Text(description="Your name", placeholder="the name your answers are saved under",
                           continuous_update=False, layout=W.Layout(width="26em"))
        self.button = W.Button(description="Start answering", icon="user", button_style="primary",
                               tooltip="Open this step under the name you typed")
        self.message = W.HTML(message_html(f"{ASK_FOR_NAME}: your answers are saved under it.", "info"))
        self.locked = W.Textarea(placeholder=ASK_FOR_NAME, disabled=True,
                                 layout=W.Layout(width="100%", height="8em"))
        self.locked.add_class("mlsd-answer-locked")
        self.name.observe(lambda change: self.submit(), names="value")
        self.button.on_click(lambda _: self.submit())
        self.children = [W.HBox([self.name, self.button], layout=W.Layout(flex_flow="row wrap")), self.message,
                         self.locked]
        self.add_class("mlsd-name-prompt")

    def submit(self) -> None:
        if not self.name.value.strip():
            return
        problem = self._use_name(self.name.value)
        if problem:
            self.message.value = message_html(problem)
