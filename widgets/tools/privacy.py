"""Privacy of a released table: k-anonymity, suppression, information loss and l-diversity, with no widgets.

A *quasi-identifier* is a column an attacker can also find somewhere else (a voter roll, a social
profile) and join on: age, ZIP code, gender, marital status. Rows that share every generalised
quasi-identifier form an *equivalence class*; the table is *k-anonymous* when every class holds at
least k rows, so a join can narrow a person down to no fewer than k candidates (Sweeney, "k-anonymity:
a model for protecting privacy", Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems 10(5), 2002).

Conventions used here:

- Generalisation is global recoding: the same rule for every row. Ages go into bins of ``age_bin``
  years aligned at 0 (width 10 gives 40-49) or are removed; a ZIP keeps its first ``zip_digits``
  digits (0 removes it); gender is kept or removed; marital status is kept, cut to "married" or
  "not married", or removed. A removed column shows ``*``.
- Columns that are not chosen as quasi-identifiers are released as they are and do not count.
- Rows in classes smaller than the target k are suppressed (deleted from the release).
- Information loss is the normalised certainty penalty of Xu et al., "Utility-based anonymization
  using local recoding", KDD 2006, averaged over rows and quasi-identifiers (their global certainty
  penalty, 0 = exact, 1 = everything removed); see :func:`certainty_penalty`. The discernibility
  metric of Bayardo and Agrawal, "Data privacy through optimal k-anonymization", ICDE 2005, is
  reported too.
- Distinct l-diversity (Machanavajjhala et al., "l-Diversity: privacy beyond k-anonymity", ACM TKDD
  1(1), 2007): the number of different values of the sensitive column in a class; the table's l is
  the smallest over the released classes.

The sample table ``data/people_sample.csv`` is made by :func:`make_people_sample`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from widgets.practice.data import data_dir, data_path

PEOPLE_FILE = "people_sample.csv"
QUASI_IDENTIFIERS = ("age", "zip", "gender", "marital_status")
LABELS = {"age": "age", "zip": "ZIP", "gender": "gender", "marital_status": "marital status"}
SENSITIVE = "diagnosis"
OUTCOME = "yearly_cost"
GENDER_LEVELS = ("kept", "removed")
MARITAL_LEVELS = ("kept", "married or not", "removed")
REMOVED = "*"

# --------------------------------------------------------------------------------------------
# the sample table
# --------------------------------------------------------------------------------------------
#: 3-digit ZIP prefix -> share of patients. A clinic draws from a few neighbouring areas, so the
#: prefixes cluster: two share the first digit "0", and each holds a handful of 5-digit codes.
_ZIP_AREAS = {"021": 0.34, "024": 0.22, "018": 0.16, "017": 0.12, "014": 0.09, "027": 0.07}
_DIAGNOSES = ("asthma", "anxiety", "diabetes", "hypertension", "heart disease", "cancer")
#: base yearly cost of care in dollars per diagnosis (made up, ordered like real costs)
_BASE_COST = {"asthma": 1800, "anxiety": 2600, "diabetes": 7500, "hypertension": 4200,
              "heart disease": 14000, "cancer": 28000}


def make_people_sample(n: int = 2000, seed: int = 42) -> pd.DataFrame:
    """Generate the synthetic patient table of a clinic: quasi-identifiers, a diagnosis and a cost.

    Columns: ``age`` (18 to 95 years), ``zip`` (5-digit string; six 3-digit areas, each with 4 to 10
    codes of Zipf-like popularity), ``gender`` (female 50%, male 48%, nonbinary 2%),
    ``marital_status`` (single, married, divorced, widowed; depends on age), ``diagnosis`` (six
    conditions whose odds depend on age: the sensitive column) and ``yearly_cost`` (dollars: a base
    cost per diagnosis, rising 1.5% per year of age, times log-normal noise with sigma 0.5: the
    column an analyst still wants from the release).

    Parameters
    ----------
    n : int
        Number of people.
    seed : int
        Seed of the random generator; the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        One row per person, in the column order above.

    Examples
    --------
    >>> people = make_people_sample(200, seed=1)
    >>> list(people.columns)
    ['age', 'zip', 'gender', 'marital_status', 'diagnosis', 'yearly_cost']
    >>> bool(people["zip"].str.fullmatch(r"[0-9]{5}").all())
    True
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    zip_codes, zip_weights = [], []
    for prefix, share in _ZIP_AREAS.items():
        count = int(rng.integers(4, 11))
        suffixes = rng.choice(100, size=count, replace=False)
        weights = 1.0 / np.arange(1, count + 1) ** 1.1
        zip_codes += [f"{prefix}{s:02d}" for s in suffixes]
        zip_weights += list(share * weights / weights.sum())
    zips = rng.choice(np.array(zip_codes), size=n, p=np.array(zip_weights) / np.sum(zip_weights))

    age = np.clip(np.round(rng.gamma(shape=4.0, scale=9.0, size=n) + 12), 18, 95).astype(int)
    gender = rng.choice(np.array(["female", "male", "nonbinary"]), size=n, p=[0.50, 0.48, 0.02])

    # marital status: mostly single when young, married in mid-life, widowed when old
    logits = np.column_stack([
        2.0 - 0.08 * (age - 18),                               # single
        np.full(n, 0.8) - 0.0012 * (age - 50) ** 2,            # married
        -2.2 + 0.035 * (age - 18) - 0.0002 * (age - 18) ** 2,        # divorced
        -7.0 + 0.085 * age,                                    # widowed
    ])
    marital = _draw(rng, np.array(["single", "married", "divorced", "widowed"]), logits)

    # diagnosis: asthma and anxiety when young, heart disease and cancer when old
    a = (age - 18) / 10.0
    logits = np.column_stack([0.9 - 0.30 * a, 1.1 - 0.30 * a, -0.8 + 0.25 * a, -0.6 + 0.35 * a,
                              -2.4 + 0.45 * a, -2.2 + 0.35 * a])
    diagnosis = _draw(rng, np.array(_DIAGNOSES), logits)

    base = np.array([_BASE_COST[d] for d in diagnosis], dtype=float)
    cost = base * (1 + 0.015 * (age - 18)) * rng.lognormal(0.0, 0.5, size=n)
    return pd.DataFrame({"age": age, "zip": zips, "gender": gender, "marital_status": marital,
                         "diagnosis": diagnosis, "yearly_cost": np.round(cost).astype(int)})


