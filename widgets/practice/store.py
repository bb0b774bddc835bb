"""The answer store: every answer, clock and self-score, in one SQLite file.

One file, ``answers.db``, under ``MLSD_WORKBOOK_HOME`` (default ``~/.mlsd-workbook``), in WAL mode
so that several kernels on one host (a study group's Voila apps) read and write it at once. Each
write is a short ``BEGIN IMMEDIATE`` transaction with a generous busy timeout, so concurrent
writers wait for each other instead of failing. ``synchronous = NORMAL`` (SQLite's advice for WAL): a
commit does not wait for the disk to flush, the WAL is flushed at checkpoints. A crash of a kernel, of the
server or of the machine's programs loses nothing committed and never damages the file; a power cut may
undo the last commits before the last checkpoint. What it buys: a study group of 30 autosaving at once
no longer queues behind each other's flushes (``benchmarks/study_group.py``: write p99 52-80 ms with
FULL, 1.6 ms with NORMAL, on 2 cores).

What is kept:

- an **attempt**: one practice of one question by one participant, with a random id (a UUID).
  Opening a question continues its latest attempt; :meth:`AnswerStore.start_attempt` begins a new
  one, and the earlier ones stay readable and exported.
- per (attempt, step): the clock, ``clock_accumulated`` seconds and ``clock_running_since`` (Unix
  time or NULL, see :mod:`widgets.practice.clock`), and the moment the step was finished;
- ``revisions``: the answer text, append-only. Saving never rewrites an earlier revision; the
  current answer is the latest one;
- ``scores``: the participant's rubric self-scores (0 to 2 per item);
- ``context``: the current participant and question, so the next notebook in JupyterLab opens on them.

Views work through an :class:`AttemptStep`, one step of one attempt bound once (save, clock,
score, revisions); the store's own methods that take ``(participant, question_id, step)`` work on
that participant's latest attempt at the question and exist for scripts and tests.

The schema and its migrations are in :mod:`widgets.practice.schema`; the version lives in ``PRAGMA
user_version``. A file that is not a readable database is renamed aside (never overwritten) and a
fresh one started; :attr:`AnswerStore.notice` says so, with the path.

Faults reach the caller as one :class:`StoreError` whose message says what is wrong and what to do,
never as a raw ``sqlite3`` error: a full disk, a read-only answers file (it opens with a notice:
earlier answers show, nothing new is saved), a busy or vanished file. A failed write changes
nothing, and the next write tries again from scratch, reopening the file when it was read-only, so
saving resumes by itself once the fault clears. Text SQLite cannot store (a lone surrogate, half of
an emoji from a broken paste) is replaced by U+FFFD rather than stopping every later save.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace  # noqa: F401  (replace: in a doctest)
from pathlib import Path
from typing import Callable, Sequence

from widgets.practice.clock import ClockState, format_elapsed

HOME_ENV = "MLSD_WORKBOOK_HOME"
DB_NAME = "answers.db"
#: Self-score scale for a rubric item: 0 missed, 1 touched on, 2 covered well.
SCORE_RANGE = (0, 2)
BUSY_TIMEOUT_SECONDS = 30.0

from widgets.practice.schema import MIGRATIONS, SQLITE, Migration  # noqa: E402  (re-exported)


class StoreError(RuntimeError):
    """The store cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Revision:
    id: int
    text: str
    saved_at: float


@dataclass(frozen=True)
class Attempt:
    """One practice of one question by one participant; ``number`` counts them from 1, oldest first."""

    id: str
    participant: str
    question_id: str
    created_at: float
    updated_at: float
    number: int = 1
    #: The study group's code when this is a group practice (solo pages never open those), else ``None``.
    group_code: str | None = None


@dataclass(frozen=True)
class ToolInputs:
    """What a participant typed into one tool (control name -> value), and when."""

    tool: str
    values: dict
    updated_at: float


