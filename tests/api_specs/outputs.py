"""Fuzz specs: outputs (sweeps, sensitivity, plots, HTML pages, report tables, explorer).

Heavy callables (Monte Carlo sweeps, Sobol, Morris, the decision tornado) run on
a 30-day scenario of ten machines with a few paths, a handful of examples, and
attack their size arguments with :data:`SMALL_GARBAGE` only.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import tempfile
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr
from hypothesis import strategies as st
from matplotlib.axes import Axes
from numpy.testing import assert_allclose

from api_specs import (
    GARBAGE,
    SMALL_GARBAGE,
    Call,
    Spec,
    assert_finite,
    fixed_call,
    numbers,
)
from minerecon import economics, explorer, html, report, sensitivity, sweep
from minerecon.hardware import Deployment, get_miner
from minerecon.hosting import ColocationLease
from minerecon.network import NetworkState
from minerecon.price import GBM
from minerecon.projection import MiningScenario, simulate
from minerecon.scenario import Site, Split
from minerecon.valuation import Valuation

# A day of the network close to the bundled history's end (difficulty 150 T,
# 90,000 USD/BTC, no fees): every break-even below is finite and positive.
STATE = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
MINERS = ["Antminer S21 XP", "Antminer S21", "Antminer S19j Pro", "Whatsminer M60S"]


# --------------------------------------------------------------------------
# shared builders
# --------------------------------------------------------------------------


def _axis(low: float, high: float, *, log: bool = False, max_size: int = 3, size=None):
    """Sorted distinct values in [low, high] (``size`` of them if given) as a list, a
    tuple, an ndarray or a DataArray."""
    low_size, high_size = (size, size) if size else (1, max_size)
    values = st.lists(
        numbers(low, high, log=log), min_size=low_size, max_size=high_size, unique=True
    ).map(sorted)
    kinds = {
        "list": list,
        "tuple": tuple,
        "array": np.asarray,
        "dataarray": lambda v: xr.DataArray(v, dims="values"),
    }
    return st.tuples(values, st.sampled_from(sorted(kinds))).map(
        lambda pair: kinds[pair[1]](pair[0])
    )


def _miner_axis(max_size: int = 3, size=None):
    low_size, high_size = (size, size) if size else (1, max_size)
    return st.lists(st.sampled_from(MINERS), min_size=low_size, max_size=high_size, unique=True)


def _scenario(days: int = 30, units: int = 10) -> MiningScenario:
    fleet = Deployment("Antminer S21 XP", units, capex_per_unit=5_000)
    return MiningScenario(fleet, start=STATE, days=days, price=GBM(drift=0.0, volatility=0.5))


@functools.cache
def _site_case() -> tuple[Site, Split, MiningScenario]:
    """A 1 MW site of 200 S21 XP, half leased; 30 days of a zero-drift GBM."""
    site = Site(1.0, Deployment("Antminer S21 XP", 200))
    lease = ColocationLease(
        rate=150.0, term_years=1, capex_per_it_mw=9e6, build_days=10, ramp_days=5
    )
    market = MiningScenario(site.fleet, start=STATE, days=30, price=GBM(0.0, 0.5))
    return site, Split(lease, fraction=0.5), market


@functools.cache
def _simulation():
    return simulate(_scenario(days=45), 8, seed=1, output="full")


def _labels(values: Any) -> list:
    return [get_miner(v).name if isinstance(v, str) else v for v in np.asarray(values).tolist()]


def _is_axis(value: Any) -> bool:
    return isinstance(value, list | tuple | np.ndarray | xr.DataArray) and np.ndim(value) == 1


def _grid(
    call_kwargs: dict[str, Any], zipped: dict[str, str] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The swept arguments as DataArrays on their dims (their own, or the one ``zipped``
    maps them to; miner as efficiency), and the dims in the order a sweep gives them."""
    zipped = zipped or {}
    arguments: dict[str, Any] = {}
    dims: list[str] = []
    for name, value in call_kwargs.items():
        if not _is_axis(value):
            arguments["efficiency" if name == "miner" else name] = (
                get_miner(value).efficiency if name == "miner" else value
            )
            continue
        dim = zipped.get(name, name)
        if name == "miner":
            efficiency = [get_miner(n).efficiency for n in _labels(value)]
            arguments["efficiency"] = xr.DataArray(efficiency, dims=dim)
        else:
            arguments[name] = xr.DataArray(np.asarray(value, dtype=float), dims=dim)
        if dim not in dims:
            dims.append(dim)
    return arguments, dims


def _zipped(zip_: Any) -> dict[str, str]:
    """Argument -> the dim a ``zip=`` of :func:`minerecon.sweep.sweep` puts it on."""
    if zip_ is None:
        return {}
    items = zip_.items() if isinstance(zip_, dict) else [("_".join(g), g) for g in zip_]
    return {name: dim for dim, group in items for name in group}


# --------------------------------------------------------------------------
# sweep
# --------------------------------------------------------------------------

SWEEP_KEYS = ("memory_budget_mb", "reduce", "zip", "progress", "client")
FUNCS = {
    "margin_per_th": economics.margin_per_th,
    "revenue_per_th": economics.revenue_per_th,
    "breakeven_btc_price": economics.breakeven_btc_price,
}


@st.composite
def sweep_calls(draw) -> Call:
    name = draw(st.sampled_from(sorted(FUNCS)))
    func = draw(st.sampled_from([FUNCS[name], name]))
    kwargs: dict[str, Any] = {"func": func}
    # Axes of one length half of the time, so that some can be zipped.
    size = draw(st.one_of(st.none(), st.integers(1, 3)))
    inputs = {
        "btc_price": _axis(1e4, 2e5, size=size),
        "difficulty": _axis(1e13, 1e15, log=True, size=size),
        "power_price": _axis(0.01, 0.2, size=size),
        "pool_fee": _axis(0.0, 0.05, size=size),
    }
    wanted = {
        "margin_per_th": ["btc_price", "difficulty", "miner", "power_price", "pool_fee"],
        "revenue_per_th": ["btc_price", "difficulty", "pool_fee"],
        "breakeven_btc_price": ["difficulty", "miner", "power_price", "pool_fee"],
    }[name]
    for key in draw(st.permutations(wanted)):
        if key == "miner":
            value = draw(st.one_of(_miner_axis(size=size), st.sampled_from(MINERS)))
        elif draw(st.booleans()):
            value = draw(inputs[key])
        else:
            value = draw(inputs[key].map(lambda v: float(v[0])))
        kwargs[key] = value
    kwargs["memory_budget_mb"] = draw(st.sampled_from([512, 1.0, 0.01]))
    kwargs["progress"] = False
    axes = [k for k, v in kwargs.items() if k not in ("func", *SWEEP_KEYS) and _is_axis(v)]
    kwargs["zip"] = None
    kwargs["client"] = None
    # Two axes of one length may vary together, on a dim of their joined names or one named.
    pairs = [(a, b) for a in axes for b in axes if a < b and len(kwargs[a]) == len(kwargs[b])]
    if pairs and draw(st.booleans()):
        pair = draw(st.sampled_from(pairs))
        kwargs["zip"] = draw(st.sampled_from([[pair], {"case": pair}]))
        axes = [a for a in axes if a not in pair] + [
            "case" if isinstance(kwargs["zip"], dict) else "_".join(pair)
        ]
    if axes and draw(st.booleans()):
        kwargs["reduce"] = {
            "dim": draw(st.sampled_from(axes)),
            "how": draw(st.sampled_from(["mean", "sum", "min", "max", "prob_below"])),
        }
    return Call(kwargs)


def _expected_sweep(call: Call) -> tuple[str, xr.DataArray]:
    func = call.kwargs["func"]
    func = FUNCS[func] if isinstance(func, str) else func
    inputs = {k: v for k, v in call.kwargs.items() if k not in ("func", *SWEEP_KEYS)}
    arguments, dims = _grid(inputs, _zipped(call.kwargs.get("zip")))
    value = func(**arguments)
    if not isinstance(value, xr.DataArray):
        value = xr.DataArray(value)
    present = [d for d in dims if d in value.dims]
    return func.__name__, value.transpose(*present)


