"""A study group under load on this machine: writers typing through the real store, real Chromium pages, and the
facilitator's dashboard, against one Voila server started the way ``mlsd-workbook`` starts it.

    .venv/bin/python benchmarks/study_group.py            # 30 writers, 5 member pages, 6 steps (about 3 minutes)
    .venv/bin/python benchmarks/study_group.py --quick    # 5 writers, 2 pages, 3 steps
    .venv/bin/python benchmarks/study_group.py --quick --skip-browser   # the writers and the store only
    .venv/bin/python benchmarks/study_group.py --page-cost   # one join page against an empty notebook, idle

What it does:

1. creates a group (everyone answers, steps 1-6) in a fresh store and starts the server;
2. starts N writer processes, each a member of the group typing at a human pace: one autosave every 2 s (a word
   more each time, into the group's current step) and one heartbeat every 2 s, both through
   :class:`widgets.practice.group.StudyGroups` and the store, as a page's kernel does. Each write is timed;
3. opens the facilitator's dashboard in Chromium, then 5 member pages at the same moment (each opens the join
   link, enters a name and joins): the time from navigation to the member's clock showing, per page;
4. for a while, records every change of a word count on the dashboard (in the page, polled every 50 ms) and
   matches it to the writer's save: the delay from a save to its word count showing;
5. presses "Next step" on the dashboard for each following step and records when each member page shows the
   new step's title and clock (polled in the page every 20 ms);
6. counts what the store holds against what the writers saved (rows lost), measures each page kernel's resident
   memory, and the CPU load over the run.

Prints each figure with its sample count next to its target. Nothing here is asserted: the numbers are for
``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app_load import CHROMIUM, CHROMIUM_ARGS, NOTEBOOKS, VIEWPORT, Mode, build_site, kernels, start_server

from widgets.app.cli import stop_server
from widgets.practice.group import StudyGroups
from widgets.practice.store import AnswerStore

QUESTION = "uber-shared-rides"
WAIT_MS = 120_000
SAVE_EVERY_S = 2.0
#: Polls the room table every 50 ms and logs (member, words, epoch ms) whenever a count changes.
WORDS_PROBE = """(() => {
  window.__words = []; const last = {};
  setInterval(() => {
    document.querySelectorAll('.mlsd-room tbody tr').forEach(tr => {
      const name = tr.getAttribute('data-member'); const cell = tr.querySelector('.mlsd-member-words');
      if (!cell) return; const words = Number(cell.textContent);
      if (last[name] !== words) { last[name] = words; window.__words.push([name, words, Date.now()]); }
    });
  }, 50);
})();"""
#: In a member page: the epoch ms at which the page first showed step N's title with its clock.
STEP_PROBE = """(() => {
  window.__steps = {};
  setInterval(() => {
    const title = document.querySelector('.mlsd-section-title');
    const clock = document.querySelector('.mlsd-member .mlsd-clock');
    if (!title || !clock || clock.getClientRects().length === 0) return;
    const m = /^Step (\\d+)/.exec(title.textContent.trim());
    if (m && window.__steps[m[1]] === undefined) window.__steps[m[1]] = Date.now();
  }, 20);
})();"""
#: The ms after navigation at which the name box showed, and at which the member's clock first showed.
JOINED_PROBE = """(() => {
  const check = () => {
    const box = document.querySelector('.mlsd-group-join input');
    if (box && window.__box === undefined && box.getClientRects().length > 0) window.__box = performance.now();
    const el = document.querySelector('.mlsd-member .mlsd-clock');
    if (el && el.getClientRects().length > 0) { window.__joined = performance.now(); return; }
    setTimeout(check, 20);
  };
  check();
})();"""


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def writer(home: str, code: str, name: str, token: str, stop_at: float, stop, out: str, seed: int) -> None:
    """One member typing: a save of one more word every 2 s into the group's current step, and a heartbeat."""
    random.seed(seed)
    groups = StudyGroups(AnswerStore(home))
    member = groups.member(code, name, token)
    latencies, saves, failures = [], [], 0
    words: dict[int, int] = {}
    time.sleep(random.uniform(0, SAVE_EVERY_S))   # members do not type in step
    next_at = time.time()
    while time.time() < stop_at and not stop.is_set():
        try:
            step = groups.get(code).current_step
            words[step] = words.get(step, 0) + 1
            text = " ".join(f"w{i}" for i in range(words[step]))
            t0 = time.perf_counter()
            groups.store.attempt_step(name, QUESTION, step, member.attempt_id).save(text)
            latencies.append(time.perf_counter() - t0)
            saves.append([step, words[step], time.time()])
            t0 = time.perf_counter()
            groups.heartbeat(code, name, token)
            latencies.append(time.perf_counter() - t0)
        except Exception as exc:  # noqa: BLE001  (a failed write is counted, not fatal)
            failures += 1
            print(f"writer {name}: {exc}", file=sys.stderr)
        next_at += SAVE_EVERY_S
        time.sleep(max(0.0, next_at - time.time()))
    Path(out).write_text(json.dumps({"name": name, "attempt_id": member.attempt_id, "latencies": latencies,
                                     "saves": saves, "failures": failures}))


