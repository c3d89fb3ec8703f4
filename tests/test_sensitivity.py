"""Tests of minerecon.sensitivity: tornado, Morris, Sobol and the scenario wrapper.

Reference values:

* Ishigami function ``sin x1 + a sin^2 x2 + b x3^4 sin x1`` with ``a = 7``,
  ``b = 0.1`` and ``x_i ~ U(-pi, pi)``: analytic Sobol' indices
  S1 = 0.3139, S2 = 0.4424, S3 = 0 and ST1 = 0.5576, ST2 = 0.4424,
  ST3 = 0.2437 (Ishigami & Homma 1990; Saltelli et al., *Global Sensitivity
  Analysis. The Primer*, 2008, section 4.9; UQLab benchmark page).
* Margin per TH/s at the difficulty ``D = 1e7 * 86400e12 / 2**32`` of
  tests/test_economics.py, where one TH/s earns ``subsidy * 1e-7`` BTC per
  day, so every swing is a pocket-calculator product.
"""

from __future__ import annotations

import dataclasses
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from numpy.testing import assert_allclose

from minerecon import MinereconWarning, economics, plot, sensitivity
from minerecon import scenario as scenario_module
from minerecon.hardware import Deployment
from minerecon.hosting import ColocationLease
from minerecon.network import NetworkState
from minerecon.price import GBM
from minerecon.projection import MiningScenario
from minerecon.scenario import Site, Split, compare
from minerecon.valuation import Valuation

# --------------------------------------------------------------------------
# Ishigami
# --------------------------------------------------------------------------

ISHIGAMI_BOUNDS = {name: (-np.pi, np.pi) for name in ("x1", "x2", "x3")}
# Analytic indices for a = 7, b = 0.1 (references in the module docstring).
S1 = np.array([0.3139, 0.4424, 0.0])
ST = np.array([0.5576, 0.4424, 0.2437])


def ishigami(x1, x2, x3, a=7.0, b=0.1):
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


def test_sobol_scipy_matches_ishigami_analytic_indices():
    # n = 2**13 (40,960 runs): over seeds 0-19 the largest error was 0.003;
    # tolerance 0.01 leaves room for other seeds and platforms.
    table = sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=2**13, seed=0, n_resamples=0)
    assert table.index.tolist() == ["x1", "x2", "x3"]
    assert_allclose(table["first_order"], S1, atol=0.01)
    assert_allclose(table["total"], ST, atol=0.01)
    assert table.attrs["evaluations"] == 2**13 * 5
    assert table["first_order_low"].isna().all()  # n_resamples=0: no intervals


def test_sobol_salib_matches_ishigami_analytic_indices():
    # SALib's Saltelli sample, N = 2**13 (40,960 runs): largest error 0.0074
    # over seeds 0-19; tolerance 0.02.
    table = sensitivity.sobol(
        ishigami, ISHIGAMI_BOUNDS, n=2**13, seed=0, method="salib", n_resamples=100
    )
    assert_allclose(table["first_order"], S1, atol=0.02)
    assert_allclose(table["total"], ST, atol=0.02)
    assert (table["first_order_low"] < table["first_order_high"]).all()
    assert table.attrs["method"] == "salib"


def test_sobol_scipy_bootstrap_intervals_cover_the_analytic_indices():
    # A small sample (n = 1024) with scipy's BCa bootstrap: the 95 % intervals
    # bracket the estimates and, for this seed, the analytic values.
    table = sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=1024, seed=3, n_resamples=199)
    for column, exact in (("first_order", S1), ("total", ST)):
        low, high = table[f"{column}_low"].to_numpy(), table[f"{column}_high"].to_numpy()
        assert (low <= table[column]).all() and (table[column] <= high).all()
        assert ((low - 0.01 <= exact) & (exact <= high + 0.01)).all()


@pytest.mark.parametrize("method", ["scipy", "salib"])
def test_sobol_is_reproducible_with_a_seed(method):
    kwargs = {"n": 256, "seed": 7, "method": method, "n_resamples": 50}
    first = sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, **kwargs)
    second = sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, **kwargs)
    pd.testing.assert_frame_equal(first, second)
    other = sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, **{**kwargs, "seed": 8})
    assert not np.allclose(first["first_order"], other["first_order"])


def test_sobol_does_not_touch_numpy_global_state():
    # scipy's bootstrap draws from the legacy global generator; sobol() seeds
    # it for reproducibility and must restore it afterwards.
    np.random.seed(123)  # noqa: NPY002
    expected = np.random.random()  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=64, seed=0, n_resamples=20)
    assert np.random.random() == expected  # noqa: NPY002