def _draw(rng: np.random.Generator, values: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """One draw per row from softmax(logits) over ``values``."""
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    cum = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    pick = (cum < rng.random((len(logits), 1))).sum(axis=1).clip(max=len(values) - 1)
    return values[pick]


def write_people_sample(path=None) -> None:
    """Write :func:`make_people_sample` to ``data/people_sample.csv`` (or ``path``)."""
    make_people_sample().to_csv(path or data_dir() / PEOPLE_FILE, index=False)


@lru_cache(maxsize=1)
def load_people_sample() -> pd.DataFrame:
    """The shipped sample table, with ZIP codes read as 5-character strings.

    Examples
    --------
    >>> people = load_people_sample()
    >>> len(people), people["zip"].str.len().unique().tolist()
    (2000, [5])
    """
    import pandas as pd

    return pd.read_csv(data_path(PEOPLE_FILE), dtype={"zip": str})


# --------------------------------------------------------------------------------------------
# generalisation
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Generalisation:
    """How much each quasi-identifier is coarsened.

    ``age_bin``: bin width in years (1 keeps exact ages) or ``None`` to remove age.
    ``zip_digits``: leading ZIP digits kept, 0 (removed) to 5 (exact).
    ``gender``: ``"kept"`` or ``"removed"``.
    ``marital_status``: ``"kept"``, ``"married or not"`` or ``"removed"``.
    """

    age_bin: int | None = 10
    zip_digits: int = 3
    gender: str = "kept"
    marital_status: str = "kept"

    def __post_init__(self):
        if self.age_bin is not None and (not _is_whole(self.age_bin) or self.age_bin < 1):
            raise ValueError("The age bin must be a whole number of years, at least 1 (or remove age).")
        if not _is_whole(self.zip_digits) or not 0 <= self.zip_digits <= 5:
            raise ValueError("Keep between 0 and 5 digits of the ZIP code.")
        if self.gender not in GENDER_LEVELS:
            raise ValueError(f"Gender is either {' or '.join(GENDER_LEVELS)}.")
        if self.marital_status not in MARITAL_LEVELS:
            raise ValueError(f"Marital status is one of: {', '.join(MARITAL_LEVELS)}.")

    def describe(self, quasi_identifiers) -> str:
        """The settings in words, for the chosen quasi-identifiers only."""
        parts = []
        for column in quasi_identifiers:
            if column == "age":
                parts.append("age removed" if self.age_bin is None else
                             "exact ages" if self.age_bin == 1 else f"ages in {self.age_bin}-year bins")
            elif column == "zip":
                parts.append("ZIP removed" if self.zip_digits == 0 else
                             "full 5-digit ZIPs" if self.zip_digits == 5 else f"{self.zip_digits}-digit ZIPs")
            elif column == "gender":
                parts.append("gender kept" if self.gender == "kept" else "gender removed")
            elif column == "marital_status":
                parts.append({"kept": "marital status kept", "married or not": "marital status as married or not",
                              "removed": "marital status removed"}[self.marital_status])
        return _join(parts)


def _is_whole(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, bool)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def check_quasi_identifiers(quasi_identifiers, n_rows: int | None = None) -> tuple[str, ...]:
    """Validate a choice of quasi-identifiers and return it in the table's column order.

    Examples
    --------
    >>> check_quasi_identifiers(["gender", "age"])
    ('age', 'gender')
    >>> check_quasi_identifiers([], n_rows=2000)
    Traceback (most recent call last):
    ...
    ValueError: Choose at least one quasi-identifier: with none, all 2,000 rows are one group, so k = 2,000.
    """
    chosen = tuple(c for c in QUASI_IDENTIFIERS if c in set(quasi_identifiers))
    unknown = set(quasi_identifiers) - set(QUASI_IDENTIFIERS)
    if unknown:
        raise ValueError(f"Unknown quasi-identifier {sorted(unknown)[0]!r}; "
                         f"choose from {', '.join(QUASI_IDENTIFIERS)}.")
    if not chosen:
        whole = ("the whole table is one group, so k is its row count" if n_rows is None else
                 f"all {n_rows:,} rows are one group, so k = {n_rows:,}")
        raise ValueError(f"Choose at least one quasi-identifier: with none, {whole}.")
    return chosen


def check_k(k) -> int:
    """The target k as an int, or a ``ValueError`` a user understands.

    Examples
    --------
    >>> check_k(5)
    5
    >>> check_k(0)
    Traceback (most recent call last):
    ...
    ValueError: k must be a whole number of at least 1.
    """
    if not _is_whole(k) or k < 1:
        raise ValueError("k must be a whole number of at least 1.")
    return int(k)


def generalise(table: pd.DataFrame, quasi_identifiers, rule: Generalisation) -> pd.DataFrame:
    """The chosen quasi-identifier columns of ``table`` as released under ``rule`` (strings).

    An age bin of width ``w`` holds ages ``a`` with ``floor(a / w) = b`` and is written
    ``"{b*w}-{b*w + w - 1}"``; a ZIP keeps its first digits and masks the rest with ``*``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"age": [34, 47], "zip": ["02139", "02141"], "gender": ["female", "male"],
    ...                   "marital_status": ["single", "widowed"]})
    >>> generalise(t, ["age", "zip", "marital_status"], Generalisation(10, 3, "kept", "married or not"))
         age    zip marital_status
    0  30-39  021**    not married
    1  40-49  021**    not married
    """
    import pandas as pd

    out = {}
    for column in check_quasi_identifiers(quasi_identifiers):
        values = table[column]
        if column == "age":
            if rule.age_bin is None:
                out[column] = np.full(len(table), REMOVED, dtype=object)
            elif rule.age_bin == 1:
                out[column] = values.astype(int).astype(str).to_numpy()
            else:
                lo = (values.to_numpy(dtype=int) // rule.age_bin) * rule.age_bin
                out[column] = np.char.add(np.char.add(lo.astype(str), "-"), (lo + rule.age_bin - 1).astype(str))
        elif column == "zip":
            d = rule.zip_digits
            out[column] = ((values.str[:d] + "*" * (5 - d)).to_numpy() if d else
                           np.full(len(table), REMOVED, dtype=object))
        elif column == "gender":
            out[column] = values.to_numpy() if rule.gender == "kept" else np.full(len(table), REMOVED, dtype=object)
        else:
            if rule.marital_status == "kept":
                out[column] = values.to_numpy()
            elif rule.marital_status == "married or not":
                out[column] = np.where(values.to_numpy() == "married", "married", "not married")
            else:
                out[column] = np.full(len(table), REMOVED, dtype=object)
    return pd.DataFrame({c: np.asarray(v).astype(str) for c, v in out.items()}, index=table.index)


# --------------------------------------------------------------------------------------------
# equivalence classes, k, l
# --------------------------------------------------------------------------------------------
def equivalence_classes(released: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Group rows that share every column of ``released``: ``(class id per row, size per class)``.

    Examples
    --------
    >>> import pandas as pd
    >>> ids, sizes = equivalence_classes(pd.DataFrame({"a": ["x", "x", "y"], "b": ["1", "1", "1"]}))
    >>> ids.tolist(), sizes.tolist()
    ([0, 0, 1], [2, 1])
    """
    if released.shape[1] == 0:
        return np.zeros(len(released), dtype=int), np.array([len(released)])
    ids = released.groupby(list(released.columns), sort=True).ngroup().to_numpy()
    return ids, np.bincount(ids)


def k_anonymity(table: pd.DataFrame, quasi_identifiers) -> int:
    """The table's k: the size of its smallest equivalence class over ``quasi_identifiers`` (Sweeney 2002).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"age": ["30-39"] * 3 + ["40-49"] * 2, "zip": ["021**"] * 5})
    >>> k_anonymity(t, ["age", "zip"]), k_anonymity(t, ["zip"])
    (2, 5)
    """
    _, sizes = equivalence_classes(table[list(quasi_identifiers)].astype(str))
    return int(sizes.min()) if len(table) else 0


def distinct_l(class_ids: np.ndarray, sensitive: np.ndarray, n_classes: int) -> np.ndarray:
    """Distinct l-diversity of each class: how many different sensitive values it holds.

    Machanavajjhala et al. 2007, "distinct l-diversity". A class with l = 1 reveals the sensitive
    value of everyone known to be in it (the homogeneity attack) even when k is large.

    Examples
    --------
    >>> distinct_l(np.array([0, 0, 1, 1, 1]), np.array(["flu", "flu", "flu", "cancer", "flu"]), 2).tolist()
    [1, 2]
    """
    import pandas as pd

    codes = pd.factorize(np.asarray(sensitive))[0]
    pairs = np.unique(np.column_stack([class_ids, codes]), axis=0)
    return np.bincount(pairs[:, 0], minlength=n_classes)


def certainty_penalty(table: pd.DataFrame, quasi_identifiers, rule: Generalisation) -> np.ndarray:
    """Normalised certainty penalty of each row and quasi-identifier (Xu et al. 2006), shape (rows, QIs).

    For a numeric attribute generalised to an interval ``[lo, hi]`` (clipped to the observed range),
    NCP = ``(hi - lo) / (max - min)``, so an exact age costs 0 and a removed one 1. For a categorical
    attribute generalised to a node ``u`` of its hierarchy, NCP = 0 if ``u`` is a single value and
    ``|u| / |A|`` otherwise, where ``|u|`` counts the distinct values of the table under ``u`` and
    ``|A|`` all of them: a ZIP prefix covers the table's ZIP codes that start with it; "not married"
    covers single, divorced and widowed. A removed column covers everything and costs 1.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"age": [20, 25, 40], "zip": ["02139", "02141", "01720"],
    ...                   "gender": ["female", "male", "male"], "marital_status": ["single"] * 3})
    >>> certainty_penalty(t, ["age", "zip"], Generalisation(10, 3)).round(3).tolist()
    [[0.45, 0.667], [0.45, 0.667], [0.0, 0.0]]
    """
    import pandas as pd

    columns = check_quasi_identifiers(quasi_identifiers)
    out = np.zeros((len(table), len(columns)))
    for j, column in enumerate(columns):
        values = table[column]
        if column == "age":
            ages = values.to_numpy(dtype=float)
            low, high = ages.min(), ages.max()
            if rule.age_bin is None:
                out[:, j] = 1.0
            elif high > low:
                lo = (ages // rule.age_bin) * rule.age_bin
                hi = lo + rule.age_bin - 1
                out[:, j] = (np.minimum(hi, high) - np.maximum(lo, low)) / (high - low)
        elif column == "zip":
            d = rule.zip_digits
            out[:, j] = _category_penalty(values, values.str[:d] if d else pd.Series("", index=values.index))
        elif column == "gender":
            kept = rule.gender == "kept"
            out[:, j] = _category_penalty(values, values if kept else pd.Series("", index=values.index))
        else:
            level = rule.marital_status
            node = (values if level == "kept" else
                    pd.Series(np.where(values == "married", "married", "not married"), index=values.index)
                    if level == "married or not" else pd.Series("", index=values.index))
            out[:, j] = _category_penalty(values, node)
    return out


def _category_penalty(values: pd.Series, node: pd.Series) -> np.ndarray:
    """``|u| / |A|`` per row (0 when the node holds one value), ``node`` naming each row's node."""
    import pandas as pd

    total = values.nunique()
    under = pd.DataFrame({"v": values.to_numpy(), "u": node.to_numpy()}).groupby("u")["v"].transform("nunique")
    under = under.to_numpy(dtype=float)
    return np.where(under <= 1, 0.0, under / max(total, 1))


# --------------------------------------------------------------------------------------------
# the whole report
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PrivacyReport:
    """One anonymisation of a table: classes, k, what suppression takes, information loss, l."""

    quasi_identifiers: tuple
    rule: Generalisation
    target_k: int
    released: pd.DataFrame          # generalised quasi-identifiers, every row (before suppression)
    class_ids: np.ndarray           # equivalence class of each row
    class_sizes: np.ndarray         # rows per class
    class_l: np.ndarray             # distinct sensitive values per class
    suppressed: np.ndarray          # bool per row: in a class smaller than target_k
    info_loss: float                # global certainty penalty with suppressed rows at 1, 0..1
    info_loss_before: float         # the same before suppression (generalisation alone)
    discernibility: int             # Bayardo and Agrawal's C_DM
    outcome_all: float | None       # mean outcome over all rows
    outcome_released: float | None  # mean outcome over the rows kept

    @property
    def n_rows(self) -> int:
        return len(self.class_ids)

    @property
    def k(self) -> int:
        """The table's k before suppression: its smallest class."""
        return int(self.class_sizes.min())

    @property
    def n_classes(self) -> int:
        return len(self.class_sizes)

    @property
    def classes_below_k(self) -> int:
        return int((self.class_sizes < self.target_k).sum())

    @property
    def rows_suppressed(self) -> int:
        return int(self.suppressed.sum())

    @property
    def suppressed_share(self) -> float:
        return self.rows_suppressed / self.n_rows

    @property
    def k_after(self) -> int:
        """k of the released table after suppression (0 when nothing is left)."""
        kept = self.class_sizes[self.class_sizes >= self.target_k]
        return int(kept.min()) if kept.size else 0

    @property
    def l_after(self) -> int:
        """Distinct l of the released table: the fewest sensitive values in a kept class (0 if none kept)."""
        kept = self.class_l[self.class_sizes >= self.target_k]
        return int(kept.min()) if kept.size else 0

    @property
    def classes_with_one_value(self) -> int:
        """Released classes in which everybody has the same sensitive value (l = 1)."""
        return int(((self.class_l == 1) & (self.class_sizes >= self.target_k)).sum())

    def say(self, l_diversity: bool = False) -> str:
        """The interview sentence, built from the numbers."""
        names = _join([LABELS[c] for c in self.quasi_identifiers])
        role = "a quasi-identifier" if len(self.quasi_identifiers) == 1 else "quasi-identifiers"
        groups = "1 group" if self.n_classes == 1 else f"{self.n_classes:,} groups"
        text = (f"Treating {names} as {role}, with {self.rule.describe(self.quasi_identifiers)}, "
                f"the {self.n_rows:,} rows fall into {groups} and the smallest has {_people(self.k)} (k={self.k}). ")
        if self.classes_below_k == 0:
            text += f"The table is already {self.target_k}-anonymous: no row needs suppressing. "
        elif self.rows_suppressed == self.n_rows:
            text += (f"No group reaches {self.target_k} people, so k={self.target_k} would suppress every row: "
                     "coarsen the quasi-identifiers instead. ")
        else:
            text += (f"Reaching k={self.target_k} means suppressing {self.rows_suppressed:,} rows "
                     f"({self.suppressed_share:.1%}) in {self.classes_below_k:,} groups. ")
        text += (f"The release keeps {1 - self.info_loss:.0%} of the detail in those columns (normalised "
                 f"certainty penalty {self.info_loss:.2f}). ")
        if self.outcome_all is not None and self.outcome_released is not None and self.rows_suppressed:
            shift = self.outcome_released / self.outcome_all - 1
            text += (f"The released rows' mean yearly cost is ${self.outcome_released:,.0f} against "
                     f"${self.outcome_all:,.0f} for everyone ({shift:+.1%}): ")
            text += ("suppression removes the rare people, not a random sample, and that biases what analysts "
                     "measure. " if abs(shift) >= 0.01 else "here suppression barely moves it. ")
        if l_diversity and self.rows_suppressed < self.n_rows:
            if self.l_after == 1:
                groups = ("1 released group shares" if self.classes_with_one_value == 1 else
                          f"{self.classes_with_one_value:,} released groups share")
                text += (f"Still, {groups} a single diagnosis (l=1): "
                         "anyone known to be in one of them has their diagnosis revealed, so aim for l-diversity "
                         "too or coarsen further. ")
            else:
                text += (f"Every released group holds at least {self.l_after} different diagnoses (l={self.l_after}), "
                         "so knowing someone's group does not reveal their diagnosis outright. ")
        return text + "Say which columns an attacker could join on, the k you target and why, and what analysts lose."


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n:,} people"


