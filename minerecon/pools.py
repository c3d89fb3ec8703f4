"""Pool payout schemes and block luck: what a day of hashing pays, and how much it varies.

A miner with hashrate ``H`` [TH/s] finds blocks as a Poisson process: at
difficulty ``D`` it expects ``lambda = H * 1e12 * 86,400 / (D * 2**32)``
blocks a day (:func:`blocks_per_day`). A pool turns that lottery into a
wage; the schemes differ in how much of the luck they keep:

* **FPPS** (full pay per share) pays the expected value of every share,
  block reward and fees, minus the pool fee: no variance for the miner.
* **PPS** pays the expected subsidy per share; the pool keeps the fees.
* **PPLNS** (pay per last N shares) splits each block the pool finds over
  the last ``N = X * D`` shares: the miner bears the pool's luck, smoothed
  over a window of ``X`` blocks' worth of shares.
* **TIDES** (Ocean's "transparent index of distinct extended shares") is
  PPLNS with a window of eight blocks, ``X = 8``.
* **Solo**: the miner keeps the whole reward of the blocks it finds, and
  their variance.

Block rewards are ``R = subsidy + fees_per_block`` [BTC], fees taken as
their mean (their own variance is left out).

References
----------
Rosenfeld, M. (2011). Analysis of Bitcoin pooled mining reward systems.
arXiv:1112.4980.
Hughes, J. (2024-02-29). TIDES technical documentation: Transparent Index of
Distinct Extended Shares. OCEAN, https://ocean.xyz/docs/tides (share-log
window of eight times the network difficulty).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np

from minerecon import _contract
from minerecon._contract import aligned, scalar_out
from minerecon.network import CURRENT_SUBSIDY, HASHES_PER_DIFFICULTY
from minerecon.typing import ArrayLike, Numeric
from minerecon.units import SECONDS_PER_DAY, TH

__all__ = [
    "PPLNS_WINDOW",
    "SCHEMES",
    "TIDES_WINDOW",
    "Payout",
    "blocks_per_day",
    "expected_days_to_block",
    "payout",
    "probability_of_block",
]

Scheme = Literal["fpps", "pps", "pplns", "tides", "solo"]
#: The payout schemes :func:`payout` knows.
SCHEMES: tuple[Scheme, ...] = ("fpps", "pps", "pplns", "tides", "solo")
#: PPLNS window in blocks' worth of shares, ``N = X * D``: an assumption (pools
#: publish their own; 2 is a common choice), override it with ``window``.
PPLNS_WINDOW = 2.0
#: TIDES window: eight times the network difficulty (Hughes 2024, OCEAN's TIDES documentation).
TIDES_WINDOW = 8.0


@scalar_out
@aligned
def blocks_per_day(hashrate: ArrayLike, difficulty: ArrayLike) -> Numeric:
    """Expected blocks ``hashrate`` finds in a day at ``difficulty``.

    Parameters
    ----------
    hashrate : float, array, Series or DataArray
        Hashrate [TH/s], >= 0.
    difficulty : float, array, Series or DataArray
        Difficulty [-], > 0.

    Returns
    -------
    Blocks per day [1/day]: ``H * 1e12 * 86,400 / (D * 2**32)``.

    Examples
    --------
    A network of 1,050 EH/s at difficulty 152.27 T (set for 1,090 EH/s)
    finds fewer than 144:

    >>> round(blocks_per_day(1.05e9, 152.27e12), 1)
    138.7
    """
    return _blocks_per_day(hashrate, difficulty)


def _blocks_per_day(hashrate: object, difficulty: object) -> Any:
    rate = _contract.check("hashrate", hashrate, low=0.0, unit="[TH/s]")
    checked = _contract.check("difficulty", difficulty, low=0.0, low_open=True)
    return rate * (TH * SECONDS_PER_DAY / HASHES_PER_DIFFICULTY) / checked


@scalar_out
@aligned
def probability_of_block(
    hashrate: ArrayLike, difficulty: ArrayLike, days: ArrayLike = 1.0
) -> Numeric:
    """Probability that ``hashrate`` finds at least one block within ``days``.

    ``1 - exp(-lambda * days)``, block finding being a Poisson process.

    Parameters
    ----------
    hashrate, difficulty
        As :func:`blocks_per_day`.
    days : float, array, Series or DataArray, default 1
        Time [day], >= 0.

    Returns
    -------
    Probability [-].

    Examples
    --------
    One S21 XP (270 TH/s) mining solo for a year at difficulty 152.27 T:

    >>> round(probability_of_block(270, 152.27e12, 365), 4)
    0.0129
    """
    period = _contract.check("days", days, low=0.0, unit="[day]")
    return -np.expm1(-_blocks_per_day(hashrate, difficulty) * period)


@scalar_out
@aligned
def expected_days_to_block(hashrate: ArrayLike, difficulty: ArrayLike) -> Numeric:
    """Expected days until ``hashrate`` finds a block: ``1 / lambda`` [day]; inf for 0 TH/s.

    Examples
    --------
    >>> round(expected_days_to_block(270, 152.27e12))
    28035
    """
    return _contract.divide(1.0, blocks_per_day(hashrate, difficulty))


@dataclasses.dataclass(frozen=True)
class Payout:
    """What a scheme pays for a period of hashing (:func:`payout`).

    Attributes
    ----------
    scheme : str
    mean : float or array
        Expected payout [BTC].
    std : float or array
        Its standard deviation [BTC].
    """

    scheme: Scheme
    mean: Numeric
    std: Numeric

    @property
    def cv(self) -> Numeric:
        """Coefficient of variation, ``std / mean`` [-]; nan for a zero mean."""
        return _contract.divide(self.std, self.mean)


def _window_variance(pool_blocks: Any, window: float) -> Any:
    """``int overlap(b)**2 db / (N**2 D)`` for pool blocks expected over the period.

    ``Lambda - X/3`` from ``Lambda = X`` on, ``Lambda**2/X - Lambda**3/(3 X**2)``
    below: with ``m = min(Lambda, X)``, both are ``m**2/X - m**3/(3 X**2) + Lambda - m``.
    """
    m = np.minimum(pool_blocks, window)
    return m**2 / window - m**3 / (3.0 * window**2) + (pool_blocks - m)


@aligned
def payout(
    scheme: Scheme,
    hashrate: ArrayLike,
    difficulty: ArrayLike,
    *,
    days: ArrayLike = 1.0,
    pool_hashrate: ArrayLike | None = None,
    subsidy: ArrayLike = CURRENT_SUBSIDY,
    fees_per_block: ArrayLike = 0.0,
    pool_fee: ArrayLike = 0.0,
    window: float | None = None,
) -> Payout:
    """Mean and standard deviation of what ``days`` of hashing pay under ``scheme``.

    Parameters
    ----------
    scheme : {"fpps", "pps", "pplns", "tides", "solo"}
        The payout scheme (see :mod:`minerecon.pools`).
    hashrate : float, array, Series or DataArray
        The miner's hashrate ``H`` [TH/s], >= 0.
    difficulty : float, array, Series or DataArray
        Difficulty ``D`` [-], > 0.
    days : float or array-like, default 1
        Length of the period ``T`` [day], > 0.
    pool_hashrate : float or array-like, optional
        The pool's hashrate ``P`` including the miner's [TH/s], >= ``H``;
        required for PPLNS and TIDES.
    subsidy, fees_per_block : float or array-like
        Block subsidy and mean fees per block [BTC], >= 0.
    pool_fee : float or array-like, default 0
        Share the pool keeps [-], in [0, 1); solo pays none.
    window : float, optional
        PPLNS window in blocks' worth of shares, ``X = N / D`` > 0; default
        :data:`PPLNS_WINDOW` for PPLNS and :data:`TIDES_WINDOW` for TIDES.

    Returns
    -------
    Payout
        ``mean`` and ``std`` [BTC] over the period.

    Notes
    -----
    With ``lambda`` the miner's blocks per day, ``R = subsidy + fees``,
    ``f`` the pool fee, ``p = H / P`` and ``Lambda = (P / H) lambda T`` the
    pool's expected blocks in the period:

    * FPPS: mean ``lambda T R (1 - f)``, std 0; PPS: mean
      ``lambda T subsidy (1 - f)``, std 0.
    * Solo: mean ``lambda T R``, std ``R sqrt(lambda T)`` (a Poisson count of
      blocks).
    * PPLNS and TIDES, for the shares submitted in the period (each paid by
      the pool's blocks in the ``N`` shares after it), with the pool's
      blocks a Poisson process and the miner's shares a steady ``p`` of the
      pool's: mean ``lambda T R (1 - f)``, variance
      ``(p R (1 - f))**2 (Lambda - X/3)`` when ``Lambda >= X``, else
      ``(p R (1 - f))**2 Lambda**2 / X (1 - Lambda / (3 X))``. Over long
      periods the miner bears the pool's luck scaled by ``p``: a variance
      ``p`` times the solo one.

    Examples
    --------
    A 10 PH/s miner for a day at difficulty 152.27 T, fees 0.03 BTC a block:

    >>> solo = payout("solo", 10_000, 152.27e12, fees_per_block=0.03)
    >>> round(solo.mean, 5), round(solo.cv, 1)
    (0.00417, 27.5)
    >>> pplns = payout("pplns", 10_000, 152.27e12, fees_per_block=0.03,
    ...                pool_hashrate=1e8, pool_fee=0.02)
    >>> round(pplns.mean, 5), round(pplns.cv, 3)
    (0.00408, 0.268)
    """
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {SCHEMES}, got {scheme!r}")
    period = _contract.check("days", days, low=0.0, low_open=True, unit="[day]")
    block_subsidy = _contract.check("subsidy", subsidy, low=0.0, unit="[BTC]")
    fees = _contract.check("fees_per_block", fees_per_block, low=0.0, unit="[BTC]")
    kept = 1.0 - _contract.check_fraction("pool_fee", pool_fee)
    blocks = _blocks_per_day(hashrate, difficulty) * period
    reward = block_subsidy + fees
    if scheme == "solo":
        return Payout(
            scheme, _contract.plain(blocks * reward), _contract.plain(reward * np.sqrt(blocks))
        )
    if scheme == "fpps":
        return Payout(
            scheme, _contract.plain(blocks * reward * kept), _contract.plain(blocks * 0.0)
        )
    if scheme == "pps":
        return Payout(
            scheme, _contract.plain(blocks * block_subsidy * kept), _contract.plain(blocks * 0.0)
        )
    if pool_hashrate is None:
        raise ValueError(f"pool_hashrate is required for {scheme} [TH/s], got None")
    pool = _contract.check("pool_hashrate", pool_hashrate, low=0.0, low_open=True, unit="[TH/s]")
    pool_blocks = _blocks_per_day(pool, difficulty) * period
    if np.any(np.asarray(blocks > pool_blocks)):
        raise ValueError("pool_hashrate must include the miner's: pool_hashrate >= hashrate")
    x = (PPLNS_WINDOW if scheme == "pplns" else TIDES_WINDOW) if window is None else window
    x = _contract.check_scalar("window", x, low=0.0, low_open=True)
    share = blocks / pool_blocks  # H / P
    variance = (share * reward * kept) ** 2 * _window_variance(pool_blocks, x)
    return Payout(
        scheme, _contract.plain(blocks * reward * kept), _contract.plain(np.sqrt(variance))
    )
