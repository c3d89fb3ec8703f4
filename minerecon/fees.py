"""Transaction-fee models: constant, share of the block reward, stochastic.

Fees are the part of a miner's revenue that the protocol does not fix. Three
models cover the usual assumptions:

* :class:`ConstantFees` -- fees fixed in BTC per block;
* :class:`FeeShare` -- fees a fixed share of the block reward (subsidy plus
  fees), so they halve in BTC when the subsidy halves;
* :class:`StochasticFees` -- a mean-reverting log fee level with upward
  spikes, calibrated to the bundled daily history.

Every model is a frozen dataclass with

``kind``
    ``"btc_per_block"`` when its paths are fees per block [BTC], ``"share"``
    when they are fees as a share of the block reward [-]. The subsidy
    changes at a halving whose date the difficulty model simulates, so a
    share is turned into BTC by the engine with the subsidy of the moment,
    :func:`to_btc_per_block`.
``sample(rng, out)``
    Fills ``out`` (``n_paths`` x ``n_days``, column ``t`` = day ``t``,
    column 0 = the starting level) in place with daily values drawn from
    ``rng``. The Monte Carlo engine calls it once per block of 100 paths,
    each block with its own stream, which keeps path ``i`` the same whatever
    the chunk size (user guide, "Randomness").
``fit(fees=None, *, start=None, end=None)``
    A class method that estimates the parameters from a daily series of fees
    per block (the bundled history by default) and records the window in
    ``calibration``.

:func:`simulate` draws paths of any model with the library's random
streams (the fees component; user guide, "Randomness").

Year, in every rate below, is :data:`minerecon.units.DAYS_PER_YEAR` = 365
days.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, ClassVar, Literal, Protocol, TypeAlias, cast

import numba
import numpy as np
import pandas as pd

from minerecon import _random, datasets, network
from minerecon._contract import aligned, check, check_count, check_step_days
from minerecon.datasets import Calibration
from minerecon.price import _check_calibration, _check_memory
from minerecon.typing import ArrayLike, DateLike, Numeric
from minerecon.units import DAYS_PER_YEAR

__all__ = [
    "SPIKE_THRESHOLD",
    "Calibration",
    "ConstantFees",
    "FeePath",
    "FeeShare",
    "StochasticFees",
    "simulate",
    "to_btc_per_block",
]

#: Residuals of the weekly AR(1) regression beyond this many standard
#: deviations are counted as fee spikes by :meth:`StochasticFees.fit`.
SPIKE_THRESHOLD = 3.0

#: Fees per block used for 2024-04-20 when fitting to the bundled history [BTC].
#: The bundled file carries the previous day's 0.774 BTC there (the halving day's
#: block count cannot be derived); blockchain.com's 1,257.7 BTC of fees over at
#: most 131 blocks give at least 9.6 BTC per block, and most blocks that day
#: came after the halving, so the true value is close to this bound
#: (``minerecon/data/history_README.md``).
RUNES_DAY_FEES = 9.6
_RUNES_DAY = pd.Timestamp("2024-04-20")

_YEARS_PER_DAY = 1.0 / DAYS_PER_YEAR

#: What a fee model's paths hold: fees per block [BTC] or shares of the block reward [-].
FeeKind: TypeAlias = Literal["btc_per_block", "share"]


class FeeSampler(Protocol):
    """What :func:`simulate` draws from: any object with a fee model's ``sample``."""

    def sample(self, rng: np.random.Generator, out: np.ndarray) -> None:
        """Fill ``out`` (paths x days) in place with daily values drawn from ``rng``."""


def _check_out(out: object) -> np.ndarray:
    if not isinstance(out, np.ndarray) or out.ndim != 2 or out.dtype != np.float64:
        shape = getattr(out, "shape", None)
        raise ValueError(f"out must be a 2-d float64 numpy array (paths x days), got {shape}")
    return out