def anonymise(table: pd.DataFrame, quasi_identifiers, rule: Generalisation, target_k: int,
              sensitive: str | None = SENSITIVE, outcome: str | None = OUTCOME) -> PrivacyReport:
    """Generalise, group, suppress the classes below ``target_k`` and measure what is lost.

    Information loss is the global certainty penalty of Xu et al. 2006: the mean over rows and
    chosen quasi-identifiers of :func:`certainty_penalty`, a suppressed row counting 1 in every
    column. The discernibility metric (Bayardo and Agrawal 2005) charges each released row the size
    of its class and each suppressed row the size of the table: ``sum |E|^2 + n_suppressed * n``.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``age`` (int), ``zip`` (5-digit str), ``gender``, ``marital_status`` as needed, plus
        ``sensitive`` and ``outcome`` when they are not ``None``.
    quasi_identifiers : iterable of str
        The columns an attacker could join on; at least one.
    rule : Generalisation
        How much to coarsen each one.
    target_k : int
        The k the release must reach, at least 1.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"age": [31, 35, 38, 44, 47, 62],
    ...                   "zip": ["02139", "02141", "02139", "02139", "02141", "01720"],
    ...                   "gender": ["f", "f", "f", "m", "m", "f"], "marital_status": ["single"] * 6,
    ...                   "diagnosis": ["flu", "flu", "asthma", "flu", "flu", "cancer"],
    ...                   "yearly_cost": [100, 200, 300, 400, 500, 6000]})
    >>> r = anonymise(t, ["age", "zip"], Generalisation(age_bin=10, zip_digits=3), target_k=2)
    >>> r.k, r.class_sizes.tolist(), r.rows_suppressed, r.k_after, r.l_after
    (1, [3, 2, 1], 1, 2, 1)
    >>> r.discernibility
    19
    """
    columns = check_quasi_identifiers(quasi_identifiers, len(table))
    target_k = check_k(target_k)
    if len(table) == 0:
        raise ValueError("The table has no rows.")
    released = generalise(table, columns, rule)
    ids, sizes = equivalence_classes(released)
    suppressed = sizes[ids] < target_k
    penalty = certainty_penalty(table, columns, rule)
    loss_before = float(penalty.mean())
    penalty[suppressed] = 1.0
    class_l = (distinct_l(ids, table[sensitive].to_numpy(), len(sizes)) if sensitive is not None
               else np.ones(len(sizes), dtype=int))
    kept_sizes = sizes[sizes >= target_k]
    discernibility = int((kept_sizes ** 2).sum() + suppressed.sum() * len(table))
    outcome_all = outcome_released = None
    if outcome is not None:
        values = table[outcome].to_numpy(dtype=float)
        outcome_all = float(values.mean())
        outcome_released = float(values[~suppressed].mean()) if (~suppressed).any() else None
    return PrivacyReport(columns, rule, target_k, released, ids, sizes, class_l, suppressed,
                         float(penalty.mean()), loss_before, discernibility, outcome_all, outcome_released)


@lru_cache(maxsize=256)
def sample_report(quasi_identifiers: tuple, rule: Generalisation, target_k: int) -> PrivacyReport:
    """:func:`anonymise` on the shipped sample table, cached per setting (the widget's study)."""
    return anonymise(load_people_sample(), quasi_identifiers, rule, target_k)
