"""Robustness and sensitivity for step 4: perturb a trained classifier's test inputs and measure how many of
its decisions flip, how far its metric falls, and which inputs it leans on, against three baselines.

Two classifiers, each fitted once (cached) on a stratified 70% training split and scored on the other 30%:

- **loan default (tabular)**: the shipped point-of-sale loans (``data/loan_applications.csv.gz``, read by
  :func:`widgets.tools.features.loan_split`), five inputs (``income``, ``debt_to_income``,
  ``credit_history_months``, ``loan_purpose``, ``merchant_id``) into scikit-learn's
  ``HistGradientBoostingClassifier``, which takes missing values natively (a tree sends a gap to the side
  that fitted best), so a feature set to missing is something the model handles, not a crash. The purpose is
  a native categorical input; the merchant (about 1,000 levels) is target-encoded out of fold. A loan is
  declined when its predicted default probability is :data:`DECLINE_AT` (0.25) or more: the cheapest
  threshold when a default costs three times what a repaid loan earns, ``c_fp / (c_fp + c_fn) = 1 / 4``.
- **review text (text)**: :func:`make_reviews` writes short, seeded product reviews (no file, nothing
  downloaded) labelled positive (1) or negative (0); a TF-IDF of words into a logistic regression reads them;
  the decision threshold is 0.5.

Perturbations (``strength`` is the slider; every draw is seeded and the same at every strength, so a case
perturbed at strength ``s`` is perturbed at every strength above ``s``, and the curves are smooth):

- **noise**: ``x' = x + s * sd * z`` on each chosen numeric feature, ``sd`` its training standard deviation
  (pandas, ``ddof=1``), ``z ~ N(0, 1)``; ``s`` in standard deviations. A gap stays a gap.
- **missing feature**: the chosen features become missing (``NaN``) on a share ``s`` of the test rows.
- **shifted subgroup** (tabular): the chosen numeric features of one loan purpose's rows are multiplied by
  ``1 - s`` (e.g. incomes of debt-consolidation loans reported 30% low after a pipeline change).
- **typos**: each word gets one character edit (swap, delete, insert or substitute a letter) with probability
  ``s``; **token drops**: each word is removed with probability ``s``.
- **shifted subgroup** (text): in one product category's reviews each opinion word is swapped, with
  probability ``s``, for a synonym the model never saw in training (new slang, a new market).

Numbers (shares from 0 to 1, unitless): the **flip rate** is the share of test cases whose decision changes;
**ROC AUC** (:func:`widgets.tools.metrics.roc_auc`, equal to ``sklearn.metrics.roc_auc_score``) and
**accuracy** at the decision threshold, before and after, on the whole test set and on the shifted subgroup.
**Sensitivity** is ``sklearn.inspection.permutation_importance`` on the clean test set: the mean fall in ROC
AUC when one input's column is shuffled across rows (5 shuffles, ``random_state=0``; Breiman 2001, as in
scikit-learn's user guide, "Permutation feature importance"). For the text model the columns are the TF-IDF
weights of each word. Baselines, perturbed the same way: the **majority class** (``DummyClassifier``), a
**one-feature rule** (the depth-1 ``DecisionTreeClassifier`` on the single input whose stump has the best
training AUC) and a **random ranker** (uniform random scores, seed 0: AUC about 0.5, and no flip ever, since
it ignores its input).

Each perturbation is scored once and kept; a curve's 11 strengths are scored in one batch (one call of each
model on all of them), on one thread.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from widgets.tools import metrics as m
from widgets.tools.features import _PURPOSES as LOAN_PURPOSES

TABULAR, TEXT = "loan default (tabular)", "review text (text)"
DATASETS = (TABULAR, TEXT)
NOISE, MISSING, SHIFT, TYPOS, DROPS = "noise", "missing feature", "shifted subgroup", "typos", "token drops"
PERTURBATIONS = {TABULAR: (NOISE, MISSING, SHIFT), TEXT: (TYPOS, DROPS, SHIFT)}

NUMERIC = ("income", "debt_to_income", "credit_history_months")
CATEGORICAL = ("loan_purpose", "merchant_id")
TABULAR_FEATURES = NUMERIC + CATEGORICAL
#: The features each tabular perturbation can touch (noise and scaling need numbers), and its first choice.
FEATURE_CHOICES = {NOISE: NUMERIC, MISSING: TABULAR_FEATURES, SHIFT: NUMERIC}
DEFAULT_FEATURES = {NOISE: NUMERIC, MISSING: ("debt_to_income",), SHIFT: ("income",)}

#: The subgroups a shift can move: loan purposes and review categories (see REVIEW_CATEGORIES below).
SUBGROUPS = {TABULAR: LOAN_PURPOSES, TEXT: ("electronics", "books", "kitchen", "clothing", "toys")}
DEFAULT_SUBGROUP = {TABULAR: "debt consolidation", TEXT: "electronics"}

#: Decline a loan from this predicted default probability (a default costs 3x a repaid loan's margin).
DECLINE_AT = 0.25
REVIEW_THRESHOLD = 0.5
BASELINES = ("one-feature rule", "majority class", "random ranker")
ROWS = ("model",) + BASELINES
N_REPEATS = 5
SEED = 0


@dataclass(frozen=True)
class Scale:
    """What the strength slider means for one perturbation: from 0 to ``maximum`` in 20 steps."""

    maximum: float
    default: float
    unit: str          # shown next to the slider
    phrase: str        # for the sentence: "{s}" is the strength, "{pct}" the strength as a percentage

    @property
    def step(self) -> float:
        """The slider's step: a twentieth of the range."""
        return self.maximum / 20

    def grid(self) -> np.ndarray:
        """The 11 strengths the curve is drawn at, 0 to ``maximum`` (every other slider position).

        Examples
        --------
        >>> Scale(1.0, 0.5, "", "").grid().tolist()
        [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
        """
        return np.round(np.linspace(0.0, self.maximum, 11), 6)