def cpu_sampler(stop_at: float, stop, out: str) -> None:
    import psutil

    samples, loads = [], []
    psutil.cpu_percent(None)
    while time.time() < stop_at and not stop.is_set():
        time.sleep(1.0)
        samples.append(psutil.cpu_percent(None))
        loads.append(os.getloadavg()[0])
    Path(out).write_text(json.dumps({"cpu": samples, "load": loads}))


def cpu_by_part(server_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the Voila server, its kernels and Chromium (user + system)."""
    import psutil

    parts = {"Voila server": 0.0, "kernels": 0.0, "Chromium": 0.0}
    for proc in psutil.process_iter(["pid", "name", "cmdline"]):
        try:
            cmd = " ".join(proc.info["cmdline"] or [])
            times = proc.cpu_times()
            used = times.user + times.system
        except psutil.Error:
            continue
        if proc.info["pid"] == server_pid:
            parts["Voila server"] += used
        elif "ipykernel_launcher" in cmd:
            parts["kernels"] += used
        elif "chrom" in (proc.info["name"] or ""):
            parts["Chromium"] += used
    return parts


def row(label, n, value, target=""):
    print(f"  {label:<58} {n!s:>5}  {value:>16}  {target}")


def fmt(seconds):
    return "—" if seconds is None else f"{seconds:.2f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 writers, 2 pages, 3 steps, shorter phases")
    parser.add_argument("--skip-browser", action="store_true", help="only the writers and the store")
    parser.add_argument("--writers", type=int, default=None)
    parser.add_argument("--pages", type=int, default=None)
    parser.add_argument("--page-cost", action="store_true",
                        help="only: the CPU one join page costs, next to an empty notebook, on an idle server")
    args = parser.parse_args()
    if args.page_cost:
        return page_cost()
    n_writers = args.writers or (5 if args.quick else 30)
    n_pages = args.pages or (2 if args.quick else 5)
    steps = [1, 2, 3] if args.quick else [1, 2, 3, 4, 5, 6]
    words_phase = 12.0 if args.quick else 40.0
    tmp = Path(tempfile.mkdtemp(prefix="mlsd-group-bench-"))
    home = tmp / "home"
    groups = StudyGroups(AnswerStore(home))
    group, key = groups.create(QUESTION, steps=steps)
    members = [groups.join(group.code, f"Writer {i:02d}") for i in range(n_writers)]
    groups.start(group.code, key)
    print(f"Study group benchmark: {n_writers} writers (a save and a heartbeat every {SAVE_EVERY_S:g} s each), "
          f"{0 if args.skip_browser else n_pages} member pages and the dashboard in Chromium, steps {steps}, "
          f"{os.cpu_count()} cores.")

    server = None
    browser_phase = 0.0 if args.skip_browser else words_phase + 4.0 * (len(steps) - 1) + 90.0
    stop_at = time.time() + (words_phase if args.skip_browser else browser_phase)
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()   # set once the browser part is done
    procs = [ctx.Process(target=writer, args=(str(home), group.code, m.name, t, stop_at, stop, str(tmp / f"w{i}.json"),
                                              i)) for i, (m, t) in enumerate(members)]
    sampler = ctx.Process(target=cpu_sampler, args=(stop_at, stop, str(tmp / "cpu.json")))
    results: dict = {"join": [], "box": [], "words": [], "next": [], "rss": []}
    try:
        if not args.skip_browser:
            server = start_server(Mode("cold", "mlsd-workbook --host default"), NOTEBOOKS, tmp, 0)
        for p in procs:
            p.start()
        sampler.start()
        if not args.skip_browser:
            run_browser(server, group.code, key, n_pages, steps, words_phase, stop_at, results)
            results["rss"] = [k.memory_info().rss / 2 ** 20 for k in kernels(server.process.pid)]
            stop.set()
        for p in procs:
            p.join(timeout=max(5.0, stop_at - time.time() + 30))
        sampler.join(timeout=30)
    finally:
        for p in procs + [sampler]:
            if p.is_alive():
                p.terminate()
        if server is not None:
            stop_server(server.process, 20)

    reports = [json.loads((tmp / f"w{i}.json").read_text()) for i in range(n_writers) if (tmp / f"w{i}.json").exists()]
    latencies = [x for r in reports for x in r["latencies"]]
    store = AnswerStore(home)
    saved = sum(len(r["saves"]) for r in reports)
    with store.reading() as conn:
        kept = sum(conn.execute("SELECT COUNT(*) FROM revisions WHERE attempt_id = ?", (r["attempt_id"],)).fetchone()[0]
                   for r in reports)
    failures = sum(r["failures"] for r in reports)
    # a save on the dashboard: the first logged count for that member and step-1 count at or after the save
    delays = []
    if results["words"]:
        seen: dict[tuple[str, int], int] = {}
        for name, words, t_ms in results["words"]:
            seen.setdefault((name, words), t_ms)
        for r in reports:
            for step, words, t in r["saves"]:
                if step == steps[0] and t < results["words_until"] and (r["name"], words) in seen:
                    delays.append(max(0.0, seen[r["name"], words] / 1000 - t))
    cpu = json.loads((tmp / "cpu.json").read_text()) if (tmp / "cpu.json").exists() else {"cpu": [], "load": []}

    print()
    print(f"  {'measure':<58} {'n':>5}  {'value':>16}  target")
    if not args.skip_browser:
        row("slowest of the pages joining at the same moment", len(results["join"]),
            fmt(max(results["join"]) if results["join"] else None), "<= 6 s")
        row("  (each page, s)", "", " ".join(f"{x:.1f}" for x in results["join"]))
        row("  of which until the name box showed (each page, s)", "", " ".join(f"{x:.1f}" for x in results["box"]))
        if "join_cpu" in results:
            spent = ", ".join(f"{k} {v:.1f}" for k, v in results["join_cpu"].items())
            row(f"  CPU seconds while they joined ({results['join_wall']:.1f} s wall)", "", "", spent)
        row("'Next step' to the new step's clock on every page, p50", len(results["next"]),
            fmt(percentile(results["next"], 50)))
        row("'Next step' to the new step's clock on every page, p99", len(results["next"]),
            fmt(percentile(results["next"], 99)), "<= 2 s")
        row("a save to its word count on the dashboard, p50", len(delays), fmt(percentile(delays, 50)))
        row("a save to its word count on the dashboard, p99", len(delays), fmt(percentile(delays, 99)), "<= 2 s")
    row("store write (a save or a heartbeat), p50", len(latencies),
        f"{1000 * (percentile(latencies, 50) or 0):.1f} ms")
    row("store write (a save or a heartbeat), p99", len(latencies),
        f"{1000 * (percentile(latencies, 99) or 0):.1f} ms", "<= 50 ms")
    row("rows lost (saves reported minus revisions stored)", saved, saved - kept, "0")
    row("failed writes", len(latencies), failures, "0")
    if not args.skip_browser:
        rss = results["rss"]
        row("resident memory of each page's kernel, largest", len(rss), f"{max(rss):.0f} MB" if rss else "—",
            "<= 200 MB")
        row("  (each kernel, MB)", "", " ".join(f"{x:.0f}" for x in sorted(rss)))
    row("CPU busy over the run (both cores), mean", len(cpu["cpu"]),
        f"{statistics.mean(cpu['cpu']):.0f}%" if cpu["cpu"] else "—")
    row("load average (1 min), largest", len(cpu["load"]), f"{max(cpu['load']):.1f}" if cpu["load"] else "—")
    return 0


def page_cost(rounds: int = 2) -> int:
    """Open the group's join page and an empty notebook one at a time on an idle server: wall time to the
    first usable element and the CPU seconds each part used (until 1.5 s after it showed)."""
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="mlsd-page-cost-"))
    site = build_site(tmp / "site")
    groups = StudyGroups(AnswerStore(tmp / "home"))
    group, _ = groups.create(QUESTION)
    server = start_server(Mode("cold", "mlsd-workbook --host default"), site, tmp, 0)
    pages = [("empty notebook", "empty.ipynb", ".jp-Cell"),
             ("study group, join page", f"study-group.ipynb?group={group.code}", ".mlsd-group-join input")]
    print(f"One page at a time, idle server, {rounds} rounds: seconds to the first usable element; CPU seconds.")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for _ in range(rounds):
                for label, path, selector in pages:
                    page = browser.new_context(viewport=VIEWPORT).new_page()
                    before, t0 = cpu_by_part(server.process.pid), time.time()
                    page.goto(f"http://127.0.0.1:{server.port}/voila/render/{path}", timeout=WAIT_MS)
                    page.wait_for_selector(selector, state="visible", timeout=WAIT_MS)
                    shown = time.time() - t0
                    time.sleep(1.5)
                    after = cpu_by_part(server.process.pid)
                    spent = ", ".join(f"{k} {after[k] - before[k]:.2f}" for k in after)
                    print(f"  {label:<24} {shown:5.1f} s   {spent}")
                    page.context.close()
                    time.sleep(2.0)
            browser.close()
    finally:
        stop_server(server.process, 20)
    return 0


def run_browser(server, code: str, key: str, n_pages: int, steps: list[int], words_phase: float, stop_at: float,
                results: dict) -> None:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{server.port}/voila/render/study-group.ipynb"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            facilitator = browser.new_context(viewport=VIEWPORT).new_page()
            facilitator.goto(f"{base}?group={code}&key={key}", timeout=WAIT_MS)
            facilitator.wait_for_selector(".mlsd-room tbody tr", timeout=WAIT_MS)
            pages = []
            for _ in range(n_pages):
                page = browser.new_context(viewport=VIEWPORT).new_page()
                page.add_init_script(JOINED_PROBE)
                page.add_init_script(STEP_PROBE)
                pages.append(page)
            before = cpu_by_part(server.process.pid)
            t0 = time.time()
            for page in pages:   # every navigation starts before any page answers
                page.evaluate("url => { window.location.href = url; }", f"{base}?group={code}")
            for i, page in enumerate(pages):
                box = page.wait_for_selector(".mlsd-group-join input[type='text']", timeout=WAIT_MS)
                box.fill(f"Page {i}")
                page.locator("button.jupyter-button", has_text="Join the group").click()
            for page in pages:
                page.wait_for_function("() => window.__joined !== undefined", timeout=WAIT_MS)
                results["join"].append(page.evaluate("() => window.__joined") / 1000)
                results["box"].append(page.evaluate("() => window.__box") / 1000)
            after = cpu_by_part(server.process.pid)
            results["join_cpu"] = {k: after[k] - before[k] for k in after}
            results["join_wall"] = time.time() - t0
            facilitator.evaluate(WORDS_PROBE)
            time.sleep(words_phase)
            results["words"] = facilitator.evaluate("() => window.__words")
            results["words_until"] = time.time() - 3.0   # saves after this may not have shown yet
            for step in steps[1:]:
                clicked = time.time() * 1000
                facilitator.locator("button.jupyter-button", has_text="Next step").click()
                for page in pages:
                    page.wait_for_function(f"() => window.__steps['{step}'] !== undefined", timeout=WAIT_MS)
                    results["next"].append((page.evaluate(f"() => window.__steps['{step}']") - clicked) / 1000)
                time.sleep(3.0)
        finally:
            browser.close()


if __name__ == "__main__":
    sys.exit(main())
