"""Steps 2 and 3's tools in the Voila apps: move one control of each, as a person would, and see the numbers change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STEP_2 = "02-data-pipeline.ipynb"
STEP_3 = "03-model-architecture.ipynb"
#: A recommendation question, so step 3's diagram opens on the recommendation architecture.
QUESTION = "spotify-recommendations"
SLOW_MS = 60_000   # a refit (several small forests) on a busy 2-core machine


def labelled_select(root, description: str):
    """The <select> of the ipywidgets Dropdown inside ``root`` whose description is ``description``."""
    label = root.page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(description)}$"))
    return root.locator(".widget-dropdown", has=label).locator("select")


def labelled_slider_handle(root, description: str):
    label = root.page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(description)}$"))
    return root.locator(".widget-slider", has=label).locator(".noUi-handle")


def test_step_2_contamination_privacy_and_features(page, open_app, assert_clean_page, save_screenshots):
    open_app(STEP_2, ".mlsd-features-explorer img", question=QUESTION,
             participant="Browser Tester")

    # contamination: one review per author makes the random split as honest as the split by author
    contamination = page.locator(".mlsd-contamination-explorer")
    gap, random_split = contamination.locator("td.mlsd-gap"), contamination.locator("td.mlsd-score-random")
    expect(gap).to_have_text("+0.117")
    expect(random_split).to_have_text("0.884")
    chart = contamination.locator("img").first.get_attribute("src")
    handle = labelled_slider_handle(contamination, "Reviews per author")
    handle.focus()
    handle.press("Home")
    expect(gap).to_have_text("+0.000", timeout=SLOW_MS)
    expect(random_split).to_have_text("0.791")
    expect(contamination.locator("img").first).not_to_have_attribute("src", chart)

    # privacy: shorter ZIP codes merge people into fewer, bigger groups and fewer rows are suppressed
    privacy = page.locator(".mlsd-privacy-explorer")
    suppressed, groups = privacy.locator("td.mlsd-rows-suppressed"), privacy.locator("td.mlsd-classes")
    expect(suppressed).to_have_text("79")
    expect(groups).to_have_text("126")
    zip_handle = labelled_slider_handle(privacy, "ZIP digits")
    zip_handle.focus()
    zip_handle.press("ArrowLeft")
    zip_handle.press("ArrowLeft")
    expect(suppressed).to_have_text("10")
    expect(groups).to_have_text("26")   # every ZIP here starts with 0: one digit says nothing
    expect(privacy.locator(".mlsd-say")).to_contain_text("1-digit ZIP")

    # feature processing: the naive target encoding leaks, the training score rises while validation falls
    features = page.locator(".mlsd-features-explorer")
    table = features.locator(".mlsd-features-table")
    expect(table.locator(".mlsd-n-features")).to_have_text("954")
    expect(table.locator(".mlsd-val-auc")).to_have_text("0.765")
    labelled_select(features, "Merchant id").select_option("naive target encoding (leaks)")
    expect(table.locator(".mlsd-n-features")).to_have_text("10", timeout=SLOW_MS)
    expect(table.locator(".mlsd-train-auc")).to_have_text("0.861")
    expect(table.locator(".mlsd-val-auc")).to_have_text("0.728")

    assert_clean_page(page)
    save_screenshots(page, "step-02-tools", top=".mlsd-contamination-explorer")


def test_step_3_model_choice_and_architecture(page, open_app, assert_clean_page, save_screenshots):
    open_app(STEP_3, ".mlsd-architecture-diagram img", question=QUESTION, participant="Browser Tester")

    # the simplest model that is good enough: a generous budget, then a higher bar
    choice = page.locator(".mlsd-model-choice-explorer")
    budget = choice.locator(".widget-text input").first   # the p99 budget box, in ms
    budget.fill("1000")
    budget.press("Enter")
    chosen = choice.locator("tr.mlsd-chosen td.mlsd-model-name")
    expect(chosen).to_have_text("logistic regression")
    handle = choice.locator(".widget-slider .noUi-handle").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")   # minimum accuracy 0.970 -> 0.973
    expect(chosen).to_have_text("k-nearest neighbours")
    expect(choice.locator(".mlsd-say")).to_contain_text("I would ship k-nearest neighbours")

    # the architecture follows the question's problem type; switching it redraws the diagram
    diagram = page.locator(".mlsd-architecture-diagram")
    latency = diagram.locator(".mlsd-online-latency")
    expect(latency).to_have_text("37")
    expect(diagram.locator(".mlsd-box-name").first).to_have_text("Candidate generation")
    picture = diagram.locator("img").first.get_attribute("src")
    labelled_select(diagram, "Problem type").select_option(label="Ranking")
    expect(latency).to_have_text("67")
    expect(diagram.locator(".mlsd-box-name").first).to_have_text("Query understanding")
    expect(diagram.locator("img").first).not_to_have_attribute("src", picture)

    assert_clean_page(page)
    save_screenshots(page, "step-03-tools", top=".mlsd-model-choice-explorer")
