"""Architecture patterns for step 3: the data file validates, every problem type has a diagram,
the layout reads left to right, the online latency is the hand sum, and the widget reacts."""

import html
import json
import re
import shutil
import subprocess
import sys

import pytest

from widgets import architectures as A
from widgets.architecture_diagram import ArchitectureDiagram, diagram_png
from widgets.data import DATA_ENV, data_dir, data_path
from widgets.framework import load_framework
from widgets.questions import load_bank


def cells(html_text, css_class):
    return [html.unescape(c) for c in re.findall(rf"class='{css_class}'>(?:<b>)?(.*?)(?:</b>)?</td>", html_text)]


def online_latency(w):
    return float(re.search(r"class='mlsd-online-latency'>([0-9.,]+)<", w.latency.value).group(1).replace(",", ""))


# ------------------------------------------------------------------------------------------------
# the pure module
# ------------------------------------------------------------------------------------------------
def test_pure_module_imports_no_ui_library():
    code = ("import sys, widgets.architectures as a; a.layout(a.architecture('ranking')); "
            "print(sorted(m for m in ('ipywidgets', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_the_shipped_file_validates_and_covers_every_problem_type():
    archs = A.load_architectures()
    assert [a.problem_type for a in archs] == [pt.id for pt in load_framework().problem_types]
    for arch in archs:
        ids = {b.id for b in arch.boxes}
        assert arch.online_boxes and arch.offline_boxes, arch.problem_type
        assert all(e.source in ids and e.target in ids for e in arch.edges)
        assert all(b.role and b.scale and b.why for b in arch.boxes)
        assert all(b.latency_ms > 0 for b in arch.online_boxes)
        # every box is joined to the rest, and something from serving flows back to training
        assert {e.source for e in arch.edges} | {e.target for e in arch.edges} == ids, arch.problem_type
        assert any(e.feedback for e in arch.edges), arch.problem_type


@pytest.mark.parametrize("problem_type", A.PROBLEM_TYPES)
def test_the_layout_puts_every_edge_left_to_right(problem_type):
    arch = A.architecture(problem_type)
    lay = A.layout(arch)
    assert {p.box_id for p in lay.placements} == {b.id for b in arch.boxes}
    for e in arch.edges:
        if e.feedback:
            continue
        a, b = lay.placement(e.source), lay.placement(e.target)
        if a.mode == b.mode:
            assert b.layer > a.layer and b.x > a.x, e
        else:
            assert b.layer >= a.layer and b.x >= a.x, e   # across the rows: straight up or to the right
    for p in lay.placements:   # online row above offline row, no two boxes on one spot
        assert (p.y > 0) == (p.mode == "online")
    spots = [(p.x, p.y) for p in lay.placements]
    assert len(set(spots)) == len(spots)
    x0, x1 = lay.xlim
    assert all(x0 < p.x - lay.box_width / 2 and p.x + lay.box_width / 2 < x1 for p in lay.placements)


def test_online_latency_is_the_hand_sum():
    rec = A.architecture("recommendation")
    # candidate generation 10 ms + feature fetch 5 ms + ranker 20 ms + re-ranking 2 ms
    assert [b.id for b in rec.online_path()] == ["candidates", "online_features", "ranker", "rerank"]
    assert rec.online_latency_ms == 10 + 5 + 20 + 2
    gen = A.architecture("generation")
    assert gen.online_latency_ms == 10 + 30 + 3200 + 20
    assert "about 3,260 ms per request, 98% of it in the LLM generation" in gen.say()


def _doc():
    return json.loads(data_path(A.ARCHITECTURES_FILE).read_text(encoding="utf-8"))


def test_online_path_takes_the_slower_of_two_parallel_branches():
    doc = _doc()
    rec = doc["architectures"][0]
    rec["boxes"].insert(1, {"id": "user_history", "name": "User history", "mode": "online", "role": "r",
                            "latency_ms": 40, "scale": "s", "why": "w"})
    rec["edges"] += [{"from": "candidates", "to": "user_history", "label": "l"},
                     {"from": "user_history", "to": "ranker", "label": "l"}]
    arch = A.parse_architectures(doc)[0]
    # candidates 10 -> user history 40 -> ranker 20 -> rerank 2 beats the 5 ms feature fetch branch
    assert [b.id for b in arch.online_path()] == ["candidates", "user_history", "ranker", "rerank"]
    assert arch.online_latency_ms == 72
    lay = A.layout(arch)
    assert lay.placement("user_history").layer == lay.placement("online_features").layer
    assert lay.placement("user_history").slot == 1


@pytest.mark.parametrize("change, message", [
    (lambda d: d["architectures"][2]["edges"].append({"from": "model", "to": "ghost", "label": "x"}),
     "classification, edge 11: 'to' is 'ghost', which is not one of its boxes"),
    (lambda d: d["architectures"].pop(4), "no architecture for problem type 'ranking'"),
    (lambda d: d["architectures"][0]["boxes"][0].update(latency_ms=None), "an online box needs latency_ms"),
    (lambda d: d["architectures"][0]["boxes"][1].update(id="candidates"), "box id 'candidates' is used twice"),
    (lambda d: d["architectures"][0]["edges"][3].pop("feedback"), "mark the edge that closes it"),
    (lambda d: d["architectures"][1].update(problem_type="clustering"), "'clustering' is not one of"),
    (lambda d: d["architectures"][3]["boxes"][0].update(mode="batch"), "mode must be 'online' or 'offline'"),
])
def test_a_malformed_document_is_a_clear_error(change, message):
    doc = _doc()
    change(doc)
    with pytest.raises(A.ArchitectureError, match=re.escape(message)):
        A.parse_architectures(doc)


def test_a_corrupted_file_in_the_data_folder_is_a_clear_error(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    doc = _doc()
    monkeypatch.setenv(DATA_ENV, str(folder))
    assert len(A.load_architectures()) == 5   # the copy is read and valid
    target = folder / A.ARCHITECTURES_FILE
    target.write_text(target.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    with pytest.raises(A.ArchitectureError, match="is not valid JSON"):
        A.load_architectures()
    w = ArchitectureDiagram()
    assert "is not valid JSON" in w.message.value and w.problem_type.disabled and bytes(w.chart.value) == b""
    doc["architectures"][0]["edges"][0]["from"] = "nowhere"
    target.write_text(json.dumps(doc) + "\n" * 3, encoding="utf-8")   # a different size: not the cached read
    with pytest.raises(A.ArchitectureError, match="recommendation, edge 1: 'from' is 'nowhere'"):
        A.load_architectures()


# ------------------------------------------------------------------------------------------------
# the widget
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("problem_type", A.PROBLEM_TYPES)
def test_every_problem_type_has_a_diagram_and_a_table(problem_type):
    w = ArchitectureDiagram(problem_type)
    arch = A.architecture(problem_type)
    assert bytes(w.chart.value).startswith(b"\x89PNG") and w.message.value == ""
    assert cells(w.numbers.value, "mlsd-box-name") == [b.name for b in arch.boxes]
    assert cells(w.numbers.value, "mlsd-box-role") == [b.role for b in arch.boxes]
    assert cells(w.numbers.value, "mlsd-box-cost") == [b.cost for b in arch.boxes]
    assert online_latency(w) == arch.online_latency_ms
    assert "Say it in the interview" in w.say.value and "ms per request" in w.say.value
    assert "mlsd-architecture-diagram" in w._dom_classes


def test_switching_the_dropdown_changes_table_image_and_latency():
    w = ArchitectureDiagram("recommendation")
    before_png, before_table = w.chart.value, w.numbers.value
    assert online_latency(w) == 37
    w.problem_type.value = "ranking"
    assert w.chart.value != before_png and w.numbers.value != before_table
    assert "Heavy ranker" in cells(w.numbers.value, "mlsd-box-name")
    assert online_latency(w) == 5 + 20 + 10 + 30 + 2
    assert [label for label, _ in w.box.options][1:] == [b.name for b in A.architecture("ranking").boxes]
    w.problem_type.value = "recommendation"
    assert w.chart.value == before_png and w.numbers.value == before_table   # from the PNG cache


def test_picking_a_box_highlights_it_and_shows_its_details():
    w = ArchitectureDiagram("recommendation")
    plain = w.chart.value
    assert "Pick a box" in w.details.value
    w.box.value = "ranker"
    assert w.chart.value != plain
    assert "~20 ms" in w.details.value and "Feature fetch (feature vectors)" in w.details.value
    assert "mlsd-box-ranker' style='background" in w.numbers.value
    assert diagram_png(A.architecture("recommendation"), "ranker") == w.chart.value
    w.box.value = ""
    assert w.chart.value == plain


def test_for_question_uses_the_question_problem_type():
    question = next(q for q in load_bank() if q.problem_type == "generation")
    w = ArchitectureDiagram.for_question(question)
    assert w.problem_type.value == "generation" and online_latency(w) == 3260


def test_an_unknown_problem_type_is_a_message_and_the_diagram_stays():
    w = ArchitectureDiagram("classification")
    png, table = w.chart.value, w.numbers.value
    assert w.select("clustering") is False
    assert "Unknown problem type 'clustering'" in html.unescape(w.message.value)
    assert w.chart.value == png and w.numbers.value == table and w.problem_type.value == "classification"
    assert w.highlight("no-such-box") is False and "has no box" in w.message.value
    assert w.select("regression") and w.message.value == "" and w.chart.value != png
    built = ArchitectureDiagram("clustering")
    assert "Unknown problem type" in built.message.value and bytes(built.chart.value).startswith(b"\x89PNG")
