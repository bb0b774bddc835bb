"""Ten times the traffic and the data (step 6): grow the users, the items or the data by a factor and see what
grows linearly, what grows faster, and which limit breaks first. No widgets.

Today's scale is a :class:`Scale`: the question's users, items and requests (or what the participant typed in
step 1's traffic estimator), step 5's serving numbers, and a few stated assumptions. :func:`scale_up` multiplies
one quantity by a factor and recomputes every component with the formulas of :mod:`widgets.tools.capacity`
(``traffic``, ``storage``, ``serving_fleet``, ``training_compute``, ``embedding_memory``), so at factor 1 the
numbers are exactly those functions' own.

Conventions
-----------
What grows
    ``users``: daily active users x f, each with the same requests a day (step 1's actions per user).
    ``items``: the items x f (the catalogue the system scores or retrieves from).
    ``data``: the examples logged per user x f (longer histories, more events logged per visit) with no more
    requests: the stored log and the training samples grow, the traffic does not.
    With ``grow_model`` (the default) the dense model grows with its training data, parameters in proportion
    to samples: the compute-optimal rule of Hoffmann et al. 2022 ("Training Compute-Optimal Large Language
    Models": parameters and tokens should grow together), so training compute grows with the square.
Components (each at factor f; units in brackets)
    peak traffic [requests/s], the stored log [bytes], the serving fleet [replicas], the user embedding table
    [bytes], the item index [bytes], brute-force retrieval [FLOP/s], all-pairs item similarity [hours a run],
    a training run [hours] and the monthly bill [USD]. Each has its formula and assumptions in
    :attr:`Component.formula` and :attr:`Component.assumption`.
Limits
    The serving fleet: at most ``largest_fleet`` replicas (5,000 by default: the largest cluster Kubernetes
    supports, "Considerations for large clusters", kubernetes.io). The user embedding table: one training
    device's memory (train it without sharding). The item index: the memory one serving replica has left beside
    the model and caches. All-pairs item similarity and a training run: ``run_limit_hours`` (24: a daily job must
    finish within the day). The monthly bill: ``monthly_budget_usd``.
Where a limit breaks
    A component whose size is ``today x f^k`` crosses its limit at ``f* = (limit / today)^(1/k)``, solved in
    closed form. The serving fleet (whole replicas) and the monthly bill (a sum of parts growing at different
    rates) are monotone in f but no power law; their crossing is found by bisection on log f, to one part in
    10^12, between 10^-6 and 10^6. A crossing below 1 means the component is already over its limit today.
Money
    Serving and training prices are the on-demand list prices in ``data/hardware.csv``; storage costs
    ``storage_usd_per_gb_month`` (0.023: Amazon S3 Standard, first 50 TB, us-east-1) per decimal GB a month.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from widgets.tools import capacity as cap
from widgets.tools.capacity import server_profiles

__all__ = ["COMPONENTS", "GROWTHS", "LIMITED", "Component", "Scale", "ScaleUp", "break_factor", "first_to_break",
           "growth_exponent", "limit_curves", "scale_up", "server_names", "server_profiles", "times", "todays_scale"]

#: What can grow, in the order the tool offers it.
GROWTHS = ("users", "items", "data")
#: The components, in the order they are shown: key -> name.
COMPONENTS = {"peak-rps": "peak traffic", "storage": "stored log", "replicas": "serving fleet",
              "user-table": "user embedding table", "item-index": "item index", "retrieval": "brute-force retrieval",
              "item-pairs": "all-pairs item similarity", "training": "training run", "monthly-cost": "monthly bill"}
#: The components with a limit, which can break.
LIMITED = ("replicas", "user-table", "item-index", "item-pairs", "training", "monthly-cost")

#: Kubernetes supports clusters of up to 5,000 nodes ("Considerations for large clusters", kubernetes.io).
KUBERNETES_NODES = 5_000
#: Amazon S3 Standard list price, first 50 TB a month, us-east-1 (USD per GB-month).
S3_USD_PER_GB_MONTH = 0.023
#: Bytes of one neighbour link in faiss's HNSW graph (an int32 id).
_LINK_BYTES = 4
#: Range in which the bisection looks for a crossing (factors).
_LOWEST, _HIGHEST = 1e-6, 1e6

# growth exponent of each power-law component in each quantity (training depends on grow_model: see growth_exponent)
_EXPONENTS = {"peak-rps": (1, 0, 0), "storage": (1, 0, 1), "replicas": (1, 0, 0), "user-table": (1, 0, 0),
              "item-index": (0, 1, 0), "retrieval": (1, 1, 0), "item-pairs": (0, 2, 0)}


# --------------------------------------------------------------------------------------------
# validation and formatting
# --------------------------------------------------------------------------------------------
def _number(value, message: str) -> float:
    if isinstance(value, (bool, np.bool_, str)) or value is None:
        raise ValueError(message.format(value if not isinstance(value, str) else repr(value)))
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(message.format(repr(value))) from None
    if not math.isfinite(x):
        raise ValueError(message.format(value))
    return x


def _positive(value, what: str) -> float:
    message = f"{what} must be a positive number, got {{}}."
    x = _number(value, message)
    if x <= 0:
        raise ValueError(message.format(f"{x:g}"))
    return x


def _whole(value, what: str, low: int = 1) -> int:
    message = f"{what} must be a whole number of at least {low}, got {{}}."
    x = _number(value, message)
    if x < low or x != int(x):
        raise ValueError(message.format(f"{x:g}"))
    return int(x)


def _factor(value) -> float:
    message = "The factor must be a number of at least 1 (1 = today's scale), got {}."
    x = _number(value, message)
    if x < 1:
        raise ValueError(message.format(f"{x:g}"))
    return x


def _grow(value) -> str:
    if value not in GROWTHS:
        raise ValueError(f"Grow must be one of users, items or data, got {value!r}.")
    return value


def times(factor: float) -> str:
    """A factor as said aloud: two significant figures and an x (``1.3x``, ``10x``, ``1,200x``).

    Examples
    --------
    >>> times(1.25), times(10), times(35.4), times(1234)
    ('1.2x', '10x', '35x', '1,200x')
    """
    rounded = float(f"{factor:.2g}")
    return (f"{rounded:g}x" if rounded < 100 else f"{rounded:,.0f}x")


def _duration(hours: float) -> str:
    if hours < 1 / 60:
        return f"{hours * 3600:.2g} seconds"
    if hours < 1:
        return f"{hours * 60:.2g} minutes"
    if hours < 48:
        return f"{hours:.2g} hours"
    return f"{float(f'{hours / 24:.2g}'):,g} days"


def _money(usd: float) -> str:
    return f"${usd:,.0f}" if usd < 10_000 else "$" + cap.format_quantity(usd)


def _sci(x: float) -> str:
    """Large totals in scientific notation, as papers write FLOPs: 3.1e23."""
    mantissa, exponent = f"{x:.2e}".split("e")
    return f"{float(mantissa):.2g}e{int(exponent)}"


def _count(x: float) -> str:
    """A count as said aloud, in scientific notation past the trillions (1.2e19 pairs)."""
    return cap.format_quantity(x) if x < 1e15 else _sci(x)


def _a(name: str) -> str:
    """``name`` with its article, as said aloud ("an NVIDIA L4", "a CPU server")."""
    return ("an " if name[:1].upper() in "AEIOU" or name.startswith("NVIDIA") else "a ") + name


def _gb(n_bytes: float) -> str:
    return f"{n_bytes / 1e9:.3g} GB"


# --------------------------------------------------------------------------------------------
# today's scale
# --------------------------------------------------------------------------------------------
def server_names(kind: str | None = None) -> list[str]:
    """Names of the servers in ``data/hardware.csv`` (see :func:`server_profiles`), in file order;
    ``kind="gpu"`` keeps the GPUs only.

    Examples
    --------
    >>> server_names("gpu")[:2]
    ['NVIDIA T4', 'NVIDIA L4']
    """
    return [name for name, p in server_profiles().items() if kind is None or p.kind == kind]


def _server(value, what: str) -> cap.HardwareProfile:
    profile = cap.hardware(value)
    if profile.kind not in ("cpu", "gpu"):
        raise ValueError(f"{what} must be a server (a cpu or gpu row of hardware.csv), got {profile.name!r}.")
    return profile


@dataclass(frozen=True)
class Scale:
    """Today's scale and the assumptions every component is computed with (see :func:`todays_scale`).

    Step 1 (traffic estimator): ``daily_active_users``, ``actions_per_user_per_day`` (requests a user makes a
    day), ``peak_factor``, ``read_share``, ``bytes_per_record``, ``replication``, ``retention_days``. Step 5
    (serving estimator): ``serving_hardware``, ``latency_ms`` of a batch of ``batch_size``, ``target_utilisation``,
    ``redundancy``, ``model_gb`` and ``cache_gb`` per replica. The question: ``items``. Training: a run on
    ``training_devices`` x ``training_hardware`` at ``mfu``, over the last ``training_days`` days of logged
    requests (one sample each, one epoch) with ``dense_parameters``, ``retrains_per_month`` times a month.
    Embeddings: ``embedding_dimension`` values of ``bytes_per_value`` bytes; the item index is faiss HNSW with
    ``hnsw_links`` (M) links a vector. Limits: ``largest_fleet`` replicas, ``run_limit_hours`` a run,
    ``monthly_budget_usd``.
    """

    daily_active_users: float
    actions_per_user_per_day: float
    items: float
    serving_hardware: cap.HardwareProfile
    training_hardware: cap.HardwareProfile
    peak_factor: float = 2.0
    read_share: float = 0.9
    bytes_per_record: float = 1_000.0
    replication: float = 3.0
    retention_days: float = 3 * 365.0
    latency_ms: float = 20.0
    batch_size: float = 8.0
    target_utilisation: float = 0.6
    redundancy: float = 0.25
    model_gb: float = 2.0
    cache_gb: float = 1.0
    training_devices: int = 8
    mfu: float = 0.4
    dense_parameters: float = 10e6
    training_days: float = 7.0
    retrains_per_month: float = 30.0
    embedding_dimension: int = 64
    bytes_per_value: float = 4.0
    hnsw_links: int = 16
    storage_usd_per_gb_month: float = S3_USD_PER_GB_MONTH
    monthly_budget_usd: float = 1e6
    largest_fleet: int = KUBERNETES_NODES
    run_limit_hours: float = 24.0
    grow_model: bool = True

    @property
    def index_limit_bytes(self) -> float:
        """Memory one serving replica has left for the item index beside the model and caches (bytes)."""
        return (self.serving_hardware.memory_gb - self.model_gb - self.cache_gb) * 1e9

    @property
    def table_limit_bytes(self) -> float:
        """Memory of one training device, which the user embedding table must fit (bytes)."""
        return self.training_hardware.memory_gb * 1e9


def todays_scale(daily_active_users, actions_per_user_per_day, items, serving_hardware=None, training_hardware=None,
                 **assumptions) -> Scale:
    """Today's scale, checked: every number a person can get wrong is a ``ValueError`` saying what to fix.

    Parameters
    ----------
    daily_active_users, actions_per_user_per_day, items : the question's scale (or step 1's numbers).
    serving_hardware : a server's name in ``hardware.csv`` (or its profile); default the first server, as in
        step 5's serving estimator.
    training_hardware : likewise; default the last GPU, as in the training estimator.
    **assumptions : any other field of :class:`Scale` (``monthly_budget_usd=2e6``, ``embedding_dimension=128``).

    Examples
    --------
    >>> s = todays_scale(100e6, 10, 20e6, "NVIDIA T4", "NVIDIA H100 SXM")
    >>> s.table_limit_bytes, s.index_limit_bytes
    (80000000000.0, 13000000000.0)
    >>> todays_scale(100e6, 10, 20e6, monthly_budget_usd=-5)
    Traceback (most recent call last):
    ...
    ValueError: The monthly budget must be a positive number, got -5.
    """
    unknown = set(assumptions) - set(Scale.__dataclass_fields__) - {"daily_active_users", "actions_per_user_per_day",
                                                                       "items", "serving_hardware", "training_hardware"}
    if unknown:
        raise ValueError(f"Unknown assumption(s): {', '.join(sorted(unknown))}.")
    serving = _server(serving_hardware if serving_hardware is not None else server_names()[0], "The serving hardware")
    training = _server(training_hardware if training_hardware is not None else
                       (server_names("gpu") or server_names())[-1], "The training hardware")
    s = Scale(_positive(daily_active_users, "Daily active users"),
              _positive(actions_per_user_per_day, "Actions per user per day"), _positive(items, "Items"),
              serving, training, **assumptions)
    # the capacity functions check what they share with step 1 and step 5, with their own messages
    t = cap.traffic(s.daily_active_users, s.actions_per_user_per_day, s.peak_factor, s.read_share)
    cap.storage(0, bytes_per_record=s.bytes_per_record, replication=s.replication, retention_days=s.retention_days)
    cap.serving_fleet(t.peak_rps, serving, latency_ms=s.latency_ms, batch_size=s.batch_size,
                      target_utilisation=s.target_utilisation, redundancy=s.redundancy, model_gb=s.model_gb,
                      cache_gb=s.cache_gb)
    checked = {
        "training_devices": _whole(s.training_devices, "The number of training devices"),
        "embedding_dimension": _whole(s.embedding_dimension, "The embedding dimension"),
        "hnsw_links": _whole(s.hnsw_links, "The HNSW links per vector"),
        "largest_fleet": _whole(s.largest_fleet, "The largest fleet (replicas)"),
        "monthly_budget_usd": _positive(s.monthly_budget_usd, "The monthly budget"),
        "run_limit_hours": _positive(s.run_limit_hours, "The longest run (hours)"),
        "dense_parameters": _positive(s.dense_parameters, "The dense parameters"),
        "training_days": _positive(s.training_days, "The days of logs a run trains on"),
        "bytes_per_value": _positive(s.bytes_per_value, "The bytes per value"),
        "storage_usd_per_gb_month": _positive(s.storage_usd_per_gb_month, "The storage price"),
        "retrains_per_month": _number(s.retrains_per_month, "The retrains per month must be a number, got {}."),
        "grow_model": bool(s.grow_model),
    }
    if checked["retrains_per_month"] < 0:
        raise ValueError(f"The retrains per month must be 0 or more, got {s.retrains_per_month:g}.")
    s = replace(s, **checked)
    cap.training_compute(training, n_devices=s.training_devices, mfu=s.mfu, samples=1, flops_per_sample=1)
    if s.index_limit_bytes <= 0:
        raise ValueError(f"The model and caches of step 5 ({s.model_gb + s.cache_gb:g} GB) fill the "
                         f"{serving.memory_gb:g} GB of one {serving.name}, leaving no room for the item index: "
                         "choose serving hardware with more memory, or a smaller model in step 5.")
    return s


# --------------------------------------------------------------------------------------------
# growth
# --------------------------------------------------------------------------------------------
def growth_exponent(key: str, grow: str, grow_model: bool = True) -> float | None:
    """The power of the factor a component grows with: 0 (does not grow), 1 (linear), 2 (with the square);
    ``None`` for the monthly bill, a sum of parts that grow at different rates (none of which grows with the
    items: 0 there).

    The training run is ``samples x 6 x parameters``: samples grow with the users and with the data; with
    ``grow_model`` the parameters grow with the samples too, hence 2. All-pairs item similarity is
    ``items^2 / 2`` pairs, hence 2 in the items. Brute-force retrieval is ``requests x items``: 1 in each, 2
    when both grow. The serving fleet is whole replicas, ``ceil(peak / throughput)``: 1 up to rounding.

    Examples
    --------
    >>> [growth_exponent("item-pairs", g) for g in GROWTHS]
    [0, 2, 0]
    >>> growth_exponent("training", "data"), growth_exponent("training", "data", grow_model=False)
    (2, 1)
    """
    _grow(grow)
    if key == "monthly-cost":   # serving, training and storage: none of them grows with the items
        return 0 if grow == "items" else None
    if key == "training":
        return 0 if grow == "items" else (2 if grow_model else 1)
    if key not in _EXPONENTS:
        raise ValueError(f"Unknown component {key!r}; known: {', '.join(COMPONENTS)}.")
    return _EXPONENTS[key][GROWTHS.index(grow)]


def break_factor(today: float, limit: float, exponent: float) -> float | None:
    """The factor at which ``today x f^exponent`` crosses ``limit``: ``(limit / today)^(1 / exponent)``.

    Below 1 when the component is already over its limit today; ``None`` when it does not grow and fits;
    ``0.0`` when it does not grow and is already over (over at every factor).

    Examples
    --------
    >>> break_factor(64e9, 80e9, 1)          # a 64 GB table on an 80 GB device: breaks at 80 / 64
    1.25
    >>> break_factor(1.0, 24.0, 2)           # an hour-long all-pairs job, with the square of the items
    4.898979485566356
    >>> break_factor(5.0, 24.0, 0) is None
    True
    """
    today = _positive(today, "Today's size")
    limit = _positive(limit, "The limit")
    k = _number(exponent, "The exponent must be a number, got {}.")
    if k < 0:
        raise ValueError(f"The exponent must be 0 or more, got {k:g}.")
    if k == 0:
        return 0.0 if today > limit else None
    return (limit / today) ** (1 / k)


def _bisect(over, lowest: float = _LOWEST, highest: float = _HIGHEST) -> float | None:
    """The smallest factor at which the monotone test ``over(f)`` turns true, by bisection on log f."""
    if over(lowest):
        return 0.0
    if not over(highest):
        return None
    lo, hi = math.log(lowest), math.log(highest)
    while hi - lo > 1e-12:
        mid = (lo + hi) / 2
        if over(math.exp(mid)):
            hi = mid
        else:
            lo = mid
    return math.exp(hi)


def _multipliers(grow: str, f):
    one = np.ones_like(f)
    return tuple(f if grow == g else one for g in GROWTHS)


def _ceil(x):
    """Round up as :mod:`widgets.tools.capacity` does (ignoring noise below one part in 10^9)."""
    return np.ceil(x * (1 - 1e-9))


def _sizes(s: Scale, grow: str, factors) -> dict[str, np.ndarray]:
    """Every component at each factor, in the capacity functions' formulas written for arrays (no text)."""
    f = np.asarray(factors, dtype=float)
    u, i, d = _multipliers(grow, f)
    per_day = s.daily_active_users * u * s.actions_per_user_per_day
    peak = per_day / cap.SECONDS_PER_DAY * s.peak_factor
    records = per_day / cap.SECONDS_PER_DAY * (1 - s.read_share) * cap.SECONDS_PER_DAY * d
    stored = records * s.bytes_per_record * s.replication * s.retention_days
    throughput = s.batch_size / (s.latency_ms / 1000)
    needed = np.maximum(1, _ceil(peak / (throughput * s.target_utilisation)))
    replicas = np.maximum(needed, _ceil(needed * (1 + s.redundancy)))
    serving_cost = replicas * s.serving_hardware.price_per_hour_usd * 24 * cap.DAYS_PER_MONTH
    rate = s.training_hardware.peak_tflops * 1e12 * s.mfu
    n_items = s.items * i
    pair_hours = (n_items ** 2 / 2) * 1.0 * (2 * s.embedding_dimension) / rate / 3600 / s.training_devices
    params = s.dense_parameters * (u * d if s.grow_model else 1)
    device_hours = per_day * s.training_days * d * 1.0 * (6 * params) / rate / 3600
    bill = (serving_cost + s.retrains_per_month * device_hours * s.training_hardware.price_per_hour_usd
            + stored / 1e9 * s.storage_usd_per_gb_month)
    return {"peak-rps": peak, "storage": stored, "replicas": replicas,
            "user-table": s.daily_active_users * u * s.embedding_dimension * s.bytes_per_value,
            "item-index": n_items * (s.embedding_dimension * s.bytes_per_value + 2 * s.hnsw_links * _LINK_BYTES),
            "retrieval": peak * n_items * 2 * s.embedding_dimension,
            "item-pairs": pair_hours, "training": device_hours / s.training_devices, "monthly-cost": bill}


