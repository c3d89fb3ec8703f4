"""Valuation of a site: rates per stream, terminal values, tax, project debt.

Part A calls :func:`minerecon.valuation.value_site` on small flows built by
hand, so every expected value is a sum of discounted numbers written out in
the comments. Part B runs :func:`minerecon.scenario.compare` on a 1,000-machine
site and checks what the options' values must satisfy: the surviving fleet, the
stochastic default market, ``revalue`` and the laws of one-rate valuation.
"""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from minerecon import cashflow, price
from minerecon.difficulty import ConstantGrowth
from minerecon.financing import DebtTerms
from minerecon.hardware import Deployment, get_miner
from minerecon.hosting import ColocationLease
from minerecon.network import NetworkState
from minerecon.projection import MiningScenario, simulate
from minerecon.scenario import Site, Split, compare, default_scenario
from minerecon.tax import DepreciationSchedule, TaxPolicy
from minerecon.valuation import (
    COMPONENTS,
    CONTRACTED_DEBT_RATE,
    GUARANTOR_RATE,
    HOSTING_EXIT_MULTIPLE,
    HOSTING_RATE,
    MINING_EXIT_MULTIPLE,
    MINING_RATE,
    RENEWAL_PROBABILITY,
    HostingFlows,
    MiningFlows,
    Valuation,
    extension_years_offered,
    value_site,
)

DAYS = 730  # two tax years of 365 days
T = np.arange(DAYS)


def df(rate, n=DAYS):
    """Hand discount factors (1 + r) ** (-t / 365), t = 0 .. n-1 (the module's convention)."""
    return (1.0 + rate) ** (-np.arange(n) / 365.0)


def no_mining(paths=2, n=DAYS):
    return MiningFlows(cash=np.zeros((paths, n)), capex=np.zeros(n))


def lease_flows(noi, capex=None, guaranteed=None, exits=(), completion_day=0):
    """HostingFlows from a (paths, days) NOI; capex (days,) is taken out of the cash."""
    noi = np.asarray(noi, dtype=float)
    n = noi.shape[-1]
    capex = np.zeros(n) if capex is None else np.asarray(capex, dtype=float)
    guaranteed = np.zeros(n) if guaranteed is None else np.asarray(guaranteed, dtype=float)
    return HostingFlows(
        cash=noi - capex,
        guaranteed=guaranteed,
        capex=capex,
        exits=tuple(exits),
        completion_day=completion_day,
    )


# ==========================================================================
# A. value_site on flows built by hand
# ==========================================================================

# --------------------------------------------------------------------------
# A1. Discounting per stream
# --------------------------------------------------------------------------


def test_each_stream_is_discounted_at_its_own_rate():
    # Hosting rent R = 500 USD/day of which g = 200 USD/day is guaranteed; on path 1
    # the tenant defaults on day 400, after which only the guarantor's 200 is paid.
    # Mining: two noisy paths. No tax, no terminal value, no debt.
    rng = np.random.default_rng(0)
    mining_cash = rng.normal(1_000.0, 300.0, (2, DAYS))
    rent = np.full((2, DAYS), 500.0)
    rent[1, 400:] = 200.0
    g = np.full(DAYS, 200.0)
    rm, rh, rg = 0.15, 0.08, 0.05
    value = value_site(
        MiningFlows(mining_cash, np.zeros(DAYS)),
        lease_flows(rent, guaranteed=g),
        Valuation(rm, hosting_rate=rh, guarantor_rate=rg),
    )
    c = value.components
    # hosting = sum_t (cash_t - g_t)(1 + rh)^(-t/365): 300 a day, and on path 1
    # 300 until day 399 then 0.
    assert_allclose(c["hosting"][0], 300.0 * df(rh).sum(), rtol=1e-12)
    assert_allclose(c["hosting"][1], 300.0 * df(rh)[:400].sum(), rtol=1e-12)
    # guarantee = sum_t g_t (1 + rg)^(-t/365) on both paths, default or not.
    assert_allclose(c["guarantee"], 200.0 * df(rg).sum(), rtol=1e-12)
    # mining = sum_t m_t (1 + rm)^(-t/365).
    assert_allclose(c["mining"], mining_cash @ df(rm), rtol=1e-12)
    for name in ("terminal", "tax", "financing"):
        assert_array_equal(c[name], 0.0)
    # NPV is the sum of the parts (the first five components).
    assert_allclose(value.npv, c["mining"] + c["hosting"] + c["guarantee"], rtol=1e-12)
    # Nothing is added to the flows: they are mining + hosting cash.
    assert_allclose(value.flows, mining_cash + rent, rtol=1e-12)


def test_one_rate_equals_the_npv_of_the_total():
    # Valuation(r) puts every stream at r, so its NPV is cashflow.npv of the summed
    # daily flows at r (365 periods a year), whatever the split between streams.
    rng = np.random.default_rng(1)
    mining_cash = rng.normal(500.0, 200.0, (3, DAYS))
    capex = np.zeros(DAYS)
    capex[:50] = 4_000.0
    rent = np.where(T >= 50, 800.0, 0.0) * np.ones((3, 1))
    hosting = lease_flows(rent, capex=capex, guaranteed=np.where(T >= 50, 300.0, 0.0))
    value = value_site(MiningFlows(mining_cash, np.zeros(DAYS)), hosting, Valuation(0.12))
    total = mining_cash + rent - capex
    assert_allclose(
        value.npv, cashflow.npv(total, 0.12, periods_per_year=365), rtol=1e-12, atol=1e-6
    )
    assert_allclose(value.equity_npv, value.npv, rtol=0)


# --------------------------------------------------------------------------
# A2-A3. Terminal values
# --------------------------------------------------------------------------


def test_hosting_exit_is_a_multiple_of_forward_noi_discounted_at_the_hosting_rate():
    # Exit on day 500 with probability 0.4 and forward NOI (1.0e6, 2.0e6) USD/year,
    # multiple 15, rh = 0.08: terminal = 0.4 * 15 * NOI * 1.08 ** (-500/365).
    rh = 0.08
    noi = np.array([1.0e6, 2.0e6])
    hosting = lease_flows(np.zeros((2, DAYS)), exits=[(500, 0.4, noi)])
    valuation = Valuation(0.15, hosting_rate=rh, hosting_exit_multiple=15.0)
    value = value_site(no_mining(), hosting, valuation)
    expected = 0.4 * 15.0 * noi * 1.08 ** (-500 / 365)
    assert_allclose(value.components["terminal"], expected, rtol=1e-12)
    # The sale is a flow on its day.
    assert_allclose(value.flows[:, 500], 0.4 * 15.0 * noi, rtol=1e-12)
    # Multiple 0 (the default): the hall is worth nothing after its lease.
    zero = value_site(no_mining(), hosting, Valuation(0.15, hosting_rate=rh))
    assert_array_equal(zero.components["terminal"], 0.0)


