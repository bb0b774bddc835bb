"""A step notebook's page: the current question, the timed answer and the links onward.

The notebook builds it with its papermill parameters; the page resolves the context (see
:mod:`widgets.practice.context`), opens the store and lays out :class:`~widgets.views.answer.StepAnswer`.

The page holds what it is about in traits, the ipywidgets way: ``question``, ``participant`` and
``attempt_id`` (``None`` until the page knows them), and ``pending``. Everything that depends on them
observes them or is linked to them: the links onward, the session summary, the export, and the tools
(``tool.follow(page)``, a ``traitlets.dlink``). In a kernel Voila preheated (``mlsd-workbook --preheat
N``) the notebook runs before anyone asks for it, so the URL's question and participant are not
known yet: the page shows a short "opening" line and opens once the request arrives
(:func:`widgets.views._voila.when_requested`), while the rest of the notebook, the step's heavier
tools included, runs in the pool; setting the traits then moves everything to the URL's question.
The page opens again, the same way, when a name is entered into its name prompt or when the
participant practises the question again.
"""

from __future__ import annotations

from typing import Callable

import ipywidgets as W
import traitlets

from widgets.pages.parts import (
    ExportPanel,
    PageAddress,
    ToolHost,
    land_at,
    link_area,
    navigation_html,
    open_store,
    question_card,
    session_summary_html,
    show_links,
)
from widgets.practice.context import ASK_FOR_NAME, Context, notebook_name, resolve_context
from widgets.practice.framework import load_framework
from widgets.practice.questions import Question
from widgets.practice.store import StoreError, clean_participant
from widgets.views._html import join, message_html, muted_html
from widgets.views._voila import when_requested
from widgets.views.answer import StepAnswer


