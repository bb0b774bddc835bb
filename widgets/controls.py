"""Small pieces shared by the interactive tools: a coalescing redraw and message formatting."""

from __future__ import annotations

import asyncio
import html
from typing import Callable

#: Seconds a burst of control changes is gathered before one redraw.
REDRAW_DELAY = 0.04


class Coalesced:
    """Call ``fn`` once after a burst of requests instead of once per request.

    A slider dragged in the browser sends many values; each request replaces the pending one, and
    a single call runs :data:`REDRAW_DELAY` seconds after the first, so redraws never queue up
    behind stale values. Without a running event loop (plain Python, tests) it calls at once.
    """

    def __init__(self, fn: Callable[[], None], delay: float = REDRAW_DELAY):
        self.fn, self.delay = fn, delay
        self._handle = None

    def __call__(self, *_):
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.fn()
            return
        if self._handle is None:
            self._handle = loop.call_later(self.delay, self._run)

    def _run(self):
        self._handle = None
        self.fn()


def error_html(text: str) -> str:
    return f"<span class='mlsd-error' style='color:#b91c1c'>{html.escape(text)}</span>"


def say_html(text: str) -> str:
    """The "what to say in the interview" box."""
    return ("<div class='mlsd-say' style='border-left:4px solid #16a34a;padding:4px 10px;margin:6px 0;"
            f"line-height:1.45'><b>Say it in the interview:</b> {html.escape(text)}</div>")
