"""Feature processing for step 2 (the data pipeline), with no widgets: missing values, named bands for a
skewed number, and four encodings of a high-cardinality category, each scored the same way.

The data are point-of-sale consumer loans (``data/loan_applications.csv.gz``, made by
:func:`make_loan_applications`): did the borrower default? Every choice builds one scikit-learn
``Pipeline`` (a ``ColumnTransformer`` of the feature steps, then a logistic regression), fitted on the
same stratified 70% training split and scored on the other 30%:

- **validation AUC**: ROC AUC (unitless, 0.5 = random order, 1 = perfect) of the predicted default
  probability on the held-out rows, from :func:`sklearn.metrics.roc_auc_score`;
- **training AUC**: the same metric on the training rows *as the model saw them when it was fitted*
  (the matrix ``fit_transform`` produced). For the folded target encoder that matrix holds
  out-of-fold encodings; for the naive one it holds encodings computed with each row's own label,
  which is the leak;
- **features**: the number of columns of that matrix, i.e. the number of weights the model learns
  (besides the intercept);
- **fit time**: wall-clock seconds of ``fit_transform`` plus the model's ``fit`` on this machine,
  measured once when the choice is first fitted (so it varies a little from run to run).

With ``"drop rows"`` the training rows with a gap are left out of the fit; the validation rows are
all scored (a live system cannot refuse an applicant), their gaps filled with the training median.

Each fit is cached, so moving back to a choice already seen costs nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from widgets.practice.data import data_path
from widgets.tools.bands import MAX_BANDS, MIN_BANDS, band_edges, band_names, check_bands, income_bands, whole_number  # noqa: F401

FEATURES_FILE = "loan_applications.csv.gz"
LABEL = "defaulted"
SKEWED = "income"
WITH_GAPS = ("debt_to_income", "credit_history_months")
LOW_CARDINALITY = "loan_purpose"
HIGH_CARDINALITY = "merchant_id"

MISSING_STRATEGIES = ("drop rows", "mean", "median", "median + indicator")
ENCODINGS = ("one-hot", "hashing", "target encoding (5 folds)", "naive target encoding (leaks)")
MIN_BUCKETS, MAX_BUCKETS = 2, 4096
VALIDATION_SHARE = 0.3
TARGET_FOLDS = 5

_PURPOSES = ("car", "home improvement", "debt consolidation", "education", "medical", "holiday")
_PURPOSE_SHARE = (0.25, 0.20, 0.25, 0.10, 0.10, 0.10)
_PURPOSE_LOGIT = (-0.3, -0.2, 0.3, 0.0, 0.2, 0.4)


# --------------------------------------------------------------------------------------------
# the data
# --------------------------------------------------------------------------------------------
def make_loan_applications(n: int = 10_000, n_merchants: int = 1000, seed: int = 5) -> pd.DataFrame:
    """Generate point-of-sale loan applications and whether each borrower defaulted.

    Columns: ``income`` (stated yearly income in dollars, log-normal, rounded to $100),
    ``debt_to_income`` (monthly debt payments as a percentage of income; missing when not declared),
    ``credit_history_months`` (age of the oldest credit account; missing when the credit bureau has
    no file), ``loan_purpose`` (6 levels), ``merchant_id`` (the retailer where the loan was taken, up
    to ``n_merchants`` levels, the r-th most popular drawn with weight ``1 / r**0.8``, so most
    merchants have only a handful of loans) and ``defaulted`` (0 or 1).

    The log-odds of default add: an income effect that falls by 2.5 from $22k to $45k and is flat
    outside (so raw income suits a linear model badly and bands suit it well); 0.04 per point of
    debt-to-income above 30; -0.004 per month of history above 90; 0.8 x an unobserved financial
    stress score; 1.0 for a thin credit file; a purpose effect; and a merchant effect drawn from
    N(0, 0.9). The gaps are *not* missing at random: debt-to-income goes undeclared with probability
    ``sigmoid(-2 + 1.3 x stress)``, and the history is missing exactly for thin files, so whether a
    value is missing predicts default.

    Examples
    --------
    >>> loans = make_loan_applications(n=500, seed=1)
    >>> loans.shape, sorted(loans["defaulted"].unique().tolist())
    ((500, 6), [0, 1])
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    income = np.maximum(np.round(np.exp(rng.normal(np.log(42_000), 0.8, n)), -2), 6_000)
    income_effect = -2.5 * np.clip((np.log(income) - np.log(22_000)) / (np.log(45_000) - np.log(22_000)), 0, 1)
    stress = rng.normal(size=n)
    dti = np.clip(30 + 9 * rng.normal(size=n) + 4 * stress, 1, 95)
    thin_file = rng.random(n) < 0.12
    history = np.round(np.clip(rng.gamma(3, 30, n), 6, 480))
    purpose = rng.choice(len(_PURPOSES), n, p=_PURPOSE_SHARE)
    popularity = 1.0 / np.arange(1, n_merchants + 1) ** 0.8
    merchant = rng.choice(n_merchants, n, p=popularity / popularity.sum())
    merchant_effect = rng.normal(0, 0.9, n_merchants)
    logit = (-1.2 + income_effect + 0.04 * (dti - 30) - 0.004 * (history - 90) + 0.8 * stress + 1.0 * thin_file
             + np.asarray(_PURPOSE_LOGIT)[purpose] + merchant_effect[merchant])
    defaulted = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(int)
    undeclared = rng.random(n) < 1.0 / (1.0 + np.exp(2.0 - 1.3 * stress))
    names = rng.permutation(n_merchants)
    return pd.DataFrame({
        "income": income,
        "debt_to_income": np.where(undeclared, np.nan, np.round(dti, 1)),
        "credit_history_months": np.where(thin_file, np.nan, history),
        "loan_purpose": np.asarray(_PURPOSES)[purpose],
        "merchant_id": [f"M{names[m]:04d}" for m in merchant],
        "defaulted": defaulted,
    })


