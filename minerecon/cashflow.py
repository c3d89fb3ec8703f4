"""Cash-flow metrics: discounting, NPV, IRR and payback of cash-flow streams.

The functions follow numpy-financial, vectorised over paths: a stream of cash
flows lies along one axis (the last by default) and every other axis is a
path, scenario or grid cell, so a Monte Carlo result of shape
``(paths, periods)`` gives one NPV, IRR or payback per path in one call.

Conventions shared by every function
------------------------------------
* Flow ``c_t`` (``t = 0 .. n-1``) is paid at the end of period ``t``, measured
  from the first flow, which is at time 0 and is not discounted.
* ``rate`` is an annual effective rate [-]; ``periods_per_year`` says how
  many periods make a year (365 for daily flows, the library's time step; 12
  for the monthly totals of :func:`aggregate`).
* numpy arrays (and lists) take ``axis``; an :class:`xarray.DataArray` takes
  ``dim``, the name of its period dimension, and the result is a DataArray
  without that dimension. A pandas Series is one stream (a float comes out);
  a DataFrame holds one stream per row (``axis=-1``, a Series indexed like
  the rows comes out) or per column (``axis=0``).
* Cash flows must be finite: NaN or infinite flows raise ``ValueError``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal, TypeVar, overload

import numba
import numpy as np
import pandas as pd
import xarray as xr

from minerecon import _contract, _parallel
from minerecon._contract import check
from minerecon.typing import ArrayLike, FloatArray, Numeric
from minerecon.units import DAYS_PER_YEAR, MAX_YEARS

__all__ = [
    "aggregate",
    "discount_factors",
    "discounted_payback_period",
    "irr",
    "npv",
    "payback_period",
]


# --------------------------------------------------------------------------
# Validation and the array kinds
# --------------------------------------------------------------------------


def _check_flows(name: str, values: np.ndarray) -> np.ndarray:
    """Float array of finite flows, or ``ValueError`` naming the argument."""
    if values.dtype == bool or not (
        np.issubdtype(values.dtype, np.number) and values.dtype.kind != "c"
    ):
        raise ValueError(f"{name} must be real numbers, got dtype {values.dtype}")
    values = values.astype(float, copy=False)
    bad = ~np.isfinite(values)
    if bad.any():
        first = values[bad].flat[0]
        raise ValueError(f"{name} must be finite, got {first}{_contract._where(values, bad)}")
    return values


def _check_rate(rate: ArrayLike) -> Any:
    return check("rate", rate, low=-1.0, low_open=True, unit="[-, annual effective]")


def _check_periods_per_year(periods_per_year: object) -> float:
    if isinstance(periods_per_year, bool) or not isinstance(
        periods_per_year, int | float | np.integer | np.floating
    ):
        raise ValueError(f"periods_per_year must be a positive number, got {periods_per_year!r}")
    return float(check("periods_per_year", periods_per_year, low=0.0, low_open=True))


def _along(
    core: Callable[..., np.ndarray],
    cash_flows: ArrayLike,
    *args: Any,
    axis: int,
    dim: str | None,
    name: str = "cash_flows",
) -> Numeric:
    """Apply ``core(flows, *args)``, which reduces the last axis, to any kind.

    ``args`` (rates) broadcast against the leading axes of the flows; for a
    DataArray they may be DataArrays and broadcast by dimension name.
    """
    if isinstance(cash_flows, xr.DataArray):
        if dim is None:
            raise ValueError(
                f"{name} is a DataArray: pass dim, the name of its period dimension "
                f"(one of {list(cash_flows.dims)})"
            )
        if dim not in cash_flows.dims:
            raise ValueError(
                f"dim must be a dimension of {name}, got {dim!r}; "
                f"{name} has dims {list(cash_flows.dims)}"
            )
        if cash_flows.sizes[dim] == 0:
            raise ValueError(f"{name} must have at least one period along {dim!r}, got none")
        _check_flows(name, cash_flows.values)
        return xr.apply_ufunc(
            core,
            cash_flows,
            *args,
            input_core_dims=[[dim]] + [[] for _ in args],
            keep_attrs=False,
        )
    if dim is not None:
        raise ValueError(
            f"dim is for DataArrays; {name} is a {type(cash_flows).__name__}: use axis"
        )
    index = None
    if isinstance(cash_flows, pd.DataFrame):
        index = cash_flows.columns if axis in (0, -2) else cash_flows.index
    values = np.asarray(cash_flows)
    if values.ndim == 0:
        raise ValueError(f"{name} must be an array of cash flows along an axis, got a scalar")
    try:
        values = np.moveaxis(values, axis, -1)
    except np.exceptions.AxisError:
        raise ValueError(
            f"axis must be in [-{values.ndim}, {values.ndim - 1}] for {name} of shape "
            f"{values.shape}, got {axis}"
        ) from None
    if values.shape[-1] == 0:
        raise ValueError(f"{name} must have at least one period along axis {axis}, got none")
    values = _check_flows(name, values)
    args = tuple(_contract._values(a) for a in args)
    try:
        np.broadcast_shapes(values.shape[:-1], *(np.shape(a) for a in args))
    except ValueError:
        raise ValueError(
            f"rate of shape {np.shape(args[0])} must broadcast against the {values.shape[:-1]} "
            f"leading axes of {name}"
        ) from None
    out = core(values, *args)
    if index is not None and np.ndim(out) == 1 and len(out) == len(index):
        return pd.Series(out, index=index)
    out = np.asarray(out)
    return float(out) if out.ndim == 0 else out


def _times(n_periods: int, periods_per_year: float) -> np.ndarray:
    return np.arange(n_periods, dtype=float) / periods_per_year


# --------------------------------------------------------------------------
# Discounting and NPV
# --------------------------------------------------------------------------


@overload
def discount_factors(
    n_periods: int, rate: xr.DataArray, periods_per_year: float = ...
) -> xr.DataArray: ...
@overload
def discount_factors(
    n_periods: int, rate: ArrayLike, periods_per_year: float = ...
) -> FloatArray: ...
def discount_factors(
    n_periods: int, rate: ArrayLike, periods_per_year: float = DAYS_PER_YEAR
) -> FloatArray | xr.DataArray:
    """Discount factor of each period from an annual effective rate.

    Parameters
    ----------
    n_periods : int
        Number of periods ``n`` [-], >= 0, covering at most
        :data:`~minerecon.units.MAX_YEARS` years.
    rate : float, array or DataArray
        Annual effective discount rate [-], > -1.
    periods_per_year : float, default 365
        Periods in one year [1/year], > 0.

    Returns
    -------
    Discount factors [-], shape ``rate.shape + (n_periods,)``; a DataArray
    rate gives a DataArray with a trailing ``period`` dimension.

    Notes
    -----
    ``d_t = (1 + r) ** (-t / m)`` for ``t = 0 .. n-1`` and ``m`` periods per
    year, so ``d_0 = 1`` and ``d_m = 1 / (1 + r)``.

    Examples
    --------
    >>> discount_factors(3, 0.21, periods_per_year=2)
    array([1.        , 0.90909091, 0.82644628])
    """
    n_periods = _contract.check_count("n_periods", n_periods, low=0)
    rate = _check_rate(rate)
    periods_per_year = _check_periods_per_year(periods_per_year)
    if n_periods > MAX_YEARS * periods_per_year:
        raise ValueError(
            f"n_periods must cover at most {MAX_YEARS:g} years ({MAX_YEARS * periods_per_year:g}"
            f" periods at {periods_per_year:g} a year), got {n_periods}"
        )
    times = _times(n_periods, periods_per_year)
    if isinstance(rate, xr.DataArray):
        return (1.0 + rate) ** -xr.DataArray(times, dims="period")
    rate = np.asarray(_contract._values(rate), dtype=float)
    return (1.0 + rate[..., None]) ** -times


def _npv_core(flows: np.ndarray, rate: np.ndarray, periods_per_year: float) -> np.ndarray:
    times = _times(flows.shape[-1], periods_per_year)
    if rate.ndim == 0:
        return flows @ (1.0 + rate) ** -times
    return np.sum(flows * (1.0 + rate[..., None]) ** -times, axis=-1)


@overload
def npv(
    cash_flows: np.ndarray,
    rate: ArrayLike,
    *,
    periods_per_year: float = ...,
    axis: int = ...,
    dim: str | None = ...,
) -> float | FloatArray: ...
@overload
def npv(
    cash_flows: xr.DataArray,
    rate: ArrayLike,
    *,
    periods_per_year: float = ...,
    axis: int = ...,
    dim: str | None = ...,
) -> xr.DataArray: ...
@overload
def npv(
    cash_flows: ArrayLike,
    rate: ArrayLike,
    *,
    periods_per_year: float = ...,
    axis: int = ...,
    dim: str | None = ...,
) -> Numeric: ...
def npv(
    cash_flows: ArrayLike,
    rate: ArrayLike,
    *,
    periods_per_year: float = DAYS_PER_YEAR,
    axis: int = -1,
    dim: str | None = None,
) -> Numeric:
    """Net present value of a stream of cash flows.

    Parameters
    ----------
    cash_flows : array-like, DataFrame or DataArray
        Cash flows [USD], one per period along ``axis`` (or ``dim``), the
        first at time 0. Finite.
    rate : float, array or DataArray
        Annual effective discount rate [-], > -1. Arrays broadcast against
        the other axes of ``cash_flows`` (a DataArray by dimension name, so a
        rate with its own dimension gives an NPV for each rate).
    periods_per_year : float, default 365
        Periods in one year [1/year], > 0: 365 for daily flows, 12 monthly.
    axis : int, default -1
        Axis of the periods (numpy input).
    dim : str, optional
        Dimension of the periods (DataArray input, required there).

    Returns
    -------
    NPV [USD]: a float for one stream, else an array or DataArray without
    the period axis.

    Notes
    -----
    ``NPV = sum_t c_t (1 + r) ** (-t / m)``, ``t = 0 .. n-1``: the first flow
    is not discounted (unlike spreadsheet ``NPV``, which discounts it by one
    period, and like ``numpy_financial.npv`` at ``m = 1``).

    References
    ----------
    R. A. Brealey, S. C. Myers and F. Allen, *Principles of Corporate
    Finance*, ch. 2 and 5.

    Examples
    --------
    >>> round(npv([-100, 110], 0.10, periods_per_year=1), 12)
    0.0
    >>> npv([[-100, 60, 60], [-100, 50, 50]], 0.0, periods_per_year=1)
    array([20.,  0.])
    """
    rate = _check_rate(rate)
    periods_per_year = _check_periods_per_year(periods_per_year)
    return _along(
        lambda flows, r: _npv_core(flows, np.asarray(r, dtype=float), periods_per_year),
        cash_flows,
        rate,
        axis=axis,
        dim=dim,
    )


# --------------------------------------------------------------------------
# IRR: compiled root search over rows
# --------------------------------------------------------------------------

#: Search grid of the IRR in ``ln(1 + IRR)``: 0.001 * 1.5**k up to about 60.
_IRR_GRID = 1e-3 * 1.5 ** np.arange(28)


@numba.njit(cache=True)
def _horner(c: np.ndarray, first: int, last: int, x: float, reverse: bool) -> tuple[float, float]:
    """``p(x)`` and ``p'(x)`` for ``p(x) = sum_j c[first + j] x**j`` (or ``c[last - j]``).

    Four interleaved Horner chains in ``y = x**4``, ``p(x) = sum_r x**r P_r(y)``
    with ``P_r(y) = sum_i a[4 i + r] y**i``: independent chains run in
    parallel on the processor, where one chain waits on each step.
    """
    m = last - first
    y = x * x * x * x
    p0 = p1 = p2 = p3 = 0.0
    d0 = d1 = d2 = d3 = 0.0
    top = m - m % 4  # the highest exponent of chain 0
    for base in range(top, -1, -4):
        d0 = d0 * y + p0
        d1 = d1 * y + p1
        d2 = d2 * y + p2
        d3 = d3 * y + p3
        p0 = p0 * y + (c[last - base] if reverse else c[first + base])
        if base + 1 <= m:
            p1 = p1 * y + (c[last - base - 1] if reverse else c[first + base + 1])
        if base + 2 <= m:
            p2 = p2 * y + (c[last - base - 2] if reverse else c[first + base + 2])
        if base + 3 <= m:
            p3 = p3 * y + (c[last - base - 3] if reverse else c[first + base + 3])
    x2 = x * x
    p = p0 + x * p1 + x2 * p2 + x2 * x * p3
    # p'(x) = sum_r (r x**(r-1) P_r(y) + 4 x**(r+3) P_r'(y))
    dp = p1 + 2.0 * x * p2 + 3.0 * x2 * p3
    dp += 4.0 * x2 * x * (d0 + x * d1 + x2 * d2 + x2 * x * d3)
    return p, dp


#: Terms per block of the coarse model of a long polynomial (:func:`_model`).
_BLOCK = 32
#: Polynomials with fewer terms are always evaluated term by term.
_MODEL_MIN_TERMS = 8 * _BLOCK


@numba.njit(cache=True)
def _model_blocks(c: np.ndarray, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """Block sums of both polynomials of ``c[first..last]`` for :func:`_model`.

    The "up" polynomial's block ``b`` holds its terms ``a_j``, ``j = B b + i``,
    ``i < B``; its rows are ``sum a``, ``sum i a``, ``sum |a|`` and
    ``sum i**2 |a|``. The reversed ("down") polynomial is padded with zero
    terms at its low end up to whole blocks, which multiplies it by a power
    of ``x``: the same signs and roots in (0, 1], and its blocks are the up
    blocks in reverse with ``i -> B - 1 - i``. No blocks (a model never
    used) below ``_MODEL_MIN_TERMS`` terms.
    """
    m = last - first + 1
    if m < _MODEL_MIN_TERMS:
        return np.zeros((4, 0)), np.zeros((4, 0))
    n_blocks = (m + _BLOCK - 1) // _BLOCK
    up = np.empty((4, n_blocks))
    down = np.empty((4, n_blocks))
    top = _BLOCK - 1.0
    for b in range(n_blocks):
        start = first + b * _BLOCK
        s = t = size = moment = q = 0.0
        for i in range(min(_BLOCK, last + 1 - start)):
            a = c[start + i]
            size_i = abs(a)
            s += a
            t += i * a
            size += size_i
            moment += i * size_i
            q += i * i * size_i
        up[0, b] = s
        up[1, b] = t
        up[2, b] = size
        up[3, b] = q
        r = n_blocks - 1 - b
        down[0, r] = s
        down[1, r] = top * s - t
        down[2, r] = size
        down[3, r] = top * top * size - 2.0 * top * moment + q
    return up, down


@numba.njit(cache=True)
def _model(blocks: np.ndarray, x: float) -> tuple[float, float, float]:
    """The polynomial at ``x`` in (0, 1] from its block sums: value, slope, error bound.

    In block ``b``, ``x**(B b + i) = y**b x**i`` with ``y = x**B``, and
    ``x**i = 1 + i ln x + R`` with ``0 <= R <= (i ln x)**2 / 2``, so
    ``p(x) = S(y) + ln(x) T(y) + E`` with ``|E| <= (ln x)**2 / 2 Q(y)``:
    ``S``, ``T``, ``Q`` are polynomials in ``y`` of the block sums, about
    ``B`` times shorter than ``p``. The bound adds the rounding of both
    evaluations, so where ``|value| > bound`` the sign of ``p(x)`` is certain.
    """
    n_blocks = blocks.shape[1]
    y = x**_BLOCK
    ln_x = math.log(x)
    s = t = size = q = ds = dt = 0.0
    for b in range(n_blocks - 1, -1, -1):
        ds = ds * y + s
        dt = dt * y + t
        s = s * y + blocks[0, b]
        t = t * y + blocks[1, b]
        size = size * y + blocks[2, b]
        q = q * y + blocks[3, b]
    value = s + ln_x * t
    slope = (_BLOCK * y * (ds + ln_x * dt) + t) / x  # dy/dx = B y / x
    rounding = 8.0 * (n_blocks + 1) * _BLOCK * 2.2e-16 * size
    return value, slope, 0.5 * ln_x * ln_x * q + rounding


@numba.njit(cache=True)
def _root(
    c: np.ndarray,
    first: int,
    last: int,
    reverse: bool,
    blocks: np.ndarray,
    lo: float,
    f_lo: float,
    hi: float,
    f_hi: float,
) -> float:
    """Root in ``[lo, hi]`` of the polynomial, where it changes sign.

    Newton's method safeguarded by bisection, from the bracket's secant
    (regula falsi) point, to about 1e-15 relative. With ``blocks`` it first
    finds the block model's root (cheap, to 1e-12), then starts from it on
    the polynomial itself, which takes a few steps.
    """
    x = lo - f_lo * (hi - lo) / (f_hi - f_lo)
    if not (lo < x < hi):
        x = 0.5 * (lo + hi)
    a, f_a, b = lo, f_lo, hi
    exact = blocks.shape[1] == 0
    for step_number in range(300):
        if exact:
            f, df = _horner(c, first, last, x, reverse)
            if f == 0.0:
                return x
        else:
            f, df, _ = _model(blocks, x)
        if (f < 0.0) == (f_a < 0.0):
            a, f_a = x, f
        else:
            b = x
        tolerance = 1e-15 if exact else 1e-12
        step_ok = df != 0.0
        if step_ok:
            step = f / df
            if exact and abs(step) <= tolerance * x:
                # Converged: a step this small would round onto a bracket end.
                return x - step
            x_new = x - step
            step_ok = a < x_new < b
        if not step_ok:
            x_new = 0.5 * (a + b)
        converged = abs(x_new - x) <= tolerance * x or b - a <= tolerance * b
        if converged and exact:
            return x_new
        if converged or (not exact and step_number == 99):
            # The model's root: the polynomial's search starts there, in the whole bracket.
            exact = True
            a, f_a, b = lo, f_lo, hi
        x = x_new
    return x


@numba.njit(cache=True)
def _irr_row(c: np.ndarray, periods_per_year: float, grid: np.ndarray) -> float:
    n = c.shape[0]
    first = 0
    while first < n and c[first] == 0.0:
        first += 1
    last = n - 1
    while last > first and c[last] == 0.0:
        last -= 1
    if first >= last:
        return np.nan
    changes = 0
    sign = c[first] > 0.0
    for t in range(first + 1, last + 1):
        if c[t] != 0.0 and (c[t] > 0.0) != sign:
            changes += 1
            sign = not sign
    if changes == 0:
        return np.nan
    total = 0.0
    for t in range(first, last + 1):
        total += c[t]
    if total == 0.0:
        return 0.0
    # x = exp(-s / m) with s = ln(1 + IRR) >= 0 for the "up" side (x = v = 1/(1+r_p),
    # polynomial in c[first..last]) and s = -ln(1 + IRR) >= 0 for the "down" side
    # (x = 1 + r_p, reversed polynomial). Both sides start at x = 1 (IRR = 0) and
    # end at x = 0 (IRR = inf, -100 %), where the polynomials equal c[first], c[last].
    # With one sign change there is exactly one root (Descartes), on the side
    # where the polynomial changes sign between x = 1 and x = 0.
    up_blocks, down_blocks = _model_blocks(c, first, last)
    # Per side (0: up, 1: down), the bracket [lo, hi] where its polynomial changes sign.
    found = np.zeros(2, dtype=np.bool_)
    lo = np.zeros(2)
    f_lo = np.zeros(2)
    hi = np.ones(2)
    f_hi = np.full(2, total)
    if changes == 1:
        # The side whose ends differ in sign holds the root, and the whole side brackets it.
        side = 0 if (total > 0.0) != (c[first] > 0.0) else 1
        found[side] = True
        f_lo[side] = c[last] if side else c[first]
    else:
        previous = np.full(2, total)
        x_prev = 1.0
        k_max = grid.shape[0]
        for k in range(k_max + 1):
            x = math.exp(-grid[k] / periods_per_year) if k < k_max else 0.0
            for side in range(2):
                if k == k_max:
                    f = c[last] if side else c[first]
                else:
                    # From the model where its bound settles the sign, else term by term.
                    f = math.nan
                    blocks = down_blocks if side else up_blocks
                    if blocks.shape[1] > 0:
                        f, _, bound = _model(blocks, x)
                        if not abs(f) > bound:
                            f = math.nan
                    if f != f:
                        f = _horner(c, first, last, x, side == 1)[0]
                if (f > 0.0) != (previous[side] > 0.0) or f == 0.0:
                    found[side] = True
                    lo[side], f_lo[side], hi[side], f_hi[side] = x, f, x_prev, previous[side]
                previous[side] = f
            if found[0] or found[1]:
                break
            x_prev = x
    # Both sides found in the same step: keep the root nearer to IRR = 0 (x nearer 1;
    # a tie goes to r > 0, the up side).
    best = np.nan
    best_side = 0
    for side in range(2):
        if not found[side]:
            continue
        root = lo[side]
        if f_lo[side] != 0.0:
            blocks = down_blocks if side else up_blocks
            root = _root(
                c, first, last, side == 1, blocks, lo[side], f_lo[side], hi[side], f_hi[side]
            )
        if best != best or root > best:
            best, best_side = root, side
    if best != best:
        return np.nan
    return math.expm1((1.0 if best_side else -1.0) * periods_per_year * math.log(best))


@numba.njit(cache=True, nogil=True)
def _irr_rows(
    flows: np.ndarray, periods_per_year: float, grid: np.ndarray, out: np.ndarray
) -> None:
    for i in range(flows.shape[0]):
        out[i] = _irr_row(flows[i], periods_per_year, grid)


def _irr_core(flows: np.ndarray, periods_per_year: float) -> np.ndarray:
    """IRR of each row of checked, finite ``flows``; blocks of rows on numba's threads."""
    lead = flows.shape[:-1]
    rows = np.ascontiguousarray(flows.reshape(-1, flows.shape[-1]), dtype=np.float64)
    out = np.empty(rows.shape[0])

    def run(start: int, stop: int) -> None:
        _irr_rows(rows[start:stop], float(periods_per_year), _IRR_GRID, out[start:stop])

    _parallel.over_rows(run, rows.shape[0])
    return out.reshape(lead)


