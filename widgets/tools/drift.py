"""Monitoring a deployed classifier for drift (step 5): a year of generated daily traffic, the input-drift
statistics that would alert, the true metric as late labels arrive, and how soon each signal fires.

The stream
    A binary classifier with three numeric inputs ``x1, x2, x3`` (each standard normal before any drift) serves
    about 1,000 requests a day: ``Poisson(1000 x (1 + 0.3 sin(2 pi day / 7)))``, so 700 to 1,300 with a weekly
    swing. The true log-odds of a positive are ``-0.5 + 3 (x1 - 0.5 x1^2) + 2 x2 + 0.7 x3``: curved in ``x1``.
    The model is a logistic regression on the raw inputs (linear, so misspecified): it fits the curve well where
    the training inputs lie and badly where they do not, which is why moving ``x1`` costs accuracy. Days run
    from -56 to 364: the model is trained on days -56 to -29 (:data:`TRAINING_DAYS`), the monitors' reference
    window is days -28 to -1 (:data:`REFERENCE_DAYS`), and the monitored year is days 0 to 364. Everything is
    drawn from one seeded generator, so the days before a drift are the same whatever drift is chosen.

The drifts (``size`` from 0 to 1; the drift's strength ``f(day)`` is 0 before ``start``, then 1 at once
(sudden) or rising by ``1 / ramp_days`` a day (gradual))
    - **covariate shift**: the mean of ``x1`` moves by ``2 x size x f`` standard deviations; P(y | x) is fixed.
    - **label shift**: the positive share moves from the base rate (about 36%) towards 90% by ``size x f`` of the
      way; the inputs of each class keep their distribution, P(x | y) (days are drawn class by class from the
      undrifted stream).
    - **concept drift**: the weight of ``x2`` in the true log-odds moves from +2 to ``2 - 4 x size x f``: the
      same inputs now mean something else, P(y | x) changes, P(x) does not.
    - **no drift**: the whole year is drawn like the reference window.

The statistics, per day, each against the reference window
    - **population stability index** (PSI) of the monitored series (the model's score or one input), with bins
      at the reference's deciles: ``PSI = sum_i (a_i - e_i) ln(a_i / e_i)`` (:func:`population_stability_index`).
    - **Kolmogorov-Smirnov** two-sample statistic and p-value (:func:`ks_two_sample`), equal to
      ``scipy.stats.ks_2samp``.
    - the **positive-prediction rate** on a p-chart with limits ``p +/- k sqrt(p (1 - p) / n)``
      (:func:`p_chart_limits`).
    - **accuracy** at a 0.5 threshold, known only once the day's labels arrive ``label_delay`` days later.

Moving a threshold or the label delay only compares these precomputed series (:func:`monitor`); a new drift
setting regenerates the stream and its statistics (cached, :func:`daily_statistics`). A month is 30 days.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

#: Days in the monitored year (days 0 to 364).
DAYS = 365
DAYS_PER_MONTH = 30
#: The model's training window and the monitors' reference window (days before day 0).
TRAINING_DAYS = (-56, -29)
REFERENCE_DAYS = (-28, -1)
FIRST_DAY = TRAINING_DAYS[0]
MEAN_DAILY_REQUESTS = 1000
WEEKLY_SWING = 0.3
SEED = 20240515

FEATURES = ("x1", "x2", "x3")
#: What PSI and KS can watch: the model's score (its predicted probability) or one input.
SERIES = ("model score",) + FEATURES
DRIFT_KINDS = ("no drift", "covariate shift", "label shift", "concept drift")
ONSETS = ("sudden", "gradual")
#: The four alerting signals, in the order the tables show them.
SIGNALS = ("psi", "ks", "chart", "metric")
SIGNAL_NAMES = {"psi": "PSI", "ks": "KS test", "chart": "p-chart", "metric": "accuracy"}

#: The true log-odds: ``INTERCEPT + CURVE_WEIGHT (x1 - CURVATURE x1^2) + x2_weight x2 + X3_WEIGHT x3``.
INTERCEPT, CURVE_WEIGHT, CURVATURE, X2_WEIGHT, X3_WEIGHT = -0.5, 3.0, 0.5, 2.0, 0.7
#: Covariate shift moves x1's mean by this many standard deviations at size 1.
COVARIATE_SHIFT_SD = 2.0
#: Label shift moves the positive share towards this at size 1.
LABEL_SHIFT_TARGET = 0.9
#: Concept drift moves the weight of x2 by this much at size 1 (from +2 to -2).
CONCEPT_WEIGHT_CHANGE = -4.0

PSI_BINS = 10
#: A bin share of 0 (an empty bin) is replaced by this before the logarithm (0.01% of the day's requests).
PSI_EPSILON = 1e-4
#: KS p-values are shown as -log10(p), capped here (scipy returns 0 below about 1e-300).
KS_LOG_CAP = 16.0

#: Alert thresholds the monitor starts from: PSI above 0.1 ("moderate shift"), KS p-value below 0.001,
#: a 3-sigma p-chart, accuracy below 0.75 (the model scores about 0.82 on the reference window).
DEFAULT_THRESHOLDS = {"psi": 0.1, "ks_alpha": 1e-3, "sigma": 3.0, "metric_floor": 0.75}
#: The ranges a threshold may take (a value outside is a ValueError).
PSI_RANGE = (0.0, 10.0)
SIGMA_RANGE = (0.0, 10.0)


# --------------------------------------------------------------------------------------------
# the drift setting and the stream
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DriftSetting:
    """A validated drift: kind, sudden or gradual, start day, size 0-1, ramp length in days.

    "no drift" is always stored as ``DriftSetting("no drift", "sudden", 0, 0.0, 1)`` so that it is one cache
    entry; use :func:`drift_setting` to build one from user values.
    """

    kind: str = "covariate shift"
    onset: str = "sudden"
    start: int = 180
    size: float = 0.5
    ramp_days: int = 60
    seed: int = SEED

    @property
    def drifts(self) -> bool:
        """Whether anything moves (a drift kind other than "no drift")."""
        return self.kind != "no drift"

    def strength(self, days) -> np.ndarray:
        """``f(day)``: 0 before the start, then 1 (sudden) or ``(day - start + 1) / ramp_days`` up to 1 (gradual).

        Examples
        --------
        >>> DriftSetting("covariate shift", "gradual", 10, 0.5, 4).strength([9, 10, 11, 13, 20]).tolist()
        [0.0, 0.25, 0.5, 1.0, 1.0]
        """
        d = np.asarray(days, dtype=float)
        if not self.drifts:
            return np.zeros_like(d)
        if self.onset == "sudden":
            return (d >= self.start).astype(float)
        return np.clip((d - self.start + 1) / self.ramp_days, 0.0, 1.0)

    def describe(self) -> str:
        """The drift in words, e.g. "a sudden covariate shift of size 0.5 from day 180"."""
        if not self.drifts:
            return "no drift"
        how = "sudden" if self.onset == "sudden" else f"gradual ({self.ramp_days}-day ramp)"
        return f"a {how} {self.kind} of size {self.size:g} from day {self.start}"

    def meaning(self) -> str:
        """What the size means for this kind, in the stream's terms."""
        if self.kind == "covariate shift":
            shift = COVARIATE_SHIFT_SD * self.size
            return (f"the mean of x1 moves by {shift:.2g} standard deviation{'' if shift == 1 else 's'}; "
                    "P(y | x) is unchanged")
        if self.kind == "label shift":
            target = base_positive_share() + self.size * (LABEL_SHIFT_TARGET - base_positive_share())
            return (f"the positive share moves from {base_positive_share():.0%} to {target:.0%}; each class's "
                    "inputs keep their distribution (P(x | y) unchanged)")
        if self.kind == "concept drift":
            return (f"the weight of x2 in the true log-odds moves from {X2_WEIGHT:+g} to "
                    f"{X2_WEIGHT + CONCEPT_WEIGHT_CHANGE * self.size:+.2g}; the inputs do not move")
        return "the whole year is drawn like the reference window"


