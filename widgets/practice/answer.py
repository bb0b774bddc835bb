"""Answering one step against its clock, with no widgets: what is typed, when it is saved, what the clock
shows. The answer widget (:mod:`widgets.views.answer`) forwards what a person does to an
:class:`AnswerSession` and draws what the session holds; the session talks to the store through one
bound :class:`~widgets.practice.store.AttemptStep`. Time is injected (``now``, seconds since the
epoch), so tests move it by hand.

Policies:

- **autosave**: a save happens once the typing pauses for :data:`SAVE_IDLE_SECONDS`, and never more
  than :data:`SAVE_MAX_LAG_SECONDS` after the first unsaved keystroke (checked on every keystroke
  and every tick, so at most one tick later: under 2 s behind the typing). A failed save keeps the
  text, says why once, and is tried again on every tick until it works.
- **clock sync**: every :data:`CLOCK_SYNC_SECONDS` the stored clock is read again, so a pause or reset
  made in another tab, or by starting another step, shows here too.
- **reset** takes two presses (the first arms it).
- **the rubric** opens by itself once, the first time the clock runs over.
"""

from __future__ import annotations

import time
from typing import Callable

from widgets.practice.clock import ClockState
from widgets.practice.framework import Step
from widgets.practice.store import REPLACEMENT, AttemptStep, StoreError, storable_text

TICK_SECONDS = 0.5
#: How often a tick re-reads the clock from the store (a forgotten tab stops changing and goes quiet).
CLOCK_SYNC_SECONDS = 2.0
SAVE_IDLE_SECONDS = 0.75
SAVE_MAX_LAG_SECONDS = 1.5  # plus at most one tick: under 2 s behind the typing


