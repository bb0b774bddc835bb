"""Shared pieces of the workbook's pages: opening the store with a readable message, the
question card, the links between notebooks and the export panel.

Every constructor here turns a user-caused problem (an unwritable folder, a damaged store, an
unknown question id) into a short message on the page; nothing here lets a traceback reach a
Voila app.
"""

from __future__ import annotations

import base64
import json

import ipywidgets as W
from IPython.display import HTML, Javascript

from widgets.practice.context import (
    ASK_FOR_NAME,
    START_PAGE,
    Context,
    notebook_name,
    on_the_host,
    page_link,
    under_voila,
)
from widgets.practice.export import session_record, to_json, to_markdown, write_export
from widgets.practice.framework import load_framework
from widgets.practice.store import AnswerStore, StoreError
from widgets.views._html import (
    LINK_STYLE,
    PALETTE,
    TABLE_STYLE,
    Cell,
    Markup,
    html,
    join,
    message_html,
    muted_html,
    table_html,
)


def open_store(home=None) -> tuple[AnswerStore | None, str | None]:
    """Open the answer store, or return ``(None, message)`` saying what to fix."""
    try:
        store = AnswerStore(home)
    except StoreError as exc:
        return None, str(exc)
    return store, store.notice


def question_card(ctx: Context) -> Markup:
    """The current question as an HTML card: title, type, domain, brief and scale."""
    q = ctx.question
    company = html(" &middot; {}", q.company) if q.company else ""
    return html(
        "<div class='mlsd-question' style='border-left:4px solid {accent};padding:6px 12px;margin:6px 0'>"
        "<div style='font-size:1.25em;font-weight:600' class='mlsd-question-title'>{title}</div>"
        "<div style='color:{muted}'>{type} &middot; {domain}{company}"
        " &middot; answering as <b class='mlsd-participant'>{participant}</b></div>"
        "<p style='margin:6px 0;line-height:1.45'>{brief}</p>"
        "<div style='color:{muted}'>Assumed scale: {users:,} daily active users &middot; "
        "{items:,} items &middot; {actions:g} actions per user per day</div></div>",
        accent=PALETTE["accent"], muted=PALETTE["muted"], title=q.title, type=q.problem_type, domain=q.domain,
        company=company, participant=ctx.participant if ctx.participant is not None else "nobody yet",
        brief=q.brief, users=q.daily_active_users, items=q.items, actions=q.actions_per_user_per_day)


def navigation_html(ctx: Context, current_step: int | None) -> Markup:
    """Links to the previous step, the start page and the next step, keeping the context."""
    steps = load_framework().steps
    parts = []
    if current_step is not None and current_step > 1:
        prev = steps[current_step - 2]
        parts.append(html("<a class='mlsd-nav-prev' href='{}'>&larr; Step {}: {}</a>",
                          page_link(notebook_name(prev), ctx), prev.number, prev.title))
    parts.append(html("<a class='mlsd-nav-start' href='{}'>Start page</a>", page_link(START_PAGE, ctx)))
    if current_step is None or current_step < len(steps):
        nxt = steps[0 if current_step is None else current_step]
        parts.append(html("<a class='mlsd-nav-next' href='{}'>Step {}: {} &rarr;</a>",
                          page_link(notebook_name(nxt), ctx), nxt.number, nxt.title))
    return LINK_STYLE + html("<nav class='mlsd-nav' style='display:flex;gap:2em;margin:8px 0'>{}</nav>", join(parts))


def link_area() -> W.Widget:
    """A widget to hold links to other notebooks of the workbook.

    In JupyterLab it is an ``Output``: HTML shown as an output gets Lab's link handling, so a
    relative link to a notebook opens it in Lab. Under Voila that same handling would open every
    link in a new tab, so there it is a plain ``HTML`` widget and a link replaces the page.
    """
    return W.HTML() if under_voila() else W.Output()


def show_links(area: W.Widget, markup: str) -> None:
    """Replace the content of a :func:`link_area` (kernel-side, no ``with`` block needed)."""
    if isinstance(area, W.HTML):
        area.value = markup
    else:
        area.outputs = ()
        area.append_display_data(HTML(markup))


#: Run All in JupyterLab ends with the notebook scrolled to its last cell, far below the clock and the answer box.
#: Shown in the last cell's link area, this brings ``selector`` (in the same notebook) to the middle of the view,
#: and keeps it there for three seconds while Lab sizes the cells above it (which moves what is in view), unless the
#: person scrolls, types or clicks meanwhile. Lab runs it once, as the kernel sends it (``element`` is its output
#: node); a script saved in a notebook is never run again on opening, and Voila never gets it (a page opens at its
#: top there).
_LAND_AT = """(function (element) {{
  const inputs = ['wheel', 'keydown', 'mousedown', 'touchstart'];
  let moved = false;
  const stop = () => {{ moved = true; }};
  inputs.forEach((kind) => document.addEventListener(kind, stop, {{capture: true, passive: true}}));
  const started = Date.now();
  let landed = null;   // where the target sat right after the last scroll
  (function land() {{
    const notebook = element.closest('.jp-Notebook');   // null until Lab attaches the output
    const target = notebook && notebook.querySelector({selector});
    if (!moved && target && (landed === null || Math.abs(target.getBoundingClientRect().top - landed) > 20)) {{
      target.scrollIntoView({{block: 'center'}});
      landed = target.getBoundingClientRect().top;
    }}
    if (!moved && Date.now() - started < 3000) setTimeout(land, 100);
    else inputs.forEach((kind) => document.removeEventListener(kind, stop, {{capture: true}}));
  }})();
}})(element);"""


