"""The feature explorer (views/features): its table and chart follow the encoding and the other controls (moved from
tests/test_features.py)."""

import re

import pytest

from widgets.tools import features as F
from widgets.views.features import FeatureExplorer


def cell(html_text, css_class):
    return float(re.search(rf"class='{css_class}'>(-?[0-9.]+)", html_text).group(1))


def test_explorer_shows_the_fitted_numbers_and_follows_the_encoding():
    w = FeatureExplorer()
    r = F.fit_choice("median", None, "one-hot")
    assert cell(w.numbers.value, "mlsd-val-auc") == round(r.validation_auc, 3)
    assert cell(w.numbers.value, "mlsd-train-auc") == round(r.training_auc, 3)
    assert cell(w.numbers.value, "mlsd-n-features") == r.n_features
    assert w.comparison.value.count("mlsd-cmp-val-auc") == 4
    assert "mlsd-enc-one-hot mlsd-current" in w.comparison.value
    png = w.chart.value
    w.encoding.value = "naive target encoding (leaks)"
    naive = F.fit_choice("median", None, "naive target encoding (leaks)")
    assert cell(w.numbers.value, "mlsd-n-features") == 2 + 1 + 6 + 1
    assert cell(w.numbers.value, "mlsd-train-auc") - cell(w.numbers.value, "mlsd-val-auc") == pytest.approx(naive.gap, abs=2e-3)
    assert "mlsd-enc-naive mlsd-current" in w.comparison.value and w.chart.value != png
    assert f"{naive.validation_auc:.3f} on held-out ones" in w.say.value


def test_explorer_indicator_and_bands_raise_the_validation_score():
    w = FeatureExplorer(encoding="target encoding (5 folds)")
    before = cell(w.numbers.value, "mlsd-val-auc")
    w.missing.value = "median + indicator"
    with_indicator = cell(w.numbers.value, "mlsd-val-auc")
    assert with_indicator > before and cell(w.numbers.value, "mlsd-n-features") == 2 + 2 + 1 + 6 + 1
    w.binning.value = "named bands"
    w.n_bands.value = 4
    assert cell(w.numbers.value, "mlsd-val-auc") > with_indicator
    assert cell(w.numbers.value, "mlsd-n-features") == 4 + 4 + 6 + 1
    assert w.about.value.count(" to $") == 2 and "and over" in w.about.value


def test_explorer_bad_numbers_are_messages_and_keep_the_last_good_table():
    w = FeatureExplorer(encoding="hashing", buckets=16)
    table, comparison = w.numbers.value, w.comparison.value
    w.n_buckets.value = 1
    assert "hash buckets" in w.message.value and w.numbers.value == table and w.comparison.value == comparison
    w.n_buckets.value = 256
    assert w.message.value == "" and cell(w.numbers.value, "mlsd-n-features") == 2 + 1 + 6 + 256
    good = w.numbers.value
    w.n_bands.value = 1                                # not used while income stays a raw number
    assert w.message.value == ""
    w.binning.value = "named bands"
    assert "income bands" in w.message.value and w.numbers.value == good
    w.binning.value = "raw number"                     # the bad number is no longer used
    assert w.message.value == "" and w.numbers.value == good

