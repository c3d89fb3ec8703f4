"""Labelled grid sweeps of the core functions, in bounded memory.

:func:`sweep` evaluates any core function (say
:func:`~minerecon.economics.margin_per_th`) over named axes of its arguments
and returns an :class:`xarray.Dataset` with one dimension per axis,
coordinates and units. Axes are crossed (every combination) unless
``zip=`` ties some of them to one shared dimension. ``miner=[names]``
sweeps catalogue machines: it sets ``efficiency`` and labels the axis by name.

Evaluation broadcasts: each axis becomes a one-dimensional DataArray and the
core function is called once per chunk, never once per cell. When the grid
does not fit ``memory_budget_mb`` it is evaluated in chunks (slices of its
largest axes), and ``reduce=`` folds each chunk into a running summary
(mean, sum, min, max, argmin, argmax, probability below a threshold,
quantile) so that the full grid is never held. Folds run in the order of
the reduced axis, one cell after the other, so results do not depend on the
chunking, bit for bit.

:func:`~minerecon.economics.margin_per_th` has the form ``a(x1, x3) -
b(x2, x4)``: revenue depends on price, difficulty, fees, pool fee and uptime,
cost on efficiency, power price, PUE, uptime and other opex. The sweep
evaluates both factors on their own small sub-grids with the library's
functions and writes the grid (or folds it, without writing it) in a
compiled kernel; the result is bit-identical to calling ``margin_per_th`` on
the broadcast grid.

:func:`breakeven_surface` and :func:`profitable_miners` are two common
sweeps; :func:`sweep_scenario` runs :func:`~minerecon.projection.simulate`
once per cell of a grid of scenario settings, on common random numbers.

Examples
--------
>>> import numpy as np
>>> from minerecon import economics
>>> ds = sweep(economics.margin_per_th, btc_price=[60_000.0, 90_000.0],
...            power_price=[0.04, 0.06], miner=["Antminer S21 XP", "Antminer S21"],
...            difficulty=150e12)
>>> ds.margin_per_th.dims, ds.margin_per_th.attrs["units"]
(('btc_price', 'power_price', 'miner'), 'USD/TH/day')
>>> ds.margin_per_th.sel(btc_price=90_000.0, power_price=0.04).round(5).values.tolist()
[0.02476, 0.02092]
"""

from __future__ import annotations

import builtins
import dataclasses
import inspect
import itertools
import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import EllipsisType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numba
import numpy as np
import xarray as xr

from minerecon import _dask, economics, energy, hardware
from minerecon._contract import check_count
from minerecon.network import NetworkState
from minerecon.typing import ArrayLike, SeedLike

if TYPE_CHECKING:
    from distributed import Client

    from minerecon.projection import MiningScenario

__all__ = [
    "ARGUMENT_UNITS",
    "OUTPUT_UNITS",
    "breakeven_surface",
    "profitable_miners",
    "sweep",
    "sweep_scenario",
    "zero_margin_contour",
]

#: Units of the arguments the core functions take, for the coordinates.
ARGUMENT_UNITS: dict[str, str] = {
    "btc_price": "USD/BTC",
    "power_price": "USD/kWh",
    "difficulty": "-",
    "efficiency": "J/TH",
    "fees_per_block": "BTC",
    "subsidy": "BTC",
    "pool_fee": "-",
    "pue": "-",
    "uptime": "-",
    "other_opex": "USD/TH/day",
    "variable_opex": "USD/TH/day",
    "sga": "USD/TH/day",
    "depreciation": "USD/TH/day",
    "capex_per_th": "USD/TH",
    "life_years": "years",
    "residual_value": "USD/TH",
    "margin": "USD/TH/day",
    "hashrate": "TH/s",
    "power_mw": "MW",
    "height": "-",
    "discount_rate": "1/year",
    "power_price_escalation": "1/year",
    "days": "days",
    "price.drift": "1/year",
    "price.volatility": "1/sqrt(year)",
    "price.annual_growth": "1/year",
    "hashrate.cost_hashprice": "USD/TH/day",
    "hashrate.entry_rate": "1/year",
    "hashrate.exit_rate": "1/year",
    "hashrate.monthly_growth": "1/month",
    "hashrate.volatility": "1/sqrt(year)",
    "hashrate.cost_decline": "1/year",
    "fees.btc_per_block": "BTC",
    "fees.share": "-",
}

#: One summary of :func:`sweep`'s ``reduce``: ``{"dim": axis, "how": how}`` with
#: optional ``"threshold"``, ``"q"`` and ``"name"``, checked when the sweep starts.
ReduceSpec: TypeAlias = Mapping[str, object]

#: Axes that :func:`sweep` varies together: tuples of axis names, or a dict of
#: dimension name -> tuple of axis names.
ZipSpec: TypeAlias = (
    Iterable[tuple[str, ...] | list[str]] | Mapping[str, tuple[str, ...] | list[str]]
)

#: Values along one axis of a surface: numbers, or machine names or Miner objects
#: for ``miner``.
AxisValues: TypeAlias = ArrayLike | Sequence[str | hardware.Miner]

#: One axis of :func:`breakeven_surface`: ``(name, values)`` or ``{name: values}``.
SurfaceAxis: TypeAlias = tuple[str, AxisValues] | Mapping[str, AxisValues]

#: Units of what the core functions return, by function name.
OUTPUT_UNITS: dict[str, str] = {
    "margin_per_th": "USD/TH/day",
    "revenue_per_th": "USD/TH/day",
    "btc_mined_per_th": "BTC/TH/day",
    "breakeven_btc_price": "USD/BTC",
    "breakeven_power_price": "USD/kWh",
    "breakeven_difficulty": "-",
    "shutdown_hashprice": "USD/TH/day",
    "energy_cost_per_btc": "USD/BTC",
    "cash_cost_per_btc": "USD/BTC",
    "all_in_cost_per_btc": "USD/BTC",
    "depreciation_per_th": "USD/TH/day",
    "profitability_threshold": "J/TH",
    "payback_days": "days",
    "hashprice": "USD/TH/day",
    "btc_per_th_day": "BTC/TH/day",
    "energy_cost_per_th": "USD/TH/day",
    "energy_per_th_day": "kWh/TH/day",
    "site_power_mw": "MW",
    "site_hashrate": "TH/s",
}

_HOWS = ("mean", "sum", "min", "max", "prob_below", "argmin", "argmax", "quantile")
# Codes of the compiled fold.
_SUM, _BELOW, _MIN, _MAX, _ARGMIN, _ARGMAX = range(6)
_CODE = {
    "mean": _SUM,
    "sum": _SUM,
    "prob_below": _BELOW,
    "min": _MIN,
    "max": _MAX,
    "argmin": _ARGMIN,
    "argmax": _ARGMAX,
}
# Bytes of working memory per grid cell and output in the broadcast (xarray)
# path: the values, a few temporaries of the core function, a reordered copy.
_WORK_BYTES = 8 * 6
# Cells per chunk of a fused fold (no grid is written): small enough for a
# progress bar that moves, large enough that the loop over chunks costs nothing.
_FOLD_CHUNK_CELLS = 2**26
_SHOW_PROGRESS_CELLS = 10**8


# --------------------------------------------------------------------------
# Compiled kernels
# --------------------------------------------------------------------------
#
# The grid is walked in C order with its last axis (``_write_difference``) or
# its reduced axis (``_fold``) as the inner loop. A factor comes as a 2-D
# array: rows, and along the inner axis either its values (contiguous) or one
# column when it does not vary there. ``*_rows`` give, per grid axis, the row
# stride (0 where the factor does not vary); an odometer over the outer axes
# moves the row offsets without integer division, and the inner loops index
# from 0 without views, so that LLVM vectorises them.

# Blocks of outer cells per thread: enough to balance the load.
_BLOCKS_PER_THREAD = 16


def _blocks() -> int:
    """Blocks of outer cells the kernels split their work into."""
    return max(1, numba.get_num_threads() * _BLOCKS_PER_THREAD)


@numba.njit(cache=True)
def _start(  # pragma: no cover - compiled
    first: int,
    shape: np.ndarray,
    top: int,
    skip: int,
    a_rows: np.ndarray,
    b_rows: np.ndarray,
    index: np.ndarray,
) -> tuple[int, int]:
    """Set ``index`` to flat outer cell ``first`` over axes ``< top`` but ``skip``; return rows."""
    ra = 0
    rb = 0
    rem = first
    for d in range(top - 1, -1, -1):
        index[d] = 0
        if d == skip:
            continue
        i = rem % shape[d]
        rem //= shape[d]
        index[d] = i
        ra += i * a_rows[d]
        rb += i * b_rows[d]
    return ra, rb


@numba.njit(cache=True)
def _step(  # pragma: no cover - compiled
    shape: np.ndarray,
    top: int,
    skip: int,
    a_rows: np.ndarray,
    b_rows: np.ndarray,
    index: np.ndarray,
    ra: int,
    rb: int,
) -> tuple[int, int]:
    """Advance the odometer ``index`` by one outer cell; return the new rows."""
    for d in range(top - 1, -1, -1):
        if d == skip:
            continue
        index[d] += 1
        ra += a_rows[d]
        rb += b_rows[d]
        if index[d] < shape[d]:
            break
        ra -= a_rows[d] * shape[d]
        rb -= b_rows[d] * shape[d]
        index[d] = 0
    return ra, rb


