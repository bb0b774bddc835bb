"""Architecture patterns for step 3 (tools/architectures): the data file validates, every problem type has one, the
online latency is the slowest chain (moved from tests/test_architectures.py)."""

import json
import re
import subprocess
import sys

import pytest

from widgets.practice.data import data_path
from widgets.practice.framework import load_framework
from widgets.tools import architectures as A


def _doc():
    return json.loads(data_path(A.ARCHITECTURES_FILE).read_text(encoding="utf-8"))


def test_pure_module_imports_no_ui_library():
    code = ("import sys, widgets.tools.architectures as a; a.layout(a.architecture('ranking')); "
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

