"""The notebooks as files and run by papermill with parameters (nbval-lax runs each one too)."""

import json
import pathlib
import subprocess
import sys

import pytest

from widgets.practice.store import AnswerStore

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_the_notebooks_are_there():
    names = [p.name for p in NOTEBOOKS]
    assert names == ["00-start-here.ipynb", "01-define-the-problem.ipynb", "02-data-pipeline.ipynb",
                     "03-model-architecture.ipynb", "04-train-and-evaluate.ipynb",
                     "05-deploy-serve-monitor.ipynb", "06-wrap-up.ipynb", "capacity-calculator.ipynb",
                     "study-group.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stripped_and_has_one_parameters_cell(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    tagged = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
    if path.name == "study-group.ipynb":   # a group is opened by its code; its question is the group's
        assert "group = None" in "".join(tagged[0]["source"])
    elif path.name != "capacity-calculator.ipynb":  # the calculator works without a question
        assert "question_id = None" in "".join(tagged[0]["source"])
    imports = [c for c in code if "".join(c["source"]).lstrip().startswith(("import ", "from "))]
    assert len(imports) == 1, "imports belong in one cell near the top"
    longest = max(len("".join(c["source"]).splitlines()) for c in code)
    assert longest <= 6, "notebooks lay out and explain; logic lives in widgets/"
    assert not any("sys.path" in "".join(c["source"]) for c in code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_opens_in_lab_unmodified_collapsed_and_says_what_to_do(path):
    """Lab fills in the kernel's ``language_info`` on opening (the notebook then shows as modified) unless the
    file has it; code cells start collapsed; the first cell tells a Lab reader to run all cells or open the app
    (a paragraph the Voila template hides: the app has no cells to run)."""
    from ipykernel.ipkernel import IPythonKernel

    nb = json.loads(path.read_text())
    assert nb["metadata"]["language_info"] == IPythonKernel.language_info, \
        "the kernel reports another language_info: run `.venv/bin/python .ci/tidy-notebooks`"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["metadata"].get("jupyter", {}).get("source_hidden") is True for c in code)
    first = "".join(nb["cells"][0]["source"])
    lab_only = [line for line in first.splitlines() if 'class="mlsd-lab-only"' in line]
    assert len(lab_only) == 1, "one line, for Lab only"
    assert "Run All Cells" in lab_only[0] and "Voilà" in lab_only[0]


def test_tidy_notebooks_finds_nothing_to_change():
    """The committed files are exactly what ``.ci/tidy-notebooks`` writes (so Lab's save changes no byte)."""
    result = subprocess.run([sys.executable, str(NOTEBOOKS[0].parents[1] / ".ci" / "tidy-notebooks"), "--check"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + "run `.venv/bin/python .ci/tidy-notebooks`"


def test_papermill_runs_a_step_with_parameters_and_the_answer_is_stored(tmp_path, workbook_home):
    out = tmp_path / "out"
    out.mkdir()
    step = next(p for p in NOTEBOOKS if p.name.startswith("04-"))
    subprocess.run([sys.executable, "-m", "papermill", str(step), str(out / step.name), "-k", "python3",
                    "-p", "question_id", "stripe-fraud-detection", "-p", "participant", "Papermill Tester",
                    "-p", "answer", "Use precision at a fixed recall.", "--cwd", str(step.parent)],
                   check=True, capture_output=True)
    attempt = AnswerStore(workbook_home).attempt("Papermill Tester", "stripe-fraud-detection", 4)
    assert attempt is not None and attempt.text == "Use precision at a fixed recall."
    executed = json.loads((out / step.name).read_text())
    injected = [c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1


@pytest.mark.parametrize("prefix, step, shown", [
    ("05-", 5, ["mlsd-compression-explorer", "mlsd-drift-monitor", "int8 ONNX"]),
    ("06-", 6, ["mlsd-retraining-explorer", "mlsd-scale-explorer", "Today's scale: 250M daily users", "importance-weighted"]),
])
def test_papermill_runs_steps_5_and_6_with_their_new_tools_on_the_question(tmp_path, workbook_home, prefix, step,
                                                                          shown):
    notebook = next(p for p in NOTEBOOKS if p.name.startswith(prefix))
    subprocess.run([sys.executable, "-m", "papermill", str(notebook), str(tmp_path / notebook.name), "-k", "python3",
                    "-p", "question_id", "spotify-recommendations", "-p", "participant", "Papermill Tester",
                    "-p", "answer", "Watch PSI of the score.", "--cwd", str(notebook.parent)],
                   check=True, capture_output=True)
    attempt = AnswerStore(workbook_home).attempt("Papermill Tester", "spotify-recommendations", step)
    assert attempt is not None and attempt.text == "Watch PSI of the score."
    widget_state = json.dumps(json.loads((tmp_path / notebook.name).read_text())["metadata"]["widgets"])
    for text in shown:
        assert text in widget_state
    assert "Traceback" not in widget_state


def test_papermill_without_an_answer_opens_the_attempt_row(tmp_path, workbook_home):
    step = next(p for p in NOTEBOOKS if p.name.startswith("01-"))
    subprocess.run([sys.executable, "-m", "papermill", str(step), str(tmp_path / step.name), "-k", "python3",
                    "-p", "question_id", "uber-shared-rides", "-p", "participant", "Ada",
                    "--cwd", str(step.parent)], check=True, capture_output=True)
    attempt = AnswerStore(workbook_home).attempt("Ada", "uber-shared-rides", 1)
    assert attempt is not None and attempt.text == "" and attempt.clock(480).status == "ready"


def test_papermill_runs_the_capacity_calculator_at_another_scale(tmp_path):
    calculator = next(p for p in NOTEBOOKS if p.name == "capacity-calculator.ipynb")
    subprocess.run([sys.executable, "-m", "papermill", str(calculator), str(tmp_path / calculator.name), "-k",
                    "python3", "-p", "daily_active_users", "3000000", "-p", "actions_per_user_per_day", "2",
                    "--cwd", str(calculator.parent)], check=True, capture_output=True)
    from widgets.tools import capacity as cap

    executed = json.loads((tmp_path / calculator.name).read_text())
    widget_state = json.dumps(executed["metadata"]["widgets"])   # papermill keeps the widgets' final state
    peak = cap.format_quantity(cap.traffic(3_000_000, 2).peak_rps, "req/s")
    assert f"class='mlsd-peak-rps'><b>{peak}</b>" in widget_state


def test_papermill_opens_a_study_group_as_its_facilitator_and_as_a_member(tmp_path, workbook_home):
    from widgets.practice.group import StudyGroups

    groups = StudyGroups(AnswerStore(workbook_home))
    group, key = groups.create("uber-shared-rides", steps=[1, 2])
    member, token = groups.join(group.code, "Papermill Member")
    notebook = next(p for p in NOTEBOOKS if p.name == "study-group.ipynb")
    for name, params in (("facilitator", ["-p", "group", group.code, "-p", "key", key]),
                         ("member", ["-p", "group", group.code, "-p", "participant", member.name, "-p", "token", token])):
        subprocess.run([sys.executable, "-m", "papermill", str(notebook), str(tmp_path / f"{name}.ipynb"), "-k",
                        "python3", *params, "--cwd", str(notebook.parent)], check=True, capture_output=True)
    facilitator = json.dumps(json.loads((tmp_path / "facilitator.ipynb").read_text())["metadata"]["widgets"])
    assert "facilitating" in facilitator and "Papermill Member" in facilitator   # the room lists the member
    member_state = json.dumps(json.loads((tmp_path / "member.ipynb").read_text())["metadata"]["widgets"])
    assert "class='mlsd-participant'>Papermill Member<" in member_state and "Step 1: Define the problem" in member_state
