"""The simplest model that is good enough: four scikit-learn model families trained on the same real
data, with the quality, speed and size numbers a step-3 answer needs, and a rule that picks the
simplest one that fits a latency budget and a quality bar.

Data
    scikit-learn's bundled handwritten digits (``load_digits``): 1,797 images of 8 x 8 grey pixels
    (64 features, values 0-16), 10 classes of about 180 images each. The models train on a stratified
    70% (1,257 images) and are scored on the other 30% (540 images), split with ``random_state=0``.

Metric
    Accuracy on the held-out 30%, as a share from 0 to 1. The ten classes are balanced and every
    misread digit costs the same, so the share read right is the number a product owner understands;
    macro F1 (the unweighted mean of the ten per-class F1 scores) is kept as well and differs from
    accuracy only in the third decimal here.

Models, from simplest to most complex (the order :func:`choose_model` walks)
    1. **logistic regression** (standardised pixels): one linear formula per class, 650 numbers, a
       convex fit that gives the same answer every run, cheap everywhere. The baseline to beat.
    2. **k-nearest neighbours** (k = 5): nothing to fit and one knob, but the model *is* the training
       set: it ships every training row, and its size and latency grow with the data.
    3. **gradient-boosted trees** (``HistGradientBoostingClassifier``, 20 rounds of one 15-leaf tree per
       class, 200 trees): many trees and several knobs (rounds, leaves, learning rate) to tune and watch.
    4. **small MLP** (standardised pixels, one hidden layer of 32 units, fitted with L-BFGS, which
       scikit-learn recommends for small data): a non-convex fit that depends on the seed, the scaling
       and the solver settings; the hardest to explain and to debug.

Measurements (wall time, ``time.perf_counter``; all on one thread through ``threadpoolctl``, as one
serving worker handling one request at a time, which also keeps the numbers from depending on how
busy the machine's other cores are)
    - training time: one ``fit`` on the 1,257 training rows, in seconds.
    - single-request latency: ``predict`` on one row (shape 1 x 64), 200 calls on distinct test rows
      after 10 warm-up calls; p50 and p99 are ``numpy.percentile`` (linear interpolation) of the 200
      times, in milliseconds.
    - batch latency: the median of 5 ``predict`` calls on 256 test rows (after one warm-up), in
      milliseconds; the per-row cost is that time divided by 256, in microseconds.
    - size: ``len(pickle.dumps(model))`` with the default protocol, in bytes.

These are in-process numbers on this machine: a real service adds network, (de)serialisation and
queueing, and serving hardware differs. Training and measuring happen once (cached); moving the
budget or the bar only re-runs :func:`choose_model`, which is a few comparisons.
"""

from __future__ import annotations

import math
import pickle
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Sequence

import numpy as np

#: The model families, simplest first.
MODEL_NAMES = ("logistic regression", "k-nearest neighbours", "gradient-boosted trees", "small MLP")

#: Why each model sits where it does in the simplicity order (shown next to the numbers).
SIMPLICITY = {
    "logistic regression": "one linear formula per class; convex fit, same answer every run",
    "k-nearest neighbours": "nothing to fit, one knob (k); but it keeps the whole training set",
    "gradient-boosted trees": "hundreds of small trees; rounds, leaves and learning rate to tune",
    "small MLP": "non-convex fit that depends on the seed, the scaling and the solver",
}

#: How a prediction of each model can be explained to a user, a reviewer or an on-call engineer.
INTERPRETABILITY = {
    "logistic regression": "Each pixel has one weight per digit: draw the weights as ten 8x8 pictures and you "
                           "see which strokes push towards each digit. Easy to explain and to debug.",
    "k-nearest neighbours": "Explains a prediction by showing the 5 training digits it matched: concrete "
                            "for one case, but no overall picture of what matters.",
    "gradient-boosted trees": "Feature importances and per-prediction attributions (e.g. SHAP) exist, but "
                              "no single rule can be read off hundreds of trees.",
    "small MLP": "Hidden units mix all pixels non-linearly; explanations need after-the-fact tools "
                 "(saliency maps, SHAP) and are approximations.",
}

