"""The study group's page (``notebooks/study-group.ipynb``): one notebook, four views chosen by its address.

- no ``group``: **set up** a session (question, steps, format) or join one by its code;
- ``group`` and ``key``: the facilitator's **dashboard** (one clock for everyone, the room at a glance, reveal,
  scores, export);
- ``group`` and ``present=1``: the **presenter** view for a projector (no key: read-only);
- ``group`` alone, or with ``participant`` and ``token``: a **member**'s page, which holds the whole session:
  every step of the group in one page and one kernel, a step's tools built when it is first shown, the
  facilitator's "next step" arriving without a reload.

Every rule (who may start a clock, who may read whose answer) is in :mod:`widgets.practice.group`; this
module asks it and draws the answers. Each view refreshes itself from the store every
:data:`REFRESH_SECONDS` on the kernel's event loop, so nobody has to touch a page for it to follow. A member's
page also carries a hidden heartbeat box that the workbook's template fills from the browser every 2 s: the
dashboard's "page open" is the browser's word, not the kernel's.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from urllib.parse import urlencode

import ipywidgets as W
import traitlets

from widgets.pages.parts import ToolHost, downloads_html, open_store
from widgets.practice.context import query_params, under_voila
from widgets.practice.export import group_markdown, group_record, to_json, write_group_export
from widgets.practice.framework import load_framework
from widgets.practice.group import FORMATS, Group, GroupError, StudyGroups
from widgets.practice.questions import Question, load_bank
from widgets.practice.store import StoreError
from widgets.views._events import every
from widgets.views._html import LINK_STYLE, PALETTE, Markup, bullets_html, html, join, message_html, muted_html
from widgets.views._voila import when_requested
from widgets.views.answer import StepAnswer, clock_html
from widgets.views.group import PeerScoreForm, answers_html, comments_html, room_html, summary_html
from widgets.views.reference import key_points_html

NOTEBOOK = "study-group.ipynb"
REFRESH_SECONDS = 1.0
#: The dashboard's room and clock refresh faster; its reveals and scores every 2 s.
ROOM_SECONDS, REVEALS_SECONDS = 0.5, 2.0

#: Large type for the presenter view; links that look like links.
PRESENT_STYLE = Markup("<style>.mlsd-presenter .widget-html-content{font-size:calc(var(--jp-widgets-font-size,13px)"
                       " * 1.6);line-height:1.5}.mlsd-present .mlsd-clock{font-size:3.2em!important}.mlsd-present img.mlsd-figure{max-width:100%}"
                       ".mlsd-group-links a{color:var(--jp-content-link-color,#1d4ed8);text-decoration:underline}"
                       ".mlsd-group-code{font-size:1.6em;font-weight:700;letter-spacing:.12em}</style>")


def group_link(**params) -> str:
    """A link to the group notebook with ``params`` (``None`` values left out), keeping a ``?theme=``."""
    query = {k: v for k, v in params.items() if v is not None}
    theme = query_params().get("theme")
    if theme in ("light", "dark"):
        query["theme"] = theme
    return f"{NOTEBOOK}?{urlencode(query)}" if query else NOTEBOOK


class Address(W.HTML):
    """The page's own address (a hidden ``a.mlsd-self-link`` the template copies into the address bar)."""

    def __init__(self):
        super().__init__(layout=W.Layout(display="none"))

    def show(self, **params) -> None:
        if under_voila():
            self.value = html("<a class='mlsd-self-link' href='{}'></a>", group_link(**params))


def _card(q: Question, line: Markup) -> Markup:
    return html("<div class='mlsd-question' style='border-left:4px solid {};padding:6px 12px;margin:6px 0'>"
                "<div style='font-size:1.25em;font-weight:600' class='mlsd-question-title'>{}</div>"
                "<div style='color:{}'>{} &middot; {}</div><p style='margin:6px 0;line-height:1.45'>{}</p></div>",
                PALETTE["accent"], q.title, PALETTE["muted"], q.problem_type, line, q.brief)


