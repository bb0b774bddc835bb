"""The architecture diagram (views/architectures): switching type or box redraws it; an unknown name is a message
(moved from tests/test_architectures.py)."""

import html
import json
import re
import shutil

import pytest

from widgets.practice.data import DATA_ENV, data_dir, data_path
from widgets.practice.questions import load_bank
from widgets.tools import architectures as A
from widgets.views.architectures import ArchitectureDiagram, diagram_png


def cells(html_text, css_class):
    return [html.unescape(c) for c in re.findall(rf"class='{css_class}'>(?:<b>)?(.*?)(?:</b>)?</td>", html_text)]


def online_latency(w):
    return float(re.search(r"class='mlsd-online-latency'>([0-9.,]+)<", w.latency.value).group(1).replace(",", ""))


def _doc():
    return json.loads(data_path(A.ARCHITECTURES_FILE).read_text(encoding="utf-8"))


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
    w = ArchitectureDiagram(question=question)
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