METRIC = "accuracy"
#: Timed single requests per round, and rounds: the figures quoted are medians over the rounds.
N_REQUESTS = 100
ROUNDS = 5
BATCH_SIZE = 256


def make_candidates() -> dict:
    """The four unfitted, seeded models, simplest first (see the module docstring for the order).

    Examples
    --------
    >>> list(make_candidates()) == list(MODEL_NAMES)
    True
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        "k-nearest neighbours": KNeighborsClassifier(n_neighbors=5),
        "gradient-boosted trees": HistGradientBoostingClassifier(
            max_iter=20, max_leaf_nodes=15, learning_rate=0.3, early_stopping=False, random_state=0),
        "small MLP": make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(32,), solver="lbfgs",
                                                                   max_iter=200, random_state=0)),
    }


@dataclass(frozen=True)
class Latency:
    """Measured prediction times of one fitted model (see :func:`measure_latency`)."""

    single_ms: tuple        # every single-row call, ms, in the order made (rounds one after the other)
    p50_ms: float           # median over the rounds of each round's p50, ms
    p99_ms: float           # median over the rounds of each round's p99, ms
    batch_ms: float         # median time of one predict call on ``batch_size`` rows, ms
    batch_size: int
    rounds: int = 1
    round_p99_ms: tuple = ()   # each round's p99, ms: their range is the spread shown

    @property
    def p99_spread_ms(self) -> tuple[float, float]:
        """The lowest and the highest round's p99, ms."""
        return (min(self.round_p99_ms), max(self.round_p99_ms)) if self.round_p99_ms else (self.p99_ms, self.p99_ms)

    @property
    def per_row_us(self) -> float:
        """Cost of one row inside a batch, in microseconds: ``batch_ms * 1000 / batch_size``."""
        return self.batch_ms * 1000.0 / self.batch_size


def measure_latency(model, X: np.ndarray, n_requests: int = N_REQUESTS, batch_size: int = BATCH_SIZE,
                    warmup: int = 20, batch_repeats: int = 5, rounds: int = ROUNDS) -> Latency:
    """Time ``model.predict`` on single rows and on one batch, on one thread.

    Single requests: ``warmup`` untimed calls, then ``rounds`` rounds of ``n_requests`` timed calls,
    each on one row of ``X`` (cycling through the rows), timed with ``time.perf_counter``. Each round
    gives its p50 and p99 (``numpy.percentile``, linear interpolation); the figures quoted are the
    medians over the rounds, so one round disturbed by another program (a busy machine) does not move
    them, and the lowest and highest round p99 are kept as the spread. Batch: one untimed call, then
    the median of ``batch_repeats`` timed calls on the first ``batch_size`` rows. Python's garbage
    collector is left on, as in a real server (it is one source of the p99 tail).
    ``benchmarks/model_choice_latency.py`` measures how far two measurements agree.

    Parameters
    ----------
    model : fitted estimator with ``predict``
    X : array of shape (n_rows, n_features)
        Rows to predict; ``batch_size`` is capped at ``n_rows``.

    Returns
    -------
    Latency
        Times in milliseconds.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.random.default_rng(0).normal(size=(50, 3)); y = (X[:, 0] > 0).astype(int)
    >>> lat = measure_latency(LogisticRegression().fit(X, y), X, n_requests=30, batch_size=20, rounds=3)
    >>> len(lat.single_ms), lat.batch_size, lat.p50_ms <= lat.p99_ms, lat.rounds
    (90, 20, True, 3)
    """
    from threadpoolctl import threadpool_limits

    X = np.asarray(X)
    total = n_requests * rounds
    rows = [X[i % len(X): i % len(X) + 1] for i in range(max(total, warmup))]
    batch = X[:batch_size]
    clock = time.perf_counter
    with threadpool_limits(limits=1):
        for row in rows[:warmup]:
            model.predict(row)
        times = []
        for row in rows[:total]:
            start = clock()
            model.predict(row)
            times.append(clock() - start)
        model.predict(batch)
        batch_times = []
        for _ in range(batch_repeats):
            start = clock()
            model.predict(batch)
            batch_times.append(clock() - start)
    single_ms = np.array(times) * 1e3
    per_round = np.percentile(single_ms.reshape(rounds, n_requests), [50, 99], axis=1)
    return Latency(tuple(float(t) for t in single_ms), float(np.median(per_round[0])), float(np.median(per_round[1])),
                   float(np.median(batch_times) * 1e3), len(batch), rounds, tuple(float(p) for p in per_round[1]))


