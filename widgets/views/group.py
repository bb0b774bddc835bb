"""What a study group's pages draw (a thin view of :mod:`widgets.practice.group`): the room, the answers side
by side with the rubric's coverage hints, the score aggregate, and the peer-score form.

Every name, answer and comment is a person's typing, so everything here is built through
:mod:`widgets.views._html`, which escapes it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache

import ipywidgets as W

from widgets.practice.framework import Step, coverage
from widgets.practice.group import COMMENT_MAX, RoomRow, SharedAnswer
from widgets.views._html import PALETTE, TABLE_STYLE, Cell, Markup, Row, html, join, muted_html, table_html

SCORE_OPTIONS = [("0", 0), ("1", 1), ("2", 2)]

#: Answers side by side: as many columns as fit, each at least 18em wide; the text keeps its lines.
ANSWERS_STYLE = Markup(
    "<style>.mlsd-answers{display:flex;flex-wrap:wrap;gap:12px;align-items:stretch}"
    ".mlsd-shared-answer{flex:1 1 18em;min-width:18em;border:1px solid var(--jp-border-color2,#e5e7eb);"
    "border-radius:6px;padding:8px 12px}.mlsd-shared-text{white-space:pre-wrap;overflow-wrap:anywhere;"
    "line-height:1.45;margin:6px 0;max-height:24em;overflow:auto}"
    ".mlsd-present .mlsd-shared-text{max-height:none}</style>")


def when(ts: float | None) -> str:
    """A time of day as the pages show it (``14:02:11``), or ``—`` for never."""
    return "—" if ts is None else time.strftime("%H:%M:%S", time.localtime(ts))


def room_html(rows: list[RoomRow]) -> Markup:
    """The facilitator's table of the room: who, their role, words on the current step, last save, page open."""
    if not rows:
        return muted_html("Nobody has joined yet: share the join link.")
    body = [Row([Cell(r.name, cls="mlsd-member-name"), r.role, Cell(r.words, cls="mlsd-member-words"),
                 when(r.saved_at), Cell("open" if r.online else "closed", cls=f"mlsd-page-{'open' if r.online else 'closed'}",
                                        style=f"color:{PALETTE['ok'] if r.online else PALETTE['muted']}")],
                data={"member": r.name}) for r in rows]
    return TABLE_STYLE + table_html(body, header=["name", "role", "words", "last save", "page"],
                                    cls="mlsd-table mlsd-room")


@lru_cache(maxsize=1024)
def _hints(text: str, step: Step) -> Markup:
    """The rubric items ``text`` mentions, as a list; cached, since every page redraws the same answers each
    refresh while they do not change."""
    found = coverage(text, step)
    covered, partly = {item.id for item, _ in found.covered}, {item.id for item, _ in found.partly}
    marks = {True: (PALETTE["ok"], Markup("&#10003;")), False: (PALETTE["warning"], Markup("&#10007;"))}
    return join(html("<li style='color:{}'>{} {}</li>", *(
        (PALETTE["muted"], Markup("&#126;")) if item.id in partly else marks[item.id in covered]), item.label)
        for item in step.rubric)


def answers_html(answers: list[SharedAnswer], step: Step, title: str | None = None) -> Markup:
    """Answers side by side, each with its author, role, words and the rubric items it mentions."""
    if not answers:
        return muted_html("No answers to show yet.")
    cards = [html("<div class='mlsd-shared-answer' data-member='{}'><b class='mlsd-shared-name'>{}</b> "
                  "<span style='color:{}'>{} &middot; {} words &middot; saved {}</span>"
                  "<div class='mlsd-shared-text'>{}</div><ul class='mlsd-shared-hints' style='margin:0;"
                  "padding-left:1.2em'>{}</ul></div>", a.name, a.name, PALETTE["muted"], a.role, a.words,
                  when(a.saved_at), a.text or "(nothing written)", _hints(a.text, step)) for a in answers]
    heading = html("<div style='font-weight:600;margin:6px 0'>{}</div>", title) if title else Markup("")
    return ANSWERS_STYLE + heading + html("<div class='mlsd-answers'>{}</div>", join(cards))


