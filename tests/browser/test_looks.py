"""The apps' look: the dark theme and a 1920x1080 screen, as a person sees them (README screenshots)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import brightness

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}


def test_dark_theme_at_1920_keeps_the_theme_along_the_links(page, open_app, assert_clean_page, save_screenshots):
    page.set_viewport_size(FULL_HD)
    open_app("00-start-here.ipynb", ".mlsd-step-link", question="spotify-recommendations", participant="Dark Tester",
             theme="dark")
    expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "false")
    # our text follows the theme: light on dark, not the light theme's dark grey
    colour = page.locator(".mlsd-question-title").evaluate("e => getComputedStyle(e).color")
    r, g, b = (int(x) for x in colour[colour.index("(") + 1:colour.index(")")].split(",")[:3])
    assert r + g + b > 3 * 150, f"question title colour {colour} is too dark for the dark theme"
    link = page.locator(".mlsd-step-link").first
    expect(link).to_have_attribute("href", "01-define-the-problem.ipynb?question=spotify-recommendations"
                                           "&participant=Dark+Tester&theme=dark")
    assert_clean_page(page)
    save_screenshots(page, "start-page-dark-1920", readme=True)
    link.click()
    page.locator(".mlsd-clock").first.wait_for(state="visible", timeout=60_000)
    expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "false")
    # the charts follow the theme (drawn on white, shown inverted with their hues kept): no white block on the page
    figure = page.locator("img.mlsd-figure").first
    expect(figure).to_be_visible(timeout=30_000)
    figure.scroll_into_view_if_needed()
    assert brightness(figure.screenshot()) < 80, "a chart stays light in the dark theme"
    assert_clean_page(page)
    save_screenshots(page, "step-app-dark-1920", readme=True, top=".mlsd-question")


def test_step_app_at_1920_light(page, open_app, assert_clean_page, save_screenshots):
    page.set_viewport_size(FULL_HD)
    open_app("04-train-and-evaluate.ipynb", ".mlsd-list-explorer img", question="quora-answer-ranking",
             participant="Wide Tester")
    expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "true")
    figure = page.locator(".mlsd-list-explorer img.mlsd-figure")
    assert brightness(figure.screenshot()) > 200, "a chart is dark in the light theme"
    assert_clean_page(page)
    save_screenshots(page, "explorers-1920", readme=True, top=".mlsd-list-explorer")
