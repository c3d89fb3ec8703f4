"""BTC price paths: constant, growth, GBM, jump-diffusion, regime switching, bootstrap.

Every model is a frozen dataclass with two methods:

``sample(rng, out, start_price)``
    Fills a ``(n_paths, n_days)`` array in place with price paths
    [USD/BTC]; ``out[:, 0]`` is ``start_price`` and ``out[:, t]`` the price
    on day ``t``. This is the Monte Carlo engine's protocol: it is called
    once per block of 100 paths with the
    block's own generator, so paths never depend on how the engine chunks.
``fit(prices=None, *, start=None, end=None)``
    A classmethod that estimates the parameters from a daily price series
    (the bundled history by default) restricted to ``[start, end]`` and
    records the window in :class:`Calibration`, which ``repr`` shows.

:func:`simulate` draws paths from the ``PRICE`` component of
random streams (user guide, "Randomness"), so the same seed gives the same paths in
every scenario (common random numbers). Time runs in days, with 365 days per
year: drifts, volatilities and jump intensities are annualised with
``dt = 1/365``.

Each stochastic model draws a fixed count of random numbers per path,
whatever its parameters, in the order its docstring states, so a
parameter sweep keeps each path's random numbers, and ``MertonJump`` with
``jump_intensity=0`` gives the ``GBM`` paths (equal to rounding).

Stock-to-flow is deliberately absent. It is a regression of price on the
ratio of stock to new supply, with no causal mechanism behind it, fitted to
a handful of halving cycles; its out-of-sample forecasts failed badly after
2021. A model that predicts price from the halving schedule would also
double-count the halving, which the simulation already models through the
subsidy.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
from collections.abc import Sequence
from typing import Any, Protocol, cast

import numpy as np
import pandas as pd
from numba import njit
from scipy import optimize

from minerecon import _random, datasets, units
from minerecon._contract import check, check_count
from minerecon.datasets import Calibration
from minerecon.typing import ArrayLike, DateLike, FloatArray, SeedLike

#: Days per year used to annualise every rate in this module
#: (:data:`minerecon.units.DAYS_PER_YEAR`).
DAYS_PER_YEAR = units.DAYS_PER_YEAR
#: Time step of the paths [yr].
DT = 1.0 / DAYS_PER_YEAR

_EMPTY_INT8: np.ndarray = np.empty((0, 0), dtype=np.int8)
_EMPTY_INT32: np.ndarray = np.empty((0, 0), dtype=np.int32)
_EMPTY_INT64: np.ndarray = np.empty((0, 0), dtype=np.int64)


class PriceModel(Protocol):
    """What :func:`simulate` and the Monte Carlo engine draw price paths from.

    The models of this module, or any object with their ``sample`` method.
    """

    def sample(self, rng: np.random.Generator, out: FloatArray, start_price: float) -> None:
        """Fill ``out`` (n_paths, n_days) in place with price paths [USD/BTC]."""


# --------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------


def _real(name: str, value: Any, *, unit: str = "", **bounds: Any) -> float:
    """A finite float within bounds, or ValueError naming ``name``."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if not isinstance(value, int | float | np.integer | np.floating) or isinstance(value, bool):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = check(name, value, unit=unit, **bounds)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


def _count(n: int) -> str:
    """A count for a message: a 400-digit number of paths stays readable."""
    text = str(n)
    return text if len(text) <= 15 else f"about 1e{len(text) - 1}"


def _megabytes(n_bytes: float) -> float:
    """``n_bytes`` in MB; ``inf`` for a count too large for a float."""
    try:
        return n_bytes / 2**20
    except OverflowError:
        return math.inf


@functools.cache
def _physical_memory() -> float:
    """This machine's memory [bytes]; ``inf`` where the system does not say."""
    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX
        return math.inf


def _check_memory(n_paths: int, n_days: int, bytes_per_path_day: int) -> None:
    """Refuse, before allocating, a run of paths that cannot fit in this machine's memory.

    Paths are drawn in whole blocks of ``_random.BLOCK_PATHS``,
    with up to three scratch arrays per block, hence the extra rows.
    """
    needed = bytes_per_path_day * n_days * (n_paths + 4 * _random.BLOCK_PATHS)
    if needed > _physical_memory():
        raise ValueError(
            f"n_paths x n_days = {_count(n_paths)} x {_count(n_days)} needs about "
            f"{_megabytes(needed):,.0f} MB, more than this machine's "
            f"{_megabytes(_physical_memory()):,.0f} MB of memory; ask for fewer paths or days"
        )


def _check_calibration(calibration: object) -> None:
    """A model's ``calibration`` is what ``fit`` records: a :class:`Calibration` or None."""
    if calibration is not None and not isinstance(calibration, Calibration):
        raise ValueError(
            "calibration must be a minerecon.datasets.Calibration (as fit records) or None, "
            f"got {type(calibration).__name__} {calibration!r:.60}"
        )


def _start_price(start_price: object) -> float:
    return _real("start_price", start_price, low=0.0, low_open=True, unit="[USD/BTC]")


def _buffer(out: Any) -> np.ndarray:
    """``out`` itself when the generator can fill it directly, else a scratch copy."""
    if not isinstance(out, np.ndarray) or out.ndim != 2:
        raise ValueError(
            "out must be a 2-D numpy array of shape (n_paths, n_days), got "
            f"{type(out).__name__} with shape {np.shape(out)}"
        )
    if not out.flags.writeable:
        raise ValueError("out must be writeable")
    if out.dtype == np.float64 and out.flags.c_contiguous:
        return out
    return np.empty(out.shape, dtype=np.float64)


def _finish(buf: np.ndarray, out: np.ndarray, start_price: float) -> None:
    buf[:, 0] = start_price
    if buf is not out:
        out[...] = buf


def _side_output(
    name: str, array: np.ndarray | None, shape: tuple[int, int], dtype: type[np.integer]
) -> np.ndarray:
    """Scratch array for an optional per-day output (regimes, jumps, indices)."""
    if array is None:
        return {np.int8: _EMPTY_INT8, np.int32: _EMPTY_INT32}.get(dtype, _EMPTY_INT64)
    if not isinstance(array, np.ndarray) or array.shape != shape:
        raise ValueError(f"{name} must be a numpy array of shape {shape}, got {np.shape(array)}")
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must have an integer dtype, got {array.dtype}")
    return np.empty(shape, dtype=dtype)


# --------------------------------------------------------------------------
# Calibration and price windows
# --------------------------------------------------------------------------