def check_sweep(call: Call, result: Any) -> None:
    assert isinstance(result, xr.Dataset), type(result)
    name, expected = _expected_sweep(call)
    inputs = {k: v for k, v in call.kwargs.items() if k not in ("func", *SWEEP_KEYS)}
    zipped = _zipped(call.kwargs.get("zip"))
    _, dims = _grid(inputs, zipped)
    sizes = {zipped.get(k, k): len(v) for k, v in inputs.items() if _is_axis(v)}
    reduce = call.kwargs.get("reduce")
    if reduce:
        how, dim = reduce["how"], reduce["dim"]
        var = result[f"{name}_{how}"]
        assert var.dims == tuple(d for d in dims if d != dim)
        expected = expected.broadcast_like(
            xr.DataArray(np.zeros([sizes[d] for d in dims]), dims=dims)
        ).transpose(*dims)
        # Sums over cells in axis order, as the docstring promises.
        reduced = {
            "mean": lambda a: a.mean(dim),
            "sum": lambda a: a.sum(dim),
            "min": lambda a: a.min(dim),
            "max": lambda a: a.max(dim),
            "prob_below": lambda a: (a < 0).mean(dim),
        }[how](expected)
        assert_allclose(var.values, reduced.transpose(*var.dims).values, rtol=1e-12)
    else:
        var = result[name]
        assert var.dims == tuple(dims), (var.dims, dims)
        assert var.attrs["units"] == sweep.OUTPUT_UNITS[name]
        full = expected.broadcast_like(var).transpose(*var.dims)
        assert_allclose(var.values, full.values, rtol=1e-12)
    # Each swept argument is a coordinate along its dim, with its values as given.
    for name, given in inputs.items():
        if not _is_axis(given) or zipped.get(name, name) not in var.dims:
            continue
        if name == "miner":
            assert result.coords["miner"].values.tolist() == _labels(given)
        else:
            assert_allclose(result.coords[name].values, np.asarray(given, dtype=float))
    assert_finite(var)


@st.composite
def sweep_invalid(draw):
    call = draw(sweep_calls())
    case = draw(st.integers(0, 5))
    if case == 0:
        return call.replace("memory_budget_mb", draw(st.sampled_from([0, -5.0, "big"]))), (
            "memory_budget_mb"
        )
    if case == 1:
        return call.replace("func", draw(st.sampled_from(["no_such_function", 3.0]))), "func"
    if case == 2:
        return call.replace("reduce", {"dim": "nowhere", "how": "mean"}), "reduce"
    if case == 3:
        return call.replace("zip", [("difficulty",)]), "zip"
    if case == 4:
        return call.replace("difficulty", []), "difficulty"
    return call.replace("difficulty", [-1.0, 2e14]), "difficulty"


# --------------------------------------------------------------------------
# break-even sweeps
# --------------------------------------------------------------------------


@st.composite
def surface_calls(draw) -> Call:
    x_name, y_name = draw(
        st.permutations(["power_price", "miner", "pool_fee"]).map(lambda p: p[:2])
    )
    axes = {
        "power_price": _axis(0.01, 0.2),
        "pool_fee": _axis(0.0, 0.05),
        "miner": _miner_axis(),
    }
    x_values, y_values = draw(axes[x_name]), draw(axes[y_name])
    form = draw(st.sampled_from(["tuple", "dict"]))
    pack = (lambda n, v: (n, v)) if form == "tuple" else (lambda n, v: {n: v})
    kwargs: dict[str, Any] = {"x_axis": pack(x_name, x_values), "y_axis": pack(y_name, y_values)}
    kwargs["difficulty"] = draw(numbers(1e13, 1e15, log=True))
    kwargs["fees_per_block"] = draw(numbers(0.0, 1.0))
    kwargs["subsidy"] = 3.125
    if "miner" not in (x_name, y_name):
        kwargs["miner"] = draw(st.sampled_from(MINERS))
    if "power_price" not in (x_name, y_name):
        kwargs["power_price"] = draw(numbers(0.01, 0.2))
    return Call(kwargs)


def _pair(axis: Any) -> tuple[str, Any]:
    return next(iter(axis.items())) if isinstance(axis, dict) else axis


def check_surface(call: Call, result: Any) -> None:
    assert isinstance(result, xr.DataArray), type(result)
    x_name, x_values = _pair(call.kwargs["x_axis"])
    y_name, y_values = _pair(call.kwargs["y_axis"])
    assert result.dims == (y_name, x_name)
    assert result.attrs["units"] == "USD/BTC"
    inputs = {k: v for k, v in call.kwargs.items() if k not in ("x_axis", "y_axis")}
    arguments, _ = _grid({y_name: y_values, x_name: x_values, **inputs})
    expected = economics.breakeven_btc_price(**arguments).transpose(y_name, x_name)
    assert_allclose(result.values, expected.values, rtol=1e-12)
    assert_finite(result)
    assert (result.values > 0).all()


@st.composite
def contour_calls(draw) -> Call:
    solve_for = draw(st.sampled_from(["btc_price", "power_price", "difficulty"]))
    inputs = {
        "btc_price": _axis(1e4, 2e5),
        "difficulty": _axis(1e13, 1e15, log=True),
        "power_price": _axis(0.01, 0.2),
        "miner": _miner_axis(),
    }
    kwargs: dict[str, Any] = {"solve_for": solve_for}
    for key in draw(st.permutations([k for k in inputs if k != solve_for])):
        if draw(st.booleans()):
            kwargs[key] = draw(inputs[key])
        else:
            kwargs[key] = draw(inputs[key].map(lambda v: v[0]))
    kwargs["fees_per_block"] = draw(numbers(0.0, 1.0))
    kwargs["subsidy"] = 3.125
    return Call(kwargs)


def check_contour(call: Call, result: Any) -> None:
    assert isinstance(result, xr.DataArray), type(result)
    solve_for = call.kwargs["solve_for"]
    inputs = {k: v for k, v in call.kwargs.items() if k != "solve_for"}
    dims = [k for k, v in inputs.items() if _is_axis(v)]
    # The sweep keeps the order of the axes as given.
    assert result.dims == tuple(dims), (result.dims, dims)
    assert_finite(result)
    assert (result.values > 0).all()
    # Law: the margin is zero at the solved value.
    arguments, _ = _grid(inputs)
    arguments[solve_for] = result.drop_vars(list(result.coords))
    margin = economics.margin_per_th(**arguments)
    revenue = economics.revenue_per_th(
        **{k: arguments[k] for k in ("btc_price", "difficulty", "fees_per_block", "subsidy")}
    )
    assert_allclose(margin, 0.0, atol=1e-9 * float(np.max(revenue)))


@st.composite
def profitable_calls(draw) -> Call:
    kwargs: dict[str, Any] = {}
    for key, axis in (("btc_price", _axis(1e4, 2e5)), ("power_price", _axis(0.01, 0.2))):
        kwargs[key] = draw(st.one_of(axis, axis.map(lambda v: v[0])))
    kwargs["miners"] = draw(st.one_of(st.none(), _miner_axis(4)))
    kwargs["difficulty"] = draw(numbers(1e13, 1e15, log=True))
    kwargs["fees_per_block"] = draw(numbers(0.0, 1.0))
    return Call(kwargs)


def check_profitable(call: Call, result: Any) -> None:
    assert isinstance(result, xr.Dataset), type(result)
    assert set(result.data_vars) == {"profitable", "count", "margin_per_th"}
    miners = call.kwargs["miners"]
    n = len(miners) if miners is not None else 17
    assert result.sizes["miner"] == n
    assert result["profitable"].dtype == bool
    assert_finite(result["margin_per_th"])
    assert ((result["margin_per_th"] >= 0) == result["profitable"]).all()
    assert (result["count"] == result["profitable"].sum("miner")).all()
    assert ((result["count"] >= 0) & (result["count"] <= n)).all()


# --------------------------------------------------------------------------
# sweep_scenario
# --------------------------------------------------------------------------

STATISTICS = ["mean_npv", "p5_npv", "probability_of_loss", "median_irr", "std_btc_mined"]


