"""Site splits: the laws of the issue, common random numbers, break-even, options."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from minerecon import cashflow, fees, price, risk
from minerecon import scenario as scenario_module
from minerecon import valuation as valuation_module
from minerecon.difficulty import ConstantGrowth
from minerecon.fees import StochasticFees
from minerecon.hardware import Deployment, get_miner
from minerecon.hosting import ColocationLease
from minerecon.network import NetworkState
from minerecon.projection import MiningScenario, simulate
from minerecon.scenario import Site, Split, compare, default_scenario, optimal_split
from minerecon.valuation import HostingFlows, MiningFlows, Valuation, value_site

# Height 931,392 is the first block of epoch 462; no fees, BTC at 90,000 USD.
STATE = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
S21XP = get_miner("Antminer S21 XP")  # 270 TH/s, 3,645 W
PUE = 1.05
N = 1000
# 1,000 S21 XP at PUE 1.05: 1000 * 3,645 W * 1.05 = 3.82725 MW of site power.
FLEET_MW = N * 3645 * PUE / 1e6
RATE = 0.10
GBM = price.GBM(drift=0.0, volatility=0.7)
NOISY_HASHRATE = ConstantGrowth(0.02, volatility=0.3)
NOISY_FEES = StochasticFees(
    level=0.02, mean_level=0.03, reversion=6.0, volatility=2.0, spike_rate=3.0, spike_mean=0.5
)


def filled_site(**fields):
    """A site whose gross MW is exactly the fleet's MW (the same float)."""
    fleet = fields.pop("fleet", Deployment(S21XP, N))
    gross = Site(1.0, fleet, mining_pue=PUE).fleet_mw
    return Site(gross, fleet, mining_pue=PUE, **fields)


def test_a_site_filled_with_one_machine_holds_as_many_as_fit():
    # 4 MW at PUE 1.05 and 3,645 W an S21 XP: 4e6 / 3,827.25 = 1,045.1 machines.
    site = Site.filled(4.0, "Antminer S21 XP", power_price=0.06, name="four")
    (deployed,) = site.fleet
    assert deployed.count == 1045 and deployed.miner.name == "Antminer S21 XP"
    assert site.fleet_mw <= 4.0 < site.fleet_mw + 1.05 * 3645 / 1e6
    assert (site.power_price, site.name, site.mining_pue) == (0.06, "four", 1.05)
    # A site exactly N machines large holds N, and a Deployment's terms carry over.
    exact = filled_site().gross_mw
    terms = Deployment(S21XP, 1, capex_per_unit=5_000.0, degradation=0.05)
    (deployed,) = Site.filled(exact, terms, mining_pue=PUE).fleet
    assert deployed.count == N
    assert (deployed.capex_per_unit, deployed.degradation) == (5_000.0, 0.05)
    with pytest.raises(ValueError, match="gross_mw"):
        Site.filled(0.0, "Antminer S21 XP")
    with pytest.raises(ValueError, match="mining_pue"):
        Site.filled(4.0, "Antminer S21 XP", mining_pue=0.9)


def lease(**fields):
    """A lease with no build lag, ramp, capex or opex unless told otherwise."""
    terms = dict(
        rate=120.0, term_years=10, build_days=0, ramp_days=0, capex_per_it_mw=0.0, noi_margin=1.0
    )
    return ColocationLease(**{**terms, **fields})


def scenario(days=400, **fields):
    """Market and horizon; compare() replaces the fleet and costs by the site's."""
    fields.setdefault("start", STATE)
    return MiningScenario(Deployment(S21XP, 1), days=days, **fields)


def npv_of(result, option):
    return result.npv.sel(option=option).values


def test_fleet_mw_is_nameplate_power_with_pue():
    # 1000 * 3,645 W * 1.05 = 3.82725 MW; uptime lowers the average draw, not
    # the power the site must carry while the machines are up.
    site = Site(10.0, Deployment(S21XP, N, uptime=0.9), mining_pue=PUE)
    assert_allclose(site.fleet_mw, FLEET_MW, rtol=1e-12)


# --------------------------------------------------------------------------
# The four laws of the issue
# --------------------------------------------------------------------------


def test_zero_lease_rate_never_beats_mining():
    # Rent 0: the contract only costs (build capex, the tenant's power paid by the
    # landlord). Mining's daily cash is >= 0 for every machine group (the engine
    # switches a group off when its revenue is below its energy cost, and there is
    # no per-TH fixed cost here), so shrinking the fleet can only lower it, and
    # the converted share gives up demand-response revenue too. Hence on every
    # path NPV(split) <= NPV(pure mining).
    site = filled_site(power_price=0.07, demand_response=30_000.0)
    contract = lease(
        rate=0.0, build_days=90, ramp_days=60, capex_per_it_mw=1e6, power_pass_through=False
    )
    splits = [Split(contract, fraction=f, decision=30) for f in (0.25, 0.5, 1.0)]
    result = compare(
        site,
        splits,
        scenario=scenario(days=730, price=GBM, hashrate=NOISY_HASHRATE),
        n_paths=200,
        seed=11,
    )
    base = npv_of(result, "pure mining")
    for option in result.options[1:]:
        assert (npv_of(result, option) <= base).all()
        assert result.probability_mining_wins(option) == 1.0


