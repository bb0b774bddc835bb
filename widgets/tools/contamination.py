"""Contamination between training and validation: the same model scored after a random split and
after an honest split (by source, or by time), then on rows it has truly never seen.

Two generated data sets, shipped in ``data/`` (see ``data/README.md``):

- ``reviews by author`` (:func:`make_author_reviews`): product reviews, each labelled fake or
  genuine. An author writes many reviews, each carries the author's habits (account age, posting
  hour, length, punctuation), and whether a review is fake depends mostly on the author. A random
  split puts one author's reviews on both sides, so a flexible model recognises the author instead
  of learning what a fake review looks like. The honest split is by author (scikit-learn's
  ``GroupShuffleSplit``); the final test is on authors never seen in development.
- ``deliveries over time`` (:func:`make_daily_deliveries`): food deliveries, labelled late or on
  time, over 360 days. Hidden conditions (traffic, weather, courier supply) drift from day to day,
  and the order date is a feature. A random split lets the model read a day's conditions from
  orders of the same and neighbouring days, later ones included. The honest split is by time
  (train before a cut-off day, validate after it); the final test is the 90 days after development.

Conventions: the score is ROC AUC on held-out rows (0.5 = chance, 1 = perfect ranking; computed
with :func:`sklearn.metrics.roc_auc_score`). The *gap* is random-split validation AUC minus
honest-split validation AUC, in AUC units (0.10 = ten points). Both splits of one setting use the
same seed, so they differ only in how rows are grouped. Everything is seeded and deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from widgets.practice.data import data_path

REVIEWS_FILE = "reviews_by_author.csv.gz"
DELIVERIES_FILE = "deliveries_by_day.csv.gz"
DATASETS = ("reviews by author", "deliveries over time")
MODELS = ("random forest", "logistic regression")
#: How precisely the deliveries model may know the order date: name -> days per bucket (0 = not at all).
DATE_RESOLUTIONS = {"day": 1, "week": 7, "month": 30, "not given": 0}
HELD_OUT_RANGE = (0.1, 0.5)

#: Authors 0..DEV_AUTHORS-1 form the development pool; the rest are the unseen authors of the final test.
DEV_AUTHORS = 2400
MAX_REVIEWS_PER_AUTHOR = 12
#: Days 0..DEV_DAYS-1 are development; the rest are the "future" of the final test.
DEV_DAYS = 270
REVIEW_FEATURES = ["account_age_days", "hour", "words", "exclamations", "stars"]
DELIVERY_FEATURES = ["day", "weekday", "hour", "distance_km", "items"]


def _gzip_csv(frame: pd.DataFrame, path) -> None:
    """Write ``frame`` as a gzip CSV whose bytes do not depend on the time of writing."""
    frame.to_csv(path, index=False, compression={"method": "gzip", "mtime": 0})


# --------------------------------------------------------------------------------------------
# generators
# --------------------------------------------------------------------------------------------
def reviews_per_dev_author(n_rows: int = DEV_AUTHORS, cap: int = MAX_REVIEWS_PER_AUTHOR) -> np.ndarray:
    """How many reviews each development author writes: ``min(cap, n_rows // (i + 1))`` for author ``i``.

    The long tail (a few prolific authors, many who wrote once) is chosen so that for every ``k``
    from 1 to ``cap``, keeping up to ``k`` reviews from each of the first ``ceil(n_rows / k)``
    authors gives at least ``n_rows`` reviews: the explorer changes how many reviews each author
    contributes and keeps the number of rows.

    Examples
    --------
    >>> reviews_per_dev_author(12, cap=4).tolist()
    [4, 4, 4, 3, 2, 2, 1, 1, 1, 1, 1, 1]
    """
    i = np.arange(n_rows)
    return np.minimum(cap, n_rows // (i + 1))


def make_author_reviews(n_test_authors: int = 600, fake_author_share: float = 0.35,
                        fake_when_fake_author: float = 0.95, fake_when_genuine: float = 0.03,
                        reviews_per_author: int | None = None, seed: int = 5) -> pd.DataFrame:
    """Generate product reviews labelled fake (1) or genuine (0), many per author.

    Each author is a fake-review account with probability ``fake_author_share``; a fake account's
    review is fake with probability ``fake_when_fake_author``, a genuine author's with
    ``fake_when_genuine``, so the label is largely the author's. Each author has habits drawn at
    random and unrelated to the label (the signature): account age, usual posting hour, usual
    length, punctuation and rating. Fake accounts are also somewhat younger, and fake reviews are a
    little shorter, louder and more often five stars: the signal a model should learn.

    Authors ``0..DEV_AUTHORS-1`` are the development pool with :func:`reviews_per_dev_author`
    reviews each; the next ``n_test_authors`` write 1 to 12 reviews and are only used as the final
    test. ``reviews_per_author`` instead gives every author that many reviews (1 = independent rows).

    Returns a DataFrame with columns ``author, account_age_days, hour, words, exclamations, stars,
    fake``.

    Examples
    --------
    >>> df = make_author_reviews()
    >>> len(df), df["author"].nunique(), round(float(df["fake"].mean()), 2)
    (9677, 3000, 0.36)
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    if reviews_per_author is None:
        counts = np.concatenate([reviews_per_dev_author(),
                                 np.minimum(MAX_REVIEWS_PER_AUTHOR, rng.geometric(0.25, n_test_authors))])
    else:
        counts = np.full(DEV_AUTHORS + n_test_authors, int(reviews_per_author))
    n_authors = counts.size
    fake_author = rng.random(n_authors) < fake_author_share
    # the author's signature: habits a model can recognise the author by
    age = rng.lognormal(6.0, 0.9, n_authors) * np.where(fake_author, 0.55, 1.0)
    usual_hour = rng.uniform(0, 24, n_authors)
    usual_words = rng.normal(4.0, 0.5, n_authors) - 0.2 * fake_author
    loudness = rng.lognormal(-0.5, 0.7, n_authors)
    generosity = rng.normal(0, 0.8, n_authors)

    author = np.repeat(np.arange(n_authors), counts)
    nth = np.concatenate([np.arange(c) for c in counts])   # the author's n-th review
    n = author.size
    fake = np.where(fake_author[author], rng.random(n) < fake_when_fake_author,
                    rng.random(n) < fake_when_genuine).astype(int)
    frame = pd.DataFrame({
        "author": author,
        "account_age_days": np.round(age[author] + 9 * nth).astype(int),
        "hour": np.floor(usual_hour[author] + rng.normal(0, 1.2, n)).astype(int) % 24,
        "words": np.round(np.exp(usual_words[author] + rng.normal(0, 0.3, n) - 0.25 * fake)).astype(int) + 1,
        "exclamations": rng.poisson(loudness[author] * (1 + 0.8 * fake)),
        "stars": np.clip(np.round(3.7 + generosity[author] + rng.normal(0, 0.7, n) + 0.9 * fake), 1, 5).astype(int),
        "fake": fake,
    })
    return frame


def make_daily_deliveries(n_days: int = 360, orders_per_day: int = 10, seed: int = 10) -> pd.DataFrame:
    """Generate food-delivery orders over ``n_days`` days, labelled late (1) or on time (0).

    Each day has hidden conditions ``c`` (traffic, weather, couriers on shift) that drift slowly:
    ``c_t = z_t + N(0, 0.3^2)`` with ``z_t = 0.95 z_(t-1) + N(0, 0.35^2)``, so neighbouring days are
    alike; the city's lateness also trends upwards (``trend`` from -0.5 to 0.5 over the period).
    An order is late with probability ``sigmoid(-3.2 + 0.45 distance_km + 1.3 rush_hour + 0.2 items
    + 0.6 weekend + 1.5 c_day + trend_day)``, rush hour being 11:00-13:59 and 18:00-20:59.
    The order's ``day`` (0 = first day) and ``weekday`` (5, 6 = weekend) are features; ``c`` is not.

    Returns a DataFrame with columns ``day, weekday, hour, distance_km, items, late``.

    Examples
    --------
    >>> df = make_daily_deliveries()
    >>> len(df), int(df["day"].max()), round(float(df["late"].mean()), 2)
    (3600, 359, 0.3)
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    drift = np.zeros(n_days)
    z = 0.0
    for t in range(n_days):
        z = 0.95 * z + rng.normal(0, 0.35)
        drift[t] = z
    conditions = drift + rng.normal(0, 0.3, n_days)
    trend = np.linspace(-0.5, 0.5, n_days)
    day = np.repeat(np.arange(n_days), orders_per_day)
    n = day.size
    hour = rng.integers(8, 23, n)
    distance = np.round(rng.gamma(2.0, 2.0, n), 1)
    items = rng.integers(1, 8, n)
    rush = ((hour >= 11) & (hour <= 13)) | ((hour >= 18) & (hour <= 20))
    weekend = (day % 7) >= 5
    logit = -3.2 + 0.45 * distance + 1.3 * rush + 0.2 * items + 0.6 * weekend + 1.5 * conditions[day] + trend[day]
    late = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(int)
    return pd.DataFrame({"day": day, "weekday": day % 7, "hour": hour, "distance_km": distance,
                         "items": items, "late": late})


def write_data_files(folder) -> None:
    """Regenerate both shipped files into ``folder`` (the repository's ``data/``)."""
    from pathlib import Path

    folder = Path(folder)
    _gzip_csv(make_author_reviews(), folder / REVIEWS_FILE)
    _gzip_csv(make_daily_deliveries(), folder / DELIVERIES_FILE)


@lru_cache(maxsize=2)
def load_dataset(name: str) -> pd.DataFrame:
    """Read one shipped data set by its explorer name (see :data:`DATASETS`)."""
    import pandas as pd

    check_dataset(name)
    return pd.read_csv(data_path(REVIEWS_FILE if name == DATASETS[0] else DELIVERIES_FILE))


# --------------------------------------------------------------------------------------------
# validation of inputs
# --------------------------------------------------------------------------------------------
def check_dataset(name: str) -> str:
    """Return ``name`` if it is a known data set, else raise a readable ``ValueError``.

    Examples
    --------
    >>> check_dataset("tweets")
    Traceback (most recent call last):
    ...
    ValueError: Unknown data set 'tweets'; choose 'reviews by author' or 'deliveries over time'.
    """
    if name not in DATASETS:
        raise ValueError(f"Unknown data set {name!r}; choose {' or '.join(repr(d) for d in DATASETS)}.")
    return name


def check_held_out(share) -> float:
    """The validation share as a float in :data:`HELD_OUT_RANGE`, or a readable ``ValueError``.

    Examples
    --------
    >>> check_held_out(0.25)
    0.25
    >>> check_held_out(0.9)
    Traceback (most recent call last):
    ...
    ValueError: The held-out share must be between 10% and 50% of the development rows.
    """
    low, high = HELD_OUT_RANGE
    try:
        share = float(share)
    except (TypeError, ValueError):
        share = float("nan")
    if not low - 1e-9 <= share <= high + 1e-9:
        raise ValueError(f"The held-out share must be between {low:.0%} and {high:.0%} of the development rows.")
    return round(share, 4)


def _check_choice(value, options, what: str):
    if value not in options:
        raise ValueError(f"Unknown {what} {value!r}; choose one of: {', '.join(map(str, options))}.")
    return value


def _check_reviews_per_author(k) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= MAX_REVIEWS_PER_AUTHOR:
        raise ValueError(f"Reviews per author must be a whole number from 1 to {MAX_REVIEWS_PER_AUTHOR}.")
    return int(k)


# --------------------------------------------------------------------------------------------
# the comparison
# --------------------------------------------------------------------------------------------
def make_model(name: str):
    """A fresh, small scikit-learn classifier: a 20-tree random forest or a scaled logistic regression.

    The forest grows deep trees (leaves of 3 rows or more, every feature considered at each split),
    so it can memorise a source's signature; logistic regression can only draw one straight boundary.

    Examples
    --------
    >>> type(make_model("random forest")).__name__
    'RandomForestClassifier'
    """
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    _check_choice(name, MODELS, "model")
    if name == "random forest":
        return RandomForestClassifier(n_estimators=20, min_samples_leaf=3, max_features=None, random_state=0,
                                      n_jobs=1)
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def _auc(model, X, y) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, model.predict_proba(X)[:, 1]))


