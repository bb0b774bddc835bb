"""The five problem types and what each implies for a design (model families, the shape of a training
row, metrics, what to watch out for), read from ``data/framework.json`` for step 1's guide."""

from __future__ import annotations

from widgets.practice.framework import ProblemType, load_framework


def problem_types() -> tuple[ProblemType, ...]:
    """The five types in the framework's order (recommendation, regression, classification, generation, ranking).

    Examples
    --------
    >>> [t.id for t in problem_types()]
    ['recommendation', 'regression', 'classification', 'generation', 'ranking']
    """
    return load_framework().problem_types


def guide(type_id: str | None) -> ProblemType:
    """The type with this id; an unknown or missing id gives the first type rather than an error.

    Examples
    --------
    >>> guide("ranking").name, guide("clustering").id
    ('Ranking', 'recommendation')
    """
    types = problem_types()
    return next((t for t in types if t.id == type_id), types[0])