@lru_cache(maxsize=1)
def load_loan_applications() -> pd.DataFrame:
    """The shipped ``data/loan_applications.csv.gz`` (what :func:`make_loan_applications` returns).

    Examples
    --------
    >>> load_loan_applications().shape
    (10000, 6)
    """
    import pandas as pd

    return pd.read_csv(data_path(FEATURES_FILE))


@lru_cache(maxsize=1)
def loan_split() -> tuple:
    """``(X_train, X_val, y_train, y_val)``: a stratified 70/30 split of the shipped loans (seed 0).

    Examples
    --------
    >>> X_train, X_val, y_train, y_val = loan_split()
    >>> len(X_train), len(X_val)
    (7000, 3000)
    """
    from sklearn.model_selection import train_test_split

    loans = load_loan_applications()
    X, y = loans.drop(columns=LABEL), loans[LABEL].to_numpy()
    return tuple(train_test_split(X, y, test_size=VALIDATION_SHARE, stratify=y, random_state=0))


# --------------------------------------------------------------------------------------------
# checking a choice
# --------------------------------------------------------------------------------------------
def check_buckets(n_buckets) -> int:
    """A whole number of hash buckets from 2 to 4096.

    Examples
    --------
    >>> check_buckets(64)
    64
    >>> check_buckets(1)
    Traceback (most recent call last):
    ...
    ValueError: The number of hash buckets must be a whole number from 2 to 4096.
    """
    return whole_number(n_buckets, MIN_BUCKETS, MAX_BUCKETS,
                        f"The number of hash buckets must be a whole number from {MIN_BUCKETS} to {MAX_BUCKETS}.")


def _check_missing(missing: str) -> str:
    if missing not in MISSING_STRATEGIES:
        raise ValueError("Choose how to handle missing values: " + ", ".join(MISSING_STRATEGIES) + ".")
    return missing


def _check_encoding(encoding: str) -> str:
    if encoding not in ENCODINGS:
        raise ValueError("Choose an encoding for the merchant: " + ", ".join(ENCODINGS) + ".")
    return encoding


# --------------------------------------------------------------------------------------------
# encodings of the high-cardinality column
# --------------------------------------------------------------------------------------------
def _as_token_lists(X):
    """One list of strings per row, the input :class:`~sklearn.feature_extraction.FeatureHasher` takes."""
    return [[str(v)] for v in np.asarray(X, dtype=object).ravel()]


def _folded_target_encoder():
    """scikit-learn's ``TargetEncoder`` (>= 1.3), cross-fitted on 5 shuffled stratified folds, seed 0."""
    import sklearn
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import TargetEncoder

    major, minor = (int(part) for part in sklearn.__version__.split(".")[:2])
    if (major, minor) >= (1, 9):   # shuffle and random_state moved into the splitter in 1.9
        return TargetEncoder(target_type="binary", cv=StratifiedKFold(TARGET_FOLDS, shuffle=True, random_state=0))
    return TargetEncoder(target_type="binary", cv=TARGET_FOLDS, shuffle=True, random_state=0)


def _merchant_step(encoding: str, n_buckets: int):
    from sklearn.feature_extraction import FeatureHasher
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

    if encoding == "one-hot":
        return OneHotEncoder(handle_unknown="ignore")
    if encoding == "hashing":
        return make_pipeline(FunctionTransformer(_as_token_lists),
                             FeatureHasher(n_features=n_buckets, input_type="string", alternate_sign=False))
    if encoding == "target encoding (5 folds)":
        return _folded_target_encoder()
    from widgets.tools.feature_transformers import NaiveTargetEncoder

    return NaiveTargetEncoder()


