"""The reference outline of a step, shown once the candidate has committed (a thin view of
:mod:`widgets.tools.reference` and :mod:`widgets.practice.matcher`).

Nothing of the outline is in the page before :meth:`ReferenceOutline.reveal`: the widget's value stays empty, so
no text reaches the browser early. After it, each point is marked covered, partly covered or missed in the
answer (a hint from the words used, never a grade), the words that matched are highlighted in a copy of the
answer, and the interviewer's follow-ups, the step's common pitfalls for the question's problem type and, where
written, a sample answer follow.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as W

from widgets.practice.questions import UnknownQuestionError
from widgets.tools.reference import (
    NoReferenceError,
    Reference,
    ReferenceDataError,
    highlighted,
    load_reference,
    outline_coverage,
)
from widgets.views._html import PALETTE, Markup, bullets_html, html, join, message_html, muted_html

_MARK = {"covered": ("&#10003;", "ok", "covered"), "partly": ("&#126;", "muted", "partly covered"),
         "missed": ("&#10007;", "warning", "missed")}

STYLE = Markup("<style>.mlsd-reference{border-left:4px solid var(--jp-brand-color1,#1d4ed8);padding:4px 12px;"
               "line-height:1.45}.mlsd-reference ul{margin:4px 0 8px;padding-left:1.3em}.mlsd-reference ul.mlsd-outline{list-style:none;padding-left:.2em}"
               ".mlsd-reference mark{background:#fde68a;color:inherit;padding:0 1px}"
               ".mlsd-highlighted{white-space:pre-wrap;border:1px solid var(--jp-border-color2,#d1d5db);"
               "padding:6px 8px;max-height:16em;overflow:auto}.mlsd-reference summary{cursor:pointer;"
               "text-decoration:underline}</style>")


def answer_html(text: str, spans) -> Markup:
    """The answer with the matched words in ``<mark>``; every piece escaped."""
    if not text.strip():
        return muted_html("(nothing written)")
    return join(html("<mark>{}</mark>", piece) if hit else piece for piece, hit in highlighted(text, spans))


@lru_cache(maxsize=256)
def outline_html(question_id: str, step_number: int, text: str) -> Markup:
    """The whole revealed outline for one answer (cached: pages redraw the same text often)."""
    try:
        ref: Reference = load_reference(question_id)
    except (NoReferenceError, UnknownQuestionError) as exc:
        return message_html(str(exc), "info")
    except ReferenceDataError as exc:
        return message_html(f"The reference answer could not be read: {exc}")
    step = ref.step(step_number)
    found = outline_coverage(text, step)
    counts = found.counts
    points = join(html("<li class='mlsd-point mlsd-point-{}' data-point='{}' style='color:{}'>"
                       "<span title='{}'>{}</span> <span style='color:var(--jp-content-font-color1,#111)'>{}</span>"
                       "</li>", m.status, p.id, PALETTE[_MARK[m.status][1]], _MARK[m.status][2],
                       Markup(_MARK[m.status][0]), p.text) for p, m in zip(step.points, found.matches))
    sample = (html("<details class='mlsd-sample'><summary>Read a sample answer</summary><p>{}</p></details>",
                   step.sample) if step.sample else Markup(""))
    pitfalls = ref.pitfalls.get(step_number, ())
    return STYLE + html(
        "<div class='mlsd-reference'><div class='mlsd-reference-title'><b>Reference outline</b> for step {}: {}</div>"
        "<div class='mlsd-reference-counts' style='color:{}'>Hint from the words you used, not a grade: "
        "{} covered, {} partly, {} missed.</div><ul class='mlsd-outline'>{}</ul>"
        "<div><b>Your answer</b>, with the words that matched a point:</div>"
        "<div class='mlsd-highlighted'>{}</div>"
        "<div style='margin-top:8px'><b>Follow-up questions an interviewer would ask</b></div>{}"
        "<div><b>Common pitfalls at this step</b> ({} questions)</div>{}{}</div>",
        step_number, ref.question.title, PALETTE["muted"], counts["covered"], counts["partly"], counts["missed"],
        points, answer_html(text, found.spans), bullets_html(step.follow_ups, cls="mlsd-follow-ups"),
        ref.question.problem_type, bullets_html(pitfalls, cls="mlsd-pitfalls"), sample)


class ReferenceOutline(W.HTML):
    """A step's reference outline: empty (nothing sent to the browser) until :meth:`reveal`, then it follows
    the answer's text through :meth:`update`."""

    def __init__(self, question_id: str, step_number: int):
        super().__init__(layout=W.Layout(display="none"))
        self.question_id, self.step_number = question_id, step_number
        self.revealed = False
        self.add_class("mlsd-reference-box")

    def reveal(self, text: str) -> None:
        self.revealed = True
        self.layout.display = None
        self.update(text)

    def update(self, text: str) -> None:
        if self.revealed:
            self.value = outline_html(self.question_id, self.step_number, text or "")


@lru_cache(maxsize=64)
def key_points_html(question_id: str, step_number: int) -> Markup:
    """The outline's points and follow-ups without an answer to mark (a study group's dashboard and presenter
    view, after the facilitator's reveal)."""
    try:
        ref = load_reference(question_id)
    except (NoReferenceError, UnknownQuestionError, ReferenceDataError):
        return Markup("")
    step = ref.step(step_number)
    return STYLE + html("<div class='mlsd-reference mlsd-key-points'><b>Reference outline</b> for step {}"
                        "<ul class='mlsd-outline-points'>{}</ul><b>Follow-up questions</b>{}</div>", step_number,
                        join(html("<li class='mlsd-point' data-point='{}'>{}</li>", p.id, p.text) for p in step.points),
                        bullets_html(step.follow_ups, cls="mlsd-follow-ups"))
