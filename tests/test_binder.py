"""Binder as far as this network allows: the files are consistent, repo2docker accepts them, and a
fresh environment built only from binder/ executes every notebook."""

import pathlib
import re
import subprocess
import sys

import pytest
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def _names(lines):
    return {re.split(r"[<>=!~ ;\[]", line.strip(), maxsplit=1)[0].lower()
            for line in lines if line.strip() and not line.lstrip().startswith(("#", "-"))}


def test_binder_files_are_consistent():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    post_build = (BINDER / "postBuild").read_text()
    assert post_build.startswith("#!/bin/bash") and "set -e" in post_build and "pip install --no-deps ." in post_build
    assert (BINDER / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names((BINDER / "requirements.in").read_text().splitlines())
    assert _names(project["dependencies"]) <= wanted, "every runtime dependency belongs in requirements.in"
    pinned = [line for line in (BINDER / "requirements.txt").read_text().splitlines()
              if line and not line.startswith((" ", "#"))]
    assert pinned and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[^ ]+", line) for line in pinned), "pin every line"
    assert wanted <= _names(pinned)
    assert not any(line.startswith(("--find-links", "-f ", "--index-url")) for line in
                   (BINDER / "requirements.txt").read_text().splitlines()), "no machine-specific pip options"


def _venv(path: pathlib.Path) -> pathlib.Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path / "bin" / "python"


@pytest.fixture(scope="module")
def tools(tmp_path_factory):
    return tmp_path_factory.mktemp("binder-tools")


def test_repo2docker_reads_the_binder_folder(tools):
    python = _venv(tools / "r2d")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "jupyter-repo2docker"], check=True)
    result = subprocess.run([str(tools / "r2d" / "bin" / "repo2docker"), "--no-build", "--debug", str(ROOT)],
                            capture_output=True, text=True, timeout=300)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "FROM " in output and "requirements.txt" in output and "postBuild" in output


def test_a_fresh_environment_from_binder_executes_every_notebook(tools, tmp_path):
    python = _venv(tools / "fresh")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(BINDER / "requirements.txt"), "nbclient"],
                   check=True)
    subprocess.run(["bash", str(BINDER / "postBuild")], cwd=ROOT, check=True,
                   env={"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(tmp_path)})
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    script = (
        "import sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        "for path in sys.argv[1:]:\n"
        "    nb = nbformat.read(path, as_version=4)\n"
        "    NotebookClient(nb, timeout=300, kernel_name='python3', resources={'metadata': {'path': str(__import__('pathlib').Path(path).parent)}}).execute()\n"
        "    print('ok', path)\n")
    result = subprocess.run([str(python), "-c", script, *map(str, notebooks)], capture_output=True, text=True,
                            env={"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(tmp_path),
                                 "MLSD_WORKBOOK_HOME": str(tmp_path / "home")}, timeout=900)
    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stdout.count("ok ") == len(notebooks)
