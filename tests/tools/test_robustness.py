"""Robustness and sensitivity (tools/robustness): flips start at 0 and grow with the strength, the metrics, the
permutation importance and the baselines equal scikit-learn's, the text perturbations hit about the share asked,
and bad choices are plain messages."""

import numpy as np
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.inspection import permutation_importance
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.tree import DecisionTreeClassifier

from widgets.tools import robustness as R
from widgets.tools.features import loan_split

SETTINGS = [(R.TABULAR, R.NOISE, R.NUMERIC, None), (R.TABULAR, R.MISSING, ("debt_to_income", "merchant_id"), None),
            (R.TABULAR, R.SHIFT, ("income",), "debt consolidation"), (R.TEXT, R.TYPOS, (), None),
            (R.TEXT, R.DROPS, (), None), (R.TEXT, R.SHIFT, (), "electronics")]


@pytest.fixture(scope="module")
def loans():
    return R.robustness_study(R.TABULAR)


@pytest.fixture(scope="module")
def reviews():
    return R.robustness_study(R.TEXT)


@pytest.mark.parametrize("data, kind, features, subgroup", SETTINGS, ids=lambda v: str(v))
def test_no_flip_at_strength_0_and_more_flips_as_it_grows(data, kind, features, subgroup):
    c = R.curve(data, kind, features, subgroup)
    assert c.flip_rate[0] == 0 and c.model_auc[0] == R.evaluate(data, kind, 0, features, subgroup).focus["model"].auc_before
    assert 0 < c.flip_rate[2] < c.flip_rate[5] < c.flip_rate[-1]
    assert c.model_auc[-1] < c.model_auc[0]                  # the metric falls at full strength
    assert np.all(np.diff(c.flip_rate) > -0.02)              # nearly monotone: the same draws at every strength


@pytest.mark.parametrize("data, kind, features, subgroup, strength", [
    (R.TABULAR, R.NOISE, ("income", "debt_to_income"), None, 0.7),
    (R.TABULAR, R.SHIFT, ("income", "credit_history_months"), "medical", 0.45),
    (R.TEXT, R.TYPOS, (), None, 0.2),
    (R.TEXT, R.SHIFT, (), "toys", 0.6),
])
def test_auc_accuracy_and_flips_equal_scikit_learns(data, kind, features, subgroup, strength):
    study = R.robustness_study(data)
    out = R.evaluate(data, kind, strength, features, subgroup)
    model = study.models["model"]
    before = model.predict_proba(study.inputs)[:, 1]
    after = model.predict_proba(study.perturb(kind, strength, features, subgroup))[:, 1]
    t = study.threshold
    s = out.overall["model"]
    assert s.auc_before == pytest.approx(roc_auc_score(study.y, before), abs=1e-12)
    assert s.auc_after == pytest.approx(roc_auc_score(study.y, after), abs=1e-12)
    assert s.accuracy_before == pytest.approx(accuracy_score(study.y, before >= t), abs=1e-12)
    assert s.accuracy_after == pytest.approx(accuracy_score(study.y, after >= t), abs=1e-12)
    assert s.flip_rate == pytest.approx(np.mean((before >= t) != (after >= t)), abs=1e-12)
    if subgroup is not None:
        g = study.groups == subgroup
        assert out.group["model"].n == g.sum() and 0 < g.sum() < len(g)
        assert out.group["model"].auc_after == pytest.approx(roc_auc_score(study.y[g], after[g]), abs=1e-12)
        assert out.group["model"].flip_rate == pytest.approx(np.mean((before[g] >= t) != (after[g] >= t)), abs=1e-12)
        assert out.group["model"].flip_rate > s.flip_rate   # only the subgroup moved