SCALES = {
    (TABULAR, NOISE): Scale(2.0, 0.5, "noise, in standard deviations of each feature",
                            "noise of {s:g} standard deviations"),
    (TABULAR, MISSING): Scale(1.0, 0.5, "share of test rows where the features are missing",
                              "missing for {pct} of applicants"),
    (TABULAR, SHIFT): Scale(1.0, 0.3, "share the subgroup's features are scaled down by",
                            "scaled down by {pct}"),
    (TEXT, TYPOS): Scale(0.5, 0.1, "share of words with a typo", "a typo in {pct} of words"),
    (TEXT, DROPS): Scale(0.5, 0.1, "share of words dropped", "{pct} of words dropped"),
    (TEXT, SHIFT): Scale(1.0, 0.5, "share of the slice's opinion words swapped for unseen ones",
                         "have {pct} of their opinion words swapped for words never seen in training"),
}

# --------------------------------------------------------------------------------------------
# the review texts
# --------------------------------------------------------------------------------------------
REVIEW_CATEGORIES = {
    "electronics": ("phone", "charger", "tablet", "cable", "battery", "speaker"),
    "books": ("novel", "story", "cover", "plot", "ending", "book"),
    "kitchen": ("blender", "pan", "kettle", "knife", "lid", "mixer"),
    "clothing": ("jacket", "shirt", "scarf", "fabric", "zip", "coat"),
    "toys": ("puzzle", "game", "doll", "train", "robot", "kite"),
}
_POSITIVE_SHARE = (0.55, 0.6, 0.5, 0.55, 0.65)   # per category, so the category says a little too
_GOOD = ("great", "excellent", "perfect", "sturdy", "reliable", "comfortable", "beautiful", "good", "solid", "lovely")
_BAD = ("terrible", "useless", "awful", "slow", "poor", "flimsy", "cheap", "bad", "faulty", "broken")
_GOOD_PHRASES = ("love it", "would recommend", "very happy", "works well", "arrived fast", "worth it", "five stars")
_BAD_PHRASES = ("asked for a refund", "returned it", "stopped working", "broke after a week", "waste of money",
                "very disappointed", "pieces missing")
_NEUTRAL = ("bought it for my son", "arrived on monday", "ordered two", "the {noun} is blue", "came in a box",
            "used it twice", "a gift for my daughter", "as described", "it is a {noun}", "my second {noun}",
            "got it last month", "the {noun} came today", "for the kids", "same as the photo")
_TEMPLATES = ("the {noun} is {a}", "{a} {noun}", "really {a}", "{a} quality", "{a} and {b}", "the {noun} feels {a}")
#: Each opinion word and a synonym the model never sees in training (the text subgroup shift).
UNSEEN_SYNONYMS = {
    "great": "superb", "excellent": "brilliant", "perfect": "flawless", "sturdy": "robust", "reliable": "dependable",
    "comfortable": "cosy", "beautiful": "gorgeous", "good": "decent", "solid": "durable", "lovely": "charming",
    "love": "adore", "recommend": "endorse", "happy": "delighted", "well": "nicely", "fast": "promptly",
    "worth": "bargain", "stars": "thumbs",
    "terrible": "dreadful", "useless": "pointless", "awful": "horrid", "slow": "sluggish", "poor": "shoddy",
    "flimsy": "fragile", "cheap": "tacky", "bad": "naff", "faulty": "defective", "broken": "busted",
    "refund": "reimbursement", "returned": "sent back", "stopped": "quit", "broke": "snapped", "waste": "squander",
    "disappointed": "gutted", "missing": "absent",
}