def _fee_window(
    fees: pd.Series | None, start: DateLike | None, end: DateLike | None
) -> tuple[pd.Series, str]:
    """The daily fee series inside ``[start, end]`` and a description of its source."""
    if fees is None:
        history = datasets.load_history()
        fees = history["fees_btc_per_block"]
        # pandas-stubs: .loc takes no Timestamp label to set by, which pandas does.
        fees.loc[_RUNES_DAY] = RUNES_DAY_FEES  # type: ignore[call-overload]
        source = (
            f"fees_btc_per_block of the {history.attrs['source']}; "
            f"2024-04-20 set to {RUNES_DAY_FEES} BTC/block"
        )
    else:
        if not isinstance(fees, pd.Series) or not isinstance(fees.index, pd.DatetimeIndex):
            raise ValueError(
                "fees must be a pandas Series of daily fees per block indexed by date, "
                f"got {type(fees).__name__}"
            )
        source = f"series {fees.name!r}" if fees.name is not None else "user series"
        try:
            fees = fees.astype(float)
        except (TypeError, ValueError):
            raise ValueError(f"fees must hold numbers [BTC], got dtype {fees.dtype}") from None
        fees = fees.dropna().sort_index()
        check("fees", fees, low=0, unit="[BTC]")
    first, last = (
        None if value is None else datasets.parse_day(name, value, normalize=False)
        for name, value in (("start", start), ("end", end))
    )
    fees = fees.loc[first:last]
    if fees.empty:
        raise ValueError(f"no fee observations between start={start} and end={end}")
    return fees, source


def _calibration(fees: pd.Series, source: str, method: str) -> Calibration:
    return Calibration(
        source=source,
        start=fees.index[0],
        end=fees.index[-1],
        n_observations=len(fees),
        method=method,
    )


@aligned
def to_btc_per_block(paths: ArrayLike, kind: FeeKind, subsidy: ArrayLike) -> Numeric:
    """Fees per block from a model's paths, whatever the model's ``kind``.

    Parameters
    ----------
    paths : float, array, Series or DataArray
        Values drawn by a fee model: fees per block [BTC] when ``kind`` is
        ``"btc_per_block"``, shares of the block reward [-] when ``"share"``.
    kind : {"btc_per_block", "share"}
        The model's ``kind``.
    subsidy : float or array-like
        Block subsidy in force on each day [BTC]; broadcast against ``paths``
        (labelled inputs must carry the same labels, shapes must broadcast,
        whatever the ``kind``).

    Returns
    -------
    Fees per block [BTC]. For ``"btc_per_block"`` it is ``paths`` itself, of
    its kind (``subsidy`` is checked but not broadcast against it).

    Notes
    -----
    For shares ``fees = subsidy * share / (1 - share)``
    (:func:`minerecon.network.fees_from_share`); fees in BTC pass through.

    Examples
    --------
    >>> round(to_btc_per_block(0.02, "share", 3.125), 6)   # 3.125 * 0.02 / 0.98
    0.063776
    >>> to_btc_per_block(0.02, "btc_per_block", 3.125)
    0.02
    """
    _check_kind(kind)
    if kind == "share":
        check("paths", paths, low=0.0, high=1.0, high_open=True, unit="[-]")
        return network.fees_from_share(paths, subsidy)
    check("subsidy", subsidy, low=0, unit="[BTC]")
    return check("paths", paths, low=0, unit="[BTC]")


def _check_kind(kind: object) -> None:
    if not isinstance(kind, str) or kind not in ("btc_per_block", "share"):
        raise ValueError(f"kind must be 'btc_per_block' or 'share', got {kind!r:.60}")


# --------------------------------------------------------------------------
# Deterministic models
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ConstantFees:
    """Fees fixed in BTC per block.

    Parameters
    ----------
    btc_per_block : float
        Fees per block [BTC], >= 0.
    calibration : Calibration, optional
        Set by :meth:`fit`.

    Notes
    -----
    ``f(t) = btc_per_block`` on every day of every path. No random numbers
    are drawn.

    Examples
    --------
    >>> model = ConstantFees(0.02)
    >>> model.kind
    'btc_per_block'
    >>> simulate(model, n_paths=2, n_days=3)
    array([[0.02, 0.02, 0.02],
           [0.02, 0.02, 0.02]])
    """

    kind: ClassVar[FeeKind] = "btc_per_block"

    btc_per_block: float
    calibration: Calibration | None = dataclasses.field(default=None, compare=False)

    def __post_init__(self) -> None:
        value = check("btc_per_block", self.btc_per_block, low=0, unit="[BTC]")
        if not isinstance(value, float):
            raise ValueError(f"btc_per_block must be a scalar, got {type(value).__name__}")
        object.__setattr__(self, "btc_per_block", value)
        _check_calibration(self.calibration)

    def sample(self, rng: np.random.Generator, out: np.ndarray) -> None:
        """Fill ``out`` (paths x days) with ``btc_per_block`` [BTC]; draws nothing."""
        _check_out(out)[...] = self.btc_per_block

    @classmethod
    def fit(
        cls,
        fees: pd.Series | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
    ) -> ConstantFees:
        """Median of daily fees per block over a window.

        Parameters
        ----------
        fees : pandas.Series, optional
            Daily fees per block [BTC] indexed by date; the bundled history
            (with 2024-04-20 patched to :data:`RUNES_DAY_FEES`) by default.
        start, end : str or Timestamp, optional
            First and last day used (inclusive); the whole series by default.

        Returns
        -------
        ConstantFees

        Notes
        -----
        The median, not the mean: fee spikes (2017-12, 2023-05, 2024-04) put
        the mean of 2014-2026 at 2.5 times the median, far above any level
        fees stayed at for long.

        Examples
        --------
        >>> round(ConstantFees.fit(start="2025-01-01", end="2025-12-31").btc_per_block, 4)
        0.0303
        """
        fees, source = _fee_window(fees, start, end)
        return cls(
            float(fees.median()),
            calibration=_calibration(fees, source, "median of daily fees per block"),
        )


