"""Scenario files: the example builds the right objects; every error names key and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from minerecon import difficulty, fees, hosting, price
from minerecon.config import ConfigError, SiteStudy, key_lines, load_scenario
from minerecon.scenario import SiteComparison

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "site.toml"

MINIMAL = """\
[site]
gross_mw = 10
power_price_usd_per_kwh = 0.05

[[site.fleet]]
miner = "Antminer S21"
count = 2500

[splits.half]
fraction = 0.5

[splits.half.hosting]
deal = "terawulf-fluidstack-2025-08"
default_hazard_per_year = 0.1

[simulation]
horizon_days = 60
n_paths = 4
seed = 1
"""


def write(tmp_path, text, name="scenario.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_example_builds_the_right_objects():
    study = load_scenario(EXAMPLE)
    assert isinstance(study, SiteStudy)
    site = study.site
    assert site.gross_mw == 100.0
    assert site.power_price == 0.05
    assert site.mining_pue == 1.05
    assert site.pool_fee == 0.01
    (deployment,) = site.fleet
    assert deployment.miner.name == "Antminer S21 XP"
    assert deployment.count == 25_000
    assert deployment.failure_rate == 0.05
    # 25,000 * 3,645 W * 1.05 = 95.68 MW (catalogue power, PUE of the file).
    assert_allclose(site.fleet_mw, 95.68125, rtol=1e-12)
    assert list(study.splits) == ["quarter", "half", "all"]
    assert study.splits["quarter"].fraction == 0.25
    assert study.splits["all"].mw == 100.0
    # Deal preset with an override: rate from the deal, hazard from the file.
    deal = hosting.lease_from_deal("cipher-fluidstack-barber-lake-2025-09")
    quarter = study.splits["quarter"].hosting
    assert quarter.rate == deal.rate and quarter.default_hazard == 0.02
    explicit = study.splits["all"].hosting
    assert isinstance(explicit, hosting.ColocationLease)
    assert (explicit.rate, explicit.gross_to_it, explicit.capex_per_it_mw) == (149.0, 1.45, 10e6)
    scenario = study.scenario
    assert str(scenario.start.date.date()) == "2025-11-25"
    assert scenario.days == 3650 and scenario.discount_rate == 0.10
    assert scenario.price == price.GBM(0.0, 0.5)
    assert scenario.fees == fees.ConstantFees(scenario.start.fees_per_block)
    assert scenario.hashrate == difficulty.ConstantGrowth(0.01, volatility=0.2)
    assert (study.n_paths, study.seed) == (500, 42)


def test_run_values_every_option(tmp_path):
    result = load_scenario(write(tmp_path, MINIMAL)).run()
    assert isinstance(result, SiteComparison)
    assert result.options == ("pure mining", "half")
    assert result.npv.shape == (2, 4)


def test_models_and_explicit_network(tmp_path):
    text = MINIMAL.replace(
        "seed = 1\n",
        "seed = 1\n"
        + """\
price = {model = "merton", drift_per_year = 0.1, volatility = 0.4, jump_intensity_per_year = 2, \
jump_mean = -0.05, jump_volatility = 0.1}
fees = {model = "stochastic", mean_level_btc = 0.03, reversion_per_year = 2, volatility = 0.5, \
spike_rate_per_year = 0, spike_mean = 0}
hashrate = {model = "economic", cost_hashprice_usd_per_th_day = 0.03, entry_rate_per_year = 0.5, \
exit_rate_per_year = 2}

