"""Break-even explorer: sliders driven from code, the figure checked (Agg, no kernel)."""

from __future__ import annotations

import builtins
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from minerecon import economics, report
from minerecon.explorer import SLIDERS, Explorer, explore, slider_ranges
from minerecon.hardware import Miner, get_miner
from minerecon.network import NetworkState

STATE = NetworkState(
    date="2025-11-20",
    height=924_336,
    difficulty=152.27e12,
    btc_price=87_000,
    fees_per_block=0.02,
)
MINERS = ["Antminer S21 XP", "Antminer S19j Pro"]
EFFICIENCY = {"Antminer S21 XP": 13.5, "Antminer S19j Pro": 29.5}


@pytest.fixture
def explorer() -> Explorer:
    return explore(STATE, miners=MINERS, power_price=0.05)


def _data(explorer: Explorer) -> list[np.ndarray]:
    return [np.asarray(line.get_ydata(), float).copy() for line in explorer.margin_lines]


def _expected_breakevens(difficulty, power_price, fees=0.02, pool_fee=0.0):
    return [
        economics.breakeven_btc_price(
            difficulty,
            EFFICIENCY[name],
            power_price,
            fees_per_block=fees,
            subsidy=STATE.subsidy,
            pool_fee=pool_fee,
        )
        for name in MINERS
    ]


def _breakevens(explorer: Explorer) -> list[float]:
    return [float(marker.get_xdata()[0]) for marker in explorer.breakeven_markers]


def test_explore_builds_sliders_chart_and_display(explorer):
    assert set(explorer.sliders) == set(SLIDERS)
    assert explorer.widget.children[1] is explorer.output
    assert [line.get_label() for line in explorer.margin_lines] == MINERS
    assert_allclose(_breakevens(explorer), _expected_breakevens(152.27e12, 0.05), rtol=1e-12)
    (shown,) = explorer.output.outputs
    assert shown["data"]["image/png"]
    view = explorer._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == explorer.widget.model_id
    assert callable(explorer._ipython_display_)
    assert "Antminer S21 XP" in explorer.table.value


def test_sliders_start_at_the_snapshot_and_carry_units(explorer):
    sliders = explorer.sliders
    assert sliders["btc_price"].value == 87_000
    assert sliders["power_price"].value == 0.05
    assert_allclose(sliders["difficulty"].value, 152.27)
    assert sliders["fees"].value == 0.02
    assert sliders["pool_fee"].value == 0.0
    assert tuple(sliders["miners"].value) == tuple(MINERS)
    for name, (description, unit) in SLIDERS.items():
        assert sliders[name].description == description
        if unit:
            assert f"[{unit}]" in description
    assert explorer.ax.get_xlabel() == "BTC price [USD/BTC]"
    # Margins in the unit of the command line's table, hashprice per PH/s as quoted.
    assert explorer.ax.get_ylabel() == "Margin [USD per TH/s per day]"
    assert "Margin at BTC 87,000 [USD per TH/s per day]" in explorer.table.value
    assert "Hashprice" in explorer.table.value and "USD per PH/s per day" in explorer.table.value
    assert "[USD/kWh]" in explorer.table.value


def test_btc_price_slider_moves_the_price_line_not_the_curves(explorer):
    before = _data(explorer)
    assert_allclose(explorer.price_line.get_xdata(), [87_000, 87_000])
    old_png = explorer.output.outputs[0]["data"]["image/png"]
    explorer.sliders["btc_price"].value = 60_000
    assert_allclose(explorer.price_line.get_xdata(), [60_000, 60_000])
    assert any(text.get_text() == "BTC 60,000" for text in explorer.ax.texts)
    # The price axis is fixed: margin against price does not depend on today's price.
    for old, new in zip(before, _data(explorer), strict=True):
        assert_allclose(new, old)
    assert explorer.output.outputs[0]["data"]["image/png"] != old_png
    assert "Margin at BTC 60,000" in explorer.table.value
    assert explorer.network.btc_price == 60_000


def test_difficulty_and_power_price_move_the_curves_and_breakevens(explorer):
    before = _data(explorer)
    explorer.sliders["difficulty"].value = 180.0
    after_difficulty = _data(explorer)
    assert all(not np.allclose(a, b) for a, b in zip(before, after_difficulty, strict=True))
    assert_allclose(_breakevens(explorer), _expected_breakevens(180e12, 0.05), rtol=1e-12)

    explorer.sliders["power_price"].value = 0.08
    assert all(
        not np.allclose(a, b) for a, b in zip(after_difficulty, _data(explorer), strict=True)
    )
    expected = _expected_breakevens(180e12, 0.08)
    assert_allclose(_breakevens(explorer), expected, rtol=1e-12)
    # Each curve crosses zero at its dot: margin is linear in the price.
    for line, breakeven in zip(explorer.margin_lines, expected, strict=True):
        x, y = (np.asarray(v, float) for v in line.get_data())
        assert_allclose(np.interp(0.0, y, x), breakeven, rtol=1e-9)
    assert "180.00 T" in explorer.ax.get_title()
    assert "0.080 USD/kWh" in explorer.ax.get_title()