@dataclasses.dataclass(frozen=True, eq=False)
class FeePath:
    """Fees that follow one given daily path, the same on every path.

    Parameters
    ----------
    path : array-like
        One value per day from day 0, in ``kind``: fees per block [BTC],
        >= 0, or share of the block reward [-], in [0, 1).
    kind : {"btc_per_block", "share"}, default "btc_per_block"
        What ``path`` holds.

    Notes
    -----
    ``f(t) = path[t]`` on every path; the path must cover the horizon it is
    used over. No random numbers are drawn. Use it for a fee forecast of
    your own, or for the mean of a stochastic model's paths
    (:func:`simulate` averaged over paths).

    Examples
    --------
    >>> simulate(FeePath([0.02, 0.03, 0.05]), n_paths=2, n_days=3)
    array([[0.02, 0.03, 0.05],
           [0.02, 0.03, 0.05]])
    """

    path: ArrayLike
    kind: FeeKind = "btc_per_block"

    def __post_init__(self) -> None:
        _check_kind(self.kind)
        bounds: dict[str, Any] = {"high": 1.0, "high_open": True} if self.kind == "share" else {}
        unit = "[-]" if self.kind == "share" else "[BTC]"
        path = np.asarray(check("path", self.path, low=0.0, unit=unit, **bounds), dtype=float)
        if path.ndim != 1 or path.size == 0:
            raise ValueError(f"path must be one value per day (1-d, not empty), got {path.shape}")
        object.__setattr__(self, "path", path)

    def sample(self, rng: np.random.Generator, out: np.ndarray) -> None:
        """Fill ``out`` (paths x days) with the path; draws nothing."""
        out = _check_out(out)
        path = cast(np.ndarray, self.path)  # made an array by __post_init__
        if out.shape[1] > path.size:
            raise ValueError(f"path must cover the {out.shape[1]} days asked for, got {path.size}")
        out[...] = path[: out.shape[1]]


