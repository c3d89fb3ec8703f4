"""Per-machine tables behind ``minerecon report``."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from minerecon import economics, energy, network, report
from minerecon.hardware import Miner, list_miners
from minerecon.network import NetworkState

STATE = NetworkState(
    date="2025-11-03",
    height=921_000,
    difficulty=155.97e12,
    btc_price=106_935,
    fees_per_block=network.fees_from_share(0.0062),
)


def test_table_covers_the_catalogue_sorted_by_efficiency():
    table = report.miner_economics(network=STATE)
    assert set(table.index) == set(list_miners().index)
    assert table["efficiency_j_per_th"].is_monotonic_increasing
    assert list(table.columns) == list(report.COLUMNS)


def test_table_rows_equal_the_core_functions():
    kwargs = {"pool_fee": 0.025, "pue": 1.08, "uptime": 0.97, "other_opex": 0.002}
    table = report.miner_economics(network=STATE, power_price=0.06, **kwargs)
    efficiency = table["efficiency_j_per_th"].to_numpy()
    reward = {"fees_per_block": STATE.fees_per_block, "subsidy": 3.125}
    assert_allclose(
        table["margin_usd_per_th_day"],
        economics.margin_per_th(106_935, 155.97e12, efficiency, 0.06, **reward, **kwargs),
        rtol=1e-12,
    )
    assert_allclose(
        table["energy_cost_usd_per_th_day"],
        energy.energy_cost_per_th(efficiency, 0.06, pue=1.08, uptime=0.97),
        rtol=1e-12,
    )
    assert_allclose(
        table["breakeven_power_price_usd_per_kwh"],
        economics.breakeven_power_price(106_935, 155.97e12, efficiency, **reward, **kwargs),
        rtol=1e-12,
    )
    assert_allclose(
        table["margin_usd_per_machine_day"],
        table["margin_usd_per_th_day"] * table["hashrate_th"],
        rtol=1e-12,
    )
    # Hashrate Index Roundup 2025-11-03 published 43.33 USD/PH/day for these inputs.
    assert_allclose(table.attrs["hashprice_usd_per_ph_day"], 43.33, rtol=0.01)


def test_custom_miner_and_breakeven_summary():
    prototype = Miner("Prototype", hashrate=500, power=5000)
    summary = report.breakeven_summary(prototype, network=STATE, power_price=0.04)
    assert summary["miner"] == "Prototype"
    assert_allclose(summary["efficiency_j_per_th"], 10.0)
    # The break-even difficulty makes the margin zero at today's price.
    margin = economics.margin_per_th(
        106_935,
        summary["breakeven_difficulty"],
        10.0,
        0.04,
        fees_per_block=STATE.fees_per_block,
    )
    assert_allclose(margin, 0.0, atol=1e-15)
    # Shutdown hashprice: 10 J/TH * 24 / 1000 * 0.04 USD/kWh = 0.0096 USD/TH/day = 9.6 USD/PH/day.
    assert_allclose(summary["shutdown_hashprice_usd_per_ph_day"], 9.6, rtol=1e-12)


def test_bad_machines_and_network_are_named():
    # network as a date string and miners=[None] were AttributeErrors; miners=[]
    # silently gave the whole catalogue.
    with pytest.raises(ValueError, match="network"):
        report.miner_economics(network="2025-11-20")
    for miners in ([None], [], 5):
        with pytest.raises(ValueError, match="miners"):
            report.miner_economics(miners, network=STATE)
    with pytest.raises(ValueError, match="miner"):
        report.breakeven_summary(3, network=STATE)
    # An array power price met the index of the table: "Length of values (2) does
    # not match length of index (1)".
    with pytest.raises(ValueError, match="power_price"):
        report.miner_economics(["Antminer S21"], network=STATE, power_price=[0.1, 0.2])
    # One name is a list of one.
    assert list(report.miner_economics("Antminer S21", network=STATE).index) == ["Antminer S21"]
