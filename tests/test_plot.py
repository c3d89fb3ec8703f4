"""Figures: drawn on the Agg backend, content checked."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from numpy.testing import assert_allclose

from minerecon import economics, plot, report
from minerecon.network import NetworkState

STATE = NetworkState(
    date="2025-11-20", height=924_336, difficulty=152.27e12, btc_price=87_000, fees_per_block=0.0
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_breakeven_btc_price_bars_and_price_line():
    table = report.miner_economics(network=STATE, power_price=0.05, pool_fee=0.02, pue=1.1)
    ax = plot.breakeven_btc_price(table)
    bars = ax.patches
    assert len(bars) == len(table)
    breakeven = table["breakeven_btc_price_usd"].iloc[::-1].to_numpy()  # top bar: first row
    # Bars beyond twice the larger of today's price and the median break-even (the
    # S9, 360,000 USD/BTC here) stop at the axis's end, with their value written.
    limit = ax.get_xlim()[1]
    outliers = breakeven > 2 * max(87_000, np.median(breakeven))
    assert outliers.sum() == 1 and table.index[-1] == "Antminer S9"
    assert limit == pytest.approx(2 * 87_000)
    widths = np.array([bar.get_width() for bar in bars])
    assert_allclose(widths, np.minimum(breakeven, limit), rtol=1e-12)
    texts = [text.get_text() for text in ax.texts]
    s9 = table.loc["Antminer S9", "breakeven_btc_price_usd"]
    assert f"{s9:,.0f} \u25b8" in texts
    assert all(f"{value:,.0f}" in texts for value in breakeven[~outliers])
    # Blue bars below today's price (profitable), vermilion above.
    for bar, value in zip(bars, breakeven, strict=True):
        expected = plot.PROFIT_COLOUR if value <= 87_000 else plot.LOSS_COLOUR
        assert to_hex(bar.get_facecolor()) == expected.lower()
    (price_line,) = ax.get_lines()
    assert_allclose(price_line.get_xdata(), [87_000, 87_000])
    assert "Break-even BTC price [USD/BTC]" == ax.get_xlabel()
    labels = [text.get_text() for text in ax.get_yticklabels()]
    # The most efficient machine is drawn on top (last tick).
    assert labels[-1] == table.index[0]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == [
        "BTC price 87,000", "profitable at that price", "not profitable at that price",
    ]  # fmt: skip
    assert "power 0.050 USD/kWh, pool fee 2.0%, PUE 1.10" in ax.get_title()


def test_breakeven_btc_price_axis_holds_every_bar_without_outliers():
    table = report.miner_economics(network=STATE, miners=["Antminer S21 XP", "Antminer S19"])
    ax = plot.breakeven_btc_price(table)
    largest = max(87_000, table["breakeven_btc_price_usd"].max())
    assert ax.get_xlim()[1] == pytest.approx(1.15 * largest)
    assert_allclose(
        sorted(bar.get_width() for bar in ax.patches),
        sorted(table["breakeven_btc_price_usd"]),
        rtol=1e-12,
    )


def test_breakeven_btc_price_draws_on_a_given_axes():
    _, (left, right) = plt.subplots(1, 2)
    returned = plot.breakeven_btc_price(network=STATE, miners=["Antminer S21"], ax=right)
    assert returned is right
    assert len(right.patches) == 1 and not left.patches


def test_margin_vs_btc_price_lines_cross_zero_at_the_breakeven():
    miners = ["Antminer S21 XP", "Antminer S19j Pro"]
    ax = plot.margin_vs_btc_price(miners, network=STATE, power_price=0.05, pool_fee=0.02)
    lines = [line for line in ax.get_lines() if line.get_label() in miners]
    assert [line.get_label() for line in lines] == miners
    markers = [line for line in ax.get_lines() if line.get_marker() == "o"]
    for marker, efficiency in zip(markers, (13.5, 29.5), strict=True):
        expected = economics.breakeven_btc_price(152.27e12, efficiency, 0.05, pool_fee=0.02)
        assert_allclose(marker.get_xdata(), [expected], rtol=1e-12)
        assert_allclose(marker.get_ydata(), [0.0])
    # Each line is the margin in USD per TH/s per day (the table's unit) at the x positions.
    x, y = lines[0].get_data()
    margin = economics.margin_per_th(x, 152.27e12, 13.5, 0.05, pool_fee=0.02)
    assert_allclose(y, margin, rtol=1e-12)
    assert "[USD per TH/s per day]" in ax.get_ylabel()
    assert "[USD/BTC]" in ax.get_xlabel()
    assert "pool fee 2.0%, PUE 1.00" in ax.get_title()
    assert ax.get_legend().get_title().get_text() == "Machines"


def test_margin_vs_btc_price_colours_belong_to_the_machines():
    # A machine keeps its colour whatever else is drawn, and none is drawn black
    # and dashed like the price line, even with the whole catalogue.
    def styles(ax):
        return {
            line.get_label(): (to_hex(line.get_color()), line.get_linestyle())
            for line in ax.get_lines()
            if not line.get_label().startswith("_") and line.get_marker() != "o"
        }

    both = styles(
        plot.margin_vs_btc_price(["Antminer S21 XP", "Antminer S19j Pro"], network=STATE)
    )
    alone = styles(plot.margin_vs_btc_price(["Antminer S19j Pro"], network=STATE))
    assert alone["Antminer S19j Pro"] == both["Antminer S19j Pro"]
    every = styles(plot.margin_vs_btc_price(list(report.list_miners().index), network=STATE))
    assert len(every) == 17 and len(set(every.values())) == 17
    assert all(colour != "#000000" for colour, _ in every.values())


def test_margin_vs_btc_price_label_stays_inside_near_the_right_end():
    ax = plot.margin_vs_btc_price(
        ["Antminer S21"], network=STATE, btc_prices=np.linspace(0.0, 90_000.0, 50)
    )
    (label,) = [text for text in ax.texts if text.get_text() == "BTC 87,000"]
    assert label.get_ha() == "right" and not label.get_in_layout()


def test_margin_vs_btc_price_default_machines_span_the_catalogue():
    ax = plot.margin_vs_btc_price(network=STATE)
    names = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
    assert len(names) == 6
    assert "Antminer S9" not in names
    assert ax.get_legend().get_title().get_text() == (
        "6 of the 17 catalogue machines,\nspread by efficiency (Antminer S9 left out)"
    )
    assert np.all(np.diff(ax.get_lines()[0].get_xdata()) > 0)


# --------------------------------------------------------------------------
# Break-even power price, sweep maps, history and fan charts
# --------------------------------------------------------------------------

from matplotlib import dates as mdates  # noqa: E402
from matplotlib.collections import QuadMesh  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

from minerecon import datasets, risk, sweep  # noqa: E402

D0 = 152.27e12


def _colourbar_label(ax):
    (bar,) = [other for other in ax.figure.axes if other is not ax]
    return bar.get_ylabel()


def _contour_points(contours, level):
    index = list(contours.levels).index(level)
    return np.vstack([path.vertices for path in contours.get_paths()[index : index + 1]])


def test_breakeven_power_price_bars_and_site_line():
    table = report.miner_economics(network=STATE, power_price=0.06)
    ax = plot.breakeven_power_price(table)
    bars = ax.patches
    assert len(bars) == len(table)
    widths = [bar.get_width() for bar in bars]
    # Most efficient machine on top (last bar).
    assert_allclose(widths, table["breakeven_power_price_usd_per_kwh"].iloc[::-1], rtol=1e-12)
    for bar in bars:
        expected = plot.PROFIT_COLOUR if bar.get_width() >= 0.06 else plot.LOSS_COLOUR
        assert to_hex(bar.get_facecolor()) == expected.lower()
    (site_line,) = ax.get_lines()
    assert_allclose(site_line.get_xdata(), [0.06, 0.06])
    assert ax.get_xlabel() == "Break-even power price [USD/kWh]"
    texts = [text.get_text() for text in ax.texts]
    assert "site 0.060 USD/kWh" in texts
    best = table["breakeven_power_price_usd_per_kwh"].iloc[0]
    assert f"{best:.3f}" in texts
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == table.index[0]


def test_breakeven_power_price_from_kwargs_on_a_given_axes():
    _, (left, right) = plt.subplots(1, 2)
    returned = plot.breakeven_power_price(network=STATE, miners=["Antminer S21"], ax=right)
    assert returned is right
    assert len(right.patches) == 1 and not left.patches
    assert "87,000" in right.get_title()


def _margin_grid():
    return sweep.sweep(
        "margin_per_th",
        btc_price=np.linspace(40e3, 120e3, 9),
        power_price=np.linspace(0.02, 0.10, 7),
        efficiency=17.5,
        difficulty=D0,
    )["margin_per_th"]


def test_margin_map_heatmap_zero_contour_and_labels():
    margin = _margin_grid()
    ax = plot.margin_map(margin, levels=[0.02])
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert_allclose(np.asarray(mesh.get_array()).reshape(9, 7), margin.values, rtol=1e-12)
    # Diverging map centred on zero.
    assert mesh.norm.vcenter == 0.0
    assert_allclose(mesh.norm.vmin, -mesh.norm.vmax)
    zero, extra = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert list(zero.levels) == [0.0] and list(extra.levels) == [0.02]
    # The margin is linear in both axes, so the zero contour is exact.
    points = _contour_points(zero, 0.0)
    assert len(points) > 1
    on_line = economics.margin_per_th(points[:, 1], D0, 17.5, points[:, 0])
    assert_allclose(on_line, 0.0, atol=1e-12)
    assert ax.get_xlabel() == "Power price [USD/kWh]"
    assert ax.get_ylabel() == "BTC price [USD/BTC]"
    assert _colourbar_label(ax) == "Margin [USD/TH/day]"
    texts = [text.get_text() for text in ax.texts]
    assert "break-even" in texts and "0.02" in texts
    # BTC prices in thousands, so that a narrow map's ticks do not run together.
    ax.figure.canvas.draw()
    assert [tick.get_text() for tick in ax.get_yticklabels()][1:4] == ["40k", "50k", "60k"]


def test_margin_map_without_a_sign_change_has_no_contour():
    margin = _margin_grid().isel(btc_price=[-2, -1], power_price=[0, 1])
    assert (margin > 0).all()
    ax = plot.margin_map(margin)
    assert not [c for c in ax.collections if isinstance(c, ContourSet)]


def test_breakeven_contours_levels_and_todays_price():
    surface = sweep.breakeven_surface(
        x_axis=("power_price", np.linspace(0.02, 0.12, 11)),
        y_axis=("efficiency", np.linspace(12, 35, 12)),
        difficulty=D0,
        fees_per_block=0.0,
    )
    ax = plot.breakeven_contours(surface, levels=[40e3, 80e3, 120e3], btc_price=87_000)
    filled, lines, today = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert filled.filled and list(lines.levels) == [40e3, 80e3, 120e3]
    # Break-even is linear along each grid edge, so contour points there are
    # exact; labels break the lines at points inside cells, close to the level.
    for contours, level, rtol in ((lines, 80e3, 5e-3), (today, 87_000.0, 1e-9)):
        points = _contour_points(contours, level)
        value = economics.breakeven_btc_price(D0, points[:, 1], points[:, 0])
        assert_allclose(value, level, rtol=rtol)
    assert {"40,000", "80,000", "120,000"} <= {text.get_text() for text in ax.texts}
    assert ax.get_xlabel() == "Power price [USD/kWh]"
    assert ax.get_ylabel() == "Efficiency [J/TH]"
    assert _colourbar_label(ax) == "Break-even BTC price [USD/BTC]"
    (legend,) = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend.startswith("BTC 87,000")


def test_breakeven_contours_put_machines_at_their_efficiency():
    miners = ["Antminer S19j Pro", "Antminer S21 XP", "Antminer S21"]
    surface = sweep.breakeven_surface(
        x_axis=("power_price", [0.03, 0.06, 0.09]), y_axis=("miner", miners), difficulty=D0
    )
    ax = plot.breakeven_contours(surface)
    assert_allclose(ax.get_yticks(), [13.5, 17.5, 29.5])
    labels = [text.get_text() for text in ax.get_yticklabels()]
    assert labels == ["Antminer S21 XP (13.5)", "Antminer S21 (17.5)", "Antminer S19j Pro (29.5)"]
    assert ax.get_ylabel() == "Machine, at its efficiency [J/TH]"


def test_history_marks_the_halvings_and_computes_hashprice():
    ax = plot.history()
    halvings = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    days = ["2016-07-09", "2020-05-11", "2024-04-20"]
    x = [mdates.date2num(line.get_xdata()[0]) for line in halvings]
    assert_allclose(x, mdates.date2num(np.array(days, dtype="datetime64[D]")))
    texts = [text.get_text() for text in ax.texts]
    for height, day in zip((420_000, 630_000, 840_000), days, strict=True):
        assert f"halving {day}\nblock {height:,}" in texts
    (hashprice,) = [line for line in ax.get_lines() if line.get_label().startswith("Hashprice")]
    history = datasets.load_history()
    assert len(hashprice.get_xdata()) == len(history)
    for day in ("2016-07-08", "2021-06-01", "2025-11-20"):
        at = history.index.get_loc(day)
        expected = NetworkState.from_history(day).hashprice * 1000
        assert_allclose(hashprice.get_ydata()[at], expected, rtol=1e-12)
    assert ax.get_ylabel() == "Hashprice [USD/PH/day]"
    (twin,) = [other for other in ax.figure.axes if other is not ax]
    assert twin.get_ylabel() == "Difficulty [T]"
    (difficulty,) = twin.get_lines()
    assert_allclose(difficulty.get_ydata(), history["difficulty"] / 1e12)
    assert ax.get_yscale() == twin.get_yscale() == "log"


def test_history_window_keeps_only_its_halvings():
    ax = plot.history(start="2023-01-01", end="2025-12-31")
    assert ["2024-04-20" in text.get_text() for text in ax.texts] == [True]
    assert ax.get_yscale() == "linear"
    with pytest.raises(ValueError, match="no bundled history"):
        plot.history(start="2030-01-01")


@pytest.mark.parametrize("bad", ["NaT", "", -1, "not a date"])
def test_history_refuses_what_is_not_a_date(bad):
    # AttributeError or TypeError from pandas slicing before (datasets.parse_day).
    with pytest.raises(ValueError, match=r"^start must be a date"):
        plot.history(start=bad)
    with pytest.raises(ValueError, match=r"^end must be a date"):
        plot.history(end=bad)


@pytest.fixture(scope="module")
def simulation():
    from minerecon import price
    from minerecon.difficulty import ConstantGrowth
    from minerecon.hardware import Deployment
    from minerecon.projection import MiningScenario, simulate

    start = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
    fleet = Deployment("Antminer S21 XP", 1000, capex_per_unit=5_000)
    scenario = MiningScenario(
        fleet,
        start=start,
        days=400,
        price=price.GBM(0.2, 0.6),
        hashrate=ConstantGrowth(0.02, 0.3),
    )
    return simulate(scenario, n_paths=60, seed=3)


def _band_edges(collection):
    vertices = collection.get_paths()[0].vertices[:, 1]
    n = (len(vertices) - 3) // 2
    return vertices[1 : n + 1], vertices[n + 2 : 2 * n + 2][::-1]


def test_fan_chart_bands_equal_the_percentiles(simulation):
    ax = plot.fan_chart(simulation, "price")
    bands = risk.percentile_bands(simulation.monthly["price"], dim="path")
    outer, inner = ax.collections
    for collection, (low, high) in ((outer, (5, 95)), (inner, (25, 75))):
        lower, upper = _band_edges(collection)
        assert_allclose(lower, bands.sel(percentile=low), rtol=1e-12)
        assert_allclose(upper, bands.sel(percentile=high), rtol=1e-12)
    (median,) = ax.get_lines()
    assert_allclose(median.get_ydata(), bands.sel(percentile=50), rtol=1e-12)
    assert ax.get_ylabel() == "BTC price [USD/BTC], month end"
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["5-95 %", "25-75 %", "median"]
    assert "60 paths" in ax.get_title()


@pytest.mark.parametrize(
    ("variable", "factor", "label"),
    [
        ("difficulty", 1e-12, "Difficulty [T], month end"),
        ("hashrate", 1e-6, "Network hashrate [EH/s], month end"),
        ("cumulative_cash", 1e-6, "Cumulative cash [million USD], month end"),
        ("cash_flow", 1e-6, "Cash flow [million USD/month]"),
    ],
)
def test_fan_chart_units_per_variable(simulation, variable, factor, label):
    ax = plot.fan_chart(simulation, variable, percentiles=(10, 50, 90))
    bands = simulation.bands(variable, percentiles=(10, 50, 90)) * factor
    (band,) = ax.collections
    lower, upper = _band_edges(band)
    assert_allclose(lower, bands.sel(percentile=10), rtol=1e-12)
    assert_allclose(upper, bands.sel(percentile=90), rtol=1e-12)
    median = [line for line in ax.get_lines() if line.get_label() == "median"]
    assert_allclose(median[0].get_ydata(), bands.sel(percentile=50), rtol=1e-12)
    assert ax.get_ylabel() == label
    # Cash that goes negative gets a zero line.
    zero = [line for line in ax.get_lines() if list(line.get_ydata()) == [0.0, 0.0]]
    assert bool(zero) == (variable in ("cumulative_cash", "cash_flow"))


def test_fan_chart_daily_output_and_bad_variable():
    from minerecon.hardware import Deployment
    from minerecon.projection import MiningScenario, simulate

    start = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
    scenario = MiningScenario(Deployment("Antminer S21 XP", 10), start=start, days=30)
    result = simulate(scenario, n_paths=4, seed=0, output="full")
    ax = plot.fan_chart(result, "cumulative_cash")
    lower, _ = _band_edges(ax.collections[0])
    assert len(lower) == 30
    assert ax.get_xlabel() == "Date" and ax.get_ylabel() == "Cumulative cash [USD]"
    with pytest.raises(ValueError, match="variable must be one of"):
        plot.fan_chart(result, "nope")


def test_profitable_map_counts_contours_and_colour_bar():
    miners = ["Antminer S21 XP", "Antminer S21", "Antminer S19j Pro", "Antminer S9"]
    data = sweep.profitable_miners(
        btc_price=np.linspace(30e3, 150e3, 13),
        power_price=np.linspace(0.02, 0.12, 11),
        miners=miners,
        difficulty=D0,
        fees_per_block=0.0,
    )
    ax = plot.profitable_map(data)
    (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert_allclose(np.asarray(mesh.get_array()).reshape(13, 11), data["count"].values)
    # One colour per whole count, 0 to 4.
    assert mesh.cmap.N == 5
    (lines,) = [c for c in ax.collections if isinstance(c, ContourSet)]
    present = np.unique(data["count"].values)
    expected = [k - 0.5 for k in range(1, 5) if present.min() < k <= present.max()]
    assert_allclose(lines.levels, expected)
    assert {f"\u2265 {k + 0.5:.0f}" for k in expected} <= {t.get_text() for t in ax.texts}
    assert ax.get_xlabel() == "Power price [USD/kWh]"
    assert ax.get_ylabel() == "BTC price [USD/BTC]"
    assert _colourbar_label(ax) == "Profitable machines (margin \u2265 0) [of 4]"
    assert "out of 4" in ax.get_title()


# --------------------------------------------------------------------------
# Site comparisons: NPV distribution and split-fraction curve
# --------------------------------------------------------------------------

import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402

from minerecon import price  # noqa: E402
from minerecon.hardware import Deployment, get_miner  # noqa: E402
from minerecon.hosting import ColocationLease  # noqa: E402
from minerecon.projection import MiningScenario  # noqa: E402
from minerecon.scenario import Site, Split, compare  # noqa: E402


@pytest.fixture(scope="module")
def comparison():
    """A tiny site: 1,000 S21 XP, pure mining against two leased shares."""
    start = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
    miner = get_miner("Antminer S21 XP")
    site = Site(4.0, Deployment(miner, 1000), mining_pue=1.05)
    contract = ColocationLease(
        rate=120.0, term_years=10, build_days=0, ramp_days=0, capex_per_it_mw=0.0, noi_margin=1.0
    )
    market = MiningScenario(
        Deployment(miner, 1), days=120, start=start, price=price.GBM(drift=0.0, volatility=0.7)
    )
    splits = [Split(contract, fraction=0.25), Split(contract, fraction=0.5, name="half")]
    return compare(site, splits, scenario=market, n_paths=50, seed=1)


def _mean_markers(ax):
    (line,) = [line for line in ax.get_lines() if line.get_marker() == "D"]
    return line


def _zero_lines(ax):
    return [
        line
        for line in ax.get_lines()
        if np.allclose(line.get_xdata(), 0.0) and line.get_linestyle() == "--"
    ]


@pytest.mark.parametrize("kind", ["violin", "box"])
def test_npv_distribution_one_shape_per_option_means_and_labels(comparison, kind):
    npv = comparison.npv
    options = [str(option) for option in npv.coords["option"].values]
    assert options == ["pure mining", "25% hosted", "half"]
    ax = plot.npv_distribution(comparison, kind=kind)
    if kind == "violin":
        shapes = [c for c in ax.collections if isinstance(c, PolyCollection)]
    else:
        shapes = [p for p in ax.patches if isinstance(p, PathPatch)]
    assert len(shapes) == len(options)
    # Pure mining on top: the first option at the highest y position.
    positions = np.arange(len(options))[::-1]
    assert_allclose(ax.get_yticks(), positions)
    assert [text.get_text() for text in ax.get_yticklabels()] == options
    means = _mean_markers(ax)
    expected = [npv.sel(option=option).values.mean() / 1e6 for option in options]
    assert_allclose(means.get_xdata(), expected, rtol=1e-12)
    assert_allclose(means.get_ydata(), positions)
    assert means.get_label() == "mean"
    assert len(_zero_lines(ax)) == 1
    assert ax.get_xlabel() == "NPV [million USD]"
    assert "[million USD]" in ax.get_xlabel()
    assert "50 common paths" in ax.get_title()
    # Whose NPV, at which rates and terminal value, over what horizon.
    assert ax.get_title() == (
        "Site (4 MW): NPV per option over 50 common paths\n"
        "single rate view, discount rate 10.0%\n"
        "no terminal value; 0.329 years from 2026-01-01"
    )


def test_npv_distribution_from_a_data_array_on_a_given_axes():
    values = np.array([[-2e6, 0.0, 2e6, 4e6], [1e6, 1e6, 3e6, 3e6]])
    npv = xr.DataArray(
        values, dims=("option", "path"), coords={"option": ["pure mining", "lease"]}
    )
    _, (left, right) = plt.subplots(1, 2)
    returned = plot.npv_distribution(npv, kind="box", ax=right)
    assert returned is right and not left.patches
    assert len([p for p in right.patches if isinstance(p, PathPatch)]) == 2
    assert_allclose(_mean_markers(right).get_xdata(), [1.0, 2.0])
    assert_allclose(_mean_markers(right).get_ydata(), [1, 0])
    assert [t.get_text() for t in right.get_yticklabels()] == ["pure mining", "lease"]
    assert len(_zero_lines(right)) == 1
    assert right.get_xlabel() == "NPV [million USD]"
    with pytest.raises(ValueError, match="kind must be 'violin' or 'box'"):
        plot.npv_distribution(npv, kind="histogram")


def _curve(ax):
    (line,) = [line for line in ax.get_lines() if line.get_marker() == "o"]
    return line


def _star(ax):
    (line,) = [line for line in ax.get_lines() if line.get_marker() == "*"]
    return line


def _optimum_label(ax):
    (label,) = [text for text in ax.texts if text.get_text().startswith("optimum")]
    return label


@pytest.mark.parametrize(
    ("objective", "label"),
    [("mean", "Mean NPV"), ("cvar", "Minus expected shortfall of NPV")],
)
def test_split_fraction_curve_line_optimum_and_labels(objective, label):
    fractions = np.linspace(0.0, 1.0, 11)
    # A concave curve peaking at 30 %, given out of order: the plot sorts it.
    values = (5.0 - 20.0 * (fractions - 0.3) ** 2) * 1e6
    scores = pd.Series(values, index=pd.Index(fractions, name="fraction"), name=objective)
    ax = plot.split_fraction_curve(scores.iloc[::-1])
    x, y = _curve(ax).get_data()
    assert_allclose(x, fractions * 100, rtol=1e-12)
    assert_allclose(y, values / 1e6, rtol=1e-12)
    best = fractions[np.argmax(values)]
    star = _star(ax)
    assert_allclose(star.get_xdata(), [best * 100], rtol=1e-12)
    assert_allclose(star.get_ydata(), [values.max() / 1e6], rtol=1e-12)
    text = _optimum_label(ax)
    assert text.get_text() == f"optimum 30%: {values.max() / 1e6:,.0f} M USD"
    assert text.get_text() == "optimum 30%: 5 M USD"
    assert_allclose(text.xy, (best * 100, values.max() / 1e6), rtol=1e-12)
    assert any(np.allclose(line.get_ydata(), 0.0) for line in ax.get_lines())
    assert ax.get_ylabel() == f"{label} [million USD]"
    assert ax.get_xlabel() == "Share of site power leased to the AI tenant [%]"


def test_split_fraction_curve_given_best_and_unnamed_scores():
    fractions = np.array([0.0, 0.5, 1.0])
    scores = pd.Series([1e6, 3e6, 2e6], index=fractions)
    ax = plot.split_fraction_curve(scores, best=1.0)
    assert_allclose(_star(ax).get_xdata(), [100.0])
    assert_allclose(_star(ax).get_ydata(), [2.0])
    assert _optimum_label(ax).get_text() == "optimum 100%: 2 M USD"
    assert ax.get_ylabel() == "Objective of NPV [million USD]"


@pytest.mark.parametrize("best", [0.0, 1.0])
def test_split_fraction_curve_optimum_label_stays_inside_the_axes(best):
    fractions = np.linspace(0.0, 1.0, 11)
    # Monotone, so the optimum is at one end: 0 % or 100 %.
    values = (1.0 + 1234.0 * (fractions if best == 1.0 else 1.0 - fractions)) * 1e6
    scores = pd.Series(values, index=pd.Index(fractions, name="fraction"), name="mean")
    ax = plot.split_fraction_curve(scores)
    assert_allclose(_star(ax).get_xdata(), [best * 100])
    text = _optimum_label(ax)
    assert text.get_text() == f"optimum {best:.0%}: 1,235 M USD"
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    inside = text.get_window_extent(renderer)
    frame = ax.get_window_extent(renderer)
    # The label is turned towards the middle, so it ends inside either side.
    assert frame.x0 <= inside.x0 and inside.x1 <= frame.x1, (inside.bounds, frame.bounds)
    if best == 1.0:
        assert text.get_horizontalalignment() == "right"
        assert inside.x1 <= ax.transData.transform((100.0, 0.0))[0]
    else:
        assert text.get_horizontalalignment() == "left"
        assert inside.x0 >= ax.transData.transform((0.0, 0.0))[0]


def _table_of_sobol():
    return pd.DataFrame(
        {"first_order": [0.6, 0.3], "total": [0.65, 0.35]}, index=pd.Index(["x", "y"])
    )


@pytest.mark.parametrize(
    ("call", "error", "argument"),
    [
        # Each was an AttributeError, KeyError or matplotlib TypeError naming nothing.
        (lambda: plot.sobol_indices(_table_of_sobol(), ax="left"), TypeError, "ax"),
        (lambda: plot.tornado(pd.DataFrame({"swing": [1.0]})), ValueError, "result"),
        (lambda: plot.sobol_indices(pd.DataFrame({"total": [1.0]})), ValueError, "result"),
        (lambda: plot.breakeven_btc_price(pd.DataFrame({"x": [1.0]})), ValueError, "table"),
        (lambda: plot.npv_distribution(xr.DataArray([1.0, 2.0], dims="path")), ValueError, "npv"),
        # Was numpy's "truth value of an empty array is ambiguous".
        (lambda: plot.npv_distribution(
            xr.DataArray([[0.0, 1.0]], coords={"option": ["a"]}, dims=("option", "path")),
            kind=np.array([])),
         ValueError, "kind"),
        (lambda: plot.split_fraction_curve(pd.Series([1.0, 2.0], index=[0.0, 0.5]), best=2.0),
         ValueError, "best"),
        (lambda: plot.split_fraction_curve(pd.Series([], dtype=float)), ValueError, "scores"),
        (lambda: plot.margin_map(xr.DataArray([1.0, 2.0], dims="x")), ValueError, "data"),
        (lambda: plot.fan_chart(None), TypeError, "result"),
        (lambda: plot.profitable_map(xr.Dataset()), ValueError, "data"),
        (lambda: plot.margin_vs_btc_price(network="latest"), ValueError, "network"),
        # Was named btc_price, an argument this function does not have.
        (lambda: plot.margin_vs_btc_price(network=STATE, btc_prices=[-1.0, 5e4]),
         ValueError, "btc_prices"),
        # Was "no bundled history between 2030-01-01 and None".
        (lambda: plot.history(start="2030-01-01"), ValueError, "start"),
    ],
)  # fmt: skip
def test_bad_arguments_are_named(call, error, argument):
    with pytest.raises(error, match=argument):
        call()


def _surface(miners):
    return sweep.breakeven_surface(
        x_axis=("power_price", [0.03, 0.05]), y_axis=("miner", miners),
        difficulty=150e12, fees_per_block=0.0,
    )  # fmt: skip


def test_contour_levels_and_grids_too_small_for_contours():
    surface = _surface(["Antminer S21", "Antminer S21 XP"])
    # levels=0 silently drew eight levels; a huge count ran for minutes.
    for levels in (0, 10**6):
        with pytest.raises(ValueError, match="levels"):
            plot.breakeven_contours(surface, levels=levels)
    # One level cannot be filled ("Filled contours require at least 2 levels").
    with pytest.raises(ValueError, match="levels"):
        plot.breakeven_contours(surface, levels=[5e4])
    # Levels given out of order are drawn in order (was "must be increasing").
    assert isinstance(plot.breakeven_contours(surface, levels=[6e4, 4e4, 5e4]), plt.Axes)
    # A one-row surface has no contour (was matplotlib's TypeError on the z shape).
    with pytest.raises(ValueError, match="surface"):
        plot.breakeven_contours(_surface(["Antminer S21"]))


def test_margin_map_of_one_row_draws_without_contours():
    # Was matplotlib's TypeError "Input z must be at least a (2, 2) shaped array".
    data = sweep.sweep(
        economics.margin_per_th, btc_price=[40_000.0], power_price=[0.03, 0.08],
        difficulty=150e12, efficiency=20.0,
    )["margin_per_th"]  # fmt: skip
    ax = plot.margin_map(data, levels=[0.01])
    assert not any(isinstance(c, ContourSet) for c in ax.collections)
    with pytest.raises(ValueError, match="levels"):
        plot.margin_map(data, levels=["a"])  # was "could not convert string to float"


def test_violins_of_paths_that_do_not_differ_fall_back_to_boxes():
    # Two paths 5e-274 apart: the density's covariance underflows to 0 and
    # matplotlib raised LinAlgError "Singular matrix".
    npv = xr.DataArray(
        [[0.0, 5e-274]], coords={"option": ["pure mining"]}, dims=("option", "path")
    )
    ax = plot.npv_distribution(npv, kind="violin")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["pure mining"]


# --------------------------------------------------------------------------
# conversion_boundary
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def timing():
    """Half of a 4 MW site to a lease, on 200 noisy paths over two years."""
    from minerecon.hardware import Deployment
    from minerecon.hosting import ColocationLease
    from minerecon.options import conversion_timing
    from minerecon.price import GBM
    from minerecon.projection import MiningScenario
    from minerecon.scenario import Site, Split

    state = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
    site = Site(gross_mw=4.0, fleet=Deployment("Antminer S21 XP", 1000), name="Test site")
    lease = ColocationLease(rate=150.0, term_years=10, build_days=90, ramp_days=0)
    market = MiningScenario(site.fleet, start=state, days=730, price=GBM(0.0, 0.8))
    return conversion_timing(site, Split(lease, fraction=0.5), scenario=market, n_paths=200,
                             seed=4)  # fmt: skip


def test_conversion_boundary_draws_the_fit_and_the_shares(timing):
    ax = plot.conversion_boundary(timing, sample_paths=5)
    (boundary,) = [line for line in ax.get_lines() if line.get_label().startswith("boundary:")]
    shares = timing.conversion_share.to_numpy()
    still_waiting = 1 - np.concatenate([[0.0], np.cumsum(shares)[:-1]])
    expected = np.where(still_waiting >= 0.05, timing.boundary.replace(np.inf, np.nan), np.nan)
    assert_allclose(np.asarray(boundary.get_ydata(), dtype=float), expected, equal_nan=True)
    # On the decision dates, not at 0, 1, 2...
    assert (pd.DatetimeIndex(boundary.get_xdata()) == timing.decision_dates).all()
    (right,) = [other for other in ax.figure.axes if other is not ax]
    heights = [patch.get_height() for patch in right.patches]
    assert_allclose(heights, 100 * shares)
    title = ax.get_title()
    assert title.startswith("Test site: when to convert (50% hosted)")
    assert f"wait and decide {timing.waiting / 1e6:,.1f}" in title
    # Five grey sample paths, each cut at its conversion date.
    paths = [line for line in ax.get_lines() if line.get_color() == plot.PALETTE[7]]
    assert len(paths) == 5
    plt.close("all")


def test_conversion_boundary_says_when_nothing_converts(timing):
    import dataclasses

    never = dataclasses.replace(
        timing,
        boundary=timing.boundary * np.nan,
        conversion_share=timing.conversion_share * 0.0,
        policy=dataclasses.replace(
            timing.policy,
            in_sample=dataclasses.replace(
                timing.policy.in_sample, exercise_date=np.full(200, -1, dtype=np.int64)
            ),
        ),
    )
    ax = plot.conversion_boundary(never)
    texts = [text.get_text() for text in ax.texts]
    assert texts == ["Converting never beats waiting on these paths"]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["hashprice, 5-95 %", "paths converting"]
    plt.close("all")
    # A boundary at +inf (converting preferred at every hashprice) is not "never".
    everywhere = dataclasses.replace(
        timing, boundary=pd.Series(np.inf, index=timing.boundary.index)
    )
    ax = plot.conversion_boundary(everywhere)
    assert not ax.texts
    (marks,) = [line for line in ax.get_lines() if line.get_label() == "convert at any hashprice"]
    assert len(marks.get_xdata()) == len(timing.decision_dates)
    plt.close("all")


def test_machine_values_clips_the_old_machines_loss():
    from minerecon.options import machine_values

    state = NetworkState("2025-11-25", 925_008, 152.27e12, 88_235, 0.0273)
    table = machine_values(state, 0.05, volatility=0.5, rate=0.04,
                           miners=["Antminer S21 XP", "Antminer S9"],
                           prices_per_th={"Antminer S21 XP": 16.0})  # fmt: skip
    ax = plot.machine_values(table)
    bars = [patch.get_width() for patch in ax.patches]
    assert_allclose(bars, table["value_usd_per_th"])
    # The S9 loses about 85 USD per TH/s always on: drawn at the axis' edge, value printed.
    edge = -0.6 * table["value_usd_per_th"].max()
    texts = [text.get_text() for text in ax.texts]
    assert f"{table.loc['Antminer S9', 'always_on_usd_per_th']:,.0f}" in texts
    assert f"{table.loc['Antminer S21 XP', 'overpayment']:+.0%}" in texts
    assert_allclose(ax.get_xlim()[0], edge * 1.05)
    assert "volatility 50%, rate 4.0%, 3 years" in ax.get_title()
    plt.close("all")


def _hourly_prices():
    # Four days of hours at 30 USD/MWh with a 6-hour spike to 900 on day 3.
    index = pd.date_range("2026-07-01", periods=96, freq="h", tz="America/Chicago")
    values = np.full(96, 30.0)
    values[60:66] = 900.0
    return pd.Series(values, index=index)


def test_price_duration_curve_shades_the_hours_above_the_threshold():
    prices = _hourly_prices()
    ax = plot.price_duration_curve(prices, 100.0)
    (line,) = [line for line in ax.get_lines() if line.get_label() == "price"]
    assert line.get_ydata()[0] == 900.0 and line.get_ydata()[-1] == 30.0
    # 6 of 96 hours above 100 USD/MWh: 6.2 %.
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any("(6.2% of intervals)" in label for label in labels)
    plt.close("all")


def test_hourly_operation_marks_the_hours_off_and_finds_the_spike():
    ax = plot.hourly_operation(_hourly_prices(), 100.0, days=2)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "off (6 of 48 intervals)" in labels
    plt.close("all")


def test_flexibility_by_month_matches_curtail():
    from minerecon import power

    prices = _hourly_prices()
    ax = plot.flexibility_by_month(prices, 100.0, load_mw=10.0)
    (bar,) = ax.patches
    # Six hours of 900 against 100 on 10 MW: 6 * 800 * 10 = 48,000 USD.
    assert_allclose(bar.get_height(), 48_000.0)
    assert_allclose(power.curtail(prices.to_numpy(), 100.0, load_mw=10.0).flexibility_value,
                    48_000.0)  # fmt: skip
    plt.close("all")