def test_an_exit_after_the_last_day_keeps_its_present_value():
    # An exit on day 1,000 of a 730-day valuation is booked on day 729 at
    # V * 1.08 ** (-(1000 - 729)/365), whose PV at day 0 is V * 1.08 ** (-1000/365):
    # the same as discounting it from its own day. Two exits add (0.3 + 0.7 = 1).
    rh = 0.08
    noi = np.array([1.0e6, 3.0e6])
    hosting = lease_flows(np.zeros((2, DAYS)), exits=[(1000, 0.3, noi), (300, 0.7, noi)])
    value = value_site(
        no_mining(), hosting, Valuation(0.15, hosting_rate=rh, hosting_exit_multiple=10.0)
    )
    expected = 10.0 * noi * (0.3 * 1.08 ** (-1000 / 365) + 0.7 * 1.08 ** (-300 / 365))
    assert_allclose(value.components["terminal"], expected, rtol=1e-12)
    assert_allclose(
        value.flows[:, -1], 0.3 * 10.0 * noi * 1.08 ** (-(1000 - 729) / 365), rtol=1e-12
    )


def test_mining_exit_is_a_multiple_of_the_last_year_before_capex_floored_at_zero():
    # Path 0 earns 1,000 USD/day; on day 600 it buys 200,000 of machines (cash
    # 1,000 - 200,000 that day). Last 365 days before capex: 365 * 1,000 = 365,000,
    # so terminal = 6 * 365,000 on day 729 at the mining rate 0.15.
    # Path 1 loses 100 USD/day: 6 * max(0, -36,500) = 0.
    cash = np.vstack([np.full(DAYS, 1_000.0), np.full(DAYS, -100.0)])
    capex = np.zeros(DAYS)
    capex[600] = 200_000.0
    cash = cash - capex
    value = value_site(MiningFlows(cash, capex), None, Valuation(0.15, mining_exit_multiple=6.0))
    expected = np.array([6.0 * 365 * 1_000.0 * 1.15 ** (-729 / 365), 0.0])
    assert_allclose(value.components["terminal"], expected, rtol=1e-12)
    # Only the last 365 days count: earlier cash (here the same) does not double it.
    assert_allclose(value.flows[0, -1], 1_000.0 + 6.0 * 365_000.0, rtol=1e-12)


# --------------------------------------------------------------------------
# A4. Tax
# --------------------------------------------------------------------------


def test_tax_on_constant_income_is_paid_at_each_tax_year_end():
    # EBITDA e = 1,000 USD/day, no capex: income 365,000 in each tax year, tax
    # 0.21 * 365,000 = 76,650 on day 364 and on day 729, discounted at 10 %.
    cash = np.full((1, DAYS), 1_000.0)
    value = value_site(
        MiningFlows(cash, np.zeros(DAYS)), None, Valuation(0.10, tax=TaxPolicy(rate=0.21))
    )
    tax = 0.21 * 365 * 1_000.0
    assert_allclose(tax, 76_650.0, rtol=1e-12)
    expected = -tax * (1.1 ** (-364 / 365) + 1.1 ** (-729 / 365))
    assert_allclose(value.components["tax"], expected, rtol=1e-12)
    paid = cash - value.flows
    assert_array_equal(np.flatnonzero(paid[0]), [364, 729])
    assert_allclose(paid[0, [364, 729]], tax, rtol=1e-12)


def test_bonus_depreciation_loss_is_carried_forward_within_the_80_percent_limit():
    # 1,000,000 USD of machines on day 0 (5-year MACRS, 100 % bonus: all deducted
    # in tax year 0) and EBITDA 1,000 USD/day:
    #   year 0: 365,000 - 1,000,000 = -635,000, no tax, 635,000 carried forward;
    #   year 1: income 365,000, at most 0.8 * 365,000 = 292,000 of the loss used,
    #           tax 0.21 * (365,000 - 292,000) = 15,330 on day 729.
    capex = np.zeros(DAYS)
    capex[0] = 1e6
    cash = np.full((1, DAYS), 1_000.0) - capex
    value = value_site(MiningFlows(cash, capex), None, Valuation(0.10, tax=TaxPolicy(0.21)))
    assert_allclose(value.components["tax"], -15_330.0 * 1.1 ** (-729 / 365), rtol=1e-12)


def test_macrs_without_bonus_and_a_terminal_gain_over_the_remaining_basis():
    # The same machines on 5-year MACRS without bonus (20 %, 32 %, ... of 1,000,000):
    #   year 0: 365,000 - 200,000 = 165,000 taxed: 34,650 on day 364;
    #   year 1: 365,000 - 320,000 =  45,000 taxed:  9,450 on day 729;
    # basis left 1,000,000 - 520,000 = 480,000. A mining exit at 6 x 365,000 =
    # 2,190,000 is a gain of 1,710,000 over it: 0.21 * 1,710,000 = 359,100 on day 729.
    capex = np.zeros(DAYS)
    capex[0] = 1e6
    cash = np.full((1, DAYS), 1_000.0) - capex
    policy = TaxPolicy(0.21, mining_equipment=DepreciationSchedule("macrs", 5))
    value = value_site(
        MiningFlows(cash, capex), None, Valuation(0.10, tax=policy, mining_exit_multiple=6.0)
    )
    expected = -(34_650.0 * 1.1 ** (-364 / 365) + (9_450.0 + 359_100.0) * 1.1 ** (-729 / 365))
    assert_allclose(value.components["tax"], expected, rtol=1e-12)
    assert_allclose(value.components["terminal"], 2_190_000.0 * 1.1 ** (-729 / 365), rtol=1e-12)