def test_sobol_of_a_scalar_only_function_falls_back_to_a_loop():
    calls = []

    def scalar_only(x1, x2, x3):
        calls.append(1)
        return float(ishigami(float(x1), float(x2), float(x3)))  # TypeError on arrays

    looped = sensitivity.sobol(scalar_only, ISHIGAMI_BOUNDS, n=64, seed=1, n_resamples=0)
    direct = sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=64, seed=1, n_resamples=0)
    assert_allclose(looped["first_order"], direct["first_order"], rtol=1e-12)
    # one vectorised attempt that fails, then one call per point, n (k + 2)
    assert len(calls) == 1 + 64 * 5


def test_sobol_rejects_a_function_that_ignores_broadcasting_when_told_it_does():
    with pytest.raises(ValueError, match="one value per point"):
        sensitivity.sobol(lambda x1, x2, x3: 1.0, ISHIGAMI_BOUNDS, n=64, seed=1, vectorized=True)


def test_sobol_runtime_of_the_ishigami_tests_is_small():
    # the two accuracy tests above must stay cheap (< 10 s in all)
    start = time.perf_counter()
    sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=2**13, seed=0, n_resamples=0)
    assert time.perf_counter() - start < 5.0


# --------------------------------------------------------------------------
# Morris
# --------------------------------------------------------------------------


def linear(a, b, c):
    return 50.0 * a + 5.0 * b + 0.5 * c


def test_morris_ranks_the_dominant_parameter_of_a_linear_function_first():
    # All inputs on [0, 1]: SALib's elementary effects are changes over the
    # whole range, so mu = mu_star = the coefficients 50, 5 and 0.5 and
    # sigma = 0 (a linear function has constant effects).
    table = sensitivity.morris(
        linear, {"c": (0, 1), "a": (0, 1), "b": (0, 1)}, trajectories=10, seed=2
    )
    assert table.index.tolist() == ["a", "b", "c"]
    assert list(table.columns) == ["mu", "mu_star", "sigma", "mu_star_conf"]
    assert_allclose(table["mu_star"], [50.0, 5.0, 0.5], rtol=1e-9)
    assert_allclose(table["mu"], [50.0, 5.0, 0.5], rtol=1e-9)
    assert_allclose(table["sigma"], 0.0, atol=1e-9)


def test_morris_effects_scale_with_the_range():
    # doubling the range of a doubles its effect over the range: 50 * 2 = 100
    table = sensitivity.morris(
        linear, {"a": (1, 3), "b": (0, 1), "c": (0, 1)}, trajectories=6, seed=0
    )
    assert_allclose(table.loc["a", "mu_star"], 100.0, rtol=1e-9)


def test_morris_is_reproducible_and_checks_its_arguments():
    bounds = {"a": (0, 1), "b": (0, 1), "c": (0, 1)}
    nonlinear = lambda a, b, c: a * b + np.sin(3 * c)  # noqa: E731
    first = sensitivity.morris(nonlinear, bounds, trajectories=8, seed=5)
    second = sensitivity.morris(nonlinear, bounds, trajectories=8, seed=5)
    pd.testing.assert_frame_equal(first, second)
    with pytest.raises(ValueError, match="levels must be even"):
        sensitivity.morris(linear, bounds, levels=3)
    with pytest.raises(ValueError, match="trajectories"):
        sensitivity.morris(linear, bounds, trajectories=1)