def _whole_number(value, message: str) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if not math.isfinite(number) or number != int(number):
        raise ValueError(message)
    return int(number)


def _finite(value, message: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if not math.isfinite(number):
        raise ValueError(message)
    return number


def drift_setting(kind: str = "covariate shift", onset: str = "sudden", start: int = 180, size: float = 0.5,
                  ramp_days: int = 60) -> DriftSetting:
    """Check a drift chosen by a person and return it as a :class:`DriftSetting` (a ``ValueError`` if bad).

    Examples
    --------
    >>> drift_setting("label shift", "gradual", 90, 0.4, 30)
    DriftSetting(kind='label shift', onset='gradual', start=90, size=0.4, ramp_days=30, seed=20240515)
    >>> drift_setting("no drift", start=12) == drift_setting("no drift")
    True
    >>> drift_setting(start=400)
    Traceback (most recent call last):
    ...
    ValueError: The drift must start on a day of the year, 0 to 364.
    """
    if kind not in DRIFT_KINDS:
        raise ValueError(f"Unknown drift {kind!r}; choose one of: {', '.join(DRIFT_KINDS)}.")
    if onset not in ONSETS:
        raise ValueError(f"Unknown onset {onset!r}; choose sudden or gradual.")
    first = _whole_number(start, "The drift's start must be a whole day, 0 to 364.")
    if not 0 <= first < DAYS:
        raise ValueError("The drift must start on a day of the year, 0 to 364.")
    amount = _finite(size, "The drift's size must be a number from 0 to 1.")
    if not 0 <= amount <= 1:
        raise ValueError("The drift's size must be from 0 to 1.")
    ramp = _whole_number(ramp_days, "The ramp must be a whole number of days, 1 to 365.")
    if not 1 <= ramp <= DAYS:
        raise ValueError("The ramp must last 1 to 365 days.")
    if kind == "no drift":
        return DriftSetting("no drift", "sudden", 0, 0.0, 1)
    if onset == "sudden":
        ramp = 1   # a sudden drift has no ramp: one cache entry whatever the ramp slider says
    return DriftSetting(kind, onset, first, round(amount, 4), ramp)


def true_log_odds(X: np.ndarray, x2_weight=X2_WEIGHT) -> np.ndarray:
    """The stream's true log-odds of a positive, ``-0.5 + 3 (x1 - 0.5 x1^2) + w2 x2 + 0.7 x3``.

    Examples
    --------
    >>> true_log_odds(np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 0.0]])).tolist()
    [-0.5, 3.0]
    """
    X = np.asarray(X, dtype=float)
    x1 = X[:, 0]
    return INTERCEPT + CURVE_WEIGHT * (x1 - CURVATURE * x1 * x1) + x2_weight * X[:, 1] + X3_WEIGHT * X[:, 2]


@lru_cache(maxsize=1)
def base_positive_share() -> float:
    """The positive share before any drift, ``E[sigmoid(true log-odds)]`` for standard normal inputs.

    Computed by 2-D Gauss-Hermite quadrature (``x1``, and ``2 x2 + 0.7 x3`` which is normal with variance
    4.49), 80 nodes a dimension, exact to about 1e-12.

    Examples
    --------
    >>> round(base_positive_share(), 3)
    0.357
    """
    from scipy.special import expit

    nodes, weights = np.polynomial.hermite_e.hermegauss(80)   # for the weight exp(-x^2 / 2)
    weights = weights / weights.sum()
    sd = math.hypot(X2_WEIGHT, X3_WEIGHT)
    x1, s = np.meshgrid(nodes, nodes, indexing="ij")
    z = INTERCEPT + CURVE_WEIGHT * (x1 - CURVATURE * x1 * x1) + sd * s
    return float(np.einsum("i,j,ij->", weights, weights, expit(z)))


@dataclass(frozen=True, eq=False)
class Stream:
    """Every request of days -56 to 364, sorted by day: inputs ``X`` (rows x 3), labels ``y`` (bool), ``day`` of
    each row, requests per day ``n`` (from day -56) and ``offsets`` (row where each day starts; one more entry)."""

    setting: DriftSetting
    X: np.ndarray
    y: np.ndarray
    day: np.ndarray
    n: np.ndarray
    offsets: np.ndarray

    def rows(self, first_day: int, last_day: int) -> slice:
        """The rows of days ``first_day`` to ``last_day`` (both included), as a slice."""
        lo = max(first_day, FIRST_DAY) - FIRST_DAY
        hi = min(last_day, DAYS - 1) - FIRST_DAY + 1
        return slice(int(self.offsets[lo]), int(self.offsets[max(hi, lo)]))

    def labelled(self, first_day: int, last_day: int) -> tuple[np.ndarray, np.ndarray]:
        """Inputs and labels of days ``first_day`` to ``last_day``."""
        r = self.rows(first_day, last_day)
        return self.X[r], self.y[r]


@lru_cache(maxsize=4)   # about 14 MB each, and 30 ms to draw again
def generate_stream(setting: DriftSetting = DriftSetting()) -> Stream:
    """Draw the stream of days -56 to 364 with ``setting``'s drift (see the module's docstring).

    One seeded generator draws every day's volume, inputs and uniform numbers for the labels, so the days
    before a drift are identical whatever the drift; a label shift redraws its drifted days class by class
    from a second generator.

    Examples
    --------
    >>> s = generate_stream(drift_setting("no drift"))
    >>> s.X.shape[1], int(s.n.sum()) == len(s.y), bool(700 < s.n.mean() < 1300)
    (3, True, True)
    """
    from scipy.special import expit

    rng = np.random.default_rng(setting.seed)
    days = np.arange(FIRST_DAY, DAYS)
    n = rng.poisson(MEAN_DAILY_REQUESTS * (1 + WEEKLY_SWING * np.sin(2 * np.pi * days / 7)))
    total = int(n.sum())
    X = rng.standard_normal((total, len(FEATURES)))
    u = rng.random(total)
    day = np.repeat(days, n).astype(np.int16)
    f_day = setting.strength(days)
    f_row = np.repeat(f_day, n)
    x2_weight = X2_WEIGHT
    if setting.kind == "covariate shift":
        X[:, 0] += COVARIATE_SHIFT_SD * setting.size * f_row
    elif setting.kind == "concept drift":
        x2_weight = X2_WEIGHT + CONCEPT_WEIGHT_CHANGE * setting.size * f_row
    y = u < expit(true_log_odds(X, x2_weight))
    if setting.kind == "label shift":
        _shift_labels(setting, X, y, n, f_day)
    offsets = np.concatenate([[0], np.cumsum(n)])
    return Stream(setting, X, y, day, n, offsets)


def _shift_labels(setting: DriftSetting, X: np.ndarray, y: np.ndarray, n: np.ndarray, f_day: np.ndarray) -> None:
    """Redraw the drifted days in place: ``Binomial(n, share)`` positives and the rest negatives, each drawn from
    the undrifted stream's own class, so P(x | y) stays and only the class prior moves."""
    from scipy.special import expit

    rng = np.random.default_rng(setting.seed + 1)
    base = base_positive_share()
    drifted = np.flatnonzero(f_day > 0)
    share = base + setting.size * f_day[drifted] * (LABEL_SHIFT_TARGET - base)
    positives = rng.binomial(n[drifted], share)
    negatives = n[drifted] - positives
    need_pos, need_neg = int(positives.sum()), int(negatives.sum())
    pool_pos, pool_neg = [], []
    have_pos = have_neg = 0
    while have_pos < need_pos or have_neg < need_neg:   # draw from the joint until each class has enough
        size = int(max(need_pos - have_pos, 0) / base + max(need_neg - have_neg, 0) / (1 - base)) + 1000
        Xp = rng.standard_normal((size, len(FEATURES)))
        yp = rng.random(size) < expit(true_log_odds(Xp))
        pool_pos.append(Xp[yp])
        pool_neg.append(Xp[~yp])
        have_pos += int(yp.sum())
        have_neg += int((~yp).sum())
    pos, neg = np.concatenate(pool_pos), np.concatenate(pool_neg)
    offsets = np.concatenate([[0], np.cumsum(n)])
    used_pos = used_neg = 0
    for i, k_pos, k_neg in zip(drifted, positives, negatives):
        start = offsets[i]
        X[start:start + k_pos] = pos[used_pos:used_pos + k_pos]
        X[start + k_pos:start + k_pos + k_neg] = neg[used_neg:used_neg + k_neg]
        y[start:start + k_pos] = True
        y[start + k_pos:start + k_pos + k_neg] = False
        used_pos += k_pos
        used_neg += k_neg


# --------------------------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------------------------
def fit_logistic(X: np.ndarray, y: np.ndarray, sample_weight=None, C: float = 1.0, start=None,
                 tol: float = 1e-6, max_iter: int = 100) -> np.ndarray:
    """Logistic regression by Newton's method; returns the weights with the intercept last.

    Minimises ``0.5 ||w||^2 + C sum_i s_i log(1 + exp(-y_i' (x_i w + b)))`` (intercept not penalised): the
    objective of scikit-learn's ``LogisticRegression(C=C)`` (L2, its docs' "Mathematical formulation"), solved
    to about ``tol^2`` (Newton steps stop below ``tol``; the convergence is quadratic); a few Newton steps on a handful of features take milliseconds, so a simulation can refit hundreds
    of times. ``start`` warm-starts from earlier weights.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
    >>> w = fit_logistic(X, y)
    >>> bool(w[0] > 0), bool(abs(w[1] + 1.5 * w[0]) < 1e-9)   # symmetric data: the boundary sits at x = 1.5
    (True, True)
    """
    from scipy.special import expit

    X = np.asarray(X, dtype=float)
    Xa = np.hstack([X, np.ones((len(X), 1))])
    t = np.asarray(y, dtype=float)
    s = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    penalty = np.ones(Xa.shape[1])
    penalty[-1] = 0.0
    w = np.zeros(Xa.shape[1]) if start is None else np.array(start, dtype=float)

    sign = 2 * t - 1

    def objective(v, z):
        # log(1 + exp(-margin)) without overflow: log1p(exp(-|m|)) + max(-m, 0)
        m = sign * z
        return 0.5 * np.sum(penalty * v * v) + C * np.dot(s, np.log1p(np.exp(-np.abs(m))) + np.maximum(-m, 0.0))

    z = Xa @ w
    current = objective(w, z)
    for _ in range(max_iter):
        p = expit(z)
        grad = C * (Xa.T @ (s * (p - t))) + penalty * w
        hess = C * (Xa.T @ (Xa * (s * p * (1 - p))[:, None])) + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        size = np.max(np.abs(step))
        if size < tol:   # Newton converges quadratically: the error left after this step is about tol^2
            return w - step
        if size < 1e-4:   # close to the optimum Newton converges quadratically: no need to check the objective
            w = w - step
            z = Xa @ w
            continue
        scale = 1.0
        while True:   # Newton with step halving: the objective never goes up
            candidate = w - scale * step
            z_candidate = Xa @ candidate
            value = objective(candidate, z_candidate)
            if value <= current + 1e-12 * abs(current) or scale < 1e-6:
                break
            scale /= 2
        w, z, current = candidate, z_candidate, value
    return w


def predict_log_odds(weights: np.ndarray, X: np.ndarray) -> np.ndarray:
    """The model's log-odds ``X w + b`` (``weights`` as :func:`fit_logistic` returns them)."""
    return np.asarray(X, dtype=float) @ weights[:-1] + weights[-1]


@lru_cache(maxsize=16)
def initial_model(setting: DriftSetting = DriftSetting()) -> np.ndarray:
    """The deployed model: :func:`fit_logistic` on days -56 to -29 of the stream (weights, intercept last).

    Examples
    --------
    >>> w = initial_model(drift_setting("no drift"))
    >>> w.shape, bool(w[0] > 0 and w[1] > 0)     # both x1 and x2 raise the odds of a positive
    ((4,), True)
    """
    X, y = generate_stream(setting).labelled(*TRAINING_DAYS)
    return fit_logistic(X, y)


# --------------------------------------------------------------------------------------------
# the statistics
# --------------------------------------------------------------------------------------------
def psi_from_shares(expected, actual, epsilon: float = PSI_EPSILON) -> np.ndarray:
    """PSI from bin shares: ``sum_i (a_i - e_i) ln(a_i / e_i)``, a share of 0 replaced by ``epsilon`` first.

    ``expected`` (the reference's shares) and ``actual`` (the current shares) hold one share per bin along the
    last axis; several rows of ``actual`` give one PSI each.

    Source: Siddiqi, *Credit Risk Scorecards* (Wiley, 2006), ch. 8; Yurdakul, *Statistical properties of the
    population stability index* (Western Michigan University, 2018), who shows it is the symmetrised
    Kullback-Leibler divergence between the binned distributions. The usual reading: below 0.1 no significant
    change, 0.1 to 0.25 a moderate shift worth a look, above 0.25 a significant shift.

    Examples
    --------
    >>> e = np.array([0.5, 0.5]); a = np.array([0.6, 0.4])
    >>> round(float(psi_from_shares(e, a)), 6)       # 0.1 ln(1.2) + (-0.1) ln(0.8)
    0.040547
    >>> round(float(psi_from_shares(e, np.array([1.0, 0.0]))), 4)  # 0.5 ln 2 + (1e-4 - 0.5) ln(1e-4 / 0.5)
    4.6043
    """
    e = np.maximum(np.asarray(expected, dtype=float), epsilon)
    a = np.maximum(np.asarray(actual, dtype=float), epsilon)
    return np.sum((a - e) * np.log(a / e), axis=-1)


def _decile_edges(reference: np.ndarray, bins: int) -> np.ndarray:
    """The inner bin edges at the reference's quantiles 1/bins, ..., (bins-1)/bins (numpy's linear quantiles)."""
    return np.quantile(reference, np.arange(1, bins) / bins)


def population_stability_index(reference, current, bins: int = PSI_BINS, epsilon: float = PSI_EPSILON) -> float:
    """PSI of ``current`` against ``reference``, with ``bins`` bins at the reference's quantiles.

    The inner edges are the reference's ``1/bins, ..., (bins-1)/bins`` quantiles (``numpy.quantile``, linear);
    the outer bins are open, and a value on an edge goes to the bin above it. The shares of each sample in the
    bins go into :func:`psi_from_shares` (empty bins count as ``epsilon``). Unitless; 0 for identical samples.

    Examples
    --------
    >>> rng = np.random.default_rng(0); ref = rng.normal(size=5000)
    >>> population_stability_index(ref, ref)
    0.0
    >>> bool(population_stability_index(ref, ref + 1.0) > 0.25)
    True
    """
    ref = np.asarray(reference, dtype=float)
    cur = np.asarray(current, dtype=float)
    if ref.size == 0 or cur.size == 0:
        raise ValueError("PSI needs values in both the reference and the current sample.")
    if bins < 2:
        raise ValueError("PSI needs at least 2 bins.")
    edges = _decile_edges(ref, bins)
    e = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=bins) / ref.size
    a = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=bins) / cur.size
    return float(psi_from_shares(e, a, epsilon))


