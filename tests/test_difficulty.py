"""The retarget simulator and the hashrate models."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from minerecon import WeakFitWarning, difficulty, network
from minerecon.difficulty import ConstantGrowth, EconomicHashrate, simulate_network
from minerecon.network import NetworkState

D0 = 150e12
# A state whose height is the first block of an epoch (931,392 = 462 * 2016), no fees.
STATE = NetworkState("2026-01-01", 931_392, D0, 90_000, 0.0)
IMPLIED = network.hashrate_from_difficulty(D0)  # D * 2**32 / 600 / 1e12 TH/s


def test_implied_hashrate_mines_144_blocks_a_day_until_the_first_retarget():
    net = simulate_network(14, start=STATE)
    # Blocks every 600 s: 86,400 / 600 = 144 a day, exactly.
    assert_allclose(net.blocks.values, 144.0, rtol=1e-12)
    assert_allclose(net.difficulty.values, D0, rtol=0)
    # One TH/s earns 86,400e12 * 3.125 / (D * 2**32) BTC a day (network.btc_per_th_day).
    assert_allclose(net.reward_per_th.values, network.btc_per_th_day(D0), rtol=1e-12)


def test_first_retarget_follows_the_2015_interval_rule():
    # The epoch's 2016 blocks take 2016 * 600 s; consensus measures first to last block,
    # 2015 * 600 s, so the next difficulty is D * 1,209,600 / (2015 * 600) = D * 2016 / 2015.
    # The 2016th block comes at exactly 14 days: day 14 may open on either side of it.
    net = simulate_network(20, start=STATE)
    after = net.difficulty.isel(path=0).values
    assert_allclose(after[:14], D0, rtol=0)
    assert_allclose(after[15:], D0 * 2016 / 2015, rtol=1e-12)


def test_fixed_point_hashrate_keeps_difficulty_constant():
    # Blocks every 1,209,600 / 2015 s make the measured timespan exactly two weeks.
    hashrate = IMPLIED * 600 / (1_209_600 / 2015)
    net = simulate_network(120, start=STATE, hashrate=np.full(120, hashrate))
    assert_allclose(net.difficulty.values, D0, rtol=1e-12)
    # 86,400 * 2015 / 1,209,600 = 143.93 blocks a day, not 144.
    assert_allclose(net.blocks.values, 86_400 * 2015 / 1_209_600, rtol=1e-12)


@pytest.mark.parametrize(
    ("factor", "expected"), [(2.0, 2.0), (0.5, 0.5), (10.0, 4.0), (0.1, 0.25)]
)
def test_step_in_hashrate_moves_difficulty_by_the_consensus_rule(factor, expected):
    # Hashrate x factor from day 0: the epoch (1 block at the start + 2015 counted) takes
    # 2016 * 600 / factor seconds; the 2015 counted intervals take 2015 * 600 / factor,
    # so D' = D * 1,209,600 / clamp(2015 * 600 / factor, 302,400, 4,838,400).
    measured = 2015 * 600 / factor
    clamped = min(max(measured, 1_209_600 / 4), 1_209_600 * 4)
    days = int(np.ceil(2016 * 600 / factor / 86_400)) + 2
    net = simulate_network(days, start=STATE, hashrate=np.full(days, IMPLIED * factor))
    assert_allclose(net.difficulty.isel(path=0, time=-1), D0 * 1_209_600 / clamped, rtol=1e-12)
    if expected in (4.0, 0.25):
        assert_allclose(net.difficulty.isel(path=0, time=-1), D0 * expected, rtol=1e-12)


def test_halving_falls_on_the_simulated_day():
    # From the Hashrate Index countdown of 2024-11-12 (height 870,020) at 600 s blocks, the
    # 179,980 blocks to 1,050,000 take 1,249.86 days: block 1,050,000 on 2028-04-14 20:40 UTC.
    state = NetworkState("2024-11-12", 870_020, 101.65e12, 87_235, 0.0)
    assert difficulty.halving_date(state) == pd.Timestamp("2028-04-14 20:40")
    # The same with the retarget simulator: hashrate fixed at the level that keeps
    # difficulty constant gives 600.3 s blocks, a few hours later; doubling the hashrate
    # brings the halving forward by months, because blocks come faster until retargets.
    hashrate = network.hashrate_from_difficulty(101.65e12) * 600 / (1_209_600 / 2015)
    net = simulate_network(1300, start=state, hashrate=np.full(1300, hashrate))
    crossed = int(np.argmax(net.height.values[0] >= 1_049_999)) - 1
    expected = 179_980 * 1_209_600 / 2015 / 86_400  # days, = 1250.6
    assert crossed == int(expected)
    assert net.time.values[crossed] == np.datetime64("2028-04-15")
    # The subsidy of the day's blocks halves: reward per TH/s drops by half after it.
    reward = net.reward_per_th.values[0]
    assert_allclose(reward[crossed + 1] / reward[crossed - 1], 0.5, rtol=1e-12)


def test_constant_growth_compounds_monthly():
    net = simulate_network(366, start=STATE, hashrate=ConstantGrowth(0.02))
    # ln H_t = ln H_0 + t / 30.4375 * ln(1.02): after 365.25 days, x 1.02**12.
    expected = IMPLIED * 1.02 ** (365 / 30.4375)
    assert_allclose(net.hashrate.isel(path=0, time=365), expected, rtol=1e-12)
    # Difficulty follows, one epoch behind: it rises every retarget.
    assert np.all(np.diff(np.unique(net.difficulty.values)) > 0)


def test_economic_hashrate_moves_towards_cost():
    # Hashprice far above cost: hashrate grows; far below: hashrate shrinks.
    rich = EconomicHashrate(cost_hashprice=0.01, entry_rate=2.0, exit_rate=4.0)
    poor = EconomicHashrate(cost_hashprice=0.10, entry_rate=2.0, exit_rate=4.0)
    grow = simulate_network(200, start=STATE, hashrate=rich)
    shrink = simulate_network(200, start=STATE, hashrate=poor)
    assert grow.hashrate.values[0, -1] > IMPLIED * 1.5
    assert shrink.hashrate.values[0, -1] < IMPLIED / 1.5
    # Equilibrium: with cost equal to today's hashprice nothing moves on day 1.
    hashprice = network.hashprice(90_000, D0)
    steady = EconomicHashrate(cost_hashprice=hashprice, entry_rate=2.0, exit_rate=4.0)
    net = simulate_network(5, start=STATE, hashrate=steady)
    assert_allclose(net.hashrate.values[0, 1], IMPLIED, rtol=1e-9)


def test_noise_is_reproducible_and_chunk_invariant():
    model = ConstantGrowth(0.01, volatility=0.3)
    a = simulate_network(100, start=STATE, hashrate=model, n_paths=250, seed=7)
    b = simulate_network(100, start=STATE, hashrate=model, n_paths=250, seed=7)
    c = simulate_network(100, start=STATE, hashrate=model, n_paths=250, seed=8)
    assert a.identical(b)
    assert not np.array_equal(a.hashrate.values, c.hashrate.values)
    # Log hashrate changes every 7 days by sigma * sqrt(7 / 365) * z.
    steps = np.diff(np.log(a.hashrate.values[:, ::7]), axis=1) - 7 * np.log(1.01) / 30.4375
    assert_allclose(steps.std(), 0.3 * np.sqrt(7 / 365), rtol=0.05)


def test_fit_constant_growth_recovers_synthetic_growth():
    days = pd.date_range("2020-01-01", periods=800, freq="D")
    series = pd.Series(1e8 * 1.03 ** (np.arange(800) / 30.4375), index=days)
    fitted = ConstantGrowth.fit(series, start="2020-01-01", end="2022-03-10")
    assert_allclose(fitted.monthly_growth, 0.03, rtol=1e-9)
    assert fitted.calibration.start == pd.Timestamp("2020-01-01")
    assert fitted.calibration.n_observations == 800


def test_fit_on_history_is_sane():
    growth = ConstantGrowth.fit()
    # Implied hashrate rose from ~620 EH/s (Aug 2024) to ~910 EH/s (Aug 2026): ~1.6 %/month.
    assert 0.0 < growth.monthly_growth < 0.05
    economic = EconomicHashrate.fit()
    assert economic.calibration.start == pd.Timestamp("2024-04-20")
    assert economic.entry_rate >= 0 and economic.exit_rate >= 0
    # Cost of the marginal machine between 10 and 100 USD/PH/day.
    assert 0.01 < economic.cost_hashprice < 0.1


def test_a_weak_economic_fit_warns_and_records_its_statistics():
    # Since the 2024 halving hashprice explains 3 % of the 60 two-week changes
    # of log hashrate; an F-test against constant growth cannot tell them apart.
    with pytest.warns(WeakFitWarning, match=r"R\^2 = 0\.03 of the 60 two-week .* p = 0\.45"):
        weak = EconomicHashrate.fit()
    assert "R^2 0.03; F-test against constant growth p = 0.45" in weak.calibration.method
    # 2014-2026: 329 changes, R^2 0.22, p ~ 1e-18: the response is there, no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error", WeakFitWarning)
        strong = EconomicHashrate.fit(start="2014-01-01")
    assert "R^2 0.22; F-test against constant growth p = 1.3e-18" in strong.calibration.method


def test_f_test_against_constant_growth_by_hand():
    # growth 1..5: squares about the mean SS0 = 10; residual squares SS1 = 2
    # with k = 3 parameters: F = ((10 - 2) / 2) / (2 / 2) = 4 on (2, 2) degrees
    # of freedom, whose survival function is 1 / (1 + F) = 0.2; R^2 = 0.8.
    growth = np.arange(1.0, 6.0)
    residuals = np.array([1.0, -1.0, 0.0, 0.0, 0.0])
    r_squared, p_value = difficulty._against_constant_growth(residuals, growth, 3)
    assert r_squared == pytest.approx(0.8, rel=1e-12)
    assert p_value == pytest.approx(0.2, rel=1e-12)
    # no variation to explain, or no residual at all
    assert np.isnan(difficulty._against_constant_growth(residuals, np.ones(5), 3)).all()
    assert difficulty._against_constant_growth(np.zeros(5), growth, 3) == (1.0, 0.0)


def test_bad_input():
    with pytest.raises(ValueError, match="monthly_growth"):
        ConstantGrowth(-1.5)
    with pytest.raises(ValueError, match="step_days"):
        ConstantGrowth(0.0, step_days=0)
    with pytest.raises(ValueError, match="cost_hashprice"):
        EconomicHashrate(0.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="n_days"):
        simulate_network(0, start=STATE)
    with pytest.raises(ValueError, match="hashrate"):
        simulate_network(5, start=STATE, hashrate=np.zeros(5))


@pytest.mark.parametrize("bad", ["NaT", "", -1, "not a date"])
def test_fits_refuse_what_is_not_a_date(bad):
    # NaT crashed with AttributeError and -1 with TypeError from pandas slicing;
    # datasets.parse_day now refuses them, naming the argument.
    for model in (ConstantGrowth, EconomicHashrate):
        with pytest.raises(ValueError, match=r"^start must be a date"):
            model.fit(start=bad, end="2025-01-01")
        with pytest.raises(ValueError, match=r"^end must be a date"):
            model.fit(start="2023-01-01", end=bad)


# --------------------------------------------------------------------------
# Reliability: what the fuzz suite (tests/api_specs/models.py) found
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (ConstantGrowth, "monthly_growth", np.inf),  # accepted: infinite hashrate paths
        (ConstantGrowth, "monthly_growth", [0.1, 0.2]),  # accepted: TypeError in simulate
        (ConstantGrowth, "step_days", 2**70),  # accepted: overflow in the kernel
        (EconomicHashrate, "lag_days", np.inf),  # accepted
        (EconomicHashrate, "calibration", "2024"),  # accepted: broke Calibrated.table
    ],
)
def test_model_fields_must_be_finite_scalars(model, field, value):
    base = (
        {"monthly_growth": 0.01}
        if model is ConstantGrowth
        else {"cost_hashprice": 0.03, "entry_rate": 1.0, "exit_rate": 1.0}
    )
    with pytest.raises(ValueError, match=rf"^{field} must"):
        model(**{**base, field: value})


def test_model_fields_are_stored_as_floats():
    # A numpy scalar or an int was stored as given; the fields document floats.
    model = ConstantGrowth(np.float16(0.5), volatility=1, step_days=np.int64(7))
    assert type(model.monthly_growth) is float and type(model.volatility) is float
    assert type(model.step_days) is int


def test_fits_refuse_data_that_is_not_a_dated_series_or_frame():
    # A list raised AttributeError, a dict AttributeError, a frame without the
    # columns KeyError, negative hashrate a NaN growth named after the output.
    with pytest.raises(ValueError, match=r"^hashrate must be a pandas Series"):
        ConstantGrowth.fit([1.0, 2.0])
    negative = pd.Series(-1.0, index=pd.date_range("2024-01-01", periods=90))
    with pytest.raises(ValueError, match=r"^hashrate must be in \(0, inf\]"):
        ConstantGrowth.fit(negative)
    with pytest.raises(ValueError, match=r"^history must be a pandas DataFrame"):
        EconomicHashrate.fit({"price_usd": [1.0]})
    partial = pd.DataFrame({"price_usd": [1.0]}, index=pd.date_range("2024-01-01", periods=1))
    with pytest.raises(ValueError, match=r"^history must have the columns"):
        EconomicHashrate.fit(partial)


@pytest.mark.parametrize(("field", "value"), [("lag_days", 0.0), ("cost_decline", np.nan)])
def test_economic_fit_checks_its_settings_first(field, value):
    # lag_days=0 raised ZeroDivisionError, a NaN cost_decline scipy's "Residuals
    # are not finite in the initial point".
    with pytest.raises(ValueError, match=rf"^{field} must"):
        EconomicHashrate.fit(**{field: value})


@pytest.mark.parametrize("bad", ["abc", -1, "1990-01-01"])
def test_implied_hashrate_history_reads_dates_within_the_history(bad):
    # "abc" and -1 raised TypeError from pandas slicing; 1990 silently clipped.
    with pytest.raises(ValueError, match=r"^start must be a date between 2014-01-01"):
        difficulty.implied_hashrate_history(bad)


def test_network_state_arguments_must_be_network_states():
    # Each raised AttributeError on a missing .height or .btc_price.
    for call in (
        lambda: difficulty.halving_date("2024-01-01"),
        lambda: difficulty.start_chain("2024-01-01"),
        lambda: simulate_network(3, start="2024-01-01"),
    ):
        with pytest.raises(
            ValueError, match=r"(start|state) must be a minerecon.network.NetworkState"
        ):
            call()


def test_halving_date_names_a_block_interval_beyond_pandas_dates():
    # 1e300 s per block raised OutOfBoundsTimedelta; an array raised TypeError.
    with pytest.raises(ValueError, match=r"^block_interval must be below"):
        difficulty.halving_date(STATE, block_interval=1e300)
    with pytest.raises(ValueError, match=r"^block_interval must be a real number"):
        difficulty.halving_date(STATE, block_interval=np.array([1.0, 2.0]))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"hashrate": "x"}, "hashrate"),  # AttributeError
        ({"n_paths": 0}, "n_paths"),  # an empty dataset
        ({"n_paths": 2, "btc_price": np.ones((3, 3))}, "btc_price"),  # numpy broadcast error
        ({"fee_is_share": np.array([1.0, 2.0])}, "fee_is_share"),  # truth value ambiguous
        ({"seed": -1}, "seed"),  # ignored without noise
        ({"epoch_elapsed": np.inf}, "epoch_elapsed"),  # accepted
        ({"epoch_elapsed": -1.0}, "epoch_elapsed"),  # accepted
        ({"btc_price": np.inf}, "btc_price"),  # accepted
        ({"n_days": True}, "n_days"),  # TypeError from numba
        ({"n_days": 10**6}, "n_days"),  # dates beyond pandas.Timestamp.max
        ({"n_days": 10**400}, "n_days"),
    ],
)
def test_simulate_network_refuses_bad_arguments_naming_them(kwargs, field):
    kwargs = {"n_days": 3, **kwargs}
    with pytest.raises(ValueError, match=rf"^{field} must"):
        simulate_network(start=STATE, **kwargs)


def test_simulate_network_refuses_paths_beyond_the_memory_of_the_machine():
    # np.empty raised MemoryError for the outputs.
    with pytest.raises(ValueError, match=r"^n_paths x n_days = .* more than this machine's"):
        simulate_network(3, start=STATE, n_paths=10**13)


def test_a_timedelta_is_not_a_step():
    # numpy counts timedelta64 as an integer: it passed and int() then raised TypeError.
    with pytest.raises(ValueError, match=r"^step_days must be an integer"):
        ConstantGrowth(0.01, step_days=np.timedelta64(1, "D"))


def test_fitted_cost_is_stated_on_the_window_end_and_moved_to_the_start():
    # The fit's own parameter is the cost on the window's first day. With a 20 %/year
    # decline over 2024-04-20..2026-08-16 (848 days, 2.32 years) that cost is
    # exp(0.2 * 848 / 365) = 1.59 times the cost on the last day: using it at a
    # start on the last day overstated the cost by 59 %.
    model = EconomicHashrate.fit(cost_decline=0.2)
    end = model.calibration.end
    assert model.cost_on(end) == model.cost_hashprice
    assert model.cost_on("2024-04-20") == pytest.approx(
        model.cost_hashprice * np.exp(0.2 * 848 / 365), rel=1e-12
    )
    # a year after the window the cost is down by exp(-0.2)
    later = end + pd.Timedelta(days=365)
    assert model.cost_on(later) == pytest.approx(model.cost_hashprice * np.exp(-0.2), rel=1e-12)
    # the engine uses the cost on the simulation's start: same paths as a hand-built
    # model (no calibration) stating that cost
    start = NetworkState.from_history("2025-06-01")
    by_hand = EconomicHashrate(
        cost_hashprice=model.cost_on(start.date),
        entry_rate=model.entry_rate,
        exit_rate=model.exit_rate,
        cost_decline=0.2,
        lag_days=model.lag_days,
    )
    fitted = simulate_network(200, start=start, hashrate=dataclasses.replace(model, volatility=0))
    manual = simulate_network(200, start=start, hashrate=by_hand)
    assert_allclose(fitted.difficulty.values, manual.difficulty.values, rtol=1e-12)
