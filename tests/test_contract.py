"""The numeric contract (DESIGN.md "The numeric contract", "Errors and edge cases").

Every core function of network, energy, economics, the site power/hashrate
helpers of hardware and the unit conversions:

* a Python scalar in gives a ``float`` out (an ``int`` for the block-height
  and satoshi functions ``block_subsidy_sat``, ``halving_height`` and
  ``next_halving_height``, as their doctests show);
* a numpy array gives an ndarray of the broadcast shape, a pandas Series a
  Series with the same index, an xarray DataArray a DataArray with the same
  dims and coordinates, with the same values as the scalar calls;
* bad input raises ``ValueError`` naming the argument, the value and the
  valid range.

Not covered here because they are not element-wise numeric functions:
``network.estimate_height_date`` (returns timestamps) and the compact-bits
helpers ``bits_to_target``, ``target_to_difficulty``, ``bits_to_difficulty``
(Python-int API).
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from numpy.testing import assert_allclose, assert_array_equal

from minerecon import economics, energy, hardware, network, units

# (function, scalar kwargs, {argument: three valid values to vary})
# Base values: a 2025-like network (difficulty 152.27 T, BTC 87,000 USD) and an
# S21 XP-like machine (13.5 J/TH) at 0.05 USD/kWh.
D = 152.27e12
TABLE = [
    (network.block_subsidy_sat, {"height": 840_000}, {"height": [0, 210_000, 1_050_000]}),
    (network.block_subsidy, {"height": 840_000}, {"height": [0, 629_999, 1_050_000]}),
    (network.halving_height, {"halving": 4}, {"halving": [0, 1, 5]}),
    (network.next_halving_height, {"height": 925_344}, {"height": [0, 209_999, 925_344]}),
    (network.issued_supply, {"height": 840_000}, {"height": [0, 210_000, 13_440_000]}),
    (
        network.hashrate_from_difficulty,
        {"difficulty": D, "block_interval": 600},
        {"difficulty": [1e12, D, 1e15], "block_interval": [300, 600, 900]},
    ),
    (
        network.difficulty_from_hashrate,
        {"hashrate": 1.09e9, "block_interval": 600},
        {"hashrate": [1e8, 1.09e9, 2e9], "block_interval": [300, 600, 900]},
    ),
    (
        network.next_difficulty,
        {"difficulty": 100e12, "actual_timespan": 604_800, "target_timespan": 1_209_600},
        {"difficulty": [1e12, 100e12, 1e15], "actual_timespan": [100_000, 1_209_600, 1e7]},
    ),
    (
        network.btc_per_th_day,
        {"difficulty": D, "fees_per_block": 0.03, "subsidy": 3.125},
        {
            "difficulty": [1e12, D, 1e15],
            "fees_per_block": [0, 0.1, 2],
            "subsidy": [6.25, 3.125, 0],
        },
    ),
    (
        network.hashprice,
        {"btc_price": 87_000, "difficulty": D, "fees_per_block": 0.03, "subsidy": 3.125},
        {
            "btc_price": [1e3, 87_000, 1e6],
            "difficulty": [1e12, D, 1e15],
            "fees_per_block": [0, 0.1, 2],
            "subsidy": [6.25, 3.125, 1.5625],
        },
    ),
    (
        network.fee_share,
        {"fees_per_block": 0.0931, "subsidy": 3.125},
        {"fees_per_block": [0, 0.0931, 2], "subsidy": [6.25, 3.125, 1.5625]},
    ),
    (
        network.fees_from_share,
        {"share": 0.0107, "subsidy": 6.25},
        {"share": [0, 0.0107, 0.5], "subsidy": [6.25, 3.125, 1.5625]},
    ),
    (energy.check_efficiency, {"efficiency": 13.5}, {"efficiency": [5, 13.5, 120]}),
    (energy.check_pue, {"pue": 1.1}, {"pue": [1, 1.1, 1.5]}),
    (energy.check_uptime, {"uptime": 0.9}, {"uptime": [0.5, 0.9, 1]}),
    (
        energy.energy_per_th_day,
        {"efficiency": 13.5, "pue": 1.1, "uptime": 0.9},
        {"efficiency": [5, 13.5, 120], "pue": [1, 1.1, 1.5], "uptime": [0.5, 0.9, 1]},
    ),
    (
        energy.energy_cost_per_th,
        {"efficiency": 13.5, "power_price": 0.05, "pue": 1.1, "uptime": 0.9},
        {
            "efficiency": [5, 13.5, 120],
            "power_price": [0, 0.05, 0.3],
            "pue": [1, 1.1, 1.5],
            "uptime": [0.5, 0.9, 1],
        },
    ),
    (
        economics.btc_mined_per_th,
        {
            "difficulty": D,
            "fees_per_block": 0.03,
            "subsidy": 3.125,
            "pool_fee": 0.02,
            "uptime": 0.9,
        },
        {
            "difficulty": [1e12, D, 1e15],
            "fees_per_block": [0, 0.1, 2],
            "pool_fee": [0, 0.02, 0.05],
            "uptime": [0.5, 0.9, 1],
        },
    ),
    (
        economics.revenue_per_th,
        {"btc_price": 87_000, "difficulty": D, "pool_fee": 0.02, "uptime": 0.9},
        {
            "btc_price": [1e3, 87_000, 1e6],
            "difficulty": [1e12, D, 1e15],
            "pool_fee": [0, 0.02, 0.05],
            "uptime": [0.5, 0.9, 1],
        },
    ),
    (
        economics.margin_per_th,
        {
            "btc_price": 87_000,
            "difficulty": D,
            "efficiency": 13.5,
            "power_price": 0.05,
            "fees_per_block": 0.03,
            "subsidy": 3.125,
            "pool_fee": 0.02,
            "pue": 1.1,
            "uptime": 0.9,
            "other_opex": 0.001,
        },
        {
            "btc_price": [1e3, 87_000, 1e6],
            "difficulty": [1e12, D, 1e15],
            "efficiency": [5, 13.5, 120],
            "power_price": [0, 0.05, 0.3],
            "pue": [1, 1.1, 1.5],
            "other_opex": [0, 0.001, 0.02],
        },
    ),
    (
        economics.breakeven_btc_price,
        {
            "difficulty": D,
            "efficiency": 13.5,
            "power_price": 0.05,
            "pool_fee": 0.02,
            "pue": 1.1,
            "uptime": 0.9,
            "other_opex": 0.001,
        },
        {
            "difficulty": [1e12, D, 1e15],
            "efficiency": [5, 13.5, 120],
            "power_price": [0, 0.05, 0.3],
            "uptime": [0.5, 0.9, 1],
        },
    ),
    (
        economics.breakeven_power_price,
        {"btc_price": 87_000, "difficulty": D, "efficiency": 13.5, "other_opex": 0.001},
        {
            "btc_price": [1e3, 87_000, 1e6],
            "difficulty": [1e12, D, 1e15],
            "efficiency": [5, 13.5, 120],
            "other_opex": [0, 0.001, 0.02],  # the first case (1e3 USD, 1e12) is nan
        },
    ),
    (
        economics.breakeven_difficulty,
        {"btc_price": 87_000, "efficiency": 13.5, "power_price": 0.05, "pool_fee": 0.02},
        {
            "btc_price": [1e3, 87_000, 1e6],
            "efficiency": [5, 13.5, 120],
            "power_price": [0, 0.05, 0.3],  # the first case is inf
            "pool_fee": [0, 0.02, 0.05],
        },
    ),
    (
        economics.shutdown_hashprice,
        {"efficiency": 13.5, "power_price": 0.05, "pue": 1.1, "pool_fee": 0.02},
        {
            "efficiency": [5, 13.5, 120],
            "power_price": [0, 0.05, 0.3],
            "pue": [1, 1.1, 1.5],
            "variable_opex": [0, 0.001, 0.02],
        },
    ),
    (
        economics.energy_cost_per_btc,
        {"difficulty": D, "efficiency": 13.5, "power_price": 0.05, "pue": 1.1},
        {
            "difficulty": [1e12, D, 1e15],
            "efficiency": [5, 13.5, 120],
            "power_price": [0, 0.05, 0.3],
            "subsidy": [3.125, 1.5625, 0],  # the last case is inf
        },
    ),
    (
        economics.cash_cost_per_btc,
        {"difficulty": D, "efficiency": 13.5, "power_price": 0.05, "sga": 0.002},
        {
            "difficulty": [1e12, D, 1e15],
            "efficiency": [5, 13.5, 120],
            "other_opex": [0, 0.001, 0.02],
            "sga": [0, 0.002, 0.01],
        },
    ),
    (
        economics.all_in_cost_per_btc,
        {"difficulty": D, "efficiency": 13.5, "power_price": 0.05, "depreciation": 0.0235},
        {
            "difficulty": [1e12, D, 1e15],
            "power_price": [0, 0.05, 0.3],
            "depreciation": [0, 0.0235, 0.1],
        },
    ),
    (
        economics.depreciation_per_th,
        {"capex_per_th": 25.7, "life_years": 3, "residual_value": 2.0},
        {
            "capex_per_th": [10, 25.7, 50],
            "life_years": [1, 3, 5],
            "residual_value": [0, 2, 10],
        },
    ),
    (
        economics.profitability_threshold,
        {"btc_price": 87_000, "difficulty": D, "power_price": 0.05, "pue": 1.1},
        {
            "btc_price": [1e3, 87_000, 1e6],
            "difficulty": [1e12, D, 1e15],
            "power_price": [0, 0.05, 0.3],  # the first case is inf
            "pue": [1, 1.1, 1.5],
        },
    ),
    (
        economics.payback_days,
        {"capex_per_th": 25.7, "margin": 0.02362},
        {"capex_per_th": [0, 25.7, 50], "margin": [-0.01, 0.02362, 0]},
    ),
    (
        economics.payback_days,
        {"capex_per_th": 25.7, "margin": -0.01},  # no solution: inf for every capex
        {"capex_per_th": [0, 25.7, 50]},
    ),
    (
        hardware.site_power_mw,
        {"hashrate": 45.6e6, "efficiency": 16.7, "pue": 1.1},
        {"hashrate": [0, 45.6e6, 1e8], "efficiency": [5, 16.7, 120], "pue": [1, 1.1, 1.5]},
    ),
    (
        hardware.site_hashrate,
        {"power_mw": 761.52, "efficiency": 16.7, "pue": 1.1},
        {"power_mw": [0, 761.52, 1000], "efficiency": [5, 16.7, 120], "pue": [1, 1.1, 1.5]},
    ),
    (
        units.hashprice_to_ph_day,
        {"hashprice_th_day": 0.03982},
        {"hashprice_th_day": [0, 0.03982, 0.5]},
    ),
    (
        units.hashprice_from_ph_day,
        {"hashprice_ph_day": 39.82},
        {"hashprice_ph_day": [0, 39.82, 500]},
    ),
]

INT_OUT = {network.block_subsidy_sat, network.halving_height, network.next_halving_height}
UNITS = {units.hashprice_to_ph_day, units.hashprice_from_ph_day}

INDEX = pd.date_range("2025-11-01", periods=3, freq="D", name="date")


_FIRST_BASE = {}
for _func, _base, _ in TABLE:
    _FIRST_BASE.setdefault(_func, _base)


def _id(func, vary, base):
    """Function and varied arguments, plus any base value that differs from the
    function's first table entry (payback_days appears twice)."""
    differs = [f"{k}={v:g}" for k, v in base.items() if _FIRST_BASE[func].get(k) != v]
    return f"{func.__name__}[{','.join(vary)}]" + "".join(f"-{d}" for d in differs)


