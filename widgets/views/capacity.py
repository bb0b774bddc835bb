"""Back-of-the-envelope estimators for steps 1 and 5: thin widgets over :mod:`widgets.tools.capacity`.

Every estimator takes its inputs in number boxes (so a person can type any value, and a wrong one
gets a message, not a clamp), shows the working (the multiplications with units), a chart, and a
"say it in the interview" sentence filled with the numbers.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import traitlets

from widgets.tools import capacity as cap
from widgets.tools.numbers import name_fields
from widgets.views._base import ToolView
from widgets.views._inputs import NumberBox, kept_number
from widgets.views._figures import COLOURS, png
from widgets.views._html import PALETTE, Cell, Markup, bullets_html, html, table_html

_NUMBER = dict(layout=W.Layout(width="25em"), style={"description_width": "16em"})   # the longest label fits


def _number(value: float, description: str, tooltip: str = "") -> NumberBox:
    return NumberBox(value, description, tooltip=tooltip, **_NUMBER)


def _server_hardware() -> list[str]:
    """The names of the servers and GPUs in hardware.csv (its phones and edge devices are for step 5's
    serving-optimisation tool: nobody serves a fleet or trains on them)."""
    return list(cap.server_profiles())


def _rounded_peak(peak_rps: float) -> float:
    """A peak as the serving estimator shows it: to the nearest 10 requests per second, at least 1."""
    return round(peak_rps, -1) or 1.0


def _traffic_of(kept):
    """The traffic of step 1's kept inputs, or ``None`` when there are none or they do not compute."""
    users, actions = kept_number(kept, "users"), kept_number(kept, "actions")
    peak, reads = kept_number(kept, "peak"), kept_number(kept, "read_share")
    try:
        return cap.traffic(users, actions, peak if peak is not None else 2.0, reads if reads is not None else 0.9)
    except (ValueError, TypeError):
        return None


def working_html(*results) -> Markup:
    lines = [line for r in results for line in r.working]
    return html("<details open><summary>The working</summary>{}</details>", bullets_html(lines, cls="mlsd-working"))


def numbers_html(rows, style: str | None = None) -> Markup:
    """The key numbers of an estimator: ``(key, name, value)`` rows, the value bold in ``.mlsd-<key>``."""
    return table_html([[name, Cell(value, cls=f"mlsd-{key}", bold=True)] for key, name, value in rows],
                      cls="mlsd-capacity-table", style=style)


class _Estimator(ToolView):
    """An estimator: number boxes in, the numbers, the working and the sentence out (see :class:`ToolView`).

    :attr:`fields` maps the computation's argument names to the boxes that feed them, so that a message
    names the box as its label shows it ("Daily active users must be a positive number").
    """

    _controls: tuple = ()
    fields: dict[str, str] = {}

    def _wire(self) -> None:
        self.watch(*self._controls)

    def explain(self, message: str) -> str:
        return name_fields(message, {arg: getattr(self, box).description for arg, box in self.fields.items()})