@st.composite
def scenario_sweep_calls(draw) -> Call:
    kwargs: dict[str, Any] = {
        "scenario": _scenario(),
        "n_paths": draw(st.integers(1, 4)),
        "seed": draw(st.integers(0, 2**32)),
        "statistics": draw(
            st.lists(st.sampled_from(STATISTICS), min_size=1, max_size=3, unique=True)
        ),
        "progress": False,
        "zip": None,
        "client": None,
    }
    kwargs["power_price"] = draw(st.one_of(_axis(0.02, 0.1, max_size=2), numbers(0.02, 0.1)))
    if draw(st.booleans()):
        kwargs["price.volatility"] = draw(_axis(0.1, 0.8, max_size=2))
    return Call(kwargs)


def check_scenario_sweep(call: Call, result: Any) -> None:
    assert isinstance(result, xr.Dataset), type(result)
    statistics = call.kwargs["statistics"]
    assert list(result.data_vars) == list(statistics)
    axes = [k for k in ("power_price", "price.volatility") if _is_axis(call.kwargs.get(k))]
    for name in statistics:
        var = result[name]
        assert var.dims == tuple(axes)
        assert "units" in var.attrs
        if name == "probability_of_loss":
            assert ((var >= 0) & (var <= 1)).all()
        elif name == "median_irr":
            assert not np.isinf(var.values).any()  # nan only where no path has an IRR
        elif name == "std_btc_mined" and call.kwargs["n_paths"] == 1:
            assert np.isnan(var.values).all()  # one path has no spread
        else:
            assert_finite(var)
    assert result.attrs["n_paths"] == call.kwargs["n_paths"]
    # Common random numbers: a dearer power price never raises the mean NPV.
    if "mean_npv" in statistics and "power_price" in axes:
        mean = result["mean_npv"].transpose("power_price", ...).values
        assert (np.diff(mean, axis=0) <= 1e-6 * np.abs(mean).max()).all()


# --------------------------------------------------------------------------
# sensitivity
# --------------------------------------------------------------------------

MARGIN_BASE = {
    "btc_price": 90_000.0,
    "difficulty": 150e12,
    "efficiency": 13.5,
    "power_price": 0.05,
    "pool_fee": 0.02,
}
MARGIN_RANGES = {
    "btc_price": numbers(1e4, 2e5),
    "power_price": numbers(0.0, 0.2),
    "pool_fee": numbers(0.0, 0.05),
    "efficiency": numbers(10.0, 40.0),
}


def linear(x, y, z=0.0):
    """A model with known indices: ``3 x + y`` (plus ``z``)."""
    return 3.0 * x + y + z


@st.composite
def tornado_calls(draw) -> Call:
    names = draw(
        st.lists(st.sampled_from(sorted(MARGIN_RANGES)), min_size=1, max_size=3, unique=True)
    )
    ranges = {}
    for name in names:
        low, high = sorted(draw(st.lists(MARGIN_RANGES[name], min_size=2, max_size=2)))
        if low == high:
            high = low + 1e-3
        ranges[name] = (low, high)
    return Call(
        {
            "func": economics.margin_per_th,
            "base": dict(MARGIN_BASE),
            "ranges": ranges,
            "output": None,
            "vectorized": draw(st.sampled_from([None, True, False])),
        }
    )


def check_tornado(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame), type(result)
    ranges = call.kwargs["ranges"]
    assert sorted(result.index) == sorted(ranges)
    assert result.index.name == "parameter"
    assert_finite(result.to_numpy(float))
    assert (np.diff(result["swing"].to_numpy()) <= 0).all()  # largest swing first
    assert_allclose(result["swing"], (result["output_high"] - result["output_low"]).abs())
    base = economics.margin_per_th(**MARGIN_BASE)
    assert_allclose(result["base_output"], base, rtol=1e-12)
    for name, (low, high) in ranges.items():
        row = result.loc[name]
        expected = economics.margin_per_th(**{**MARGIN_BASE, name: high})
        assert_allclose(row["output_high"], expected, rtol=1e-9, atol=1e-15)
        assert (row["low_value"], row["high_value"]) == (low, high)


@st.composite
def bounds_of(draw, names=("x", "y")) -> dict[str, tuple[float, float]]:
    bounds = {}
    for name in names:
        low = draw(numbers(-10.0, 10.0))
        bounds[name] = (low, low + draw(numbers(0.1, 10.0)))
    return bounds


@st.composite
def morris_calls(draw) -> Call:
    return Call(
        {
            "func": linear,
            "bounds": draw(bounds_of()),
            "trajectories": draw(st.integers(2, 4)),
            "levels": draw(st.sampled_from([2, 4])),
            "seed": draw(st.integers(0, 2**32)),
            "output": None,
            "fixed": {"z": draw(numbers(-1.0, 1.0))},
            "vectorized": draw(st.sampled_from([None, True, False])),
        }
    )


def check_morris(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame), type(result)
    bounds = call.kwargs["bounds"]
    assert sorted(result.index) == sorted(bounds)
    assert list(result.columns) == ["mu", "mu_star", "sigma", "mu_star_conf"]
    assert_finite(result[["mu", "mu_star", "sigma"]].to_numpy(float))
    # A linear model: each effect is its coefficient times the range, always.
    for name, coefficient in (("x", 3.0), ("y", 1.0)):
        low, high = bounds[name]
        assert_allclose(result.loc[name, "mu_star"], coefficient * (high - low), rtol=1e-9)
        assert_allclose(result.loc[name, "sigma"], 0.0, atol=1e-9 * (high - low))
    assert (np.diff(result["mu_star"].to_numpy()) <= 0).all()


@st.composite
def sobol_calls(draw) -> Call:
    return Call(
        {
            "func": linear,
            "bounds": draw(bounds_of()),
            "n": draw(st.sampled_from([4, 8, 16])),
            "seed": draw(st.integers(0, 2**32)),
            "method": draw(st.sampled_from(["scipy", "salib"])),
            "confidence_level": draw(numbers(0.5, 0.99)),
            "n_resamples": draw(st.sampled_from([0, 2, 10])),
            "output": None,
            "fixed": {"z": 0.0},
            "vectorized": draw(st.sampled_from([None, True])),
        }
    )


def check_sobol(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame), type(result)
    assert list(result.index) == list(call.kwargs["bounds"])  # the order of bounds
    columns = ["first_order", "total", "first_order_low", "first_order_high"]
    assert list(result.columns) == [*columns, "total_low", "total_high"]
    assert_finite(result[["first_order", "total"]].to_numpy(float))
    intervals = result[[*columns[2:], "total_low", "total_high"]].to_numpy(float)
    if call.kwargs["n_resamples"] == 0:
        assert np.isnan(intervals).all()  # documented: no intervals
    n = call.kwargs["n"]
    assert result.attrs["evaluations"] == n * (len(call.kwargs["bounds"]) + 2)
    assert result.attrs["method"] == call.kwargs["method"]


@st.composite
def scenario_function_calls(draw) -> Call:
    with_site = draw(st.booleans())
    kwargs: dict[str, Any] = {
        "n_paths": draw(st.integers(1, 4)),
        "seed": draw(st.one_of(st.none(), st.integers(0, 2**32))),
    }
    if with_site:
        site, split, market = _site_case()
        kwargs |= {"scenario": market, "site": site, "split": split}
        kwargs["statistic"] = draw(
            st.sampled_from(["mean_npv_gain", "probability_beats_pure_mining", "mean_npv"])
        )
        kwargs["valuation"] = draw(st.sampled_from([None, Valuation(0.10)]))
    else:
        kwargs["scenario"] = _scenario()
        kwargs["statistic"] = draw(
            st.sampled_from(["mean_npv", "probability_of_loss", "median_irr", "mean_btc_mined"])
        )
    return Call(kwargs)