# Each function once with all its varied arguments varying together, and once per
# argument varying alone (the others scalar), so that scalar-with-Series and
# scalar-with-DataArray combinations are covered too.
CASES = []
for _func, _base, _vary in TABLE:
    CASES.append(pytest.param(_func, _base, _vary, id=_id(_func, _vary, _base)))
    if len(_vary) > 1:
        for _name, _values in _vary.items():
            CASES.append(
                pytest.param(
                    _func, _base, {_name: _values}, id=_id(_func, {_name: _values}, _base)
                )
            )


def _scalar_results(func, base, vary):
    return [func(**{**base, **{k: v[i] for k, v in vary.items()}}) for i in range(3)]


def _assert_values(out, expected):
    assert_allclose(np.asarray(out, dtype=float), np.asarray(expected, dtype=float), rtol=1e-14)


def test_every_public_function_is_in_the_table():
    # guard: a new public function of these modules must be added to TABLE
    excluded = {
        "estimate_height_date",
        "bits_to_target",
        "target_to_difficulty",
        "bits_to_difficulty",
        "check",  # re-exported from _contract
        "scalar_out",
    }
    covered = {func for func, _, _ in TABLE}
    for module in (network, energy, economics, units):
        for name, obj in vars(module).items():
            if (
                inspect.isfunction(obj)
                and not name.startswith("_")
                and obj.__module__ == module.__name__
                and name not in excluded
            ):
                assert obj in covered, f"{module.__name__}.{name} is not in TABLE"


