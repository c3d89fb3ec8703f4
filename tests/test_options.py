"""Least-squares Monte Carlo (minerecon.options) against published values and laws."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import norm

from minerecon.options import longstaff_schwartz

STRIKE, RATE, DATES_PER_YEAR = 40.0, 0.06, 50

# Longstaff and Schwartz (2001), Table 1: American put, strike 40, r = 0.06,
# 50 exercise dates per year. Columns: S, sigma, T, finite-difference value,
# closed-form European value, the paper's LSM value and its standard error.
TABLE_1 = [
    (36, 0.20, 1, 4.478, 3.844, 4.472, 0.010),
    (36, 0.20, 2, 4.840, 3.763, 4.821, 0.012),
    (36, 0.40, 1, 7.101, 6.711, 7.091, 0.020),
    (36, 0.40, 2, 8.508, 7.700, 8.488, 0.024),
    (38, 0.20, 1, 3.250, 2.852, 3.244, 0.009),
    (38, 0.20, 2, 3.745, 2.991, 3.735, 0.011),
    (38, 0.40, 1, 6.148, 5.834, 6.139, 0.019),
    (38, 0.40, 2, 7.670, 6.979, 7.669, 0.022),
    (40, 0.20, 1, 2.314, 2.066, 2.313, 0.009),
    (40, 0.20, 2, 2.885, 2.356, 2.879, 0.010),
    (40, 0.40, 1, 5.312, 5.060, 5.308, 0.018),
    (40, 0.40, 2, 6.920, 6.326, 6.921, 0.022),
    (42, 0.20, 1, 1.617, 1.465, 1.617, 0.007),
    (42, 0.20, 2, 2.212, 1.841, 2.206, 0.010),
    (42, 0.40, 1, 4.582, 4.379, 4.588, 0.017),
    (42, 0.40, 2, 6.248, 5.736, 6.243, 0.021),
    (44, 0.20, 1, 1.110, 1.017, 1.118, 0.007),
    (44, 0.20, 2, 1.690, 1.429, 1.675, 0.009),
    (44, 0.40, 1, 3.948, 3.783, 3.957, 0.017),
    (44, 0.40, 2, 5.647, 5.202, 5.622, 0.021),
]


def gbm_paths(spot, sigma, years, pairs, seed):
    """Risk-neutral GBM at the exercise dates, in antithetic pairs as in the paper."""
    dt = 1 / DATES_PER_YEAR
    z = np.random.default_rng(seed).standard_normal((pairs, round(years * DATES_PER_YEAR)))
    z = np.concatenate([z, -z])
    steps = (RATE - sigma**2 / 2) * dt + sigma * np.sqrt(dt) * z
    return spot * np.exp(np.cumsum(steps, axis=1))


def american_put(spot, sigma, years, pairs, seed, **options):
    prices = gbm_paths(spot, sigma, years, pairs, seed)
    payoff = np.maximum(STRIKE - prices, 0.0)
    return longstaff_schwartz(payoff, prices, np.exp(-RATE / DATES_PER_YEAR), **options)


def european_put(spot, sigma, years):
    """Black-Scholes put (closed form)."""
    d1 = (np.log(spot / STRIKE) + (RATE + sigma**2 / 2) * years) / (sigma * np.sqrt(years))
    d2 = d1 - sigma * np.sqrt(years)
    return STRIKE * np.exp(-RATE * years) * norm.cdf(-d2) - spot * norm.cdf(-d1)


def test_reproduces_the_papers_headline_put():
    # The paper's own setting: 100,000 paths (50,000 plus antithetic), weighted
    # Laguerre basis of degree 3. Published: 4.472 (s.e. 0.010); FD value 4.478.
    put = american_put(36, 0.20, 1, 50_000, seed=2001)
    assert abs(put.value - 4.472) < 3 * put.std_error
    assert abs(put.value - 4.478) < 3 * put.std_error
    assert_allclose(put.std_error, 0.010, rtol=0.2)  # the paper's s.e. for this row


@pytest.mark.parametrize(("spot", "sigma", "years", "fd", "european", "lsm", "se"), TABLE_1)
def test_table_1_rows(spot, sigma, years, fd, european, lsm, se):
    put = american_put(spot, sigma, years, 10_000, seed=spot * 100 + round(sigma * 10) + years)
    # Within three of our standard errors of the finite-difference value...
    assert abs(put.value - fd) < 3 * put.std_error
    # ...and above the European value by the early-exercise premium.
    assert_allclose(european_put(spot, sigma, years), european, atol=0.0015)
    assert put.value > european


def test_one_exercise_date_is_the_european_put():
    # With a single date the policy exercises whenever in the money: the
    # Black-Scholes put, within Monte Carlo error (a law, not a fit).
    dt = 1.0
    z = np.random.default_rng(5).standard_normal((100_000, 1))
    prices = 36 * np.exp((RATE - 0.02) * dt + 0.2 * np.sqrt(dt) * z)
    put = longstaff_schwartz(np.maximum(STRIKE - prices, 0), prices, np.exp(-RATE * dt))
    assert abs(put.value - european_put(36, 0.2, 1)) < 3 * put.std_error
    assert_allclose(european_put(36, 0.2, 1), 3.844, atol=0.0005)  # Table 1, European column
    assert (put.exercise_date == np.where(prices[:, 0] < STRIKE, 0, -1)).all()


def test_out_of_sample_value_is_close_and_not_above_optimal():
    # Fitted on one set of paths, followed on an independent one: a feasible
    # policy, so its value estimates a lower bound of the FD value 4.478.
    fitted = gbm_paths(36, 0.2, 1, 25_000, seed=11)
    fresh = gbm_paths(36, 0.2, 1, 25_000, seed=12)
    put = longstaff_schwartz(
        np.maximum(STRIKE - fitted, 0),
        fitted,
        np.exp(-RATE / DATES_PER_YEAR),
        validation={"exercise_value": np.maximum(STRIKE - fresh, 0), "state": fresh},
    )
    low = put.out_of_sample
    assert low is not None
    assert low.value < 4.478 + 3 * low.std_error
    assert abs(low.value - 4.478) < 0.05  # the policy loses little against the optimum
    assert low.exercise_date.shape == (50_000,)


def test_polynomial_basis_agrees_with_laguerre():
    laguerre = american_put(36, 0.2, 1, 20_000, seed=3)
    polynomial = american_put(36, 0.2, 1, 20_000, seed=3, basis="polynomial")
    # Same paths, different regressions: the policies differ only near the boundary.
    assert abs(laguerre.value - polynomial.value) < laguerre.std_error


def test_income_and_terminal_by_hand():
    # Identical paths: each regression fits the mean exactly. Two dates,
    # discount 0.5 per period; income 1 per period, acting pays 5 then 3,
    # never acting is worth 10 at the last date.
    #   date 1: wait (10 > 3), V1 = 1 + 10 = 11, W0 = 0.5 * 11 = 5.5
    #   date 0: wait (5.5 > 5), V0 = 1 + 5.5 = 6.5, value = 0.5 * 6.5 = 3.25
    policy = longstaff_schwartz(
        np.tile([5.0, 3.0], (4, 1)),
        np.ones((4, 2)),
        0.5,
        income=np.ones((4, 2)),
        terminal=np.full(4, 10.0),
        itm_only=False,
        degree=1,
    )
    assert_allclose(policy.value, 3.25)
    assert (policy.exercise_date == -1).all()
    # Acting at date 0 for 6: V0 = 1 + 6 = 7, value 3.5, and every path acts then.
    policy = longstaff_schwartz(
        np.tile([6.0, 3.0], (4, 1)),
        np.ones((4, 2)),
        0.5,
        income=np.ones((4, 2)),
        terminal=np.full(4, 10.0),
        itm_only=False,
        degree=1,
    )
    assert_allclose(policy.value, 3.5)
    assert (policy.exercise_date == 0).all()
    assert_allclose(policy.in_sample.exercise_share(2), [1.0, 0.0])


def test_informative_state_finds_the_optimal_policy():
    # Two kinds of path, told apart by the state: on "low" paths (state 1)
    # acting now (4) beats waiting (income 0, terminal 6 discounted by 0.5 = 3);
    # on "high" paths (state 2) waiting (terminal 20 -> 10) beats acting (4).
    state = np.repeat([[1.0], [2.0]], 50, axis=0)
    terminal = np.where(state[:, 0] == 1.0, 6.0, 20.0)
    policy = longstaff_schwartz(
        np.tile([4.0, 0.0], (100, 1)),
        np.hstack([state, state]),
        [1.0, 0.5],
        terminal=terminal,
        itm_only=False,
        degree=1,
        basis="polynomial",
    )
    assert (policy.exercise_date == np.where(state[:, 0] == 1.0, 0, -1)).all()
    assert_allclose(policy.value, (4.0 + 10.0) / 2)  # discount 1 to time 0
    # The fitted value of waiting at date 0 is 3 on low paths and 10 on high ones.
    assert_allclose(policy.continuation[0].predict([[1.0], [2.0]]), [3.0, 10.0])


def test_a_realised_exercise_value_is_not_peeked_at():
    # One date, discount 1, never acting worth 3. Half the paths (state 1)
    # pay 4 on average on acting, half (state 2) pay 1; each pays its mean
    # +5 or -5. The best policy that cannot see the noise acts on state 1:
    # (4 + 3) / 2 = 3.5. Reading each path's realised value would act on
    # every +5 path: (9 + 3 + 6 + 3) / 4 = 5.25, a value no operator gets.
    state = np.repeat([1.0, 2.0], 100)[:, None]
    mean = np.where(state[:, 0] == 1.0, 4.0, 1.0)
    noise = np.tile([5.0, -5.0], 100)
    arguments = {
        "exercise_value": (mean + noise)[:, None],
        "state": state,
        "discount": 1.0,
        "terminal": np.full(200, 3.0),
        "itm_only": False,
        "degree": 1,
        "basis": "polynomial",
    }
    assert_allclose(longstaff_schwartz(**arguments).value, 5.25)
    blind = longstaff_schwartz(**arguments, exercise_known=False)
    assert_allclose(blind.value, 3.5)
    assert (blind.exercise_date == np.where(state[:, 0] == 1.0, 0, -1)).all()
    # The fit is of waiting minus acting: 3 - 4 = -1 and 3 - 1 = 2.
    assert_allclose(blind.continuation[0].predict([[1.0], [2.0]]), [-1.0, 2.0])
    assert blind.evaluate(**{k: arguments[k] for k in ("exercise_value", "state")},
                          terminal=arguments["terminal"]).value == blind.value  # fmt: skip


def test_a_worthless_right_is_worth_nothing():
    # Strike 0: the put never pays, and no path acts (a law).
    prices = gbm_paths(36, 0.2, 1, 1_000, seed=1)
    policy = longstaff_schwartz(np.zeros_like(prices), prices, 0.99)
    assert policy.value == 0.0
    assert (policy.exercise_date == -1).all()
    assert not policy.continuation[0].fitted  # no path in the money to regress


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"exercise_value": np.ones(3)}, "exercise_value must be an array of paths x exercise"),
        ({"state": np.ones((3, 3))}, r"state must be paths x dates \(3, 2\)"),
        ({"exercise_value": [[1, np.nan], [1, 1], [1, 1]]}, "exercise_value must not be NaN"),
        ({"discount": [0.9]}, r"discount must be one factor or one per exercise date \(2\)"),
        ({"discount": -1}, "discount must be in"),
        ({"basis": "hermite"}, "basis must be one of"),
        ({"degree": 0}, "degree must be an integer >= 1"),
        ({"income": np.ones((3, 1))}, "income must have the shape of exercise_value"),
        ({"terminal": np.ones(2)}, r"terminal must have one value per path \(3\)"),
        ({"itm_only": "yes"}, "itm_only must be True or False"),
        ({"exercise_known": 1}, "exercise_known must be True or False"),
        ({"exercise_known": False}, "itm_only must be False when exercise_known is False"),
        ({"validation": {"state": np.ones((3, 2))}}, "validation must be a mapping with the keys"),
    ],
)
def test_bad_input_names_the_argument(kwargs, message):
    arguments = {"exercise_value": np.ones((3, 2)), "state": np.ones((3, 2)), "discount": 0.9}
    with pytest.raises(ValueError, match=message):
        longstaff_schwartz(**(arguments | kwargs))


def test_evaluate_needs_the_policys_dates():
    prices = gbm_paths(36, 0.2, 1, 1_000, seed=1)
    policy = longstaff_schwartz(np.maximum(STRIKE - prices, 0), prices, 0.99)
    with pytest.raises(ValueError, match="exercise_value must have 50 dates"):
        policy.evaluate(np.ones((4, 10)), np.ones((4, 10)))


# --------------------------------------------------------------------------
# The ASIC as a strip of daily calls
# --------------------------------------------------------------------------


def test_strip_agrees_with_the_engine_under_the_same_assumptions():
    # Yaish and Zohar (2023): under a risk-neutral GBM the engine's switch-off
    # Monte Carlo and the closed form value the same thing. Same assumptions:
    # drift ln(1 + r), discount (1 + r)^(-t/365), constant network hashrate and
    # fees, one S21 XP bought for nothing, 0.07 USD/kWh (strike near spot).
    from minerecon.difficulty import ConstantGrowth
    from minerecon.fees import ConstantFees
    from minerecon.hardware import Deployment, get_miner
    from minerecon.network import NetworkState
    from minerecon.options import switch_off_value
    from minerecon.price import GBM
    from minerecon.projection import MiningScenario, simulate

    rate, sigma = 0.04, 0.6
    miner = get_miner("Antminer S21 XP")
    scenario = MiningScenario(
        Deployment(miner, 1),
        start=NetworkState("2026-01-01", 930_000, 150e12, 60_000, 0.02),
        days=730,
        price=GBM(drift=np.log1p(rate), volatility=sigma),
        fees=ConstantFees(0.02),
        hashrate=ConstantGrowth(0.0),
        power_price=0.07,
        discount_rate=rate,
    )
    run = simulate(scenario, 4000, seed=22, output="full")
    npv = run.summary["npv"].values
    reward = run.daily["reward_per_th"].values
    assert np.ptp(reward, axis=0).max() == 0  # the same on every path: no hashrate noise
    energy = miner.power * 24 / 1000 * 0.07 / miner.hashrate  # USD per TH/s per day
    strip = switch_off_value(60_000, sigma, rate, reward[0], energy)
    error = npv.std(ddof=1) / np.sqrt(npv.size)
    assert abs(npv.mean() - strip.with_switch_off * miner.hashrate) < 3 * error
    # Always on, the engine's expected NPV is the closed form's (no option).
    always_on = simulate(scenario.replace(switch_off=False), 4000, seed=22)
    on = always_on.summary["npv"].values
    assert abs(on.mean() - strip.always_on * miner.hashrate) < 3 * on.std(ddof=1) / np.sqrt(
        on.size
    )
    assert strip.switch_off_premium > 0


def test_strip_limits():
    from minerecon.options import switch_off_value

    # No volatility: each day is worth max(h S0 - c (1+r)^-t, 0) (deterministic forward).
    days = np.arange(100)
    value = switch_off_value(50_000, 0.0, 0.05, [5e-7] * 100, 0.02)
    expected = np.maximum(5e-7 * 50_000 - 0.02 * 1.05 ** (-days / 365), 0)
    assert_allclose(value.daily, expected, rtol=1e-12)
    # Free power: a day is its BTC, h S0, and switching off is worth nothing.
    free = switch_off_value(50_000, 0.8, 0.05, [5e-7] * 10, 0.0)
    assert_allclose(free.with_switch_off, 10 * 5e-7 * 50_000)
    assert_allclose(free.switch_off_premium, 0.0, atol=1e-12)
    # Put-call parity per day: C - (h S0 - c e^{-rho t}) = h * put > 0, so each
    # day is worth more than running it blind and more than nothing.
    volatile = switch_off_value(50_000, 1.0, 0.05, [5e-7] * 400, 0.03)
    forward = 5e-7 * 50_000 - 0.03 * 1.05 ** (-np.arange(400) / 365)
    assert (volatile.daily[1:] > np.maximum(forward[1:], 0)).all()
    assert volatile.switch_off_premium > 0
    # A machine at 100 % over its value.
    assert_allclose(free.overpayment(2 * free.with_switch_off), 1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"btc_price": 0.0}, "btc_price must be in"),
        ({"volatility": -0.1}, "volatility must be in"),
        ({"rate": -1.0}, "rate must be in"),
        ({"btc_per_th": []}, "btc_per_th must be a non-empty sequence"),
        ({"btc_per_th": [-1e-7]}, "btc_per_th must be a non-empty sequence"),
        ({"cost_per_th": -0.01}, "cost_per_th must be >= 0"),
        ({"cost_per_th": [0.01, 0.02]}, r"cost_per_th must be one cost or one per day \(3\)"),
    ],
)
def test_strip_bad_input(kwargs, message):
    from minerecon.options import switch_off_value

    arguments = {
        "btc_price": 50_000,
        "volatility": 0.5,
        "rate": 0.04,
        "btc_per_th": [5e-7] * 3,
        "cost_per_th": 0.02,
    }
    with pytest.raises(ValueError, match=message):
        switch_off_value(**(arguments | kwargs))


# --------------------------------------------------------------------------
# When to convert a site
# --------------------------------------------------------------------------


def _small_site(price=None, days=730):
    """The 4 MW site of scenario.compare's example (1,000 S21 XP) and a lease."""
    from minerecon.hardware import Deployment
    from minerecon.hosting import ColocationLease
    from minerecon.network import NetworkState
    from minerecon.projection import MiningScenario
    from minerecon.scenario import Site, Split

    state = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
    site = Site(gross_mw=4.0, fleet=Deployment("Antminer S21 XP", 1000))
    lease = ColocationLease(
        rate=150.0,
        term_years=10,
        gross_to_it=1.25,
        build_days=90,
        ramp_days=0,
        capex_per_it_mw=4e6,
        noi_margin=1.0,
    )
    scenario = MiningScenario(site.fleet, start=state, days=days, price=price)
    return site, Split(lease, fraction=0.5), scenario


