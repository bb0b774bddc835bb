"""The usual architecture for each problem type, as data: boxes with a role and a cost, and arrows.

``data/architectures.json`` holds one architecture per problem type of ``framework.json``. This
module validates it (a malformed file is an :class:`ArchitectureError` naming the place and the
field), computes the latency of the online path and a layered left-to-right layout, and writes the
"say it in the interview" sentence. It draws nothing: :mod:`widgets.views.architectures` does.

Conventions
-----------
* A box is ``online`` when it sits on the request path (a user waits for it) and ``offline`` when
  it runs as a batch or streaming job off that path. Only online boxes carry a latency, in
  milliseconds; offline boxes state their volume and cadence instead.
* Figures are typical orders of magnitude, each with a one-line reason in the box's ``why``.
* An edge marked ``feedback`` carries what serving logs back into training. It closes the loop
  (serving -> logs -> training -> serving), so it is left out of the layout and of cycle checks;
  every other edge must go forward.
* The online latency is the sum of the latencies along the slowest chain of online boxes joined by
  online -> online edges (the critical path). For a single chain it is simply the sum of all online
  boxes. Parallel calls and network hops between boxes are not added.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from widgets.practice.data import data_path
from widgets.practice.framework import PROBLEM_TYPES

ARCHITECTURES_FILE = "architectures.json"
MODES = ("online", "offline")

#: Layout geometry, in diagram units: distance between layer centres, box size, and the vertical
#: distances between stacked boxes and between the online and offline rows.
COLUMN_STEP = 3.3
BOX_WIDTH = 1.9
BOX_HEIGHT = 1.15
STACK_STEP = 1.5
ROW_GAP = 3.0

_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


class ArchitectureError(ValueError):
    """``architectures.json`` is malformed; the message names the place and the field."""


def pretty(text: str) -> str:
    """Write powers of ten with superscripts and arrows as arrows, for display.

    Examples
    --------
    >>> pretty("10^8 items -> ~1,000 candidates")
    '10⁸ items → ~1,000 candidates'
    """
    out, i = [], 0
    while i < len(text):
        if text.startswith("^", i) and i + 1 < len(text) and text[i + 1].isdigit():
            j = i + 1
            while j < len(text) and text[j].isdigit():
                j += 1
            out.append(text[i + 1:j].translate(_SUPERSCRIPTS))
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out).replace("->", "→")


def format_ms(ms: float) -> str:
    """A latency in milliseconds as shown: whole milliseconds with thousands separators.

    Examples
    --------
    >>> format_ms(37), format_ms(3260), format_ms(0.5)
    ('37', '3,260', '0.5')
    """
    if ms < 10 and ms != int(ms):
        return f"{ms:.1f}"
    return f"{ms:,.0f}"


@dataclass(frozen=True)
class Box:
    """One component: what it does (``role``) and what it costs (latency in ms, volume in -> out)."""

    id: str
    name: str
    mode: str
    role: str
    latency_ms: float | None
    scale: str
    why: str

    @property
    def online(self) -> bool:
        return self.mode == "online"

    @property
    def cost(self) -> str:
        """The cost as one line: typical latency (online boxes) and items in -> items out.

        Examples
        --------
        >>> architecture("recommendation").box("candidates").cost
        '~10 ms · 10⁸ items → ~1,000 candidates'
        """
        scale = pretty(self.scale)
        return f"~{format_ms(self.latency_ms)} ms · {scale}" if self.latency_ms is not None else scale


@dataclass(frozen=True)
class Edge:
    """An arrow from one box to another; ``feedback`` edges carry serving logs back to training."""

    source: str
    target: str
    label: str
    feedback: bool = False


@dataclass(frozen=True)
class Architecture:
    """The boxes and arrows of one problem type's usual architecture."""

    problem_type: str
    title: str
    summary: str
    boxes: tuple[Box, ...]
    edges: tuple[Edge, ...]

    def box(self, box_id: str) -> Box:
        for b in self.boxes:
            if b.id == box_id:
                return b
        raise ValueError(f"The {self.problem_type} architecture has no box {box_id!r}; "
                         f"choose one of {', '.join(b.id for b in self.boxes)}.")

    @property
    def online_boxes(self) -> tuple[Box, ...]:
        return tuple(b for b in self.boxes if b.online)

    @property
    def offline_boxes(self) -> tuple[Box, ...]:
        return tuple(b for b in self.boxes if not b.online)

    def edges_of(self, box_id: str) -> tuple[tuple[Edge, ...], tuple[Edge, ...]]:
        """The edges into and out of a box."""
        return (tuple(e for e in self.edges if e.target == box_id),
                tuple(e for e in self.edges if e.source == box_id))

    def online_path(self) -> tuple[Box, ...]:
        """The slowest chain of online boxes joined by online -> online edges (the critical path).

        A longest-path pass over the boxes in topological order, weighting each box by its latency;
        ties go to the box listed first in the file.

        Examples
        --------
        >>> [b.id for b in architecture("recommendation").online_path()]
        ['candidates', 'online_features', 'ranker', 'rerank']
        """
        online = {b.id: b for b in self.online_boxes}
        best: dict[str, float] = {}
        previous: dict[str, str | None] = {}
        for box_id in _topological_order(self):
            if box_id not in online:
                continue
            preds = [e.source for e in self.edges
                     if e.target == box_id and not e.feedback and e.source in online]
            before = max(preds, key=lambda p: best[p], default=None)
            best[box_id] = online[box_id].latency_ms + (best[before] if before else 0.0)
            previous[box_id] = before
        end = max((b.id for b in self.online_boxes), key=lambda b: best[b])
        path = [end]
        while previous[path[-1]] is not None:
            path.append(previous[path[-1]])
        return tuple(online[b] for b in reversed(path))

    @property
    def online_latency_ms(self) -> float:
        """Total latency of the online path in milliseconds: the sum of its boxes' latencies.

        Examples
        --------
        >>> architecture("recommendation").online_latency_ms   # 10 + 5 + 20 + 2
        37.0
        """
        return float(sum(b.latency_ms for b in self.online_path()))

    def say(self) -> str:
        """The "say it in the interview" sentence, from the boxes and their numbers.

        Examples
        --------
        >>> "about 37 ms per request" in architecture("recommendation").say()
        True
        """
        path = self.online_path()
        total = self.online_latency_ms
        slowest = max(path, key=lambda b: b.latency_ms)
        steps = ", then ".join(f"{_lower_first(b.name)} (~{format_ms(b.latency_ms)} ms)" for b in path)
        offline = _join([_lower_first(b.name) for b in self.offline_boxes])
        feedback = [e for e in self.edges if e.feedback]
        loop = ""
        if feedback:
            targets = _join([_lower_first(self.box(e.target).name) for e in feedback], unique=True)
            loop = (f" Whatever the request path logs flows back into {targets}, which closes the loop, "
                    "so I would watch for the model learning from its own decisions.")
        return (f"For a {self.problem_type} problem I would sketch {_lower_first(self.title)}. On the request "
                f"path: {steps}, about {format_ms(total)} ms per request, {100 * slowest.latency_ms / total:.0f}% "
                f"of it in the {_lower_first(slowest.name)}. Off the request path, {offline} run as batch or "
                f"streaming jobs, so the heavy work never makes a user wait.{loop}")


