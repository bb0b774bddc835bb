"""Step 1 inside a real JupyterLab: run all cells, the clock renders and counts down, and the link
to step 2 opens ``02-data-pipeline.ipynb`` in a new Lab tab.

JupyterLab runs as a child process over a temporary COPY of ``notebooks/`` (Lab writes checkpoints
and marks a notebook modified as soon as its kernel fills in the metadata), with its own answer
store, runtime folder, user settings and workspaces, so nothing of the repository or of the person
running the tests is touched.

Without help, Lab's page stays local and quiet (its news feed and update check go through its own
server), but it opens a "Would you like to get notified about official Jupyter news?" toast over the
bottom right of the notebook. The user settings below answer that question with "Never" (which also
keeps the update check off), and ``--LabApp.extension_manager=readonly`` keeps the server from ever
asking PyPI about extensions. Nothing had to be allowed: the global ``offline_and_quiet`` check
applies unchanged (a ``blob:`` URL Lab loads itself is not a network request).

See ``TESTING.md`` (JupyterLab section) for why each of these is needed on these machines.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from widgets.app.cli import free_port, stop_server

from .conftest import NOTEBOOKS, READY_TIMEOUT_SECONDS, _answers, brightness

pytestmark = pytest.mark.browser

STEP_1 = "01-define-the-problem.ipynb"
STEP_2 = "02-data-pipeline.ipynb"
BUDGET = "08:00"   # step 1's time budget, as the clock shows it before Start
#: Lab user settings: never fetch news (no "Jupyter news?" toast over the page), never check for updates.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False,
    },
}
#: A kernel start plus a run of the notebook's cells (a few seconds here).
WIDGET_TIMEOUT_MS = 30_000
#: Wait for a countdown to reach ``limit`` seconds or less (the kernel ticks the clock every 0.5 s).
CLOCK_AT_MOST = """([selector, limit]) => {
    const text = document.querySelector(selector)?.textContent.trim() ?? "";
    const m = /^(\\d+):(\\d\\d)$/.exec(text);
    return m !== null && 60 * Number(m[1]) + Number(m[2]) <= limit;
}"""


@dataclass
class LabServer:
    """A running JupyterLab over a copy of the notebooks."""

    base_url: str
    pid: int
    log_path: Path
    root_dir: Path
    home: Path

    def url(self, notebook: str) -> str:
        """The notebook alone in Lab: ``?reset`` drops the tabs an earlier test left open (Lab keeps them)."""
        return f"{self.base_url}/lab/tree/{notebook}?reset"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else "(no server log)"

    @contextmanager
    def log_on_failure(self) -> Iterator[None]:
        """Append the server's log (kernel errors show up there) to any failure inside the block."""
        try:
            yield
        except BaseException as exc:
            exc.add_note(f"--- jupyter lab log {self.log_path} ---\n{self.log()[-20_000:]}")
            raise


def _write_settings(folder: Path) -> None:
    for relative, values in LAB_SETTINGS.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory) -> Iterator[LabServer]:
    """``jupyter lab`` on a free local port over a temporary copy of ``notebooks/``."""
    root = tmp_path_factory.mktemp("jupyterlab")
    root_dir = root / "notebooks"
    shutil.copytree(NOTEBOOKS, root_dir, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    home, settings = root / "workbook-home", root / "lab-settings"
    _write_settings(settings)
    log_path = root / "jupyterlab.log"
    env = {**os.environ,
           "MLSD_WORKBOOK_HOME": str(home), "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / "lab-workspaces"), "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
           "JUPYTER_PLATFORM_DIRS": "1", "PYTHONUNBUFFERED": "1",
           # the notebooks' trust (Voila's "Render anyway" signs a notebook) is kept here, not in the user's folder
           "JUPYTER_DATA_DIR": str(root / "jupyter-data")}
    for name in ("QUERY_STRING", "SERVER_SOFTWARE"):   # never look like a Voila kernel
        env.pop(name, None)

    process = None
    for _attempt in range(3):  # a port taken between free_port() and Lab's bind: try another
        port = free_port()
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                   "--IdentityProvider.token=", "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
                   f"--port={port}", f"--ServerApp.root_dir={root_dir}", "--LabApp.extension_manager=readonly"]
        with open(log_path, "ab") as log:
            log.write(f"$ {' '.join(command)}\n".encode())
            log.flush()
            process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL)
        ready_url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        try:
            while time.monotonic() < deadline and process.poll() is None and not _answers(ready_url):
                time.sleep(0.2)
        except BaseException:  # Ctrl-C while waiting: do not leave the server behind
            stop_server(process)
            raise
        if process.poll() is None and _answers(ready_url):
            break
        stop_server(process)
        if "address already in use" not in log_path.read_text(errors="replace").lower():
            pytest.fail(f"JupyterLab did not answer {ready_url} within {READY_TIMEOUT_SECONDS:.0f} s.\n"
                        f"--- server log {log_path} ---\n{log_path.read_text(errors='replace')}", pytrace=False)
    else:
        pytest.fail(f"JupyterLab found no free port in 3 tries.\n--- server log ---\n{log_path.read_text()}",
                    pytrace=False)

    try:
        yield LabServer(f"http://127.0.0.1:{port}", process.pid, log_path, root_dir, home)
    finally:
        stop_server(process)


