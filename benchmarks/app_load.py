"""How long each workbook app takes to show its widgets in a browser, cold and preheated.

Run: .venv/bin/python benchmarks/app_load.py [--quick] [--modes cold,preheat-1,...]
     MLSD_BENCH_SUITE=1 .venv/bin/python benchmarks/app_load.py   # also times the whole test suite

Every notebook of ``notebooks/`` is served as a Voila app by the launcher's own command
(``widgets.app.cli.voila_command``: the ``mlsd`` template, the same flags), from a temporary copy of the
folder that also holds an EMPTY notebook (one cell: a Label), so the apps and the empty page are
served by the same server in the same run. Chromium opens each app in a fresh browser context and
the time from navigation to the app's main widget being visible is taken; each app's median is
divided by the empty notebook's median. Server modes: ``mlsd-workbook --preheat 0`` (cold: a kernel
per request, each cell's output sent as it runs), the same without progressive rendering (classic),
and ``mlsd-workbook --preheat N`` (Voila runs every notebook of the folder ahead of the request; a
step page opens on the URL's question when the request arrives, ``widgets.views._voila.when_requested``).
It also checks that the page's URL query reaches the notebook in each mode,
times ``import widgets`` and its submodules in fresh interpreters, and times every cell of each
notebook in a kernel (nbclient) to show where the time goes.

Nothing here asserts on a time; every figure is measured in the run that prints it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from widgets.app.cli import free_port, stop_server, voila_command

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
QUESTIONS_CSV = REPO / "data" / "questions.csv"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}
TARGET_RATIO = 1.3
IMPORT_TARGET_S = 0.6
QUESTION_ID, PARTICIPANT = "uber-shared-rides", "Bench"
QUERY = {"question": QUESTION_ID, "participant": PARTICIPANT}

READY_TIMEOUT_S = 120.0  # a preheating server on a busy machine answered no request for a minute twice here
POOL_TIMEOUT_S = 300.0
STOP_TIMEOUT_S = 20.0
WIDGET_TIMEOUT_MS = 120_000
#: Between two visits: at least this long, then until the server and its kernels are quiet (a
#: closed page shuts its kernel down; a preheated pool refills by running the notebook again).
GAP_S = 3.0
QUIET_CPU = 0.15          # the server's process tree uses less than 15% of one core ...
QUIET_WINDOW_S = 0.5      # ... over half a second
QUIET_MAX_S = 90.0

#: A study group opening the same page together: this many pages navigate at the same moment.
BURST_PAGES = 2
BURST_APPS = ("01-", "04-")   # a light step and the heaviest one
#: Runs in every new document of a burst page: the time (ms after the navigation started) at which
#: the selector first matched a rendered element, polled every 20 ms.
VISIBLE_PROBE = """(() => {
  const selector = %s;
  const check = () => {
    const el = document.querySelector(selector);
    if (el && el.getClientRects().length > 0) { window.__mlsdVisible = performance.now(); return; }
    setTimeout(check, 20);
  };
  check();
})();"""

EMPTY = "empty.ipynb"
HEAVY = ("numpy", "pandas", "matplotlib", "sklearn", "scipy", "ipywidgets", "IPython")


@dataclass
class App:
    label: str
    notebook: str
    first: str                  # the selector of the main widget
    last: str | None = None     # the selector of the page's last main widget, when it fills progressively
    shows_context: bool = False  # the page shows the question card (start page and steps)


@dataclass
class Mode:
    key: str
    label: str
    pool: int = 0               # 0: no preheating


MODES = {
    "cold": Mode("cold", "mlsd-workbook --preheat 0 (its default with --host): a kernel per request, progressive "
                         "rendering"),
    "classic": Mode("classic", "cold without --progressive_rendering (the page arrives once every cell has run)"),
    "preheat-1": Mode("preheat-1", "mlsd-workbook --preheat 1 (its default on 127.0.0.1): --preheat_kernel=True "
                                   "--pool_size=1", pool=1),
    "preheat-2": Mode("preheat-2", "mlsd-workbook --preheat 2: --preheat_kernel=True --pool_size=2", pool=2),
}


#: The last tool of each app, by the notebook's name prefix: the page has "responded" once this shows its
#: result (a tool's chart or numbers are filled by its first update, so visible means computed).
LAST_TOOL = {
    "00-": ".mlsd-start-page a.mlsd-step-link",
    "01-": ".mlsd-traffic-estimator img",
    "02-": ".mlsd-features-explorer img",
    "03-": ".mlsd-architecture-diagram img",
    "04-": ".mlsd-robustness-explorer img",
    "05-": ".mlsd-drift-monitor img",
    "06-": ".mlsd-scale-explorer img",
    "capacity-calculator": ".mlsd-rollout-planner .mlsd-users-per-arm",
    "study-group": ".mlsd-group-setup button",
}


def discover_apps() -> list[App]:
    """The empty notebook, then every notebook of ``notebooks/`` with the selectors of its main widget and of
    its last tool."""
    apps = [App("empty notebook", EMPTY, "div.widget-label")]
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        name = path.name
        last = next((selector for prefix, selector in LAST_TOOL.items() if name.startswith(prefix)), None)
        if name.startswith("00-"):
            apps.append(App(path.stem, name, ".mlsd-start-page", last, shows_context=True))
        elif re.match(r"0[1-9]-", name):
            apps.append(App(path.stem, name, ".mlsd-clock", last, shows_context=True))
        elif name == "capacity-calculator.ipynb":
            apps.append(App(path.stem, name, ".mlsd-traffic-estimator img", last))
        elif name == "study-group.ipynb":
            apps.append(App(path.stem, name, ".mlsd-group-setup", last))
        else:
            print(f"(no main-widget selector known for {name}: not measured)")
    return apps


def question_title(question_id: str) -> str:
    with open(QUESTIONS_CSV, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["id"] == question_id:
                return row["title"]
    raise SystemExit(f"{question_id} is not in {QUESTIONS_CSV}")


def median(values):
    return statistics.median(values) if values else None


def fmt_s(value, width=7):
    return f"{value:{width}.2f} s" if value is not None else f"{'n/a':>{width + 2}s}"


# -- the site: copies of the notebooks next to an empty one ----------------------------------------

def empty_notebook() -> dict:
    return {"cells": [{"cell_type": "code", "execution_count": None, "id": "empty-label", "metadata": {},
                       "outputs": [], "source": 'import ipywidgets as w; w.Label("ready")'}],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def import_cell_index(nb: dict) -> int | None:
    """Index of the notebook's cell that imports the workbook (``from widgets...``)."""
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code" and "from widgets" in "".join(cell["source"]):
            return i
    return None


