"""Distribution shift and retraining (step 6): on the monitoring tool's stream, what four retraining policies do
to the metric over a year, what their retrains cost, and the cheapest one that keeps the metric above a floor.

The stream and the deployed model are :mod:`widgets.tools.drift`'s (a logistic regression trained on days -56 to
-29, ~1,000 requests a day, the drift the user picks). Labels arrive ``label_delay`` days late, so a retrain
overnight before day ``t`` can learn only from days up to ``t - label_delay - 1``.

The policies (each serves day ``t`` with the model it has at the start of the day)
    - **never retrain**: the deployed model all year.
    - **every N days**: a retrain before days N, 2N, ... (364 at most), on the latest :data:`WINDOW_DAYS` labelled
      days: ``ceil(365 / N) - 1`` retrains (so 12 for N = 30, 52 for N = 7, 0 for N = 365).
    - **on alert**: the monitoring tool's alert, PSI of the model's score above :data:`ALERT_PSI` (bins at the
      deciles of the inputs the current model was trained on, which become the new reference after each retrain),
      triggers a retrain before the next day, at most once every :data:`ALERT_COOLDOWN_DAYS` days. Its retrains
      also use only labels that have arrived; a retrain soon after a sudden drift may learn from pre-drift days
      only and fire again a week later.
    - **importance-weighted**: no new labels. Every N days a domain classifier (logistic regression on ``x`` and
      ``x^2``) learns to tell the last :data:`RECENT_DAYS` days' inputs (unlabelled, available at once) from the
      original training window; each training row gets the weight ``w = (n_train / n_recent) p / (1 - p)``, ``p``
      the classifier's probability that the row is recent: an estimate of the density ratio
      ``p_recent(x) / p_train(x)``. The model is refitted on the training window with these weights (clipped at
      their 99th percentile, then scaled to mean 1). This corrects covariate shift, where P(y | x) holds, and
      cannot correct a concept drift. Sources: Shimodaira, *Improving predictive inference under covariate shift
      by weighting the log-likelihood function*, J. Statistical Planning and Inference 90 (2000); Sugiyama,
      Krauledat and Mueller, *Covariate shift adaptation by importance weighted cross validation*, JMLR 8 (2007);
      Bickel, Brueckner and Scheffer, *Discriminative learning under covariate shift*, JMLR 10 (2009), for the
      domain classifier's ``p / (1 - p)``.

The metric is accuracy at a 0.5 threshold; a policy **keeps the metric above the floor** when its trailing
:data:`ROLLING_DAYS`-day accuracy (all requests of the last 30 days pooled) never falls below the floor in the
year. Compute per retrain comes from :func:`widgets.tools.capacity.training_compute` with the assumptions
:data:`SAMPLES_PER_RETRAIN`, :data:`FLOPS_PER_SAMPLE`, :data:`EPOCHS` on one device at :data:`MFU`; an
importance-weighted refit is counted as one retrain (the same model on the same number of rows; the domain
classifier's cost is small beside it). The simulation is cached per (drift, N, label delay); the floor and the
hardware only re-read it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from widgets.tools.capacity import TrainingCompute, training_compute
from widgets.tools.drift import (
    DAYS,
    DEFAULT_THRESHOLDS,
    PSI_BINS,
    REFERENCE_DAYS,
    TRAINING_DAYS,
    DriftSetting,
    check_label_delay,
    fit_logistic,
    generate_stream,
    initial_model,
    predict_log_odds,
    psi_from_shares,
)

POLICIES = ("never retrain", "every N days", "on alert", "importance-weighted")
#: Short names for CSS classes (``mlsd-retrains-<slug>``) and tests.
SLUGS = {"never retrain": "never", "every N days": "periodic", "on alert": "alert",
         "importance-weighted": "weighted"}
#: A retrain learns from this many labelled days (the latest whose labels have arrived).
WINDOW_DAYS = 28
#: The importance-weighted policy's domain classifier compares the training window with this many recent days.
RECENT_DAYS = 7
#: The alert that triggers a retrain: PSI of the model's score above the monitoring tool's default threshold.
ALERT_PSI = DEFAULT_THRESHOLDS["psi"]
#: After an alert-triggered retrain, further alerts are ignored for this many days.
ALERT_COOLDOWN_DAYS = 7
#: Importance weights above this quantile are clipped (a few huge weights would decide the fit alone).
WEIGHT_CLIP_QUANTILE = 0.99
#: The metric the floor is compared with: accuracy over the trailing 30 days (a monthly figure, as an SLA reads).
ROLLING_DAYS = 30

# Compute assumptions for one retrain at production scale (this simulation's ~1,000 requests a day stand for
# about 5M): 28 days x 5M labelled examples, a 100M-parameter network (6 x 100M FLOPs per example for the
# forward and backward pass, Kaplan et al. 2020), 3 epochs, one device at 40% model FLOPs utilisation.
SAMPLES_PER_RETRAIN = 28 * 5_000_000
PARAMETERS = 100_000_000
FLOPS_PER_SAMPLE = 6 * PARAMETERS
EPOCHS = 3
MFU = 0.4
N_DEVICES = 1
DEFAULT_HARDWARE = "NVIDIA A100 80GB"


# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------
def check_every(every_days) -> int:
    """The retraining period N in whole days, 1 to 365 (a ``ValueError`` otherwise).

    Examples
    --------
    >>> check_every(30)
    30
    >>> check_every(0)
    Traceback (most recent call last):
    ...
    ValueError: Retrain every N days needs N of 1 day or more.
    """
    try:
        value = float(every_days)
    except (TypeError, ValueError):
        raise ValueError("Retrain every N days needs a whole number of days.") from None
    if not math.isfinite(value) or value != int(value):
        raise ValueError("Retrain every N days needs a whole number of days.")
    if value < 1:
        raise ValueError("Retrain every N days needs N of 1 day or more.")
    if value > DAYS:
        raise ValueError("Retrain every N days needs N of 365 days at most (365: never within the year).")
    return int(value)


def check_floor(floor) -> float:
    """The metric floor, an accuracy from 0 to 1 (a ``ValueError`` otherwise).

    Examples
    --------
    >>> check_floor(0.75)
    0.75
    >>> check_floor(75)
    Traceback (most recent call last):
    ...
    ValueError: The metric floor must be an accuracy between 0 and 1, such as 0.75.
    """
    try:
        value = float(floor)
    except (TypeError, ValueError):
        raise ValueError("The metric floor must be a number between 0 and 1.") from None
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise ValueError("The metric floor must be an accuracy between 0 and 1, such as 0.75.")
    return value


# --------------------------------------------------------------------------------------------
# schedules and windows
# --------------------------------------------------------------------------------------------
def retrain_days(every_days: int) -> np.ndarray:
    """The days before which a retrain-every-N-days policy retrains: N, 2N, ... up to day 364.

    There are ``ceil(365 / N) - 1`` of them (``floor(364 / N)``): the model trained before day 0 serves the first
    N days, and a retrain before day 365 would serve nothing in the year.

    Examples
    --------
    >>> retrain_days(100).tolist()
    [100, 200, 300]
    >>> len(retrain_days(30)), len(retrain_days(7)), len(retrain_days(365))
    (12, 52, 0)
    """
    n = check_every(every_days)
    return np.arange(n, DAYS, n)


def labelled_window(day: int, label_delay: int) -> tuple[int, int]:
    """The days a retrain overnight before ``day`` learns from: the latest :data:`WINDOW_DAYS` days whose labels
    have arrived, ``(last - 27, last)`` with ``last = day - label_delay - 1`` (never earlier than the original
    training window, days -56 to -29).

    Examples
    --------
    >>> labelled_window(100, 14)
    (58, 85)
    >>> labelled_window(10, 200)          # no newer labels yet: the original training window
    (-56, -29)
    """
    last = max(day - label_delay - 1, TRAINING_DAYS[1])
    return last - WINDOW_DAYS + 1, last


def rolling_accuracy(correct: np.ndarray, n: np.ndarray, days: int = ROLLING_DAYS) -> np.ndarray:
    """Trailing pooled accuracy: for each day, correct answers over requests in the last ``days`` days.

    ``correct`` and ``n`` start ``days - 1`` days before the first day reported (so the first day has a full
    window); the result has ``days - 1`` fewer entries.

    Examples
    --------
    >>> rolling_accuracy(np.array([8, 9, 10, 5]), np.array([10, 10, 10, 10]), days=2).tolist()
    [0.85, 0.95, 0.75]
    """
    c = np.concatenate([[0.0], np.cumsum(correct, dtype=float)])
    t = np.concatenate([[0.0], np.cumsum(n, dtype=float)])
    return (c[days:] - c[:-days]) / (t[days:] - t[:-days])


# --------------------------------------------------------------------------------------------
# serving and the policies
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PolicyRun:
    """One policy over the year: correct answers and requests per day (from day -29, so that day 0 has a full
    30-day window), and the days before which it (re)fitted its model."""

    policy: str
    correct: np.ndarray
    n: np.ndarray
    refit_days: tuple

    @property
    def accuracy(self) -> np.ndarray:
        """Accuracy per day, days 0 to 364."""
        return self.correct[ROLLING_DAYS - 1:] / self.n[ROLLING_DAYS - 1:]

    @property
    def rolling(self) -> np.ndarray:
        """Trailing 30-day accuracy, days 0 to 364."""
        return rolling_accuracy(self.correct, self.n)

    @property
    def refits(self) -> int:
        return len(self.refit_days)

    @property
    def worst(self) -> float:
        """The lowest trailing 30-day accuracy of the year."""
        return float(self.rolling.min())

    @property
    def mean(self) -> float:
        """Accuracy over the whole year (all requests pooled)."""
        return float(self.correct[ROLLING_DAYS - 1:].sum() / self.n[ROLLING_DAYS - 1:].sum())


def _serve(setting: DriftSetting, models: list[tuple[int, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Correct answers and requests per day from day -29 to 364, with ``models`` = [(first day served, weights)]."""
    stream = generate_stream(setting)
    first = -(ROLLING_DAYS - 1)
    rows = stream.rows(first, DAYS - 1)
    X, y, day = stream.X[rows], stream.y[rows], stream.day[rows]
    correct = np.zeros(len(y), dtype=bool)
    bounds = [first] + [d for d, _ in models[1:]] + [DAYS]
    for (_, weights), lo, hi in zip(models, bounds[:-1], bounds[1:]):
        part = stream.rows(lo, hi - 1)
        sl = slice(part.start - rows.start, part.stop - rows.start)
        correct[sl] = (predict_log_odds(weights, X[sl]) >= 0) == y[sl]
    index = day - first
    size = DAYS - first
    return (np.bincount(index, weights=correct, minlength=size), np.bincount(index, minlength=size).astype(float))


