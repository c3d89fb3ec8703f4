"""Tests of minerecon.network: protocol rules, difficulty, hashprice, NetworkState.

Every expected value says where it comes from: a consensus rule (Bitcoin
Core source), a hand calculation, or a published or bundled figure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from minerecon import network

SAT = 100_000_000  # satoshi per BTC (consensus/amount.h COIN)

halving_index = st.integers(min_value=0, max_value=70)
era_offset = st.integers(min_value=0, max_value=network.HALVING_INTERVAL - 1)
difficulties = st.floats(min_value=1.0, max_value=1e18, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


# --------------------------------------------------------------------------
# Subsidy and supply
# --------------------------------------------------------------------------


@given(halving=halving_index, offset=era_offset)
def test_subsidy_sat_is_the_consensus_shift(halving, offset):
    # Consensus rule (Bitcoin Core GetBlockSubsidy): 50*COIN >> halvings,
    # and 0 once 64 halvings have passed.
    height = halving * 210_000 + offset
    expected = (50 * SAT) >> halving if halving < 64 else 0
    got = network.block_subsidy_sat(height)
    assert isinstance(got, int)
    assert got == expected


@given(halving=st.integers(min_value=0, max_value=69), offset=era_offset)
def test_subsidy_halves_every_210000_blocks(halving, offset):
    # Consensus rule: one era later the subsidy is the integer half (a right
    # shift by one), whatever the offset inside the era.
    height = halving * 210_000 + offset
    now = network.block_subsidy_sat(height)
    later = network.block_subsidy_sat(height + 210_000)
    assert later == now // 2
    if now % 2 == 0:  # no truncation: the BTC value halves exactly
        assert network.block_subsidy(height + 210_000) * 2 == network.block_subsidy(height)


@given(halving=halving_index, offset=era_offset)
def test_subsidy_is_constant_within_an_era(halving, offset):
    # Consensus rule: the subsidy depends on height // 210000 only.
    start = halving * 210_000
    assert network.block_subsidy_sat(start + offset) == network.block_subsidy_sat(start)


@pytest.mark.parametrize("halving", [64, 65, 100])
def test_subsidy_is_zero_from_64_halvings(halving):
    # Consensus rule: GetBlockSubsidy returns 0 when halvings >= 64 (a shift
    # by 64 would be undefined behaviour in C++).
    for height in (halving * 210_000, halving * 210_000 + 209_999):
        assert network.block_subsidy_sat(height) == 0
        assert network.block_subsidy(height) == 0.0


def test_subsidy_before_64_halvings_is_not_zero():
    # 5e9 >> 32 = 1 sat (5e9 < 2**33); era 33 is the first with 0 sat.
    assert network.block_subsidy_sat(32 * 210_000) == 1
    assert network.block_subsidy_sat(33 * 210_000) == 0


def test_subsidy_sat_integer_exactness():
    # Hand calculation: 50 BTC halved 10 times is 5e9 >> 10 = 4,882,812 sat,
    # truncated from 4,882,812.5, so the BTC value is not 50 / 2**10.
    height = 10 * 210_000
    assert network.block_subsidy_sat(height) == 4_882_812
    assert network.block_subsidy(height) == 0.04882812
    assert network.block_subsidy(height) != 50 / 2**10
    # Arrays come back as int64 with the same exact values.
    heights = np.array([0, 840_000, 2_100_000, 64 * 210_000])
    got = network.block_subsidy_sat(heights)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, [5_000_000_000, 312_500_000, 4_882_812, 0])


def test_subsidy_series_keeps_index():
    # Numeric contract: a Series comes back as a Series with the same index.
    heights = pd.Series([839_999, 840_000], index=["before", "after"])
    got = network.block_subsidy(heights)
    assert isinstance(got, pd.Series)
    assert list(got.index) == ["before", "after"]
    # Consensus rule: 6.25 BTC before the fourth halving, 3.125 from it.
    assert_allclose(got.to_numpy(), [6.25, 3.125], rtol=0, atol=0)


@pytest.mark.parametrize("height", [-1, 1.5])
def test_subsidy_rejects_bad_height(height):
    with pytest.raises(ValueError, match="height"):
        network.block_subsidy(height)


def test_issued_supply_first_era():
    # Hand calculation: 210,000 blocks of 50 BTC = 10,500,000 BTC exactly.
    assert network.issued_supply(210_000) == 10_500_000.0
    # Genesis alone (block 0) is 50 BTC; no blocks, no BTC.
    assert network.issued_supply(1) == 50.0
    assert network.issued_supply(0) == 0.0


@pytest.mark.parametrize(
    ("height", "expected_sat"),
    [
        # Hand calculations, era sums of 210,000 * (5e9 >> e) sat:
        (420_000, 210_000 * (5_000_000_000 + 2_500_000_000)),  # 15,750,000 BTC
        (630_000, 210_000 * (5_000_000_000 + 2_500_000_000 + 1_250_000_000)),  # 18,375,000
        (840_000, 210_000 * 9_375_000_000),  # 19,687,500 BTC at the 2024 halving
        (840_001, 210_000 * 9_375_000_000 + 312_500_000),  # plus one 3.125 BTC block
        (1_050_000, 210_000 * 9_687_500_000),  # 20,343,750 BTC at the 2028 halving
    ],
)
def test_issued_supply_at_era_boundaries(height, expected_sat):
    assert network.issued_supply(height) == expected_sat / SAT


@pytest.mark.parametrize("height", [209_999, 210_001, 420_005, 630_100, 2_100_003])
def test_issued_supply_is_cumulative_subsidy(height):
    # Definition: the sum of block_subsidy over blocks 0 .. height-1,
    # summed here block by block in satoshi.
    subsidies = network.block_subsidy_sat(np.arange(height))
    assert network.issued_supply(height) == int(subsidies.sum()) / SAT


@given(a=st.integers(0, 15_000_000), b=st.integers(0, 15_000_000))
def test_issued_supply_is_monotone(a, b):
    # Subsidies are >= 0, so supply never falls as height grows.
    low, high = sorted((a, b))
    assert network.issued_supply(low) <= network.issued_supply(high)


def test_issued_supply_array():
    got = network.issued_supply(np.array([0, 210_000, 64 * 210_000]))
    # Hand calculation (above) and the protocol total 2,099,999,997,690,000 sat.
    assert_allclose(got, [0.0, 10_500_000.0, 20_999_999.9769], rtol=1e-15)


# Consensus total (sources.md section 1): the subsidies of all 64 eras sum to
# 2,099,999,997,690,000 sat = 20,999,999.9769 BTC; every later subsidy is 0.
ALL_SUBSIDIES_SAT = 2_099_999_997_690_000


@pytest.mark.parametrize(
    "height",
    [
        33 * 210_000,  # 5e9 >> 33 = 0: the last satoshi was issued in era 32
        64 * 210_000 - 1,
        64 * 210_000,  # the boundary: 64 halvings have passed
        64 * 210_000 + 1,
        10**12,
        2**62,
        1e19,  # a float height beyond int64 (was read as INT64_MIN: half the supply)
        1e300,
    ],
)
def test_issued_supply_is_the_whole_supply_from_the_last_era_on(height):
    assert network.issued_supply(height) == ALL_SUBSIDIES_SAT / SAT


def test_issued_supply_far_beyond_in_arrays_of_any_integer_dtype():
    # Same consensus total (sources.md section 1) at and beyond 64 halvings,
    # for int64 and uint64 heights at the top of their range.
    full = ALL_SUBSIDIES_SAT / SAT
    int64 = np.array([64 * 210_000, 2**63 - 1], dtype=np.int64)
    uint64 = np.array([64 * 210_000, 2**64 - 1], dtype=np.uint64)
    assert_allclose(network.issued_supply(int64), [full, full], rtol=0)
    assert_allclose(network.issued_supply(uint64), [full, full], rtol=0)
    # and the subsidy there is 0 (GetBlockSubsidy: 0 once halvings >= 64)
    np.testing.assert_array_equal(network.block_subsidy_sat(uint64), [0, 0])


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint16, np.uint32])
def test_height_functions_compute_in_int64_whatever_the_integer_dtype(dtype):
    # Hand calculations in exact integers. 100 * 210,000 = 21,000,000 does not
    # fit int16 or uint16, and 20,000 * 210,000 = 4.2e9 does not fit int32: the
    # result must be computed in int64, not wrapped round (an int32 gave a
    # negative halving height) nor refused for an int16 operand.
    halvings = np.array([0, 5, 100], dtype=dtype)
    got = network.halving_height(halvings)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, [0, 1_050_000, 21_000_000])
    if np.iinfo(dtype).max >= 20_000:
        big = network.halving_height(np.array([20_000], dtype=dtype))
        np.testing.assert_array_equal(big, [4_200_000_000])
    heights = np.array([0, 100, 127], dtype=dtype)
    np.testing.assert_array_equal(network.next_halving_height(heights), [210_000] * 3)
    # Consensus: 50 BTC in era 0; 100 blocks of it are 5,000 BTC.
    np.testing.assert_array_equal(network.block_subsidy_sat(heights), [5_000_000_000] * 3)
    assert_allclose(network.issued_supply(heights), [0.0, 5_000.0, 6_350.0], rtol=0)


def test_height_functions_keep_the_kind_of_small_integer_series():
    # int16 Series: same index, int64 values (Hand calculation: 3 * 210,000).
    series = pd.Series(np.array([3, 4], dtype=np.int16), index=["a", "b"])
    got = network.halving_height(series)
    assert isinstance(got, pd.Series)
    assert list(got.index) == ["a", "b"]
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got.to_numpy(), [630_000, 840_000])


def test_estimate_height_date_accepts_small_integer_heights():
    # int16 height 30,000 against reference 100,000 (beyond int16) raised
    # OverflowError. Hand calculation: 70,000 blocks * 600 s = 42,000,000 s
    # = 486 d 2 h 40 min before 2011-01-01 00:00 -> 2009-09-01 21:20.
    got = network.estimate_height_date(np.array([30_000], dtype=np.int16), 100_000, "2011-01-01")
    assert got[0] == pd.Timestamp("2009-09-01 21:20")


@pytest.mark.parametrize(
    ("func", "name"),
    [
        (network.halving_height, "halving"),
        (network.next_halving_height, "height"),
        (network.block_subsidy, "height"),
        (network.block_subsidy_sat, "height"),
        (network.issued_supply, "height"),
    ],
)
@pytest.mark.parametrize("value", [np.inf, np.array([1.0, np.inf]), 10**400])
def test_heights_must_be_finite_numbers_that_fit_a_float(func, name, value):
    # A height or a halving count must be a finite whole number: inf raised
    # OverflowError from int(), and so did a Python int beyond a float.
    with pytest.raises(ValueError, match=rf"^{name} must be"):
        func(value)


def test_halving_height_refuses_numbers_whose_height_overflows_int64():
    # (2**63 - 1) // 210,000 = 43,920,819,223,117 is the last halving whose
    # height fits an int64 (hand calculation).
    top = network.MAX_HALVING_NUMBER
    assert top == (2**63 - 1) // 210_000 == 43_920_819_223_117
    assert network.halving_height(np.array([top]))[0] == top * 210_000
    with pytest.raises(ValueError, match=r"^halving must be in \[0, 43920819223117\]"):
        network.halving_height(np.array([top + 1]))


@pytest.mark.parametrize(
    ("halving", "height"),
    # Protocol: halving n starts at block n * 210,000.
    [(0, 0), (1, 210_000), (4, 840_000), (5, 1_050_000), (64, 13_440_000)],
)
def test_halving_height(halving, height):
    got = network.halving_height(halving)
    assert got == height
    assert isinstance(got, int)


@pytest.mark.parametrize(
    ("height", "expected"),
    [
        (0, 210_000),
        (209_999, 210_000),
        (210_000, 420_000),  # strictly after: a halving height maps to the next one
        (839_999, 840_000),
        (840_000, 1_050_000),
        (925_344, 1_050_000),  # docstring example, epoch 459 start
    ],
)
def test_next_halving_height(height, expected):
    got = network.next_halving_height(height)
    assert got == expected
    assert isinstance(got, int)


@given(height=st.integers(0, 20_000_000))
def test_next_halving_height_properties(height):
    nxt = network.next_halving_height(height)
    assert nxt % 210_000 == 0
    assert height < nxt <= height + 210_000
    # The subsidy changes exactly there (unless both are already 0).
    if network.block_subsidy_sat(height) > 0:
        assert network.block_subsidy_sat(nxt) < network.block_subsidy_sat(nxt - 1)


# --------------------------------------------------------------------------
# Block dates
# --------------------------------------------------------------------------


def test_estimate_height_date_hashrate_index_countdown():
    # Hashrate Index countdown snapshot (data.hashrateindex.com, 2024-11-12):
    # height 870,020 on 2024-11-12. Hand calculation at 600 s per block:
    # (1,050,000 - 870,020) * 600 s = 107,988,000 s = 1249 d 20 h 40 min
    # -> 2028-04-14 20:40 UTC. The site published 2028-04-15 (its timer ran
    # from the moment of the snapshot, not from 00:00).
    got = network.estimate_height_date(1_050_000, 870_020, "2024-11-12")
    assert isinstance(got, pd.Timestamp)
    assert got == pd.Timestamp("2028-04-14 20:40")
    published = pd.Timestamp("2028-04-15")
    assert abs(got - published) < pd.Timedelta(days=1)


def test_estimate_height_date_array_returns_datetimeindex():
    # Same reference; 1,260,000 is 210,000 blocks = 1458 d 8 h later.
    got = network.estimate_height_date(np.array([1_050_000, 1_260_000]), 870_020, "2024-11-12")
    assert isinstance(got, pd.DatetimeIndex)
    expected = pd.DatetimeIndex(["2028-04-14 20:40", "2032-04-12 04:40"])
    assert (got == expected).all()


def test_estimate_height_date_block_interval():
    # Hand calculation: 144 blocks at 300 s = 12 h; at the reference height 0 s.
    assert network.estimate_height_date(1144, 1000, "2025-01-01", block_interval=300) == (
        pd.Timestamp("2025-01-01 12:00")
    )
    assert network.estimate_height_date(1000, 1000, "2025-01-01") == pd.Timestamp("2025-01-01")
    with pytest.raises(ValueError, match="block_interval"):
        network.estimate_height_date(1144, 1000, "2025-01-01", block_interval=0)


# --------------------------------------------------------------------------
# Compact bits and difficulty
# --------------------------------------------------------------------------


@pytest.mark.parametrize("bits", [0x1D00FFFF, "0x1d00ffff", "1d00ffff"])
def test_bits_difficulty_one(bits):
    # Consensus: 0x1d00ffff is powLimit, 0xffff * 2**208 (chainparams.cpp),
    # difficulty 1 by definition.
    assert network.bits_to_target(bits) == 0xFFFF * 2**208
    assert network.bits_to_target(bits) == network.MAX_TARGET
    assert network.bits_to_difficulty(bits) == 1.0


def test_bits_modern_header():
    # bits 0x17034219 is the compact target of the epoch containing block
    # 840,000 (the 2024 halving). Hand calculation with Python integers:
    # exponent 0x17 = 23, mantissa 0x034219 = 213,529, so
    # target = 213,529 * 256**(23 - 3) = 213,529 * 2**160 and
    # D = 0xffff * 2**208 / target = 0xffff * 2**48 / 213,529.
    target = 0x034219 * 2 ** (8 * (0x17 - 3))
    assert network.bits_to_target(0x17034219) == target
    expected = float(Fraction(0xFFFF * 2**208, target))
    assert_allclose(network.bits_to_difficulty(0x17034219), expected, rtol=1e-15)
    assert_allclose(network.bits_to_difficulty("0x17034219"), expected, rtol=1e-15)
    # The bundled history README gives 86,388,558,925,171.02 for height 840,000.
    assert_allclose(expected, 86_388_558_925_171.02, rtol=1e-15)
    # Bitcoin Core GetDifficulty evaluates (0xffff / mantissa) * 256**(29 - exponent).
    assert_allclose(expected, (0xFFFF / 0x034219) * 256.0 ** (29 - 0x17), rtol=1e-15)


def test_bits_small_exponent():
    # Compact encoding with exponent <= 3 shifts the mantissa right:
    # 0x03123456 -> 0x123456, 0x02123400 -> 0x1234, 0x01120000 -> 0x12.
    assert network.bits_to_target(0x03123456) == 0x123456
    assert network.bits_to_target(0x02123400) == 0x1234
    assert network.bits_to_target(0x01120000) == 0x12


@pytest.mark.parametrize(
    "bits",
    [
        "zz",  # not hex
        "0xg1d00ffff",  # not hex
        "",  # empty string
        0,  # zero
        0x1D000000,  # zero mantissa
        0x00800000,  # sign bit set: negative target
        0x1D80FFFF,  # sign bit set with a valid-looking mantissa
        -1,  # not a 32-bit value
        2**32,  # not a 32-bit value
    ],
)
def test_bad_bits_raise(bits):
    with pytest.raises(ValueError, match="bits"):
        network.bits_to_target(bits)
    with pytest.raises(ValueError):
        network.bits_to_difficulty(bits)


@pytest.mark.parametrize("target", [0, -5, None, 1.5, True])
def test_bad_target_raises(target):
    with pytest.raises(ValueError, match="target must be a whole number > 0"):
        network.target_to_difficulty(target)


def test_bits_whose_mantissa_shifts_out_raise():
    # exponent 1 keeps only the top mantissa byte: 0x01000001 encodes 0
    with pytest.raises(ValueError, match="zero target"):
        network.bits_to_target(0x01000001)


def test_estimate_height_date_names_the_reference_date_and_the_date_range():
    with pytest.raises(ValueError, match="reference_date must be a date"):
        network.estimate_height_date(1, 0, "not a day")
    # the last halving (13,440,000) at 600 s from the genesis block is in 2264,
    # past 2262-04-11, the last day pandas represents
    with pytest.raises(ValueError, match="height 13440000 would be mined outside"):
        network.estimate_height_date(13_440_000, 0, "2009-01-03")


def test_arrays_that_do_not_broadcast_are_named():
    with pytest.raises(ValueError, match=r"difficulty \(2,\), block_interval \(3,\)"):
        network.hashrate_from_difficulty(np.array([1e12, 2e12]), np.array([600.0, 600, 600]))


@pytest.mark.parametrize("integer_type", [np.int64, np.uint32])
def test_bits_accepts_numpy_integers(integer_type):
    # A bits column read from a header table with numpy/pandas holds numpy
    # integers. Expected: the same target as the Python int (hand
    # calculation in test_bits_modern_header), not a fixed-width overflow.
    bits = integer_type(0x17034219)
    assert network.bits_to_target(bits) == 0x034219 * 2**160
    assert_allclose(network.bits_to_difficulty(bits), 86_388_558_925_171.02, rtol=1e-15)


def test_bits_overflowing_target_raises():
    # Bitcoin Core arith_uint256::SetCompact flags overflow when the target
    # does not fit 256 bits (here exponent 0xff); such bits encode no valid
    # target, and the "full 256-bit target" must not exceed 2**256.
    with pytest.raises(ValueError):
        network.bits_to_target(0xFF7FFFFF)


def test_target_to_difficulty_rejects_zero():
    with pytest.raises(ValueError, match="target"):
        network.target_to_difficulty(0)


# --------------------------------------------------------------------------
# Hashrate and retarget
# --------------------------------------------------------------------------


def test_hashrate_from_difficulty_hand_calculation():
    # Hand calculation: D = 600 / 2**32 * 1e12 means 1e12 H/s = 1 TH/s at 600 s.
    difficulty = 600 * 1e12 / 2**32
    assert_allclose(network.hashrate_from_difficulty(difficulty), 1.0, rtol=1e-15)
    # Doubling the block interval halves the hashrate that explains it.
    assert_allclose(network.hashrate_from_difficulty(difficulty, 1200), 0.5, rtol=1e-15)
    # Nov 2025: 152.27 T * 2**32 / 600 = 1.08998e9 TH/s (about 1.09 ZH/s).
    assert_allclose(
        network.hashrate_from_difficulty(152.27e12), 152.27e12 * 2**32 / 600 / 1e12, rtol=1e-15
    )


@given(difficulty=difficulties, interval=st.floats(1.0, 1e5))
def test_hashrate_difficulty_round_trip(difficulty, interval):
    # difficulty_from_hashrate is the inverse of hashrate_from_difficulty.
    hashrate = network.hashrate_from_difficulty(difficulty, interval)
    assert_allclose(network.difficulty_from_hashrate(hashrate, interval), difficulty, rtol=1e-12)


@given(hashrate=st.floats(1e-3, 1e12), factor=st.floats(0.01, 100))
def test_difficulty_is_linear_in_hashrate(hashrate, factor):
    # D = H * interval / 2**32 * 1e12 is proportional to H.
    assert_allclose(
        network.difficulty_from_hashrate(hashrate * factor),
        network.difficulty_from_hashrate(hashrate) * factor,
        rtol=1e-12,
    )


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan])
def test_hashrate_from_difficulty_rejects_bad_difficulty(bad):
    with pytest.raises(ValueError, match="difficulty"):
        network.hashrate_from_difficulty(bad)


T = network.TARGET_TIMESPAN  # 14 days = 1,209,600 s (nPowTargetTimespan)


def test_target_timespan_constant():
    # Consensus: 2016 blocks * 600 s = 1,209,600 s.
    assert T == 2016 * 600 == 1_209_600


@given(difficulty=difficulties, factor=st.floats(1.0, 1e6))
def test_next_difficulty_clamps_up_at_four(difficulty, factor):
    # Consensus (pow.cpp): actual timespan below T/4 is raised to T/4, so
    # difficulty rises by exactly x4 at most.
    got = network.next_difficulty(difficulty, T / 4 / factor)
    assert_allclose(got, 4 * difficulty, rtol=1e-15)


@given(difficulty=difficulties, factor=st.floats(1.0, 1e6))
def test_next_difficulty_clamps_down_at_four(difficulty, factor):
    # Consensus (pow.cpp): actual timespan above 4T is cut to 4T, so
    # difficulty falls by exactly /4 at most.
    got = network.next_difficulty(difficulty, 4 * T * factor)
    assert_allclose(got, difficulty / 4, rtol=1e-15)


def test_next_difficulty_clamp_edges_exact():
    # At exactly T/4 and 4T the clamp is the identity and the move is x4, /4.
    assert network.next_difficulty(100e12, T / 4) == 400e12
    assert network.next_difficulty(100e12, 4 * T) == 25e12


@given(difficulty=difficulties)
def test_next_difficulty_identity_at_target(difficulty):
    # An epoch that took exactly two weeks leaves difficulty unchanged.
    assert network.next_difficulty(difficulty, T) == difficulty


@given(difficulty=difficulties, actual=st.floats(T / 4, 4 * T))
def test_next_difficulty_inverse_proportional_in_band(difficulty, actual):
    # Inside the band D' = D * T / actual, so D' * actual = D * T.
    got = network.next_difficulty(difficulty, actual)
    assert_allclose(got * actual, difficulty * T, rtol=1e-12)


def test_next_difficulty_array_and_scalar_kind():
    got = network.next_difficulty(100e12, np.array([100_000, T, 604_800, 10_000_000]))
    # Hand calculation: x4 (clamped), x1, x2, /4 (clamped).
    assert_allclose(got, [400e12, 100e12, 200e12, 25e12], rtol=1e-15)
    assert isinstance(network.next_difficulty(100e12, T), float)


@pytest.mark.parametrize("actual", [0.0, -5.0])
def test_next_difficulty_rejects_bad_timespan(actual):
    with pytest.raises(ValueError, match="actual_timespan"):
        network.next_difficulty(100e12, actual)


# --------------------------------------------------------------------------
# Reward per hash and hashprice
# --------------------------------------------------------------------------


def test_btc_per_th_day_hand_calculation():
    # Hand calculation: 3.125 BTC * 86,400 s * 1e12 H / (100e12 * 2**32)
    # = 270,000 / 429,496,729,600 = 6.28642737865448e-07 BTC per TH/s per day.
    assert_allclose(network.btc_per_th_day(100e12), 6.28642737865448e-07, rtol=1e-14)
    # With 0.0931 BTC of fees (Hashrate Index Roundup 2024-12-23 fee level):
    # (3.125 + 0.0931) / 3.125 times the above.
    assert_allclose(
        network.btc_per_th_day(100e12, 0.0931),
        6.28642737865448e-07 * 3.2181 / 3.125,
        rtol=1e-14,
    )
    # A 6.25 BTC subsidy earns twice as much.
    assert_allclose(
        network.btc_per_th_day(100e12, 0.0, 6.25), 2 * 6.28642737865448e-07, rtol=1e-14
    )


@given(
    price=st.floats(0.0, 1e7),
    factor=st.floats(0.0, 1e3),
    difficulty=difficulties,
    fees=st.floats(0.0, 10.0),
)
def test_hashprice_linear_in_price(price, factor, difficulty, fees):
    # hashprice = price * btc_per_th_day: linear in the BTC price.
    assert_allclose(
        network.hashprice(price * factor, difficulty, fees),
        network.hashprice(price, difficulty, fees) * factor,
        rtol=1e-12,
        atol=1e-300,
    )


@given(
    subsidy=st.floats(0.0, 50.0),
    fees=st.floats(0.0, 10.0),
    factor=st.floats(0.01, 100.0),
    difficulty=difficulties,
)
def test_hashprice_linear_in_reward(subsidy, fees, factor, difficulty):
    # Only subsidy + fees matters, and linearly: scaling both scales hashprice,
    # and moving BTC between subsidy and fees changes nothing.
    base = network.hashprice(50_000, difficulty, fees, subsidy)
    assert_allclose(
        network.hashprice(50_000, difficulty, fees * factor, subsidy * factor),
        base * factor,
        rtol=1e-12,
        atol=1e-300,
    )
    assert_allclose(
        network.hashprice(50_000, difficulty, 0.0, subsidy + fees), base, rtol=1e-12, atol=1e-300
    )


@given(difficulty=difficulties, factor=st.floats(0.01, 100.0))
def test_hashprice_inverse_in_difficulty(difficulty, factor):
    # hashprice ~ 1 / D.
    assert_allclose(
        network.hashprice(50_000, difficulty * factor) * factor,
        network.hashprice(50_000, difficulty),
        rtol=1e-12,
    )


def test_hashprice_is_price_times_btc_per_th_day():
    # Definition (network.hashprice Notes).
    assert_allclose(
        network.hashprice(93_450, 108.52e12, 0.0931),
        93_450 * network.btc_per_th_day(108.52e12, 0.0931),
        rtol=1e-15,
    )


def test_fee_share_hand_calculation():
    # Hand calculation: 0.0931 / (3.125 + 0.0931) = 0.028930113...
    assert_allclose(network.fee_share(0.0931), 0.0931 / 3.2181, rtol=1e-15)
    # Equal fees and subsidy: half the reward.
    assert network.fee_share(3.125) == 0.5
    # 1.07 % of a 6.25 BTC subsidy era (Hashrate Index 2021-10-24):
    # 6.25 * 0.0107 / 0.9893 = 0.067599...
    assert_allclose(network.fees_from_share(0.0107, 6.25), 6.25 * 0.0107 / 0.9893, rtol=1e-15)


def test_fee_share_without_any_reward_is_nan():
    # Documented "no solution": 0 / (0 + 0) has no share; a ZeroDivisionError
    # before. nan, without an exception or a warning, for every kind.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = network.fee_share(0.0, 0.0)
        assert isinstance(got, float) and np.isnan(got)
        arr = network.fee_share(np.array([0.0, 1.0]), 0.0)
        series = network.fee_share(pd.Series([0.0, 1.0], index=["a", "b"]), 0)
    # 1 / (0 + 1) = 1: all the reward is fees once the subsidy is gone.
    np.testing.assert_array_equal(arr, [np.nan, 1.0])
    assert list(series.index) == ["a", "b"]
    np.testing.assert_array_equal(series.to_numpy(), [np.nan, 1.0])


@given(share=st.floats(0.0, 0.99), subsidy=st.floats(0.01, 50.0))
def test_fee_share_round_trip(share, subsidy):
    fees = network.fees_from_share(share, subsidy)
    assert_allclose(network.fee_share(fees, subsidy), share, rtol=1e-12, atol=1e-15)


@given(fees=st.floats(0.0, 100.0), subsidy=st.floats(0.01, 50.0))
def test_fees_from_share_round_trip(fees, subsidy):
    share = network.fee_share(fees, subsidy)
    assert_allclose(network.fees_from_share(share, subsidy), fees, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("share", [1.0, -0.01, 1.5])
def test_fees_from_share_rejects_bad_share(share):
    with pytest.raises(ValueError, match="share"):
        network.fees_from_share(share)


# --------------------------------------------------------------------------
# NetworkState
# --------------------------------------------------------------------------


def test_network_state_2025_11_20():
    state = network.NetworkState.from_history("2025-11-20")
    assert state.date == pd.Timestamp("2025-11-20")
    # Difficulty of epoch 458 (retarget 2025-11-12, in force until
    # 2025-11-27); the bundled history README's sanity check gives
    # 152,271,405,447,597.38 for 2025-11-13, the same epoch.
    assert_allclose(state.difficulty, 152_271_405_447_597.38, rtol=1e-15)
    # Bundled history README "known points": 2025-11-20...29 84.6-91.4k USD.
    # The README rounds to 0.1k, so the bound is 84,550 to 91,450 (the
    # 2025-11-20 value itself is 91,436).
    assert 84_550 <= state.btc_price < 91_450
    # Subsidy of the era begun at block 840,000 (consensus rule).
    assert state.subsidy == 3.125
    assert state.fees_per_block >= 0
    # Height lies in epoch 458: 923,328 <= h < 925,344 (epoch * 2016).
    assert 458 * 2016 <= state.height < 459 * 2016


def test_network_state_2024_halving_day():
    state = network.NetworkState.from_history("2024-04-20")
    # Bundled history README: difficulty at height 840,000 (2024 halving).
    assert state.difficulty == 86_388_558_925_171.02
    # Bundled history README "known points": 2024-04-20 63,863 USD.
    assert_allclose(state.btc_price, 63_863, rtol=1e-12)
    # The halving block 840,000 was mined at 00:09 UTC on 2024-04-20.
    assert state.subsidy == 3.125


def test_network_state_latest():
    state = network.NetworkState.latest()
    # Last row of the bundled history (datasets.HISTORY_AS_OF).
    assert state.date == pd.Timestamp("2026-08-16")


@pytest.mark.parametrize("date", ["2013-12-31", "2026-08-17", "2030-01-01"])
def test_network_state_outside_history_raises(date):
    with pytest.raises(ValueError, match="date"):
        network.NetworkState.from_history(date)


@pytest.mark.parametrize(
    "date", ["NaT", "", "  ", -1, 0, 20251120, None, True, "yesterday", "2025-02-30"]
)
def test_network_state_from_history_refuses_what_is_not_a_date(date):
    # "NaT" and "" crashed with AttributeError (NaT has no .normalize), -1 was
    # read as 1969-12-31 23:59:59.999999999. The message names the argument,
    # the value and the bundled history's range (2014-01-01 to 2026-08-16).
    pattern = (
        r"^date must be a date between 2014-01-01 and 2026-08-16 \(the bundled history\)"
        rf".*got {re.escape(repr(date))}$"
    )
    with pytest.raises(ValueError, match=pattern):
        network.NetworkState.from_history(date)


def test_network_state_from_history_reads_any_date_like():
    # the same day however it is written (tz-aware values are read in UTC)
    expected = network.NetworkState.from_history("2025-11-20")
    for date in (
        "2025-11-20 23:59",
        pd.Timestamp("2025-11-20"),
        np.datetime64("2025-11-20"),
        pd.Timestamp("2025-11-20 12:00", tz="UTC"),
        dt.date(2025, 11, 20),
    ):
        assert network.NetworkState.from_history(date) == expected


def test_network_state_replace():
    state = network.NetworkState.from_history("2025-11-20")
    cheaper = state.replace(btc_price=90_000.0)
    assert cheaper.btc_price == 90_000.0
    assert cheaper.difficulty == state.difficulty
    assert cheaper.fees_per_block == state.fees_per_block
    assert cheaper.height == state.height
    assert cheaper.date == state.date
    assert state.btc_price != 90_000.0  # the original is unchanged
    # Hashprice is linear in price.
    assert_allclose(cheaper.hashprice, state.hashprice * 90_000 / state.btc_price, rtol=1e-12)
    # Replaced fields are validated like constructor arguments.
    with pytest.raises(ValueError, match="btc_price"):
        state.replace(btc_price=-1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.btc_price = 1.0  # type: ignore[misc]


def test_network_state_properties_match_functions():
    state = network.NetworkState.from_history("2025-11-20")
    # Each property is the network function applied to the state's fields.
    assert_allclose(
        state.hashprice,
        network.hashprice(state.btc_price, state.difficulty, state.fees_per_block, 3.125),
        rtol=1e-15,
    )
    assert_allclose(
        state.btc_per_th_day,
        network.btc_per_th_day(state.difficulty, state.fees_per_block, 3.125),
        rtol=1e-15,
    )
    assert_allclose(state.fee_share, network.fee_share(state.fees_per_block, 3.125), rtol=1e-15)
    assert_allclose(
        state.network_hashrate, network.hashrate_from_difficulty(state.difficulty), rtol=1e-15
    )


def test_network_state_subsidy_follows_height():
    # A state before the 2024 halving earns 6.25 BTC per block (consensus).
    state = network.NetworkState(
        date="2024-04-19",
        height=839_900,
        difficulty=86.39e12,
        btc_price=63_456,
        fees_per_block=0.77,
    )
    assert state.date == pd.Timestamp("2024-04-19")
    assert state.subsidy == 6.25
    assert state.replace(height=840_000).subsidy == 3.125


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("difficulty", 0.0),
        ("btc_price", -1.0),
        ("fees_per_block", -0.1),
        ("height", -1),
        ("height", 1.5),
        ("height", np.inf),
        ("date", "NaT"),  # was kept as NaT, and -1 as 1969-12-31
        ("date", -1),
        ("date", ""),
    ],
)
def test_network_state_validates_fields(field, value):
    fields = dict(
        date="2025-01-01", height=880_000, difficulty=100e12, btc_price=90_000, fees_per_block=0.05
    )
    fields[field] = value
    with pytest.raises(ValueError, match=field):
        network.NetworkState(**fields)


@settings(max_examples=25, deadline=None)
@given(
    day=st.dates(
        min_value=pd.Timestamp("2014-01-01").date(), max_value=pd.Timestamp("2026-08-16").date()
    )
)
def test_network_state_from_any_history_day(day):
    state = network.NetworkState.from_history(day)
    assert state.date == pd.Timestamp(day)
    # Subsidy is one of the eras the history spans (25, 12.5, 6.25, 3.125 BTC).
    assert state.subsidy in {25.0, 12.5, 6.25, 3.125}
    assert state.hashprice > 0


def test_network_state_stores_the_height_as_a_python_int():
    # An int16 height would overflow in the engine's height arithmetic; the
    # state keeps a Python int (30,000 is in the 50 BTC era: consensus rule).
    state = network.NetworkState("2010-01-01", np.int16(30_000), 1e6, 0.1, 0.0)
    assert type(state.height) is int and state.height == 30_000
    assert state.subsidy == 50.0
    assert type(network.NetworkState("2026-01-01", 931_392.0, 150e12, 9e4, 0.0).height) is int


# --------------------------------------------------------------------------
# NetworkState: dates move heights, projections, averaged history
# --------------------------------------------------------------------------


def test_replace_date_moves_height_and_subsidy():
    state = network.NetworkState.from_history("2025-11-20")
    # within the history the epoch table gives the height (as from_history does)
    earlier = state.replace(date="2024-04-19")
    assert earlier.height == network.NetworkState.from_history("2024-04-19").height
    assert earlier.subsidy == 6.25  # before block 840,000 (2024-04-20)
    # past the history, 144 blocks a day from the state: 2028-06-01 is 924 days on
    later = state.replace(date="2028-06-01")
    assert later.height == state.height + 924 * 144
    assert later.subsidy == 1.5625 and later.difficulty == state.difficulty
    # an explicit height wins
    assert state.replace(date="2028-06-01", height=5).height == 5


def test_replace_refuses_unknown_fields():
    with pytest.raises(
        ValueError, match=r"changes must be fields of NetworkState.*\['hashprice'\]"
    ):
        network.NetworkState.from_history("2025-11-20").replace(hashprice=1.0)


def test_project_grows_difficulty_and_keeps_price_and_fees():
    now = network.NetworkState.from_history("2025-11-20")
    year = now.project("2026-11-20", difficulty_growth=0.3)
    assert year.difficulty == pytest.approx(now.difficulty * 1.3, rel=1e-12)
    assert (year.btc_price, year.fees_per_block) == (now.btc_price, now.fees_per_block)
    assert year.height == now.height + 365 * 144
    assert now.project("2026-11-20", btc_price=50_000).btc_price == 50_000


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"date": "2024-01-01"}, "date must be on or after 2025-11-20"),
        ({"date": "2027-01-01", "difficulty_growth": -1.0}, "difficulty_growth must be in"),
        ({"date": "2027-01-01", "btc_price": -5.0}, "btc_price must be in"),
    ],
)
def test_project_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        network.NetworkState.from_history("2025-11-20").project(**kwargs)


def test_average_days_is_the_trailing_mean_of_the_history():
    from minerecon import datasets

    window = datasets.load_history().loc["2025-11-14":"2025-11-20"]
    mean = network.NetworkState.from_history("2025-11-20", average_days=7)
    assert mean.btc_price == pytest.approx(window["price_usd"].mean(), rel=1e-12)
    assert mean.fees_per_block == pytest.approx(window["fees_btc_per_block"].mean(), rel=1e-12)
    with pytest.raises(ValueError, match="average_days must keep the window within"):
        network.NetworkState.from_history("2014-01-05", average_days=30)
    with pytest.raises(ValueError, match="average_days must be an integer >= 1"):
        network.NetworkState.from_history("2025-11-20", average_days=0)


@pytest.mark.parametrize("field", ["btc_price", "difficulty", "fees_per_block"])
def test_network_state_refuses_infinite_values(field):
    # an infinite price used to be stored and fail later, inside a simulation
    values = {"difficulty": 1e14, "btc_price": 90_000.0, "fees_per_block": 0.02, field: np.inf}
    with pytest.raises(ValueError, match=f"{field} must be finite"):
        network.NetworkState(date="2025-11-20", height=925_000, **values)
