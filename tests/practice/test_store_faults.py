"""Ordinary faults of the store's file, made for real: a full disk, a read-only file, a character SQLite
cannot store. Each reaches the caller as one :class:`StoreError` with a clear message (never a raw
``sqlite3`` error), nothing saved is lost, and saving resumes by itself once the fault clears."""

from __future__ import annotations

import subprocess
import sys

import pytest

from widgets.practice.framework import load_framework
from widgets.practice.store import AnswerStore, StoreError
from widgets.views.answer import StepAnswer

from ..faults import read_only_file, small_disk

Q = "uber-shared-rides"
BIG = "An answer long enough to need new pages in the file. " * 400


def test_a_full_disk_is_one_clear_error_and_saving_resumes_when_space_returns(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        store = AnswerStore(disk.path / "home")
        store.save_answer("ada", Q, 1, "first")
        disk.fill()
        with pytest.raises(StoreError, match="full") as caught:
            for i in range(5):
                store.save_answer("ada", Q, 1, f"{BIG} {i}")
        assert str(disk.path / "home") in str(caught.value)
        assert store.attempt("ada", Q, 1).text == "first"      # nothing saved is lost, reads still work
        with pytest.raises(StoreError, match="full"):
            store.update_clock("ada", Q, 2, 480, "start")      # every write says the same
        disk.free()
        store.save_answer("ada", Q, 1, f"{BIG} after")
        assert store.attempt("ada", Q, 1).text == f"{BIG} after"
        assert [r.text for r in store.revisions("ada", Q, 1)] == ["first", f"{BIG} after"]


def test_a_read_only_answers_file_opens_with_a_notice_and_writes_resume_when_it_is_writable(tmp_path):
    home = tmp_path / "home"
    # written by another process: SQLite reuses a file descriptor this process still has on the same file
    # (the read-only bind mount is the same inode), which would let a write through
    subprocess.run([sys.executable, "-c", "import sys; from widgets.practice.store import AnswerStore; "
                    "AnswerStore(sys.argv[1]).save_answer('ada', sys.argv[2], 1, 'first')", str(home), Q], check=True)
    with read_only_file(home / "answers.db"):
        store = AnswerStore(home)
        assert store.notice is not None and "read-only" in store.notice and str(home / "answers.db") in store.notice
        assert store.attempt("ada", Q, 1).text == "first"
        with pytest.raises(StoreError, match="read-only"):
            store.save_answer("ada", Q, 1, "second")
        with pytest.raises(StoreError, match="read-only"):
            store.set_score("ada", Q, 1, "clarifying-questions", 2)
    store.save_answer("ada", Q, 1, "second")   # the same store object: it reopened the file
    assert AnswerStore(home).attempt("ada", Q, 1).text == "second"


def test_an_answers_file_that_is_a_folder_is_a_clear_error(tmp_path):
    home = tmp_path / "home"
    (home / "answers.db").mkdir(parents=True)
    with pytest.raises(StoreError, match="is a folder"):
        AnswerStore(home)


def test_a_lone_surrogate_is_replaced_and_saving_goes_on(tmp_path):
    store = AnswerStore(tmp_path)
    revision = store.save_answer("ada", Q, 1, "half an emoji \ud83d from a broken paste")
    assert revision.text == "half an emoji \ufffd from a broken paste"
    assert store.attempt("ada", Q, 1).text == "half an emoji \ufffd from a broken paste"
    store.save_answer("ada", Q, 1, "ordinary typing afterwards")
    assert store.attempt("ada", Q, 1).text == "ordinary typing afterwards"


def _answer(store, clock, step=1):
    return StepAnswer(store.attempt_step("ada", Q, step), load_framework().step(step), now=clock, autotick=False)


def test_the_answer_box_keeps_the_text_on_a_full_disk_says_so_once_and_saves_when_space_returns(tmp_path, clock):
    with small_disk(tmp_path / "disk") as disk:
        store = AnswerStore(disk.path / "home", now=clock)
        w = _answer(store, clock)
        disk.fill()
        w.text.value = BIG
        clock.advance(2)
        w.tick()
        assert "full" in w.message.value and "still here" in w.message.value
        assert "Traceback" not in w.message.value and "sqlite" not in w.message.value.lower()
        assert w.text.value == BIG and "saving" in w.saved_mark.value
        clock.advance(2)
        w.tick()   # still full: still the one message, still unsaved
        assert w.message.value.count("full") == 1 and store.attempt("ada", Q, 1).text == ""
        disk.free()
        clock.advance(2)
        w.tick()   # nobody touched anything: the next tick saves
        assert store.attempt("ada", Q, 1).text == BIG
        assert w.message.value == "" and "saved" in w.saved_mark.value


def test_a_lone_surrogate_in_the_box_is_replaced_with_a_message_and_the_rest_keeps_saving(tmp_path, clock):
    store = AnswerStore(tmp_path, now=clock)
    w = _answer(store, clock)
    w.text.value = "pasted \ud83d here"
    assert w.text.value == "pasted \ufffd here"
    assert "replaced" in w.message.value
    clock.advance(2)
    w.tick()
    assert store.attempt("ada", Q, 1).text == "pasted \ufffd here"
    w.text.value = "pasted \ufffd here, and more typing"
    clock.advance(2)
    w.tick()
    assert store.attempt("ada", Q, 1).text == "pasted \ufffd here, and more typing"