@dataclass(frozen=True)
class Placement:
    """Where a box goes: its layer (column), row (online or offline), slot in a stacked column, centre."""

    box_id: str
    layer: int
    mode: str
    slot: int
    x: float
    y: float


@dataclass(frozen=True)
class Layout:
    """Box centres in diagram units, with the extent of the drawing and the box size."""

    placements: tuple[Placement, ...]
    box_width: float
    box_height: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    online_band: tuple[float, float]
    offline_band: tuple[float, float]

    def placement(self, box_id: str) -> Placement:
        for p in self.placements:
            if p.box_id == box_id:
                return p
        raise KeyError(box_id)

    @property
    def n_layers(self) -> int:
        return 1 + max(p.layer for p in self.placements)


@lru_cache(maxsize=32)
def layout(arch: Architecture) -> Layout:
    """A layered left-to-right layout: online boxes in the top row, offline boxes in the bottom row.

    Layers come from a longest-path pass over the non-feedback edges: an edge within a row moves its
    target at least one layer right of its source, and an edge between the rows at least to the
    same layer (drawn vertically or to the right). A box with no incoming edge is then moved as far
    right as the nearest box it feeds allows. Boxes sharing a row and a layer are stacked away from the other
    row, boxes with an edge across the rows nearest to it.

    Examples
    --------
    >>> lay = layout(architecture("recommendation"))
    >>> [lay.placement(b).layer for b in ("logs", "training", "candidates", "rerank")]
    [0, 2, 3, 6]
    """
    order = _topological_order(arch)
    mode = {b.id: b.mode for b in arch.boxes}
    forward = [e for e in arch.edges if not e.feedback]

    def step(e: Edge) -> int:
        return 1 if mode[e.source] == mode[e.target] else 0

    layer = {box_id: 0 for box_id in order}
    for box_id in order:
        for e in forward:
            if e.target == box_id:
                layer[box_id] = max(layer[box_id], layer[e.source] + step(e))
    for box_id in order:
        has_inputs = any(e.target == box_id for e in forward)
        outputs = [e for e in forward if e.source == box_id]
        if outputs and not has_inputs:
            layer[box_id] = min(layer[e.target] - step(e) for e in outputs)

    crosses = {e.source for e in forward if step(e) == 0} | {e.target for e in forward if step(e) == 0}
    index = {b.id: i for i, b in enumerate(arch.boxes)}
    slots: dict[tuple[str, int], list[str]] = {}
    for b in sorted(arch.boxes, key=lambda b: (b.id not in crosses, index[b.id])):
        slots.setdefault((b.mode, layer[b.id]), []).append(b.id)

    stack = {m: max((len(ids) for (mm, _), ids in slots.items() if mm == m), default=1) for m in MODES}
    placements = []
    for (m, lay), ids in slots.items():
        for slot, box_id in enumerate(ids):
            offset = ROW_GAP / 2 + slot * STACK_STEP
            placements.append(Placement(box_id, lay, m, slot, lay * COLUMN_STEP, offset if m == "online" else -offset))
    placements.sort(key=lambda p: index[p.box_id])
    n_layers = 1 + max(layer.values())
    half_h = BOX_HEIGHT / 2 + 0.3
    top = ROW_GAP / 2 + (stack["online"] - 1) * STACK_STEP + half_h
    bottom = -(ROW_GAP / 2 + (stack["offline"] - 1) * STACK_STEP + half_h)
    return Layout(
        placements=tuple(placements), box_width=BOX_WIDTH, box_height=BOX_HEIGHT,
        xlim=(-BOX_WIDTH / 2 - 1.0, (n_layers - 1) * COLUMN_STEP + BOX_WIDTH / 2 + 0.7),
        ylim=(bottom - 0.9, top + 0.5),   # room below for the feedback arcs, above for the row title
        online_band=(ROW_GAP / 2 - half_h, top), offline_band=(bottom, -ROW_GAP / 2 + half_h))


