"""Step 1 as a Voila app in a real browser: the clock counts down, the answer autosaves and both
survive a page reload (which starts a fresh kernel that reads them back from the store)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from widgets.practice.store import AnswerStore

pytestmark = pytest.mark.browser

STEP_1 = "01-define-the-problem.ipynb"
QUESTION = "uber-shared-rides"
PARTICIPANT = "Browser Tester"
BUDGET_SECONDS = 8 * 60
ANSWER = (
    "Task: for each shared-ride request, rank the trips in progress that could take this rider.\n"
    "Label: the match was accepted and nobody's detour went over five minutes.\n"
    "Limits: a decision within two seconds, about seventy requests a second at peak."
)
STATUS = re.compile(r"^(ready|running|paused) · (\d\d:\d\d) used of (\d+) min$")
#: Wait for a countdown to reach ``limit`` seconds or less (the clock ticks in the kernel every 0.5 s).
CLOCK_AT_MOST = """([selector, limit]) => {
    const text = document.querySelector(selector)?.textContent.trim() ?? "";
    const m = /^(\\d+):(\\d\\d)$/.exec(text);
    return m !== null && 60 * Number(m[1]) + Number(m[2]) <= limit;
}"""


def seconds(clock_text: str) -> int:
    """``"07:58"`` -> 478 (an overtime ``+mm:ss`` would fail this test's checks, as it should)."""
    minutes, secs = clock_text.strip().split(":")
    return int(minutes) * 60 + int(secs)


def status_of(page) -> tuple[str, int]:
    """The clock's state and the seconds used, from ``running · 00:07 used of 8 min``."""
    text = page.locator(".mlsd-clock-status").inner_text().strip()
    match = STATUS.match(text)
    assert match, f"unexpected clock status {text!r}"
    assert int(match[3]) == BUDGET_SECONDS // 60
    return match[1], seconds(match[2])


def test_clock_and_answer_survive_a_reload(page, open_app, questions, assert_clean_page, save_screenshots,
        widget_button):
    open_app(STEP_1, ".mlsd-clock", question=QUESTION, participant=PARTICIPANT)
    expect(page.locator(".mlsd-question-title")).to_have_text(questions[QUESTION]["title"])
    expect(page.locator(".mlsd-participant")).to_have_text(PARTICIPANT)
    expect(page.locator(".mlsd-clock")).to_have_text("08:00")
    assert status_of(page) == ("ready", 0)
    assert_clean_page(page)

    # the clock: Start, then the countdown goes down on its own
    widget_button(page, "Start").click()
    expect(page.locator(".mlsd-clock-status")).to_contain_text("running", timeout=5_000)
    started_at = seconds(page.locator(".mlsd-clock").inner_text())
    assert BUDGET_SECONDS - 2 <= started_at <= BUDGET_SECONDS
    page.wait_for_function(CLOCK_AT_MOST, arg=[".mlsd-clock", started_at - 2], timeout=10_000)
    state, used = status_of(page)
    assert state == "running" and used >= 2
    expect(widget_button(page, "Start")).to_be_disabled()
    expect(widget_button(page, "Pause")).to_be_enabled()

    # the answer: type, pause, see it saved with its word count
    answer_box = page.locator(".mlsd-answer-text textarea")
    answer_box.click()
    answer_box.press_sequentially(ANSWER)
    expect(page.locator(".mlsd-saved")).to_have_text(re.compile(r"^saved at \d\d:\d\d:\d\d · "), timeout=10_000)
    words = len(ANSWER.split())
    expect(page.locator(".mlsd-words")).to_have_text(f"{words} words")
    assert_clean_page(page)
    save_screenshots(page, "step-app", readme=True, top=".mlsd-question")

    # a reload starts a new kernel: the text and the running clock come back from the store
    page.reload()
    expect(answer_box).to_have_value(ANSWER, timeout=30_000)
    expect(page.locator(".mlsd-clock-status")).to_contain_text("running", timeout=5_000)
    state, used = status_of(page)
    assert state == "running" and used > 0
    assert 0 < seconds(page.locator(".mlsd-clock").inner_text()) < BUDGET_SECONDS
    expect(page.locator(".mlsd-question-title")).to_have_text(questions[QUESTION]["title"])
    assert_clean_page(page)
    save_screenshots(page, "step-app-after-reload")


def test_reopened_step_says_its_answer_is_saved(page, open_app, voila_server):
    question, text = "youtube-search", "Rank videos for a query by predicted watch time."
    # another kernel's earlier save, written straight into the server's store
    AnswerStore(voila_server.home).save_answer(PARTICIPANT, question, 1, text)
    open_app(STEP_1, ".mlsd-clock", question=question, participant=PARTICIPANT)
    expect(page.locator(".mlsd-answer-text textarea")).to_have_value(text)
    expect(page.locator(".mlsd-saved")).to_have_text(re.compile(r"^saved at \d\d:\d\d:\d\d · "), timeout=3_000)
    expect(page.locator(".mlsd-words")).to_have_text(f"{len(text.split())} words")


def test_finish_stops_the_clock_opens_the_outline_in_view_and_the_start_page_says_so(page, open_app, widget_button,
                                                                                    assert_clean_page):
    query = dict(question="x-trending-topics", participant="Finish Tester")
    open_app("02-data-pipeline.ipynb", ".mlsd-clock", **query)
    widget_button(page, "Start").click()
    expect(page.locator(".mlsd-clock-status")).to_contain_text("running", timeout=30_000)
    page.locator(".mlsd-answer-text textarea").fill("Tweets, hashtags and counts per minute.")
    widget_button(page, "Finish").click()
    status = page.locator(".mlsd-clock-status")
    expect(status).to_contain_text("finished at", timeout=30_000)
    outline = page.locator(".mlsd-reference")
    expect(outline).to_be_in_viewport(timeout=30_000)   # the page scrolled to the reference outline it opened
    rubric = page.locator(".mlsd-step-answer .mlsd-score-total")
    expect(rubric).to_be_visible()                        # and the rubric is open below it
    expect(widget_button(page, "Finished")).to_be_disabled()
    expect(widget_button(page, "Resume")).to_have_count(0)
    shown = page.locator(".mlsd-clock").first.inner_text()
    page.wait_for_timeout(2_500)   # the clock no longer moves
    expect(page.locator(".mlsd-clock").first).to_have_text(shown)
    page.reload()
    page.locator(".mlsd-clock").first.wait_for(state="visible", timeout=60_000)
    expect(page.locator(".mlsd-clock-status")).to_contain_text("finished at")
    assert_clean_page(page)
    page.locator(".mlsd-nav-start").click()
    row = page.locator("table.mlsd-plan tbody tr").nth(1)
    expect(row).to_contain_text("finished", timeout=60_000)
    expect(row).to_contain_text("6 words")