def _limits(s: Scale) -> dict[str, float]:
    return {"replicas": float(s.largest_fleet), "user-table": s.table_limit_bytes, "item-index": s.index_limit_bytes,
            "item-pairs": s.run_limit_hours, "training": s.run_limit_hours, "monthly-cost": s.monthly_budget_usd}


@lru_cache(maxsize=256)
def _crossings(s: Scale, grow: str) -> dict[str, tuple[float | None, str]]:
    """Each limited component's crossing factor and how it was found; cached (moving the factor reuses it)."""
    today = {k: float(v) for k, v in _sizes(s, grow, 1.0).items()}
    out = {}
    for key, limit in _limits(s).items():
        k = growth_exponent(key, grow, s.grow_model)
        if k == 0:
            out[key] = (break_factor(today[key], limit, 0), f"does not grow with the {grow}")
        elif key == "replicas" or k is None:
            at = _bisect(lambda f, key=key, limit=limit: float(_sizes(s, grow, f)[key]) > limit)
            out[key] = (at, "bisection on log f (whole replicas)" if key == "replicas"
                        else "bisection on log f (a sum of parts growing at different rates)")
        else:
            out[key] = (break_factor(today[key], limit, k),
                        f"closed form: ({_plain(key, limit)} / {_plain(key, today[key])})^(1/{k:g})")
    return out