@numba.njit(cache=True, parallel=True)
def _write_difference(  # pragma: no cover - compiled
    a: np.ndarray,
    a_rows: np.ndarray,
    b: np.ndarray,
    b_rows: np.ndarray,
    shape: np.ndarray,
    out: np.ndarray,
    blocks: int,
) -> None:
    """``out = a - b`` on the grid ``shape`` (at least 2-D); ``out`` is (rows, last axis).

    Work is split over the outer cells of all axes but the last two; each
    outer cell writes a contiguous (second-last x last) block.
    """
    nd = shape.size
    top = nd - 2
    n2 = shape[top]
    n = shape[nd - 1]
    outer = out.shape[0] // n2
    sa2 = a_rows[top]
    sb2 = b_rows[top]
    va = a.shape[1] > 1
    vb = b.shape[1] > 1
    blocks = min(outer, blocks)
    for blk in numba.prange(blocks):
        first = blk * outer // blocks
        last = (blk + 1) * outer // blocks
        index = np.empty(nd, dtype=np.int64)
        ra, rb = _start(first, shape, top, -1, a_rows, b_rows, index)
        for m in range(first, last):
            for i in range(n2):
                row = m * n2 + i
                ia = ra + i * sa2
                ib = rb + i * sb2
                if vb and not va:
                    av = a[ia, 0]
                    for j in range(n):
                        out[row, j] = av - b[ib, j]
                elif va and not vb:
                    bv = b[ib, 0]
                    for j in range(n):
                        out[row, j] = a[ia, j] - bv
                elif va and vb:
                    for j in range(n):
                        out[row, j] = a[ia, j] - b[ib, j]
                else:
                    v = a[ia, 0] - b[ib, 0]
                    for j in range(n):
                        out[row, j] = v
            ra, rb = _step(shape, top, -1, a_rows, b_rows, index, ra, rb)


@numba.njit(cache=True)
def _count_below(  # pragma: no cover - compiled
    a: np.ndarray, ra: int, b: np.ndarray, rb: int, n: int, threshold: float
) -> int | np.int64:
    c: int | np.int64 = 0
    va = a.shape[1] > 1
    vb = b.shape[1] > 1
    if va and not vb:
        bv = b[rb, 0]
        for r in range(n):
            c += np.int64((a[ra, r] - bv) < threshold)
    elif vb and not va:
        av = a[ra, 0]
        for r in range(n):
            c += np.int64((av - b[rb, r]) < threshold)
    elif va and vb:
        for r in range(n):
            c += np.int64((a[ra, r] - b[rb, r]) < threshold)
    else:
        c = n if (a[ra, 0] - b[rb, 0]) < threshold else 0
    return c


@numba.njit(cache=True)
def _value(a: np.ndarray, ra: int, b: np.ndarray, rb: int, r: int) -> float:  # pragma: no cover
    return a[ra, r if a.shape[1] > 1 else 0] - b[rb, r if b.shape[1] > 1 else 0]


@numba.njit(cache=True)
def _fold_cell(  # pragma: no cover - compiled
    a: np.ndarray,
    ra: int,
    b: np.ndarray,
    rb: int,
    n: int,
    how: int,
    threshold: float,
    offset: int,
    acc: np.ndarray,
    cnt: np.ndarray,
    pos: np.ndarray,
    k: int,
) -> None:
    if how == 1:
        cnt[k] += _count_below(a, ra, b, rb, n, threshold)
    elif how == 0:
        s = acc[k]
        for r in range(n):  # in axis order: the same sum whatever the chunks
            s += _value(a, ra, b, rb, r)
        acc[k] = s
    elif how == 2:
        m = acc[k]
        for r in range(n):
            v = _value(a, ra, b, rb, r)
            if m == m and not v >= m:  # keeps NaN once seen, like np.minimum
                m = v
        acc[k] = m
    elif how == 3:
        m = acc[k]
        for r in range(n):
            v = _value(a, ra, b, rb, r)
            if m == m and not v <= m:
                m = v
        acc[k] = m
    else:
        best = acc[k]
        p = pos[k]
        for r in range(n):
            v = _value(a, ra, b, rb, r)
            better = v < best if how == 4 else v > best
            if better or (p < 0 and v == v):  # first non-NaN, then strictly better
                best = v
                p = offset + r
        acc[k] = best
        pos[k] = p


@numba.njit(cache=True, parallel=True)
def _fold(  # pragma: no cover - compiled
    a: np.ndarray,
    a_rows: np.ndarray,
    b: np.ndarray,
    b_rows: np.ndarray,
    shape: np.ndarray,
    axis: int,
    how: int,
    threshold: float,
    offset: int,
    cells: int,
    acc: np.ndarray,
    cnt: np.ndarray,
    pos: np.ndarray,
    blocks: int,
) -> None:
    """Fold ``a - b`` over grid axis ``axis`` into running per-cell state, in axis order.

    ``a`` and ``b`` hold the reduced axis as columns. ``acc`` (sum, min or
    max, or the best value of argmin/argmax), ``cnt`` (cells below
    ``threshold``) and ``pos`` (position of the best value, ``offset`` +
    index within this chunk; -1 while none) hold one entry per cell of the
    grid without ``axis`` (``cells``), in C order, and are updated in place;
    those ``how`` does not use may be empty.
    """
    nd = shape.size
    n = shape[axis]
    blocks = min(cells, blocks)
    for blk in numba.prange(blocks):
        first = blk * cells // blocks
        last = (blk + 1) * cells // blocks
        index = np.empty(nd, dtype=np.int64)
        ra, rb = _start(first, shape, nd, axis, a_rows, b_rows, index)
        for k in range(first, last):
            _fold_cell(a, ra, b, rb, n, how, threshold, offset, acc, cnt, pos, k)
            ra, rb = _step(shape, nd, axis, a_rows, b_rows, index, ra, rb)


def _factor(array: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """A factor on the grid (size 1 where it does not vary) as (2-D array, row strides).

    Grid axis ``axis`` becomes the columns (one column if the factor does not
    vary along it); the row strides are given per grid axis, 0 for ``axis``
    and for the axes the factor does not vary along.
    """
    moved = np.ascontiguousarray(np.moveaxis(array, axis, -1), dtype=np.float64)
    columns = moved.shape[-1]
    order = [d for d in range(array.ndim) if d != axis]
    rows = np.zeros(array.ndim, dtype=np.int64)
    for position, d in enumerate(order):
        if moved.shape[position] > 1:
            rows[d] = moved.strides[position] // (8 * columns)
    return moved.reshape(-1, columns), rows


# --------------------------------------------------------------------------
# The grid
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Axis:
    """One dimension of the grid: its name and the arguments that vary along it."""

    dim: str
    size: int
    values: dict[str, np.ndarray]  # argument -> values passed to the function
    coords: dict[str, tuple[np.ndarray, dict[str, str]]]  # coordinate -> (values, attrs)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, numbers.Number | str | np.generic) or (
        isinstance(value, np.ndarray | xr.DataArray) and value.ndim == 0
    )


def _parameters(func: Callable[..., Any]) -> tuple[set[str], bool]:
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):  # builtins without a signature
        return set(), True
    names = {
        p.name
        for p in signature.parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }
    open_ = any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values())
    return names, open_


def _miner_efficiency(name: Any) -> tuple[str, float]:
    miner = name if isinstance(name, hardware.Miner) else hardware._lookup("miner", name)
    return miner.name, miner.efficiency


def _axis_values(name: str, values: Any) -> np.ndarray:
    if isinstance(values, xr.DataArray | Mapping):
        values = values.values if isinstance(values, xr.DataArray) else list(values)
    if not isinstance(values, np.ndarray) and isinstance(values, Iterable):
        values = list(values)
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a scalar or a 1-D sequence of values, got {array.ndim}-D"
        )
    if array.size == 0:
        raise ValueError(f"{name} must not be empty: give at least one value to sweep")
    return array


