"""The start page and step pages built in Python, controls set as a person would."""

import html

import pytest

from widgets.pages.start import StartPage
from widgets.pages.step import StepPage
from widgets.practice.questions import load_bank
from widgets.practice.store import AnswerStore
from widgets.views.problem_types import ProblemTypeGuide


def test_start_page_filters_picks_and_remembers():
    page = StartPage(participant="Ada")
    everything = page.table.value.count("<tr")
    page.type_filter.value = "ranking"
    ranking = page.filtered()
    assert ranking and all(q.problem_type == "ranking" for q in ranking)
    assert f"{len(ranking)} of 51 questions" in page.table.value
    assert page.table.value.count("<tr") < everything
    assert all(qid in {q.id for q in ranking} for _, qid in page.picker.options)
    # the table, the dropdown and the card agree: the chosen question is one the filters show
    assert page.context.question.id in ranking and page.picker.value == page.context.question.id
    assert page.context.question.title in page.card.value
    assert f"data-question='{page.context.question.id}'" in page.table.value and "mlsd-chosen" in page.table.value

    target = list(ranking)[-1]
    page.picker.value = target.id
    assert target.title in page.card.value
    assert AnswerStore().get_context() == {"participant": "Ada", "question_id": target.id}

    page.name.value = "Grace Hopper"
    assert AnswerStore().get_context()["participant"] == "Grace Hopper"
    assert "Grace Hopper" in page.card.value


def test_start_page_plan_lists_six_steps_with_budgets_and_links():
    page = StartPage(question_id="uber-shared-rides", participant="Ada")
    plan = page.plan_html()
    assert plan.count("class='mlsd-step-link'") == 6
    for name, minutes in [("01-define-the-problem.ipynb", 8), ("06-wrap-up.ipynb", 5)]:
        assert f"href='{name}'" in plan
    assert "<td>5 min</td>" in plan and "45 min" in plan
    assert "not started" in plan


def test_start_page_random_draw_respects_filters_and_empty_filters_say_so():
    page = StartPage(participant="Ada")
    page.type_filter.value = "generation"
    page.draw(seed=1)
    assert page.context.question.problem_type == "generation"
    page.search.value = "zzzz no such words"
    assert "No question matches" in page.table.value
    before = page.context.question
    page.draw()
    assert "No question matches" in page.message.value and page.context.question == before


def test_start_page_refuses_an_empty_name_and_does_not_carry_on_as_the_old_one():
    page = StartPage(participant="Ada")
    page.name.value = "   "
    assert "display name" in page.message.value and "Enter your name to start" in page.message.value
    assert page.context.participant is None   # not "Ada": the steps ask for a name
    assert AnswerStore().get_context()["participant"] == "Ada"   # nothing written under the refused name
    page.name.value = "Grace"
    assert page.context.participant == "Grace" and page.message.value == ""


def test_step_page_carries_the_context_from_the_start_page():
    start = StartPage(participant="Ada")
    start.picker.value = "stripe-fraud-detection"
    page = StepPage(3)
    assert page.context.participant == "Ada" and page.context.question.id == "stripe-fraud-detection"
    assert page.answer.step.number == 3
    assert "Detect fraudulent payments" in page.children[0].value


def test_step_page_with_an_unknown_question_says_so_and_goes_on():
    page = StepPage(2, question_id="no-such-question", participant="Ada")
    assert "No question has the id 'no-such-question'" in html.unescape(page.children[0].value)
    assert page.answer is not None


def test_step_page_with_an_unwritable_home_shows_a_message_not_a_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    page = StepPage(1, home=blocker / "sub")
    assert page.answer is None and "Cannot save answers" in page.children[0].value
    assert "could not be opened" in page.export_panel().value
    start = StartPage(home=blocker / "sub")
    assert "Cannot save answers" in start.children[0].value


def test_wrap_up_summary_and_export(workbook_home):
    page = StepPage(6, question_id="uber-shared-rides", participant="Ada", answer="Summary: pool riders.")
    summary = page.session_summary()
    assert "mlsd-summary" in summary.children[0].value
    panel = page.export_panel()
    paths = panel.export()
    assert {p.suffix for p in paths} == {".md", ".json"} and all(p.parent == workbook_home / "exports" for p in paths)
    assert "data:text/markdown" in panel.result.value and "Summary: pool riders." in paths[0].read_text()


def test_problem_type_guide_switches():
    guide = ProblemTypeGuide("classification")
    assert "Classification" in guide.details.value
    guide.selector.value = "ranking"
    assert "Ranking" in guide.details.value
    assert ProblemTypeGuide("not-a-type").selector.value == "recommendation"


