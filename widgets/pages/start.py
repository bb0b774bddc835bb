"""The start page: choose a question from the bank, say who you are, and open the six steps."""

from __future__ import annotations

import time

import ipywidgets as W

from widgets.pages.parts import ExportPanel, PageAddress, link_area, open_store, question_card, show_links
from widgets.practice.context import (
    ASK_FOR_NAME,
    START_PAGE,
    Context,
    notebook_name,
    page_link,
    remember,
    resolve_context,
)
from widgets.practice.framework import PROBLEM_TYPES, load_framework
from widgets.practice.questions import load_bank
from widgets.practice.store import StoreError, clean_participant
from widgets.views._events import Coalesced
from widgets.views._html import LINK_STYLE, TABLE_STYLE, Markup, Row, html, join, message_html, muted_html, table_html
from widgets.views._voila import wait_for_request

#: Seconds of a pause in typing before a name or a search takes effect.
TYPING_DELAY = 0.25

ANY = "any"
_TABLE_STYLE = Markup(
    "<style>.mlsd-bank{border-collapse:collapse;width:100%;font-size:0.92em}"
    ".mlsd-bank th,.mlsd-bank td{text-align:left;padding:3px 10px 3px 4px;vertical-align:baseline}"
    ".mlsd-bank thead th{border-bottom:2px solid var(--jp-border-color1, #d1d5db);position:sticky;top:0;"
    "background:var(--jp-layout-color0,#fff)}"
    ".mlsd-bank tbody tr{cursor:pointer}.mlsd-bank tbody tr:nth-child(even){background:rgba(127,127,127,0.08)}"
    ".mlsd-bank tbody tr:hover{background:rgba(37,99,235,0.12)}"
    ".mlsd-bank tbody tr.mlsd-chosen{background:rgba(37,99,235,0.22);font-weight:600}"
    ".mlsd-bank code{color:var(--jp-content-font-color2, #6b7280);font-size:0.85em;margin-left:0.6em}</style>"
)


def bank_table_html(bank, chosen: str | None = None) -> Markup:
    """The questions as a compact table, a row each: title (and id), type, domain, company. A click on a row
    chooses its question (the workbook's Voila template; the dropdown below the table does it anywhere)."""
    rows = [Row([html("{}<code>{}</code>", q.title, q.id), q.problem_type, q.domain, q.company],
                cls="mlsd-chosen" if q.id == chosen else None, data={"question": q.id}) for q in bank]
    return _TABLE_STYLE + table_html(rows, ["Question", "Type", "Domain", "Company"], cls="mlsd-bank")


