"""Evaluation metrics for step 4: ranking, classification at every threshold, calibration, fairness.

Pure numpy; every function validates its input and raises ``ValueError`` with a message that says
what to fix.

Conventions
-----------
Ranking metrics follow trec_eval, the reference implementation of the information-retrieval
community (``P_k``, ``recall_k``, ``ndcg_cut_k``, ``map_cut_k``, ``recip_rank``), and equal
scikit-learn's where it defines the same metric:

- Input is two arrays of shape ``(n_queries, n_candidates)``: graded relevance (``>= 0``; ``> 0``
  counts as relevant) and model scores (higher ranks first).
- Ties in the scores are broken by column order by default (``ties="first"``: of two equal scores
  the candidate in the earlier column ranks first), which is deterministic. ``ties="average"``
  averages over every order of the tied candidates, which is what scikit-learn's ``ndcg_score``
  does; it is defined for the metrics that add up per-position contributions (precision, recall,
  ndcg).
- Gain is linear (the relevance grade) by default, ``gain="exponential"`` uses ``2**rel - 1``. The
  discount of rank ``r`` (1-based) is ``1 / log2(r + 1)``. The ideal DCG ranks all of the query's
  judged relevance, truncated at ``k``.
- ``P@k`` divides by ``k`` even when the list is shorter than ``k``; ``AP@k`` divides by the number
  of relevant candidates of the query (not only those in the top ``k``).
- A query with no relevant candidate scores 0 on every metric; the count of such queries is
  reported as ``n_without_relevant``.

Classification curves count true and false positives at every distinct score with one sort, as
scikit-learn's ``_binary_clf_curve`` does: a sample is predicted positive when its score is at or
above the threshold. Calibration bins follow scikit-learn's ``calibration_curve`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "RankingResult", "RankedLists", "precision_at_k", "recall_at_k", "ndcg_at_k", "average_precision_at_k",
    "reciprocal_rank", "hit_rate_at_k", "ThresholdCurve", "threshold_curve", "precision_recall_curve",
    "roc_curve", "roc_auc", "cost_optimal_threshold", "ReliabilityCurve", "reliability_curve",
    "expected_calibration_error", "brier_score", "GroupRates", "group_rates", "fairness_gaps",
]


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------
def _finite_2d(name: str, values) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ValueError(f"{name} must be a 2-D array (queries x candidates) with at least one candidate.")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values; replace or drop them first.")
    return arr


def _check_k(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a whole number of at least 1, got {k!r}.")
    return int(k)


def _binary_labels(y_true, name: str = "y_true") -> np.ndarray:
    y = np.asarray(y_true)
    if y.ndim != 1 or y.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of 0/1 labels.")
    if y.dtype == bool:
        return y.view(np.int8)
    if np.issubdtype(y.dtype, np.integer):
        valid = y.min() >= 0 and y.max() <= 1        # far cheaper than np.isin on large arrays
    else:
        valid = bool(((y == 0) | (y == 1)).all())
    if not valid:
        raise ValueError(f"{name} must hold only 0 and 1 (negative and positive class).")
    return y.astype(np.int8, copy=False)


def _scores_1d(y_score, n: int, name: str = "y_score") -> np.ndarray:
    s = np.asarray(y_score, dtype=float)
    if s.ndim != 1 or s.shape[0] != n:
        raise ValueError(f"{name} must be a 1-D array as long as y_true ({n}), got shape {s.shape}.")
    if not np.isfinite(s).all():
        raise ValueError(f"{name} contains NaN or infinite values; replace or drop them first.")
    return s


def _probabilities(y_prob, n: int) -> np.ndarray:
    p = _scores_1d(y_prob, n, "y_prob")
    if p.min() < 0 or p.max() > 1:
        raise ValueError("y_prob must be probabilities between 0 and 1.")
    return p


def _both_classes(y: np.ndarray) -> None:
    positives = int(y.sum())
    if positives == 0 or positives == y.size:
        raise ValueError("y_true has a single class; this metric needs both positive and negative examples.")


# --------------------------------------------------------------------------------------------
# ranking
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RankingResult:
    """One value per query, their mean, and how many queries had no relevant candidate."""

    per_query: np.ndarray
    n_without_relevant: int

    @property
    def mean(self) -> float:
        return float(self.per_query.mean())

    def __float__(self) -> float:
        return self.mean


class RankedLists:
    """Queries ranked once by score; every metric at any ``k`` then reuses the sort.

    Parameters
    ----------
    relevance : array (n_queries, n_candidates) of graded relevance, ``>= 0``.
    scores : array of the same shape; higher ranks first.
    ties : ``"first"`` (column order breaks ties) or ``"average"`` (average over tied orders).
    gain : ``"linear"`` (the grade) or ``"exponential"`` (``2**grade - 1``).

    Examples
    --------
    >>> r = RankedLists([[3, 0, 1, 0]], [[0.9, 0.8, 0.1, 0.3]])
    >>> r.precision(2).per_query, r.recall(2).per_query
    (array([0.5]), array([0.5]))
    >>> round(r.ndcg(4).mean, 4)   # (3 + 1/log2(4)) / (3 + 1/log2(3))
    0.9448
    """

    def __init__(self, relevance, scores, ties: str = "first", gain: str = "linear"):
        rel = _finite_2d("relevance", relevance)
        sc = _finite_2d("scores", scores)
        if rel.shape != sc.shape:
            raise ValueError(f"relevance {rel.shape} and scores {sc.shape} must have the same shape.")
        if (rel < 0).any():
            raise ValueError("relevance must be 0 or more (0 means not relevant).")
        if ties not in ("first", "average"):
            raise ValueError("ties must be 'first' or 'average'.")
        if gain not in ("linear", "exponential"):
            raise ValueError("gain must be 'linear' or 'exponential'.")
        self.ties, self.gain = ties, gain
        self.n_queries, self.n_candidates = rel.shape
        neg = -sc
        # A fast sort, then the stable one (ties in column order) only for rows that hold ties:
        # a row without ties has a single correct order, so the result is the same, ~3x sooner.
        order = np.argsort(neg, axis=1)
        sorted_neg = np.take_along_axis(neg, order, axis=1)
        tied = np.flatnonzero((sorted_neg[:, 1:] == sorted_neg[:, :-1]).any(axis=1))
        if tied.size:
            order[tied] = np.argsort(neg[tied], axis=1, kind="stable")
        rel_sorted = np.take_along_axis(rel, order, axis=1)
        relevant = rel_sorted > 0
        gains = np.exp2(rel_sorted) - 1.0 if gain == "exponential" else rel_sorted
        self.n_relevant = relevant.sum(axis=1)
        self.without_relevant = int((self.n_relevant == 0).sum())
        self._discount = 1.0 / np.log2(np.arange(2, self.n_candidates + 2))
        if ties == "average":
            # Replace each position's value by the mean over its tie group: the expectation over
            # every order of the tied candidates, for any metric that sums per-position values.
            relevant = self._tie_mean(sorted_neg, relevant.astype(float))
            gains = self._tie_mean(sorted_neg, gains)
        self._hits = np.cumsum(relevant, axis=1)            # relevant found in the top r
        self._dcg = np.cumsum(gains * self._discount, axis=1)
        ideal = np.sort(np.exp2(rel) - 1.0 if gain == "exponential" else rel, axis=1)[:, ::-1]
        self._idcg = np.cumsum(ideal * self._discount, axis=1)
        self._relevant_sorted = rel_sorted > 0

    @staticmethod
    def _tie_mean(sorted_scores: np.ndarray, values: np.ndarray) -> np.ndarray:
        n_q, n_c = values.shape
        starts = np.ones_like(sorted_scores, dtype=bool)
        starts[:, 1:] = sorted_scores[:, 1:] != sorted_scores[:, :-1]
        group = np.cumsum(starts.ravel()) - 1
        sums = np.bincount(group, weights=values.ravel())
        sizes = np.bincount(group)
        return (sums / sizes)[group].reshape(n_q, n_c)

    def _at(self, cumulative: np.ndarray, k: int) -> np.ndarray:
        return cumulative[:, min(k, self.n_candidates) - 1]

    def _result(self, values: np.ndarray) -> RankingResult:
        return RankingResult(values, self.without_relevant)

    def _no_ties_average(self, metric: str) -> None:
        if self.ties == "average":
            raise ValueError(f"ties='average' is defined for precision, recall and ndcg; "
                             f"rank with ties='first' for {metric}.")

    def precision(self, k: int) -> RankingResult:
        """P@k: relevant candidates in the top ``k``, divided by ``k``."""
        k = _check_k(k)
        return self._result(self._at(self._hits, k) / k)

    def recall(self, k: int) -> RankingResult:
        """R@k: relevant candidates in the top ``k``, divided by all relevant candidates of the query."""
        k = _check_k(k)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(self.n_relevant > 0, self._at(self._hits, k) / self.n_relevant, 0.0)
        return self._result(values)

    def ndcg(self, k: int) -> RankingResult:
        """nDCG@k: DCG of the top ``k`` over the DCG of the ideal top ``k``."""
        k = _check_k(k)
        idcg = self._at(self._idcg, k)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(idcg > 0, self._at(self._dcg, k) / idcg, 0.0)
        return self._result(values)

    def idcg(self, k: int) -> np.ndarray:
        """Ideal DCG@k per query: the DCG of the query's judged relevance in the best order."""
        return self._at(self._idcg, _check_k(k)).copy()

    def dcg(self, k: int) -> np.ndarray:
        """DCG@k per query (gain times ``1/log2(rank + 1)``, summed over the top ``k``)."""
        return self._at(self._dcg, _check_k(k)).copy()

    def average_precision(self, k: int) -> RankingResult:
        """AP@k: mean of P@r over the ranks r <= k that hold a relevant candidate, divided by all relevant."""
        k = _check_k(k)
        self._no_ties_average("average precision")
        top = min(k, self.n_candidates)
        ranks = np.arange(1, top + 1)
        precisions = self._hits[:, :top] / ranks
        summed = (precisions * self._relevant_sorted[:, :top]).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(self.n_relevant > 0, summed / self.n_relevant, 0.0)
        return self._result(values)

    def reciprocal_rank(self, k: int | None = None) -> RankingResult:
        """1 / rank of the first relevant candidate (0 if none in the top ``k``; no cutoff by default)."""
        self._no_ties_average("reciprocal rank")
        top = self.n_candidates if k is None else min(_check_k(k), self.n_candidates)
        found = self._relevant_sorted[:, :top]
        first = found.argmax(axis=1)
        values = np.where(found.any(axis=1), 1.0 / (first + 1), 0.0)
        return self._result(values)

    def hit_rate(self, k: int) -> RankingResult:
        """1 if any relevant candidate is in the top ``k``, else 0."""
        k = _check_k(k)
        self._no_ties_average("hit rate")
        return self._result((self._at(self._hits, k) > 0).astype(float))

    def gains_and_discounts(self, query: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Per-position gain and discount of one query's ranked list (for showing the working)."""
        dcg = self._dcg[query]
        gains = np.diff(dcg, prepend=0.0) / self._discount
        return gains, self._discount.copy()


def precision_at_k(relevance, scores, k: int, ties: str = "first") -> RankingResult:
    """Precision at k per query: ``|relevant in top k| / k`` (trec_eval ``P_k``).

    Examples
    --------
    >>> precision_at_k([[1, 0, 1], [0, 0, 0]], [[3, 2, 1], [3, 2, 1]], k=2).per_query
    array([0.5, 0. ])
    """
    return RankedLists(relevance, scores, ties=ties).precision(k)


def recall_at_k(relevance, scores, k: int, ties: str = "first") -> RankingResult:
    """Recall at k per query: ``|relevant in top k| / |relevant|`` (trec_eval ``recall_k``).

    Examples
    --------
    >>> recall_at_k([[1, 0, 1]], [[3, 2, 1]], k=2).mean
    0.5
    """
    return RankedLists(relevance, scores, ties=ties).recall(k)


def ndcg_at_k(relevance, scores, k: int, ties: str = "first", gain: str = "linear") -> RankingResult:
    """Normalised discounted cumulative gain at k (trec_eval ``ndcg_cut_k``; Järvelin and Kekäläinen, 2002).

    ``DCG@k = sum_{r=1..k} gain(rel_r) / log2(r + 1)``, divided by the DCG of the ideal ordering of
    all the query's judged relevance. Unitless, in [0, 1]. With ``ties="average"`` it equals
    scikit-learn's ``ndcg_score(..., k=k)`` per query.

    Examples
    --------
    >>> round(ndcg_at_k([[0, 2, 1]], [[0.9, 0.5, 0.1]], k=3).mean, 4)   # (2/log2(3) + 1/2) / (2 + 1/log2(3))
    0.6697
    """
    return RankedLists(relevance, scores, ties=ties, gain=gain).ndcg(k)


def average_precision_at_k(relevance, scores, k: int) -> RankingResult:
    """Average precision at k (trec_eval ``map_cut_k``): ``sum_{r<=k, rel_r>0} P@r / |relevant|``.

    Examples
    --------
    >>> average_precision_at_k([[1, 0, 1]], [[3, 2, 1]], k=3).mean   # (1/1 + 2/3) / 2
    0.8333333333333333
    """
    return RankedLists(relevance, scores).average_precision(k)


def reciprocal_rank(relevance, scores, k: int | None = None) -> RankingResult:
    """Reciprocal rank of the first relevant candidate (trec_eval ``recip_rank``); its mean is MRR.

    Examples
    --------
    >>> reciprocal_rank([[0, 0, 1], [1, 0, 0]], [[3, 2, 1], [3, 2, 1]]).per_query
    array([0.33333333, 1.        ])
    """
    return RankedLists(relevance, scores).reciprocal_rank(k)


def hit_rate_at_k(relevance, scores, k: int) -> RankingResult:
    """Hit rate at k: 1 when at least one relevant candidate is in the top k.

    Examples
    --------
    >>> hit_rate_at_k([[0, 0, 1], [1, 0, 0]], [[3, 2, 1], [3, 2, 1]], k=2).per_query
    array([0., 1.])
    """
    return RankedLists(relevance, scores).hit_rate(k)


# --------------------------------------------------------------------------------------------
# classification at every threshold
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ThresholdCurve:
    """Confusion counts at every distinct score, highest threshold first.

    ``thresholds[i]`` predicts positive every sample whose score is ``>= thresholds[i]``; the first
    entry is ``+inf`` (nothing predicted positive).
    """

    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    n_pos: int
    n_neg: int

    @property
    def fn(self) -> np.ndarray:
        return self.n_pos - self.tp

    @property
    def tn(self) -> np.ndarray:
        return self.n_neg - self.fp

    @property
    def precision(self) -> np.ndarray:
        """TP / (TP + FP); 0 where nothing is predicted positive (scikit-learn's zero_division=0)."""
        predicted = self.tp + self.fp
        return np.divide(self.tp, predicted, out=np.zeros(len(self.tp)), where=predicted > 0)

    @property
    def recall(self) -> np.ndarray:
        """TP / (TP + FN), the true positive rate."""
        return self.tp / self.n_pos if self.n_pos else np.zeros(len(self.tp))

    @property
    def fpr(self) -> np.ndarray:
        """FP / (FP + TN)."""
        return self.fp / self.n_neg if self.n_neg else np.zeros(len(self.fp))

    @property
    def f1(self) -> np.ndarray:
        """2 TP / (2 TP + FP + FN); 0 where undefined."""
        denom = 2 * self.tp + self.fp + self.fn
        return np.divide(2 * self.tp, denom, out=np.zeros(len(self.tp)), where=denom > 0)

    def index_at(self, threshold: float) -> int:
        """Index of the operating point for ``threshold`` (predict positive when score >= threshold)."""
        # thresholds descend; the point is the last threshold that is still >= the one asked for
        return int(np.searchsorted(-self.thresholds, -threshold, side="right") - 1)

    def cheapest(self, cost_fp: float, cost_fn: float) -> dict:
        """The operating point with the lowest ``FP * cost_fp + FN * cost_fn`` (see :func:`cost_optimal_threshold`)."""
        for name, value in (("cost_fp", cost_fp), ("cost_fn", cost_fn)):
            if not np.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite cost of 0 or more, got {value!r}.")
        cost = self.fp * float(cost_fp) + self.fn * float(cost_fn)
        i = int(np.argmin(cost))
        return {**self.at(self.thresholds[i]), "cost": float(cost[i])}

    def at(self, threshold: float) -> dict:
        """Counts and rates at one threshold.

        Examples
        --------
        >>> curve = threshold_curve([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.6])
        >>> curve.at(0.5)["tp"], curve.at(0.5)["fp"], curve.at(0.5)["precision"]
        (1, 1, 0.5)
        """
        i = self.index_at(threshold)
        return {"threshold": float(threshold), "tp": int(self.tp[i]), "fp": int(self.fp[i]),
                "fn": int(self.fn[i]), "tn": int(self.tn[i]), "precision": float(self.precision[i]),
                "recall": float(self.recall[i]), "f1": float(self.f1[i]), "fpr": float(self.fpr[i])}


def threshold_curve(y_true, y_score) -> ThresholdCurve:
    """TP/FP/TN/FN at every distinct score with one sort (as scikit-learn's ``_binary_clf_curve``).

    Examples
    --------
    >>> c = threshold_curve([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.6])
    >>> c.thresholds.tolist(), c.tp.tolist(), c.fp.tolist()
    ([inf, 0.8, 0.6, 0.4, 0.1], [0, 1, 1, 2, 2], [0, 0, 1, 1, 2])
    """
    y = _binary_labels(y_true)
    s = _scores_1d(y_score, y.size)
    order = np.argsort(-s, kind="mergesort")
    s_sorted, y_sorted = s[order], y[order]
    last_of_value = np.r_[np.flatnonzero(np.diff(s_sorted)), y.size - 1]
    tp = np.cumsum(y_sorted, dtype=np.int64)[last_of_value]
    fp = (last_of_value + 1) - tp
    n_pos = int(y.sum())
    return ThresholdCurve(np.r_[np.inf, s_sorted[last_of_value]], np.r_[0, tp], np.r_[0, fp],
                          n_pos, int(y.size - n_pos))


def precision_recall_curve(y_true, y_score) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall and thresholds, in scikit-learn's ``precision_recall_curve`` layout.

    Thresholds increase over every distinct score; the last point is precision 1, recall 0 with
    no threshold.

    Examples
    --------
    >>> p, r, t = precision_recall_curve([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.6])
    >>> p.round(3).tolist(), r.tolist(), t.tolist()
    ([0.5, 0.667, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0], [0.1, 0.4, 0.6, 0.8])
    """
    c = threshold_curve(y_true, y_score)
    if c.n_pos == 0:
        raise ValueError("y_true has no positive example; precision and recall are undefined.")
    return np.r_[c.precision[:0:-1], 1.0], np.r_[c.recall[:0:-1], 0.0], c.thresholds[:0:-1]


def roc_curve(y_true, y_score) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """FPR, TPR and thresholds as scikit-learn's ``roc_curve(..., drop_intermediate=False)``.

    Examples
    --------
    >>> fpr, tpr, t = roc_curve([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.6])
    >>> fpr.tolist(), tpr.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    y = _binary_labels(y_true)
    _both_classes(y)
    c = threshold_curve(y, y_score)
    return c.fpr, c.recall, c.thresholds


def roc_auc(y_true, y_score) -> float:
    """Area under the ROC curve by the trapezoidal rule (equals scikit-learn's ``roc_auc_score``).

    Examples
    --------
    >>> roc_auc([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.6])
    0.75
    """
    fpr, tpr, _ = roc_curve(y_true, y_score)
    return float(np.trapezoid(tpr, fpr))


def cost_optimal_threshold(y_true, y_score, cost_fp: float, cost_fn: float) -> dict:
    """The threshold with the lowest total cost ``FP * cost_fp + FN * cost_fn``.

    Costs are in any one unit (dollars, minutes of review); the result holds the threshold, the
    total cost in that unit and the counts there. Ties go to the highest threshold.

    Examples
    --------
    >>> best = cost_optimal_threshold([0, 1, 1, 0], [0.1, 0.8, 0.4, 0.6], cost_fp=1, cost_fn=5)
    >>> best["threshold"], best["cost"]
    (0.4, 1.0)
    """
    return threshold_curve(y_true, y_score).cheapest(cost_fp, cost_fn)


# --------------------------------------------------------------------------------------------
# calibration
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReliabilityCurve:
    """Per non-empty bin: observed positive rate, mean predicted probability and count."""

    prob_true: np.ndarray
    prob_pred: np.ndarray
    counts: np.ndarray
    edges: np.ndarray

    @property
    def ece(self) -> float:
        """Expected calibration error: count-weighted mean of ``|prob_true - prob_pred|``."""
        return float(np.sum(self.counts * np.abs(self.prob_true - self.prob_pred)) / self.counts.sum())


def reliability_curve(y_true, y_prob, n_bins: int = 10, strategy: str = "uniform") -> ReliabilityCurve:
    """Reliability diagram data with scikit-learn's ``calibration_curve`` bins, plus the bin counts.

    ``uniform`` bins split [0, 1] into ``n_bins`` equal widths; ``quantile`` bins hold equal numbers
    of predictions. A probability on an inner edge belongs to the lower bin. Empty bins are left out.

    Examples
    --------
    >>> c = reliability_curve([0, 0, 1, 1], [0.1, 0.3, 0.7, 0.9], n_bins=2)
    >>> c.prob_true.tolist(), c.prob_pred.tolist(), c.counts.tolist()
    ([0.0, 1.0], [0.2, 0.8], [2, 2])
    """
    y = _binary_labels(y_true)
    p = _probabilities(y_prob, y.size)
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a whole number of at least 1, got {n_bins!r}.")
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    elif strategy == "quantile":
        # percentiles of pre-sorted data are bit-identical and numpy's vectorised sort is faster
        edges = np.percentile(np.sort(p), np.linspace(0, 1, n_bins + 1) * 100)
    else:
        raise ValueError("strategy must be 'uniform' or 'quantile'.")
    inner = edges[1:-1]
    if inner.size <= 32:
        # the number of inner edges strictly below p: exactly searchsorted(inner, p, side="left"),
        # several times faster for a handful of edges
        bins = np.zeros(p.size, dtype=np.intp)
        for edge in inner:
            bins += p > edge
    else:
        bins = np.searchsorted(inner, p)
    by_label = np.bincount(bins * 2 + y, minlength=2 * n_bins)
    trues = by_label[1::2]
    total = by_label[0::2] + trues
    sums = np.bincount(bins, weights=p, minlength=n_bins)
    keep = total != 0
    return ReliabilityCurve(trues[keep] / total[keep], sums[keep] / total[keep], total[keep], edges)


def expected_calibration_error(y_true, y_prob, n_bins: int = 10, strategy: str = "uniform") -> float:
    """ECE = ``sum_b (n_b / N) |observed rate_b - mean predicted_b|`` over non-empty bins (Naeini et al., 2015).

    Unitless, in [0, 1].

    Examples
    --------
    >>> round(expected_calibration_error([0, 0, 1, 1], [0.1, 0.3, 0.7, 0.9], n_bins=2), 6)
    0.2
    """
    return reliability_curve(y_true, y_prob, n_bins, strategy).ece


def brier_score(y_true, y_prob) -> float:
    """Brier score: mean of ``(p - y)^2`` (Brier, 1950; scikit-learn's ``brier_score_loss``). Lower is better.

    Examples
    --------
    >>> round(brier_score([0, 1], [0.2, 0.6]), 12)   # ((0.2 - 0)^2 + (0.6 - 1)^2) / 2
    0.1
    """
    y = _binary_labels(y_true)
    p = _probabilities(y_prob, y.size)
    return float(np.mean((p - y) ** 2))


# --------------------------------------------------------------------------------------------
# fairness
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GroupRates:
    """Rates of one group: share predicted positive, TPR, FPR, precision, and its size."""

    group: object
    n: int
    selection_rate: float
    tpr: float
    fpr: float
    precision: float
    accuracy: float


def group_rates(y_true, y_pred, groups) -> list[GroupRates]:
    """Per-group selection rate, true and false positive rates, precision and accuracy.

    A rate whose denominator is empty in a group (no positives, say) is NaN for that group.

    Examples
    --------
    >>> rates = group_rates([1, 0, 1, 0], [1, 1, 0, 0], ["a", "a", "b", "b"])
    >>> [(r.group, r.selection_rate, r.tpr, r.fpr) for r in rates]
    [('a', 1.0, 1.0, 1.0), ('b', 0.0, 0.0, 0.0)]
    """
    y = _binary_labels(y_true)
    pred = _binary_labels(y_pred, "y_pred")
    g = np.asarray(groups)
    if pred.size != y.size or g.shape != y.shape:
        raise ValueError("y_true, y_pred and groups must have the same length.")
    out = []
    for value in np.unique(g):
        mask = g == value
        yt, yp = y[mask], pred[mask]
        tp = int(np.sum(yt & yp))
        fp = int(np.sum((1 - yt) & yp))
        pos, neg, sel = int(yt.sum()), int(mask.sum() - yt.sum()), int(yp.sum())
        out.append(GroupRates(
            group=value.item() if hasattr(value, "item") else value, n=int(mask.sum()),
            selection_rate=float(sel / mask.sum()), tpr=tp / pos if pos else float("nan"),
            fpr=fp / neg if neg else float("nan"), precision=tp / sel if sel else float("nan"),
            accuracy=float(np.mean(yt == yp))))
    return out


def fairness_gaps(rates: list[GroupRates]) -> dict:
    """Demographic-parity gap (max - min selection rate) and equalised-odds gap (the larger of the
    TPR and FPR ranges across groups), as fairlearn defines ``demographic_parity_difference`` and
    ``equalized_odds_difference``. Groups where a rate is undefined are left out of that range.

    Examples
    --------
    >>> fairness_gaps(group_rates([1, 0, 1, 0], [1, 1, 0, 0], ["a", "a", "b", "b"]))
    {'demographic_parity': 1.0, 'tpr_gap': 1.0, 'fpr_gap': 1.0, 'equalised_odds': 1.0}
    """
    def spread(values):
        v = np.array([x for x in values if not np.isnan(x)])
        return float(v.max() - v.min()) if v.size else 0.0

    tpr_gap = spread(r.tpr for r in rates)
    fpr_gap = spread(r.fpr for r in rates)
    return {"demographic_parity": spread(r.selection_rate for r in rates), "tpr_gap": tpr_gap,
            "fpr_gap": fpr_gap, "equalised_odds": max(tpr_gap, fpr_gap)}