@lru_cache(maxsize=16)
def never_retrain(setting: DriftSetting) -> PolicyRun:
    """The deployed model all year."""
    correct, n = _serve(setting, [(-(ROLLING_DAYS - 1), initial_model(setting))])
    return PolicyRun("never retrain", correct, n, ())


@lru_cache(maxsize=64)
def every_n_days(setting: DriftSetting, every_days: int, label_delay: int) -> PolicyRun:
    """Retrain before days N, 2N, ... on the latest 28 labelled days (:func:`labelled_window`)."""
    stream = generate_stream(setting)
    weights = initial_model(setting)
    models = [(-(ROLLING_DAYS - 1), weights)]
    days = retrain_days(every_days)
    for day in days:
        X, y = stream.labelled(*labelled_window(int(day), label_delay))
        weights = fit_logistic(X, y, start=weights)
        models.append((int(day), weights))
    correct, n = _serve(setting, models)
    return PolicyRun("every N days", correct, n, tuple(int(d) for d in days))


def _scores(weights: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The model's score (its predicted probability), the series the monitoring tool's PSI watches by default."""
    from scipy.special import expit

    return expit(predict_log_odds(weights, X))


def _score_shares(scores: np.ndarray, edges: np.ndarray) -> np.ndarray:
    return np.bincount(np.searchsorted(edges, scores, side="right"), minlength=PSI_BINS) / scores.size


def _reference(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """PSI bins at the reference scores' deciles, and the reference's share in each (as the monitoring tool)."""
    edges = np.quantile(scores, np.arange(1, PSI_BINS) / PSI_BINS)
    return edges, _score_shares(scores, edges)


@lru_cache(maxsize=64)
def on_alert(setting: DriftSetting, label_delay: int) -> PolicyRun:
    """Retrain before day t + 1 when day t's PSI of the model's score exceeds :data:`ALERT_PSI` (at most once a
    week); the new model's training inputs become the monitor's reference."""
    stream = generate_stream(setting)
    weights = initial_model(setting)
    models = [(-(ROLLING_DAYS - 1), weights)]
    edges, expected = _reference(_scores(weights, stream.X[stream.rows(*REFERENCE_DAYS)]))
    last_refit = -ALERT_COOLDOWN_DAYS
    refits = []
    for day in range(DAYS - 1):
        scores = _scores(weights, stream.X[stream.rows(day, day)])
        psi = float(psi_from_shares(expected, _score_shares(scores, edges)))
        tomorrow = day + 1
        if psi > ALERT_PSI and tomorrow - last_refit >= ALERT_COOLDOWN_DAYS:
            X, y = stream.labelled(*labelled_window(tomorrow, label_delay))
            weights = fit_logistic(X, y, start=weights)
            edges, expected = _reference(_scores(weights, X))
            models.append((tomorrow, weights))
            refits.append(tomorrow)
            last_refit = tomorrow
    correct, n = _serve(setting, models)
    return PolicyRun("on alert", correct, n, tuple(refits))


def importance_weights(X_train: np.ndarray, X_recent: np.ndarray) -> np.ndarray:
    """Weights on the training rows from a domain classifier: ``(n_train / n_recent) p / (1 - p)``, clipped at the
    99th percentile and scaled to mean 1.

    ``p`` is a logistic regression's probability (on ``x`` and ``x^2``, so a Gaussian's shift in mean or spread
    is within reach) that a row comes from the recent inputs; ``p / (1 - p)`` times the size ratio estimates the
    density ratio ``p_recent(x) / p_train(x)`` (Bickel et al. 2009; Shimodaira 2000 for why weighting by it
    corrects covariate shift).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> w = importance_weights(rng.normal(size=(4000, 1)), rng.normal(1.0, 1.0, size=(2000, 1)))
    >>> round(float(w.mean()), 6), bool(np.corrcoef(w, np.arange(4000))[0, 1] < 0.1)
    (1.0, True)
    """
    return _importance_weights(X_train, X_recent)[0]


def _features(X: np.ndarray) -> np.ndarray:
    return np.hstack([X, X * X])


#: The domain classifier learns from every 4th training row (about 7,000, as many as the recent days hold): the
#: same estimate of the ratio at a third of the cost, which matters when it is refitted every day.
DOMAIN_SUBSAMPLE = 4


def _importance_weights(X_train: np.ndarray, X_recent: np.ndarray, start=None) -> tuple[np.ndarray, np.ndarray]:
    """The weights and the domain classifier (to warm-start the next one from)."""
    sub = X_train[::DOMAIN_SUBSAMPLE]
    Z = np.vstack([_features(sub), _features(X_recent)])
    is_recent = np.concatenate([np.zeros(len(sub)), np.ones(len(X_recent))])
    domain = fit_logistic(Z, is_recent, start=start)
    # p / (1 - p) is exp(log-odds): no division by a probability near 1
    ratio = len(sub) / len(X_recent) * np.exp(predict_log_odds(domain, _features(X_train)))
    ratio = np.minimum(ratio, np.quantile(ratio, WEIGHT_CLIP_QUANTILE))
    return ratio / ratio.mean(), domain


@lru_cache(maxsize=64)
def importance_weighted(setting: DriftSetting, every_days: int) -> PolicyRun:
    """Every N days, refit on the original training window weighted towards the last 7 days' inputs."""
    stream = generate_stream(setting)
    weights = initial_model(setting)
    X_train, y_train = stream.labelled(*TRAINING_DAYS)
    models = [(-(ROLLING_DAYS - 1), weights)]
    days = retrain_days(every_days)
    domain = None
    for day in days:
        recent = stream.X[stream.rows(int(day) - RECENT_DAYS, int(day) - 1)]
        w, domain = _importance_weights(X_train, recent, domain)
        weights = fit_logistic(X_train, y_train, sample_weight=w, start=weights)
        models.append((int(day), weights))
    correct, n = _serve(setting, models)
    return PolicyRun("importance-weighted", correct, n, tuple(int(d) for d in days))


