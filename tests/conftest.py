"""Shared fixtures: every test gets its own answer store folder, never the user's real one."""

import pytest


@pytest.fixture(autouse=True)
def workbook_home(tmp_path, monkeypatch):
    """Point MLSD_WORKBOOK_HOME at a fresh temporary folder for each test."""
    home = tmp_path / "home"
    monkeypatch.setenv("MLSD_WORKBOOK_HOME", str(home))
    return home


class FakeClock:
    """A wall clock the test moves by hand (seconds since the epoch)."""

    def __init__(self, start: float = 1_700_000_000.0):
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock():
    return FakeClock()
