"""The timed answer entry: a step's countdown, an autosaving answer box and the self-score rubric.

A thin UI over :mod:`widgets.practice.clock`, :mod:`widgets.practice.store` and :func:`widgets.practice.framework.coverage`.
The clock ticks from an asyncio task in the kernel's own event loop (the loop ipykernel runs in
JupyterLab and in Voila), so it counts down with nobody touching the kernel. Tests pass
``autotick=False`` and an injected ``now`` and call :meth:`StepAnswer.tick` themselves.

Autosave is debounced: a save happens once the typing pauses for :data:`SAVE_IDLE_SECONDS`, and
never more than :data:`SAVE_MAX_LAG_SECONDS` after the first unsaved keystroke.
"""

from __future__ import annotations

import asyncio
import time
from typing import Callable

import ipywidgets as W

from widgets.practice.clock import ClockState, format_clock, format_elapsed
from widgets.practice.framework import Step, coverage
from widgets.practice.store import REPLACEMENT, AnswerStore, Attempt, StoreError, storable_text
from widgets.views._events import kernel_loop
from widgets.views._html import PALETTE, bullets_html, error_html, html, muted_html

TICK_SECONDS = 0.5
#: How often a tick re-reads the clock from the store, so a pause or reset made in another tab, or
#: by starting another step, shows here too (and a forgotten tab stops changing and goes quiet).
CLOCK_SYNC_SECONDS = 2.0
SAVE_IDLE_SECONDS = 0.75
SAVE_MAX_LAG_SECONDS = 1.5  # plus at most one tick: under 2 s behind the typing
SCORE_OPTIONS = [("0 missed", 0), ("1 partly", 1), ("2 covered", 2)]
_TONE_COLOUR = {"normal": PALETTE["text"], "warning": PALETTE["warning"], "over": PALETTE["error"]}
_TONE_BAR = {"normal": "info", "warning": "warning", "over": "danger"}