# --------------------------------------------------------------------------------------------
# the choice
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    """The cheapest policy whose worst metric meets the floor (``chosen``, ``None`` if none does), and the one that
    comes closest (the highest worst metric) when none does."""

    chosen: str | None
    closest: str | None
    floor: float


def cheapest_policy(outcomes: Mapping[str, tuple[float, float]], floor: float) -> Choice:
    """Pick the cheapest policy that keeps the metric at or above ``floor``.

    ``outcomes`` maps a policy's name to ``(cost, worst metric)``. Among the policies whose worst metric is at
    least the floor, the cheapest wins; a tie in cost goes to the higher worst metric, then to the earlier name.
    When none meets the floor, ``closest`` names the one with the highest worst metric.

    Examples
    --------
    >>> cheapest_policy({"never": (0, 0.70), "monthly": (12, 0.79), "weekly": (52, 0.81)}, 0.78)
    Choice(chosen='monthly', closest=None, floor=0.78)
    >>> cheapest_policy({"never": (0, 0.70), "monthly": (12, 0.79)}, 0.9)
    Choice(chosen=None, closest='monthly', floor=0.9)
    """
    floor = check_floor(floor)
    if not outcomes:
        raise ValueError("There is no policy to choose from.")
    order = {name: i for i, name in enumerate(outcomes)}
    meeting = [name for name, (_, worst) in outcomes.items() if worst >= floor]
    if meeting:
        best = min(meeting, key=lambda name: (outcomes[name][0], -outcomes[name][1], order[name]))
        return Choice(best, None, floor)
    closest = min(outcomes, key=lambda name: (-outcomes[name][1], outcomes[name][0], order[name]))
    return Choice(None, closest, floor)


