"""Privacy and k-anonymity: pick the quasi-identifiers an attacker could join on, coarsen them, and see
the table's k, the groups below a target k, the rows suppression removes and the information lost."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from widgets.tools.privacy import (
    GENDER_LEVELS,
    LABELS,
    MARITAL_LEVELS,
    OUTCOME,
    QUASI_IDENTIFIERS,
    SENSITIVE,
    Generalisation,
    certainty_penalty,
    load_people_sample,
    sample_report,
)
from widgets.views._base import ToolView
from widgets.views._figures import COLOURS
from widgets.views._html import PALETTE, Cell, Markup, Row, error_html, html, muted_html, table_html
from widgets.views._palette import RED

AGE_BINS = [("exact", 1), ("5 years", 5), ("10 years", 10), ("20 years", 20), ("removed", 0)]
PREVIEW_ROWS = 6
PREVIEW_SUPPRESSED = 2
BELOW = RED


def _size_edges(n: int) -> np.ndarray:
    """Class-size bins: one per size up to 10, then wider ones, the last ending past ``n``."""
    edges = [e for e in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16, 21, 31, 51, 101, 201, 501, 1001, 2001, 5001) if e <= n]
    return np.array(edges + [n + 1])


class PrivacyExplorer(ToolView):
    """Coarsen the quasi-identifiers of a sample patient table and watch k, suppression and loss.

    The table is ``data/people_sample.csv``; the numbers come from :func:`widgets.tools.privacy.anonymise`.
    """

    def __init__(self, quasi_identifiers=("age", "zip", "gender"), age_bin: int = 10, zip_digits: int = 3,
                 gender: str = "kept", marital_status: str = "kept", target_k: int = 5, l_diversity: bool = False):
        super().__init__()
        self.people = load_people_sample()
        # the explanation's example: what a whole ten-year age bin costs on this table
        self._ten_year_cost = float(certainty_penalty(self.people, ["age"], Generalisation(10, 5, "kept")).max())
        n = len(self.people)
        self.quasi_identifiers = {c: W.Checkbox(value=c in quasi_identifiers, description=LABELS[c], indent=False,
                                                layout=W.Layout(width="auto", margin="0 1.2em 0 0"))
                                  for c in QUASI_IDENTIFIERS}
        self.age_bin = W.ToggleButtons(options=AGE_BINS, value=age_bin or 0, description="Age bins",
                                       style={"button_width": "5.5em"})
        self.zip_digits = W.IntSlider(value=zip_digits, min=0, max=5, description="ZIP digits",
                                      tooltip="Leading digits of the ZIP code kept; 0 removes it")
        self.gender = W.ToggleButtons(options=list(GENDER_LEVELS), value=gender, description="Gender",
                                      style={"button_width": "5.5em"})
        self.marital = W.ToggleButtons(options=list(MARITAL_LEVELS), value=marital_status, description="Marital",
                                       style={"button_width": "8em"})
        self.target_k = W.BoundedIntText(value=target_k, min=0, max=n, description="Target k",
                                         layout=W.Layout(width="12em"))
        self.l_diversity = W.Checkbox(value=l_diversity, description=f"l-diversity of {SENSITIVE}", indent=False)
        self.about = W.HTML(html(
            "<i>{:,} synthetic patients of one clinic. The quasi-identifiers are the columns an attacker could "
            "also find elsewhere (a voter roll, a social profile) and join on; {} is the secret, and "
            "{} is what analysts still need. Unticked columns are released unchanged.</i>",
            n, SENSITIVE, OUTCOME.replace("_", " ")))
        self.preview = W.HTML()
        self.report = None
        self._build_chart(n)
        self.watch(*self.quasi_identifiers.values(), self.age_bin, self.zip_digits, self.gender, self.marital,
                   self.target_k, self.l_diversity)
        self.children = [
            self.about,
            W.HBox([W.Label("Quasi-identifiers:", layout=W.Layout(width="9em")), *self.quasi_identifiers.values()]),
            self.age_bin, self.zip_digits, self.gender, self.marital,
            W.HBox([self.target_k, self.l_diversity], layout=W.Layout(flex_flow="row wrap", align_items="center")),
            self.message,
            W.HBox([self.chart, self.numbers], layout=W.Layout(flex_flow="row wrap", align_items="center")),
            self.preview, self.say_row]
        self.add_class("mlsd-privacy-explorer")
        self.update()

    # ----------------------------------------------------------------------------------------
    def _build_chart(self, n: int) -> None:
        self._edges = _size_edges(n)
        lo, hi = self._edges[:-1], self._edges[1:]
        (self._ax,) = self.plot(5.6, 3.0)
        zeros = np.zeros(len(lo))
        self._below = self._ax.bar(lo, zeros, width=hi - lo, align="edge", color=BELOW, edgecolor="white",
                                   linewidth=0.5, label="in a group below k (suppressed)")
        self._ok = self._ax.bar(lo, zeros, width=hi - lo, align="edge", color=COLOURS["after"], edgecolor="white",
                                linewidth=0.5, label="in a group of k or more")
        self._k_line = self._ax.axvline(1, color="black", ls="--", lw=1.2)
        self._k_text = self._ax.text(1, 0.97, "", transform=self._ax.get_xaxis_transform(), ha="left", va="top",
                                     fontsize=9)
        self._ax.set_xscale("log")
        self._ax.set_xlim(1, n + 1)
        ticks = [t for t in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000) if t <= n]
        self._ax.set_xticks(ticks, [str(t) for t in ticks])
        self._ax.minorticks_off()
        # a square-root axis fixed at 0..n: small groups stay visible and the axes never need redrawing
        self._ax.set_yscale("function", functions=(np.sqrt, np.square))
        self._ax.set_ylim(0, n)
        yticks = [t for t in (0, 10, 50, 100, 250, 500, 1000, 2000, 5000) if t <= n]
        self._ax.set_yticks(yticks, [str(t) for t in yticks])
        self._ax.set(xlabel="group size (people sharing the released quasi-identifiers)",
                     ylabel="people (square-root scale)")
        self._ax.legend(fontsize=8, loc="lower left", bbox_to_anchor=(0, 1.01), ncols=2, frameon=False,
                        borderaxespad=0, handlelength=1)
        self._blit.animate(*self._below, *self._ok, self._k_line, self._k_text)

    def _draw_chart(self, report) -> None:
        sizes = report.class_sizes
        bin_of = np.searchsorted(self._edges, sizes, side="right") - 1
        below = np.bincount(bin_of, weights=np.where(sizes < report.target_k, sizes, 0), minlength=len(self._below))
        total = np.bincount(bin_of, weights=sizes, minlength=len(self._below))
        for bar_below, bar_ok, b, t in zip(self._below, self._ok, below, total):
            bar_below.set_height(b)
            bar_ok.set_y(b)
            bar_ok.set_height(t - b)
        k = min(report.target_k, self._edges[-1])
        self._k_line.set_xdata([k, k])
        self._k_text.set_position((k * 1.06, 0.97))
        self._k_text.set_text(f"k={report.target_k}")
        self.chart.value = self._blit.png()

    # ----------------------------------------------------------------------------------------
    def chosen(self) -> tuple:
        return tuple(c for c, box in self.quasi_identifiers.items() if box.value)

    def rule(self) -> Generalisation:
        return Generalisation(age_bin=self.age_bin.value or None, zip_digits=int(self.zip_digits.value),
                              gender=self.gender.value, marital_status=self.marital.value)

    def update(self) -> None:
        chosen = self.chosen()
        for column, control in (("age", self.age_bin), ("zip", self.zip_digits), ("gender", self.gender),
                                ("marital_status", self.marital)):
            control.disabled = column not in chosen
        try:
            report = sample_report(chosen, self.rule(), int(self.target_k.value))
        except ValueError as exc:
            self.message.value = error_html(str(exc))
            return
        self.report = report
        self.message.value = ""
        self._draw_chart(report)
        self.numbers.value = self._numbers_html(report)
        self.preview.value = self._preview_html(report)
        self.show_say(report.say(self.l_diversity.value))

    def _numbers_html(self, r) -> Markup:
        k = r.target_k
        released = "" if r.outcome_released is None else f"{r.outcome_released:.0f}"
        rows = [
            ("k of the table (smallest group)", "mlsd-k-value", r.k),
            ("groups (equivalence classes)", "mlsd-classes", r.n_classes),
            (f"groups below k={k}", "mlsd-classes-below-k", r.classes_below_k),
            (f"rows suppressed to reach k={k}", "mlsd-rows-suppressed", r.rows_suppressed),
            ("share of rows suppressed", "mlsd-suppressed-share", f"{r.suppressed_share:.1%}"),
            ("k after suppression", "mlsd-k-after", r.k_after),
            ("information loss (certainty penalty, 0 = exact, 1 = all removed)", "mlsd-info-loss",
             f"{r.info_loss:.3f}"),
            ("information loss from generalisation alone", "mlsd-info-loss-generalisation",
             f"{r.info_loss_before:.3f}"),
            ("discernibility (each row costs its group size; a suppressed one the table size)",
             "mlsd-discernibility", r.discernibility),
            (f"mean {OUTCOME.replace('_', ' ')}, released rows ($)", "mlsd-outcome-released", released),
            (f"mean {OUTCOME.replace('_', ' ')}, all rows ($)", "mlsd-outcome-all", f"{r.outcome_all:.0f}"),
        ]
        if self.l_diversity.value:
            rows.append((f"l: fewest distinct {SENSITIVE} values in a released group", "mlsd-l-value", r.l_after))
            rows.append(("released groups with a single diagnosis", "mlsd-groups-l1", r.classes_with_one_value))
        return table_html([[Cell(label, style="text-align:left;padding-right:1em"), Cell(value, cls=css)]
                           for label, css, value in rows], cls="mlsd-privacy-table") + muted_html(
            "k: the size of the smallest group of people who share the released quasi-identifiers (each can be told "
            "apart from at most k-1 others). Certainty penalty: for each released value, how much of its column's range "
            f"it covers (an exact age 0, a ten-year bin {self._ten_year_cost:.2f} here, a removed column 1), averaged. "
            "Discernibility: the "
            "sum over rows of the size of each row's group (a suppressed row counts the whole table): lower is more "
            "useful data. l: the fewest different diagnoses in one released group; with l = 1 a group gives its "
            "diagnosis away.")

    def _preview_html(self, r) -> Markup:
        columns = list(r.quasi_identifiers)
        head = ["row"] + [LABELS[c] for c in columns] + [SENSITIVE, OUTCOME.replace("_", " "), "group size", ""]
        body = []
        # the first rows, plus the first few suppressed ones so that suppression is visible
        rows = list(range(min(PREVIEW_ROWS, r.n_rows)))
        rows = sorted(rows + [int(i) for i in np.flatnonzero(r.suppressed) if i not in rows][:PREVIEW_SUPPRESSED])
        released = r.released[columns].to_numpy()[rows]
        secret = self.people[SENSITIVE].to_numpy()[rows]
        outcome = self.people[OUTCOME].to_numpy()[rows]
        for j, i in enumerate(rows):
            gone = bool(r.suppressed[i])
            cells = [i + 1, *released[j], secret[j], f"{int(outcome[j]):,}", r.class_sizes[r.class_ids[i]],
                     "suppressed" if gone else "released"]
            body.append(Row(cells, cls="mlsd-preview-row" + (" mlsd-suppressed" if gone else ""),
                            style=f"color:{PALETTE['faint']};text-decoration:line-through" if gone else None))
        return Markup("<div><b>Some rows as released</b>: the first ones and the first suppressed ones (columns that "
                      "are not quasi-identifiers are released as they are)</div>") + table_html(
            body, head, cls="mlsd-privacy-preview")
