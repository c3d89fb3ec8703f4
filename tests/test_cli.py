"""The ``minerecon`` command: output, files, options and exit statuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from minerecon import cli, economics, network
from minerecon.hardware import get_miner, list_miners


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


def test_compare_prints_every_option_and_writes_figures(tmp_path, capsys):
    status, out = run(["compare", str(EXAMPLE), "--paths", "50", "--out", str(tmp_path)], capsys)
    assert status == 0
    for option in ("pure mining", "quarter", "half", "all"):
        assert option in out.out
    for heading in ("mean NPV $M", "P(loss)", "CVaR95", "median IRR", "break-even BTC $"):
        assert heading in out.out
    assert "50 paths, seed 42" in out.out
    for name in ("npv_distribution.png", "split_fraction_curve.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "site_comparison.csv").stat().st_size > 100


def test_compare_json_and_csv(tmp_path, capsys):
    argv = ["compare", str(EXAMPLE), "--paths", "20", "--seed", "3", "--out", str(tmp_path)]
    status, out = run([*argv, "--format", "json"], capsys)
    assert status == 0
    payload = json.loads(out.out)
    assert payload["n_paths"] == 20 and payload["seed"] == 3
    assert [row["option"] for row in payload["options"]] == [
        "pure mining",
        "quarter",
        "half",
        "all",
    ]
    status, out = run([*argv, "--format", "csv"], capsys)
    table = pd.read_csv(pd.io.common.StringIO(out.out), index_col="option")
    # Same paths (same seed) give the same numbers in both formats.
    assert_allclose(table["mean_npv"], [row["mean_npv"] for row in payload["options"]], rtol=1e-9)


def test_report_preset_prints_the_table_and_writes_pngs(tmp_path, capsys):
    argv = ["report", "--preset", "cleanspark-fy2025", "--paths", "50", "--out", str(tmp_path)]
    status, out = run(argv, capsys)
    assert status == 0
    for option in ("pure mining", "25% hosted", "50% hosted", "75% hosted", "full conversion"):
        assert option in out.out
    assert "285 MW" in out.out and "0.056 USD/kWh" in out.out
    for name in ("npv_distribution.png", "split_fraction_curve.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


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
    assert drift["fitted"] and not rows[("fees", "step_days")]["fitted"]
    # The hashrate response is fitted from the 2024 halving.
    assert rows[("hashrate", "cost_hashprice")]["start"] == "2024-04-20"


def test_calibrate_outside_the_history_exits_2(capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["calibrate", "--start", "2030-01-01"])
    assert raised.value.code == 2
    assert "start" in capsys.readouterr().err


# --------------------------------------------------------------------------
# report.html: one self-contained page per run
# --------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


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
    # The inputs and the provenance of the bundled history.
    assert "2026-08-16" in page.plain and "0.06" in page.plain
    for fragment in ("Data provenance", "Bitstamp", "Electrum", "blockchain.com", "2014-01-01"):
        assert fragment in page.plain


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
    page = _check_page(tmp_path / "report.html", parse_html, n_images=2)
    options = ("pure mining", "25% hosted", "50% hosted", "75% hosted", "full conversion")
    for option in options:
        assert option in page.headers  # a row of the tables
    for header in ("mean NPV [M USD]", "P(loss) [%]", "break-even BTC price [USD/BTC]"):
        assert header in page.headers
    for section in ("Comparison", "Break-even conventions", "Assumptions and notes"):
        assert section in page.plain
    # The preset's sources and assumptions, and the run's paths.
    assert "StockTitan" in page.plain and "idle S21-class machines" in page.plain
    assert "20 paths" in page.plain
    # The printed CSV and the page show the same options.
    assert list(pd.read_csv(pd.io.common.StringIO(out.out))["option"]) == list(options)


def test_compare_html_and_no_html(tmp_path, capsys, parse_html):
    argv = ["compare", str(EXAMPLE), "--paths", "20", "--out", str(tmp_path)]
    status, out = run(argv, capsys)
    assert status == 0
    assert f"wrote {tmp_path / 'report.html'}" in out.out
    page = _check_page(tmp_path / "report.html", parse_html, n_images=2)
    for option in ("pure mining", "quarter", "half", "all"):
        assert option in page.headers
    assert str(EXAMPLE) in page.plain
    (tmp_path / "report.html").unlink()
    status, out = run([*argv, "--no-html"], capsys)
    assert status == 0 and not (tmp_path / "report.html").exists()