def check_scenario_function(call: Call, result: Any) -> None:
    assert callable(result)
    assert result.vectorized is False
    statistic = call.kwargs["statistic"]
    if "site" in call.kwargs:
        assert result.current("site.power_price") == call.kwargs["site"].power_price
        value = result(**{"site.power_price": 0.05})
    else:
        assert result.current("power_price") == call.kwargs["scenario"].power_price
        value = result(power_price=0.05)
    assert isinstance(value, float)
    if statistic.startswith("probability"):
        assert 0.0 <= value <= 1.0
    elif statistic != "median_irr":
        assert np.isfinite(value)
    assert value == result(**({"site.power_price": 0.05} if "site" in call.kwargs else {}))


@st.composite
def decision_calls(draw) -> Call:
    site, split, market = _site_case()
    names = [d[0] for d in sensitivity.DECISION_DRIVERS]
    chosen = draw(st.lists(st.sampled_from(names), max_size=2, unique=True))
    # One driver every study has: with only absent ones there is nothing to draw.
    chosen.append(draw(st.sampled_from(["split.hosting.rate", "site.power_price"])))
    drivers = tuple(d for d in sensitivity.DECISION_DRIVERS if d[0] in chosen)
    return Call(
        {
            "site": site,
            "split": split,
            "scenario": market,
            "valuation": draw(st.sampled_from([Valuation.market(), Valuation(0.10)])),
            "n_paths": draw(st.integers(1, 3)),
            "seed": draw(st.integers(0, 2**32)),
            "drivers": drivers,
        }
    )


def check_decision(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame), type(result)
    assert result.index.name == "driver"
    given = {d[0]: d[1] for d in call.kwargs["drivers"]}
    assert set(result["parameter"]) <= set(given)
    assert [given[p] for p in result["parameter"]] == list(result.index)
    numeric = result.drop(columns="parameter").to_numpy(float)
    assert_finite(numeric)
    assert (result["low_value"] <= result["base_value"]).all()
    assert (result["base_value"] <= result["high_value"]).all()
    assert np.ptp(result["base_output"].to_numpy()) == 0  # one base case


# --------------------------------------------------------------------------
# plots: each call starts with no open figure, and each result's figure is closed
# --------------------------------------------------------------------------


class FigureSpec(Spec):
    """A plot: figures left open by earlier calls are closed before each call, and
    those of a call that raises right after it, so memory does not grow."""

    def call(self, call: Call) -> Any:
        plt.close("all")
        try:
            return super().call(call)
        except BaseException:
            plt.close("all")
            raise


def axes_check(law=None):
    def check(call: Call, result: Any) -> None:
        try:
            assert isinstance(result, Axes), type(result)
            if law is not None:
                law(call, result)
        finally:
            plt.close("all")

    return check


@functools.cache
def _table(miners: tuple[str, ...], power_price: float) -> pd.DataFrame:
    return report.miner_economics(list(miners), network=STATE, power_price=power_price)


@st.composite
def table_plot_calls(draw) -> Call:
    miners = tuple(draw(_miner_axis(4)))
    power_price = draw(st.sampled_from([0.03, 0.05, 0.08]))
    if draw(st.booleans()):
        return Call({"table": _table(miners, power_price).copy(), "ax": None})
    return Call(
        {
            "miners": list(miners),
            "network": STATE,
            "power_price": draw(numbers(0.0, 0.2)),
            "pool_fee": draw(numbers(0.0, 0.05)),
            "ax": None,
        }
    )


def _bars(column: str):
    def law(call: Call, ax: Axes) -> None:
        table = call.kwargs.get("table")
        if table is None:
            table = report.miner_economics(
                **{k: v for k, v in call.kwargs.items() if k not in ("ax",)}
            )
        widths = sorted(bar.get_width() for bar in ax.patches)
        assert_allclose(widths, sorted(table[column]), rtol=1e-12)

    return law


@st.composite
def margin_plot_calls(draw) -> Call:
    return Call(
        {
            "miners": draw(st.one_of(st.none(), _miner_axis(3))),
            "network": STATE,
            "power_price": draw(numbers(0.0, 0.2)),
            "btc_prices": draw(st.one_of(st.none(), _axis(0.0, 2e5, max_size=5))),
            "ax": None,
            "pool_fee": draw(numbers(0.0, 0.05)),
        }
    )


def law_margin_lines(call: Call, ax: Axes) -> None:
    miners = call.kwargs["miners"]
    n = 6 if miners is None else len(miners)
    assert len([line for line in ax.get_lines() if line.get_marker() == "o"]) == n


