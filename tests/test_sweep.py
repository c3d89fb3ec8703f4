"""Tests of minerecon.sweep: labelled grids, chunked reductions, break-even helpers."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
import xarray as xr
from numpy.testing import assert_allclose, assert_array_equal

from minerecon import economics
from minerecon import sweep as sweep_module
from minerecon.hardware import Deployment, get_miner
from minerecon.network import NetworkState
from minerecon.price import GBM
from minerecon.projection import MiningScenario, simulate
from minerecon.sweep import breakeven_surface, profitable_miners, sweep, sweep_scenario

# Every keyword set away from its default so each term of the margin is exercised.
FIXED = {
    "fees_per_block": 0.03,
    "pool_fee": 0.02,
    "pue": 1.08,
    "uptime": 0.97,
    "other_opex": 0.004,
}
AXES = {
    "btc_price": np.linspace(30_000.0, 150_000.0, 23),
    "power_price": np.linspace(0.02, 0.12, 17),
    "difficulty": np.array([120e12, 150e12, 180e12]),
    "miner": ["Antminer S21 XP", "Antminer S19j Pro", "Antminer S21"],
}
KINDS = ["mean", "sum", "min", "max", "prob_below", "argmin", "argmax"]


def generic_margin(btc_price, difficulty, efficiency, power_price, **kwargs):
    """margin_per_th behind a wrapper, so the sweep takes its broadcast (xarray) path."""
    return economics.margin_per_th(btc_price, difficulty, efficiency, power_price, **kwargs)


def broadcast_reference():
    """margin_per_th on the grid by plain numpy broadcasting, in the sweep's dim order."""
    efficiency = np.array([get_miner(m).efficiency for m in AXES["miner"]])
    return economics.margin_per_th(
        AXES["btc_price"][:, None, None, None],
        AXES["difficulty"][None, None, :, None],
        efficiency[None, None, None, :],
        AXES["power_price"][None, :, None, None],
        **FIXED,
    )


def test_margin_sweep_is_bit_identical_to_broadcast_margin_per_th():
    # The compiled kernel subtracts the same revenue and cost factors margin_per_th
    # computes, so every cell is the same IEEE result.
    ds = sweep(economics.margin_per_th, **AXES, **FIXED)
    assert ds.margin_per_th.dims == ("btc_price", "power_price", "difficulty", "miner")
    assert_array_equal(ds.margin_per_th.values, broadcast_reference())
    generic = sweep(generic_margin, **AXES, **FIXED)
    assert_array_equal(generic.generic_margin.values, broadcast_reference())


@pytest.mark.parametrize("func", [economics.margin_per_th, economics.breakeven_btc_price])
def test_sweep_equals_point_evaluation_on_random_cells(func):
    axes = dict(AXES)
    if func is economics.breakeven_btc_price:
        del axes["btc_price"]
    ds = sweep(func, **axes, **FIXED)
    result = ds[func.__name__]
    rng = np.random.default_rng(1)
    for _ in range(50):
        cell = {dim: int(rng.integers(result.sizes[dim])) for dim in result.dims}
        point = {d: float(axes[d][i]) for d, i in cell.items() if d != "miner"}
        point["efficiency"] = get_miner(axes["miner"][cell["miner"]]).efficiency
        expected = func(**point, **FIXED)
        # Same formula on Python floats (hand evaluation of the core function).
        assert_allclose(float(result[cell]), expected, rtol=1e-12, atol=0)


def test_units_in_attributes():
    ds = sweep(economics.margin_per_th, **AXES, **FIXED)
    assert ds.margin_per_th.attrs["units"] == "USD/TH/day"
    assert ds.btc_price.attrs["units"] == "USD/BTC"
    assert ds.power_price.attrs["units"] == "USD/kWh"
    assert ds.difficulty.attrs["units"] == "-"
    assert ds.efficiency.attrs["units"] == "J/TH"
    surface = sweep(economics.breakeven_btc_price, power_price=[0.04, 0.05], difficulty=1.5e14,
                    efficiency=[15.0, 20.0])  # fmt: skip
    assert surface.breakeven_btc_price.attrs["units"] == "USD/BTC"
    reduced = sweep(economics.margin_per_th, **AXES, reduce=[
        {"dim": "btc_price", "how": "prob_below"}, {"dim": "btc_price", "how": "argmax"},
        {"dim": "btc_price", "how": "mean"}])  # fmt: skip
    assert reduced.margin_per_th_prob_below.attrs["units"] == "-"
    assert reduced.margin_per_th_argmax.attrs["units"] == "USD/BTC"
    assert reduced.margin_per_th_mean.attrs["units"] == "USD/TH/day"