def build_site(folder: Path) -> Path:
    """Copy the notebooks and add the empty one."""
    folder.mkdir(parents=True)
    for path in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(path, folder / path.name)
    (folder / EMPTY).write_text(json.dumps(empty_notebook(), indent=1), encoding="utf-8")
    return folder


# -- the server --------------------------------------------------------------------------------------

def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def process_tree(pid: int):
    import psutil
    try:
        root = psutil.Process(pid)
        return [root] + root.children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def tree_cpu_seconds(pid: int) -> float:
    import psutil
    total = 0.0
    for proc in process_tree(pid):
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def kernels(pid: int) -> list:
    import psutil
    found = []
    for proc in process_tree(pid)[1:]:
        try:
            if "ipykernel_launcher" in " ".join(proc.cmdline()):
                found.append(proc)
        except psutil.Error:
            pass
    return found


def kernels_rss_mb(pid: int) -> float:
    import psutil
    total = 0
    for proc in kernels(pid):
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total / 2 ** 20


def wait_quiet(pid: int, max_wait: float = QUIET_MAX_S) -> float:
    """Wait until the server's process tree is nearly idle; return the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < max_wait:
        before = tree_cpu_seconds(pid)
        time.sleep(QUIET_WINDOW_S)
        if (tree_cpu_seconds(pid) - before) / QUIET_WINDOW_S < QUIET_CPU:
            break
    return time.monotonic() - start


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path
    ready_s: float = 0.0       # launch to voila.js answering
    warm_s: float = 0.0        # launch to pools filled and quiet (preheated); = ready_s when cold

    def url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{notebook}?{urlencode(QUERY)}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def start_server(mode: Mode, site: Path, root: Path, n_notebooks: int) -> Server:
    log_path = root / "voila.log"
    for _attempt in range(3):   # a port taken between free_port() and Voila's bind: try another
        port = free_port()
        command, env = voila_command(site, "127.0.0.1", port, preheat=mode.pool)   # what mlsd-workbook runs
        if mode.key == "classic":
            command.remove("--progressive_rendering=True")
        env.update({"MLSD_WORKBOOK_HOME": str(root / "home"), "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
                    "JUPYTER_PLATFORM_DIRS": "1", "PYTHONUNBUFFERED": "1"})
        env.pop("QUERY_STRING", None)
        with open(log_path, "ab") as log:
            log.write(f"$ {' '.join(command)}\n".encode())
            log.flush()
            t0 = time.monotonic()
            process = subprocess.Popen(command, cwd=site, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL)
        server = Server(process, port, log_path)
        try:
            ready_url = f"http://127.0.0.1:{port}/voila/static/voila.js"
            while time.monotonic() - t0 < READY_TIMEOUT_S and process.poll() is None and not answers(ready_url):
                time.sleep(0.2)
            if process.poll() is None and answers(ready_url):
                server.ready_s = time.monotonic() - t0
                if mode.pool:   # every notebook's pool started, then every notebook run to its end
                    while (server.log().count("is filled with") < n_notebooks
                           and time.monotonic() - t0 < POOL_TIMEOUT_S and process.poll() is None):
                        time.sleep(0.5)
                    wait_quiet(process.pid, POOL_TIMEOUT_S)
                server.warm_s = time.monotonic() - t0
                return server
        except BaseException:
            stop_server(process, STOP_TIMEOUT_S)
            raise
        stop_server(process, STOP_TIMEOUT_S)
        if "address already in use" not in server.log().lower():
            log = "\n".join(line for line in server.log().splitlines() if "without encryption" not in line)
            raise RuntimeError(f"Voila did not answer {ready_url} within {READY_TIMEOUT_S:.0f} s:\n{log[:3000]}")
    raise RuntimeError("Voila found no free port in 3 tries")


# -- the browser ---------------------------------------------------------------------------------------

@dataclass
class Visit:
    first: float | None = None
    last: float | None = None
    title: str | None = None
    participant: str | None = None
    link: str | None = None
    error: str | None = None


def visit(browser, server: Server, app: App) -> Visit:
    out = Visit()
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        t0 = time.perf_counter()
        page.goto(server.url(app.notebook), wait_until="commit", timeout=WIDGET_TIMEOUT_MS)
        page.wait_for_selector(app.first, state="visible", timeout=WIDGET_TIMEOUT_MS)
        out.first = time.perf_counter() - t0
        if app.last:
            page.wait_for_selector(app.last, state="visible", timeout=WIDGET_TIMEOUT_MS)
            out.last = time.perf_counter() - t0
        if app.shows_context:
            page.wait_for_selector(".mlsd-question-title", timeout=WIDGET_TIMEOUT_MS)
            out.title = page.inner_text(".mlsd-question-title").strip()
            out.participant = page.inner_text(".mlsd-participant").strip()
            link = page.wait_for_selector("a.mlsd-step-link, a.mlsd-nav-start", state="attached",
                                          timeout=WIDGET_TIMEOUT_MS)
            out.link = link.get_attribute("href")
        page.close(run_before_unload=True)   # as a user leaving the page: Voila shuts its kernel down
    except Exception as exc:   # a timeout or a crashed page is reported on the app's row
        out.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    finally:
        context.close()
    return out


def burst(browser, server: Server, app: App) -> list[float | None]:
    """Open ``app`` in BURST_PAGES fresh contexts at the same moment; each page's seconds to its main widget."""
    contexts = [browser.new_context(viewport=VIEWPORT) for _ in range(BURST_PAGES)]
    pages = []
    try:
        for context in contexts:
            page = context.new_page()
            page.add_init_script(VISIBLE_PROBE % json.dumps(app.first))
            pages.append(page)
        for page in pages:   # start every navigation without waiting for any response
            page.evaluate("url => { window.location.href = url; }", server.url(app.notebook))
        times = []
        for page in pages:
            try:
                page.wait_for_selector(app.first, state="visible", timeout=WIDGET_TIMEOUT_MS)
                page.wait_for_function("() => window.__mlsdVisible !== undefined", timeout=5_000)
                times.append(page.evaluate("() => window.__mlsdVisible") / 1000)
            except Exception as exc:
                print(f"  burst {app.label}: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}", flush=True)
                times.append(None)
        for page in pages:
            page.close(run_before_unload=True)
        return times
    finally:
        for context in contexts:
            context.close()


