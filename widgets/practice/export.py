"""Export one practice of a question (one participant, every step), and the earlier attempts at it, to
Markdown and JSON.

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
from widgets.practice.store import SCORE_RANGE, AnswerStore, Attempt, StepRecord, StoreError

SCORE_WORDS = {0: "missed", 1: "touched on", 2: "covered well"}
#: What a step of a question not practised yet shows: no text, no time, no scores.
_NOTHING = StepRecord.empty("", "", 0)


def _iso(ts: float | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="seconds")


def _steps(store: AnswerStore, attempt: Attempt | None, now: float) -> list[dict]:
    """Every framework step of one attempt as plain data (no attempt yet: every step empty)."""
    steps = []
    for step in load_framework().steps:
        record = store.step_record(attempt, step.number) if attempt is not None else _NOTHING
        clock = record.clock(step.budget_seconds)
        revisions = store.attempt_revisions(attempt, step.number) if attempt is not None else []
        at_finish = [r for r in revisions if record.finished_at is not None and r.saved_at <= record.finished_at]
        steps.append({
            "step": step.number,
            "title": step.title,
            "budget_seconds": step.budget_seconds,
            "elapsed_seconds": round(clock.elapsed(now), 1),
            "overtime_seconds": round(clock.overtime(now), 1),
            "clock_status": record.status(step.budget_seconds) if record.started else clock.status,
            "finished_at": _iso(record.finished_at),
            "answer": record.text,
            "words": record.words,
            "saved_at": _iso(record.saved_at),
            "revisions": record.revision_count,
            # the reference outline opens when the step is finished: what was written by then, and the edits after
            "answer_at_finish": (at_finish[-1].text if at_finish else "") if record.finished_at is not None else None,
            "revisions_after_reveal": (len(revisions) - len(at_finish)) if record.finished_at is not None else 0,
            "rubric": [{"id": item.id, "label": item.label, "score": record.scores.get(item.id)}
                       for item in step.rubric],
            "self_score": sum(record.scores.get(item.id, 0) for item in step.rubric),
            "self_score_max": SCORE_RANGE[1] * len(step.rubric),
        })
    return steps


def _attempt_info(attempt: Attempt | None) -> dict | None:
    return None if attempt is None else {"id": attempt.id, "number": attempt.number,
                                         "started_at": _iso(attempt.created_at)}


def session_record(store: AnswerStore, participant: str, question_id: str, attempt_id: str | None = None) -> dict:
    """Everything stored for one practice of a question, as plain data (what the JSON export holds).

    The practice is the participant's latest attempt at the question (or ``attempt_id``); the earlier
    attempts follow under ``earlier_attempts``, oldest first, each with its own steps.

    Examples
    --------
    >>> import tempfile
    >>> store = AnswerStore(tempfile.mkdtemp(), now=lambda: 0.0)
    >>> _ = store.save_answer("ada", "uber-shared-rides", 1, "Match riders going the same way.")
    >>> rec = session_record(store, "ada", "uber-shared-rides")
    >>> rec["steps"][0]["answer"], len(rec["steps"]), rec["attempt"]["number"]
    ('Match riders going the same way.', 6, 1)
    """
    framework = load_framework()
    question = load_bank().get(question_id)
    now = store.now()
    attempts = store.attempts(participant, question_id)
    current = next((a for a in attempts if a.id == attempt_id), attempts[-1] if attempts else None)
    steps = _steps(store, current, now)
    earlier = [{"attempt": _attempt_info(a), "steps": (s := _steps(store, a, now)),
                "total_elapsed_seconds": round(sum(x["elapsed_seconds"] for x in s), 1)}
               for a in attempts if current is not None and a.id != current.id]
    return {
        "workbook": "mlsd-workbook",
        "exported_at": _iso(now),
        "participant": participant,
        "question": question.as_dict(),
        "attempt": _attempt_info(current),
        "total_budget_seconds": framework.total_minutes * 60,
        "total_elapsed_seconds": round(sum(s["elapsed_seconds"] for s in steps), 1),
        "steps": steps,
        "earlier_attempts": earlier,
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
    attempt = record.get("attempt")
    if record.get("earlier_attempts"):
        lines[4:4] = [f"- Practice: attempt {attempt['number']}, started {attempt['started_at']} "
                      f"({len(record['earlier_attempts'])} earlier, at the end)"]
    lines += _steps_markdown(record["steps"], "##")
    for earlier in record.get("earlier_attempts", []):
        info = earlier["attempt"]
        lines += [f"## Earlier attempt {info['number']}, started {info['started_at']}", "",
                  f"Time used: {format_elapsed(earlier['total_elapsed_seconds'])}.", ""]
        lines += _steps_markdown(earlier["steps"], "###")
    return "\n".join(lines)


def _steps_markdown(steps: list[dict], heading: str) -> list[str]:
    lines = []
    for s in steps:
        over = f", {format_clock(-s['overtime_seconds'])} over" if s["overtime_seconds"] else ""
        # the answer is the person's text, verbatim: fenced, so that no line of it becomes a heading
        answer = s["answer"].strip("\n")
        lines += [
            f"{heading} Step {s['step']}: {_line(s['title'])}",
            "",
            f"Time: {format_elapsed(s['elapsed_seconds'])} of {format_elapsed(s['budget_seconds'])}{over}. "
            f"Self-score: {s['self_score']} / {s['self_score_max']}.",
            "",
            _fenced(answer) if answer.strip() else "_No answer yet._",
            "",
        ]
        if s.get("revisions_after_reveal"):
            n = s["revisions_after_reveal"]
            lines += [(f"Edited {n} time{'s' if n != 1 else ''} after the step was finished and the reference outline "
                       "opened; the answer as it stood at the finish:"), "", _fenced(s["answer_at_finish"] or ""), ""]
        lines += [
            "| Rubric item | Self-score |",
            "| --- | --- |",
        ]
        for item in s["rubric"]:
            score = item["score"]
            shown = "not scored" if score is None else f"{score} ({SCORE_WORDS[score]})"
            lines.append(f"| {_line(item['label']).replace('|', chr(92) + '|')} | {shown} |")
        lines.append("")
    return lines


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


def write_export(store: AnswerStore, participant: str, question_id: str, folder: str | Path,
                 attempt_id: str | None = None) -> list[Path]:
    """Write the Markdown and JSON exports of a session into ``folder``; return their paths.

    Two participants whose names give one file name ("Ada L" and "ada-l") never overwrite each
    other: a file pair that holds someone else's export is left alone and the next free name,
    ``...-2``, ``...-3``, is used. A participant's own earlier export is replaced.
    """
    record = session_record(store, participant, question_id, attempt_id)
    folder = Path(folder).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stem = export_filename(record, "json")[:-len(".json")]
        candidate, n = stem, 1
        while any((folder / f"{candidate}.{s}").exists() for s in ("md", "json")) and \
                _exported_by(folder / f"{candidate}.json") != participant:
            n += 1
            candidate = f"{stem}-{n}"
    except OSError as exc:
        raise StoreError(f"Cannot write the export to {folder} ({exc.strerror or exc}).") from None
    return _write_pair(folder, candidate, to_markdown(record), to_json(record))


def _write_pair(folder: Path, stem: str, markdown: str, json_text: str) -> list[Path]:
    """Write ``<stem>.md`` and ``<stem>.json`` into ``folder``; a failure is a :class:`StoreError` naming it."""
    paths = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for suffix, text in (("md", markdown), ("json", json_text)):
            path = folder / f"{stem}.{suffix}"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
    except OSError as exc:
        raise StoreError(f"Cannot write the export to {folder} ({exc.strerror or exc}).") from None
    return paths


# -- a study group's export ----------------------------------------------------------------------
def group_record(groups, code: str) -> dict:
    """Everything a study group wrote (:meth:`widgets.practice.group.StudyGroups.export`), with the question,
    the times as ISO dates, and when it was exported. No key and no token is in it."""
    data = groups.export(code)
    q = load_bank().get(data["question_id"])
    data["question"] = {"id": q.id, "title": q.title, "brief": q.brief, "problem_type": q.problem_type}
    data["exported_at"] = _iso(groups.now)
    for field in ("created_at", "closed_at"):
        data[field] = _iso(data[field])
    for m in data["members"]:
        m["joined_at"] = _iso(m["joined_at"])
    for s in data["steps"]:
        s["revealed_at"] = _iso(s["revealed_at"])
        for a in s["answers"]:
            a["saved_at"] = _iso(a["saved_at"])
    return data


def group_markdown(record: dict) -> str:
    """A group record as one Markdown document: per step every member's answer (fenced, verbatim), their
    self-scores, the peers' scores and comments; then the aggregate.

    Examples
    --------
    >>> import tempfile
    >>> from widgets.practice.group import StudyGroups
    >>> groups = StudyGroups(AnswerStore(tempfile.mkdtemp(), now=lambda: 0.0))
    >>> group, key = groups.create("uber-shared-rides", steps=[1])
    >>> _ = groups.join(group.code, "Ada")
    >>> md = group_markdown(group_record(groups, group.code))
    >>> md.splitlines()[0].startswith("# Study group ") and "### Ada (participant)" in md
    True
    """
    fw = load_framework()
    q = record["question"]
    lines = [f"# Study group {record['code']}: {_line(q['title'])}", "",
             f"- Format: {'one candidate, the others interview' if record['format'] == 'candidate' else 'everyone answers'}"
             + (f" (candidate: {_line(record['candidate'])})" if record.get("candidate") else ""),
             f"- Members: {', '.join(_line(m['name']) for m in record['members']) or 'nobody'}",
             f"- Started: {record['created_at']}; closed: {record['closed_at'] or 'still open'}",
             f"- Exported: {record['exported_at']}", "", f"> {_line(q['brief'])}", ""]
    for s in record["steps"]:
        lines += [f"## Step {s['step']}: {_line(s['title'])}", "",
                  f"Time used: {format_elapsed(s['seconds_used'])}. "
                  + (f"Revealed: {s['revealed_at']}." if s["revealed_at"] else "Not revealed."), ""]
        step = fw.step(s["step"])
        for a in s["answers"]:
            answer = a["text"].strip("\n")
            lines += [f"### {_line(a['name'])} ({a['role']})", "",
                      f"{a['words']} words, last saved {a['saved_at'] or 'never'}.", "",
                      _fenced(answer) if answer.strip() else "_No answer._", ""]
            scorers = sorted(a["peers"])
            if a["self"] or scorers:
                lines += ["| Rubric item | Self | " + " | ".join(_line(p).replace("|", "\\|") for p in scorers) + " |",
                          "| --- | --- |" + " --- |" * len(scorers)]
                for item in step.rubric:
                    own = a["self"].get(item.id)
                    cells = [str(a["peers"][p].get(item.id, "")) for p in scorers]
                    lines.append(f"| {_line(item.label).replace('|', chr(92) + '|')} | "
                                 f"{'' if own is None else own} | " + " | ".join(cells) + " |")
                lines.append("")
            for scorer, comment in sorted(a["comments"].items()):
                lines.append(f"- {_line(scorer)}: {_line(comment)}")
            if a["comments"]:
                lines.append("")
    if record["scores"]:
        lines += ["## Scores: self against peers", "", "| Step | Member | Item | Self | Peers (n) | Gap |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for r in record["scores"]:
            def num(x):
                return "" if x is None else f"{x:.2f}"
            lines.append(f"| {r['step']} | {_line(r['name']).replace('|', chr(92) + '|')} | {_line(r['label'])} | "
                         f"{'' if r['self'] is None else r['self']} | {num(r['peer_mean'])} ({r['peers']}) | "
                         f"{num(r['gap'])} |")
        lines.append("")
    return "\n".join(lines)


def write_group_export(groups, code: str, folder: str | Path) -> list[Path]:
    """Write ``group-<CODE>.md`` and ``group-<CODE>.json`` into ``folder`` (replacing an earlier export of the
    same group); return their paths."""
    record = group_record(groups, code)
    return _write_pair(Path(folder).expanduser(), f"group-{record['code']}", group_markdown(record), to_json(record))