@dataclasses.dataclass(frozen=True)
class FeeShare:
    """Fees a constant share of the total block reward.

    Parameters
    ----------
    share : float
        Fees as a share of subsidy plus fees [-], in [0, 1).
    calibration : Calibration, optional
        Set by :meth:`fit`.

    Notes
    -----
    The paths are the share itself (``kind == "share"``): the engine turns
    them into fees per block with the subsidy ``s`` of the day,

    .. math:: f = s \\, \\frac{\\text{share}}{1 - \\text{share}},

    so fees halve in BTC at a halving whatever day it falls on. No random
    numbers are drawn.

    Examples
    --------
    >>> model = FeeShare(0.01)
    >>> model.kind
    'share'
    >>> round(float(to_btc_per_block(simulate(model, 1, 2), model.kind, 3.125)[0, 0]), 6)
    0.031566
    """

    kind: ClassVar[FeeKind] = "share"

    share: float
    calibration: Calibration | None = dataclasses.field(default=None, compare=False)

    def __post_init__(self) -> None:
        value = check("share", self.share, low=0.0, high=1.0, high_open=True, unit="[-]")
        if not isinstance(value, float):
            raise ValueError(f"share must be a scalar, got {type(value).__name__}")
        object.__setattr__(self, "share", value)
        _check_calibration(self.calibration)

    def sample(self, rng: np.random.Generator, out: np.ndarray) -> None:
        """Fill ``out`` (paths x days) with ``share`` [-]; draws nothing."""
        _check_out(out)[...] = self.share

    @classmethod
    def fit(
        cls,
        fees: pd.Series | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
    ) -> FeeShare:
        """Mean share of fees in the block reward over a window.

        Parameters
        ----------
        fees : pandas.Series, optional
            Daily fees per block [BTC] indexed by date, within the bundled
            history's dates (the subsidy is found from the estimated block
            height); the bundled history by default.
        start, end : str or Timestamp, optional
            First and last day used (inclusive); the whole series by default.

        Returns
        -------
        FeeShare

        Notes
        -----
        ``share = mean_t f_t / (s_t + f_t)`` with ``s_t`` the subsidy at
        :func:`minerecon.datasets.estimate_height` of day ``t``
        (:func:`minerecon.network.block_subsidy`). On a halving day the
        subsidy of the day's first block is used.

        Examples
        --------
        >>> round(FeeShare.fit(start="2025-01-01", end="2025-12-31").share, 4)
        0.0104
        """
        fees, source = _fee_window(fees, start, end)
        heights = datasets.estimate_height(fees.index)
        subsidy = network.block_subsidy(heights)
        shares = network.fee_share(fees.to_numpy(), subsidy)
        return cls(
            float(np.mean(shares)),
            calibration=_calibration(
                fees, source, "mean of daily fees / (subsidy + fees), subsidy by estimated height"
            ),
        )


# --------------------------------------------------------------------------
# Stochastic model
# --------------------------------------------------------------------------


@numba.njit(cache=True, nogil=True)
def _ou_hold_kernel(  # pragma: no cover
    level0: float,
    x0: float,
    mu: float,
    decay: float,
    shocks: np.ndarray,
    step_days: int,
    ceiling: float,
    out: np.ndarray,
) -> None:
    """Log-level recursion over steps, held for ``step_days`` days, into ``out``.

    ``x[k + 1] = mu + decay * (x[k] - mu) + shocks[k, p]``, day ``t`` gets
    ``exp(x[t // step_days])``; day 0 gets ``level0`` exactly.
    """
    n_paths, n_days = out.shape
    for p in range(n_paths):
        x = x0
        level = level0
        first = 0
        step = 0
        while first < n_days:
            # Days first .. first + step_days - 1 hold one level.
            last = min(first + step_days, n_days)
            out[p, first:last] = level
            first = last
            if first < n_days:
                x = mu + decay * (x - mu) + shocks[step, p]
                level = min(math.exp(x), ceiling)
                step += 1