@dataclass(frozen=True)
class StepRecord:
    """What is stored for one step of one attempt: the latest text, the clock, the scores."""

    attempt_id: str | None
    participant: str
    question_id: str
    step: int
    created_at: float
    updated_at: float
    clock_accumulated: float
    clock_running_since: float | None
    finished_at: float | None
    text: str
    saved_at: float | None
    scores: dict
    #: False for a step nothing was stored for yet.
    stored: bool = True
    #: How many revisions of the answer were saved.
    revision_count: int = 0

    def clock(self, budget_seconds: float) -> ClockState:
        return ClockState(budget_seconds, self.clock_accumulated, self.clock_running_since)

    @property
    def words(self) -> int:
        """Words in the answer (runs of non-space characters), as every page counts them.

        Examples
        --------
        >>> StepRecord.empty("ada", "q", 1).words, replace(StepRecord.empty("ada", "q", 1), text=" two  words ").words
        (0, 2)
        """
        return len(self.text.split())

    @property
    def started(self) -> bool:
        """Whether anything happened: text typed, or the clock started once."""
        return bool(self.text) or self.clock_accumulated > 0 or self.clock_running_since is not None

    def status(self, budget_seconds: float) -> str:
        """``"not started"``, ``"ready"`` (opened, clock never started), ``"running"``, ``"paused"`` or ``"finished"``."""
        if self.finished_at is not None:
            return "finished"
        if not self.started:
            return "not started"
        return self.clock(budget_seconds).status

    def progress(self, budget_seconds: float, now: float) -> str:
        """One line on the step, as the progress tables show it: status, time used, overtime, words.

        Examples
        --------
        >>> r = replace(StepRecord.empty("ada", "q", 1), text="two words", clock_accumulated=560.0, finished_at=9.0)
        >>> r.progress(480, now=1000.0)
        'finished, 09:20 used (01:20 over), 2 words'
        """
        if not self.started:
            return "not started"
        clock = self.clock(budget_seconds)
        over = clock.overtime(now)
        return (f"{self.status(budget_seconds)}, {format_elapsed(clock.elapsed(now))} used"
                f"{f' ({format_elapsed(over)} over)' if over > 0 else ''}, {self.words} word{'s' if self.words != 1 else ''}")

    @classmethod
    def empty(cls, participant: str, question_id: str, step: int, attempt_id: str | None = None) -> "StepRecord":
        """A step with nothing stored yet (what a page shows before, or when the store cannot write)."""
        return cls(attempt_id, participant, question_id, step, 0.0, 0.0, 0.0, None, None, "", None, {}, False)


def default_home() -> Path:
    """The store's folder: ``$MLSD_WORKBOOK_HOME`` or ``~/.mlsd-workbook``."""
    return Path(os.environ.get(HOME_ENV) or Path.home() / ".mlsd-workbook").expanduser()


_SURROGATE = re.compile("[\ud800-\udfff]")
#: What replaces a character the database cannot store.
REPLACEMENT = "\ufffd"


def storable_text(text: str) -> tuple[str, int]:
    r"""``text`` with every lone surrogate (which UTF-8, and so SQLite, cannot hold) replaced by U+FFFD,
    and how many were replaced.

    Examples
    --------
    >>> storable_text("half an emoji \ud83d here")
    ('half an emoji \ufffd here', 1)
    >>> storable_text("a whole one \U0001F600")
    ('a whole one \U0001f600', 0)
    """
    return _SURROGATE.subn(REPLACEMENT, text)


def clean_participant(name: str) -> str:
    """Normalise a display name; raise ``ValueError`` with a readable message if it is unusable.

    Examples
    --------
    >>> clean_participant("  Ada   Lovelace ")
    'Ada Lovelace'
    >>> clean_participant("")
    Traceback (most recent call last):
    ...
    ValueError: Enter a display name (1 to 40 characters).
    """
    cleaned = " ".join(str(name or "").split())
    if not 1 <= len(cleaned) <= 40 or not cleaned.isprintable():
        raise ValueError("Enter a display name (1 to 40 characters).")
    return cleaned


