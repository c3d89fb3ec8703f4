"""Mining against interval power prices (minerecon.power)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from minerecon import economics, power


def test_revenue_per_mwh_is_the_breakeven_power_price():
    # The price per MWh above which a machine loses money is the economics
    # break-even power price in USD/kWh, times 1,000 (same hashprice, PUE, fee).
    hashprice = economics.revenue_per_th(90_000, 150e12, fees_per_block=0.02)
    for efficiency, pue, fee in ((13.5, 1.0, 0.0), (17.5, 1.1, 0.02), (29.5, 1.05, 0.01)):
        gross = economics.revenue_per_th(90_000, 150e12, fees_per_block=0.02) * (1 - fee)
        breakeven = economics.breakeven_power_price(
            90_000, 150e12, efficiency, fees_per_block=0.02, pue=pue, pool_fee=fee
        )
        assert_allclose(power.revenue_per_mwh(hashprice, efficiency, pue=pue, pool_fee=fee),
                        1000 * breakeven, rtol=1e-12)  # fmt: skip
        assert gross > 0


def test_curtail_by_hand():
    # Hours at 30, 80, 200, -10 USD/MWh; mining earns 100 USD/MWh with a 5 USD/MWh
    # variable cost on 10 MW for 15-minute intervals (2.5 MWh each). It runs when
    # 100 > p + 5: the first, second and last intervals.
    result = power.curtail([30.0, 80.0, 200.0, -10.0], 100.0, load_mw=10.0,
                           interval_hours=0.25, variable_cost=5.0)  # fmt: skip
    assert result.uptime == 0.75
    assert result.energy_mwh == 7.5
    assert_allclose(result.power_cost, 2.5 * (30 + 80 - 10))
    assert_allclose(result.average_price, 100 / 3)
    assert_allclose(result.revenue, 7.5 * 100)
    # margins per interval: 65, 15, -105 (off), 105
    assert_allclose(result.margin, 2.5 * (65 + 15 + 105))
    assert_allclose(result.always_on_margin, 2.5 * (65 + 15 - 105 + 105))
    assert_allclose(result.flexibility_value, 2.5 * 105)


def test_curtail_broadcasts_over_paths_and_machines():
    # Two paths of three hours, two machines (revenue per MWh as a column).
    prices = np.array([[10.0, 60.0, 90.0], [70.0, 20.0, 150.0]])
    result = power.curtail(prices[None, :, :], np.array([[[50.0]], [[100.0]]]))
    assert result.energy_mwh.shape == (2, 2)
    assert_allclose(result.energy_mwh, [[1.0, 1.0], [3.0, 2.0]])
    # Flexibility is never negative, and nothing bought gives no average price.
    assert (np.asarray(result.flexibility_value) >= 0).all()
    idle = power.curtail([100.0, 200.0], 50.0)
    assert idle.energy_mwh == 0.0 and np.isnan(idle.average_price)


@pytest.mark.parametrize(
    ("revenue", "mean", "spread"), [(100.0, 50.0, 0.8), (40.0, 50.0, 1.2), (60.0, 55.0, 0.3)]
)
def test_expected_margin_lognormal_matches_curtailment(revenue, mean, spread):
    # E[max(R - p, 0)] per MWh: the closed form against curtail on simulated
    # lognormal hours with mean m (a law of the closed form).
    z = np.random.default_rng(5).standard_normal(1_000_000)
    prices = mean * np.exp(spread * z - spread**2 / 2)
    simulated = power.curtail(prices, revenue).margin / prices.size
    closed = power.expected_margin(revenue, mean, spread)
    assert abs(simulated - closed) < 4 * np.maximum(revenue - prices, 0).std() / 1_000


def test_expected_margin_uniform_by_hand():
    # Prices uniform on [20, 80]: R = 70 gives (70 - 20)^2 / (2 * 60) = 20.83;
    # R = 90 above the range gives 90 - 50; R = 10 below gives 0.
    assert_allclose(power.expected_margin(70.0, 50.0, 30.0, distribution="uniform"), 2500 / 120)
    assert power.expected_margin(90.0, 50.0, 30.0, distribution="uniform") == 40.0
    assert power.expected_margin(10.0, 50.0, 30.0, distribution="uniform") == 0.0
    # No spread: the deterministic margin.
    assert power.expected_margin(70.0, 50.0, 0.0) == 20.0


def test_expected_margin_keeps_the_kind():
    index = pd.date_range("2026-01-01", periods=3, name="date")
    revenue = pd.Series([40.0, 80.0, 120.0], index=index)
    result = power.expected_margin(revenue, 50.0, 0.5)
    assert isinstance(result, pd.Series) and (result.index == index).all()
    assert result.is_monotonic_increasing


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: power.curtail([], 10.0), "prices must hold at least one interval"),
        (lambda: power.curtail([1.0, np.nan], 10.0), "prices must"),
        (lambda: power.curtail([[1.0, 2.0]], [1.0, 2.0, 3.0]), "revenue must broadcast"),
        (lambda: power.curtail([1.0], -1.0), "revenue must be in"),
        (lambda: power.curtail([1.0], 1.0, interval_hours=0), "interval_hours must be in"),
        (lambda: power.curtail([1.0], 1.0, load_mw=-1), "load_mw must be in"),
        (lambda: power.expected_margin(1.0, 0.0, 0.5), "mean_price must be in"),
        (lambda: power.expected_margin(1.0, 1.0, 0.5, distribution="x"), "distribution must"),
        (lambda: power.revenue_per_mwh(0.04, 0.0), "efficiency must be in"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
