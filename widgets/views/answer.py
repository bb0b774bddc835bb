"""The timed answer entry: a step's countdown, an autosaving answer box and the self-score rubric.

A thin view of :class:`widgets.practice.answer.AnswerSession`, which holds the text, the autosave and
clock-sync policies and the store handle: this widget forwards typing, clicks and ticks to it and draws
what it holds. The clock ticks from an asyncio task in the kernel's own event loop (the loop ipykernel
runs in JupyterLab and in Voila), so it counts down with nobody touching the kernel. Tests pass
``autotick=False`` and an injected ``now`` and call :meth:`StepAnswer.tick` themselves.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import ipywidgets as W

from widgets.practice.answer import SAVE_IDLE_SECONDS, SAVE_MAX_LAG_SECONDS, TICK_SECONDS, AnswerSession  # noqa: F401
from widgets.practice.clock import ClockState, format_clock, format_elapsed
from widgets.practice.framework import Step, coverage
from widgets.practice.store import AnswerStore, AttemptStep, StoreError
from widgets.views._events import kernel_loop
from widgets.views._html import PALETTE, Markup, bullets_html, error_html, html, muted_html
from widgets.views.reference import ReferenceOutline

SCORE_OPTIONS = [("0 missed", 0), ("1 partly", 1), ("2 covered", 2)]
_TONE_COLOUR = {"normal": PALETTE["text"], "warning": PALETTE["warning"], "over": PALETTE["error"]}
_TONE_BAR = {"normal": "info", "warning": "warning", "over": "danger"}


def clock_html(clock: ClockState, now: float, size: str = "1.9em") -> Markup:
    """A step's countdown as the pages show it (``.mlsd-clock``), coloured by its tone, "over time" once spent."""
    tone = clock.tone(now)
    return html("<span class='mlsd-clock mlsd-clock-{}' style='font-size:{};font-weight:600;"
                "font-variant-numeric:tabular-nums;color:{}'>{}</span><span style='color:{}'>{}</span>",
                tone, size, _TONE_COLOUR[tone], format_clock(clock.remaining(now)), _TONE_COLOUR[tone],
                " over time" if tone == "over" else "")


