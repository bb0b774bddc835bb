"""The reference outline in a step app, in Chromium: nothing of it reaches the page (neither the screen nor the
kernel's websocket frames) before the candidate presses Finish; then it opens beside the answer with each point
marked, the matched words highlighted, the follow-ups, the pitfalls and the sample answer; a reload keeps it
open, since the step stays finished."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from widgets.tools.reference import load_reference

pytestmark = pytest.mark.browser

STEP_2 = "02-data-pipeline.ipynb"
QUESTION = "spotify-recommendations"
ANSWER = ("We log plays, skips and saves. We split chronologically so that nothing from the future leaks into "
          "training. Listener ids are pseudonymised and GDPR deletion requests are honoured.")


def test_the_outline_opens_only_after_finish_and_marks_the_answer(page, open_app, assert_clean_page,
                                                                  save_screenshots, widget_button):
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(
        payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))))
    step = load_reference(QUESTION).step(2)
    open_app(STEP_2, ".mlsd-clock", question=QUESTION, participant="Reviewer")
    box = page.locator(".mlsd-answer-text textarea")
    box.fill(ANSWER)
    expect(page.locator(".mlsd-words")).to_have_text(f"{len(ANSWER.split())} words", timeout=30_000)

    # before the commit: not on the screen, not in the page, not in anything the kernel sent
    assert page.locator(".mlsd-reference").count() == 0
    content = page.content()
    for text in [p.text for p in step.points] + list(step.follow_ups) + [step.sample]:
        assert text not in content
        assert not any(text in f or json.dumps(text)[1:-1] in f for f in frames), text[:60]

    widget_button(page, "Finish").click()
    outline = page.locator(".mlsd-reference")
    expect(outline).to_be_visible(timeout=30_000)
    expect(outline.locator(".mlsd-point")).to_have_count(len(step.points))
    expect(outline.locator(".mlsd-point-covered")).not_to_have_count(0)
    expect(outline.locator(".mlsd-highlighted mark")).not_to_have_count(0)
    expect(outline.locator(".mlsd-follow-ups li")).to_have_count(len(step.follow_ups))
    expect(outline.locator(".mlsd-pitfalls li")).not_to_have_count(0)
    expect(outline).to_contain_text("not a grade")
    expect(page.locator(".mlsd-prompts")).to_be_hidden()
    outline.locator(".mlsd-sample summary").click()
    expect(outline.locator(".mlsd-sample p")).to_be_visible()
    assert_clean_page(page)
    save_screenshots(page, "reference-outline", readme=True, top=".mlsd-step-answer")

    # an edit after the reveal updates the marks; a reload keeps the outline (the step stays finished)
    covered = outline.locator(".mlsd-point-covered").count()
    box.fill(ANSWER + " " + " ".join(p.text for p in step.points))
    expect(outline.locator(".mlsd-point-covered")).not_to_have_count(covered, timeout=30_000)
    page.reload()
    expect(page.locator(".mlsd-reference")).to_be_visible(timeout=60_000)
