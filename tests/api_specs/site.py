"""Fuzz specs: a site and its valuation (hosting contracts, valuation, tax,
project debt, site scenarios and presets).

Valid domains: contracts of a few years (terms up to 3 years, builds up to
400 days) so that daily flows stay short; flows of at most 800 days and 3
paths; site comparisons on sites of up to 8 MW and 2,000 S21 XP machines
over 30-90 days with 2-4 paths. Those run the Monte Carlo engine: the
comparisons the method specs of ``SiteComparison`` work on are built once
per (valuation, seed) and shared.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from minerecon import cashflow, financing, hosting, presets, price, scenario, tax, valuation
from minerecon.config import SiteStudy
from minerecon.hardware import Deployment
from minerecon.network import NetworkState
from minerecon.projection import MiningScenario

from . import (
    SMALL_GARBAGE,
    Call,
    Spec,
    assert_finite,
    fixed_call,
    instance_of,
    numbers,
    numeric_call,
    same_kind,
)

NAN = float("nan")
INF = float("inf")


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


@st.composite
def _invalid(draw, valid, bad: dict[str, Any]):
    """(call, argument) pairs: a valid call with one argument replaced by a
    value from ``bad[argument]`` (a list, or a function of the call giving one)."""
    call = draw(valid)
    name = draw(st.sampled_from(sorted(bad)))
    values = bad[name](call) if callable(bad[name]) else bad[name]
    return call.replace(name, draw(st.sampled_from(values))), name


@st.composite
def _fields(draw, ranges: dict[str, Any]) -> dict[str, Any]:
    return {name: draw(strategy) for name, strategy in ranges.items()}


def _optional(strategy):
    return st.one_of(st.none(), strategy)


def _is_float(value: Any) -> bool:
    return isinstance(value, float) and np.isfinite(value)


NEGATIVE = [-1.0, -1e-9, NAN, "1", True, [1.0, 2.0]]
FRACTION = [-0.1, 1.5, NAN, True, "0.5"]


# --------------------------------------------------------------------------
# hosting
# --------------------------------------------------------------------------

LEASE = {
    "rate": numbers(0, 300),
    "term_years": numbers(0.05, 3),
    "escalator": numbers(-0.5, 0.2),
    "extension_years": numbers(0, 2),
    "gross_to_it": numbers(1, 1.6),
    "capex_per_it_mw": numbers(0, 2e7),
    "tenant_capex_share": numbers(0, 1),
    "build_days": numbers(0, 400),
    "ramp_days": numbers(0, 200),
    "noi_margin": numbers(0, 1),
    "opex_per_it_mw_year": _optional(numbers(0, 1e6)),
    "power_pass_through": st.booleans(),
    "default_hazard": numbers(0, 0.5),
    "backstop_share": numbers(0, 1),
}

GPU_CLOUD = {
    "gpus_per_it_mw": numbers(1, 1000),
    "price_per_gpu_hour": numbers(0, 5),
    "capex_per_gpu": numbers(0, 50_000),
    "utilisation": numbers(0.01, 1),
    "gpu_life_years": numbers(0.25, 5),
    "opex_share": numbers(0, 1),
    "opex_per_gpu_hour": _optional(numbers(0, 1)),
    "gross_to_it": numbers(1, 1.6),
    "fitout_capex_per_it_mw": numbers(0, 2e7),
    "build_days": numbers(0, 400),
    "ramp_days": numbers(0, 200),
    "contract_years": numbers(0.05, 3),
    "power_pass_through": st.booleans(),
    "default_hazard": numbers(0, 0.5),
    "prepayment_share": numbers(0, 1),
}


@st.composite
def _contract_call(draw, ranges):
    kwargs = draw(_fields(ranges))
    kwargs["pue"] = draw(_optional(numbers(1, kwargs["gross_to_it"])))
    return Call(kwargs)


def _check_contract(call: Call, result: Any) -> None:
    cls = hosting.ColocationLease if "rate" in call.kwargs else hosting.GpuCloud
    assert isinstance(result, cls), type(result)
    for name, value in call.kwargs.items():
        if value is not None:
            assert getattr(result, name) == value, (name, getattr(result, name), value)
    assert 1.0 <= result.pue <= result.gross_to_it
    assert isinstance(result.horizon_days, int) and result.horizon_days >= result.build_days
    load = result.it_load(result.horizon_days)
    assert ((load >= 0) & (load <= 1)).all()
    flows = result.expected_daily_cash_flows(power_price=0.05)
    for part in ("revenue", "opex", "power_cost", "capex", "cash_flow"):
        assert flows[part].shape == (result.horizon_days,)
        assert_finite(flows[part])
    # the NPV at 0 % is the plain sum of the expected flows
    assert_allclose(
        result.npv(0.0, power_price=0.05), flows["cash_flow"].sum(), rtol=1e-9, atol=1e-6
    )


CONTRACT_INVALID = {
    "gross_to_it": [0.9, NAN, INF, "1.35"],
    "pue": lambda call: [0.99, call.kwargs["gross_to_it"] + 0.01, NAN],
    "build_days": [*NEGATIVE, INF, 1e9],
    "ramp_days": [*NEGATIVE, INF],
    "default_hazard": [*NEGATIVE, INF],
    "power_pass_through": ["yes", 1, None],
}

LEASE_INVALID = {
    **CONTRACT_INVALID,
    "rate": [*NEGATIVE, INF],
    "term_years": [0.0, *NEGATIVE, INF, 1e6],
    "escalator": [-1.0, -2.0, NAN, INF],
    "extension_years": [*NEGATIVE, 1e6],
    "capex_per_it_mw": [*NEGATIVE, INF],
    "tenant_capex_share": FRACTION,
    "noi_margin": FRACTION,
    "opex_per_it_mw_year": [*NEGATIVE, INF],
    "backstop_share": FRACTION,
}

GPU_CLOUD_INVALID = {
    **CONTRACT_INVALID,
    "gpus_per_it_mw": [0.0, *NEGATIVE, INF],
    "price_per_gpu_hour": [*NEGATIVE, INF],
    "capex_per_gpu": [*NEGATIVE, INF],
    "utilisation": [0.0, *FRACTION],
    "gpu_life_years": [0.0, *NEGATIVE, INF],
    "opex_share": FRACTION,
    "opex_per_gpu_hour": [*NEGATIVE, INF],
    "fitout_capex_per_it_mw": [*NEGATIVE, INF],
    "contract_years": [0.0, *NEGATIVE, 1e6],
    "prepayment_share": FRACTION,
}

LEASES = _contract_call(LEASE).map(lambda call: call(hosting.ColocationLease))
CLOUDS = _contract_call(GPU_CLOUD).map(lambda call: call(hosting.GpuCloud))

DEALS = hosting.list_deals()
COLOCATION_DEALS = sorted(DEALS.index[DEALS["kind"] == "colocation"])
GPU_CLOUD_DEALS = sorted(DEALS.index[DEALS["kind"] == "gpu_cloud"])


def _spellings(name: str):
    """The ways get_deal accepts a slug: any case, ``_`` or ``-``, padding."""
    return st.sampled_from(
        [name, name.upper(), name.replace("-", "_"), f"  {name.title()} ", name.replace("-", " ")]
    )


def _check_list_deals(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame)
    assert result.index.name == "name" and result.index.is_unique and len(result) > 0
    for column in ("usd_per_mw_year", "usd_per_kw_month", "gross_to_it", "kind", "term_years"):
        assert column in result.columns
    # flat average rent: value / term / MW, then per kW-month
    assert_allclose(
        result["usd_per_kw_month"] * 12_000,
        result["contract_value_usd"] / result["term_years"] / result["mw"],
        rtol=1e-12,
    )


def _check_deal(call: Call, result: Any) -> None:
    assert isinstance(result, pd.Series)
    assert result.name in DEALS.index
    assert result.name.replace("-", "") == "".join(
        c for c in call.kwargs["name"].lower() if c not in "-_ "
    )
    assert float(result["usd_per_mw_year"]) > 0


OVERRIDES = {
    "build_days": numbers(0, 400),
    "ramp_days": numbers(0, 200),
    "default_hazard": numbers(0, 0.5),
    "escalator": numbers(-0.5, 0.1),
    "noi_margin": numbers(0, 1),
    "extension_years": numbers(0, 2),
}

CLOUD_OVERRIDES = {
    "gpus_per_it_mw": numbers(1, 1000),
    "utilisation": numbers(0.01, 1),
    "opex_share": numbers(0, 1),
    "build_days": numbers(0, 400),
    "contract_years": numbers(0.05, 3),
    "capex_per_gpu": numbers(0, 50_000),
}


@st.composite
def _deal_call(draw, names, overrides):
    kwargs = {"name": draw(st.sampled_from(names).flatmap(_spellings))}
    chosen = draw(st.lists(st.sampled_from(sorted(overrides)), unique=True, max_size=3))
    kwargs.update({key: draw(overrides[key]) for key in chosen})
    return Call(kwargs)


def _check_from_deal(cls):
    def check(call: Call, result: Any) -> None:
        assert isinstance(result, cls)
        for name, value in call.kwargs.items():
            if name != "name":
                assert getattr(result, name) == value, name
        if cls is hosting.GpuCloud and "capex_per_gpu" not in call.kwargs:
            # the deal's contract value is earned per IT MW whatever the GPUs per MW
            deal = hosting.get_deal(call.kwargs["name"])
            annual = result.annual_revenue_per_it_mw(0)
            assert_allclose(annual, float(deal["usd_per_mw_year"]), rtol=1e-9)
        assert np.isfinite(result.npv(0.1, power_price=0.05))

    return check


@st.composite
def _load_call(draw):
    return Call(
        {
            "n_days": draw(st.integers(0, 500)),
            "build_days": draw(numbers(0, 300)),
            "ramp_days": draw(numbers(0, 300)),
            "active_days": draw(numbers(0, 600)),
        }
    )


def _check_load(call: Call, result: Any) -> None:
    kw = call.kwargs
    assert isinstance(result, np.ndarray) and result.shape == (kw["n_days"],)
    assert ((result >= 0) & (result <= 1)).all()
    t = np.arange(kw["n_days"])
    outside = (t < kw["build_days"]) | (t >= kw["build_days"] + kw["active_days"])
    assert (result[outside] == 0).all()
    assert (np.diff(result[~outside]) >= 0).all()  # the ramp only rises


@st.composite
def _method_call(draw, instances, kwargs):
    return Call(draw(_fields(kwargs)), (draw(instances),))


@st.composite
def _metric_kwargs(draw, contract):
    """n_days, it_mw, power_price and default_day for a contract's metrics."""
    n_days = draw(st.one_of(st.none(), st.integers(1, 900)))
    days = contract.horizon_days if n_days is None else n_days
    kwargs: dict[str, Any] = {"n_days": n_days, "it_mw": draw(numbers(0, 50))}
    price_kind = draw(st.sampled_from(["scalar", "daily", "none"]))
    if price_kind == "scalar" or (price_kind == "none" and not contract.power_pass_through):
        kwargs["power_price"] = draw(numbers(0, 0.2))
    elif price_kind == "daily":
        kwargs["power_price"] = np.linspace(draw(numbers(0, 0.2)), draw(numbers(0, 0.2)), days)
    kwargs["default_day"] = draw(
        st.one_of(
            st.none(),
            numbers(0, 2000),
            st.just(INF),
            st.lists(numbers(0, 2000), min_size=1, max_size=3).map(np.array),
        )
    )
    return kwargs


