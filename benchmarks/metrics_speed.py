"""Speed of widgets.tools.metrics against the reference libraries, measured in one run.

    .venv/bin/python benchmarks/metrics_speed.py           # full sizes (10,000 x 100 ranking, 1,000,000 probabilities)
    .venv/bin/python benchmarks/metrics_speed.py --quick   # small sizes, a few seconds (smoke test)

Every figure printed is measured in this run. Each implementation is called once untimed (the
warm-up, which also compiles ranx's numba functions or loads them from numba's cache); then the
implementations of one case are called in turn, round after round, so that a change of load on the
machine falls on all of them alike, and the median of each one's rounds is reported with its
fastest and slowest round. A ratio is ``library time / our time``: above 1 means ours is faster.
Nothing here asserts on a time; the script exits 0 whenever it ran to the end. A library that will
not import, or fails, is reported on its row and the other rows go on.

Optional libraries: ``pip install -e '.[bench]'`` (ranx, pytrec-eval-terrier). scikit-learn is a
core dependency of the workbook.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
import traceback
import warnings
from dataclasses import dataclass
from importlib.metadata import version as dist_version
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from widgets.tools.metrics import RankedLists, brier_score, reliability_curve  # noqa: E402

SEED = 20240601
K = 10
NEW_K = 20
TOL = 1e-9
METRIC_NAMES = ("precision", "recall", "ndcg", "average_precision", "reciprocal_rank", "hit_rate")
SHORT = {"precision": "P", "recall": "R", "ndcg": "nDCG", "average_precision": "AP",
         "reciprocal_rank": "RR", "hit_rate": "HR"}
RANX_METRICS = {"precision": f"precision@{K}", "recall": f"recall@{K}", "ndcg": f"ndcg@{K}",
                "average_precision": f"map@{K}", "reciprocal_rank": "mrr", "hit_rate": f"hit_rate@{K}"}
TREC_MEASURES = {"precision": f"P_{K}", "recall": f"recall_{K}", "ndcg": f"ndcg_cut_{K}",
                 "average_precision": f"map_cut_{K}", "reciprocal_rank": "recip_rank",
                 "hit_rate": f"success_{K}"}


# --------------------------------------------------------------------------------------------
# timing and printing
# --------------------------------------------------------------------------------------------
@dataclass
class Timing:
    median: float | None = None
    fastest: float | None = None
    slowest: float | None = None
    result: object = None
    error: BaseException | None = None


def measure_together(jobs, warmup: int = 1) -> dict:
    """``jobs`` is a list of ``(key, fn, repeats)``. Each ``fn`` is warmed up, then all are called
    in turn, round after round (a job stops after its own ``repeats``). A job that raises is
    recorded with its error and dropped from the later rounds."""
    out = {key: Timing() for key, _, _ in jobs}
    samples = {key: [] for key, _, _ in jobs}
    for key, fn, _ in jobs:
        try:
            for _ in range(warmup):
                out[key].result = fn()
        except Exception as exc:  # noqa: BLE001 - reported on the row
            out[key].error = exc
    for round_ in range(max((r for _, _, r in jobs), default=0)):
        for key, fn, repeats in jobs:
            if out[key].error is not None or round_ >= repeats:
                continue
            try:
                start = time.perf_counter()
                out[key].result = fn()
                samples[key].append(time.perf_counter() - start)
            except Exception as exc:  # noqa: BLE001
                out[key].error = exc
    for key, times in samples.items():
        if times and out[key].error is None:
            out[key].median, out[key].fastest, out[key].slowest = statistics.median(times), min(times), max(times)
    return out


class Table:
    def __init__(self, title: str):
        self.title, self.rows = title, []

    def add(self, name: str, timing: Timing | None = None, baseline: str = "", ratio: float | None = None,
            note: str = ""):
        self.rows.append((name, timing, baseline, ratio, note))

    @staticmethod
    def _ms(seconds):
        return f"{seconds * 1e3:,.1f}"

    def show(self):
        print(f"\n{self.title}")
        header = ("implementation", "median ms", "min-max ms", "ratio", "ratio of", "check")
        rows = []
        for name, t, baseline, ratio, note in self.rows:
            ok = t is not None and t.median is not None
            rows.append((name, self._ms(t.median) if ok else "-",
                         f"{self._ms(t.fastest)}-{self._ms(t.slowest)}" if ok else "-",
                         "-" if ratio is None else f"{ratio:.2f}x", baseline, note))
        widths = [max(len(str(x[i])) for x in [header, *rows]) for i in range(5)]
        line = "  ".join(["{:<%d}" % widths[0], "{:>%d}" % widths[1], "{:>%d}" % widths[2],
                          "{:>%d}" % widths[3], "{:<%d}" % widths[4], "{}"])
        print(line.format(*header))
        print("  ".join("-" * w for w in widths) + "  " + "-" * 5)
        for row in rows:
            print(line.format(*row).rstrip())


def failure(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}".rstrip(": ")


def ratio(theirs: Timing, ours: Timing) -> float | None:
    if theirs.median is None or ours.median is None:
        return None
    return theirs.median / ours.median


def agreement(ours: dict, theirs: dict, names) -> str:
    """Per-query max |difference| over the named metrics, and whether all are within TOL."""
    worst_name, worst = None, 0.0
    for name in names:
        a, b = np.asarray(ours[name], dtype=float), np.asarray(theirs[name], dtype=float)
        if a.shape != b.shape:
            return f"DISAGREE: {name} shapes {a.shape} vs {b.shape}"
        diff = float(np.max(np.abs(a - b))) if a.size else 0.0
        if diff >= worst:
            worst_name, worst = name, diff
    if worst <= TOL:
        return f"agree per query (max |diff| {worst:.1e})"
    return f"DISAGREE per query (max |diff| {worst:.1e} in {worst_name})"


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------
def ranking_data(n_queries: int, n_candidates: int):
    rng = np.random.default_rng(SEED)
    relevant = rng.random((n_queries, n_candidates)) < 0.10
    rel = np.where(relevant, rng.integers(1, 4, (n_queries, n_candidates)), 0).astype(np.int64)
    scores = rng.random((n_queries, n_candidates))          # float64, distinct within a row (checked)
    return rel, scores


def calibration_data(n: int, n_bins: int = 10):
    rng = np.random.default_rng(SEED + 1)
    p = rng.beta(2.0, 3.0, n)
    # one in a thousand probabilities exactly on a uniform bin edge, to check the edge rule too
    p[: n // 1000] = rng.choice(np.linspace(0.0, 1.0, n_bins + 1), n // 1000)
    y = (rng.random(n) < p).astype(np.int64)
    return y, p


# --------------------------------------------------------------------------------------------
# case 1: the six ranking metrics at k=10, end to end from dense arrays
# --------------------------------------------------------------------------------------------
def six_at(r: RankedLists, k: int) -> dict:
    return {"precision": r.precision(k).per_query, "recall": r.recall(k).per_query,
            "ndcg": r.ndcg(k).per_query, "average_precision": r.average_precision(k).per_query,
            "reciprocal_rank": r.reciprocal_rank().per_query, "hit_rate": r.hit_rate(k).per_query}


def ours_all_six(rel, scores, k=K) -> dict:
    return six_at(RankedLists(rel, scores), k)


def ids(n_queries: int, n_candidates: int):
    width = len(str(max(n_queries - 1, 1)))
    # zero-padded, so that ranx's sort of the query ids keeps the array order
    return [f"q{i:0{width}d}" for i in range(n_queries)], [f"d{j}" for j in range(n_candidates)]


def judgments_dicts(rel, qids, docs) -> dict:
    """TREC-style qrels from the dense grades: the relevant candidates of each query; a query with
    none keeps one zero judgment so that it stays in the evaluation (and scores 0, as ours)."""
    out = {}
    for q, row in zip(qids, rel.tolist()):
        judged = {docs[j]: g for j, g in enumerate(row) if g > 0}
        out[q] = judged or {docs[0]: 0}
    return out


def run_dicts(scores, qids, docs) -> dict:
    return {q: dict(zip(docs, row)) for q, row in zip(qids, scores.tolist())}


def ranx_numpy(rel, scores, threads: int) -> dict:
    """``ranx.evaluate`` on numpy arrays (its signature takes ``np.ndarray`` qrels and run): per
    query, rows of (doc id, value); the run sorted by descending score, the qrels by descending
    grade (ranx reads the ideal DCG off the qrels order), trimmed to the most relevant any query has."""
    import ranx

    doc_ids = np.broadcast_to(np.arange(rel.shape[1], dtype=np.float64), rel.shape)
    order = np.argsort(-scores, axis=1)
    run = np.stack([np.take_along_axis(doc_ids, order, 1), np.take_along_axis(scores, order, 1)], -1)
    width = max(1, int((rel > 0).sum(axis=1).max()))
    by_grade = np.argsort(-rel, axis=1, kind="stable")[:, :width]
    qrels = np.stack([by_grade.astype(np.float64),
                      np.take_along_axis(rel, by_grade, 1).astype(np.float64)], -1)
    out = ranx.evaluate(qrels, run, list(RANX_METRICS.values()), return_mean=False, threads=threads)
    return {name: out[m] for name, m in RANX_METRICS.items()}


def ranx_dict(rel, scores, threads: int) -> dict:
    """ranx's documented path: nested dicts -> ``Qrels.from_dict`` / ``Run.from_dict`` -> ``evaluate``."""
    import ranx

    qids, docs = ids(*rel.shape)
    qrels = ranx.Qrels.from_dict(judgments_dicts(rel, qids, docs))
    run = ranx.Run.from_dict(run_dicts(scores, qids, docs))
    out = ranx.evaluate(qrels, run, list(RANX_METRICS.values()), return_mean=False,
                        save_results_in_run=False, threads=threads)
    return {name: out[m] for name, m in RANX_METRICS.items()}