def test_dict_outputs_give_one_variable_each():
    def both(btc_price, difficulty):
        return {
            "revenue_per_th": economics.revenue_per_th(btc_price, difficulty),
            "btc_mined_per_th": economics.btc_mined_per_th(difficulty),
        }

    ds = sweep(both, btc_price=[5e4, 1e5], difficulty=[1e14, 2e14, 3e14])
    assert ds.revenue_per_th.attrs["units"] == "USD/TH/day"
    # btc_mined_per_th does not depend on the price: broadcast over it.
    assert ds.btc_mined_per_th.shape == (2, 3)
    assert_allclose(ds.btc_mined_per_th[0], ds.btc_mined_per_th[1], rtol=0)


def test_zip_varies_axes_together_crossing_does_not():
    prices, difficulties = [50_000.0, 90_000.0, 120_000.0], [100e12, 150e12, 200e12]
    common = {"power_price": [0.04, 0.06], "efficiency": 15.0}
    zipped = sweep(economics.margin_per_th, zip=[("btc_price", "difficulty")],
                   btc_price=prices, difficulty=difficulties, **common)  # fmt: skip
    crossed = sweep(economics.margin_per_th, btc_price=prices, difficulty=difficulties, **common)
    assert zipped.margin_per_th.dims == ("btc_price_difficulty", "power_price")
    assert crossed.margin_per_th.dims == ("btc_price", "difficulty", "power_price")
    assert_array_equal(zipped.btc_price, prices)
    assert_array_equal(zipped.difficulty, difficulties)
    # The zipped sweep is the diagonal of the crossed one.
    diagonal = np.stack([crossed.margin_per_th.values[i, i] for i in range(3)])
    assert_array_equal(zipped.margin_per_th.values, diagonal)
    named = sweep(economics.margin_per_th, zip={"case": ("btc_price", "difficulty")},
                  btc_price=prices, difficulty=difficulties, **common)  # fmt: skip
    assert named.margin_per_th.dims == ("case", "power_price")
    with pytest.raises(ValueError, match="same length"):
        sweep(economics.margin_per_th, zip=[("btc_price", "difficulty")],
              btc_price=prices, difficulty=difficulties[:2], **common)  # fmt: skip


def test_miner_axis_is_labelled_by_name():
    ds = sweep(economics.margin_per_th, btc_price=90_000.0, difficulty=150e12,
               power_price=0.05, miner=["s21xp", "Antminer S19j Pro"])  # fmt: skip
    assert ds.miner.values.tolist() == ["Antminer S21 XP", "Antminer S19j Pro"]
    assert_allclose(ds.efficiency, [13.5, 29.5], rtol=1e-12)  # catalogue: W / TH/s
    one = float(ds.margin_per_th.sel(miner="Antminer S21 XP"))
    assert one == economics.margin_per_th(90_000.0, 150e12, 13.5, 0.05)


def _sweep_both(func, specs, monkeypatch, **kwargs):
    """The sweep unchunked, then with tiny chunks; returns both and the chunk shapes used."""
    whole = sweep(func, reduce=specs, progress=False, **AXES, **kwargs)
    seen = []
    original = sweep_module._chunk_shape

    def spy(*args, **kw):
        seen.append(original(*args, **kw))
        return seen[-1]

    monkeypatch.setattr(sweep_module, "_chunk_shape", spy)
    monkeypatch.setattr(sweep_module, "_FOLD_CHUNK_CELLS", 50)
    chunked = sweep(func, reduce=specs, progress=False, memory_budget_mb=0.1, **AXES, **kwargs)
    return whole, chunked, seen[-1]