class StepPage(ToolHost, W.VBox):
    """The question card and the timed answer for one step.

    Parameters
    ----------
    step_number : 1 to 6.
    question_id, participant : the notebook's parameters (``None``: from the URL or the store).
    answer : text to save as this step's answer on opening (for scripted runs); ``None`` keeps
        what is stored.
    home : the store's folder (default ``MLSD_WORKBOOK_HOME``).
    """

    question = traitlets.Instance(Question, allow_none=True, help="the question the page shows")
    participant = traitlets.Unicode(None, allow_none=True, help="whose answer it is (None: the page asks)")
    attempt_id = traitlets.Unicode(None, allow_none=True, help="the attempt the answer belongs to")
    pending = traitlets.Bool(False, help="True while a preheated kernel waits for the browser's request")

    def __init__(self, step_number: int, question_id: str | None = None, participant: str | None = None,
                 answer: str | None = None, home=None, **answer_options):
        super().__init__()
        self.step = load_framework().step(step_number)
        self.context: Context | None = None
        self.answer: StepAnswer | None = None
        #: Shown instead of the answer while the page has no participant (see :meth:`use_name`).
        self.name_prompt: NamePrompt | None = None
        self.store, problem = open_store(home)
        self._notes = [message_html(problem)] if problem else []
        if self.store is None:
            self.children = [W.HTML(join(self._notes))]
            return
        self._request = (question_id, participant, answer, answer_options)
        self._attempt_request: str | None = None
        self.practise_again = W.Button(description="Practise again", icon="repeat",
                                       tooltip="Start a new practice of this question (the earlier ones are kept)")
        self.practise_again.on_click(lambda _: self.start_new_attempt())
        self.address = PageAddress(notebook_name(self.step))
        self.pending = True
        if when_requested(self.open_page):
            if self.pending:
                self.children = [W.HTML("<div class='mlsd-opening'><i>Opening the page for your question...</i></div>")]
            return
        self.open_page()

    def open_page(self) -> None:
        """Work out the question, the participant and the attempt, and lay the page out for them."""
        question_id, participant, answer, answer_options = self._request
        if self.answer is not None:
            self.answer.close()
        self.answer = self.name_prompt = None
        try:
            self.context = resolve_context(self.store, question_id, participant, attempt_id=self._attempt_request)
            if self.context.participant is not None:
                handle = self.store.attempt_step(self.context.participant, self.context.question.id,
                                                 self.step.number, self.context.attempt_id)
                if answer is not None:
                    handle.save(answer)
                self.answer = StepAnswer(handle, self.step, **answer_options)
            else:
                self.name_prompt = NamePrompt(self.use_name, self.step)
        except StoreError as exc:
            self.context = None
            self.children = [W.HTML(join(self._notes + [message_html(str(exc))]))]
        else:
            notes = self._notes + [message_html(m) for m in self.context.messages]
            header = W.HTML(join(notes + [question_card(self.context)]))
            self.address.show(self.context)
            self.children = [header, self._practice_line(), self.answer or self.name_prompt, self.address]
        ctx = self.context
        with self.hold_trait_notifications():
            self.question = ctx.question if ctx else None
            self.participant = ctx.participant if ctx else None
            attempt = self.answer.handle.attempt if self.answer is not None else None
            self.attempt_id = attempt.id if attempt is not None else None
            self.pending = False

    def _practice_line(self) -> W.Widget:
        """Which practice of the question this is, with the button to practise it again."""
        attempt = self.answer.handle.attempt if self.answer is not None else None
        if attempt is None:
            return W.HBox([])
        total = len(self.store.attempts(attempt.participant, attempt.question_id))
        earlier = " (an earlier one: the start page lists them all)" if attempt.number < total else ""
        line = W.HTML(muted_html(f"Practice {attempt.number} of {total}{earlier}.", "span"))
        line.add_class("mlsd-practice")
        return W.HBox([line, self.practise_again], layout=W.Layout(align_items="center", flex_flow="row wrap"))

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
        self.open_page()
        return None

    def start_new_attempt(self) -> None:
        """Practise the question again: a new attempt, an empty answer and a full clock; nothing earlier is lost."""
        if self.context is None or self.context.participant is None:
            return
        try:
            self.store.start_attempt(self.context.participant, self.context.question.id)
        except StoreError as exc:
            self._notes = [message_html(str(exc))]
        question_id, _, _, answer_options = self._request
        self._request = (self.context.question.id, self.context.participant, None, answer_options)
        self._attempt_request = ""   # the new attempt, the latest, whatever attempt the URL names
        self.open_page()

    @property
    def problem_type(self) -> str:
        """The current question's problem type (``recommendation`` when no question is open)."""
        return self.question.problem_type if self.question is not None else "recommendation"

    def _follow(self, fill: Callable[[], None]) -> None:
        """Call ``fill()`` now (if the page is open) and whenever what the page is about changes."""
        self.observe(lambda _: None if self.pending else fill(), names=["question", "participant", "attempt_id",
                                                                         "pending"])
        if not self.pending:
            fill()

    @property
    def navigation(self) -> W.Widget:
        """Links to the previous and next steps and to the start page (they follow the page's name).

        The notebooks show it in their last cell: in JupyterLab, where Run All leaves the view there, it
        brings the clock back into view the first time it is shown."""
        box = W.Box()   # the kind of link area (Voila's or Lab's) is known only once the request arrives

        def fill() -> None:
            first = not box.children
            if first:
                box.children = [link_area()]
            if self.context is not None:
                show_links(box.children[0], navigation_html(self.context, self.step.number))
                if first:
                    land_at(box.children[0], ".mlsd-clock")

        self._follow(fill)
        return box if self.pending else box.children[0]

    def export_panel(self) -> W.Widget:
        """The export of the whole practice (used by the wrap-up step); it follows the page's name and attempt."""
        if self.store is None:
            return W.HTML(message_html("Nothing to export: the answer store could not be opened."))
        panel = ExportPanel(self.store, self.context)
        self._follow(lambda: panel.set_context(self.context))
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

        self._follow(fill)
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
