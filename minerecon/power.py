"""Power markets: mining against an interval price, and the value of switching off.

A miner on a market price buys power interval by interval (an hour, or the
15 minutes of ERCOT's real-time market). It pays to run in an interval when
the BTC its machines earn per MWh, :func:`revenue_per_mwh`, exceeds the price
plus any variable cost; otherwise it pays to switch off. :func:`curtail`
applies that rule to interval prices and reports what it earns, what it
buys, and what the flexibility is worth against running always on, with a
minimum time on and off and a restart cost as options.
:func:`expected_margin` gives the same expectation in closed form for
lognormal or uniform prices.

Prices come from a market file (:func:`read_ercot`, :func:`from_gridstatus`),
a retail tariff (:class:`TimeOfUse`) or a model (:class:`PowerPriceModel`,
whose :func:`ercot_price_model` default is calibrated to published ERCOT
statistics). Interval prices are pandas Series indexed by time-zone-aware
interval starts.

Prices are in USD/MWh (the market's unit); the rest of the library's power
prices are USD/kWh (1 USD/kWh = 1,000 USD/MWh).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import numba
import numpy as np
import pandas as pd

from minerecon import _contract, _random
from minerecon._contract import aligned, scalar_out
from minerecon._parallel import over_rows
from minerecon.typing import ArrayLike, DateLike, FloatArray, Numeric, PathLike, SeedLike
from minerecon.units import HOURS_PER_DAY

__all__ = [
    "ERCOT_TIMEZONE",
    "ContractSettlement",
    "Curtailment",
    "FourCP",
    "PowerContract",
    "PowerPriceModel",
    "PowerStatement",
    "ReserveOffer",
    "ReserveResult",
    "TariffPeriod",
    "TimeOfUse",
    "coincident_peaks",
    "curtail",
    "daily",
    "ercot_price_model",
    "expected_margin",
    "four_cp",
    "from_gridstatus",
    "power_statement",
    "read_ercot",
    "responsive_reserve",
    "revenue_per_mwh",
    "settle_contract",
]

#: Time zone of ERCOT's settlement files: Central time, with daylight saving.
ERCOT_TIMEZONE = "America/Chicago"

#: Megawatt-hours in one watt-hour.
_MWH_PER_WH = 1e-6


@scalar_out
@aligned
def revenue_per_mwh(
    hashprice: ArrayLike,
    efficiency: ArrayLike,
    *,
    pue: ArrayLike = 1.0,
    pool_fee: ArrayLike = 0.0,
) -> Numeric:
    """What one MWh of site power earns when it mines [USD/MWh].

    Parameters
    ----------
    hashprice : float, array, Series or DataArray
        Hashprice [USD per TH/s per day], >= 0.
    efficiency : float, array, Series or DataArray
        Machine efficiency [J/TH], > 0.
    pue : float or array-like, default 1
        Power usage effectiveness [-], >= 1.
    pool_fee : float or array-like, default 0
        Share the pool keeps [-], in [0, 1).

    Returns
    -------
    Revenue per MWh of site power [USD/MWh]: the break-even power price of
    the machine, above which it should be off.

    Notes
    -----
    One TH/s draws ``efficiency`` W, ``24 * efficiency * pue`` Wh a day at
    the site, and earns ``hashprice * (1 - pool_fee)`` a day:
    ``R = hashprice (1 - pool_fee) / (24 efficiency pue 1e-6)``.

    Examples
    --------
    At 40 USD/PH/day (0.04 per TH/s), an S21 XP (13.5 J/TH) earns 123 USD per
    MWh: it runs whenever power costs less.

    >>> round(revenue_per_mwh(0.04, 13.5), 1)
    123.5
    """
    price = _contract.check("hashprice", hashprice, low=0.0, unit="[USD/TH/day]")
    joules = _contract.check("efficiency", efficiency, low=0.0, low_open=True, unit="[J/TH]")
    overhead = _contract.check("pue", pue, low=1.0)
    kept = 1.0 - _contract.check_fraction("pool_fee", pool_fee)
    return price * kept / (HOURS_PER_DAY * joules * overhead * _MWH_PER_WH)


@dataclasses.dataclass(frozen=True)
class Curtailment:
    """Mining against interval prices, switching off when power costs more (:func:`curtail`).

    Every field is summed over the intervals (the last axis of the prices),
    so it has the shape of the prices without that axis.

    Attributes
    ----------
    uptime : float or ndarray
        Share of intervals run [-].
    energy_mwh : float or ndarray
        Energy bought [MWh].
    power_cost : float or ndarray
        Paid for it [USD].
    average_price : float or ndarray
        Mean price paid per MWh bought [USD/MWh]; nan when nothing is bought.
    revenue : float or ndarray
        Earned mining [USD].
    margin : float or ndarray
        Revenue less power, variable cost and restart costs [USD].
    always_on_margin : float or ndarray
        The margin running every interval [USD].
    starts : float or ndarray
        Restarts after a stop [-].
    """

    uptime: Numeric
    energy_mwh: Numeric
    power_cost: Numeric
    average_price: Numeric
    revenue: Numeric
    margin: Numeric
    always_on_margin: Numeric
    starts: Numeric

    @property
    def flexibility_value(self) -> Numeric:
        """What switching off adds to running always on [USD].

        Never negative without restart costs or minimum times; with them,
        negative when the rule's stops cost more than they save.
        """
        return self.margin - self.always_on_margin


@numba.njit(cache=True, nogil=True)
def _curtail_kernel(
    price: np.ndarray,
    earned: np.ndarray,
    cost: float,
    min_on: int,
    min_off: int,
    hurdle: float,
    sums: np.ndarray,
) -> None:  # pragma: no cover - numba
    for i in range(price.shape[0]):
        on = True
        held = max(min_on, min_off)  # settled at the start: free to switch
        runs = starts = 0
        paid = revenue = margin = always = 0.0
        for t in range(price.shape[1]):
            spread = earned[i, t] - price[i, t] - cost
            always += spread
            if on and spread <= 0.0 and held >= min_on:
                on, held = False, 0
            elif not on and spread > hurdle and held >= min_off:
                on, held = True, 0
                starts += 1
            if on:
                runs += 1
                paid += price[i, t]
                revenue += earned[i, t]
                margin += spread
            held += 1
        sums[i, 0] = runs
        sums[i, 1] = paid
        sums[i, 2] = revenue
        sums[i, 3] = margin
        sums[i, 4] = always
        sums[i, 5] = starts


def curtail(
    prices: ArrayLike,
    revenue: ArrayLike,
    *,
    load_mw: float = 1.0,
    interval_hours: float = 1.0,
    variable_cost: float = 0.0,
    min_on_hours: float = 0.0,
    min_off_hours: float = 0.0,
    restart_cost: float = 0.0,
) -> Curtailment:
    """Run in the intervals where mining earns more than power costs; stop in the others.

    Parameters
    ----------
    prices : array-like, (..., intervals)
        Power price of each interval [USD/MWh]; may be negative (the market
        pays to take power). Leading axes (paths, scenarios) broadcast.
    revenue : float or array-like
        Mining revenue per MWh [USD/MWh] (:func:`revenue_per_mwh`): one
        value, or one per interval or per leading index, broadcasting
        against ``prices``.
    load_mw : float, default 1
        Site load when running [MW], >= 0.
    interval_hours : float, default 1
        Length of an interval [h], in (0, 24]: 1 for hourly prices, 0.25 for
        ERCOT's 15-minute settlement.
    variable_cost : float, default 0
        Other cost per MWh run, such as maintenance or a grid adder
        [USD/MWh], >= 0.
    min_on_hours, min_off_hours : float, default 0
        Once started, run at least this long; once stopped, stay off at
        least this long [h], >= 0 (rounded up to whole intervals).
    restart_cost : float, default 0
        Cost of one restart per MW of load [USD/MW], >= 0: wear, lost
        hashing while the fleet comes back. A stopped site restarts only
        in an interval whose margin covers it.

    Returns
    -------
    Curtailment

    Notes
    -----
    In interval ``i`` the site runs when ``R_i > p_i + c``: its margin is
    ``sum_i L h max(R_i - p_i - c, 0)`` against ``sum_i L h (R_i - p_i - c)``
    always on; the difference, the value of flexibility, is a strip of
    options to stop.

    With minimum times or a restart cost the rule reads the intervals in
    order, without foresight: a running site stops when the margin is not
    positive and it has run ``min_on_hours``; a stopped site restarts when
    the margin per MWh exceeds ``restart_cost / h`` and it has been off
    ``min_off_hours``. The site is running, and free to stop, before the
    first interval.

    Examples
    --------
    Four hours at 30, 80, 200 and 40 USD/MWh, mining earning 100 USD/MWh on
    10 MW: run three hours (30 MWh, 3,000 USD of revenue, 1,500 USD of
    power), stop at 200; always on would lose 1,000 USD in that hour.

    >>> result = curtail([30.0, 80.0, 200.0, 40.0], 100.0, load_mw=10.0)
    >>> result.uptime, result.energy_mwh, result.margin, result.flexibility_value
    (0.75, 30.0, 1500.0, 1000.0)
    """
    price, earned, load, hours, cost = _interval_inputs(
        prices, revenue, load_mw, interval_hours, variable_cost
    )
    min_on = _contract.check_scalar("min_on_hours", min_on_hours, low=0.0, unit="[h]")
    min_off = _contract.check_scalar("min_off_hours", min_off_hours, low=0.0, unit="[h]")
    restart = _contract.check_scalar("restart_cost", restart_cost, low=0.0, unit="[USD/MW]")
    n = price.shape[-1]
    rows = (price.reshape(-1, n), earned.reshape(-1, n))
    sums = np.empty((rows[0].shape[0], 6))
    steps = (math.ceil(min_on / hours - 1e-9), math.ceil(min_off / hours - 1e-9), restart / hours)

    def run(a: int, b: int) -> None:
        _curtail_kernel(rows[0][a:b], rows[1][a:b], cost, *steps, sums[a:b])

    over_rows(run, sums.shape[0])
    sums = sums.reshape((*price.shape[:-1], 6))
    mwh = load * hours
    runs, paid, earned_sum, margin, always, starts = np.moveaxis(sums, -1, 0)
    energy = runs * mwh
    with np.errstate(invalid="ignore", divide="ignore"):
        average = np.where(runs > 0, paid / np.where(runs > 0, runs, 1.0), np.nan)
    plain = _contract.plain
    return Curtailment(
        uptime=plain(runs / n),
        energy_mwh=plain(energy),
        power_cost=plain(paid * mwh),
        average_price=plain(average),
        revenue=plain(earned_sum * mwh),
        margin=plain(margin * mwh - starts * restart * load),
        always_on_margin=plain(always * mwh),
        starts=plain(starts.copy()),
    )


def _interval_inputs(
    prices: ArrayLike,
    revenue: ArrayLike,
    load_mw: float,
    interval_hours: float,
    variable_cost: float,
) -> tuple[np.ndarray, np.ndarray, float, float, float]:
    """Prices and revenue per MWh broadcast together, and the checked scalars."""
    price = np.asarray(_contract._values(_contract.check("prices", prices)), dtype=np.float64)
    if price.ndim == 0 or price.shape[-1] == 0:
        raise ValueError(
            f"prices must hold at least one interval (the last axis), got shape {price.shape}"
        )
    if not np.isfinite(price).all():
        raise ValueError("prices must be finite [USD/MWh]")
    earned = np.asarray(
        _contract._values(_contract.check("revenue", revenue, low=0.0, unit="[USD/MWh]")),
        dtype=np.float64,
    )
    if not np.isfinite(earned).all():
        raise ValueError("revenue must be finite [USD/MWh]")
    try:
        earned = np.broadcast_to(earned, np.broadcast_shapes(earned.shape, price.shape))
    except ValueError:
        raise ValueError(
            f"revenue must broadcast against prices {price.shape}, got shape {earned.shape}"
        ) from None
    price = np.broadcast_to(price, earned.shape)
    load = _contract.check_scalar("load_mw", load_mw, low=0.0, unit="[MW]")
    hours = _contract.check_scalar("interval_hours", interval_hours, low=0.0, low_open=True,
                                   high=24.0, unit="[h]")  # fmt: skip
    cost = _contract.check_scalar("variable_cost", variable_cost, low=0.0, unit="[USD/MWh]")
    return price, earned, load, hours, cost


@scalar_out
@aligned
def expected_margin(
    revenue: ArrayLike,
    mean_price: ArrayLike,
    spread: ArrayLike,
    *,
    distribution: Literal["lognormal", "uniform"] = "lognormal",
) -> Numeric:
    """Expected margin per MWh of a site that runs only when it pays, ``E[max(R - p, 0)]``.

    Parameters
    ----------
    revenue : float, array, Series or DataArray
        Mining revenue per MWh ``R`` [USD/MWh], >= 0.
    mean_price : float, array, Series or DataArray
        Mean power price ``m`` [USD/MWh], > 0.
    spread : float, array, Series or DataArray
        For ``"lognormal"``, the standard deviation ``s`` of the log price
        [-]; for ``"uniform"``, the half-width ``w`` of the price range
        ``[m - w, m + w]`` [USD/MWh]; >= 0.
    distribution : {"lognormal", "uniform"}, default "lognormal"

    Returns
    -------
    Expected margin per MWh of capacity [USD/MWh] (an interval's expected
    margin per MW and hour).

    Notes
    -----
    Lognormal prices ``p = m exp(s Z - s^2/2)``: a put on the price struck at
    ``R`` (Black's formula at zero rate),
    ``R N(-d2) - m N(-d1)``, ``d1 = (ln(m / R) + s^2/2) / s``, ``d2 = d1 - s``.

    Uniform prices on ``[a, b] = [m - w, m + w]``: ``0`` for ``R <= a``,
    ``(R - a)^2 / (2 (b - a))`` between, ``R - m`` for ``R >= b``.

    Examples
    --------
    Mining earning 100 USD/MWh, prices averaging 50 with a log spread of 0.8:

    >>> round(expected_margin(100.0, 50.0, 0.8), 2)
    55.75
    """
    from scipy.special import ndtr

    if distribution not in ("lognormal", "uniform"):
        raise ValueError(f"distribution must be 'lognormal' or 'uniform', got {distribution!r}")
    earned = _contract.check("revenue", revenue, low=0.0, unit="[USD/MWh]")
    mean = _contract.check("mean_price", mean_price, low=0.0, low_open=True, unit="[USD/MWh]")
    width = _contract.check("spread", spread, low=0.0)
    r, m, w = (np.asarray(_contract._values(v), dtype=np.float64) for v in (earned, mean, width))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if distribution == "uniform":
            low = m - w
            between = (r - low) ** 2 / (4.0 * w)  # 2 (b - a), with b - a = 2 w
            result = np.where(r >= m + w, r - m, np.where(r <= low, 0.0, between))
        else:
            d1 = (np.log(m / r) + w**2 / 2) / w
            d2 = d1 - w
            option = r * ndtr(-d2) - m * ndtr(-d1)
            # No spread: the deterministic margin max(R - m, 0).
            result = np.where(w > 0, np.nan_to_num(option), np.maximum(r - m, 0.0))
    return _contract.like(result, _template(earned, mean, width))


def _template(*values: Any) -> Any:
    """The most labelled of the inputs, whose kind the result takes."""
    for value in values:
        if _contract._is_data_array(value):
            return value
    for value in values:
        if _contract._is_labelled(value):
            return value
    return np.broadcast_arrays(*(np.asarray(v) for v in values))[0]


# --------------------------------------------------------------------------
# Price inputs
# --------------------------------------------------------------------------

# ERCOT's file headers, spaces and case removed, and what each column holds.
# Real-time files (NP6-905-CD) carry an hour ending and a quarter hour; the
# day-ahead files (NP4-190-CD) an "HH:00" hour ending; the API's downloads
# spell the same headers without spaces and call the repeated hour DSTFlag.
_ERCOT_ROLES = {
    "deliverydate": "date",
    "deliveryhour": "hour",
    "hourending": "hour",
    "deliveryinterval": "quarter",
    "repeatedhourflag": "repeated",
    "dstflag": "repeated",
    "settlementpointname": "point",
    "settlementpoint": "point",
    "settlementpointprice": "price",
}


def _header(name: object) -> str:
    return re.sub(r"[^a-z]", "", str(name).lower())


def _read_table(source: PathLike | pd.DataFrame) -> pd.DataFrame:
    """A settlement file as a DataFrame: CSV (plain or zipped) or Excel (every sheet)."""
    if isinstance(source, pd.DataFrame):
        return source
    if not isinstance(source, str | Path):
        raise ValueError(f"source must be a path or a DataFrame, got {type(source).__name__}")
    path = Path(source)
    if not path.is_file():
        raise ValueError(f"source must be a DataFrame or an existing file, got {str(source)!r}")
    if path.suffix.lower() in (".xlsx", ".xls"):
        try:
            sheets = pd.read_excel(path, sheet_name=None)
        except ImportError as error:
            raise ImportError(
                f"reading {path.name} needs an Excel reader: pip install openpyxl ({error})"
            ) from None
        return pd.concat(sheets.values(), ignore_index=True)
    return pd.read_csv(path)


def _flag(values: pd.Series) -> np.ndarray:
    """ERCOT's repeated-hour flags (Y/N, True/False) as booleans."""
    text = values.astype(str).str.strip().str.upper()
    return text.isin(("Y", "TRUE", "1")).to_numpy()


def read_ercot(source: PathLike | pd.DataFrame, settlement_point: str = "HB_NORTH") -> pd.Series:
    """Prices of one settlement point from an ERCOT settlement-point-price file.

    Parameters
    ----------
    source : path or pandas.DataFrame
        A file as ERCOT publishes it, or its table already read: real-time
        prices by quarter hour ("Settlement Point Prices at Resource Nodes,
        Hubs and Load Zones", NP6-905-CD, and the yearly "Historical RTM
        Load Zone and Hub Prices", NP6-785-ER) or day-ahead prices by hour
        (NP4-190-CD, NP4-180-ER). CSV, zipped CSV or Excel (every sheet;
        needs ``openpyxl``); headers with or without spaces.
    settlement_point : str, default "HB_NORTH"
        Hub, load zone or node, such as ``"HB_WEST"`` or ``"LZ_SOUTH"``.

    Returns
    -------
    pandas.Series
        Price of each interval [USD/MWh], indexed by the interval's start in
        Central time (:data:`ERCOT_TIMEZONE`), sorted, named after the point.

    Raises
    ------
    KeyError
        When the file has no prices for ``settlement_point`` (the message
        lists those it has).

    Notes
    -----
    ERCOT dates intervals by hour ending (1 to 24) and, in real time, by
    quarter hour (1 to 4): the interval starts ``hour - 1`` hours and
    ``15 (quarter - 1)`` minutes after midnight. In November the hour that
    repeats when clocks fall back carries the repeated-hour flag: its first
    pass is daylight time, the flagged one standard time.
    """
    table = _read_table(source)
    roles = {_ERCOT_ROLES[_header(c)]: c for c in table.columns if _header(c) in _ERCOT_ROLES}
    missing = sorted({"date", "hour", "point", "price"} - set(roles))
    if missing:
        raise ValueError(
            f"source is not an ERCOT settlement-point-price file: no column for {missing}; "
            f"columns: {list(table.columns)}"
        )
    points = table[roles["point"]].astype(str).str.strip()
    rows = table[(points == settlement_point).to_numpy()]
    if rows.empty:
        raise KeyError(
            f"settlement_point {settlement_point!r} is not in the file; it has "
            f"{sorted(points.unique())[:20]}"
        )
    hour = rows[roles["hour"]].astype(str).str.strip().str.split(":").str[0].astype(int)
    if not hour.between(1, 24).all():
        raise ValueError("source has an hour ending outside 1..24")
    quarter = rows[roles["quarter"]].astype(int) if "quarter" in roles else 1
    start = (
        pd.to_datetime(rows[roles["date"]].astype(str).str.strip(), format="%m/%d/%Y")
        + pd.to_timedelta(hour - 1, unit="h")
        + pd.to_timedelta(15 * (quarter - 1), unit="min")
    )
    repeated = _flag(rows[roles["repeated"]]) if "repeated" in roles else np.zeros(len(rows), bool)
    # ambiguous=True marks daylight time: the first pass through the repeated hour
    local = pd.DatetimeIndex(start)
    index = local.tz_localize(ERCOT_TIMEZONE, ambiguous=~repeated, nonexistent="NaT")
    if index.isna().any():  # an hour the spring-forward day does not have
        gap = local[index.isna()][0]
        raise ValueError(f"source has an interval that does not exist in Central time: {gap}")
    prices = pd.Series(
        pd.to_numeric(rows[roles["price"]]).to_numpy(dtype=float),
        index=index.rename("interval_start"),
        name=settlement_point,
    ).sort_index()
    return _checked_series(prices, "source")


def from_gridstatus(frame: pd.DataFrame, location: str | None = None) -> pd.Series:
    """Prices of one location from a DataFrame of the ``gridstatus`` package.

    ``pip install minerecon[markets]`` installs ``gridstatus``, which fetches
    prices from the grid operators (a network call the user makes; this
    function only reads the frame).

    Parameters
    ----------
    frame : pandas.DataFrame
        What ``gridstatus`` returns for settlement point prices or LMPs
        (for example ``Ercot().get_spp(...)``): columns ``Interval Start``,
        ``Location`` and ``SPP`` or ``LMP``.
    location : str, optional
        The location to keep; may be omitted when the frame holds one.

    Returns
    -------
    pandas.Series
        Price of each interval [USD/MWh], indexed by interval start (time
        zone as given), sorted, named after the location.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    value = next((c for c in ("SPP", "LMP") if c in frame.columns), None)
    if value is None or "Interval Start" not in frame.columns:
        raise ValueError(
            "frame must have the columns 'Interval Start' and 'SPP' or 'LMP' of gridstatus, "
            f"got {list(frame.columns)}"
        )
    locations = sorted(frame["Location"].astype(str).unique()) if "Location" in frame else []
    if location is None:
        if len(locations) > 1:
            raise ValueError(f"frame holds {len(locations)} locations; pick one: {locations[:20]}")
        rows = frame
        location = locations[0] if locations else value
    else:
        rows = frame[frame["Location"].astype(str) == location] if locations else frame[:0]
        if rows.empty:
            raise KeyError(f"location {location!r} is not in the frame; it has {locations[:20]}")
    prices = pd.Series(
        pd.to_numeric(rows[value]).to_numpy(dtype=float),
        index=pd.DatetimeIndex(rows["Interval Start"]).rename("interval_start"),
        name=location,
    ).sort_index()
    return _checked_series(prices, "frame")


def _checked_series(prices: pd.Series, name: str) -> pd.Series:
    if prices.index.has_duplicates:
        first = prices.index[prices.index.duplicated()][0]
        raise ValueError(f"{name} has two prices for the interval starting {first}")
    if not np.isfinite(prices.to_numpy()).all():
        raise ValueError(f"{name} has missing or infinite prices [USD/MWh]")
    prices.attrs["unit"] = "USD/MWh"
    return prices


def daily(prices: pd.Series, revenue: ArrayLike | None = None) -> pd.DataFrame:
    """Interval prices reduced to days, in the units the core functions take.

    Parameters
    ----------
    prices : pandas.Series
        Interval prices [USD/MWh] on a DatetimeIndex (hourly or finer).
    revenue : float or pandas.Series, optional
        Mining revenue per MWh [USD/MWh] (:func:`revenue_per_mwh`): one
        value, or a Series by day (local dates). With it the site curtails
        as :func:`curtail` does.

    Returns
    -------
    pandas.DataFrame
        One row per local day (index ``date``):

        * ``power_price``: time-weighted mean price [USD/kWh], what a load
          that never stops pays;
        * with ``revenue``, ``uptime``: share of the day's intervals run [-],
          and ``price_paid``: mean price of the intervals run [USD/kWh]
          (the day's mean price when none runs).

    Notes
    -----
    ``economics.margin_per_th(..., power_price=d["price_paid"],
    uptime=d["uptime"])`` is then the day's margin of a machine that
    curtails hour by hour, on days it runs at all (the core functions take
    an uptime in (0, 1]); ``power_price=d["power_price"]`` is the margin
    always on.

    Examples
    --------
    Two days of hours at 30 USD/MWh, the second with six hours at 900;
    mining earning 100 USD/MWh stops in those six:

    >>> index = pd.date_range("2026-07-01", periods=48, freq="h", tz=ERCOT_TIMEZONE)
    >>> prices = pd.Series([30.0] * 30 + [900.0] * 6 + [30.0] * 12, index=index)
    >>> table = daily(prices, 100.0)
    >>> table["uptime"].tolist(), table["price_paid"].tolist()
    ([1.0, 0.75], [0.03, 0.03])
    """
    series = _hourly_checked(prices)
    index = pd.DatetimeIndex(series.index)
    local = index.tz_localize(None) if index.tz is not None else index
    dates = pd.DatetimeIndex(local.normalize(), name="date")
    values = series.to_numpy()
    frame = pd.DataFrame({"power_price": values / 1000.0}, index=dates)
    table = frame.groupby(level="date").mean()
    if revenue is None:
        return table
    if isinstance(revenue, pd.Series):
        by_day = revenue.copy()
        by_day.index = pd.DatetimeIndex(by_day.index).normalize()
        earned = by_day.reindex(dates).to_numpy(dtype=float)
        if np.isnan(earned).any():
            missing = dates[np.isnan(earned)][0]
            raise ValueError(f"revenue has no value for {missing:%Y-%m-%d}, a day of prices")
        _contract.check("revenue", earned, low=0.0, unit="[USD/MWh]")
    else:
        earned = np.full(values.size, _contract.check_scalar("revenue", revenue, low=0.0,
                                                             unit="[USD/MWh]"))  # fmt: skip
    runs = values < earned
    frame["uptime"] = runs.astype(float)
    frame["paid"] = np.where(runs, values / 1000.0, 0.0)
    sums = frame.groupby(level="date").agg({"uptime": "mean", "paid": "sum"})
    counts = frame.groupby(level="date").size() * sums["uptime"]
    table["uptime"] = sums["uptime"]
    table["price_paid"] = np.where(counts > 0, sums["paid"] / counts.where(counts > 0, 1.0),
                                   table["power_price"])  # fmt: skip
    return table


def _hourly_checked(prices: object) -> pd.Series:
    if not isinstance(prices, pd.Series) or not isinstance(prices.index, pd.DatetimeIndex):
        raise ValueError(
            "prices must be a pandas Series indexed by interval start (DatetimeIndex)"
        )
    values = np.asarray(prices, dtype=float)
    if values.size == 0 or not np.isfinite(values).all():
        raise ValueError("prices must hold finite prices [USD/MWh]")
    return prices.sort_index().astype(float)


# --------------------------------------------------------------------------
# Time-of-use tariffs
# --------------------------------------------------------------------------


def _whole_numbers(name: str, values: Iterable[int], low: int, high: int) -> tuple[int, ...]:
    try:
        numbers = tuple(values)
    except TypeError:
        raise ValueError(f"{name} must be integers in [{low}, {high}], got {values!r}") from None
    if not numbers or any(
        isinstance(v, bool) or not isinstance(v, int | np.integer) or not low <= v <= high
        for v in numbers
    ):
        raise ValueError(f"{name} must be integers in [{low}, {high}], got {numbers!r}")
    return tuple(int(v) for v in numbers)


@dataclasses.dataclass(frozen=True)
class TariffPeriod:
    """One rate of a time-of-use tariff and when it applies.

    Parameters
    ----------
    rate : float
        Energy rate [USD/MWh].
    hours : tuple of int, default every hour
        Local clock hours it covers, 0 (midnight to 1 am) to 23.
    weekdays : tuple of int, default every day
        Days it covers, 0 (Monday) to 6 (Sunday).
    months : tuple of int, default every month
        Months it covers, 1 (January) to 12.
    """

    rate: float
    hours: tuple[int, ...] = tuple(range(24))
    weekdays: tuple[int, ...] = tuple(range(7))
    months: tuple[int, ...] = tuple(range(1, 13))

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "rate", _contract.check_scalar("rate", self.rate, unit="[USD/MWh]"))
        set_(self, "hours", _whole_numbers("hours", self.hours, 0, 23))
        set_(self, "weekdays", _whole_numbers("weekdays", self.weekdays, 0, 6))
        set_(self, "months", _whole_numbers("months", self.months, 1, 12))


@dataclasses.dataclass(frozen=True)
class TimeOfUse:
    """A retail tariff whose energy rate depends on the hour, the weekday and the month.

    Parameters
    ----------
    base_rate : float
        Rate outside every period [USD/MWh].
    periods : tuple of TariffPeriod
        Rates for some hours; where periods overlap, the later one applies.

    Examples
    --------
    A summer on-peak rate of 120 USD/MWh from 2 pm to 7 pm on weekdays,
    45 USD/MWh otherwise:

    >>> tariff = TimeOfUse(45.0, (TariffPeriod(120.0, tuple(range(14, 19)), tuple(range(5)),
    ...                                        (6, 7, 8, 9)),))
    >>> hours = pd.date_range("2026-07-01", periods=24, freq="h", tz=ERCOT_TIMEZONE)
    >>> tariff.prices(hours).groupby(lambda t: t.hour >= 14 and t.hour < 19).mean().tolist()
    [45.0, 120.0]
    """

    base_rate: float
    periods: tuple[TariffPeriod, ...] = ()

    def __post_init__(self) -> None:
        rate = _contract.check_scalar("base_rate", self.base_rate, unit="[USD/MWh]")
        object.__setattr__(self, "base_rate", rate)
        periods = tuple(self.periods) if isinstance(self.periods, list | tuple) else None
        if periods is None or not all(isinstance(p, TariffPeriod) for p in periods):
            raise ValueError(f"periods must be a tuple of TariffPeriod, got {self.periods!r}")
        object.__setattr__(self, "periods", periods)

    def prices(self, index: pd.DatetimeIndex) -> pd.Series:
        """The rate of each interval starting at ``index`` [USD/MWh] (its local clock)."""
        if not isinstance(index, pd.DatetimeIndex):
            raise ValueError(f"index must be a pandas DatetimeIndex, got {type(index).__name__}")
        rates = np.full(len(index), self.base_rate)
        for period in self.periods:
            applies = (
                np.isin(index.hour, period.hours)
                & np.isin(index.day_of_week, period.weekdays)
                & np.isin(index.month, period.months)
            )
            rates[applies] = period.rate
        prices = pd.Series(rates, index=index, name="rate")
        prices.attrs["unit"] = "USD/MWh"
        return prices


# --------------------------------------------------------------------------
# Hourly price model
# --------------------------------------------------------------------------

#: ERCOT-wide load-weighted average real-time price of 2017 [USD/MWh]
#: (Potomac Economics, 2017 State of the Market Report for the ERCOT
#: Electricity Markets, May 2018).
ERCOT_2017_MEAN_PRICE = 28.25
#: Hours of 2017 with real-time prices above 1,000 USD/MWh (same report).
ERCOT_2017_HOURS_ABOVE_1000 = 3.5
#: Hours of 2017 with system-wide negative real-time prices (same monitor,
#: as reported in its 2018 comments on negative pricing).
ERCOT_2017_NEGATIVE_HOURS = 36.0
#: ERCOT's high system-wide offer cap since 2022 [USD/MWh].
ERCOT_OFFER_CAP = 5000.0
#: ERCOT's offer floor [USD/MWh].
ERCOT_OFFER_FLOOR = -250.0

# Columns of one path's random numbers, in this order: a normal per day, a
# normal per hour (hourly noise), a uniform per hour (spike start; in a spike
# hour, its position below the chance of a spike also gives the spike's size).
_HOURLY_DRAWS = 2
# Random numbers drawn at a time [bytes]: chunks of paths stay near this, in
# whole blocks of the streams (at least one block, whatever the horizon).
_CHUNK_BYTES = 128 * 2**20
# Hours a fit needs outside spikes: 14 days.
_MIN_FIT_HOURS = 14 * 24


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _hourly_price_kernel(
    day_of_hour: np.ndarray,
    profile: np.ndarray,
    spike_weight: np.ndarray,
    draws: np.ndarray,
    parameters: np.ndarray,
    out: np.ndarray,
) -> None:  # pragma: no cover - numba
    (level, offset, sd_day, decay_day, sd_hour, persistence, spike_rate,
     spike_persistence, floor, cap) = parameters  # fmt: skip
    n_days = day_of_hour[-1] + 1
    n_hours = day_of_hour.size
    drift = -0.5 * (sd_day * sd_day + sd_hour * sd_hour)
    day_step = sd_day * math.sqrt(1.0 - decay_day * decay_day)
    hour_step = sd_hour * math.sqrt(1.0 - persistence * persistence)
    for i in range(out.shape[0]):
        row = draws[i]
        daily = sd_day * row[0]
        hourly = sd_hour * row[n_days]
        spiking = False
        for t in range(n_hours):
            if t > 0:
                if day_of_hour[t] != day_of_hour[t - 1]:
                    daily = decay_day * daily + day_step * row[day_of_hour[t]]
                hourly = persistence * hourly + hour_step * row[n_days + t]
            price = (level + offset) * profile[t] * math.exp(daily + hourly + drift) - offset
            chance = spike_persistence if spiking else min(1.0, spike_rate * spike_weight[t])
            slot = n_days + n_hours + t
            spiking = row[slot] < chance
            # Given a spike, u / chance is uniform: kept for the spike's size, -1 otherwise.
            row[slot] = row[slot] / chance if spiking else -1.0
            out[i, t] = min(max(price, floor), cap)


@dataclasses.dataclass(frozen=True, eq=False)
class PowerPriceModel:
    """Hourly power prices: a seasonal daily profile, a mean-reverting level, noise and spikes.

    Parameters
    ----------
    mean_price : float
        Mean price outside spikes [USD/MWh], > -offset.
    offset : float, default 0
        Shift ``a`` that lets prices go negative [USD/MWh], >= 0: the model
        is lognormal in ``p + a``.
    daily_volatility : float, default 0.3
        Standard deviation of the daily log level ``sigma_d`` [-], >= 0.
    daily_half_life : float, default 3
        Days for a deviation of the daily level to halve [days], > 0.
    hourly_volatility : float, default 0.3
        Standard deviation of the hourly log noise ``sigma_h`` [-], >= 0.
    hourly_persistence : float, default 0.8
        Correlation of the hourly noise from one hour to the next ``phi``
        [-], in [0, 1).
    spike_rate : float, default 0
        Chance that a spike starts in an hour of average profile [-], in
        [0, 1]; hours of a higher profile spike proportionally more often.
    spike_persistence : float, default 0
        Chance that a spike hour is followed by another [-], in [0, 1): a
        spike lasts ``1 / (1 - spike_persistence)`` hours on average.
    spike_median : float, default 1000
        Median price in a spike hour [USD/MWh], > 0.
    spike_dispersion : float, default 0
        Standard deviation of the log spike price [-], >= 0.
    floor, cap : float, default -250 and 5000
        Lowest and highest price [USD/MWh] (ERCOT's offer floor and cap).
    profile : array-like (12, 24), optional
        Multiplier of ``mean_price + offset`` by month (rows, January first)
        and local hour (columns) [-], > 0; flat when omitted. Rescaled so
        that it averages one over a year.
    source : str, default "user"
        Where the parameters come from.

    Notes
    -----
    In hour ``t`` of day ``d``, month ``m(t)`` and hour of day ``h(t)``:

    ``p_t = (mean + a) s[m, h] exp(y_d + e_t - (sigma_d^2 + sigma_h^2) / 2) - a``,
    then limited to ``[floor, cap]``,

    outside spikes, with ``y_d`` a daily AR(1) of stationary standard
    deviation ``sigma_d`` and coefficient ``2^(-1/half_life)``, and ``e_t``
    an hourly AR(1) of stationary standard deviation ``sigma_h`` and
    coefficient ``phi`` (both start stationary). A spike starts with chance
    ``spike_rate s[m, h] / mean(s)`` and continues with chance
    ``spike_persistence``; in a spike hour the price is the larger of the
    price above and ``spike_median exp(spike_dispersion Z)``, capped.

    Paths come from the random streams of the library's engine (component
    ``POWER``): path ``i`` is the same whatever the number of paths, the
    chunking or the threads.
    """

    mean_price: float
    offset: float = 0.0
    daily_volatility: float = 0.3
    daily_half_life: float = 3.0
    hourly_volatility: float = 0.3
    hourly_persistence: float = 0.8
    spike_rate: float = 0.0
    spike_persistence: float = 0.0
    spike_median: float = 1000.0
    spike_dispersion: float = 0.0
    floor: float = ERCOT_OFFER_FLOOR
    cap: float = ERCOT_OFFER_CAP
    profile: FloatArray | None = dataclasses.field(default=None, repr=False)
    source: str = "user"

    def __post_init__(self) -> None:
        check = _contract.check_scalar
        set_ = object.__setattr__
        set_(self, "offset", check("offset", self.offset, low=0.0, unit="[USD/MWh]"))
        set_(self, "mean_price", check("mean_price", self.mean_price, low=-self.offset,
                                       low_open=True, unit="[USD/MWh]"))  # fmt: skip
        for name in ("daily_volatility", "hourly_volatility", "spike_dispersion"):
            set_(self, name, check(name, getattr(self, name), low=0.0))
        set_(self, "daily_half_life", check("daily_half_life", self.daily_half_life, low=0.0,
                                            low_open=True, unit="[days]"))  # fmt: skip
        for name in ("hourly_persistence", "spike_persistence"):
            set_(self, name, check(name, getattr(self, name), low=0.0, high=1.0, high_open=True))
        set_(self, "spike_rate", check("spike_rate", self.spike_rate, low=0.0, high=1.0))
        set_(self, "spike_median", check("spike_median", self.spike_median, low=0.0,
                                         low_open=True, unit="[USD/MWh]"))  # fmt: skip
        set_(self, "floor", check("floor", self.floor, unit="[USD/MWh]"))
        set_(self, "cap", check("cap", self.cap, low=self.floor, low_open=True, unit="[USD/MWh]"))
        if self.profile is not None:
            profile = np.array(_contract._values(_contract.check("profile", self.profile,
                                                                 low=0.0, low_open=True)),
                               dtype=np.float64)  # fmt: skip
            if profile.shape != (12, 24):
                raise ValueError(
                    f"profile must have 12 rows (months) and 24 columns (hours), got "
                    f"shape {profile.shape}"
                )
            profile /= _year_mean(profile)
            profile.flags.writeable = False
            set_(self, "profile", profile)
        if not isinstance(self.source, str):
            raise ValueError(f"source must be a string, got {self.source!r}")

    @property
    def spike_share(self) -> float:
        """Long-run share of hours in a spike at an average profile [-]."""
        start = self.spike_rate
        return start / (start + 1.0 - self.spike_persistence) if start > 0 else 0.0

    @property
    def long_run_mean(self) -> float:
        """Mean price over the years [USD/MWh], spikes included.

        ``(1 - q) mean_price + q E[min(S, cap)]`` with ``q`` the spike share:
        a spike hour's price is taken as the spike's (far above the rest).
        """
        share = self.spike_share
        spike = _capped_lognormal_mean(self.spike_median, self.spike_dispersion, self.cap)
        return (1.0 - share) * self.mean_price + share * spike

    def hours(
        self, start: DateLike, n_hours: int, timezone: str = ERCOT_TIMEZONE
    ) -> pd.DatetimeIndex:
        """Starts of ``n_hours`` consecutive hours from local midnight of ``start``."""
        n_hours = _contract.check_count("n_hours", n_hours)
        first = pd.Timestamp(start)
        first = first.tz_localize(timezone) if first.tzinfo is None else first.tz_convert(timezone)
        return pd.date_range(first.normalize(), periods=n_hours, freq="h", name="interval_start")

    def simulate(
        self,
        start: DateLike,
        n_hours: int,
        n_paths: int = 1,
        *,
        seed: SeedLike = None,
        timezone: str = ERCOT_TIMEZONE,
        paths: slice | None = None,
    ) -> FloatArray:
        """Hourly price paths [USD/MWh], shape ``(n_paths, n_hours)``.

        Parameters
        ----------
        start : date
            First day; hours start at its local midnight (:meth:`hours` gives
            the index of the columns).
        n_hours : int
            Hours per path, >= 1.
        n_paths : int, default 1
            Paths, >= 1.
        seed : int, SeedSequence, Generator or None
            Seed of the random streams.
        timezone : str, default ERCOT_TIMEZONE
            Clock of the profile's months and hours.
        paths : slice, optional
            Only these paths (rows ``paths.start`` to ``paths.stop - 1`` of
            the ``n_paths``), drawn exactly as in the whole run: the way to
            work through many paths in chunks.
        """
        index = self.hours(start, n_hours, timezone)
        n_paths = _contract.check_count("n_paths", n_paths)
        first, last = _rows(paths, n_paths)
        local_day = index.tz_localize(None).normalize()
        day_of_hour = (local_day - local_day[0]).days.to_numpy().astype(np.int64)
        profile = np.ones(n_hours) if self.profile is None else (
            self.profile[index.month.to_numpy() - 1, index.hour.to_numpy()]
        )  # fmt: skip
        parameters = np.array([
            self.mean_price, self.offset, self.daily_volatility,
            2.0 ** (-1.0 / self.daily_half_life), self.hourly_volatility,
            self.hourly_persistence, self.spike_rate, self.spike_persistence,
            self.floor, self.cap,
        ])  # fmt: skip
        n_days = int(day_of_hour[-1]) + 1
        out = np.empty((last - first, n_hours))
        streams = _random.Streams(seed)

        normals = n_days + n_hours

        def sampler(rng: np.random.Generator, block: np.ndarray) -> None:
            for row in block:  # rows are contiguous: drawn in place
                rng.standard_normal(out=row[:normals])
                rng.random(out=row[normals:])

        columns = n_days + _HOURLY_DRAWS * n_hours
        block = _random.BLOCK_PATHS
        chunk_paths = max(block, _CHUNK_BYTES // (8 * columns) // block * block)
        for lo in range(first, last, chunk_paths):
            hi = min(lo + chunk_paths, last)
            draws = streams.fill(_random.POWER, lo, hi, columns, sampler)
            chunk = out[lo - first : hi - first]

            def run(a: int, b: int, draws: np.ndarray = draws, chunk: np.ndarray = chunk) -> None:
                _hourly_price_kernel(day_of_hour, profile, profile, draws[a:b], parameters,
                                     chunk[a:b])  # fmt: skip

            over_rows(run, hi - lo)
            self._add_spikes(chunk, draws[:, normals:])
        return out

    def _add_spikes(self, prices: np.ndarray, marks: np.ndarray) -> None:
        """Raise the spike hours (``marks >= 0``, a uniform each) to their lognormal size."""
        from scipy.special import ndtri

        spikes = marks >= 0.0
        if not spikes.any():
            return
        sizes = self.spike_median * np.exp(self.spike_dispersion * ndtri(marks[spikes]))
        prices[spikes] = np.clip(np.maximum(prices[spikes], sizes), self.floor, self.cap)

    @classmethod
    def fit(
        cls,
        prices: pd.Series,
        *,
        spike_threshold: float = 300.0,
        offset: float | None = None,
        floor: float = ERCOT_OFFER_FLOOR,
        cap: float = ERCOT_OFFER_CAP,
    ) -> PowerPriceModel:
        """Estimate the model from a series of interval prices (a year or more is best).

        Parameters
        ----------
        prices : pandas.Series
            Prices [USD/MWh] indexed by interval start (time-zone aware, or
            local clock time); intervals shorter than an hour are averaged
            to hours. At least 14 days.
        spike_threshold : float, default 300
            Hours above this price are spikes [USD/MWh].
        offset : float, optional
            The shift ``a`` [USD/MWh]; by default the 0.1 % quantile of the
            prices outside spikes, if negative, plus a tenth of their median.
        floor, cap : float, default -250 and 5000
            Price limits of the fitted model [USD/MWh].

        Notes
        -----
        Spike hours give ``spike_rate`` (starts per hour outside spikes),
        ``spike_persistence`` (share of spike hours followed by one) and the
        spike price's log median and standard deviation. The profile is the
        mean of ``p + a`` by month and hour over the overall mean. On the log
        residuals ``r`` the hourly parameters come from differences within a
        day, ``Var(r_t - r_{t-1}) = 2 sigma_h^2 (1 - phi)`` and
        ``Var(r_t - r_{t-2}) = 2 sigma_h^2 (1 - phi^2)``, and the daily ones
        from daily means of ``r``, less what the hourly noise adds to their
        variance and lag-one covariance.
        """
        hourly = _hourly(prices)
        threshold = _contract.check_scalar("spike_threshold", spike_threshold, unit="[USD/MWh]")
        values = hourly.to_numpy()
        spike = values > threshold
        calm = values[~spike]
        if calm.size < _MIN_FIT_HOURS:
            raise ValueError(
                f"spike_threshold {threshold:g} USD/MWh leaves {calm.size} hours outside spikes; "
                f"the fit needs {_MIN_FIT_HOURS}"
            )
        if offset is None:
            offset = max(0.0, -float(np.quantile(calm, 0.001))) + 0.1 * abs(float(np.median(calm)))
        offset = _contract.check_scalar("offset", offset, low=0.0, unit="[USD/MWh]")
        mean_price = float(calm.mean())
        if mean_price + offset <= 0:
            raise ValueError(
                f"offset must exceed minus the mean price outside spikes "
                f"({-mean_price:g} USD/MWh), got {offset:g}"
            )
        shifted = np.maximum(values + offset, 0.01 * (mean_price + offset))
        index = pd.DatetimeIndex(hourly.index)
        local = index.tz_localize(None) if index.tz is not None else index
        month, hour = local.month.to_numpy() - 1, local.hour.to_numpy()
        profile = _profile(shifted[~spike], month[~spike], hour[~spike])
        residual = np.log(shifted / ((mean_price + offset) * profile[month, hour]))
        residual[spike] = np.nan
        day = (local.normalize() - local.normalize()[0]).days.to_numpy()
        sd_hour, persistence = _hourly_noise(residual, day)
        sd_day, decay = _daily_level(residual, day, sd_hour, persistence)
        starts, persists, spike_hours = _spike_runs(spike)
        sizes = np.log(values[spike])
        return cls(
            mean_price=mean_price,
            offset=offset,
            daily_volatility=sd_day,
            daily_half_life=math.log(2.0) / -math.log(decay),
            hourly_volatility=sd_hour,
            hourly_persistence=persistence,
            spike_rate=starts / max(int((~spike).sum()), 1),
            spike_persistence=persists / max(spike_hours, 1) if spike_hours > 1 else 0.0,
            spike_median=float(np.exp(sizes.mean())) if sizes.size else max(threshold, 1.0),
            spike_dispersion=float(sizes.std(ddof=1)) if sizes.size > 1 else 0.0,
            floor=floor,
            cap=cap,
            profile=profile,
            source=f"fitted to {hourly.size:,} hours, {local[0]:%Y-%m-%d} to {local[-1]:%Y-%m-%d}",
        )


def _rows(paths: slice | None, n_paths: int) -> tuple[int, int]:
    if paths is None:
        return 0, n_paths
    if not isinstance(paths, slice) or paths.step not in (None, 1):
        raise ValueError(f"paths must be a slice of consecutive paths, got {paths!r}")
    first, last, _ = paths.indices(n_paths)
    if last <= first:
        raise ValueError(f"paths must select at least one of the {n_paths} paths, got {paths!r}")
    return first, last


def _year_mean(profile: np.ndarray) -> float:
    """Mean of a (12, 24) profile over a year's hours (months weighted by their days)."""
    days = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    return float((profile.mean(axis=1) * days).sum() / days.sum())


def _hourly(prices: object) -> pd.Series:
    series = _hourly_checked(prices)
    index = pd.DatetimeIndex(series.index)
    steps = (index[1:] - index[:-1]).total_seconds().to_numpy()
    if steps.size and np.median(steps) > 3600.0:
        raise ValueError("prices must be hourly or finer (15-minute intervals are averaged)")
    hourly = series.resample("h").mean().dropna()
    if hourly.size < _MIN_FIT_HOURS:
        raise ValueError(f"prices must cover at least 14 days of hours, got {hourly.size} hours")
    return hourly


def _profile(shifted: np.ndarray, month: np.ndarray, hour: np.ndarray) -> np.ndarray:
    """Mean by (month, hour) over the overall mean; months without data take the hourly mean."""
    cell = month * 24 + hour
    sums = np.bincount(cell, weights=shifted, minlength=288)
    counts = np.bincount(cell, minlength=288)
    overall = shifted.mean()
    by_hour = np.bincount(hour, weights=shifted, minlength=24) / np.maximum(
        np.bincount(hour, minlength=24), 1
    )
    fallback = np.tile(np.where(by_hour > 0, by_hour, overall), 12)
    profile = np.where(counts > 0, sums / np.maximum(counts, 1), fallback) / overall
    profile = profile.reshape(12, 24)
    return profile / _year_mean(profile)


def _pairs(residual: np.ndarray, day: np.ndarray, lag: int) -> np.ndarray:
    """Differences ``r_t - r_{t-lag}`` within one day, both hours outside spikes."""
    diff = residual[lag:] - residual[:-lag]
    same = day[lag:] == day[:-lag]
    return diff[same & np.isfinite(diff)]


def _hourly_noise(residual: np.ndarray, day: np.ndarray) -> tuple[float, float]:
    one, two = _pairs(residual, day, 1), _pairs(residual, day, 2)
    v1, v2 = float(np.mean(one**2)), float(np.mean(two**2))
    persistence = min(max(v2 / v1 - 1.0, 0.0), 0.99) if v1 > 0 else 0.0
    return math.sqrt(v1 / (2.0 * (1.0 - persistence))), persistence


def _noise_in_means(persistence: float, lag_days: int) -> float:
    """Covariance of two daily means of a unit AR(1) noise, ``lag_days`` apart (24 h days)."""
    i = np.arange(HOURS_PER_DAY)
    gaps = np.abs(24 * lag_days + i[None, :] - i[:, None])
    return float((persistence**gaps).mean())


def _daily_level(
    residual: np.ndarray, day: np.ndarray, sd_hour: float, persistence: float
) -> tuple[float, float]:
    finite = np.isfinite(residual)
    n_days = int(day[-1]) + 1
    sums = np.bincount(day[finite], weights=residual[finite], minlength=n_days)
    counts = np.bincount(day[finite], minlength=n_days)
    means = np.where(counts >= 12, sums / np.maximum(counts, 1), np.nan)
    if np.isfinite(means[1:] * means[:-1]).sum() < 2:
        raise ValueError("prices have too few consecutive days with 12 hours outside spikes")
    var_hour = sd_hour**2
    centred = means - np.nanmean(means)
    variance = float(np.nanmean(centred**2)) - var_hour * _noise_in_means(persistence, 0)
    lagged = centred[1:] * centred[:-1]
    covariance = float(np.nanmean(lagged)) - var_hour * _noise_in_means(persistence, 1)
    variance = max(variance, 1e-6)
    decay = min(max(covariance / variance, 0.01), 0.99)
    return math.sqrt(variance), decay


def _spike_runs(spike: np.ndarray) -> tuple[int, int, int]:
    """Starts of spikes, spike hours followed by a spike hour, and spike hours."""
    starts = int(spike[0]) + int((spike[1:] & ~spike[:-1]).sum())
    persists = int((spike[1:] & spike[:-1]).sum())
    return starts, persists, int(spike.sum())


def ercot_price_model() -> PowerPriceModel:
    """Hourly ERCOT real-time prices calibrated to the market monitor's 2017 figures.

    A default for users without their own prices, labelled as such in its
    ``source``. Calibrated to three published figures of the ERCOT-wide
    real-time price in 2017 (Potomac Economics, 2017 State of the Market
    Report for the ERCOT Electricity Markets, May 2018): a load-weighted
    average of 28.25 USD/MWh, 3.5 hours above 1,000 USD/MWh and 36 hours
    of negative prices; a year of low gas prices, like 2024, when ERCOT
    North day-ahead prices averaged 27.33 USD/MWh (E3, "ERCOT Year-End
    Snapshot", 23 December 2024). Capped at 5,000 USD/MWh, ERCOT's offer
    cap since 2022, floored at its -250 USD/MWh.

    Assumed, not fitted (no published figure pins them; fit a year of your
    own hub prices with :meth:`PowerPriceModel.fit` to replace them): a flat
    profile (no daily or seasonal shape), daily log volatility 0.3 with a
    3-day half-life, hourly log volatility 0.35 with hour-to-hour
    correlation 0.85, spikes lasting 2 hours on average with a median price
    of 1,300 USD/MWh and a log standard deviation of 0.3.

    Solved from the figures: the spike rate (3.5 hours above 1,000 a
    year), the mean price outside spikes (an overall mean of 28.25) and the
    offset (36 negative hours a year).
    """
    from scipy.special import ndtr, ndtri

    hours_per_year = 8760.0
    median, dispersion, persistence = 1300.0, 0.3, 0.5
    sd_day, sd_hour = 0.3, 0.35
    above = float(ndtr(math.log(median / 1000.0) / dispersion))  # P(spike price > 1,000)
    share = ERCOT_2017_HOURS_ABOVE_1000 / (hours_per_year * above)
    rate = share * (1.0 - persistence) / (1.0 - share)
    spike_mean = _capped_lognormal_mean(median, dispersion, ERCOT_OFFER_CAP)
    mean_price = (ERCOT_2017_MEAN_PRICE - share * spike_mean) / (1.0 - share)
    variance = sd_day**2 + sd_hour**2
    negative = ERCOT_2017_NEGATIVE_HOURS / (hours_per_year * (1.0 - share))
    ratio = math.exp(-variance / 2.0 + math.sqrt(variance) * float(ndtri(negative)))
    return PowerPriceModel(
        mean_price=mean_price,
        offset=ratio * mean_price / (1.0 - ratio),
        daily_volatility=sd_day,
        daily_half_life=3.0,
        hourly_volatility=sd_hour,
        hourly_persistence=0.85,
        spike_rate=rate,
        spike_persistence=persistence,
        spike_median=median,
        spike_dispersion=dispersion,
        source=(
            "synthetic default: ERCOT real-time 2017 (Potomac Economics, State of the Market "
            "2017): mean 28.25 USD/MWh, 3.5 h above 1,000, 36 negative hours; flat profile, "
            "volatilities and spike shape assumed"
        ),
    )


def _capped_lognormal_mean(median: float, dispersion: float, cap: float) -> float:
    """``E[min(S, cap)]`` for ``S = median exp(dispersion Z)``."""
    from scipy.special import ndtr

    if dispersion == 0:
        return min(median, cap)
    mean = median * math.exp(dispersion**2 / 2)
    d = math.log(cap / median) / dispersion
    return mean * float(ndtr(d - dispersion)) + cap * float(ndtr(-d))


# --------------------------------------------------------------------------
# Power contracts
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PowerContract:
    """How a site buys its power.

    Parameters
    ----------
    kind : {"fixed", "index"}
        ``"fixed"``: a fixed-price block of the site's load for every
        interval (a PPA or a retail fixed price); ``"index"``: the interval's
        market price plus an adder.
    price : float
        The fixed price, or the adder of an index contract [USD/MWh].
    resale : bool, default True
        Fixed contracts only: power the site does not use is sold back at
        the market price (ERCOT miners' "power curtailment credits").
    take_or_pay : float, default 0
        Fixed contracts without resale: share of the contracted energy paid
        for whether taken or not [-], in [0, 1].
    """

    kind: Literal["fixed", "index"]
    price: float
    resale: bool = True
    take_or_pay: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in ("fixed", "index"):
            raise ValueError(f"kind must be 'fixed' or 'index', got {self.kind!r}")
        object.__setattr__(self, "price", _contract.check_scalar("price", self.price,
                                                                 unit="[USD/MWh]"))  # fmt: skip
        if not isinstance(self.resale, bool | np.bool_):
            raise ValueError(f"resale must be True or False, got {self.resale!r}")
        share = _contract.check_scalar("take_or_pay", self.take_or_pay, low=0.0, high=1.0)
        if share > 0 and (self.kind == "index" or self.resale):
            raise ValueError(
                "take_or_pay applies to fixed contracts without resale; set resale=False "
                f"(got kind={self.kind!r}, resale={self.resale})"
            )
        object.__setattr__(self, "take_or_pay", share)


@dataclasses.dataclass(frozen=True)
class ContractSettlement:
    """A site's year (or any period) under a power contract (:func:`settle_contract`).

    Attributes
    ----------
    uptime : float or ndarray
        Share of intervals mined [-].
    energy_mwh : float or ndarray
        Energy mined with [MWh].
    power_cost : float or ndarray
        Paid to the supplier, take-or-pay shortfall included [USD].
    resold_mwh : float or ndarray
        Contracted energy sold back [MWh].
    resale_revenue : float or ndarray
        Received for it at the market price [USD] (negative prices cost).
    revenue : float or ndarray
        Earned mining [USD].
    margin : float or ndarray
        Revenue and resale less power and variable cost [USD].
    always_on_margin : float or ndarray
        The margin mining every interval [USD].
    """

    uptime: Numeric
    energy_mwh: Numeric
    power_cost: Numeric
    resold_mwh: Numeric
    resale_revenue: Numeric
    revenue: Numeric
    margin: Numeric
    always_on_margin: Numeric

    @property
    def flexibility_value(self) -> Numeric:
        """What switching off (and reselling) adds to mining every interval [USD], >= 0."""
        return self.margin - self.always_on_margin


def settle_contract(
    prices: ArrayLike,
    revenue: ArrayLike,
    contract: PowerContract,
    *,
    load_mw: float = 1.0,
    interval_hours: float = 1.0,
    variable_cost: float = 0.0,
) -> ContractSettlement:
    """Mine under a power contract, switching off when the power is worth more elsewhere.

    Parameters
    ----------
    prices : array-like, (..., intervals)
        Market price of each interval [USD/MWh].
    revenue : float or array-like
        Mining revenue per MWh [USD/MWh], broadcasting against ``prices``.
    contract : PowerContract
    load_mw, interval_hours, variable_cost
        As in :func:`curtail`.

    Returns
    -------
    ContractSettlement

    Notes
    -----
    With ``R`` the revenue per MWh, ``c`` the variable cost, ``p_i`` the
    market price, ``k`` the contract price and ``E = L h`` the energy of an
    interval:

    * fixed with resale: mining is worth ``R - c`` and resale ``p_i``, so
      the site mines when ``R - c > p_i`` and earns
      ``sum_i E max(R - c, p_i) - k sum_i E``; curtailing earns
      ``p_i - k`` against a contract price that is paid anyway;
    * fixed without resale: the site mines when ``R - c > k``; with a
      take-or-pay share ``s`` it pays for at least ``s`` of the contracted
      energy, so it also mines, in the intervals of highest ``R - c > 0``,
      until it takes that share (the minimum is settled over the whole
      period, with the foresight a monthly or annual true-up gives);
    * index plus adder: :func:`curtail` at ``p_i + k``.

    Examples
    --------
    Three hours at 20, 250 and 40 USD/MWh against a 35 USD/MWh fixed price,
    mining earning 100 USD/MWh: the site mines hours 1 and 3 and resells
    hour 2 for 250, earning 100 + 250 + 100 - 3 x 35 = 345 USD per MW.

    >>> result = settle_contract([20.0, 250.0, 40.0], 100.0, PowerContract("fixed", 35.0))
    >>> float(result.margin), float(result.resale_revenue)
    (345.0, 250.0)
    """
    if not isinstance(contract, PowerContract):
        raise ValueError(f"contract must be a PowerContract, got {type(contract).__name__}")
    price, earned, load, hours, cost = _interval_inputs(
        prices, revenue, load_mw, interval_hours, variable_cost
    )
    if contract.kind == "index":
        result = curtail(price + contract.price, earned, load_mw=load, interval_hours=hours,
                         variable_cost=cost)  # fmt: skip
        zero = _contract.plain(np.zeros(np.shape(result.margin)))
        return ContractSettlement(
            uptime=result.uptime,
            energy_mwh=result.energy_mwh,
            power_cost=result.power_cost,
            resold_mwh=zero,
            resale_revenue=zero,
            revenue=result.revenue,
            margin=result.margin,
            always_on_margin=result.always_on_margin,
        )
    mwh = load * hours
    worth = earned - cost  # mining's value per MWh
    n = price.shape[-1]
    contracted = n * mwh
    if contract.resale:
        runs = worth > price
        taken = runs.sum(axis=-1) * mwh
        paid = np.full(taken.shape, contract.price * contracted)
        resold = contracted - taken
        resale = np.where(runs, 0.0, price).sum(axis=-1) * mwh
    else:
        runs = worth > contract.price
        if contract.take_or_pay > 0:
            runs = _fill_minimum(runs, worth, math.ceil(contract.take_or_pay * n - 1e-9))
        taken = runs.sum(axis=-1) * mwh
        paid = contract.price * np.maximum(taken, contract.take_or_pay * contracted)
        resold = np.zeros(taken.shape)
        resale = np.zeros(taken.shape)
    mined = np.where(runs, worth, 0.0).sum(axis=-1) * mwh
    always = worth.sum(axis=-1) * mwh - contract.price * contracted
    plain = _contract.plain
    return ContractSettlement(
        uptime=plain(runs.mean(axis=-1)),
        energy_mwh=plain(taken),
        power_cost=plain(paid),
        resold_mwh=plain(resold),
        resale_revenue=plain(resale),
        revenue=plain(np.where(runs, earned, 0.0).sum(axis=-1) * mwh),
        margin=plain(mined + resale - paid),
        always_on_margin=plain(always),
    )


def _fill_minimum(runs: np.ndarray, worth: np.ndarray, minimum: int) -> np.ndarray:
    """Add the best paying idle intervals (``worth > 0``) until ``minimum`` are run."""
    idle_worth = np.where(runs | (worth <= 0), -np.inf, worth)
    order = np.argsort(-idle_worth, axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(order.shape[-1]), axis=-1)
    missing = np.maximum(minimum - runs.sum(axis=-1, keepdims=True), 0)
    return runs | ((rank < missing) & np.isfinite(idle_worth))


# --------------------------------------------------------------------------
# Reserves, demand response and 4CP
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReserveOffer:
    """A share of a mining load offered as a reserve, for the Monte Carlo engine.

    ``MiningScenario(power_market=..., reserve=ReserveOffer(...))`` applies
    :func:`responsive_reserve`'s rule hour by hour to every machine group.

    Parameters
    ----------
    share : float
        Share of each group's load offered [-], in (0, 1].
    payment : float
        Capacity payment per MW offered per hour [USD/MW/h], >= 0.
    calls : float, default 0
        Chance that an offered hour is called [-], in [0, 1).
    """

    share: float
    payment: float
    calls: float = 0.0

    def __post_init__(self) -> None:
        check = _contract.check_scalar
        object.__setattr__(self, "share", check("share", self.share, low=0.0, low_open=True,
                                                high=1.0))  # fmt: skip
        object.__setattr__(self, "payment", check("payment", self.payment, low=0.0,
                                                  unit="[USD/MW/h]"))  # fmt: skip
        object.__setattr__(self, "calls", check("calls", self.calls, low=0.0, high=1.0,
                                                high_open=True))  # fmt: skip


@dataclasses.dataclass(frozen=True)
class ReserveResult:
    """Expected outcome of offering part of the load as a reserve (:func:`responsive_reserve`).

    Attributes
    ----------
    offered_hours : float or ndarray
        Hours the committed load was offered [h].
    service_revenue : float or ndarray
        Capacity payments [USD].
    expected_deployed_hours : float or ndarray
        Hours the load is expected to be called off [h].
    expected_lost_margin : float or ndarray
        Mining margin expected to be lost when called [USD].
    margin : float or ndarray
        Expected margin of the whole load, payments included [USD].
    margin_without_service : float or ndarray
        The margin curtailing for price alone [USD].
    """

    offered_hours: Numeric
    service_revenue: Numeric
    expected_deployed_hours: Numeric
    expected_lost_margin: Numeric
    margin: Numeric
    margin_without_service: Numeric

    @property
    def service_value(self) -> Numeric:
        """What offering the reserve adds [USD], >= 0."""
        return self.margin - self.margin_without_service


def responsive_reserve(
    prices: ArrayLike,
    revenue: ArrayLike,
    service_price: ArrayLike,
    *,
    committed_mw: float,
    load_mw: float = 1.0,
    deployment_probability: ArrayLike = 0.0,
    interval_hours: float = 1.0,
    variable_cost: float = 0.0,
) -> ReserveResult:
    """Offer part of the load as a reserve that the grid may switch off, paid per MW-hour.

    Parameters
    ----------
    prices : array-like, (..., intervals)
        Energy price of each interval [USD/MWh].
    revenue : float or array-like
        Mining revenue per MWh [USD/MWh].
    service_price : float or array-like
        Capacity payment per MW offered per hour [USD/MW/h], >= 0 (ERCOT's
        Responsive Reserve or ECRS clearing prices, or a demand-response
        program's rate), broadcasting against ``prices``.
    committed_mw : float
        Load offered [MW], in [0, load_mw].
    load_mw : float, default 1
        Site load [MW], > 0.
    deployment_probability : float or array-like, default 0
        Chance that an offered interval is called [-], in [0, 1].
    interval_hours, variable_cost
        As in :func:`curtail`.

    Returns
    -------
    ReserveResult

    Notes
    -----
    A load can only be offered while it runs. Per MWh of committed load in
    an interval, offering is worth ``(1 - q)(R - c - p) + s`` (when called,
    with chance ``q``, the load neither earns ``R`` nor pays ``p``) against
    nothing when off: the site offers when that is positive, so it runs
    some intervals it would otherwise have stopped when the payment covers
    the expected loss. The rest of the load curtails for price as in
    :func:`curtail`.

    Examples
    --------
    Prices 30 and 110 USD/MWh, mining earning 100 USD/MWh, 10 MW of 20
    offered at 15 USD/MW/h with a 10 % chance of a call: the committed 10
    MW earn 0.9 x 70 + 15 = 78 in hour 1 and 0.9 x (-10) + 15 = 6 in hour 2
    (so it runs), against 70 + 0 for price alone.

    >>> result = responsive_reserve([30.0, 110.0], 100.0, 15.0, committed_mw=10.0, load_mw=20.0,
    ...                             deployment_probability=0.1)
    >>> float(result.margin), float(result.service_value)
    (1540.0, 140.0)
    """
    price, earned, load, hours, cost = _interval_inputs(
        prices, revenue, load_mw, interval_hours, variable_cost
    )
    if load <= 0:
        raise ValueError(f"load_mw must be > 0 [MW], got {load}")
    committed = _contract.check_scalar("committed_mw", committed_mw, low=0.0, high=load,
                                       unit="[MW]")  # fmt: skip
    payment = _broadcast_to("service_price", service_price, price.shape, low=0.0,
                            unit="[USD/MW/h]")  # fmt: skip
    called = _broadcast_to("deployment_probability", deployment_probability, price.shape,
                           low=0.0, high=1.0)  # fmt: skip
    spread = earned - cost - price
    offered_value = (1.0 - called) * spread + payment
    offers = offered_value > 0
    free = np.maximum(spread, 0.0)
    committed_part = np.where(offers, offered_value, 0.0).sum(axis=-1) * committed * hours
    rest = free.sum(axis=-1) * (load - committed) * hours
    plain = _contract.plain
    return ReserveResult(
        offered_hours=plain(offers.sum(axis=-1) * hours),
        service_revenue=plain(np.where(offers, payment, 0.0).sum(axis=-1) * committed * hours),
        expected_deployed_hours=plain(np.where(offers, called, 0.0).sum(axis=-1) * hours),
        expected_lost_margin=plain(
            np.where(offers, called * free, 0.0).sum(axis=-1) * committed * hours
        ),
        margin=plain(committed_part + rest),
        margin_without_service=plain(free.sum(axis=-1) * load * hours),
    )


def _broadcast_to(
    name: str, value: ArrayLike, shape: tuple[int, ...], **bounds: Any
) -> np.ndarray:
    array = np.asarray(_contract._values(_contract.check(name, value, **bounds)), dtype=float)
    try:
        return np.broadcast_to(array, np.broadcast_shapes(array.shape, shape))
    except ValueError:
        raise ValueError(
            f"{name} must broadcast against prices {shape}, got shape {array.shape}"
        ) from None


@dataclasses.dataclass(frozen=True)
class FourCP:
    """A site's expected 4CP charge, and what stopping at likely peaks saves (:func:`four_cp`).

    Attributes
    ----------
    charge : float or ndarray
        Yearly transmission charge with the rule [USD].
    charge_without_rule : float or ndarray
        The charge curtailing for price alone [USD].
    lost_margin : float or ndarray
        Mining margin given up in the intervals stopped for 4CP [USD].
    stopped_hours : float or ndarray
        Hours stopped for 4CP that price alone would have run [h].
    """

    charge: Numeric
    charge_without_rule: Numeric
    lost_margin: Numeric
    stopped_hours: Numeric

    @property
    def net_saving(self) -> Numeric:
        """Charge avoided less margin lost [USD]."""
        return self.charge_without_rule - self.charge - self.lost_margin


def four_cp(
    prices: ArrayLike,
    revenue: ArrayLike,
    peak_probability: ArrayLike,
    *,
    charge_per_kw_month: float,
    threshold: float = 0.05,
    load_mw: float = 1.0,
    interval_hours: float = 1.0,
    variable_cost: float = 0.0,
) -> FourCP:
    """Stop in the intervals likely to set a summer coincident peak, and what it saves.

    ERCOT's transmission operators bill a large load for a year by its
    average demand in the four 15-minute intervals of the system's monthly
    peaks in June to September (4CP); a site that is off in those intervals
    avoids the charge.

    Parameters
    ----------
    prices : array-like, (..., intervals)
        Energy price of each interval [USD/MWh].
    revenue : float or array-like
        Mining revenue per MWh [USD/MWh].
    peak_probability : array-like, (..., intervals)
        Chance that each interval is its month's coincident peak [-], in
        [0, 1]: from a forecast, or :func:`coincident_peaks` of a load
        series (hindsight). Summed over the intervals it is the number of
        peaks (4 for a summer).
    charge_per_kw_month : float
        Transmission rate per kW of average 4CP demand per month
        [USD/kW/month], >= 0, billed for twelve months.
    threshold : float, default 0.05
        Stop in intervals whose peak probability reaches this [-], in (0, 1].
    load_mw, interval_hours, variable_cost
        As in :func:`curtail`.

    Returns
    -------
    FourCP

    Notes
    -----
    With ``u_i`` whether the site runs in interval ``i`` and ``pi_i`` the
    peak probability, the expected 4CP demand is
    ``L sum_i pi_i u_i / sum_i pi_i`` [MW] and the charge
    ``12 x 1000 x rate x`` that demand. The rule runs the price rule of
    :func:`curtail` and also stops when ``pi_i >= threshold``.

    Examples
    --------
    Four summer intervals, one certain peak in the third; 10 MW mining at a
    margin of 50 USD/MWh; 5 USD/kW/month: stopping that hour costs 500 USD
    and avoids 12 x 1000 x 5 x 10 = 600,000 USD.

    >>> result = four_cp([50.0, 50.0, 50.0, 50.0], 100.0, [0.0, 0.0, 1.0, 0.0],
    ...                  charge_per_kw_month=5.0, load_mw=10.0)
    >>> float(result.charge_without_rule), float(result.charge), float(result.net_saving)
    (600000.0, 0.0, 599500.0)
    """
    price, earned, load, hours, cost = _interval_inputs(
        prices, revenue, load_mw, interval_hours, variable_cost
    )
    chance = _broadcast_to("peak_probability", peak_probability, price.shape, low=0.0, high=1.0)
    rate = _contract.check_scalar("charge_per_kw_month", charge_per_kw_month, low=0.0,
                                  unit="[USD/kW/month]")  # fmt: skip
    limit = _contract.check_scalar("threshold", threshold, low=0.0, low_open=True, high=1.0)
    peaks = chance.sum(axis=-1)
    if (peaks <= 0).any():
        raise ValueError("peak_probability must be positive in some interval of every path")
    spread = earned - cost - price
    free = spread > 0
    rule = free & (chance < limit)
    yearly = 12.0 * 1000.0 * rate * load

    def charge(runs: np.ndarray) -> np.ndarray:
        return yearly * np.where(runs, chance, 0.0).sum(axis=-1) / peaks

    stopped = free & ~rule
    plain = _contract.plain
    return FourCP(
        charge=plain(charge(rule)),
        charge_without_rule=plain(charge(free)),
        lost_margin=plain(np.where(stopped, spread, 0.0).sum(axis=-1) * load * hours),
        stopped_hours=plain(stopped.sum(axis=-1) * hours),
    )


def coincident_peaks(load: pd.Series, months: Iterable[int] = (6, 7, 8, 9)) -> pd.Series:
    """One at the interval of each month's highest system load, zero elsewhere (hindsight 4CP).

    Parameters
    ----------
    load : pandas.Series
        System load by interval [MW], indexed by interval start.
    months : iterable of int, default June to September
        Months with a coincident peak.

    Returns
    -------
    pandas.Series
        Peak indicator [-] on ``load``'s index: a ``peak_probability`` for
        :func:`four_cp` that knows the peaks.
    """
    if not isinstance(load, pd.Series) or not isinstance(load.index, pd.DatetimeIndex):
        raise ValueError("load must be a pandas Series indexed by interval start (DatetimeIndex)")
    values = np.asarray(_contract.check("load", load.to_numpy(dtype=float), low=0.0))
    chosen = _whole_numbers("months", months, 1, 12)
    index = pd.DatetimeIndex(load.index)
    indicator = np.zeros(len(load))
    for month in chosen:
        for year in np.unique(index.year):
            where = np.flatnonzero((index.month == month) & (index.year == year))
            if where.size:
                indicator[where[np.argmax(values[where])]] = 1.0
    return pd.Series(indicator, index=load.index, name="peak")


# --------------------------------------------------------------------------
# Power cost as miners report it
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PowerStatement:
    """A year's power cost the way miners report it: gross cost, credits and energy.

    Parameters
    ----------
    gross_power_cost : float
        Paid for power, transmission charges included [USD], >= 0.
    credits : float
        Power sold back and demand-response or reserve payments [USD], >= 0.
    energy_kwh : float
        Energy consumed [kWh], >= 0; the costs per kWh are nan without any.

    Examples
    --------
    Riot Platforms, 2024 (Form 10-K): 186.2 M USD gross power cost and
    33.7 M USD of power and demand-response credits; the 4 TWh consumed
    here only illustrates the per-kWh figure.

    >>> riot = PowerStatement(186.2e6, 33.7e6, 4.0e9)
    >>> round(riot.net_power_cost / 1e6, 1)
    152.5
    """

    gross_power_cost: float
    credits: float
    energy_kwh: float

    def __post_init__(self) -> None:
        check = _contract.check_scalar
        set_ = object.__setattr__
        set_(self, "gross_power_cost", check("gross_power_cost", self.gross_power_cost, low=0.0,
                                             unit="[USD]"))  # fmt: skip
        set_(self, "credits", check("credits", self.credits, low=0.0, unit="[USD]"))
        set_(self, "energy_kwh", check("energy_kwh", self.energy_kwh, low=0.0, unit="[kWh]"))

    @property
    def net_power_cost(self) -> float:
        """Gross cost less credits [USD]."""
        return self.gross_power_cost - self.credits

    @property
    def all_in_cost_per_kwh(self) -> float:
        """Net cost per kWh consumed [USD/kWh] (Riot's "all-in power cost")."""
        return self.net_power_cost / self.energy_kwh if self.energy_kwh > 0 else math.nan

    @property
    def gross_cost_per_kwh(self) -> float:
        """Gross cost per kWh consumed [USD/kWh]."""
        return self.gross_power_cost / self.energy_kwh if self.energy_kwh > 0 else math.nan


def power_statement(
    operation: Curtailment | ContractSettlement,
    *,
    reserve: ReserveResult | None = None,
    transmission: FourCP | None = None,
) -> PowerStatement:
    """The :class:`PowerStatement` of a simulated year, to set beside a filing.

    Parameters
    ----------
    operation : Curtailment or ContractSettlement
        The year's operation of one path (scalar fields).
    reserve : ReserveResult, optional
        Reserve payments, counted as credits.
    transmission : FourCP, optional
        Its 4CP charge, counted in the gross cost.

    Notes
    -----
    Gross cost is what the operation paid for power plus the 4CP charge;
    credits are the resale revenue of a contract plus the reserve
    payments; energy is what the site consumed.
    """
    if not isinstance(operation, Curtailment | ContractSettlement):
        raise ValueError(
            f"operation must be a Curtailment or a ContractSettlement, got "
            f"{type(operation).__name__}"
        )
    for name, value, kind in (
        ("reserve", reserve, ReserveResult),
        ("transmission", transmission, FourCP),
    ):
        if value is not None and not isinstance(value, kind):
            raise ValueError(
                f"{name} must be a {kind.__name__} or None, got {type(value).__name__}"
            )
    resale = operation.resale_revenue if isinstance(operation, ContractSettlement) else 0.0
    extra_credit = reserve.service_revenue if reserve is not None else 0.0
    extra_cost = transmission.charge if transmission is not None else 0.0
    values = (operation.power_cost, operation.energy_mwh, resale, extra_credit, extra_cost)
    if any(np.ndim(v) for v in values):
        raise ValueError("operation, reserve and transmission must be one path's year (scalars)")
    paid, energy, resold, service, charge = (float(np.asarray(v)) for v in values)
    return PowerStatement(
        gross_power_cost=paid + charge,
        credits=max(resold, 0.0) + service,
        energy_kwh=energy * 1000.0,
    )
