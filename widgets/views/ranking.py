"""precision@k against ndcg@k: two hand-edited ranked lists, then three rankers on a data set."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from widgets.tools.ranking import SCENARIOS, compare_lists, parse_grades, ranker_curves
from widgets.views._base import ToolView
from widgets.views._figures import COLOURS
from widgets.views._html import PALETTE, Cell, Row, error_html, html, muted_html, table_html
from widgets.views._palette import LIGHT_GREY


class ListExplorer(ToolView):
    """Edit two rankings of the same query (grades in rank order), move k, compare P@k and nDCG@k.

    The chart shows each position's contribution to DCG (grade times ``1/log2(rank + 1)``); the
    shaded part is below the cut-off and counts for neither metric.
    """

    def __init__(self, scenario: str = "Many weak hits or one great hit", k: int = 5):
        super().__init__()
        a, b, _ = SCENARIOS[scenario]
        self.scenario = W.Dropdown(options=list(SCENARIOS), value=scenario, description="Scenario",
                                   layout=W.Layout(width="32em"))
        self.list_a = W.Text(" ".join(map(str, a)), description="List A", continuous_update=False,
                             layout=W.Layout(width="32em"))
        self.list_b = W.Text(" ".join(map(str, b)), description="List B", continuous_update=False,
                             layout=W.Layout(width="32em"))
        self.ideal_button = W.Button(description="B = ideal order", tooltip="Sort list A's grades best first into B")
        self.k = W.IntSlider(value=k, min=1, max=len(a), description="k")
        (self._ax,) = self.plot(7.5, 2.8)
        self._bars = None
        self._cut = None
        self.scenario.observe(self._on_scenario, names="value")
        self.watch(self.list_a, self.list_b, self.k)
        self.ideal_button.on_click(self._ideal)
        self.children = [
            W.HBox([self.scenario]), self.about,
            W.HBox([self.list_a, self.ideal_button]), self.list_b, self.k, self.message,
            W.HBox([self.chart, self.numbers], layout=W.Layout(flex_flow="row wrap", align_items="center")),
            self.working, self.say_row]
        self.add_class("mlsd-list-explorer")
        self._on_scenario(None)

    def _on_scenario(self, _):
        a, b, about = SCENARIOS[self.scenario.value]
        self.about.value = html("<i>{}</i>", about)
        with self.hold_trait_notifications():
            self.list_a.value = " ".join(map(str, a))
            self.list_b.value = " ".join(map(str, b))
        self.update()

    def _ideal(self, _):
        try:
            self.list_b.value = " ".join(map(str, sorted(parse_grades(self.list_a.value), reverse=True)))
        except ValueError as exc:
            self.message.value = error_html(str(exc))

    def update(self) -> None:
        """Recompute both metrics and the per-position working; redraw the bars in place."""
        try:
            a, b = parse_grades(self.list_a.value), parse_grades(self.list_b.value)
        except ValueError as exc:
            self.message.value = error_html(str(exc))
            return
        n = max(len(a), len(b))
        self.k.max = n
        comparison = compare_lists(a, b, min(self.k.value, n))
        self.message.value = ("" if sorted(a) == sorted(b) else error_html(
            "A and B hold different grades, so they rank different candidates; each is scored against "
            "its own ideal order."))
        self._draw(comparison)
        k = comparison.k
        p, g = comparison.precision, comparison.ndcg
        self.numbers.value = table_html([
            [f"precision@{k}", Cell(f"{p[0]:.3f}", cls="mlsd-p-a"), Cell(f"{p[1]:.3f}", cls="mlsd-p-b")],
            [f"ndcg@{k}", Cell(f"{g[0]:.3f}", cls="mlsd-ndcg-a"), Cell(f"{g[1]:.3f}", cls="mlsd-ndcg-b")],
            [f"ideal DCG@{k}", Cell(f"{comparison.idcg:.3f}", colspan=2)],
        ], ["", "List A", "List B"], cls="mlsd-metrics", style="margin-left:1em")
        rows = [Row([i + 1, f"{comparison.discounts[i]:.3f}", (a + [0] * n)[i], f"{comparison.contributions[0][i]:.3f}",
                     (b + [0] * n)[i], f"{comparison.contributions[1][i]:.3f}"],
                    style=None if i < k else f"color:{PALETTE['faint']}") for i in range(n)]
        self.working.value = html(
            "<details><summary>The working, position by position</summary>{}</details>",
            table_html(rows, ["rank", "discount 1/log2(rank+1)", "A grade", "A gain x discount", "B grade",
                              "B gain x discount"], cls="mlsd-working"))
        self.show_say(comparison.verdict())

    def _draw(self, c) -> None:
        n = len(c.discounts)
        x = np.arange(1, n + 1)
        if self._bars is None or len(self._bars[0]) != n:
            self._blit.forget()
            self._ax.clear()
            self._bars = (self._ax.bar(x - 0.2, c.contributions[0], 0.4, color=COLOURS["A"], label="A"),
                          self._ax.bar(x + 0.2, c.contributions[1], 0.4, color=COLOURS["B"], label="B"))
            self._cut = self._ax.axvspan(c.k + 0.5, n + 0.5, color=LIGHT_GREY, zorder=0)
            self._ax.set_xticks(x)
            self._ax.set_xlabel("rank")
            self._ax.set_ylabel("gain x discount")
            self._ax.legend(loc="upper right")
            self._ax.set_xlim(0.5, n + 0.5)
            self._ax.set_ylim(0, 3.3)   # the largest contribution: grade 3 at rank 1
            self._ax.set_title("DCG contribution per position; positions below the cut-off k are shaded",
                               fontsize=10)
            self._blit.animate(self._cut, *self._bars[0], *self._bars[1])
        for bars, heights in zip(self._bars, c.contributions):
            for bar, h in zip(bars, heights):
                bar.set_height(h)
        self._cut.set_x(c.k + 0.5)
        self._cut.set_width(n - c.k)
        self.chart.value = self._blit.png()


class RankerExplorer(ToolView):
    """Random, popularity and matrix-factorisation rankers on the recommendation data set."""

    def __init__(self, k: int = 10):
        super().__init__()
        self.curves = ranker_curves()
        ks = self.curves.ks
        self.k = W.IntSlider(value=k, min=1, max=int(ks[-1]), description="k")
        axes = self.plot(9, 3.2, ncols=2)
        self._markers = []
        for ax, table, label in ((axes[0], self.curves.precision, "precision@k"), (axes[1], self.curves.ndcg, "ndcg@k")):
            for name, values in table.items():
                ax.plot(ks, values, color=COLOURS[name], label=name)
            self._markers.append(ax.axvline(k, color=COLOURS["point"], lw=1))
            ax.set_xlabel("k")
            ax.set_title(label, fontsize=10)
        axes[0].legend(fontsize=8)
        self._blit.animate(*self._markers)
        self.watch(self.k)
        self.children = [self.k, W.HBox([self.chart, self.numbers], layout=W.Layout(flex_flow="row wrap")), self.say_row]
        self.add_class("mlsd-ranker-explorer")
        self.update()

    def update(self) -> None:
        k = self.k.value
        i = k - 1
        for marker in self._markers:
            marker.set_xdata([k, k])
        self.chart.value = self._blit.png()
        p_win, n_win = self.curves.winners(k)
        rows = [[name, f"{self.curves.precision[name][i]:.3f}" + (" \u2605" if name == p_win else ""),
                 f"{self.curves.ndcg[name][i]:.3f}" + (" \u2605" if name == n_win else "")]
                for name in self.curves.precision]
        self.numbers.value = table_html(rows, ["ranker", f"precision@{k}", f"ndcg@{k}"], cls="mlsd-rankers",
                                        style="margin-left:1em") + muted_html(
            f"{self.curves.n_users:,} users, 100 candidates each")
        self.show_say(self.curves.say(k))
