import asyncio
import threading

from widgets.views import _events as controls


def test_a_burst_of_changes_in_a_kernel_gives_one_redraw_with_the_latest_state(monkeypatch):
    calls = []
    state = {"k": 0}

    async def scenario():
        monkeypatch.setattr(controls, "kernel_loop", asyncio.get_running_loop)
        redraw = controls.Coalesced(lambda: calls.append(state["k"]), delay=0.01)
        for k in range(1, 11):     # ten slider values arrive before the kernel is free
            state["k"] = k
            redraw()
        await asyncio.sleep(0.05)
        state["k"] = 42
        redraw()
        await asyncio.sleep(0.05)

    # its own loop in its own thread: a browser test's Playwright loop may be current in this one
    worker = threading.Thread(target=lambda: asyncio.run(scenario()))
    worker.start()
    worker.join(10)
    assert calls == [10, 42]


def test_outside_a_kernel_every_change_redraws_at_once():
    calls = []
    redraw = controls.Coalesced(lambda: calls.append(1))
    redraw()
    redraw()
    assert calls == [1, 1] and controls.kernel_loop() is None


def test_flush_runs_a_pending_redraw_now_and_only_once(monkeypatch):
    calls = []

    async def scenario():
        monkeypatch.setattr(controls, "kernel_loop", asyncio.get_running_loop)
        redraw = controls.Coalesced(lambda: calls.append("drawn"), delay=0.05)
        redraw.flush()                 # nothing pending: nothing runs
        assert calls == []
        redraw()
        redraw.flush()                 # the question arrived: drawn before the cell ends
        assert calls == ["drawn"]
        await asyncio.sleep(0.1)       # and the cancelled timer does not draw it again

    worker = threading.Thread(target=lambda: asyncio.run(scenario()))
    worker.start()
    worker.join(10)
    assert calls == ["drawn"]
