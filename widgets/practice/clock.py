"""The step clock: a countdown over a time budget, computed from wall-clock timestamps.

A clock is two stored numbers, not a ticking counter: ``accumulated`` (seconds run before the
current run) and ``running_since`` (the wall-clock time, in seconds since the epoch, when the
current run began, or ``None`` when paused). Elapsed time is therefore the same whoever computes it
and whenever: after a page reload, a kernel restart or from another participant's kernel.
Every method takes ``now`` (seconds since the epoch) so that tests inject time instead of sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

#: Seconds before the end of the budget at which the clock turns amber.
WARNING_SECONDS = 60


@dataclass(frozen=True)
class ClockState:
    """A step's clock. Times are seconds; ``running_since`` is a Unix timestamp or ``None``.

    Examples
    --------
    >>> c = ClockState(budget_seconds=480).start(now=1000.0)
    >>> c.remaining(now=1100.0)
    380.0
    >>> c = c.pause(now=1100.0)
    >>> c.elapsed(now=5000.0), c.status
    (100.0, 'paused')
    """

    budget_seconds: float
    accumulated: float = 0.0
    running_since: float | None = None

    def __post_init__(self):
        if not self.budget_seconds > 0:
            raise ValueError("A step's time budget must be positive.")
        if self.accumulated < 0:
            raise ValueError("Accumulated time cannot be negative.")

    @property
    def running(self) -> bool:
        return self.running_since is not None

    @property
    def status(self) -> str:
        """``"ready"`` (never started), ``"running"`` or ``"paused"``."""
        if self.running:
            return "running"
        return "paused" if self.accumulated > 0 else "ready"

    def elapsed(self, now: float) -> float:
        """Seconds run so far; a clock set back by the computer never runs backwards."""
        if self.running_since is None:
            return self.accumulated
        return self.accumulated + max(0.0, now - self.running_since)

    def remaining(self, now: float) -> float:
        """Seconds left in the budget; negative once over time."""
        return self.budget_seconds - self.elapsed(now)

    def overtime(self, now: float) -> float:
        """Seconds past the budget (0 while within it)."""
        return max(0.0, -self.remaining(now))

    def fraction_used(self, now: float) -> float:
        """Share of the budget used, capped at 1."""
        return min(1.0, self.elapsed(now) / self.budget_seconds)

    def tone(self, now: float) -> str:
        """``"normal"``, ``"warning"`` in the last minute, ``"over"`` once the budget is spent.

        Examples
        --------
        >>> c = ClockState(300, accumulated=250)
        >>> c.tone(0), ClockState(300, accumulated=301).tone(0), ClockState(300).tone(0)
        ('warning', 'over', 'normal')
        """
        left = self.remaining(now)
        if left <= 0:
            return "over"
        return "warning" if left <= WARNING_SECONDS else "normal"

    def start(self, now: float) -> "ClockState":
        """Start or resume; starting a running clock changes nothing."""
        return self if self.running else replace(self, running_since=now)

    def pause(self, now: float) -> "ClockState":
        """Pause, folding the current run into ``accumulated``; pausing a paused clock changes nothing."""
        if not self.running:
            return self
        return replace(self, accumulated=self.elapsed(now), running_since=None)

    def reset(self) -> "ClockState":
        """Back to the full budget, stopped."""
        return replace(self, accumulated=0.0, running_since=None)


def format_clock(seconds: float) -> str:
    """Format a countdown as ``mm:ss``; negative values (overtime) as ``+mm:ss``.

    Whole seconds are rounded up while counting down, so the display shows ``00:01`` until the
    budget is really spent, and down once over time.

    Examples
    --------
    >>> format_clock(480), format_clock(59.2), format_clock(0), format_clock(-75.9)
    ('08:00', '01:00', '00:00', '+01:15')
    >>> format_clock(3725)
    '62:05'
    """
    import math

    if seconds < 0:
        whole = int(math.floor(-seconds))
        sign = "+"
    else:
        whole = int(math.ceil(seconds))
        sign = ""
    minutes, secs = divmod(whole, 60)
    return f"{sign}{minutes:02d}:{secs:02d}"


def format_elapsed(seconds: float) -> str:
    """Format time used as ``mm:ss``, rounded down: a second counts once it has fully passed.

    The countdown (:func:`format_clock`) rounds up, so the two always add up to the budget.

    Examples
    --------
    >>> format_elapsed(2.9), format_elapsed(0), format_elapsed(125.0)
    ('00:02', '00:00', '02:05')
    >>> format_clock(480 - 2.9), format_elapsed(2.9)   # 07:58 left + 00:02 used = 08:00
    ('07:58', '00:02')
    """
    import math

    minutes, secs = divmod(int(math.floor(max(0.0, seconds))), 60)
    return f"{minutes:02d}:{secs:02d}"
