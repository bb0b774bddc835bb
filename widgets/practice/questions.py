"""The question bank: classic ML system design questions with a brief and an assumed scale.

``data/questions.csv`` holds one row per question. :func:`load_bank` validates every row (a
malformed row is a :class:`QuestionBankError` naming the line and the field) and returns a
:class:`QuestionBank` that serves typed :class:`Question` records, a pandas DataFrame, filters
and a random draw.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from widgets.practice.data import data_path
from widgets.practice.framework import PROBLEM_TYPES

COLUMNS = (
    "id", "title", "problem_type", "domain", "company", "tags", "brief",
    "daily_active_users", "items", "actions_per_user_per_day", "origin",
)
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_OPTIONAL = {"company"}


class QuestionBankError(ValueError):
    """The question bank file is malformed; the message names the line and the field."""


class UnknownQuestionError(KeyError):
    """A question id that is not in the bank."""

    def __str__(self) -> str:  # KeyError quotes its argument; a user should read a sentence
        return str(self.args[0])


@dataclass(frozen=True)
class Question:
    """One interview question, with the scale the workbook assumes for it.

    ``daily_active_users`` is people per day, ``items`` the size of what the system scores
    (songs, listings, comments per day, ...), ``actions_per_user_per_day`` the requests one
    active user makes of the ML system per day.
    """

    id: str
    title: str
    problem_type: str
    domain: str
    company: str
    tags: tuple[str, ...]
    brief: str
    daily_active_users: int
    items: int
    actions_per_user_per_day: float
    origin: str

    @property
    def search_text(self) -> str:
        """What a search looks in, lower case: title, id, domain, company, tags and brief.

        Examples
        --------
        >>> "chatbot" in load_bank().get("hotel-booking-chatbot").search_text
        True
        """
        return " ".join([self.title, self.id, self.domain, self.company, " ".join(self.tags), self.brief]).lower()

    def as_dict(self) -> dict:
        d = asdict(self)
        d["tags"] = list(self.tags)
        return d


class QuestionBank:
    """The validated questions, in file order."""

    def __init__(self, questions: Iterable[Question]):
        self._questions = tuple(questions)
        self._by_id = {q.id: q for q in self._questions}

    def __len__(self) -> int:
        return len(self._questions)

    def __iter__(self):
        return iter(self._questions)

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._by_id

    def get(self, question_id: str) -> Question:
        """Return the question with this id, or raise :class:`UnknownQuestionError`.

        Examples
        --------
        >>> load_bank().get("no-such-question")
        Traceback (most recent call last):
        ...
        widgets.practice.questions.UnknownQuestionError: No question has the id 'no-such-question'.
        """
        try:
            return self._by_id[question_id]
        except KeyError:
            raise UnknownQuestionError(f"No question has the id {question_id!r}.") from None

    @property
    def domains(self) -> tuple[str, ...]:
        return tuple(sorted({q.domain for q in self._questions}))

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(sorted({t for q in self._questions for t in q.tags}))

    def filter(self, problem_type: str | None = None, domain: str | None = None,
               tag: str | None = None, text: str | None = None) -> "QuestionBank":
        """Return the questions matching every criterion given (``None`` means any).

        ``text`` is matched case-insensitively against the title, id, domain, company, tags and brief;
        every word of it must occur (in any of them, in any order).

        Examples
        --------
        >>> bank = load_bank()
        >>> subset = bank.filter(problem_type="ranking")
        >>> 0 < len(subset) < len(bank) and all(q.problem_type == "ranking" for q in subset)
        True
        """
        if problem_type is not None and problem_type not in PROBLEM_TYPES:
            raise ValueError(f"Unknown problem type {problem_type!r}; choose one of {', '.join(PROBLEM_TYPES)}.")
        words = text.lower().split() if text else []
        return QuestionBank(
            q for q in self._questions
            if (problem_type is None or q.problem_type == problem_type)
            and (domain is None or q.domain == domain)
            and (tag is None or tag in q.tags)
            and all(w in q.search_text for w in words)
        )

    def draw(self, seed: int | None = None) -> Question:
        """Draw one question at random; the same ``seed`` always draws the same question.

        Examples
        --------
        >>> bank = load_bank()
        >>> bank.draw(seed=7) == bank.draw(seed=7)
        True
        """
        if not self._questions:
            raise ValueError("No question matches these filters; loosen one of them to draw.")
        return random.Random(seed).choice(self._questions)

    def to_frame(self):
        """Return the questions as a pandas DataFrame indexed by id (tags joined by ', ')."""
        import pandas as pd

        rows = [q.as_dict() | {"tags": ", ".join(q.tags)} for q in self._questions]
        return pd.DataFrame(rows, columns=list(COLUMNS)).set_index("id")


def _positive(value: str, field: str, where: str, kind: type):
    try:
        number = kind(value)
    except ValueError:
        raise QuestionBankError(f"{where}: field {field!r} must be a number, got {value!r}.") from None
    if not number > 0:
        raise QuestionBankError(f"{where}: field {field!r} must be positive, got {value!r}.")
    return number


def parse_rows(rows: Iterable[dict], source: str = "questions.csv") -> QuestionBank:
    """Validate rows (dicts keyed by :data:`COLUMNS`) into a bank; line numbers count the header."""
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        where = f"{source} line {line}"
        if None in row or any(v is None for v in row.values()):
            raise QuestionBankError(f"{where}: wrong number of fields (expected {len(COLUMNS)}).")
        for field in COLUMNS:
            if field not in _OPTIONAL and not str(row.get(field, "")).strip():
                raise QuestionBankError(f"{where}: field {field!r} is empty.")
        qid = row["id"].strip()
        if not _SLUG.match(qid):
            raise QuestionBankError(f"{where}: field 'id' must be a lowercase slug like 'spotify-discover-weekly', got {qid!r}.")
        if qid in seen:
            raise QuestionBankError(f"{where}: field 'id' repeats {qid!r} from line {seen[qid]}.")
        seen[qid] = line
        ptype = row["problem_type"].strip()
        if ptype not in PROBLEM_TYPES:
            raise QuestionBankError(f"{where}: field 'problem_type' must be one of {', '.join(PROBLEM_TYPES)}, got {ptype!r}.")
        questions.append(
            Question(
                id=qid,
                title=row["title"].strip(),
                problem_type=ptype,
                domain=row["domain"].strip(),
                company=(row.get("company") or "").strip(),
                tags=tuple(t.strip() for t in row["tags"].split(";") if t.strip()),
                brief=row["brief"].strip(),
                daily_active_users=_positive(row["daily_active_users"], "daily_active_users", where, int),
                items=_positive(row["items"], "items", where, int),
                actions_per_user_per_day=_positive(row["actions_per_user_per_day"], "actions_per_user_per_day", where, float),
                origin=row["origin"].strip(),
            )
        )
    return QuestionBank(questions)


def read_bank(path: Path) -> QuestionBank:
    """Read and validate a question bank file."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise QuestionBankError(f"{path.name} line 1: the header must be {','.join(COLUMNS)}.")
        return parse_rows(reader, source=path.name)


@lru_cache(maxsize=1)
def load_bank() -> QuestionBank:
    """Load the workbook's question bank (cached).

    Examples
    --------
    >>> bank = load_bank()
    >>> len(bank) >= 50
    True
    """
    return read_bank(data_path("questions.csv"))
