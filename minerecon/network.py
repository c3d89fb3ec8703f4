"""Bitcoin protocol facts and the per-hash economics they imply.

Subsidy by block height, halvings, block dates, compact ``bits``, difficulty
and the network hashrate it implies, the retarget rule for one epoch, the
BTC a unit of hashrate earns per day, and hashprice. All functions follow
the numeric contract: scalars, arrays, Series and DataArrays in, the same
kind out.

Hashes per unit of difficulty
-----------------------------
A block at difficulty ``D`` takes ``D * 2**48 / 65535`` hashes on average
(Bitcoin Core ``GetBlockProof``: ``2**256 / (target + 1)`` with the
difficulty-1 target ``0xFFFF * 2**208``). Every public hashprice and
cost-of-production figure (Hashrate Index/Luxor, Hayes 2017, CBECI) uses the
industry convention ``D * 2**32`` instead, which is 15 ppm lower. minerecon
follows the convention (:data:`HASHES_PER_DIFFICULTY`) so its numbers match
published ones; :data:`HASHES_PER_DIFFICULTY_EXACT` holds the exact value.
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import numpy as np
import pandas as pd

from minerecon import _contract
from minerecon._contract import aligned, check, scalar_out
from minerecon.typing import ArrayLike, DateLike, Numeric
from minerecon.units import DAYS_PER_YEAR, SATS_PER_BTC, SECONDS_PER_DAY, TH

__all__ = [
    "NetworkState",
    "bits_to_difficulty",
    "bits_to_target",
    "block_subsidy",
    "block_subsidy_sat",
    "btc_per_th_day",
    "difficulty_from_hashrate",
    "estimate_height_date",
    "fee_share",
    "fees_from_share",
    "halving_height",
    "hashprice",
    "hashrate_from_difficulty",
    "issued_supply",
    "next_difficulty",
    "next_halving_height",
    "target_to_difficulty",
]

#: Blocks between halvings (``nSubsidyHalvingInterval``).
HALVING_INTERVAL = 210_000
#: Subsidy of the genesis era in satoshi (``50 * COIN``).
INITIAL_SUBSIDY_SAT = 50 * SATS_PER_BTC
#: After this many halvings the subsidy is zero (``GetBlockSubsidy``).
MAX_HALVINGS = 64
#: Target block interval in seconds (``nPowTargetSpacing``).
TARGET_BLOCK_INTERVAL = 600
#: Blocks per difficulty epoch.
RETARGET_INTERVAL = 2016
#: Target duration of an epoch in seconds (``nPowTargetTimespan``).
TARGET_TIMESPAN = 14 * 24 * 60 * 60
#: Largest factor by which one retarget can move difficulty.
RETARGET_CLAMP = 4
#: Blocks per day at the target interval.
BLOCKS_PER_DAY = SECONDS_PER_DAY // TARGET_BLOCK_INTERVAL
#: Hashes per block per unit of difficulty, the industry convention.
HASHES_PER_DIFFICULTY = 2**32
#: Exact hashes per block per unit of difficulty, ``2**48 / 65535``.
HASHES_PER_DIFFICULTY_EXACT = 2**48 / 65535
#: The difficulty-1 target (``powLimit``, compact bits ``0x1d00ffff``).
MAX_TARGET = 0xFFFF * 2**208
#: Subsidy of the era that began at block 840,000 (2024-04-20).
CURRENT_SUBSIDY = 3.125


#: Largest halving number :func:`halving_height` accepts: its height fits an int64.
MAX_HALVING_NUMBER = (2**63 - 1) // HALVING_INTERVAL
#: Largest height :func:`next_halving_height` accepts: the next halving fits an int64.
MAX_NEXT_HALVING_FROM = MAX_HALVING_NUMBER * HALVING_INTERVAL - 1


def _check_height(
    name: str, height: ArrayLike, *, high: int | None = None
) -> tuple[Numeric, np.ndarray]:
    """Validate whole, finite block heights (or halving numbers) ``>= 0``.

    Returns the checked argument (its kind kept, for :func:`_contract.like`)
    and its values widened to int64 (uint64 stays uint64) or float64, so
    that height arithmetic cannot overflow a small integer dtype.
    """
    unit = "[blocks]" if "height" in name else ""
    height = cast(Numeric, check(name, height, low=0, high=high, unit=unit))
    values = _contract._values(height)
    if values.dtype.kind == "f":
        bad = ~np.isfinite(values) | (values != np.floor(values))
        if bad.any():
            raise ValueError(
                f"{name} must be a finite whole number >= 0, got "
                f"{_contract._fmt(_contract._first(values, bad))}{_contract._where(values, bad)}"
            )
        return height, values.astype(np.float64)
    wide = np.uint64 if values.dtype == np.uint64 else np.int64
    return height, values.astype(wide)


def _as_height(out: np.ndarray, template: object) -> Numeric:
    """Heights in the kind of ``template``: an ``int`` for a scalar."""
    out = _contract.like(out, template)
    return int(out) if isinstance(out, int | float) else out


def block_subsidy_sat(height: ArrayLike) -> Numeric:
    """Block subsidy in satoshi, exactly as consensus computes it.

    Parameters
    ----------
    height : int, array, Series or DataArray
        Block height [blocks], >= 0.

    Returns
    -------
    Subsidy [sat]: ``int`` for a scalar, int64 values otherwise.

    Notes
    -----
    ``50 * COIN >> (height // 210000)``, and 0 once 64 halvings have passed
    (Bitcoin Core ``GetBlockSubsidy``), so truncation by the integer shift is
    kept exactly.

    Examples
    --------
    >>> block_subsidy_sat(840_000)
    312500000
    """
    height, values = _check_height("height", height)
    halvings = np.minimum(values // HALVING_INTERVAL, MAX_HALVINGS).astype(np.int64)
    shifted = np.right_shift(np.int64(INITIAL_SUBSIDY_SAT), np.minimum(halvings, 63))
    sat = np.where(halvings >= MAX_HALVINGS, 0, shifted).astype(np.int64)
    return _contract.like(sat, height)


def block_subsidy(height: ArrayLike) -> Numeric:
    """Block subsidy in BTC at a block height.

    Parameters
    ----------
    height : int, array, Series or DataArray
        Block height [blocks], >= 0.

    Returns
    -------
    Subsidy [BTC].

    Notes
    -----
    ``(5e9 >> (height // 210000)) / 1e8``; see :func:`block_subsidy_sat`.

    References
    ----------
    Bitcoin Core, ``src/validation.cpp`` ``GetBlockSubsidy`` and
    ``src/kernel/chainparams.cpp`` ``nSubsidyHalvingInterval = 210000``.

    Examples
    --------
    >>> block_subsidy(839_999), block_subsidy(840_000), block_subsidy(1_050_000)
    (6.25, 3.125, 1.5625)
    """
    return block_subsidy_sat(height) / SATS_PER_BTC


def halving_height(halving: ArrayLike) -> Numeric:
    """Height of the block that starts halving era ``halving`` (1 = first).

    Parameters
    ----------
    halving : int, array, Series or DataArray
        Halving number, in [0, :data:`MAX_HALVING_NUMBER`] (0 is the genesis
        block).

    Returns
    -------
    Block height [blocks]: an ``int`` for a scalar; int64 values for integer
    arrays of any width (uint64 stays uint64; float64 for float arrays).

    Examples
    --------
    >>> halving_height(5)
    1050000
    """
    halving, values = _check_height("halving", halving, high=MAX_HALVING_NUMBER)
    return _as_height(values * HALVING_INTERVAL, halving)


def next_halving_height(height: ArrayLike) -> Numeric:
    """Height of the first halving strictly after ``height``.

    Parameters
    ----------
    height : int, array, Series or DataArray
        Block height [blocks], in [0, :data:`MAX_NEXT_HALVING_FROM`].

    Returns
    -------
    Block height [blocks]: an ``int`` for a scalar; int64 values for integer
    arrays of any width (uint64 stays uint64; float64 for float arrays).

    Examples
    --------
    >>> next_halving_height(925_344)
    1050000
    """
    height, values = _check_height("height", height, high=MAX_NEXT_HALVING_FROM)
    return _as_height((values // HALVING_INTERVAL + 1) * HALVING_INTERVAL, height)


def issued_supply(height: ArrayLike) -> Numeric:
    """BTC created by the subsidies of the first ``height`` blocks.

    Parameters
    ----------
    height : int, array, Series or DataArray
        Number of blocks counted from the genesis block, >= 0.

    Returns
    -------
    Supply [BTC], summed in satoshi so it is exact. From 64 halvings on
    (height >= 13,440,000) the subsidy is zero, so any greater height gives
    the whole supply.

    Notes
    -----
    ``sum_e min(max(height - 210000 e, 0), 210000) * (5e9 >> e)`` over the 64
    halving eras. The total over all eras is 2,099,999,997,690,000 sat
    (20,999,999.9769 BTC), not 21 million, because of the integer shift.

    Examples
    --------
    >>> issued_supply(64 * 210_000), issued_supply(10**12)
    (20999999.9769, 20999999.9769)
    """
    height, values = _check_height("height", height)
    # Capped at the last era's end before the int64 cast, so no height overflows.
    blocks = np.minimum(values, MAX_HALVINGS * HALVING_INTERVAL).astype(np.int64)
    blocks = blocks[..., np.newaxis]
    eras = np.arange(MAX_HALVINGS, dtype=np.int64)
    in_era = np.clip(blocks - eras * HALVING_INTERVAL, 0, HALVING_INTERVAL)
    sat = (in_era * (np.int64(INITIAL_SUBSIDY_SAT) >> eras)).sum(axis=-1)
    return _contract.like(sat / SATS_PER_BTC, height)


def estimate_height_date(
    height: ArrayLike,
    reference_height: int,
    reference_date: DateLike,
    block_interval: float = TARGET_BLOCK_INTERVAL,
) -> pd.Timestamp | pd.DatetimeIndex:
    """Estimate when a block height is reached at a constant block interval.

    Parameters
    ----------
    height : int or array-like
        Target block height [blocks], a whole number >= 0.
    reference_height : int
        A known height [blocks], a whole number >= 0.
    reference_date : str, datetime or pandas.Timestamp
        When ``reference_height`` was mined (UTC).
    block_interval : float, default 600
        Mean block interval [s].

    Returns
    -------
    pandas.Timestamp for a scalar height, pandas.DatetimeIndex otherwise.

    Raises
    ------
    ValueError
        Naming the argument; also when a date would fall outside
        1677-09-21 to 2262-04-11, the range pandas can represent.

    Notes
    -----
    ``date = reference_date + (height - reference_height) * block_interval``.

    Examples
    --------
    Hashrate Index's countdown of 2024-11-12 (height 870,020) put the 2028
    halving on 2028-04-15; at 600 s per block:

    >>> estimate_height_date(1_050_000, 870_020, "2024-11-12")
    Timestamp('2028-04-14 20:40:00')
    """
    check("block_interval", block_interval, low=0, low_open=True, unit="[s]")
    _, heights = _check_height("height", height)
    _, reference = _check_height("reference_height", reference_height)
    from minerecon import datasets

    start = datasets.parse_day("reference_date", reference_date, normalize=False)
    seconds = (heights.astype(np.float64) - float(reference)) * float(block_interval)
    # pandas represents 1677-09-21 to 2262-04-11 only
    earliest = (pd.Timestamp.min.value - start.as_unit("ns").value) / 1e9
    latest = (pd.Timestamp.max.value - start.as_unit("ns").value) / 1e9
    outside = (seconds < earliest) | (seconds > latest)
    if outside.any():
        raise ValueError(
            f"height {int(heights[outside].flat[0]) if heights.ndim else int(heights)} would be "
            f"mined outside {pd.Timestamp.min.date()} to {pd.Timestamp.max.date()}, the dates "
            f"pandas can represent, at {float(block_interval):g} s per block from "
            f"height {int(reference)} on {start}"
        )
    if seconds.ndim == 0:
        return start + pd.Timedelta(seconds=float(seconds))
    return start + pd.to_timedelta(seconds.ravel(), unit="s")


def bits_to_target(bits: int | str) -> int:
    """Expand compact ``nBits`` into the full 256-bit target.

    Parameters
    ----------
    bits : int or str
        Compact target, as an integer or a hex string such as ``"0x1d00ffff"``.

    Returns
    -------
    int
        The target.

    Examples
    --------
    >>> bits_to_target("0x1d00ffff") == MAX_TARGET
    True
    """
    if isinstance(bits, str):
        try:
            bits = int(bits, 16)
        except ValueError:
            raise ValueError(
                f"bits must be a hex string like '0x1d00ffff', got {bits!r}"
            ) from None
    if isinstance(bits, np.integer) and not isinstance(bits, np.timedelta64):
        bits = int(bits)  # fixed-width numpy integers would overflow in the shifts below
    if not isinstance(bits, int) or not 0 < bits < 2**32:
        raise ValueError(f"bits must be a 32-bit compact target in (0, 2**32), got {bits!r}")
    exponent = bits >> 24
    mantissa = bits & 0x007FFFFF
    if mantissa == 0 or bits & 0x00800000:
        raise ValueError(f"bits {bits:#010x} encodes a zero or negative target")
    if exponent <= 3:
        target = mantissa >> (8 * (3 - exponent))
        if target == 0:
            raise ValueError(f"bits {bits:#010x} encodes a zero target (mantissa shifted out)")
        return target
    target = mantissa << (8 * (exponent - 3))
    if target >= 2**256:
        raise ValueError(f"bits {bits:#010x} encodes a target of 2**256 or more (overflow)")
    return target


def target_to_difficulty(target: int) -> float:
    """Difficulty of a target: ``MAX_TARGET / target``.

    Parameters
    ----------
    target : int
        Full 256-bit target, > 0.

    Returns
    -------
    float
        Difficulty [-].
    """
    if isinstance(target, np.integer) and not isinstance(target, np.timedelta64):
        target = int(target)
    if isinstance(target, bool) or not isinstance(target, int) or target <= 0:
        raise ValueError(f"target must be a whole number > 0, got {target!r}")
    return MAX_TARGET / target


def bits_to_difficulty(bits: int | str) -> float:
    """Difficulty encoded by compact ``nBits``.

    Parameters
    ----------
    bits : int or str
        Compact target (e.g. ``0x1d00ffff`` or ``"0x17025ced"``).

    Returns
    -------
    float
        Difficulty [-].

    Notes
    -----
    ``D = 0xFFFF * 2**208 / target``; Bitcoin Core's ``GetDifficulty``
    evaluates the same ratio as ``(0xFFFF / mantissa) * 256**(29 - exponent)``.

    Examples
    --------
    >>> bits_to_difficulty(0x1D00FFFF)
    1.0
    """
    return target_to_difficulty(bits_to_target(bits))


def _check_difficulty(difficulty: ArrayLike) -> Numeric:
    return check("difficulty", difficulty, low=0, low_open=True, unit="[-]")


@aligned
def hashrate_from_difficulty(
    difficulty: ArrayLike, block_interval: ArrayLike = TARGET_BLOCK_INTERVAL
) -> Numeric:
    """Network hashrate that finds blocks every ``block_interval`` seconds.

    Parameters
    ----------
    difficulty : float, array, Series or DataArray
        Difficulty [-], > 0.
    block_interval : float or array-like, default 600
        Mean block interval [s], > 0.

    Returns
    -------
    Network hashrate [TH/s].

    Notes
    -----
    ``H = D * 2**32 / block_interval`` hashes per second.

    Examples
    --------
    >>> round(hashrate_from_difficulty(152.27e12) / 1e9, 3)  # ZH/s, Nov 2025
    1.09
    """
    difficulty = _check_difficulty(difficulty)
    block_interval = cast(
        Numeric, check("block_interval", block_interval, low=0, low_open=True, unit="[s]")
    )
    return difficulty * (HASHES_PER_DIFFICULTY / TH) / block_interval


@aligned
def difficulty_from_hashrate(
    hashrate: ArrayLike, block_interval: ArrayLike = TARGET_BLOCK_INTERVAL
) -> Numeric:
    """Difficulty at which ``hashrate`` finds blocks every ``block_interval`` s.

    Parameters
    ----------
    hashrate : float, array, Series or DataArray
        Network hashrate [TH/s], > 0.
    block_interval : float or array-like, default 600
        Mean block interval [s], > 0.

    Returns
    -------
    Difficulty [-].

    Notes
    -----
    ``D = H * block_interval / 2**32``, the inverse of
    :func:`hashrate_from_difficulty`.
    """
    hashrate = cast(Numeric, check("hashrate", hashrate, low=0, low_open=True, unit="[TH/s]"))
    block_interval = cast(
        Numeric, check("block_interval", block_interval, low=0, low_open=True, unit="[s]")
    )
    return hashrate * block_interval * (TH / HASHES_PER_DIFFICULTY)


@scalar_out
@aligned
def next_difficulty(
    difficulty: ArrayLike, actual_timespan: ArrayLike, target_timespan: float = TARGET_TIMESPAN
) -> Numeric:
    """Difficulty after one retarget.

    Parameters
    ----------
    difficulty : float, array, Series or DataArray
        Difficulty of the epoch that just ended [-], > 0.
    actual_timespan : float, array, Series or DataArray
        Time the epoch took as consensus measures it [s], > 0: from the first
        to the last block of its 2016 blocks, i.e. over 2015 intervals.
    target_timespan : float, default 1,209,600
        Two weeks [s].

    Returns
    -------
    New difficulty [-].

    Notes
    -----
    ``D' = D * target / clip(actual, target / 4, target * 4)``, so one
    retarget moves difficulty by at most x4 or /4. Consensus works on integer
    targets, which rounds the result by far less than 1 ppm.

    References
    ----------
    Bitcoin Core, ``src/pow.cpp`` ``CalculateNextWorkRequired``.

    Examples
    --------
    >>> next_difficulty(100e12, 604_800)   # epoch took one week: x2
    200000000000000.0
    >>> next_difficulty(100e12, 100_000)   # far too fast: clamped to x4
    400000000000000.0
    """
    difficulty = _check_difficulty(difficulty)
    actual_timespan = cast(
        Numeric, check("actual_timespan", actual_timespan, low=0, low_open=True, unit="[s]")
    )
    target_timespan = check("target_timespan", target_timespan, low=0, low_open=True, unit="[s]")
    clamped = np.clip(
        actual_timespan,
        target_timespan / RETARGET_CLAMP,
        target_timespan * RETARGET_CLAMP,
    )
    return difficulty * (target_timespan / clamped)


def _check_reward(subsidy: ArrayLike, fees_per_block: ArrayLike) -> tuple[Numeric, Numeric]:
    subsidy = cast(Numeric, check("subsidy", subsidy, low=0, unit="[BTC]"))
    fees_per_block = cast(Numeric, check("fees_per_block", fees_per_block, low=0, unit="[BTC]"))
    return subsidy, fees_per_block


@aligned
def btc_per_th_day(
    difficulty: ArrayLike, fees_per_block: ArrayLike = 0.0, subsidy: ArrayLike = CURRENT_SUBSIDY
) -> Numeric:
    """Expected BTC one TH/s earns per day (before pool fees).

    Parameters
    ----------
    difficulty : float, array, Series or DataArray
        Difficulty [-], > 0.
    fees_per_block : float or array-like, default 0
        Average transaction fees per block [BTC].
    subsidy : float or array-like, default 3.125
        Block subsidy [BTC] (see :func:`block_subsidy`).

    Returns
    -------
    Expected reward [BTC per TH/s per day].

    Notes
    -----
    ``86400 * 1e12 * (subsidy + fees) / (D * 2**32)``: a hash finds a block
    with probability ``1 / (D * 2**32)``. Independent of block times, so it
    holds whatever the network hashrate. ``2**32`` hashes per unit of
    difficulty is the industry convention; the exact figure is
    ``2**48 / 65535`` (15 ppm more), see :data:`HASHES_PER_DIFFICULTY_EXACT`.

    Examples
    --------
    Hashrate Index, 2025-11-03: difficulty 155.97 T, fees 0.62 % of rewards,
    BTC hashprice 0.00040577 BTC/PH/day:

    >>> fees = fees_from_share(0.0062)
    >>> round(btc_per_th_day(155.97e12, fees) * 1000, 8)
    0.00040557
    """
    difficulty = _check_difficulty(difficulty)
    subsidy, fees_per_block = _check_reward(subsidy, fees_per_block)
    per_difficulty = SECONDS_PER_DAY * TH / HASHES_PER_DIFFICULTY
    return (subsidy + fees_per_block) * per_difficulty / difficulty


@aligned
def hashprice(
    btc_price: ArrayLike,
    difficulty: ArrayLike,
    fees_per_block: ArrayLike = 0.0,
    subsidy: ArrayLike = CURRENT_SUBSIDY,
) -> Numeric:
    """Hashprice: expected USD one TH/s earns per day (before pool fees).

    Parameters
    ----------
    btc_price : float, array, Series or DataArray
        BTC price [USD/BTC], >= 0.
    difficulty : float, array, Series or DataArray
        Difficulty [-], > 0.
    fees_per_block : float or array-like, default 0
        Average transaction fees per block [BTC].
    subsidy : float or array-like, default 3.125
        Block subsidy [BTC].

    Returns
    -------
    Hashprice [USD per TH/s per day]. Multiply by 1,000
    (:func:`minerecon.units.hashprice_to_ph_day`) for the USD/PH/day that
    Hashrate Index and Luxor publish.

    Notes
    -----
    ``btc_price * 86400e12 * (subsidy + fees) / (D * 2**32)``, with the
    industry's ``2**32`` hashes per unit of difficulty (exact:
    ``2**48 / 65535``).

    References
    ----------
    Hashrate Index (Luxor), "Bitcoin Hashprice Index" methodology.

    Examples
    --------
    Hashrate Index Roundup 2024-12-23: BTC 93,450 USD, difficulty 108.52 T,
    fees 0.0931 BTC per block, published hashprice 55.21 USD/PH/day:

    >>> round(hashprice(93_450, 108.52e12, 0.0931) * 1000, 2)
    55.75
    """
    btc_price = cast(Numeric, check("btc_price", btc_price, low=0, unit="[USD/BTC]"))
    return btc_price * btc_per_th_day(difficulty, fees_per_block, subsidy)


@aligned
def fee_share(fees_per_block: ArrayLike, subsidy: ArrayLike = CURRENT_SUBSIDY) -> Numeric:
    """Share of the block reward paid by fees.

    Parameters
    ----------
    fees_per_block : float, array, Series or DataArray
        Fees per block [BTC], >= 0.
    subsidy : float or array-like, default 3.125
        Block subsidy [BTC].

    Returns
    -------
    ``fees / (subsidy + fees)`` [-]; ``nan`` where subsidy and fees are both
    zero (there is no reward to share).

    Examples
    --------
    >>> round(fee_share(0.0931), 4)
    0.0289
    >>> fee_share(0.0, 0.0)
    nan
    """
    subsidy, fees_per_block = _check_reward(subsidy, fees_per_block)
    return _contract.divide(fees_per_block, subsidy + fees_per_block)


@aligned
def fees_from_share(share: ArrayLike, subsidy: ArrayLike = CURRENT_SUBSIDY) -> Numeric:
    """Fees per block from their share of the block reward.

    Parameters
    ----------
    share : float, array, Series or DataArray
        Fees as a share of subsidy plus fees [-], in [0, 1).
    subsidy : float or array-like, default 3.125
        Block subsidy [BTC].

    Returns
    -------
    Fees per block [BTC]: ``subsidy * share / (1 - share)``.

    Examples
    --------
    >>> round(fees_from_share(0.0107, 6.25), 5)   # Hashrate Index, 2021-10-24
    0.0676
    """
    share = cast(Numeric, _contract.check_fraction("share", share))
    subsidy = cast(Numeric, check("subsidy", subsidy, low=0, unit="[BTC]"))
    return subsidy * share / (1.0 - share)


@dataclasses.dataclass(frozen=True)
class NetworkState:
    """The network on one day: what a mine earns depends on nothing else.

    Parameters
    ----------
    date : pandas.Timestamp
        The UTC day the state describes (any date-like that
        :func:`minerecon.datasets.parse_day` reads).
    height : int
        Height of the first block mined after 00:00 UTC that day [blocks];
        estimated from the epoch table when taken from history. Stored as
        a Python ``int`` whatever number type it is given as.
    difficulty : float
        Difficulty in force at 00:00 UTC [-].
    btc_price : float
        BTC price [USD/BTC].
    fees_per_block : float
        Average transaction fees per block [BTC].

    Examples
    --------
    The network of the late-November-2025 hashprice low:

    >>> state = NetworkState.from_history("2025-11-20")
    >>> round(state.difficulty / 1e12, 2), state.subsidy
    (152.27, 3.125)
    """

    date: pd.Timestamp
    height: int
    difficulty: float
    btc_price: float
    fees_per_block: float

    def __post_init__(self) -> None:
        from minerecon import datasets

        object.__setattr__(self, "date", datasets.parse_day("date", self.date, normalize=False))
        _, height = _check_height("height", self.height)
        if height.ndim != 0:
            raise ValueError(f"height must be one block height, got {self.height!r}")
        object.__setattr__(self, "height", int(height))  # a Python int: no fixed-width overflow
        # one finite number each: an infinite price has no economics to compute
        for name, low_open, unit in (
            ("difficulty", True, "[-]"),
            ("btc_price", False, "[USD/BTC]"),
            ("fees_per_block", False, "[BTC]"),
        ):
            value = _contract.check_scalar(
                name, getattr(self, name), low=0, low_open=low_open, unit=unit
            )
            object.__setattr__(self, name, value)

    @classmethod
    def latest(cls) -> NetworkState:
        """The last day of the history in use (the library's default).

        The bundled history, extended by ``minerecon data update``; warns once
        (:class:`~minerecon.datasets.StaleDataWarning`) when that day is more
        than 30 days old (:func:`minerecon.datasets.latest_day`).
        """
        from minerecon import datasets

        return cls.from_history(datasets.latest_day())

    @classmethod
    def from_history(cls, date: DateLike, *, average_days: int = 1) -> NetworkState:
        """The network on a past day of the history.

        The history is the bundled one, extended by ``minerecon data update``
        or ``data import`` (see :func:`minerecon.datasets.history_status`).

        Parameters
        ----------
        date : str, datetime or pandas.Timestamp
            A UTC day covered by :func:`minerecon.datasets.load_history`
            (read by :func:`minerecon.datasets.history_day`: a number, an
            empty string or ``"NaT"`` raises ``ValueError``).
        average_days : int, default 1
            Trailing window [days], >= 1: the difficulty, BTC price and fees
            are the means over the ``average_days`` days ending on ``date``
            (a 30-day average difficulty, as some calculators quote, instead
            of the spot value). The window must lie within the history.

        Examples
        --------
        Spot and 30-day mean difficulty on 2025-11-20: the window holds 8
        days at 146.72 T, 14 at 155.97 T and 8 at 152.27 T, a mean of 152.52 T:

        >>> spot = NetworkState.from_history("2025-11-20")
        >>> mean = NetworkState.from_history("2025-11-20", average_days=30)
        >>> round(spot.difficulty / 1e12, 2), round(mean.difficulty / 1e12, 2)
        (152.27, 152.52)
        """
        from minerecon import _contract, datasets

        day = datasets.history_day("date", date)
        days = _contract.check_count("average_days", average_days, low=1, unit="[days]")
        history = datasets.load_history()
        first = day - pd.Timedelta(days=days - 1)
        if first < history.index[0]:
            raise ValueError(
                f"average_days must keep the window within the history, which starts "
                f"{history.index[0].date()}: {days} days before {day.date()} start "
                f"{first.date()}"
            )
        window = history.loc[first:day]
        return cls(
            date=day,
            height=int(datasets.estimate_height(day)),
            difficulty=float(window["difficulty"].mean()),
            btc_price=float(window["price_usd"].mean()),
            fees_per_block=float(window["fees_btc_per_block"].mean()),
        )

    def replace(self, **changes: Any) -> NetworkState:
        """A copy with some fields changed (e.g. ``btc_price=90_000``).

        A new ``date`` without a new ``height`` moves the height with it, and
        so the subsidy: to the estimated height of that day within the
        history, else at 144 blocks a day from this state. The
        difficulty, price and fees stay as they are unless given (see
        :meth:`project` to grow the difficulty).
        """
        from minerecon import datasets

        unknown = sorted(set(changes) - {f.name for f in dataclasses.fields(self)})
        if unknown:
            raise ValueError(
                f"changes must be fields of NetworkState (date, height, difficulty, "
                f"btc_price, fees_per_block), got {unknown}"
            )
        if "date" in changes and "height" not in changes:
            day = datasets.parse_day("date", changes["date"], normalize=False)
            changes = {**changes, "date": day, "height": self._height_on(day)}
        return dataclasses.replace(self, **changes)

    def _height_on(self, day: pd.Timestamp) -> int:
        from minerecon import datasets

        first, last = datasets.load_history().index[[0, -1]]
        if first <= day.normalize() <= last:
            return int(datasets.estimate_height(day.normalize()))
        elapsed = (day - self.date) / pd.Timedelta(days=1)
        height = self.height + round(elapsed * BLOCKS_PER_DAY)
        if height < 0:
            raise ValueError(f"date {day.date()} is before the genesis block at 144 blocks a day")
        return height

    def project(
        self,
        date: DateLike,
        *,
        difficulty_growth: float = 0.0,
        btc_price: float | None = None,
        fees_per_block: float | None = None,
    ) -> NetworkState:
        """The state on a later day, with the difficulty grown at a constant rate.

        Parameters
        ----------
        date : str, datetime or pandas.Timestamp
            The day, on or after this state's date.
        difficulty_growth : float, default 0
            Annual growth of the difficulty (as of the network hashrate)
            [1/year], > -1: ``D_t = D_0 (1 + g) ** (days / 365)``.
        btc_price, fees_per_block : float, optional
            The values on that day; this state's by default (no drift
            assumed).

        Returns
        -------
        NetworkState
            With the height at 144 blocks a day from this state, so the
            subsidy halves when the date passes a halving.

        Examples
        --------
        The network after the 2028 halving, difficulty up 25 % a year
        (``1.25 ** (924 / 365) = 1.76`` over the 924 days):

        >>> now = NetworkState.from_history("2025-11-20")
        >>> later = now.project("2028-06-01", difficulty_growth=0.25)
        >>> later.subsidy, round(later.difficulty / now.difficulty, 2)
        (1.5625, 1.76)
        """
        from minerecon import _contract, datasets

        day = datasets.parse_day("date", date, normalize=False)
        if day < self.date:
            raise ValueError(f"date must be on or after {self.date.date()}, got {day.date()}")
        growth = _contract.check_scalar(
            "difficulty_growth", difficulty_growth, low=-1.0, low_open=True, unit="[1/year]"
        )
        years = (day - self.date) / pd.Timedelta(days=DAYS_PER_YEAR)
        return NetworkState(
            date=day,
            height=self.height + round(years * DAYS_PER_YEAR * BLOCKS_PER_DAY),
            difficulty=self.difficulty * (1.0 + growth) ** years,
            btc_price=self.btc_price if btc_price is None else btc_price,
            fees_per_block=self.fees_per_block if fees_per_block is None else fees_per_block,
        )

    @property
    def subsidy(self) -> float:
        """Block subsidy at the state's height [BTC]."""
        return cast(float, block_subsidy(self.height))

    @property
    def fee_share(self) -> float:
        """Fees as a share of the block reward [-]."""
        return cast(float, fee_share(self.fees_per_block, self.subsidy))

    @property
    def hashprice(self) -> float:
        """Hashprice [USD per TH/s per day]."""
        return cast(
            float, hashprice(self.btc_price, self.difficulty, self.fees_per_block, self.subsidy)
        )

    @property
    def btc_per_th_day(self) -> float:
        """Expected reward [BTC per TH/s per day]."""
        return cast(float, btc_per_th_day(self.difficulty, self.fees_per_block, self.subsidy))

    @property
    def network_hashrate(self) -> float:
        """Hashrate implied by the difficulty at 600 s blocks [TH/s]."""
        return cast(float, hashrate_from_difficulty(self.difficulty))
