"""Pool payout schemes and block luck (minerecon.pools)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from minerecon import economics, pools

D = 152.27e12  # difficulty of 2025-11-25 (the CleanSpark preset's start)
NETWORK = D * 2**32 / 600 / 1e12  # TH/s that find a block every 600 s at D


def test_the_network_finds_144_blocks_a_day():
    # Protocol: difficulty D is set so that D * 2**32 hashes take 600 s.
    assert_allclose(pools.blocks_per_day(NETWORK, D), 144.0, rtol=1e-12)
    assert_allclose(pools.expected_days_to_block(NETWORK, D), 1 / 144, rtol=1e-12)
    assert_allclose(pools.probability_of_block(NETWORK / 144, D, 1.0), 1 - np.exp(-1.0))


def test_solo_probabilities_by_hand():
    # One S21 XP (270 TH/s): lambda = 144 * 270 / NETWORK a day.
    rate = 144 * 270 / NETWORK
    assert_allclose(pools.probability_of_block(270, D, 30), 1 - np.exp(-30 * rate))
    assert_allclose(pools.expected_days_to_block(270, D), 1 / rate)
    assert pools.expected_days_to_block(0.0, D) == np.inf
    assert pools.probability_of_block(0.0, D, 365) == 0.0


def test_fpps_pays_the_expected_value_with_no_variance():
    # FPPS pays what economics.btc_mined_per_th says, day in, day out.
    fpps = pools.payout("fpps", 5_000, D, days=7, fees_per_block=0.03, pool_fee=0.02)
    expected = 5_000 * 7 * economics.btc_mined_per_th(D, fees_per_block=0.03, pool_fee=0.02)
    assert_allclose(fpps.mean, expected, rtol=1e-12)
    assert fpps.std == 0.0
    # PPS pays the subsidy only.
    pps = pools.payout("pps", 5_000, D, days=7, fees_per_block=0.03, pool_fee=0.02)
    assert_allclose(pps.mean, fpps.mean * 3.125 / 3.155, rtol=1e-12)


def test_solo_payout_is_a_poisson_count_of_blocks():
    # Mean and variance of R * Poisson(lambda T), checked on simulated counts.
    solo = pools.payout("solo", 2e6, D, days=30, fees_per_block=0.03)
    rate = pools.blocks_per_day(2e6, D) * 30
    counts = np.random.default_rng(0).poisson(rate, size=400_000) * 3.155
    assert_allclose(solo.mean, counts.mean(), rtol=0.01)
    assert_allclose(solo.std, counts.std(), rtol=0.01)
    assert_allclose(solo.cv, 1 / np.sqrt(rate), rtol=1e-12)


def _pplns_by_simulation(share, pool_blocks, window, n, seed):
    """Pay each pool block R * (miner's shares in the last N) / N, in units of D shares.

    The miner submits a steady share of the pool's shares over [0, T]; a pool
    block at b pays for the miner's shares in [b - N, b]; blocks come as a
    Poisson process of rate 1 per D shares.
    """
    rng = np.random.default_rng(seed)
    horizon = pool_blocks + window  # T + N, in blocks' worth of shares
    totals = np.empty(n)
    for i in range(n):
        blocks = rng.uniform(0, horizon, rng.poisson(horizon))
        overlap = np.clip(
            np.minimum(blocks, pool_blocks) - np.maximum(blocks - window, 0), 0, None
        )
        totals[i] = share * overlap.sum() / window
    return totals


@pytest.mark.parametrize(("pool_blocks", "window"), [(13.2, 2.0), (1.5, 8.0), (8.0, 8.0)])
def test_pplns_variance_matches_its_process(pool_blocks, window):
    # Var = (p R)^2 (Lambda - X/3) for Lambda >= X, else (p R)^2 Lambda^2/X (1 - Lambda/(3X)):
    # checked against the process itself (R = 1, p = 1e-3).
    pool = pool_blocks / 144 * NETWORK  # pool hashrate that expects pool_blocks a day
    payout = pools.payout("pplns", pool * 1e-3, D, pool_hashrate=pool, subsidy=1.0,
                          window=window)  # fmt: skip
    sample = _pplns_by_simulation(1e-3, pool_blocks, window, 60_000, seed=1)
    assert_allclose(payout.mean, sample.mean(), rtol=0.02)
    assert_allclose(payout.std, sample.std(), rtol=0.02)


def test_pool_smooths_luck_by_the_miners_share():
    # Over a long period a PPLNS miner bears the pool's luck times p: its
    # variance is about p times a solo miner's (Rosenfeld 2011).
    solo = pools.payout("solo", 1_000, D, days=365)
    pool = pools.payout("pplns", 1_000, D, days=365, pool_hashrate=1e8)
    assert_allclose(pool.std**2 / solo.std**2, 1_000 / 1e8, rtol=0.001)
    # TIDES is PPLNS with a window of eight blocks' worth of shares.
    tides = pools.payout("tides", 1_000, D, days=1, pool_hashrate=1e8)
    eight = pools.payout("pplns", 1_000, D, days=1, pool_hashrate=1e8, window=8.0)
    assert (tides.mean, tides.std) == (eight.mean, eight.std)
    assert tides.std < pools.payout("pplns", 1_000, D, days=1, pool_hashrate=1e8).std


def test_series_in_series_out():
    hashrate = pd.Series([100.0, 1_000.0], index=["small", "large"])
    assert isinstance(pools.blocks_per_day(hashrate, D), pd.Series)
    result = pools.payout("solo", hashrate, D)
    assert isinstance(result.mean, pd.Series) and list(result.mean.index) == ["small", "large"]
    pplns = pools.payout("pplns", hashrate, D, pool_hashrate=1e8)
    assert isinstance(pplns.std, pd.Series)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scheme": "prop"}, "scheme must be one of"),
        ({"scheme": "pplns"}, "pool_hashrate is required for pplns"),
        ({"scheme": "pplns", "pool_hashrate": 10.0}, "pool_hashrate must include the miner's"),
        ({"scheme": "tides", "pool_hashrate": 1e6, "window": 0.0}, "window must be in"),
        ({"pool_fee": 1.0}, "pool_fee must be in"),
        ({"days": 0.0}, "days must be in"),
        ({"hashrate": -1.0}, "hashrate must be in"),
        ({"difficulty": 0.0}, "difficulty must be in"),
    ],
)
def test_bad_input(kwargs, message):
    arguments = {"scheme": "solo", "hashrate": 100.0, "difficulty": D}
    with pytest.raises(ValueError, match=message):
        pools.payout(**(arguments | kwargs))