class TrafficStorageEstimator(_Estimator):
    """Requests per second over a day, and storage over the years, for a product's scale.

    ``peak_rps`` (a trait) is the computed peak; a serving estimator can follow it. Its inputs are kept with
    the attempt as ``"traffic"``: step 5 sizes its fleet from them.
    """

    peak_rps = traitlets.Float(0.0, help="the peak requests per second of the current inputs")
    fields = {"daily_active_users": "users", "actions_per_user_per_day": "actions", "peak_factor": "peak",
              "read_share": "read_share", "bytes_per_record": "record_bytes", "replication": "replication",
              "retention_days": "retention", "request_bytes": "request_bytes", "response_bytes": "response_bytes"}
    inputs_name = "traffic"
    input_controls = ("users", "actions", "peak", "read_share", "record_bytes", "replication", "retention",
                      "request_bytes", "response_bytes")

    def __init__(self, daily_active_users: float = 100e6, actions_per_user_per_day: float = 10.0,
                 peak_factor: float = 2.0, read_share: float = 0.9, bytes_per_record: float = 1_000.0,
                 replication: float = 3, retention_days: float = 365 * 3, request_bytes: float = 1_000.0,
                 response_bytes: float = 10_000.0, question=None):
        super().__init__(question=question)
        self.users = _number(daily_active_users, "Daily active users")
        self.actions = _number(actions_per_user_per_day, "Actions per user per day")
        self.peak = _number(peak_factor, "Peak / average")
        self.read_share = _number(read_share, "Share of reads (0-1)")
        self.record_bytes = _number(bytes_per_record, "Bytes per stored write")
        self.replication = _number(replication, "Replicas of the data")
        self.retention = _number(retention_days, "Retention (days)")
        self.request_bytes = _number(request_bytes, "Request size (bytes)")
        self.response_bytes = _number(response_bytes, "Response size (bytes)")
        self._controls = (self.users, self.actions, self.peak, self.read_share, self.record_bytes,
                          self.replication, self.retention, self.request_bytes, self.response_bytes)
        self._day_ax, self._years_ax = self.plot(9, 2.8, ncols=2)
        self._day_line, = self._day_ax.plot(np.arange(24), np.zeros(24), color=COLOURS["after"])
        self._avg_line = self._day_ax.axhline(0, color=COLOURS["random"], ls="--", lw=1, label="average")
        self._peak_dot, = self._day_ax.plot([], [], "o", color=COLOURS["point"], label="peak")
        self._day_ax.set(xlabel="hour of the day", ylabel="requests / s", xlim=(0, 23))
        self._day_ax.legend(fontsize=8, loc="upper left")
        self._growth_line, = self._years_ax.plot([], [], color=COLOURS["after"])
        self._years_ax.set(xlabel="years since launch", ylabel="stored (TB)")
        self.children = [
            W.HBox([W.VBox([self.users, self.actions, self.peak, self.read_share]),
                    W.VBox([self.record_bytes, self.replication, self.retention]),
                    W.VBox([self.request_bytes, self.response_bytes])],
                   layout=W.Layout(flex_flow="row wrap")),
            self.message, W.HBox([self.chart, self.numbers], layout=W.Layout(flex_flow="row wrap")),
            self.working, self.say_row]
        self.add_class("mlsd-traffic-estimator")
        self._wire()
        self.start()

    def compute(self) -> None:
        t = cap.traffic(self.users.number, self.actions.number, self.peak.number, self.read_share.number)
        s = cap.storage(t.write_rps * cap.SECONDS_PER_DAY, bytes_per_record=self.record_bytes.number,
                        replication=self.replication.number, retention_days=self.retention.number)
        bw = cap.bandwidth(t, self.request_bytes.number, self.response_bytes.number)
        self.traffic, self.storage, self.bandwidth = t, s, bw
        self.peak_rps = t.peak_rps
        profile = t.hourly_profile()
        self._day_line.set_ydata(profile)
        self._avg_line.set_ydata([t.average_rps, t.average_rps])
        self._peak_dot.set_data([int(np.argmax(profile))], [profile.max()])
        self._day_ax.set_ylim(0, profile.max() * 1.15)
        self._day_ax.set_title(f"requests over a day: peak {cap.format_quantity(t.peak_rps, 'req/s')}", fontsize=10)
        days, stored = s.growth(5)
        self._growth_line.set_data(days / cap.DAYS_PER_YEAR, stored / 1e12)
        self._years_ax.set_xlim(0, 5)
        self._years_ax.set_ylim(0, max(stored.max() / 1e12, 1e-9) * 1.15)
        self._years_ax.set_title(f"storage: {cap.format_bytes(s.bytes_retained)} at steady state", fontsize=10)
        self._blit.invalidate(relayout=True)   # limits, ticks and titles change with every input
        self.chart.value = self._blit.png()
        rows = [("requests-per-day", "requests per day", cap.format_quantity(t.requests_per_day)),
                ("average-rps", "average", cap.format_quantity(t.average_rps, "req/s")),
                ("peak-rps", "peak", cap.format_quantity(t.peak_rps, "req/s")),
                ("peak-read-write", "peak reads / writes", f"{cap.format_quantity(t.peak_read_rps, 'req/s')} / "
                                                          f"{cap.format_quantity(t.peak_write_rps, 'req/s')}"),
                ("stored-per-day", "stored per day", cap.format_bytes(s.bytes_per_day)),
                ("stored-per-year", "stored per year", cap.format_bytes(s.bytes_per_year)),
                ("stored-retained", "kept over the retention", cap.format_bytes(s.bytes_retained)),
                ("bandwidth", "bandwidth in / out at peak",
                 f"{cap.format_bytes(bw.peak_ingress_bytes_per_s)}/s / {cap.format_bytes(bw.peak_egress_bytes_per_s)}/s")]
        self.numbers.value = numbers_html(rows, style="margin-left:1em")
        self.working.value = working_html(t, s, bw)
        self.show_say(f"{t.say()} {s.say()} {bw.say()}")

    def use_question(self, question) -> None:
        """Take a question's assumed scale: daily users and actions per user per day (the other inputs stay)."""
        self.users.value, self.actions.value = question.daily_active_users, question.actions_per_user_per_day