def test_negative_mining_margin_makes_full_conversion_optimal():
    # At 0.30 USD/kWh an S21 XP needs 13.5 J/TH * 24 h * 0.30 = 0.097 USD/TH/day
    # against a hashprice of ~0.038 at 90,000 USD: the fleet is switched off and
    # pays 0.02 USD/TH/day of other opex, -5,400 USD/day; each converted MW stops
    # that loss and earns rent instead, so every step towards full conversion adds
    # NPV (the price paths would have to triple to change that).
    fleet = Deployment(S21XP, N, other_opex=0.02)
    site = filled_site(fleet=fleet, power_price=0.30)
    contract = lease(rate=100.0, build_days=60, ramp_days=60)
    best, scores = optimal_split(
        site,
        contract,
        fractions=(0.0, 0.25, 0.5, 0.75, 1.0),
        scenario=scenario(days=400, price=price.GBM(drift=0.0, volatility=0.3)),
        n_paths=50,
        seed=3,
    )
    assert best == 1.0
    assert (np.diff(scores.values) > 0).all()


def test_zero_lag_equal_per_mw_cash_flow_gives_equal_npv():
    # Make mining's daily margin a known constant m: run the fleet once to get its
    # revenue R_t (which does not depend on the power price while it runs), then
    # set the power price of day t to (R_t - m) / E, with E = 3.82725 MW * 24,000
    # = 91,854 kWh/day the fleet's energy with PUE. The site's margin is then m per
    # day, m / G per gross MW-day. A lease with no lag, ramp, capex or opex, power
    # passed through, pays rate * 12,000 / 365 per IT MW-day, i.e. that over
    # gross_to_it per gross MW-day; rate = m / G * gross_to_it * 365 / 12,000 makes
    # the two equal, so any split has pure mining's NPV.
    days = 400
    fleet = Deployment(S21XP, N)
    revenue = (
        simulate(
            MiningScenario(fleet, start=STATE, days=days, power_price=0.0, pue=PUE),
            n_paths=1,
            output="full",
            seed=0,
        )
        .daily.revenue.isel(path=0)
        .values
    )
    margin = 0.5 * revenue.min()
    power_price = (revenue - margin) / (FLEET_MW * 24_000)
    site = filled_site(power_price=power_price)
    gross_to_it = 1.3
    rate = margin / site.gross_mw * gross_to_it * 365 / 12_000
    contract = lease(rate=rate, term_years=2, gross_to_it=gross_to_it)
    result = compare(
        site,
        [Split(contract, fraction=f) for f in (0.3, 0.7)] + [Split(contract, mw=site.gross_mw)],
        scenario=scenario(days=days),
        n_paths=1,
        seed=0,
    )
    # The engine's run is the whole fleet's: pure mining's flows.
    assert_allclose(result.mining.daily.cash_flow.isel(path=0), margin, rtol=1e-9)
    base = npv_of(result, "pure mining")
    # Hand value: m * sum_t 1.1 ** (-t / 365).
    assert_allclose(base, margin * cashflow.discount_factors(days, RATE).sum(), rtol=1e-9)
    for option in result.options[1:]:
        assert_allclose(npv_of(result, option), base, rtol=1e-9)


def test_npv_is_affine_in_the_fraction_path_by_path():
    # The fleet exactly fills the site, so its scale on day t is 1 - f L_t (L_t the
    # tenant's load share); every mining flow (revenue, energy, switch-off
    # decisions are per TH and do not depend on the scale), demand response and
    # every hosting flow (rent, opex, capex, power, defaults drawn from the same
    # stream) is linear in f, and the mining capex is for the full fleet because
    # mining runs at full size before the decision on day 20.
    site = filled_site(power_price=0.07, demand_response=40_000.0, mining_capex_per_mw=3e5)
    contract = lease(
        rate=110.0,
        build_days=60,
        ramp_days=90,
        capex_per_it_mw=2e6,
        noi_margin=0.8,
        power_pass_through=False,
        default_hazard=0.3,
        backstop_share=0.5,
    )
    fractions = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    result = compare(
        site,
        {f"f={f}": Split(contract, fraction=f, decision=20) for f in fractions},
        scenario=scenario(days=730, price=GBM, hashrate=NOISY_HASHRATE, fees=NOISY_FEES),
        n_paths=100,
        seed=5,
    )
    npv = result.npv.values[1:]  # (fraction, path)
    line = npv[0] + fractions[:, None] * (npv[-1] - npv[0])
    assert_allclose(npv, line, rtol=0, atol=1e-9 * np.abs(npv).max())
    monthly = result.monthly_cash_flow.values[1:]
    line = monthly[0] + fractions[:, None, None] * (monthly[-1] - monthly[0])
    assert_allclose(monthly, line, rtol=0, atol=1e-9 * np.abs(monthly).max())
    # Fraction 0 is pure mining itself.
    assert_allclose(npv[0], npv_of(result, "pure mining"), rtol=1e-12)


