"""Back-of-the-envelope capacity estimates for steps 1 and 5: traffic, storage, serving, training, A/B tests.

Pure standard library and numpy (pandas only inside :func:`load_hardware`); every function
validates its input and raises ``ValueError`` with a message that says what to fix. Every result
is a frozen dataclass with ``working`` (the multiplications written out with units, one line each)
and ``say()`` (one or two sentences to say in the interview, filled with the numbers).

Conventions
-----------
Time
    A day is 86,400 s (``SECONDS_PER_DAY``, "about 10^5"); a month is 30 days (``DAYS_PER_MONTH``,
    2.592M s, the "2.5 million seconds a month" rule of thumb); a year is 365 days.
Traffic
    ``average = requests per day / 86,400 s``; ``peak = average x peak_factor``. Reads and writes
    split every rate by ``read_share``.
Storage
    Bytes are decimal (1 kB = 1,000 B, 1 PB = 10^15 B) unless a function says ``binary=True``
    (1 KiB = 1,024 B). Stored bytes include every replica: ``records x bytes x replication``.
Compute
    ``peak_tflops`` is the dense (no sparsity) FP16/BF16 tensor throughput from the vendor's
    datasheet; a real job reaches a fraction of it (``efficiency`` when serving, ``mfu``, model
    FLOPs utilisation, when training). Training FLOPs of a transformer are ``6 x parameters x
    tokens`` (Kaplan et al. 2020, "Scaling Laws for Neural Language Models"; Hoffmann et al. 2022,
    "Training Compute-Optimal Large Language Models").
Hardware profiles
    ``data/hardware.csv`` holds a few GPUs and CPU servers (kinds ``gpu`` and ``cpu``, the serving and
    training hardware: ``SERVER_KINDS``) and a few devices a model may run on instead (kinds ``phone``
    and ``edge``, for the step-5 serving-optimisation tool). TFLOPS come from NVIDIA datasheets (CPU,
    phone and edge rows are estimates: cores x clock x FLOPs per cycle). **Prices are approximate
    on-demand cloud list prices per device-hour at the ``as_of`` month**; they change often and differ
    by provider, region and commitment (spot and reserved prices are 30-70% lower). A phone's or an
    edge device's price is its purchase price amortised over 3 years (26,280 hours). Edit the file to
    use your own numbers: :func:`load_hardware` validates it.
A/B tests
    Sample sizes are per arm, two-sided, and rounded up. ``method="power.prop.test"`` reproduces R's
    ``power.prop.test`` (``strict=FALSE``); ``method="baseline-variance"`` is the simpler formula many
    online calculators use (the variance of the baseline rate in both arms). Normal quantiles come
    from :class:`statistics.NormalDist`.
Formatting
    :func:`format_quantity` writes two significant figures, without dropping integer digits
    (3.5K, 35K, 350K, 3.5M). Counts (users, requests, posts, dollars: any unit that is not an SI
    unit) take the short-scale suffixes K, M, B, T straight after the number, the way numbers are
    said aloud ("3.5K req/s", "150M users"). SI units (bytes, bits, FLOPs, watts, hertz; see
    ``SI_UNITS``) take the SI prefixes k, M, G, T, P, E, Z, Y on the unit ("55 PB", "3.1 PFLOP/s");
    ``binary=True`` uses KiB, MiB, GiB, ... (steps of 1,024).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Mapping

import numpy as np

__all__ = [
    "SECONDS_PER_DAY", "DAYS_PER_MONTH", "DAYS_PER_YEAR", "SECONDS_PER_MONTH", "SI_UNITS",
    "Traffic", "traffic", "daily_users_from_monthly", "Storage", "storage", "Bandwidth", "bandwidth",
    "HARDWARE_KINDS", "SERVER_KINDS", "HardwareProfile", "load_hardware", "hardware", "server_profiles", "ServingFleet", "serving_fleet",
    "TrainingCompute", "training_compute", "EmbeddingMemory", "embedding_memory",
    "LatencyBudget", "latency_budget", "ab_sample_size_proportions", "ab_sample_size_mean",
    "minimum_detectable_effect", "ab_test_duration_days", "canary_schedule", "shadow_traffic_cost",
    "format_quantity", "format_bytes",
]

SECONDS_PER_DAY = 86_400
#: Rule of thumb: a month is 30 days (2.592M seconds, "about 2.5 million").
DAYS_PER_MONTH = 30
DAYS_PER_YEAR = 365
SECONDS_PER_MONTH = SECONDS_PER_DAY * DAYS_PER_MONTH

#: Units that take SI prefixes on the unit ("55 PB"); every other unit is a count ("3.5K req/s").
SI_UNITS = frozenset({"B", "B/s", "bit", "bit/s", "b/s", "bps", "FLOP", "FLOPs", "FLOP/s", "FLOPS",
                      "W", "Hz"})

#: Hour of the day (0 = midnight) at which :meth:`Traffic.hourly_profile` peaks: the evening peak.
PEAK_HOUR = 20

_METHODS = ("power.prop.test", "baseline-variance")
_HARDWARE_COLUMNS = ("name", "kind", "peak_tflops", "memory_gb", "price_per_hour_usd", "source", "as_of")
#: The kinds of hardware ``hardware.csv`` may hold, and those a service runs (or trains) on.
HARDWARE_KINDS = ("cpu", "gpu", "phone", "edge")
SERVER_KINDS = ("cpu", "gpu")


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------
def _show(value) -> str:
    """A value as the user typed it, without numpy's ``np.float64(...)`` wrapper."""
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, str):
        return repr(value)
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return repr(value)


def _number(name: str, value, what: str) -> float:
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, str):
        raise ValueError(f"{name} must be {what}, got {_show(value)}.")
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {what}, got {_show(value)}.") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be {what}, got {_show(value)}; replace NaN or infinity with a number.")
    return x


def _positive(name: str, value) -> float:
    x = _number(name, value, "a positive number")
    if x <= 0:
        raise ValueError(f"{name} must be a positive number, got {_show(value)}.")
    return x


def _non_negative(name: str, value) -> float:
    x = _number(name, value, "a number of 0 or more")
    if x < 0:
        raise ValueError(f"{name} must be a number of 0 or more, got {_show(value)}.")
    return x


def _at_least(name: str, value, low: float, meaning: str) -> float:
    x = _number(name, value, f"a number of at least {low:g} ({meaning})")
    if x < low:
        raise ValueError(f"{name} must be at least {low:g} ({meaning}), got {_show(value)}.")
    return x


def _share(name: str, value) -> float:
    """A share of a whole: more than 0 and at most 1 (1 = 100%)."""
    x = _number(name, value, "a share between 0 and 1 (1 = 100%)")
    if not 0 < x <= 1:
        raise ValueError(f"{name} must be a share above 0 and at most 1 (0.25 = 25%), got {_show(value)}.")
    return x


def _share_closed(name: str, value) -> float:
    """A share that may be 0 or 1."""
    x = _number(name, value, "a share between 0 and 1")
    if not 0 <= x <= 1:
        raise ValueError(f"{name} must be a share between 0 and 1 (0.9 = 90%), got {_show(value)}.")
    return x


