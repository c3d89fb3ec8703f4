"""Tests of minerecon.fees: fee models, their paths, their fits.

Deterministic models are checked exactly. The stochastic model is checked
against its closed-form moments with fixed seeds; each tolerance is stated in
standard errors (se) of the estimate, so a failure means a wrong model, not
bad luck with the seed. Fits are checked on synthetic paths with known
parameters and on the bundled history.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from minerecon import _random, datasets
from minerecon.fees import (
    RUNES_DAY_FEES,
    SPIKE_THRESHOLD,
    Calibration,
    ConstantFees,
    FeePath,
    FeeShare,
    StochasticFees,
    simulate,
    to_btc_per_block,
)

H = 7 / 365  # one weekly step in years (the library's year is 365 days)


def spiky(**changes):
    """A stochastic model with visible spikes; fields overridable."""
    params = dict(
        level=0.03,
        mean_level=0.03,
        reversion=8.0,
        volatility=1.2,
        spike_rate=6.0,
        spike_mean=0.5,
    )
    params.update(changes)
    return StochasticFees(**params)


# --------------------------------------------------------------------------
# Deterministic models
# --------------------------------------------------------------------------


def test_constant_fees_paths_are_exact():
    # The model's definition: the same BTC per block on every day and path.
    paths = simulate(ConstantFees(0.0425), n_paths=250, n_days=30, seed=1)
    assert paths.shape == (250, 30)
    assert_array_equal(paths, 0.0425)
    assert ConstantFees.kind == "btc_per_block"


def test_fee_share_paths_are_the_share_and_convert_with_the_subsidy():
    model = FeeShare(0.2)
    paths = simulate(model, n_paths=3, n_days=5, seed=1)
    assert model.kind == "share"
    assert_array_equal(paths, 0.2)
    # Hand calculation: 3.125 * 0.2 / 0.8 = 0.78125 BTC; after the next
    # halving (1.5625 BTC subsidy) the same share is half as many BTC.
    subsidy = np.array([3.125, 3.125, 1.5625, 1.5625, 1.5625])
    assert_allclose(
        to_btc_per_block(paths, model.kind, subsidy),
        np.broadcast_to([0.78125, 0.78125, 0.390625, 0.390625, 0.390625], (3, 5)),
        rtol=1e-15,
    )


def test_to_btc_per_block_passes_fees_through_and_rejects_unknown_kinds():
    # Fees in BTC need no subsidy: they come back unchanged.
    assert to_btc_per_block(0.05, "btc_per_block", 3.125) == 0.05
    with pytest.raises(ValueError, match="kind"):
        to_btc_per_block(0.05, "usd", 3.125)


def test_deterministic_models_draw_nothing():
    # They fill the buffer without touching the generator.
    rng = np.random.default_rng(3)
    before = rng.bit_generator.state
    out = np.empty((4, 6))
    ConstantFees(0.1).sample(rng, out)
    FeeShare(0.1).sample(rng, out)
    assert rng.bit_generator.state == before


# --------------------------------------------------------------------------
# Stochastic model: paths
# --------------------------------------------------------------------------


def test_column_zero_is_the_starting_level_and_the_level_is_held_between_steps():
    model = spiky(level=0.0123, step_days=7)
    paths = simulate(model, n_paths=150, n_days=30, seed=7)
    # Column 0 is the starting level, bit for bit (not exp(log(level))).
    assert_array_equal(paths[:, 0], 0.0123)
    # Held, not interpolated: days 1..6 repeat day 0, days 7..13 repeat day 7, ...
    for first in range(0, 28, 7):
        block = paths[:, first : first + 7]
        assert_array_equal(block, np.broadcast_to(block[:, :1], block.shape))
    # ... and every step moves the level (continuous shocks).
    assert np.all(paths[:, 7] != paths[:, 6])
    assert np.all(paths > 0)


def test_step_days_one_moves_every_day():
    paths = simulate(spiky(step_days=1), n_paths=10, n_days=20, seed=2)
    assert np.all(np.diff(paths, axis=1) != 0)


@pytest.mark.parametrize(
    ("spike_rate", "spike_min", "variance"),
    [(0.0, 0.0, 0.09), (6.0, 0.0, 0.2775), (6.0, 0.3, 0.19875)],
    ids=["no spikes", "exponential spikes", "shifted spikes"],
)
def test_stationary_mean_and_variance_of_the_log_level(spike_rate, spike_min, variance):
    # Start ten times above the mean level: after two years the initial
    # condition has decayed by exp(-8 * 2) ~ 1e-7, so day 728 (the last step)
    # is a draw from the stationary law, independently across paths.
    model = spiky(level=0.3, spike_rate=spike_rate, spike_min=spike_min)
    x = np.log(simulate(model, n_paths=4000, n_days=729, seed=11)[:, -1])
    mu = math.log(model.mean_level)
    # Closed form (class Notes): E[X] = mu + lambda m / kappa,
    # Var[X] = (sigma^2 + lambda E[J^2]) / (2 kappa), E[J^2] = m^2 + (m - c)^2.
    # No spikes: 1.44 / 16 = 0.09. Spikes: mean shift 6 * 0.5 / 8 = 0.375,
    # variance 0.09 + 6 * 0.5 / 16 = 0.2775 (c = 0), or
    # 0.09 + 6 * (0.25 + 0.04) / 16 = 0.19875 (c = 0.3).
    spikes = spike_rate > 0
    mean = mu + (0.375 if spikes else 0.0)
    assert_allclose(model.stationary_log_mean(), mean, rtol=1e-14)
    assert_allclose(model.stationary_log_variance(), variance, rtol=1e-14)
    # se of the mean = sqrt(variance / 4000): 0.0047 (no spikes), 0.0083
    # (spikes); tolerance 0.035 is over 4 se. se of the sample variance
    # ~ variance * sqrt(2 / 4000) = 2.2 % for normal X (a little more with
    # exponential spikes); 12 % is over 4 se.
    assert abs(x.mean() - mean) < 0.035
    assert_allclose(x.var(ddof=1), variance, rtol=0.12)


def test_spike_frequency_and_size():
    # With no diffusion and a start at the mean, the exact step leaves
    # r_k = X_{k+1} - mu - e^{-kappa h} (X_k - mu) = sum of this step's decayed
    # spikes: r_k > 0 exactly when at least one spike arrived.
    model = spiky(level=0.03, volatility=0.0)
    n_paths, n_steps = 2000, 52
    x = np.log(simulate(model, n_paths, 7 * n_steps + 1, seed=5)[:, ::7])
    mu, decay = math.log(model.mean_level), math.exp(-8.0 * H)
    r = x[:, 1:] - mu - decay * (x[:, :-1] - mu)
    assert r.min() > -1e-12
    # Poisson arrivals: P(at least one spike in a step) = 1 - exp(-lambda h)
    # = 1 - exp(-6 * 7 / 365) = 0.1087; over 104,000 steps the binomial se
    # is 0.00097 (0.9 %), tolerance 5 % relative is over 5 se.
    hit = (r > 1e-9).mean()
    assert_allclose(hit, -math.expm1(-6.0 * H), rtol=0.05)
    # E[r] = lambda h m E[e^{-kappa h U}] = 0.11507 * 0.5 * 0.92823 = 0.05341;
    # sd(r) = sqrt(lambda h 2 m^2 E[D^2]) = 0.223, se 0.00069 (1.3 %);
    # tolerance 6 % is over 4 se.
    kh = 8.0 * H
    expected = 6.0 * H * 0.5 * (-math.expm1(-kh) / kh)
    assert_allclose(r.mean(), expected, rtol=0.06)


def test_shifted_spikes_keep_their_mean_and_never_fall_below_the_minimum():
    # Same seed as above with J = 0.3 + Exp(mean 0.2): the arrivals are the same
    # draws, so the steps with a spike are the same steps; each spike is at
    # least c e^{-kappa h} after its decay and E[r] is unchanged (E[J] = m).
    # No ceiling in reach: one exponential path of this seed would touch 10 BTC.
    exponential = spiky(level=0.03, volatility=0.0, max_level=1e6)
    shifted = spiky(level=0.03, volatility=0.0, spike_min=0.3, max_level=1e6)
    mu, kh = math.log(0.03), 8.0 * H
    residuals = []
    for model in (exponential, shifted):
        x = np.log(simulate(model, 2000, 7 * 52 + 1, seed=5)[:, ::7])
        residuals.append(x[:, 1:] - mu - math.exp(-kh) * (x[:, :-1] - mu))
    hit = residuals[0] > 1e-9
    assert_array_equal(residuals[1] > 1e-9, hit)
    assert residuals[1][hit].min() >= 0.3 * math.exp(-kh) - 1e-12
    assert residuals[0][hit].min() < 0.05  # exponential sizes reach near zero
    # se of the mean of r is 1.3 % for c = 0 and less for the narrower shifted
    # law (sd(J) 0.2 instead of 0.5): 6 % is over 4 se.
    expected = 6.0 * H * 0.5 * (-math.expm1(-kh) / kh)
    assert_allclose(residuals[1].mean(), expected, rtol=0.06)


def test_spikes_only_raise_the_level_with_common_diffusive_shocks():
    # Draw order: the normal shocks come first from the block's generator and
    # spikes from spawned children, so switching spikes on adds the
    # (non-negative) spike component to the very same diffusive path.
    with_spikes = np.log(simulate(spiky(), 120, 200, seed=9))
    without = np.log(simulate(spiky(spike_rate=0.0), 120, 200, seed=9))
    difference = with_spikes - without
    assert difference.min() > -1e-12
    assert difference.max() > 0.5  # some spikes happened


# --------------------------------------------------------------------------
# Random streams
# --------------------------------------------------------------------------


@pytest.mark.parametrize("model", [spiky(), spiky(spike_rate=0.0)], ids=["spikes", "plain"])
def test_simulate_is_reproducible_and_chunk_invariant(model):
    first = simulate(model, n_paths=250, n_days=60, seed=42)
    assert_array_equal(simulate(model, n_paths=250, n_days=60, seed=42), first)
    assert not np.array_equal(simulate(model, n_paths=250, n_days=60, seed=43), first)
    # Path i does not depend on how many paths are drawn ...
    assert_array_equal(simulate(model, n_paths=37, n_days=60, seed=42), first[:37])
    # ... nor on the chunk the engine asks for (blocks of 100 are cut at 37,
    # 163 and 250 here).
    streams = _random.Streams(42)
    for start, stop in [(0, 37), (37, 163), (163, 250), (99, 101)]:
        chunk = streams.fill(_random.FEES, start, stop, 60, model.sample)
        assert_array_equal(chunk, first[start:stop])


def test_a_longer_horizon_extends_the_same_paths():
    # Step-major draws: the first 60 days of a 400-day run are the 60-day run.
    short = simulate(spiky(), n_paths=120, n_days=60, seed=8)
    long = simulate(spiky(), n_paths=120, n_days=400, seed=8)
    assert_array_equal(long[:, :60], short)


def test_simulate_accepts_a_generator_and_one_day():
    rng = np.random.default_rng(1)
    assert simulate(spiky(), 3, 1, seed=rng).tolist() == [[0.03], [0.03], [0.03]]


# --------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------


def synthetic(model, n_steps=20_000, seed=0):
    """One long path of ``model`` (weekly steps) as a dated daily series."""
    n_days = 7 * n_steps + 1
    path = simulate(model, 1, n_days, seed=seed)[0]
    return pd.Series(path, index=pd.date_range("1700-01-01", periods=n_days, freq="D"))


def test_fit_recovers_synthetic_parameters_without_spikes():
    true = StochasticFees(0.05, 0.05, reversion=10.0, volatility=0.8, spike_rate=0, spike_mean=0)
    fit = StochasticFees.fit(synthetic(true, seed=3))
    # 20,000 weekly block means (383 years). b = exp(-10 h) = 0.8255 has
    # se sqrt((1 - b^2) / n) = 0.0040, i.e. 2.5 % on kappa: tolerance 10 %.
    assert_allclose(fit.reversion, 10.0, rtol=0.10)
    # se of mu: sd(X) / sqrt(n) * sqrt((1 + b) / (1 - b)) = 0.0041; 0.02 is ~5 se.
    assert abs(math.log(fit.mean_level / 0.05)) < 0.02
    # Residual sd has se 0.5 %; leaving out the top 0.13 % (above 3 sd)
    # lowers it by 0.7 %: tolerance 5 %.
    assert_allclose(fit.volatility, 0.8, rtol=0.05)
    # Only normal residuals beyond 3 sd are flagged: 0.135 % of 20,000 steps
    # = 27 over 383 years = 0.07 per year.
    assert fit.spike_rate < 0.25
    assert fit.step_days == 7
    assert fit.calibration.n_observations == 7 * 20_000 + 1
    assert fit.calibration.source == "user series"


def test_fit_recovers_synthetic_spikes():
    true = StochasticFees(
        0.05, 0.05, reversion=10.0, volatility=0.15, spike_rate=4.0, spike_mean=1.5
    )
    fit = StochasticFees.fit(synthetic(true, seed=4).rename("synthetic"))
    # ~1,530 spikes in 383 years: Poisson se 2.6 % on the rate and
    # sd(J) / sqrt(n) = 2.6 % on the mean size. Spikes smaller than the
    # threshold u = 3 * 0.019 = 0.057 are not counted and memorylessness puts
    # the mean flagged size u higher: a bias of about u / (m E[D]) = 4 % each
    # way (fit Notes), plus 2 % fewer counts where two spikes share a step
    # (lambda h / 2). Over ten seeds the rate came out 6 % low and the size 5 %
    # high: tolerances 20 % (rate) and 15 % (size) leave over 3 se past the
    # bias. Their product (the spikes' drift of the log level) is nearly
    # unbiased, with the compound-Poisson se sqrt(2 / n) = 3.6 %: 12 %.
    assert_allclose(fit.spike_rate, 4.0, rtol=0.20)
    assert_allclose(fit.spike_mean, 1.5, rtol=0.15)
    assert_allclose(fit.spike_rate * fit.spike_mean, 6.0, rtol=0.12)
    # Exponential sizes are memoryless: the flagged ones exceed the threshold
    # by the true mean m = 1.5, so the fitted excess mean m - c recovers it.
    # Deconvolving by the mean decay E[D] rather than per spike leaves it 5 %
    # low (1.38 to 1.43 over seeds 4 to 9): tolerance 12 %.
    # c is the threshold 3 s over E[D]: s = 0.15 sqrt((1 - e^{-2 kappa h}) / (2 kappa)).
    step_sd = 0.15 * math.sqrt(-math.expm1(-20.0 * H) / 20.0)
    mean_decay = -math.expm1(-10.0 * H) / (10.0 * H)
    assert_allclose(fit.spike_min, SPIKE_THRESHOLD * step_sd / mean_decay, rtol=0.05)
    assert_allclose(fit.spike_mean - fit.spike_min, 1.5, rtol=0.12)
    assert_allclose(fit.reversion, 10.0, rtol=0.05)
    assert_allclose(fit.volatility, 0.15, rtol=0.05)
    assert abs(math.log(fit.mean_level / 0.05)) < 0.02
    assert fit.calibration.source == "series 'synthetic'"


def test_fit_on_the_bundled_history_is_sane_and_records_the_window():
    fit = StochasticFees.fit()
    cal = fit.calibration
    assert isinstance(cal, Calibration)
    assert (cal.start, cal.end) == (pd.Timestamp("2014-01-01"), pd.Timestamp("2026-08-16"))
    assert cal.n_observations == 4611  # history_README.md: 4,611 daily rows
    assert "2024-04-20 set to 9.6" in cal.source
    # Sane ranges: half-life ln2/kappa between 2 weeks and 8 months, typical
    # weekly moves of 10-70 %, a few spikes a year, each doubling fees or so.
    assert 1.0 < fit.reversion < 20.0
    assert 0.02 < fit.mean_level < 0.5
    assert 0.5 < fit.volatility < 5.0
    assert 0.5 < fit.spike_rate < 10.0
    assert 0.3 < fit.spike_mean < 3.0
    # The fitted model keeps the long-run mean of the log fees of its window
    # (the spikes' drift restores what leaving them out of the regression
    # removed); the history's mean ln fee is -1.71 (2014-2026).
    history = datasets.load_history()["fees_btc_per_block"]
    assert abs(fit.stationary_log_mean() - np.log(history).mean()) < 0.3
    # Level: geometric mean of the last 7 days of the window.
    assert_allclose(fit.level, np.exp(np.log(history.iloc[-7:]).mean()), rtol=1e-12)
    # The repr shows the fitted values and the window.
    text = repr(fit)
    assert "reversion=" in text and "start='2014-01-01" in text


def weekly_means(days: np.ndarray) -> np.ndarray:
    """Means of consecutive 7-day blocks along the last axis (a partial block dropped)."""
    n_weeks = days.shape[-1] // 7
    return days[..., : 7 * n_weeks].reshape(*days.shape[:-1], n_weeks, 7).mean(axis=-1)


@pytest.mark.parametrize("start", ["2016-08-17", "2020-08-17", "2022-08-17", "2024-05-01"])
def test_fitted_tail_matches_the_extremes_of_its_window(start):
    # A fitted model must make its own window look typical. Simulate 2,000
    # paths as long as the window from the window's first weekly level: the
    # window's largest 7-day mean fee and its mean fee must each lie inside the
    # 1st-99th percentiles of the same statistic over the paths. With 2,000
    # paths the sampling error of those percentiles is well under 1 %.
    history = datasets.load_history()["fees_btc_per_block"].copy()
    history[pd.Timestamp("2024-04-20")] = RUNES_DAY_FEES  # the fit's own patch
    window = history.loc[start:"2026-08-16"]
    fit = StochasticFees.fit(start=start, end="2026-08-16")
    model = dataclasses.replace(fit, level=float(np.exp(np.log(window.iloc[:7]).mean())))
    paths = simulate(model, 2000, window.size, seed=3)
    for simulated, observed in [
        (weekly_means(paths).max(axis=1), weekly_means(window.to_numpy()).max()),
        (paths.mean(axis=1), window.mean()),
    ]:
        low, high = np.quantile(simulated, [0.01, 0.99])
        assert low < observed < high
    # Exponential spike sizes (spike_min 0) kept the history's mean log fee
    # but put the level at the 10 BTC ceiling for a week or more on 20 % of
    # four-year paths of the 2022-2026 fit, whose window never had a 7-day mean
    # above 2.95 BTC. Fitted sizes above the detection threshold keep the
    # ceiling a rare event (the 2016 window holds December 2017's 9.65 BTC).
    at_ceiling = (weekly_means(paths) >= fit.max_level).any(axis=1).mean()
    assert at_ceiling < (0.10 if start == "2016-08-17" else 0.03)


def test_fit_on_the_post_2024_halving_window():
    fit = StochasticFees.fit(start="2024-05-01", end="2026-08-16")
    cal = fit.calibration
    assert (cal.start, cal.end) == (pd.Timestamp("2024-05-01"), pd.Timestamp("2026-08-16"))
    assert cal.n_observations == 838  # days from 2024-05-01 to 2026-08-16
    # history_README.md medians: 2025 0.030, 2026 0.019 BTC per block.
    assert 0.01 < fit.mean_level < 0.06
    assert 1.0 < fit.reversion < 30.0
    assert 0.3 < fit.volatility < 5.0


def test_constant_and_share_fits_by_hand():
    history = datasets.load_history()["fees_btc_per_block"]
    window = history.loc["2024-05-01":"2026-08-16"]
    constant = ConstantFees.fit(start="2024-05-01", end="2026-08-16")
    # Median of the window (2024-04-20, the only patched day, lies outside).
    assert constant.btc_per_block == window.median()
    share = FeeShare.fit(start="2024-05-01", end="2026-08-16")
    # Every block in the window pays the 3.125 BTC subsidy (heights 840,000
    # to 1,049,999), so the share is mean(f / (3.125 + f)).
    assert_allclose(share.share, (window / (3.125 + window)).mean(), rtol=1e-12)
    assert share.calibration.n_observations == 838
    # Whole history: subsidies of 25, 12.5, 6.25 and 3.125 BTC; fees were a
    # few per cent of the reward (history_README.md yearly medians).
    assert 0.01 < FeeShare.fit().share < 0.1


def test_bundled_fits_patch_the_runes_day():
    # history_README.md: 2024-04-20 carries 0.774, the true value is ~9.6.
    day = ConstantFees.fit(start="2024-04-20", end="2024-04-20")
    assert day.btc_per_block == RUNES_DAY_FEES == 9.6
    # A user series is taken as given.
    history = datasets.load_history()["fees_btc_per_block"]
    user = ConstantFees.fit(history, start="2024-04-20", end="2024-04-20")
    assert_allclose(user.btc_per_block, 0.774, atol=5e-4)


def test_calibration_does_not_change_equality():
    fitted = ConstantFees.fit(start="2025-01-01", end="2025-01-31")
    assert fitted == ConstantFees(fitted.btc_per_block)
    assert dataclasses.replace(fitted, btc_per_block=1.0).calibration == fitted.calibration


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("level", 0.0),
        ("level", -0.1),
        ("level", float("nan")),
        ("mean_level", 0.0),
        ("reversion", 0.0),
        ("reversion", float("inf")),
        ("volatility", -1.0),
        ("spike_rate", -0.5),
        ("spike_mean", -0.5),
        ("spike_mean", True),
        ("spike_min", -0.1),
        ("spike_min", 0.6),
        ("step_days", 0),
        ("step_days", 1.5),
        ("step_days", True),
    ],
)
def test_stochastic_fees_rejects_bad_parameters(field, value):
    with pytest.raises(ValueError, match=field):
        spiky(**{field: value})


@pytest.mark.parametrize(
    ("model", "value"),
    [(ConstantFees, -0.01), (ConstantFees, float("nan")), (FeeShare, 1.0), (FeeShare, -0.1)],
)
def test_deterministic_models_reject_bad_parameters(model, value):
    field = "btc_per_block" if model is ConstantFees else "share"
    with pytest.raises(ValueError, match=field):
        model(value)


def test_bad_calls_raise_value_errors_naming_the_argument():
    with pytest.raises(ValueError, match="n_paths"):
        simulate(spiky(), 0, 10)
    with pytest.raises(ValueError, match="n_days"):
        simulate(spiky(), 10, 2.5)
    with pytest.raises(ValueError, match="model"):
        simulate("spiky", 10, 10)
    with pytest.raises(ValueError, match="out"):
        spiky().sample(np.random.default_rng(0), np.empty(10))
    with pytest.raises(ValueError, match="fees"):
        StochasticFees.fit([0.1, 0.2])
    with pytest.raises(ValueError, match="fees"):  # a zero fee has no logarithm
        StochasticFees.fit(pd.Series(0.0, index=pd.date_range("2020-01-01", periods=400)))
    with pytest.raises(ValueError, match="at least 21"):  # 77 days = 11 weeks
        StochasticFees.fit(start="2026-06-01")
    with pytest.raises(ValueError, match="no fee observations"):
        ConstantFees.fit(start="2030-01-01")
    with pytest.raises(ValueError, match="step_days"):
        StochasticFees.fit(step_days=0)


def test_fit_rejects_a_window_without_mean_reversion():
    # A random walk that trends up has an AR(1) coefficient of about 1 or more.
    days = pd.date_range("2020-01-01", periods=7 * 200)
    trend = pd.Series(np.exp(np.linspace(-4.0, 1.0, days.size)), index=days)
    with pytest.raises(ValueError, match="mean reversion"):
        StochasticFees.fit(trend)


def test_spike_threshold_is_three_standard_deviations():
    # Documented in the fit Notes; the tolerances above depend on it.
    assert SPIKE_THRESHOLD == 3.0


@pytest.mark.parametrize("bad", ["NaT", "", -1, "not a date"])
def test_fit_refuses_what_is_not_a_date(bad):
    # "NaT" and "" were read as no bound (the whole history was fitted) and -1
    # as 1969-12-31; datasets.parse_day now refuses them, naming the argument.
    with pytest.raises(ValueError, match=r"^start must be a date"):
        StochasticFees.fit(start=bad)
    with pytest.raises(ValueError, match=r"^end must be a date"):
        StochasticFees.fit(end=bad)


# --------------------------------------------------------------------------
# Reliability: what the fuzz suite (tests/api_specs/models.py) found
# --------------------------------------------------------------------------


def test_a_share_out_of_range_is_reported_as_paths():
    # The check ran inside network.fees_from_share and named "share", which is
    # not an argument of to_btc_per_block.
    with pytest.raises(ValueError, match=r"^paths must be in \[0, 1\)"):
        to_btc_per_block(-1.0, "share", 3.125)
    with pytest.raises(ValueError, match=r"^subsidy must be"):
        to_btc_per_block(0.02, "btc_per_block", -1.0)


@pytest.mark.parametrize("kind", [np.array([]), pd.Series([1.0]), None])
def test_a_kind_that_is_not_a_string_is_refused(kind):
    # Arrays and Series raised "truth value ... is ambiguous", naming nothing.
    with pytest.raises(ValueError, match=r"^kind must be"):
        to_btc_per_block(0.02, kind, 3.125)
    with pytest.raises(ValueError, match=r"^kind must be"):
        FeePath([0.02], kind=kind)


def test_fees_that_are_not_numbers_are_refused():
    # astype(float) raised "could not convert string to float", naming nothing.
    text = pd.Series(["a"], index=pd.date_range("2024-01-01", periods=1))
    with pytest.raises(ValueError, match=r"^fees must hold numbers"):
        ConstantFees.fit(text)


@pytest.mark.parametrize("step_days", [2**70, 36_501])
def test_a_step_beyond_a_century_is_refused(step_days):
    # 2**70 passed and overflowed: OverflowError in fit, a numba TypingError in sample.
    with pytest.raises(ValueError, match=r"^step_days must be an integer in \[1, 36500\]"):
        StochasticFees.fit(step_days=step_days)
    with pytest.raises(ValueError, match=r"^step_days must be an integer in \[1, 36500\]"):
        spiky(step_days=step_days)


def test_a_window_too_short_for_the_step_names_step_days():
    # 2014 holds 20 blocks of 18 days: the message named neither step_days nor the window.
    with pytest.raises(ValueError, match=r"step_days=18 .*between start and end"):
        StochasticFees.fit(start="2014-01-01", end="2014-12-31", step_days=18)


def test_calibration_must_be_a_calibration():
    # Any object was stored and broke later readers of calibration.start.
    for make in (ConstantFees, FeeShare):
        with pytest.raises(ValueError, match=r"^calibration must be"):
            make(0.01, calibration="2024-01-01")


@pytest.mark.parametrize("size", [{"n_paths": 10**13}, {"n_days": 10**400}])
def test_a_run_beyond_the_memory_of_the_machine_is_refused_before_allocating(size):
    # numpy raised MemoryError or "Maximum allowed dimension exceeded".
    kwargs = {"n_paths": 1, "n_days": 1, **size}
    with pytest.raises(ValueError, match=r"^n_paths x n_days = .* more than this machine's"):
        simulate(ConstantFees(0.02), **kwargs)


def test_a_pandas_object_is_not_a_model():
    # pandas objects have a sample method (random rows) and were taken for models.
    with pytest.raises(ValueError, match=r"^model must have a sample"):
        simulate(pd.DataFrame({"fees": [0.02]}), 1, 2)


def test_shapes_that_do_not_broadcast_name_paths_and_subsidy():
    # The check inside network.fees_from_share named "share", not an argument here.
    with pytest.raises(ValueError, match=r"paths \(0,\), subsidy \(3,\)"):
        to_btc_per_block([], "share", np.zeros(3))