class ServingEstimator(_Estimator):
    """How many replicas or GPUs serve the peak, whether the model fits, and what it costs a month.

    ``fleet`` (a trait) is the latest :class:`~widgets.tools.capacity.ServingFleet`; a rollout planner links to it.
    """

    fleet = traitlets.Any(None, allow_none=True, help="the serving fleet computed from the inputs")
    fields = {"peak_rps": "peak", "latency_ms": "latency", "batch_size": "batch", "target_utilisation": "utilisation",
              "redundancy": "redundancy", "model_gb": "model_gb", "cache_gb": "cache_gb"}
    inputs_name = "serving"
    input_controls = ("peak", "hardware", "latency", "batch", "utilisation", "redundancy", "model_gb", "cache_gb")

    def __init__(self, peak_rps: float = 5_000.0, hardware: str | None = None, latency_ms: float = 20.0,
                 batch_size: float = 8, target_utilisation: float = 0.6, redundancy: float = 0.25,
                 model_gb: float = 2.0, cache_gb: float = 1.0, question=None,
                 traffic: TrafficStorageEstimator | None = None):
        super().__init__(question=question)
        names = _server_hardware()
        self.peak = _number(peak_rps, "Peak requests / s")
        self.hardware = W.Dropdown(options=names, value=hardware if hardware in names else names[0],
                                   description="Hardware", **_NUMBER)
        self.latency = _number(latency_ms, "Latency of a batch (ms)")
        self.batch = _number(batch_size, "Batch size")
        self.utilisation = _number(target_utilisation, "Target utilisation (0-1)")
        self.redundancy = _number(redundancy, "Spare capacity (0.25 = +25%)")
        self.model_gb = _number(model_gb, "Model size (GB)")
        self.cache_gb = _number(cache_gb, "Caches (GB)")
        self._controls = (self.peak, self.hardware, self.latency, self.batch, self.utilisation, self.redundancy,
                          self.model_gb, self.cache_gb)
        self.children = [
            W.HBox([W.VBox([self.peak, self.hardware, self.latency, self.batch]),
                    W.VBox([self.utilisation, self.redundancy, self.model_gb, self.cache_gb])],
                   layout=W.Layout(flex_flow="row wrap")),
            self.message, self.numbers, self.working, self.say_row]
        self.add_class("mlsd-serving-estimator")
        self._wire()
        if traffic is not None:   # on one page (the capacity calculator) the fleet follows the traffic above it
            traitlets.dlink((traffic, "peak_rps"), (self.peak, "value"), _rounded_peak)
        self.start()

    def compute(self) -> None:
        f = cap.serving_fleet(self.peak.number, self.hardware.value, latency_ms=self.latency.number,
                              batch_size=self.batch.number, target_utilisation=self.utilisation.number,
                              redundancy=self.redundancy.number, model_gb=self.model_gb.number,
                              cache_gb=self.cache_gb.number)
        self.fleet = f
        fits = "fits" if f.fits_in_memory else html("<b style='color:{}'>does not fit</b>", PALETTE["error"])
        self.numbers.value = table_html([
            ["throughput per replica", cap.format_quantity(f.throughput_per_replica_rps, "req/s")],
            ["replicas for the peak", Cell(f.replicas, cls="mlsd-replicas", bold=True)],
            ["with spare capacity", Cell(f.replicas_total, cls="mlsd-replicas-total", bold=True)],
            ["memory per replica", html("{:g} GB, {}", f.memory_needed_gb, fits)],
            ["cost per month", Cell(f"${f.monthly_cost_usd:,.0f}", cls="mlsd-monthly-cost", bold=True)],
        ], cls="mlsd-capacity-table")
        self.working.value = working_html(f)
        self.show_say(f.say())

    @staticmethod
    def _question_peak(question) -> float:
        return _rounded_peak(cap.traffic(question.daily_active_users, question.actions_per_user_per_day).peak_rps)

    def use_question(self, question) -> None:
        """Take the peak traffic of a question's assumed scale, peak factor 2 (the other inputs stay), or, once
        the participant sized the traffic in step 1 of this attempt, the peak of those numbers."""
        traffic = _traffic_of(self.page_inputs("traffic"))
        self.peak.value = _rounded_peak(traffic.peak_rps) if traffic is not None else self._question_peak(question)

    def restore_inputs(self, saved) -> None:
        """This step's own inputs, except a peak older than step 1's latest traffic (the newest number wins)."""
        super().restore_inputs(saved)
        kept = self.page_inputs("traffic")
        traffic = _traffic_of(kept)
        if traffic is not None and kept.updated_at > saved.updated_at:
            self.peak.value = _rounded_peak(traffic.peak_rps)


