import json

import pytest

from widgets.practice.data import data_path
from widgets.practice.framework import (
    PROBLEM_TYPES,
    FrameworkError,
    RubricItem,
    coverage,
    load_framework,
    parse_framework,
)


def test_six_steps_with_the_guides_budgets():
    fw = load_framework()
    assert [(s.number, s.minutes) for s in fw.steps] == [(1, 8), (2, 8), (3, 8), (4, 8), (5, 8), (6, 5)]
    assert fw.total_minutes == 45
    assert [s.id for s in fw.steps] == ["define-the-problem", "data-pipeline", "model-architecture",
                                        "train-and-evaluate", "deploy-serve-monitor", "wrap-up"]


def test_every_step_has_prompts_and_a_rubric_of_four_to_eight_items():
    for step in load_framework().steps:
        assert step.prompts and step.topics and step.goal
        assert 4 <= len(step.rubric) <= 8
        for item in step.rubric:
            assert item.keywords and all(k == k.lower() for k in item.keywords)


def test_problem_types_are_the_guides_five():
    fw = load_framework()
    assert tuple(pt.id for pt in fw.problem_types) == PROBLEM_TYPES
    for pt in fw.problem_types:
        assert pt.model_families and pt.metrics and pt.data_shape


@pytest.mark.parametrize("step_number, text, item_hint", [
    (2, "Split by user so one spammer's emails stay in the same fold: no leakage.", "contamina"),
    (4, "Report precision@10 and NDCG@10 and check the scores are calibrated.", "calibra"),
    (5, "Roll out with a canary, then an A/B test; monitor drift.", "rollout"),
])
def test_coverage_finds_items_the_text_mentions(step_number, text, item_hint):
    step = load_framework().step(step_number)
    result = coverage(text, step)
    covered_ids = [item.id for item, _ in result.covered]
    assert any(item_hint in i or any(item_hint in k for k in step.rubric_item(i).keywords) for i in covered_ids), covered_ids
    assert len(result.covered) + len(result.missing) == len(step.rubric)


def test_coverage_of_an_empty_answer_misses_everything():
    step = load_framework().step(1)
    result = coverage("", step)
    assert result.covered == () and len(result.missing) == len(step.rubric) and result.fraction == 0.0


def test_keywords_match_at_word_starts_only():
    item = RubricItem("x", "X", "", ("qps", "requests per second"))
    assert item.mentioned_in("Peak QPS is 7K; that is 7000 requests\nper second.") == ("qps", "requests per second")
    assert item.mentioned_in("fqps") == ()


def _raw():
    return json.loads(data_path("framework.json").read_text())


@pytest.mark.parametrize("mutate, expected", [
    (lambda r: r["steps"][2].pop("rubric"), r"steps\[3\]: field 'rubric' is missing"),
    (lambda r: r["steps"][0]["rubric"].__delitem__(slice(3, None)), r"steps\[1\]: the rubric needs 4 to 8 items"),
    (lambda r: r["steps"][1].update(minutes=0), r"steps\[2\]: field 'minutes' must be positive"),
    (lambda r: r.update(total_minutes=40), "total_minutes is not the sum"),
    (lambda r: r["problem_types"].reverse(), "problem_types must be"),
])
def test_malformed_framework_names_the_place_and_field(mutate, expected):
    raw = _raw()
    mutate(raw)
    with pytest.raises(FrameworkError, match=expected):
        parse_framework(raw)