@dataclass
class ModeResult:
    mode: Mode
    visits: dict = field(default_factory=dict)     # app label -> [Visit]
    bursts: dict = field(default_factory=dict)     # app label -> [[seconds per page] per round]
    ready_s: float = 0.0
    warm_s: float = 0.0
    idle_kernels: int = 0
    idle_rss_mb: float = 0.0
    kernels_after: int = 0
    error: str | None = None

    def firsts(self, label):
        return [v.first for v in self.visits.get(label, []) if v.first is not None]

    def lasts(self, label):
        return [v.last for v in self.visits.get(label, []) if v.last is not None]


def run_mode(mode: Mode, apps: list[App], repeats: int, browser, tmp: Path) -> ModeResult:
    result = ModeResult(mode, {app.label: [] for app in apps})
    root = tmp / mode.key
    site = build_site(root / "site")
    server = None
    try:
        try:
            server = start_server(mode, site, root, len(apps))
        except RuntimeError as exc:
            print(f"  the server did not come up, trying once more: {str(exc).splitlines()[0]}", flush=True)
            site = build_site(root / "site-2")
            server = start_server(mode, site, root, len(apps))
        result.ready_s, result.warm_s = server.ready_s, server.warm_s
        result.idle_kernels = len(kernels(server.process.pid))
        result.idle_rss_mb = kernels_rss_mb(server.process.pid)
        print(f"  server ready in {server.ready_s:.1f} s"
              + (f", pools filled and quiet after {server.warm_s:.1f} s: {result.idle_kernels} idle kernels, "
                 f"{result.idle_rss_mb:.0f} MB RSS" if mode.pool else ""), flush=True)
        visit(browser, server, apps[0])   # warm-up, untimed: the server's first page (template compiled once)
        time.sleep(GAP_S)
        wait_quiet(server.process.pid)
        for r in range(repeats):
            order = apps[r % len(apps):] + apps[:r % len(apps)]   # every round starts with another app
            for app in order:
                v = visit(browser, server, app)
                result.visits[app.label].append(v)
                if v.error:
                    print(f"  {app.label}: {v.error}", flush=True)
                time.sleep(GAP_S)
                wait_quiet(server.process.pid)
            print(f"  round {r + 1}/{repeats} done", flush=True)
        burst_apps = [app for app in apps if app.notebook.startswith(BURST_APPS)]
        for r in range(max(1, (repeats + 1) // 2)):
            for app in burst_apps:
                result.bursts.setdefault(app.label, []).append(burst(browser, server, app))
                time.sleep(GAP_S)
                wait_quiet(server.process.pid)
        print(f"  {BURST_PAGES} pages at once: {max(1, (repeats + 1) // 2)} round(s) done", flush=True)
        time.sleep(GAP_S)
        result.kernels_after = len(kernels(server.process.pid))
        print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        print(f"  FAILED: {result.error}", flush=True)
    finally:
        stop_server(server.process if server else None, STOP_TIMEOUT_S)
    return result


def print_mode_table(res: ModeResult, apps: list[App], repeats: int) -> None:
    print(f"\n{res.mode.key}: {res.mode.label}")
    if res.error:
        print(f"  FAILED: {res.error}")
    empty = median(res.firsts(apps[0].label))
    print(f"  median of {repeats} visits; seconds from navigation to the widget visible")
    print(f"  {'app':26s} {'first widget':>12s} {'min-max':>13s} {'ratio to empty':>15s}  {'target 1.3x':11s}"
          f" {'last widget':>11s}")
    for app in apps:
        firsts = res.firsts(app.label)
        med = median(firsts)
        spread = f"{min(firsts):.2f}-{max(firsts):.2f}" if firsts else "n/a"
        ratio = med / empty if med is not None and empty else None
        verdict = "" if app.notebook == EMPTY else ("n/a" if ratio is None else
                                                   "ok" if ratio <= TARGET_RATIO else "OVER")
        last = median(res.lasts(app.label))
        failed = sum(1 for v in res.visits.get(app.label, []) if v.error)
        print(f"  {app.label:26s} {fmt_s(med, 10)} {spread:>13s} "
              f"{(f'{ratio:.2f}x' if ratio is not None else 'n/a'):>15s}  {verdict:11s}"
              f" {fmt_s(last, 9) if app.last else '':>11s}" + (f"  ({failed} visits failed)" if failed else ""))
    if res.mode.pool:
        print(f"  startup: voila.js after {res.ready_s:.1f} s, every pool filled and quiet after {res.warm_s:.1f} s; "
              f"{res.idle_kernels} idle kernels ({res.idle_rss_mb:.0f} MB RSS); kernels alive at the end: "
              f"{res.kernels_after}")
    else:
        print(f"  startup: voila.js after {res.ready_s:.1f} s; kernels alive after the last page was closed: "
              f"{res.kernels_after}")


def print_summary(results: list[ModeResult], apps: list[App]) -> None:
    print("\nFirst widget, median seconds (ratio to the same server's empty notebook)")
    print(f"  {'app':26s}" + "".join(f" {r.mode.key:>17s}" for r in results))
    for app in apps:
        cells = []
        for res in results:
            med, empty = median(res.firsts(app.label)), median(res.firsts(apps[0].label))
            cells.append("n/a" if med is None else f"{med:.2f} ({med / empty:.2f}x)" if empty else f"{med:.2f}")
        print(f"  {app.label:26s}" + "".join(f" {c:>17s}" for c in cells))
    cold = next((r for r in results if r.mode.key == "cold"), None)
    cold_empty = median(cold.firsts(apps[0].label)) if cold else None
    if cold_empty:
        print(f"\n  each app against the COLD empty notebook ({cold_empty:.2f} s): what preheating buys")
        print(f"  {'app':26s}" + "".join(f" {r.mode.key:>17s}" for r in results))
        for app in apps:
            cells = []
            for res in results:
                med = median(res.firsts(app.label))
                cells.append("n/a" if med is None else f"{med / cold_empty:.2f}x")
            print(f"  {app.label:26s}" + "".join(f" {c:>17s}" for c in cells))


def print_burst_table(results: list[ModeResult], apps: list[App]) -> None:
    labels = [app.label for app in apps if app.notebook.startswith(BURST_APPS)]
    rounds = max((len(r.bursts.get(label, [])) for r in results for label in labels), default=0)
    print(f"\n{BURST_PAGES} pages opening the same app at the same moment (a study group), median of {rounds} round(s): "
          f"the faster page / the slower page, seconds to the main widget (in-page clock)")
    print(f"  {'app':26s}" + "".join(f" {r.mode.key:>17s}" for r in results))
    for label in labels:
        cells = []
        for res in results:
            ok = [sorted(t for t in times if t is not None) for times in res.bursts.get(label, [])]
            ok = [times for times in ok if len(times) == BURST_PAGES]
            if not ok:
                cells.append("n/a")
                continue
            fast, slow = median([t[0] for t in ok]), median([t[-1] for t in ok])
            cells.append(f"{fast:.2f} / {slow:.2f}")
        print(f"  {label:26s}" + "".join(f" {c:>17s}" for c in cells))


def print_context_table(results: list[ModeResult], apps: list[App], title: str) -> None:
    print(f"\nURL context: ?question={QUESTION_ID}&participant={PARTICIPANT} on the start page and the step pages")
    print(f"  expected title {title!r}, participant {PARTICIPANT!r}, links that keep 'participant={PARTICIPANT}'")
    print(f"  {'mode':16s} {'title right':>12s} {'participant right':>18s} {'links keep it':>14s}  shown instead")
    for res in results:
        seen = [v for app in apps if app.shows_context for v in res.visits.get(app.label, [])
                if v.title is not None]
        ok_t = sum(v.title == title for v in seen)
        ok_p = sum(v.participant == PARTICIPANT for v in seen)
        ok_l = sum(f"participant={PARTICIPANT}" in (v.link or "") for v in seen)
        wrong = next((v for v in seen if v.title != title or v.participant != PARTICIPANT), None)
        instead = f"{wrong.title!r} as {wrong.participant!r}, link {wrong.link!r}" if wrong else ""
        n = len(seen)
        print(f"  {res.mode.key:16s} {f'{ok_t}/{n}':>12s} {f'{ok_p}/{n}':>18s} {f'{ok_l}/{n}':>14s}  {instead}")


# -- imports ---------------------------------------------------------------------------------------

IMPORT_PROBE = """
import sys, time
t = time.perf_counter()
exec(compile(sys.argv[1], "<import>", "exec"))
d = time.perf_counter() - t
import json
print(json.dumps({"s": d, "heavy": [m for m in %r if m in sys.modules]}))
""" % (HEAVY,)


def import_rows() -> list[tuple[str, str]]:
    rows = [("import json (baseline)", "import json"), ("import widgets", "import widgets")]
    for mod in ("widgets.pages.start", "widgets.pages.step", "widgets.views.capacity", "widgets.views.ranking"):
        rows.append((f"import {mod}", f"import {mod}"))
    seen = set()
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        index = import_cell_index(nb)
        if index is None:
            continue
        source = "".join(nb["cells"][index]["source"])
        if source not in seen:
            seen.add(source)
            rows.append((f"{path.stem.split('-')[0]}: its import cell", source))
    return rows


def time_imports(repeats: int) -> None:
    print(f"\n3. Imports: fresh interpreters, median of {repeats} (in turn); 'net' is the process wall time "
          f"minus `python -c 'import json'`")
    rows = import_rows()
    walls = {label: [] for label, _ in rows}
    inner = {label: [] for label, _ in rows}
    heavy = {}
    for _ in range(repeats):
        for label, code in rows:
            t = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", IMPORT_PROBE, code], cwd=REPO, capture_output=True,
                                  text=True, timeout=300)
            walls[label].append(time.perf_counter() - t)
            if done.returncode != 0:
                heavy[label] = f"FAILED: {done.stderr.strip().splitlines()[-1][:80]}"
                continue
            probe = json.loads(done.stdout.strip().splitlines()[-1])
            inner[label].append(probe["s"])
            heavy[label] = ", ".join(probe["heavy"]) or "-"
    base = median(walls["import json (baseline)"])
    print(f"  {'import':38s} {'in-process':>11s} {'process':>9s} {'net':>8s}  heavy libraries loaded")
    for label, _ in rows:
        ins, wall = median(inner[label]), median(walls[label])
        net = wall - base
        extra = ""
        if label == "import widgets":
            extra = f"  target {IMPORT_TARGET_S} s: {'ok' if net <= IMPORT_TARGET_S else 'OVER'}"
        print(f"  {label:38s} {fmt_s(ins, 9)} {fmt_s(wall, 7)} {fmt_s(net, 6)}  {heavy.get(label, '')}{extra}")


# -- where a kernel spends its time ----------------------------------------------------------------

def cell_seconds(cell) -> float | None:
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input") or timing.get("iopub.status.busy"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds()


def cell_label(source: str) -> str:
    """The cell's first line, shortened; '(+N lines)' when it has more."""
    lines = source.strip().splitlines() or [""]
    first = lines[0] if len(lines[0]) <= 44 else lines[0][:43] + "~"
    return first + (f" (+{len(lines) - 1} lines)" if len(lines) > 1 else "")


def profile_cells(tmp: Path, repeats: int) -> None:
    import nbformat
    from nbclient import NotebookClient

    print(f"\n4. Where each notebook's time goes in its kernel: nbclient, a fresh kernel per run, {repeats} run(s) per "
          f"notebook, the run with the median total shown; the kernel sees Voila's SERVER_SOFTWARE and the query")
    site = build_site(tmp / "profile" / "site")
    env = dict(os.environ, MLSD_WORKBOOK_HOME=str(tmp / "profile" / "home"), SERVER_SOFTWARE="voila/0.5",
               QUERY_STRING=urlencode(QUERY), VOILA_PREHEAT="False")
    print(f"  {'notebook':26s} {'total':>8s} {'start+misc':>10s} {'cells':>8s}  slowest cells")
    for path in sorted(site.glob("*.ipynb"), key=lambda p: (p.name != EMPTY, p.name)):
        runs, failure = [], None
        for _ in range(repeats):
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                                    resources={"metadata": {"path": str(site)}})
            t = time.perf_counter()
            try:
                client.execute(env=env, stderr=subprocess.DEVNULL)   # the kernels' TCP warnings
            except Exception as exc:
                failure = f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}"
                break
            total = time.perf_counter() - t
            timed = [(cell_seconds(c), cell_label(c.source)) for c in nb.cells if c.cell_type == "code"]
            runs.append((total, [(sec, src) for sec, src in timed if sec is not None]))
        if failure:
            print(f"  {path.stem:26s} FAILED: {failure}")
            continue
        total, timed = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
        cells = sum(sec for sec, _ in timed)
        slowest = "; ".join(f"{sec:.2f} s {src}" for sec, src in sorted(timed, reverse=True)[:3])
        print(f"  {path.stem:26s} {fmt_s(total, 6)} {fmt_s(total - cells, 8)} {fmt_s(cells, 6)}  {slowest}")


