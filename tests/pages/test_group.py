"""The study-group page with controls set from Python (no browser, no kernel loop: refresh() by hand):
setup, join, one clock, the room, privacy before the reveal, reveal, peer scores, presenter, export, and every
mistake as a message."""

from __future__ import annotations

import json

import pytest

from widgets.pages.group import Dashboard, GroupPage, JoinView, MemberView, PresenterView, SetupView
from widgets.practice.group import StudyGroups
from widgets.practice.store import AnswerStore

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def open_page(clock, workbook_home):
    def make(**params) -> GroupPage:
        return GroupPage(now=clock, autorefresh=False, home=workbook_home, **params)
    return make


def _create(open_page, **choices) -> Dashboard:
    page = open_page()
    setup = page.view
    assert isinstance(setup, SetupView)
    for step, box in setup.steps.items():
        box.value = step in choices.get("steps", (1, 2))
    setup.format.value = choices.get("format", "everyone")
    setup.question.value = choices.get("question", "uber-shared-rides")
    setup.create_session()
    assert isinstance(page.view, Dashboard), page.children[0].value
    return page.view


def _join(open_page, code, name) -> MemberView:
    page = open_page(group=code)
    join = page.view
    assert isinstance(join, JoinView)
    join.name.value = name   # Enter, or leaving the box, sends it (continuous_update=False)
    join.button.click()      # and the button after it changes nothing
    assert isinstance(page.view, MemberView), join.message.value
    return page.view


def _type(member: MemberView, step: int, text: str) -> None:
    member.refresh()
    answer = member.sections[step].answer
    answer.text.value = text
    assert answer.save()


def test_setup_creates_a_session_with_join_presenter_and_next_session_links(open_page):
    dash = _create(open_page, steps=(1, 3))
    links = dash.links.value
    assert f"study-group.ipynb?group={dash.code}" in links
    assert f"study-group.ipynb?group={dash.code}&amp;present=1" in links
    assert f"study-group.ipynb?after={dash.code}" in links
    assert dash.key not in links   # the key stays in the facilitator's own address only
    assert "step 1 of 2" in dash.header.value


def test_setup_mistakes_are_messages(open_page):
    page = open_page()
    setup = page.view
    for box in setup.steps.values():
        box.value = False
    setup.create_session()
    assert "Choose at least one of the steps" in setup.message.value and isinstance(page.view, SetupView)
    setup.steps[1].value = True
    setup.after.value = "not a code"
    setup.create_session()
    assert "A group code is 6 letters and digits" in setup.message.value


@pytest.mark.parametrize("params, message", [
    ({"group": "ZZZZZZ"}, "There is no study group ZZZZZZ"),
    ({"group": HOSTILE}, "A group code is 6 letters and digits"),
    ({"group": "ZZZZZZ", "key": "k"}, "There is no study group ZZZZZZ"),
])
def test_a_wrong_code_is_a_message_with_the_way_back(open_page, params, message):
    page = open_page(**params)
    assert message in page.children[0].value
    assert "Set up or join a study group" in page.view.value
    assert "<img" not in page.children[0].value


def test_a_wrong_key_opens_no_dashboard(open_page):
    dash = _create(open_page)
    page = open_page(group=dash.code, key="guessed-key")
    assert not isinstance(page.view, Dashboard)
    assert "not this group&#39;s facilitator key" in page.children[0].value


def test_join_refuses_a_taken_name_and_the_token_brings_the_member_back(open_page):
    dash = _create(open_page)
    ada = _join(open_page, dash.code, "Ada")
    page = open_page(group=dash.code)
    page.view.name.value = "Ada"
    assert isinstance(page.view, JoinView) and "The name Ada is taken" in page.view.message.value
    page.view.button.click()
    assert "The name Ada is taken" in page.view.message.value
    back = open_page(group=dash.code, participant="Ada", token=ada.token)
    assert isinstance(back.view, MemberView) and back.view.member.attempt_id == ada.member.attempt_id
    forged = open_page(group=dash.code, participant="Ada", token="forged")
    assert isinstance(forged.view, JoinView) and "not a member" in forged.children[0].value


