"""A data folder in which every text a person could edit is an HTML payload, for the hostile-input tests.

:func:`write_hostile_data` copies the repository's ``data/`` and poisons it: one extra question
(:data:`QUESTION_ID`) whose every text field is a payload, and a payload added to every text of
``framework.json`` (step titles, goals, prompts, rubric labels, descriptions and a keyword, problem
types), ``architectures.json`` (titles, summaries, box names, roles, costs, reasons, edge
labels) and the reference answers (the extra question's points, follow-ups and samples; every pitfall). Ids, numbers and the fields other records refer to stay valid, so the workbook loads it.

A payload, if it ever reached a page as HTML, would run ``window.__mlsd_pwned = ...``; shown
literally, it is plain text containing :data:`MARK`.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The marker every payload carries: if it appears unescaped in HTML, a tag was injected.
MARK = "<img src=x onerror="
PAYLOAD = "<img src=x onerror=\"window.__mlsd_pwned=1\"><script>window.__mlsd_pwned=1</script>&amp; $\\frac{$ 100%"
#: A participant name that is a payload and still a valid name (at most 40 printable characters).
NAME = "<img src=x onerror=__mlsd_pwned=2>"
QUESTION_ID = "hostile-html-question"
#: What a person types into an answer box.
ANSWER = f"We rank with a two-tower model. {PAYLOAD}\n## Step 3: not a heading\n```\nfence\n```"

_TEXT_KEYS = {"title", "summary", "goal", "label", "description", "role", "cost", "why", "name",
              "data_shape", "watch_out", "scale"}
_TEXT_LISTS = {"prompts", "topics", "pitfalls", "model_families", "metrics"}


def _poison(node):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in _TEXT_KEYS and isinstance(value, str):
                out[key] = f"{value} {PAYLOAD}"
            elif key in _TEXT_LISTS and isinstance(value, list):
                out[key] = [f"{v} {PAYLOAD}" for v in value]
            elif key == "keywords" and isinstance(value, list):
                out[key] = value + [PAYLOAD.lower()]
            elif key == "concepts" and isinstance(value, list):   # the matcher's phrasings of a rubric item
                out[key] = [value[0] + [PAYLOAD.lower()], *value[1:]]
            else:
                out[key] = _poison(value)
        return out
    if isinstance(node, list):
        return [_poison(v) for v in node]
    return node


def write_hostile_data(folder: Path) -> Path:
    """Write the poisoned copy of ``data/`` into ``folder`` and return it."""
    folder = Path(folder)
    shutil.copytree(REPO / "data", folder)
    for name in ("framework.json", "architectures.json"):
        path = folder / name
        raw = json.loads(path.read_text(encoding="utf-8"))
        if name == "framework.json":
            raw["steps"] = _poison(raw["steps"])
            raw["problem_types"] = [dict(_poison(p), id=p["id"]) for p in raw["problem_types"]]
        else:
            raw["architectures"] = [dict(_poison(a), problem_type=a["problem_type"]) for a in raw["architectures"]]
        path.write_text(json.dumps(raw), encoding="utf-8")
    # the hostile question's reference answer (a copy of one with every text poisoned) and every pitfall
    braced = PAYLOAD.replace("{", "{{").replace("}", "}}")   # a literal brace in a reference text is written {{
    ref = json.loads((folder / "reference" / "spotify-recommendations.json").read_text(encoding="utf-8"))
    ref["question"] = QUESTION_ID
    for step in ref["steps"].values():
        for point in step["points"]:
            point["text"] = f"{point['text']} {braced}"
        step["follow_ups"] = [f"{f} {braced}" for f in step["follow_ups"]]
        if "sample" in step:
            step["sample"] = f"{step['sample']} {braced}"
    (folder / "reference" / f"{QUESTION_ID}.json").write_text(json.dumps(ref), encoding="utf-8")
    pitfalls = json.loads((folder / "reference" / "pitfalls.json").read_text(encoding="utf-8"))
    pitfalls = {kind: {n: [f"{p} {PAYLOAD}" for p in items] for n, items in steps.items()}
                for kind, steps in pitfalls.items()}
    (folder / "reference" / "pitfalls.json").write_text(json.dumps(pitfalls), encoding="utf-8")
    with open(folder / "questions.csv", "a", newline="", encoding="utf-8") as f:
        csv.writer(f).writerow([
            QUESTION_ID, f"Rank {PAYLOAD}", "ranking", f"web {PAYLOAD}", f"Acme {PAYLOAD}",
            f"tag-a;{PAYLOAD}", f"Design it. {PAYLOAD}", 1_000_000, 50_000, 5, f"example {PAYLOAD}",
        ])
    return folder