def test_common_random_numbers_shrink_the_variance_of_the_difference():
    # With one seed, pure mining and the split see the same price and hashrate
    # paths: the split's random part is about c = 0.8 times mining's (all of it
    # for 9 months, 75 % after), so Var(M - S) ~ (1 - c)**2 Var(M) = 0.04 Var(M).
    # With different seeds the variances add: (1 + c**2) Var(M) = 1.64 Var(M).
    site = filled_site(power_price=0.06)
    split = Split(lease(build_days=180, ramp_days=90), fraction=0.25)
    market = scenario(days=730, price=GBM, hashrate=NOISY_HASHRATE)
    one = compare(site, [split], scenario=market, n_paths=200, seed=1)
    other = compare(site, [split], scenario=market, n_paths=200, seed=2)
    common = np.var(npv_of(one, "pure mining") - npv_of(one, "25% hosted"))
    independent = np.var(npv_of(one, "pure mining") - npv_of(other, "25% hosted"))
    assert common < 0.1 * independent


# --------------------------------------------------------------------------
# Break-even BTC price of the decision
# --------------------------------------------------------------------------


def test_breakeven_btc_price_equalises_the_deterministic_npvs():
    # breakeven_btc_price values both options with the price held constant, the
    # hashrate model without noise and fees on the path the simulation averages (the
    # daily mean of the fee model's paths, drawn from the same streams); re-running
    # those deterministic models at the break-even must give equal NPVs, and mining,
    # which keeps more exposure to the price, must win above it and lose below it.
    days = 730
    site = filled_site(power_price=0.06, demand_response=20_000.0)
    contract = lease(rate=100.0, build_days=90, ramp_days=60, capex_per_it_mw=1e6, term_years=5)
    split = Split(contract, fraction=0.5)
    market = scenario(days=days, price=GBM, hashrate=NOISY_HASHRATE, fees=NOISY_FEES)
    breakeven = compare(site, [split], scenario=market, n_paths=20, seed=0).breakeven_btc_price(
        "50% hosted"
    )
    assert 1_000 < breakeven < 1_000_000
    # compare(seed=0) draws its fee paths from the streams of seed 0, as fees.simulate.
    mean_fees = fees.FeePath(fees.simulate(NOISY_FEES, 20, days, seed=0).mean(axis=0))

    def deterministic(btc_price, fee_model=mean_fees):
        quiet = scenario(
            days=days,
            start=STATE.replace(btc_price=btc_price),
            price=price.ConstantPrice(),
            hashrate=ConstantGrowth(0.02),
            fees=fee_model,
        )
        result = compare(site, [split], scenario=quiet, n_paths=1, seed=0)
        return npv_of(result, "pure mining")[0], npv_of(result, "50% hosted")[0]

    mining, hosted = deterministic(breakeven)
    assert_allclose(mining, hosted, rtol=1e-8)
    mining, hosted = deterministic(1.2 * breakeven)
    assert mining > hosted
    mining, hosted = deterministic(0.8 * breakeven)
    assert mining < hosted
    # The fee model's mean level (its median-like centre, 0.03 BTC/block) is below the
    # mean of its paths: mining would look poorer there, and the split win at this price.
    median_fees = dataclasses.replace(NOISY_FEES, volatility=0.0, spike_rate=0.0)
    assert mean_fees.path.mean() > 0.03
    mining, hosted = deterministic(breakeven, median_fees)
    assert mining < hosted


def test_breakeven_btc_price_values_tenant_default_in_expectation():
    # With a default hazard the break-even must not hang on one sampled default
    # day: it values the contract with the survival probability, so at the
    # break-even pure mining's NPV equals the split's mining NPV plus the
    # contract's expected NPV (ColocationLease.npv with default_day=None).
    days = 200
    site = filled_site(power_price=0.06)
    contract = lease(rate=100.0, build_days=60, default_hazard=0.5)
    split = Split(contract, fraction=0.5)
    breakeven = compare(
        site, [split], scenario=scenario(days=days), n_paths=1, seed=0
    ).breakeven_btc_price("50% hosted")
    quiet = scenario(days=days, start=STATE.replace(btc_price=breakeven))
    result = compare(site, [split], scenario=quiet, n_paths=1, seed=0)
    mining = result.components.sel(component="mining", path=0)
    it_mw = 0.5 * site.gross_mw / contract.gross_to_it
    expected_lease = contract.npv(RATE, days, it_mw=it_mw)
    assert_allclose(
        mining.sel(option="pure mining"),
        mining.sel(option="50% hosted") + expected_lease,
        rtol=1e-8,
    )


def test_breakeven_btc_price_without_a_sign_change_says_who_wins():
    # 5,000 USD/kW-month is 60 M USD per IT MW-year, far above what a MW mines at
    # up to 200,000 USD/BTC (~1-2 M USD a year): the split wins at every price (inf).
    site = filled_site(power_price=0.06)
    rich = compare(
        site, [Split(lease(rate=5_000.0), fraction=1.0)], scenario=scenario(days=200), n_paths=1
    )
    assert rich.breakeven_btc_price("100% hosted", high=200_000.0) == np.inf
    # A lease paying nothing for a fit-out that costs money loses to mining at every price
    # from 1,000 USD up (0.0); mining, switched off below its cost, never goes negative.
    costly = lease(rate=0.0, capex_per_it_mw=100_000.0)
    poor = compare(site, [Split(costly, fraction=1.0)], scenario=scenario(days=200), n_paths=1)
    assert poor.breakeven_btc_price("100% hosted", high=200_000.0) == 0.0