def test_conversion_timing_on_one_path_is_the_best_date():
    # No noise: the policy sees everything, so waiting is worth the best of
    # never and each decision date, each valued by scenario.compare alone.
    import dataclasses

    from minerecon.options import conversion_timing
    from minerecon.scenario import compare

    site, split, scenario = _small_site()
    timing = conversion_timing(site, split, scenario=scenario, n_paths=1, seed=0)
    # First days of every third month after 2026-01-01, within 730 days.
    assert [str(d.date()) for d in timing.decision_dates] == [
        "2026-04-01", "2026-07-01", "2026-10-01", "2027-01-01",
        "2027-04-01", "2027-07-01", "2027-10-01",
    ]  # fmt: skip
    days = [90, 181, 273, 365, 455, 546, 638]
    by_hand = compare(
        site,
        {str(d): dataclasses.replace(split, decision=d) for d in [0, *days]},
        scenario=scenario,
        n_paths=1,
        seed=0,
        contract_tail=True,
    )
    npv = by_hand.npv.isel(path=0)
    assert_allclose(timing.convert_now, float(npv.sel(option="0")))
    assert_allclose(timing.never, float(npv.sel(option="pure mining")))
    best = max(float(npv.sel(option=str(d))) for d in days)
    assert_allclose(timing.waiting, max(best, timing.never))
    assert timing.waiting_out_of_sample is None  # one path: nothing to check on
    assert timing.value_of_waiting >= 0