class LatencyBudgetEstimator(_Estimator):
    """A multi-stage request against a p99 target, drawn as a waterfall."""

    DEFAULT_STAGES = {"network in": 10.0, "feature lookup": 15.0, "candidate generation": 20.0,
                      "ranking": 40.0, "re-ranking and rules": 10.0, "network out": 10.0}
    inputs_name = "latency"
    fields = {"target_ms": "target"}

    def inputs(self) -> dict:
        return {**{f"stage:{name}": box for name, box in self.stage_boxes.items()}, "target": self.target}

    def __init__(self, stages: dict | None = None, target_ms: float = 150.0):
        super().__init__()
        stages = dict(stages or self.DEFAULT_STAGES)
        self.stage_boxes = {name: _number(ms, f"{name} (ms)") for name, ms in stages.items()}
        self.target = _number(target_ms, "p99 target (ms)")
        self._controls = (*self.stage_boxes.values(), self.target)
        (self._ax,) = self.plot(6.5, 2.9)
        self.children = [W.HBox([W.VBox(list(self.stage_boxes.values())), W.VBox([self.target])],
                                layout=W.Layout(flex_flow="row wrap")),
                         self.message, self.chart, self.working, self.say_row]
        self.add_class("mlsd-latency-estimator")
        self._wire()
        self.start()

    def compute(self) -> None:
        b = cap.latency_budget({n: box.number for n, box in self.stage_boxes.items()}, self.target.number)
        self.budget = b
        ax = self._ax
        ax.clear()
        start = 0.0
        names = [n for n, _ in b.stages]
        for i, (name, ms) in enumerate(b.stages):
            ax.barh(i, ms, left=start, color=COLOURS["after"])
            start += ms
        ax.barh(len(names), b.total_ms, color=COLOURS["good"] if b.within else COLOURS["bad"])
        ax.axvline(b.target_ms, color=COLOURS["point"], ls="--", lw=1)
        ax.set_yticks(range(len(names) + 1), names + ["total"])
        ax.invert_yaxis()
        ax.set_xlabel("milliseconds")
        ax.set_title(f"{b.total_ms:g} ms of a {b.target_ms:g} ms budget", fontsize=10)

        self.chart.value = png(self._fig)
        self.working.value = working_html(b)
        self.show_say(b.say())


