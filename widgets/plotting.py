"""Figures for the explorers: made without pyplot (the notebook's backend is never touched) and
rendered to PNG bytes for an ``ipywidgets.Image``. Explorers keep their artists and update them in
place (``set_data``, ``set_height``), then call :func:`png` again.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 80
COLOURS = {"A": "#2563eb", "B": "#ea580c", "random": "#9ca3af", "popularity": "#ea580c",
           "matrix factorisation": "#2563eb", "before": "#9ca3af", "after": "#2563eb", "point": "#dc2626"}


def new_figure(width: float, height: float, ncols: int = 1, nrows: int = 1, **kwargs):
    """A figure of ``width`` x ``height`` inches with an Agg canvas and its axes."""
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes.ravel()


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes.

    The first call lays the figure out (constrained layout), then the axes positions are frozen:
    re-solving the layout on every slider move would more than double the cost of a redraw.
    Compression level 1 trades a slightly larger image for a much faster encode.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    if fig.get_layout_engine() is not None:
        fig.set_layout_engine("none")
    return buf.getvalue()