@st.composite
def _metric_call(draw, contracts, rate: bool):
    contract = draw(contracts)
    kwargs = draw(_metric_kwargs(contract))
    if rate:
        kwargs = {"rate": draw(numbers(-0.5, 1.0)), **kwargs}
    return Call(kwargs, (contract,))


def _check_metric(*, allow_nan: bool = False, allow_inf: bool = False):
    def check(call: Call, result: Any) -> None:
        day = call.kwargs["default_day"]
        if isinstance(day, np.ndarray):
            assert isinstance(result, np.ndarray) and result.shape == day.shape
        else:
            assert isinstance(result, float), type(result)
        values = np.asarray(result, dtype=float)
        if not allow_nan:
            assert not np.isnan(values).any(), result
        if not allow_inf:
            assert not np.isinf(values).any(), result

    return check


def _check_irr(call: Call, result: Any) -> None:
    # nan: no sign change; inf: an outlay recovered within days, whose annual
    # rate is beyond the float range
    _check_metric(allow_nan=True, allow_inf=True)(call, result)
    contract = call.args[0]
    kw = {"power_price": None, **call.kwargs}
    flows = np.atleast_2d(contract._cash_flow(**kw))
    for row, rate in zip(flows, np.atleast_1d(result), strict=True):
        # Rates just above -1 may round to exactly -1 (documented by cashflow.irr).
        if np.isfinite(rate) and rate > -1:
            # The IRR is the rate at which the library's own NPV is zero, to the
            # precision of the rate: a float near -1 holds 1 + r to eps / (1 + r)
            # relative, which moves each discounted flow by t [years] times that.
            npv = cashflow.npv(row, rate, periods_per_year=365)
            terms = np.abs(row) * cashflow.discount_factors(len(row), rate)
            years = np.arange(len(row)) / 365
            slack = 1e-6 + (1e-9 + 4 * np.finfo(float).eps / (1 + rate)) * 365 * years
            assert abs(npv) <= slack @ terms + 1e-6, (rate, npv)


def _check_payback(call: Call, result: Any) -> None:
    _check_metric(allow_inf=True)(call, result)
    assert (np.asarray(result) >= 0).all()


def _check_daily_flows(call: Call, result: Any) -> None:
    assert isinstance(result, dict)
    assert set(result) == {"revenue", "opex", "power_cost", "capex", "cash_flow"}
    contract = call.args[0]
    n = call.kwargs["n_days"]
    days = contract.horizon_days if n is None else n
    day = call.kwargs.get("default_day")
    shape = (len(day), days) if isinstance(day, np.ndarray) else (days,)
    for name, values in result.items():
        assert values.shape == shape, (name, values.shape, shape)
        assert_finite(values)
    assert_allclose(
        result["cash_flow"],
        result["revenue"] - result["opex"] - result["power_cost"] - result["capex"],
    )


def _check_default_days(call: Call, result: Any) -> None:
    assert isinstance(result, np.ndarray) and result.shape == (call.kwargs["n_paths"],)
    assert (result >= 0).all()
    if call.args[0].default_hazard == 0:
        assert np.isinf(result).all()


METRIC_INVALID = {
    "n_days": [-1, 1.5, "10", True, 10**12],
    "it_mw": [*NEGATIVE, INF],
    "power_price": [-0.01, NAN, "0.05", np.zeros(3)],
    "default_day": [-1.0, NAN, np.zeros((2, 2))],
}


def _metric_spec(name, contracts, check, *, rate=False, examples=15):
    invalid = dict(METRIC_INVALID)
    if rate:
        invalid["rate"] = [-1.0, -2.0, NAN, "0.1"]
    return Spec(
        name,
        _metric_call(contracts, rate),
        check,
        invalid=_invalid(_metric_call(contracts, rate), invalid),
        examples=examples,
    )


