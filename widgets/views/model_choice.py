"""The simplest model that is good enough: set a p99 latency budget and a minimum accuracy, see four
model families' quality against latency, and which one to ship (numbers from
:mod:`widgets.tools.model_choice`; models trained and timed once, re-timed on "Measure again")."""

from __future__ import annotations

import math

import ipywidgets as W

from widgets.tools.model_choice import (
    BATCH_SIZE,
    DEFAULT_MIN_QUALITY,
    N_REQUESTS,
    ROUNDS,
    SIMPLICITY,
    check_constraints,
    default_budget,
    format_kb,
    format_ms,
    format_s,
    format_us,
    model_choice_study,
)
from widgets.views._base import ToolView
from widgets.views._html import PALETTE, Cell, Markup, Row, html, table_html
from widgets.views._inputs import NumberBox
from widgets.views._palette import BLUE, CYAN, DARK_GREY, GREEN, LIGHT_GREY, ORANGE, PURPLE

MODEL_COLOURS = {"logistic regression": BLUE, "k-nearest neighbours": PURPLE, "gradient-boosted trees": ORANGE,
                 "small MLP": CYAN}
MARKERS = ("o", "s", "^", "D")   # a shape per model, so overlapping points stay apart
CHOSEN = GREEN
MISS = f"color:{PALETTE['error']}"