@pytest.mark.parametrize("func", [economics.margin_per_th, generic_margin])
def test_chunked_reductions_equal_unchunked(func, monkeypatch):
    specs = [{"dim": "btc_price", "how": how, "threshold": 0.001} for how in KINDS] + [
        {"dim": "power_price", "how": "quantile", "q": [0.05, 0.5, 0.95]},
        {"dim": "difficulty", "how": "quantile", "q": 0.5, "name": "median_over_difficulty"},
    ]
    whole, chunked, chunk = _sweep_both(func, specs, monkeypatch, **FIXED)
    # The grid was split along the price axis (the one folded), and never along
    # the axes a quantile runs over.
    assert chunk[0] < AXES["btc_price"].size
    assert chunk[1] == AXES["power_price"].size and chunk[2] == AXES["difficulty"].size
    for name in whole.data_vars:
        xr.testing.assert_identical(whole[name], chunked[name])  # bit for bit

    # And the reductions are the right ones (numpy on the materialised grid).
    grid = broadcast_reference()
    label = func.__name__
    assert_allclose(whole[f"{label}_mean"], grid.mean(axis=0), rtol=1e-12)
    assert_allclose(whole[f"{label}_sum"], grid.sum(axis=0), rtol=1e-12)
    assert_array_equal(whole[f"{label}_min"], grid.min(axis=0))
    assert_array_equal(whole[f"{label}_max"], grid.max(axis=0))
    assert_array_equal(whole[f"{label}_prob_below"], (grid < 0.001).mean(axis=0))
    assert_array_equal(whole[f"{label}_argmin"], AXES["btc_price"][grid.argmin(axis=0)])
    assert_array_equal(whole[f"{label}_argmax"], AXES["btc_price"][grid.argmax(axis=0)])
    assert_array_equal(
        whole[f"{label}_quantile"].transpose("quantile", ...),
        np.quantile(grid, [0.05, 0.5, 0.95], axis=1),
    )
    assert_array_equal(whole["median_over_difficulty"], np.quantile(grid, 0.5, axis=2))


def test_argmax_over_the_miner_axis_gives_names():
    ds = sweep(economics.margin_per_th, **AXES, reduce={"dim": "miner", "how": "argmax"})
    assert set(np.unique(ds.margin_per_th_argmax.values)) <= set(AXES["miner"])
    # The most efficient machine always earns most per TH/s.
    assert (ds.margin_per_th_argmax == "Antminer S21 XP").all()


def test_callable_reduce_runs_per_chunk():
    def over_miners(ds):
        return ds.max("miner")

    whole = sweep(generic_margin, reduce=over_miners, progress=False, **AXES)
    chunked = sweep(generic_margin, reduce=over_miners, progress=False, memory_budget_mb=0.05,
                    **AXES)  # fmt: skip
    assert_array_equal(whole.generic_margin, chunked.generic_margin.transpose(*whole.dims))
    with pytest.raises(ValueError, match="callable reduced over"):
        sweep(generic_margin, reduce=lambda ds: ds.max("btc_price"), memory_budget_mb=0.05,
              **AXES)  # fmt: skip


@pytest.mark.parametrize("func", [economics.margin_per_th, generic_margin])
def test_reduction_ten_times_the_budget_stays_within_it(func):
    budget_mb = 8.0
    axes = {
        "btc_price": np.linspace(20e3, 200e3, 100),
        "power_price": np.linspace(0.01, 0.15, 110),
        "difficulty": np.linspace(50e12, 300e12, 100),
        "efficiency": np.linspace(12.0, 40.0, 10),
    }
    cells = 100 * 110 * 100 * 10
    assert cells * 8 >= 10 * budget_mb * 2**20  # the grid is ten times the budget
    reduce = {"dim": "btc_price", "how": "prob_below"}
    sweep(func, reduce=reduce, progress=False, memory_budget_mb=budget_mb, **axes)  # warm-up
    tracemalloc.start()
    try:
        ds = sweep(func, reduce=reduce, progress=False, memory_budget_mb=budget_mb, **axes)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Allowance of 2 MB for Python objects, xarray indexes and numba's
    # bookkeeping, which the budget does not count.
    assert peak < (budget_mb + 2) * 2**20, peak / 2**20
    assert ds[f"{func.__name__}_prob_below"].shape == (110, 100, 10)


