"""The robustness explorer (views/robustness): the strength moves the flip rate and the chart, an empty feature
selection is a message that keeps the numbers, and the text data works with its own perturbations."""

import html
import re

import pytest

from widgets.tools import robustness as R
from widgets.views.robustness import RobustnessExplorer


def cell(table, css_class):
    """The number in the first cell of a CSS class (a percentage as a share)."""
    text = re.search(rf"class='{css_class}'[^>]*>(-?[0-9.,]+%?)<", table).group(1)
    return float(text[:-1]) / 100 if text.endswith("%") else float(text)


@pytest.fixture(scope="module")
def tool():
    return RobustnessExplorer()


def test_the_table_shows_the_studys_numbers(tool):
    assert "mlsd-robustness-explorer" in tool._dom_classes
    out = R.evaluate(R.TABULAR, R.NOISE, 0.5, R.NUMERIC)
    table = tool.numbers.value
    for css, value in [("mlsd-auc-before", out.overall["model"].auc_before),
                       ("mlsd-auc-after", out.overall["model"].auc_after),
                       ("mlsd-accuracy-after", out.overall["model"].accuracy_after),
                       ("mlsd-rule-auc-after", out.overall["one-feature rule"].auc_after),
                       ("mlsd-majority-auc-after", 0.5),
                       ("mlsd-random-flip-rate", 0.0)]:
        assert cell(table, css) == pytest.approx(value, abs=5e-4), css
    assert cell(table, "mlsd-flip-rate") == pytest.approx(out.overall["model"].flip_rate, abs=5e-4)
    assert f"{out.overall['model'].flip_rate:.0%} of decisions flip" in tool.say.value
    assert "The working" in tool.working.value and "income" in tool.working.value


def test_moving_the_strength_changes_the_flip_rate_and_the_chart(tool):
    tool.data.value, tool.perturbation.value = R.TABULAR, R.NOISE
    tool.features.value = R.NUMERIC
    tool.strength.value = 0.5
    flips, png, say = cell(tool.numbers.value, "mlsd-flip-rate"), tool.chart.value, tool.say_text
    tool.strength.value = 1.5
    assert cell(tool.numbers.value, "mlsd-flip-rate") > flips
    assert cell(tool.numbers.value, "mlsd-flip-rate") == pytest.approx(
        R.evaluate(R.TABULAR, R.NOISE, 1.5, R.NUMERIC).overall["model"].flip_rate, abs=5e-4)
    assert tool.chart.value != png and tool.say_text != say and "noise of 1.5 standard deviations" in tool.say_text
    tool.strength.value = 0.0
    assert cell(tool.numbers.value, "mlsd-flip-rate") == 0
    assert cell(tool.numbers.value, "mlsd-auc-before") == cell(tool.numbers.value, "mlsd-auc-after")
    tool.strength.value = 0.5
    assert tool.chart.value == png   # the same setting draws the same chart


def test_an_empty_feature_selection_is_a_message_and_the_numbers_stay(tool):
    tool.data.value, tool.perturbation.value = R.TABULAR, R.NOISE
    tool.features.value = ("income",)
    numbers, say, png = tool.numbers.value, tool.say.value, tool.chart.value
    tool.features.value = ()
    assert "Choose at least one feature to perturb." in tool.message.value and "mlsd-error" in tool.message.value
    assert (tool.numbers.value, tool.say.value, tool.chart.value) == (numbers, say, png)
    assert "mlsd-stale" in tool.numbers._dom_classes
    tool.features.value = ("income", "debt_to_income")
    assert tool.message.value == "" and tool.numbers.value != numbers
    assert "mlsd-stale" not in tool.numbers._dom_classes


def test_a_perturbation_offers_its_own_features_and_range(tool):
    tool.data.value = R.TABULAR
    tool.perturbation.value = R.MISSING
    assert tool.features.options == R.TABULAR_FEATURES and tool.strength.max == 1.0
    tool.features.value = ("merchant_id",)
    assert tool.message.value == "" and "merchant_id missing for 50% of applicants" in tool.say_text
    tool.perturbation.value = R.SHIFT
    assert tool.features.options == R.NUMERIC and tool.features.value == R.DEFAULT_FEATURES[R.SHIFT]
    assert tool.subgroup.layout.display is None and tool.subgroup.value == "debt consolidation"
    assert "mlsd-subgroup-heading" in tool.numbers.value
    group = R.evaluate(R.TABULAR, R.SHIFT, 0.3, ("income",), "debt consolidation").group["model"]
    assert cell(tool.numbers.value, "mlsd-group-flip-rate") == pytest.approx(group.flip_rate, abs=5e-4)
    tool.subgroup.value = "holiday"
    assert "for holiday loans only" in tool.say_text
    tool.perturbation.value = R.NOISE
    assert tool.subgroup.layout.display == "none" and "mlsd-subgroup-heading" not in tool.numbers.value


def test_switching_to_the_text_data(tool):
    tool.data.value = R.TEXT
    assert tool.perturbation.options == R.PERTURBATIONS[R.TEXT] and tool.perturbation.value == R.TYPOS
    assert tool.features.layout.display == "none" and tool.strength.max == 0.5 and tool.message.value == ""
    out = R.evaluate(R.TEXT, R.TYPOS, 0.1)
    assert cell(tool.numbers.value, "mlsd-auc-before") == pytest.approx(out.overall["model"].auc_before, abs=5e-4)
    assert "a typo in 10% of words" in tool.say_text and "review" in tool.about.value
    before, after = out.examples[0]
    assert before != after and "mlsd-robustness-examples" in tool.working.value
    assert html.escape(before, quote=False) in tool.working.value and html.escape(after, quote=False) in tool.working.value
    png = tool.chart.value
    tool.perturbation.value = R.DROPS
    tool.strength.value = 0.3
    assert "30% of words dropped" in tool.say_text and tool.chart.value != png
    tool.perturbation.value = R.SHIFT
    tool.subgroup.value = "books"
    assert "the books reviews have 50% of their opinion words swapped" in tool.say_text
    tool.data.value = R.TABULAR   # and back
    assert tool.perturbation.value == R.NOISE and tool.features.layout.display is None and tool.message.value == ""
