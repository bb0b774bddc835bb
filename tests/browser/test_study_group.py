"""A study group in one Chromium, one browser context per person: the facilitator sets up a session and two
members join from the join link. One clock; the room; nothing of another's text reaches a page before the
reveal (checked in what the kernel sends over the websocket, not only on screen); after it both answers show on
both pages; each scores the other; the dashboard aggregates; the export holds it all; the next step reaches
the members without a page load. And a page from another origin cannot drive the facilitator's kernel."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from widgets.app.cli import free_port
from widgets.practice.group import StudyGroups
from widgets.practice.store import AnswerStore

pytestmark = pytest.mark.browser

WAIT = 60_000
SAVED = re.compile(r"^saved at \d\d:\d\d:\d\d · ")
HOSTILE_NAME = "<img src=x onerror=window.__p=1>"


def _query(page) -> dict:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


class Frames:
    """Every websocket frame a page receives from its kernel, as text."""

    def __init__(self, page):
        self.texts: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: self.texts.append(
            payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))))

    def contain(self, text: str) -> bool:
        return any(text in t or json.dumps(text)[1:-1] in t for t in self.texts)


def _set_up(page, server, widget_button) -> tuple[str, str]:
    page.goto(server.url("study-group.ipynb"))
    page.locator(".mlsd-group-setup").wait_for(state="visible", timeout=WAIT)
    for n in (3, 4, 5, 6):   # steps 1 and 2 only
        page.locator(".mlsd-group-setup .widget-checkbox").nth(n - 1).locator("input").uncheck()
    widget_button(page, "Create the session").click()
    page.locator(".mlsd-dashboard").wait_for(state="visible", timeout=WAIT)
    page.wait_for_url(re.compile(r"key="), timeout=WAIT)   # the facilitator's own address holds the key
    query = _query(page)
    return query["group"], query["key"]


def _join(page, join_href: str, name: str, widget_button) -> None:
    page.goto(join_href)
    box = page.locator(".mlsd-group-join input[type='text']")
    box.wait_for(state="visible", timeout=WAIT)
    box.fill(name)
    widget_button(page, "Join the group").click()
    page.locator(".mlsd-member").wait_for(state="visible", timeout=WAIT)
    page.wait_for_url(re.compile(r"token="), timeout=WAIT)


def test_a_study_group_from_setup_to_export(browser, voila_server, browser_context_args, widget_button,
                                            save_screenshots):
    contexts = [browser.new_context(**browser_context_args) for _ in range(3)]
    facilitator, ada, bo = (c.new_page() for c in contexts)
    frames = {"ada": Frames(ada), "bo": Frames(bo)}
    try:
        code, key = _set_up(facilitator, voila_server, widget_button)
        join = facilitator.locator("a.mlsd-join-link")
        expect(join).to_have_text(re.compile(rf"^http://127\.0\.0\.1:\d+/voila/render/study-group\.ipynb\?group={code}$"))
        join_href = join.evaluate("a => a.href")
        _join(ada, join_href, "Ada", widget_button)
        _join(bo, join_href, "Bo", widget_button)

        # a third browser: a taken name is refused; another joins; then its laptop closes
        other = browser.new_context(**browser_context_args).new_page()
        other.goto(join_href)
        other.locator(".mlsd-group-join input[type='text']").fill("Ada")
        widget_button(other, "Join the group").click()
        expect(other.locator(".mlsd-message")).to_contain_text("The name Ada is taken", timeout=WAIT)
        other.locator(".mlsd-group-join input[type='text']").fill("Cy")
        widget_button(other, "Join the group").click()
        expect(other.locator(".mlsd-participant")).to_have_text("Cy", timeout=WAIT)
        other.context.close()

        # one clock: the facilitator starts it, both members' clocks run with nobody touching them
        for member in (ada, bo):
            expect(member.locator(".mlsd-clock-status")).to_contain_text("ready", timeout=WAIT)
            assert member.locator("button.jupyter-button:visible", has_text="Start").count() == 0
        widget_button(facilitator, "Start").click()
        for member in (ada, bo):
            expect(member.locator(".mlsd-clock-status")).to_contain_text("running", timeout=WAIT)

        # both type; the dashboard shows their words (on its own); nothing crosses before the reveal
        ada.locator(".mlsd-answer-text textarea").fill("Ada secret: optimise watch time per session")
        bo.locator(".mlsd-answer-text textarea").fill("Bo secret: predict churn within a week")
        for member in (ada, bo):
            expect(member.locator(".mlsd-saved")).to_have_text(SAVED, timeout=WAIT)
        expect(facilitator.locator(".mlsd-room tr[data-member='Ada'] .mlsd-member-words")).to_have_text(
            "7", timeout=WAIT)
        expect(facilitator.locator(".mlsd-room tr[data-member='Bo'] .mlsd-member-words")).to_have_text(
            "7", timeout=WAIT)
        expect(facilitator.locator(".mlsd-room .mlsd-page-open")).to_have_count(2, timeout=WAIT)
        closed = facilitator.locator(".mlsd-room .mlsd-page-closed")   # the closed browser's heartbeat stopped
        expect(closed).to_have_count(1, timeout=WAIT)
        expect(closed.locator("xpath=..").locator(".mlsd-member-name")).to_have_text("Cy")
        assert "Bo secret" not in ada.content() and "Ada secret" not in bo.content()
        assert not frames["ada"].contain("Bo secret") and not frames["bo"].contain("Ada secret")
        assert "Ada secret" not in facilitator.content()
        for member in (ada, bo):   # the reference outline waits for the reveal too
            assert member.locator(".mlsd-reference").count() == 0
        save_screenshots(facilitator, "study-group-dashboard", readme=True)

        # the reveal: every answer on both pages and on the dashboard
        widget_button(facilitator, "Reveal answers").click()
        for member in (ada, bo):
            expect(member.locator(".mlsd-shared-answer")).to_have_count(3, timeout=WAIT)
            expect(member.locator(".mlsd-answers")).to_contain_text("Ada secret")
            expect(member.locator(".mlsd-answers")).to_contain_text("Bo secret")
            expect(member.locator(".mlsd-clock-status")).to_contain_text("finished", timeout=WAIT)
            expect(member.locator(".mlsd-reference .mlsd-point").first).to_be_visible(timeout=WAIT)
        expect(facilitator.locator(".mlsd-shared-answer")).to_have_count(3, timeout=WAIT)
        expect(facilitator.locator(".mlsd-key-points .mlsd-point").first).to_be_visible(timeout=WAIT)
        expect(facilitator.locator(".mlsd-shared-name").last).to_have_text("Cy")
        save_screenshots(ada, "study-group-reveal", readme=True, top=".mlsd-answers")

        # peer scores: each scores the other on the first rubric item, with a comment
        for member, score, comment in ((ada, "2", "Clear goal"), (bo, "1", "Name a metric")):
            form = member.locator(".mlsd-peer-form").first
            form.wait_for(state="visible", timeout=WAIT)
            form.locator(".widget-toggle-buttons").first.locator("button", has_text=re.compile(f"^{score}$")).click()
            form.locator("input[type='text']").fill(comment)
            form.locator("input[type='text']").press("Enter")
            expect(form.locator(".mlsd-saved")).to_be_visible(timeout=WAIT)
        summary = facilitator.locator(".mlsd-score-summary")
        expect(summary.locator("tbody tr")).to_have_count(2, timeout=WAIT)
        expect(summary.locator("tr[data-member='Ada'] .mlsd-score-peers")).to_have_text("1 (1)")
        expect(summary.locator("tr[data-member='Bo'] .mlsd-score-peers")).to_have_text("2 (1)")
        expect(facilitator.locator(".mlsd-comments")).to_contain_text("Name a metric")
        groups = StudyGroups(AnswerStore(voila_server.home))
        rows = {r["name"]: r for r in groups.score_summary(code, key)}
        assert rows["Ada"]["peer_mean"] == 1 and rows["Bo"]["peer_mean"] == 2

        # the next step reaches both pages without a page load
        for member in (ada, bo):
            member.evaluate("() => { window.__same_page = true; }")
        widget_button(facilitator, "Next step").click()
        for member in (ada, bo):
            expect(member.locator(".mlsd-section-title")).to_contain_text("Step 2", timeout=WAIT)
            expect(member.locator(".mlsd-clock-status")).to_contain_text("ready", timeout=WAIT)
            assert member.evaluate("() => window.__same_page") is True

        # the export holds all of it
        widget_button(facilitator, "Export the group").click()
        expect(facilitator.locator("a.mlsd-download")).to_have_count(2, timeout=WAIT)
        data = json.loads((voila_server.home / "exports" / f"group-{code}.json").read_text())
        (step1, _) = data["steps"]
        texts = {a["name"]: a for a in step1["answers"]}
        assert texts["Ada"]["text"].startswith("Ada secret") and texts["Bo"]["text"].startswith("Bo secret")
        assert texts["Ada"]["comments"] == {"Bo": "Name a metric"} and texts["Cy"]["text"] == ""
        assert key not in json.dumps(data)
        markdown = (voila_server.home / "exports" / f"group-{code}.md").read_text()
        assert "Clear goal" in markdown and "Ada secret" in markdown

        # a member's reload comes back to the group's step with their text; the facilitator's keeps the session
        ada.reload()
        expect(ada.locator(".mlsd-section-title")).to_contain_text("Step 2", timeout=WAIT)
        expect(ada.locator(".mlsd-participant")).to_have_text("Ada")
        facilitator.reload()
        expect(facilitator.locator(".mlsd-group-step")).to_have_text("Design the data pipeline", timeout=WAIT)
        expect(facilitator.locator(".mlsd-group-code")).to_have_text(code)
        expect(facilitator.locator(".mlsd-score-summary tbody tr")).to_have_count(2, timeout=WAIT)
    finally:
        for c in contexts:
            c.close()


def test_in_the_candidate_format_only_the_candidates_text_reaches_the_interviewers_before_the_reveal(
        browser, voila_server, browser_context_args):
    """What reaches each browser (every websocket frame from its kernel), in the one-candidate format: the
    interviewer's page gets the candidate's text as it is typed; the candidate's page never gets the
    interviewer's notes before the reveal; after it, both."""
    groups = StudyGroups(AnswerStore(voila_server.home))
    group, key = groups.create("uber-shared-rides", steps=[1], format="candidate")
    tokens = {name: groups.join(group.code, name)[1] for name in ("Ada", "Bo")}
    groups.start(group.code, key)   # Ada, the first to join, is the candidate
    contexts = [browser.new_context(**browser_context_args) for _ in range(2)]
    ada, bo = (c.new_page() for c in contexts)
    frames = {"ada": Frames(ada), "bo": Frames(bo)}
    try:
        for page, name in ((ada, "Ada"), (bo, "Bo")):
            page.goto(voila_server.url("study-group.ipynb", group=group.code, participant=name, token=tokens[name]))
            page.locator(".mlsd-member .mlsd-answer-text textarea").wait_for(state="visible", timeout=WAIT)
        expect(ada.locator(".mlsd-role")).to_have_text("candidate")
        expect(bo.locator(".mlsd-role")).to_have_text("interviewer")
        ada.locator(".mlsd-answer-text textarea").fill("Candidate aloud: rank rides by detour minutes")
        bo.locator(".mlsd-answer-text textarea").fill("Interviewer note: ask about surge pricing")
        expect(bo.locator(".mlsd-shared-answer")).to_contain_text("Candidate aloud", timeout=WAIT)   # live
        expect(bo.locator(".mlsd-saved")).to_have_text(SAVED, timeout=WAIT)
        ada.wait_for_timeout(3_000)   # three refreshes of Ada's page after Bo's note was stored
        assert not frames["ada"].contain("Interviewer note") and "Interviewer note" not in ada.content()
        groups.reveal(group.code, key)
        expect(ada.locator(".mlsd-answers")).to_contain_text("Interviewer note", timeout=WAIT)
        expect(ada.locator(".mlsd-peer-form")).to_have_count(0)   # interviewers' notes are not scored
        expect(bo.locator(".mlsd-peer-form")).to_have_count(1, timeout=WAIT)   # the candidate's answer is
    finally:
        for c in contexts:
            c.close()


