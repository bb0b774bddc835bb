"""A full disk and a read-only answers file, as a person typing in a step app sees them: one clear message,
the text stays in the box, and saving resumes by itself once the fault clears (no reload, no click)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from widgets.practice.store import AnswerStore

from ..faults import read_only_file, small_disk
from .conftest import serve_voila

pytestmark = pytest.mark.browser

SAVED = re.compile(r"^saved at \d\d:\d\d:\d\d · ")
Q = "linkedin-job-recommendations"
LONG = "The candidate generator pulls jobs close to the member's embedding. " * 300


def _open_step(page, server, participant):
    page.goto(server.url("01-define-the-problem.ipynb", question=Q, participant=participant))
    box = page.locator(".mlsd-answer-text textarea")
    box.wait_for(state="visible", timeout=60_000)
    return box


def test_a_full_disk_while_typing_is_a_message_and_saving_resumes_when_space_returns(page, tmp_path_factory):
    root = tmp_path_factory.mktemp("full-disk")
    with small_disk(root / "disk", size="6m") as disk, serve_voila(root, home=disk.path / "home") as server:
        box = _open_step(page, server, "Disk Tester")
        box.fill("First words.")
        expect(page.locator(".mlsd-saved")).to_have_text(SAVED, timeout=30_000)
        disk.fill()
        box.fill(LONG)
        message = page.locator(".mlsd-step-answer .mlsd-error")
        expect(message).to_contain_text("is full", timeout=30_000)
        expect(message).to_contain_text("still here")
        body = page.locator("body").inner_text()
        assert "Traceback" not in body and "sqlite3" not in body and "OperationalError" not in body
        expect(box).to_have_value(LONG)
        assert AnswerStore(server.home).attempt("Disk Tester", Q, 1).text == "First words."
        disk.free()
        expect(page.locator(".mlsd-saved")).to_have_text(SAVED, timeout=30_000)   # nobody touched the page
        expect(message).to_have_count(0)
        assert AnswerStore(server.home).attempt("Disk Tester", Q, 1).text == LONG
        page.reload()
        expect(_open_step(page, server, "Disk Tester")).to_have_value(LONG)


def test_a_read_only_answers_file_is_a_notice_and_saving_resumes_when_it_is_writable(page, tmp_path_factory):
    root = tmp_path_factory.mktemp("read-only")
    home = root / "home"
    AnswerStore(home).save_answer("Read Only Tester", Q, 1, "Written before.")
    with serve_voila(root, home=home) as server:
        with read_only_file(home / "answers.db"):
            box = _open_step(page, server, "Read Only Tester")
            expect(page.locator(".mlsd-message").first).to_contain_text("read-only")
            expect(box).to_have_value("Written before.")
            expect(page.locator(".mlsd-step-answer .mlsd-error")).to_contain_text("read-only")   # said at once
            box.fill("Written before. And after.")
            # the typing reached the kernel and its save failed: the text is kept, and the page says so
            expect(page.locator(".mlsd-step-answer .mlsd-error")).to_contain_text("still here", timeout=30_000)
            expect(page.locator(".mlsd-saved")).to_contain_text("saving")
            assert "Traceback" not in page.locator("body").inner_text()
        expect(page.locator(".mlsd-saved")).to_have_text(SAVED, timeout=30_000)
        expect(page.locator(".mlsd-words")).to_have_text("4 words")
        assert AnswerStore(home).attempt("Read Only Tester", Q, 1).text == "Written before. And after."