@st.composite
def npv_calls(draw) -> Call:
    options = draw(
        st.lists(
            st.sampled_from(["pure mining", "lease 50 %", "lease 100 %"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    paths = draw(st.integers(2, 6))
    values = draw(
        st.lists(numbers(-5e7, 5e7), min_size=len(options) * paths, max_size=len(options) * paths)
    )
    npv = xr.DataArray(
        np.reshape(values, (len(options), paths)),
        coords={"option": options},
        dims=("option", "path"),
        name="npv",
    )
    return Call({"npv": npv, "kind": draw(st.sampled_from(["violin", "box"])), "ax": None})


def law_npv(call: Call, ax: Axes) -> None:
    options = list(call.kwargs["npv"].coords["option"].values)
    assert [t.get_text() for t in ax.get_yticklabels()] == options


@st.composite
def fraction_calls(draw) -> Call:
    fractions = draw(st.lists(numbers(0.0, 1.0), min_size=1, max_size=6, unique=True))
    values = draw(st.lists(numbers(-1e8, 1e8), min_size=len(fractions), max_size=len(fractions)))
    scores = pd.Series(values, index=pd.Index(fractions, name="fraction"), name="mean")
    best = draw(st.one_of(st.none(), st.sampled_from(fractions)))
    return Call({"scores": scores, "best": best, "ax": None})


def law_fraction(call: Call, ax: Axes) -> None:
    scores = call.kwargs["scores"]
    best = call.kwargs["best"]
    # The first of equal maxima in order of fraction.
    best = float(scores.sort_index().idxmax()) if best is None else best
    star = [line for line in ax.get_lines() if line.get_marker() == "*"]
    assert_allclose(star[0].get_xdata(), [best * 100])


@st.composite
def tornado_frames(draw) -> pd.DataFrame:
    names = draw(
        st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4, unique=True)
    )
    rows = []
    for _ in names:
        low, high = sorted(draw(st.lists(numbers(-100.0, 100.0), min_size=2, max_size=2)))
        out = draw(st.lists(numbers(-1e6, 1e6), min_size=2, max_size=2))
        rows.append([low, (low + high) / 2, high, out[0], out[1], abs(out[1] - out[0]), 0.0])
    columns = [
        "low_value",
        "base_value",
        "high_value",
        "output_low",
        "output_high",
        "swing",
        "base_output",
    ]
    frame = pd.DataFrame(rows, columns=columns, index=pd.Index(names, name="parameter"))
    frame.attrs["output"] = "Margin [USD/TH/day]"
    return frame


@st.composite
def sobol_frames(draw) -> pd.DataFrame:
    names = draw(st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3, unique=True))
    data = {}
    for column in ("first_order", "total"):
        values = np.asarray(
            draw(st.lists(numbers(-0.1, 1.1), min_size=len(names), max_size=len(names)))
        )
        data[column] = values
        width = draw(st.sampled_from([np.nan, 0.05]))
        data[f"{column}_low"] = values - width
        data[f"{column}_high"] = values + width
    frame = pd.DataFrame(data, index=pd.Index(names, name="parameter"))
    frame.attrs.update(method="scipy", n=64, confidence_level=0.95, output="f")
    return frame


def law_bars(per_row: int):
    def law(call: Call, ax: Axes) -> None:
        result = call.kwargs["result"]
        assert len(ax.patches) == per_row * len(result)

    return law


@functools.cache
def _surface(x_name: str, y_name: str) -> xr.DataArray:
    axes = {
        "power_price": ("power_price", [0.03, 0.05, 0.08]),
        "miner": ("miner", MINERS),
        "pool_fee": ("pool_fee", [0.0, 0.02]),
    }
    fixed = {"miner": "Antminer S21", "power_price": 0.05}
    fixed = {k: v for k, v in fixed.items() if k not in (x_name, y_name)}
    return sweep.breakeven_surface(
        x_axis=axes[x_name], y_axis=axes[y_name], difficulty=150e12, fees_per_block=0.0, **fixed
    )


@functools.cache
def _margin(x_name: str, y_name: str) -> xr.DataArray:
    axes = {
        "btc_price": [40_000.0, 70_000.0, 100_000.0],
        "power_price": [0.03, 0.05, 0.08],
        "miner": MINERS,
    }
    fixed = {"difficulty": 150e12, "btc_price": 90_000.0, "power_price": 0.05, "efficiency": 20.0}
    if "miner" in (x_name, y_name):
        fixed.pop("efficiency")
    arguments = {y_name: axes[y_name], x_name: axes[x_name]}
    arguments |= {k: v for k, v in fixed.items() if k not in arguments}
    return sweep.sweep(economics.margin_per_th, **arguments)["margin_per_th"]


@st.composite
def margin_map_calls(draw) -> Call:
    x_name, y_name = draw(
        st.permutations(["btc_price", "power_price", "miner"]).map(lambda p: p[:2])
    )
    levels = draw(st.one_of(st.none(), st.lists(numbers(-0.05, 0.05), max_size=3)))
    return Call({"data": _margin(x_name, y_name).copy(), "ax": None, "levels": levels})


@st.composite
def contours_calls(draw) -> Call:
    x_name, y_name = draw(
        st.permutations(["power_price", "miner", "pool_fee"]).map(lambda p: p[:2])
    )
    levels = draw(
        st.one_of(
            st.none(),
            st.integers(2, 10),
            st.lists(numbers(1e4, 2e5), min_size=2, max_size=5, unique=True).map(sorted),
        )
    )
    btc_price = draw(st.one_of(st.none(), numbers(1e4, 2e5)))
    return Call(
        {
            "surface": _surface(x_name, y_name).copy(),
            "ax": None,
            "levels": levels,
            "btc_price": btc_price,
        }
    )


def law_colorbar(call: Call, ax: Axes) -> None:
    assert len(ax.figure.axes) == 2  # the map and its colour bar


@st.composite
def history_calls(draw) -> Call:
    days = pd.date_range("2014-01-01", "2026-08-16", freq="D")
    first = draw(st.integers(0, len(days) - 2))
    last = draw(st.integers(first + 1, len(days) - 1))
    start = draw(st.sampled_from([None, str(days[first].date()), days[first]]))
    end = draw(st.sampled_from([None, str(days[last].date()), days[last]]))
    return Call({"start": start, "end": end, "ax": None})


def law_history(call: Call, ax: Axes) -> None:
    (line,) = [line for line in ax.get_lines() if line.get_label() == "Hashprice (left)"]
    assert_finite(np.asarray(line.get_ydata(), float))


@st.composite
def fan_calls(draw) -> Call:
    variable = draw(st.sampled_from(["price", "difficulty", "cumulative_cash", "cash_flow"]))
    percentiles = draw(
        st.lists(numbers(0.0, 100.0), min_size=1, max_size=5, unique=True)
        | st.just((5, 25, 50, 75, 95))
    )
    return Call(
        {"result": _simulation(), "variable": variable, "ax": None, "percentiles": percentiles}
    )


def law_fan(call: Call, ax: Axes) -> None:
    n = len(call.kwargs["percentiles"])
    assert len(ax.collections) == n // 2  # one band per pair


@functools.cache
def _conversion_timing():
    """When to convert half of a 4 MW site, on 40 noisy paths over a year."""
    from minerecon.options import conversion_timing

    site = Site(gross_mw=4.0, fleet=Deployment("Antminer S21 XP", 1000))
    lease = ColocationLease(rate=150.0, term_years=5, build_days=60, ramp_days=0)
    market = MiningScenario(
        site.fleet, start=STATE, days=365, price=GBM(drift=0.0, volatility=0.8)
    )
    return conversion_timing(
        site, Split(lease, fraction=0.5), scenario=market, n_paths=40, seed=1, every_months=2
    )


@st.composite
def conversion_boundary_calls(draw) -> Call:
    return Call({"timing": _conversion_timing(), "sample_paths": draw(st.integers(0, 100))})


def law_conversion_boundary(call: Call, ax: Axes) -> None:
    timing = call.kwargs["timing"]
    assert ax.get_ylabel() == "Hashprice [USD/PH/day]"
    assert f"convert now {timing.convert_now / 1e6:,.1f}" in ax.get_title()


@st.composite
def hedge_fan_calls(draw) -> Call:
    from minerecon import hedging

    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    paths, days = draw(st.integers(1, 5)), 40
    flows = rng.normal(1_000.0, 300.0, (paths, days))
    index = np.abs(rng.normal(40.0, 5.0, (paths, days)))
    forward = hedging.hashprice_forward(index, 40.0, 10.0, days=draw(st.integers(1, days)))
    return Call(
        {"cash_flow": flows, "hedges": [forward],
         "dates": pd.date_range("2026-01-01", periods=days)}
    )  # fmt: skip


@functools.cache
def _machine_values(priced: bool):
    from minerecon.options import machine_values

    prices = {"Antminer S21 XP": 16.0, "Antminer S9": 1.0} if priced else None
    return machine_values(STATE, 0.05, volatility=0.5, rate=0.04, miners=[*MINERS, "Antminer S9"],
                          prices_per_th=prices)  # fmt: skip


@st.composite
def machine_values_calls(draw) -> Call:
    return Call({"table": _machine_values(draw(st.booleans()))})


def law_machine_values(call: Call, ax: Axes) -> None:
    table = call.kwargs["table"]
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert labels == list(table.index)
    assert ax.get_xlabel() == "Value of one TH/s [USD per TH/s]"


@st.composite
def power_prices_calls(draw) -> Call:
    from minerecon import power

    hours = draw(st.integers(24, 24 * 70))
    model = power.ercot_price_model()
    start = draw(st.sampled_from(["2026-01-01", "2026-03-01", "2026-07-20"]))
    prices = pd.Series(
        model.simulate(start, hours, seed=draw(st.integers(0, 2**16)))[0],
        index=model.hours(start, hours),
    )
    return Call({"prices": prices, "revenue": draw(st.floats(20.0, 200.0))})


def law_threshold_drawn(call: Call, ax: Axes) -> None:
    assert ax.get_ylabel() in ("Power price [USD/MWh]", "Value of flexibility [USD]")
    assert f"{call.kwargs['revenue']:,.0f} USD/MWh" in " ".join(
        [ax.get_title(), *(t.get_text() for t in ax.get_legend().get_texts())]
        if ax.get_legend()
        else [ax.get_title()]
    )


@functools.cache
def _profitable(two_axes: bool) -> xr.Dataset:
    btc = [40_000.0, 70_000.0, 100_000.0]
    power = [0.03, 0.05, 0.08] if two_axes else 0.05
    return sweep.profitable_miners(
        btc_price=btc, power_price=power, miners=MINERS, difficulty=150e12, fees_per_block=0.0
    )


@st.composite
def profitable_map_calls(draw) -> Call:
    data = _profitable(True)
    if draw(st.booleans()):
        data = data.transpose("power_price", "btc_price", "miner")
    return Call({"data": data.copy(), "ax": None})


def law_profitable(call: Call, ax: Axes) -> None:
    assert len(ax.figure.axes) == 2


# --------------------------------------------------------------------------
# html
# --------------------------------------------------------------------------

FRAME = pd.DataFrame(
    {"power [W]": [3250.0, 5676.0], "cooling": ["air", "hydro"]},
    index=pd.Index(["Antminer S19 Pro", "Antminer S21 XP Hydro"], name="miner"),
)
TEXT = st.text(max_size=12)
PNG = b"\x89PNG\r\n\x1a\n"


def _html_check(cls):
    def check(call: Call, result: Any) -> None:
        assert isinstance(result, cls), type(result)
        text = result.to_html()
        assert isinstance(text, str) and text.startswith("<")

    return check


@st.composite
def table_calls(draw) -> Call:
    return Call(
        {
            "frame": FRAME.copy(),
            "caption": draw(st.one_of(st.none(), TEXT)),
            "formatters": draw(st.sampled_from([None, {"power [W]": "{:,.0f}".format}])),
            "float_format": draw(st.sampled_from([None, "{:.2f}".format])),
            "index": draw(st.booleans()),
            "na_rep": draw(TEXT),
            "text_columns": draw(st.sampled_from([None, ["cooling"], []])),
        }
    )


@functools.cache
def _figure():
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1.5))
    figure.add_subplot().plot([0, 1], [0, 1])
    return figure


