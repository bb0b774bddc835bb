"""The study group's state machine, with an injected clock: create, join, start, pause, advance, reveal,
score, close; every permission refusal; what each person may read; solo practice untouched."""

from __future__ import annotations

import sqlite3

import pytest

from widgets.practice.answer import AnswerSession
from widgets.practice.framework import load_framework
from widgets.practice.group import ONLINE_SECONDS, GroupError, StudyGroups, check_code
from widgets.practice.store import DB_NAME, MIGRATIONS, AnswerStore

Q = "uber-shared-rides"
FW = load_framework()


@pytest.fixture
def groups(clock, workbook_home):
    return StudyGroups(AnswerStore(workbook_home, now=clock))


def _item(step):
    return FW.step(step).rubric[0].id


def test_create_gives_a_short_code_and_a_key_kept_only_as_a_hash(groups, workbook_home):
    group, key = groups.create(Q, steps=[2, 1], format="everyone")
    assert check_code(group.code) == group.code and group.steps == (1, 2) and group.current_step == 1
    assert len(key) >= 20
    raw = sqlite3.connect(workbook_home / DB_NAME).execute("SELECT key_hash FROM study_groups").fetchone()[0]
    assert key not in raw and len(raw) == 64
    other, other_key = groups.create(Q)
    assert other.code != group.code and other_key != key and other.steps == (1, 2, 3, 4, 5, 6)


@pytest.mark.parametrize("kwargs, message", [
    ({"steps": []}, "Choose at least one of the steps 1 to 6"),
    ({"steps": [7]}, "Choose at least one of the steps 1 to 6"),
    ({"format": "solo"}, "Choose a format"),
    ({"after": "ZZZZZZ"}, "There is no study group ZZZZZZ"),
])
def test_create_refuses_what_it_cannot_run(groups, kwargs, message):
    with pytest.raises(GroupError, match=message):
        groups.create(Q, **kwargs)


@pytest.mark.parametrize("code", ["", "abc", "<img src=x>", "K7QW2M0", None])
def test_a_malformed_code_is_a_message(groups, code):
    with pytest.raises(GroupError, match="A group code is 6 letters and digits"):
        groups.get(code)


def test_join_takes_a_unique_name_and_a_token_brings_the_same_person_back(groups, clock):
    group, key = groups.create(Q)
    ada, token = groups.join(group.code.lower(), "  Ada  ")
    assert ada.name == "Ada" and ada.code == group.code
    with pytest.raises(GroupError, match="The name Ada is taken"):
        groups.join(group.code, "Ada")
    with pytest.raises(GroupError, match="The name Ada is taken"):
        groups.join(group.code, "Ada", token="someone-elses")
    again, same = groups.join(group.code, "Ada", token=token)
    assert (again.attempt_id, same) == (ada.attempt_id, token)
    with pytest.raises(ValueError, match="display name"):
        groups.join(group.code, "x" * 41)
    with pytest.raises(GroupError, match="no study group"):
        groups.join("ABCDEF", "Bo")
    groups.close(group.code, key)
    with pytest.raises(GroupError, match="closed"):
        groups.join(group.code, "Bo")
    assert groups.join(group.code, "Ada", token=token)[0].name == "Ada"   # a member still gets back in


