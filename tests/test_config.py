"""Scenario files: the example builds the right objects; every error names key and line."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
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


def test_switch_off_reads_take_or_pay_power(tmp_path):
    # simulation.switch_off = false: machines always on (docs: scenario files).
    assert load_scenario(write(tmp_path, MINIMAL)).scenario.switch_off is True
    text = MINIMAL.replace("seed = 1", "seed = 1\nswitch_off = false")
    assert load_scenario(write(tmp_path, text)).scenario.switch_off is False


def test_block_arrivals_reads_poisson_counts(tmp_path):
    # simulation.block_arrivals = "poisson" (docs: scenario files); anything else is refused.
    assert load_scenario(write(tmp_path, MINIMAL)).scenario.block_arrivals == "expected"
    text = MINIMAL.replace("seed = 1", 'seed = 1\nblock_arrivals = "poisson"')
    assert load_scenario(write(tmp_path, text)).scenario.block_arrivals == "poisson"
    with pytest.raises(ConfigError, match=r"simulation\.block_arrivals"):
        load_scenario(write(tmp_path, text.replace('"poisson"', '"random"')))
    solo = text.replace('"poisson"', '"poisson"\npayout = "solo"')
    assert load_scenario(write(tmp_path, solo)).scenario.payout == "solo"


def test_power_market_reads_the_ercot_default(tmp_path):
    # simulation.power_market = "ercot" (docs: scenario files): hourly prices,
    # the site's power price the adder, which must then be written out.
    assert load_scenario(write(tmp_path, MINIMAL)).scenario.power_market is None
    text = MINIMAL.replace("seed = 1", 'seed = 1\npower_market = "ercot"')
    text = text.replace("power_price_usd_per_kwh = 0.05", "power_price_usd_per_kwh = 0.004")
    scenario = load_scenario(write(tmp_path, text)).scenario
    assert scenario.power_market.source.startswith("synthetic default: ERCOT")
    assert scenario.power_price == 0.004
    with pytest.raises(ConfigError, match=r"simulation\.power_market"):
        load_scenario(write(tmp_path, text.replace('"ercot"', '"pjm"')))
    unpriced = text.replace("power_price_usd_per_kwh = 0.004\n", "")
    with pytest.raises(ConfigError, match="power_price_usd_per_kwh, the adder"):
        load_scenario(write(tmp_path, unpriced))


def test_reserve_keys_offer_part_of_the_load(tmp_path):
    # simulation.reserve_share, reserve_usd_per_mw_hour and reserve_calls
    # build a power.ReserveOffer, which needs an hourly market.
    market = MINIMAL.replace("seed = 1", 'seed = 1\npower_market = "ercot"')
    market = market.replace("power_price_usd_per_kwh = 0.05", "power_price_usd_per_kwh = 0.0")
    text = market.replace(
        "seed = 1",
        "seed = 1\nreserve_share = 0.3\nreserve_usd_per_mw_hour = 5\nreserve_calls = 0.02",
    )
    offer = load_scenario(write(tmp_path, text)).scenario.reserve
    assert (offer.share, offer.payment, offer.calls) == (0.3, 5.0, 0.02)
    with pytest.raises(ConfigError, match="reserve needs a power_market"):
        load_scenario(write(tmp_path, text.replace('power_market = "ercot"\n', "")))
    with pytest.raises(
        ConfigError, match=r"simulation\.reserve_calls.*needs simulation\.reserve_share"
    ):
        load_scenario(write(tmp_path, market.replace("seed = 1", "seed = 1\nreserve_calls = 0.1")))
    with pytest.raises(ConfigError, match=r"simulation\.reserve_share"):
        load_scenario(write(tmp_path, text.replace("reserve_share = 0.3", "reserve_share = 1.5")))


def test_power_prices_fit_a_market_to_an_ercot_file(tmp_path):
    # simulation.power_prices: an ERCOT day-ahead file beside the scenario
    # file (NP4-190-CD layout), 20 days of hours at HB_WEST; the market is
    # PowerPriceModel.fit of its prices.
    from minerecon import power

    rng = np.random.default_rng(6)
    rows = ['"Delivery Date","Hour Ending","Repeated Hour Flag","Settlement Point",'
            '"Settlement Point Price"']  # fmt: skip
    for day in pd.date_range("2025-06-01", periods=20):
        for hour in range(1, 25):
            price = 30 * np.exp(0.3 * rng.standard_normal())
            rows.append(f'"{day:%m/%d/%Y}","{hour:02d}:00","N","HB_WEST","{price:.2f}"')
    (tmp_path / "dam.csv").write_text("\n".join(rows) + "\n")
    text = MINIMAL.replace(
        "seed = 1", 'seed = 1\npower_prices = "dam.csv"\npower_point = "HB_WEST"'
    )
    text = text.replace("power_price_usd_per_kwh = 0.05", "power_price_usd_per_kwh = 0.0")
    market = load_scenario(write(tmp_path, text)).scenario.power_market
    expected = power.PowerPriceModel.fit(power.read_ercot(tmp_path / "dam.csv", "HB_WEST"))
    assert market.source.startswith("fitted to 480 hours")
    assert_allclose(market.mean_price, expected.mean_price, rtol=1e-12)
    for change, key in (
        (('power_point = "HB_WEST"', 'power_point = "HB_PAN"'), r"simulation\.power_point"),
        (('"dam.csv"', '"missing.csv"'), r"simulation\.power_prices"),
        (("seed = 1", 'seed = 1\npower_market = "ercot"'), r"simulation\.power_prices"),
    ):
        with pytest.raises(ConfigError, match=key):
            load_scenario(write(tmp_path, text.replace(*change)))
    lone = MINIMAL.replace("seed = 1", 'seed = 1\npower_point = "HB_WEST"')
    with pytest.raises(ConfigError, match="applies only with power_prices"):
        load_scenario(write(tmp_path, lone))


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
        ("seed = 1", 'seed = 1\nswitch_off = "no"', "simulation.switch_off", ["true or false"]),
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


# --------------------------------------------------------------------------
# Hostile files: long lines, deep nesting, bad bytes, huge numbers, size
# --------------------------------------------------------------------------

# Lines that made the old scanner quadratic in their length (a run of characters
# that a regex retried from every position), and a key after each one.
LONG_LINES = {
    "float": lambda n: "gross_mw = 1." + "1" * n,
    "dotted key": lambda n: "a" + ".a" * (n // 2) + " = 1",
    "blanks": lambda n: "a" + " " * n + "= 1",
    "string": lambda n: 'name = "' + "x" * n + '"',
    "dots in a value": lambda n: 'name = "' + "." * n + '"',
    "inline table": lambda n: "t = {" + ", ".join(f"k{i} = 1" for i in range(n // 8)) + "}",
    "header": lambda n: "[" + ".".join(["b"] * (n // 2)) + "]",
}


@pytest.mark.parametrize("shape", list(LONG_LINES))
def test_key_lines_are_right_after_a_long_line(shape):
    for size in (32_000, 1_000_000):
        long = LONG_LINES[shape](size)
        assert len(long) >= size // 2
        text = f"[site]\n{long}\n[simulation]\nseed = 1\n"
        lines = key_lines(text)
        # The keys after the long line keep their lines (3 and 4).
        assert lines["simulation"] == 3 and lines["simulation.seed"] == 4
        # The long line's own key is recorded when its path is short.
        if shape in ("float", "string", "dots in a value"):
            assert lines[f"site.{long.split(' ')[0]}"] == 2


def test_key_lines_reads_each_character_once(monkeypatch):
    # The scan's work, counted: every line is tokenised once, and its tokens cover
    # it exactly (no character is read twice), so the work grows as the text and
    # not as its square. (The time is measured in benchmarks/bench_config.py.)
    from minerecon import config

    work = {"calls": 0, "chars": 0}
    tokens = config._line_tokens

    def counted(line):
        out = tokens(line)
        work["calls"] += 1
        work["chars"] += sum(map(len, out))
        assert "".join(out) == line  # no comment in these lines: the tokens are the line
        return out

    monkeypatch.setattr(config, "_line_tokens", counted)
    for size in (32_000, 1_000_000):
        text = "\n".join(LONG_LINES[shape](size) for shape in LONG_LINES)
        work.update(calls=0, chars=0)
        key_lines(text)
        # One call per line, one character read per character of text.
        assert work["calls"] == len(LONG_LINES)
        assert work["chars"] == len(text) - text.count("\n")


def test_a_long_line_still_gives_the_error_its_line(tmp_path):
    # A 1,000,000-character value (under the 1 MiB limit), then an error two lines on.
    text = MINIMAL.replace("power_price_usd_per_kwh = 0.05", "name = '" + "x" * 1_000_000 + "'")
    text = text.replace("count = 2500", "count = -1")
    with pytest.raises(ConfigError) as raised:
        load_scenario(write(tmp_path, text))
    assert raised.value.key == "site.fleet[0].count"
    assert raised.value.line == line_of(text, "count = -1")
    # A 32 KB key is reported at its table, and the message stays short.
    key = "k" * 32_000
    text = MINIMAL.replace("gross_mw = 10", f"gross_mw = 10\n{key} = 1")
    with pytest.raises(ConfigError, match="unknown key") as raised:
        load_scenario(write(tmp_path, text))
    assert raised.value.key == f"site.{key}" and raised.value.line == line_of(text, "[site]")
    assert len(str(raised.value)) < 600


DEEP = "[site]\n[site" + ".a" * 19 + "]\nb = {c = 1}\n"  # 21 levels: site, 19 a, b


@pytest.mark.parametrize(
    ("text", "key", "line"),
    [
        # tomllib recurses into nested arrays and inline tables.
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", "", 1),
        ("a = " + "{b = " * 2000 + "1" + "}" * 2000 + "\n", "", 1),
        # tomllib's work grows as the square of a key's parts (a 64 KB key of 32,000
        # parts: 20 s, 6 GB): refused before it reads.
        ("[site]\n" + ".".join(["a"] * 500_000) + " = 1\n", "", 2),
        ("[" + ".".join(["t"] * 500_000) + "]\n", "", 1),
        ("[site]\n" + ".".join(["a"] * 21) + " = 1\n", "", 2),
        ("[site]\nt = {" + ".".join(["a"] * 21) + " = 1}\n", "", 2),
        # Nesting built up from short keys, and a value nested deep.
        (DEEP, "site" + ".a" * 19 + ".b", 3),
        ("[site]\ngross_mw = " + "[" * 100 + "]" * 100 + "\n", "site.gross_mw" + "[0]" * 19, 2),
    ],
    ids=[
        "arrays",
        "inline tables",
        "dotted key",
        "header",
        "21 parts",
        "inline",
        "tables",
        "value",
    ],
)
def test_deep_nesting_is_refused_naming_the_file(tmp_path, text, key, line):
    with pytest.raises(ConfigError, match=r"nested|parts") as raised:
        load_scenario(write(tmp_path, text))
    error = raised.value
    assert "scenario.toml" in str(error) and "\n" not in str(error)
    assert (error.key, error.line) == (key, line)
    assert len(str(error)) < 400


def test_a_key_of_twenty_parts_is_read(tmp_path):
    # 20 parts (MAX_NESTING) pass the check before tomllib: the key is then unknown.
    text = "[site]\n" + ".".join(["a"] * 20) + " = 1\n"
    with pytest.raises(ConfigError, match="unknown key") as raised:
        load_scenario(write(tmp_path, text))
    assert (raised.value.key, raised.value.line) == ("site.a", 2)


def test_a_file_that_is_not_utf8_names_its_line(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(MINIMAL.replace('"Antminer S21"', '"Antminer S21 \xe9"').encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8") as raised:
        load_scenario(path)
    assert raised.value.file == str(path)
    assert raised.value.line == line_of(MINIMAL, "miner =")
    assert "0xe9" in str(raised.value)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("count = 2500", "count = 9223372036854775808", "site.fleet[0].count"),  # 2**63
        ("seed = 1", "seed = -9223372036854775809", "simulation.seed"),  # -2**63 - 1
        ("horizon_days = 60", "horizon_days = " + "9" * 30, "simulation.horizon_days"),
        ("gross_mw = 10", "gross_mw = 1" + "0" * 400, "site.gross_mw"),  # beyond a float
    ],
)
def test_integers_beyond_64_bits_are_refused_at_their_key(tmp_path, old, new, key):
    text = MINIMAL.replace(old, new)
    with pytest.raises(ConfigError) as raised:
        load_scenario(write(tmp_path, text))
    assert raised.value.key == key
    assert raised.value.line == line_of(text, new)
    assert "scenario.toml" in str(raised.value)


def test_an_integer_longer_than_python_reads_names_its_line(tmp_path):
    # tomllib converts with int(), which refuses more than 4,300 digits (ValueError).
    text = MINIMAL.replace("count = 2500", "count = " + "9" * 5000)
    with pytest.raises(ConfigError, match="digits") as raised:
        load_scenario(write(tmp_path, text))
    assert raised.value.line == line_of(text, "count =")
    assert len(str(raised.value)) < 300


def test_the_largest_whole_number_is_int64_max(tmp_path):
    text = MINIMAL.replace("seed = 1", "seed = 9223372036854775807")  # 2**63 - 1
    assert load_scenario(write(tmp_path, text)).seed == 2**63 - 1


def test_files_over_one_mib_are_refused(tmp_path):
    from minerecon.config import MAX_FILE_BYTES

    assert MAX_FILE_BYTES == 2**20
    # Exactly the limit (padded with a comment) loads; one byte more does not.
    padding = MAX_FILE_BYTES - len(MINIMAL.encode()) - 2
    exact = write(tmp_path, MINIMAL + "#" + "x" * padding + "\n", "exact.toml")
    assert exact.stat().st_size == MAX_FILE_BYTES
    assert load_scenario(exact).n_paths == 4
    over = write(tmp_path, MINIMAL + "#" + "x" * (padding + 1) + "\n", "over.toml")
    with pytest.raises(ConfigError, match="1 MiB") as raised:
        load_scenario(over)
    assert raised.value.file == str(over) and raised.value.line is None


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_file_is_refused_after_the_limit():
    # /dev/zero never ends: only the first MAX_FILE_BYTES + 1 bytes are read.
    with pytest.raises(ConfigError, match="1 MiB") as raised:
        load_scenario("/dev/zero")
    assert raised.value.file == "/dev/zero"


def test_a_folder_or_a_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_scenario(tmp_path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_scenario(tmp_path / "missing.toml")


def test_long_values_are_shortened_in_messages(tmp_path):
    text = MINIMAL.replace("count = 2500", 'count = "' + "x" * 100_000 + '"')
    with pytest.raises(ConfigError, match="whole number") as raised:
        load_scenario(write(tmp_path, text))
    assert len(str(raised.value)) < 300


def test_a_decision_after_the_horizon_is_refused_at_its_key(tmp_path):
    # The horizon is 60 days: day 60 is the first day after it.
    text = MINIMAL.replace("fraction = 0.5", "fraction = 0.5\ndecision_day = 60")
    with pytest.raises(ConfigError, match="horizon") as raised:
        load_scenario(write(tmp_path, text))
    assert raised.value.key == "splits.half.decision_day"
    assert raised.value.line == line_of(text, "decision_day")
    text = MINIMAL.replace("fraction = 0.5", "fraction = 0.5\ndecision_day = 59")
    assert load_scenario(write(tmp_path, text)).splits["half"].decision == 59


def test_key_lines_counts_lines_as_toml_does():
    # Only \n ends a line in TOML; a form feed or U+2028 in a comment does not.
    text = "# a\x0cb \u2028 c\n[site]\ngross_mw = 5\n"
    assert key_lines(text)["site.gross_mw"] == 3


# --------------------------------------------------------------------------
# Issue 10: numbers near the float limit, BOM, deliveries, argument types
# --------------------------------------------------------------------------

#: A file giving every number a scenario file takes (both contract kinds, every
#: model, an explicit network and a view).
EVERY_NUMBER = """\
[site]
gross_mw = 10
power_price_usd_per_kwh = 0.05
power_price_escalation_per_year = 0.0
mining_pue = 1.05
demand_response_usd_per_mw_year = 0
mining_capex_per_mw_usd = 0