@st.composite
def figure_calls(draw) -> Call:
    figure = draw(st.sampled_from(["figure", "axes", "bytes"]))
    value = {"figure": _figure(), "axes": _figure().axes[0], "bytes": PNG}[figure]
    return Call(
        {
            "figure": value,
            "alt": draw(TEXT.filter(str.strip)),
            "caption": draw(st.one_of(st.none(), TEXT)),
            "dpi": draw(numbers(10.0, 100.0)),
        }
    )


def check_png(call: Call, result: Any) -> None:
    assert isinstance(result, bytes) and result.startswith(PNG), type(result)


def check_figure_element(call: Call, result: Any) -> None:
    _html_check(html.Figure)(call, result)
    assert "data:image/png;base64," in result.to_html()


@st.composite
def sections(draw) -> list:
    items = st.one_of(
        TEXT,
        st.builds(html.Bullets, st.lists(TEXT, max_size=3)),
        st.just(html.Table(FRAME)),
        st.just(html.Figure(PNG, alt="A blank image")),
    )
    return [
        html.Section(draw(TEXT), draw(st.lists(items, max_size=3)))
        for _ in range(draw(st.integers(0, 3)))
    ]


@st.composite
def page_calls(draw) -> Call:
    return Call(
        {
            "title": draw(TEXT),
            "subtitle": draw(st.one_of(st.none(), TEXT)),
            "sections": draw(sections()),
            "footer": draw(st.one_of(st.none(), TEXT)),
        }
    )


def check_page(call: Call, result: Any) -> None:
    assert isinstance(result, str)
    assert result.startswith("<!DOCTYPE html>") and result.endswith("</html>\n")
    assert result.count("<section>") == len(call.kwargs["sections"])
    assert "<script" not in result


# Pages are written in folders under one root, removed when the run ends.
_ROOT = tempfile.mkdtemp(prefix="minerecon-fuzz-html-")
atexit.register(shutil.rmtree, _ROOT, ignore_errors=True)


@st.composite
def write_calls(draw) -> Call:
    folder = tempfile.mkdtemp(dir=_ROOT)
    name = draw(st.sampled_from(["page.html", "report"]))
    path = os.path.join(folder, name)
    kind = draw(st.sampled_from([str, "path"]))
    kwargs = draw(page_calls()).kwargs
    from pathlib import Path

    return Call({"path": Path(path) if kind == "path" else path, **kwargs})


class WriteSpec(Spec):
    """Each call runs inside its own new temporary folder, so that a hostile
    relative path lands there; it asserts that nothing appeared elsewhere (the
    folder of the valid path, the root of the temporary folders, the
    working directory)."""

    def call(self, call: Call) -> Any:
        folder = tempfile.mkdtemp(dir=_ROOT)
        here = os.getcwd()
        watched = {place: set(os.listdir(place)) for place in (here, _ROOT)}
        try:
            with contextlib.chdir(folder):
                return super().call(call)
        finally:
            for place, before in watched.items():
                new = set(os.listdir(place)) - before - {os.path.basename(folder)}
                assert not new, f"written outside the call's folder: {sorted(new)} in {place}"


def check_write(call: Call, result: Any) -> None:
    from pathlib import Path

    assert isinstance(result, Path)
    assert result == Path(call.kwargs["path"])
    text = result.read_bytes().decode("utf-8")  # read_text would turn "\r" into "\n"
    assert text == html.render_html_report(**{k: v for k, v in call.kwargs.items() if k != "path"})
    assert os.listdir(result.parent) == [result.name]  # no temporary file left beside it


# Garbage for page paths: no absolute paths and no parent steps, so that a hostile
# value can only name something inside the call's folder.
PATH_GARBAGE = GARBAGE.filter(lambda v: not (isinstance(v, str) and ("/" in v or ".." in v)))


# --------------------------------------------------------------------------
# report and explorer
# --------------------------------------------------------------------------

COST_KEYS = {
    "power_price": numbers(0.0, 0.2),
    "pool_fee": numbers(0.0, 0.05),
    "pue": numbers(1.0, 1.5),
    "uptime": numbers(0.5, 1.0),
    "other_opex": numbers(0.0, 0.01),
}


@st.composite
def economics_calls(draw, single: bool = False) -> Call:
    if single:
        kwargs: dict[str, Any] = {"miner": draw(st.sampled_from(MINERS))}
    else:
        kwargs = {"miners": draw(st.one_of(st.none(), _miner_axis(4)))}
    kwargs["network"] = draw(st.sampled_from([None, STATE]))
    for key, strategy in COST_KEYS.items():
        kwargs[key] = draw(strategy)
    return Call(kwargs)


def check_economics(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame), type(result)
    assert list(result.columns) == list(report.COLUMNS)
    miners = call.kwargs["miners"]
    assert len(result) == (17 if miners is None else len(miners))
    assert (np.diff(result["efficiency_j_per_th"].to_numpy()) >= 0).all()
    assert_finite(result.to_numpy(float))
    assert_allclose(
        result["margin_usd_per_th_day"],
        result["revenue_usd_per_th_day"]
        - result["energy_cost_usd_per_th_day"]
        - call.kwargs["other_opex"],
        rtol=1e-9,
        atol=1e-15,
    )


def check_summary(call: Call, result: Any) -> None:
    assert isinstance(result, dict), type(result)
    assert result["miner"] == get_miner(call.kwargs["miner"]).name
    for key in (*report.COLUMNS, "breakeven_difficulty", "energy_cost_usd_per_btc"):
        assert isinstance(result[key], float), key
        if key == "breakeven_difficulty":
            # inf when the machine has no cost (documented), or one so small that
            # the break-even is past the largest float.
            assert result[key] > 0, result[key]
        else:
            assert np.isfinite(result[key]), key


@st.composite
def network_states(draw) -> NetworkState:
    return NetworkState(
        "2026-01-01",
        931_392,
        draw(numbers(1e12, 1e15, log=True)),
        draw(numbers(1.0, 1e6, log=True)),
        draw(numbers(0.0, 5.0)),
    )


def check_ranges(call: Call, result: Any) -> None:
    assert isinstance(result, dict)
    assert list(result) == ["btc_price", "power_price", "difficulty", "fees", "pool_fee"]
    state = call.kwargs["network"]
    starts = {
        "btc_price": state.btc_price,
        "power_price": call.kwargs["power_price"],
        "difficulty": state.difficulty / 1e12,
        "fees": state.fees_per_block,
        "pool_fee": call.kwargs["pool_fee"] * 100,
    }
    for name, (low, high, step) in result.items():
        assert all(isinstance(v, float) and np.isfinite(v) for v in (low, high, step)), name
        assert low < high and step > 0, name
        assert low <= starts[name] <= high, (name, starts[name], low, high)


@st.composite
def explore_calls(draw) -> Call:
    return Call(
        {
            "network": draw(st.one_of(st.none(), network_states())),
            "miners": draw(st.one_of(st.none(), _miner_axis(3), st.sampled_from(MINERS))),
            "power_price": draw(numbers(0.0, 0.3)),
            "pool_fee": draw(numbers(0.0, 0.05)),
        }
    )


def check_explorer(call: Call, result: Any) -> None:
    assert isinstance(result, explorer.Explorer), type(result)
    assert result.redraws == 1
    miners = call.kwargs["miners"]
    wanted = 6 if miners is None else 1 if isinstance(miners, str) else len(miners)
    assert len(result.miners) == wanted
    assert len(result.breakeven_markers) == wanted
    assert_allclose(result.power_price, call.kwargs["power_price"])
    assert_allclose(result.pool_fee, call.kwargs["pool_fee"])


