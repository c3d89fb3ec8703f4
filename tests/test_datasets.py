"""Tests of minerecon.datasets: the bundled history, epochs and ASIC catalogue.

Expected values come from the bundled READMEs (``minerecon/data/
history_README.md``, ``miners_README.md``), from protocol rules, or from
the block timestamps cited next to them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from minerecon import datasets

FIRST_DAY = pd.Timestamp("2014-01-01")  # history_README.md: range 2014-01-01 -> 2026-08-16
LAST_DAY = pd.Timestamp("2026-08-16")


@pytest.fixture(autouse=True, scope="module")
def bundled_only(tmp_path_factory):
    """An empty data cache: these tests are about the bundled history alone."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(datasets.CACHE_ENV, str(tmp_path_factory.mktemp("empty-cache")))
        yield


# --------------------------------------------------------------------------
# Daily history
# --------------------------------------------------------------------------


def test_history_index_is_daily_without_gaps():
    history = datasets.load_history()
    expected = pd.date_range(FIRST_DAY, LAST_DAY, freq="D")
    # history_README.md: 4,611 rows, one per UTC day, no missing days.
    assert len(expected) == 4_611
    assert history.index.equals(expected)
    assert history.index.is_unique
    assert history.index.is_monotonic_increasing
    assert history.index.name == "date"
    assert datasets.HISTORY_AS_OF == "2026-08-16"


def test_history_columns_and_values():
    history = datasets.load_history()
    assert list(history.columns) == ["price_usd", "difficulty", "fees_btc_per_block"]
    # history_README.md sanity checks: no empty cells and every value > 0.
    assert not history.isna().any().any()
    assert (history > 0).all().all()


def test_history_known_points():
    history = datasets.load_history()
    # history_README.md sanity checks (exact per-epoch difficulty, 2 dp).
    assert history.loc["2025-11-13", "difficulty"] == 152_271_405_447_597.38
    assert history.loc["2025-11-28", "difficulty"] == 149_301_205_959_699.91
    assert history.loc["2024-04-20", "difficulty"] == 86_388_558_925_171.02
    # history_README.md known price point: 2024-04-20 63,863 USD.
    assert_allclose(history.loc["2024-04-20", "price_usd"], 63_863, rtol=1e-12)
    # history_README.md: series maximum 124,750 on 2025-10-07.
    assert history["price_usd"].idxmax() == pd.Timestamp("2025-10-07")
    assert_allclose(history["price_usd"].max(), 124_750, rtol=1e-12)
    # history_README.md: maximum fees 9.65 BTC per block on 2017-12-22.
    assert history["fees_btc_per_block"].idxmax() == pd.Timestamp("2017-12-22")
    assert_allclose(history["fees_btc_per_block"].max(), 9.65, rtol=5e-3)


def test_history_says_it_is_the_bundled_one():
    history = datasets.load_history()
    assert history.attrs["source"] == (
        "bundled history 2014-01-01 to 2026-08-16 (minerecon/data/btc_daily.csv)"
    )
    status = datasets.history_status()
    assert status["cached_days"] == 0 and status["last"] == LAST_DAY
    assert [(part["first"], part["last"]) for part in status["parts"]] == [(FIRST_DAY, LAST_DAY)]
    assert status["cache_file"].name == "btc_daily.csv"


def test_history_returns_a_copy():
    first = datasets.load_history()
    original = first.loc["2025-11-20", "price_usd"]
    first.loc["2025-11-20", "price_usd"] = -1.0
    del first["difficulty"]
    second = datasets.load_history()
    assert second.loc["2025-11-20", "price_usd"] == original
    assert "difficulty" in second.columns


# --------------------------------------------------------------------------
# Difficulty epochs
# --------------------------------------------------------------------------


def test_epochs_shape_and_heights():
    epochs = datasets.load_difficulty_epochs()
    # history_README.md: 341 epochs (137 .. 477) touch 2014-01-01 .. 2026-08-16.
    assert len(epochs) == 341
    assert epochs.index[0] == 137
    assert epochs.index[-1] == 477
    # Protocol: an epoch is 2016 blocks, so start_height == epoch * 2016.
    np.testing.assert_array_equal(epochs["start_height"].to_numpy(), epochs.index * 2016)
    assert (np.diff(epochs.index) == 1).all()
    assert (epochs["difficulty"] > 0).all()


