"""The decision threshold of a classifier: a logistic regression's held-out scores on one data set, with the
confusion matrix, precision-recall and ROC at every threshold and the cheapest threshold for given costs of
mistakes.

Metrics come from :mod:`widgets.tools.metrics`; the model and the split from scikit-learn.
"""


from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from widgets.tools import metrics as m


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
        """Cost and rates of predicting nobody positive (majority) and everybody positive.

        Flagging everybody has precision = prevalence ``p`` and recall 1, so F1 = 2p / (1 + p); flagging
        nobody has no true positive, so precision, recall and F1 are 0 (scikit-learn's ``zero_division=0``).
        """
        n_pos, n_neg = self.curve.n_pos, self.curve.n_neg
        p = self.prevalence
        return {"flag nobody": {"cost": n_pos * cost_fn, "precision": 0.0, "recall": 0.0, "f1": 0.0, "fpr": 0.0},
                "flag everybody": {"cost": n_neg * cost_fp, "precision": p, "recall": 1.0, "f1": 2 * p / (1 + p),
                                   "fpr": 1.0}}

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

    from widgets.tools.datasets import load_classification

    X, y, description = load_classification(dataset, round(positive_share, 4))
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, stratify=y, random_state=0)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X_train, y_train)
    scores = model.predict_proba(X_test)[:, 1]
    return ThresholdStudy(description, y_test, scores, m.threshold_curve(y_test, scores),
                          m.precision_recall_curve(y_test, scores), m.roc_curve(y_test, scores),
                          m.roc_auc(y_test, scores), float(y_test.mean()))