@dataclasses.dataclass(frozen=True)
class StochasticFees:
    """Mean-reverting log fee level with upward spikes.

    Parameters
    ----------
    level : float
        Fees per block on day 0 [BTC], > 0.
    mean_level : float
        Level the log fees revert to, ``exp(mu)`` [BTC], > 0: the median of
        the stationary distribution without spikes.
    reversion : float
        Mean-reversion speed ``kappa`` [1/year], > 0; a deviation halves in
        ``ln 2 / kappa`` years.
    volatility : float
        Diffusion volatility ``sigma`` of the log level [1/sqrt(year)], >= 0.
    spike_rate : float
        Arrival rate ``lambda`` of spikes [1/year], >= 0.
    spike_mean : float
        Mean log size ``m`` of a spike [-], >= 0: a spike multiplies the level
        by ``exp(J)``.
    spike_min : float, default 0.0
        Smallest log size ``c`` of a spike [-], in [0, spike_mean]: ``J = c +``
        an exponential with mean ``m - c``. With ``c = 0`` the sizes are
        exponential; :meth:`fit` sets ``c`` to its detection threshold, so
        the tail of the sizes is the tail of the excesses above it.
    step_days : int, default 7
        Days between shocks [days], in [1, 36500] (``units.MAX_STEP_DAYS``).
    max_level : float, default 10.0
        Ceiling on the level [BTC], > 0. The log-normal tail with spikes is
        unbounded, while block space is not: the highest daily average in
        the bundled history is 9.65 BTC per block (2017-12-22).
    calibration : Calibration, optional
        Set by :meth:`fit`.

    Notes
    -----
    The log level ``X = ln f`` follows an Ornstein-Uhlenbeck process with
    compound-Poisson jumps that decay at the same speed:

    .. math::

        dX = \\kappa (\\mu - X)\\,dt + \\sigma\\,dW + J\\,dN, \\qquad
        \\mu = \\ln(\\text{mean\\_level}),

    ``N`` Poisson with rate ``lambda``, ``J = c + Exp(mean m - c)``. Over a step of
    ``h = step_days / 365`` years the exact solution is

    .. math::

        X_{k+1} = \\mu + e^{-\\kappa h}(X_k - \\mu)
            + \\sigma \\sqrt{\\frac{1 - e^{-2\\kappa h}}{2\\kappa}}\\,Z_k
            + \\sum_{i=1}^{N_k} J_i\\, e^{-\\kappa h U_i},

    ``Z_k`` standard normal, ``N_k ~ Poisson(lambda h)``, and ``U_i`` uniform
    on [0, 1): the time from a spike's arrival to the end of the step, as a
    share of the step (arrival times of a Poisson process are uniform given
    their number). This is simulated without discretisation error.

    The level is **held** between steps: day ``t`` gets
    ``exp(X_{floor(t / step_days)})``, column 0 the starting level. Holding
    keeps the distribution of every day exactly the process's (at the last
    step time) and never lets a day see shocks drawn for a later step, which
    linear interpolation would.

    Stationary moments of ``X``:
    ``E[X] = mu + lambda m / kappa`` and
    ``Var[X] = (sigma**2 + lambda E[J**2]) / (2 kappa)`` with
    ``E[J**2] = m**2 + (m - c)**2``.

    **Draw order**, each call of :meth:`sample` with ``n_steps =
    (n_days - 1) // step_days``:

    1. ``rng.standard_normal((n_steps, n_paths))``: the ``Z``, step-major;
    2. only if ``spike_rate > 0`` and ``spike_mean > 0``:
       ``counts_rng, marks_rng = rng.spawn(2)``;
       ``counts_rng.poisson(lambda h, (n_steps, n_paths))``: the ``N``;
       ``marks_rng.random((sum N, 2))``: per spike in step-major, path, arrival
       order, column 0 gives ``J = c - (m - c) ln(1 - u)``, column 1 gives
       ``U``.

    Step-major order and the separate child streams make a path over a
    longer horizon extend the same path over a shorter one, and leave the
    diffusive shocks unchanged when spikes are switched on or off (common
    random numbers).

    References
    ----------
    Uhlenbeck, G. E. and Ornstein, L. S. (1930), "On the theory of the
    Brownian motion", Physical Review 36, 823-841.

    Glasserman, P. (2003), *Monte Carlo Methods in Financial Engineering*,
    Springer, sections 3.3 (exact OU simulation) and 3.5 (jump processes).

    Examples
    --------
    >>> model = StochasticFees(level=0.02, mean_level=0.05, reversion=6.0,
    ...                        volatility=2.0, spike_rate=3.0, spike_mean=0.5)
    >>> paths = simulate(model, n_paths=250, n_days=365, seed=1)
    >>> paths.shape, bool((paths[:, 0] == 0.02).all())
    ((250, 365), True)
    >>> bool((paths[:, 1:7] == 0.02).all())       # held until the first step
    True
    """

    kind: ClassVar[FeeKind] = "btc_per_block"

    level: float
    mean_level: float
    reversion: float
    volatility: float
    spike_rate: float
    spike_mean: float
    step_days: int = 7
    max_level: float = 10.0
    spike_min: float = 0.0
    calibration: Calibration | None = dataclasses.field(default=None, compare=False)

    def __post_init__(self) -> None:
        fields: dict[str, dict[str, Any]] = {
            "max_level": dict(low=0.0, low_open=True, unit="[BTC]"),
            "level": dict(low=0.0, low_open=True, unit="[BTC]"),
            "mean_level": dict(low=0.0, low_open=True, unit="[BTC]"),
            "reversion": dict(low=0.0, low_open=True, unit="[1/year]"),
            "volatility": dict(low=0.0, unit="[1/sqrt(year)]"),
            "spike_rate": dict(low=0.0, unit="[1/year]"),
            "spike_mean": dict(low=0.0, unit="[-]"),
            "spike_min": dict(low=0.0, unit="[-]"),
        }
        for name, bounds in fields.items():
            value = check(name, getattr(self, name), **bounds)
            if not isinstance(value, float) or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite scalar, got {getattr(self, name)!r}")
            object.__setattr__(self, name, value)
        if self.spike_min > self.spike_mean:
            raise ValueError(
                f"spike_min must be in [0, spike_mean={self.spike_mean:g}] [-], "
                f"got {self.spike_min:g}"
            )
        if self.level > self.max_level:
            raise ValueError(
                f"level must not exceed max_level ({self.max_level:g} BTC), got {self.level:g}"
            )
        object.__setattr__(self, "step_days", check_step_days(self.step_days))
        _check_calibration(self.calibration)

    @property
    def step_years(self) -> float:
        """Length of one step ``h`` [year]."""
        return self.step_days * _YEARS_PER_DAY

    @property
    def has_spikes(self) -> bool:
        """Whether spikes are drawn (``spike_rate > 0`` and ``spike_mean > 0``)."""
        return self.spike_rate > 0.0 and self.spike_mean > 0.0

    def stationary_log_mean(self) -> float:
        """Long-run mean of the log level, ``mu + lambda m / kappa`` [ln BTC]."""
        return math.log(self.mean_level) + self.spike_rate * self.spike_mean / self.reversion

    def stationary_log_variance(self) -> float:
        """Long-run variance of the log level, ``(sigma**2 + lambda E[J**2]) / (2 kappa)``."""
        second_moment = self.spike_mean**2 + (self.spike_mean - self.spike_min) ** 2
        return (self.volatility**2 + self.spike_rate * second_moment) / (2.0 * self.reversion)

    def sample(self, rng: np.random.Generator, out: np.ndarray) -> None:
        """Fill ``out`` (paths x days) in place with daily fees per block [BTC].

        Column 0 is ``level``; the draw order is in the class Notes.
        """
        out = _check_out(out)
        n_paths, n_days = out.shape
        if n_days == 0 or n_paths == 0:
            return
        n_steps = (n_days - 1) // self.step_days
        kh = self.reversion * self.step_years
        decay = math.exp(-kh)
        scale = self.volatility * math.sqrt(-math.expm1(-2.0 * kh) / (2.0 * self.reversion))
        shocks = rng.standard_normal((n_steps, n_paths))
        shocks *= scale
        if self.has_spikes and n_steps > 0:
            counts_rng, marks_rng = rng.spawn(2)
            counts = counts_rng.poisson(self.spike_rate * self.step_years, (n_steps, n_paths))
            n_spikes = int(counts.sum())
            if n_spikes:
                marks = marks_rng.random((n_spikes, 2))
                sizes = (self.spike_min - self.spike_mean) * np.log1p(-marks[:, 0])
                sizes += self.spike_min
                sizes *= np.exp(-kh * marks[:, 1])
                cells = np.repeat(np.arange(counts.size), counts.ravel())
                shocks += np.bincount(cells, weights=sizes, minlength=counts.size).reshape(
                    counts.shape
                )
        _ou_hold_kernel(
            self.level,
            math.log(self.level),
            math.log(self.mean_level),
            decay,
            shocks,
            self.step_days,
            self.max_level,
            out,
        )

    @classmethod
    def fit(
        cls,
        fees: pd.Series | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        step_days: int = 7,
    ) -> StochasticFees:
        """Estimate the model from daily fees per block.

        Parameters
        ----------
        fees : pandas.Series, optional
            Daily fees per block [BTC], > 0, indexed by date; the bundled
            history (with 2024-04-20 patched to :data:`RUNES_DAY_FEES`) by
            default.
        start, end : str or Timestamp, optional
            First and last day used (inclusive); the whole series by default.
        step_days : int, default 7
            Length of the averaging blocks and of the fitted model's step
            [days].

        Returns
        -------
        StochasticFees
            With ``level`` the geometric mean of the window's last
            ``step_days`` daily fees and the window in ``calibration``.

        Raises
        ------
        ValueError
            If the window holds fewer than 20 consecutive block pairs or the
            fitted AR(1) coefficient is not in (0, 1) (no mean reversion).

        Notes
        -----
        1. Split the window into consecutive ``step_days``-day blocks from its
           first day (a trailing partial block is dropped) and take the mean
           of ``ln f`` in each: ``y_k``. Daily noise (about 3 % in the
           bundled data, plus weekday cycles) averages out.
        2. Regress ``y_{k+1} = c + b y_k + e_k`` by least squares. Flag as
           spikes the residuals above the median by more than
           :data:`SPIKE_THRESHOLD` robust standard deviations
           (1.4826 x median absolute deviation); refit without them, and
           repeat twice with the standard deviation of the unflagged
           residuals, ``s``.
        3. ``kappa = -ln(b) / h``, ``mu = c / (1 - b)``,
           ``sigma = s sqrt(2 kappa / (1 - b**2))`` (inverting the exact
           step of the class Notes).
        4. The flagged steps are the spikes: ``lambda`` = flagged steps per
           year, and since a spike arriving inside a step leaves
           ``J e^{-kappa h U}`` in the residual, ``m`` = mean flagged
           residual / ``E[e^{-kappa h U}]`` with
           ``E[e^{-kappa h U}] = (1 - e^{-kappa h}) / (kappa h)``.

        Spikes below the threshold are not told apart from the diffusion:
        they stay in ``sigma`` and ``mu``, and ``lambda`` counts the spikes
        that move a block mean by more than :data:`SPIKE_THRESHOLD` ``s``.
        For exponential sizes this undercounts by about ``u / m`` and
        overstates ``m`` by about as much (``u = 3 s``; memorylessness), so
        the spikes' contribution ``lambda m`` to the mean log level is
        nearly unbiased, and the fitted model keeps the long-run mean of
        the log fees in the window. The extrapolation to small spikes that
        would remove this bias needs the residual tail to be exactly
        normal plus exponential, which the history is not.

        Block means of a continuous process are not exactly AR(1): with a
        step of a week and ``kappa h`` well below 1 the bias in ``kappa`` is
        small, and nil for paths simulated by this model with the same step.
        Sub-threshold spikes stay in the regression and raise ``mu``
        slightly.

        Examples
        --------
        >>> model = StochasticFees.fit(start="2024-05-01")
        >>> model.calibration.start, model.calibration.end
        (Timestamp('2024-05-01 00:00:00'), Timestamp('2026-08-16 00:00:00'))
        """
        step_days = check_step_days(step_days)
        fees, source = _fee_window(fees, start, end)
        check("fees", fees, low=0, low_open=True, unit="[BTC]")
        # Whole days since the first, counted in days (a difference in nanoseconds
        # overflows int64 beyond 292 years).
        days = fees.index.to_numpy().astype("datetime64[D]").astype(np.int64)
        day = days - days[0]
        n_blocks = (int(day[-1]) + 1) // step_days
        if n_blocks < 21:
            raise _too_few_blocks(step_days, max(n_blocks - 1, 0), fees)
        block = day // step_days
        keep = block < n_blocks
        sums = np.bincount(block[keep], weights=np.log(fees.to_numpy()[keep]), minlength=n_blocks)
        counts = np.bincount(block[keep], minlength=n_blocks)
        with np.errstate(invalid="ignore", divide="ignore"):
            y = sums / counts  # nan for a block without data
        y0, y1 = y[:-1], y[1:]
        pairs = np.isfinite(y0) & np.isfinite(y1)
        y0, y1 = y0[pairs], y1[pairs]
        if y0.size < 20:
            raise _too_few_blocks(step_days, y0.size, fees)
        h = step_days * _YEARS_PER_DAY
        b, c, s, flagged, residuals = _ar1_with_spikes(y0, y1)
        # A half-life longer than the window cannot be told from a random walk (and its
        # implied mean level c / (1 - b) runs off to any size).
        window_years = (y0.size + 1) * h
        if not 0.0 < b < 1.0 or math.log(2.0) * h / -math.log(b) > window_years:
            raise ValueError(
                f"fees show no mean reversion between {fees.index[0].date()} and "
                f"{fees.index[-1].date()}: AR(1) coefficient of {step_days}-day mean log fees "
                f"is {b:.4f}, must be in (0, 1) with a half-life shorter than the window "
                f"({window_years:.2f} years); use a longer window"
            )
        reversion = -math.log(b) / h
        mu = c / (1.0 - b)
        volatility = s * math.sqrt(2.0 * reversion / (1.0 - b * b))
        spike_rate, spike_mean, spike_min = _spike_parameters(
            residuals[flagged], residuals.size, SPIKE_THRESHOLD * s, reversion * h, h
        )
        method = (
            f"AR(1) least squares on {y0.size + 1} {step_days}-day means of ln fees; "
            f"{int(flagged.sum())} residuals > {SPIKE_THRESHOLD:g} sd taken as spikes"
        )
        return cls(
            level=float(np.exp(np.mean(np.log(fees.to_numpy()[-step_days:])))),
            mean_level=math.exp(mu),
            reversion=reversion,
            volatility=volatility,
            spike_rate=spike_rate,
            spike_mean=spike_mean,
            spike_min=spike_min,
            step_days=step_days,
            calibration=_calibration(fees, source, method),
        )


