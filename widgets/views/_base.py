"""The base of every tool view (explorers and estimators): the outputs they all show, a coalesced redraw,
a message instead of an exception, and the question a tool can follow.

A tool that is prefilled from a question (the traffic estimator from its scale, the architecture from
its problem type) overrides :meth:`ToolView.use_question`; ``tool.follow(page)`` links the page's
``question`` trait to the tool's (``traitlets.dlink``, the ipywidgets way), so the tool moves with the
page: when a preheated kernel learns the URL's question, and whenever the page changes question.

A tool with an :attr:`ToolView.inputs_name` keeps what the participant types into its
:attr:`ToolView.input_controls` with the page's attempt, and starts from it when the attempt is opened
again; a later step's tool reads an earlier one's (:meth:`ToolView.page_inputs`), so that numbers
flow from step to step (step 1's traffic sizes step 5's fleet).
"""

from __future__ import annotations

from contextlib import contextmanager

import ipywidgets as W
import traitlets

from widgets.practice.questions import Question
from widgets.views._events import Coalesced
from widgets.views._figures import BlitFigure, new_figure, shown_width
from widgets.views._html import FIGURE_STYLE, STALE_STYLE, error_html, say_html


class ToolView(W.VBox):
    """A tool: controls, a chart, numbers, the working and a sentence to say, and a message line.

    Subclasses build their controls, call :meth:`watch` with them, lay out ``children``, implement
    :meth:`compute` (raise ``ValueError`` with a readable message for a bad input: it is shown in
    :attr:`message` and the last good numbers stay) and end their ``__init__`` with :meth:`start`.
    ``question=`` prefills the tool from a question (see :meth:`use_question`).
    """

    question = traitlets.Instance(Question, allow_none=True, help="the question the tool is prefilled from")
    #: The name the tool's inputs are kept under in an attempt (``None``: not kept).
    inputs_name: str | None = None
    #: The attributes holding the controls whose values are kept.
    input_controls: tuple[str, ...] = ()

    def __init__(self, question: Question | None = None, **kwargs):
        super().__init__(**kwargs)
        self._first_question = question   # taken in start(), once the controls exist
        self.about = W.HTML()
        self.message = W.HTML()
        self.numbers = W.HTML()
        self.working = W.HTML()
        self.say = W.HTML()
        self.say_text = ""
        self.add_to_answer = W.Button(description="Add to my answer", icon="plus",
                                      tooltip="Append this sentence to the step's answer (saved like typing)",
                                      layout=W.Layout(display="none", width="auto", min_width="13em"))
        self.add_to_answer.on_click(lambda _: self._add_to_answer())
        self.say_row = W.HBox([self.say, self.add_to_answer], layout=W.Layout(align_items="center",
                                                                               flex_flow="row wrap"))
        self.chart = W.Image(format="png")
        self.chart.add_class("mlsd-figure")
        # the style that turns the chart dark in a dark theme, kept last among the children of a tool with a chart
        self._figure_style = W.HTML(FIGURE_STYLE, layout=W.Layout(display="none"))
        self._redraw = Coalesced(self.update)
        self._page = None
        self._quiet = False   # True while the tool fills its own controls: nothing to keep then

    def plot(self, width: float, height: float, **kwargs):
        """A figure of ``width`` x ``height`` inches redrawn by blitting; returns its axes."""
        self._fig, axes = new_figure(width, height, **kwargs)
        self._blit = BlitFigure(self._fig)
        self.chart.layout.width = shown_width(self._fig)   # drawn at twice the pixels: sharp, not twice as big
        self.chart.layout.max_width = "100%"
        self.chart.layout.height = "auto"
        return axes

    @traitlets.observe("children")
    def _keep_figure_style(self, change) -> None:
        style = getattr(self, "_figure_style", None)   # None while VBox.__init__ sets the first children
        if style is not None and style not in change.new and _holds(change.new, self.chart):
            self.children = (*change.new, style)

    def watch(self, *controls) -> None:
        """Redraw (once per burst of changes) whenever one of ``controls`` changes value."""
        for control in controls:
            control.observe(self._redraw, names="value")

    def update(self) -> None:
        """Compute and show; a ``ValueError`` becomes the message and the last good result stays."""
        try:
            self.compute()
        except ValueError as exc:
            self.message.value = STALE_STYLE + error_html(self.explain(str(exc)))
            self.show_stale(True)
            return
        self.message.value = ""
        self.show_stale(False)

    def explain(self, message: str) -> str:
        """The message a person reads for a bad input; estimators name their boxes here."""
        return message

    def show_stale(self, stale: bool) -> None:
        """Dim the results while a message says they are not the current inputs'."""
        for output in (self.numbers, self.working, self.say, self.chart):
            if stale:
                output.add_class("mlsd-stale")
            else:
                output.remove_class("mlsd-stale")

    def compute(self) -> None:  # pragma: no cover - every tool defines it
        raise NotImplementedError

    def show_say(self, text: str) -> None:
        """Show the sentence to say in the interview (and keep it for "Add to my answer")."""
        self.say_text = text
        self.say.value = say_html(text)

    def start(self) -> None:
        """The end of a subclass's ``__init__``: draw, then take the question it was given, if any."""
        self.update()
        if self._first_question is not None:
            self.question = self._first_question

    # -- following a page's question ---------------------------------------------------------
    def follow(self, page) -> "ToolView":
        """Take the question of ``page`` (a :class:`~widgets.pages.step.StepPage`) now and whenever it changes;
        with :attr:`inputs_name`, keep the inputs with the page's attempt and start from them; offer to add the
        sentence to say to the page's answer."""
        self._page = page
        page.observe(lambda _: self._offer_adding(), names="participant")
        self._offer_adding()
        for control in self.inputs().values():
            control.observe(self._keep_inputs, names="value")
        page.observe(lambda _: self._open_attempt(), names="attempt_id")
        traitlets.dlink((page, "question"), (self, "question"))
        return self

    @contextmanager
    def _filling(self):
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    @traitlets.observe("question")
    def _question_changed(self, change) -> None:
        if change.new is not None:
            self._open_attempt()

    def _open_attempt(self) -> None:
        """Fill the controls from the question, then from the inputs kept in the page's attempt."""
        if self.question is None:
            return
        with self._filling():
            self.use_question(self.question)
            saved = self.page_inputs(self.inputs_name) if self.inputs_name else None
            if saved is not None:
                self.restore_inputs(saved)
        self._redraw.flush()   # the question's numbers are shown when the cell that brought it ends

    def use_question(self, question: Question) -> None:
        """Prefill from ``question``; tools that depend on no question keep this no-op."""

    # -- the sentence to say, into the answer --------------------------------------------------
    def _offer_adding(self) -> None:
        has_answer = self._page is not None and getattr(self._page, "answer", None) is not None
        self.add_to_answer.layout.display = None if has_answer else "none"

    def _add_to_answer(self) -> None:
        if self._page is not None and self.say_text:
            self._page.add_to_answer(self.say_text)

    # -- inputs kept with the attempt --------------------------------------------------------
    def page_inputs(self, tool: str):
        """The inputs kept for ``tool`` in the followed page's attempt (:class:`~widgets.practice.store.ToolInputs`),
        or ``None``."""
        return self._page.tool_inputs(tool) if self._page is not None else None

    def inputs(self) -> dict:
        """The controls whose values are kept, by the name they are kept under."""
        return {name: getattr(self, name) for name in self.input_controls}

    def restore_inputs(self, saved) -> None:
        """Put kept values back into the controls (a value a control refuses is skipped)."""
        controls = self.inputs()
        for name, value in saved.values.items():
            if name in controls:
                try:
                    controls[name].value = value
                except traitlets.TraitError:
                    pass

    def _keep_inputs(self, *_) -> None:
        if self._quiet or self._page is None or self.inputs_name is None:
            return
        self._page.keep_tool_inputs(self.inputs_name, {name: c.value for name, c in self.inputs().items()})


def _holds(children, widget) -> bool:
    """Whether ``widget`` is among ``children`` or their children, at any depth."""
    return any(child is widget or _holds(getattr(child, "children", ()), widget) for child in children)
