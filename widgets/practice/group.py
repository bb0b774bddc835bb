"""Study groups: one question, one clock, a facilitator, reveals and peer scores, kept in the answer store.

A group session is a row of the store (schema version 4, see :mod:`widgets.practice.schema`), so every
participant's kernel and the facilitator's dashboard read one truth from one file. Nothing here imports
a widget: the pages (:mod:`widgets.views.group`) only call these functions and draw what they return.

Who may do what is decided here, not by which buttons a page shows:

- the **facilitator** holds the group's key (``secrets.token_urlsafe``, 128 bits). Only its SHA-256 hash is
  stored, and it is compared in constant time (:func:`hmac.compare_digest`). Every facilitator action (start,
  pause, advance, reveal, choose the candidate, close) takes the key; a wrong or missing one is a
  :class:`GroupError` with a short message.
- a **member** joins with a name unique in the group and gets a rejoin token (kept the same way). The token
  brings them back after a reload or a kernel restart; the same name without it is "taken".
- **what a member may read**: their own answer always; every member's answer to a step once the
  facilitator revealed it; in the *one candidate* format, the candidate's answer live for the interviewers
  (never the reverse). :meth:`StudyGroups.visible_answers` is the only way a page gets someone else's text.

The clock: each step of the group has one clock (accumulated seconds and the moment it started, as in
:mod:`widgets.practice.clock`). Every facilitator action writes that clock into each member's own
attempt step in the same transaction, so a member's page follows it by reading its own attempt (the
answer session re-reads its clock every 2 s) and the export and progress tables see the same times.
A member cannot move a group clock: the store refuses clock actions on a group attempt.

Time is injected (the store's ``now``), so tests move it by hand.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from widgets.practice.clock import ClockState
from widgets.practice.framework import Framework, load_framework
from widgets.practice.store import SCORE_RANGE, AnswerStore, clean_participant

#: The two formats: everyone answers; or one candidate answers and the others interview.
FORMATS = {"everyone": "Everyone answers", "candidate": "One candidate, the others interview"}
#: Letters and digits that cannot be misread (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
#: A page is "open" while its last heartbeat is at most this many seconds old (pages beat every 2 s).
ONLINE_SECONDS = 6.0
COMMENT_MAX = 200


class GroupError(ValueError):
    """A group action that cannot be done; the message says why in one line, for the person who tried."""


@dataclass(frozen=True)
class Group:
    code: str
    question_id: str
    steps: tuple[int, ...]
    format: str
    current_step: int
    candidate: str | None
    previous_code: str | None
    created_at: float
    closed_at: float | None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_last_step(self) -> bool:
        return self.current_step == self.steps[-1]

    def role(self, name: str) -> str:
        """``"participant"`` (everyone answers), ``"candidate"`` or ``"interviewer"``."""
        if self.format == "everyone":
            return "participant"
        return "candidate" if name == self.candidate else "interviewer"

    def answers(self, name: str) -> bool:
        """Whether ``name`` writes answers in this format (interviewers write notes, not answers)."""
        return self.role(name) != "interviewer"


@dataclass(frozen=True)
class Member:
    code: str
    name: str
    attempt_id: str
    joined_at: float
    heartbeat_at: float | None

    def online(self, now: float) -> bool:
        """Whether the member's page sent a heartbeat in the last :data:`ONLINE_SECONDS`."""
        return self.heartbeat_at is not None and now - self.heartbeat_at <= ONLINE_SECONDS


@dataclass(frozen=True)
class GroupStep:
    step: int
    clock: ClockState
    revealed_at: float | None

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None


@dataclass(frozen=True)
class RoomRow:
    """One member as the facilitator's dashboard shows them, on the group's current step."""

    name: str
    role: str
    step: int
    words: int
    saved_at: float | None
    online: bool
    heartbeat_at: float | None


@dataclass(frozen=True)
class SharedAnswer:
    name: str
    role: str
    text: str
    saved_at: float | None

    @property
    def words(self) -> int:
        return len(self.text.split())


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _same(secret: str | None, stored_hash: str) -> bool:
    return hmac.compare_digest(_hash(secret or ""), stored_hash)


