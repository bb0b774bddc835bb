"""The computations behind the step-4 explorers, with no widgets: each study is fitted once and then
answers every control position cheaply, and each writes its "what to say" sentence from the numbers.

Metrics come from :mod:`widgets.metrics`; models, splits and recalibration from scikit-learn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from . import metrics as m

# --------------------------------------------------------------------------------------------
# precision@k against ndcg@k on hand-made lists
# --------------------------------------------------------------------------------------------
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
    """Evaluate the three rankers of :func:`widgets.datasets.load_recommendation_benchmark`."""
    from .datasets import load_recommendation_benchmark

    bench = load_recommendation_benchmark()
    ks = np.arange(1, max_k + 1)
    precision, ndcg = {}, {}
    for name, scores in bench.scores.items():
        ranked = m.RankedLists(bench.relevance, scores)
        precision[name] = np.array([ranked.precision(int(k)).mean for k in ks])
        ndcg[name] = np.array([ranked.ndcg(int(k)).mean for k in ks])
    return RankerCurves(ks, precision, ndcg, bench.relevance.shape[0], ranked.without_relevant)


# --------------------------------------------------------------------------------------------
# threshold
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ThresholdStudy:
    """A logistic regression's held-out scores on one data set, with the curves at every threshold."""

    description: str
    y: np.ndarray
    scores: np.ndarray
    curve: m.ThresholdCurve
    pr: tuple
    roc: tuple
    auc: float
    prevalence: float

    def at(self, threshold: float) -> dict:
        return self.curve.at(threshold)

    def optimal(self, cost_fp: float, cost_fn: float) -> dict:
        return self.curve.cheapest(cost_fp, cost_fn)

    def cost(self, point: dict, cost_fp: float, cost_fn: float) -> float:
        return point["fp"] * cost_fp + point["fn"] * cost_fn

    def baselines(self, cost_fp: float, cost_fn: float) -> dict:
        """Cost and rates of predicting nobody positive (majority) and everybody positive."""
        n_pos, n_neg = self.curve.n_pos, self.curve.n_neg
        return {"flag nobody": {"cost": n_pos * cost_fn, "precision": 0.0, "recall": 0.0},
                "flag everybody": {"cost": n_neg * cost_fp, "precision": self.prevalence, "recall": 1.0}}

    def say(self, threshold: float, cost_fp: float, cost_fn: float) -> str:
        p = self.at(threshold)
        best = self.optimal(cost_fp, cost_fn)
        base = self.baselines(cost_fp, cost_fn)
        cheapest_baseline = min(base, key=lambda name: base[name]["cost"])
        return (f"At a threshold of {threshold:.2f} the model flags {p['tp'] + p['fp']} of {self.y.size} "
                f"cases: precision {p['precision']:.2f}, recall {p['recall']:.2f}, F1 {p['f1']:.2f}, "
                f"false positive rate {p['fpr']:.3f}. With a false positive costing {cost_fp:g} and a miss "
                f"costing {cost_fn:g}, the cheapest threshold is {best['threshold']:.2f} (total cost "
                f"{best['cost']:g} against {self.cost(p, cost_fp, cost_fn):g} here, and {base[cheapest_baseline]['cost']:g} "
                f"for the best trivial rule, '{cheapest_baseline}'). Only {self.prevalence:.1%} of cases are "
                f"positive, so accuracy would flatter any model: quote precision and recall at the chosen "
                f"operating point, and ROC AUC {self.auc:.3f} for ranking quality.")