def test_permutation_importance_equals_scikit_learns(loans, reviews):
    X = loans.inputs
    expected = permutation_importance(loans.models["model"], X, loans.y, scoring="roc_auc", n_repeats=R.N_REPEATS,
                                      random_state=R.SEED)
    np.testing.assert_allclose(loans.importance.mean, expected.importances_mean, atol=1e-12)
    np.testing.assert_allclose(loans.importance.std, expected.importances_std, atol=1e-12)
    assert loans.importance.names == R.TABULAR_FEATURES and loans.importance.top(1)[0][0] == "income"
    tfidf, logistic = reviews.models["model"].named_steps["tfidf"], reviews.models["model"].named_steps["model"]
    words = tfidf.transform(reviews.inputs).toarray()
    expected = permutation_importance(logistic, words, reviews.y, scoring="roc_auc", n_repeats=R.N_REPEATS,
                                      random_state=R.SEED)
    np.testing.assert_allclose(reviews.importance.mean, expected.importances_mean, atol=1e-12)
    # the words the model leans on most are opinion words, not filler
    assert all(name in R.UNSEEN_SYNONYMS for name, _, _ in reviews.importance.top(5))


def test_the_baselines_equal_a_dummy_classifier_and_the_best_depth_1_tree(loans):
    X_train, _, y_train, _ = loan_split()
    X_test, y = loans.inputs, loans.y
    dummy = DummyClassifier(strategy="most_frequent").fit(X_train, y_train)
    majority = R.evaluate(R.TABULAR, R.NOISE, 1.0, R.NUMERIC).overall["majority class"]
    assert majority.auc_before == roc_auc_score(y, dummy.predict_proba(X_test)[:, 1]) == 0.5
    assert majority.accuracy_before == pytest.approx(accuracy_score(y, dummy.predict(X_test)), abs=1e-12)
    assert majority.flip_rate == 0
    training_auc = {}
    for f in R.NUMERIC:
        tree = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X_train[[f]], y_train)
        training_auc[f] = roc_auc_score(y_train, tree.predict_proba(X_train[[f]])[:, 1])
    best = max(training_auc, key=training_auc.get)
    assert loans.rule_feature == best
    tree = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X_train[[best]], y_train)
    p = tree.predict_proba(X_test[[best]])[:, 1]
    rule = R.evaluate(R.TABULAR, R.MISSING, 0.0, ("merchant_id",)).overall["one-feature rule"]
    assert rule.auc_before == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    assert rule.accuracy_before == pytest.approx(accuracy_score(y, p >= R.DECLINE_AT), abs=1e-12)
    random = R.evaluate(R.TABULAR, R.NOISE, 2.0, R.NUMERIC).overall["random ranker"]
    assert abs(random.auc_after - 0.5) < 0.05 and random.flip_rate == 0   # random scores ignore the input
    model = R.evaluate(R.TABULAR, R.NOISE, 0.0, R.NUMERIC).overall["model"]
    assert model.auc_before > rule.auc_before > random.auc_before


def test_the_text_classifier_is_good_not_perfect(reviews):
    s = R.evaluate(R.TEXT, R.TYPOS, 0.0).overall
    assert 0.85 <= s["model"].accuracy_before <= 0.92
    assert s["model"].auc_before > s["one-feature rule"].auc_before > 0.5
    assert s["majority class"].accuracy_before == pytest.approx(max(reviews.y.mean(), 1 - reviews.y.mean()))
    assert set(reviews.groups) == set(R.SUBGROUPS[R.TEXT])


def test_typos_and_drops_at_rate_0_change_nothing_and_at_rate_r_about_r_of_the_words():
    texts = R.make_reviews(n=1500, seed=3)["text"].tolist()
    words = [w for t in texts for w in t.split()]
    assert R.add_typos(texts, 0.0) == texts and R.drop_words(texts, 0.0) == texts
    assert R.swap_unseen_words(texts, 0.0) == texts
    for rate in (0.1, 0.3):
        typo = [w for t in R.add_typos(texts, rate) for w in t.split()]
        assert len(typo) == len(words)
        assert np.mean([a != b for a, b in zip(words, typo)]) == pytest.approx(rate, abs=0.015)
        kept = sum(len(t.split()) for t in R.drop_words(texts, rate))
        assert 1 - kept / len(words) == pytest.approx(rate, abs=0.015)
    every = [w for t in R.add_typos(texts, 1.0) for w in t.split()]
    assert all(a != b for a, b in zip(words, every))          # an edit always changes the word
    assert R.drop_words(texts, 1.0) == [""] * len(texts)
    # the same words are hit at every rate: those hit at 0.1 are hit at 0.3
    low, high = R.drop_words(texts, 0.1), R.drop_words(texts, 0.3)
    assert all(set(h.split()) <= set(lo.split()) for lo, h in zip(low, high))


