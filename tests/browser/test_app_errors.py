"""A user's mistake inside an app (here: a store folder that cannot be created) shows a short message in the
page, never a traceback or Voila's "error when executing cell"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import serve_voila

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def broken_home_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken-home")
    blocker = root / "not-a-folder"
    blocker.write_text("a file where the store folder should be")
    with serve_voila(root, home=blocker / "home") as server:
        yield server.base_url, blocker


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
