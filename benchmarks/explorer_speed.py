"""How long one explorer update takes in the kernel: recompute, update the artists, render the PNG.

Run: .venv/bin/python benchmarks/explorer_speed.py [--quick]

Each explorer is built once (its models fitted and cached), then a control is moved through a
sweep of values; every move runs the explorer's full update (compute + redraw + PNG encode), the
same code a slider event runs in the Voila kernel. Prints the median and 90th percentile per
explorer against the 50 ms target, and, for the ranker view, the in-place update (moved artists
redrawn on a cached background) next to a clear-and-replot of the same figure, in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time


def timed_moves(control, values) -> list[float]:
    out = []
    for v in values:
        t = time.perf_counter()
        control.value = v
        out.append(time.perf_counter() - t)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer moves (a smoke test)")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3

    from widgets.views._figures import png
    from widgets.views.calibration import CalibrationExplorer
    from widgets.views.fairness import FairnessExplorer
    from widgets.views.ranking import ListExplorer, RankerExplorer
    from widgets.views.threshold import ThresholdExplorer

    t0 = time.perf_counter()
    explorers = {
        "precision@k vs ndcg@k (k slider)": (lambda w: w.k, ListExplorer(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        "rankers (k slider)": (lambda w: w.k, RankerExplorer(), list(range(1, 51, 2))),
        "threshold (threshold slider)": (lambda w: w.threshold, ThresholdExplorer(),
                                         [round(0.05 * i, 2) for i in range(1, 20)]),
        "calibration (bins slider)": (lambda w: w.n_bins, CalibrationExplorer(), list(range(2, 31, 2))),
        "fairness (threshold slider)": (lambda w: w.shared, FairnessExplorer(), [round(0.05 * i, 2) for i in range(1, 20)]),
    }
    print(f"built the five explorers (models fitted, data loaded) in {time.perf_counter() - t0:.1f} s\n")
    print(f"{'explorer update':38s} {'median':>9s} {'p90':>9s}  target 50 ms")
    worst = 0.0
    for name, (control_of, widget, values) in explorers.items():
        control = control_of(widget)
        times = []
        for _ in range(repeats):
            times += timed_moves(control, values)
            times += timed_moves(control, list(reversed(values)))
        med = statistics.median(times) * 1000
        p90 = statistics.quantiles(times, n=10)[-1] * 1000
        worst = max(worst, med)
        print(f"{name:38s} {med:7.1f} ms {p90:7.1f} ms  {'ok' if med <= 50 else 'OVER'}")

    # in-place artists against clear-and-replot, same figure, same run
    ranker = explorers["rankers (k slider)"][1]
    fig = ranker._fig
    axes = fig.axes
    curves = ranker.curves

    def in_place(k):   # what the explorer does: move the markers, redraw them on the cached background
        for marker in ranker._markers:
            marker.set_xdata([k, k])
        return ranker._blit.png()

    def replot(k):
        for ax, table in zip(axes, (curves.precision, curves.ndcg)):
            ax.clear()
            for values in table.values():
                ax.plot(curves.ks, values)
            ax.axvline(k)
            ax.set_xlabel("k")
        return png(fig)

    results = {}
    for label, fn in (("update artists in place", in_place), ("clear and replot", replot)):  # replot last: it clears
        times = []
        for _ in range(repeats):
            for k in range(1, 51, 3):
                t = time.perf_counter()
                fn(k)
                times.append(time.perf_counter() - t)
        results[label] = statistics.median(times)
    ratio = results["clear and replot"] / results["update artists in place"]
    print(f"\nranker figure: in place {results['update artists in place'] * 1000:.1f} ms, clear and replot "
          f"{results['clear and replot'] * 1000:.1f} ms: ratio {ratio:.2f}x")
    print(f"slowest explorer median: {worst:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
