"""Step 3's architecture diagram: the usual boxes and arrows for a problem type, drawn from
``data/architectures.json`` (see :mod:`widgets.tools.architectures`), with each box's role and cost.

The figure is drawn once per (architecture, highlighted box) and the PNG is cached, so switching
back and forth costs nothing after the first view.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

import ipywidgets as W
import numpy as np

from widgets.practice.data import DataFileError
from widgets.tools import architectures as A
from widgets.views._base import ToolView
from widgets.views._figures import DATA_TEXT, encode_png, new_figure, png_shown_width
from widgets.views._html import Cell, Markup, Row, error_html, html, table_html
from widgets.views._palette import BLUE, DARK_GREY, GREY, ORANGE, PALETTE

#: Inches per diagram unit: a layer is ``A.COLUMN_STEP`` units wide.
INCHES_PER_UNIT = 0.45
_STYLE = {
    "online": dict(face="#dbeafe", edge=BLUE, band=PALETTE["current"]),
    "offline": dict(face="#f3f4f6", edge="#6b7280", band="#f9fafb"),
    "highlight": dict(face=PALETTE["highlight"], edge=ORANGE),
}
_ROW_TITLES = {"online": "online", "offline": "offline"}
_NO_BOX = ""


def draw_diagram(arch: A.Architecture, highlight: str | None = None):
    """The diagram as a matplotlib figure (no pyplot): boxes in their layout, arrows with labels."""
    from matplotlib.patches import FancyBboxPatch, Rectangle

    lay = A.layout(arch)
    (x0, x1), (y0, y1) = lay.xlim, lay.ylim
    fig, (ax,) = new_figure((x1 - x0) * INCHES_PER_UNIT, (y1 - y0) * INCHES_PER_UNIT)
    fig.set_layout_engine("none")
    ax.set_position([0, 0, 1, 1])
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.axis("off")
    for mode, (b0, b1) in (("online", lay.online_band), ("offline", lay.offline_band)):
        ax.add_patch(Rectangle((x0 + 0.15, b0), x1 - x0 - 0.3, b1 - b0, facecolor=_STYLE[mode]["band"],
                               edgecolor="none", zorder=0))
        ax.text(x0 + 0.45, (b0 + b1) / 2, _ROW_TITLES[mode], rotation=90, ha="center", va="center",
                fontsize=7.5, style="italic", color=_STYLE[mode]["edge"])

    w, h = lay.box_width, lay.box_height
    patches = {}
    for p in lay.placements:
        box = arch.box(p.box_id)
        style = _STYLE["highlight"] if p.box_id == highlight else _STYLE[p.mode]
        patch = FancyBboxPatch((p.x - w / 2, p.y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.12",
                               facecolor=style["face"], edgecolor=style["edge"],
                               linewidth=2.6 if p.box_id == highlight else 1.2, zorder=3)
        ax.add_patch(patch)
        patches[p.box_id] = patch
        name = textwrap.fill(box.name, 11, break_long_words=False)
        size = 8 if max(map(len, box.name.split())) <= 11 else 7   # "understanding" needs the smaller size
        if box.online:
            ax.text(p.x, p.y + 0.12, name, ha="center", va="center", fontsize=size, zorder=4, linespacing=1.0,
                    **DATA_TEXT)
            ax.text(p.x, p.y - h / 2 + 0.16, f"~{A.format_ms(box.latency_ms)} ms", ha="center", va="center",
                    fontsize=7.5, color=_STYLE["online"]["edge"], weight="bold", zorder=4)
        else:
            ax.text(p.x, p.y, name, ha="center", va="center", fontsize=size, zorder=4, linespacing=1.0, **DATA_TEXT)

    placed = [(p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2) for p in lay.placements]
    n_feedback = 0
    for e in sorted(arch.edges, key=lambda e: e.feedback):
        touches = highlight in (e.source, e.target)
        colour = _STYLE["highlight"]["edge"] if touches else (GREY if e.feedback else DARK_GREY)
        width = 1.8 if touches else 1.0
        label = e.label if e.feedback else textwrap.fill(e.label, 12)
        if e.feedback:
            arrow, label_at = _feedback_arrow(lay, e, n_feedback)
            n_feedback += 1
            arrow.set(color=colour, linewidth=width, linestyle=(0, (4, 2)))
        else:
            arrow, curve = _forward_arrow(lay, e, patches)
            arrow.set(color=colour, linewidth=width)
            label_at = _free_spot(curve, _label_size(label), placed)
        ax.add_patch(arrow)
        ax.text(*label_at, label, ha="center", va="center", fontsize=_LABEL_PT, color=colour, zorder=5,
                linespacing=1.0, bbox=dict(boxstyle="round,pad=0.1", facecolor="white", edgecolor="none", alpha=0.85),
                **DATA_TEXT)
    return fig


_LABEL_PT = 6.5
_ALONG = (0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75, 0.2, 0.8)


def _label_size(label: str) -> tuple[float, float]:
    """Rough width and height of an edge label in diagram units (average glyph ~0.6 em wide)."""
    lines = label.split("\n")
    unit = _LABEL_PT / 72 / INCHES_PER_UNIT
    return max(map(len, lines)) * 0.6 * unit + 0.1, len(lines) * 1.2 * unit + 0.06


def _free_spot(curve, size, placed: list) -> tuple[float, float]:
    """The first point along the edge (middle first) where the label overlaps no box and no earlier
    label; the middle when none is free. The chosen spot is added to ``placed``."""
    w, h = size
    spots = [curve(t) for t in _ALONG]

    def clear(x, y):
        return all(x + w / 2 < x0 or x - w / 2 > x1 or y + h / 2 < y0 or y - h / 2 > y1 for x0, y0, x1, y1 in placed)

    x, y = next((spot for spot in spots if clear(*spot)), spots[0])
    placed.append((x - w / 2, y - h / 2, x + w / 2, y + h / 2))
    return x, y


def _forward_arrow(lay: A.Layout, e: A.Edge, patches: dict):
    """The arrow between two boxes and its curve as a function of t in [0, 1]."""
    from matplotlib.patches import FancyArrowPatch

    a, b = lay.placement(e.source), lay.placement(e.target)
    rad = 0.0
    if a.mode == b.mode and a.y == b.y and b.layer - a.layer > 1:
        # Arc around the boxes it skips, by ~0.95 units at the middle: away from the other row, or
        # towards it when a box is stacked on the far side of a skipped layer.
        skipped = [p for p in lay.placements if p.mode == a.mode and a.layer < p.layer < b.layer]
        away = not any(p.slot > a.slot for p in skipped)
        rad = min(0.35, 2 * 0.95 / (b.x - a.x))
        rad = rad if (a.mode == "offline") == away else -rad
    arrow = FancyArrowPatch((a.x, a.y), (b.x, b.y), patchA=patches[e.source], patchB=patches[e.target],
                            arrowstyle="-|>", mutation_scale=10, shrinkA=1, shrinkB=1,
                            connectionstyle=f"arc3,rad={rad}", zorder=2)
    dx, dy = b.x - a.x, b.y - a.y
    # arc3 is a quadratic Bezier whose control point is the chord's midpoint shifted by rad * (dy, -dx)
    cx, cy = a.x + dx / 2 + rad * dy, a.y + dy / 2 - rad * dx

    def curve(t: float) -> tuple[float, float]:
        u = 1 - t
        return u * u * a.x + 2 * u * t * cx + t * t * b.x, u * u * a.y + 2 * u * t * cy + t * t * b.y

    return arrow, curve


def _feedback_arrow(lay: A.Layout, e: A.Edge, k: int):
    """A feedback edge routed around the rows: out of the source's right side, along the bottom,
    up the left side of the target and into it."""
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path

    a, b = lay.placement(e.source), lay.placement(e.target)
    w = lay.box_width
    bottom = lay.offline_band[0] - 0.3 - 0.25 * k
    right = a.x + w / 2 + 0.25 + 0.1 * k
    left = b.x - w / 2 - 0.25
    verts = [(a.x + w / 2, a.y), (right, a.y), (right, bottom), (left, bottom), (left, b.y), (b.x - w / 2, b.y)]
    path = Path(verts, [Path.MOVETO] + [Path.LINETO] * (len(verts) - 1))
    arrow = FancyArrowPatch(path=path, arrowstyle="-|>", mutation_scale=10, zorder=2)
    return arrow, ((right + left) / 2, bottom)


@lru_cache(maxsize=64)
def diagram_png(arch: A.Architecture, highlight: str | None = None) -> bytes:
    """PNG bytes of the diagram, cached per (architecture, highlighted box).

    Drawn once on the Agg canvas and encoded with :func:`plotting.encode_png` (fast compression):
    about a third quicker than ``savefig``, which draws the figure a second time.
    """
    fig = draw_diagram(arch, highlight)
    fig.canvas.draw()
    return encode_png(np.asarray(fig.canvas.buffer_rgba()))


class ArchitectureDiagram(ToolView):
    """The usual architecture of a problem type, with each box's role and cost and the online latency.

    Controls: ``problem_type`` (a Dropdown of the five types) and ``box`` (a Dropdown of the boxes;
    picking one highlights it and shows its details). Outputs: ``chart`` (the diagram), ``summary``,
    ``details``, ``latency`` (the online total in ``.mlsd-online-latency``), ``numbers`` (the table
    of roles and costs), ``say`` and ``message``. :meth:`select` and :meth:`highlight` do the same
    from code and turn an unknown name into a message. Given a question (``question=`` or
    :meth:`follow`), it shows the question's problem type.
    """

    def __init__(self, problem_type: str = "recommendation", highlight: str | None = None, question=None):
        super().__init__(question=question)
        self.problem_type = W.Dropdown(description="Problem type", layout=W.Layout(width="22em"),
                                       style={"description_width": "initial"})
        self.box = W.Dropdown(description="Box", layout=W.Layout(width="24em"), style={"description_width": "initial"})
        self.summary = W.HTML()
        self.chart.layout = W.Layout(max_width="100%", height="auto")
        self.details = W.HTML()
        self.latency = W.HTML()
        self.children = [W.HBox([self.problem_type, self.box], layout=W.Layout(flex_flow="row wrap")),
                         self.message, self.summary, self.chart, self.details, self.latency, self.numbers, self.say_row]
        self.add_class("mlsd-architecture-diagram")
        self.architectures: dict[str, A.Architecture] = {}
        try:
            self.architectures = {a.problem_type: a for a in A.load_architectures()}
        except (A.ArchitectureError, DataFileError) as exc:
            self.problem_type.disabled = self.box.disabled = True
            self.message.value = error_html(str(exc))
            return
        names = _problem_type_names()
        self.problem_type.options = [(names.get(t, t.capitalize()), t) for t in self.architectures]
        self.problem_type.value = problem_type if problem_type in self.architectures else next(iter(self.architectures))
        self._switching = False
        self._problem = ""
        self.problem_type.observe(self._switch, names="value")
        self.watch(self.box)
        self._switch()
        problems = [] if self.select(problem_type) else [self._problem]
        if highlight is not None and not self.highlight(highlight):
            problems.append(self._problem)
        if problems:
            self.message.value = error_html(" ".join(problems))
        if question is not None:
            self.question = question

    def use_question(self, question) -> None:
        """Show the question's problem type."""
        if self.architectures:
            self.select(question.problem_type)

    @property
    def architecture(self) -> A.Architecture:
        return self.architectures[self.problem_type.value]

    def select(self, problem_type: str) -> bool:
        """Show another problem type. An unknown one is a message (the diagram stays); returns whether it worked."""
        if problem_type not in self.architectures:
            return self._refuse(f"Unknown problem type {problem_type!r}; choose one of "
                                f"{', '.join(self.architectures)}.")
        self.problem_type.value = problem_type
        self.message.value = ""
        return True

    def highlight(self, box_id: str | None) -> bool:
        """Highlight one box by id (``None``: no box). An unknown id is a message; returns whether it worked."""
        if box_id is None:
            self.box.value = _NO_BOX
            return True
        try:
            self.architecture.box(box_id)
        except ValueError as exc:
            return self._refuse(str(exc))
        self.box.value = box_id
        self.message.value = ""
        return True

    def _refuse(self, problem: str) -> bool:
        self._problem = problem
        self.message.value = error_html(problem)
        return False

    def _switch(self, *_) -> None:
        self._switching = True
        try:
            self.box.options = [("none: whole diagram", _NO_BOX)] + [(b.name, b.id) for b in self.architecture.boxes]
            self.box.value = _NO_BOX
        finally:
            self._switching = False
        self.update()

    def update(self) -> None:
        if self._switching or not self.architectures:
            return
        arch = self.architecture
        chosen = self.box.value or None
        self.chart.value = diagram_png(arch, chosen)
        self.chart.layout.width = png_shown_width(self.chart.value)
        self.summary.value = html("<p class='mlsd-architecture-summary'><b>{}.</b> {}</p>", arch.title, arch.summary)
        path = arch.online_path()
        self.latency.value = html(
            "<p>Online path: {} = <b><span class='mlsd-online-latency'>{}</span> ms</b> per request, before network "
            "hops.</p>", " → ".join(f"{b.name} (~{A.format_ms(b.latency_ms)} ms)" for b in path),
            A.format_ms(arch.online_latency_ms))
        self.details.value = _details_html(arch, chosen)
        rows = [Row([Cell(b.name, cls="mlsd-box-name", bold=True), Cell(b.mode, cls="mlsd-box-mode"),
                     Cell(b.role, cls="mlsd-box-role"), Cell(b.cost, cls="mlsd-box-cost"),
                     Cell(A.pretty(b.why), cls="mlsd-box-why")],
                    cls=f"mlsd-box-row mlsd-box-{b.id}", style=f"background:{PALETTE['highlight']}" if b.id == chosen else None)
                for b in arch.boxes]
        self.numbers.value = table_html(rows, ["box", "where", "role", "typical cost", "why that figure"],
                                        cls="mlsd-architecture-table", style="font-size:90%;border-collapse:collapse")
        self.show_say(arch.say())
        self.message.value = ""


def _details_html(arch: A.Architecture, box_id: str | None) -> Markup:
    if box_id is None:
        return Markup("<p class='mlsd-box-details'><i>Pick a box above to highlight it and read what it does.</i></p>")
    b = arch.box(box_id)
    into, out = arch.edges_of(box_id)

    def links(edges, end):
        return "; ".join(f"{arch.box(getattr(e, end)).name} ({e.label}{', feedback' if e.feedback else ''})"
                         for e in edges) or "none"

    where = "online, on the request path" if b.online else "offline, a batch or streaming job"
    return html("<div class='mlsd-box-details' style='border-left:4px solid {};padding:4px 10px;margin:6px 0'>"
                "<b>{}</b> ({})<br>{}<br><b>Cost:</b> {}. <i>{}</i><br><b>In:</b> {}. <b>Out:</b> {}.</div>",
                ORANGE, b.name, where, b.role, b.cost, A.pretty(b.why), links(into, "source"), links(out, "target"))


def _problem_type_names() -> dict[str, str]:
    try:
        from widgets.practice.framework import load_framework

        return {pt.id: pt.name for pt in load_framework().problem_types}
    except (ValueError, DataFileError):   # a broken framework.json only costs the display names
        return {}