def test_the_presenter_view_shows_large_type_then_each_revealed_answer_and_follows_the_group(
        page, voila_server, widget_button, save_screenshots):
    """The projector's view, with no key: the clock and the prompts in large type; after the reveal the answers
    one at a time; the facilitator's next step reaches it without a reload; it has no facilitator button."""
    groups = StudyGroups(AnswerStore(voila_server.home))
    group, key = groups.create("spotify-discover-weekly", steps=[1, 2])
    for name, text in (("Ada", "Users who listen weekly; success is saves and return visits."),
                       ("Bo", "Start with the business goal: time spent listening to new artists.")):
        member, _ = groups.join(group.code, name)
        groups.store.attempt_step(name, "spotify-discover-weekly", 1, member.attempt_id).save(text)
    groups.start(group.code, key)
    page.goto(voila_server.url("study-group.ipynb", group=group.code, present="1"))
    presenter = page.locator(".mlsd-presenter")
    presenter.wait_for(state="visible", timeout=WAIT)
    expect(presenter.locator(".mlsd-present-step")).to_have_text("Step 1: Define the problem")
    expect(presenter).to_contain_text("once the facilitator reveals the step")
    size = presenter.locator(".mlsd-clock").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    body = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 3 * body, (size, body)   # readable from the back of a room
    prompt = presenter.locator(".mlsd-present-step + ul li").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert prompt >= 1.5 * body, (prompt, body)
    for label in ("Start", "Pause", "Next step", "Reveal answers", "Close session"):
        assert widget_button(page, label).count() == 0
    groups.reveal(group.code, key)
    expect(presenter.locator(".mlsd-present-count")).to_have_text("Answer 1 of 2", timeout=WAIT)
    expect(presenter.locator(".mlsd-shared-text")).to_have_text(re.compile("^Users who listen weekly"))
    save_screenshots(page, "study-group-presenter", readme=True)
    widget_button(page, "Next answer").click()
    expect(presenter.locator(".mlsd-present-count")).to_have_text("Answer 2 of 2", timeout=WAIT)
    expect(presenter.locator(".mlsd-shared-text")).to_have_text(re.compile("^Start with the business goal"))
    page.evaluate("() => { window.__same_page = true; }")
    groups.advance(group.code, key)
    expect(presenter.locator(".mlsd-present-step")).to_have_text("Step 2: Design the data pipeline", timeout=WAIT)
    assert page.evaluate("() => window.__same_page") is True