# --------------------------------------------------------------------------
# Optimal split
# --------------------------------------------------------------------------


def test_zero_lease_rate_makes_pure_mining_optimal():
    # Mining's margin is positive at 0.05 USD/kWh and 90,000 USD/BTC; with no rent
    # every converted MW only loses it (first law), so the best fraction is 0.
    site = filled_site(power_price=0.05)
    best, scores = optimal_split(
        site,
        lease(rate=0.0, build_days=30),
        fractions=(0.0, 0.5, 1.0),
        scenario=scenario(days=400, price=GBM),
        n_paths=50,
        seed=2,
    )
    assert best == 0.0
    assert scores.idxmax() == 0.0 and (np.diff(scores.values) < 0).all()


def test_a_comparison_values_the_split_curve_on_its_own_paths():
    # SiteComparison.split_curve reuses the comparison's engine run: the same
    # seed and scenario give optimal_split's scores exactly, under any valuation.
    site = filled_site(power_price=0.06)
    contract = lease(rate=100.0, build_days=60)
    common = dict(scenario=scenario(days=500, price=GBM), n_paths=60, seed=4)
    result = compare(site, [Split(contract, fraction=1.0)], **common)
    for valuation in (None, Valuation.market()):
        kwargs = {} if valuation is None else {"valuation": valuation}
        best, scores = result.split_curve(fractions=(0.0, 0.5, 1.0), **kwargs)
        expected = optimal_split(site, contract, fractions=(0.0, 0.5, 1.0), **common, **kwargs)
        assert best == expected[0]
        assert_array_equal(scores.values, expected[1].values)
    # A fraction's score is the mean NPV of that split, as compare() gives it.
    assert scores[1.0] == pytest.approx(
        float(result.revalue(Valuation.market()).npv.sel(option="100% hosted").mean()), rel=1e-12
    )
    with pytest.raises(ValueError, match="hosting"):
        result.split_curve(hosting="a lease")


def test_cvar_objective_scores_minus_the_expected_shortfall():
    # "cvar" maximises minus the expected shortfall of NPV; with the same seed the
    # scores equal that statistic computed from compare() directly, and a fraction
    # of 0 is scored from pure mining's paths.
    site = filled_site(power_price=0.06)
    contract = lease(rate=110.0, build_days=60, capex_per_it_mw=1e6)
    market = scenario(days=600, price=GBM)
    best, scores = optimal_split(
        site,
        contract,
        fractions=(0.0, 0.5, 1.0),
        objective="cvar",
        level=0.9,
        scenario=market,
        n_paths=100,
        seed=4,
    )
    assert best in (0.0, 0.5, 1.0)
    assert list(scores.index) == [0.0, 0.5, 1.0] and scores.name == "cvar"
    result = compare(
        site,
        [Split(contract, fraction=f) for f in (0.5, 1.0)],
        scenario=market,
        n_paths=100,
        seed=4,
    )
    expected = [-risk.expected_shortfall(npv_of(result, option), 0.9) for option in result.options]
    assert_allclose(scores.values, expected, rtol=1e-12)
    assert best == scores.idxmax()


# --------------------------------------------------------------------------
# Spare capacity, demand response, capex and the calendar
# --------------------------------------------------------------------------


def test_converting_spare_capacity_leaves_mining_unchanged():
    # A 10 MW site with a 3.83 MW fleet has 6.17 MW spare: giving 5 MW to a tenant
    # leaves the fleet at full size, so the mining part is pure mining's exactly and
    # the site gains the lease's NPV on 5 / 1.25 = 4 IT MW. Giving 8 MW leaves 2 MW:
    # once the load is in (at once here) the fleet runs at 2 / 3.82725 of its size.
    days = 400
    site = Site(10.0, Deployment(S21XP, N), mining_pue=PUE, power_price=0.05)
    contract = lease(gross_to_it=1.25)
    result = compare(
        site,
        {"spare": Split(contract, mw=5.0), "beyond": Split(contract, mw=8.0)},
        scenario=scenario(days=days, price=GBM),
        n_paths=50,
        seed=9,
    )
    mining = {
        label: result.components.sel(option=label, component="mining").values
        for label in result.options
    }
    assert_allclose(mining["spare"], mining["pure mining"], rtol=1e-12)
    rent = contract.npv(RATE, days, it_mw=4.0)
    assert_allclose(npv_of(result, "spare"), npv_of(result, "pure mining") + rent, rtol=1e-12)
    assert_allclose(mining["beyond"], mining["pure mining"] * 2.0 / FLEET_MW, rtol=1e-9)