class AnswerStore:
    """Answers, clocks, self-scores and context in one SQLite file.

    Parameters
    ----------
    home : folder of the store file; default :func:`default_home`.
    now : the clock, seconds since the epoch; tests inject a fake one.
    migrations : the schema migrations to apply (tests pass extra ones).

    Examples
    --------
    >>> import tempfile
    >>> store = AnswerStore(tempfile.mkdtemp())
    >>> _ = store.save_answer("ada", "spotify-discover-weekly", 1, "Clarify the goal first.")
    >>> store.attempt("ada", "spotify-discover-weekly", 1).text
    'Clarify the goal first.'
    """

    def __init__(self, home: str | os.PathLike | None = None, now: Callable[[], float] = time.time,
                 migrations: Sequence[str] = MIGRATIONS):
        self.home = Path(home).expanduser() if home is not None else default_home()
        self.path = self.home / DB_NAME
        self.now = now
        self.notice: str | None = None
        self._migrations = tuple(migrations)
        self._lock = threading.RLock()
        self._reopen = False
        try:
            self.home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(self._unwritable(exc)) from None
        self._conn = self._open()

    # -- opening -----------------------------------------------------------------------------
    def _unwritable(self, exc: BaseException) -> str:
        reason = getattr(exc, "strerror", None) or str(exc)
        return (f"Cannot save answers in {self.home} ({reason}). "
                f"Set {HOME_ENV} to a folder you can write to and restart.")

    def _error(self, exc: BaseException) -> StoreError:
        """The one message a user reads for a database fault: what is wrong, with the path, and what to do."""
        text = str(exc).lower()
        if isinstance(exc, StoreError):
            return exc
        if "full" in text or getattr(exc, "errno", None) == errno.ENOSPC:
            return StoreError(f"The disk holding {self.path} is full, so nothing new can be saved. "
                              "Free some space; saving resumes by itself.")
        if "readonly" in text or "read-only" in text or getattr(exc, "errno", None) == errno.EROFS:
            self._reopen = True   # a connection opened read-only stays so: reopen on the next write
            return StoreError(f"The answers file {self.path} is read-only, so nothing new can be saved. "
                              "Make it writable again (for example chmod u+w); saving resumes by itself.")
        if "locked" in text or "busy" in text:
            return StoreError(f"The answers file {self.path} is busy (another program holds it); "
                              "saving resumes when it is released.")
        if "i/o" in text or "unable to open" in text:
            self._reopen = True
            if self.path.is_dir():
                return StoreError(f"{self.path} is a folder, not the answers file: move it away, or set "
                                  f"{HOME_ENV} to another folder, and restart.")
            return StoreError(f"The answers file {self.path} cannot be read or written ({exc}); "
                              "check the disk and the file. Saving resumes when it can.")
        return StoreError(f"The answers file {self.path} could not be used ({exc}).")

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return conn

    def _open(self) -> sqlite3.Connection:
        if self.path.is_dir():
            raise self._error(sqlite3.OperationalError("unable to open database file"))
        try:
            conn = self._connect()
            self._check(conn)
        except sqlite3.DatabaseError as exc:
            if not self._looks_corrupt(exc):
                raise StoreError(self._unwritable(exc)) from None
            conn.close()
            aside = self._set_aside()
            self.notice = (f"The answers file was damaged and could not be read; it was kept as "
                           f"{aside} and a new one started.")
            try:
                conn = self._connect()
                self._check(conn)
            except sqlite3.DatabaseError as exc2:
                raise StoreError(self._unwritable(exc2)) from None
        if self.path.exists() and not os.access(self.path, os.W_OK):
            self.notice = (f"The answers file {self.path} is read-only: your earlier answers show, but nothing new "
                           "is saved until it is writable again (for example chmod u+w).")
        return conn

    @staticmethod
    def _looks_corrupt(exc: sqlite3.DatabaseError) -> bool:
        text = str(exc).lower()
        return any(s in text for s in ("not a database", "malformed", "corrupt", "quick_check"))

    def _check(self, conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise sqlite3.DatabaseError(f"quick_check: {result}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if os.access(self.path, os.W_OK):
            self._migrate(conn)
        elif conn.execute("PRAGMA user_version").fetchone()[0] != len(self._migrations):
            raise StoreError(f"The answers file {self.path} is read-only and was written by another version of "
                             "the workbook; make it writable so that it can be brought up to date.")

    def _set_aside(self) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self.now()))
        aside = self.path.with_name(f"answers.corrupt-{stamp}.db")
        n = 1
        while aside.exists():
            aside = self.path.with_name(f"answers.corrupt-{stamp}-{n}.db")
            n += 1
        self.path.rename(aside)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(DB_NAME + suffix)
            if side.exists():
                side.rename(aside.with_name(aside.name + suffix))
        return aside

    def _migrate(self, conn: sqlite3.Connection) -> None:
        with self._write(conn):
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(self._migrations):
                raise StoreError(
                    f"{self.path} was written by a newer version of the workbook "
                    f"(schema {version}, this one knows {len(self._migrations)}). Upgrade the workbook."
                )
            for number, migration in enumerate(self._migrations[version:], start=version + 1):
                if isinstance(migration, str):   # plain portable SQL
                    migration = Migration(migration)
                for statement in migration.statements(SQLITE):
                    conn.execute(statement)
                if migration.move is not None:
                    migration.move(conn, SQLITE)
                conn.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        with self._read() as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self._conn.close()

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        # SQLite may already have rolled back (a full disk at COMMIT): a second ROLLBACK would raise
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    @contextmanager
    def _write(self, conn: sqlite3.Connection | None = None):
        """One short write transaction; any database fault inside becomes a :class:`StoreError`."""
        with self._lock:
            if conn is None:
                if self._reopen:
                    self._reconnect()
                conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._error(exc) from None
            try:
                yield conn
            except (sqlite3.Error, UnicodeError) as exc:
                self._rollback(conn)
                raise self._error(exc) from None
            except BaseException:
                self._rollback(conn)
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback(conn)
                raise self._error(exc) from None

    def transaction(self):
        """One short write transaction on the store's connection, for the practice layer's other modules
        (:mod:`widgets.practice.group`): ``with store.transaction() as conn: conn.execute(...)``."""
        return self._write()

    def reading(self):
        """The store's connection under its lock, for reads by the practice layer's other modules."""
        return self._read()

    @contextmanager
    def _read(self):
        """A read under the store's lock; a database fault becomes a :class:`StoreError`."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    def _reconnect(self) -> None:
        """Open the file afresh (after it was read-only or unreachable); keep the old connection on failure."""
        try:
            conn = self._connect()
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error:
            return
        self._conn.close()
        self._conn = conn
        self._reopen = False

    # -- attempts ---------------------------------------------------------------------------
    @staticmethod
    def _attempt(row) -> Attempt:
        return Attempt(row["id"], row["participant"], row["question_id"], row["created_at"], row["updated_at"],
                       row["number"], row["group_code"])

    def attempts(self, participant: str, question_id: str) -> list[Attempt]:
        """Every solo attempt of one participant at one question, oldest first (``number`` 1, 2, ...).
        Group practices (:mod:`widgets.practice.group`) are not among them: solo practice never opens one."""
        with self._read() as conn:
            rows = conn.execute("SELECT * FROM attempts WHERE participant = ? AND question_id = ? "
                                "AND group_code IS NULL ORDER BY number",
                                (participant, question_id)).fetchall()
        return [self._attempt(r) for r in rows]

    def latest_attempt(self, participant: str, question_id: str) -> Attempt | None:
        """The attempt a page opens on: the participant's newest at the question, or ``None``."""
        found = self.attempts(participant, question_id)
        return found[-1] if found else None

    def attempt_by_id(self, attempt_id: str) -> Attempt | None:
        """The attempt with this id, or ``None``."""
        with self._read() as conn:
            row = conn.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
        return None if row is None else self._attempt(row)

    def start_attempt(self, participant: str, question_id: str) -> Attempt:
        """Begin a new practice of the question ("Practise again"); earlier attempts are kept."""
        participant = clean_participant(participant)
        with self._write() as conn:
            self._new_attempt(conn, participant, question_id)
        return self.latest_attempt(participant, question_id)

    def _new_attempt(self, conn, participant: str, question_id: str, group_code: str | None = None) -> str:
        attempt_id, now = str(uuid.uuid4()), self.now()
        # solo practices count 1, 2, 3 ...; group practices -1, -2 ..., so that a group session in between
        # never makes a solo page say "Practice 3 of 2" (the numbers stay unique per participant and question)
        if group_code is None:
            number = conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM attempts WHERE participant = ? AND "
                                  "question_id = ? AND number > 0", (participant, question_id)).fetchone()[0]
        else:
            number = conn.execute("SELECT COALESCE(MIN(number), 0) - 1 FROM attempts WHERE participant = ? AND "
                                  "question_id = ? AND number < 0", (participant, question_id)).fetchone()[0]
        conn.execute("INSERT INTO attempts (id, participant, question_id, number, created_at, updated_at, group_code) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", (attempt_id, participant, question_id, number, now, now, group_code))
        return attempt_id

    def new_group_attempt(self, conn, participant: str, question_id: str, group_code: str) -> str:
        """Inside :meth:`transaction`: a group practice's attempt (solo pages never open it); its id."""
        return self._new_attempt(conn, participant, question_id, group_code)

    def ensure_step(self, conn, attempt_id: str, step: int) -> None:
        """Inside :meth:`transaction`: the attempt step's row, created if missing."""
        self._ensure_step(conn, attempt_id, step)

    def _latest_or_new(self, conn, participant: str, question_id: str) -> str:
        row = conn.execute("SELECT id FROM attempts WHERE participant = ? AND question_id = ? AND group_code IS NULL "
                           "ORDER BY number DESC LIMIT 1", (participant, question_id)).fetchone()
        return row["id"] if row is not None else self._new_attempt(conn, participant, question_id)

    def sessions(self) -> list[tuple[str, str, float]]:
        """``(participant, question_id, last update)`` for everything practised, newest first."""
        with self._read() as conn:
            return [tuple(r) for r in conn.execute(
                "SELECT participant, question_id, MAX(updated_at) AS u FROM attempts WHERE group_code IS NULL "
                "GROUP BY participant, question_id ORDER BY u DESC")]

    def attempt_step(self, participant: str, question_id: str, step: int, attempt_id: str | None = None) -> "AttemptStep":
        """The handle of one step: of the attempt ``attempt_id`` (it must be this participant's at this
        question), else of the latest attempt (one is started at the first write if there is none)."""
        return AttemptStep(self, participant, question_id, step, attempt_id)

    # -- one step of one attempt (what AttemptStep calls) -------------------------------------
    def _ensure_step(self, conn, attempt_id: str, step: int) -> None:
        now = self.now()
        conn.execute("INSERT INTO attempt_steps (attempt_id, step, created_at, updated_at) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT (attempt_id, step) DO NOTHING", (attempt_id, step, now, now))

    def _touch(self, conn, attempt_id: str, step: int, now: float) -> None:
        conn.execute("UPDATE attempt_steps SET updated_at = ? WHERE attempt_id = ? AND step = ?", (now, attempt_id, step))
        conn.execute("UPDATE attempts SET updated_at = ? WHERE id = ?", (now, attempt_id))

    def step_record(self, attempt: Attempt, step: int) -> StepRecord:
        """What is stored for one step of ``attempt`` (an empty record if nothing is)."""
        with self._read() as conn:
            row = conn.execute("SELECT * FROM attempt_steps WHERE attempt_id = ? AND step = ?",
                               (attempt.id, step)).fetchone()
            if row is None:
                return StepRecord.empty(attempt.participant, attempt.question_id, step, attempt.id)
            latest = conn.execute("SELECT text, saved_at FROM revisions WHERE attempt_id = ? AND step = ? "
                                  "ORDER BY id DESC LIMIT 1", (attempt.id, step)).fetchone()
            scores = dict(conn.execute("SELECT item_id, score FROM scores WHERE attempt_id = ? AND step = ?",
                                       (attempt.id, step)).fetchall())
            count = conn.execute("SELECT COUNT(*) FROM revisions WHERE attempt_id = ? AND step = ?",
                                 (attempt.id, step)).fetchone()[0]
        return StepRecord(attempt.id, attempt.participant, attempt.question_id, step, row["created_at"],
                          row["updated_at"], row["clock_accumulated"], row["clock_running_since"], row["finished_at"],
                          latest["text"] if latest else "", latest["saved_at"] if latest else None, scores, True,
                          count)

    def _save(self, conn, attempt_id: str, step: int, text: str) -> Revision | None:
        text, _ = storable_text(text)
        self._ensure_step(conn, attempt_id, step)
        latest = conn.execute("SELECT text FROM revisions WHERE attempt_id = ? AND step = ? ORDER BY id DESC LIMIT 1",
                              (attempt_id, step)).fetchone()
        if (latest["text"] if latest else "") == text:
            return None
        now = self.now()
        cur = conn.execute("INSERT INTO revisions (attempt_id, step, text, saved_at) VALUES (?, ?, ?, ?)",
                           (attempt_id, step, text, now))
        self._touch(conn, attempt_id, step, now)
        return Revision(cur.lastrowid, text, now)

    def attempt_revisions(self, attempt: Attempt, step: int) -> list[Revision]:
        """Every saved version of one step of ``attempt``, oldest first."""
        return self._revisions(attempt.id, step)

    def _revisions(self, attempt_id: str, step: int) -> list[Revision]:
        with self._read() as conn:
            return [Revision(r["id"], r["text"], r["saved_at"]) for r in conn.execute(
                "SELECT id, text, saved_at FROM revisions WHERE attempt_id = ? AND step = ? ORDER BY id",
                (attempt_id, step))]

    @staticmethod
    def _refuse_in_group(conn, attempt_id: str) -> None:
        row = conn.execute("SELECT group_code FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
        if row is not None and row["group_code"] is not None:
            raise ValueError("In a study group the facilitator starts, pauses and finishes the clock.")

    def _clock(self, conn, attempt_id: str, step: int, budget_seconds: float, action: str) -> ClockState:
        if action not in ("start", "pause", "reset"):
            raise ValueError(f"Unknown clock action {action!r}.")
        self._refuse_in_group(conn, attempt_id)
        self._ensure_step(conn, attempt_id, step)
        row = conn.execute("SELECT clock_accumulated, clock_running_since, finished_at FROM attempt_steps "
                           "WHERE attempt_id = ? AND step = ?", (attempt_id, step)).fetchone()
        if row["finished_at"] is not None:
            raise ValueError(f"Step {step} is finished, so its clock stays stopped; practise the question again "
                             "to answer it afresh.")
        clock = ClockState(budget_seconds, row[0], row[1])
        now = self.now()
        clock = clock.start(now) if action == "start" else clock.pause(now) if action == "pause" else clock.reset()
        conn.execute("UPDATE attempt_steps SET clock_accumulated = ?, clock_running_since = ? "
                     "WHERE attempt_id = ? AND step = ?", (clock.accumulated, clock.running_since, attempt_id, step))
        self._touch(conn, attempt_id, step, now)
        if action == "start":
            # One interview, one clock: starting a step pauses the attempt's other running steps.
            for other, since in conn.execute(
                    "SELECT step, clock_running_since FROM attempt_steps WHERE attempt_id = ? AND step != ? "
                    "AND clock_running_since IS NOT NULL", (attempt_id, step)).fetchall():
                conn.execute("UPDATE attempt_steps SET clock_accumulated = clock_accumulated + ?, "
                             "clock_running_since = NULL, updated_at = ? WHERE attempt_id = ? AND step = ?",
                             (max(0.0, now - since), now, attempt_id, other))
        return clock

    def _finish(self, conn, attempt_id: str, step: int, budget_seconds: float) -> tuple[ClockState, float]:
        """Stop the step's clock for good and keep the moment (once: finishing again changes nothing)."""
        self._refuse_in_group(conn, attempt_id)
        self._ensure_step(conn, attempt_id, step)
        row = conn.execute("SELECT clock_accumulated, clock_running_since, finished_at FROM attempt_steps "
                           "WHERE attempt_id = ? AND step = ?", (attempt_id, step)).fetchone()
        clock = ClockState(budget_seconds, row[0], row[1])
        if row["finished_at"] is not None:
            return clock, row["finished_at"]
        now = self.now()
        clock = clock.pause(now) if clock.running else clock
        conn.execute("UPDATE attempt_steps SET clock_accumulated = ?, clock_running_since = NULL, finished_at = ? "
                     "WHERE attempt_id = ? AND step = ?", (clock.accumulated, now, attempt_id, step))
        self._touch(conn, attempt_id, step, now)
        return clock, now

    def _clock_state(self, attempt_id: str, step: int, budget_seconds: float) -> tuple[ClockState | None, float | None]:
        with self._read() as conn:
            row = conn.execute("SELECT clock_accumulated, clock_running_since, finished_at FROM attempt_steps "
                               "WHERE attempt_id = ? AND step = ?", (attempt_id, step)).fetchone()
        return (None, None) if row is None else (ClockState(budget_seconds, row[0], row[1]), row[2])

    def _score(self, conn, attempt_id: str, step: int, item_id: str, score: int | None) -> None:
        if score is not None and (not isinstance(score, int) or not SCORE_RANGE[0] <= score <= SCORE_RANGE[1]):
            raise ValueError(f"A self-score is a whole number from {SCORE_RANGE[0]} to {SCORE_RANGE[1]}.")
        self._ensure_step(conn, attempt_id, step)
        now = self.now()
        if score is None:
            conn.execute("DELETE FROM scores WHERE attempt_id = ? AND step = ? AND item_id = ?",
                         (attempt_id, step, item_id))
        else:
            conn.execute("INSERT INTO scores (attempt_id, step, item_id, score, updated_at) VALUES (?, ?, ?, ?, ?) "
                         "ON CONFLICT (attempt_id, step, item_id) DO UPDATE SET score = excluded.score, "
                         "updated_at = excluded.updated_at", (attempt_id, step, item_id, score, now))
        self._touch(conn, attempt_id, step, now)

    def _save_inputs(self, conn, attempt_id: str, tool: str, values: dict) -> None:
        now = self.now()
        conn.execute("INSERT INTO tool_inputs (attempt_id, tool, inputs, updated_at) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT (attempt_id, tool) DO UPDATE SET inputs = excluded.inputs, "
                     "updated_at = excluded.updated_at", (attempt_id, tool, json.dumps(values, sort_keys=True), now))
        conn.execute("UPDATE attempts SET updated_at = ? WHERE id = ?", (now, attempt_id))

    def tool_inputs(self, attempt: Attempt, tool: str) -> ToolInputs | None:
        """The inputs a participant last gave ``tool`` in ``attempt``, or ``None``."""
        with self._read() as conn:
            row = conn.execute("SELECT inputs, updated_at FROM tool_inputs WHERE attempt_id = ? AND tool = ?",
                               (attempt.id, tool)).fetchone()
        return None if row is None else ToolInputs(tool, json.loads(row["inputs"]), row["updated_at"])

    # -- the participant's latest attempt, by (participant, question_id, step): scripts and tests --
    def attempt(self, participant: str, question_id: str, step: int) -> StepRecord | None:
        """The step in the participant's latest attempt at the question, or ``None`` if it was never opened."""
        latest = self.latest_attempt(participant, question_id)
        if latest is None:
            return None
        record = self.step_record(latest, step)
        return record if record.stored else None

    def open_attempt(self, participant: str, question_id: str, step: int) -> StepRecord:
        """Create the step's row (and the attempt) if they do not exist yet, and return it."""
        return self.attempt_step(participant, question_id, step).open()

    def steps(self, participant: str, question_id: str) -> list[StepRecord]:
        """Every opened step of the participant's latest attempt at the question, by step."""
        latest = self.latest_attempt(participant, question_id)
        if latest is None:
            return []
        with self._read() as conn:
            numbers = [r[0] for r in conn.execute("SELECT step FROM attempt_steps WHERE attempt_id = ? ORDER BY step",
                                                  (latest.id,))]
        return [self.step_record(latest, n) for n in numbers]

    def save_answer(self, participant: str, question_id: str, step: int, text: str) -> Revision | None:
        """Append ``text`` as a new revision; nothing is written when it equals the latest one.

        Returns the new revision, or ``None`` when the text was unchanged. A lone surrogate in ``text``
        is stored as U+FFFD (see :func:`storable_text`).
        """
        return self.attempt_step(participant, question_id, step).save(text)

    def revisions(self, participant: str, question_id: str, step: int) -> list[Revision]:
        """Every saved revision of an answer, oldest first."""
        return self.attempt_step(participant, question_id, step).revisions()

    def update_clock(self, participant: str, question_id: str, step: int, budget_seconds: float,
                     action: str) -> ClockState:
        """Apply ``"start"``, ``"pause"`` or ``"reset"`` atomically and return the new clock.

        Starting a step's clock pauses every other running step of the same attempt.
        """
        return self.attempt_step(participant, question_id, step).clock_action(budget_seconds, action)

    def clock_state(self, participant: str, question_id: str, step: int, budget_seconds: float) -> ClockState | None:
        """The stored clock of one step (cheap; the answer widget polls it), or ``None``."""
        return self.attempt_step(participant, question_id, step).clock(budget_seconds)

    def set_score(self, participant: str, question_id: str, step: int, item_id: str, score: int | None) -> None:
        """Record a self-score (0 to 2) for one rubric item; ``None`` clears it."""
        self.attempt_step(participant, question_id, step).score(item_id, score)

    # -- context -----------------------------------------------------------------------------
    def set_context(self, **values: str) -> None:
        """Remember the current ``participant`` and ``question_id`` for the next notebook."""
        now = self.now()
        with self._write() as conn:
            for key, value in values.items():
                conn.execute(
                    "INSERT INTO context (key, value, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    (key, str(value), now))

    def get_context(self) -> dict:
        with self._read():
            return {r["key"]: r["value"] for r in self._conn.execute("SELECT key, value FROM context")}


class AttemptStep:
    """One step of one attempt, bound once: what a view saves, times and scores through.

    Bound to ``attempt_id`` when given (it must be ``participant``'s attempt at ``question_id``),
    else to the participant's latest attempt at the question; when there is none yet, the first write
    starts one, so that merely opening a page stores nothing.

    Examples
    --------
    >>> import tempfile
    >>> store = AnswerStore(tempfile.mkdtemp())
    >>> handle = store.attempt_step("ada", "uber-shared-rides", 1)
    >>> _ = handle.save("Match riders going the same way.")
    >>> handle.record().text, handle.attempt.number
    ('Match riders going the same way.', 1)
    """

    def __init__(self, store: AnswerStore, participant: str, question_id: str, step: int,
                 attempt_id: str | None = None):
        self.store, self.step = store, step
        self.participant, self.question_id = clean_participant(participant), question_id
        self.attempt: Attempt | None = None
        self._binding: str | None = None
        if attempt_id is not None:
            found = store.attempt_by_id(attempt_id)
            if found is None or (found.participant, found.question_id) != (self.participant, question_id):
                raise StoreError(f"No attempt {attempt_id!r} of {self.participant!r} at {question_id!r}.")
            self.attempt = found
        else:
            self.attempt = store.latest_attempt(self.participant, question_id)

    def _bound(self, conn) -> str:
        if self.attempt is None:
            self._binding = self.store._latest_or_new(conn, self.participant, self.question_id)
            return self._binding
        return self.attempt.id

    def _write(self):
        """The store's write transaction; binds the handle to the attempt the first write starts."""
        self._binding = None
        return self.store._write()

    def _settle(self) -> None:
        if self.attempt is None and self._binding is not None:
            self.attempt = self.store.attempt_by_id(self._binding)

    def record(self) -> StepRecord:
        """What is stored for the step (an empty record before anything was)."""
        if self.attempt is None:
            return StepRecord.empty(self.participant, self.question_id, self.step)
        return self.store.step_record(self.attempt, self.step)

    def open(self) -> StepRecord:
        """Create the step's row (and the attempt) if needed, and return the record."""
        with self._write() as conn:
            self.store._ensure_step(conn, self._bound(conn), self.step)
        self._settle()
        return self.record()

    def save(self, text: str) -> Revision | None:
        """Append ``text`` as a revision (``None`` when it equals the latest one)."""
        with self._write() as conn:
            revision = self.store._save(conn, self._bound(conn), self.step, text)
        self._settle()
        return revision

    def revisions(self) -> list[Revision]:
        return [] if self.attempt is None else self.store._revisions(self.attempt.id, self.step)

    def clock(self, budget_seconds: float) -> ClockState | None:
        """The stored clock (``None`` before the step was opened)."""
        return self.clock_and_finish(budget_seconds)[0]

    def clock_and_finish(self, budget_seconds: float) -> tuple[ClockState | None, float | None]:
        """The stored clock and when the step was finished (one cheap read; the answer polls it)."""
        if self.attempt is None:
            return None, None
        return self.store._clock_state(self.attempt.id, self.step, budget_seconds)

    def clock_action(self, budget_seconds: float, action: str) -> ClockState:
        """``"start"``, ``"pause"`` or ``"reset"``; starting pauses the attempt's other running steps."""
        with self._write() as conn:
            clock = self.store._clock(conn, self._bound(conn), self.step, budget_seconds, action)
        self._settle()
        return clock

    def score(self, item_id: str, score: int | None) -> None:
        """A self-score from 0 to 2 for one rubric item; ``None`` clears it."""
        with self._write() as conn:
            self.store._score(conn, self._bound(conn), self.step, item_id, score)
        self._settle()

    def finish(self, budget_seconds: float) -> tuple[ClockState, float]:
        """Finish the step: the clock stops for good and the moment is kept (finishing again changes nothing).
        Returns the stopped clock and the moment it was finished."""
        with self._write() as conn:
            done = self.store._finish(conn, self._bound(conn), self.step, budget_seconds)
        self._settle()
        return done

    def save_inputs(self, tool: str, values: dict) -> None:
        """Keep what the participant typed into ``tool`` with the attempt (numbers and strings, as JSON)."""
        with self._write() as conn:
            self.store._save_inputs(conn, self._bound(conn), tool, values)
        self._settle()

    def inputs(self, tool: str) -> ToolInputs | None:
        """The inputs last kept for ``tool`` in this attempt (from any step), or ``None``."""
        return None if self.attempt is None else self.store.tool_inputs(self.attempt, tool)

