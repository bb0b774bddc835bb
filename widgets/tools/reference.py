"""Reference answers: for every question and step, the key points a strong answer makes.

``data/reference/<question id>.json`` holds one question's reference (the format is in ``data/README.md``):
for each of the six steps, 5 to 9 **points** specific to the question (each with an id, a sentence and the
**concepts** that express it, for :mod:`widgets.practice.matcher`), two or three **follow-up** questions an
interviewer asks at that step, and, for the four questions the guide opens with, a **sample** answer.
``data/reference/pitfalls.json`` holds the common pitfalls of each step for each problem type.

A point's text may hold numbers at the question's own scale as ``{name}`` templates (``{peak_rps}``,
``{log_per_year}``, ...): :func:`scale_numbers` computes them from the question's assumed users and actions
with :mod:`widgets.tools.capacity`, never by hand. :func:`load_reference` validates a file: a missing step, an
empty point, an unknown question id or a template that does not resolve is a :class:`ReferenceDataError`
naming the file and the field.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from widgets.practice.data import data_dir
from widgets.practice.framework import PROBLEM_TYPES
from widgets.practice.questions import Question, UnknownQuestionError, load_bank
from widgets.tools.capacity import format_bytes, format_quantity, storage, traffic

FOLDER = "reference"
PITFALLS = "pitfalls.json"
STEPS = tuple(range(1, 7))
POINTS_PER_STEP = (5, 9)
FOLLOW_UPS_PER_STEP = (2, 3)
SAMPLE_WORDS = (150, 250)
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: The question's scale assumptions a file may set (``"scale": {...}``), with their defaults and meaning.
SCALE_DEFAULTS = {
    "peak_factor": (2.0, "peak traffic / average traffic"),
    "bytes_per_event": (500.0, "bytes of one logged request or interaction"),
    "replication": (3.0, "copies of the log kept"),
    "retention_days": (365.0, "days the log is kept"),
    "embedding_dim": (128.0, "dimensions of one item's embedding (4-byte floats)"),
}


class ReferenceDataError(ValueError):
    """A reference file is malformed; the message names the file and the field."""


class NoReferenceError(LookupError):
    """A question of the bank that has no reference answer written yet."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Point:
    """One key point of a reference outline: ``text`` with its numbers filled in, and the concepts that
    express it (each concept a tuple of interchangeable phrasings; see :mod:`widgets.practice.matcher`)."""

    id: str
    text: str
    concepts: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class StepReference:
    number: int
    points: tuple[Point, ...]
    follow_ups: tuple[str, ...]
    sample: str | None


@dataclass(frozen=True)
class Reference:
    """One question's reference: the six steps' outlines, follow-ups and samples, and the pitfalls."""

    question: Question
    steps: dict[int, StepReference]
    numbers: dict[str, str]
    pitfalls: dict[int, tuple[str, ...]]

    def step(self, number: int) -> StepReference:
        try:
            return self.steps[int(number)]
        except (KeyError, ValueError, TypeError):
            raise KeyError(f"There is no step {number!r}; the reference has steps 1 to 6.") from None


def scale_numbers(question: Question, scale: dict | None = None) -> dict[str, str]:
    """The numbers a reference outline may quote for ``question``, as display strings.

    Traffic from :func:`widgets.tools.capacity.traffic` (``daily users x actions/user/day``, average and peak
    requests per second, 90% reads); the interaction log from :func:`widgets.tools.capacity.storage`
    (one record per request of ``bytes_per_event`` bytes, ``replication`` copies, ``retention_days`` days);
    the item index as ``items x embedding_dim x 4 bytes`` (one float32 vector per item). Units: requests/s,
    requests/day, bytes (decimal, kB = 1000 B).

    Examples
    --------
    >>> n = scale_numbers(load_bank().get("spotify-recommendations"))
    >>> n["requests_per_day"], n["peak_rps"], n["index_size"]
    ('2.5B', '58K', '51 GB')
    """
    s = {k: v for k, (v, _) in SCALE_DEFAULTS.items()}
    s.update(scale or {})
    t = traffic(question.daily_active_users, question.actions_per_user_per_day, peak_factor=s["peak_factor"])
    log = storage(t.requests_per_day, bytes_per_record=s["bytes_per_event"], replication=s["replication"],
                  retention_days=s["retention_days"])
    index_bytes = question.items * s["embedding_dim"] * 4
    return {
        "daily_users": format_quantity(question.daily_active_users),
        "items": format_quantity(question.items),
        "actions_per_user": f"{question.actions_per_user_per_day:g}",
        "requests_per_day": format_quantity(t.requests_per_day),
        "average_rps": format_quantity(t.average_rps),
        "peak_rps": format_quantity(t.peak_rps),
        "peak_read_rps": format_quantity(t.peak_read_rps),
        "peak_write_rps": format_quantity(t.peak_write_rps),
        "peak_factor": f"{s['peak_factor']:g}",
        "bytes_per_event": format_bytes(s["bytes_per_event"]),
        "log_per_day": format_bytes(log.bytes_per_day),
        "log_per_year": format_bytes(log.bytes_per_year),
        "log_retained": format_bytes(log.bytes_retained),
        "retention_days": f"{s['retention_days']:g}",
        "embedding_dim": f"{s['embedding_dim']:g}",
        "index_size": format_bytes(index_bytes),
    }