def _too_few_blocks(step_days: int, pairs: int, fees: pd.Series) -> ValueError:
    return ValueError(
        f"fees must cover at least 21 consecutive blocks of step_days={step_days} days "
        f"between start and end to fit StochasticFees, got {pairs} block pairs "
        f"({fees.index[0].date()} to {fees.index[-1].date()})"
    )


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of ``y = c + b x``."""
    xm, ym = x.mean(), y.mean()
    dx = x - xm
    b = float(dx @ (y - ym) / (dx @ dx))
    return b, float(ym - b * xm)


def _ar1_with_spikes(
    y0: np.ndarray, y1: np.ndarray
) -> tuple[float, float, float, np.ndarray, np.ndarray]:
    """AR(1) fit that leaves out upward outliers: (b, c, s, flagged, residuals)."""
    b, c = _ols(y0, y1)
    e = y1 - c - b * y0
    centre = np.median(e)
    s = 1.4826 * float(np.median(np.abs(e - centre)))
    flagged = e - centre > SPIKE_THRESHOLD * s
    for _ in range(2):
        b, c = _ols(y0[~flagged], y1[~flagged])
        e = y1 - c - b * y0
        s = float(np.std(e[~flagged], ddof=2))
        flagged = e > SPIKE_THRESHOLD * s
    return b, c, s, flagged, e


def _spike_parameters(
    spikes: np.ndarray, n_pairs: int, threshold: float, kh: float, h: float
) -> tuple[float, float, float]:
    """Spike rate [1/year], mean and smallest log size [-] from the flagged residuals."""
    if spikes.size == 0:
        return 0.0, 0.0, 0.0
    mean_decay = -math.expm1(-kh) / kh  # E[exp(-kappa h U)], U uniform on [0, 1)
    spike_mean = float(np.mean(spikes)) / mean_decay
    return spikes.size / (n_pairs * h), spike_mean, min(threshold / mean_decay, spike_mean)


# --------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------


def simulate(
    model: FeeSampler, n_paths: int, n_days: int, *, seed: _random.SeedLike = None
) -> np.ndarray:
    """Daily fee paths of a model from the library's random streams.

    Parameters
    ----------
    model : ConstantFees, FeeShare or StochasticFees
        Any object with ``sample(rng, out)``.
    n_paths : int
        Number of paths, >= 1.
    n_days : int
        Number of days, >= 1; column 0 is day 0 (the starting level). A run
        that cannot fit in the machine's memory is refused before anything
        is allocated.
    seed : int, SeedSequence, Generator or None
        Root seed: an int, a ``SeedSequence``, a ``Generator`` or None (fresh entropy).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_paths, n_days)``, in the model's ``kind``: fees per block
        [BTC] or share of the block reward [-] (see
        :func:`to_btc_per_block`).

    Notes
    -----
    Paths come from ``Streams(seed).fill(FEES, 0, n_paths, n_days,
    model.sample)``: path ``i`` is drawn by the stream of its block of
    100 paths, so it is the same for any
    ``n_paths`` above ``i`` and in any chunk the engine runs.

    Examples
    --------
    >>> simulate(FeeShare(0.015), n_paths=1, n_days=4)
    array([[0.015, 0.015, 0.015, 0.015]])
    """
    n_paths = check_count("n_paths", n_paths)
    n_days = check_count("n_days", n_days)
    _check_memory(n_paths, n_days, 8)
    # pandas objects have a sample method of their own (random rows), not the protocol's
    if isinstance(model, pd.Series | pd.DataFrame) or not callable(getattr(model, "sample", None)):
        raise ValueError(f"model must have a sample(rng, out) method, got {type(model).__name__}")
    streams = _random.Streams(seed)
    return streams.fill(_random.FEES, 0, n_paths, n_days, model.sample)
