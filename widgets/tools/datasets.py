"""Data sets the step-4 explorers evaluate on, all generated here or shipped with scikit-learn.

- :func:`make_recommendation_interactions` writes ``data/recsys_interactions.csv.gz`` (see
  ``data/README.md``); :func:`load_recommendation_benchmark` turns it into ranked candidate lists
  with graded relevance and the scores of three rankers (random, popularity, a matrix
  factorisation learned with scikit-learn's ``TruncatedSVD``).
- :func:`load_classification` gives a real data set shipped with scikit-learn (breast cancer
  diagnosis) or a fraud-like one with an adjustable share of positives.
- :func:`make_group_data` gives a scored population with a group attribute for the fairness explorer.

Everything is seeded: the same call returns the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from widgets.practice.data import data_path

RECSYS_FILE = "recsys_interactions.csv.gz"
N_CANDIDATES = 100


def make_recommendation_interactions(n_users: int = 4000, n_items: int = 600, seed: int = 7):
    """Generate a music-style interaction log: who played what, in a training and a test period.

    Items have Zipf-like popularity and a taste vector; users have a taste vector. Each event is
    either a *browse* (an item drawn by popularity alone; a shallow engagement, grade 1) or a
    *taste* event (an item drawn by how well it fits the user's taste; a deep engagement, grade 2,
    or 3 for the user's closest matches). Training events keep only that they happened; test
    events keep their grade. Returns a pandas DataFrame with columns ``user, item, split, grade``.
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    dim = 8
    popularity = 1.0 / np.arange(1, n_items + 1) ** 0.8
    popularity = rng.permutation(popularity)
    popularity /= popularity.sum()
    item_taste = rng.normal(size=(n_items, dim))
    item_taste /= np.linalg.norm(item_taste, axis=1, keepdims=True)
    user_taste = rng.normal(size=(n_users, dim))
    user_taste /= np.linalg.norm(user_taste, axis=1, keepdims=True)
    affinity = user_taste @ item_taste.T                       # cosine, in [-1, 1]
    taste_prob = np.exp(6.0 * affinity)
    taste_prob /= taste_prob.sum(axis=1, keepdims=True)
    top_cut = np.quantile(affinity, 0.97, axis=1)              # a user's closest 3% of items

    rows = []
    for split, n_events in (("train", 24), ("test", 8)):
        browse = rng.random((n_users, n_events)) < 0.55
        by_pop = rng.choice(n_items, size=(n_users, n_events), p=popularity)
        cum = np.cumsum(taste_prob, axis=1)
        by_taste = (cum[:, None, :] < rng.random((n_users, n_events, 1))).sum(axis=2).clip(max=n_items - 1)
        items = np.where(browse, by_pop, by_taste)
        aff = np.take_along_axis(affinity, items, axis=1)
        grade = np.where(browse, 1, np.where(aff >= top_cut[:, None], 3, 2))
        users = np.repeat(np.arange(n_users), n_events)
        rows.append(pd.DataFrame({"user": users, "item": items.ravel(), "split": split, "grade": grade.ravel()}))
    log = pd.concat(rows, ignore_index=True)
    # one row per (user, item, split): the deepest engagement counts
    log = log.groupby(["user", "item", "split"], as_index=False)["grade"].max()
    return log.sort_values(["split", "user", "item"], ignore_index=True)


@dataclass(frozen=True)
class RecommendationBenchmark:
    """Candidate lists per user with graded test relevance and each ranker's scores."""

    relevance: np.ndarray          # (n_users, N_CANDIDATES), 0 to 3
    items: np.ndarray              # the item id of each candidate
    scores: dict                   # ranker name -> (n_users, N_CANDIDATES) scores
    n_items: int


@lru_cache(maxsize=1)
def load_recommendation_benchmark(seed: int = 11) -> RecommendationBenchmark:
    """Build the evaluation lists from ``data/recsys_interactions.csv.gz``.

    Each user's candidates are their test items plus items they never played in training, drawn
    at random, up to :data:`N_CANDIDATES`. Rankers: ``random``; ``popularity`` (training plays of
    the item); ``matrix factorisation`` (a 16-factor ``TruncatedSVD`` of the user-item matrix of
    the training period's deep engagements, grade 2 or more, scoring ``u . v``).
    """
    import pandas as pd
    from scipy.sparse import csr_matrix
    from sklearn.decomposition import TruncatedSVD

    log = pd.read_csv(data_path(RECSYS_FILE))
    n_users = int(log["user"].max()) + 1
    n_items = int(log["item"].max()) + 1
    train = log[log["split"] == "train"]
    test = log[log["split"] == "test"]
    plays = csr_matrix((np.ones(len(train)), (train["user"], train["item"])), shape=(n_users, n_items))
    test_grade = np.zeros((n_users, n_items))
    test_grade[test["user"], test["item"]] = test["grade"]
    test_grade[plays.nonzero()] = 0                              # already played: not a discovery

    rng = np.random.default_rng(seed)
    blocked = plays.toarray() > 0
    noise = rng.random((n_users, n_items))
    # rank test items first, then unplayed items in random order; played items last
    priority = np.where(test_grade > 0, 2.0, np.where(blocked, -1.0, 0.0)) + noise
    items = np.argsort(-priority, axis=1)[:, :N_CANDIDATES]
    items = np.take_along_axis(items, rng.permuted(np.tile(np.arange(N_CANDIDATES), (n_users, 1)), axis=1), axis=1)
    relevance = np.take_along_axis(test_grade, items, axis=1)

    popularity = np.asarray(plays.sum(axis=0)).ravel()
    deep = train[train["grade"] >= 2]
    deep_plays = csr_matrix((np.ones(len(deep)), (deep["user"], deep["item"])), shape=(n_users, n_items))
    svd = TruncatedSVD(n_components=16, random_state=0)
    user_f = svd.fit_transform(deep_plays)
    affinity = user_f @ svd.components_
    scores = {
        "random": rng.random(items.shape),
        "popularity": popularity[items] + rng.random(items.shape) * 1e-3,  # break ties at random
        "matrix factorisation": np.take_along_axis(affinity, items, axis=1),
    }
    return RecommendationBenchmark(relevance, items, scores, n_items)


@lru_cache(maxsize=8)
def load_classification(name: str = "breast cancer", positive_share: float = 0.02, seed: int = 0):
    """Return ``(X, y, description)`` for the threshold and calibration explorers.

    ``"breast cancer"``: scikit-learn's Wisconsin diagnostic data (569 tumours, 30 features),
    positive = malignant. ``"fraud-like"``: 20,000 synthetic transactions from
    ``make_classification`` with ``positive_share`` of them fraudulent, exactly: no labels are flipped
    at random (random flips would add positives and make the share a lie), and the classes overlap
    (``class_sep=0.9``), so the model still errs. The description states the share the data have.
    """
    from sklearn.datasets import load_breast_cancer, make_classification

    if name == "breast cancer":
        data = load_breast_cancer()
        y = (data.target == 0).astype(int)   # scikit-learn codes malignant as 0
        return data.data, y, "569 tumours from scikit-learn's breast cancer data; positive = malignant"
    if name == "fraud-like":
        if not 0.001 <= positive_share <= 0.5:
            raise ValueError("The share of fraud must be between 0.1% and 50%.")
        X, y = make_classification(n_samples=20_000, n_features=12, n_informative=6, n_redundant=2,
                                   weights=[1 - positive_share], flip_y=0.0, class_sep=0.9,
                                   random_state=seed)
        return X, y, f"{y.size:,} synthetic transactions, {y.mean():.1%} fraudulent"
    raise ValueError(f"Unknown data set {name!r}; choose 'breast cancer' or 'fraud-like'.")


@lru_cache(maxsize=2)
def make_group_data(n: int = 6000, seed: int = 3):
    """A scored population with a group attribute: ``(scores, y_true, groups)``.

    Group ``A`` (70%) has a 30% base rate and a well-separating score; group ``B`` (30%) has a 15%
    base rate and a noisier score, as when a model has seen less data from a minority group.
    Scores are probabilities from a logistic model fitted with scikit-learn on one shared feature
    set, so a single threshold treats the groups differently.
    """
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    groups = np.where(rng.random(n) < 0.7, "A", "B")
    base = np.where(groups == "A", 0.30, 0.15)
    y = (rng.random(n) < base).astype(int)
    signal = np.where(groups == "A", 1.6, 0.9)
    X = np.column_stack([y * signal + rng.normal(size=n), y * signal * 0.5 + rng.normal(size=n),
                         (groups == "B").astype(float)])
    half = n // 2
    model = LogisticRegression().fit(X[:half], y[:half])
    scores = model.predict_proba(X[half:])[:, 1]
    return scores, y[half:], groups[half:]