def check_code(code) -> str:
    """A group code as typed ("k7qw2m", " K7QW2M ") in its stored form, or a :class:`GroupError`.

    Examples
    --------
    >>> check_code(" k7qw2m ")
    'K7QW2M'
    >>> check_code("<b>")
    Traceback (most recent call last):
    ...
    widgets.practice.group.GroupError: A group code is 6 letters and digits, like K7QW2M.
    """
    text = str(code or "").strip().upper()
    if not _CODE.match(text):
        raise GroupError(f"A group code is {CODE_LENGTH} letters and digits, like K7QW2M.")
    return text


class StudyGroups:
    """Every study group in one answer store.

    Parameters
    ----------
    store : the answer store (its ``now`` is the clock of every action).
    framework : the interview framework (steps, budgets, rubrics); default the workbook's.

    Examples
    --------
    >>> import tempfile
    >>> t = [1000.0]
    >>> groups = StudyGroups(AnswerStore(tempfile.mkdtemp(), now=lambda: t[0]))
    >>> group, key = groups.create("uber-shared-rides", steps=[1, 2])
    >>> ada, token = groups.join(group.code, "Ada")
    >>> groups.start(group.code, key).clock.running
    True
    >>> t[0] += 30; groups.step(group.code).clock.elapsed(t[0])
    30.0
    >>> groups.start(group.code, "a guess")
    Traceback (most recent call last):
    ...
    widgets.practice.group.GroupError: That is not this group's facilitator key; open the facilitator link again.
    """

    def __init__(self, store: AnswerStore, framework: Framework | None = None):
        self.store = store
        self.framework = framework or load_framework()

    @property
    def now(self) -> float:
        return self.store.now()

    # -- reading -----------------------------------------------------------------------------
    @staticmethod
    def _group(row) -> Group:
        return Group(row["code"], row["question_id"], tuple(json.loads(row["steps"])), row["format"],
                     row["current_step"], row["candidate"], row["previous_code"], row["created_at"], row["closed_at"])

    def _get(self, conn, code: str) -> tuple[Group, str]:
        row = conn.execute("SELECT * FROM study_groups WHERE code = ?", (check_code(code),)).fetchone()
        if row is None:
            raise GroupError(f"There is no study group {check_code(code)} on this server; check the code you were given.")
        return self._group(row), row["key_hash"]

    def get(self, code: str) -> Group:
        """The group with this code, or a :class:`GroupError`."""
        with self.store.reading() as conn:
            return self._get(conn, code)[0]

    def _step(self, conn, group: Group, step: int) -> GroupStep:
        row = conn.execute("SELECT * FROM group_steps WHERE code = ? AND step = ?", (group.code, step)).fetchone()
        budget = self.framework.step(step).budget_seconds
        return GroupStep(step, ClockState(budget, row["clock_accumulated"], row["clock_running_since"]),
                         row["revealed_at"])

    def step(self, code: str, step: int | None = None) -> GroupStep:
        """A step of the group (default: the current one) with its shared clock and reveal."""
        with self.store.reading() as conn:
            group = self._get(conn, code)[0]
            return self._step(conn, group, group.current_step if step is None else self._check_step(group, step))

    def members(self, code: str) -> list[Member]:
        """The group's members in the order they joined."""
        with self.store.reading() as conn:
            group = self._get(conn, code)[0]
            return self._members(conn, group)

    @staticmethod
    def _members(conn, group: Group) -> list[Member]:
        return [Member(group.code, r["name"], r["attempt_id"], r["joined_at"], r["heartbeat_at"]) for r in conn.execute(
            "SELECT * FROM group_members WHERE code = ? ORDER BY joined_at, name", (group.code,))]

    def _check_step(self, group: Group, step) -> int:
        if step not in group.steps:
            raise GroupError(f"Step {step} is not one of this group's steps ({', '.join(map(str, group.steps))}).")
        return int(step)

    # -- creating and joining ----------------------------------------------------------------
    def create(self, question_id: str, steps: Iterable[int] | None = None, format: str = "everyone",
               after: str | None = None) -> tuple[Group, str]:
        """A new group session and its facilitator key (shown once; only its hash is kept).

        ``after``: the code of the session this one follows (the same facilitator's previous one), so
        that in the *one candidate* format the role rotates to someone who had it least often.
        """
        if format not in FORMATS:
            raise GroupError(f"Choose a format: {' or '.join(repr(f) for f in FORMATS)}.")
        known = [s.number for s in self.framework.steps]
        chosen = sorted(set(known if steps is None else steps))
        if not chosen or any(s not in known for s in chosen):
            raise GroupError(f"Choose at least one of the steps {known[0]} to {known[-1]}.")
        key, now = secrets.token_urlsafe(16), self.now
        with self.store.transaction() as conn:
            if after is not None:
                self._get(conn, after)
            for _ in range(20):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
                if conn.execute("SELECT 1 FROM study_groups WHERE code = ?", (code,)).fetchone() is None:
                    break
            conn.execute("INSERT INTO study_groups (code, question_id, steps, format, key_hash, current_step, "
                         "previous_code, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (code, question_id, json.dumps(chosen), format, _hash(key), chosen[0],
                          None if after is None else check_code(after), now, now))
            for step in chosen:
                conn.execute("INSERT INTO group_steps (code, step) VALUES (?, ?)", (code, step))
        return self.get(code), key

    def join(self, code: str, name: str, token: str | None = None) -> tuple[Member, str]:
        """Join ``code`` as ``name``, or come back with the rejoin ``token`` given the first time.

        Returns the member and their token (the same one when rejoining). A name someone else holds is
        refused ("taken"); a closed group takes no new members.
        """
        name = clean_participant(name)
        now = self.now
        with self.store.transaction() as conn:
            group = self._get(conn, code)[0]
            row = conn.execute("SELECT * FROM group_members WHERE code = ? AND name = ?", (group.code, name)).fetchone()
            if row is not None:
                if token is None or not _same(token, row["token_hash"]):
                    raise GroupError(f"The name {name} is taken in this group; choose another (or use your own "
                                     "rejoin link to come back).")
                conn.execute("UPDATE group_members SET heartbeat_at = ? WHERE code = ? AND name = ?",
                             (now, group.code, name))
                return Member(group.code, name, row["attempt_id"], row["joined_at"], now), token
            if group.closed:
                raise GroupError("This group session is closed; ask the facilitator for the next one.")
            token = secrets.token_urlsafe(16)
            attempt_id = self.store.new_group_attempt(conn, name, group.question_id, group.code)
            conn.execute("INSERT INTO group_members (code, name, token_hash, attempt_id, joined_at, heartbeat_at) "
                         "VALUES (?, ?, ?, ?, ?, ?)", (group.code, name, _hash(token), attempt_id, now, now))
            for step in group.steps:
                self._mirror(conn, group, step, attempt_ids=[attempt_id])
        return Member(group.code, name, attempt_id, now, now), token

    def member(self, code: str, name: str, token: str | None) -> Member:
        """The member ``name`` of ``code`` if ``token`` is theirs, else a :class:`GroupError`."""
        with self.store.reading() as conn:
            group = self._get(conn, code)[0]
            return self._member(conn, group, name, token)

    def _member(self, conn, group: Group, name: str, token: str | None) -> Member:
        row = conn.execute("SELECT * FROM group_members WHERE code = ? AND name = ?", (group.code, name)).fetchone()
        if row is None or not _same(token, row["token_hash"]):
            raise GroupError("This page is not a member of the group; open your join link and enter your name.")
        return Member(group.code, name, row["attempt_id"], row["joined_at"], row["heartbeat_at"])

    def heartbeat(self, code: str, name: str, token: str | None) -> None:
        """The member's page is open (sent by the browser page, every 2 s)."""
        with self.store.transaction() as conn:
            group = self._get(conn, code)[0]
            self._member(conn, group, name, token)
            conn.execute("UPDATE group_members SET heartbeat_at = ? WHERE code = ? AND name = ?",
                         (self.now, group.code, name))

    # -- the facilitator's actions -----------------------------------------------------------
    def _facilitate(self, conn, code: str, key: str | None) -> Group:
        group, key_hash = self._get(conn, code)
        if not _same(key, key_hash):
            raise GroupError("That is not this group's facilitator key; open the facilitator link again.")
        return group

    def check_key(self, code: str, key: str | None) -> Group:
        """The group if ``key`` is its facilitator key, else a :class:`GroupError`."""
        with self.store.reading() as conn:
            return self._facilitate(conn, code, key)

    def _mirror(self, conn, group: Group, step: int, attempt_ids: list[str] | None = None) -> None:
        """Write the group step's clock and reveal into each member's attempt step (or ``attempt_ids``')."""
        shared = self._step(conn, group, step)
        ids = attempt_ids if attempt_ids is not None else [
            r[0] for r in conn.execute("SELECT attempt_id FROM group_members WHERE code = ?", (group.code,))]
        now = self.now
        for attempt_id in ids:
            self.store.ensure_step(conn, attempt_id, step)
            conn.execute("UPDATE attempt_steps SET clock_accumulated = ?, clock_running_since = ?, finished_at = ?, "
                         "updated_at = ? WHERE attempt_id = ? AND step = ?",
                         (shared.clock.accumulated, shared.clock.running_since, shared.revealed_at, now, attempt_id,
                          step))

    def _set_clock(self, conn, group: Group, step: int, clock: ClockState) -> None:
        conn.execute("UPDATE group_steps SET clock_accumulated = ?, clock_running_since = ? WHERE code = ? AND step = ?",
                     (clock.accumulated, clock.running_since, group.code, step))
        conn.execute("UPDATE study_groups SET updated_at = ? WHERE code = ?", (self.now, group.code))
        self._mirror(conn, group, step)

    def _open_group(self, conn, code: str, key: str | None) -> Group:
        group = self._facilitate(conn, code, key)
        if group.closed:
            raise GroupError("This group session is closed.")
        return group

    def start(self, code: str, key: str | None) -> GroupStep:
        """Start (or resume) the current step's clock for everyone. In the *one candidate* format the
        candidate is chosen now if the facilitator has not (the member who was candidate least often in
        the sessions this one follows, the earliest joined first)."""
        with self.store.transaction() as conn:
            group = self._open_group(conn, code, key)
            shared = self._step(conn, group, group.current_step)
            if shared.revealed:
                raise GroupError(f"Step {group.current_step} is revealed, so its clock stays stopped; go to the next step.")
            if group.format == "candidate" and group.candidate is None:
                self._choose_candidate(conn, group)
            self._set_clock(conn, group, group.current_step, shared.clock.start(self.now))
            return self._step(conn, group, group.current_step)

    def pause(self, code: str, key: str | None) -> GroupStep:
        """Pause the current step's clock for everyone."""
        with self.store.transaction() as conn:
            group = self._open_group(conn, code, key)
            shared = self._step(conn, group, group.current_step)
            self._set_clock(conn, group, group.current_step, shared.clock.pause(self.now))
            return self._step(conn, group, group.current_step)

    def advance(self, code: str, key: str | None) -> Group:
        """Go to the group's next step: the current step's clock stops, and the next one starts if the
        current one was running (so a running session keeps running)."""
        with self.store.transaction() as conn:
            group = self._open_group(conn, code, key)
            if group.is_last_step:
                raise GroupError("This is the group's last step; reveal it, or close the session.")
            shared = self._step(conn, group, group.current_step)
            now = self.now
            self._set_clock(conn, group, group.current_step, shared.clock.pause(now))
            following = group.steps[group.steps.index(group.current_step) + 1]
            conn.execute("UPDATE study_groups SET current_step = ?, updated_at = ? WHERE code = ?",
                         (following, now, group.code))
            group = self._get(conn, group.code)[0]
            if shared.clock.running:
                nxt = self._step(conn, group, following)
                self._set_clock(conn, group, following, nxt.clock.start(now))
            return group

    def reveal(self, code: str, key: str | None, step: int | None = None) -> GroupStep:
        """Reveal a step's answers to the whole group (default: the current step). This also finishes the
        step for everyone: its clock stops for good."""
        with self.store.transaction() as conn:
            group = self._facilitate(conn, code, key)
            step = group.current_step if step is None else self._check_step(group, step)
            shared = self._step(conn, group, step)
            if not shared.revealed:
                now = self.now
                conn.execute("UPDATE group_steps SET clock_accumulated = ?, clock_running_since = NULL, revealed_at = ? "
                             "WHERE code = ? AND step = ?", (shared.clock.elapsed(now), now, group.code, step))
                self._mirror(conn, group, step)
            return self._step(conn, group, step)

    def choose_candidate(self, code: str, key: str | None, name: str) -> Group:
        """In the *one candidate* format: make member ``name`` the candidate (before their answer is seen)."""
        with self.store.transaction() as conn:
            group = self._open_group(conn, code, key)
            if group.format != "candidate":
                raise GroupError("In this group everyone answers; there is no candidate to choose.")
            if name not in [m.name for m in self._members(conn, group)]:
                raise GroupError(f"{name} has not joined this group.")
            conn.execute("UPDATE study_groups SET candidate = ? WHERE code = ?", (name, group.code))
            return self._get(conn, group.code)[0]

    def _choose_candidate(self, conn, group: Group) -> None:
        members = self._members(conn, group)
        if not members:
            raise GroupError("Nobody has joined yet: share the join link and wait for the first member.")
        turns: dict[str, int] = {}
        code, seen = group.previous_code, set()
        while code is not None and code not in seen:
            seen.add(code)
            row = conn.execute("SELECT candidate, previous_code FROM study_groups WHERE code = ?", (code,)).fetchone()
            if row is None:
                break
            if row["candidate"]:
                turns[row["candidate"]] = turns.get(row["candidate"], 0) + 1
            code = row["previous_code"]
        chosen = min(members, key=lambda m: turns.get(m.name, 0)).name   # min keeps the earliest joined on ties
        conn.execute("UPDATE study_groups SET candidate = ? WHERE code = ?", (chosen, group.code))

    def close(self, code: str, key: str | None) -> Group:
        """End the session: every running clock stops; what was written stays (and can be exported)."""
        with self.store.transaction() as conn:
            group = self._facilitate(conn, code, key)
            if not group.closed:
                now = self.now
                for step in group.steps:
                    shared = self._step(conn, group, step)
                    if shared.clock.running:
                        self._set_clock(conn, group, step, shared.clock.pause(now))
                conn.execute("UPDATE study_groups SET closed_at = ?, updated_at = ? WHERE code = ?",
                             (now, now, group.code))
            return self._get(conn, group.code)[0]

    # -- what each person sees ---------------------------------------------------------------
    def _latest(self, conn, attempt_id: str, step: int) -> tuple[str, float | None]:
        row = conn.execute("SELECT text, saved_at FROM revisions WHERE attempt_id = ? AND step = ? "
                           "ORDER BY id DESC LIMIT 1", (attempt_id, step)).fetchone()
        return ("", None) if row is None else (row["text"], row["saved_at"])

    def room(self, code: str, key: str | None) -> list[RoomRow]:
        """The facilitator's view of the room: each member's words and last save on the current step and
        whether their page is open. Words, not text: the text stays private until the reveal."""
        now = self.now
        with self.store.reading() as conn:
            group = self._facilitate(conn, code, key)
            rows = []
            for m in self._members(conn, group):
                text, saved_at = self._latest(conn, m.attempt_id, group.current_step)
                rows.append(RoomRow(m.name, group.role(m.name), group.current_step, len(text.split()), saved_at,
                                    m.online(now), m.heartbeat_at))
            return rows

    def _visible(self, conn, group: Group, step: int, viewer: str | None) -> list[SharedAnswer]:
        shared = self._step(conn, group, step)
        out = []
        for m in self._members(conn, group):
            mine = m.name == viewer
            live = group.format == "candidate" and m.name == group.candidate and viewer != group.candidate
            if mine or shared.revealed or live:
                text, saved_at = self._latest(conn, m.attempt_id, step)
                out.append(SharedAnswer(m.name, group.role(m.name), text, saved_at))
        return out

    def visible_answers(self, code: str, step: int, name: str | None = None, token: str | None = None,
                        key: str | None = None) -> list[SharedAnswer]:
        """The answers to ``step`` that this person may read, in joining order.

        A member (``name`` and ``token``) sees their own; every one once the step is revealed; and, as an
        interviewer in the *one candidate* format, the candidate's as it is typed. The facilitator (``key``)
        sees what an interviewer sees. Nobody else sees anything.
        """
        with self.store.reading() as conn:
            group = self._get(conn, code)[0]
            step = self._check_step(group, step)
            if key is not None:
                self._facilitate(conn, code, key)
                return self._visible(conn, group, step, viewer=None)
            self._member(conn, group, name, token)
            return self._visible(conn, group, step, viewer=name)

    def revealed_answers(self, code: str, step: int) -> list[SharedAnswer]:
        """Every answer to ``step`` once it is revealed, else none: what the presenter view (no key) shows."""
        with self.store.reading() as conn:
            group = self._get(conn, code)[0]
            step = self._check_step(group, step)
            if not self._step(conn, group, step).revealed:
                return []
            return self._visible(conn, group, step, viewer=None)

    # -- peer scores -------------------------------------------------------------------------
    def peer_score(self, code: str, name: str, token: str | None, target: str, step: int, item_id: str,
                   score: int | None, comment: str | None = None) -> None:
        """``name`` scores ``target``'s answer to a revealed ``step`` on one rubric item (0 to 2; ``None``
        takes the score back), with an optional one-line comment on the whole answer."""
        with self.store.transaction() as conn:
            group, step = self._scoring(conn, code, name, token, target, step)
            if item_id not in [i.id for i in self.framework.step(step).rubric]:
                raise GroupError(f"Step {step}'s rubric has no item {item_id!r}.")
            now = self.now
            if score is None:
                conn.execute("DELETE FROM peer_scores WHERE code = ? AND step = ? AND scorer = ? AND target = ? "
                             "AND item_id = ?", (group.code, step, name, target, item_id))
            else:
                if isinstance(score, bool) or not isinstance(score, int) or not SCORE_RANGE[0] <= score <= SCORE_RANGE[1]:
                    raise GroupError(f"A score is a whole number from {SCORE_RANGE[0]} to {SCORE_RANGE[1]}.")
                conn.execute("INSERT INTO peer_scores (code, step, scorer, target, item_id, score, updated_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code, step, scorer, target, item_id) DO UPDATE "
                             "SET score = excluded.score, updated_at = excluded.updated_at",
                             (group.code, step, name, target, item_id, score, now))
            if comment is not None:
                self._comment(conn, group, step, name, target, comment, now)

    def peer_comment(self, code: str, name: str, token: str | None, target: str, step: int, comment: str) -> None:
        """``name``'s one-line comment on ``target``'s answer to a revealed ``step`` ("" removes it)."""
        with self.store.transaction() as conn:
            group, step = self._scoring(conn, code, name, token, target, step)
            self._comment(conn, group, step, name, target, comment, self.now)

    def _scoring(self, conn, code: str, name: str, token: str | None, target: str, step) -> tuple[Group, int]:
        """The group and step on which member ``name`` may score or comment on ``target``'s answer, or a
        :class:`GroupError`: the step must be the group's and revealed, the target another member who answers."""
        group = self._get(conn, code)[0]
        self._member(conn, group, name, token)
        step = self._check_step(group, step)
        if not self._step(conn, group, step).revealed:
            raise GroupError(f"Step {step} is not revealed yet; peer scores open when the facilitator reveals it.")
        if target == name:
            raise GroupError("Score your own answer with the rubric under it; peer scores are for the others.")
        if target not in [m.name for m in self._members(conn, group)] or not group.answers(target):
            raise GroupError(f"{target} has no answer to score in this group.")
        return group, step

    @staticmethod
    def _comment(conn, group: Group, step: int, name: str, target: str, comment: str, now: float) -> None:
        line = " ".join(str(comment).split())
        if len(line) > COMMENT_MAX:
            raise GroupError(f"A comment is one line of at most {COMMENT_MAX} characters.")
        if not line:
            conn.execute("DELETE FROM peer_comments WHERE code = ? AND step = ? AND scorer = ? AND target = ?",
                         (group.code, step, name, target))
            return
        conn.execute("INSERT INTO peer_comments (code, step, scorer, target, comment, updated_at) VALUES "
                     "(?, ?, ?, ?, ?, ?) ON CONFLICT (code, step, scorer, target) DO UPDATE SET "
                     "comment = excluded.comment, updated_at = excluded.updated_at",
                     (group.code, step, name, target, line, now))

    def peer_scores_given(self, code: str, name: str, token: str | None, step: int) -> dict:
        """What ``name`` gave on ``step``: ``{target: ({item_id: score}, comment)}``."""
        with self.store.reading() as conn:
            group = self._get(conn, code)[0]
            self._member(conn, group, name, token)
            out: dict = {}
            for r in conn.execute("SELECT target, item_id, score FROM peer_scores WHERE code = ? AND step = ? "
                                  "AND scorer = ?", (group.code, step, name)):
                out.setdefault(r["target"], ({}, ""))[0][r["item_id"]] = r["score"]
            for r in conn.execute("SELECT target, comment FROM peer_comments WHERE code = ? AND step = ? AND "
                                  "scorer = ?", (group.code, step, name)):
                out[r["target"]] = (out.get(r["target"], ({}, ""))[0], r["comment"])
            return out

    def _scores(self, conn, group: Group) -> dict:
        """Every score of the group: ``{step: {target: {"self": {item: s}, "peers": {scorer: {item: s}},
        "comments": {scorer: text}}}}``."""
        members = self._members(conn, group)
        out: dict = {}
        for step in group.steps:
            per = out[step] = {}
            for m in members:
                if not group.answers(m.name):
                    continue
                own = dict(conn.execute("SELECT item_id, score FROM scores WHERE attempt_id = ? AND step = ?",
                                        (m.attempt_id, step)).fetchall())
                per[m.name] = {"self": own, "peers": {}, "comments": {}}
            for r in conn.execute("SELECT scorer, target, item_id, score FROM peer_scores WHERE code = ? AND step = ?",
                                  (group.code, step)):
                if r["target"] in per:
                    per[r["target"]]["peers"].setdefault(r["scorer"], {})[r["item_id"]] = r["score"]
            for r in conn.execute("SELECT scorer, target, comment FROM peer_comments WHERE code = ? AND step = ?",
                                  (group.code, step)):
                if r["target"] in per:
                    per[r["target"]]["comments"][r["scorer"]] = r["comment"]
        return out

    def score_summary(self, code: str, key: str | None) -> list[dict]:
        """The facilitator's aggregate, one row per (step, member, rubric item) that has any score:
        ``self`` (0-2 or None), ``peer_mean`` (mean of the peers' scores or None), ``peers`` (how many
        scored), and ``gap`` = self - peer mean (positive: the member rates themselves higher than the
        others do)."""
        with self.store.reading() as conn:
            group = self._facilitate(conn, code, key)
            return summarise(self._scores(conn, group), self.framework)

    def comments(self, code: str, key: str | None) -> list[tuple[int, str, str, str]]:
        """Every peer comment, ``(step, scorer, target, comment)``, for the facilitator."""
        with self.store.reading() as conn:
            group = self._facilitate(conn, code, key)
            return [(r["step"], r["scorer"], r["target"], r["comment"]) for r in conn.execute(
                "SELECT step, scorer, target, comment FROM peer_comments WHERE code = ? ORDER BY step, updated_at",
                (group.code,))]

    def export(self, code: str) -> dict:
        """Everything the group wrote, for the group export (no keys, no tokens): the session, each step's
        clock and reveal, and per member their answers, self and peer scores, comments and times."""
        now = self.now
        with self.store.reading() as conn:
            group = self._get(conn, code)[0]
            members = self._members(conn, group)
            scores = self._scores(conn, group)
            steps = []
            for step in group.steps:
                shared = self._step(conn, group, step)
                answers = []
                for m in members:
                    text, saved_at = self._latest(conn, m.attempt_id, step)
                    entry = scores[step].get(m.name, {"self": {}, "peers": {}, "comments": {}})
                    answers.append({"name": m.name, "role": group.role(m.name), "text": text, "saved_at": saved_at,
                                    "words": len(text.split()), **entry})
                steps.append({"step": step, "title": self.framework.step(step).title,
                              "seconds_used": round(shared.clock.elapsed(now), 1), "revealed_at": shared.revealed_at,
                              "answers": answers})
            return {"code": group.code, "question_id": group.question_id, "format": group.format,
                    "candidate": group.candidate, "created_at": group.created_at, "closed_at": group.closed_at,
                    "members": [{"name": m.name, "joined_at": m.joined_at} for m in members], "steps": steps,
                    "scores": summarise(scores, self.framework)}


def summarise(scores: dict, framework: Framework) -> list[dict]:
    """Rows of the score aggregate from :meth:`StudyGroups._scores`' shape (see :meth:`score_summary`).

    Examples
    --------
    >>> from widgets.practice.framework import load_framework
    >>> item = load_framework().step(1).rubric[0].id
    >>> rows = summarise({1: {"Ada": {"self": {item: 2}, "peers": {"Bo": {item: 1}, "Cy": {item: 0}},
    ...                                "comments": {}}}}, load_framework())
    >>> [(r["name"], r["self"], r["peer_mean"], r["peers"], r["gap"]) for r in rows]
    [('Ada', 2, 0.5, 2, 1.5)]
    """
    rows = []
    for step, per in scores.items():
        for name, s in per.items():
            for item in framework.step(step).rubric:
                mine = s["self"].get(item.id)
                given = [p[item.id] for p in s["peers"].values() if item.id in p]
                if mine is None and not given:
                    continue
                mean = sum(given) / len(given) if given else None
                rows.append({"step": step, "name": name, "item": item.id, "label": item.label, "self": mine,
                             "peer_mean": mean, "peers": len(given),
                             "gap": None if mine is None or mean is None else mine - mean})
    return rows
