"""Reading a number as a person types it into a box, and writing one back.

A box is a text field: what a person types is read here, so that ``1,000``, ``2e6``, ``2.5 M`` and
`` 40 `` are numbers, an emptied box is a message (not silently the old value), and a box that shows
percent reads ``0.5%``, ``0.5 %`` and ``0.5`` alike as half a percent. Every message names the field
as its label shows it.
"""

from __future__ import annotations

import math
import re

_SUFFIXES = {"k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9, "t": 1e12}
_NUMBER = re.compile(r"^\s*([-+]?(?:\d[\d,_]*\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*(k|m|bn|b|t)?\s*$", re.IGNORECASE)


def parse_number(text, label: str) -> float:
    """The number in ``text``; ``ValueError`` naming ``label`` when it is empty or not a number.

    Thousands separators (``,`` and ``_``) are allowed, and the suffixes k, M, B (or bn) and T.

    Examples
    --------
    >>> parse_number(" 1,000 ", "Daily users"), parse_number("2e6", "x"), parse_number("2.5M", "x")
    (1000.0, 2000000.0, 2500000.0)
    >>> parse_number("", "Daily active users")
    Traceback (most recent call last):
    ...
    ValueError: Daily active users is empty: type a number.
    >>> parse_number("lots", "Daily active users")
    Traceback (most recent call last):
    ...
    ValueError: Daily active users must be a number, got 'lots'.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        raw = str(text if text is not None else "")
        if not raw.strip():
            raise ValueError(f"{label} is empty: type a number.")
        match = _NUMBER.match(raw)
        if match is None:
            raise ValueError(f"{label} must be a number, got {raw.strip()[:40]!r}.")
        value = float(match.group(1).replace(",", "").replace("_", ""))
        if match.group(2):
            value *= _SUFFIXES[match.group(2).lower()]
    if not math.isfinite(value):
        raise ValueError(f"{label} must be a finite number, got {text!r}.")
    return value


def parse_percent(text, label: str) -> float:
    """The share (0.005 for half a percent) in a box that shows percent: ``"0.5%"``, ``"0.5 %"`` and ``"0.5"``
    all mean half a percent, ``"2 %"`` two percent.

    Examples
    --------
    >>> [parse_percent(t, "Fraud share") for t in ("0.5%", "0.5 %", "0.5", "2 %")]
    [0.005, 0.005, 0.005, 0.02]
    >>> parse_percent("%", "Fraud share")
    Traceback (most recent call last):
    ...
    ValueError: Fraud share must be a number, got '%'.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text) / 100.0
    raw = str(text if text is not None else "").strip()
    if raw.endswith("%"):
        raw = raw[:-1]
        if not raw.strip():
            raise ValueError(f"{label} must be a number, got '%'.")
    return parse_number(raw, label) / 100.0


def format_number(value: float) -> str:
    """A number as a box shows it: whole numbers without a decimal point, others as short as exact.

    Examples
    --------
    >>> format_number(250000000.0), format_number(0.9), format_number(12.5)
    ('250000000', '0.9', '12.5')
    """
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def format_percent(share: float) -> str:
    """A share as a percent box shows it.

    Examples
    --------
    >>> format_percent(0.005), format_percent(0.2)
    ('0.5%', '20%')
    """
    return f"{format_number(round(share * 100, 6))}%"


def name_fields(message: str, labels: dict[str, str]) -> str:
    """``message`` with each argument name (``daily_active_users``) replaced by the label the box shows.

    Examples
    --------
    >>> name_fields("daily_active_users must be a positive number, got -5.", {"daily_active_users": "Daily active users"})
    'Daily active users must be a positive number, got -5.'
    """
    for name, label in sorted(labels.items(), key=lambda kv: -len(kv[0])):
        message = re.sub(rf"\b{re.escape(name)}\b", label, message)
    return message