def test_epoch_of_the_2024_halving():
    epochs = datasets.load_difficulty_epochs()
    # Block 840,000 lies in epoch 840,000 // 2016 = 416 (starts at 838,656;
    # epoch 417 starts at 840,672).
    epoch = 840_000 // 2016
    assert epoch == 416
    assert epochs.loc[416, "start_height"] <= 840_000 < epochs.loc[417, "start_height"]
    # history_README.md: difficulty at height 840,000 is 86,388,558,925,171.02.
    assert epochs.loc[epoch, "difficulty"] == 86_388_558_925_171.02
    # history_README.md: the difficulty at height 630,000 (2020 halving).
    assert epochs.loc[630_000 // 2016, "difficulty"] == 16_104_807_485_529.38


def test_epochs_match_daily_difficulty():
    history = datasets.load_history()
    epochs = datasets.load_difficulty_epochs()
    for epoch, row in epochs.iterrows():
        first = row["first_date_in_force_0000utc"]
        last = row["last_date_in_dataset"]
        # The daily column carries the epoch's difficulty on its first day in
        # force, and on every day up to the last one listed.
        assert history.loc[first, "difficulty"] == row["difficulty"], epoch
        assert (history.loc[first:last, "difficulty"] == row["difficulty"]).all(), epoch
    # history_README.md: the daily column has 341 runs, one per epoch.
    runs = (history["difficulty"].diff() != 0).sum()
    assert runs == len(epochs)


def test_epochs_returns_a_copy():
    first = datasets.load_difficulty_epochs()
    first.loc[416, "difficulty"] = 1.0
    assert datasets.load_difficulty_epochs().loc[416, "difficulty"] == 86_388_558_925_171.02


# --------------------------------------------------------------------------
# Height estimates
# --------------------------------------------------------------------------


def test_estimate_height_2024_halving():
    # Block 840,000 (the halving) was mined at 00:09 UTC on 2024-04-20, so it
    # is the first block after 00:00 that day. Documented accuracy: about one
    # day of blocks (~150).
    got = datasets.estimate_height("2024-04-20")
    assert isinstance(got, int)
    assert abs(got - 840_000) <= 150


def test_estimate_height_around_retarget_459():
    # Block 925,344 (first of epoch 459) was mined at 01:16 UTC on
    # 2025-11-27: the first block after 00:00 on 2025-11-27 is below it (and
    # within ~10 blocks of it), the first block after 00:00 on 2025-11-28 is
    # above it.
    before = datasets.estimate_height("2025-11-27")
    after = datasets.estimate_height("2025-11-28")
    assert before < 925_344
    assert abs(before - 925_344) <= 150
    assert after >= 925_344
    # About one day of blocks apart (144 at 600 s).
    assert abs((after - before) - 144) <= 50


def test_estimate_height_array_and_monotone():
    history = datasets.load_history()
    heights = datasets.estimate_height(history.index)
    assert isinstance(heights, np.ndarray)
    assert heights.dtype.kind == "i"
    assert len(heights) == len(history)
    # Heights never fall from one day to the next.
    assert (np.diff(heights) >= 0).all()
    # 2014-01-01 .. 2026-08-16 averages close to 144 blocks a day (the
    # network ran slightly fast while hashrate grew).
    per_day = (heights[-1] - heights[0]) / (len(heights) - 1)
    assert 140 <= per_day <= 160
    # The array path agrees with the scalar path.
    assert heights[history.index.get_loc(pd.Timestamp("2024-04-20"))] == (
        datasets.estimate_height("2024-04-20")
    )


@pytest.mark.parametrize("date", ["2013-12-31", "2026-08-17"])
def test_estimate_height_outside_history_raises(date):
    with pytest.raises(ValueError, match="date"):
        datasets.estimate_height(date)


def test_estimate_height_refuses_nat_and_unparseable_dates():
    # "NaT" passed the range check (comparisons with NaT are False) and gave a
    # garbage height; the valid range is the history (history_README.md).
    valid = r"between 2014-01-01 and 2026-08-16 \(the bundled history\)"
    for bad in ("NaT", "", "not a date", -1):
        with pytest.raises(ValueError, match=rf"^date must be a date {valid}"):
            datasets.estimate_height(bad)
    for bad in (np.array(["2024-04-20", "NaT"], dtype="datetime64[D]"), ["2024-04-20", "nope"]):
        with pytest.raises(ValueError, match=rf"^date must hold dates {valid}"):
            datasets.estimate_height(bad)


# --------------------------------------------------------------------------
# The date parser behind every start, end and date argument
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-04-20", "2024-04-20"),
        ("2024-04-20 23:59:59", "2024-04-20"),
        (pd.Timestamp("2024-04-20 08:00"), "2024-04-20"),
        (pd.Timestamp("2024-04-20 08:00", tz="UTC"), "2024-04-20"),
        # 20:00 in New York (UTC-4 in April) is 00:00 UTC the next day, shown in Tokyo time
        (
            pd.Timestamp("2024-04-20 20:00", tz="America/New_York").tz_convert("Asia/Tokyo"),
            "2024-04-21",
        ),
        (np.datetime64("2024-04-20"), "2024-04-20"),
        (dt.date(2024, 4, 20), "2024-04-20"),
        (dt.datetime(2024, 4, 20, 12), "2024-04-20"),
    ],
)
def test_parse_day_reads_date_likes_as_the_utc_day(value, expected):
    day = datasets.parse_day("start", value)
    assert day == pd.Timestamp(expected)
    assert day.tzinfo is None


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        " ",
        "NaT",
        pd.NaT,
        np.datetime64("NaT"),
        -1,
        0,
        1.5,
        20240420,
        True,
        np.True_,
        np.int64(5),
        np.timedelta64(1, "D"),
        "tomorrow",
        "2024-13-01",
        object(),
    ],
)
def test_parse_day_refuses_what_is_not_a_date(value):
    # pandas reads -1 as a nanosecond before 1970 and "" or "NaT" as NaT.
    with pytest.raises(ValueError, match=r"^when must be a date, given as a string"):
        datasets.parse_day("when", value)