def _window(
    prices: pd.Series | None, start: DateLike | None, end: DateLike | None, minimum: int
) -> tuple[pd.Series, str]:
    """The validated daily price window ``[start, end]`` and its source label."""
    if prices is None:
        history = datasets.load_history()
        series = history["price_usd"]
        # names the cached days too when `minerecon data update` added some
        source = f"price_usd of the {history.attrs['source']}"
    else:
        if not isinstance(prices, pd.Series):
            raise ValueError(
                f"prices must be a pandas Series of daily prices indexed by date, "
                f"got {type(prices).__name__}"
            )
        if not isinstance(prices.index, pd.DatetimeIndex):
            raise ValueError(
                f"prices must be indexed by a DatetimeIndex, got {type(prices.index).__name__}"
            )
        if len(prices) == 0:
            raise ValueError("prices is empty")
        if not (prices.index.is_monotonic_increasing and prices.index.is_unique):
            raise ValueError("prices must be indexed by strictly increasing dates")
        series = prices
        source = "user series" if prices.name is None else f"user series {prices.name!r}"
    first, last = series.index[0], series.index[-1]
    days_of = "the bundled history: prices is None" if prices is None else "the days of prices"
    bounds = {}
    for name, value, default in (("start", start, first), ("end", end, last)):
        bounds[name] = (
            default
            if value is None
            else datasets.parse_day(
                name, value, first=first, last=last, source=days_of, normalize=False
            )
        )
    if bounds["start"] > bounds["end"]:
        raise ValueError(
            f"start must not be after end, got start={bounds['start'].date()}, "
            f"end={bounds['end'].date()}"
        )
    window = series.loc[bounds["start"] : bounds["end"]]
    steps = np.diff(window.index.to_numpy())
    bad = np.flatnonzero(steps != np.timedelta64(1, "D"))
    if bad.size:
        raise ValueError(
            f"prices must be daily with no gaps; step of {pd.Timedelta(steps[bad[0]])} "
            f"before {window.index[bad[0] + 1].date()}"
        )
    try:
        values = window.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"prices must be numeric, got dtype {window.dtype}") from None
    check("prices", values, low=0.0, low_open=True, unit="[USD/BTC]")
    if not np.isfinite(values).all():
        raise ValueError("prices must be finite")
    if len(window) < minimum:
        raise ValueError(
            f"prices between start and end ({window.index[0].date()}..{window.index[-1].date()}) "
            f"hold {len(window)} daily prices; this fit needs at least {minimum}"
        )
    return window, source


def _calibration(window: pd.Series, source: str, method: str) -> Calibration:
    return Calibration(source, window.index[0], window.index[-1], len(window), method)


def _log_returns(window: pd.Series) -> np.ndarray:
    return np.diff(np.log(window.to_numpy(dtype=float)))


# --------------------------------------------------------------------------
# Engine entry point
# --------------------------------------------------------------------------


def simulate(
    model: PriceModel,
    n_paths: int,
    n_days: int,
    *,
    start_price: float,
    seed: SeedLike = None,
) -> FloatArray:
    """Price paths of a model, reproducible by seed and independent of chunking.

    Parameters
    ----------
    model : ConstantPrice, GrowthPrice, GBM, MertonJump, RegimeSwitching or StationaryBootstrap
        Any object with a ``sample(rng, out, start_price)`` method.
    n_paths : int
        Number of paths, >= 1.
    n_days : int
        Days per path including day 0, >= 1. A run that cannot fit in the
        machine's memory is refused before anything is allocated.
    start_price : float
        Price on day 0 [USD/BTC], > 0.
    seed : int, SeedSequence, Generator or None
        Seed of the random streams (user guide, "Randomness").

    Returns
    -------
    numpy.ndarray
        Shape ``(n_paths, n_days)``: ``out[i, t]`` is the price of path ``i``
        on day ``t`` [USD/BTC].

    Notes
    -----
    Equivalent to ``Streams(seed).fill(PRICE, 0, n_paths, n_days, sampler)``:
    path ``i`` comes from the stream of block ``i // 100`` of the ``PRICE``
    component, so any chunk ``Streams(seed).fill(PRICE, a, b, ...)``
    reproduces rows ``a .. b - 1`` exactly.

    Examples
    --------
    >>> paths = simulate(GBM(drift=0.3, volatility=0.6), 1000, 366, start_price=60_000, seed=1)
    >>> paths.shape, float(paths[0, 0])
    ((1000, 366), 60000.0)
    """
    # pandas objects have a sample method of their own (random rows), not the protocol's
    if isinstance(model, pd.Series | pd.DataFrame) or not callable(getattr(model, "sample", None)):
        raise ValueError(
            f"model must have a sample(rng, out, start_price) method, got {type(model).__name__}"
        )
    n_paths = check_count("n_paths", n_paths)
    n_days = check_count("n_days", n_days)
    _check_memory(n_paths, n_days, 8)
    start_price = _start_price(start_price)

    def sampler(rng: np.random.Generator, out: np.ndarray) -> None:
        model.sample(rng, out, start_price)

    return _random.Streams(seed).fill(_random.PRICE, 0, n_paths, n_days, sampler)


class _PriceModel:
    """Shared convenience methods of the price models."""

    def simulate(
        self, n_paths: int, n_days: int, *, start_price: float, seed: SeedLike = None
    ) -> FloatArray:
        """Paths of this model; see :func:`simulate`."""
        # the models that inherit this method have the protocol's sample method
        model = cast("PriceModel", self)
        return simulate(model, n_paths, n_days, start_price=start_price, seed=seed)


# --------------------------------------------------------------------------
# Deterministic models
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ConstantPrice(_PriceModel):
    """The price stays at its starting value.

    Parameters
    ----------
    calibration : Calibration or None
        Recorded by :meth:`fit`; the model has no parameters to estimate.

    Notes
    -----
    ``S_t = S_0``. Draws no random numbers.

    Examples
    --------
    >>> ConstantPrice().simulate(2, 3, start_price=60_000).tolist()
    [[60000.0, 60000.0, 60000.0], [60000.0, 60000.0, 60000.0]]
    """

    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        _check_calibration(self.calibration)

    def sample(self, rng: np.random.Generator, out: np.ndarray, start_price: float) -> None:
        """Fill ``out`` with ``start_price`` [USD/BTC]; ``rng`` is not used."""
        start_price = _start_price(start_price)
        _buffer(out)
        out[...] = start_price

    @classmethod
    def fit(
        cls,
        prices: pd.Series | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
    ) -> ConstantPrice:
        """Record the window only: a constant price has no parameter to estimate.

        Parameters
        ----------
        prices : pandas.Series, optional
            Daily prices [USD/BTC] indexed by date, without gaps; the bundled
            history's ``price_usd`` by default.
        start, end : str or Timestamp, optional
            First and last day of the window (inclusive).
        """
        window, source = _window(prices, start, end, 1)
        return cls(_calibration(window, source, "none (price held at start_price)"))