def make_reviews(n: int = 4000, seed: int = 7, mixed: float = 0.15, negated: float = 0.1,
                 label_noise: float = 0.03):
    """Generate short product reviews and whether each is positive.

    Each review joins, in a random order, one or two neutral phrases ("bought it for my son", "the kettle came
    today") and one or two opinion phrases. The first opinion agrees with the label; a second one disagrees
    with probability ``mixed`` (mixed reviews); an opinion is a negation ("the pan is not bad") with
    probability ``negated``, which a bag of words reads backwards; and ``label_noise`` of the labels are
    flipped. A TF-IDF + logistic regression reaches about 0.86 accuracy (ROC AUC about 0.92) on them: good,
    not perfect. Categories (:data:`REVIEW_CATEGORIES`) have slightly different positive shares.

    Returns a ``pandas.DataFrame`` with columns ``text`` (str), ``category`` (str) and ``positive`` (0 or 1).

    Examples
    --------
    >>> reviews = make_reviews(n=200, seed=1)
    >>> reviews.shape, sorted(reviews["positive"].unique().tolist())
    ((200, 3), [0, 1])
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    categories = list(REVIEW_CATEGORIES)
    texts, labels, cats = [], [], []
    for _ in range(n):
        c = int(rng.integers(len(categories)))
        nouns = REVIEW_CATEGORIES[categories[c]]
        y = int(rng.random() < _POSITIVE_SHARE[c])
        parts = [_NEUTRAL[rng.integers(len(_NEUTRAL))].format(noun=nouns[rng.integers(len(nouns))])
                 for _ in range(int(rng.integers(1, 3)))]
        for j in range(int(rng.integers(1, 3))):
            agrees = j == 0 or rng.random() >= mixed
            parts.append(_opinion(rng, positive=(y == 1) == agrees, noun=nouns[rng.integers(len(nouns))],
                                  negate=rng.random() < negated))
        text = ", ".join(parts[i] for i in rng.permutation(len(parts)))
        if rng.random() < label_noise:
            y = 1 - y
        texts.append(text)
        labels.append(y)
        cats.append(categories[c])
    return pd.DataFrame({"text": texts, "category": cats, "positive": labels})


def _opinion(rng, positive: bool, noun: str, negate: bool) -> str:
    if negate:   # "not" + the opposite word: a positive review says "not bad"
        words = _BAD if positive else _GOOD
        return f"the {noun} is not {words[rng.integers(len(words))]}"
    if rng.random() < 0.4:
        phrases = _GOOD_PHRASES if positive else _BAD_PHRASES
        return phrases[rng.integers(len(phrases))]
    words = _GOOD if positive else _BAD
    a, b = rng.choice(len(words), 2, replace=False)
    return _TEMPLATES[rng.integers(len(_TEMPLATES))].format(noun=noun, a=words[a], b=words[b])


# --------------------------------------------------------------------------------------------
# perturbations
# --------------------------------------------------------------------------------------------
def _check_rate(rate, what: str = "rate", maximum: float = 1.0) -> float:
    try:
        rate = float(rate)
    except (TypeError, ValueError):
        raise ValueError(f"The {what} must be a number from 0 to {maximum:g}.") from None
    if not math.isfinite(rate) or not 0 <= rate <= maximum:
        raise ValueError(f"The {what} must be a number from 0 to {maximum:g}.")
    return rate


def _word_draws(texts, seed: int):
    """The words of every text and one set of seeded draws per word: drawn in full whatever the rate, so
    the same words are hit at every rate (a word hit at rate r is hit at every rate above r)."""
    words = [text.split() for text in texts]
    n = sum(len(w) for w in words)
    rng = np.random.default_rng(seed)
    return words, rng.random(n), rng.integers(4, size=n), rng.random(n), rng.integers(26, size=n)


def _typo(word: str, kind: int, where: float, letter: int) -> str:
    """One character edit that always changes the word (Damerau's four: swap, delete, insert, substitute)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    i = min(int(where * len(word)), len(word) - 1)
    if kind == 0 and len(word) >= 2:              # swap two neighbours (when they differ)
        j = min(i, len(word) - 2)
        if word[j] != word[j + 1]:
            return word[:j] + word[j + 1] + word[j] + word[j + 2:]
    if kind == 1 and len(word) >= 2:              # delete one letter
        return word[:i] + word[i + 1:]
    if kind == 2:                                 # insert one letter
        return word[:i] + letters[letter] + word[i:]
    new = letters[letter] if letters[letter] != word[i] else letters[(letter + 1) % 26]
    return word[:i] + new + word[i + 1:]          # substitute one letter


def add_typos(texts, rate: float, seed: int = SEED) -> list:
    """Give each word one character edit with probability ``rate`` (0 to 1); words split on whitespace.

    The edit (chosen at random, seeded) swaps two neighbouring letters, deletes one, inserts one or
    substitutes one, the four single edits of Damerau (1964), and always changes the word.

    Examples
    --------
    >>> add_typos(["works well"], 0.0)
    ['works well']
    >>> add_typos(["works well"], 1.0) != ["works well"]
    True
    """
    rate = _check_rate(rate, "typo rate")
    words, u, kind, where, letter = _word_draws(texts, seed)
    out, k = [], 0
    for text_words in words:
        edited = []
        for w in text_words:
            edited.append(_typo(w, kind[k], where[k], letter[k]) if u[k] < rate else w)
            k += 1
        out.append(" ".join(edited))
    return out


def drop_words(texts, rate: float, seed: int = SEED) -> list:
    """Remove each word with probability ``rate`` (0 to 1); words split on whitespace.

    Examples
    --------
    >>> drop_words(["very happy with it"], 0.0)
    ['very happy with it']
    >>> drop_words(["very happy with it"], 1.0)
    ['']
    """
    rate = _check_rate(rate, "drop rate")
    words, u, *_ = _word_draws(texts, seed)
    out, k = [], 0
    for text_words in words:
        out.append(" ".join(w for j, w in enumerate(text_words) if u[k + j] >= rate))
        k += len(text_words)
    return out


def swap_unseen_words(texts, rate: float, seed: int = SEED) -> list:
    """Swap each opinion word (a key of :data:`UNSEEN_SYNONYMS`) for its unseen synonym with probability
    ``rate`` (0 to 1); other words stay.

    Examples
    --------
    >>> swap_unseen_words(["great value, very happy"], 1.0)
    ['superb value, very delighted']
    """
    rate = _check_rate(rate, "swap rate")
    words, u, *_ = _word_draws(texts, seed)
    out, k = [], 0
    for text_words in words:
        swapped = []
        for w in text_words:
            core = w.rstrip(",")
            swapped.append(UNSEEN_SYNONYMS[core] + w[len(core):] if core in UNSEEN_SYNONYMS and u[k] < rate else w)
            k += 1
        out.append(" ".join(swapped))
    return out


def add_noise(X, features, scale: float, sd: dict, seed: int = SEED):
    """``x + scale * sd[f] * z`` for each feature ``f`` in ``features``, ``z ~ N(0, 1)`` seeded per column
    (the same draws whichever features are chosen); ``scale`` in standard deviations, a gap stays a gap.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"a": [1.0, 2.0], "b": [5.0, float("nan")]})
    >>> add_noise(X, ["a"], 0.0, {"a": 1.0}).equals(X)
    True
    """
    X = X.copy()
    z = np.random.default_rng(seed).standard_normal((len(X), X.shape[1]))
    for f in features:
        X[f] = X[f].to_numpy(dtype=float) + scale * sd[f] * z[:, X.columns.get_loc(f)]
    return X


def set_missing(X, features, share: float, seed: int = SEED):
    """Set ``features`` to missing (``NaN``) on a seeded share ``share`` (0 to 1) of the rows, the same rows for
    every feature (one upstream source down for some requests).

    Examples
    --------
    >>> import pandas as pd
    >>> set_missing(pd.DataFrame({"a": [1.0, 2.0, 3.0]}), ["a"], 1.0)["a"].isna().all()
    np.True_
    """
    X = X.copy()
    hit = np.random.default_rng(seed).random(len(X)) < share
    for f in features:
        X.loc[hit, f] = np.nan
    return X


def scale_subgroup(X, features, in_group, factor: float):
    """Multiply ``features`` by ``factor`` on the rows where ``in_group`` is true.

    Examples
    --------
    >>> import pandas as pd
    >>> scale_subgroup(pd.DataFrame({"a": [10.0, 10.0]}), ["a"], [True, False], 0.7)["a"].tolist()
    [7.0, 10.0]
    """
    X = X.copy()
    in_group = np.asarray(in_group, dtype=bool)
    for f in features:
        X.loc[in_group, f] = X.loc[in_group, f] * factor
    return X


# --------------------------------------------------------------------------------------------
# the numbers
# --------------------------------------------------------------------------------------------
def flip_rate(decisions_before, decisions_after) -> float:
    """The share (0 to 1) of cases whose decision changed.

    Examples
    --------
    >>> flip_rate([0, 1, 1, 0], [0, 1, 0, 1])
    0.5
    """
    before, after = np.asarray(decisions_before, dtype=bool), np.asarray(decisions_after, dtype=bool)
    return float(np.mean(before != after))


def accuracy(y_true, decisions) -> float:
    """The share (0 to 1) of decisions equal to the label (``sklearn.metrics.accuracy_score``).

    Examples
    --------
    >>> accuracy([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    """
    return float(np.mean(np.asarray(y_true, dtype=int) == np.asarray(decisions, dtype=int)))


def _auc(y, scores) -> float:
    """ROC AUC, 0.5 for a constant score (no order at all), as scikit-learn gives."""
    return m.roc_auc(y, scores) if np.ptp(scores) > 0 else 0.5


@dataclass(frozen=True)
class Scores:
    """One scorer's numbers on ``n`` test cases, before and after a perturbation: ROC AUC (0 to 1, 0.5 for no
    order; :func:`widgets.tools.metrics.roc_auc`), accuracy at the decision threshold and the flip rate (shares,
    0 to 1)."""

    auc_before: float
    auc_after: float
    accuracy_before: float
    accuracy_after: float
    flip_rate: float
    n: int

    @property
    def auc_drop(self) -> float:
        """ROC AUC before minus after (positive when the perturbation hurts)."""
        return self.auc_before - self.auc_after


def _scores(y, before, after, threshold) -> Scores:
    d_before, d_after = before >= threshold, after >= threshold
    return Scores(_auc(y, before), _auc(y, after), accuracy(y, d_before), accuracy(y, d_after),
                  flip_rate(d_before, d_after), len(y))


@dataclass(frozen=True)
class Importance:
    """Permutation importance (``sklearn.inspection.permutation_importance``): the mean and standard deviation,
    over :data:`N_REPEATS` shuffles, of the ROC AUC lost when one input is shuffled across the test rows."""

    names: tuple
    mean: np.ndarray
    std: np.ndarray

    def top(self, k: int) -> list:
        """The ``k`` most important ``(name, mean, std)``, most important first."""
        order = np.argsort(-self.mean, kind="stable")[:k]
        return [(self.names[i], float(self.mean[i]), float(self.std[i])) for i in order]


@dataclass(frozen=True, eq=False)
class RobustnessStudy:
    """A fitted classifier, its baselines and its clean test inputs, with their scores (probability of the
    positive label, 0 to 1) and the model's permutation importance (see the module docstring)."""

    data: str
    description: str
    inputs: object            # the clean test inputs: a DataFrame (tabular) or a list of texts
    y: np.ndarray
    groups: np.ndarray        # each test case's subgroup (loan purpose or review category)
    threshold: float
    scorer: object            # function(inputs) -> {row name: scores in [0, 1]}
    clean: dict               # row name -> scores on the clean inputs
    importance: Importance
    rule_feature: str         # the one-feature rule's input
    rule_split: float         # its threshold
    sd: dict                  # training standard deviation of each numeric feature (tabular)
    positive: str             # what a positive label means
    models: dict              # fitted estimators, by row name (for the tests)

    def score(self, inputs) -> dict:
        """Every row's scores (probability of the positive label, 0 to 1) on ``inputs``, by row name."""
        return {row: np.asarray(scores, dtype=float) for row, scores in self.scorer(inputs).items()}

    def perturb(self, kind: str, strength: float, features=(), subgroup: str | None = None):
        """The test inputs under one perturbation (checked by :func:`check_perturbation` first)."""
        if kind == NOISE:
            return add_noise(self.inputs, features, strength, self.sd)
        if kind == MISSING:
            return set_missing(self.inputs, features, strength)
        if kind == TYPOS:
            return add_typos(self.inputs, strength)
        if kind == DROPS:
            return drop_words(self.inputs, strength)
        in_group = self.groups == subgroup
        if self.data == TABULAR:
            return scale_subgroup(self.inputs, features, in_group, 1.0 - strength)
        swapped = iter(swap_unseen_words([t for t, g in zip(self.inputs, in_group) if g], strength))
        return [next(swapped) if g else t for t, g in zip(self.inputs, in_group)]


# --------------------------------------------------------------------------------------------
# fitting (cached)
# --------------------------------------------------------------------------------------------
def best_stump(columns_train: dict, y_train) -> tuple:
    """The depth-1 tree on one input with the best training ROC AUC: ``(name, fitted tree)``.

    ``columns_train`` maps each candidate input to its training column (2-D, one column); ties go to the
    first candidate. The choice uses the training split only, so the test numbers are not picked on the test.

    Examples
    --------
    >>> name, tree = best_stump({"noise": np.array([[0.0], [1.0], [0.0], [1.0]]),
    ...                          "signal": np.array([[0.0], [0.0], [1.0], [1.0]])}, np.array([0, 0, 1, 1]))
    >>> name, tree.get_depth()
    ('signal', 1)
    """
    from sklearn.tree import DecisionTreeClassifier

    best = None
    for name, column in columns_train.items():
        tree = DecisionTreeClassifier(max_depth=1, random_state=SEED).fit(column, y_train)
        auc = _auc(np.asarray(y_train), tree.predict_proba(column)[:, 1])
        if best is None or auc > best[0]:
            best = (auc, name, tree)
    return best[1], best[2]


def _auc_scorer(estimator, X, y) -> float:
    """ROC AUC of ``estimator``'s positive-class probability: ``scoring="roc_auc"`` computed by
    :func:`widgets.tools.metrics.roc_auc` (the same number, without scikit-learn's per-call checks)."""
    return m.roc_auc(y, estimator.predict_proba(X)[:, 1])


def _permutation_importance(estimator, X, y, names) -> Importance:
    """``sklearn.inspection.permutation_importance`` with ROC AUC, :data:`N_REPEATS` shuffles, seed :data:`SEED`."""
    from sklearn.inspection import permutation_importance

    result = permutation_importance(estimator, X, y, scoring=_auc_scorer, n_repeats=N_REPEATS, random_state=SEED)
    return Importance(tuple(names), result.importances_mean, result.importances_std)


def _loan_model():
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OrdinalEncoder

    from widgets.tools.features import _folded_target_encoder

    features = ColumnTransformer([
        ("numbers", "passthrough", list(NUMERIC)),
        ("purpose", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                                   encoded_missing_value=np.nan), ["loan_purpose"]),
        ("merchant", _folded_target_encoder(), ["merchant_id"]),
    ])
    model = HistGradientBoostingClassifier(max_iter=60, learning_rate=0.1, max_leaf_nodes=15, categorical_features=[3],
                                           early_stopping=False, random_state=SEED)
    return Pipeline([("features", features), ("model", model)])


