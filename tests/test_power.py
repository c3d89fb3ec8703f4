"""Mining against interval power prices (minerecon.power)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from minerecon import economics, power


def test_revenue_per_mwh_is_the_breakeven_power_price():
    # The price per MWh above which a machine loses money is the economics
    # break-even power price in USD/kWh, times 1,000 (same hashprice, PUE, fee).
    hashprice = economics.revenue_per_th(90_000, 150e12, fees_per_block=0.02)
    for efficiency, pue, fee in ((13.5, 1.0, 0.0), (17.5, 1.1, 0.02), (29.5, 1.05, 0.01)):
        gross = economics.revenue_per_th(90_000, 150e12, fees_per_block=0.02) * (1 - fee)
        breakeven = economics.breakeven_power_price(
            90_000, 150e12, efficiency, fees_per_block=0.02, pue=pue, pool_fee=fee
        )
        assert_allclose(power.revenue_per_mwh(hashprice, efficiency, pue=pue, pool_fee=fee),
                        1000 * breakeven, rtol=1e-12)  # fmt: skip
        assert gross > 0


def test_curtail_by_hand():
    # Hours at 30, 80, 200, -10 USD/MWh; mining earns 100 USD/MWh with a 5 USD/MWh
    # variable cost on 10 MW for 15-minute intervals (2.5 MWh each). It runs when
    # 100 > p + 5: the first, second and last intervals.
    result = power.curtail([30.0, 80.0, 200.0, -10.0], 100.0, load_mw=10.0,
                           interval_hours=0.25, variable_cost=5.0)  # fmt: skip
    assert result.uptime == 0.75
    assert result.energy_mwh == 7.5
    assert_allclose(result.power_cost, 2.5 * (30 + 80 - 10))
    assert_allclose(result.average_price, 100 / 3)
    assert_allclose(result.revenue, 7.5 * 100)
    # margins per interval: 65, 15, -105 (off), 105
    assert_allclose(result.margin, 2.5 * (65 + 15 + 105))
    assert_allclose(result.always_on_margin, 2.5 * (65 + 15 - 105 + 105))
    assert_allclose(result.flexibility_value, 2.5 * 105)


def test_curtail_broadcasts_over_paths_and_machines():
    # Two paths of three hours, two machines (revenue per MWh as a column).
    prices = np.array([[10.0, 60.0, 90.0], [70.0, 20.0, 150.0]])
    result = power.curtail(prices[None, :, :], np.array([[[50.0]], [[100.0]]]))
    assert result.energy_mwh.shape == (2, 2)
    assert_allclose(result.energy_mwh, [[1.0, 1.0], [3.0, 2.0]])
    # Flexibility is never negative, and nothing bought gives no average price.
    assert (np.asarray(result.flexibility_value) >= 0).all()
    idle = power.curtail([100.0, 200.0], 50.0)
    assert idle.energy_mwh == 0.0 and np.isnan(idle.average_price)


@pytest.mark.parametrize(
    ("revenue", "mean", "spread"), [(100.0, 50.0, 0.8), (40.0, 50.0, 1.2), (60.0, 55.0, 0.3)]
)
def test_expected_margin_lognormal_matches_curtailment(revenue, mean, spread):
    # E[max(R - p, 0)] per MWh: the closed form against curtail on simulated
    # lognormal hours with mean m (a law of the closed form).
    z = np.random.default_rng(5).standard_normal(1_000_000)
    prices = mean * np.exp(spread * z - spread**2 / 2)
    simulated = power.curtail(prices, revenue).margin / prices.size
    closed = power.expected_margin(revenue, mean, spread)
    assert abs(simulated - closed) < 4 * np.maximum(revenue - prices, 0).std() / 1_000


def test_expected_margin_uniform_by_hand():
    # Prices uniform on [20, 80]: R = 70 gives (70 - 20)^2 / (2 * 60) = 20.83;
    # R = 90 above the range gives 90 - 50; R = 10 below gives 0.
    assert_allclose(power.expected_margin(70.0, 50.0, 30.0, distribution="uniform"), 2500 / 120)
    assert power.expected_margin(90.0, 50.0, 30.0, distribution="uniform") == 40.0
    assert power.expected_margin(10.0, 50.0, 30.0, distribution="uniform") == 0.0
    # No spread: the deterministic margin.
    assert power.expected_margin(70.0, 50.0, 0.0) == 20.0


def test_expected_margin_keeps_the_kind():
    index = pd.date_range("2026-01-01", periods=3, name="date")
    revenue = pd.Series([40.0, 80.0, 120.0], index=index)
    result = power.expected_margin(revenue, 50.0, 0.5)
    assert isinstance(result, pd.Series) and (result.index == index).all()
    assert result.is_monotonic_increasing


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: power.curtail([], 10.0), "prices must hold at least one interval"),
        (lambda: power.curtail([1.0, np.nan], 10.0), "prices must"),
        (lambda: power.curtail([[1.0, 2.0]], [1.0, 2.0, 3.0]), "revenue must broadcast"),
        (lambda: power.curtail([1.0], -1.0), "revenue must be in"),
        (lambda: power.curtail([1.0], 1.0, interval_hours=0), "interval_hours must be in"),
        (lambda: power.curtail([1.0], 1.0, load_mw=-1), "load_mw must be in"),
        (lambda: power.expected_margin(1.0, 0.0, 0.5), "mean_price must be in"),
        (lambda: power.expected_margin(1.0, 1.0, 0.5, distribution="x"), "distribution must"),
        (lambda: power.revenue_per_mwh(0.04, 0.0), "efficiency must be in"),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------
# Minimum times and restart costs
# --------------------------------------------------------------------------


def test_minimum_times_by_hand():
    # Mining earns 100 USD/MWh; hourly prices below. Without constraints the
    # site is off in hours 2 and 4 (price above 100).
    prices = [50.0, 150.0, 60.0, 130.0, 40.0, 40.0]
    free = power.curtail(prices, 100.0)
    assert free.uptime == 4 / 6 and free.starts == 2
    # Off at least 2 hours: stops in hour 1, stays off in hour 2 (60, a
    # margin of 40 lost), restarts in hour 3? No: hour 3 costs 130, so it
    # stays off, and restarts in hour 4. Margins: 50 + 60 + 60 = 170.
    held = power.curtail(prices, 100.0, min_off_hours=2)
    assert held.uptime == 3 / 6 and held.starts == 1
    assert_allclose(held.margin, 50 + 60 + 60)
    # On at least 3 hours once restarted: after stopping in hour 1 it
    # restarts in hour 2 and must run hours 2-4, paying 130 in hour 3.
    # Margins: 50 + 40 - 30 + 60 + 60 = 180.
    kept = power.curtail(prices, 100.0, min_on_hours=3)
    assert kept.uptime == 5 / 6 and kept.starts == 1
    assert_allclose(kept.margin, 50 + 40 - 30 + 60 + 60)
    # 15-minute intervals: 0.5 h rounds up to two intervals.
    assert_allclose(power.curtail(prices, 100.0, min_off_hours=0.5, interval_hours=0.25).margin,
                    0.25 * (50 + 60 + 60))  # fmt: skip


def test_restart_cost_by_hand():
    # Restart cost 30 USD/MW on 2 MW: a stopped site restarts only in an hour
    # whose margin per MWh exceeds 30 (hour 2's 40 does; a margin of 20 would not).
    prices = [50.0, 150.0, 60.0, 80.0]
    result = power.curtail(prices, 100.0, load_mw=2.0, restart_cost=30.0)
    assert result.starts == 1
    assert_allclose(result.margin, 2 * (50 + 40 + 20) - 2 * 30)
    lazy = power.curtail([50.0, 150.0, 80.0, 60.0], 100.0, load_mw=2.0, restart_cost=30.0)
    assert lazy.starts == 1 and lazy.uptime == 0.5  # skips the hour worth 20, restarts at 40
    # A restart cost of zero with no minimum times is the free rule.
    rng = np.random.default_rng(3)
    paths = rng.lognormal(4.0, 0.7, (5, 200))
    assert_allclose(power.curtail(paths, 60.0, min_on_hours=1).margin,
                    power.curtail(paths, 60.0).margin)  # fmt: skip


def test_constraints_never_beat_the_free_rule():
    # A law: the free rule takes every positive margin and no negative one,
    # so no constrained rule earns more.
    rng = np.random.default_rng(11)
    prices = rng.lognormal(3.6, 0.9, (20, 500))
    free = power.curtail(prices, 55.0).margin
    for kwargs in ({"min_on_hours": 4}, {"min_off_hours": 3}, {"restart_cost": 10.0}):
        assert (power.curtail(prices, 55.0, **kwargs).margin <= free + 1e-9).all()


# --------------------------------------------------------------------------
# Price inputs
# --------------------------------------------------------------------------

# The header of ERCOT's real-time settlement point price files (NP6-905-CD)
# and of its day-ahead files (NP4-190-CD), as published.
RTM_HEADER = (
    '"Delivery Date","Delivery Hour","Delivery Interval","Repeated Hour Flag",'
    '"Settlement Point Name","Settlement Point Type","Settlement Point Price"'
)
DAM_HEADER = (
    '"Delivery Date","Hour Ending","Repeated Hour Flag","Settlement Point",'
    '"Settlement Point Price"'
)


def test_read_ercot_real_time_across_the_fall_back(tmp_path):
    # 2025-11-02: clocks fall back at 2 am Central; hour ending 2 repeats,
    # the second pass flagged Y. Two points; one quarter hour each.
    rows = [RTM_HEADER]
    for hour, flag, price in ((1, "N", 20.0), (2, "N", 21.0), (2, "Y", 22.0), (3, "N", 23.0)):
        for quarter in (1, 2):
            rows.append(f'"11/02/2025","{hour}","{quarter}","{flag}","HB_NORTH","HU",'
                        f'"{price + quarter / 10}"')  # fmt: skip
            rows.append(f'"11/02/2025","{hour}","{quarter}","{flag}","HB_WEST","HU","-5"')
    path = tmp_path / "cdr.00012301.csv"
    path.write_text("\n".join(rows) + "\n")
    prices = power.read_ercot(path)
    assert prices.name == "HB_NORTH" and prices.attrs["unit"] == "USD/MWh"
    assert str(prices.index.tz) == power.ERCOT_TIMEZONE
    # Eight quarter hours in UTC order: 05:00, 05:15 (CDT = UTC-5), 06:00,
    # 06:15 (1 am CDT), 07:00, 07:15 (1 am CST, the repeat), 08:00, 08:15.
    utc = prices.index.tz_convert("UTC").strftime("%H:%M").tolist()
    assert utc == ["05:00", "05:15", "06:00", "06:15", "07:00", "07:15", "08:00", "08:15"]
    assert prices.tolist() == [20.1, 20.2, 21.1, 21.2, 22.1, 22.2, 23.1, 23.2]
    assert (power.read_ercot(path, "HB_WEST") == -5.0).all()
    with pytest.raises(KeyError, match=r"HB_HOUSTON.*HB_NORTH"):
        power.read_ercot(path, "HB_HOUSTON")


def test_read_ercot_day_ahead_and_api_headers():
    # Day-ahead: "HH:00" hour ending; 24:00 is the last hour of the day.
    dam = pd.DataFrame(
        [
            ["01/15/2025", "01:00", "N", "HB_NORTH", 31.5],
            ["01/15/2025", "24:00", "N", "HB_NORTH", 28.0],
        ],
        columns=DAM_HEADER.replace('"', "").split(","),
    )
    prices = power.read_ercot(dam)
    assert prices.index.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2025-01-15 00:00",
        "2025-01-15 23:00",
    ]
    # The API's headers: no spaces, DSTFlag for the repeated hour.
    api = pd.DataFrame({"DeliveryDate": ["03/09/2025"] * 2, "DeliveryHour": [1, 4],
                        "DeliveryInterval": [4, 1], "SettlementPointName": ["LZ_WEST"] * 2,
                        "SettlementPointType": ["LZ"] * 2, "SettlementPointPrice": [12.0, 15.0],
                        "DSTFlag": [False, False]})  # fmt: skip
    # 2025-03-09: clocks spring forward at 2 am, so the day has no hour ending 3
    # (2 to 3 am); hour ending 4 starts at 3 am CDT.
    west = power.read_ercot(api, "LZ_WEST")
    assert west.index.strftime("%H:%M %Z").tolist() == ["00:45 CST", "03:00 CDT"]
    with pytest.raises(ValueError, match="not an ERCOT"):
        power.read_ercot(pd.DataFrame({"price": [1.0]}))
    api.loc[1, "DeliveryHour"] = 3
    with pytest.raises(ValueError, match="2025-03-09 02:00"):
        power.read_ercot(api, "LZ_WEST")


def test_from_gridstatus_frame():
    # The columns gridstatus returns for Ercot().get_spp().
    start = pd.date_range("2025-06-01", periods=3, freq="15min", tz=power.ERCOT_TIMEZONE)
    frame = pd.DataFrame({"Time": start, "Interval Start": start,
                          "Interval End": start + pd.Timedelta("15min"),
                          "Location": ["HB_NORTH", "HB_WEST", "HB_NORTH"],
                          "Location Type": "Trading Hub", "Market": "REAL_TIME_15_MIN",
                          "SPP": [25.0, -3.0, 27.5]})  # fmt: skip
    north = power.from_gridstatus(frame, "HB_NORTH")
    assert north.tolist() == [25.0, 27.5] and north.index[1] == start[2]
    with pytest.raises(ValueError, match="2 locations"):
        power.from_gridstatus(frame)
    with pytest.raises(KeyError, match="HB_PAN"):
        power.from_gridstatus(frame, "HB_PAN")


def test_time_of_use_tariff_by_hand():
    # Summer weekday 14:00-18:59 at 120, winter mornings 6-8 at 70, else 45.
    tariff = power.TimeOfUse(45.0, (
        power.TariffPeriod(120.0, tuple(range(14, 19)), tuple(range(5)), (6, 7, 8, 9)),
        power.TariffPeriod(70.0, (6, 7, 8), months=(12, 1, 2)),
    ))  # fmt: skip
    hours = pd.date_range("2026-07-03", periods=48, freq="h", tz=power.ERCOT_TIMEZONE)
    rates = tariff.prices(hours)
    # Friday 3 July: five on-peak hours; Saturday none.
    assert rates.iloc[:24].tolist() == [45.0] * 14 + [120.0] * 5 + [45.0] * 5
    assert (rates.iloc[24:] == 45.0).all()
    january = tariff.prices(pd.date_range("2026-01-10", periods=24, freq="h"))
    assert january.iloc[6:9].tolist() == [70.0] * 3 and january.sum() == 21 * 45 + 3 * 70
    with pytest.raises(ValueError, match="hours"):
        power.TariffPeriod(10.0, (24,))


# --------------------------------------------------------------------------
# Hourly price model
# --------------------------------------------------------------------------


def test_ercot_default_reproduces_its_calibration_targets():
    # The default's three sourced figures (Potomac Economics, 2017 State of
    # the Market): mean 28.25 USD/MWh, 3.5 hours above 1,000, 36 negative
    # hours a year. 400 simulated years.
    model = power.ercot_price_model()
    prices = model.simulate("2026-01-01", 8760, 400, seed=2017)
    years = prices.shape[0]
    yearly_means = prices.mean(axis=1)
    assert abs(yearly_means.mean() - 28.25) < 4 * yearly_means.std() / np.sqrt(years)
    above = (prices > 1000).sum(axis=1)
    assert abs(above.mean() - 3.5) < 4 * above.std() / np.sqrt(years)
    negative = (prices < 0).sum(axis=1)
    assert abs(negative.mean() - 36.0) < 4 * negative.std() / np.sqrt(years)
    assert prices.max() <= power.ERCOT_OFFER_CAP and "2017" in model.source


def test_price_paths_do_not_depend_on_chunks_or_threads():
    import numba

    model = power.ercot_price_model()
    whole = model.simulate("2026-03-01", 24 * 40, 450, seed=9)
    part = model.simulate("2026-03-01", 24 * 40, 450, seed=9, paths=slice(170, 430))
    np.testing.assert_array_equal(part, whole[170:430])
    threads = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        np.testing.assert_array_equal(model.simulate("2026-03-01", 24 * 40, 450, seed=9), whole)
    finally:
        numba.set_num_threads(threads)
    assert not np.array_equal(whole[0], whole[1])  # paths differ


def test_fit_recovers_the_parameters_of_a_simulated_series():
    # Thirty years from a model with a daily and seasonal profile: the
    # moment estimators of PowerPriceModel.fit come back within sampling error.
    hours = np.arange(24)
    profile = (1 + 0.3 * np.sin(2 * np.pi * (hours - 8) / 24))[None, :] * (
        1 + 0.2 * np.cos(2 * np.pi * np.arange(12) / 12)
    )[:, None]
    truth = power.PowerPriceModel(mean_price=40.0, offset=10.0, daily_volatility=0.3,
                                  daily_half_life=4.0, hourly_volatility=0.3,
                                  hourly_persistence=0.8, spike_rate=0.002,
                                  spike_persistence=0.6, spike_median=1500.0,
                                  spike_dispersion=0.4, profile=profile)  # fmt: skip
    index = truth.hours("2000-01-01", 24 * 365 * 30)
    series = pd.Series(truth.simulate("2000-01-01", index.size, seed=4)[0], index=index)
    fitted = power.PowerPriceModel.fit(series, offset=10.0)
    assert_allclose(fitted.hourly_volatility, 0.3, rtol=0.05)
    assert_allclose(fitted.hourly_persistence, 0.8, atol=0.02)
    assert_allclose(fitted.daily_volatility, 0.3, rtol=0.1)
    assert_allclose(fitted.daily_half_life, 4.0, rtol=0.2)
    assert_allclose(fitted.spike_persistence, 0.6, atol=0.05)
    assert_allclose(fitted.spike_median, 1500.0, rtol=0.05)
    assert_allclose(fitted.spike_dispersion, 0.4, rtol=0.1)
    # Spike starts per hour outside spikes, at the profile's average weight.
    assert_allclose(fitted.spike_rate, 0.002, rtol=0.1)
    assert np.abs(fitted.profile - truth.profile).mean() < 0.03
    assert_allclose(fitted.mean_price, series[series <= 300].mean())
    with pytest.raises(ValueError, match="14 days"):
        power.PowerPriceModel.fit(series.iloc[:100])


def test_model_rejects_bad_parameters():
    with pytest.raises(ValueError, match="hourly_persistence"):
        power.PowerPriceModel(30.0, hourly_persistence=1.0)
    with pytest.raises(ValueError, match="profile"):
        power.PowerPriceModel(30.0, profile=np.ones((24, 12)))
    with pytest.raises(ValueError, match="mean_price"):
        power.PowerPriceModel(-20.0, offset=10.0)
    with pytest.raises(ValueError, match="paths"):
        power.ercot_price_model().simulate("2026-01-01", 24, 10, paths=slice(5, 5))


# --------------------------------------------------------------------------
# Contracts, reserves, 4CP and filings
# --------------------------------------------------------------------------


def test_fixed_price_with_resale_by_hand():
    # 2 MW under a 35 USD/MWh block; mining earns 100 USD/MWh less 5 of
    # variable cost. Prices 20, 250, 90, -10: mining is worth 95, so the site
    # resells hour 2 (250 > 95) and mines the others.
    contract = power.PowerContract("fixed", 35.0)
    result = power.settle_contract([20.0, 250.0, 90.0, -10.0], 100.0, contract, load_mw=2.0,
                                   variable_cost=5.0)  # fmt: skip
    assert result.uptime == 0.75 and result.energy_mwh == 6.0 and result.resold_mwh == 2.0
    assert_allclose(result.power_cost, 35.0 * 8)  # the whole block, used or not
    assert_allclose(result.resale_revenue, 2 * 250.0)
    assert_allclose(result.margin, 2 * (95 + 250 + 95 + 95) - 35.0 * 8)
    assert_allclose(result.always_on_margin, 2 * 4 * 95 - 35.0 * 8)
    # Curtailing earns spot minus the contract price: here 250 - 35 against 95 - 35.
    assert_allclose(result.flexibility_value, 2 * (250 - 95))


def test_take_or_pay_by_hand():
    # No resale, 60 USD/MWh fixed, at least 75 % of the block paid for.
    # Mining worth per hour: 100, 50, 80, 40 (revenue varies). Above 60: hours
    # 1 and 3. The minimum is 3 of 4 hours: the best idle hour (2, worth 50)
    # is mined as it is paid for anyway.
    contract = power.PowerContract("fixed", 60.0, resale=False, take_or_pay=0.75)
    result = power.settle_contract([0.0] * 4, [100.0, 50.0, 80.0, 40.0], contract)
    assert result.energy_mwh == 3.0 and result.resold_mwh == 0.0
    assert_allclose(result.power_cost, 3 * 60.0)
    assert_allclose(result.margin, 100 + 50 + 80 - 3 * 60.0)
    # Without the minimum it mines two hours and pays for two.
    free = power.settle_contract([0.0] * 4, [100.0, 50.0, 80.0, 40.0],
                                 power.PowerContract("fixed", 60.0, resale=False))  # fmt: skip
    assert_allclose(free.margin, 100 + 80 - 2 * 60.0)
    with pytest.raises(ValueError, match="take_or_pay"):
        power.PowerContract("fixed", 60.0, take_or_pay=0.5)  # resale makes it moot


def test_index_plus_adder_is_curtailment_at_the_marked_up_price():
    rng = np.random.default_rng(8)
    prices = rng.lognormal(3.4, 0.8, (3, 300))
    indexed = power.settle_contract(prices, 70.0, power.PowerContract("index", 4.0))
    direct = power.curtail(prices + 4.0, 70.0)
    assert_allclose(indexed.margin, direct.margin)
    assert_allclose(indexed.power_cost, direct.power_cost)


def test_responsive_reserve_by_hand():
    # The docstring case: 10 of 20 MW offered at 15 USD/MW/h, 10 % chance of
    # a call, prices 30 and 110, mining earning 100 USD/MWh.
    result = power.responsive_reserve([30.0, 110.0], 100.0, 15.0, committed_mw=10.0,
                                      load_mw=20.0, deployment_probability=0.1)  # fmt: skip
    assert result.offered_hours == 2.0  # hour 2 runs for the payment
    assert_allclose(result.service_revenue, 2 * 15.0 * 10)
    assert_allclose(result.expected_deployed_hours, 0.2)
    assert_allclose(result.expected_lost_margin, 0.1 * 70 * 10)  # hour 2's margin is negative
    assert_allclose(result.margin, 10 * (0.9 * 70 + 15) + 10 * (0.9 * -10 + 15) + 10 * 70)
    assert_allclose(result.service_value, result.margin - 20 * 70)
    # A payment below the expected loss is not offered: price 130 loses 30.
    idle = power.responsive_reserve([130.0], 100.0, 20.0, committed_mw=5.0, load_mw=5.0)
    assert idle.offered_hours == 0.0 and idle.service_value == 0.0


def test_four_cp_by_hand_and_with_hindsight_peaks():
    # A June and a July day of hourly load; the peaks are the highest hours.
    hours = pd.date_range("2026-06-15", periods=24, freq="h").append(
        pd.date_range("2026-07-20", periods=24, freq="h")
    )
    load = pd.Series(np.r_[np.arange(24.0), 50 - np.abs(np.arange(24.0) - 17)], index=hours)
    peaks = power.coincident_peaks(load, months=(6, 7))
    assert peaks.sum() == 2
    assert list(peaks[peaks == 1].index.strftime("%m-%d %H")) == ["06-15 23", "07-20 17"]
    # 10 MW mining at a margin of 40 USD/MWh; 5 USD/kW/month. Without a rule,
    # the site runs at both peaks: 12 x 1000 x 5 x 10 = 600,000 USD.
    result = power.four_cp(np.full(48, 60.0), 100.0, peaks.to_numpy(), charge_per_kw_month=5.0,
                           load_mw=10.0)  # fmt: skip
    assert_allclose(result.charge_without_rule, 600_000.0)
    assert result.charge == 0.0 and result.stopped_hours == 2.0
    assert_allclose(result.lost_margin, 2 * 40 * 10)
    assert_allclose(result.net_saving, 600_000.0 - 800.0)
    # A forecast spread over three hours of one peak, threshold 0.3: the site
    # stops in the two hours at 0.4 and runs the one at 0.2, so a fifth of
    # its load is expected at the peak.
    spread = power.four_cp([60.0] * 3, 100.0, [0.4, 0.4, 0.2], charge_per_kw_month=5.0,
                           threshold=0.3, load_mw=10.0)  # fmt: skip
    assert_allclose(spread.charge, 0.2 * 600_000.0)


def test_power_statement_matches_the_filing_arithmetic():
    # Riot Platforms, 2024 Form 10-K (figures quoted in the issue): gross power
    # cost 186.2 M USD, power and demand-response credits 33.7 M USD.
    riot = power.PowerStatement(186.2e6, 33.7e6, 4.0e9)
    assert_allclose(riot.net_power_cost, 152.5e6)
    assert_allclose(riot.all_in_cost_per_kwh, 152.5e6 / 4.0e9)
    # A simulated year: the statement adds up the operation, reserve and 4CP.
    prices = [20.0, 250.0, 95.0, -10.0]
    settled = power.settle_contract(prices, 100.0, power.PowerContract("fixed", 35.0),
                                    load_mw=2.0)  # fmt: skip
    reserve = power.responsive_reserve(prices, 100.0, 3.0, committed_mw=1.0, load_mw=2.0)
    cp = power.four_cp(prices, 100.0, [0, 0, 1, 0], charge_per_kw_month=1.0, load_mw=2.0)
    statement = power.power_statement(settled, reserve=reserve, transmission=cp)
    assert_allclose(statement.gross_power_cost, settled.power_cost + cp.charge)
    assert_allclose(statement.credits, settled.resale_revenue + reserve.service_revenue)
    assert_allclose(statement.energy_kwh, 1000 * settled.energy_mwh)
    with pytest.raises(ValueError, match="one path"):
        power.power_statement(power.curtail(np.ones((2, 3)), 5.0))


def test_daily_prices_feed_the_core_functions():
    # Three days of ERCOT-default hours; an S21 (17.5 J/TH, PUE 1.05) at BTC
    # 90,000 and 150 T. The core margin per TH/s with each day's uptime and
    # price paid equals power.curtail's margin per TH/s (load 17.5 * 1.05 W).
    model = power.ercot_price_model()
    index = model.hours("2026-07-20", 72)
    prices = pd.Series(model.simulate("2026-07-20", 72, seed=30)[0], index=index)
    prices.iloc[40:44] = 400.0  # a spike the S21 stops in
    hashprice = economics.revenue_per_th(90_000, 150e12)
    earns = power.revenue_per_mwh(hashprice, 17.5, pue=1.05)
    table = power.daily(prices, earns)
    assert list(table.columns) == ["power_price", "uptime", "price_paid"]
    assert_allclose(table["power_price"], prices.groupby(prices.index.date).mean() / 1000)
    margin = economics.margin_per_th(90_000, 150e12, 17.5, power_price=table["price_paid"],
                                     uptime=table["uptime"], pue=1.05)  # fmt: skip
    by_day = power.curtail(prices.to_numpy().reshape(3, 24), earns, load_mw=17.5 * 1.05 / 1e6)
    assert_allclose(margin.to_numpy(), by_day.margin, rtol=1e-9)
    assert table["uptime"].iloc[1] == 20 / 24
    with pytest.raises(ValueError, match="revenue has no value"):
        power.daily(prices, pd.Series([50.0], index=pd.DatetimeIndex(["2026-07-20"])))
