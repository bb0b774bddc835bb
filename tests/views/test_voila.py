"""Waiting for the browser's request in a preheated Voila kernel (moved from tests/test_context_export.py)."""

from widgets.practice.context import resolve_context
from widgets.practice.store import AnswerStore


def test_a_preheated_kernel_waits_once_for_the_request_and_then_reads_its_query(monkeypatch, tmp_path):
    import voila.utils

    from widgets.views._voila import wait_for_request

    calls = []

    def fake_wait_for_request(url=None):   # Voila puts the request's variables into the environment
        calls.append(url)
        monkeypatch.setenv("QUERY_STRING", "question=uber-shared-rides&participant=Ada")
        monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5")

    monkeypatch.setattr(voila.utils, "wait_for_request", fake_wait_for_request)
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert wait_for_request() is False and calls == []   # JupyterLab, papermill, a cold Voila kernel
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    assert wait_for_request() is True   # the start page waits so (it is light)
    ctx = resolve_context(AnswerStore(tmp_path))
    assert calls == [None] and (ctx.question.id, ctx.participant) == ("uber-shared-rides", "Ada")
    assert wait_for_request() is False and calls == [None]   # waited only once