#: True when the element's box lies inside the browser's viewport (the notebook fills it; a cell scrolled out of
#: the notebook's own scroller lies outside it).
IN_VIEW = """(e) => { const r = e.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"""
def open_notebook(page, lab_server: LabServer, name: str):
    """Open ``name`` in Lab and wait until its kernel is connected and idle; returns the notebook panel."""
    page.goto(lab_server.url(name))
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    expect(notebook.locator(".jp-Cell").first).to_be_visible(timeout=WIDGET_TIMEOUT_MS)
    current_tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
    expect(current_tab).to_have_text(name)
    # a Run All clicked while Lab is still setting the notebook up does nothing (seen here about one run in
    # three): wait for the kernel to be connected and idle
    kernel_status = page.get_by_role("contentinfo").get_by_role("button", name=re.compile(r"\| Idle$"))
    expect(kernel_status).to_be_visible(timeout=WIDGET_TIMEOUT_MS)
    return notebook


def run_all(page) -> None:
    """Run > Run All Cells."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    item = page.locator(".lm-Menu-item", has_text=re.compile(r"^Run All Cells"))
    expect(item).not_to_have_class(re.compile(r"\blm-mod-disabled\b"))
    item.click()


def choose_theme(page, theme: str) -> None:
    """Settings > Theme > ``theme`` ("JupyterLab Dark", "JupyterLab Light"); Lab keeps it in its user settings."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Settings$")).click()
    page.locator(".lm-Menu-item", has_text=re.compile(r"^Theme$")).hover()
    page.locator(".lm-Menu-item", has_text=re.compile(rf"^{re.escape(theme)}$")).click()
    expect(page.locator("body")).to_have_attribute("data-jp-theme-name", theme, timeout=10_000)


def seconds(clock_text: str) -> int:
    """``"07:58"`` -> 478."""
    minutes, secs = clock_text.strip().split(":")
    return int(minutes) * 60 + int(secs)


def test_step_1_runs_in_jupyterlab(page, lab_server, questions, save_screenshots, widget_button):
    with lab_server.log_on_failure():
        notebook = open_notebook(page, lab_server, STEP_1)
        current_tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel")
        run_all(page)

        # the timer widget: an empty store means the bank's first question and the full budget
        clock = notebook.locator(".mlsd-clock")
        expect(clock).to_be_visible(timeout=WIDGET_TIMEOUT_MS)
        expect(clock).to_have_text(re.compile(r"^\d\d:\d\d$"))
        expect(clock).to_have_text(BUDGET)
        first_question = next(iter(questions.values()))
        expect(notebook.locator(".mlsd-question-title")).to_be_visible()
        expect(notebook.locator(".mlsd-question-title")).to_have_text(first_question["title"])

        # Run All ends at the last cell (the links); the view is then brought back to the clock and the answer box
        next_link = notebook.locator("a.mlsd-nav-next")
        expect(next_link).to_have_count(1, timeout=WIDGET_TIMEOUT_MS)
        page.wait_for_function(IN_VIEW, arg=clock.element_handle(), timeout=5_000)
        page.wait_for_timeout(2_500)   # and it stays there while Lab sizes the cells
        assert clock.evaluate(IN_VIEW), "the clock left the view"
        answer_box = notebook.locator(".mlsd-answer-text textarea")
        assert answer_box.evaluate("e => e.getBoundingClientRect().top < window.innerHeight - 40"), \
            "the answer box is below the view"
        save_screenshots(page, "jupyterlab-step-1", readme=True)

        # Start: the countdown goes down on its own, ticked from the kernel
        widget_button(notebook, "Start").click()
        expect(notebook.locator(".mlsd-clock-status")).to_contain_text("running", timeout=5_000)
        started_at = seconds(clock.inner_text())
        page.wait_for_function(CLOCK_AT_MOST, arg=[".jp-NotebookPanel:not(.lm-mod-hidden) .mlsd-clock",
                                                   started_at - 2], timeout=10_000)
        expect(widget_button(notebook, "Start")).to_be_disabled()

        # the last cell's link to step 2: Lab opens the notebook itself, in a new tab of its own
        # the widget writes the bare file name; Lab's renderer turns it into the file's /files/ URL
        # and hooks a click on it to open the notebook in Lab instead of following the link
        assert urlsplit(next_link.get_attribute("href")).path == f"/files/{STEP_2}"
        next_link.click()
        tab_labels = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tabLabel")
        expect(tab_labels.filter(has_text=re.compile(rf"^{re.escape(STEP_2)}$"))).to_have_count(1, timeout=10_000)
        expect(current_tab).to_have_text(STEP_2)
        expect(tab_labels.filter(has_text=re.compile(rf"^{re.escape(STEP_1)}$"))).to_have_count(1)   # still open
        assert len(page.context.pages) == 1, "the link opened a browser tab instead of a Lab tab"
        assert page.url.startswith(lab_server.base_url + "/lab")