def _probability_open(name: str, value) -> float:
    """Strictly between 0 and 1 (a rate, alpha or power)."""
    x = _number(name, value, "a number strictly between 0 and 1")
    if not 0 < x < 1:
        raise ValueError(f"{name} must be strictly between 0 and 1 (0.05 = 5%), got {_show(value)}.")
    return x


def _whole(name: str, value, low: int = 1) -> int:
    x = _number(name, value, f"a whole number of at least {low}")
    if x < low or x != int(x):
        raise ValueError(f"{name} must be a whole number of at least {low}, got {_show(value)}.")
    return int(x)


def _one_of(names: tuple[str, str], given: tuple[bool, bool], hint: str) -> None:
    if given[0] == given[1]:
        state = "both" if given[0] else "neither"
        raise ValueError(f"Give exactly one of {names[0]} or {names[1]} ({hint}); got {state}.")


def _ceil(x: float) -> int:
    """Round up, ignoring floating-point noise below one part in 10^9 (so 77.0000000001 is 77)."""
    return int(math.ceil(x * (1 - 1e-9)))


# --------------------------------------------------------------------------------------------
# formatting
# --------------------------------------------------------------------------------------------
def _round_sig(x: float, sig: int = 2) -> float:
    return 0.0 if x == 0 else float(f"{x:.{sig - 1}e}")


def _mantissa(m: float) -> str:
    if m >= 100:
        return f"{m:,.0f}"
    if m >= 10:
        return f"{m:.0f}"
    if m >= 1:
        text = f"{m:.1f}"
        return text[:-2] if text.endswith(".0") else text
    return f"{m:.2g}"


def format_quantity(value, unit: str = "", binary: bool = False) -> str:
    """Write a number the way it is said in an interview: two significant figures and a suffix.

    Parameters
    ----------
    value : number (finite).
    unit : text after the number, e.g. ``"users"``, ``"req/s"``, ``"B"``, ``"FLOP/s"``. Units in
        ``SI_UNITS`` (bytes, bits, FLOPs, watts, hertz) take SI prefixes (k, M, G, T, P, E) on the
        unit; any other unit is a count and takes K (thousand), M (million), B (billion),
        T (trillion) after the number.
    binary : use powers of 1,024 with Ki, Mi, Gi, Ti, Pi, Ei on the unit.

    Returns
    -------
    str : two significant figures, never fewer integer digits (3.5K, 35K, 350K, 3.5M).

    Examples
    --------
    >>> format_quantity(150e6, "users"), format_quantity(3472.2, "req/s")
    ('150M users', '3.5K req/s')
    >>> format_quantity(34_722), format_quantity(347_222), format_quantity(999_600)
    ('35K', '350K', '1M')
    >>> format_quantity(3.1e15, "FLOP/s"), format_quantity(2.5e9)
    ('3.1 PFLOP/s', '2.5B')
    """
    x = _number("value", value, "a finite number")
    sign = "-" if x < 0 else ""
    a = abs(x)
    if binary:
        prefixes, base = ("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"), 1024.0
    elif unit in SI_UNITS:
        prefixes, base = ("", "k", "M", "G", "T", "P", "E", "Z", "Y"), 1000.0
    else:
        prefixes, base = ("", "K", "M", "B", "T"), 1000.0
    k = 0
    if binary:
        while k + 1 < len(prefixes) and a >= base ** (k + 1):
            k += 1
        m = _round_sig(a / base ** k)
        if m >= base and k + 1 < len(prefixes):
            k += 1
            m = _round_sig(a / base ** k)
    else:
        r = _round_sig(a)             # round first, so 999,600 becomes 1M rather than 1,000K
        while k + 1 < len(prefixes) and r >= base ** (k + 1):
            k += 1
        m = r / base ** k
    number = sign + _mantissa(m)
    if binary or unit in SI_UNITS:
        return f"{number} {prefixes[k]}{unit}".rstrip() if unit or prefixes[k] else number
    return number + prefixes[k] + (f" {unit}" if unit else "")


def format_bytes(n, binary: bool = False) -> str:
    """Bytes with decimal (kB, MB, GB, TB, PB, EB) or binary (KiB, MiB, ...) prefixes.

    Examples
    --------
    >>> format_bytes(30e12 * 365 * 5), format_bytes(30e12 * 365 * 5, binary=True)
    ('55 PB', '49 PiB')
    >>> format_bytes(3_372)
    '3.4 kB'
    """
    b = _non_negative("n (bytes)", n)
    return format_quantity(b, "B", binary=binary)


def _g(x: float) -> str:
    """Small input numbers as typed (2, 0.5, 1.25)."""
    return f"{x:g}"


def _replicas(n: int) -> str:
    return f"{n} replica" if n == 1 else f"{n} replicas"


def _devices(n: int) -> str:
    return f"{n} device" if n == 1 else f"{n} devices"


def _sci(x: float) -> str:
    """Large totals in scientific notation, as papers write FLOPs: 3.1e23."""
    text = f"{x:.2g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return f"{mantissa}e{int(exponent)}"


def _duration(hours: float) -> str:
    """Wall-clock time in the unit a person would say: minutes, hours or days."""
    if hours < 1:
        return f"{hours * 60:.2g} minutes"
    if hours < 48:
        return f"{hours:.2g} hours"
    return f"{hours / 24:,.2g} days" if hours < 24 * 100 else f"{hours / 24:,.0f} days"


def _money(x: float) -> str:
    if x < 10:
        return f"${x:.2f}"
    return "$" + (f"{x:,.0f}" if x < 10_000 else format_quantity(x))


# --------------------------------------------------------------------------------------------
# traffic, storage, bandwidth
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Traffic:
    """Requests per day and per second from daily users; see :func:`traffic`."""

    daily_active_users: float
    actions_per_user_per_day: float
    peak_factor: float
    read_share: float
    requests_per_day: float
    requests_per_month: float
    average_rps: float
    peak_rps: float
    read_rps: float
    write_rps: float
    peak_read_rps: float
    peak_write_rps: float
    working: tuple[str, ...] = field(repr=False)

    def say(self) -> str:
        """One sentence for the interview."""
        return (f"{format_quantity(self.daily_active_users)} daily users x {_g(self.actions_per_user_per_day)} "
                f"requests a day is about {format_quantity(self.average_rps, 'requests/s')} on average, "
                f"{format_quantity(self.peak_rps)} at peak ({format_quantity(self.peak_read_rps)} reads/s and "
                f"{format_quantity(self.peak_write_rps)} writes/s at peak).")

    def hourly_profile(self) -> np.ndarray:
        """Requests per second in each hour of a day (index 0 = midnight to 1 am), 24 values.

        Shape: a smooth daily wave peaking at ``PEAK_HOUR`` (20:00) with its trough twelve hours
        earlier, ``rate(h) = average x (b + a x c(h)^k)`` where ``c(h) = (1 + cos(2 pi (h - 20) / 24)) / 2``
        runs from 0 (08:00) to 1 (20:00). ``a`` and ``b`` are solved so that the mean of the 24 values
        is exactly ``average_rps`` and the maximum exactly ``peak_rps``. ``k = 1`` (a plain cosine,
        ``average x (1 + (peak_factor - 1) cos)``) serves peak factors up to 2; a larger peak factor
        uses the smallest whole ``k`` that keeps every hour at or above zero, which narrows the peak.
        A peak factor of 24 or more is impossible with hourly values whose mean is the average (all
        traffic in one hour is 24x): the profile is then clipped to all traffic in the peak hour.

        Examples
        --------
        >>> t = traffic(150e6, 2)
        >>> p = t.hourly_profile()
        >>> p.shape, round(p.mean()), round(p.max()), int(p.argmax())
        ((24,), 3472, 6944, 20)
        """
        hours = np.arange(24)
        c = (1 + np.cos(2 * np.pi * (hours - PEAK_HOUR) / 24)) / 2
        c[np.abs(c) < 1e-15] = 0.0
        target = self.peak_factor
        if target <= 1:
            return np.full(24, self.average_rps)
        if target >= 24:
            profile = np.zeros(24)
            profile[PEAK_HOUR] = 24 * self.average_rps
            return profile
        k = 1
        while True:
            f = c ** k
            m = f.mean()
            if target * m <= 1 + 1e-12 or k > 10_000:
                break
            k += 1
        a = (target - 1) / (1 - m)
        b = target - a
        return self.average_rps * np.maximum(b + a * f, 0.0)


