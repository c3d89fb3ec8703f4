"""Risk measures of simulated outcomes: P(loss), VaR, expected shortfall, bands.

The outcomes are values such as NPV per path [USD] from a Monte Carlo run:
larger is better, and a *loss* is the negative of a value, ``L = -X``.
Every measure is a statistic of the empirical distribution of the sample,
each outcome with weight ``1 / n``.

Reductions run over ``axis`` for numpy input (default ``None``: all values)
or over ``dim`` for an :class:`xarray.DataArray` (default ``"path"``; ``None``
for all dimensions), and return a float or an array / DataArray without
that axis. NaN outcomes are *rejected* with ``ValueError`` rather than
dropped: a NaN path is a failed simulation, and dropping it would bias the
tail. Empty input and a ``level`` outside (0, 1) are rejected too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import overload

import numpy as np
import pandas as pd
import xarray as xr

from minerecon import _contract
from minerecon.typing import ArrayLike, FloatArray

__all__ = [
    "cvar",
    "expected_shortfall",
    "payback_distribution",
    "percentile_bands",
    "probability_of_loss",
    "summarize",
    "value_at_risk",
]


# --------------------------------------------------------------------------
# Validation and reductions over an axis or a dimension
# --------------------------------------------------------------------------


def _check_values(name: str, values: np.ndarray, *, finite: bool) -> np.ndarray:
    if values.dtype == bool or not (
        np.issubdtype(values.dtype, np.number) and values.dtype.kind != "c"
    ):
        raise ValueError(f"{name} must be real numbers, got dtype {values.dtype}")
    values = values.astype(float, copy=False)
    if values.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {values.shape}")
    bad = np.isnan(values)
    if bad.any():
        raise ValueError(
            f"{name} must not be NaN (NaN outcomes are rejected, not dropped), got NaN"
            f"{_contract._where(values, bad)}"
        )
    if finite:
        bad = np.isinf(values)
        if bad.any():
            raise ValueError(
                f"{name} must be finite, got {values[bad].flat[0]}{_contract._where(values, bad)}"
            )
    return values


def _check_level(level: object) -> float:
    return _contract.check_scalar("level", level, low=0.0, high=1.0, low_open=True, high_open=True)


def _check_quantiles(name: str, quantiles: object, scale: float = 1.0) -> np.ndarray:
    if isinstance(quantiles, str | bytes):
        raise ValueError(f"{name} must be a non-empty sequence of numbers, got {quantiles!r}")
    q = np.atleast_1d(_contract._values(_contract.check(name, quantiles, low=0.0, high=scale)))
    if q.ndim != 1 or q.size == 0:
        raise ValueError(f"{name} must be a non-empty sequence of numbers, got {quantiles!r}")
    return q.astype(float)


def _reduce(
    core: Callable[[np.ndarray], np.ndarray],
    values: ArrayLike,
    *,
    axis: int | None,
    dim: str | None,
    finite: bool,
    name: str = "values",
) -> float | FloatArray | xr.DataArray:
    """Apply ``core``, which reduces the last axis, over ``axis`` or ``dim``."""
    if isinstance(values, xr.DataArray):
        if axis is not None:
            raise ValueError(f"axis is for arrays; {name} is a DataArray: use dim")
        dims = list(values.dims) if dim is None else [dim]
        if dim is not None and dim not in values.dims:
            raise ValueError(
                f"dim must be a dimension of {name}, got {dim!r}; {name} has dims "
                f"{list(values.dims)} (dim=None reduces over all of them)"
            )
        _check_values(name, values.values, finite=finite)
        stacked = values.stack(_outcome=dims) if len(dims) != 1 else values
        core_dim = "_outcome" if len(dims) != 1 else dims[0]
        out = xr.apply_ufunc(core, stacked, input_core_dims=[[core_dim]])
        return float(out) if out.ndim == 0 else out
    if isinstance(values, pd.DataFrame):
        raise ValueError(
            f"{name} is a DataFrame: pass a column, .to_numpy() with an axis, or a DataArray"
        )
    if dim not in (None, "path"):
        raise ValueError(f"dim is for DataArrays; {name} is a {type(values).__name__}: use axis")
    array = _check_values(name, np.asarray(values), finite=finite)
    if array.ndim == 0:
        array = array[None]
    if axis is None:
        array = array.reshape(-1)
    else:
        try:
            array = np.moveaxis(array, axis, -1)
        except np.exceptions.AxisError:
            raise ValueError(
                f"axis must be in [-{array.ndim}, {array.ndim - 1}] or None for {name} of "
                f"shape {array.shape}, got {axis}"
            ) from None
        if array.shape[-1] == 0:
            raise ValueError(f"{name} must not be empty along axis {axis}")
    out = np.asarray(core(array))
    return float(out) if out.ndim == 0 else out


def _quantile_sorted(ordered: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Linear-interpolation quantiles (numpy's default) along the last axis of sorted data.

    Equal to :func:`numpy.quantile` for finite data; where the interpolation
    reaches ``+inf`` it gives ``inf`` instead of numpy's ``nan``.
    Quantile axis first.
    """
    n = ordered.shape[-1]
    h = (n - 1) * q
    low = np.floor(h).astype(int)
    high = np.minimum(low + 1, n - 1)
    g = (h - low).reshape((-1,) + (1,) * (ordered.ndim - 1))
    a = np.moveaxis(np.take(ordered, low, axis=-1), -1, 0)
    b = np.moveaxis(np.take(ordered, high, axis=-1), -1, 0)
    with np.errstate(invalid="ignore"):
        out = np.where(g == 0, a, a + g * (b - a))
        out = np.where(np.isposinf(b) & (g > 0), np.inf, out)
        out = np.where(np.isposinf(a), np.inf, out)
    return out