def test_links_are_plain_html_under_voila_and_lab_outputs_elsewhere(monkeypatch):
    import ipywidgets as W

    page = StepPage(2, question_id="uber-shared-rides", participant="Ada")
    assert isinstance(page.navigation, W.Output)
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    nav = page.navigation
    assert isinstance(nav, W.HTML)
    assert "href='01-define-the-problem.ipynb?question=uber-shared-rides&amp;participant=Ada'" in nav.value
    assert "target=" not in nav.value


def test_in_lab_the_links_bring_the_clock_into_view_once_and_voila_gets_no_script(monkeypatch):
    """Run All leaves Lab at the last cell (the links): their first showing scrolls the notebook to the clock."""
    page = StepPage(3, question_id="uber-shared-rides", participant="Ada")
    nav = page.navigation
    scripts = [o for o in nav.outputs if "application/javascript" in o["data"]]
    assert len(scripts) == 1
    script = scripts[0]["data"]["application/javascript"]
    assert "closest('.jp-Notebook')" in script and 'querySelector(".mlsd-clock")' in script
    page.question = load_bank().get("stripe-fraud-detection")   # the links follow; no second landing
    assert not [o for o in nav.outputs if "application/javascript" in o["data"]]
    assert "mlsd-nav-next" in nav.outputs[0]["data"]["text/html"]
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    assert "<script" not in page.navigation.value and "scrollIntoView" not in page.navigation.value


def test_a_preheated_step_page_opens_on_the_requests_question_and_its_tools_follow(monkeypatch):
    """In a preheated Voila kernel the notebook runs before the request: the page opens when it
    arrives, and the tools built meanwhile move to the URL's question."""
    import asyncio
    import os
    import threading

    import voila.utils

    from widgets.views.architectures import ArchitectureDiagram
    from widgets.views.capacity import RolloutPlanner, ServingEstimator, TrafficStorageEstimator
    from widgets.views.problem_types import ProblemTypeGuide

    bank = load_bank()
    asked = bank.get("youtube-offensive-content")
    assert asked.problem_type != next(iter(bank)).problem_type   # so following the question shows
    request = threading.Event()

    def fake_wait_for_request(url=None):   # what Voila does when the browser's request arrives
        assert request.wait(10)
        os.environ["QUERY_STRING"] = f"question={asked.id}&participant=Ada"
        os.environ["SERVER_SOFTWARE"] = "voila/0.5"

    monkeypatch.setattr(voila.utils, "wait_for_request", fake_wait_for_request)
    for name, value in (("VOILA_PREHEAT", "True"), ("QUERY_STRING", ""), ("SERVER_SOFTWARE", "")):
        monkeypatch.setenv(name, value)   # restored after the test

    async def kernel():   # a kernel runs the cells on its event loop
        page = StepPage(5)
        serving = ServingEstimator().follow(page)
        rollout = RolloutPlanner(serving=serving).follow(page)
        traffic, diagram, links = TrafficStorageEstimator().follow(page), ArchitectureDiagram().follow(page), page.navigation
        guide = ProblemTypeGuide().follow(page)
        before = (page.pending, page.answer, page.children[0].value, links.children)
        request.set()
        for _ in range(500):
            if not page.pending:
                break
            await asyncio.sleep(0.01)
        return page, before, (serving, rollout, traffic, diagram, links, guide)

    results = []   # its own loop in a thread: after the browser tests, Playwright's loop is the current one
    worker = threading.Thread(target=lambda: results.append(asyncio.run(kernel())))
    worker.start()
    worker.join(30)
    page, before, (serving, rollout, traffic, diagram, links, guide) = results[0]
    assert before[0] is True and before[1] is None and "Opening the page" in before[2] and before[3] == ()
    assert (page.pending, page.context.question.id, page.context.participant) == (False, asked.id, "Ada")
    assert page.answer is not None and asked.title in page.children[0].value
    assert traffic.users.number == asked.daily_active_users
    assert rollout.daily_users.number == asked.daily_active_users
    assert serving.peak.number == ServingEstimator(question=asked).peak.number
    assert diagram.problem_type.value == asked.problem_type == guide.selector.value
    assert (page.question, page.participant) == (asked, "Ada")
    assert f"question={asked.id}&amp;participant=Ada" in links.children[0].value   # Voila's plain HTML links