def test_demand_response_is_given_up_in_proportion_from_the_load_date():
    # At 0.50 USD/kWh the fleet is always off and, with no other opex, earns only
    # demand response: 100,000 USD/MW-year * G / 365 a day. A 40 % split decided on
    # 2026-02-01 (day 31) with a 100-day build keeps it all until day 131, then
    # 60 %; the lease (0 rent here) adds nothing. Monthly sums follow the
    # calendar: January has 31 days of full demand response.
    days = 400
    site = filled_site(power_price=0.50, demand_response=100_000.0)
    split = Split(lease(rate=0.0, build_days=100), fraction=0.4, decision="2026-02-01")
    result = compare(site, [split], scenario=scenario(days=days), n_paths=1, seed=0)
    daily = 100_000.0 * site.gross_mw / 365
    discount = cashflow.discount_factors(days, RATE)
    assert_allclose(npv_of(result, "pure mining"), daily * discount.sum(), rtol=1e-12)
    expected = daily * (discount[:131].sum() + 0.6 * discount[131:].sum())
    assert_allclose(npv_of(result, "40% hosted"), expected, rtol=1e-12)
    monthly = result.monthly_cash_flow.sel(option="40% hosted").isel(path=0).values
    assert_allclose(monthly[0], 31 * daily, rtol=1e-12)  # January 2026
    assert_allclose(monthly.sum(), daily * (131 + 0.6 * (days - 131)), rtol=1e-12)
    assert result.monthly_cash_flow.sizes["month"] == 14  # 2026-01 .. 2027-02


def test_decision_date_delays_the_hosting_flows():
    # Rent starts on the decision day (build 0): 150 USD/kW-month * 12,000 / 365
    # per IT MW-day on G / 1.25 IT MW, discounted from day 31 (2026-02-01) on.
    days = 200
    site = filled_site(power_price=0.50)  # fleet off, no other cost: mining earns 0
    contract = lease(rate=150.0, gross_to_it=1.25)
    result = compare(
        site,
        [Split(contract, fraction=1.0, decision="2026-02-01")],
        scenario=scenario(days=days),
        n_paths=1,
    )
    rent = 150.0 * 12_000 / 365 * site.gross_mw / 1.25
    discount = cashflow.discount_factors(days, RATE)
    assert_allclose(npv_of(result, "100% hosted"), rent * discount[31:].sum(), rtol=1e-12)


def test_mining_capex_is_paid_for_the_mw_that_stay_mining():
    # 300,000 USD per MW of mining build-out on day 0 (fleet off, so nothing else
    # flows). Pure mining builds out the whole site: G * 300,000. A split builds out
    # only the half that stays mining, whether its load arrives at once or mining
    # fills the converted MW for the 100 days of the build: 0.5 G * 300,000.
    site = filled_site(power_price=0.50, mining_capex_per_mw=3e5)
    contract = lease(rate=0.0)
    result = compare(
        site,
        {
            "at once": Split(contract, fraction=0.5),
            "later": Split(lease(rate=0.0, build_days=100), fraction=0.5),
        },
        scenario=scenario(days=200),
        n_paths=1,
    )
    assert_allclose(npv_of(result, "pure mining"), -3e5 * site.gross_mw, rtol=1e-12)
    assert_allclose(npv_of(result, "later"), -1.5e5 * site.gross_mw, rtol=1e-12)
    assert_allclose(npv_of(result, "at once"), -1.5e5 * site.gross_mw, rtol=1e-12)


def test_a_conversion_decided_later_finds_the_build_out_paid():
    # Same site and costs; the half converts on day 50 instead of day 0. Its MW
    # were built out on day 0 and mined until the decision: the whole site's
    # build-out is paid, G * 300,000, as for pure mining (the lease pays nothing).
    site = filled_site(power_price=0.50, mining_capex_per_mw=3e5)
    result = compare(
        site,
        {"day 0": Split(lease(rate=0.0), fraction=0.5),
         "day 50": Split(lease(rate=0.0), fraction=0.5, decision=50)},
        scenario=scenario(days=200),
        n_paths=1,
    )  # fmt: skip
    assert_allclose(npv_of(result, "day 0"), -1.5e5 * site.gross_mw, rtol=1e-12)
    assert_allclose(npv_of(result, "day 50"), -3e5 * site.gross_mw, rtol=1e-12)


# --------------------------------------------------------------------------
# Results and labels
# --------------------------------------------------------------------------