def test_a_hostile_name_and_answer_show_as_text_on_every_view_of_the_group(page, voila_server, widget_button):
    """A member named like markup, with an answer full of markup: the dashboard, the other member's page after the
    reveal and the presenter view show it literally, and nothing of it runs."""
    groups = StudyGroups(AnswerStore(voila_server.home))
    group, key = groups.create("uber-shared-rides", steps=[1])
    payload = "<script>window.__p=2</script><b>bold?</b>"
    for name, text in ((HOSTILE_NAME, payload), ("Ada", "A plain answer.")):
        member, token = groups.join(group.code, name)
        groups.store.attempt_step(name, "uber-shared-rides", 1, member.attempt_id).save(text)
    groups.reveal(group.code, key)
    groups.peer_comment(group.code, "Ada", token, HOSTILE_NAME, 1, payload)
    views = {"dashboard": {"group": group.code, "key": key},
             "member": {"group": group.code, "participant": "Ada", "token": token},
             "presenter": {"group": group.code, "present": "1"}}
    for view, query in views.items():
        page.goto(voila_server.url("study-group.ipynb", **query))
        shown = page.locator(".mlsd-shared-answer").filter(has_text=HOSTILE_NAME)
        expect(shown).to_have_count(1, timeout=WAIT)
        expect(shown.locator(".mlsd-shared-name")).to_have_text(HOSTILE_NAME)
        expect(shown.locator(".mlsd-shared-text")).to_have_text(payload)
        assert page.locator(".mlsd-shared-answer img, .mlsd-shared-answer script, .mlsd-shared-answer b:text('bold?')"
                            ).count() == 0, view
        assert page.evaluate("() => window.__p") is None, view
    page.goto(voila_server.url("study-group.ipynb", **views["dashboard"]))
    expect(page.locator(".mlsd-comments")).to_contain_text(payload, timeout=WAIT)
    expect(page.locator(f".mlsd-room tr[data-member='{HOSTILE_NAME}'] .mlsd-member-name")).to_have_text(HOSTILE_NAME)
    assert page.evaluate("() => window.__p") is None


