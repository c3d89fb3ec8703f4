"""A single self-contained HTML page: headings, text, tables and figures.

:func:`write_html_report` writes one file that needs nothing else to be read:
the style sheet is inline, figures are embedded as base64 PNG ``<img>``
elements, and the page has no script and no external reference, so it opens
offline, can be mailed as one attachment and prints cleanly.

A page is a title, an optional subtitle and a list of :class:`Section`;
each section holds, in order, any of:

* ``str``: a paragraph (plain text, escaped);
* :class:`Bullets`: a list of plain-text items;
* :class:`Table`: a :class:`pandas.DataFrame`, rendered by
  :meth:`~pandas.DataFrame.to_html` with per-column formatters;
* :class:`Figure`: a matplotlib Figure (or Axes), embedded as PNG with its
  alt text.

Only the standard library (``html``, ``base64``, ``io``, ``re``) and pandas are used;
matplotlib is only touched through the figure given.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"power [W]": [3250.0]}, index=pd.Index(["S19"], name="miner"))
>>> page = render_html_report(
...     title="Demo", sections=[Section("Machines", ["One machine.", Table(frame)])]
... )
>>> '<th>power <span class="unit">[W]</span></th>' in page
True
>>> "http" in page or "<script" in page
False
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import os
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from minerecon._contract import UnknownNameError, check_scalar
from minerecon.typing import PathLike

if TYPE_CHECKING:
    import matplotlib.figure
    from matplotlib.axes import Axes

__all__ = [
    "Bullets",
    "Figure",
    "Section",
    "Table",
    "figure_to_png",
    "render_html_report",
    "write_html_report",
]


@dataclasses.dataclass(frozen=True)
class Table:
    """A table of a section.

    Parameters
    ----------
    frame : pandas.DataFrame
        The data; put the units in the column names in brackets, e.g.
        ``"power [W]"``: the unit is shown on its own line in the header.
    caption : str, optional
        Shown under the table.
    formatters : mapping of str to callable, optional
        Column name -> function returning the text of one value; columns
        without one are shown with ``float_format`` (numbers) or ``str``.
    float_format : callable, optional
        Text of the numbers of columns without a formatter; four significant
        digits with thousands separators by default.
    index : bool, default True
        Whether to show the index (as the first, left-aligned column); its
        name heads that column.
    na_rep : str, default "-"
        Text of missing values.
    text_columns : sequence of str, optional
        Columns aligned left as text; by default those that are not numeric.
        Numbers are aligned right.
    """

    frame: pd.DataFrame
    caption: str | None = None
    formatters: Mapping[str, Callable[[Any], str]] | None = None
    float_format: Callable[[float], str] | None = None
    index: bool = True
    na_rep: str = "-"
    text_columns: Sequence[str] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.frame, pd.DataFrame):
            raise TypeError(f"frame must be a pandas DataFrame, got {type(self.frame).__name__}")
        _check_text("caption", self.caption, optional=True)
        if self.formatters is not None:
            if not isinstance(self.formatters, Mapping) or not all(
                callable(f) for f in self.formatters.values()
            ):
                raise TypeError(
                    f"formatters must map column names to functions, got {_brief(self.formatters)}"
                )
            columns = {str(c) for c in self.frame.columns}
            unknown = sorted(str(k) for k in self.formatters if str(k) not in columns)
            if unknown:
                # A KeyError (a lookup) that is also a ValueError (a bad argument).
                raise UnknownNameError(f"formatters for unknown columns: {unknown}")
        if self.float_format is not None and not callable(self.float_format):
            raise TypeError(f"float_format must be a function, got {_brief(self.float_format)}")
        if not isinstance(self.index, bool):
            raise TypeError(f"index must be True or False, got {_brief(self.index)}")
        _check_text("na_rep", self.na_rep)
        if self.text_columns is not None:
            if isinstance(self.text_columns, str | bytes) or not isinstance(
                self.text_columns, Sequence
            ):
                raise TypeError(
                    f"text_columns must be a list of column names, got {_brief(self.text_columns)}"
                )
            missing = [c for c in self.text_columns if c not in self.frame.columns]
            if missing:
                raise UnknownNameError(f"text_columns not in the table: {missing}")

    def to_html(self) -> str:
        """The ``<table>`` element, wrapped so that wide tables scroll on screen."""
        formatters = dict(self.formatters or {})
        frame = self.frame
        if self.text_columns is None:
            text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        else:
            text = list(self.text_columns)
        offset = frame.index.nlevels if self.index else 0
        positions = {offset + list(frame.columns).index(c) for c in text}
        if self.index and frame.index.nlevels == 1 and frame.columns.name is None:
            # One header row: the index name heads the index column.
            frame = frame.copy()
            frame.columns.name, frame.index.name = frame.index.name, None
        table = frame.to_html(
            classes=["data"],
            border=0,
            index=self.index,
            formatters=formatters or None,
            float_format=self.float_format or "{:,.4g}".format,
            na_rep=self.na_rep,
            escape=True,
            justify="center",
        )
        # pandas writes ``class="dataframe data"``; keep only ours and drop the
        # inline ``style`` pandas adds to the header row so the sheet governs.
        table = table.replace('class="dataframe data"', 'class="data"')
        table = re.sub(r' style="text-align: \w+;"', "", table)
        table = _mark_text_cells(table, positions)
        # Keep each unit, e.g. "[USD/TH/day]", on one line under its name.
        table = re.sub(
            r"<thead>.*?</thead>",
            lambda head: re.sub(r"\[[^\]<]*\]", r'<span class="unit">\g<0></span>', head[0]),
            table,
            flags=re.DOTALL,
        )
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return f'<figure class="table"><div class="scroll">{table}</div>{caption}</figure>'


def _mark_text_cells(table: str, positions: set[int]) -> str:
    """Add ``class="text"`` to the cells at ``positions`` (0-based) of each row."""
    if not positions:
        return table

    def row(match: re.Match[str]) -> str:
        count = iter(range(len(match.group(0))))

        def cell(tag: re.Match[str]) -> str:
            return f'<{tag.group(1)} class="text"' if next(count) in positions else tag.group(0)

        return re.sub(r"<(td|th)(?=[\s>])", cell, match.group(0))

    return re.sub(r"<tr>.*?</tr>", row, table, flags=re.DOTALL)


@dataclasses.dataclass(frozen=True)
class Figure:
    """A matplotlib figure of a section, embedded as PNG.

    Parameters
    ----------
    figure : matplotlib.figure.Figure or matplotlib.axes.Axes or bytes
        What to draw (an Axes stands for its figure), or PNG bytes already
        rendered.
    alt : str
        Alternative text: what the figure shows, for screen readers and when
        images are off. Required and non-empty.
    caption : str, optional
        Shown under the figure.
    dpi : float, default 120
        Resolution of the PNG [dots per inch], in ``DPI_RANGE``.
    """

    figure: matplotlib.figure.Figure | Axes | bytes
    alt: str
    caption: str | None = None
    dpi: float = 120.0

    def __post_init__(self) -> None:
        figure = None if isinstance(self.figure, bytes) else _check_figure(self.figure)
        _check_text("alt", self.alt)
        if not self.alt.strip():
            raise ValueError("a figure needs alt text: alt must not be empty")
        _check_text("caption", self.caption, optional=True)
        object.__setattr__(self, "dpi", _check_dpi(self.dpi, figure))

    def to_html(self) -> str:
        """The ``<figure>`` element with the image as a ``data:`` URI."""
        png = (
            self.figure if isinstance(self.figure, bytes) else figure_to_png(self.figure, self.dpi)
        )
        data = base64.b64encode(png).decode("ascii")
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return (
            f'<figure class="plot"><img src="data:image/png;base64,{data}" '
            f'alt="{html.escape(self.alt, quote=True)}">{caption}</figure>'
        )


@dataclasses.dataclass(frozen=True)
class Bullets:
    """A list of plain-text items (``<ul>``)."""

    items: Sequence[str]

    def __post_init__(self) -> None:
        if isinstance(self.items, str | bytes) or not isinstance(self.items, Sequence):
            raise TypeError(f"items must be a list of strings, got {_brief(self.items)}")

    def to_html(self) -> str:
        """The ``<ul>`` element."""
        rows = "".join(f"<li>{html.escape(str(item))}</li>" for item in self.items)
        return f"<ul>{rows}</ul>"


@dataclasses.dataclass(frozen=True)
class Section:
    """A heading and its content, in order.

    Parameters
    ----------
    heading : str
        The ``<h2>`` of the section.
    content : sequence of str, Bullets, Table or Figure
        Paragraphs (``str``), lists, tables and figures.
    """

    heading: str
    content: Sequence[str | Bullets | Table | Figure] = ()

    def __post_init__(self) -> None:
        _check_text("heading", self.heading)
        if isinstance(self.content, str | bytes) or not isinstance(self.content, Sequence):
            raise TypeError(
                f"content of section {self.heading!r} must be a list of str, Bullets, Table "
                f"or Figure, got {_brief(self.content)}"
            )
        for item in self.content:
            if not isinstance(item, str | Bullets | Table | Figure):
                raise TypeError(
                    f"content of section {self.heading!r}: expected str, Bullets, Table or "
                    f"Figure, got {type(item).__name__}"
                )

    def to_html(self) -> str:
        """The ``<section>`` element."""
        parts = [f"<h2>{html.escape(self.heading)}</h2>"]
        for item in self.content:
            if isinstance(item, str):
                parts.append(f"<p>{html.escape(item)}</p>")
            else:
                parts.append(item.to_html())
        return "<section>\n" + "\n".join(parts) + "\n</section>"


def _brief(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_text(name: str, value: Any, *, optional: bool = False) -> None:
    if not (isinstance(value, str) or (optional and value is None)):
        wanted = "a string or None" if optional else "a string"
        raise TypeError(f"{name} must be {wanted}, got {_brief(value)}")


def _check_figure(figure: Any) -> matplotlib.figure.Figure:
    """The matplotlib Figure of a Figure or an Axes (by what they do: matplotlib is
    not imported here)."""
    found = (
        figure if callable(getattr(figure, "savefig", None)) else getattr(figure, "figure", None)
    )
    if found is None or not callable(getattr(found, "savefig", None)):
        raise TypeError(f"figure must be a matplotlib Figure or Axes, got {type(figure).__name__}")
    return found


#: Resolution of an embedded figure [dots per inch]: below 10 matplotlib cannot
#: size the glyphs of small text.
DPI_RANGE = (10.0, 2400.0)
#: Pixels of an embedded figure at most (a 200 MB RGBA canvas).
MAX_PIXELS = 50_000_000


def _check_dpi(dpi: Any, figure: Any = None) -> float:
    low, high = DPI_RANGE
    dpi = check_scalar("dpi", dpi, low=low, high=high, unit="[dots per inch]")
    if figure is not None:
        width, height = figure.get_size_inches()
        pixels = float(width * height * dpi**2)
        if pixels > MAX_PIXELS:
            raise ValueError(
                f"dpi {dpi:g} makes a {width:g} x {height:g} inch figure {pixels:,.0f} pixels, "
                f"above the limit of {MAX_PIXELS:,}: lower dpi"
            )
    return dpi


def figure_to_png(figure: matplotlib.figure.Figure | Axes, dpi: float = 120.0) -> bytes:
    """PNG bytes of a matplotlib Figure (or of the figure of an Axes).

    ``dpi`` is the resolution [dots per inch], in ``DPI_RANGE``, and the
    image may have at most ``MAX_PIXELS`` pixels (``ValueError``
    otherwise); a ``TypeError`` names ``figure`` when it is neither a Figure
    nor an Axes.
    """
    figure = _check_figure(figure)
    dpi = _check_dpi(dpi, figure)
    buffer = io.BytesIO()
    # No metadata: matplotlib would otherwise write its own address in the PNG.
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 80rem; padding: 1.5rem 1.25rem 3rem;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: #1a1a1a; background: #fff;
}
header { border-bottom: 2px solid #0072B2; margin-bottom: 1.25rem; padding-bottom: .5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; line-height: 1.25; }
header p { margin: 0; color: #444; }
h2 {
  font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .2rem;
  border-bottom: 1px solid #ddd;
}
p, ul { max-width: 52rem; }
li { margin: .15rem 0; }
figure { margin: 1rem 0; }
figcaption { font-size: .85rem; color: #555; margin-top: .35rem; max-width: 52rem; }
.scroll { overflow-x: auto; }
table.data {
  border-collapse: collapse; font-size: .85rem;
  font-variant-numeric: tabular-nums;
}
table.data th, table.data td { padding: .3rem .6rem; border-bottom: 1px solid #e3e3e3; }
table.data thead th {
  text-align: right; vertical-align: bottom; background: #f2f6fa;
  border-bottom: 2px solid #9bb7cf; font-weight: 600;
}
table.data td { text-align: right; white-space: nowrap; }
table.data tbody th { text-align: left; font-weight: 600; white-space: nowrap; }
table.data thead th:first-child { text-align: left; }
table.data tbody tr:nth-child(even) { background: #fafafa; }
table.data .text { text-align: left; white-space: normal; }
table.data thead .unit { display: block; white-space: nowrap; font-weight: 400; color: #444; }
figure.plot img { display: block; max-width: min(100%, 56rem); height: auto; }
footer { margin-top: 2.5rem; font-size: .8rem; color: #666; border-top: 1px solid #ddd; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure, table.data tr { break-inside: avoid; }
  .scroll { overflow: visible; }
  table.data tbody tr:nth-child(even) { background: none; }
}
"""


