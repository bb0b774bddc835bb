"""Attempts: a question practised again is a new attempt; nothing of the earlier ones is lost; a file written
by schema version 1 comes out as one attempt per participant and question with every revision, clock and score."""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest

from widgets.practice.store import DB_NAME, MIGRATIONS, AnswerStore, StoreError

Q = "uber-shared-rides"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "answers-v1.db"


def test_practising_again_starts_a_fresh_attempt_and_keeps_the_earlier_one(clock):
    store = AnswerStore(now=clock)
    store.save_answer("ada", Q, 1, "First try.")
    store.update_clock("ada", Q, 1, 480, "start")
    clock.advance(100)
    store.set_score("ada", Q, 1, "ml-task-framing", 1)
    first = store.latest_attempt("ada", Q)
    second = store.start_attempt("ada", Q)
    assert (first.number, second.number) == (1, 2) and first.id != second.id
    uuid.UUID(second.id)   # a real UUID: copies between stores cannot collide
    assert store.attempt("ada", Q, 1) is None   # the new attempt has nothing yet
    assert store.clock_state("ada", Q, 1, 480) is None
    store.save_answer("ada", Q, 1, "Second try.")
    assert store.attempt("ada", Q, 1).text == "Second try."
    earlier = store.step_record(first, 1)
    assert earlier.text == "First try." and earlier.scores == {"ml-task-framing": 1}
    assert earlier.clock(480).running and earlier.clock(480).elapsed(clock()) == 100   # untouched
    assert [a.number for a in store.attempts("ada", Q)] == [1, 2]
    assert store.attempts("grace", Q) == []


def test_a_handle_is_bound_once_and_writes_to_its_own_attempt(clock):
    store = AnswerStore(now=clock)
    handle = store.attempt_step("ada", Q, 2)
    assert handle.attempt is None and handle.record().text == "" and not handle.record().stored
    assert store.attempts("ada", Q) == []   # opening stores nothing
    handle.save("Logs of trips.")
    assert handle.attempt.number == 1 and handle.record().text == "Logs of trips."
    store.start_attempt("ada", Q)   # another tab practises again
    handle.save("Logs of trips, and GPS pings.")   # this page still writes to the attempt it shows
    assert store.step_record(handle.attempt, 2).text == "Logs of trips, and GPS pings."
    assert store.attempt("ada", Q, 2) is None
    older = store.attempt_step("ada", Q, 2, attempt_id=handle.attempt.id)
    assert [r.text for r in older.revisions()] == ["Logs of trips.", "Logs of trips, and GPS pings."]
    with pytest.raises(StoreError, match="No attempt"):
        store.attempt_step("grace", Q, 2, attempt_id=handle.attempt.id)   # not grace's


def test_starting_a_step_pauses_only_the_same_attempts_running_steps(clock):
    store = AnswerStore(now=clock)
    store.update_clock("ada", Q, 1, 480, "start")
    first = store.latest_attempt("ada", Q)
    again = store.start_attempt("ada", Q)
    clock.advance(10)
    store.attempt_step("ada", Q, 2, attempt_id=again.id).clock_action(480, "start")
    assert store.step_record(first, 1).clock(480).running   # another attempt's clock is left alone


def test_a_version_1_file_becomes_one_attempt_per_practice_with_everything_kept(workbook_home):
    workbook_home.mkdir(parents=True)
    shutil.copy(FIXTURE, workbook_home / DB_NAME)
    before = sqlite3.connect(workbook_home / DB_NAME)
    assert before.execute("PRAGMA user_version").fetchone()[0] == 1
    old_steps = before.execute("SELECT participant, question_id, step, created_at, updated_at, clock_accumulated, "
                               "clock_running_since FROM attempts").fetchall()
    old_revisions = before.execute("SELECT a.participant, a.question_id, a.step, r.text, r.saved_at FROM revisions r "
                                   "JOIN attempts a ON a.id = r.attempt_id ORDER BY r.id").fetchall()
    old_scores = before.execute("SELECT a.participant, a.question_id, a.step, s.item_id, s.score FROM scores s "
                                "JOIN attempts a ON a.id = s.attempt_id").fetchall()
    old_context = dict(before.execute("SELECT key, value FROM context").fetchall())
    before.close()
    assert len(old_steps) == 5 and len(old_revisions) == 6 and len(old_scores) == 3

    store = AnswerStore(workbook_home)
    assert store.schema_version == len(MIGRATIONS) and store.notice is None
    practices = {(p, q) for p, q, *_ in old_steps}
    for participant, question_id in practices:
        attempts = store.attempts(participant, question_id)
        assert len(attempts) == 1 and attempts[0].number == 1
    for participant, question_id, step, created, updated, accumulated, running in old_steps:
        record = store.attempt(participant, question_id, step)
        assert (record.created_at, record.updated_at, record.clock_accumulated, record.clock_running_since) == (
            created, updated, accumulated, running)
    for participant, question_id, step in {(p, q, s) for p, q, s, *_ in old_revisions}:
        kept = [(r.text, r.saved_at) for r in store.revisions(participant, question_id, step)]
        assert kept == [(t, at) for p, q, s, t, at in old_revisions if (p, q, s) == (participant, question_id, step)]
    for participant, question_id, step, item, score in old_scores:
        assert store.attempt(participant, question_id, step).scores[item] == score
    assert store.get_context() == old_context
    # and the upgraded file goes on as usual
    store.start_attempt("Ada", Q)
    store.save_answer("Ada", Q, 1, "A second practice.")
    assert [a.number for a in store.attempts("Ada", Q)] == [1, 2]
    assert store.step_record(store.attempts("Ada", Q)[0], 1).text == old_revisions[2][3]
    tables = {r[0] for r in sqlite3.connect(workbook_home / DB_NAME).execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"attempts", "attempt_steps", "revisions", "scores", "context", "tool_inputs",
                      "study_groups", "group_steps", "group_members", "peer_scores", "peer_comments"}


def test_the_portable_schema_uses_no_sqlite_only_types():
    for migration in MIGRATIONS:
        ddl = migration.sql.upper()
        for word in (" REAL", "AUTOINCREMENT", "INSERT OR ", "PRAGMA", "WITHOUT ROWID"):
            assert word not in ddl, f"{word.strip()} in {migration.description}"
