"""The answer store's schema and its migrations, written once for every engine.

A migration is portable SQL (types both SQLite and PostgreSQL know: ``TEXT``, ``INTEGER``,
``DOUBLE PRECISION``; ``?`` placeholders; ``ON CONFLICT``), optionally followed by a Python step that
moves data with portable statements. What differs between the engines lives in one place, a
:class:`Dialect`: the auto-numbered id column, the placeholder, where the schema version is kept.
Only :data:`SQLITE` exists today; a PostgreSQL dialect is the one addition the multi-host store needs.

Versions:

1. the first schema: one row per (participant, question, step) holding the clock, with the answer's
   revisions and the self-scores hanging off it.
2. attempts: an attempt is one practice of one question by one participant, with a random id (a UUID,
   so that copies between stores cannot collide) and a number (1, 2, ... per participant and
   question, unique, so that two kernels cannot both start "the second"). Each step of an attempt has its clock and the moment
   it was finished; revisions and scores hang off (attempt, step). A version-1 file becomes one
   attempt per (participant, question), every revision, clock and score kept.
3. tool inputs: what a participant typed into an estimator (the traffic of step 1, the fleet of step 5),
   kept per attempt and tool as a JSON object, so that later steps start from the earlier steps' numbers.
4. study groups (see :mod:`widgets.practice.group`): a group session (its code, question, steps, format,
   the facilitator key's hash, the current step), its steps' shared clocks and reveals, its members (each
   with a rejoin token's hash, a heartbeat and an attempt of their own, marked with the group's code
   so that solo practice never opens it) and the peer scores and comments. Existing rows are untouched.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Dialect:
    """What one database engine spells its own way."""

    name: str
    #: The column definition of an auto-numbered integer primary key.
    id_column: str
    placeholder: str = "?"

    def sql(self, statement: str) -> str:
        """``statement`` with ``{id}`` spelled for this engine and ``?`` replaced by its placeholder."""
        text = statement.replace("{id}", self.id_column)
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)


#: SQLite: ``INTEGER PRIMARY KEY`` is the rowid; the version lives in ``PRAGMA user_version``.
SQLITE = Dialect("sqlite", "INTEGER PRIMARY KEY")


@dataclass(frozen=True)
class Migration:
    """One schema version: portable DDL, then (optionally) a data move in Python."""

    sql: str
    move: Callable | None = None    # move(conn, dialect)
    description: str = ""

    def statements(self, dialect: Dialect) -> list[str]:
        return [dialect.sql(s).strip() for s in self.sql.split(";") if s.strip()]


def _attempts_from_steps(conn, dialect: Dialect) -> None:
    """Version 1 to 2: one attempt per (participant, question), every step, revision and score kept."""
    q = dialect.sql
    ids: dict[tuple[str, str], str] = {}
    rows = conn.execute(q("SELECT id, participant, question_id, step, created_at, updated_at, clock_accumulated, "
                          "clock_running_since FROM v1_attempts ORDER BY id")).fetchall()
    spans: dict[tuple[str, str], list[float]] = {}
    for _, participant, question_id, _, created, updated, _, _ in rows:
        span = spans.setdefault((participant, question_id), [created, updated])
        span[0], span[1] = min(span[0], created), max(span[1], updated)
    for (participant, question_id), (created, updated) in spans.items():
        ids[participant, question_id] = str(uuid.uuid4())
        conn.execute(q("INSERT INTO attempts (id, participant, question_id, number, created_at, updated_at) "
                       "VALUES (?, ?, ?, 1, ?, ?)"), (ids[participant, question_id], participant, question_id,
                                                      created, updated))
    step_of: dict[int, tuple[str, int]] = {}
    for old_id, participant, question_id, step, created, updated, accumulated, running in rows:
        attempt_id = ids[participant, question_id]
        step_of[old_id] = (attempt_id, step)
        conn.execute(q("INSERT INTO attempt_steps (attempt_id, step, created_at, updated_at, clock_accumulated, "
                       "clock_running_since) VALUES (?, ?, ?, ?, ?, ?)"),
                     (attempt_id, step, created, updated, accumulated, running))
    for old_attempt, text, saved_at in conn.execute(q(
            "SELECT attempt_id, text, saved_at FROM v1_revisions ORDER BY id")).fetchall():
        conn.execute(q("INSERT INTO revisions (attempt_id, step, text, saved_at) VALUES (?, ?, ?, ?)"),
                     (*step_of[old_attempt], text, saved_at))
    for old_attempt, item_id, score, updated in conn.execute(q(
            "SELECT attempt_id, item_id, score, updated_at FROM v1_scores")).fetchall():
        conn.execute(q("INSERT INTO scores (attempt_id, step, item_id, score, updated_at) VALUES (?, ?, ?, ?, ?)"),
                     (*step_of[old_attempt], item_id, score, updated))
    for table in ("v1_scores", "v1_revisions", "v1_attempts"):
        conn.execute(f"DROP TABLE {table}")


MIGRATIONS: tuple = (
    Migration("""
        CREATE TABLE attempts (
            id {id},
            participant TEXT NOT NULL,
            question_id TEXT NOT NULL,
            step INTEGER NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            clock_accumulated DOUBLE PRECISION NOT NULL DEFAULT 0,
            clock_running_since DOUBLE PRECISION,
            UNIQUE (participant, question_id, step)
        );
        CREATE TABLE revisions (
            id {id},
            attempt_id INTEGER NOT NULL REFERENCES attempts(id),
            text TEXT NOT NULL,
            saved_at DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX revisions_by_attempt ON revisions (attempt_id, id);
        CREATE TABLE scores (
            attempt_id INTEGER NOT NULL REFERENCES attempts(id),
            item_id TEXT NOT NULL,
            score INTEGER NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (attempt_id, item_id)
        );
        CREATE TABLE context (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL
        )
        """, description="the first schema: one row per participant, question and step"),
    Migration("""
        ALTER TABLE scores RENAME TO v1_scores;
        ALTER TABLE revisions RENAME TO v1_revisions;
        ALTER TABLE attempts RENAME TO v1_attempts;
        DROP INDEX revisions_by_attempt;
        CREATE TABLE attempts (
            id TEXT PRIMARY KEY,
            participant TEXT NOT NULL,
            question_id TEXT NOT NULL,
            number INTEGER NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            UNIQUE (participant, question_id, number)
        );
        CREATE TABLE attempt_steps (
            attempt_id TEXT NOT NULL REFERENCES attempts(id),
            step INTEGER NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            clock_accumulated DOUBLE PRECISION NOT NULL DEFAULT 0,
            clock_running_since DOUBLE PRECISION,
            finished_at DOUBLE PRECISION,
            PRIMARY KEY (attempt_id, step)
        );
        CREATE TABLE revisions (
            id {id},
            attempt_id TEXT NOT NULL,
            step INTEGER NOT NULL,
            text TEXT NOT NULL,
            saved_at DOUBLE PRECISION NOT NULL,
            FOREIGN KEY (attempt_id, step) REFERENCES attempt_steps (attempt_id, step)
        );
        CREATE INDEX revisions_by_step ON revisions (attempt_id, step, id);
        CREATE TABLE scores (
            attempt_id TEXT NOT NULL,
            step INTEGER NOT NULL,
            item_id TEXT NOT NULL,
            score INTEGER NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (attempt_id, step, item_id),
            FOREIGN KEY (attempt_id, step) REFERENCES attempt_steps (attempt_id, step)
        )
        """, _attempts_from_steps, "attempts: one practice of one question, its steps hanging off it"),
    Migration("""
        CREATE TABLE tool_inputs (
            attempt_id TEXT NOT NULL REFERENCES attempts(id),
            tool TEXT NOT NULL,
            inputs TEXT NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (attempt_id, tool)
        )
        """, description="tool inputs: an estimator's inputs per attempt, as JSON"),
    Migration("""
        ALTER TABLE attempts ADD COLUMN group_code TEXT;
        CREATE TABLE study_groups (
            code TEXT PRIMARY KEY,
            question_id TEXT NOT NULL,
            steps TEXT NOT NULL,
            format TEXT NOT NULL,
            key_hash TEXT NOT NULL,
            current_step INTEGER NOT NULL,
            candidate TEXT,
            previous_code TEXT,
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            closed_at DOUBLE PRECISION
        );
        CREATE TABLE group_steps (
            code TEXT NOT NULL REFERENCES study_groups(code),
            step INTEGER NOT NULL,
            clock_accumulated DOUBLE PRECISION NOT NULL DEFAULT 0,
            clock_running_since DOUBLE PRECISION,
            revealed_at DOUBLE PRECISION,
            PRIMARY KEY (code, step)
        );
        CREATE TABLE group_members (
            code TEXT NOT NULL REFERENCES study_groups(code),
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL,
            attempt_id TEXT NOT NULL REFERENCES attempts(id),
            joined_at DOUBLE PRECISION NOT NULL,
            heartbeat_at DOUBLE PRECISION,
            PRIMARY KEY (code, name)
        );
        CREATE TABLE peer_scores (
            code TEXT NOT NULL REFERENCES study_groups(code),
            step INTEGER NOT NULL,
            scorer TEXT NOT NULL,
            target TEXT NOT NULL,
            item_id TEXT NOT NULL,
            score INTEGER NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (code, step, scorer, target, item_id)
        );
        CREATE TABLE peer_comments (
            code TEXT NOT NULL REFERENCES study_groups(code),
            step INTEGER NOT NULL,
            scorer TEXT NOT NULL,
            target TEXT NOT NULL,
            comment TEXT NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (code, step, scorer, target)
        )
        """, description="study groups: sessions, shared clocks and reveals, members, peer scores"),
)