class RolloutPlanner(_Estimator):
    """A/B test size and duration, a canary schedule and the cost of shadow traffic.

    Given a :class:`ServingEstimator` (``serving``), the planner prices shadow traffic on its fleet and
    follows it (its ``fleet`` trait is linked to the estimator's).
    """

    fleet = traitlets.Any(None, allow_none=True, help="the serving fleet shadow traffic is priced on")
    fields = {"baseline_rate": "baseline", "minimum_detectable_effect": "mde", "alpha": "alpha", "power": "power",
              "daily_users": "daily_users", "allocated_share": "share", "shadow_share": "shadow_share"}
    inputs_name = "rollout"
    input_controls = ("baseline", "mde", "alpha", "power", "daily_users", "share", "method", "shadow_share")

    def __init__(self, baseline_rate: float = 0.05, minimum_detectable_effect: float = 0.05,
                 daily_users: float = 1e6, allocated_share: float = 0.1, alpha: float = 0.05, power: float = 0.8,
                 serving: ServingEstimator | None = None, question=None):
        super().__init__(question=question)
        self.baseline = _number(baseline_rate, "Baseline rate (0-1)")
        self.mde = _number(minimum_detectable_effect, "Smallest lift (relative)")
        self.alpha = _number(alpha, "Significance level")
        self.power = _number(power, "Power (0-1)")
        self.daily_users = _number(daily_users, "Daily users")
        self.share = _number(allocated_share, "Share in the test (0-1)")
        self.method = W.ToggleButtons(options=[("R power.prop.test", "power.prop.test"),
                                               ("baseline variance", "baseline-variance")],
                                      value="power.prop.test", description="Formula")
        self.shadow_share = _number(1.0, "Shadow traffic share (0-1)")
        self._controls = (self.baseline, self.mde, self.alpha, self.power, self.daily_users, self.share,
                          self.method, self.shadow_share)
        self.canary = W.HTML()
        self.children = [W.HBox([W.VBox([self.baseline, self.mde, self.alpha, self.power]),
                                 W.VBox([self.daily_users, self.share, self.shadow_share])],
                                layout=W.Layout(flex_flow="row wrap")),
                         self.method, self.message, self.numbers, self.canary, self.working, self.say_row]
        self.add_class("mlsd-rollout-planner")
        self._wire()
        self.observe(self._redraw, names="fleet")
        if serving is not None:
            self.price_shadow_on(serving)
        self.start()

    def price_shadow_on(self, serving: ServingEstimator) -> None:
        """Price shadow traffic on ``serving``'s fleet, now and whenever it is recomputed."""
        traitlets.dlink((serving, "fleet"), (self, "fleet"))

    def use_question(self, question) -> None:
        """Take a question's daily users (the other inputs stay), or step 1's, once the participant set them."""
        users = kept_number(self.page_inputs("traffic"), "users")
        self.daily_users.value = users if users is not None and users > 0 else question.daily_active_users

    def restore_inputs(self, saved) -> None:
        """This step's own inputs, except daily users older than step 1's latest (the newest number wins)."""
        super().restore_inputs(saved)
        kept = self.page_inputs("traffic")
        users = kept_number(kept, "users")
        if users is not None and users > 0 and kept.updated_at > saved.updated_at:
            self.daily_users.value = users

    def compute(self) -> None:
        plan = cap.rollout_plan(self.baseline.number, self.mde.number, self.daily_users.number, self.share.number,
                                self.alpha.number, self.power.number, self.method.value, self.fleet,
                                self.shadow_share.number)
        self.plan = plan
        rows = [("users-per-arm", "users per arm", f"{plan.users_per_arm:,}"),
                ("days", "days to reach them", f"{plan.days}"),
                ("change", "absolute change detected", f"{plan.baseline_rate:.2%} to {plan.treated_rate:.2%}")]
        if plan.shadow is not None:
            rows.append(("shadow", "shadow traffic", f"+{plan.shadow['extra_replicas']} replicas, "
                                                      f"${plan.shadow['extra_monthly_cost_usd']:,.0f} a month"))
        self.numbers.value = numbers_html(rows)
        self.canary.value = Markup("<b>Canary schedule</b>") + table_html(
            [[s["stage"], f"{s['share']:.0%}", cap.format_quantity(s["users_exposed_per_day"]),
              f"{s['start_hour']:g}-{s['end_hour']:g}"] for s in plan.canary],
            ["stage", "share", "users a day", "hours"], cls="mlsd-canary")
        self.working.value = working_html(plan)
        self.show_say(plan.say())