@pytest.mark.parametrize(("func", "base", "vary"), CASES)
def test_scalar_in_float_out(func, base, vary):
    for out in _scalar_results(func, base, vary):
        assert type(out) is (int if func in INT_OUT else float), type(out)


@pytest.mark.parametrize(("func", "base", "vary"), CASES)
def test_numpy_in_ndarray_out(func, base, vary):
    expected = _scalar_results(func, base, vary)
    out = func(**{**base, **{k: np.array(v) for k, v in vary.items()}})
    assert isinstance(out, np.ndarray)
    assert out.shape == (3,)
    _assert_values(out, expected)


@pytest.mark.parametrize(("func", "base", "vary"), CASES)
def test_series_in_series_out(func, base, vary):
    expected = _scalar_results(func, base, vary)
    out = func(**{**base, **{k: pd.Series(v, index=INDEX) for k, v in vary.items()}})
    assert isinstance(out, pd.Series)
    pd.testing.assert_index_equal(out.index, INDEX)
    _assert_values(out.to_numpy(), expected)


@pytest.mark.parametrize(("func", "base", "vary"), CASES)
def test_dataarray_in_dataarray_out(func, base, vary):
    expected = _scalar_results(func, base, vary)
    arrays = {k: xr.DataArray(v, dims="date", coords={"date": INDEX}) for k, v in vary.items()}
    out = func(**{**base, **arrays})
    assert isinstance(out, xr.DataArray)
    assert out.dims == ("date",)
    pd.testing.assert_index_equal(out.indexes["date"], INDEX)
    _assert_values(out.values, expected)