def test_morris_without_salib_says_how_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_salib(name, *args, **kwargs):
        if name.startswith("SALib"):
            raise ImportError("No module named 'SALib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_salib)
    with pytest.raises(ImportError, match=r"pip install minerecon\[sensitivity\]"):
        sensitivity.morris(linear, {"a": (0, 1)})
    with pytest.raises(ImportError, match=r"pip install minerecon\[sensitivity\]"):
        sensitivity.sobol(linear, {"a": (0, 1)}, method="salib", fixed={"b": 0, "c": 0})


# --------------------------------------------------------------------------
# Tornado on core functions
# --------------------------------------------------------------------------

# 1e7 * 86400e12 / 2**32: one TH/s earns subsidy * 1e-7 = 3.125e-7 BTC per day.
D = 1e7 * 86400e12 / 2**32
MARGIN_BASE = {
    "btc_price": 100_000.0,
    "difficulty": D,
    "efficiency": 20.0,
    "power_price": 0.05,
    "pool_fee": 0.01,
}
MARGIN_RANGES = {"pool_fee": (0.0, 0.03), "btc_price": (50_000.0, 150_000.0)}


def test_tornado_on_margin_ranks_btc_price_above_pool_fee_with_hand_computed_swings():
    table = sensitivity.tornado(economics.margin_per_th, MARGIN_BASE, MARGIN_RANGES)
    assert table.index.tolist() == ["btc_price", "pool_fee"]
    # btc_price: 3.125e-7 BTC * (150,000 - 50,000) USD * (1 - 0.01) = 0.0309375 USD/TH/day
    assert_allclose(table.loc["btc_price", "swing"], 0.0309375, rtol=1e-12)
    # pool_fee: 3.125e-7 * 100,000 = 0.03125 USD gross, times 0.03 = 0.0009375 USD/TH/day
    assert_allclose(table.loc["pool_fee", "swing"], 0.0009375, rtol=1e-12)
    # base: 0.03125 * 0.99 - 20 * 24 / 1000 * 0.05 = 0.0309375 - 0.024 = 0.0069375
    assert_allclose(table["base_output"], 0.0069375, rtol=1e-12)
    assert table.loc["pool_fee", "output_low"] > table.loc["pool_fee", "output_high"]
    expected_columns = {"low_value", "high_value", "output_low", "output_high", "swing"}
    assert expected_columns | {"base_output"} <= set(table.columns)
    assert table.attrs["output"] == "margin_per_th"


def test_tornado_agrees_between_vectorised_call_and_loop():
    vectorised = sensitivity.tornado(economics.margin_per_th, MARGIN_BASE, MARGIN_RANGES)
    looped = sensitivity.tornado(
        economics.margin_per_th, MARGIN_BASE, MARGIN_RANGES, vectorized=False
    )
    pd.testing.assert_frame_equal(vectorised, looped, rtol=1e-12)


def test_tornado_calls_a_broadcasting_function_once_plus_one_check():
    calls = []

    def margin(**kwargs):
        calls.append(1)
        return economics.margin_per_th(**kwargs)

    sensitivity.tornado(margin, MARGIN_BASE, MARGIN_RANGES)
    assert len(calls) == 2  # the 2k + 1 = 5 points at once, and the base as floats


def test_tornado_selects_one_output_of_a_dict_or_dataset():
    def outputs(btc_price, power_price):
        margin = economics.margin_per_th(btc_price, D, 20.0, power_price)
        return {"margin": margin, "revenue": btc_price * 3.125e-7}

    base = {"btc_price": 100_000.0, "power_price": 0.05}
    ranges = {"btc_price": (50_000.0, 150_000.0), "power_price": (0.04, 0.06)}
    table = sensitivity.tornado(outputs, base, ranges, output="revenue")
    # revenue does not depend on the power price
    assert_allclose(table.loc["power_price", "swing"], 0.0, atol=1e-15)
    assert_allclose(table.loc["btc_price", "swing"], 0.03125, rtol=1e-12)

    def dataset(**kw):
        return xr.Dataset(
            {k: ((), v) if np.ndim(v) == 0 else ("x", v) for k, v in outputs(**kw).items()}
        )

    from_dataset = sensitivity.tornado(dataset, base, ranges, output="margin")
    assert from_dataset.index[0] == "btc_price"
    with pytest.raises(ValueError, match="choose one with output="):
        sensitivity.tornado(outputs, base, ranges)
    with pytest.raises(ValueError, match="'profit' is not among"):
        sensitivity.tornado(outputs, base, ranges, output="profit")


@pytest.mark.parametrize(
    ("ranges", "match"),
    [
        (
            {"btc_price": (150_000.0, 50_000.0)},
            r"ranges\['btc_price'\] must have finite low < high",
        ),
        ({"btc_price": (1.0, 1.0)}, "low < high"),
        ({"btc_price": (np.nan, 1.0)}, "must not be NaN"),
        ({"btc_price": 5.0}, "must be a pair"),
        ({}, "non-empty"),
        ({"subsidy": (3.0, 4.0)}, "base must give a value for 'subsidy'"),
    ],
)
def test_tornado_rejects_bad_ranges(ranges, match):
    with pytest.raises(ValueError, match=match):
        sensitivity.tornado(economics.margin_per_th, MARGIN_BASE, ranges)


def test_sobol_and_morris_reject_bad_bounds_and_sizes():
    with pytest.raises(ValueError, match=r"bounds\['x1'\] must have finite low < high"):
        sensitivity.sobol(ishigami, {**ISHIGAMI_BOUNDS, "x1": (1.0, -1.0)})
    with pytest.raises(ValueError, match="power of 2"):
        sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=1000)
    with pytest.raises(ValueError, match="method must be"):
        sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, method="jansen")
    with pytest.raises(ValueError, match=r"bounds\['b'\] must have finite"):
        sensitivity.morris(linear, {"a": (0, 1), "b": (0, np.inf), "c": (0, 1)})


