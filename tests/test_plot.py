"""Figures: drawn on the Agg backend, content checked."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from numpy.testing import assert_allclose

from minerecon import economics, plot, report
from minerecon.network import NetworkState

STATE = NetworkState(
    date="2025-11-20", height=924_336, difficulty=152.27e12, btc_price=87_000, fees_per_block=0.0
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_breakeven_btc_price_bars_and_price_line():
    table = report.miner_economics(network=STATE, power_price=0.05)
    ax = plot.breakeven_btc_price(table)
    bars = ax.patches
    assert len(bars) == len(table)
    widths = sorted(bar.get_width() for bar in bars)
    assert_allclose(widths, sorted(table["breakeven_btc_price_usd"]), rtol=1e-12)
    # Blue bars below today's price (profitable), vermilion above.
    for bar in bars:
        expected = plot.PROFIT_COLOUR if bar.get_width() <= 87_000 else plot.LOSS_COLOUR
        assert to_hex(bar.get_facecolor()) == expected.lower()
    (price_line,) = ax.get_lines()
    assert_allclose(price_line.get_xdata(), [87_000, 87_000])
    assert "Break-even BTC price [USD/BTC]" == ax.get_xlabel()
    labels = [text.get_text() for text in ax.get_yticklabels()]
    # The most efficient machine is drawn on top (last tick).
    assert labels[-1] == table.index[0]
    assert any(text.get_text() == "BTC 87,000" for text in ax.texts)


def test_breakeven_btc_price_draws_on_a_given_axes():
    _, (left, right) = plt.subplots(1, 2)
    returned = plot.breakeven_btc_price(network=STATE, miners=["Antminer S21"], ax=right)
    assert returned is right
    assert len(right.patches) == 1 and not left.patches


def test_margin_vs_btc_price_lines_cross_zero_at_the_breakeven():
    miners = ["Antminer S21 XP", "Antminer S19j Pro"]
    ax = plot.margin_vs_btc_price(miners, network=STATE, power_price=0.05, pool_fee=0.02)
    lines = [line for line in ax.get_lines() if line.get_label() in miners]
    assert [line.get_label() for line in lines] == miners
    markers = [line for line in ax.get_lines() if line.get_marker() == "o"]
    for marker, efficiency in zip(markers, (13.5, 29.5), strict=True):
        expected = economics.breakeven_btc_price(152.27e12, efficiency, 0.05, pool_fee=0.02)
        assert_allclose(marker.get_xdata(), [expected], rtol=1e-12)
        assert_allclose(marker.get_ydata(), [0.0])
    # Each line is the margin in USD per PH/s per day at the x positions.
    x, y = lines[0].get_data()
    margin = economics.margin_per_th(x, 152.27e12, 13.5, 0.05, pool_fee=0.02)
    assert_allclose(y, margin * 1000, rtol=1e-12)
    assert "[USD per PH/s per day]" in ax.get_ylabel()
    assert "[USD/BTC]" in ax.get_xlabel()


def test_margin_vs_btc_price_default_machines_span_the_catalogue():
    ax = plot.margin_vs_btc_price(network=STATE)
    names = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert len(names) == 6
    assert "Antminer S9" not in names
    assert np.all(np.diff(ax.get_lines()[0].get_xdata()) > 0)