@pytest.mark.parametrize(
    ("func", "base", "vary"),
    [pytest.param(f, b, v, id=_id(f, v, b)) for f, b, v in TABLE if len(v) > 1],
)
def test_numpy_broadcasts(func, base, vary):
    # first varied argument as a (3, 1) column, the others as (3,) rows:
    # out[i, j] = f(first=v[i], others=v[j])
    first, *others = vary
    arrays = {first: np.array(vary[first])[:, np.newaxis]}
    arrays |= {k: np.array(vary[k]) for k in others}
    out = func(**{**base, **arrays})
    assert isinstance(out, np.ndarray)
    assert out.shape == (3, 3)
    for i in range(3):
        for j in range(3):
            scalar = func(**{**base, first: vary[first][i], **{k: vary[k][j] for k in others}})
            assert_allclose(out[i, j], scalar, rtol=1e-14)


# --------------------------------------------------------------------------
# A 4-D grid of DataArrays
# --------------------------------------------------------------------------

GRID = {
    "btc_price": xr.DataArray(
        [50_000.0, 100_000.0], dims="btc_price", coords={"btc_price": [50_000.0, 100_000.0]}
    ),
    "difficulty": xr.DataArray([1e14, 1.5e14, 2e14], dims="difficulty"),
    "efficiency": xr.DataArray([13.5, 17.5, 21.5, 29.5], dims="efficiency"),
    "power_price": xr.DataArray(np.linspace(0.0, 0.1, 5), dims="power_price"),
    "other_opex": xr.DataArray([0.0, 0.05], dims="other_opex"),
    "uptime": xr.DataArray([0.5, 0.75, 1.0], dims="uptime"),
    "pool_fee": xr.DataArray([0.0, 0.02], dims="pool_fee"),
}


