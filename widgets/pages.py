"""Shared pieces of the workbook's pages: opening the store with a readable message, the
question card, the links between notebooks and the export panel.

Every constructor here turns a user-caused problem (an unwritable folder, a damaged store, an
unknown question id) into a short message on the page; nothing here lets a traceback reach a
Voila app.
"""

from __future__ import annotations

import base64
import html

import ipywidgets as W
from IPython.display import HTML

from .context import START_PAGE, Context, notebook_name, page_link, under_voila
from .export import export_filename, session_record, to_json, to_markdown, write_export
from .framework import load_framework
from .store import AnswerStore, StoreError


def open_store(home=None) -> tuple[AnswerStore | None, str | None]:
    """Open the answer store, or return ``(None, message)`` saying what to fix."""
    try:
        store = AnswerStore(home)
    except StoreError as exc:
        return None, str(exc)
    return store, store.notice


#: Tables drawn in HTML widgets: left-aligned, compact (JupyterLab right-aligns table cells).
TABLE_STYLE = ("<style>.mlsd-table{border-collapse:collapse}.mlsd-table th,.mlsd-table td{text-align:left;"
               "padding:3px 14px 3px 0;vertical-align:top}.mlsd-table thead th{border-bottom:2px solid var(--jp-border-color1, #d1d5db)}"
               "</style>")


def message_html(text: str, kind: str = "error") -> str:
    colour = {"error": "#b91c1c", "info": "#1d4ed8"}[kind]
    return (f"<div class='mlsd-message mlsd-{kind}' style='color:{colour};margin:4px 0'>"
            f"{html.escape(text)}</div>")


def question_card(ctx: Context) -> str:
    """The current question as an HTML card: title, type, domain, brief and scale."""
    q = ctx.question
    company = f" &middot; {html.escape(q.company)}" if q.company else ""
    return (
        "<div class='mlsd-question' style='border-left:4px solid #2563eb;padding:6px 12px;margin:6px 0'>"
        f"<div style='font-size:1.25em;font-weight:600' class='mlsd-question-title'>{html.escape(q.title)}</div>"
        f"<div style='color:var(--jp-content-font-color2, #4b5563)'>{html.escape(q.problem_type)} &middot; {html.escape(q.domain)}{company}"
        f" &middot; answering as <b class='mlsd-participant'>{html.escape(ctx.participant)}</b></div>"
        f"<p style='margin:6px 0;line-height:1.45'>{html.escape(q.brief)}</p>"
        f"<div style='color:var(--jp-content-font-color2, #4b5563)'>Assumed scale: {q.daily_active_users:,} daily active users &middot; "
        f"{q.items:,} items &middot; {q.actions_per_user_per_day:g} actions per user per day</div>"
        "</div>"
    )


def navigation_html(ctx: Context, current_step: int | None) -> str:
    """Links to the previous step, the start page and the next step, keeping the context."""
    steps = load_framework().steps
    parts = []
    if current_step is not None and current_step > 1:
        prev = steps[current_step - 2]
        parts.append(f"<a class='mlsd-nav-prev' href='{html.escape(page_link(notebook_name(prev), ctx))}'>"
                     f"&larr; Step {prev.number}: {html.escape(prev.title)}</a>")
    parts.append(f"<a class='mlsd-nav-start' href='{html.escape(page_link(START_PAGE, ctx))}'>Start page</a>")
    if current_step is None or current_step < len(steps):
        nxt = steps[0 if current_step is None else current_step]
        parts.append(f"<a class='mlsd-nav-next' href='{html.escape(page_link(notebook_name(nxt), ctx))}'>"
                     f"Step {nxt.number}: {html.escape(nxt.title)} &rarr;</a>")
    return "<nav class='mlsd-nav' style='display:flex;gap:2em;margin:8px 0'>" + "".join(parts) + "</nav>"


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


class ExportPanel(W.VBox):
    """Export the current practice session as Markdown and JSON: download links and files."""

    def __init__(self, store: AnswerStore, ctx: Context):
        super().__init__()
        self.store, self.ctx = store, ctx
        self.button = W.Button(description="Export this session", icon="download",
                               tooltip="Markdown and JSON of every step: answers, times and self-scores")
        self.result = W.HTML()
        self.button.on_click(lambda _: self.export())
        self.children = [self.button, self.result]

    def export(self) -> list:
        """Write the files under ``<store home>/exports`` and show links that download them."""
        try:
            paths = write_export(self.store, self.ctx.participant, self.ctx.question.id, self.store.home / "exports")
            record = session_record(self.store, self.ctx.participant, self.ctx.question.id)
        except StoreError as exc:
            self.result.value = message_html(str(exc))
            return []
        links = []
        for suffix, mime, text in (("md", "text/markdown", to_markdown(record)),
                                   ("json", "application/json", to_json(record))):
            data = base64.b64encode(text.encode("utf-8")).decode("ascii")
            name = export_filename(record, suffix)
            links.append(f"<a class='mlsd-download' download='{html.escape(name)}' "
                         f"href='data:{mime};charset=utf-8;base64,{data}'>Download {html.escape(name)}</a>")
        self.result.value = (" &nbsp; ".join(links) + "<div style='color:var(--jp-content-font-color2, #4b5563)'>Also saved as "
                             + ", ".join(html.escape(str(p)) for p in paths) + "</div>")
        return paths

    def set_context(self, ctx: Context) -> None:
        self.ctx = ctx
        self.result.value = ""


def session_summary_html(store: AnswerStore, ctx: Context) -> str:
    """A table of the practice session: per step the time used against the budget, words, self-score."""
    from .clock import format_elapsed

    record = session_record(store, ctx.participant, ctx.question.id)
    rows = []
    for s in record["steps"]:
        over = s["overtime_seconds"] > 0
        style = " style='color:#b91c1c'" if over else ""
        rows.append(
            f"<tr><td>{s['step']}. {html.escape(s['title'])}</td>"
            f"<td{style}>{format_elapsed(s['elapsed_seconds'])} / {format_elapsed(s['budget_seconds'])}</td>"
            f"<td>{len(s['answer'].split())}</td><td>{s['self_score']} / {s['self_score_max']}</td></tr>")
    return (TABLE_STYLE + "<table class='mlsd-summary mlsd-table'><thead><tr><th>Step</th><th>Time used / budget</th><th>Words</th>"
            "<th>Self-score</th></tr></thead><tbody>" + "".join(rows) + "</tbody><tfoot><tr><td>Total</td>"
            f"<td>{format_elapsed(record['total_elapsed_seconds'])} / {format_elapsed(record['total_budget_seconds'])}</td>"
            "<td></td><td></td></tr></tfoot></table>")