@dataclasses.dataclass(frozen=True)
class GrowthPrice(_PriceModel):
    """Deterministic compound growth.

    Parameters
    ----------
    annual_growth : float
        Growth per year [1/yr], > -1 (0.1 is 10 % a year).
    calibration : Calibration or None
        Set by :meth:`fit`.

    Notes
    -----
    ``S_t = S_0 (1 + g)^(t / 365)`` with ``t`` in days. Draws no random numbers.

    Examples
    --------
    >>> GrowthPrice(annual_growth=0.1).simulate(1, 731, start_price=100.0)[0, [365, 730]]
    array([110., 121.])
    """

    annual_growth: float
    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        g = _real("annual_growth", self.annual_growth, low=-1.0, low_open=True, unit="[1/yr]")
        object.__setattr__(self, "annual_growth", g)
        _check_calibration(self.calibration)

    def sample(self, rng: np.random.Generator, out: np.ndarray, start_price: float) -> None:
        """Fill ``out`` with the growth path [USD/BTC]; ``rng`` is not used."""
        start_price = _start_price(start_price)
        _buffer(out)
        days = np.arange(out.shape[1], dtype=float)
        out[...] = start_price * (1.0 + self.annual_growth) ** (days / DAYS_PER_YEAR)
        out[:, 0] = start_price

    @classmethod
    def fit(
        cls,
        prices: pd.Series | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
    ) -> GrowthPrice:
        """Annualised geometric mean growth over a window.

        Parameters
        ----------
        prices : pandas.Series, optional
            Daily prices [USD/BTC] indexed by date, without gaps; the bundled
            history's ``price_usd`` by default.
        start, end : str or Timestamp, optional
            First and last day of the window (inclusive).

        Raises
        ------
        ValueError
            If the prices move so fast that ``g`` is beyond a float: ``1 + g``
            rounds to 0 (a fall of more than about 9.6 % a day on average) or
            overflows. A longer window gives a rate that can be held.

        Notes
        -----
        ``g = (S_end / S_start)^(365 / n) - 1`` with ``n`` the days between
        the first and last price.

        Examples
        --------
        >>> round(GrowthPrice.fit(start="2020-01-01", end="2024-12-31").annual_growth, 3)
        0.668
        """
        window, source = _window(prices, start, end, 2)
        values = window.to_numpy(dtype=float)
        days = len(values) - 1
        with np.errstate(over="ignore", under="ignore"):
            growth = float((values[-1] / values[0]) ** (DAYS_PER_YEAR / days) - 1.0)
        if not (math.isfinite(growth) and growth > -1.0):
            raise ValueError(
                f"prices between start and end ({window.index[0].date()}.."
                f"{window.index[-1].date()}) go from {values[0]:g} to {values[-1]:g} in {days} "
                "days: the annual growth is beyond a float; use a longer window"
            )
        return cls(growth, _calibration(window, source, "annualised geometric mean growth"))


# --------------------------------------------------------------------------
# Geometric Brownian motion
# --------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _log_walk(
    z: np.ndarray, log_start: float, drift: float, scale: float
) -> None:  # pragma: no cover - numba
    """Turn normals ``z`` into log prices in place: one pass instead of three."""
    n_paths, n_days = z.shape
    for p in range(n_paths):
        level = log_start
        z[p, 0] = level
        for t in range(1, n_days):
            level += z[p, t] * scale + drift
            z[p, t] = level


@dataclasses.dataclass(frozen=True)
class GBM(_PriceModel):
    """Geometric Brownian motion.

    Parameters
    ----------
    drift : float
        Annualised arithmetic drift ``mu`` [1/yr]; ``E[S_t] = S_0 exp(mu t)``.
    volatility : float
        Annualised volatility ``sigma`` of log returns [1/sqrt(yr)], >= 0.
    calibration : Calibration or None
        Set by :meth:`fit`.

    Notes
    -----
    With ``dt = 1/365`` and ``z`` standard normal,

    ``log S_{t+1} - log S_t = (mu - sigma^2 / 2) dt + sigma sqrt(dt) z_{t+1}``,

    which is exact (no discretisation error) and gives
    ``E[S_t] = S_0 exp(mu t)`` with ``t`` in years.

    Draw order, per block: ``n_paths * n_days`` standard normals into
    ``out`` in row-major order (path by path, day by day); the normal of
    day 0 of each path is drawn and discarded.

    References
    ----------
    P. Glasserman, *Monte Carlo Methods in Financial Engineering*,
    Springer, 2004, section 3.2.

    Examples
    --------
    >>> model = GBM(drift=0.3, volatility=0.6)
    >>> paths = model.simulate(20_000, 366, start_price=1.0, seed=7)
    >>> round(float(paths[:, 365].mean()), 2)   # exp(0.3) = 1.35
    1.35
    """

    drift: float
    volatility: float
    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "drift", _real("drift", self.drift, unit="[1/yr]"))
        vol = _real("volatility", self.volatility, low=0.0, unit="[1/sqrt(yr)]")
        object.__setattr__(self, "volatility", vol)
        _check_calibration(self.calibration)

    def sample(self, rng: np.random.Generator, out: np.ndarray, start_price: float) -> None:
        """Fill ``out`` (n_paths, n_days) in place with price paths [USD/BTC]."""
        start_price = _start_price(start_price)
        buf = _buffer(out)
        rng.standard_normal(out=buf)
        _log_walk(
            buf,
            math.log(start_price),
            (self.drift - 0.5 * self.volatility**2) * DT,
            self.volatility * math.sqrt(DT),
        )
        np.exp(buf, out=buf)
        _finish(buf, out, start_price)

    @classmethod
    def fit(
        cls,
        prices: pd.Series | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
    ) -> GBM:
        """Maximum-likelihood GBM from daily log returns.

        Parameters
        ----------
        prices : pandas.Series, optional
            Daily prices [USD/BTC] indexed by date, without gaps; the bundled
            history's ``price_usd`` by default.
        start, end : str or Timestamp, optional
            First and last day of the window (inclusive).

        Notes
        -----
        With ``r`` the daily log returns, ``m`` their mean and ``s`` their
        standard deviation (divisor ``n``, the MLE):
        ``sigma = s sqrt(365)`` and ``mu = 365 m + sigma^2 / 2``.
        The drift is poorly determined: its standard error is about
        ``sigma / sqrt(years)``.

        Examples
        --------
        >>> model = GBM.fit(start="2020-01-01")
        >>> round(model.volatility, 2), str(model.calibration.start.date())
        (0.61, '2020-01-01')
        """
        window, source = _window(prices, start, end, 3)
        r = _log_returns(window)
        vol = float(r.std()) * math.sqrt(DAYS_PER_YEAR)
        drift = float(r.mean()) * DAYS_PER_YEAR + 0.5 * vol**2
        return cls(drift, vol, _calibration(window, source, "Gaussian MLE of daily log returns"))


# --------------------------------------------------------------------------
# Merton jump-diffusion
# --------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _poisson_inverse(u: float, lam: float) -> int:
    """Smallest k with P(N <= k) > u for N ~ Poisson(lam) (inversion)."""
    p = math.exp(-lam)
    c = p
    k = 0
    while u >= c and k < 10_000:
        k += 1
        p *= lam / k
        c += p
        if p == 0.0 and k > lam:
            break
    return k


@njit(cache=True, nogil=True)
def _merton_paths(
    out: np.ndarray,
    u: np.ndarray,
    zj: np.ndarray,
    a: float,
    b: float,
    lam: float,
    m: float,
    d: float,
    log_s0: float,
    jumps: np.ndarray,
) -> None:  # pragma: no cover - numba
    n_paths, n_days = out.shape
    store = jumps.shape[0] > 0
    for i in range(n_paths):
        x = log_s0
        if store:
            jumps[i, 0] = 0
        for t in range(1, n_days):
            k = _poisson_inverse(u[i, t], lam)
            x += a + b * out[i, t]
            if k > 0:
                x += k * m + math.sqrt(k) * d * zj[i, t]
            out[i, t] = math.exp(x)
            if store:
                jumps[i, t] = k


