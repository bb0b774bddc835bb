"""The answer session's policies, without widgets: autosave and its limits, retrying a failed save, clock sync,
two-press reset and the rubric opening once at time-up. The clock is injected and moved by hand."""

from __future__ import annotations

import pytest

from widgets.practice.answer import CLOCK_SYNC_SECONDS, SAVE_IDLE_SECONDS, SAVE_MAX_LAG_SECONDS, AnswerSession
from widgets.practice.framework import load_framework
from widgets.practice.store import AnswerStore, StoreError

Q = "netflix-watch-time"


@pytest.fixture
def session(clock):
    store = AnswerStore(now=clock)
    return AnswerSession(store.attempt_step("ada", Q, 2), load_framework().step(2), now=clock)


def test_a_pause_in_typing_saves(session, clock):
    session.type("Watch logs")
    clock.advance(SAVE_IDLE_SECONDS - 0.1)
    session.tick()
    assert session.dirty and session.handle.record().text == ""
    clock.advance(0.2)
    session.tick()
    assert not session.dirty and session.handle.record().text == "Watch logs" and session.saved_at == clock()


def test_steady_typing_is_saved_at_most_the_maximum_lag_behind(session, clock):
    for i in range(10):   # a keystroke every 0.3 s never pauses long enough for the idle rule
        session.type("x" * (i + 1))
        if session.handle.record().text:
            break
        clock.advance(0.3)
    assert session.handle.record().text and clock() - (1_700_000_000.0) <= SAVE_MAX_LAG_SECONDS + 0.3


def test_typing_back_to_the_saved_text_is_not_a_change(session, clock):
    session.type("a")
    clock.advance(1)
    session.tick()
    session.type("ab")
    session.type("a")
    assert not session.dirty
    assert len(session.handle.revisions()) == 1


def test_a_failed_save_keeps_the_text_says_why_and_is_retried_on_each_tick(session, clock, monkeypatch):
    def broken(text):
        raise StoreError("The disk holding answers.db is full.")

    monkeypatch.setattr(session.handle, "save", broken)
    session.type("precious")
    clock.advance(1)
    session.tick()
    assert session.dirty and "still here" in session.message and session.text == "precious"
    monkeypatch.undo()
    clock.advance(0.5)
    session.tick()
    assert not session.dirty and session.message is None and session.handle.record().text == "precious"


def test_the_clock_is_read_again_every_sync_period(session, clock):
    session.clock_action("start")
    other = session.handle.store.attempt_step("ada", Q, 2)   # another tab on the same step
    clock.advance(10)
    session.tick()   # a sync is due: re-read, still running
    other.clock_action(480, "pause")
    clock.advance(CLOCK_SYNC_SECONDS / 2)
    session.tick()
    assert session.clock.running   # not re-read yet
    clock.advance(CLOCK_SYNC_SECONDS / 2)
    session.tick()
    assert not session.clock.running and session.clock.elapsed(clock()) == 10


def test_reset_takes_two_presses_and_a_clock_press_saves_first(session, clock):
    assert session.press_reset() is False   # ready: nothing to reset
    session.clock_action("start")
    clock.advance(30)
    session.type("keep me")
    assert session.press_reset() is False and session.reset_armed
    assert session.press_reset() is True and session.clock.status == "ready"
    assert session.handle.record().text == "keep me"   # the press saved the typing


def test_the_rubric_is_due_once_when_time_runs_out(session, clock):
    session.clock_action("start")
    clock.advance(480 - 1)
    assert not session.rubric_due(clock())
    clock.advance(2)
    assert session.rubric_due(clock()) and not session.rubric_due(clock())


def test_scores_are_kept_and_a_bad_one_is_a_message(session):
    item = load_framework().step(2).rubric[0].id
    session.score(item, 2)
    assert session.scores == {item: 2} and session.total_score[0] == 2
    session.score(item, 5)
    assert "whole number from 0 to 2" in session.message and session.scores == {item: 2}
    session.score(item, None)
    assert session.scores == {} and session.handle.record().scores == {}


def test_finish_stops_the_clock_for_good_once_and_the_text_stays_editable(session, clock):
    session.clock_action("start")
    clock.advance(560)   # 80 s over the 480 s budget
    session.type("Joined watch logs.")
    assert session.finish() and session.finished_at == clock() and not session.clock.running
    assert session.handle.record().text == "Joined watch logs."   # finishing saved the typing
    first = session.finished_at
    clock.advance(3600)   # an hour later, with nobody on the page: no overtime piles up
    session.tick()
    assert session.clock.elapsed(clock()) == 560 and session.clock.overtime(clock()) == 80
    assert session.finish() and session.finished_at == first   # one finish time per (attempt, step)
    session.clock_action("start")
    assert "is finished" in session.message and not session.clock.running
    session.type("Joined watch logs, and the ratings.")   # later edits are kept as revisions
    clock.advance(1)
    session.tick()
    assert session.handle.record().text.endswith("ratings.") and len(session.handle.revisions()) == 2
    record = session.handle.record()
    assert record.status(480) == "finished" and record.progress(480, clock()) == (
        "finished, 09:20 used (01:20 over), 6 words")