def test_opening_a_notebook_changes_nothing(page, lab_server):
    """Lab writes the kernel's language_info into a notebook as soon as it connects; a file without it shows as
    modified at once (and invites saving widget outputs into it). Opening, connecting and waiting change nothing."""
    with lab_server.log_on_failure():
        for name in ("00-start-here.ipynb", STEP_1, "capacity-calculator.ipynb"):
            before = (lab_server.root_dir / name).read_bytes()
            open_notebook(page, lab_server, name)
            page.wait_for_timeout(1_500)   # what Lab does on connecting, it has done by now
            tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
            expect(tab).not_to_have_class(re.compile(r"\bjp-mod-dirty\b"))
            assert (lab_server.root_dir / name).read_bytes() == before


def test_a_lab_reader_is_told_what_to_do_and_can_open_the_app(page, lab_server, widget_button):
    """The first cell says what to do; the code starts collapsed; the toolbar's Voila button opens the page as an
    app inside Lab, with the workbook's template (nothing fetched from the internet, the Lab line hidden)."""
    with lab_server.log_on_failure():
        notebook = open_notebook(page, lab_server, STEP_1)
        hint = notebook.locator(".jp-MarkdownCell .mlsd-lab-only")
        expect(hint).to_be_visible()
        expect(hint).to_contain_text("Run All Cells")
        expect(hint).to_contain_text("Voilà button")
        code_cells = notebook.locator(".jp-CodeCell")
        assert code_cells.count() >= 4
        expect(notebook.locator(".jp-CodeCell .jp-InputPlaceholder")).to_have_count(code_cells.count())
        expect(notebook.locator(".jp-CodeCell .cm-editor:visible")).to_have_count(0)

        button = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-NotebookPanel-toolbar .voilaRender")
        expect(button).to_be_visible()
        button.click()
        # a notebook fresh from a clone is not trusted yet: Voila asks once (an earlier Run All trusted it already)
        render_anyway = page.get_by_role("button", name="Render anyway")
        preview = page.locator("iframe[src*='voila/render/']")
        expect(render_anyway.or_(preview)).to_be_visible(timeout=10_000)
        if render_anyway.is_visible():
            render_anyway.click()
        app = page.frame_locator("iframe[src*='voila/render/']")
        expect(app.locator(".mlsd-question-title")).to_be_visible(timeout=60_000)
        # the app, as under `mlsd-workbook`: a name first (a Voila page never guesses who is there), then the clock
        app.locator(".mlsd-name-prompt input[type='text']").fill("Lab Previewer")
        widget_button(app, "Start answering").click()
        expect(app.locator(".mlsd-answer-text textarea")).to_be_visible(timeout=30_000)
        expect(app.locator(".mlsd-participant")).to_have_text("Lab Previewer")
        clock = app.locator(".mlsd-clock")
        expect(clock).to_be_visible()
        expect(clock).to_have_text(BUDGET)
        expect(app.locator(".mlsd-lab-only")).to_be_hidden()     # the workbook's template, not Voila's "lab"
        before = (NOTEBOOKS / STEP_1).read_bytes()
        assert (lab_server.root_dir / STEP_1).read_bytes() == before, "rendering the app changed the notebook"


def test_figures_follow_lab_dark_theme(page, lab_server):
    """In JupyterLab Dark the charts are dark too (a light chart on a dark page glares), and light again in Light."""
    with lab_server.log_on_failure():
        notebook = open_notebook(page, lab_server, "capacity-calculator.ipynb")
        run_all(page)
        figure = notebook.locator("img.mlsd-figure").first
        expect(figure).to_be_visible(timeout=WIDGET_TIMEOUT_MS)
        figure.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        light = brightness(figure.screenshot())
        try:
            choose_theme(page, "JupyterLab Dark")
            page.wait_for_timeout(300)
            dark = brightness(figure.screenshot())
        finally:
            choose_theme(page, "JupyterLab Light")
        assert light > 200 and dark < 80, f"mean brightness: light theme {light:.0f}, dark theme {dark:.0f}"
