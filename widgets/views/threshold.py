"""The decision threshold: confusion matrix, precision, recall, F1, FPR and the operating point on
the PR and ROC curves, with the threshold that minimises the cost of mistakes."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from widgets.tools.threshold import threshold_study
from widgets.views._base import ToolView
from widgets.views._inputs import NumberBox
from widgets.views._figures import COLOURS
from widgets.views._html import STALE_STYLE, Row, error_html, html, table_html


#: The fraud shares the explorer offers (the data set can do 0.1% to 50%).
MIN_SHARE, MAX_SHARE = 0.005, 0.3


class ThresholdExplorer(ToolView):
    def __init__(self, dataset: str = "fraud-like", positive_share: float = 0.02, threshold: float = 0.5,
                 cost_fp: float = 1.0, cost_fn: float = 20.0):
        super().__init__()
        self.dataset = W.ToggleButtons(options=["breast cancer", "fraud-like"], value=dataset, description="Data")
        # a box that shows percent and reads "0.5%", "0.5 %" and "0.5" alike as half a percent
        self.share = NumberBox(positive_share, "Fraud share", percent=True, layout=W.Layout(width="16em"),
                               tooltip="Share of fraudulent transactions in the data, in percent (0.5% to 30%)")
        self.threshold = W.FloatSlider(value=threshold, min=0.0, max=1.0, step=0.01, description="Threshold")
        self.cost_fp = NumberBox(cost_fp, "Cost of FP", tooltip="What a false positive costs (any unit)")
        self.cost_fn = NumberBox(cost_fn, "Cost of FN", tooltip="What a missed positive costs (same unit)")
        self.use_optimal = W.Button(description="Use the cheapest threshold", icon="bullseye",
                                    layout=W.Layout(width="auto"))
        (self._cm_ax, self._pr_ax, self._roc_ax) = self.plot(10, 3.2, ncols=3)
        self.study = None
        self.dataset.observe(self._refit, names="value")
        self.share.observe(self._refit, names="value")
        self.watch(self.threshold, self.cost_fp, self.cost_fn)
        self.use_optimal.on_click(self._jump_to_optimal)
        self.children = [self.dataset, self.share, self.about, self.threshold,
                         W.HBox([self.cost_fp, self.cost_fn, self.use_optimal], layout=W.Layout(flex_flow="row wrap")),
                         self.message, self.chart, self.numbers, self.say_row]
        self.add_class("mlsd-threshold-explorer")
        self._refit()

    def _refit(self, *_):
        self.share.layout.display = None if self.dataset.value == "fraud-like" else "none"
        try:
            share = self.share.number
            if not MIN_SHARE <= share <= MAX_SHARE:
                raise ValueError(f"Fraud share must be between {MIN_SHARE:.1%} and {MAX_SHARE:.0%}, got {share:.2%}.")
            self.study = threshold_study(self.dataset.value, round(share, 4))
        except ValueError as exc:
            self.message.value = STALE_STYLE + error_html(str(exc))
            self.show_stale(True)
            return
        self.about.value = html("<i>{}; a scaled logistic regression scored on a 40% held-out split.</i>",
                                self.study.description)
        self._build_plots()
        self.update()

    def _build_plots(self) -> None:
        s = self.study
        self._blit.forget()
        for ax in (self._cm_ax, self._pr_ax, self._roc_ax):
            ax.clear()
        self._cm_image = self._cm_ax.imshow(np.zeros((2, 2)), cmap="Blues", vmin=0, vmax=1)
        self._cm_text = [[self._cm_ax.text(j, i, "", ha="center", va="center") for j in range(2)] for i in range(2)]
        self._cm_ax.set_xticks([0, 1], ["predicted -", "predicted +"])
        self._cm_ax.set_yticks([0, 1], ["actual -", "actual +"])
        self._cm_ax.set_title("confusion matrix", fontsize=10)
        precision, recall, _ = s.pr
        self._pr_ax.plot(recall, precision, color=COLOURS["after"])
        self._pr_ax.axhline(s.prevalence, color=COLOURS["random"], ls="--", lw=1, label="random")
        self._pr_point, = self._pr_ax.plot([], [], "o", color=COLOURS["point"], label="threshold")
        self._pr_best, = self._pr_ax.plot([], [], "*", ms=12, color=COLOURS["good"], label="cheapest")
        self._pr_ax.set(xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02))
        self._pr_ax.set_title("precision-recall", fontsize=10)
        self._pr_ax.legend(fontsize=7, loc="lower left")
        fpr, tpr, _ = s.roc
        self._roc_ax.plot(fpr, tpr, color=COLOURS["after"])
        self._roc_ax.plot([0, 1], [0, 1], color=COLOURS["random"], ls="--", lw=1)
        self._roc_point, = self._roc_ax.plot([], [], "o", color=COLOURS["point"])
        self._roc_best, = self._roc_ax.plot([], [], "*", ms=12, color=COLOURS["good"])
        self._roc_ax.set(xlabel="false positive rate", ylabel="true positive rate", xlim=(0, 1), ylim=(0, 1.02))
        self._roc_ax.set_title(f"ROC (AUC {s.auc:.3f})", fontsize=10)
        self._blit.animate(self._cm_image, *self._cm_text[0], *self._cm_text[1], self._pr_point, self._pr_best,
                           self._roc_point, self._roc_best)

    def _costs(self) -> tuple[float, float]:
        costs = self.cost_fp.number, self.cost_fn.number
        for box, cost in zip((self.cost_fp, self.cost_fn), costs):
            if cost < 0:
                raise ValueError(f"{box.description} must be 0 or more, got {cost:g}.")
        return costs

    def _jump_to_optimal(self, _):
        try:
            best = self.study.optimal(*self._costs())
        except ValueError as exc:
            self.message.value = error_html(str(exc))
            return
        self.threshold.value = float(np.clip(np.round(best["threshold"], 2), 0, 1))

    def compute(self) -> None:
        if self.study is None:
            return
        t = self.threshold.value
        cfp, cfn = self._costs()
        s = self.study
        p = s.at(t)
        best = s.optimal(cfp, cfn)
        cells = np.array([[p["tn"], p["fp"]], [p["fn"], p["tp"]]])
        shares = cells / cells.sum(axis=1, keepdims=True).clip(min=1)
        self._cm_image.set_data(shares)
        for i in range(2):
            for j in range(2):
                self._cm_text[i][j].set_text(f"{cells[i, j]:,}")
                self._cm_text[i][j].set_color("white" if shares[i, j] > 0.55 else "black")
        self._pr_point.set_data([p["recall"]], [p["precision"] if p["tp"] + p["fp"] else 1.0])
        self._pr_best.set_data([best["recall"]], [best["precision"] if best["tp"] + best["fp"] else 1.0])
        self._roc_point.set_data([p["fpr"]], [p["recall"]])
        self._roc_best.set_data([best["fpr"]], [best["recall"]])
        self.chart.value = self._blit.png()
        base = s.baselines(cfp, cfn)
        rows = [("this threshold", t, p["precision"], p["recall"], p["f1"], p["fpr"], s.cost(p, cfp, cfn)),
                ("cheapest threshold", best["threshold"], best["precision"], best["recall"], best["f1"], best["fpr"],
                 best["cost"]),
                *((f"baseline: {name}", None, b["precision"], b["recall"], b["f1"], b["fpr"], b["cost"])
                  for name, b in base.items())]
        body = [Row([name, "" if th is None else f"{th:.2f}", f"{pr:.3f}", f"{rc:.3f}", f"{f1:.3f}", f"{fpr:.3f}",
                     f"{cost:,.0f}"], cls=f"mlsd-row-{i}")
                for i, (name, th, pr, rc, f1, fpr, cost) in enumerate(rows)]
        self.numbers.value = table_html(body, ["", "threshold", "precision", "recall", "F1", "FPR", "total cost"],
                                        cls="mlsd-threshold-table")
        self.show_say(s.say(t, cfp, cfn))