def test_history_day_names_the_argument_the_value_and_the_range():
    valid = r"between 2014-01-01 and 2026-08-16 \(the bundled history\)"
    assert datasets.history_day("start", "2014-01-01") == FIRST_DAY
    assert datasets.history_day("end", "2026-08-16 18:00") == LAST_DAY
    with pytest.raises(ValueError, match=rf"^start must be a date {valid}, got 2013-12-31$"):
        datasets.history_day("start", "2013-12-31")
    with pytest.raises(ValueError, match=rf"^end must be a date {valid}.*got 'NaT'$"):
        datasets.history_day("end", "NaT")


# --------------------------------------------------------------------------
# ASIC catalogue
# --------------------------------------------------------------------------

REQUIRED_MINERS = [
    "Antminer S19j Pro",
    "Antminer S19 XP",
    "Antminer S21",
    "Antminer S21 Pro",
    "Antminer S21 XP",
    "Antminer S21+ Hydro",
    "Whatsminer M30S+",
    "Whatsminer M50S++",
    "Whatsminer M60S",
    "Whatsminer M66S",
]


def test_miners_catalogue_contents():
    miners = datasets.load_miners()
    # miners_README.md: 17 rows; the design asks for at least 12.
    assert len(miners) >= 12
    assert miners.index.name == "name"
    assert miners.index.is_unique
    missing = sorted(set(REQUIRED_MINERS) - set(miners.index))
    assert not missing
    for column in [
        "manufacturer",
        "hashrate_th",
        "power_w",
        "efficiency_j_per_th",
        "cooling",
        "release_year",
        "source",
        "as_of",
    ]:
        assert column in miners.columns


def test_miners_have_source_and_date():
    miners = datasets.load_miners()
    assert miners["source"].notna().all()
    assert (miners["source"].str.strip().str.len() > 0).all()
    as_of = pd.to_datetime(miners["as_of"], format="%Y-%m-%d")
    assert as_of.notna().all()


