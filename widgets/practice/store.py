"""The answer store: every answer, clock and self-score, in one SQLite file.

One file, ``answers.db``, under ``MLSD_WORKBOOK_HOME`` (default ``~/.mlsd-workbook``), in WAL mode
so that several kernels on one host (a study group's Voila apps) read and write it at once. Each
write is a short ``BEGIN IMMEDIATE`` transaction with a generous busy timeout, so concurrent
writers wait for each other instead of failing.

What is kept, per participant, question and step (an *attempt*):

- ``revisions``: the answer text, append-only. Saving never rewrites an earlier revision; the
  current answer is the latest one.
- the clock: ``clock_accumulated`` seconds and ``clock_running_since`` (Unix time or NULL), see
  :mod:`widgets.practice.clock`.
- ``scores``: the participant's rubric self-scores (0 to 2 per item).
- ``context``: the current participant and question, so the next notebook opens on them.

The schema carries its version in ``PRAGMA user_version`` and is brought up to date by the
ordered :data:`MIGRATIONS` when a store opens. A file that is not a readable database is renamed
aside (never overwritten) and a fresh one started; :attr:`AnswerStore.notice` says so, with the path.

Faults reach the caller as one :class:`StoreError` whose message says what is wrong and what to do,
never as a raw ``sqlite3`` error: a full disk, a read-only answers file (it opens with a notice:
earlier answers show, nothing new is saved), a busy or vanished file. A failed write changes
nothing, and the next write tries again from scratch, reopening the file when it was read-only, so
saving resumes by itself once the fault clears. Text SQLite cannot store (a lone surrogate, half of
an emoji from a broken paste) is replaced by U+FFFD rather than stopping every later save.
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from widgets.practice.clock import ClockState

HOME_ENV = "MLSD_WORKBOOK_HOME"
DB_NAME = "answers.db"
#: Self-score scale for a rubric item: 0 missed, 1 touched on, 2 covered well.
SCORE_RANGE = (0, 2)
BUSY_TIMEOUT_SECONDS = 30.0

MIGRATIONS: tuple[str, ...] = (
    # version 1: the first schema
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        participant TEXT NOT NULL,
        question_id TEXT NOT NULL,
        step INTEGER NOT NULL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        clock_accumulated REAL NOT NULL DEFAULT 0,
        clock_running_since REAL,
        UNIQUE (participant, question_id, step)
    );
    CREATE TABLE revisions (
        id INTEGER PRIMARY KEY,
        attempt_id INTEGER NOT NULL REFERENCES attempts(id),
        text TEXT NOT NULL,
        saved_at REAL NOT NULL
    );
    CREATE INDEX revisions_by_attempt ON revisions (attempt_id, id);
    CREATE TABLE scores (
        attempt_id INTEGER NOT NULL REFERENCES attempts(id),
        item_id TEXT NOT NULL,
        score INTEGER NOT NULL,
        updated_at REAL NOT NULL,
        PRIMARY KEY (attempt_id, item_id)
    );
    CREATE TABLE context (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at REAL NOT NULL
    );
    """,
)


class StoreError(RuntimeError):
    """The store cannot be used; the message says what to do."""


@dataclass(frozen=True)
class Revision:
    id: int
    text: str
    saved_at: float


