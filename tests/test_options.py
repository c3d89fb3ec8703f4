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
