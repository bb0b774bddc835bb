"""A user's mistake inside an app (here: a store folder that cannot be created) shows a short message in the
page, never a traceback or Voila's "error when executing cell"."""

from __future__ import annotations

import subprocess
import time

import pytest
from playwright.sync_api import expect

from widgets.cli import free_port, stop_server, voila_command

from .conftest import NOTEBOOKS, _answers

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def broken_home_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken-home")
    blocker = root / "not-a-folder"
    blocker.write_text("a file where the store folder should be")
    port = free_port()
    command, env = voila_command(NOTEBOOKS, "127.0.0.1", port)
    env.update({"MLSD_WORKBOOK_HOME": str(blocker / "home"), "JUPYTER_RUNTIME_DIR": str(root / "runtime")})
    env.pop("QUERY_STRING", None)
    log_path = root / "voila.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _answers(f"http://127.0.0.1:{port}/voila/static/voila.js"):
            assert process.poll() is None, log_path.read_text()
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", blocker
    finally:
        stop_server(process)


@pytest.mark.parametrize("notebook, widget", [("01-define-the-problem.ipynb", ".mlsd-message"),
                                              ("00-start-here.ipynb", ".mlsd-message")])
def test_an_unwritable_store_is_a_message_not_a_traceback(page, broken_home_server, notebook, widget):
    base, blocker = broken_home_server
    page.goto(f"{base}/voila/render/{notebook}")
    message = page.locator(widget).first
    message.wait_for(state="visible", timeout=60_000)
    expect(message).to_contain_text("Cannot save answers in")
    expect(message).to_contain_text("MLSD_WORKBOOK_HOME")
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "error when executing cell" not in body
    assert blocker.read_text() == "a file where the store folder should be"   # nothing overwritten
