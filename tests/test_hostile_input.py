"""Every value from the data files and a person is hostile until escaped: every notebook, run with a
question whose every text is an HTML payload, a participant whose name is one and an answer that is
one, builds no HTML in which the payload is live markup, and shows the payload as text.

The notebooks run under papermill with the poisoned data folder (``tests/hostile.py``); papermill keeps
every widget's final state in the executed notebook, which is exactly what a page would draw.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from widgets.practice.store import AnswerStore

from .hostile import ANSWER, MARK, NAME, QUESTION_ID, write_hostile_data

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
#: Widget models whose ``value`` the browser renders as HTML.
HTML_MODELS = {"HTMLModel", "HTMLMathModel"}


def _html_of(state: dict) -> list[tuple[str, str]]:
    """Every piece of HTML a widget state would put into the page, with where it came from."""
    found = []
    for model_id, entry in state.get("state", {}).items():
        s = entry.get("state", {})
        name = s.get("_model_name", "")
        if name in HTML_MODELS:
            found.append((f"{name} {model_id}", s.get("value", "")))
        if s.get("description_allow_html"):
            found.append((f"{name} {model_id} description", s.get("description", "")))
        for output in s.get("outputs", []) if name == "OutputModel" else []:
            found.append((f"Output {model_id}", output.get("data", {}).get("text/html", "")))
    return found


@pytest.fixture(scope="module")
def hostile_runs(tmp_path_factory):
    """Run every notebook once on the hostile question, as the hostile participant, with a hostile answer."""
    root = tmp_path_factory.mktemp("hostile")
    data = write_hostile_data(root / "data")
    home = root / "home"
    AnswerStore(home).save_answer(NAME, QUESTION_ID, 1, ANSWER)
    AnswerStore(home).attempt_step(NAME, QUESTION_ID, 1).finish(480)   # step 1's reference outline is open
    # the study group: a hostile member of a group on the hostile question, their hostile answer revealed
    from widgets.practice.group import StudyGroups

    groups = StudyGroups(AnswerStore(home))
    group, key = groups.create(QUESTION_ID)
    member, token = groups.join(group.code, NAME)
    groups.store.attempt_step(NAME, QUESTION_ID, 1, member.attempt_id).save(ANSWER)
    groups.reveal(group.code, key)
    out = root / "out"
    out.mkdir()
    import os

    env = dict(os.environ, MLSD_WORKBOOK_DATA=str(data), MLSD_WORKBOOK_HOME=str(home))

    def run(path: Path) -> tuple[Path, subprocess.CompletedProcess]:
        args = [sys.executable, "-m", "papermill", str(path), str(out / path.name), "-k", "python3",
                "--cwd", str(path.parent)]
        if path.name == "study-group.ipynb":
            args += ["-p", "group", group.code, "-p", "participant", NAME, "-p", "token", token]
        elif path.name != "capacity-calculator.ipynb":
            args += ["-p", "question_id", QUESTION_ID, "-p", "participant", NAME]
        return path, subprocess.run(args, env=env, capture_output=True, text=True)

    assert NOTEBOOKS, "no notebook found"
    with ThreadPoolExecutor(2) as pool:
        results = dict(pool.map(run, NOTEBOOKS))
    return out, results, home


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_payload_becomes_markup_and_the_text_shows_literally(hostile_runs, path):
    out, results, _ = hostile_runs
    run = results[path]
    assert run.returncode == 0, run.stderr[-3000:]
    executed = json.loads((out / path.name).read_text())
    pieces = _html_of(executed["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}))
    assert pieces, "the notebook drew no HTML at all"
    live = [(where, value) for where, value in pieces if MARK in value]
    assert not live, "payload written as markup:\n" + "\n".join(f"{w}: {v[:300]}" for w, v in live)
    everything = "\n".join(value for _, value in pieces)
    if path.name != "capacity-calculator.ipynb":
        # the question's title and the participant's name are on the page, as text
        assert html.escape(NAME, quote=False) in everything or html.escape(NAME) in everything
        assert html.escape(MARK, quote=False) in everything or html.escape(MARK) in everything
    if path.name in ("01-define-the-problem.ipynb", "study-group.ipynb"):
        assert "mlsd-reference" in everything   # the poisoned reference outline was drawn, and escaped
    for cell in executed["cells"]:
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", output
            assert MARK not in output.get("data", {}).get("text/html", "")