@dataclass(frozen=True)
class ModelResult:
    """One model's numbers. Only ``name``, ``accuracy`` and ``p99_ms`` matter to :func:`choose_model`."""

    name: str
    accuracy: float                   # share of held-out rows predicted right, 0..1
    p99_ms: float                     # single-request p99 latency, ms
    p50_ms: float = math.nan          # single-request median latency, ms
    batch_ms: float = math.nan        # one predict call on ``batch_size`` rows, ms
    batch_size: int = BATCH_SIZE
    macro_f1: float = math.nan
    train_s: float = math.nan         # one fit, seconds
    size_bytes: int = 0               # len(pickle.dumps(model))
    interpretability: str = ""
    latency: Latency | None = field(default=None, repr=False)

    @property
    def per_row_us(self) -> float:
        """Cost of one row inside a batch, in microseconds."""
        return self.batch_ms * 1000.0 / self.batch_size


#: The budgets a person would type, ms.
NICE_BUDGETS_MS = (0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000)
DEFAULT_MIN_QUALITY = 0.97


def default_budget(results, min_quality: float = DEFAULT_MIN_QUALITY) -> float:
    """A first budget that the simplest good-enough model meets with room to spare, whatever the machine.

    The smallest of :data:`NICE_BUDGETS_MS` that is at least twice the p99 of the simplest model with
    ``accuracy >= min_quality`` (of the most accurate model when none is), at least 2 ms: on a busy
    machine the latencies grow, and so does the first budget, so a first visit never opens on "no model
    meets both".

    Examples
    --------
    >>> R = ModelResult
    >>> default_budget([R("a", 0.96, 0.4), R("b", 0.98, 3.1)], 0.97), default_budget([R("a", 0.98, 0.4)], 0.97)
    (10, 2)
    """
    results = list(results)
    good = [r for r in results if r.accuracy >= min_quality] or [max(results, key=lambda r: r.accuracy)]
    floor = max(2.0, 2 * good[0].p99_ms)
    return next((b for b in NICE_BUDGETS_MS if b >= floor), NICE_BUDGETS_MS[-1])


def check_constraints(budget_ms: float, min_quality: float) -> tuple[float, float]:
    """Validate a latency budget (ms, p99 of one request) and a minimum quality (a share, 0 to 1).

    Examples
    --------
    >>> check_constraints(2, 0.95)
    (2.0, 0.95)
    >>> check_constraints(0, 0.95)
    Traceback (most recent call last):
    ...
    ValueError: The latency budget must be more than 0 ms (it is the p99 time of one request).
    >>> check_constraints(2, 95)
    Traceback (most recent call last):
    ...
    ValueError: The minimum quality is a share of correct predictions: a number from 0 to 1, e.g. 0.95.
    """
    try:
        budget, quality = float(budget_ms), float(min_quality)
    except (TypeError, ValueError):
        raise ValueError("Type the latency budget and the minimum quality as numbers.") from None
    if not budget > 0 or math.isinf(budget):
        raise ValueError("The latency budget must be more than 0 ms (it is the p99 time of one request).")
    if not 0 <= quality <= 1:
        raise ValueError("The minimum quality is a share of correct predictions: a number from 0 to 1, e.g. 0.95.")
    return budget, quality