def _build_axes(
    arguments: Mapping[str, Any], zip_: Any, known: Callable[[str], bool], what: str
) -> tuple[list[_Axis], dict[str, Any]]:
    """Split keyword arguments into axes (sequences) and fixed values (scalars)."""
    fixed: dict[str, Any] = {}
    varying: dict[str, dict[str, Any]] = {}
    for name, value in arguments.items():
        if not known(name):
            raise ValueError(f"{name!r} is not an argument of {what}")
        if _dask.is_dask_collection(value):  # a dask array: its values, computed here
            value = np.asarray(value.compute())
        if name == "miner":
            if isinstance(value, str | hardware.Miner):
                fixed["efficiency"] = _miner_efficiency(value)[1]
                continue
            if _is_scalar(value):
                raise ValueError(
                    f"miner must be a machine name, a Miner or a sequence of them, got {value!r}"
                )
            pairs = [_miner_efficiency(v) for v in _axis_values("miner", value)]
            names = np.array([p[0] for p in pairs])
            efficiency = np.array([p[1] for p in pairs])
            varying[name] = {
                "values": {"efficiency": efficiency},
                "coords": {
                    "miner": (names, {}),
                    "efficiency": (efficiency, {"units": ARGUMENT_UNITS["efficiency"]}),
                },
            }
            continue
        if _is_scalar(value):
            fixed[name] = value
            continue
        array = _axis_values(name, value)
        attrs = {"units": ARGUMENT_UNITS[name]} if name in ARGUMENT_UNITS else {}
        varying[name] = {"values": {name: array}, "coords": {name: (array, attrs)}}
    if "miner" in arguments and "efficiency" in arguments:
        raise ValueError("give either miner or efficiency, not both (miner sets efficiency)")

    groups = _zip_groups(zip_, varying)
    grouped = {name: dim for dim, names in groups.items() for name in names}
    axes: list[_Axis] = []
    done: set[str] = set()
    for name in varying:
        if name in done:
            continue
        if name not in grouped:
            entry = varying[name]
            size = len(next(iter(entry["values"].values())))
            axes.append(_Axis(name, size, entry["values"], entry["coords"]))
            done.add(name)
            continue
        dim = grouped[name]
        members = groups[dim]
        sizes = {m: len(next(iter(varying[m]["values"].values()))) for m in members}
        if len(set(sizes.values())) != 1:
            raise ValueError(f"zip: the axes {members} must have the same length, got {sizes}")
        values: dict[str, np.ndarray] = {}
        coords: dict[str, Any] = {}
        for member in members:
            values |= varying[member]["values"]
            coords |= varying[member]["coords"]
        size = sizes[members[0]]
        if dim not in coords:
            coords[dim] = (np.arange(size), {})
        axes.append(_Axis(dim, size, values, coords))
        done.update(members)
    return axes, fixed