def traffic(daily_active_users, actions_per_user_per_day, peak_factor=2.0, read_share=0.9) -> Traffic:
    """Average and peak requests per second from daily active users.

    ``requests/day = users x actions/user/day``; ``average = requests/day / 86,400 s``;
    ``peak = average x peak_factor``; reads are ``read_share`` of every rate, writes the rest.
    Source: the DAU-to-QPS step of every system design primer (e.g. Alex Xu, *System Design
    Interview*, ch. 2, "Back-of-the-envelope estimation").

    Parameters
    ----------
    daily_active_users : users a day (> 0).
    actions_per_user_per_day : requests per user per day (> 0).
    peak_factor : peak / average, at least 1 (2 is the usual guess; 3-10 for spiky products).
    read_share : share of requests that are reads, 0 to 1.

    Returns
    -------
    Traffic : rates in requests/s (``requests_per_month`` uses a 30-day month).

    Examples
    --------
    >>> t = traffic(150e6, 2)
    >>> round(t.average_rps), round(t.peak_rps)
    (3472, 6944)
    >>> t.working[1]
    '300M / 86,400 s = 3.5K requests/s on average'
    """
    users = _positive("daily_active_users", daily_active_users)
    actions = _positive("actions_per_user_per_day", actions_per_user_per_day)
    peak = _at_least("peak_factor", peak_factor, 1, "peak traffic divided by average traffic")
    reads = _share_closed("read_share", read_share)
    per_day = users * actions
    average = per_day / SECONDS_PER_DAY
    peak_rps = average * peak
    q = format_quantity
    working = (
        f"{q(users, 'users')} x {_g(actions)} requests/user/day = {q(per_day, 'requests/day')}",
        f"{q(per_day)} / 86,400 s = {q(average, 'requests/s')} on average",
        f"{q(average)} x {_g(peak)} (peak factor) = {q(peak_rps, 'requests/s')} at peak",
        f"reads {reads:.0%}: {q(average * reads)}/s on average, {q(peak_rps * reads)}/s at peak; "
        f"writes {1 - reads:.0%}: {q(average * (1 - reads))}/s on average, {q(peak_rps * (1 - reads))}/s at peak",
        f"{q(per_day)} x {DAYS_PER_MONTH} days = {q(per_day * DAYS_PER_MONTH, 'requests/month')}",
    )
    return Traffic(users, actions, peak, reads, per_day, per_day * DAYS_PER_MONTH, average, peak_rps,
                   average * reads, average * (1 - reads), peak_rps * reads, peak_rps * (1 - reads), working)


def daily_users_from_monthly(monthly_active_users, daily_share) -> float:
    """Daily active users = monthly active users x the share of them active on a given day.

    Examples
    --------
    >>> daily_users_from_monthly(300e6, 0.5)    # 300M MAU, half of them daily
    150000000.0
    """
    mau = _positive("monthly_active_users", monthly_active_users)
    return mau * _share("daily_share", daily_share)


@dataclass(frozen=True)
class Storage:
    """Bytes stored per day, per year and over the retention window; see :func:`storage`."""

    records_per_day: float
    bytes_per_record: float
    replication: float
    retention_days: float
    bytes_per_day: float
    bytes_per_year: float
    bytes_retained: float
    breakdown: dict
    working: tuple[str, ...] = field(repr=False)

    def say(self) -> str:
        """One or two sentences for the interview."""
        return (f"Storing {format_quantity(self.records_per_day)} records a day at "
                f"{format_bytes(self.bytes_per_record)} each, {_g(self.replication)} copies, is about "
                f"{format_bytes(self.bytes_per_day)} a day; keeping {_g(self.retention_days)} days means about "
                f"{format_bytes(self.bytes_retained)} in total.")

    def growth(self, years=5) -> tuple[np.ndarray, np.ndarray]:
        """Days since launch (0 to ``years x 365``) and bytes stored on each day.

        Storage grows by ``bytes_per_day`` a day and stays flat once the retention window is full
        (old records are deleted as new ones arrive).

        Examples
        --------
        >>> days, stored = storage(1e6, 1_000, replication=1, retention_days=365).growth(2)
        >>> len(days), float(stored[100]), bool(stored[365] == stored[730])
        (731, 100000000000.0, True)
        """
        y = _positive("years", years)
        days = np.arange(0, int(round(y * DAYS_PER_YEAR)) + 1, dtype=float)
        return days, self.bytes_per_day * np.minimum(days, self.retention_days)


def storage(records_per_day, bytes_per_record=None, breakdown: Mapping[str, float] | None = None,
            replication=3, retention_days=365) -> Storage:
    """Bytes written per day and kept over a retention window, replicas included.

    ``bytes/day = records/day x bytes/record x replication``; ``bytes/year = bytes/day x 365``;
    ``retained = bytes/day x retention_days``. Give the record size either as one number or as a
    ``breakdown`` of its fields (name -> bytes), e.g. ``{"text": 300, "embedding": 768 * 4}``.

    Parameters
    ----------
    records_per_day : records written a day (0 or more).
    bytes_per_record : bytes of one record, or None when ``breakdown`` is given.
    breakdown : dict of field name -> bytes per record, or None.
    replication : copies kept, at least 1 (3 for a replicated store; 1.5 for erasure coding).
    retention_days : days a record is kept (> 0).

    Examples
    --------
    >>> s = storage(150e6 * 2 * 0.10, bytes_per_record=1e6, replication=1, retention_days=5 * 365)
    >>> format_bytes(s.bytes_per_day), format_bytes(s.bytes_retained)
    ('30 TB', '55 PB')
    >>> storage(1e6, breakdown={"text": 300, "embedding": 768 * 4}).working[0]
    'text 300 B + embedding 3.1 kB = 3.4 kB per record'
    """
    records = _non_negative("records_per_day", records_per_day)
    _one_of(("bytes_per_record", "breakdown"), (bytes_per_record is not None, breakdown is not None),
            "one number for the whole record, or a dict of field -> bytes")
    if breakdown is not None:
        if not isinstance(breakdown, Mapping) or not breakdown:
            raise ValueError("breakdown must be a non-empty dict of field name -> bytes per record, "
                             "e.g. {'text': 300, 'embedding': 3072}.")
        parts = {str(k): _non_negative(f"breakdown[{k!r}]", v) for k, v in breakdown.items()}
        size = sum(parts.values())
        if size <= 0:
            raise ValueError("breakdown adds up to 0 bytes per record; give at least one field a positive size.")
    else:
        size = _positive("bytes_per_record", bytes_per_record)
        parts = {"record": size}
    copies = _at_least("replication", replication, 1, "1 = a single copy")
    keep = _positive("retention_days", retention_days)
    per_day = records * size * copies
    working = []
    if len(parts) > 1:
        working.append(" + ".join(f"{k} {format_bytes(v)}" for k, v in parts.items())
                       + f" = {format_bytes(size)} per record")
    working += [
        f"{format_quantity(records, 'records/day')} x {format_bytes(size)} x {_g(copies)} replicas "
        f"= {format_bytes(per_day)}/day",
        f"{format_bytes(per_day)}/day x {DAYS_PER_YEAR} days = {format_bytes(per_day * DAYS_PER_YEAR)}/year",
        f"{format_bytes(per_day)}/day x {_g(keep)} days kept = {format_bytes(per_day * keep)} retained",
    ]
    return Storage(records, size, copies, keep, per_day, per_day * DAYS_PER_YEAR, per_day * keep,
                   dict(parts), tuple(working))