def test_progress_off_prints_nothing_and_on_shows_a_bar(capsys):
    kwargs = {"btc_price": np.linspace(5e4, 1e5, 50), "power_price": np.linspace(0.02, 0.1, 50),
              "difficulty": 1.5e14, "efficiency": 15.0}  # fmt: skip
    sweep(generic_margin, progress=False, memory_budget_mb=0.05, **kwargs)
    assert capsys.readouterr().err == ""
    sweep(generic_margin, progress=True, memory_budget_mb=0.05, **kwargs)
    assert "minerecon sweep" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"btc_prize": [1.0, 2.0]}, "btc_prize"),
        ({"btc_price": []}, "btc_price must not be empty"),
        ({"btc_price": [[1.0, 2.0]]}, "btc_price must be a scalar or a 1-D"),
        ({"reduce": {"dim": "btc_price", "how": "median"}}, "reduce: how"),
        ({"reduce": {"dim": "price", "how": "mean"}}, "reduce: dim"),
        ({"reduce": {"dim": "btc_price", "how": "quantile"}}, "reduce: quantile needs q"),
        ({"reduce": {"dim": "btc_price", "how": "mean", "tresh": 0}}, "reduce: unknown keys"),
        ({"reduce": "mean"}, "reduce must be"),
        ({"zip": [("btc_price", "pue")]}, "zip names 'pue'"),
        ({"memory_budget_mb": 0}, "memory_budget_mb"),
        ({"efficiency": 15.0}, "either miner or efficiency"),
    ],
)
def test_bad_inputs_raise_value_error_naming_the_argument(kwargs, match):
    base = {"btc_price": [5e4, 6e4], "difficulty": 1.5e14, "power_price": 0.05,
            "miner": ["Antminer S21"]}  # fmt: skip
    with pytest.raises(ValueError, match=match):
        sweep(economics.margin_per_th, **(base | kwargs))


def test_budget_errors():
    grid = {"btc_price": np.linspace(5e4, 1e5, 1000), "power_price": [0.04, 0.05],
            "difficulty": 1.5e14, "efficiency": 15.0}  # fmt: skip
    with pytest.raises(ValueError, match="the result needs"):
        sweep(economics.margin_per_th, memory_budget_mb=0.01, **grid)
    # A quantile needs its whole axis in one chunk: 1000 cells x 24 bytes do not fit.
    with pytest.raises(ValueError, match="cannot be chunked"):
        sweep(economics.margin_per_th, memory_budget_mb=0.02, **grid,
              reduce={"dim": "btc_price", "how": "quantile", "q": 0.5})  # fmt: skip
    with pytest.raises(ValueError, match="btc_price must be in"):
        sweep(economics.margin_per_th, btc_price=[-1.0, 1.0], difficulty=1e14, power_price=0.05,
              efficiency=15.0)  # fmt: skip


def test_breakeven_surface_matches_breakeven_btc_price():
    power = np.linspace(0.02, 0.1, 5)
    surface = breakeven_surface(
        x_axis=("power_price", power),
        y_axis={"miner": ["Antminer S21 XP", "Antminer S21"]},
        difficulty=152.27e12,
        fees_per_block=0.02,
    )
    assert surface.dims == ("miner", "power_price")
    assert surface.attrs["units"] == "USD/BTC"
    expected = economics.breakeven_btc_price(152.27e12, 17.5, power, fees_per_block=0.02)
    assert_allclose(surface.sel(miner="Antminer S21"), expected, rtol=1e-12)
    # At the break-even price the margin is zero (economics module contract).
    margin = economics.margin_per_th(
        surface.values[0], 152.27e12, 13.5, power, fees_per_block=0.02
    )
    assert_allclose(margin, 0.0, atol=1e-15)
    with pytest.raises(ValueError, match="x_axis"):
        breakeven_surface(x_axis="power_price", y_axis=("efficiency", [15.0]))


def test_profitable_miners_counts_machines_with_margin_at_least_zero():
    miners = ["Antminer S21 XP", "Antminer S21", "Antminer S19j Pro"]
    ds = profitable_miners(btc_price=[40_000.0, 70_000.0, 120_000.0], power_price=[0.03, 0.07],
                           miners=miners, difficulty=150e12, fees_per_block=0.0)  # fmt: skip
    assert ds.profitable.dtype == bool and "miner" in ds.profitable.dims
    for price in ds.btc_price.values:
        for power in ds.power_price.values:
            expected = [
                economics.margin_per_th(price, 150e12, get_miner(m).efficiency, power) >= 0
                for m in miners
            ]
            cell = ds.sel(btc_price=price, power_price=power)
            assert cell.profitable.values.tolist() == expected
            assert int(cell["count"]) == sum(expected)
    # Whole catalogue by default, market from the bundled network state.
    everything = profitable_miners(btc_price=90_000.0, power_price=0.05)
    assert everything.sizes["miner"] > 10


@pytest.fixture(scope="module")
def scenario():
    state = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.02)
    fleet = Deployment("Antminer S21 XP", 100, capex_per_unit=5_000)
    return MiningScenario(fleet, start=state, days=120, price=GBM(drift=0.2, volatility=0.6))