def _plain(key: str, value: float) -> str:
    return cap.format_bytes(value) if key in ("user-table", "item-index") else _duration(value)


def limit_curves(scale: Scale, grow: str, factors) -> dict[str, np.ndarray]:
    """Each limited component's size divided by its limit, at each of ``factors`` (1 = at the limit).

    Examples
    --------
    >>> s = todays_scale(100e6, 10, 20e6, "NVIDIA T4", "NVIDIA H100 SXM")
    >>> curves = limit_curves(s, "users", [1, 2, 4])
    >>> [round(float(x), 2) for x in curves["user-table"]]      # 25.6 GB of 80 GB, doubling
    [0.32, 0.64, 1.28]
    """
    _grow(grow)
    f = np.asarray(factors, dtype=float)
    if f.size and (not np.all(np.isfinite(f)) or f.min() <= 0):
        raise ValueError("The factors must be positive numbers.")
    sizes = _sizes(scale, grow, f)
    return {key: sizes[key] / limit for key, limit in _limits(scale).items()}


# --------------------------------------------------------------------------------------------
# components and the result
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Component:
    """One part of the system at today's scale (``today``) and at the factor (``size``), in ``unit``.

    ``exponent`` is the power of the factor it grows with (``None``: mixed); ``limit`` what it must stay within
    (``None``: no limit of its own), named by ``limit_name`` and described by ``limit_text`` (what happens past
    it); ``breaks_at`` the factor at which it crosses
    (below 1: over today; ``None``: never, or not before 10^6), found as ``solved_by`` says.
    """

    key: str
    name: str
    unit: str
    today: float
    size: float
    exponent: float | None
    limit: float | None = None
    limit_text: str = ""
    limit_name: str = ""
    breaks_at: float | None = None
    solved_by: str = ""
    formula: str = ""
    assumption: str = ""
    remedy: str = ""

    @property
    def growth(self) -> float:
        """``size / today`` (1 when both are 0)."""
        return self.size / self.today if self.today else 1.0

    @property
    def relative(self) -> float | None:
        """Size at the factor over the limit (above 1: over)."""
        return None if self.limit is None else self.size / self.limit

    @property
    def over_today(self) -> bool:
        return self.limit is not None and self.today > self.limit

    @property
    def grows(self) -> str:
        """``"does not grow"``, ``"linear"``, ``"faster"`` or ``"mixed"``."""
        if self.exponent is None:
            return "mixed"
        return "does not grow" if self.exponent == 0 else "linear" if self.exponent == 1 else "faster"

    def show(self, value: float) -> str:
        """A value of this component in its unit, as said aloud."""
        if self.unit == "B":
            return cap.format_bytes(value)
        if self.unit == "replicas":
            return f"{value:,.0f} replica" + ("" if value == 1 else "s")
        if self.unit == "hours":
            return _duration(value)
        if self.unit == "USD":
            return _money(value)
        return cap.format_quantity(value, self.unit)


