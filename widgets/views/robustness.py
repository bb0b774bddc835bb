"""Robustness and sensitivity: perturb a loan-default model's or a review classifier's test inputs (noise, a
missing feature, typos, dropped words, a shifted subgroup) and see how many decisions flip, how far ROC AUC and
accuracy fall, and which inputs the model leans on, against three baselines (numbers from
:mod:`widgets.tools.robustness`; models fitted once, every perturbation scored once and kept)."""

from __future__ import annotations

from contextlib import contextmanager

import ipywidgets as W
import numpy as np

from widgets.tools import robustness as R
from widgets.views._base import ToolView
from widgets.views._figures import COLOURS, DATA_TEXT, BlitFigure, new_figure
from widgets.views._html import PALETTE, Cell, Markup, Row, bullets_html, html, join, muted_html, table_html

#: Cell class prefixes of the table's rows (the model's cells are plain ``mlsd-auc-after`` etc.).
ROW_PREFIX = {"model": "", "one-feature rule": "rule-", "majority class": "majority-", "random ranker": "random-"}
TOP_FEATURES = 8
FIGURE_SIZE = (8.4, 3.5)   # inches
WIDTH_RATIOS = (1, 1.35)


class RobustnessExplorer(ToolView):
    """Data, perturbation, strength, features and subgroup controls; a chart of permutation importance and of
    the metric against the strength; a table of the model and its baselines before and after; the working and
    the sentence to say."""

    def __init__(self, data: str = R.TABULAR, perturbation: str | None = None, strength: float | None = None,
                 features=None, subgroup: str | None = None):
        super().__init__()
        R.check_data(data)
        kind = perturbation or R.PERTURBATIONS[data][0]
        scale = R.SCALES.get((data, kind), R.SCALES[(data, R.PERTURBATIONS[data][0])])
        self._syncing = False
        self.data = W.ToggleButtons(options=list(R.DATASETS), value=data, description="Data",
                                    style={"button_width": "auto"})
        self.perturbation = W.Dropdown(options=list(R.PERTURBATIONS[data]), value=kind, description="Perturbation",
                                       style={"description_width": "initial"})
        self.strength = W.FloatSlider(value=scale.default if strength is None else strength, min=0.0,
                                      max=scale.maximum, step=scale.step, description="Strength",
                                      readout_format=".3g", continuous_update=False, layout=W.Layout(width="360px"))
        self.strength_unit = W.HTML()
        choices = R.FEATURE_CHOICES.get(kind, R.NUMERIC)
        self.features = W.SelectMultiple(options=list(choices),
                                         value=tuple(features if features is not None else
                                                     R.DEFAULT_FEATURES.get(kind, R.NUMERIC)),
                                         description="Features", rows=5, layout=W.Layout(width="330px"))
        self.features_hint = W.HTML(muted_html("Ctrl- or Cmd-click to choose several.", "span"))
        self.subgroup = W.Dropdown(options=list(R.SUBGROUPS[data]), value=subgroup or R.DEFAULT_SUBGROUP[data],
                                   description="Subgroup")
        self.outcome = None
        self._charts = {}   # (data, perturbation) -> _Chart
        self.data.observe(self._data_changed, names="value")
        self.perturbation.observe(self._perturbation_changed, names="value")
        self.watch(self.data, self.perturbation, self.strength, self.features, self.subgroup)
        rows = W.Layout(flex_flow="row wrap", align_items="center")
        self.children = [self.about, W.HBox([self.data, self.perturbation], layout=rows),
                         W.HBox([self.strength, self.strength_unit], layout=rows),
                         W.HBox([self.features, self.features_hint, self.subgroup], layout=W.Layout(flex_flow="row wrap",
                                                                                align_items="flex-start")),
                         self.message, self.chart, self.numbers, self.working, self.say_row]
        self.add_class("mlsd-robustness-explorer")
        self._show_controls()
        self.start()

    # -- keeping the controls consistent ----------------------------------------------------------
    @contextmanager
    def _sync(self):
        """Change several controls as one: no redraw until the last one is set."""
        self._syncing = True
        try:
            yield
        finally:
            self._syncing = False

    def update(self) -> None:
        if not self._syncing:
            super().update()

    def _data_changed(self, change) -> None:
        with self._sync():
            data = change.new
            self.perturbation.options = list(R.PERTURBATIONS[data])
            self.perturbation.value = R.PERTURBATIONS[data][0]
            self.subgroup.options = list(R.SUBGROUPS[data])
            self.subgroup.value = R.DEFAULT_SUBGROUP[data]
            self._reset_for(data, self.perturbation.value)

    def _perturbation_changed(self, change) -> None:
        if change.new is None or self._syncing:
            return
        with self._sync():
            self._reset_for(self.data.value, change.new)

    def _reset_for(self, data: str, kind: str) -> None:
        """The strength's range and default, and the features offered, for one perturbation."""
        scale = R.SCALES[(data, kind)]
        self.strength.max = scale.maximum
        self.strength.step = scale.step
        self.strength.value = scale.default
        if data == R.TABULAR:
            kept = [f for f in self.features.value if f in R.FEATURE_CHOICES[kind]]
            self.features.options = list(R.FEATURE_CHOICES[kind])
            self.features.value = tuple(kept or R.DEFAULT_FEATURES[kind])
        self._show_controls()

    def _show_controls(self) -> None:
        data, kind = self.data.value, self.perturbation.value
        self.features.layout.display = None if data == R.TABULAR else "none"
        self.features_hint.layout.display = self.features.layout.display
        self.subgroup.layout.display = None if kind == R.SHIFT else "none"
        scale = R.SCALES[(data, kind)]
        self.strength_unit.value = muted_html(f"{scale.unit} (0 to {scale.maximum:g})", "span")

    # -- computing and showing ------------------------------------------------------------------
    def compute(self) -> None:
        data, kind = self.data.value, self.perturbation.value
        features = self.features.value if data == R.TABULAR else ()
        subgroup = self.subgroup.value if kind == R.SHIFT else None
        outcome = R.evaluate(data, kind, self.strength.value, features, subgroup)
        curve = R.curve(data, kind, features, subgroup)
        study = R.robustness_study(data)
        self.outcome = outcome
        self._draw(study, outcome, curve)
        self.about.value = html("<i>{}</i>", study.description)
        self.numbers.value = _table(study, outcome)
        self.working.value = _working(study, outcome)
        self.show_say(R.say(outcome))

    def _chart_for(self, study: R.RobustnessStudy, p: R.Perturbation) -> _Chart:
        """The figure of one (data, perturbation), drawn the first time and kept: switching back to it only
        redraws what moves."""
        key = (study.data, p.kind)
        if key not in self._charts:
            if self._charts:
                fig, axes = new_figure(*FIGURE_SIZE, ncols=2, width_ratios=WIDTH_RATIOS)
            else:   # the first one is the ToolView's own (it sizes the image on the page)
                axes = self.plot(*FIGURE_SIZE, ncols=2, width_ratios=WIDTH_RATIOS)
                fig = self._fig
            self._charts[key] = _Chart(fig, axes, study, p.scale, p.kind)
        return self._charts[key]

    def _draw(self, study: R.RobustnessStudy, outcome: R.Outcome, curve: R.Curve) -> None:
        p = outcome.perturbation
        chart = self._chart_for(study, p)
        touched = _touched(p, chart.bar_names)
        for bar, name in zip(chart.bars, chart.bar_names):
            bar.set_color(COLOURS["after"] if name in touched else COLOURS["before"])
        chart.model_line.set_data(curve.strengths, curve.model_auc)
        chart.rule_line.set_data(curve.strengths, curve.rule_auc)
        chart.flip_line.set_data(curve.strengths, curve.flip_rate)
        model = outcome.focus["model"]
        chart.now.set_xdata([p.strength, p.strength])
        chart.marks.set_data([p.strength, p.strength], [model.auc_after, model.flip_rate])
        chart.note.set_text(f"at {p.strength:g}: AUC {model.auc_after:.3f}, {model.flip_rate:.1%} flipped")
        self.chart.value = chart.blit.png()