def test_one_clock_the_room_and_privacy_until_the_reveal(open_page, clock):
    dash = _create(open_page)
    ada, bo = _join(open_page, dash.code, "Ada"), _join(open_page, dash.code, HOSTILE)
    assert ada.sections[1].answer.start_button.layout.display == "none"   # no clock buttons for members
    dash.start.click()
    clock.advance(30)
    for member in (ada, bo):
        member.refresh()
        assert member.sections[1].answer.clock.running
        assert member.sections[1].answer.clock.elapsed(clock()) == 30
    _type(ada, 1, "Ada's private plan: clicks as the metric")
    _type(bo, 1, "Bo's private plan: watch time")
    for member, other in ((ada, "Bo's private"), (bo, "Ada's private")):
        member.refresh()
        assert other not in repr(member.sections[1].live.value) + repr(member.sections[1].revealed.value)
    dash.refresh()
    assert "mlsd-member-words'>7<" in dash.room.value and "mlsd-member-words'>5<" in dash.room.value
    assert "Ada's private" not in dash.room.value + dash.revealed.value + dash.live.value
    assert "&lt;img src=x" in dash.room.value and "<img src=x" not in dash.room.value
    clock.advance(9 * 60)   # the time is up, but in a group the reference outline waits for the reveal
    for member in (ada, bo):
        member.refresh()
        assert not member.sections[1].answer.outline.revealed and member.sections[1].answer.outline.value == ""
    dash.reveal.click()
    for member in (ada, bo):
        member.refresh()
        shown = member.sections[1].revealed.value
        assert "Ada&#39;s private plan" in shown and "Bo&#39;s private plan" in shown
        assert member.sections[1].answer.session.finished and member.sections[1].answer.rubric_visible
        assert "Reference outline" in member.sections[1].answer.outline.value   # opens for the group at the reveal
    assert "Ada&#39;s private plan" in dash.revealed.value
    assert "mlsd-key-points" in dash.revealed.value   # the reference outline opens for the group at the reveal


def test_peer_scores_from_the_forms_reach_the_dashboard_and_the_export(open_page, workbook_home):
    dash = _create(open_page, steps=(1,))
    ada, bo = _join(open_page, dash.code, "Ada"), _join(open_page, dash.code, "Bo")
    _type(ada, 1, "Goal, metric and constraints.")
    _type(bo, 1, "Just a model.")
    dash.reveal.click()
    ada.refresh()
    bo.refresh()
    (form,) = ada.sections[1].forms.children
    assert form.target == "Bo"
    item = next(iter(form.controls))
    form.controls[item].value = 0
    form.comment.value = "Say what success means."
    assert "saved at" in form.message.value
    (back,) = bo.sections[1].forms.children
    back.controls[item].value = 2
    bo.sections[1].answer._score_controls[item].value = 1   # Bo's own score
    dash.refresh()
    assert "mlsd-score-summary" in dash.scores.value and "Say what success means." in dash.scores.value
    groups = StudyGroups(AnswerStore(workbook_home))
    rows = {(r["name"], r["item"]): r for r in groups.score_summary(dash.code, dash.key)}
    assert (rows["Bo", item]["self"], rows["Bo", item]["peer_mean"], rows["Bo", item]["gap"]) == (1, 0, 1)
    md, js = dash.export()
    data = json.loads(js.read_text())
    assert data["steps"][0]["answers"][1]["comments"] == {"Ada": "Say what success means."}
    text = md.read_text()
    assert "### Bo (participant)" in text and "Just a model." in text and dash.key not in text + js.read_text()
    assert "Download group-" in dash.export_result.value