# --------------------------------------------------------------------------
# Scenario functions
# --------------------------------------------------------------------------

STATE = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)


def tiny_scenario(days=90):
    fleet = Deployment("Antminer S21 XP", 100, capex_per_unit=5_000)
    return MiningScenario(fleet, start=STATE, days=days, price=GBM(drift=0.0, volatility=0.5))


def test_scenario_function_tornado_runs_and_is_reproducible():
    f = sensitivity.scenario_function(tiny_scenario(), "mean_npv", n_paths=30, seed=4)
    ranges = {
        "power_price": (0.03, 0.08),
        "price.volatility": (0.2, 0.8),
        "discount_rate": (0.05, 0.15),
        "fleet.0.capex_per_unit": (3_000.0, 7_000.0),
    }
    first = sensitivity.tornado(f, {}, ranges)
    second = sensitivity.tornado(f, {}, ranges)
    pd.testing.assert_frame_equal(first, second)
    # capex is paid on day 0 for 100 machines: its swing is exactly 100 * 4,000 USD
    assert_allclose(first.loc["fleet.0.capex_per_unit", "swing"], 400_000.0, rtol=1e-9)
    assert first.index[0] == "fleet.0.capex_per_unit"
    assert first.loc["power_price", "output_low"] > first.loc["power_price", "output_high"]
    assert_allclose(first["base_value"].loc["price.volatility"], 0.5)
    assert first.attrs["output"] == "Mean NPV [USD]"
    # common random numbers: the base output equals a direct call
    assert_allclose(first["base_output"], f(), rtol=1e-12)


def test_scenario_function_uses_common_random_numbers():
    f = sensitivity.scenario_function(tiny_scenario(), "mean_npv", n_paths=20, seed=None)
    assert f() == f()  # one seed drawn at creation, reused
    g = sensitivity.scenario_function(tiny_scenario(), "probability_of_loss", n_paths=20, seed=1)
    assert 0.0 <= g() <= 1.0
    assert g.label == "Probability of loss (NPV < 0) [-]"


def test_scenario_function_statistics_and_callables():
    scenario = tiny_scenario()
    npv = sensitivity.scenario_function(scenario, "median_npv", n_paths=20, seed=1)
    by_hand = sensitivity.scenario_function(
        scenario, lambda result: float(np.median(result.summary.npv)), n_paths=20, seed=1
    )
    assert_allclose(npv(pool_fee=0.02), by_hand(pool_fee=0.02), rtol=1e-12)
    irr = sensitivity.scenario_function(scenario, "median_irr", n_paths=20, seed=1)
    assert np.isfinite(irr()) or np.isnan(irr())


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("power_prize", "unknown parameter 'power_prize'"),
        ("price.vol", "unknown parameter 'price.vol'.*no field 'vol'"),
        ("hashrate.cost_hashprice", "unknown parameter 'hashrate.cost_hashprice'.*NoneType"),
        ("fleet.3.capex_per_unit", "unknown parameter 'fleet.3.capex_per_unit'"),
        ("price..drift", "unknown parameter"),
    ],
)
def test_scenario_function_rejects_unknown_parameters(name, match):
    f = sensitivity.scenario_function(tiny_scenario(), n_paths=5, seed=0)
    with pytest.raises(ValueError, match=match):
        f(**{name: 0.1})
    with pytest.raises(ValueError, match="unknown parameter"):
        sensitivity.tornado(f, {}, {name: (0.0, 0.2)})


def test_scenario_function_checks_its_arguments():
    with pytest.raises(ValueError, match="statistic must be one of"):
        sensitivity.scenario_function(tiny_scenario(), "mean_npv_gain")
    with pytest.raises(ValueError, match="n_paths"):
        sensitivity.scenario_function(tiny_scenario(), n_paths=0)
    with pytest.raises(ValueError, match="split needs a site"):
        sensitivity.scenario_function(tiny_scenario(), split=object())
    f = sensitivity.scenario_function(tiny_scenario(), n_paths=5, seed=0)
    with pytest.raises(ValueError, match="pool_fee must be in"):  # the scenario's own check
        f(pool_fee=1.5)
    with pytest.raises(ValueError, match="single number"):
        f(power_price=np.array([0.04, 0.05]))


