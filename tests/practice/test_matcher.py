"""The concept matcher: inflections, synonyms, abbreviations, typos, negations and bare keyword lists, the spans it
highlights, and its measured agreement with the hand-judged evaluation set (printed; F1 on the untouched half
held to the issue's target)."""

from __future__ import annotations

import collections
import importlib.util
from pathlib import Path

import pytest

from widgets.practice.framework import coverage, load_framework
from widgets.practice.matcher import COVERED, MISSED, PARTLY, Answer, match_points
from widgets.tools.reference import load_reference

ROOT = Path(__file__).resolve().parents[2]


def status(text: str, *concepts) -> str:
    return Answer(text).match("p", [list(c) for c in concepts]).status


@pytest.mark.parametrize("text, concepts", [
    ("We label impressions that were skipped as negatives.", (["label"], ["skip"], ["negative"])),   # inflections
    ("Peak load is 58K QPS.", (["peak"], ["requests per second"])),                                  # abbreviation
    ("About 58K requests a second at peak.", (["peak"], ["qps"])),
    ("The click-through rate and the 99th percentile latency", (["ctr"], ["p99"])),
    ("Retrieve with HNSW over the item vectors.", (["approximate nearest neighbour"],)),              # synonym
    ("Labelling is done by annotaters and the recomendations are calibratd.",                         # typos
     (["annotator"], ["recommendation"], ["calibrate"])),
    ("Serve on CPUs; train on GPUs.", (["cpu"], ["gpu"])),                                             # short plurals
    ("We report recall@10 and nDCG@10.", (["recall@k"], ["ndcg"])),
    ("Run an A/B on 5% of users.", (["a/b test"],)),
    ("Latency must not exceed 200ms at p99.", (["200 millisecond"], ["p99"])),                        # a limit
    ("Split by time to avoid leakage from the future.", (["split"], ["future"])),
    ("Features never leak the future into training.", (["leak"], ["future"])),
])
def test_a_point_stated_in_other_words_forms_or_spellings_is_covered(text, concepts):
    assert status(text, *concepts) == COVERED


@pytest.mark.parametrize("text, concepts, expected", [
    ("We will not use personal data for this.", (["pii"],), MISSED),
    ("Instead of a GBDT we train a two-tower model.", (["gradient boosted trees"],), MISSED),
    ("No need for a feature store here.", (["feature store"],), MISSED),
    ("A time-based split isn't needed for similarity.", (["time-based split"],), MISSED),
    ("Calibration: isotonic, Platt.", (["calibration"],), PARTLY),                          # a bare list
    ("Metrics: precision, recall, NDCG, CTR, latency.", (["ndcg"],), PARTLY),
    ("Compare precision, recall, coverage, ndcg", (["ndcg"],), PARTLY),
    ("At peak we are fine.", (["peak"], ["qps"]), PARTLY),                                  # one of two concepts
    ("We watch the dashboards.", (["peak"], ["qps"]), MISSED),
])
def test_refusals_keyword_lists_and_half_points_are_not_covered(text, concepts, expected):
    assert status(text, *concepts) == expected


def test_spans_point_at_the_matched_words_of_the_original_text():
    text = "Peak traffic: 58K requests a second."
    m = Answer(text).match("p", [["peak"], ["qps"]])
    assert [text[a:b] for a, b in m.spans] == ["Peak", "requests a second"]


def test_the_rubric_hints_use_the_same_matcher():
    step = load_framework().step(4)
    c = coverage("Calibration: isotonic, Platt.", step)
    assert "calibration" in {i.id for i, _ in c.partly}
    c = coverage("We check the calibration of the scores with a reliability diagram and isotonic regression.", step)
    assert "calibration" in {i.id for i, _ in c.covered}


def test_every_reference_sample_covers_most_of_its_own_outline():
    """A strong answer written for the step covers most of the step's points: the concepts are reachable."""
    for qid in ("spotify-recommendations", "youtube-offensive-content", "netflix-watch-time",
                "linkedin-job-recommendations"):
        for step in load_reference(qid).steps.values():
            found = collections.Counter(m.status for m in match_points(step.sample, step.points))
            assert found[COVERED] >= 0.6 * len(step.points), (qid, step.number, found)


# -- the evaluation set ---------------------------------------------------------------------------------

def _benchmark():
    spec = importlib.util.spec_from_file_location("matcher_benchmark", ROOT / "benchmarks" / "matcher.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_evaluation_set_is_large_varied_and_every_target_exists():
    bench = _benchmark()
    rows = bench.load_pairs()
    assert len(rows) >= 300 and len({r["question"] for r in rows}) >= 12
    assert {r["step"] for r in rows} == {1, 2, 3, 4, 5, 6}
    kinds = collections.Counter(r["kind"] for r in rows)
    assert min(kinds[k] for k in ("paraphrase", "negation", "keywords")) >= 30
    for r in rows:
        bench.target(r)   # a point or rubric item that exists, else StopIteration
    halves = collections.Counter(r["half"] for r in rows)
    assert min(halves.values()) >= 0.4 * len(rows)


def test_the_matcher_agrees_with_the_hand_judgements_on_the_untouched_half(capsys):
    bench = _benchmark()
    rows = [r for r in bench.load_pairs() if r["half"] == "test"]
    p, r, f1, _ = bench.scores(rows, bench.matcher_says)
    bp, br, bf1, _ = bench.scores(rows, bench.keywords_say)
    with capsys.disabled():
        print(f"\nmatcher on the untouched half ({len(rows)} pairs): precision {p:.3f} recall {r:.3f} F1 {f1:.3f}; "
              f"keyword hints: precision {bp:.3f} recall {br:.3f} F1 {bf1:.3f}")
    assert f1 >= 0.85 and f1 > bf1