HOSTING = [
    Spec(
        "hosting.ColocationLease",
        _contract_call(LEASE),
        _check_contract,
        invalid=_invalid(_contract_call(LEASE), LEASE_INVALID),
    ),
    Spec(
        "hosting.GpuCloud",
        _contract_call(GPU_CLOUD),
        _check_contract,
        invalid=_invalid(_contract_call(GPU_CLOUD), GPU_CLOUD_INVALID),
    ),
    Spec("hosting.list_deals", fixed_call(), _check_list_deals, hostile=(), examples=1),
    Spec(
        "hosting.get_deal",
        st.builds(
            lambda name: Call({"name": name}),
            st.sampled_from(sorted(DEALS.index)).flatmap(_spellings),
        ),
        _check_deal,
        invalid=st.sampled_from(["no-such-deal", "terawulf", "", "   "]).map(
            lambda name: (Call({"name": name}), "name")
        ),
    ),
    Spec(
        "hosting.lease_from_deal",
        _deal_call(COLOCATION_DEALS, OVERRIDES),
        _check_from_deal(hosting.ColocationLease),
        invalid=_invalid(
            _deal_call(COLOCATION_DEALS, OVERRIDES),
            {
                "name": [*GPU_CLOUD_DEALS, "no-such-deal"],
                "escalator": [-1.0, -5.0, NAN, "0.03"],
                "build_days": [-1.0, NAN],
                "rate": [-1.0, NAN],
            },
        ),
    ),
    Spec(
        "hosting.gpu_cloud_from_deal",
        _deal_call(GPU_CLOUD_DEALS, CLOUD_OVERRIDES),
        _check_from_deal(hosting.GpuCloud),
        invalid=_invalid(
            _deal_call(GPU_CLOUD_DEALS, CLOUD_OVERRIDES),
            {
                "name": [*COLOCATION_DEALS[:3], "no-such-deal"],
                "gpus_per_it_mw": [0.0, -1.0, NAN, "700"],
                "utilisation": [0.0, 1.5, NAN, "1"],
                "contract_years": [0.0, NAN],
            },
        ),
    ),
    Spec(
        "hosting.it_load_profile",
        _load_call(),
        _check_load,
        invalid=_invalid(
            _load_call(),
            {
                "n_days": [-1, 2.5, "10", True, 10**12],
                "build_days": [*NEGATIVE, INF],
                "ramp_days": [*NEGATIVE, INF],
                "active_days": [*NEGATIVE, INF],
            },
        ),
    ),
    _metric_spec("hosting.ColocationLease.npv", LEASES, _check_metric(), rate=True),
    _metric_spec("hosting.ColocationLease.irr", LEASES, _check_irr),
    _metric_spec("hosting.ColocationLease.payback_days", LEASES, _check_payback),
    _metric_spec("hosting.ColocationLease.daily_cash_flows", LEASES, _check_daily_flows),
    _metric_spec("hosting.GpuCloud.npv", CLOUDS, _check_metric(), rate=True),
    _metric_spec("hosting.GpuCloud.irr", CLOUDS, _check_irr),
    Spec(
        "hosting.ColocationLease.sample_default_days",
        _method_call(LEASES, {"rng": st.integers(0, 2**32 - 1), "n_paths": st.integers(0, 50)}),
        _check_default_days,
        invalid=_invalid(
            _method_call(LEASES, {"rng": st.integers(0, 100), "n_paths": st.integers(0, 5)}),
            {"n_paths": [-1, 1.5, "3", True, 10**12]},
        ),
        garbage=SMALL_GARBAGE,
    ),
]


# --------------------------------------------------------------------------
# valuation
# --------------------------------------------------------------------------

RATE = numbers(-0.5, 0.5)
DEBT = st.builds(
    financing.DebtTerms,
    loan_to_cost=numbers(0, 0.9),
    rate=numbers(0, 0.2),
    tenor_years=numbers(0.1, 3),
    amortisation=st.sampled_from(["level", "straight", "bullet"]),
    payments_per_year=st.sampled_from([1, 2, 4, 12]),
    interest_only_until_completion=st.booleans(),
    upfront_fee=numbers(0, 0.05),
    capitalise_interest=st.booleans(),
)
POLICIES = st.sampled_from(
    [
        tax.TaxPolicy(),
        tax.TaxPolicy(rate=0.3, nol_limit=1.0, data_hall=tax.DepreciationSchedule("macrs", 15)),
        tax.TaxPolicy(mining_equipment=tax.DepreciationSchedule("straight_line", 3)),
    ]
)
VALUATION = {
    "mining_rate": RATE,
    "hosting_rate": _optional(RATE),
    "guarantor_rate": _optional(RATE),
    "hosting_exit_multiple": numbers(0, 20),
    "renewal_probability": numbers(0, 1),
    "renewal_years": numbers(0, 20),
    "mining_exit_multiple": numbers(0, 10),
    "financing": _optional(DEBT),
    "tax": _optional(POLICIES),
    "name": st.text(max_size=5),
}
VALUATIONS = st.one_of(
    _fields(VALUATION).map(lambda kw: valuation.Valuation(**kw)),
    st.sampled_from(
        [
            valuation.Valuation.market(),
            valuation.Valuation.conservative(),
            valuation.Valuation.market(tax=None, financing=None),
        ]
    ),
)


def _check_valuation(call: Call, result: Any) -> None:
    assert isinstance(result, valuation.Valuation)
    rates = result.rates
    assert set(rates) == {"mining", "hosting", "guarantee"}
    assert all(_is_float(rate) and rate > -1 for rate in rates.values()), rates
    for name, value in call.kwargs.items():
        if name in ("mining_rate", "hosting_exit_multiple", "renewal_years") and value is not None:
            assert getattr(result, name) == value
    assert all(isinstance(line, str) and line for line in result.describe())


VALUATION_INVALID = {
    "mining_rate": [-1.0, -2.0, NAN, "0.1", True, [0.1, 0.2]],
    "hosting_rate": [-1.0, NAN, "0.1", [0.1, 0.2]],
    "guarantor_rate": [-1.5, NAN, True],
    "hosting_exit_multiple": [*NEGATIVE, INF],
    "renewal_probability": [*FRACTION, [0.1, 0.2]],
    "renewal_years": [*NEGATIVE, 1e6],
    "mining_exit_multiple": [*NEGATIVE, INF],
    "financing": ["debt", 0.7, valuation.Valuation()],
    "tax": [0.21, "us", tax.DepreciationSchedule()],
}


@st.composite
def _flows(draw):
    """Mining and (perhaps) hosting flows of a few paths and days, in USD/day."""
    paths = draw(st.integers(1, 3))
    days = draw(st.integers(1, 800))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    capex = np.zeros(days)
    capex[0] = draw(numbers(0, 1e6))
    other = None
    if draw(st.booleans()):
        other = np.zeros(days)
        other[-1] = draw(numbers(0, 1e5))
    mining = {"cash": rng.normal(1e3, 5e3, (paths, days)), "capex": capex, "other": other}
    hosting_flows = None
    if draw(st.booleans()):
        build = draw(st.integers(0, days - 1))
        hall = np.zeros(days)
        hall[: build + 1] = draw(numbers(0, 1e7)) / (build + 1)
        rent = np.where(np.arange(days) > build, draw(numbers(0, 1e4)), 0.0)
        guaranteed = rent * draw(numbers(0, 1))
        cash = np.broadcast_to(rent * draw(numbers(0, 1)) - hall, (paths, days))
        exits = tuple(
            (draw(st.integers(0, 2 * days)), draw(numbers(0, 1)), rng.normal(1e6, 1e5, paths))
            for _ in range(draw(st.integers(0, 2)))
        )
        hosting_flows = {
            "cash": cash + rng.normal(0, 10, (paths, days)),
            "guaranteed": guaranteed,
            "capex": hall,
            "exits": exits,
            "completion_day": build,
        }
    return mining, hosting_flows


def _mining_calls():
    return _flows().map(lambda pair: Call(pair[0]))


def _hosting_calls():
    return _flows().filter(lambda pair: pair[1] is not None).map(lambda pair: Call(pair[1]))


@st.composite
def _value_site_call(draw):
    mining, hosting_flows = draw(_flows())
    return Call(
        {
            "mining": valuation.MiningFlows(**mining),
            "hosting": None if hosting_flows is None else valuation.HostingFlows(**hosting_flows),
            "valuation": draw(VALUATIONS),
        }
    )


