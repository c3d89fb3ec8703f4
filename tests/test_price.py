"""Tests of minerecon.price: BTC price-path models, their fits and the engine protocol.

Monte Carlo checks use fixed seeds; each tolerance is a stated multiple
(about 4 to 5) of the standard error of the statistic, worked out in the
comment beside it, so a correct model passes with a wide margin and a wrong
drift, compensation or step would not.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from minerecon import _random, datasets, price
from minerecon.price import (
    GBM,
    Calibration,
    ConstantPrice,
    GrowthPrice,
    MertonJump,
    RegimeSwitching,
    StationaryBootstrap,
    simulate,
)

S0 = 60_000.0

MODELS = [
    ConstantPrice(),
    GrowthPrice(annual_growth=0.2),
    GBM(drift=0.3, volatility=0.6),
    MertonJump(0.3, 0.5, jump_intensity=12.0, jump_mean=-0.05, jump_volatility=0.1),
    RegimeSwitching(drifts=(0.8, -0.5), volatilities=(0.5, 0.9), transition=(0.01, 0.02)),
    StationaryBootstrap(mean_block_days=30),
]
IDS = [type(m).__name__ for m in MODELS]


def daily_series(values: np.ndarray, first: str = "2000-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(first, periods=len(values), freq="D"))


@pytest.fixture(scope="module")
def history_returns() -> np.ndarray:
    return np.diff(np.log(datasets.load_history()["price_usd"].to_numpy()))


# --------------------------------------------------------------------------
# Deterministic models, by hand
# --------------------------------------------------------------------------


def test_constant_price_is_flat():
    assert_array_equal(simulate(ConstantPrice(), 3, 10, start_price=S0), np.full((3, 10), S0))


def test_growth_price_by_hand():
    # S_t = 100 * 1.1^(t/365): day 365 -> 110, day 730 -> 121, day 73 -> 100 * 1.1^0.2.
    paths = simulate(GrowthPrice(0.1), 2, 731, start_price=100.0)
    assert_allclose(paths[:, 365], 110.0, rtol=1e-12)
    assert_allclose(paths[:, 730], 121.0, rtol=1e-12)
    assert_allclose(paths[:, 73], 100.0 * 1.1**0.2, rtol=1e-12)
    assert_array_equal(paths[0], paths[1])


def test_growth_fit_is_geometric_mean_growth():
    # Prices 100 -> 150 over 730 days: (1.5)^(365/730) - 1 = sqrt(1.5) - 1.
    prices = daily_series(np.linspace(100.0, 150.0, 731))
    model = GrowthPrice.fit(prices)
    assert_allclose(model.annual_growth, math.sqrt(1.5) - 1.0, rtol=1e-12)
    assert model.calibration.n_observations == 731


def test_constant_fit_records_window():
    model = ConstantPrice.fit(start="2024-01-01", end="2024-01-31")
    assert model.calibration.n_observations == 31
    assert model.calibration.start == pd.Timestamp("2024-01-01")


# --------------------------------------------------------------------------
# GBM
# --------------------------------------------------------------------------


def test_gbm_mean_and_volatility():
    mu, sigma, n = 0.3, 0.6, 20_000
    paths = simulate(GBM(mu, sigma), n, 366, start_price=1.0, seed=11)
    # E[S_1] = exp(mu). S_1 is lognormal with Var/E^2 = exp(sigma^2) - 1 = 0.433,
    # so the standard error of the mean of 20,000 paths is
    # sqrt(0.433 / 20000) = 0.47 % of the mean; 2 % is about 4 SE.
    assert_allclose(paths[:, 365].mean(), math.exp(mu), rtol=0.02)
    # 20,000 x 365 daily log returns: the sample std has relative SE
    # 1 / sqrt(2 * 7.3e6) = 0.03 %; 0.2 % is about 7 SE.
    log_returns = np.diff(np.log(paths), axis=1)
    assert_allclose(log_returns.std() * math.sqrt(365), sigma, rtol=0.002)
    # Mean log return per year is mu - sigma^2/2 = 0.12; SE = sigma/sqrt(20000) = 0.0042.
    assert_allclose(log_returns.mean() * 365, mu - sigma**2 / 2, atol=0.02)


def test_gbm_zero_volatility_is_deterministic_growth():
    # sigma = 0: S_t = S0 exp(mu t) exactly (up to rounding of the cumulative sum).
    paths = simulate(GBM(0.2, 0.0), 3, 366, start_price=S0, seed=1)
    assert_allclose(paths[:, 365], S0 * math.exp(0.2), rtol=1e-12)


def test_gbm_fit_recovers_synthetic_parameters():
    # 100 years of daily data: sigma's relative SE is 1/sqrt(2 * 36500) = 0.4 %,
    # the drift's SE is sigma / sqrt(100 yr) = 0.06.
    truth = GBM(0.4, 0.7)
    prices = daily_series(simulate(truth, 1, 36_501, start_price=100.0, seed=5)[0])
    fitted = GBM.fit(prices)
    assert_allclose(fitted.volatility, 0.7, rtol=0.02)  # 5 SE
    assert_allclose(fitted.drift, 0.4, atol=0.25)  # 4 SE
    assert fitted.calibration.source == "user series"
    assert fitted.calibration.n_observations == 36_501


def test_gbm_fit_is_the_mle_formula():
    # MLE by hand from the same log returns: sigma = std(r) sqrt(365), mu = 365 mean + sigma^2/2.
    prices = daily_series(np.array([100.0, 110.0, 99.0, 105.0, 120.0]))
    r = np.diff(np.log(prices.to_numpy()))
    fitted = GBM.fit(prices)
    assert_allclose(fitted.volatility, r.std() * math.sqrt(365), rtol=1e-12)
    assert_allclose(fitted.drift, 365 * r.mean() + fitted.volatility**2 / 2, rtol=1e-12)


# --------------------------------------------------------------------------
# Merton jump-diffusion
# --------------------------------------------------------------------------


def test_merton_mean_and_jump_frequency():
    model = MertonJump(0.3, 0.5, jump_intensity=12.0, jump_mean=-0.05, jump_volatility=0.1)
    n = 20_000
    paths = np.empty((n, 366))
    jumps = np.empty((n, 366), dtype=np.int64)
    model.sample(np.random.default_rng(21), paths, 1.0, jumps=jumps)
    # E[S_1] = exp(mu) by the compensation. Var(log S_1) = 0.25 + 12 * (0.05^2 + 0.1^2)
    # = 0.40, so Var/E^2 ~ exp(0.40) - 1 = 0.49 and the SE of the mean of 20,000
    # paths is 0.5 %; 2.5 % is 5 SE. Without compensation the mean would be off
    # by 12 * kappa = 12 * (exp(-0.045) - 1) = -0.53 in the exponent.
    assert_allclose(paths[:, 365].mean(), math.exp(0.3), rtol=0.025)
    # Jumps per path-year: Poisson(12) over 20,000 paths, SE = sqrt(12/20000) = 0.024;
    # 1 % of 12 is 0.12 = 5 SE.
    assert jumps[:, 0].sum() == 0
    assert_allclose(jumps.sum() / n, 12.0, rtol=0.01)


def test_merton_without_jumps_reproduces_gbm():
    # Same draw order: the diffusion normals come first, so lambda = 0 gives GBM's paths.
    merton = MertonJump(0.3, 0.6, jump_intensity=0.0, jump_mean=-0.1, jump_volatility=0.2)
    assert_allclose(
        simulate(merton, 150, 50, start_price=S0, seed=4),
        simulate(GBM(0.3, 0.6), 150, 50, start_price=S0, seed=4),
        rtol=1e-12,
    )


def test_merton_fit_recovers_synthetic_parameters():
    # 20 years of daily data. The spread of the estimates over 12 seeds was:
    # sigma 0.004, lambda 1.6, m 0.004, delta 0.0065, mu 0.14; tolerances ~4 of those.
    truth = MertonJump(0.3, 0.5, jump_intensity=20.0, jump_mean=-0.03, jump_volatility=0.12)
    prices = daily_series(simulate(truth, 1, 7301, start_price=100.0, seed=5)[0])
    fitted = MertonJump.fit(prices)
    assert_allclose(fitted.volatility, 0.5, rtol=0.03)
    assert_allclose(fitted.jump_intensity, 20.0, rtol=0.3)
    assert_allclose(fitted.jump_mean, -0.03, atol=0.016)
    assert_allclose(fitted.jump_volatility, 0.12, rtol=0.2)
    assert_allclose(fitted.drift, 0.3, atol=0.6)


def test_merton_threshold_fit_finds_planted_jumps():
    # Quiet diffusion (daily sd 1 %) with three planted -30 % log jumps: the 4-sigma
    # filter classifies exactly those three as jumps (3 per 2000 days).
    r = np.random.default_rng(0).normal(0.0, 0.01, 2000)
    r[[100, 900, 1500]] = -0.3
    prices = daily_series(100.0 * np.exp(np.concatenate([[0.0], np.cumsum(r)])))
    fitted = MertonJump.fit(prices, method="threshold")
    assert_allclose(fitted.jump_intensity, 3 / 2000 * 365, rtol=1e-12)
    assert_allclose(fitted.jump_mean, -0.3, atol=0.002)  # minus the calm mean (~1e-4)
    assert_allclose(fitted.volatility, 0.01 * math.sqrt(365), rtol=0.05)  # SE 1.6 %


# --------------------------------------------------------------------------
# Regime switching
# --------------------------------------------------------------------------


def test_regime_state_frequencies_match_stationary_distribution():
    model = RegimeSwitching((0.8, -0.5), (0.5, 0.9), transition=(0.01, 0.03))
    pi = model.stationary_distribution
    # pi = (p10, p01) / (p01 + p10) = (0.75, 0.25) by hand.
    assert_allclose(pi, [0.75, 0.25], rtol=1e-12)
    n, days = 2000, 1000
    paths = np.empty((n, days))
    states = np.empty((n, days), dtype=np.int64)
    model.sample(np.random.default_rng(8), paths, S0, states=states)
    # Autocorrelation of the regime is 1 - 0.04 = 0.96, so the 2e6 regime-days are
    # worth about 2e6 * 0.04/1.96 = 41,000 independent ones: SE of the share
    # = sqrt(0.75 * 0.25 / 41000) = 0.2 %; 1 % is 5 SE.
    assert_allclose(np.mean(states == 1), 0.25, atol=0.01)
    # Day 0 is drawn from pi: 2000 paths, SE = sqrt(0.1875/2000) = 0.0097.
    assert_allclose(np.mean(states[:, 0] == 1), 0.25, atol=0.045)
    # Switching rate out of regime 0: ~1.5e6 regime-0 days, SE ~ 8e-5.
    left = (states[:, :-1] == 0) & (states[:, 1:] == 1)
    assert_allclose(left.sum() / (states[:, :-1] == 0).sum(), 0.01, rtol=0.05)
    # Each day's return follows the regime of the day before: volatility by regime.
    r = np.diff(np.log(paths), axis=1)
    for regime, sigma in enumerate((0.5, 0.9)):
        assert_allclose(r[states[:, :-1] == regime].std() * math.sqrt(365), sigma, rtol=0.01)


def test_regime_initial_state_and_matrix_forms():
    model = RegimeSwitching((0.1, 0.2, 0.3), (0.3, 0.6, 1.0), (0.02, 0.04, 0.1), initial_state=2)
    # Leaving probability split evenly between the other two regimes (by hand).
    assert model.transition == ((0.98, 0.01, 0.01), (0.02, 0.96, 0.02), (0.05, 0.05, 0.9))
    states = np.empty((300, 5), dtype=np.int8)
    model.sample(np.random.default_rng(1), np.empty((300, 5)), S0, states=states)
    assert np.all(states[:, 0] == 2)
    same = RegimeSwitching((0.1, 0.2, 0.3), (0.3, 0.6, 1.0), model.transition, initial_state=2)
    assert same == model


def test_regime_fit_recovers_synthetic_parameters():
    # 20 years of daily data. The spread over 12 seeds was: vol 0.003 / 0.017,
    # switching probabilities 0.0013 / 0.0037, calm drift 0.095.
    truth = RegimeSwitching((0.8, -0.6), (0.4, 1.0), transition=(0.01, 0.03))
    prices = daily_series(simulate(truth, 1, 7301, start_price=100.0, seed=3)[0])
    fitted = RegimeSwitching.fit(prices)
    assert_allclose(fitted.volatilities[0], 0.4, rtol=0.04)  # ~5 SE
    assert_allclose(fitted.volatilities[1], 1.0, rtol=0.08)  # ~5 SE
    assert_allclose(fitted.transition[0][1], 0.01, rtol=0.5)  # ~4 SE
    assert_allclose(fitted.transition[1][0], 0.03, rtol=0.5)  # ~4 SE
    assert_allclose(fitted.drifts[0], 0.8, atol=0.4)  # ~4 SE
    assert fitted.initial_state is None


# --------------------------------------------------------------------------
# Stationary bootstrap
# --------------------------------------------------------------------------


def test_bootstrap_reproduces_history_volatility(history_returns):
    paths = simulate(StationaryBootstrap(), 500, 1000, start_price=S0, seed=2)
    r = np.diff(np.log(paths), axis=1)
    # Every day's index is uniform on the history, so the pooled std estimates the
    # history's std. 500 x 999 days in blocks of ~30 are ~17,000 blocks; with
    # BTC's fat tails (kurtosis ~ 15) the relative SE is about sqrt(14/4/17000)
    # = 1.5 %; 5 % is over 3 SE.
    assert_allclose(r.std(), history_returns.std(), rtol=0.05)
    resampled = StationaryBootstrap().resampled_returns
    assert np.abs(r).max() <= np.abs(resampled).max() * (1 + 1e-9)


def test_bootstrap_mean_block_length():
    model = StationaryBootstrap(mean_block_days=30)
    indices = np.empty((400, 2000), dtype=np.int64)
    model.sample(np.random.default_rng(6), np.empty((400, 2000)), S0, indices=indices)
    assert np.all(indices[:, 0] == -1)
    n = model.returns.size
    follows = indices[:, 2:] == (indices[:, 1:-1] + 1) % n
    # A block restarts with probability 1/30 a day: 400 x 1998 Bernoulli trials,
    # SE of the share = sqrt(p (1-p) / 8e5) = 0.6 % of p; 3 % is 5 SE. (A restart
    # that happens to land on the next index, probability 1/4610, is negligible.)
    assert_allclose(1.0 / np.mean(~follows), 30.0, rtol=0.03)
    # Starting indices are uniform on 0..n-1: mean (n-1)/2, SE n/sqrt(12 * 400).
    assert_allclose(indices[:, 1].mean(), (n - 1) / 2, atol=5 * n / math.sqrt(12 * 400))


def test_bootstrap_steps_are_historical_returns(history_returns):
    model = StationaryBootstrap(mean_block_days=5)
    out = np.empty((3, 40))
    indices = np.empty((3, 40), dtype=np.int64)
    model.sample(np.random.default_rng(0), out, 100.0, indices=indices)
    resampled = model.resampled_returns
    expected = 100.0 * np.exp(np.cumsum(resampled[indices[:, 1:]], axis=1))
    assert_allclose(out[:, 1:], expected, rtol=1e-12)
    # the shift is one constant: the history's returns less log(mean(exp(r)))
    assert_allclose(resampled, history_returns - np.log(np.mean(np.exp(history_returns))))


def test_bootstrap_has_no_drift_in_usd_unless_kept(history_returns):
    # Default: a day's expected gross return is exactly 1 (no drift in USD).
    assert_allclose(np.mean(np.exp(StationaryBootstrap().resampled_returns)), 1.0, rtol=1e-12)
    # i.i.d. resampling for a year: E[S_365] = S0. The std of S_365/S0 is about
    # 0.8 (BTC's ~0.7 annual volatility), so the SE over 20,000 paths is 0.006;
    # 0.03 is 5 SE. With the history's drift the mean is ~1.4.
    flat = simulate(StationaryBootstrap(mean_block_days=1), 20_000, 366, start_price=1.0, seed=3)
    assert_allclose(flat[:, -1].mean(), 1.0, atol=0.03)
    kept = StationaryBootstrap(mean_block_days=1, keep_drift=True)
    assert kept.resampled_returns is kept.returns
    grown = simulate(kept, 20_000, 366, start_price=1.0, seed=3)
    assert grown[:, -1].mean() > 1.2
    with pytest.raises(ValueError, match="keep_drift must be True or False"):
        StationaryBootstrap(keep_drift="yes")


def test_bootstrap_fit_and_equality():
    model = StationaryBootstrap.fit(start="2024-01-01", end="2024-12-31", mean_block_days=10)
    assert model.returns.size == 365  # 366 prices in the leap year 2024
    assert model.calibration.n_observations == 366
    assert StationaryBootstrap() == StationaryBootstrap.fit()
    assert hash(StationaryBootstrap()) == hash(StationaryBootstrap.fit())
    assert StationaryBootstrap(returns=[0.01, -0.01]) != StationaryBootstrap(returns=[0.01, 0.0])
    assert "<365 daily log returns>" in repr(model)
    with pytest.raises(ValueError, match="read-only"):
        model.returns[0] = 1.0


# --------------------------------------------------------------------------
# Fits of the bundled history
# --------------------------------------------------------------------------


def test_fits_of_history_are_sane_and_record_the_window():
    gbm = GBM.fit()
    # Daily log-return std of BTC 2014-2026 is 3.6 %, i.e. ~68 % a year.
    assert 0.5 < gbm.volatility < 0.9
    assert -0.5 < gbm.drift < 1.5
    cal = gbm.calibration
    assert (cal.start, cal.end) == (pd.Timestamp("2014-01-01"), pd.Timestamp("2026-08-16"))
    assert cal.n_observations == 4611  # 2014-01-01..2026-08-16 inclusive
    assert "bundled history" in cal.source

    recent = GBM.fit(start="2020-01-01", end="2026-08-16")
    assert recent.calibration.n_observations == 2420
    assert "start='2020-01-01'" in repr(recent) and f"{recent.volatility!r}" in repr(recent)

    regimes = RegimeSwitching.fit(start="2020-01-01")
    calm, wild = regimes.volatilities
    assert 0.1 < calm < wild < 2.0
    assert all(0.5 < row[i] < 1.0 for i, row in enumerate(regimes.transition))

    jumps = MertonJump.fit(method="threshold")
    assert 0.3 < jumps.volatility < 0.9 and 0.5 < jumps.jump_intensity < 20
    mle = MertonJump.fit()
    total = mle.volatility**2 + mle.jump_intensity * (mle.jump_mean**2 + mle.jump_volatility**2)
    assert_allclose(math.sqrt(total), gbm.volatility, rtol=0.1)  # same total variance


# --------------------------------------------------------------------------
# simulate: reproducibility, chunk invariance, protocol
# --------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_first_day_is_start_price_and_paths_positive(model):
    paths = simulate(model, 130, 60, start_price=S0, seed=9)
    assert paths.shape == (130, 60)
    assert np.all(paths[:, 0] == S0)
    assert np.all(np.isfinite(paths)) and np.all(paths > 0)


@pytest.mark.parametrize("model", MODELS[2:], ids=IDS[2:])
def test_seed_reproducibility_and_chunk_invariance(model):
    paths = simulate(model, 350, 40, start_price=S0, seed=123)
    assert_array_equal(paths, simulate(model, 350, 40, start_price=S0, seed=123))
    assert not np.array_equal(paths, simulate(model, 350, 40, start_price=S0, seed=124))

    def sampler(rng, out):
        model.sample(rng, out, S0)

    streams = _random.Streams(123)
    for a, b in [(0, 350), (150, 270), (99, 101), (300, 350)]:
        assert_array_equal(streams.fill(_random.PRICE, a, b, 40, sampler), paths[a:b])
    # A prefix of paths and of days is drawn from the same numbers.
    assert_array_equal(simulate(model, 120, 40, start_price=S0, seed=123), paths[:120])


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_non_contiguous_buffer_matches(model):
    expected = np.empty((50, 30))
    model.sample(np.random.default_rng(3), expected, S0)
    fortran = np.empty((50, 30), order="F")
    model.sample(np.random.default_rng(3), fortran, S0)
    assert_array_equal(fortran, expected)


@pytest.mark.parametrize("model", MODELS, ids=IDS)
def test_single_day(model):
    assert_array_equal(simulate(model, 5, 1, start_price=S0, seed=1), np.full((5, 1), S0))


@settings(max_examples=30, deadline=None)
@given(
    drift=st.floats(-2.0, 2.0),
    volatility=st.floats(0.0, 3.0),
    start_price=st.floats(1e-3, 1e7),
)
def test_gbm_paths_are_valid_for_any_parameters(drift, volatility, start_price):
    paths = simulate(GBM(drift, volatility), 3, 20, start_price=start_price, seed=0)
    assert np.all(paths[:, 0] == start_price)
    assert np.all(np.isfinite(paths)) and np.all(paths > 0)


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda: GrowthPrice(-1.0), "annual_growth"),
        (lambda: GrowthPrice(float("nan")), "annual_growth"),
        (lambda: GBM(0.1, -0.2), "volatility"),
        (lambda: GBM(float("inf"), 0.2), "drift"),
        (lambda: GBM("0.1", 0.2), "drift"),
        (lambda: MertonJump(0.1, 0.5, -1.0, 0.0, 0.1), "jump_intensity"),
        (lambda: MertonJump(0.1, 0.5, 1.0, 0.0, -0.1), "jump_volatility"),
        (lambda: MertonJump(0.1, -0.5, 1.0, 0.0, 0.1), "volatility"),
        (lambda: RegimeSwitching((0.1,), (0.5,), (0.1,)), "drifts"),
        (lambda: RegimeSwitching((0.1, 0.2), (0.5, -0.5), (0.1, 0.1)), r"volatilities\[1\]"),
        (lambda: RegimeSwitching((0.1, 0.2), (0.5,), (0.1, 0.1)), "volatilities"),
        (lambda: RegimeSwitching((0.1, 0.2), (0.5, 0.6), (0.1, 1.5)), "transition"),
        (lambda: RegimeSwitching((0.1, 0.2), (0.5, 0.6), ((0.9, 0.2), (0.1, 0.9))), "transition"),
        (lambda: RegimeSwitching((0.1, 0.2), (0.5, 0.6), (0.0, 0.0)), "initial_state"),
        (lambda: RegimeSwitching((0.1, 0.2), (0.5, 0.6), (0.1, 0.1), 2), "initial_state"),
        (lambda: StationaryBootstrap(mean_block_days=0.5), "mean_block_days"),
        (lambda: StationaryBootstrap(returns=[0.1, float("nan")]), "returns"),
        (lambda: StationaryBootstrap(returns=[]), "returns"),
    ],
)
def test_invalid_parameters_name_the_field(factory, field):
    with pytest.raises(ValueError, match=field):
        factory()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"n_paths": 0, "n_days": 10, "start_price": S0}, "n_paths"),
        ({"n_paths": 2.5, "n_days": 10, "start_price": S0}, "n_paths"),
        ({"n_paths": 10, "n_days": 0, "start_price": S0}, "n_days"),
        ({"n_paths": 10, "n_days": 10, "start_price": 0.0}, "start_price"),
        ({"n_paths": 10, "n_days": 10, "start_price": -5.0}, "start_price"),
    ],
)
def test_simulate_validates(kwargs, field):
    with pytest.raises(ValueError, match=field):
        simulate(GBM(0.1, 0.5), **kwargs)
    with pytest.raises(ValueError, match="model"):
        simulate(object(), 1, 1, start_price=S0)


def test_fit_validates_the_window():
    # the valid range is the bundled price series, 2014-01-01 to 2026-08-16
    valid = r"between 2014-01-01 and 2026-08-16 \(the bundled history: prices is None\)"
    with pytest.raises(ValueError, match=rf"^start must be a date {valid}, got 2010-01-01"):
        GBM.fit(start="2010-01-01")
    for bad in ("NaT", "", -1, "not a date"):
        with pytest.raises(ValueError, match=rf"^end must be a date {valid}.*got {bad!r}"):
            GBM.fit(end=bad)
    with pytest.raises(ValueError, match="start must not be after end"):
        GBM.fit(start="2024-01-01", end="2023-01-01")
    with pytest.raises(ValueError, match="at least 100"):
        MertonJump.fit(start="2024-01-01", end="2024-02-01")
    with pytest.raises(ValueError, match="no gaps"):
        GBM.fit(daily_series(np.arange(1.0, 11.0)).drop(pd.Timestamp("2000-01-05")))
    with pytest.raises(ValueError, match="prices must be in"):
        GBM.fit(daily_series(np.array([1.0, 2.0, -1.0, 3.0])))
    with pytest.raises(ValueError, match="DatetimeIndex"):
        GBM.fit(pd.Series([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="method"):
        MertonJump.fit(method="moments")
    with pytest.raises(ValueError, match="n_states"):
        RegimeSwitching.fit(n_states=4)


def test_models_are_frozen_and_show_calibration():
    model = GBM.fit(start="2020-01-01")
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.drift = 0.0
    assert isinstance(model.calibration, Calibration)
    assert price.DT == 1 / 365


# --------------------------------------------------------------------------
# Reliability: what the fuzz suite (tests/api_specs/models.py) found
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n_states", [2.0, np.array([2]), "2"])
def test_fit_refuses_a_number_of_states_that_is_not_an_integer(n_states):
    # 2.0 passed the membership test "in (2, 3)" and failed inside numpy with a
    # TypeError that named nothing; an array raised "truth value is ambiguous".
    with pytest.raises(ValueError, match=r"^n_states must be 2 or 3"):
        RegimeSwitching.fit(start="2024-01-01", end="2024-12-31", n_states=n_states)


def test_fit_refuses_a_method_that_is_not_a_string():
    # An array as method raised numpy's "truth value is ambiguous", naming nothing.
    with pytest.raises(ValueError, match=r"^method must be"):
        MertonJump.fit(method=np.array([]))


@pytest.mark.parametrize("returns", [10**400, [1.0, 10**400]])
def test_returns_beyond_a_float_are_refused(returns):
    # An integer too large for a float escaped as OverflowError.
    with pytest.raises(ValueError, match=r"^returns must be"):
        StationaryBootstrap(returns=returns)


def test_calibration_must_be_a_calibration():
    # Any object was stored, and broke later (projection.Calibrated.table read
    # calibration.start.date()).
    with pytest.raises(ValueError, match=r"^calibration must be"):
        ConstantPrice(calibration="2024-01-01")
    with pytest.raises(ValueError, match=r"^calibration must be"):
        GBM(0.1, 0.5, calibration={"start": "2024-01-01"})


def test_a_window_outside_the_bundled_history_names_prices():
    # With prices=None the window must lie in the bundled history; the message
    # says so, since the start may suit a user series and not the history.
    with pytest.raises(ValueError, match=r"^start must be .*prices is None"):
        GBM.fit(None, start="2000-01-01")


@pytest.mark.parametrize("size", [{"n_paths": 10**400}, {"n_days": 10**400}, {"n_paths": 10**13}])
def test_a_run_beyond_the_memory_of_the_machine_is_refused_before_allocating(size):
    # numpy raised "Maximum allowed dimension exceeded" or MemoryError, naming
    # neither argument.
    kwargs = {"n_paths": 1, "n_days": 1, **size}
    with pytest.raises(ValueError, match=r"^n_paths x n_days = .* more than this machine's"):
        simulate(GBM(0.1, 0.5), start_price=S0, **kwargs)


def test_a_pandas_object_is_not_a_model():
    # pandas objects have a sample method (random rows): a Series was taken for
    # a model and failed inside pandas ("enter a value for frac OR n").
    with pytest.raises(ValueError, match=r"^model must have a sample"):
        simulate(pd.Series([], dtype=float), 1, 2, start_price=S0)


def test_a_transition_beyond_a_float_is_refused():
    # An integer too large for a float escaped as OverflowError.
    with pytest.raises(ValueError, match=r"^transition must be"):
        RegimeSwitching(drifts=(0.1, 0.2), volatilities=(0.5, 0.6), transition=10**400)


def test_a_timedelta_is_not_a_seed():
    # numpy counts timedelta64 as an integer: it reached int() and raised TypeError
    # (the check lives in minerecon._random.seed_sequence, shared by every model).
    with pytest.raises(ValueError, match=r"^seed must be an int"):
        simulate(GBM(0.1, 0.5), 1, 2, start_price=S0, seed=np.timedelta64(1, "D"))


@pytest.mark.parametrize("prices", [[100.0, 50.0], [1.0, 100.0]])
def test_growth_too_fast_to_annualise_is_refused_naming_prices(prices):
    # Halving in a day gives 0.5**365 - 1, which rounds to -1 and made the
    # constructor reject the fit's own result; x100 in a day overflows to inf.
    with pytest.raises(ValueError, match=r"^prices between start and end .* beyond a float"):
        GrowthPrice.fit(daily_series(np.array(prices)))