def first_to_break(components) -> Component | None:
    """The component that crosses its limit at the smallest factor among those within it today (ties: the
    first listed), or ``None`` when none of them crosses.

    Examples
    --------
    >>> a = Component("a", "A", "B", 1.0, 1.0, 1, limit=4.0, breaks_at=4.0)
    >>> b = Component("b", "B", "B", 1.0, 1.0, 2, limit=4.0, breaks_at=2.0)
    >>> over = Component("c", "C", "B", 9.0, 9.0, 1, limit=4.0, breaks_at=0.44)
    >>> first_to_break([a, b, over]).key
    'b'
    """
    candidates = [c for c in components if c.limit is not None and not c.over_today and c.breaks_at is not None]
    return min(candidates, key=lambda c: c.breaks_at) if candidates else None


@dataclass(frozen=True)
class ScaleUp:
    """The components at today's scale and at ``factor`` x the ``grow`` quantity; see :func:`scale_up`.

    ``traffic``, ``storage``, ``fleet``, ``user_table``, ``item_pairs`` and ``training`` are the capacity
    functions' own results at the factor (``today`` holds them at 1x); ``first`` is the first limit to break
    as the factor grows and ``already_over`` the components over their limit today.
    """

    scale: Scale
    grow: str
    factor: float
    components: tuple[Component, ...]
    first: Component | None
    already_over: tuple[Component, ...]
    traffic: cap.Traffic
    storage: cap.Storage
    fleet: cap.ServingFleet
    user_table: cap.EmbeddingMemory
    item_pairs: cap.TrainingCompute
    training: cap.TrainingCompute
    bill: dict
    today: dict = field(repr=False)
    working: tuple[str, ...] = field(repr=False)

    def __getitem__(self, key: str) -> Component:
        for c in self.components:
            if c.key == key:
                return c
        raise KeyError(key)

    def lead(self) -> str:
        """What grows, in one clause (the start of the sentence to say)."""
        f, s = times(self.factor), self.scale
        if self.grow == "users":
            return (f"At {f} the users, peak traffic grows to {cap.format_quantity(self.traffic.peak_rps)} requests "
                    f"a second (linear: {self.fleet.replicas_total:,} replicas of {_a(s.serving_hardware.name)})")
        if self.grow == "items":
            pairs = self["item-pairs"]
            return (f"At {f} the items, the item index grows to {cap.format_bytes(self['item-index'].size)} (linear) "
                    f"and all-pairs item similarity to {pairs.show(pairs.size)} a run ({times(pairs.growth)})")
        run = self["training"]
        why = ", as the model grows with the data" if s.grow_model else ""
        return (f"At {f} the data, the stored log grows to {cap.format_bytes(self.storage.bytes_retained)} (linear) "
                f"and a training run to {run.show(run.size)} ({times(run.growth)}{why})")

    def say(self) -> str:
        """The sentence to say in the interview, filled with these numbers."""
        text = self.lead()
        c = self.first
        if c is None:
            text += f"; none of the limits breaks from growing the {self.grow} alone."
        elif c.breaks_at <= self.factor:
            text += (f"; the first limit to break is the {c.name}, {c.show(c.size)}, which {c.limit_text} from "
                     f"{times(c.breaks_at)}: {c.remedy}.")
        else:
            text += (f"; nothing breaks by {times(self.factor)}: the first limit to break is the {c.name}, which "
                     f"{c.limit_text} from {times(c.breaks_at)}.")
        if self.already_over:
            text += " Already over today: " + "; ".join(
                f"the {o.name} ({o.show(o.today)} against {o.limit_name}: {o.remedy})" for o in self.already_over) + "."
        return text


