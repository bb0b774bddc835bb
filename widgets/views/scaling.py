"""Ten times the traffic and the data (step 6): grow the users, the items or the data by a factor and see what
grows linearly, what grows faster and which limit breaks first; a thin view over :mod:`widgets.tools.scaling`.

Today's scale comes from the question, or from what the participant typed in step 1's traffic estimator and
step 5's serving estimator in this attempt (kept as ``"traffic"`` and ``"serving"``).
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import traitlets

from widgets.tools import capacity as cap
from widgets.tools.scaling import (
    COMPONENTS,
    GROWTHS,
    LIMITED,
    Scale,
    limit_curves,
    scale_up,
    server_profiles,
    times,
    todays_scale,
)
from widgets.views._base import ToolView
from widgets.views._figures import COLOURS
from widgets.views._html import PALETTE, Cell, Markup, Row, html, join, muted_html, table_html
from widgets.views._inputs import NumberBox, kept_number
from widgets.views._palette import DARK_GREY, SERIES

#: Factors the curves are drawn at (log-spaced over the slider's range).
GRID = np.geomspace(1, 100, 121)
#: The chart's vertical range (size / limit); curves beyond it are drawn at its edge.
Y_RANGE = (1e-4, 1e4)
_COLOURS = dict(zip(LIMITED, (*SERIES, DARK_GREY)))
_BOX = {"layout": W.Layout(width="21em"), "style": {"description_width": "12em"}}
_MENU = {"layout": W.Layout(width="24em"), "style": {"description_width": "9.5em"}}   # room for "NVIDIA H100 SXM"
_GROUPS = (("linear", "Grows linearly with the {}"), ("faster", "Grows faster than the {}"),
           ("mixed", "Adds up"), ("does not grow", "Does not grow with the {}"))
# step 1's kept inputs (the traffic estimator's boxes) -> the scale's fields
_STEP1 = {"users": "daily_active_users", "actions": "actions_per_user_per_day", "peak": "peak_factor",
          "read_share": "read_share", "record_bytes": "bytes_per_record", "replication": "replication",
          "retention": "retention_days"}
# step 5's kept inputs (the serving estimator's boxes) -> the scale's fields
_STEP5 = {"latency": "latency_ms", "batch": "batch_size", "utilisation": "target_utilisation",
          "redundancy": "redundancy", "model_gb": "model_gb", "cache_gb": "cache_gb"}


def _kept(kept, boxes: dict) -> dict:
    """The numbers among a tool's kept inputs, by the scale's field they feed (a box that held no number is left out)."""
    numbers = {name: kept_number(kept, box) for box, name in boxes.items()}
    return {name: number for name, number in numbers.items() if number is not None}


class ScaleExplorer(ToolView):
    """Multiply the users, the items or the data by a factor; the components, their limits and the first to break.

    Standalone it starts from the constructor's scale (a typical question: 100M daily users, 10 requests a day,
    20M items); given a question, from its scale; on a page, from step 1's and step 5's numbers of the attempt
    when the participant typed them. ``result`` is the latest :class:`~widgets.tools.scaling.ScaleUp`.
    """

    result = traitlets.Any(None, allow_none=True, help="the latest ScaleUp")
    inputs_name = "scaling"
    input_controls = ("grow", "factor", "budget", "largest_fleet", "serving_hardware", "training_hardware",
                      "devices", "dimension", "grow_model")

    def __init__(self, daily_active_users: float = 100e6, actions_per_user_per_day: float = 10.0,
                 items: float = 20e6, grow: str = "users", factor: float = 10.0, monthly_budget_usd: float = 1e6,
                 largest_fleet: int = 5_000, serving_hardware: str | None = None,
                 training_hardware: str | None = None, training_devices: int = 8, embedding_dimension: int = 64,
                 grow_model: bool = True, question=None):
        super().__init__(question=question)
        self._profiles = server_profiles()
        names = list(self._profiles)
        gpus = [n for n, p in self._profiles.items() if p.kind == "gpu"] or names
        self._today = {"daily_active_users": daily_active_users, "actions_per_user_per_day": actions_per_user_per_day,
                       "items": items}
        self._assumed: dict = {}
        self._sources = ("the tool's example", "the tool's example", "step 5's defaults")
        self.grow = W.ToggleButtons(options=list(GROWTHS), value=grow, description="Grow",
                                    tooltips=["more daily users, each as active as today",
                                              "a larger catalogue to score and retrieve from",
                                              "more logged examples per user, with no more requests"],
                                    style={"button_width": "5.5em"})
        self.factor = W.FloatLogSlider(value=factor, base=10, min=0, max=2, step=0.01, description="Factor",
                                       readout_format=".3g", layout=W.Layout(width="24em"))
        self.grow_model = W.Checkbox(value=grow_model, description="Model grows with the data", indent=False,
                                     tooltip="Parameters in proportion to training samples (Hoffmann et al. 2022)")
        self.budget = NumberBox(monthly_budget_usd, "Monthly budget (USD)", **_BOX)
        self.largest_fleet = NumberBox(largest_fleet, "Largest fleet (replicas)", **_BOX)
        self.devices = NumberBox(training_devices, "Training devices", **_BOX)
        self.serving_hardware = W.Dropdown(options=names, value=serving_hardware if serving_hardware in names
                                           else names[0], description="Serving hardware", **_MENU)
        self.training_hardware = W.Dropdown(options=names, value=training_hardware if training_hardware in names
                                            else gpus[-1], description="Training hardware", **_MENU)
        self.dimension = NumberBox(embedding_dimension, "Embedding dimension", **_BOX)
        self._build_chart()
        self.watch(self.grow, self.factor, self.grow_model, self.budget, self.largest_fleet, self.devices,
                   self.serving_hardware, self.training_hardware, self.dimension)
        self.children = [
            self.about,
            W.HBox([W.VBox([self.grow, self.factor, self.grow_model]),
                    W.VBox([self.budget, self.largest_fleet, self.devices]),
                    W.VBox([self.serving_hardware, self.training_hardware, self.dimension])],
                   layout=W.Layout(flex_flow="row wrap", align_items="flex-start")),
            self.message, W.HBox([self.chart, self.numbers], layout=W.Layout(flex_flow="row wrap")),
            self.working, self.say_row]
        self.add_class("mlsd-scale-explorer")
        self.start()

    # -- the chart ---------------------------------------------------------------------------
    def _build_chart(self) -> None:
        (ax,) = self.plot(7.4, 3.4)
        self._ax = ax
        self._lines, self._dots = {}, {}
        for key in LIMITED:
            self._lines[key], = ax.plot(GRID, np.ones_like(GRID), color=_COLOURS[key], lw=1.6, label=COMPONENTS[key])
            self._dots[key], = ax.plot([], [], "o", ms=5, color=_COLOURS[key])
        ax.axhline(1, color=COLOURS["bad"], ls="--", lw=1, label="its limit")
        self._now = ax.axvline(10, color=COLOURS["random"], ls=":", lw=1.4)
        self._first, = ax.plot([], [], "X", ms=10, color=COLOURS["point"], label="first to break")
        ax.set(xscale="log", yscale="log", xlim=(1, 100), ylim=Y_RANGE, xlabel="factor (log scale)",
               ylabel="size / its limit (log scale)")
        ax.set_xticks([1, 2, 5, 10, 20, 50, 100], labels=["1x", "2x", "5x", "10x", "20x", "50x", "100x"])
        ax.set_yticks([1e-4, 1e-2, 1, 1e2, 1e4], labels=["1/10,000", "1/100", "1", "100", "10,000"])
        ax.minorticks_off()
        ax.grid(True, color=COLOURS["grid"], lw=0.6)
        ax.set_title("each component against its limit as the factor grows", fontsize=10)
        ax.legend(fontsize=7.5, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        self._blit.animate(*self._lines.values(), *self._dots.values(), self._now, self._first)

    def _draw(self, up, curves: dict) -> None:
        low, high = Y_RANGE[0] * 1.08, Y_RANGE[1] / 1.08   # off the chart: drawn just inside its edge
        for key in LIMITED:
            self._lines[key].set_ydata(np.clip(curves[key], low, high))
            self._dots[key].set_data([up.factor], [np.clip(up[key].relative, low, high)])
        self._now.set_xdata([up.factor, up.factor])
        first = up.first
        if first is not None and first.breaks_at <= GRID[-1]:
            self._first.set_data([first.breaks_at], [1.0])
        else:
            self._first.set_data([], [])
        self.chart.value = self._blit.png()

    # -- computing -----------------------------------------------------------------------------
    def scale(self) -> Scale:
        """Today's scale with the controls' assumptions (``ValueError`` naming the box for a bad one)."""
        return todays_scale(**self._today, serving_hardware=self._profiles[self.serving_hardware.value],
                            training_hardware=self._profiles[self.training_hardware.value],
                            training_devices=self.devices.number, embedding_dimension=self.dimension.number,
                            monthly_budget_usd=self.budget.number, largest_fleet=self.largest_fleet.number,
                            grow_model=self.grow_model.value, **self._assumed)

    def compute(self) -> None:
        scale = self.scale()
        up = scale_up(scale, self.grow.value, self.factor.value)
        self._draw(up, limit_curves(scale, up.grow, GRID))
        self.about.value = self._about_html(scale)
        self.numbers.value = self._numbers_html(up)
        self.working.value = self._working_html(up)
        self.show_say(up.say())
        self.result = up

    def _about_html(self, s: Scale) -> Markup:
        users_from, items_from, serving_from = self._sources
        return muted_html(html(
            "Today's scale: {} daily users x {:g} requests a day ({}), {} items ({}); serving {:g} ms a batch of {:g} "
            "at {:.0%} utilisation, a {:g} GB model and {:g} GB of caches per replica ({}).",
            cap.format_quantity(s.daily_active_users), s.actions_per_user_per_day, users_from,
            cap.format_quantity(s.items), items_from, s.latency_ms, s.batch_size, s.target_utilisation, s.model_gb,
            s.cache_gb, serving_from))

    def _numbers_html(self, up) -> Markup:
        rows = []
        for group, title in _GROUPS:
            members = [c for c in up.components if c.grows == group]
            if not members:
                continue
            rows.append(Row([Cell(title.format(up.grow), colspan=6, bold=True)], cls="mlsd-scale-group"))
            for c in members:
                rows.append(Row([c.name, Cell(c.show(c.today), cls=f"mlsd-today-{c.key}"),
                                 Cell(c.show(c.size), cls=f"mlsd-{c.key}", bold=True),
                                 "same" if c.exponent == 0 else times(c.growth),
                                 c.limit_name or "-", Cell(_crossing(c), cls=f"mlsd-breaks-{c.key}",
                                                           style=_crossing_style(c, up))],
                                style=f"background:{PALETTE['highlight']}" if c is up.first else None))
        table = table_html(rows, ["", "today", f"at {times(up.factor)}", "grows", "limit", "crosses at"],
                           cls="mlsd-table mlsd-scale-table", style="margin-left:1em")
        first = up.first
        if first is None:
            line = html("No limit breaks from growing the {} alone.", up.grow)
        else:
            line = html("First to break: the {} at <b class='mlsd-first-break'>{}</b> ({}).", first.name,
                        times(first.breaks_at), first.limit_text)
        return join([table, html("<div style='margin:4px 0 0 1em'>{}</div>", line)])

    def _working_html(self, up) -> Markup:
        rows = [[c.name, c.formula, c.assumption, c.solved_by or "-"] for c in up.components]
        return html("<details><summary>The working: each component's formula at {} and its assumptions</summary>"
                    "{}</details>", times(up.factor),
                    table_html(rows, ["", "formula", "assumes", "where it crosses its limit"],
                               cls="mlsd-table mlsd-working"))

    # -- following the page ----------------------------------------------------------------------
    def use_question(self, question) -> None:
        """Take the question's scale (users, requests a day, items), then the numbers the participant typed in
        step 1 (traffic) and step 5 (serving) of this attempt, where there are any that compute."""
        self._today = {"daily_active_users": question.daily_active_users,
                       "actions_per_user_per_day": question.actions_per_user_per_day, "items": question.items}
        self._assumed = {}
        users_from, serving_from = "the question's", "step 5's defaults"
        step1 = _kept(self.page_inputs("traffic"), _STEP1)
        if step1 and _computes(lambda: todays_scale(**{**self._today, **step1})):
            users_from = "typed in step 1"
            for name in ("daily_active_users", "actions_per_user_per_day"):
                self._today[name] = step1.pop(name, self._today[name])
            self._assumed.update(step1)
        serving = self.page_inputs("serving")
        step5 = _kept(serving, _STEP5)
        if step5 and _computes(lambda: todays_scale(**self._today, **{**self._assumed, **step5})):
            serving_from = "typed in step 5"
            self._assumed.update(step5)
        hardware = serving.values.get("hardware") if serving is not None else None
        if hardware in self._profiles:
            self.serving_hardware.value = hardware
        self._sources = (users_from, "the question's", serving_from)
        self._redraw()

    def restore_inputs(self, saved) -> None:
        """This step's own inputs, except a serving hardware older than step 5's latest (the newest wins)."""
        super().restore_inputs(saved)
        serving = self.page_inputs("serving")
        if serving is not None and serving.updated_at > saved.updated_at:
            hardware = serving.values.get("hardware")
            if hardware in self._profiles:
                self.serving_hardware.value = hardware


def _computes(make) -> bool:
    try:
        make()
    except (ValueError, TypeError):
        return False
    return True


def _crossing(c) -> str:
    if c.limit is None:
        return "-"
    if c.over_today:
        return "over today"
    if c.breaks_at is None:
        return "does not grow" if c.exponent == 0 else "not by 1,000,000x"
    return times(c.breaks_at)


def _crossing_style(c, up) -> str | None:
    if c.limit is None:
        return None
    if c.over_today or (c.breaks_at is not None and c.breaks_at <= up.factor):
        return f"color:{PALETTE['error']}"
    return None