@dataclass(frozen=True)
class ModelChoice:
    """The outcome of :func:`choose_model`: the pick, what each model meets, and the nearest options."""

    budget_ms: float
    min_quality: float
    results: tuple                    # ModelResult, simplest first
    chosen: ModelResult | None
    good_enough: dict                 # name -> accuracy >= min_quality
    fast_enough: dict                 # name -> p99 <= budget
    #: With no pick: the fastest model that meets the bar (raise the budget to its p99) ...
    nearest_by_budget: ModelResult | None = None
    #: ... and the most accurate model within the budget (lower the bar to its accuracy).
    nearest_by_quality: ModelResult | None = None

    def verdict(self, name: str) -> str:
        """Whether model ``name`` fits: "meets both", "too slow", "not accurate enough" or both failures."""
        good, fast = self.good_enough[name], self.fast_enough[name]
        return ("meets both" if good and fast else "too slow" if good else "not accurate enough" if fast
                else "too slow and not accurate enough")

    def say(self, n_test: int | None = None) -> str:
        """The "what to say in the interview" sentence, built from the numbers."""
        on = f" on {n_test:,} held-out digits" if n_test else ""
        head = f"a p99 budget of {format_ms(self.budget_ms)} ms per request and a minimum accuracy of {self.min_quality:.3f}"
        best = max(self.results, key=lambda r: r.accuracy)
        c = self.chosen
        if c is not None:
            text = (f"With {head}, I would ship {c.name}: the simplest of the {len(self.results)} models that meets "
                    f"both, with accuracy {c.accuracy:.3f}{on}, p50 {format_ms(c.p50_ms)} ms and p99 {format_ms(c.p99_ms)} ms "
                    f"for one request, {format_ms(c.batch_ms)} ms for a batch of {c.batch_size} ({format_us(c.per_row_us)} µs a "
                    f"row), {format_kb(c.size_bytes)} kB pickled, trained in {format_s(c.train_s)} s.")
            if best.accuracy > c.accuracy:
                text += (f" The most accurate, {best.name}, would add {best.accuracy - c.accuracy:.3f} of accuracy "
                         f"at p99 {format_ms(best.p99_ms)} ms and {format_kb(best.size_bytes)} kB: only worth it if that gain "
                         "matters more than the extra serving cost and the harder debugging.")
            else:
                text += " It is also the most accurate here, so nothing more complex earns its place."
        else:
            text = f"No model meets both {head}."
            options = []
            if self.nearest_by_budget is not None:
                r = self.nearest_by_budget
                options.append(f"raise the budget to {format_ms(r.p99_ms)} ms for {r.name} (accuracy {r.accuracy:.3f})")
            if self.nearest_by_quality is not None:
                r = self.nearest_by_quality
                options.append(f"lower the bar to {r.accuracy:.3f} for {r.name} (p99 {format_ms(r.p99_ms)} ms)")
            if options:
                text += " The closest options: " + ", or ".join(options) + "."
            if not any(self.good_enough.values()):
                text += (f" None reaches the bar: the best is {best.name} at {best.accuracy:.3f}, so more data or "
                         "better features are the next step, not a bigger model.")
            if not any(self.fast_enough.values()):
                fastest = min(self.results, key=lambda r: r.p99_ms)
                text += (f" None answers within the budget: the fastest is {fastest.name} at p99 "
                         f"{format_ms(fastest.p99_ms)} ms, so batching, caching or faster hardware come first.")
        return text + (" Latencies are in-process times on this machine, one thread, one request at a time: "
                       "re-measure on the serving hardware before committing.")


def choose_model(results: Sequence[ModelResult], budget_ms: float, min_quality: float) -> ModelChoice:
    """Pick the simplest model whose p99 latency is within the budget and whose accuracy meets the bar.

    ``results`` must be ordered simplest first; the first one with ``p99_ms <= budget_ms`` and
    ``accuracy >= min_quality`` is chosen. With no such model, the choice is ``None`` and the two
    nearest options are given: the fastest model that meets the bar (what the budget would have
    to be) and the most accurate model within the budget (what the bar would have to be).

    Raises ``ValueError`` for a budget that is not above 0 ms or a quality outside 0..1.

    Examples
    --------
    >>> rs = [ModelResult("linear", 0.95, 0.2), ModelResult("trees", 0.98, 3.0), ModelResult("net", 0.97, 0.5)]
    >>> choose_model(rs, budget_ms=1.0, min_quality=0.9).chosen.name
    'linear'
    >>> choose_model(rs, budget_ms=1.0, min_quality=0.96).chosen.name
    'net'
    >>> c = choose_model(rs, budget_ms=0.3, min_quality=0.97)
    >>> c.chosen, c.nearest_by_budget.name, c.nearest_by_quality.name
    (None, 'net', 'linear')
    """
    budget, quality = check_constraints(budget_ms, min_quality)
    results = tuple(results)
    if not results:
        raise ValueError("There are no models to choose from.")
    good = {r.name: r.accuracy >= quality for r in results}
    fast = {r.name: r.p99_ms <= budget for r in results}
    chosen = next((r for r in results if good[r.name] and fast[r.name]), None)
    by_budget = by_quality = None
    if chosen is None:
        meeting_bar = [r for r in results if good[r.name]]
        within_budget = [r for r in results if fast[r.name]]
        by_budget = min(meeting_bar, key=lambda r: r.p99_ms) if meeting_bar else None
        by_quality = max(within_budget, key=lambda r: r.accuracy) if within_budget else None
    return ModelChoice(budget, quality, results, chosen, good, fast, by_budget, by_quality)