def test_site_split_function_moves_site_split_and_market():
    site = Site(gross_mw=4.0, fleet=Deployment("Antminer S21 XP", 1000))
    lease = ColocationLease(
        rate=150.0,
        term_years=10,
        gross_to_it=1.25,
        build_days=0,
        ramp_days=0,
        capex_per_it_mw=0.0,
        noi_margin=1.0,
    )
    market = MiningScenario(site.fleet, start=STATE, days=120, price=GBM(0.0, 0.5))
    gain = sensitivity.scenario_function(
        market,
        "mean_npv_gain",
        n_paths=20,
        seed=3,
        site=site,
        split=Split(lease, fraction=0.5),
    )
    table = sensitivity.tornado(
        gain,
        {},
        {"split.hosting.rate": (100.0, 200.0), "site.power_price": (0.03, 0.08)},
    )
    # A higher lease rate raises the split's gain; dearer power makes mining
    # worth less, so the gain of leasing rises as well.
    assert (
        table.loc["split.hosting.rate", "output_high"]
        > table.loc["split.hosting.rate", "output_low"]
    )
    assert (
        table.loc["site.power_price", "output_high"] > table.loc["site.power_price", "output_low"]
    )
    with pytest.raises(ValueError, match=r"vary 'site\.power_price' instead"):
        gain(power_price=0.04)
    mining_only = sensitivity.scenario_function(market, n_paths=20, seed=3, site=site)
    assert np.isfinite(mining_only(**{"site.pool_fee": 0.01}))


def test_sobol_and_morris_run_on_a_scenario_function():
    f = sensitivity.scenario_function(tiny_scenario(days=30), n_paths=10, seed=0)
    bounds = {"power_price": (0.03, 0.08), "pool_fee": (0.0, 0.03)}
    indices = sensitivity.sobol(f, bounds, n=8, seed=0, n_resamples=0)
    assert indices.attrs["evaluations"] == 8 * 4
    screening = sensitivity.morris(f, bounds, trajectories=3, seed=0)
    assert screening.index[0] == "power_price"  # 0.05 USD/kWh of range vs a 3 % fee


# --------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------


def test_plot_tornado_draws_two_bars_per_parameter_with_labels():
    table = sensitivity.tornado(economics.margin_per_th, MARGIN_BASE, MARGIN_RANGES)
    table.attrs["output"] = "Margin [USD per TH/s per day]"
    ax = plot.tornado(table)
    assert len(ax.patches) == 2 * len(table)
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    # Largest swing on top; each label gives the range and the base value, the
    # title the base output in the output's unit (margin at the base: hand value
    # of the test above, 3.125e-7 * 100,000 * 0.99 - 20 * 24e-3 * 0.05 = 0.00694).
    assert labels[-1] == "BTC price [USD/BTC]\n50,000 to 150,000 (base 100,000)"
    assert labels[0] == "Pool fee [-]\n0 to 0.03 (base 0.01)"
    assert ax.get_title() == "One-at-a-time sensitivity: base case 0.00694 USD per TH/s per day"
    assert "[USD per TH/s per day]" in ax.get_xlabel()
    plt.close(ax.figure)


def test_plot_sobol_indices_draws_first_order_and_total_with_intervals():
    table = sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=256, seed=0, n_resamples=50)
    fig, ax = plt.subplots()
    assert plot.sobol_indices(table, ax=ax) is ax
    assert len(ax.patches) == 2 * len(table)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x1", "x2", "x3"]
    assert "[-]" in ax.get_ylabel()
    from matplotlib.container import BarContainer, ErrorbarContainer

    assert sum(isinstance(c, BarContainer) for c in ax.containers) == 2
    assert sum(isinstance(c, ErrorbarContainer) for c in ax.containers) == 2
    plt.close(fig)
    without = sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=256, seed=0, n_resamples=0)
    ax = plot.sobol_indices(without)
    assert len(ax.patches) == 6
    assert not any(isinstance(c, ErrorbarContainer) for c in ax.containers)
    plt.close(ax.figure)
    # Economics arguments get their readable names, the unit under them; a
    # lambda's name says nothing, so the title names "output".
    from minerecon import economics

    def margin(btc_price, power_price):
        return economics.margin_per_th(btc_price, 150e12, 17.5, power_price)

    table = sensitivity.sobol(lambda **kw: margin(**kw),
                              {"btc_price": (6e4, 1.2e5), "power_price": (0.03, 0.08)},
                              n=64, seed=0, n_resamples=0)  # fmt: skip
    ax = plot.sobol_indices(table)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["BTC price\n[USD/BTC]", "Power price\n[USD/kWh]"]
    assert ax.get_title().startswith("Sobol' indices of output\n")
    plt.close(ax.figure)


# --------------------------------------------------------------------------
# The decision tornado: what moves the value of a split over pure mining
# --------------------------------------------------------------------------

DECISION_PATHS = 50
DECISION_SEED = 7


