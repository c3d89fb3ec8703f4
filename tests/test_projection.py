"""The Monte Carlo engine: protocol exactness, cash flows, reproducibility, backtest."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from numpy.testing import assert_allclose, assert_array_equal

from minerecon import (
    MinereconWarning,
    WeakFitWarning,
    _fold,
    cashflow,
    datasets,
    fees,
    network,
    price,
)
from minerecon.difficulty import ConstantGrowth, EconomicHashrate
from minerecon.hardware import Deployment, Fleet, get_miner
from minerecon.network import NetworkState
from minerecon.projection import (
    MiningScenario,
    backtest,
    calibrate,
    compare_machines,
    simulate,
)

D0 = 150e12
# Height 931,392 is the first block of epoch 462; no fees, BTC at 90,000 USD.
STATE = NetworkState("2026-01-01", 931_392, D0, 90_000, 0.0)
NETWORK_TH = network.hashrate_from_difficulty(D0)  # D * 2**32 / 600 / 1e12
S21XP = get_miner("Antminer S21 XP")  # 270 TH/s, 3,645 W


def deterministic(days=14, **changes):
    scenario = MiningScenario(Deployment(S21XP, 1000), start=STATE, days=days, **changes)
    return simulate(scenario, n_paths=1, output="full", seed=0)


def test_constant_network_mines_share_times_144_times_subsidy():
    result = deterministic()
    daily = result.daily.isel(path=0)
    share = 1000 * 270 / NETWORK_TH
    # Hashrate at the difficulty-implied level: 144 blocks a day at 3.125 BTC, no fees.
    assert_allclose(daily.btc_mined, share * 144 * 3.125, rtol=1e-12)
    assert_allclose(daily.difficulty, D0, rtol=0)
    # Revenue at 90,000 USD; energy 3,645 kW * 24 h * 0.05 USD/kWh per 1,000 machines.
    assert_allclose(daily.revenue, share * 144 * 3.125 * 90_000, rtol=1e-12)
    assert_allclose(daily.energy_cost, 1000 * 3645 * 24 / 1000 * 0.05, rtol=1e-12)


def test_first_retarget_moves_difficulty_by_2016_over_2015():
    daily = deterministic(days=20).daily.isel(path=0)
    # The epoch's 2015 measured intervals took 2015 * 600 s: D' = D * 2016 / 2015.
    assert_allclose(daily.difficulty[15:], D0 * 2016 / 2015, rtol=1e-12)


def test_cash_flows_discounting_and_payback_by_hand():
    capex = 6_939.0  # 25.70 USD/TH * 270 TH (Hashrate Index, 2025-11-03)
    fleet = Deployment(S21XP, 10, capex_per_unit=capex, resale_value=1_000)
    scenario = MiningScenario(fleet, start=STATE, days=14, discount_rate=0.10)
    result = simulate(scenario, n_paths=1, output="full", seed=0)
    daily = result.daily.isel(path=0)
    margin = 10 * (270 / NETWORK_TH * 144 * 3.125 * 90_000 - 3645 * 24 / 1000 * 0.05)
    expected = np.full(14, margin)
    expected[0] -= 10 * capex
    expected[-1] += 10 * 1_000
    assert_allclose(daily.cash_flow, expected, rtol=1e-12)
    discount = 1.10 ** (-np.arange(14) / 365)
    assert_allclose(result.summary.npv[0], expected @ discount, rtol=1e-12)
    # Capex 69,390 USD is not earned back within 14 days at ~140 USD/day: never.
    assert np.cumsum(expected)[-1] < 0
    assert result.summary.payback_days[0] == np.inf


def test_irr_and_payback_come_from_the_daily_flows():
    # 1,000 S21 XP at 4,000 USD at 120,000 USD/BTC and 0.04 USD/kWh for three years.
    # Month buckets dated at month starts gave an IRR that moved with the start day
    # (1.3045 from 2026-01-01, 1.1929 from 2026-01-20); on daily flows it is the rate at
    # which the engine's own daily NPV is zero, the same for both starts.
    irrs = []
    for day in ("2026-01-01", "2026-01-20"):
        state = NetworkState(day, 931_392, 150e12, 120_000, 0.0)
        fleet = Deployment(S21XP, 1000, capex_per_unit=4_000)
        scenario = MiningScenario(fleet, start=state, days=3 * 365, power_price=0.04)
        result = simulate(scenario, n_paths=1, seed=0, output="flows")
        flows = result.daily.cash_flow.values[0]
        irr = float(result.summary.irr[0])
        assert abs(cashflow.npv(flows, irr)) < 1e-3 * 4e6  # vs 4 M USD of capex
        assert_allclose(irr, cashflow.irr(flows, periods_per_year=365), rtol=1e-12)
        # Payback: the first day cumulative cash is >= 0, interpolated within the day.
        assert_allclose(result.summary.payback_days[0], cashflow.payback_period(flows))
        irrs.append(irr)
    assert_allclose(irrs[0], irrs[1], rtol=1e-12)


def test_payback_is_the_first_crossing_in_usd_and_btc():
    scenario = stochastic_scenario()
    result = simulate(scenario, n_paths=20, seed=3, output="full")
    daily = result.daily
    assert_allclose(result.summary.payback_days, cashflow.payback_period(daily.cash_flow.values))
    # In BTC: each day's cash flow converted at that day's price.
    in_btc = daily.cash_flow.values / daily.price.values
    assert_allclose(result.summary.payback_days_btc, cashflow.payback_period(in_btc))


def test_switch_off_counts_days_and_stops_energy():
    # At 0.20 USD/kWh an S19j Pro (29.5 J/TH) loses money: hashprice at 150 T and
    # 90,000 USD is 0.0377 USD/TH/day, its energy 29.5 * 24 / 1000 * 0.20 = 0.1416.
    fleet = [Deployment(S21XP, 10), Deployment("Antminer S19j Pro", 10)]
    scenario = MiningScenario(fleet, start=STATE, days=30, power_price=0.10)
    result = simulate(scenario, n_paths=1, output="full", seed=0)
    off = result.summary.days_off.isel(path=0)
    # S21 XP: 13.5 * 2.4 = 0.0324 < 0.0377, runs; S19j Pro: 0.0708 > 0.0377, off every day.
    assert off.sel(group="Antminer S21 XP") == 0
    assert off.sel(group="Antminer S19j Pro") == 30
    assert_allclose(
        result.daily.energy_cost.isel(path=0), 10 * 3645 * 24 / 1000 * 0.10, rtol=1e-12
    )


def test_always_on_machines_hash_and_pay_for_power_every_day():
    # Take-or-pay power (switch_off=False): the S19j Pro of the test above runs at a
    # loss every day, 10 * 104 TH/s mining and 10 * 3,068 W paid for at 0.10 USD/kWh.
    fleet = [Deployment(S21XP, 10), Deployment("Antminer S19j Pro", 10)]
    scenario = MiningScenario(fleet, start=STATE, days=30, power_price=0.10, switch_off=False)
    result = simulate(scenario, n_paths=1, output="full", seed=0)
    assert (result.summary.days_off.isel(path=0) == 0).all()
    daily = result.daily.isel(path=0)
    energy = 10 * (3645 + 3068) * 24 / 1000 * 0.10
    assert_allclose(daily.energy_cost, energy, rtol=1e-12)
    revenue = 10 * (270 + 104) / NETWORK_TH * 144 * 3.125 * 90_000
    assert_allclose(daily.revenue[:14], revenue, rtol=1e-12)  # before the first retarget
    # Always on loses the S19j Pro's negative margin against switching off.
    idle = simulate(scenario.replace(switch_off=True), n_paths=1, output="full", seed=0)
    loss = 10 * (104 / NETWORK_TH * 144 * 3.125 * 90_000 - 3068 * 24 / 1000 * 0.10)
    assert loss < 0
    assert_allclose(daily.cash_flow[:14] - idle.daily.cash_flow.isel(path=0)[:14], loss, rtol=1e-9)
    assert "machines always on (take-or-pay power)" in scenario.describe()
    assert result.daily.attrs["switch_off"] is False
    with pytest.raises(ValueError, match="switch_off must be True or False"):
        scenario.replace(switch_off="no")


def test_hold_sells_everything_on_the_last_day():
    sell = deterministic(days=10)
    hold = deterministic(days=10, policy="hold")
    btc = float(sell.summary.btc_mined[0])
    assert_allclose(hold.summary.btc_mined[0], btc, rtol=1e-12)
    assert_allclose(hold.daily.revenue.isel(path=0)[-1], btc * 90_000, rtol=1e-12)
    assert_allclose(hold.daily.revenue.isel(path=0)[:-1], 0.0)


def test_monthly_series_sum_the_daily_ones():
    scenario = MiningScenario(
        Deployment(S21XP, 100, capex_per_unit=5_000),
        start=STATE,
        days=200,
        price=price.GBM(0.2, 0.6),
        fees=fees.ConstantFees(0.02),
        hashrate=ConstantGrowth(0.02, volatility=0.2),
    )
    result = simulate(scenario, n_paths=150, output="full", seed=3)
    for name in ("cash_flow", "btc_mined", "revenue", "energy_cost"):
        monthly = result.monthly[name].sum("month")
        assert_allclose(monthly, result.daily[name].sum("time"), rtol=1e-12)
    month_end = result.daily.cumulative_cash.resample(time="MS").last()
    assert_allclose(result.monthly.cumulative_cash, month_end.values, rtol=1e-12)


def stochastic_scenario(**changes):
    fleet = [
        Deployment(S21XP, 200, capex_per_unit=6_939, degradation=0.05, failure_rate=0.05),
        Deployment("Antminer S21", 100, delivery=60, capex_per_unit=3_000),
        Deployment("Antminer S19j Pro", 300, resale_value=100, other_opex=0.002),
    ]
    scenario = MiningScenario(
        fleet,
        start=STATE,
        days=400,
        price=price.GBM(0.1, 0.6),
        fees=fees.StochasticFees(0.02, 0.03, 4.0, 1.5, 2.0, 1.0),
        hashrate=EconomicHashrate(0.035, 0.5, 5.0, volatility=0.2),
        power_price=0.06,
        pool_fee=0.02,
    )
    return scenario.replace(**changes)


def test_results_do_not_depend_on_chunk_size_or_threads():
    scenario = stochastic_scenario()
    reference = simulate(scenario, n_paths=1000, seed=11, chunk_size=1000)
    for kwargs in (
        {"chunk_size": 100_000},
        {"chunk_size": 100},
        {"chunk_size": 333},
        {"threads": 1},
        {"threads": 2},
    ):
        other = simulate(scenario, n_paths=1000, seed=11, **kwargs)
        assert other.summary.identical(reference.summary), kwargs
        assert other.monthly.identical(reference.monthly), kwargs


def test_same_seed_same_paths_across_scenarios():
    # Common random numbers: a different power price sees the same BTC price paths.
    cheap = simulate(stochastic_scenario(), n_paths=300, seed=5)
    dear = simulate(stochastic_scenario(power_price=0.08), n_paths=300, seed=5)
    assert cheap.monthly.price.identical(dear.monthly.price)
    assert cheap.monthly.difficulty.identical(dear.monthly.difficulty)
    other = simulate(stochastic_scenario(power_price=0.08), n_paths=300, seed=6)
    # The NPV difference varies far less on shared paths than on independent ones.
    shared = (cheap.summary.npv - dear.summary.npv).std()
    independent = (cheap.summary.npv - other.summary.npv).std()
    assert shared < 0.2 * independent


def test_seed_generator_and_reproducibility():
    scenario = stochastic_scenario(days=90)
    a = simulate(scenario, n_paths=50, seed=np.random.SeedSequence(9))
    b = simulate(scenario, n_paths=50, seed=a.seed)
    assert a.summary.identical(b.summary)
    c = simulate(scenario, n_paths=50, seed=np.random.default_rng(1))
    assert not np.array_equal(a.summary.npv, c.summary.npv)


def test_halving_day_is_recorded():
    # 118,608 blocks from 931,392 to 1,049,999 (the block before the halving) at 144 a day,
    # slowed after the first retarget to 143.93 a day: about 824 days.
    result = deterministic(days=900)
    halving_day = float(result.summary.halving_day[0])
    assert 823 < halving_day < 825
    reward = result.daily.reward_per_th.isel(path=0).values
    day = int(halving_day)
    assert_allclose(reward[day + 1] / reward[day - 1], 0.5, rtol=1e-3)


def test_risk_bands_payback_and_yearly():
    result = simulate(stochastic_scenario(), n_paths=400, seed=2)
    summary = result.risk()
    assert 0 <= summary["probability_of_loss"] <= 1
    never = float(np.isinf(result.summary.payback_days).mean())
    assert result.payback()["share_never"] == never
    yearly = result.yearly()
    # 2026-01-01 + 400 days: 2026 and 2027; flows add up, levels are the last month's.
    assert list(yearly.year.values) == [2026, 2027]
    assert_allclose(yearly.cash_flow.sum("year"), result.summary.final_cash, rtol=1e-9)
    assert_allclose(yearly.price.sel(year=2027), result.monthly.price.isel(month=-1))
    bands = result.bands("price")
    assert bands.sizes["percentile"] == 5
    assert np.all(bands.diff("percentile") >= 0)


def test_full_output_beyond_the_budget_is_refused():
    with pytest.raises(ValueError, match="memory_budget_mb"):
        simulate(stochastic_scenario(), n_paths=10_000, output="full", memory_budget_mb=10)


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_paths"):
        simulate(stochastic_scenario(), n_paths=0)
    with pytest.raises(ValueError, match="policy"):
        stochastic_scenario(policy="lend")
    with pytest.raises(ValueError, match="power_price"):
        stochastic_scenario(power_price=-0.01)
    with pytest.raises(ValueError, match="delivery"):
        MiningScenario(Deployment(S21XP, 1, delivery=500), start=STATE, days=100)
    with pytest.raises(ValueError, match="threads"):
        simulate(stochastic_scenario(days=90), n_paths=1, threads=0)


def test_backtest_matches_an_independent_calculation():
    start, end = "2024-04-20", "2025-04-19"
    s19xp = Deployment("Antminer S19 XP", 1, capex_per_unit=4_000)
    result = backtest(s19xp, start, end, power_price=0.05)
    history = datasets.load_history().loc[start:end]
    subsidy = network.block_subsidy(datasets.estimate_height(history.index))
    reward = network.btc_per_th_day(history.difficulty, history.fees_btc_per_block, subsidy)
    revenue = 140 * reward * history.price_usd
    energy = 3010 * 24 / 1000 * 0.05
    running = revenue >= energy
    assert_allclose(result.summary.btc_mined[0], (140 * reward)[running].sum(), rtol=1e-12)
    cash = np.where(running, revenue - energy, 0.0)
    cash[0] -= 4_000
    assert_allclose(result.daily.cash_flow.isel(path=0), cash, rtol=1e-12)
    assert int(result.summary.days_off[0, 0]) == int((~running).sum())
    assert_allclose(result.daily.difficulty.isel(path=0), history.difficulty, rtol=0)


def test_fleet_object_runs_from_day_zero():
    result = simulate(
        MiningScenario(Fleet.from_counts({"Antminer S21": 2}), start=STATE, days=5), n_paths=1
    )
    assert result.summary.sizes["group"] == 1


def test_fleet_scale_and_extra_cash_flow():
    whole = deterministic(days=10)
    scale = np.linspace(1.0, 0.0, 10)
    extra = np.full(10, 1_000.0)
    part = deterministic(days=10, fleet_scale=scale, extra_cash_flow=extra)
    # Mining flows are linear in the share of the fleet at work; extra flows add on.
    for name in ("btc_mined", "energy_cost"):
        assert_allclose(part.daily[name], whole.daily[name] * scale, rtol=1e-12, atol=1e-12)
    expected = whole.daily.cash_flow * scale + 1_000.0
    assert_allclose(part.daily.cash_flow, expected, rtol=1e-12)
    with pytest.raises(ValueError, match="fleet_scale"):
        deterministic(days=10, fleet_scale=np.full(10, 1.5))


def test_fleet_larger_than_the_network_mines_every_block_not_more():
    # A fleet of twice the difficulty-implied hashrate: the network includes the fleet,
    # so blocks come at the fleet's rate (288 a day) and the fleet mines all of them.
    count = int(2 * NETWORK_TH / 270)
    scenario = MiningScenario(Deployment(S21XP, count), start=STATE, days=3)
    daily = simulate(scenario, n_paths=1, output="full", seed=0).daily.isel(path=0)
    blocks = count * 270 * 86_400 / (D0 * 2**32 / 1e12)
    assert_allclose(daily.btc_mined[0], blocks * 3.125, rtol=1e-12)


def test_stochastic_fees_stay_below_their_ceiling():
    wild = fees.StochasticFees(1.0, 5.0, 0.5, 5.0, 20.0, 3.0, max_level=10.0)
    paths = fees.simulate(wild, 200, 730, seed=4)
    # Diffusion of 5 per sqrt(year) and large spikes reach the ceiling, never pass it.
    assert paths.max() == 10.0
    with pytest.raises(ValueError, match="max_level"):
        fees.StochasticFees(20.0, 5.0, 0.5, 1.0, 0.0, 0.0, max_level=10.0)


# --------------------------------------------------------------------------
# Reliability: wrong types, dates and budgets (fuzzing found AttributeError,
# ZeroDivisionError and NaN chunk sizes here)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", [None, "x", 3, Deployment(S21XP, 1)])
def test_simulate_refuses_what_is_not_a_scenario(scenario):
    with pytest.raises(ValueError, match=r"^scenario must be a MiningScenario, got"):
        simulate(scenario)


@pytest.mark.parametrize("start", ["2025-01-01", pd.Timestamp("2025-01-01")])
def test_a_date_as_start_is_refused_with_a_hint(start):
    # A date does not say which network to use: the message points to
    # NetworkState.from_history, which reads it from the bundled history.
    with pytest.raises(ValueError, match=r"^start must be a NetworkState.*from_history"):
        MiningScenario(Deployment(S21XP, 1), start=start, days=10)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("price", 90_000.0, r"^price must be a model with a sample\(rng, out, start_price\)"),
        ("price", "gbm", r"^price must be a model with a sample"),
        ("fees", 0.05, r"^fees must be a model with a sample\(rng, out\)"),
        ("fees", "odd kind", r"^fees must have kind 'btc_per_block' or 'share', got 'percent'"),
        ("hashrate", 3, r"^hashrate must be a ConstantGrowth or EconomicHashrate"),
        ("hashrate", price.GBM(0.0, 0.5), r"^hashrate must be a ConstantGrowth"),
    ],
)
def test_models_of_the_wrong_type_are_refused(field, value, expected):
    if value == "odd kind":
        value = _PercentFees()
    with pytest.raises(ValueError, match=expected):
        MiningScenario(Deployment(S21XP, 1), start=STATE, days=10, **{field: value})


class _PercentFees:
    """A fee model of a kind the engine does not know."""

    kind = "percent"

    def sample(self, rng, out):
        out[...] = 0.0


@pytest.mark.parametrize("fleet", [None, 3, "Antminer S21 XP", [], [S21XP]])
def test_a_fleet_of_the_wrong_type_is_refused(fleet):
    with pytest.raises(ValueError, match=r"^fleet must be a Fleet, a Deployment"):
        MiningScenario(fleet, start=STATE, days=10)


def test_an_infinite_memory_budget_means_no_limit(monkeypatch):
    # Documented: memory_budget_mb=inf lifts the limit, so chunks are
    # MAX_CHUNK_PATHS paths (patched to 100 to see three chunks of 250 paths)
    # and results are those of any other chunking.
    from minerecon import projection

    scenario = stochastic_scenario(days=90)
    reference = simulate(scenario, n_paths=250, seed=3, output="full")
    monkeypatch.setattr(projection, "MAX_CHUNK_PATHS", 100)
    chunks = []
    run = projection._Job.run

    def spy(self, first, last, *args, **kwargs):
        chunks.append((first, last))
        return run(self, first, last, *args, **kwargs)

    monkeypatch.setattr(projection._Job, "run", spy)
    result = simulate(scenario, n_paths=250, seed=3, output="full", memory_budget_mb=np.inf)
    assert chunks == [(0, 100), (100, 200), (200, 250)]
    assert result.summary.identical(reference.summary)
    assert result.daily.identical(reference.daily)


@pytest.mark.parametrize("budget", [0.5, np.nan, -np.inf, [100, 200], "big"])
def test_a_bad_memory_budget_is_refused(budget):
    with pytest.raises(ValueError, match=r"^memory_budget_mb must"):
        simulate(stochastic_scenario(days=90), n_paths=1, memory_budget_mb=budget)


def test_a_boolean_is_not_a_number_of_paths():
    with pytest.raises(ValueError, match=r"^n_paths must be a whole number >= 1, got True"):
        simulate(stochastic_scenario(days=90), n_paths=True)


def test_a_timedelta_is_not_a_number_of_paths():
    # numpy counts timedelta64 as an integer; it reached a number format and failed there
    with pytest.raises(ValueError, match=r"^n_paths must be a whole number >= 1, got np.time"):
        simulate(stochastic_scenario(days=90), n_paths=np.timedelta64(1, "D"))


# The valid range of dates: the bundled history (datasets.load_history).
HISTORY = r"between 2014-01-01 and 2026-08-16 \(the bundled history\)"
BAD_DATES = ["NaT", "", "   ", -1, 0, 20240420, None, True, "not a date", "2024-02-30"]


@pytest.mark.parametrize("bad", [d for d in BAD_DATES if d is not None])
def test_backtest_refuses_bad_dates_naming_the_argument_and_the_range(bad):
    fleet = Deployment(S21XP, 1)
    with pytest.raises(
        ValueError, match=rf"^start must be a date {HISTORY}.*got {re.escape(repr(bad))}"
    ):
        backtest(fleet, bad, "2025-01-01")
    with pytest.raises(
        ValueError, match=rf"^end must be a date {HISTORY}.*got {re.escape(repr(bad))}"
    ):
        backtest(fleet, "2024-01-01", bad)


@pytest.mark.parametrize("day", ["2013-12-31", "2026-08-17", "2100-01-01"])
def test_backtest_refuses_days_outside_the_history(day):
    with pytest.raises(ValueError, match=rf"^start must be a date {HISTORY}, got {day}"):
        backtest(Deployment(S21XP, 1), day)


def test_backtest_needs_start_before_end():
    with pytest.raises(ValueError, match=r"^start must be before end"):
        backtest(Deployment(S21XP, 1), "2025-01-01", "2024-01-01")


@pytest.mark.parametrize("bad", [d for d in BAD_DATES if d is not None])
def test_calibrate_refuses_bad_dates_naming_the_argument_and_the_range(bad):

    with pytest.raises(
        ValueError, match=rf"^start must be a date {HISTORY}.*got {re.escape(repr(bad))}"
    ):
        calibrate(start=bad, end="2025-01-01")
    with pytest.raises(
        ValueError, match=rf"^end must be a date {HISTORY}.*got {re.escape(repr(bad))}"
    ):
        calibrate(start="2023-01-01", end=bad)


# --------------------------------------------------------------------------
# Reliability: what the fuzz suite (tests/api_specs/models.py) found
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("days", 10**7),  # beyond pandas.Timestamp.max: a 27,000-year run was started
        ("days", True),
        ("power_price", np.inf),  # accepted
        ("pue", [1.0, 1.1]),  # accepted, then TypeError from float() in simulate
        ("discount_rate", np.inf),  # accepted
        ("policy", np.array([])),  # truth value ambiguous
        ("extra_cash_flow", ["a", "b"]),  # numpy's "could not convert string to float"
    ],
)
def test_scenario_fields_are_checked_naming_them(field, value):
    with pytest.raises(ValueError, match=rf"^{field} must"):
        MiningScenario(Deployment(S21XP, 1), **{"start": STATE, "days": 2, field: value})


def test_a_length_mismatch_names_days():
    # The message named only the sequence, not the horizon it must match.
    with pytest.raises(ValueError, match=r"one value per day \(days=3\)"):
        MiningScenario(Deployment(S21XP, 1), start=STATE, days=3, fleet_scale=[1.0])


def test_scenario_scalars_are_stored_as_floats():
    scenario = MiningScenario(Deployment(S21XP, 1), start=STATE, days=2, pue=1, pool_fee=0)
    assert type(scenario.pue) is float and type(scenario.pool_fee) is float


def test_fleet_schedule_refuses_what_is_not_a_scenario():
    # fleet_schedule(None) raised AttributeError.
    from minerecon.projection import fleet_schedule

    with pytest.raises(ValueError, match=r"^scenario must be a MiningScenario"):
        fleet_schedule(None)


@pytest.mark.parametrize("n_paths", [10**12, 10**400])
def test_a_run_beyond_max_path_days_is_refused_before_it_starts(n_paths):
    # Memory no longer bounds a summary run (keep_paths), so a mistyped size
    # would run for years: 10**12 paths x 30 days is beyond 10**12 path-days.
    scenario = MiningScenario(Deployment(S21XP, 1), start=STATE, days=30)
    with pytest.raises(ValueError, match=r"^n_paths x days = .* beyond MAX_PATH_DAYS"):
        simulate(scenario, n_paths=n_paths)


def test_kept_paths_beyond_the_budget_or_the_machine_are_refused():
    scenario = MiningScenario(Deployment(S21XP, 1), start=STATE, days=30)
    # 10**10 paths kept under an infinite budget cannot fit any machine.
    with pytest.raises(ValueError, match=r"10000000000 paths kept, more than this machine"):
        simulate(scenario, n_paths=10**10, memory_budget_mb=np.inf)
    # Asked to keep more than the budget holds: refused, naming keep_paths.
    with pytest.raises(ValueError, match=r"above memory_budget_mb=1; use keep_paths"):
        simulate(scenario, n_paths=10_000, keep_paths=10_000, memory_budget_mb=1)
    for bad in (0, 10_001, 2.5, True):
        with pytest.raises(ValueError, match=r"^keep_paths must be a whole number in \[1, "):
            simulate(scenario, n_paths=10_000, keep_paths=bad)
    with pytest.raises(ValueError, match=r"^keep_paths applies to output='summary'"):
        simulate(scenario, n_paths=100, keep_paths=10, output="flows")


@pytest.mark.parametrize(("field", "value"), [("progress", np.array([1.0, 2.0])), ("output", [])])
def test_simulate_refuses_options_of_the_wrong_type(field, value):
    # Both raised "truth value ... is ambiguous", naming nothing.
    scenario = MiningScenario(Deployment(S21XP, 1), start=STATE, days=3)
    with pytest.raises(ValueError, match=rf"^{field} must"):
        simulate(scenario, n_paths=1, **{field: value})


def test_result_methods_refuse_names_of_the_wrong_type():
    # bands raised TypeError (unhashable array), payback "truth value is ambiguous".
    result = simulate(MiningScenario(Deployment(S21XP, 1), start=STATE, days=3), n_paths=2)
    with pytest.raises(ValueError, match=r"^variable must"):
        result.bands(np.array([]))
    with pytest.raises(ValueError, match=r"^currency must"):
        result.payback(np.array([]))


def test_calibrated_and_result_objects_check_their_fields():
    # Both accepted anything; Calibrated.table() then raised AttributeError and
    # SimulationResult.risk() TypeError.
    from minerecon.projection import Calibrated, SimulationResult

    with pytest.raises(ValueError, match=r"^price must be a fitted price model"):
        Calibrated(price.GBM(0.1, 0.5), fees.ConstantFees(0.02), ConstantGrowth(0.0))
    with pytest.raises(ValueError, match=r"^summary must be Dataset"):
        SimulationResult(None, None, None, None, None)


def test_without_a_budget_chunks_still_fit_in_the_machine(monkeypatch):
    # memory_budget_mb=inf took chunks of MAX_CHUNK_PATHS paths whatever the
    # horizon: 10,000 paths of a long horizon need more memory than a machine has.
    # A machine of 150 paths' working memory gets chunks of one block (100 paths).
    from minerecon import projection

    scenario = stochastic_scenario(days=90)
    months = len(scenario.dates.to_period("M").unique())
    per_path = projection._memory_per_path(90, months, 3, full=False)
    monkeypatch.setattr(projection, "_physical_memory", lambda: 150.0 * per_path)
    chunks = []
    run = projection._Job.run

    def spy(self, first, last, *args, **kwargs):
        chunks.append((first, last))
        return run(self, first, last, *args, **kwargs)

    monkeypatch.setattr(projection._Job, "run", spy)
    simulate(scenario, n_paths=250, seed=3, memory_budget_mb=np.inf)
    assert chunks == [(0, 100), (100, 200), (200, 250)]


def test_a_boolean_is_not_a_chunk_size():
    # True was read as chunks of one path.
    with pytest.raises(ValueError, match=r"^chunk_size must be"):
        simulate(stochastic_scenario(days=90), n_paths=2, chunk_size=True)


def test_a_pandas_object_is_not_a_price_model():
    # A Series has a sample method (random rows) and passed as a price model.
    with pytest.raises(ValueError, match=r"^price must be a model"):
        MiningScenario(Deployment(S21XP, 1), start=STATE, days=2, price=pd.Series([1.0]))


def test_calibrate_assumes_no_drift_unless_asked():
    # default: GBM drift 0 (the expected price stays today's), marked as assumed;
    # the fitted value (mean log return * 365 + vol^2 / 2) stays in the method text
    fitted = calibrate()
    fit = price.GBM.fit(start="2022-08-17", end="2026-08-16")
    assert fitted.price.drift == 0.0 and fitted.assumed == ("price.drift",)
    assert fitted.price.volatility == fit.volatility
    assert f"fitted {fit.drift:.3f}/year" in fitted.price.calibration.method
    table = fitted.table()
    assert not table.loc[("price", "drift"), "fitted"]
    assert table.loc[("price", "volatility"), "fitted"]
    assert calibrate(price_drift=0.04).price.drift == 0.04


def test_calibrate_fitted_drift_warns_that_it_is_backward_looking():
    with pytest.warns(MinereconWarning, match=r"fitted BTC drift, \+0\.356/year .* backward"):
        fitted = calibrate(price_drift="fitted")
    assert fitted.assumed == () and fitted.price.drift == pytest.approx(0.3558, abs=1e-4)


@pytest.mark.parametrize("bad", ["mean", float("nan"), 11.0, True])
def test_calibrate_rejects_bad_price_drift(bad):
    with pytest.raises(ValueError, match="price_drift"):
        calibrate(price_drift=bad)


def test_calibrate_passes_the_weak_hashrate_fit_warning_to_its_caller():
    # The default hashrate window (since the 2024 halving) is a weak fit
    # (tests/test_difficulty.py); the warning names the line that called calibrate.
    with pytest.warns(WeakFitWarning, match=r"R\^2 = 0\.03") as record:
        calibrate()
    assert [w.filename for w in record] == [__file__]


def test_scenario_states_the_settings_it_uses_defaults_flagged():
    scenario = MiningScenario(Deployment(S21XP, 1000), start=STATE, days=30)
    lines = scenario.describe()
    # The core functions' defaults: no pool fee, PUE 1.0, flagged as such.
    assert "pool fee 0.00% (default: no pool fee)" in lines
    assert "PUE 1.00 (default: no cooling or conversion overhead)" in lines
    # 1,000 S21 XP: 270 PH/s at 3,645 / 270 = 13.50 J/TH.
    assert "fleet: 1,000 machines, 270 PH/s at 13.50 J/TH" in lines
    assert lines[0].startswith("start 2026-01-01: height 931,392, BTC 90,000 USD")
    assert lines[0].endswith("30 days to 2026-01-30")
    site_like = scenario.replace(pue=1.1, pool_fee=0.02, power_price=np.linspace(0.04, 0.06, 30))
    lines = site_like.describe()
    assert "pool fee 2.00%" in lines and "PUE 1.10" in lines
    assert "power price mean 0.05 USD/kWh (per day), escalation 0.00%/year" in lines
    # The same values travel with every output of a run.
    result = simulate(site_like, n_paths=4, seed=0)
    settings = site_like.settings()
    assert settings["pool_fee"] == 0.02 and settings["pue"] == 1.1
    assert settings["power_price"] == pytest.approx(0.05, rel=1e-12)
    assert settings["power_price_varies"]
    for attrs in (result.summary.attrs, result.monthly.attrs, result.risk().attrs):
        assert {k: attrs[k] for k in settings} == settings
    assert result.describe()[-1] == "4 paths, seed entropy 0"


def test_a_fitted_model_is_described_with_its_window():
    fitted = calibrate(price_drift=0.0)
    lines = fitted.scenario(Deployment(S21XP, 10), start=STATE, days=30).describe()
    assert "price: GBM(drift=0, volatility=0.4755), fitted 2022-08-17 to 2026-08-16" in lines
    assert any(line.startswith("fees: StochasticFees(level=0.02108") for line in lines)


# --------------------------------------------------------------------------
# Statistics of every path, per-path results of the kept ones
# --------------------------------------------------------------------------


def test_statistics_are_numpys_over_every_path():
    result = simulate(stochastic_scenario(days=200), n_paths=650, seed=4)
    npv = result.summary.npv.values
    stats = result.statistics
    assert stats.attrs["n_paths"] == result.n_paths == 650
    assert list(stats.statistic.values) == ["count", "mean", "std", "min", "max"]
    assert_allclose(stats.npv.sel(statistic="mean"), npv.mean(), rtol=1e-12)
    assert_allclose(stats.npv.sel(statistic="std"), npv.std(ddof=1), rtol=1e-12)
    assert stats.npv.sel(statistic="min") == npv.min()
    assert stats.npv.sel(statistic="max") == npv.max()
    assert float(stats.probability_of_loss) == np.mean(npv < 0)
    # Non-finite values (a payback that never comes) are left out of the moments.
    payback = result.summary.payback_days.values
    finite = np.isfinite(payback)
    assert stats.payback_days.sel(statistic="count") == finite.sum()
    if finite.any():
        assert_allclose(
            stats.payback_days.sel(statistic="mean"), payback[finite].mean(), rtol=1e-12
        )
    monthly = result.monthly_statistics.cash_flow
    assert_allclose(
        monthly.sel(statistic="mean"), result.monthly.cash_flow.mean("path"), rtol=1e-12
    )
    assert_allclose(
        monthly.sel(statistic="std"), result.monthly.cash_flow.std("path", ddof=1), rtol=1e-10
    )


def test_statistics_of_astronomical_values_are_infinite_spreads_without_warnings():
    # IRRs of nearly free investments reach 1e300: squares overflow. The spread is
    # then inf, the mean and extremes stay exact, and numpy says nothing.
    rows = np.array([[[1e300], [-1e300], [1.0]], [[2.0], [4.0], [np.inf]]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        first = _fold.Moments.of_blocks(rows)
        total = first.block(0)
        total.merge(first.block(1))
    assert total.count == 5.0
    assert total.std()[0] == np.inf
    assert (total.minimum[0], total.maximum[0]) == (-1e300, 1e300)
    assert_allclose(total.mean, 7.0 / 5.0, rtol=1e-12)


def test_kept_paths_are_the_first_paths_and_statistics_cover_them_all():
    scenario = stochastic_scenario(days=200)
    every = simulate(scenario, n_paths=650, seed=4)
    # Kept paths: the first 170 of the same run (path i does not depend on the
    # chunking), in any chunking; the statistics are every path's, bit for bit
    # whatever the chunks (folded per block of 100 paths in path order).
    runs = [
        simulate(scenario, n_paths=650, seed=4, keep_paths=170, chunk_size=size)
        for size in (37, 100, 650)
    ]
    for run in runs:
        assert run.summary.sizes["path"] == 170 and run.monthly.sizes["path"] == 170
        assert_array_equal(run.summary.npv.values, every.summary.npv.values[:170])
        assert_array_equal(run.monthly.cash_flow.values, every.monthly.cash_flow.values[:170])
        xr.testing.assert_identical(run.statistics, runs[0].statistics)
        xr.testing.assert_identical(run.monthly_statistics, runs[0].monthly_statistics)
    xr.testing.assert_allclose(runs[0].statistics, every.statistics, rtol=1e-12)
    # risk(): n, mean, std and P(loss) over all 650 paths, quantiles over the 170 kept.
    table, exact = runs[0].risk(), every.risk()
    assert table["n"] == 650 and table.attrs["quantiles_from_paths"] == 170
    for name in ("mean", "std"):
        assert_allclose(table[name], exact[name], rtol=1e-12)
    assert table["probability_of_loss"] == exact["probability_of_loss"]
    assert table["p50"] == np.median(every.summary.npv.values[:170])
    payback = runs[0].payback()
    assert payback["share_never"] == every.payback()["share_never"]
    assert runs[0].describe()[-1] == (
        "650 paths (per-path results kept for the first 170), seed entropy 4"
    )


def test_the_default_keeps_what_fits_a_quarter_of_the_budget():
    # Per kept path: 10 summaries, 3 groups' days off and 12 monthly variables over
    # 7 months (2026-01 to 2026-07): 8 * (10 + 3 + 84) = 776 bytes. A 1 MB budget
    # holds 1,351 paths; above that, what fits a quarter of it is kept: 337.
    scenario = stochastic_scenario(days=200)
    assert simulate(scenario, 1_300, seed=1, memory_budget_mb=1).summary.sizes["path"] == 1_300
    big = simulate(scenario, 3_000, seed=1, memory_budget_mb=1)
    assert big.monthly.sizes["month"] == 7 and big.summary.sizes["group"] == 3
    assert big.summary.sizes["path"] == 2**20 // 4 // 776 == 337
    assert big.n_paths == 3_000


# --------------------------------------------------------------------------
# compare_machines: several machines on the same paths
# --------------------------------------------------------------------------


def test_compare_machines_by_hand_on_a_fixed_market():
    # No noise, 14 days (before the first retarget), BTC 90,000 USD, power 0.05 USD/kWh:
    # an S21 XP earns 270 / NETWORK_TH * 144 * 3.125 * 90,000 and spends
    # 3,645 * 24 / 1000 * 0.05 a day; bought for 6,939 USD it loses money in 14 days.
    market = MiningScenario(Deployment(S21XP, 1), start=STATE, days=14)
    table = compare_machines(
        {"Antminer S21 XP": 6_939.0, "Antminer S19j Pro": 1_200.0}, market, n_paths=1, seed=0
    )
    margin = 270 / NETWORK_TH * 144 * 3.125 * 90_000 - 3645 * 24 / 1000 * 0.05
    npv = -6_939.0 + margin * np.sum(1.10 ** (-np.arange(14) / 365))
    row = table.loc["Antminer S21 XP"]
    assert_allclose(row["mean_npv_usd"], npv, rtol=1e-12)
    assert (row["machines"], row["capex_usd"]) == (1, 6_939.0)
    assert_allclose(row["usd_per_th"], 6_939.0 / 270, rtol=1e-15)
    assert_allclose(row["npv_per_capex"], npv / 6_939.0, rtol=1e-12)
    assert row["probability_of_loss"] == 1.0 and row["probability_never_pays_back"] == 1.0
    assert row["median_payback_days"] == np.inf
    # Sorted by mean NPV per USD of capex, best first.
    assert list(table.index) == sorted(table.index, key=lambda m: -table.loc[m, "npv_per_capex"])
    assert table.attrs["n_paths"] == 1 and table.attrs["days"] == 14


def test_compare_machines_values_each_machine_on_the_same_paths():
    # Common random numbers: each row is simulate() of that machine alone with the
    # same seed, so the BTC price of path i is the same for every machine.
    market = MiningScenario(Deployment(S21XP, 1), start=STATE, days=200, price=price.GBM(0.0, 0.6))
    machines = [
        Deployment(S21XP, 3, capex_per_unit=5_000.0, resale_value=1_000.0),
        Deployment("Antminer S19j Pro", 2, capex_per_unit=900.0),
    ]
    table = compare_machines(machines, market, n_paths=300, seed=7, level=0.9)
    for deployment in machines:
        alone = simulate(market.replace(fleet=deployment), 300, seed=7)
        row = table.loc[deployment.miner.name]
        summary = alone.risk(0.9)
        assert row["mean_npv_usd"] == summary["mean"]
        assert row["expected_shortfall_usd"] == summary["expected_shortfall_90"]
        assert row["probability_never_pays_back"] == alone.payback()["share_never"]
        assert row["capex_usd"] == deployment.count * deployment.capex_per_unit
    prices = simulate(market, 300, seed=7, output="full").daily.price
    other = simulate(market.replace(fleet=machines[1]), 300, seed=7, output="full").daily.price
    assert_array_equal(prices, other)


def test_compare_machines_refuses_bad_machines_by_name():
    market = MiningScenario(Deployment(S21XP, 1), start=STATE, days=14)
    with pytest.raises(ValueError, match=r"machines\['Antminer S21 XP'\] price"):
        compare_machines({"Antminer S21 XP": -1.0}, market, n_paths=1)
    with pytest.raises(ValueError, match="each once"):
        compare_machines([Deployment(S21XP, 1), Deployment(S21XP, 2)], market, n_paths=1)
    with pytest.raises(ValueError, match="machines must map machine names"):
        compare_machines("Antminer S21 XP", market, n_paths=1)
    with pytest.raises(ValueError, match="scenario must be a MiningScenario"):
        compare_machines({"Antminer S21 XP": 1.0}, "market", n_paths=1)


def test_monthly_hashprice_is_the_last_days_gross_reward_in_usd():
    # Month-end level, before the pool fee: price * reward per TH/s on the month's
    # last day (the daily output's own columns), whatever the pool fee.
    result = simulate(stochastic_scenario(days=100).replace(pool_fee=0.02), 3, seed=5,
                      output="full")  # fmt: skip
    daily = result.daily
    gross = (daily["price"] * daily["reward_per_th"]).to_pandas().T
    last_days = gross.groupby(gross.index.to_period("M")).tail(1)
    assert_allclose(result.monthly["hashprice"].values, last_days.to_numpy().T, rtol=1e-12)
    assert result.monthly["hashprice"].attrs["units"] == "USD/TH/day (month end, before pool fee)"


# --------------------------------------------------------------------------
# Poisson block arrivals
# --------------------------------------------------------------------------


def test_poisson_count_is_the_poisson_quantile():
    # The inverse-transform count is scipy's Poisson quantile, from tiny means to
    # a day's blocks and beyond.
    from scipy.stats import poisson

    from minerecon._kernels import poisson_count

    uniforms = np.random.default_rng(3).random(3_000)
    for mean in (0.2, 3.0, 144.0, 161.7, 2_500.0):
        counts = [poisson_count(u, mean) for u in uniforms]
        assert_allclose(counts, poisson.ppf(uniforms, mean), rtol=0, atol=0)
    assert poisson_count(0.7, 0.0) == 0


def test_poisson_arrivals_keep_the_expected_reward_and_randomise_the_schedule():
    # With a constant network hashrate, the difficulty each epoch is set from how
    # long its Poisson blocks took, so difficulty and the halving day vary by path;
    # a pool's reward per share stays unbiased: mean revenue within Monte Carlo error
    # of the expected-value run (the same price paths).
    expected = stochastic_scenario(days=1000).replace(hashrate=None)
    poisson = expected.replace(block_arrivals="poisson")
    a = simulate(expected, 400, seed=9)
    b = simulate(poisson, 400, seed=9)
    difficulty = b.monthly["difficulty"].values[:, -1]
    assert np.ptp(a.monthly["difficulty"].values[:, -1]) == 0 and np.ptp(difficulty) > 0
    assert np.nanstd(b.summary["halving_day"].values) > 0
    gap = b.summary["revenue"].values - a.summary["revenue"].values
    assert abs(gap.mean()) < 4 * gap.std(ddof=1) / np.sqrt(gap.size)
    assert "blocks: a Poisson count each day (epochs of random length)" in poisson.describe()
    assert poisson.settings()["block_arrivals"] == "poisson"


def test_poisson_arrivals_do_not_depend_on_chunks_or_threads():
    scenario = stochastic_scenario(days=120).replace(block_arrivals="poisson")
    whole = simulate(scenario, 250, seed=4)
    pieces = simulate(scenario, 250, seed=4, chunk_size=70, threads=1)
    assert_allclose(pieces.summary["npv"], whole.summary["npv"], rtol=0, atol=0)
    assert_allclose(pieces.monthly["difficulty"], whole.monthly["difficulty"], rtol=0, atol=0)


def test_block_arrivals_must_be_named():
    with pytest.raises(ValueError, match="block_arrivals must be 'expected' or 'poisson'"):
        stochastic_scenario(days=100).replace(block_arrivals="random")


def test_solo_pays_the_blocks_the_fleet_finds():
    # 20,000 S21 XP (5.4 EH/s) solo, Poisson blocks: the fleet's blocks are a
    # thinned Poisson count, so daily BTC has mean lambda p R and variance
    # lambda p R^2 (R = 3.125 + 0.0273 BTC a block): variance / mean = R. The mean
    # equals a pool's (no pool fee) within Monte Carlo error on the same paths.
    market = MiningScenario(
        Deployment(S21XP, 20_000),
        start=NetworkState("2025-11-25", 925_008, 152.27e12, 88_235, 0.0273),
        days=120,
        block_arrivals="poisson",
    )
    pool = simulate(market, 600, seed=3, output="full").daily["btc_mined"].values
    solo = simulate(market.replace(payout="solo"), 600, seed=3, output="full")
    daily = solo.daily["btc_mined"].values
    assert_allclose(daily.var() / daily.mean(), 3.125 + 0.0273, rtol=0.05)
    gap = daily.sum(axis=1) - pool.sum(axis=1)
    assert abs(gap.mean()) < 4 * gap.std(ddof=1) / np.sqrt(gap.size)
    assert "payout: solo, the blocks the fleet finds" in solo.scenario.describe()
    pieces = simulate(market.replace(payout="solo"), 600, seed=3, chunk_size=130, threads=1)
    assert_allclose(pieces.summary["btc_mined"], solo.summary["btc_mined"], rtol=0, atol=0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"payout": "pplns"}, "payout must be 'pool' or 'solo'"),
        ({"payout": "solo"}, "payout 'solo' needs block_arrivals='poisson'"),
        ({"payout": "solo", "block_arrivals": "poisson", "pool_fee": 0.02},
         "pool_fee must be 0 when mining solo"),
    ],
)  # fmt: skip
def test_payout_is_checked(changes, message):
    with pytest.raises(ValueError, match=message):
        stochastic_scenario(days=100).replace(**changes)


# --------------------------------------------------------------------------
# Hourly power market
# --------------------------------------------------------------------------


def _market_scenario(**changes):
    from minerecon import power

    # 1,000 S21 XP at BTC 90,000 and 150 T: about 50 USD/MWh of revenue at PUE
    # 1.1, so the ERCOT default's hours above it (plus a 4 USD/MWh adder) stop.
    scenario = MiningScenario(Deployment(S21XP, 1_000), start=STATE, days=40,
                              power_market=power.ercot_price_model(), power_price=0.004,
                              pue=1.1)  # fmt: skip
    return scenario.replace(**changes)


def test_hourly_market_in_the_engine_is_curtailment_hour_by_hour():
    # Per day the engine runs the hours whose price plus adder does not exceed
    # what the fleet earns per MWh; power.curtail on the same hourly paths (the
    # scenario's seed, component POWER) must give the same energy bought,
    # power cost and revenue.
    from minerecon import power

    scenario = _market_scenario()
    result = simulate(scenario, 150, seed=12, output="full")
    hourly = scenario.power_market.simulate(scenario.dates[0], 40 * 24, 150, seed=12)
    daily = result.daily
    load_mw = S21XP.power * 1_000 * 1.1 / 1e6
    earns = (daily["reward_per_th"] * daily["price"]).values * S21XP.hashrate * 1_000
    per_mwh = earns / (load_mw * 24)  # USD/MWh of site power
    days = power.curtail(hourly.reshape(150, 40, 24), per_mwh[..., None], load_mw=load_mw,
                         variable_cost=4.0)  # fmt: skip
    assert_allclose(result.summary["revenue"], days.revenue.sum(axis=1), rtol=1e-9)
    cost = days.power_cost + 4.0 * days.energy_mwh  # the adder is paid per MWh bought
    assert_allclose(result.summary["energy_cost"], cost.sum(axis=1), rtol=1e-9)
    hours_off = 24 * 40 - days.uptime.sum(axis=1) * 24
    assert_allclose(result.summary["days_off"].sel(group=S21XP.name), hours_off / 24, rtol=1e-9)
    # Spikes happen: some hours were switched off on some paths.
    assert (hours_off > 0).any()


def test_hourly_market_does_not_depend_on_chunks_or_threads():
    scenario = _market_scenario(days=30)
    whole = simulate(scenario, 230, seed=5)
    pieces = simulate(scenario, 230, seed=5, chunk_size=70, threads=1)
    assert_allclose(pieces.summary["npv"], whole.summary["npv"], rtol=0, atol=0)
    assert_allclose(pieces.summary["days_off"], whole.summary["days_off"], rtol=0, atol=0)


def test_hourly_market_needs_an_explicit_power_price():
    from minerecon import power

    with pytest.raises(ValueError, match="power_price must be given with power_market"):
        MiningScenario(Deployment(S21XP, 10), start=STATE, days=10,
                       power_market=power.ercot_price_model())  # fmt: skip
    with pytest.raises(ValueError, match="power_market must be"):
        MiningScenario(Deployment(S21XP, 10), start=STATE, days=10, power_market=0.03,
                       power_price=0.0)  # fmt: skip
    text = _market_scenario().describe()
    assert any("hourly market price" in line and "plus power price 0.004" in line for line in text)


def test_reserve_offer_in_the_engine_is_responsive_reserve_hour_by_hour():
    # A third of the load offered at 8 USD/MW/h with a 5 % chance of a call:
    # the engine's margin (revenue less energy net of reserve credits) equals
    # power.responsive_reserve's expected margin on the same hourly paths.
    from minerecon import power

    offer = power.ReserveOffer(share=1 / 3, payment=8.0, calls=0.05)
    scenario = _market_scenario(reserve=offer)
    result = simulate(scenario, 100, seed=21, output="full")
    hourly = scenario.power_market.simulate(scenario.dates[0], 40 * 24, 100, seed=21)
    daily = result.daily
    load_mw = S21XP.power * 1_000 * 1.1 / 1e6
    earns = (daily["reward_per_th"] * daily["price"]).values * S21XP.hashrate * 1_000
    per_mwh = (earns / (load_mw * 24))[..., None]
    expected = power.responsive_reserve(
        hourly.reshape(100, 40, 24) + 4.0, per_mwh, 8.0, committed_mw=load_mw / 3,
        load_mw=load_mw, deployment_probability=0.05,
    )  # fmt: skip
    margin = result.summary["revenue"] - result.summary["energy_cost"]
    assert_allclose(margin, expected.margin.sum(axis=1), rtol=1e-9)
    # The offer adds value against curtailing for price alone, on every path.
    plain = simulate(scenario.replace(reserve=None), 100, seed=21).summary
    assert (margin > plain["revenue"] - plain["energy_cost"]).all()
    assert "reserve: 33% of the load offered at 8 USD/MW/h" in " ".join(scenario.describe())
    with pytest.raises(ValueError, match="reserve needs a power_market"):
        scenario.replace(switch_off=False)


def test_backtest_refuses_an_hourly_market():
    from minerecon import power

    with pytest.raises(ValueError, match="power_market does not apply to a backtest"):
        backtest(Deployment(S21XP, 1), "2024-04-20", "2024-05-20",
                 power_market=power.ercot_price_model(), power_price=0.0)  # fmt: skip
