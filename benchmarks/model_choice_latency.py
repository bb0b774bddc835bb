"""How stable the latencies step 3 quotes are: two measurements of the same fitted models, side by side.

Run: .venv/bin/python benchmarks/model_choice_latency.py [--pairs N] [--quick]

The four step-3 models are trained once; then, N times, the latencies are measured twice in a row
with the workbook's method (``measure_latency``: a warm-up, then rounds of single requests, the
median of the rounds' p50 and p99) and, in the same run, with the method it replaced (one pass of 200
requests, the percentiles of all of them). For each model and each method it prints the largest ratio
between the two measurements of a pair (larger over smaller, so 1.00 is identical), against the target:
a figure a candidate quotes stays within 30% (ratio <= 1.30) between two measurements on an idle
machine. Sample counts are printed with the figures. The machine's load (os.getloadavg) is printed too:
a busy machine is not an idle one. ``--busy N`` runs N spinning processes meanwhile, to see both
methods on a loaded machine (what made a re-measure move latencies 2-6x before).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

TARGET_RATIO = 1.30


def old_method(model, X, n_requests: int = 200, warmup: int = 10) -> tuple[float, float]:
    """The measurement before: one pass of ``n_requests`` single calls, percentiles of all of them."""
    from threadpoolctl import threadpool_limits

    rows = [X[i % len(X): i % len(X) + 1] for i in range(n_requests)]
    with threadpool_limits(limits=1):
        for row in rows[:warmup]:
            model.predict(row)
        times = []
        for row in rows:
            t = time.perf_counter()
            model.predict(row)
            times.append(time.perf_counter() - t)
    p50, p99 = np.percentile(np.array(times) * 1e3, [50, 99])
    return float(p50), float(p99)


def _spin(stop) -> None:
    while not stop.is_set():
        sum(i * i for i in range(10_000))


def ratio(a: float, b: float) -> float:
    return max(a, b) / min(a, b)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5, help="pairs of measurements per model (default 5)")
    parser.add_argument("--quick", action="store_true", help="one pair (a smoke test)")
    parser.add_argument("--busy", type=int, default=0, help="spinning processes to run meanwhile (default 0)")
    args = parser.parse_args()
    pairs = 1 if args.quick else args.pairs
    import multiprocessing

    stop = multiprocessing.Event()
    spinners = [multiprocessing.Process(target=_spin, args=(stop,), daemon=True) for _ in range(args.busy)]
    for p in spinners:
        p.start()
    try:
        return _measure(pairs, args.busy)
    finally:
        stop.set()
        for p in spinners:
            p.join(10)


def _measure(pairs: int, busy: int) -> int:
    from widgets.tools import model_choice as MC

    study = MC.model_choice_study()
    X = study.X_test
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
          f"{f'; {busy} spinning process(es) running' if busy else ''}")
    print(f"new method: {MC.ROUNDS} rounds of {MC.N_REQUESTS} requests, median of the rounds; "
          f"old method: one pass of 200 requests; {pairs} pair(s) per model")
    print(f"{'model':<24}{'method':<6}{'p50 ms':>9}{'p99 ms':>9}{'worst p50 ratio':>17}{'worst p99 ratio':>17}  within 30%")
    worst_new = 1.0
    for name, model in study.models.items():
        for method in ("new", "old"):
            p50_ratios, p99_ratios, p50s, p99s = [], [], [], []
            for _ in range(pairs):
                if method == "new":
                    a, b = MC.measure_latency(model, X), MC.measure_latency(model, X)
                    first, second = (a.p50_ms, a.p99_ms), (b.p50_ms, b.p99_ms)
                else:
                    first, second = old_method(model, X), old_method(model, X)
                p50_ratios.append(ratio(first[0], second[0]))
                p99_ratios.append(ratio(first[1], second[1]))
                p50s += [first[0], second[0]]
                p99s += [first[1], second[1]]
            ok = max(p50_ratios + p99_ratios) <= TARGET_RATIO
            if method == "new":
                worst_new = max(worst_new, *p50_ratios, *p99_ratios)
            print(f"{name:<24}{method:<6}{np.median(p50s):>9.3f}{np.median(p99s):>9.3f}"
                  f"{max(p50_ratios):>17.2f}{max(p99_ratios):>17.2f}  {'yes' if ok else 'NO'}")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"worst ratio between two measurements with the workbook's method: {worst_new:.2f} "
          f"(target <= {TARGET_RATIO:.2f}; {pairs} pair(s) x 4 models x 2 figures)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