class StepAnswer(W.VBox):
    """Answer one step of one attempt against its time budget.

    Parameters
    ----------
    handle : the step of the attempt (:meth:`AnswerStore.attempt_step`).
    step : the framework step (its budget, prompts and rubric).
    now : wall clock in seconds since the epoch (tests inject a fake one).
    autotick : start the kernel-side ticking task when an event loop is running.
    clock_controls : False in a study group, where the facilitator runs the clock: the buttons are not
        shown (the store refuses a member's clock actions anyway) and the rubric opens when the facilitator's
        reveal finishes the step.
    placeholder : the answer box's hint (default: the step's).
    """

    def __init__(self, handle: AttemptStep, step: Step, now: Callable[[], float] = time.time,
                 autotick: bool = True, clock_controls: bool = True, placeholder: str | None = None):
        super().__init__()
        self.step, self._now = step, now
        self.clock_controls = clock_controls
        self._opened_at_finish = False
        self.session = AnswerSession(handle, step, now)
        self._task = None

        self.clock_display = W.HTML(layout=W.Layout(min_width="7.5em"))
        self.progress = W.FloatProgress(min=0.0, max=1.0, layout=W.Layout(width="100%"))
        self.start_button = W.Button(description="Start", icon="play", button_style="success",
                                     tooltip="Start the step's clock")
        self.pause_button = W.Button(description="Pause", icon="pause", tooltip="Pause or resume the clock")
        self.reset_button = W.Button(description="Reset", icon="undo",
                                     tooltip="Set the clock back to the full budget (the answer is kept)")
        self.finish_button = W.Button(description="Finish", icon="flag-checkered", button_style="info",
                                      tooltip="Finish this step: the clock stops for good and the rubric opens")
        self.status = W.HTML()
        self.text = W.Textarea(
            value=self.session.text,
            placeholder=placeholder or f"Your answer for step {step.number}: {step.title.lower()}. It saves as you type.",
            layout=W.Layout(width="100%", height="18em"),
        )
        self.text.add_class("mlsd-answer-text")
        self.saved_mark = W.HTML()
        self.message = W.HTML()
        self.score_button = W.Button(description="Score yourself", icon="check-square-o",
                                     tooltip="Open the rubric with hints from your answer")
        self.rubric_box = W.VBox(layout=W.Layout(display="none"))
        self._score_controls: dict[str, W.ToggleButtons] = {}
        self._hints: dict[str, W.HTML] = {}
        self._build_rubric(self.session.scores)

        self.prompts = prompts = W.HTML(
            html("<div class='mlsd-prompts' style='line-height:1.45'><b>Ask yourself</b>{}</div>",
                 bullets_html(step.prompts)),
            layout=W.Layout(flex="2 1 16em", margin="0 0 0 12px"),
        )
        #: The step's reference outline: nothing of it reaches the page until the step is finished or its
        #: time is up; then it takes the prompts' place beside the answer.
        self.outline = ReferenceOutline(handle.question_id, step.number)
        self.outline.layout.flex, self.outline.layout.margin = "2 1 20em", "0 0 0 12px"
        clock_row = W.HBox([self.clock_display, self.start_button, self.pause_button, self.reset_button,
                            self.finish_button, self.status],
                           layout=W.Layout(align_items="center", flex_flow="row wrap"))
        body = W.HBox([W.VBox([self.text, self.saved_mark], layout=W.Layout(flex="3 1 24em")), prompts, self.outline],
                      layout=W.Layout(width="100%", flex_flow="row wrap"))
        self.children = [clock_row, self.progress, body, self.message, self.score_button, self.rubric_box]
        self.add_class("mlsd-step-answer")

        self.start_button.on_click(lambda _: self._forward(self.session.clock_action, "start"))
        self.pause_button.on_click(lambda _: self._forward(self.session.toggle))
        self.reset_button.on_click(lambda _: self._forward(self.session.press_reset))
        self.finish_button.on_click(lambda _: self.finish())
        self.score_button.on_click(lambda _: self.show_rubric(not self.rubric_visible))
        self.text.observe(self._on_text, names="value")
        if not clock_controls:
            for button in (self.start_button, self.pause_button, self.reset_button, self.finish_button):
                button.layout.display = "none"

        self._render()
        if autotick:
            self._start_ticking()

    # -- what the session holds, for callers ---------------------------------------------------
    @property
    def handle(self) -> AttemptStep:
        return self.session.handle

    @property
    def store(self) -> AnswerStore:
        return self.session.handle.store

    @property
    def clock(self) -> ClockState:
        return self.session.clock

    @property
    def word_count(self) -> int:
        return self.session.words

    # -- events, forwarded -----------------------------------------------------------------------
    def _forward(self, action, *args) -> None:
        action(*args)
        self._render()

    def _on_text(self, change) -> None:
        self.session.type(change.new)
        if self.session.text != change.new:   # a character was replaced: show the box as it is stored
            self.text.value = self.session.text
            return
        self._render()
        if self.rubric_visible:
            self._update_hints()
        self.outline.update(self.session.text)

    def finish(self) -> None:
        """Finish the step: the clock stops for good, the rubric and the reference outline open."""
        if self.session.finish():
            self.show_rubric(True)
        self._render()

    def append(self, text: str) -> None:
        """Add ``text`` as a paragraph at the end of the answer and save it now (a tool's sentence to say)."""
        current = self.text.value.rstrip()
        self.text.value = f"{current}\n\n{text}" if current else text
        self.save()

    def save(self) -> bool:
        """Save the text now if it changed; return whether it is safely stored."""
        saved = self.session.save()
        self._render()
        return saved

    def tick(self) -> None:
        """Advance the display to the current time and save the answer if a save is due."""
        self.session.tick()
        self._render()

    def sync(self) -> None:
        """Show the stored clock now, not at the next sync (a study group's facilitator just moved it)."""
        self.session.sync_clock()
        self._render()

    def _start_ticking(self) -> None:
        loop = kernel_loop()
        if loop is None:  # not in a kernel: the owner calls tick()
            return

        async def run():
            while True:
                await asyncio.sleep(TICK_SECONDS)
                try:
                    self.tick()
                except StoreError as exc:   # reading the clock failed: the store's own message
                    self.message.value = error_html(str(exc))
                except Exception as exc:  # a tick must never kill the clock or show a traceback
                    self.message.value = error_html(f"The clock hit a problem: {exc}")

        self._task = loop.create_task(run())

    def close(self):
        if self._task is not None:
            self._task.cancel()
        if self.session.dirty:
            self.session.save()
        super().close()

    # -- drawing ---------------------------------------------------------------------------------
    def _render(self) -> None:
        now = self._now()
        session, clock = self.session, self.session.clock
        tone = clock.tone(now)
        self.clock_display.value = clock_html(clock, now)
        self.progress.value = clock.fraction_used(now)
        self.progress.bar_style = _TONE_BAR[tone]
        status = "finished" if session.finished else clock.status
        self.start_button.disabled = status != "ready"
        self.pause_button.disabled = status in ("ready", "finished")
        self.pause_button.description = "Resume" if status == "paused" else "Pause"
        self.pause_button.icon = "play" if status == "paused" else "pause"
        self.reset_button.disabled = status in ("ready", "finished")
        self.reset_button.description = "Confirm reset" if session.reset_armed else "Reset"
        self.reset_button.button_style = "danger" if session.reset_armed else ""
        self.finish_button.disabled = session.finished
        self.finish_button.description = "Finished" if session.finished else "Finish"
        when = (f" at {time.strftime('%H:%M', time.localtime(session.finished_at))}" if session.finished else "")
        over = clock.overtime(now)
        self.status.value = html("<span class='mlsd-clock-status'>{}{} &middot; {} used of {} min{}{}</span>",
                                 status, when, format_elapsed(clock.elapsed(now)), self.step.minutes,
                                 f", {format_elapsed(over)} over" if over > 0 else "",
                                 "" if self.clock_controls else " · the facilitator runs the clock")
        if session.rubric_due(now):
            self.show_rubric(True)
        if not self.outline.revealed and (session.finished or (tone == "over" and self.clock_controls)):
            # committed: finished, or (practising alone) the time is up; in a group, the facilitator's reveal
            self.outline.reveal(session.text)
            self.prompts.layout.display = "none"
            # the page scrolls to what is new once: the outline beside the answer, the rubric below it
            self.rubric_box.remove_class("mlsd-scroll-here")
            self.outline.add_class("mlsd-scroll-here")
        if not self.clock_controls and session.finished and not self._opened_at_finish:
            self._opened_at_finish = True   # the facilitator's reveal finished the step: score it now
            self.show_rubric(True)
        words = session.words
        mark = ("saving\u2026" if session.dirty else "nothing saved yet" if session.saved_at is None
                else "saved at " + time.strftime("%H:%M:%S", time.localtime(session.saved_at)))
        self.saved_mark.value = html("<span class='mlsd-saved' style='color:{}'>{} &middot; "
                                     "<span class='mlsd-words'>{} word{}</span></span>", PALETTE["muted"], mark,
                                     words, "" if words == 1 else "s")
        self.message.value = error_html(session.message) if session.message else ""
        points, top, scored = session.total_score
        self.total_score.value = (
            html("<span class='mlsd-score-total'>Self-score: not scored yet (0 of {} items)</span>", len(self.step.rubric))
            if not scored else
            html("<span class='mlsd-score-total'>Self-score: {} / {} ({} of {} items scored)</span>",
                 points, top, scored, len(self.step.rubric)))

    # -- the rubric ------------------------------------------------------------------------------
    def _build_rubric(self, scores: dict) -> None:
        rows = [W.HTML(html("<b>Score step {} yourself</b>: 0 missed, 1 partly, 2 covered. "
                            "Hints show what your answer already mentions.", self.step.number))]
        for item in self.step.rubric:
            control = W.ToggleButtons(options=SCORE_OPTIONS, value=scores.get(item.id),
                                      style=W.ToggleButtonsStyle(button_width="6.5em"))
            control.observe(lambda change, item_id=item.id: self._forward(self.session.score, item_id, change.new),
                            names="value")
            hint = W.HTML()
            label = W.HTML(html("<b>{}</b><br>{}", item.label, muted_html(item.description, "span")),
                           layout=W.Layout(width="45%"))
            self._score_controls[item.id] = control
            self._hints[item.id] = hint
            rows.append(W.HBox([label, W.VBox([control, hint])], layout=W.Layout(
                border_bottom=f"1px solid {PALETTE['border']}", padding="4px 0", flex_flow="row wrap")))
        self.total_score = W.HTML()
        rows.append(self.total_score)
        self.rubric_box.children = rows

    @property
    def rubric_visible(self) -> bool:
        return self.rubric_box.layout.display != "none"

    def show_rubric(self, visible: bool = True) -> None:
        self.rubric_box.layout.display = None if visible else "none"
        self.score_button.description = "Hide the rubric" if visible else "Score yourself"
        if visible:
            self._update_hints()
            self.rubric_box.add_class("mlsd-scroll-here")   # the template's script brings it into view, once

    def _update_hints(self) -> None:
        result = coverage(self.session.text, self.step)
        for item, found in result.covered:
            self._hints[item.id].value = html("<span class='mlsd-hint-covered' style='color:{}'>&#10003; mentions {}"
                                              "</span>", PALETTE["ok"], ", ".join(found))
        for item, found in result.partly:
            self._hints[item.id].value = html("<span class='mlsd-hint-partly' style='color:{}'>&#126; partly: {} "
                                              "(say how or why)</span>", PALETTE["muted"], ", ".join(found))
        for item in result.missing:
            self._hints[item.id].value = html("<span class='mlsd-hint-missing' style='color:{}'>"
                                              "&#10007; not mentioned yet</span>", PALETTE["warning"])
