"""The HTML the pages show, built in one place that escapes.

Every value that reaches a page from the address bar, a data file or a person's typing is hostile
until escaped. The views build HTML only through this module:

- :func:`html` fills a template whose every argument is escaped (``markupsafe``'s ``Markup.format``,
  the escaping Jinja uses), so ``html("<b>{}</b>", name)`` cannot inject a tag whatever ``name`` is;
- :func:`table_html`, :func:`message_html`, :func:`error_html`, :func:`say_html` and
  :func:`bullets_html` take plain text and escape it;
- what these return is :class:`Markup`, HTML already built, which the others keep as it is: pieces
  compose without being escaped twice, and a plain ``str`` is always escaped.

Colours come from :data:`widgets.views._palette.PALETTE`, so that a tone means one colour on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from markupsafe import Markup, escape

from widgets.views._palette import PALETTE

__all__ = ["Markup", "escape", "html", "join", "PALETTE", "Cell", "Row", "table_html", "TABLE_STYLE", "STALE_STYLE",
           "FIGURE_STYLE", "LINK_STYLE", "message_html", "error_html", "say_html", "bullets_html", "muted_html"]



def html(template: str, *args, **kwargs) -> Markup:
    """Fill ``template`` (a literal written in the code, never data) with escaped arguments.

    Format specifications work as with ``str.format``; an argument that is already :class:`Markup`
    is kept.

    Examples
    --------
    >>> html("<td class='{}'>{:.2f}</td>", "mlsd-x", 0.5)
    Markup("<td class='mlsd-x'>0.50</td>")
    >>> str(html("<b>{}</b>", "<img src=x onerror=alert(1)>"))
    '<b>&lt;img src=x onerror=alert(1)&gt;</b>'
    """
    return Markup(template).format(*args, **kwargs)


def join(pieces: Iterable, separator: str = "") -> Markup:
    """Concatenate pieces of HTML, escaping the plain strings among them.

    Examples
    --------
    >>> str(join([html("<b>{}</b>", "a"), "<i>"], " · "))
    '<b>a</b> · &lt;i&gt;'
    """
    return Markup(separator).join(escape(p) for p in pieces)


@dataclass(frozen=True)
class Cell:
    """A table cell with attributes; a plain value in a row is a cell without them."""

    value: object
    cls: str | None = None
    style: str | None = None
    colspan: int | None = None
    title: str | None = None
    bold: bool = False


@dataclass(frozen=True)
class Row:
    """A table row with attributes; a plain sequence in ``rows`` is a row without them. ``data`` becomes
    ``data-<name>`` attributes (escaped like every value)."""

    cells: Sequence
    cls: str | None = None
    style: str | None = None
    data: dict | None = None


def _attrs(**values) -> Markup:
    return join(html(" {}='{}'", name.rstrip("_"), value) for name, value in values.items() if value is not None)


def _cell(value, tag: str) -> Markup:
    c = value if isinstance(value, Cell) else Cell(value)
    inner = html("<b>{}</b>", c.value) if c.bold else escape(c.value)
    return html("<{}{}>{}</{}>", Markup(tag), _attrs(class_=c.cls, style=c.style, colspan=c.colspan, title=c.title),
                inner, Markup(tag))


def _row(row, tag: str = "td") -> Markup:
    r = row if isinstance(row, Row) else Row(row)
    data = join(html(" data-{}='{}'", name, value) for name, value in (r.data or {}).items() if name.isidentifier())
    return html("<tr{}{}>{}</tr>", _attrs(class_=r.cls, style=r.style), data, join(_cell(c, tag) for c in r.cells))


#: Tables drawn in HTML widgets: left-aligned, compact (JupyterLab right-aligns table cells).
TABLE_STYLE = Markup(
    "<style>.mlsd-table{border-collapse:collapse}.mlsd-table th,.mlsd-table td{text-align:left;"
    "padding:3px 14px 3px 0;vertical-align:top}.mlsd-table thead th{border-bottom:2px solid "
    "var(--jp-border-color1, #d1d5db)}</style>")


def table_html(rows: Iterable, header: Sequence = (), *, cls: str = "", style: str | None = None,
               footer: Iterable = ()) -> Markup:
    """An HTML table; every cell's text is escaped.

    Parameters
    ----------
    rows : each a sequence of cells or a :class:`Row`; a cell is any value (shown as text) or a
        :class:`Cell` (with a class, style, colspan, tooltip or bold text) or :class:`Markup`.
    header : the column headings (``<th>`` in a ``<thead>``); none when empty.
    cls, style : the table's class and inline style.
    footer : rows for a ``<tfoot>``.

    Examples
    --------
    >>> str(table_html([["<x>", Cell(3, cls="n")]], header=["name", "n"], cls="t"))
    "<table class='t'><thead><tr><th>name</th><th>n</th></tr></thead><tbody><tr><td>&lt;x&gt;</td><td class='n'>3</td></tr></tbody></table>"
    """
    head = html("<thead>{}</thead>", _row(header, "th")) if len(header) else Markup("")
    foot = list(footer)
    tail = html("<tfoot>{}</tfoot>", join(_row(r) for r in foot)) if foot else Markup("")
    return html("<table{}>{}<tbody>{}</tbody>{}</table>", _attrs(class_=cls or None, style=style), head,
                join(_row(r) for r in rows), tail)


#: Links between the pages look like links (JupyterLab and Voila style plain anchors in HTML widgets as text).
LINK_STYLE = Markup("<style>a.mlsd-step-link,.mlsd-nav a{color:var(--jp-content-link-color,#1d4ed8);"
                    "text-decoration:underline}a.mlsd-step-link:hover,.mlsd-nav a:hover{text-decoration-thickness:2px}"
                    "</style>")

#: Results a message says are not the current inputs' are dimmed (:meth:`ToolView.show_stale`).
STALE_STYLE = Markup("<style>.mlsd-stale{opacity:0.35;filter:grayscale(1)}</style>")

#: Figures are drawn on white. In a dark theme (JupyterLab's, or a Voila page opened with ``?theme=dark``: both
#: mark the page ``data-jp-theme-light="false"``) they are shown inverted with their hues turned back: white
#: becomes a near-black (#121212, the dark theme's own background is #111), dark ink turns light, and a blue
#: line stays a (lighter) blue.
_DARK = "body[data-jp-theme-light='false'] img.mlsd-figure"
FIGURE_STYLE = Markup(f"<style>{_DARK}{{filter:invert(.93) hue-rotate(180deg)}}"
                      f"{_DARK}.mlsd-stale{{filter:invert(.93) hue-rotate(180deg) grayscale(1)}}</style>")


def message_html(text: str, kind: str = "error") -> Markup:
    """A message line on a page: ``error`` (red) or ``info`` (blue).

    Examples
    --------
    >>> str(message_html("No question has the id '<b>'."))
    "<div class='mlsd-message mlsd-error' style='color:#b91c1c;margin:4px 0'>No question has the id &#39;&lt;b&gt;&#39;.</div>"
    """
    return html("<div class='mlsd-message mlsd-{}' style='color:{};margin:4px 0'>{}</div>",
                kind, PALETTE[kind], text)


def error_html(text: str) -> Markup:
    """An inline error inside a tool (``.mlsd-error``)."""
    return html("<span class='mlsd-error' style='color:{}'>{}</span>", PALETTE["error"], text)


def muted_html(text: str, tag: str = "div") -> Markup:
    """Secondary text in the theme's muted colour."""
    return html("<{} style='color:{}'>{}</{}>", Markup(tag), PALETTE["muted"], text, Markup(tag))


def say_html(text: str) -> Markup:
    """The "what to say in the interview" box."""
    return html("<div class='mlsd-say' style='border-left:4px solid {};padding:4px 10px;margin:6px 0;"
                "line-height:1.45'><b>Say it in the interview:</b> {}</div>", PALETTE["say"], text)


def bullets_html(items: Iterable, cls: str | None = None) -> Markup:
    """A bulleted list of texts."""
    return html("<ul{}>{}</ul>", _attrs(class_=cls), join(html("<li>{}</li>", i) for i in items))