def _ks_statistic_sorted(sample: np.ndarray, reference: np.ndarray) -> float:
    """The two-sided KS statistic of two sorted samples, looking up only ``sample``'s points.

    Between two of ``sample``'s points its ECDF is flat and the reference's rises, so ``F_s - F_r`` is largest at
    a ``sample`` point and ``F_r - F_s`` just below one: ``D+ = max F_s(x) - F_r(x)`` and
    ``D- = max #r<x / m - #s<x / n`` over ``sample``'s points ``x``. These are the same fractions
    ``scipy.stats.ks_2samp`` compares at every point of both samples, so the result is bit-for-bit equal.
    """
    n, m = sample.size, reference.size
    upper = np.searchsorted(sample, sample, side="right") / n - np.searchsorted(reference, sample, side="right") / m
    lower = np.searchsorted(reference, sample, side="left") / m - np.searchsorted(sample, sample, side="left") / n
    return float(max(np.max(upper), np.clip(np.max(lower), 0, 1)))


def _ks_p_values(statistics, n1, n2) -> np.ndarray:
    """Smirnov's asymptotic two-sided p-value, as ``scipy.stats.ks_2samp(method="asymp")`` computes it:
    ``kstwo.sf(D, round(m n / (m + n)))`` with ``m >= n`` the sample sizes."""
    from scipy.stats import kstwo

    a = np.asarray(n1, dtype=float)
    b = np.asarray(n2, dtype=float)
    m, n = np.maximum(a, b), np.minimum(a, b)
    return np.clip(kstwo.sf(np.asarray(statistics, dtype=float), np.round(m * n / (m + n))), 0, 1)


