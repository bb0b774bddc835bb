"""Practising a question again, as a person does it in the apps: from the start page and from a step page;
the earlier practice stays readable, opened on purpose from the start page's Practice list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^saved at \d\d:\d\d:\d\d · ")
QUESTION = "airbnb-similar-homes"
NAME = "Again Tester"


def _type_and_wait(page, text: str) -> None:
    box = page.locator(".mlsd-answer-text textarea")
    box.wait_for(state="visible", timeout=60_000)
    box.fill(text)
    expect(page.locator(".mlsd-saved")).to_have_text(SAVED, timeout=30_000)


def test_practise_again_from_the_start_page_and_from_a_step(page, open_app, widget_button, questions,
                                                            assert_clean_page, save_screenshots):
    assert QUESTION in questions
    open_app("01-define-the-problem.ipynb", ".mlsd-clock", question=QUESTION, participant=NAME)
    _type_and_wait(page, "First practice: rank listings by booking probability.")
    page.locator(".mlsd-nav-start").click()
    page.locator(".mlsd-step-link").first.wait_for(state="visible", timeout=60_000)
    plan = page.locator("table.mlsd-plan tbody tr").first
    expect(plan).to_contain_text("7 words")
    widget_button(page, "Practise again").click()
    expect(plan).to_contain_text("not started")
    practice = page.locator(".widget-dropdown select").filter(has=page.locator("option", has_text="(latest)"))
    expect(practice.locator("option")).to_have_count(2)

    page.locator(".mlsd-step-link").first.click()
    box = page.locator(".mlsd-answer-text textarea")
    box.wait_for(state="visible", timeout=60_000)
    expect(box).to_have_value("")
    expect(page.locator(".mlsd-practice")).to_contain_text("Practice 2 of 2")
    _type_and_wait(page, "Second practice.")
    widget_button(page, "Practise again").click()
    expect(page.locator(".mlsd-practice")).to_contain_text("Practice 3 of 3")
    expect(page.locator(".mlsd-answer-text textarea")).to_have_value("")
    expect(page.locator(".mlsd-clock").first).to_have_text("08:00")
    assert_clean_page(page)

    page.locator(".mlsd-nav-start").click()
    page.locator(".mlsd-step-link").first.wait_for(state="visible", timeout=60_000)
    practice = page.locator(".widget-dropdown select").filter(has=page.locator("option", has_text="(latest)"))
    expect(practice.locator("option")).to_have_count(3)
    first = practice.locator("option").last   # newest first: practice 1 is the last option
    expect(first).to_contain_text(re.compile(r"^1:\s+started"))
    practice.select_option(value=first.get_attribute("value"))
    expect(page.locator("table.mlsd-plan tbody tr").first).to_contain_text("7 words")
    save_screenshots(page, "start-page-practices", top=".mlsd-plan")
    page.locator(".mlsd-step-link").first.click()
    expect(page.locator(".mlsd-answer-text textarea")).to_have_value(
        "First practice: rank listings by booking probability.", timeout=60_000)
    expect(page.locator(".mlsd-practice")).to_contain_text("Practice 1 of 3")
    save_screenshots(page, "step-earlier-practice", top=".mlsd-question")
    assert_clean_page(page)
