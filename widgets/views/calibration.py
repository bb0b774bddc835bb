"""Calibration: reliability diagram and histogram of predicted probabilities, ECE and Brier, for
three scikit-learn model families, before and after recalibration on a held-out split."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from widgets.tools.calibration import MODELS, RECALIBRATIONS, calibration_study
from widgets.views._base import ToolView
from widgets.views._figures import COLOURS
from widgets.views._html import PALETTE, Cell, Row, html, table_html

HIST_BINS = np.linspace(0, 1, 21)


class CalibrationExplorer(ToolView):
    def __init__(self, model: str = "naive Bayes", recalibration: str = "isotonic", n_bins: int = 10,
                 strategy: str = "uniform"):
        super().__init__()
        self.study = calibration_study()
        self.model = W.Dropdown(options=MODELS, value=model, description="Model")
        self.recalibration = W.ToggleButtons(options=RECALIBRATIONS, value=recalibration, description="Recalibrate")
        self.n_bins = W.IntSlider(value=n_bins, min=2, max=30, description="Bins")
        self.strategy = W.ToggleButtons(options=["uniform", "quantile"], value=strategy, description="Bin by")
        (self._rel_ax, self._hist_ax) = self.plot(5.2, 5.0, nrows=2, height_ratios=[2.2, 1])
        ax = self._rel_ax
        ax.plot([0, 1], [0, 1], color=COLOURS["diagonal"], ls="--", lw=1, label="perfectly calibrated")
        self._before, = ax.plot([], [], "o-", color=COLOURS["before"], label="before")
        self._after, = ax.plot([], [], "o-", color=COLOURS["after"], label="after")
        ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="mean predicted probability", ylabel="observed positive rate")
        ax.legend(fontsize=8, loc="upper left")
        width = HIST_BINS[1] - HIST_BINS[0]
        self._hist_before = self._hist_ax.bar(HIST_BINS[:-1], np.zeros(20), width, align="edge",
                                              color=COLOURS["before"], alpha=0.5)
        self._hist_after = self._hist_ax.bar(HIST_BINS[:-1], np.zeros(20), width, align="edge",
                                             color=COLOURS["after"], alpha=0.5)
        tallest = max(np.histogram(p, HIST_BINS)[0].max() for p in self.study.probabilities.values())
        self._hist_ax.set(xlim=(0, 1), ylim=(0, tallest * 1.05), xlabel="predicted probability", ylabel="count")
        ax.set_title("reliability diagram", fontsize=10)
        self._blit.animate(self._before, self._after, *self._hist_before, *self._hist_after)
        self.watch(self.model, self.recalibration, self.n_bins, self.strategy)
        self.children = [W.HBox([self.model, self.n_bins], layout=W.Layout(flex_flow="row wrap")),
                         self.recalibration, self.strategy,
                         W.HBox([self.chart, self.numbers], layout=W.Layout(flex_flow="row wrap", align_items="center")),
                         self.say_row]
        self.add_class("mlsd-calibration-explorer")
        self.update()

    def update(self) -> None:
        model, recal, bins, strategy = self.model.value, self.recalibration.value, self.n_bins.value, self.strategy.value
        before = self.study.evaluate(model, "none", bins, strategy)
        after = self.study.evaluate(model, recal, bins, strategy)
        self._before.set_data(before["curve"].prob_pred, before["curve"].prob_true)
        self._after.set_data(after["curve"].prob_pred, after["curve"].prob_true)
        self._after.set_visible(recal != "none")
        counts_before = np.histogram(before["probabilities"], HIST_BINS)[0]
        counts_after = np.histogram(after["probabilities"], HIST_BINS)[0]
        for bar, h in zip(self._hist_before, counts_before):
            bar.set_height(h)
        for bar, h in zip(self._hist_after, counts_after):
            bar.set_height(h if recal != "none" else 0)
        self.chart.value = self._blit.png()
        base = self.study.baseline()
        rows = [("before", before), ] + ([(f"after {recal}", after)] if recal != "none" else [])
        table = [[name, Cell(f"{r['ece']:.4f}", cls="mlsd-ece"), Cell(f"{r['brier']:.4f}", cls="mlsd-brier")]
                 for name, r in rows]
        table.append(Row(["baseline: base rate for all", f"{base['ece']:.4f}", f"{base['brier']:.4f}"],
                         style=f"color:{PALETTE['muted']}"))
        self.numbers.value = table_html(table, ["", "ECE", "Brier"], cls="mlsd-calibration-table",
                                        style="margin-left:1em") + html(
            "<div style='color:{};margin-left:1em'>accuracy at 0.5: {:.3f}; {:,} test cases</div>",
            PALETTE["muted"], self.study.accuracy[model], self.study.y_test.size)
        self.show_say(self.study.say(model, recal, bins, strategy))
