"""Figures for the explorers: made without pyplot (the notebook's backend is never touched) and
rendered to PNG bytes for an ``ipywidgets.Image``.

A control move must not re-render the whole figure: text, ticks and static curves are drawn once
into a cached background, and only the artists that move (marked *animated*) are drawn onto a copy
of it on each update (matplotlib's blitting), then encoded with fast PNG compression.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np

from widgets.views._palette import COLOURS  # noqa: F401  (the figures' colours, for the views)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: CSS pixels per inch of figure on the page, and rendered pixels per CSS pixel: figures are drawn at twice
#: the pixels they are shown at, so they stay sharp on high-density screens (and at 200% zoom).
DPI = 80
PIXEL_RATIO = 2
#: Keyword arguments for text drawn from a data file or a person: shown as written. Without them a
#: "$" pair starts matplotlib's mathtext, and a malformed formula ("$\\frac{$") fails the whole draw.
DATA_TEXT = {"parse_math": False}


def new_figure(width: float, height: float, ncols: int = 1, nrows: int = 1, **kwargs):
    """A figure of ``width`` x ``height`` inches with an Agg canvas and its axes.

    matplotlib is imported here, not with the module: a page shows its clock before its first chart is made
    (the import cell of a step notebook loads no plotting library, about 0.3 s less before the page appears).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI * PIXEL_RATIO, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kwargs)
    return fig, axes.ravel()


class BlitFigure:
    """Render a figure whose static part is cached and whose animated artists are redrawn per update.

    Call :meth:`animate` with the artists that change, :meth:`invalidate` when something static
    changes (axes limits, a rebuilt plot), and :meth:`png` to get the current image.
    """

    def __init__(self, fig: Figure):
        self.fig = fig
        self._animated: list = []
        self._background = None

    def animate(self, *artists) -> None:
        for artist in artists:
            artist.set_animated(True)
            self._animated.append(artist)

    def forget(self) -> None:
        """Drop the animated artists (before rebuilding the plot)."""
        self._animated.clear()
        self.invalidate()

    def invalidate(self, relayout: bool = False) -> None:
        """Redraw the static part next time; ``relayout`` also re-solves the layout (tick labels changed)."""
        self._background = None
        if relayout:
            self.fig.set_layout_engine("constrained")

    def png(self) -> bytes:
        canvas = self.fig.canvas
        if self._background is None:
            canvas.draw()   # lays out and draws everything but the animated artists
            if self.fig.get_layout_engine() is not None:
                self.fig.set_layout_engine("none")   # freeze the layout: no re-solving per update
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self._animated:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        return encode_png(np.asarray(canvas.buffer_rgba()))


def encode_png(rgba: np.ndarray) -> bytes:
    """PNG bytes of an RGBA array, with fast (level 1) compression."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, format="png", compress_level=1)
    return buf.getvalue()


def png(fig: Figure) -> bytes:
    """Render a whole figure (no cached background) as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI * PIXEL_RATIO, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def shown_width(fig: Figure) -> str:
    """The CSS width a figure's PNG is shown at (its pixels divided by :data:`PIXEL_RATIO`)."""
    return f"{round(fig.get_figwidth() * DPI)}px"


def png_shown_width(data: bytes) -> str:
    """The CSS width a PNG made here is shown at, read from its header (width: bytes 16-20, big-endian)."""
    return f"{round(int.from_bytes(data[16:20], 'big') / PIXEL_RATIO)}px"