# --------------------------------------------------------------------------------------------
# the pipeline
# --------------------------------------------------------------------------------------------
def build_pipeline(missing: str = "median + indicator", n_bands: int | None = 5,
                   encoding: str = "target encoding (5 folds)", n_buckets: int = 64):
    """The scikit-learn ``Pipeline`` for one set of choices (unfitted).

    ``missing`` picks the ``SimpleImputer`` of the columns with gaps (``"drop rows"`` uses the
    median: it is only reached when scoring, because training rows with a gap are dropped before
    fitting); ``n_bands=None`` keeps the raw income (standardised), a number replaces it by that
    many named bands; ``encoding`` is how ``merchant_id`` becomes numbers. ``loan_purpose`` is always
    one-hot encoded. The model is ``LogisticRegression(solver="liblinear")`` (L2, C = 1),
    the fastest solver here on a thousand sparse one-hot columns.

    Examples
    --------
    >>> pipe = build_pipeline("median + indicator", 4, "one-hot")
    >>> [name for name, _, _ in pipe.named_steps["features"].transformers]
    ['gaps', 'income', 'purpose', 'merchant']
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    missing, encoding = _check_missing(missing), _check_encoding(encoding)
    n_bands = check_bands(n_bands)
    strategy = "mean" if missing == "mean" else "median"
    gaps = make_pipeline(SimpleImputer(strategy=strategy, add_indicator=missing == "median + indicator"),
                         StandardScaler())
    from widgets.tools.feature_transformers import NamedBands

    income = StandardScaler() if n_bands is None else NamedBands(n_bands)
    features = ColumnTransformer([
        ("gaps", gaps, list(WITH_GAPS)),
        ("income", income, [SKEWED]),
        ("purpose", OneHotEncoder(handle_unknown="ignore"), [LOW_CARDINALITY]),
        ("merchant", _merchant_step(encoding, check_buckets(n_buckets) if encoding == "hashing" else 2),
         [HIGH_CARDINALITY]),
    ])
    return Pipeline([("features", features), ("model", LogisticRegression(solver="liblinear", max_iter=2000))])


@dataclass(frozen=True)
class FeatureResult:
    """One fitted choice: its scores, the width of what the model sees, and what the fit cost."""

    missing: str
    n_bands: int | None
    encoding: str
    n_buckets: int | None
    validation_auc: float
    training_auc: float
    n_features: int
    fit_seconds: float
    n_training_rows: int
    pipeline: object

    @property
    def gap(self) -> float:
        """Training AUC minus validation AUC: how much the training score flatters the model."""
        return self.training_auc - self.validation_auc

    @property
    def label(self) -> str:
        """The encoding's name, with the bucket count for hashing."""
        return f"hashing ({self.n_buckets} buckets)" if self.encoding == "hashing" else self.encoding


def fit_choice(missing: str = "median + indicator", n_bands: int | None = 5,
               encoding: str = "target encoding (5 folds)", n_buckets: int = 64) -> FeatureResult:
    """Fit one choice on the training split and score it (cached; see the module docstring).

    Examples
    --------
    >>> r = fit_choice("median", None, "one-hot")
    >>> r.n_features == 2 + 1 + 6 + loan_split()[0]["merchant_id"].nunique()
    True
    """
    missing, encoding, n_bands = _check_missing(missing), _check_encoding(encoding), check_bands(n_bands)
    n_buckets = check_buckets(n_buckets) if encoding == "hashing" else None
    return _fit(missing, n_bands, encoding, n_buckets)


@lru_cache(maxsize=512)
def _fit(missing, n_bands, encoding, n_buckets) -> FeatureResult:
    from sklearn.metrics import roc_auc_score

    X_train, X_val, y_train, y_val = loan_split()
    if missing == "drop rows":
        complete = X_train[list(WITH_GAPS)].notna().all(axis=1).to_numpy()
        X_train, y_train = X_train[complete], y_train[complete]
    pipe = build_pipeline(missing, n_bands, encoding, n_buckets or 2)
    start = time.perf_counter()
    # Pipeline.fit does exactly these two calls; doing them here keeps the matrix the model was fitted on.
    seen = pipe.named_steps["features"].fit_transform(X_train, y_train)
    pipe.named_steps["model"].fit(seen, y_train)
    seconds = time.perf_counter() - start
    training_auc = roc_auc_score(y_train, pipe.named_steps["model"].predict_proba(seen)[:, 1])
    validation_auc = roc_auc_score(y_val, pipe.predict_proba(X_val)[:, 1])
    return FeatureResult(missing, n_bands, encoding, n_buckets, float(validation_auc), float(training_auc),
                         int(seen.shape[1]), seconds, int(len(y_train)), pipe)