@lru_cache(maxsize=2)
def robustness_study(data: str = TABULAR) -> RobustnessStudy:
    """Fit the classifier of ``data`` and its baselines and score the clean test split (cached).

    Examples
    --------
    >>> study = robustness_study(TEXT)
    >>> len(study.inputs) == len(study.y) == len(study.clean["model"])
    True
    """
    from threadpoolctl import threadpool_limits

    data = check_data(data)
    with threadpool_limits(limits=1):   # see _outcomes
        return _loan_study() if data == TABULAR else _review_study()


def _baselines(X_train, y_train, n_test: int):
    """The majority class (fitted) and the random ranker's fixed scores."""
    from sklearn.dummy import DummyClassifier

    majority = DummyClassifier(strategy="most_frequent").fit(np.zeros((len(y_train), 1)), y_train)
    return majority, np.random.default_rng(SEED).random(n_test)


def _scorer(model_scores, rule_column, stump, majority, random_scores):
    """``inputs -> {row: scores}`` from the model's scores and the rule's column, both read off one shared
    transform of the inputs; the random ranker's scores are tiled to the number of inputs' rows (batches)."""
    def score(inputs, *shared):
        n = len(inputs)
        return {"model": model_scores(inputs, *shared),
                "one-feature rule": stump.predict_proba(rule_column(inputs, *shared))[:, 1],
                "majority class": majority.predict_proba(np.zeros((n, 1)))[:, 1],
                "random ranker": np.resize(random_scores, n)}
    return score


