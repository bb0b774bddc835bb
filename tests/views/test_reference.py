"""The reference outline in a step's answer widget: nothing of it before the candidate commits (Finish or the
time running out), then every point marked against the answer, the matched words highlighted, the follow-ups,
the pitfalls and the sample answer; it follows later edits; a person's text is escaped."""

import json

import pytest

from widgets.practice.framework import load_framework
from widgets.practice.store import AnswerStore
from widgets.tools.reference import load_reference
from widgets.views.answer import StepAnswer
from widgets.views.reference import ReferenceOutline, outline_html

Q = "spotify-recommendations"


@pytest.fixture
def make(clock):
    def make(step=1, question=Q):
        store = AnswerStore(now=clock)
        return StepAnswer(store.attempt_step("ada", question, step), load_framework().step(step), now=clock,
                          autotick=False)
    return make


def _state_text(widget) -> str:
    """Every value the kernel would send to the browser for this widget and its children."""
    out, todo = [], [widget]
    while todo:
        w = todo.pop()
        out.append(json.dumps(w.get_state(), default=str))
        todo.extend(getattr(w, "children", ()))
    return " ".join(out)


def test_the_outline_is_not_sent_before_finish_then_opens_beside_the_answer(make):
    w = make(step=1)
    ref = load_reference(Q).step(1)
    w.text.value = "Frame it as ranking tracks for each listener; at peak we plan for the requests per second."
    sent = _state_text(w)
    assert not w.outline.revealed and w.outline.value == ""
    assert all(p.text not in sent for p in ref.points) and ref.follow_ups[0] not in sent
    w.finish_button.click()
    assert w.outline.revealed and w.outline.layout.display is None and w.prompts.layout.display == "none"
    value = w.outline.value
    assert all(p.text.replace("'", "&#39;") in value for p in ref.points)
    assert "mlsd-follow-ups" in value and "mlsd-pitfalls" in value and "Read a sample answer" in value
    assert value.count("class='mlsd-point ") == len(ref.points)
    assert "not a grade" in value and "<mark>" in value


def test_the_time_running_out_reveals_the_outline(make, clock):
    w = make(step=6)
    w.start_button.click()
    clock.advance(299)
    w.tick()
    assert not w.outline.revealed
    clock.advance(2)
    w.tick()
    assert w.outline.revealed and "Reference outline" in w.outline.value


def test_each_point_follows_the_answer_and_later_edits_update_it(make):
    w = make(step=1)
    w.finish_button.click()
    before = w.outline.value
    assert "mlsd-point-covered" not in before and "(nothing written)" in before
    points = load_reference(Q).step(1).points   # an answer stating every concept of every point covers them all
    w.text.value = " ".join("We plan " + " then ".join(c[0] for c in p.concepts) + "." for p in points)
    after = w.outline.value
    assert after.count("mlsd-point-covered") == len(load_reference(Q).step(1).points)
    assert "mlsd-point-missed" not in after


def test_a_persons_text_in_the_highlighted_answer_is_escaped():
    value = outline_html(Q, 4, "<img src=x onerror=alert(1)> we compare ndcg@10 against a popularity baseline")
    assert "<img" not in value and "&lt;img src=x onerror=alert(1)&gt;" in value


def test_a_question_without_a_reference_says_so(tmp_path, monkeypatch):
    from widgets.tools import reference
    monkeypatch.setattr(reference, "reference_dir", lambda: tmp_path)
    reference._load.cache_clear()
    outline_html.cache_clear()
    try:
        box = ReferenceOutline("podcast-search", 2)
        box.reveal("anything")
        assert "No reference answer is written for" in box.value
    finally:
        reference._load.cache_clear()
        outline_html.cache_clear()


def test_a_broken_reference_file_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    from widgets.tools import reference
    (tmp_path / "pitfalls.json").write_text((reference.reference_dir() / "pitfalls.json").read_text())
    (tmp_path / "podcast-search.json").write_text("{ not json")
    monkeypatch.setattr(reference, "reference_dir", lambda: tmp_path)
    reference._load.cache_clear()
    reference.load_pitfalls.cache_clear()
    outline_html.cache_clear()
    try:
        box = ReferenceOutline("podcast-search", 3)
        box.reveal("<b>my answer</b>")
        assert "The reference answer could not be read: podcast-search.json: not valid JSON" in box.value
    finally:
        reference._load.cache_clear()
        reference.load_pitfalls.cache_clear()
        outline_html.cache_clear()
