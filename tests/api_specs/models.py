"""Fuzz specs: models (price, fees, difficulty, projection).

The models are frozen dataclasses (constructors fuzzed field by field), their
``fit`` classmethods (windows of the bundled history or short synthetic
series), their ``simulate`` methods and the Monte Carlo engine. Runs are kept
tiny (a few paths, tens of days) so that the whole group stays within its
time budget.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import warnings

import numpy as np
import pandas as pd
import xarray as xr
from hypothesis import strategies as st

from api_specs import (
    SMALL_GARBAGE,
    Call,
    Spec,
    assert_finite,
    instance_of,
    numbers,
    numeric_call,
)
from minerecon import (
    MinereconWarning,
    datasets,
    difficulty,
    fees,
    hedging,
    network,
    options,
    price,
    projection,
)
from minerecon.datasets import Calibration
from minerecon.hardware import Deployment, Fleet, get_miner
from minerecon.network import NetworkState

#: Garbage for callables with an argument that sizes a run (paths, days): no
#: legal integer that would run for hours (10**400 stays: it must be refused),
#: but every float (never a legal count, so 1e308 is refused at once) and
#: every small or negative integer.
SIZED_GARBAGE = st.one_of(SMALL_GARBAGE, st.floats(), st.integers(-(2**70), 3))

STATE = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.02)
SEEDS = st.one_of(st.none(), st.integers(0, 2**32 - 1))
HISTORY_FIRST = pd.Timestamp("2014-01-01")
HISTORY_LAST = pd.Timestamp("2026-08-16")


def _history() -> pd.DataFrame:
    return datasets.load_history()


def date_forms(day: pd.Timestamp):
    """One day in each form the date arguments document."""
    day = pd.Timestamp(day)
    return st.sampled_from(
        [str(day.date()), day, day.to_pydatetime(), day.date(), np.datetime64(day.date())]
    )


@st.composite
def history_window(draw, shortest: int, longest: int, *, first=HISTORY_FIRST, last=HISTORY_LAST):
    """(start, end) days of the bundled history holding shortest..longest days."""
    length = draw(st.integers(shortest, longest))
    offset = draw(st.integers(0, (last - first).days + 1 - length))
    start = first + pd.Timedelta(days=offset)
    return start, start + pd.Timedelta(days=length - 1)


def _gbm_series(seed: int, length: int, first: pd.Timestamp, name=None) -> pd.Series:
    rng = np.random.default_rng(seed)
    values = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.03, length)))
    return pd.Series(values, index=pd.date_range(first, periods=length, freq="D"), name=name)


def _window_of(call: Call, series: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = call.kwargs.get("start")
    end = call.kwargs.get("end")
    start = series.index[0] if start is None else pd.Timestamp(start)
    end = series.index[-1] if end is None else pd.Timestamp(end)
    return start, end


def _finite_fields(model, names) -> None:
    for name in names:
        value = getattr(model, name)
        assert isinstance(value, float) and math.isfinite(value), (name, value)


# --------------------------------------------------------------------------
# price
# --------------------------------------------------------------------------


@st.composite
def regime_call(draw) -> Call:
    k = draw(st.sampled_from([2, 3]))
    drifts = [draw(numbers(-1.0, 1.0)) for _ in range(k)]
    vols = [draw(numbers(0.0, 2.0)) for _ in range(k)]
    if draw(st.booleans()):
        transition = [draw(numbers(0.001, 0.5)) for _ in range(k)]
    else:
        rows = [[draw(numbers(0.01, 1.0)) for _ in range(k)] for _ in range(k)]
        transition = [[v / sum(row) for v in row] for row in rows]
    initial = draw(st.one_of(st.none(), st.integers(0, k - 1)))
    return Call(
        dict(drifts=drifts, volatilities=vols, transition=transition, initial_state=initial)
    )


RETURNS = st.one_of(
    st.none(),
    st.lists(numbers(-0.2, 0.2), min_size=1, max_size=30),
    st.lists(numbers(-0.2, 0.2), min_size=1, max_size=30).map(np.asarray),
)

PRICE_CALLS = {
    "ConstantPrice": st.just(Call({"calibration": None})),
    "GrowthPrice": st.builds(
        lambda g: Call({"annual_growth": g, "calibration": None}), numbers(-0.9, 5.0)
    ),
    "GBM": st.builds(
        lambda mu, sigma: Call({"drift": mu, "volatility": sigma, "calibration": None}),
        numbers(-1.0, 1.0),
        numbers(0.0, 2.0),
    ),
    "MertonJump": st.builds(
        lambda mu, sigma, lam, m, d: Call(
            dict(
                drift=mu,
                volatility=sigma,
                jump_intensity=lam,
                jump_mean=m,
                jump_volatility=d,
                calibration=None,
            )
        ),
        numbers(-1.0, 1.0),
        numbers(0.0, 2.0),
        numbers(0.0, 365.0),
        numbers(-0.5, 0.5),
        numbers(0.0, 0.5),
    ),
    "RegimeSwitching": regime_call(),
    "StationaryBootstrap": st.builds(
        lambda r, b: Call({"returns": r, "mean_block_days": b, "calibration": None}),
        RETURNS,
        numbers(1.0, 100.0),
    ),
}
PRICE_FIELDS = {
    "ConstantPrice": (),
    "GrowthPrice": ("annual_growth",),
    "GBM": ("drift", "volatility"),
    "MertonJump": ("drift", "volatility", "jump_intensity", "jump_mean", "jump_volatility"),
    "RegimeSwitching": (),
    "StationaryBootstrap": ("mean_block_days",),
}
PRICE_INVALID = {
    "ConstantPrice": [("calibration", "2024-01-01")],
    "GrowthPrice": [("annual_growth", -1.0), ("annual_growth", math.nan), ("annual_growth", "x")],
    "GBM": [("volatility", -0.1), ("drift", math.inf), ("volatility", [0.1, 0.2])],
    "MertonJump": [
        ("jump_intensity", -1.0),
        ("jump_intensity", 1e6),
        ("jump_volatility", 11.0),
        ("jump_mean", math.nan),
    ],
    "RegimeSwitching": [
        ("drifts", [0.1]),
        ("volatilities", [-0.5, 0.5]),
        ("transition", [[0.5, 0.6], [0.5, 0.5]]),
        ("transition", [1.5, 0.1]),
        ("initial_state", 5),
    ],
    "StationaryBootstrap": [
        ("mean_block_days", 0.5),
        ("returns", []),
        ("returns", [[0.1, 0.2]]),
        ("returns", [0.1, math.nan]),
    ],
}


def _model_check(cls, fields):
    def check(call: Call, result) -> None:
        assert isinstance(result, cls), type(result)
        _finite_fields(result, fields)
        for name in fields:
            assert getattr(result, name) == float(call.kwargs[name])
        assert result == call(cls)  # frozen dataclasses compare by value
        hash(result)
        repr(result)

    return check


def _check_regime(call: Call, result) -> None:
    assert isinstance(result, price.RegimeSwitching)
    matrix = np.asarray(result.transition)
    k = len(call.kwargs["drifts"])
    assert matrix.shape == (k, k)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=1e-9)
    pi = result.stationary_distribution if result.initial_state is None else None
    if pi is not None:
        np.testing.assert_allclose(pi @ matrix, pi, atol=1e-9)


def _invalid(calls, cases):
    """Pairs ``(call, argument)``: a valid call with one argument made invalid."""
    return st.tuples(calls, st.sampled_from(cases)).map(
        lambda pair: (pair[0].replace(*pair[1]), pair[1][0])
    )


def _price_paths_check(call: Call, result) -> None:
    kwargs = call.kwargs
    assert isinstance(result, np.ndarray), type(result)
    assert result.shape == (kwargs["n_paths"], kwargs["n_days"])
    assert_finite(result)
    assert (result > 0).all()
    np.testing.assert_array_equal(result[:, 0], float(kwargs["start_price"]))


@st.composite
def price_simulate_call(draw, model_name: str | None = None, method: bool = False) -> Call:
    name = model_name or draw(st.sampled_from(sorted(PRICE_CALLS)))
    model = draw(PRICE_CALLS[name])(getattr(price, name))
    kwargs = dict(
        n_paths=draw(st.integers(1, 5)),
        n_days=draw(st.integers(1, 40)),
        start_price=draw(numbers(1.0, 1e6, log=True)),
        seed=draw(SEEDS),
    )
    if method:
        return Call(kwargs, (model,))
    return Call({"model": model, **kwargs})


SIMULATE_INVALID = [
    ("n_paths", 0),
    ("n_paths", 2.0),
    ("n_days", -1),
    ("n_days", True),
    ("start_price", 0.0),
    ("start_price", -5.0),
    ("start_price", math.inf),
    ("seed", -1),
    ("seed", "abc"),
]


@st.composite
def price_fit_call(draw, cls: type, minimum: int, extra: dict | None = None) -> Call:
    """A fit: the bundled history or a synthetic series, with or without a window."""
    if draw(st.booleans()):
        prices = None
        start, end = draw(history_window(minimum, minimum + 400))
        series_first, series_last = HISTORY_FIRST, HISTORY_LAST
    else:
        length = draw(st.integers(minimum, minimum + 150))
        first = pd.Timestamp("2000-01-01") + pd.Timedelta(days=draw(st.integers(0, 9000)))
        prices = _gbm_series(
            draw(st.integers(0, 1000)), length, first, draw(st.sampled_from([None, "btc"]))
        )
        series_first, series_last = prices.index[0], prices.index[-1]
        start, end = series_first, series_last
        # a sub-window when the series is long enough
        spare = length - minimum
        if spare > 0:
            cut = draw(st.integers(0, spare))
            start = start + pd.Timedelta(days=draw(st.integers(0, cut)))
            end = end - pd.Timedelta(days=spare - cut)
    kwargs = {
        "prices": prices,
        "start": None
        if start == series_first and draw(st.booleans())
        else draw(date_forms(start)),
        "end": None if end == series_last and draw(st.booleans()) else draw(date_forms(end)),
    }
    for name, strategy in (extra or {}).items():
        kwargs[name] = draw(strategy)
    return Call(kwargs, (cls,))


def _price_fit_check(cls, fields):
    def check(call: Call, result) -> None:
        assert isinstance(result, cls), type(result)
        _finite_fields(result, fields)
        prices = call.kwargs["prices"]
        series = _history()["price_usd"] if prices is None else prices
        start, end = _window_of(call, series)
        cal = result.calibration
        assert isinstance(cal, Calibration)
        assert (cal.start, cal.end) == (start, end)
        assert cal.n_observations == (end - start).days + 1
        repr(result)

    return check


PRICE_FIT = {
    # class: (minimum prices, extra keyword strategies, fields that must be finite)
    "ConstantPrice": (1, {}, ()),
    # a month: shorter windows may fall too fast to annualise (documented ValueError)
    "GrowthPrice": (30, {}, ("annual_growth",)),
    "GBM": (3, {}, ("drift", "volatility")),
    "MertonJump": (
        100,
        {"method": st.sampled_from(["mle", "threshold"]), "threshold": numbers(2.0, 6.0)},
        ("drift", "volatility", "jump_intensity", "jump_mean", "jump_volatility"),
    ),
    "RegimeSwitching": (100, {"n_states": st.sampled_from([2, 3])}, ()),
    "StationaryBootstrap": (2, {"mean_block_days": numbers(1.0, 60.0)}, ("mean_block_days",)),
}
PRICE_FIT_INVALID = {
    "MertonJump": [("method", "ols"), ("threshold", 0.0), ("threshold", math.nan)],
    "RegimeSwitching": [("n_states", 4), ("n_states", 2.0)],
    "StationaryBootstrap": [("mean_block_days", 0.0)],
}
FIT_WINDOW_INVALID = [
    ("prices", [1.0, 2.0, 3.0]),
    ("prices", pd.Series([1.0, 2.0, 3.0])),
    ("prices", pd.Series([], dtype=float, index=pd.DatetimeIndex([]))),
    ("start", "2031-01-01"),
    ("start", -1),
    ("start", "NaT"),
    ("end", "1999-01-01"),
    ("end", ""),
]


def price_specs() -> list[Spec]:
    specs = []
    for name, calls in PRICE_CALLS.items():
        cls = getattr(price, name)
        check = (
            _check_regime if name == "RegimeSwitching" else _model_check(cls, PRICE_FIELDS[name])
        )
        specs.append(
            Spec(f"price.{name}", calls, check, invalid=_invalid(calls, PRICE_INVALID[name]))
        )
        specs.append(
            Spec(
                f"price.{name}.simulate",
                price_simulate_call(name, method=True),
                _price_paths_check,
                invalid=_invalid(price_simulate_call(name, method=True), SIMULATE_INVALID),
                garbage=SIZED_GARBAGE,
                examples=10,
            )
        )
        minimum, extra, fields = PRICE_FIT[name]
        fit_calls = price_fit_call(cls, minimum, extra)
        cases = FIT_WINDOW_INVALID + PRICE_FIT_INVALID.get(name, [])
        specs.append(
            Spec(
                f"price.{name}.fit",
                fit_calls,
                _price_fit_check(cls, fields),
                invalid=_invalid(fit_calls, cases),
                examples=8 if minimum >= 100 else 15,
            )
        )
    specs.append(
        Spec(
            "price.simulate",
            price_simulate_call(),
            _price_paths_check,
            invalid=_invalid(price_simulate_call(), [*SIMULATE_INVALID, ("model", 1.0)]),
            garbage=SIZED_GARBAGE,
        )
    )
    return specs


CALIBRATION_CALLS = st.builds(
    lambda start, days, n, method: Call(
        dict(
            source="bundled history",
            start=start,
            end=start + pd.Timedelta(days=days),
            n_observations=n,
            method=method,
        )
    ),
    st.sampled_from(list(pd.date_range("2014-01-01", "2026-01-01", freq="MS"))),
    st.integers(0, 1000),
    st.integers(1, 1000),
    st.text(max_size=10),
)


def _check_calibration(call: Call, result) -> None:
    assert isinstance(result, Calibration)
    assert str(call.kwargs["start"].date()) in repr(result)


# --------------------------------------------------------------------------
# fees
# --------------------------------------------------------------------------


@st.composite
def stochastic_fees_call(draw) -> Call:
    max_level = draw(numbers(0.5, 20.0))
    return Call(
        dict(
            level=draw(numbers(1e-3, max_level)),
            mean_level=draw(numbers(1e-3, 5.0)),
            reversion=draw(numbers(0.1, 50.0)),
            volatility=draw(numbers(0.0, 5.0)),
            spike_rate=draw(numbers(0.0, 50.0)),
            spike_mean=(spike_mean := draw(numbers(0.0, 2.0))),
            step_days=draw(st.integers(1, 30)),
            max_level=max_level,
            spike_min=draw(numbers(0.0, spike_mean)),
            calibration=None,
        )
    )


@st.composite
def fee_path_call(draw, length: int | None = None) -> Call:
    kind = draw(st.sampled_from(["btc_per_block", "share"]))
    values = numbers(0.0, 0.99) if kind == "share" else numbers(0.0, 10.0)
    size = length if length is not None else draw(st.integers(1, 20))
    path = [draw(values) for _ in range(size)]
    form = draw(st.sampled_from([list, tuple, np.asarray]))
    return Call({"path": form(path), "kind": kind})


FEE_CALLS = {
    "ConstantFees": st.builds(
        lambda v: Call({"btc_per_block": v, "calibration": None}), numbers(0.0, 5.0)
    ),
    "FeePath": fee_path_call(),
    "FeeShare": st.builds(lambda v: Call({"share": v, "calibration": None}), numbers(0.0, 0.99)),
    "StochasticFees": stochastic_fees_call(),
}
FEE_INVALID = {
    "ConstantFees": [("btc_per_block", -0.1), ("btc_per_block", [0.1]), ("btc_per_block", "x")],
    "FeePath": [("path", [-1.0]), ("path", []), ("path", [[0.1]]), ("kind", "usd")],
    "FeeShare": [("share", 1.0), ("share", -0.1), ("share", math.nan)],
    "StochasticFees": [
        ("level", 0.0),
        ("level", 100.0),
        ("reversion", 0.0),
        ("volatility", -1.0),
        ("spike_rate", math.inf),
        ("step_days", 0),
        ("max_level", -1.0),
        ("spike_min", 3.0),
    ],
}


def _check_fee_model(call: Call, result) -> None:
    assert result.kind in ("btc_per_block", "share")
    for name, value in call.kwargs.items():
        if name in ("calibration", "kind"):
            continue
        stored = getattr(result, name)
        if name == "path":
            assert isinstance(stored, np.ndarray) and stored.dtype == float and stored.ndim == 1
            np.testing.assert_array_equal(stored, np.asarray(value, dtype=float))
        elif name == "step_days":
            assert stored == value and isinstance(stored, int)
        else:
            assert isinstance(stored, float) and stored == value, (name, stored)
    repr(result)


@st.composite
def fee_simulate_call(draw, model_name: str | None = None, method: bool = False) -> Call:
    name = model_name or draw(st.sampled_from(sorted(FEE_CALLS)))
    n_days = draw(st.integers(1, 40))
    if name == "FeePath":
        call = draw(fee_path_call(length=draw(st.integers(n_days, n_days + 5))))
    else:
        call = draw(FEE_CALLS[name])
    model = call(getattr(fees, name))
    kwargs = dict(n_paths=draw(st.integers(1, 5)), n_days=n_days, seed=draw(SEEDS))
    return Call(kwargs, (model,)) if method else Call({"model": model, **kwargs})


def _check_fee_paths(call: Call, result) -> None:
    model = call.kwargs["model"]
    assert isinstance(result, np.ndarray)
    assert result.shape == (call.kwargs["n_paths"], call.kwargs["n_days"])
    assert_finite(result)
    assert (result >= 0).all()
    if model.kind == "share":
        assert (result < 1).all()
    if isinstance(model, fees.StochasticFees):
        assert (result <= model.max_level).all()
        np.testing.assert_array_equal(result[:, 0], model.level)
    if isinstance(model, fees.ConstantFees):
        np.testing.assert_array_equal(result, model.btc_per_block)


@st.composite
def fee_fit_call(draw, cls_name: str) -> Call:
    """Windows of the bundled history; StochasticFees needs two mean-reverting years."""
    if cls_name == "StochasticFees":
        # every 1- and 2-year window from 1 January shows mean reversion (checked by hand)
        year = draw(st.integers(2014, 2024))
        years = draw(st.sampled_from([1, 2]))
        start = pd.Timestamp(year, 1, 1)
        end = start + pd.DateOffset(years=years) - pd.Timedelta(days=1)
        fee_series = None
        extra = {"step_days": 7}
    else:
        start, end = draw(history_window(1, 400))
        fee_series = None
        if draw(st.booleans()):
            # a user series inside the bundled history's dates (FeeShare needs them)
            fee_series = _history()["fees_btc_per_block"].loc[start:end].rename("fees")
        extra = {}
    kwargs = {"fees": fee_series, "start": draw(date_forms(start)), "end": draw(date_forms(end))}
    kwargs.update(extra)
    return Call(kwargs, (getattr(fees, cls_name),))


def _fee_fit_check(cls, fields):
    def check(call: Call, result) -> None:
        assert isinstance(result, cls)
        _finite_fields(result, fields)
        cal = result.calibration
        # the fee series are daily without gaps: the window is the one asked for
        start, end = pd.Timestamp(call.kwargs["start"]), pd.Timestamp(call.kwargs["end"])
        assert (cal.start, cal.end) == (start, end)
        assert cal.n_observations == (end - start).days + 1
        repr(result)

    return check


FEE_FIT_FIELDS = {
    "ConstantFees": ("btc_per_block",),
    "FeeShare": ("share",),
    "StochasticFees": (
        "level",
        "mean_level",
        "reversion",
        "volatility",
        "spike_rate",
        "spike_mean",
        "spike_min",
    ),
}
FEE_FIT_INVALID = [
    ("fees", [0.1, 0.2]),
    ("fees", pd.Series([0.1, -0.2], index=pd.date_range("2024-01-01", periods=2))),
    ("start", "2024-02-30"),
    ("start", 20240101),
    ("end", pd.NaT),
]


def _to_btc_check(call: Call, result) -> None:
    paths = call.kwargs["paths"]
    if call.kwargs["kind"] == "btc_per_block":
        # fees in BTC pass through: the result has the kind of ``paths``
        inputs = [paths]
    else:
        inputs = [paths, call.kwargs["subsidy"]]
    kind = float
    for value in inputs:
        if isinstance(value, xr.DataArray):
            kind = xr.DataArray
        elif isinstance(value, pd.Series) and kind is not xr.DataArray:
            kind = pd.Series
        elif isinstance(value, np.ndarray) and value.ndim and kind is float:
            kind = np.ndarray
    assert isinstance(result, kind), (kind, type(result))
    assert_finite(result)
    assert (np.asarray(result) >= 0).all()


def to_btc_calls():
    share = numeric_call(
        {"paths": numbers(0.0, 0.99), "subsidy": numbers(0.0, 50.0)}, {"kind": "share"}
    )
    btc = numeric_call(
        {"paths": numbers(0.0, 10.0), "subsidy": numbers(0.0, 50.0)}, {"kind": "btc_per_block"}
    )
    return st.one_of(share, btc)


def fee_specs() -> list[Spec]:
    specs = []
    for name, calls in FEE_CALLS.items():
        cls = getattr(fees, name)
        specs.append(
            Spec(
                f"fees.{name}",
                calls,
                lambda call, result, cls=cls: (
                    instance_of(cls)(call, result),
                    _check_fee_model(call, result),
                ),
                invalid=_invalid(calls, FEE_INVALID[name]),
            )
        )
        if name in FEE_FIT_FIELDS:
            fit_calls = fee_fit_call(name)
            specs.append(
                Spec(
                    f"fees.{name}.fit",
                    fit_calls,
                    _fee_fit_check(cls, FEE_FIT_FIELDS[name]),
                    invalid=_invalid(
                        fit_calls,
                        FEE_FIT_INVALID
                        + (
                            [("step_days", 0), ("step_days", 2.5)]
                            if name == "StochasticFees"
                            else []
                        ),
                    ),
                    examples=15,
                )
            )
    specs += [
        Spec(
            "fees.simulate",
            fee_simulate_call(),
            _check_fee_paths,
            invalid=_invalid(
                fee_simulate_call(),
                [("model", None), ("n_paths", 0), ("n_days", 1.5), ("seed", -3)],
            ),
            garbage=SIZED_GARBAGE,
        ),
        Spec(
            "fees.to_btc_per_block",
            to_btc_calls(),
            _to_btc_check,
            invalid=_invalid(
                to_btc_calls(),
                [("kind", "usd"), ("paths", -1.0), ("paths", math.nan), ("subsidy", -1.0)],
            ),
        ),
        Spec("fees.Calibration", CALIBRATION_CALLS, _check_calibration),
    ]
    return specs


# --------------------------------------------------------------------------
# difficulty
# --------------------------------------------------------------------------

HASHRATE_CALLS = {
    "ConstantGrowth": st.builds(
        lambda g, v, s: Call(
            {"monthly_growth": g, "volatility": v, "step_days": s, "calibration": None}
        ),
        numbers(-0.5, 0.5),
        numbers(0.0, 2.0),
        st.integers(1, 30),
    ),
    "EconomicHashrate": st.builds(
        lambda c, en, ex, dc, lag, v, s: Call(
            dict(
                cost_hashprice=c,
                entry_rate=en,
                exit_rate=ex,
                cost_decline=dc,
                lag_days=lag,
                volatility=v,
                step_days=s,
                calibration=None,
            )
        ),
        numbers(0.005, 0.2),
        numbers(0.0, 20.0),
        numbers(0.0, 20.0),
        numbers(-0.5, 0.5),
        numbers(1.0, 365.0),
        numbers(0.0, 2.0),
        st.integers(1, 30),
    ),
}
HASHRATE_INVALID = {
    "ConstantGrowth": [
        ("monthly_growth", -1.0),
        ("monthly_growth", math.inf),
        ("monthly_growth", [0.1, 0.2]),
        ("volatility", -0.1),
        ("step_days", 0),
        ("step_days", 7.0),
        ("calibration", "2024"),
    ],
    "EconomicHashrate": [
        ("cost_hashprice", 0.0),
        ("entry_rate", -1.0),
        ("exit_rate", math.nan),
        ("cost_decline", 2.0),
        ("lag_days", 0.5),
        ("volatility", math.inf),
        ("step_days", True),
    ],
}


def _check_hashrate_model(call: Call, result) -> None:
    for name, value in call.kwargs.items():
        if name == "calibration":
            continue
        stored = getattr(result, name)
        assert stored == value, (name, stored)
        assert isinstance(stored, int if name == "step_days" else float), (name, type(stored))
    repr(result)


@st.composite
def hashrate_fit_call(draw, cls_name: str) -> Call:
    if cls_name == "ConstantGrowth":
        if draw(st.booleans()):
            series = None
            start, end = draw(history_window(60, 800))
        else:
            length = draw(st.integers(60, 300))
            rng = np.random.default_rng(draw(st.integers(0, 1000)))
            first = pd.Timestamp("2020-01-01") + pd.Timedelta(days=draw(st.integers(0, 2000)))
            values = 5e8 * np.exp(np.cumsum(rng.normal(0.001, 0.02, length)))
            series = pd.Series(values, index=pd.date_range(first, periods=length, freq="D"))
            start, end = series.index[0], series.index[-1]
        kwargs = {"hashrate": series}
    else:
        start, end = draw(history_window(120, 1500, first=pd.Timestamp("2016-01-01")))
        kwargs = {
            "history": None,
            "lag_days": draw(numbers(1.0, 120.0)),
            "cost_decline": draw(numbers(-0.3, 0.3)),
        }
    kwargs["start"] = draw(date_forms(start))
    kwargs["end"] = draw(date_forms(end))
    return Call(kwargs, (getattr(difficulty, cls_name),))


def _check_hashrate_fit(call: Call, result) -> None:
    assert isinstance(result, difficulty.ConstantGrowth | difficulty.EconomicHashrate)
    fields = [
        f
        for f in ("monthly_growth", "volatility", "cost_hashprice", "entry_rate")
        if hasattr(result, f)
    ]
    _finite_fields(result, fields)
    cal = result.calibration
    assert isinstance(cal, Calibration)
    start, end = pd.Timestamp(call.kwargs["start"]), pd.Timestamp(call.kwargs["end"])
    assert start <= cal.start <= cal.end <= end
    if isinstance(result, difficulty.EconomicHashrate):
        # the fit bounds the cost on the window's first day; it is stated on the last
        low, high = difficulty.COST_BOUNDS
        assert low * 0.999 <= result.cost_on(cal.start) <= high * 1.001


HASHRATE_FIT_INVALID = {
    "ConstantGrowth": [
        ("hashrate", [1.0, 2.0]),
        ("hashrate", pd.Series(-1.0, index=pd.date_range("2024-01-01", periods=90))),
        ("start", "2024-13-01"),
        ("end", 5),
    ],
    "EconomicHashrate": [
        ("history", {"price_usd": [1.0]}),
        ("history", pd.DataFrame({"price_usd": [1.0]})),
        ("lag_days", 0.0),
        ("cost_decline", math.nan),
        ("start", ""),
        ("end", "NaT"),
    ],
}


@st.composite
def states(draw) -> NetworkState:
    day = pd.Timestamp("2012-01-01") + pd.Timedelta(days=draw(st.integers(0, 7000)))
    return NetworkState(
        day,
        draw(st.integers(0, 2_000_000)),
        draw(numbers(1e9, 1e15, log=True)),
        draw(numbers(100.0, 2e5, log=True)),
        draw(numbers(0.0, 2.0)),
    )


HALVING_CALLS = st.builds(
    lambda s, b: Call({"start": s, "block_interval": b}),
    st.one_of(st.none(), states()),
    numbers(60.0, 3600.0),
)


def _check_halving(call: Call, result) -> None:
    assert isinstance(result, pd.Timestamp)
    state = call.kwargs["start"] or NetworkState.latest()
    blocks = network.next_halving_height(state.height) - state.height
    expected = blocks * call.kwargs["block_interval"]
    assert abs((result - state.date).total_seconds() - expected) <= 1e-3 * max(1.0, expected)


@st.composite
def implied_call(draw) -> Call:
    start, end = draw(history_window(1, 600))
    return Call(
        {
            "start": draw(st.one_of(st.none(), date_forms(start))),
            "end": draw(st.one_of(st.none(), date_forms(end))),
            "history": None if draw(st.booleans()) else _history(),
        }
    )


def _check_implied(call: Call, result) -> None:
    assert isinstance(result, pd.Series)
    assert isinstance(result.index, pd.DatetimeIndex)
    assert len(result) >= 1
    assert_finite(result)
    assert (result > 0).all()
    start, end = _window_of(call, _history())
    assert result.index[0] == start and result.index[-1] == end


@st.composite
def chain_call(draw) -> Call:
    return Call(
        {
            "state": draw(states()),
            "epoch_elapsed": draw(st.one_of(st.none(), numbers(0.0, 2.5e6))),
        }
    )


def _check_chain(call: Call, result) -> None:
    state = call.kwargs["state"]
    assert isinstance(result, np.ndarray) and result.shape == (7,)
    assert_finite(result)
    assert result[0] == state.difficulty
    assert result[1] == state.height - 1
    assert result[2] % network.RETARGET_INTERVAL == 0 and result[2] <= state.height
    if call.kwargs["epoch_elapsed"] is not None:
        assert result[3] == call.kwargs["epoch_elapsed"]
    assert result[3] >= 0


@st.composite
def network_call(draw) -> Call:
    n_days = draw(st.integers(1, 40))
    n_paths = draw(st.integers(1, 3))
    shape = (n_paths, n_days)
    rng = np.random.default_rng(draw(st.integers(0, 1000)))
    start = draw(st.one_of(st.none(), st.just(STATE), states()))
    state = start or NetworkState.latest()
    implied = network.hashrate_from_difficulty(state.difficulty)
    kwargs: dict = {"n_days": n_days, "start": start}
    hashrate = draw(st.sampled_from(["none", "constant", "economic", "paths", "day"]))
    kwargs["hashrate"] = {
        "none": None,
        "constant": draw(HASHRATE_CALLS["ConstantGrowth"])(difficulty.ConstantGrowth),
        "economic": draw(HASHRATE_CALLS["EconomicHashrate"])(difficulty.EconomicHashrate),
        "paths": implied * rng.uniform(0.5, 2.0, shape),
        "day": implied * rng.uniform(0.5, 2.0, n_days),
    }[hashrate]
    kwargs["btc_price"] = draw(
        st.sampled_from([None, 60_000.0, 60_000.0 * rng.uniform(0.5, 2.0, shape)])
    )
    fee_is_share = draw(st.booleans())
    top = 0.5 if fee_is_share else 2.0
    kwargs["fees"] = draw(st.sampled_from([None, top / 10, rng.uniform(0.0, top, shape)]))
    if fee_is_share and kwargs["fees"] is None:
        kwargs["fees"] = 0.01
    kwargs["fee_is_share"] = fee_is_share
    given = [v for v in kwargs.values() if isinstance(v, np.ndarray) and v.ndim == 2]
    kwargs["n_paths"] = (
        draw(st.sampled_from([None, n_paths]))
        if given
        else draw(st.one_of(st.none(), st.integers(1, 3)))
    )
    kwargs["start_hashrate"] = draw(
        st.one_of(st.none(), numbers(0.5, 2.0).map(lambda f: f * implied))
    )
    kwargs["epoch_elapsed"] = draw(st.one_of(st.none(), numbers(0.0, 1.2e6)))
    kwargs["seed"] = draw(SEEDS)
    return Call(kwargs)


def _check_network(call: Call, result) -> None:
    kwargs = call.kwargs
    assert isinstance(result, xr.Dataset)
    given = [v for v in kwargs.values() if isinstance(v, np.ndarray) and v.ndim == 2]
    n_paths = kwargs["n_paths"] or (given[0].shape[0] if given else 1)
    assert dict(result.sizes) == {"path": n_paths, "time": kwargs["n_days"]}
    for name in ("difficulty", "height", "hashrate", "blocks", "reward_per_th"):
        assert result[name].dims == ("path", "time")
        assert_finite(result[name])
    assert (result.difficulty > 0).all() and (result.blocks >= 0).all()
    assert (result.reward_per_th >= 0).all()
    assert (result.height.diff("time") >= 0).all()
    state = kwargs["start"] or NetworkState.latest()
    assert result.time.values[0] == np.datetime64(state.date)


def difficulty_specs() -> list[Spec]:
    specs = []
    for name, calls in HASHRATE_CALLS.items():
        cls = getattr(difficulty, name)
        specs.append(
            Spec(
                f"difficulty.{name}",
                calls,
                lambda call, result, cls=cls: (
                    instance_of(cls)(call, result),
                    _check_hashrate_model(call, result),
                ),
                invalid=_invalid(calls, HASHRATE_INVALID[name]),
            )
        )
        fit_calls = hashrate_fit_call(name)
        specs.append(
            Spec(
                f"difficulty.{name}.fit",
                fit_calls,
                _check_hashrate_fit,
                invalid=_invalid(fit_calls, HASHRATE_FIT_INVALID[name]),
                examples=15,
            )
        )
    specs += [
        Spec(
            "difficulty.halving_date",
            HALVING_CALLS,
            _check_halving,
            invalid=_invalid(
                HALVING_CALLS,
                [
                    ("start", "2024-01-01"),
                    ("block_interval", 0.0),
                    ("block_interval", math.nan),
                    ("block_interval", 1e300),
                ],
            ),
        ),
        Spec(
            "difficulty.implied_hashrate_history",
            implied_call(),
            _check_implied,
            invalid=_invalid(
                implied_call(),
                [
                    ("start", "abc"),
                    ("start", -1),
                    ("end", "NaT"),
                    ("start", "1990-01-01"),
                    ("history", [1.0]),
                    ("history", pd.DataFrame({"price": [1.0]})),
                ],
            ),
        ),
        Spec(
            "difficulty.start_chain",
            chain_call(),
            _check_chain,
            invalid=_invalid(
                chain_call(),
                [("state", "2024-01-01"), ("epoch_elapsed", -1.0), ("epoch_elapsed", math.inf)],
            ),
        ),
        Spec(
            "difficulty.simulate_network",
            network_call(),
            _check_network,
            invalid=_invalid(
                network_call(),
                [
                    ("n_days", 0),
                    ("n_days", 2.0),
                    ("n_paths", 0),
                    ("start", "2024-01-01"),
                    ("hashrate", "constant"),
                    ("hashrate", np.array([-1.0])),
                    ("btc_price", -1.0),
                    ("fees", math.nan),
                    ("start_hashrate", 0.0),
                    ("epoch_elapsed", -5.0),
                    ("fee_is_share", "yes"),
                    ("seed", -1),
                ],
            ),
            garbage=SIZED_GARBAGE,
            examples=15,
        ),
    ]
    return specs


# --------------------------------------------------------------------------
# projection
# --------------------------------------------------------------------------


@st.composite
def fleets(draw, days: int, start: NetworkState = STATE):
    kind = draw(st.sampled_from(["deployment", "list", "fleet"]))
    if kind == "fleet":
        return Fleet([(get_miner("Antminer S21 XP"), draw(st.integers(1, 100)))])

    def deployment():
        delivery = draw(st.integers(0, days - 1))
        if draw(st.booleans()):
            delivery = str((start.date + pd.Timedelta(days=delivery)).date())
        return Deployment(
            draw(st.sampled_from(["Antminer S21 XP", "Antminer S19 XP"])),
            draw(st.integers(0, 1000)),
            delivery=delivery,
            capex_per_unit=draw(numbers(0.0, 10_000.0)),
            degradation=draw(numbers(0.0, 0.2)),
            failure_rate=draw(numbers(0.0, 0.5)),
            uptime=draw(numbers(0.5, 1.0)),
            resale_value=draw(numbers(0.0, 1_000.0)),
            other_opex=draw(numbers(0.0, 0.01)),
        )

    if kind == "deployment":
        return deployment()
    return [deployment() for _ in range(draw(st.integers(1, 3)))]


@st.composite
def scenario_call(draw, max_days: int = 40) -> Call:
    days = draw(st.integers(2, max_days))
    start = draw(st.one_of(st.just(STATE), states()))
    kwargs: dict = {"fleet": draw(fleets(days, start)), "start": start, "days": days}
    model = draw(st.sampled_from(["none", *sorted(PRICE_CALLS)]))
    kwargs["price"] = None if model == "none" else draw(PRICE_CALLS[model])(getattr(price, model))
    fee_model = draw(st.sampled_from(["none", *sorted(FEE_CALLS)]))
    if fee_model == "FeePath":
        kwargs["fees"] = draw(fee_path_call(length=days))(fees.FeePath)
    elif fee_model != "none":
        kwargs["fees"] = draw(FEE_CALLS[fee_model])(getattr(fees, fee_model))
    else:
        kwargs["fees"] = None
    hashrate = draw(st.sampled_from(["none", *sorted(HASHRATE_CALLS)]))
    kwargs["hashrate"] = (
        None
        if hashrate == "none"
        else draw(HASHRATE_CALLS[hashrate])(getattr(difficulty, hashrate))
    )
    if draw(st.booleans()):
        kwargs["power_price"] = draw(numbers(0.0, 0.2))
    else:
        kwargs["power_price"] = [draw(numbers(0.0, 0.2)) for _ in range(days)]
    kwargs["power_price_escalation"] = draw(numbers(-0.5, 0.5))
    kwargs["pue"] = draw(numbers(1.0, 2.0))
    kwargs["pool_fee"] = draw(numbers(0.0, 0.05))
    kwargs["discount_rate"] = draw(numbers(-0.5, 0.5))
    kwargs["policy"] = draw(st.sampled_from(["sell", "hold"]))
    kwargs["fleet_scale"] = draw(
        st.one_of(st.none(), st.lists(numbers(0.0, 1.0), min_size=days, max_size=days))
    )
    kwargs["extra_cash_flow"] = draw(
        st.one_of(st.none(), st.lists(numbers(-1e5, 1e5), min_size=days, max_size=days))
    )
    return Call(kwargs)


def _check_scenario(call: Call, result) -> None:
    assert isinstance(result, projection.MiningScenario)
    assert isinstance(result.fleet, tuple)
    assert all(isinstance(d, Deployment) for d in result.fleet)
    assert result.days == call.kwargs["days"]
    assert len(result.dates) == result.days
    assert isinstance(result.start, NetworkState)


SCENARIO_INVALID = [
    ("fleet", []),
    ("fleet", "Antminer S21 XP"),
    ("start", "2026-01-01"),
    ("days", 1),
    ("days", 10**7),
    ("days", 30.0),
    ("price", 1.0),
    ("fees", "0.02"),
    ("hashrate", 0.02),
    ("power_price", -0.01),
    ("power_price", math.inf),
    ("power_price", [0.05] * 100),  # one value per day of a horizon of at most 40 days
    ("power_price_escalation", -2.0),
    ("pue", 0.5),
    ("pool_fee", 1.0),
    ("discount_rate", -1.0),
    ("discount_rate", math.inf),
    ("policy", "burn"),
    ("fleet_scale", [2.0]),
    ("extra_cash_flow", [math.nan]),
]


def _check_schedule(call: Call, result) -> None:
    scenario = call.kwargs["scenario"]
    groups = len(scenario.fleet)
    assert result.hashrate.shape == result.power.shape == (groups, scenario.days)
    assert result.other_cost.shape == (groups, scenario.days)
    assert result.fixed_flow.shape == (scenario.days,)
    for array in (result.hashrate, result.power, result.other_cost):
        assert_finite(array)
        assert (array >= 0).all()
    assert_finite(result.fixed_flow)
    assert len(result.names) == groups


def _check_result(result, n_paths: int, days: int, output: str) -> None:
    assert isinstance(result, projection.SimulationResult), type(result)
    summary = result.summary
    assert summary.sizes["path"] == n_paths
    for name in ("npv", "btc_mined", "revenue", "energy_cost", "other_cost", "final_cash"):
        assert_finite(summary[name])
    for name in ("btc_mined", "revenue", "energy_cost", "other_cost"):
        assert (summary[name] >= 0).all(), name
    assert (summary.payback_days >= 0).all()  # inf where it never pays back, never nan
    assert (summary.days_off >= 0).all() and (summary.days_off <= days).all()
    assert result.monthly.sizes["path"] == n_paths
    for name in projection.MONTHLY:
        assert_finite(result.monthly[name])
    for name in ("btc_mined", "revenue", "energy_cost", "other_cost"):
        np.testing.assert_allclose(
            result.monthly[name].sum("month"), summary[name], rtol=1e-9, atol=1e-9
        )
    if output == "summary":
        assert result.daily is None
    else:
        assert result.daily.sizes == {"path": n_paths, "time": days}
        assert_finite(result.daily.cash_flow)
        np.testing.assert_allclose(
            result.daily.cash_flow.sum("time"), summary.final_cash, rtol=1e-9, atol=1e-6
        )


@st.composite
def simulate_call(draw) -> Call:
    scenario = draw(scenario_call(max_days=40))(projection.MiningScenario)
    n_paths = draw(st.integers(1, 5))
    kwargs = {
        "scenario": scenario,
        "n_paths": n_paths,
        "seed": draw(SEEDS),
        "output": draw(st.sampled_from(["summary", "flows", "full"])),
        "chunk_size": draw(st.one_of(st.none(), st.integers(1, n_paths))),
        "memory_budget_mb": draw(st.sampled_from([1024.0, 1.0, 64, math.inf])),
        "threads": draw(st.sampled_from([None, 1, 2])),
        "progress": draw(st.sampled_from([None, False])),
        "client": None,
    }
    if kwargs["output"] == "summary":
        kwargs["keep_paths"] = draw(st.one_of(st.none(), st.integers(1, n_paths)))
    return Call(kwargs)


def _check_simulate(call: Call, result) -> None:
    kwargs = call.kwargs
    n_paths = kwargs["n_paths"]
    kept = kwargs.get("keep_paths") or n_paths
    _check_result(result, kept, kwargs["scenario"].days, kwargs["output"])
    assert result.scenario is kwargs["scenario"]
    # Statistics cover every path, kept or not.
    stats = result.statistics
    assert result.n_paths == stats.attrs["n_paths"] == n_paths
    assert stats.npv.sel(statistic="count") == n_paths
    low, mean, high = (float(stats.npv.sel(statistic=s)) for s in ("min", "mean", "max"))
    tolerance = 1e-9 * max(abs(low), abs(high), 1.0)
    assert low <= high and low - tolerance <= mean <= high + tolerance
    assert 0.0 <= float(stats.probability_of_loss) <= 1.0


@st.composite
def backtest_call(draw) -> Call:
    start, end = draw(history_window(2, 120, first=pd.Timestamp("2015-01-01")))
    kwargs = {
        "fleet": Deployment(
            draw(st.sampled_from(["Antminer S19 XP", "Antminer S9"])),
            draw(st.integers(1, 100)),
            capex_per_unit=draw(numbers(0.0, 5_000.0)),
        ),
        "start": draw(date_forms(start)),
        "end": draw(
            st.one_of(date_forms(end), st.none() if end.year >= 2026 else date_forms(end))
        ),
        "power_price": draw(numbers(0.0, 0.2)),
        "power_price_escalation": draw(numbers(-0.2, 0.2)),
        "pue": draw(numbers(1.0, 1.5)),
        "pool_fee": draw(numbers(0.0, 0.05)),
        "discount_rate": draw(numbers(0.0, 0.3)),
        "policy": draw(st.sampled_from(["sell", "hold"])),
    }
    return Call(kwargs)


def _check_backtest(call: Call, result) -> None:
    start = pd.Timestamp(call.kwargs["start"])
    end = HISTORY_LAST if call.kwargs["end"] is None else pd.Timestamp(call.kwargs["end"])
    days = (end - start).days + 1
    _check_result(result, 1, days, "full")
    assert result.daily.time.values[0] == np.datetime64(start)


CALIBRATE_WINDOWS = [(None, None)] + [
    (pd.Timestamp(year, 1, 1), pd.Timestamp(year + years, 1, 1) - pd.Timedelta(days=1))
    for year in range(2016, 2025)
    for years in (1, 2)
]


@st.composite
def calibrate_call(draw) -> Call:
    start, end = draw(st.sampled_from(CALIBRATE_WINDOWS))
    return Call(
        {
            "start": None if start is None else draw(date_forms(start)),
            "end": None if end is None else draw(date_forms(end)),
        }
    )


def _check_calibrated(call: Call, result) -> None:
    assert isinstance(result, projection.Calibrated)
    assert isinstance(result.price, price.GBM)
    assert isinstance(result.fees, fees.StochasticFees)
    assert isinstance(result.hashrate, difficulty.EconomicHashrate)
    table = result.table()
    assert isinstance(table, pd.DataFrame) and len(table) >= 10
    assert_finite(table["value"])
    if call.kwargs["start"] is not None:
        assert result.price.calibration.start == pd.Timestamp(call.kwargs["start"])


@functools.cache
def _calibrated() -> projection.Calibrated:
    with warnings.catch_warnings():
        # a rate at the bound of its range warns; the models are still fitted
        warnings.simplefilter("ignore", MinereconWarning)
        return projection.calibrate("2023-01-01", "2024-12-31")


@functools.cache
def _small_result() -> projection.SimulationResult:
    scenario = projection.MiningScenario(
        Deployment("Antminer S21 XP", 100, capex_per_unit=5_000),
        start=STATE,
        days=60,
        price=price.GBM(0.0, 0.6),
    )
    return projection.simulate(scenario, 8, seed=1, output="flows")


def calibrated_calls():
    return st.just(None).map(
        lambda _: Call(
            {
                "price": _calibrated().price,
                "fees": _calibrated().fees,
                "hashrate": _calibrated().hashrate,
            }
        )
    )


def _check_calibrated_object(call: Call, result) -> None:
    assert isinstance(result, projection.Calibrated)
    table = result.table()
    assert isinstance(table, pd.DataFrame) and len(table) >= 10


def result_calls():
    def build(_):
        result = _small_result()
        return Call(
            {
                "summary": result.summary,
                "monthly": result.monthly,
                "daily": result.daily,
                "scenario": result.scenario,
                "seed": result.seed,
            }
        )

    return st.just(None).map(build)


def _check_result_object(call: Call, result) -> None:
    assert isinstance(result, projection.SimulationResult)
    assert result.summary is call.kwargs["summary"]
    risk = result.risk()
    assert isinstance(risk, pd.Series) and risk["n"] == result.summary.sizes["path"]


def result_method_call(strategies: dict):
    return st.fixed_dictionaries(strategies).map(lambda kwargs: Call(kwargs, (_small_result(),)))


def _check_risk(call: Call, result) -> None:
    assert isinstance(result, pd.Series)
    assert result["n"] == 8
    assert 0 <= result["probability_of_loss"] <= 1


def _check_payback(call: Call, result) -> None:
    assert isinstance(result, pd.Series)
    assert len(result) > 0


def _check_bands(call: Call, result) -> None:
    assert isinstance(result, xr.DataArray)
    assert "path" not in result.dims
    assert result.sizes["percentile"] == len(call.kwargs["percentiles"])
    assert_finite(result)


@functools.cache
def _small_market() -> projection.MiningScenario:
    return projection.MiningScenario(
        Deployment("Antminer S21 XP", 1), start=STATE, days=30, price=price.GBM(0.0, 0.6)
    )


MACHINES = ["Antminer S21 XP", "Antminer S21", "Antminer S19j Pro"]


def compare_machines_call():
    return st.builds(
        lambda machines, n_paths, level: Call(
            {
                "machines": machines,
                "scenario": _small_market(),
                "n_paths": n_paths,
                "seed": 1,
                "level": level,
            }
        ),
        st.dictionaries(st.sampled_from(MACHINES), numbers(0.0, 1e5), min_size=1),
        st.integers(1, 6),
        numbers(0.5, 0.99),
    )


def _check_compare_machines(call: Call, result) -> None:
    assert isinstance(result, pd.DataFrame)
    assert sorted(result.index) == sorted(call.kwargs["machines"])
    assert_finite(result["mean_npv_usd"])
    for column in ("probability_of_loss", "probability_never_pays_back"):
        assert result[column].between(0.0, 1.0).all()
    assert (result["median_payback_days"] >= 0).all()


def default_market_call():
    return st.builds(
        lambda count, days: Call({"fleet": Deployment("Antminer S21", count), "days": days}),
        st.integers(1, 10**6),
        st.integers(2, 5000),
    )


def _check_default_market(call: Call, result) -> None:
    assert isinstance(result, projection.MiningScenario)
    assert result.days == call.kwargs["days"]
    assert result.price.drift == 0.0 and result.price.volatility > 0


def projection_specs() -> list[Spec]:
    return [
        Spec(
            "projection.MiningScenario",
            scenario_call(),
            _check_scenario,
            invalid=_invalid(scenario_call(), SCENARIO_INVALID),
        ),
        Spec(
            "projection.fleet_schedule",
            scenario_call().map(lambda c: Call({"scenario": c(projection.MiningScenario)})),
            _check_schedule,
            invalid=st.sampled_from(
                [(Call({"scenario": value}), "scenario") for value in (None, "x", STATE, 1.0)]
            ),
        ),
        Spec(
            "projection.simulate",
            simulate_call(),
            _check_simulate,
            invalid=_invalid(
                simulate_call(),
                [
                    ("scenario", None),
                    ("scenario", STATE),
                    ("n_paths", 0),
                    ("n_paths", 10**12),
                    ("n_paths", 2.0),
                    ("keep_paths", 0),
                    ("keep_paths", 10**6),
                    ("seed", -1),
                    ("output", "daily"),
                    ("chunk_size", 0),
                    ("memory_budget_mb", 0.5),
                    ("memory_budget_mb", math.nan),
                    ("threads", 0),
                    ("progress", "yes"),
                    ("client", "tcp://localhost:8786"),
                ],
            ),
            garbage=SIZED_GARBAGE,
            examples=5,
        ),
        Spec(
            "projection.backtest",
            backtest_call(),
            _check_backtest,
            invalid=_invalid(
                backtest_call(),
                [
                    ("fleet", None),
                    ("start", "2031-01-01"),
                    ("start", "NaT"),
                    ("end", "2013-01-01"),
                    ("end", -1),
                    ("power_price", -1.0),
                    ("pue", 0.0),
                    ("policy", "x"),
                ],
            ),
            examples=10,
        ),
        Spec(
            "projection.compare_machines",
            compare_machines_call(),
            _check_compare_machines,
            invalid=_invalid(
                compare_machines_call(),
                [
                    ("machines", {}),
                    ("machines", {"Antminer S21 XP": -1.0}),
                    ("machines", {"Antminer Z99": 1.0}),
                    ("machines", "Antminer S21"),
                    ("scenario", STATE),
                    ("n_paths", 0),
                    ("level", 1.0),
                ],
            ),
            garbage=SIZED_GARBAGE,
            examples=5,
        ),
        Spec(
            "projection.default_market",
            default_market_call(),
            _check_default_market,
            invalid=_invalid(default_market_call(), [("days", 1), ("days", 2.5), ("fleet", None)]),
            examples=5,
        ),
        Spec(
            "projection.calibrate",
            calibrate_call(),
            _check_calibrated,
            invalid=_invalid(
                calibrate_call(),
                [("start", "1999-01-01"), ("start", 1.5), ("end", "2040-01-01"), ("end", "abc")],
            ),
            examples=8,
        ),
        Spec(
            "projection.Calibrated",
            calibrated_calls(),
            _check_calibrated_object,
            invalid=_invalid(
                calibrated_calls(),
                [
                    ("price", None),
                    ("price", price.GBM(0.1, 0.5)),
                    ("fees", 0.02),
                    ("hashrate", difficulty.ConstantGrowth(0.01)),
                ],
            ),
            examples=5,
        ),
        Spec(
            "projection.Calibrated.scenario",
            calibrated_calls().map(
                lambda c: Call(
                    {"fleet": Deployment("Antminer S21 XP", 10), "start": STATE, "days": 30},
                    (c(projection.Calibrated),),
                )
            ),
            lambda call, result: (
                _check_scenario(call, result),
                instance_of(price.GBM)(call, result.price),
            ),
            examples=5,
        ),
        Spec(
            "projection.SimulationResult",
            result_calls(),
            _check_result_object,
            invalid=_invalid(
                result_calls(),
                [
                    ("summary", None),
                    ("monthly", {}),
                    ("daily", 1.0),
                    ("scenario", STATE),
                    ("seed", 3),
                ],
            ),
            examples=5,
        ),
        Spec(
            "projection.SimulationResult.risk",
            result_method_call({"level": numbers(0.5, 0.99)}),
            _check_risk,
            invalid=_invalid(
                result_method_call({"level": numbers(0.5, 0.99)}),
                [("level", 1.0), ("level", 0.0), ("level", "x")],
            ),
            examples=10,
        ),
        Spec(
            "projection.SimulationResult.payback",
            result_method_call({"currency": st.sampled_from(["usd", "btc"])}),
            _check_payback,
            invalid=_invalid(
                result_method_call({"currency": st.sampled_from(["usd", "btc"])}),
                [("currency", "eur"), ("currency", None)],
            ),
            examples=10,
        ),
        Spec(
            "projection.SimulationResult.bands",
            result_method_call(
                {
                    "variable": st.sampled_from(["cash_flow", "price", "btc_mined", "revenue"]),
                    "percentiles": st.lists(
                        numbers(0.0, 100.0), min_size=1, max_size=5, unique=True
                    ),
                }
            ),
            _check_bands,
            invalid=_invalid(
                result_method_call(
                    {"variable": st.just("price"), "percentiles": st.just([5.0, 50.0])}
                ),
                [("variable", "npv_x"), ("percentiles", [101.0]), ("percentiles", [math.nan])],
            ),
            examples=10,
        ),
    ]


# --------------------------------------------------------------------------
# least-squares Monte Carlo
# --------------------------------------------------------------------------


@st.composite
def stopping_call(draw) -> Call:
    """A small stopping problem: GBM-like states, a put-like or signed payoff."""
    n_paths = draw(st.integers(2, 40))
    n_dates = draw(st.integers(1, 6))
    n_state = draw(st.integers(1, 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    state = 50 * np.exp(np.cumsum(0.2 * rng.standard_normal((n_paths, n_dates, n_state)), axis=1))
    strike = draw(numbers(1.0, 100.0))
    signed = draw(st.booleans())
    payoff = strike - state[..., 0] if signed else np.maximum(strike - state[..., 0], 0.0)
    kwargs = {
        "exercise_value": payoff,
        "state": state[..., 0] if n_state == 1 and draw(st.booleans()) else state,
        "discount": draw(st.one_of(numbers(0.5, 1.0), st.just(np.full(n_dates, 0.99)))),
        "basis": draw(st.sampled_from(["laguerre", "polynomial"])),
        "degree": draw(st.integers(1, 4)),
        "itm_only": not signed,
    }
    if draw(st.booleans()):
        kwargs["income"] = rng.normal(size=(n_paths, n_dates))
        kwargs["terminal"] = rng.normal(size=n_paths)
    return Call(kwargs)


def _check_policy(call: Call, result) -> None:
    assert isinstance(result, options.ExercisePolicy)
    n_paths, n_dates = np.shape(call.kwargs["exercise_value"])
    assert np.isfinite(result.value) and result.std_error >= 0
    assert result.exercise_date.shape == (n_paths,)
    assert ((result.exercise_date >= -1) & (result.exercise_date < n_dates)).all()
    assert len(result.continuation) == n_dates
    if call.kwargs.get("itm_only", True):
        # Paths act only in the money, so the value is at least that of never acting.
        never = result.evaluate(
            np.zeros((n_paths, n_dates)),
            call.kwargs["state"],
            income=call.kwargs.get("income"),
            terminal=call.kwargs.get("terminal"),
        )
        assert result.value >= never.value - 1e-9 * (1 + abs(never.value))


def _check_policy_value(call: Call, result) -> None:
    assert isinstance(result, options.PolicyValue)
    assert np.isfinite(result.value)
    assert result.exercise_date.shape == (np.shape(call.kwargs["exercise_value"])[0],)


STOPPING_INVALID = [
    ("exercise_value", np.ones(3)),
    ("state", np.ones((1, 1))),
    ("discount", 0.0),
    ("discount", 2.5),
    ("basis", "hermite"),
    ("degree", 0),
    ("degree", 11),
    ("income", np.ones((1, 1))),
    ("terminal", np.ones(1)),
    ("itm_only", "no"),
]


@st.composite
def _fitted_policy(draw) -> options.ExercisePolicy:
    return options.longstaff_schwartz(**draw(stopping_call()).kwargs)


def _fields_call(draw_object):
    return draw_object.map(
        lambda obj: Call({f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)})
    )


def _check_same_fields(cls):
    def check(call: Call, result) -> None:
        assert isinstance(result, cls)
        for name, value in call.kwargs.items():
            assert getattr(result, name) is value

    return check


@st.composite
def strip_call(draw) -> Call:
    days = draw(st.integers(1, 400))
    reward = draw(numbers(0.0, 1e-5))
    return Call(
        {
            "btc_price": draw(numbers(1.0, 1e6, log=True)),
            "volatility": draw(numbers(0.0, 3.0)),
            "rate": draw(numbers(-0.5, 1.0)),
            "btc_per_th": np.full(days, reward) * np.linspace(1.0, 0.5, days),
            "cost_per_th": draw(st.one_of(numbers(0.0, 1.0), st.just(np.full(days, 0.02)))),
        }
    )


def _check_strip(call: Call, result) -> None:
    assert isinstance(result, options.MachineValue)
    assert np.isfinite(result.with_switch_off) and np.isfinite(result.always_on)
    # Switching off can only add value, and an option is never worth less than nothing.
    assert result.with_switch_off >= max(result.always_on, 0.0) - 1e-9 * (
        1 + abs(result.always_on)
    )
    assert result.daily.shape == np.shape(call.kwargs["btc_per_th"])


@functools.cache
def _conversion_case():
    """A 4 MW site, a lease and a short noisy market (a few months)."""
    from minerecon.hosting import ColocationLease
    from minerecon.scenario import Site, Split

    site = Site(gross_mw=4.0, fleet=Deployment("Antminer S21 XP", 1000))
    lease = ColocationLease(rate=150.0, term_years=2, build_days=30, ramp_days=0)
    return site, Split(lease, fraction=0.5)


@st.composite
def conversion_call(draw) -> Call:
    site, split = _conversion_case()
    days = draw(st.integers(70, 160))
    scenario = projection.MiningScenario(
        site.fleet,
        start=STATE,
        days=days,
        price=price.GBM(drift=0.0, volatility=draw(numbers(0.0, 1.5))),
    )
    return Call(
        {
            "site": site,
            "split": split,
            "scenario": scenario,
            "every_months": draw(st.integers(1, 2)),
            "n_paths": draw(st.integers(1, 12)),
            "validation_paths": draw(st.integers(0, 8)),
            "seed": draw(SEEDS),
        }
    )


def _check_conversion(call: Call, result) -> None:
    assert isinstance(result, options.ConversionTiming)
    assert result.optimal >= result.convert_now
    assert np.isfinite([result.convert_now, result.never, result.waiting]).all()
    shares = result.conversion_share.to_numpy()
    assert ((shares >= 0) & (shares <= 1)).all() and shares.sum() <= 1 + 1e-12
    assert result.hashprice.sizes["path"] == call.kwargs["n_paths"]


@st.composite
def machine_values_call(draw) -> Call:
    kwargs = {
        "network": STATE,
        "power_price": draw(numbers(0.0, 0.2)),
        "volatility": draw(numbers(0.0, 2.0)),
        "rate": draw(numbers(-0.05, 0.3)),
        "years": draw(numbers(0.01, 6.0)),
        "miners": draw(
            st.lists(st.sampled_from(["Antminer S21 XP", "Antminer S19j Pro", "Antminer S9"]),
                     min_size=1, max_size=3, unique=True)
        ),
        "difficulty_growth": draw(numbers(-0.5, 1.0)),
        "pue": draw(numbers(1.0, 1.5)),
        "pool_fee": draw(numbers(0.0, 0.05)),
    }  # fmt: skip
    if draw(st.booleans()):
        kwargs["prices_per_th"] = {kwargs["miners"][0]: draw(numbers(0.0, 100.0))}
    return Call(kwargs)


def _check_machine_values(call: Call, result) -> None:
    assert isinstance(result, pd.DataFrame)
    assert sorted(result.index) == sorted(call.kwargs["miners"])
    value = result["value_usd_per_th"]
    assert np.isfinite(value).all() and (value >= 0).all()
    assert (value >= result["always_on_usd_per_th"] - 1e-9 * (1 + value.abs())).all()


def options_specs() -> list[Spec]:
    policies = _fitted_policy()
    return [
        Spec(
            "options.conversion_timing",
            conversion_call(),
            _check_conversion,
            invalid=_invalid(
                conversion_call(),
                [
                    ("split", "half"),
                    ("every_months", 0),
                    ("every_months", 121),
                    ("n_paths", 0),
                    ("validation_paths", -1),
                    ("basis", "cubic"),
                ],
            ),
            hostile=("split", "every_months", "n_paths", "validation_paths", "seed"),
            garbage=SIZED_GARBAGE,
            examples=8,
        ),
        Spec(
            "options.ConversionTiming",
            _fields_call(
                conversion_call().map(lambda call: options.conversion_timing(**call.kwargs))
            ),
            _check_same_fields(options.ConversionTiming),
            examples=3,
        ),
        Spec(
            "options.switch_off_value",
            strip_call(),
            _check_strip,
            invalid=_invalid(
                strip_call(),
                [
                    ("btc_price", 0.0),
                    ("volatility", -1.0),
                    ("rate", -1.0),
                    ("btc_per_th", []),
                    ("cost_per_th", -1.0),
                ],
            ),
        ),
        Spec(
            "options.machine_values",
            machine_values_call(),
            _check_machine_values,
            invalid=_invalid(
                machine_values_call(),
                [
                    ("network", "today"),
                    ("power_price", -0.01),
                    ("years", 0.0),
                    ("years", 51.0),
                    ("miners", []),
                    ("pue", 0.9),
                    ("difficulty_growth", -1.0),
                    ("prices_per_th", {"Antminer S7": 1.0}),
                ],
            ),
            examples=15,
        ),
        Spec(
            "options.MachineValue",
            _fields_call(strip_call().map(lambda call: options.switch_off_value(**call.kwargs))),
            _check_same_fields(options.MachineValue),
            examples=5,
        ),
        Spec(
            "options.longstaff_schwartz",
            stopping_call(),
            _check_policy,
            invalid=_invalid(stopping_call(), STOPPING_INVALID),
        ),
        Spec(
            "options.ExercisePolicy",
            _fields_call(policies),
            _check_same_fields(options.ExercisePolicy),
            examples=5,
        ),
        Spec(
            "options.PolicyValue",
            _fields_call(policies.map(lambda policy: policy.in_sample)),
            _check_same_fields(options.PolicyValue),
            examples=5,
        ),
        Spec(
            "options.ContinuationFit",
            _fields_call(policies.map(lambda policy: policy.continuation[-1])),
            _check_same_fields(options.ContinuationFit),
            examples=5,
        ),
        Spec(
            "options.ExercisePolicy.evaluate",
            stopping_call().map(
                lambda call: Call(
                    {
                        "exercise_value": call.kwargs["exercise_value"],
                        "state": call.kwargs["state"],
                    },
                    (options.longstaff_schwartz(**call.kwargs),),
                )
            ),
            _check_policy_value,
            examples=10,
        ),
    ]


# --------------------------------------------------------------------------
# hedges
# --------------------------------------------------------------------------


def _market_paths(draw, n_days: int | None = None) -> np.ndarray:
    n_paths = draw(st.integers(1, 6))
    days = n_days or draw(st.integers(30, 120))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    steps = np.concatenate(
        [np.zeros((n_paths, 1)), 0.03 * rng.standard_normal((n_paths, days - 1))], 1
    )
    return draw(numbers(1e3, 2e5, log=True)) * np.exp(np.cumsum(steps, axis=1))


@st.composite
def forward_call(draw) -> Call:
    index = _market_paths(draw) / 2_000
    days = draw(st.integers(1, index.shape[1]))
    return Call(
        {
            "hashprice": index,
            "strike": draw(numbers(0.0, 100.0)),
            "hashrate_ph": draw(numbers(0.0, 1e4)),
            "start_day": draw(st.integers(0, index.shape[1] - days)),
            "days": days,
            "initial_margin": draw(numbers(0.0, 1.0)),
        }
    )


@st.composite
def puts_call(draw) -> Call:
    prices = _market_paths(draw)
    months = len(range(29, prices.shape[1], 30))
    strike = draw(numbers(0.0, 2e5))
    kwargs = {
        "btc_price": prices,
        "btc_per_month": np.full(months, draw(numbers(0.0, 50.0))),
        "strike": strike,
        "volatility": draw(numbers(0.0, 2.0)),
        "rate": draw(numbers(-0.05, 0.2)),
    }
    if draw(st.booleans()):
        kwargs["call_strike"] = strike + draw(numbers(0.0, 1e5))
    return Call(kwargs)


@st.composite
def swap_call(draw) -> Call:
    index = _market_paths(draw) / 1_000
    return Call(
        {
            "index_price": index,
            "fixed_price": draw(numbers(0.0, 200.0)),
            "mwh_per_day": draw(numbers(0.0, 5_000.0)),
        }
    )


@st.composite
def treasury_call(draw) -> Call:
    prices = _market_paths(draw)
    mined = np.abs(np.random.default_rng(1).normal(0.1, 0.05, prices.shape))
    return Call({"btc_mined": mined, "btc_price": prices, "sell_share": draw(numbers(0.0, 1.0))})


@st.composite
def effect_call(draw) -> Call:
    prices = _market_paths(draw)
    flows = prices / 100 - 500
    hedge = hedging.hashprice_forward(prices / 2_000, 40.0, 10.0, days=prices.shape[1])
    return Call({"cash_flow": flows, "hedges": [hedge], "rate": draw(numbers(-0.05, 0.3)),
                 "level": draw(numbers(0.5, 0.99))})  # fmt: skip


@st.composite
def black_scholes_call(draw) -> Call:
    return Call(
        {
            "spot": draw(numbers(1.0, 1e6, log=True)),
            "strike": draw(numbers(0.0, 1e6)),
            "years": draw(numbers(0.0, 10.0)),
            "volatility": draw(numbers(0.0, 3.0)),
            "rate": draw(numbers(-0.05, 0.3)),
            "kind": draw(st.sampled_from(["put", "call"])),
        }
    )


def _check_hedge(call: Call, result) -> None:
    assert isinstance(result, hedging.Hedge)
    assert np.isfinite(result.cash_flow).all() and np.isfinite(result.premium)


def _check_option_price(call: Call, result) -> None:
    assert np.isfinite(result) and result >= -1e-9 * call.kwargs["spot"]


def _check_treasury(call: Call, result) -> None:
    assert isinstance(result, pd.DataFrame)
    assert list(result.columns) == ["usd_from_sales", "btc_held", "value_at_end"]
    assert (result.to_numpy() >= 0).all()


def _check_effect(call: Call, result) -> None:
    assert isinstance(result, pd.DataFrame) and list(result.index) == [
        "unhedged",
        "hashprice forward",
    ]
    assert np.isfinite(result[["mean_npv", "p5_npv", "cvar"]].to_numpy()).all()


def _check_hedged_npv(call: Call, result) -> None:
    assert isinstance(result, xr.DataArray) and result.dims == ("option", "path")
    assert np.isfinite(result.values).all()


def hedging_specs() -> list[Spec]:
    return [
        Spec("hedging.hashprice_forward", forward_call(), _check_hedge,
             invalid=_invalid(forward_call(), [("strike", -1.0), ("days", 0),
                                               ("initial_margin", 1.5), ("start_day", -1)])),
        Spec("hedging.btc_puts", puts_call(), _check_hedge,
             invalid=_invalid(puts_call(), [("btc_per_month", [1.0] * 99), ("strike", -1.0),
                                            ("volatility", -0.1), ("rate", -1.0)])),
        Spec("hedging.power_swap", swap_call(), _check_hedge,
             invalid=_invalid(swap_call(), [("fixed_price", -1.0), ("mwh_per_day", -1.0)])),
        Spec("hedging.treasury", treasury_call(), _check_treasury,
             invalid=_invalid(treasury_call(), [("sell_share", 1.5), ("btc_price", [[1.0]])])),
        Spec("hedging.hedge_effect", effect_call(), _check_effect,
             invalid=_invalid(effect_call(), [("hedges", ["a"]), ("level", 1.0),
                                              ("rate", -1.0)])),
        Spec("hedging.hedged_npv", effect_call().map(lambda call: Call(
                 {k: v for k, v in call.kwargs.items() if k != "level"})),
             _check_hedged_npv,
             invalid=_invalid(effect_call().map(lambda call: Call(
                 {k: v for k, v in call.kwargs.items() if k != "level"})),
                 [("hedges", ["a"]), ("rate", -1.0), ("cash_flow", [[np.nan]])])),
        Spec("hedging.black_scholes", black_scholes_call(), _check_option_price,
             invalid=_invalid(black_scholes_call(), [("kind", "straddle"), ("spot", 0.0),
                                                     ("years", -1.0), ("volatility", -1.0)])),
        Spec("hedging.Hedge",
             forward_call().map(lambda call: Call(
                 {f.name: getattr(hedging.hashprice_forward(**call.kwargs), f.name)
                  for f in dataclasses.fields(hedging.Hedge)})),
             _check_same_fields(hedging.Hedge), examples=5),
    ]  # fmt: skip


SPECS = [
    *price_specs(),
    Spec("price.Calibration", CALIBRATION_CALLS, _check_calibration),
    *fee_specs(),
    *difficulty_specs(),
    *projection_specs(),
    *options_specs(),
    *hedging_specs(),
]
