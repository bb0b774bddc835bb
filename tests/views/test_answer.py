"""Widget tests without a browser: set control values in Python, move an injected clock, check the store."""

import pytest

from widgets.practice.framework import load_framework
from widgets.practice.store import AnswerStore, StoreError
from widgets.views.answer import SAVE_IDLE_SECONDS, StepAnswer

Q = "spotify-discover-weekly"


@pytest.fixture
def make(clock):
    def make(step=1, participant="ada", store=None):
        store = store or AnswerStore(now=clock)
        return StepAnswer(store.attempt_step(participant, Q, step), load_framework().step(step), now=clock,
                          autotick=False)
    return make


def test_opening_creates_the_attempt_row_with_a_full_budget(make):
    w = make(step=6)
    assert w.store.attempt("ada", Q, 6) is not None
    assert ">05:00<" in w.clock_display.value
    assert w.start_button.disabled is False and w.pause_button.disabled and w.reset_button.disabled


def test_start_counts_down_and_pause_freezes(make, clock):
    w = make()
    w.start_button.click()
    clock.advance(61)
    w.tick()
    assert ">06:59<" in w.clock_display.value and w.progress.value == pytest.approx(61 / 480)
    assert "running" in w.status.value
    w.pause_button.click()
    assert w.pause_button.description == "Resume"
    clock.advance(600)
    w.tick()
    assert ">06:59<" in w.clock_display.value and "paused" in w.status.value
    w.pause_button.click()  # resume
    clock.advance(1)
    w.tick()
    assert ">06:58<" in w.clock_display.value


def test_amber_in_the_last_minute_then_red_overtime_and_the_rubric_opens(make, clock):
    w = make()
    w.start_button.click()
    clock.advance(421)
    w.tick()
    assert "mlsd-clock-warning" in w.clock_display.value and w.progress.bar_style == "warning"
    assert not w.rubric_visible
    clock.advance(74)
    w.tick()
    assert "mlsd-clock-over" in w.clock_display.value and ">+00:15<" in w.clock_display.value
    assert w.progress.bar_style == "danger" and "over time" in w.clock_display.value
    assert w.rubric_visible  # time is up: score yourself


def test_reset_needs_a_second_click_and_keeps_the_text(make, clock):
    w = make()
    w.text.value = "keep me"
    w.start_button.click()
    clock.advance(30)
    w.reset_button.click()
    assert w.reset_button.description == "Confirm reset" and w.clock.elapsed(clock()) == 30
    w.reset_button.click()
    assert w.clock.status == "ready" and w.store.attempt("ada", Q, 1).text == "keep me"


def test_autosave_waits_for_a_pause_in_typing(make, clock):
    w = make()
    w.text.value = "Two towers"
    assert w.store.attempt("ada", Q, 1).text == ""  # not yet: still typing
    assert "saving" in w.saved_mark.value
    clock.advance(SAVE_IDLE_SECONDS)
    w.tick()
    assert w.store.attempt("ada", Q, 1).text == "Two towers"
    assert "saved " in w.saved_mark.value and "2 words" in w.saved_mark.value


def test_autosave_is_never_more_than_two_seconds_behind_continuous_typing(make, clock):
    w = make()
    text = ""
    lags = []
    for i in range(40):  # a keystroke every 0.25 s for 10 s, ticking every 0.5 s
        text += "w "
        w.text.value = text
        clock.advance(0.25)
        if i % 2:
            w.tick()
        saved = w.store.attempt("ada", Q, 1)
        if saved.saved_at is not None:
            lags.append(clock() - saved.saved_at)
    assert lags and max(lags) <= 2.0
    assert len(w.store.revisions("ada", Q, 1)) >= 4


def test_reopening_shows_the_saved_text_time_and_scores(make, clock):
    store = AnswerStore(now=clock)
    w = make(store=store)
    w.text.value = "Ask about latency and daily users."
    w.start_button.click()
    clock.advance(100)
    w.tick()
    w.show_rubric()
    w._score_controls["traffic-estimate"].value = 2
    w.close()

    clock.advance(3600)
    again = make(store=AnswerStore(now=clock))
    assert again.text.value == "Ask about latency and daily users."
    assert again.clock.running and again.clock.elapsed(clock()) == 3700
    assert again._score_controls["traffic-estimate"].value == 2
    assert "Self-score: 2 / 12" in again.total_score.value


def test_coverage_hints_follow_the_text(make):
    w = make(step=4)
    w.show_rubric()
    assert "not mentioned" in w._hints["calibration"].value
    w.text.value = "Check calibration with a reliability diagram and compare against a popularity baseline."
    assert "mentions" in w._hints["calibration"].value and "mentions" in w._hints["baselines"].value
    assert "not mentioned" in w._hints["bias-fairness"].value


def test_a_failing_store_shows_a_message_and_keeps_the_text(make, clock, monkeypatch):
    w = make()

    def broken(*args, **kwargs):
        raise StoreError("Cannot save answers in /nowhere (disk full).")

    monkeypatch.setattr(w.handle, "save", broken)
    w.text.value = "precious words"
    clock.advance(1)
    w.tick()
    assert "Cannot save answers" in w.message.value and w.text.value == "precious words"
    monkeypatch.undo()
    clock.advance(1)
    w.tick()
    assert w.message.value == "" and w.store.attempt("ada", Q, 1).text == "precious words"


def test_a_fresh_step_shows_pause_disabled_and_nothing_saved(make):
    w = make()
    assert w.pause_button.description == "Pause" and w.pause_button.disabled
    assert "nothing saved yet" in w.saved_mark.value and "0 words" in w.saved_mark.value


def test_a_reopened_step_shows_when_its_answer_was_saved(make, clock):
    store = AnswerStore(now=clock)
    store.save_answer("ada", Q, 1, "three short words")
    w = make(store=store)
    assert "saved " in w.saved_mark.value and "3 words" in w.saved_mark.value


def test_a_pause_made_elsewhere_reaches_this_view_within_two_seconds(make, clock):
    store = AnswerStore(now=clock)
    one = make(step=1, store=store)
    one.start_button.click()
    clock.advance(10)
    make(step=2, store=store).start_button.click()  # the participant moved on to step 2
    clock.advance(2)
    one.tick()
    assert not one.clock.running and one.pause_button.description == "Resume"
    shown = one.clock_display.value
    clock.advance(30)
    one.tick()
    assert one.clock_display.value == shown  # nothing changes any more: the tab goes quiet


def test_finish_opens_the_rubric_and_disables_the_clock(make, clock):
    w = make(step=3)
    w.start_button.click()
    clock.advance(100)
    w.finish_button.click()
    assert w.rubric_visible and w.outline.revealed
    # the page scrolls to the reference outline beside the answer, once; the rubric is open below it
    assert "mlsd-scroll-here" in w.outline._dom_classes and "mlsd-scroll-here" not in w.rubric_box._dom_classes
    assert w.start_button.disabled and w.pause_button.disabled and w.reset_button.disabled and w.finish_button.disabled
    assert "finished at" in w.status.value and "01:40 used of 8 min" in w.status.value
    assert "not scored yet" in w.total_score.value
    w.text.value = "Still editable."
    assert w.save() and w.store.attempt("ada", Q, 3).text == "Still editable."