class _Attacker(BaseHTTPRequestHandler):
    page = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args):
        pass


def test_a_page_from_another_origin_cannot_drive_the_facilitators_kernel(browser, voila_server, browser_context_args,
                                                                       widget_button):
    """The launcher turns Voila's XSRF check off, so this is what guards the facilitator's actions: a page
    served from another local port cannot open the facilitator kernel's websocket (Jupyter Server checks the
    Origin), so it cannot press a button, and it has no key to open a dashboard of its own."""
    context = browser.new_context(**browser_context_args)
    facilitator = context.new_page()
    kernels: list[str] = []
    facilitator.on("websocket", lambda ws: kernels.append(ws.url))
    server = None
    try:
        code, _key = _set_up(facilitator, voila_server, widget_button)
        channel = next(u for u in kernels if "/channels" in u)
        _Attacker.page = f"""<html><body><script>
          window.result = "pending";
          var ws = new WebSocket({json.dumps(channel)});
          ws.onopen = function () {{ window.result = "opened"; }};
          ws.onerror = ws.onclose = function () {{ if (window.result === "pending") window.result = "refused"; }};
        </script></body></html>""".encode()
        port = free_port()
        server = ThreadingHTTPServer(("127.0.0.1", port), _Attacker)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        attacker = context.new_page()
        attacker.goto(f"http://127.0.0.1:{port}/")
        attacker.wait_for_function("() => window.result !== 'pending'", timeout=WAIT)
        assert attacker.evaluate("() => window.result") == "refused"
        # the control: the same script from the server's own origin does open it (so the refusal is the origin's),
        # under a session id of its own (the facilitator's would make the server drop the facilitator's connection)
        same = context.new_page()
        same.goto(f"{voila_server.base_url}/voila/static/voila.js")
        assert "session_id=" in channel
        control = re.sub(r"session_id=[^&]*", "session_id=same-origin-control", channel)
        opened = same.evaluate("""channel => new Promise(done => { const ws = new WebSocket(channel);
            ws.onopen = () => { ws.close(); done("opened"); }; ws.onerror = () => done("refused"); })""", control)
        assert opened == "opened"
        assert StudyGroups(AnswerStore(voila_server.home)).step(code).clock.status == "ready"
        # and the facilitator's own page still drives it
        widget_button(facilitator, "Start").click()
        expect(facilitator.locator(".mlsd-clock")).not_to_have_text("08:00", timeout=WAIT)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        context.close()


