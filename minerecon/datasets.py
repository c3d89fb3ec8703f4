"""Bundled history of the Bitcoin network and the ASIC catalogue.

Everything here ships inside the package (``minerecon/data/``) and loads
without network access. Sources, processing and caveats are documented in
``minerecon/data/history_README.md`` (daily history) and
``minerecon/data/miners_README.md`` (ASIC catalogue); :func:`data_path`
locates them.

Days after the bundled history (2026-08-16) can be added to a user data
cache by ``minerecon data update`` (fetched from public APIs, see
:mod:`minerecon.update`) or ``minerecon data import FILE.csv`` (your own
series). The cache is one file, ``btc_daily.csv``, in the folder named by the
environment variable ``MINERECON_DATA_DIR``, else in the user cache folder
of platformdirs (``~/.cache/minerecon`` on Linux). When it exists,
:func:`load_history` and everything built on it (``NetworkState.latest``,
``NetworkState.from_history``, ``calibrate``) use the bundled days followed
by the cached ones; :func:`history_status` says which, and the frame's
``attrs["source"]`` too. Nothing here reads the network.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import numbers
import os
import warnings
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import TypedDict, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from minerecon._contract import MinereconWarning, check_count
from minerecon.typing import DateLike

__all__ = [
    "STALE_AFTER_DAYS",
    "Calibration",
    "StaleDataWarning",
    "data_path",
    "estimate_height",
    "hashprice_history",
    "history_day",
    "history_status",
    "latest_day",
    "load_difficulty_epochs",
    "load_history",
    "load_miners",
    "parse_day",
]

#: Date of the last row of the bundled daily history.
HISTORY_AS_OF = "2026-08-16"

#: Age [days] of the last day of the history beyond which :func:`latest_day`
#: warns (:class:`StaleDataWarning`).
STALE_AFTER_DAYS = 30


class StaleDataWarning(MinereconWarning):
    """The latest day of the history in use is more than :data:`STALE_AFTER_DAYS` old.

    Emitted once per process by :func:`latest_day`, so by
    ``NetworkState.latest()`` and the command's default ``--date``; the
    message says how to fetch fresher data (``minerecon data update``).
    """


def data_path(name: str = "") -> Path:
    """Path of a bundled data file (or of the data folder when ``name`` is empty).

    Parameters
    ----------
    name : str, default ""
        A file name of ``minerecon/data/`` (no folders), e.g. ``"btc_daily.csv"``.

    Raises
    ------
    TypeError
        ``name`` is not a string.
    ValueError
        No bundled file has that name (the message lists them).

    Examples
    --------
    >>> data_path("miners.csv").name
    'miners.csv'
    """
    folder = Path(str(resources.files("minerecon") / "data"))
    if not isinstance(name, str):
        raise TypeError(f"name must be a string (a bundled file name), got {type(name).__name__}")
    if not name:
        return folder
    files = sorted(path.name for path in folder.iterdir() if path.is_file())
    # Only a plain name of the folder: "../x" or "/etc/x" would reach outside it.
    if name not in files:
        raise ValueError(
            f"name must be a bundled data file in {folder}, one of {', '.join(files)}; "
            f"got {name!r}"
        )
    return folder / name


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

    Raises
    ------
    TypeError
        ``source`` or ``method`` is not a string.
    ValueError
        ``start`` or ``end`` is not a date (read by :func:`parse_day`, time
        of day kept), ``end`` is before ``start``, or ``n_observations`` is
        not a whole number >= 0.
    """

    source: str
    start: pd.Timestamp
    end: pd.Timestamp
    n_observations: int
    method: str

    def __post_init__(self) -> None:
        for name in ("source", "method"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a string, got {type(value).__name__}")
        start = parse_day("start", self.start, normalize=False)
        end = parse_day("end", self.end, normalize=False)
        if end < start:
            raise ValueError(f"end must not be before start ({start}), got {end}")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        count = check_count("n_observations", self.n_observations, low=0)
        object.__setattr__(self, "n_observations", count)

    def __repr__(self) -> str:
        return (
            f"Calibration(source={self.source!r}, start='{self.start.date()}', "
            f"end='{self.end.date()}', n_observations={self.n_observations}, "
            f"method={self.method!r})"
        )


#: The daily columns of the history, in order.
_COLUMNS = ("price_usd", "difficulty", "fees_btc_per_block")


@functools.cache
def _bundled() -> pd.DataFrame:
    frame = pd.read_csv(data_path("btc_daily.csv"), parse_dates=["date"], index_col="date")
    # pandas-stubs: DatetimeIndex.freq has no setter there, and takes no string.
    cast(pd.DatetimeIndex, frame.index).freq = "D"  # type: ignore[misc,assignment]
    return frame


# --------------------------------------------------------------------------
# The data cache: days after the bundled history
# --------------------------------------------------------------------------

#: Environment variable naming the data cache folder (default: platformdirs'
#: user cache folder for "minerecon").
CACHE_ENV = "MINERECON_DATA_DIR"
_CACHE_NAME = "btc_daily.csv"
#: Columns of the cache file: the daily columns, the epoch (start height / 2016)
#: of each day's difficulty (empty for imported days), the row's origin and the
#: day it was fetched or imported.
_CACHE_COLUMNS = ("date", *_COLUMNS, "epoch", "source", "as_of")


def _cache_folder() -> Path:
    """``$MINERECON_DATA_DIR``, else platformdirs' user cache folder of minerecon."""
    given = os.environ.get(CACHE_ENV, "")
    if given:
        return Path(given).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("minerecon", appauthor=False))


