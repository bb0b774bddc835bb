"""Real-browser fixtures: one Voila server over ``notebooks/`` and Debian's Chromium.

How these run on the project's machines is written down in ``TESTING.md``; in short:

- Voila is a child process on a free port of 127.0.0.1, with ``MLSD_WORKBOOK_HOME`` pointing at a
  temporary folder, so the tests never touch a real answer store. It is ready when
  ``/voila/static/voila.js`` answers (a GET of a notebook URL would start a kernel), and it is
  stopped with SIGTERM to its own PID, ``kill()`` only if it has not exited 20 s later.
- The browser is ``/usr/bin/chromium`` with the launch arguments below; ``playwright install`` is
  never used. A missing Chromium is a failure with a message, not a skip.
- Voila draws the page first and the widgets later over the kernel's websocket: tests wait for a
  widget selector, never for the page load alone.

Every GET of a notebook URL starts a kernel, and one server serves the whole session, so the
tests share one answer store: each test uses its own question (or reads the state it starts from)
instead of assuming an empty store.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

import pytest

from widgets.app.cli import free_port, stop_server, voila_command

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
QUESTIONS_CSV = REPO / "data" / "questions.csv"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
#: Every screenshot the tests take lands here (not committed).
ARTIFACTS = REPO / "test-artifacts" / "screenshots"
#: The README's screenshots, rewritten only when MLSD_UPDATE_SCREENSHOTS=1.
README_SCREENSHOTS = REPO / "docs" / "screenshots"

READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 20.0
#: Time for a Voila page to show its first widget: a kernel start and a notebook run (2-3 s here).
WIDGET_TIMEOUT_MS = 30_000

_SERVER_LOG = pytest.StashKey[Path]()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class VoilaServer:
    """A running Voila over the notebooks folder."""

    base_url: str
    pid: int
    log_path: Path
    home: Path

    def url(self, notebook: str, **query: str) -> str:
        """The app URL of a notebook, e.g. ``url("01-define-the-problem.ipynb", question="uber-shared-rides")``."""
        tail = f"?{urlencode(query)}" if query else ""
        return f"{self.base_url}/voila/render/{notebook}{tail}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else "(no server log)"


@contextmanager
def serve_voila(root: Path, folder: Path = NOTEBOOKS, home: Path | None = None, env: dict | None = None,
                preheat: int = 0, theme: str = "light", ready_timeout: float = READY_TIMEOUT_SECONDS,
                filled: int = 0) -> Iterator[VoilaServer]:
    """Run Voila exactly as ``mlsd-workbook`` does over ``folder``, on a free port of 127.0.0.1, until the block ends.

    ``home`` is the answer store's folder (default ``root/workbook-home``); ``env`` adds to the environment
    (``MLSD_WORKBOOK_DATA``, say). With ``filled``, wait until that many preheated pools are filled, so
    that every page's kernel has run its notebook before the first request.
    """
    home = home or root / "workbook-home"
    log_path = root / "voila.log"
    process = None
    for _attempt in range(3):  # a port taken between free_port() and Voila's bind: try another
        port = free_port()
        command, full_env = voila_command(folder, "127.0.0.1", port, theme=theme, preheat=preheat)
        full_env.update({"MLSD_WORKBOOK_HOME": str(home), "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
                         "JUPYTER_PLATFORM_DIRS": "1", "PYTHONUNBUFFERED": "1", **(env or {})})
        full_env.pop("QUERY_STRING", None)
        with open(log_path, "ab") as log:
            log.write(f"$ {' '.join(command)}\n".encode())
            log.flush()
            process = subprocess.Popen(command, cwd=folder, env=full_env, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL)
        ready_url = f"http://127.0.0.1:{port}/voila/static/voila.js"
        deadline = time.monotonic() + ready_timeout

        def ready() -> bool:
            return _answers(ready_url) and (
                not filled or log_path.read_text(errors="replace").count("is filled with") >= filled)

        try:
            while time.monotonic() < deadline and process.poll() is None and not ready():
                time.sleep(0.3)
        except BaseException:  # Ctrl-C while waiting: do not leave the server behind
            stop_server(process, STOP_TIMEOUT_SECONDS)
            raise
        if process.poll() is None and ready():
            break
        stop_server(process, STOP_TIMEOUT_SECONDS)
        if "address already in use" not in log_path.read_text(errors="replace").lower():
            pytest.fail(f"Voila was not ready at {ready_url} within {ready_timeout:.0f} s.\n"
                        f"--- server log {log_path} ---\n{log_path.read_text(errors='replace')}", pytrace=False)
    else:
        pytest.fail(f"Voila found no free port in 3 tries.\n--- server log ---\n{log_path.read_text()}",
                    pytrace=False)
    try:
        yield VoilaServer(f"http://127.0.0.1:{port}", process.pid, log_path, home)
    finally:
        stop_server(process, STOP_TIMEOUT_SECONDS)


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory, request) -> Iterator[VoilaServer]:
    """Voila over ``notebooks/`` on a free local port, with its own empty answer store."""
    root = tmp_path_factory.mktemp("voila")
    request.config.stash[_SERVER_LOG] = root / "voila.log"
    with serve_voila(root) as server:
        yield server


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the Voila log to a failed browser test's report (kernel errors show up there)."""
    outcome = yield
    report = outcome.get_result()
    log_path = item.config.stash.get(_SERVER_LOG, None)
    if report.failed and log_path is not None and log_path.exists() and "voila_server" in item.fixturenames:
        report.sections.append(("voila server log", log_path.read_text(errors="replace")[-20_000:]))