class _Chart:
    """One figure: permutation importance bars (their colours move) and the metric against the strength (the
    curves, the current strength and its note move); the axes, labels and the random ranker's line are static."""

    def __init__(self, fig, axes, study: R.RobustnessStudy, scale: R.Scale, kind: str):
        self.blit = BlitFigure(fig)
        left, right = axes
        top = study.importance.top(TOP_FEATURES)[::-1]   # most important at the top
        y = np.arange(len(top))
        self.bars = left.barh(y, [mean for _, mean, _ in top], xerr=[std for _, _, std in top],
                              color=COLOURS["before"], error_kw={"lw": 0.8, "ecolor": COLOURS["ink"]})
        self.bar_names = [name for name, _, _ in top]
        left.set_yticks(y, self.bar_names, fontsize=8, **DATA_TEXT)
        left.set_xlabel("ROC AUC lost when shuffled (blue: perturbed)", fontsize=8)
        left.set_title("what the model leans on\n(permutation importance)", fontsize=9)
        left.tick_params(axis="x", labelsize=8)
        left.set_xlim(0, max(0.001, max(mean + std for _, mean, std in top)) * 1.15)
        right.axhline(0.5, color=COLOURS["random"], ls="--", lw=1, label="random ranker AUC")
        self.model_line, = right.plot([], [], "-", color=COLOURS["after"], lw=2, label="model AUC")
        self.rule_line, = right.plot([], [], "-", color=COLOURS["B"], lw=1.5, label="one-feature rule AUC")
        self.flip_line, = right.plot([], [], "-", color=COLOURS["point"], lw=1.5, label="decisions flipped")
        self.now = right.axvline(0.0, color=COLOURS["ink"], lw=1, ls=":")
        self.marks, = right.plot([], [], "o", color=COLOURS["ink"], ms=5)
        self.note = right.text(1.0, 1.02, "", transform=right.transAxes, fontsize=8, ha="right", va="bottom",
                               color=COLOURS["ink"])
        right.set(xlim=(0, scale.maximum), ylim=(0, 1))
        right.set_xlabel(scale.unit, fontsize=8)
        right.set_ylabel("ROC AUC / share of decisions", fontsize=8)
        right.tick_params(labelsize=8)
        right.grid(True, color=COLOURS["grid"], lw=0.6)
        right.set_title("the shifted subgroup" if kind == R.SHIFT else "all test cases", fontsize=9, loc="left")
        right.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
        self.blit.animate(*self.bars, self.model_line, self.rule_line, self.flip_line, self.now, self.marks,
                          self.note)


