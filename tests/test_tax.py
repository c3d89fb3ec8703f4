"""Tax: MACRS against IRS Pub. 946, hand-computed deductions and loss carry-forward, laws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from minerecon import tax

FAST = settings(max_examples=200, deadline=None)

# --------------------------------------------------------------------------
# MACRS against the published tables
# --------------------------------------------------------------------------

# IRS Publication 946, Appendix A, Table A-1 (GDS, half-year convention), in %.
TABLE_A1 = {
    3: [33.33, 44.45, 14.81, 7.41],
    5: [20.00, 32.00, 19.20, 11.52, 11.52, 5.76],
    7: [14.29, 24.49, 17.49, 12.49, 8.93, 8.92, 8.93, 4.46],
    10: [10.00, 18.00, 14.40, 11.52, 9.22, 7.37, 6.55, 6.55, 6.56, 6.55, 3.28],
    15: [
        *(5.00, 9.50, 8.55, 7.70, 6.93, 6.23, 5.90, 5.90),
        *(5.91, 5.90, 5.91, 5.90, 5.91, 5.90, 5.91, 2.95),
    ],
    20: [
        *(3.750, 7.219, 6.677, 6.177, 5.713, 5.285, 4.888, 4.522, 4.462, 4.461, 4.462),
        *(4.461, 4.462, 4.461, 4.462, 4.461, 4.462, 4.461, 4.462, 4.461, 2.231),
    ],
}


@pytest.mark.parametrize("years", sorted(TABLE_A1))
def test_macrs_half_year_matches_pub_946_table_a1(years):
    rates = tax.macrs_rates(years)
    assert len(rates) == years + 1  # half a year at each end: N + 1 tax years
    # Pub. 946 prints 2 decimals of a percent (3 for 20 years) and nudges the
    # last digit so the column sums to 100 %: agreement within 0.01 pp
    # (0.001 pp for 20 years), e.g. 7-year year 5: 8.925 % printed 8.93.
    atol = 1e-5 if years == 20 else 1e-4
    assert_allclose(rates, np.array(TABLE_A1[years]) / 100, rtol=0, atol=atol)
    assert_allclose(rates.sum(), 1.0, rtol=1e-14)  # the whole basis is recovered


def test_macrs_5_year_by_hand():
    # 200 % DB at 2/5 = 40 %/year, half a year first: 20 %; then 40 % of 80 = 32;
    # 40 % of 48 = 19.2; year 4: DB 40 % of 28.8 = 11.52 = SL 28.8 / 2.5 years
    # left, so switch: 11.52, 11.52, and the last half year 5.76.
    assert_allclose(tax.macrs_rates(5), [0.20, 0.32, 0.192, 0.1152, 0.1152, 0.0576], rtol=1e-12)


def test_macrs_39_year_matches_pub_946_table_a7a():
    # Table A-7a, in %: January: 2.461, then 2.564 for years 2-39, 0.107 in year 40;
    # December: 0.107, 2.564 ..., 2.461. The exact mid-month first year is
    # 11.5 / 12 / 39 = 2.457 % (the table steps by a rounded 0.214 % a month):
    # agreement within 0.005 pp.
    january = tax.macrs_rates(39)
    assert len(january) == 40
    assert_allclose(january[0], 0.02461, atol=5e-5)
    assert_allclose(january[0], 11.5 / 12 / 39, rtol=1e-12)
    assert_allclose(january[1:39], 0.02564, atol=5e-5)
    assert_allclose(january[39], 0.00107, atol=5e-5)
    december = tax.macrs_rates(39, month=12)
    assert_allclose(december[[0, 1, 39]], [0.00107, 0.02564, 0.02461], atol=5e-5)
    # July (Table A-7a, month 7): 1.177 first year
    assert_allclose(tax.macrs_rates(39, month=7)[0], 0.01177, atol=5e-5)
    for month in range(1, 13):
        assert_allclose(tax.macrs_rates(39, month=month).sum(), 1.0, rtol=1e-12)


def test_macrs_27_5_year_matches_pub_946_table_a6():
    # Table A-6, in %: January 3.485, 3.636/3.637 for years 2-27, 1.970 in
    # year 28; July: 1.667 first, 0.152 in year 29.
    january = tax.macrs_rates(27.5)
    assert len(january) == 28
    assert_allclose(january[[0, 1, 26, 27]], [0.03485, 0.03636, 0.03637, 0.01970], atol=5e-5)
    july = tax.macrs_rates(27.5, month=7)
    assert len(july) == 29
    assert_allclose(july[[0, 27, 28]], [0.01667, 0.03636, 0.00152], atol=5e-5)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"recovery_years": 6}, "recovery_years must be one of"),
        ({"recovery_years": True}, "recovery_years must be a number"),
        ({"recovery_years": [5]}, "recovery_years must be a number"),
        ({"recovery_years": 5, "month": 3}, "month applies to 27.5 and 39-year"),
        ({"recovery_years": 39, "month": 13}, r"month must be an integer in \[1, 12\]"),
        ({"recovery_years": 39, "month": 1.5}, "month must be an integer"),
    ],
)
def test_macrs_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tax.macrs_rates(**kwargs)


# --------------------------------------------------------------------------
# Straight line
# --------------------------------------------------------------------------


def test_straight_line_by_hand():
    # half-year: 1/4 a year, half of it in the first and last of 5 years
    assert_allclose(tax.straight_line_rates(4), [0.125, 0.25, 0.25, 0.25, 0.125], rtol=1e-15)
    # full-year: 1/2.5 = 0.4 a year, the half year left in year 3
    assert_allclose(
        tax.straight_line_rates(2.5, convention="full-year"), [0.4, 0.4, 0.2], rtol=1e-15
    )
    # full-year, whole number of years: exactly that many years
    assert_allclose(tax.straight_line_rates(3, convention="full-year"), [1 / 3] * 3, rtol=1e-15)


@FAST
@given(
    life=st.floats(0.1, 60.0),
    convention=st.sampled_from(["half-year", "full-year"]),
)
def test_straight_line_recovers_the_basis(life, convention):
    rates = tax.straight_line_rates(life, convention=convention)
    # law: the whole basis is recovered, never more than 1/life in a year
    assert_allclose(rates.sum(), 1.0, rtol=1e-12)
    assert (rates >= 0).all()
    assert (rates <= 1 / life + 1e-12).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"life_years": 0}, r"life_years must be in \(0, 1000\]"),
        ({"life_years": float("inf")}, r"life_years must be in \(0, 1000\]"),
        ({"life_years": 5, "convention": "mid-month"}, "convention must be one of"),
    ],
)
def test_straight_line_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tax.straight_line_rates(**kwargs)


# --------------------------------------------------------------------------
# Deductions from capex by year
# --------------------------------------------------------------------------


def test_depreciation_by_hand():
    # 1,000 in year 0 and 1,000 in year 1 on 5-year MACRS, no bonus:
    # year 0: 20 % of the first = 200; year 1: 32 % + 20 % = 520;
    # year 2: 19.2 % + 32 % = 512
    out = tax.depreciation([1000.0, 1000.0, 0.0], tax.macrs_rates(5))
    assert_allclose(out, [200.0, 520.0, 512.0], rtol=1e-12)
    # basis left: 2,000 - 1,232 = 768 at the end of year 2
    basis = tax.undepreciated_basis([1000.0, 1000.0, 0.0], tax.macrs_rates(5))
    assert_allclose(basis, [800.0, 1280.0, 768.0], rtol=1e-12)


def test_depreciation_bonus_by_hand():
    # 40 % bonus on 100: 40 at once, the other 60 on 5-year MACRS:
    # year 0: 40 + 0.2 * 60 = 52, year 1: 0.32 * 60 = 19.2
    out = tax.depreciation([100.0, 0.0], tax.macrs_rates(5), bonus=0.4)
    assert_allclose(out, [52.0, 19.2], rtol=1e-12)
    # full bonus: everything in the year it is placed in service
    assert_allclose(tax.depreciation([100.0, 50.0], tax.macrs_rates(5), bonus=1.0), [100, 50])
    # bonus per vintage (e.g. 40 % under the phase-down, then 100 %):
    # year 0: 40 + 0.2 * 60 = 52; year 1: 0.32 * 60 + 100 = 119.2
    out = tax.depreciation([100.0, 100.0], tax.macrs_rates(5), bonus=[0.4, 1.0])
    assert_allclose(out, [52.0, 119.2], rtol=1e-12)


def test_depreciation_paths_and_kinds():
    rates = tax.macrs_rates(3)
    capex = np.array([[300.0, 0.0, 0.0, 0.0, 0.0], [0.0, 300.0, 0.0, 0.0, 0.0]])
    out = tax.depreciation(capex, rates)
    # row 1 is row 0 shifted by one year (a convolution per path)
    assert_allclose(out[1, 1:], out[0, :-1], rtol=1e-15)
    assert_allclose(out[0, :4], 300 * rates, rtol=1e-15)  # one vintage = the table
    series = pd.Series([300.0, 0.0], index=[2025, 2026])
    assert_allclose(
        tax.depreciation(series, rates).to_numpy(), out[0, :2], rtol=1e-15
    )  # Series in, Series out, same index
    assert list(tax.depreciation(series, rates).index) == [2025, 2026]
    da = xr.DataArray(capex, dims=("path", "year"))
    result = tax.depreciation(da, rates)
    assert isinstance(result, xr.DataArray)
    assert result.dims == ("path", "year")
    assert_allclose(result.values, out, rtol=1e-15)


@FAST
@given(
    capex=st.lists(st.floats(0.0, 1e9), min_size=1, max_size=30),
    years=st.sampled_from([3, 5, 7, 10, 15, 20, 39]),
    bonus=st.floats(0.0, 1.0),
    scale=st.floats(0.0, 10.0),
)
def test_depreciation_laws(capex, years, bonus, scale):
    rates = tax.macrs_rates(years)
    capex = np.array(capex)
    out = tax.depreciation(capex, rates, bonus=bonus)
    basis = tax.undepreciated_basis(capex, rates, bonus=bonus)
    total = capex.sum()
    tol = 1e-12 * total + 1e-9  # rounding of sums of up to 30 vintages
    # never deduct more than was spent, never a negative deduction or basis
    assert (out >= 0).all()
    assert out.sum() <= total + tol
    assert (basis >= -tol).all()
    # deductions + basis left = capex spent so far (by definition)
    assert_allclose(np.cumsum(out) + basis, np.cumsum(capex), rtol=0, atol=tol)
    # linear in capex
    assert_allclose(
        tax.depreciation(scale * capex, rates, bonus=bonus), scale * out, rtol=0, atol=10 * tol
    )
    # a horizon long enough for the last vintage to finish leaves no basis
    padded = np.append(capex, np.zeros(len(rates)))
    assert_allclose(tax.undepreciated_basis(padded, rates, bonus=bonus)[-1], 0.0, atol=tol)


@pytest.mark.parametrize(
    ("capex", "rates", "bonus", "match"),
    [
        ([-1.0, 0.0], [0.5, 0.5], 0.0, r"capex_by_year must be in \[0, inf\]"),
        ([np.nan, 0.0], [0.5, 0.5], 0.0, "capex_by_year must not be NaN"),
        ([np.inf, 0.0], [0.5, 0.5], 0.0, "capex_by_year must be finite"),
        (5.0, [0.5, 0.5], 0.0, "capex_by_year must be an array"),
        ([1.0], [0.6, 0.6], 0.0, "rates must sum to at most 1"),
        ([1.0], [-0.1, 0.5], 0.0, r"rates must be in \[0, inf\]"),
        ([1.0], [[0.5, 0.5]], 0.0, r"rates must be one schedule \(1-D\)"),
        ([1.0], [0.5, 0.5], 1.5, r"bonus must be in \[0, 1\]"),
    ],
)
def test_depreciation_rejects_bad_arguments(capex, rates, bonus, match):
    with pytest.raises(ValueError, match=match):
        tax.depreciation(capex, rates, bonus=bonus)
    with pytest.raises(ValueError, match=match):
        tax.undepreciated_basis(capex, rates, bonus=bonus)


# --------------------------------------------------------------------------
# Income tax and net operating losses
# --------------------------------------------------------------------------


def test_income_tax_by_hand_80_percent_limit():
    # income [-100, 50, 200] at 21 %, 80 % limit:
    # year 0: loss, tax 0, NOL 100
    # year 1: may use min(100, 0.8 * 50 = 40) = 40 -> taxable 10 -> 2.1; NOL 60
    # year 2: may use min(60, 0.8 * 200 = 160) = 60 -> taxable 140 -> 29.4; NOL 0
    out = tax.income_tax([-100.0, 50.0, 200.0], 0.21)
    assert_allclose(out.tax, [0.0, 2.1, 29.4], rtol=1e-12)
    assert_allclose(out.nol, [100.0, 60.0, 0.0], rtol=1e-12)


def test_income_tax_by_hand_full_offset_and_opening_nol():
    # nol_limit = 1: year 1 uses 50 (taxable 0, NOL 50), year 2 uses 50 -> 150 * 0.21 = 31.5
    out = tax.income_tax([-100.0, 50.0, 200.0], 0.21, nol_limit=1.0)
    assert_allclose(out.tax, [0.0, 0.0, 31.5], rtol=1e-12)
    assert_allclose(out.nol, [100.0, 50.0, 0.0], rtol=1e-12)
    # opening NOL 500, 80 % limit, income 100 a year: 80 used a year, 20 taxed -> 4.2
    out = tax.income_tax([100.0, 100.0], 0.21, opening_nol=500.0)
    assert_allclose(out.tax, [4.2, 4.2], rtol=1e-12)
    assert_allclose(out.nol, [420.0, 340.0], rtol=1e-12)
    # nol_limit = 0: losses are never used, tax is the rate on each profit
    out = tax.income_tax([-100.0, 100.0], 0.21, nol_limit=0.0)
    assert_allclose(out.tax, [0.0, 21.0], rtol=1e-12)


def test_income_tax_paths_rates_and_kinds():
    income = np.array([[-100.0, 50.0, 200.0], [10.0, 10.0, 10.0]])
    out = tax.income_tax(income, 0.21, opening_nol=np.array([0.0, 100.0]))
    # path 0 as by hand; path 1 uses 8 of its opening 100 each year: 2 taxed -> 0.42
    assert_allclose(out.tax, [[0.0, 2.1, 29.4], [0.42, 0.42, 0.42]], rtol=1e-12)
    assert_allclose(out.nol[:, -1], [0.0, 76.0], rtol=1e-12)
    # a rate per year: 10 % then 20 % on 100 of profit each year
    assert_allclose(tax.income_tax([100.0, 100.0], [0.1, 0.2]).tax, [10.0, 20.0], rtol=1e-12)
    series = pd.Series([-100.0, 50.0, 200.0], index=[2026, 2027, 2028])
    result = tax.income_tax(series)
    assert isinstance(result.tax, pd.Series) and list(result.nol.index) == [2026, 2027, 2028]
    da = xr.DataArray(income, dims=("path", "year"))
    result = tax.income_tax(da)
    assert isinstance(result.tax, xr.DataArray) and result.tax.dims == ("path", "year")


incomes = st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=25).map(np.array)


@FAST
@given(
    income=incomes,
    rate=st.floats(0.0, 1.0),
    limit=st.floats(0.0, 1.0),
    opening=st.floats(0.0, 1e6),
)
def test_income_tax_laws(income, rate, limit, opening):
    out = tax.income_tax(income, rate, nol_limit=limit, opening_nol=opening)
    scale = np.abs(income).sum() + opening + 1.0
    # tax and losses carried are never negative
    assert (out.tax >= 0).all()
    assert (out.nol >= -1e-9 * scale).all()
    # exact bookkeeping: total tax = rate * (sum of income + closing NOL - opening NOL)
    assert_allclose(
        out.tax.sum(), rate * (income.sum() + out.nol[-1] - opening), rtol=1e-9, atol=1e-9 * scale
    )
    # losses only lower tax: at most the rate on each year's profit ...
    profits = np.maximum(income, 0.0)
    assert (out.tax <= rate * profits * (1 + 1e-12) + 1e-9).all()
    # ... and at least the rate on the share of profit the limit protects
    assert (out.tax >= rate * (1 - limit) * profits * (1 - 1e-12) - 1e-9).all()
    # without opening losses, at least the rate on the total income
    plain = tax.income_tax(income, rate, nol_limit=limit)
    assert plain.tax.sum() >= rate * max(0.0, income.sum()) * (1 - 1e-12) - 1e-9 * scale


@FAST
@given(income=incomes, rate=st.floats(0.0, 1.0), low=st.floats(0.0, 1.0), high=st.floats(0.0, 1.0))
def test_income_tax_falls_as_the_nol_limit_rises(income, rate, low, high):
    low, high = min(low, high), max(low, high)
    tight = tax.income_tax(income, rate, nol_limit=low)
    loose = tax.income_tax(income, rate, nol_limit=high)
    scale = np.abs(income).sum() + 1.0
    # cumulative tax (so also total tax) is lower with a looser limit
    assert (np.cumsum(loose.tax) <= np.cumsum(tight.tax) + 1e-9 * scale).all()


@FAST
@given(income=st.lists(st.floats(0.0, 1e6), min_size=1, max_size=25).map(np.array))
def test_income_tax_without_losses_is_the_rate_on_income(income):
    # all income >= 0, no opening loss, full offset: tax = rate * income each year
    out = tax.income_tax(income, 0.21, nol_limit=1.0)
    assert_allclose(out.tax, 0.21 * income, rtol=1e-12)
    assert (out.nol == 0).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"taxable_income": [1.0], "rate": 1.5}, r"rate must be in \[0, 1\]"),
        ({"taxable_income": [1.0], "rate": -0.1}, r"rate must be in \[0, 1\]"),
        ({"taxable_income": [1.0], "nol_limit": 1.2}, r"nol_limit must be in \[0, 1\]"),
        ({"taxable_income": [1.0], "nol_limit": [0.8]}, "nol_limit must be a real number"),
        ({"taxable_income": [1.0], "opening_nol": -5.0}, r"opening_nol must be in \[0, inf\]"),
        ({"taxable_income": [np.nan]}, "taxable_income must not be NaN"),
        ({"taxable_income": 100.0}, "taxable_income must be an array"),
        ({"taxable_income": [1.0, 2.0], "rate": [0.1, 0.2, 0.3]}, "rate .* must broadcast"),
    ],
)
def test_income_tax_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tax.income_tax(**kwargs)


# --------------------------------------------------------------------------
# Yearly sums
# --------------------------------------------------------------------------


def test_yearly_sums_by_hand():
    # blocks of 2 days from day 0, the last one short: 1+2, 3+4, 5
    assert_allclose(tax.yearly_sums([1.0, 2.0, 3.0, 4.0, 5.0], days_per_year=2), [3, 7, 5])
    daily = np.ones((2, 730))
    # two full years of 1 USD/day: 365 each, per path
    assert_allclose(tax.yearly_sums(daily), [[365, 365], [365, 365]])
    assert tax.yearly_sums(np.zeros(0)).shape == (0,)
    assert_allclose(tax.yearly_sums(np.ones(366)), [365.0, 1.0])


def test_yearly_sums_rejects_bad_arguments():
    with pytest.raises(ValueError, match="days_per_year must be an integer >= 1"):
        tax.yearly_sums([1.0], days_per_year=0)
    with pytest.raises(ValueError, match="daily must be finite"):
        tax.yearly_sums([np.inf])


# --------------------------------------------------------------------------
# Defaults, schedules and policy
# --------------------------------------------------------------------------


def test_defaults():
    assert tax.US_FEDERAL_CORPORATE_RATE == 0.21  # IRC §11(b) after TCJA 2017
    assert tax.NOL_LIMIT == 0.8  # IRC §172(a)(2) after TCJA 2017
    assert tax.BONUS_DEPRECIATION == 1.0  # Pub. L. 119-21 sec. 70301
    # machines: 5-year MACRS with full bonus -> deducted in the year bought
    assert tax.MINING_EQUIPMENT.recovery_years == 5
    assert_allclose(tax.MINING_EQUIPMENT.apply([100.0, 0.0, 30.0]), [100.0, 0.0, 30.0])
    # buildings: 39-year mid-month straight line, January, no bonus
    assert_allclose(tax.DATA_HALL.rates(), tax.macrs_rates(39), rtol=0)
    assert tax.DATA_HALL.bonus == 0.0


def test_depreciation_schedule_straight_line_and_basis():
    schedule = tax.DepreciationSchedule("straight_line", 4, convention="full-year")
    # 100 over 4 full years: 25 a year, 50 left after two
    assert_allclose(schedule.apply([100.0, 0.0]), [25.0, 25.0])
    assert_allclose(schedule.remaining_basis([100.0, 0.0]), [75.0, 50.0])
    # default convention for straight line is half-year
    assert_allclose(
        tax.DepreciationSchedule("straight_line", 4).rates(), tax.straight_line_rates(4)
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"method": "sum_of_years"}, "method must be one of"),
        ({"method": "macrs", "convention": "half-year"}, "convention applies to"),
        ({"method": "straight_line", "month": 3}, "month applies to method='macrs'"),
        ({"bonus": 1.5}, r"bonus must be in \[0, 1\]"),
        ({"recovery_years": 8}, "recovery_years must be one of"),
        ({"method": "straight_line", "recovery_years": -1}, "recovery_years must be in"),
    ],
)
def test_depreciation_schedule_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        tax.DepreciationSchedule(**kwargs)


def test_tax_policy_by_hand():
    policy = tax.TaxPolicy()
    # 500 of machines (expensed) and 3,900 of building in year 0 placed in January:
    # building year 0 = 3900 * 11.5 / 12 / 39 = 95.833..., year 1 = 100
    deduction = policy.depreciation([500.0, 0.0], [3900.0, 0.0])
    assert_allclose(deduction, [500.0 + 3900 * 11.5 / 12 / 39, 100.0], rtol=1e-12)
    assert_allclose(
        policy.depreciation(data_hall_capex_by_year=[3900.0, 0.0]),
        [3900 * 11.5 / 12 / 39, 100.0],
        rtol=1e-12,
    )
    # income 400 a year less the deduction: year 0 a loss of 195.83; year 1:
    # 300 - min(195.83, 0.8 * 300) = 104.17 taxed at 21 % = 21.875
    out = policy.income_tax(400.0 - deduction)
    assert_allclose(out.tax, [0.0, 0.21 * (300.0 - (500.0 + 3900 * 11.5 / 12 / 39 - 400.0))])
    assert_allclose(out.tax[1], 21.875, rtol=1e-12)
    with pytest.raises(ValueError, match="give mining_capex_by_year or data_hall_capex_by_year"):
        policy.depreciation()
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\]"):
        tax.TaxPolicy(rate=2.0)
    with pytest.raises(ValueError, match="data_hall must be a DepreciationSchedule"):
        tax.TaxPolicy(data_hall=39)


# --------------------------------------------------------------------------
# Bad arguments found by the fuzz suite (tests/api_specs/site.py)
# --------------------------------------------------------------------------


def test_straight_line_life_is_bounded():
    # A recovery period of 1e12 years asked for a 7.28 TiB array (MemoryError).
    with pytest.raises(ValueError, match=r"life_years must be in \(0, 1000\]"):
        tax.straight_line_rates(1e12)
    with pytest.raises(ValueError, match=r"recovery_years must be in \(0, 1000\]"):
        tax.DepreciationSchedule("straight_line", 1e12)


def test_schedule_text_arguments_must_be_strings():
    # An array method or convention raised numpy's "truth value of an array is
    # ambiguous" without naming the argument.
    with pytest.raises(ValueError, match="method must be one of"):
        tax.DepreciationSchedule(np.array(["macrs", "x"]))
    with pytest.raises(ValueError, match="convention must be one of"):
        tax.straight_line_rates(5, convention=np.array(["full-year", "x"]))


def test_bonus_must_broadcast_against_capex():
    # A bonus of the wrong length raised numpy's "operands could not be broadcast".
    with pytest.raises(ValueError, match=r"bonus must broadcast against capex_by_year"):
        tax.depreciation([1.0, 2.0], tax.macrs_rates(5), bonus=[0.5, 0.5, 0.5])


def test_misaligned_series_are_refused():
    # Series with different indexes were combined by position, silently.
    capex = pd.Series([100.0, 0.0], index=[2025, 2026])
    other = pd.Series([0.5, 0.5], index=[2030, 2031])
    with pytest.raises(ValueError, match="capex_by_year and bonus are Series"):
        tax.depreciation(capex, tax.macrs_rates(5), bonus=other)
    with pytest.raises(ValueError, match="taxable_income and rate are Series"):
        tax.income_tax(capex, rate=other)


def test_depreciation_of_a_long_array_stays_linear():
    # The vintage matrix was n x n: 200,000 entries asked for 298 GiB. A flat
    # spend of 1 a year under 5-year MACRS deducts 1 a year once every rate of
    # the schedule applies (the rates sum to 1).
    out = tax.depreciation(np.ones(200_000), tax.macrs_rates(5))
    assert_allclose(out[5:], 1.0, rtol=1e-12)


def test_yearly_sums_with_a_year_longer_than_the_data():
    # days_per_year = 2**70 raised a numpy casting TypeError: it is one short year.
    assert_allclose(tax.yearly_sums([1.0, 2.0], 2**70), [3.0])


def test_macrs_month_refuses_a_timedelta():
    # numpy registers timedelta64 as an integer: month=np.timedelta64(1, "D")
    # passed the integer check and raised numpy's UFuncTypeError.
    with pytest.raises(ValueError, match=r"month must be an integer in \[1, 12\]"):
        tax.macrs_rates(39, month=np.timedelta64(1, "D"))