def _results(s: Scale, grow: str, f: float) -> dict:
    """The capacity functions' own results at factor ``f`` (with their working)."""
    u, i, d = (f if grow == g else 1.0 for g in GROWTHS)
    t = cap.traffic(s.daily_active_users * u, s.actions_per_user_per_day, s.peak_factor, s.read_share)
    st = cap.storage(t.write_rps * cap.SECONDS_PER_DAY * d, bytes_per_record=s.bytes_per_record,
                     replication=s.replication, retention_days=s.retention_days)
    fleet = cap.serving_fleet(t.peak_rps, s.serving_hardware, latency_ms=s.latency_ms, batch_size=s.batch_size,
                              target_utilisation=s.target_utilisation, redundancy=s.redundancy,
                              model_gb=s.model_gb, cache_gb=s.cache_gb)
    table = cap.embedding_memory(s.daily_active_users * u, s.embedding_dimension, s.bytes_per_value)
    n_items = s.items * i
    pairs = cap.training_compute(s.training_hardware, n_devices=s.training_devices, mfu=s.mfu,
                                 samples=n_items ** 2 / 2, flops_per_sample=2 * s.embedding_dimension)
    samples = t.requests_per_day * s.training_days * d
    params = s.dense_parameters * (u * d if s.grow_model else 1)
    run = cap.training_compute(s.training_hardware, n_devices=s.training_devices, mfu=s.mfu, samples=samples,
                               flops_per_sample=6 * params)
    bill = {"serving": fleet.monthly_cost_usd, "training": s.retrains_per_month * run.cost_usd,
            "storage": st.bytes_retained / 1e9 * s.storage_usd_per_gb_month}
    bill["total"] = bill["serving"] + bill["training"] + bill["storage"]
    index = n_items * (s.embedding_dimension * s.bytes_per_value + 2 * s.hnsw_links * _LINK_BYTES)
    return {"traffic": t, "storage": st, "fleet": fleet, "user_table": table, "item_pairs": pairs, "training": run,
            "bill": bill, "items": n_items, "samples": samples, "params": params, "index": index,
            "retrieval": t.peak_rps * n_items * 2 * s.embedding_dimension}


