"""Export one practice session (one participant, one question, every step) to Markdown and JSON.

The export is built from the store alone, so it is the same from a notebook, a Voila app or the
command line. Times are seconds; timestamps are ISO 8601 in UTC.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

from widgets.practice.clock import format_clock, format_elapsed
from widgets.practice.framework import load_framework
from widgets.practice.questions import load_bank
from widgets.practice.store import SCORE_RANGE, AnswerStore, StoreError

SCORE_WORDS = {0: "missed", 1: "touched on", 2: "covered well"}


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds")


def session_record(store: AnswerStore, participant: str, question_id: str) -> dict:
    """Everything stored for one practice session, as plain data (what the JSON export holds).

    Examples
    --------
    >>> import tempfile
    >>> store = AnswerStore(tempfile.mkdtemp(), now=lambda: 0.0)
    >>> _ = store.save_answer("ada", "uber-shared-rides", 1, "Match riders going the same way.")
    >>> rec = session_record(store, "ada", "uber-shared-rides")
    >>> rec["steps"][0]["answer"], len(rec["steps"])
    ('Match riders going the same way.', 6)
    """
    framework = load_framework()
    question = load_bank().get(question_id)
    now = store.now()
    steps = []
    for step in framework.steps:
        attempt = store.attempt(participant, question_id, step.number)
        clock = attempt.clock(step.budget_seconds) if attempt else None
        scores = attempt.scores if attempt else {}
        steps.append({
            "step": step.number,
            "title": step.title,
            "budget_seconds": step.budget_seconds,
            "elapsed_seconds": round(clock.elapsed(now), 1) if clock else 0.0,
            "overtime_seconds": round(clock.overtime(now), 1) if clock else 0.0,
            "clock_status": clock.status if clock else "ready",
            "answer": attempt.text if attempt else "",
            "saved_at": _iso(attempt.saved_at) if attempt else None,
            "revisions": len(store.revisions(participant, question_id, step.number)) if attempt else 0,
            "rubric": [
                {"id": item.id, "label": item.label, "score": scores.get(item.id)}
                for item in step.rubric
            ],
            "self_score": sum(scores.get(item.id, 0) for item in step.rubric),
            "self_score_max": SCORE_RANGE[1] * len(step.rubric),
        })
    return {
        "workbook": "mlsd-workbook",
        "exported_at": _iso(now),
        "participant": participant,
        "question": question.as_dict(),
        "total_budget_seconds": framework.total_minutes * 60,
        "total_elapsed_seconds": round(sum(s["elapsed_seconds"] for s in steps), 1),
        "steps": steps,
    }


def _line(text: str) -> str:
    """A value on one Markdown line: no line break can start a heading or a list of its own."""
    return " ".join(str(text).split())


def _fenced(text: str) -> str:
    """``text`` verbatim in a fenced block whose fence is longer than any run of backticks inside it.

    Examples
    --------
    >>> print(_fenced("## not a heading"))
    ```text
    ## not a heading
    ```
    >>> _fenced("a ``` b").splitlines()[0]
    '````text'
    """
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def to_json(record: dict) -> str:
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def to_markdown(record: dict) -> str:
    """Render a session record as a Markdown document a person can read or share.

    Examples
    --------
    >>> import tempfile
    >>> store = AnswerStore(tempfile.mkdtemp(), now=lambda: 0.0)
    >>> md = to_markdown(session_record(store, "ada", "uber-shared-rides"))
    >>> md.splitlines()[0].startswith("# ")
    True
    """
    q = record["question"]
    lines = [
        f"# {_line(q['title'])}",
        "",
        f"- Participant: {_line(record['participant'])}",
        f"- Problem type: {_line(q['problem_type'])}; domain: {_line(q['domain'])}",
        f"- Time used: {format_elapsed(record['total_elapsed_seconds'])} of "
        f"{format_elapsed(record['total_budget_seconds'])}",
        f"- Exported: {record['exported_at']}",
        "",
        f"> {_line(q['brief'])}",
        "",
    ]
    for s in record["steps"]:
        over = f", {format_clock(-s['overtime_seconds'])} over" if s["overtime_seconds"] else ""
        # the answer is the person's text, verbatim: fenced, so that no line of it becomes a heading
        answer = s["answer"].strip("\n")
        lines += [
            f"## Step {s['step']}: {_line(s['title'])}",
            "",
            f"Time: {format_elapsed(s['elapsed_seconds'])} of {format_elapsed(s['budget_seconds'])}{over}. "
            f"Self-score: {s['self_score']} / {s['self_score_max']}.",
            "",
            _fenced(answer) if answer.strip() else "_No answer yet._",
            "",
            "| Rubric item | Self-score |",
            "| --- | --- |",
        ]
        for item in s["rubric"]:
            score = item["score"]
            shown = "not scored" if score is None else f"{score} ({SCORE_WORDS[score]})"
            lines.append(f"| {_line(item['label']).replace('|', chr(92) + '|')} | {shown} |")
        lines.append("")
    return "\n".join(lines)


def export_filename(record: dict, suffix: str) -> str:
    """A file name for an export: ``<question>-<participant>.<suffix>``, safe on every system.

    Examples
    --------
    >>> export_filename({"question": {"id": "uber-shared-rides"}, "participant": "Ada L/x"}, "md")
    'uber-shared-rides-ada-l-x.md'
    """
    who = re.sub(r"[^a-z0-9]+", "-", record["participant"].lower()).strip("-") or "participant"
    return f"{record['question']['id']}-{who}.{suffix}"


def _exported_by(json_path: Path) -> str | None:
    """Whose session an earlier JSON export holds (``None`` if there is none or it cannot be read)."""
    try:
        return json.loads(json_path.read_text(encoding="utf-8")).get("participant")
    except (OSError, ValueError, AttributeError):
        return None


def write_export(store: AnswerStore, participant: str, question_id: str, folder: str | Path) -> list[Path]:
    """Write the Markdown and JSON exports of a session into ``folder``; return their paths.

    Two participants whose names give one file name ("Ada L" and "ada-l") never overwrite each
    other: a file pair that holds someone else's export is left alone and the next free name,
    ``...-2``, ``...-3``, is used. A participant's own earlier export is replaced.
    """
    record = session_record(store, participant, question_id)
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stem = export_filename(record, "json")[:-len(".json")]
        candidate, n = stem, 1
        while any((folder / f"{candidate}.{s}").exists() for s in ("md", "json")) and \
                _exported_by(folder / f"{candidate}.json") != participant:
            n += 1
            candidate = f"{stem}-{n}"
        paths = []
        for suffix, text in (("md", to_markdown(record)), ("json", to_json(record))):
            path = folder / f"{candidate}.{suffix}"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    except OSError as exc:
        raise StoreError(f"Cannot write the export to {folder} ({exc.strerror or exc}).") from None
    return paths