def reference_dir() -> Path:
    return data_dir() / FOLDER


def written_questions() -> tuple[str, ...]:
    """Ids of the questions whose reference file exists, sorted."""
    folder = reference_dir()
    if not folder.is_dir():
        return ()
    return tuple(sorted(p.stem for p in folder.glob("*.json") if p.name != PITFALLS))


def load_reference(question_id: str) -> Reference:
    """Load and validate one question's reference.

    Raises :class:`widgets.practice.questions.UnknownQuestionError` for an id that is not in the bank,
    :class:`NoReferenceError` when its file is not written yet, :class:`ReferenceDataError` when it is
    malformed.

    Examples
    --------
    >>> ref = load_reference("spotify-recommendations")
    >>> 5 <= len(ref.step(1).points) <= 9, ref.step(1).sample is not None
    (True, True)
    """
    question = load_bank().get(question_id)   # UnknownQuestionError names the id
    return _load(question.id)


@cache
def _load(question_id: str) -> Reference:
    question = load_bank().get(question_id)
    path = reference_dir() / f"{question_id}.json"
    if not path.is_file():
        raise NoReferenceError(f"No reference answer is written for {question.title!r} yet.")
    raw = _read_json(path)
    return parse_reference(raw, question, path.name, load_pitfalls())


def parse_reference(raw, question: Question, where: str, pitfalls: dict | None = None) -> Reference:
    """Validate a parsed reference document for ``question``; ``where`` names the file in errors."""
    def fail(field: str, problem: str):
        raise ReferenceDataError(f"{where}: {field}: {problem}")

    if not isinstance(raw, dict):
        fail("(top)", "the file must hold one JSON object.")
    unknown = set(raw) - {"question", "scale", "steps"}
    if unknown:
        fail(", ".join(sorted(unknown)), "unknown field; a reference has question, scale and steps.")
    if raw.get("question") != question.id:
        named = raw.get("question")
        try:
            load_bank().get(str(named))
        except UnknownQuestionError:
            fail("question", f"{named!r} is not a question id in questions.csv.")
        fail("question", f"is {named!r}, but the file is for {question.id!r}.")
    scale = raw.get("scale", {})
    if not isinstance(scale, dict):
        fail("scale", "must be an object of number assumptions.")
    for k, v in scale.items():
        if k not in SCALE_DEFAULTS:
            fail(f"scale.{k}", f"unknown assumption; use {', '.join(SCALE_DEFAULTS)}.")
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v <= 0:
            fail(f"scale.{k}", "must be a positive number.")
    try:
        numbers = scale_numbers(question, scale)
    except ValueError as exc:
        fail("scale", str(exc))
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, dict):
        fail("steps", "must be an object with the steps \"1\" to \"6\".")
    missing = [str(n) for n in STEPS if str(n) not in steps_raw]
    if missing:
        fail("steps", f"step {', '.join(missing)} is missing.")
    extra = sorted(set(steps_raw) - {str(n) for n in STEPS})
    if extra:
        fail("steps", f"{', '.join(extra)} is not a step (use \"1\" to \"6\").")
    steps = {}
    for n in STEPS:
        s, at = steps_raw[str(n)], f"steps.{n}"
        if not isinstance(s, dict):
            fail(at, "must be an object with points and follow_ups.")
        bad = set(s) - {"points", "follow_ups", "sample"}
        if bad:
            fail(f"{at}.{min(bad)}", "unknown field; a step has points, follow_ups and sample.")
        points_raw = s.get("points")
        low, high = POINTS_PER_STEP
        if not isinstance(points_raw, list) or not low <= len(points_raw) <= high:
            fail(f"{at}.points", f"needs {low} to {high} points.")
        points, ids = [], set()
        for i, p in enumerate(points_raw):
            pat = f"{at}.points[{i}]"
            if not isinstance(p, dict):
                fail(pat, "must be an object with id, text and concepts.")
            pid = p.get("id")
            if not isinstance(pid, str) or not _ID.match(pid):
                fail(f"{pat}.id", "must be a lower-case slug such as 'peak-traffic'.")
            if pid in ids:
                fail(f"{pat}.id", f"{pid!r} is used twice in step {n}.")
            ids.add(pid)
            text = _text(p.get("text"), f"{pat}.text", fail)
            concepts = p.get("concepts")
            if (not isinstance(concepts, list) or not concepts
                    or not all(isinstance(c, list) and c and all(isinstance(w, str) and w.strip() for w in c)
                               for c in concepts)):
                fail(f"{pat}.concepts", "must be a non-empty list of concepts, each a non-empty list of phrases.")
            points.append(Point(pid, _fill(text, numbers, f"{pat}.text", fail),
                                tuple(tuple(w.strip().lower() for w in c) for c in concepts)))
        follow = s.get("follow_ups")
        low, high = FOLLOW_UPS_PER_STEP
        if not isinstance(follow, list) or not low <= len(follow) <= high:
            fail(f"{at}.follow_ups", f"needs {low} to {high} questions.")
        follow_ups = tuple(_fill(_text(f, f"{at}.follow_ups[{i}]", fail), numbers, f"{at}.follow_ups[{i}]", fail)
                           for i, f in enumerate(follow))
        sample = None
        if "sample" in s:
            sample = _fill(_text(s["sample"], f"{at}.sample", fail), numbers, f"{at}.sample", fail)
            words = len(sample.split())
            if not SAMPLE_WORDS[0] <= words <= SAMPLE_WORDS[1]:
                fail(f"{at}.sample", f"has {words} words; a sample answer has {SAMPLE_WORDS[0]} to "
                                     f"{SAMPLE_WORDS[1]}.")
        steps[n] = StepReference(n, tuple(points), follow_ups, sample)
    by_step = (pitfalls or {}).get(question.problem_type, {})
    return Reference(question, steps, numbers, {n: tuple(by_step.get(n, ())) for n in STEPS})


