"""The ``minerecon`` command: output, files, options and exit statuses."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from minerecon import MinereconWarning, cli, config, datasets, economics, network, plot, presets
from minerecon.hardware import get_miner, list_miners
from minerecon.valuation import COMPONENTS


@pytest.fixture(autouse=True, scope="module")
def bundled_only(tmp_path_factory):
    """An empty data cache: the expected values are those of the bundled history."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(datasets.CACHE_ENV, str(tmp_path_factory.mktemp("empty-cache")))
        yield


def run(argv, capsys):
    status = cli.main(argv)
    return status, capsys.readouterr()


def test_report_prints_every_machine_and_writes_the_figures(tmp_path, capsys):
    status, out = run(["report", "--out", str(tmp_path)], capsys)
    assert status == 0
    for name in list_miners().index:
        assert name in out.out
    # The header states the snapshot: the last day of the bundled history.
    assert "2026-08-16" in out.out
    for name in ("breakeven_btc_price.png", "margin_vs_btc_price.png", "miner_economics.csv"):
        assert (tmp_path / name).stat().st_size > 1000
    assert (tmp_path / "breakeven_btc_price.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_json_matches_the_library(tmp_path, capsys):
    argv = ["report", "--out", str(tmp_path), "--format", "json"]
    argv += ["--btc-price", "87000", "--difficulty", "152.27e12", "--fees", "0"]
    argv += ["--power-price", "0.06", "--pool-fee", "0.02", "--pue", "1.1", "--uptime", "0.95"]
    status, out = run(argv, capsys)
    assert status == 0
    payload = json.loads(out.out)
    assert payload["inputs"]["btc_price_usd"] == 87000
    rows = {row["miner"]: row for row in payload["miners"]}
    s21xp = rows["Antminer S21 XP"]
    kwargs = {"pool_fee": 0.02, "pue": 1.1, "uptime": 0.95}
    # Same numbers as calling the core functions directly with the options given.
    assert_allclose(
        s21xp["margin_usd_per_th_day"],
        economics.margin_per_th(87_000, 152.27e12, 13.5, 0.06, **kwargs),
        rtol=1e-12,
    )
    assert_allclose(
        s21xp["breakeven_btc_price_usd"],
        economics.breakeven_btc_price(152.27e12, 13.5, 0.06, **kwargs),
        rtol=1e-12,
    )
    # Hashprice in the header: 87,000 USD at 152.27 T with no fees is 35.92 USD/PH/day
    # (87000 * 86400e12 * 3.125 / (152.27e12 * 2**32) * 1000).
    assert_allclose(payload["inputs"]["hashprice_usd_per_ph_day"], 35.92, rtol=1e-3)


def test_report_csv_round_trips(tmp_path, capsys):
    status, out = run(["report", "--out", str(tmp_path), "--format", "csv"], capsys)
    assert status == 0
    printed = pd.read_csv(pd.io.common.StringIO(out.out), index_col="miner")
    written = pd.read_csv(tmp_path / "miner_economics.csv", index_col="miner")
    pd.testing.assert_frame_equal(printed, written)
    assert len(printed) == len(list_miners())


def test_report_from_a_past_date(tmp_path, capsys):
    status, out = run(["report", "--out", str(tmp_path), "--date", "2025-11-20"], capsys)
    assert status == 0
    # Difficulty 152.27 T was in force on 2025-11-20 (bundled history).
    assert "152.27 T" in out.out


def test_breakeven_for_one_machine(capsys):
    argv = ["breakeven", "--miner", "s21 xp", "--format", "json", "--btc-price", "87000"]
    argv += ["--difficulty", "152.27e12", "--fees", "0", "--power-price", "0.05"]
    status, out = run(argv, capsys)
    assert status == 0
    summary = json.loads(out.out)
    assert summary["miner"] == "Antminer S21 XP"
    # 0.0162 USD/TH/day of energy (13.5 * 24 / 1000 * 0.05) over the BTC one TH/s mines.
    expected = 0.0162 / network.btc_per_th_day(152.27e12)
    assert_allclose(summary["breakeven_btc_price_usd"], expected, rtol=1e-12)
    assert_allclose(summary["energy_cost_usd_per_btc"], expected, rtol=1e-12)
    assert_allclose(summary["shutdown_hashprice_usd_per_ph_day"], 16.2, rtol=1e-12)


def test_breakeven_table_output(capsys):
    status, out = run(["breakeven", "--miner", "Antminer S21"], capsys)
    assert status == 0
    assert "breakeven_power_price_usd_per_kwh" in out.out
    assert "[USD/kWh]" in out.out


def test_miners_lists_the_catalogue(capsys):
    status, out = run(["miners"], capsys)
    assert status == 0
    assert "Whatsminer M66S" in out.out
    assert f"{get_miner('Antminer S21').power:.0f}" in out.out


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["report", "--pool-fee", "1.5"], "--pool-fee"),
        (["report", "--pool-fee", "-0.1"], "--pool-fee"),
        (["report", "--power-price", "-1"], "--power-price"),
        (["report", "--power-price", "cheap"], "--power-price"),
        (["report", "--btc-price", "0"], "--btc-price"),
        (["report", "--difficulty", "nan"], "--difficulty"),
        (["report", "--pue", "0.9"], "--pue"),
        (["report", "--uptime", "0"], "--uptime"),
        (["report", "--uptime", "1.2"], "--uptime"),
        (["report", "--fees", "-0.5"], "--fees"),
        (["report", "--format", "xml"], "--format"),
        (["report", "--date", "2030-01-01"], "--date"),
        (["breakeven", "--miner", "Antminer Z99"], "--miner"),
        (["breakeven"], "--miner"),
    ],
)
def test_bad_values_exit_2_with_one_line_naming_the_option(argv, option, capsys, tmp_path):
    with pytest.raises(SystemExit) as raised:
        cli.main([*argv, "--out", str(tmp_path)] if argv[0] == "report" else argv)
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert option in err


def test_help_describes_the_commands(capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["report", "--help"])
    assert raised.value.code == 0
    text = capsys.readouterr().out
    for option in ("--btc-price", "--power-price", "--pool-fee", "--pue", "--out", "--format"):
        assert option in text
    assert "USD/kWh" in text