def _step_tools(step: int) -> list:
    """The step's explorers and estimators (what its own notebook shows), built when first needed."""
    if step == 1:
        from widgets.views.capacity import TrafficStorageEstimator
        from widgets.views.problem_types import ProblemTypeGuide
        return [ProblemTypeGuide(), TrafficStorageEstimator()]
    if step == 2:
        from widgets.views.contamination import ContaminationExplorer
        from widgets.views.features import FeatureExplorer
        from widgets.views.privacy import PrivacyExplorer
        return [ContaminationExplorer(), PrivacyExplorer(), FeatureExplorer()]
    if step == 3:
        from widgets.views.architectures import ArchitectureDiagram
        from widgets.views.model_choice import ModelChoiceExplorer
        return [ModelChoiceExplorer(), ArchitectureDiagram()]
    if step == 4:
        from widgets.views.calibration import CalibrationExplorer
        from widgets.views.fairness import FairnessExplorer
        from widgets.views.ranking import ListExplorer
        from widgets.views.robustness import RobustnessExplorer
        from widgets.views.threshold import ThresholdExplorer
        return [ListExplorer(), ThresholdExplorer(), CalibrationExplorer(), FairnessExplorer(), RobustnessExplorer()]
    if step == 5:
        from widgets.views.capacity import LatencyBudgetEstimator, RolloutPlanner, ServingEstimator
        from widgets.views.compression import CompressionExplorer
        from widgets.views.drift import DriftMonitor
        serving = ServingEstimator()
        return [serving, LatencyBudgetEstimator(), CompressionExplorer(), RolloutPlanner(serving=serving),
                DriftMonitor()]
    if step == 6:
        from widgets.views.retraining import RetrainingExplorer
        from widgets.views.scaling import ScaleExplorer
        return [RetrainingExplorer(), ScaleExplorer()]
    return []