@numba.njit(cache=True, nogil=True)
def _first_nonzero(row: np.ndarray) -> float:
    for value in row:
        if value != 0.0:
            return value
    return 0.0


@numba.njit(cache=True, nogil=True)
def _factored_rows(
    operating: np.ndarray,
    scale: np.ndarray,
    fixed: np.ndarray,
    base: np.ndarray,
    gain: np.ndarray,
    ends: np.ndarray,
    lump: np.ndarray,
    point_days: np.ndarray,
    point_values: np.ndarray,
    equity_flow: np.ndarray,
    equity_days: np.ndarray,
    equity_values: np.ndarray,
    month_starts: np.ndarray,
    periods_per_year: float,
    grid: np.ndarray,
    irr_out: np.ndarray,
    equity_irr_out: np.ndarray,
    payback_out: np.ndarray,
    monthly_out: np.ndarray,
) -> None:
    """Metrics of daily flows given in factors, one path (row) at a time.

    Row ``p`` is ``operating[p] * scale + fixed + base + gain * (t < ends[p])``
    with ``lump[p]`` on the last day and ``point_values[p, k]`` on day
    ``point_days[k]``; the equity row adds ``equity_flow`` and the equity
    points (none: ``equity_flow`` is empty and the equity IRR is the IRR).
    Out: the IRR where the first non-zero flow is an outflow (else nan), the
    payback as :func:`payback_period`, and the sums between ``month_starts``.
    """
    n_paths, n_days = operating.shape
    n_months = month_starts.shape[0]
    has_equity = equity_flow.shape[0] > 0
    row = np.empty(n_days)
    equity = np.empty(n_days)
    for p in range(n_paths):
        for t in range(n_days):
            hosting = base[t] + gain[t] if t < ends[p] else base[t]
            if t == n_days - 1:
                hosting += lump[p]
            row[t] = (operating[p, t] * scale[t] + fixed[t]) + hosting
        for k in range(point_days.shape[0]):
            row[point_days[k]] += point_values[p, k]
        if has_equity:
            for t in range(n_days):
                equity[t] = row[t] + equity_flow[t]
            for k in range(equity_days.shape[0]):
                equity[equity_days[k]] += equity_values[p, k]
        # One call of the IRR search in a loop, not two calls: it compiles once.
        for stream in range(2 if has_equity else 1):
            flows = equity if stream else row
            rate = (
                _irr_row(flows, periods_per_year, grid) if _first_nonzero(flows) < 0.0 else np.nan
            )
            if stream:
                equity_irr_out[p] = rate
            else:
                irr_out[p] = equity_irr_out[p] = rate
        payback = np.inf
        cumulative = 0.0
        for t in range(n_days):
            before = cumulative
            cumulative += row[t]
            if cumulative >= 0.0:
                payback = 0.0 if t == 0 else t - 1 + (-before) / row[t]
                break
        payback_out[p] = payback
        for m in range(n_months):
            stop = month_starts[m + 1] if m + 1 < n_months else n_days
            total = 0.0
            for t in range(month_starts[m], stop):
                total += row[t]
            monthly_out[p, m] = total