def ks_two_sample(sample, reference) -> tuple[float, float]:
    """The two-sample Kolmogorov-Smirnov statistic ``D = sup |F_sample - F_reference|`` and its p-value.

    The p-value is Smirnov's asymptotic distribution with the effective size ``m n / (m + n)`` rounded
    (``scipy.stats.kstwo``): what ``scipy.stats.ks_2samp`` returns with ``method="asymp"``, and by default
    whenever a sample holds more than 10,000 values (the 28-day reference window holds about 28,000). Source:
    Hodges, *The significance probability of the Smirnov two-sample test*, Arkiv for Matematik 3 (1958); scipy's
    ``ks_2samp`` documentation.

    Examples
    --------
    >>> d, p = ks_two_sample([1, 2, 3, 4], [3, 4, 5, 6])
    >>> d, round(p, 4)     # as method="asymp"; for samples this small scipy's default is the exact 0.7714
    (0.5, 0.5)
    """
    s = np.sort(np.asarray(sample, dtype=float))
    r = np.sort(np.asarray(reference, dtype=float))
    if s.size == 0 or r.size == 0:
        raise ValueError("The KS test needs values in both samples.")
    d = _ks_statistic_sorted(s, r)
    return d, float(_ks_p_values(d, s.size, r.size))


def p_chart_limits(p: float, n, sigma: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """Control limits of a p-chart: ``p +/- sigma sqrt(p (1 - p) / n)``, clipped to 0 and 1.

    ``p`` is the rate in the reference period (here the positive-prediction rate), ``n`` the day's requests
    (one limit per day when ``n`` varies). Source: Montgomery, *Introduction to Statistical Quality Control*
    (7th ed., Wiley 2013), section 7.2.1; NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3.3.2.

    Examples
    --------
    >>> lo, hi = p_chart_limits(0.5, [100, 400], 3)
    >>> lo.tolist(), hi.tolist()
    ([0.35, 0.425], [0.65, 0.575])
    """
    half = sigma * np.sqrt(p * (1 - p) / np.asarray(n, dtype=float))
    return np.clip(p - half, 0.0, 1.0), np.clip(p + half, 0.0, 1.0)


@dataclass(frozen=True, eq=False)
class DailyStatistics:
    """Everything the monitor compares with thresholds, one value per day 0-364, computed once per drift.

    ``psi``, ``ks_statistic`` and ``ks_p_value`` hold one array per monitored series (:data:`SERIES`);
    ``positive_rate`` is the share of requests the model calls positive (score at least 0.5), ``accuracy`` the
    share it gets right (known only ``label_delay`` days later). ``reference_*`` are the same on days -28 to -1.
    """

    setting: DriftSetting
    n: np.ndarray
    strength: np.ndarray
    psi: dict
    ks_statistic: dict
    ks_p_value: dict
    positive_rate: np.ndarray
    accuracy: np.ndarray
    reference_n: int
    reference_positive_rate: float
    reference_accuracy: float
    weights: np.ndarray
    reference_edges: dict = field(repr=False)


def _series_values(stream: Stream, weights: np.ndarray, rows: slice, series: str) -> np.ndarray:
    if series == "model score":
        from scipy.special import expit

        return expit(predict_log_odds(weights, stream.X[rows]))
    return stream.X[rows, FEATURES.index(series)]


@lru_cache(maxsize=16)
def daily_statistics(setting: DriftSetting = DriftSetting()) -> DailyStatistics:
    """Generate the stream for ``setting``, fit the model on days -56 to -29, and compute every day's PSI, KS
    statistic and p-value (each series against days -28 to -1), positive-prediction rate and accuracy.

    Examples
    --------
    >>> s = daily_statistics(drift_setting("no drift"))
    >>> len(s.accuracy), bool(0.78 < s.reference_accuracy < 0.86), bool(s.psi["model score"].max() < 0.05)
    (365, True, True)
    """
    stream = generate_stream(setting)
    weights = initial_model(setting)
    ref_rows = stream.rows(*REFERENCE_DAYS)
    year = stream.rows(0, DAYS - 1)
    n = stream.n[-DAYS:]
    day_index = stream.day[year]
    offsets = stream.offsets[-DAYS - 1:] - stream.offsets[-DAYS - 1]
    psi, ks_d, ks_p, edges_by_series = {}, {}, {}, {}
    for series in SERIES:
        ref = _series_values(stream, weights, ref_rows, series)
        values = _series_values(stream, weights, year, series)
        edges = _decile_edges(ref, PSI_BINS)
        edges_by_series[series] = edges
        expected = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=PSI_BINS) / ref.size
        bins = np.searchsorted(edges, values, side="right")
        counts = np.bincount(day_index * PSI_BINS + bins, minlength=DAYS * PSI_BINS).reshape(DAYS, PSI_BINS)
        psi[series] = psi_from_shares(expected, counts / n[:, None])
        ref_sorted = np.sort(ref)
        ks_d[series] = np.array([_ks_statistic_sorted(np.sort(values[offsets[i]:offsets[i + 1]]), ref_sorted)
                                 for i in range(DAYS)])
        ks_p[series] = _ks_p_values(ks_d[series], n, ref.size)
    ref_X, ref_y = stream.X[ref_rows], stream.y[ref_rows]
    ref_positive = predict_log_odds(weights, ref_X) >= 0
    positive = predict_log_odds(weights, stream.X[year]) >= 0
    correct = positive == stream.y[year]
    return DailyStatistics(
        setting=setting, n=n, strength=setting.strength(np.arange(DAYS)), psi=psi, ks_statistic=ks_d,
        ks_p_value=ks_p, positive_rate=np.bincount(day_index, weights=positive, minlength=DAYS) / n,
        accuracy=np.bincount(day_index, weights=correct, minlength=DAYS) / n, reference_n=int(ref_y.size),
        reference_positive_rate=float(ref_positive.mean()), reference_accuracy=float(np.mean(ref_positive == ref_y)),
        weights=weights, reference_edges=edges_by_series)