def _label(q: float) -> str:
    return f"p{100 * q:g}"


# --------------------------------------------------------------------------
# Risk measures
# --------------------------------------------------------------------------


@overload
def probability_of_loss(
    values: xr.DataArray,
    threshold: float = ...,
    *,
    axis: int | None = ...,
    dim: str | None = ...,
) -> float | xr.DataArray: ...
@overload
def probability_of_loss(
    values: ArrayLike,
    threshold: float = ...,
    *,
    axis: int | None = ...,
    dim: str | None = ...,
) -> float | FloatArray: ...
def probability_of_loss(
    values: ArrayLike,
    threshold: float = 0.0,
    *,
    axis: int | None = None,
    dim: str | None = "path",
) -> float | FloatArray | xr.DataArray:
    """Share of outcomes below a threshold.

    Parameters
    ----------
    values : array-like or DataArray
        Outcomes, e.g. NPV per path [USD]. No NaN; ``±inf`` allowed.
    threshold : float, default 0
        Outcome below which a path counts as a loss [same unit as values].
    axis : int, optional
        Axis of the outcomes (numpy input); default all values.
    dim : str or None, default "path"
        Dimension of the outcomes (DataArray input); None for all.

    Returns
    -------
    Probability of loss [-], in [0, 1].

    Notes
    -----
    ``P(X < threshold) = #{i : x_i < threshold} / n``; an outcome exactly at
    the threshold is not a loss.

    Examples
    --------
    >>> probability_of_loss([-2.0, -1.0, 0.0, 1.0])
    0.5
    """
    threshold = _contract.check("threshold", threshold)
    return _reduce(
        lambda x: np.mean(x < threshold, axis=-1), values, axis=axis, dim=dim, finite=False
    )


def _var_core(values: np.ndarray, level: float) -> np.ndarray:
    losses = np.sort(-values, axis=-1)
    n = losses.shape[-1]
    # Smallest l with #{L <= l} / n >= level: the ceil(n * level)-th smallest loss.
    k = max(int(np.ceil(n * level * (1 - 1e-14))) - 1, 0)
    return losses[..., k]