def test_a_lease_that_pays_nothing_is_never_taken():
    # Rent 0 and 4 M USD/MW of capex: converting only loses, on every path,
    # so the policy never converts and waiting is worth exactly "never".
    import dataclasses

    from minerecon.options import conversion_timing
    from minerecon.price import GBM

    site, split, scenario = _small_site(GBM(drift=0.0, volatility=0.6))
    free = dataclasses.replace(split, hosting=dataclasses.replace(split.hosting, rate=0.0))
    timing = conversion_timing(site, free, scenario=scenario, n_paths=200, seed=3)
    assert (timing.conversion_share == 0).all()
    assert timing.waiting == timing.never
    assert timing.value_of_waiting == 0.0 and not timing.converts_now
    assert timing.boundary.isna().all()


def test_conversion_policy_converts_below_its_boundary():
    # Volatile BTC, a lease worth more than mining on average: paths convert
    # when hashprice is low. The boundary is where the fitted gain from
    # waiting turns from negative to positive, and the policy converts the
    # paths below it.
    from minerecon.options import conversion_timing
    from minerecon.price import GBM

    site, split, scenario = _small_site(GBM(drift=0.0, volatility=0.8), days=1095)
    timing = conversion_timing(site, split, scenario=scenario, n_paths=400, seed=7)
    assert timing.waiting_out_of_sample is not None
    table = timing.table()
    assert list(table.index) == ["convert now", "never", "wait and decide", "optimal"]
    assert table.loc["optimal", "in_sample"] == timing.optimal
    hashprice = timing.hashprice.values
    below = converted = 0
    for j, boundary in enumerate(timing.boundary):
        fit = timing.policy.continuation[j]
        acts = timing.policy.exercise_date == j
        if np.isfinite(boundary):
            gain = fit.predict([boundary * 0.999, boundary * 1.001])
            assert gain[0] < 0 < gain[1]
            below += int((hashprice[acts, j] <= boundary).sum())
            converted += int(acts.sum())
    assert converted > 50
    assert below == converted  # the quadratic fits cross zero once, upwards
    # High-hashprice paths wait at the first date; all convert by the last one here.
    assert 0 < timing.conversion_share.iloc[0] < 1
    assert_allclose(timing.conversion_share.sum(), 1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"split": "half"}, "split must be a minerecon.scenario.Split"),
        ({"every_months": 0}, "every_months must be an integer >= 1"),
        ({"every_months": 121}, r"every_months must be an integer in \[1, 120\]"),
        ({"n_paths": 0}, "n_paths must be an integer >= 1"),
        ({"validation_paths": -1}, "validation_paths must be an integer >= 0"),
    ],
)
def test_conversion_timing_bad_input(kwargs, message):
    from minerecon.options import conversion_timing

    site, split, scenario = _small_site()
    arguments = {"site": site, "split": split, "scenario": scenario, "n_paths": 1}
    with pytest.raises(ValueError, match=message):
        conversion_timing(**(arguments | kwargs))