_MERTON_MAX_JUMPS = 20  # Poisson terms kept in the daily likelihood
_MERTON_MAX_DAILY_INTENSITY = 2.0  # upper bound of lambda dt in the fit [1/day]


@njit(cache=True, nogil=True)
def _merton_negloglik_kernel(
    x: np.ndarray, a: float, s: float, lam: float, m: float, d: float
) -> float:  # pragma: no cover - numba
    n_terms = _MERTON_MAX_JUMPS + 1
    log_w = np.empty(n_terms)
    var = np.empty(n_terms)
    log_lam = math.log(lam)
    for k in range(n_terms):
        var[k] = s * s + k * d * d
        log_w[k] = k * log_lam - lam - math.lgamma(k + 1.0) - 0.5 * math.log(2 * math.pi * var[k])
    total = 0.0
    terms = np.empty(n_terms)
    for t in range(x.shape[0]):
        top = -np.inf
        for k in range(n_terms):
            z = x[t] - a - k * m
            terms[k] = log_w[k] - 0.5 * z * z / var[k]
            top = max(top, terms[k])
        acc = 0.0
        for k in range(n_terms):
            acc += math.exp(terms[k] - top)
        total += top + math.log(acc)
    return -total


def _merton_negloglik(theta: np.ndarray, x: np.ndarray) -> float:
    a, log_s, log_l, m, log_d = theta
    return _merton_negloglik_kernel(x, a, math.exp(log_s), math.exp(log_l), m, math.exp(log_d))


def _threshold_jumps(r: np.ndarray, threshold: float) -> np.ndarray:
    """Jump days: returns beyond ``threshold`` std of the others, iterated to a fixed point."""
    jump = np.zeros(r.size, dtype=bool)
    for _ in range(100):
        calm = r[~jump]
        new = np.abs(r - calm.mean()) > threshold * calm.std()
        if np.array_equal(new, jump) or new.all():
            break
        jump = new
    return jump


def _fit_merton_threshold(r: np.ndarray, threshold: float) -> tuple[float, ...]:
    """Daily (a, s, lam, m, d) from returns classified as jumps or diffusion."""
    jump = _threshold_jumps(r, threshold)
    calm = r[~jump]
    s = float(calm.std())
    lam = float(jump.mean())
    m = float(r[jump].mean() - calm.mean()) if jump.any() else 0.0
    d = math.sqrt(max(float(r[jump].var()) - s * s, 0.0)) if jump.sum() >= 2 else 0.0
    a = float(r.mean()) - lam * m  # so that the model's E[r] = a + lam m is the sample mean
    return a, s, lam, m, d


def _fit_merton_mle(r: np.ndarray) -> tuple[float, ...]:
    """Daily (a, s, lam, m, d) by MLE on standardised returns, several starts."""
    centre = float(np.median(r))
    scale = float(r.std())
    x = (r - centre) / scale
    bounds = [(-5.0, 5.0), (math.log(1e-3), math.log(10.0))]
    bounds += [(math.log(1e-5), math.log(_MERTON_MAX_DAILY_INTENSITY))]
    bounds += [(-20.0, 20.0), (math.log(0.05), math.log(50.0))]
    best = None
    for threshold in (3.0, 4.0):
        a0, s0, lam0, m0, d0 = _fit_merton_threshold(x, threshold)
        s0 = max(s0, 0.05)
        theta0: list[float] | np.ndarray = [
            a0,
            math.log(s0),
            math.log(min(max(lam0, 1e-3), 0.5)),
            m0,
            math.log(max(d0, 2 * s0)),
        ]
        theta0 = np.clip(theta0, [lo for lo, _ in bounds], [hi for _, hi in bounds])
        res = optimize.minimize(
            _merton_negloglik, theta0, args=(x,), method="L-BFGS-B", bounds=bounds
        )
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:  # pragma: no cover - defensive
        raise RuntimeError("the Merton likelihood could not be maximised")
    a, log_s, log_l, m, log_d = best.x
    return (
        centre + scale * a,
        scale * math.exp(log_s),
        math.exp(log_l),
        scale * m,
        scale * math.exp(log_d),
    )