@overload
def value_at_risk(
    values: xr.DataArray,
    level: float = ...,
    *,
    axis: int | None = ...,
    dim: str | None = ...,
) -> float | xr.DataArray: ...
@overload
def value_at_risk(
    values: ArrayLike,
    level: float = ...,
    *,
    axis: int | None = ...,
    dim: str | None = ...,
) -> float | FloatArray: ...
def value_at_risk(
    values: ArrayLike,
    level: float = 0.95,
    *,
    axis: int | None = None,
    dim: str | None = "path",
) -> float | FloatArray | xr.DataArray:
    """Value at risk: the loss not exceeded with probability ``level``.

    Parameters
    ----------
    values : array-like or DataArray
        Outcomes, e.g. NPV per path [USD]; larger is better. Finite.
    level : float, default 0.95
        Confidence level [-], in (0, 1).
    axis : int, optional
        Axis of the outcomes (numpy input); default all values.
    dim : str or None, default "path"
        Dimension of the outcomes (DataArray input); None for all.

    Returns
    -------
    VaR [same unit as values], a *loss*: positive when the outcome at the
    ``1 - level`` quantile is negative, negative when even that outcome is
    a gain.

    Notes
    -----
    With losses ``L = -X``, VaR is the lower ``level``-quantile of the
    empirical loss distribution,

    ``VaR_a = min{ l : #{i : L_i <= l} / n >= a } = L_(ceil(n a))``,

    the ``ceil(n a)``-th smallest loss (``numpy.quantile(-x, a,
    method="inverted_cdf")``). In terms of the outcomes, ``VaR_0.95`` is
    minus their 5 % quantile, taking the upper order statistic where the
    5 % point falls between two (for ``n = 1000``, minus the 51st smallest
    outcome), so that at most ``1 - a`` of the outcomes lie below
    ``-VaR``. No interpolation: the value is always one of the outcomes
    (negated).

    References
    ----------
    A. J. McNeil, R. Frey and P. Embrechts, *Quantitative Risk Management*,
    2nd ed. (2015), Definition 2.8.

    Examples
    --------
    >>> value_at_risk(np.arange(-10.0, 10.0), level=0.9)  # 18th smallest of 20 losses
    8.0
    """
    level = _check_level(level)
    return _reduce(lambda x: _var_core(x, level), values, axis=axis, dim=dim, finite=True)


def _es_core(values: np.ndarray, level: float) -> np.ndarray:
    losses = -np.sort(values, axis=-1)  # largest loss first
    n = losses.shape[-1]
    tail = n * (1.0 - level)
    whole = min(int(np.floor(tail)), n - 1)
    fraction = tail - whole
    total = losses[..., :whole].sum(axis=-1) + fraction * losses[..., whole]
    return total / tail


@overload
def expected_shortfall(
    values: xr.DataArray,
    level: float = ...,
    *,
    axis: int | None = ...,
    dim: str | None = ...,
) -> float | xr.DataArray: ...
@overload
def expected_shortfall(
    values: ArrayLike,
    level: float = ...,
    *,
    axis: int | None = ...,
    dim: str | None = ...,
) -> float | FloatArray: ...
def expected_shortfall(
    values: ArrayLike,
    level: float = 0.95,
    *,
    axis: int | None = None,
    dim: str | None = "path",
) -> float | FloatArray | xr.DataArray:
    """Expected shortfall (CVaR): the mean loss in the worst ``1 - level`` of outcomes.

    Parameters
    ----------
    values : array-like or DataArray
        Outcomes, e.g. NPV per path [USD]; larger is better. Finite.
    level : float, default 0.95
        Confidence level [-], in (0, 1).
    axis : int, optional
        Axis of the outcomes (numpy input); default all values.
    dim : str or None, default "path"
        Dimension of the outcomes (DataArray input); None for all.

    Returns
    -------
    Expected shortfall [same unit as values], a loss like
    :func:`value_at_risk`, and never below it.

    Notes
    -----
    The expected shortfall of the empirical distribution,
    ``ES_a = 1 / (1 - a) * integral_a^1 VaR_u du``. With losses sorted from
    the largest, ``L_(1) >= L_(2) >= ...``, ``k = n (1 - a)`` and
    ``j = floor(k)``:

    ``ES_a = (L_(1) + ... + L_(j) + (k - j) L_(j+1)) / k``,

    the mean of the worst ``k`` outcomes, counting the boundary outcome by
    its fraction when ``k`` is not whole. This estimator is coherent and
    continuous in ``a``.

    References
    ----------
    C. Acerbi and D. Tasche, "On the coherence of expected shortfall",
    Journal of Banking & Finance 26 (2002) 1487-1503, eq. (3.3).

    Examples
    --------
    >>> expected_shortfall(np.arange(-10.0, 10.0), level=0.9)  # mean of 10 and 9
    9.5
    """
    level = _check_level(level)
    return _reduce(lambda x: _es_core(x, level), values, axis=axis, dim=dim, finite=True)