def test_miners_efficiency_matches_power_over_hashrate():
    miners = datasets.load_miners()
    assert (miners["hashrate_th"] > 0).all()
    assert (miners["power_w"] > 0).all()
    # miners_README.md: stated J/TH agrees with power_w / hashrate_th within 3 %.
    assert_allclose(
        miners["efficiency_j_per_th"], miners["power_w"] / miners["hashrate_th"], rtol=0.03
    )


def test_miners_known_row():
    miners = datasets.load_miners()
    # miners.csv row for the Antminer S21: 200 TH/s, 3500 W, 17.5 J/TH
    # (Bitmain spec quoted by hackernoon/BTCWire 2024-03-11).
    row = miners.loc["Antminer S21"]
    assert_allclose([row["hashrate_th"], row["power_w"]], [200, 3500], rtol=0)


def test_miners_returns_a_copy():
    first = datasets.load_miners()
    first.loc["Antminer S21", "power_w"] = 1.0
    assert datasets.load_miners().loc["Antminer S21", "power_w"] == 3500


# --------------------------------------------------------------------------
# data_path
# --------------------------------------------------------------------------


def test_data_path_existing_files():
    for name in ["btc_daily.csv", "btc_difficulty_epochs.csv", "miners.csv", "history_README.md"]:
        assert datasets.data_path(name).is_file()
    assert datasets.data_path().is_dir()


def test_data_path_unknown_file_raises():
    # A ValueError naming the argument and listing the files (issue 10: every bad
    # argument is a ValueError or TypeError; it was a FileNotFoundError).
    with pytest.raises(ValueError, match=r"name must be .*miners\.csv.*'no_such_file\.csv'"):
        datasets.data_path("no_such_file.csv")


@pytest.mark.parametrize("name", ["../config.py", "/etc/passwd", "../data/miners.csv", "."])
def test_data_path_stays_in_the_data_folder(name):
    # "../config.py" gave minerecon/config.py and "/etc/passwd" itself: Path / "/x" is "/x".
    with pytest.raises(ValueError, match="name must be a bundled data file"):
        datasets.data_path(name)


@pytest.mark.parametrize("name", [None, 5, b"miners.csv"])
def test_data_path_wants_a_string(name):
    # Path / None raised "unsupported operand type(s)", naming no argument.
    with pytest.raises(TypeError, match="name must be a string"):
        datasets.data_path(name)


# --------------------------------------------------------------------------
# parse_day's bounds and flags, Calibration (issue 10)
# --------------------------------------------------------------------------


def test_parse_day_reads_its_bounds_like_the_value():
    # Bounds given as strings raised AttributeError ('str' object has no attribute
    # 'date'); a zoned bound could not be compared with the naive day (TypeError).
    assert datasets.parse_day("start", "2024-04-20", first="2024-01-01") == pd.Timestamp(
        "2024-04-20"
    )
    with pytest.raises(ValueError, match=r"start must be a date from 2024-05-01"):
        datasets.parse_day("start", "2024-04-20", first="2024-05-01")
    with pytest.raises(ValueError, match=r"start must be a date up to 2024-04-19"):
        datasets.parse_day("start", "2024-04-20", last=pd.Timestamp("2024-04-19", tz="UTC"))
    with pytest.raises(ValueError, match="first must be a date"):
        datasets.parse_day("start", "2024-04-20", first="soon")
    with pytest.raises(ValueError, match="first must not be after last"):
        datasets.parse_day("start", "2024-04-20", first="2025-01-01", last="2024-01-01")


@pytest.mark.parametrize("flag", ["yes", None, np.array([True, False])])
def test_parse_day_normalize_is_a_boolean(flag):
    # An array raised numpy's "truth value of an array is ambiguous", naming nothing.
    with pytest.raises(TypeError, match="normalize must be True or False"):
        datasets.parse_day("start", "2024-04-20", normalize=flag)


def test_parse_day_shortens_a_long_value_in_its_message():
    with pytest.raises(ValueError, match="start must be a date") as raised:
        datasets.parse_day("start", "x" * 100_000)
    assert len(str(raised.value)) < 300