def test_sweep_scenario_equals_direct_simulate_calls(scenario):
    ds = sweep_scenario(
        scenario,
        n_paths=300,
        seed=11,
        power_price=[0.04, 0.07],
        **{"price.volatility": [0.3, 0.6]},
    )
    assert ds.mean_npv.dims == ("power_price", "price.volatility")
    assert ds.mean_npv.attrs["units"] == "USD" and ds.probability_of_loss.attrs["units"] == "-"
    for power, vol in [(0.04, 0.6), (0.07, 0.3)]:
        direct = simulate(
            scenario.replace(power_price=power, price=GBM(drift=0.2, volatility=vol)),
            300,
            seed=11,
        ).summary.npv.values
        cell = ds.sel(power_price=power, **{"price.volatility": vol})
        assert float(cell.mean_npv) == direct.mean()
        assert float(cell.p5_npv) == np.quantile(direct, 0.05)
        assert float(cell.probability_of_loss) == (direct < 0).mean()


def test_sweep_scenario_uses_common_random_numbers(scenario):
    # The same setting twice gives the same statistics: every cell sees the same
    # paths. With one price path set, NPV falls with the power price by a
    # deterministic amount per path, so the ordering is exact, not noisy.
    ds = sweep_scenario(scenario, n_paths=200, seed=5, statistics=("mean_npv", "min_npv"),
                        zip=[("power_price", "discount_rate")],
                        power_price=[0.05, 0.05, 0.06], discount_rate=[0.1, 0.1, 0.1])  # fmt: skip
    assert ds.mean_npv[0] == ds.mean_npv[1]
    assert ds.min_npv[0] == ds.min_npv[1]
    assert ds.mean_npv[2] < ds.mean_npv[0]
    with pytest.raises(ValueError, match=r"'price\.drfit'"):
        sweep_scenario(scenario, n_paths=10, seed=1, **{"price.drfit": [0.1, 0.2]})
    scenario = MiningScenario(
        Deployment("Antminer S21 XP", 10),
        start=NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0),
        days=30,
    )
    # numpy makes timedelta64 an integer type: one day was taken for one path.
    with pytest.raises(ValueError, match="n_paths"):
        sweep_scenario(scenario, n_paths=np.timedelta64(1, "D"), seed=0)
    with pytest.raises(ValueError, match="statistics"):
        sweep_scenario(scenario, n_paths=10, seed=1, statistics=("average_npv",))


def test_zero_margin_contour_is_where_the_margin_vanishes():
    # Solving for each input in turn: the margin at the contour is zero (exact roots).
    fixed = {"difficulty": 152.27e12, "fees_per_block": 0.01, "pool_fee": 0.02}
    prices = np.array([50_000.0, 90_000.0, 130_000.0])
    power = sweep_module.zero_margin_contour(
        "power_price", btc_price=prices, efficiency=[13.5, 29.5], **fixed
    )
    assert power.dims == ("btc_price", "efficiency")
    eff = power.efficiency.values[None, :]
    margin = economics.margin_per_th(
        prices[:, None], 152.27e12, eff, power.values, fees_per_block=0.01, pool_fee=0.02
    )
    assert_allclose(margin, 0.0, atol=1e-15)
    btc = sweep_module.zero_margin_contour(
        "btc_price", power_price=[0.04, 0.07], efficiency=17.5, **fixed
    )
    assert_allclose(
        btc.values,
        economics.breakeven_btc_price(
            152.27e12, 17.5, np.array([0.04, 0.07]), fees_per_block=0.01, pool_fee=0.02
        ),
        rtol=1e-12,
    )
    with pytest.raises(ValueError, match="solve_for"):
        sweep_module.zero_margin_contour("pool_fee", btc_price=prices)
    with pytest.raises(ValueError, match="power_price"):
        sweep_module.zero_margin_contour("power_price", power_price=0.05)


def test_zero_margin_contour_keeps_the_axes_in_the_order_given():
    # The sweep promises its axes in the order of the arguments, market inputs
    # (BTC price, difficulty) included.
    line = sweep_module.zero_margin_contour(
        "power_price",
        miner=["Antminer S21 XP", "Antminer S19j Pro"],
        btc_price=[60_000, 90_000],
        difficulty=[150e12, 160e12],
    )
    assert line.dims == ("miner", "btc_price", "difficulty")


