"""Fresh network data: the days after the history in use, fetched or imported.

:func:`update_history` (``minerecon data update``) fetches every day from the
one after the last day in use (bundled or cached) to yesterday (UTC) from three
documented public APIs that need no key; :func:`import_history` (``minerecon
data import FILE.csv``) takes a daily series of your own. Both check everything
before writing, then write the data cache of :mod:`minerecon.datasets` in one
step (a temporary file moved into place with ``os.replace``): a failed,
partial or interrupted run leaves the cache as it was. This is the only module
of minerecon that uses the network, and only while one of these runs.

Providers, one per column, matching the bundled definitions
(``minerecon/data/history_README.md``):

``price_usd`` [USD/BTC]
    Bitstamp's public OHLC API, https://www.bitstamp.net/api/ ("OHLC data",
    ``GET /api/v2/ohlc/btcusd/?step=86400``): the open of each daily candle,
    the first trade after 00:00 UTC. The bundled price is the close of the
    first one-minute bar on the same exchange, so the two differ by one minute
    of trading.
``difficulty`` [-]
    mempool.space REST API, https://mempool.space/docs/api/rest ("GET
    Difficulty Adjustments", ``GET /api/v1/mining/difficulty-adjustments``):
    each retarget's block timestamp, height, difficulty and change, newest
    first. A retarget applies from the first 00:00 UTC after its block's
    timestamp. Heights must be consecutive multiples of 2016, each change
    within the protocol's factor of 4, and the last known day's difficulty
    must be one of these epochs.
``fees_btc_per_block`` [BTC]
    blockchain.com Charts API, https://www.blockchain.com/explorer/api/charts_api
    (charts ``transaction-fees`` and ``total-bitcoins``, ``sampled=false``):
    the fees paid in the UTC day over the blocks mined that day, the blocks
    being the rise of the day's last supply value over the block subsidy,
    exactly as the bundled column was built (mempool.space has per-block fees
    but no daily totals, so blockchain.com keeps the definition). On a
    halving day the blocks are split at the protocol's supply at the halving
    height.

The three base URLs can be moved (a mirror, a test server) with the
environment variables ``MINERECON_BITSTAMP_URL``, ``MINERECON_MEMPOOL_URL``
and ``MINERECON_BLOCKCHAIN_URL``, or the ``urls`` argument.

Requests time out after ``timeout`` seconds and are tried ``retries`` more
times after a timeout, a lost connection, HTTP 429 or a 5xx answer, waiting
1, 2, 4, ... seconds, or what the server's ``Retry-After`` asks up to 60 s
(a longer wait fails at once). Any other failure stops the run with a
:class:`DataUpdateError` naming the provider, the URL and what went wrong.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import email.utils
import http.client
import io
import json
import math
import os
import re
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from minerecon import datasets
from minerecon._contract import check_count, check_scalar
from minerecon.typing import DateLike, PathLike

__all__ = [
    "PROVIDERS",
    "DataUpdateError",
    "import_history",
    "update_history",
]

#: Default base URL of each provider, and the environment variable that moves it.
PROVIDERS = {
    "bitstamp": ("https://www.bitstamp.net", "MINERECON_BITSTAMP_URL"),
    "mempool": ("https://mempool.space", "MINERECON_MEMPOOL_URL"),
    "blockchain": ("https://api.blockchain.info", "MINERECON_BLOCKCHAIN_URL"),
}

_NAMES = {"bitstamp": "Bitstamp", "mempool": "mempool.space", "blockchain": "blockchain.com"}

#: What fetched rows record in the cache's ``source`` column.
SOURCE = (
    "update: Bitstamp daily open; mempool.space difficulty-adjustments; "
    "blockchain.com transaction-fees over total-bitcoins blocks"
)

#: Longest ``Retry-After`` honoured [s]: a server asking for more fails the run.
_MAX_RETRY_AFTER = 60.0
#: First wait between two attempts [s], doubled after each.
_BACKOFF = 1.0
#: Largest answer read [bytes].
_MAX_BYTES = 32 * 2**20
#: Candles per Bitstamp request (its maximum).
_BITSTAMP_LIMIT = 1000
#: Plausible blocks in a UTC day: from about a third to twice the 144 of the
#: 10-minute target; a count outside means a wrong supply value.
_BLOCKS_PER_DAY = (50, 300)
#: Largest |log difference| between Bitstamp's open and the known price of the
#: last known day [-]: one minute of trading apart, so a larger gap means
#: another market or unit.
_PRICE_JOIN = 0.05
#: Relative tolerance for the known difficulty to match a fetched epoch: the
#: bundled epochs 474-477 are blockchain.com values, exact to about 1e-15.
_DIFFICULTY_MATCH = 1e-6
#: Largest file :func:`import_history` reads [bytes].
_MAX_FILE_BYTES = 16 * 2**20

_DAY = pd.Timedelta(days=1)
_SECONDS_PER_DAY = 86_400
_SATS_PER_BTC = 100_000_000


class DataUpdateError(RuntimeError):
    """A provider failed or sent data that cannot be used; nothing was written.

    The message names the provider, the URL (without its query) and what went
    wrong: an HTTP status, a timeout, an answer that is not JSON or not shaped
    as documented, missing days, or values out of their plausible range.
    """


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def update_history(
    *,
    end: DateLike | None = None,
    timeout: float = 30.0,
    retries: int = 3,
    urls: Mapping[str, str] | None = None,
    folder: PathLike | None = None,
) -> pd.DataFrame:
    """Fetch the days after the last day in use and add them to the data cache.

    Parameters
    ----------
    end : date-like, optional
        Last day to fetch (read by :func:`minerecon.datasets.parse_day`); by
        default, and at the latest, yesterday (UTC), the last day whose fees
        are complete. The run stops earlier at the last day every provider
        has.
    timeout : float, default 30
        Seconds to wait for each answer, in (0, 600] [s].
    retries : int, default 3
        Further attempts after a timeout, a lost connection, HTTP 429 or 5xx,
        in [0, 10].
    urls : mapping, optional
        Base URLs by provider (``"bitstamp"``, ``"mempool"``, ``"blockchain"``)
        replacing the defaults of :data:`PROVIDERS`, each ``http://`` or
        ``https://``.
    folder : str or os.PathLike, optional
        Data cache folder to extend; by default the one
        :func:`minerecon.datasets.load_history` reads (``$MINERECON_DATA_DIR``
        or the user cache folder).

    Returns
    -------
    pandas.DataFrame
        The days added, columns as :func:`minerecon.datasets.load_history`
        (empty when the history is already up to date: then nothing is
        fetched). ``attrs["cache_file"]`` is the file written.

    Raises
    ------
    DataUpdateError
        A provider failed or sent data that fail a check; the cache is
        unchanged.
    ValueError, TypeError
        An argument is out of range or of the wrong type.
    """
    stop = None if end is None else datasets.parse_day("end", end)
    timeout = check_scalar("timeout", timeout, low=0.0, high=600.0, low_open=True, unit="[s]")
    retries = check_count("retries", retries, low=0)
    if retries > 10:
        raise ValueError(f"retries must be an integer in [0, 10], got {retries}")
    bases = _base_urls(urls)
    folder = _folder(folder)
    yesterday = datasets._today() - _DAY
    stop = yesterday if stop is None else min(stop, yesterday)
    merged = datasets._merged(folder)
    history = merged.history
    last = history.index[-1]
    added = _frame()
    added.attrs["cache_file"] = str(merged.path)
    if stop <= last:
        return added
    get = _Getter(timeout, retries)
    prices = _bitstamp(get, bases["bitstamp"], last, stop)
    epochs = _mempool(get, bases["mempool"])
    fees = _blockchain(get, bases["blockchain"], last, stop)

    bitstamp = f"Bitstamp ({bases['bitstamp']}{_BITSTAMP_PATH})"
    price_days = _covered(bitstamp, prices, last)
    if abs(math.log(prices[last] / history.loc[last, "price_usd"])) > _PRICE_JOIN:
        raise DataUpdateError(
            f"{bitstamp}: its open of "
            f"{last.date()} is {prices[last]:,.2f} USD, the history has "
            f"{history.loc[last, 'price_usd']:,.2f} USD that day: more than 5 % apart, so not "
            "the same market"
        )
    final = min(stop, price_days, fees.index[-1] if len(fees) else last)
    days = pd.date_range(last + _DAY, final, freq="D", name="date")
    if days.empty:
        return added
    difficulty, epoch = _difficulty_days(epochs, merged, days)
    rows = _frame(
        {
            "price_usd": prices.loc[days].to_numpy(),
            "difficulty": difficulty,
            "fees_btc_per_block": fees.loc[days].to_numpy(),
        },
        days,
    )
    try:
        datasets._check_days(rows, history.iloc[-1], lambda day: str(day.date()))
    except ValueError as error:
        raise DataUpdateError(
            f"the fetched days fail a check ({error}); price from Bitstamp, difficulty from "
            "mempool.space, fees from blockchain.com"
        ) from None
    cached = rows.assign(
        epoch=pd.array(epoch, dtype="Int64"),
        source=SOURCE,
        as_of=str(datasets._today().date()),
    )
    _write(merged.path, pd.concat([merged.cache, cached]) if len(merged.cache) else cached)
    rows.attrs["cache_file"] = str(merged.path)
    return rows


def import_history(path: PathLike, *, folder: PathLike | None = None) -> pd.DataFrame:
    """Put a daily series of your own after the bundled history, in the data cache.

    Parameters
    ----------
    path : str or os.PathLike
        A CSV file (UTF-8) with the columns of ``btc_daily.csv``: ``date``
        (YYYY-MM-DD, UTC), ``price_usd`` [USD/BTC], ``difficulty`` [-] and
        ``fees_btc_per_block`` [BTC], and optionally ``source`` (text kept
        with each row). Days must increase by one with no gap; rows on or
        before the bundled history's last day (2026-08-16) are skipped, as the
        bundled data are used there, and the first used row must be the day
        after it. Used rows are checked as fetched ones are: values finite and
        plausible, the price moving by at most a factor e a day, the
        difficulty by at most 4x and at most once in 3 days.
    folder : str or os.PathLike, optional
        Data cache folder to write; by default the one
        :func:`minerecon.datasets.load_history` reads.

    Returns
    -------
    pandas.DataFrame
        The days taken, which replace any cached ones; columns as
        :func:`minerecon.datasets.load_history`; ``attrs["cache_file"]`` is the
        file written.

    Raises
    ------
    ValueError
        The file cannot be read or fails a check; the message names the file
        and line. The cache is unchanged.
    TypeError
        ``path`` or ``folder`` is not a path.
    DataUpdateError
        The cache file cannot be written.
    """
    if not isinstance(path, str | os.PathLike) or isinstance(os.fspath(path), bytes):
        raise TypeError(
            f"path must be a str or os.PathLike naming a CSV file, got {type(path).__name__}"
        )
    if not os.fspath(path):
        raise ValueError("path must name a CSV file, got an empty string")
    file = Path(path)
    folder = _folder(folder)
    frame, lines = _read_csv(file)
    bundled_last = datasets._bundled().index[-1]
    used = frame[frame.index > bundled_last]
    if used.empty:
        raise ValueError(
            f"{file}: no day after {bundled_last.date()}, the last day of the bundled history: "
            "nothing to import"
        )
    datasets._check_days(
        used[list(datasets._COLUMNS)],
        datasets._bundled().iloc[-1],
        lambda day: f"{file}, line {lines[day]}",
    )
    cached = used.assign(epoch=pd.array([pd.NA] * len(used), dtype="Int64"))
    cached["as_of"] = str(datasets._today().date())
    target = datasets._cache_file(folder)
    _write(
        target,
        cached[["price_usd", "difficulty", "fees_btc_per_block", "epoch", "source", "as_of"]],
    )
    rows = _frame(used[list(datasets._COLUMNS)].to_dict("list"), used.index)
    rows.attrs["cache_file"] = str(target)
    return rows


# --------------------------------------------------------------------------
# Arguments and frames
# --------------------------------------------------------------------------


def _base_urls(urls: object) -> dict[str, str]:
    """Base URL of each provider: ``urls``, else its environment variable, else the default."""
    bases = {
        name: os.environ.get(variable) or default
        for name, (default, variable) in PROVIDERS.items()
    }
    if urls is None:
        given: Mapping[str, Any] = {}
    elif isinstance(urls, Mapping):
        given = urls
    else:
        raise TypeError(
            f"urls must be a mapping of provider names to base URLs, got {type(urls).__name__}"
        )
    unknown = sorted(str(key) for key in given if key not in PROVIDERS)
    if unknown:
        raise ValueError(
            f"urls must have keys among {', '.join(PROVIDERS)}, got {', '.join(unknown)}"
        )
    bases.update(given)
    for name, base in bases.items():
        if not isinstance(base, str) or not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", base):
            raise ValueError(
                f"urls[{name!r}] (or ${PROVIDERS[name][1]}) must be an http:// or https:// base "
                f"URL, got {datasets._shown(base)}"
            )
        bases[name] = base.rstrip("/")
    return bases


def _folder(folder: object) -> Path | None:
    if folder is None:
        return None
    if not isinstance(folder, str | os.PathLike) or isinstance(os.fspath(folder), bytes):
        raise TypeError(f"folder must be a str or os.PathLike, got {type(folder).__name__}")
    if not os.fspath(folder) or "\x00" in os.fspath(folder):
        raise ValueError(f"folder must name a folder, got {datasets._shown(os.fspath(folder))}")
    return Path(folder)


def _frame(columns: dict[str, Any] | None = None, index: Any = None) -> pd.DataFrame:
    """A frame of the daily columns, indexed by ``date`` (empty without ``columns``)."""
    if columns is None:
        columns = {name: [] for name in datasets._COLUMNS}
        index = pd.DatetimeIndex([], name="date")
    frame = pd.DataFrame(columns, index=index)[list(datasets._COLUMNS)].astype(float)
    frame.index.name = "date"
    return frame


def _write(target: Path, cache: pd.DataFrame) -> None:
    """Write the cache file in one step: a temporary file beside it, then ``os.replace``."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=".btc_daily-", suffix=".csv.tmp", dir=target.parent
        )
    except OSError as error:
        raise DataUpdateError(
            f"cannot write the data cache {target}: {error.strerror or error}"
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            cache.to_csv(file, index_label="date", date_format="%Y-%m-%d")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise DataUpdateError(
                f"cannot write the data cache {target}: {error.strerror or error}"
            ) from None
        raise


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------


class _Getter:
    """GET a JSON document with a timeout, retrying transient failures."""

    def __init__(self, timeout: float, retries: int) -> None:
        self.timeout, self.retries = timeout, retries

    def json(self, provider: str, url: str) -> Any:
        where = f"{provider} ({url.split('?', 1)[0]})"
        from minerecon import __version__

        request = urllib.request.Request(
            url,
            headers={"User-Agent": f"minerecon/{__version__}", "Accept": "application/json"},
        )
        problem = ""
        for attempt in range(self.retries + 1):
            wait = _BACKOFF * 2**attempt
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read(_MAX_BYTES + 1)
            except urllib.error.HTTPError as error:
                error.close()
                status = f"HTTP {error.code} {error.reason}".strip()
                if error.code != 429 and not 500 <= error.code < 600:
                    raise DataUpdateError(f"{where}: {status}") from None
                asked = _retry_after(error.headers.get("Retry-After") if error.headers else None)
                if asked is not None and asked > _MAX_RETRY_AFTER:
                    raise DataUpdateError(
                        f"{where}: {status}, asking to wait {asked:.0f} s (Retry-After), more "
                        f"than the {_MAX_RETRY_AFTER:.0f} s this command waits; try again later"
                    ) from None
                problem, wait = status, wait if asked is None else asked
            except (OSError, http.client.HTTPException) as error:  # URLError, timeouts
                reason = getattr(error, "reason", error)
                if isinstance(reason, TimeoutError):
                    problem = f"no answer within {self.timeout:g} s"
                else:
                    problem = f"connection failed ({reason})"
            else:
                if len(body) > _MAX_BYTES:
                    raise DataUpdateError(f"{where}: answer larger than {_MAX_BYTES:,} bytes")
                try:
                    return json.loads(body)
                except ValueError as error:
                    raise DataUpdateError(
                        f"{where}: the answer is not valid JSON ({error})"
                    ) from None
            if attempt < self.retries:
                time.sleep(wait)
        tries = "1 attempt" if self.retries == 0 else f"{self.retries + 1} attempts"
        raise DataUpdateError(f"{where}: {problem}, after {tries}")


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (seconds or an HTTP date); None if absent."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _unix(day: pd.Timestamp) -> int:
    return int(day.value // 10**9)


def _day_of(seconds: int) -> pd.Timestamp:
    return pd.Timestamp(seconds // _SECONDS_PER_DAY * _SECONDS_PER_DAY, unit="s")


def _covered(where: str, series: pd.Series, first: pd.Timestamp) -> pd.Timestamp:
    """Last day of ``series`` after checking it holds every day from ``first`` on."""
    if first not in series.index:
        raise DataUpdateError(f"{where}: no value for {first.date()} (partial data)")
    expected = pd.date_range(first, series.index[-1], freq="D")
    missing = expected.difference(cast(pd.DatetimeIndex, series.index))
    if len(missing):
        shown = ", ".join(str(day.date()) for day in missing[:3])
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise DataUpdateError(f"{where}: no value for {shown}{more} (partial data: a gap)")
    return series.index[-1]


# --------------------------------------------------------------------------
# Bitstamp: BTC/USD daily open
# --------------------------------------------------------------------------

_BITSTAMP_PATH = "/api/v2/ohlc/btcusd/"


def _bitstamp(get: _Getter, base: str, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """Daily opens from ``first`` to at most ``last`` (https://www.bitstamp.net/api/, OHLC data).

    The answer is ``{"data": {"pair": "BTC/USD", "ohlc": [{"timestamp": "1723766400",
    "open": "58704", "high": ..., "low": ..., "close": ..., "volume": ...}, ...]}}``,
    numbers as strings, at most ``limit`` candles from ``start``; longer spans are
    fetched page by page.
    """
    opens: dict[pd.Timestamp, float] = {}
    start = first
    while True:
        query = urllib.parse.urlencode(
            {"step": _SECONDS_PER_DAY, "limit": _BITSTAMP_LIMIT, "start": _unix(start)}
        )
        url = f"{base}{_BITSTAMP_PATH}?{query}"
        where = f"Bitstamp ({base}{_BITSTAMP_PATH})"
        payload = get.json("Bitstamp", url)
        data = payload.get("data") if isinstance(payload, dict) else None
        candles = data.get("ohlc") if isinstance(data, dict) else None
        if not isinstance(candles, list):
            said = payload.get("reason") if isinstance(payload, dict) else None
            detail = f": {said}" if said else ""
            raise DataUpdateError(f"{where}: unexpected answer, no data.ohlc list{detail}")
        newest = None
        for candle in candles:
            day, value = _candle(where, candle)
            if day in opens:
                raise DataUpdateError(f"{where}: two candles for {day.date()}")
            if first <= day <= last:
                opens[day] = value
            newest = day if newest is None else max(newest, day)
        if len(candles) < _BITSTAMP_LIMIT or newest is None or newest >= last:
            break
        if newest < start:
            raise DataUpdateError(f"{where}: candles do not advance past {start.date()}")
        start = newest + _DAY
    return pd.Series(opens, dtype=float).sort_index()


def _candle(where: str, candle: Any) -> tuple[pd.Timestamp, float]:
    if not isinstance(candle, dict) or "timestamp" not in candle or "open" not in candle:
        raise DataUpdateError(f"{where}: unexpected candle {datasets._shown(candle)}")
    try:
        seconds = int(candle["timestamp"])
        value = float(candle["open"])
    except (TypeError, ValueError):
        raise DataUpdateError(f"{where}: unexpected candle {datasets._shown(candle)}") from None
    if seconds % _SECONDS_PER_DAY:
        raise DataUpdateError(
            f"{where}: candle at {seconds} does not start at 00:00 UTC (not a daily candle)"
        )
    low, high, unit = datasets._PLAUSIBLE["price_usd"]
    day = _day_of(seconds)
    if not (math.isfinite(value) and low <= value <= high):
        raise DataUpdateError(
            f"{where}: open of {day.date()} must be in [{low:g}, {high:g}]{unit}, got {value!r}"
        )
    return day, value


# --------------------------------------------------------------------------
# mempool.space: difficulty by epoch
# --------------------------------------------------------------------------

_MEMPOOL_PATH = "/api/v1/mining/difficulty-adjustments"


def _mempool(get: _Getter, base: str) -> pd.DataFrame:
    """Every retarget (https://mempool.space/docs/api/rest, GET Difficulty Adjustments).

    The answer is ``[[time, height, difficulty, adjustment], ...]``, newest first:
    the retarget block's timestamp [s], its height, the new difficulty and its
    ratio to the previous one (rounded to 6 decimals). Returned oldest first.
    """
    where = f"mempool.space ({base}{_MEMPOOL_PATH})"
    payload = get.json("mempool.space", f"{base}{_MEMPOOL_PATH}")
    if not isinstance(payload, list) or not payload:
        raise DataUpdateError(f"{where}: unexpected answer, not a list of adjustments")
    rows = []
    for entry in payload:
        if (
            not isinstance(entry, list)
            or len(entry) < 4
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in entry[:4])
            or not all(math.isfinite(v) for v in entry[:4])
        ):
            raise DataUpdateError(
                f"{where}: unexpected adjustment {datasets._shown(entry)}, expected "
                "[time, height, difficulty, adjustment]"
            )
        rows.append((int(entry[0]), int(entry[1]), float(entry[2]), float(entry[3])))
    epochs = pd.DataFrame(rows, columns=["time", "height", "difficulty", "adjustment"])
    epochs = epochs.sort_values("height", kind="stable").reset_index(drop=True)
    epochs.attrs["where"] = where
    return epochs


def _difficulty_days(
    epochs: pd.DataFrame, merged: Any, days: pd.DatetimeIndex
) -> tuple[np.ndarray, list[int]]:
    """Difficulty in force at 00:00 UTC of each of ``days``, and its epoch number.

    The fetched epochs are joined to the history at the epoch of its last day (by
    height when the history knows it, else by value), then checked from there on.
    """
    where = epochs.attrs["where"]
    history = merged.history
    last = history.index[-1]
    known = float(history.loc[last, "difficulty"])
    table = merged.epochs
    in_force = table[
        (table["first_date_in_force_0000utc"] <= last) & (table["last_date_in_dataset"] >= last)
    ]
    close = np.abs(epochs["difficulty"].to_numpy() / known - 1.0) <= _DIFFICULTY_MATCH
    if len(in_force):
        height = int(in_force["start_height"].iloc[-1])
        matches = np.flatnonzero(epochs["height"].to_numpy() == height)
        if not matches.size:
            raise DataUpdateError(
                f"{where}: no adjustment at height {height:,}, the epoch of the last known day "
                f"{last.date()} (partial data)"
            )
        start = int(matches[0])
        if not close[start]:
            raise DataUpdateError(
                f"{where}: difficulty {epochs['difficulty'].iloc[start]:,.2f} at height "
                f"{height:,}, but the history has {known:,.2f} on {last.date()}"
            )
    else:
        found = np.flatnonzero(close)
        if not found.size:
            raise DataUpdateError(
                f"{where}: no epoch has the difficulty of the last known day {last.date()} "
                f"({known:,.2f})"
            )
        start = int(found[-1])
    tail = epochs.iloc[start:]
    heights = tail["height"].to_numpy()
    value = tail["difficulty"].to_numpy()
    low, high, _ = datasets._PLAUSIBLE["difficulty"]
    if heights[0] % 2016:
        raise DataUpdateError(f"{where}: height {heights[0]:,} is not a multiple of 2016")
    gap = np.flatnonzero(np.diff(heights) != 2016)
    if gap.size:
        raise DataUpdateError(
            f"{where}: adjustment at height {heights[gap[0] + 1]:,} follows {heights[gap[0]]:,}; "
            "retargets come every 2016 blocks (partial data or not an epoch boundary)"
        )
    if not ((value >= low) & (value <= high)).all():
        bad = value[~((value >= low) & (value <= high))][0]
        raise DataUpdateError(f"{where}: difficulty {bad!r} outside [{low:g}, {high:g}]")
    ratio = value[1:] / value[:-1]
    clamp = (ratio < 0.25) | (ratio > 4.0)
    if clamp.any():
        at = int(clamp.argmax()) + 1
        raise DataUpdateError(
            f"{where}: difficulty changes {ratio[at - 1]:.3g}-fold at height {heights[at]:,}; "
            "a retarget changes it by a factor from 0.25 to 4 (protocol)"
        )
    stated = tail["adjustment"].to_numpy()[1:]
    off = np.abs(stated - ratio) > 1e-5  # the stated change is rounded to 6 decimals
    if off.any():
        at = int(off.argmax()) + 1
        raise DataUpdateError(
            f"{where}: adjustment {stated[at - 1]} at height {heights[at]:,} does not match "
            f"the difficulties ({ratio[at - 1]:.6f})"
        )
    times = tail["time"].to_numpy()
    if (np.diff(times) <= 0).any():
        raise DataUpdateError(f"{where}: retarget times do not increase with height")
    # A retarget applies from the first 00:00 UTC after its block.
    first_day = pd.to_datetime(
        times // _SECONDS_PER_DAY * _SECONDS_PER_DAY + _SECONDS_PER_DAY, unit="s"
    )
    if first_day[0] > last:
        raise DataUpdateError(
            f"{where}: the epoch at height {heights[0]:,} applies from {first_day[0].date()}, "
            f"after the last known day {last.date()}, which has its difficulty"
        )
    if len(first_day) > 1 and first_day[1] <= last:
        raise DataUpdateError(
            f"{where}: the retarget at height {heights[1]:,} applies from {first_day[1].date()}, "
            f"but the history still has the previous difficulty on {last.date()}"
        )
    position = np.searchsorted(first_day.to_numpy()[1:], days.to_numpy(), side="right")
    return value[position], [int(heights[i]) // 2016 for i in position]


# --------------------------------------------------------------------------
# blockchain.com: fees per block
# --------------------------------------------------------------------------

_CHARTS_PATH = "/charts/"


def _chart(
    get: _Getter, base: str, name: str, first: pd.Timestamp, last: pd.Timestamp
) -> pd.DataFrame:
    """One chart from ``first`` to ``last`` (https://www.blockchain.com/explorer/api/charts_api).

    The answer is ``{"status": "ok", "name": ..., "unit": ..., "period": "day",
    "description": ..., "values": [{"x": 1723766400, "y": 123.4}, ...]}``, ``x`` in
    Unix seconds, dates as YYYY-MM-DD (UTC), durations as "10days".
    """
    # Through today: the span covers the days wanted even if ``start`` were ignored.
    span = (datasets._today() - first).days + 2
    query = urllib.parse.urlencode(
        {
            "timespan": f"{span}days",
            "start": str(first.date()),
            "format": "json",
            "sampled": "false",
        }
    )
    url = f"{base}{_CHARTS_PATH}{name}?{query}"
    where = f"blockchain.com ({base}{_CHARTS_PATH}{name})"
    payload = get.json("blockchain.com", url)
    values = payload.get("values") if isinstance(payload, dict) else None
    if not isinstance(values, list) or payload.get("status", "ok") != "ok":
        raise DataUpdateError(f"{where}: unexpected answer, no values list with status ok")
    points = []
    for point in values:
        x = point.get("x") if isinstance(point, dict) else None
        y = point.get("y") if isinstance(point, dict) else None
        if (
            not isinstance(x, int | float)
            or not isinstance(y, int | float)
            or isinstance(x, bool)
            or isinstance(y, bool)
            or not (math.isfinite(x) and math.isfinite(y))
        ):
            raise DataUpdateError(f"{where}: unexpected point {datasets._shown(point)}")
        points.append((int(x), float(y)))
    frame = pd.DataFrame(points, columns=["x", "y"]).sort_values("x", kind="stable")
    frame["day"] = pd.to_datetime(frame["x"] // _SECONDS_PER_DAY * _SECONDS_PER_DAY, unit="s")
    frame = frame[(frame["day"] >= first) & (frame["day"] <= last)].copy()
    frame.attrs["where"] = where
    return frame


def _blockchain(get: _Getter, base: str, first: pd.Timestamp, last: pd.Timestamp) -> pd.Series:
    """Fees per block of each day after ``first`` up to at most ``last`` [BTC]."""
    fees = _chart(get, base, "transaction-fees", first + _DAY, last)
    supply = _chart(get, base, "total-bitcoins", first, last)
    fees_where, supply_where = fees.attrs["where"], supply.attrs["where"]
    twice = fees["day"].duplicated()
    if twice.any():
        raise DataUpdateError(f"{fees_where}: two values for {fees['day'][twice].iloc[0].date()}")
    total = pd.Series(fees["y"].to_numpy(), index=pd.DatetimeIndex(fees["day"]))
    # The day's last supply value, as for the bundled column.
    end_supply = supply.groupby("day")["y"].last()
    if total.empty:
        return total
    total_last = _covered(fees_where, total, first + _DAY)
    supply_last = _covered(supply_where, end_supply, first)
    final = min(total_last, supply_last)
    days = pd.date_range(first + _DAY, final, freq="D")
    out = {}
    for day in days:
        blocks = _blocks(supply_where, day, end_supply[day - _DAY], end_supply[day])
        value = total[day] / blocks
        low, high, unit = datasets._PLAUSIBLE["fees_btc_per_block"]
        if not (low < value <= high):
            raise DataUpdateError(
                f"{fees_where}: fees of {day.date()} are {total[day]!r} BTC over {blocks:g} "
                f"blocks, {value:.6g} per block, outside ({low:g}, {high:g}]{unit}"
            )
        out[day] = value
    return pd.Series(out, dtype=float)


def _halvings() -> list[tuple[int, int]]:
    """Protocol supply at each halving height [sat] and the subsidy from there on [sat]."""
    points, supply = [], 0
    for era in range(33):
        supply += 210_000 * (50 * _SATS_PER_BTC >> era)
        points.append((supply, 50 * _SATS_PER_BTC >> (era + 1)))
    return points


def _blocks(where: str, day: pd.Timestamp, before: float, after: float) -> float:
    """Blocks mined on ``day``: the rise of the supply over the subsidy of each era [-]."""
    start, end = round(before * _SATS_PER_BTC), round(after * _SATS_PER_BTC)
    subsidy, thresholds = 50 * _SATS_PER_BTC, _halvings()
    crossing = None
    for threshold, next_subsidy in thresholds:
        if start >= threshold:
            subsidy = next_subsidy
        elif start < threshold < end:
            crossing = (threshold, next_subsidy)
            break
        else:
            break
    if crossing is None:
        if subsidy == 0 or (end - start) % subsidy:
            raise DataUpdateError(
                f"{where}: the supply rose by {(end - start) / _SATS_PER_BTC:,.8f} BTC on "
                f"{day.date()}, not a whole number of blocks of {subsidy / _SATS_PER_BTC:g} BTC"
            )
        blocks = (end - start) / subsidy
    else:
        threshold, after_halving = crossing
        blocks = (threshold - start) / subsidy + (end - threshold) / after_halving
    low, high = _BLOCKS_PER_DAY
    if not low <= blocks <= high:
        raise DataUpdateError(
            f"{where}: the supply rise of {day.date()} means {blocks:g} blocks in a day, "
            f"outside [{low}, {high}]"
        )
    return blocks


# --------------------------------------------------------------------------
# Your own series
# --------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _read_csv(file: Path) -> tuple[pd.DataFrame, dict[pd.Timestamp, int]]:
    """The rows of a user's CSV file and the line of each day; ValueError naming file and line."""
    try:
        with file.open("rb") as handle:
            data = handle.read(_MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as error:  # ValueError: a NUL character in the path
        problem = getattr(error, "strerror", None) or str(error)
        raise ValueError(f"{file}: cannot read the file ({problem})") from None
    if len(data) > _MAX_FILE_BYTES:
        raise ValueError(f"{file}: larger than {_MAX_FILE_BYTES:,} bytes")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ValueError(f"{file}, line {line}: not UTF-8 text (save the file as UTF-8)") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    required = ["date", *datasets._COLUMNS]
    try:
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{file}: empty file, expected the header {','.join(required)}")
        header = [name.strip() for name in header]
        missing = [name for name in required if name not in header]
        unknown = [name for name in header if name not in (*required, "source")]
        if missing or unknown or len(set(header)) != len(header):
            problem = f"missing {', '.join(missing)}" if missing else ""
            if unknown:
                problem += ("; " if problem else "") + f"unknown {', '.join(map(repr, unknown))}"
            if not problem:
                problem = "a column appears twice"
            raise ValueError(
                f"{file}, line 1: the header must name the columns {', '.join(required)} "
                f"(and optionally source): {problem}"
            )
        rows: list[tuple[pd.Timestamp, dict[str, float], str]] = []
        lines: dict[pd.Timestamp, int] = {}
        for fields in reader:
            line = reader.line_num
            if not any(field.strip() for field in fields):
                continue
            if len(fields) != len(header):
                raise ValueError(
                    f"{file}, line {line}: {len(fields)} fields, the header has {len(header)}"
                )
            record = dict(zip(header, (field.strip() for field in fields), strict=True))
            day = _parse_date(file, line, record["date"])
            values = {
                name: _parse_number(file, line, name, record[name]) for name in datasets._COLUMNS
            }
            source = record.get("source") or f"import: {file.name}"
            if day in lines:
                raise ValueError(
                    f"{file}, line {line}: {day.date()} appears twice (line {lines[day]})"
                )
            if rows and day < rows[-1][0]:
                raise ValueError(
                    f"{file}, line {line}: {day.date()} follows {rows[-1][0].date()}: "
                    "days must increase"
                )
            lines[day] = line
            rows.append((day, values, source))
    except csv.Error as error:
        raise ValueError(f"{file}, line {reader.line_num}: not CSV ({error})") from None
    if not rows:
        raise ValueError(f"{file}: no rows after the header")
    index = pd.DatetimeIndex([row[0] for row in rows], name="date")
    frame = pd.DataFrame([row[1] for row in rows], index=index)
    frame["source"] = [row[2] for row in rows]
    return frame, lines


def _parse_date(file: Path, line: int, text: str) -> pd.Timestamp:
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        return pd.Timestamp(dt.date.fromisoformat(text))
    except ValueError:
        raise ValueError(
            f"{file}, line {line}: date must be a day YYYY-MM-DD (UTC), "
            f"got {datasets._shown(text)}"
        ) from None


def _parse_number(file: Path, line: int, name: str, text: str) -> float:
    value = float(text) if _NUMBER.fullmatch(text) else math.nan
    if not math.isfinite(value):
        raise ValueError(
            f"{file}, line {line}: {name} must be a finite number, got {datasets._shown(text)}"
        )
    return value