class StepAnswer(W.VBox):
    """Answer one step of one question against its time budget.

    Parameters
    ----------
    store : where answers, clock and scores are kept.
    step : the framework step (its budget, prompts and rubric).
    participant, question_id : whose answer to which question.
    now : wall clock in seconds since the epoch (tests inject a fake one).
    autotick : start the kernel-side ticking task when an event loop is running.
    """

    def __init__(self, store: AnswerStore, step: Step, participant: str, question_id: str,
                 now: Callable[[], float] = time.time, autotick: bool = True):
        super().__init__()
        self.store, self.step, self.participant, self.question_id = store, step, participant, question_id
        self._now = now
        try:
            attempt = store.open_attempt(participant, question_id, step.number)
            problem = None
        except StoreError as exc:   # a read-only or full store: show what is stored, say why nothing saves
            attempt = store.attempt(participant, question_id, step.number) or Attempt.empty(
                participant, question_id, step.number)
            problem = str(exc)
        self.clock: ClockState = attempt.clock(step.budget_seconds)
        self._saved_text = attempt.text
        self._saved_at = attempt.saved_at
        self._dirty_since: float | None = None
        self._last_edit: float | None = None
        self._reset_armed = False
        self._last_sync = now()
        self._save_failed = False
        self._rubric_opened_by_timeout = False
        self._task = None

        self.clock_display = W.HTML(layout=W.Layout(min_width="7.5em"))
        self.progress = W.FloatProgress(min=0.0, max=1.0, layout=W.Layout(width="100%"))
        self.start_button = W.Button(description="Start", icon="play", button_style="success",
                                     tooltip="Start the step's clock")
        self.pause_button = W.Button(description="Pause", icon="pause", tooltip="Pause or resume the clock")
        self.reset_button = W.Button(description="Reset", icon="undo",
                                     tooltip="Set the clock back to the full budget (the answer is kept)")
        self.status = W.HTML()
        self.text = W.Textarea(
            value=attempt.text,
            placeholder=f"Your answer for step {step.number}: {step.title.lower()}. It saves as you type.",
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
        self._build_rubric(attempt.scores)

        prompts = W.HTML(
            html("<div class='mlsd-prompts' style='line-height:1.45'><b>Ask yourself</b>{}</div>",
                 bullets_html(step.prompts)),
            layout=W.Layout(flex="2 1 16em", margin="0 0 0 12px"),
        )
        clock_row = W.HBox([self.clock_display, self.start_button, self.pause_button, self.reset_button,
                            self.status], layout=W.Layout(align_items="center", flex_flow="row wrap"))
        body = W.HBox([W.VBox([self.text, self.saved_mark], layout=W.Layout(flex="3 1 24em")), prompts],
                      layout=W.Layout(width="100%", flex_flow="row wrap"))
        self.children = [clock_row, self.progress, body, self.message, self.score_button, self.rubric_box]
        self.add_class("mlsd-step-answer")

        self.start_button.on_click(lambda _: self._clock_action("start"))
        self.pause_button.on_click(lambda _: self._clock_action("pause" if self.clock.running else "start"))
        self.reset_button.on_click(lambda _: self._reset_clicked())
        self.score_button.on_click(lambda _: self.show_rubric(not self.rubric_visible))
        self.text.observe(self._on_text, names="value")

        self._render(self._now())
        self._render_saved_mark()
        if problem:
            self._say(problem)
        if autotick:
            self._start_ticking()

    # -- the clock ---------------------------------------------------------------------------
    def _clock_action(self, action: str) -> None:
        if self._dirty_since is not None:  # a press on the clock is a natural moment to save
            self.save()
        self._reset_armed = False
        self.reset_button.description = "Reset"
        try:
            self.clock = self.store.update_clock(self.participant, self.question_id, self.step.number,
                                                 self.step.budget_seconds, action)
            self.message.value = ""
        except StoreError as exc:
            self._say(str(exc))
        self._render(self._now())

    def _reset_clicked(self) -> None:
        if self.clock.status == "ready":
            return
        if not self._reset_armed:
            self._reset_armed = True
            self.reset_button.description = "Confirm reset"
            self.reset_button.button_style = "danger"
            return
        self.reset_button.button_style = ""
        self._rubric_opened_by_timeout = False
        self._clock_action("reset")

    def _render(self, now: float) -> None:
        clock = self.clock
        remaining = clock.remaining(now)
        tone = clock.tone(now)
        label = format_clock(remaining)
        suffix = " over time" if tone == "over" else ""
        self.clock_display.value = html(
            "<span class='mlsd-clock mlsd-clock-{}' style='font-size:1.9em;font-weight:600;"
            "font-variant-numeric:tabular-nums;color:{}'>{}</span><span style='color:{}'>{}</span>",
            tone, _TONE_COLOUR[tone], label, _TONE_COLOUR[tone], suffix)
        self.progress.value = clock.fraction_used(now)
        self.progress.bar_style = _TONE_BAR[tone]
        status = clock.status
        self.start_button.disabled = status != "ready"
        self.pause_button.disabled = status == "ready"
        resumable = status == "paused"
        self.pause_button.description = "Resume" if resumable else "Pause"
        self.pause_button.icon = "play" if resumable else "pause"
        self.reset_button.disabled = status == "ready"
        used = format_elapsed(clock.elapsed(now))
        self.status.value = html("<span class='mlsd-clock-status'>{} &middot; {} used of {} min</span>",
                                 status, used, self.step.minutes)
        if tone == "over" and not self._rubric_opened_by_timeout:
            self._rubric_opened_by_timeout = True
            self.show_rubric(True)

    def tick(self) -> None:
        """Advance the display to the current time and save the answer if a save is due."""
        now = self._now()
        if now - self._last_sync >= CLOCK_SYNC_SECONDS:
            self._last_sync = now
            stored = self.store.clock_state(self.participant, self.question_id, self.step.number,
                                            self.step.budget_seconds)
            if stored is not None:
                self.clock = stored
        self._render(now)
        if self._dirty_since is not None and (now - self._last_edit >= SAVE_IDLE_SECONDS
                                              or now - self._dirty_since >= SAVE_MAX_LAG_SECONDS):
            self.save()

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
                    self._say(str(exc))
                except Exception as exc:  # a tick must never kill the clock or show a traceback
                    self._say(f"The clock hit a problem: {exc}")

        self._task = loop.create_task(run())

    def close(self):
        if self._task is not None:
            self._task.cancel()
        if self._dirty_since is not None:
            self.save()
        super().close()

    # -- the answer --------------------------------------------------------------------------
    def _on_text(self, change) -> None:
        text, replaced = storable_text(change.new)
        if replaced:   # half an emoji from a broken paste: it could never be saved, so it goes now
            self.text.value = text   # observed again, with the clean text
            self._say(f"{replaced} character{'s' if replaced != 1 else ''} that cannot be saved (half of an emoji, "
                      f"from a broken paste?) replaced with {REPLACEMENT}.")
            return
        now = self._now()
        self._last_edit = now
        if change.new == self._saved_text:
            self._dirty_since = None
        elif self._dirty_since is None:
            self._dirty_since = now
        if self._dirty_since is not None and now - self._dirty_since >= SAVE_MAX_LAG_SECONDS:
            self.save()
        else:
            self._render_saved_mark()
        if self.rubric_visible:
            self._update_hints()

    def save(self) -> bool:
        """Save the text now if it changed; return whether it is safely stored."""
        text = self.text.value
        try:
            revision = self.store.save_answer(self.participant, self.question_id, self.step.number, text)
        except StoreError as exc:
            self._save_failed = True
            self._say(f"{exc} Your text is still here; it will be saved when the store works again.")
            return False
        if revision is not None:
            self._saved_at = revision.saved_at
        self._saved_text = text
        if self.text.value == text:
            self._dirty_since = None
        if self._save_failed:
            self._save_failed = False
            self.message.value = ""
        self._render_saved_mark()
        return True

    @property
    def word_count(self) -> int:
        return len(self.text.value.split())

    def _render_saved_mark(self) -> None:
        words = self.word_count
        words_text = f"{words} word{'s' if words != 1 else ''}"
        if self._dirty_since is not None:
            mark = "saving\u2026"
        elif self._saved_at is None:
            mark = "nothing saved yet"
        else:
            mark = "saved " + time.strftime("%H:%M:%S", time.localtime(self._saved_at))
        self.saved_mark.value = html("<span class='mlsd-saved' style='color:{}'>{} &middot; "
                                     "<span class='mlsd-words'>{}</span></span>", PALETTE["muted"], mark, words_text)

    # -- the rubric --------------------------------------------------------------------------
    def _build_rubric(self, scores: dict) -> None:
        rows = [W.HTML(html("<b>Score step {} yourself</b>: 0 missed, 1 partly, 2 covered. "
                            "Hints show what your answer already mentions.", self.step.number))]
        for item in self.step.rubric:
            control = W.ToggleButtons(options=SCORE_OPTIONS, value=scores.get(item.id),
                                      style=W.ToggleButtonsStyle(button_width="6.5em"))
            control.observe(lambda change, item_id=item.id: self._on_score(item_id, change.new), names="value")
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
        self._render_total()

    @property
    def rubric_visible(self) -> bool:
        return self.rubric_box.layout.display != "none"

    def show_rubric(self, visible: bool = True) -> None:
        self.rubric_box.layout.display = None if visible else "none"
        self.score_button.description = "Hide the rubric" if visible else "Score yourself"
        if visible:
            self._update_hints()

    def _update_hints(self) -> None:
        result = coverage(self.text.value, self.step)
        for item, found in result.covered:
            self._hints[item.id].value = html("<span class='mlsd-hint-covered' style='color:{}'>&#10003; mentions {}"
                                              "</span>", PALETTE["ok"], ", ".join(found))
        for item in result.missing:
            self._hints[item.id].value = html("<span class='mlsd-hint-missing' style='color:{}'>"
                                              "&#10007; not mentioned yet</span>", PALETTE["warning"])

    def _on_score(self, item_id: str, score) -> None:
        try:
            self.store.set_score(self.participant, self.question_id, self.step.number, item_id, score)
        except (StoreError, ValueError) as exc:
            self._say(str(exc))
        self._render_total()

    def _render_total(self) -> None:
        chosen = [c.value for c in self._score_controls.values() if c.value is not None]
        top = 2 * len(self._score_controls)
        self.total_score.value = html("<span class='mlsd-score-total'>Self-score: {} / {} ({} of {} items scored)"
                                      "</span>", sum(chosen), top, len(chosen), len(self._score_controls))

    def _say(self, text: str) -> None:
        self.message.value = error_html(text)