class GroupPage(W.VBox):
    """The study-group notebook's page; see the module's text for the four views.

    Parameters
    ----------
    group, key, participant, token, present : the notebook's parameters; ``None`` takes them from the URL.
    home : the store's folder (default ``MLSD_WORKBOOK_HOME``).
    now : the wall clock (tests inject one); autorefresh : refresh from the kernel's loop (tests call
        :meth:`refresh` themselves).
    """

    def __init__(self, group: str | None = None, key: str | None = None, participant: str | None = None,
                 token: str | None = None, present: bool | None = None, home=None,
                 now: Callable[[], float] = time.time, autorefresh: bool = True):
        super().__init__()
        self._request = {"group": group, "key": key, "participant": participant, "token": token, "present": present}
        self._now, self._autorefresh = now, autorefresh
        self.view: W.Widget | None = None
        self.address = Address()
        self.store, problem = open_store(home)
        self._notes = [message_html(problem)] if problem else []
        if self.store is None:
            self.children = [W.HTML(join(self._notes))]
            return
        self.store.now = now
        self.groups = StudyGroups(self.store)
        if when_requested(self.open_page):
            self.children = [W.HTML("<div class='mlsd-opening'><i>Opening the study group...</i></div>")]
            return
        self.open_page()

    def open_page(self) -> None:
        query = query_params()
        r = {k: v if v is not None else query.get(k) for k, v in self._request.items()}
        present = r["present"] if isinstance(r["present"], bool) else str(r["present"] or "") in ("1", "true", "yes")
        code = r["group"]
        if not code:
            self.show(SetupView(self, after=query.get("after")))
        elif r["key"]:
            self.open_dashboard(code, r["key"])
        elif present:
            self.show(PresenterView(self, code))
        else:
            self.open_member(code, r["participant"], r["token"])

    def show(self, view: W.Widget, message: str | None = None) -> None:
        if self.view is not None and hasattr(self.view, "stop"):
            self.view.stop()
        self.view = view
        notes = self._notes + ([message_html(message)] if message else [])
        self.children = [W.HTML(PRESENT_STYLE + LINK_STYLE + join(notes)), view, self.address]

    def fail(self, message: str) -> None:
        """A short message instead of the view (a wrong code or key), with the way back."""
        self.show(W.HTML(html("<p class='mlsd-group-links'><a href='{}'>Set up or join a study group</a></p>",
                              group_link())), message)

    def open_dashboard(self, code: str, key: str) -> None:
        try:
            group = self.groups.check_key(code, key)
        except (GroupError, StoreError) as exc:
            self.fail(str(exc))
            return
        self.address.show(group=group.code, key=key)
        self.show(Dashboard(self, group, key))

    def open_member(self, code: str, name: str | None, token: str | None) -> None:
        try:
            group = self.groups.get(code)
        except (GroupError, StoreError) as exc:
            self.fail(str(exc))
            return
        if name and token:
            try:
                self.groups.member(group.code, name, token)
            except GroupError as exc:
                self.show(JoinView(self, group), str(exc))
                return
            self.address.show(group=group.code, participant=name, token=token)
            self.show(MemberView(self, group, name, token))
            return
        self.address.show(group=group.code)
        self.show(JoinView(self, group, name))

    def join(self, code: str, name: str, token: str | None = None) -> str | None:
        """Join ``code`` as ``name`` and open the member's view; return a message if refused."""
        try:
            member, token = self.groups.join(code, name, token)
        except (ValueError, StoreError) as exc:
            return str(exc)
        self.address.show(group=member.code, participant=member.name, token=token)
        self.show(MemberView(self, self.groups.get(member.code), member.name, token))
        return None

    def repeat(self, fn: Callable[[], None], message: W.HTML, seconds: float = REFRESH_SECONDS):
        """Run ``fn`` every ``seconds`` (when ``autorefresh``); a failure shows in ``message``."""
        if not self._autorefresh:
            return None

        def failed(exc: Exception) -> None:
            message.value = message_html(str(exc) if isinstance(exc, (GroupError, StoreError))
                                         else f"The page could not refresh: {exc}")

        return every(seconds, fn, failed)


class Refreshing:
    """A view that refreshes itself from the store: its tasks stop when the page shows another view."""

    _tasks: tuple | list = ()

    def stop(self) -> None:
        for task in self._tasks:
            if task is not None:
                task.cancel()


# -- setting a session up, joining one ----------------------------------------------------------
class SetupView(W.VBox):
    """Create a group session (the facilitator) or join one by its code (a member)."""

    def __init__(self, page: GroupPage, after: str | None = None):
        super().__init__()
        self.page = page
        bank = load_bank()
        self.questions = sorted(bank, key=lambda q: q.title.lower())
        self.question = W.Dropdown(options=[(q.title, q.id) for q in self.questions], description="Question",
                                   layout=W.Layout(width="36em"), style={"description_width": "initial"})
        self.draw = W.Button(description="Draw one", icon="random", tooltip="Pick a question at random")
        self.draw.on_click(lambda _: setattr(self.question, "value", random.choice(self.questions).id))
        steps = load_framework().steps
        self.steps = {s.number: W.Checkbox(value=True, description=f"{s.number}. {s.title} ({s.minutes} min)",
                                           indent=False, layout=W.Layout(width="auto"))
                      for s in steps}
        self.format = W.RadioButtons(options=[(label, value) for value, label in FORMATS.items()],
                                     layout=W.Layout(width="auto"))
        self.after = W.Text(value=after or "", description="Follows session", placeholder="its code, to rotate roles",
                            style={"description_width": "initial"}, layout=W.Layout(width="22em"))
        self.create = W.Button(description="Create the session", icon="users", button_style="success")
        self.create.on_click(lambda _: self.create_session())
        self.message = W.HTML()
        self.code = W.Text(description="Group code", placeholder="like K7QW2M", style={"description_width": "initial"},
                           layout=W.Layout(width="16em"), continuous_update=False)
        self.join = W.Button(description="Join", icon="sign-in")
        self.join.on_click(lambda _: self.join_group())
        self.code.observe(lambda _: self.join_group(), names="value")   # Enter, or leaving the box
        self.children = [
            W.HTML("<h3>Run a study group</h3><p>Choose the question, the steps and the format; you get a join link "
                   "to share and a facilitator link to keep.</p>"),
            W.HBox([self.question, self.draw], layout=W.Layout(align_items="center", flex_flow="row wrap")),
            W.HTML("<b>Steps</b>"), W.VBox(list(self.steps.values())),
            W.HTML("<b>Format</b>"), self.format, self.after, self.create, self.message,
            W.HTML("<h3>Join a study group</h3>"), W.HBox([self.code, self.join]),
        ]
        self.add_class("mlsd-group-setup")

    def create_session(self) -> None:
        chosen = [n for n, box in self.steps.items() if box.value]
        try:
            group, key = self.page.groups.create(self.question.value, chosen, self.format.value,
                                                 after=self.after.value.strip() or None)
        except (GroupError, StoreError) as exc:
            self.message.value = message_html(str(exc))
            return
        self.page.address.show(group=group.code, key=key)
        self.page.show(Dashboard(self.page, group, key))

    def join_group(self) -> None:
        if self.code.value.strip() and self.page.view is self:
            self.page.open_member(self.code.value, None, None)