def compare_encodings(missing: str = "median + indicator", n_bands: int | None = 5,
                      n_buckets: int = 64) -> list[FeatureResult]:
    """All four encodings of the merchant for one missing-values and binning choice, in :data:`ENCODINGS` order.

    Examples
    --------
    >>> [r.label for r in compare_encodings("median", None, 32)]  # doctest: +NORMALIZE_WHITESPACE
    ['one-hot', 'hashing (32 buckets)', 'target encoding (5 folds)', 'naive target encoding (leaks)']
    """
    check_buckets(n_buckets)
    return [fit_choice(missing, n_bands, encoding, n_buckets) for encoding in ENCODINGS]


# --------------------------------------------------------------------------------------------
# facts for the sentence
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MissingFacts:
    """Training-split default rates of the rows with and without each gap (shares, 0 to 1)."""

    share_missing: dict          # column -> share of training rows missing it
    rate_missing: dict           # column -> default rate among rows missing it
    rate_present: dict           # column -> default rate among rows that have it
    share_incomplete: float      # rows missing at least one value (what "drop rows" throws away)


@lru_cache(maxsize=1)
def missing_facts() -> MissingFacts:
    """How informative the gaps are, measured on the training split.

    Examples
    --------
    >>> f = missing_facts()
    >>> f.rate_missing["debt_to_income"] > f.rate_present["debt_to_income"]
    True
    """
    X_train, _, y_train, _ = loan_split()
    share, when_missing, when_present = {}, {}, {}
    for column in WITH_GAPS:
        gap = X_train[column].isna().to_numpy()
        share[column] = float(gap.mean())
        when_missing[column] = float(y_train[gap].mean())
        when_present[column] = float(y_train[~gap].mean())
    incomplete = float(X_train[list(WITH_GAPS)].isna().any(axis=1).mean())
    return MissingFacts(share, when_missing, when_present, incomplete)


def say(missing: str, n_bands: int | None, encoding: str, n_buckets: int) -> str:
    """The "say it in the interview" sentence for the current choice, built from the fitted numbers.

    It quotes the current choice's validation AUC, feature count and fit time, the best encoding, the
    naive target encoding's training and validation AUC with the folded one's gap, and the default
    rates of rows with and without each gap (:func:`missing_facts`).

    Examples
    --------
    >>> say("median", None, "one-hot", 64).startswith("With 'median' for the gaps and raw income")
    True
    """
    results = {r.encoding: r for r in compare_encodings(missing, n_bands, n_buckets)}
    current = results[encoding]
    folded, naive, onehot = (results["target encoding (5 folds)"], results["naive target encoding (leaks)"],
                             results["one-hot"])
    best = max(results.values(), key=lambda r: r.validation_auc)
    facts = missing_facts()
    bands = "raw income" if n_bands is None else f"income in {n_bands} named bands"
    text = (f"With '{missing}' for the gaps and {bands}, encoding the merchant by {current.label} gives validation "
            f"ROC AUC {current.validation_auc:.3f} from {current.n_features} features (fit {current.fit_seconds * 1000:.0f} ms). "
            f"The best encoding here is {best.label} at {best.validation_auc:.3f}; one-hot needs "
            f"{onehot.n_features} features for {onehot.validation_auc:.3f}, target encoding "
            f"{folded.n_features} for {folded.validation_auc:.3f}. ")
    text += (f"The naive target encoding scores {naive.training_auc:.3f} on its own training rows but "
             f"{naive.validation_auc:.3f} on held-out ones, a gap of {naive.gap:.3f} against {folded.gap:.3f} "
             "with folds: a merchant's average default rate computed over the same rows already contains each "
             "row's answer, so fit the encoder out of fold (or on a separate period). ")
    text += (f"Missing values are not random: borrowers with no debt-to-income declared default at "
             f"{facts.rate_missing['debt_to_income']:.0%} against {facts.rate_present['debt_to_income']:.0%}, "
             f"and those with no credit file at {facts.rate_missing['credit_history_months']:.0%} against "
             f"{facts.rate_present['credit_history_months']:.0%}, so keep a missing indicator instead of imputing "
             f"the signal away; dropping rows throws away {facts.share_incomplete:.0%} of training and cannot be "
             "done at serving time.")
    return text


def __getattr__(name):
    """``features.NamedBands`` and ``features.NaiveTargetEncoder`` live in :mod:`widgets.tools.feature_transformers`,
    which imports scikit-learn: loaded when first asked for, so importing this module stays light."""
    if name in ("NamedBands", "NaiveTargetEncoder"):
        from widgets.tools import feature_transformers

        return getattr(feature_transformers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