@lru_cache(maxsize=1)
def load_pitfalls() -> dict[str, dict[int, tuple[str, ...]]]:
    """The common pitfalls of each step for each problem type (``data/reference/pitfalls.json``)."""
    path = reference_dir() / PITFALLS
    raw = _read_json(path)
    out = {}
    if not isinstance(raw, dict):
        raise ReferenceDataError(f"{PITFALLS}: (top): must be an object of problem types.")
    for kind in PROBLEM_TYPES:
        steps = raw.get(kind)
        if not isinstance(steps, dict):
            raise ReferenceDataError(f"{PITFALLS}: {kind}: the problem type is missing.")
        out[kind] = {}
        for n in STEPS:
            items = steps.get(str(n))
            if not isinstance(items, list) or not 2 <= len(items) <= 4 or not all(
                    isinstance(i, str) and i.strip() for i in items):
                raise ReferenceDataError(f"{PITFALLS}: {kind}.{n}: needs 2 to 4 pitfalls as text.")
            out[kind][n] = tuple(i.strip() for i in items)
    unknown = set(raw) - set(PROBLEM_TYPES)
    if unknown:
        raise ReferenceDataError(f"{PITFALLS}: {min(unknown)}: not a problem type.")
    return out


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReferenceDataError(f"{path.name}: the file is missing from {path.parent}.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(f"{path.name}: not valid JSON ({exc}).") from None


def _text(value, field: str, fail) -> str:
    if not isinstance(value, str) or not value.strip():
        fail(field, "must be non-empty text.")
    return " ".join(value.split())


def _fill(text: str, numbers: dict[str, str], field: str, fail) -> str:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        fail(field, f"a template is malformed ({exc}); write numbers as {{peak_rps}} and a brace as {{{{.")
    for name in names:
        if name not in numbers:
            fail(field, f"the number {{{name}}} does not resolve; known: {', '.join(sorted(numbers))}.")
    return text.format_map(numbers)


@dataclass(frozen=True)
class OutlineCoverage:
    """An answer against one step's reference outline: each point's status, and the answer's matched spans."""

    step: StepReference
    matches: tuple  # of widgets.practice.matcher.PointMatch, one per point, in order

    @property
    def counts(self) -> dict[str, int]:
        out = {"covered": 0, "partly": 0, "missed": 0}
        for m in self.matches:
            out[m.status] += 1
        return out

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """The character spans of the answer that matched a point, sorted and merged."""
        merged: list[list[int]] = []
        for a, b in sorted(s for m in self.matches for s in m.spans):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        return tuple((a, b) for a, b in merged)


def outline_coverage(text: str, step: StepReference) -> OutlineCoverage:
    """Which of ``step``'s points ``text`` covers (a hint, not a grade; see :mod:`widgets.practice.matcher`).

    Examples
    --------
    >>> step = load_reference("spotify-recommendations").step(1)
    >>> c = outline_coverage("", step)
    >>> c.counts["missed"] == len(step.points), c.spans
    (True, ())
    """
    from widgets.practice.matcher import match_points

    return OutlineCoverage(step, tuple(match_points(text, step.points)))


def highlighted(text: str, spans) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, matched?) runs by ``spans``, for a view to mark up (and escape).

    Examples
    --------
    >>> highlighted("peak qps here", [(0, 4), (5, 8)])
    [('peak', True), (' ', False), ('qps', True), (' here', False)]
    """
    out, at = [], 0
    for a, b in spans:
        if a > at:
            out.append((text[at:a], False))
        out.append((text[a:b], True))
        at = b
    if at < len(text):
        out.append((text[at:], False))
    return out
