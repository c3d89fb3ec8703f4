"""Hand-calculated values for every public function of minerecon.economics.

One reference case is used throughout so that each number can be checked
with a pocket calculator:

* difficulty ``D = 1e7 * 86400e12 / 2**32`` (about 201.17 T), chosen so that
  one TH/s earns exactly ``(subsidy + fees) * 1e-7`` BTC per day
  (``86400e12 * (s + f) / (D * 2**32) = (s + f) / 1e7``);
* subsidy 3.125 BTC and fees 0.125 BTC per block, so the reward is 3.25 BTC
  and one TH/s earns 3.25e-7 BTC per day before pool fee and uptime;
* BTC price 100,000 USD, so the hashprice is 0.0325 USD/TH/day;
* pool fee 2 %, uptime 90 %, so one TH/s is paid
  3.25e-7 * 0.98 * 0.9 = 2.8665e-7 BTC = 0.028665 USD per day;
* efficiency 20 J/TH, PUE 1.1, power price 0.05 USD/kWh: energy
  20 * 24 / 1000 * 1.1 * 0.9 = 0.4752 kWh and cost 0.02376 USD per TH/s per day;
* other opex 0.001 USD/TH/day.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

from minerecon import economics
from minerecon.network import NetworkState
from minerecon.units import hashprice_from_ph_day

# 1e7 * 86400e12 / 2**32: one TH/s earns (subsidy + fees) * 1e-7 BTC per day.
D = 1e7 * 86400e12 / 2**32
PRICE = 100_000.0
FEES = 0.125
SUBSIDY = 3.125
POOL_FEE = 0.02
UPTIME = 0.9
EFFICIENCY = 20.0
PUE = 1.1
POWER_PRICE = 0.05
OTHER_OPEX = 0.001

NETWORK = {"fees_per_block": FEES, "subsidy": SUBSIDY}
OPERATION = {"pool_fee": POOL_FEE, "pue": PUE, "uptime": UPTIME, "other_opex": OTHER_OPEX}

RTOL = 1e-12


def test_reference_difficulty_is_what_the_module_docstring_says():
    # 1e7 * 86400e12 / 2**32 = 201,165,676,116,943.38 (about 201.17 T)
    assert_allclose(D, 201_165_676_116_943.38, rtol=1e-15)


# --------------------------------------------------------------------------
# Revenue side
# --------------------------------------------------------------------------


def test_btc_mined_per_th_gross():
    # (3.125 + 0.125) * 1e-7 = 3.25e-7 BTC per TH/s per day, no pool fee, full uptime
    out = economics.btc_mined_per_th(D, fees_per_block=FEES, subsidy=SUBSIDY)
    assert_allclose(out, 3.25e-7, rtol=RTOL)


def test_btc_mined_per_th_net_of_pool_fee_and_uptime():
    # 3.25e-7 * (1 - 0.02) * 0.9 = 2.8665e-7 BTC per TH/s per day
    out = economics.btc_mined_per_th(
        D, fees_per_block=FEES, subsidy=SUBSIDY, pool_fee=POOL_FEE, uptime=UPTIME
    )
    assert_allclose(out, 2.8665e-7, rtol=RTOL)


def test_btc_mined_per_th_default_subsidy_is_3_125():
    # defaults: fees 0, subsidy 3.125 -> 3.125e-7 BTC per TH/s per day
    assert_allclose(economics.btc_mined_per_th(D), 3.125e-7, rtol=RTOL)


def test_revenue_per_th():
    # 100,000 USD * 2.8665e-7 BTC = 0.028665 USD per TH/s per day
    out = economics.revenue_per_th(
        PRICE, D, fees_per_block=FEES, subsidy=SUBSIDY, pool_fee=POOL_FEE, uptime=UPTIME
    )
    assert_allclose(out, 0.028665, rtol=RTOL)


def test_revenue_per_th_is_hashprice_without_pool_fee():
    # 100,000 * 3.25e-7 = 0.0325 USD/TH/day = 32.5 USD/PH/day
    out = economics.revenue_per_th(PRICE, D, fees_per_block=FEES, subsidy=SUBSIDY)
    assert_allclose(out, 0.0325, rtol=RTOL)


# --------------------------------------------------------------------------
# Margin
# --------------------------------------------------------------------------


def test_margin_per_th():
    # revenue 0.028665 - energy 0.02376 - other opex 0.001 = 0.003905 USD/TH/day
    out = economics.margin_per_th(PRICE, D, EFFICIENCY, POWER_PRICE, **NETWORK, **OPERATION)
    assert_allclose(out, 0.003905, rtol=1e-11)


def test_margin_per_th_negative_when_losing_money():
    # at 0.10 USD/kWh: 0.028665 - 0.4752 * 0.10 - 0.001 = -0.019855 USD/TH/day
    out = economics.margin_per_th(PRICE, D, EFFICIENCY, 0.10, **NETWORK, **OPERATION)
    assert_allclose(out, -0.019855, rtol=1e-11)


def test_margin_per_th_published_november_2025():
    # tests/reference/published_figures.json "mining_margin_per_th_derived":
    # hashprice 39.82 USD/PH/day (Nov 2025) - S21 XP 13.5 J/TH * 0.024 * 0.05 USD/kWh
    # = 0.03982 - 0.0162 = 0.02362 USD/TH/day
    difficulty = 152.27e12
    # the BTC price that makes the gross hashprice 0.03982 USD/TH/day at 152.27 T
    price = 0.03982 / (3.125 * 86400e12 / (difficulty * 2**32))
    assert_allclose(economics.margin_per_th(price, difficulty, 13.5, 0.05), 0.02362, rtol=1e-9)


# --------------------------------------------------------------------------
# Break-evens
# --------------------------------------------------------------------------


def test_breakeven_btc_price():
    # (energy 0.02376 + other opex 0.001) / 2.8665e-7 BTC = 0.02476 / 2.8665e-7
    # = 86,377.1149 USD/BTC
    out = economics.breakeven_btc_price(D, EFFICIENCY, POWER_PRICE, **NETWORK, **OPERATION)
    assert_allclose(out, 86_377.11494854353, rtol=1e-11)


def test_breakeven_btc_price_plain():
    # no pool fee, PUE 1, full uptime, fees 0: 20 * 0.024 * 0.05 = 0.024 USD/TH/day
    # over 3.125e-7 BTC/TH/day = 76,800 USD/BTC
    out = economics.breakeven_btc_price(D, EFFICIENCY, POWER_PRICE)
    assert_allclose(out, 76_800.0, rtol=RTOL)


def test_breakeven_power_price():
    # (revenue 0.028665 - other opex 0.001) / 0.4752 kWh = 0.027665 / 0.4752
    # = 0.0582175926 USD/kWh
    out = economics.breakeven_power_price(PRICE, D, EFFICIENCY, **NETWORK, **OPERATION)
    assert_allclose(out, 0.05821759259259259, rtol=1e-11)


def test_breakeven_power_price_published_s21_april_2024():
    # Hashrate Index Roundup 2024-04-01 (published_figures.json
    # "breakeven_power_price_per_asic_post_halving_2024"): at a hashprice of
    # 54.3 USD/PH/day the Antminer S21 (17.5 J/TH) breaks even at 0.13 USD/kWh.
    # Hand: 0.0543 / (17.5 * 0.024) = 0.129286 USD/kWh; the published figure is
    # rounded, tolerance 6 % as in the reference file.
    difficulty = 83.13e12
    price = 0.0543 / (3.125 * 86400e12 / (difficulty * 2**32))
    out = economics.breakeven_power_price(price, difficulty, 17.5)
    assert_allclose(out, 0.0543 / (17.5 * 0.024), rtol=1e-9)
    assert_allclose(out, 0.13, rtol=0.06)


def test_breakeven_difficulty():
    # revenue falls as 1/D: D* = D * R(D) / C = D * 0.028665 / 0.02476
    # = 201.1657e12 * 1.157714055 = 232,892,330,609,538.8
    out = economics.breakeven_difficulty(PRICE, EFFICIENCY, POWER_PRICE, **NETWORK, **OPERATION)
    assert_allclose(out, 232_892_330_609_538.84, rtol=1e-11)


def test_breakeven_difficulty_plain():
    # no fees, pool fee, opex: revenue at D is 0.03125 USD, cost 0.024 USD,
    # so D* = D * 0.03125 / 0.024 = D * 1.3020833
    out = economics.breakeven_difficulty(PRICE, EFFICIENCY, POWER_PRICE)
    assert_allclose(out, D * 0.03125 / 0.024, rtol=RTOL)


def test_shutdown_hashprice():
    # (20 * 0.024 * 1.1 * 0.05 + variable opex 0.001) / (1 - 0.02)
    # = (0.0264 + 0.001) / 0.98 = 0.0279591837 USD/TH/day, uptime does not enter
    out = economics.shutdown_hashprice(
        EFFICIENCY, POWER_PRICE, pue=PUE, pool_fee=POOL_FEE, variable_opex=0.001
    )
    assert_allclose(out, 0.02795918367346939, rtol=RTOL)


def test_shutdown_hashprice_s21xp():
    # 13.5 J/TH * 0.024 * 0.05 USD/kWh = 0.0162 USD/TH/day = 16.2 USD/PH/day
    assert_allclose(economics.shutdown_hashprice(13.5, 0.05), 0.0162, rtol=RTOL)


# --------------------------------------------------------------------------
# Cost per BTC
# --------------------------------------------------------------------------


def test_energy_cost_per_btc():
    # 20 * 0.024 * 1.1 * 0.05 = 0.0264 USD/TH/day over 3.25e-7 BTC/TH/day
    # = 81,230.769 USD/BTC (no pool fee, full uptime by definition)
    out = economics.energy_cost_per_btc(D, EFFICIENCY, POWER_PRICE, pue=PUE, **NETWORK)
    assert_allclose(out, 81_230.76923076923, rtol=RTOL)


def test_energy_cost_per_btc_hayes_worked_example():
    # Fantazzini et al. (2016) worked example of Hayes' model
    # (published_figures.json "hayes_cost_of_production_worked_example"):
    # difficulty 60,883,825,480, 0.135 USD/kWh, 750 J/TH, reward 12.5 BTC
    # -> 588.3616 USD/BTC. Hand: 0.135 * 750 * 60883825480 * 2**32 / 3.6e18 / 12.5
    out = economics.energy_cost_per_btc(60_883_825_480, 750, 0.135, subsidy=12.5)
    assert_allclose(out, 0.135 * 750 * 60_883_825_480 * 2**32 / 3.6e18 / 12.5, rtol=1e-12)
    assert_allclose(out, 588.3616, rtol=1e-5)


def test_cash_cost_per_btc():
    # (energy 0.02376 + other opex 0.001 + SG&A 0.002) / 2.8665e-7
    # = 0.02676 / 2.8665e-7 = 93,354.2648 USD/BTC
    out = economics.cash_cost_per_btc(
        D, EFFICIENCY, POWER_PRICE, **NETWORK, **OPERATION, sga=0.002
    )
    assert_allclose(out, 93_354.26478283621, rtol=1e-11)


def test_all_in_cost_per_btc():
    # cash cost numerator 0.02676 + depreciation 0.05 = 0.07676 USD/TH/day
    # over 2.8665e-7 BTC = 267,783.0106 USD/BTC
    out = economics.all_in_cost_per_btc(
        D, EFFICIENCY, POWER_PRICE, **NETWORK, **OPERATION, sga=0.002, depreciation=0.05
    )
    assert_allclose(out, 267_783.0106401535, rtol=1e-11)


def test_depreciation_per_th():
    # 36.5 USD/TH over 2 years of 365 days: 36.5 / 730 = 0.05 USD/TH/day
    assert_allclose(economics.depreciation_per_th(36.5, life_years=2), 0.05, rtol=RTOL)


def test_depreciation_per_th_with_residual_value():
    # (36.5 - 7.3) / 730 = 29.2 / 730 = 0.04 USD/TH/day
    out = economics.depreciation_per_th(36.5, life_years=2, residual_value=7.3)
    assert_allclose(out, 0.04, rtol=RTOL)


def test_depreciation_per_th_default_life_three_years():
    # 25.70 USD/TH / (3 * 365) = 0.0234703 USD/TH/day (S21 XP, Hashrate Index 2025-11-03)
    assert_allclose(economics.depreciation_per_th(25.70), 25.70 / 1095, rtol=RTOL)
    assert_allclose(economics.depreciation_per_th(25.70), 0.02347, rtol=1e-3)


def test_depreciation_residual_above_capex_rejected():
    with pytest.raises(ValueError, match="residual_value"):
        economics.depreciation_per_th(10.0, residual_value=11.0)


def test_profitability_threshold():
    # hashprice 100,000 * 3.25e-7 = 0.0325 USD/TH/day over
    # 0.024 * 1.1 * 0.05 = 0.00132 USD per J/TH per day -> 24.6212 J/TH
    out = economics.profitability_threshold(PRICE, D, POWER_PRICE, pue=PUE, **NETWORK)
    assert_allclose(out, 24.62121212121212, rtol=RTOL)


def test_payback_days():
    # 36.5 USD/TH / 0.0365 USD/TH/day = 1,000 days
    assert_allclose(economics.payback_days(36.5, 0.0365), 1000.0, rtol=RTOL)


def test_payback_days_of_reference_margin():
    # 36.5 USD/TH / 0.003905 USD/TH/day (the reference margin) = 9,346.991 days
    assert_allclose(economics.payback_days(36.5, 0.003905), 9_346.991037131882, rtol=RTOL)


def test_array_input_values():
    # the reference case at 0, 0.05 and 0.10 USD/kWh:
    # 0.028665 - 0.001 - 0.4752 * [0, 0.05, 0.10] = [0.027665, 0.003905, -0.019855]
    out = economics.margin_per_th(
        PRICE, D, EFFICIENCY, np.array([0.0, 0.05, 0.10]), **NETWORK, **OPERATION
    )
    assert_allclose(out, [0.027665, 0.003905, -0.019855], rtol=1e-11)


# --------------------------------------------------------------------------
# "No solution" is nan or inf, silently (no RuntimeWarning)
# --------------------------------------------------------------------------


def _no_warnings(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return func(*args, **kwargs)


def test_breakeven_power_price_nan_when_other_opex_exceeds_revenue():
    # revenue 0.028665 < other opex 0.05: no power price >= 0 breaks even
    out = _no_warnings(
        economics.breakeven_power_price,
        PRICE,
        D,
        EFFICIENCY,
        **NETWORK,
        **{**OPERATION, "other_opex": 0.05},
    )
    assert isinstance(out, float)
    assert np.isnan(out)


def test_breakeven_power_price_nan_only_where_no_solution():
    # other opex [0.001, 0.05]: first as in test_breakeven_power_price, second nan
    out = _no_warnings(
        economics.breakeven_power_price,
        PRICE,
        D,
        EFFICIENCY,
        **NETWORK,
        **{**OPERATION, "other_opex": np.array([0.001, 0.05])},
    )
    assert_allclose(out, [0.05821759259259259, np.nan], rtol=1e-11)


def test_breakeven_power_price_zero_when_opex_equals_revenue():
    # other opex equal to the revenue (0.028665 USD/TH/day, taken from the library
    # so that the difference is exactly 0): break-even at 0 USD/kWh, not nan
    revenue = economics.revenue_per_th(PRICE, D, **NETWORK, pool_fee=POOL_FEE, uptime=UPTIME)
    assert_allclose(revenue, 0.028665, rtol=RTOL)
    out = _no_warnings(
        economics.breakeven_power_price,
        PRICE,
        D,
        EFFICIENCY,
        **NETWORK,
        **{**OPERATION, "other_opex": revenue},
    )
    assert_allclose(out, 0.0, atol=1e-12)


def test_breakeven_power_price_when_the_energy_underflows_to_zero():
    # efficiency 5e-324 J/TH (the smallest float) * 24 / 1000 rounds to 0 kWh:
    # a ZeroDivisionError before. Documented: inf where revenue (0.028665, see
    # the module docstring) exceeds other opex, nan where it does not.
    tiny = 5e-324
    out = _no_warnings(economics.breakeven_power_price, PRICE, D, tiny, **NETWORK, **OPERATION)
    assert isinstance(out, float)
    assert out == np.inf
    no_margin = {**OPERATION, "other_opex": 0.05}
    out = _no_warnings(economics.breakeven_power_price, PRICE, D, tiny, **NETWORK, **no_margin)
    assert np.isnan(out)
    # no revenue (BTC price 0) and no opex: 0 / 0, nan
    out = _no_warnings(
        economics.breakeven_power_price, 0.0, D, tiny, **NETWORK, **{**OPERATION, "other_opex": 0}
    )
    assert np.isnan(out)


def test_breakeven_btc_price_inf_without_block_reward():
    # subsidy 0 and fees 0: a TH/s earns 0 BTC, cost 0.024 > 0 -> inf
    out = _no_warnings(
        economics.breakeven_btc_price, D, EFFICIENCY, POWER_PRICE, subsidy=0.0, fees_per_block=0.0
    )
    assert isinstance(out, float)
    assert out == np.inf


def test_breakeven_difficulty_inf_without_cost():
    # power price 0 and other opex 0: cost 0, revenue > 0 -> profitable at any D
    out = _no_warnings(economics.breakeven_difficulty, PRICE, EFFICIENCY, 0.0)
    assert isinstance(out, float)
    assert out == np.inf


def test_payback_days_inf_when_margin_not_positive():
    # margin 0 and negative margins never pay back
    out = _no_warnings(economics.payback_days, 36.5, np.array([0.0365, 0.0, -0.01]))
    assert_allclose(out, [1000.0, np.inf, np.inf], rtol=RTOL)
    assert _no_warnings(economics.payback_days, 36.5, 0.0) == np.inf
    assert _no_warnings(economics.payback_days, 36.5, -0.01) == np.inf


def test_payback_days_inf_for_tiny_negative_margin():
    # a negative margin never pays back, however small: 100 / -1e-307 overflows
    # to -inf before the mask turns it into inf; that must not warn either
    assert _no_warnings(economics.payback_days, 100.0, -1e-307) == np.inf


def test_payback_days_inf_for_zero_capex_and_zero_margin():
    # 0 / 0 would be nan; a margin of 0 never pays back, so inf
    assert _no_warnings(economics.payback_days, 0.0, 0.0) == np.inf


def test_profitability_threshold_inf_at_zero_power_price():
    # free electricity: every machine covers its (zero) energy cost
    out = _no_warnings(economics.profitability_threshold, PRICE, D, 0.0)
    assert isinstance(out, float)
    assert out == np.inf


def test_energy_cost_per_btc_inf_without_block_reward():
    # 0.024 USD/TH/day over 0 BTC -> inf
    out = _no_warnings(
        economics.energy_cost_per_btc, D, EFFICIENCY, POWER_PRICE, subsidy=0.0, fees_per_block=0.0
    )
    assert out == np.inf


def test_hashprice_helper_consistent_with_revenue():
    # 32.5 USD/PH/day is 0.0325 USD/TH/day (the reference gross hashprice)
    assert_allclose(
        economics.revenue_per_th(PRICE, D, fees_per_block=FEES),
        hashprice_from_ph_day(32.5),
        rtol=RTOL,
    )


# --------------------------------------------------------------------------
# network=NetworkState
# --------------------------------------------------------------------------

NETWORK_FUNCTIONS = [
    (economics.btc_mined_per_th, {}),
    (economics.revenue_per_th, {"pool_fee": 0.02}),
    (economics.margin_per_th, {"efficiency": 13.5, "power_price": 0.05}),
    (economics.breakeven_btc_price, {"efficiency": 13.5, "power_price": 0.05}),
    (economics.breakeven_power_price, {"efficiency": 13.5}),
    (economics.breakeven_difficulty, {"efficiency": 13.5, "power_price": 0.05}),
    (economics.energy_cost_per_btc, {"efficiency": 13.5, "power_price": 0.05}),
    (economics.cash_cost_per_btc, {"efficiency": 13.5, "power_price": 0.05}),
    (economics.all_in_cost_per_btc, {"efficiency": 13.5, "power_price": 0.05}),
    (economics.profitability_threshold, {"power_price": 0.05}),
]


def _explicit(func, state):
    names = [n for n in economics.NETWORK_INPUTS if n in inspect.signature(func).parameters]
    return {name: getattr(state, name) for name in names}


@pytest.mark.parametrize(
    "func, kwargs", NETWORK_FUNCTIONS, ids=lambda f: getattr(f, "__name__", "")
)
def test_network_state_supplies_price_difficulty_fees_and_subsidy(func, kwargs):
    # the 2025-11-20 network (difficulty 152.27 T, 3.125 BTC subsidy): the
    # state's values, given explicitly, give the same number
    state = NetworkState.from_history("2025-11-20")
    assert func(**kwargs, network=state) == func(**kwargs, **_explicit(func, state))


def test_explicit_arguments_override_the_network_state():
    state = NetworkState.from_history("2025-11-20")
    at_100k = economics.margin_per_th(
        efficiency=13.5, power_price=0.05, btc_price=100_000, network=state
    )
    assert at_100k == economics.margin_per_th(
        100_000,
        state.difficulty,
        13.5,
        0.05,
        fees_per_block=state.fees_per_block,
        subsidy=state.subsidy,
    )


def test_network_state_after_the_2028_halving_halves_the_subsidy():
    # height 1,050,000 starts the fifth era: 1.5625 BTC (protocol rule)
    state = NetworkState.from_history("2025-11-20").replace(height=1_050_000)
    mined = economics.btc_mined_per_th(network=state)
    assert mined == economics.btc_mined_per_th(
        state.difficulty, fees_per_block=state.fees_per_block, subsidy=1.5625
    )


@pytest.mark.parametrize(
    "call, error, match",
    [
        (
            lambda s: economics.margin_per_th(s, 1e14, 13.5, 0.05),
            ValueError,
            "btc_price must be a number, got a NetworkState: pass the state as network=",
        ),
        (
            lambda s: economics.margin_per_th(efficiency=13.5, power_price=0.05),
            TypeError,
            r"needs btc_price, difficulty \(or network=NetworkState\)",
        ),
        (
            lambda s: economics.margin_per_th(power_price=0.05, network=s),
            TypeError,
            "needs efficiency",
        ),
        (
            lambda s: economics.margin_per_th(efficiency=13.5, power_price=0.05, network="x"),
            ValueError,
            "network must be a NetworkState",
        ),
    ],
)
def test_network_argument_errors_name_what_is_missing(call, error, match):
    with pytest.raises(error, match=match):
        call(NetworkState.from_history("2025-11-20"))