class StartPage(W.VBox):
    """Question bank browser, participant name, the six steps with their budgets and links."""

    def __init__(self, question_id: str | None = None, participant: str | None = None, home=None):
        super().__init__()
        self.bank = load_bank()
        self.framework = load_framework()
        self.store, problem = open_store(home)
        self.context: Context | None = None
        if self.store is None:
            self.children = [W.HTML(message_html(problem))]
            return
        wait_for_request()   # preheated: the page is light, so it simply waits for the URL's query
        self.context = resolve_context(self.store, question_id, participant, bank=self.bank)
        notes = ([problem] if problem else []) + self.context.messages

        # the name and the search take effect as typed (debounced); the template's script also makes a link
        # clicked before the kernel caught up carry what the name box shows
        self.name = W.Text(value=self.context.participant or "", description="Your name",
                           placeholder="the name your answers are saved under",
                           continuous_update=True, layout=W.Layout(width="22em"))
        self.name.add_class("mlsd-name-box")
        self.type_filter = W.Dropdown(options=[("any type", ANY)] + [(t, t) for t in PROBLEM_TYPES],
                                      value=ANY, description="Type")
        self.domain_filter = W.Dropdown(options=[("any domain", ANY)] + [(d, d) for d in self.bank.domains],
                                        value=ANY, description="Domain")
        self.search = W.Text(placeholder="words of the title, id, domain, company or tags", description="Search",
                             continuous_update=True, layout=W.Layout(width="30em"))
        self.table = W.HTML(layout=W.Layout(max_height="26em", overflow="auto", width="100%"))
        self.picker = W.Dropdown(description="Question", layout=W.Layout(width="44em"))
        self.random_button = W.Button(description="Draw at random", icon="random",
                                      tooltip="Pick a question at random among those the filters show")
        self.message = W.HTML(join([message_html(n) for n in notes] + (
            [message_html(f"{ASK_FOR_NAME}: type the name your answers are saved under.", "info")]
            if self.context.participant is None and not self.context.messages else [])))
        self.card = W.HTML()
        self.practice = W.Dropdown(description="Practice", layout=W.Layout(width="30em"),
                                   tooltip="Every practice of this question is kept; the steps open the one chosen")
        self.practise_again = W.Button(description="Practise again", icon="repeat",
                                       tooltip="Start a new practice of this question (the earlier ones are kept)")
        self.plan = link_area()
        self.export_panel = ExportPanel(self.store, self.context)

        self.address = PageAddress(START_PAGE)
        # a click on a table row puts its question id here (the template's script); nobody types into it
        self.row_pick = W.Text(continuous_update=False, layout=W.Layout(display="none"))
        self.row_pick.add_class("mlsd-row-pick")
        self.row_pick.observe(lambda change: change.new in self.bank and self.choose(change.new), names="value")
        self._updating = False
        for control in (self.type_filter, self.domain_filter):
            control.observe(lambda _: self._refilter(), names="value")
        self.search.observe(Coalesced(self._refilter, TYPING_DELAY), names="value")
        self.picker.observe(self._on_pick, names="value")
        self.name.observe(Coalesced(self._on_name, TYPING_DELAY), names="value")
        self.random_button.on_click(lambda _: self.draw())
        self.practice.observe(self._on_practice, names="value")
        self.practise_again.on_click(lambda _: self.start_new_attempt())

        self.children = [
            self.address, self.row_pick,
            self.message,
            W.HBox([self.name], layout=W.Layout(margin="0 0 6px 0")),
            W.HTML("<h3>1. Choose a question</h3>"),
            W.HBox([self.type_filter, self.domain_filter, self.search], layout=W.Layout(flex_flow="row wrap")),
            self.table,
            W.HBox([self.picker, self.random_button], layout=W.Layout(flex_flow="row wrap")),
            self.card,
            W.HTML("<h3>2. Answer it step by step, on the clock</h3>"),
            W.HBox([self.practice, self.practise_again], layout=W.Layout(flex_flow="row wrap")),
            self.plan,
            W.HTML("<h3>3. Keep your work</h3>"),
            self.export_panel,
        ]
        self.add_class("mlsd-start-page")
        self._refilter()

    # -- filtering and picking ---------------------------------------------------------------
    def filtered(self):
        type_ = None if self.type_filter.value == ANY else self.type_filter.value
        domain = None if self.domain_filter.value == ANY else self.domain_filter.value
        return self.bank.filter(problem_type=type_, domain=domain, text=self.search.value or None)

    def _refilter(self) -> None:
        """Show the questions the filters let through; the chosen question is always one of them (the first
        one shown when the filters exclude it), so that the table, the dropdown and the card agree."""
        subset = self.filtered()
        if len(subset) and self.context.question.id not in subset:
            self.context.question = next(iter(subset))
            self._remember_question()
        current = self.context.question.id
        if len(subset):
            self.table.value = (html("<div><span class='mlsd-bank-count'>{} of {} questions</span>{}</div>",
                                     len(subset), len(self.bank), muted_html(": click one to choose it", "span"))
                                + bank_table_html(subset, current))
        else:
            self.table.value = message_html("No question matches these filters; loosen one of them.", "info")
        options = [(q.title, q.id) for q in subset] or [(self.context.question.title, current)]
        self._updating = True
        try:
            self.picker.options = options
            self.picker.value = current
        finally:
            self._updating = False
        self._render()

    def _on_pick(self, change) -> None:
        if self._updating or change.new is None:
            return
        self.choose(change.new)

    def choose(self, question_id: str) -> None:
        """Make ``question_id`` the current question (remembered for the step notebooks in JupyterLab)."""
        try:
            self.context.question = self.bank.get(question_id)
        except KeyError as exc:
            self.message.value = message_html(str(exc))
            return
        self.message.value = ""
        self.context.attempt_id = None
        self._remember_question()
        self._refilter()

    def _remember_question(self) -> None:
        try:
            remember(self.store, question_id=self.context.question.id)
        except StoreError as exc:
            self.message.value = message_html(str(exc))

    def draw(self, seed: int | None = None) -> None:
        """Choose a random question among those the filters show."""
        try:
            question = self.filtered().draw(seed)
        except ValueError as exc:
            self.message.value = message_html(str(exc), "info")
            return
        self.choose(question.id)
        self._refilter()

    def _on_name(self, *_) -> None:
        """A refused name leaves the page without a participant (the steps then ask for one), never
        with the name that was there before."""
        if self.context.participant is not None and " ".join(self.name.value.split()) == self.context.participant:
            return
        try:
            name = clean_participant(self.name.value)
        except ValueError as exc:
            self.context.participant = None
            self.message.value = message_html(f"{exc} {ASK_FOR_NAME}.")
            self._render()
            return
        self.context.participant = name
        try:
            remember(self.store, participant=name)
        except StoreError as exc:
            self.message.value = message_html(str(exc))
        else:
            self.message.value = ""
        self._render()

    # -- practices of the question -------------------------------------------------------------
    def _attempts(self):
        ctx = self.context
        return [] if ctx.participant is None else self.store.attempts(ctx.participant, ctx.question.id)

    def _on_practice(self, change) -> None:
        if self._updating:
            return
        latest = self._attempts()[-1:] or [None]
        self.context.attempt_id = None if latest[0] is None or change.new == latest[0].id else change.new
        self._render()

    def start_new_attempt(self) -> None:
        """Practise the chosen question again: the steps open on a fresh attempt; nothing earlier is lost."""
        if self.context.participant is None:
            self.message.value = message_html(f"{ASK_FOR_NAME}: a practice is kept under your name.", "info")
            return
        try:
            self.store.start_attempt(self.context.participant, self.context.question.id)
        except StoreError as exc:
            self.message.value = message_html(str(exc))
            return
        self.context.attempt_id = None
        self._render()

    # -- what the page shows -----------------------------------------------------------------
    def _render(self) -> None:
        try:
            attempts = self._attempts()
        except StoreError as exc:
            attempts = []
            self.message.value = message_html(str(exc))
        ids = {a.id for a in attempts}
        if self.context.attempt_id not in ids:
            self.context.attempt_id = None
        self._updating = True
        try:
            self.practice.options = [(f"{a.number}: started {time.strftime('%d %b %Y %H:%M', time.localtime(a.created_at))}"
                                      + (" (latest)" if a is attempts[-1] else ""), a.id) for a in reversed(attempts)]
            self.practice.value = self.context.attempt_id or (attempts[-1].id if attempts else None)
        finally:
            self._updating = False
        self.practice.layout.display = None if len(attempts) > 1 else "none"
        self.practise_again.disabled = not attempts
        self.card.value = question_card(self.context)
        self.address.show(self.context)
        self.export_panel.set_context(self.context)
        try:
            show_links(self.plan, self.plan_html())
        except StoreError as exc:   # the progress column reads the store
            self.message.value = message_html(str(exc))

    def plan_html(self) -> Markup:
        """The six steps with budgets, this participant's progress in the chosen practice and a link to each step."""
        ctx = self.context
        attempts = self._attempts()
        chosen = next((a for a in attempts if a.id == ctx.attempt_id), attempts[-1] if attempts else None)
        rows = []
        for step in self.framework.steps:
            record = self.store.step_record(chosen, step.number) if chosen is not None else None
            progress = record.progress(step.budget_seconds, self.store.now()) if record is not None else "not started"
            link = html("<a class='mlsd-step-link' href='{}'>{}</a>", page_link(notebook_name(step), ctx), step.title)
            rows.append([step.number, link, f"{step.minutes} min", progress])
        return TABLE_STYLE + LINK_STYLE + table_html(rows, ["Step", "Open the step", "Budget", "Your progress"],
                                        cls="mlsd-plan mlsd-table",
                                        footer=[["", "Total", f"{self.framework.total_minutes} min", ""]])