@overload
def irr(
    cash_flows: np.ndarray,
    *,
    periods_per_year: float = ...,
    axis: int = ...,
    dim: str | None = ...,
) -> float | FloatArray: ...
@overload
def irr(
    cash_flows: xr.DataArray,
    *,
    periods_per_year: float = ...,
    axis: int = ...,
    dim: str | None = ...,
) -> xr.DataArray: ...
@overload
def irr(
    cash_flows: ArrayLike,
    *,
    periods_per_year: float = ...,
    axis: int = ...,
    dim: str | None = ...,
) -> Numeric: ...
def irr(
    cash_flows: ArrayLike,
    *,
    periods_per_year: float = 12,
    axis: int = -1,
    dim: str | None = None,
) -> Numeric:
    """Internal rate of return, annual effective, of each stream of cash flows.

    Parameters
    ----------
    cash_flows : array-like, DataFrame or DataArray
        Cash flows [USD], one per period along ``axis`` (or ``dim``), the
        first at time 0. Finite.
    periods_per_year : float, default 12
        Periods in one year [1/year], > 0: 12 for monthly totals (see
        :func:`aggregate`), 365 for daily flows.
    axis : int, default -1
        Axis of the periods (numpy input).
    dim : str, optional
        Dimension of the periods (DataArray input, required there).

    Returns
    -------
    IRR [-, annual effective]: a float for one stream, else an array or
    DataArray without the period axis. ``nan`` where there is no IRR: the
    flows never change sign (all >= 0 or all <= 0, including all zero, or a
    single non-zero flow), or they change sign more than once and the NPV
    has no root at which it changes sign. Annual rates just above -1 (a
    stream that returns almost nothing, e.g. ``[-6, 1]`` monthly) keep few
    significant digits in ``1 + r`` and can round to exactly -1.

    Notes
    -----
    The IRR is the annual effective rate ``r`` at which the NPV is zero,
    ``sum_t c_t v**t = 0`` with ``v = (1 + r) ** (-1 / m)``: a polynomial in
    ``v`` in (0, 1] for ``r >= 0``, and in ``w = 1 / v`` in (0, 1] for
    ``r <= 0``, so no power overflows. Leading and trailing zero flows are
    dropped first (they multiply the polynomial by a power of ``v``).

    *Method*, per stream, compiled with numba and run in parallel over
    streams. With one sign change in the flows (an investment followed by
    returns, or the reverse) the NPV has exactly one root (Descartes' rule
    of signs); its side of 0 follows from the signs of the plain sum and of
    the first flow, and the whole side, ``v`` or ``w`` in (0, 1], is the
    bracket. With several sign changes the search steps outward from
    ``r = 0`` on both sides on the grid ``|ln(1 + r)| = 0.001 * 1.5**k``
    (``k = 0 .. 27``, up to about 57, then on to ``r = inf`` and
    ``r = -1``) until the NPV changes sign. In the bracket, Newton's method
    safeguarded by bisection ("rtsafe") converges to about 1e-15 relative
    in ``v`` or ``w``. Streams of 256 flows or more (daily flows over years)
    are first read off sums over blocks of 32 flows, ``x**i`` expanded to
    first order within a block with a bound on the rest: a grid point's
    sign is taken from them only where the bound settles it, and their root
    starts Newton's method, so the result is the same and a daily stream
    costs a few passes over its flows.

    *Which root.* With one sign change the root is unique and always found.
    With several there may be several roots, or none: the one returned is
    the root nearest to 0 in ``|ln(1 + r)|`` among those at which the NPV
    changes sign between grid points (if both sides change sign in the same
    step, the nearer of their two roots; an exact tie goes to ``r > 0``).
    Two roots within one grid step cancel and are not seen, and a root
    where the NPV only touches zero is never found: ``nan`` if no other
    root is.

    References
    ----------
    numpy-financial ``irr`` (which instead takes, among the real roots of
    the polynomial, the one nearest to 0); W. H. Press et al., *Numerical
    Recipes*, 3rd ed., sec. 9.4 ("rtsafe").

    Examples
    --------
    >>> round(irr([-100, 110], periods_per_year=1), 12)
    0.1
    >>> irr([[-100, 60, 60], [100, 50, 50]], periods_per_year=1).round(6)
    array([0.130662,      nan])
    """
    periods_per_year = _check_periods_per_year(periods_per_year)
    return _along(lambda flows: _irr_core(flows, periods_per_year), cash_flows, axis=axis, dim=dim)


