"""The step-4 explorers (views/ranking, threshold, calibration, fairness): move a control in Python, check the numbers
shown against scikit-learn (moved from tests/test_explorers.py)."""

import re

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from widgets.tools.ranking import ranker_curves
from widgets.views.calibration import CalibrationExplorer
from widgets.views.fairness import FairnessExplorer
from widgets.views.ranking import ListExplorer, RankerExplorer
from widgets.views.threshold import ThresholdExplorer


def cell(html_text, css_class):
    return float(re.search(rf"class='{css_class}'>([0-9.]+)", html_text).group(1))


def test_list_explorer_numbers_match_scikit_learn_and_follow_k():
    w = ListExplorer("Many weak hits or one great hit", k=5)
    a, b = [1, 1, 1, 1, 0, 0, 0, 0, 0, 3], [3, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    ranks = np.arange(10, 0, -1)[None, :]
    assert cell(w.numbers.value, "mlsd-p-a") == 0.8 and cell(w.numbers.value, "mlsd-p-b") == 0.2
    assert cell(w.numbers.value, "mlsd-ndcg-b") == round(skm.ndcg_score([b], ranks, k=5), 3)
    assert "They disagree" in w.say.value
    first_png = w.chart.value
    w.k.value = 1
    assert cell(w.numbers.value, "mlsd-ndcg-a") == round(skm.ndcg_score([a], ranks, k=1), 3)
    assert w.chart.value != first_png


def test_list_explorer_bad_grades_are_a_message_and_ideal_button_works():
    w = ListExplorer()
    before = w.numbers.value
    w.list_a.value = "3 7 x"
    assert "whole numbers from 0 to 3" in w.message.value and w.numbers.value == before
    w.list_a.value = "0 1 3 2"
    w.ideal_button.click()
    assert w.list_b.value == "3 2 1 0" and cell(w.numbers.value, "mlsd-ndcg-b") == 1.0
    assert w.k.max == 4


def test_ranker_explorer_moves_with_k():
    w = RankerExplorer(k=10)
    curves = ranker_curves()
    assert f"{curves.precision['popularity'][9]:.3f}" in w.numbers.value
    w.k.value = 40
    assert f"{curves.ndcg['matrix factorisation'][39]:.3f}" in w.numbers.value and "k=40" in w.say.value


def test_threshold_explorer_shows_scikit_learn_numbers():
    w = ThresholdExplorer("breast cancer", threshold=0.5)
    s = w.study
    w.threshold.value = 0.3
    pred = (s.scores >= 0.3).astype(int)
    row = re.search(r"class='mlsd-row-0'>(.*?)</tr>", w.numbers.value).group(1)
    shown = [float(x) for x in re.findall(r"<td>([0-9.,]+)</td>", row)]
    assert shown[1] == round(skm.precision_score(s.y, pred), 3)
    assert shown[2] == round(skm.recall_score(s.y, pred), 3)
    assert shown[3] == round(skm.f1_score(s.y, pred), 3)
    assert f"ROC AUC {skm.roc_auc_score(s.y, s.scores):.3f}" in w.say.value


def test_threshold_explorer_costs_move_the_optimum_and_refit_on_the_share():
    w = ThresholdExplorer("fraud-like", positive_share=0.02, cost_fp=1, cost_fn=1)
    cheap_misses = w.study.optimal(1, 1)["threshold"]
    w.cost_fn.value = 50
    w.use_optimal.click()
    assert w.threshold.value <= cheap_misses  # costly misses lower the threshold
    w.share.value = 0.2
    assert "20.0% fraudulent" in w.about.value and abs(w.study.prevalence - 0.2) < 0.001


@pytest.mark.parametrize("typed, share", [("0.5%", 0.005), ("0.5", 0.005), ("0.5 %", 0.005), ("2 %", 0.02),
                                          ("30%", 0.3)])
def test_the_fraud_share_box_reads_percent_as_typed_and_states_the_datas_share(typed, share):
    w = ThresholdExplorer("fraud-like", positive_share=0.1)
    w.share.value = typed
    assert w.message.value == ""
    assert abs(w.study.prevalence - share) < 0.0005   # the held-out data have the share asked for
    assert f"{share:.1%} fraudulent" in w.about.value and f"Only {share:.1%} of cases are positive" in w.say.value


@pytest.mark.parametrize("typed, message", [("", "Fraud share is empty"), ("40%", "between 0.5% and 30%"),
                                            ("lots", "Fraud share must be a number")])
def test_a_bad_fraud_share_is_a_message_and_the_numbers_stay(typed, message):
    w = ThresholdExplorer("fraud-like", positive_share=0.02)
    before = w.numbers.value
    w.share.value = typed
    assert message in w.message.value and w.numbers.value == before and w.study.prevalence == pytest.approx(0.02)


def test_the_notebooks_claim_holds_roc_hardly_moves_while_precision_collapses():
    """Step 4's text says: with 0.5% and 20% fraud, ROC hardly moves while precision collapses."""
    from sklearn.metrics import average_precision_score

    rare, common = (ThresholdExplorer("fraud-like", positive_share=p).study for p in (0.005, 0.2))
    assert abs(rare.auc - common.auc) < 0.05
    assert average_precision_score(common.y, common.scores) - average_precision_score(rare.y, rare.scores) > 0.3


def test_calibration_explorer_matches_scikit_learn_bins():
    w = CalibrationExplorer("naive Bayes", "none", n_bins=10, strategy="uniform")
    study = w.study
    w.n_bins.value = 7
    w.strategy.value = "quantile"
    p = study.probabilities[("naive Bayes", "none")]
    prob_true, prob_pred = calibration_curve(study.y_test, p, n_bins=7, strategy="quantile")
    x, y = w._before.get_data()
    np.testing.assert_allclose(x, prob_pred, atol=1e-12)
    np.testing.assert_allclose(y, prob_true, atol=1e-12)
    assert cell(w.numbers.value, "mlsd-brier") == round(skm.brier_score_loss(study.y_test, p), 4)
    w.recalibration.value = "isotonic"
    eces = re.findall(r"class='mlsd-ece'>([0-9.]+)", w.numbers.value)
    assert len(eces) == 2 and float(eces[1]) < float(eces[0])  # recalibration helps naive Bayes


def test_fairness_explorer_shared_then_per_group_thresholds():
    w = FairnessExplorer(threshold=0.5)
    shared_gap = cell(w.numbers.value, "mlsd-eo-gap")
    s = w.study
    pred = (s.scores >= 0.5).astype(int)
    b = s.groups == "B"
    assert f"{skm.recall_score(s.y[b], pred[b]):.3f}" in w.numbers.value
    w.mode.value = "per-group thresholds"
    w.equalise.click()
    assert w.per_group["B"].value < 0.5
    assert cell(w.numbers.value, "mlsd-eo-gap") < shared_gap
    assert "Per-group thresholds" in w.say.value



def test_fairness_explorer_says_what_its_gaps_mean_and_the_numbers_follow_those_words():
    """The line under the table defines both gaps; the table's numbers are those definitions computed with
    scikit-learn: the largest difference in selection rate, and the larger of the TPR and FPR differences."""
    w = FairnessExplorer(threshold=0.5)
    assert "Demographic-parity gap: the largest difference in the share of each group selected" in w.numbers.value
    assert "Equalised-odds gap: the larger of the differences in true-positive rate and in false-positive" \
        in w.numbers.value
    s = w.study
    pred = (s.scores >= 0.5).astype(int)
    rates = {g: (pred[s.groups == g].mean(),
                 skm.recall_score(s.y[s.groups == g], pred[s.groups == g]),
                 1 - skm.recall_score(1 - s.y[s.groups == g], 1 - pred[s.groups == g]))
             for g in np.unique(s.groups)}
    spread = [max(r[i] for r in rates.values()) - min(r[i] for r in rates.values()) for i in range(3)]
    assert cell(w.numbers.value, "mlsd-dp-gap") == round(spread[0], 3)
    assert cell(w.numbers.value, "mlsd-eo-gap") == round(max(spread[1], spread[2]), 3)