@dataclass(frozen=True)
class Bandwidth:
    """Network bytes per second in and out; see :func:`bandwidth`."""

    ingress_bytes_per_s: float
    egress_bytes_per_s: float
    peak_ingress_bytes_per_s: float
    peak_egress_bytes_per_s: float
    working: tuple[str, ...] = field(repr=False)

    def say(self) -> str:
        """One sentence for the interview."""
        return (f"That is about {format_bytes(self.ingress_bytes_per_s)}/s in and "
                f"{format_bytes(self.egress_bytes_per_s)}/s out on average, "
                f"{format_bytes(self.peak_egress_bytes_per_s)}/s out at peak "
                f"({format_quantity(self.peak_egress_bytes_per_s * 8, 'bit/s')}).")


def bandwidth(traffic: Traffic, request_bytes, response_bytes) -> Bandwidth:
    """Ingress and egress bytes per second: every request carries ``request_bytes`` in and ``response_bytes`` out.

    ``ingress = requests/s x request_bytes``; ``egress = requests/s x response_bytes``; the peaks use
    the peak rate. Multiply by 8 for bits per second (network links are sold in bit/s).

    Examples
    --------
    >>> b = bandwidth(traffic(150e6, 2), request_bytes=1_000, response_bytes=10_000)
    >>> format_bytes(b.ingress_bytes_per_s), format_bytes(b.peak_egress_bytes_per_s)
    ('3.5 MB', '69 MB')
    """
    if not isinstance(traffic, Traffic):
        raise ValueError("traffic must be the result of traffic(...), e.g. bandwidth(traffic(150e6, 2), 1_000, 10_000).")
    req = _non_negative("request_bytes", request_bytes)
    resp = _non_negative("response_bytes", response_bytes)
    t = traffic
    working = (
        f"{format_quantity(t.average_rps, 'requests/s')} x {format_bytes(req)} = {format_bytes(t.average_rps * req)}/s in",
        f"{format_quantity(t.average_rps, 'requests/s')} x {format_bytes(resp)} = {format_bytes(t.average_rps * resp)}/s out",
        f"at peak ({format_quantity(t.peak_rps, 'requests/s')}): {format_bytes(t.peak_rps * req)}/s in, "
        f"{format_bytes(t.peak_rps * resp)}/s out",
    )
    return Bandwidth(t.average_rps * req, t.average_rps * resp, t.peak_rps * req, t.peak_rps * resp, working)


# --------------------------------------------------------------------------------------------
# hardware profiles
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class HardwareProfile:
    """One row of ``data/hardware.csv``: a device, its dense FP16/BF16 peak, memory and hourly price."""

    name: str
    kind: str
    peak_tflops: float
    memory_gb: float
    price_per_hour_usd: float
    source: str
    as_of: str