def _cache_file(folder: Path | None = None) -> Path:
    """The cache file in ``folder`` (default: :func:`_cache_folder`)."""
    return (_cache_folder() if folder is None else Path(folder)) / _CACHE_NAME


@dataclasses.dataclass(frozen=True)
class _Merged:
    """The history in use: bundled days, then the cached ones (``cache`` rows)."""

    history: pd.DataFrame
    epochs: pd.DataFrame
    cache: pd.DataFrame  # the cached rows with epoch, source and as_of; may be empty
    path: Path

    @property
    def label(self) -> str:
        """What the valid range of a day is, for messages."""
        return "the bundled and cached history" if len(self.cache) else "the bundled history"


#: The last history read from each cache file, keyed on the file's state (mtime,
#: size, inode), so that a cache written since is read again.
_LOADED: dict[Path, tuple[tuple[int, int, int] | None, _Merged]] = {}


def _merged(folder: Path | None = None) -> _Merged:
    """The history in use with the cache of ``folder`` (default: :func:`_cache_folder`)."""
    path = _cache_file(folder)
    try:
        stat = path.stat()
        state: tuple[int, int, int] | None = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    except OSError:
        state = None
    loaded = _LOADED.get(path)
    if loaded is not None and loaded[0] == state:
        return loaded[1]
    merged = _merge(path, exists=state is not None)
    if len(_LOADED) > 8:
        _LOADED.clear()
    _LOADED[path] = (state, merged)
    return merged


def _merge(path: Path, *, exists: bool) -> _Merged:
    bundled = _bundled()
    cache = _empty_cache()
    if exists:
        try:
            cache = _read_cache(path)
        except ValueError as error:
            warnings.warn(
                f"ignoring the data cache {path}: {error}; run `minerecon data update` to "
                "rebuild it, or remove the file",
                MinereconWarning,
                stacklevel=4,
            )
    history = pd.concat([bundled, cache[list(_COLUMNS)]]) if len(cache) else bundled.copy()
    cast(pd.DatetimeIndex, history.index).freq = "D"  # type: ignore[misc,assignment]
    history.index.name = "date"
    first, last = bundled.index[0].date(), bundled.index[-1].date()
    source = f"bundled history {first} to {last} (minerecon/data/btc_daily.csv)"
    if len(cache):
        origins = "; ".join(f"{part['source']}, as of {part['as_of']}" for part in _parts(cache))
        source += (
            f", then {cache.index[0].date()} to {cache.index[-1].date()} from the data "
            f"cache {path} ({origins})"
        )
    history.attrs["source"] = source
    return _Merged(history, _cached_epochs(_bundled_epochs(), cache), cache, path)


def _empty_cache() -> pd.DataFrame:
    return pd.DataFrame(
        {
            **{name: pd.Series(dtype=float) for name in _COLUMNS},
            "epoch": pd.Series(dtype="Int64"),
            "source": pd.Series(dtype=object),
            "as_of": pd.Series(dtype=object),
        },
        index=pd.DatetimeIndex([], name="date"),
    )