def decision_case():
    """A 10 MW site (2,500 S21 XP: 2,500 * 3,645 W * PUE 1.05 = 9.6 MW), half of it
    leased; 400 days of a zero-drift GBM, no hashrate model."""
    site = Site(10.0, Deployment("Antminer S21 XP", 2500))
    lease = ColocationLease(
        rate=150.0, term_years=10, capex_per_it_mw=9e6, build_days=90, ramp_days=30
    )
    market = MiningScenario(site.fleet, start=STATE, days=400, price=GBM(0.0, 0.5))
    return site, Split(lease, fraction=0.5), market


def direct_gain(site, split, market, valuation):
    """Mean over paths of the split's equity NPV minus pure mining's [M USD], by compare."""
    comparison = compare(
        site,
        {"split": split},
        scenario=market,
        n_paths=DECISION_PATHS,
        seed=DECISION_SEED,
        valuation=valuation,
    )
    equity = comparison.equity_npv
    gain = equity.sel(option="split").values - equity.sel(option="pure mining").values
    return float(np.mean(gain)) / 1e6


def driver(name):
    return next(d for d in sensitivity.DECISION_DRIVERS if d[0] == name)


@pytest.fixture(scope="module")
def decision():
    site, split, market = decision_case()
    table = sensitivity.decision_tornado(
        site, split, market, Valuation.market(), n_paths=DECISION_PATHS, seed=DECISION_SEED
    )
    return table


def test_decision_tornado_valuation_and_site_drivers_are_exact(decision):
    site, split, market = decision_case()
    valuation = Valuation.market()
    # The base case and each end of a driver are compare() on the same seed and
    # paths with that one value changed: equal to rounding, not statistically.
    base = direct_gain(site, split, market, valuation)
    assert_allclose(decision["base_output"], base, rtol=1e-9)
    # Exit multiple 10x and 20x (DECISION_DRIVERS: VanEck's mid-teens, listed
    # data-centre operators 20-25x), a pure valuation driver.
    row = decision.loc["hall exit multiple [x forward NOI]"]
    assert row["parameter"] == "valuation.hosting_exit_multiple"
    assert (row["low_value"], row["base_value"], row["high_value"]) == (10.0, 15.0, 20.0)
    for end, multiple in (("output_low", 10.0), ("output_high", 20.0)):
        expected = direct_gain(
            site, split, market, valuation.replace(hosting_exit_multiple=multiple)
        )
        assert_allclose(row[end], expected, rtol=1e-9)
    # Hosting rate 7 % and 10 % (the 2025 notes on such leases: 7.125-8 %).
    row = decision.loc["hosting discount rate [%/year]"]
    for end, rate in (("output_low", 0.07), ("output_high", 0.10)):
        expected = direct_gain(site, split, market, valuation.replace(hosting_rate=rate))
        assert_allclose(row[end], expected, rtol=1e-9)
    # Power price +/-20 % of the site's 0.05 USD/kWh: a site driver, the engine reruns.
    row = decision.loc["power price [USD/kWh]"]
    assert_allclose([row["low_value"], row["high_value"]], [0.04, 0.06], rtol=1e-12)
    for end, power in (("output_low", 0.04), ("output_high", 0.06)):
        expected = direct_gain(
            dataclasses.replace(site, power_price=power), split, market, valuation
        )
        assert_allclose(row[end], expected, rtol=1e-9)


def test_decision_tornado_laws_and_display_units(decision):
    # A dearer lease earns the split more; a higher hosting rate discounts its rent
    # more; a dearer hall costs the split more (pure mining builds none).
    rate = decision.loc["lease rate [USD/kW-month]"]
    assert rate["output_high"] > rate["output_low"]
    hosting = decision.loc["hosting discount rate [%/year]"]
    assert hosting["output_high"] < hosting["output_low"]
    build = decision.loc["build cost [M USD per IT MW]"]
    assert build["output_high"] < build["output_low"]
    # Display units: build cost in M USD per IT MW (the lease's 9e6 USD), build time
    # in months (90 days * 12 / 365, below the 8-24 month range, which is widened
    # down to it), rates and loan to cost in % (Valuation.market: hosting 8 %, 70 % of
    # the hall financed), the lease rate +/-20 % of 150.
    shown = decision[["low_value", "base_value", "high_value"]]
    assert_allclose(shown.loc["build cost [M USD per IT MW]"], [8.0, 9.0, 11.0], rtol=1e-12)
    months = 90 * 12 / 365
    assert_allclose(shown.loc["build time [months]"], [months, months, 24.0], rtol=1e-9)
    assert_allclose(shown.loc["hosting discount rate [%/year]"], [7.0, 8.0, 10.0], rtol=1e-12)
    assert_allclose(shown.loc["loan to cost [%]"], [0.0, 70.0, 85.0], rtol=1e-12)
    assert_allclose(shown.loc["lease rate [USD/kW-month]"], [120.0, 150.0, 180.0], rtol=1e-12)
    # Largest swing first; the swing is |high - low| in M USD.
    assert decision["swing"].is_monotonic_decreasing
    assert_allclose(
        decision["swing"], (decision["output_high"] - decision["output_low"]).abs(), rtol=1e-12
    )
    assert decision.index.name == "driver"
    assert decision.attrs["output"] == (
        "Mean equity NPV of 50% hosted minus pure mining [M USD], market view"
    )