def test_streams_are_taxed_separately():
    # Sum of the parts: mining loses 500 USD/day, hosting earns 1,000 USD/day. Each
    # stream is taxed on its own, so hosting pays 0.21 * 365,000 at each year end
    # (discounted at its own 8 %) and the mining loss shelters nothing.
    mining = MiningFlows(np.full((1, DAYS), -500.0), np.zeros(DAYS))
    hosting = lease_flows(np.full((1, DAYS), 1_000.0))
    value = value_site(mining, hosting, Valuation(0.15, hosting_rate=0.08, tax=TaxPolicy()))
    expected = -0.21 * 365_000.0 * (1.08 ** (-364 / 365) + 1.08 ** (-729 / 365))
    assert_allclose(value.components["tax"], expected, rtol=1e-12)


# --------------------------------------------------------------------------
# A5. Financing (adjusted present value)
# --------------------------------------------------------------------------


def build(n=DAYS, total=1e6, days=100, rent=3_000.0, paths=2):
    """Hall built over ``days`` (capex spread evenly), full rent from then on."""
    capex = np.zeros(n)
    capex[:days] = total / days
    noi = np.where(np.arange(n) >= days, rent, 0.0) * np.ones((paths, 1))
    return lease_flows(noi, capex=capex, completion_day=days)


@pytest.mark.parametrize(
    "terms",
    [
        # 5-year tenor over a 2-year horizon: repaid from the exit on day 729.
        DebtTerms(loan_to_cost=0.7, rate=0.07, tenor_years=5.0),
        # 1-year tenor, amortised from the first date: fully repaid inside the horizon.
        DebtTerms(
            loan_to_cost=0.7, rate=0.07, tenor_years=1.0, interest_only_until_completion=False
        ),
    ],
    ids=["repaid-at-horizon", "amortised-inside"],
)
def test_a_loan_at_its_own_rate_adds_nothing_without_tax_or_fees(terms):
    # The debt's flows (draws, interest, principal) have NPV 0 at the loan's rate
    # (interest accrues daily at (1 + r) ** (1/365) - 1), so without tax and fees
    # the financing component is 0 up to rounding: within 1e-9 of the 700,000 loan.
    value = value_site(no_mining(), build(), Valuation(0.10, financing=terms))
    assert_allclose(value.components["financing"], 0.0, atol=1e-9 * 700_000.0)
    assert_allclose(value.equity_npv, value.npv, rtol=0, atol=1e-9 * 700_000.0)
    # It does change the equity's flows: +700,000 drawn over the build in total.
    assert_allclose((value.equity_flows - value.flows)[:, :100].sum(axis=1), 7e5, rtol=1e-12)


def test_the_financing_value_with_tax_is_the_interest_tax_shield():
    # Hall of 1,000,000 on day 0, complete at once, NOI 3,000 USD/day (income
    # positive in every tax year with or without interest). Bullet loan of 50 %,
    # 10 %, annual payments, 5-year tenor over a 2-year horizon:
    #   day   0: +500,000 drawn;
    #   day 365: interest 500,000 * 0.10 = 50,000;
    #   day 729: interest 500,000 * (1.1 ** (364/365) - 1) and the 500,000 repaid
    #            (the loan outlasts the horizon).
    # Both payments fall in tax year 1, so the shield is 0.21 * (interest of year 1),
    # on day 729, and the financing component is its PV at the loan's 10 %.
    capex = np.zeros(DAYS)
    capex[0] = 1e6
    hosting = lease_flows(np.full((2, DAYS), 3_000.0), capex=capex, completion_day=0)
    terms = DebtTerms(
        loan_to_cost=0.5, rate=0.10, tenor_years=5.0, amortisation="bullet", payments_per_year=1
    )
    valuation = Valuation(0.15, hosting_rate=0.08, financing=terms, tax=TaxPolicy(0.21))
    value = value_site(no_mining(), hosting, valuation)
    late_interest = 500_000.0 * (1.1 ** (364 / 365) - 1)
    shield = 0.21 * (50_000.0 + late_interest)
    assert_allclose(value.components["financing"], shield * 1.1 ** (-729 / 365), rtol=1e-9)
    assert (value.components["financing"] > 0).all()
    # Equity flows = unlevered flows + the debt's flows + the shield, by hand.
    debt = np.zeros(DAYS)
    debt[0] = 500_000.0
    debt[365] = -50_000.0
    debt[729] = -(500_000.0 + late_interest) + shield
    assert_allclose(value.equity_flows - value.flows, debt * np.ones((2, 1)), atol=1e-6)
    assert_allclose(value.equity_npv, value.npv + value.components["financing"], rtol=1e-15)
    # The unlevered value ignores the debt: the same as without financing.
    unlevered = value_site(no_mining(), hosting, valuation.replace(financing=None))
    assert_allclose(value.npv, unlevered.npv, rtol=1e-15)


# --------------------------------------------------------------------------
# A6. IRR and payback
# --------------------------------------------------------------------------


def test_irr_is_the_root_of_the_librarys_own_npv_and_payback_its_own_definition():
    # Mining buys 2,000,000 of machines on day 0 and earns 3,000 or 4,000 a day; a
    # financed hall is built over 100 days. The IRR of the flows must zero
    # cashflow.npv of the same flows (the module's one discounting rule), the equity
    # IRR likewise for the equity flows, and payback is cashflow.payback_period.
    capex = np.zeros(DAYS)
    capex[0] = 2e6
    cash = np.array([[3_000.0], [4_000.0]]) * np.ones(DAYS) - capex
    terms = DebtTerms(loan_to_cost=0.6, rate=0.08, tenor_years=5.0)
    value = value_site(
        MiningFlows(cash, capex),
        build(),
        Valuation(0.15, hosting_rate=0.08, tax=TaxPolicy(), financing=terms),
    )
    irr = value.irr()
    equity_irr = value.equity_irr()
    assert np.isfinite(irr).all() and np.isfinite(equity_irr).all()
    for flows, rate in ((value.flows, irr), (value.equity_flows, equity_irr)):
        for path in range(2):
            npv = cashflow.npv(flows[path], rate[path], periods_per_year=365)
            assert_allclose(npv, 0.0, atol=1e-6 * np.abs(flows[path]).sum())
    assert_array_equal(value.payback_days(), cashflow.payback_period(value.flows))
    # The better path (4,000 a day) pays back sooner and returns more.
    assert value.payback_days()[1] < value.payback_days()[0] and irr[1] > irr[0]


# --------------------------------------------------------------------------
# A7. Debt-service coverage
# --------------------------------------------------------------------------