def _read_cache(path: Path) -> pd.DataFrame:
    """The rows of a cache file, checked as when they were written (ValueError if not)."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as error:  # pandas' parser errors are ValueErrors
        raise ValueError(f"cannot read it ({error})") from None
    missing = [name for name in _CACHE_COLUMNS if name not in raw.columns]
    if missing:
        raise ValueError(f"it lacks the columns {', '.join(missing)}")
    if raw.empty:
        return _empty_cache()
    days = pd.to_datetime(raw["date"], format="%Y-%m-%d", errors="coerce")
    if days.isna().any():
        raise ValueError(f"row {int(days.isna().argmax()) + 2} has no date YYYY-MM-DD")
    frame = pd.DataFrame(index=pd.DatetimeIndex(days, name="date"))
    for name in _COLUMNS:
        values = pd.to_numeric(raw[name], errors="coerce").to_numpy(dtype=float)
        if np.isnan(values).any():
            raise ValueError(f"{name} is not a number on row {int(np.isnan(values).argmax()) + 2}")
        frame[name] = values
    given = raw["epoch"] != ""
    wrong = given & ~raw["epoch"].str.fullmatch(r"\d+")
    if wrong.any():
        raise ValueError(f"epoch is not a whole number on row {int(wrong.argmax()) + 2}")
    epochs = pd.to_numeric(raw["epoch"].where(given))
    frame["epoch"] = pd.array(epochs.to_numpy(), dtype="Int64")
    frame["source"] = raw["source"].to_numpy()
    frame["as_of"] = raw["as_of"].to_numpy()
    bundled = _bundled()
    _check_days(frame[list(_COLUMNS)], bundled.iloc[-1], lambda day: str(day.date()))
    return frame


class HistoryPart(TypedDict):
    """A run of days of the history with one origin (:func:`history_status`)."""

    first: pd.Timestamp
    last: pd.Timestamp
    source: str
    as_of: str


class HistoryStatus(TypedDict):
    """What :func:`history_status` returns; its docstring describes the keys."""

    source: str
    first: pd.Timestamp
    last: pd.Timestamp
    bundled_last: pd.Timestamp
    cache_file: Path
    cached_days: int
    parts: list[HistoryPart]
    age_days: int


def _parts(cache: pd.DataFrame) -> list[HistoryPart]:
    """Runs of cached days with one source and one date fetched."""
    origin = cache["source"].astype(str) + "\x00" + cache["as_of"].astype(str)
    run = (origin != origin.shift()).cumsum()
    return [
        {
            "first": rows.index[0],
            "last": rows.index[-1],
            "source": rows["source"].iloc[0],
            "as_of": rows["as_of"].iloc[0],
        }
        for _, rows in cache.groupby(run, sort=True)
    ]


def _cached_epochs(epochs: pd.DataFrame, cache: pd.DataFrame) -> pd.DataFrame:
    """The bundled epochs, extended by the epochs of cached days that carry one.

    A fetched day's epoch starts on the day after its first block was mined (the
    first 00:00 after the block's timestamp), so its retarget day is the day before
    its first day in force, as in the bundled table.
    """
    known = cache.dropna(subset=["epoch"])
    if known.empty:
        return epochs
    epochs = epochs.copy()
    rows = []
    for epoch, days in known.groupby("epoch", sort=True):
        epoch = int(cast(int, epoch))  # an Int64 value
        first, last = days.index[0], days.index[-1]
        if epoch in epochs.index:
            epochs.loc[epoch, "last_date_in_dataset"] = last
            continue
        rows.append(
            {
                "epoch": epoch,
                "start_height": epoch * 2016,
                "difficulty": float(days["difficulty"].iloc[0]),
                "difficulty_source": "mempool_space",
                "retarget_day_utc": first - pd.Timedelta(days=1),
                "retarget_day_basis": "block_timestamp",
                "first_date_in_force_0000utc": first,
                "last_date_in_dataset": last,
            }
        )
    if rows:
        epochs = pd.concat([epochs, pd.DataFrame(rows).set_index("epoch")])
    return epochs


def _history() -> pd.DataFrame:
    """The history in use (not a copy: callers must not modify it)."""
    return _merged().history


#: Plausible ranges of the daily columns of days added after the bundled
#: history (low, high, unit): a value outside is a unit or provider error, not a
#: market move. The low bound of fees is excluded: a day without fees is a gap.
_PLAUSIBLE = {
    "price_usd": (100.0, 1e7, " [USD/BTC]"),
    "difficulty": (1e12, 1e18, " [-]"),
    "fees_btc_per_block": (0.0, 50.0, " [BTC]"),
}
#: Largest |log change| of the price from one day to the next [-] (a factor of
#: e); the largest in the bundled history is 0.49, on 2020-03-13.
_MAX_LOG_RETURN = 1.0
#: Protocol bounds of one retarget: the difficulty moves at most 4x either way.
_RETARGET = (0.25, 4.0)
#: Fewest days between two retargets: 2016 blocks take 3.5 days even at four
#: times the target rate (the shortest epoch of the bundled history is 11 days).
_MIN_EPOCH_DAYS = 3


def _check_days(
    frame: pd.DataFrame, previous: pd.Series | None, where: Callable[[pd.Timestamp], str]
) -> None:
    """Refuse daily rows that cannot extend the history; ``ValueError`` naming the first bad day.

    ``frame`` holds the daily columns by day, ``previous`` the known day before them
    (a row of the history, named by its day) or None, ``where(day)`` says where a
    day is in the input (a file's line). Checked: one row per day, no gap (also after
    ``previous``), values finite and in their plausible range, the price moving by
    at most a factor e a day, the difficulty changing by at most 4x and not twice
    within :data:`_MIN_EPOCH_DAYS` days.
    """
    days = frame.index
    if len(days) == 0:
        return
    if previous is not None:
        known = cast(pd.Timestamp, previous.name)  # a row of the history, named by its day
        if days[0] != known + pd.Timedelta(days=1):
            raise ValueError(_gap_message(where(days[0]), known, days[0]))
    steps = np.diff(days.to_numpy()).astype("timedelta64[D]").astype(np.int64)
    bad = np.flatnonzero(steps != 1)
    if bad.size:
        before, day = days[bad[0]], days[bad[0] + 1]
        if day == before:
            raise ValueError(f"{where(day)}: {day.date()} appears twice")
        if day < before:
            raise ValueError(
                f"{where(day)}: {day.date()} follows {before.date()}: days must increase"
            )
        raise ValueError(_gap_message(where(day), before, day))
    for name, (low, high, unit) in _PLAUSIBLE.items():
        values = frame[name].to_numpy(dtype=float)
        low_ok = values > low if name == "fees_btc_per_block" else values >= low
        wrong = ~(np.isfinite(values) & low_ok & (values <= high))
        if wrong.any():
            at = int(wrong.argmax())
            left = "(" if name == "fees_btc_per_block" else "["
            raise ValueError(
                f"{where(days[at])}: {name} must be in {left}{low:g}, {high:g}]{unit}, "
                f"got {values[at]!r}"
            )
    # With the known day first, so that the first new day's moves are checked too.
    full = frame[list(_COLUMNS)]
    if previous is not None:
        full = pd.concat([previous[list(_COLUMNS)].astype(float).to_frame().T, full])
    when = full.index
    price = full["price_usd"].to_numpy(dtype=float)
    jumps = np.abs(np.diff(np.log(price))) > _MAX_LOG_RETURN
    if jumps.any():
        at = int(jumps.argmax())
        raise ValueError(
            f"{where(when[at + 1])}: price_usd moves from {price[at]:g} on "
            f"{when[at].date()} to {price[at + 1]:g} in one day, more than a factor e = 2.72 "
            "(the largest daily move from 2014 to 2026 is 1.6-fold)"
        )
    difficulty = full["difficulty"].to_numpy(dtype=float)
    ratio = difficulty[1:] / difficulty[:-1]
    wrong = (ratio < _RETARGET[0]) | (ratio > _RETARGET[1])
    if wrong.any():
        at = int(wrong.argmax())
        raise ValueError(
            f"{where(when[at + 1])}: difficulty changes {ratio[at]:.3g}-fold from "
            f"{when[at].date()}; a retarget changes it by a factor from 0.25 to 4 (protocol)"
        )
    changes = np.flatnonzero(ratio != 1.0) + 1  # positions in ``when`` of new values
    close = np.flatnonzero(np.diff(changes) < _MIN_EPOCH_DAYS)
    if close.size:
        first, then = changes[close[0]], changes[close[0] + 1]
        raise ValueError(
            f"{where(when[then])}: difficulty changes on {when[first].date()} and again "
            f"{then - first} day(s) later; 2016 blocks take at least {_MIN_EPOCH_DAYS} days, "
            "so it changes only at retargets that far apart"
        )


def _gap_message(place: str, before: pd.Timestamp, day: pd.Timestamp) -> str:
    missing = (day - before).days - 1
    if missing == 1:
        gap = f"{(before + pd.Timedelta(days=1)).date()} is missing"
    elif missing > 1:
        gap = (
            f"the {missing} days {(before + pd.Timedelta(days=1)).date()} to "
            f"{(day - pd.Timedelta(days=1)).date()} are missing"
        )
    else:
        gap = f"the days must continue after {before.date()}"
    return f"{place}: {day.date()} follows {before.date()}: {gap} (no gaps allowed)"


_DATE_FORMS = "a string such as '2024-04-20', a datetime or a pandas.Timestamp"


def _shown(value: object) -> str:
    """``repr(value)`` cut to one short line for a message."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:45]}...{text[-12:]}"


