"""Optimising the model for serving: a real small network before and after float16 and int8 quantisation,
pruning and distillation, each run by ONNX Runtime and measured here (size, p50/p99 per request and per batch,
accuracy lost), and whether the chosen variant fits a phone's or an edge device's memory and latency budget
(numbers from :mod:`widgets.tools.compression`; models built and timed once per setting)."""

from __future__ import annotations

import math

import ipywidgets as W

from widgets.tools import compression as cz
from widgets.tools.capacity import format_bytes
from widgets.tools.model_choice import format_sig3
from widgets.views._base import ToolView
from widgets.views._figures import DATA_TEXT
from widgets.views._html import PALETTE, Cell, Markup, Row, bullets_html, html, join, muted_html, table_html
from widgets.views._inputs import NumberBox
from widgets.views._palette import BLUE, CYAN, DARK_GREY, GREEN, LIGHT_GREY, ORANGE, PURPLE

ALL = "all variants"
#: The variants drawn (the device runs the ONNX models; scikit-learn is the table's reference).
DRAWN = ("float32", "float16", "int8", "pruned", "distilled")
COLOURS = {"float32": BLUE, "float16": CYAN, "int8": GREEN, "pruned": ORANGE, "distilled": PURPLE}
MARKERS = {"float32": "o", "float16": "s", "int8": "D", "pruned": "^", "distilled": "v"}
MISS = f"color:{PALETTE['error']}"
OK = f"color:{PALETTE['ok']}"
SIZE_LIMITS = (1e3, 1e6)   # bytes: the smallest student to five times the float32 file
LOST_LIMITS = (-1, 100)    # accuracy lost, percentage points (below 0: a variant that happens to do better)


def _box(value: float, description: str) -> NumberBox:
    return NumberBox(value, description, style={"description_width": "initial"}, layout=W.Layout(width="230px"))