def test_table_and_probability_mining_wins_agree_with_npv():
    site = filled_site(power_price=0.06, mining_capex_per_mw=5e5)
    result = compare(
        site,
        [Split(lease(rate=60.0, build_days=90), fraction=f) for f in (0.5, 1.0)],
        scenario=scenario(days=600, price=GBM),
        n_paths=200,
        seed=8,
    )
    table = result.table(level=0.9)
    assert list(table.index) == ["pure mining", "50% hosted", "100% hosted"]
    assert list(table.columns) == [
        "mean_npv",
        "p5_npv",
        "median_npv",
        "p95_npv",
        "probability_of_loss",
        "expected_shortfall_90",
        "mean_equity_npv",
        "median_irr",
        "median_equity_irr",
        "median_payback_months",
        "median_min_dscr",
        "probability_beats_pure_mining",
        "probability_mining_wins",
    ]
    base = npv_of(result, "pure mining")
    for option in result.options:
        values = npv_of(result, option)
        row = table.loc[option]
        # Each statistic is numpy's on the option's NPV per path.
        assert_allclose(row.mean_npv, values.mean(), rtol=1e-12)
        assert_allclose(row.median_npv, np.median(values), rtol=1e-12)
        assert_allclose(row.p5_npv, np.quantile(values, 0.05), rtol=1e-12)
        assert row.probability_of_loss == np.mean(values < 0)
        assert row.probability_mining_wins == result.probability_mining_wins(option)
        assert row.probability_mining_wins == np.mean(base > values)
        assert row.probability_beats_pure_mining == np.mean(values > base)
    assert table.loc["pure mining", "probability_mining_wins"] == 0.0
    # The table states the site's costs and the valuation it used (compare()
    # runs the site's power price, PUE and pool fee, not the scenario's defaults).
    assert table.attrs["pue"] == PUE and table.attrs["pool_fee"] == 0.0
    assert table.attrs["power_price"] == 0.06 and table.attrs["n_paths"] == 200
    assert table.attrs["mining_rate"] == result.valuation.rates["mining"]
    lines = result.describe()
    assert lines[1] == "options: pure mining, 50% hosted, 100% hosted"
    assert f"PUE {PUE:.2f}" in lines and "pool fee 0.00% (default: no pool fee)" in lines
    assert not any(line.startswith("discount rate") for line in lines)  # the valuation's
    assert lines[-1] == "200 paths, the same for every option"


def test_labels_from_fraction_name_and_mapping():
    # Default labels say the converted share; Split.name and mapping keys win.
    site = filled_site()
    contract = lease()
    result = compare(
        site,
        [
            Split(contract, fraction=0.125),
            Split(contract, mw=site.gross_mw / 4),
            Split(contract, fraction=0.5, name="half"),
        ],
        scenario=scenario(days=60),
        n_paths=1,
    )
    assert result.options == ("pure mining", "12.5% hosted", "25% hosted", "half")
    mapped = compare(
        site, {"A": Split(contract, fraction=0.1)}, scenario=scenario(days=60), n_paths=1
    )
    assert mapped.options == ("pure mining", "A")


def test_bad_inputs_raise_value_errors_naming_the_argument():
    site = filled_site()
    contract = lease()
    market = scenario(days=60)
    with pytest.raises(ValueError, match="fraction"):
        Split(contract, fraction=1.5)
    with pytest.raises(ValueError, match="fraction"):
        Split(contract, fraction=float("nan"))
    with pytest.raises(ValueError, match="fraction and mw"):
        Split(contract, fraction=0.5, mw=1.0)
    with pytest.raises(ValueError, match="fraction and mw"):
        Split(contract)
    with pytest.raises(ValueError, match="mw"):
        Split(contract, mw=-1.0)
    with pytest.raises(ValueError, match="mw must be <= the site's gross_mw"):
        compare(site, [Split(contract, mw=site.gross_mw + 1)], scenario=market)
    with pytest.raises(ValueError, match="unique labels"):
        compare(site, [Split(contract, fraction=0.5)] * 2, scenario=market)
    with pytest.raises(ValueError, match="unique labels"):
        compare(site, {"pure mining": Split(contract, fraction=0.5)}, scenario=market)
    with pytest.raises(ValueError, match="decision"):
        compare(site, [Split(contract, fraction=0.5, decision=60)], scenario=market)
    with pytest.raises(ValueError, match="decision"):
        compare(site, [Split(contract, fraction=0.5, decision="2025-12-01")], scenario=market)
    with pytest.raises(ValueError, match="decision"):
        compare(site, [Split(contract, fraction=0.5, decision=1.5)], scenario=market)
    with pytest.raises(ValueError, match="gross_mw"):
        Site(0.0, Deployment(S21XP, 1))
    with pytest.raises(ValueError, match="objective"):
        optimal_split(site, contract, objective="median", scenario=market)
    with pytest.raises(ValueError, match="fractions"):
        optimal_split(site, contract, fractions=(0.5, 0.5), scenario=market)
    with pytest.raises(ValueError, match="fractions"):
        optimal_split(site, contract, fractions=(0.5, 2.0), scenario=market)
    result = compare(site, [Split(contract, fraction=0.5)], scenario=market, n_paths=1)
    with pytest.raises(ValueError, match="option"):
        result.breakeven_btc_price("pure mining")
    with pytest.raises(ValueError, match="option"):
        result.probability_mining_wins("nope")
    with pytest.raises(ValueError, match="high"):
        result.breakeven_btc_price("50% hosted", low=5e4, high=1e4)


