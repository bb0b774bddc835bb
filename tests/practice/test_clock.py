import pytest

from widgets.practice.clock import ClockState, format_clock


def test_countdown_runs_pauses_and_resumes_from_timestamps():
    c = ClockState(480)
    assert c.status == "ready" and c.remaining(10.0) == 480
    c = c.start(1000.0)
    assert c.status == "running" and c.remaining(1030.0) == 450
    c = c.pause(1030.0)
    assert c.status == "paused" and c.elapsed(99999.0) == 30  # paused time does not count
    c = c.start(2000.0)
    assert c.elapsed(2010.0) == 40


def test_start_and_pause_are_idempotent():
    c = ClockState(480).start(100.0)
    assert c.start(150.0) == c
    p = c.pause(160.0)
    assert p.pause(999.0) == p


def test_tone_turns_amber_in_the_last_minute_and_red_over_time():
    c = ClockState(300).start(0.0)
    assert c.tone(239.0) == "normal"
    assert c.tone(240.0) == "warning"
    assert c.tone(299.9) == "warning"
    assert c.tone(300.0) == "over"
    assert c.overtime(375.0) == 75 and format_clock(c.remaining(375.0)) == "+01:15"
    assert c.fraction_used(1000.0) == 1.0


def test_reset_returns_to_the_full_budget():
    c = ClockState(480, accumulated=100).start(0.0).reset()
    assert c.status == "ready" and c.remaining(50.0) == 480


def test_a_clock_set_back_never_runs_backwards():
    c = ClockState(480, accumulated=20).start(1000.0)
    assert c.elapsed(900.0) == 20


@pytest.mark.parametrize("bad", [dict(budget_seconds=0), dict(budget_seconds=60, accumulated=-1)])
def test_invalid_clock_is_rejected(bad):
    with pytest.raises(ValueError):
        ClockState(**bad)


@pytest.mark.parametrize("seconds, shown", [(480, "08:00"), (479.01, "08:00"), (478.99, "07:59"),
                                            (0.2, "00:01"), (0, "00:00"), (-0.5, "+00:00"), (-61, "+01:01")])
def test_format_clock(seconds, shown):
    assert format_clock(seconds) == shown


def test_time_left_and_time_used_always_add_up_to_the_budget():
    from widgets.practice.clock import format_elapsed

    def seconds(text):
        m, s = text.split(":")
        return int(m) * 60 + int(s)

    for used in [0, 0.1, 0.9, 1.0, 2.5, 59.99, 60, 300.4, 479.9]:
        assert seconds(format_clock(480 - used)) + seconds(format_elapsed(used)) == 480, used