@dataclass(frozen=True)
class Attempt:
    """One participant's work on one step of one question."""

    participant: str
    question_id: str
    step: int
    created_at: float
    updated_at: float
    clock_accumulated: float
    clock_running_since: float | None
    text: str
    saved_at: float | None
    scores: dict

    def clock(self, budget_seconds: float) -> ClockState:
        return ClockState(budget_seconds, self.clock_accumulated, self.clock_running_since)

    @classmethod
    def empty(cls, participant: str, question_id: str, step: int) -> "Attempt":
        """An attempt with nothing stored yet (what a page shows when the store cannot create the row)."""
        return cls(participant, question_id, step, 0.0, 0.0, 0.0, None, "", None, {})


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
            for number, script in enumerate(self._migrations[version:], start=version + 1):
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
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
        except sqlite3.Error:
            return
        self._conn.close()
        self._conn = conn
        self._reopen = False

    # -- attempts ----------------------------------------------------------------------------
    def _attempt_id(self, conn, participant: str, question_id: str, step: int) -> int:
        now = self.now()
        conn.execute(
            "INSERT OR IGNORE INTO attempts (participant, question_id, step, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (participant, question_id, step, now, now),
        )
        return conn.execute(
            "SELECT id FROM attempts WHERE participant = ? AND question_id = ? AND step = ?",
            (participant, question_id, step),
        ).fetchone()[0]

    def open_attempt(self, participant: str, question_id: str, step: int) -> Attempt:
        """Create the attempt row if it does not exist yet and return it."""
        participant = clean_participant(participant)
        with self._write() as conn:
            self._attempt_id(conn, participant, question_id, step)
        return self.attempt(participant, question_id, step)

    def attempt(self, participant: str, question_id: str, step: int) -> Attempt | None:
        """Return the stored attempt (latest text, clock, scores), or ``None`` if there is none."""
        with self._read():
            row = self._conn.execute(
                "SELECT * FROM attempts WHERE participant = ? AND question_id = ? AND step = ?",
                (participant, question_id, step),
            ).fetchone()
            if row is None:
                return None
            latest = self._conn.execute(
                "SELECT text, saved_at FROM revisions WHERE attempt_id = ? ORDER BY id DESC LIMIT 1",
                (row["id"],),
            ).fetchone()
            scores = dict(self._conn.execute(
                "SELECT item_id, score FROM scores WHERE attempt_id = ?", (row["id"],)).fetchall())
        return Attempt(
            participant=row["participant"], question_id=row["question_id"], step=row["step"],
            created_at=row["created_at"], updated_at=row["updated_at"],
            clock_accumulated=row["clock_accumulated"], clock_running_since=row["clock_running_since"],
            text=latest["text"] if latest else "", saved_at=latest["saved_at"] if latest else None,
            scores=scores,
        )

    def attempts(self, participant: str, question_id: str) -> list[Attempt]:
        """All stored attempts of one practice session (one participant, one question), by step."""
        with self._read():
            steps = [r[0] for r in self._conn.execute(
                "SELECT step FROM attempts WHERE participant = ? AND question_id = ? ORDER BY step",
                (participant, question_id))]
        return [self.attempt(participant, question_id, s) for s in steps]

    def sessions(self) -> list[tuple[str, str, float]]:
        """``(participant, question_id, last update)`` for every practice session, newest first."""
        with self._read():
            return [tuple(r) for r in self._conn.execute(
                "SELECT participant, question_id, MAX(updated_at) AS u FROM attempts "
                "GROUP BY participant, question_id ORDER BY u DESC")]

    # -- answers -----------------------------------------------------------------------------
    def save_answer(self, participant: str, question_id: str, step: int, text: str) -> Revision | None:
        """Append ``text`` as a new revision; nothing is written when it equals the latest one.

        Returns the new revision, or ``None`` when the text was unchanged. A lone surrogate in ``text``
        is stored as U+FFFD (see :func:`storable_text`).
        """
        participant = clean_participant(participant)
        text, _ = storable_text(text)
        with self._write() as conn:
            attempt_id = self._attempt_id(conn, participant, question_id, step)
            latest = conn.execute(
                "SELECT text FROM revisions WHERE attempt_id = ? ORDER BY id DESC LIMIT 1",
                (attempt_id,)).fetchone()
            if (latest["text"] if latest else "") == text:
                return None
            now = self.now()
            cur = conn.execute("INSERT INTO revisions (attempt_id, text, saved_at) VALUES (?, ?, ?)",
                               (attempt_id, text, now))
            conn.execute("UPDATE attempts SET updated_at = ? WHERE id = ?", (now, attempt_id))
            return Revision(cur.lastrowid, text, now)

    def revisions(self, participant: str, question_id: str, step: int) -> list[Revision]:
        """Every saved revision of an answer, oldest first."""
        with self._read():
            return [Revision(r["id"], r["text"], r["saved_at"]) for r in self._conn.execute(
                "SELECT r.id, r.text, r.saved_at FROM revisions r JOIN attempts a ON a.id = r.attempt_id "
                "WHERE a.participant = ? AND a.question_id = ? AND a.step = ? ORDER BY r.id",
                (participant, question_id, step))]

    # -- clock -------------------------------------------------------------------------------
    def update_clock(self, participant: str, question_id: str, step: int, budget_seconds: float,
                     action: str) -> ClockState:
        """Apply ``"start"``, ``"pause"`` or ``"reset"`` atomically and return the new clock.

        Starting a step's clock pauses every other running step of the same participant and question.
        """
        if action not in ("start", "pause", "reset"):
            raise ValueError(f"Unknown clock action {action!r}.")
        participant = clean_participant(participant)
        with self._write() as conn:
            attempt_id = self._attempt_id(conn, participant, question_id, step)
            row = conn.execute("SELECT clock_accumulated, clock_running_since FROM attempts WHERE id = ?",
                               (attempt_id,)).fetchone()
            clock = ClockState(budget_seconds, row[0], row[1])
            now = self.now()
            clock = clock.start(now) if action == "start" else clock.pause(now) if action == "pause" else clock.reset()
            conn.execute(
                "UPDATE attempts SET clock_accumulated = ?, clock_running_since = ?, updated_at = ? WHERE id = ?",
                (clock.accumulated, clock.running_since, now, attempt_id))
            if action == "start":
                # One interview, one clock: starting a step pauses the session's other running steps.
                conn.execute(
                    "UPDATE attempts SET clock_accumulated = clock_accumulated + MAX(0, ? - clock_running_since), "
                    "clock_running_since = NULL, updated_at = ? WHERE participant = ? AND question_id = ? "
                    "AND id != ? AND clock_running_since IS NOT NULL",
                    (now, now, participant, question_id, attempt_id))
        return clock

    def clock_state(self, participant: str, question_id: str, step: int, budget_seconds: float) -> ClockState | None:
        """The stored clock of one attempt (cheap; the answer widget polls it), or ``None``."""
        with self._read():
            row = self._conn.execute(
                "SELECT clock_accumulated, clock_running_since FROM attempts "
                "WHERE participant = ? AND question_id = ? AND step = ?", (participant, question_id, step)).fetchone()
        return None if row is None else ClockState(budget_seconds, row[0], row[1])

    # -- scores ------------------------------------------------------------------------------
    def set_score(self, participant: str, question_id: str, step: int, item_id: str, score: int | None) -> None:
        """Record a self-score (0 to 2) for one rubric item; ``None`` clears it."""
        participant = clean_participant(participant)
        if score is not None and (not isinstance(score, int) or not SCORE_RANGE[0] <= score <= SCORE_RANGE[1]):
            raise ValueError(f"A self-score is a whole number from {SCORE_RANGE[0]} to {SCORE_RANGE[1]}.")
        with self._write() as conn:
            attempt_id = self._attempt_id(conn, participant, question_id, step)
            now = self.now()
            if score is None:
                conn.execute("DELETE FROM scores WHERE attempt_id = ? AND item_id = ?", (attempt_id, item_id))
            else:
                conn.execute(
                    "INSERT INTO scores (attempt_id, item_id, score, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (attempt_id, item_id) DO UPDATE SET score = excluded.score, "
                    "updated_at = excluded.updated_at", (attempt_id, item_id, score, now))
            conn.execute("UPDATE attempts SET updated_at = ? WHERE id = ?", (now, attempt_id))

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