@pytest.mark.parametrize(
    ("func", "names"),
    [
        (economics.margin_per_th, ["btc_price", "difficulty", "efficiency", "power_price"]),
        (economics.breakeven_btc_price, ["difficulty", "efficiency", "power_price", "uptime"]),
        (economics.breakeven_power_price, ["btc_price", "difficulty", "efficiency", "other_opex"]),
        (economics.breakeven_difficulty, ["btc_price", "efficiency", "power_price", "pool_fee"]),
        (economics.cash_cost_per_btc, ["difficulty", "efficiency", "power_price", "uptime"]),
        (economics.profitability_threshold, ["btc_price", "difficulty", "power_price", "pue"]),
    ],
)
def test_four_dimensional_grid(func, names):
    grid = GRID | {"pue": xr.DataArray([1.0, 1.2], dims="pue")}
    out = func(**{name: grid[name] for name in names})
    assert isinstance(out, xr.DataArray)
    assert set(out.dims) == set(names)
    assert out.sizes == {name: grid[name].size for name in names}
    if "btc_price" in names:  # the one dimension with a coordinate keeps it
        assert_array_equal(out["btc_price"].values, [50_000.0, 100_000.0])
    # every cell equals the scalar call at its coordinates (all cells, the grid is small)
    for cell in np.ndindex(*[grid[name].size for name in names]):
        point = {name: float(grid[name][k]) for name, k in zip(names, cell, strict=True)}
        expected = func(**point)
        got = float(out.isel(dict(zip(names, cell, strict=True))))
        assert_allclose(got, expected, rtol=1e-14)


def test_payback_days_on_a_grid():
    margin = economics.margin_per_th(
        GRID["btc_price"], GRID["difficulty"], GRID["efficiency"], GRID["power_price"]
    )
    capex = xr.DataArray([10.0, 25.7], dims="capex")
    out = economics.payback_days(capex, margin)
    assert isinstance(out, xr.DataArray)
    assert out.ndim == 5
    # inf exactly where the margin is <= 0, capex / margin elsewhere
    expected = xr.where(margin > 0, capex / margin.where(margin > 0), np.inf)
    assert_allclose(out.transpose(*expected.dims).values, expected.values, rtol=1e-14)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

# argument -> [(bad value, valid range as the message writes it, value as written)]
OUT_OF_RANGE = {
    "btc_price": [(-1.0, "[0, inf]", "-1")],
    "power_price": [(-0.01, "[0, inf]", "-0.01")],
    "difficulty": [(0.0, "(0, inf]", "0"), (-1e12, "(0, inf]", "-1e+12")],
    "efficiency": [(0.0, "(0, inf]", "0")],
    "pool_fee": [(1.0, "[0, 1)", "1"), (-0.1, "[0, 1)", "-0.1")],
    "uptime": [(0.0, "(0, 1]", "0"), (1.5, "(0, 1]", "1.5")],
    "pue": [(0.9, "[1, inf]", "0.9")],
    "fees_per_block": [(-0.1, "[0, inf]", "-0.1")],
    "subsidy": [(-3.125, "[0, inf]", "-3.125")],
    "other_opex": [(-0.001, "[0, inf]", "-0.001")],
    "variable_opex": [(-0.001, "[0, inf]", "-0.001")],
    "sga": [(-0.001, "[0, inf]", "-0.001")],
    "depreciation": [(-0.001, "[0, inf]", "-0.001")],
    "capex_per_th": [(-1.0, "[0, inf]", "-1")],
    "life_years": [(0.0, "(0, inf]", "0")],
    "residual_value": [(-1.0, "[0, inf]", "-1")],
    "share": [(1.0, "[0, 1)", "1")],
    "height": [(-1, "[0, inf]", "-1")],
    # Upper bounds: the height a halving number gives, or the next halving of a
    # height, must fit an int64 (network.MAX_HALVING_NUMBER = (2**63 - 1) // 210000).
    "halving": [(-1, "[0, 43920819223117]", "-1"), (2**53, "[0, 43920819223117]", "9.0072e+15")],
    "next_halving_height.height": [
        (-1, "[0, 9223372036854569999]", "-1"),
        (2**63, "[0, 9223372036854569999]", "9.22337e+18"),
    ],
    "block_interval": [(0.0, "(0, inf]", "0")],
    "actual_timespan": [(0.0, "(0, inf]", "0")],
    "target_timespan": [(0.0, "(0, inf]", "0")],
    "power_mw": [(-1.0, "[0, inf]", "-1")],
}


