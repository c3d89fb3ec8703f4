"""Cash-flow metrics: hand-calculated NPV, IRR and payback, vectorisation, kinds, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy.optimize import brentq

from minerecon import cashflow

# --------------------------------------------------------------------------
# discount_factors and npv
# --------------------------------------------------------------------------


def test_discount_factors_by_hand():
    # (1.21)**(-t/2) for t = 0, 1, 2: 1, 1/1.1, 1/1.21
    assert_allclose(
        cashflow.discount_factors(3, 0.21, periods_per_year=2),
        [1.0, 1 / 1.1, 1 / 1.21],
        rtol=1e-15,
    )
    # daily default: the factor after 365 days is 1 / (1 + r)
    assert_allclose(cashflow.discount_factors(366, 0.08)[365], 1 / 1.08, rtol=1e-14)


def test_discount_factors_broadcast_rate_and_dataarray():
    rates = np.array([0.0, 0.1])
    factors = cashflow.discount_factors(2, rates, periods_per_year=1)
    # shape rate.shape + (n,); row i = (1, 1 / (1 + r_i))
    assert_allclose(factors, [[1.0, 1.0], [1.0, 1 / 1.1]], rtol=1e-15)
    da = cashflow.discount_factors(2, xr.DataArray(rates, dims="rate"), periods_per_year=1)
    assert da.dims == ("rate", "period")
    assert_allclose(da.values, factors, rtol=1e-15)
    assert cashflow.discount_factors(0, 0.1).shape == (0,)


def test_npv_one_period_at_its_irr_is_zero():
    # -100 + 110 / 1.1 = 0
    assert_allclose(cashflow.npv([-100, 110], 0.10, periods_per_year=1), 0.0, atol=1e-12)


def test_npv_by_hand():
    # -100 + 60 / 1.1 + 60 / 1.21 = -100 + 54.545454... + 49.586776... = 4.132231...
    assert_allclose(
        cashflow.npv([-100, 60, 60], 0.10, periods_per_year=1),
        -100 + 60 / 1.1 + 60 / 1.21,
        rtol=1e-14,
    )
    assert_allclose(cashflow.npv([-100, 60, 60], 0.10, periods_per_year=1), 4.1322314, rtol=1e-7)
    # rate 0: plain sum
    assert cashflow.npv([-100, 60, 60], 0.0) == 20.0


def test_npv_daily_default_discounts_a_year_by_one_rate():
    flows = np.zeros(366)
    flows[0], flows[365] = -100.0, 108.0
    # day 365 is exactly one year at 365 periods per year: -100 + 108 / 1.08 = 0
    assert_allclose(cashflow.npv(flows, 0.08), 0.0, atol=1e-12)
    assert isinstance(cashflow.npv(flows, 0.08), float)


def test_npv_rate_array_broadcasts_against_paths():
    flows = np.array([[-100.0, 110.0], [-100.0, 121.0]])
    # one rate per path: both NPVs are zero (10 % and 21 %)
    assert_allclose(
        cashflow.npv(flows, np.array([0.10, 0.21]), periods_per_year=1), [0, 0], atol=1e-12
    )
    # a rate column against one stream: an NPV per rate
    out = cashflow.npv(flows[0], np.array([[0.0], [0.10]]), periods_per_year=1)
    assert_allclose(out, [[10.0], [0.0]], atol=1e-12)


def test_npv_axis():
    rng = np.random.default_rng(1)
    flows = rng.normal(size=(5, 7))
    assert_allclose(
        cashflow.npv(flows.T, 0.1, axis=0, periods_per_year=12),
        cashflow.npv(flows, 0.1, periods_per_year=12),
        rtol=1e-14,
    )


# --------------------------------------------------------------------------
# irr: hand values
# --------------------------------------------------------------------------


def test_irr_one_period():
    # -100 now, 110 one year later: 10 %
    assert_allclose(cashflow.irr([-100, 110], periods_per_year=1), 0.10, rtol=1e-13)
    # the same flows one month apart: 10 % a month, 1.1**12 - 1 a year
    assert_allclose(cashflow.irr([-100, 110]), 1.1**12 - 1, rtol=1e-13)


def test_irr_48_month_annuity_closed_form():
    # An annuity of 48 monthly payments repaying 100 at i = 1 % a month pays
    # PMT = 100 i / (1 - (1 + i)**-48) (present value of an annuity), so the
    # monthly IRR is exactly 1 % and the annual effective IRR 1.01**12 - 1.
    i = 0.01
    payment = 100 * i / (1 - (1 + i) ** -48)
    flows = np.r_[-100.0, np.full(48, payment)]
    assert_allclose(cashflow.irr(flows, periods_per_year=12), 1.01**12 - 1, rtol=1e-12)


def test_irr_negative_rate_by_hand():
    # -100 + 50 v + 40 v**2 = 0 -> v = (-50 + sqrt(50**2 + 4 * 40 * 100)) / 80,
    # r = 1 / v - 1 = -6.99 % (the investment loses 10 of 100)
    v = (-50 + np.sqrt(50**2 + 4 * 40 * 100)) / 80
    assert_allclose(cashflow.irr([-100, 50, 40], periods_per_year=1), 1 / v - 1, rtol=1e-12)
    assert cashflow.irr([-100, 50, 40], periods_per_year=1) < 0


def test_irr_zero_when_flows_sum_to_zero():
    # NPV at r = 0 is the plain sum, 0
    assert cashflow.irr([-100, 40, 60], periods_per_year=1) == 0.0


@pytest.mark.parametrize(
    "flows",
    [
        [100.0, 10.0, 5.0],  # all positive: no sign change
        [-100.0, -10.0, 0.0],  # all negative
        [0.0, 0.0, 0.0],  # all zero
        [0.0, -5.0, 0.0],  # a single non-zero flow
        [7.0],  # one period
        [1.0, -3.0, 3.0],  # two sign changes, 1 - 3v + 3v**2 has no real root
    ],
)
def test_irr_is_nan_without_a_solution(flows):
    assert np.isnan(cashflow.irr(flows, periods_per_year=1))


def test_irr_ignores_leading_and_trailing_zeros():
    # the zeros shift the polynomial by powers of v, which have no positive root;
    # the leading zero delays everything by one period, leaving the IRR at 10 %
    assert_allclose(cashflow.irr([0, -100, 110, 0, 0], periods_per_year=1), 0.10, rtol=1e-13)


def test_irr_two_roots_returns_the_one_nearest_zero():
    # -1 + 5v - 6v**2 = -(2v - 1)(3v - 1): v = 1/2 (r = 100 %) and v = 1/3 (r = 200 %)
    assert_allclose(cashflow.irr([-1, 5, -6], periods_per_year=1), 1.0, rtol=1e-12)
    # roots at r = -50 % and r = +100 %: v = 2 and v = 1/2,
    # (v - 2)(2v - 1) = 2v**2 - 5v + 2 -> flows [2, -5, 2];
    # in ln(1 + r) both are ln 2 away from 0; the tie goes to the positive root
    assert_allclose(cashflow.irr([2, -5, 2], periods_per_year=1), 1.0, rtol=1e-12)
    # roots at r = -50 % and r = +300 %: v = 2 and v = 1/4,
    # (v - 2)(4v - 1) = 4v**2 - 9v + 2 -> -50 % is nearer to 0 in ln(1 + r)
    assert_allclose(cashflow.irr([2, -9, 4], periods_per_year=1), -0.5, rtol=1e-12)


def test_irr_extreme_rates():
    # 1000x in one year: 99,900 %
    assert_allclose(cashflow.irr([-1, 1000], periods_per_year=1), 999.0, rtol=1e-12)
    # lose 99.9 % in one year
    assert_allclose(cashflow.irr([-1000, 1], periods_per_year=1), -0.999, rtol=1e-12)
    # a reversed sign pattern (borrowing: money in, then out) has an IRR too
    assert_allclose(cashflow.irr([100, -110], periods_per_year=1), 0.10, rtol=1e-13)


def _irr_brentq(
    flows: np.ndarray, periods_per_year: float, bracket: tuple[float, float] = (-0.99, 10.0)
) -> float:
    """Reference: brentq on the NPV in the periodic rate (within ``bracket``), annualised."""
    t = np.arange(len(flows))

    def f(periodic):
        return np.sum(flows * (1 + periodic) ** -t)

    periodic = brentq(f, *bracket, xtol=1e-15, rtol=1e-15, maxiter=500)
    return (1 + periodic) ** periods_per_year - 1


def test_irr_matches_brentq_on_random_conventional_streams():
    # 48 monthly flows after an investment: one sign change, one root in (-99 %, 1000 %)
    rng = np.random.default_rng(42)
    flows = np.column_stack([-rng.uniform(50, 150, 50), rng.uniform(0, 6, (50, 48))])
    got = cashflow.irr(flows)
    expected = [_irr_brentq(row, 12) for row in flows]
    assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


def test_irr_vectorised_equals_row_by_row():
    # general streams (several sign changes, some without root) with zeros sprinkled in
    rng = np.random.default_rng(7)
    flows = rng.normal(1.0, 3.0, (300, 24))
    flows[:, 0] -= 30
    flows[rng.uniform(size=flows.shape) < 0.1] = 0.0
    flows[:5] = np.abs(flows[:5])  # rows without an IRR
    by_rows = np.array([cashflow.irr(row) for row in flows])
    assert_array_equal(cashflow.irr(flows), by_rows)
    assert np.isnan(by_rows[:5]).all()
    # same along another axis and with extra leading axes
    assert_array_equal(cashflow.irr(flows.T, axis=0), by_rows)
    assert_array_equal(cashflow.irr(flows.reshape(3, 100, 24)), by_rows.reshape(3, 100))


def _irr_roots(flows: np.ndarray, periods_per_year: float) -> tuple[float, int]:
    """Reference: ln(1 + IRR) of the positive real root of the NPV polynomial nearest to
    r = 0 (numpy.roots, as numpy-financial does), and the number of positive real roots."""
    nonzero = np.flatnonzero(flows)
    if nonzero.size < 2:
        return np.nan, 0
    coefficients = flows[nonzero[0] : nonzero[-1] + 1]
    roots = np.roots(coefficients[::-1])  # sum_j c_j v**j, highest power first
    real = roots[(np.abs(roots.imag) <= 1e-9 * np.abs(roots)) & (roots.real > 0)].real
    if real.size == 0:
        return np.nan, 0
    v = real[np.argmin(np.abs(np.log(real)))]
    return -periods_per_year * np.log(v), real.size


def test_irr_general_streams_match_the_nearest_polynomial_root():
    # Random signs: several sign changes, several roots or none.
    rng = np.random.default_rng(7)
    flows = rng.normal(1.0, 3.0, (1000, 24))
    flows[:, 0] -= 30
    flows[rng.uniform(size=flows.shape) < 0.1] = 0.0
    with np.errstate(divide="ignore"):
        got = np.log1p(cashflow.irr(flows))  # ln(1 + r): the search variable
    reference = np.array([_irr_roots(row, 12) for row in flows])
    expected, n_roots = reference[:, 0], reference[:, 1]
    # nan exactly where the polynomial has no positive root, except for the
    # documented blind spot: two roots inside one grid step (needs >= 2 roots)
    differ = np.isnan(got) != np.isnan(expected)
    assert (n_roots[differ] >= 2).all()
    assert differ.sum() <= 5
    # same root; compared where 1 + r is representable well (r > -99.3 %)
    both = ~np.isnan(got) & ~np.isnan(expected) & (expected > -5)
    assert both.sum() > 500
    assert_allclose(got[both], expected[both], rtol=1e-8, atol=1e-9)


def _daily_site_flows(rng: np.random.Generator, n_rows: int, days: int) -> np.ndarray:
    """Daily flows shaped like a site's: capex on day 0 and in year 3, noisy income,
    losing days, a tax bill each year and a resale on the last day."""
    flows = rng.normal(30.0, 60.0, (n_rows, days)) * rng.uniform(0.3, 2.0, (n_rows, 1))
    flows[:, 0] -= rng.uniform(5e4, 1.5e5, n_rows)
    flows[:, 3 * 365] -= 2e4
    flows[:, 364::365] -= 1e3
    flows[:, -1] += 5e3
    return flows


def _irr_by_grid(flows: np.ndarray, periods_per_year: float) -> float:
    """Reference for long streams, term by term: the documented search (grid steps
    outward from r = 0 on both sides, the first sign change, brentq in its bracket)."""
    nonzero = np.flatnonzero(flows)
    c = flows[nonzero[0] : nonzero[-1] + 1]
    t = np.arange(c.size)

    def up(x):  # sum c_j x**j, x = v
        return np.sum(c * x**t)

    def down(x):  # sum c_j x**(m - j), x = 1 / v
        return np.sum(c[::-1] * x**t)

    previous = 1.0
    for k in range(cashflow._IRR_GRID.size + 1):
        x = np.exp(-cashflow._IRR_GRID[k] / periods_per_year) if k < cashflow._IRR_GRID.size else 0
        found = {}
        for side, poly in (("up", up), ("down", down)):
            if np.sign(poly(x)) != np.sign(poly(previous)):
                found[side] = brentq(poly, x, previous, xtol=1e-16, rtol=1e-15)
        if found:
            side, root = max(found.items(), key=lambda item: item[1])
            return np.expm1((-1 if side == "up" else 1) * periods_per_year * np.log(root))
        previous = x
    return np.nan


def test_irr_of_long_daily_streams_matches_a_term_by_term_search():
    # Ten years of daily flows (3,650 terms): long enough that the search reads the
    # sign of the NPV off block sums where they settle it; the result must be the
    # root the term-by-term search finds, to the root finder's precision.
    rng = np.random.default_rng(2026)
    flows = _daily_site_flows(rng, 60, 3650)
    got = cashflow.irr(flows, periods_per_year=365)
    expected = [_irr_by_grid(row, 365) for row in flows]
    assert np.isfinite(got).all()
    assert_allclose(np.log1p(got), np.log1p(expected), rtol=1e-9)
    # one sign change: the unique root, against brentq on the periodic rate
    conventional = np.column_stack([-rng.uniform(5e4, 1e5, 20), rng.uniform(0, 60, (20, 3650))])
    got = cashflow.irr(conventional, periods_per_year=365)
    expected = [_irr_brentq(row, 365, bracket=(-0.01, 0.05)) for row in conventional]
    assert_allclose(got, expected, rtol=1e-9)
    # Sites that lose most of their capex over one to three years (IRR -50 % to -99.9 %):
    # far from r = 0, where the block model is coarse and its own root search may not
    # settle; the result must still be the polynomial's root.
    for days in (300, 400, 730, 1095):
        losing = np.column_stack([-rng.uniform(5e4, 1e5, 10), rng.uniform(0, 20, (10, days))])
        got = cashflow.irr(losing, periods_per_year=365)
        expected = [_irr_brentq(row, 365, bracket=(-0.05, 0.01)) for row in losing]
        assert (np.array(got) < -0.5).all()
        assert_allclose(np.log1p(got), np.log1p(expected), rtol=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    terms=st.integers(cashflow._MODEL_MIN_TERMS, 4000),
    growth=st.floats(1e-4, 60.0),
)
def test_irr_block_model_bounds_its_error(seed, terms, growth):
    # The search trusts the block model's sign only where |model| > bound: the bound
    # must hold the exact polynomial on both sides, at any x = exp(-g / 365) in (0, 1].
    rng = np.random.default_rng(seed)
    c = rng.normal(0.0, 1.0, terms) * rng.uniform(0.0, 1e6) ** rng.uniform(0, 1, terms)
    up_blocks, down_blocks = cashflow._model_blocks(c, 0, terms - 1)
    x = np.exp(-growth / 365)
    pad = up_blocks.shape[1] * cashflow._BLOCK - terms  # the down model is x**pad * down(x)
    for blocks, coefficients, scale in ((up_blocks, c, 1.0), (down_blocks, c[::-1], x**pad)):
        value, _, bound = cashflow._model(blocks, x)
        exact = scale * cashflow._horner(coefficients, 0, terms - 1, x, False)[0]
        rounding = 1e-13 * np.sum(np.abs(coefficients) * x ** np.arange(terms))
        assert abs(value - exact) <= bound + rounding


@settings(max_examples=200, deadline=None)
@given(
    investment=st.floats(1.0, 1000.0),
    returns=st.lists(st.floats(0.0, 100.0), min_size=1, max_size=60),
    periods_per_year=st.sampled_from([1, 4, 12, 365]),
)
def test_irr_zeroes_the_npv_of_conventional_streams(investment, returns, periods_per_year):
    # one sign change (Descartes): exactly one IRR, always found
    flows = np.r_[-investment, returns]
    if not np.any(flows[1:] > 0):
        assert np.isnan(cashflow.irr(flows, periods_per_year=periods_per_year))
        return
    rate = cashflow.irr(flows, periods_per_year=periods_per_year)
    assert rate >= -1.0  # -1 when a tiny return rounds 1 + r to 0
    # residual where 1 + r carries enough digits to evaluate the NPV well
    if -0.99 < rate < 1e6:
        residual = cashflow.npv(flows, rate, periods_per_year=periods_per_year)
        assert abs(residual) <= 1e-9 * np.abs(flows).sum()
    # more money back means a higher IRR (up to the root finder's last digits: at a high
    # rate the extra money, discounted over many periods, moves the root by ~1e-16)
    more = flows.copy()
    more[-1] += 1.0
    higher = cashflow.irr(more, periods_per_year=periods_per_year)
    assert higher >= rate or np.isclose(higher, rate, rtol=1e-12, atol=0.0)


# --------------------------------------------------------------------------
# payback
# --------------------------------------------------------------------------


def test_payback_interpolates_within_the_period():
    # cumulative -100, -70, -40, -10, 20: turns >= 0 in period 4; 3 + 10 / 30 = 3.333...
    assert_allclose(cashflow.payback_period([-100, 30, 30, 30, 30]), 3 + 10 / 30, rtol=1e-15)


def test_payback_exact_never_immediate_and_first_crossing():
    # cumulative -100, -50, 0: exactly 2 periods
    assert cashflow.payback_period([-100, 50, 50]) == 2.0
    # cumulative -100, -90, -80: never
    assert cashflow.payback_period([-100, 10, 10]) == np.inf
    # the first flow is already >= 0: 0
    assert cashflow.payback_period([10, -5, -50]) == 0.0
    # first crossing: cumulative -100, 50, -50, -40 -> 0 + 100 / 150, the later dip ignored
    assert_allclose(cashflow.payback_period([-100, 150, -100, 10]), 100 / 150, rtol=1e-15)


def test_payback_vectorised_equals_row_by_row():
    rng = np.random.default_rng(3)
    flows = rng.normal(1.0, 2.0, (200, 30))
    flows[:, 0] = -rng.uniform(0, 40, 200)
    by_rows = np.array([cashflow.payback_period(row) for row in flows])
    assert np.isinf(by_rows).any() and np.isfinite(by_rows).any()
    assert_array_equal(cashflow.payback_period(flows), by_rows)
    assert_array_equal(cashflow.payback_period(flows.T, axis=0), by_rows)


def test_discounted_payback_by_hand():
    # discounted flows -100, 54.5454..., 49.5867...: cumulative -100, -45.4545..., 4.1322...
    # -> 1 + 45.4545... / 49.5867... = 1 + (60/1.1 - 100)... = 1.91667
    expected = 1 + (100 - 60 / 1.1) / (60 / 1.21)
    assert_allclose(
        cashflow.discounted_payback_period([-100, 60, 60], 0.10, periods_per_year=1),
        expected,
        rtol=1e-14,
    )
    assert_allclose(expected, 1.9166667, rtol=1e-7)
    # at 20 %, NPV = -100 + 50 + 41.67 < 0: never
    assert cashflow.discounted_payback_period([-100, 60, 60], 0.20, periods_per_year=1) == np.inf
    # at rate 0 it is the undiscounted payback
    assert_allclose(
        cashflow.discounted_payback_period([-100, 30, 30, 30, 30], 0.0), 3 + 10 / 30, rtol=1e-15
    )


def test_discounted_payback_rate_per_path():
    flows = np.array([[-100.0, 60.0, 60.0], [-100.0, 60.0, 60.0]])
    out = cashflow.discounted_payback_period(flows, np.array([0.1, 0.2]), periods_per_year=1)
    assert_allclose(out[0], 1 + (100 - 60 / 1.1) / (60 / 1.21), rtol=1e-14)
    assert out[1] == np.inf


# --------------------------------------------------------------------------
# kinds: DataArray, DataFrame, Series
# --------------------------------------------------------------------------


@pytest.fixture
def paths():
    rng = np.random.default_rng(11)
    data = rng.normal(3.0, 2.0, (2, 4, 24))
    data[..., 0] = -50.0
    return xr.DataArray(
        data,
        dims=("scenario", "path", "month"),
        coords={
            "scenario": ["mine", "host"],
            "month": pd.date_range("2026-01", periods=24, freq="MS"),
        },
    )


@pytest.mark.parametrize(
    ("func", "kwargs"),
    [
        (cashflow.npv, {"rate": 0.1, "periods_per_year": 12}),
        (cashflow.irr, {}),
        (cashflow.payback_period, {}),
        (cashflow.discounted_payback_period, {"rate": 0.1, "periods_per_year": 12}),
    ],
)
def test_dataarray_in_dataarray_out(paths, func, kwargs):
    out = func(paths, dim="month", **kwargs)
    assert isinstance(out, xr.DataArray)
    assert out.dims == ("scenario", "path")
    assert list(out["scenario"].values) == ["mine", "host"]
    assert_array_equal(out.values, func(paths.values, **kwargs))


def test_npv_dataarray_rate_dimension(paths):
    rates = xr.DataArray([0.0, 0.1, 0.2], dims="rate")
    out = cashflow.npv(paths, rates, dim="month", periods_per_year=12)
    assert set(out.dims) == {"scenario", "path", "rate"}
    for i, r in enumerate([0.0, 0.1, 0.2]):
        assert_allclose(
            out.isel(rate=i).transpose("scenario", "path").values,
            cashflow.npv(paths.values, r, periods_per_year=12),
            rtol=1e-13,
        )


def test_pandas_kinds():
    frame = pd.DataFrame([[-100.0, 110.0], [-100.0, 121.0]], index=["a", "b"])
    out = cashflow.irr(frame, periods_per_year=1)
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["a", "b"]
    assert_allclose(out.values, [0.10, 0.21], rtol=1e-13)
    # a Series is one stream
    assert_allclose(cashflow.payback_period(pd.Series([-100, 30, 30, 30, 30])), 10 / 3)


# --------------------------------------------------------------------------
# aggregate
# --------------------------------------------------------------------------


def test_aggregate_series_months_and_years():
    days = pd.date_range("2025-01-15", "2026-02-10")
    daily = pd.Series(2.0, index=days)
    monthly = cashflow.aggregate(daily)
    # 17 days left in January 2025 (15..31) at 2 a day; full months after; 10 days of Feb 2026
    assert monthly.iloc[0] == 34.0
    assert monthly.iloc[1] == 56.0  # February 2025: 28 days
    assert monthly.iloc[-1] == 20.0
    assert monthly.index[0] == pd.Timestamp("2025-01-01")
    yearly = cashflow.aggregate(daily, "YS")
    assert_array_equal(yearly.values, [2.0 * 351, 2.0 * 41])  # 351 days of 2025, 41 of 2026
    assert_array_equal(cashflow.aggregate(daily, how="mean").values, 2.0)


def test_aggregate_dataarray_keeps_other_dims():
    time = pd.date_range("2025-01-01", "2025-12-31")
    daily = xr.DataArray(np.ones((3, time.size)), dims=("path", "time"), coords={"time": time})
    monthly = cashflow.aggregate(daily)
    assert monthly.sizes == {"path": 3, "time": 12}
    assert_array_equal(monthly.isel(path=0).values, time.to_series().groupby(time.month).size())
    # the monthly totals go straight into irr
    flows = monthly.copy()
    flows[:, 0] = -300.0
    assert cashflow.irr(flows, dim="time").dims == ("path",)


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: cashflow.npv([-100, np.nan], 0.1), "cash_flows must be finite"),
        (lambda: cashflow.irr([-100, np.inf]), "cash_flows must be finite"),
        (lambda: cashflow.payback_period([[-1, 2], [np.nan, 1]]), r"position \(1, 0\)"),
        (lambda: cashflow.npv([-100, 110], -1.0), r"rate must be in \(-1"),
        (lambda: cashflow.npv([-100, 110], np.nan), "rate must not be NaN"),
        (lambda: cashflow.discounted_payback_period([-1, 2], -2.0), "rate"),
        (lambda: cashflow.irr([-100, 110], periods_per_year=0), "periods_per_year"),
        (lambda: cashflow.npv([-100, 110], 0.1, periods_per_year="12"), "periods_per_year"),
        (lambda: cashflow.irr([]), "at least one period"),
        (lambda: cashflow.irr(5.0), "scalar"),
        (lambda: cashflow.irr([[1, 2]], axis=2), "axis must be in"),
        (lambda: cashflow.irr(["a", "b"]), "cash_flows must be real numbers"),
        (lambda: cashflow.discount_factors(-1, 0.1), "n_periods"),
        (lambda: cashflow.discount_factors(2.5, 0.1), "n_periods"),
        # a legal count of a billion years of days would fill the memory
        (lambda: cashflow.discount_factors(2**40, 0.1), "n_periods must cover at most 1000"),
        (lambda: cashflow.aggregate(pd.Series([1.0, 2.0])), "DatetimeIndex"),
        (lambda: cashflow.aggregate([1.0, 2.0]), "daily must be"),
        (
            lambda: cashflow.aggregate(
                pd.Series([1.0, np.nan], index=pd.date_range("2025-01-01", periods=2))
            ),
            "daily must be finite",
        ),
        (
            lambda: cashflow.aggregate(
                pd.Series([1.0], index=pd.date_range("2025-01-01", periods=1)), freq="W"
            ),
            "freq must be one of",
        ),
        (
            lambda: cashflow.aggregate(
                pd.Series([1.0], index=pd.date_range("2025-01-01", periods=1)), how="median"
            ),
            "how must be one of",
        ),
    ],
)
def test_bad_input_raises_naming_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_dataarray_dim_errors(paths):
    with pytest.raises(ValueError, match="pass dim"):
        cashflow.irr(paths)
    with pytest.raises(ValueError, match="dim must be a dimension"):
        cashflow.irr(paths, dim="day")
    with pytest.raises(ValueError, match="dim is for DataArrays"):
        cashflow.irr(paths.values, dim="month")
    with pytest.raises(ValueError, match="dim must be a dimension"):
        cashflow.aggregate(paths, dim="time")
    with pytest.raises(ValueError, match="datetime coordinates"):
        cashflow.aggregate(paths, dim="path")