def test_irr_statistics_are_over_the_paths_that_have_one():
    # One definition with sensitivity.scenario_function: a path without an IRR (nan)
    # does not make the median nan; a cell where no path has one is nan.
    from minerecon.sweep import _statistic

    summary = xr.Dataset({"irr": ("path", np.array([0.1, np.nan, 0.3, 0.2]))})
    median, _, _ = _statistic("median_irr")
    assert median(summary) == 0.2  # median of 0.1, 0.2, 0.3
    none = xr.Dataset({"irr": ("path", np.array([np.nan, np.nan]))})
    assert np.isnan(median(none))


@pytest.mark.parametrize("how", ["mean", "sum", "min", "max", "prob_below", "argmin"])
@pytest.mark.parametrize("func", [economics.margin_per_th, economics.breakeven_btc_price])
def test_a_reduction_over_the_only_axis_gives_a_scalar(func, how):
    # Found by the fuzz suite: folding a one-axis grid left a 0-d state that numpy
    # turned into shape (1,), and writing it back raised "setting an array element
    # with a sequence" for every fold, fused (margin) or not.
    values = [100e12, 150e12, 200e12]
    fixed = {"power_price": 0.05, "miner": "Antminer S21 XP", "fees_per_block": 0.0}
    if func is economics.margin_per_th:
        fixed["btc_price"] = 90_000.0
    ds = sweep(func, difficulty=values, reduce={"dim": "difficulty", "how": how}, **fixed)
    out = ds[f"{func.__name__}_{how}"]
    assert out.dims == ()
    efficiency = get_miner("Antminer S21 XP").efficiency
    direct = func(
        difficulty=np.asarray(values), efficiency=efficiency,
        **{k: v for k, v in fixed.items() if k != "miner"},
    )  # fmt: skip
    expected = {
        "mean": direct.mean(),
        "sum": direct.sum(),
        "min": direct.min(),
        "max": direct.max(),
        "prob_below": (direct < 0).mean(),
        "argmin": values[int(np.argmin(direct))],
    }[how]
    assert_allclose(float(out), expected, rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"progress": np.array([1.0, 2.0])}, "progress"),  # was: numpy's "ambiguous" error
        ({"zip": 5}, "zip"),  # was: TypeError 'int' object is not iterable
        ({"miner": 1.0, "efficiency": None}, "miner"),  # was: KeyError "no miner named '1.0'"
    ],
)
def test_sweep_arguments_of_the_wrong_type_are_named(kwargs, argument):
    arguments = {"btc_price": [60e3, 90e3], "power_price": 0.05, "difficulty": 150e12}
    arguments |= {"efficiency": 15.0} | kwargs
    arguments = {k: v for k, v in arguments.items() if v is not None}
    with pytest.raises(ValueError, match=argument):
        sweep(economics.margin_per_th, **arguments)


def test_a_huge_memory_budget_means_no_limit():
    # memory_budget_mb=1e308 (or inf) overflowed to OverflowError when turned into
    # bytes; the docstring now says inf is no limit.
    for budget in (1e308, np.inf, 10**400):
        ds = sweep(
            economics.margin_per_th, btc_price=[60e3, 90e3], power_price=0.05,
            difficulty=150e12, efficiency=15.0, memory_budget_mb=budget,
        )  # fmt: skip
        assert ds.margin_per_th.shape == (2,)


def test_miners_and_solve_for_of_the_wrong_type_are_named():
    # Were TypeError "'int' object is not iterable" and "unhashable type: 'list'".
    with pytest.raises(ValueError, match="miners"):
        profitable_miners(btc_price=[60e3], power_price=0.05, difficulty=150e12, miners=5)
    with pytest.raises(ValueError, match="solve_for"):
        sweep_module.zero_margin_contour([], power_price=[0.05], difficulty=150e12)
    scenario = MiningScenario(
        Deployment("Antminer S21 XP", 10),
        start=NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0),
        days=30,
    )
    # numpy makes timedelta64 an integer type: one day was taken for one path.
    with pytest.raises(ValueError, match="n_paths"):
        sweep_scenario(scenario, n_paths=np.timedelta64(1, "D"), seed=0)
    with pytest.raises(ValueError, match="statistics"):
        sweep_scenario(
            scenario,
            n_paths=2, seed=0, statistics=[1.0],
        )  # fmt: skip