def trec_wanted() -> dict:
    """Our metric name -> pytrec_eval result key, for the measures this pytrec_eval supports."""
    import pytrec_eval

    return {name: m for name, m in TREC_MEASURES.items()
            if m.removesuffix(f"_{K}") in pytrec_eval.supported_measures}


def pytrec(rel, scores) -> dict:
    import pytrec_eval

    qids, docs = ids(*rel.shape)
    wanted = trec_wanted()
    # pytrec_eval takes a cutoff as "P.10" and returns the value as "P_10"
    measures = {m.removesuffix(f"_{K}") + (f".{K}" if m.endswith(f"_{K}") else "") for m in wanted.values()}
    evaluator = pytrec_eval.RelevanceEvaluator(judgments_dicts(rel, qids, docs), measures)
    out = evaluator.evaluate(run_dicts(scores, qids, docs))
    return {name: np.array([out[q][m] for q in qids]) for name, m in wanted.items()}


def importable(module: str):
    try:
        __import__(module)
        return None
    except Exception as exc:  # noqa: BLE001 - any import failure is reported, not raised
        return exc


def case_ranking(rel, scores, repeats: int, slow_repeats: int) -> Table:
    n_queries, n_candidates = rel.shape
    distinct = bool((np.diff(np.sort(scores, axis=1), axis=1) != 0).all())
    table = Table(f"1. Ranking: {n_queries:,} queries x {n_candidates} candidates, grades 0-3 "
                  f"({(rel > 0).mean():.1%} relevant), six metrics at k={K}, end to end from dense arrays "
                  f"(scores distinct within every query: {distinct})")
    missing = {m: importable(m) for m in ("ranx", "pytrec_eval", "sklearn")}
    jobs = [("ours", lambda: ours_all_six(rel, scores), repeats),
            ("ours_ndcg", lambda: RankedLists(rel, scores).ndcg(K).per_query, repeats)]
    if missing["ranx"] is None:
        import numba

        # every ranx call names its thread count: evaluate(threads=0) keeps whatever was set last
        threads = numba.config.NUMBA_NUM_THREADS
        jobs += [("ranx_numpy", lambda: ranx_numpy(rel, scores, threads), repeats),
                 ("ranx_numpy_1", lambda: ranx_numpy(rel, scores, 1), repeats),
                 ("ranx_dict", lambda: ranx_dict(rel, scores, threads), slow_repeats)]
    if missing["pytrec_eval"] is None:
        jobs.append(("pytrec", lambda: pytrec(rel, scores), slow_repeats))
    if missing["sklearn"] is None:
        from sklearn.metrics import ndcg_score

        jobs += [("sk", lambda: ndcg_score(rel, scores, k=K), repeats),
                 ("sk_fast", lambda: ndcg_score(rel, scores, k=K, ignore_ties=True), repeats)]
    t = measure_together(jobs)
    ours = t["ours"].result

    table.add("ours: RankedLists + 6 metrics", t["ours"], "", None,
              "means: " + ", ".join(f"{SHORT[n]} {ours[n].mean():.4f}" for n in METRIC_NAMES))
    six = "ours, 6 metrics"

    def library_row(key, label, names, extra=""):
        timing = t[key]
        if timing.error is not None:
            table.add(label, None, six, None, f"FAILED: {failure(timing.error)}")
            return
        theirs = timing.result
        means = max(abs(ours[n].mean() - theirs[n].mean()) for n in names)
        table.add(label, timing, six, ratio(timing, t["ours"]),
                  f"{len(names)}/6 metrics {agreement(ours, theirs, names)}, means max |diff| {means:.1e}"
                  + extra)

    if missing["ranx"] is None:
        version = f"ranx {dist_version('ranx')}"
        gain = "; ranx 'ndcg' gain is linear (Jarvelin), as ours"
        library_row("ranx_numpy", f"{version}: numpy arrays -> evaluate, {threads} numba threads",
                    METRIC_NAMES, gain)
        library_row("ranx_numpy_1", f"{version}: numpy arrays -> evaluate, 1 numba thread",
                    METRIC_NAMES, gain)
        library_row("ranx_dict", f"{version}: dicts -> Qrels/Run.from_dict -> evaluate, {threads} threads",
                    METRIC_NAMES, gain)
    else:
        table.add("ranx", None, six, None, f"NOT AVAILABLE ({failure(missing['ranx'])}); pip install ranx")

    if missing["pytrec_eval"] is None:
        names = [n for n in METRIC_NAMES if n in trec_wanted()]
        absent = [TREC_MEASURES[n] for n in METRIC_NAMES if n not in names]
        library_row("pytrec", f"pytrec_eval {dist_version('pytrec-eval-terrier')}: dicts -> RelevanceEvaluator",
                    names, "; ndcg_cut gain is the grade (linear), as ours"
                    + (f"; not in this pytrec_eval: {', '.join(absent)}" if absent else ""))
    else:
        table.add("pytrec_eval", None, six, None,
                  f"NOT AVAILABLE ({failure(missing['pytrec_eval'])}); pip install pytrec-eval-terrier")

    table.add("ours: RankedLists + ndcg only", t["ours_ndcg"], "", None, "the baseline for scikit-learn")
    if missing["sklearn"] is None:
        import sklearn

        for key, label in (("sk", f"scikit-learn {sklearn.__version__}: ndcg_score(k={K})"),
                           ("sk_fast", f"scikit-learn {sklearn.__version__}: ndcg_score(k={K}, ignore_ties=True)")):
            timing = t[key]
            if timing.error is not None:
                table.add(label, None, "ours, ndcg only", None, f"FAILED: {failure(timing.error)}")
                continue
            diff = abs(timing.result - t["ours_ndcg"].result.mean())
            table.add(label, timing, "ours, ndcg only", ratio(timing, t["ours_ndcg"]),
                      f"mean nDCG {'agrees' if diff <= TOL else 'DISAGREES'} (|diff| {diff:.1e}); "
                      f"ndcg alone: scikit-learn has no P@k, R@k, AP@k, MRR or hit rate for ranked lists")
    else:
        table.add("scikit-learn", None, "", None, f"NOT AVAILABLE ({failure(missing['sklearn'])})")
    return table