def _zip_groups(zip_: Any, varying: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    if zip_ is None:
        return {}
    if isinstance(zip_, str | bytes) or not isinstance(zip_, Iterable):
        raise ValueError(f"zip must be a list of tuples of axis names or a dict, got {zip_!r}")
    items = zip_.items() if isinstance(zip_, Mapping) else [(None, group) for group in zip_]
    groups: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    for dim, group in items:
        if (
            not isinstance(group, list | tuple)
            or len(group) < 2
            or not all(isinstance(name, str) for name in group)
            or not (dim is None or isinstance(dim, str))
        ):
            raise ValueError(f"zip must hold tuples of two or more axis names, got {group!r}")
        for name in group:
            if name not in varying:
                raise ValueError(f"zip names {name!r}, which is not a swept axis (a sequence)")
            if name in seen:
                raise ValueError(f"zip names {name!r} twice")
            seen.add(name)
        groups[dim or "_".join(group)] = tuple(group)
    return groups


def _arrays(axes: Sequence[_Axis], chunk: Mapping[str, slice]) -> dict[str, xr.DataArray]:
    """Each swept argument as a 1-D DataArray along its dimension, sliced to a chunk."""
    out = {}
    for axis in axes:
        part = chunk.get(axis.dim, slice(None))
        for name, values in axis.values.items():
            out[name] = xr.DataArray(values[part], dims=axis.dim)
    return out


def _on_grid(value: Any, dims: Sequence[str], shape: Sequence[int], what: str) -> np.ndarray:
    """A result as a numpy array in grid order, with size 1 along the dims it lacks."""
    if not isinstance(value, xr.DataArray):
        array = np.asarray(value, dtype=float)
        if array.ndim:
            raise ValueError(
                f"{what} returned a bare array of shape {array.shape}; expected "
                "a DataArray (keep the function's bodies to ufunc arithmetic)"
            )
        return array.reshape((1,) * len(dims))
    extra = set(value.dims) - set(dims)
    if extra:
        raise ValueError(f"{what} returned dimensions {sorted(extra, key=str)} that are not swept")
    present = [d for d in dims if d in value.dims]
    array = np.asarray(value.transpose(*present).values, dtype=float)
    return array.reshape([n if d in value.dims else 1 for d, n in zip(dims, shape, strict=True)])


# --------------------------------------------------------------------------
# Evaluators: how one chunk of the grid is computed
# --------------------------------------------------------------------------


class _Broadcast:
    """Call the function once on a chunk with one DataArray per axis."""

    fused = False

    def __init__(self, func: Callable[..., Any], fixed: Mapping[str, Any], names: Sequence[str]):
        self.func = func
        self.fixed = dict(fixed)
        self.names = list(names)
        self.what = getattr(func, "__name__", repr(func))

    def outputs(self, arrays: Mapping[str, xr.DataArray]) -> dict[str, Any]:
        result = self.func(**self.fixed, **arrays)
        if isinstance(result, Mapping):
            return dict(result)
        return {self.names[0]: result}

    def values(
        self, arrays: Mapping[str, xr.DataArray], dims: Sequence[str], shape: Sequence[int]
    ) -> dict[str, np.ndarray]:
        out = {}
        for name, value in self.outputs(arrays).items():
            array = _on_grid(value, dims, shape, self.what)
            if array.shape != tuple(shape) or not array.flags.c_contiguous:
                full = np.empty(shape)
                full[...] = array
                array = full
            out[name] = array
        return out


class _Difference:
    """``margin_per_th`` as revenue(x1, x3) - cost(x2, x4), factors on their sub-grids.

    The two factors are the same library calls ``margin_per_th`` makes, so the
    grid written (or folded) by the kernels is bit-identical to it.
    """

    fused = True
    revenue_args = ("btc_price", "difficulty", "fees_per_block", "subsidy", "pool_fee", "uptime")
    cost_args = ("efficiency", "power_price", "pue", "uptime")

    def __init__(self, fixed: Mapping[str, Any], name: str):
        self.fixed = dict(fixed)
        self.names = [name]

    def factors(
        self, arrays: Mapping[str, xr.DataArray], dims: Sequence[str], shape: Sequence[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        given = self.fixed | dict(arrays)
        for required in ("btc_price", "difficulty", "efficiency", "power_price"):
            if required not in given:
                raise ValueError(f"margin_per_th needs {required}: give it as a scalar or an axis")
        revenue = economics.revenue_per_th(
            **{k: given[k] for k in self.revenue_args if k in given}
        )
        other_opex = economics._check_opex("other_opex", given.get("other_opex", 0.0))
        cost = energy.energy_cost_per_th(**{k: given[k] for k in self.cost_args if k in given})
        cost = cost + other_opex
        what = "margin_per_th"
        return _on_grid(revenue, dims, shape, what), _on_grid(cost, dims, shape, what)

    def values(
        self, arrays: Mapping[str, xr.DataArray], dims: Sequence[str], shape: Sequence[int]
    ) -> dict[str, np.ndarray]:
        grid = [1, *shape]  # at least 2-D for the kernel
        factors = [f.reshape(1, *f.shape) for f in self.factors(arrays, dims, shape)]
        (a, a_rows), (b, b_rows) = (_factor(f, len(grid) - 1) for f in factors)
        out = np.empty(shape)
        _write_difference(
            a, a_rows, b, b_rows, np.array(grid, dtype=np.int64),
            out.reshape(-1, grid[-1]), _blocks(),
        )  # fmt: skip
        return {self.names[0]: out}


# --------------------------------------------------------------------------
# Reductions
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Reduction:
    dim: str
    how: str
    threshold: float = 0.0
    q: Any = None
    name: str | None = None


def _parse_reduce(reduce: Any, dims: Sequence[str]) -> list[_Reduction] | Callable[..., Any]:
    if reduce is None or callable(reduce):
        return reduce
    specs = [reduce] if isinstance(reduce, Mapping) else reduce
    if not isinstance(specs, Sequence) or isinstance(specs, str) or not specs:
        raise ValueError(
            f"reduce must be a dict, a non-empty list of dicts or a callable, got {reduce!r}"
        )
    out = []
    for spec in specs:
        if not isinstance(spec, Mapping):
            raise ValueError(f"reduce: each spec must be a dict, got {spec!r}")
        unknown = set(spec) - {"dim", "how", "threshold", "q", "name"}
        if unknown:
            raise ValueError(
                f"reduce: unknown keys {sorted(unknown)}; use dim, how, threshold, q, name"
            )
        # Names are compared as strings: an array would make "in" ambiguous.
        if not isinstance(spec.get("dim"), str) or spec["dim"] not in dims:
            raise ValueError(
                f"reduce: dim must be one of the swept dims {list(dims)}, got {spec.get('dim')!r}"
            )
        if not isinstance(spec.get("how"), str) or spec["how"] not in _HOWS:
            raise ValueError(f"reduce: how must be one of {list(_HOWS)}, got {spec.get('how')!r}")
        if not isinstance(spec.get("name"), str | None):
            raise ValueError(f"reduce: name must be a string, got {spec['name']!r}")
        q = spec.get("q")
        if spec["how"] == "quantile":
            try:
                qs = np.asarray(q, dtype=float) if q is not None else np.array(np.nan)
            except (TypeError, ValueError):
                qs = np.array(np.nan)
            if q is None or qs.ndim > 1 or np.isnan(qs).any() or ((qs < 0) | (qs > 1)).any():
                raise ValueError(
                    f"reduce: quantile needs q in [0, 1] (a number or a list), got q={q!r}"
                )
        elif q is not None:
            raise ValueError("reduce: q applies only to how='quantile'")
        threshold = spec.get("threshold", 0.0)
        if (
            isinstance(threshold, bool | np.bool_)
            or not isinstance(threshold, numbers.Real)
            or math.isnan(threshold)
        ):
            raise ValueError(f"reduce: threshold must be a number, got {threshold!r}")
        out.append(_Reduction(spec["dim"], spec["how"], float(threshold), q, spec.get("name")))
    return out


class _State:
    """Running summary of one output under one reduction, over the kept cells."""

    def __init__(self, spec: _Reduction, dims: Sequence[str], shape: Sequence[int]):
        self.spec = spec
        self.axis = list(dims).index(spec.dim)
        self.kept = [n for d, n in zip(dims, shape, strict=True) if d != spec.dim]
        if spec.how == "quantile":
            self.q = np.asarray(spec.q, dtype=float)
            self.result = np.empty(self.q.shape + tuple(self.kept))
            return
        self.code = _CODE[spec.how]
        init = {"min": np.inf, "max": -np.inf, "argmin": np.inf, "argmax": -np.inf}
        # Only the state the fold uses is allocated; the rest stays empty.
        used = {
            _SUM: ("acc",), _MIN: ("acc",), _MAX: ("acc",), _BELOW: ("cnt",),
            _ARGMIN: ("acc", "pos"), _ARGMAX: ("acc", "pos"),
        }[self.code]  # fmt: skip
        empty = tuple(0 for _ in self.kept)
        acc_shape, cnt_shape, pos_shape = (
            self.kept if name in used else empty for name in ("acc", "cnt", "pos")
        )
        self.acc = np.full(acc_shape, init.get(spec.how, 0.0))
        self.cnt = np.zeros(cnt_shape, dtype=np.int64)
        self.pos = np.full(pos_shape, -1, dtype=np.int64)

    def nbytes(self) -> int:
        if self.spec.how == "quantile":
            return self.result.nbytes
        return self.acc.nbytes + self.cnt.nbytes + self.pos.nbytes

    def fold(
        self,
        a: np.ndarray,
        b: np.ndarray,
        shape: Sequence[int],
        part: tuple[slice, ...],
        offset: int,
    ) -> None:
        """Fold the chunk ``a - b`` (factors with size-1 dims) into the state slice ``part``."""
        a, a_st = _factor(a, self.axis)
        b, b_st = _factor(b, self.axis)
        cells = math.prod(s.stop - s.start for s in part)
        # Copies in C order that keep their shape: np.ascontiguousarray would turn
        # the 0-d state of a grid reduced over its only axis into shape (1,).
        states = [
            np.array(state[part], order="C", copy=True) if state.size else state
            for state in (self.acc, self.cnt, self.pos)
        ]
        acc, cnt, pos = (x.reshape(-1) for x in states)
        _fold(
            a, a_st, b, b_st, np.array(shape, dtype=np.int64), self.axis, self.code,
            self.spec.threshold, offset, cells, acc, cnt, pos, _blocks(),
        )  # fmt: skip
        for whole, chunk in zip((self.acc, self.cnt, self.pos), states, strict=True):
            if whole.size:
                whole[part] = chunk

    def arrays(self) -> tuple[np.ndarray, ...]:
        """The running state (what a task sends back for its cells)."""
        if self.spec.how == "quantile":
            return (self.result,)
        return (self.acc, self.cnt, self.pos)

    def write(self, arrays: tuple[np.ndarray, ...], part: tuple[slice, ...]) -> None:
        """Put the state of a sub-grid (from :meth:`arrays`) in place at kept cells ``part``."""
        if self.spec.how == "quantile":
            index: tuple[EllipsisType | slice, ...] = (Ellipsis, *part)
            self.result[index] = arrays[0]
            return
        for whole, piece in zip((self.acc, self.cnt, self.pos), arrays, strict=True):
            if whole.size:
                whole[part] = piece

    def quantile(self, values: np.ndarray, part: tuple[slice, ...]) -> None:
        index: tuple[EllipsisType | slice, ...] = (Ellipsis, *part)
        self.result[index] = np.quantile(values, self.q, axis=self.axis)

    def finish(self, n: int, coord: Any) -> tuple[np.ndarray, dict[str, Any]]:
        how = self.spec.how
        if how == "quantile":
            return self.result, {"q": self.spec.q}
        if how == "mean":
            return self.acc / n, {}
        if how == "prob_below":
            return self.cnt / n, {"threshold": self.spec.threshold}
        if how in ("argmin", "argmax"):
            labels = np.asarray(coord)
            found = self.pos >= 0
            if labels.dtype.kind in "fiu":
                out = np.where(found, labels.astype(float)[np.maximum(self.pos, 0)], np.nan)
            else:
                none = np.array(None, dtype=object)  # what np.where makes of None
                out = np.where(found, labels.astype(object)[np.maximum(self.pos, 0)], none)
            return out, {}
        return self.acc, {}


# --------------------------------------------------------------------------
# Chunks
# --------------------------------------------------------------------------


def _chunk_shape(
    dims: Sequence[str],
    shape: Sequence[int],
    cells: int,
    fixed_dims: set[str],
    later_dims: Iterable[str] = (),
) -> list[int]:
    """Chunk sizes: split the largest axes (not in ``fixed_dims``) until ``cells`` fit.

    Among axes of equal length, those in ``later_dims`` (the reduced ones: folds
    then run over longer rows) are split last.
    """
    chunk = list(shape)
    later = set(later_dims)
    order = sorted(
        (i for i, d in enumerate(dims) if d not in fixed_dims),
        key=lambda i: (-shape[i], dims[i] in later),
    )
    for i in order:
        total = math.prod(chunk)
        if total <= cells:
            break
        rest = total // chunk[i]
        chunk[i] = max(1, cells // max(rest, 1))
    if math.prod(chunk) > cells and math.prod(chunk) > 1:
        raise ValueError(
            f"the sweep cannot be chunked to fit memory_budget_mb: a chunk needs "
            f"{math.prod(chunk):,} cells but the budget allows {cells:,}, and the axes "
            f"{sorted(fixed_dims)} cannot be split (quantile or callable reductions run over "
            "whole axes); raise memory_budget_mb or reduce over fewer axes"
        )
    return chunk


def _chunks(shape: Sequence[int], chunk: Sequence[int]) -> list[tuple[slice, ...]]:
    """Slices of every chunk, in C order (the reduced axes' chunks in increasing order)."""
    ranges = [
        [slice(start, min(start + size, n)) for start in range(0, n, size)]
        for n, size in zip(shape, chunk, strict=True)
    ]
    return list(itertools.product(*ranges))


def _split_for_tasks(
    dims: Sequence[str], shape: Sequence[int], chunk: Sequence[int], keep: set[str], tasks: int
) -> list[int]:
    """``chunk`` halved along its longest axes not in ``keep`` until ``tasks`` chunks of them.

    The chunks along ``keep`` (the reduced axes) stay as they are; results do
    not depend on the chunks, so this only spreads the work over more tasks.
    """
    chunk = list(chunk)
    free = [i for i, d in enumerate(dims) if d not in keep]

    def count() -> int:
        return math.prod(-(-shape[i] // chunk[i]) for i in free)

    while count() < tasks:
        longest = max(free, key=lambda i: chunk[i], default=None)
        if longest is None or chunk[longest] <= 1:
            break
        chunk[longest] = -(-chunk[longest] // 2)
    return chunk


def _progress_bar(total: int, cells: int, progress: bool | None) -> Any:
    show = (total > 1 and cells > _SHOW_PROGRESS_CELLS) if progress is None else bool(progress)
    if show:
        from tqdm.auto import tqdm
    else:  # the plain class: tqdm.auto warns in notebooks without ipywidgets
        from tqdm import tqdm
    return tqdm(total=total, unit="chunk", desc="minerecon sweep", disable=not show, leave=False)


# --------------------------------------------------------------------------
# sweep
# --------------------------------------------------------------------------


def sweep(
    func: Callable[..., object] | str,
    *,
    memory_budget_mb: float = 512,
    reduce: ReduceSpec
    | Sequence[ReduceSpec]
    | Callable[[xr.Dataset], xr.Dataset | xr.DataArray]
    | None = None,
    zip: ZipSpec | None = None,
    progress: bool | None = None,
    client: Client | None = None,
    network: NetworkState | None = None,
    **axes: object,
) -> xr.Dataset:
    """Evaluate a core function over a labelled grid of its arguments.

    Parameters
    ----------
    func : callable or str
        A core function such as :func:`~minerecon.economics.margin_per_th`
        (or its name in :mod:`minerecon.economics`). It may return one
        array or a dict of arrays (several outputs); it must broadcast
        DataArrays, as every core function does.
    memory_budget_mb : float, default 512
        Memory the sweep may hold [MB], > 0 (``inf``: no limit): the result
        plus the working arrays of one chunk. A grid of ``cells x 8 bytes x
        outputs`` above it is evaluated in chunks along its largest axes;
        without ``reduce`` the result itself must fit (else ``ValueError``).
    reduce : dict, list of dict or callable, optional
        Summaries computed chunk by chunk so that the grid is never held.
        A spec is ``{"dim": axis, "how": how}`` with ``how`` one of
        ``"mean"``, ``"sum"``, ``"min"``, ``"max"``, ``"prob_below"`` (share of
        cells below ``"threshold"``, default 0), ``"argmin"``, ``"argmax"``
        (the coordinate label of the extreme; NaN cells never chosen) and
        ``"quantile"`` (``"q"``: a number or a list, linear interpolation;
        the axis is then never split into chunks). ``"name"`` overrides the
        output name ``f"{output}_{how}"``. A callable gets the Dataset of
        each chunk and must keep the chunked dimensions; its results are
        concatenated.
    zip : list of tuple of str or dict, optional
        Axes that vary together along one shared dimension instead of being
        crossed: ``[("btc_price", "difficulty")]`` makes one dimension
        ``"btc_price_difficulty"`` (``{"case": ("btc_price", "difficulty")}``
        names it ``"case"``), with both arguments as coordinates on it.
    progress : bool, optional
        Progress bar over chunks (also in Jupyter); by default shown for
        grids of more than 10**8 cells that take more than one chunk.
    client : distributed.Client, optional
        Evaluate the chunks on a Dask cluster (``pip install minerecon[dask]``):
        one task per chunk of the axes that are not reduced, each folding its
        cells over the reduced axes in order, so the result is identical to
        the local run. ``func`` must be importable or picklable on the
        workers. See :doc:`/user_guide/scale_out`.
    network : NetworkState, optional
        Fixed values of the arguments in
        ``economics.NETWORK_INPUTS`` (``btc_price``,
        ``difficulty``, ``fees_per_block``, ``subsidy``) that ``func`` takes
        and ``axes`` leaves out; an axis or value given wins.
    **axes
        Arguments of ``func``: a 1-D sequence is an axis (a dimension of the
        result, in the order given), a scalar is held fixed. ``miner`` takes
        catalogue names (or :class:`~minerecon.hardware.Miner` objects), sets
        ``efficiency`` and labels the axis by name. A dask array is computed
        (on the client's side) and used as a sequence.

    Returns
    -------
    xarray.Dataset
        One variable per output (or per output and reduction), named after
        the function (or the dict keys), with ``units`` in the attributes
        of variables and coordinates.

    Raises
    ------
    ValueError
        For an argument ``func`` does not take, an empty axis, a bad
        ``reduce`` or ``zip``, or a grid that cannot fit the budget.

    Notes
    -----
    Reductions fold each chunk into running per-cell state in the order of
    the reduced axis (sums cell after cell, counts, running extremes with
    their positions), so a chunked sweep equals an unchunked one bit for
    bit. NaN propagates through ``sum``, ``mean``, ``min`` and ``max`` and
    never counts as below a threshold.

    :func:`~minerecon.economics.margin_per_th` runs through a compiled kernel
    (revenue and cost factors on their own sub-grids, then ``revenue -
    cost`` written or folded cell by cell, in parallel); results are
    identical to the broadcast call.

    Examples
    --------
    >>> from minerecon import economics
    >>> ds = sweep(economics.margin_per_th, btc_price=np.linspace(20e3, 120e3, 101),
    ...            power_price=[0.03, 0.05, 0.08], difficulty=150e12, efficiency=16.0,
    ...            reduce={"dim": "btc_price", "how": "prob_below", "threshold": 0.0})
    >>> ds.margin_per_th_prob_below.round(2).values.tolist()
    [0.08, 0.26, 0.53]
    """
    func = _resolve(func)
    check_budget = _budget(memory_budget_mb)
    _check_progress(progress)
    if client is not None:
        _dask.check_client(client)
    what = getattr(func, "__name__", repr(func))
    names, open_ = _parameters(func)
    names.discard("network")  # the state is read here, never passed on
    axes = _network_inputs(network, axes, names, what)

    def known(name: str) -> bool:
        target = "efficiency" if name == "miner" else name
        return open_ or target in names

    grid_axes, fixed = _build_axes(axes, zip, known, what)
    dims = [axis.dim for axis in grid_axes]
    shape = [axis.size for axis in grid_axes]
    if len(set(dims)) != len(dims):
        raise ValueError(f"two axes share a dimension name: {dims}")
    if func is economics.margin_per_th:
        evaluator: Any = _Difference(fixed, "margin_per_th")
    else:
        evaluator = _Broadcast(func, fixed, [what])
    specs = _parse_reduce(reduce, dims)
    return _run(evaluator, grid_axes, dims, shape, specs, check_budget, progress, func, client)


def _network_inputs(
    network: Any, axes: dict[str, Any], names: set[str], what: str
) -> dict[str, Any]:
    """``axes`` with the network inputs ``func`` takes and lacks filled from ``network``."""
    if network is None:
        return axes
    if not isinstance(network, NetworkState):
        raise ValueError(f"network must be a NetworkState, got {type(network).__name__}")
    taken = [name for name in economics.NETWORK_INPUTS if name in names]
    if not taken:
        raise ValueError(
            f"network: {what} takes none of {', '.join(economics.NETWORK_INPUTS)}, "
            "so a network state has nothing to set"
        )
    return {name: getattr(network, name) for name in taken if name not in axes} | axes


def _resolve(func: Any) -> Callable[..., Any]:
    if isinstance(func, str):
        found = getattr(economics, func, None)
        if not callable(found) or func.startswith("_"):
            raise ValueError(f"func {func!r} is not a function of minerecon.economics")
        return found
    if not callable(func):
        raise ValueError(f"func must be a callable or a function name, got {func!r}")
    return func


#: Bytes a budget stands for at most: "no limit" (``inf``) in integer arithmetic.
_NO_LIMIT = 2**62


def _budget(memory_budget_mb: float) -> int:
    if (
        isinstance(memory_budget_mb, bool | np.bool_)
        or not isinstance(memory_budget_mb, numbers.Real)
        or not memory_budget_mb > 0
    ):
        raise ValueError(f"memory_budget_mb must be a number > 0 [MB], got {memory_budget_mb!r}")
    # A huge budget (or inf) is no limit; float(10**400) itself would overflow.
    megabytes = min(memory_budget_mb, _NO_LIMIT // 2**20)
    return int(float(megabytes) * 2**20)


def _check_progress(progress: Any) -> None:
    if progress is not None and not isinstance(progress, bool | np.bool_):
        raise ValueError(f"progress must be True, False or None, got {progress!r}")


def _coords(grid_axes: Sequence[_Axis]) -> dict[str, Any]:
    coords = {}
    for axis in grid_axes:
        for name, (values, attrs) in axis.coords.items():
            coords[name] = xr.Variable(axis.dim, values, attrs)
    return coords


def _units(func: Any, name: str) -> dict[str, str]:
    declared = getattr(func, "units", None)
    if isinstance(declared, str):
        return {"units": declared}
    if isinstance(declared, Mapping) and name in declared:
        return {"units": declared[name]}
    return {"units": OUTPUT_UNITS[name]} if name in OUTPUT_UNITS else {}


def _run(
    evaluator: Any,
    grid_axes: Sequence[_Axis],
    dims: list[str],
    shape: list[int],
    specs: Any,
    budget: int,
    progress: bool | None,
    func: Any,
    client: Any = None,
) -> xr.Dataset:
    cells = math.prod(shape)
    # The names of the outputs come from a one-cell call (cheap, and it
    # validates the fixed arguments before any big allocation).
    one = {axis.dim: slice(0, 1) for axis in grid_axes}
    probe = evaluator.values(_arrays(grid_axes, one), dims, [1] * len(dims))
    outputs = list(probe)
    coords = _coords(grid_axes)

    if callable(specs):
        return _run_callable(
            evaluator, grid_axes, dims, shape, specs, budget, progress, coords, client
        )

    if specs is None:
        result_bytes = cells * 8 * len(outputs)
        if result_bytes > budget:
            raise ValueError(
                f"the result needs {result_bytes / 2**20:,.0f} MB ({cells:,} cells x "
                f"{len(outputs)} output(s) x 8 bytes), above memory_budget_mb="
                f"{budget / 2**20:g}; pass reduce= to summarise as you go, or raise the budget"
            )
        per_cell = 0 if evaluator.fused else _WORK_BYTES * len(outputs)
        work = max(budget - result_bytes, budget // 4)
        chunk = shape if per_cell == 0 else _chunk_shape(dims, shape, work // per_cell, set())
        if client is not None:
            chunk = _split_for_tasks(dims, shape, chunk, set(), _dask.tasks_wanted(client))
        parts = _chunks(shape, chunk)
        results: dict[str, np.ndarray] = {}
        bar = _progress_bar(len(parts), cells, progress)
        if client is not None:
            shared = _dask.share(client, (evaluator, grid_axes))
            futures = {
                client.submit(_values_task, shared, dims, part, pure=False): part for part in parts
            }
            done: Iterable[tuple[Any, Any]] = _dask.completed(futures)
        else:
            done = ((part, None) for part in parts)
        for part, values in done:
            if values is None:
                sub = [s.stop - s.start for s in part]
                where = dict(zip(dims, part, strict=True))
                values = evaluator.values(_arrays(grid_axes, where), dims, sub)
            for name, array in values.items():
                if len(parts) == 1:
                    results[name] = array
                else:
                    results.setdefault(name, np.empty(shape))[part] = array
            bar.update(1)
        bar.close()
        variables = {name: (dims, results[name], _units(func, name)) for name in outputs}
        return xr.Dataset(variables, coords=coords)

    states = {
        (out, i): _State(spec, dims, shape) for out in outputs for i, spec in enumerate(specs)
    }
    state_bytes = sum(state.nbytes() for state in states.values())
    if state_bytes > budget:
        raise ValueError(
            f"the reduced result needs {state_bytes / 2**20:,.0f} MB, above memory_budget_mb="
            f"{budget / 2**20:g}; raise the budget or reduce over a larger axis"
        )
    whole = {spec.dim for spec in specs if spec.how == "quantile"}
    work = max(budget - state_bytes, budget // 4)
    if evaluator.fused and not whole:
        limit = _FOLD_CHUNK_CELLS
    else:
        # Fused quantiles materialise the chunk (and np.quantile copies it).
        per_cell = (3 * 8 if evaluator.fused else _WORK_BYTES) * len(outputs)
        limit = work // per_cell
    reduced = {spec.dim for spec in specs}
    chunk = _chunk_shape(dims, shape, max(1, min(limit, cells)), whole, reduced)
    if client is None:
        parts = _chunks(shape, chunk)
        bar = _progress_bar(len(parts), cells, progress)
        _fold_parts(evaluator, grid_axes, dims, parts, states, outputs, bool(whole), bar)
        bar.close()
    else:
        # One task per chunk of the kept axes, holding the reduced axes whole:
        # it folds its chunks along them in order, as the local run does.
        chunk = _split_for_tasks(dims, shape, chunk, reduced, _dask.tasks_wanted(client))
        group_chunk = [
            n if d in reduced else c for d, n, c in zip(dims, shape, chunk, strict=True)
        ]
        groups = _chunks(shape, group_chunk)
        per_group = len(_chunks(shape, chunk)) // len(groups)
        bar = _progress_bar(len(groups) * per_group, cells, progress)
        shared = _dask.share(client, (evaluator, grid_axes))
        futures = {
            client.submit(
                _fold_task, shared, dims, specs, outputs, chunk, group, bool(whole), pure=False
            ): group
            for group in groups
        }
        for group, pieces in _dask.completed(futures):
            for key, state in states.items():
                state.write(pieces[key], tuple(s for d, s in enumerate(group) if d != state.axis))
            bar.update(per_group)
        bar.close()

    data: dict[str, Any] = {}
    for (out, _), state in states.items():
        spec = state.spec
        kept_dims = [d for d in dims if d != spec.dim]
        coord = coords[spec.dim].values if spec.dim in coords else np.arange(shape[state.axis])
        values_, attrs = state.finish(shape[state.axis], coord)
        if spec.how == "prob_below":
            units = {"units": "-"}
        elif spec.how in ("argmin", "argmax"):
            units = dict(coords[spec.dim].attrs) if spec.dim in coords else {}
        else:
            units = _units(func, out)
        var_dims = kept_dims
        if spec.how == "quantile" and np.ndim(spec.q):
            var_dims = ["quantile", *kept_dims]
        name = spec.name or f"{out}_{spec.how}"
        if len(outputs) > 1 and spec.name:
            name = f"{out}_{spec.name}"
        if name in data:
            raise ValueError(
                f"reduce: two specs give the output {name!r}; set 'name' in one of them"
            )
        data[name] = xr.Variable(
            var_dims, values_, units | attrs | {"reduced_over": spec.dim, "how": spec.how}
        )
    keep = {
        name: value
        for name, value in coords.items()
        if set(value.dims) <= {d for v in data.values() for d in v.dims}
    }
    dataset = xr.Dataset(data, coords=keep)
    if any(s.how == "quantile" and np.ndim(s.q) for s in specs):
        q = next(np.asarray(s.q, float) for s in specs if s.how == "quantile" and np.ndim(s.q))
        dataset = dataset.assign_coords(quantile=q)
    return dataset


def _fold_parts(
    evaluator: Any,
    grid_axes: Sequence[_Axis],
    dims: list[str],
    parts: Sequence[tuple[slice, ...]],
    states: Mapping[tuple[str, int], _State],
    outputs: Sequence[str],
    whole: bool,
    bar: Any = None,
) -> None:
    """Fold the chunks ``parts`` (in order) into ``states``."""
    zero = np.zeros((1,) * len(dims))
    for part in parts:
        sub = [s.stop - s.start for s in part]
        arrays = _arrays(grid_axes, dict(zip(dims, part, strict=True)))
        factors: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
        values: dict[str, np.ndarray] | None = None
        if evaluator.fused:
            factors = {outputs[0]: evaluator.factors(arrays, dims, sub)}
        if not evaluator.fused or whole:
            values = evaluator.values(arrays, dims, sub)
        for (out, _), state in states.items():
            axis = state.axis
            kept = tuple(s for d, s in enumerate(part) if d != axis)
            if state.spec.how == "quantile":
                assert values is not None  # computed whenever a quantile is asked for
                state.quantile(values[out], kept)
            elif factors is not None:
                state.fold(*factors[out], sub, kept, part[axis].start)
            else:
                assert values is not None  # computed for every evaluator that is not fused
                state.fold(values[out], zero, sub, kept, part[axis].start)
        if bar is not None:
            bar.update(1)


# Tasks run on Dask workers: plain functions of picklable arguments.


def _sub_axes(grid_axes: Sequence[_Axis], part: Sequence[slice]) -> list[_Axis]:
    """The axes cut to one chunk (values only: coordinates stay with the caller)."""
    return [
        _Axis(axis.dim, s.stop - s.start, {k: v[s] for k, v in axis.values.items()}, {})
        for axis, s in zip(grid_axes, part, strict=True)
    ]


def _values_task(
    shared: tuple[Any, Sequence[_Axis]], dims: list[str], part: tuple[slice, ...]
) -> dict[str, np.ndarray]:
    """One chunk of an unreduced sweep: its values per output."""
    evaluator, grid_axes = shared
    sub = [s.stop - s.start for s in part]
    return evaluator.values(_arrays(grid_axes, dict(zip(dims, part, strict=True))), dims, sub)


def _fold_task(
    shared: tuple[Any, Sequence[_Axis]],
    dims: list[str],
    specs: Sequence[_Reduction],
    outputs: Sequence[str],
    chunk: Sequence[int],
    group: tuple[slice, ...],
    whole: bool,
) -> dict[tuple[str, int], tuple[np.ndarray, ...]]:
    """The reduced state of the cells of ``group`` (reduced axes whole), folded in order."""
    evaluator, grid_axes = shared
    axes = _sub_axes(grid_axes, group)
    shape = [axis.size for axis in axes]
    states = {
        (out, i): _State(spec, dims, shape) for out in outputs for i, spec in enumerate(specs)
    }
    parts = _chunks(shape, [min(c, n) for c, n in zip(chunk, shape, strict=True)])
    _fold_parts(evaluator, axes, dims, parts, states, outputs, whole)
    return {key: state.arrays() for key, state in states.items()}


def _callable_task(
    shared: tuple[Any, Sequence[_Axis], Mapping[str, Any], Callable[..., Any]],
    dims: list[str],
    part: tuple[slice, ...],
) -> xr.Dataset:
    """One chunk of a sweep reduced by a callable: the callable's result."""
    evaluator, grid_axes, coords, func = shared
    return _callable_part(evaluator, grid_axes, dims, part, func, coords)


def _callable_part(
    evaluator: Any,
    grid_axes: Sequence[_Axis],
    dims: list[str],
    part: tuple[slice, ...],
    func: Callable[..., Any],
    coords: Mapping[str, Any],
) -> xr.Dataset:
    sub = [s.stop - s.start for s in part]
    where = dict(zip(dims, part, strict=True))
    values = evaluator.values(_arrays(grid_axes, where), dims, sub)
    chunk_coords = {name: value[where[value.dims[0]]] for name, value in coords.items()}
    ds = xr.Dataset({k: (dims, v) for k, v in values.items()}, coords=chunk_coords)
    out = func(ds)
    if isinstance(out, xr.DataArray):
        out = out.to_dataset(name=out.name or "result")
    return out


def _run_callable(
    evaluator: Any,
    grid_axes: Sequence[_Axis],
    dims: list[str],
    shape: list[int],
    func: Callable[..., Any],
    budget: int,
    progress: bool | None,
    coords: Mapping[str, Any],
    client: Any = None,
) -> xr.Dataset:
    outputs = len(evaluator.names)
    chunk = _chunk_shape(dims, shape, max(1, budget // (_WORK_BYTES * outputs)), set())
    parts = _chunks(shape, chunk)
    split = [d for d, c, n in zip(dims, chunk, shape, strict=True) if c < n]
    bar = _progress_bar(len(parts), math.prod(shape), progress)
    # The callable may reduce over any axis not split for memory: a cluster
    # runs the same chunks as the local run, one task each.
    if client is not None:
        shared = _dask.share(client, (evaluator, grid_axes, coords, func))
        futures = {
            client.submit(_callable_task, shared, dims, part, pure=False): index
            for index, part in enumerate(parts)
        }
        found = dict(_dask.completed(futures))
        results: Iterable[xr.Dataset] = (found[i] for i in range(len(parts)))
    else:
        results = (
            _callable_part(evaluator, grid_axes, dims, part, func, coords) for part in parts
        )
    pieces = []
    for out in results:
        lost = [d for d in split if all(d not in v.dims for v in out.data_vars.values())]
        if lost:
            raise ValueError(
                f"reduce: the callable reduced over {lost}, which the sweep splits into chunks "
                "to fit memory_budget_mb; use a reduce spec (dict), or raise the budget"
            )
        pieces.append(out)
        bar.update(1)
    bar.close()
    if len(pieces) == 1:
        return pieces[0]
    counts = [len(_chunks([n], [c])) for n, c in zip(shape, chunk, strict=True)]
    nested: Any = pieces
    for count in reversed([c for c, d in zip(counts, dims, strict=True) if d in split][1:]):
        nested = [nested[i : i + count] for i in range(0, len(nested), count)]
    return xr.combine_nested(nested, concat_dim=split, combine_attrs="override")


# --------------------------------------------------------------------------
# Break-even helpers
# --------------------------------------------------------------------------


def _market_defaults(
    fixed: Mapping[str, Any], names: Iterable[str], network: Any
) -> dict[str, Any]:
    """Price, difficulty, fees and subsidy of ``network`` (the latest state), unless given."""
    if network is not None and not isinstance(network, NetworkState):
        raise ValueError(f"network must be a NetworkState, got {type(network).__name__}")
    defaults = hardware._market(network, {})
    # The caller's arguments first, in their order: it is the order of the axes.
    return dict(fixed) | {k: v for k, v in defaults.items() if k in names and k not in fixed}


def _axis_pair(name: str, axis: Any) -> tuple[str, Any]:
    if isinstance(axis, Mapping) and len(axis) == 1:
        pair = next(iter(axis.items()))
    elif isinstance(axis, tuple) and len(axis) == 2:
        pair = axis
    else:
        pair = (None, None)
    if not isinstance(pair[0], str):
        raise ValueError(f"{name} must be a (name, values) pair or a one-entry dict, got {axis!r}")
    return pair


def breakeven_surface(
    *,
    x_axis: SurfaceAxis,
    y_axis: SurfaceAxis,
    network: NetworkState | None = None,
    **fixed: object,
) -> xr.DataArray:
    """Break-even BTC price over two axes, e.g. power price x efficiency (or x miner).

    Parameters
    ----------
    x_axis, y_axis : (str, sequence) or one-entry dict
        The two swept arguments of
        :func:`~minerecon.economics.breakeven_btc_price` (``miner`` allowed),
        e.g. ``("power_price", np.linspace(0.02, 0.10, 9))``.
    network : NetworkState, optional
        State that sets ``difficulty``, ``fees_per_block`` and ``subsidy``
        where ``fixed`` does not; :meth:`NetworkState.latest
        <minerecon.network.NetworkState.latest>` by default.
    **fixed
        Other arguments as scalars.

    Returns
    -------
    xarray.DataArray
        Break-even BTC price [USD/BTC] with dims ``(y, x)`` (so ``.plot()``
        puts ``x`` on the horizontal axis).

    Examples
    --------
    >>> surface = breakeven_surface(x_axis=("power_price", [0.04, 0.06]),
    ...                             y_axis=("miner", ["Antminer S21 XP", "Antminer S21"]),
    ...                             difficulty=152.27e12, fees_per_block=0.0)
    >>> surface.dims
    ('miner', 'power_price')
    >>> surface.round().values.tolist()
    [[31392.0, 47088.0], [40693.0, 61040.0]]
    """
    x_name, x_values = _axis_pair("x_axis", x_axis)
    y_name, y_values = _axis_pair("y_axis", y_axis)
    if x_name == y_name:
        raise ValueError(f"x_axis and y_axis must differ, both are {x_name!r}")
    names, _ = _parameters(economics.breakeven_btc_price)
    arguments = _market_defaults(fixed, names, network)
    arguments = {y_name: y_values, x_name: x_values} | {
        k: v for k, v in arguments.items() if k not in (x_name, y_name)
    }
    for axis, name, values in (("x_axis", x_name, x_values), ("y_axis", y_name, y_values)):
        if _is_scalar(values) or isinstance(values, hardware.Miner):
            raise ValueError(
                f"{axis}: {name} of a surface must be a sequence, got the scalar {values!r}"
            )
    result = sweep(economics.breakeven_btc_price, **arguments)["breakeven_btc_price"]
    return result.transpose(*[d for d in result.dims if d != x_name], x_name)


_BREAKEVENS = {
    "btc_price": economics.breakeven_btc_price,
    "power_price": economics.breakeven_power_price,
    "difficulty": economics.breakeven_difficulty,
}


def zero_margin_contour(
    solve_for: Literal["btc_price", "power_price", "difficulty"],
    *,
    network: NetworkState | None = None,
    **axes: object,
) -> xr.DataArray:
    """The zero-margin contour: the value of one input that makes margin zero.

    Parameters
    ----------
    solve_for : {"btc_price", "power_price", "difficulty"}
        The input solved for, exactly (margin is linear in BTC price and
        power price and falls as ``1 / difficulty``).
    network : NetworkState, optional
        State that sets ``btc_price``, ``difficulty``, ``fees_per_block``
        and ``subsidy`` where ``axes`` does not;
        :meth:`NetworkState.latest <minerecon.network.NetworkState.latest>`
        by default.
    **axes
        The other arguments of :func:`~minerecon.economics.margin_per_th`:
        sequences become axes (``miner`` allowed), scalars stay fixed.

    Returns
    -------
    xarray.DataArray
        The break-even ``solve_for`` over the swept axes, in its unit:
        margin is positive below a break-even power price or difficulty and
        above a break-even BTC price. Over one axis it is the contour line
        ``margin = 0`` of the corresponding two-axis margin map.

    Examples
    --------
    The power price at which an S21 XP and an S19j Pro break even, as BTC
    moves (difficulty 152.27 T, no fees):

    >>> line = zero_margin_contour(
    ...     "power_price",
    ...     btc_price=[60_000, 90_000],
    ...     miner=["Antminer S21 XP", "Antminer S19j Pro"],
    ...     difficulty=152.27e12,
    ...     fees_per_block=0.0,
    ... )
    >>> line.round(4).values.tolist()
    [[0.0765, 0.035], [0.1147, 0.0525]]
    """
    if not isinstance(solve_for, str) or solve_for not in _BREAKEVENS:
        raise ValueError(f"solve_for must be one of {sorted(_BREAKEVENS)}, got {solve_for!r}")
    if solve_for in axes:
        raise ValueError(f"{solve_for} is solved for; it cannot also be an axis or fixed")
    func = _BREAKEVENS[solve_for]
    names, _ = _parameters(func)
    arguments = _market_defaults(axes, names, network)
    return sweep(func, **arguments)[func.__name__]


def profitable_miners(
    *,
    btc_price: ArrayLike,
    power_price: ArrayLike,
    miners: str | hardware.Miner | Iterable[str | hardware.Miner] | None = None,
    network: NetworkState | None = None,
    **fixed: object,
) -> xr.Dataset:
    """Which catalogue machines have a margin >= 0 in each cell of a grid.

    Parameters
    ----------
    btc_price : float or sequence
        BTC price [USD/BTC]; a sequence is an axis.
    power_price : float or sequence
        Power price [USD/kWh]; a sequence is an axis.
    miners : sequence of str or Miner, optional
        Machines to test (one name or Miner alone is a list of one); the
        whole catalogue by default.
    network : NetworkState, optional
        State that sets ``difficulty``, ``fees_per_block`` and ``subsidy``
        where ``fixed`` does not;
        :meth:`NetworkState.latest <minerecon.network.NetworkState.latest>`
        by default.
    **fixed
        Other arguments of :func:`~minerecon.economics.margin_per_th`
        (scalars or axes).

    Returns
    -------
    xarray.Dataset
        ``profitable`` (bool, with a ``miner`` dim), ``count`` (machines
        with margin >= 0 [-]) and ``margin_per_th`` [USD/TH/day].

    Examples
    --------
    >>> ds = profitable_miners(btc_price=[40_000.0, 90_000.0], power_price=0.06,
    ...                        miners=["Antminer S21 XP", "Antminer S19j Pro"],
    ...                        difficulty=150e12, fees_per_block=0.0)
    >>> ds["count"].values.tolist()   # S21 XP at 90,000 USD/BTC, neither at 40,000
    [0, 1]
    """
    names, _ = _parameters(economics.margin_per_th)
    if miners is None:
        miners = list(hardware.list_miners().index)
    elif isinstance(miners, str | hardware.Miner):
        miners = [miners]
    if isinstance(miners, bytes | Mapping) or not isinstance(miners, Iterable):
        raise ValueError(f"miners must be machine names or Miner objects, got {miners!r}")
    miners = [
        m if isinstance(m, hardware.Miner) else hardware._lookup("miners", m) for m in miners
    ]
    if not miners:
        raise ValueError("miners must name at least one machine, got none")
    arguments: dict[str, Any] = {
        "btc_price": btc_price,
        "power_price": power_price,
        "miner": miners,
    }
    arguments |= _market_defaults(fixed, names - {"btc_price"}, network)
    margin = sweep(economics.margin_per_th, **arguments)["margin_per_th"]
    profitable = (margin >= 0).assign_attrs(units="-")
    count = profitable.sum("miner").assign_attrs(units="-")
    return xr.Dataset({"profitable": profitable, "count": count, "margin_per_th": margin})


# --------------------------------------------------------------------------
# Monte Carlo sweeps
# --------------------------------------------------------------------------

_SCENARIO_MODELS = {"price": "_price_model", "hashrate": "_hashrate_model", "fees": "_fee_model"}


def _scenario_setter(scenario: Any, name: str) -> bool:
    fields = {f.name for f in dataclasses.fields(scenario)}
    if "." not in name:
        return name in fields and name not in ("fleet", "start")
    model, field = name.split(".", 1)
    if model not in _SCENARIO_MODELS:
        return False
    target = getattr(scenario, _SCENARIO_MODELS[model])()
    return dataclasses.is_dataclass(target) and field in {
        f.name for f in dataclasses.fields(target)
    }


def _with(scenario: Any, settings: Mapping[str, Any]) -> Any:
    changes: dict[str, Any] = {}
    models: dict[str, dict[str, Any]] = {}
    for name, value in settings.items():
        value = value.item() if isinstance(value, np.generic) else value
        if "." in name:
            model, field = name.split(".", 1)
            models.setdefault(model, {})[field] = value
        else:
            changes[name] = value
    for model, fields in models.items():
        base = getattr(scenario, _SCENARIO_MODELS[model])()
        changes[model] = dataclasses.replace(base, **fields)
    return scenario.replace(**changes)


def _statistic(name: str) -> tuple[Callable[[Any], float], str, str]:
    """(function of the summary Dataset, summary variable, units) for a statistic name."""
    from minerecon import projection, risk

    if name == "probability_of_loss":
        return lambda s: float(risk.probability_of_loss(s["npv"].values)), "npv", "-"
    stat, _, variable = name.partition("_")
    if variable not in projection.SUMMARY:
        raise ValueError(
            f"statistics: {name!r} must be probability_of_loss or <stat>_<variable> with stat "
            f"mean, median, std, min, max or pNN and variable one of {list(projection.SUMMARY)}"
        )
    units = projection.SUMMARY[variable]

    def values(summary: Any) -> np.ndarray:
        # A path without an IRR (nan) has no rate to count: statistics of the IRR
        # are over the paths that have one, as in sensitivity.scenario_function.
        data = summary[variable].values
        return data[~np.isnan(data)] if variable == "irr" else data

    def over(reduce: Callable[[np.ndarray], Any]) -> Callable[[Any], float]:
        return lambda s: float(reduce(values(s))) if values(s).size else float("nan")

    simple: dict[str, Callable[[np.ndarray], Any]] = {
        "mean": np.mean,
        "median": np.median,
        "min": np.min,
        "max": np.max,
    }
    if stat in simple:
        return over(simple[stat]), variable, units
    if stat == "std":
        return over(lambda v: np.std(v, ddof=1) if v.size > 1 else np.nan), variable, units
    if stat.startswith("p") and stat[1:].replace(".", "", 1).isdigit():
        q = float(stat[1:]) / 100
        if not 0 <= q <= 1:
            raise ValueError(f"statistics: percentile of {name!r} must be in [0, 100]")
        return over(lambda v: np.quantile(v, q)), variable, units
    raise ValueError(f"statistics: unknown statistic {stat!r} in {name!r}")


def _scenario_cell(
    base: Any,
    settings: Mapping[str, Any],
    n_paths: int,
    root: np.random.SeedSequence,
    stats: Mapping[str, Any] | Sequence[str],
) -> dict[str, float]:
    """Statistics of one cell of :func:`sweep_scenario` (locally or as a Dask task)."""
    from minerecon import projection

    if not isinstance(stats, Mapping):  # names, on a worker: the functions are lambdas
        stats = {name: _statistic(name) for name in stats}
    # Every path kept: the statistics (quantiles too) are over all of them.
    result = projection.simulate(
        _with(base, settings), n_paths, seed=root, progress=False, keep_paths=n_paths
    )
    return {name: function(result.summary) for name, (function, _, _) in stats.items()}


def sweep_scenario(
    scenario: MiningScenario,
    *,
    n_paths: int,
    seed: SeedLike,
    statistics: Sequence[str] = ("mean_npv", "p5_npv", "probability_of_loss"),
    zip: ZipSpec | None = None,
    progress: bool | None = None,
    client: Client | None = None,
    **axes: object,
) -> xr.Dataset:
    """Monte Carlo statistics of a scenario over a grid of its settings.

    Parameters
    ----------
    scenario : MiningScenario
        The base scenario.
    n_paths : int
        Paths per cell, >= 1.
    seed : int or SeedSequence
        Seed of every cell: all cells run on the same random numbers
        (common random numbers), so differences between cells are not noise.
        A Generator is drawn from once.
    statistics : sequence of str
        ``"probability_of_loss"`` (NPV < 0) or ``"<stat>_<variable>"`` with
        ``stat`` one of mean, median, std, min, max, pNN (percentile) and
        ``variable`` a per-path summary of :func:`~minerecon.projection.simulate`
        (npv, irr, payback_days, btc_mined, ...). Statistics of ``irr`` are
        over the paths that have one (nan where none does), as in
        :func:`minerecon.sensitivity.scenario_function`.
    zip : list of tuple of str, optional
        Axes varied together, as in :func:`sweep`.
    progress : bool, optional
        Progress bar over cells; by default shown for more than 10**8
        path-days in all.
    client : distributed.Client, optional
        Run the cells on a Dask cluster (``pip install minerecon[dask]``),
        one task per cell; the result is identical to the local run. See
        :doc:`/user_guide/scale_out`.
    **axes
        Scenario fields (``power_price``, ``discount_rate``, ``pue``, ...)
        or dotted fields of its models (``"price.drift"``,
        ``"price.volatility"``, ``"hashrate.cost_hashprice"``, passed as
        ``**{"price.drift": [...]}``); sequences are axes, scalars fixed.

    Returns
    -------
    xarray.Dataset
        One variable per statistic over the axes, with units.

    Notes
    -----
    Each cell is one :func:`~minerecon.projection.simulate` run (a compiled
    kernel), so the loop over cells costs little beside it.
    """
    from minerecon import _random, projection

    if not isinstance(scenario, projection.MiningScenario):
        raise ValueError(f"scenario must be a MiningScenario, got {type(scenario).__name__}")
    # check_count refuses timedelta64, which numpy makes an integer type.
    n_paths = check_count("n_paths", n_paths, low=1)
    root = _random.seed_sequence(seed)
    if isinstance(statistics, str | bytes) or not isinstance(statistics, Iterable):
        raise ValueError(f"statistics must be a list of statistic names, got {statistics!r}")
    statistics = list(statistics)
    if not all(isinstance(name, str) for name in statistics):
        raise ValueError(f"statistics must be names (strings), got {statistics!r}")
    stats = {name: _statistic(name) for name in statistics}
    if not stats:
        raise ValueError("statistics must name at least one statistic")
    _check_progress(progress)
    if client is not None:
        _dask.check_client(client)

    def known(name: str) -> bool:
        return _scenario_setter(scenario, name)

    grid_axes, fixed = _build_axes(axes, zip, known, "MiningScenario (fields or model.field)")
    base = _with(scenario, fixed) if fixed else scenario
    dims = [axis.dim for axis in grid_axes]
    shape = [axis.size for axis in grid_axes]
    out = {name: np.empty(shape) for name in stats}
    cells = math.prod(shape)
    show = cells * n_paths * scenario.days > _SHOW_PROGRESS_CELLS if progress is None else progress
    bar = _progress_bar(cells, cells, bool(show))
    settings = {
        index: {
            name: values[i]
            for axis, i in builtins.zip(grid_axes, index, strict=True)
            for name, values in axis.values.items()
        }
        for index in itertools.product(*(range(n) for n in shape))
    }
    if client is not None:
        shared = _dask.share(client, base)
        futures = {
            client.submit(
                _scenario_cell, shared, cell, n_paths, root, list(stats), pure=False
            ): index
            for index, cell in settings.items()
        }
        done: Iterable[tuple[Any, dict[str, float]]] = _dask.completed(futures)
    else:
        done = (
            (index, _scenario_cell(base, cell, n_paths, root, stats))
            for index, cell in settings.items()
        )
    try:
        for index, values in done:
            for name, value in values.items():
                out[name][index] = value
            bar.update(1)
    finally:  # a cell that fails (say, too many paths for memory) leaves no bar behind
        bar.close()
    data = {name: (dims, out[name], {"units": units}) for name, (_, _, units) in stats.items()}
    dataset = xr.Dataset(data, coords=_coords(grid_axes))
    dataset.attrs.update(n_paths=int(n_paths), seed_entropy=str(root.entropy))
    return dataset