class JoinView(W.VBox):
    """A member arriving with the join link: enter a name (unique in the group)."""

    def __init__(self, page: GroupPage, group: Group, name: str | None = None):
        super().__init__()
        self.page, self.group = page, group
        q = load_bank().get(group.question_id)
        self.name = W.Text(value=name or "", description="Your name", placeholder="as the group will see it",
                           style={"description_width": "initial"}, layout=W.Layout(width="22em"),
                           continuous_update=False)
        self.name.add_class("mlsd-name-box")
        self.button = W.Button(description="Join the group", icon="sign-in", button_style="success")
        self.message = W.HTML()
        self.button.on_click(lambda _: self.submit())
        self.name.observe(lambda _: self.submit(), names="value")   # Enter, or leaving the box for the button
        self.joined = False
        self.children = [W.HTML(_card(q, html("study group <b class='mlsd-group-code'>{}</b>", group.code))),
                         W.HBox([self.name, self.button], layout=W.Layout(align_items="center")), self.message]
        self.add_class("mlsd-group-join")

    def submit(self) -> None:
        if self.joined or not self.name.value.strip():
            return
        problem = self.page.join(self.group.code, self.name.value)
        self.joined = problem is None
        self.message.value = message_html(problem) if problem else ""


# -- the facilitator ----------------------------------------------------------------------------
class Dashboard(Refreshing, W.VBox):
    """The facilitator's view: one clock for everyone, the room, reveals, scores and the export."""

    def __init__(self, page: GroupPage, group: Group, key: str):
        super().__init__()
        self.page, self.groups, self.key, self.code = page, page.groups, key, group.code
        self.framework = load_framework()
        self.question = load_bank().get(group.question_id)
        self.header = W.HTML()
        self.links = W.HTML(self._links_html(group))
        self.clock = W.HTML()
        self.start = W.Button(description="Start", icon="play", button_style="success",
                              tooltip="Start or resume the step's clock for everyone")
        self.pause = W.Button(description="Pause", icon="pause", tooltip="Pause the clock for everyone")
        self.next = W.Button(description="Next step", icon="forward", tooltip="Move everyone to the next step")
        self.reveal = W.Button(description="Reveal answers", icon="eye", button_style="warning",
                               tooltip="Finish the step for everyone and show every answer side by side")
        self.close_button = W.Button(description="Close session", icon="stop", tooltip="End the session")
        self.candidate = W.Dropdown(description="Candidate", style={"description_width": "initial"},
                                    layout=W.Layout(width="20em", display="none" if group.format != "candidate" else None))
        self.message = W.HTML()
        self.room = W.HTML()
        self.live = W.HTML()
        self.revealed = W.HTML()
        self.scores = W.HTML()
        self.export_button = W.Button(description="Export the group", icon="download",
                                      tooltip="Markdown and JSON: every answer, score, comment and time")
        self.export_result = W.HTML()
        for button, action in ((self.start, self.groups.start), (self.pause, self.groups.pause),
                               (self.next, self.groups.advance), (self.reveal, self.groups.reveal),
                               (self.close_button, self.groups.close)):
            button.on_click(lambda _, action=action: self.act(action))
        self.candidate.observe(self._choose_candidate, names="value")
        self.export_button.on_click(lambda _: self.export())
        self.children = [self.header, self.links,
                         W.HBox([self.clock, self.start, self.pause, self.next, self.reveal, self.close_button,
                                 self.candidate], layout=W.Layout(align_items="center", flex_flow="row wrap")),
                         self.message, W.HTML("<h3>The room</h3>"), self.room, self.live,
                         W.HTML("<h3>Revealed answers</h3>"), self.revealed, W.HTML("<h3>Scores</h3>"), self.scores,
                         W.HBox([self.export_button]), self.export_result]
        self.add_class("mlsd-dashboard")
        self.refresh()
        self._tasks = [page.repeat(self.refresh_room, self.message, ROOM_SECONDS),
                       page.repeat(self.refresh_reveals, self.message, REVEALS_SECONDS)]

    def _links_html(self, group: Group) -> Markup:
        return html("<div class='mlsd-group-links' style='line-height:1.8'>Group code <span class='mlsd-group-code'>{}"
                    "</span><br>Join link, to share: <a class='mlsd-share-link mlsd-join-link' href='{}' "
                    "target='_blank'>{}</a><br>Presenter view, for a projector: <a class='mlsd-share-link "
                    "mlsd-present-link' href='{}' target='_blank'>{}</a><br>{}</div>",
                    group.code, group_link(group=group.code), group_link(group=group.code),
                    group_link(group=group.code, present=1), group_link(group=group.code, present=1),
                    muted_html("This page's own address holds the facilitator key: keep it to yourself. "
                               "The next session with roles rotated: ", "span")
                    + html("<a class='mlsd-next-session' href='{}'>set it up</a>", group_link(after=group.code)))

    def act(self, action) -> None:
        try:
            action(self.code, self.key)
        except (GroupError, StoreError) as exc:
            self.message.value = message_html(str(exc))
        else:
            self.message.value = ""
        self.refresh()

    def _choose_candidate(self, change) -> None:
        if change.new and change.new != self._candidate:
            try:
                self.groups.choose_candidate(self.code, self.key, change.new)
            except (GroupError, StoreError) as exc:
                self.message.value = message_html(str(exc))
            self.refresh()

    def refresh(self) -> None:
        self.refresh_room()
        self.refresh_reveals()

    def refresh_room(self) -> None:
        """The clock, the buttons, the room and (in the candidate format) the candidate's answer live."""
        now = self.groups.now
        group = self.groups.check_key(self.code, self.key)
        shared = self.groups.step(self.code)
        step = self.framework.step(group.current_step)
        position = group.steps.index(group.current_step) + 1
        closed = " · closed" if group.closed else ""
        self.header.value = _card(self.question, html(
            "facilitating · step {} of {}: <b class='mlsd-group-step'>{}</b> · {}{}", position, len(group.steps),
            step.title, FORMATS[group.format].lower(), closed))
        self.clock.value = clock_html(shared.clock, now, "2.4em")
        status = "revealed" if shared.revealed else shared.clock.status
        self.start.disabled = group.closed or shared.revealed or status == "running"
        self.pause.disabled = group.closed or status != "running"
        self.next.disabled = group.closed or group.is_last_step
        self.reveal.disabled = shared.revealed
        self.close_button.disabled = group.closed
        rows = self.groups.room(self.code, self.key)
        self.room.value = room_html(rows)
        self._candidate = group.candidate
        names = [r.name for r in rows]
        if group.format == "candidate" and tuple(self.candidate.options) != tuple(names):
            self.candidate.options = names
        if group.format == "candidate" and self.candidate.value != group.candidate and group.candidate in names:
            self.candidate.value = group.candidate
        live = [] if shared.revealed else self.groups.visible_answers(self.code, group.current_step, key=self.key)
        self.live.value = answers_html(live, step, "The candidate's answer, live") if live else Markup("")

    def refresh_reveals(self) -> None:
        """The revealed answers, the scores and the comments."""
        group = self.groups.check_key(self.code, self.key)
        steps = {n: self.framework.step(n) for n in group.steps}
        shown = []
        for n in reversed(group.steps):
            if self.groups.step(self.code, n).revealed:
                shown.append(answers_html(self.groups.visible_answers(self.code, n, key=self.key), steps[n],
                                          f"Step {n}: {steps[n].title}") + key_points_html(group.question_id, n))
        self.revealed.value = join(shown) if shown else muted_html("Nothing revealed yet: answers stay private "
                                                                   "until you reveal a step.")
        self.scores.value = (summary_html(self.groups.score_summary(self.code, self.key), steps)
                             + comments_html(self.groups.comments(self.code, self.key)))

    def export(self) -> list:
        """Write the group's Markdown and JSON under ``<store home>/exports`` and offer them as downloads."""
        try:
            paths = write_group_export(self.groups, self.code, self.page.store.home / "exports")
            record = group_record(self.groups, self.code)
        except (GroupError, StoreError) as exc:
            self.export_result.value = message_html(str(exc))
            return []
        self.export_result.value = downloads_html(paths, group_markdown(record), to_json(record))
        return paths