def test_a_group_practice_is_its_own_attempt_and_never_touches_solo_practice(groups, clock):
    store = groups.store
    store.save_answer("Ada", Q, 1, "My solo answer.")
    store.update_clock("Ada", Q, 1, 480, "start")
    clock.advance(50)
    solo = store.latest_attempt("Ada", Q)
    group, key = groups.create(Q)
    ada, _token = groups.join(group.code, "Ada")
    assert ada.attempt_id != solo.id
    store.attempt_step("Ada", Q, 1, attempt_id=ada.attempt_id).save("My group answer.")
    groups.start(group.code, key)
    clock.advance(100)
    assert store.latest_attempt("Ada", Q).id == solo.id   # solo pages open the solo attempt
    assert store.attempt("Ada", Q, 1).text == "My solo answer."
    assert store.attempt("Ada", Q, 1).clock(480).elapsed(clock()) == 150   # its own clock, untouched
    assert [a.id for a in store.attempts("Ada", Q)] == [solo.id]
    assert store.attempt_by_id(ada.attempt_id).group_code == group.code
    # practising alone again after the group: solo numbers go on 1, 2 (a page says "Practice 2 of 2")
    again = store.start_attempt("Ada", Q)
    assert [a.number for a in store.attempts("Ada", Q)] == [1, 2] and again.number == 2
    second, _ = groups.create(Q)
    assert store.attempt_by_id(groups.join(second.code, "Ada")[0].attempt_id).number == -2
    assert store.attempt_by_id(ada.attempt_id).number == -1


def test_one_clock_start_pause_advance_for_every_member(groups, clock):
    store = groups.store
    group, key = groups.create(Q, steps=[1, 3])
    ada, _ta = groups.join(group.code, "Ada")
    bo, _tb = groups.join(group.code, "Bo")
    assert not groups.step(group.code).clock.running
    groups.start(group.code, key)
    clock.advance(60)
    for member in (ada, bo):
        record = store.step_record(store.attempt_by_id(member.attempt_id), 1)
        assert record.clock(480).running and record.clock(480).elapsed(clock()) == 60
    groups.pause(group.code, key)
    clock.advance(60)
    assert store.step_record(store.attempt_by_id(bo.attempt_id), 1).clock(480).elapsed(clock()) == 60
    cy, _ = groups.join(group.code, "Cy")   # a late joiner gets the group's clock
    assert store.step_record(store.attempt_by_id(cy.attempt_id), 1).clock_accumulated == 60
    groups.start(group.code, key)
    clock.advance(10)
    moved = groups.advance(group.code, key)
    assert moved.current_step == 3
    assert groups.step(group.code, 1).clock.elapsed(clock()) == 70 and not groups.step(group.code, 1).clock.running
    assert groups.step(group.code).clock.running   # a running session keeps running on the next step
    clock.advance(5)
    assert store.step_record(store.attempt_by_id(ada.attempt_id), 3).clock(FW.step(3).budget_seconds).elapsed(
        clock()) == 5
    with pytest.raises(GroupError, match="last step"):
        groups.advance(group.code, key)


def test_a_member_cannot_move_the_group_clock(groups, clock):
    store = groups.store
    group, _key = groups.create(Q)
    ada, _token = groups.join(group.code, "Ada")
    handle = store.attempt_step("Ada", Q, 1, attempt_id=ada.attempt_id)
    for action in ("start", "pause", "reset"):
        with pytest.raises(ValueError, match="facilitator starts, pauses and finishes"):
            handle.clock_action(480, action)
    with pytest.raises(ValueError, match="facilitator"):
        handle.finish(480)
    session = AnswerSession(handle, FW.step(1), now=clock)
    session.type("typing is fine")
    clock.advance(2)
    session.tick()
    assert store.step_record(store.attempt_by_id(ada.attempt_id), 1).text == "typing is fine"


@pytest.mark.parametrize("action", ["start", "pause", "advance", "reveal", "close", "room", "score_summary",
                                    "choose_candidate"])
@pytest.mark.parametrize("key", [None, "", "wrong-key-0123456789"])
def test_every_facilitator_action_needs_the_key(groups, action, key):
    group, _real = groups.create(Q, format="candidate")
    groups.join(group.code, "Ada")
    args = (group.code, key, "Ada") if action == "choose_candidate" else (group.code, key)
    with pytest.raises(GroupError, match="not this group's facilitator key"):
        getattr(groups, action)(*args)
    assert groups.step(group.code).clock.status == "ready" and not groups.get(group.code).closed