def test_the_candidate_format_shows_the_candidate_live_to_interviewers_only(open_page):
    dash = _create(open_page, format="candidate")
    ada, bo = _join(open_page, dash.code, "Ada"), _join(open_page, dash.code, "Bo")
    dash.start.click()   # Ada, the earliest to join, is the candidate
    _type(ada, 1, "Thinking aloud as the candidate")
    _type(bo, 1, "Interviewer notes")
    ada.refresh()
    bo.refresh()
    assert "Thinking aloud" in bo.sections[1].live.value and "interviewer" in bo.header.value
    assert "Interviewer notes" not in ada.sections[1].live.value + ada.sections[1].revealed.value
    assert "notes as an interviewer" in bo.sections[1].answer.text.placeholder
    dash.refresh()
    assert "Thinking aloud" in dash.live.value and "Interviewer notes" not in dash.live.value
    assert dash.candidate.value == "Ada"
    dash.candidate.value = "Bo"
    assert "Bo" == StudyGroups(dash.groups.store).get(dash.code).candidate


def test_steps_4_5_and_6_offer_their_new_tools_in_a_group_and_they_follow_the_question(open_page, clock):
    dash = _create(open_page, steps=(4, 5, 6), question="spotify-recommendations")
    ada = _join(open_page, dash.code, "Ada")
    expected = {4: "RobustnessExplorer", 5: "DriftMonitor", 6: "ScaleExplorer"}
    dash.start.click()
    for step, name in expected.items():
        if step > 4:
            dash.next.click()
        ada.refresh()
        section = ada.sections[step]
        section.tools_button.value = True
        tools = [t for t in section.tools.children if hasattr(t, "question")]
        assert name in [type(t).__name__ for t in tools]
        assert all(t.question.id == "spotify-recommendations" for t in tools)
        assert all(t.message.value == "" for t in tools), [t.message.value for t in tools]
    scale = next(t for t in ada.sections[6].tools.children if type(t).__name__ == "ScaleExplorer")
    assert "250M daily users" in scale.about.value   # sized from Spotify's users


def test_next_step_reaches_every_member_page_without_a_reload(open_page, clock):
    dash = _create(open_page, steps=(1, 2))
    ada = _join(open_page, dash.code, "Ada")
    dash.start.click()
    dash.next.click()
    ada.refresh()
    assert ada.picker.value == 2 and [v for _, v in ada.picker.options] == [1, 2]
    assert ada.sections[2].answer.clock.running and not ada.sections[2].tools_built   # tools on request
    section = ada.sections[2]
    section.tools_button.value = True
    assert section.tools_built and section.tools.layout.display is None
    tools = [t for t in section.tools.children if hasattr(t, "question")]
    assert len(tools) == 3 and all(t.question.id == "uber-shared-rides" for t in tools)
    section.tools_button.value = False
    assert section.tools.layout.display == "none" and section.tools_button.description == "Show this step's tools"
    assert not ada.sections[1].answer.clock.running
    ada.picker.value = 1   # a member may look back at an earlier step
    ada.refresh()
    assert ada.picker.value == 1
    assert dash.next.disabled


def test_the_presenter_shows_revealed_answers_one_at_a_time_and_changes_nothing(open_page):
    dash = _create(open_page, steps=(1,))
    for name in ("Ada", "Bo"):
        _type(_join(open_page, dash.code, name), 1, f"{name}'s answer")
    page = open_page(group=dash.code, present="1")
    presenter = page.view
    assert isinstance(presenter, PresenterView)
    assert "once the facilitator reveals" in presenter.answer.value
    dash.reveal.click()
    presenter.refresh()
    assert "Answer 1 of 2" in presenter.answer.value and "Ada&#39;s answer" in presenter.answer.value
    presenter.following.click()
    assert "Answer 2 of 2" in presenter.answer.value and "Bo&#39;s answer" in presenter.answer.value
    assert "mlsd-present" in presenter._dom_classes and len(presenter.tools.children) == 2
    assert not any(hasattr(presenter, n) for n in ("start", "reveal", "key"))