cvar = expected_shortfall
"""Alias of :func:`expected_shortfall`."""


@overload
def percentile_bands(
    data: xr.DataArray,
    dim: str | None = ...,
    percentiles: Sequence[float] = ...,
    *,
    axis: int | None = ...,
) -> xr.DataArray: ...
@overload
def percentile_bands(
    data: ArrayLike,
    dim: str | None = ...,
    percentiles: Sequence[float] = ...,
    *,
    axis: int | None = ...,
) -> FloatArray: ...
def percentile_bands(
    data: ArrayLike,
    dim: str | None = "path",
    percentiles: Sequence[float] = (5, 25, 50, 75, 95),
    *,
    axis: int | None = None,
) -> xr.DataArray | FloatArray:
    """Percentiles across paths, for fan charts.

    Parameters
    ----------
    data : DataArray (or array-like)
        Values per path, e.g. cumulative cash flow over ``(path, time)``.
        No NaN; ``+inf`` (never paid back) allowed.
    dim : str, default "path"
        Dimension to take the percentiles over (DataArray input).
    percentiles : sequence of float, default (5, 25, 50, 75, 95)
        Percentiles [%], in [0, 100].
    axis : int, optional
        Axis to take them over for numpy input; default all values.

    Returns
    -------
    DataArray with a leading ``percentile`` dimension (coordinate: the
    percentiles) in place of ``dim``; for numpy input an array with the
    percentiles along a new first axis.

    Notes
    -----
    numpy's default linear interpolation between order statistics
    (:func:`numpy.percentile`), except that an interpolation reaching
    ``+inf`` gives ``inf`` (numpy gives ``nan``).

    Examples
    --------
    >>> import xarray as xr
    >>> paths = xr.DataArray(np.arange(1.0, 6.0), dims="path")
    >>> percentile_bands(paths, percentiles=(25, 50)).values
    array([2., 3.])
    """
    q = _check_quantiles("percentiles", percentiles, scale=100.0) / 100.0
    values = tuple(float(p) for p in np.atleast_1d(np.asarray(percentiles, dtype=float)))

    def core(x: np.ndarray) -> np.ndarray:  # percentiles along the last axis
        return np.moveaxis(_quantile_sorted(np.sort(x, axis=-1), q), 0, -1)

    if isinstance(data, xr.DataArray):
        if dim is None or dim not in data.dims:
            raise ValueError(
                f"dim must be a dimension of data, got {dim!r}; data has dims {list(data.dims)}"
            )
        _check_values("data", data.values, finite=False)
        bands = xr.apply_ufunc(
            core,
            data,
            input_core_dims=[[dim]],
            output_core_dims=[["percentile"]],
            keep_attrs=True,  # the units; older xarray drops them by default
        )
        bands = bands.assign_coords(percentile=list(values))
        return bands.transpose("percentile", ...)
    out = _reduce(core, data, axis=axis, dim=None, finite=False, name="data")
    return np.moveaxis(np.asarray(out), -1, 0)


def _one_dimensional(name: str, values: ArrayLike) -> np.ndarray:
    array = np.asarray(_contract._values(values))
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (one outcome per path), got shape {array.shape}; "
            "select a scenario or flatten first"
        )
    return array