# --------------------------------------------------------------------------------------------
# case 2: a change of k alone reuses the sort
# --------------------------------------------------------------------------------------------
def case_new_k(rel, scores, repeats: int) -> Table:
    table = Table(f"2. A change of k alone reuses the sort ({rel.shape[0]:,} x {rel.shape[1]})")
    ranked = RankedLists(rel, scores)
    t = measure_together([("build", lambda: RankedLists(rel, scores), repeats),
                          ("reuse", lambda: six_at(ranked, NEW_K), repeats)])
    table.add("RankedLists(rel, scores): validate + sort + cumulate", t["build"])
    check = agreement(ours_all_six(rel, scores, NEW_K), t["reuse"].result, METRIC_NAMES)
    table.add(f"6 metrics at a new k={NEW_K} on the existing object", t["reuse"], "", None,
              f"vs a fresh RankedLists: {check.replace('per query', '')}".replace("  ", " "))
    both = Timing(t["build"].median + t["reuse"].median, t["build"].fastest + t["reuse"].fastest,
                  t["build"].slowest + t["reuse"].slowest)
    table.add("construction + 6 metrics (sum of the two)", both, "new k only", ratio(both, t["reuse"]),
              "what a new k would cost if it sorted again")
    return table


# --------------------------------------------------------------------------------------------
# case 3: calibration
# --------------------------------------------------------------------------------------------
def case_calibration(y, p, repeats: int) -> tuple[Table, list]:
    table = Table(f"3. Calibration: {y.size:,} probabilities, 10 bins (reliability curve + Brier score)")
    missing = importable("sklearn")
    ratios = []
    for strategy in ("uniform", "quantile"):
        jobs = [("ours", lambda s=strategy: (reliability_curve(y, p, 10, s), brier_score(y, p)), repeats)]
        if missing is None:
            import sklearn
            from sklearn.calibration import calibration_curve
            from sklearn.metrics import brier_score_loss

            jobs.append(("sk", lambda s=strategy: (*calibration_curve(y, p, n_bins=10, strategy=s),
                                                   brier_score_loss(y, p)), repeats))
        t = measure_together(jobs)
        table.add(f"ours: reliability_curve('{strategy}') + brier_score", t["ours"])
        if missing is not None:
            table.add("scikit-learn", None, "", None, f"NOT AVAILABLE ({failure(missing)})")
            continue
        label = f"scikit-learn {sklearn.__version__}: calibration_curve('{strategy}') + brier_score_loss"
        if t["sk"].error is not None:
            table.add(label, None, f"ours, {strategy}", None, f"FAILED: {failure(t['sk'].error)}")
            continue
        curve, brier = t["ours"].result
        prob_true, prob_pred, their_brier = t["sk"].result
        same_shape = curve.prob_true.shape == prob_true.shape and curve.prob_pred.shape == prob_pred.shape
        equal = same_shape and np.array_equal(curve.prob_true, prob_true) and np.array_equal(curve.prob_pred, prob_pred)
        close = same_shape and (np.allclose(curve.prob_true, prob_true, rtol=0, atol=1e-12)
                                and np.allclose(curve.prob_pred, prob_pred, rtol=0, atol=1e-12))
        r = ratio(t["sk"], t["ours"])
        ratios.append((strategy, r))
        table.add(label, t["sk"], f"ours, {strategy}", r,
                  f"bins {'identical' if equal else 'within 1e-12' if close else 'DIFFER'} "
                  f"({len(prob_true)} non-empty), Brier |diff| {abs(brier - their_brier):.1e}")
    return table, ratios