# --------------------------------------------------------------------------------------------
# alerts, detection delay and false alarms
# --------------------------------------------------------------------------------------------
def check_label_delay(label_delay) -> int:
    """The label delay in whole days, 0 to 364 (a ``ValueError`` otherwise).

    Examples
    --------
    >>> check_label_delay(14)
    14
    >>> check_label_delay(-1)
    Traceback (most recent call last):
    ...
    ValueError: The label delay must be 0 days or more.
    """
    delay = _whole_number(label_delay, "The label delay must be a whole number of days.")
    if delay < 0:
        raise ValueError("The label delay must be 0 days or more.")
    if delay >= DAYS:
        raise ValueError("The label delay must be under a year (364 days at most).")
    return delay


def check_thresholds(psi: float, ks_alpha: float, sigma: float, metric_floor: float) -> tuple[float, ...]:
    """Check the four alert thresholds: PSI above 0 (10 at most), a KS p-value strictly between 0 and 1,
    a positive control-chart sigma (10 at most), an accuracy floor from 0 to 1.

    Examples
    --------
    >>> check_thresholds(0.1, 0.001, 3, 0.75)
    (0.1, 0.001, 3.0, 0.75)
    >>> check_thresholds(0.1, 1.5, 3, 0.75)
    Traceback (most recent call last):
    ...
    ValueError: The KS p-value threshold must be between 0 and 1, such as 0.001.
    """
    psi = _finite(psi, "The PSI threshold must be a number.")
    if not PSI_RANGE[0] < psi <= PSI_RANGE[1]:
        raise ValueError("The PSI threshold must be above 0 and at most 10 (0.1 and 0.25 are the usual readings).")
    alpha = _finite(ks_alpha, "The KS p-value threshold must be a number.")
    if not 0 < alpha < 1:
        raise ValueError("The KS p-value threshold must be between 0 and 1, such as 0.001.")
    k = _finite(sigma, "The control chart's sigma must be a number.")
    if not SIGMA_RANGE[0] < k <= SIGMA_RANGE[1]:
        raise ValueError("The control chart's sigma must be above 0 and at most 10 (3 is usual).")
    floor = _finite(metric_floor, "The accuracy floor must be a number.")
    if not 0 <= floor <= 1:
        raise ValueError("The accuracy floor must be between 0 and 1.")
    return psi, alpha, float(k), floor