def test_decision_tornado_leaves_out_drivers_the_study_lacks(decision):
    # The scenario has no hashrate model: no hashrate row.
    assert "hashrate.monthly_growth" not in set(decision["parameter"])
    assert "valuation.financing.loan_to_cost" in set(decision["parameter"])
    # No debt: no loan-to-cost row; the valuation drivers it has stay.
    site, split, market = decision_case()
    drivers = [d for d in sensitivity.DECISION_DRIVERS if d[0].startswith("valuation.")]
    unlevered = sensitivity.decision_tornado(
        site, split, market, Valuation.market(financing=None), n_paths=5, seed=0, drivers=drivers
    )
    assert set(unlevered["parameter"]) == {
        "valuation.hosting_exit_multiple",
        "valuation.hosting_rate",
        "valuation.mining_rate",
    }
    with pytest.raises(ValueError, match=r"split must be a minerecon\.scenario\.Split"):
        sensitivity.decision_tornado(site, "half", market, Valuation.market())


def test_scenario_function_values_a_split_under_a_valuation(decision):
    site, split, market = decision_case()
    valuation = Valuation.market()
    gain = sensitivity.scenario_function(
        market,
        "mean_equity_npv_gain",
        n_paths=DECISION_PATHS,
        seed=DECISION_SEED,
        site=site,
        split=split,
        valuation=valuation,
    )
    assert gain.label == "Mean equity NPV gain over pure mining [USD]"
    # Same paths and valuation as the decision tornado [USD against M USD].
    assert_allclose(gain() / 1e6, decision["base_output"].iloc[0], rtol=1e-9)
    row = decision.loc["hosting discount rate [%/year]"]
    assert_allclose(gain(**{"valuation.hosting_rate": 0.10}) / 1e6, row["output_high"], rtol=1e-9)
    # Law: without debt the equity NPV is the NPV, so both gains agree.
    single = Valuation(0.10)
    kwargs = {"n_paths": 10, "seed": 1, "site": site, "split": split, "valuation": single}
    equity = sensitivity.scenario_function(market, "mean_equity_npv_gain", **kwargs)
    plain = sensitivity.scenario_function(market, "mean_npv_gain", **kwargs)
    assert_allclose(equity(), plain(), rtol=1e-12)
    with pytest.raises(ValueError, match="valuation needs a site"):
        sensitivity.scenario_function(market, valuation=valuation)


def test_decision_tornado_runs_the_engine_once_for_lease_and_valuation_drivers(monkeypatch):
    site, split, market = decision_case()
    runs = []
    engine = scenario_module._daily_cash_flows

    def counted(*args, **kwargs):
        runs.append(1)
        return engine(*args, **kwargs)

    monkeypatch.setattr(scenario_module, "_daily_cash_flows", counted)
    names = ("split.hosting.rate", "valuation.hosting_exit_multiple", "site.power_price")
    drivers = [driver(name) for name in names]
    table = sensitivity.decision_tornado(
        site, split, market, Valuation.market(), n_paths=5, seed=0, drivers=drivers
    )
    assert len(table) == 3
    # Docstring: "the engine runs again only for drivers of the site or the market
    # (lease and valuation drivers revalue one run)": the base case, and the power
    # price at its two ends.
    assert len(runs) == 1 + 2


def test_decision_tornado_ranges_hold_the_base_case():
    site, split, market = decision_case()
    drivers = [driver("valuation.hosting_exit_multiple"), driver("valuation.hosting_rate")]
    table = sensitivity.decision_tornado(
        site, split, market, Valuation(0.10), n_paths=5, seed=0, drivers=drivers
    )
    # One at a time around the base case: each row's range holds its base value (or
    # the driver is left out, as loan to cost is without debt).
    assert (table["low_value"] <= table["base_value"]).all()
    assert (table["base_value"] <= table["high_value"]).all()


