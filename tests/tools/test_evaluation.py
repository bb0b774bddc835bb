"""The step-4 studies (tools/ranking, calibration, threshold) against independent references: scikit-learn and
hand computation (moved from tests/test_explorers.py)."""

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from widgets.practice.data import data_path
from widgets.tools.calibration import calibration_study
from widgets.tools.datasets import RECSYS_FILE, load_recommendation_benchmark, make_recommendation_interactions
from widgets.tools.ranking import parse_grades, ranker_curves


def test_the_shipped_interaction_log_is_what_the_generator_makes():
    shipped = pd.read_csv(data_path(RECSYS_FILE))
    pd.testing.assert_frame_equal(make_recommendation_interactions(), shipped, check_dtype=False)
    assert shipped["user"].nunique() == 4000 and set(shipped["grade"]) == {1, 2, 3}


def test_ranker_benchmark_shape_and_a_real_disagreement():
    bench = load_recommendation_benchmark()
    assert bench.relevance.shape == (4000, 100) and set(bench.scores) == {"random", "popularity", "matrix factorisation"}
    curves = ranker_curves()
    assert curves.winners(1) == ("popularity", "matrix factorisation")
    assert curves.disagreements(), "the data set should show precision@k and ndcg@k ranking the rankers differently"
    assert all(curves.precision["random"] < curves.precision["popularity"])  # the baseline beats the floor


@pytest.mark.parametrize("method", ["sigmoid (Platt)", "isotonic", "temperature"])
def test_every_recalibration_improves_naive_bayes_on_held_out_data(method):
    study = calibration_study()
    assert study.evaluate("naive Bayes", method, 10, "uniform")["ece"] < study.evaluate("naive Bayes", "none", 10, "uniform")["ece"]


def test_parse_grades_rejects_long_lists():
    with pytest.raises(ValueError, match="20 positions"):
        parse_grades(" ".join(["1"] * 21))



def test_the_trivial_baselines_match_scikit_learn():
    from widgets.tools.threshold import threshold_study

    s = threshold_study("fraud-like", 0.02)
    base = s.baselines(1.0, 10.0)
    everybody, nobody = np.ones_like(s.y), np.zeros_like(s.y)
    assert base["flag everybody"]["f1"] == pytest.approx(skm.f1_score(s.y, everybody))
    assert base["flag everybody"]["precision"] == pytest.approx(skm.precision_score(s.y, everybody))
    assert base["flag nobody"]["f1"] == skm.f1_score(s.y, nobody, zero_division=0) == 0.0
    assert base["flag everybody"]["cost"] == (s.y == 0).sum() * 1.0 and base["flag nobody"]["cost"] == s.y.sum() * 10.0