def test_outside_a_preheated_kernel_the_step_page_opens_at_once(monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    page = StepPage(1, question_id="youtube-offensive-content")
    assert not page.pending and page.answer is not None
    followed = ProblemTypeGuide().follow(page)
    assert page.question.id == "youtube-offensive-content"
    assert followed.selector.value == page.question.problem_type   # linked at once, no waiting


@pytest.mark.parametrize("query", ["question=uber-shared-rides", "question=uber-shared-rides&participant=" + "x" * 10_000,
                                   "question=uber-shared-rides&participant=Ada%E2%80%AE"],
                         ids=["absent", "too-long", "direction-override"])
def test_under_voila_a_step_page_without_a_valid_name_asks_for_one_and_saves_nothing(monkeypatch, query):
    import ipywidgets as W

    store = AnswerStore()
    store.set_context(participant="Last Person", question_id="uber-shared-rides")   # someone else on the server
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    monkeypatch.setenv("QUERY_STRING", query)
    page = StepPage(1)
    nav = page.navigation
    summary = page.export_panel()
    assert page.answer is None and page.name_prompt is not None
    assert page.name_prompt.locked.disabled and page.name_prompt.locked.placeholder == "Enter your name to start"
    assert "participant=" not in nav.value and summary.button.disabled
    assert store.attempt("guest", "uber-shared-rides", 1) is None
    assert store.attempt("Last Person", "uber-shared-rides", 1) is None
    page.name_prompt.name.value = "Ada\x00"
    assert "display name" in page.name_prompt.message.value and page.answer is None
    page.name_prompt.name.value = "Grace Hopper"
    assert page.answer is not None and page.context.participant == "Grace Hopper"
    assert isinstance(page.answer, W.VBox) and page.answer in page.children and page.name_prompt is None
    assert "participant=Grace+Hopper" in nav.value and not summary.button.disabled   # the links follow the name
    page.answer.text.value = "Pool riders."
    assert page.answer.save()
    assert store.attempt("Grace Hopper", "uber-shared-rides", 1).text == "Pool riders."
    assert store.attempt("Last Person", "uber-shared-rides", 1) is None


def test_a_step_page_practises_the_question_again_and_keeps_the_earlier_attempt(clock):
    page = StepPage(1, question_id="uber-shared-rides", participant="Ada", answer="First practice.", now=clock,
                    autotick=False)
    nav, summary, export = page.navigation, page.session_summary(), page.export_panel()
    first = page.attempt_id
    assert "Practice 1 of 1" in page.children[1].children[0].value
    page.answer.start_button.click()
    clock.advance(60)
    page.practise_again.click()
    assert page.attempt_id != first and page.answer.text.value == "" and page.answer.clock.status == "ready"
    assert "Practice 2 of 2" in page.children[1].children[0].value
    store = AnswerStore()
    earlier, latest = store.attempts("Ada", "uber-shared-rides")
    assert (earlier.id, latest.id) == (first, page.attempt_id)
    assert store.step_record(earlier, 1).text == "First practice." and store.step_record(earlier, 1).clock(480).running
    page.answer.text.value = "Second practice."
    assert page.answer.save() and store.attempt("Ada", "uber-shared-rides", 1).text == "Second practice."
    paths = export.export()   # the export follows: the latest practice first, the earlier one after it
    text = paths[0].read_text()
    assert text.index("Second practice.") < text.index("Earlier attempt 1") < text.index("First practice.")
    assert isinstance(summary.children[0].value, str) and nav is not None


def test_the_start_page_practises_again_and_opens_an_earlier_practice_on_purpose(monkeypatch, clock):
    store = AnswerStore(now=clock)
    store.save_answer("Ada", "uber-shared-rides", 2, "Trips and pings.")
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    monkeypatch.setenv("QUERY_STRING", "question=uber-shared-rides&participant=Ada")
    page = StartPage()
    assert page.practice.layout.display == "none" and "1 words" not in page.plan.value and "3 words" in page.plan.value
    page.practise_again.click()
    assert "3 words" not in page.plan.value and page.plan.value.count("not started") == 6
    assert len(page.practice.options) == 2 and page.practice.layout.display is None
    assert "attempt=" not in page.plan.value   # the latest practice: the links need not name it
    earlier = store.attempts("Ada", "uber-shared-rides")[0]
    page.practice.value = earlier.id
    assert "3 words" in page.plan.value and f"attempt={earlier.id}" in page.plan.value
    monkeypatch.setenv("QUERY_STRING", f"question=uber-shared-rides&participant=Ada&attempt={earlier.id}")
    step = StepPage(2)   # the link opens that earlier practice
    assert step.answer.text.value == "Trips and pings." and step.attempt_id == earlier.id
    assert "Practice 1 of 2" in step.children[1].children[0].value
    monkeypatch.setenv("QUERY_STRING", f"question=uber-shared-rides&participant=Grace&attempt={earlier.id}")
    other = StepPage(2)   # someone else's attempt id in the address is not theirs to open
    assert other.attempt_id != earlier.id and "not one of yours" in other.children[0].value


def test_numbers_flow_from_step_1_to_step_5_within_an_attempt(clock):
    from widgets.tools import capacity as cap
    from widgets.views.capacity import RolloutPlanner, ServingEstimator, TrafficStorageEstimator

    q = "uber-shared-rides"
    step1 = StepPage(1, question_id=q, participant="Ada", now=clock, autotick=False)
    traffic = TrafficStorageEstimator().follow(step1)
    question = step1.question
    assert traffic.users.number == question.daily_active_users   # the question's scale, nothing kept yet
    traffic.users.value = 2 * question.daily_active_users       # the interviewer says: twice that
    traffic.peak.value = 3.0
    expected_peak = round(cap.traffic(2 * question.daily_active_users, question.actions_per_user_per_day, 3.0).peak_rps, -1)

    step5 = StepPage(5, question_id=q, participant="Ada", now=clock, autotick=False)
    serving = ServingEstimator().follow(step5)
    rollout = RolloutPlanner(serving=serving).follow(step5)
    assert serving.peak.number == expected_peak and rollout.daily_users.number == 2 * question.daily_active_users
    clock.advance(10)
    serving.peak.value = 1234.0   # the participant's own number at step 5 is kept too
    again = ServingEstimator().follow(StepPage(5, question_id=q, participant="Ada", now=clock, autotick=False))
    assert again.peak.number == 1234.0
    clock.advance(10)
    traffic.users.value = 3 * question.daily_active_users   # a newer step-1 number wins over the older step-5 one
    newest = ServingEstimator().follow(StepPage(5, question_id=q, participant="Ada", now=clock, autotick=False))
    assert newest.peak.number == round(cap.traffic(3 * question.daily_active_users,
                                                  question.actions_per_user_per_day, 3.0).peak_rps, -1)
    step5.practise_again.click()   # a new practice starts from the question again
    assert serving.peak.number == ServingEstimator(question=question).peak.number
    assert rollout.daily_users.number == question.daily_active_users


def test_the_capacity_calculators_fleet_follows_the_traffic_above_it():
    from widgets.views.capacity import ServingEstimator, TrafficStorageEstimator

    traffic = TrafficStorageEstimator(daily_active_users=1e6, actions_per_user_per_day=10)
    serving = ServingEstimator(traffic=traffic)
    assert serving.peak.number == round(traffic.traffic.peak_rps, -1)
    replicas = serving.fleet.replicas_total
    traffic.users.value = 50e6
    assert serving.peak.number == round(traffic.traffic.peak_rps, -1) and serving.fleet.replicas_total > replicas


def test_a_tools_sentence_goes_into_the_answer_and_the_export(clock):
    from widgets.views.capacity import TrafficStorageEstimator
    from widgets.views.threshold import ThresholdExplorer

    page = StepPage(4, question_id="stripe-fraud-detection", participant="Ada", now=clock, autotick=False)
    alone = ThresholdExplorer()                 # a tool on no page: nothing to add to
    explorer = ThresholdExplorer().follow(page)
    assert alone.add_to_answer.layout.display == "none" and explorer.add_to_answer.layout.display is None
    page.answer.text.value = "Precision at a fixed recall."
    explorer.add_to_answer.click()
    text = AnswerStore().attempt("Ada", "stripe-fraud-detection", 4).text   # saved at once, like typing
    assert text == f"Precision at a fixed recall.\n\n{explorer.say_text}" and explorer.say_text.startswith("At a threshold")
    paths = page.export_panel().export()
    assert explorer.say_text in paths[0].read_text()
    nameless = StepPage(1, question_id="stripe-fraud-detection", participant="x" * 100)   # refused: no answer
    assert TrafficStorageEstimator().follow(nameless).add_to_answer.layout.display == "none"


@pytest.mark.parametrize("server_name, shown", [("localhost", True), ("127.0.0.1", True), ("study-host.lan", False),
                                                ("192.168.1.20", False)])
def test_the_export_shows_the_hosts_paths_only_to_a_browser_on_the_host(monkeypatch, workbook_home, server_name, shown):
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    monkeypatch.setenv("SERVER_NAME", server_name)
    monkeypatch.setenv("QUERY_STRING", "question=uber-shared-rides&participant=Ada")
    panel = StepPage(6).export_panel()
    paths = panel.export()
    assert paths and (str(workbook_home) in panel.result.value) is shown
    assert "Download" in panel.result.value   # the downloads are for everyone