# --------------------------------------------------------------------------------------------
def versions() -> str:
    parts = [f"Python {platform.python_version()}", f"numpy {np.__version__}"]
    for dist in ("scikit-learn", "ranx", "pytrec-eval-terrier", "numba"):
        try:
            parts.append(f"{dist} {dist_version(dist)}")
        except Exception:  # noqa: BLE001
            parts.append(f"{dist} not installed")
    return ", ".join(parts)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (smoke test)")
    args = parser.parse_args(argv)
    # ranx 0.3.21 compiles a uint64 -> int64 cast in its metric loops; harmless here, noisy on stderr
    warnings.filterwarnings("ignore", message="unsafe cast from uint64 to int64")
    if args.quick:
        n_queries, n_candidates, n_probs, repeats, slow_repeats = 1_000, 100, 100_000, 3, 1
    else:
        n_queries, n_candidates, n_probs, repeats, slow_repeats = 10_000, 100, 1_000_000, 11, 3

    print(f"widgets.tools.metrics speed ({'quick' if args.quick else 'full'} run), {os.cpu_count()} CPU(s), "
          f"{platform.machine()}; load average at start {os.getloadavg()[0]:.2f}"
          if hasattr(os, "getloadavg") else "")
    print(versions())
    print(f"One warm-up call each, then the implementations of a case take turns for {repeats} rounds "
          f"({slow_repeats} for the dict-building rows);\nmedian and min-max of those rounds. "
          f"ratio = library time / our time: above 1 means ours is faster.")

    rel, scores = ranking_data(n_queries, n_candidates)
    tables = [case_ranking(rel, scores, repeats, slow_repeats), case_new_k(rel, scores, repeats)]
    y, p = calibration_data(n_probs)
    calibration, ratios = case_calibration(y, p, repeats)
    tables.append(calibration)
    for table in tables:
        table.show()
    if ratios:
        print("\nCalibration target, scikit-learn / ours >= 4x: "
              + ", ".join(f"{s} {r:.2f}x ({'met' if r >= 4 else 'NOT met'})" for s, r in ratios))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # pragma: no cover - a crash outside a guarded row is a bug in this script
        traceback.print_exc()
        sys.exit(1)
