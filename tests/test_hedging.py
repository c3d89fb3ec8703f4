"""Hedges on simulated paths (minerecon.hedging)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from minerecon import hedging
from minerecon.hardware import Deployment
from minerecon.network import NetworkState
from minerecon.price import GBM
from minerecon.projection import MiningScenario, simulate

RATE, SIGMA = 0.04, 0.6


@pytest.fixture(scope="module")
def run():
    """1,000 S21 XP for 180 days, BTC a risk-neutral GBM, on 2,000 paths."""
    scenario = MiningScenario(
        Deployment("Antminer S21 XP", 1000),
        start=NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.02),
        days=180,
        price=GBM(drift=math.log1p(RATE), volatility=SIGMA),
        power_price=0.05,
        discount_rate=RATE,
    )
    return simulate(scenario, 2000, seed=11, output="full")


def _hashprice(run):
    daily = run.daily
    return (daily["price"] * daily["reward_per_th"]).values * 1000  # USD per PH/s per day


def test_a_forward_at_the_expected_hashprice_costs_nothing_in_expectation(run):
    # Strike the forward at the expected index, estimated on independent paths
    # (seed 12): on these paths its settlements average zero within Monte Carlo
    # error, and the margin comes back (undiscounted, exactly).
    index = _hashprice(run)
    other = simulate(run.scenario, 2000, seed=12, output="full")
    strike = float(_hashprice(other).mean())
    forward = hedging.hashprice_forward(index, strike, 270.0, days=180)
    total = forward.cash_flow.sum(axis=1)
    assert abs(total.mean()) < 3 * total.std(ddof=1) / np.sqrt(total.size)
    margin = hedging.hashprice_forward(index, strike, 270.0, days=180, initial_margin=0.0)
    assert_allclose(forward.cash_flow.sum(), margin.cash_flow.sum(), rtol=1e-9)
    forward = hashprice_forward_full(index)
    # Revenue from 270 PH/s plus the forward on 270 PH/s is the strike, path by path.
    revenue = index[:, :180] * 270.0
    locked = (revenue + forward.cash_flow)[:, 1:179]  # days without margin flows
    assert_allclose(locked, index.mean() * 270.0, rtol=1e-12)


def hashprice_forward_full(index):
    return hedging.hashprice_forward(index, float(index.mean()), 270.0, days=180)


def test_forward_margin_by_the_published_terms():
    # Luxor's example (hashrateindex.com, 2024): 100 PH/s x 30 days x 60 USD =
    # 180,000 USD notional; 35 % initial margin = 63,000 USD.
    forward = hedging.hashprice_forward(np.full((1, 40), 60.0), 60.0, 100.0, days=30)
    assert forward.notional == 180_000.0
    assert_allclose(forward.cash_flow[0, 0], -63_000.0)
    assert_allclose(forward.cash_flow[0, 30], 63_000.0)
    assert_allclose(forward.cash_flow.sum(), 0.0)


def test_black_scholes_against_hull():
    # Hull, Options, Futures, and Other Derivatives, the Black-Scholes-Merton worked
    # example (chapter "The Black-Scholes-Merton model"): S = 42,
    # K = 40, r = 10 % continuous, sigma = 20 %, T = 0.5: call 4.76, put 0.81.
    rate = math.expm1(0.10)
    assert_allclose(hedging.black_scholes(42, 40, 0.5, 0.2, rate, "call"), 4.76, atol=0.005)
    assert_allclose(hedging.black_scholes(42, 40, 0.5, 0.2, rate, "put"), 0.81, atol=0.005)


def test_puts_are_fairly_priced_on_risk_neutral_paths(run):
    # Paths drift at ln(1 + r) with the implied volatility: the discounted
    # payoffs average the Black-Scholes premium, within Monte Carlo error.
    price = run.daily["price"].values
    puts = hedging.btc_puts(price, np.full(6, 10.0), 80_000.0, volatility=SIGMA, rate=RATE)
    discount = (1 + RATE) ** (-np.arange(180) / 365)
    value = (puts.cash_flow @ discount) + puts.premium  # payoffs only
    assert abs(value.mean() - puts.premium) < 3 * value.std(ddof=1) / np.sqrt(value.size)
    assert puts.premium > 0


def test_a_collar_at_one_strike_is_a_forward_sale(run):
    # Put and call at K: payoff q (K - S) at each month end, premium
    # q (K e^{-rho t} - S0) by put-call parity.
    price = run.daily["price"].values
    collar = hedging.btc_puts(
        price, np.full(6, 2.0), 90_000.0, volatility=SIGMA, rate=RATE, call_strike=90_000.0
    )
    ends = np.arange(29, 180, 30)
    assert_allclose(collar.cash_flow[:, ends], 2.0 * (90_000.0 - price[:, ends]), rtol=1e-12)
    parity = 2.0 * (90_000.0 * (1 + RATE) ** (-ends / 365) - 90_000.0)
    assert_allclose(collar.premium, parity.sum(), rtol=1e-9)


def test_month_ends_from_dates():
    dates = pd.date_range("2026-01-15", periods=60)
    hedge = hedging.btc_puts(np.full((1, 60), 50_000.0), [1.0, 1.0, 1.0], 60_000.0,
                             volatility=0.0, rate=0.0, dates=dates)  # fmt: skip
    # Month ends: 2026-01-31 (day 16), 2026-02-28 (day 44) and the last day (59).
    assert np.flatnonzero(hedge.cash_flow[0, 1:]).tolist() == [15, 43, 58]


def test_power_swap_fixes_the_price():
    index = np.array([[30.0, 90.0, 55.0], [120.0, 20.0, 50.0]])
    swap = hedging.power_swap(index, 50.0, 24.0)
    bill = -index * 24.0  # buying 24 MWh a day at the index
    assert_allclose(bill + swap.cash_flow, -50.0 * 24.0)


def test_treasury_limits():
    mined = np.array([[1.0, 2.0, 1.0]])
    price = np.array([[50_000.0, 60_000.0, 40_000.0]])
    sell_all = hedging.treasury(mined, price, 1.0).iloc[0]
    assert sell_all["usd_from_sales"] == 50_000 + 120_000 + 40_000 and sell_all["btc_held"] == 0
    hold_all = hedging.treasury(mined, price, 0.0).iloc[0]
    assert hold_all["btc_held"] == 4.0 and hold_all["value_at_end"] == 160_000.0


def test_hedge_effect_compares_on_the_same_paths(run):
    flows = run.daily["cash_flow"].values
    index = _hashprice(run)
    forward = hedging.hashprice_forward(index, float(index.mean()), 270.0, days=180)
    table = hedging.hedge_effect(flows, [forward], RATE)
    assert list(table.index) == ["unhedged", "hashprice forward"]
    assert_allclose(table.loc["unhedged", "mean_npv"], run.summary["npv"].mean(), rtol=1e-9)
    # Selling the fleet's whole hashprice forward takes out most of the spread.
    assert table.loc["hashprice forward", "std_npv"] < 0.2 * table.loc["unhedged", "std_npv"]
    assert table.loc["unhedged", "cost"] == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: hedging.hashprice_forward([[1.0] * 5], 1.0, 1.0, days=6), "start_day \\+ days"),
        (lambda: hedging.hashprice_forward([[1.0] * 5], -1.0, 1.0, days=2), "strike must be"),
        (lambda: hedging.hashprice_forward([[np.nan]], 1.0, 1.0, days=1), "hashprice must not"),
        (
            lambda: hedging.btc_puts([[1.0] * 60], [1.0], 1.0, volatility=0.5, rate=0.0),
            "btc_per_month must have one quantity per month",
        ),
        (
            lambda: hedging.btc_puts(
                [[1.0] * 60], [1.0, 1.0], 2.0, volatility=0.5, rate=0.0, call_strike=1.0
            ),
            "call_strike must be",
        ),
        (lambda: hedging.power_swap([[1.0] * 3], 1.0, [1.0, 2.0]), "mwh_per_day must be"),
        (lambda: hedging.treasury([[1.0]], [[1.0, 2.0]], 0.5), "must have one shape"),
        (lambda: hedging.treasury([[1.0]], [[1.0]], 1.5), "sell_share must be"),
        (lambda: hedging.hedge_effect([[1.0]], ["forward"], 0.1), "hedges must be a sequence"),
        (lambda: hedging.black_scholes(1.0, 1.0, 1.0, 0.2, 0.0, "straddle"), "kind must be"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_hedged_npv_is_drawn_by_npv_distribution(run):
    import matplotlib.pyplot as plt

    from minerecon import plot

    flows = run.daily["cash_flow"].values
    price = run.daily["price"].values
    puts = hedging.btc_puts(price, np.full(6, 10.0), 80_000.0, volatility=SIGMA, rate=RATE)
    npv = hedging.hedged_npv(flows, [puts], RATE)
    assert list(npv["option"].values) == ["unhedged", "BTC puts"]
    assert_allclose(npv.sel(option="unhedged"), run.summary["npv"], rtol=1e-9)
    ax = plot.npv_distribution(npv)
    assert [tick.get_text() for tick in ax.get_yticklabels()] == ["unhedged", "BTC puts"]
    plt.close("all")
    with pytest.raises(ValueError, match="hedges must have distinct names"):
        hedging.hedged_npv(flows, [puts, puts], RATE)


def test_hedge_fan_chart_draws_each_median(run):
    import matplotlib.pyplot as plt

    from minerecon import plot

    flows = run.daily["cash_flow"].values
    index = _hashprice(run)
    forward = hedging.hashprice_forward(index, float(index.mean()), 270.0, days=180)
    ax = plot.hedge_fan_chart(flows, [forward], run.scenario.dates)
    medians = [line for line in ax.get_lines() if "median" in line.get_label()]
    assert [line.get_label() for line in medians] == [
        "unhedged: median, 5-95 %",
        "hashprice forward: median, 5-95 %",
    ]
    # The medians are those of the cumulative cash over paths [million USD].
    assert_allclose(medians[0].get_ydata(), np.median(np.cumsum(flows, axis=1), axis=0) / 1e6)
    assert_allclose(
        medians[1].get_ydata(),
        np.median(np.cumsum(flows + forward.cash_flow, axis=1), axis=0) / 1e6,
    )
    plt.close("all")
    with pytest.raises(ValueError, match="dates must have one date per day"):
        plot.hedge_fan_chart(flows, [forward], run.scenario.dates[:10])