def _arguments(predicate=lambda func, name: True):
    """(func, base, argument) for every numeric argument in the table."""
    seen = set()
    params = []
    for func, base, _ in TABLE:
        for name in base:
            if (func, name) not in seen and predicate(func, name):
                seen.add((func, name))
                params.append(pytest.param(func, base, name, id=f"{func.__name__}-{name}"))
    return params


def _range_cases():
    cases = []
    for param in _arguments(lambda func, name: name in OUT_OF_RANGE):
        func, base, name = param.values
        for value, valid, written in OUT_OF_RANGE.get(
            f"{func.__name__}.{name}", OUT_OF_RANGE[name]
        ):
            cases.append(
                pytest.param(func, base, name, value, valid, written, id=f"{param.id}={written}")
            )
    return cases


@pytest.mark.parametrize(("func", "base", "name", "value", "valid", "written"), _range_cases())
def test_out_of_range_names_argument_value_and_range(func, base, name, value, valid, written):
    pattern = rf"^{re.escape(name)} must be in {re.escape(valid)}.*got {re.escape(written)}"
    with pytest.raises(ValueError, match=pattern):
        func(**{**base, name: value})


@pytest.mark.parametrize(("func", "base", "name", "value", "valid", "written"), _range_cases())
def test_out_of_range_inside_array_names_position(func, base, name, value, valid, written):
    good = base[name]
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must be in .* at position 2"):
        func(**{**base, name: np.array([good, good, value])})


def _validated(func, name):
    return func not in UNITS


@pytest.mark.parametrize(("func", "base", "name"), _arguments(_validated))
def test_nan_rejected(func, base, name):
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must not be NaN"):
        func(**{**base, name: float("nan")})


@pytest.mark.parametrize(("func", "base", "name"), _arguments(_validated))
def test_nan_inside_array_names_position(func, base, name):
    values = np.array([base[name], np.nan, base[name]], dtype=float)
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must not be NaN.*position 1\b"):
        func(**{**base, name: values})


def test_nan_position_in_two_dimensions():
    power_price = np.array([[0.05, 0.06], [0.07, np.nan]])
    with pytest.raises(ValueError, match=r"power_price must not be NaN.*position \(1, 1\)"):
        economics.margin_per_th(87_000, D, 13.5, power_price)


def test_nan_in_series_and_dataarray_rejected():
    series = pd.Series([0.05, np.nan], index=INDEX[:2])
    with pytest.raises(ValueError, match=r"power_price must not be NaN.*position 1"):
        economics.margin_per_th(87_000, D, 13.5, series)
    with pytest.raises(ValueError, match=r"power_price must not be NaN.*position 1"):
        economics.margin_per_th(87_000, D, 13.5, xr.DataArray(series.to_numpy(), dims="date"))


@pytest.mark.parametrize(("func", "base", "name"), _arguments())
@pytest.mark.parametrize("value", [True, False])
def test_boolean_rejected(func, base, name, value):
    with pytest.raises(ValueError, match=rf"^{re.escape(name)}\b.*boolean"):
        func(**{**base, name: value})


@pytest.mark.parametrize(("func", "base", "name"), _arguments())
def test_string_raises_value_error(func, base, name):
    # a ValueError naming the argument, not a TypeError from inside numpy
    with pytest.raises(ValueError, match=rf"^{re.escape(name)}\b"):
        func(**{**base, name: "0.05"})


