"""The contamination explorer (views/contamination): its numbers are the study's and follow its controls; bad values
are messages (moved from tests/test_splits.py)."""

import html
import re

from widgets.tools import contamination as S
from widgets.views.contamination import ContaminationExplorer


def cell(html_text, css_class):
    return float(re.search(rf"class='{css_class}'>([-+0-9.]+)<", html_text).group(1))


def test_the_explorer_shows_the_studys_numbers_and_follows_its_controls():
    w = ContaminationExplorer()
    assert "mlsd-contamination-explorer" in w._dom_classes
    s = S.contamination_study("reviews by author", 0.2, "random forest", 12)
    assert cell(w.numbers.value, "mlsd-score-random") == round(s.scores["random"], 3)
    assert cell(w.numbers.value, "mlsd-score-group") == round(s.scores["honest"], 3)
    assert cell(w.numbers.value, "mlsd-gap") == round(s.scores["gap"], 3) > 0.08
    assert f"{s.scores['gap']:.3f}" in w.say.value and "split by author" in w.say.value
    first_png = w.chart.value
    w.reviews_per_author.value = 1
    assert cell(w.numbers.value, "mlsd-gap") == 0.0
    assert "one review per author" in w.say.value and w.chart.value != first_png
    w.reviews_per_author.value = 12
    assert w.study is s   # moving back reuses the cached fit

    w.dataset.value = "deliveries over time"
    assert w.reviews_per_author.layout.display == "none" and w.date_resolution.layout.display is None
    assert cell(w.numbers.value, "mlsd-score-time") > 0.5 and "mlsd-score-group" not in w.numbers.value
    gap_by_day = cell(w.numbers.value, "mlsd-gap")
    w.date_resolution.value = "not given"
    assert cell(w.numbers.value, "mlsd-gap") < gap_by_day - 0.05
    assert "not given the date" in w.say.value


def test_the_model_choice_refits_and_logistic_regression_barely_leaks():
    w = ContaminationExplorer(model="logistic regression")
    assert abs(cell(w.numbers.value, "mlsd-gap")) < 0.03
    w.model.value = "random forest"
    assert cell(w.numbers.value, "mlsd-gap") > 0.08


def test_bad_input_in_the_widget_is_a_message_and_the_numbers_stay():
    w = ContaminationExplorer()
    before, say = w.numbers.value, w.say.value
    w.held_out.max = 0.9          # a notebook that widened the slider beyond the supported range
    w.held_out.value = 0.9
    assert "between 10% and 50%" in w.message.value
    assert w.numbers.value == before and w.say.value == say
    w.held_out.value = 0.3
    assert w.message.value == "" and w.numbers.value != before


def test_a_typo_in_the_notebook_cell_is_a_message_not_a_traceback():
    w = ContaminationExplorer(dataset="tweets")
    assert "Unknown data set 'tweets'" in html.unescape(w.message.value)
    assert w.dataset.value == "reviews by author" and cell(w.numbers.value, "mlsd-score-random") > 0.5