# -- the test suite --------------------------------------------------------------------------------

def time_suite() -> None:
    print("\n5. The whole test suite (MLSD_BENCH_SUITE=1): python -m pytest -q -p no:cacheprovider")
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=REPO,
                          capture_output=True, text=True)
    wall = time.perf_counter() - t
    summary = next((line for line in reversed(done.stdout.splitlines()) if line.strip()), "")
    print(f"  wall time {wall:.1f} s, exit code {done.returncode}: {summary}")


# -- main ------------------------------------------------------------------------------------------

def launch_browser(playwright):
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} not found (apt-get install -y chromium; never `playwright install`)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer visits and modes (a smoke test)")
    parser.add_argument("--modes", help=f"comma-separated, from {', '.join(MODES)} "
                                        "(default: all; --quick: cold,preheat-1)")
    parser.add_argument("--repeats", type=int, help="visits per app and mode (default 5; --quick 2)")
    parser.add_argument("--skip-browser", action="store_true", help="only the imports and the kernel profile")
    args = parser.parse_args()
    repeats = args.repeats or (2 if args.quick else 5)
    import_repeats = 3 if args.quick else 5
    mode_keys = (args.modes.split(",") if args.modes else
                 ["cold", "preheat-1"] if args.quick else list(MODES))
    unknown = [k for k in mode_keys if k not in MODES]
    if unknown:
        parser.error(f"unknown mode(s) {unknown}; choose from {list(MODES)}")

    def interrupted(*_):   # a SIGTERM to this script still stops the servers (the finally blocks run)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    apps = discover_apps()
    title = question_title(QUESTION_ID)
    print(f"Voila page load of the workbook's apps, {os.cpu_count()} cores, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; apps: {len(apps) - 1} notebooks + the empty one")

    tmp = Path(tempfile.mkdtemp(prefix="mlsd-app-load-"))
    try:
        if not args.skip_browser:
            print(f"\n1. Page load in Chromium, {repeats} visits per app and mode, a fresh browser context per "
                  f"visit, at least {GAP_S:.0f} s apart and each once the server is quiet")
            results = []
            try:
                from playwright.sync_api import sync_playwright
                with sync_playwright() as p:
                    browser = launch_browser(p)
                    try:
                        for key in mode_keys:
                            print(f"\n[{key}] {MODES[key].label}", flush=True)
                            results.append(run_mode(MODES[key], apps, repeats, browser, tmp))
                    finally:
                        browser.close()
            except (ImportError, FileNotFoundError) as exc:
                print(f"  NOT AVAILABLE: {exc}")
            for res in results:
                print_mode_table(res, apps, repeats)
            if results:
                print_summary(results, apps)
                print_burst_table(results, apps)
                print("\n2. Does the page's URL reach the notebook?")
                print_context_table(results, apps, title)
        time_imports(import_repeats)
        profile_cells(tmp, 1 if args.quick else 3)
        if os.environ.get("MLSD_BENCH_SUITE") == "1":
            time_suite()
        print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