def level_loan_site(n, completion_day=0, tenor=5.0, noi=1_000.0):
    """Hall of 1,000,000 on day 0, NOI from completion; level loan of 50 % at 10 %, annual."""
    capex = np.zeros(n)
    capex[0] = 1e6
    rent = np.where(np.arange(n) >= completion_day, noi, 0.0) * np.ones((1, 1))
    hosting = lease_flows(rent, capex=capex, completion_day=completion_day)
    terms = DebtTerms(loan_to_cost=0.5, rate=0.10, tenor_years=tenor, payments_per_year=1)
    return value_site(no_mining(1, n), hosting, Valuation(0.10, financing=terms))


def test_dscr_in_a_full_operating_year_is_noi_over_the_level_instalment():
    # Loan 500,000 at 10 %, 5 annual level instalments from day 365:
    #   A = 500,000 * 0.1 / (1 - 1.1 ** -5) = 131,898.74 USD.
    # Tax year 1 (days 365-729) has one instalment and NOI 365 * 1,000:
    #   DSCR = 365,000 / 131,898.74 = 2.767.
    # Year 0 has no payment date (inf). Three-year horizon.
    value = level_loan_site(3 * 365)
    instalment = 500_000.0 * 0.1 / (1 - 1.1**-5)
    assert_allclose(instalment, 131_898.74, rtol=1e-7)
    assert value.dscr.shape == (1, 3)
    assert value.dscr[0, 0] == np.inf
    assert_allclose(value.dscr[0, 1], 365_000.0 / instalment, rtol=1e-9)
    # Year 2: the instalment of day 730, and on the last day (1,094) the interest of
    # 364 days on the balance left; that balance, due only at maturity (day 1,825),
    # is paid from the exit and not counted.
    balance = 500_000.0 - (instalment - 50_000.0)
    balance -= instalment - 0.1 * balance
    interest = balance * (1.1 ** (364 / 365) - 1)
    assert_allclose(value.dscr[0, 2], 365_000.0 / (instalment + interest), rtol=1e-9)


def test_dscr_is_nan_before_completion_and_without_financing():
    # Completion on day 400: tax years 0 (day 0) and 1 (day 365) start before it.
    value = level_loan_site(3 * 365, completion_day=400)
    assert np.isnan(value.dscr[0, :2]).all() and np.isfinite(value.dscr[0, 2])
    # No financing: nan everywhere.
    capex = np.zeros(DAYS)
    capex[0] = 1e6
    plain = value_site(
        no_mining(),
        lease_flows(np.full((2, DAYS), 1_000.0), capex=capex),
        Valuation(0.1, tax=TaxPolicy()),
    )
    assert plain.dscr.shape == (2, 2) and np.isnan(plain.dscr).all()


def test_dscr_when_the_maturity_falls_inside_the_horizon():
    # Tenor 2 years: maturity on day 730, inside a 731-day horizon, so the second
    # instalment is scheduled and counts. Level instalments of the 500,000 loan:
    # A = 500,000 * 0.1 / (1 - 1.1 ** -2) = 288,095.24; year 1 (days 365-729) holds
    # the first: DSCR = 365,000 / 288,095.24 = 1.2669.
    value = level_loan_site(731, tenor=2.0)
    instalment = 500_000.0 * 0.1 / (1 - 1.1**-2)
    assert_allclose(value.dscr[0, 1], 365_000.0 / instalment, rtol=1e-9)


def test_dscr_leaves_out_the_balance_repaid_from_the_exit_when_maturity_is_the_day_after():
    # Tenor 2 years: maturity on day 730, a 730-day horizon (last day 729). The loan
    # outlasts the horizon by a day, so debt_schedule repays its balance on day 729;
    # per SiteValue.dscr that balance "is paid from the exit and not counted".
    # Year 1 (days 365-729):
    #   day 365: instalment A = 288,095.24 (interest 50,000, principal 238,095.24);
    #   day 729: interest of 364 days on the 261,904.76 left = 26,115.26.
    # DSCR = 365,000 / (288,095.24 + 26,115.26) = 1.1616. The code also counts the
    # 261,904.76 repaid on day 729: 365,000 / 576,115.26 = 0.6336.
    value = level_loan_site(730, tenor=2.0)
    instalment = 500_000.0 * 0.1 / (1 - 1.1**-2)
    balance = 500_000.0 - (instalment - 50_000.0)
    interest = balance * (1.1 ** (364 / 365) - 1)
    assert_allclose(value.dscr[0, 1], 365_000.0 / (instalment + interest), rtol=1e-9)


# --------------------------------------------------------------------------
# A8. Valuation: checks, ready-made views, deal texts
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"mining_rate": -1.0}, "mining_rate"),
        ({"mining_rate": float("nan")}, "mining_rate"),
        ({"hosting_rate": -1.5}, "hosting_rate"),
        ({"guarantor_rate": -1.0}, "guarantor_rate"),
        ({"hosting_exit_multiple": -1.0}, "hosting_exit_multiple"),
        ({"mining_exit_multiple": -0.5}, "mining_exit_multiple"),
        ({"renewal_years": -1.0}, "renewal_years"),
        ({"renewal_probability": 1.5}, "renewal_probability"),
        ({"renewal_probability": -0.1}, "renewal_probability"),
        ({"financing": 0.7}, "financing"),
        ({"financing": {"loan_to_cost": 0.7}}, "financing"),
        ({"tax": 0.21}, "tax"),
    ],
)
def test_valuation_rejects_bad_fields_naming_them(fields, name):
    with pytest.raises(ValueError, match=name):
        Valuation(**fields)


def test_rates_default_down_the_streams():
    # hosting defaults to mining's rate, the guarantee to hosting's.
    assert Valuation(0.1).rates == {"mining": 0.1, "hosting": 0.1, "guarantee": 0.1}
    assert Valuation(0.1, hosting_rate=0.07).rates == {
        "mining": 0.1,
        "hosting": 0.07,
        "guarantee": 0.07,
    }
    assert Valuation(0.1, guarantor_rate=0.05).rates["hosting"] == 0.1


