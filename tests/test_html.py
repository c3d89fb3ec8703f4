"""minerecon.html: a self-contained page of text, tables and embedded figures."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from minerecon.html import (
    Bullets,
    Figure,
    Section,
    Table,
    figure_to_png,
    render_html_report,
    write_html_report,
)

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def machines():
    return pd.DataFrame(
        {
            "power [W]": [3250.0, 5676.0],
            "margin [USD/TH/day]": [-0.0042, 0.0168],
            "cooling": ["air", "hydro"],
        },
        index=pd.Index(["Antminer S19 Pro", "Antminer S21 XP Hydro"], name="miner"),
    )


@pytest.fixture
def two_figures():
    figures = []
    for slope in (1, 2):
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.plot([0, 1], [0, slope])
        figures.append(fig)
    yield figures
    for fig in figures:
        plt.close(fig)


def test_page_holds_every_part_and_parses(tmp_path, machines, two_figures, parse_html):
    path = write_html_report(
        tmp_path / "page.html",
        title="Fleet <review>",
        subtitle="2026-08-16 & after",
        sections=[
            Section("Inputs", ["Power 0.05 USD/kWh.", Bullets(["one", "two < three"])]),
            Section("Machines", [Table(machines, caption="Nameplate figures.")]),
            Section(
                "Figures",
                [
                    Figure(two_figures[0], alt="A line of slope 1", caption="First."),
                    Figure(two_figures[1].axes[0], alt="A line of slope 2"),
                ],
            ),
        ],
        footer="minerecon",
    )
    assert path == tmp_path / "page.html"
    text = path.read_text(encoding="utf-8")
    page = parse_html(text)
    assert page.problems == []
    assert text.startswith("<!DOCTYPE html>")
    # Text is escaped, not interpreted as markup.
    assert "Fleet &lt;review&gt;" in text and "review" not in page.tags
    assert "two < three" in page.plain and "2026-08-16 & after" in page.plain
    for heading in ("Inputs", "Machines", "Figures", "Nameplate figures.", "First."):
        assert heading in page.plain
    # One header row: the index name heads its column, units stay in the headers.
    assert page.headers[:4] == ["miner", "power [W]", "margin [USD/TH/day]", "cooling"]
    assert "Antminer S21 XP Hydro" in page.plain
    # Both figures embedded as decodable PNG, each with its alt text.
    assert [image["alt"] for image in page.images] == ["A line of slope 1", "A line of slope 2"]
    assert len(page.pngs) == 2 and all(png.startswith(PNG) for png in page.pngs)
    # Self-contained: no external reference of any kind, no script.
    assert "http://" not in text and "https://" not in text
    assert "script" not in page.tags and "link" not in page.tags
    assert "<style>" in text and "@media print" in text


def test_table_formats_numbers_and_aligns_text(machines):
    html = Table(
        machines,
        formatters={"margin [USD/TH/day]": "{:.4f}".format},
        float_format="{:,.0f}".format,
    ).to_html()
    assert "3,250" in html and "5,676" in html  # float_format
    assert "-0.0042" in html and "0.0168" in html  # formatter
    assert 'class="data"' in html and "dataframe" not in html and "style=" not in html
    # The text column (and its header) is marked for left alignment, numbers are not.
    assert '<td class="text">air</td>' in html
    assert '<td class="text">3,250</td>' not in html
    assert '<span class="unit">[W]</span>' in html


def test_table_missing_values_and_bad_formatters():
    frame = pd.DataFrame({"x [-]": [1.0, math.nan]})
    assert "<td>-</td>" in Table(frame).to_html()
    with pytest.raises(KeyError, match="nope"):
        Table(frame, formatters={"nope": str}).to_html()
    with pytest.raises(KeyError, match="nope"):
        Table(frame, text_columns=["nope"]).to_html()


def test_figure_needs_alt_text_and_accepts_png_bytes(two_figures):
    with pytest.raises(ValueError, match="alt"):
        Figure(two_figures[0], alt="  ")
    png = figure_to_png(two_figures[0], dpi=50)
    assert png.startswith(PNG)
    # No matplotlib address in the image metadata.
    assert b"matplotlib.org" not in png
    assert "data:image/png;base64," in Figure(png, alt="given bytes").to_html()


def test_section_rejects_unknown_content():
    with pytest.raises(TypeError, match="Broken"):
        render_html_report(title="t", sections=[Section("Broken", [42])])


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        # Each was an AttributeError or TypeError from deep inside, naming nothing,
        # or (alt=None) a page with the alt text "None".
        (lambda: figure_to_png(None), TypeError, "figure"),
        (lambda: Figure(PNG, alt=None), TypeError, "alt"),
        (lambda: Section("Inputs", 3), TypeError, "content"),
        (lambda: Table({"a": [1]}), TypeError, "frame"),
        (lambda: Bullets(5), TypeError, "items"),
        (lambda: render_html_report(title=None, sections=[]), TypeError, "title"),
        (lambda: render_html_report(title="t", sections="Inputs"), TypeError, "sections"),
    ],
)
def test_arguments_of_the_wrong_type_are_named(call, error, argument):
    with pytest.raises(error, match=argument):
        call()


def test_dpi_is_checked_before_drawing(two_figures):
    # dpi=1 ended in freetype's RuntimeError "invalid ppem value"; a huge dpi in an
    # image of gigapixels.
    for dpi in (1.0, 1e4, -1.0, math.inf):
        with pytest.raises(ValueError, match="dpi"):
            figure_to_png(two_figures[0], dpi=dpi)
    # A 3 x 2 inch figure is 6 Mpx at 1,000 dpi; an 8 x 6 inch one 276 Mpx at 2,400
    # dpi, above the 50 Mpx limit.
    assert Figure(two_figures[0], alt="a line", dpi=1000.0).dpi == 1000.0
    two_figures[1].set_size_inches(8, 6)
    with pytest.raises(ValueError, match="dpi"):
        Figure(two_figures[1], alt="a line", dpi=2400.0)


@pytest.mark.parametrize(
    "path",
    [
        "",  # was IsADirectoryError on "."
        ".",  # the same
        "no such folder/page.html",  # was FileNotFoundError
        "a\0b.html",  # was "embedded null byte", naming nothing
    ],
)
def test_bad_paths_are_refused_by_name(tmp_path, monkeypatch, path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="path"):
        write_html_report(path, title="t", sections=[])
    assert list(tmp_path.iterdir()) == []


def test_paths_of_the_wrong_type_are_refused(tmp_path, monkeypatch):
    # An int would have been opened as a file descriptor.
    monkeypatch.chdir(tmp_path)
    for path in (5, b"page.html", None):
        with pytest.raises(TypeError, match="path"):
            write_html_report(path, title="t", sections=[])
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_previous_page(tmp_path, monkeypatch):
    # DESIGN "Output files": a failed run leaves the previous results as they were.
    path = write_html_report(tmp_path / "page.html", title="first", sections=[])
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("minerecon.html.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_html_report(path, title="second", sections=[])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no temporary file left


def test_a_link_at_the_path_is_replaced_not_followed(tmp_path):
    # DESIGN "Output files": nothing outside the output folder is touched; the page
    # was written through a symbolic link to wherever it pointed.
    outside = tmp_path / "outside.html"
    outside.write_text("keep", encoding="utf-8")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "page.html").symlink_to(outside)
    path = write_html_report(folder / "page.html", title="t", sections=[])
    assert not path.is_symlink() and "<h1>t</h1>" in path.read_text(encoding="utf-8")
    assert outside.read_text(encoding="utf-8") == "keep"
