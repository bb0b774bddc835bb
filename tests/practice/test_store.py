import multiprocessing
import os
import sqlite3

import pytest

from widgets.practice.store import DB_NAME, MIGRATIONS, AnswerStore, StoreError

Q = "uber-shared-rides"


def test_store_file_lives_under_the_home_folder_in_wal_mode(workbook_home):
    store = AnswerStore()
    assert store.path == workbook_home / DB_NAME and store.path.exists()
    mode = sqlite3.connect(store.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert store.schema_version == len(MIGRATIONS)


def test_every_edit_is_a_new_revision_and_nothing_is_lost(clock):
    store = AnswerStore(now=clock)
    store.save_answer("ada", Q, 1, "first draft")
    clock.advance(5)
    store.save_answer("ada", Q, 1, "first draft, longer")
    clock.advance(5)
    assert store.save_answer("ada", Q, 1, "first draft, longer") is None  # unchanged: nothing written
    store.save_answer("ada", Q, 1, "")
    texts = [r.text for r in store.revisions("ada", Q, 1)]
    assert texts == ["first draft", "first draft, longer", ""]
    attempt = store.attempt("ada", Q, 1)
    assert attempt.text == "" and attempt.saved_at == clock()


def test_everything_survives_reopening_the_file(clock, workbook_home):
    store = AnswerStore(now=clock)
    store.save_answer("ada", Q, 2, "Collect implicit feedback.")
    store.update_clock("ada", Q, 2, 480, "start")
    clock.advance(95)
    store.update_clock("ada", Q, 2, 480, "pause")
    store.set_score("ada", Q, 2, "privacy", 2)
    store.close()

    clock.advance(86400)  # the next day, a new kernel
    again = AnswerStore(now=clock).attempt("ada", Q, 2)
    assert again.text == "Collect implicit feedback."
    assert again.clock(480).elapsed(clock()) == 95
    assert again.scores == {"privacy": 2}


def test_a_running_clock_keeps_running_across_a_restart(clock):
    store = AnswerStore(now=clock)
    store.update_clock("ada", Q, 1, 480, "start")
    store.close()
    clock.advance(30)
    attempt = AnswerStore(now=clock).attempt("ada", Q, 1)
    assert attempt.clock(480).running and attempt.clock(480).elapsed(clock()) == 30


def test_scores_are_validated_and_can_be_cleared(clock):
    store = AnswerStore(now=clock)
    store.set_score("ada", Q, 4, "baselines", 1)
    store.set_score("ada", Q, 4, "baselines", 2)
    assert store.attempt("ada", Q, 4).scores == {"baselines": 2}
    store.set_score("ada", Q, 4, "baselines", None)
    assert store.attempt("ada", Q, 4).scores == {}
    for bad in (3, -1, 1.5):
        with pytest.raises(ValueError, match="whole number from 0 to 2"):
            store.set_score("ada", Q, 4, "baselines", bad)


def test_participants_are_kept_apart_and_names_are_checked(clock):
    store = AnswerStore(now=clock)
    store.save_answer("ada", Q, 1, "ada's answer")
    store.save_answer("grace", Q, 1, "grace's answer")
    assert store.attempt("ada", Q, 1).text == "ada's answer"
    assert {p for p, _, _ in store.sessions()} == {"ada", "grace"}
    with pytest.raises(ValueError, match="display name"):
        store.save_answer("   ", Q, 1, "x")


def test_context_is_remembered():
    store = AnswerStore()
    store.set_context(participant="ada", question_id=Q)
    store.set_context(question_id="spotify-discover-weekly")
    assert AnswerStore().get_context() == {"participant": "ada", "question_id": "spotify-discover-weekly"}


def _writer(home, participant, count):
    store = AnswerStore(home)
    for i in range(count):
        store.save_answer(participant, Q, 1 + i % 6, f"{participant} revision {i}")
        store.update_clock(participant, Q, 1 + i % 6, 480, "start" if i % 2 == 0 else "pause")
        store.set_score(participant, Q, 1 + i % 6, f"item-{i % 3}", i % 3)


def test_two_processes_writing_at_once_lose_nothing(workbook_home):
    AnswerStore(workbook_home).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(workbook_home), name, 120)) for name in ("ada", "grace")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    store = AnswerStore(workbook_home)
    for name in ("ada", "grace"):
        texts = [r.text for step in range(1, 7) for r in store.revisions(name, Q, step)]
        assert sorted(texts) == sorted(f"{name} revision {i}" for i in range(120))
        assert len(store.steps(name, Q)) == 6 and len(store.attempts(name, Q)) == 1   # one practice, six steps


def test_a_corrupt_file_is_set_aside_not_overwritten(workbook_home):
    workbook_home.mkdir(parents=True)
    garbage = b"this is not a database, it is a shopping list\n" * 100
    (workbook_home / DB_NAME).write_bytes(garbage)
    store = AnswerStore(workbook_home)
    assert store.notice and "damaged" in store.notice
    aside = [p for p in workbook_home.iterdir() if p.name.startswith("answers.corrupt-")]
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    store.save_answer("ada", Q, 1, "a fresh start")
    assert store.attempt("ada", Q, 1).text == "a fresh start"


def test_an_unwritable_folder_is_a_clear_message(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match=r"Cannot save answers in .*a-file/home .*MLSD_WORKBOOK_HOME"):
        AnswerStore(blocker / "home")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_a_read_only_folder_is_a_clear_message(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    with pytest.raises(StoreError, match="Cannot save answers"):
        AnswerStore(ro)


def test_a_read_only_filesystem_is_a_clear_message():
    with pytest.raises(StoreError, match=r"Cannot save answers in /proc/mlsd"):
        AnswerStore("/proc/mlsd")


def test_migrations_run_in_order_and_keep_data(workbook_home):
    store = AnswerStore(workbook_home)
    store.save_answer("ada", Q, 1, "kept")
    store.close()
    extra = MIGRATIONS + ("ALTER TABLE revisions ADD COLUMN source TEXT",)
    upgraded = AnswerStore(workbook_home, migrations=extra)
    assert upgraded.schema_version == len(MIGRATIONS) + 1
    assert upgraded.attempt("ada", Q, 1).text == "kept"
    upgraded.close()
    with pytest.raises(StoreError, match="newer version of the workbook"):
        AnswerStore(workbook_home)


def test_starting_a_step_pauses_the_sessions_other_running_step(clock):
    store = AnswerStore(now=clock)
    store.update_clock("ada", Q, 1, 480, "start")
    store.update_clock("grace", Q, 1, 480, "start")
    clock.advance(100)
    store.update_clock("ada", Q, 2, 480, "start")
    clock.advance(50)
    first = store.clock_state("ada", Q, 1, 480)
    assert not first.running and first.elapsed(clock()) == 100
    assert store.clock_state("ada", Q, 2, 480).elapsed(clock()) == 50
    assert store.clock_state("grace", Q, 1, 480).running  # another participant's clock is untouched
    assert store.clock_state("ada", Q, 3, 480) is None


def test_the_store_commits_without_waiting_for_a_disk_flush_in_wal_mode(workbook_home):
    """WAL with synchronous=NORMAL (1): durable across a crash of any program, flushed at checkpoints; the
    study-group benchmark measured the write p99 this buys (see the store's module text)."""
    store = AnswerStore(workbook_home)
    with store.reading() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1