class AnswerSession:
    """One step of one attempt being answered: the text, its saving, the clock and the self-scores.

    Parameters
    ----------
    handle : the step of the attempt, bound once (see :meth:`AnswerStore.attempt_step`).
    step : the framework step (its budget and rubric).
    now : wall clock in seconds since the epoch.

    Examples
    --------
    >>> import tempfile
    >>> from widgets.practice.framework import load_framework
    >>> from widgets.practice.store import AnswerStore
    >>> t = [0.0]
    >>> store = AnswerStore(tempfile.mkdtemp(), now=lambda: t[0])
    >>> session = AnswerSession(store.attempt_step("ada", "uber-shared-rides", 1), load_framework().step(1),
    ...                         now=lambda: t[0])
    >>> session.type("Pool riders going the same way.")
    >>> session.dirty
    True
    >>> t[0] += 1.0; session.tick(); session.dirty, store.attempt("ada", "uber-shared-rides", 1).text
    (False, 'Pool riders going the same way.')
    """

    def __init__(self, handle: AttemptStep, step: Step, now: Callable[[], float] = time.time):
        self.handle, self.step, self._now = handle, step, now
        #: What the person should read now (a fault, a replaced character), or ``None``.
        self.message: str | None = None
        try:
            record = handle.open()
        except StoreError as exc:   # a read-only or full store: show what is stored, say why nothing saves
            record = handle.record()
            self.message = str(exc)
        self.clock: ClockState = record.clock(step.budget_seconds)
        #: When the step was finished (seconds since the epoch), or ``None``.
        self.finished_at: float | None = record.finished_at
        self.text = self.saved_text = record.text
        self.saved_at = record.saved_at
        self.scores: dict[str, int] = dict(record.scores)
        self.dirty_since: float | None = None
        self.last_edit: float | None = None
        self.last_sync = now()
        self.save_failed = False
        self.reset_armed = False
        self.rubric_opened_by_timeout = False

    # -- typing and saving ---------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        """Whether the text holds typing that is not saved yet."""
        return self.dirty_since is not None

    @property
    def words(self) -> int:
        return len(self.text.split())

    def type(self, text: str) -> None:
        """The box now holds ``text``: mark it unsaved, and save at once if the oldest unsaved typing is
        :data:`SAVE_MAX_LAG_SECONDS` old. A character the store cannot hold is replaced first (read
        :attr:`text` back: it may differ from what was typed)."""
        text, replaced = storable_text(text)
        if replaced:   # half an emoji from a broken paste: it could never be saved, so it goes now
            self.message = (f"{replaced} character{'s' if replaced != 1 else ''} that cannot be saved (half of an "
                            f"emoji, from a broken paste?) replaced with {REPLACEMENT}.")
        now = self._now()
        self.text, self.last_edit = text, now
        if text == self.saved_text:
            self.dirty_since = None
        elif self.dirty_since is None:
            self.dirty_since = now
        if self.dirty and now - self.dirty_since >= SAVE_MAX_LAG_SECONDS:
            self.save()

    def save(self) -> bool:
        """Save the text now if it changed; return whether it is safely stored."""
        text = self.text
        try:
            revision = self.handle.save(text)
        except StoreError as exc:
            self.save_failed = True
            self.message = f"{exc} Your text is still here; it will be saved when the store works again."
            return False
        if revision is not None:
            self.saved_at = revision.saved_at
        self.saved_text = text
        if self.text == text:
            self.dirty_since = None
        if self.save_failed:
            self.save_failed = False
            self.message = None
        return True

    def save_due(self, now: float) -> bool:
        return self.dirty and (now - self.last_edit >= SAVE_IDLE_SECONDS or now - self.dirty_since >= SAVE_MAX_LAG_SECONDS)

    # -- time ----------------------------------------------------------------------------------
    def tick(self) -> None:
        """The passing of time: re-read the stored clock when it is due, and save when a save is due."""
        now = self._now()
        if now - self.last_sync >= CLOCK_SYNC_SECONDS:
            self.sync_clock()
        if self.save_due(now):
            self.save()

    def sync_clock(self) -> None:
        """Re-read the stored clock now (a pause in another tab; in a study group, the facilitator's action)."""
        self.last_sync = self._now()
        stored, finished_at = self.handle.clock_and_finish(self.step.budget_seconds)
        if stored is not None:
            self.clock = stored
            self.finished_at = finished_at   # finished in another tab, say

    def clock_action(self, action: str) -> None:
        """``"start"``, ``"pause"`` or ``"reset"``; a press on the clock is also a moment to save."""
        if self.dirty:
            self.save()
        self.reset_armed = False
        try:
            self.clock = self.handle.clock_action(self.step.budget_seconds, action)
            self.message = None
        except (StoreError, ValueError) as exc:
            self.message = str(exc)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    def finish(self) -> bool:
        """Finish the step: save the text, stop the clock for good, keep the moment; returns whether it is finished.

        The text can still be edited afterwards (every edit is a revision, with its time)."""
        if self.dirty:
            self.save()
        self.reset_armed = False
        try:
            self.clock, self.finished_at = self.handle.finish(self.step.budget_seconds)
            self.message = None
        except StoreError as exc:
            self.message = str(exc)
        return self.finished

    def toggle(self) -> None:
        """The pause button: pause a running clock, resume a paused one."""
        self.clock_action("pause" if self.clock.running else "start")

    def press_reset(self) -> bool:
        """The reset button: the first press arms it, the second resets; returns whether it reset."""
        if self.clock.status == "ready":
            return False
        if not self.reset_armed:
            self.reset_armed = True
            return False
        self.rubric_opened_by_timeout = False
        self.clock_action("reset")
        return True

    def rubric_due(self, now: float) -> bool:
        """True once, the first time the clock shows over time: the rubric opens by itself then."""
        if self.clock.tone(now) == "over" and not self.rubric_opened_by_timeout:
            self.rubric_opened_by_timeout = True
            return True
        return False

    # -- self-scores ---------------------------------------------------------------------------
    def score(self, item_id: str, value: int | None) -> None:
        try:
            self.handle.score(item_id, value)
            self.scores = {**self.scores, item_id: value} if value is not None else {
                k: v for k, v in self.scores.items() if k != item_id}
        except (StoreError, ValueError) as exc:
            self.message = str(exc)

    @property
    def total_score(self) -> tuple[int, int, int]:
        """``(points, top points, items scored)`` over the step's rubric."""
        chosen = [self.scores[i.id] for i in self.step.rubric if self.scores.get(i.id) is not None]
        return sum(chosen), 2 * len(self.step.rubric), len(chosen)