def test_fees_and_pool_fee_sliders(explorer):
    explorer.sliders["fees"].value = 0.5
    explorer.sliders["pool_fee"].value = 2.5
    assert explorer.pool_fee == pytest.approx(0.025)
    assert_allclose(
        _breakevens(explorer),
        _expected_breakevens(152.27e12, 0.05, fees=0.5, pool_fee=0.025),
        rtol=1e-12,
    )
    assert "pool fee 2.5%" in explorer.ax.get_title()


def test_machine_selection_changes_the_number_of_lines(explorer):
    assert len(explorer.margin_lines) == 2
    explorer.sliders["miners"].value = ("Antminer S21 XP",)
    assert len(explorer.margin_lines) == 1
    assert len(explorer.breakeven_markers) == 1
    explorer.sliders["miners"].value = ("Antminer S21 XP", "Antminer S21", "Antminer S19")
    assert len(explorer.margin_lines) == 3
    assert explorer.ax.get_legend() is not None
    explorer.sliders["miners"].value = ()
    assert explorer.margin_lines == [] and explorer.breakeven_markers == []
    assert explorer.ax.get_legend() is None
    assert any("Select at least one machine" in t.get_text() for t in explorer.ax.texts)
    assert explorer.table.value == ""


def test_update_sets_several_sliders_with_one_redraw(explorer):
    count = explorer.redraws
    explorer.update(difficulty=140.0, power_price=0.07, miners=["Antminer S19j Pro"])
    assert explorer.redraws == count + 1
    assert [line.get_label() for line in explorer.margin_lines] == ["Antminer S19j Pro"]
    expected = economics.breakeven_btc_price(
        140e12, 29.5, 0.07, fees_per_block=0.02, subsidy=STATE.subsidy
    )
    assert_allclose(_breakevens(explorer), [expected], rtol=1e-12)
    with pytest.raises(KeyError, match="no slider named"):
        explorer.update(hashrate=1.0)


def test_price_axis_widens_to_show_far_breakevens(explorer):
    explorer.update(difficulty=explorer.sliders["difficulty"].max, power_price=0.2)
    far = max(_breakevens(explorer))
    assert far > explorer.sliders["btc_price"].max
    assert explorer.ax.get_xlim()[1] >= far


def test_slider_ranges_surround_the_snapshot():
    ranges = slider_ranges(STATE, 0.05, 0.02)
    starts = {
        "btc_price": 87_000,
        "power_price": 0.05,
        "difficulty": 152.27,
        "fees": 0.02,
        "pool_fee": 2.0,
    }
    for name, (low, high, step) in ranges.items():
        assert low <= starts[name] <= high, name
        assert 0 < step < (high - low) / 50, name
    assert ranges["btc_price"][1] >= 2.5 * 87_000
    assert ranges["difficulty"][0] > 0
    assert ranges["pool_fee"][1] < 100
    # Large starting values widen the ranges.
    wide = slider_ranges(STATE.replace(fees_per_block=3.0), 0.5, 0.3)
    assert wide["fees"][1] >= 12 and wide["power_price"][1] >= 1.5
    assert wide["pool_fee"][1] >= 60


def test_defaults_and_custom_miners():
    explorer = explore()
    assert explorer.base == NetworkState.latest()
    assert len(explorer.margin_lines) == 6
    custom = Miner(name="Prototype", hashrate=300.0, power=2700.0)
    explorer = explore(STATE, miners=[custom, "s21xp"], power_price=0.04, pool_fee=0.01)
    assert "Prototype" in explorer.sliders["miners"].options
    assert set(explorer.sliders["miners"].value) == {"Prototype", "Antminer S21 XP"}
    assert explorer.sliders["pool_fee"].value == pytest.approx(1.0)
    assert explore(STATE, miners="Antminer S21").sliders["miners"].value == ("Antminer S21",)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"power_price": -0.01}, "power_price"),
        ({"power_price": math.nan}, "power_price"),
        ({"power_price": math.inf}, "finite"),
        ({"pool_fee": 1.0}, "pool_fee"),
        ({"miners": []}, "at least one machine"),
        ({"miners": [3]}, "names or Miner"),
        ({"network": STATE.replace(btc_price=0.0)}, "btc_price"),
        ({"network": "latest"}, "NetworkState"),
    ],
)
def test_invalid_arguments(kwargs, message):
    kwargs.setdefault("network", STATE)
    with pytest.raises(ValueError, match=message):
        explore(**kwargs)