def test_console_script_runs_the_report(tmp_path):
    # pip installs the ``minerecon`` script beside the interpreter.
    script = Path(sys.executable).parent / "minerecon"
    done = subprocess.run(
        [str(script), "report", "--out", str(tmp_path), "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("miner,")


# --------------------------------------------------------------------------
# Site studies: ``compare FILE.toml`` and ``report --preset``
# --------------------------------------------------------------------------

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "site.toml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def single_rate_copy(folder):
    """examples/site.toml without its [valuation.*] tables: one view, "single rate"."""
    lines, keep = [], True
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            keep = not line.startswith("[valuation")
        if keep:
            lines.append(line)
    path = folder / "single_rate.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert list(config.load_scenario(path).valuations) == ["single rate"]
    return path


def run_quietly(argv):
    """``minerecon argv`` in a module fixture (no capsys there): its standard output."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = cli.main(argv)
    assert status == 0
    return printed.getvalue()


@pytest.fixture(scope="module")
def example_json(tmp_path_factory):
    """``compare examples/site.toml --paths 20 --seed 3 --format json --no-html``."""
    out = tmp_path_factory.mktemp("example")
    argv = ["compare", str(EXAMPLE), "--paths", "20", "--seed", "3", "--format", "json"]
    printed = run_quietly([*argv, "--no-html", "--out", str(out)])
    return json.loads(printed), out


@pytest.fixture(scope="module")
def single_rate_run(tmp_path_factory):
    """``compare`` of the example without its views, as a table, with report.html."""
    out = tmp_path_factory.mktemp("single")
    path = single_rate_copy(out)
    return run_quietly(["compare", str(path), "--paths", "10", "--out", str(out)]), out


def test_compare_prints_every_option_and_writes_figures(tmp_path, capsys):
    status, out = run(["compare", str(EXAMPLE), "--paths", "50", "--out", str(tmp_path)], capsys)
    assert status == 0
    text = out.out
    for option in ("pure mining", "quarter", "half", "all"):
        assert option in text
    headings = ("mean NPV $M", "p5 $M", "P(loss)", "CVaR95 loss $M", "equity NPV $M", "IRR")
    headings += ("equity IRR", "min DSCR", "P(beats mining)", "break-even BTC $", "b-e hashprice")
    for heading in headings:
        assert text.count(heading) >= 2  # in the table of each view
    assert "50 paths, seed 42" in text
    # examples/site.toml has two views, market first; each prints its conventions
    # (Valuation.describe), its table, its value by part and its verdict.
    market, conservative = text.index("== market view =="), text.index("== conservative view ==")
    assert market < conservative
    # Valuation.market(): 15 / 8 / 5.5 % (the sourced constants of minerecon.valuation);
    # conservative: the file's discount_rate_per_year, 10 %.
    assert "discount rates: mining 15.00%, hosting 8.00%, guaranteed rent 5.50%" in text
    assert "discount rates: mining 10.00%, hosting 10.00%, guaranteed rent 10.00%" in text
    assert text.count("Mean value by part [M USD]:") == 2
    assert "\nmarket: " in text and "\nconservative: " in text
    # The decision tornado: the first view only.
    assert text.count("What moves it: Mean equity NPV of ") == 1
    assert market < text.index("What moves it: ") < conservative
    for view in ("market", "conservative"):
        for name in (f"npv_distribution_{view}.png", f"split_fraction_curve_{view}.png"):
            assert (tmp_path / name).read_bytes()[:8] == PNG_SIGNATURE
    assert (tmp_path / "decision_tornado_market.png").read_bytes()[:8] == PNG_SIGNATURE
    assert not (tmp_path / "decision_tornado_conservative.png").exists()
    assert not (tmp_path / "npv_distribution.png").exists()
    assert (tmp_path / "site_comparison.csv").stat().st_size > 100


def test_compare_without_views_prints_one_single_rate_view(single_rate_run):
    text, out = single_rate_run
    assert text.count(" view ==") == 1 and "== single rate view ==" in text
    # The file's discount_rate_per_year (10 %) for every flow, before tax.
    assert "discount rates: mining 10.00%, hosting 10.00%, guaranteed rent 10.00%" in text
    assert "tax: none (pre-tax values)" in text and "financing: none (all equity)" in text
    assert "\nsingle rate: " in text and "What moves it: " in text
    for name in ("npv_distribution", "split_fraction_curve", "decision_tornado"):
        assert (out / f"{name}_single_rate.png").read_bytes()[:8] == PNG_SIGNATURE


def test_compare_json_and_csv(example_json, tmp_path, capsys):
    payload, written = example_json
    assert payload["n_paths"] == 20 and payload["seed"] == 3
    assert list(payload["views"]) == ["market", "conservative"]
    options = ["pure mining", "quarter", "half", "all"]
    for view in payload["views"].values():
        assert [row["option"] for row in view["options"]] == options
    # --no-html: no page written, none announced.
    assert not (written / "report.html").exists()
    argv = ["compare", str(EXAMPLE), "--paths", "20", "--seed", "3", "--out", str(tmp_path)]
    status, out = run([*argv, "--format", "csv", "--no-html"], capsys)
    assert status == 0
    table = pd.read_csv(pd.io.common.StringIO(out.out), index_col=["view", "option"])
    assert table.index.names == ["view", "option"]
    assert list(table.index) == [(v, o) for v in ("market", "conservative") for o in options]
    # Same paths (same seed) give the same numbers in both formats.
    for name, view in payload["views"].items():
        assert_allclose(
            table.loc[name, "mean_npv"],
            [row["mean_npv"] for row in view["options"]],
            rtol=1e-9,
            atol=0,
        )
    # The file written is the table printed, whatever the format printed.
    for folder in (tmp_path, written):
        on_disk = pd.read_csv(folder / "site_comparison.csv", index_col=["view", "option"])
        pd.testing.assert_frame_equal(on_disk, table)


def test_compare_json_mean_npv_is_the_library_npv_in_usd(example_json):
    # The command's mean NPV is SiteComparison.npv [USD] averaged over the paths of
    # the same study, paths and seed, in each view: no rescaling to M USD in the JSON.
    views = example_json[0]["views"]
    study = config.load_scenario(EXAMPLE).replace(n_paths=20, seed=3)
    first = study.run()
    for name, view in views.items():
        npv = first.revalue(study.valuations[name]).npv
        rows = view["options"]
        expected = [float(npv.sel(option=row["option"]).mean()) for row in rows]
        assert_allclose([row["mean_npv"] for row in rows], expected, rtol=1e-9, atol=0)
        assert max(abs(v) for v in expected) > 1e6  # a 100 MW site: tens of M USD


def test_report_preset_prints_the_table_and_writes_pngs(tmp_path, capsys):
    argv = ["report", "--preset", "cleanspark-fy2025", "--paths", "50", "--out", str(tmp_path)]
    status, out = run(argv, capsys)
    assert status == 0
    for option in ("pure mining", "25% hosted", "50% hosted", "75% hosted", "full conversion"):
        assert option in out.out
    assert "285 MW" in out.out and "0.056 USD/kWh" in out.out
    # The preset's two views, in order, each with its conventions and verdict.
    market, conservative = (
        out.out.index("== market view =="),
        out.out.index("== conservative view =="),
    )
    assert market < conservative
    # Valuation.market(): mining 15 %, hosting 8 %, guaranteed rent 5.5 % (the sourced
    # constants of minerecon.valuation); conservative: the preset's one 10 % rate.
    assert "discount rates: mining 15.00%, hosting 8.00%, guaranteed rent 5.50%" in out.out
    assert "discount rates: mining 10.00%, hosting 10.00%, guaranteed rent 10.00%" in out.out
    assert out.out.count("Mean value by part [M USD]:") == 2
    assert "\nmarket: " in out.out and "\nconservative: " in out.out
    # The decision tornado is printed for the first view only.
    assert out.out.count("What moves it: ") == 1
    assert market < out.out.index("What moves it: ") < conservative
    for view in ("market", "conservative"):
        for name in (f"npv_distribution_{view}.png", f"split_fraction_curve_{view}.png"):
            assert (tmp_path / name).read_bytes()[:8] == PNG_SIGNATURE
    assert (tmp_path / "decision_tornado_market.png").read_bytes()[:8] == PNG_SIGNATURE
    assert not (tmp_path / "decision_tornado_conservative.png").exists()


# --------------------------------------------------------------------------
# The preset's views, its JSON document and its CSV table
# --------------------------------------------------------------------------

PRESET_PATHS = 100


@pytest.fixture(scope="module")
def preset_run(tmp_path_factory):
    """The preset at 100 paths (seed 2025, the preset's): its JSON and its CSV file."""
    out = tmp_path_factory.mktemp("preset")
    argv = ["report", "--preset", "cleanspark-fy2025", "--paths", str(PRESET_PATHS)]
    printed = run_quietly([*argv, "--format", "json", "--no-html", "--out", str(out)])
    table = pd.read_csv(out / "site_comparison.csv", index_col=["view", "option"])
    return json.loads(printed), table


def test_preset_market_view_favours_a_split_and_the_conservative_view_mining(preset_run):
    payload, table = preset_run
    assert payload["n_paths"] == PRESET_PATHS and payload["seed"] == 2025
    assert list(payload["views"]) == ["market", "conservative"]
    # BTC closed at 88,235 USD on 2025-11-25 (bundled history), the preset's start.
    start = network.NetworkState.from_history(payload["start"]).btc_price
    assert_allclose(start, 88_235, atol=0.5)

    def npvs(view):
        return {row["option"]: row["mean_npv"] for row in payload["views"][view]["options"]}

    market, conservative = npvs("market"), npvs("conservative")
    winner = payload["views"]["market"]["winner"]
    assert winner != "pure mining"
    assert winner == max(market, key=market.get)
    assert market[winner] > market["pure mining"]
    # The decision break-even of the winner: mining wins only above a constant price
    # well above the start's, or never up to 1,000,000 USD ("split always", inf; the
    # CSV keeps inf, the JSON cannot).
    price = table.loc[("market", winner), "breakeven_btc_price_usd"]
    assert price == math.inf or (math.isfinite(price) and price > start)
    assert payload["views"]["conservative"]["winner"] == "pure mining"
    assert all(
        conservative[o] < conservative["pure mining"] for o in conservative if o != "pure mining"
    )

    # Robust to the path count: every option runs on the same paths, so the gap's
    # standard error is that of the path-by-path difference. At 100 paths (seed 2025)
    # the market gap of full conversion over mining is 1,179 M USD with a standard
    # error of 49 M USD (24 SE), and the smallest conservative gap, 25 % hosted,
    # -135 M USD with 4.5 M USD (30 SE); at 50 paths: 1,154 +/- 74 and -135 +/- 6.5.
    # The break-even is found on one deterministic path (the simulation's mean fees,
    # here constant, and no hashrate noise): the same 675,316 USD/BTC at 50 and 100
    # paths. The gaps are checked here on the library's paths, which the command's
    # numbers must equal.
    study = presets.cleanspark_fy2025(n_paths=PRESET_PATHS)
    comparison = study.run()
    for view, result in (
        ("market", comparison),
        ("conservative", comparison.revalue(study.valuations["conservative"])),
    ):
        mining = result.npv.sel(option="pure mining").values
        gaps = npvs(view)
        for option in result.options[1:]:
            gap = result.npv.sel(option=option).values - mining
            assert_allclose(gaps[option] - gaps["pure mining"], gap.mean(), rtol=1e-9)
            error = gap.std(ddof=1) / math.sqrt(PRESET_PATHS)
            assert abs(gap.mean()) > 10 * error, (view, option, gap.mean(), error)


def test_study_json_schema_and_value_parts_add_up(preset_run, tmp_path, capsys):
    preset, _ = preset_run
    path = single_rate_copy(tmp_path)
    argv = ["compare", str(path), "--paths", "20", "--format", "json", "--no-html"]
    status, out = run([*argv, "--out", str(tmp_path)], capsys)
    assert status == 0
    single = json.loads(out.out)
    # The rates of each view (Valuation.describe): market 15 / 8 / 5.5 % (the sourced
    # constants of minerecon.valuation); conservative 10 % (the preset's rate);
    # single rate 10 % (discount_rate_per_year of examples/site.toml).
    rates = {
        "market": "mining 15.00%, hosting 8.00%, guaranteed rent 5.50%",
        "conservative": "mining 10.00%, hosting 10.00%, guaranteed rent 10.00%",
        "single rate": "mining 10.00%, hosting 10.00%, guaranteed rent 10.00%",
    }
    for payload, n_paths in ((preset, PRESET_PATHS), (single, 20)):
        assert set(payload) == {"study", "start", "days", "n_paths", "seed", "notes", "views"}
        assert payload["n_paths"] == n_paths
        for index, (name, view) in enumerate(payload["views"].items()):
            assert set(view) == {
                "conventions",
                "winner",
                "options",
                "value_breakdown",
                "split_curve",
                "tornado",
            }
            conventions = view["conventions"]
            assert all(isinstance(line, str) for line in conventions)
            assert conventions[0].startswith(f"discount rates: {rates[name]}")
            rows = view["options"]
            assert rows[0]["option"] == "pure mining"
            # Pure mining has no break-even of its own: nan, null in JSON.
            assert rows[0]["breakeven_btc_price_usd"] is None
            assert rows[0]["breakeven_hashprice_usd_per_ph_day"] is None
            assert all(isinstance(row["mean_npv"], float) for row in rows)
            assert view["winner"] == max(rows, key=lambda row: row["mean_npv"])["option"]
            # Law: the first five parts add up to the NPV, all six to the equity NPV
            # (means over paths, each computed on its own), and those are the table's.
            parts = view["value_breakdown"]
            assert [part["option"] for part in parts] == [row["option"] for row in rows]
            for part, row in zip(parts, rows, strict=True):
                five = sum(part[name] for name in COMPONENTS[:5])
                assert_allclose(five, part["npv"], rtol=1e-6, atol=1.0)
                assert_allclose(five + part["financing"], part["equity_npv"], rtol=1e-6, atol=1.0)
                assert_allclose(part["npv"], row["mean_npv"], rtol=1e-9)
                assert_allclose(part["equity_npv"], row["mean_equity_npv"], rtol=1e-9)
            # The split curve values the contract on the same paths: its 0 is pure mining.
            curve = view["split_curve"]
            assert_allclose(curve["mean_npv"]["0"], rows[0]["mean_npv"], rtol=1e-9)
            best = max(curve["mean_npv"], key=curve["mean_npv"].get)
            assert_allclose(float(best), curve["best_fraction"], rtol=0, atol=0)
            # Only the first view carries the decision tornado.
            if index == 0:
                tornado = view["tornado"]
                # The report's tornado runs at most 200 paths (docs: Valuing a site).
                assert tornado["n_paths"] == min(200, n_paths)
                assert tornado["output"].startswith("Mean equity NPV of ")
                assert {"driver", "parameter", "output_low", "output_high"} <= set(
                    tornado["drivers"][0]
                )
            else:
                assert view["tornado"] is None
    market = preset["views"]["market"]
    rows = {row["option"]: row for row in market["options"]}
    # Same lease on the same paths: the curve's 50 % and 100 % are the options'.
    assert_allclose(market["split_curve"]["mean_npv"]["0.5"], rows["50% hosted"]["mean_npv"])
    assert_allclose(market["split_curve"]["mean_npv"]["1"], rows["full conversion"]["mean_npv"])
    # The tornado runs on the study's 100 paths and seed: its base case is the
    # table's equity gain of the best split over pure mining [M USD].
    tornado = market["tornado"]
    gain = rows["full conversion"]["mean_equity_npv"] - rows["pure mining"]["mean_equity_npv"]
    assert "full conversion" in tornado["output"]
    for driver in tornado["drivers"]:
        assert_allclose(driver["base_output"], gain / 1e6, rtol=1e-9)


def test_preset_csv_file_holds_every_view_with_the_json_numbers(preset_run):
    payload, table = preset_run
    assert table.index.names == ["view", "option"]
    assert list(table.index.get_level_values("view").unique()) == ["market", "conservative"]
    for name, view in payload["views"].items():
        rows = view["options"]
        assert list(table.loc[name].index) == [row["option"] for row in rows]
        # Same run, same numbers.
        assert_allclose(
            table.loc[name, "mean_npv"], [row["mean_npv"] for row in rows], rtol=1e-12, atol=0
        )


def test_json_tells_split_always_from_no_breakeven(preset_run):
    # JSON has no infinity: a break-even of inf ("split always") is null like pure
    # mining's nan, and the "decision" field tells them apart.
    payload, table = preset_run
    rows = {row["option"]: row for row in payload["views"]["market"]["options"]}
    always = [o for o in rows if table.loc[("market", o), "breakeven_btc_price_usd"] == math.inf]
    assert always  # 25 % hosted: the split wins at every price up to 1,000,000 USD
    for option in always:
        assert rows[option]["decision"] == "split always"
    assert rows["pure mining"]["decision"] is None
    for option, row in rows.items():
        price = table.loc[("market", option), "breakeven_btc_price_usd"]
        if math.isfinite(price) and price > 0:
            assert row["decision"] == "mining above the break-even"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[site]\ngross_mw = \n", "line 2"),  # TOML syntax error
        ("[site]\ngross_kw = 5\n", "site.gross_kw"),  # wrong unit
        ("[site]\ngross_mw = 5\n", "site.fleet"),  # missing required
        ('[site]\ngross_mw = "5"\n', "site.gross_mw"),  # wrong type
    ],
)
def test_compare_malformed_file_exits_2_with_one_line(text, fragment, tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SystemExit) as raised:
        cli.main(["compare", str(path), "--out", str(tmp_path)])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert fragment in err and "bad.toml" in err


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["report", "--preset", "cleanspark-fy2025", "--btc-price", "90000"], "--btc-price"),
        (["report", "--preset", "nope"], "--preset"),
        (["report", "--paths", "10"], "--paths"),
        (["compare", str(EXAMPLE), "--paths", "0"], "--paths"),
        (["compare", str(EXAMPLE), "--format", "xml"], "--format"),
    ],
)
def test_bad_study_options_exit_2(argv, option, tmp_path, capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main([*argv, "--out", str(tmp_path)])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert option in err


def test_calibrate_prints_every_fitted_value_with_its_window(capsys):
    status, out = run(["calibrate", "--format", "json"], capsys)
    assert status == 0
    rows = {(row["component"], row["parameter"]): row for row in json.loads(out.out)}
    drift = rows[("price", "drift")]
    # Default window: the four years to the last day of the bundled history.
    assert (drift["start"], drift["end"]) == ("2022-08-17", "2026-08-16")
    # No drift unless asked for: an assumption, not a fitted value.
    assert drift["value"] == 0.0 and not drift["fitted"]
    assert rows[("price", "volatility")]["fitted"] and not rows[("fees", "step_days")]["fitted"]
    # The hashrate response is fitted from the 2024 halving.
    assert rows[("hashrate", "cost_hashprice")]["start"] == "2024-04-20"


def test_calibrate_fitted_drift_is_printed_with_a_warning(capsys):
    # the suite turns MinereconWarning into an error; a user's shell shows it
    with warnings.catch_warnings():
        warnings.simplefilter("default", MinereconWarning)
        status, out = run(["calibrate", "--format", "json", "--price-drift", "fitted"], capsys)
    assert status == 0
    rows = {(row["component"], row["parameter"]): row for row in json.loads(out.out)}
    # 2022-08-17..2026-08-16: mean daily log return * 365 + vol^2 / 2 = 0.356 a year
    assert rows[("price", "drift")]["fitted"]
    assert rows[("price", "drift")]["value"] == pytest.approx(0.3558, abs=1e-4)
    # one line per warning: the drift, and the weak hashrate fit of the default window
    drift, weak = out.err.splitlines()
    assert drift.startswith("minerecon: warning: the fitted BTC drift") and "backward" in drift
    assert weak.startswith("minerecon: warning: EconomicHashrate.fit: hashprice explains R^2")
    with pytest.raises(SystemExit) as raised:
        cli.main(["calibrate", "--price-drift", "mean"])
    assert raised.value.code == 2
    assert "--price-drift: expected 'zero', 'fitted' or a number" in capsys.readouterr().err


def test_calibrate_outside_the_history_exits_2(capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["calibrate", "--start", "2030-01-01"])
    assert raised.value.code == 2
    assert "start" in capsys.readouterr().err


# --------------------------------------------------------------------------
# report.html: one self-contained page per run
# --------------------------------------------------------------------------


def _check_page(path, parse_html, n_images):
    text = path.read_text(encoding="utf-8")
    page = parse_html(text)
    assert page.problems == []
    assert len(page.pngs) == n_images
    assert all(png.startswith(PNG_SIGNATURE) and len(png) > 1000 for png in page.pngs)
    assert all(image["alt"].strip() for image in page.images)
    # Self-contained: nothing to fetch.
    assert "http://" not in text and "https://" not in text
    assert "script" not in page.tags and "link" not in page.tags
    return page


def test_report_writes_a_self_contained_html_page(tmp_path, capsys, parse_html):
    status, out = run(["report", "--out", str(tmp_path), "--power-price", "0.06"], capsys)
    assert status == 0
    assert f"wrote {tmp_path / 'report.html'}" in out.out
    page = _check_page(tmp_path / "report.html", parse_html, n_images=2)
    # The page shows the figures written, byte for byte (one rendering of each).
    written = {path.read_bytes() for path in tmp_path.glob("*.png")}
    assert len(written) == 2 and set(page.pngs) == written
    for name in list_miners().index:
        assert name in page.plain
    for header in (
        "hashrate [TH/s]",
        "power [W]",
        "efficiency [J/TH]",
        "margin [USD/TH/day]",
        "break-even BTC price [USD/BTC]",
        "break-even power price [USD/kWh]",
    ):
        assert header in page.headers
    # The inputs, each with its unit, and the provenance of the bundled history.
    assert "2026-08-16" in page.plain and "0.06" in page.plain
    assert "a block takes 2^32 x difficulty hashes on average" in page.plain
    assert "facility power / machine power" in page.plain
    for fragment in ("Data provenance", "Bitstamp", "Electrum", "blockchain.com", "2014-01-01"):
        assert fragment in page.plain


def test_each_study_writes_to_its_own_folder_by_default(tmp_path, capsys, monkeypatch):
    # The catalogue report, a preset and a scenario file each get a folder named
    # for them (docs: getting started, "minerecon report"), so no run overwrites another's.
    monkeypatch.chdir(tmp_path)
    runs = {
        "minerecon-report": ["report", "--no-html"],
        "minerecon-preset-cleanspark-fy2025": [
            "report", "--preset", "cleanspark-fy2025", "--paths", "20", "--no-html",
        ],
        "minerecon-compare-site": ["compare", str(EXAMPLE), "--paths", "20", "--no-html"],
    }  # fmt: skip
    written = {}
    for folder, argv in runs.items():
        status, out = run(argv, capsys)
        assert status == 0
        assert f"wrote {folder}{os.sep}" in out.out  # each file's line names the folder
        written[folder] = {path.name: path.read_bytes() for path in Path(folder).iterdir()}
        assert written[folder]
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(runs)
    assert "miner_economics.csv" in written["minerecon-report"]
    assert "site_comparison.csv" in written["minerecon-preset-cleanspark-fy2025"]
    assert "site_comparison.csv" in written["minerecon-compare-site"]
    # The first folder is as the first run left it.
    first = Path("minerecon-report")
    assert {path.name: path.read_bytes() for path in first.iterdir()} == written[first.name]


def test_no_html_writes_no_page(tmp_path, capsys):
    status, out = run(["report", "--out", str(tmp_path), "--no-html"], capsys)
    assert status == 0
    assert not (tmp_path / "report.html").exists()
    assert "report.html" not in out.out
    assert (tmp_path / "breakeven_btc_price.png").exists()


def test_report_preset_html_holds_the_comparison(tmp_path, capsys, parse_html):
    argv = ["report", "--preset", "cleanspark-fy2025", "--paths", "20", "--out", str(tmp_path)]
    status, out = run([*argv, "--format", "csv"], capsys)
    assert status == 0
    # Per view an NPV distribution and a split curve, and the first view's tornado.
    page = _check_page(tmp_path / "report.html", parse_html, n_images=5)
    alts = [image["alt"] for image in page.images]
    assert sum("Tornado chart" in alt and "market view" in alt for alt in alts) == 1
    options = ("pure mining", "25% hosted", "50% hosted", "75% hosted", "full conversion")
    for option in options:
        assert option in page.headers  # a row of the tables
    for header in (
        "mean NPV [M USD]",
        "P(loss) [%]",
        "mean equity NPV [M USD]",
        "median lowest DSCR [-]",
        "break-even BTC price [USD/BTC]",
        "break-even hashprice [USD/PH/day]",
    ):
        assert page.headers.count(header) == 2  # one comparison table per view
    for section in (
        "Verdict",
        "Market view",
        "Conservative view",
        "Break-even conventions",
        "Assumptions and notes",
    ):
        assert section in page.plain
    # Each view states its rates (Valuation.market(): 15 / 8 / 5.5 %).
    assert "mining 15.00%, hosting 8.00%, guaranteed rent 5.50%" in page.plain
    # The preset's sources and assumptions, and the run's paths.
    assert "StockTitan" in page.plain and "idle S21-class machines" in page.plain
    assert "20 paths" in page.plain
    # The printed CSV holds every view, and each view the options of the page.
    printed = pd.read_csv(pd.io.common.StringIO(out.out))
    assert list(printed.columns[:2]) == ["view", "option"]
    assert list(printed["view"]) == ["market"] * 5 + ["conservative"] * 5
    assert list(printed["option"]) == list(options) * 2


def test_compare_html_and_no_html(tmp_path, capsys, parse_html):
    argv = ["compare", str(EXAMPLE), "--paths", "20", "--out", str(tmp_path)]
    status, out = run(argv, capsys)
    assert status == 0
    assert f"wrote {tmp_path / 'report.html'}" in out.out
    # Two views: an NPV distribution and a split curve each, the market's tornado.
    page = _check_page(tmp_path / "report.html", parse_html, n_images=5)
    for option in ("pure mining", "quarter", "half", "all"):
        assert option in page.headers
    for section in ("Verdict", "Market view", "Conservative view"):
        assert section in page.plain
    assert str(EXAMPLE) in page.plain
    # --no-html is test_compare_json_and_csv's run (example_json).


def test_compare_html_of_a_single_rate_view(single_rate_run, parse_html):
    text, out = single_rate_run
    assert f"wrote {out / 'report.html'}" in text
    page = _check_page(out / "report.html", parse_html, n_images=3)
    assert "Single rate view" in page.plain and "Conservative view" not in page.plain


def test_compare_html_caption_matches_a_pre_tax_view(single_rate_run, parse_html):
    page = parse_html((single_rate_run[1] / "report.html").read_text(encoding="utf-8"))
    assert "tax: none (pre-tax values)" in page.plain  # the view's own conventions
    assert "after tax" not in page.plain


# --------------------------------------------------------------------------
# Output folders: a failed run never damages results already on disk
# --------------------------------------------------------------------------


def snapshot(folder):
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def exits_2(argv, capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(argv)
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    return err


def test_a_failed_run_leaves_the_previous_results_as_they_were(tmp_path, capsys, monkeypatch):
    out = tmp_path / "results"
    assert run(["report", "--out", str(out), "--no-html"], capsys)[0] == 0
    before = snapshot(out)
    assert set(before) == {
        "breakeven_btc_price.png",
        "margin_vs_btc_price.png",
        "miner_economics.csv",
    }

    # The second figure fails after the CSV and the first figure were written: none of
    # them may replace the previous run's files, and no staging folder is left behind.
    def broken(**kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(plot, "margin_vs_btc_price", broken)
    err = exits_2(["report", "--out", str(out), "--no-html", "--power-price", "0.07"], capsys)
    assert "No space left on device" in err
    assert snapshot(out) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["results"]


def test_output_replaces_a_link_in_the_folder_not_what_it_points_to(tmp_path, capsys):
    outside = tmp_path / "outside.csv"
    outside.write_text("keep me\n")
    out = tmp_path / "results"
    out.mkdir()
    (out / "miner_economics.csv").symlink_to(outside)
    assert run(["report", "--out", str(out), "--no-html"], capsys)[0] == 0
    assert outside.read_text() == "keep me\n"
    written = out / "miner_economics.csv"
    assert not written.is_symlink() and written.read_text().startswith("miner,")


@pytest.mark.parametrize("kind", ["file", "link", "under a file"])
def test_an_unusable_out_exits_2_naming_it(tmp_path, capsys, kind):
    target = tmp_path / "target"
    if kind == "file":
        target.write_text("not a folder")
    elif kind == "link":
        (tmp_path / "elsewhere").mkdir()
        target.symlink_to(tmp_path / "elsewhere")
    else:
        (tmp_path / "file").write_text("x")
        target = tmp_path / "file" / "sub"
    err = exits_2(["report", "--out", str(target), "--no-html"], capsys)
    assert "--out" in err


# --------------------------------------------------------------------------
# Reliability: a study without splits, bad values, memory, output folders
# --------------------------------------------------------------------------

NO_SPLITS = """\
[site]
gross_mw = 10
power_price_usd_per_kwh = 0.05

[[site.fleet]]
miner = "Antminer S21"
count = 2500

[simulation]
horizon_days = 365
n_paths = 8
seed = 1
price = {model = "gbm", volatility = 0.5}
"""


def test_compare_a_file_without_splits_values_pure_mining_only(tmp_path, capsys, parse_html):
    # The file format allows any number of splits, none included: then pure mining
    # alone, with its views, and no split curve or decision tornado.
    path = tmp_path / "mining.toml"
    path.write_text(NO_SPLITS)
    out = tmp_path / "out"
    status, printed = run(["compare", str(path), "--out", str(out)], capsys)
    assert status == 0, printed.err
    text = printed.out
    assert "== single rate view ==" in text and "pure mining" in text
    assert "What moves it" not in text and "Best share leased" not in text
    assert "single rate: pure mining, " in text
    assert sorted(p.name for p in out.iterdir()) == [
        "npv_distribution_single_rate.png",
        "report.html",
        "site_comparison.csv",
    ]
    page = _check_page(out / "report.html", parse_html, n_images=1)
    assert "Tornado" not in page.plain
    table = pd.read_csv(out / "site_comparison.csv", index_col=["view", "option"])
    assert list(table.index) == [("single rate", "pure mining")]
    status, printed = run(["compare", str(path), "--out", str(out), "--format", "json"], capsys)
    assert status == 0
    (view,) = json.loads(printed.out)["views"].values()
    assert [row["option"] for row in view["options"]] == ["pure mining"]
    assert view["winner"] == "pure mining" and view["tornado"] is None
    assert view["split_curve"] == {"best_fraction": 0.0, "mean_npv": {}}
    # Two views without splits: one NPV distribution each, still no curve.
    views = '\n[valuation.market]\nstart_from = "market"\n[valuation.flat]\ntax = false\n'
    path.write_text(NO_SPLITS + views)
    out = tmp_path / "views"
    status, printed = run(["compare", str(path), "--out", str(out), "--format", "csv"], capsys)
    assert status == 0
    assert sorted(p.name for p in out.iterdir() if p.name.startswith("npv")) == [
        "npv_distribution_flat.png",
        "npv_distribution_market.png",
    ]
    assert not list(out.glob("split_fraction_curve_*")) and not list(out.glob("decision_*"))


def history_span():
    index = datasets.load_history().index
    return str(index[0].date()), str(index[-1].date())


@pytest.mark.parametrize(
    "value", ["NaT", "-1", "", "2031-01-01", "2013-01-01", "2025-02-30", "20251120", "today"]
)
def test_a_bad_date_exits_2_naming_date_and_the_history(value, tmp_path, capsys):
    first, last = history_span()  # 2014-01-01 and 2026-08-16 (bundled history)
    for argv in (
        ["report", "--out", str(tmp_path), "--date", value],
        ["breakeven", "--miner", "S21", "--date", value],
        ["calibrate", "--start", value],
        ["calibrate", "--end", value],
    ):
        err = exits_2(argv, capsys)
        option = argv[-2]
        assert f"argument {option}: " in err and first in err and last in err, err
    # The first and last days themselves are fine.
    assert run(["breakeven", "--miner", "S21", "--date", first], capsys)[0] == 0
    assert run(["breakeven", "--miner", "S21", "--date", last], capsys)[0] == 0


NUMERIC_OPTIONS = [
    "--btc-price",
    "--difficulty",
    "--fees",
    "--power-price",
    "--pool-fee",
    "--pue",
    "--uptime",
    "--other-opex",
]


@pytest.mark.parametrize("option", NUMERIC_OPTIONS)
@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "NaN", "1e309", "Infinity"])
def test_every_number_option_must_be_finite(option, value, tmp_path, capsys):
    for argv in (["report", "--out", str(tmp_path)], ["breakeven", "--miner", "S21"]):
        err = exits_2([*argv, f"{option}={value}"], capsys)  # "=": -inf is not an option
        assert f"argument {option}: must be a finite number in " in err


@pytest.mark.parametrize("option", ["--paths", "--seed"])
@pytest.mark.parametrize(
    "value", ["inf", "nan", "1e3", "1.5", "-1", "9223372036854775808", "9" * 5000, ""]
)
def test_whole_number_options_are_64_bit_whole_numbers(option, value, tmp_path, capsys):
    err = exits_2(["compare", str(EXAMPLE), "--out", str(tmp_path), f"{option}={value}"], capsys)
    assert f"argument {option}: expected a whole number in [" in err
    assert len(err) < 200  # a long value is shortened


def test_the_console_script_refuses_hostile_values_in_one_line(tmp_path):
    # In a real process: no traceback, one line, status 2 (NaT once crashed pandas).
    script = Path(sys.executable).parent / "minerecon"
    for argv in (
        ["report", "--date", "NaT", "--out", str(tmp_path)],
        ["compare", "/dev/zero" if Path("/dev/zero").exists() else str(tmp_path)],
    ):
        done = subprocess.run(
            [str(script), *argv], capture_output=True, text=True, check=False, timeout=120
        )
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr


# Memory: one estimate, one budget


def test_a_study_too_large_for_memory_is_refused_before_it_runs(tmp_path, capsys, monkeypatch):
    def never(study, stage):
        raise AssertionError("the engine ran")

    monkeypatch.setattr(cli, "_run_views", never)
    out = tmp_path / "out"
    for argv in (
        ["compare", str(EXAMPLE), "--paths", "1000000000000"],
        ["report", "--preset", "cleanspark-fy2025", "--paths", "1000000000000"],
    ):
        err = exits_2([*argv, "--out", str(out)], capsys)
        assert "argument --paths: 1,000,000,000,000 paths x " in err
        assert "memory budget" in err and "at most " in err
    # From the file: its key and line, as every scenario-file error.
    text = NO_SPLITS.replace("n_paths = 8", "n_paths = 1000000000000")
    path = tmp_path / "huge.toml"
    path.write_text(text)
    err = exits_2(["compare", str(path), "--out", str(out)], capsys)
    line = text.splitlines().index("n_paths = 1000000000000") + 1
    assert f"huge.toml, line {line}: simulation.n_paths: " in err and "memory budget" in err
    # Not even one path fits (a file's horizon stops at a century, 36,500 days, so on
    # a small budget): the horizon is named.
    monkeypatch.setattr(cli, "_memory_budget", lambda: (2**20, "a budget of 1 MiB"))
    text = NO_SPLITS.replace("horizon_days = 365", "horizon_days = 36500")
    path.write_text(text)
    err = exits_2(["compare", str(path), "--out", str(out)], capsys)
    line = text.splitlines().index("horizon_days = 36500") + 1
    assert f"huge.toml, line {line}: simulation.horizon_days: " in err
    assert "not even one path fits" in err
    # ... even when --paths is given (it is the horizon that does not fit).
    err = exits_2(["compare", str(path), "--paths", "1", "--out", str(out)], capsys)
    assert "simulation.horizon_days" in err
    assert not out.exists()


def test_the_memory_estimate_is_checked_against_one_budget(tmp_path, capsys, monkeypatch):
    # With a budget of 64 MiB, exactly the paths the estimate allows pass the check.
    ran = []

    class Ran(Exception):
        pass

    def stub(study, stage):
        ran.append(study.n_paths)
        raise Ran

    monkeypatch.setattr(cli, "_run_views", stub)
    monkeypatch.setattr(cli, "_memory_budget", lambda: (64 * 2**20, "a test budget"))
    study = config.load_scenario(EXAMPLE)
    # examples/site.toml: 3 splits, so the 11 fractions of the split curve are valued
    # at once: 8 bytes x 3,650 days x (4 + 3 x 11) arrays per path.
    per_path = 8 * 3650 * (4 + 3 * 11)
    assert cli._study_memory(study, 1) == per_path
    fit = 64 * 2**20 // per_path
    argv = ["compare", str(EXAMPLE), "--out", str(tmp_path / "out")]
    with pytest.raises(Ran):  # passes the check and runs
        cli.main([*argv, "--paths", str(fit)])
    assert ran == [fit]
    err = exits_2([*argv, "--paths", str(fit + 1)], capsys)
    assert f"at most {fit:,} paths fit" in err and "64.0 MiB (a test budget)" in err
    assert ran == [fit]


def test_the_memory_budget_is_a_share_of_the_machine():
    budget, source = cli._memory_budget()
    assert budget > 0 and source
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        assert budget <= total // 2


# Output folders


def report_twice(out, capsys):
    """A good report in ``out``; its files, byte for byte."""
    assert run(["report", "--out", str(out), "--no-html"], capsys)[0] == 0
    return snapshot(out)


def no_staging_left(folder):
    return not [p for p in folder.rglob(".*")] and not [
        p for p in folder.parent.iterdir() if p.name.startswith(".")
    ]


def test_a_name_too_long_for_the_system_exits_2(tmp_path, capsys):
    err = exits_2(["report", "--out", str(tmp_path / ("a" * 300)), "--no-html"], capsys)
    assert "argument --out: cannot write there: File name too long: " in err
    assert len(err) < 300  # the path is shortened
    err = exits_2(["report", "--out", str(tmp_path / ("a" * 300) / "b"), "--no-html"], capsys)
    assert "--out" in err


@pytest.mark.parametrize("how", ["chmod", "simulated"])
def test_an_unwritable_folder_exits_2_and_keeps_the_results(how, tmp_path, capsys, monkeypatch):
    out = tmp_path / "results"
    before = report_twice(out, capsys)
    if how == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        out.chmod(0o555)
    else:

        def refused(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(cli.tempfile, "mkdtemp", refused)
    try:
        err = exits_2(["report", "--out", str(out), "--no-html", "--power-price", "0.07"], capsys)
    finally:
        out.chmod(0o755)
    assert "argument --out: cannot write there: Permission denied" in err
    assert snapshot(out) == before


def test_a_full_disk_while_moving_the_files_in_keeps_the_results(tmp_path, capsys, monkeypatch):
    out = tmp_path / "results"
    before = report_twice(out, capsys)
    # The second file's move fails: the first, already moved, is put back.
    calls = []
    replace = os.replace

    def full(source, target):
        calls.append(Path(target).name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return replace(source, target)

    monkeypatch.setattr(cli.os, "replace", full)
    err = exits_2(["report", "--out", str(out), "--no-html", "--power-price", "0.07"], capsys)
    assert "argument --out: cannot write there: No space left on device" in err
    assert calls[:2] == ["breakeven_btc_price.png", "margin_vs_btc_price.png"]
    assert snapshot(out) == before and no_staging_left(out)


def test_a_folder_named_as_an_output_file_stops_the_run_before_any_move(tmp_path, capsys):
    out = tmp_path / "results"
    before = report_twice(out, capsys)
    (out / "report.html").mkdir()  # sorts after the figures and the table
    err = exits_2(["report", "--out", str(out), "--power-price", "0.07"], capsys)
    assert "argument --out: cannot write there: " in err
    (out / "report.html").rmdir()
    assert snapshot(out) == before and no_staging_left(out)


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_a_run_killed_while_writing_figures_keeps_the_results(
    error, tmp_path, capsys, monkeypatch
):
    # The second figure is drawn after the table and the first figure were written.
    out = tmp_path / "results"
    before = report_twice(out, capsys)

    def killed(**kwargs):
        raise error("killed")

    monkeypatch.setattr(plot, "margin_vs_btc_price", killed)
    argv = ["report", "--out", str(out), "--no-html", "--power-price", "0.07"]
    if error is KeyboardInterrupt:
        with pytest.raises(SystemExit) as raised:
            cli.main(argv)
        assert raised.value.code == 130
        assert capsys.readouterr().err.count("\n") == 1
    else:
        with pytest.raises(RuntimeError):
            cli.main(argv)
    assert snapshot(out) == before and no_staging_left(out)


def test_a_failed_run_does_not_leave_a_new_folder_behind(tmp_path, capsys, monkeypatch):
    def broken(**kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(plot, "margin_vs_btc_price", broken)
    out = tmp_path / "new" / "results"
    exits_2(["report", "--out", str(out), "--no-html"], capsys)
    assert not out.exists()


def test_an_empty_out_is_refused(capsys):
    err = exits_2(["report", "--out", "", "--no-html"], capsys)
    assert "argument --out: expected a folder" in err


# --------------------------------------------------------------------------
# Fuzz: every command, hostile values and files; 0 or 2, one line, nothing damaged
# --------------------------------------------------------------------------


class Validated(Exception):
    """Raised by the stubbed engine: the study got past every check."""


HOSTILE = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "inf",
            "-inf",
            "nan",
            "-1",
            "0",
            "-0",
            "1",
            "0.5",
            "1e309",
            "1e-320",
            "1e300",
            "9" * 40,
            "9223372036854775808",
            "abc",
            "0x10",
            "1_000",
            "2025-11-20",
            "2014-01-01",
            "2026-08-16",
            "NaT",
            "S21",
            "json",
            "csv",
            "svg",
            "cleanspark-fy2025",
            "-",
            "--",
        ]
    ),
    st.floats().map(repr),
    st.integers(-(2**70), 2**70).map(str),
    st.text(max_size=8),
)

COMMAND_OPTIONS = {
    "report": (*NUMERIC_OPTIONS, "--date", "--format", "--figure-format", "--paths", "--seed"),
    "breakeven": ("--miner", *NUMERIC_OPTIONS, "--date", "--format"),
    "miners": (),
    "calibrate": ("--start", "--end", "--format"),
    "compare": ("--paths", "--seed", "--format", "--figure-format"),
    "preset": ("--paths", "--seed", "--format", "--figure-format", "--btc-price", "--date"),
}

# Good values, so that runs also get past the checks.
GOOD = {
    "--btc-price": ["90000", "1e6"],
    "--difficulty": ["150e12"],
    "--fees": ["0", "0.02"],
    "--power-price": ["0.05", "0"],
    "--pool-fee": ["0.02"],
    "--pue": ["1.1"],
    "--uptime": ["0.95"],
    "--other-opex": ["0.001"],
    "--date": ["2025-11-20", "2014-01-01", "2026-08-16"],
    "--start": ["2024-01-01"],
    "--end": ["2026-01-01"],
    "--format": ["table", "csv", "json"],
    "--figure-format": ["png", "svg", "pdf"],
    "--paths": ["1", "3"],
    "--seed": ["0", "7"],
    "--miner": ["S21", "Antminer S21 XP"],
}

# Values a hostile scenario file puts in place of one of the example's.
TOML_VALUES = st.sampled_from(
    [
        "0",
        "-1",
        "1e308",
        "-1e308",
        "inf",
        "nan",
        "9223372036854775807",
        "9223372036854775808",
        "9" * 5000,
        "1" + "0" * 400,
        "1000000000",
        '"x"',
        "true",
        "[]",
        "{}",
        "[[[[1]]]]",
        "{a = {b = 1}}",
        "1979-05-27",
        "07:32:00",
        '"2031-01-01"',
        "[" * 600 + "]" * 600,
    ]
)


def _replace_value(text, index, value):
    lines = text.split("\n")
    keyed = [i for i, line in enumerate(lines) if re.match(r"\w+ = ", line)]
    i = keyed[index % len(keyed)]
    lines[i] = f"{lines[i].split(' = ')[0]} = {value}"
    return "\n".join(lines).encode()


def _example():
    return EXAMPLE.read_text(encoding="utf-8")


HOSTILE_FILES = st.one_of(
    st.just(b"use the example"),
    st.just(NO_SPLITS.encode()),
    st.builds(lambda cut: _example()[:cut].encode(), st.integers(0, 4000)),
    st.builds(_replace_value, st.builds(_example), st.integers(0, 99), TOML_VALUES),
    st.builds(_replace_value, st.just(NO_SPLITS), st.integers(0, 99), TOML_VALUES),
    st.binary(max_size=200),
    st.sampled_from(
        [
            b"",
            b"[site]\n",
            b"\xff\xfe[site]\n",
            b"a = " + b"[" * 5000 + b"]" * 5000,
            b"[site]\n" + b".".join([b"a"] * 100_000) + b" = 1\n",
            b"[site]\ngross_mw = 1." + b"1" * 100_000 + b"\n",
            b"#" * (2**20 + 1),
            b"/dev/zero",  # these three name other paths
            b"missing",
            b"folder",
        ]
    ),
)


class Results:
    """A folder of results from a good run and its files (updated by later good runs)."""

    def __init__(self, root):
        self.root, self.out = root, root / "results"
        run_quietly(["report", "--out", str(self.out)])
        self.files = snapshot(self.out)

    def __repr__(self):
        return f"Results({self.out})"


@pytest.fixture(scope="module")
def good_results(tmp_path_factory):
    return Results(tmp_path_factory.mktemp("fuzz"))


@settings(
    max_examples=800,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzz_every_command_exits_0_or_2_with_one_line(data, good_results, monkeypatch):
    import matplotlib.pyplot as plt

    root, good = good_results.root, good_results.out

    def tiny(*args, **kwargs):  # a quick figure instead of the real ones
        return plt.subplots(figsize=(1, 1))[1]

    def validated(study, stage):
        raise Validated

    monkeypatch.setattr(plot, "breakeven_btc_price", tiny)
    monkeypatch.setattr(plot, "margin_vs_btc_price", tiny)
    monkeypatch.setattr(cli, "_run_views", validated)

    command = data.draw(st.sampled_from(sorted(COMMAND_OPTIONS)), label="command")
    argv = ["report", "--preset", "cleanspark-fy2025"] if command == "preset" else [command]
    if command == "compare":
        content = data.draw(HOSTILE_FILES, label="file")
        named = {
            b"use the example": EXAMPLE,
            b"/dev/zero": Path("/dev/zero"),
            b"missing": root / "missing.toml",
            b"folder": root,
        }
        path = named.get(content, root / "hostile.toml")
        if path == root / "hostile.toml":
            path.write_bytes(content)
        argv.append(str(path))
    if command == "breakeven" and data.draw(st.booleans(), label="with --miner"):
        argv += ["--miner", "S21"]
    options = COMMAND_OPTIONS[command]
    chosen = data.draw(
        st.lists(st.sampled_from(options), max_size=3, unique=True) if options else st.just([])
    )
    for option in chosen:
        value = data.draw(st.one_of(HOSTILE, st.sampled_from(GOOD[option])), label=option)
        argv.append(f"{option}={value}")
    if command in ("report", "compare", "preset"):
        out = data.draw(
            st.sampled_from([good, good, good, root / "good.txt" / "sub", root / ("x" * 300)]),
            label="--out",
        )
        (root / "good.txt").write_text("a file")
        argv += ["--out", str(out)]
        if data.draw(st.booleans(), label="--no-html"):
            argv.append("--no-html")

    printed, errors = io.StringIO(), io.StringIO()
    status = None
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(printed),
        contextlib.redirect_stderr(errors),
    ):
        warnings.simplefilter("default")  # the command prints them; they are not failures
        try:
            status = cli.main(argv)
        except SystemExit as exit_:
            status = exit_.code
        except Validated:
            status = "validated"
    err = errors.getvalue()
    assert "Traceback" not in err + printed.getvalue()
    assert status in (0, 2, "validated"), (argv, status, err)
    if status == 2:
        assert err.count("\n") == 1 and err.startswith("minerecon"), (argv, err)
    if status == 0 and "--out" in argv and argv[argv.index("--out") + 1] == str(good):
        good_results.files = snapshot(good)  # a good run replaces the results
    assert snapshot(good) == good_results.files, argv
    assert not [p for p in root.rglob(".*")], argv  # no staging folder left


# --------------------------------------------------------------------------
# Issue 10: closed pipes, progress bars, studies without noise, argv
# --------------------------------------------------------------------------


def test_a_closed_standard_output_still_gets_every_file_written(tmp_path):
    # ``minerecon report | head -1``: print raised BrokenPipeError, an OSError, before
    # the files were written, so the run ended with status 2 and no files. Now the rest
    # of the printout goes to os.devnull (Python docs, signal, "Note on SIGPIPE") and
    # the run goes on. The reader here has gone before the first line.
    script = Path(sys.executable).parent / "minerecon"
    out = tmp_path / "out"
    # Without the warning that the bundled data are more than 30 days old (an
    # empty data cache, so the bundled data are used): standard error stays empty.
    env = {
        **os.environ,
        "MINERECON_DATA_DIR": str(tmp_path / "cache"),
        "PYTHONWARNINGS": "ignore:the network data end on",
    }
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [str(script), "report", "--format", "json", "--out", str(out)],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            env=env,
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (0, "")
    assert sorted(os.listdir(out)) == [
        "breakeven_btc_price.png",
        "margin_vs_btc_price.png",
        "miner_economics.csv",
        "report.html",
    ]


def test_a_failure_with_a_closed_standard_output_still_says_why(tmp_path):
    script = Path(sys.executable).parent / "minerecon"
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [str(script), "breakeven", "--miner", "no such machine"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "argument --miner" in done.stderr


def screen(text):
    """The lines a terminal shows after ``text``: a carriage return goes back to the
    start of the line, and what follows overwrites it."""
    shown = []
    for raw in text.split("\n"):
        line = ""
        for part in raw.split("\r"):
            line = part + line[len(part) :]
        if line.strip():
            shown.append(line.rstrip())
    return shown


def test_a_failed_run_clears_its_progress_bar_before_the_error_line(tmp_path, capsys, monkeypatch):
    # A bar left open by a run that failed inside the engine was cleared only when
    # collected: after the error line (or over it), or, here, never, as the failure is
    # kept alive (a reference cycle not yet collected does the same). The one error
    # line must stand alone on the screen.
    from minerecon import projection

    draw_bar = projection._progress_bar
    monkeypatch.setattr(
        projection, "_progress_bar", lambda paths, days, _: draw_bar(paths, days, True)
    )
    kept = []

    def fail(*args, **kwargs):
        error = ValueError("the engine failed")
        kept.append(error)
        raise error

    monkeypatch.setattr(projection._Job, "run", fail)
    path = tmp_path / "bar.toml"
    path.write_text(NO_SPLITS)
    err = exits_2(["compare", str(path), "--out", str(tmp_path / "out")], capsys)
    assert "0/8" in err  # the bar was drawn
    assert screen(err) == [f"minerecon: error: {path}: cannot value this study: the engine failed"]


NO_NOISE = NO_SPLITS.replace(
    'price = {model = "gbm", volatility = 0.5}',
    'price = {model = "constant"}\nfees = {model = "constant"}',
).replace("horizon_days = 365", "horizon_days = 60")


def test_paths_of_a_study_without_noise_are_refused_at_the_key_and_its_line(tmp_path, capsys):
    # A constant price, constant fees and hashrate without noise give one path, so
    # compare() refuses n_paths > 1; the command said only "cannot value this study",
    # without the key or its line, or --paths.
    path = tmp_path / "noise.toml"
    path.write_text(NO_NOISE)
    out = tmp_path / "out"
    err = exits_2(["compare", str(path), "--out", str(out)], capsys)
    line = line_number(NO_NOISE, "n_paths = 8")
    assert f"noise.toml, line {line}: simulation.n_paths: got 8 paths of a scenario " in err
    assert "set n_paths = 1" in err
    err = exits_2(["compare", str(path), "--paths", "3", "--out", str(out)], capsys)
    assert "argument --paths: got 3 paths of a scenario without noise" in err
    # Without n_paths (1,000 by default): the line of [simulation].
    text = NO_NOISE.replace("n_paths = 8\n", "")
    path.write_text(text)
    err = exits_2(["compare", str(path), "--out", str(out)], capsys)
    assert f"line {line_number(text, '[simulation]')}: simulation.n_paths: got 1,000" in err
    # One path runs.
    status, printed = run(
        ["compare", str(path), "--paths", "1", "--no-html", "--out", str(out)], capsys
    )
    assert status == 0 and "pure mining" in printed.out


def line_number(text, fragment):
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.mark.parametrize("argv", ["report", 5, ["report", 5], (b"miners",)])
def test_argv_must_be_a_list_of_strings(argv):
    # A string was read letter by letter ("invalid choice: 'r'"); other values raised
    # TypeErrors from inside argparse that named no argument.
    with pytest.raises(TypeError, match="argv must be a list of strings"):
        cli.main(argv)


@pytest.mark.parametrize("cached", [False, True], ids=["first run", "cache filled"])
def test_a_study_says_once_that_it_compiles_the_kernels(cached, monkeypatch, capsys):
    # numba's cache index of the engine and the IRR: empty on the first run
    # after install (a run then spends tens of seconds compiling), filled after.
    from minerecon import _kernels, cashflow

    for kernel in (_kernels.mining_kernel, cashflow._irr_rows):
        index = {"a signature": "its file"} if cached else {}
        monkeypatch.setattr(kernel._cache._cache_file, "_load_index", lambda index=index: index)
    cli._announce_compilation()
    err = capsys.readouterr().err
    if cached:
        assert err == ""
    else:
        assert err.splitlines() == [
            "minerecon: compiling the Monte Carlo engine and the IRR with numba, once: "
            "later runs load them from numba's cache"
        ]


def test_a_study_shows_its_steps_on_a_terminal_only(tmp_path, monkeypatch, capsys):
    # A preset run takes seconds: on a terminal one line says which step runs,
    # cleared at the end; piped or captured, nothing is added to the output.
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    argv = ["report", "--preset", "cleanspark-fy2025", "--paths", "60", "--no-html"]
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli.main([*argv, "--out", str(tmp_path / "tty")]) == 0
    shown = [line.strip() for line in terminal.getvalue().split("\r") if "step" in line]
    steps = ["60 paths x 4,015 days, valued", "split curves", "views and break-even prices",
             "decision tornado", "figures"]  # fmt: skip
    for number, step in enumerate(steps):
        assert any(line.startswith(f"minerecon: step {number}/5, {step}") for line in shown), step
    assert terminal.getvalue().endswith("\r")  # the line is cleared
    monkeypatch.undo()
    capsys.readouterr()
    assert cli.main([*argv, "--out", str(tmp_path / "pipe")]) == 0
    assert "step" not in capsys.readouterr().err


# --------------------------------------------------------------------------
# payback: machines bought on the same paths
# --------------------------------------------------------------------------


def test_payback_prints_each_machine_on_the_same_paths_as_the_library(capsys):
    from minerecon.hardware import Deployment
    from minerecon.projection import compare_machines, default_market

    argv = [
        "payback", "Antminer S21 XP=6939", "Antminer S19j Pro=1200", "--years", "1",
        "--paths", "40", "--seed", "3", "--power-price", "0.04", "--pue", "1.05",
    ]  # fmt: skip
    status, out = run([*argv, "--format", "csv"], capsys)
    assert status == 0
    table = pd.read_csv(io.StringIO(out.out), index_col="machine")
    # The command is compare_machines on the default market of its options.
    machines = [Deployment("Antminer S21 XP", 1, capex_per_unit=6939.0)]
    machines.append(Deployment("Antminer S19j Pro", 1, capex_per_unit=1200.0))
    market = default_market(machines[0], days=365).replace(power_price=0.04, pue=1.05)
    expected = compare_machines(machines, market, n_paths=40, seed=3)
    assert list(table.index) == list(expected.index)
    assert_allclose(table["mean_npv_usd"], expected["mean_npv_usd"], rtol=1e-12)
    assert_allclose(
        table["probability_never_pays_back"], expected["probability_never_pays_back"], rtol=0
    )
    status, out = run(argv, capsys)
    assert status == 0
    for text in ("Antminer S21 XP", "Antminer S19j Pro", "P(never pays back)", "40 paths"):
        assert text in out.out
    assert "machines idle on days they do not earn their energy" in out.out
    status, out = run([*argv, "--always-on"], capsys)
    assert "machines always on (take-or-pay power)" in out.out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["Antminer S21 XP"], ["NAME=PRICE", "expected NAME=PRICE"]),
        (["Antminer S21 XP=-5"], ["price of 'Antminer S21 XP'", "[0, 1e+09]"]),
        (["Antminer Z99=100"], ["NAME=PRICE", "Z99"]),
        (["Antminer S21=1", "Antminer S21=2"], ["NAME=PRICE", "each machine once"]),
        (["Antminer S21=1", "--years", "0"], ["--years"]),
    ],
)
def test_payback_refuses_bad_machines_in_one_line(argv, words, capsys):
    message = refusal(["payback", *argv, "--paths", "2"], capsys)
    for word in words:
        assert word in message


