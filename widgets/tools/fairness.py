"""Fairness across groups: one score, shared or per-group thresholds, and the gaps they leave
(demographic parity, equalised odds) with the accuracy each choice costs.

Metrics come from :mod:`widgets.tools.metrics`.
"""


from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from widgets.tools import metrics as m


# --------------------------------------------------------------------------------------------
# fairness
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FairnessStudy:
    scores: np.ndarray
    y: np.ndarray
    groups: np.ndarray

    @property
    def group_names(self) -> list:
        return sorted(set(self.groups.tolist()))

    def evaluate(self, thresholds: dict) -> dict:
        """Per-group rates, gaps and overall accuracy for one threshold per group."""
        missing = set(self.group_names) - set(thresholds)
        if missing:
            raise ValueError(f"Set a threshold for every group (missing: {', '.join(sorted(missing))}).")
        cut = np.array([thresholds[g] for g in self.groups])
        pred = (self.scores >= cut).astype(int)
        rates = m.group_rates(self.y, pred, self.groups)
        return {"rates": rates, "gaps": m.fairness_gaps(rates), "accuracy": float(np.mean(pred == self.y)),
                "selected": float(pred.mean())}

    def threshold_for_tpr(self, group, target_tpr: float) -> float:
        """The highest threshold at which ``group`` reaches at least ``target_tpr``."""
        mask = self.groups == group
        curve = m.threshold_curve(self.y[mask], self.scores[mask])
        reach = np.flatnonzero(curve.recall >= target_tpr - 1e-12)
        return float(curve.thresholds[reach[0]]) if reach.size else float(curve.thresholds[-1])

    def say(self, thresholds: dict) -> str:
        shared = len(set(thresholds.values())) == 1
        r = self.evaluate(thresholds)
        g = r["gaps"]
        by = {x.group: x for x in r["rates"]}
        names = self.group_names
        rates = "; ".join(f"group {n}: selects {by[n].selection_rate:.0%}, TPR {by[n].tpr:.2f}, FPR {by[n].fpr:.3f}"
                          for n in names)
        how = (f"One shared threshold of {next(iter(thresholds.values())):.2f}" if shared else
               "Per-group thresholds (" + ", ".join(f"{n}: {thresholds[n]:.2f}" for n in names) + ")")
        return (f"{how} gives {rates}. Demographic-parity gap {g['demographic_parity']:.3f}, equalised-odds gap "
                f"{g['equalised_odds']:.3f}, overall accuracy {r['accuracy']:.3f}. The groups differ in base rate "
                "and in how well the score separates them, so no single threshold equalises every rate: say "
                "which gap the product must close (equal opportunity: TPR; equal treatment: selection rate), "
                "what it costs in accuracy, and that per-group thresholds need the group at serving time.")


@lru_cache(maxsize=1)
def fairness_study() -> FairnessStudy:
    from widgets.tools.datasets import make_group_data

    scores, y, groups = make_group_data()
    return FairnessStudy(scores, y, groups)
