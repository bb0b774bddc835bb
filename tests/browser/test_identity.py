"""Identity per browser: two people on one server never see or write each other's name or question; the address
bar keeps a page's identity across a reload; a name counts as typed, also when a link is clicked at once; a row
of the question bank chooses its question. One browser context per person."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from widgets.practice.store import AnswerStore

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^saved at \d\d:\d\d:\d\d · ")


def _query(page) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _start(page, server, **query):
    page.goto(server.url("00-start-here.ipynb", **query))
    page.locator(".mlsd-step-link").first.wait_for(state="visible", timeout=60_000)
    return page


def _choose_by_row(page, search: str, question_id: str) -> None:
    page.locator(".mlsd-start-page input[placeholder^='words of the title']").fill(search)
    row = page.locator(f"table.mlsd-bank tr[data-question='{question_id}']")
    row.wait_for(state="visible", timeout=30_000)
    row.click()
    expect(page.locator("table.mlsd-bank tr.mlsd-chosen")).to_have_attribute("data-question", question_id,
                                                                               timeout=30_000)


def test_two_browsers_keep_their_own_identity(browser, voila_server, questions, browser_context_args):
    store = AnswerStore(voila_server.home)
    context_before = store.get_context()   # other tests on this server may have set one directly
    alice_q, bob_q = "google-maps-restaurants", "hulu-ad-timing"
    a = browser.new_context(**browser_context_args).new_page()
    b = browser.new_context(**browser_context_args).new_page()
    try:
        _start(a, voila_server)
        expect(a.locator(".mlsd-name-box input")).to_have_value("")
        expect(a.locator(".mlsd-message").first).to_contain_text("Enter your name to start")
        a.locator(".mlsd-name-box input").fill("Alice Identity")
        _choose_by_row(a, "google maps", alice_q)
        expect(a.locator(".mlsd-question-title")).to_have_text(questions[alice_q]["title"])
        expect(a.locator(".mlsd-participant")).to_have_text("Alice Identity")
        a.wait_for_url(re.compile(r"participant=Alice"), timeout=30_000)   # the address bar follows the page
        assert _query(a) == {"question": alice_q, "participant": "Alice Identity"}

        _start(b, voila_server)   # the same bare address, another browser
        expect(b.locator(".mlsd-name-box input")).to_have_value("")
        expect(b.locator(".mlsd-question-title")).not_to_have_text(questions[alice_q]["title"])
        b.locator(".mlsd-name-box input").fill("Bob Identity")
        _choose_by_row(b, "ad timing", bob_q)
        b.wait_for_url(re.compile(r"participant=Bob"), timeout=30_000)

        a.reload()   # Alice's page still knows her, though Bob chose last on this server
        a.locator(".mlsd-step-link").first.wait_for(state="visible", timeout=60_000)
        expect(a.locator(".mlsd-name-box input")).to_have_value("Alice Identity")
        expect(a.locator(".mlsd-question-title")).to_have_text(questions[alice_q]["title"])

        for page, name, qid in ((a, "Alice Identity", alice_q), (b, "Bob Identity", bob_q)):
            page.locator(".mlsd-step-link").first.click()
            box = page.locator(".mlsd-answer-text textarea")
            box.wait_for(state="visible", timeout=60_000)
            expect(page.locator(".mlsd-participant")).to_have_text(name)
            expect(page.locator(".mlsd-question-title")).to_have_text(questions[qid]["title"])
            box.fill(f"{name} answers {qid}.")
            expect(page.locator(".mlsd-saved")).to_have_text(SAVED, timeout=30_000)
        assert store.attempt("Alice Identity", alice_q, 1).text == f"Alice Identity answers {alice_q}."
        assert store.attempt("Bob Identity", bob_q, 1).text == f"Bob Identity answers {bob_q}."
        assert store.attempt("Alice Identity", bob_q, 1) is None and store.attempt("Bob Identity", alice_q, 1) is None
        assert store.get_context() == context_before   # under Voila nobody's identity goes into the shared store
    finally:
        a.context.close()
        b.context.close()


def test_a_name_counts_as_typed_even_when_a_link_is_clicked_at_once(page, voila_server):
    _start(page, voila_server, question="duolingo-test-difficulty")
    page.locator(".mlsd-name-box input").fill("Quick Clicker")
    page.locator(".mlsd-step-link").first.click()   # no Enter, no pause
    page.locator(".mlsd-answer-text textarea").wait_for(state="visible", timeout=60_000)
    expect(page.locator(".mlsd-participant")).to_have_text("Quick Clicker")
    assert _query(page)["participant"] == "Quick Clicker"


def test_search_finds_words_in_ids_and_tags_as_typed(page, voila_server):
    _start(page, voila_server, participant="Searcher")
    page.locator(".mlsd-start-page input[placeholder^='words of the title']").fill("chatbot")   # no Enter
    rows = page.locator("table.mlsd-bank tbody tr")
    expect(rows).to_have_count(2, timeout=30_000)   # hotel-booking-chatbot, customer-support-chatbot
    expect(page.locator("table.mlsd-bank tr.mlsd-chosen")).to_have_count(1)   # the card shows one of them


def test_step_1_traffic_sizes_step_5s_fleet(page, voila_server, questions):
    from widgets.tools.capacity import traffic

    qid = "doordash-wrong-orders"
    q = questions[qid]
    page.goto(voila_server.url("01-define-the-problem.ipynb", question=qid, participant="Flow Tester"))
    users = page.get_by_role("textbox", name="Daily active users")
    users.wait_for(state="visible", timeout=60_000)
    new_users = 4 * int(q["daily_active_users"])
    users.fill(str(new_users))
    users.press("Enter")
    expect(page.locator(".mlsd-traffic-estimator .mlsd-say")).to_contain_text(
        f"{round(new_users / 1e6)}M daily users", timeout=30_000)
    page.goto(voila_server.url("05-deploy-serve-monitor.ipynb", question=qid, participant="Flow Tester"))
    peak = round(traffic(new_users, float(q["actions_per_user_per_day"])).peak_rps, -1) or 1.0
    expect(page.get_by_role("textbox", name="Peak requests / s")).to_have_value(f"{peak:g}", timeout=60_000)
    expect(page.get_by_role("textbox", name="Daily users")).to_have_value(str(new_users))
