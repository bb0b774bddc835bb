"""The reference answers: every file loads, the outlines are specific to their question, their numbers come
from the capacity functions, and a malformed file is an error naming the file and the field."""

from __future__ import annotations

import copy
import itertools
import json
import re
import string
from collections import Counter

import pytest

from widgets.practice.questions import UnknownQuestionError, load_bank
from widgets.tools.capacity import format_bytes, format_quantity, storage, traffic
from widgets.tools.reference import (
    NoReferenceError,
    ReferenceDataError,
    load_pitfalls,
    load_reference,
    parse_reference,
    reference_dir,
    scale_numbers,
    written_questions,
)

WRITTEN = written_questions()
GUIDE = ("spotify-recommendations", "youtube-offensive-content", "netflix-watch-time", "linkedin-job-recommendations")


def _raw(qid: str) -> dict:
    return json.loads((reference_dir() / f"{qid}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("qid", WRITTEN)
def test_every_written_reference_loads_with_six_steps_of_five_to_nine_points(qid):
    ref = load_reference(qid)
    assert sorted(ref.steps) == [1, 2, 3, 4, 5, 6]
    for step in ref.steps.values():
        assert 5 <= len(step.points) <= 9 and 2 <= len(step.follow_ups) <= 3
        assert all(p.text and p.concepts for p in step.points)
        assert "{" not in " ".join(p.text for p in step.points)
        assert len(ref.pitfalls[step.number]) >= 2


def test_the_guides_four_questions_have_a_sample_answer_for_every_step():
    for qid in GUIDE:
        ref = load_reference(qid)
        for step in ref.steps.values():
            assert step.sample and 150 <= len(step.sample.split()) <= 250, (qid, step.number)


def test_every_question_of_the_bank_has_a_reference():
    assert set(WRITTEN) == {q.id for q in load_bank()}


def _placeholders(text: str, qid: str) -> str:
    q = load_bank().get(qid)
    out = text.lower()
    for word in sorted({q.title, q.company, q.domain, q.title.split("'")[0]} - {""}, key=len, reverse=True):
        out = out.replace(word.lower(), "<q>")
    out = re.sub(r"\{[a-z_]+\}", "<n>", out)
    out = re.sub(r"\d[\d,.]*\s*[kmbt%]?", "<n>", out)
    return " ".join(out.split())


def _point_texts(qid: str) -> list[str]:
    return [p["text"] for s in _raw(qid)["steps"].values() for p in s["points"]]


def test_no_two_questions_share_more_than_a_third_of_their_points_word_for_word():
    texts = {qid: set(_point_texts(qid)) for qid in WRITTEN}
    for a, b in itertools.combinations(WRITTEN, 2):
        shared = texts[a] & texts[b]
        assert len(shared) <= min(len(texts[a]), len(texts[b])) / 3, (a, b, sorted(shared)[:3])


def test_with_the_question_and_its_numbers_replaced_no_point_occurs_in_more_than_two_questions():
    seen = Counter()
    for qid in WRITTEN:
        for text in {_placeholders(t, qid) for t in _point_texts(qid)}:
            seen[text] += 1
    common = [(t, n) for t, n in seen.items() if n > 2]
    assert not common, common[:5]


def test_an_outlines_numbers_are_the_capacity_functions_results_for_its_question():
    """Every number a point quotes at the question's scale is a template, filled by scale_numbers, and equals
    the capacity functions' result computed here independently; no file types one of them by hand."""
    used = 0
    for qid in WRITTEN:
        q, raw = load_bank().get(qid), _raw(qid)
        scale = {"peak_factor": 2.0, "bytes_per_event": 500.0, "replication": 3.0, "retention_days": 365.0,
                 "embedding_dim": 128.0} | raw.get("scale", {})
        t = traffic(q.daily_active_users, q.actions_per_user_per_day, peak_factor=scale["peak_factor"])
        log = storage(t.requests_per_day, bytes_per_record=scale["bytes_per_event"],
                      replication=scale["replication"], retention_days=scale["retention_days"])
        expected = {"requests_per_day": format_quantity(t.requests_per_day),
                    "peak_rps": format_quantity(t.peak_rps), "average_rps": format_quantity(t.average_rps),
                    "log_per_day": format_bytes(log.bytes_per_day), "log_per_year": format_bytes(log.bytes_per_year),
                    "index_size": format_bytes(q.items * scale["embedding_dim"] * 4)}
        numbers = scale_numbers(q, raw.get("scale"))
        assert {k: numbers[k] for k in expected} == expected
        ref = load_reference(qid)
        for n, s in raw["steps"].items():
            for p, loaded in zip(s["points"], ref.step(int(n)).points):
                names = [f for _, f, _, _ in string.Formatter().parse(p["text"]) if f]
                used += len(names)
                for name in names:
                    assert numbers[name] in loaded.text
                for name in ("peak_rps", "requests_per_day", "log_per_year", "index_size"):
                    literal = numbers[name]
                    assert not re.search(rf"(?<![\w.]){re.escape(literal)}(?![\w])", p["text"]), (
                        f"{qid} step {n} {p['id']}: {literal} typed by hand; write {{{name}}}")
        step1 = " ".join(p["text"] for p in raw["steps"]["1"]["points"])
        assert "{peak_rps}" in step1 or "{requests_per_day}" in step1 or "{average_rps}" in step1, qid
    assert used >= len(WRITTEN) * 2


def test_pitfalls_cover_every_problem_type_and_step():
    pitfalls = load_pitfalls()
    assert set(pitfalls) == {"recommendation", "ranking", "classification", "regression", "generation"}
    assert all(2 <= len(pitfalls[k][n]) <= 4 for k in pitfalls for n in range(1, 7))


# -- the loader's errors name the file and the field --------------------------------------------------

def _valid() -> dict:
    point = {"id": "p{}", "text": "Point {} at {{peak_rps}} a second", "concepts": [["peak"], ["qps", "rps"]]}
    step = {"points": [{k: (v.format(i) if isinstance(v, str) else v) for k, v in point.items()} for i in range(5)],
            "follow_ups": ["Why?", "And then?"]}
    return {"question": "podcast-search", "steps": {str(n): copy.deepcopy(step) for n in range(1, 7)}}


def _error(raw) -> str:
    with pytest.raises(ReferenceDataError) as e:
        parse_reference(raw, load_bank().get("podcast-search"), "podcast-search.json")
    return str(e.value)


def test_a_valid_document_parses_and_fills_its_numbers():
    ref = parse_reference(_valid(), load_bank().get("podcast-search"), "x.json")
    assert ref.step(1).points[0].text.endswith(f"at {ref.numbers['peak_rps']} a second")


@pytest.mark.parametrize("change, says", [
    (lambda r: r["steps"].pop("4"), "podcast-search.json: steps: step 4 is missing."),
    (lambda r: r["steps"]["2"]["points"][3].update(text="  "), "podcast-search.json: steps.2.points[3].text: must be"),
    (lambda r: r["steps"]["2"]["points"][1].update(concepts=[[]]), "steps.2.points[1].concepts: must be"),
    (lambda r: r.update(question="no-such-question"), "question: 'no-such-question' is not a question id"),
    (lambda r: r.update(question="youtube-search"), "question: is 'youtube-search', but the file is for"),
    (lambda r: r["steps"]["5"]["points"][0].update(text="At {peak_qps} a second"),
     "steps.5.points[0].text: the number {peak_qps} does not resolve"),
    (lambda r: r["steps"]["6"]["points"][0].update(text="A stray { brace"), "steps.6.points[0].text: a template is"),
    (lambda r: r["steps"]["3"].update(points=r["steps"]["3"]["points"][:4]), "steps.3.points: needs 5 to 9 points"),
    (lambda r: r["steps"]["1"].update(follow_ups=["Only one?"]), "steps.1.follow_ups: needs 2 to 3"),
    (lambda r: r["steps"]["1"].update(sample="Too short."), "steps.1.sample: has 2 words"),
    (lambda r: r.update(scale={"peak_factor": -1}), "scale.peak_factor: must be a positive number"),
    (lambda r: r["steps"]["1"]["points"][1].update(id="p0"), "steps.1.points[1].id: 'p0' is used twice"),
])
def test_a_malformed_reference_is_an_error_naming_the_file_and_the_field(change, says):
    raw = _valid()
    change(raw)
    assert says in _error(raw)


def test_an_unknown_question_id_and_an_unwritten_reference_are_clear(tmp_path, monkeypatch):
    with pytest.raises(UnknownQuestionError, match="no-such-question"):
        load_reference("no-such-question")
    from widgets.tools import reference
    monkeypatch.setattr(reference, "reference_dir", lambda: tmp_path)
    reference._load.cache_clear()
    try:
        with pytest.raises(NoReferenceError, match="No reference answer is written for"):
            load_reference("podcast-search")
    finally:
        reference._load.cache_clear()


def test_every_point_is_covered_by_its_own_text():
    """A candidate who says what the reference says is told so: each point's text states all its concepts."""
    from widgets.practice.matcher import COVERED, Answer

    missed = [(qid, n, p.id) for qid in WRITTEN for n, s in load_reference(qid).steps.items() for p in s.points
              if Answer(p.text).match(p.id, p.concepts).status != COVERED]
    assert not missed, missed[:10]