[[site.fleet]]
miner = "custom"
hashrate_th = 200
power_w = 3500
count = 2000
delivery_day = 0
capex_per_unit_usd = 0
failure_rate_per_year = 0.05
resale_value_usd = 0
other_opex_usd_per_th_day = 0.001

[splits.half]
fraction = 0.5
decision_day = 0
downtime_days = 0

[splits.half.hosting]
kind = "colocation"
rate_usd_per_kw_month = 149.0
term_years = 10
escalator_per_year = 0.0
extension_years = 0
gross_to_it = 1.45
capex_per_it_mw_usd = 10e6
opex_per_it_mw_year_usd = 0
build_days = 100
ramp_days = 10
default_hazard_per_year = 0.1

[splits.gpu]
converted_mw = 2

[splits.gpu.hosting]
kind = "gpu_cloud"
gpus_per_it_mw = 700
price_per_gpu_hour_usd = 2.0
capex_per_gpu_usd = 40000
gpu_life_years = 5
opex_per_gpu_hour_usd = 0.2
fitout_capex_per_it_mw_usd = 1e6
contract_years = 5

[simulation]
horizon_days = 60
n_paths = 4
seed = 1
discount_rate_per_year = 0.1

[simulation.network]
date = 2025-11-03
height = 922000
difficulty = 155.97e12
btc_price_usd = 106935
fees_btc_per_block = 0.02