def test_machine_values_by_hand():
    # No volatility: each day is worth max(h_t S0 - c_t / 1.04^(t/365), 0), with
    # h_t the protocol reward (subsidy halving at height 1,050,000, day 868 from
    # height 925,008 at 144 blocks a day) and c_t = 13.5 J/TH * 24 h * 0.05 USD/kWh.
    from minerecon.network import NetworkState, block_subsidy, btc_per_th_day
    from minerecon.options import machine_values

    today = NetworkState("2025-11-25", 925_008, 152.27e12, 88_235, 0.0273)
    table = machine_values(
        today, 0.05, volatility=0.0, rate=0.04, years=3, miners=["Antminer S21 XP"],
        prices_per_th={"Antminer S21 XP": 20.0},
    )  # fmt: skip
    days = np.arange(3 * 365)  # three years of days, day 0 today
    reward = btc_per_th_day(152.27e12, 0.0273, block_subsidy(925_008 + 144 * days))
    assert (
        block_subsidy(925_008 + 144 * 868) == 1.5625
        and block_subsidy(925_008 + 144 * 867) == 3.125
    )
    cost = 13.5 * 24 / 1000 * 0.05
    by_hand = np.maximum(reward * 88_235 - cost * 1.04 ** (-days / 365), 0).sum()
    row = table.loc["Antminer S21 XP"]
    assert_allclose(row["value_usd_per_th"], by_hand, rtol=1e-12)
    assert_allclose(row["value_usd_per_unit"], by_hand * 270, rtol=1e-12)
    assert_allclose(row["overpayment"], 20.0 / by_hand - 1, rtol=1e-12)
    # With volatility the right to switch off is worth more for the less efficient machine.
    volatile = machine_values(today, 0.05, volatility=0.6, rate=0.04,
                              miners=["Antminer S21 XP", "Antminer S19j Pro"])  # fmt: skip
    premium = volatile["switch_off_premium_usd_per_th"]
    assert premium["Antminer S19j Pro"] > premium["Antminer S21 XP"] > 0
    assert list(volatile.index) == ["Antminer S21 XP", "Antminer S19j Pro"]  # by efficiency


def test_machine_values_bad_input():
    from minerecon.network import NetworkState
    from minerecon.options import machine_values

    today = NetworkState("2025-11-25", 925_008, 152.27e12, 88_235, 0.0273)
    with pytest.raises(ValueError, match=r"network must be a minerecon\.network\.NetworkState"):
        machine_values("today", 0.05, volatility=0.5, rate=0.04)
    with pytest.raises(ValueError, match="prices_per_th names machines not valued here"):
        machine_values(today, 0.05, volatility=0.5, rate=0.04, miners=["Antminer S21 XP"],
                       prices_per_th={"Antminer S9": 1.0})  # fmt: skip
    with pytest.raises(ValueError, match="years must be in"):
        machine_values(today, 0.05, volatility=0.5, rate=0.04, years=0)
    with pytest.raises(ValueError, match="miners must be a non-empty sequence"):
        machine_values(today, 0.05, volatility=0.5, rate=0.04, miners="Antminer S21 XP")