@lru_cache(maxsize=16)
def threshold_study(dataset: str = "breast cancer", positive_share: float = 0.02) -> ThresholdStudy:
    """Fit a scaled logistic regression on 60% of the data and score the other 40%."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from .datasets import load_classification

    X, y, description = load_classification(dataset, round(positive_share, 4))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, stratify=y, random_state=0)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, y_train)
    scores = model.predict_proba(X_test)[:, 1]
    return ThresholdStudy(description, y_test, scores, m.threshold_curve(y_test, scores),
                          m.precision_recall_curve(y_test, scores), m.roc_curve(y_test, scores),
                          m.roc_auc(y_test, scores), float(y_test.mean()))


# --------------------------------------------------------------------------------------------
# calibration
# --------------------------------------------------------------------------------------------
MODELS = ("logistic regression", "naive Bayes", "random forest")
RECALIBRATIONS = ("none", "sigmoid (Platt)", "isotonic", "temperature")


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


def fit_temperature(p_calib: np.ndarray, y_calib: np.ndarray) -> float:
    """The temperature T > 0 that minimises the log loss of ``sigmoid(logit(p) / T)`` (Guo et al., 2017)."""
    from scipy.optimize import minimize_scalar

    z = _logit(p_calib)

    def nll(log_t):
        q = 1.0 / (1.0 + np.exp(-z / np.exp(log_t)))
        q = np.clip(q, 1e-12, 1 - 1e-12)
        return -np.mean(y_calib * np.log(q) + (1 - y_calib) * np.log(1 - q))

    return float(np.exp(minimize_scalar(nll, bounds=(-4, 4), method="bounded").x))


@dataclass(frozen=True)
class CalibrationStudy:
    """Held-out probabilities of three models, before and after each recalibration."""

    y_test: np.ndarray
    probabilities: dict            # (model, recalibration) -> test probabilities
    accuracy: dict                 # model -> test accuracy at 0.5
    prevalence: float

    def evaluate(self, model: str, recalibration: str, n_bins: int, strategy: str) -> dict:
        p = self.probabilities[(model, recalibration)]
        curve = m.reliability_curve(self.y_test, p, n_bins, strategy)
        return {"curve": curve, "ece": curve.ece, "brier": m.brier_score(self.y_test, p), "probabilities": p}

    def baseline(self) -> dict:
        """Predict the base rate for everyone: perfectly calibrated, and useless."""
        p = np.full(self.y_test.size, self.prevalence)
        return {"ece": m.expected_calibration_error(self.y_test, p), "brier": m.brier_score(self.y_test, p)}

    def say(self, model: str, recalibration: str, n_bins: int, strategy: str) -> str:
        before = self.evaluate(model, "none", n_bins, strategy)
        base = self.baseline()
        text = (f"The {model} has ECE {before['ece']:.3f} and Brier score {before['brier']:.3f} on held-out data "
                f"({n_bins} {strategy} bins).")
        if recalibration != "none":
            after = self.evaluate(model, recalibration, n_bins, strategy)
            text += (f" {recalibration.capitalize()} recalibration fitted on a separate split brings them to "
                     f"{after['ece']:.3f} and {after['brier']:.3f}.")
        text += (f" Predicting the base rate ({self.prevalence:.0%}) for everyone is calibrated too "
                 f"(ECE {base['ece']:.3f}) but has Brier {base['brier']:.3f}: calibration says the probabilities "
                 "can be trusted as probabilities, not that the model separates the classes. It matters whenever "
                 "a score feeds a decision with costs, an auction bid or a threshold shared across models.")
        return text


@lru_cache(maxsize=1)
def calibration_study(seed: int = 0) -> CalibrationStudy:
    """Fit three model families on a training split, recalibrate on a calibration split, score a test split."""
    from sklearn.datasets import make_classification
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.naive_bayes import GaussianNB

    X, y = make_classification(n_samples=12_000, n_features=20, n_informative=6, n_redundant=6,
                               weights=[0.7], class_sep=0.8, random_state=seed)
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, train_size=0.5, stratify=y, random_state=seed)
    X_cal, X_test, y_cal, y_test = train_test_split(X_rest, y_rest, train_size=0.4, stratify=y_rest,
                                                    random_state=seed)
    families = {
        "logistic regression": LogisticRegression(max_iter=1000),
        "naive Bayes": GaussianNB(),
        "random forest": RandomForestClassifier(n_estimators=80, max_depth=8, random_state=seed, n_jobs=1),
    }
    probabilities, accuracy = {}, {}
    for name, model in families.items():
        model.fit(X_train, y_train)
        p_cal, p_test = model.predict_proba(X_cal)[:, 1], model.predict_proba(X_test)[:, 1]
        accuracy[name] = float(np.mean((p_test >= 0.5) == y_test))
        probabilities[(name, "none")] = p_test
        platt = LogisticRegression().fit(_logit(p_cal)[:, None], y_cal)
        probabilities[(name, "sigmoid (Platt)")] = platt.predict_proba(_logit(p_test)[:, None])[:, 1]
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(p_cal, y_cal)
        probabilities[(name, "isotonic")] = iso.predict(p_test)
        t = fit_temperature(p_cal, y_cal)
        probabilities[(name, "temperature")] = 1.0 / (1.0 + np.exp(-_logit(p_test) / t))
    return CalibrationStudy(y_test, probabilities, accuracy, float(y_test.mean()))


# --------------------------------------------------------------------------------------------
# fairness
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FairnessStudy:
    scores: np.ndarray
    y: np.ndarray
    groups: np.ndarray

    @property
    def group_names(self) -> list:
        return sorted(set(self.groups.tolist()))

    def evaluate(self, thresholds: dict) -> dict:
        """Per-group rates, gaps and overall accuracy for one threshold per group."""
        missing = set(self.group_names) - set(thresholds)
        if missing:
            raise ValueError(f"Set a threshold for every group (missing: {', '.join(sorted(missing))}).")
        cut = np.array([thresholds[g] for g in self.groups])
        pred = (self.scores >= cut).astype(int)
        rates = m.group_rates(self.y, pred, self.groups)
        return {"rates": rates, "gaps": m.fairness_gaps(rates), "accuracy": float(np.mean(pred == self.y)),
                "selected": float(pred.mean())}

    def threshold_for_tpr(self, group, target_tpr: float) -> float:
        """The highest threshold at which ``group`` reaches at least ``target_tpr``."""
        mask = self.groups == group
        curve = m.threshold_curve(self.y[mask], self.scores[mask])
        reach = np.flatnonzero(curve.recall >= target_tpr - 1e-12)
        return float(curve.thresholds[reach[0]]) if reach.size else float(curve.thresholds[-1])

    def say(self, thresholds: dict) -> str:
        shared = len(set(thresholds.values())) == 1
        r = self.evaluate(thresholds)
        g = r["gaps"]
        by = {x.group: x for x in r["rates"]}
        names = self.group_names
        rates = "; ".join(f"group {n}: selects {by[n].selection_rate:.0%}, TPR {by[n].tpr:.2f}, FPR {by[n].fpr:.3f}"
                          for n in names)
        how = (f"One shared threshold of {next(iter(thresholds.values())):.2f}" if shared else
               "Per-group thresholds (" + ", ".join(f"{n}: {thresholds[n]:.2f}" for n in names) + ")")
        return (f"{how} gives {rates}. Demographic-parity gap {g['demographic_parity']:.3f}, equalised-odds gap "
                f"{g['equalised_odds']:.3f}, overall accuracy {r['accuracy']:.3f}. The groups differ in base rate "
                "and in how well the score separates them, so no single threshold equalises every rate: say "
                "which gap the product must close (equal opportunity: TPR; equal treatment: selection rate), "
                "what it costs in accuracy, and that per-group thresholds need the group at serving time.")


@lru_cache(maxsize=1)
def fairness_study() -> FairnessStudy:
    from .datasets import make_group_data

    scores, y, groups = make_group_data()
    return FairnessStudy(scores, y, groups)
