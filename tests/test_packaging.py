"""The data loader works from this (editable) install and from a built wheel."""

import json
import subprocess
import sys
import zipfile

from widgets.practice.data import data_dir


def test_editable_install_reads_the_repository_data_folder():
    assert data_dir().name == "data" and (data_dir() / "framework.json").is_file()


def test_a_built_wheel_carries_data_and_notebooks_and_loads_them(tmp_path):
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(root)], check=True)
    wheel = next((tmp_path / "dist").glob("mlsd_workbook-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "widgets/_data/questions.csv" in names and "widgets/_notebooks/00-start-here.ipynb" in names
    assert "widgets/app/_jupyter/voila/templates/mlsd/index.html.j2" in names  # the offline Voila template
    # JupyterLab's Voila button renders with the same template: installed where Jupyter looks for templates,
    # and chosen by the voila.json that Voila's server extension reads from the environment's config folder
    data = next(n.split("/data/")[0] for n in names if ".data/data/" in n) + "/data/"
    assert data + "share/jupyter/voila/templates/mlsd/index.html.j2" in names
    config = json.loads(zipfile.ZipFile(wheel).read(data + "etc/jupyter/voila.json"))
    assert config == {"VoilaConfiguration": {"template": "mlsd"}}
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import widgets.practice.data, widgets.practice.questions, widgets.practice.framework, widgets.app.cli;"
            "print(widgets.practice.data.data_dir());"
            "print(len(widgets.practice.questions.load_bank()), len(widgets.practice.framework.load_framework().steps));"
            "print(widgets.app.cli.notebooks_dir())")
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
                         capture_output=True, text=True, check=True, cwd=tmp_path).stdout.split("\n")
    assert out[0] == str(site / "widgets" / "_data")
    assert out[1] == "51 6"
    assert out[2] == str(site / "widgets" / "_notebooks")
