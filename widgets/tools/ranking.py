"""precision@k against ndcg@k: two hand-made ranked lists compared position by position, and three
rankers on the recommendation data set, with the "what to say" sentence written from the numbers.

Metrics come from :mod:`widgets.tools.metrics` (trec_eval conventions, equal to scikit-learn's).
"""


from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from widgets.tools import metrics as m

#: name -> (list A, list B, what it shows). Both lists rank the same candidates (B is a reordering
#: of A), so both are normalised by the same ideal ordering.
SCENARIOS = {
    "Many weak hits or one great hit": (
        [1, 1, 1, 1, 0, 0, 0, 0, 0, 3], [3, 0, 0, 0, 0, 0, 1, 1, 1, 1],
        "A fills the top with barely relevant items; B puts the one excellent item first."),
    "Same hits, different order": (
        [0, 0, 0, 2, 2, 0, 0, 0, 0, 0], [2, 2, 0, 0, 0, 0, 0, 0, 0, 0],
        "Both have the same relevant items in the top 5: precision cannot tell them apart."),
    "Grades inside the top k": (
        [1, 1, 3, 3, 0, 0, 0, 0, 0, 0], [3, 3, 1, 1, 0, 0, 0, 0, 0, 0],
        "Both find the same four items; only the order of the grades differs."),
    "Relevant items below the cut": (
        [2, 0, 0, 0, 0, 2, 2, 2, 0, 0], [0, 2, 2, 0, 0, 0, 0, 0, 2, 2],
        "Move k and watch the winner change under each metric."),
}
MAX_GRADE = 3


def parse_grades(text: str) -> list[int]:
    """Parse a ranked list typed as grades, e.g. ``"3 0 1 2"`` (commas allowed).

    Examples
    --------
    >>> parse_grades("3, 0 1  2")
    [3, 0, 1, 2]
    >>> parse_grades("3 x")
    Traceback (most recent call last):
    ...
    ValueError: Type the grades as whole numbers from 0 to 3 separated by spaces, e.g. 3 0 1 2.
    """
    parts = text.replace(",", " ").split()
    try:
        grades = [int(p) for p in parts]
    except ValueError:
        grades = None
    if not grades or any(g < 0 or g > MAX_GRADE for g in grades):
        raise ValueError(f"Type the grades as whole numbers from 0 to {MAX_GRADE} separated by spaces, e.g. 3 0 1 2.")
    if len(grades) > 20:
        raise ValueError("Keep the list to 20 positions or fewer.")
    return grades


@dataclass(frozen=True)
class ListComparison:
    """Two ranked lists of the same query at one ``k``: per-position working and both metrics."""

    k: int
    grades: tuple[list[int], list[int]]
    discounts: np.ndarray          # 1 / log2(rank + 1), rank 1..n
    contributions: tuple[np.ndarray, np.ndarray]   # gain x discount per position
    idcg: float
    precision: tuple[float, float]
    ndcg: tuple[float, float]

    def verdict(self) -> str:
        """Which list each metric prefers, as a sentence for the interview."""
        def better(pair, name):
            if math.isclose(pair[0], pair[1], abs_tol=1e-12):
                return f"{name} cannot tell them apart ({pair[0]:.3f} each)"
            winner = "A" if pair[0] > pair[1] else "B"
            return f"{name} prefers {winner} ({pair[0]:.3f} vs {pair[1]:.3f})"

        p = better(self.precision, f"precision@{self.k}")
        n = better(self.ndcg, f"ndcg@{self.k}")
        agree = (np.sign(self.precision[0] - self.precision[1]) == np.sign(self.ndcg[0] - self.ndcg[1]))
        tail = ("The metrics agree here." if agree else
                "They disagree: precision@k counts relevant items in the top k and ignores their order and "
                "grade, while ndcg@k rewards putting the most relevant items first.")
        return f"{p}; {n}. {tail}"


