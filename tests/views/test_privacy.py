"""The k-anonymity explorer (views/privacy): its numbers and preview follow the controls (moved from
tests/test_privacy.py)."""

import re
from collections import Counter

import numpy as np
import pandas as pd

from widgets.tools import privacy as P
from widgets.tools.privacy import Generalisation, anonymise
from widgets.views.privacy import PrivacyExplorer


def cell(html_text, css_class):
    return float(re.search(rf"class='{css_class}'>([0-9.]+)", html_text).group(1))


def brute_force_k(released: pd.DataFrame) -> int:
    return min(Counter(map(tuple, released.to_numpy())).values())


def test_explorer_numbers_match_the_pure_module_and_follow_the_zip_slider():
    w = PrivacyExplorer()
    assert "mlsd-privacy-explorer" in w._dom_classes
    people = P.load_people_sample()
    expected = anonymise(people, ["age", "zip", "gender"], Generalisation(10, 3, "kept"), 5)
    assert cell(w.numbers.value, "mlsd-k-value") == expected.k == brute_force_k(expected.released)
    assert cell(w.numbers.value, "mlsd-classes-below-k") == expected.classes_below_k
    assert cell(w.numbers.value, "mlsd-rows-suppressed") == expected.rows_suppressed
    assert cell(w.numbers.value, "mlsd-info-loss") == round(expected.info_loss, 3)
    assert f"{expected.rows_suppressed:,} rows ({expected.suppressed_share:.1%})" in w.say.value
    first_png, first_numbers = w.chart.value, w.numbers.value
    w.zip_digits.value = 1
    coarser = anonymise(people, ["age", "zip", "gender"], Generalisation(10, 1, "kept"), 5)
    assert cell(w.numbers.value, "mlsd-rows-suppressed") == coarser.rows_suppressed < expected.rows_suppressed
    assert "1-digit ZIPs" in w.say.value
    assert w.numbers.value != first_numbers and w.chart.value != first_png
    assert "0****" in w.preview.value


def test_explorer_preview_shows_released_values_and_suppressed_rows():
    w = PrivacyExplorer()          # 10-year bins, 3-digit ZIPs, gender kept, k=5
    r = w.report
    rows = re.findall(r"<tr class='mlsd-preview-row( mlsd-suppressed)?'[^>]*>(.*?)</tr>", w.preview.value)
    first_suppressed = int(np.flatnonzero(r.suppressed)[0])
    shown = [int(re.match(r"<td>(\d+)</td>", cells).group(1)) - 1 for _, cells in rows]
    assert shown[:6] == list(range(6)) and first_suppressed in shown
    people = P.load_people_sample()
    for (gone, cells), i in zip(rows, shown):
        values = re.findall(r"<td>(.*?)</td>", cells)
        age = people["age"].iloc[i]
        assert values[1] == f"{age // 10 * 10}-{age // 10 * 10 + 9}"
        assert values[2] == people["zip"].iloc[i][:3] + "**"
        assert bool(gone) == bool(r.suppressed[i]) and int(values[-2]) == r.class_sizes[r.class_ids[i]]


def test_explorer_removing_every_column_gives_one_group():
    w = PrivacyExplorer(target_k=5)
    w.age_bin.value = 0
    w.zip_digits.value = 0
    w.gender.value = "removed"
    assert cell(w.numbers.value, "mlsd-k-value") == 2000
    assert cell(w.numbers.value, "mlsd-rows-suppressed") == 0
    assert cell(w.numbers.value, "mlsd-info-loss") == 1.0


def test_explorer_target_k_and_l_diversity():
    w = PrivacyExplorer(target_k=5)
    assert "mlsd-l-value" not in w.numbers.value
    w.target_k.value = 2
    w.l_diversity.value = True
    r = P.sample_report(("age", "zip", "gender"), Generalisation(10, 3, "kept"), 2)
    released = P.load_people_sample()[~r.suppressed]
    keys = r.released[~r.suppressed].apply(tuple, axis=1)
    assert cell(w.numbers.value, "mlsd-l-value") == released.groupby(keys.to_numpy())["diagnosis"].nunique().min() == 1
    assert cell(w.numbers.value, "mlsd-k-after") >= 2
    assert "single diagnosis (l=1)" in w.say.value


def test_explorer_marital_status_control_is_enabled_only_when_chosen():
    w = PrivacyExplorer()
    assert w.marital.disabled and not w.age_bin.disabled
    before = cell(w.numbers.value, "mlsd-k-value"), cell(w.numbers.value, "mlsd-classes")
    w.quasi_identifiers["marital_status"].value = True
    assert not w.marital.disabled
    assert cell(w.numbers.value, "mlsd-classes") > before[1]      # one more column splits groups
    assert "marital status" in w.preview.value


def test_explorer_bad_input_keeps_the_last_numbers():
    w = PrivacyExplorer()
    numbers, say = w.numbers.value, w.say.value
    w.target_k.value = 0
    assert "k must be a whole number of at least 1" in w.message.value
    assert w.numbers.value == numbers and w.say.value == say
    w.target_k.value = 5
    assert w.message.value == ""
    w.quasi_identifiers["age"].value = False
    w.quasi_identifiers["gender"].value = False
    assert "Treating ZIP as a quasi-identifier" in w.say.value
    numbers, say = w.numbers.value, w.say.value
    w.quasi_identifiers["zip"].value = False
    assert "Choose at least one quasi-identifier" in w.message.value and "k = 2,000" in w.message.value
    assert w.numbers.value == numbers and w.say.value == say
    w.quasi_identifiers["gender"].value = True
    assert w.message.value == "" and "Treating gender as a quasi-identifier" in w.say.value



def test_explorer_explains_each_measure_it_shows_and_its_example_is_right():
    """Every measure in the table has a line saying what it means; the ten-year example is the module's own
    certainty penalty for a whole ten-year age bin on the sample: 9 years over the ages' range, 18 to 95."""
    w = PrivacyExplorer()
    w.l_diversity.value = True
    for term in ("k: the size of the smallest group", "Certainty penalty:", "Discernibility:", "l: the fewest"):
        assert term in w.numbers.value
    people = P.load_people_sample()
    ten_years = P.certainty_penalty(people, ["age"], Generalisation(10, 5, "kept"))[:, 0]
    assert re.search(r"ten-year bin ([0-9.]+) here", w.numbers.value).group(1) == f"{ten_years.max():.2f}" == "0.12"