def retrain_compute(hardware: str = DEFAULT_HARDWARE) -> TrainingCompute:
    """FLOPs, device-hours and cost of one retrain under the module's stated assumptions, on ``hardware`` (a name
    from ``data/hardware.csv``): ``training_compute(hardware, n_devices=1, mfu=0.4, samples=140M, epochs=3,
    flops_per_sample=6e8)``.

    Examples
    --------
    >>> run = retrain_compute("NVIDIA A100 80GB")
    >>> f"{run.total_flops:.3g}", round(run.device_hours, 2)
    ('2.52e+17', 0.56)
    """
    return training_compute(hardware, n_devices=N_DEVICES, mfu=MFU, samples=SAMPLES_PER_RETRAIN, epochs=EPOCHS,
                            flops_per_sample=FLOPS_PER_SAMPLE)


@dataclass(frozen=True, eq=False)
class RetrainingStudy:
    """The four policies on one stream, for one N and one label delay; :meth:`compare` adds a floor and hardware."""

    setting: DriftSetting
    every_days: int
    label_delay: int
    runs: dict

    def compare(self, floor: float, hardware: str = DEFAULT_HARDWARE) -> Comparison:
        """Costs, worst metrics and the cheapest policy meeting ``floor``: no refitting, so it is instant."""
        floor = check_floor(floor)
        per_retrain = retrain_compute(hardware)
        costs = {p: run.refits * per_retrain.cost_usd for p, run in self.runs.items()}
        choice = cheapest_policy({p: (costs[p], run.worst) for p, run in self.runs.items()}, floor)
        return Comparison(self, floor, per_retrain, costs, choice)