def _loan_study() -> RobustnessStudy:
    from widgets.tools.features import loan_split

    X_train, X_test, y_train, y_test = loan_split()
    X_train, X_test = X_train[list(TABULAR_FEATURES)], X_test[list(TABULAR_FEATURES)].reset_index(drop=True)
    model = _loan_model().fit(X_train, y_train)
    name, stump = best_stump({f: X_train[[f]].to_numpy(dtype=float) for f in NUMERIC}, y_train)
    majority, random_scores = _baselines(X_train, y_train, len(X_test))
    scorer = _scorer(lambda X: model.predict_proba(X)[:, 1], lambda X: X[[name]].to_numpy(dtype=float),
                     stump, majority, random_scores)
    importance = _permutation_importance(model, X_test, y_test, TABULAR_FEATURES)
    sd = {f: float(X_train[f].std()) for f in NUMERIC}
    description = (f"{len(X_train) + len(X_test):,} point-of-sale loans ({y_test.mean():.0%} default), 70% to fit "
                   f"and {len(X_test):,} to test; gradient-boosted trees on {len(TABULAR_FEATURES)} inputs; a loan "
                   f"is declined at a predicted default risk of {DECLINE_AT:.0%} or more.")
    models = {"model": model, "one-feature rule": stump, "majority class": majority}
    return _study(TABULAR, description, X_test, y_test, X_test["loan_purpose"].to_numpy(dtype=str), DECLINE_AT,
                  scorer, importance, name, stump, sd, "default", models)


