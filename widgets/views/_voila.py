"""Waiting for the browser's request in a kernel Voila preheated (``mlsd-workbook --preheat N``).

Voila starts preheated kernels with ``VOILA_PREHEAT=True`` and runs the notebook before anyone asks
for the page, so the URL's query (``QUERY_STRING``: question, participant) is not known yet;
``voila.utils.wait_for_request`` pauses until it is and puts the request's variables into
``os.environ``. Everywhere else (a cold Voila kernel, JupyterLab, papermill, tests) there is nothing
to wait for and these helpers return at once.
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from typing import Callable

_PREHEAT = "VOILA_PREHEAT"
#: Per event loop (one per kernel): set once the request has arrived.
_arrived: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event]" = weakref.WeakKeyDictionary()


def preheated() -> bool:
    """True in a kernel Voila preheated that has not had its request yet."""
    return os.environ.get(_PREHEAT, "False") == "True"


def wait_for_request() -> bool:
    """Block until a browser asks for the page; return whether it waited (only the first call does).

    Afterwards ``VOILA_PREHEAT`` is ``False``, as Voila sets it for a kernel started on request.
    """
    if not preheated():
        return False
    from voila.utils import wait_for_request as voila_wait

    voila_wait()
    os.environ[_PREHEAT] = "False"
    return True


def when_requested(open_page: Callable[[], None]) -> bool:
    """In a preheated kernel, call ``open_page()`` on the kernel's event loop once the request arrives and
    return True; elsewhere return False and call nothing (the caller opens at once).

    The notebook goes on running meanwhile, so a step's heavy, question-free tools are built while the
    kernel waits in the pool. One thread per kernel waits with ``voila.utils.wait_for_request``, then
    sets an ``asyncio.Event`` on the loop; ``open_page`` runs between two messages like any widget
    event. Without a running loop it waits here and calls ``open_page`` before returning True.
    """
    if not preheated():
        return False
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        wait_for_request()
        open_page()
        return True
    event = _arrived.get(loop)
    if event is None:
        event = _arrived[loop] = asyncio.Event()

        def wait() -> None:
            wait_for_request()
            loop.call_soon_threadsafe(event.set)

        threading.Thread(target=wait, name="mlsd-wait-for-request", daemon=True).start()

    async def after() -> None:
        await event.wait()
        open_page()

    loop.create_task(after())
    return True