# --------------------------------------------------------------------------------------------
# loading and validation
# --------------------------------------------------------------------------------------------
def load_architectures() -> tuple[Architecture, ...]:
    """Load and validate ``architectures.json``, one architecture per problem type, in the framework's order.

    Read through :func:`widgets.practice.data.data_path` (so ``MLSD_WORKBOOK_DATA`` points it elsewhere) and
    cached per file path and modification time.

    Examples
    --------
    >>> [a.problem_type for a in load_architectures()]
    ['recommendation', 'regression', 'classification', 'generation', 'ranking']
    """
    path = data_path(ARCHITECTURES_FILE)
    stat = path.stat()
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


def architecture(problem_type: str) -> Architecture:
    """The architecture of one problem type; a clear ``ValueError`` for an unknown type.

    Examples
    --------
    >>> architecture("ranking").title
    'Multi-stage search ranking'
    >>> architecture("clustering")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Unknown problem type 'clustering'; choose one of recommendation, regression, ...
    """
    for arch in load_architectures():
        if arch.problem_type == problem_type:
            return arch
    raise ValueError(f"Unknown problem type {problem_type!r}; choose one of {', '.join(PROBLEM_TYPES)}.")


@lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int, _size: int) -> tuple[Architecture, ...]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArchitectureError(f"{path} is not valid JSON: {exc}") from exc
    return parse_architectures(raw, source=ARCHITECTURES_FILE)


def parse_architectures(raw, source: str = ARCHITECTURES_FILE) -> tuple[Architecture, ...]:
    """Validate an architectures document (the parsed JSON) and build the typed records.

    Checks that every problem type has exactly one architecture, that box ids are unique, that
    online boxes have a positive latency, that every edge joins known boxes, and that the edges
    other than feedback edges have no cycle.

    Examples
    --------
    >>> doc = json.loads(data_path(ARCHITECTURES_FILE).read_text())
    >>> doc["architectures"][0]["edges"][0]["to"] = "nowhere"
    >>> parse_architectures(doc)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    widgets.tools.architectures.ArchitectureError: architectures.json, recommendation, edge 1: 'to' is 'nowhere', ...
    """
    if not isinstance(raw, dict) or not isinstance(raw.get("architectures"), list):
        raise ArchitectureError(f"{source}: the top level must be an object with an 'architectures' list.")
    found: dict[str, Architecture] = {}
    for i, a in enumerate(raw["architectures"], start=1):
        where = f"{source}, architecture {i}"
        if not isinstance(a, dict):
            raise ArchitectureError(f"{where}: must be an object.")
        ptype = _text(a, "problem_type", where)
        if ptype not in PROBLEM_TYPES:
            raise ArchitectureError(f"{where}: problem_type {ptype!r} is not one of {', '.join(PROBLEM_TYPES)}.")
        if ptype in found:
            raise ArchitectureError(f"{where}: a second architecture for {ptype!r}.")
        found[ptype] = _parse_one(a, ptype, f"{source}, {ptype}")
    missing = [p for p in PROBLEM_TYPES if p not in found]
    if missing:
        raise ArchitectureError(f"{source}: no architecture for problem type {', '.join(repr(m) for m in missing)}.")
    return tuple(found[p] for p in PROBLEM_TYPES)