def refusal(argv, capsys):
    """The one-line error of a refused command line.

    Bad syntax stops the parser (SystemExit), a bad value the command: both exit 2.
    """
    try:
        status = cli.main(argv)
    except SystemExit as stop:
        status = stop.code
    assert status == 2
    message = capsys.readouterr().err.strip()
    assert "\n" not in message
    return message


def test_split_curves_name_their_site_and_view():
    # One file per view: each figure says whose curve it is and under which view.
    import matplotlib.pyplot as plt

    from minerecon import plot
    from minerecon.presets import get_preset

    views = cli._run_views(get_preset("cleanspark-fy2025").replace(n_paths=20))
    assert [view.name for view in views] == ["market", "conservative"]
    for view in views:
        ax = cli._split_figure(plot, view)
        assert ax.get_title() == (
            "CleanSpark Austin County, TX (285 MW): mean NPV against the split of its power, "
            f"{view.name} view"
        )
        plt.close(ax.figure)


# --------------------------------------------------------------------------
# value: machines as strips of daily calls
# --------------------------------------------------------------------------


def test_value_prints_the_library_values(capsys):
    from minerecon.network import NetworkState
    from minerecon.options import machine_values
    from minerecon.price import GBM

    argv = ["value", "Antminer S21 XP=16", "s19jpro", "--power-price", "0.05", "--years", "2"]
    status, out = run([*argv, "--format", "csv"], capsys)
    assert status == 0
    table = pd.read_csv(io.StringIO(out.out), index_col="name")
    # The command is machine_values on the snapshot, at the volatility of the four
    # years before it (2022-08-17 to 2026-08-16) and a 4 % rate.
    state = NetworkState.latest()
    volatility = GBM.fit(start="2022-08-17", end="2026-08-16").volatility
    expected = machine_values(state, 0.05, volatility=volatility, rate=0.04, years=2,
                              miners=["Antminer S21 XP", "Antminer S19j Pro"],
                              prices_per_th={"Antminer S21 XP": 16.0})  # fmt: skip
    assert_allclose(table["value_usd_per_th"], expected["value_usd_per_th"], rtol=1e-12)
    value = expected.loc["Antminer S21 XP", "value_usd_per_th"]
    assert_allclose(table.loc["Antminer S21 XP", "overpayment"], 16.0 / value - 1, rtol=1e-12)
    assert pd.isna(table.loc["Antminer S19j Pro", "price_usd_per_th"])
    status, out = run([*argv, "--volatility", "0.5"], capsys)
    assert status == 0
    assert "volatility 50.0% (given), rate 4.0%, 2 years" in out.out
    assert "value USD/TH" in out.out and "overpays" in out.out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["Antminer Z99"], ["NAME[=USD_PER_TH]", "Z99"]),
        (["Antminer S21", "s21"], ["each machine once"]),
        (["Antminer S21=-1"], ["price of 'Antminer S21'"]),
        (["--uptime", "0.9"], ["--uptime", "does not apply"]),
        (["--rate", "-1"], ["--rate"]),
    ],
)
def test_value_refuses_bad_input_in_one_line(argv, words, capsys):
    message = refusal(["value", *argv], capsys)
    for word in words:
        assert word in message