# -- pytest-playwright overrides ------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium with the arguments that keep it off the network (never `playwright install`)."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. Install it with "
                    "`apt-get update && apt-get install -y chromium` (never `playwright install`).",
                    pytrace=False)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": dict(VIEWPORT)}


# -- helpers the tests share --------------------------------------------------------------------
@pytest.fixture(scope="session")
def questions() -> dict[str, dict]:
    """The question bank read straight from the CSV (an oracle independent of ``widgets``)."""
    with open(QUESTIONS_CSV, newline="", encoding="utf-8") as f:
        rows = {row["id"]: row for row in csv.DictReader(f)}
    assert rows, f"no question in {QUESTIONS_CSV}"
    return rows


@pytest.fixture
def page_errors(page) -> list[str]:
    """Uncaught JavaScript errors on the page (a widget that failed to render shows up here)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture
def open_app(page, voila_server, page_errors):
    """Open a notebook as a Voila app and wait until ``widget`` (a CSS selector) is visible.

    ``open_app("01-define-the-problem.ipynb", ".mlsd-clock", question="uber-shared-rides")``
    """
    def open_(notebook: str, widget: str, **query: str):
        page.goto(voila_server.url(notebook, **query))
        page.locator(widget).first.wait_for(state="visible", timeout=WIDGET_TIMEOUT_MS)
        return page

    return open_


def button(page, text: str):
    """The ipywidgets Button whose text is ``text``.

    Not ``get_by_role("button", name=...)``: the FontAwesome icon's ``::before`` glyph is part of
    the accessible name (``"\uf04b Start"``), and Voila's FontAwesome comes from a CDN that may not load.
    """
    return page.locator("button.jupyter-button").filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))


def brightness(png: bytes) -> float:
    """The mean brightness (0-255) of a PNG screenshot: what a person sees as light or dark."""
    from io import BytesIO

    from matplotlib.image import imread

    pixels = imread(BytesIO(png), format="png")[..., :3]   # floats in 0..1
    return float(pixels.mean() * 255)


@pytest.fixture(scope="session")
def widget_button():
    """``widget_button(page, "Start")``: the locator of the ipywidgets Button showing that text."""
    return button


def _assert_clean_page(page, polished: bool = True) -> None:
    outputs = page.locator(".jp-OutputArea-output")
    assert outputs.count() > 0, "the page shows no cell output at all"
    for text in outputs.all_inner_texts():
        assert "Traceback" not in text, f"a cell output shows a traceback:\n{text}"
        assert "There was an error when executing cell" not in text, f"a cell failed:\n{text}"
    bad = page.locator("[data-mime-type='application/vnd.jupyter.stderr'], "
                       "[data-mime-type='application/vnd.jupyter.error'], .mlsd-error")
    assert bad.count() == 0, "error output on the page:\n" + "\n".join(bad.all_inner_texts())
    if polished:
        _assert_polished(page)


_POLISH = """() => {
  const shown = e => e.offsetParent !== null && e.clientWidth > 0;
  const cut = [...document.querySelectorAll('.widget-label, .widget-label-basic, button.jupyter-button')]
    .filter(shown).filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => `${e.textContent.trim()} (${e.scrollWidth}px in ${e.clientWidth}px)`);
  const blurred = [...document.querySelectorAll('img.mlsd-figure')]
    .filter(shown).filter(e => e.complete && e.naturalWidth > 0 && e.naturalWidth < 1.9 * e.clientWidth)
    .map(e => `${e.naturalWidth}px image shown ${e.clientWidth}px wide`);
  const plain = [...document.querySelectorAll('a.mlsd-step-link, .mlsd-nav a')].filter(shown)
    .filter(e => !getComputedStyle(e).textDecorationLine.includes('underline'))
    .map(e => e.textContent.trim());
  return {cut, blurred, plain};
}"""


def _assert_polished(page) -> None:
    """What a person sees at a glance: no label or button cut off, every chart drawn at about twice the
    pixels it is shown at (sharp on a high-density screen), every link underlined like a link."""
    found = page.evaluate(_POLISH)
    assert not found["cut"], "labels or buttons cut off: " + "; ".join(found["cut"])
    assert not found["blurred"], "charts drawn at fewer pixels than shown x2: " + "; ".join(found["blurred"])
    assert not found["plain"], "links that do not look like links: " + "; ".join(found["plain"])


@pytest.fixture
def assert_clean_page(page_errors):
    """A check that no cell output is a traceback, an error or stderr, that no widget shows an
    error message (``.mlsd-error``), that no JavaScript error was thrown and (unless ``polished=False``,
    for pages showing hostile data whose long payloads are meant to be cut) that the page looks finished."""
    def check(page, polished: bool = True) -> None:
        _assert_clean_page(page, polished)
        assert not page_errors, "JavaScript errors on the page:\n" + "\n".join(page_errors)

    return check


def _save_screenshots(page, name: str, readme: bool = False, top: str | None = None) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if top is not None:
        page.locator(top).first.evaluate("e => e.scrollIntoView({block: 'start'})")
    viewport = page.viewport_size or VIEWPORT
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    if readme and os.environ.get("MLSD_UPDATE_SCREENSHOTS") == "1":
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(README_SCREENSHOTS / f"{name}.png"))
    # Voila scrolls #rendered_cells, not the document, so Playwright's full_page would stop at the
    # viewport: stretch the viewport to the content for the full-page shot instead.
    height = page.evaluate("() => { const c = document.querySelector('#rendered_cells');"
                           " return Math.max(c ? c.scrollHeight : 0, document.documentElement.scrollHeight); }")
    page.set_viewport_size({"width": viewport["width"], "height": max(int(height), viewport["height"])})
    try:
        page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"), full_page=True)
    finally:
        page.set_viewport_size(viewport)


@pytest.fixture(scope="session")
def save_screenshots():
    """``save_screenshots(page, name, readme=False, top=None)``: the viewport as ``<name>.png`` and
    the whole page as ``<name>-full.png`` under test-artifacts/screenshots/; with ``readme=True`` and
    MLSD_UPDATE_SCREENSHOTS=1 the viewport shot (1280x800) also replaces docs/screenshots/<name>.png.
    ``top``: a selector scrolled to the top of the viewport first."""
    return _save_screenshots


_LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


@pytest.fixture(autouse=True)
def offline_and_quiet(page):
    """Fail any browser test whose page asked anything of a host other than the local server, or
    logged a console error: the workbook must work offline, and a person would see the breakage."""
    from urllib.parse import urlsplit

    outside, console_errors = [], []

    def on_request(req):
        parts = urlsplit(req.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in _LOCAL_HOSTS \
                and f"[{parts.hostname}]" not in _LOCAL_HOSTS:
            outside.append(req.url)

    def on_console(msg):
        if msg.type == "error":
            console_errors.append(msg.text)

    page.on("request", on_request)
    page.on("console", on_console)
    yield
    assert not outside, "requests that left the local server:\n" + "\n".join(outside)
    assert not console_errors, "console errors:\n" + "\n".join(console_errors)