def compare_splits(X, y, X_test, y_test, held_out: float = 0.2, model: str = "random forest", *,
                   groups=None, times=None, repeats: int = 3, seed: int = 0) -> dict:
    """Validate the same model after a random split and after an honest split, then test it.

    Parameters
    ----------
    X, y : development features and 0/1 labels.
    X_test, y_test : rows from unseen sources or a later period (the truth the validation predicts).
    held_out : share of development rows held out for validation (0.1 to 0.5).
    model : one of :data:`MODELS`.
    groups : the source of each row; the honest split keeps every source on one side
        (``GroupShuffleSplit``, ``held_out`` of the sources).
    times : the time of each row; the honest split trains before a cut-off and validates on the
        rows at or after it (the latest ``held_out`` of the rows). Give ``groups`` or ``times``.
    repeats : how many random and group splits to average (a cut-off in time has only one).
    seed : the random state of the splits; the random and the group split use the same one.

    Returns
    -------
    dict with ``random`` and ``honest`` (validation ROC AUC, mean over the repeats), ``gap``
    (random - honest, AUC units), ``test`` (ROC AUC on ``X_test`` of the model refitted on all
    development rows, as one would ship it), and the sizes ``n_dev``, ``n_validation_random``,
    ``n_validation_honest``, ``n_test`` (rows).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 3)); y = (X[:, 0] + rng.normal(size=400) > 0).astype(int)
    >>> r = compare_splits(X[:300], y[:300], X[300:], y[300:], 0.2, "logistic regression",
    ...                    groups=np.arange(300))
    >>> r["n_validation_random"], r["n_validation_honest"], r["random"] > 0.7
    (60, 60, True)
    """
    from sklearn.model_selection import GroupShuffleSplit, ShuffleSplit

    held_out = check_held_out(held_out)
    _check_choice(model, MODELS, "model")
    if (groups is None) == (times is None):
        raise ValueError("Give either the source of each row (groups) or its time (times).")
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    rows = np.arange(len(y))

    def mean_auc(splits):
        aucs, n_val = [], 0
        for train, val in splits:
            train, val = np.sort(train), np.sort(val)   # row order must not matter, only membership
            aucs.append(_auc(make_model(model).fit(X[train], y[train]), X[val], y[val]))
            n_val = len(val)
        return float(np.mean(aucs)), n_val

    random_auc, n_val = mean_auc(ShuffleSplit(repeats, test_size=held_out, random_state=seed).split(X))
    if groups is not None:
        honest_auc, n_val_h = mean_auc(GroupShuffleSplit(repeats, test_size=held_out, random_state=seed)
                                       .split(X, y, np.asarray(groups)))
    else:
        times = np.asarray(times)
        cut = np.sort(times)[int(round(len(times) * (1 - held_out)))]
        honest_auc, n_val_h = mean_auc([(rows[times < cut], rows[times >= cut])])
    test_auc = _auc(make_model(model).fit(X, y), np.asarray(X_test, dtype=float), np.asarray(y_test))
    return {"random": random_auc, "honest": honest_auc, "gap": random_auc - honest_auc, "test": test_auc,
            "n_dev": len(y), "n_validation_random": n_val, "n_validation_honest": n_val_h,
            "n_test": len(y_test)}