class ModelChoiceExplorer(ToolView):
    """A p99 budget box, a minimum-accuracy slider and a "Measure again" button; a chart of accuracy
    against p99 latency with both limits drawn, a table a row per model (the pick highlighted) and the
    sentence to say."""

    def __init__(self, budget_ms: float | None = None, min_quality: float = DEFAULT_MIN_QUALITY):
        super().__init__()
        self.study = model_choice_study()
        if budget_ms is None:   # one the simplest good-enough model meets here, even on a busy machine
            budget_ms = default_budget(self.study.results, min_quality)
        self.budget = NumberBox(budget_ms, "p99 latency budget (ms)", style={"description_width": "initial"},
                                layout=W.Layout(width="260px"))
        self.min_quality = W.FloatSlider(value=min_quality, min=0.90, max=1.0, step=0.001, readout_format=".3f",
                                         description="Minimum accuracy", style={"description_width": "initial"},
                                         layout=W.Layout(width="420px"))
        self.measure_again = W.Button(description="Measure again", icon="stopwatch",
                                      tooltip="Time every model's predictions again on this machine")
        self.chart.layout = W.Layout(align_self="flex-start")   # its own size, not stretched
        self.choice = None
        (self._ax,) = self.plot(6.4, 3.8)
        self.watch(self.budget, self.min_quality)
        self.measure_again.on_click(self._measure_again)
        self.children = [self.about,
                         W.HBox([self.budget, self.min_quality, self.measure_again],
                                layout=W.Layout(flex_flow="row wrap", align_items="center")),
                         self.message, self.chart, self.numbers, self.say_row]
        self.add_class("mlsd-model-choice-explorer")
        self._build_plot()
        self.update()

    def _describe(self) -> None:
        self.about.value = html("<i>{}. Models listed simplest first; latencies are measured here, one thread, one "
                                "request at a time.</i>", self.study.description)

    def _build_plot(self) -> None:
        """Draw the static part (one point per model) and create the artists that move."""
        results = self.study.results
        ax = self._ax
        self._blit.forget()
        ax.clear()
        ax.set_xscale("log")
        p99 = [r.p99_ms for r in results]
        acc = [r.accuracy for r in results]
        self._xlim = (10 ** math.floor(math.log10(min(p99) / 2)), 10 ** math.ceil(math.log10(max(p99) * 2)))
        self._ylim = (min(0.9, min(acc) - 0.01), 1.002)
        for rank, r in enumerate(results, start=1):
            ax.plot([r.p99_ms], [r.accuracy], MARKERS[(rank - 1) % len(MARKERS)], ms=8, alpha=0.85,
                    color=MODEL_COLOURS.get(r.name, DARK_GREY), label=f"{rank}. {r.name}")
        ax.legend(fontsize=8, loc="lower right", title="simplest first", title_fontsize=8)
        ax.set(xlim=self._xlim, ylim=self._ylim, xlabel="p99 latency of one request (ms, log scale)",
               ylabel="accuracy on held-out digits")
        ax.set_title("quality against latency: the shaded corner meets both", fontsize=10)
        ax.grid(True, which="major", color=LIGHT_GREY, lw=0.6)
        from matplotlib.patches import Rectangle

        self._region = ax.add_patch(Rectangle((self._xlim[0], 0), 0, 0, color=CHOSEN, alpha=0.10, lw=0))
        self._budget_line = ax.axvline(1.0, color=DARK_GREY, ls="--", lw=1.2)
        self._quality_line = ax.axhline(0.95, color=DARK_GREY, ls=":", lw=1.2)
        self._chosen_mark, = ax.plot([], [], "o", ms=17, mfc="none", mec=CHOSEN, mew=2.5)
        self._note = ax.text(0.02, 0.03, "", transform=ax.transAxes, fontsize=8, color=DARK_GREY)
        self._blit.animate(self._region, self._budget_line, self._quality_line, self._chosen_mark, self._note)
        self._describe()

    def _measure_again(self, _=None) -> None:
        self.measure_again.disabled = True
        self.measure_again.description = "Measuring..."
        try:
            self.study = self.study.remeasured()
            self._build_plot()
            self.update()
        finally:
            self.measure_again.disabled = False
            self.measure_again.description = "Measure again"

    def compute(self) -> None:
        budget, quality = check_constraints(self.budget.number, self.min_quality.value)
        choice = self.study.choose(budget, quality)
        self.choice = choice
        self._draw(choice)
        self.numbers.value = self._table(choice)
        self.show_say(self.study.say(budget, quality))

    def _draw(self, choice) -> None:
        budget, quality = choice.budget_ms, choice.min_quality
        (x0, x1), (_, y1) = self._xlim, self._ylim
        self._region.set_bounds(x0, quality, max(min(budget, x1) - x0, 0), max(y1 - quality, 0))
        self._budget_line.set_xdata([budget, budget])
        self._quality_line.set_ydata([quality, quality])
        chosen = choice.chosen
        self._chosen_mark.set_visible(chosen is not None)
        if chosen is not None:
            self._chosen_mark.set_data([chosen.p99_ms], [chosen.accuracy])
        where = " (left of the chart)" if budget < x0 else " (right of the chart)" if budget > x1 else ""
        self._note.set_text(f"budget {format_ms(budget)} ms{where}\nminimum {quality:.3f}\n"
                            f"{'pick: ' + chosen.name if chosen else 'no model meets both'}")
        self.chart.value = self._blit.png()

    def _table(self, choice) -> Markup:
        rows = []
        for rank, r in enumerate(choice.results, start=1):
            good, fast = choice.good_enough[r.name], choice.fast_enough[r.name]
            fits = choice.verdict(r.name)
            chosen = choice.chosen is not None and choice.chosen.name == r.name
            rows.append(Row([
                rank, Cell(r.name, cls="mlsd-model-name", title=SIMPLICITY.get(r.name, "")),
                Cell(f"{r.accuracy:.3f}", cls="mlsd-quality", style=None if good else MISS),
                Cell(format_ms(r.p50_ms), cls="mlsd-p50"),
                Cell(format_ms(r.p99_ms), cls="mlsd-p99", style=None if fast else MISS),
                Cell(_spread(r), cls="mlsd-p99-range"),
                Cell(format_ms(r.batch_ms), cls="mlsd-batch"), Cell(format_us(r.per_row_us), cls="mlsd-per-row"),
                Cell(format_kb(r.size_bytes), cls="mlsd-size"), Cell(format_s(r.train_s), cls="mlsd-train-time"),
                Cell(fits, cls="mlsd-fits"),
                Cell(r.interpretability, cls="mlsd-interpretability", style="font-size:85%;max-width:22em")],
                cls="mlsd-model mlsd-chosen" if chosen else "mlsd-model",
                style=f"background:{PALETTE['chosen']};font-weight:600" if chosen else None))
        return table_html(rows, ["simplicity", "model", "accuracy", "p50 (ms)", "p99 (ms)", f"p99 range, {ROUNDS} rounds of {N_REQUESTS} (ms)",
                                 f"batch of {BATCH_SIZE} (ms)",
                                 "per row in batch (µs)", "size (kB)", "training (s)", "fits?",
                                 "how to explain a prediction"], cls="mlsd-model-choice-table")


def _spread(result) -> str:
    """The lowest and highest round's p99, and how many rounds: what the quoted median hides."""
    lat = result.latency
    if lat is None or not lat.round_p99_ms:
        return ""
    low, high = lat.p99_spread_ms
    return f"{format_ms(low)}-{format_ms(high)}"
