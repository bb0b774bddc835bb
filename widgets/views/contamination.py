"""Contamination: the same model validated after a random split and after an honest split (by
author, or by time), next to its score on truly unseen rows. The numbers come from
:mod:`widgets.tools.contamination`."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from widgets.tools.contamination import (
    DATASETS,
    DATE_RESOLUTIONS,
    HELD_OUT_RANGE,
    MAX_REVIEWS_PER_AUTHOR,
    MODELS,
    check_dataset,
    check_held_out,
    contamination_study,
)
from widgets.views._base import ToolView
from widgets.views._figures import COLOURS
from widgets.views._html import Cell, error_html, html, table_html
from widgets.views._palette import BLUE, GREEN, RED

BAR_COLOURS = (RED, BLUE, GREEN)


class ContaminationExplorer(ToolView):
    """Pick a data set, the held-out share, how rows are tied together and the model; compare the
    random split's validation score with the honest split's and with the final test score."""

    def __init__(self, dataset: str = DATASETS[0], held_out: float = 0.2, reviews_per_author: int = 12,
                 date_resolution: str = "day", model: str = "random forest"):
        super().__init__()
        problem = ""
        try:
            check_dataset(dataset)
            held_out = check_held_out(held_out)
        except ValueError as exc:   # a typo in the notebook cell: say so and start from the defaults
            problem, dataset, held_out = str(exc), DATASETS[0], 0.2
        self.dataset = W.ToggleButtons(options=DATASETS, value=dataset, description="Data")
        self.held_out = W.FloatSlider(value=held_out, min=HELD_OUT_RANGE[0], max=HELD_OUT_RANGE[1], step=0.05,
                                      readout_format=".0%", description="Held out", continuous_update=False)
        self.reviews_per_author = W.IntSlider(
            value=int(np.clip(reviews_per_author, 1, MAX_REVIEWS_PER_AUTHOR)), min=1, max=MAX_REVIEWS_PER_AUTHOR,
            description="Reviews per author", continuous_update=False, style={"description_width": "initial"})
        self.date_resolution = W.SelectionSlider(
            options=list(DATE_RESOLUTIONS), value=date_resolution if date_resolution in DATE_RESOLUTIONS else "day",
            description="Model knows the date to the", continuous_update=False,
            style={"description_width": "initial"}, layout=W.Layout(width="32em"))
        self.model = W.ToggleButtons(options=MODELS, value=model if model in MODELS else MODELS[0],
                                     description="Model")
        self.study = None
        (self._ax,) = self.plot(5.6, 3.0)
        ax = self._ax
        self._bars = ax.bar(np.arange(3), np.zeros(3), 0.6, color=BAR_COLOURS)
        self._labels = [ax.text(i, 0, "", ha="center", va="bottom", fontsize=9) for i in range(3)]
        ax.axhline(0.5, color=COLOURS["random"], ls="--", lw=1)
        ax.text(2.95, 0.505, "chance", ha="right", va="bottom", fontsize=7, color=COLOURS["random"])
        ax.set_xlim(-0.5, 3.0)
        ax.set_ylim(0.4, 1.0)
        ax.set_ylabel("ROC AUC")
        self._blit.animate(*self._bars, *self._labels)
        self._kind = None
        self.watch(self.dataset, self.held_out, self.reviews_per_author, self.date_resolution, self.model)
        self.children = [self.dataset, self.held_out, self.reviews_per_author, self.date_resolution, self.model,
                         self.about, self.message,
                         W.HBox([self.chart, self.numbers],
                                layout=W.Layout(flex_flow="row wrap", align_items="center")),
                         self.say_row]
        self.add_class("mlsd-contamination-explorer")
        self.update()
        if problem:
            self.message.value = error_html(problem)

    def _set_axis(self, kind: str) -> None:
        """Name the bars for this data set (static text: redraw the cached background once)."""
        if kind == self._kind:
            return
        self._kind = kind
        honest = "split by author" if kind == "group" else "split by time"
        test = "unseen authors" if kind == "group" else "next 90 days"
        names = ["random split\nvalidation", f"{honest}\nvalidation", f"final test\n{test}"]
        self._ax.set_xticks(np.arange(3), names)
        self._ax.set_title("fake reviews, 2,400 development reviews" if kind == "group" else
                           "late deliveries, 270 development days", fontsize=10)
        self._blit.invalidate(relayout=True)

    def update(self) -> None:
        grouped = self.dataset.value == DATASETS[0]
        self.reviews_per_author.layout.display = None if grouped else "none"
        self.date_resolution.layout.display = "none" if grouped else None
        try:
            study = contamination_study(self.dataset.value, self.held_out.value, self.model.value,
                                        self.reviews_per_author.value, self.date_resolution.value)
        except ValueError as exc:
            self.message.value = error_html(str(exc))
            return
        self.study = study
        self.message.value = ""
        s = study.scores
        self._set_axis(study.kind)
        for bar, label, value in zip(self._bars, self._labels, (s["random"], s["honest"], s["test"])):
            bar.set_height(value)
            label.set_position((bar.get_x() + bar.get_width() / 2, value + 0.005))
            label.set_text(f"{value:.3f}")
        self.chart.value = self._blit.png()
        self.about.value = html("<i>{}; the same {} is fitted after each split.</i>", study.detail, study.model)
        self.numbers.value = table_html([
            ["validation after a random split", f"{s['n_validation_random']:,}",
             Cell(f"{s['random']:.3f}", cls="mlsd-score-random")],
            [f"validation after a {study.honest_name}", f"{s['n_validation_honest']:,}",
             Cell(f"{s['honest']:.3f}", cls=f"mlsd-score-{study.kind}")],
            [f"gap (random minus {study.honest_name})", "", Cell(f"{s['gap']:+.3f}", cls="mlsd-gap")],
            [f"final test on {study.test_name}", f"{s['n_test']:,}", Cell(f"{s['test']:.3f}", cls="mlsd-score-test")],
        ], ["", "rows scored", "ROC AUC"], cls="mlsd-contamination-table", style="margin-left:1em")
        self.show_say(study.say())
