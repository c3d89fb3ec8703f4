"""Project debt: hand-computed schedules, the zero-NPV law at the loan rate, terms, DSCR."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from minerecon import cashflow, financing
from minerecon.financing import DebtTerms, debt_schedule

FAST = settings(max_examples=200, deadline=None)

# Annuity of 1,000 at 10 % over 3 annual payments: 1000 * 0.1 / (1 - 1.1 ** -3)
ANNUITY = 1000 * 0.1 / (1 - 1.1**-3)  # = 402.114804


def _loan(n_days=3 * 365 + 1, completion_day=0, draw_day=0, **terms):
    """1,000 borrowed on ``draw_day``: 2,000 of capex at 50 % loan to cost, 10 %, annual."""
    capex = np.zeros(n_days)
    capex[draw_day] = 2000.0
    defaults = {"loan_to_cost": 0.5, "rate": 0.10, "tenor_years": 3, "payments_per_year": 1}
    return debt_schedule(capex, completion_day, DebtTerms(**{**defaults, **terms}))


# --------------------------------------------------------------------------
# Hand-computed schedules
# --------------------------------------------------------------------------


def test_level_annual_by_hand():
    loan = _loan()
    assert_array_equal(loan.payment_days, [365, 730, 1095])
    days = loan.payment_days
    # year 1: interest 10 % of 1,000 = 100, principal 402.11 - 100 = 302.11, balance 697.89
    # year 2: interest 69.79, principal 332.33, balance 365.56
    # year 3: interest 36.56, principal 365.56, balance 0
    interest = [100.0, 0.1 * (1000 - (ANNUITY - 100))]
    interest.append(0.1 * (1000 - (ANNUITY - 100) - (ANNUITY - interest[1])))
    assert_allclose(loan.interest[days], interest, rtol=1e-12)
    assert_allclose(loan.interest[days], [100.0, 69.7885, 36.5559], rtol=1e-5)
    assert_allclose(loan.principal[days], [302.1148, 332.3263, 365.5589], rtol=1e-5)
    assert_allclose(loan.debt_service[days], ANNUITY, rtol=1e-12)
    assert_allclose(
        loan.balance[[0, 364, 365, 729, 730]], [1000, 1000, 697.8852, 697.8852, 365.5589]
    )
    assert loan.balance[1095] == 0.0
    # only payment days carry flows besides the draw on day 0
    assert loan.debt_service.sum() == pytest.approx(3 * ANNUITY, rel=1e-12)
    assert_allclose(loan.cash_flow[0], 1000.0)  # the draw, no fee
    assert_allclose(loan.draw.sum(), 1000.0)  # loan to cost 0.5 of 2,000


def test_straight_and_bullet_by_hand():
    straight = _loan(amortisation="straight")
    days = straight.payment_days
    # equal principal 1000 / 3; interest 10 % of 1,000, 666.67, 333.33
    assert_allclose(straight.principal[days], [1000 / 3] * 3, rtol=1e-12)
    assert_allclose(straight.interest[days], [100.0, 200 / 3, 100 / 3], rtol=1e-12)
    bullet = _loan(amortisation="bullet")
    # interest 100 a year on the full 1,000; principal 1,000 at maturity
    assert_allclose(bullet.interest[days], [100.0, 100.0, 100.0], rtol=1e-12)
    assert_allclose(bullet.principal[days], [0.0, 0.0, 1000.0], rtol=1e-12)


def test_semi_annual_dates_and_daily_compounding():
    loan = _loan(n_days=800, draw_day=10, tenor_years=2, payments_per_year=2)
    # dates counted from the first draw (day 10), round(k * 182.5) half up:
    # 183, 365, 548, 730 -> days 193, 375, 558, 740
    assert_array_equal(loan.payment_days, [193, 375, 558, 740])
    # 183 days of interest on 1,000: 1000 * (1.1 ** (183 / 365) - 1)
    assert_allclose(loan.interest[193], 1000 * (1.1 ** (183 / 365) - 1), rtol=1e-12)
    # level principal at the semi-annual rate i = 1.1 ** 0.5 - 1 over 4 dates:
    # 1000 i / ((1 + i) ** 4 - 1)
    i = 1.1**0.5 - 1
    assert_allclose(loan.principal[193], 1000 * i / ((1 + i) ** 4 - 1), rtol=1e-12)
    assert loan.balance[740] == 0.0 and (loan.balance[741:] == 0).all()


def test_interest_on_draws_spread_over_days():
    capex = np.zeros(400)
    capex[[0, 100, 300]] = [100.0, 200.0, 300.0]
    loan = debt_schedule(capex, 0, DebtTerms(0.5, 0.08, 1, payments_per_year=1))
    # each draw compounds daily from its day to the payment on day 365:
    # sum d_s (1.08 ** ((365 - s) / 365) - 1); all repaid at maturity (day 365)
    draws = np.array([50.0, 100.0, 150.0])
    expected = (draws * (1.08 ** ((365 - np.array([0, 100, 300])) / 365) - 1)).sum()
    assert_allclose(loan.interest[365], expected, rtol=1e-12)
    assert_allclose(loan.principal[365], 300.0, rtol=1e-12)
    # balance on the days between draws: 50, then 150, then 300
    assert_allclose(loan.balance[[0, 99, 100, 299, 300, 364]], [50, 50, 150, 150, 300, 300])


def test_interest_only_until_completion_by_hand():
    # completion on day 400: the payment on day 365 is interest only (100);
    # then level over the 2 dates left: principal 1000 * 0.1 / (1.1 ** 2 - 1) = 476.19
    loan = _loan(completion_day=400)
    days = loan.payment_days
    assert_allclose(loan.principal[days], [0.0, 100 / 0.21, 1000 - 100 / 0.21], rtol=1e-12)
    assert_allclose(loan.interest[days], [100.0, 100.0, 0.1 * (1000 - 100 / 0.21)], rtol=1e-12)
    # a completion exactly on a payment date counts as completed (principal that day)
    assert_allclose(_loan(completion_day=365).principal[days], _loan().principal[days])
    # without the interest-only period, principal from the first date as in the plain case
    assert_allclose(
        _loan(completion_day=400, interest_only_until_completion=False).principal,
        _loan().principal,
        rtol=1e-12,
    )


def test_capitalised_interest_by_hand():
    loan = _loan(completion_day=400, capitalise_interest=True)
    days = loan.payment_days
    # day 365: the 100 of interest is added to the principal: 1,100, none paid
    assert loan.interest[365] == 0.0
    assert_allclose(loan.capitalised_interest[365], 100.0, rtol=1e-12)
    assert_allclose(loan.balance[365], 1100.0, rtol=1e-12)
    # then level on 1,100 over 2 dates: principal 110 / 0.21, interest 110
    assert_allclose(loan.principal[days], [0.0, 110 / 0.21, 1100 - 110 / 0.21], rtol=1e-12)
    assert_allclose(loan.interest[days[1]], 110.0, rtol=1e-12)
    # everything capitalised is repaid: principal = draws + capitalised interest
    assert_allclose(loan.principal.sum(), 1100.0, rtol=1e-12)


def test_completion_after_maturity_is_a_bullet():
    # never complete within the tenor: principal all at maturity
    late = _loan(completion_day=5000)
    assert_allclose(late.principal, _loan(amortisation="bullet").principal, rtol=1e-12)
    never = _loan(completion_day=np.inf)
    assert_allclose(never.principal, late.principal, rtol=1e-12)


def test_horizon_cut_repays_on_the_last_day():
    loan = _loan(n_days=500)
    # day 365 as in the full schedule; on day 499 (the horizon) the balance
    # 697.89 is repaid with 134 days of interest: 697.89 * (1.1 ** (134 / 365) - 1)
    assert_array_equal(loan.payment_days, [365, 499])
    left = 1000 - (ANNUITY - 100)
    assert_allclose(loan.principal[[365, 499]], [ANNUITY - 100, left], rtol=1e-12)
    assert_allclose(loan.interest[499], left * (1.1 ** (134 / 365) - 1), rtol=1e-12)
    assert loan.balance[-1] == 0.0
    # a horizon shorter than the first payment: all repaid on the last day
    short = _loan(n_days=100)
    assert_array_equal(short.payment_days, [99])
    assert_allclose(short.interest[99], 1000 * (1.1 ** (99 / 365) - 1), rtol=1e-12)


def test_no_draws_after_maturity_fees_and_cash_flow():
    capex = np.zeros(1000)
    capex[[0, 200, 600]] = 100.0
    terms = DebtTerms(0.8, 0.07, 1, payments_per_year=4, upfront_fee=0.02)
    loan = debt_schedule(capex, 0, terms)
    # maturity on day 365: the capex on day 600 is left to equity
    assert_allclose(loan.draw[[0, 200, 600]], [80.0, 80.0, 0.0])
    # fee 2 % of each draw, paid with it
    assert_allclose(loan.fee[[0, 200]], [1.6, 1.6])
    # quarterly dates: round(k * 91.25) half up = 91, 183, 274, then maturity 365
    assert_array_equal(loan.payment_days, [91, 183, 274, 365])
    assert_allclose(
        loan.cash_flow, loan.draw - loan.interest - loan.principal - loan.fee, rtol=0, atol=0
    )
    assert_allclose(loan.debt_service, loan.interest + loan.principal, rtol=0, atol=0)


def test_nothing_drawn_is_all_zero():
    for loan in (
        debt_schedule(np.zeros(10), 0, DebtTerms(0.5, 0.1, 1)),
        debt_schedule(np.ones(10), 0, DebtTerms(0.0, 0.1, 1)),
    ):
        assert (loan.cash_flow == 0).all() and (loan.balance == 0).all()
        assert len(loan.payment_days) == 0
    assert len(debt_schedule(np.zeros(0), 0, DebtTerms(0.5, 0.1, 1)).draw) == 0


def test_zero_rate_level_is_straight():
    # at 0 % the annuity's principal is B / k, like straight
    assert_allclose(
        _loan(rate=0.0).principal, _loan(rate=0.0, amortisation="straight").principal, rtol=1e-12
    )
    assert (_loan(rate=0.0).interest == 0).all()


def test_yearly_totals_by_hand():
    table = _loan().yearly()
    # years = blocks of 365 days: days 0-364, 365-729, 730-1094, 1095
    assert list(table.index) == [0, 1, 2, 3]
    assert_allclose(table["draw"], [1000.0, 0.0, 0.0, 0.0])
    assert_allclose(table["interest"], [0.0, 100.0, 69.7885, 36.5559], rtol=1e-5)
    assert_allclose(table["debt_service"], [0.0, ANNUITY, ANNUITY, ANNUITY], rtol=1e-12)
    # balance at the end of each year: 1,000 before the first payment, then as by hand
    assert_allclose(table["balance"], [1000.0, 697.8852, 365.5589, 0.0], rtol=1e-6)


# --------------------------------------------------------------------------
# Laws
# --------------------------------------------------------------------------


@st.composite
def loans(draw):
    n_days = draw(st.integers(1, 3000))
    draw_days = draw(st.lists(st.integers(0, n_days - 1), min_size=0, max_size=6))
    capex = np.zeros(n_days)
    for day in draw_days:
        capex[day] += draw(st.floats(1.0, 1e9))
    terms = DebtTerms(
        loan_to_cost=draw(st.floats(0.0, 0.95)),
        rate=draw(st.floats(0.0, 0.5)),
        tenor_years=draw(st.floats(0.01, 10.0)),
        amortisation=draw(st.sampled_from(["level", "straight", "bullet"])),
        payments_per_year=draw(st.sampled_from([1, 2, 4, 12])),
        interest_only_until_completion=draw(st.booleans()),
        capitalise_interest=draw(st.booleans()),
    )
    completion_day = draw(st.floats(0.0, 4000.0))
    return capex, completion_day, terms


@FAST
@given(loans())
def test_lender_npv_at_the_loan_rate_is_zero(case):
    capex, completion_day, terms = case
    loan = debt_schedule(capex, completion_day, terms)
    lender = -loan.draw + loan.interest + loan.principal
    scale = loan.draw.sum() + 1.0
    # the key consistency law: daily compounding at the loan rate, every
    # schedule repaid within the horizon -> NPV of the lender's flows at that
    # rate (daily discounting, (1 + r) ** (-t / 365)) is zero
    assert abs(cashflow.npv(lender, terms.rate, periods_per_year=365)) <= 1e-10 * scale
    # everything drawn or capitalised is repaid, and nothing is left
    assert_allclose(
        loan.principal.sum(),
        loan.draw.sum() + loan.capitalised_interest.sum(),
        rtol=1e-12,
        atol=1e-12 * scale,
    )
    assert loan.balance[-1] == 0.0
    for flow in (loan.draw, loan.interest, loan.principal, loan.capitalised_interest):
        assert (flow >= 0).all()
    assert (loan.balance >= -1e-9 * scale).all()
    # interest is never both paid and capitalised on one day
    assert not ((loan.interest > 0) & (loan.capitalised_interest > 0)).any()


@FAST
@given(loans(), st.floats(0.001, 0.1))
def test_fees_raise_the_lenders_return_above_the_rate(case, fee):
    capex, completion_day, terms = case
    terms = dataclasses.replace(terms, upfront_fee=fee)
    loan = debt_schedule(capex, completion_day, terms)
    lender = -loan.draw + loan.fee + loan.interest + loan.principal
    # the lender's NPV at the loan rate is the present value of the fees (>= 0)
    fees_pv = cashflow.npv(loan.fee, terms.rate, periods_per_year=365)
    scale = loan.draw.sum() + 1.0
    assert abs(cashflow.npv(lender, terms.rate, periods_per_year=365) - fees_pv) <= 1e-10 * scale
    assert fees_pv >= 0


@FAST
@given(
    amount=st.floats(1.0, 1e9),
    rate=st.floats(0.0, 0.3),
    years=st.integers(1, 10),
    payments=st.sampled_from([1, 2, 4, 12]),
)
def test_straight_instalments_are_equal_and_level_principal_rises(amount, rate, years, payments):
    capex = np.zeros(years * 365 + 1)
    capex[0] = amount
    straight = debt_schedule(
        capex, 0, DebtTerms(0.5, rate, years, "straight", payments_per_year=payments)
    )
    principal = straight.principal[straight.payment_days]
    # equal instalments: half the capex over years * payments dates
    assert_allclose(principal, 0.5 * amount / (years * payments), rtol=1e-9)
    level = debt_schedule(capex, 0, DebtTerms(0.5, rate, years, payments_per_year=payments))
    principal = level.principal[level.payment_days]
    # annuity principal grows by (1 + i) a period: i = (1 + r) ** (1 / m) - 1
    assert_allclose(principal[1:] / principal[:-1], (1 + rate) ** (1 / payments), rtol=1e-9)


# --------------------------------------------------------------------------
# Terms and arguments
# --------------------------------------------------------------------------


def test_from_2025_notes():
    terms = DebtTerms.from_2025_notes()
    # WULF Compute 7.75 % notes due 2030, semi-annual, no principal before completion
    assert terms.rate == 0.0775 == financing.COUPONS_2025["WULF Compute"]
    assert terms.tenor_years == 5.0
    assert terms.payments_per_year == 2
    assert terms.interest_only_until_completion is True
    # assumptions stated in the docstring
    assert (terms.loan_to_cost, terms.amortisation, terms.upfront_fee) == (0.70, "level", 0.0)
    assert terms.capitalise_interest is False
    # published coupons: Cipher Compute 7.125 %, Flash Compute 8.0 %
    assert financing.COUPONS_2025["Cipher Compute"] == 0.07125
    assert financing.COUPONS_2025["Flash Compute"] == 0.08
    assert DebtTerms.from_2025_notes(loan_to_cost=0.85).loan_to_cost == 0.85  # Hut 8's upper end
    with pytest.raises(ValueError, match="overrides must be fields of DebtTerms"):
        DebtTerms.from_2025_notes(coupon=0.08)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"loan_to_cost": 1.0}, r"loan_to_cost must be in \[0, 1\)"),
        ({"loan_to_cost": -0.1}, r"loan_to_cost must be in \[0, 1\)"),
        ({"loan_to_cost": np.nan}, "loan_to_cost must not be NaN"),
        ({"rate": -0.01}, r"rate must be in \[0, inf\]"),
        ({"rate": np.inf}, "rate must be finite"),
        ({"tenor_years": 0}, r"tenor_years must be in \(0, 1000\]"),
        ({"amortisation": "balloon"}, "amortisation must be one of"),
        ({"payments_per_year": 0}, "payments_per_year must be an integer >= 1"),
        ({"payments_per_year": 2.0}, "payments_per_year must be an integer >= 1"),
        ({"payments_per_year": 400}, "payments_per_year must be at most 365"),
        ({"interest_only_until_completion": 1}, "interest_only_until_completion must be True"),
        ({"upfront_fee": 1.0}, r"upfront_fee must be in \[0, 1\)"),
        ({"capitalise_interest": "no"}, "capitalise_interest must be True or False"),
    ],
)
def test_debt_terms_reject_bad_fields(kwargs, match):
    base = {"loan_to_cost": 0.5, "rate": 0.1, "tenor_years": 5}
    with pytest.raises(ValueError, match=match):
        DebtTerms(**{**base, **kwargs})


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([-1.0, 0.0], 0), {}, r"capex must be in \[0, inf\]"),
        (([np.inf, 0.0], 0), {}, "capex must be finite"),
        (([[1.0, 0.0]], 0), {}, "capex must be a 1-D daily array"),
        (([1.0], -1), {}, r"completion_day must be in \[0, inf\]"),
        (([1.0], np.nan), {}, "completion_day must not be NaN"),
        (([1.0], [1, 2]), {}, "completion_day must be a number"),
        (([1.0], 0), {"days_per_year": 0}, "days_per_year must be an integer >= 1"),
        (([1.0], 0), {"days_per_year": 1}, "payments_per_year must be at most days_per_year"),
    ],
)
def test_debt_schedule_rejects_bad_arguments(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        debt_schedule(*args, DebtTerms(0.5, 0.1, 1), **kwargs)


def test_debt_schedule_rejects_terms_of_the_wrong_type():
    with pytest.raises(ValueError, match="terms must be a DebtTerms, got dict"):
        debt_schedule([1.0], 0, {"loan_to_cost": 0.5})


# --------------------------------------------------------------------------
# DSCR
# --------------------------------------------------------------------------


def test_dscr_by_hand_and_kinds():
    # 130 / 100 = 1.3; no debt service -> inf; -10 / 100 = -0.1
    assert_allclose(
        financing.dscr([130.0, 130.0, -10.0], [100.0, 0.0, 100.0]), [1.3, np.inf, -0.1]
    )
    assert financing.dscr(5.0, 0.0) == np.inf
    assert isinstance(financing.dscr(150.0, 100.0), float)
    # paths on leading axes, debt service broadcast
    out = financing.dscr(np.array([[120.0, 240.0], [60.0, 0.0]]), np.array([100.0, 200.0]))
    assert_allclose(out, [[1.2, 1.2], [0.6, 0.0]])
    series = financing.dscr(pd.Series([150.0, 10.0], index=[2027, 2028]), 100.0)
    assert list(series.index) == [2027, 2028]
    assert_allclose(series.to_numpy(), [1.5, 0.1])
    da = financing.dscr(
        xr.DataArray([150.0, 10.0], dims="year"), xr.DataArray([100.0, 0.0], dims="year")
    )
    assert isinstance(da, xr.DataArray)
    assert_allclose(da.values, [1.5, np.inf])


def test_dscr_of_a_schedule_by_year():
    loan = _loan()
    # 500 a year of CFADS against the annuity 402.11: DSCR 1.2434 in years 1-3
    cfads = np.array([0.0, 500.0, 500.0, 500.0])
    out = financing.dscr(cfads, loan.yearly()["debt_service"].to_numpy())
    assert_allclose(out, [np.inf, 500 / ANNUITY, 500 / ANNUITY, 500 / ANNUITY], rtol=1e-12)


def test_dscr_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"debt_service must be in \[0, inf\]"):
        financing.dscr(1.0, -1.0)
    with pytest.raises(ValueError, match="cfads must not be NaN"):
        financing.dscr(np.nan, 1.0)
    with pytest.raises(ValueError, match="debt_service must be finite"):
        financing.dscr(1.0, np.inf)


def test_bad_arguments_found_by_fuzzing():
    # An array amortisation raised numpy's "truth value of an array is
    # ambiguous"; Series with different indexes gave a DSCR of inf and nan rows.
    with pytest.raises(ValueError, match="amortisation must be one of"):
        DebtTerms(0.5, 0.1, 1, amortisation=np.array(["level", "x"]))
    cfads = pd.Series([130.0, 130.0], index=[0, 1])
    service = pd.Series([100.0, 100.0], index=[5, 6])
    with pytest.raises(ValueError, match="cfads and debt_service are Series"):
        financing.dscr(cfads, service)
