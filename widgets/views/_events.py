"""Small pieces shared by the interactive tools: the kernel's event loop and a coalescing redraw."""

from __future__ import annotations

import asyncio
from typing import Callable

#: Seconds a burst of control changes is gathered before one redraw.
REDRAW_DELAY = 0.04


def kernel_loop():
    """The event loop of the Jupyter kernel this code runs in, or ``None`` outside a kernel.

    Only a kernel's loop is known to keep turning between cells (it is what ipykernel serves
    widget messages from); any other running loop, such as a test tool's, may never advance.
    """
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        return None
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Coalesced:
    """Call ``fn`` once after a burst of requests instead of once per request.

    A slider dragged in the browser sends many values; each request replaces the pending one, and
    a single call runs :data:`REDRAW_DELAY` seconds after the first, so redraws never queue up
    behind stale values. Outside a Jupyter kernel (plain Python, tests) it calls at once.
    """

    def __init__(self, fn: Callable[[], None], delay: float = REDRAW_DELAY):
        self.fn, self.delay = fn, delay
        self._handle = None

    def __call__(self, *_):
        loop = kernel_loop()
        if loop is None:
            self.fn()
            return
        if self._handle is None:
            self._handle = loop.call_later(self.delay, self._run)

    def flush(self) -> None:
        """Run a pending call now (nothing when none is pending): for a change that arrives once, such as the
        page's question, whose result should be there when the cell that caused it ends."""
        if self._handle is not None:
            self._handle.cancel()
            self._run()

    def _run(self):
        self._handle = None
        self.fn()


def every(seconds: float, fn: Callable[[], None], on_error: Callable[[Exception], None]) -> asyncio.Task | None:
    """Call ``fn`` every ``seconds`` from the kernel's event loop, with nobody touching the page; an exception
    goes to ``on_error`` (a page shows it as a message) and the next round runs as usual. Returns the task
    (cancel it to stop), or ``None`` outside a kernel, where the owner calls ``fn`` itself."""
    loop = kernel_loop()
    if loop is None:
        return None

    async def run():
        while True:
            await asyncio.sleep(seconds)
            try:
                fn()
            except Exception as exc:  # noqa: BLE001  (a refresh must never stop refreshing or show a traceback)
                on_error(exc)

    return loop.create_task(run())