def _touched(p: R.Perturbation, names) -> set:
    """The inputs a perturbation changes: the chosen features, every word, or the opinion words."""
    if p.data == R.TABULAR:
        return set(p.features)
    return set(R.UNSEEN_SYNONYMS) if p.kind == R.SHIFT else set(names)


def _rule(study: R.RobustnessStudy) -> str:
    """The one-feature rule in words."""
    if study.data == R.TEXT:
        return f"the TF-IDF of the word '{study.rule_feature}' (in effect: does the review contain it?)"
    split = study.rule_split
    return f"{study.rule_feature} (split at {split:,.0f})" if abs(split) >= 100 else \
        f"{study.rule_feature} (split at {split:.3g})"


def _percent(share: float) -> str:
    return f"{share:.1%}"


def _row(name: str, label: str, s: R.Scores, prefix: str) -> Row:
    c = f"mlsd-{prefix}"
    return Row([Cell(label, bold=name == "model"), Cell(f"{s.auc_before:.3f}", cls=f"{c}auc-before"),
                Cell(f"{s.auc_after:.3f}", cls=f"{c}auc-after"),
                Cell(f"{s.accuracy_before:.3f}", cls=f"{c}accuracy-before"),
                Cell(f"{s.accuracy_after:.3f}", cls=f"{c}accuracy-after"),
                Cell(_percent(s.flip_rate), cls=f"{c}flip-rate")],
               cls=f"mlsd-{prefix or 'model-'}row".replace("--", "-"),
               style=None if name == "model" else f"color:{PALETTE['muted']}")


def _labels(study: R.RobustnessStudy) -> dict:
    rule = f"one-feature rule ({study.rule_feature})"
    return {"model": "model", "one-feature rule": rule, "majority class": "majority class",
            "random ranker": "random ranker"}


def _table(study: R.RobustnessStudy, outcome: R.Outcome) -> Markup:
    labels = _labels(study)
    rows = [_row(name, labels[name], outcome.overall[name], ROW_PREFIX[name]) for name in R.ROWS]
    if outcome.group is not None:
        p = outcome.perturbation
        n = outcome.group["model"].n
        rows.append(Row([Cell(f"on the subgroup: {p.subgroup} ({n:,} of {len(study.y):,} test cases)", colspan=6,
                              style="font-style:italic")], cls="mlsd-subgroup-heading"))
        rows.append(_row("model", "model", outcome.group["model"], "group-"))
        rows.append(_row("one-feature rule", labels["one-feature rule"], outcome.group["one-feature rule"],
                         "group-rule-"))
    cut = (f"a loan is declined at a predicted default risk of {study.threshold:.0%} or more"
           if study.data == R.TABULAR else f"a review is called positive at {study.threshold:.1f} or more")
    return join([
        table_html(rows, ["whole test set", "ROC AUC before", "ROC AUC after", "accuracy before", "accuracy after",
                          "decisions flipped"], cls="mlsd-table mlsd-robustness-table"),
        muted_html(f"{len(study.y):,} test cases; accuracy and flips at the decision threshold: {cut}."),
    ])


