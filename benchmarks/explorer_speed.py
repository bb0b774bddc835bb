"""How long one explorer update takes in the kernel: recompute, update the artists, render the PNG.

Run: .venv/bin/python benchmarks/explorer_speed.py [--quick]

Each explorer is built once (its models fitted and cached), then a control is moved through a
sweep of values; every move runs the explorer's full update (compute + redraw + PNG encode), the
same code a slider event runs in the Voila kernel. Prints the median and 90th percentile per
explorer against the 50 ms target (for issue 15's tools, a control that refits nothing), the time each of those
tools takes to build, and, for a control that refits, its first visit against a second, cached one; and, for the
ranker view, the in-place update (moved artists redrawn on a cached background) next to a clear-and-replot of the
same figure, in the same run.
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
    from widgets.views.compression import CompressionExplorer
    from widgets.views.drift import DriftMonitor
    from widgets.views.fairness import FairnessExplorer
    from widgets.views.ranking import ListExplorer, RankerExplorer
    from widgets.views.retraining import RetrainingExplorer
    from widgets.views.robustness import RobustnessExplorer
    from widgets.views.scaling import ScaleExplorer
    from widgets.views.threshold import ThresholdExplorer

    builds = {}

    def built(name, make):
        t = time.perf_counter()
        widget = make()
        builds[name] = time.perf_counter() - t
        return widget

    t0 = time.perf_counter()
    robustness = built("robustness", RobustnessExplorer)
    drift = built("drift monitor", DriftMonitor)
    compression = built("serving optimisation", CompressionExplorer)
    retraining = built("retraining", RetrainingExplorer)
    scale = built("ten times the scale", ScaleExplorer)
    explorers = {
        "precision@k vs ndcg@k (k slider)": (lambda w: w.k, ListExplorer(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        "rankers (k slider)": (lambda w: w.k, RankerExplorer(), list(range(1, 51, 2))),
        "threshold (threshold slider)": (lambda w: w.threshold, ThresholdExplorer(),
                                         [round(0.05 * i, 2) for i in range(1, 20)]),
        "calibration (bins slider)": (lambda w: w.n_bins, CalibrationExplorer(), list(range(2, 31, 2))),
        "fairness (threshold slider)": (lambda w: w.shared, FairnessExplorer(), [round(0.05 * i, 2) for i in range(1, 20)]),
        # issue 15's tools: a control that refits nothing (what is refitted is cached, measured below)
        "robustness (strength slider)": (lambda w: w.strength, robustness, [round(0.1 * i, 1) for i in range(21)]),
        "drift (PSI threshold slider)": (lambda w: w.psi_threshold, drift, [round(0.05 * i, 2) for i in range(1, 21)]),
        "drift (label delay slider)": (lambda w: w.label_delay, drift, list(range(0, 61, 4))),
        "serving optimisation (device)": (lambda w: w.device, compression, [v for _, v in compression.device.options]),
        "retraining (floor slider)": (lambda w: w.floor, retraining, [round(0.6 + 0.01 * i, 2) for i in range(21)]),
        "ten times (factor slider)": (lambda w: w.factor, scale, [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100]),
    }
    print(f"built the explorers (models fitted, data loaded) in {time.perf_counter() - t0:.1f} s; "
          f"issue 15's tools each: " + ", ".join(f"{name} {s:.1f} s" for name, s in builds.items()) + "\n")
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

    # a control whose move refits or re-measures: the first visit computes, a second visit is cached
    refits = {
        "robustness: data -> review text (fits the text model)": (robustness.data, "review text (text)",
                                                                  "loan default (tabular)"),
        "drift: a new drift start day (a new stream)": (drift.start_day, 120, 180),
        "serving optimisation: a new student size (fits, converts, times)": (compression.hidden, 32, 16),
        "retraining: a new period (simulates the year)": (retraining.every_days, 30, 14),
        "ten times: grow the items": (scale.grow, "items", "users"),
    }
    print(f"\n{'control that refits':64s} {'first visit':>12s} {'back':>9s} {'seen again':>11s}")
    for name, (control, new, old) in refits.items():
        first = timed_moves(control, [new])[0]
        back = timed_moves(control, [old])[0]
        again = timed_moves(control, [new])[0]
        control.value = old
        print(f"{name:64s} {first * 1000:9.0f} ms {back * 1000:6.0f} ms {again * 1000:8.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
