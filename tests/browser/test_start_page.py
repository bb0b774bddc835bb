"""The start page and the step apps 02 to 06 in a real browser, under Voila."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

START_PAGE = "00-start-here.ipynb"
PARTICIPANT = "Browser Tester"
STEP_NOTEBOOKS = [
    "02-data-pipeline.ipynb",
    "03-model-architecture.ipynb",
    "04-train-and-evaluate.ipynb",
    "05-deploy-serve-monitor.ipynb",
    "06-wrap-up.ipynb",
]
#: Questions the step-app test uses, so that it does not depend on what another test stored.
STEP_QUESTION = "spotify-discover-weekly"


def dropdown(page, description: str):
    """The <select> of the ipywidgets Dropdown whose description is ``description``."""
    label = page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(description)}$"))
    return page.locator(".widget-dropdown", has=label).locator("select")


def test_filter_pick_and_open_step_1(page, open_app, questions, assert_clean_page, save_screenshots,
        widget_button):
    open_app(START_PAGE, ".mlsd-question-title", participant=PARTICIPANT)
    expect(page.locator(".mlsd-participant")).to_have_text(PARTICIPANT)
    expect(page.locator(".mlsd-bank-count")).to_have_text(f"{len(questions)} of {len(questions)} questions")
    assert_clean_page(page)
    before = page.locator(".mlsd-question-title").inner_text()

    # filter the bank down to ranking questions
    ranking = [q for q in questions.values() if q["problem_type"] == "ranking"]
    assert len(ranking) >= 2, "the bank needs two ranking questions for this test"
    dropdown(page, "Type").select_option("ranking")
    expect(page.locator(".mlsd-bank-count")).to_have_text(f"{len(ranking)} of {len(questions)} questions")
    expect(page.locator("table.mlsd-bank tbody tr")).to_have_count(len(ranking))
    picker = dropdown(page, "Question")
    offered = picker.locator("option").all_inner_texts()
    assert {q["title"] for q in ranking} <= {t.replace("\xa0", " ") for t in offered}

    # pick a ranking question other than the one shown
    chosen = next(q for q in ranking if q["title"] != before)
    picker.select_option(label=chosen["title"])
    expect(page.locator(".mlsd-question-title")).to_have_text(chosen["title"])
    expect(page.locator(".mlsd-participant")).to_have_text(PARTICIPANT)

    # the plan's step links now carry the chosen question and the participant
    link = page.locator(".mlsd-step-link").first
    expect(link).to_have_attribute("href", re.compile(rf"^01-define-the-problem\.ipynb\?.*question={chosen['id']}"))
    query = parse_qs(urlsplit(link.get_attribute("href")).query)
    assert query == {"question": [chosen["id"]], "participant": [PARTICIPANT]}
    assert_clean_page(page)
    save_screenshots(page, "start-page", readme=True)

    # a plain link: the step replaces the start page in the same tab
    assert link.get_attribute("target") is None
    link.click()
    step_page = page
    step_page.wait_for_url(re.compile(r"/voila/render/01-define-the-problem\.ipynb\?"))
    title = step_page.locator(".mlsd-question-title")
    title.wait_for(state="visible", timeout=30_000)
    expect(title).to_have_text(chosen["title"])
    expect(step_page.locator(".mlsd-participant")).to_have_text(PARTICIPANT)
    expect(step_page.locator(".mlsd-clock")).to_be_visible()
    assert_clean_page(step_page)
    save_screenshots(step_page, "start-page-step-1")


@pytest.mark.parametrize("notebook", STEP_NOTEBOOKS)
def test_step_app_opens(page, open_app, questions, assert_clean_page, save_screenshots,
        widget_button, notebook):
    open_app(notebook, ".mlsd-clock", question=STEP_QUESTION, participant=PARTICIPANT)
    step = int(notebook[:2])
    expect(page.locator(".mlsd-question-title")).to_have_text(questions[STEP_QUESTION]["title"])
    expect(page.locator(".mlsd-participant")).to_have_text(PARTICIPANT)
    expect(page.locator(".mlsd-clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))
    expect(page.locator(".mlsd-clock-status")).to_contain_text("used of")
    expect(widget_button(page, "Start")).to_be_visible()

    # one real interaction: start the clock and see it count down
    clock = page.locator(".mlsd-clock")
    before = clock.inner_text()
    widget_button(page, "Start").click()
    # Pages render progressively: the clock shows while the step's later tools are still being built,
    # and a click made then is handled (not lost) once the kernel has run the last cell.
    expect(page.locator(".mlsd-clock-status")).to_contain_text("running", timeout=30_000)
    expect(clock).not_to_have_text(before, timeout=5_000)

    # the way back keeps the context
    prev = page.locator(".mlsd-nav-prev")
    expect(prev).to_have_attribute("href", re.compile(rf"^0{step - 1}-[a-z-]+\.ipynb\?question={STEP_QUESTION}&"))
    if step < 6:
        expect(page.locator(".mlsd-nav-next")).to_have_attribute("href", re.compile(rf"^0{step + 1}-"))
    else:
        expect(page.locator(".mlsd-nav-next")).to_have_count(0)
        summary = page.locator("table.mlsd-summary")
        expect(summary).to_be_visible()
        expect(summary.locator("tbody tr")).to_have_count(6)
    assert_clean_page(page)
    save_screenshots(page, f"step-{step:02d}")
