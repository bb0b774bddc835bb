"""The six-step interview framework as data: steps, time budgets, prompts, rubric, problem types.

The content lives in ``data/framework.json``; this module validates it once and serves typed,
immutable records. :func:`coverage` gives the hints the answer widget shows: which rubric items a
free-text answer already covers, partly covers or misses, matched by :mod:`widgets.practice.matcher` on each
item's ``concepts`` (the same matcher the reference outlines use).

Each item also keeps the ``keywords`` of the workbook's first hints, matched by :meth:`RubricItem.mentioned_in`:
a keyword (or phrase) counts as mentioned when it occurs at the start of a word, case-insensitively, so
``calibrat`` matches "calibration" and "calibrated". They are the baseline ``benchmarks/matcher.py`` measures the
matcher against.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from widgets.practice.data import data_path

PROBLEM_TYPES = ("recommendation", "regression", "classification", "generation", "ranking")


class FrameworkError(ValueError):
    """``framework.json`` is malformed; the message names the place and the field."""


@dataclass(frozen=True)
class RubricItem:
    """One thing a strong answer to a step does, with the concepts that express it (for the matcher) and the
    keywords of the first, keyword-only hints (the benchmark's baseline)."""

    id: str
    label: str
    description: str
    keywords: tuple[str, ...]
    concepts: tuple[tuple[str, ...], ...] = ()

    def mentioned_in(self, text: str) -> tuple[str, ...]:
        """Return the keywords of this item found in ``text`` (word-prefix, case-insensitive).

        Examples
        --------
        >>> item = RubricItem("cal", "Calibration", "", ("calibrat", "reliability diagram"))
        >>> item.mentioned_in("Check the model is well calibrated with a reliability   diagram.")
        ('calibrat', 'reliability diagram')
        >>> item.mentioned_in("recalibrate")
        ()
        """
        return tuple(k for k in self.keywords if _keyword_pattern(k).search(text))


@dataclass(frozen=True)
class Step:
    """One step of the framework with its time budget in minutes."""

    number: int
    id: str
    title: str
    minutes: int
    goal: str
    topics: tuple[str, ...]
    prompts: tuple[str, ...]
    rubric: tuple[RubricItem, ...]
    pitfalls: tuple[str, ...]

    @property
    def budget_seconds(self) -> int:
        """The step's time budget in seconds."""
        return self.minutes * 60

    def rubric_item(self, item_id: str) -> RubricItem:
        for item in self.rubric:
            if item.id == item_id:
                return item
        raise KeyError(f"Step {self.number} has no rubric item {item_id!r}.")


@dataclass(frozen=True)
class ProblemType:
    """One of the five problem types that frame step 1, with what each implies."""

    id: str
    name: str
    summary: str
    model_families: tuple[str, ...]
    data_shape: str
    metrics: tuple[str, ...]
    watch_out: str


@dataclass(frozen=True)
class Framework:
    name: str
    total_minutes: int
    steps: tuple[Step, ...]
    problem_types: tuple[ProblemType, ...]

    def step(self, number: int) -> Step:
        """Return step ``number`` (1 to 6).

        Examples
        --------
        >>> load_framework().step(6).minutes
        5
        """
        for step in self.steps:
            if step.number == number:
                return step
        raise KeyError(f"There is no step {number}; the framework has steps 1 to {len(self.steps)}.")

    def problem_type(self, type_id: str) -> ProblemType:
        for pt in self.problem_types:
            if pt.id == type_id:
                return pt
        raise KeyError(f"Unknown problem type {type_id!r}; choose one of {', '.join(PROBLEM_TYPES)}.")


@dataclass(frozen=True)
class Coverage:
    """Which rubric items an answer covers, partly covers or misses, with the words of the answer that matched."""

    covered: tuple[tuple[RubricItem, tuple[str, ...]], ...]
    missing: tuple[RubricItem, ...]
    partly: tuple[tuple[RubricItem, tuple[str, ...]], ...] = ()

    @property
    def fraction(self) -> float:
        total = len(self.covered) + len(self.partly) + len(self.missing)
        return len(self.covered) / total if total else 0.0


def coverage(text: str, step: Step) -> Coverage:
    """Split a step's rubric into the items ``text`` covers, partly covers and misses (a hint, not a grade).

    Examples
    --------
    >>> step = load_framework().step(4)
    >>> c = coverage("We compare precision@k with nDCG@k and check the calibration of the scores.", step)
    >>> len(c.covered) >= 2, len(c.covered) + len(c.partly) + len(c.missing) == len(step.rubric)
    (True, True)
    """
    from widgets.practice.matcher import Answer

    answer = Answer(text)
    covered, partly, missing = [], [], []
    for item in step.rubric:
        m = answer.match(item.id, item.concepts)
        words = tuple(dict.fromkeys(answer.text[f.spans[0][0]:f.spans[-1][1]] for f in m.found))
        if m.status == "covered":
            covered.append((item, words))
        elif m.status == "partly":
            partly.append((item, words))
        else:
            missing.append(item)
    return Coverage(tuple(covered), tuple(missing), tuple(partly))


@lru_cache(maxsize=None)
def _keyword_pattern(keyword: str) -> re.Pattern:
    words = [re.escape(w) for w in keyword.lower().split()]
    return re.compile(r"(?<![\w])" + r"\s+".join(words), re.IGNORECASE)


def _require(obj: dict, field: str, kind: type, where: str):
    if field not in obj:
        raise FrameworkError(f"{where}: field {field!r} is missing.")
    value = obj[field]
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        raise FrameworkError(f"{where}: field {field!r} must be a non-empty {kind.__name__}.")
    return value


def _strings(obj: dict, field: str, where: str) -> tuple[str, ...]:
    values = _require(obj, field, list, where)
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise FrameworkError(f"{where}: field {field!r} must be a non-empty list of strings.")
    return tuple(values)


def _concepts(obj: dict, where: str) -> tuple[tuple[str, ...], ...]:
    concepts = _require(obj, "concepts", list, where)
    if not concepts or not all(isinstance(c, list) and c and all(isinstance(w, str) and w.strip() for w in c)
                               for c in concepts):
        raise FrameworkError(f"{where}: field 'concepts' must be a non-empty list of non-empty lists of phrases.")
    return tuple(tuple(w.strip().lower() for w in c) for c in concepts)


def parse_framework(raw: dict) -> Framework:
    """Validate a framework document (the parsed JSON) and build the typed records."""
    steps = []
    for i, s in enumerate(_require(raw, "steps", list, "framework"), start=1):
        where = f"steps[{i}]"
        rubric_raw = _require(s, "rubric", list, where)
        if not 4 <= len(rubric_raw) <= 8:
            raise FrameworkError(f"{where}: the rubric needs 4 to 8 items, it has {len(rubric_raw)}.")
        rubric = tuple(
            RubricItem(
                id=_require(r, "id", str, f"{where}.rubric[{j}]"),
                label=_require(r, "label", str, f"{where}.rubric[{j}]"),
                description=_require(r, "description", str, f"{where}.rubric[{j}]"),
                keywords=tuple(k.lower() for k in _strings(r, "keywords", f"{where}.rubric[{j}]")),
                concepts=_concepts(r, f"{where}.rubric[{j}]"),
            )
            for j, r in enumerate(rubric_raw, start=1)
        )
        if len({r.id for r in rubric}) != len(rubric):
            raise FrameworkError(f"{where}: rubric item ids must be unique.")
        minutes = _require(s, "minutes", int, where)
        if minutes <= 0:
            raise FrameworkError(f"{where}: field 'minutes' must be positive.")
        steps.append(
            Step(
                number=_require(s, "number", int, where),
                id=_require(s, "id", str, where),
                title=_require(s, "title", str, where),
                minutes=minutes,
                goal=_require(s, "goal", str, where),
                topics=_strings(s, "topics", where),
                prompts=_strings(s, "prompts", where),
                rubric=rubric,
                pitfalls=_strings(s, "pitfalls", where),
            )
        )
    if [s.number for s in steps] != list(range(1, len(steps) + 1)):
        raise FrameworkError("framework: steps must be numbered 1, 2, 3, ... in order.")
    types = []
    for i, p in enumerate(_require(raw, "problem_types", list, "framework"), start=1):
        where = f"problem_types[{i}]"
        types.append(
            ProblemType(
                id=_require(p, "id", str, where),
                name=_require(p, "name", str, where),
                summary=_require(p, "summary", str, where),
                model_families=_strings(p, "model_families", where),
                data_shape=_require(p, "data_shape", str, where),
                metrics=_strings(p, "metrics", where),
                watch_out=_require(p, "watch_out", str, where),
            )
        )
    if tuple(t.id for t in types) != PROBLEM_TYPES:
        raise FrameworkError(f"framework: problem_types must be {', '.join(PROBLEM_TYPES)}, in that order.")
    total = _require(raw, "total_minutes", int, "framework")
    if total != sum(s.minutes for s in steps):
        raise FrameworkError("framework: total_minutes is not the sum of the steps' minutes.")
    return Framework(_require(raw, "name", str, "framework"), total, tuple(steps), tuple(types))


@lru_cache(maxsize=1)
def load_framework() -> Framework:
    """Load and validate ``data/framework.json`` (cached).

    Examples
    --------
    >>> fw = load_framework()
    >>> [s.minutes for s in fw.steps]
    [8, 8, 8, 8, 8, 5]
    """
    path = data_path("framework.json")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FrameworkError(f"{path} is not valid JSON: {exc}") from exc
    return parse_framework(raw)