@dataclass(frozen=True)
class ModelChoiceStudy:
    """The four fitted models, their held-out predictions and their measured numbers."""

    description: str
    X_test: np.ndarray
    y_test: np.ndarray
    models: dict                      # name -> fitted estimator, simplest first
    predictions: dict                 # name -> predicted labels on X_test
    results: tuple                    # ModelResult, simplest first

    def result(self, name: str) -> ModelResult:
        return next(r for r in self.results if r.name == name)

    def choose(self, budget_ms: float, min_quality: float) -> ModelChoice:
        return choose_model(self.results, budget_ms, min_quality)

    def say(self, budget_ms: float, min_quality: float) -> str:
        return self.choose(budget_ms, min_quality).say(len(self.y_test))

    def remeasured(self) -> "ModelChoiceStudy":
        """A copy with every model's latencies measured again (quality, size and training time kept)."""
        results = tuple(_with_latency(r, measure_latency(self.models[r.name], self.X_test)) for r in self.results)
        return replace(self, results=results)


def _with_latency(result: ModelResult, lat: Latency) -> ModelResult:
    return replace(result, p50_ms=lat.p50_ms, p99_ms=lat.p99_ms, batch_ms=lat.batch_ms,
                   batch_size=lat.batch_size, latency=lat)


@lru_cache(maxsize=1)
def model_choice_study() -> ModelChoiceStudy:
    """Train the four models once on the digits, score them and measure them (a second or two).

    Examples
    --------
    >>> s = model_choice_study()
    >>> [r.name for r in s.results] == list(MODEL_NAMES), len(s.y_test)
    (True, 540)
    """
    from sklearn.datasets import load_digits
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import train_test_split
    from threadpoolctl import threadpool_limits

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
    models, predictions, results = {}, {}, []
    for name, model in make_candidates().items():
        with threadpool_limits(limits=1):
            start = time.perf_counter()
            model.fit(X_train, y_train)
            train_s = time.perf_counter() - start
            pred = model.predict(X_test)
        models[name], predictions[name] = model, pred
        result = ModelResult(name, float(accuracy_score(y_test, pred)), math.nan,
                             macro_f1=float(f1_score(y_test, pred, average="macro")), train_s=train_s,
                             size_bytes=len(pickle.dumps(model)), interpretability=INTERPRETABILITY[name])
        results.append(_with_latency(result, measure_latency(model, X_test)))
    description = (f"{len(y):,} handwritten digits (8x8 grey pixels, 10 balanced classes) bundled with "
                   f"scikit-learn; trained on a stratified {len(y_train):,}, scored on the other {len(y_test):,}")
    return ModelChoiceStudy(description, X_test, y_test, models, predictions, tuple(results))


def format_sig3(x: float) -> str:
    """Three significant figures without an exponent (0.000123, 0.456, 12.3, 4,567)."""
    if not math.isfinite(x) or x == 0:
        return f"{x:g}"
    decimals = max(0, 2 - math.floor(math.log10(abs(x))))
    return f"{x:,.{decimals}f}"


def format_ms(x: float) -> str:
    """Milliseconds, three significant figures."""
    return format_sig3(x)


def format_us(x: float) -> str:
    """Microseconds, three significant figures."""
    return format_sig3(x)


def format_s(x: float) -> str:
    """Seconds, three significant figures."""
    return format_sig3(x)


def format_kb(n_bytes: int) -> str:
    """Kilobytes (1 kB = 1,000 bytes) with one decimal."""
    return f"{n_bytes / 1000:,.1f}"