# -- a member ------------------------------------------------------------------------------------
class StepSection(ToolHost, W.VBox):
    """One step of the group on a member's page: the answer on the group's clock, the candidate's answer live
    (for interviewers), the step's tools (built when first shown), and after the reveal every answer side by
    side with a score form for each of the others."""

    question = traitlets.Instance(Question, allow_none=True)
    participant = traitlets.Unicode(None, allow_none=True)
    attempt_id = traitlets.Unicode(None, allow_none=True)

    def __init__(self, view: MemberView, step_number: int):
        super().__init__()
        self.view, self.groups = view, view.groups
        self.step = load_framework().step(step_number)
        group, name = view.group, view.name
        handle = self.groups.store.attempt_step(name, group.question_id, step_number, view.member.attempt_id)
        self.answer = StepAnswer(handle, self.step, now=view.page._now, autotick=view.page._autorefresh,
                                 clock_controls=False)
        self.live = W.HTML()
        self.tools = W.VBox()
        self.tools_built = False
        self.tools_button = W.ToggleButton(description="Show this step's tools", icon="wrench",
                                           tooltip="The step's explorers and estimators, built when first opened",
                                           layout=W.Layout(width="auto"))
        self.tools_button.observe(lambda change: self.show_tools(change.new), names="value")
        self.revealed = W.HTML()
        self.forms = W.HBox(layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))
        self._forms_for: tuple = ()
        self._fingerprint = None
        self.children = [W.HTML(html("<h3 class='mlsd-section-title'>Step {}: {} ({} min)</h3>", step_number,
                                     self.step.title, self.step.minutes)),
                         self.live, self.answer, self.revealed, self.forms, self.tools_button, self.tools]
        with self.hold_trait_notifications():
            self.question = load_bank().get(group.question_id)
            self.participant = name
            self.attempt_id = view.member.attempt_id

    def show_tools(self, visible: bool = True) -> None:
        """Show (building them the first time) or hide the step's tools. They are built on request, not with
        the step: scikit-learn and pandas cost a kernel about 150 MB, and a group of 30 shares one host."""
        if visible:
            self.build_tools()
        self.tools.layout.display = None if visible else "none"
        self.tools_button.description = "Hide this step's tools" if visible else "Show this step's tools"
        if self.tools_button.value != visible:
            self.tools_button.value = visible

    def build_tools(self) -> None:
        """The step's explorers and estimators, following this section's question and attempt."""
        if self.tools_built:
            return
        self.tools_built = True
        tools = _step_tools(self.step.number)
        for tool in tools:
            tool.follow(self)
        if tools:
            self.tools.children = [W.HTML("<h4>Tools for this step</h4>"), *tools]

    def refresh(self, group: Group) -> None:
        shared = self.groups.step(group.code, self.step.number)
        fingerprint = (shared.clock.accumulated, shared.clock.running_since, shared.revealed_at)
        if fingerprint != self._fingerprint:   # the facilitator moved the clock: show it now, not at the next sync
            self._fingerprint = fingerprint
            self.answer.sync()
        view = self.view
        if group.role(view.name) == "interviewer":   # the candidate is chosen when the clock first starts
            self.answer.text.placeholder = (f"Your notes as an interviewer for step {self.step.number}: what to ask, "
                                            "what was missed.")
        answers = self.groups.visible_answers(group.code, self.step.number, view.name, view.token)
        if shared.revealed:
            self.live.value = ""
            self.revealed.value = answers_html(answers, self.step, "Every answer, side by side")
            targets = tuple(a.name for a in answers if a.name != view.name and group.answers(a.name))
            if targets != self._forms_for:
                self._forms_for = targets
                given = self.groups.peer_scores_given(group.code, view.name, view.token, self.step.number)
                self.forms.children = [PeerScoreForm(t, self.step, given.get(t, ({}, "")), self._saver(t))
                                       for t in targets]
        else:
            others = [a for a in answers if a.name != view.name]
            self.live.value = answers_html(others, self.step, "The candidate's answer, live") if others else ""

    def _saver(self, target: str):
        view = self.view

        def save(item_id, score, comment):
            if item_id is None:
                self.groups.peer_comment(view.group.code, view.name, view.token, target, self.step.number, comment)
            else:
                self.groups.peer_score(view.group.code, view.name, view.token, target, self.step.number, item_id,
                                       score, comment)
        return save

    def close(self):
        self.answer.close()
        super().close()


