"""Shared test set-up: figures render off screen, no user data cache; a strict HTML parse."""

import base64
import os
import tempfile
from html.parser import HTMLParser

import matplotlib
import pytest

matplotlib.use("Agg")

# Tests assume the bundled history alone: a developer's `minerecon data update`
# cache must not move the latest day under them (subprocesses inherit this).
os.environ["MINERECON_DATA_DIR"] = tempfile.mkdtemp(prefix="minerecon-test-data-")


# --------------------------------------------------------------------------
# HTML pages (minerecon.html, report.html): a strict structural parse
# --------------------------------------------------------------------------

_VOID = set("area base br col embed hr img input link meta source wbr".split())


class _Page(HTMLParser):
    """Collects text, header cells and images; records every mis-nested tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.headers: list[str] = []
        self.images: list[dict[str, str]] = []
        self.tags: list[str] = []
        self._th: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.images.append({k: v or "" for k, v in attrs})
        if tag == "th":
            self._th = []
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]} at {self.getpos()}")
            return
        self.stack.pop()
        if tag == "th" and self._th is not None:
            self.headers.append(" ".join("".join(self._th).split()))
            self._th = None

    def handle_data(self, data):
        self.text.append(data)
        if self._th is not None:
            self._th.append(data)


def _parse_html(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    if page.stack:
        page.problems.append(f"unclosed: {page.stack}")
    page.plain = " ".join(" ".join(page.text).split())
    page.pngs = []
    for image in page.images:
        prefix = "data:image/png;base64,"
        assert image["src"].startswith(prefix), image["src"][:40]
        page.pngs.append(base64.b64decode(image["src"][len(prefix) :], validate=True))
    return page


@pytest.fixture
def parse_html():
    """Parse a page: ``.problems`` (mis-nested tags), ``.plain`` (text),
    ``.headers`` (text of each ``<th>``), ``.images`` (attributes), ``.pngs``
    (decoded bytes of each ``data:image/png`` image)."""
    return _parse_html