def test_unseen_synonyms_are_never_seen_in_training(reviews):
    vocabulary = reviews.models["model"].named_steps["tfidf"].vocabulary_
    for word, synonym in R.UNSEEN_SYNONYMS.items():
        assert word in vocabulary or word in ("well", "stars", "fast", "worth"), word
        assert all(part not in vocabulary for part in synonym.split()), synonym


def test_tabular_perturbations_touch_only_what_they_say(loans):
    X = loans.inputs
    noisy = loans.perturb(R.NOISE, 0.5, ("income",))
    assert noisy.drop(columns="income").equals(X.drop(columns="income"))
    z = (noisy["income"] - X["income"]) / (0.5 * loans.sd["income"])
    assert abs(z.mean()) < 0.1 and z.std() == pytest.approx(1, abs=0.05)
    gaps = loans.perturb(R.MISSING, 0.4, ("debt_to_income", "loan_purpose"))
    hit = gaps["loan_purpose"].isna()
    assert hit.mean() == pytest.approx(0.4, abs=0.03) and gaps.loc[hit, "debt_to_income"].isna().all()
    shifted = loans.perturb(R.SHIFT, 0.3, ("income",), "car")
    car = (X["loan_purpose"] == "car").to_numpy()
    np.testing.assert_allclose(shifted.loc[car, "income"], 0.7 * X.loc[car, "income"])
    assert shifted.loc[~car].equals(X.loc[~car])


@pytest.mark.parametrize("args, message", [
    ((R.TABULAR, R.NOISE, -0.1, R.NUMERIC), "The strength must be from 0 to 2"),
    ((R.TABULAR, R.NOISE, 2.5, R.NUMERIC), "The strength must be from 0 to 2"),
    ((R.TEXT, R.TYPOS, float("nan")), "The strength must be from 0 to 0.5"),
    ((R.TABULAR, R.NOISE, 0.5, ()), "Choose at least one feature to perturb."),
    ((R.TABULAR, R.MISSING, 0.5, ("salary",)), "'salary' is not a feature of the loans"),
    ((R.TABULAR, R.NOISE, 0.5, ("loan_purpose",)), "needs numeric features: loan_purpose is a category"),
    ((R.TABULAR, R.SHIFT, 0.5, ("income",), "wedding"), "Choose a subgroup to shift"),
    ((R.TABULAR, R.TYPOS, 0.5, ("income",)), "Choose a perturbation of the loan default data"),
    (("images", R.NOISE, 0.5), "Choose the data"),
])
def test_bad_choices_are_plain_messages(args, message):
    with pytest.raises(ValueError, match=message):
        R.evaluate(*args)
    with pytest.raises(ValueError, match="typo rate must be a number from 0 to 1"):
        R.add_typos(["a b"], 1.5)


def test_the_sentence_quotes_the_current_numbers(loans):
    out = R.evaluate(R.TABULAR, R.NOISE, 0.5, R.NUMERIC)
    s, rule = out.overall["model"], out.overall["one-feature rule"]
    text = R.say(out)
    assert text.startswith("Under noise of 0.5 standard deviations on income, debt_to_income and credit_history_months")
    assert f"{s.flip_rate:.0%} of decisions flip" in text
    assert f"falls from {s.auc_before:.2f} to {s.auc_after:.2f}" in text and f"rule's {rule.auc_after:.2f}" in text
    assert "leans most on the input income" in text
    shift = R.say(R.evaluate(R.TABULAR, R.SHIFT, 0.3, ("income",), "debt consolidation"))
    assert "income is scaled down by 30% for debt consolidation loans only" in shift and "per slice" in shift
