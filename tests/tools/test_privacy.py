"""k-anonymity (tools/privacy): k, suppression, information loss and l-diversity on hand-made tables, checked by
hand and by property tests (moved from tests/test_privacy.py)."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from widgets.practice.data import data_path
from widgets.tools import privacy as P
from widgets.tools.privacy import Generalisation, anonymise, k_anonymity


def hand_table():
    """Six people; the classes below are worked out by hand in each test."""
    return pd.DataFrame({
        "age": [23, 27, 28, 35, 36, 52],
        "zip": ["13053", "13068", "13068", "14850", "14853", "13053"],
        "gender": ["m", "m", "f", "f", "f", "m"],
        "marital_status": ["single", "married", "single", "divorced", "married", "widowed"],
        "diagnosis": ["flu", "flu", "cancer", "hiv", "hiv", "flu"],
        "yearly_cost": [100, 200, 300, 400, 500, 6000],
    })


def brute_force_k(released: pd.DataFrame) -> int:
    return min(Counter(map(tuple, released.to_numpy())).values())


ZIP_POOL = ["02139", "02141", "02143", "02458", "01720", "01730", "27514", "27516"]


@st.composite
def tables(draw):
    n = draw(st.integers(1, 40))
    return pd.DataFrame({
        "age": draw(st.lists(st.integers(18, 95), min_size=n, max_size=n)),
        "zip": draw(st.lists(st.sampled_from(ZIP_POOL), min_size=n, max_size=n)),
        "gender": draw(st.lists(st.sampled_from(["female", "male", "nonbinary"]), min_size=n, max_size=n)),
        "marital_status": draw(st.lists(st.sampled_from(["single", "married", "divorced", "widowed"]),
                                        min_size=n, max_size=n)),
        "diagnosis": draw(st.lists(st.sampled_from(["flu", "asthma", "cancer"]), min_size=n, max_size=n)),
        "yearly_cost": draw(st.lists(st.integers(0, 50_000), min_size=n, max_size=n)),
    })


rules = st.builds(Generalisation, age_bin=st.sampled_from([1, 2, 5, 10, None]), zip_digits=st.integers(0, 5),
                  gender=st.sampled_from(P.GENDER_LEVELS), marital_status=st.sampled_from(P.MARITAL_LEVELS))


qi_sets = st.lists(st.sampled_from(P.QUASI_IDENTIFIERS), min_size=1, unique=True)


def coarser_choices(rule: Generalisation) -> list[Generalisation]:
    """Every single-step coarsening of ``rule`` whose classes are unions of the classes of ``rule``."""
    out = []
    if rule.age_bin is not None:
        out += [Generalisation(w, rule.zip_digits, rule.gender, rule.marital_status)
                for w in (rule.age_bin * 2, rule.age_bin * 5, None)]
    out += [Generalisation(rule.age_bin, d, rule.gender, rule.marital_status) for d in range(rule.zip_digits)]
    if rule.gender == "kept":
        out.append(Generalisation(rule.age_bin, rule.zip_digits, "removed", rule.marital_status))
    later = P.MARITAL_LEVELS[P.MARITAL_LEVELS.index(rule.marital_status) + 1:]
    out += [Generalisation(rule.age_bin, rule.zip_digits, rule.gender, m) for m in later]
    return out


def test_exact_quasi_identifiers_make_everyone_unique_and_suppression_takes_all():
    r = anonymise(hand_table(), ["age", "zip"], Generalisation(age_bin=1, zip_digits=5), target_k=2)
    assert (r.k, r.n_classes, r.classes_below_k, r.rows_suppressed, r.k_after) == (1, 6, 6, 6, 0)
    assert r.suppressed_share == 1.0 and r.info_loss == 1.0 and r.info_loss_before == 0.0
    assert "would suppress every row" in r.say()


def test_ten_year_bins_and_three_digit_zips():
    # classes: (20-29, 130**) x3, (30-39, 148**) x2, (50-59, 130**) x1
    r = anonymise(hand_table(), ["age", "zip"], Generalisation(age_bin=10, zip_digits=3), target_k=2)
    assert sorted(r.class_sizes.tolist()) == [1, 2, 3]
    assert (r.k, r.classes_below_k, r.rows_suppressed, r.k_after) == (1, 1, 1, 2)
    assert r.suppressed.tolist() == [False] * 5 + [True]
    assert r.released["zip"].tolist() == ["130**"] * 3 + ["148**"] * 2 + ["130**"]
    assert r.released["age"].tolist() == ["20-29"] * 3 + ["30-39"] * 2 + ["50-59"]
    assert r.discernibility == 3 ** 2 + 2 ** 2 + 1 * 6
    assert "suppressing 1 rows (16.7%) in 1 groups" in r.say()
    # mean cost of the released rows leaves out the 6000 of the suppressed 52-year-old
    assert r.outcome_released == pytest.approx(300.0) and r.outcome_all == pytest.approx(7500 / 6)


def test_adding_gender_splits_a_class_and_a_higher_target_suppresses_more():
    rule = Generalisation(age_bin=10, zip_digits=3, gender="kept")
    # (20-29, 130**, m) x2, (20-29, 130**, f) x1, (30-39, 148**, f) x2, (50-59, 130**, m) x1
    r2 = anonymise(hand_table(), ["age", "zip", "gender"], rule, target_k=2)
    assert (r2.k, r2.n_classes, r2.classes_below_k, r2.rows_suppressed, r2.k_after) == (1, 4, 2, 2, 2)
    r3 = anonymise(hand_table(), ["age", "zip", "gender"], rule, target_k=3)
    assert (r3.classes_below_k, r3.rows_suppressed, r3.k_after) == (4, 6, 0)
    assert k_anonymity(r2.released, ["age", "zip", "gender"]) == 1


def test_removing_everything_leaves_one_class_of_the_whole_table():
    rule = Generalisation(age_bin=None, zip_digits=0, gender="removed", marital_status="removed")
    r = anonymise(hand_table(), list(P.QUASI_IDENTIFIERS), rule, target_k=6)
    assert (r.k, r.n_classes, r.rows_suppressed) == (6, 1, 0)
    assert r.info_loss == 1.0 and set(r.released.to_numpy().ravel()) == {"*"}
    assert "already 6-anonymous" in r.say()


def test_marital_status_married_or_not():
    rule = Generalisation(marital_status="married or not")
    r = anonymise(hand_table(), ["marital_status"], rule, target_k=3)
    assert r.released["marital_status"].tolist() == ["not married", "married", "not married", "not married",
                                                     "married", "not married"]
    assert sorted(r.class_sizes.tolist()) == [2, 4] and r.rows_suppressed == 2
    # "not married" covers 3 of the 4 statuses; "married" is a single value and costs nothing
    penalty = P.certainty_penalty(hand_table(), ["marital_status"], rule)[:, 0]
    np.testing.assert_allclose(penalty, [0.75, 0, 0.75, 0.75, 0, 0.75])


def test_l_diversity_by_hand():
    rule = Generalisation(age_bin=10, zip_digits=3)
    # diagnoses per class: {flu, flu, cancer} l=2, {hiv, hiv} l=1, {flu} l=1 (suppressed at k=2)
    r2 = anonymise(hand_table(), ["age", "zip"], rule, target_k=2)
    by_size = dict(zip(r2.class_sizes.tolist(), r2.class_l.tolist()))
    assert by_size == {3: 2, 2: 1, 1: 1}
    assert (r2.l_after, r2.classes_with_one_value) == (1, 1)
    assert "1 released group shares a single diagnosis (l=1)" in r2.say(l_diversity=True)
    r3 = anonymise(hand_table(), ["age", "zip"], rule, target_k=3)
    assert (r3.l_after, r3.classes_with_one_value) == (2, 0)
    assert "at least 2 different diagnoses" in r3.say(l_diversity=True)


def test_certainty_penalty_and_information_loss_by_hand():
    t = hand_table()
    rule = Generalisation(age_bin=10, zip_digits=3)
    penalty = P.certainty_penalty(t, ["age", "zip"], rule)
    # ages span 23..52 (29 years); bins clipped to that span: [23,29], [30,39], [50,52]
    np.testing.assert_allclose(penalty[:, 0], np.array([6, 6, 6, 9, 9, 2]) / 29)
    # 4 distinct ZIPs; 130** covers 13053 and 13068, 148** covers 14850 and 14853
    np.testing.assert_allclose(penalty[:, 1], 0.5)
    r = anonymise(t, ["age", "zip"], rule, target_k=2)
    assert r.info_loss_before == pytest.approx((38 / 29 + 3.0) / 12)
    assert r.info_loss == pytest.approx((36 / 29 + 2.5 + 2.0) / 12)   # the suppressed row costs 1 in each column
    exact = P.certainty_penalty(t, ["age", "zip", "gender"], Generalisation(1, 5, "kept"))
    assert not exact.any()


def test_bad_input_is_a_plain_message():
    t = hand_table()
    with pytest.raises(ValueError, match="Choose at least one quasi-identifier.*k = 6"):
        anonymise(t, [], Generalisation(), target_k=2)
    for bad_k in (0, -3, 2.5, True):
        with pytest.raises(ValueError, match="k must be a whole number of at least 1"):
            anonymise(t, ["age"], Generalisation(), target_k=bad_k)
    with pytest.raises(ValueError, match="Unknown quasi-identifier 'name'"):
        anonymise(t, ["age", "name"], Generalisation(), target_k=2)
    with pytest.raises(ValueError, match="age bin"):
        Generalisation(age_bin=0)
    with pytest.raises(ValueError, match="between 0 and 5 digits"):
        Generalisation(zip_digits=6)
    with pytest.raises(ValueError, match="Gender is either"):
        Generalisation(gender="blurred")


@settings(max_examples=60, deadline=None)
@given(tables(), rules, qi_sets, st.integers(1, 6), st.data())
def test_coarser_generalisation_never_lowers_k_nor_suppresses_more(table, rule, qis, target_k, data):
    fine = anonymise(table, qis, rule, target_k)
    assert fine.k == brute_force_k(fine.released)
    assert fine.class_sizes.sum() == len(table)
    assert fine.rows_suppressed == int(sum(s for s in fine.class_sizes if s < target_k))
    assert fine.k_after == 0 or fine.k_after >= target_k
    for coarse_rule in coarser_choices(rule):
        coarse = anonymise(table, qis, coarse_rule, target_k)
        assert coarse.k >= fine.k
        assert coarse.rows_suppressed <= fine.rows_suppressed
        assert coarse.info_loss_before >= fine.info_loss_before - 1e-12
        assert coarse.class_l.min() >= fine.class_l.min()
    # an attacker who knows fewer columns can single out fewer people
    if len(qis) > 1:
        fewer = data.draw(st.lists(st.sampled_from(qis), min_size=1, max_size=len(qis) - 1, unique=True))
        assert anonymise(table, fewer, rule, target_k).k >= fine.k


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([1, 2, 5, 10, 20, None]), st.integers(0, 5), st.sampled_from(P.GENDER_LEVELS))
def test_on_the_sample_table_k_matches_a_brute_force_count(age_bin, zip_digits, gender):
    rule = Generalisation(age_bin, zip_digits, gender)
    r = P.sample_report(("age", "zip", "gender"), rule, 5)
    assert r.k == brute_force_k(r.released)
    assert r.rows_suppressed == int((r.released.groupby(list(r.released.columns))["age"].transform("size") < 5).sum())


def test_the_shipped_people_sample_is_what_the_generator_makes():
    shipped = pd.read_csv(data_path(P.PEOPLE_FILE), dtype={"zip": str})
    pd.testing.assert_frame_equal(P.make_people_sample(), shipped, check_dtype=False)
    assert len(shipped) == 2000 and shipped["zip"].str.fullmatch(r"[0-9]{5}").all()
    assert shipped["zip"].str[:3].nunique() == 6          # a few clustered areas, so ZIP prefixes matter
    assert shipped["age"].between(18, 95).all()


def test_the_sample_shows_why_generalisation_matters():
    exact = P.sample_report(("age", "zip", "gender"), Generalisation(1, 5, "kept"), 5)
    coarse = P.sample_report(("age", "zip", "gender"), Generalisation(10, 3, "kept"), 5)
    assert exact.rows_suppressed > 0.5 * exact.n_rows      # nearly everyone is unique on the raw columns
    assert coarse.rows_suppressed < 0.1 * coarse.n_rows
    assert coarse.info_loss < exact.info_loss             # suppressing most rows loses more than coarsening