class TrainingEstimator(_Estimator):
    """Training compute (samples x epochs x FLOPs, or 6 x parameters x tokens) and embedding memory."""

    fields = {"parameters": "parameters", "tokens": "tokens", "n_devices": "devices", "mfu": "mfu",
              "entities": "entities", "dimension": "dimension", "bytes_per_value": "value_bytes",
              "optimizer_states": "optimizer_states"}

    def __init__(self, parameters: float = 1e9, tokens: float = 20e9, hardware: str | None = None,
                 n_devices: float = 8, mfu: float = 0.4, entities: float = 100e6, dimension: float = 64,
                 bytes_per_value: float = 4, optimizer_states: float = 2):
        super().__init__()
        names = _server_hardware()
        gpus = [n for n in names if n.startswith("NVIDIA")] or names
        self.parameters = _number(parameters, "Model parameters")
        self.tokens = _number(tokens, "Training tokens / samples")
        self.hardware = W.Dropdown(options=names, value=hardware if hardware in names else gpus[-1],
                                   description="Hardware", **_NUMBER)
        self.devices = _number(n_devices, "Devices")
        self.mfu = _number(mfu, "Utilisation (MFU, 0-1)")
        self.entities = _number(entities, "Embedded entities")
        self.dimension = _number(dimension, "Embedding dimension")
        self.value_bytes = _number(bytes_per_value, "Bytes per value")
        self.optimizer_states = _number(optimizer_states, "Optimizer states (Adam: 2)")
        self._controls = (self.parameters, self.tokens, self.hardware, self.devices, self.mfu, self.entities,
                          self.dimension, self.value_bytes, self.optimizer_states)
        self.children = [W.HBox([W.VBox([self.parameters, self.tokens, self.hardware, self.devices, self.mfu]),
                                 W.VBox([self.entities, self.dimension, self.value_bytes, self.optimizer_states])],
                                layout=W.Layout(flex_flow="row wrap")),
                         self.message, self.numbers, self.working, self.say_row]
        self.add_class("mlsd-training-estimator")
        self._wire()
        self.start()

    def compute(self) -> None:
        def whole(box, name):
            if box.number != int(box.number):
                raise ValueError(f"{name} must be a whole number, got {box.number:g}.")
            return int(box.number)

        t = cap.training_compute(self.hardware.value, n_devices=whole(self.devices, "Devices"), mfu=self.mfu.number,
                                 parameters=self.parameters.number, tokens=self.tokens.number)
        e = cap.embedding_memory(self.entities.number, whole(self.dimension, "The embedding dimension"),
                                 self.value_bytes.number, whole(self.optimizer_states, "Optimizer states"))
        self.training, self.embeddings = t, e
        rows = [("flops", "training compute (6 x parameters x tokens)", cap.format_quantity(t.total_flops, "FLOP")),
                ("wall-time", f"wall time on {t.n_devices} devices", f"{t.wall_hours:,.1f} hours"),
                ("training-cost", "cost", f"${t.cost_usd:,.0f}"),
                ("embedding-table", "embedding table", cap.format_bytes(e.table_bytes)),
                ("embedding-training", "with optimizer states", cap.format_bytes(e.training_bytes))]
        self.numbers.value = numbers_html(rows)
        self.working.value = working_html(t, e)
        self.show_say(f"{t.say()} {e.say()}")