@dataclass(frozen=True)
class ContaminationStudy:
    """One setting's scores, with what the honest split was and the sentence for the interview."""

    dataset: str
    model: str
    held_out: float
    knob: object               # reviews per author, or the date resolution
    scores: dict               # from compare_splits
    n_sources: int             # authors in development, or days in development
    honest_name: str           # "split by author" / "split by time"
    test_name: str             # "unseen authors" / "the next 90 days"
    detail: str                # a line describing the rows used

    @property
    def kind(self) -> str:
        """``"group"`` or ``"time"``: which honest split this data set needs."""
        return "group" if self.dataset == DATASETS[0] else "time"

    def honest_verdict(self) -> str:
        """Which validation score lands nearer the final test score."""
        s = self.scores
        return "honest" if abs(s["honest"] - s["test"]) <= abs(s["random"] - s["test"]) else "random"

    def say(self) -> str:
        s = self.scores
        # + 0.0 turns a rounded -0.0 into 0.0, so the sentence never says "-0.000"
        random_off, honest_off = (round(s[name] - s["test"], 3) + 0.0 for name in ("random", "honest"))
        points = round(100 * s["gap"])
        if s["gap"] >= 0.02:
            head = (f"The random split inflates validation ROC AUC by {s['gap']:.3f} ({points} points): "
                    f"{s['random']:.3f} against {s['honest']:.3f} with a {self.honest_name}, ")
        else:
            head = (f"Here the random split and the {self.honest_name} agree within {abs(s['gap']):.3f} AUC "
                    f"({s['random']:.3f} and {s['honest']:.3f}), ")
        nearer = (f"the {self.honest_name} was the honest estimate" if self.honest_verdict() == "honest" else
                  "this time the random split landed nearer")
        text = (head + f"and the {self.model} scores {s['test']:.3f} on {self.test_name}: the random split "
                f"was off by {random_off:+.3f} and the {self.honest_name} by {honest_off:+.3f}, so {nearer}.")
        if self.knob == 1:
            text += (" With one review per author a split by author is a random split: there is no author to "
                     "recognise across the two sides, so the two scores are the same.")
        elif self.knob == "not given":
            text += (" The model is not given the date, so it cannot place an order in time and the random "
                     "split has little to exploit: the leak needs both a random split and a feature that tells "
                     "the time (a date, a running count, a rolling average).")
        elif self.kind == "group":
            text += (" Reviews from one author share habits and mostly share the label, so a random split lets "
                     "the model recognise the author instead of learning what a fake review looks like. Split by "
                     "the author (GroupKFold or GroupShuffleSplit on the account id), as production only ever "
                     "meets new authors' reviews with what it learned from others.")
        else:
            text += (" Orders of one day share that day's hidden conditions, and a random split trains on the "
                     "same and later days, so the model interpolates between neighbours it will never have in "
                     "production. Validate on the most recent period after a cut-off (or TimeSeriesSplit), and "
                     "build features only from data available before each prediction time.")
        return text