class CompressionExplorer(ToolView):
    """Controls for the variant shown, the pruning sparsity, the student's size, the batch, the device and the
    latency budget; a chart of accuracy against size and against measured p99, with the device's memory and
    latency budgets drawn; a table of the measured numbers and the device verdicts; the working and the sentence
    to say."""

    inputs_name = "compression"
    input_controls = ("focus", "sparsity", "hidden", "batch", "device", "budget")

    def __init__(self, focus: str = ALL, sparsity: float = 0.5, hidden: int = 16, batch_size: int = 32,
                 device: str | None = None, latency_budget_ms: float = 5.0):
        super().__init__()
        self.devices = {d.name: d for d in cz.device_profiles()}
        names = list(self.devices)
        options = [(ALL, ALL)] + [(cz.LABELS[k], k) for k in cz.VARIANTS]
        self.focus = W.Dropdown(options=options, value=focus if focus in (ALL, *cz.VARIANTS) else ALL,
                                description="Show", style={"description_width": "initial"})
        self.sparsity = W.FloatSlider(value=sparsity, min=0.0, max=cz.MAX_SPARSITY, step=0.01, readout_format=".0%",
                                      continuous_update=False, description="Pruning sparsity",
                                      style={"description_width": "initial"}, layout=W.Layout(width="340px"))
        self.hidden = W.Dropdown(options=list(cz.STUDENT_SIZES), value=hidden, description="Student hidden units",
                                 style={"description_width": "initial"}, layout=W.Layout(width="230px"))
        self.batch = _box(batch_size, "Batch size")
        self.device = W.Dropdown(options=[(f"{d.kind}: {n}", n) for n, d in self.devices.items()],
                                 value=device if device in names else names[0],
                                 description="Device", style={"description_width": "initial"},
                                 layout=W.Layout(width="380px"))
        self.budget = _box(latency_budget_ms, "Latency budget (ms)")
        self.comparison = None
        self.checks: dict = {}
        self.best = None
        self._limits = None
        self._seen: set = set()
        self._build_plot()
        self.watch(self.focus, self.sparsity, self.hidden, self.batch, self.device, self.budget)
        self.about.value = html("<i>{}; a {}-{}-{}-10 network (MLPClassifier). Sizes, latencies and accuracies are "
                                "measured here, on one thread; device figures are estimates.</i>",
                                cz.compression_study().description, 64, *cz.TEACHER_HIDDEN)
        row = {"layout": W.Layout(flex_flow="row wrap", align_items="center")}
        self.children = [self.about,
                         W.HBox([self.focus, self.device, self.budget], **row),
                         W.HBox([self.sparsity, self.hidden, self.batch], **row),
                         self.message, self.chart, self.numbers, self.working, self.say_row]
        self.add_class("mlsd-compression-explorer")
        self.start()

    # -- the chart ---------------------------------------------------------------------------
    def _build_plot(self) -> None:
        self._size_ax, self._time_ax = self.plot(8.6, 3.3, ncols=2)
        self._size_points, self._time_points = {}, {}
        for key in DRAWN:
            style = {"marker": MARKERS[key], "ls": "none", "ms": 8, "color": COLOURS[key], "label": cz.LABELS[key]}
            self._size_points[key], = self._size_ax.plot([], [], **style)
            self._time_points[key], = self._time_ax.plot([], [], **style)
        self._sparse_point, = self._size_ax.plot([], [], MARKERS["pruned"], ms=8, mfc="none", mec=ORANGE, mew=1.5,
                                                 label="pruned, if stored sparse (estimate)")
        self._memory_line = self._size_ax.axvline(1e4, color=DARK_GREY, ls="--", lw=1.2)
        self._latency_line = self._time_ax.axvline(1e-2, color=DARK_GREY, ls="--", lw=1.2)
        # the notes carry a device's name from hardware.csv: shown as written (DATA_TEXT), never as mathtext
        self._size_note = self._size_ax.text(0.02, 0.03, "", transform=self._size_ax.transAxes, fontsize=7.5,
                                             color=DARK_GREY, **DATA_TEXT)
        self._time_note = self._time_ax.text(0.02, 0.03, "", transform=self._time_ax.transAxes, fontsize=7.5,
                                             color=DARK_GREY, **DATA_TEXT)
        self._size_ax.set(xscale="log", xlim=SIZE_LIMITS, xlabel="size (bytes, log scale)",
                          ylabel="accuracy lost (points)")
        self._size_ax.set_title("size: dashed = the device's memory budget", fontsize=9)
        self._time_ax.set(xscale="log", xlabel="p99 per request measured here (ms, log scale)")
        self._time_ax.set_title("latency: dashed = the device's budget in this machine's time", fontsize=9)
        for ax in (self._size_ax, self._time_ax):
            # accuracy lost in points on fixed axes (linear within 1 point, logarithmic beyond): from int8's tenths
            # of a point to a pruned network that guesses, without redrawing the axes when a point moves
            ax.set_yscale("symlog", linthresh=1)
            ax.set_ylim(*LOST_LIMITS)
            ax.set_yticks([0, 1, 10, 100])
            ax.set_yticklabels(["0", "1", "10", "100"])
            ax.grid(True, which="major", color=LIGHT_GREY, lw=0.6)
        self._size_ax.legend(fontsize=7, loc="upper left", framealpha=0.9)
        self._blit.animate(*self._size_points.values(), *self._time_points.values(), self._sparse_point,
                           self._memory_line, self._latency_line, self._size_note, self._time_note)

    def _set_limits(self, comparison) -> None:
        """A latency axis whose decades hold every point; the static part is redrawn only when they change."""
        p99 = [comparison.result(k).request.p99_ms for k in DRAWN]
        limits = (10 ** math.floor(math.log10(min(p99) / 2)), 10 ** math.ceil(math.log10(max(p99) * 2)))
        if limits == self._limits:
            return
        self._limits = limits
        self._time_ax.set_xlim(*limits)
        self._blit.invalidate(relayout=True)

    def _draw(self, comparison, checks, focus: str, device, budget_ms: float) -> None:
        self._set_limits(comparison)
        for key in DRAWN:
            r = comparison.result(key)
            on = focus in (ALL, key)
            for points, x in ((self._size_points, r.size_bytes), (self._time_points, r.request.p99_ms)):
                points[key].set_data([x], [_lost(r)])
                points[key].set_alpha(1.0 if on else 0.25)
                points[key].set_markersize(11 if focus == key else 8)
        pruned = comparison.result("pruned")
        self._sparse_point.set_data([pruned.sparse_bytes], [_lost(pruned)])
        self._sparse_point.set_alpha(1.0 if focus in (ALL, "pruned") else 0.25)
        check = next(iter(checks.values()))
        memory = check.memory.budget_bytes
        self._memory_line.set_xdata([memory, memory])
        self._memory_line.set_visible(SIZE_LIMITS[0] <= memory <= SIZE_LIMITS[1])
        self._size_note.set_text(f"{device.name}: memory budget {format_bytes(memory)}"
                                 + _off(memory, SIZE_LIMITS))
        # the budget on the device, in this machine's time: budget x device TFLOPS / this core's TFLOPS
        here = budget_ms * device.peak_tflops / check.host_tflops
        self._latency_line.set_xdata([here, here])
        x0, x1 = self._time_ax.get_xlim()
        self._latency_line.set_visible(x0 <= here <= x1)
        self._time_note.set_text(f"{budget_ms:g} ms on the device = {format_sig3(here)} ms here (estimate)"
                                 + _off(here, (x0, x1)))
        self.chart.value = self._blit.png()

    # -- the numbers -----------------------------------------------------------------------
    def compute(self) -> None:
        batch = cz.check_batch_size(self.batch.number)
        budget = cz.check_latency_budget(self.budget.number)
        setting = (self.sparsity.value, self.hidden.value, batch)
        if setting not in self._seen:   # models to build and time: say so while it runs (a second or so)
            self.message.value = muted_html("Building and timing the models for this setting...")
            self._seen.add(setting)
        comparison = cz.compare_variants(self.sparsity.value, self.hidden.value, batch)
        device = self.devices[self.device.value]
        host = cz.host_compute()
        checks = cz.checks_on_device(comparison, device, budget, host)
        focus = self.focus.value
        self.comparison, self.checks = comparison, checks
        self.best = cz.best_on_device(comparison, checks)
        self._draw(comparison, checks, focus, device, budget)
        self.numbers.value = self._table(comparison, checks, focus, device)
        self.working.value = self._working(comparison, checks, focus, device, host)
        self.show_say(self._say(comparison, checks, focus, device, budget))

    def _table(self, comparison, checks, focus: str, device) -> Markup:
        keys = cz.VARIANTS if focus == ALL else [k for k in cz.VARIANTS if k in ("sklearn", "float32", focus)]
        rows = []
        for key in keys:
            r = comparison.result(key)
            check = checks.get(key)
            size = Cell(f"{r.size_bytes:,}", cls=f"mlsd-size-{key}", title=r.size_what)
            sparse = (Cell(f"≈ {r.sparse_bytes:,}", cls="mlsd-sparse-size",
                           title="estimate: file - 4 x weights + sum(8 x non-zeros + 4 x (rows + 1))")
                      if r.sparse_bytes is not None else "")
            lost = Cell(f"{r.accuracy_lost:.1f}", cls=f"mlsd-lost-{key}",
                        style=MISS if r.accuracy_lost >= 1 else None)
            if check is None:
                device_cells = [Cell("reference: not run on the device", colspan=3, style=f"color:{PALETTE['muted']}")]
            else:
                device_cells = [
                    Cell(f"{'fits' if check.fits else 'does not fit'} ({format_bytes(check.memory.needed_bytes)} "
                         f"of {format_bytes(check.memory.budget_bytes)})", cls=f"mlsd-fits-{key}",
                         style=OK if check.fits else MISS,
                         title="file + float32 activations of one request, against the memory an app may use"),
                    Cell(format_sig3(check.latency_ms), cls=f"mlsd-device-p99-{key}"),
                    Cell("met" if check.meets_budget else "missed", cls=f"mlsd-budget-{key}",
                         style=OK if check.meets_budget else MISS)]
            highlight = key == focus or (focus == ALL and key == self.best)
            rows.append(Row([Cell(r.label, title=cz.DESCRIPTIONS[key], bold=highlight), size, sparse,
                             Cell(format_sig3(r.request.p50_ms), cls=f"mlsd-p50-{key}"),
                             Cell(format_sig3(r.request.p99_ms), cls=f"mlsd-p99-{key}"),
                             Cell(format_sig3(r.batch.p50_ms), cls=f"mlsd-batch-p50-{key}"),
                             Cell(format_sig3(r.batch.p99_ms), cls=f"mlsd-batch-p99-{key}"),
                             Cell(f"{r.accuracy:.2%}", cls=f"mlsd-accuracy-{key}"), lost, *device_cells],
                            cls="mlsd-variant", data={"variant": key},
                            style=f"background:{PALETTE['chosen']}" if highlight else None))
        b = comparison.batch_size
        header = ["variant", "size (bytes)", "if stored sparse (estimate)", "p50 (ms)", "p99 (ms)",
                  f"batch of {b}: p50 (ms)", f"batch of {b}: p99 (ms)", "accuracy", "accuracy lost (points)",
                  "memory (estimate)", "p99 on device (ms, estimate)", "latency budget"]
        note = muted_html(f"Per request: batch 1. Device columns: {device.name}. "
                          + ("Highlighted: the variant to ship there (least accuracy lost among those that fit and "
                             "meet the budget)." if focus == ALL and self.best else
                             "No variant fits and meets the budget there." if focus == ALL else ""))
        return join([table_html(rows, header, cls="mlsd-table mlsd-compression-table"), note])

    def _working(self, comparison, checks, focus: str, device, host) -> Markup:
        lines = comparison.working(None if focus == ALL else focus)
        shown = focus if focus in checks else self.best or "float32"   # scikit-learn does not run on the device
        check = checks[shown]
        lines.append(f"Device: {device.name} ({device.kind}), {device.peak_tflops:g} TFLOPS, "
                     f"{format_bytes(device.memory_gb * 1e9)}; source: {device.source}.")
        lines.append(f"Reference compute for the device estimates: {host.describe()}.")
        lines += [f"{cz.LABELS[shown]} on the device: {line}" for line in check.working]
        return html("<details open><summary>The working</summary>{}</details>", bullets_html(lines, cls="mlsd-working"))

    def _say(self, comparison, checks, focus: str, device, budget: float) -> str:
        if focus == ALL:
            text = comparison.say()
            if self.best is None:
                return text + (f" On the {device.name}, no variant both fits the memory an app may use and meets the "
                               f"{budget:g} ms p99 budget (estimates): shrink the model further or move it to a server.")
            return text + f" To ship on the {device.name}: the {cz.LABELS[self.best]}. " + checks[self.best].say()
        return comparison.say(focus, checks.get(focus))


def _lost(result) -> float:
    """Accuracy lost in points, kept inside the chart."""
    return min(max(result.accuracy_lost, LOST_LIMITS[0]), LOST_LIMITS[1])


def _off(x: float, limits) -> str:
    """Where a line is when it falls outside the axis."""
    return " (left of the chart)" if x < limits[0] else " (right of the chart)" if x > limits[1] else ""
