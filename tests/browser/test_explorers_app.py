"""Step 4's metric explorers in the Voila app, driven with the keyboard and the mouse as a person would."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STEP_4 = "04-train-and-evaluate.ipynb"


def test_moving_k_changes_precision_and_ndcg(page, open_app, assert_clean_page, save_screenshots):
    open_app(STEP_4, ".mlsd-list-explorer .widget-slider .noUi-handle", question="quora-answer-ranking",
             participant="Browser Tester")
    explorer = page.locator(".mlsd-list-explorer")
    cells = {name: explorer.locator(f"td.{name}") for name in ("mlsd-p-a", "mlsd-ndcg-a", "mlsd-p-b", "mlsd-ndcg-b")}
    # the built-in scenario at k=5: A has more hits, B the better order
    expect(cells["mlsd-p-a"]).to_have_text("0.800")
    expect(cells["mlsd-p-b"]).to_have_text("0.200")
    expect(cells["mlsd-ndcg-b"]).to_have_text("0.606")
    before = {name: c.inner_text() for name, c in cells.items()}
    image_before = explorer.locator("img").first.get_attribute("src")

    handle = explorer.locator(".widget-slider .noUi-handle").first
    handle.focus()
    handle.press("ArrowLeft")            # k = 4
    expect(cells["mlsd-p-a"]).to_have_text("1.000")
    expect(cells["mlsd-p-b"]).to_have_text("0.250")
    after = {name: c.inner_text() for name, c in cells.items()}
    assert after["mlsd-ndcg-a"] != before["mlsd-ndcg-a"] and after["mlsd-ndcg-b"] != before["mlsd-ndcg-b"]
    expect(explorer.locator("img").first).not_to_have_attribute("src", image_before)
    expect(explorer.locator(".mlsd-say")).to_contain_text("precision@4")

    # the ranker view's k slider moves its table too
    rankers = page.locator(".mlsd-ranker-explorer")
    expect(rankers.locator("table.mlsd-rankers")).to_contain_text("precision@10")
    rankers.locator(".widget-slider .noUi-handle").first.focus()
    rankers.locator(".widget-slider .noUi-handle").first.press("End")
    expect(rankers.locator("table.mlsd-rankers")).to_contain_text("precision@50")
    for selector in (".mlsd-threshold-explorer img", ".mlsd-calibration-explorer img", ".mlsd-fairness-explorer img"):
        expect(page.locator(selector).first).to_be_visible()
    assert_clean_page(page)
    save_screenshots(page, "step-04-explorers")


def test_the_fraud_share_box_reads_half_a_percent_as_typed(page, open_app, assert_clean_page):
    open_app(STEP_4, ".mlsd-threshold-explorer img", question="stripe-fraud-detection", participant="Share Tester")
    explorer = page.locator(".mlsd-threshold-explorer")
    box = explorer.get_by_role("textbox", name="Fraud share")
    for typed in ("0.5%", "0.5 %", "0.5"):
        box.fill("20%")
        box.press("Enter")
        expect(explorer.locator(".mlsd-say")).to_contain_text("Only 20.0% of cases are positive", timeout=30_000)
        box.fill(typed)
        box.press("Enter")
        expect(explorer.locator(".mlsd-say")).to_contain_text("Only 0.5% of cases are positive", timeout=30_000)
        expect(explorer).to_contain_text("0.5% fraudulent")
    assert_clean_page(page)