@st.composite
def explorer_calls(draw) -> Call:
    import ipywidgets

    catalogue = {name: get_miner(name) for name in MINERS}
    selected = draw(st.lists(st.sampled_from(MINERS), max_size=3, unique=True))
    return Call(
        {
            "widgets": ipywidgets,
            "base": draw(network_states()),
            "catalogue": catalogue,
            "selected": selected,
            "power_price": draw(numbers(0.0, 0.3)),
            "pool_fee": draw(numbers(0.0, 0.05)),
        }
    )


def check_explorer_object(call: Call, result: Any) -> None:
    assert isinstance(result, explorer.Explorer), type(result)
    assert [m.name for m in result.miners] == [m for m in MINERS if m in call.kwargs["selected"]]
    assert result.redraws == 1


@st.composite
def update_calls(draw) -> Call:
    made = explorer.explore(STATE, miners=MINERS[:2])
    low, high, _ = made.sliders["btc_price"].min, made.sliders["btc_price"].max, None
    values = {
        "btc_price": draw(numbers(low, high)),
        "power_price": draw(numbers(0.0, 0.2)),
        "miners": draw(st.lists(st.sampled_from(MINERS[:2]), max_size=2, unique=True)),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(values)), min_size=1, unique=True))
    return Call({k: values[k] for k in chosen}, (made,))


def check_update(call: Call, result: Any) -> None:
    made = call.args[0]
    assert result is None
    assert made.redraws == 2  # one redraw for all the values
    for name, value in call.kwargs.items():
        shown = made.sliders[name].value
        if name == "miners":
            assert set(shown) == set(value)
        else:
            assert_allclose(shown, value, rtol=1e-9, atol=made.sliders[name].step)


# --------------------------------------------------------------------------
# invalid cases
# --------------------------------------------------------------------------


def _invalid(strategy, *cases: tuple[str, Any]):
    """(call, argument) pairs: a valid call with one argument set to a documented-invalid value."""

    @st.composite
    def pairs(draw):
        call = draw(strategy)
        argument, value = draw(st.sampled_from(cases))
        return call.replace(argument, value), argument

    return pairs()


