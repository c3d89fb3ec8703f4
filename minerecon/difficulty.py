"""Network hashrate projections and the 2016-block difficulty retarget.

Hashrate models
---------------
:class:`ConstantGrowth`
    The network grows by a fixed share per month, as mining calculators
    assume.
:class:`EconomicHashrate`
    Free entry and exit: hashrate grows while hashprice is above the cost of
    the network's marginal machines and shrinks (the least efficient switch
    off) while it is below, reacting to a moving average of hashprice so
    that the response lags by weeks to months.

The retarget simulator
----------------------
Blocks arrive at the rate the current difficulty and hashrate imply,
``H / (D * 2**32)`` per second. An epoch of 2016 blocks ends when its last
block is found; its timespan is measured from its first to its last block
(2015 intervals, as Bitcoin Core does) and the next difficulty follows
:func:`minerecon.network.next_difficulty`, clamped to x4 and /4. Block
height advances with the simulated blocks, so a halving falls on the
simulated day it is reached, and blocks per day are not fixed at 144. The
flow of blocks is treated as continuous (expected values): minerecon values
a hashrate's expected reward, which does not depend on the luck of
individual blocks.

One consequence of the 2015-interval measurement: a hashrate that finds
blocks exactly every 600 s raises difficulty by 2016/2015 (+0.05 %) at each
retarget; the hashrate that keeps difficulty constant finds a block every
``1,209,600 / 2015 = 600.3`` s, 143.93 blocks a day.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import Any, cast

import numpy as np
import pandas as pd
import xarray as xr

from minerecon import _parallel, _random, datasets
from minerecon._contract import (
    MinereconWarning,
    WeakFitWarning,
    check,
    check_count,
    check_scalar,
    check_step_days,
)
from minerecon._kernels import HASH_SCALE, _subsidy, network_paths
from minerecon.datasets import Calibration
from minerecon.network import (
    HALVING_INTERVAL,
    RETARGET_INTERVAL,
    TARGET_BLOCK_INTERVAL,
    NetworkState,
    hashrate_from_difficulty,
)
from minerecon.price import _check_calibration, _check_memory
from minerecon.typing import DateLike, SeedLike
from minerecon.units import DAYS_PER_YEAR

__all__ = [
    "ConstantGrowth",
    "EconomicHashrate",
    "halving_date",
    "implied_hashrate_history",
    "simulate_network",
    "start_chain",
]

#: Range of the marginal cost :meth:`EconomicHashrate.fit` searches [USD/TH/day]
#: (5 to 200 USD/PH/day, beyond any network cost on record).
COST_BOUNDS = (0.005, 0.2)
#: Largest response rate :meth:`EconomicHashrate.fit` searches [1/year].
RATE_BOUND = 50.0
#: :meth:`EconomicHashrate.fit` warns (:class:`~minerecon.WeakFitWarning`) when
#: its F-test against constant growth has a larger p-value.
WEAK_FIT_P_VALUE = 0.05

#: Days per month used by monthly growth rates (365.25 / 12).
DAYS_PER_MONTH = 30.4375

#: Columns of the daily history each fit reads.
_HISTORY_COLUMNS = ("price_usd", "difficulty", "fees_btc_per_block")


def implied_hashrate_history(
    start: DateLike | None = None,
    end: DateLike | None = None,
    history: pd.DataFrame | None = None,
) -> pd.Series:
    """Daily network hashrate implied by the bundled difficulty history [TH/s].

    Parameters
    ----------
    start, end : date-like, optional
        Window (inclusive), days within the history (:func:`minerecon.datasets.parse_day`
        reads them), ``start`` not after ``end``; the whole history by default.
    history : pandas.DataFrame, optional
        A frame like :func:`minerecon.datasets.load_history`, indexed by
        increasing dates, with a ``difficulty`` column.

    Returns
    -------
    pandas.Series
        ``D * 2**32 / 600`` per day [TH/s]; it lags the true hashrate by up
        to one epoch, because difficulty follows hashrate.
    """
    if history is None:
        history, source = datasets.load_history(), "the bundled history"
    else:
        history, source = _check_history(history, ("difficulty",)), "history"
    first, last = _bounds(history, start, end, source)
    # Series in, Series out
    return cast(
        "pd.Series[float]", hashrate_from_difficulty(history["difficulty"].loc[first:last])
    )


class _HashrateNoise:
    """The noise on log hashrate that both hashrate models share."""

    volatility: float
    step_days: int

    def _shock_scale(self) -> float:
        """Standard deviation of the shock of one step of log hashrate [-]."""
        return self.volatility * math.sqrt(self.step_days / DAYS_PER_YEAR)


@dataclasses.dataclass(frozen=True)
class ConstantGrowth(_HashrateNoise):
    """Network hashrate growing by a constant share per month.

    Parameters
    ----------
    monthly_growth : float
        Growth per month of 30.44 days [-], finite, > -1 (e.g. 0.02 = 2 %/month).
    volatility : float, default 0
        Noise on log hashrate [per sqrt(year)], finite, >= 0.
    step_days : int, default 7
        Days between noise shocks, in [1, 36500] (``units.MAX_STEP_DAYS``).
    calibration : Calibration, optional
        Set by :meth:`fit`.

    Notes
    -----
    ``ln H_t = ln H_0 + t / 30.4375 * ln(1 + g) + sigma * W_t``.
    """

    monthly_growth: float
    volatility: float = 0.0
    step_days: int = 7
    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        _set_fields(
            self,
            monthly_growth=dict(low=-1.0, low_open=True, unit="[-]"),
            volatility=dict(low=0.0, unit="[1/sqrt(year)]"),
        )

    @classmethod
    def fit(
        cls,
        hashrate: pd.Series | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
    ) -> ConstantGrowth:
        """Monthly growth and noise of log hashrate over a window.

        Parameters
        ----------
        hashrate : pandas.Series, optional
            Daily hashrate [TH/s], > 0, indexed by increasing dates; by
            default the difficulty-implied hashrate of the bundled history.
        start, end : date-like, optional
            Window, at least 60 days; by default the last two years of the series.

        Returns
        -------
        ConstantGrowth
            Growth from a least-squares line through log hashrate, volatility
            from the residual changes between consecutive epochs (14 days).
        """
        series, source = _hashrate_series(hashrate)
        series = _window(series, start, end, "hashrate")
        days = (series.index - series.index[0]).days.to_numpy(dtype=float)
        slope, _ = np.polyfit(days, np.log(series.to_numpy()), 1)
        epoch = np.log(series.to_numpy()[::14])
        residual = np.diff(epoch) - slope * 14
        volatility = float(np.std(residual, ddof=1) * math.sqrt(DAYS_PER_YEAR / 14))
        return cls(
            monthly_growth=float(math.expm1(slope * DAYS_PER_MONTH)),
            volatility=volatility,
            calibration=Calibration(
                source, series.index[0], series.index[-1], len(series), "OLS on log hashrate"
            ),
        )

    def _kernel_parameters(self, start: pd.Timestamp) -> np.ndarray:
        growth = math.log1p(self.monthly_growth) / DAYS_PER_MONTH
        return np.array([0.0, growth, 0.0, 0.0, 0.0, 0.0, 0.0, self._shock_scale()])


def _against_constant_growth(
    residuals: np.ndarray, growth: np.ndarray, n_parameters: int
) -> tuple[float, float]:
    """R-squared of a growth fit and the p-value of its F-test against constant growth.

    ``F = ((SS0 - SS1) / (k - 1)) / (SS1 / (n - k))``, ``SS0`` the squares
    about the mean growth, ``SS1`` the fit's, ``k`` its parameters. The fit
    does not nest constant growth exactly (its growth is a rate times a
    signal) and is nonlinear, so the F distribution is an approximation.
    """
    from scipy import stats

    total = float(np.sum((growth - growth.mean()) ** 2))
    unexplained = float(np.sum(residuals**2))
    n = growth.size
    if total == 0.0 or n <= n_parameters:
        return math.nan, math.nan
    if unexplained == 0.0:
        return 1.0, 0.0
    statistic = ((total - unexplained) / (n_parameters - 1)) / (unexplained / (n - n_parameters))
    return 1.0 - unexplained / total, float(
        stats.f.sf(statistic, n_parameters - 1, n - n_parameters)
    )


@dataclasses.dataclass(frozen=True)
class EconomicHashrate(_HashrateNoise):
    """Hashrate that enters and exits with miners' economics.

    Parameters
    ----------
    cost_hashprice : float
        Hashprice at which the network's marginal machines break even at the
        start [USD per TH/s per day], > 0. E.g. 25 J/TH at 0.05 USD/kWh:
        ``25 * 24 / 1000 * 0.05 = 0.03``. A fitted model states it on the
        last day of its window, and a simulation starting on another day
        moves it there at ``cost_decline`` (:meth:`cost_on`).
    entry_rate : float
        Growth of log hashrate per year per unit of log(hashprice / cost)
        while hashprice is above cost [1/year], >= 0.
    exit_rate : float
        The same while hashprice is below cost [1/year], >= 0; exits are
        usually faster than entry (switching off is immediate, building is
        not).
    cost_decline : float, default 0.0
        Annual decline of the marginal cost as machines improve [1/year],
        in [-1, 1].
    lag_days : float, default 60
        Time constant of the moving average of hashprice the network reacts
        to [days], finite, >= 1.
    volatility : float, default 0
        Noise on log hashrate [per sqrt(year)], finite, >= 0.
    step_days : int, default 7
        Days between noise shocks and between updates of the growth rate,
        in [1, 36500] (``units.MAX_STEP_DAYS``).
    calibration : Calibration, optional
        Set by :meth:`fit`.

    Notes
    -----
    With ``m_t`` the log of the exponential moving average of hashprice
    (time constant ``lag_days``) and ``c_t = c_0 exp(-delta t)``:

    .. math::

        d \\ln H = k(s) \\, s \\, dt + \\sigma \\, dW, \\qquad
        s = m_t - \\ln c_t, \\qquad
        k(s) = k_{entry} \\text{ if } s > 0 \\text{ else } k_{exit}

    The growth rate ``k(s) s`` is set on day 1 and every ``step_days`` days
    and held in between: miners commit capacity on a scale of weeks, and a
    weekly update spares the simulation a logarithm and an exponential a
    day.

    Hashrate rises while mining pays more than the marginal cost, which pushes
    difficulty up and hashprice down towards that cost: free entry bounds
    mining revenue (Prat and Walter 2021).

    References
    ----------
    J. Prat and B. Walter, "An Equilibrium Model of the Market for Bitcoin
    Mining", Journal of Political Economy 129(8), 2021.
    """

    cost_hashprice: float
    entry_rate: float
    exit_rate: float
    cost_decline: float = 0.0
    lag_days: float = 60.0
    volatility: float = 0.0
    step_days: int = 7
    calibration: Calibration | None = None

    def __post_init__(self) -> None:
        _set_fields(
            self,
            cost_hashprice=dict(low=0, low_open=True, unit="[USD/TH/day]"),
            entry_rate=dict(low=0.0, unit="[1/year]"),
            exit_rate=dict(low=0.0, unit="[1/year]"),
            cost_decline=dict(low=-1.0, high=1.0, unit="[1/year]"),
            lag_days=dict(low=1.0, unit="[days]"),
            volatility=dict(low=0.0, unit="[1/sqrt(year)]"),
        )

    def cost_on(self, day: DateLike) -> float:
        """Marginal cost on ``day`` [USD per TH/s per day].

        A fitted model (``calibration`` set) states ``cost_hashprice`` on the
        last day of its window and moves it to ``day`` at ``cost_decline``:
        ``c exp(-delta (day - end) / 365)``. A model built by hand states it
        on whatever day a simulation starts.
        """
        if self.calibration is None or self.cost_decline == 0.0:
            return self.cost_hashprice
        from minerecon import datasets

        years = (datasets.parse_day("day", day) - self.calibration.end) / pd.Timedelta(
            days=DAYS_PER_YEAR
        )
        return self.cost_hashprice * math.exp(-self.cost_decline * years)

    @classmethod
    def fit(
        cls,
        history: pd.DataFrame | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        lag_days: float = 60.0,
        cost_decline: float = 0.0,
    ) -> EconomicHashrate:
        """Estimate the response of hashrate to hashprice from history.

        Parameters
        ----------
        history : pandas.DataFrame, optional
            Daily ``price_usd``, ``difficulty`` and ``fees_btc_per_block``
            indexed by increasing dates (the bundled history by default).
        start, end : date-like, optional
            Window, at least 60 days; by default from the 2024 halving
            (2024-04-20) to the end.
        lag_days : float, default 60
            Time constant of the hashprice moving average [days], finite, >= 1.
        cost_decline : float, default 0
            Annual decline of the marginal cost [1/year], in [-1, 1], held
            fixed: the data cannot tell it apart from the response rates.

        Returns
        -------
        EconomicHashrate

        Warns
        -----
        WeakFitWarning
            When the F-test's p-value exceeds ``WEAK_FIT_P_VALUE``
            (0.05): the window's hashrate changes are not told apart from
            constant growth (p = 0.45 on the default window).
        MinereconWarning
            When a rate or the cost reaches the bound of its range.

        Notes
        -----
        Nonlinear least squares of the 14-day change of log implied hashrate
        on the lagged signal ``m_t - ln c_0 + delta t``, with separate slopes
        above and below zero (``scipy.optimize.least_squares``). Two-week
        changes of hashrate are mostly noise: on the bundled history since the
        2024 halving the fit explains a few percent of their variance (the
        R-squared and an F-test against constant growth are recorded in
        ``calibration.method``), so the response rates are uncertain; the
        cost level (about 35 USD/PH/day) is the better-determined parameter.
        Treat the fit as a starting point for scenarios, not as a forecast.
        """
        from scipy.optimize import least_squares

        from minerecon import datasets, network

        lag_days = check_scalar("lag_days", lag_days, low=1.0, unit="[days]")
        cost_decline = check_scalar(
            "cost_decline", cost_decline, low=-1.0, high=1.0, unit="[1/year]"
        )
        frame = (
            datasets.load_history()
            if history is None
            else _check_history(history, _HISTORY_COLUMNS)
        )
        source = "bundled history" if history is None else "user history"
        if start is None and end is None and history is None:
            start = "2024-04-20"
        reward = (
            network.block_subsidy(datasets.estimate_height(frame.index))
            + frame["fees_btc_per_block"].to_numpy()
        )
        hashprice = frame["price_usd"] * network.btc_per_th_day(frame["difficulty"], 0.0, reward)
        ema = np.log(hashprice.ewm(alpha=1.0 / lag_days, adjust=False).mean())
        window = _window(
            pd.DataFrame({"m": ema, "h": np.log(frame["difficulty"])}), start, end, "history"
        )
        step = 14
        signal = window["m"].to_numpy()[:-step:step]
        growth = np.diff(window["h"].to_numpy()[::step])[: len(signal)] * DAYS_PER_YEAR / step
        years = np.arange(len(signal)) * step / DAYS_PER_YEAR

        def residual(theta: np.ndarray) -> np.ndarray:
            entry, exit_, log_cost = theta
            s = signal - log_cost + cost_decline * years
            return np.where(s > 0, entry, exit_) * s - growth

        lower = np.array([0.0, 0.0, math.log(COST_BOUNDS[0])])
        upper = np.array([RATE_BOUND, RATE_BOUND, math.log(COST_BOUNDS[1])])
        start_cost = float(np.clip(np.median(signal), lower[2] + 0.1, upper[2] - 0.1))
        fitted = least_squares(residual, x0=[1.0, 1.0, start_cost], bounds=(lower, upper))
        entry, exit_, log_cost = fitted.x
        # log_cost is the cost on the window's first day: state it on its last
        log_cost_end = log_cost - cost_decline * (len(window) - 1) / DAYS_PER_YEAR
        # A rate of zero is an answer; a rate at its cap or a cost at either end is not.
        at_bound = np.isclose(fitted.x, upper, atol=1e-6)
        at_bound[2] |= np.isclose(log_cost, lower[2], atol=1e-6)
        if at_bound.any():
            names = np.array(["entry_rate", "exit_rate", "cost_hashprice"])[at_bound]
            warnings.warn(
                f"EconomicHashrate.fit: {', '.join(names)} reached the bound of its range; "
                "the window does not pin the response down, so set it by judgement",
                MinereconWarning,
                stacklevel=2,
            )
        r_squared, p_value = _against_constant_growth(fitted.fun, growth, n_parameters=3)
        if not p_value <= WEAK_FIT_P_VALUE:
            warnings.warn(
                f"EconomicHashrate.fit: hashprice explains R^2 = {r_squared:.2f} of the "
                f"{len(signal)} two-week changes of log hashrate from {window.index[0].date()} "
                f"to {window.index[-1].date()} (F-test against constant growth: p = "
                f"{p_value:.2f}); the response rates are not pinned down by the data: set them "
                "by judgement or use ConstantGrowth",
                WeakFitWarning,
                stacklevel=2,
            )
        volatility = float(np.std(fitted.fun, ddof=3) * math.sqrt(step / DAYS_PER_YEAR))
        return cls(
            cost_hashprice=float(math.exp(log_cost_end)),
            entry_rate=float(entry),
            exit_rate=float(exit_),
            cost_decline=cost_decline,
            lag_days=lag_days,
            volatility=volatility,
            calibration=Calibration(
                source,
                window.index[0],
                window.index[-1],
                len(signal),
                f"nonlinear least squares on 14-day log hashrate changes (R^2 {r_squared:.2f}; "
                f"F-test against constant growth p = {p_value:.2g})",
            ),
        )

    def _kernel_parameters(self, start: pd.Timestamp) -> np.ndarray:
        return np.array(
            [
                1.0,
                0.0,
                self.entry_rate / DAYS_PER_YEAR,
                self.exit_rate / DAYS_PER_YEAR,
                math.log(self.cost_on(start)),
                self.cost_decline / DAYS_PER_YEAR,
                1.0 / self.lag_days,
                self._shock_scale(),
            ]
        )


#: Either hashrate model.
HashrateModel = ConstantGrowth | EconomicHashrate


def _set_fields(model: ConstantGrowth | EconomicHashrate, **bounds: dict[str, Any]) -> None:
    """Store each field as a finite float within its bounds, ``step_days`` as an int."""
    for name, field_bounds in bounds.items():
        object.__setattr__(model, name, check_scalar(name, getattr(model, name), **field_bounds))
    object.__setattr__(model, "step_days", check_step_days(model.step_days))
    _check_calibration(model.calibration)


def _check_dated(name: str, frame: object, kind: type[pd.DataFrame] | type[pd.Series]) -> None:
    if not isinstance(frame, kind) or not isinstance(frame.index, pd.DatetimeIndex):
        raise ValueError(
            f"{name} must be a pandas {kind.__name__} indexed by date, got "
            f"{type(frame).__name__} {frame!r:.60}"
        )
    if frame.empty:
        raise ValueError(f"{name} is empty")
    if not (frame.index.is_monotonic_increasing and frame.index.is_unique):
        raise ValueError(f"{name} must be indexed by strictly increasing dates")


def _check_history(history: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """A daily frame like :func:`minerecon.datasets.load_history` with ``columns``."""
    _check_dated("history", history, pd.DataFrame)
    missing = [column for column in columns if column not in history.columns]
    if missing:
        raise ValueError(
            f"history must have the columns {list(columns)} like "
            f"minerecon.datasets.load_history(), missing {missing}"
        )
    for column in columns:
        try:
            values = history[column].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise ValueError(
                f"history[{column!r}] must hold numbers, got dtype {history[column].dtype}"
            ) from None
        low_open = column != "fees_btc_per_block"
        check(f"history[{column!r}]", values, low=0, low_open=low_open)
    return history


def _hashrate_series(hashrate: pd.Series | None) -> tuple[pd.Series, str]:
    if hashrate is None:
        return implied_hashrate_history(), "difficulty-implied hashrate of the bundled history"
    _check_dated("hashrate", hashrate, pd.Series)
    try:
        series = hashrate.astype(float)
    except (TypeError, ValueError):
        raise ValueError(
            f"hashrate must hold numbers [TH/s], got dtype {hashrate.dtype}"
        ) from None
    check("hashrate", series, low=0, low_open=True, unit="[TH/s]")
    if not np.isfinite(series.to_numpy()).all():
        raise ValueError("hashrate must be finite [TH/s]")
    return series, "user hashrate series"


def _bounds(
    frame: pd.Series | pd.DataFrame,
    start: DateLike | None,
    end: DateLike | None,
    source: str,
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """``start`` and ``end`` read as days within ``frame``'s index, in order."""
    first, last = frame.index[0], frame.index[-1]
    start, end = (
        None
        if value is None
        else datasets.parse_day(
            name, value, first=first, last=last, source=source, normalize=False
        )
        for name, value in (("start", start), ("end", end))
    )
    if start is not None and end is not None and start > end:
        raise ValueError(f"start must not be after end, got start={start}, end={end}")
    return start, end