def _describe(s: Scale, grow: str, r: dict) -> dict[str, tuple[str, str, str]]:
    """Each component's formula (with the numbers at the factor), assumptions and remedy."""
    q, b = cap.format_quantity, cap.format_bytes
    t, st, fleet, run, pairs = r["traffic"], r["storage"], r["fleet"], r["training"], r["item_pairs"]
    dim, bpv, hw, th = s.embedding_dimension, s.bytes_per_value, s.serving_hardware, s.training_hardware
    on = f"on {s.training_devices} x {th.name} at {s.mfu:.0%} MFU"
    cost = r["bill"]
    largest = max(("serving", "training", "storage"), key=lambda k: cost[k])
    model = (f"the dense model grows with the data ({q(r['params'])} parameters; parameters in proportion to samples, "
             "Hoffmann et al. 2022)" if s.grow_model else f"the dense model stays at {q(s.dense_parameters)} parameters")
    formulas = {
        "peak-rps": (f"{q(t.daily_active_users)} users x {t.actions_per_user_per_day:g} requests a day / 86,400 s x "
                     f"{s.peak_factor:g} (peak / average) = {q(t.peak_rps, 'req/s')}"),
        "storage": (f"{q(st.records_per_day)} records a day x {b(st.bytes_per_record)} x {st.replication:g} copies x "
                    f"{st.retention_days:g} days kept = {b(st.bytes_retained)}"),
        "replicas": (f"{q(t.peak_rps, 'req/s')} / ({q(fleet.throughput_per_replica_rps)} req/s per {hw.name} x "
                     f"{s.target_utilisation:.0%} utilisation) = {fleet.replicas:,}, x (1 + {s.redundancy:.0%} spare) "
                     f"= {fleet.replicas_total:,} replicas"),
        "user-table": (f"{q(r['user_table'].entities)} users x {dim} dimensions x {bpv:g} B "
                       f"= {b(r['user_table'].table_bytes)}"),
        "item-index": (f"{q(r['items'])} items x ({dim} x {bpv:g} B + 2 x {s.hnsw_links} links x {_LINK_BYTES} B) "
                       f"= {b(r['index'])}"),
        "retrieval": f"{q(t.peak_rps, 'req/s')} x {q(r['items'])} items x 2 x {dim} FLOPs = {q(r['retrieval'], 'FLOP/s')}",
        "item-pairs": (f"{q(r['items'])}^2 / 2 = {_count(pairs.total_flops / (2 * dim))} pairs x 2 x {dim} FLOPs = "
                       f"{_sci(pairs.total_flops)} FLOP {on} = {_duration(pairs.wall_hours)} a run"),
        "training": (f"{q(r['samples'])} samples ({q(t.requests_per_day)} requests a day x {s.training_days:g} days"
                     + (f" x {r['samples'] / (t.requests_per_day * s.training_days):.3g} as much data"
                        if grow == "data" else "")
                     + f") x 6 x {q(r['params'])} parameters = {_sci(run.total_flops)} FLOP {on} = "
                     f"{_duration(run.wall_hours)} a run"),
        "monthly-cost": (f"serving {_money(cost['serving'])} + {s.retrains_per_month:g} runs x {_money(run.cost_usd)} + "
                         f"{b(st.bytes_retained)} x ${s.storage_usd_per_gb_month:g}/GB = {_money(cost['total'])} a month"),
    }
    assumptions = {
        "peak-rps": "Each user makes as many requests as today and the peak-to-average ratio stays the same.",
        "storage": (f"The log holds the writes of step 1 ({1 - s.read_share:.0%} of requests); growing the data logs "
                    "more examples per user."),
        "replicas": (f"A batch of {s.batch_size:g} still takes {s.latency_ms:g} ms (step 5): the model does not "
                     f"change. Limit: {s.largest_fleet:,} replicas (Kubernetes supports clusters of up to "
                     f"{KUBERNETES_NODES:,} nodes)."),
        "user-table": (f"One row per daily active user (all accounts would be more). Limit: one {th.name} "
                       f"({th.memory_gb:g} GB), to train the table without sharding; Adam's two states would triple it."),
        "item-index": (f"faiss IndexHNSWFlat keeps d x 4 + M x 2 x 4 bytes a vector (faiss wiki, 'Guidelines to choose "
                       f"an index'), M = {s.hnsw_links}. Limit: the {_gb(s.index_limit_bytes)} one {hw.name} has left "
                       f"beside the model ({s.model_gb:g} GB) and caches ({s.cache_gb:g} GB), so every replica holds "
                       "the whole index."),
        "retrieval": ("Scoring every item for every request with a dot product (no index): the work grows with users x "
                      "items, so 10x of both is 100x."),
        "item-pairs": (f"A daily batch job scoring every pair of items (a dot product each). Limit: "
                       f"{s.run_limit_hours:g} hours, so it finishes within the day."),
        "training": (f"Retrained {s.retrains_per_month:g} times a month on the last {s.training_days:g} days of logged "
                     "requests, one epoch; 6 FLOPs per dense parameter per sample (forward and backward, Kaplan et al. "
                     f"2020); {model}; embedding lookups add memory, not FLOPs. Limit: {s.run_limit_hours:g} hours."),
        "monthly-cost": (f"On-demand list prices (hardware.csv); storage at ${s.storage_usd_per_gb_month:g} per "
                         "GB-month (Amazon S3 Standard); the all-pairs job, the network and people are left out. "
                         "Limit: the monthly budget."),
    }
    remedies = {
        "replicas": ("split the traffic over more clusters or regions, or serve more per replica (larger batches, a "
                     "smaller or distilled model, a cache of popular results)"),
        "user-table": ("shard it across devices, shrink the dimension or store it in float16 or int8, or hash rare "
                       "users into shared rows"),
        "item-index": "shard the index across machines, or compress it with product quantisation as faiss IVF-PQ does",
        "item-pairs": ("score only the pairs that co-occur in sessions, or find each item's neighbours with an "
                       "approximate index instead of all pairs"),
        "training": ("train on more devices, sample or deduplicate the data, or fine-tune yesterday's model on the "
                     "new data instead of training from scratch"),
        "monthly-cost": f"cut its largest line, {largest} ({_money(cost[largest])} a month)",
    }
    return {key: (formulas[key], assumptions[key], remedies.get(key, "")) for key in COMPONENTS}