def _review_study() -> RobustnessStudy:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import Pipeline

    reviews = make_reviews()
    train, test = train_test_split(reviews, test_size=0.3, stratify=reviews["positive"], random_state=SEED)
    texts_train, texts_test = train["text"].tolist(), test["text"].tolist()
    y_train, y_test = train["positive"].to_numpy(), test["positive"].to_numpy()
    model = Pipeline([("tfidf", TfidfVectorizer()), ("model", LogisticRegression(max_iter=1000))])
    model.fit(texts_train, y_train)
    tfidf, logistic = model.named_steps["tfidf"], model.named_steps["model"]
    words = tuple(tfidf.get_feature_names_out())
    train_matrix = tfidf.transform(texts_train).tocsc()
    name, stump = best_stump({w: train_matrix[:, [j]].toarray() for j, w in enumerate(words)}, y_train)
    j = words.index(name)
    majority, random_scores = _baselines(texts_train, y_train, len(texts_test))
    # one TF-IDF of the texts serves both the model and the rule (the transform is the costly part)
    score = _scorer(lambda texts, matrix: logistic.predict_proba(matrix)[:, 1],
                    lambda texts, matrix: matrix[:, [j]].toarray(), stump, majority, random_scores)
    test_matrix = tfidf.transform(texts_test).toarray()
    importance = _permutation_importance(logistic, test_matrix, y_test, words)
    description = (f"{len(reviews):,} short product reviews written by a seeded generator ({y_test.mean():.0%} "
                   f"positive), 70% to fit and {len(texts_test):,} to test; a TF-IDF of {len(words)} words into a "
                   "logistic regression; a review is called positive at a predicted probability of 0.5 or more.")
    models = {"model": model, "one-feature rule": stump, "majority class": majority}
    return _study(TEXT, description, texts_test, y_test, test["category"].to_numpy(dtype=str), REVIEW_THRESHOLD,
                  lambda texts: score(texts, tfidf.transform(texts)), importance, name, stump, {},
                  "positive review", models)


def _study(data, description, inputs, y, groups, threshold, scorer, importance, rule_feature, stump, sd, positive,
           models) -> RobustnessStudy:
    split = float(stump.tree_.threshold[0])
    study = RobustnessStudy(data, description, inputs, np.asarray(y, dtype=int), groups, threshold, scorer, {},
                            importance, rule_feature, split, sd, positive, models)
    study.clean.update(study.score(inputs))
    return study


# --------------------------------------------------------------------------------------------
# checking a choice
# --------------------------------------------------------------------------------------------
def check_data(data: str) -> str:
    """``data`` if it is one of :data:`DATASETS`, else ``ValueError``.

    Examples
    --------
    >>> check_data("images")
    Traceback (most recent call last):
    ...
    ValueError: Choose the data: loan default (tabular) or review text (text).
    """
    if data not in DATASETS:
        raise ValueError("Choose the data: " + " or ".join(DATASETS) + ".")
    return data


@dataclass(frozen=True)
class Perturbation:
    """One checked perturbation (:func:`check_perturbation`): the data, its kind, its strength (in the unit of
    :attr:`scale`) and the features or subgroup it touches."""

    data: str
    kind: str
    strength: float
    features: tuple = ()
    subgroup: str | None = None

    @property
    def scale(self) -> Scale:
        return SCALES[(self.data, self.kind)]