class MemberView(Refreshing, W.VBox):
    """A member's page: the whole session in one page, following the group's step and clock."""

    def __init__(self, page: GroupPage, group: Group, name: str, token: str):
        super().__init__()
        self.page, self.groups, self.group, self.name, self.token = page, page.groups, group, name, token
        self.member = self.groups.member(group.code, name, token)
        self.question = load_bank().get(group.question_id)
        self.header = W.HTML()
        self.message = W.HTML()
        self.heartbeat = W.Text(layout=W.Layout(display="none"))
        self.heartbeat.add_class("mlsd-heartbeat")
        self.heartbeat.observe(lambda _: self.beat(), names="value")
        self.picker = W.ToggleButtons(style=W.ToggleButtonsStyle(button_width="auto"))
        self.picker.add_class("mlsd-step-picker")
        self.sections: dict[int, StepSection] = {}
        self.body = W.VBox()
        self._step = None
        self.picker.observe(lambda change: self.show_step(change.new), names="value")
        self.children = [self.header, self.picker, self.message, self.body, self.heartbeat]
        self.add_class("mlsd-member")
        self.refresh()
        self._tasks = [page.repeat(self.refresh, self.message)]

    def beat(self) -> None:
        """The browser says the page is open (the template writes the time into the hidden box every 2 s)."""
        try:
            self.groups.heartbeat(self.group.code, self.name, self.token)
        except (GroupError, StoreError) as exc:
            self.message.value = message_html(str(exc))

    def section(self, step: int) -> StepSection:
        if step not in self.sections:
            self.sections[step] = StepSection(self, step)
        return self.sections[step]

    def show_step(self, step: int | None) -> None:
        if step is None:
            return
        section = self.section(step)
        self.body.children = [section]
        section.refresh(self.group)

    def refresh(self) -> None:
        group = self.group = self.groups.get(self.group.code)
        reached = group.steps[:group.steps.index(group.current_step) + 1]
        fw = load_framework()
        options = [(f"{n}. {fw.step(n).title}", n) for n in reached]
        role = group.role(self.name)
        where = "closed" if group.closed else f"step {group.steps.index(group.current_step) + 1} of {len(group.steps)}"
        self.header.value = _card(self.question, html(
            "study group <b>{}</b> · {} · you are <b class='mlsd-participant'>{}</b>, <span class='mlsd-role'>{}"
            "</span>", group.code, where, self.name, role))
        if list(self.picker.options) != options:
            moved = self._step != group.current_step
            self.picker.options = options
            if moved:   # the facilitator moved the group on: everyone follows
                self._step = group.current_step
                self.picker.value = group.current_step
        if self.picker.value is None:
            self.picker.value = group.current_step
        shown = self.picker.value
        if shown in self.sections:
            self.sections[shown].refresh(group)