@dataclasses.dataclass(frozen=True)
class MertonJump(_PriceModel):
    """Merton jump-diffusion: GBM plus lognormal jumps at Poisson times.

    Parameters
    ----------
    drift : float
        Annualised arithmetic drift ``mu`` [1/yr]; jumps are compensated so
        that ``E[S_t] = S_0 exp(mu t)``.
    volatility : float
        Annualised volatility ``sigma`` of the diffusion [1/sqrt(yr)], >= 0.
    jump_intensity : float
        Expected jumps per year ``lambda`` [1/yr], in [0, 36500].
    jump_mean : float
        Mean ``m`` of the log jump size ``log J`` [-].
    jump_volatility : float
        Standard deviation ``delta`` of the log jump size [-], >= 0.
    calibration : Calibration or None
        Set by :meth:`fit`.

    Notes
    -----
    With ``dt = 1/365``, ``N_t ~ Poisson(lambda dt)`` jumps on day ``t`` and
    ``kappa = E[J - 1] = exp(m + delta^2 / 2) - 1``,

    ``log S_t - log S_{t-1} = (mu - sigma^2/2 - lambda kappa) dt
    + sigma sqrt(dt) z_t + N_t m + sqrt(N_t) delta w_t``,

    exact because the sum of ``N_t`` normal log jumps is
    ``N(N_t m, N_t delta^2)``. Then ``E[S_t] = S_0 exp(mu t)``.

    Draw order, per block, each row-major (path by path, day by day):
    ``n_paths * n_days`` standard normals ``z`` into ``out`` (the same as
    :class:`GBM`, so ``jump_intensity=0`` reproduces GBM paths to rounding), then as
    many uniforms that give ``N_t`` by inversion of the Poisson CDF, then
    as many standard normals ``w``. Day 0 of each row is drawn and unused.

    References
    ----------
    R. C. Merton, "Option pricing when underlying stock returns are
    discontinuous", *Journal of Financial Economics* 3 (1976) 125-144.

    Examples
    --------
    >>> model = MertonJump(0.3, 0.5, jump_intensity=12, jump_mean=-0.05, jump_volatility=0.1)
    >>> paths = model.simulate(20_000, 366, start_price=1.0, seed=3)
    >>> round(float(paths[:, 365].mean()), 2)   # exp(0.3) = 1.35
    1.35
    """

    drift: float
    volatility: float
    jump_intensity: float
    jump_mean: float
    jump_volatility: float
    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        values = {
            "drift": _real("drift", self.drift, unit="[1/yr]"),
            "volatility": _real("volatility", self.volatility, low=0.0, unit="[1/sqrt(yr)]"),
            "jump_intensity": _real(
                "jump_intensity", self.jump_intensity, low=0.0, high=36500.0, unit="[1/yr]"
            ),
            "jump_mean": _real("jump_mean", self.jump_mean, low=-10.0, high=10.0, unit="[-]"),
            "jump_volatility": _real(
                "jump_volatility", self.jump_volatility, low=0.0, high=10.0, unit="[-]"
            ),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)
        _check_calibration(self.calibration)

    @property
    def jump_compensator(self) -> float:
        """``kappa = exp(m + delta^2 / 2) - 1``, the mean relative jump [-]."""
        return math.expm1(self.jump_mean + 0.5 * self.jump_volatility**2)

    def sample(
        self,
        rng: np.random.Generator,
        out: np.ndarray,
        start_price: float,
        *,
        jumps: np.ndarray | None = None,
    ) -> None:
        """Fill ``out`` (n_paths, n_days) in place with price paths [USD/BTC].

        ``jumps``, if given (integer array of ``out``'s shape), receives the
        number of jumps on each day (0 on day 0).
        """
        start_price = _start_price(start_price)
        buf = _buffer(out)
        jump_out = _side_output("jumps", jumps, buf.shape, np.int32)
        rng.standard_normal(out=buf)
        u = rng.random(buf.shape)
        zj = rng.standard_normal(buf.shape)
        sigma = self.volatility
        a = (self.drift - 0.5 * sigma**2 - self.jump_intensity * self.jump_compensator) * DT
        _merton_paths(
            buf,
            u,
            zj,
            a,
            sigma * math.sqrt(DT),
            self.jump_intensity * DT,
            self.jump_mean,
            self.jump_volatility,
            math.log(start_price),
            jump_out,
        )
        _finish(buf, out, start_price)
        if jumps is not None:
            jumps[...] = jump_out

    @classmethod
    def fit(
        cls,
        prices: pd.Series | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        method: str = "mle",
        threshold: float = 4.0,
    ) -> MertonJump:
        """Merton jump-diffusion from daily log returns, by MLE or by a jump threshold.

        Parameters
        ----------
        prices : pandas.Series, optional
            Daily prices [USD/BTC] indexed by date, without gaps; the bundled
            history's ``price_usd`` by default.
        start, end : str or Timestamp, optional
            First and last day of the window (inclusive); at least 100 days.
        method : {"mle", "threshold"}, default "mle"
            Estimator; see Notes.
        threshold : float, default 4
            For ``method="threshold"``: a jump is a return more than this
            many standard deviations of the other returns from their mean
            [-], > 0.

        Notes
        -----
        ``"mle"``: a daily log return is a Poisson mixture of normals,
        ``f(r) = sum_k Pois(k; lambda dt) N(r; a + k m, sigma^2 dt + k delta^2)``,
        truncated at 20 jumps a day, with ``a = (mu - sigma^2/2 - lambda kappa) dt``.
        The log-likelihood is maximised with L-BFGS-B on returns
        standardised by their median and standard deviation, started from the
        threshold estimates at 3 and 4 standard deviations; the better
        optimum wins. Bounds: ``lambda dt <= 2`` and ``delta`` at least 0.05
        return standard deviations. On synthetic Merton data it recovers the
        parameters; on BTC the likelihood uses frequent small jumps
        (hundreds a year) to mimic the fat tails that volatility
        clustering creates, so ``jump_intensity`` is not a count of crashes.

        ``"threshold"``: returns further than ``threshold`` standard
        deviations from the mean of the remaining returns are jumps,
        iterated until the classification is stable. ``sigma`` is the
        annualised standard deviation of the other returns, ``lambda`` the
        jump days per year, ``m`` the mean excess log return on jump days
        and ``delta^2`` their variance minus ``sigma^2 dt``. Jumps smaller
        than the threshold are missed, so ``lambda`` is biased low and
        ``|m|``, ``delta`` high; it describes crash-sized moves.

        Both then set ``mu = a / dt + sigma^2 / 2 + lambda kappa``, with ``a``
        the daily mean of the diffusion part (for ``"threshold"``, the sample
        mean of all returns minus ``lambda dt m``, so the model's mean daily
        log return is the sample's).

        References
        ----------
        S. J. Press, "A compound events model for security prices",
        *Journal of Business* 40 (1967) 317-335 (maximum likelihood of the
        compound Poisson-normal model).

        Examples
        --------
        >>> model = MertonJump.fit(start="2020-01-01", method="threshold")
        >>> model.calibration.n_observations, round(model.jump_intensity, 1)
        (2420, 2.4)
        """
        if not isinstance(method, str) or method not in ("mle", "threshold"):
            raise ValueError(f"method must be 'mle' or 'threshold', got {method!r}")
        threshold = _real("threshold", threshold, low=0.0, low_open=True, unit="[-]")
        window, source = _window(prices, start, end, 100)
        r = _log_returns(window)
        if r.std() == 0.0:
            raise ValueError("prices must vary to fit a jump-diffusion, got constant prices")
        if method == "mle":
            a, s, lam, m, d = _fit_merton_mle(r)
            label = "MLE of the Poisson-normal mixture of daily log returns"
        else:
            a, s, lam, m, d = _fit_merton_threshold(r, threshold)
            label = f"jumps = daily log returns beyond {threshold:g} standard deviations"
        volatility = s * math.sqrt(DAYS_PER_YEAR)
        intensity = lam * DAYS_PER_YEAR
        kappa = math.expm1(m + 0.5 * d * d)
        drift = a * DAYS_PER_YEAR + 0.5 * volatility**2 + intensity * kappa
        return cls(drift, volatility, intensity, m, d, _calibration(window, source, label))


# --------------------------------------------------------------------------
# Markov regime switching
# --------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _pick(cumulative: np.ndarray, u: float) -> int:  # pragma: no cover - numba
    k = cumulative.shape[0]
    for j in range(k - 1):
        if u < cumulative[j]:
            return j
    return k - 1


@njit(cache=True, nogil=True)
def _regime_paths(
    out: np.ndarray,
    u: np.ndarray,
    cum_init: np.ndarray,
    cum_trans: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    init_state: int,
    log_s0: float,
    states: np.ndarray,
) -> None:
    n_paths, n_days = out.shape
    store = states.shape[0] > 0
    for i in range(n_paths):
        s = init_state if init_state >= 0 else _pick(cum_init, u[i, 0])
        if store:
            states[i, 0] = s
        x = log_s0
        for t in range(1, n_days):
            x += a[s] + b[s] * out[i, t]
            out[i, t] = math.exp(x)
            s = _pick(cum_trans[s], u[i, t])
            if store:
                states[i, t] = s


def _stationary(matrix: np.ndarray) -> np.ndarray | None:
    """The stationary distribution of a transition matrix, or None if not unique."""
    k = matrix.shape[0]
    system = np.vstack([matrix.T - np.eye(k), np.ones((1, k))])
    if np.linalg.matrix_rank(system, tol=1e-12) < k:
        return None
    rhs = np.zeros(k + 1)
    rhs[-1] = 1.0
    pi = np.linalg.lstsq(system, rhs, rcond=None)[0]
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum()