def _parse_one(a: dict, ptype: str, where: str) -> Architecture:
    boxes_raw = a.get("boxes")
    if not isinstance(boxes_raw, list) or not boxes_raw:
        raise ArchitectureError(f"{where}: field 'boxes' must be a non-empty list.")
    boxes = []
    for j, b in enumerate(boxes_raw, start=1):
        w = f"{where}, box {j}"
        if not isinstance(b, dict):
            raise ArchitectureError(f"{w}: must be an object.")
        mode = _text(b, "mode", w)
        if mode not in MODES:
            raise ArchitectureError(f"{w}: mode must be 'online' or 'offline', got {mode!r}.")
        latency = b.get("latency_ms")
        if latency is not None and (isinstance(latency, bool) or not isinstance(latency, (int, float))
                                    or not latency > 0):
            raise ArchitectureError(f"{w}: latency_ms must be a positive number of milliseconds or null.")
        if mode == "online" and latency is None:
            raise ArchitectureError(f"{w}: an online box needs latency_ms (typical milliseconds).")
        boxes.append(Box(id=_text(b, "id", w), name=_text(b, "name", w), mode=mode, role=_text(b, "role", w),
                         latency_ms=None if latency is None else float(latency), scale=_text(b, "scale", w),
                         why=_text(b, "why", w)))
    ids = [b.id for b in boxes]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ArchitectureError(f"{where}: box id {duplicated[0]!r} is used twice.")
    if not any(b.online for b in boxes):
        raise ArchitectureError(f"{where}: at least one box must be online (on the request path).")
    edges_raw = a.get("edges")
    if not isinstance(edges_raw, list):
        raise ArchitectureError(f"{where}: field 'edges' must be a list.")
    edges = []
    for j, e in enumerate(edges_raw, start=1):
        w = f"{where}, edge {j}"
        if not isinstance(e, dict):
            raise ArchitectureError(f"{w}: must be an object.")
        ends = []
        for end in ("from", "to"):
            box_id = _text(e, end, w)
            if box_id not in ids:
                raise ArchitectureError(f"{w}: {end!r} is {box_id!r}, which is not one of its boxes.")
            ends.append(box_id)
        if ends[0] == ends[1]:
            raise ArchitectureError(f"{w}: an edge cannot go from a box to itself.")
        feedback = e.get("feedback", False)
        if not isinstance(feedback, bool):
            raise ArchitectureError(f"{w}: 'feedback' must be true or false.")
        edges.append(Edge(ends[0], ends[1], _text(e, "label", w), feedback))
    arch = Architecture(ptype, _text(a, "title", where), _text(a, "summary", where), tuple(boxes), tuple(edges))
    _topological_order(arch, where)   # raises on a cycle
    return arch


def _topological_order(arch: Architecture, where: str = "") -> tuple[str, ...]:
    """Box ids in an order where every non-feedback edge goes forward (Kahn's algorithm, file order on ties)."""
    forward = [e for e in arch.edges if not e.feedback]
    indegree = {b.id: 0 for b in arch.boxes}
    for e in forward:
        indegree[e.target] += 1
    order: list[str] = []
    ready = [b.id for b in arch.boxes if indegree[b.id] == 0]
    while ready:
        box_id = ready.pop(0)
        order.append(box_id)
        for e in forward:
            if e.source == box_id:
                indegree[e.target] -= 1
                if indegree[e.target] == 0:
                    ready.append(e.target)
    if len(order) < len(arch.boxes):
        stuck = [b.id for b in arch.boxes if b.id not in order]
        raise ArchitectureError(f"{where or arch.problem_type}: the edges form a loop through "
                                f"{', '.join(stuck)}; mark the edge that closes it with \"feedback\": true.")
    return tuple(order)


def _text(obj: dict, field: str, where: str) -> str:
    value = obj.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ArchitectureError(f"{where}: field {field!r} must be a non-empty string.")
    return value


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym ("LLM generation")."""
    first = text.split()[0]
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]


def _join(items: list[str], unique: bool = False) -> str:
    if unique:
        items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
