"""Economic laws of minerecon.economics, as hypothesis property tests.

The strategies span the inputs an analyst sweeps: BTC price 1e3..1e6 USD,
difficulty 1e12..1e15, efficiency 5..120 J/TH, power price 0..0.3 USD/kWh,
fees 0..2 BTC per block, pool fee 0..5 %, PUE 1..1.5, uptime 50..100 %,
other opex 0..0.02 USD/TH/day. Subnormal floats are excluded: they are not
prices, and they lose the relative precision the tolerances assume.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from minerecon import economics
from minerecon.hardware import Fleet, Miner
from minerecon.network import NetworkState


def _floats(low, high):
    return st.floats(low, high, allow_nan=False, allow_subnormal=False)


btc_prices = _floats(1e3, 1e6)
difficulties = _floats(1e12, 1e15)
efficiencies = _floats(5.0, 120.0)
power_prices = _floats(0.0, 0.3)
fees = _floats(0.0, 2.0)
pool_fees = _floats(0.0, 0.05)
pues = _floats(1.0, 1.5)
uptimes = _floats(0.5, 1.0)
other_opexes = _floats(0.0, 0.02)

FAST = settings(max_examples=200, deadline=None)

# Zero margin is checked to within this share of the revenue (or cost) scale.
REL = 1e-9


def _revenue(btc_price, difficulty, fees_per_block, pool_fee, uptime):
    return economics.revenue_per_th(
        btc_price, difficulty, fees_per_block=fees_per_block, pool_fee=pool_fee, uptime=uptime
    )


# --------------------------------------------------------------------------
# Break-evens are roots of the margin
# --------------------------------------------------------------------------


@FAST
@given(
    difficulty=difficulties,
    efficiency=efficiencies,
    power_price=power_prices,
    fees_per_block=fees,
    pool_fee=pool_fees,
    pue=pues,
    uptime=uptimes,
    other_opex=other_opexes,
)
def test_margin_is_zero_at_breakeven_btc_price(
    difficulty, efficiency, power_price, fees_per_block, pool_fee, pue, uptime, other_opex
):
    kwargs = {
        "fees_per_block": fees_per_block,
        "pool_fee": pool_fee,
        "pue": pue,
        "uptime": uptime,
        "other_opex": other_opex,
    }
    price = economics.breakeven_btc_price(difficulty, efficiency, power_price, **kwargs)
    assert np.isfinite(price) and price >= 0  # the block reward is > 0 here
    margin = economics.margin_per_th(price, difficulty, efficiency, power_price, **kwargs)
    # at the root, revenue equals cost; compare with that scale
    cost = efficiency * 0.024 * pue * uptime * power_price + other_opex
    assert_allclose(margin, 0.0, atol=REL * cost + 1e-300)


@FAST
@given(
    btc_price=btc_prices,
    difficulty=difficulties,
    efficiency=efficiencies,
    fees_per_block=fees,
    pool_fee=pool_fees,
    pue=pues,
    uptime=uptimes,
    other_opex=other_opexes,
)
def test_margin_is_zero_at_breakeven_power_price(
    btc_price, difficulty, efficiency, fees_per_block, pool_fee, pue, uptime, other_opex
):
    kwargs = {
        "fees_per_block": fees_per_block,
        "pool_fee": pool_fee,
        "pue": pue,
        "uptime": uptime,
        "other_opex": other_opex,
    }
    price = economics.breakeven_power_price(btc_price, difficulty, efficiency, **kwargs)
    revenue = _revenue(btc_price, difficulty, fees_per_block, pool_fee, uptime)
    if np.isnan(price):
        # nan exactly when other opex alone exceeds the revenue
        assert other_opex > revenue
        return
    assert price >= 0
    assert other_opex <= revenue * (1 + 1e-12)
    margin = economics.margin_per_th(btc_price, difficulty, efficiency, price, **kwargs)
    assert_allclose(margin, 0.0, atol=REL * revenue)


@FAST
@given(
    btc_price=btc_prices,
    efficiency=efficiencies,
    power_price=power_prices,
    fees_per_block=fees,
    pool_fee=pool_fees,
    pue=pues,
    uptime=uptimes,
    other_opex=other_opexes,
)
def test_margin_is_zero_at_breakeven_difficulty(
    btc_price, efficiency, power_price, fees_per_block, pool_fee, pue, uptime, other_opex
):
    kwargs = {
        "fees_per_block": fees_per_block,
        "pool_fee": pool_fee,
        "pue": pue,
        "uptime": uptime,
        "other_opex": other_opex,
    }
    difficulty = economics.breakeven_difficulty(btc_price, efficiency, power_price, **kwargs)
    cost = efficiency * 0.024 * pue * uptime * power_price + other_opex
    if cost == 0:
        # no cost: profitable at every difficulty
        assert difficulty == np.inf
        return
    assume(np.isfinite(difficulty))  # cost so small that D* overflows
    assert difficulty > 0
    margin = economics.margin_per_th(btc_price, difficulty, efficiency, power_price, **kwargs)
    assert_allclose(margin, 0.0, atol=REL * cost)


@FAST
@given(
    btc_price=btc_prices,
    difficulty=difficulties,
    power_price=_floats(1e-4, 0.3),
    fees_per_block=fees,
    pue=pues,
)
def test_profitability_threshold_is_the_zero_margin_efficiency(
    btc_price, difficulty, power_price, fees_per_block, pue
):
    # law: margin_per_th(P, D, eps*, p, pue) == 0 with pool_fee=0, uptime=1, other_opex=0
    threshold = economics.profitability_threshold(
        btc_price, difficulty, power_price, fees_per_block=fees_per_block, pue=pue
    )
    margin = economics.margin_per_th(
        btc_price, difficulty, threshold, power_price, fees_per_block=fees_per_block, pue=pue
    )
    revenue = _revenue(btc_price, difficulty, fees_per_block, 0.0, 1.0)
    assert_allclose(margin, 0.0, atol=REL * revenue)
    # and a machine 1 % more efficient makes money, 1 % less loses it
    better = economics.margin_per_th(
        btc_price,
        difficulty,
        threshold * 0.99,
        power_price,
        fees_per_block=fees_per_block,
        pue=pue,
    )
    worse = economics.margin_per_th(
        btc_price,
        difficulty,
        threshold * 1.01,
        power_price,
        fees_per_block=fees_per_block,
        pue=pue,
    )
    assert better > 0 > worse


# --------------------------------------------------------------------------
# Monotonicity (IEEE rounding is monotone, so these hold exactly)
# --------------------------------------------------------------------------


@st.composite
def _operations(draw):
    return {
        "btc_price": draw(btc_prices),
        "difficulty": draw(difficulties),
        "efficiency": draw(efficiencies),
        "power_price": draw(power_prices),
        "fees_per_block": draw(fees),
        "pool_fee": draw(pool_fees),
        "pue": draw(pues),
        "uptime": draw(uptimes),
        "other_opex": draw(other_opexes),
    }


def _margin(case):
    case = dict(case)
    return economics.margin_per_th(
        case.pop("btc_price"),
        case.pop("difficulty"),
        case.pop("efficiency"),
        case.pop("power_price"),
        **case,
    )


_STRATEGY = {
    "power_price": power_prices,
    "difficulty": difficulties,
    "pue": pues,
    "pool_fee": pool_fees,
    "efficiency": efficiencies,
    "other_opex": other_opexes,
    "btc_price": btc_prices,
}


def _check_monotone(case, name, a, b, increasing):
    low, high = sorted((a, b))
    m_low = _margin({**case, name: low})
    m_high = _margin({**case, name: high})
    if increasing:
        assert m_high >= m_low
    else:
        assert m_high <= m_low


@FAST
@given(case=_operations(), a=power_prices, b=power_prices)
def test_margin_non_increasing_in_power_price(case, a, b):
    _check_monotone(case, "power_price", a, b, increasing=False)


@FAST
@given(case=_operations(), a=difficulties, b=difficulties)
def test_margin_non_increasing_in_difficulty(case, a, b):
    _check_monotone(case, "difficulty", a, b, increasing=False)


@FAST
@given(case=_operations(), a=pues, b=pues)
def test_margin_non_increasing_in_pue(case, a, b):
    _check_monotone(case, "pue", a, b, increasing=False)


@FAST
@given(case=_operations(), a=pool_fees, b=pool_fees)
def test_margin_non_increasing_in_pool_fee(case, a, b):
    _check_monotone(case, "pool_fee", a, b, increasing=False)


@FAST
@given(case=_operations(), a=btc_prices, b=btc_prices)
def test_margin_non_decreasing_in_btc_price(case, a, b):
    _check_monotone(case, "btc_price", a, b, increasing=True)


@FAST
@given(case=_operations(), a=power_prices, b=power_prices)
def test_margin_strictly_falls_with_power_price(case, a, b):
    # energy cost grows by efficiency * 0.024 * pue * uptime > 0 per USD/kWh
    assume(abs(a - b) > 1e-6)
    low, high = sorted((a, b))
    assert _margin({**case, "power_price": high}) < _margin({**case, "power_price": low})


# --------------------------------------------------------------------------
# Revenue is linear in hashrate
# --------------------------------------------------------------------------

NETWORK = NetworkState(
    date="2025-11-20", height=925_000, difficulty=152.27e12, btc_price=87_000, fees_per_block=0.03
)


@st.composite
def _miners(draw):
    hashrate = draw(_floats(10.0, 1000.0))
    efficiency = draw(efficiencies)
    return Miner("m", hashrate=hashrate, power=hashrate * efficiency)


@FAST
@given(
    miner=_miners(),
    count=st.integers(1, 100_000),
    btc_price=btc_prices,
    pool_fee=pool_fees,
    uptime=uptimes,
)
def test_fleet_revenue_scales_with_count(miner, count, btc_price, pool_fee, uptime):
    # at power price 0 and other opex 0 the daily margin is the daily revenue
    kwargs = {"btc_price": btc_price, "pool_fee": pool_fee, "uptime": uptime}
    one = miner.daily_margin(0.0, NETWORK, **kwargs)
    fleet = Fleet(((miner, count),)).daily_margin(0.0, NETWORK, **kwargs)
    assert one > 0
    assert_allclose(fleet, count * one, rtol=1e-12)


@FAST
@given(
    miners=st.lists(_miners(), min_size=2, max_size=2),
    counts_a=st.lists(st.integers(1, 10_000), min_size=2, max_size=2),
    counts_b=st.lists(st.integers(1, 10_000), min_size=2, max_size=2),
    btc_price=btc_prices,
    pool_fee=pool_fees,
)
def test_revenue_is_additive_in_hashrate(miners, counts_a, counts_b, btc_price, pool_fee):
    # revenue(H_a + H_b) = revenue(H_a) + revenue(H_b) = revenue_per_th * (H_a + H_b),
    # whatever the machines' efficiencies
    kwargs = {"btc_price": btc_price, "pool_fee": pool_fee}
    fleet_a = Fleet(tuple(zip(miners, counts_a, strict=True)))
    fleet_b = Fleet(tuple(zip(miners, counts_b, strict=True)))
    both = Fleet(
        tuple(zip(miners, [a + b for a, b in zip(counts_a, counts_b, strict=True)], strict=True))
    )
    per_th = economics.revenue_per_th(
        btc_price,
        NETWORK.difficulty,
        fees_per_block=NETWORK.fees_per_block,
        subsidy=NETWORK.subsidy,
        pool_fee=pool_fee,
    )
    revenue_a = fleet_a.daily_margin(0.0, NETWORK, **kwargs)
    revenue_b = fleet_b.daily_margin(0.0, NETWORK, **kwargs)
    revenue_both = both.daily_margin(0.0, NETWORK, **kwargs)
    assert_allclose(revenue_both, revenue_a + revenue_b, rtol=1e-12)
    assert_allclose(revenue_both, per_th * (fleet_a.hashrate + fleet_b.hashrate), rtol=1e-12)


# --------------------------------------------------------------------------
# Costs per BTC
# --------------------------------------------------------------------------


@FAST
@given(case=_operations())
def test_cash_cost_without_sga_is_breakeven_btc_price(case):
    case = {k: v for k, v in case.items() if k != "btc_price"}
    assert_allclose(
        economics.cash_cost_per_btc(**case, sga=0.0),
        economics.breakeven_btc_price(**case),
        rtol=1e-12,
    )


@FAST
@given(case=_operations(), sga=other_opexes, depreciation=_floats(0.0, 0.1))
def test_cost_per_btc_ordering(case, sga, depreciation):
    # law: all_in >= cash >= energy_cost_per_btc / (1 - pool_fee), where
    #   cash = energy_cost_per_btc / (1 - pool_fee) + (other_opex + sga) / btc_mined_per_th.
    # Energy scales with uptime exactly as the BTC mined does, so uptime cancels
    # in the energy term; the pool fee does not (it takes BTC, not energy).
    case = {k: v for k, v in case.items() if k != "btc_price"}
    network = {"fees_per_block": case["fees_per_block"]}
    energy_only = economics.energy_cost_per_btc(
        case["difficulty"], case["efficiency"], case["power_price"], pue=case["pue"], **network
    )
    cash = economics.cash_cost_per_btc(**case, sga=sga)
    all_in = economics.all_in_cost_per_btc(**case, sga=sga, depreciation=depreciation)
    mined = economics.btc_mined_per_th(
        case["difficulty"], pool_fee=case["pool_fee"], uptime=case["uptime"], **network
    )
    assert all_in >= cash
    assert cash >= energy_only / (1 - case["pool_fee"]) * (1 - 1e-12)
    assert_allclose(
        cash,
        energy_only / (1 - case["pool_fee"]) + (case["other_opex"] + sga) / mined,
        rtol=1e-11,
    )
    assert_allclose(all_in, cash + depreciation / mined, rtol=1e-11)


@FAST
@given(case=_operations())
def test_cash_cost_equals_energy_cost_without_other_costs(case):
    # other_opex = sga = 0: cash cost = energy_cost_per_btc / (1 - pool_fee), any uptime
    case = {k: v for k, v in case.items() if k != "btc_price"} | {"other_opex": 0.0}
    energy_only = economics.energy_cost_per_btc(
        case["difficulty"],
        case["efficiency"],
        case["power_price"],
        pue=case["pue"],
        fees_per_block=case["fees_per_block"],
    )
    assert_allclose(
        economics.cash_cost_per_btc(**case),
        energy_only / (1 - case["pool_fee"]),
        rtol=1e-12,
    )


@FAST
@given(
    capex=_floats(0.0, 100.0),
    margin=st.one_of(_floats(-1.0, 0.0), _floats(1e-6, 1.0)),
)
def test_payback_days_times_margin_is_capex(capex, margin):
    days = economics.payback_days(capex, margin)
    if margin <= 0:
        assert days == np.inf
    else:
        assert_allclose(days * margin, capex, rtol=1e-12)