def test_the_answer_session_follows_the_group_clock_within_its_sync(groups, clock):
    """A member's page re-reads its clock every 2 s: the facilitator's start shows there without a touch."""
    store = groups.store
    group, key = groups.create(Q)
    ada, _ = groups.join(group.code, "Ada")
    session = AnswerSession(store.attempt_step("Ada", Q, 1, attempt_id=ada.attempt_id), FW.step(1), now=clock)
    assert not session.clock.running
    groups.start(group.code, key)
    clock.advance(2.0)
    session.tick()
    assert session.clock.running
    groups.reveal(group.code, key)
    clock.advance(2.0)
    session.tick()
    assert session.finished_at is not None and not session.clock.running


def test_answers_stay_private_until_the_reveal_in_the_everyone_format(groups, clock):
    store = groups.store
    group, key = groups.create(Q, steps=[1, 2])
    ada, ta = groups.join(group.code, "Ada")
    bo, tb = groups.join(group.code, "Bo")
    store.attempt_step("Ada", Q, 1, attempt_id=ada.attempt_id).save("Ada's secret plan")
    store.attempt_step("Bo", Q, 1, attempt_id=bo.attempt_id).save("Bo's secret plan")
    assert [a.text for a in groups.visible_answers(group.code, 1, "Ada", ta)] == ["Ada's secret plan"]
    assert [a.text for a in groups.visible_answers(group.code, 1, "Bo", tb)] == ["Bo's secret plan"]
    assert groups.visible_answers(group.code, 1, key=key) == []
    with pytest.raises(GroupError, match="not a member"):
        groups.visible_answers(group.code, 1, "Bo", ta)   # Ada's token does not open Bo's view
    with pytest.raises(GroupError, match="not a member"):
        groups.visible_answers(group.code, 1, "Eve", None)
    room = groups.room(group.code, key)
    assert [(r.name, r.words) for r in room] == [("Ada", 3), ("Bo", 3)]
    revealed = groups.reveal(group.code, key)
    assert revealed.revealed
    for name, token in (("Ada", ta), ("Bo", tb)):
        assert [a.text for a in groups.visible_answers(group.code, 1, name, token)] == [
            "Ada's secret plan", "Bo's secret plan"]
    assert [a.name for a in groups.visible_answers(group.code, 1, key=key)] == ["Ada", "Bo"]
    assert [a.text for a in groups.visible_answers(group.code, 2, "Ada", ta)] == [""]   # step 2 still private
    with pytest.raises(GroupError, match="revealed"):
        groups.start(group.code, key)


def test_in_the_candidate_format_interviewers_see_the_candidate_live_and_nothing_else(groups, clock):
    store = groups.store
    group, key = groups.create(Q, format="candidate")
    ada, ta = groups.join(group.code, "Ada")
    bo, tb = groups.join(group.code, "Bo")
    _cy, tc = groups.join(group.code, "Cy")
    groups.start(group.code, key)   # nobody chosen: the earliest joined who was candidate least often
    group = groups.get(group.code)
    assert group.candidate == "Ada" and [group.role(n) for n in ("Ada", "Bo", "Cy")] == [
        "candidate", "interviewer", "interviewer"]
    store.attempt_step("Ada", Q, 1, attempt_id=ada.attempt_id).save("Candidate thinking aloud")
    store.attempt_step("Bo", Q, 1, attempt_id=bo.attempt_id).save("Bo's interviewer notes")
    assert [(a.name, a.text) for a in groups.visible_answers(group.code, 1, "Bo", tb)] == [
        ("Ada", "Candidate thinking aloud"), ("Bo", "Bo's interviewer notes")]
    assert [(a.name, a.text) for a in groups.visible_answers(group.code, 1, "Cy", tc)] == [
        ("Ada", "Candidate thinking aloud"), ("Cy", "")]
    assert [a.name for a in groups.visible_answers(group.code, 1, "Ada", ta)] == ["Ada"]   # never the reverse
    assert [a.name for a in groups.visible_answers(group.code, 1, key=key)] == ["Ada"]