def compare_lists(grades_a: list[int], grades_b: list[int], k: int) -> ListComparison:
    """P@k and nDCG@k (linear gain) of two rankings, with each position's gain times discount.

    The ideal ordering is taken from all grades of both lists' shared pool (list A's grades when
    B is a reordering of A; otherwise each list is normalised by its own ideal).

    Examples
    --------
    >>> c = compare_lists([1, 1, 1, 1, 0, 0, 0, 0, 0, 3], [3, 0, 0, 0, 0, 0, 1, 1, 1, 1], k=5)
    >>> c.precision, tuple(round(x, 3) for x in c.ndcg)
    ((0.8, 0.2), (0.518, 0.606))
    """
    k = m._check_k(k)
    n = max(len(grades_a), len(grades_b))
    pad = lambda g: np.array(g + [0] * (n - len(g)), dtype=float)  # noqa: E731 (a one-line helper)
    rel = np.vstack([pad(grades_a), pad(grades_b)])
    scores = np.tile(np.arange(n, 0, -1, dtype=float), (2, 1))   # rank order as typed
    ranked = m.RankedLists(rel, scores)
    discounts = 1.0 / np.log2(np.arange(2, n + 2))
    contributions = tuple(rel[i] * discounts for i in range(2))
    return ListComparison(
        k=k, grades=(list(grades_a), list(grades_b)), discounts=discounts, contributions=contributions,
        idcg=float(ranked.idcg(k)[0]),
        precision=tuple(float(x) for x in ranked.precision(k).per_query),
        ndcg=tuple(float(x) for x in ranked.ndcg(k).per_query))


# --------------------------------------------------------------------------------------------
# rankers on the recommendation data set
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RankerCurves:
    """Mean P@k and nDCG@k for k = 1..max_k for each ranker, computed from one sort per ranker."""

    ks: np.ndarray
    precision: dict
    ndcg: dict
    n_users: int
    n_without_relevant: int

    def winners(self, k: int) -> tuple[str, str]:
        """The best ranker at ``k`` under precision@k and under ndcg@k."""
        i = int(np.clip(k, 1, self.ks[-1])) - 1
        best = lambda table: max(table, key=lambda name: table[name][i])  # noqa: E731
        return best(self.precision), best(self.ndcg)

    def disagreements(self) -> list[int]:
        """The values of k at which precision@k and ndcg@k name different winners."""
        return [int(k) for k in self.ks if len(set(self.winners(int(k)))) == 2]

    def say(self, k: int) -> str:
        i = int(np.clip(k, 1, self.ks[-1])) - 1
        p_win, n_win = self.winners(k)
        fmt = lambda table, name: f"{table[name][i]:.3f}"  # noqa: E731
        text = (f"At k={k}, {p_win} has the best precision@{k} ({fmt(self.precision, p_win)}) and "
                f"{n_win} the best ndcg@{k} ({fmt(self.ndcg, n_win)}); random scores "
                f"{fmt(self.precision, 'random')} and {fmt(self.ndcg, 'random')}.")
        if p_win != n_win:
            text += (f" The metrics disagree: {p_win} finds more relevant items, {n_win} ranks the most "
                     "relevant ones higher. Pick the metric that matches what the product values: "
                     "any click (precision) or deep engagement near the top (ndcg).")
        spans = self.disagreements()
        if spans:
            text += f" Over this data they disagree for k from {spans[0]} to {spans[-1]}."
        else:
            text += " Over this data they agree at every k."
        return text


@lru_cache(maxsize=1)
def ranker_curves(max_k: int = 50) -> RankerCurves:
    """Evaluate the three rankers of :func:`widgets.tools.datasets.load_recommendation_benchmark`."""
    from widgets.tools.datasets import load_recommendation_benchmark

    bench = load_recommendation_benchmark()
    ks = np.arange(1, max_k + 1)
    precision, ndcg = {}, {}
    for name, scores in bench.scores.items():
        ranked = m.RankedLists(bench.relevance, scores)
        precision[name] = np.array([ranked.precision(int(k)).mean for k in ks])
        ndcg[name] = np.array([ranked.ndcg(int(k)).mean for k in ks])
    return RankerCurves(ks, precision, ndcg, bench.relevance.shape[0], ranked.without_relevant)

