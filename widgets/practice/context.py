"""Which participant and question a notebook opens on, and the links between the notebooks.

Sources, first that gives a usable value wins:

1. the notebook's own parameters (papermill's ``-p question_id ... -p participant ...``);
2. the page's URL query, ``?question=...&participant=...``: Voila hands the query to the kernel
   as the CGI variable ``QUERY_STRING``, and the start page puts both into every link it draws,
   so each browser in a study group carries its own participant. A preheated kernel (``mlsd-workbook
   --preheat N``) runs the notebook before anyone asks for it: a page either waits for the request
   (:func:`wait_for_voila_request`) or opens once it arrives (:func:`after_voila_request`);
3. the last context saved in the store (how JupyterLab, which has no query, carries it);
4. defaults: participant ``guest`` and the first question of the bank.

An unknown question id is skipped with a message, never an error. Names are stricter, because a name
decides whose answers a page writes: the first name given (a parameter, else the URL) decides, and
when it is refused (too long, control or direction-override characters) the page has *no*
participant, with the message, rather than carrying on as the stored one. Under Voila the stored
participant and ``guest`` are never used: a page without a valid name in its URL has no participant
and asks for one (the server's store is shared by everyone who opens its pages).
"""

from __future__ import annotations

import asyncio
import os
import threading
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


def query_params(environ=None) -> dict[str, str]:
    """The page's URL query under Voila (last value of each name); empty elsewhere.

    Examples
    --------
    >>> query_params({"QUERY_STRING": "question=uber-shared-rides&participant=Ada+L"})
    {'question': 'uber-shared-rides', 'participant': 'Ada L'}
    """
    env = os.environ if environ is None else environ
    return {k: v[-1] for k, v in parse_qs(env.get("QUERY_STRING", "")).items()}


def wait_for_voila_request() -> bool:
    """In a kernel Voila preheated, block until a browser asks for the page; return whether it waited.

    Voila starts preheated kernels with ``VOILA_PREHEAT=True`` and runs the notebook before any
    request, so ``QUERY_STRING`` is not known yet: ``voila.utils.wait_for_request`` pauses until it is
    and puts the request's variables into ``os.environ``. Everywhere else (a cold Voila kernel,
    JupyterLab, papermill, tests) this returns at once. Only the first call waits: afterwards the
    variable is set to ``False``, as Voila sets it for a kernel started on request.
    """
    if os.environ.get("VOILA_PREHEAT", "False") != "True":
        return False
    from voila.utils import wait_for_request

    wait_for_request()
    os.environ["VOILA_PREHEAT"] = "False"
    return True


_after_request: list = []          # callbacks for when the request arrives
_request_thread: threading.Thread | None = None


def after_voila_request(callback) -> bool:
    """In a kernel Voila preheated, call ``callback()`` once a browser has asked for the page; return True.

    Unlike :func:`wait_for_voila_request`, the notebook goes on running: its heavy, question-free
    tools are built while the kernel waits in the pool, and only ``callback`` (which should be quick)
    runs after the request. A thread waits with ``voila.utils.wait_for_request`` (which puts the
    request's variables into ``os.environ``), then hands ``callback`` to the kernel's event loop, so
    it runs between two messages like any widget event. Returns False, calling nothing, everywhere
    else (a cold Voila kernel, JupyterLab, papermill, tests): the caller goes on at once. Without a
    running event loop it falls back to waiting here and calling ``callback`` before returning True.
    """
    global _request_thread
    if os.environ.get("VOILA_PREHEAT", "False") != "True":
        return False
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        wait_for_voila_request()
        callback()
        return True
    _after_request.append(callback)
    if _request_thread is None:
        def wait() -> None:
            wait_for_voila_request()
            loop.call_soon_threadsafe(_run_after_request)

        _request_thread = threading.Thread(target=wait, name="mlsd-wait-for-request", daemon=True)
        _request_thread.start()
    return True


def _run_after_request() -> None:
    global _request_thread
    _request_thread = None
    while _after_request:
        _after_request.pop(0)()


def under_voila(environ=None) -> bool:
    """True inside a kernel that Voila started (it sets ``SERVER_SOFTWARE=voila/<version>``)."""
    env = os.environ if environ is None else environ
    return env.get("SERVER_SOFTWARE", "").lower().startswith("voila")


def resolve_context(store: AnswerStore, question_id: str | None = None, participant: str | None = None,
                    environ=None, bank: QuestionBank | None = None, remember: bool = True) -> Context:
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
    saved = store.get_context()
    messages: list[str] = []

    chosen_question = None
    for source in (question_id, query.get("question"), saved.get("question_id")):
        if not source:
            continue
        if source in bank:
            chosen_question = bank.get(source)
            break
        messages.append(f"No question has the id {source!r}; showing the previous one instead.")
    if chosen_question is None:
        chosen_question = next(iter(bank))

    chosen_participant = choose_participant(participant, query.get("participant"), saved.get("participant"),
                                            voila=under_voila(environ), messages=messages)
    if remember:
        remembered = {"question_id": chosen_question.id}
        if chosen_participant is not None:
            remembered["participant"] = chosen_participant
        try:
            store.set_context(**remembered)
        except StoreError:
            pass   # only a convenience for the next notebook; the page says what is wrong when it saves
    return Context(chosen_participant, chosen_question, messages)


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
        theme = query_params(environ).get("theme")
        if theme in ("light", "dark"):   # a page opened in the dark theme keeps it
            query["theme"] = theme
        return f"{target}?{urlencode(query)}"
    return target
