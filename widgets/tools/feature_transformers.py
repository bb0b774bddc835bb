"""The two scikit-learn transformers the feature-processing study builds its pipelines from.

Kept apart from :mod:`widgets.tools.features` because defining them imports scikit-learn, which the
step-2 page should load only when the explorer is built, not when the notebook imports it.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from widgets.tools.bands import band_edges, band_names


class NamedBands(TransformerMixin, BaseEstimator):
    """Replace a number by one 0/1 column per named band; the cut points are learned in ``fit``.

    Examples
    --------
    >>> bands = NamedBands(n_bands=2).fit([[10_000], [20_000], [30_000], [40_000], [50_000]])
    >>> bands.get_feature_names_out().tolist()
    ['under $30k', '$30k and over']
    >>> bands.transform([[29_900], [30_000]]).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """

    def __init__(self, n_bands: int = 5):
        self.n_bands = n_bands

    def fit(self, X, y=None):
        self.edges_ = band_edges(np.asarray(X, dtype=float).ravel(), self.n_bands)
        self.names_ = band_names(self.edges_)
        return self

    def transform(self, X):
        codes = np.searchsorted(self.edges_, np.asarray(X, dtype=float).ravel(), side="right")
        return np.eye(len(self.names_))[codes]

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.names_, dtype=object)


class NaiveTargetEncoder(TransformerMixin, BaseEstimator):
    """Each level becomes the mean label of the training rows with that level: no folds, no smoothing.

    This is ``df.groupby("merchant_id")["defaulted"].mean()`` mapped back onto the same rows, the
    way it is often written. ``fit_transform`` encodes every training row with an average that
    includes the row's own label, so a merchant seen twice, once defaulting, tells the model the
    answer; levels not seen in training get the overall training mean.

    Examples
    --------
    >>> enc = NaiveTargetEncoder().fit([["a"], ["a"], ["b"], ["b"]], [1, 0, 1, 1])
    >>> enc.transform([["a"], ["b"], ["new"]]).ravel().tolist()
    [0.5, 1.0, 0.75]
    """

    def fit(self, X, y):
        import pandas as pd

        levels = pd.Series(np.asarray(X, dtype=object).ravel())
        target = pd.Series(np.asarray(y, dtype=float))
        self.means_ = target.groupby(levels.to_numpy()).mean().to_dict()
        self.prior_ = float(target.mean())
        return self

    def transform(self, X):
        levels = np.asarray(X, dtype=object).ravel()
        return np.array([self.means_.get(level, self.prior_) for level in levels], dtype=float)[:, None]

    def get_feature_names_out(self, input_features=None):
        return np.asarray(["merchant_default_rate"], dtype=object)
