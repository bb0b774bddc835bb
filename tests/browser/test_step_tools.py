"""The tools of steps 4, 5 and 6 that back robustness, serving optimisation, monitoring, retraining and scale, in
the Voila apps: a person moves one control of each and sees the numbers and the chart change; a bad input is a
message in the tool and the numbers before it stay."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STEP_4 = "04-train-and-evaluate.ipynb"
STEP_5 = "05-deploy-serve-monitor.ipynb"
STEP_6 = "06-wrap-up.ipynb"


def slider_press(tool, key: str, times: int = 1, which: int = 0) -> None:
    """Move the tool's ``which``-th slider with the keyboard, as a person tabbing to it would."""
    handle = tool.locator(".widget-slider .noUi-handle").nth(which)
    handle.focus()
    for _ in range(times):
        handle.press(key)


def chart_src(tool) -> str:
    return tool.locator("img.mlsd-figure, .mlsd-figure img, img").first.get_attribute("src")


def test_robustness_strength_moves_the_flip_rate_and_an_empty_feature_choice_is_a_message(
        page, open_app, assert_clean_page, save_screenshots):
    open_app(STEP_4, ".mlsd-robustness-explorer img", question="stripe-fraud-detection", participant="Robust Tester")
    tool = page.locator(".mlsd-robustness-explorer")
    flips, auc = tool.locator("td.mlsd-flip-rate"), tool.locator("td.mlsd-auc-after")
    expect(flips).to_have_text("15.4%")          # noise of 0.5 standard deviations on three inputs
    auc_before, image = auc.inner_text(), chart_src(tool)
    slider_press(tool, "End")                      # 2 standard deviations
    expect(flips).to_have_text("25.9%")
    expect(auc).not_to_have_text(auc_before)
    expect(tool.locator("img").first).not_to_have_attribute("src", image)
    expect(tool.locator(".mlsd-say")).to_contain_text("Under noise of 2 standard deviations")
    shown = flips.inner_text()

    tool.locator("select[multiple]").select_option([])
    expect(tool.locator(".mlsd-error")).to_contain_text("Choose at least one feature to perturb.")
    expect(flips).to_have_text(shown)
    tool.locator("select[multiple]").select_option(["income"])
    expect(tool.locator(".mlsd-error")).to_have_count(0)
    expect(flips).not_to_have_text(shown)
    assert_clean_page(page)
    save_screenshots(page, "step-04-robustness", top=".mlsd-robustness-explorer")


def test_scale_factor_moves_the_grown_numbers(page, open_app, assert_clean_page, save_screenshots):
    open_app(STEP_6, ".mlsd-scale-explorer img", question="spotify-recommendations", participant="Scale Tester")
    tool = page.locator(".mlsd-scale-explorer")
    peak = tool.locator("td.mlsd-peak-rps")
    expect(peak).to_be_visible()
    before, image = peak.inner_text(), chart_src(tool)
    slider_press(tool, "End")   # 100x
    expect(peak).not_to_have_text(before)
    expect(tool.locator("img").first).not_to_have_attribute("src", image)
    expect(tool.locator(".mlsd-say")).to_contain_text("100")
    shown = peak.inner_text()

    box = tool.get_by_role("textbox", name="Monthly budget (USD)")
    box.fill("-5")
    box.press("Enter")
    expect(tool.locator(".mlsd-error")).to_contain_text("budget must be a positive number")
    expect(peak).to_have_text(shown)
    box.fill("2M")
    box.press("Enter")
    expect(tool.locator(".mlsd-error")).to_have_count(0)
    expect(tool.locator("td.mlsd-breaks-monthly-cost")).to_be_visible()
    assert_clean_page(page)
    save_screenshots(page, "step-06-scale", readme=True, top=".mlsd-scale-explorer")


def slider(tool, label: str):
    """The handle of the tool's slider labelled ``label``."""
    return tool.locator(".widget-slider").filter(has=tool.page.locator("label", has_text=label)).locator(
        ".noUi-handle").first


def test_drift_monitor_later_labels_delay_the_metrics_alarm(page, open_app, assert_clean_page, save_screenshots):
    open_app(STEP_5, ".mlsd-drift-monitor img", question="stripe-fraud-detection", participant="Drift Tester")
    tool = page.locator(".mlsd-drift-monitor")
    metric_delay = tool.locator("td.mlsd-detection-delay-metric")
    expect(metric_delay).to_have_text("14")       # labels 14 days late: the metric sees the drift 14 days on
    expect(tool.locator("td.mlsd-detection-delay-psi")).to_have_text("0")   # the inputs moved on the day
    image = chart_src(tool)
    handle = slider(tool, "Label delay (days)")
    handle.focus()
    for _ in range(6):
        handle.press("ArrowRight")
    expect(metric_delay).to_have_text("20")
    expect(tool.locator("img").first).not_to_have_attribute("src", image)
    expect(tool.locator(".mlsd-say")).to_contain_text("20 days")
    assert_clean_page(page)
    save_screenshots(page, "step-05-drift", readme=True, top=".mlsd-drift-monitor")


def test_compression_sparsity_changes_the_pruned_models_accuracy_and_a_zero_budget_is_a_message(
        page, open_app, assert_clean_page, save_screenshots):
    open_app(STEP_5, ".mlsd-compression-explorer img", question="stripe-fraud-detection",
             participant="Compression Tester")
    tool = page.locator(".mlsd-compression-explorer")
    pruned = tool.locator("td.mlsd-accuracy-pruned")
    expect(pruned).to_be_visible()
    expect(tool.locator("td.mlsd-size-int8")).to_be_visible()
    before, image = pruned.inner_text(), chart_src(tool)
    handle = slider(tool, "Pruning sparsity")
    handle.focus()
    handle.press("End")                            # 99% of the weights set to zero
    expect(pruned).not_to_have_text(before, timeout=30_000)
    expect(tool.locator("img").first).not_to_have_attribute("src", image)
    shown = pruned.inner_text()

    box = tool.get_by_role("textbox", name="Latency budget (ms)")
    box.fill("0")
    box.press("Enter")
    expect(tool.locator(".mlsd-error")).to_contain_text("budget")
    expect(pruned).to_have_text(shown)
    box.fill("5")
    box.press("Enter")
    expect(tool.locator(".mlsd-error")).to_have_count(0)
    assert_clean_page(page)
    save_screenshots(page, "step-05-compression", top=".mlsd-compression-explorer")


def test_retraining_period_changes_the_number_of_retrains(page, open_app, assert_clean_page, save_screenshots):
    open_app(STEP_6, ".mlsd-retraining-explorer img", question="stripe-fraud-detection",
             participant="Retraining Tester")
    tool = page.locator(".mlsd-retraining-explorer")
    retrains = tool.locator("td.mlsd-retrains-periodic")
    expect(retrains).to_have_text("26")            # every 14 days: ceil(365 / 14) - 1
    image = chart_src(tool)
    handle = slider(tool, "Retrain every (days)")
    handle.focus()
    handle.press("End")                            # every 120 days
    expect(retrains).to_have_text("3", timeout=30_000)
    expect(tool.locator("img").first).not_to_have_attribute("src", image)
    expect(tool.locator(".mlsd-say")).to_be_visible()
    assert_clean_page(page)
    save_screenshots(page, "step-06-retraining", top=".mlsd-retraining-explorer")