def payback_distribution(
    payback_days: ArrayLike,
    *,
    quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
) -> pd.Series:
    """Distribution of payback times across paths, with "never" counted.

    Parameters
    ----------
    payback_days : 1-D array-like, Series or DataArray
        Payback per path [days] (or any period), >= 0; ``inf`` for a path
        that never pays back (as :func:`minerecon.cashflow.payback_period`
        gives). No NaN.
    quantiles : sequence of float, default (0.05, 0.25, 0.5, 0.75, 0.95)
        Quantiles [-], in [0, 1].

    Returns
    -------
    pandas.Series with

    * ``n``: number of paths;
    * ``share_never``: share of paths that never pay back [-];
    * ``mean_finite``: mean over the paths that pay back [days];
    * ``p5_finite`` ...: quantiles over the paths that pay back [days];
    * ``p5_all`` ...: quantiles over all paths, "never" as ``+inf`` [days],
      ``inf`` once the quantile reaches the paths that never pay back.

    ``mean_finite`` and the ``_finite`` quantiles are ``nan`` when no path
    pays back.

    Notes
    -----
    Quantiles interpolate linearly between order statistics as
    :func:`numpy.quantile` does, an interpolation towards ``inf`` giving
    ``inf``. The ``_finite`` quantiles are conditional on paying back and
    so never above the ``_all`` ones; report them with ``share_never``.

    Examples
    --------
    >>> d = payback_distribution([100.0, 200.0, 300.0, np.inf], quantiles=(0.5,))
    >>> d[["share_never", "p50_finite", "p50_all"]].tolist()
    [0.25, 200.0, 250.0]
    """
    days = _check_values(
        "payback_days", _one_dimensional("payback_days", payback_days), finite=False
    )
    if (days < 0).any():
        bad = days < 0
        raise ValueError(
            f"payback_days must be >= 0 (inf for never), got {days[bad][0]:g}"
            f"{_contract._where(days, bad)}"
        )
    q = _check_quantiles("quantiles", quantiles)
    never = np.isinf(days)
    finite = np.sort(days[~never])
    out: dict[str, float] = {
        "n": float(days.size),
        "share_never": float(never.mean()),
        "mean_finite": float(finite.mean()) if finite.size else np.nan,
    }
    finite_q = _quantile_sorted(finite, q) if finite.size else np.full(q.shape, np.nan)
    all_q = _quantile_sorted(np.sort(days), q)
    for qi, value in zip(q, finite_q, strict=True):
        out[f"{_label(qi)}_finite"] = float(value)
    for qi, value in zip(q, all_q, strict=True):
        out[f"{_label(qi)}_all"] = float(value)
    return pd.Series(out, name="payback_days")


def summarize(
    values: ArrayLike,
    *,
    level: float = 0.95,
    threshold: float = 0.0,
    quantiles: Sequence[float] = (0.05, 0.25, 0.5, 0.75, 0.95),
) -> pd.Series:
    """One-line risk summary of a sample of outcomes.

    Parameters
    ----------
    values : 1-D array-like, Series or DataArray
        Outcomes, e.g. NPV per path [USD]. Finite.
    level : float, default 0.95
        Confidence level of VaR and expected shortfall [-], in (0, 1).
    threshold : float, default 0
        Threshold of :func:`probability_of_loss` [same unit as values].
    quantiles : sequence of float, default (0.05, 0.25, 0.5, 0.75, 0.95)
        Quantiles of the outcomes [-], in [0, 1].

    Returns
    -------
    pandas.Series with ``n``, ``mean``, ``std`` (sample, ``ddof=1``; ``nan``
    for one outcome), ``p5`` ... (quantiles, linear interpolation as
    :func:`numpy.quantile`), ``probability_of_loss``, ``value_at_risk_95``
    and ``expected_shortfall_95`` (suffix: the level in %), in the unit of
    ``values`` except the counts and the probability.

    Examples
    --------
    >>> s = summarize(np.arange(-10.0, 10.0), level=0.9, quantiles=(0.5,))
    >>> s[["mean", "p50", "probability_of_loss", "value_at_risk_90"]].tolist()
    [-0.5, -0.5, 0.5, 8.0]
    """
    array = _check_values("values", _one_dimensional("values", values), finite=True)
    level = _check_level(level)
    q = _check_quantiles("quantiles", quantiles)
    out: dict[str, float] = {
        "n": float(array.size),
        "mean": float(array.mean()),
        "std": float(array.std(ddof=1)) if array.size > 1 else np.nan,
    }
    for qi, value in zip(q, np.quantile(array, q), strict=True):
        out[_label(qi)] = float(value)
    suffix = f"{100 * level:g}".replace(".", "_")
    # One-dimensional outcomes reduced over all values: each measure is a float.
    out["probability_of_loss"] = float(probability_of_loss(array, threshold))
    out[f"value_at_risk_{suffix}"] = float(value_at_risk(array, level))
    out[f"expected_shortfall_{suffix}"] = float(expected_shortfall(array, level))
    return pd.Series(out, name="summary")
