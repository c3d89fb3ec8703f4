"""Bundled history of the Bitcoin network and the ASIC catalogue.

Everything here ships inside the package (``minerecon/data/``) and loads
without network access. Sources, processing and caveats are documented in
``minerecon/data/history_README.md`` (daily history) and
``minerecon/data/miners_README.md`` (ASIC catalogue); :func:`data_path`
locates them.
"""

from __future__ import annotations

import dataclasses
import functools
import numbers
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Date of the last row of the bundled daily history.
HISTORY_AS_OF = "2026-08-16"


def data_path(name: str = "") -> Path:
    """Path of a bundled data file (or of the data folder when ``name`` is empty)."""
    path = Path(str(resources.files("minerecon") / "data")) / name
    if name and not path.exists():
        raise FileNotFoundError(f"no bundled data file named {name!r} in {path.parent}")
    return path


@dataclasses.dataclass(frozen=True)
class Calibration:
    """Where a fitted model's parameters came from.

    Every ``fit`` classmethod of the price, fee and hashrate models records
    one, so that the model's ``repr`` shows the window and the method.

    Parameters
    ----------
    source : str
        The series fitted: the bundled history or a user series.
    start, end : pandas.Timestamp
        First and last day of the window (inclusive).
    n_observations : int
        Observations in the window (daily values, or epochs for hashrate).
    method : str
        The estimator, in words.
    """

    source: str
    start: pd.Timestamp
    end: pd.Timestamp
    n_observations: int
    method: str

    def __repr__(self) -> str:
        return (
            f"Calibration(source={self.source!r}, start='{self.start.date()}', "
            f"end='{self.end.date()}', n_observations={self.n_observations}, "
            f"method={self.method!r})"
        )


@functools.cache
def _history() -> pd.DataFrame:
    frame = pd.read_csv(data_path("btc_daily.csv"), parse_dates=["date"], index_col="date")
    frame.index.freq = "D"
    return frame


_DATE_FORMS = "a string such as '2024-04-20', a datetime or a pandas.Timestamp"


def parse_day(
    name: str,
    value: Any,
    *,
    first: pd.Timestamp | None = None,
    last: pd.Timestamp | None = None,
    source: str = "the bundled history",
    normalize: bool = True,
) -> pd.Timestamp:
    """Read a date argument; the one date parser behind every ``start``, ``end`` and ``date``.

    Parameters
    ----------
    name : str
        The argument's name, for the error message.
    value : str, datetime, date, numpy.datetime64 or pandas.Timestamp
        The date. Numbers and booleans are refused (pandas would read ``-1``
        as a nanosecond before 1970), and so are ``None``, empty strings,
        ``"NaT"`` and strings pandas cannot parse. A time-zone-aware value
        is converted to UTC.
    first, last : pandas.Timestamp, optional
        Valid range, both ends included.
    source : str, default "the bundled history"
        What the range is, for the message.
    normalize : bool, default True
        Return midnight of the day (the library's days are UTC days).

    Returns
    -------
    pandas.Timestamp
        Time-zone-naive (UTC).

    Raises
    ------
    ValueError
        Naming the argument, the value and the valid range.

    Examples
    --------
    >>> parse_day("start", "2024-04-20 13:00")
    Timestamp('2024-04-20 00:00:00')
    >>> history_day("date", "NaT")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: date must be a date between 2014-01-01 and 2026-08-16 (the bundled history), ...
    """
    valid = ""
    if first is not None and last is not None:
        valid = f" between {first.date()} and {last.date()} ({source})"
    refused = ValueError(f"{name} must be a date{valid}, given as {_DATE_FORMS}; got {value!r}")
    if (
        value is None
        or isinstance(value, bool | np.bool_ | numbers.Number | np.number)
        or (isinstance(value, str) and not value.strip())
    ):
        raise refused
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError):
        raise refused from None
    if pd.isna(day):
        raise refused
    if day.tzinfo is not None:
        day = day.tz_convert("UTC").tz_localize(None)
    if normalize:
        day = day.normalize()
    if (first is not None and day < first) or (last is not None and day > last):
        raise ValueError(f"{name} must be a date{valid}, got {day.date()}")
    return day


def history_day(name: str, value: Any) -> pd.Timestamp:
    """A day of the bundled history, read by :func:`parse_day`; ``ValueError`` outside it.

    Examples
    --------
    >>> history_day("start", "2024-04-20")
    Timestamp('2024-04-20 00:00:00')
    """
    first, last = _history().index[[0, -1]]
    return parse_day(name, value, first=first, last=last)