def _limit_names(s: Scale) -> dict[str, str]:
    return {"replicas": f"the largest fleet of {s.largest_fleet:,} replicas",
            "user-table": f"one {s.training_hardware.memory_gb:g} GB {s.training_hardware.name}",
            "item-index": f"the {_gb(s.index_limit_bytes)} left on one {s.serving_hardware.name}",
            "item-pairs": f"{s.run_limit_hours:g} hours a run", "training": f"{s.run_limit_hours:g} hours a run",
            "monthly-cost": f"the {_money(s.monthly_budget_usd)} monthly budget"}


def _limit_texts(s: Scale) -> dict[str, str]:
    return {"replicas": f"needs more than the largest fleet of {s.largest_fleet:,} replicas",
            "user-table": f"no longer fits one {s.training_hardware.memory_gb:g} GB {s.training_hardware.name}",
            "item-index": f"no longer fits the {_gb(s.index_limit_bytes)} left on one {s.serving_hardware.name}",
            "item-pairs": f"takes more than {s.run_limit_hours:g} hours a run",
            "training": (f"takes more than {s.run_limit_hours:g} hours a run on {s.training_devices} "
                         f"x {s.training_hardware.name}"),
            "monthly-cost": f"goes over the {_money(s.monthly_budget_usd)} monthly budget"}