def land_at(area: W.Widget, selector: str) -> None:
    """In JupyterLab, scroll the notebook holding the :func:`link_area` ``area`` to ``selector``, once."""
    if isinstance(area, W.Output):
        area.append_display_data(Javascript(_LAND_AT.format(selector=json.dumps(selector))))


class ToolHost:
    """What a page offers the tools that follow it (:meth:`widgets.views._base.ToolView.follow`): the tools'
    sentences go into its answer, and their inputs are kept with its attempt. The page sets ``answer`` (a
    :class:`~widgets.views.answer.StepAnswer`, or ``None`` while it has no participant)."""

    answer = None

    def add_to_answer(self, text: str) -> None:
        """Append ``text`` (a tool's sentence to say) to the step's answer, saved at once."""
        if self.answer is not None:
            self.answer.append(text)

    # -- what the tools of the step keep with the attempt ---------------------------------------
    def tool_inputs(self, tool: str):
        """The inputs kept for ``tool`` in the page's attempt (:class:`~widgets.practice.store.ToolInputs`), or ``None``."""
        if self.answer is None:
            return None
        try:
            return self.answer.handle.inputs(tool)
        except StoreError:
            return None

    def keep_tool_inputs(self, tool: str, values: dict) -> None:
        """Keep a tool's inputs with the page's attempt (nothing without a participant)."""
        if self.answer is None:
            return
        try:
            self.answer.handle.save_inputs(tool, values)
        except StoreError as exc:   # the answer box says what is wrong with the store
            self.answer.session.message = str(exc)


class PageAddress(W.HTML):
    """The page's own address, kept by the browser (Voila only): a hidden link that the workbook's template
    copies into the address bar whenever it changes, so that a reload or a bookmark keeps the question and
    the name the page shows. Nothing in JupyterLab."""

    def __init__(self, notebook: str):
        super().__init__(layout=W.Layout(display="none"))
        self.notebook = notebook

    def show(self, ctx: Context | None) -> None:
        if ctx is not None and under_voila():
            self.value = html("<a class='mlsd-self-link' href='{}'></a>", page_link(self.notebook, ctx))


def downloads_html(paths: list, markdown: str, json_text: str) -> Markup:
    """Links that download an export's Markdown and JSON (``paths``: the files written, in that order), and
    where the files are kept: their paths only to a browser on the host."""
    links = []
    for path, mime, text in zip(paths, ("text/markdown", "application/json"), (markdown, json_text)):
        data = base64.b64encode(text.encode("utf-8")).decode("ascii")
        links.append(html("<a class='mlsd-download' download='{}' href='data:{};charset=utf-8;base64,{}'>"
                          "Download {}</a>", path.name, mime, data, path.name))
    saved_where = (muted_html("Also saved as " + ", ".join(str(p) for p in paths)) if on_the_host()
                   else muted_html("Also kept on the machine that serves the workbook."))
    return join(links, Markup(" &nbsp; ")) + saved_where


class ExportPanel(W.VBox):
    """Export the current practice session as Markdown and JSON: download links and files.

    ``ctx`` may be ``None`` (the page could not open) or have no participant (the page asks for a
    name first): the button is then disabled and says why.
    """

    def __init__(self, store: AnswerStore, ctx: Context | None):
        super().__init__()
        self.store = store
        self.button = W.Button(description="Export this session", icon="download",
                               tooltip="Markdown and JSON of every step: answers, times and self-scores")
        self.result = W.HTML()
        self.button.on_click(lambda _: self.export())
        self.children = [self.button, self.result]
        self.set_context(ctx)

    def export(self) -> list:
        """Write the files under ``<store home>/exports`` and show links that download them."""
        if self.ctx is None or self.ctx.participant is None:
            return []
        try:
            paths = write_export(self.store, self.ctx.participant, self.ctx.question.id, self.store.home / "exports",
                                 self.ctx.attempt_id)
            record = session_record(self.store, self.ctx.participant, self.ctx.question.id, self.ctx.attempt_id)
        except StoreError as exc:
            self.result.value = message_html(str(exc))
            return []
        self.result.value = downloads_html(paths, to_markdown(record), to_json(record))
        return paths

    def set_context(self, ctx: Context | None) -> None:
        self.ctx = ctx
        if ctx is None:
            self.button.disabled = True
            self.result.value = message_html("Nothing to export: the page could not open its question.")
        elif ctx.participant is None:
            self.button.disabled = True
            self.result.value = message_html(f"{ASK_FOR_NAME}: the export holds your answers.", "info")
        else:
            self.button.disabled = False
            self.result.value = ""


def session_summary_html(store: AnswerStore, ctx: Context) -> Markup:
    """A table of the practice session: per step the time used against the budget, words, self-score."""
    from widgets.practice.clock import format_elapsed

    record = session_record(store, ctx.participant, ctx.question.id, ctx.attempt_id)
    rows = []
    for s in record["steps"]:
        over = s["overtime_seconds"]
        scored = sum(1 for item in s["rubric"] if item["score"] is not None)
        rows.append([f"{s['step']}. {s['title']}",
                     Cell(f"{format_elapsed(s['elapsed_seconds'])} / {format_elapsed(s['budget_seconds'])}"
                          + (f" ({format_elapsed(over)} over)" if over > 0 else ""),
                          style=f"color:{PALETTE['error']}" if over > 0 else None),
                     s["clock_status"], s["words"],
                     f"{s['self_score']} / {s['self_score_max']}" if scored else "not scored yet"])
    total = f"{format_elapsed(record['total_elapsed_seconds'])} / {format_elapsed(record['total_budget_seconds'])}"
    return TABLE_STYLE + table_html(rows, ["Step", "Time used / budget", "Clock", "Words", "Self-score"],
                                    cls="mlsd-summary mlsd-table", footer=[["Total", total, "", "", ""]])
