import json
from urllib.parse import urlencode

import pytest

from widgets.practice.context import DEFAULT_PARTICIPANT, notebook_name, page_link, resolve_context
from widgets.practice.export import session_record, to_json, to_markdown, write_export
from widgets.practice.questions import load_bank
from widgets.practice.store import AnswerStore

Q = "uber-shared-rides"
VOILA = {"SERVER_SOFTWARE": "voila/0.5.13"}


def test_parameters_win_over_the_url_and_the_store():
    store = AnswerStore()
    store.set_context(participant="stored", question_id="spotify-discover-weekly")
    env = {"QUERY_STRING": "question=x-trending-topics&participant=from+url"}
    ctx = resolve_context(store, question_id=Q, participant="param", environ=env)
    assert (ctx.participant, ctx.question.id) == ("param", Q)
    ctx = resolve_context(store, environ=env)
    assert (ctx.participant, ctx.question.id) == ("from url", "x-trending-topics")
    ctx = resolve_context(store, environ={})
    assert (ctx.participant, ctx.question.id) == ("from url", "x-trending-topics")  # remembered


def test_defaults_and_bad_values_become_messages():
    store = AnswerStore()
    assert resolve_context(store, environ={}).participant == DEFAULT_PARTICIPANT   # JupyterLab, nothing stored
    ctx = resolve_context(store, environ={"QUERY_STRING": "question=nope&participant=%20"})
    assert ctx.participant is None   # a refused name is nobody, not the default
    assert ctx.question == next(iter(load_bank()))
    assert any("nope" in m for m in ctx.messages) and any("display name" in m for m in ctx.messages)


@pytest.mark.parametrize("bad", ["x" * 10_000, "Ada\u202eLovelace", "Ada\x00", "Ada\x07", "\u200fAda"])
@pytest.mark.parametrize("environ", [VOILA, {}], ids=["voila", "lab"])
def test_a_refused_name_is_nobody_not_the_previous_participant(bad, environ):
    store = AnswerStore()
    store.set_context(participant="Ada", question_id=Q)
    ctx = resolve_context(store, environ={**environ, "QUERY_STRING": urlencode({"participant": bad})})
    assert ctx.participant is None
    assert any("Enter your name to start" in m for m in ctx.messages)
    assert store.get_context()["participant"] == "Ada"   # the refused name is not remembered either
    ctx = resolve_context(store, participant=bad, environ=environ)   # a papermill parameter: the same
    assert ctx.participant is None
    assert resolve_context(store, participant="\ud83d", environ=environ).participant is None   # half an emoji


def test_under_voila_a_page_without_a_name_has_no_participant():
    store = AnswerStore()
    store.set_context(participant="Ada", question_id=Q)   # the last name anyone used on this server
    assert resolve_context(store, environ=VOILA).participant is None
    assert resolve_context(store, environ={}).participant == "Ada"   # JupyterLab still remembers its user


def test_links_carry_the_context_under_voila_only():
    ctx = resolve_context(AnswerStore(), question_id=Q, participant="Ada L", environ={})
    assert page_link(notebook_name(2), ctx, VOILA) == "02-data-pipeline.ipynb?question=uber-shared-rides&participant=Ada+L"
    assert page_link(notebook_name(2), ctx, {}) == "02-data-pipeline.ipynb"


def test_export_holds_every_step_with_text_time_and_scores(clock, tmp_path):
    store = AnswerStore(now=clock)
    store.save_answer("ada", Q, 1, "Match riders whose routes overlap.")
    store.update_clock("ada", Q, 1, 480, "start")
    clock.advance(500)
    store.update_clock("ada", Q, 1, 480, "pause")
    store.set_score("ada", Q, 1, "clarifying-questions", 2)
    record = session_record(store, "ada", Q)
    first = record["steps"][0]
    assert first["answer"] == "Match riders whose routes overlap."
    assert first["elapsed_seconds"] == 500 and first["overtime_seconds"] == 20
    assert first["self_score"] == 2 and len(record["steps"]) == 6
    assert json.loads(to_json(record)) == record
    md = to_markdown(record)
    assert "## Step 1: Define the problem" in md and "Match riders whose routes overlap." in md
    assert "08:20 of 08:00, +00:20 over" in md
    paths = write_export(store, "ada", Q, tmp_path / "out")
    assert [p.suffix for p in paths] == [".md", ".json"] and all(p.read_text() for p in paths)


def test_participants_whose_names_look_alike_export_to_distinct_files(tmp_path):
    out = tmp_path / "out"
    store = AnswerStore()
    store.save_answer("Ada L", Q, 1, "Ada L's answer.")
    store.save_answer("ada-l", Q, 1, "ada-l's answer.")
    first = write_export(store, "Ada L", Q, out)
    second = write_export(store, "ada-l", Q, out)
    assert len({*first, *second}) == 4 and all(p.exists() for p in (*first, *second))
    assert "Ada L's answer." in first[0].read_text() and "ada-l's answer." in second[0].read_text()
    assert json.loads(first[1].read_text())["participant"] == "Ada L"
    assert json.loads(second[1].read_text())["participant"] == "ada-l"
    again = write_export(store, "Ada L", Q, out)   # exporting again replaces one's own files only
    assert again == first and len(list(out.iterdir())) == 4


def test_answer_text_cannot_change_the_markdown_structure():
    store = AnswerStore()
    hostile = "My answer.\n## Step 3: a heading I typed\n```\nbreak out of a fence\n```\n| a | table |\n# Title"
    store.save_answer("ada", Q, 2, hostile)
    md = to_markdown(session_record(store, "ada", Q))
    import mistune  # a real Markdown parser (nbconvert's), not a guess at the syntax

    tokens = mistune.create_markdown(renderer=None)(md)

    def text(token):
        return token.get("raw", "") + "".join(text(c) for c in token.get("children", []))

    headings = [("#" * t["attrs"]["level"]) + " " + text(t) for t in tokens if t["type"] == "heading"]
    blocks = [t["raw"] for t in tokens if t["type"] == "block_code"]
    assert hostile + "\n" in blocks
    from widgets.practice.framework import load_framework

    assert headings == [f"# {load_bank().get(Q).title}"] + [f"## Step {s.number}: {s.title}"
                                                          for s in load_framework().steps], headings
    fence = "````"
    assert f"{fence}text\n{hostile}\n{fence}" in md   # the text, exactly, in a fence longer than any inside it


def test_edits_after_the_finish_are_marked_as_made_after_the_reveal(clock, tmp_path):
    store = AnswerStore(tmp_path, now=clock)
    handle = store.attempt_step("ada", "uber-shared-rides", 2)
    handle.save("Trips and GPS traces.")
    clock.advance(10)
    handle.finish(480)
    clock.advance(5)
    handle.save("Trips and GPS traces, split by city and week.")   # after the outline opened
    clock.advance(5)
    handle.save("Trips and GPS traces, split by city and week; drop test rides.")
    rec = session_record(store, "ada", "uber-shared-rides")
    step2 = rec["steps"][1]
    assert step2["revisions"] == 3 and step2["revisions_after_reveal"] == 2
    assert step2["answer_at_finish"] == "Trips and GPS traces."
    assert rec["steps"][0]["answer_at_finish"] is None and rec["steps"][0]["revisions_after_reveal"] == 0
    md = to_markdown(rec)
    assert "Edited 2 times after the step was finished" in md and "```text\nTrips and GPS traces.\n```" in md
