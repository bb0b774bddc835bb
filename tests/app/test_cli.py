import os
import socket

import pytest

from widgets.app.cli import TEMPLATES_ROOT, check_port, lab_command, main, notebooks_dir, voila_command
from widgets.practice.store import AnswerStore


def test_notebooks_folder_is_found():
    assert (notebooks_dir() / "00-start-here.ipynb").is_file()


def test_a_busy_port_is_a_clear_error(capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert "already in use" in check_port("127.0.0.1", port)
        assert main(["--port", str(port)]) == 2
    assert f"Port {port} on 127.0.0.1 is already in use" in capsys.readouterr().err
    assert "between 1 and 65535" in check_port("127.0.0.1", 70000)


def test_export_writes_markdown_and_json(tmp_path, capsys):
    AnswerStore().save_answer("Ada", "uber-shared-rides", 1, "Pool riders by route.")
    assert main(["export", "--participant", "Ada", "--question", "uber-shared-rides", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.split()
    assert [p.rsplit(".", 1)[1] for p in printed] == ["md", "json"]
    assert "Pool riders by route." in (tmp_path / "uber-shared-rides-ada.md").read_text()


def test_export_mistakes_are_short_messages(tmp_path, capsys):
    assert main(["export", "--participant", "Ada", "--question", "nope", "--out", str(tmp_path)]) == 2
    assert "No question has the id 'nope'" in capsys.readouterr().err
    AnswerStore().save_answer("Grace", "uber-shared-rides", 1, "x")
    assert main(["export", "--participant", "Ada", "--question", "uber-shared-rides", "--out", str(tmp_path)]) == 2
    assert "answered by: Grace" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["export", "--participant", "Grace", "--question", "uber-shared-rides", "--out", str(blocker / "d")]) == 2
    assert "Cannot write the export" in capsys.readouterr().err


def test_pages_render_progressively_unless_kernels_are_preheated(tmp_path, capsys):
    command, env = voila_command(tmp_path)
    assert "--progressive_rendering=True" in command and not any("preheat" in c for c in command)
    assert command[-1] == str(tmp_path) and str(TEMPLATES_ROOT) in env["JUPYTER_PATH"]
    command, _ = voila_command(tmp_path, preheat=2)
    assert {"--preheat_kernel=True", "--pool_size=2"} <= set(command)
    assert "--progressive_rendering=True" not in command   # Voila refuses the two together
    assert main(["--preheat", "-1", "--port", "1"]) == 2
    assert "--preheat must be 0 or more" in capsys.readouterr().err


def test_lab_renders_apps_with_the_workbook_template(tmp_path):
    """Lab's Voila button uses the offline template, the checkout's copy first."""
    command, env = lab_command(tmp_path, 8899)
    assert "--VoilaConfiguration.template=mlsd" in command and f"--ServerApp.root_dir={tmp_path}" in command
    assert "--port=8899" in command and "--ServerApp.ip=127.0.0.1" in command
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(TEMPLATES_ROOT)


def test_export_says_when_the_store_was_set_aside_and_where(workbook_home, tmp_path, capsys):
    workbook_home.mkdir(parents=True)
    (workbook_home / "answers.db").write_bytes(b"not a database at all, " * 100)
    assert main(["export", "--participant", "Ada", "--question", "uber-shared-rides", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    aside = [p for p in workbook_home.iterdir() if p.name.startswith("answers.corrupt-")]
    assert len(aside) == 1
    assert "damaged" in err and str(aside[0]) in err
    assert "has no answers" in err   # and then why there is nothing to export


def test_export_of_a_store_whose_file_is_a_folder_says_so(workbook_home, tmp_path, capsys):
    (workbook_home / "answers.db").mkdir(parents=True)
    assert main(["export", "--participant", "Ada", "--question", "uber-shared-rides", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "is a folder, not the answers file" in err and str(workbook_home / "answers.db") in err
    assert (workbook_home / "answers.db").is_dir()   # nothing moved or overwritten


def test_export_of_a_study_group_writes_every_members_answers_and_scores(tmp_path, capsys):
    from widgets.practice.group import StudyGroups

    groups = StudyGroups(AnswerStore())
    group, key = groups.create("uber-shared-rides", steps=[1])
    for name in ("Ada", "Bo"):
        member, _ = groups.join(group.code, name)
        groups.store.attempt_step(name, "uber-shared-rides", 1, member.attempt_id).save(f"{name}'s routing plan.")
    groups.reveal(group.code, key)
    assert main(["export", "--group", group.code.lower(), "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(tmp_path / f"group-{group.code}.md"), str(tmp_path / f"group-{group.code}.json")]
    text = (tmp_path / f"group-{group.code}.md").read_text()
    assert "Ada's routing plan." in text and "Bo's routing plan." in text and key not in text


@pytest.mark.parametrize("args, message", [
    (["--group", "ZZZZZZ"], "There is no study group ZZZZZZ"),
    (["--group", "<b>"], "A group code is 6 letters and digits"),
    ([], "export needs --participant and --question"),
    (["--participant", "Ada"], "export needs --participant and --question"),
])
def test_export_of_a_group_mistakes_are_short_messages(tmp_path, capsys, args, message):
    assert main(["export", *args, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
