"""Presets: the published figures they rest on and the options they compare."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from minerecon import hosting
from minerecon.config import SiteStudy
from minerecon.presets import CLEANSPARK_FY2025, PRESETS, cleanspark_fy2025, get_preset
from minerecon.valuation import Valuation


@pytest.fixture(scope="module")
def study():
    return cleanspark_fy2025(n_paths=20)


def test_published_cleanspark_figures():
    facts = CLEANSPARK_FY2025
    # CleanSpark FY2025 10-K via StockTitan (sources.md section 4): 45.6 EH/s at
    # 16.7 J/TH on 2025-09-30, 336,544 miners owned, 241,934 in service, 285 MW in
    # Austin County TX, power 0.056 USD/kWh in Q1 FY26.
    assert facts.hashrate_eh == 45.6
    assert facts.efficiency_j_per_th == 16.7
    assert facts.texas_site_mw == 285.0
    assert facts.power_price_usd_per_kwh == 0.056
    assert facts.miners_idle == 94_610
    # 45.6e6 TH/s * 16.7 W per TH/s = 761.5 MW of machine power.
    assert_allclose(facts.fleet_it_mw, 761.52, rtol=1e-6)


def test_site_uses_the_published_numbers(study):
    site = study.site
    assert site.gross_mw == 285.0
    assert site.power_price == 0.056
    (deployment,) = site.fleet
    # Fleet-average efficiency, within 1 % of the published 16.7 J/TH.
    assert_allclose(deployment.miner.efficiency, 16.7, rtol=0.01)
    # The machines fill the site (PUE 1.10) and are among the 94,610 idle ones.
    assert_allclose(site.fleet_mw, 285.0, rtol=1e-4)
    assert deployment.count <= CLEANSPARK_FY2025.miners_idle
    assert deployment.capex_per_unit == 0.0


def test_options_and_lease_terms(study):
    assert isinstance(study, SiteStudy)
    fractions = {label: split.fraction for label, split in study.splits.items()}
    assert fractions == {
        "25% hosted": 0.25,
        "50% hosted": 0.5,
        "75% hosted": 0.75,
        "full conversion": 1.0,
    }
    lease = study.splits["full conversion"].hosting
    # Cipher-Fluidstack Barber Lake (2025-09-25): 244/168 gross-to-IT, NOI 80-85 %,
    # capex 9-11 M USD per IT MW (midpoints), 12-month build.
    assert_allclose(lease.gross_to_it, 244 / 168, rtol=1e-12)
    assert_allclose(lease.noi_margin, 0.825, rtol=1e-12)
    assert_allclose(lease.capex_per_it_mw, 10e6, rtol=1e-12)
    assert lease.build_days == 365
    deal = hosting.lease_from_deal("cipher-fluidstack-barber-lake-2025-09")
    assert lease.rate == deal.rate
    # The whole 10-year lease fits in the horizon: build + term.
    assert study.scenario.days == 365 + 3650
    assert str(study.scenario.start.date.date()) == "2025-11-25"
    assert any(note.startswith("ASSUMPTION") for note in study.notes)
    assert any("16.7 J/TH" in note for note in study.notes)


def test_run_compares_every_option(study):
    result = study.run()
    assert result.options == (
        "pure mining",
        "25% hosted",
        "50% hosted",
        "75% hosted",
        "full conversion",
    )
    assert result.npv.shape == (5, 20)


def test_two_views_value_the_same_paths(study):
    assert list(study.valuations) == ["market", "conservative"]
    # Market: the ready-made view with the Cipher-Fluidstack lease's 2 x 5-year
    # extension options (ai_deals.csv, "2x5y"); conservative: one 10 % rate.
    assert study.valuations["market"] == Valuation.market(renewal_years=10.0)
    assert study.valuations["conservative"] == Valuation.conservative(0.10)
    # Each view's conventions are among the notes the report shows.
    for name, valuation in study.valuations.items():
        for line in valuation.describe():
            assert f"VIEW {name}: {line}" in study.notes
    # run() values the first view; revaluing its paths is running under the other
    # view (the engine's paths do not depend on the valuation).
    first = study.run()
    assert first.valuation.name == "market"
    conservative = study.valuations["conservative"]
    revalued = first.revalue(conservative)
    direct = study.run(valuation=conservative)
    assert_allclose(revalued.npv.values, direct.npv.values, rtol=1e-12, atol=0)
    assert_allclose(revalued.equity_npv.values, direct.equity_npv.values, rtol=1e-12, atol=0)


def test_get_preset():
    assert set(PRESETS) == {"cleanspark-fy2025"}
    assert get_preset("CleanSpark_FY2025", n_paths=7).n_paths == 7
    with pytest.raises(KeyError, match="cleanspark-fy2025"):
        get_preset("riot-2024")


def test_bad_preset_arguments_are_value_errors():
    # get_preset raised a bare KeyError ("no preset named None"), and
    # cleanspark_fy2025 accepted n_paths=True and seed="x" into the study.
    with pytest.raises(ValueError, match="name must be one of cleanspark-fy2025") as info:
        get_preset("riot-2024")
    assert isinstance(info.value, KeyError)
    with pytest.raises(ValueError, match="name must be a preset name"):
        get_preset(None)
    with pytest.raises(ValueError, match="n_paths must be an integer >= 1"):
        cleanspark_fy2025(n_paths=True)
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        cleanspark_fy2025(seed="x")