# -- the presenter view ---------------------------------------------------------------------------
class PresenterView(Refreshing, W.VBox):
    """Large type for a projector: the clock, the step's prompts, the revealed answers one at a time and the
    step's tools. It carries no key: it shows what the whole group may see, and changes nothing."""

    def __init__(self, page: GroupPage, code: str):
        super().__init__()
        self.page, self.groups = page, page.groups
        try:
            group = self.groups.get(code)
        except (GroupError, StoreError) as exc:
            self.children = [W.HTML(message_html(str(exc)))]
            return
        self.code = group.code
        self.framework = load_framework()
        self.question = load_bank().get(group.question_id)
        self.clock = W.HTML()
        self.prompts = W.HTML()
        self.answer = W.HTML()
        self.previous = W.Button(description="Previous answer", icon="arrow-left")
        self.following = W.Button(description="Next answer", icon="arrow-right")
        self.previous.on_click(lambda _: self.turn(-1))
        self.following.on_click(lambda _: self.turn(1))
        self.tools = W.VBox()
        self.tools.add_class("mlsd-present")
        self.message = W.HTML()
        self._index, self._tools_for = 0, None
        self.children = [self.clock, self.prompts, self.answer, W.HBox([self.previous, self.following]),
                         self.message, self.tools]
        self.add_class("mlsd-present")
        self.add_class("mlsd-presenter")
        self.refresh()
        self._tasks = [page.repeat(self.refresh, self.message)]

    def turn(self, by: int) -> None:
        self._index += by
        self.refresh()

    def refresh(self) -> None:
        group = self.groups.get(self.code)
        shared = self.groups.step(self.code)
        step = self.framework.step(group.current_step)
        self.clock.value = html("<div class='mlsd-question-title' style='font-weight:600'>{}</div>",
                                self.question.title) + clock_html(shared.clock, self.groups.now)
        self.prompts.value = html("<h2 class='mlsd-present-step'>Step {}: {}</h2>{}", step.number, step.title,
                                  bullets_html(step.prompts))
        answers = self.groups.revealed_answers(self.code, group.current_step)
        if answers:
            self._index %= len(answers)
            shown = answers[self._index]
            self.answer.value = (html("<div class='mlsd-present-count'>Answer {} of {}</div>", self._index + 1,
                                      len(answers)) + answers_html([shown], step)
                                 + key_points_html(group.question_id, step.number))
        else:
            self._index = 0
            self.answer.value = muted_html("The answers show here once the facilitator reveals the step.")
        self.previous.disabled = self.following.disabled = len(answers) < 2
        if self._tools_for != group.current_step:
            self._tools_for = group.current_step
            self.tools.children = _step_tools(group.current_step)
            for tool in self.tools.children:
                if hasattr(tool, "question"):
                    tool.question = self.question