def test_sobol_gives_the_same_numbers_for_the_same_seed_object():
    # A SeedSequence passed twice must give the same indices: the estimator's
    # generator is derived from it, not spawned from it (spawning changes its state).
    seed = np.random.SeedSequence(7)
    first = sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=256, seed=seed, n_resamples=0)
    again = sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=256, seed=seed, n_resamples=0)
    pd.testing.assert_frame_equal(first, again)


@pytest.mark.parametrize("method", ["sobol", "morris"])
def test_an_output_that_does_not_move_is_flagged(method):
    # A constant output has no sensitivity: the indices (0 or nan) say nothing, and
    # the caller is told so rather than shown a table of zeros.
    def flat(x, y):
        return 5.0 + 0.0 * x + 0.0 * y

    bounds = {"x": (0.0, 1.0), "y": (0.0, 1.0)}
    with pytest.warns(MinereconWarning, match="does not vary"):
        if method == "sobol":
            sensitivity.sobol(flat, bounds, n=64, seed=0, n_resamples=0)
        else:
            sensitivity.morris(flat, bounds, trajectories=4, seed=0)


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        # Was TypeError "'str' object is not callable", naming nothing.
        (lambda: sensitivity.tornado("margin_per_th", MARGIN_BASE, {"btc_price": (1, 2)}),
         TypeError, "func"),
        # Was taken as True without a word.
        (lambda: sensitivity.tornado(economics.margin_per_th, MARGIN_BASE,
                                     {"btc_price": (6e4, 9e4)}, vectorized="yes"),
         ValueError, "vectorized"),
        # Was "could not convert string to float: 'abc'".
        (lambda: sensitivity.tornado(economics.margin_per_th, {**MARGIN_BASE, "btc_price": "abc"},
                                     {"btc_price": (6e4, 9e4)}),
         ValueError, "base"),
        # Was TypeError "argument after ** must be a mapping".
        (lambda: sensitivity.morris(linear, {"a": (0, 1), "b": (0, 1), "c": (0, 1)},
                                    fixed="z=1", trajectories=2),
         ValueError, "fixed"),
        # Was a run that never ended: 10**400 trajectories.
        (lambda: sensitivity.morris(linear, {"a": (0, 1), "b": (0, 1), "c": (0, 1)},
                                    trajectories=10**400),
         ValueError, "trajectories"),
        # Were TypeErrors from float() and int() deep inside.
        (lambda: sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=8, confidence_level=[0.5, 0.6]),
         ValueError, "confidence_level"),
        (lambda: sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=8,
                                   n_resamples=np.timedelta64(3, "D")),
         ValueError, "n_resamples"),
        # Was numpy's "truth value of an empty array is ambiguous".
        (lambda: sensitivity.sobol(ishigami, ISHIGAMI_BOUNDS, n=8, method=np.array([])),
         ValueError, "method"),
    ],
)  # fmt: skip
def test_bad_arguments_of_the_methods_are_named(call, error, argument):
    with pytest.raises(error, match=argument):
        call()


def test_decision_tornado_checks_its_objects_and_drivers():
    # site=None and valuation=0.1 ended in AttributeError deep in the engine, and
    # drivers="abc" in "not enough values to unpack".
    site, split, market = decision_case()
    valuation = Valuation(0.10)
    with pytest.raises(ValueError, match="site"):
        sensitivity.decision_tornado(None, split, market, valuation, n_paths=2)
    with pytest.raises(ValueError, match="valuation"):
        sensitivity.decision_tornado(site, split, market, 0.1, n_paths=2)
    with pytest.raises(ValueError, match="scenario"):
        sensitivity.decision_tornado(site, split, "market", valuation, n_paths=2)
    with pytest.raises(ValueError, match="drivers"):
        sensitivity.decision_tornado(site, split, market, valuation, n_paths=2, drivers="abc")
    # Only drivers the study lacks (no hashrate model here) left an empty ranges
    # dict, refused by the inner tornado under the name "ranges".
    with pytest.raises(ValueError, match="drivers: none of them applies"):
        sensitivity.decision_tornado(
            site, split, market, valuation, n_paths=2, drivers=[driver("hashrate.monthly_growth")]
        )


def test_output_and_statistic_errors_name_what_is_wrong():
    # output=-1 on a model returning an array picked its last value, then failed with
    # "func must return one value per point": output only chooses among a dict's or a
    # Dataset's outputs.
    with pytest.raises(ValueError, match="output -1"):
        sensitivity.tornado(
            economics.margin_per_th, MARGIN_BASE, {"btc_price": (6e4, 9e4)}, output=-1
        )
    # A gain without a split named only the statistic.
    with pytest.raises(ValueError, match="give site= and split="):
        sensitivity.scenario_function(tiny_scenario(), "mean_npv_gain")