def test_contract_tail_values_the_lease_to_its_end():
    # A 10-year lease on the whole site, no lag or capex, rent flat: with the tail, the
    # hosting NPV over a 400-day horizon equals the lease's own NPV over its 3,650 days.
    site = filled_site(power_price=0.05)
    terms = lease(rate=120.0, term_years=10)
    split = Split(terms, fraction=1.0)
    cut = compare(site, [split], scenario=scenario(days=400), n_paths=1, seed=1)
    whole = compare(
        site, [split], scenario=scenario(days=400), n_paths=1, seed=1, contract_tail=True
    )
    it_mw = site.gross_mw / terms.gross_to_it
    expected = terms.npv(0.10, 3650, it_mw=it_mw, default_day=np.inf)
    assert_allclose(npv_of(whole, "100% hosted"), expected, rtol=1e-9)
    # Without it, only the first 400 days of rent count.
    assert npv_of(cut, "100% hosted")[0] < 0.2 * expected
    # Pure mining is the same either way.
    assert_allclose(npv_of(whole, "pure mining"), npv_of(cut, "pure mining"), rtol=0)


def test_downtime_stops_mining_on_the_converted_mw_before_the_load_arrives():
    # Build 100 days, 30 days of downtime: the converted half mines on days 0-69, is
    # out of mining from day 70 (works) through the 50-day ramp (day 150), and is the
    # tenant's after. The fleet fills the site and always runs at 0.02 USD/kWh, so the
    # split's mining flow is pure mining's times 1 on days 0-69 and 0.5 after.
    site = filled_site(power_price=0.02)
    contract = lease(rate=0.0, build_days=100, ramp_days=50)
    result = compare(
        site,
        {
            "downtime": Split(contract, fraction=0.5, downtime_days=30),
            "backfill": Split(contract, fraction=0.5),
        },
        scenario=scenario(days=200),
        n_paths=1,
    )
    operating = result.mining.daily.cash_flow.isel(path=0).values
    discount = cashflow.discount_factors(200, RATE)
    mining = result.components.sel(component="mining", path=0)
    expected = operating[:70] @ discount[:70] + 0.5 * operating[70:] @ discount[70:]
    assert_allclose(mining.sel(option="downtime"), expected, rtol=1e-12)
    # Without downtime the half mines until its load ramps in: worth more.
    assert mining.sel(option="backfill") > mining.sel(option="downtime")
    with pytest.raises(ValueError, match="downtime_days"):
        Split(contract, fraction=0.5, downtime_days=-1)


# --------------------------------------------------------------------------
# Bad arguments found by the fuzz suite (tests/api_specs/site.py)
# --------------------------------------------------------------------------


def test_site_and_split_check_their_fields():
    # A list gross_mw, a missing contract, a NaT or 400-digit decision were
    # accepted and failed later inside compare() with AttributeError or
    # OverflowError.
    with pytest.raises(ValueError, match="gross_mw must be a real number"):
        Site([1.0, 2.0], Deployment(S21XP, N))
    with pytest.raises(ValueError, match=r"hosting must be a minerecon\.hosting\.ColocationLease"):
        Split(None, fraction=0.5)
    with pytest.raises(ValueError, match="fraction must be a real number"):
        Split(lease(), fraction=[0.5])
    for decision in (None, float("nan"), -1, "2025-13-45"):
        with pytest.raises(ValueError, match="decision must be a whole number of days"):
            Split(lease(), fraction=0.5, decision=decision)
    site = filled_site()
    with pytest.raises(ValueError, match="decision must fall within the horizon"):
        compare(
            site,
            [Split(lease(), fraction=0.5, decision=10**400)],
            n_paths=1,
            scenario=scenario(days=30),
        )


def test_compare_checks_its_arguments():
    # Each raised AttributeError or TypeError from deep inside: a missing site,
    # splits=None, a date string for the scenario; n_paths=True ran one path.
    site = filled_site()
    with pytest.raises(ValueError, match=r"site must be a minerecon\.scenario\.Site"):
        compare(None, [])
    with pytest.raises(ValueError, match="splits must be a sequence of Split"):
        compare(site, None)
    with pytest.raises(
        ValueError, match=r"scenario must be a minerecon\.projection\.MiningScenario"
    ):
        compare(site, [], scenario="2026-01-01")
    with pytest.raises(ValueError, match="n_paths must be an integer >= 1"):
        compare(site, [], n_paths=True, scenario=scenario(days=30))
    with pytest.raises(ValueError, match=r"site must be a minerecon\.scenario\.Site"):
        default_scenario(None)


def test_optimal_split_checks_its_arguments():
    # fractions=None raised TypeError; a level of 2 and a missing contract were
    # accepted when the objective is the mean or only pure mining is scored.
    site = filled_site()
    kwargs = {"n_paths": 1, "scenario": scenario(days=30)}
    with pytest.raises(ValueError, match="fractions must be a sequence"):
        optimal_split(site, lease(), fractions=None, **kwargs)
    with pytest.raises(ValueError, match=r"level must be in \(0, 1\)"):
        optimal_split(site, lease(), fractions=[0.0, 0.5], level=2.0, **kwargs)
    with pytest.raises(ValueError, match=r"hosting must be a minerecon\.hosting"):
        optimal_split(site, None, fractions=[0.0], **kwargs)