def contamination_study(dataset: str = DATASETS[0], held_out: float = 0.2, model: str = "random forest",
                        reviews_per_author: int = MAX_REVIEWS_PER_AUTHOR, date_resolution: str = "day"
                        ) -> ContaminationStudy:
    """Compare a random split with the honest one on a shipped data set, for one set of controls.

    ``reviews_per_author`` (1 to 12) applies to ``"reviews by author"``: the development set is
    always 2,400 reviews, from 2,400 authors writing one each up to 200 authors writing twelve each,
    so only the grouping changes. ``date_resolution`` (see :data:`DATE_RESOLUTIONS`) applies to
    ``"deliveries over time"``: the order date is given to the model per day, per week, per month
    (rounded down) or not at all. Results are cached per setting.

    Examples
    --------
    >>> s = contamination_study("reviews by author", 0.2, "random forest", reviews_per_author=12)
    >>> s.scores["gap"] > 0.05, s.n_sources
    (True, 200)
    """
    check_dataset(dataset)
    held_out = check_held_out(held_out)
    _check_choice(model, MODELS, "model")
    if dataset == DATASETS[0]:
        knob = _check_reviews_per_author(reviews_per_author)
    else:
        knob = _check_choice(date_resolution, tuple(DATE_RESOLUTIONS), "date resolution")
    return _study(dataset, held_out, model, knob)