def parse_day(
    name: str,
    value: object,
    *,
    first: DateLike | None = None,
    last: DateLike | None = None,
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
        Valid range, both ends included (any date-like, read as ``value`` is:
        their day when ``normalize``); ``first`` must not be after ``last``.
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
        Naming the argument, the value and the valid range; or naming
        ``first``/``last`` when they are not dates or ``first`` is after ``last``.
    TypeError
        ``name`` or ``source`` is not a string, ``normalize`` not a boolean.

    Examples
    --------
    >>> parse_day("start", "2024-04-20 13:00")
    Timestamp('2024-04-20 00:00:00')
    >>> history_day("date", "NaT")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: date must be a date between 2014-01-01 and 2026-08-16 (the bundled history), ...
    """
    for label, text in (("name", name), ("source", source)):
        if not isinstance(text, str):
            raise TypeError(f"{label} must be a string, got {type(text).__name__}")
    if not isinstance(normalize, bool | np.bool_):
        raise TypeError(f"normalize must be True or False, got {_shown(normalize)}")
    # The bounds are read like the value, so a string or a zoned time compares too.
    if first is not None:
        first = parse_day("first", first, normalize=normalize)
    if last is not None:
        last = parse_day("last", last, normalize=normalize)
    if first is not None and last is not None and first > last:
        raise ValueError(f"first must not be after last ({last}), got {first}")
    valid = ""
    if first is not None and last is not None:
        valid = f" between {first.date()} and {last.date()} ({source})"
    elif first is not None:
        valid = f" from {first.date()} ({source})"
    elif last is not None:
        valid = f" up to {last.date()} ({source})"
    refused = ValueError(
        f"{name} must be a date{valid}, given as {_DATE_FORMS}; got {_shown(value)}"
    )
    if (
        value is None
        or isinstance(value, bool | np.bool_ | numbers.Number | np.number)
        or (isinstance(value, str) and not value.strip())
    ):
        raise refused
    try:
        day = pd.Timestamp(cast(DateLike, value))  # anything else raises: refused
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


def history_day(name: str, value: object) -> pd.Timestamp:
    """A day of the history in use, read by :func:`parse_day`; ``ValueError`` outside it.

    The history is the bundled one, extended by the data cache when there is one
    (:func:`load_history`); the message names the range and which history it is.

    Examples
    --------
    >>> history_day("start", "2024-04-20")
    Timestamp('2024-04-20 00:00:00')
    """
    merged = _merged()
    first, last = merged.history.index[[0, -1]]
    return parse_day(name, value, first=first, last=last, source=merged.label)


def load_history() -> pd.DataFrame:
    """Daily BTC price, difficulty and fees per block, from 2014-01-01 to the freshest day.

    The bundled history (2014-01-01 to 2026-08-16), followed by the days of the
    data cache when there is one (``minerecon data update`` or ``minerecon data
    import``; see the module's description): cached days only extend the
    bundled ones, which are never replaced. ``attrs["source"]`` says which,
    and :func:`history_status` in detail. The cache file is read again only
    when it has changed, so repeated calls are fast.

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

    Warns
    -----
    MinereconWarning
        The cache file exists but cannot be used (not readable, or rows that fail
        the checks of ``minerecon data update``): it is ignored, and only the
        bundled history is returned.

    Notes
    -----
    A fresh copy each call, so callers may modify it. Known weak points
    (2024-04-20 fees understated about 12x; epoch dates before 2016-04-28
    uncertain by one day) are listed in ``history_README.md``; fetched days
    take the price from Bitstamp's daily open rather than its first one-minute
    close (see :mod:`minerecon.update`).

    Examples
    --------
    >>> history = load_history()
    >>> float(history.loc["2024-04-20", "difficulty"])   # the 2024 halving epoch
    86388558925171.02
    """
    return _history().copy()


def hashprice_history(
    start: DateLike | None = None, end: DateLike | None = None, *, average_days: int = 1
) -> pd.Series:
    """Daily hashprice of the history, spot or as a trailing moving average.

    Parameters
    ----------
    start, end : str, datetime or pandas.Timestamp, optional
        First and last day (inclusive), within :func:`load_history`; the
        whole history by default.
    average_days : int, default 1
        Trailing window [days], >= 1: each day's value is the mean hashprice
        of the ``average_days`` days ending on it (the 7- or 30-day averages
        some calculators quote instead of the spot value). Days whose window
        reaches before the history's first day are NaN.

    Returns
    -------
    pandas.Series
        Hashprice [USD per TH/s per day] by day, named ``hashprice``, from
        the day's BTC price, difficulty, fees per block and the subsidy of
        its estimated height (:func:`minerecon.network.hashprice`);
        ``attrs`` holds the ``units``, the history's ``source`` and
        ``average_days``.

    Examples
    --------
    Hashprice around the November 2025 low, spot and as a 7-day mean, in
    USD per PH/s per day:

    >>> spot = hashprice_history("2025-11-18", "2025-11-20")
    >>> week = hashprice_history("2025-11-18", "2025-11-20", average_days=7)
    >>> (spot * 1000).round(2).tolist(), (week * 1000).round(2).tolist()
    ([38.36, 38.64, 38.04], [40.28, 39.83, 39.24])
    """
    from minerecon import network
    from minerecon._contract import check_count

    days = check_count("average_days", average_days, low=1, unit="[days]")
    history = load_history()
    first = history.index[0] if start is None else history_day("start", start)
    last = history.index[-1] if end is None else history_day("end", end)
    if first > last:
        raise ValueError(f"start must not be after end, got {first.date()} > {last.date()}")
    # Only the window and the days its first average needs are computed.
    window = history.loc[max(first - pd.Timedelta(days=days - 1), history.index[0]) : last]
    subsidy = network.block_subsidy(estimate_height(window.index))
    spot = cast(
        "pd.Series[float]",  # Series in, Series out
        network.hashprice(
            window["price_usd"], window["difficulty"], window["fees_btc_per_block"], subsidy
        ),
    )
    averaged = spot.rolling(days, min_periods=days).mean().loc[first:]
    averaged.name = "hashprice"
    averaged.attrs = {
        "units": "USD/TH/day",
        "source": history.attrs.get("source", ""),
        "average_days": days,
    }
    return averaged


def history_status() -> HistoryStatus:
    """Which daily history :func:`load_history` returns, and where each part comes from.

    Returns
    -------
    dict
        ``source`` (str)
            One line naming the parts, as in ``load_history().attrs["source"]``.
        ``first``, ``last``, ``bundled_last`` (pandas.Timestamp)
            First and last day in use, and the last bundled day.
        ``cache_file`` (pathlib.Path)
            Where the data cache is, or would be (``$MINERECON_DATA_DIR`` or
            the user cache folder).
        ``cached_days`` (int)
            Days taken from the cache (0 without one).
        ``parts`` (list of dict)
            Runs of days with one origin, oldest first: ``first``, ``last``,
            ``source`` and ``as_of`` (the day they were fetched or imported; the
            bundled data's as of its last day).
        ``age_days`` (int)
            Days from the last day in use to today (UTC).

    Examples
    --------
    >>> status = history_status()
    >>> str(status["first"].date()), str(status["bundled_last"].date())
    ('2014-01-01', '2026-08-16')
    """
    merged = _merged()
    bundled = _bundled()
    history = merged.history
    parts: list[HistoryPart] = [
        {
            "first": bundled.index[0],
            "last": bundled.index[-1],
            "source": "bundled: minerecon/data/btc_daily.csv (see history_README.md)",
            "as_of": HISTORY_AS_OF,
        },
        *_parts(merged.cache),
    ]
    return {
        "source": history.attrs["source"],
        "first": history.index[0],
        "last": history.index[-1],
        "bundled_last": bundled.index[-1],
        "cache_file": merged.path,
        "cached_days": len(merged.cache),
        "parts": parts,
        "age_days": int((_today() - history.index[-1]).days),
    }


def _today() -> pd.Timestamp:
    """Today's UTC day (a function, so that tests can fix it)."""
    return pd.Timestamp(dt.datetime.now(dt.UTC).date())


_stale_warned = False


def latest_day() -> pd.Timestamp:
    """The last day of the history in use: the library's default day.

    :meth:`minerecon.network.NetworkState.latest` and the command's default ``--date``
    take the network from it.

    Returns
    -------
    pandas.Timestamp
        Midnight of the last day of :func:`load_history`.

    Warns
    -----
    StaleDataWarning
        Once per process, when that day is more than :data:`STALE_AFTER_DAYS`
        days before today (UTC), saying how to fetch fresher data.

    Examples
    --------
    >>> str(latest_day().date()) >= "2026-08-16"
    True
    """
    global _stale_warned
    last = _history().index[-1]
    age = (_today() - last).days
    if age > STALE_AFTER_DAYS and not _stale_warned:
        _stale_warned = True
        warnings.warn(
            f"the network data end on {last.date()}, {age} days before today "
            f"({_today().date()}), so the default (latest) day is that old: run "
            "`minerecon data update` to fetch the days since, or `minerecon data import "
            "FILE.csv` to add your own; `minerecon data status` shows the data in use",
            StaleDataWarning,
            stacklevel=3,
        )
    return last


@functools.cache
def _bundled_epochs() -> pd.DataFrame:
    return pd.read_csv(
        data_path("btc_difficulty_epochs.csv"),
        index_col="epoch",
        parse_dates=[
            "retarget_day_utc",
            "first_date_in_force_0000utc",
            "last_date_in_dataset",
        ],
    )


def _epochs() -> pd.DataFrame:
    """The epochs of the history in use (not a copy)."""
    return _merged().epochs


def load_difficulty_epochs() -> pd.DataFrame:
    """One row per 2016-block difficulty epoch touching the daily history.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``epoch`` (= ``start_height / 2016``), columns
        ``start_height`` [blocks], ``difficulty`` [-], ``difficulty_source``,
        ``retarget_day_utc`` (UTC day of the epoch's first block),
        ``retarget_day_basis``, ``first_date_in_force_0000utc`` and
        ``last_date_in_dataset``. Epochs of fetched days (``minerecon data
        update``) follow the bundled ones, with ``difficulty_source``
        ``mempool_space`` and ``retarget_day_basis`` ``block_timestamp``;
        imported days carry no epoch.

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


def estimate_height(
    date: DateLike | Iterable[DateLike] | np.ndarray | pd.Index,
) -> int | npt.NDArray[np.int64]:
    """Estimated height of the first block mined after 00:00 UTC of ``date``.

    Parameters
    ----------
    date : str, Timestamp or array-like of dates
        UTC day(s) within the history in use (:func:`load_history`).

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
    merged = _merged()
    epochs = merged.epochs
    known = epochs.dropna(subset=["retarget_day_utc"])
    start_days = (known["retarget_day_utc"] + pd.Timedelta(hours=12)).to_numpy()
    start_heights = known["start_height"].to_numpy(dtype=float)
    first, last = merged.history.index[[0, -1]]
    values = cast(npt.ArrayLike, date)  # numpy takes dates of every kind as objects
    if np.ndim(values) == 0:
        days = pd.DatetimeIndex([history_day("date", date)])
    else:
        valid = f"between {first.date()} and {last.date()} ({merged.label})"
        try:
            days = pd.DatetimeIndex(pd.to_datetime(np.atleast_1d(values)))
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"date must hold dates {valid}, got {_shown(date)}") from None
        if days.tz is not None:  # zoned times: their UTC day, as parse_day reads them
            days = days.tz_convert("UTC").tz_localize(None)
        days = days.normalize()
        if days.isna().any() or days.min() < first or days.max() > last:
            raise ValueError(f"date must hold dates {valid}, got {_shown(date)}")
    x = days.to_numpy().astype("datetime64[s]").astype(float)
    xp = start_days.astype("datetime64[s]").astype(float)
    heights = np.interp(x, xp, start_heights)
    after = x > xp[-1]
    heights[after] = start_heights[-1] + (x[after] - xp[-1]) / 600.0
    before = x < xp[0]
    heights[before] = start_heights[0] + (x[before] - xp[0]) / 600.0
    heights = np.ceil(heights).astype(np.int64)
    return int(heights[0]) if np.ndim(values) == 0 else heights
