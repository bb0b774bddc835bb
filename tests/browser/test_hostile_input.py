"""Hostile values from the address bar never run as script: a page opened with a crafted ``?theme=``
opens in the default theme with nothing executed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

#: The saved mark once the typing is stored (before that it says "saving..." or "nothing saved yet").
SAVED = re.compile(r"^saved at \d\d:\d\d:\d\d · ")

#: Breaks out of the attribute Voila writes the theme into; if it ran, the page's title would change.
THEME_PAYLOAD = "\"><img src=x onerror=\"document.title='pwned';window.__mlsd_pwned=1\">"


@pytest.mark.parametrize("notebook, widget", [("00-start-here.ipynb", ".mlsd-step-link"),
                                              ("01-define-the-problem.ipynb", ".mlsd-clock")])
def test_a_hostile_theme_in_the_address_runs_nothing_and_opens_in_the_default_theme(
        page, open_app, assert_clean_page, notebook, widget):
    open_app(notebook, widget, question="uber-shared-rides", participant="Theme Tester", theme=THEME_PAYLOAD)
    assert page.evaluate("() => window.__mlsd_pwned") is None
    assert page.title() != "pwned"
    assert page.locator("body img[src='x']").count() == 0
    body = page.locator("body")
    expect(body).to_have_attribute("data-jp-theme-light", "true")
    expect(body).to_have_attribute("data-jp-theme-name", "JupyterLab Light")
    # the links onward do not carry the hostile value either
    links = page.locator(".mlsd-step-link, .mlsd-nav a")
    for i in range(links.count()):
        assert "theme=" not in (links.nth(i).get_attribute("href") or "")
    assert_clean_page(page)


def test_a_known_theme_still_switches(page, open_app):
    open_app("00-start-here.ipynb", ".mlsd-step-link", question="uber-shared-rides", participant="Theme Tester",
             theme="dark")
    expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "false")


def test_the_directory_page_with_a_hostile_theme_runs_nothing(page, voila_server):
    page.goto(f"{voila_server.base_url}/voila/tree?theme={THEME_PAYLOAD}")
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.__mlsd_pwned") is None
    assert page.title() != "pwned"
    assert page.locator("img[src='x']").count() == 0


def test_the_server_address_lists_the_notebooks_and_opens_the_start_page(page, voila_server):
    """The bare address a person types (what the launcher's host and port give) leads to the start page."""
    page.goto(f"{voila_server.base_url}/")
    start = page.locator(".voila-notebooks a", has_text="00-start-here.ipynb")
    expect(start).to_be_visible(timeout=30_000)
    start.click()
    page.locator(".mlsd-start-page").first.wait_for(state="visible", timeout=30_000)


# -- every page, with a question, data files and a participant that are all HTML payloads --------------------
from ..hostile import ANSWER, NAME, PAYLOAD, QUESTION_ID, write_hostile_data  # noqa: E402
from .conftest import NOTEBOOKS, serve_voila  # noqa: E402

#: The selector that shows each page's last cell has run.
LAST_WIDGET = {"00-start-here.ipynb": ".mlsd-step-link", "capacity-calculator.ipynb": ".mlsd-canary",
               "study-group.ipynb": ".mlsd-member .mlsd-answers"}


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    data = write_hostile_data(root / "data")
    with serve_voila(root, env={"MLSD_WORKBOOK_DATA": str(data)}) as server:
        yield server


def _nothing_ran(page) -> None:
    assert page.evaluate("() => window.__mlsd_pwned") is None, "a payload ran as script"
    assert page.locator("img[src='x']").count() == 0, "a payload became an element"
    assert page.locator("#rendered_cells script:not([type])").filter(has_text="__mlsd_pwned").count() == 0


@pytest.mark.parametrize("notebook", [p.name for p in sorted(NOTEBOOKS.glob("*.ipynb"))], ids=lambda n: n.split(".")[0])
def test_every_page_shows_hostile_texts_literally_and_runs_nothing(page, hostile_server, assert_clean_page, notebook):
    query = {"question": QUESTION_ID, "participant": NAME}
    if notebook == "study-group.ipynb":   # a member's page: the hostile member, their hostile answer revealed
        from widgets.practice.group import StudyGroups
        from widgets.practice.store import AnswerStore

        groups = StudyGroups(AnswerStore(hostile_server.home))
        group, key = groups.create(QUESTION_ID, steps=[1])
        member, token = groups.join(group.code, NAME)
        groups.store.attempt_step(NAME, QUESTION_ID, 1, member.attempt_id).save(ANSWER)
        groups.reveal(group.code, key)
        query = {"group": group.code, "participant": NAME, "token": token}
    page.goto(hostile_server.url(notebook, **query))
    page.locator(LAST_WIDGET.get(notebook, ".mlsd-nav")).first.wait_for(state="visible", timeout=60_000)
    _nothing_ran(page)
    text = page.locator("#rendered_cells").inner_text()
    if notebook != "capacity-calculator.ipynb":
        expect(page.locator(".mlsd-question-title").first).to_have_text(f"Rank {PAYLOAD}")
        assert NAME in text, "the participant's name is not shown as written"
        assert "onerror=\"window.__mlsd_pwned=1\"" in text
    assert_clean_page(page, polished=False)


def test_a_hostile_answer_and_rubric_show_literally(page, hostile_server, widget_button, assert_clean_page):
    page.goto(hostile_server.url("01-define-the-problem.ipynb", question=QUESTION_ID, participant=NAME))
    box = page.locator(".mlsd-answer-text textarea")
    box.wait_for(state="visible", timeout=60_000)
    box.fill(ANSWER)
    expect(page.locator(".mlsd-saved")).to_have_text(SAVED, timeout=30_000)
    widget_button(page, "Score yourself").click()
    # the poisoned phrasing is in the answer, so a hint quotes the answer's words that matched it: as text
    expect(page.locator(".mlsd-hint-covered").filter(has_text='img src=x onerror="window.__mlsd_pwned=1">'
                                                     "<script>").first).to_be_visible()
    _nothing_ran(page)
    page.reload()
    box = page.locator(".mlsd-answer-text textarea")
    box.wait_for(state="visible", timeout=60_000)
    expect(box).to_have_value(ANSWER)
    _nothing_ran(page)
    assert_clean_page(page, polished=False)


# -- a refused or missing name is nobody: the page asks, and nothing is saved under another name -------------
@pytest.mark.parametrize("name", [None, "x" * 10_000, "Ada\u202eecalevol"], ids=["absent", "too-long", "override"])
def test_a_step_without_a_valid_name_asks_for_one_and_never_writes_as_someone_else(
        page, voila_server, widget_button, assert_clean_page, name):
    from widgets.practice.store import AnswerStore

    question = "netflix-watch-time"
    store = AnswerStore(voila_server.home)
    store.set_context(participant="Previous Person", question_id=question)   # the server's last name
    query = {"question": question} | ({"participant": name} if name is not None else {})
    page.goto(voila_server.url("01-define-the-problem.ipynb", **query))
    prompt = page.locator(".mlsd-name-prompt")
    prompt.wait_for(state="visible", timeout=60_000)
    expect(page.locator(".mlsd-answer-locked textarea")).to_be_disabled()
    expect(page.locator(".mlsd-answer-locked textarea")).to_have_attribute("placeholder", "Enter your name to start")
    expect(page.locator(".mlsd-participant")).to_have_text("nobody yet")
    if name is not None:
        expect(page.locator(".mlsd-message").first).to_contain_text("display name")
    assert page.locator(".mlsd-answer-text").count() == 0
    expect(page.locator(".mlsd-nav-next")).to_have_attribute("href", f"02-data-pipeline.ipynb?question={question}")
    field = prompt.locator("input[type='text']")
    field.fill("Name Prompt Tester")
    widget_button(page, "Start answering").click()
    box = page.locator(".mlsd-answer-text textarea")
    box.wait_for(state="visible", timeout=30_000)
    expect(page.locator(".mlsd-participant")).to_have_text("Name Prompt Tester")
    expect(page.locator(".mlsd-nav-next")).to_have_attribute(
        "href", f"02-data-pipeline.ipynb?question={question}&participant=Name+Prompt+Tester")
    box.fill(f"Answer typed after naming myself ({'absent' if name is None else len(name)}).")
    expect(page.locator(".mlsd-saved")).to_have_text(SAVED, timeout=30_000)
    assert AnswerStore(voila_server.home).attempt("Name Prompt Tester", question, 1).text.startswith("Answer typed")
    for other in ("guest", "Previous Person"):
        assert AnswerStore(voila_server.home).attempt(other, question, 1) is None
    assert_clean_page(page)


def test_a_hostile_session_exports_literally(page, hostile_server, widget_button, assert_clean_page):
    """The export of a hostile participant's hostile answer: the links show as text, the Markdown keeps its
    structure (the answer fenced), the JSON holds the exact strings."""
    import json

    from widgets.practice.store import AnswerStore

    AnswerStore(hostile_server.home).save_answer(NAME, QUESTION_ID, 3, ANSWER)
    page.goto(hostile_server.url("06-wrap-up.ipynb", question=QUESTION_ID, participant=NAME))
    page.locator(".mlsd-nav").first.wait_for(state="visible", timeout=60_000)
    widget_button(page, "Export this session").click()
    links = page.locator("a.mlsd-download")
    expect(links).to_have_count(2, timeout=30_000)
    _nothing_ran(page)
    names = [links.nth(i).get_attribute("download") for i in range(2)]
    assert all(n.startswith(f"{QUESTION_ID}-img-src-x-onerror") for n in names), names
    folder = hostile_server.home / "exports"
    record = json.loads((folder / names[1]).read_text())
    assert record["participant"] == NAME and record["steps"][2]["answer"] == ANSWER
    markdown = (folder / names[0]).read_text()
    assert f"````text\n{ANSWER}\n````" in markdown
    assert_clean_page(page, polished=False)