# --------------------------------------------------------------------------
# power: machines on hourly market prices
# --------------------------------------------------------------------------


def _ercot_file(tmp_path):
    # Two days of real-time quarter hours at HB_WEST in ERCOT's published
    # layout: 30 USD/MWh, 400 from 17:00 to 19:00 on the first day.
    header = (
        '"Delivery Date","Delivery Hour","Delivery Interval","Repeated Hour Flag",'
        '"Settlement Point Name","Settlement Point Type","Settlement Point Price"'
    )
    rows = [header]
    for day in ("07/01/2026", "07/02/2026"):
        for hour in range(1, 25):
            for quarter in range(1, 5):
                price = 400.0 if day == "07/01/2026" and hour in (18, 19) else 30.0
                rows.append(f'"{day}","{hour}","{quarter}","N","HB_WEST","HU","{price}"')
    path = tmp_path / "rtm.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_power_runs_machines_on_a_price_file(tmp_path, capsys):
    from minerecon import economics, power

    path = _ercot_file(tmp_path)
    argv = ["power", "Antminer S21", "--prices", str(path), "--point", "HB_WEST",
            "--btc-price", "90000", "--difficulty", "150e12", "--fees", "0",
            "--pue", "1.05", "--load-mw", "10", "--adder", "2"]  # fmt: skip
    status, out = run([*argv, "--format", "csv", "--out", str(tmp_path / "csv")], capsys)
    assert status == 0
    table = pd.read_csv(io.StringIO(out.out), index_col="name")
    # The command is power.curtail of the file's quarter hours at the
    # machine's revenue per MWh: 8 quarter hours at 400 are off.
    earns = power.revenue_per_mwh(economics.revenue_per_th(90_000, 150e12), 17.5, pue=1.05)
    prices = power.read_ercot(path, "HB_WEST").to_numpy()
    expected = power.curtail(prices, earns, load_mw=10.0, interval_hours=0.25, variable_cost=2.0)
    row = table.loc["Antminer S21"]
    assert_allclose(row["margin_usd"], expected.margin, rtol=1e-12)
    assert_allclose(row["flexibility_usd"], expected.flexibility_value, rtol=1e-12)
    assert_allclose(row["uptime"], 184 / 192)
    status, out = run([*argv, "--out", str(tmp_path / "figures")], capsys)
    assert status == 0
    assert "off above" in out.out
    written = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert written == ["flexibility_by_month.png", "hourly_operation.png", "power_market.csv",
                       "price_duration_curve.png"]  # fmt: skip


def test_power_defaults_to_the_synthetic_ercot_year(tmp_path, capsys):
    from minerecon import power

    argv = ["power", "Antminer S21 XP", "--seed", "3", "--format", "json", "--out", str(tmp_path)]
    status, out = run(argv, capsys)
    assert status == 0
    inputs = json.loads(out.out)["inputs"]
    year = power.ercot_price_model().simulate("2026-01-01", 8760, seed=3)[0]
    assert_allclose(inputs["mean_price_usd_per_mwh"], year.mean(), rtol=1e-12)
    assert inputs["intervals"] == 8760 and "synthetic ERCOT default" in inputs["prices"]


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--power-price", "0.07"], ["--power-price", "does not apply", "--adder"]),
        (["Antminer Z99"], ["NAME", "Z99"]),
        (["--prices", "/nonexistent/file.csv"], ["--prices"]),
        (["--load-mw", "0"], ["--load-mw"]),
    ],
)
def test_power_refuses_bad_input_in_one_line(argv, words, capsys):
    message = refusal(["power", *argv], capsys)
    for word in words:
        assert word in message