def check_perturbation(data: str, kind: str, strength, features=(), subgroup: str | None = None) -> Perturbation:
    """Check a perturbation and return it; a bad choice raises ``ValueError`` with a plain message.

    ``features`` only matters for the tabular data (in :data:`TABULAR_FEATURES` order once checked);
    ``subgroup`` only for the shifted subgroup. ``strength`` is rounded to 6 decimals (slider steps).

    Examples
    --------
    >>> check_perturbation(TABULAR, NOISE, 0.5, ["income"]).features
    ('income',)
    >>> check_perturbation(TABULAR, NOISE, 0.5, [])
    Traceback (most recent call last):
    ...
    ValueError: Choose at least one feature to perturb.
    """
    data = check_data(data)
    if kind not in PERTURBATIONS[data]:
        raise ValueError(f"Choose a perturbation of the {data.split(' (')[0]} data: "
                         + ", ".join(PERTURBATIONS[data]) + ".")
    scale = SCALES[(data, kind)]
    try:
        value = float(strength)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= scale.maximum + 1e-9:
        raise ValueError(f"The strength must be from 0 to {scale.maximum:g} ({scale.unit}).")
    value = round(min(value, scale.maximum), 6)
    chosen = ()
    if data == TABULAR:
        chosen = tuple(features or ())
        if not chosen:
            raise ValueError("Choose at least one feature to perturb.")
        allowed = FEATURE_CHOICES[kind]
        for f in chosen:
            if f not in TABULAR_FEATURES:
                raise ValueError(f"'{f}' is not a feature of the loans: choose from " + ", ".join(TABULAR_FEATURES)
                                 + ".")
            if f not in allowed:
                raise ValueError(f"The {kind} needs numeric features: {f} is a category. Choose from "
                                 + ", ".join(allowed) + ".")
        chosen = tuple(f for f in TABULAR_FEATURES if f in chosen)
    group = None
    if kind == SHIFT:
        groups = SUBGROUPS[data]
        if subgroup not in groups:
            raise ValueError("Choose a subgroup to shift: " + ", ".join(groups) + ".")
        group = subgroup
    return Perturbation(data, kind, value, chosen, group)


# --------------------------------------------------------------------------------------------
# evaluating a perturbation
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """Every scorer's numbers under one perturbation, overall and (for a subgroup shift) on the subgroup."""

    perturbation: Perturbation
    overall: dict             # row name -> Scores on the whole test set
    group: dict | None        # row name -> Scores on the shifted subgroup
    examples: tuple           # (before, after) texts that changed, for the text data
    changed: int              # test cases whose input changed

    @property
    def focus(self) -> dict:
        """The scores the perturbation is about: the subgroup's for a shift, else the whole test set's."""
        return self.group if self.group is not None else self.overall


#: Outcomes already computed, by perturbation (oldest dropped past the limit).
_OUTCOMES: dict = {}
_MAX_OUTCOMES = 4096


def evaluate(data: str, kind: str, strength, features=(), subgroup: str | None = None) -> Outcome:
    """Perturb the test inputs of ``data`` and score every row of :data:`ROWS` before and after (cached).

    Examples
    --------
    >>> out = evaluate(TEXT, TYPOS, 0.0)
    >>> out.overall["model"].flip_rate, out.overall["model"].auc_before == out.overall["model"].auc_after
    (0.0, True)
    """
    p = check_perturbation(data, kind, strength, features, subgroup)
    return _outcomes([p])[0]


def _outcomes(perturbations: list) -> list:
    """The outcomes of checked perturbations of one data set; the ones not cached are scored in one batch (one
    call of each scorer on all their perturbed inputs put together, cheaper than one call each)."""
    todo = [p for p in dict.fromkeys(perturbations) if p not in _OUTCOMES]
    if todo:
        study = robustness_study(todo[0].data)
        perturbed = [study.perturb(p.kind, p.strength, p.features, p.subgroup) for p in todo]
        n = len(study.y)
        if study.data == TABULAR:
            import pandas as pd

            together = pd.concat(perturbed, ignore_index=True)
        else:
            together = [text for texts in perturbed for text in texts]
        # one thread: on a small machine shared with other work, the trees' OpenMP threads wait on each other
        # more than they gain (measured: a curve of the loans took 0.25 s on one thread, 0.8 s on two)
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            scores = study.score(together)
        for i, (p, inputs) in enumerate(zip(todo, perturbed)):
            after = {row: scores[row][i * n:(i + 1) * n] for row in ROWS}
            _OUTCOMES[p] = _outcome(study, p, inputs, after)
        while len(_OUTCOMES) > _MAX_OUTCOMES:
            del _OUTCOMES[next(iter(_OUTCOMES))]
    return [_OUTCOMES[p] for p in perturbations]


