"""How well the coverage hints agree with a person, and how fast they are.

    .venv/bin/python benchmarks/matcher.py               # the untouched half, both halves' counts, the timing
    .venv/bin/python benchmarks/matcher.py --half tune   # the half the matcher may be tuned on, with its errors
    .venv/bin/python benchmarks/matcher.py --quick       # fewer timing rounds (smoke test)

The evaluation set, ``tests/practice/matcher_eval.csv``, holds hand-judged (answer excerpt, outline point or
rubric item, covered?) pairs. Each pair belongs to one half by the SHA-1 of its id (even: ``tune``, odd:
``test``), fixed before the matcher was written; the matcher is tuned on ``tune`` only, and the figures that
count are those on ``test``.

Compared: :mod:`widgets.practice.matcher` (a pair is predicted covered when the hint says *covered*) against the
keyword hints the workbook had before it (a rubric item is covered when one of its keywords starts a word of
the answer; an outline point when one of its concepts' phrasings does). Precision, recall and F1 of "covered"
(van Rijsbergen 1979; F1 = 2PR / (P + R)), with scikit-learn's ``precision_recall_fscore_support``.

Timing: one answer of each written length matched against one step's whole outline and rubric, in this
process, ``time.perf_counter``; the target is under 20 ms in the kernel.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sklearn.metrics import precision_recall_fscore_support

from widgets.practice.framework import _keyword_pattern, load_framework
from widgets.practice.matcher import COVERED, Answer, match_points
from widgets.tools.reference import load_reference

EVAL = ROOT / "tests" / "practice" / "matcher_eval.csv"


def half(pair_id: str) -> str:
    return "tune" if int(hashlib.sha1(pair_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def load_pairs(path: Path = EVAL) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["step"], r["covered"], r["half"] = int(r["step"]), r["covered"].strip() == "1", half(r["id"])
    return rows


def target(row: dict):
    """The point or rubric item a pair is about, with its concepts and its baseline keywords."""
    step = int(row["step"])
    if row["target"].startswith("rubric:"):
        item_id = row["target"].split(":", 1)[1]
        item = next(i for i in load_framework().step(step).rubric if i.id == item_id)
        return item, item.keywords
    point = next(p for p in load_reference(row["question"]).step(step).points if p.id == row["target"])
    return point, tuple(w for c in point.concepts for w in c)


def matcher_says(row: dict) -> bool:
    item, _ = target(row)
    return match_points(row["excerpt"], [item])[0].status == COVERED


def keywords_say(row: dict) -> bool:
    _, words = target(row)
    return any(_keyword_pattern(w).search(row["excerpt"]) for w in words)


def scores(rows: list[dict], predict) -> tuple[float, float, float, int]:
    truth = [r["covered"] for r in rows]
    said = [predict(r) for r in rows]
    p, r, f, _ = precision_recall_fscore_support(truth, said, average="binary", zero_division=0)
    return p, r, f, sum(t == s for t, s in zip(truth, said))


def report(rows: list[dict], name: str) -> None:
    print(f"\n{name}: {len(rows)} pairs, {sum(r['covered'] for r in rows)} judged covered")
    print(f"  {'':<28}{'precision':>10}{'recall':>8}{'F1':>7}{'agree':>8}")
    for label, fn in (("matcher (covered)", matcher_says), ("keyword hints (before)", keywords_say)):
        p, r, f, agree = scores(rows, fn)
        print(f"  {label:<28}{p:>10.3f}{r:>8.3f}{f:>7.3f}{agree / len(rows):>8.1%}")
    kinds = sorted({r["kind"] for r in rows})
    print("  by kind (agreement, matcher / keywords):")
    for k in kinds:
        sub = [r for r in rows if r["kind"] == k]
        m = sum(matcher_says(r) == r["covered"] for r in sub) / len(sub)
        b = sum(keywords_say(r) == r["covered"] for r in sub) / len(sub)
        print(f"    {k:<12} n={len(sub):<4} {m:6.1%} / {b:6.1%}")


def timing(rounds: int) -> None:
    framework = load_framework()
    sizes = (50, 150, 300)
    print(f"\nTime to match one answer against a step's whole outline and rubric ({rounds} rounds per cell; "
          "target < 20 ms):")
    print(f"  {'answer words':<14}{'matcher p50':>12}{'p99':>9}{'keywords p50':>14}{'ratio':>7}")
    for words in sizes:
        ref = load_reference("spotify-recommendations")
        text = " ".join((" ".join(ref.step(s).sample or "" for s in range(1, 7))).split()[:words])
        m_times, k_times = [], []
        for r in range(rounds):
            step = (r % 6) + 1
            points = ref.step(step).points + framework.step(step).rubric
            t0 = time.perf_counter()
            answer = Answer(text + f" round {r}")       # a new text each round: no cache helps
            [answer.match(p.id, p.concepts) for p in points]
            m_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for p in points:
                words_ = getattr(p, "keywords", None) or tuple(w for c in p.concepts for w in c)
                any(_keyword_pattern(w).search(text) for w in words_)
            k_times.append(time.perf_counter() - t0)
        m_times.sort()
        k_times.sort()
        m50, m99 = statistics.median(m_times), m_times[int(0.99 * (len(m_times) - 1))]
        k50 = statistics.median(k_times)
        print(f"  {words:<14}{m50 * 1e3:>10.2f}ms{m99 * 1e3:>7.2f}ms{k50 * 1e3:>12.2f}ms{m50 / k50:>6.0f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=("test", "tune"), default="test")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rows = load_pairs()
    chosen = [r for r in rows if r["half"] == args.half]
    questions = {r["question"] for r in rows}
    print(f"Evaluation set: {len(rows)} pairs over {len(questions)} questions and steps "
          f"{sorted({r['step'] for r in rows})}; tune {sum(r['half'] == 'tune' for r in rows)}, "
          f"test {sum(r['half'] == 'test' for r in rows)}.")
    report(chosen, f"The {args.half} half" + (" (untouched while tuning)" if args.half == "test" else ""))
    if args.half == "tune":
        print("\nDisagreements on the tune half:")
        for r in chosen:
            said = matcher_says(r)
            if said != r["covered"]:
                print(f"  {r['id']:>5} {r['kind']:<10} judged {int(r['covered'])} said {int(said)} "
                      f"{r['question']} s{r['step']} {r['target']}: {r['excerpt'][:160]}")
    timing(60 if args.quick else 600)
    return 0


if __name__ == "__main__":
    sys.exit(main())