@dataclass(frozen=True, eq=False)
class Comparison:
    """A :class:`RetrainingStudy` read at a floor with a hardware choice."""

    study: RetrainingStudy
    floor: float
    per_retrain: TrainingCompute
    costs: dict
    choice: Choice

    def meets(self, policy: str) -> bool:
        return self.study.runs[policy].worst >= self.floor

    def label(self, policy: str) -> str:
        """The policy's name with its N filled in."""
        n = self.study.every_days
        if policy == "every N days":
            return f"every {n} days" if n != 1 else "every day"
        if policy == "importance-weighted":
            return f"importance-weighted (every {n} days)" if n != 1 else "importance-weighted (every day)"
        return policy

    def working(self) -> tuple[str, ...]:
        """How the numbers were computed, one line each."""
        s = self.study
        r = self.per_retrain
        runs = s.runs
        alert_days = runs["on alert"].refit_days
        return (
            (f"Stream: {s.setting.describe()} ({s.setting.meaning()}); labels arrive {s.label_delay} days late, so a "
            f"retrain before day t learns from days t - {s.label_delay + WINDOW_DAYS} to t - {s.label_delay + 1} "
            f"(the latest {WINDOW_DAYS} labelled days)."),
            (f"Every {s.every_days} days: retrains before days {s.every_days}, {2 * s.every_days}, ... up to 364: "
            f"ceil(365 / {s.every_days}) - 1 = {runs['every N days'].refits}."),
            f"On alert: PSI of the model's score above {ALERT_PSI:g} against the inputs the current model learned "
            f"from; a retrain the next night, at most one per {ALERT_COOLDOWN_DAYS} days: "
            f"{len(alert_days)} retrains" + (f" (before days {_list(alert_days)})." if alert_days else "."),
            (f"Importance-weighted: every {s.every_days} days a domain classifier (logistic regression on x and x²) "
            f"tells the last {RECENT_DAYS} days' inputs from the training window (days {TRAINING_DAYS[0]} to "
            f"{TRAINING_DAYS[1]}); weight = (n_train / n_recent) · p / (1 - p), clipped at the 99th percentile, "
            "mean 1; the model is refitted on the old labels with these weights (Shimodaira 2000; Sugiyama et al. "
            "2007). No new labels: it can fix covariate shift, not a change in P(y | x)."),
            (f"Metric: accuracy pooled over the trailing {ROLLING_DAYS} days; a policy keeps the floor when its lowest "
            f"value in the year is at least {self.floor:.3g}."),
            f"One retrain (assumed production scale: {WINDOW_DAYS} days x 5M labelled examples, a "
            f"{PARAMETERS / 1e6:.0f}M-parameter network, {EPOCHS} epochs, {N_DEVICES} device at {MFU:.0%} MFU): "
            + "; ".join(r.working) + ".",
            ("Cost of a policy = retrains x the cost of one; an importance-weighted refit counts as one retrain. "
            "Compute is rarely the main cost of a retrain: validation, rollout and the risk of a bad model grow with "
            "the count too."),
        )

    def phrase(self, policy: str) -> str:
        """The policy as a sentence names it ("retraining every 14 days")."""
        n = self.study.every_days
        every = "every day" if n == 1 else f"every {n} days"
        return {"never retrain": "never retraining", "every N days": f"retraining {every}",
                "on alert": "retraining on the PSI alert",
                "importance-weighted": f"importance weighting (refitted {every})"}[policy]

    def say(self) -> str:
        """Two or three sentences for the interview with the current numbers."""
        s = self.study
        runs = s.runs
        c = self.choice
        what = s.setting.describe()
        worst = {p: runs[p].worst for p in POLICIES}
        if c.chosen is not None:
            p = c.chosen
            cost = ("and it costs nothing to run" if runs[p].refits == 0 else
                    f"with {runs[p].refits} retrains a year (about {_money(self.costs[p])} of "
                    f"{self.per_retrain.hardware.name} time)")
            text = (f"With {what} and labels {s.label_delay} days late, the cheapest policy that keeps the "
                    f"{ROLLING_DAYS}-day accuracy above {self.floor:.3g} is {self.phrase(p)}: its worst "
                    f"{ROLLING_DAYS} days reach {worst[p]:.3f}, {cost}.")
        else:
            p = c.closest
            text = (f"With {what} and labels {s.label_delay} days late, no policy keeps the {ROLLING_DAYS}-day "
                    f"accuracy above {self.floor:.3g}; {self.phrase(p)} comes closest, its worst {ROLLING_DAYS} days "
                    f"at {worst[p]:.3f}.")
        if p != "never retrain":
            text += f" Never retraining bottoms out at {worst['never retrain']:.3f}."
        if s.setting.kind == "concept drift":
            text += (" Importance weighting cannot help here: the inputs did not move, what they mean did, and only "
                     "new labels teach the model that.")
        elif s.setting.kind == "covariate shift":
            text += (f" Importance weighting needs no labels and reaches {worst['importance-weighted']:.3f} at its "
                     "worst: it reacts before the delayed labels arrive.")
        elif s.setting.kind == "label shift":
            text += (" Weighting by the inputs is the wrong fix for label shift; re-estimating the class prior "
                     "from unlabelled scores (Saerens et al. 2002) or retraining is the right one.")
        if s.label_delay > 0 and s.setting.drifts:
            text += (f" With a {s.label_delay}-day label delay every retrain in the first {s.label_delay} days of the "
                     "drift still learns from the old data, so I would also shorten the delay where I can.")
        return text