@dataclasses.dataclass(frozen=True)
class RegimeSwitching(_PriceModel):
    """GBM whose drift and volatility follow a daily Markov chain of 2 or 3 regimes.

    Parameters
    ----------
    drifts : sequence of float
        Annualised arithmetic drift of each regime [1/yr].
    volatilities : sequence of float
        Annualised volatility of each regime [1/sqrt(yr)], >= 0.
    transition : sequence
        Either the daily transition matrix ``P[i][j]`` = probability of
        regime ``j`` tomorrow given regime ``i`` today (rows sum to 1), or
        the per-day probability of leaving each regime (with 3 regimes the
        leaving probability is split evenly between the other two). Stored
        as the matrix.
    initial_state : int or None
        Regime on day 0; None draws it from the stationary distribution.
    calibration : Calibration or None
        Set by :meth:`fit`.

    Notes
    -----
    With ``s_t`` the regime on day ``t`` and ``dt = 1/365``,

    ``log S_{t+1} - log S_t = (mu_{s_t} - sigma_{s_t}^2 / 2) dt
    + sigma_{s_t} sqrt(dt) z_{t+1}``,

    so the regime of day ``t`` sets the return from day ``t`` to ``t + 1``.
    The regime of day 0 is drawn from the stationary distribution ``pi``
    (``pi P = pi``) unless ``initial_state`` is given, so with the default
    every day's regime is distributed as ``pi``.

    Draw order, per block, each row-major: ``n_paths * n_days`` standard
    normals into ``out`` (day 0 unused, as in :class:`GBM`), then as many
    uniforms ``u``: ``u[i, 0]`` picks the regime of day 0 (drawn even when
    ``initial_state`` is given) and ``u[i, t]`` the regime of day ``t``, by
    inversion of the cumulative row of ``P``.

    References
    ----------
    J. D. Hamilton, "A new approach to the economic analysis of
    nonstationary time series and the business cycle", *Econometrica* 57
    (1989) 357-384.

    Examples
    --------
    >>> model = RegimeSwitching(drifts=(0.8, -0.5), volatilities=(0.5, 0.9),
    ...                         transition=(0.01, 0.02))
    >>> model.transition
    ((0.99, 0.01), (0.02, 0.98))
    >>> model.stationary_distribution.round(3)
    array([0.667, 0.333])
    """

    drifts: Sequence[float]
    volatilities: Sequence[float]
    transition: Sequence[float] | Sequence[Sequence[float]]
    initial_state: int | None = None
    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        drifts = self._vector("drifts", self.drifts, unit="[1/yr]")
        k = len(drifts)
        if k not in (2, 3):
            raise ValueError(f"drifts must give 2 or 3 regimes, got {k}")
        vols = self._vector("volatilities", self.volatilities, low=0.0, unit="[1/sqrt(yr)]")
        if len(vols) != k:
            raise ValueError(f"volatilities must give {k} regimes like drifts, got {len(vols)}")
        matrix = self._matrix(self.transition, k)
        object.__setattr__(self, "drifts", tuple(drifts))
        object.__setattr__(self, "volatilities", tuple(vols))
        object.__setattr__(self, "transition", tuple(tuple(float(p) for p in r) for r in matrix))
        state = self.initial_state
        if state is None:
            if _stationary(matrix) is None:
                raise ValueError(
                    "transition has no unique stationary distribution (a regime can never "
                    "be reached from another); give initial_state"
                )
        else:
            if isinstance(state, bool) or not isinstance(state, int | np.integer):
                raise ValueError(f"initial_state must be None or an integer, got {state!r}")
            if not 0 <= state < k:
                raise ValueError(f"initial_state must be in [0, {k - 1}] or None, got {state}")
            object.__setattr__(self, "initial_state", int(state))
        _check_calibration(self.calibration)

    @staticmethod
    def _vector(name: str, values: object, **bounds: Any) -> list[float]:
        array = np.asarray(values, dtype=object)
        if array.ndim != 1:
            raise ValueError(f"{name} must be a sequence of numbers, got {values!r}")
        return [_real(f"{name}[{i}]", v, **bounds) for i, v in enumerate(array)]

    @staticmethod
    def _matrix(transition: object, k: int) -> np.ndarray:
        try:
            array = np.asarray(transition, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(
                f"transition must be a {k}x{k} matrix or {k} switching probabilities, "
                f"got {transition!r}"
            ) from None
        if array.shape == (k,):
            check("transition", array, low=0.0, high=1.0, unit="[1/day]")
            matrix = np.repeat((array / (k - 1))[:, None], k, axis=1)
            np.fill_diagonal(matrix, 1.0 - array)
            return matrix
        if array.shape != (k, k):
            raise ValueError(
                f"transition must be a {k}x{k} matrix or {k} switching probabilities, "
                f"got shape {array.shape}"
            )
        check("transition", array, low=0.0, high=1.0, unit="[1/day]")
        sums = array.sum(axis=1)
        bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-9)
        if bad.size:
            raise ValueError(
                f"transition rows must sum to 1, got row {bad[0]} summing to {sums[bad[0]]:g}"
            )
        return array / sums[:, None]

    @property
    def n_states(self) -> int:
        """Number of regimes."""
        return len(self.drifts)

    @property
    def stationary_distribution(self) -> FloatArray:
        """Long-run share of days in each regime ``pi`` with ``pi P = pi`` [-]."""
        pi = _stationary(np.asarray(self.transition))
        if pi is None:
            raise ValueError("transition has no unique stationary distribution")
        return pi

    def sample(
        self,
        rng: np.random.Generator,
        out: np.ndarray,
        start_price: float,
        *,
        states: np.ndarray | None = None,
    ) -> None:
        """Fill ``out`` (n_paths, n_days) in place with price paths [USD/BTC].

        ``states``, if given (integer array of ``out``'s shape), receives the
        regime of each day.
        """
        start_price = _start_price(start_price)
        buf = _buffer(out)
        state_out = _side_output("states", states, buf.shape, np.int8)
        rng.standard_normal(out=buf)
        u = rng.random(buf.shape)
        matrix = np.asarray(self.transition)
        cum_trans = np.cumsum(matrix, axis=1)
        cum_trans[:, -1] = 1.0
        if self.initial_state is None:
            cum_init = np.cumsum(self.stationary_distribution)
            cum_init[-1] = 1.0
            init = -1
        else:
            cum_init = np.ones(self.n_states)
            init = self.initial_state
        vols = np.asarray(self.volatilities)
        a = (np.asarray(self.drifts) - 0.5 * vols**2) * DT
        b = vols * math.sqrt(DT)
        _regime_paths(buf, u, cum_init, cum_trans, a, b, init, math.log(start_price), state_out)
        _finish(buf, out, start_price)
        if states is not None:
            states[...] = state_out

    @classmethod
    def fit(
        cls,
        prices: pd.Series | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        n_states: int = 2,
    ) -> RegimeSwitching:
        """Gaussian hidden Markov model of daily log returns, fitted by EM.

        Parameters
        ----------
        prices : pandas.Series, optional
            Daily prices [USD/BTC] indexed by date, without gaps; the bundled
            history's ``price_usd`` by default.
        start, end : str or Timestamp, optional
            First and last day of the window (inclusive); at least 100 days.
        n_states : int, default 2
            Number of regimes, 2 or 3.

        Notes
        -----
        Baum-Welch (expectation-maximisation) with scaled forward-backward
        recursions: each regime ``i`` emits daily log returns
        ``N(a_i, s_i^2)``. EM starts from three splits of the returns by
        absolute size (regime 0 calm, the last turbulent, 0.98 persistence)
        and keeps the highest likelihood; variances are floored at 1e-6 of
        the sample variance. Regimes are ordered by volatility (0 = calmest).
        Then ``sigma_i = s_i sqrt(365)`` and ``mu_i = 365 a_i + sigma_i^2/2``;
        ``initial_state`` is None (stationary start).

        References
        ----------
        L. R. Rabiner, "A tutorial on hidden Markov models and selected
        applications in speech recognition", *Proceedings of the IEEE* 77
        (1989) 257-286.

        Examples
        --------
        >>> model = RegimeSwitching.fit()
        >>> [round(v, 2) for v in model.volatilities]
        [0.33, 1.03]
        """
        if (
            not isinstance(n_states, int | np.integer)
            or isinstance(n_states, bool)
            or n_states not in (2, 3)
        ):
            raise ValueError(f"n_states must be 2 or 3, got {n_states!r}")
        window, source = _window(prices, start, end, 100)
        mu, var, matrix = _fit_hmm(_log_returns(window), n_states)
        vols = np.sqrt(var * DAYS_PER_YEAR)
        drifts = mu * DAYS_PER_YEAR + 0.5 * vols**2
        return cls(
            tuple(float(v) for v in drifts),
            tuple(float(v) for v in vols),
            tuple(tuple(float(p) for p in row) for row in matrix),
            None,
            _calibration(window, source, f"{n_states}-state Gaussian HMM by Baum-Welch EM"),
        )