@dataclass(frozen=True, eq=False)
class Monitoring:
    """The alerts of the four signals under given thresholds, and what they cost and catch.

    ``alerts[signal]`` is a boolean per day 0-364 on which the alert *fires* (for the metric: the day the bad
    day's labels arrive, ``label_delay`` days after it). ``metric_bad`` marks the days whose accuracy is below
    the floor (by the day the requests were served). ``first_alert`` and ``detection_delay`` are ``None`` when a
    signal never fires on drifted data within the year (or there is no drift); ``false_alarms_per_month`` is
    ``None`` when there is no day before the drift to count on.
    """

    stats: DailyStatistics
    series: str
    psi_threshold: float
    ks_alpha: float
    sigma: float
    metric_floor: float
    label_delay: int
    alerts: dict
    metric_bad: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    first_alert: dict
    detection_delay: dict
    false_alarms: dict
    quiet_days: dict
    false_alarms_per_month: dict

    @property
    def setting(self) -> DriftSetting:
        return self.stats.setting

    def known_until(self, today: int) -> int:
        """The last day whose labels have arrived by ``today`` (``today - label_delay``; below 0: none yet)."""
        return today - self.label_delay

    def working(self) -> tuple[str, ...]:
        """How every number was computed, one line each, with this stream's numbers."""
        s = self.stats
        p = s.reference_positive_rate
        n_mean = float(s.n.mean())
        half = self.sigma * math.sqrt(p * (1 - p) / n_mean)
        pre = "the whole year (no drift)" if not self.setting.drifts else f"days 0 to {self.setting.start - 1}"
        return (
            (f"Stream: {self.setting.describe()}: {self.setting.meaning()}. About {n_mean:,.0f} requests a day; the "
            f"model (logistic regression on x1, x2, x3; the truth is curved in x1) was trained on days "
            f"{TRAINING_DAYS[0]} to {TRAINING_DAYS[1]}; the reference window is days {REFERENCE_DAYS[0]} to "
            f"{REFERENCE_DAYS[1]} ({s.reference_n:,} requests, accuracy {s.reference_accuracy:.3f})."),
            (f"PSI of the {self.series} per day = sum over {PSI_BINS} bins of (a - e) ln(a / e), a the day's share and "
            f"e the reference's share of each bin; bins cut at the reference's deciles; an empty bin counts as "
            f"{PSI_EPSILON:g}. Reading (Siddiqi 2006): below 0.1 stable, 0.1-0.25 moderate, above 0.25 significant. "
            f"Alert: PSI > {self.psi_threshold:g}."),
            (f"KS per day: D = the largest gap between the day's and the reference's empirical CDFs of the "
            f"{self.series}; p-value from Smirnov's asymptotic distribution with n m / (n + m) (as scipy's ks_2samp). "
            f"Alert: p < {self.ks_alpha:.0e}. With about {n_mean:,.0f} requests a day even a harmless shift gets a "
            "tiny p-value: the test answers 'different?', not 'different enough to matter?'."),
            (f"p-chart: reference positive-prediction rate p = {p:.3f}; limits p ± k·sqrt(p(1 - p)/n) with k = "
            f"{self.sigma:g} and n the day's requests (about ± {half:.3f} on a {n_mean:,.0f}-request day). "
            "Alert: the day's rate outside the limits (Montgomery, ch. 7)."),
            (f"Accuracy: a day's labels arrive {self.label_delay} days later, so on day t it is known only up to day "
            f"t - {self.label_delay}. Alert: a day's accuracy below {self.metric_floor:.2f}, fired the day its labels "
            "arrive."),
            (f"Detection delay = the day a signal first fires on drifted data minus the drift's start (for accuracy, "
            f"it includes the {self.label_delay}-day label delay). False alarms per month = alerts on {pre} "
            "/ those days x 30."),
        )

    def say(self) -> str:
        """Two or three sentences for the interview, with the current numbers."""
        watched = "the model score" if self.series == "model score" else self.series
        names = {"psi": f"PSI of {watched} (> {self.psi_threshold:g})", "ks": f"KS (p < {self.ks_alpha:.0e})",
                 "chart": f"the positive-rate p-chart ({self.sigma:g} sigma)"}
        rates = ", ".join(f"{SIGNAL_NAMES[k]} {_rate(self.false_alarms_per_month[k])}" for k in SIGNALS)
        if not self.setting.drifts:
            return (f"On a year without drift, the alerts raise these false alarms a month: {rates}. Every false page "
                    "teaches the on-call to ignore the next one, so I would set the thresholds on a stable period "
                    "like this one, page on PSI of the model score, and keep KS, which flags any difference once "
                    "there are thousands of requests, as a diagnostic rather than a pager.")
        fired = [f"{names[k]} {_fires(self.detection_delay[k])}" for k in ("psi", "ks", "chart")]
        metric = self.detection_delay["metric"]
        seen = ("never shows it within the year" if metric is None else
                f"shows it (a day below {self.metric_floor:.2f}) after {_days(metric)}")
        text = (f"With {self.setting.describe()}, {', '.join(fired[:-1])} and {fired[-1]}, while accuracy, with "
                f"labels {self.label_delay} days late, {seen}. False alarms a month before the drift: {rates}.")
        caught = {k for k in ("psi", "ks", "chart") if self.detection_delay[k] is not None}
        if self.setting.kind == "concept drift" and not caught:
            text += (" Input monitors cannot see concept drift: the inputs do not move, only what they mean. Only "
                     "labels reveal it, so I would shorten the label delay (proxy labels, a small labelled sample "
                     "each day) and alert on the metric.")
        elif self.series != "model score" and not caught & {"psi", "ks"}:
            text += (f" PSI and KS on {watched} miss it because the shift is elsewhere; the model's score sums up "
                     "every input the model uses, so I would monitor the score and the top few features.")
        elif caught:
            text += (" So I would page on input drift of the model's score, which needs no labels, and confirm the "
                     "damage with the metric once labels arrive; input drift alone does not prove accuracy fell.")
        else:
            text += " None of the input monitors fires at these thresholds: they are too loose for this drift."
        return text