def render_html_report(
    *,
    title: str,
    subtitle: str | None = None,
    sections: Sequence[Section],
    footer: str | None = None,
) -> str:
    """The text of the page (see :func:`write_html_report`)."""
    _check_text("title", title)
    _check_text("subtitle", subtitle, optional=True)
    _check_text("footer", footer, optional=True)
    if isinstance(sections, str | bytes) or not isinstance(sections, Sequence):
        raise TypeError(f"sections must be a list of Section, got {_brief(sections)}")
    for section in sections:
        if not isinstance(section, Section):
            raise TypeError(f"sections must hold Section objects, got {_brief(section)}")
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
    )
    header = f"<header>\n<h1>{html.escape(title)}</h1>\n"
    if subtitle:
        header += f"<p>{html.escape(subtitle)}</p>\n"
    header += "</header>\n<main>\n"
    body = "\n".join(section.to_html() for section in sections)
    tail = "\n</main>\n"
    if footer:
        tail += f"<footer><p>{html.escape(footer)}</p></footer>\n"
    return head + header + body + tail + "</body>\n</html>\n"


def write_html_report(
    path: PathLike,
    *,
    title: str,
    subtitle: str | None = None,
    sections: Sequence[Section],
    footer: str | None = None,
) -> Path:
    """Write a self-contained HTML page and return its path.

    The page is written to a temporary file beside ``path`` and moved into
    place when complete, so a failed or interrupted write leaves any previous
    file at ``path`` as it was; a symbolic link at ``path`` is replaced, not
    followed.

    Parameters
    ----------
    path : str or Path
        The file to write (UTF-8); its folder must exist.
    title : str
        Page title and ``<h1>``.
    subtitle : str, optional
        One line under the title.
    sections : sequence of Section
        The body, in order.
    footer : str, optional
        A line at the bottom (e.g. the program and version).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    TypeError
        When ``path`` is not a str or a path, or an argument of
        :func:`render_html_report` has the wrong type.
    ValueError
        When ``path`` is empty, names a folder, or lies in a folder that
        does not exist.
    OSError
        When the folder cannot be written (permissions, a full disk).
    """
    path = _check_path(path)
    text = render_html_report(title=title, subtitle=subtitle, sections=sections, footer=footer)
    # Created like any new file (the umask applies), under a name no one else uses.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def _check_path(path: Any) -> Path:
    # An int would be taken for a file descriptor and bytes are not a path here.
    if not isinstance(path, str | os.PathLike) or isinstance(path, bytes):
        raise TypeError(f"path must be a str or a pathlib.Path, got {_brief(path)}")
    text = os.fspath(path)
    if not isinstance(text, str) or not text or "\0" in text:
        raise ValueError(f"path must name a file, got {_brief(path)}")
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"path must name a file, got the folder {str(path)!r}")
    if not path.parent.is_dir():
        raise ValueError(f"path must be in an existing folder, got {str(path)!r}")
    return path
