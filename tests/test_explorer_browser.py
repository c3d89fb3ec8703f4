"""The explorer in a real browser: Voila on 127.0.0.1, Debian's Chromium through playwright.

``.ci/run`` installs Chromium; without it (or without playwright and voila, from
the ``test`` extra) the test is skipped and says why.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time

import nbformat
import pytest

from minerecon import economics, report
from minerecon.explorer import slider_ranges
from minerecon.network import NetworkState

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("voila", reason="voila is not installed")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (apt-get install chromium)")

# The bundled history's last day: BTC 63,022.15 is not a multiple of the slider's step.
STATE = NetworkState("2026-08-16", 962_712, 127_479_855_693_691.5, 63_022.15, 0.01442504)
MINERS = ["Antminer S21 XP", "Antminer S19j Pro"]
WAIT_MS = 120_000  # generous: a kernel starts, numba loads; nothing here is timed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voila")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    snapshot = (
        STATE.date.strftime("%Y-%m-%d"),
        STATE.height,
        STATE.difficulty,
        STATE.btc_price,
        STATE.fees_per_block,
    )
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "import warnings\n"
            "warnings.simplefilter('ignore')\n"
            "from minerecon.explorer import explore\n"
            "from minerecon.network import NetworkState\n"
            f"state = NetworkState{snapshot!r}\n"
            f"explore(state, miners={MINERS!r}, power_price=0.05)"
        )
    ]
    nbformat.write(notebook, folder / "explorer.ipynb")
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "voila", str(folder / "explorer.ipynb"), "--no-browser",
            f"--port={port}", "--Voila.ip=127.0.0.1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + WAIT_MS / 1000
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            tab = browser.new_page(viewport={"width": 1280, "height": 1000})
            tab.goto(f"http://127.0.0.1:{port}/", timeout=WAIT_MS)
            tab.wait_for_selector(".widget-slider", timeout=WAIT_MS)
            tab.wait_for_selector(".widget-output img", timeout=WAIT_MS)
            yield tab
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def _table(page) -> str:
    return page.locator(".widget-html").first.inner_text()


def _chart(page) -> str:
    return page.locator(".widget-output img").first.get_attribute("src")


def _wait_for_change(page, read, before) -> str:
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        now = read(page)
        if now != before:
            return now
        page.wait_for_timeout(100)
    raise AssertionError(f"nothing changed from {before[:80]!r}")


def test_the_explorer_renders_and_every_control_redraws_it(page):
    # Labels in full (no ellipsis), each with its tooltip.
    labels = page.locator(".widget-slider .widget-label")
    assert labels.count() == 5
    for index in range(5):
        scroll, width, title = labels.nth(index).evaluate(
            "e => [e.scrollWidth, e.clientWidth, e.title]"
        )
        assert scroll <= width and title == labels.nth(index).inner_text()
    # The sliders show the snapshot rounded to their steps, but the values are the
    # command line's: the exact snapshot's break-evens.
    readouts = page.locator(".widget-slider .widget-readout")
    assert readouts.nth(0).inner_text() == "63,000"
    expected = report.miner_economics(MINERS, network=STATE, power_price=0.05)
    table = _table(page)
    assert "Margin at BTC 63,022" in table
    for value in expected["breakeven_btc_price_usd"]:
        assert f"{value:,.0f}" in table
    # Each slider, moved one step by keyboard, redraws the chart and the table.
    ranges = slider_ranges(STATE, 0.05, 0.0)
    starts = {
        "btc_price": STATE.btc_price,
        "power_price": 0.05,
        "difficulty": STATE.difficulty / 1e12,
        "fees": STATE.fees_per_block,
        "pool_fee": 0.0,
    }
    formats = {"btc_price": ",.0f", "power_price": ".3f", "difficulty": ".2f"}
    formats |= {"fees": ".3f", "pool_fee": ".1f"}
    moved = {}
    for name, (low, _, step) in ranges.items():
        moved[name] = low + (round((starts[name] - low) / step) + 1) * step
    steps = {i: format(moved[name], formats[name]) for i, name in enumerate(ranges)}
    for index, shown in steps.items():
        chart, table = _chart(page), _table(page)
        page.locator(".widget-slider .noUi-handle").nth(index).press("ArrowRight")
        _wait_for_change(page, _chart, chart)
        _wait_for_change(page, _table, table)
        assert readouts.nth(index).inner_text() == shown
    # Every value one step from the snapshot: the S21 XP's break-even by hand.
    table = _table(page)
    assert f"Margin at BTC {moved['btc_price']:,.0f}" in table
    breakeven = economics.breakeven_btc_price(
        moved["difficulty"] * 1e12,
        13.5,
        moved["power_price"],
        fees_per_block=moved["fees"],
        subsidy=3.125,
        pool_fee=moved["pool_fee"] / 100,
    )
    assert f"{breakeven:,.0f}" in table
    # Adding a machine to the list draws it and tabulates it.
    chart = _chart(page)
    page.locator(".widget-select-multiple select").select_option([*MINERS, "Antminer S21"])
    _wait_for_change(page, _chart, chart)
    deadline = time.monotonic() + WAIT_MS / 1000
    while "Antminer S21\t" not in _table(page) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert "Antminer S21\t" in _table(page)