def _window(frame: Any, start: Any, end: Any, name: str) -> Any:
    if start is None and end is None:
        start = frame.index[-1] - pd.Timedelta(days=730)
    start, end = (
        None if value is None else datasets.parse_day(label, value, normalize=False)
        for label, value in (("start", start), ("end", end))
    )
    window = frame.loc[start:end]
    if len(window) < 60:
        raise ValueError(
            f"{name} between start={start} and end={end} holds {len(window)} days; "
            "fitting needs at least 60"
        )
    return window


def _check_state(name: str, state: object) -> NetworkState:
    if not isinstance(state, NetworkState):
        raise ValueError(
            f"{name} must be a minerecon.network.NetworkState (e.g. "
            f"NetworkState.from_history(date)), got {type(state).__name__} {state!r:.60}"
        )
    return state


def start_chain(state: NetworkState, epoch_elapsed: float | None = None) -> np.ndarray:
    """The retarget simulator's state at ``state``, as ``_kernels.advance_chain`` takes it.

    Parameters
    ----------
    state : NetworkState
        Difficulty and height at the start.
    epoch_elapsed : float, optional
        Seconds since the current epoch's first block [s], finite, >= 0; by
        default the blocks since then times 600 s.
    """
    state = _check_state("state", state)
    if epoch_elapsed is not None:
        epoch_elapsed = check_scalar("epoch_elapsed", epoch_elapsed, low=0.0, unit="[s]")
    epoch_start = (state.height // RETARGET_INTERVAL) * RETARGET_INTERVAL
    last_found = float(state.height - 1)
    if epoch_elapsed is None:
        epoch_elapsed = max(last_found - epoch_start, 0.0) * TARGET_BLOCK_INTERVAL
    next_halving = (state.height // HALVING_INTERVAL + 1) * HALVING_INTERVAL - 1
    return np.array(
        [
            state.difficulty,
            last_found,
            float(epoch_start),
            float(epoch_elapsed),
            HASH_SCALE / state.difficulty,
            float(next_halving),
            _subsidy(last_found),
        ]
    )


def _longest_horizon(state: NetworkState) -> int:
    """Most days a run from ``state`` can have: its dates must stay within pandas' range."""
    return (pd.Timestamp.max - state.date).days


def simulate_network(
    n_days: int,
    *,
    start: NetworkState | None = None,
    hashrate: HashrateModel | np.ndarray | None = None,
    btc_price: np.ndarray | float | None = None,
    fees: np.ndarray | float | None = None,
    fee_is_share: bool = False,
    n_paths: int | None = None,
    start_hashrate: float | None = None,
    epoch_elapsed: float | None = None,
    seed: SeedLike = None,
) -> xr.Dataset:
    """Project difficulty, height and block rewards day by day.

    Parameters
    ----------
    n_days : int
        Days to simulate, >= 1, ending before 2262-04-11
        (``pandas.Timestamp.max``, the last day of nanosecond dates).
    start : NetworkState, optional
        Difficulty, height, price and fees on day 0; the last day of the
        bundled history by default.
    hashrate : ConstantGrowth, EconomicHashrate or array, optional
        A hashrate model, or given network hashrate paths [TH/s] of shape
        ``(n_paths, n_days)`` (or ``(n_days,)``). Constant hashrate at the
        difficulty-implied level by default.
    btc_price : float or array, optional
        BTC price [USD/BTC], a constant or paths ``(n_paths, n_days)``; it
        drives :class:`EconomicHashrate`. ``start.btc_price`` by default.
    fees : float or array, optional
        Fees per block [BTC] (or shares of the reward with
        ``fee_is_share``), constant or paths. ``start.fees_per_block`` by
        default.
    fee_is_share : bool, default False
        Whether ``fees`` are shares of the total block reward.
    n_paths : int, optional
        Paths, >= 1; inferred from array inputs, 1 otherwise. A run that
        cannot fit in the machine's memory is refused before anything is
        allocated.
    start_hashrate : float, optional
        Network hashrate on day 0 [TH/s]; difficulty-implied by default.
    epoch_elapsed : float, optional
        Seconds since the first block of the epoch in progress; see
        :func:`start_chain`.
    seed : int, SeedSequence or Generator, optional
        Seed of the hashrate noise.

    Returns
    -------
    xarray.Dataset
        Over ``path`` and ``time`` (dates from ``start.date``):
        ``difficulty`` in force at the start of the day [-], ``height`` of
        the last block found at the start of the day [blocks], network
        ``hashrate`` [TH/s], ``blocks`` found that day, and ``reward_per_th``
        [BTC per TH/s per day, before pool fees].

    Examples
    --------
    Constant hashrate at the level implied by 150 T keeps difficulty at
    150 T until the first retarget, which then rises by 2016/2015 because
    consensus measures an epoch over 2015 intervals:

    >>> state = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
    >>> net = simulate_network(30, start=state)
    >>> ratio = net.difficulty.isel(path=0, time=-1) / 150e12
    >>> round(float(ratio) * 2015, 6)
    2016.0
    """
    state = NetworkState.latest() if start is None else _check_state("start", start)
    n_days = check_count("n_days", n_days)
    longest = _longest_horizon(state)
    if n_days > longest:
        raise ValueError(
            f"n_days must be at most {longest} from start.date {state.date.date()}: the last day "
            f"must fall before {pd.Timestamp.max.date()} (pandas.Timestamp.max); "
            f"got {n_days}"
        )
    if hashrate is not None and not isinstance(
        hashrate, np.ndarray | ConstantGrowth | EconomicHashrate
    ):
        raise ValueError(
            "hashrate must be a ConstantGrowth or EconomicHashrate model, hashrate paths as a "
            f"numpy array [TH/s], or None, got {type(hashrate).__name__} {hashrate!r:.60}"
        )
    given = hashrate if isinstance(hashrate, np.ndarray) else None
    model = None if isinstance(hashrate, np.ndarray) else hashrate
    if not isinstance(fee_is_share, bool | np.bool_):
        raise ValueError(f"fee_is_share must be True or False, got {fee_is_share!r:.60}")
    seed = _random.seed_sequence(seed)  # checked even when no noise is drawn
    arrays = [a for a in (given, btc_price, fees) if isinstance(a, np.ndarray) and a.ndim == 2]
    if n_paths is None:
        n_paths = arrays[0].shape[0] if arrays else 1
    n_paths = check_count("n_paths", n_paths)
    _check_memory(n_paths, n_days, 8 * 8)  # three inputs and five outputs, float64
    shape = (n_paths, n_days)

    def paths(name: str, value: Any, default: float, **bounds: Any) -> np.ndarray:
        value = check(name, default if value is None else value, **bounds)
        if not np.isfinite(value).all():
            raise ValueError(f"{name} must be finite")
        try:
            return np.ascontiguousarray(np.broadcast_to(np.asarray(value, dtype=float), shape))
        except ValueError:
            raise ValueError(
                f"{name} must be one number, one value per day ({n_days},) or paths of shape "
                f"(n_paths, n_days) = {shape}, got shape {np.shape(value)}"
            ) from None

    price = paths("btc_price", btc_price, state.btc_price, low=0, unit="[USD/BTC]")
    fee_paths = paths("fees", fees, state.fees_per_block, low=0)
    if fee_is_share and np.any(fee_paths >= 1):
        raise ValueError("fees must be shares in [0, 1) when fee_is_share is True")
    if start_hashrate is None:
        h0 = cast(float, hashrate_from_difficulty(state.difficulty))
    else:
        h0 = check_scalar("start_hashrate", start_hashrate, low=0, low_open=True, unit="[TH/s]")
    chain = start_chain(state, epoch_elapsed)
    if given is not None:
        given_paths = paths("hashrate", given, 0.0, low=0, low_open=True, unit="[TH/s]")
    else:
        given_paths = np.empty((0, 0))
    model = model if model is not None else ConstantGrowth(0.0)
    parameters = model._kernel_parameters(state.date)
    shocks = _hashrate_shocks(model, seed, 0, n_paths, n_days)
    outputs = [np.empty(shape) for _ in range(5)]

    def run(start: int, stop: int) -> None:
        network_paths(
            chain,
            float(h0),
            given_paths[start:stop] if given_paths.size else given_paths,
            price[start:stop],
            fee_paths[start:stop],
            fee_is_share,
            parameters,
            shocks[start:stop],
            model.step_days,
            *(out[start:stop] for out in outputs),
        )

    _parallel.over_rows(run, n_paths)
    names = ("difficulty", "height", "hashrate", "blocks", "reward_per_th")
    units = ("-", "blocks", "TH/s", "blocks/day", "BTC/TH/day")
    time = pd.date_range(state.date, periods=n_days, freq="D")
    return xr.Dataset(
        {
            name: (("path", "time"), values, {"units": unit})
            for name, values, unit in zip(names, outputs, units, strict=True)
        },
        coords={"path": np.arange(n_paths), "time": time},
    )


def _hashrate_shocks(
    model: HashrateModel, seed: SeedLike, start: int, stop: int, n_days: int, threads: int = 1
) -> np.ndarray:
    """Standard normal shocks of the hashrate noise, one per ``step_days``."""
    n_steps = max((n_days - 1) // model.step_days, 1)
    if model.volatility == 0.0:
        return np.zeros((stop - start, n_steps))
    streams = _random.Streams(seed)

    def normal(rng: np.random.Generator, out: np.ndarray) -> None:
        rng.standard_normal(out=out)

    return streams.fill(_random.HASHRATE, start, stop, n_steps, normal, threads=threads)


def halving_date(
    start: NetworkState | None = None,
    *,
    block_interval: float = TARGET_BLOCK_INTERVAL,
) -> pd.Timestamp:
    """Date of the next halving at a constant block interval from ``start``.

    Parameters
    ----------
    start : NetworkState, optional
        The last day of the bundled history by default.
    block_interval : float, default 600
        Mean block interval [s], > 0, small enough that the date falls
        before 2262-04-11 (``pandas.Timestamp.max``).

    Returns
    -------
    pandas.Timestamp

    Examples
    --------
    >>> state = NetworkState("2024-11-12", 870_020, 101.65e12, 87_235, 0.15)
    >>> halving_date(state)
    Timestamp('2028-04-14 20:40:00')
    """
    from minerecon.network import estimate_height_date, next_halving_height

    state = NetworkState.latest() if start is None else _check_state("start", start)
    block_interval = check_scalar(
        "block_interval", block_interval, low=0, low_open=True, unit="[s]"
    )
    height = next_halving_height(state.height)
    longest = (pd.Timestamp.max - state.date).total_seconds() / (height - state.height)
    if block_interval >= longest:
        raise ValueError(
            f"block_interval must be below {longest:.6g} s: the {height - state.height} blocks to "
            f"the halving would end after {pd.Timestamp.max.date()} (pandas.Timestamp.max); "
            f"got {block_interval:g}"
        )
    # one height, one date
    return cast(
        pd.Timestamp, estimate_height_date(height, state.height, state.date, block_interval)
    )
