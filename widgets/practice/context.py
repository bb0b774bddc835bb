"""Which participant and question a notebook opens on, and the links between the notebooks.

Sources, first that gives a usable value wins:

1. the notebook's own parameters (papermill's ``-p question_id ... -p participant ...``);
2. the page's URL query, ``?question=...&participant=...``: Voila hands the query to the kernel
   as the CGI variable ``QUERY_STRING``, and the start page puts both into every link it draws,
   so each browser in a study group carries its own participant. A preheated kernel (``mlsd-workbook
   --preheat N``) runs the notebook before anyone asks for it: a page either waits for the request or
   opens once it arrives (:mod:`widgets.views._voila`);
3. in JupyterLab and papermill only, the last context saved in the store (JupyterLab has no query);
4. defaults: participant ``guest`` (JupyterLab only) and the first question of the bank.

Under Voila the identity lives in the URL alone: a page never reads the store's context row and
never writes it, so two browsers on one server never see or write each other's name or question (the
start page puts both into every link, and the template keeps the address bar in step, so a reload
keeps them).

An unknown question id is skipped with a message, never an error. Names are stricter, because a name
decides whose answers a page writes: the first name given (a parameter, else the URL) decides, and
when it is refused (too long, control or direction-override characters) the page has *no*
participant, with the message, rather than carrying on as the stored one. Under Voila the stored
participant and ``guest`` are never used: a page without a valid name in its URL has no participant
and asks for one (the server's store is shared by everyone who opens its pages).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from widgets.practice.framework import Step, load_framework
from widgets.practice.questions import Question, QuestionBank, load_bank
from widgets.practice.store import AnswerStore, StoreError, clean_participant

DEFAULT_PARTICIPANT = "guest"
START_PAGE = "00-start-here.ipynb"


#: What a page without a participant asks for; its answer box shows it as its placeholder.
ASK_FOR_NAME = "Enter your name to start"


@dataclass
class Context:
    """The participant and question a page works on, and what was skipped on the way.

    ``participant`` is ``None`` when the page has no valid name (see the module's docstring).
    """

    participant: str | None
    question: Question
    messages: list[str] = field(default_factory=list)
    #: An earlier attempt the page was asked to show (``?attempt=``); ``None``: the latest attempt.
    attempt_id: str | None = None


def query_params(environ=None) -> dict[str, str]:
    """The page's URL query under Voila (last value of each name); empty elsewhere.

    Examples
    --------
    >>> query_params({"QUERY_STRING": "question=uber-shared-rides&participant=Ada+L"})
    {'question': 'uber-shared-rides', 'participant': 'Ada L'}
    """
    env = os.environ if environ is None else environ
    return {k: v[-1] for k, v in parse_qs(env.get("QUERY_STRING", "")).items()}


LOCAL_HOST_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


def on_the_host(environ=None) -> bool:
    """Whether the page is seen on the machine that serves it: always in JupyterLab; under Voila when the
    browser reached the server by a local name (``SERVER_NAME``, the host the browser asked for). A path on
    the host's disk means nothing to a participant on another machine, and is not theirs to see.

    Examples
    --------
    >>> on_the_host({}), on_the_host({"SERVER_SOFTWARE": "voila/0.5", "SERVER_NAME": "localhost"})
    (True, True)
    >>> on_the_host({"SERVER_SOFTWARE": "voila/0.5", "SERVER_NAME": "192.168.1.20"})
    False
    """
    env = os.environ if environ is None else environ
    return not under_voila(env) or env.get("SERVER_NAME", "").lower() in LOCAL_HOST_NAMES


def under_voila(environ=None) -> bool:
    """True inside a kernel that Voila started (it sets ``SERVER_SOFTWARE=voila/<version>``)."""
    env = os.environ if environ is None else environ
    return env.get("SERVER_SOFTWARE", "").lower().startswith("voila")


def _stored_context(store: AnswerStore) -> dict:
    try:
        return store.get_context()
    except StoreError:
        return {}


def remember(store: AnswerStore, environ=None, **values: str) -> None:
    """Keep the current ``participant`` or ``question_id`` for the next notebook, in JupyterLab only: under
    Voila the identity lives in each browser's URL, never in the store shared by everyone."""
    if not under_voila(environ):
        store.set_context(**values)


def resolve_context(store: AnswerStore, question_id: str | None = None, participant: str | None = None,
                    environ=None, bank: QuestionBank | None = None, remember: bool = True,
                    attempt_id: str | None = None) -> Context:
    """Work out the current participant and question and remember them in the store.

    Examples
    --------
    >>> import tempfile
    >>> store = AnswerStore(tempfile.mkdtemp())
    >>> ctx = resolve_context(store, question_id="nope", participant="Ada", environ={})
    >>> ctx.participant, ctx.question == next(iter(load_bank()))
    ('Ada', True)
    >>> ctx.messages
    ["No question has the id 'nope'; showing the previous one instead."]
    >>> resolve_context(store, environ={}).participant   # remembered for the next notebook
    'Ada'
    """
    bank = bank or load_bank()
    query = query_params(environ)
    voila = under_voila(environ)
    saved = {} if voila else _stored_context(store)
    messages: list[str] = []

    chosen_question = None
    for source in (question_id, query.get("question"), saved.get("question_id")):
        if not source:
            continue
        if source in bank:
            chosen_question = bank.get(source)
            break
        messages.append(f"No question has the id {source!r}; showing "
                        f"{'the first of the bank' if voila else 'the previous one'} instead.")
    if chosen_question is None:
        chosen_question = next(iter(bank))

    chosen_participant = choose_participant(participant, query.get("participant"), saved.get("participant"),
                                            voila=voila, messages=messages)
    if remember and not voila:
        remembered = {"question_id": chosen_question.id}
        if chosen_participant is not None:
            remembered["participant"] = chosen_participant
        try:
            store.set_context(**remembered)   # JupyterLab: what the next notebook opens on
        except StoreError:
            pass   # only a convenience for the next notebook; the page says what is wrong when it saves
    # attempt_id None: the URL's ?attempt= if any; "": the latest attempt whatever the URL says
    chosen_attempt = (query.get("attempt") if attempt_id is None else attempt_id) or None
    if chosen_attempt is not None:
        try:
            found = store.attempt_by_id(chosen_attempt) if chosen_participant is not None else None
        except StoreError:
            found = None
        if found is None or (found.participant, found.question_id) != (chosen_participant, chosen_question.id):
            messages.append("That practice is not one of yours at this question; showing your latest one.")
            chosen_attempt = None
        elif found.id == getattr(store.latest_attempt(chosen_participant, chosen_question.id), "id", None):
            chosen_attempt = None   # the latest is what a page opens on anyway: links need not say so
    return Context(chosen_participant, chosen_question, messages, chosen_attempt)


def choose_participant(parameter: str | None, from_url: str | None, stored: str | None, voila: bool,
                       messages: list[str]) -> str | None:
    """The participant a page works as, or ``None``; a refused name adds its message to ``messages``.

    The first name given decides: a refused one means no participant, never the next source's.

    Examples
    --------
    >>> notes = []
    >>> choose_participant(None, "x" * 10_000, "Ada", voila=True, messages=notes), notes
    (None, ['Enter a display name (1 to 40 characters). Enter your name to start.'])
    >>> choose_participant(None, None, "Ada", voila=True, messages=[])   # the server's last name is not yours
    >>> choose_participant(None, None, "Ada", voila=False, messages=[])  # JupyterLab remembers its user
    'Ada'
    >>> choose_participant(None, None, None, voila=False, messages=[])
    'guest'
    """
    for given in (parameter, from_url):
        if given is None or given == "":
            continue
        try:
            return clean_participant(given)
        except ValueError as exc:
            messages.append(f"{exc} {ASK_FOR_NAME}.")
            return None
    if voila:
        return None
    if stored:
        try:
            return clean_participant(stored)
        except ValueError:
            pass
    return DEFAULT_PARTICIPANT


def notebook_name(step: Step | int) -> str:
    """File name of a step's notebook, e.g. ``01-define-the-problem.ipynb``.

    Examples
    --------
    >>> notebook_name(6)
    '06-wrap-up.ipynb'
    """
    if isinstance(step, int):
        step = load_framework().step(step)
    return f"{step.number:02d}-{step.id}.ipynb"


def page_link(target: str, ctx: Context, environ=None) -> str:
    """A relative link to another notebook of the workbook that keeps the context.

    Under Voila the context rides in the query (each browser keeps its own participant); in
    JupyterLab the plain file name is used, which Lab opens as a notebook, and the context comes
    from the store.

    Examples
    --------
    >>> ctx = Context("Ada L", load_bank().get("uber-shared-rides"))
    >>> page_link("01-define-the-problem.ipynb", ctx, environ={"SERVER_SOFTWARE": "voila/0.5"})
    '01-define-the-problem.ipynb?question=uber-shared-rides&participant=Ada+L'
    >>> page_link("01-define-the-problem.ipynb", ctx, environ={})
    '01-define-the-problem.ipynb'
    >>> page_link("00-start-here.ipynb", ctx, environ={"SERVER_SOFTWARE": "voila/0.5", "QUERY_STRING": "theme=dark"})
    '00-start-here.ipynb?question=uber-shared-rides&participant=Ada+L&theme=dark'
    """
    if under_voila(environ):
        query = {"question": ctx.question.id}
        if ctx.participant is not None:
            query["participant"] = ctx.participant
        if ctx.attempt_id is not None:   # an earlier practice, opened on purpose
            query["attempt"] = ctx.attempt_id
        theme = query_params(environ).get("theme")
        if theme in ("light", "dark"):   # a page opened in the dark theme keeps it
            query["theme"] = theme
        return f"{target}?{urlencode(query)}"
    return target