def test_market_view_uses_the_module_constants():
    market = Valuation.market()
    assert market.mining_rate == MINING_RATE == 0.15
    assert market.hosting_rate == HOSTING_RATE == 0.08
    assert market.guarantor_rate == GUARANTOR_RATE == 0.055
    assert market.hosting_exit_multiple == HOSTING_EXIT_MULTIPLE == 15.0
    assert market.mining_exit_multiple == MINING_EXIT_MULTIPLE == 6.0
    assert market.renewal_probability == RENEWAL_PROBABILITY == 0.5
    assert market.renewal_years == 10.0  # 2 x 5-year options, the default
    # Cipher Compute's 7.125 % semi-annual coupon, annual effective:
    # (1 + 0.07125 / 2) ** 2 - 1 = 1.035625 ** 2 - 1 = 0.072519140625.
    assert_allclose(CONTRACTED_DEBT_RATE, 0.072519140625, rtol=1e-14)
    assert market.financing == DebtTerms.from_2025_notes(
        rate=CONTRACTED_DEBT_RATE, tenor_years=11.5, loan_to_cost=0.70
    )
    assert market.tax == TaxPolicy(data_hall=DepreciationSchedule("macrs", 15))
    assert market.name == "market"
    # Overrides reach the fields.
    assert Valuation.market(5.0, hosting_rate=0.09).hosting_rate == 0.09
    assert Valuation.market(5.0).renewal_years == 5.0


def test_conservative_view_is_one_rate_taxed_with_nothing_after_the_horizon():
    view = Valuation.conservative(0.12)
    assert view.rates == {"mining": 0.12, "hosting": 0.12, "guarantee": 0.12}
    assert isinstance(view.tax, TaxPolicy) and view.tax == TaxPolicy()
    assert view.hosting_exit_multiple == 0.0 and view.mining_exit_multiple == 0.0
    assert view.financing is None and not view.keeps_hall


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2x5y (to ~$7B)", 10.0),  # Cipher/TeraWulf style: two 5-year options
        ("3x5y (to $17.7B)", 15.0),  # three 5-year options
        ("extensions (to ~$16B)", 0.0),  # options published without a count
        (None, 0.0),
        (float("nan"), 0.0),  # an empty CSV cell
    ],
)
def test_extension_years_offered_reads_the_deal_table(text, years):
    assert extension_years_offered(text) == years


# ==========================================================================
# B. Through scenario.compare
# ==========================================================================

# Height 931,392 is the first block of epoch 462; no fees, BTC at 90,000 USD.
STATE = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
S21XP = get_miner("Antminer S21 XP")  # 270 TH/s, 3,645 W
PUE = 1.05
# 1,000 S21 XP at PUE 1.05: 1000 * 3,645 W * 1.05 = 3.82725 MW of site power.
FLEET_MW = 1000 * 3645 * PUE / 1e6
GBM = price.GBM(drift=0.0, volatility=0.7)


def lease(**fields):
    """A lease with no build lag, ramp, capex or opex unless told otherwise."""
    terms = dict(
        rate=120.0, term_years=10, build_days=0, ramp_days=0, capex_per_it_mw=0.0, noi_margin=1.0
    )
    return ColocationLease(**{**terms, **fields})


def market(days, **fields):
    fields.setdefault("start", STATE)
    return MiningScenario(Deployment(S21XP, 1), days=days, **fields)


def filled_site(fleet=None, **fields):
    """A site whose gross MW is exactly its fleet's MW."""
    fleet = Deployment(S21XP, 1000) if fleet is None else fleet
    return Site(Site(1.0, fleet).fleet_mw, fleet, **fields)


def monthly_sums(daily, dates):
    months = dates.to_period("M")
    starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
    return np.add.reduceat(daily, starts, axis=-1)


# --------------------------------------------------------------------------
# B1. Mining runs on the machines still alive
# --------------------------------------------------------------------------


def test_a_split_mines_with_the_surviving_fleet_up_to_the_power_left():
    # 4 MW site, 1,000 S21 XP (3.82725 MW at nameplate with PUE 1.05) failing at
    # 15 %/year: on day t the machines alive need F_t = 3.82725 * exp(-0.15 t/365) MW.
    # Half the site (2 MW) goes at once to a lease paying nothing (no build, ramp,
    # capex): mining keeps A = 2 MW, so it runs s_t = min(1, 2 / F_t) of the
    # surviving fleet. Power at 0.01 USD/kWh keeps every machine on, so pure mining's
    # daily cash is the surviving fleet's operating flow and the split's is s_t times
    # it. In year 3, F_t falls from 2.835 to 2.44 MW: s_t from 0.705 to 0.819, where
    # scaling by the nameplate fleet would give 2 / 3.82725 = 0.5226 throughout.
    days = 3 * 365
    fleet = Deployment(S21XP, 1000, failure_rate=0.15)
    site = Site(4.0, fleet, power_price=0.01)
    result = compare(site, [Split(lease(rate=0.0), mw=2.0)], scenario=market(days), n_paths=1)
    pure = result.mining.daily.cash_flow.isel(path=0).values
    assert (pure > 0).all()  # every machine on, every day
    surviving_mw = FLEET_MW * np.exp(-0.15 * np.arange(days) / 365)
    scale = np.minimum(1.0, 2.0 / surviving_mw)
    assert 0.70 < scale[730:].min() and scale[730:].max() < 0.82
    monthly = result.monthly_cash_flow.isel(path=0)
    dates = result.scenario.dates
    assert_allclose(monthly.sel(option="pure mining"), monthly_sums(pure, dates), rtol=1e-12)
    assert_allclose(monthly.sel(option="50% hosted"), monthly_sums(scale * pure, dates), rtol=1e-9)
    # The mining component is the PV of those flows at the one 10 % rate.
    mining = result.components.sel(option="50% hosted", component="mining", path=0)
    assert_allclose(mining, (scale * pure) @ df(0.10, days), rtol=1e-9)
    # Year 3 as a whole: well above the nameplate scaling.
    year3 = slice(730, days)
    ratio = (scale * pure)[year3].sum() / pure[year3].sum()
    assert ratio > 0.70 > 2.0 / FLEET_MW


# --------------------------------------------------------------------------
# B2-B3. The default market and the one-path rule
# --------------------------------------------------------------------------


def test_the_default_market_is_a_zero_drift_gbm_with_a_spread_of_values():
    site = Site(4.0, Deployment(S21XP, 1000))
    default = default_scenario(site)
    # No drift the user did not ask for (DESIGN: valuation and defaults).
    assert isinstance(default.price, price.GBM)
    assert default.price.drift == 0.0 and default.price.volatility > 0
    result = compare(site, [Split(lease(), fraction=0.5)], n_paths=50, seed=0)
    assert result.scenario.days == 3650
    for option in result.options:
        values = result.npv.sel(option=option).values
        assert np.percentile(values, 5) < np.percentile(values, 95)