SPECS = [
    # sweep
    Spec(
        "sweep.sweep",
        sweep_calls(),
        check_sweep,
        invalid=sweep_invalid(),
        examples=25,
    ),
    Spec(
        "sweep.breakeven_surface",
        surface_calls(),
        check_surface,
        invalid=_invalid(
            surface_calls(),
            ("x_axis", "power_price"),
            ("x_axis", ("power_price", 0.05)),
            ("y_axis", ("nothing", [1.0, 2.0])),
        ),
        aliases={"x_axis": ("power_price",), "y_axis": ("nothing",)},
        examples=15,
    ),
    Spec(
        "sweep.zero_margin_contour",
        contour_calls(),
        check_contour,
        invalid=_invalid(
            contour_calls(),
            ("solve_for", "margin"),
            ("solve_for", None),
            ("fees_per_block", -1.0),
            ("subsidy", [3.125, np.nan]),
        ),
        examples=15,
    ),
    Spec(
        "sweep.profitable_miners",
        profitable_calls(),
        check_profitable,
        invalid=_invalid(
            profitable_calls(),
            ("power_price", -0.01),
            ("btc_price", [5e4, -1.0]),
            ("miners", []),
            ("miners", ["no such machine"]),
            ("difficulty", 0.0),
        ),
        aliases={"miners": ("miner",)},
        examples=15,
    ),
    Spec(
        "sweep.sweep_scenario",
        scenario_sweep_calls(),
        check_scenario_sweep,
        invalid=_invalid(
            scenario_sweep_calls(),
            ("n_paths", 0),
            ("statistics", ["mean_nothing"]),
            ("statistics", []),
            ("scenario", "scenario.toml"),
            ("power_price", [0.05, -0.02]),
        ),
        garbage=SMALL_GARBAGE,
        # A model field is checked by its model, under its own name.
        aliases={"price.volatility": ("volatility",)},
        examples=5,
    ),
    # sensitivity
    Spec(
        "sensitivity.tornado",
        tornado_calls(),
        check_tornado,
        invalid=_invalid(
            tornado_calls(),
            ("func", "margin_per_th"),
            ("base", [90_000.0]),
            ("ranges", {"power_price": (0.08, 0.03)}),
            ("ranges", {}),
            ("vectorized", "yes"),
        ),
        examples=15,
    ),
    Spec(
        "sensitivity.morris",
        morris_calls(),
        check_morris,
        invalid=_invalid(
            morris_calls(),
            ("bounds", {"x": (0.0, np.inf)}),
            ("trajectories", 1),
            ("levels", 3),
            ("fixed", "z=1"),
            ("seed", -1),
        ),
        garbage=SMALL_GARBAGE,
        examples=5,
    ),
    Spec(
        "sensitivity.sobol",
        sobol_calls(),
        check_sobol,
        invalid=_invalid(
            sobol_calls(),
            ("n", 6),
            ("n", 2),
            ("method", "jansen"),
            ("confidence_level", 1.0),
            ("n_resamples", 1),
            ("bounds", {"x": (1.0, 1.0)}),
        ),
        garbage=SMALL_GARBAGE,
        examples=5,
    ),
    Spec(
        "sensitivity.scenario_function",
        scenario_function_calls(),
        check_scenario_function,
        invalid=_invalid(
            scenario_function_calls(),
            ("scenario", None),
            ("statistic", "mean_nothing"),
            ("n_paths", 0),
            ("seed", -3),
        ),
        garbage=SMALL_GARBAGE,
        examples=5,
    ),
    Spec(
        "sensitivity.decision_tornado",
        decision_calls(),
        check_decision,
        invalid=_invalid(
            decision_calls(),
            ("split", "half"),
            ("n_paths", 0),
            ("site", None),
            ("valuation", 0.1),
            ("drivers", [("price.volatility", "volatility")]),
        ),
        garbage=SMALL_GARBAGE,
        examples=4,
    ),
    # plots
    FigureSpec(
        "plot.breakeven_btc_price",
        table_plot_calls(),
        axes_check(_bars("breakeven_btc_price_usd")),
        invalid=_invalid(
            table_plot_calls(),
            ("table", pd.DataFrame({"x": [1.0]})),
            ("ax", "left"),
        ),
        examples=8,
    ),
    FigureSpec(
        "plot.breakeven_power_price",
        table_plot_calls(),
        axes_check(_bars("breakeven_power_price_usd_per_kwh")),
        invalid=_invalid(
            table_plot_calls(),
            ("table", pd.DataFrame({"x": [1.0]})),
            ("ax", "left"),
        ),
        examples=8,
    ),
    FigureSpec(
        "plot.margin_vs_btc_price",
        margin_plot_calls(),
        axes_check(law_margin_lines),
        invalid=_invalid(
            margin_plot_calls(),
            ("btc_prices", [-1.0, 5e4]),
            ("power_price", -0.05),
            ("network", "latest"),
            ("miners", [3.5]),
        ),
        examples=8,
    ),
    FigureSpec(
        "plot.npv_distribution",
        npv_calls(),
        axes_check(law_npv),
        invalid=_invalid(
            npv_calls(),
            ("kind", "histogram"),
            ("npv", xr.DataArray([1.0, 2.0], dims="path")),
        ),
        examples=8,
    ),
    FigureSpec(
        "plot.split_fraction_curve",
        fraction_calls(),
        axes_check(law_fraction),
        invalid=_invalid(
            fraction_calls(),
            ("scores", pd.Series([], dtype=float)),
            ("best", 2.0),
        ),
        examples=8,
    ),
    FigureSpec(
        "plot.tornado",
        tornado_frames().map(lambda frame: Call({"result": frame, "ax": None})),
        axes_check(law_bars(2)),
        invalid=_invalid(
            tornado_frames().map(lambda frame: Call({"result": frame, "ax": None})),
            ("result", pd.DataFrame({"swing": [1.0]})),
        ),
        examples=8,
    ),
    FigureSpec(
        "plot.sobol_indices",
        sobol_frames().map(lambda frame: Call({"result": frame, "ax": None})),
        axes_check(law_bars(2)),
        invalid=_invalid(
            sobol_frames().map(lambda frame: Call({"result": frame, "ax": None})),
            ("result", pd.DataFrame({"total": [0.5]})),
        ),
        examples=8,
    ),
    FigureSpec(
        "plot.margin_map",
        margin_map_calls(),
        axes_check(law_colorbar),
        invalid=_invalid(
            margin_map_calls(),
            ("data", xr.DataArray([1.0, 2.0], dims="x")),
            ("levels", ["a"]),
        ),
        examples=8,
    ),
    FigureSpec(
        "plot.breakeven_contours",
        contours_calls(),
        axes_check(law_colorbar),
        invalid=_invalid(
            contours_calls(),
            ("surface", xr.DataArray([1.0, 2.0], dims="x")),
            ("levels", 0),
            ("btc_price", -5.0),
        ),
        examples=8,
    ),
    FigureSpec(
        "plot.history",
        history_calls(),
        axes_check(law_history),
        invalid=_invalid(
            history_calls(),
            ("start", "2030-01-01"),
            ("end", "1999-01-01"),
            ("start", "not a day"),
        ),
        examples=5,
    ),
    FigureSpec(
        "plot.fan_chart",
        fan_calls(),
        axes_check(law_fan),
        invalid=_invalid(
            fan_calls(),
            ("variable", "nothing"),
            ("percentiles", [5, 150]),
            ("percentiles", []),
            ("result", None),
        ),
        examples=8,
    ),
    FigureSpec(
        "plot.conversion_boundary",
        conversion_boundary_calls(),
        axes_check(law_conversion_boundary),
        invalid=_invalid(
            conversion_boundary_calls(),
            ("timing", None),
            ("sample_paths", -1),
            ("sample_paths", 101),
            ("sample_paths", 2.5),
        ),
        examples=5,
    ),
    FigureSpec(
        "plot.hedge_fan_chart",
        hedge_fan_calls(),
        axes_check(),
        invalid=_invalid(
            hedge_fan_calls(),
            ("hedges", ["forward"]),
            ("dates", pd.date_range("2026-01-01", periods=3)),
            ("cash_flow", [[np.nan] * 40]),
        ),
        examples=5,
    ),
    FigureSpec(
        "plot.machine_values",
        machine_values_calls(),
        axes_check(law_machine_values),
        invalid=_invalid(
            machine_values_calls(),
            ("table", pd.DataFrame()),
            ("table", None),
        ),
        examples=5,
    ),
    FigureSpec(
        "plot.price_duration_curve",
        power_prices_calls(),
        axes_check(law_threshold_drawn),
        invalid=_invalid(power_prices_calls(), ("prices", []), ("revenue", -1.0)),
        examples=5,
    ),
    FigureSpec(
        "plot.hourly_operation",
        power_prices_calls(),
        axes_check(law_threshold_drawn),
        invalid=_invalid(
            power_prices_calls(),
            ("prices", [1.0, 2.0]),
            ("revenue", float("nan")),
            ("start", "1990-01-01"),
            ("days", 0),
        ),
        examples=5,
    ),
    FigureSpec(
        "plot.flexibility_by_month",
        power_prices_calls(),
        axes_check(law_threshold_drawn),
        invalid=_invalid(power_prices_calls(), ("prices", [1.0]), ("load_mw", 0.0)),
        examples=5,
    ),
    FigureSpec(
        "plot.profitable_map",
        profitable_map_calls(),
        axes_check(law_profitable),
        invalid=_invalid(
            profitable_map_calls(),
            ("data", xr.Dataset()),
            ("data", xr.Dataset({"count": xr.DataArray([1, 2], dims="btc_price")})),
        ),
        examples=3,
    ),
    # html
    Spec(
        "html.Bullets",
        st.lists(TEXT, max_size=4).map(lambda items: Call({"items": items})),
        _html_check(html.Bullets),
        invalid=_invalid(fixed_call(items=["a"]), ("items", 5), ("items", "one line")),
    ),
    Spec(
        "html.Figure",
        figure_calls(),
        check_figure_element,
        invalid=_invalid(
            figure_calls(), ("alt", ""), ("alt", None), ("dpi", 0.0), ("figure", "plot.png")
        ),
        examples=10,
    ),
    Spec(
        "html.Section",
        st.tuples(TEXT, sections()).map(
            lambda pair: Call(
                {"heading": pair[0], "content": pair[1][0].content if pair[1] else []}
            )
        ),
        _html_check(html.Section),
        invalid=_invalid(
            fixed_call(heading="Inputs", content=["text"]),
            ("content", [3.0]),
            ("content", "text"),
            ("heading", None),
        ),
    ),
    Spec(
        "html.Table",
        table_calls(),
        _html_check(html.Table),
        invalid=_invalid(
            table_calls(),
            ("frame", {"a": [1]}),
            ("formatters", {"nothing": str}),
            ("text_columns", ["nothing"]),
            ("index", "yes"),
        ),
    ),
    Spec(
        "html.figure_to_png",
        st.tuples(st.sampled_from(["figure", "axes"]), numbers(10.0, 100.0)).map(
            lambda pair: Call(
                {"figure": _figure() if pair[0] == "figure" else _figure().axes[0], "dpi": pair[1]}
            )
        ),
        check_png,
        invalid=_invalid(
            fixed_call(figure=_figure(), dpi=50.0),
            ("figure", None),
            ("dpi", -1.0),
            ("dpi", np.inf),
        ),
        examples=10,
    ),
    Spec(
        "html.render_html_report",
        page_calls(),
        check_page,
        invalid=_invalid(
            page_calls(),
            ("title", None),
            ("sections", "Inputs"),
            ("sections", [3]),
            ("footer", 3),
        ),
    ),
    WriteSpec(
        "html.write_html_report",
        write_calls(),
        check_write,
        invalid=_invalid(
            write_calls(),
            ("path", ""),
            ("path", 5),
            ("path", "no such folder/page.html"),
            ("path", "."),
        ),
        garbage=PATH_GARBAGE,
        examples=15,
    ),
    # report
    Spec(
        "report.miner_economics",
        economics_calls(),
        check_economics,
        invalid=_invalid(
            economics_calls(),
            ("power_price", -0.01),
            ("pool_fee", 1.0),
            ("pue", 0.5),
            ("network", "2025-11-20"),
            ("miners", [None]),
        ),
        examples=15,
    ),
    Spec(
        "report.breakeven_summary",
        economics_calls(single=True),
        check_summary,
        invalid=_invalid(
            economics_calls(single=True),
            ("power_price", np.nan),
            ("uptime", 1.5),
            ("miner", 3),
            ("network", {}),
        ),
        examples=15,
    ),
    # explorer
    Spec(
        "explorer.slider_ranges",
        st.builds(
            lambda state, power, fee: Call(
                {"network": state, "power_price": power, "pool_fee": fee}
            ),
            network_states(),
            numbers(0.0, 1.0),
            numbers(0.0, 0.999),
        ),
        check_ranges,
        invalid=_invalid(
            fixed_call(network=STATE, power_price=0.05, pool_fee=0.0),
            ("network", None),
            ("power_price", -1.0),
            ("pool_fee", 1.0),
            ("power_price", np.inf),
        ),
        examples=25,
    ),
    Spec(
        "explorer.explore",
        explore_calls(),
        check_explorer,
        invalid=_invalid(
            explore_calls(),
            ("network", "today"),
            ("power_price", -0.05),
            ("pool_fee", 1.0),
            ("miners", []),
            ("miners", [2.5]),
        ),
        examples=6,
    ),
    Spec(
        "explorer.Explorer",
        explorer_calls(),
        check_explorer_object,
        invalid=_invalid(
            explorer_calls(),
            ("widgets", None),
            ("base", None),
            ("selected", ["no such machine"]),
            ("catalogue", {"x": 1}),
            ("pool_fee", 1.5),
        ),
        examples=5,
    ),
    Spec(
        "explorer.Explorer.update",
        update_calls(),
        check_update,
        invalid=st.tuples(update_calls(), st.just("nothing")).map(
            lambda pair: (pair[0].replace("nothing", 1.0), "nothing")
        ),
        examples=5,
    ),
]