@pytest.mark.parametrize(("func", "base", "name"), _arguments(_validated))
def test_list_with_bad_entry_names_argument_and_position(func, base, name):
    # lists are array-like input (converted to float arrays by _contract.check);
    # a NaN inside one is rejected with its position like in an array
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must not be NaN.*position 1\b"):
        func(**{**base, name: [base[name], float("nan")]})


@pytest.mark.parametrize(("func", "base", "name"), _arguments(_validated))
def test_list_is_treated_as_an_array(func, base, name):
    as_list = func(**{**base, name: [base[name], base[name]]})
    as_array = func(**{**base, name: np.array([base[name], base[name]])})
    assert isinstance(as_list, np.ndarray)
    assert_array_equal(as_list, as_array)


# --------------------------------------------------------------------------
# Reliability (fuzzing): numpy booleans, datetimes, half floats, huge integers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("func", "base", "name"), _arguments())
@pytest.mark.parametrize("value", [np.True_, np.False_])
def test_numpy_boolean_rejected_like_python_boolean(func, base, name, value):
    # np.bool_ was read as 1 or 0 while True was refused: now the same message.
    message = rf"^{re.escape(name)} must be a number, got the boolean {bool(value)}$"
    with pytest.raises(ValueError, match=message):
        func(**{**base, name: value})
    with pytest.raises(ValueError, match=message):
        func(**{**base, name: bool(value)})


@pytest.mark.parametrize(("func", "base", "name"), _arguments())
@pytest.mark.parametrize(
    "value",
    [
        np.array([1, 2], dtype="timedelta64[s]"),
        np.timedelta64(1, "D"),
        pd.Series(pd.to_timedelta([1, 2], unit="D")),
        np.array(["2024-01-01"], dtype="datetime64[D]"),
        np.datetime64("2024-01-01"),
        np.complex128(1 + 0j),
        np.str_("5"),
    ],
    ids=["td64-array", "td64", "td-series", "dt64-array", "dt64", "complex", "np-str"],
)
def test_datetimes_and_other_non_real_dtypes_rejected(func, base, name, value):
    # timedelta64 is a numpy "integer" and passed through unchanged before.
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must be a real number"):
        func(**{**base, name: value})


@pytest.mark.parametrize(("func", "base", "name"), _arguments())
@pytest.mark.parametrize("value", [10**400, [1, 10**400], -(10**309)])
def test_integer_too_large_for_a_float_names_the_argument(func, base, name, value):
    # float(10**400) raised OverflowError from inside the check.
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must be a real number within"):
        func(**{**base, name: value})


def test_float16_is_upcast_to_float64_keeping_the_kind():
    # Documented in _contract.check: half floats are computed in float64.
    # Same values given as float16 and as float64 (0.05 rounds to 0.04999 in
    # float16; the float64 reference uses the rounded value).
    half = np.array([0.05, 0.07], dtype=np.float16)
    reference = economics.margin_per_th(87_000, D, 13.5, half.astype(np.float64))
    got = economics.margin_per_th(87_000, D, 13.5, half)
    assert got.dtype == np.float64
    assert_array_equal(got, reference)
    series = economics.margin_per_th(87_000, D, 13.5, pd.Series(half, index=INDEX[:2]))
    assert series.dtype == np.float64 and list(series.index) == list(INDEX[:2])
    assert_array_equal(series.to_numpy(), reference)
    array = economics.margin_per_th(87_000, D, 13.5, xr.DataArray(half, dims="date"))
    assert array.dtype == np.float64
    assert_array_equal(array.values, reference)
    scalar = economics.margin_per_th(87_000, D, 13.5, np.float16(0.05))
    assert isinstance(scalar, float) and scalar == reference[0]