def test_one_path_only_for_a_scenario_without_noise_unless_a_tenant_can_default():
    site = filled_site(power_price=0.05)
    quiet = market(200, price=price.ConstantPrice(), hashrate=ConstantGrowth(0.0, volatility=0.0))
    with pytest.raises(ValueError, match="n_paths"):
        compare(site, [Split(lease(), fraction=0.5)], scenario=quiet, n_paths=2)
    with pytest.raises(ValueError, match="n_paths"):
        compare(site, [], scenario=quiet, n_paths=10)
    # One path is fine; so are many when the tenant's default day is drawn per path.
    compare(site, [Split(lease(), fraction=0.5)], scenario=quiet, n_paths=1)
    risky = Split(lease(default_hazard=2.0), fraction=0.5)
    result = compare(site, [risky], scenario=quiet, n_paths=20, seed=3)
    pure = result.npv.sel(option="pure mining").values
    hosted = result.npv.sel(option="50% hosted").values
    assert_allclose(pure, pure[0], rtol=0)  # mining: the same path every time
    assert np.unique(hosted).size > 1  # defaults differ between paths


# --------------------------------------------------------------------------
# B4. revalue
# --------------------------------------------------------------------------


def test_revalue_gives_what_compare_gives_with_that_valuation():
    site = filled_site(power_price=0.06, mining_capex_per_mw=2e5)
    contract = lease(
        rate=130.0,
        build_days=90,
        ramp_days=60,
        capex_per_it_mw=3e6,
        noi_margin=0.85,
        default_hazard=0.3,
        backstop_share=0.4,
        escalator=0.03,
    )
    splits = [Split(contract, fraction=0.5), Split(contract, fraction=1.0, decision=30)]
    scenario = market(730, price=GBM)
    view = Valuation.market()
    first = compare(site, splits, scenario=scenario, n_paths=20, seed=7)
    again = first.revalue(view)
    direct = compare(site, splits, scenario=scenario, n_paths=20, seed=7, valuation=view)
    assert again.valuation == view
    for name in (
        "npv",
        "equity_npv",
        "components",
        "irr",
        "equity_irr",
        "payback_days",
        "monthly_cash_flow",
        "dscr",
    ):
        assert_array_equal(getattr(again, name).values, getattr(direct, name).values, err_msg=name)
    # And it is a different valuation from the first one (one rate, pre-tax).
    assert not np.array_equal(again.npv.values, first.npv.values)


# --------------------------------------------------------------------------
# B5. Laws of the valuation
# --------------------------------------------------------------------------


def test_one_rate_keeps_the_pre_existing_values_of_compare():
    # The doctest of compare: 4 MW, 1,000 S21 XP, a 1-year horizon at 10 %, half the
    # site at once to a lease of 150 USD/kW-month on 2 / 1.25 = 1.6 IT MW.
    # Pure mining is the engine's own NPV of the fleet; the split mines 2 / 3.82725 of
    # it and adds rent 150 * 12,000 / 365 * 1.6 = 7,890.41 USD/day for 365 days.
    site = Site(gross_mw=4.0, fleet=Deployment(S21XP, 1000))
    contract = lease(rate=150.0, gross_to_it=1.25)
    scenario = MiningScenario(site.fleet, start=STATE, days=365)
    result = compare(site, [Split(contract, fraction=0.5)], n_paths=1, seed=0, scenario=scenario)
    engine = simulate(scenario.replace(pue=PUE), 1, seed=0).summary.npv.values
    pure = result.npv.sel(option="pure mining").values
    assert_allclose(pure, engine, rtol=1e-12)
    rent = 150.0 * 12_000 / 365 * 1.6
    expected = 2.0 / FLEET_MW * engine + rent * df(0.10, 365).sum()
    assert_allclose(result.npv.sel(option="50% hosted").values, expected, rtol=1e-12)
    assert (result.npv / 1e6).round(2).values.tolist() == [[1.95], [3.76]]
    # One rate, no tax, no terminal, no debt: NPV = mining + hosting (+ guarantee, 0).
    parts = result.components.isel(path=0)
    for option in result.options:
        p = parts.sel(option=option)
        for name in ("guarantee", "terminal", "tax", "financing"):
            assert p.sel(component=name) == 0.0
        assert_allclose(
            result.npv.sel(option=option, path=0),
            p.sel(component="mining") + p.sel(component="hosting"),
            rtol=1e-12,
        )


@pytest.fixture(scope="module")
def risky_comparison():
    """A stochastic comparison with a build, capex, defaults and a backstop."""
    site = filled_site(power_price=0.06, mining_capex_per_mw=2e5)
    contract = lease(
        rate=160.0,
        build_days=90,
        ramp_days=60,
        capex_per_it_mw=3e6,
        noi_margin=1.0,
        default_hazard=0.2,
        backstop_share=0.5,
    )
    splits = [Split(contract, fraction=f) for f in (0.25, 0.5, 1.0)]
    view = Valuation(0.12, hosting_rate=0.08, guarantor_rate=0.05, hosting_exit_multiple=10.0)
    return compare(
        site, splits, scenario=market(730, price=GBM), n_paths=30, seed=12, valuation=view
    )


def test_a_higher_hosting_rate_lowers_every_split_and_leaves_mining(risky_comparison):
    # What the hosting rate discounts (the rent beyond the guarantee, the build capex
    # and the hall's sale at the horizon) is capex first, then rent and the sale: one
    # change of sign. Such a stream, c_t for t < t* negative and after it positive, is
    # worth (1 + r) ** (-t*) * sum_t c_t (1 + r) ** (-(t - t*)), where the sum falls as
    # r rises; while it is positive the value falls too. The guaranteed rent stays at
    # its own 5 % and the mining flows at 12 %.
    base = risky_comparison
    harder = base.revalue(base.valuation.replace(hosting_rate=0.11))
    hosting_rate_part = harder.components.sel(component=["hosting", "terminal"]).sum("component")
    assert (hosting_rate_part.values[1:] > 0).all()
    assert_array_equal(harder.npv.sel(option="pure mining"), base.npv.sel(option="pure mining"))
    assert (harder.npv.values[1:] < base.npv.values[1:]).all()
    assert_array_equal(
        harder.components.sel(component="guarantee"), base.components.sel(component="guarantee")
    )
    assert_array_equal(
        harder.components.sel(component="mining"), base.components.sel(component="mining")
    )