def _list(days) -> str:
    shown = ", ".join(str(d) for d in days[:8])
    return shown + (f" and {len(days) - 8} more" if len(days) > 8 else "")


def _money(x: float) -> str:
    return f"${x:,.0f}" if x >= 10 else f"${x:,.2f}"


@lru_cache(maxsize=32)
def simulate(setting: DriftSetting | None = None, every_days: int = 30, label_delay: int = 14) -> RetrainingStudy:
    """Run the four policies on ``setting``'s stream (each policy cached by the inputs it depends on).

    Examples
    --------
    >>> from widgets.tools.drift import drift_setting
    >>> study = simulate(drift_setting("no drift"), 30, 14)
    >>> [study.runs[p].refits for p in POLICIES]
    [0, 12, 0, 12]
    """
    from threadpoolctl import threadpool_limits

    setting = DriftSetting() if setting is None else setting
    n = check_every(every_days)
    delay = check_label_delay(label_delay)
    with threadpool_limits(limits=1):   # hundreds of small fits: threads cost more than they save
        runs = {"never retrain": never_retrain(setting), "every N days": every_n_days(setting, n, delay),
                "on alert": on_alert(setting, delay), "importance-weighted": importance_weighted(setting, n)}
    return RetrainingStudy(setting, n, delay, runs)