def test_comparison_methods_check_their_arguments():
    # A text level raised "Unknown format code 'g'", an array option numpy's
    # ambiguous truth value, a list low a broadcasting error, a percentile of
    # 101 numpy's "Percentiles must be in the range".
    site = filled_site()
    result = compare(
        site,
        {"half": Split(lease(capex_per_it_mw=1e6), fraction=0.5)},
        n_paths=1,
        scenario=scenario(days=30),
        valuation=Valuation.market(),
    )
    with pytest.raises(ValueError, match="level must be a real number"):
        result.table("x")
    with pytest.raises(ValueError, match="option must be one of"):
        result.breakeven_btc_price(np.array(["half", "x"]))
    with pytest.raises(ValueError, match="low must be a real number"):
        result.breakeven_btc_price("half", low=[1000.0, 2000.0])
    with pytest.raises(ValueError, match=r"percentiles must be in \[0, 100\]"):
        result.dscr_by_year("half", [101])


@pytest.mark.parametrize("contract_tail", [False, True])
def test_values_without_daily_flows_equal_the_daily_valuation(contract_tail):
    # compare() values options from factors (mining: the fleet's operating flows
    # times its daily scale; hosting: cumulative sums read at each path's default
    # day) and reads IRRs, payback and monthly sums off them path by path,
    # instead of building daily arrays. Tenants that default (hazard 0.3/year),
    # a build, a ramp, debt, tax and exits: every figure must match value_site on
    # the same flows built day by day, to rounding.
    site = filled_site(power_price=0.06, demand_response=30_000.0, mining_capex_per_mw=2e5)
    contract = lease(
        rate=110.0, build_days=60, ramp_days=90, capex_per_it_mw=2e6, noi_margin=0.8,
        default_hazard=0.3, backstop_share=0.4,
    )  # fmt: skip
    valuation = Valuation.market()
    splits = [Split(contract, fraction=f, decision=d) for f, d in ((0.5, 0), (1.0, 30))]
    _, base, valuation, plans, mining = scenario_module._prepare(
        site, splits, scenario(days=700, price=GBM, fees=NOISY_FEES), 150, 6, valuation,
        contract_tail, {},
    )  # fmt: skip
    operating = scenario_module._operating_flows(mining)
    lean = scenario_module._option_values(plans, base, valuation, operating, mining.seed)
    starts = np.r_[0, np.arange(31, 700, 30)]
    for factored in lean:
        parts = factored._parts
        hosting = parts.hosting
        full = value_site(
            MiningFlows(parts.mining.cash, parts.mining.capex, parts.mining.other),
            None
            if hosting is None
            else HostingFlows(
                hosting.cash, hosting.guaranteed, hosting.capex, hosting.exits,
                hosting.completion_day,
            ),
            valuation,
        )  # fmt: skip
        assert factored.flows is None and factored.equity_flows is None
        scale = np.abs(full.npv).max()
        assert_allclose(factored.npv, full.npv, rtol=0, atol=1e-10 * scale)
        assert_allclose(factored.equity_npv, full.equity_npv, rtol=0, atol=1e-10 * scale)
        for name, value in full.components.items():
            assert_allclose(factored.components[name], value, rtol=0, atol=1e-10 * scale)
        assert_allclose(factored.dscr, full.dscr, rtol=1e-10, equal_nan=True)
        irr, equity_irr, payback, monthly = valuation_module._daily_metrics(parts, starts)
        assert_allclose(irr, full.irr(), rtol=1e-9, equal_nan=True)
        assert_allclose(equity_irr, full.equity_irr(), rtol=1e-9, equal_nan=True)
        assert_allclose(payback, full.payback_days(), rtol=1e-12)
        flows_scale = np.abs(full.flows).max()
        assert_allclose(
            monthly, np.add.reduceat(full.flows, starts, axis=1), rtol=0, atol=1e-12 * flows_scale
        )


def test_a_converted_mw_gives_up_the_flexibility_of_an_hourly_market():
    # The same site on the ERCOT default's hourly prices, and on a flat price
    # equal to their long-run mean (plus the same adder). A tenant that needs
    # its power every hour pays that mean either way, so full conversion is
    # worth the same. Pure mining that stops in the hours it loses money beats
    # mining always on, path by path (the flexibility a converted MW gives
    # up), and mining always on is worth the flat price's NPV in expectation.
    from minerecon import power

    model = power.ercot_price_model()
    adder = 0.004
    flat = adder + model.long_run_mean / 1000  # 0.03225 USD/kWh
    full = [Split(lease(term_years=2), fraction=1.0)]
    market = scenario(days=200, power_market=model, power_price=0.0)
    hourly = compare(filled_site(power_price=adder), full, scenario=market, n_paths=200, seed=3)
    always_on = compare(filled_site(power_price=adder), full, n_paths=200, seed=3,
                        scenario=market.replace(switch_off=False))  # fmt: skip
    daily = compare(filled_site(power_price=flat), full, scenario=scenario(days=200), n_paths=1,
                    seed=3)  # fmt: skip
    assert_allclose(npv_of(hourly, "100% hosted"), npv_of(daily, "100% hosted")[0], rtol=1e-9)
    flexibility = npv_of(hourly, "pure mining") - npv_of(always_on, "pure mining")
    assert (flexibility >= 0).all() and flexibility.mean() > 0
    on = npv_of(always_on, "pure mining")
    assert abs(on.mean() - npv_of(daily, "pure mining")[0]) < 4 * on.std() / np.sqrt(on.size)