@lru_cache(maxsize=256)
def _study(dataset: str, held_out: float, model: str, knob) -> ContaminationStudy:
    frame = load_dataset(dataset)
    if dataset == DATASETS[0]:
        test = frame[frame["author"] >= DEV_AUTHORS]
        dev = frame[frame["author"] < DEV_AUTHORS]
        n_authors = -(-DEV_AUTHORS // knob)
        dev = dev[dev["author"] < n_authors].groupby("author").head(knob).iloc[:DEV_AUTHORS]
        scores = compare_splits(dev[REVIEW_FEATURES], dev["fake"], test[REVIEW_FEATURES], test["fake"],
                                held_out, model, groups=dev["author"])
        return ContaminationStudy(
            dataset, model, held_out, knob, scores, n_authors, "split by author",
            f"unseen authors ({test['author'].nunique():,} authors, {len(test):,} reviews)",
            f"{len(dev):,} development reviews from {n_authors:,} authors ({knob} each"
            + (")" if len(dev) == n_authors * knob else ", the last one fewer)"))

    bucket = DATE_RESOLUTIONS[knob]
    day = frame["day"]
    if bucket:   # the model sees the date rounded down to its bucket; the splits use the true day
        frame = frame.assign(day=day // bucket * bucket)
        features = DELIVERY_FEATURES
    else:
        features = [f for f in DELIVERY_FEATURES if f != "day"]
    dev, test = frame[day < DEV_DAYS], frame[day >= DEV_DAYS]
    scores = compare_splits(dev[features], dev["late"], test[features], test["late"], held_out, model,
                            times=day[day < DEV_DAYS])
    n_test_days = int(day.max()) + 1 - DEV_DAYS
    known = "not at all" if not bucket else "to the day" if bucket == 1 else f"to the {knob}"
    return ContaminationStudy(
        dataset, model, held_out, knob, scores, DEV_DAYS, "split by time", f"the next {n_test_days} days",
        f"{len(dev):,} development orders over {DEV_DAYS} days; the model knows the order date {known}")