def test_check_widens_narrow_dtypes_only():
    from minerecon import _contract

    for kind in (np.array, pd.Series, xr.DataArray):
        out = _contract.check("x", kind(np.array([1.5], dtype=np.float16)))
        assert out.dtype == np.float64 and type(out) is type(kind([0]))
        for dtype in (np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint32):
            out = _contract.check("x", kind(np.array([3], dtype=dtype)))
            assert out.dtype == np.int64 and type(out) is type(kind([0]))
    # 64-bit dtypes and float32 pass through unchanged (the contract returns what it got)
    for dtype in (np.float32, np.float64, np.int64, np.uint64):
        value = np.array([1], dtype=dtype)
        assert _contract.check("x", value) is value


def test_small_integer_arrays_do_not_wrap_round():
    # 300 TH/s * 200 J/TH = 60,000 W = 0.06 MW (hand calculation); in int16
    # the product wrapped to -5,536 W and the power came out negative.
    hashrate = np.array([300], dtype=np.int16)
    efficiency = np.array([200], dtype=np.int16)
    assert_allclose(hardware.site_power_mw(hashrate, efficiency), [0.06], rtol=1e-15)


@pytest.mark.parametrize("value", [np.timedelta64(5, "D"), np.True_, True, 2.0, "3"])
def test_check_count_refuses_what_is_not_an_integer(value):
    from minerecon import _contract

    with pytest.raises(ValueError, match=r"^n must be an integer >= 1"):
        _contract.check_count("n", value)


def test_divide_gives_inf_and_nan_without_exception_or_warning():
    # IEEE 754: x/0 = +-inf, 0/0 = nan. Python raises ZeroDivisionError on floats.
    import warnings

    from minerecon import _contract

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _contract.divide(1.0, 0.0) == np.inf
        assert _contract.divide(-1.0, 0.0) == -np.inf
        assert np.isnan(_contract.divide(0.0, 0.0))
        assert isinstance(_contract.divide(3.0, 2.0), float)
        out = _contract.divide(pd.Series([1.0, 0.0], index=["a", "b"]), 0.0)
    assert list(out.index) == ["a", "b"]
    assert_array_equal(out.to_numpy(), [np.inf, np.nan])


# --------------------------------------------------------------------------
# Labelled inputs that do not line up are refused, not aligned silently
# --------------------------------------------------------------------------

MULTI = [
    pytest.param(func, base, vary, id=func.__name__)
    for func, base, vary in {f: (f, b, v) for f, b, v in TABLE if len(v) > 1}.values()
]


@pytest.mark.parametrize(("func", "base", "vary"), MULTI)
def test_series_with_different_indexes_are_refused(func, base, vary):
    # pandas would align on the union of the indexes and give NaN rows: a silent
    # wrong answer. Two arguments with different indexes name both in the error.
    first, second = list(vary)[:2]
    one = pd.Series(vary[first], index=["a", "b", "c"])
    other = pd.Series(vary[second], index=["a", "b", "d"])
    with pytest.raises(ValueError, match=rf"{first} and {second} are Series with different"):
        func(**{**base, first: one, second: other})
    # The same labels in another order are different too: refused, not re-sorted.
    shuffled = pd.Series(vary[second], index=["b", "a", "c"])
    with pytest.raises(ValueError, match="different indexes"):
        func(**{**base, first: one, second: shuffled})


@pytest.mark.parametrize(("func", "base", "vary"), MULTI)
def test_dataarrays_with_different_coordinates_are_refused(func, base, vary):
    # xarray would take the intersection of the coordinates and drop the rest.
    first, second = list(vary)[:2]
    one = xr.DataArray(vary[first], dims="case", coords={"case": [0, 1, 2]})
    other = xr.DataArray(vary[second], dims="case", coords={"case": [0, 1, 5]})
    with pytest.raises(ValueError, match="coordinates differ"):
        func(**{**base, first: one, second: other})
    # Different dimensions broadcast by name: that is the grid, not a misalignment.
    across = xr.DataArray(vary[second], dims="other")
    assert set(func(**{**base, first: one, second: across}).dims) == {"case", "other"}


def test_a_series_and_a_dataarray_together_are_refused():
    with pytest.raises(ValueError, match="same kind"):
        economics.margin_per_th(
            pd.Series([90_000.0, 100_000.0]),
            xr.DataArray([150e12, 160e12], dims="difficulty"),
            13.5,
            0.05,
        )
