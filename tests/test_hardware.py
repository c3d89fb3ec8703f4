"""The ASIC catalogue, Miner, Fleet and site power <-> hashrate."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from minerecon import economics
from minerecon.hardware import (
    Deployment,
    Fleet,
    Miner,
    deployments,
    get_miner,
    list_miners,
    site_hashrate,
    site_power_mw,
)
from minerecon.network import NetworkState

RTOL = 1e-12

# A network built by hand (not NetworkState.latest()): difficulty
# 1e7 * 86400e12 / 2**32 makes one TH/s earn (3.125 + 0.125) * 1e-7 = 3.25e-7
# BTC per day; at 100,000 USD/BTC the hashprice is 0.0325 USD/TH/day.
# Height 925,000 lies in the 3.125 BTC era (840,000 .. 1,049,999).
NETWORK = NetworkState(
    date="2025-11-20",
    height=925_000,
    difficulty=1e7 * 86400e12 / 2**32,
    btc_price=100_000.0,
    fees_per_block=0.125,
)


def test_hand_built_network():
    # subsidy at height 925,000 = 50 / 2**4 = 3.125 BTC; hashprice 100,000 * 3.25e-7
    assert NETWORK.subsidy == 3.125
    assert_allclose(NETWORK.hashprice, 0.0325, rtol=RTOL)


# --------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["Antminer S21 XP", "antminer s21 xp", "ANTMINER-S21-XP", "S21XP", "s21 xp"]
)
def test_get_miner_exact_and_fuzzy_names(name):
    # miners.csv: Antminer S21 XP, 270 TH/s, 3645 W -> 3645 / 270 = 13.5 J/TH
    miner = get_miner(name)
    assert miner.name == "Antminer S21 XP"
    assert miner.hashrate == 270.0
    assert miner.power == 3645.0
    assert_allclose(miner.efficiency, 13.5, rtol=RTOL)
    assert miner.manufacturer == "Bitmain"


@pytest.mark.parametrize(
    ("name", "full"),
    [
        ("s21", "Antminer S21"),  # not S21+, S21 Pro or S21 XP
        ("S21+", "Antminer S21+"),  # '+' is kept in the key
        ("s21 hydro", "Antminer S21 Hydro"),
        ("m60s", "Whatsminer M60S"),
    ],
)
def test_get_miner_short_names_are_not_confused(name, full):
    assert get_miner(name).name == full


def test_get_miner_unknown_name_lists_close_names():
    with pytest.raises(KeyError) as info:
        get_miner("Antminer S23")
    message = info.value.args[0]
    assert "'Antminer S23'" in message
    assert "closest" in message
    assert "Antminer S21" in message


def test_list_miners_dataframe():
    table = list_miners()
    assert isinstance(table, pd.DataFrame)
    assert table.index.name == "name"
    assert table.index.is_unique
    for column in ["manufacturer", "hashrate_th", "power_w", "efficiency_j_per_th", "source"]:
        assert column in table.columns
    assert "as_of" in table.columns  # DESIGN "Data": source and as_of columns
    assert "Antminer S21 XP" in table.index
    # miners.csv row: 270 TH/s, 3645 W
    assert table.loc["Antminer S21 XP", "hashrate_th"] == 270
    assert table.loc["Antminer S21 XP", "power_w"] == 3645


def test_list_miners_efficiency_column_matches_power_over_hashrate():
    # the catalogue rounds efficiency to 0.1 J/TH (and the S19 row, 3250 W / 95 TH/s
    # = 34.2 J/TH, is listed as 34.0): agree within 1 %
    table = list_miners()
    assert_allclose(
        table["efficiency_j_per_th"], table["power_w"] / table["hashrate_th"], rtol=0.01
    )


def test_list_miners_is_a_copy():
    table = list_miners()
    table.loc["Antminer S21 XP", "power_w"] = 1.0
    assert get_miner("Antminer S21 XP").power == 3645.0


# --------------------------------------------------------------------------
# Miner
# --------------------------------------------------------------------------


def test_miner_efficiency():
    # 3500 W / 200 TH/s = 17.5 J/TH (Antminer S21 nameplate)
    assert_allclose(Miner("S21", hashrate=200, power=3500).efficiency, 17.5, rtol=RTOL)


def test_miner_fields_become_float():
    miner = Miner("m", hashrate=200, power=4000)
    assert type(miner.hashrate) is float
    assert type(miner.power) is float


@pytest.mark.parametrize(
    ("hashrate", "power", "field"),
    [
        (0.0, 3000.0, "hashrate"),
        (-100.0, 3000.0, "hashrate"),
        (float("nan"), 3000.0, "hashrate"),
        (100.0, 0.0, "power"),
        (100.0, -1.0, "power"),
    ],
)
def test_miner_validation(hashrate, power, field):
    with pytest.raises(ValueError, match=rf"^{field} must"):
        Miner("bad", hashrate=hashrate, power=power)


def test_miner_daily_margin_hand_value():
    # 200 TH/s at 20 J/TH, 0.05 USD/kWh:
    # margin 0.0325 - 20 * 0.024 * 0.05 = 0.0325 - 0.024 = 0.0085 USD/TH/day;
    # * 200 TH/s = 1.7 USD per machine per day
    miner = Miner("m", hashrate=200, power=4000)
    assert_allclose(miner.margin_per_th(0.05, NETWORK), 0.0085, rtol=1e-11)
    assert_allclose(miner.daily_margin(0.05, NETWORK), 1.7, rtol=1e-11)


def test_miner_breakevens_hand_values():
    # 20 J/TH: break-even BTC price 0.024 / 3.25e-7 = 73,846.15 USD/BTC;
    # break-even power price 0.0325 / 0.48 kWh = 0.0677083 USD/kWh
    miner = Miner("m", hashrate=200, power=4000)
    assert_allclose(miner.breakeven_btc_price(0.05, NETWORK), 0.024 / 3.25e-7, rtol=1e-11)
    assert_allclose(miner.breakeven_power_price(NETWORK), 0.0325 / 0.48, rtol=1e-11)


def test_miner_btc_price_override():
    # btc_price=50,000 halves the hashprice: 0.01625 - 0.024 = -0.00775 USD/TH/day
    miner = Miner("m", hashrate=200, power=4000)
    assert_allclose(miner.margin_per_th(0.05, NETWORK, btc_price=50_000), -0.00775, rtol=1e-11)


# --------------------------------------------------------------------------
# Fleet
# --------------------------------------------------------------------------

S21XP = Miner("Antminer S21 XP", hashrate=270, power=3645)
S19JPRO = Miner("Antminer S19j Pro", hashrate=104, power=3068)


def test_fleet_totals():
    # 19,000 S21 XP + 5,000 S19j Pro (miners.csv):
    # hashrate 19000 * 270 + 5000 * 104 = 5,130,000 + 520,000 = 5,650,000 TH/s
    # power 19000 * 3645 + 5000 * 3068 = 69,255,000 + 15,340,000 = 84,595,000 W
    fleet = Fleet.from_counts({"Antminer S21 XP": 19_000, "Antminer S19j Pro": 5_000})
    assert fleet.count == 24_000
    assert_allclose(fleet.hashrate, 5_650_000.0, rtol=RTOL)
    assert_allclose(fleet.power, 84_595_000.0, rtol=RTOL)
    assert_allclose(fleet.power_mw, 84.595, rtol=RTOL)
    # 84,595,000 W / 5,650,000 TH/s = 14.9726 J/TH
    assert_allclose(fleet.efficiency, 14.972566371681417, rtol=RTOL)


def test_fleet_efficiency_is_hashrate_weighted():
    # sum(H_i * eps_i) / sum(H_i) = sum(P_i) / sum(H_i): weights 5.13e6 and 5.2e5 TH/s
    fleet = Fleet(((S21XP, 19_000), (S19JPRO, 5_000)))
    weighted = (5_130_000 * 13.5 + 520_000 * (3068 / 104)) / 5_650_000
    assert_allclose(fleet.efficiency, weighted, rtol=RTOL)
    assert_allclose(fleet.efficiency, fleet.power / fleet.hashrate, rtol=RTOL)


def test_fleet_from_counts_names_and_objects_agree():
    by_name = Fleet.from_counts({"s21xp": 10, "Antminer S19j Pro": 3})
    by_object = Fleet.from_counts({S21XP: 10, S19JPRO: 3})
    by_pairs = Fleet.from_counts([("S21 XP", 10), (S19JPRO, 3)])
    for fleet in (by_object, by_pairs):
        assert fleet.count == by_name.count == 13
        assert_allclose(fleet.hashrate, by_name.hashrate, rtol=RTOL)
        assert_allclose(fleet.power, by_name.power, rtol=RTOL)
    # 10 * 270 + 3 * 104 = 3012 TH/s
    assert_allclose(by_name.hashrate, 3012.0, rtol=RTOL)


@pytest.mark.parametrize("counts", [{}, [], {"Antminer S21 XP": 0}, {S21XP: 0, S19JPRO: 0}])
def test_empty_or_all_zero_fleet_rejected(counts):
    with pytest.raises(ValueError, match=r"(counts must name at least one|groups must hold)"):
        Fleet.from_counts(counts)


def test_negative_count_rejected():
    with pytest.raises(ValueError, match="groups count of Antminer S21 XP"):
        Fleet(((S21XP, -1),))


@pytest.mark.parametrize("count", [1.5, "3", None])
def test_fractional_or_non_numeric_count_rejected(count):
    # int(1.5) would have floored a fleet to one machine without a word
    with pytest.raises(ValueError, match="groups count of Antminer S21 XP"):
        Fleet(((S21XP, count),))
    with pytest.raises(ValueError, match="counts of Antminer S21 XP"):
        Fleet.from_counts({"Antminer S21 XP": count})


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: Fleet(5), "groups must be a tuple"),
        (lambda: Fleet(((S21XP,),)), "groups must hold"),
        (lambda: Fleet.from_counts({"Antminer S99": 3}), "counts must name a catalogue machine"),
        (lambda: Fleet.from_counts(7), "counts must map"),
        (lambda: Deployment("Antminer S99", 3), "miner must name a catalogue machine"),
        (lambda: get_miner(3), "name must be a machine name"),
        (lambda: Miner(5, 200, 3500), "name must be a string"),
        (lambda: Miner("rig", [200.0], 3500), "hashrate must be a real number"),
        (lambda: Miner("rig", 200, 3500, release_year=2024.5), "release_year"),
    ],
)
def test_bad_machines_raise_naming_the_argument(call, match):
    # each of these raised KeyError, TypeError or nothing before
    with pytest.raises(ValueError, match=match):
        call()


def test_fleet_rejects_non_miner():
    with pytest.raises(ValueError, match="Miner"):
        Fleet((("Antminer S21 XP", 3),))


def test_fleet_daily_margin_hand_value():
    # one S21 XP (270 TH/s, 13.5 J/TH) and two 200 TH/s 20 J/TH machines at
    # 0.05 USD/kWh: 270 * (0.0325 - 0.0162) + 2 * 200 * (0.0325 - 0.024)
    # = 4.401 + 3.4 = 7.801 USD per day
    fleet = Fleet(((S21XP, 1), (Miner("m", 200, 4000), 2)))
    assert_allclose(fleet.daily_margin(0.05, NETWORK), 7.801, rtol=1e-11)


def test_fleet_cost_per_btc_leaves_idle_machines_out_by_hand():
    # Difficulty 150 T, 3.125 BTC a block, no fees: one TH/s mines
    # 86,400 * 1e12 / (150e12 * 2**32) * 3.125 = 4.19095e-7 BTC a day. At 0.07 USD/kWh
    # the S21 XP (13.5 J/TH) spends 0.3240 kWh = 0.02268 USD per TH/s-day, 54,117 USD
    # a BTC; the S19j Pro (29.5 J/TH) 0.04956 USD, 118,257 USD a BTC, above the BTC
    # price of 90,000: it stands idle.
    state = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
    fleet = Fleet.from_counts({"Antminer S21 XP": 1000, "Antminer S19j Pro": 1000})
    mined = 86_400 * 1e12 / (150e12 * 2**32) * 3.125
    assert_allclose(fleet.cost_per_btc(0.07, state), 0.02268 / mined, rtol=1e-12)
    # Every machine running: (270 * 0.02268 + 104 * 0.04956) / (374 * mined) = 71,952.
    everyone = (270 * 0.02268 + 104 * 0.04956) / (374 * mined)
    assert_allclose(fleet.cost_per_btc(0.07, state, switch_off=False), everyone, rtol=1e-12)
    assert_allclose(
        economics.cash_cost_per_btc(150e12, fleet.efficiency, 0.07, subsidy=3.125),
        everyone,
        rtol=1e-12,
    )
    # Over power prices: both run at 0.03 USD/kWh, none at 0.20 (nan: no BTC mined).
    costs = fleet.cost_per_btc(np.array([0.03, 0.07, 0.20]), state)
    assert_allclose(costs[:2], [everyone * 0.03 / 0.07, 0.02268 / mined], rtol=1e-12)
    assert np.isnan(costs[2])
    with pytest.raises(ValueError, match="switch_off must be True or False"):
        fleet.cost_per_btc(0.07, state, switch_off="no")


@settings(max_examples=100, deadline=None)
@given(
    power_price=st.floats(0.0, 0.3),
    counts=st.lists(st.integers(0, 50_000), min_size=1, max_size=4).filter(lambda c: sum(c) > 0),
    pue=st.floats(1.0, 1.5),
    uptime=st.floats(0.5, 1.0),
    pool_fee=st.floats(0.0, 0.05),
    other_opex=st.floats(0.0, 0.02),
)
def test_fleet_margin_is_sum_of_group_margins(
    power_price, counts, pue, uptime, pool_fee, other_opex
):
    # margin is linear in efficiency, so sum_i n_i * H_i * m(eps_i) = H * m(P / H)
    models = [
        S21XP,
        S19JPRO,
        get_miner("Antminer S9"),
        get_miner("Whatsminer M66S"),
    ]
    groups = tuple(zip(models, counts, strict=False))  # counts has at most 4 entries
    kwargs = {"pue": pue, "uptime": uptime, "pool_fee": pool_fee, "other_opex": other_opex}
    fleet = Fleet(groups)
    parts = [miner.daily_margin(power_price, NETWORK, **kwargs) * n for miner, n in groups]
    # scale: gross revenue plus energy cost of the whole fleet per day
    scale = fleet.hashrate * 0.0325 + fleet.power * 0.024e-3 * 1.5 * power_price
    assert_allclose(
        fleet.daily_margin(power_price, NETWORK, **kwargs), sum(parts), atol=1e-9 * scale
    )


@settings(max_examples=50, deadline=None)
@given(power_price=st.floats(0.0, 0.3), n1=st.integers(1, 10_000), n2=st.integers(0, 10_000))
def test_fleet_breakeven_btc_price_zeroes_fleet_margin(power_price, n1, n2):
    fleet = Fleet(((S21XP, n1), (S19JPRO, n2)))
    price = fleet.breakeven_btc_price(power_price, NETWORK, pool_fee=0.02, other_opex=0.001)
    margin = fleet.daily_margin(
        power_price, NETWORK, btc_price=price, pool_fee=0.02, other_opex=0.001
    )
    cost = fleet.hashrate * (fleet.efficiency * 0.024 * power_price + 0.001)
    assert_allclose(margin, 0.0, atol=1e-9 * cost)


def test_fleet_breakeven_power_price_zeroes_fleet_margin():
    fleet = Fleet(((S21XP, 100), (S19JPRO, 40)))
    price = fleet.breakeven_power_price(NETWORK)
    # 0.0325 USD/TH/day / (fleet efficiency * 0.024 kWh)
    assert_allclose(price, 0.0325 / (fleet.efficiency * 0.024), rtol=1e-11)
    assert_allclose(fleet.daily_margin(price, NETWORK), 0.0, atol=1e-12 * fleet.hashrate)


# --------------------------------------------------------------------------
# Site power and hashrate
# --------------------------------------------------------------------------


def test_site_power_cleanspark():
    # CleanSpark, 2025-09-30 (published_figures.json "cleanspark_fy25_fleet_snapshot"):
    # 45.6 EH/s = 45.6e6 TH/s at 16.7 J/TH: 45.6e6 * 16.7 / 1e6 = 761.52 MW
    assert_allclose(site_power_mw(45.6e6, 16.7), 761.52, rtol=RTOL)


def test_site_hashrate_cleanspark():
    # 761.52 MW * 1e6 / 16.7 J/TH = 45.6e6 TH/s
    assert_allclose(site_hashrate(761.52, 16.7), 45.6e6, rtol=RTOL)


def test_site_hashrate_with_pue():
    # 100 MW at the meter, PUE 1.25, 13.5 J/TH: 1e8 / (13.5 * 1.25) = 5,925,925.9 TH/s
    assert_allclose(site_hashrate(100.0, 13.5, pue=1.25), 1e8 / 16.875, rtol=RTOL)
    # and back: 5,925,925.9 TH/s * 13.5 * 1.25 / 1e6 = 100 MW
    assert_allclose(site_power_mw(1e8 / 16.875, 13.5, pue=1.25), 100.0, rtol=RTOL)


@settings(max_examples=100, deadline=None)
@given(
    power_mw=st.floats(0.0, 5_000.0),
    efficiency=st.floats(5.0, 120.0),
    pue=st.floats(1.0, 1.5),
)
def test_site_power_hashrate_round_trip(power_mw, efficiency, pue):
    hashrate = site_hashrate(power_mw, efficiency, pue=pue)
    assert_allclose(site_power_mw(hashrate, efficiency, pue=pue), power_mw, rtol=1e-12)


def test_site_power_of_fleet_matches_fleet_power():
    # a fleet's machine power equals site_power_mw at its weighted efficiency
    fleet = Fleet(((S21XP, 19_000), (S19JPRO, 5_000)))
    assert_allclose(site_power_mw(fleet.hashrate, fleet.efficiency), fleet.power_mw, rtol=RTOL)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"hashrate": -1.0, "efficiency": 16.7}, "hashrate"),
        ({"hashrate": 1.0, "efficiency": 0.0}, "efficiency"),
        ({"hashrate": 1.0, "efficiency": 16.7, "pue": 0.9}, "pue"),
    ],
)
def test_site_power_rejects_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=rf"^{re.escape(name)} must"):
        site_power_mw(**kwargs)


def test_site_power_array():
    # [10, 20] EH/s at 20 J/TH -> [200, 400] MW
    assert_allclose(site_power_mw(np.array([10e6, 20e6]), 20.0), [200.0, 400.0], rtol=RTOL)


def test_fleet_daily_margin_matches_functions():
    # the Fleet method is margin_per_th at the weighted efficiency times hashrate
    fleet = Fleet(((S21XP, 7), (S19JPRO, 3)))
    expected = (
        economics.margin_per_th(
            NETWORK.btc_price,
            NETWORK.difficulty,
            fleet.efficiency,
            0.06,
            fees_per_block=NETWORK.fees_per_block,
            subsidy=NETWORK.subsidy,
        )
        * fleet.hashrate
    )
    assert_allclose(fleet.daily_margin(0.06, NETWORK), expected, rtol=1e-12)


# --------------------------------------------------------------------------
# Deployment.delivery: whole days from the start, or a date
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delivery", "days"),
    [
        (0, 0),
        (30, 30),
        (30.0, 30),  # a whole float is a number of days, not a 1970 date
        (np.int16(30), 30),
        (np.float32(30), 30),
        # dates: 30 days after 2026-01-01 is 2026-01-31 (hand count)
        ("2026-01-31", 30),
        (pd.Timestamp("2026-01-31 18:00"), 30),
        (np.datetime64("2026-01-31"), 30),
        (pd.Timestamp("2026-01-31", tz="UTC"), 30),
    ],
)
def test_delivery_is_days_from_the_start_or_a_date(delivery, days):
    deployment = Deployment("Antminer S21", 1, delivery=delivery)
    assert deployment.delivery_day("2026-01-01") == days
    if not isinstance(delivery, str | pd.Timestamp | np.datetime64):
        assert deployment.delivery == days and isinstance(deployment.delivery, int)


@pytest.mark.parametrize(
    "delivery",
    [
        1.5,
        0.001,
        -1,
        -1.0,
        np.nan,
        np.inf,
        True,
        np.True_,
        None,
        "",
        "NaT",
        "soon",
        np.timedelta64(3, "D"),
    ],
)
def test_delivery_that_is_neither_whole_days_nor_a_date_is_refused(delivery):
    # delivery=1.5 was read by pandas as 1.5 ns after 1970-01-01.
    with pytest.raises(ValueError, match=r"^delivery must be a whole number of days >= 0"):
        Deployment("Antminer S21", 1, delivery=delivery)


def test_delivery_date_before_the_start_is_refused():
    deployment = Deployment("Antminer S21", 1, delivery="2025-12-31")
    with pytest.raises(ValueError, match=r"^delivery 2025-12-31 is before the start 2026-01-01"):
        deployment.delivery_day("2026-01-01")


@pytest.mark.parametrize("fleet", [None, 5, "Antminer S21", {"Antminer S21": 1}, []])
def test_deployments_refuses_what_is_not_a_fleet(fleet):
    with pytest.raises(ValueError, match=r"^fleet must be a Fleet, a Deployment"):
        deployments(fleet)