def _check_site_value(call: Call, result: Any) -> None:
    assert isinstance(result, valuation.SiteValue)
    paths, days = call.kwargs["mining"].cash.shape
    assert list(result.components) == list(valuation.COMPONENTS)
    for part in result.components.values():
        assert part.shape == (paths,)
        assert_finite(part)
    assert_allclose(
        result.npv, sum(result.components[c] for c in valuation.COMPONENTS[:5]), rtol=1e-9
    )
    assert_allclose(result.equity_npv, result.npv + result.components["financing"], rtol=1e-9)
    for flows in (result.flows, result.equity_flows):
        assert flows.shape == (paths, days)
        assert_finite(flows)
    assert result.dscr.shape == (paths, -(-days // 365))
    if call.kwargs["valuation"].financing is None:
        assert np.isnan(result.dscr).all()


def _check_flows(cls):
    def check(call: Call, result: Any) -> None:
        assert isinstance(result, cls)
        for name, value in call.kwargs.items():
            if isinstance(value, np.ndarray):
                assert_allclose(getattr(result, name), value)

    return check


@st.composite
def _site_value_call(draw):
    """The fields of a SiteValue from value_site."""
    value = valuation.value_site(**draw(_value_site_call()).kwargs)
    return Call({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})


def _check_site_value_fields(call: Call, result: Any) -> None:
    assert isinstance(result, valuation.SiteValue)
    assert result.npv is call.kwargs["npv"]


@st.composite
def _site_value_method_call(draw):
    return Call({}, (valuation.value_site(**draw(_value_site_call()).kwargs),))


def _check_per_path(*, allow_nan: bool = False, allow_inf: bool = False, low: float = -np.inf):
    def check(call: Call, result: Any) -> None:
        value = call.args[0]
        assert isinstance(result, np.ndarray) and result.shape == value.npv.shape
        finite = result[np.isfinite(result)]
        assert (finite >= low).all()
        if not allow_nan:
            assert not np.isnan(result).any()
        if not allow_inf:
            assert not np.isinf(result).any()

    return check


def _check_extension_years(call: Call, result: Any) -> None:
    assert isinstance(result, float) and result >= 0 and np.isfinite(result)
    text = call.kwargs["options"]
    found = isinstance(text, str) and re.search(r"(\d+)\s*x\s*(\d+(?:\.\d+)?)\s*y", text)
    assert result == (float(found.group(1)) * float(found.group(2)) if found else 0.0)


EXTENSION_TEXT = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.builds("{}x{}y (to ~$7B)".format, st.integers(0, 5), st.sampled_from(["5", "2.5", "10"])),
)


def _days(call: Call) -> int:
    return np.shape(call.kwargs["cash"])[-1]


def _wrong_daily(call: Call) -> list:
    """Daily arrays that do not fit the call's cash: a day more, NaN, 2-D, text."""
    days = _days(call)
    return [np.zeros(days + 1), np.full(days, NAN), np.zeros((1, days)), "x"]


FLOWS_INVALID = {
    "cash": [np.zeros(3), np.full((1, 3), NAN), np.zeros((1, 0)), "cash", None],
    "capex": lambda call: [-np.ones(_days(call)), None, *_wrong_daily(call)],
}

VALUATION_SPECS = [
    Spec(
        "valuation.Valuation",
        _fields(VALUATION).map(Call),
        _check_valuation,
        invalid=_invalid(_fields(VALUATION).map(Call), VALUATION_INVALID),
    ),
    Spec(
        "valuation.Valuation.market",
        _method_call(
            st.just(valuation.Valuation),
            {"renewal_years": numbers(0, 20), "mining_rate": RATE, "tax": _optional(POLICIES)},
        ),
        _check_valuation,
        invalid=_invalid(
            _method_call(st.just(valuation.Valuation), {"renewal_years": numbers(0, 20)}),
            {"renewal_years": [*NEGATIVE, 1e6], "mining_rate": [-1.0, NAN], "colour": [1]},
        ),
    ),
    Spec(
        "valuation.Valuation.conservative",
        _method_call(
            st.just(valuation.Valuation),
            {"rate": RATE, "hosting_exit_multiple": numbers(0, 20), "tax": _optional(POLICIES)},
        ),
        _check_valuation,
        invalid=_invalid(
            _method_call(st.just(valuation.Valuation), {"rate": RATE}),
            {"rate": [-1.0, -3.0, NAN, "0.1", [0.1]], "renewal_probability": [2.0]},
        ),
    ),
    Spec(
        "valuation.Valuation.describe",
        st.builds(lambda v: Call({}, (v,)), VALUATIONS),
        lambda call, result: _check_lines(result),
        hostile=(),
        examples=10,
    ),
    Spec(
        "valuation.extension_years_offered",
        EXTENSION_TEXT.map(lambda text: Call({"options": text})),
        _check_extension_years,
    ),
    Spec(
        "valuation.MiningFlows",
        _mining_calls(),
        _check_flows(valuation.MiningFlows),
        invalid=_invalid(_mining_calls(), {**FLOWS_INVALID, "other": _wrong_daily}),
        examples=15,
    ),
    Spec(
        "valuation.HostingFlows",
        _hosting_calls(),
        _check_flows(valuation.HostingFlows),
        invalid=_invalid(
            _hosting_calls(),
            {
                **FLOWS_INVALID,
                "guaranteed": _wrong_daily,
                "exits": [None, ((0, 1.5, np.ones(1)),), ((-1, 0.5, np.ones(1)),), (("a",),)],
                "completion_day": [-1, 1.5, NAN, "0", None],
            },
        ),
        examples=15,
    ),
    Spec("valuation.SiteValue", _site_value_call(), _check_site_value_fields, examples=5),
    Spec(
        "valuation.value_site",
        _value_site_call(),
        _check_site_value,
        invalid=_invalid(
            _value_site_call(),
            {
                "mining": [None, "flows", np.zeros((1, 3))],
                "hosting": ["flows", 0.0, valuation.MiningFlows(np.zeros((1, 3)), np.zeros(3))],
                "valuation": [None, 0.1, "market", valuation.COMPONENTS],
            },
        ),
    ),
    Spec(
        "valuation.SiteValue.irr",
        _site_value_method_call(),
        _check_per_path(allow_nan=True, allow_inf=True, low=-1.0),
        hostile=(),
        examples=10,
    ),
    Spec(
        "valuation.SiteValue.payback_days",
        _site_value_method_call(),
        _check_per_path(allow_inf=True, low=0.0),
        hostile=(),
        examples=10,
    ),
]


def _check_lines(result: Any) -> None:
    assert isinstance(result, list) and result
    assert all(isinstance(line, str) and line for line in result)


# --------------------------------------------------------------------------
# tax
# --------------------------------------------------------------------------

MACRS_YEARS = [3, 5, 7, 10, 15, 20, 27.5, 39]
YEARS = pd.RangeIndex(4, name="year")


@st.composite
def _schedule_call(draw):
    if draw(st.booleans()):
        years = draw(st.sampled_from(MACRS_YEARS))
        kwargs: dict[str, Any] = {"method": "macrs", "recovery_years": years}
        if years in (27.5, 39):
            kwargs["month"] = draw(_optional(st.integers(1, 12)))
    else:
        kwargs = {
            "method": "straight_line",
            "recovery_years": draw(numbers(0.5, 40)),
            "convention": draw(_optional(st.sampled_from(["half-year", "full-year"]))),
        }
    kwargs["bonus"] = draw(numbers(0, 1))
    return Call(kwargs)


def _check_schedule(call: Call, result: Any) -> None:
    assert isinstance(result, tax.DepreciationSchedule)
    rates = result.rates()
    assert (rates >= 0).all()
    assert_allclose(rates.sum(), 1.0, rtol=1e-9)
    deduction = result.apply([100.0, 0.0])
    # the bonus comes off in the first year, and never more than the basis
    assert deduction.shape == (2,) and deduction[0] >= call.kwargs["bonus"] * 100 - 1e-9
    assert deduction.sum() <= 100 + 1e-9


@st.composite
def _capex(draw, *, signed: bool = False):
    """Yearly amounts in every kind: list, 1-D or 2-D array, Series, DataArray."""
    kind = draw(st.sampled_from(["list", "array", "paths", "series", "dataarray"]))
    low = -1e6 if signed else 0.0
    values = [draw(numbers(low, 1e6)) for _ in range(len(YEARS))]
    if kind == "list":
        return values
    if kind == "array":
        return np.array(values)
    if kind == "paths":
        return np.array([values, [draw(numbers(low, 1e6)) for _ in values]])
    if kind == "series":
        return pd.Series(values, index=YEARS)
    return xr.DataArray(values, coords={"year": YEARS}, dims="year")


RATES = st.one_of(
    st.sampled_from([3, 5, 7, 15, 39]).map(tax.macrs_rates),
    numbers(0.5, 10).map(tax.straight_line_rates),
    st.lists(numbers(0, 0.3), min_size=0, max_size=3).map(np.array),
)


@st.composite
def _depreciation_call(draw):
    capex = draw(_capex())
    bonus = draw(
        st.one_of(
            numbers(0, 1),
            st.lists(numbers(0, 1), min_size=len(YEARS), max_size=len(YEARS)).map(np.array),
        )
    )
    return Call({"capex_by_year": capex, "rates": draw(RATES), "bonus": bonus})


def _kind_like(result: Any, template: Any) -> None:
    """A list or array comes back as an array, a Series or DataArray as itself."""
    if isinstance(template, pd.Series):
        assert isinstance(result, pd.Series) and result.index.equals(template.index)
    elif isinstance(template, xr.DataArray):
        assert isinstance(result, xr.DataArray)
        assert result.indexes["year"].equals(template.indexes["year"])
    else:
        assert isinstance(result, np.ndarray) and result.shape == np.shape(template)
    assert_finite(result)


def _check_depreciation(call: Call, result: Any) -> None:
    capex = call.kwargs["capex_by_year"]
    _kind_like(result, capex)
    values = np.asarray(result)
    assert (values >= -1e-6).all()
    # never more than what was spent
    assert (values.sum(axis=-1) <= np.asarray(capex).sum(axis=-1) * (1 + 1e-12) + 1e-6).all()


def _check_basis(call: Call, result: Any) -> None:
    capex = call.kwargs["capex_by_year"]
    _kind_like(result, capex)
    deducted = np.asarray(tax.depreciation(**call.kwargs)).sum(axis=-1)
    assert_allclose(
        np.asarray(result)[..., -1], np.asarray(capex).sum(axis=-1) - deducted, atol=1e-6
    )


@st.composite
def _income_tax_call(draw):
    income = draw(_capex(signed=True))
    return Call(
        {
            "taxable_income": income,
            "rate": draw(numbers(0, 1)),
            "nol_limit": draw(numbers(0, 1)),
            "opening_nol": draw(numbers(0, 1e6)),
        }
    )


def _check_income_tax(call: Call, result: Any) -> None:
    assert isinstance(result, tax.IncomeTax)
    income = call.kwargs["taxable_income"]
    for part in (result.tax, result.nol):
        _kind_like(part, income)
        assert (np.asarray(part) >= -1e-9).all()
    # constant rate: total tax = rate * (sum of income + closing - opening losses)
    kw = call.kwargs
    expected = kw["rate"] * (
        np.asarray(income).sum(axis=-1) + np.asarray(result.nol)[..., -1] - kw["opening_nol"]
    )
    assert_allclose(np.asarray(result.tax).sum(axis=-1), expected, rtol=1e-9, atol=1e-6)


def _check_rates(call: Call, result: Any) -> None:
    assert isinstance(result, np.ndarray) and result.ndim == 1
    assert (result >= 0).all()
    assert_allclose(result.sum(), 1.0, rtol=1e-9)


@st.composite
def _yearly_call(draw):
    days = draw(st.integers(0, 800))
    shape = draw(st.sampled_from([(days,), (2, days)]))
    rng = np.random.default_rng(draw(st.integers(0, 100)))
    return Call({"daily": rng.normal(0, 100, shape), "days_per_year": draw(st.integers(1, 400))})


def _check_yearly(call: Call, result: Any) -> None:
    daily, per_year = call.kwargs["daily"], call.kwargs["days_per_year"]
    assert isinstance(result, np.ndarray)
    assert result.shape == (*daily.shape[:-1], -(-daily.shape[-1] // per_year))
    assert_allclose(result.sum(axis=-1), daily.sum(axis=-1), atol=1e-6)


CAPEX_INVALID = {
    "capex_by_year": [[-1.0, 2.0], [NAN], [INF], 5.0, "x", None],
    "rates": [[0.6, 0.6], [-0.1], [NAN], np.ones((2, 2)) / 4, "x"],
    "bonus": [-0.1, 1.5, NAN, "x", np.ones(7) / 2],
}

TAX_SPECS = [
    Spec(
        "tax.DepreciationSchedule",
        _schedule_call(),
        _check_schedule,
        invalid=_invalid(
            _schedule_call(),
            {
                "method": ["declining", None, 5, ["macrs"]],
                "recovery_years": lambda call: (
                    [0, -1, NAN, "5", 1e9] + ([4, 27] if call.kwargs["method"] == "macrs" else [])
                ),
                "bonus": FRACTION,
                "convention": ["mid-month", 1, np.array(["half-year"])],
                "month": [0, 13, 1.5, "1"],
            },
        ),
    ),
    Spec(
        "tax.TaxPolicy",
        _fields(
            {
                "rate": numbers(0, 1),
                "nol_limit": numbers(0, 1),
                "mining_equipment": _schedule_call().map(lambda c: c(tax.DepreciationSchedule)),
                "data_hall": _schedule_call().map(lambda c: c(tax.DepreciationSchedule)),
            }
        ).map(Call),
        instance_of(tax.TaxPolicy),
        invalid=_invalid(
            _fields({"rate": numbers(0, 1)}).map(Call),
            {
                "rate": FRACTION,
                "nol_limit": FRACTION,
                "mining_equipment": ["macrs", 5, None],
                "data_hall": [tax.TaxPolicy(), 39],
            },
        ),
    ),
    Spec(
        "tax.IncomeTax",
        _capex().map(lambda v: Call({"tax": v, "nol": v})),
        instance_of(tax.IncomeTax),
        examples=5,
    ),
    Spec(
        "tax.depreciation",
        _depreciation_call(),
        _check_depreciation,
        invalid=_invalid(_depreciation_call(), CAPEX_INVALID),
    ),
    Spec(
        "tax.undepreciated_basis",
        _depreciation_call(),
        _check_basis,
        invalid=_invalid(_depreciation_call(), CAPEX_INVALID),
    ),
    Spec(
        "tax.income_tax",
        _income_tax_call(),
        _check_income_tax,
        invalid=_invalid(
            _income_tax_call(),
            {
                "taxable_income": [[NAN, 1.0], [INF], 5.0, "x", None],
                "rate": [*FRACTION, np.ones(9) / 5],
                "nol_limit": [*FRACTION, [0.5, 0.5]],
                "opening_nol": [-1.0, NAN, INF, "x", np.ones(9)],
            },
        ),
    ),
    Spec(
        "tax.macrs_rates",
        st.sampled_from(MACRS_YEARS).flatmap(
            lambda years: st.builds(
                lambda month: Call(
                    {"recovery_years": years, **({"month": month} if years > 20 else {})}
                ),
                st.integers(1, 12),
            )
        ),
        _check_rates,
        invalid=st.sampled_from(
            [
                (Call({"recovery_years": 4}), "recovery_years"),
                (Call({"recovery_years": NAN}), "recovery_years"),
                (Call({"recovery_years": "5"}), "recovery_years"),
                (Call({"recovery_years": 5, "month": 3}), "month"),
                (Call({"recovery_years": 39, "month": 13}), "month"),
                (Call({"recovery_years": 39, "month": 2.0}), "month"),
            ]
        ),
    ),
    Spec(
        "tax.straight_line_rates",
        _fields(
            {
                "life_years": numbers(0.1, 60),
                "convention": st.sampled_from(["half-year", "full-year"]),
            }
        ).map(Call),
        _check_rates,
        invalid=_invalid(
            _fields({"life_years": numbers(0.1, 60)}).map(Call),
            {
                "life_years": [0.0, *NEGATIVE, INF, 1e9],
                "convention": ["mid-month", None, np.array(["full-year"])],
            },
        ),
    ),
    Spec(
        "tax.yearly_sums",
        _yearly_call(),
        _check_yearly,
        invalid=_invalid(
            _yearly_call(),
            {
                "daily": [3.0, [NAN], [INF], "x", None],
                "days_per_year": [0, -1, 1.5, True, "365"],
            },
        ),
    ),
]


# --------------------------------------------------------------------------
# financing
# --------------------------------------------------------------------------

DEBT_FIELDS = {
    "loan_to_cost": numbers(0, 0.95),
    "rate": numbers(0, 0.3),
    "tenor_years": numbers(0.05, 3),
    "amortisation": st.sampled_from(["level", "straight", "bullet"]),
    "payments_per_year": st.sampled_from([1, 2, 4, 12, 365]),
    "interest_only_until_completion": st.booleans(),
    "upfront_fee": numbers(0, 0.1),
    "capitalise_interest": st.booleans(),
}


def _check_terms(call: Call, result: Any) -> None:
    assert isinstance(result, financing.DebtTerms)
    for name, value in call.kwargs.items():
        assert getattr(result, name) == value


@st.composite
def _debt_call(draw):
    days = draw(st.integers(1, 800))
    capex = np.zeros(days)
    spend = draw(st.integers(0, days))
    capex[:spend] = draw(numbers(0, 1e6))
    kwargs = {
        "capex": capex,
        "completion_day": draw(st.one_of(numbers(0, 900), st.just(INF))),
        "terms": financing.DebtTerms(**draw(_fields(DEBT_FIELDS))),
    }
    if draw(st.booleans()):
        kwargs["days_per_year"] = draw(st.integers(365, 366))
    return Call(kwargs)


def _check_debt(call: Call, result: Any) -> None:
    assert isinstance(result, financing.DebtSchedule)
    n = len(call.kwargs["capex"])
    for name in ("draw", "interest", "principal", "fee", "capitalised_interest", "balance"):
        values = getattr(result, name)
        assert values.shape == (n,), name
        assert_finite(values)
        assert (values >= -1e-6 * max(1.0, call.kwargs["capex"].sum())).all(), name
    # every schedule ends repaid, and the lender earns exactly its rate
    scale = max(1.0, result.draw.sum())
    assert abs(result.balance[-1]) <= 1e-9 * scale
    lender = -result.draw + result.interest + result.principal
    npv = cashflow.npv(lender, call.kwargs["terms"].rate, periods_per_year=result.days_per_year)
    assert abs(npv) <= 1e-7 * scale, npv


@st.composite
def _schedule_fields(draw):
    schedule = financing.debt_schedule(**draw(_debt_call()).kwargs)
    return Call({f.name: getattr(schedule, f.name) for f in dataclasses.fields(schedule)})


def _check_yearly_table(call: Call, result: Any) -> None:
    schedule = call.args[0]
    assert isinstance(result, pd.DataFrame) and result.index.name == "year"
    assert len(result) == -(-len(schedule.draw) // schedule.days_per_year)
    for name in ("draw", "interest", "principal", "fee", "debt_service", "cash_flow"):
        assert_allclose(result[name].sum(), getattr(schedule, name).sum(), atol=1e-6)
    assert_finite(result.to_numpy(dtype=float))


FINANCING_SPECS = [
    Spec(
        "financing.DebtTerms",
        _fields(DEBT_FIELDS).map(Call),
        _check_terms,
        invalid=_invalid(
            _fields(DEBT_FIELDS).map(Call),
            {
                "loan_to_cost": [1.0, *FRACTION],
                "rate": [*NEGATIVE, INF],
                "tenor_years": [0.0, *NEGATIVE, 1e6],
                "amortisation": ["annuity", None, 1, np.array(["level"])],
                "payments_per_year": [0, 366, 1.5, True, "2"],
                "interest_only_until_completion": ["yes", 1, None],
                "upfront_fee": [1.0, *FRACTION],
                "capitalise_interest": ["no", 0],
            },
        ),
    ),
    Spec("financing.DebtSchedule", _schedule_fields(), instance_of(financing.DebtSchedule)),
    Spec(
        "financing.DebtSchedule.yearly",
        _debt_call().map(lambda c: Call({}, (financing.debt_schedule(**c.kwargs),))),
        _check_yearly_table,
        hostile=(),
        examples=10,
    ),
    Spec(
        "financing.debt_schedule",
        _debt_call(),
        _check_debt,
        invalid=_invalid(
            _debt_call(),
            {
                "capex": [[-1.0, 2.0], np.ones((2, 2)), [INF], [NAN], 5.0, "x"],
                "completion_day": [-1.0, NAN, [1.0, 2.0], "0"],
                "terms": [None, "notes", {"rate": 0.07}],
                "days_per_year": [0, -1, 1.5, True, "365"],
            },
        ),
    ),
    Spec(
        "financing.dscr",
        numeric_call({"cfads": numbers(-1e6, 1e6), "debt_service": numbers(0, 1e6)}),
        same_kind(allow_inf=True),
        invalid=_invalid(
            numeric_call({"cfads": numbers(-1e6, 1e6), "debt_service": numbers(0, 1e6)}),
            {
                "cfads": [NAN, INF, "x", None],
                "debt_service": [-1.0, NAN, INF, "x"],
            },
        ),
    ),
]


# --------------------------------------------------------------------------
# scenario
# --------------------------------------------------------------------------

# Height 931,392 is the first block of epoch 462; no fees, BTC at 90,000 USD.
STATE = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
S21XP = "Antminer S21 XP"  # 270 TH/s, 3,645 W: 1,000 need 3.83 MW with PUE 1.05
VIEWS = {
    "none": None,
    "single": valuation.Valuation(0.1),
    "conservative": valuation.Valuation.conservative(),
    "market": valuation.Valuation.market(),
}


@st.composite
def _site_fields(draw):
    return {
        "gross_mw": draw(numbers(0.5, 8)),
        "fleet": Deployment(S21XP, draw(st.integers(1, 2000))),
        "power_price": draw(numbers(0, 0.15)),
        "power_price_escalation": draw(numbers(-0.1, 0.1)),
        "mining_pue": draw(numbers(1, 1.3)),
        "pool_fee": draw(numbers(0, 0.05)),
        "demand_response": draw(numbers(0, 50_000)),
        "mining_capex_per_mw": draw(numbers(0, 500_000)),
        "name": draw(st.text(max_size=5)),
    }


SITES = _site_fields().map(lambda kw: scenario.Site(**kw))


def _check_site(call: Call, result: Any) -> None:
    assert isinstance(result, scenario.Site)
    assert isinstance(result.fleet, tuple) and len(result.fleet) == 1
    # nameplate power with PUE: count * 3,645 W * pue
    fleet = call.kwargs["fleet"]
    expected = fleet.count * fleet.miner.power * call.kwargs["mining_pue"] / 1e6
    assert_allclose(result.fleet_mw, expected, rtol=1e-12)


SMALL_CONTRACTS = st.one_of(
    st.builds(
        hosting.ColocationLease,
        rate=numbers(0, 300),
        term_years=numbers(0.05, 1),
        build_days=numbers(0, 40),
        ramp_days=numbers(0, 40),
        capex_per_it_mw=numbers(0, 1e7),
        default_hazard=st.sampled_from([0.0, 0.3]),
        backstop_share=numbers(0, 1),
    ),
    st.builds(
        hosting.GpuCloud,
        gpus_per_it_mw=numbers(100, 800),
        price_per_gpu_hour=numbers(0, 3),
        capex_per_gpu=numbers(0, 40_000),
        contract_years=numbers(0.05, 1),
        build_days=numbers(0, 40),
        ramp_days=numbers(0, 40),
    ),
)


@st.composite
def _split_fields(draw, gross_mw: float = 8.0, days: int = 30):
    kwargs: dict[str, Any] = {"hosting": draw(SMALL_CONTRACTS)}
    if draw(st.booleans()):
        kwargs["fraction"] = draw(numbers(0, 1))
    else:
        kwargs["mw"] = draw(numbers(0, gross_mw))
    day = draw(st.integers(0, days - 1))
    kwargs["decision"] = draw(
        st.sampled_from([day, str((STATE.date + pd.Timedelta(days=day)).date())])
    )
    kwargs["backfill"] = draw(st.booleans())
    kwargs["downtime_days"] = draw(numbers(0, 60))
    return kwargs


def _check_split(call: Call, result: Any) -> None:
    assert isinstance(result, scenario.Split)
    site = scenario.Site(gross_mw=8.0, fleet=Deployment(S21XP, 100))
    converted = result.converted_mw(site)
    assert isinstance(converted, float) and 0 <= converted <= 8.0
    assert isinstance(result.label(site), str)


@st.composite
def _compare_call(draw):
    site = draw(SITES)
    days = draw(st.integers(30, 90))
    splits = [
        scenario.Split(**draw(_split_fields(site.gross_mw, days)), name=f"option {i}")
        for i in range(draw(st.integers(0, 2)))
    ]
    if draw(st.booleans()):
        splits = {split.name: split for split in splits}
    return Call(
        {
            "site": site,
            "splits": splits,
            "scenario": MiningScenario(
                site.fleet, start=STATE, days=days, price=price.GBM(0.0, draw(numbers(0.1, 1)))
            ),
            "n_paths": draw(st.integers(2, 4)),
            "seed": draw(st.integers(0, 2**32)),
            "valuation": VIEWS[draw(st.sampled_from(sorted(VIEWS)))],
            "contract_tail": draw(st.booleans()),
        }
    )


def _check_comparison(call: Call, result: Any) -> None:
    assert isinstance(result, scenario.SiteComparison)
    splits = call.kwargs["splits"]
    labels = list(splits) if isinstance(splits, dict) else [s.name for s in splits]
    assert result.options == ("pure mining", *labels)
    shape = (len(result.options), call.kwargs["n_paths"])
    for name in ("npv", "equity_npv", "irr", "equity_irr", "payback_days"):
        array = getattr(result, name)
        assert isinstance(array, xr.DataArray) and array.shape == shape, name
        assert list(array.option.values) == list(result.options)
    assert_finite(result.npv)
    assert_finite(result.equity_npv)
    assert_finite(result.monthly_cash_flow)
    assert (result.payback_days.fillna(0) >= 0).all()
    # the components add up to the equity value, the first five to the value
    parts = result.components
    assert_allclose(parts.sum("component"), result.equity_npv, rtol=1e-9, atol=1e-3)
    assert_allclose(
        parts.sel(component=list(valuation.COMPONENTS[:5])).sum("component"),
        result.npv,
        rtol=1e-9,
        atol=1e-3,
    )


@st.composite
def _optimal_split_call(draw):
    site = draw(SITES)
    fractions = draw(st.lists(numbers(0, 1), min_size=1, max_size=3, unique=True))
    return Call(
        {
            "site": site,
            "hosting": draw(SMALL_CONTRACTS),
            "fractions": fractions,
            "objective": draw(st.sampled_from(["mean", "cvar", np.median])),
            "level": draw(numbers(0.5, 0.99)),
            "scenario": MiningScenario(
                site.fleet, start=STATE, days=draw(st.integers(30, 60)), price=price.GBM(0, 0.5)
            ),
            "n_paths": draw(st.integers(2, 4)),
            "seed": draw(st.integers(0, 100)),
        }
    )


def _check_optimal_split(call: Call, result: Any) -> None:
    assert isinstance(result, tuple) and len(result) == 2
    best, scores = result
    assert isinstance(best, float) and best in call.kwargs["fractions"]
    assert isinstance(scores, pd.Series) and scores.index.name == "fraction"
    assert list(scores.index) == list(call.kwargs["fractions"])
    assert_finite(scores)
    assert scores[best] == scores.max()


def _check_default_scenario(call: Call, result: Any) -> None:
    assert isinstance(result, MiningScenario)
    assert result.days == call.kwargs.get("days", 3650)
    assert result.start.date == NetworkState.latest().date
    assert result.price.drift == 0.0 and result.price.volatility > 0


@functools.cache
def _comparison(view: str, seed: int) -> scenario.SiteComparison:
    """A 4 MW site, half of it leased and a quarter given to a GPU cloud, over 60 days.

    Built once per (view, seed): the method specs share it."""
    site = scenario.Site(gross_mw=4.0, fleet=Deployment(S21XP, 1000))
    lease = hosting.ColocationLease(
        rate=150.0, term_years=1, build_days=0, ramp_days=0, capex_per_it_mw=5e6
    )
    cloud = hosting.GpuCloud(
        gpus_per_it_mw=700, price_per_gpu_hour=2.0, capex_per_gpu=30_000, build_days=10
    )
    return scenario.compare(
        site,
        {"lease": scenario.Split(lease, fraction=0.5), "cloud": scenario.Split(cloud, mw=1.0)},
        scenario=MiningScenario(site.fleet, start=STATE, days=60, price=price.GBM(0.0, 0.6)),
        n_paths=3,
        seed=seed,
        valuation=VIEWS[view],
    )


COMPARISONS = st.builds(
    _comparison, st.sampled_from(["single", "conservative", "market"]), st.integers(0, 2)
)
DEBT_COMPARISONS = st.builds(_comparison, st.just("market"), st.integers(0, 2))
SPLIT_OPTIONS = st.sampled_from(["lease", "cloud"])


@st.composite
def _comparison_method(draw, comparisons=COMPARISONS, **kwargs):
    return Call(draw(_fields(kwargs)), (draw(comparisons),))


def _check_table(call: Call, result: Any) -> None:
    comparison = call.args[0]
    assert isinstance(result, pd.DataFrame) and result.index.name == "option"
    assert list(result.index) == list(comparison.options)
    assert_finite(result[["mean_npv", "p5_npv", "median_npv", "p95_npv", "mean_equity_npv"]])
    for column in ("probability_of_loss", "probability_beats_pure_mining"):
        assert result[column].between(0, 1).all()
    assert (result["p5_npv"] <= result["p95_npv"] + 1e-6).all()


def _check_breakeven(call: Call, result: Any) -> None:
    assert isinstance(result, float)
    low = call.kwargs.get("low", 1_000.0)
    high = call.kwargs.get("high", 1_000_000.0)
    assert result in (0.0, INF) or low <= result <= high, result


def _check_hashprice(call: Call, result: Any) -> None:
    assert isinstance(result, float) and (result >= 0 or np.isinf(result))


def _check_revalue(call: Call, result: Any) -> None:
    assert isinstance(result, scenario.SiteComparison)
    assert result.options == call.args[0].options
    assert result.valuation is call.kwargs["valuation"]
    # the same paths: the engine did not run again
    assert result.mining is call.args[0].mining
    assert_finite(result.npv)


def _check_breakdown(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame)
    assert list(result.index) == list(call.args[0].options)
    assert list(result.columns) == [*valuation.COMPONENTS, "npv", "equity_npv"]
    assert_finite(result.to_numpy(dtype=float))


def _check_probability(call: Call, result: Any) -> None:
    assert isinstance(result, float) and 0 <= result <= 1


def _check_dscr_table(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame) and result.index.name == "year"
    assert list(result.columns) == [f"p{p:g}" for p in call.kwargs["percentiles"]]


def _comparison_fields(comparison):
    return Call(
        {
            f.name: getattr(comparison, f.name)
            for f in dataclasses.fields(comparison)
            if not f.name.startswith("_")
        }
    )


OPTION_INVALID = ["pure mining", "nope", None, 3, ["lease"], np.array(["lease"])]

SCENARIO_SPECS = [
    Spec(
        "scenario.Site",
        _site_fields().map(Call),
        _check_site,
        invalid=_invalid(
            _site_fields().map(Call),
            {
                "gross_mw": [0.0, *NEGATIVE, INF],
                "fleet": [None, "S21", [], [1, 2]],
                "power_price": [-0.01, NAN, "0.05"],
                "mining_pue": [0.9, NAN, "1.05", [1.0, 1.1]],
                "pool_fee": [1.0, *FRACTION],
                "demand_response": [*NEGATIVE, INF],
                "mining_capex_per_mw": [*NEGATIVE, INF],
                "power_price_escalation": [-1.5, NAN, INF, [0.1, 0.2]],
            },
        ),
    ),
    Spec(
        "scenario.Split",
        _split_fields().map(Call),
        _check_split,
        invalid=_invalid(
            _split_fields().map(Call),
            {
                "hosting": [None, "lease", 150.0],
                "backfill": ["yes", 1, None],
                "downtime_days": [*NEGATIVE, INF],
                "decision": [-1, 1.5, "2025-13-45", None, pd.NaT, True],
            },
        ),
    ),
    Spec(
        "scenario.compare",
        _compare_call(),
        _check_comparison,
        invalid=_invalid(
            _compare_call(),
            {
                "site": [None, "site", 4.0],
                "splits": [None, 5, [None], ["split"]],
                "scenario": ["2026-01-01", 365, STATE],
                "n_paths": [0, -1, 1.5, True, "3"],
                "seed": [-1, "seed", 1.5],
                "valuation": [0.1, "market", {}],
                "contract_tail": ["yes", 1, None],
            },
        ),
        garbage=SMALL_GARBAGE,
        examples=5,
    ),
    Spec(
        "scenario.default_scenario",
        st.builds(
            lambda site, days: Call({"site": site, **days}),
            SITES,
            st.one_of(st.just({}), st.integers(2, 5000).map(lambda d: {"days": d})),
        ),
        _check_default_scenario,
        invalid=_invalid(
            st.builds(lambda site: Call({"site": site, "days": 30}), SITES),
            {"site": [None, "site", 4.0], "days": [0, -1, 1.5, "30", True]},
        ),
        garbage=SMALL_GARBAGE,
        examples=5,
    ),
    Spec(
        "scenario.optimal_split",
        _optimal_split_call(),
        _check_optimal_split,
        invalid=_invalid(
            _optimal_split_call(),
            {
                "site": [None, "site"],
                "hosting": [None, "lease", 150.0],
                "fractions": [[], [0.5, 0.5], [1.5], [NAN], None, 0.5, ["x"]],
                "objective": ["max", None, 3],
                "level": [0.0, 1.0, 1.5, NAN, "0.95"],
                "n_paths": [0, -1, 1.5, True],
            },
        ),
        garbage=SMALL_GARBAGE,
        examples=5,
    ),
    Spec(
        "scenario.SiteComparison",
        COMPARISONS.map(_comparison_fields),
        instance_of(scenario.SiteComparison),
        examples=3,
    ),
    Spec(
        "scenario.SiteComparison.table",
        _comparison_method(level=numbers(0.5, 0.99)),
        _check_table,
        invalid=_invalid(
            _comparison_method(level=numbers(0.5, 0.99)),
            {"level": [0.0, 1.0, -0.5, NAN, "0.95", [0.9]]},
        ),
        examples=10,
    ),
    Spec(
        "scenario.SiteComparison.breakeven_btc_price",
        _comparison_method(
            option=SPLIT_OPTIONS, low=numbers(1_000, 50_000), high=numbers(100_000, 1e6)
        ),
        _check_breakeven,
        invalid=_invalid(
            _comparison_method(option=SPLIT_OPTIONS),
            {
                "option": OPTION_INVALID,
                "low": [0.0, -1.0, NAN, INF, "1000", [1.0, 2.0]],
                "high": [500.0, NAN, INF, "1e6", [1.0, 2.0]],
            },
        ),
        examples=5,
    ),
    Spec(
        "scenario.SiteComparison.breakeven_hashprice",
        _comparison_method(option=SPLIT_OPTIONS),
        _check_hashprice,
        invalid=_invalid(_comparison_method(option=SPLIT_OPTIONS), {"option": OPTION_INVALID}),
        examples=3,
    ),
    Spec(
        "scenario.SiteComparison.revalue",
        _comparison_method(valuation=st.sampled_from([v for v in VIEWS.values() if v])),
        _check_revalue,
        invalid=_invalid(
            _comparison_method(valuation=st.just(valuation.Valuation())),
            {"valuation": [None, 0.1, "market"]},
        ),
        examples=5,
    ),
    Spec(
        "scenario.SiteComparison.value_breakdown",
        _comparison_method(),
        _check_breakdown,
        hostile=(),
        examples=5,
    ),
    Spec(
        "scenario.SiteComparison.probability_mining_wins",
        _comparison_method(option=st.sampled_from(["pure mining", "lease", "cloud"])),
        _check_probability,
        invalid=_invalid(
            _comparison_method(option=SPLIT_OPTIONS),
            {"option": ["nope", None, 3, ["lease"], np.array(["lease"])]},
        ),
        examples=10,
    ),
    Spec(
        "scenario.SiteComparison.dscr_by_year",
        _comparison_method(
            DEBT_COMPARISONS,
            option=st.just("lease"),
            percentiles=st.lists(numbers(0, 100), min_size=1, max_size=3, unique=True),
        ),
        _check_dscr_table,
        invalid=_invalid(
            _comparison_method(DEBT_COMPARISONS, option=st.just("lease")),
            {
                "option": OPTION_INVALID,
                "percentiles": [[-1.0], [101.0], [NAN], "50", None],
            },
        ),
        examples=10,
    ),
]


# --------------------------------------------------------------------------
# presets
# --------------------------------------------------------------------------

FACTS = {
    "hashrate_eh": numbers(0.1, 100),
    "efficiency_j_per_th": numbers(5, 40),
    "contracted_mw": numbers(1, 2000),
    "power_price_usd_per_kwh": numbers(0, 0.2),
    "texas_site_mw": numbers(1, 500),
    "miners_owned": st.integers(0, 500_000),
}


def _check_facts(call: Call, result: Any) -> None:
    assert isinstance(result, presets.CleanSparkFacts)
    # 45.6 EH/s at 16.7 J/TH is 761.5 MW: EH/s * 1e6 TH/EH * J/TH / 1e6 W/MW
    expected = call.kwargs["hashrate_eh"] * call.kwargs["efficiency_j_per_th"]
    assert_allclose(result.fleet_it_mw, expected, rtol=1e-12)
    assert result.miners_idle == call.kwargs["miners_owned"] - result.miners_in_service


def _check_study(call: Call, result: Any) -> None:
    assert isinstance(result, SiteStudy)
    assert result.n_paths == call.kwargs.get("n_paths", 1000)
    assert result.seed == call.kwargs.get("seed", 2025)
    assert list(result.splits) == ["25% hosted", "50% hosted", "75% hosted", "full conversion"]
    assert list(result.valuations) == ["market", "conservative"]
    assert result.site.gross_mw == 285.0


STUDY_ARGUMENTS = {"n_paths": st.integers(1, 5000), "seed": _optional(st.integers(0, 2**32))}
STUDY_INVALID = {"n_paths": [0, -1, 1.5, "1000", True], "seed": [-1, "2025", 1.5, True]}

PRESET_SPECS = [
    Spec(
        "presets.CleanSparkFacts",
        _fields(FACTS).map(Call),
        _check_facts,
    ),
    Spec(
        "presets.cleanspark_fy2025",
        _fields(STUDY_ARGUMENTS).map(Call),
        _check_study,
        invalid=_invalid(_fields(STUDY_ARGUMENTS).map(Call), STUDY_INVALID),
        examples=10,
    ),
    Spec(
        "presets.get_preset",
        st.builds(
            lambda name, kwargs: Call({"name": name, **kwargs}),
            # case, "_" or "-" and padding are ignored (spaces within are not)
            st.sampled_from(["cleanspark-fy2025", "CleanSpark_FY2025", " cleanspark_fy2025 "]),
            _fields({"n_paths": st.integers(1, 5000)}),
        ),
        _check_study,
        invalid=_invalid(
            st.just(Call({"name": "cleanspark-fy2025", "n_paths": 10})),
            {"name": ["nope", "", None, 3], "n_paths": [0, -1, "10"], "colour": ["red"]},
        ),
        examples=10,
    ),
]


SPECS = [
    *HOSTING,
    *VALUATION_SPECS,
    *TAX_SPECS,
    *FINANCING_SPECS,
    *SCENARIO_SPECS,
    *PRESET_SPECS,
]
