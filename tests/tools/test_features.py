"""Feature processing (tools/features, tools/bands): imputation and bands checked by hand on tiny frames, feature
counts, the leak of naive target encoding (moved from tests/test_features.py)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score

from widgets.practice.data import data_path
from widgets.tools import features as F


def tiny_loans():
    return pd.DataFrame({
        "debt_to_income": [10.0, np.nan, 30.0, 50.0],
        "credit_history_months": [12.0, 24.0, 36.0, 48.0],
        "income": [20_000.0, 30_000.0, 40_000.0, 90_000.0],
        "loan_purpose": ["car", "car", "medical", "holiday"],
        "merchant_id": ["M1", "M2", "M2", "M3"],
    })


def test_the_shipped_loans_are_what_the_generator_makes():
    path = data_path(F.FEATURES_FILE)
    shipped = pd.read_csv(path)
    pd.testing.assert_frame_equal(F.make_loan_applications(), shipped, check_dtype=False)
    assert path.stat().st_size < 1_000_000
    assert shipped["merchant_id"].nunique() > 500 and shipped["loan_purpose"].nunique() == 6
    assert set(shipped["defaulted"]) == {0, 1}
    assert shipped["income"].skew() > 2                          # worth cutting into bands
    assert shipped[list(F.WITH_GAPS)].isna().mean().between(0.05, 0.3).all()
    assert shipped["income"].notna().all()


def test_the_gaps_are_not_missing_at_random():
    facts = F.missing_facts()
    for column in F.WITH_GAPS:
        assert facts.rate_missing[column] > 1.5 * facts.rate_present[column]


@pytest.mark.parametrize("missing, expected", [
    ("mean", [[10.0], [30.0], [30.0], [50.0]]),
    ("median", [[10.0], [30.0], [30.0], [50.0]]),
])
def test_imputation_fills_the_gap_with_the_training_statistic(missing, expected):
    frame = tiny_loans()
    imputer = F.build_pipeline(missing, None, "one-hot").named_steps["features"].transformers[0][1][0]
    assert isinstance(imputer, SimpleImputer)
    filled = imputer.fit_transform(frame[["debt_to_income"]])
    np.testing.assert_allclose(filled, expected)   # mean and median of 10, 30, 50 are both 30
    skewed = imputer.fit_transform(pd.DataFrame({"x": [1.0, 2.0, 9.0, np.nan]}))
    assert skewed[3, 0] == (4.0 if missing == "mean" else 2.0)


def test_the_indicator_adds_one_column_per_column_with_gaps():
    frame = tiny_loans()
    gaps = F.build_pipeline("median + indicator", None, "one-hot").named_steps["features"].transformers[0][1]
    imputed = gaps[0].fit_transform(frame[list(F.WITH_GAPS)])
    # debt_to_income (median 30), credit history (no gap), then the indicator of debt_to_income only
    np.testing.assert_allclose(imputed, [[10, 12, 0], [30, 24, 1], [30, 36, 0], [50, 48, 0]])


def test_whole_feature_matrix_of_a_tiny_frame_counts_by_hand():
    frame, y = tiny_loans(), np.array([0, 1, 0, 1])
    counts = {}
    for missing, bands, encoding in [("median", None, "one-hot"), ("median + indicator", 2, "one-hot"),
                                     ("median", None, "hashing"), ("median", 3, "naive target encoding (leaks)")]:
        features = F.build_pipeline(missing, bands, encoding, n_buckets=8).named_steps["features"]
        counts[(missing, bands, encoding)] = features.fit_transform(frame, y).shape[1]
    # 2 gap columns, income (1 or the bands), 3 purposes, then the merchant
    assert counts[("median", None, "one-hot")] == 2 + 1 + 3 + 3
    assert counts[("median + indicator", 2, "one-hot")] == 3 + 2 + 3 + 3
    assert counts[("median", None, "hashing")] == 2 + 1 + 3 + 8
    assert counts[("median", 3, "naive target encoding (leaks)")] == 2 + 3 + 3 + 1


def test_bands_are_named_and_cut_by_hand():
    assert F.band_edges([10_000, 20_000, 30_000, 40_000, 50_000], 2).tolist() == [30_000]
    edges = [25_000, 50_000, 100_000]
    assert F.band_names(edges) == ["under $25k", "$25k to $50k", "$50k to $100k", "$100k and over"]
    bands = F.income_bands([24_999, 25_000, 49_900, 50_000, 250_000], edges)
    assert bands.tolist() == ["under $25k", "$25k to $50k", "$25k to $50k", "$50k to $100k", "$100k and over"]
    # close quantiles that round to the same $1k are merged: fewer bands, never an empty name
    assert F.band_edges([30_100, 30_200, 30_300, 30_400], 4).tolist() == [30_000]


def test_named_bands_transformer_agrees_with_pandas_cut():
    income = F.loan_split()[0]["income"].to_numpy()
    step = F.NamedBands(6).fit(income[:, None])
    onehot = step.transform(income[:, None])
    assert onehot.shape == (income.size, 6) and (onehot.sum(axis=1) == 1).all()
    cut = F.income_bands(income, step.edges_)
    assert [step.names_[i] for i in onehot.argmax(axis=1)] == cut.tolist()
    shares = onehot.mean(axis=0)
    assert shares.min() > 0.12 and shares.max() < 0.22          # about a sixth each


def test_naive_target_encoding_by_hand_and_folded_one_differs_on_training_rows():
    X, y = np.array([["a"], ["a"], ["b"], ["b"], ["b"]], dtype=object), np.array([1, 0, 1, 1, 0])
    naive = F.NaiveTargetEncoder().fit(X, y)
    np.testing.assert_allclose(naive.fit_transform(X, y).ravel(), [0.5, 0.5, 2 / 3, 2 / 3, 2 / 3])
    assert naive.transform(np.array([["z"]], dtype=object))[0, 0] == pytest.approx(0.6)
    X_train, _, y_train, _ = F.loan_split()
    merchants = X_train[["merchant_id"]]
    folded = F._folded_target_encoder()
    out_of_fold = folded.fit_transform(merchants, y_train)
    in_sample = folded.transform(merchants)
    assert not np.allclose(out_of_fold, in_sample)               # cross-fitted on the training rows
    np.testing.assert_allclose(F._folded_target_encoder().fit_transform(merchants, y_train), out_of_fold)


def test_feature_counts_are_exact():
    X_train = F.loan_split()[0]
    purposes, merchants = X_train["loan_purpose"].nunique(), X_train["merchant_id"].nunique()
    assert F.fit_choice("median", None, "one-hot").n_features == 2 + 1 + purposes + merchants
    assert F.fit_choice("median + indicator", 5, "one-hot").n_features == 4 + 5 + purposes + merchants
    assert F.fit_choice("median", None, "hashing", 32).n_features == 2 + 1 + purposes + 32
    assert F.fit_choice("median", None, "target encoding (5 folds)").n_features == 2 + 1 + purposes + 1
    assert F.fit_choice("mean", 3, "naive target encoding (leaks)").n_features == 2 + 3 + purposes + 1


def test_validation_auc_is_scikit_learns_on_the_held_out_rows():
    _, X_val, _, y_val = F.loan_split()
    r = F.fit_choice("median + indicator", 5, "target encoding (5 folds)")
    assert r.validation_auc == pytest.approx(roc_auc_score(y_val, r.pipeline.predict_proba(X_val)[:, 1]))
    assert r.n_training_rows == 7000


def test_dropping_rows_trains_on_complete_rows_only():
    X_train = F.loan_split()[0]
    complete = int(X_train[list(F.WITH_GAPS)].notna().all(axis=1).sum())
    assert F.fit_choice("drop rows", None, "one-hot").n_training_rows == complete < 7000


@pytest.mark.parametrize("encoding", ["one-hot", "target encoding (5 folds)"])
def test_the_missing_indicator_helps_because_the_gaps_are_informative(encoding):
    plain = F.fit_choice("median", 5, encoding).validation_auc
    assert F.fit_choice("median + indicator", 5, encoding).validation_auc > plain + 0.01
    assert F.fit_choice("drop rows", 5, encoding).validation_auc < F.fit_choice("median + indicator", 5, encoding).validation_auc


def test_named_bands_beat_the_raw_skewed_income_in_a_linear_model():
    assert F.fit_choice("median", 5, "one-hot").validation_auc > F.fit_choice("median", None, "one-hot").validation_auc + 0.01


def test_naive_target_encoding_leaks_and_the_folded_one_does_not():
    folded = F.fit_choice("median + indicator", 5, "target encoding (5 folds)")
    naive = F.fit_choice("median + indicator", 5, "naive target encoding (leaks)")
    assert naive.gap > 0.05 and abs(folded.gap) < 0.03
    assert naive.gap > folded.gap + 0.05
    assert naive.training_auc > folded.training_auc and naive.validation_auc < folded.validation_auc


def test_more_hash_buckets_mean_more_features_and_fewer_collisions():
    few, many = F.fit_choice("median", None, "hashing", 4), F.fit_choice("median", None, "hashing", 1024)
    assert many.n_features - few.n_features == 1020
    assert many.validation_auc > few.validation_auc


def test_fits_are_cached_and_deterministic():
    a = F.fit_choice("mean", 4, "target encoding (5 folds)")
    assert F.fit_choice("mean", 4.0, "target encoding (5 folds)") is a
    again = F._fit.__wrapped__("mean", 4, "target encoding (5 folds)", None)
    assert again.validation_auc == a.validation_auc and again.training_auc == a.training_auc


@pytest.mark.parametrize("call, message", [
    (lambda: F.check_bands(1), "income bands"),
    (lambda: F.check_bands(2.5), "income bands"),
    (lambda: F.check_bands(21), "income bands"),
    (lambda: F.check_buckets(1), "hash buckets"),
    (lambda: F.check_buckets("many"), "hash buckets"),
    (lambda: F.compare_encodings("median", None, 0), "hash buckets"),
    (lambda: F.fit_choice("zero", None, "one-hot"), "missing values"),
    (lambda: F.fit_choice("median", None, "label encoding"), "encoding for the merchant"),
])
def test_bad_choices_are_short_messages(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_say_quotes_the_numbers():
    text = F.say("median", 5, "naive target encoding (leaks)", 64)
    naive = F.fit_choice("median", 5, "naive target encoding (leaks)")
    assert f"{naive.training_auc:.3f}" in text and f"{naive.validation_auc:.3f}" in text and f"{naive.gap:.3f}" in text
    assert f"{naive.n_features} features" in text

