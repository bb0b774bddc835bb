"""``mlsd-workbook --preheat 1``: the notebooks run before anyone asks for them, yet each page opens on the
question and participant of its own URL, and the tools built in the pool follow that question."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from .conftest import NOTEBOOKS, serve_voila

pytestmark = pytest.mark.browser

#: A few pages, light and heavy: every notebook of the folder gets a preheated kernel.
PAGES = ("00-start-here.ipynb", "01-define-the-problem.ipynb", "03-model-architecture.ipynb",
         "05-deploy-serve-monitor.ipynb", "06-wrap-up.ipynb")
#: Not the bank's first question, and of another problem type, so a page that ignored the URL would show.
QUESTION = "youtube-offensive-content"
PARTICIPANT = "Preheat Tester"


@pytest.fixture(scope="module")
def preheated_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("preheated")
    site = root / "notebooks"
    site.mkdir()
    for name in PAGES:
        shutil.copy(NOTEBOOKS / name, site / name)
    # ready, and every page's pool filled: its kernel has run the notebook before any request
    with serve_voila(root, folder=site, home=root / "home", preheat=1, ready_timeout=180,
                     filled=len(PAGES)) as server:
        yield f"{server.base_url}/voila/render"


def test_preheated_pages_open_on_the_urls_question(page, preheated_server, questions, assert_clean_page,
                                                   save_screenshots):
    asked = questions[QUESTION]
    query = f"?question={QUESTION}&participant=Preheat+Tester"

    page.goto(f"{preheated_server}/00-start-here.ipynb{query}")
    expect(page.locator(".mlsd-question-title")).to_have_text(asked["title"], timeout=30_000)
    expect(page.locator(".mlsd-participant")).to_have_text(PARTICIPANT)
    assert_clean_page(page)

    page.goto(f"{preheated_server}/03-model-architecture.ipynb{query}")
    expect(page.locator(".mlsd-question-title")).to_have_text(asked["title"], timeout=30_000)
    expect(page.locator(".mlsd-participant")).to_have_text(PARTICIPANT)
    expect(page.locator(".mlsd-clock")).to_be_visible()
    # the diagram was drawn in the pool for the bank's first question; it now shows this question's type
    diagram = page.locator(".mlsd-architecture-diagram")
    expect(diagram.locator("select").first).to_have_value(asked["problem_type"].capitalize())   # its label
    expect(page.locator(".mlsd-nav-next")).to_have_attribute(
        "href", f"04-train-and-evaluate.ipynb?question={QUESTION}&participant=Preheat+Tester")
    expect(page.locator(".mlsd-model-choice-explorer tr.mlsd-model")).to_have_count(4)   # trained in the pool
    assert_clean_page(page)
    save_screenshots(page, "preheated-step-03")

    page.goto(f"{preheated_server}/01-define-the-problem.ipynb{query}")
    expect(page.locator(".mlsd-question-title")).to_have_text(asked["title"], timeout=30_000)
    # built in the pool with the first question's scale, then moved to this question's
    users_m = round(float(asked["daily_active_users"]) / 1e6)
    expect(page.locator(".mlsd-traffic-estimator .mlsd-say")).to_contain_text(f"{users_m}M daily users")
    # the problem-type guide too: it was built for the first question's type (recommendation)
    expect(page.locator(".mlsd-problem-type-guide .widget-toggle-button.mod-active")).to_have_text(
        asked["problem_type"].capitalize())
    assert_clean_page(page)

    page.goto(f"{preheated_server}/05-deploy-serve-monitor.ipynb{query}")
    expect(page.locator(".mlsd-question-title")).to_have_text(asked["title"], timeout=30_000)
    from widgets.tools.capacity import traffic

    peak = round(traffic(float(asked["daily_active_users"]), float(asked["actions_per_user_per_day"])).peak_rps, -1)
    expect(page.locator(".mlsd-serving-estimator input").first).to_have_value(f"{peak:g}")
    expect(page.get_by_role("textbox", name="Daily users")).to_have_value(str(int(asked["daily_active_users"])))
    assert_clean_page(page)

    page.goto(f"{preheated_server}/06-wrap-up.ipynb{query}")
    expect(page.locator(".mlsd-question-title")).to_have_text(asked["title"], timeout=30_000)
    expect(page.locator("table.mlsd-summary tbody tr")).to_have_count(6)
    assert_clean_page(page)