def load_history() -> pd.DataFrame:
    """Daily BTC price, difficulty and fees per block, 2014-01-01 to 2026-08-16.

    Returns
    -------
    pandas.DataFrame
        Indexed by UTC day (``date``), one row per day with no gaps, columns:

        ``price_usd``
            BTC/USD at 00:00 UTC (Bitstamp first 1-minute close) [USD/BTC].
        ``difficulty``
            Consensus difficulty in force at 00:00 UTC, exact per epoch [-].
        ``fees_btc_per_block``
            Fees paid that UTC day divided by blocks mined that day [BTC].

    Notes
    -----
    A fresh copy each call, so callers may modify it. Known weak points
    (2024-04-20 fees understated about 12x; epoch dates before 2016-04-28
    uncertain by one day) are listed in ``history_README.md``.

    Examples
    --------
    >>> history = load_history()
    >>> float(history.loc["2024-04-20", "difficulty"])   # the 2024 halving epoch
    86388558925171.02
    """
    return _history().copy()


@functools.cache
def _epochs() -> pd.DataFrame:
    return pd.read_csv(
        data_path("btc_difficulty_epochs.csv"),
        index_col="epoch",
        parse_dates=[
            "retarget_day_utc",
            "first_date_in_force_0000utc",
            "last_date_in_dataset",
        ],
    )


def load_difficulty_epochs() -> pd.DataFrame:
    """One row per 2016-block difficulty epoch touching the daily history.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``epoch`` (= ``start_height / 2016``), columns
        ``start_height`` [blocks], ``difficulty`` [-], ``difficulty_source``,
        ``retarget_day_utc`` (UTC day of the epoch's first block),
        ``retarget_day_basis``, ``first_date_in_force_0000utc`` and
        ``last_date_in_dataset``.

    Examples
    --------
    >>> epochs = load_difficulty_epochs()
    >>> [float(v) for v in epochs.loc[459, ["start_height", "difficulty"]]]
    [925344.0, 149301205959699.9]
    """
    return _epochs().copy()


@functools.cache
def _miners() -> pd.DataFrame:
    return pd.read_csv(data_path("miners.csv"), index_col="name")


def load_miners() -> pd.DataFrame:
    """The bundled ASIC catalogue.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``name``, columns ``manufacturer``, ``hashrate_th``
        [TH/s], ``power_w`` [W], ``efficiency_j_per_th`` [J/TH],
        ``cooling``, ``release_year``, ``source`` and ``as_of``.
        Nameplate figures, +/-5 %; see ``miners_README.md``.
    """
    return _miners().copy()


def estimate_height(date: Any) -> Any:
    """Estimated height of the first block mined after 00:00 UTC of ``date``.

    Parameters
    ----------
    date : str, Timestamp or array-like of dates
        UTC day(s) within the bundled history.

    Returns
    -------
    int or numpy.ndarray of int [blocks].

    Notes
    -----
    Linear interpolation of block height over time between the start days of
    consecutive difficulty epochs (an epoch's first block is taken at noon of
    its retarget day), extrapolated at 144 blocks per day after the last one.
    Block times vary, so the estimate is good to about one day of blocks
    (~150) inside an epoch.

    Examples
    --------
    The retarget to epoch 459 (block 925,344) came at 01:16 UTC on 2025-11-27:

    >>> estimate_height("2025-11-27") // 2016, estimate_height("2025-11-28") // 2016
    (458, 459)
    """
    epochs = _epochs()
    known = epochs.dropna(subset=["retarget_day_utc"])
    start_days = (known["retarget_day_utc"] + pd.Timedelta(hours=12)).to_numpy()
    start_heights = known["start_height"].to_numpy(dtype=float)
    first, last = _history().index[[0, -1]]
    if np.ndim(date) == 0:
        days = pd.DatetimeIndex([history_day("date", date)])
    else:
        valid = f"between {first.date()} and {last.date()} (the bundled history)"
        try:
            days = pd.to_datetime(np.atleast_1d(date)).normalize()
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"date must hold dates {valid}, got {np.asarray(date)}") from None
        if days.isna().any() or days.min() < first or days.max() > last:
            raise ValueError(f"date must hold dates {valid}, got {np.asarray(date)}")
    x = days.to_numpy().astype("datetime64[s]").astype(float)
    xp = start_days.astype("datetime64[s]").astype(float)
    heights = np.interp(x, xp, start_heights)
    after = x > xp[-1]
    heights[after] = start_heights[-1] + (x[after] - xp[-1]) / 600.0
    before = x < xp[0]
    heights[before] = start_heights[0] + (x[before] - xp[0]) / 600.0
    heights = np.ceil(heights).astype(np.int64)
    return int(heights[0]) if np.ndim(date) == 0 else heights