@njit(cache=True, nogil=True)
def _baum_welch(
    x: np.ndarray,
    mu: np.ndarray,
    var: np.ndarray,
    P: np.ndarray,
    pi0: np.ndarray,
    max_iter: int,
    tol: float,
    var_floor: float,
) -> float:  # pragma: no cover - numba
    n = x.shape[0]
    k = mu.shape[0]
    log_b = np.empty((n, k))
    b = np.empty((n, k))
    alpha = np.empty((n, k))
    beta = np.empty((n, k))
    c = np.empty(n)
    shift = np.empty(n)
    loglik = -np.inf
    for _ in range(max_iter):
        # emission densities, scaled by their largest value on each day
        for t in range(n):
            top = -np.inf
            for j in range(k):
                z = x[t] - mu[j]
                log_b[t, j] = -0.5 * (math.log(2 * math.pi * var[j]) + z * z / var[j])
                top = max(top, log_b[t, j])
            shift[t] = top
            for j in range(k):
                b[t, j] = math.exp(log_b[t, j] - top)
        # forward
        total = 0.0
        for j in range(k):
            alpha[0, j] = pi0[j] * b[0, j]
            total += alpha[0, j]
        c[0] = total
        for j in range(k):
            alpha[0, j] /= total
        for t in range(1, n):
            total = 0.0
            for j in range(k):
                acc = 0.0
                for i in range(k):
                    acc += alpha[t - 1, i] * P[i, j]
                alpha[t, j] = acc * b[t, j]
                total += alpha[t, j]
            c[t] = total
            for j in range(k):
                alpha[t, j] /= total
        new_loglik = 0.0
        for t in range(n):
            new_loglik += math.log(c[t]) + shift[t]
        # backward
        for j in range(k):
            beta[n - 1, j] = 1.0
        for t in range(n - 2, -1, -1):
            for i in range(k):
                acc = 0.0
                for j in range(k):
                    acc += P[i, j] * b[t + 1, j] * beta[t + 1, j]
                beta[t, i] = acc / c[t + 1]
        # M-step
        xi = np.zeros((k, k))
        for t in range(n - 1):
            for i in range(k):
                for j in range(k):
                    xi[i, j] += alpha[t, i] * P[i, j] * b[t + 1, j] * beta[t + 1, j] / c[t + 1]
        weight = np.zeros(k)
        mean = np.zeros(k)
        for t in range(n):
            for j in range(k):
                g = alpha[t, j] * beta[t, j]
                weight[j] += g
                mean[j] += g * x[t]
        for j in range(k):
            pi0[j] = alpha[0, j] * beta[0, j]
            mu[j] = mean[j] / weight[j] if weight[j] > 0 else mu[j]
        for j in range(k):
            acc = 0.0
            for t in range(n):
                z = x[t] - mu[j]
                acc += alpha[t, j] * beta[t, j] * z * z
            var[j] = max(acc / weight[j], var_floor) if weight[j] > 0 else var[j]
        for i in range(k):
            row = 0.0
            for j in range(k):
                row += xi[i, j]
            if row > 0:
                for j in range(k):
                    P[i, j] = xi[i, j] / row
        converged = new_loglik - loglik < tol * (1.0 + abs(new_loglik))
        loglik = new_loglik
        if converged:
            break
    return loglik


