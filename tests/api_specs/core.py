"""Fuzz specs: the element-wise core (network, economics, energy, units, the
site helpers and machines of hardware) and the cash-flow and risk reductions.

Valid domains: a 2015-2040 network (difficulty 1e12-1e15, BTC 1e3-1e6 USD),
machines of 5-120 J/TH, power at 0-0.3 USD/kWh; protocol heights up to the
last halving (13,440,000). Where the docs promise nan or inf (no solution:
a break-even power price when revenue is below other costs, a payback that
never comes) the check allows it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import xarray as xr
from hypothesis import strategies as st

from minerecon import hardware, network, pools, power

from . import (
    Call,
    Spec,
    assert_finite,
    fixed_call,
    instance_of,
    kind_of,
    numbers,
    numeric_call,
    same_kind,
)

PRICE = numbers(1e3, 1e6, log=True)
DIFFICULTY = numbers(1e12, 1e15, log=True)
EFFICIENCY = numbers(5, 120)
POWER_PRICE = numbers(0, 0.3)
FEES = numbers(0, 2)
SUBSIDY = st.sampled_from([50.0, 6.25, 3.125, 1.5625, 0.78125])
POOL_FEE = numbers(0, 0.05)
PUE = numbers(1, 1.5)
UPTIME = numbers(0.5, 1)
OPEX = numbers(0, 0.02)
HEIGHT = numbers(0, 13_440_000, integer=True)

REWARD = {"fees_per_block": FEES, "subsidy": SUBSIDY}
COSTS = {"pool_fee": POOL_FEE, "pue": PUE, "uptime": UPTIME, "other_opex": OPEX}


def _numeric(name, ranges, *, invalid=None, **check):
    """Spec of an element-wise function: valid draws in every kind, and for
    each argument in ``invalid`` the given out-of-range values."""
    invalid_cases = None
    if invalid:
        # one out-of-range value per argument, drawn from its list
        invalid_cases = st.tuples(numeric_call(ranges), st.sampled_from(sorted(invalid))).flatmap(
            lambda pair: st.sampled_from(invalid[pair[1]]).map(
                lambda bad, pair=pair: (pair[0].replace(pair[1], bad), pair[1])
            )
        )
    return Spec(name, numeric_call(ranges), same_kind(**check), invalid=invalid_cases)


NEGATIVE = [-1.0, -1e-9, float("nan"), "1", True]
NONPOSITIVE = [0.0, *NEGATIVE]
FRACTION = [-0.1, 1.5, float("nan"), True]

NETWORK = [
    _numeric(
        "network.block_subsidy_sat",
        {"height": HEIGHT},
        integer=True,
        invalid={"height": [-1, 1.5, float("nan"), "840000"]},
    ),
    _numeric(
        "network.block_subsidy", {"height": HEIGHT}, invalid={"height": [-1, 2.5, float("inf")]}
    ),
    _numeric(
        "network.halving_height",
        {"halving": numbers(0, 64, integer=True)},
        integer=True,
        invalid={"halving": [-1, 0.5, float("inf"), 10**30]},
    ),
    _numeric(
        "network.next_halving_height",
        {"height": HEIGHT},
        integer=True,
        invalid={"height": [-1, 0.5, float("nan")]},
    ),
    _numeric("network.issued_supply", {"height": HEIGHT}, invalid={"height": [-5, 1.5]}),
    _numeric(
        "network.hashrate_from_difficulty",
        {"difficulty": DIFFICULTY, "block_interval": numbers(60, 3600)},
        invalid={"difficulty": NONPOSITIVE, "block_interval": NONPOSITIVE},
    ),
    _numeric(
        "network.difficulty_from_hashrate",
        {"hashrate": numbers(1e6, 1e10, log=True), "block_interval": numbers(60, 3600)},
        invalid={"hashrate": NEGATIVE, "block_interval": NONPOSITIVE},
    ),
    _numeric(
        "network.next_difficulty",
        {
            "difficulty": DIFFICULTY,
            "actual_timespan": numbers(1e3, 1e8, log=True),
            "target_timespan": numbers(1e5, 2e6),
        },
        invalid={
            "difficulty": NONPOSITIVE,
            "actual_timespan": NONPOSITIVE,
            "target_timespan": NONPOSITIVE,
        },
    ),
    _numeric(
        "network.btc_per_th_day",
        {"difficulty": DIFFICULTY, **REWARD},
        invalid={"difficulty": NONPOSITIVE, "fees_per_block": NEGATIVE, "subsidy": NEGATIVE},
    ),
    _numeric(
        "network.hashprice",
        {"btc_price": PRICE, "difficulty": DIFFICULTY, **REWARD},
        invalid={"btc_price": NEGATIVE, "difficulty": NONPOSITIVE},
    ),
    _numeric(
        "network.fee_share", REWARD, invalid={"fees_per_block": NEGATIVE, "subsidy": NEGATIVE}
    ),
    _numeric(
        "network.fees_from_share",
        {"share": numbers(0, 0.99), "subsidy": SUBSIDY},
        invalid={"share": [-0.1, 1.0, 2.0, float("nan")], "subsidy": NEGATIVE},
    ),
]


def _check_dates(call: Call, result) -> None:
    height = call.kwargs["height"]
    if np.ndim(height):
        assert isinstance(result, pd.DatetimeIndex) and len(result) == np.size(height)
        assert result.is_monotonic_increasing or not np.all(np.diff(height) >= 0)
    else:
        assert isinstance(result, pd.Timestamp) and not pd.isna(result)


def _compact_bits(draw_exponent, draw_mantissa):
    return draw_exponent * 2**24 + draw_mantissa


BITS = st.builds(_compact_bits, st.integers(4, 0x1D), st.integers(0x008000, 0x7FFFFF))


def _check_target(call: Call, result) -> None:
    assert isinstance(result, int) and 0 < result < 2**256


def _check_difficulty(call: Call, result) -> None:
    assert isinstance(result, float) and np.isfinite(result) and result > 0


NETWORK += [
    Spec(
        "network.estimate_height_date",
        st.builds(
            lambda h, many, ref, day, interval: Call(
                {
                    "height": np.array([h, h + 2016]) if many else h,
                    "reference_height": ref,
                    "reference_date": day,
                    "block_interval": interval,
                }
            ),
            numbers(0, 6_000_000, integer=True),
            st.booleans(),
            numbers(0, 1_050_000, integer=True),
            st.sampled_from(["2024-04-20", pd.Timestamp("2025-11-20"), "2009-01-03"]),
            numbers(300, 900),
        ),
        _check_dates,
        invalid=st.sampled_from(
            [
                (
                    Call({"height": -1, "reference_height": 0, "reference_date": "2024-01-01"}),
                    "height",
                ),
                (
                    Call({"height": 1, "reference_height": 0, "reference_date": "not a day"}),
                    "reference_date",
                ),
                (
                    Call(
                        {
                            "height": 1,
                            "reference_height": 0,
                            "reference_date": "2024-01-01",
                            "block_interval": 0,
                        }
                    ),
                    "block_interval",
                ),
            ]
        ),
    ),
    Spec(
        "network.bits_to_target",
        BITS.map(lambda b: Call({"bits": b})),
        _check_target,
        invalid=st.sampled_from(
            [
                (Call({"bits": -1}), "bits"),
                (Call({"bits": "zz"}), "bits"),
                (Call({"bits": 0x1D800000}), "bits"),
                (Call({"bits": 2**32}), "bits"),
            ]
        ),
    ),
    Spec(
        "network.bits_to_difficulty",
        BITS.map(lambda b: Call({"bits": b})),
        _check_difficulty,
        invalid=st.sampled_from([(Call({"bits": 1.5}), "bits"), (Call({"bits": None}), "bits")]),
    ),
    Spec(
        "network.target_to_difficulty",
        st.integers(1, network.MAX_TARGET).map(lambda t: Call({"target": t})),
        _check_difficulty,
        invalid=st.sampled_from([(Call({"target": 0}), "target")]),
    ),
]


def _check_state(call: Call, result) -> None:
    assert isinstance(result, network.NetworkState)
    for value in (
        result.hashprice,
        result.btc_per_th_day,
        result.network_hashrate,
        result.fee_share,
    ):
        assert np.isfinite(value) and value >= 0
    assert result.subsidy == network.block_subsidy(result.height)


STATE = st.builds(
    lambda day, height, difficulty, price, fees: Call(
        {
            "date": day,
            "height": height,
            "difficulty": difficulty,
            "btc_price": price,
            "fees_per_block": fees,
        }
    ),
    st.sampled_from(["2024-04-20", pd.Timestamp("2025-11-20")]),
    HEIGHT,
    DIFFICULTY,
    PRICE,
    FEES,
)

NETWORK += [
    Spec(
        "network.NetworkState",
        STATE,
        _check_state,
        invalid=st.sampled_from(
            [
                (
                    Call(
                        {
                            "date": "2025-01-01",
                            "height": -1,
                            "difficulty": 1e14,
                            "btc_price": 9e4,
                            "fees_per_block": 0.1,
                        }
                    ),
                    "height",
                ),
                (
                    Call(
                        {
                            "date": "2025-01-01",
                            "height": 1,
                            "difficulty": 0,
                            "btc_price": 9e4,
                            "fees_per_block": 0.1,
                        }
                    ),
                    "difficulty",
                ),
                (
                    Call(
                        {
                            "date": "2025-01-01",
                            "height": 1,
                            "difficulty": 1e14,
                            "btc_price": float("nan"),
                            "fees_per_block": 0.1,
                        }
                    ),
                    "btc_price",
                ),
                (
                    Call(
                        {
                            "date": "2025-01-01",
                            "height": 1,
                            "difficulty": 1e14,
                            "btc_price": 9e4,
                            "fees_per_block": -1,
                        }
                    ),
                    "fees_per_block",
                ),
                (
                    Call(
                        {
                            "date": "someday",
                            "height": 1,
                            "difficulty": 1e14,
                            "btc_price": 9e4,
                            "fees_per_block": 0.1,
                        }
                    ),
                    "date",
                ),
            ]
        ),
    ),
    Spec(
        "network.NetworkState.from_history",
        st.dates(pd.Timestamp("2014-01-01").date(), pd.Timestamp("2026-08-16").date()).map(
            lambda d: Call({"date": str(d)}, (network.NetworkState,))
        ),
        _check_state,
        invalid=st.sampled_from(
            [
                (Call({"date": "2031-01-01"}, (network.NetworkState,)), "date"),
                (Call({"date": ""}, (network.NetworkState,)), "date"),
                (Call({"date": -1}, (network.NetworkState,)), "date"),
            ]
        ),
    ),
    Spec(
        "network.NetworkState.replace",
        st.builds(
            lambda price, difficulty: Call(
                {"btc_price": price, "difficulty": difficulty},
                (network.NetworkState.from_history("2025-11-20"),),
            ),
            PRICE,
            DIFFICULTY,
        ),
        _check_state,
        invalid=st.sampled_from(
            [
                (
                    Call({"btc_price": -1.0}, (network.NetworkState.from_history("2025-11-20"),)),
                    "btc_price",
                ),
                (
                    Call({"date": "x"}, (network.NetworkState.from_history("2025-11-20"),)),
                    "date",
                ),
                (
                    Call({"hashprice": 1.0}, (network.NetworkState.from_history("2025-11-20"),)),
                    "hashprice",
                ),
            ]
        ),
    ),
]

NOW = network.NetworkState.from_history("2025-11-20")


def _check_projection(call: Call, result) -> None:
    _check_state(call, result)
    assert result.height >= NOW.height and result.date >= NOW.date


NETWORK.append(
    Spec(
        "network.NetworkState.project",
        st.builds(
            lambda day, growth, price: Call(
                {"date": str(day), "difficulty_growth": growth, "btc_price": price}, (NOW,)
            ),
            st.dates(NOW.date.date(), pd.Timestamp("2040-01-01").date()),
            numbers(-0.5, 1.0),
            st.one_of(st.none(), PRICE),
        ),
        _check_projection,
        invalid=st.sampled_from(
            [
                (Call({"date": "2020-01-01"}, (NOW,)), "date"),
                (
                    Call({"date": "2030-01-01", "difficulty_growth": -2.0}, (NOW,)),
                    "difficulty_growth",
                ),
                (Call({"date": "2030-01-01", "fees_per_block": -1.0}, (NOW,)), "fees_per_block"),
            ]
        ),
    )
)


ECONOMICS = [
    _numeric(
        "economics.btc_mined_per_th",
        {"difficulty": DIFFICULTY, **REWARD, "pool_fee": POOL_FEE, "uptime": UPTIME},
        invalid={"pool_fee": FRACTION, "uptime": [0.0, -0.5, 1.5]},
    ),
    _numeric(
        "economics.revenue_per_th",
        {
            "btc_price": PRICE,
            "difficulty": DIFFICULTY,
            **REWARD,
            "pool_fee": POOL_FEE,
            "uptime": UPTIME,
        },
        invalid={"btc_price": NEGATIVE, "difficulty": NONPOSITIVE},
    ),
    _numeric(
        "economics.margin_per_th",
        {
            "btc_price": PRICE,
            "difficulty": DIFFICULTY,
            "efficiency": EFFICIENCY,
            "power_price": POWER_PRICE,
            **REWARD,
            **COSTS,
        },
        invalid={
            "efficiency": NONPOSITIVE,
            "power_price": NEGATIVE,
            "pue": [0.9, -1.0],
            "other_opex": NEGATIVE,
        },
    ),
    _numeric(
        "economics.breakeven_btc_price",
        {
            "difficulty": DIFFICULTY,
            "efficiency": EFFICIENCY,
            "power_price": POWER_PRICE,
            **REWARD,
            **COSTS,
        },
        invalid={"difficulty": NONPOSITIVE, "efficiency": NONPOSITIVE},
    ),
    # no power price breaks even where revenue does not cover other costs: nan
    _numeric(
        "economics.breakeven_power_price",
        {
            "btc_price": PRICE,
            "difficulty": DIFFICULTY,
            "efficiency": EFFICIENCY,
            **REWARD,
            **COSTS,
        },
        allow_nan=True,
        invalid={"btc_price": NEGATIVE, "efficiency": NONPOSITIVE},
    ),
    # free power breaks even at any difficulty: inf
    _numeric(
        "economics.breakeven_difficulty",
        {
            "btc_price": PRICE,
            "efficiency": EFFICIENCY,
            "power_price": POWER_PRICE,
            **REWARD,
            **COSTS,
        },
        allow_inf=True,
        allow_nan=True,
        invalid={"btc_price": NEGATIVE, "power_price": NEGATIVE},
    ),
    _numeric(
        "economics.shutdown_hashprice",
        {
            "efficiency": EFFICIENCY,
            "power_price": POWER_PRICE,
            "pue": PUE,
            "pool_fee": POOL_FEE,
            "variable_opex": OPEX,
        },
        invalid={"efficiency": NONPOSITIVE, "pool_fee": FRACTION, "variable_opex": NEGATIVE},
    ),
    _numeric(
        "economics.energy_cost_per_btc",
        {
            "difficulty": DIFFICULTY,
            "efficiency": EFFICIENCY,
            "power_price": POWER_PRICE,
            **REWARD,
            "pue": PUE,
        },
        invalid={"difficulty": NONPOSITIVE, "power_price": NEGATIVE},
    ),
    _numeric(
        "economics.cash_cost_per_btc",
        {
            "difficulty": DIFFICULTY,
            "efficiency": EFFICIENCY,
            "power_price": POWER_PRICE,
            **REWARD,
            **COSTS,
            "sga": OPEX,
        },
        invalid={"sga": NEGATIVE, "uptime": [0.0, 1.5]},
    ),
    _numeric(
        "economics.all_in_cost_per_btc",
        {
            "difficulty": DIFFICULTY,
            "efficiency": EFFICIENCY,
            "power_price": POWER_PRICE,
            **REWARD,
            **COSTS,
            "sga": OPEX,
            "depreciation": numbers(0, 0.1),
        },
        invalid={"depreciation": NEGATIVE},
    ),
    _numeric(
        "economics.depreciation_per_th",
        {
            "capex_per_th": numbers(5, 50),
            "life_years": numbers(0.5, 10),
            "residual_value": numbers(0, 5),
        },
        invalid={"capex_per_th": NEGATIVE, "life_years": NONPOSITIVE, "residual_value": NEGATIVE},
    ),
    # a free machine at any power price needs hashprice to cover power only: inf at 0 USD/kWh
    _numeric(
        "economics.profitability_threshold",
        {
            "btc_price": PRICE,
            "difficulty": DIFFICULTY,
            "power_price": POWER_PRICE,
            **REWARD,
            "pue": PUE,
        },
        allow_inf=True,
        invalid={"btc_price": NEGATIVE, "pue": [0.5, float("nan")]},
    ),
    # a margin that never pays back: inf
    _numeric(
        "economics.payback_days",
        {"capex_per_th": numbers(0, 50), "margin": numbers(-0.05, 0.1)},
        allow_inf=True,
        invalid={"capex_per_th": NEGATIVE, "margin": [float("nan"), "0.1", True]},
    ),
]

ENERGY = [
    _numeric(
        "energy.check_efficiency", {"efficiency": EFFICIENCY}, invalid={"efficiency": NONPOSITIVE}
    ),
    _numeric("energy.check_pue", {"pue": PUE}, invalid={"pue": [0.99, -1.0, float("nan")]}),
    _numeric("energy.check_uptime", {"uptime": UPTIME}, invalid={"uptime": [0.0, 1.01]}),
    _numeric(
        "energy.energy_per_th_day",
        {"efficiency": EFFICIENCY, "pue": PUE, "uptime": UPTIME},
        invalid={"efficiency": NONPOSITIVE, "uptime": [0.0, 2.0]},
    ),
    _numeric(
        "energy.energy_cost_per_th",
        {"efficiency": EFFICIENCY, "power_price": POWER_PRICE, "pue": PUE, "uptime": UPTIME},
        invalid={"power_price": NEGATIVE, "pue": [0.5]},
    ),
    _numeric(
        "units.hashprice_to_ph_day",
        {"hashprice_th_day": numbers(0, 1)},
        invalid={"hashprice_th_day": ["x", True]},
    ),
    _numeric(
        "units.hashprice_from_ph_day",
        {"hashprice_ph_day": numbers(0, 1000)},
        invalid={"hashprice_ph_day": [None, [1.0, "a"]]},
    ),
    _numeric(
        "hardware.site_power_mw",
        {"hashrate": numbers(0, 1e8), "efficiency": EFFICIENCY, "pue": PUE},
        invalid={"hashrate": NEGATIVE, "efficiency": NONPOSITIVE},
    ),
    _numeric(
        "hardware.site_hashrate",
        {"power_mw": numbers(0, 1000), "efficiency": EFFICIENCY, "pue": PUE},
        invalid={"power_mw": NEGATIVE, "pue": [0.0]},
    ),
]

# --------------------------------------------------------------------------
# machines
# --------------------------------------------------------------------------

MINER_NAMES = list(hardware.list_miners().index)
MINER = st.builds(
    lambda hashrate, efficiency: hardware.Miner("test rig", hashrate, hashrate * efficiency),
    numbers(10, 1000),
    EFFICIENCY,
)


def _check_miner(call: Call, result) -> None:
    assert isinstance(result, hardware.Miner)
    assert result.efficiency == result.power / result.hashrate > 0


def _check_fleet(call: Call, result) -> None:
    assert isinstance(result, hardware.Fleet)
    assert result.count == sum(count for _, count in result.groups)
    if result.hashrate > 0:
        machines = [m for m, c in result.groups if c]
        efficiencies = [m.efficiency for m in machines]
        assert min(efficiencies) - 1e-9 <= result.efficiency <= max(efficiencies) + 1e-9


def _check_deployment(call: Call, result) -> None:
    assert isinstance(result, hardware.Deployment)
    assert result.count == call.kwargs["count"]


def _check_deployments(call: Call, result) -> None:
    assert isinstance(result, tuple)
    assert all(isinstance(d, hardware.Deployment) for d in result)


def _check_catalogue(call: Call, result) -> None:
    assert isinstance(result, pd.DataFrame) and len(result) > 10
    assert (result["efficiency_j_per_th"] > 0).all() and result.index.is_unique


DEPLOYMENT = st.builds(
    lambda miner, count, delivery, capex, degradation, failure, uptime: Call(
        {
            "miner": miner,
            "count": count,
            "delivery": delivery,
            "capex_per_unit": capex,
            "degradation": degradation,
            "failure_rate": failure,
            "uptime": uptime,
        }
    ),
    st.one_of(st.sampled_from(MINER_NAMES), MINER),
    st.integers(0, 100_000),
    st.one_of(st.integers(0, 720), st.sampled_from(["2026-03-01", pd.Timestamp("2027-01-01")])),
    numbers(0, 10_000),
    numbers(0, 0.1),
    numbers(0, 0.2),
    UPTIME,
)

HARDWARE = [
    Spec(
        "hardware.Miner",
        st.builds(
            lambda h, e, year: Call(
                {"name": "rig", "hashrate": h, "power": h * e, "release_year": year}
            ),
            numbers(10, 1000),
            EFFICIENCY,
            st.one_of(st.none(), st.integers(2013, 2030)),
        ),
        _check_miner,
        invalid=st.sampled_from(
            [
                (Call({"name": "rig", "hashrate": 0, "power": 3000}), "hashrate"),
                (Call({"name": "rig", "hashrate": 200, "power": -1}), "power"),
                (Call({"name": 5, "hashrate": 200, "power": 3000}), "name"),
            ]
        ),
    ),
    Spec(
        "hardware.Fleet",
        st.lists(st.tuples(MINER, st.integers(1, 10_000)), min_size=1, max_size=3).map(
            lambda groups: Call({"groups": tuple(groups)})
        ),
        _check_fleet,
        invalid=st.sampled_from(
            [
                (Call({"groups": ((hardware.get_miner("Antminer S21 XP"), -1),)}), "groups"),
                (Call({"groups": (("Antminer S21 XP", 5),)}), "groups"),
                (Call({"groups": ()}), "groups"),
            ]
        ),
    ),
    Spec(
        "hardware.Fleet.from_counts",
        st.dictionaries(
            st.sampled_from(MINER_NAMES), st.integers(1, 10_000), min_size=1, max_size=3
        ).map(lambda counts: Call({"counts": counts}, (hardware.Fleet,))),
        _check_fleet,
        invalid=st.sampled_from(
            [
                (Call({"counts": {"no such machine": 3}}, (hardware.Fleet,)), "counts"),
                (Call({"counts": {"Antminer S21 XP": 1.5}}, (hardware.Fleet,)), "counts"),
            ]
        ),
    ),
    Spec(
        "hardware.Deployment",
        DEPLOYMENT,
        _check_deployment,
        invalid=st.sampled_from(
            [
                (Call({"miner": "Antminer S21 XP", "count": -1}), "count"),
                (Call({"miner": "Antminer S21 XP", "count": 5, "uptime": 0}), "uptime"),
                (Call({"miner": "Antminer S21 XP", "count": 5, "delivery": 1.5}), "delivery"),
                (Call({"miner": "no such machine", "count": 5}), "miner"),
            ]
        ),
    ),
    Spec(
        "hardware.deployments",
        st.one_of(
            DEPLOYMENT.map(lambda call: call(hardware.Deployment)),
            st.lists(
                DEPLOYMENT.map(lambda call: call(hardware.Deployment)), min_size=1, max_size=3
            ),
            st.just(hardware.Fleet.from_counts({"Antminer S21 XP": 10})),
        ).map(lambda fleet: Call({"fleet": fleet})),
        _check_deployments,
        invalid=st.sampled_from(
            [(Call({"fleet": 5}), "fleet"), (Call({"fleet": ["Antminer S21 XP"]}), "fleet")]
        ),
    ),
    Spec(
        "hardware.get_miner",
        st.sampled_from(MINER_NAMES).map(lambda n: Call({"name": n})),
        _check_miner,
        invalid=st.sampled_from(
            [(Call({"name": "Antminer S99"}), "name"), (Call({"name": 3}), "name")]
        ),
    ),
    Spec("hardware.list_miners", fixed_call(), _check_catalogue, hostile=(), examples=1),
]

# --------------------------------------------------------------------------
# cash flows and risk
# --------------------------------------------------------------------------

FLOWS = st.lists(numbers(-1e6, 1e6), min_size=1, max_size=40)
INVESTMENT = st.tuples(numbers(1e3, 1e6), st.lists(numbers(0, 1e5), min_size=1, max_size=40))


def _flows_kind(kind: str, values: list[float]):
    if kind == "list":
        return values
    if kind == "array":
        return np.asarray(values)
    if kind == "paths":
        return np.vstack([values, np.asarray(values) * 0.5])
    index = pd.date_range("2026-01-01", periods=len(values), freq="D", name="time")
    if kind == "series":
        return pd.Series(values, index=index)
    return xr.DataArray(
        np.vstack([values, values]), coords={"path": [0, 1], "time": index}, dims=("path", "time")
    )


KINDS = st.sampled_from(["list", "array", "paths", "series", "dataarray"])


def _flows_call(values, kind, **kwargs):
    flows = _flows_kind(kind, values)
    extra = {"dim": "time"} if kind == "dataarray" else {}
    return Call({"cash_flows": flows, **extra, **kwargs})


def _check_reduced(*, allow_inf=False, allow_nan=False):
    def check(call: Call, result) -> None:
        flows = call.kwargs["cash_flows"]
        if isinstance(flows, xr.DataArray):
            assert isinstance(result, xr.DataArray) and result.dims == ("path",)
        elif np.ndim(flows) == 2:
            assert isinstance(result, np.ndarray) and result.shape == (2,)
        else:
            assert np.ndim(result) == 0
        if not allow_nan:
            assert_finite(result, allow_inf=allow_inf)

    return check


RATE = numbers(0, 0.5)


def _investment(pair):
    outlay, returns = pair
    return [-outlay, *returns]


CASHFLOW = [
    Spec(
        "cashflow.npv",
        st.builds(
            lambda v, k, r, p: _flows_call(v, k, rate=r, periods_per_year=p),
            FLOWS,
            KINDS,
            RATE,
            st.sampled_from([1, 12, 365]),
        ),
        _check_reduced(),
        invalid=st.sampled_from(
            [
                (Call({"cash_flows": [1.0], "rate": -1.0}), "rate"),
                (Call({"cash_flows": [1.0, float("nan")], "rate": 0.1}), "cash_flows"),
                (
                    Call({"cash_flows": [1.0], "rate": 0.1, "periods_per_year": 0}),
                    "periods_per_year",
                ),
            ]
        ),
    ),
    # no sign change: no rate makes the NPV zero, nan
    Spec(
        "cashflow.irr",
        st.builds(
            lambda v, k: _flows_call(_investment(v), k, periods_per_year=12), INVESTMENT, KINDS
        ),
        _check_reduced(allow_nan=True),
        invalid=st.sampled_from(
            [
                (Call({"cash_flows": [-1.0, 2.0], "periods_per_year": -12}), "periods_per_year"),
                (Call({"cash_flows": "flows"}), "cash_flows"),
            ]
        ),
    ),
    Spec(
        "cashflow.payback_period",
        st.builds(lambda v, k: _flows_call(_investment(v), k), INVESTMENT, KINDS),
        _check_reduced(allow_inf=True),
        invalid=st.sampled_from([(Call({"cash_flows": [[[1.0]]], "axis": 5}), "axis")]),
    ),
    Spec(
        "cashflow.discounted_payback_period",
        st.builds(lambda v, k, r: _flows_call(_investment(v), k, rate=r), INVESTMENT, KINDS, RATE),
        _check_reduced(allow_inf=True),
        invalid=st.sampled_from(
            [(Call({"cash_flows": [-1.0, 2.0], "rate": float("nan")}), "rate")]
        ),
    ),
    Spec(
        "cashflow.discount_factors",
        st.builds(
            lambda n, r, p: Call({"n_periods": n, "rate": r, "periods_per_year": p}),
            st.integers(0, 400),
            RATE,
            st.sampled_from([1, 12, 365]),
        ),
        lambda call, result: (
            np.testing.assert_array_less(np.diff(result), 1e-15),
            assert_finite(result),
        ),
        invalid=st.sampled_from(
            [
                (Call({"n_periods": -1, "rate": 0.1}), "n_periods"),
                (Call({"n_periods": 1.5, "rate": 0.1}), "n_periods"),
                (Call({"n_periods": 3, "rate": -2.0}), "rate"),
            ]
        ),
        garbage=None,
    ),
]


def _check_aggregate(call: Call, result) -> None:
    daily = call.kwargs["daily"]
    assert type(result) is type(daily)
    if call.kwargs.get("how", "sum") == "sum":
        np.testing.assert_allclose(float(result.sum()), float(daily.sum()), rtol=1e-9, atol=1e-6)


def _daily(values, kind, start):
    index = pd.date_range(start, periods=len(values), freq="D", name="time")
    if kind == "series":
        return pd.Series(values, index=index)
    return xr.DataArray(values, coords={"time": index}, dims="time")


CASHFLOW.append(
    Spec(
        "cashflow.aggregate",
        st.builds(
            lambda v, k, start, freq, how: Call(
                {"daily": _daily(v, k, start), "freq": freq, "how": how}
            ),
            st.lists(numbers(-1e4, 1e4), min_size=1, max_size=120),
            st.sampled_from(["series", "dataarray"]),
            st.sampled_from(["2026-01-01", "2026-02-17"]),
            st.sampled_from(["MS", "QS", "YS"]),
            st.sampled_from(["sum", "mean", "min", "max", "first", "last"]),
        ),
        _check_aggregate,
        invalid=st.sampled_from(
            [
                (Call({"daily": _daily([1.0, 2.0], "series", "2026-01-01"), "freq": "W"}), "freq"),
                (
                    Call({"daily": _daily([1.0, 2.0], "series", "2026-01-01"), "how": "median"}),
                    "how",
                ),
                (Call({"daily": [1.0, 2.0]}), "daily"),
            ]
        ),
    )
)

OUTCOMES = st.lists(numbers(-1e9, 1e9), min_size=1, max_size=200)
LEVEL = numbers(0.5, 0.99)


def _outcomes(values, kind):
    if kind == "array":
        return np.asarray(values)
    if kind == "series":
        return pd.Series(values)
    return xr.DataArray(values, dims="path")


def _check_statistic(low=None, high=None):
    def check(call: Call, result) -> None:
        assert isinstance(result, float | xr.DataArray), type(result)
        value = float(result)
        assert np.isfinite(value)
        values = np.asarray(call.kwargs["values"], dtype=float)
        if low is None:
            assert values.min() - 1e-6 <= -value <= values.max() + 1e-6 or (
                values.min() - 1e-6 <= value <= values.max() + 1e-6
            )
        else:
            assert low <= value <= high

    return check


def _risk_call(**extra):
    return st.builds(
        lambda v, k, **kw: Call({"values": _outcomes(v, k), **kw}),
        OUTCOMES,
        st.sampled_from(["array", "series", "dataarray"]),
        **extra,
    )


RISK_INVALID = st.sampled_from(
    [
        (Call({"values": [1.0, 2.0], "level": 1.0}), "level"),
        (Call({"values": [1.0, 2.0], "level": 0.0}), "level"),
        (Call({"values": [], "level": 0.9}), "values"),
        (Call({"values": [1.0, float("nan")]}), "values"),
    ]
)


def _check_summary(call: Call, result) -> None:
    assert isinstance(result, pd.Series)
    assert 0 <= result["probability_of_loss"] <= 1
    assert result["mean"] == np.mean(np.asarray(call.kwargs["values"], dtype=float))


def _check_bands(call: Call, result) -> None:
    data = call.kwargs["data"]
    assert isinstance(result, xr.DataArray)
    assert "percentile" in result.dims and "path" not in result.dims
    assert (result.diff("percentile") >= -1e-9).all()
    assert result.sizes["time"] == data.sizes["time"]


def _check_payback_distribution(call: Call, result) -> None:
    days = np.asarray(call.kwargs["payback_days"], dtype=float)
    assert isinstance(result, pd.Series) and result["n"] == days.size
    assert result["share_never"] == np.mean(np.isinf(days))
    for suffix in ("finite", "all"):
        quantiles = result[[k for k in result.index if k.endswith(f"_{suffix}") and k[0] == "p"]]
        values = quantiles.to_numpy(dtype=float)
        assert (values[1:] >= values[:-1]).all() or np.isnan(values).any()


RISK = [
    Spec("risk.value_at_risk", _risk_call(level=LEVEL), _check_statistic(), invalid=RISK_INVALID),
    Spec("risk.cvar", _risk_call(level=LEVEL), _check_statistic(), invalid=RISK_INVALID),
    Spec(
        "risk.expected_shortfall",
        _risk_call(level=LEVEL),
        _check_statistic(),
        invalid=RISK_INVALID,
    ),
    Spec(
        "risk.probability_of_loss",
        _risk_call(threshold=numbers(-1e6, 1e6)),
        _check_statistic(0, 1),
        invalid=st.sampled_from(
            [
                (Call({"values": [1.0], "threshold": float("nan")}), "threshold"),
                (Call({"values": []}), "values"),
            ]
        ),
    ),
    Spec(
        "risk.summarize",
        _risk_call(level=LEVEL),
        _check_summary,
        invalid=st.sampled_from(
            [
                (Call({"values": [1.0, 2.0], "quantiles": (0.5, 1.5)}), "quantiles"),
                (Call({"values": [1.0, 2.0], "level": 2.0}), "level"),
            ]
        ),
    ),
    Spec(
        "risk.payback_distribution",
        st.lists(st.one_of(numbers(0, 5000), st.just(float("inf"))), min_size=1, max_size=50).map(
            lambda v: Call({"payback_days": np.asarray(v)})
        ),
        _check_payback_distribution,
        invalid=st.sampled_from(
            [
                (Call({"payback_days": [-1.0]}), "payback_days"),
                (Call({"payback_days": [1.0], "quantiles": (2.0,)}), "quantiles"),
            ]
        ),
    ),
    Spec(
        "risk.percentile_bands",
        st.builds(
            lambda paths, days, seed: Call(
                {
                    "data": xr.DataArray(
                        np.random.default_rng(seed).normal(size=(paths, days)),
                        coords={"time": pd.date_range("2026-01-01", periods=days)},
                        dims=("path", "time"),
                    )
                }
            ),
            st.integers(1, 30),
            st.integers(1, 40),
            st.integers(0, 2**32 - 1),
        ),
        _check_bands,
        invalid=st.sampled_from(
            [
                (
                    Call(
                        {
                            "data": xr.DataArray(np.zeros((2, 2)), dims=("path", "time")),
                            "percentiles": (5, 150),
                        }
                    ),
                    "percentiles",
                ),
                (Call({"data": xr.DataArray(np.zeros((2, 2)), dims=("a", "time"))}), "dim"),
            ]
        ),
    ),
]

MINER_HASHRATE = numbers(0, 1e7)


@st.composite
def payout_call(draw) -> Call:
    call = draw(
        numeric_call(
            {
                "hashrate": MINER_HASHRATE,
                "difficulty": DIFFICULTY,
                "days": numbers(0.01, 400),
                "fees_per_block": FEES,
                "subsidy": SUBSIDY,
                "pool_fee": POOL_FEE,
            }
        )
    )
    scheme = draw(st.sampled_from(pools.SCHEMES))
    extra = {"scheme": scheme}
    if scheme in ("pplns", "tides"):
        extra["pool_hashrate"] = draw(numbers(1e7, 1e9, log=True))
        if draw(st.booleans()):
            extra["window"] = draw(numbers(0.1, 20))
    return Call({**call.kwargs, **extra})


def _check_payout(call: Call, result) -> None:
    assert isinstance(result, pools.Payout)
    kind = kind_of([v for k, v in call.kwargs.items() if k not in ("scheme", "pool_hashrate")])
    for value in (result.mean, result.std):
        assert isinstance(value, kind), (type(value), kind)
        assert_finite(value)
        assert (np.asarray(value) >= 0).all()


POOLS = [
    _numeric(
        "pools.blocks_per_day",
        {"hashrate": MINER_HASHRATE, "difficulty": DIFFICULTY},
        invalid={"hashrate": NEGATIVE, "difficulty": NONPOSITIVE},
    ),
    _numeric(
        "pools.probability_of_block",
        {"hashrate": MINER_HASHRATE, "difficulty": DIFFICULTY, "days": numbers(0, 1e4)},
        invalid={"hashrate": NEGATIVE, "difficulty": NONPOSITIVE, "days": NEGATIVE},
    ),
    _numeric(
        "pools.expected_days_to_block",
        {"hashrate": MINER_HASHRATE, "difficulty": DIFFICULTY},
        invalid={"hashrate": NEGATIVE, "difficulty": NONPOSITIVE},
        allow_inf=True,
    ),
    Spec(
        "pools.payout",
        payout_call(),
        _check_payout,
        invalid=st.sampled_from(
            [
                (Call({"scheme": "prop", "hashrate": 1.0, "difficulty": 1e14}), "scheme"),
                (Call({"scheme": "pplns", "hashrate": 1.0, "difficulty": 1e14}), "pool_hashrate"),
                (
                    Call(
                        {
                            "scheme": "tides",
                            "hashrate": 1.0,
                            "difficulty": 1e14,
                            "pool_hashrate": 1e6,
                            "window": -1.0,
                        }
                    ),
                    "window",
                ),
                (Call({"scheme": "solo", "hashrate": 1.0, "difficulty": 1e14, "days": 0}), "days"),
            ]
        ),
    ),
    Spec(
        "pools.Payout",
        payout_call().map(
            lambda call: Call(
                {
                    name: getattr(pools.payout(**call.kwargs), name)
                    for name in ("scheme", "mean", "std")
                }
            )
        ),
        instance_of(pools.Payout),
        examples=5,
    ),
]


@st.composite
def curtail_call(draw) -> Call:
    paths, hours = draw(st.integers(1, 4)), draw(st.integers(1, 48))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    prices = rng.lognormal(3.5, 0.8, (paths, hours)) - draw(numbers(0, 20))
    revenue = draw(st.one_of(numbers(0, 300), st.just(rng.uniform(0, 300, (paths, 1)))))
    return Call(
        {
            "prices": prices,
            "revenue": revenue,
            "load_mw": draw(numbers(0, 500)),
            "interval_hours": draw(st.sampled_from([0.25, 1.0])),
            "variable_cost": draw(numbers(0, 10)),
            "min_on_hours": draw(st.sampled_from([0.0, 0.0, 2.0])),
            "min_off_hours": draw(st.sampled_from([0.0, 0.0, 1.5])),
            "restart_cost": draw(st.sampled_from([0.0, 0.0, 25.0])),
        }
    )


def _check_curtailment(call: Call, result) -> None:
    assert isinstance(result, power.Curtailment)
    constrained = any(
        call.kwargs.get(k) for k in ("min_on_hours", "min_off_hours", "restart_cost")
    )
    if not constrained:  # the free rule never does worse than always on
        assert (np.asarray(result.flexibility_value) >= -1e-9 * (1 + np.abs(result.margin))).all()
    uptime = np.asarray(result.uptime)
    assert ((uptime >= 0) & (uptime <= 1)).all()
    assert (np.asarray(result.starts) >= 0).all()


def _ercot_file(draw_rows) -> pd.DataFrame:
    return pd.DataFrame(
        draw_rows,
        columns=["Delivery Date", "Delivery Hour", "Delivery Interval", "Repeated Hour Flag",
                 "Settlement Point Name", "Settlement Point Type", "Settlement Point Price"],
    )  # fmt: skip


@st.composite
def ercot_call(draw) -> Call:
    hours = draw(st.integers(1, 24))
    day = draw(st.sampled_from(["01/15/2025", "07/04/2025", "11/02/2025", "03/09/2025"]))
    rows = []
    for hour in range(1, hours + 1):
        if day == "03/09/2025" and hour == 3:
            continue  # the spring-forward day has no hour ending 3
        repeats = ("N", "Y") if day == "11/02/2025" and hour == 2 else ("N",)
        for flag in repeats:
            for quarter in range(1, 5):
                price = draw(numbers(-250, 5000))
                rows.append([day, hour, quarter, flag, "HB_NORTH", "HU", price])
    return Call({"source": _ercot_file(rows), "settlement_point": "HB_NORTH"})


@st.composite
def interval_call(draw) -> dict:
    paths, hours = draw(st.integers(1, 3)), draw(st.integers(1, 30))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return {
        "prices": rng.lognormal(3.5, 0.8, (paths, hours)) - draw(numbers(0, 20)),
        "revenue": draw(numbers(0, 300)),
        "load_mw": draw(numbers(0.1, 300)),
        "interval_hours": draw(st.sampled_from([0.25, 1.0])),
        "variable_cost": draw(numbers(0, 10)),
    }


CONTRACT_CALLS = st.one_of(
    st.builds(lambda k: Call({"kind": "fixed", "price": k}), numbers(0, 200)),
    st.builds(
        lambda k, share: Call(
            {"kind": "fixed", "price": k, "resale": False, "take_or_pay": share}
        ),
        numbers(0, 200),
        numbers(0, 1),
    ),
    st.builds(lambda k: Call({"kind": "index", "price": k}), numbers(-5, 30)),
)


@st.composite
def settle_call(draw) -> Call:
    kwargs = draw(interval_call())
    kwargs["contract"] = power.PowerContract(**draw(CONTRACT_CALLS).kwargs)
    return Call(kwargs)


@st.composite
def reserve_call(draw) -> Call:
    kwargs = draw(interval_call())
    kwargs["service_price"] = draw(numbers(0, 50))
    kwargs["committed_mw"] = kwargs["load_mw"] * draw(numbers(0, 1))
    kwargs["deployment_probability"] = draw(numbers(0, 1))
    return Call(kwargs)


@st.composite
def four_cp_call(draw) -> Call:
    kwargs = draw(interval_call())
    chance = np.zeros(kwargs["prices"].shape[-1])
    chance[draw(st.integers(0, chance.size - 1))] = draw(numbers(0.01, 1))
    kwargs["peak_probability"] = chance
    kwargs["charge_per_kw_month"] = draw(numbers(0, 10))
    kwargs["threshold"] = draw(numbers(0.01, 1))
    return Call(kwargs)


def _from_fields(cls, calls, function):
    return calls.map(
        lambda call: Call(
            {f.name: getattr(function(**call.kwargs), f.name) for f in dataclasses.fields(cls)}
        )
    )


@st.composite
def statement_call(draw) -> Call:
    kwargs = draw(interval_call())
    kwargs["prices"] = kwargs["prices"][0]
    contract = power.PowerContract(**draw(CONTRACT_CALLS).kwargs)
    operation = draw(
        st.sampled_from(
            [power.curtail(**kwargs), power.settle_contract(contract=contract, **kwargs)]
        )
    )
    reserve = power.responsive_reserve(service_price=2.0, committed_mw=kwargs["load_mw"] / 2,
                                       **kwargs)  # fmt: skip
    chance = np.zeros(kwargs["prices"].size)
    chance[0] = 1.0
    transmission = power.four_cp(peak_probability=chance, charge_per_kw_month=3.0, **kwargs)
    return Call(
        {
            "operation": operation,
            "reserve": draw(st.sampled_from([None, reserve])),
            "transmission": draw(st.sampled_from([None, transmission])),
        }
    )


def _check_prices(call: Call, result) -> None:
    assert isinstance(result, pd.Series) and isinstance(result.index, pd.DatetimeIndex)
    assert result.index.tz is not None and result.index.is_monotonic_increasing
    assert np.isfinite(result.to_numpy()).all()


@st.composite
def gridstatus_call(draw) -> Call:
    n = draw(st.integers(1, 30))
    start = pd.date_range("2025-06-01", periods=n, freq="15min", tz=power.ERCOT_TIMEZONE)
    prices = [draw(numbers(-250, 5000)) for _ in range(n)]
    frame = pd.DataFrame({"Time": start, "Interval Start": start,
                          "Interval End": start + pd.Timedelta("15min"), "Location": "HB_WEST",
                          "Location Type": "Trading Hub", "Market": "REAL_TIME_15_MIN",
                          "SPP": prices})  # fmt: skip
    return Call({"frame": frame, "location": draw(st.sampled_from([None, "HB_WEST"]))})


HOURS_OF_DAY = st.lists(st.integers(0, 23), min_size=1, max_size=24, unique=True).map(tuple)
PERIOD_CALLS = st.builds(
    lambda rate, hours, days, months: Call(
        {"rate": rate, "hours": hours, "weekdays": days, "months": months}
    ),
    numbers(-50, 500),
    HOURS_OF_DAY,
    st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True).map(tuple),
    st.lists(st.integers(1, 12), min_size=1, max_size=12, unique=True).map(tuple),
)
TARIFF_CALLS = st.builds(
    lambda base, periods: Call({"base_rate": base, "periods": tuple(periods)}),
    numbers(0, 300),
    st.lists(PERIOD_CALLS.map(lambda call: power.TariffPeriod(**call.kwargs)), max_size=3),
)
TARIFF_PRICES_CALLS = st.builds(
    lambda call, start, n: Call(
        {"index": pd.date_range(start, periods=n, freq="h", tz=power.ERCOT_TIMEZONE)},
        (power.TimeOfUse(**call.kwargs),),
    ),
    TARIFF_CALLS,
    st.sampled_from(["2026-01-01", "2026-03-08", "2026-07-15", "2026-11-01"]),
    st.integers(1, 200),
)

MODEL_CALLS = st.builds(
    lambda mean, offset, sd_day, life, sd_hour, phi, rate, stay, median, spread, flat: Call(
        {
            "mean_price": mean,
            "offset": offset,
            "daily_volatility": sd_day,
            "daily_half_life": life,
            "hourly_volatility": sd_hour,
            "hourly_persistence": phi,
            "spike_rate": rate,
            "spike_persistence": stay,
            "spike_median": median,
            "spike_dispersion": spread,
            "profile": None if flat else np.linspace(0.5, 1.5, 288).reshape(12, 24),
        }
    ),
    numbers(5, 200),
    numbers(0, 50),
    numbers(0, 1),
    numbers(0.1, 60),
    numbers(0, 1),
    numbers(0, 0.99),
    numbers(0, 0.01),
    numbers(0, 0.95),
    numbers(100, 5000),
    numbers(0, 1),
    st.booleans(),
)
MODEL_SIMULATE_CALLS = st.builds(
    lambda call, start, hours, paths, seed: Call(
        {"start": start, "n_hours": hours, "n_paths": paths, "seed": seed},
        (power.PowerPriceModel(**call.kwargs),),
    ),
    MODEL_CALLS,
    st.sampled_from(["2026-01-01", "2026-03-08", "2026-11-01"]),
    st.integers(1, 24 * 20),
    st.integers(1, 5),
    st.integers(0, 2**32 - 1),
)


def _check_price_paths(call: Call, result) -> None:
    assert result.shape == (call.kwargs["n_paths"], call.kwargs["n_hours"])
    model = call.args[0]
    assert np.isfinite(result).all()
    assert ((result >= model.floor) & (result <= model.cap)).all()


MODEL_FIT_CALLS = st.builds(
    lambda call, days, seed: Call(
        {
            "prices": pd.Series(
                power.PowerPriceModel(**call.kwargs).simulate("2025-01-01", 24 * days, seed=seed)[
                    0
                ],
                index=pd.date_range(
                    "2025-01-01", periods=24 * days, freq="h", tz=power.ERCOT_TIMEZONE
                ),
            )
        },
        (power.PowerPriceModel,),
    ),
    MODEL_CALLS,
    st.integers(14, 60),
    st.integers(0, 2**32 - 1),
)


POWER = [
    _numeric(
        "power.revenue_per_mwh",
        {
            "hashprice": numbers(0, 0.2),
            "efficiency": numbers(5, 120),
            "pue": PUE,
            "pool_fee": POOL_FEE,
        },
        invalid={"hashprice": NEGATIVE, "efficiency": NONPOSITIVE},
    ),
    _numeric(
        "power.expected_margin",
        {"revenue": numbers(0, 500), "mean_price": numbers(1, 300), "spread": numbers(0, 2)},
        invalid={"revenue": NEGATIVE, "mean_price": NONPOSITIVE, "spread": NEGATIVE},
    ),
    Spec(
        "power.curtail",
        curtail_call(),
        _check_curtailment,
        invalid=st.sampled_from(
            [
                (Call({"prices": [], "revenue": 1.0}), "prices"),
                (Call({"prices": [1.0], "revenue": -1.0}), "revenue"),
                (Call({"prices": [1.0], "revenue": 1.0, "interval_hours": 0}), "interval_hours"),
            ]
        ),
    ),
    Spec(
        "power.Curtailment",
        curtail_call().map(
            lambda call: Call(
                {
                    f.name: getattr(power.curtail(**call.kwargs), f.name)
                    for f in dataclasses.fields(power.Curtailment)
                }
            )
        ),
        instance_of(power.Curtailment),
        examples=5,
    ),
    Spec(
        "power.read_ercot",
        ercot_call(),
        _check_prices,
        invalid=st.sampled_from(
            [
                (Call({"source": "/nonexistent/prices.csv"}), "source"),
                (Call({"source": pd.DataFrame({"x": [1.0]})}), "source"),
            ]
        ),
        hostile=("source",),
        examples=10,
    ),
    Spec(
        "power.from_gridstatus",
        gridstatus_call(),
        _check_prices,
        invalid=st.sampled_from([(Call({"frame": pd.DataFrame({"SPP": [1.0]})}), "frame")]),
        hostile=("frame",),
        examples=10,
    ),
    Spec(
        "power.daily",
        gridstatus_call().map(
            lambda call: Call(
                {"prices": power.from_gridstatus(call.kwargs["frame"]), "revenue": 60.0}
            )
        ),
        lambda call, result: isinstance(result, pd.DataFrame) and None,
        invalid=st.sampled_from(
            [
                (Call({"prices": [1.0, 2.0]}), "prices"),
                (
                    Call(
                        {
                            "prices": pd.Series([1.0], index=pd.DatetimeIndex(["2026-01-01"])),
                            "revenue": -1.0,
                        }
                    ),
                    "revenue",
                ),
            ]
        ),
        examples=10,
    ),
    Spec(
        "power.TariffPeriod",
        PERIOD_CALLS,
        instance_of(power.TariffPeriod),
        invalid=st.sampled_from(
            [
                (Call({"rate": 1.0, "hours": (24,)}), "hours"),
                (Call({"rate": 1.0, "weekdays": ()}), "weekdays"),
                (Call({"rate": 1.0, "months": (0,)}), "months"),
                (Call({"rate": float("nan")}), "rate"),
            ]
        ),
    ),
    Spec(
        "power.TimeOfUse",
        TARIFF_CALLS,
        instance_of(power.TimeOfUse),
        invalid=st.sampled_from(
            [
                (Call({"base_rate": float("inf")}), "base_rate"),
                (Call({"base_rate": 1.0, "periods": (1.0,)}), "periods"),
            ]
        ),
        examples=10,
    ),
    Spec(
        "power.TimeOfUse.prices",
        TARIFF_PRICES_CALLS,
        _check_prices,
        invalid=st.sampled_from([(Call({"index": [1, 2]}, (power.TimeOfUse(10.0),)), "index")]),
        examples=10,
    ),
    Spec(
        "power.PowerPriceModel",
        MODEL_CALLS,
        instance_of(power.PowerPriceModel),
        invalid=st.sampled_from(
            [
                (Call({"mean_price": -5.0, "offset": 1.0}), "mean_price"),
                (Call({"mean_price": 5.0, "hourly_persistence": 1.0}), "hourly_persistence"),
                (Call({"mean_price": 5.0, "spike_rate": 2.0}), "spike_rate"),
                (Call({"mean_price": 5.0, "profile": np.ones(3)}), "profile"),
                (Call({"mean_price": 5.0, "cap": -300.0}), "cap"),
            ]
        ),
        examples=10,
    ),
    Spec(
        "power.PowerPriceModel.simulate",
        MODEL_SIMULATE_CALLS,
        _check_price_paths,
        invalid=st.sampled_from(
            [
                (
                    Call({"start": "2026-01-01", "n_hours": 0}, (power.ercot_price_model(),)),
                    "n_hours",
                ),
                (
                    Call(
                        {"start": "2026-01-01", "n_hours": 5, "n_paths": 2, "paths": slice(3, 4)},
                        (power.ercot_price_model(),),
                    ),
                    "paths",
                ),
            ]
        ),
        hostile=("n_paths", "seed"),
        garbage=st.sampled_from([0, -1, 1.5, "x", None, float("nan")]),
        examples=8,
    ),
    Spec(
        "power.PowerPriceModel.fit",
        MODEL_FIT_CALLS,
        instance_of(power.PowerPriceModel),
        invalid=st.sampled_from(
            [
                (Call({"prices": pd.Series([1.0, 2.0])}, (power.PowerPriceModel,)), "prices"),
                (
                    Call(
                        {
                            "prices": pd.Series(
                                np.ones(24),
                                index=pd.date_range("2026-01-01", periods=24, freq="h"),
                            )
                        },
                        (power.PowerPriceModel,),
                    ),
                    "prices",
                ),
            ]
        ),
        hostile=("spike_threshold", "offset"),
        examples=6,
    ),
    Spec(
        "power.PowerContract",
        CONTRACT_CALLS,
        instance_of(power.PowerContract),
        invalid=st.sampled_from(
            [
                (Call({"kind": "spot", "price": 1.0}), "kind"),
                (Call({"kind": "fixed", "price": float("nan")}), "price"),
                (Call({"kind": "fixed", "price": 1.0, "resale": "no"}), "resale"),
                (Call({"kind": "fixed", "price": 1.0, "take_or_pay": 0.5}), "take_or_pay"),
            ]
        ),
    ),
    Spec(
        "power.settle_contract",
        settle_call(),
        instance_of(power.ContractSettlement),
        invalid=st.sampled_from(
            [(Call({"prices": [1.0], "revenue": 1.0, "contract": 3.0}), "contract")]
        ),
        examples=15,
    ),
    Spec(
        "power.ContractSettlement",
        _from_fields(power.ContractSettlement, settle_call(), power.settle_contract),
        instance_of(power.ContractSettlement),
        examples=5,
    ),
    Spec(
        "power.responsive_reserve",
        reserve_call(),
        instance_of(power.ReserveResult),
        invalid=st.sampled_from(
            [
                (
                    Call(
                        {
                            "prices": [1.0],
                            "revenue": 1.0,
                            "service_price": -1.0,
                            "committed_mw": 0.5,
                        }
                    ),
                    "service_price",
                ),
                (
                    Call(
                        {
                            "prices": [1.0],
                            "revenue": 1.0,
                            "service_price": 1.0,
                            "committed_mw": 2.0,
                        }
                    ),
                    "committed_mw",
                ),
                (
                    Call(
                        {
                            "prices": [1.0],
                            "revenue": 1.0,
                            "service_price": 1.0,
                            "committed_mw": 0.5,
                            "deployment_probability": 1.5,
                        }
                    ),
                    "deployment_probability",
                ),
            ]
        ),
        examples=15,
    ),
    Spec(
        "power.ReserveOffer",
        st.builds(
            lambda share, pay, calls: Call({"share": share, "payment": pay, "calls": calls}),
            numbers(0.01, 1),
            numbers(0, 100),
            numbers(0, 0.99),
        ),
        instance_of(power.ReserveOffer),
        invalid=st.sampled_from(
            [
                (Call({"share": 0.0, "payment": 1.0}), "share"),
                (Call({"share": 0.5, "payment": -1.0}), "payment"),
                (Call({"share": 0.5, "payment": 1.0, "calls": 1.0}), "calls"),
            ]
        ),
    ),
    Spec(
        "power.ReserveResult",
        _from_fields(power.ReserveResult, reserve_call(), power.responsive_reserve),
        instance_of(power.ReserveResult),
        examples=5,
    ),
    Spec(
        "power.four_cp",
        four_cp_call(),
        instance_of(power.FourCP),
        invalid=st.sampled_from(
            [
                (
                    Call(
                        {
                            "prices": [1.0, 2.0],
                            "revenue": 1.0,
                            "peak_probability": [0.0, 0.0],
                            "charge_per_kw_month": 1.0,
                        }
                    ),
                    "peak_probability",
                ),
                (
                    Call(
                        {
                            "prices": [1.0],
                            "revenue": 1.0,
                            "peak_probability": [1.0],
                            "charge_per_kw_month": -1.0,
                        }
                    ),
                    "charge_per_kw_month",
                ),
                (
                    Call(
                        {
                            "prices": [1.0],
                            "revenue": 1.0,
                            "peak_probability": [1.0],
                            "charge_per_kw_month": 1.0,
                            "threshold": 0.0,
                        }
                    ),
                    "threshold",
                ),
            ]
        ),
        examples=15,
    ),
    Spec(
        "power.FourCP",
        _from_fields(power.FourCP, four_cp_call(), power.four_cp),
        instance_of(power.FourCP),
        examples=5,
    ),
    Spec(
        "power.coincident_peaks",
        st.builds(
            lambda n, seed: Call(
                {
                    "load": pd.Series(
                        np.random.default_rng(seed).uniform(40e3, 80e3, n),
                        index=pd.date_range("2026-05-25", periods=n, freq="15min"),
                    )
                }
            ),
            st.integers(1, 24 * 4 * 20),
            st.integers(0, 2**32 - 1),
        ),
        lambda call, result: isinstance(result, pd.Series) and None,
        invalid=st.sampled_from(
            [
                (Call({"load": [1.0, 2.0]}), "load"),
                (
                    Call(
                        {
                            "load": pd.Series([1.0], index=pd.DatetimeIndex(["2026-06-01"])),
                            "months": (13,),
                        }
                    ),
                    "months",
                ),
            ]
        ),
        examples=10,
    ),
    Spec(
        "power.PowerStatement",
        st.builds(
            lambda gross, credit, kwh: Call(
                {"gross_power_cost": gross, "credits": credit, "energy_kwh": kwh}
            ),
            numbers(0, 1e9),
            numbers(0, 1e8),
            numbers(1, 1e10),
        ),
        instance_of(power.PowerStatement),
        invalid=st.sampled_from(
            [
                (
                    Call({"gross_power_cost": -1.0, "credits": 0.0, "energy_kwh": 1.0}),
                    "gross_power_cost",
                ),
                (
                    Call({"gross_power_cost": 1.0, "credits": 0.0, "energy_kwh": -1.0}),
                    "energy_kwh",
                ),
            ]
        ),
    ),
    Spec(
        "power.power_statement",
        statement_call(),
        instance_of(power.PowerStatement),
        invalid=st.sampled_from([(Call({"operation": 1.0}), "operation")]),
        examples=10,
    ),
    Spec(
        "power.ercot_price_model",
        st.just(Call({})),
        instance_of(power.PowerPriceModel),
        hostile=(),
        examples=1,
    ),
]

SPECS = NETWORK + ECONOMICS + ENERGY + HARDWARE + CASHFLOW + RISK + POOLS + POWER
