"""Hashprice recomputed from the bundled daily history against published figures.

The history gives price at 00:00 UTC, exact difficulty and daily fees per block;
the publisher (Hashrate Index / Luxor) uses its own intraday price and a 144-block
fee average, so single days agree to a few percent and averages to well under one.
"""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from minerecon import datasets, network, units


@pytest.fixture(scope="module")
def hashprice_ph():
    history = datasets.load_history()
    subsidy = network.block_subsidy(datasets.estimate_height(history.index))
    usd_per_th = network.hashprice(
        history["price_usd"], history["difficulty"], history["fees_btc_per_block"], subsidy
    )
    return units.hashprice_to_ph_day(usd_per_th)


@pytest.mark.parametrize(
    ("period", "statistic", "published", "rtol"),
    [
        # Hashrate Index 2022 Year in Review (via investing.com): 2021 average 314.61 USD/PH/day.
        ("2021", "mean", 314.61, 0.005),
        # Same review: 2022 average 123.88 USD/PH/day.
        ("2022", "mean", 123.88, 0.005),
        # Same review: 2022 all-time low 55.94 USD/PH/day.
        ("2022", "min", 55.94, 0.02),
        # Same review: 2022 high 246.86 USD/PH/day.
        ("2022", "max", 246.86, 0.02),
        # Luxor Hashrate Index, Nov 2025 average hashprice 39.82 USD/PH/day.
        ("2025-11", "mean", 39.82, 0.01),
        # Luxor Lookback Nov 2025: all-time low 35.06 USD/PH/day on 2025-11-22.
        ("2025-11", "min", 35.06, 0.01),
    ],
)
def test_period_statistics_match_published(hashprice_ph, period, statistic, published, rtol):
    value = getattr(hashprice_ph.loc[period], statistic)()
    assert_allclose(value, published, rtol=rtol)


def test_estimated_height_crosses_the_2024_halving_on_its_day():
    # Block 840,000 (2024-04-20 00:09 UTC) cut the subsidy from 6.25 to 3.125 BTC;
    # the height estimated for 00:00 UTC must put that day in the new era.
    subsidy = network.block_subsidy(datasets.estimate_height(["2024-04-19", "2024-04-20"]))
    assert subsidy.tolist() == [6.25, 3.125]


def test_latest_snapshot_is_the_default_network():
    state = network.NetworkState.latest()
    history = datasets.load_history()
    assert state.date == history.index[-1]
    assert state.btc_price == history["price_usd"].iloc[-1]
    assert state.difficulty == history["difficulty"].iloc[-1]