def test_estimate_height_reads_zoned_arrays_as_utc_days():
    # An array of zoned times raised "Cannot compare tz-naive and tz-aware timestamps";
    # a single zoned time was already read as its UTC day (parse_day).
    tokyo = pd.DatetimeIndex(["2024-04-20 01:00"], tz="Asia/Tokyo")  # 2024-04-19 16:00 UTC
    assert datasets.estimate_height(tokyo)[0] == datasets.estimate_height("2024-04-19")
    assert datasets.estimate_height(tokyo[0]) == datasets.estimate_height("2024-04-19")


def test_calibration_checks_its_fields():
    # A Calibration with a string start was built, and its repr raised AttributeError.
    calibration = datasets.Calibration("s", "2024-01-01", "2024-12-31", 366, "m")
    assert calibration.start == pd.Timestamp("2024-01-01")
    assert "start='2024-01-01'" in repr(calibration)
    with pytest.raises(ValueError, match="start must be a date"):
        datasets.Calibration("s", "abc", "2024-12-31", 366, "m")
    with pytest.raises(ValueError, match="end must not be before start"):
        datasets.Calibration("s", "2024-12-31", "2024-01-01", 366, "m")
    with pytest.raises(ValueError, match="n_observations must be an integer >= 0"):
        datasets.Calibration("s", "2024-01-01", "2024-12-31", True, "m")
    with pytest.raises(TypeError, match="method must be a string"):
        datasets.Calibration("s", "2024-01-01", "2024-12-31", 3, None)


def test_hashprice_history_is_the_state_hashprice_and_its_moving_average():
    from minerecon.network import NetworkState

    spot = datasets.hashprice_history("2025-11-01", "2025-11-20")
    assert spot.attrs["units"] == "USD/TH/day" and spot.name == "hashprice"
    # Each day's value is that day's NetworkState hashprice (subsidy by height).
    for day in ("2025-11-01", "2025-11-20"):
        assert_allclose(spot[day], NetworkState.from_history(day).hashprice, rtol=1e-12)
    # Hashrate Index (Luxor), 2025-11: hashprice near 38-40 USD/PH/day at the low.
    assert 35.0 < spot["2025-11-20"] * 1000 < 41.0
    # A 7-day average is the mean of the 7 spot values ending on each day.
    week = datasets.hashprice_history("2025-11-07", "2025-11-20", average_days=7)
    assert_allclose(week["2025-11-20"], spot["2025-11-14":"2025-11-20"].mean(), rtol=1e-12)
    assert_allclose(week["2025-11-07"], spot["2025-11-01":"2025-11-07"].mean(), rtol=1e-12)
    # Across the 2024 halving (block 840,000, 2024-04-20 00:09 UTC) the
    # subsidy implied by hashprice = P * 86400e12 * (subsidy + fees) / (D * 2**32)
    # drops from 6.25 to 3.125 BTC. It follows the estimated height (within
    # about a day of blocks), so the halving day itself is left out.
    halving = datasets.hashprice_history("2024-04-17", "2024-04-23").drop(
        pd.Timestamp("2024-04-20")
    )
    days = datasets.load_history().loc[halving.index]
    implied = halving * days.difficulty * 2**32 / (days.price_usd * 86400e12)
    implied -= days.fees_btc_per_block
    assert_allclose(implied.to_numpy(), [6.25, 6.25, 6.25, 3.125, 3.125, 3.125], rtol=1e-12)
    # A window before the first day has no full average.
    first = datasets.hashprice_history(end="2014-01-03", average_days=2)
    assert np.isnan(first.iloc[0]) and np.isfinite(first.iloc[1:]).all()


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"average_days": 0}, "average_days"),
        ({"average_days": 1.5}, "average_days"),
        ({"start": "2013-12-31"}, "start"),
        ({"start": "2025-01-02", "end": "2025-01-01"}, "start must not be after end"),
    ],
)
def test_hashprice_history_refuses_bad_arguments_by_name(kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.hashprice_history(**kwargs)