_UNITS = {"peak-rps": "req/s", "storage": "B", "replicas": "replicas", "user-table": "B", "item-index": "B",
          "retrieval": "FLOP/s", "item-pairs": "hours", "training": "hours", "monthly-cost": "USD"}


def _values(r: dict) -> dict[str, float]:
    return {"peak-rps": r["traffic"].peak_rps, "storage": r["storage"].bytes_retained,
            "replicas": float(r["fleet"].replicas_total), "user-table": r["user_table"].table_bytes,
            "item-index": r["index"], "retrieval": r["retrieval"], "item-pairs": r["item_pairs"].wall_hours,
            "training": r["training"].wall_hours, "monthly-cost": r["bill"]["total"]}


def scale_up(scale: Scale, grow: str, factor) -> ScaleUp:
    """Grow the ``grow`` quantity (users, items or data) by ``factor`` and recompute every component.

    Every component is computed with :mod:`widgets.tools.capacity`'s functions at today's scale and at the
    factor: ``traffic`` (peak requests/s), ``storage`` (bytes kept), ``serving_fleet`` (replicas, monthly cost),
    ``embedding_memory`` (the user table), ``training_compute`` (a training run, and the all-pairs item
    similarity job as ``items^2 / 2`` samples of ``2 x dimension`` FLOPs); the item index is faiss HNSW's
    ``items x (d x 4 + 2 M x 4)`` bytes and brute-force retrieval ``peak requests/s x items x 2d`` FLOP/s.
    Each limited component's crossing factor is solved in closed form for a power law, or by bisection (the
    fleet and the bill); see the module's conventions.

    Parameters
    ----------
    scale : today's scale (:func:`todays_scale`).
    grow : ``"users"``, ``"items"`` or ``"data"``.
    factor : how many times today's (at least 1).

    Returns
    -------
    ScaleUp : the components (``result["user-table"]``), the first limit to break, the working and ``say()``.

    Examples
    --------
    >>> s = todays_scale(100e6, 10, 20e6, "NVIDIA T4", "NVIDIA H100 SXM")
    >>> up = scale_up(s, "users", 10)
    >>> round(up["peak-rps"].today), round(up["peak-rps"].size)
    (23148, 231481)
    >>> up.first.name, round(up.first.breaks_at, 3)          # 25.6 GB of 80 GB
    ('user embedding table', 3.125)
    >>> scale_up(s, "users", 0.5)
    Traceback (most recent call last):
    ...
    ValueError: The factor must be a number of at least 1 (1 = today's scale), got 0.5.
    """
    if not isinstance(scale, Scale):
        raise TypeError("scale must be today's scale, made by todays_scale(...).")
    grow = _grow(grow)
    f = _factor(factor)
    today, now = _results(scale, grow, 1.0), _results(scale, grow, f)
    base, sized = _values(today), _values(now)
    described = _describe(scale, grow, now)
    limits, texts, names, crossings = _limits(scale), _limit_texts(scale), _limit_names(scale), _crossings(scale, grow)
    components = []
    for key, name in COMPONENTS.items():
        formula, assumption, remedy = described[key]
        at, how = crossings.get(key, (None, ""))
        components.append(Component(key, name, _UNITS[key], base[key], sized[key],
                                    growth_exponent(key, grow, scale.grow_model), limits.get(key), texts.get(key, ""),
                                    names.get(key, ""), at, how, formula, assumption, remedy))
    components = tuple(components)
    working = tuple(f"{c.name}: {c.formula}" for c in components)
    return ScaleUp(scale, grow, f, components, first_to_break(components),
                   tuple(c for c in components if c.over_today), now["traffic"], now["storage"], now["fleet"],
                   now["user_table"], now["item_pairs"], now["training"], now["bill"], today, working)