def test_a_higher_hosting_exit_multiple_raises_every_split(risky_comparison):
    # The hall is sold at the horizon for multiple * forward NOI, which is > 0 on
    # every path (after a default the guarantor still pays half the rent):
    # 15x instead of 10x adds 5/10 of the terminal value, mining unchanged.
    base = risky_comparison
    richer = base.revalue(base.valuation.replace(hosting_exit_multiple=15.0))
    assert_array_equal(richer.npv.sel(option="pure mining"), base.npv.sel(option="pure mining"))
    assert (richer.npv.values[1:] > base.npv.values[1:]).all()
    terminal = base.components.sel(component="terminal").values[1:]
    assert_allclose(
        richer.components.sel(component="terminal").values[1:], 1.5 * terminal, rtol=1e-12
    )


def test_components_add_up_to_npv_and_equity_npv(risky_comparison):
    # value_site adds the first five components in order for npv and the financing
    # for equity_npv; the same sums in the same order give bit-identical numbers.
    full = risky_comparison.revalue(Valuation.market())
    parts = full.components
    assert list(parts.component.values) == list(COMPONENTS)
    npv = 0.0
    for name in COMPONENTS[:5]:
        npv = npv + parts.sel(component=name).values
    assert_array_equal(full.npv.values, npv)
    equity = npv + parts.sel(component="financing").values
    assert_array_equal(full.equity_npv.values, equity)
    # The market view finances the halls: the financing component is not zero there.
    assert (parts.sel(component="financing").values[1:] != 0).all()
    assert_array_equal(parts.sel(option="pure mining", component="financing"), 0.0)


def test_hosting_exit_with_escalated_forward_noi_through_compare():
    # A 10-year lease still running at the 400-day horizon is sold on its last day
    # (day 399) for 15 x forward NOI: NOI of day 399 (contract year 1, rent escalated
    # once by 3 %) times 365, grown by one more year of escalator. Whole 4 MW site on
    # 4 / 1.25 = 3.2 IT MW at 150 USD/kW-month, NOI margin 0.8:
    #   NOI_399 = 0.8 * 150 * 12,000 / 365 * 1.03 * 3.2 USD/day,
    #   terminal = 15 * 365 * NOI_399 * 1.03 * 1.08 ** (-399/365).
    site = Site(4.0, Deployment(S21XP, 1000), power_price=0.5)  # machines off
    contract = lease(rate=150.0, gross_to_it=1.25, noi_margin=0.8, escalator=0.03)
    view = Valuation(0.15, hosting_rate=0.08, hosting_exit_multiple=15.0)
    result = compare(
        site, [Split(contract, fraction=1.0)], scenario=market(400), n_paths=1, valuation=view
    )
    noi = 0.8 * 150.0 * 12_000 / 365 * 1.03 * 3.2
    expected = 15.0 * 365 * noi * 1.03 * 1.08 ** (-399 / 365)
    terminal = result.components.sel(option="100% hosted", component="terminal", path=0)
    assert_allclose(terminal, expected, rtol=1e-12)


def test_renewal_counts_with_its_probability_and_sells_at_both_ends():
    # A 1-year lease on the whole filled site with a 1-year renewal taken with
    # probability 0.5, over three years, 10 x forward NOI at the exits, all at 10 %.
    # Rent R = 120 * 12,000 / 365 * G / 1.35 USD/day (G = 3.82725 MW, gross_to_it
    # the default 1.35), no escalator, NOI = rent:
    #   hosting  = R * (sum_{t<365} d_t + 0.5 * sum_{365<=t<730} d_t);
    #   terminal = 10 * 365 * R * (0.5 * d_364 + 0.5 * d_729), with d_t = 1.1 ** (-t/365).
    # The hall keeps its value after the lease, so its MW never return to mining:
    # with the fleet switched off (0.5 USD/kWh) mining earns nothing anyway.
    site = filled_site(power_price=0.5)
    contract = ColocationLease(
        rate=120.0, term_years=1, build_days=0, ramp_days=0, capex_per_it_mw=0.0, noi_margin=1.0
    )
    view = Valuation(0.10, hosting_exit_multiple=10.0, renewal_probability=0.5, renewal_years=1)
    result = compare(
        site, [Split(contract, fraction=1.0)], scenario=market(3 * 365), n_paths=1, valuation=view
    )
    rent = 120.0 * 12_000 / 365 * FLEET_MW / 1.35
    d = df(0.10, 3 * 365)
    parts = result.components.sel(option="100% hosted", path=0)
    assert_allclose(
        parts.sel(component="hosting"), rent * (d[:365].sum() + 0.5 * d[365:730].sum()), rtol=1e-9
    )
    assert_allclose(
        parts.sel(component="terminal"), 10.0 * 365 * rent * 0.5 * (d[364] + d[729]), rtol=1e-9
    )


def test_after_a_lease_without_value_the_mw_go_back_to_mining():
    # Without an exit multiple a 1-year lease on half the filled site hands its MW
    # back: mining runs at 0.5 of the fleet in year 0 and at full size after, so
    # with a zero rent the split's monthly cash is 0.5 x pure mining's up to the end
    # of December 2026 (day 364) and equal to it from January 2027 on.
    site = filled_site(power_price=0.03)
    contract = lease(rate=0.0, term_years=1)
    result = compare(site, [Split(contract, fraction=0.5)], scenario=market(730), n_paths=1)
    monthly = result.monthly_cash_flow.isel(path=0)
    pure = monthly.sel(option="pure mining").values
    hosted = monthly.sel(option="50% hosted").values
    assert_allclose(hosted[:12], 0.5 * pure[:12], rtol=1e-12)
    assert_allclose(hosted[12:], pure[12:], rtol=1e-12)


# --------------------------------------------------------------------------
# B6. No backfill
# --------------------------------------------------------------------------


def test_without_backfill_mining_stops_on_the_converted_mw_at_the_decision():
    # The fleet fills the site (G = 3.82725 MW); 1 MW is converted with a 100-day
    # build and no rent. With backfill the fleet mines at full size until the load
    # arrives on day 100; without it the converted MW stop mining on day 0, so in
    # January to March (days 0-89) the split mines (G - 1) / G = 0.7387 of pure
    # mining, and from day 100 on both mine (G - 1) / G.
    site = filled_site(power_price=0.04)
    contract = lease(rate=0.0, build_days=100)
    result = compare(
        site,
        {
            "backfill": Split(contract, mw=1.0),
            "no backfill": Split(contract, mw=1.0, backfill=False),
        },
        scenario=market(200, price=GBM),
        n_paths=5,
        seed=1,
    )
    share = (FLEET_MW - 1.0) / FLEET_MW
    monthly = result.monthly_cash_flow
    pure = monthly.sel(option="pure mining").values
    assert (pure > 0).all()
    first_quarter = slice(0, 3)  # Jan, Feb, Mar 2026: days 0-89
    assert_allclose(
        monthly.sel(option="no backfill").values[:, first_quarter],
        share * pure[:, first_quarter],
        rtol=1e-12,
    )
    assert_allclose(
        monthly.sel(option="backfill").values[:, first_quarter], pure[:, first_quarter], rtol=1e-12
    )
    # From May (day 120) on, after the load arrived, both mine the same.
    assert_allclose(
        monthly.sel(option="no backfill").values[:, 4:],
        monthly.sel(option="backfill").values[:, 4:],
        rtol=1e-12,
    )


