"""Feature processing on loan applications: missing values, named income bands and four encodings of
a merchant id with about a thousand levels, each scored by the same logistic regression."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from widgets.tools import features as F
from widgets.views._base import ToolView
from widgets.views._figures import COLOURS
from widgets.views._html import Cell, Row, error_html, html, table_html
from widgets.views._palette import PALETTE

SHORT_NAMES = ("one-hot", "hashing", "target enc.\n(5 folds)", "naive target\nenc. (leaks)")
ROW_CLASSES = ("one-hot", "hashing", "target", "naive")
RAW, BANDS = "raw number", "named bands"


class FeatureExplorer(ToolView):
    def __init__(self, missing: str = "median", bands: int | None = None, encoding: str = "one-hot",
                 buckets: int = 64):
        super().__init__()
        self.missing = W.Dropdown(options=list(F.MISSING_STRATEGIES), value=missing, description="Missing values",
                                  style={"description_width": "initial"})
        self.binning = W.ToggleButtons(options=[RAW, BANDS], value=RAW if bands is None else BANDS,
                                       description="Income")
        self.n_bands = W.IntText(value=5 if bands is None else bands, description="Bands",
                                 layout=W.Layout(width="160px"))
        self.encoding = W.Dropdown(options=list(F.ENCODINGS), value=encoding, description="Merchant id",
                                   style={"description_width": "initial"}, layout=W.Layout(width="380px"))
        self.n_buckets = W.IntText(value=buckets, description="Hash buckets", style={"description_width": "initial"},
                                   layout=W.Layout(width="200px"))
        self.comparison = W.HTML()
        self.results = None
        self._build_chart()
        self.watch(self.missing, self.binning, self.n_bands, self.encoding, self.n_buckets)
        rows = W.Layout(flex_flow="row wrap", align_items="center")
        self.children = [W.HBox([self.missing, self.binning, self.n_bands], layout=rows),
                         W.HBox([self.encoding, self.n_buckets], layout=rows),
                         self.message, self.numbers,
                         W.HBox([self.chart, self.comparison], layout=rows),
                         self.about, self.say_row]
        self.add_class("mlsd-features-explorer")
        self.update()

    def _build_chart(self) -> None:
        (self._ax,) = self.plot(5.6, 3.0)
        x = np.arange(len(F.ENCODINGS))
        self._bars = self._ax.bar(x, np.full(x.size, 0.5), 0.6, bottom=0.5, color=COLOURS["before"],
                                  label="validation AUC")
        self._train_marks, = self._ax.plot(x, np.full(x.size, np.nan), "_", ms=26, mew=2.5, color=COLOURS["point"],
                                           label="training AUC")
        self._labels = [self._ax.text(i, 0.5, "", ha="center", va="top", fontsize=8, color="white") for i in x]
        self._ax.set_xticks(x, SHORT_NAMES, fontsize=8)
        self._ax.set_ylim(0.5, 1.0)
        self._ax.set_ylabel("ROC AUC")
        self._ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False,
                        markerscale=0.5)
        self._blit.animate(*self._bars, self._train_marks, *self._labels)

    def choice(self) -> tuple:
        """The current ``(missing, n_bands, encoding, n_buckets)``, checked; ``ValueError`` if a number is bad."""
        n_bands = None if self.binning.value == RAW else F.check_bands(self.n_bands.value)
        return self.missing.value, n_bands, self.encoding.value, F.check_buckets(self.n_buckets.value)

    def update(self) -> None:
        self.n_bands.layout.display = "none" if self.binning.value == RAW else None
        try:
            missing, n_bands, encoding, n_buckets = self.choice()
            results = F.compare_encodings(missing, n_bands, n_buckets)
            text = F.say(missing, n_bands, encoding, n_buckets)
        except ValueError as exc:
            self.message.value = error_html(str(exc))
            return
        self.results = results
        self.message.value = ""
        current = F.ENCODINGS.index(encoding)
        r = results[current]
        self.numbers.value = table_html(
            [[r.label, Cell(f"{r.validation_auc:.3f}", cls="mlsd-val-auc"),
              Cell(f"{r.training_auc:.3f}", cls="mlsd-train-auc"), Cell(f"{r.gap:.3f}", cls="mlsd-gap"),
              Cell(r.n_features, cls="mlsd-n-features"), Cell(f"{r.fit_seconds * 1000:.0f}", cls="mlsd-fit-ms"),
              Cell(r.n_training_rows, cls="mlsd-train-rows")]],
            ["choice", "validation AUC", "training AUC", "gap", "features", "fit (ms)", "training rows"],
            cls="mlsd-features-table")
        self.comparison.value = table_html(
            [Row([x.label, Cell(f"{x.validation_auc:.3f}", cls="mlsd-cmp-val-auc"),
                  Cell(f"{x.training_auc:.3f}", cls="mlsd-cmp-train-auc"), Cell(f"{x.gap:.3f}", cls="mlsd-cmp-gap"),
                  Cell(x.n_features, cls="mlsd-cmp-n-features"), f"{x.fit_seconds * 1000:.0f}"],
                 cls=f"mlsd-enc-{ROW_CLASSES[i]}" + (" mlsd-current" if i == current else ""),
                 style=f"font-weight:bold;background:{PALETTE['current']}" if i == current else None)
             for i, x in enumerate(results)],
            ["merchant encoding", "validation AUC", "training AUC", "gap", "features", "fit (ms)"],
            cls="mlsd-features-comparison")
        bands = r.pipeline.named_steps["features"].named_transformers_["income"]
        self.about.value = html(
            "<i>10,000 point-of-sale loans, 70% to fit and 30% to validate; the same logistic regression for every "
            "choice. Income {}</i>", "enters as a standardised number." if n_bands is None else
            "bands: " + ", ".join(bands.names_) + ".")
        for i, (bar, label, x) in enumerate(zip(self._bars, self._labels, results)):
            bar.set_height(x.validation_auc - 0.5)
            bar.set_color(COLOURS["after"] if i == current else COLOURS["before"])
            label.set_text(f"{x.validation_auc:.3f}")
            label.set_y(max(x.validation_auc - 0.01, 0.55))
        self._train_marks.set_ydata([x.training_auc for x in results])
        self.chart.value = self._blit.png()
        self.show_say(text)