def load_hardware(path=None):
    """Read and validate the hardware profiles (``data/hardware.csv``) as a pandas DataFrame.

    Columns: name, kind (one of ``HARDWARE_KINDS``: ``cpu``, ``gpu``, ``phone``, ``edge``), peak_tflops,
    memory_gb, price_per_hour_usd (positive numbers), source (where the numbers come from), as_of
    (``YYYY-MM``). Prices are approximate on-demand list prices (phones and edge devices: the purchase
    price amortised over 3 years); edit the file for your provider. A bad row raises ``ValueError``
    naming its line (the header is line 1) and field.

    Parameters
    ----------
    path : another CSV with the same columns; default the workbook's ``hardware.csv``.

    Examples
    --------
    >>> profiles = load_hardware()
    >>> list(profiles.columns)
    ['name', 'kind', 'peak_tflops', 'memory_gb', 'price_per_hour_usd', 'source', 'as_of']
    >>> float(profiles.set_index("name").loc["NVIDIA T4", "peak_tflops"])
    65.0
    """
    import pandas as pd

    if path is None:
        from widgets.practice.data import data_path
        path = data_path("hardware.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    name = getattr(path, "name", str(path))
    if tuple(frame.columns) != _HARDWARE_COLUMNS:
        raise ValueError(f"{name} must have the columns {','.join(_HARDWARE_COLUMNS)} "
                         f"(in that order), found {','.join(map(str, frame.columns))}.")
    if frame.empty:
        raise ValueError(f"{name} has no hardware rows; add at least one.")
    seen: set[str] = set()
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        where = f"{name} line {i}"
        label = row.name.strip()
        if not label:
            raise ValueError(f"{where}: name is empty; give the device a name.")
        if label in seen:
            raise ValueError(f"{where}: name {label!r} appears twice; names must be unique.")
        seen.add(label)
        if row.kind.strip() not in HARDWARE_KINDS:
            raise ValueError(f"{where}: kind must be 'cpu', 'gpu', 'phone' or 'edge', got {row.kind!r}.")
        for column in ("peak_tflops", "memory_gb", "price_per_hour_usd"):
            text = getattr(row, column).strip()
            try:
                value = float(text)
            except ValueError:
                value = float("nan")
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{where}: {column} must be a positive number, got {text!r}.")
        if not row.source.strip():
            raise ValueError(f"{where}: source is empty; say where the numbers come from.")
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", row.as_of.strip()):
            raise ValueError(f"{where}: as_of must be a YYYY-MM month such as 2025-06, got {row.as_of!r}.")
    frame = frame.apply(lambda column: column.str.strip())
    for column in ("peak_tflops", "memory_gb", "price_per_hour_usd"):
        frame[column] = frame[column].astype(float)
    return frame


def hardware(name) -> HardwareProfile:
    """The hardware profile called ``name`` (exact name from ``hardware.csv``).

    Examples
    --------
    >>> h = hardware("NVIDIA A100 80GB")
    >>> h.kind, h.peak_tflops, h.memory_gb
    ('gpu', 312.0, 80.0)
    """
    if isinstance(name, HardwareProfile):
        return name
    profiles = load_hardware()
    match = profiles[profiles["name"] == str(name).strip()]
    if match.empty:
        raise ValueError(f"Unknown hardware {name!r}; known: {', '.join(profiles['name'])} "
                         "(or add a row to hardware.csv).")
    row = match.iloc[0]
    return HardwareProfile(row["name"], row["kind"], float(row["peak_tflops"]), float(row["memory_gb"]),
                           float(row["price_per_hour_usd"]), row["source"], row["as_of"])


def server_profiles(path=None) -> dict[str, HardwareProfile]:
    """The servers of ``data/hardware.csv`` (kinds ``SERVER_KINDS``: a fleet is served and a model trained on
    them; the phones and edge devices are for on-device serving) by name, in file order, read once per call.

    Examples
    --------
    >>> server_profiles()["NVIDIA L4"].memory_gb
    24.0
    """
    frame = load_hardware(path)
    return {row.name: HardwareProfile(row.name, row.kind, float(row.peak_tflops), float(row.memory_gb),
                                      float(row.price_per_hour_usd), row.source, row.as_of)
            for row in frame.itertuples(index=False) if row.kind in SERVER_KINDS}


def _profile(value) -> HardwareProfile:
    if isinstance(value, HardwareProfile):
        return value
    if not isinstance(value, str):
        raise ValueError(f"hardware must be a HardwareProfile or the name of one, got {_show(value)}.")
    return hardware(value)


# --------------------------------------------------------------------------------------------
# serving and training
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ServingFleet:
    """Replicas to serve a peak load, whether the model fits, and the monthly bill; see :func:`serving_fleet`."""

    peak_rps: float
    hardware: HardwareProfile
    batch_size: float
    latency_ms: float | None
    flops_per_request: float | None
    efficiency: float
    target_utilisation: float
    redundancy: float
    throughput_per_replica_rps: float
    replicas: int
    replicas_total: int
    memory_needed_gb: float
    fits_in_memory: bool
    monthly_cost_usd: float
    working: tuple[str, ...] = field(repr=False)

    def say(self) -> str:
        """One or two sentences for the interview."""
        fits = ("fit in" if self.fits_in_memory else "do NOT fit in")
        return (f"At {format_quantity(self.peak_rps, 'requests/s')} peak and "
                f"{format_quantity(self.throughput_per_replica_rps, 'requests/s')} per {self.hardware.name}, "
                f"I need {_replicas(self.replicas)} at {self.target_utilisation:.0%} utilisation, "
                f"{self.replicas_total} with {self.redundancy:.0%} spare, about "
                f"{_money(self.monthly_cost_usd)} a month. The model and caches ({self.memory_needed_gb:g} GB) "
                f"{fits} its {self.hardware.memory_gb:g} GB.")


def serving_fleet(peak_rps, hardware, latency_ms=None, batch_size=1, flops_per_request=None, efficiency=0.3,
                  target_utilisation=0.6, redundancy=0.25, model_gb=0.0, cache_gb=0.0) -> ServingFleet:
    """Replicas needed to serve the peak, with headroom and spare capacity, and what they cost a month.

    Throughput of one replica comes from exactly one of:

    - ``latency_ms``, the measured latency of one batch of ``batch_size`` requests:
      ``throughput = batch_size / (latency_ms / 1000)``;
    - ``flops_per_request``: ``throughput = peak_tflops x 10^12 x efficiency / flops_per_request``.

    ``replicas = ceil(peak_rps / (throughput x target_utilisation))``;
    ``replicas_total = ceil(replicas x (1 + redundancy))``;
    ``monthly cost = replicas_total x price/hour x 24 x 30``. Memory needed per replica is
    ``model_gb + cache_gb``, compared with the device's memory.

    Parameters
    ----------
    peak_rps : peak requests per second (> 0).
    hardware : a :class:`HardwareProfile` or its name in ``hardware.csv``.
    latency_ms, batch_size : measured latency of one batch, and the batch size (>= 1).
    flops_per_request : model FLOPs of one request (e.g. 2 x parameters for one forward pass).
    efficiency : share of the peak FLOPS reached, (0, 1].
    target_utilisation : how busy a replica may run at peak, (0, 1]; below 1 leaves headroom for bursts.
    redundancy : spare replicas as a share of the needed ones (0.25 = +25%; N+1 for failures, zones).
    model_gb, cache_gb : memory per replica, 0 or more.

    Examples
    --------
    >>> f = serving_fleet(5_000, "NVIDIA T4", latency_ms=20, batch_size=8)
    >>> f.throughput_per_replica_rps, f.replicas, f.replicas_total
    (400.0, 21, 27)
    >>> round(f.monthly_cost_usd)     # 27 x $0.526/h x 24 h x 30 days
    10225
    """
    peak = _positive("peak_rps", peak_rps)
    device = _profile(hardware)
    _one_of(("latency_ms", "flops_per_request"), (latency_ms is not None, flops_per_request is not None),
            "a measured batch latency, or the model FLOPs of one request")
    batch = _at_least("batch_size", batch_size, 1, "requests in one batch")
    eff = _share("efficiency", efficiency)
    util = _share("target_utilisation", target_utilisation)
    spare = _non_negative("redundancy", redundancy)
    model = _non_negative("model_gb", model_gb)
    cache = _non_negative("cache_gb", cache_gb)
    q = format_quantity
    if latency_ms is not None:
        latency = _positive("latency_ms", latency_ms)
        flops = None
        throughput = batch / (latency / 1000)
        how = f"{_g(batch)} requests per batch / {_g(latency)} ms = {q(throughput, 'requests/s')} per replica"
    else:
        latency = None
        flops = _positive("flops_per_request", flops_per_request)
        throughput = device.peak_tflops * 1e12 * eff / flops
        how = (f"{_g(device.peak_tflops)} TFLOPS x {eff:.0%} efficiency / {q(flops, 'FLOP')} per request "
               f"= {q(throughput, 'requests/s')} per replica")
    replicas = max(1, _ceil(peak / (throughput * util)))
    total = max(replicas, _ceil(replicas * (1 + spare)))
    memory = model + cache
    cost = total * device.price_per_hour_usd * 24 * DAYS_PER_MONTH
    working = (
        how,
        f"{q(peak, 'requests/s')} / ({q(throughput)} x {util:.0%} utilisation) = {_replicas(replicas)}",
        f"{replicas} x (1 + {spare:.0%} spare) = {_replicas(total)}",
        f"{model:g} GB model + {cache:g} GB cache = {memory:g} GB vs {device.memory_gb:g} GB on a {device.name}",
        f"{total} x ${device.price_per_hour_usd:g}/h x 24 h x {DAYS_PER_MONTH} days = {_money(cost)}/month",
    )
    return ServingFleet(peak, device, batch, latency, flops, eff, util, spare, throughput, replicas, total,
                        memory, memory <= device.memory_gb, cost, working)


@dataclass(frozen=True)
class TrainingCompute:
    """Total FLOPs, device-hours, wall-clock hours and cost of a training run; see :func:`training_compute`."""

    hardware: HardwareProfile
    total_flops: float
    device_hours: float
    wall_hours: float
    cost_usd: float
    n_devices: int
    mfu: float
    working: tuple[str, ...] = field(repr=False)

    def say(self) -> str:
        """One sentence for the interview."""
        return (f"Training takes about {_sci(self.total_flops)} FLOPs, which is "
                f"{format_quantity(self.device_hours)} {self.hardware.name}-hours at {self.mfu:.0%} MFU: "
                f"{_duration(self.wall_hours)} on {_devices(self.n_devices)}, about {_money(self.cost_usd)}.")


def training_compute(hardware, n_devices=8, mfu=0.4, samples=None, epochs=1, flops_per_sample=None,
                     parameters=None, tokens=None) -> TrainingCompute:
    """FLOPs, time and cost of one training run.

    Give exactly one of

    - ``samples`` and ``flops_per_sample`` (forward + backward FLOPs of one sample):
      ``total = samples x epochs x flops_per_sample``;
    - ``parameters`` and ``tokens`` (a transformer): ``total = 6 x parameters x tokens``
      (2 FLOPs per parameter per token forward, 4 backward; Kaplan et al. 2020, Hoffmann et al. 2022).

    ``device_hours = total / (peak_tflops x 10^12 x mfu) / 3600``; ``wall_hours = device_hours /
    n_devices`` (perfect scaling); ``cost = device_hours x price/hour``.

    Examples
    --------
    >>> run = training_compute("NVIDIA A100 80GB", n_devices=1024, mfu=0.4, parameters=175e9, tokens=300e9)
    >>> f"{run.total_flops:.3g}"      # GPT-3: 3.14e23 FLOPs in Brown et al. (2020)
    '3.15e+23'
    >>> round(run.wall_hours / 24, 1)
    28.5
    """
    device = _profile(hardware)
    devices = _whole("n_devices", n_devices)
    utilisation = _share("mfu", mfu)
    per_sample = samples is not None or flops_per_sample is not None
    per_token = parameters is not None or tokens is not None
    _one_of(("samples with flops_per_sample", "parameters with tokens"), (per_sample, per_token),
            "samples x epochs x FLOPs per sample, or 6 x parameters x tokens for a transformer")
    if per_sample:
        if samples is None or flops_per_sample is None:
            raise ValueError("Give samples and flops_per_sample together (total = samples x epochs x flops_per_sample).")
        n = _positive("samples", samples)
        passes = _positive("epochs", epochs)
        fps = _positive("flops_per_sample", flops_per_sample)
        total = n * passes * fps
        first = (f"{format_quantity(n, 'samples')} x {_g(passes)} epochs x {_sci(fps)} FLOP/sample "
                 f"= {_sci(total)} FLOP")
    else:
        if parameters is None or tokens is None:
            raise ValueError("Give parameters and tokens together (total = 6 x parameters x tokens).")
        p = _positive("parameters", parameters)
        t = _positive("tokens", tokens)
        total = 6 * p * t
        first = f"6 x {format_quantity(p, 'parameters')} x {format_quantity(t, 'tokens')} = {_sci(total)} FLOP"
    rate = device.peak_tflops * 1e12 * utilisation
    device_hours = total / rate / 3600
    wall = device_hours / devices
    cost = device_hours * device.price_per_hour_usd
    working = (
        first,
        f"{_g(device.peak_tflops)} TFLOPS x {utilisation:.0%} MFU = {format_quantity(rate, 'FLOP/s')} per device",
        f"{_sci(total)} FLOP / {format_quantity(rate, 'FLOP/s')} / 3,600 s "
        f"= {format_quantity(device_hours)} device-hours",
        f"{format_quantity(device_hours)} device-hours / {_devices(devices)} = {_duration(wall)} wall clock",
        f"{format_quantity(device_hours)} device-hours x ${device.price_per_hour_usd:g}/h = {_money(cost)}",
    )
    return TrainingCompute(device, total, device_hours, wall, cost, devices, utilisation, working)


@dataclass(frozen=True)
class EmbeddingMemory:
    """Bytes of an embedding table, for serving and for training; see :func:`embedding_memory`."""

    entities: float
    dimension: int
    bytes_per_value: float
    optimizer_states: int
    table_bytes: float
    training_bytes: float
    working: tuple[str, ...] = field(repr=False)

    def say(self) -> str:
        """One sentence for the interview."""
        extra = (f"; training with {self.optimizer_states} optimizer states per value needs "
                 f"{format_bytes(self.training_bytes)}" if self.optimizer_states else "")
        return (f"{format_quantity(self.entities)} embeddings of {self.dimension} dimensions at "
                f"{_g(self.bytes_per_value)} bytes a value take {format_bytes(self.table_bytes)}{extra}.")


def embedding_memory(entities, dimension, bytes_per_value=4, optimizer_states=0) -> EmbeddingMemory:
    """Memory of an embedding table: ``entities x dimension x bytes_per_value``.

    Training also keeps optimizer state per value: ``training = table x (1 + optimizer_states)``.
    Adam keeps 2 states (first and second moments), so its table takes 3x; SGD with momentum 1,
    plain SGD 0. Gradients of the rows in a batch are small next to the table and are left out.
    ``bytes_per_value`` is 4 for float32, 2 for float16/bfloat16, 1 for int8.

    Examples
    --------
    >>> e = embedding_memory(100e6, 64, bytes_per_value=4, optimizer_states=2)   # Adam
    >>> format_bytes(e.table_bytes), format_bytes(e.training_bytes)
    ('26 GB', '77 GB')
    """
    n = _positive("entities", entities)
    dim = _whole("dimension", dimension)
    width = _positive("bytes_per_value", bytes_per_value)
    states = _whole("optimizer_states", optimizer_states, low=0)
    table = n * dim * width
    working = (
        f"{format_quantity(n, 'entities')} x {dim} dimensions x {_g(width)} B = {format_bytes(table)}",
        f"{format_bytes(table)} x (1 + {states} optimizer states) = {format_bytes(table * (1 + states))} for training",
    )
    return EmbeddingMemory(n, dim, width, states, table, table * (1 + states), working)


@dataclass(frozen=True)
class LatencyBudget:
    """Stages of a request added up against a target; see :func:`latency_budget`."""

    stages: tuple[tuple[str, float], ...]
    total_ms: float
    target_ms: float
    slack_ms: float
    within: bool
    working: tuple[str, ...] = field(repr=False)

    def say(self) -> str:
        """One sentence for the interview."""
        slowest = max(self.stages, key=lambda s: s[1])
        if self.within:
            return (f"The stages add up to {self.total_ms:g} ms of the {self.target_ms:g} ms budget, leaving "
                    f"{self.slack_ms:g} ms; the largest share is {slowest[0]} at {slowest[1]:g} ms.")
        return (f"The stages add up to {self.total_ms:g} ms, {-self.slack_ms:g} ms over the {self.target_ms:g} ms "
                f"budget; I would start by cutting {slowest[0]} ({slowest[1]:g} ms).")


def latency_budget(stages: Mapping[str, float], target_ms) -> LatencyBudget:
    """Add up the latency of sequential stages and compare with the target.

    ``total = sum of stages``; ``slack = target - total`` (negative when over budget).

    Examples
    --------
    >>> b = latency_budget({"retrieval": 20, "features": 15, "ranking": 40, "network": 10}, 100)
    >>> b.total_ms, b.slack_ms, b.within
    (85.0, 15.0, True)
    """
    if not isinstance(stages, Mapping) or not stages:
        raise ValueError("stages must be a non-empty dict of stage name -> milliseconds, e.g. {'ranking': 40}.")
    parts = tuple((str(k), _non_negative(f"stage {k!r} (ms)", v)) for k, v in stages.items())
    target = _positive("target_ms", target_ms)
    total = sum(ms for _, ms in parts)
    slack = target - total
    working = (
        " + ".join(f"{k} {ms:g} ms" for k, ms in parts) + f" = {total:g} ms",
        f"{target:g} ms target - {total:g} ms = {slack:g} ms " + ("to spare" if slack >= 0 else "over budget"),
    )
    return LatencyBudget(parts, total, target, slack, total <= target, working)


# --------------------------------------------------------------------------------------------
# A/B testing and rollout
# --------------------------------------------------------------------------------------------
def _z(p: float) -> float:
    return NormalDist().inv_cdf(p)


def _n_proportions(p1: float, p2: float, alpha: float, power: float, method: str) -> float:
    """Continuous (unrounded) sample size per arm."""
    za, zb = _z(1 - alpha / 2), _z(power)
    d = abs(p2 - p1)
    if method == "baseline-variance":
        return (za + zb) ** 2 * 2 * p1 * (1 - p1) / d ** 2
    pbar = (p1 + p2) / 2
    return (za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / d ** 2


def _check_method(method) -> str:
    if method not in _METHODS:
        raise ValueError(f"method must be 'power.prop.test' or 'baseline-variance', got {method!r}.")
    return method


def ab_sample_size_proportions(baseline_rate, minimum_detectable_effect, relative=False, alpha=0.05, power=0.8,
                               method="power.prop.test") -> int:
    """Users per arm to detect a change in a rate (click-through, conversion), rounded up.

    ``p1 = baseline_rate``; ``p2 = p1 + mde`` (absolute) or ``p1 x (1 + mde)`` (``relative=True``).
    With ``z_a = z(1 - alpha/2)``, ``z_b = z(power)``, ``pbar = (p1 + p2) / 2``:

    - ``"power.prop.test"`` (R's ``stats::power.prop.test``, two-sided, ``strict=FALSE``):
      ``n = (z_a sqrt(2 pbar (1 - pbar)) + z_b sqrt(p1 q1 + p2 q2))^2 / (p2 - p1)^2``. R finds n with
      ``uniroot`` from its power ``pnorm((sqrt(n) |p1 - p2| - z_a sqrt((p1 + p2)(1 - (p1 + p2)/2))) /
      sqrt(p1 q1 + p2 q2))``; since ``(p1 + p2)(1 - (p1 + p2)/2) = 2 pbar qbar``, setting that power to
      ``power`` and solving for n gives exactly this formula (76.7069 for R's docs example ``p1 = 0.5,
      p2 = 0.75, power = 0.9``). The often-quoted 76.65294 for the same inputs is a different method:
      statsmodels' ``NormalIndPower`` (and R's ``pwr.2p.test``) with Cohen's arcsine effect size ``h``.
    - ``"baseline-variance"``: ``n = (z_a + z_b)^2 x 2 p1 (1 - p1) / (p2 - p1)^2``, the formula of many
      online calculators and of the "16 p (1 - p) / delta^2" rule of thumb (``2 (1.96 + 0.84)^2 = 15.7``).
      It assumes both arms have the baseline's variance; it is close to power.prop.test for small lifts.

    Examples
    --------
    >>> ab_sample_size_proportions(0.50, 0.25, power=0.90)        # R's docs example: n = 76.7
    77
    >>> ab_sample_size_proportions(0.05, 0.10, relative=True)     # 5% -> 5.5%
    31234
    >>> ab_sample_size_proportions(0.05, 0.10, relative=True, method="baseline-variance")
    29826
    """
    p1 = _probability_open("baseline_rate", baseline_rate)
    mde = _number("minimum_detectable_effect", minimum_detectable_effect, "a non-zero number")
    if mde == 0:
        raise ValueError("minimum_detectable_effect must not be 0; give the smallest change worth detecting, "
                         "e.g. 0.01 (absolute) or 0.05 with relative=True.")
    a = _probability_open("alpha", alpha)
    pw = _probability_open("power", power)
    _check_method(method)
    p2 = p1 * (1 + mde) if relative else p1 + mde
    if not 0 < p2 < 1:
        kind = "baseline_rate x (1 + minimum_detectable_effect)" if relative else "baseline_rate + minimum_detectable_effect"
        raise ValueError(f"The treatment rate {kind} = {p2:g} must be strictly between 0 and 1; "
                         "use a smaller minimum_detectable_effect.")
    return _ceil(_n_proportions(p1, p2, a, pw, method))


def ab_sample_size_mean(std, minimum_detectable_effect, alpha=0.05, power=0.8) -> int:
    """Users per arm to detect a change ``delta`` in a mean (revenue, watch time), rounded up.

    ``n = 2 (z(1 - alpha/2) + z(power))^2 sd^2 / delta^2`` (normal approximation). R's
    ``power.t.test`` solves the same equation with the t distribution, which adds about one user
    per arm at small n (for ``sd = 1, delta = 1, power = 0.9`` R gives 22.02, this gives 21.01) and
    makes no difference at A/B-test sizes.

    Examples
    --------
    >>> ab_sample_size_mean(std=30.0, minimum_detectable_effect=0.5)     # 30-min sd, detect 0.5 min
    56512
    """
    sd = _positive("std", std)
    delta = _number("minimum_detectable_effect", minimum_detectable_effect, "a non-zero number")
    if delta == 0:
        raise ValueError("minimum_detectable_effect must not be 0; give the smallest change in the mean worth detecting.")
    a = _probability_open("alpha", alpha)
    pw = _probability_open("power", power)
    return _ceil(2 * (_z(1 - a / 2) + _z(pw)) ** 2 * sd ** 2 / delta ** 2)


def minimum_detectable_effect(baseline_rate, n_per_arm, alpha=0.05, power=0.8, method="power.prop.test") -> float:
    """Smallest absolute increase of a rate that ``n_per_arm`` users per arm detect.

    Solves the sample-size equation of :func:`ab_sample_size_proportions` for ``p2 - p1`` by bisection
    (to far below 1e-9); the inverse of that function, so
    ``ab_sample_size_proportions(p, minimum_detectable_effect(p, n)) == n``.

    Examples
    --------
    >>> round(minimum_detectable_effect(0.5, 77, power=0.9), 4)    # just under R's 0.25 for n = 76.65
    0.2496
    >>> ab_sample_size_proportions(0.05, minimum_detectable_effect(0.05, 10_000))
    10000
    """
    p1 = _probability_open("baseline_rate", baseline_rate)
    n = _positive("n_per_arm", n_per_arm)
    a = _probability_open("alpha", alpha)
    pw = _probability_open("power", power)
    _check_method(method)
    lo, hi = 0.0, 1.0 - p1
    top = math.nextafter(1.0, 0.0)
    if _n_proportions(p1, top, a, pw, method) > n:
        raise ValueError(f"n_per_arm = {_show(n_per_arm)} is too small to detect even a rise from "
                         f"{p1:g} to 1; increase n_per_arm.")
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid <= lo or mid >= hi:
            break
        if _n_proportions(p1, p1 + mid, a, pw, method) > n:
            lo = mid
        else:
            hi = mid
    return hi


def ab_test_duration_days(n_per_arm, daily_users, allocated_share=1.0, arms=2) -> int:
    """Days to reach ``n_per_arm`` users in every arm: ``ceil(n_per_arm x arms / (daily_users x allocated_share))``.

    Counts each user once (new users a day); round up to whole weeks in practice to cover weekly cycles.

    Examples
    --------
    >>> ab_test_duration_days(31_234, 1e6, allocated_share=0.01)
    7
    """
    n = _positive("n_per_arm", n_per_arm)
    users = _positive("daily_users", daily_users)
    share = _share("allocated_share", allocated_share)
    k = _whole("arms", arms, low=2)
    return _ceil(n * k / (users * share))


def canary_schedule(daily_users, stages=(0.01, 0.05, 0.25, 0.5, 1.0), hours_per_stage=24) -> list[dict]:
    """A staged rollout: the share of users on the new model at each stage and when it runs.

    Each stage is a dict ``{stage (1-based), share, users_exposed_per_day, start_hour, end_hour}``,
    with ``users_exposed_per_day = daily_users x share`` and stages back to back, ``hours_per_stage``
    each, from hour 0.

    Examples
    --------
    >>> [(s["share"], s["users_exposed_per_day"], s["end_hour"]) for s in canary_schedule(1e6, (0.01, 0.1, 1.0))]
    [(0.01, 10000.0, 24.0), (0.1, 100000.0, 48.0), (1.0, 1000000.0, 72.0)]
    """
    users = _positive("daily_users", daily_users)
    hours = _positive("hours_per_stage", hours_per_stage)
    try:
        shares = [_share(f"stages[{i}]", s) for i, s in enumerate(stages)]
    except TypeError:
        raise ValueError("stages must be a list of shares such as (0.01, 0.05, 0.25, 1.0).") from None
    if not shares:
        raise ValueError("stages must hold at least one share, e.g. (0.01, 0.05, 0.25, 1.0).")
    if any(b <= a for a, b in zip(shares, shares[1:])):
        raise ValueError(f"stages must increase from one stage to the next, got {tuple(shares)}.")
    return [{"stage": i + 1, "share": s, "users_exposed_per_day": users * s,
             "start_hour": i * hours, "end_hour": (i + 1) * hours} for i, s in enumerate(shares)]


def shadow_traffic_cost(fleet: ServingFleet, shadow_share=1.0) -> dict:
    """Extra replicas and monthly cost to mirror ``shadow_share`` of live traffic to a candidate model.

    The candidate answers (and its answers are discarded) for that share of the traffic, so it needs
    that share of the fleet again: ``extra = ceil(replicas_total x shadow_share)``, priced like the fleet.

    Examples
    --------
    >>> fleet = serving_fleet(5_000, "NVIDIA T4", latency_ms=20, batch_size=8)
    >>> shadow_traffic_cost(fleet, 0.5)
    {'extra_replicas': 14, 'extra_monthly_cost_usd': 5302.08}
    """
    if not isinstance(fleet, ServingFleet):
        raise ValueError("fleet must be the result of serving_fleet(...).")
    share = _share("shadow_share", shadow_share)
    extra = _ceil(fleet.replicas_total * share)
    cost = extra * fleet.hardware.price_per_hour_usd * 24 * DAYS_PER_MONTH
    return {"extra_replicas": extra, "extra_monthly_cost_usd": round(cost, 2)}


@dataclass(frozen=True)
class RolloutPlan:
    """An A/B test's size and duration, a canary schedule and, given a fleet, the cost of shadowing first.

    ``users_per_arm`` is users (R's ``power.prop.test`` or the baseline-variance formula, see
    :func:`ab_sample_size_proportions`), ``days`` whole days (:func:`ab_test_duration_days`),
    ``baseline_rate`` and ``treated_rate`` are proportions, ``shadow`` is
    :func:`shadow_traffic_cost`'s result (``None`` without a fleet).
    """

    baseline_rate: float
    relative_lift: float
    treated_rate: float
    alpha: float
    power: float
    method: str
    daily_users: float
    allocated_share: float
    users_per_arm: int
    days: int
    canary: tuple
    shadow_share: float
    shadow: dict | None
    working: tuple[str, ...] = field(repr=False)

    def say(self) -> str:
        """The sentence to say in the interview, filled with these numbers."""
        text = (f"To detect a {self.relative_lift:.0%} relative lift on a {self.baseline_rate:.1%} baseline "
                f"(alpha {self.alpha:g}, power {self.power:.0%}) I need about {self.users_per_arm:,} users per arm; "
                f"with {self.allocated_share:.0%} of {format_quantity(self.daily_users)} daily users in the test "
                f"that is {self.days} day{'s' if self.days != 1 else ''}"
                + (", but I would still run it a full week to cover weekly cycles." if self.days < 7 else
                   "; if that is too long, test a larger share of traffic or a bigger effect."))
        if self.shadow is not None:
            text += (f" Shadowing {self.shadow_share:.0%} of traffic first costs about "
                     f"${self.shadow['extra_monthly_cost_usd']:,.0f} a month.")
        return text


def rollout_plan(baseline_rate, minimum_detectable_effect, daily_users, allocated_share=0.1, alpha=0.05, power=0.8,
                 method="power.prop.test", fleet: ServingFleet | None = None, shadow_share=1.0) -> RolloutPlan:
    """Plan a rollout: users per arm for a *relative* ``minimum_detectable_effect``, days at
    ``allocated_share`` of ``daily_users``, the default canary schedule and, with ``fleet``, shadow cost.

    Examples
    --------
    >>> plan = rollout_plan(0.05, 0.05, 1e6, allocated_share=0.1)
    >>> plan.users_per_arm, plan.days, round(plan.treated_rate, 4)
    (122124, 3, 0.0525)
    >>> plan.say().endswith("cover weekly cycles.")
    True
    """
    n = ab_sample_size_proportions(baseline_rate, minimum_detectable_effect, relative=True, alpha=alpha, power=power,
                                   method=method)
    days = ab_test_duration_days(n, daily_users, allocated_share)
    base = float(baseline_rate)
    treated = base * (1 + float(minimum_detectable_effect))
    shadow = shadow_traffic_cost(fleet, shadow_share) if fleet is not None else None
    working = [f"users per arm: {n:,} ({method}, alpha {float(alpha):g}, power {float(power):.0%})",
               f"days: ceil({n:,} x 2 arms / ({format_quantity(daily_users)} users/day x {float(allocated_share):.0%})) "
               f"= {days}",
               f"absolute change detected: {base:.2%} to {treated:.2%}"]
    if shadow is not None:
        working.append(f"shadow: ceil({fleet.replicas_total} replicas x {float(shadow_share):.0%}) = "
                       f"{shadow['extra_replicas']} extra, ${shadow['extra_monthly_cost_usd']:,.0f} a month")
    return RolloutPlan(base, float(minimum_detectable_effect), treated, float(alpha), float(power), method,
                       float(daily_users), float(allocated_share), n, days, tuple(canary_schedule(daily_users)),
                       float(shadow_share), shadow, tuple(working))