def _days(value) -> str:
    return "1 day" if value == 1 else f"{value} days"


def _fires(value) -> str:
    return ("never fires" if value is None else "fires on the drift's first day" if value == 0 else
            f"fires after {_days(value)}")


def _rate(value) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def monitor(stats: DailyStatistics, series: str = "model score", psi_threshold: float = DEFAULT_THRESHOLDS["psi"],
            ks_alpha: float = DEFAULT_THRESHOLDS["ks_alpha"], sigma: float = DEFAULT_THRESHOLDS["sigma"],
            metric_floor: float = DEFAULT_THRESHOLDS["metric_floor"], label_delay: int = 14) -> Monitoring:
    """Compare the precomputed daily series with the thresholds: alerts, detection delays, false alarms a month.

    Nothing is regenerated or refitted: a few array comparisons, so moving a threshold is instant.

    - PSI fires when ``psi > psi_threshold``; KS when ``p < ks_alpha``; the p-chart when the day's positive rate is
      outside :func:`p_chart_limits`; the metric when a day's accuracy is below ``metric_floor``, on the day its
      labels arrive (``label_delay`` days later; later than day 364 is never).
    - **Detection delay**: the first day a signal fires on a drifted day (on or after the start; for the metric,
      a drifted day whose labels have arrived) minus the start, in days.
    - **False alarms per month**: alerts on days before the start (for the metric, on days served before the
      start whose labels arrive within the year) per 30 such days; with no drift, the whole year.

    Examples
    --------
    >>> stats = daily_statistics(drift_setting("covariate shift", "sudden", 100, 0.5))
    >>> m = monitor(stats, label_delay=10)
    >>> m.detection_delay["psi"], m.detection_delay["metric"]
    (0, 10)
    """
    if series not in SERIES:
        raise ValueError(f"Unknown series {series!r}; monitor one of: {', '.join(SERIES)}.")
    psi_threshold, ks_alpha, sigma, metric_floor = check_thresholds(psi_threshold, ks_alpha, sigma, metric_floor)
    delay = check_label_delay(label_delay)
    setting = stats.setting
    lower, upper = p_chart_limits(stats.reference_positive_rate, stats.n, sigma)
    metric_bad = stats.accuracy < metric_floor
    metric_alert = np.zeros(DAYS, dtype=bool)
    metric_alert[delay:] = metric_bad[:DAYS - delay]
    alerts = {"psi": stats.psi[series] > psi_threshold, "ks": stats.ks_p_value[series] < ks_alpha,
              "chart": (stats.positive_rate < lower) | (stats.positive_rate > upper), "metric": metric_alert}
    start = setting.start if setting.drifts else DAYS
    # per signal, the alerts on pre-drift data (indexed by the day the data was served) and how many such days
    by_data_day = {k: alerts[k] for k in ("psi", "ks", "chart")}
    by_data_day["metric"] = metric_bad.copy()
    by_data_day["metric"][DAYS - delay:] = False     # labels not in by the end of the year: never known
    first, delay_of, false, quiet, per_month = {}, {}, {}, {}, {}
    for k in SIGNALS:
        observed = min(start, DAYS - delay) if k == "metric" else start
        false[k] = int(by_data_day[k][:observed].sum())
        quiet[k] = observed
        per_month[k] = false[k] / observed * DAYS_PER_MONTH if observed > 0 else None
        hits = np.flatnonzero(by_data_day[k][start:]) if setting.drifts else np.array([], dtype=int)
        if hits.size:
            fired = start + int(hits[0]) + (delay if k == "metric" else 0)
            first[k], delay_of[k] = fired, fired - start
        else:
            first[k] = delay_of[k] = None
    return Monitoring(stats, series, psi_threshold, ks_alpha, sigma, metric_floor, delay, alerts, metric_bad,
                      lower, upper, first, delay_of, false, quiet, per_month)