def _kernels(server_pid: int) -> set[int]:
    """The process ids of the kernels the Voila server runs now."""
    import psutil

    return {p.pid for p in psutil.Process(server_pid).children(recursive=True)
            if "ipykernel_launcher" in " ".join(p.cmdline())}


def test_a_members_kernel_that_dies_comes_back_on_reload_with_the_text_and_the_clock(
        browser, voila_server, browser_context_args, widget_button):
    """Nothing lost: a member's kernel killed under the page (out of memory, say) loses nothing saved; the reload
    starts a fresh kernel that brings back the group's step, the member's text and the running clock."""
    import psutil

    contexts = [browser.new_context(**browser_context_args) for _ in range(2)]
    facilitator, member = (c.new_page() for c in contexts)
    try:
        _set_up(facilitator, voila_server, widget_button)
        join_href = facilitator.locator("a.mlsd-join-link").evaluate("a => a.href")
        before = _kernels(voila_server.pid)
        _join(member, join_href, "Kim", widget_button)
        widget_button(facilitator, "Start").click()
        expect(member.locator(".mlsd-clock-status")).to_contain_text("running", timeout=WAIT)
        text = "Kim's plan: rank trending topics by growth over the last hour"
        member.locator(".mlsd-answer-text textarea").fill(text)
        expect(member.locator(".mlsd-saved")).to_have_text(SAVED, timeout=WAIT)
        (kernel,) = _kernels(voila_server.pid) - before   # the member's page's kernel
        psutil.Process(kernel).kill()
        psutil.wait_procs([psutil.Process(kernel)] if psutil.pid_exists(kernel) else [], timeout=30)
        member.reload()
        expect(member.locator(".mlsd-answer-text textarea")).to_have_value(text, timeout=WAIT)
        expect(member.locator(".mlsd-participant")).to_have_text("Kim")
        expect(member.locator(".mlsd-section-title")).to_contain_text("Step 1")
        expect(member.locator(".mlsd-clock-status")).to_contain_text("running", timeout=WAIT)
        expect(facilitator.locator(".mlsd-room tr[data-member='Kim'] .mlsd-member-words")).to_have_text(
            str(len(text.split())), timeout=WAIT)
    finally:
        for c in contexts:
            c.close()
