"""The one palette of the views: a colour per meaning for HTML, and named colours for the figures.

HTML text colours use the JupyterLab theme's variables where the theme has one, so they follow the
light and dark themes; figures are drawn on a white background and use the plain colours (a dark theme shows
them inverted with their hues kept: ``FIGURE_STYLE`` in ``_html.py``).
"""

#: Named colours (Tailwind's 600/700 shades: readable on white, distinct in print and for most colour vision).
BLUE, ORANGE, GREEN, RED, PURPLE, CYAN = "#2563eb", "#ea580c", "#16a34a", "#dc2626", "#9333ea", "#0891b2"
GREY, DARK_GREY, LIGHT_GREY = "#9ca3af", "#374151", "#e5e7eb"

#: One colour per meaning in the pages' HTML.
PALETTE = {
    "text": "var(--jp-content-font-color1, #1f2937)",
    "muted": "var(--jp-content-font-color2, #4b5563)",
    "faint": GREY,
    "border": "var(--jp-border-color2, #e5e7eb)",
    "error": "#b91c1c",
    "warning": "#b45309",
    "ok": "#15803d",
    "info": "#1d4ed8",
    "accent": BLUE,
    "say": GREEN,
    "highlight": "#ffedd5",
    "chosen": "#dcfce7",
    "current": "#eff6ff",
}

#: Roles in the figures: two lists compared, the rankers, before and after, a marked point.
COLOURS = {"A": BLUE, "B": ORANGE, "random": GREY, "popularity": ORANGE, "matrix factorisation": BLUE,
           "before": GREY, "after": BLUE, "point": RED, "good": GREEN, "bad": PALETTE["error"], "ink": DARK_GREY,
           "grid": LIGHT_GREY, "diagonal": "#d1d5db"}

#: Series drawn side by side (groups, models, bars), in order.
SERIES = (BLUE, ORANGE, GREEN, PURPLE, CYAN)