def test_unknown_miner_raises_key_error():
    with pytest.raises(KeyError, match="no miner named"):
        explore(STATE, miners=["Antminer X1000"])


def test_missing_ipywidgets_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "ipywidgets" or name.startswith("ipywidgets."):
            raise ImportError("No module named 'ipywidgets'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install minerecon\[explorer\]"):
        explore(STATE)


def test_starting_values_no_slider_can_show_are_refused_by_name():
    # power_price=1e308 made the slider's end infinite (OverflowError in math.ceil);
    # a BTC price of 5e-324 gave a zero step ("math domain error"); network=None an
    # AttributeError.
    with pytest.raises(ValueError, match="power_price"):
        slider_ranges(STATE, 1e308, 0.0)
    with pytest.raises(ValueError, match=r"network\.btc_price"):
        slider_ranges(STATE.replace(btc_price=5e-324), 0.05, 0.0)
    with pytest.raises(ValueError, match="network"):
        slider_ranges(None, 0.05, 0.0)
    with pytest.raises(ValueError, match="power_price"):
        explore(STATE, power_price=1e308)
    with pytest.raises(ValueError, match="miners"):
        explore(STATE, miners=5)  # was TypeError "'int' object is not iterable"


def test_explorer_checks_what_it_is_built_from():
    import ipywidgets

    catalogue = {"Antminer S21": get_miner("Antminer S21")}
    # Were AttributeError (no widgets) and traitlets' TraitError.
    with pytest.raises(TypeError, match="widgets"):
        Explorer(None, STATE, catalogue, [], 0.05, 0.0)
    with pytest.raises(ValueError, match="selected"):
        Explorer(ipywidgets, STATE, catalogue, ["Antminer X1000"], 0.05, 0.0)
    with pytest.raises(ValueError, match="base"):
        Explorer(ipywidgets, None, catalogue, [], 0.05, 0.0)


def test_update_checks_values_before_setting_any(explorer):
    # A text value was traitlets' TraitError, after the sliders before it had moved.
    price = explorer.sliders["btc_price"].value
    with pytest.raises(ValueError, match="power_price"):
        explorer.update(btc_price=60_000.0, power_price="abc")
    assert explorer.sliders["btc_price"].value == price
    with pytest.raises(ValueError, match="miners"):
        explorer.update(miners=["Antminer X1000"])
    # An unknown slider stays a KeyError, and is also a ValueError.
    with pytest.raises(ValueError, match="hashrate"):
        explorer.update(hashrate=1.0)


def test_the_snapshot_is_used_exactly_though_the_sliders_round_it():
    # The browser snaps each slider to its step and sends the value back (BTC
    # 63,022.15 -> 63,000, difficulty 127.48 T -> 127.5): the explorer keeps the
    # snapshot's own values there, so its break-evens are the command line's.
    state = NetworkState("2026-08-16", 962_712, 127_479_855_693_691.5, 63_022.15, 0.01442504)
    explorer = explore(state, miners=MINERS, power_price=0.0537)
    for name, slider in explorer.sliders.items():
        if name != "miners":
            slider.value = slider.min + round((slider.value - slider.min) / slider.step) * (
                slider.step
            )
    assert explorer.sliders["btc_price"].value == 63_000.0
    assert explorer.network == state and explorer.power_price == 0.0537
    table = report.miner_economics(MINERS, network=state, power_price=0.0537)
    assert_allclose(
        sorted(_breakevens(explorer)), sorted(table["breakeven_btc_price_usd"]), rtol=1e-15
    )
    # Moved away from the snapshot, a slider's own value counts.
    explorer.sliders["btc_price"].value = 70_000
    assert explorer.network.btc_price == 70_000.0


def test_labels_show_in_full_and_every_machine_is_in_view(explorer):
    for name, slider in explorer.sliders.items():
        if name != "miners":
            assert slider.tooltip == slider.description == SLIDERS[name][0]
    machines = explorer.sliders["miners"]
    assert machines.rows == len(machines.options)
    # The legend stands beside the chart, out of the way of the price line.
    legend = explorer.ax.get_legend()
    assert legend is not None and legend.get_bbox_to_anchor().x0 > explorer.ax.bbox.x1 - 1
    # The axis reaches past the slider's end: the price line never sits on the frame.
    explorer.sliders["btc_price"].value = explorer.sliders["btc_price"].max
    assert explorer.ax.get_xlim()[1] >= 1.05 * explorer.sliders["btc_price"].max - 1e-6