[simulation.price]
model = "merton"
drift_per_year = 0.0
volatility = 0.5
jump_intensity_per_year = 1.0
jump_mean = 0.0
jump_volatility = 0.1

[simulation.hashrate]
model = "economic"
cost_hashprice_usd_per_th_day = 0.04
entry_rate_per_year = 1.0
exit_rate_per_year = 1.0
cost_decline_per_year = 0.1
lag_days = 30
volatility = 0.2
step_days = 14

[simulation.fees]
model = "stochastic"
level_btc = 0.02
mean_level_btc = 0.02
reversion_per_year = 1.0
volatility = 0.5
spike_rate_per_year = 1.0
spike_mean = 0.5
step_days = 7

[valuation.v]
start_from = "market"
mining_rate_per_year = 0.1
hosting_rate_per_year = 0.1
guarantor_rate_per_year = 0.1
hosting_exit_multiple = 10
renewal_probability = 0.5
renewal_years = 5
mining_exit_multiple = 2
tax_rate = 0.2
loan_to_cost = 0.5
debt_rate_per_year = 0.08
debt_tenor_years = 5
"""


def numbered_keys(text):
    """(key path, line) of every ``name = number`` line of a file."""
    by_line = {}
    for key, line in key_lines(text).items():
        by_line.setdefault(line, []).append(key)
    found = []
    for number, raw in enumerate(text.splitlines(), 1):
        name, sep, value = raw.partition(" = ")
        if sep and re.fullmatch(r"-?[\d.]+(e[-+]?\d+)?", value):
            found.append((next(k for k in by_line[number] if k.endswith("." + name)), number))
    return found


def test_every_number_of_the_full_file_loads_and_runs(tmp_path):
    study = load_scenario(write(tmp_path, EVERY_NUMBER))
    table = study.run().table()
    assert np.isfinite(table["mean_npv"]).all()


@pytest.mark.parametrize("value", ["1e308", "-1e308"])
@pytest.mark.parametrize(("key", "line"), numbered_keys(EVERY_NUMBER))
def test_numbers_near_the_float_limit_are_refused_at_their_key(tmp_path, key, line, value):
    # Issue 10: 1e308 for a price, capex or MW passed the file and overflowed later
    # in the run ("capex must be finite", "daily must be finite"), naming no key.
    lines = EVERY_NUMBER.splitlines()
    lines[line - 1] = f"{lines[line - 1].partition(' = ')[0]} = {value}"
    with pytest.raises(ConfigError) as raised:
        load_scenario(write(tmp_path, "\n".join(lines) + "\n"))
    assert (raised.value.key, raised.value.line) == (key, line)
    message = str(raised.value)
    assert "scenario.toml" in message
    # the valid range: "in [0, 1e+12]", "in (-1, 10]", ...
    assert re.search(r"in [\[(]-?[\d.e+]+, [\d.e+* -]+[\])]", message), message


def test_every_number_at_the_top_of_its_range_runs_to_finite_values(tmp_path):
    # The ranges stop far below the float limit: all at their maximum at once (those
    # tied to another key set just below it) still give finite NPVs.
    from minerecon import config

    keys = {}
    for schema in (
        config._SITE,
        config._FLEET,
        config._SPLIT,
        config._COLOCATION,
        config._GPU_CLOUD,
        config._NETWORK,
        config._VALUATION,
        config._SIMULATION,
        *(schema for models in config._MODELS.values() for schema, _, _ in models.values()),
    ):
        for key in schema.values():
            keys.setdefault(key.name, key)
    # Bound by other keys: a PUE at most gross_to_it, fees at most the fee model's
    # ceiling (10 BTC), the split's decision inside the horizon, the renewal of the
    # market view added to the extension within 1,000 years; sizes left as they are.
    tied = {
        "pue",
        "level_btc",
        "decision_day",
        "delivery_day",
        "extension_years",
        "fraction",
        "converted_mw",
        "count",
        "n_paths",
        "seed",
        "horizon_days",
        "height",
    }
    lines = EVERY_NUMBER.splitlines()
    for key, line in numbered_keys(EVERY_NUMBER):
        name = key.rsplit(".", 1)[1]
        schema_key = keys[name]
        if name in tied or schema_key.high is None:
            continue
        top = schema_key.high * (1 - 1e-9) if schema_key.high_open else schema_key.high
        lines[line - 1] = f"{name} = {top!r}"
    study = load_scenario(write(tmp_path, "\n".join(lines) + "\n"))
    table = study.run().table()
    assert np.isfinite(table[["mean_npv", "p5_npv", "expected_shortfall_95"]]).all().all()


def test_a_file_saved_with_a_byte_order_mark_loads(tmp_path):
    # Issue 10: Windows editors save UTF-8 with a BOM, which tomllib refuses.
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode("utf-8"))
    study = load_scenario(path)
    assert study.site.gross_mw == 10.0 and study.n_paths == 4
    # Lines are counted as without the mark.
    text = MINIMAL.replace("gross_mw = 10", "gross_mw = -1")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    with pytest.raises(ConfigError) as raised:
        load_scenario(path)
    assert (raised.value.key, raised.value.line) == ("site.gross_mw", 2)


def test_a_delivery_after_the_horizon_is_refused_at_its_key(tmp_path):
    # It was reported at [simulation] by the scenario, which knows no key.
    text = MINIMAL.replace("count = 2500", "count = 2500\ndelivery_day = 60")
    with pytest.raises(ConfigError, match=r"horizon of 60 days.*\[0, 59\]") as raised:
        load_scenario(write(tmp_path, text))
    assert raised.value.key == "site.fleet[0].delivery_day"
    assert raised.value.line == line_of(text, "delivery_day")
    text = MINIMAL.replace("count = 2500", "count = 2500\ndelivery_date = 2020-01-01")
    with pytest.raises(ConfigError, match="before the start") as raised:
        load_scenario(write(tmp_path, text))
    assert raised.value.key == "site.fleet[0].delivery_date"


@pytest.mark.parametrize("path", [None, 5, b"scenario.toml", ["a.toml"]])
def test_a_path_that_is_not_a_path_is_a_type_error(path):
    # Path(None) raised "expected str, bytes or os.PathLike object", naming no argument.
    with pytest.raises(TypeError, match=r"path must be a str or os\.PathLike"):
        load_scenario(path)


def test_an_empty_path_or_one_with_a_nul_is_refused(tmp_path):
    # "" is the working directory to pathlib; a NUL made open() raise a bare ValueError.
    with pytest.raises(ValueError, match="path must name a scenario file"):
        load_scenario("")
    with pytest.raises(ConfigError, match="cannot read the file"):
        load_scenario(str(tmp_path / "a\x00b.toml"))


def test_key_lines_wants_text():
    # None.split raised AttributeError.
    with pytest.raises(TypeError, match="text must be a str"):
        key_lines(None)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("site", None),  # was accepted
        ("scenario", None),  # AttributeError on scenario.discount_rate
        ("splits", None),  # TypeError from dict(None)
        ("splits", {"half": "a split"}),
        ("valuations", [1, 2]),  # TypeError from dict([1, 2])
        ("n_paths", True),  # was accepted as one path
        ("n_paths", 2**63),
        ("seed", -1),
        ("seed", "7"),
        ("name", 5),
        ("notes", "one note"),
    ],
)
def test_site_study_fields_are_checked_by_name(tmp_path, field, value):
    study = load_scenario(write(tmp_path, MINIMAL))
    with pytest.raises(ValueError, match=rf"^{field} must"):
        study.replace(**{field: value})