def _perturbation_working(study: R.RobustnessStudy, outcome: R.Outcome) -> list:
    p = outcome.perturbation
    s = p.strength
    lines = []
    if p.kind == R.NOISE:
        sds = ", ".join(f"{f} {study.sd[f]:,.1f}" for f in p.features)
        lines.append(f"Noise: x' = x + {s:g} x sd x z for each chosen feature, z drawn from N(0, 1) once per value "
                     f"(the same draws at every strength); training standard deviations: {sds} (dollars, percentage "
                     "points, months). A gap stays a gap.")
    elif p.kind == R.MISSING:
        lines.append(f"Missing: {R.join_names(p.features)} set to missing on a share {s:.0%} of the test rows (the same "
                     "rows at every strength, as when one upstream source is down); the trees send a gap the way "
                     "they learnt from the training gaps.")
    elif p.kind == R.SHIFT and p.data == R.TABULAR:
        lines.append(f"Shift: {R.join_names(p.features)} x (1 - {s:g}) = x {1 - s:.2f} for the {p.subgroup} loans only "
                     "(e.g. a pipeline change for one product); their labels stay, so any change in the decisions is "
                     "the model reacting to inputs that are wrong, not to riskier people.")
    elif p.kind == R.TYPOS:
        lines.append(f"Typos: each word, with probability {s:g}, gets one edit (swap two neighbouring letters, delete, "
                     "insert or substitute one). The TF-IDF reads words, so a misspelt word is an unknown one: "
                     "typos hurt it as much as dropping the same words.")
    elif p.kind == R.DROPS:
        lines.append(f"Token drops: each word is removed with probability {s:g} (the same words at every rate).")
    else:
        lines.append(f"Shift: in the {p.subgroup} reviews each opinion word is swapped, with probability {s:g}, for a "
                     "synonym the model never saw in training (great to superb, broken to busted): unknown to the "
                     "TF-IDF, so the opinion is lost.")
    lines.append(f"{outcome.changed:,} of {len(study.y):,} test cases have a changed input.")
    return lines


def _working(study: R.RobustnessStudy, outcome: R.Outcome) -> Markup:
    model = outcome.overall["model"]
    flips = round(model.flip_rate * model.n)
    majority = outcome.overall["majority class"]
    lines = _perturbation_working(study, outcome)
    lines.append(f"Decisions flipped = share of test cases whose decision (score at or above {study.threshold:g}) "
                 f"differs before and after: {flips:,} of {model.n:,} = {model.flip_rate:.1%}.")
    lines.append("ROC AUC = the chance a random positive case scores above a random negative one (area under the ROC "
                 "curve, as sklearn.metrics.roc_auc_score); it needs no threshold. Accuracy = share of decisions equal "
                 "to the label.")
    top = "; ".join(f"{name} {mean:.4f} (sd {std:.4f})" for name, mean, std in study.importance.top(5))
    lines.append(f"Permutation importance (sklearn.inspection.permutation_importance, seed {R.SEED}): the mean ROC AUC "
                 f"lost over {R.N_REPEATS} shuffles of one input across the clean test rows: {top}.")
    lines.append(f"Majority class: DummyClassifier(strategy='most_frequent'), one score for everyone: ROC AUC 0.5 and "
                 f"accuracy {majority.accuracy_before:.3f}, the majority's share. One-feature rule: a depth-1 decision "
                 f"tree on {_rule(study)}, the input whose stump has the best training AUC. Random ranker: uniform "
                 "random scores; it ignores its input, so it never flips: robust, and useless.")
    if study.data == R.TABULAR:
        lines.append(f"At the {study.threshold:.0%} cut-off the model's accuracy ({model.accuracy_before:.3f}) is "
                     f"below the majority class's ({majority.accuracy_before:.3f}): most loans are repaid, so "
                     "approving everyone is mostly right and catches no default. Compare ROC AUC, which needs no cut-off.")
    parts = [bullets_html(lines, cls="mlsd-working")]
    if outcome.examples:
        parts.append(table_html([[before, after] for before, after in outcome.examples], ["before", "after"],
                                cls="mlsd-table mlsd-robustness-examples"))
    return html("<details open><summary>The working</summary>{}</details>", join(parts))
