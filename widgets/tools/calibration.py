"""Calibration: three classifiers' predicted probabilities against what happens, with ECE and Brier,
before and after Platt, isotonic and temperature recalibration (bins as scikit-learn's
``calibration_curve``).

Metrics come from :mod:`widgets.tools.metrics`; models and recalibration from scikit-learn.
"""


from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from widgets.tools import metrics as m

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

