"""Hostile values from the address bar never run as script: a page opened with a crafted ``?theme=``
opens in the default theme with nothing executed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

#: Breaks out of the attribute Voila writes the theme into; if it ran, the page's title would change.
THEME_PAYLOAD = "\"><img src=x onerror=\"document.title='pwned';window.__mlsd_pwned=1\">"


@pytest.mark.parametrize("notebook, widget", [("00-start-here.ipynb", ".mlsd-step-link"),
                                              ("01-define-the-problem.ipynb", ".mlsd-clock")])
def test_a_hostile_theme_in_the_address_runs_nothing_and_opens_in_the_default_theme(
        page, open_app, assert_clean_page, notebook, widget):
    open_app(notebook, widget, question="uber-shared-rides", participant="Theme Tester", theme=THEME_PAYLOAD)
    assert page.evaluate("() => window.__mlsd_pwned") is None
    assert page.title() != "pwned"
    assert page.locator("body img[src='x']").count() == 0
    body = page.locator("body")
    expect(body).to_have_attribute("data-jp-theme-light", "true")
    expect(body).to_have_attribute("data-jp-theme-name", "JupyterLab Light")
    # the links onward do not carry the hostile value either
    links = page.locator(".mlsd-step-link, .mlsd-nav a")
    for i in range(links.count()):
        assert "theme=" not in (links.nth(i).get_attribute("href") or "")
    assert_clean_page(page)


def test_a_known_theme_still_switches(page, open_app):
    open_app("00-start-here.ipynb", ".mlsd-step-link", question="uber-shared-rides", participant="Theme Tester",
             theme="dark")
    expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "false")


def test_the_directory_page_with_a_hostile_theme_runs_nothing(page, voila_server):
    page.goto(f"{voila_server.base_url}/voila/tree?theme={THEME_PAYLOAD}")
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.__mlsd_pwned") is None
    assert page.title() != "pwned"
    assert page.locator("img[src='x']").count() == 0


def test_the_server_address_lists_the_notebooks_and_opens_the_start_page(page, voila_server):
    """The bare address a person types (what the launcher's host and port give) leads to the start page."""
    page.goto(f"{voila_server.base_url}/")
    start = page.locator(".voila-notebooks a", has_text="00-start-here.ipynb")
    expect(start).to_be_visible(timeout=30_000)
    start.click()
    page.locator(".mlsd-start-page").first.wait_for(state="visible", timeout=30_000)