# --------------------------------------------------------------------------
# Payback
# --------------------------------------------------------------------------


def _payback_core(flows: np.ndarray) -> np.ndarray:
    cumulative = np.cumsum(flows, axis=-1)
    reached = cumulative >= 0.0
    index = np.argmax(reached, axis=-1)[..., None]
    before = np.take_along_axis(cumulative, np.maximum(index - 1, 0), axis=-1)[..., 0]
    flow = np.take_along_axis(flows, index, axis=-1)[..., 0]
    index = index[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        period = np.where(index == 0, 0.0, index - 1 + (-before) / flow)
    return np.where(reached.any(axis=-1), period, np.inf)


@overload
def payback_period(
    cash_flows: np.ndarray, *, axis: int = ..., dim: str | None = ...
) -> float | FloatArray: ...
@overload
def payback_period(
    cash_flows: xr.DataArray, *, axis: int = ..., dim: str | None = ...
) -> xr.DataArray: ...
@overload
def payback_period(
    cash_flows: ArrayLike, *, axis: int = ..., dim: str | None = ...
) -> Numeric: ...
def payback_period(cash_flows: ArrayLike, *, axis: int = -1, dim: str | None = None) -> Numeric:
    """Periods until the cumulative cash flow first turns non-negative.

    Parameters
    ----------
    cash_flows : array-like, DataFrame or DataArray
        Cash flows [USD], one per period along ``axis`` (or ``dim``), the
        first (usually the negative investment) at time 0. Finite.
    axis : int, default -1
        Axis of the periods (numpy input).
    dim : str, optional
        Dimension of the periods (DataArray input, required there).

    Returns
    -------
    Payback [periods, from the time of the first flow], a float >= 0; ``inf``
    where the cumulative cash flow is negative at every period (never pays
    back). ``0`` where the first flow is already >= 0.

    Notes
    -----
    With the cumulative flow ``C_t = c_0 + ... + c_t``, let ``T`` be the
    *first* period with ``C_T >= 0``. Flow ``c_T`` is taken to accrue evenly
    over the period from ``T - 1`` to ``T``, so the payback is the linear
    interpolation

    ``payback = T - 1 + (-C_{T-1}) / c_T``  (``= 0`` when ``T = 0``),

    which lies in ``(T - 1, T]``. A later dip of ``C`` below zero (a second
    investment) does not move it: this is the first crossing.

    Examples
    --------
    >>> round(payback_period([-100, 30, 30, 30, 30]), 4)
    3.3333
    >>> payback_period([[-100, 50, 50], [-100, 10, 10]])
    array([ 2., inf])
    """
    return _along(_payback_core, cash_flows, axis=axis, dim=dim)


@overload
def discounted_payback_period(
    cash_flows: np.ndarray,
    rate: ArrayLike,
    *,
    periods_per_year: float = ...,
    axis: int = ...,
    dim: str | None = ...,
) -> float | FloatArray: ...
@overload
def discounted_payback_period(
    cash_flows: xr.DataArray,
    rate: ArrayLike,
    *,
    periods_per_year: float = ...,
    axis: int = ...,
    dim: str | None = ...,
) -> xr.DataArray: ...
@overload
def discounted_payback_period(
    cash_flows: ArrayLike,
    rate: ArrayLike,
    *,
    periods_per_year: float = ...,
    axis: int = ...,
    dim: str | None = ...,
) -> Numeric: ...
def discounted_payback_period(
    cash_flows: ArrayLike,
    rate: ArrayLike,
    *,
    periods_per_year: float = DAYS_PER_YEAR,
    axis: int = -1,
    dim: str | None = None,
) -> Numeric:
    """Periods until the cumulative discounted cash flow first turns non-negative.

    Parameters
    ----------
    cash_flows : array-like, DataFrame or DataArray
        Cash flows [USD], one per period along ``axis`` (or ``dim``), the
        first at time 0. Finite.
    rate : float, array or DataArray
        Annual effective discount rate [-], > -1; broadcasts as in :func:`npv`.
    periods_per_year : float, default 365
        Periods in one year [1/year], > 0.
    axis : int, default -1
        Axis of the periods (numpy input).
    dim : str, optional
        Dimension of the periods (DataArray input, required there).

    Returns
    -------
    Discounted payback [periods]; ``inf`` where the discounted cumulative
    flow stays negative (never pays back, so also when NPV < 0).

    Notes
    -----
    :func:`payback_period` of the discounted flows
    ``c_t (1 + r) ** (-t / m)``, interpolated linearly within the period in
    the same way.

    Examples
    --------
    >>> round(discounted_payback_period([-100, 60, 60], 0.1, periods_per_year=1), 4)
    1.9167
    """
    rate = _check_rate(rate)
    periods_per_year = _check_periods_per_year(periods_per_year)

    def core(flows: np.ndarray, r: ArrayLike) -> np.ndarray:
        r = np.asarray(r, dtype=float)
        factors = (1.0 + r[..., None]) ** -_times(flows.shape[-1], periods_per_year)
        return _payback_core(flows * factors)

    return _along(core, cash_flows, rate, axis=axis, dim=dim)


# --------------------------------------------------------------------------
# From daily to monthly or yearly
# --------------------------------------------------------------------------

_FREQS = ("MS", "QS", "YS")
_HOWS = ("sum", "mean", "min", "max", "first", "last")


#: The kinds :func:`aggregate` takes and returns: it keeps the kind it is given.
_Daily = TypeVar("_Daily", xr.DataArray, pd.Series, pd.DataFrame)


def aggregate(
    daily: _Daily,
    freq: Literal["MS", "QS", "YS"] = "MS",
    how: Literal["sum", "mean", "min", "max", "first", "last"] = "sum",
    *,
    dim: str = "time",
) -> _Daily:
    """Monthly, quarterly or yearly totals of a daily series.

    Parameters
    ----------
    daily : DataArray, Series or DataFrame
        Daily values (e.g. cash flow [USD/day]) with a datetime ``dim``
        dimension (DataArray) or a DatetimeIndex (pandas). No NaN.
    freq : {"MS", "QS", "YS"}, default "MS"
        Month, quarter or year, each labelled by its first day.
    how : {"sum", "mean", "min", "max", "first", "last"}, default "sum"
        Reduction over the days of each period; ``"sum"`` turns USD/day into
        USD per period.
    dim : str, default "time"
        Time dimension of a DataArray.

    Returns
    -------
    Same kind as ``daily``, one value per calendar period.

    Notes
    -----
    Periods are calendar periods: a series starting mid-month gives a short
    first month, summed as it is (not scaled up). Days missing from the
    index add nothing to a sum. Feed the monthly totals to :func:`irr` with
    ``periods_per_year=12``; note that a monthly total is then treated as
    paid at the end of month ``t`` counted from the first month.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.Series(1.0, index=pd.date_range("2025-01-01", "2025-03-31"))
    >>> aggregate(days).tolist()
    [31.0, 28.0, 31.0]
    """
    if freq not in _FREQS:
        raise ValueError(f"freq must be one of {_FREQS}, got {freq!r}")
    if how not in _HOWS:
        raise ValueError(f"how must be one of {_HOWS}, got {how!r}")
    if isinstance(daily, xr.DataArray):
        if dim not in daily.dims:
            raise ValueError(
                f"dim must be a dimension of daily, got {dim!r}; daily has dims {list(daily.dims)}"
            )
        if not np.issubdtype(daily[dim].dtype, np.datetime64):
            raise ValueError(
                f"daily must have datetime coordinates along {dim!r}, got dtype {daily[dim].dtype}"
            )
        _check_flows("daily", daily.values)
        return getattr(daily.resample({dim: freq}), how)()
    if isinstance(daily, pd.Series | pd.DataFrame):
        if not isinstance(daily.index, pd.DatetimeIndex):
            raise ValueError(f"daily must have a DatetimeIndex, got {type(daily.index).__name__}")
        _check_flows("daily", daily.to_numpy())
        return getattr(daily.resample(freq), how)()
    raise ValueError(
        "daily must be an xarray DataArray with a time dimension or a pandas Series or "
        f"DataFrame with a DatetimeIndex, got {type(daily).__name__}"
    )