def _outcome(study: RobustnessStudy, p: Perturbation, perturbed, after: dict) -> Outcome:
    overall = {row: _scores(study.y, study.clean[row], after[row], study.threshold) for row in ROWS}
    group = None
    if p.kind == SHIFT:
        g = study.groups == p.subgroup
        group = {row: _scores(study.y[g], study.clean[row][g], after[row][g], study.threshold) for row in ROWS}
    examples = ()
    if p.data == TEXT:
        changed = [i for i, (a, b) in enumerate(zip(study.inputs, perturbed)) if a != b]
        examples = tuple((study.inputs[i], perturbed[i]) for i in changed[:3])
        n_changed = len(changed)
    else:
        before, after_inputs = study.inputs, perturbed
        same = (before == after_inputs) | (before.isna() & after_inputs.isna())
        n_changed = int((~same.all(axis=1)).sum())
    return Outcome(p, overall, group, examples, n_changed)


@dataclass(frozen=True)
class Curve:
    """The model's and the one-feature rule's ROC AUC and the model's flip rate at every strength of the grid
    (on the subgroup for a shift)."""

    strengths: np.ndarray
    model_auc: np.ndarray
    rule_auc: np.ndarray
    flip_rate: np.ndarray


def curve(data: str, kind: str, features=(), subgroup: str | None = None) -> Curve:
    """:func:`evaluate` at every strength of :meth:`Scale.grid` (each one cached).

    Examples
    --------
    >>> c = curve(TEXT, DROPS)
    >>> float(c.flip_rate[0]), bool(c.flip_rate[-1] > c.flip_rate[1])
    (0.0, True)
    """
    p = check_perturbation(data, kind, 0.0, features, subgroup)
    grid = p.scale.grid()
    outcomes = _outcomes([Perturbation(p.data, p.kind, float(s), p.features, p.subgroup) for s in grid])
    focus = [o.focus for o in outcomes]
    return Curve(grid, np.array([f["model"].auc_after for f in focus]),
                 np.array([f["one-feature rule"].auc_after for f in focus]),
                 np.array([f["model"].flip_rate for f in focus]))


# --------------------------------------------------------------------------------------------
# words
# --------------------------------------------------------------------------------------------
def join_names(items) -> str:
    """Names joined for a sentence.

    Examples
    --------
    >>> join_names(["income", "debt_to_income", "loan_purpose"])
    'income, debt_to_income and loan_purpose'
    """
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _moves(before: float, after: float) -> str:
    if round(after, 2) < round(before, 2):
        return f"falls from {before:.2f} to {after:.2f}"
    if round(after, 2) > round(before, 2):
        return f"rises from {before:.2f} to {after:.2f}"
    return f"stays at {before:.2f}"


def describe(p: Perturbation) -> str:
    """What the perturbation does, in words.

    Examples
    --------
    >>> describe(check_perturbation(TABULAR, NOISE, 0.5, ["income"]))
    'noise of 0.5 standard deviations on income'
    """
    phrase = p.scale.phrase.format(s=p.strength, pct=f"{p.strength * 100:g}%")
    if p.kind == SHIFT and p.data == TABULAR:
        verb = "is" if len(p.features) == 1 else "are"
        return f"{join_names(p.features)} {verb} {phrase} for {p.subgroup} loans only"
    if p.kind == SHIFT:
        return f"the {p.subgroup} reviews {phrase}"
    if p.kind == MISSING:
        return f"{join_names(p.features)} {phrase}"
    if p.kind == NOISE:
        return f"{phrase} on {join_names(p.features)}"
    return phrase


def say(outcome: Outcome) -> str:
    """The "say it in the interview" sentence with the current numbers.

    Examples
    --------
    >>> say(evaluate(TEXT, DROPS, 0.1)).startswith("With 10% of words dropped,")
    True
    """
    p = outcome.perturbation
    study = robustness_study(p.data)
    model, rule = outcome.focus["model"], outcome.focus["one-feature rule"]
    random_auc = outcome.overall["random ranker"].auc_after
    what = describe(p)
    if p.kind == SHIFT:
        n_group, n_all = model.n, outcome.overall["model"].n
        text = (f"When {what} ({n_group:,} of {n_all:,} test cases), {model.flip_rate:.0%} of that group's decisions "
                f"flip ({outcome.overall['model'].flip_rate:.1%} overall) and the group's ROC AUC "
                f"{_moves(model.auc_before, model.auc_after)} (overall "
                f"{_moves(outcome.overall['model'].auc_before, outcome.overall['model'].auc_after)}), ")
    else:
        text = (f"{'Under' if p.kind == NOISE else 'With'} {what}, {model.flip_rate:.0%} of decisions flip and ROC AUC "
                f"{_moves(model.auc_before, model.auc_after)}, ")
    position = "still above" if model.auc_after > rule.auc_after else "now at or below"
    text += (f"{position} the one-feature rule's {rule.auc_after:.2f} on the same inputs (a random ranking scores "
             f"{random_auc:.2f}). ")
    (first, first_drop, _), (second, _, _) = study.importance.top(2)
    noun = "word" if p.data == TEXT else "input"
    text += (f"The model leans most on the {noun} {first} (shuffling it costs {first_drop:.3f} AUC), then {second}, "
             "so those are the inputs to validate and monitor first")
    if p.kind == TYPOS:
        text += ("; a word-level model reads a misspelt word as an unknown one, so subword or character features, or "
                 "spelling correction, would make it more robust.")
    elif p.kind == SHIFT:
        text += "; an overall number can hide a group's drop, so I would monitor the metric per slice."
    elif p.kind == MISSING:
        text += "; a gap should be a missing value the model was trained with, never a silent zero."
    else:
        text += "."
    return text
