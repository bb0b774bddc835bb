"""The launcher for real: it serves the start page on 127.0.0.1 and stops cleanly with its kernels."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from widgets.app.cli import free_port


def _get(url: str, timeout: float = 5) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


@pytest.mark.parametrize("stop", ["sigterm to the launcher", "ctrl-c to the terminal's process group"])
def test_launcher_serves_the_start_page_and_stops_with_its_kernels(stop, tmp_path):
    port = free_port()
    log = open(tmp_path / "server.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "widgets.app.cli", "--port", str(port)], stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(120):
            try:
                _get(f"http://127.0.0.1:{port}/voila/static/voila.js")
                break
            except OSError:
                time.sleep(0.5)
        else:
            log.seek(0)
            pytest.fail("the server did not start:\n" + log.read())
        # preheated by default: the first page may wait while every notebook's kernel is being filled
        page = _get(f"http://127.0.0.1:{port}/voila/render/00-start-here.ipynb", timeout=120)
        assert "00-start-here" in page
        if stop.startswith("sigterm"):
            proc.send_signal(signal.SIGTERM)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        assert proc.wait(30) == 0 or stop.startswith("sigterm")
    finally:
        if proc.poll() is None:   # the test failed early: stop the launcher, which stops Voila and its kernels
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)   # the session this test started, launcher and server
                proc.wait()
    log.seek(0)
    text = log.read()
    assert f"open http://127.0.0.1:{port}/voila/render/00-start-here.ipynb" in text
    assert "1 kernel(s) per notebook kept ready" in text   # served on this machine only: preheated
    assert "Kernel shutdown" in text, text[-2000:]
    from widgets.app.cli import check_port

    assert check_port("127.0.0.1", port) is None  # nothing listens any more