def _fit_hmm(r: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Means, variances and transition matrix of a k-state Gaussian HMM (EM, multi-start)."""
    total_var = float(r.var())
    if total_var == 0.0:
        raise ValueError("prices must vary to fit regimes, got constant prices")
    size = np.abs(r - np.median(r))
    best = None
    for calm_share in (0.5, 0.7, 0.85):
        cuts = np.quantile(size, np.linspace(calm_share, 1.0, k)[:-1])
        groups = np.searchsorted(cuts, size)
        mu = np.array(
            [r[groups == j].mean() if np.any(groups == j) else r.mean() for j in range(k)]
        )
        var = np.array(
            [
                max(r[groups == j].var(), 1e-3 * total_var)
                if np.sum(groups == j) > 1
                else total_var
                for j in range(k)
            ]
        )
        matrix = np.full((k, k), 0.02 / (k - 1))
        np.fill_diagonal(matrix, 0.98)
        pi0 = np.full(k, 1.0 / k)
        loglik = _baum_welch(r, mu, var, matrix, pi0, 5000, 1e-10, 1e-6 * total_var)
        if np.isfinite(loglik) and (best is None or loglik > best[0]):
            best = (loglik, mu, var, matrix)
    if best is None:  # pragma: no cover - defensive
        raise RuntimeError("the regime-switching likelihood could not be maximised")
    _, mu, var, matrix = best
    order = np.argsort(var)
    return mu[order], var[order], matrix[np.ix_(order, order)]


# --------------------------------------------------------------------------
# Stationary bootstrap of history
# --------------------------------------------------------------------------


@njit(cache=True, nogil=True)
def _bootstrap_paths(
    out: np.ndarray,
    v: np.ndarray,
    returns: np.ndarray,
    p_new: float,
    log_s0: float,
    indices: np.ndarray,
) -> None:  # pragma: no cover - numba
    n_paths, n_days = out.shape
    n = returns.shape[0]
    store = indices.shape[0] > 0
    for i in range(n_paths):
        x = log_s0
        j = 0
        if store:
            indices[i, 0] = -1
        for t in range(1, n_days):
            if t == 1 or out[i, t] < p_new:
                j = min(int(v[i, t] * n), n - 1)
            else:
                j += 1
                if j == n:
                    j = 0
            x += returns[j]
            out[i, t] = math.exp(x)
            if store:
                indices[i, t] = j


@dataclasses.dataclass(frozen=True, eq=False)
class StationaryBootstrap(_PriceModel):
    """Politis-Romano stationary bootstrap of historical daily log returns.

    Parameters
    ----------
    returns : array-like of float, optional
        Daily log returns to resample [-]; by default those of the whole
        bundled history (``datasets.load_history()["price_usd"]``).
    mean_block_days : float, default 30
        Mean length of the resampled blocks [day], >= 1 (1 is the i.i.d.
        bootstrap).
    keep_drift : bool, default False
        False: the returns are shifted by ``log(mean(exp(r)))`` before
        resampling, so that a day's expected gross return is 1: no drift in
        USD, as :class:`GBM` with ``drift=0``. True: the history's drift is
        kept (the full bundled history compounds at about 35 % a year in log
        terms: a backward-looking forecast of strong growth).
    calibration : Calibration or None
        Set by :meth:`fit` and for the default returns.

    Notes
    -----
    Paths glue together blocks of consecutive historical returns (wrapping
    from the last return to the first). Each day a new block starts with
    probability ``p = 1 / mean_block_days`` at a uniformly drawn index;
    otherwise the next historical return follows. Block lengths are
    geometric with mean ``mean_block_days``, every index is equally likely
    on every day, and volatility clustering within a block is kept:

    ``log S_t = log S_0 + sum_{u=1..t} r[I_u]``.

    Draw order, per block, each row-major: ``n_paths * n_days`` uniforms
    into ``out`` (``u[i, t] < p`` starts a new block on day ``t``), then as
    many uniforms ``v`` (``floor(v[i, t] n)`` is the new block's first
    index). Day 0 of both is unused, and day 1 always starts a block.

    Shifting the returns (``keep_drift=False``) keeps their volatility,
    skew, fat tails and clustering and removes only their mean.

    References
    ----------
    D. N. Politis and J. P. Romano, "The stationary bootstrap", *Journal of
    the American Statistical Association* 89 (1994) 1303-1313.

    Examples
    --------
    >>> model = StationaryBootstrap(mean_block_days=30)
    >>> model.returns.size, str(model.calibration.start.date())
    (4610, '2014-01-01')
    >>> model.simulate(100, 366, start_price=60_000, seed=1).shape
    (100, 366)
    """

    returns: ArrayLike | None = None
    mean_block_days: float = 30.0
    keep_drift: bool = False
    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.keep_drift, bool | np.bool_):
            raise ValueError(f"keep_drift must be True or False, got {self.keep_drift!r}")
        object.__setattr__(self, "keep_drift", bool(self.keep_drift))
        block = _real("mean_block_days", self.mean_block_days, low=1.0, unit="[day]")
        object.__setattr__(self, "mean_block_days", block)
        _check_calibration(self.calibration)
        if self.returns is None:
            window, source = _window(None, None, None, 2)
            returns = _log_returns(window)
            if self.calibration is None:
                calibration = _calibration(window, source, "stationary bootstrap of log returns")
                object.__setattr__(self, "calibration", calibration)
        else:
            try:
                returns = np.array(self.returns, dtype=float)
            except (TypeError, ValueError, OverflowError):
                raise ValueError(
                    "returns must be a 1-D array of finite daily log returns, "
                    f"got {self.returns!r:.60}"
                ) from None
            if returns.ndim != 1 or returns.size < 1:
                raise ValueError(
                    f"returns must be a non-empty 1-D array of daily log returns, "
                    f"got shape {returns.shape}"
                )
            check("returns", returns, unit="[-]")
            if not np.isfinite(returns).all():
                raise ValueError("returns must be finite")
        returns.setflags(write=False)
        object.__setattr__(self, "returns", returns)

    def __repr__(self) -> str:
        returns = cast("FloatArray", self.returns)  # an array once __post_init__ has run
        return (
            f"StationaryBootstrap(returns=<{returns.size} daily log returns>, "
            f"mean_block_days={self.mean_block_days!r}, keep_drift={self.keep_drift!r}, "
            f"calibration={self.calibration!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StationaryBootstrap):
            return NotImplemented
        return (
            self.mean_block_days == other.mean_block_days
            and self.keep_drift == other.keep_drift
            and np.array_equal(cast("FloatArray", self.returns), cast("FloatArray", other.returns))
            and self.calibration == other.calibration
        )

    def __hash__(self) -> int:
        returns = cast("FloatArray", self.returns)
        return hash((self.mean_block_days, self.keep_drift, returns.tobytes(), self.calibration))

    @property
    def resampled_returns(self) -> FloatArray:
        """The returns paths are built from [-]: ``returns`` shifted to no drift in
        USD unless ``keep_drift``."""
        returns = cast("FloatArray", self.returns)
        if self.keep_drift:
            return returns
        shift = np.log(np.mean(np.exp(returns - returns.max()))) + returns.max()
        return returns - shift

    def sample(
        self,
        rng: np.random.Generator,
        out: np.ndarray,
        start_price: float,
        *,
        indices: np.ndarray | None = None,
    ) -> None:
        """Fill ``out`` (n_paths, n_days) in place with price paths [USD/BTC].

        ``indices``, if given (integer array of ``out``'s shape), receives
        the index into ``returns`` used on each day (-1 on day 0).
        """
        start_price = _start_price(start_price)
        buf = _buffer(out)
        index_out = _side_output("indices", indices, buf.shape, np.int64)
        rng.random(out=buf)
        v = rng.random(buf.shape)
        _bootstrap_paths(
            buf,
            v,
            self.resampled_returns,
            1.0 / self.mean_block_days,
            math.log(start_price),
            index_out,
        )
        _finish(buf, out, start_price)
        if indices is not None:
            indices[...] = index_out

    @classmethod
    def fit(
        cls,
        prices: pd.Series | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        mean_block_days: float = 30.0,
        keep_drift: bool = False,
    ) -> StationaryBootstrap:
        """Bootstrap of the daily log returns of a window.

        Parameters
        ----------
        prices : pandas.Series, optional
            Daily prices [USD/BTC] indexed by date, without gaps; the bundled
            history's ``price_usd`` by default.
        start, end : str or Timestamp, optional
            First and last day of the window (inclusive).
        mean_block_days : float, default 30
            Mean block length [day], >= 1.
        keep_drift : bool, default False
            Keep the window's drift (see the class).

        Examples
        --------
        >>> StationaryBootstrap.fit(start="2024-01-01", end="2024-12-31").returns.size
        365
        """
        window, source = _window(prices, start, end, 2)
        calibration = _calibration(window, source, "stationary bootstrap of log returns")
        return cls(_log_returns(window), mean_block_days, keep_drift, calibration)


__all__ = [
    "DAYS_PER_YEAR",
    "DT",
    "GBM",
    "Calibration",
    "ConstantPrice",
    "GrowthPrice",
    "MertonJump",
    "RegimeSwitching",
    "StationaryBootstrap",
    "simulate",
]
