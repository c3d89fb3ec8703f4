"""Tests of minerecon.hosting: the deal table, colocation leases and GPU cloud.

Expected values come from the reference table of AI/HPC hosting deals
(``sources.md`` section 6, compiled 2025-11-26; its machine-readable case
``ai_colocation_rate_table_derived`` in ``tests/reference/published_figures.json``),
from the bundled ``minerecon/data/ai_deals_README.md``, or from hand
calculations written out next to each assertion.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from minerecon import hosting
from minerecon.hosting import ColocationLease, GpuCloud

REFERENCE = Path(__file__).parent / "reference" / "published_figures.json"

#: Case keys of ``ai_colocation_rate_table_derived`` -> deal slugs of ai_deals.csv.
CASE_TO_DEAL = {
    "core_scientific_coreweave_initial_2024_06": "core-scientific-coreweave-2024-06",
    "core_scientific_coreweave_total_2024_10": "core-scientific-coreweave-total-2024-10",
    "terawulf_fluidstack_2025_08": "terawulf-fluidstack-2025-08",
    "terawulf_total_incl_cb5": "terawulf-fluidstack-cb5-total-2025-08",
    "cipher_fluidstack_barber_lake_2025_09": "cipher-fluidstack-barber-lake-2025-09",
    "cipher_fluidstack_expansion_2025_11": "cipher-fluidstack-expansion-2025-11",
    "cipher_aws_2025_11": "cipher-aws-2025-11",
    "applied_digital_coreweave_2025_06": "applied-digital-coreweave-2025-06",
    "applied_digital_coreweave_total_400mw": "applied-digital-coreweave-total-2025-08",
    "hut8_fluidstack_river_bend_2025_12": "hut8-fluidstack-river-bend-2025-12",
}


def _case(name: str) -> dict:
    cases = json.loads(REFERENCE.read_text())["cases"]
    return next(case for case in cases if case["name"] == name)


def simple_lease(**changes) -> ColocationLease:
    """A lease whose flows are easy to compute by hand."""
    params = dict(
        rate=150.0,
        term_years=10,
        build_days=0,
        ramp_days=0,
        capex_per_it_mw=0.0,
        noi_margin=1.0,
    )
    params.update(changes)
    return ColocationLease(**params)


# --------------------------------------------------------------------------
# The deal table
# --------------------------------------------------------------------------


def test_deal_table_rows_and_columns():
    deals = hosting.list_deals()
    # sources.md section 6: ten colocation deals (initial and total rows) + IREN GPU cloud.
    assert set(CASE_TO_DEAL.values()) | {"iren-microsoft-2025-11"} == set(deals.index)
    assert deals.loc["iren-microsoft-2025-11", "kind"] == "gpu_cloud"
    assert (deals.drop(index="iren-microsoft-2025-11")["kind"] == "colocation").all()
    # sources.md section 6 / section 9: Cipher-AWS MW basis (IT vs gross) is not stated.
    assert deals.loc["cipher-aws-2025-11", "mw_basis"] == "unstated"
    for column in ("source", "grade", "as_of"):
        assert deals[column].notna().all()
    assert set(deals["grade"]) <= {"A", "B", "C", "D"}


def test_list_deals_returns_a_copy():
    deals = hosting.list_deals()
    deals.loc["cipher-aws-2025-11", "mw"] = 1
    assert hosting.list_deals().loc["cipher-aws-2025-11", "mw"] == 300


@pytest.mark.parametrize("case_key", sorted(CASE_TO_DEAL))
def test_derived_rates_match_published_figures(case_key):
    # published_figures.json, case ai_colocation_rate_table_derived (sources.md sec. 6):
    # flat value / term / MW, within the case's relative tolerance (0.1 %).
    case = _case("ai_colocation_rate_table_derived")
    deal = hosting.get_deal(CASE_TO_DEAL[case_key])
    inputs, expected = case["inputs"][case_key], case["expected"][case_key]
    assert deal["mw"] == inputs["mw"]
    assert deal["term_years"] == inputs["term_years"]
    assert deal["contract_value_usd"] == inputs["contract_value_usd"]
    tol = case["tolerance_rel"]
    assert_allclose(deal["usd_per_mw_year"], expected["usd_per_mw_year"], rtol=tol)
    assert_allclose(deal["usd_per_kw_month"], expected["usd_per_kw_month"], rtol=tol)


def test_iren_derived_rate():
    # sources.md sec. 6: IREN-Microsoft ~$9.7 B / 5 yr / 200 MW = $9.7 M per MW-yr, $808/kW-month.
    deal = hosting.get_deal("iren-microsoft-2025-11")
    assert_allclose(deal["usd_per_mw_year"], 9.7e6, rtol=1e-12)
    assert_allclose(deal["usd_per_kw_month"], 808.3, rtol=1e-3)


@pytest.mark.parametrize(
    ("name", "ratio"),
    [
        # sources.md sec. 6, gross-power-to-IT ratios:
        ("cipher-fluidstack-barber-lake-2025-09", 1.45),  # 244 / 168
        ("cipher-fluidstack-expansion-2025-11", 1.44),  # 56 / 39
        ("hut8-fluidstack-river-bend-2025-12", 1.35),  # ~330 / 245
        ("terawulf-fluidstack-2025-08", 1.25),  # ~250 / 200
    ],
)
def test_gross_to_it_ratios(name, ratio):
    assert_allclose(hosting.get_deal(name)["gross_to_it"], ratio, atol=0.005)


def test_gross_to_it_missing_where_unpublished():
    # ai_deals_README.md: no gross MW published for Cipher-AWS or Applied Digital.
    deals = hosting.list_deals()
    assert np.isnan(deals.loc["cipher-aws-2025-11", "gross_to_it"])
    assert np.isnan(deals.loc["applied-digital-coreweave-2025-06", "gross_to_it"])


def test_get_deal_ignores_case_and_separators():
    row = hosting.get_deal("Hut8_Fluidstack_River_Bend_2025_12")
    assert row.name == "hut8-fluidstack-river-bend-2025-12"


def test_get_deal_unknown_lists_close_names():
    with pytest.raises(KeyError, match=r"no deal named 'terawulf-2025'.*closest: terawulf-"):
        hosting.get_deal("terawulf-2025")


# --------------------------------------------------------------------------
# Leases built from deals
# --------------------------------------------------------------------------


def test_hut8_first_year_rate_below_flat_average():
    # sources.md sec. 6: Hut 8 ~$7.0 B / 15 yr / 245 MW, triple-net, 3 % annual escalator.
    lease = hosting.lease_from_deal("hut8-fluidstack-river-bend-2025-12")
    flat = 7.0e9 / 15 / 245 / 12 / 1000  # 158.73 USD/kW-month
    # Hand calculation: flat = first_year * mean(1.03**k, k = 0..14)
    #                        = first_year * (1.03**15 - 1) / (0.03 * 15) = first_year * 1.239928.
    mean_growth = (1.03**15 - 1) / (0.03 * 15)
    assert_allclose(mean_growth, 1.239928, rtol=1e-6)
    assert_allclose(lease.rate * mean_growth, flat, rtol=1e-12)
    assert_allclose(lease.rate, 128.02, atol=0.01)
    assert lease.rate < flat
    assert lease.escalator == 0.03
    # The escalated rents over the term add up to the contract value.
    years = np.arange(15)
    assert_allclose(lease.annual_rent_per_it_mw(years).sum() * 245, 7.0e9, rtol=1e-12)
    # Gross-to-IT from the published ~330 / 245.
    assert_allclose(lease.gross_to_it, 330 / 245, rtol=1e-12)


def test_hut8_daily_flows_add_to_contract_value():
    # Without build, ramp or default the daily rents over 15 * 365 days sum to ~$7.0 B.
    lease = hosting.lease_from_deal(
        "hut8-fluidstack-river-bend-2025-12", build_days=0, ramp_days=0, capex_per_it_mw=0
    )
    flows = lease.daily_cash_flows(it_mw=245)
    assert flows["revenue"].shape == (15 * 365,)
    assert_allclose(flows["revenue"].sum(), 7.0e9, rtol=1e-12)


def test_terawulf_noi():
    # sources.md sec. 6: TeraWulf site NOI ~85 % (~$315 M/yr) on $3.7 B / 10 yr = $370 M/yr.
    lease = hosting.lease_from_deal("terawulf-fluidstack-2025-08", build_days=0, ramp_days=0)
    assert lease.noi_margin == 0.85
    assert_allclose(lease.annual_rent_per_it_mw(0) * 200, 370e6, rtol=1e-12)
    flows = lease.daily_cash_flows(365, it_mw=200)
    noi = (flows["revenue"] - flows["opex"] - flows["power_cost"]).sum()
    assert_allclose(noi, 315e6, rtol=0.01)  # 0.85 * 370 = 314.5
    # Published capex $8-10 M per IT MW -> midpoint $9 M; Google backstop $1.8 B of $3.7 B.
    assert lease.capex_per_it_mw == 9e6
    assert_allclose(lease.backstop_share, 1.8 / 3.7, rtol=1e-12)
    assert lease.gross_to_it == 1.25


def test_lease_from_deal_defaults_and_ranges():
    # Cipher Barber Lake: NOI 80-85 % -> 0.825, capex $9-11 M -> $10 M (sources.md sec. 6).
    cipher = hosting.lease_from_deal("cipher-fluidstack-barber-lake-2025-09")
    assert_allclose(cipher.noi_margin, 0.825)
    assert_allclose(cipher.capex_per_it_mw, 10e6)
    # Cipher-AWS: nothing but value, term and MW published -> documented defaults.
    aws = hosting.lease_from_deal("cipher-aws-2025-11")
    assert aws.gross_to_it == hosting.DEFAULT_GROSS_TO_IT == 1.35
    assert aws.noi_margin == hosting.DEFAULT_NOI_MARGIN
    assert aws.capex_per_it_mw == hosting.DEFAULT_CAPEX_PER_IT_MW
    assert aws.backstop_share == 0.0
    assert_allclose(aws.rate, 5.5e9 / 15 / 300 / 12000, rtol=1e-12)  # no escalator: flat
    assert aws.power_pass_through is True


def test_lease_from_deal_overrides():
    lease = hosting.lease_from_deal("cipher-aws-2025-11", escalator=0.02, build_days=0)
    assert lease.build_days == 0.0
    # The first-year rate is re-derived so that the 15 escalated years still add to $5.5 B.
    assert_allclose(lease.annual_rent_per_it_mw(np.arange(15)).sum() * 300, 5.5e9, rtol=1e-12)
    with pytest.raises(ValueError, match="overrides must be fields of ColocationLease"):
        hosting.lease_from_deal("cipher-aws-2025-11", bogus=1)
    with pytest.raises(ValueError, match="gpu_cloud_from_deal"):
        hosting.lease_from_deal("iren-microsoft-2025-11")


# --------------------------------------------------------------------------
# Lease cash-flow laws
# --------------------------------------------------------------------------


def test_it_load_ramp_shape():
    lease = simple_lease(term_years=1, build_days=10, ramp_days=4)
    load = lease.it_load(400)
    assert_allclose(load[:10], 0.0)  # nothing before the build is done
    # Linear ramp taken at mid-day: (t + 0.5 - 10) / 4 on days 10..13.
    assert_allclose(load[10:14], [0.125, 0.375, 0.625, 0.875])
    assert_allclose(load[14:375], 1.0)  # full until 10 + 365 days
    assert_allclose(load[375:], 0.0)  # nothing after the term
    assert_allclose(load[10:14].sum(), 4 / 2)  # the ramp loses half its length
    assert np.all(np.diff(load[:375]) >= 0)


def test_it_load_profile_no_ramp():
    assert_allclose(hosting.it_load_profile(5, 1, 0, 3), [0, 1, 1, 1, 0])


def test_annuity_by_hand():
    # build 0, ramp 0, capex 0, NOI 1: c = 150 * 12 * 1000 / 365 USD per day for
    # N = 3650 days, NPV = c * (1 - v**N) / (1 - v) with v = 1.08 ** (-1 / 365).
    lease = simple_lease()
    c = 150 * 12 * 1000 / 365
    v = 1.08 ** (-1 / 365)
    n = 3650
    assert_allclose(lease.npv(0.08), c * (1 - v**n) / (1 - v), rtol=1e-10)
    assert lease.horizon_days == n


def test_zero_rate_npv_is_minus_capex_and_opex():
    # rate 0: no revenue; NPV (undiscounted) = -(landlord capex + opex) <= 0.
    lease = ColocationLease(
        rate=0.0,
        term_years=2,
        capex_per_it_mw=10e6,
        tenant_capex_share=0.25,
        opex_per_it_mw_year=100e3,
        build_days=100,
        ramp_days=0,
    )
    landlord_capex = 0.75 * 10e6
    opex = 100e3 * 2  # two full years at full load
    assert_allclose(lease.npv(0.0), -(landlord_capex + opex), rtol=1e-12)
    assert lease.npv(0.1) <= 0
    # With a NOI margin instead, opex is a share of (zero) rent.
    assert_allclose(simple_lease(rate=0.0, capex_per_it_mw=5e6).npv(0.0), -5e6)


def test_capex_spread_over_build():
    lease = simple_lease(build_days=100, capex_per_it_mw=10e6)
    capex = lease.daily_cash_flows(it_mw=2.0)["capex"]
    assert_allclose(capex[:100], 2 * 10e6 / 100)  # evenly over the build days
    assert_allclose(capex[100:], 0.0)
    assert_allclose(
        simple_lease(capex_per_it_mw=1e6).daily_cash_flows(5)["capex"], [1e6, 0, 0, 0, 0]
    )


def test_opex_precedence():
    # opex_per_it_mw_year, when given, replaces the NOI margin.
    lease = simple_lease(noi_margin=0.5, opex_per_it_mw_year=36_500.0)
    assert_allclose(lease.daily_cash_flows(10)["opex"], 100.0)
    assert_allclose(
        simple_lease(noi_margin=0.5).daily_cash_flows(10)["opex"], 0.5 * 150 * 12000 / 365
    )


def test_power_cost_when_not_passed_through():
    # Landlord pays the energy at the design PUE, not at the reserved capacity ratio:
    # 1.18 (default, Applied Digital's design PUE) * 1 MW * 1000 kW * 24 h * 0.05 USD/kWh
    # = 1416 USD/day, although the contract reserves 1.4 MW of site power.
    lease = simple_lease(power_pass_through=False, gross_to_it=1.4)
    flows = lease.daily_cash_flows(3, power_price=0.05)
    assert_allclose(flows["power_cost"], 1416.0, rtol=1e-12)
    # An explicit PUE bills that: 1.3 * 24,000 kWh * 0.05 = 1560 USD/day.
    flows = simple_lease(power_pass_through=False, gross_to_it=1.4, pue=1.3).daily_cash_flows(
        3, power_price=0.05
    )
    assert_allclose(flows["power_cost"], 1560.0, rtol=1e-12)
    prices = np.array([0.0, 0.05, 0.10])
    flows = lease.daily_cash_flows(3, power_price=prices)
    assert_allclose(flows["power_cost"], [0, 1416, 2832], rtol=1e-12)
    # Passed through: the tenant pays, the landlord's power cost is 0.
    assert_allclose(simple_lease().daily_cash_flows(3, power_price=0.05)["power_cost"], 0.0)


def test_default_pue_is_capped_at_the_reserved_capacity():
    # A site reserving 1.1 MW per IT MW cannot draw 1.18 MW: the default PUE is 1.1.
    assert simple_lease(gross_to_it=1.1).pue == 1.1
    with pytest.raises(ValueError, match="pue"):
        simple_lease(gross_to_it=1.25, pue=1.3)


def test_irr_is_the_rate_at_which_the_daily_npv_is_zero():
    # Ten years of 1.8 M USD/year rent from day 0 on a 10 M USD hall: the IRR solves the
    # library's own daily NPV; monthly buckets gave 0.1111 for the no-capex case.
    lease = simple_lease(capex_per_it_mw=10e6)
    rate = lease.irr()
    assert abs(lease.npv(rate)) < 1e-3
    # The case: default capex (9.5 M USD) and NOI 0.85 on 150 USD/kW-month,
    # no build or ramp: 0.1100 from daily flows (was 0.1111 from month buckets).
    default = ColocationLease(rate=150, term_years=10, build_days=0, ramp_days=0)
    assert_allclose(default.irr(), 0.1100, atol=5e-5)
    assert abs(default.npv(default.irr())) < 1e-3


def test_escalator_steps_each_contract_year():
    lease = simple_lease(escalator=0.03, build_days=5)
    rent = lease.daily_cash_flows()["revenue"]
    assert_allclose(rent[5], 150 * 12000 / 365)
    assert_allclose(rent[5 + 365], 1.03 * 150 * 12000 / 365)
    assert_allclose(rent[5 + 9 * 365], 1.03**9 * 150 * 12000 / 365)
    assert lease.annual_rent_per_it_mw(10) == 0.0  # after the term


def test_extension_years_lengthen_the_contract():
    lease = simple_lease(extension_years=5)
    assert lease.horizon_days == 15 * 365
    assert_allclose(lease.daily_cash_flows()["revenue"][-1], 150 * 12000 / 365)


def test_default_stops_rent_backstop_keeps_share():
    lease = simple_lease(backstop_share=0.4, noi_margin=0.9, power_pass_through=False)
    flows = lease.daily_cash_flows(100, power_price=0.05, default_day=30)
    rent = 150 * 12000 / 365
    assert_allclose(flows["revenue"][:30], rent)
    assert_allclose(flows["revenue"][30:], 0.4 * rent)  # the guarantor pays 40 %
    assert_allclose(flows["opex"][30:], 0.1 * 0.4 * rent)  # NOI opex follows revenue
    assert_allclose(flows["power_cost"][30:], 0.0)  # the tenant's load is gone
    no_backstop = simple_lease().daily_cash_flows(100, default_day=30.5)
    assert_allclose(no_backstop["revenue"][31:], 0.0)
    assert_allclose(no_backstop["revenue"][30], rent)  # day 30 starts before 30.5


def test_default_days_array_gives_paths():
    lease = simple_lease()
    flows = lease.daily_cash_flows(50, default_day=np.array([10.0, np.inf, 0.0]))
    assert flows["cash_flow"].shape == (3, 50)
    assert_allclose(flows["revenue"].astype(bool).sum(axis=1), [10, 50, 0])
    npvs = lease.npv(0.05, 50, default_day=np.array([10.0, np.inf]))
    assert npvs.shape == (2,)
    assert npvs[0] < npvs[1]


def test_sample_default_days():
    lease = simple_lease(default_hazard=0.5)
    days = lease.sample_default_days(np.random.default_rng(1), 200_000)
    # Exponential with mean 365 / 0.5 = 730 days; sd of the mean 730 / sqrt(2e5) = 1.6.
    assert_allclose(days.mean(), 730.0, atol=8.0)
    assert np.all(days >= 0)
    assert np.all(np.isinf(simple_lease().sample_default_days(np.random.default_rng(1), 5)))
    same = lease.sample_default_days(7, 3)
    assert_allclose(same, lease.sample_default_days(7, 3))  # a seed reproduces


def test_expected_flows_equal_mean_of_sampled_defaults():
    # Law of large numbers: the mean over N sampled default days of the daily flows
    # converges to the survival-weighted flows. Each day's revenue is a Bernoulli
    # mixture with sd <= 0.5 * (1 - b) * rent, so 5 / sqrt(N) bounds the error.
    lease = simple_lease(
        default_hazard=0.8, backstop_share=0.3, noi_margin=0.8, power_pass_through=False
    )
    n_paths, n_days = 4000, 730
    days = lease.sample_default_days(np.random.default_rng(2024), n_paths)
    sampled = lease.daily_cash_flows(n_days, power_price=0.04, default_day=days)
    expected = lease.expected_daily_cash_flows(n_days, power_price=0.04)
    rent = 150 * 12000 / 365
    for key in ("revenue", "opex", "power_cost", "cash_flow"):
        assert_allclose(sampled[key].mean(axis=0), expected[key], atol=5 * rent / np.sqrt(n_paths))
    # Survival-weighted by hand at t = 365: S = exp(-0.8), revenue = rent (S + 0.3 (1 - S)).
    s = np.exp(-0.8)
    assert_allclose(expected["revenue"][365], rent * (s + 0.3 * (1 - s)), rtol=1e-12)
    # NPVs agree too (the NPV is linear in the flows).
    npvs = lease.npv(0.1, n_days, power_price=0.04, default_day=days)
    assert_allclose(npvs.mean(), lease.npv(0.1, n_days, power_price=0.04), rtol=0.01)


def test_metrics_default_none_uses_expected_flows():
    lease = simple_lease(default_hazard=0.2)
    assert lease.npv(0.08) < lease.npv(0.08, default_day=np.inf)
    assert_allclose(simple_lease().npv(0.08), lease.npv(0.08, default_day=np.inf))


def test_irr_and_payback_by_hand():
    # Capex 1 M on day 0, then 150 USD/kW-month = 4,931.5 USD/day from day 0:
    # cumulative turns >= 0 on day 1e6 / 4931.5 = 202.8 (interpolated).
    lease = simple_lease(capex_per_it_mw=1e6)
    c = 150 * 12000 / 365
    assert_allclose(lease.payback_days(), (1e6 - c) / c, rtol=1e-9)
    irr = lease.irr()
    # At the IRR the daily flows have zero NPV, discounted (1 + r) ** (-t / 365).
    daily = lease.daily_cash_flows()["cash_flow"]
    assert_allclose(np.sum(daily * (1 + irr) ** (-np.arange(len(daily)) / 365)), 0.0, atol=1e-3)
    assert irr > 0.5
    assert np.isinf(simple_lease(rate=0.0, capex_per_it_mw=1e6).payback_days())
    assert np.isnan(simple_lease(rate=0.0, capex_per_it_mw=1e6).irr())


def test_per_mw_metrics_scale_with_it_mw():
    lease = hosting.lease_from_deal("cipher-fluidstack-barber-lake-2025-09")
    assert_allclose(lease.npv(0.09, it_mw=168), 168 * lease.npv(0.09), rtol=1e-12)
    assert_allclose(lease.irr(it_mw=168), lease.irr(), rtol=1e-9)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rate", -1.0, r"rate must be in \[0, inf\]"),
        ("term_years", 0.0, r"term_years must be in \(0, 1000\]"),
        ("gross_to_it", 0.9, r"gross_to_it must be in \[1, inf\]"),
        ("tenant_capex_share", 1.5, r"tenant_capex_share must be in \[0, 1\]"),
        ("noi_margin", 1.2, r"noi_margin must be in \[0, 1\]"),
        ("backstop_share", -0.1, r"backstop_share must be in \[0, 1\]"),
        ("default_hazard", -0.1, r"default_hazard must be in \[0, inf\]"),
        ("build_days", -1.0, r"build_days must be in \[0, 365000\]"),
        ("ramp_days", float("nan"), r"ramp_days must not be NaN"),
        ("escalator", -1.0, r"escalator must be in \(-1, inf\]"),
        ("opex_per_it_mw_year", -5.0, r"opex_per_it_mw_year must be in \[0, inf\]"),
        ("power_pass_through", "yes", r"power_pass_through must be True or False"),
        ("rate", [1.0, 2.0], r"rate must be a real number"),
    ],
)
def test_lease_bad_inputs(field, value, message):
    with pytest.raises(ValueError, match=message):
        simple_lease(**{field: value})


def test_flow_bad_inputs():
    lease = simple_lease()
    with pytest.raises(ValueError, match="n_days must be an integer >= 0"):
        lease.daily_cash_flows(-1)
    with pytest.raises(ValueError, match=r"power_price must be in \[0, inf\]"):
        lease.daily_cash_flows(5, power_price=-0.01)
    with pytest.raises(ValueError, match="power_price must be a number or one value per day"):
        lease.daily_cash_flows(5, power_price=np.ones(4))
    with pytest.raises(ValueError, match=r"default_day must be in \[0, inf\]"):
        lease.daily_cash_flows(5, default_day=-3)
    with pytest.raises(ValueError, match=r"it_mw must be in \[0, inf\]"):
        lease.npv(0.1, it_mw=-1)
    with pytest.raises(ValueError, match="n_paths must be an integer >= 0"):
        lease.sample_default_days(np.random.default_rng(0), -2)


def test_lease_is_frozen():
    with pytest.raises(AttributeError):
        simple_lease().rate = 1.0  # type: ignore[misc]


# --------------------------------------------------------------------------
# GPU cloud
# --------------------------------------------------------------------------


def test_iren_preset_reproduces_published_figures():
    # sources.md sec. 6: IREN-Microsoft ~$9.7 B / 5 yr for 200 MW IT, ~$1.94 B annualised,
    # ~$5.8 B of GB300 equipment, 20 % prepayment.
    cloud = hosting.gpu_cloud_from_deal("iren-microsoft-2025-11")
    assert_allclose(cloud.annual_revenue_per_it_mw(0) * 200, 1.94e9, rtol=1e-12)
    assert_allclose(cloud.gpu_capex_per_it_mw * 200, 5.8e9, rtol=1e-12)  # ~$29 M per IT MW
    assert cloud.prepayment_share == 0.20
    assert cloud.contract_years == 5
    assert cloud.power_pass_through is False
    # Derivation: 700 GPUs per IT MW (~1.4 kW each), billed in full:
    # 9.7e6 / (700 * 8760) = 1.5819 USD per GPU-hour.
    assert cloud.gpus_per_it_mw == 700
    assert_allclose(cloud.price_per_gpu_hour, 9.7e6 / (700 * 8760), rtol=1e-12)
    assert_allclose(cloud.price_per_gpu_hour, 1.582, atol=5e-4)
    # Straight-line depreciation over 5 years: $29 M / 5 = $5.8 M per IT MW-year.
    assert_allclose(cloud.annual_depreciation_per_it_mw, 5.8e6, rtol=1e-12)


def test_iren_preset_daily_revenue_without_ramp():
    # With no build or ramp the 5 contract years bill ~$9.7 B for 200 MW,
    # 20 % of it as a prepayment on the day the GPUs are delivered (day 0 here).
    cloud = hosting.gpu_cloud_from_deal(build_days=0, ramp_days=0)
    flows = cloud.daily_cash_flows(it_mw=200, power_price=0.05)
    assert flows["revenue"].shape == (5 * 365,)
    assert_allclose(flows["revenue"].sum(), 9.7e9, rtol=1e-12)
    assert_allclose(flows["revenue"][0], 0.2 * 9.7e9 + 0.8 * 1.94e9 / 365, rtol=1e-12)
    assert_allclose(flows["revenue"][1:365].sum(), 0.8 * 1.94e9 * 364 / 365, rtol=1e-12)
    # GPUs bought at the first load: $5.8 B on day 0, plus the default fit-out.
    assert_allclose(flows["capex"][0], 5.8e9 + 200 * hosting.DEFAULT_CAPEX_PER_IT_MW)
    assert_allclose(flows["capex"][1:], 0.0)


def test_gpu_override_keeps_revenue_per_mw():
    # Fewer GPUs per MW (e.g. ~1.9 kW per GPU with the rack overhead) -> higher price
    # per GPU-hour and capex per GPU, same revenue and capex per IT MW.
    cloud = hosting.gpu_cloud_from_deal(gpus_per_it_mw=530)
    assert_allclose(cloud.annual_revenue_per_it_mw(0), 9.7e6, rtol=1e-12)
    assert_allclose(cloud.gpu_capex_per_it_mw, 29e6, rtol=1e-12)
    with pytest.raises(ValueError, match="lease_from_deal"):
        hosting.gpu_cloud_from_deal("cipher-aws-2025-11")


def test_gpu_power_opex_and_replacement():
    cloud = GpuCloud(
        gpus_per_it_mw=100,
        price_per_gpu_hour=2.0,
        capex_per_gpu=10_000,
        gpu_life_years=2,
        contract_years=5,
        build_days=0,
        ramp_days=0,
        fitout_capex_per_it_mw=0.0,
        opex_share=0.1,
        gross_to_it=1.2,
    )
    flows = cloud.daily_cash_flows(power_price=0.05)
    # Revenue 100 * 2 * 24 = 4800 USD/day; opex 10 % of it; power at the default design
    # PUE, 1.18 * 1000 * 24 * 0.05 = 1416 (1.2 MW reserved per IT MW).
    assert_allclose(flows["revenue"], 4800.0)
    assert_allclose(flows["opex"], 480.0)
    assert_allclose(flows["power_cost"], 1416.0)
    # GPUs (1 M USD) bought on day 0 and replaced at the end of each 2-year life
    # while the 5-year contract runs: days 0, 730, 1460.
    assert_allclose(np.flatnonzero(flows["capex"]), [0, 730, 1460])
    assert_allclose(flows["capex"].sum(), 3e6)
    # Opex per GPU-hour takes precedence over the share.
    fixed = GpuCloud(100, 2.0, 10_000, opex_per_gpu_hour=0.25, build_days=0, ramp_days=0)
    assert_allclose(fixed.daily_cash_flows(3, power_price=0.05)["opex"], 100 * 24 * 0.25)


def test_gpu_gpus_bought_as_load_ramps():
    cloud = GpuCloud(100, 2.0, 10_000, build_days=3, ramp_days=4, fitout_capex_per_it_mw=0.0)
    capex = cloud.daily_cash_flows(10, power_price=0.05)["capex"]
    # Load 0.125, 0.375, 0.625, 0.875, 1 on days 3..7 -> purchases of 1 M * increments.
    assert_allclose(capex, 1e6 * np.array([0, 0, 0, 0.125, 0.25, 0.25, 0.25, 0.125, 0, 0]))


def test_gpu_cloud_needs_the_power_price_it_pays():
    # The operator of a GPU cloud pays the power: leaving its price out is an error,
    # not a silent zero.
    with pytest.raises(ValueError, match="power_price is required"):
        hosting.gpu_cloud_from_deal().npv(0.10)


def test_gpu_default_and_expected_flows():
    cloud = GpuCloud(
        100, 2.0, 10_000, build_days=0, ramp_days=0, default_hazard=1.0, prepayment_share=0.2
    )
    flows = cloud.daily_cash_flows(400, power_price=0.05, default_day=100)
    assert_allclose(flows["revenue"][100:], 0.0)
    assert flows["revenue"][0] > flows["revenue"][1]  # the prepayment arrives on day 0
    days = cloud.sample_default_days(np.random.default_rng(5), 4000)
    sampled = cloud.daily_cash_flows(400, power_price=0.05, default_day=days)["cash_flow"]
    sampled = sampled.mean(axis=0)
    expected = cloud.expected_daily_cash_flows(400, power_price=0.05)["cash_flow"]
    assert_allclose(sampled[1:], expected[1:], atol=5 * 4800 / np.sqrt(4000))
    assert_allclose(sampled[0], expected[0], rtol=1e-12)  # day 0: no default yet


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("gpus_per_it_mw", 0.0, r"gpus_per_it_mw must be in \(0, inf\]"),
        ("utilisation", 0.0, r"utilisation must be in \(0, 1\]"),
        ("utilisation", 1.1, r"utilisation must be in \(0, 1\]"),
        ("price_per_gpu_hour", -1.0, r"price_per_gpu_hour must be in \[0, inf\]"),
        ("gpu_life_years", 0.0, r"gpu_life_years must be in \(0, 1000\]"),
        ("prepayment_share", 2.0, r"prepayment_share must be in \[0, 1\]"),
        ("opex_share", -0.5, r"opex_share must be in \[0, 1\]"),
        ("contract_years", 0.0, r"contract_years must be in \(0, 1000\]"),
        ("gross_to_it", 0.5, r"gross_to_it must be in \[1, inf\]"),
    ],
)
def test_gpu_bad_inputs(field, value, message):
    params = dict(gpus_per_it_mw=700, price_per_gpu_hour=2.0, capex_per_gpu=40_000)
    params[field] = value
    with pytest.raises(ValueError, match=message):
        GpuCloud(**params)


def test_flows_are_dicts_of_float_arrays():
    flows = hosting.gpu_cloud_from_deal().daily_cash_flows(10, power_price=pd.Series([0.05] * 10))
    assert set(flows) == {"revenue", "opex", "power_cost", "capex", "cash_flow"}
    for value in flows.values():
        assert isinstance(value, np.ndarray) and value.shape == (10,)


@pytest.mark.parametrize("field", ["term_years", "extension_years"])
def test_absurd_lengths_are_refused_by_name(field):
    # 1e308 years overflowed to an OverflowError in horizon_days; a contract of more
    # than units.MAX_YEARS (1,000 years) is refused naming the field.
    with pytest.raises(ValueError, match=field):
        simple_lease(**{field: 1e308})
    with pytest.raises(ValueError, match="build_days"):
        simple_lease(build_days=1e308)


# --------------------------------------------------------------------------
# Bad arguments found by the fuzz suite (tests/api_specs/site.py)
# --------------------------------------------------------------------------


def test_unknown_deal_is_a_value_error_naming_name():
    # Was a bare KeyError ("no deal named None"): callers catching ValueError,
    # as for every other bad argument, missed it. Still a KeyError for lookups.
    with pytest.raises(ValueError, match=r"name must be a deal of list_deals\(\)") as info:
        hosting.get_deal("terawulf-2025")
    assert isinstance(info.value, KeyError)
    with pytest.raises(ValueError, match="name must be a deal name"):
        hosting.get_deal(None)


def test_deal_overrides_are_checked_before_use():
    # The escalator and GPU count are used to derive the rate and prices before
    # the contract checks its fields: a text escalator gave "could not convert
    # string to float", a tiny GPU count an error about capex_per_gpu.
    with pytest.raises(ValueError, match="escalator must be a real number"):
        hosting.lease_from_deal("hut8-fluidstack-river-bend-2025-12", escalator="x")
    with pytest.raises(ValueError, match="gpus_per_it_mw and utilisation must be large"):
        hosting.gpu_cloud_from_deal(gpus_per_it_mw=1e-305)


def test_it_load_profile_checks_its_days():
    # Were unchecked: a text build_days raised a numpy UFuncTypeError, NaN gave
    # a profile of zeros without a word.
    with pytest.raises(ValueError, match="build_days must be a real number"):
        hosting.it_load_profile(5, "x", 1.0, 1.0)
    with pytest.raises(ValueError, match="ramp_days must not be NaN"):
        hosting.it_load_profile(5, 0.0, np.nan, 1.0)
    with pytest.raises(ValueError, match="active_days must be in"):
        hosting.it_load_profile(5, 0.0, 1.0, -1.0)


def test_huge_sizes_are_refused_before_allocating():
    # n_days or n_paths of 10**12 ended in MemoryError (7.28 TiB).
    lease = simple_lease()
    with pytest.raises(ValueError, match="n_days must be at most 1,095,000"):
        lease.npv(0.1, n_days=10**12)
    with pytest.raises(ValueError, match="n_paths must be at most 100,000,000"):
        lease.sample_default_days(0, 10**12)


def test_sample_default_days_checks_rng():
    # An invalid seed was ignored when the hazard is 0 and raised numpy's
    # TypeError (not naming rng) otherwise.
    for hazard in (0.0, 0.1):
        with pytest.raises(ValueError, match=r"rng must be a numpy\.random\.Generator"):
            simple_lease(default_hazard=hazard).sample_default_days("", 3)


def test_gpu_life_bounds_the_replacements():
    # A GPU life of 1e-300 years made the daily flows loop forever (one pass per
    # replacement): at most 1,000 purchases per contract.
    with pytest.raises(ValueError, match=r"gpu_life_years must be at least contract_years / 1000"):
        GpuCloud(
            gpus_per_it_mw=700,
            price_per_gpu_hour=2.0,
            capex_per_gpu=40_000,
            gpu_life_years=1e-300,
        )


def test_flows_beyond_the_float_range_are_refused():
    # it_mw = 1e308 gave inf or nan flows, and npv() then failed in cashflow with
    # "cash_flows must be finite", naming neither argument; n_days = 0 failed
    # there too ("at least one period"), where irr() and payback_days() named it.
    lease = simple_lease()
    with pytest.raises(ValueError, match="it_mw and power_price must be small enough"):
        lease.npv(0.1, it_mw=1e308)
    with pytest.raises(ValueError, match="power_price must be finite"):
        simple_lease(power_pass_through=False).npv(0.1, power_price=np.inf)
    with pytest.raises(ValueError, match="n_days must be >= 1 for an NPV"):
        lease.npv(0.1, n_days=0)