def test_the_candidate_rotates_from_one_session_to_the_next(groups):
    first, k1 = groups.create(Q, format="candidate")
    for name in ("Ada", "Bo", "Cy"):
        groups.join(first.code, name)
    groups.start(first.code, k1)
    second, k2 = groups.create(Q, format="candidate", after=first.code)
    for name in ("Ada", "Bo", "Cy"):
        groups.join(second.code, name)
    groups.start(second.code, k2)
    third, k3 = groups.create(Q, format="candidate", after=second.code)
    for name in ("Ada", "Bo", "Cy"):
        groups.join(third.code, name)
    groups.start(third.code, k3)
    assert [groups.get(g.code).candidate for g in (first, second, third)] == ["Ada", "Bo", "Cy"]
    fourth, k4 = groups.create(Q, format="candidate", after=third.code)
    groups.join(fourth.code, "Bo")
    groups.join(fourth.code, "Ada")
    assert groups.choose_candidate(fourth.code, k4, "Ada").candidate == "Ada"   # the facilitator may choose
    with pytest.raises(GroupError, match="has not joined"):
        groups.choose_candidate(fourth.code, k4, "Zed")
    plain, kp = groups.create(Q)
    with pytest.raises(GroupError, match="everyone answers"):
        groups.choose_candidate(plain.code, kp, "Ada")


def test_peer_scores_open_at_the_reveal_and_aggregate_per_item_and_person(groups, clock):
    store = groups.store
    group, key = groups.create(Q, steps=[1])
    ada, ta = groups.join(group.code, "Ada")
    _bo, tb = groups.join(group.code, "Bo")
    _cy, tc = groups.join(group.code, "Cy")
    item, other = _item(1), FW.step(1).rubric[1].id
    with pytest.raises(GroupError, match="not revealed yet"):
        groups.peer_score(group.code, "Bo", tb, "Ada", 1, item, 1)
    groups.reveal(group.code, key)
    store.attempt_step("Ada", Q, 1, attempt_id=ada.attempt_id).score(item, 2)   # Ada's self-score
    groups.peer_score(group.code, "Bo", tb, "Ada", 1, item, 1, comment="Clear goal,\n but no metric.")
    groups.peer_score(group.code, "Cy", tc, "Ada", 1, item, 0)
    groups.peer_score(group.code, "Cy", tc, "Ada", 1, other, 2)
    groups.peer_score(group.code, "Ada", ta, "Bo", 1, item, 2)
    for bad, message in [((("Ada", ta, "Ada", 1, item, 1)), "Score your own answer"),
                         ((("Ada", ta, "Zed", 1, item, 1)), "Zed has no answer"),
                         ((("Ada", ta, "Bo", 1, item, 3)), "whole number from 0 to 2"),
                         ((("Ada", ta, "Bo", 1, item, True)), "whole number from 0 to 2"),
                         ((("Ada", tb, "Bo", 1, item, 1)), "not a member"),
                         ((("Ada", ta, "Bo", 4, item, 1)), "not one of this group's steps")]:
        with pytest.raises(GroupError, match=message):
            groups.peer_score(group.code, *bad)
    with pytest.raises(GroupError, match="rubric has no item 'no-such-item'"):
        groups.peer_score(group.code, "Ada", ta, "Bo", 1, "no-such-item", 1)
    with pytest.raises(GroupError, match="at most 200"):
        groups.peer_comment(group.code, "Ada", ta, "Bo", 1, "x" * 201)
    rows = {(r["name"], r["item"]): r for r in groups.score_summary(group.code, key)}
    assert (rows["Ada", item]["self"], rows["Ada", item]["peer_mean"], rows["Ada", item]["peers"],
            rows["Ada", item]["gap"]) == (2, 0.5, 2, 1.5)
    assert rows["Ada", other]["peer_mean"] == 2 and rows["Ada", other]["gap"] is None
    assert rows["Bo", item]["peer_mean"] == 2 and rows["Bo", item]["self"] is None
    assert groups.peer_scores_given(group.code, "Bo", tb, 1) == {"Ada": ({item: 1}, "Clear goal, but no metric.")}
    groups.peer_score(group.code, "Bo", tb, "Ada", 1, item, None)   # taken back
    assert groups.peer_scores_given(group.code, "Bo", tb, 1) == {"Ada": ({}, "Clear goal, but no metric.")}


