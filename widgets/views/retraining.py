"""Distribution shift and retraining (step 6): four retraining policies on the monitoring tool's stream, their
30-day accuracy over the year, how many retrains they take and what those cost, and the cheapest one that keeps
accuracy above a floor. The numbers come from :mod:`widgets.tools.retraining`."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from widgets.tools.capacity import server_profiles
from widgets.tools.drift import DAYS, drift_setting
from widgets.tools.retraining import DEFAULT_HARDWARE, POLICIES, ROLLING_DAYS, SLUGS, simulate
from widgets.views._base import ToolView
from widgets.views._html import PALETTE, Cell, Row, bullets_html, error_html, html, table_html
from widgets.views._palette import DARK_GREY, LIGHT_GREY, RED, SERIES
from widgets.views.drift import WIDE, drift_controls

POLICY_COLOURS = dict(zip(POLICIES, SERIES))
#: The accuracy floor slider's range (the chart always shows it).
FLOOR_RANGE = (0.5, 0.9)


class RetrainingExplorer(ToolView):
    """Choose a drift, the retraining period and the label delay (each new combination simulates the year once,
    cached), then the accuracy floor and the hardware (instant): the cheapest policy that keeps the floor."""

    def __init__(self, kind: str = "covariate shift", onset: str = "sudden", start: int = 180, size: float = 0.5,
                 ramp_days: int = 60, every_days: int = 14, label_delay: int = 14, floor: float = 0.72,
                 hardware: str = DEFAULT_HARDWARE):
        super().__init__()
        controls, problem = drift_controls(kind, onset, start, size, ramp_days)
        self.kind, self.onset, self.start_day, self.size, self.ramp_days = controls
        try:
            names = list(server_profiles())   # the file also lists phones and edge boards, for on-device serving
            self._hardware_problem = None
        except ValueError as exc:   # a broken hardware.csv: a message in the tool, the simulation still runs
            names, self._hardware_problem = [], str(exc)
        self.every_days = W.IntSlider(value=every_days, min=1, max=120, description="Retrain every (days)",
                                      continuous_update=False, style=WIDE)
        self.label_delay = W.IntSlider(value=label_delay, min=0, max=120, description="Label delay (days)",
                                       continuous_update=False, style=WIDE)
        self.floor = W.FloatSlider(value=floor, min=FLOOR_RANGE[0], max=FLOOR_RANGE[1], step=0.005, readout_format=".3f",
                                   description="Accuracy floor", continuous_update=False, style=WIDE)
        self.hardware = W.Dropdown(options=names, value=hardware if hardware in names else (names or [None])[0],
                                   description="Hardware", tooltip="The device a retrain runs on (data/hardware.csv)")
        self.about.value = html(
            "<i>The monitoring tool's stream: a logistic regression on three inputs, about 1,000 requests a day, "
            "labels arriving late. Each policy serves the year; a new drift, period or delay simulates it once "
            "(a period of a few days refits hundreds of models: a few seconds); the floor and the hardware are "
            "instant.</i>")
        self.study = None
        self.comparison = None
        self._build_chart()
        self.watch(self.kind, self.onset, self.start_day, self.size, self.ramp_days, self.every_days,
                   self.label_delay, self.floor, self.hardware)
        row = W.Layout(flex_flow="row wrap", align_items="center")
        self.children = [
            self.about, W.HBox([self.kind, self.onset], layout=row),
            W.HBox([self.start_day, self.size, self.ramp_days], layout=row),
            W.HBox([self.every_days, self.label_delay], layout=row),
            W.HBox([self.floor, self.hardware], layout=row),
            self.message, W.HBox([self.chart, self.numbers], layout=row), self.working, self.say_row]
        self.add_class("mlsd-retraining-explorer")
        self.start()
        if problem:
            self.message.value = error_html(problem)

    # ----------------------------------------------------------------------------------------
    def _build_chart(self) -> None:
        (ax,) = self.plot(6.8, 3.8)
        self._ax = ax
        days = np.arange(DAYS)
        self._days = days
        empty = np.full(DAYS, np.nan)
        self._lines = {p: ax.plot(days, empty, color=POLICY_COLOURS[p], lw=1.4, label=p)[0] for p in POLICIES}
        # each policy's retrain days, as ticks in its own strip along the bottom
        self._ticks = {p: ax.plot([], [], "|", color=POLICY_COLOURS[p], ms=6, mew=1.2,
                                  transform=ax.get_xaxis_transform())[0] for p in POLICIES}
        self._start = ax.axvline(0, color=RED, lw=1, ls="--", label="drift starts")
        self._floor = ax.axhline(0.72, color=DARK_GREY, lw=1.2, ls=":", label="floor")
        ax.set_xlim(0, DAYS - 1)
        ax.set_xlabel("day (ticks along the bottom: each policy's retrains)")
        ax.set_ylabel(f"accuracy, trailing {ROLLING_DAYS} days")
        ax.grid(True, color=LIGHT_GREY, lw=0.5)
        ax.tick_params(labelsize=8)
        self._legend = self._fig.legend(loc="outside upper center", ncols=3, fontsize=7, frameon=False)
        self._blit.animate(self._floor)

    def _show_study(self, study) -> None:
        """A new simulation: redraw the lines, the retrain ticks and the drift start (static, drawn once)."""
        setting = study.setting
        lows, highs = [], []
        for i, p in enumerate(POLICIES):
            run = study.runs[p]
            rolling = run.rolling
            self._lines[p].set_ydata(rolling)
            days = np.array(run.refit_days, dtype=float)
            self._ticks[p].set_data(days, np.full(days.size, 0.03 + 0.05 * i))
            lows.append(rolling.min())
            highs.append(rolling.max())
        for text, p in zip(self._legend.get_texts(), POLICIES):
            text.set_text(self._label(study, p))
        self._start.set_xdata([setting.start, setting.start])
        self._start.set_visible(setting.drifts)
        # the floor slider's whole range stays in view (moving it never re-lays the chart out), with room for the
        # tick strips below the lowest line
        self._ax.set_ylim(min(FLOOR_RANGE[0], min(lows) - 0.1), max(FLOOR_RANGE[1], max(highs) + 0.01))
        self._ax.set_title(f"{setting.describe().capitalize()}; retrain every {study.every_days} days, labels "
                           f"{study.label_delay} days late", fontsize=9)
        self._blit.invalidate(relayout=True)

    @staticmethod
    def _label(study, policy: str) -> str:
        n = study.every_days
        return {"every N days": f"every {n} days", "importance-weighted": f"importance-weighted, every {n} days"
                }.get(policy, policy)

    # ----------------------------------------------------------------------------------------
    def compute(self) -> None:
        setting = drift_setting(self.kind.value, self.onset.value, self.start_day.value, self.size.value,
                                self.ramp_days.value)
        for control in (self.onset, self.start_day, self.size):
            control.disabled = not setting.drifts
        self.ramp_days.layout.display = None if setting.drifts and setting.onset == "gradual" else "none"
        study = simulate(setting, self.every_days.value, self.label_delay.value)
        if self._hardware_problem:
            raise ValueError(self._hardware_problem)
        comparison = study.compare(self.floor.value, self.hardware.value)
        if study is not self.study:
            self._show_study(study)
        self.study, self.comparison = study, comparison
        self._floor.set_ydata([comparison.floor] * 2)
        self.chart.value = self._blit.png()
        self.numbers.value = self._table(comparison)
        self.working.value = html("<details open><summary>The working</summary>{}</details>",
                                  bullets_html(comparison.working(), cls="mlsd-working"))
        self.show_say(comparison.say())

    def _table(self, c):
        rows = []
        chosen = c.choice.chosen or c.choice.closest
        for p in POLICIES:
            run = c.study.runs[p]
            slug = SLUGS[p]
            mark = ("cheapest above the floor" if p == c.choice.chosen else
                    "closest (none keeps the floor)" if p == c.choice.closest else "")
            rows.append(Row([
                Cell(c.label(p), cls=f"mlsd-policy-{slug}"),
                Cell(run.refits, cls=f"mlsd-retrains-{slug}"),
                Cell(f"{run.refits * c.per_retrain.device_hours:,.1f}", cls=f"mlsd-device-hours-{slug}"),
                Cell(f"${c.costs[p]:,.0f}" if c.costs[p] >= 10 else f"${c.costs[p]:,.2f}", cls=f"mlsd-cost-{slug}"),
                Cell(f"{run.worst:.3f}", cls=f"mlsd-worst-{slug}"),
                Cell(f"{run.mean:.3f}", cls=f"mlsd-mean-{slug}"),
                Cell("yes" if c.meets(p) else "no", cls=f"mlsd-meets-{slug}"),
                Cell(mark, cls=f"mlsd-pick-{slug}")],
                cls="mlsd-policy mlsd-chosen" if p == chosen else "mlsd-policy",
                style=f"background:{PALETTE['chosen']};font-weight:600" if p == c.choice.chosen else None))
        head = ["policy", "retrains", "device-hours", f"compute cost ({c.per_retrain.hardware.name})",
                f"worst {ROLLING_DAYS}-day accuracy", "year's accuracy", f"keeps {c.floor:.3f}?", ""]
        return table_html(rows, head, cls="mlsd-table mlsd-retraining-table", style="margin-left:1em;font-size:90%")