def summary_html(rows: list[dict], steps: dict[int, Step]) -> Markup:
    """The score aggregate: per step, member and rubric item, the self-score, the peers' mean (how many)
    and the gap (self minus peers: above 0, rating oneself higher than the others do)."""
    if not rows:
        return muted_html("No scores yet: after a reveal each member scores the others' answers.")

    def num(x):
        return "—" if x is None else f"{x:.2f}".rstrip("0").rstrip(".")

    body = [Row([r["step"], Cell(r["name"], cls="mlsd-score-name"), steps[r["step"]].rubric_item(r["item"]).label,
                 Cell(num(r["self"]), cls="mlsd-score-self"),
                 Cell(f"{num(r['peer_mean'])} ({r['peers']})", cls="mlsd-score-peers"),
                 Cell(num(r["gap"]), cls="mlsd-score-gap")], data={"member": r["name"], "item": r["item"]})
            for r in rows]
    per_person: dict[str, list] = {}
    for r in rows:
        if r["gap"] is not None:
            per_person.setdefault(r["name"], []).append(r["gap"])
    means = {name: sum(g) / len(g) for name, g in per_person.items()}
    gaps = join(html("<li class='mlsd-score-gap-line'><b>{}</b>: own scores {} the peers' by {} points per item "
                     "on average</li>", name, "above" if m > 0 else "below" if m < 0 else "level with", num(abs(m)))
                for name, m in means.items())
    return (TABLE_STYLE + table_html(body, header=["step", "member", "rubric item", "self", "peers (n)", "gap"],
                                     cls="mlsd-table mlsd-score-summary")
            + (html("<ul class='mlsd-score-gaps'>{}</ul>", gaps) if per_person else Markup("")))


def comments_html(comments: list[tuple[int, str, str, str]]) -> Markup:
    """``(step, scorer, target, comment)`` lines."""
    if not comments:
        return Markup("")
    return html("<ul class='mlsd-comments'>{}</ul>", join(
        html("<li>Step {}: <b>{}</b> on <b>{}</b>: {}</li>", step, scorer, target, text)
        for step, scorer, target, text in comments))


class PeerScoreForm(W.VBox):
    """Score one other member's answer to one step: 0-2 per rubric item and a one-line comment.

    ``save(item_id, score, comment)`` is called on every change (``item_id`` None for the comment alone);
    what it raises is shown as a message under the form.
    """

    def __init__(self, target: str, step: Step, given: tuple[dict, str], save: Callable[..., None]):
        super().__init__(layout=W.Layout(width="30em", margin="0 2em 1em 0"))
        self.target, self.step, self._save = target, step, save
        scores, comment = given
        self.controls: dict[str, W.ToggleButtons] = {}
        rows = [W.HTML(html("<b>Score {}'s answer</b> (0 missed, 1 partly, 2 covered)", target))]
        for item in step.rubric:
            control = W.ToggleButtons(options=SCORE_OPTIONS, value=scores.get(item.id),
                                      style=W.ToggleButtonsStyle(button_width="3em"))
            control.observe(lambda change, item_id=item.id: self._changed(item_id, change.new), names="value")
            self.controls[item.id] = control
            rows.append(W.HBox([W.HTML(html("{}", item.label), layout=W.Layout(width="16em")), control],
                               layout=W.Layout(align_items="center", flex_flow="row wrap")))
        self.comment = W.Text(value=comment, placeholder=f"One line for {target} (at most {COMMENT_MAX} characters)",
                              layout=W.Layout(width="100%"), continuous_update=False)
        self.comment.observe(lambda change: self._changed(None, None), names="value")
        self.message = W.HTML()
        self.children = [*rows, self.comment, self.message]
        self.add_class("mlsd-peer-form")

    def _changed(self, item_id: str | None, score) -> None:
        try:
            self._save(item_id, score, self.comment.value)
        except ValueError as exc:
            self.message.value = html("<span class='mlsd-error' style='color:{}'>{}</span>", PALETTE["error"], str(exc))
            return
        self.message.value = html("<span class='mlsd-saved' style='color:{}'>saved at {}</span>", PALETTE["muted"],
                                  when(time.time()))
