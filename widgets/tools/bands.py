"""Named bands for a skewed number (incomes): cut points at equal-count quantiles, rounded to readable
values, and their names ("under $30k", "$30k to $60k", "$60k and over").

Used by the feature study (:mod:`widgets.tools.features`) and by its scikit-learn transformer
(:mod:`widgets.tools.feature_transformers`); it imports neither, so the two do not import each other.
Amounts are dollars.
"""

from __future__ import annotations

import math

import numpy as np

MIN_BANDS, MAX_BANDS = 2, 20


def whole_number(value, low: int, high: int, message: str) -> int:
    """``value`` as a whole number from ``low`` to ``high``, or ``ValueError(message)``.

    Examples
    --------
    >>> whole_number("12", 2, 20, "bad")
    12
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if not math.isfinite(number) or number != int(number) or not low <= number <= high:
        raise ValueError(message)
    return int(number)


def check_bands(n_bands) -> int | None:
    """``None`` (keep the raw number) or a whole number of bands from 2 to 20.

    Examples
    --------
    >>> check_bands(5), check_bands(None)
    (5, None)
    >>> check_bands(1)
    Traceback (most recent call last):
    ...
    ValueError: The number of income bands must be a whole number from 2 to 20.
    """
    if n_bands is None:
        return None
    return whole_number(n_bands, MIN_BANDS, MAX_BANDS,
                        f"The number of income bands must be a whole number from {MIN_BANDS} to {MAX_BANDS}.")


def band_edges(values, n_bands: int, unit: float = 1000.0) -> np.ndarray:
    """Inner cut points that split ``values`` into ``n_bands`` bands of about equal size.

    The quantiles at ``1/n, 2/n, ...`` are rounded to the nearest ``unit`` (dollars) so the bands
    have readable names; cut points that round to the same value are merged, so a very narrow
    distribution can give fewer bands than asked for.

    Examples
    --------
    >>> band_edges([10_000, 20_000, 30_000, 40_000, 50_000], 2).tolist()
    [30000.0]
    >>> band_edges([20_000, 40_000, 60_000, 80_000], 4).tolist()
    [35000.0, 50000.0, 65000.0]
    """
    n_bands = check_bands(n_bands)
    inner = np.quantile(np.asarray(values, dtype=float), np.arange(1, n_bands) / n_bands)
    return np.unique(np.round(inner / unit) * unit)


def _money(x: float) -> str:
    return f"${x / 1000:,.0f}k" if x % 1000 == 0 else f"${x:,.0f}"


def band_names(edges) -> list[str]:
    """Readable names of the bands cut at ``edges``: the first is "under", the last "and over".

    A band includes its lower edge and excludes its upper edge.

    Examples
    --------
    >>> band_names([30_000, 60_000])
    ['under $30k', '$30k to $60k', '$60k and over']
    """
    edges = list(edges)
    if not edges:
        return ["all incomes"]
    middle = [f"{_money(lo)} to {_money(hi)}" for lo, hi in zip(edges[:-1], edges[1:])]
    return [f"under {_money(edges[0])}", *middle, f"{_money(edges[-1])} and over"]


def income_bands(values, edges):
    """Put each value in its named band with :func:`pandas.cut` (lower edge in, upper edge out).

    Examples
    --------
    >>> income_bands([12_000, 30_000, 59_999, 75_000], [30_000, 60_000]).tolist()
    ['under $30k', '$30k to $60k', '$30k to $60k', '$60k and over']
    """
    import pandas as pd

    bins = [-np.inf, *edges, np.inf]
    return pd.cut(np.asarray(values, dtype=float), bins=bins, labels=band_names(edges), right=False)