def test_a_zero_dimensional_dataarray_is_a_fixed_value():
    # It was refused as "difficulty must be a scalar or a 1-D sequence of values,
    # got 0-D", though a 0-d numpy array was taken as the scalar it is.
    ds = sweep(
        economics.margin_per_th, btc_price=[60e3, 90e3], power_price=0.05,
        difficulty=xr.DataArray(150e12), efficiency=15.0,
    )  # fmt: skip
    expected = economics.margin_per_th(np.array([60e3, 90e3]), 150e12, 15.0, 0.05)
    assert_allclose(ds.margin_per_th.values, expected, rtol=1e-12)


@pytest.mark.parametrize(
    "spec",
    [
        {"dim": np.array(["btc_price"]), "how": "mean"},  # was "unhashable type"
        {"dim": "btc_price", "how": np.array([])},  # was numpy's "ambiguous"
        {"dim": "btc_price", "how": "quantile", "q": "abc"},  # was "could not convert"
    ],
)
def test_reduce_specs_of_the_wrong_type_are_named(spec):
    with pytest.raises(ValueError, match="reduce"):
        sweep(
            economics.margin_per_th, btc_price=[60e3, 90e3], power_price=[0.04, 0.05],
            difficulty=150e12, efficiency=15.0, reduce=spec,
        )  # fmt: skip


# --------------------------------------------------------------------------
# network=NetworkState
# --------------------------------------------------------------------------

# The network on 2025-11-20 and the same network after the 2028 halving
# (height 1,050,000: subsidy 1.5625 BTC, protocol rule).
STATE = NetworkState.from_history("2025-11-20")
AFTER_HALVING = STATE.replace(height=1_050_000)


def test_sweep_takes_the_inputs_it_lacks_from_the_network_state():
    efficiency, power = np.array([13.5, 17.0]), np.array([0.04, 0.06])
    ds = sweep(
        economics.margin_per_th, efficiency=efficiency, power_price=power, network=AFTER_HALVING
    )
    expected = economics.margin_per_th(
        AFTER_HALVING.btc_price,
        AFTER_HALVING.difficulty,
        efficiency[:, None],
        power,
        fees_per_block=AFTER_HALVING.fees_per_block,
        subsidy=1.5625,
    )
    assert_array_equal(ds.margin_per_th.values, expected)
    # An axis of a network input wins over the state's value.
    prices = [60_000.0, 90_000.0]
    swept = sweep(
        economics.margin_per_th,
        btc_price=prices,
        efficiency=13.5,
        power_price=0.05,
        network=AFTER_HALVING,
    )
    assert_array_equal(
        swept.margin_per_th.values,
        economics.margin_per_th(
            np.array(prices), efficiency=13.5, power_price=0.05, network=AFTER_HALVING
        ),
    )


def test_breakeven_helpers_follow_the_network_state():
    # Halving the subsidy nearly doubles the break-even BTC price: with fees f
    # the block reward falls from 3.125 + f to 1.5625 + f.
    before = breakeven_surface(
        x_axis=("power_price", [0.05]), y_axis=("efficiency", [15.0]), network=STATE
    )
    after = breakeven_surface(
        x_axis=("power_price", [0.05]), y_axis=("efficiency", [15.0]), network=AFTER_HALVING
    )
    f = STATE.fees_per_block
    assert_allclose(after / before, (3.125 + f) / (1.5625 + f), rtol=1e-12)
    line = sweep_module.zero_margin_contour(
        "power_price", efficiency=[15.0], network=AFTER_HALVING
    )
    assert_allclose(
        line.values,
        economics.breakeven_power_price(efficiency=15.0, network=AFTER_HALVING),
        rtol=1e-12,
    )
    counts = profitable_miners(
        btc_price=[1e4, 1e7], power_price=0.05, miners=["Antminer S21"], network=AFTER_HALVING
    )
    assert counts["count"].values.tolist() == [0, 1]


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: sweep(economics.margin_per_th, efficiency=[15.0], power_price=0.05, network=3),
            "network must be a NetworkState, got int",
        ),
        (
            lambda: sweep(lambda efficiency: efficiency, efficiency=[1.0], network=STATE),
            "network: <lambda> takes none of btc_price",
        ),
        (
            lambda: breakeven_surface(
                x_axis=("power_price", [0.05]), y_axis=("efficiency", [15.0]), network="latest"
            ),
            "network must be a NetworkState, got str",
        ),
    ],
)
def test_a_network_that_is_not_a_state_is_refused_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call()
