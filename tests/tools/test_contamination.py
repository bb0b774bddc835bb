"""The contamination study (tools/contamination): the shipped data equal their generators, the gap between a random
split and a split by author or time is real on grouped rows and nil on independent ones (moved from tests/test_splits.py)."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupShuffleSplit, train_test_split

from widgets.practice.data import data_path
from widgets.tools import contamination as S


@pytest.mark.parametrize("name, generator", [(S.REVIEWS_FILE, S.make_author_reviews),
                                             (S.DELIVERIES_FILE, S.make_daily_deliveries)])
def test_the_shipped_file_is_what_the_generator_makes(name, generator):
    path = data_path(name)
    assert path.stat().st_size < 200_000
    pd.testing.assert_frame_equal(generator(), pd.read_csv(path), check_dtype=False)


def test_every_reviews_per_author_setting_has_2400_development_rows():
    counts = S.reviews_per_dev_author()
    for k in range(1, S.MAX_REVIEWS_PER_AUTHOR + 1):
        authors = -(-S.DEV_AUTHORS // k)
        assert np.minimum(counts[:authors], k).sum() >= S.DEV_AUTHORS
        assert S.contamination_study("reviews by author", 0.2, "logistic regression", k).scores["n_dev"] == 2400


def test_the_review_label_is_mostly_the_authors():
    df = S.load_dataset("reviews by author")
    per_author = df[df["author"] < 200].groupby("author")["fake"].mean()   # authors with 12 reviews
    assert (np.maximum(per_author, 1 - per_author) >= 0.75).mean() > 0.9
    assert 0.3 < df["fake"].mean() < 0.45


def test_the_gap_is_clearly_positive_on_grouped_reviews_and_the_group_split_is_honest():
    s = S.contamination_study("reviews by author", 0.2, "random forest", reviews_per_author=12)
    assert s.scores["gap"] > 0.08
    assert s.honest_verdict() == "honest"
    assert abs(s.scores["honest"] - s.scores["test"]) < 0.03
    assert "inflates validation ROC AUC by 0.1" in s.say()


def test_the_gap_grows_with_reviews_per_author():
    gaps = [S.contamination_study("reviews by author", 0.2, "random forest", reviews_per_author=k).scores["gap"]
            for k in (1, 4, 12)]
    assert gaps[0] == 0.0 and gaps[0] < gaps[1] < gaps[2]   # one review each: both splits are the same split


def test_the_gap_is_near_zero_on_independent_rows():
    df = S.make_author_reviews(reviews_per_author=1, seed=11).sample(frac=1.0, random_state=3)
    dev, test = df[df["author"] < S.DEV_AUTHORS], df[df["author"] >= S.DEV_AUTHORS]
    r = S.compare_splits(dev[S.REVIEW_FEATURES], dev["fake"], test[S.REVIEW_FEATURES], test["fake"], 0.2,
                         "random forest", groups=dev["author"])
    assert abs(r["gap"]) < 0.03 and abs(r["random"] - r["test"]) < 0.04


def test_a_random_split_leaks_the_future_only_when_the_model_can_tell_the_time():
    by_day = S.contamination_study("deliveries over time", 0.2, "random forest", date_resolution="day")
    blind = S.contamination_study("deliveries over time", 0.2, "random forest", date_resolution="not given")
    assert by_day.scores["gap"] > 0.08 and abs(blind.scores["gap"]) < 0.03
    assert by_day.honest_verdict() == "honest"
    assert by_day.scores["n_validation_honest"] == 540 and by_day.scores["n_test"] == 900   # the last 54 of 270 days


def test_scores_match_a_direct_scikit_learn_computation():
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(100), 5)
    X = rng.normal(size=(500, 3)) + rng.normal(size=(100, 3))[groups]
    y = (X[:, 0] + rng.normal(size=500) > 0).astype(int)
    r = S.compare_splits(X[:400], y[:400], X[400:], y[400:], 0.25, "random forest", groups=groups[:400],
                         repeats=1, seed=4)

    def auc(train, val):
        train, val = np.sort(train), np.sort(val)
        model = RandomForestClassifier(n_estimators=20, min_samples_leaf=3, max_features=None, random_state=0)
        return roc_auc_score(y[val], model.fit(X[train], y[train]).predict_proba(X[val])[:, 1])

    train, val = train_test_split(np.arange(400), test_size=0.25, random_state=4)
    assert r["random"] == pytest.approx(auc(train, val))
    train, val = next(GroupShuffleSplit(1, test_size=0.25, random_state=4).split(X[:400], y[:400], groups[:400]))
    assert r["honest"] == pytest.approx(auc(train, val))
    assert r["gap"] == pytest.approx(r["random"] - r["honest"]) and r["n_validation_honest"] == 100


def test_a_time_split_validates_only_on_rows_after_the_cut():
    t = np.arange(100)
    X = np.column_stack([t, np.sin(t)])
    y = (np.arange(100) % 3 == 0).astype(int)
    r = S.compare_splits(X, y, X, y, 0.3, "logistic regression", times=t[::-1])   # latest rows come first
    assert r["n_validation_honest"] == 30
    model = S.make_model("logistic regression").fit(X[30:], y[30:])
    assert r["honest"] == pytest.approx(roc_auc_score(y[:30], model.predict_proba(X[:30])[:, 1]))


@pytest.mark.parametrize("kwargs, message", [
    ({"held_out": 0.05}, "between 10% and 50%"),
    ({"held_out": 0.9}, "between 10% and 50%"),
    ({"held_out": "lots"}, "between 10% and 50%"),
    ({"dataset": "tweets"}, "Unknown data set 'tweets'"),
    ({"model": "deep net"}, "Unknown model 'deep net'"),
    ({"reviews_per_author": 0}, "whole number from 1 to 12"),
    ({"reviews_per_author": 2.5}, "whole number from 1 to 12"),
    ({"dataset": "deliveries over time", "date_resolution": "year"}, "Unknown date resolution 'year'"),
])
def test_bad_inputs_are_readable_messages(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        S.contamination_study(**kwargs)


def test_compare_splits_needs_groups_or_times():
    with pytest.raises(ValueError, match="groups"):
        S.compare_splits(np.zeros((10, 1)), np.arange(10) % 2, np.zeros((4, 1)), [0, 1, 0, 1])

