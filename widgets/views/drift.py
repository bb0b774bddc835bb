"""Monitoring and drift (step 5): a year of a deployed classifier's traffic with a drift you choose, the daily
PSI, KS test and positive-rate p-chart that would alert, the accuracy as late labels arrive, and how soon each
signal fires and how often it cries wolf. The numbers come from :mod:`widgets.tools.drift`."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from widgets.tools.drift import (
    DAYS,
    DEFAULT_THRESHOLDS,
    DRIFT_KINDS,
    KS_LOG_CAP,
    ONSETS,
    SERIES,
    SIGNALS,
    daily_statistics,
    drift_setting,
    monitor,
)
from widgets.views._base import ToolView
from widgets.views._html import Cell, Markup, bullets_html, error_html, html, table_html
from widgets.views._palette import BLUE, DARK_GREY, GREY, LIGHT_GREY, ORANGE, RED

WIDE = {"description_width": "initial"}
#: CSS class suffixes of the signals (``mlsd-detection-delay-psi``, ...).
CSS = {"psi": "psi", "ks": "ks", "chart": "chart", "metric": "metric"}
NAMES = {"psi": "PSI", "ks": "KS test", "chart": "p-chart of the positive rate", "metric": "accuracy (needs labels)"}


def working_html(lines) -> Markup:
    """The working as a bulleted list under a "The working" heading that folds."""
    return html("<details open><summary>The working</summary>{}</details>", bullets_html(lines, cls="mlsd-working"))


def drift_controls(kind: str, onset: str, start: int, size: float, ramp_days: int) -> tuple[tuple, str]:
    """The controls of the drift a person picks, shared with the retraining explorer: (Drift, Onset, Starts on
    day, Size, Ramp) and the problem with the given setting ("" if none; then they start from the defaults)."""
    problem = ""
    try:   # a typo in the notebook cell: say so and start from the defaults
        drift_setting(kind, onset, start, size, ramp_days)
    except ValueError as exc:
        problem = str(exc)
        kind, onset, start, size, ramp_days = "covariate shift", "sudden", 180, 0.5, 60
    return (W.ToggleButtons(options=DRIFT_KINDS, value=kind, description="Drift"),
            W.ToggleButtons(options=ONSETS, value=onset, description="Onset"),
            W.IntSlider(value=start, min=0, max=DAYS - 1, description="Starts on day", continuous_update=False,
                        style=WIDE),
            W.FloatSlider(value=size, min=0.0, max=1.0, step=0.05, description="Size", continuous_update=False),
            W.IntSlider(value=ramp_days, min=1, max=180, description="Ramp (days)", continuous_update=False,
                        style=WIDE)), problem


class DriftMonitor(ToolView):
    """Choose a drift, a label delay and alert thresholds; see the daily statistics, when each alert first fires
    and its false alarms a month. Thresholds, the label delay and the day shown only re-read precomputed series."""

    def __init__(self, kind: str = "covariate shift", onset: str = "sudden", start: int = 180, size: float = 0.5,
                 ramp_days: int = 60, series: str = "model score", label_delay: int = 14,
                 psi_threshold: float = DEFAULT_THRESHOLDS["psi"], ks_alpha: float = DEFAULT_THRESHOLDS["ks_alpha"],
                 sigma: float = DEFAULT_THRESHOLDS["sigma"], metric_floor: float = DEFAULT_THRESHOLDS["metric_floor"],
                 today: int = DAYS - 1):
        super().__init__()
        controls, problem = drift_controls(kind, onset, start, size, ramp_days)
        self.kind, self.onset, self.start_day, self.size, self.ramp_days = controls
        if not problem and series not in SERIES:
            problem = f"Unknown series {series!r}; monitor one of: {', '.join(SERIES)}."
        if series not in SERIES:
            series = "model score"
        self.series = W.Dropdown(options=SERIES, value=series, description="Monitor",
                                 tooltip="What PSI and KS compare with the reference window")
        self.label_delay = W.IntSlider(value=label_delay, min=0, max=120, description="Label delay (days)",
                                       continuous_update=False, style=WIDE)
        self.today = W.IntSlider(value=today, min=0, max=DAYS - 1, description="Today (day)",
                                 continuous_update=False, style=WIDE)
        self.psi_threshold = W.FloatSlider(value=psi_threshold, min=0.01, max=1.0, step=0.01,
                                           description="PSI above", continuous_update=False)
        self.ks_alpha = W.FloatLogSlider(value=ks_alpha, base=10, min=-12, max=-1, step=0.5,
                                         description="KS p below", readout_format=".0e", continuous_update=False)
        self.sigma = W.FloatSlider(value=sigma, min=1.0, max=6.0, step=0.5, description="Chart sigma",
                                   continuous_update=False)
        self.metric_floor = W.FloatSlider(value=metric_floor, min=0.5, max=1.0, step=0.01,
                                          description="Accuracy floor", continuous_update=False, style=WIDE)
        self.about.value = html(
            "<i>A binary classifier (logistic regression on three inputs; the true boundary is curved) serves about "
            "1,000 requests a day for a year. It was trained on days -56 to -29; the monitors compare each day with "
            "days -28 to -1. Pick a drift, then move the thresholds: only a new drift regenerates the stream.</i>")
        self.stats = None
        self.result = None
        self._build_chart()
        self.watch(self.kind, self.onset, self.start_day, self.size, self.ramp_days, self.series, self.label_delay,
                   self.today, self.psi_threshold, self.ks_alpha, self.sigma, self.metric_floor)
        row = W.Layout(flex_flow="row wrap", align_items="center")
        self.children = [
            self.about, W.HBox([self.kind, self.onset], layout=row),
            W.HBox([self.start_day, self.size, self.ramp_days], layout=row),
            W.HBox([self.series, self.label_delay, self.today], layout=row),
            W.HBox([self.psi_threshold, self.ks_alpha, self.sigma, self.metric_floor], layout=row),
            self.message, W.HBox([self.chart, self.numbers], layout=row), self.working, self.say_row]
        self.add_class("mlsd-drift-monitor")
        self.start()
        if problem:
            self.message.value = error_html(problem)

    # ----------------------------------------------------------------------------------------
    def _build_chart(self) -> None:
        axes = self.plot(6.8, 5.6, nrows=4, sharex=True)
        self._psi_ax, self._ks_ax, self._rate_ax, self._acc_ax = axes
        days = np.arange(DAYS)
        empty = np.full(DAYS, np.nan)
        self._days = days
        self._starts = [ax.axvline(0, color=RED, lw=1, ls="--") for ax in axes]
        self._today = [ax.axvline(DAYS - 1, color=DARK_GREY, lw=1, ls=":") for ax in axes]
        self._psi_line, = self._psi_ax.plot(days, empty, color=BLUE, lw=1)
        self._psi_limit = self._psi_ax.axhline(0.1, color=ORANGE, lw=1.2)
        self._ks_line, = self._ks_ax.plot(days, empty, color=BLUE, lw=1)
        self._ks_limit = self._ks_ax.axhline(3, color=ORANGE, lw=1.2)
        self._rate_line, = self._rate_ax.plot(days, empty, color=BLUE, lw=1)
        self._lower, = self._rate_ax.plot(days, empty, color=ORANGE, lw=1)
        self._upper, = self._rate_ax.plot(days, empty, color=ORANGE, lw=1)
        self._known, = self._acc_ax.plot(days, empty, color=BLUE, lw=1.2)
        self._unknown, = self._acc_ax.plot(days, empty, color=GREY, lw=1, ls=":")
        self._floor = self._acc_ax.axhline(0.75, color=ORANGE, lw=1.2)
        # alert days as a row of red ticks along the top of each panel
        self._marks = {k: ax.plot([], [], "|", color=RED, ms=5, mew=1,
                                  transform=ax.get_xaxis_transform())[0] for k, ax in zip(SIGNALS, axes)}
        self._psi_ax.set_yscale("function", functions=(np.sqrt, np.square))   # small PSIs stay visible
        self._psi_ax.set_ylabel("PSI")
        self._ks_ax.set_ylabel("KS -log10 p\n(capped at 16)")
        self._ks_ax.set_ylim(0, KS_LOG_CAP + 1)
        self._rate_ax.set_ylabel("positive rate")
        self._acc_ax.set_ylabel("accuracy")
        self._acc_ax.set_xlabel("day")
        self._acc_ax.set_xlim(0, DAYS - 1)
        handles = [self._starts[-1], self._today[-1], self._known, self._unknown, self._floor, self._marks["metric"]]
        labels = ["drift starts", "today", "accuracy labelled by today", "labels not in yet", "alert line",
                  "alert"]
        self._fig.legend(handles, labels, loc="outside upper center", ncols=3, fontsize=7, frameon=False)
        for ax in axes:
            ax.grid(True, color=LIGHT_GREY, lw=0.5)
            ax.tick_params(labelsize=8)
            ax.yaxis.label.set_size(8)
        self._blit.animate(self._psi_line, self._psi_limit, self._ks_line, self._ks_limit, self._lower, self._upper,
                           self._known, self._unknown, self._floor, *self._marks.values(), *self._today)

    def _show_stream(self, stats) -> None:
        """A new stream: redraw what only it changes (the rate line, the drift start, the axes' ranges)."""
        setting = stats.setting
        for line in self._starts:
            line.set_xdata([setting.start, setting.start])
            line.set_visible(setting.drifts)
        self._rate_line.set_ydata(stats.positive_rate)
        top = max(0.3, max(float(v.max()) for v in stats.psi.values()) * 1.1)
        self._psi_ax.set_ylim(0, top)
        p = stats.reference_positive_rate
        lo, hi = min(stats.positive_rate.min(), p - 0.08), max(stats.positive_rate.max(), p + 0.08)
        self._rate_ax.set_ylim(max(0, lo - 0.02), min(1, hi + 0.02))
        self._acc_ax.set_ylim(max(0.0, min(0.5, float(stats.accuracy.min()) - 0.05)), 1.0)
        self._psi_ax.set_title(setting.describe().capitalize(), fontsize=9)
        self._psi_ax.set_yticks([t for t in (0, 0.1, 0.25, 0.5, 1, 2, 5, 10) if t <= top])
        self._blit.invalidate(relayout=True)

    def _draw(self, result, today: int) -> None:
        stats = result.stats
        series = result.series
        self._psi_line.set_ydata(stats.psi[series])
        self._psi_limit.set_ydata([result.psi_threshold] * 2)
        log_p = np.minimum(-np.log10(np.maximum(stats.ks_p_value[series], 1e-300)), KS_LOG_CAP)
        self._ks_line.set_ydata(log_p)
        self._ks_limit.set_ydata([-np.log10(result.ks_alpha)] * 2)
        self._lower.set_ydata(result.lower)
        self._upper.set_ydata(result.upper)
        known = result.known_until(today)
        acc = stats.accuracy
        self._known.set_ydata(np.where(self._days <= known, acc, np.nan))
        self._unknown.set_ydata(np.where(self._days > known, acc, np.nan))
        self._floor.set_ydata([result.metric_floor] * 2)
        for k, mark in self._marks.items():
            if k == "metric":   # drawn on the day whose accuracy was bad (it fires label_delay days later)
                fired = np.flatnonzero(result.metric_bad & (self._days + result.label_delay < DAYS))
            else:
                fired = np.flatnonzero(result.alerts[k])
            mark.set_data(fired, np.full(fired.size, 0.95))
        for line in self._today:
            line.set_xdata([today, today])
        self.chart.value = self._blit.png()

    # ----------------------------------------------------------------------------------------
    def compute(self) -> None:
        setting = drift_setting(self.kind.value, self.onset.value, self.start_day.value, self.size.value,
                                self.ramp_days.value)
        drifts = setting.drifts
        for control in (self.onset, self.start_day, self.size):
            control.disabled = not drifts
        self.ramp_days.layout.display = None if drifts and setting.onset == "gradual" else "none"
        stats = daily_statistics(setting)
        result = monitor(stats, self.series.value, self.psi_threshold.value, self.ks_alpha.value, self.sigma.value,
                         self.metric_floor.value, self.label_delay.value)
        today = int(self.today.value)
        if not 0 <= today < DAYS:
            raise ValueError("Today must be a day of the year, 0 to 364.")
        if stats is not self.stats:
            self._show_stream(stats)
        self.stats, self.result = stats, result
        self._draw(result, today)
        self.numbers.value = self._table(result)
        known = result.known_until(today)
        now = (f"Today is day {today}: accuracy is known up to day {known} (solid line)" if known >= 0 else
               f"Today is day {today}: no day of the year has its labels yet")
        self.working.value = working_html((*result.working(), now + "; the dotted part is what the labels will "
                                                                      "show later."))
        self.show_say(result.say())

    def _table(self, r):
        thresholds = {"psi": f"PSI > {r.psi_threshold:g} ({r.series})", "ks": f"p < {r.ks_alpha:.0e} ({r.series})",
                      "chart": f"outside p ± {r.sigma:g}σ", "metric": f"accuracy < {r.metric_floor:.2f}, "
                                                                      f"{r.label_delay}-day delay"}
        rows = []
        for k in SIGNALS:
            first = r.first_alert[k]
            delay = r.detection_delay[k]
            rate = r.false_alarms_per_month[k]
            rows.append([NAMES[k], thresholds[k],
                         Cell("none" if first is None else first, cls=f"mlsd-first-alert-{CSS[k]}"),
                         Cell("not detected" if delay is None else delay, cls=f"mlsd-detection-delay-{CSS[k]}"),
                         Cell(f"{r.false_alarms[k]} in {r.quiet_days[k]} days", cls=f"mlsd-false-count-{CSS[k]}"),
                         Cell("n/a" if rate is None else f"{rate:.2f}", cls=f"mlsd-false-alarms-{CSS[k]}")])
        head = ["signal", "alert when", "first alert (day)", "detection delay (days)",
                "false alarms", "false alarms / month"]
        return table_html(rows, head, cls="mlsd-table mlsd-drift-table", style="margin-left:1em;font-size:90%")
