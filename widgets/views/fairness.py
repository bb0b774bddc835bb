"""Fairness: per-group rates at one shared threshold or at per-group thresholds, with the gaps and
what each choice costs in overall accuracy."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from widgets.tools.fairness import fairness_study
from widgets.views._base import ToolView
from widgets.views._html import Cell, error_html, muted_html, table_html
from widgets.views._palette import SERIES

RATES = ("selection_rate", "tpr", "fpr", "precision")
GROUP_COLOURS = SERIES[:4]


class FairnessExplorer(ToolView):
    def __init__(self, threshold: float = 0.5):
        super().__init__()
        self.study = fairness_study()
        names = self.study.group_names
        self.mode = W.ToggleButtons(options=["one shared threshold", "per-group thresholds"],
                                    value="one shared threshold", description="Policy")
        self.shared = W.FloatSlider(value=threshold, min=0.01, max=0.99, step=0.01, description="Threshold")
        self.per_group = {g: W.FloatSlider(value=threshold, min=0.01, max=0.99, step=0.01, description=f"Group {g}")
                          for g in names}
        self.equalise = W.Button(description=f"Equalise TPR to group {names[0]}", icon="balance-scale",
                                 tooltip="Set every other group's threshold to reach the first group's TPR")
        (self._ax,) = self.plot(6.5, 3.0)
        x = np.arange(len(RATES))
        width = 0.8 / len(names)
        self._bars = {g: self._ax.bar(x + (i - (len(names) - 1) / 2) * width, np.zeros(len(RATES)), width,
                                      color=GROUP_COLOURS[i], label=f"group {g}") for i, g in enumerate(names)}
        self._ax.set_xticks(x, ["selected", "TPR", "FPR", "precision"])
        self._ax.set_ylim(0, 1)
        self._ax.legend(fontsize=8)
        self._ax.set_title("rates per group", fontsize=10)
        self._blit.animate(*[bar for bars in self._bars.values() for bar in bars])
        self.watch(self.mode, self.shared, *self.per_group.values())
        self.equalise.on_click(self._equalise)
        self.group_box = W.VBox([*self.per_group.values(), self.equalise])
        self.children = [self.mode, self.shared, self.group_box, self.message,
                         W.HBox([self.chart, self.numbers], layout=W.Layout(flex_flow="row wrap", align_items="center")),
                         self.say_row]
        self.add_class("mlsd-fairness-explorer")
        self.update()

    def thresholds(self) -> dict:
        if self.mode.value == "one shared threshold":
            return {g: self.shared.value for g in self.study.group_names}
        return {g: s.value for g, s in self.per_group.items()}

    def _equalise(self, _):
        names = self.study.group_names
        first = self.per_group[names[0]].value
        target = self.study.evaluate({g: first for g in names})["rates"][0].tpr
        with self.hold_trait_notifications():
            for g in names[1:]:
                self.per_group[g].value = float(np.clip(np.floor(self.study.threshold_for_tpr(g, target) * 100) / 100,
                                                        0.01, 0.99))
        self.update()

    def update(self) -> None:
        shared = self.mode.value == "one shared threshold"
        self.shared.layout.display = None if shared else "none"
        self.group_box.layout.display = "none" if shared else None
        try:
            thresholds = self.thresholds()
            result = self.study.evaluate(thresholds)
        except ValueError as exc:
            self.message.value = error_html(str(exc))
            return
        self.message.value = ""
        for r in result["rates"]:
            for bar, rate in zip(self._bars[r.group], RATES):
                value = getattr(r, rate)
                bar.set_height(0 if np.isnan(value) else value)
        self.chart.value = self._blit.png()
        rows = [[f"group {r.group}", f"{r.n:,}", f"{r.selection_rate:.3f}", f"{r.tpr:.3f}", f"{r.fpr:.3f}",
                 f"{r.precision:.3f}"] for r in result["rates"]]
        g = result["gaps"]
        self.numbers.value = (
            table_html(rows, ["", "n", "selected", "TPR", "FPR", "precision"], cls="mlsd-fairness-table",
                       style="margin-left:1em")
            + table_html([["demographic-parity gap", Cell(f"{g['demographic_parity']:.3f}", cls="mlsd-dp-gap")],
                          ["equalised-odds gap", Cell(f"{g['equalised_odds']:.3f}", cls="mlsd-eo-gap")],
                          ["overall accuracy", Cell(f"{result['accuracy']:.3f}", cls="mlsd-accuracy")]],
                         style="margin-left:1em")
            + muted_html("Demographic-parity gap: the largest difference in the share of each group selected. "
                         "Equalised-odds gap: the larger of the differences in true-positive rate and in false-positive "
                         "rate between the groups. 0 means the groups are treated alike by that measure."))
        self.show_say(self.study.say(thresholds))