def test_the_room_shows_words_last_save_and_open_pages_by_heartbeat(groups, clock):
    store = groups.store
    group, key = groups.create(Q)
    ada, ta = groups.join(group.code, "Ada")
    _bo, _tb = groups.join(group.code, "Bo")
    store.attempt_step("Ada", Q, 1, attempt_id=ada.attempt_id).save("one two three four")
    saved = clock()
    clock.advance(ONLINE_SECONDS + 1)
    groups.heartbeat(group.code, "Ada", ta)
    room = {r.name: r for r in groups.room(group.code, key)}
    assert (room["Ada"].words, room["Ada"].saved_at, room["Ada"].online) == (4, saved, True)
    assert (room["Bo"].words, room["Bo"].saved_at, room["Bo"].online) == (0, None, False)
    with pytest.raises(GroupError, match="not a member"):
        groups.heartbeat(group.code, "Bo", ta)


def test_close_stops_every_clock_and_keeps_everything_for_the_export(groups, clock):
    store = groups.store
    group, key = groups.create(Q, steps=[1, 2])
    ada, ta = groups.join(group.code, "Ada")
    store.attempt_step("Ada", Q, 1, attempt_id=ada.attempt_id).save("Kept after closing.")
    groups.start(group.code, key)
    clock.advance(30)
    closed = groups.close(group.code, key)
    clock.advance(30)
    assert closed.closed and groups.step(group.code).clock.elapsed(clock()) == 30
    for action in ("start", "pause", "advance"):
        with pytest.raises(GroupError, match="closed"):
            getattr(groups, action)(group.code, key)
    data = groups.export(group.code)
    assert data["steps"][0]["answers"][0]["text"] == "Kept after closing."
    assert data["steps"][0]["seconds_used"] == 30
    assert key not in repr(data) and ta not in repr(data)


def test_a_version_3_store_gains_the_group_tables_with_its_data_untouched(workbook_home, clock):
    AnswerStore(workbook_home, now=clock, migrations=MIGRATIONS[:3]).close()   # a version-3 file, written raw
    raw = sqlite3.connect(workbook_home / DB_NAME)
    raw.execute("INSERT INTO attempts VALUES ('a-1', 'Ada', ?, 1, 10.0, 20.0)", (Q,))
    raw.execute("INSERT INTO attempt_steps VALUES ('a-1', 1, 10.0, 20.0, 42.0, 15.0, NULL)")
    raw.execute("INSERT INTO revisions (attempt_id, step, text, saved_at) VALUES ('a-1', 1, 'Before groups.', 19.0)")
    raw.execute("INSERT INTO scores VALUES ('a-1', 1, ?, 2, 20.0)", (_item(1),))
    raw.execute("INSERT INTO tool_inputs VALUES ('a-1', 'traffic', '{\"daily_active_users\": 5}', 20.0)")
    raw.commit()
    raw.close()
    store = AnswerStore(workbook_home, now=clock)
    assert store.schema_version == len(MIGRATIONS) == 4
    attempt = store.latest_attempt("Ada", Q)
    assert (attempt.id, attempt.number, attempt.created_at, attempt.updated_at, attempt.group_code) == (
        "a-1", 1, 10.0, 20.0, None)
    record = store.step_record(attempt, 1)
    assert (record.text, record.saved_at, record.clock_accumulated, record.clock_running_since, record.scores) == (
        "Before groups.", 19.0, 42.0, 15.0, {_item(1): 2})
    assert store.tool_inputs(attempt, "traffic").values == {"daily_active_users": 5}
    group, _key = StudyGroups(store).create(Q)
    assert StudyGroups(store).join(group.code, "Ada")[0].attempt_id != attempt.id
    assert store.latest_attempt("Ada", Q).id == "a-1"