[simulation.network]
date = 2025-11-03
height = 922000
difficulty = 155.97e12
btc_price_usd = 106935
fees_btc_per_block = 0.02
""",
    )
    study = load_scenario(write(tmp_path, text))
    assert study.scenario.start.btc_price == 106_935
    assert study.scenario.price == price.MertonJump(0.1, 0.4, 2.0, -0.05, 0.1)
    assert study.scenario.fees.level == 0.02  # the start's fees
    assert study.scenario.hashrate.exit_rate == 2.0


def test_key_lines_follow_tables_arrays_and_inline_tables():
    lines = key_lines(EXAMPLE.read_text())
    text = EXAMPLE.read_text().splitlines()
    for key in ("site.gross_mw", "splits.all.hosting.rate_usd_per_kw_month", "simulation.seed"):
        assert text[lines[key] - 1].startswith(key.rsplit(".", 1)[1])
    assert text[lines["site.fleet[0].count"] - 1].startswith("count")
    assert "drift_per_year" in text[lines["simulation.price.volatility"] - 1]


def line_of(text, fragment):
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        # unknown key
        (
            'deal = "terawulf',
            'tenant = "x"\ndeal = "terawulf',
            "splits.half.hosting.tenant",
            ["unknown", "rate_usd_per_kw_month"],
        ),
        (
            'deal = "terawulf',
            'rate = 150\ndeal = "terawulf',
            "splits.half.hosting.rate",
            ["missing unit", "rate_usd_per_kw_month"],
        ),
        ("count = 2500", "count = 2500\ncolour = 1", "site.fleet[0].colour", ["unknown", "count"]),
        # wrong or missing unit in the key name
        ("gross_mw = 10", "gross_kw = 10000", "site.gross_kw", ["wrong unit 'kw'", "gross_mw"]),
        (
            "power_price_usd_per_kwh = 0.05",
            "power_price_usd_per_mwh = 50",
            "site.power_price_usd_per_mwh",
            ["wrong unit", "power_price_usd_per_kwh"],
        ),
        (
            "seed = 1",
            "seed = 1\ndiscount_rate = 0.1",
            "simulation.discount_rate",
            ["missing unit", "discount_rate_per_year"],
        ),
        # wrong type
        ("count = 2500", 'count = "many"', "site.fleet[0].count", ["whole number"]),
        ("fraction = 0.5", 'fraction = "half"', "splits.half.fraction", ["number"]),
        # out of range
        ("fraction = 0.5", "fraction = 1.5", "splits.half.fraction", ["[0, 1]"]),
        ("seed = 1", 'seed = 1\npolicy = "keep"', "simulation.policy", ["'sell'", "'hold'"]),
        # bad names
        ('miner = "Antminer S21"', 'miner = "Antminer Z99"', "site.fleet[0].miner", ["Z99"]),
        (
            'deal = "terawulf-fluidstack-2025-08"',
            'deal = "nope"',
            "splits.half.hosting.deal",
            ["nope"],
        ),
    ],
)
def test_errors_name_the_key_and_its_line(tmp_path, old, new, key, words):
    text = MINIMAL.replace(old, new)
    assert text != MINIMAL
    with pytest.raises(ConfigError) as raised:
        load_scenario(write(tmp_path, text))
    error = raised.value
    message = str(error)
    assert "\n" not in message
    assert error.key == key and key in message
    expected_line = line_of(text, key.rsplit(".", 1)[1].split("[")[0] + " =")
    assert error.line == expected_line, message
    assert f"line {expected_line}" in message
    assert "scenario.toml" in message
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("old", "key", "header"),
    [
        ("gross_mw = 10\n", "site.gross_mw", "[site]"),
        ("count = 2500\n", "site.fleet[0].count", "[[site.fleet]]"),
        ('deal = "terawulf-fluidstack-2025-08"\n', "splits.half.hosting", "[splits.half.hosting]"),
        ("fraction = 0.5\n", "splits.half", "[splits.half]"),
    ],
)
def test_missing_required_is_reported_at_its_table(tmp_path, old, key, header):
    text = MINIMAL.replace(old, "")
    with pytest.raises(ConfigError, match="missing") as raised:
        load_scenario(write(tmp_path, text))
    assert raised.value.key == key
    assert raised.value.line == line_of(text, header)


def test_missing_model_parameter(tmp_path):
    text = MINIMAL + 'price = {model = "gbm", drift_per_year = 0.1}\n'
    with pytest.raises(ConfigError) as raised:
        load_scenario(write(tmp_path, text))
    assert raised.value.key == "simulation.price.volatility"
    assert raised.value.line == text.count("\n")
    text = MINIMAL + 'price = {model = "lognormal"}\n'
    with pytest.raises(ConfigError, match="gbm") as raised:
        load_scenario(write(tmp_path, text))
    assert raised.value.key == "simulation.price.model"


def test_syntax_error_carries_tomllib_line_and_column(tmp_path):
    text = MINIMAL.replace("fraction = 0.5", "fraction = 0.5 0.6")
    with pytest.raises(ConfigError, match="TOML syntax error") as raised:
        load_scenario(write(tmp_path, text))
    assert raised.value.line == line_of(text, "fraction")
    assert "column" in str(raised.value)


def test_second_array_table_and_exclusive_keys(tmp_path):
    text = MINIMAL.replace(
        "[splits.half]",
        '[[site.fleet]]\nminer = "Antminer S21"\ncount = -1\n\n[splits.half]',
    )
    with pytest.raises(ConfigError) as raised:
        load_scenario(write(tmp_path, text))
    assert raised.value.key == "site.fleet[1].count"
    assert raised.value.line == line_of(text, "count = -1")
    text = MINIMAL.replace("fraction = 0.5", "fraction = 0.5\nconverted_mw = 5")
    with pytest.raises(ConfigError, match="not both"):
        load_scenario(write(tmp_path, text))


def test_valuation_tables_become_the_study_views(tmp_path):
    # Each [valuation.<name>] is a view: a ready-made Valuation with values changed.
    text = (
        MINIMAL
        + """
[valuation.market]
start_from = "market"
hosting_exit_multiple = 12
loan_to_cost = 0.5
debt_rate_per_year = 0.08

[valuation.flat]
start_from = "conservative"
mining_rate_per_year = 0.12
tax = false

[valuation.taxed]
tax_rate = 0.25
"""
    )
    study = load_scenario(write(tmp_path, text))
    assert list(study.valuations) == ["market", "flat", "taxed"]
    market = study.valuations["market"]
    assert market.hosting_exit_multiple == 12.0 and market.rates["hosting"] == 0.08
    assert (market.financing.loan_to_cost, market.financing.rate) == (0.5, 0.08)
    flat = study.valuations["flat"]
    assert flat.rates == {"mining": 0.12, "hosting": 0.12, "guarantee": 0.12}
    assert flat.tax is None and flat.financing is None and flat.name == "flat"
    # Starting from the single-rate view (the file's 10 %), only tax is added.
    taxed = study.valuations["taxed"]
    assert taxed.rates["mining"] == 0.10 and taxed.tax.rate == 0.25
    assert taxed.hosting_exit_multiple == 0.0


def test_without_valuation_tables_one_single_rate_view(tmp_path):
    study = load_scenario(write(tmp_path, MINIMAL))
    assert list(study.valuations) == ["single rate"]
    assert study.valuations["single rate"].rates["mining"] == study.scenario.discount_rate


def test_valuation_errors_name_the_key(tmp_path):
    bad = MINIMAL + '\n[valuation.v]\nstart_from = "optimistic"\n'
    with pytest.raises(ConfigError, match=r"valuation\.v\.start_from"):
        load_scenario(write(tmp_path, bad))
    bad = MINIMAL + "\n[valuation.v]\nrenewal_probability = 1.5\n"
    with pytest.raises(ConfigError, match=r"valuation\.v\.renewal_probability"):
        load_scenario(write(tmp_path, bad))