# --------------------------------------------------------------------------
# B7. Mining build-out
# --------------------------------------------------------------------------


def test_mining_build_out_is_charged_on_the_mw_that_stay_mining():
    # 300,000 USD per MW of mining build-out on day 0; machines off (0.5 USD/kWh) so
    # nothing else flows, rent 0. A 10 MW site whose fleet needs 3.82725 MW:
    #   pure mining builds out the fleet's MW:               3.82725 * 300,000;
    #   5 MW to a tenant leaves 5 MW, more than the fleet:  3.82725 * 300,000;
    #   8 MW to a tenant leaves 2 MW:                              2 * 300,000;
    #   8 MW without backfill, built over 100 days: still 2 MW.
    site = Site(10.0, Deployment(S21XP, 1000), power_price=0.5, mining_capex_per_mw=3e5)
    result = compare(
        site,
        {
            "5 MW": Split(lease(rate=0.0), mw=5.0),
            "8 MW": Split(lease(rate=0.0), mw=8.0),
            "8 MW later": Split(lease(rate=0.0, build_days=100), mw=8.0, backfill=False),
        },
        scenario=market(200),
        n_paths=1,
    )
    npv = result.npv.isel(path=0)
    assert_allclose(npv.sel(option="pure mining"), -FLEET_MW * 3e5, rtol=1e-12)
    assert_allclose(npv.sel(option="5 MW"), -FLEET_MW * 3e5, rtol=1e-12)
    assert_allclose(npv.sel(option="8 MW"), -2.0 * 3e5, rtol=1e-12)
    assert_allclose(npv.sel(option="8 MW later"), -2.0 * 3e5, rtol=1e-12)


# --------------------------------------------------------------------------
# The mining exit multiple applies to operating cash flow
# --------------------------------------------------------------------------


def mining_terminal(site, policy="sell"):
    scenario = market(730, policy=policy)
    view = Valuation(0.10, mining_exit_multiple=6.0)
    result = compare(site, [], scenario=scenario, n_paths=1, valuation=view)
    return float(result.components.sel(option="pure mining", component="terminal", path=0))


def test_machine_resale_is_not_multiplied_by_the_mining_exit_multiple():
    # 1,000 machines resold at 500 USD each on day 729 add 500,000 of cash that day.
    # The site's value at 6 x its last year's operating cash flow should not change
    # with it; the code adds 6 x 500,000 x 1.1 ** (-729/365) = 2.49 M USD.
    plain = mining_terminal(Site(4.0, Deployment(S21XP, 1000), power_price=0.05))
    resold = mining_terminal(
        Site(4.0, Deployment(S21XP, 1000, resale_value=500.0), power_price=0.05)
    )
    assert_allclose(resold, plain, rtol=1e-9)


def test_a_site_comparison_needs_coins_sold_as_mined():
    # With policy='hold' every coin is sold on the last day: the last 365 days' cash is
    # not a year's operating cash flow (a 6x exit gave 28.5 M USD against 10.1 M with
    # coins sold daily on this site), and an option's fleet share on the last day would
    # price all the coins it mined; a site comparison refuses it.
    site = Site(4.0, Deployment(S21XP, 1000), power_price=0.05)
    with pytest.raises(ValueError, match="policy"):
        mining_terminal(site, "hold")
    assert mining_terminal(site, "sell") > 0


# --------------------------------------------------------------------------
# Bad arguments found by the fuzz suite (tests/api_specs/site.py)
# --------------------------------------------------------------------------


def test_rates_must_be_single_numbers():
    # A list of rates raised numpy's TypeError "only 0-dimensional arrays can be
    # converted"; conservative(-1) blamed mining_rate, not its own argument.
    with pytest.raises(ValueError, match="mining_rate must be a real number"):
        Valuation(mining_rate=[0.1, 0.2])
    with pytest.raises(ValueError, match="renewal_probability must be a real number"):
        Valuation(renewal_probability=[0.1, 0.2])
    with pytest.raises(ValueError, match=r"^rate must be in \(-1, inf\]"):
        Valuation.conservative(-1)


def test_value_site_checks_its_inputs():
    # None for the flows or the valuation raised AttributeError; a capex one day
    # short was valued without a word.
    mining = no_mining(paths=1, n=3)
    with pytest.raises(ValueError, match=r"mining must be a minerecon\.valuation\.MiningFlows"):
        value_site(None, None, Valuation())
    with pytest.raises(ValueError, match=r"valuation must be a minerecon\.valuation\.Valuation"):
        value_site(mining, None, None)
    with pytest.raises(ValueError, match=r"capex must have one value per day of cash \(3 days\)"):
        MiningFlows(np.zeros((1, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="capex must be in"):
        MiningFlows(np.zeros((1, 3)), -np.ones(3))
    with pytest.raises(ValueError, match=r"exits\[0\] probability must be in"):
        lease_flows(np.zeros((1, 3)), exits=((1, 1.5, np.ones(1)),))
    with pytest.raises(ValueError, match="hosting must be on the days and paths of mining"):
        value_site(mining, lease_flows(np.zeros((1, 4))), Valuation())


def test_exit_far_beyond_the_horizon_overflows_to_inf():
    # An exit 10**6 days after the last day at a hosting rate of -50 % raised
    # OverflowError from Python's float power: 0.5 ** (-10**6 / 365) is beyond
    # the float range, so the value is inf (documented), not an exception.
    hosting = lease_flows(np.zeros((1, 3)), exits=((10**6, 1.0, np.ones(1)),))
    value = value_site(no_mining(paths=1, n=3), hosting, Valuation(-0.5, hosting_exit_multiple=1))
    assert value.npv[0] == np.inf
