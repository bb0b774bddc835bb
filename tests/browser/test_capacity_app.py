"""The capacity estimators in the Voila apps: type a new number as a person would and see the result change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_changing_daily_users_changes_peak_qps(page, open_app, assert_clean_page, save_screenshots):
    open_app("01-define-the-problem.ipynb", ".mlsd-traffic-estimator .mlsd-peak-rps", question="uber-shared-rides",
             participant="Browser Tester")
    estimator = page.locator(".mlsd-traffic-estimator")
    peak = estimator.locator(".mlsd-peak-rps")
    before = peak.inner_text()
    users = estimator.locator(".widget-text input").first        # "Daily active users"
    users.fill("300000000")
    users.press("Enter")
    expect(peak).not_to_have_text(before)
    expect(estimator.locator(".mlsd-say")).to_contain_text("300M daily users")
    assert_clean_page(page)
    shown = peak.inner_text()
    users.fill("-5")                                            # a mistake: a message, the numbers stay
    users.press("Enter")
    expect(estimator.locator(".mlsd-error")).to_contain_text("Daily active users must be a positive number")
    expect(peak).to_have_text(shown)
    expect(estimator.locator(".mlsd-stale").first).to_be_visible()   # the old numbers stay, dimmed
    users.fill("")                                              # an emptied box is a message too
    users.press("Enter")
    expect(estimator.locator(".mlsd-error")).to_contain_text("Daily active users is empty")
    expect(users).to_have_value("")                             # not silently the old number
    users.fill("300M")                                          # as people write it
    users.press("Enter")
    expect(estimator.locator(".mlsd-error")).to_have_count(0)
    expect(estimator.locator(".mlsd-stale")).to_have_count(0)
    expect(peak).to_have_text(shown)
    save_screenshots(page, "step-01-traffic")


def test_capacity_calculator_app_renders_every_estimator(page, open_app, assert_clean_page, save_screenshots):
    open_app("capacity-calculator.ipynb", ".mlsd-rollout-planner .mlsd-users-per-arm")
    for selector in (".mlsd-traffic-estimator img", ".mlsd-serving-estimator .mlsd-replicas", ".mlsd-training-estimator .mlsd-flops",
                     ".mlsd-latency-estimator img", ".mlsd-rollout-planner .mlsd-shadow"):
        expect(page.locator(selector).first).to_be_visible()
    # one real interaction: double the peak the fleet must serve and see the replica count change
    serving = page.locator(".mlsd-serving-estimator")
    replicas = serving.locator(".mlsd-replicas")
    before = replicas.inner_text()
    peak = serving.locator(".widget-text input").first           # "Peak requests / s"
    peak.fill(str(2 * int(float(peak.input_value())) + 1000))
    peak.press("Enter")
    expect(replicas).not_to_have_text(before)
    # the fleet follows the traffic above it: ten times the users, a new peak in the fleet's box
    traffic_users = page.locator(".mlsd-traffic-estimator .widget-text input").first
    typed_peak = peak.input_value()
    traffic_users.fill("1000000000")
    traffic_users.press("Enter")
    expect(peak).not_to_have_value(typed_peak)
    assert_clean_page(page)
    save_screenshots(page, "capacity-calculator")
