"""The ``minerecon`` command.

``minerecon report`` tabulates every catalogue machine at the default
network snapshot (the last day of the history in use) and writes the
break-even BTC price figure; ``minerecon breakeven --miner NAME`` answers for
one machine; ``minerecon miners`` lists the catalogue.

``minerecon report --preset cleanspark-fy2025`` and ``minerecon compare
FILE.toml`` value pure mining against splits of a site's power with AI/HPC
hosting (``minerecon.presets``, ``minerecon.config``): they print the
comparison table and write the NPV-distribution and split-fraction figures.

Each of these also writes ``report.html`` in ``--out``: one self-contained page
(``minerecon.html``) with the inputs, the tables, the figures embedded and the
notes (data provenance, or the study's sources, assumptions and break-even
conventions); ``--no-html`` skips it.

``minerecon data status`` says which network history is in use (bundled up to
2026-08-16, then any cached days) and how old it is; ``minerecon data update``
fetches the days since from public APIs (the only command that uses the
network, see ``minerecon.update``) and ``minerecon data import FILE.csv`` adds
a series of your own, both into the data cache (``$MINERECON_DATA_DIR`` or the
user cache folder), replaced in one step or left as it was.

Files are written into a hidden staging folder inside ``--out`` and moved into
place only when the whole run has succeeded, all of them or none: a failed or
interrupted run leaves the previous results byte for byte.

A failure exits with status 2 and one line on standard error naming the option
(or the scenario file's key and line) and what it accepts: every number must be
finite and in its range, whole numbers fit in 64 bits, ``--date``, ``--start``
and ``--end`` are days of the history in use. A site study is refused before it
runs when its paths x days would not fit the memory budget: half of the machine's
memory (or of the container's limit, if lower; 4 GiB where neither can be read),
against an estimate of 8 bytes x paths x days x (4 + 3 x options valued at once).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import errno
import json
import math
import os
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypedDict

import numpy as np
import pandas as pd

from minerecon import report, units
from minerecon.network import NetworkState

__all__ = [
    "build_parser",
    "main",
]


class _Parser(argparse.ArgumentParser):
    """Exits with status 2 and a single line naming the faulty option."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        # argparse before Python 3.12 drops the value of ``--option=--`` and stores
        # [] without checking its type: take "--" as the value, as 3.12 does.
        if action.nargs is None and action.option_strings and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)


def _shown(text: str) -> str:
    """An option's value as given, quoted and shortened for a one-line message."""
    return repr(text if len(text) <= 40 else f"{text[:30]}...{text[-7:]}")


def _number(
    low: float, high: float | None, *, low_open: bool = False, high_open: bool = False
) -> Callable[[str], float]:
    """Parser of a finite number in the range from ``low`` to ``high`` (None: no bound)."""
    left, right = "(" if low_open else "[", ")" if high_open or high is None else "]"
    interval = f"{left}{low:g}, {'inf' if high is None else f'{high:g}'}{right}"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number in {interval}, got {_shown(text)}"
            ) from None
        too_low = value <= low if low_open else value < low
        too_high = high is not None and (value >= high if high_open else value > high)
        if not math.isfinite(value) or too_low or too_high:
            raise argparse.ArgumentTypeError(
                f"must be a finite number in {interval}, got {_shown(text)}"
            )
        return value

    return parse


_positive = _number(0.0, None, low_open=True)

#: Largest whole number an option takes: a 64-bit signed integer, as in scenario files.
_INT64_MAX = 2**63 - 1


def _whole(low: int) -> Callable[[str], int]:
    """Parser of a whole number in [low, 2**63 - 1]."""

    def parse(text: str) -> int:
        try:
            value = int(text) if len(text) <= 40 else None
        except ValueError:
            value = None
        if value is None or not low <= value <= _INT64_MAX:
            raise argparse.ArgumentTypeError(
                f"expected a whole number in [{low}, 2**63 - 1], got {_shown(text)}"
            )
        return value

    return parse


_count = _whole(1)
_seed = _whole(0)


def _folder(text: str) -> Path:
    """Parser of --out: a path, not empty."""
    if not text or "\x00" in text:
        raise argparse.ArgumentTypeError(f"expected a folder, got {_shown(text)}")
    return Path(text)


def _history_span() -> tuple[str, str, str]:
    """First and last day of the history in use (YYYY-MM-DD), and which history it is."""
    from minerecon import datasets

    merged = datasets._merged()
    index = merged.history.index
    return str(index[0].date()), str(index[-1].date()), merged.label


def _day(text: str) -> str:
    """Parser of a day of the history in use, YYYY-MM-DD."""
    first, last, label = _history_span()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        day = dt.date.fromisoformat(text).isoformat()
    except ValueError:
        day = None
    if day is None or not first <= day <= last:
        raise argparse.ArgumentTypeError(
            f"expected a day YYYY-MM-DD from {first} to {last} ({label}), got {_shown(text)}"
        )
    return day


def _add_study_options(parser: argparse.ArgumentParser, *, preset: bool) -> None:
    study = parser.add_argument_group("site study (with --preset)" if preset else "site study")
    study.add_argument(
        "--paths",
        type=_count,
        help="Monte Carlo paths (default: the preset's or the file's n_paths)",
    )
    study.add_argument(
        "--seed", type=_seed, help="random seed shared by every option (default: the study's)"
    )


def _add_market_options(parser: argparse.ArgumentParser) -> None:
    network = parser.add_argument_group("network (defaults: the snapshot of --date)")
    network.add_argument(
        "--date",
        type=_day,
        help="UTC day of the history to take the network from (YYYY-MM-DD; default: its "
        "last day, see 'minerecon data status')",
    )
    network.add_argument("--btc-price", type=_positive, help="BTC price [USD/BTC]")
    network.add_argument("--difficulty", type=_positive, help="difficulty, e.g. 152.27e12 [-]")
    network.add_argument("--fees", type=_number(0.0, None), help="fees per block [BTC]")
    costs = parser.add_argument_group("costs")
    costs.add_argument(
        "--power-price",
        type=_number(0.0, None),
        default=report.DEFAULT_POWER_PRICE,
        help="price of electricity [USD/kWh] (default: %(default)s)",
    )
    costs.add_argument(
        "--pool-fee",
        type=_number(0.0, 1.0, high_open=True),
        default=0.0,
        help="pool fee share in [0, 1) (default: %(default)s)",
    )
    costs.add_argument(
        "--pue",
        type=_number(1.0, None),
        default=1.0,
        help="power usage effectiveness, >= 1 (default: %(default)s)",
    )
    costs.add_argument(
        "--uptime",
        type=_number(0.0, 1.0, low_open=True),
        default=1.0,
        help="share of the day hashing, in (0, 1] (default: %(default)s)",
    )
    costs.add_argument(
        "--other-opex",
        type=_number(0.0, None),
        default=0.0,
        help="other cost such as a hosting fee [USD per TH/s per day] (default: %(default)s)",
    )
    _add_format_option(parser)


def _add_format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("table", "csv", "json"),
        default="table",
        help="how to print the results (default: %(default)s)",
    )


def _add_output_options(parser: argparse.ArgumentParser, default: str) -> None:
    """--out, --figure-format and --no-html of the commands that write files."""
    parser.add_argument(
        "--out",
        type=_folder,
        default=None,
        help=f"folder for figures, tables and report.html (default: {default})",
    )
    parser.add_argument(
        "--figure-format",
        choices=("png", "svg", "pdf"),
        default="png",
        help="file format of the figures (default: %(default)s)",
    )
    parser.add_argument(
        "--no-html",
        dest="html",
        action="store_false",
        help="do not write report.html, the self-contained page of the run "
        "(tables and embedded figures)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``minerecon`` command."""
    parser = _Parser(
        prog="minerecon",
        description="Bitcoin mining economics: hashprice, margins and break-evens per machine.",
        epilog="Units: hashrate TH/s, power W, efficiency J/TH, power price USD/kWh, "
        "margins USD per TH/s per day, hashprice USD per PH/s per day.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    report_parser = commands.add_parser(
        "report",
        help="every catalogue machine at one network snapshot, plus the break-even figure",
        description="Tabulate hashprice, revenue, energy cost, margin, break-even BTC price and "
        "break-even power price for every catalogue machine, and write the break-even "
        "BTC price figure and report.html, a self-contained page of the run.",
    )
    _add_market_options(report_parser)
    from minerecon.presets import PRESETS

    report_parser.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        help="instead of the catalogue: compare pure mining with AI/HPC splits of a "
        "preset site (network and cost options do not apply)",
    )
    _add_study_options(report_parser, preset=True)
    _add_output_options(
        report_parser, "minerecon-report, or minerecon-preset-NAME with --preset NAME"
    )
    breakeven_parser = commands.add_parser(
        "breakeven",
        help="all break-evens of one machine",
        description="Break-even BTC price, power price and difficulty, shutdown hashprice and "
        "energy cost per BTC of one catalogue machine.",
    )
    breakeven_parser.add_argument(
        "--miner", required=True, help="catalogue name, e.g. 'Antminer S21 XP'"
    )
    _add_market_options(breakeven_parser)
    commands.add_parser("miners", help="list the ASIC catalogue")
    compare_parser = commands.add_parser(
        "compare",
        help="pure mining against splits of a site's power, from a scenario file",
        description="Value pure mining and each split of a site's power with AI/HPC hosting "
        "on common Monte Carlo paths, from a TOML scenario file (see examples/site.toml "
        "and minerecon.config): NPV statistics, P(loss), CVaR, IRR, payback, "
        "probability of beating pure mining and break-even BTC price per option; writes "
        "the NPV-distribution and split-fraction figures and report.html.",
    )
    compare_parser.add_argument("file", type=Path, help="scenario file (TOML)")
    _add_study_options(compare_parser, preset=False)
    _add_format_option(compare_parser)
    _add_output_options(compare_parser, "minerecon-compare-STEM for FILE STEM.toml")
    calibrate_parser = commands.add_parser(
        "calibrate",
        help="fit the price, fee and hashrate models to the bundled history",
        description="Fit GBM price, stochastic fees and economic hashrate to the bundled "
        "history and print every parameter with its window and method.",
    )
    calibrate_parser.add_argument(
        "--start", type=_day, help="first day of the window (YYYY-MM-DD)"
    )
    calibrate_parser.add_argument(
        "--end", type=_day, help="last day of the window (YYYY-MM-DD; default: the last day)"
    )
    calibrate_parser.add_argument(
        "--price-drift",
        type=_price_drift,
        default="zero",
        help="BTC drift of the GBM: 'zero' (no drift in USD), 'fitted' (the window's, "
        "backward-looking) or a number per year (default: %(default)s)",
    )
    _add_format_option(calibrate_parser)
    payback_parser = commands.add_parser(
        "payback",
        help="payback, NPV and risk of buying machines, on the same Monte Carlo paths",
        description="Buy one of each machine on the snapshot's day and run it for --years on "
        "common paths: BTC a zero-drift GBM at the volatility of the four years before, fees "
        "and network hashrate held at the snapshot's, machines idle on days they lose money. "
        "Prints per machine the NPV distribution, P(loss), CVaR, median payback, the "
        "probability of never paying back and the median IRR, best NPV per dollar first.",
    )
    payback_parser.add_argument(
        "machines",
        nargs="+",
        type=_machine_price,
        metavar="NAME=PRICE",
        help="catalogue machine and the price of one [USD], e.g. 'Antminer S21 XP=6939'",
    )
    _add_market_options(payback_parser)
    simulation = payback_parser.add_argument_group("simulation")
    simulation.add_argument(
        "--years",
        type=_number(0.01, 30.0),
        default=4.0,
        help="horizon [years] (default: %(default)s)",
    )
    simulation.add_argument(
        "--paths", type=_count, default=1000, help="Monte Carlo paths (default: %(default)s)"
    )
    simulation.add_argument(
        "--seed", type=_seed, default=0, help="random seed of the paths (default: %(default)s)"
    )
    simulation.add_argument(
        "--discount-rate",
        type=_number(-1.0, 10.0, low_open=True),
        default=0.10,
        help="annual discount rate of the NPV (default: %(default)s)",
    )
    simulation.add_argument(
        "--always-on",
        action="store_true",
        help="machines run every day, as under take-or-pay power (default: idle when they "
        "lose money)",
    )
    _add_value_command(commands)
    _add_power_command(commands)
    _add_data_commands(commands)
    return parser


def _machine_price(text: str) -> tuple[str, float]:
    """Parser of NAME=PRICE: a machine and the price of one [USD]."""
    name, equals, price = text.rpartition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(
            f"expected NAME=PRICE, e.g. 'Antminer S21 XP=6939', got {_shown(text)}"
        )
    try:
        value = _number(0.0, 1e9)(price)
    except argparse.ArgumentTypeError as error:
        raise argparse.ArgumentTypeError(f"price of {name.strip()!r}: {error}") from None
    return name.strip(), value


def _add_value_command(commands: Any) -> None:
    """``value``: machines as strips of daily options on BTC, against their prices."""
    value_parser = commands.add_parser(
        "value",
        help="what one TH/s of each machine is worth, counting the right to switch off",
        description="Value one TH/s of each machine as a strip of daily calls on BTC (it runs "
        "only on the days its BTC pays its power; Yaish and Zohar 2023): Black-Scholes with "
        "a risk-neutral BTC price at --volatility (default: fitted to the four years before "
        "the snapshot) and --rate, difficulty growing at --difficulty-growth (default: none), "
        "the subsidy halving at its heights. Prints the value with switch-off, the value "
        "always on and, for machines given a price, how much the price exceeds the value.",
    )
    value_parser.add_argument(
        "machines",
        nargs="*",
        metavar="NAME[=USD_PER_TH]",
        type=_machine_or_price,
        help="catalogue machines, each with an optional price per TH/s, e.g. "
        "'Antminer S21 XP=16' (default: the whole catalogue, no prices)",
    )
    _add_market_options(value_parser)
    option = value_parser.add_argument_group("option valuation")
    option.add_argument(
        "--volatility",
        type=_number(0.0, 10.0),
        help="annualised BTC volatility [1/sqrt(year)] (default: fitted to the four years "
        "of history before the snapshot)",
    )
    option.add_argument(
        "--rate",
        type=_number(-0.99, 1.0),
        default=0.04,
        help="annual risk-free rate [-] (default: %(default)s, an assumption near 2025 "
        "US Treasury bill yields)",
    )
    option.add_argument(
        "--years",
        type=_number(0.01, 50.0),
        default=3.0,
        help="life of the machines [years] (default: %(default)s)",
    )
    option.add_argument(
        "--difficulty-growth",
        type=_number(-0.99, 10.0),
        default=0.0,
        help="annual growth of difficulty [-] (default: %(default)s)",
    )


def _machine_or_price(text: str) -> tuple[str, float | None]:
    """Parser of NAME or NAME=USD_PER_TH."""
    if "=" not in text:
        return text.strip(), None
    name, price = _machine_price(text)
    return name, price


def _value(args: argparse.Namespace) -> None:
    from minerecon.hardware import get_miner
    from minerecon.options import machine_values
    from minerecon.projection import _recent_volatility, _volatility_window

    for option, given in (("--uptime", args.uptime != 1.0), ("--other-opex", args.other_opex)):
        if given:
            raise _OptionError(option, "does not apply to 'value' (switching off saves energy)")
    state = _network(args)
    volatility = args.volatility
    source = "given"
    if volatility is None:
        first, last = _volatility_window(state.date)
        try:
            volatility = _recent_volatility(state.date)
        except ValueError as error:
            raise _OptionError("--volatility", f"cannot be fitted: {error}") from None
        source = f"fitted to {first.date()} .. {last.date()}"
    try:
        resolved = [(get_miner(name).name, price) for name, price in args.machines]
    except KeyError as error:
        raise _OptionError("NAME[=USD_PER_TH]", str(error.args[0])) from None
    names = [name for name, _ in resolved]
    if len(set(names)) != len(names):
        raise _OptionError("NAME[=USD_PER_TH]", f"each machine once, got {names}")
    table = machine_values(
        state,
        args.power_price,
        volatility=volatility,
        rate=args.rate,
        years=args.years,
        miners=names or None,
        prices_per_th={name: price for name, price in resolved if price is not None} or None,
        pue=args.pue,
        pool_fee=args.pool_fee,
        difficulty_growth=args.difficulty_growth,
    )
    if args.format == "json":
        print(_to_json({"inputs": {**table.attrs, "volatility_source": source},
                        "machines": table.reset_index().to_dict("records")}))  # fmt: skip
        return
    if args.format == "csv":
        print(table.to_csv(), end="")
        return
    print(
        f"{state.date.date()}: BTC {state.btc_price:,.0f} USD, difficulty "
        f"{state.difficulty / 1e12:,.2f} T, fees {state.fees_per_block:.4g} BTC/block; power "
        f"{args.power_price:g} USD/kWh, PUE {args.pue:g}, pool fee {args.pool_fee:g}"
    )
    print(
        f"volatility {volatility:.1%} ({source}), rate {args.rate:.1%}, {args.years:g} years, "
        f"difficulty growth {args.difficulty_growth:.1%} a year"
    )
    print()
    shown = table.rename(
        columns={
            "efficiency_j_per_th": "J/TH",
            "value_usd_per_th": "value USD/TH",
            "always_on_usd_per_th": "always on USD/TH",
            "switch_off_premium_usd_per_th": "switch-off USD/TH",
            "value_usd_per_unit": "value USD/unit",
            "price_usd_per_th": "price USD/TH",
            "overpayment": "overpays",
        }
    )
    formatters = {column: "{:,.2f}".format for column in shown.columns}
    formatters["value USD/unit"] = "{:,.0f}".format
    formatters["overpays"] = "{:+.0%}".format
    print(shown.to_string(formatters=formatters, na_rep=""))


def _add_power_command(commands: Any) -> None:
    """``power``: machines on hourly market prices, switching off when power costs more."""
    power_parser = commands.add_parser(
        "power",
        help="machines on hourly market prices: uptime, price paid, value of switching off",
        description="Run each machine on a year of hourly power prices (an ERCOT settlement "
        "point price file with --prices, or the synthetic ERCOT default calibrated to the "
        "market monitor's 2017 figures), switching off in the hours power costs more than it "
        "earns at the snapshot's hashprice. Prints the break-even price per MWh, uptime, "
        "mean price paid, margin, margin always on and the value of switching off for "
        "--load-mw of each machine, and writes the table and three figures.",
    )
    power_parser.add_argument(
        "machines",
        nargs="*",
        metavar="NAME",
        help="catalogue machines (default: the whole catalogue)",
    )
    _add_market_options(power_parser)
    market = power_parser.add_argument_group("power market")
    market.add_argument(
        "--prices",
        type=Path,
        help="ERCOT settlement point price file (CSV, zip or Excel; real-time or day-ahead) "
        "(default: a year of the synthetic ERCOT default)",
    )
    market.add_argument(
        "--point",
        default="HB_NORTH",
        help="settlement point of --prices (default: %(default)s)",
    )
    market.add_argument(
        "--start", type=_day, default="2026-01-01", help="first day of the synthetic year"
    )
    market.add_argument("--seed", type=int, default=2017, help="seed of the synthetic year")
    market.add_argument(
        "--adder",
        type=_number(0.0, None),
        default=0.0,
        help="delivery and retail charges on top of the market price [USD/MWh] "
        "(default: %(default)s)",
    )
    market.add_argument(
        "--load-mw",
        type=_number(0.0, None, low_open=True),
        default=1.0,
        help="site load of each machine type [MW] (default: %(default)s)",
    )
    market.add_argument(
        "--min-on-hours", type=_number(0.0, None), default=0.0, help="minimum run time [h]"
    )
    market.add_argument(
        "--min-off-hours", type=_number(0.0, None), default=0.0, help="minimum stop [h]"
    )
    market.add_argument(
        "--restart-cost",
        type=_number(0.0, None),
        default=0.0,
        help="cost of one restart per MW [USD/MW] (default: %(default)s)",
    )
    power_parser.add_argument(
        "--out",
        type=_folder,
        default=None,
        help="folder for the table and the figures (default: minerecon-power)",
    )
    power_parser.add_argument(
        "--figure-format",
        choices=("png", "svg", "pdf"),
        default="png",
        help="file format of the figures (default: %(default)s)",
    )


def _power(args: argparse.Namespace) -> None:
    from minerecon import economics, power
    from minerecon.hardware import get_miner

    for option, given in (
        ("--power-price", args.power_price != report.DEFAULT_POWER_PRICE),
        ("--uptime", args.uptime != 1.0),
        ("--other-opex", args.other_opex),
    ):
        if given:
            raise _OptionError(option, "does not apply to 'power': the market sets the price "
                               "each hour (delivery charges go in --adder)")  # fmt: skip
    state = _network(args)
    if args.prices is not None:
        try:
            prices = power.read_ercot(args.prices, args.point)
        except KeyError as error:
            raise _OptionError("--point", str(error.args[0])) from None
        except (ValueError, OSError) as error:
            raise _OptionError("--prices", str(error)) from None
        source = f"{args.prices.name}, {args.point}"
    else:
        model = power.ercot_price_model()
        index = model.hours(args.start, 8760)
        prices = pd.Series(model.simulate(args.start, 8760, seed=args.seed)[0], index=index)
        source = f"synthetic ERCOT default (2017 calibration), seed {args.seed}"
    index = pd.DatetimeIndex(prices.index)
    steps = (index[1:] - index[:-1]).total_seconds().to_numpy()
    interval_hours = float(np.median(steps)) / 3600.0 if steps.size else 1.0
    try:
        miners = [get_miner(name) for name in args.machines] if args.machines else None
    except KeyError as error:
        raise _OptionError("NAME", str(error.args[0])) from None
    if miners is None:
        from minerecon.hardware import list_miners

        miners = [get_miner(name) for name in list_miners().index]
    hashprice = float(
        np.asarray(
            economics.revenue_per_th(
                state.btc_price, state.difficulty, fees_per_block=state.fees_per_block
            )
        )
    )
    rows = {}
    for miner in miners:
        earns = float(
            np.asarray(
                power.revenue_per_mwh(
                    hashprice, miner.efficiency, pue=args.pue, pool_fee=args.pool_fee
                )
            )
        )
        result = power.curtail(
            prices.to_numpy(), earns, load_mw=args.load_mw, interval_hours=interval_hours,
            variable_cost=args.adder, min_on_hours=args.min_on_hours,
            min_off_hours=args.min_off_hours, restart_cost=args.restart_cost,
        )  # fmt: skip
        rows[miner.name] = {
            "efficiency_j_per_th": miner.efficiency,
            "revenue_usd_per_mwh": earns,
            "uptime": float(np.asarray(result.uptime)),
            "price_paid_usd_per_mwh": float(np.asarray(result.average_price)),
            "margin_usd": float(np.asarray(result.margin)),
            "always_on_margin_usd": float(np.asarray(result.always_on_margin)),
            "flexibility_usd": float(np.asarray(result.flexibility_value)),
            "starts": float(np.asarray(result.starts)),
        }
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("name")
    inputs = {
        "prices": source,
        "intervals": int(prices.size),
        "interval_hours": interval_hours,
        "mean_price_usd_per_mwh": float(prices.mean()),
        "hashprice_usd_per_ph_day": hashprice * 1000,
        "adder_usd_per_mwh": args.adder,
        "load_mw": args.load_mw,
        "pue": args.pue,
        "pool_fee": args.pool_fee,
    }
    if args.format == "json":
        print(_to_json({"inputs": inputs, "machines": table.reset_index().to_dict("records")}))
    elif args.format == "csv":
        print(table.to_csv(), end="")
    else:
        print(
            f"{state.date.date()}: BTC {state.btc_price:,.0f} USD, difficulty "
            f"{state.difficulty / 1e12:,.2f} T, hashprice {hashprice * 1000:,.1f} USD/PH/day; "
            f"PUE {args.pue:g}, pool fee {args.pool_fee:g}"
        )
        print(
            f"prices: {source}; {prices.size:,} intervals of {interval_hours:g} h from "
            f"{index[0]:%Y-%m-%d}, mean {prices.mean():,.2f} USD/MWh, adder {args.adder:g} "
            f"USD/MWh; {args.load_mw:g} MW of each machine"
        )
        print()
        shown = table.rename(columns={
            "efficiency_j_per_th": "J/TH", "revenue_usd_per_mwh": "earns USD/MWh",
            "uptime": "uptime", "price_paid_usd_per_mwh": "paid USD/MWh",
            "margin_usd": "margin USD", "always_on_margin_usd": "always on USD",
            "flexibility_usd": "switch-off USD", "starts": "starts",
        })  # fmt: skip
        formatters = {column: "{:,.0f}".format for column in shown.columns}
        formatters.update({"J/TH": "{:,.1f}".format, "earns USD/MWh": "{:,.1f}".format,
                           "uptime": "{:.1%}".format,
                           "paid USD/MWh": "{:,.2f}".format})  # fmt: skip
        print(shown.to_string(formatters=formatters, na_rep="n/a"))
    _power_files(args, prices, table)


def _power_files(args: argparse.Namespace, prices: pd.Series, table: pd.DataFrame) -> None:
    """The table and the three power-market figures, all or nothing, into --out."""
    from minerecon import plot

    first = table.index[0]
    threshold = float(table.loc[first, "revenue_usd_per_mwh"]) - args.adder
    drawings = [
        ("price_duration_curve", lambda: plot.price_duration_curve(prices, threshold)),
        ("hourly_operation", lambda: plot.hourly_operation(prices, threshold)),
        ("flexibility_by_month",
         lambda: plot.flexibility_by_month(prices, threshold, load_mw=args.load_mw)),
    ]  # fmt: skip
    args.html = False
    with _staged_output(args.out) as folder:
        table.to_csv(folder / "power_market.csv")
        _save_figures(drawings, folder, args)
        written = sorted(path.name for path in folder.iterdir())
    if args.format == "table":
        print()
        print(f"figures drawn for {first}: off above {threshold:,.1f} USD/MWh of market price")
        for name in written:
            print(f"wrote {args.out / name}")


def _add_data_commands(commands: Any) -> None:
    """``data status``, ``data update`` and ``data import FILE``."""
    data_parser = commands.add_parser(
        "data",
        help="show, update or import the network history the other commands use",
        description="The daily network history (BTC price, difficulty, fees per block) is "
        "bundled up to 2026-08-16; fresher days live in a data cache, in the folder named by "
        "MINERECON_DATA_DIR or else the user cache folder. Only 'data update' uses the network.",
    )
    actions = data_parser.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    actions.add_parser(
        "status",
        help="which history is in use, its sources and its last day",
        description="Print the parts of the history in use (bundled, fetched, imported), "
        "where each comes from, the cache file and the age of the last day.",
    )
    update_parser = actions.add_parser(
        "update",
        help="fetch the days since the last one from public APIs into the data cache",
        description="Fetch every day after the last one in use, up to yesterday (UTC): "
        "BTC/USD daily open from Bitstamp, difficulty by epoch from mempool.space, fees per "
        "block from blockchain.com's charts (see minerecon.update). Everything is checked "
        "before the cache file is replaced in one step; on any failure it is left as it was.",
    )
    update_parser.add_argument(
        "--timeout",
        type=_number(0.0, 600.0, low_open=True),
        default=30.0,
        help="seconds to wait for each answer, in (0, 600] (default: %(default)s)",
    )
    update_parser.add_argument(
        "--retries",
        type=_retries,
        default=3,
        help="further attempts after a timeout, HTTP 429 or 5xx, in [0, 10] "
        "(default: %(default)s)",
    )
    update_parser.add_argument(
        "--end",
        type=_any_day,
        help="last day to fetch, YYYY-MM-DD (default and latest: yesterday, UTC)",
    )
    import_parser = actions.add_parser(
        "import",
        help="put your own daily series (a CSV file) after the bundled history",
        description="Read a CSV file with the columns of btc_daily.csv (date, price_usd, "
        "difficulty, fees_btc_per_block; optionally source), check it as fetched data are "
        "checked, and make its days after 2026-08-16 the cached days (replacing any).",
    )
    import_parser.add_argument("file", type=Path, help="CSV file, one row per UTC day")


def _retries(text: str) -> int:
    """Parser of --retries: a whole number in [0, 10]."""
    if not re.fullmatch(r"\d{1,2}", text) or int(text) > 10:
        raise argparse.ArgumentTypeError(f"expected a whole number in [0, 10], got {_shown(text)}")
    return int(text)


def _any_day(text: str) -> str:
    """Parser of a day YYYY-MM-DD, any day."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a day YYYY-MM-DD, got {_shown(text)}"
        ) from None


def _data(args: argparse.Namespace) -> None:
    from minerecon import datasets, update

    cache = datasets._cache_file()
    kept = f"the data cache was left as it was ({_short(cache)})"
    if args.data_command == "status":
        _data_status()
        return
    if args.data_command == "update":
        before = datasets.load_history().index[-1]
        try:
            added = update.update_history(end=args.end, timeout=args.timeout, retries=args.retries)
        except update.DataUpdateError as error:
            raise _CommandError(f"data update: {error}; {kept}") from None
        if added.empty:
            yesterday = datasets._today() - pd.Timedelta(days=1)
            if before >= yesterday or (args.end and str(before.date()) >= args.end):
                print(f"Up to date: the history in use ends on {before.date()}.")
            else:
                print(
                    f"Nothing added: the providers have no complete day after {before.date()} "
                    "yet; try again later."
                )
            return
        print(
            f"Added {len(added):,} days, {added.index[0].date()} to {added.index[-1].date()}, "
            f"to {added.attrs['cache_file']}: price from Bitstamp (daily open), difficulty "
            "from mempool.space, fees from blockchain.com."
        )
        return
    try:
        added = update.import_history(args.file)
    except (ValueError, update.DataUpdateError) as error:
        raise _CommandError(f"data import: {error}; {kept}") from None
    print(
        f"Imported {len(added):,} days, {added.index[0].date()} to {added.index[-1].date()}, "
        f"from {args.file} into {added.attrs['cache_file']} (they replace any cached days)."
    )


def _data_status() -> None:
    from minerecon import datasets

    status = datasets.history_status()
    days = (status["last"] - status["first"]).days + 1
    print(
        f"History in use: {status['first'].date()} to {status['last'].date()} ({days:,} days); "
        f"the last day is {status['age_days']:,} days old (today is "
        f"{datasets._today().date()}, UTC)."
    )
    for part in status["parts"]:
        print(
            f"  {part['first'].date()} to {part['last'].date()}  {part['source']}, as of "
            f"{part['as_of']}"
        )
    there = "" if status["cached_days"] else " (none yet)"
    print(
        f"Data cache: {status['cache_file']}{there}; set {datasets.CACHE_ENV} to use another "
        "folder."
    )
    if status["age_days"] > datasets.STALE_AFTER_DAYS:
        print(
            "Run `minerecon data update` to fetch the days since, or `minerecon data import "
            "FILE.csv` to add your own."
        )


def _price_drift(text: str) -> Any:
    if text in ("zero", "fitted"):
        return text
    try:
        return _number(-1.0, 10.0)(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected 'zero', 'fitted' or a number in [-1, 10], got {_shown(text)}"
        ) from None


def _calibrate(args: argparse.Namespace) -> None:
    from minerecon.projection import calibrate

    try:
        fitted = calibrate(args.start, args.end, price_drift=args.price_drift)
    except ValueError as error:
        raise _OptionError("--start/--end", str(error)) from None
    table = fitted.table().reset_index()
    for column in ("start", "end"):
        table[column] = table[column].astype(str)
    if args.format == "csv":
        print(table.to_csv(index=False), end="")
    elif args.format == "json":
        print(_to_json(table.to_dict("records")))
    else:
        print(table.to_string(index=False, formatters={"value": "{:.6g}".format}))


def _network(args: argparse.Namespace) -> NetworkState:
    try:
        state = NetworkState.from_history(args.date) if args.date else NetworkState.latest()
    except ValueError as error:
        raise _OptionError("--date", str(error)) from None
    changes = {
        "btc_price": args.btc_price,
        "difficulty": args.difficulty,
        "fees_per_block": args.fees,
    }
    return state.replace(**{k: v for k, v in changes.items() if v is not None})


class _Costs(TypedDict):
    """The site's costs, as the report functions take them."""

    power_price: float
    pool_fee: float
    pue: float
    uptime: float
    other_opex: float


def _costs(args: argparse.Namespace) -> _Costs:
    return {
        "power_price": args.power_price,
        "pool_fee": args.pool_fee,
        "pue": args.pue,
        "uptime": args.uptime,
        "other_opex": args.other_opex,
    }


class _OptionError(Exception):
    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"argument {option}: {message}")


class _CommandError(Exception):
    """A failure that is not one option's: its message is the error line."""


def _header(attrs: Mapping[Hashable, Any] | Mapping[str, Any]) -> str:
    """The network and costs of a table's attrs or of a break-even summary."""
    return (
        f"Network on {attrs['date']} (height ~{attrs['height']:,}): "
        f"BTC {attrs['btc_price_usd']:,.2f} USD, difficulty {attrs['difficulty'] / 1e12:.2f} T, "
        f"subsidy {attrs['subsidy_btc']} BTC + fees {attrs['fees_btc_per_block']:.4f} BTC/block, "
        f"hashprice {attrs['hashprice_usd_per_ph_day']:.2f} USD/PH/day\n"
        f"Costs: power {attrs['power_price_usd_per_kwh']} USD/kWh, pool fee {attrs['pool_fee']}, "
        f"PUE {attrs['pue']}, uptime {attrs['uptime']}, "
        f"other opex {attrs['other_opex_usd_per_th_day']} USD/TH/day"
    )


_TABLE_HEADINGS = {
    "efficiency_j_per_th": "J/TH",
    "revenue_usd_per_th_day": "revenue $/TH/d",
    "energy_cost_usd_per_th_day": "energy $/TH/d",
    "margin_usd_per_th_day": "margin $/TH/d",
    "margin_usd_per_machine_day": "margin $/unit/d",
    "breakeven_btc_price_usd": "break-even BTC $",
    "breakeven_power_price_usd_per_kwh": "break-even $/kWh",
}


def _print_table(table: pd.DataFrame) -> None:
    shown = table[list(_TABLE_HEADINGS)].rename(columns=_TABLE_HEADINGS)
    formats = {
        "J/TH": "{:.1f}".format,
        "revenue $/TH/d": "{:.4f}".format,
        "energy $/TH/d": "{:.4f}".format,
        "margin $/TH/d": "{:.4f}".format,
        "margin $/unit/d": "{:.2f}".format,
        "break-even BTC $": "{:,.0f}".format,
        "break-even $/kWh": "{:.3f}".format,
    }
    print(shown.to_string(formatters=formats))


def _report(args: argparse.Namespace) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from minerecon import plot

    state, costs = _network(args), _costs(args)
    table = report.miner_economics(network=state, **costs)
    if args.format == "table":
        print(_header(table.attrs))
        print()
        _print_table(table)
    elif args.format == "csv":
        print(table.to_csv(), end="")
    else:
        print(_to_json({"inputs": table.attrs, "miners": table.reset_index().to_dict("records")}))
    drawings = [
        ("breakeven_btc_price", lambda: plot.breakeven_btc_price(table)),
        ("margin_vs_btc_price", lambda: plot.margin_vs_btc_price(network=state, **costs)),
    ]
    _write_outputs(
        args,
        ("miner_economics.csv", table),
        drawings,
        lambda figures, folder: _report_html(args, state, table, figures, folder),
    )


#: Headings of the per-machine table of report.html: name and [unit].
_HTML_HEADINGS = {
    "hashrate_th": "hashrate [TH/s]",
    "power_w": "power [W]",
    "efficiency_j_per_th": "efficiency [J/TH]",
    "revenue_usd_per_th_day": "revenue [USD/TH/day]",
    "energy_cost_usd_per_th_day": "energy cost [USD/TH/day]",
    "margin_usd_per_th_day": "margin [USD/TH/day]",
    "margin_usd_per_machine_day": "margin per machine [USD/day]",
    "breakeven_btc_price_usd": "break-even BTC price [USD/BTC]",
    "breakeven_power_price_usd_per_kwh": "break-even power price [USD/kWh]",
}


def _signed(digits: int) -> Callable[[float], str]:
    # A true minus sign, so negative margins stand out and align.
    return lambda value: f"{value:,.{digits}f}".replace("-", "\u2212")


def _history_provenance() -> list[str]:
    from minerecon.datasets import history_status, load_miners

    status = history_status()
    bundled, *cached = status["parts"]
    days = (bundled["last"] - bundled["first"]).days + 1
    as_of = sorted(set(load_miners()["as_of"].astype(str)))
    span = as_of[0] if len(as_of) == 1 else f"{as_of[0]} to {as_of[-1]}"
    fresher = [
        f"Days {part['first'].date()} to {part['last'].date()}: from the data cache "
        f"{status['cache_file']} ({part['source']}, as of {part['as_of']}); see "
        "'minerecon data status' and minerecon.update."
        for part in cached
    ]
    return [
        f"Daily history: minerecon/data/btc_daily.csv, one row per UTC day from "
        f"{bundled['first'].date()} to {bundled['last'].date()} ({days:,} days, no gaps); "
        "sources, commits and processing in minerecon/data/history_README.md.",
        *fresher,
        "BTC price [USD/BTC]: BTC/USD at 00:00 UTC, the first 1-minute close of the day on "
        "Bitstamp (Kaggle dataset 'Bitcoin Historical Data' by mczielinski, via the GitHub "
        "repository typedcypher/historical-bitcoin-prices, commit of 2026-08-22); "
        "2015-01-06 to 2015-01-09 (Bitstamp offline) from the blockchain.com market-price chart.",
        "Difficulty [-]: the value in force at 00:00 UTC, exact per epoch from the Bitcoin "
        "block headers (Electrum checkpoints, spesmilo/electrum, commit of 2026-07-01) to "
        "2026-06-27; from 2026-06-28 the blockchain.com difficulty chart "
        "(AlonzoBenz/BitcoinTerminal, commit of 2026-08-17), which also dates the retargets.",
        "Fees [BTC/block]: the day's total fees over the day's blocks, from the blockchain.com "
        "transaction-fees and total-bitcoins charts (AlonzoBenz/BitcoinTerminal, commit of "
        "2026-08-17); 6 days (3 halving days and 2025-11-13 to 2025-11-15) carry the previous "
        "day's value.",
        f"Machines: minerecon/data/miners.csv, nameplate hashrate and power from secondary "
        f"sources (as of {span}; see minerecon/data/miners_README.md), +/-5 % tolerance.",
    ]


def _report_html(
    args: argparse.Namespace,
    state: NetworkState,
    table: pd.DataFrame,
    figures: dict,
    folder: Path,
) -> Path:
    from minerecon.html import Bullets, Figure, Section, Table, write_html_report

    attrs = table.attrs
    overridden = {
        "btc_price": "--btc-price",
        "difficulty": "--difficulty",
        "fees": "--fees",
    }
    source = {
        key: f"set by {option}" if getattr(args, key) is not None else f"history, {attrs['date']}"
        for key, option in overridden.items()
    }
    inputs = pd.DataFrame(
        [
            ("network date", attrs["date"], "UTC day", "--date" if args.date else "last day"),
            ("block height (estimated)", f"{attrs['height']:,}", "blocks", "history"),
            ("BTC price", f"{attrs['btc_price_usd']:,.2f}", "USD/BTC", source["btc_price"]),
            (
                "difficulty",
                f"{attrs['difficulty'] / 1e12:,.2f} T",
                "10^12, dimensionless: a block takes 2^32 x difficulty hashes on average",
                source["difficulty"],
            ),
            ("block subsidy", f"{attrs['subsidy_btc']:g}", "BTC/block", "protocol"),
            ("fees", f"{attrs['fees_btc_per_block']:.4f}", "BTC/block", source["fees"]),
            ("hashprice", f"{attrs['hashprice_usd_per_ph_day']:.2f}", "USD/PH/day", "computed"),
            ("power price", f"{attrs['power_price_usd_per_kwh']:g}", "USD/kWh", "--power-price"),
            ("pool fee", f"{attrs['pool_fee']:g}", "share of revenue", "--pool-fee"),
            ("PUE", f"{attrs['pue']:g}", "facility power / machine power", "--pue"),
            ("uptime", f"{attrs['uptime']:g}", "share of the day", "--uptime"),
            (
                "other opex",
                f"{attrs['other_opex_usd_per_th_day']:g}",
                "USD/TH/day",
                "--other-opex",
            ),
        ],
        columns=["input", "value", "unit", "source"],
    )
    shown = table[list(_HTML_HEADINGS)].rename(columns=_HTML_HEADINGS)
    formats = {
        "hashrate [TH/s]": "{:,.0f}".format,
        "power [W]": "{:,.0f}".format,
        "efficiency [J/TH]": "{:.1f}".format,
        "revenue [USD/TH/day]": "{:.4f}".format,
        "energy cost [USD/TH/day]": "{:.4f}".format,
        "margin [USD/TH/day]": _signed(4),
        "margin per machine [USD/day]": _signed(2),
        "break-even BTC price [USD/BTC]": "{:,.0f}".format,
        "break-even power price [USD/kWh]": "{:.3f}".format,
    }
    profitable = int((table["margin_usd_per_th_day"] > 0).sum())
    sections = [
        Section(
            "Inputs: network snapshot and costs",
            [
                Table(inputs, index=False, text_columns=["input", "unit", "source"]),
                "Hashprice: the revenue of 1 PH/s for one day at this snapshot, "
                "(subsidy + fees) x BTC price x 86,400 x 10^15 / (difficulty x 2^32).",
            ],
        ),
        Section(
            "Per-machine economics",
            [
                f"{profitable} of {len(table)} catalogue machines have a positive margin at "
                f"{attrs['power_price_usd_per_kwh']:g} USD/kWh; sorted by efficiency, "
                "most efficient first.",
                Table(
                    shown,
                    formatters=formats,
                    caption="Break-even BTC price: the price at which the margin is zero at this "
                    "difficulty and these fees and costs. Break-even power price: the "
                    "electricity price at which it is zero at this BTC price.",
                ),
            ],
        ),
    ]
    plots = []
    if "breakeven_btc_price" in figures:
        plots.append(
            Figure(
                figures["breakeven_btc_price"],
                alt="Horizontal bars: break-even BTC price of each machine against the "
                f"snapshot price of {attrs['btc_price_usd']:,.0f} USD/BTC.",
                caption="Break-even BTC price per machine; the dashed line is the snapshot "
                "price, blue bars are profitable, vermilion bars are not.",
            )
        )
    if "margin_vs_btc_price" in figures:
        plots.append(
            Figure(
                figures["margin_vs_btc_price"],
                alt="Lines: margin per PH/s per day of a selection of machines against "
                "the BTC price.",
                caption="Margin [USD per PH/s per day] against the BTC price, other inputs "
                "held at the snapshot; the dots mark each machine's break-even price.",
            )
        )
    if plots:
        sections.append(Section("Figures", plots))
    sections.append(Section("Data provenance", [Bullets(_history_provenance())]))
    return write_html_report(
        folder / "report.html",
        title="minerecon report: per-machine mining economics",
        subtitle=f"Network on {attrs['date']}, power {attrs['power_price_usd_per_kwh']:g} "
        f"USD/kWh, hashprice {attrs['hashprice_usd_per_ph_day']:.2f} USD/PH/day",
        sections=sections,
        footer=_footer(),
    )


def _footer() -> str:
    from minerecon import __version__

    return (
        f"Written by minerecon {__version__}. Self-contained: styles and figures are embedded, "
        "nothing is fetched."
    )


def _to_json(payload: Any) -> str:
    def clean(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return clean(node)

    return json.dumps(walk(payload), indent=2, default=float)


def _breakeven(args: argparse.Namespace) -> None:
    try:
        summary = report.breakeven_summary(args.miner, network=_network(args), **_costs(args))
    except KeyError as error:
        raise _OptionError("--miner", str(error.args[0])) from None
    if args.format == "json":
        print(_to_json(summary))
    elif args.format == "csv":
        print(pd.Series(summary).to_csv(header=False), end="")
    else:
        print(_header(summary))
        print()
        units = {
            "hashrate_th": "TH/s",
            "power_w": "W",
            "efficiency_j_per_th": "J/TH",
            **report.COLUMNS,
            "breakeven_difficulty": "dimensionless",
            "shutdown_hashprice_usd_per_ph_day": "USD/PH/day",
            "energy_cost_usd_per_btc": "USD/BTC",
        }
        print(summary["miner"])
        for key, unit in units.items():
            print(f"  {key:<36} {summary[key]:>20,.6g}  [{unit}]")


def _days_or_never(days: float) -> str:
    # Paths that never pay back make the median infinite: not within the horizon.
    return "never" if days == math.inf else f"{days:,.0f}"


#: Columns of the payback table: heading and formatter.
_PAYBACK_COLUMNS: dict[str, tuple[str, Callable[[float], str]]] = {
    "usd_per_th": ("USD/TH", "{:,.2f}".format),
    "efficiency_j_per_th": ("J/TH", "{:.1f}".format),
    "mean_npv_usd": ("mean NPV [USD]", "{:,.0f}".format),
    "p5_npv_usd": ("p5 NPV", "{:,.0f}".format),
    "p95_npv_usd": ("p95 NPV", "{:,.0f}".format),
    "npv_per_capex": ("NPV per USD", "{:.2f}".format),
    "probability_of_loss": ("P(loss)", "{:.0%}".format),
    "expected_shortfall_usd": ("CVaR95 loss [USD]", "{:,.0f}".format),
    "median_payback_days": ("median payback [days]", _days_or_never),
    "probability_never_pays_back": ("P(never pays back)", "{:.0%}".format),
    "median_irr": ("median IRR", "{:.0%}".format),
}


def _payback(args: argparse.Namespace) -> None:
    from minerecon.hardware import Deployment
    from minerecon.projection import compare_machines, default_market

    names = [name for name, _ in args.machines]
    if len(set(names)) != len(names):
        raise _OptionError("NAME=PRICE", f"each machine once, got {names}")
    state = _network(args)
    terms = {"uptime": args.uptime, "other_opex": args.other_opex}
    try:
        machines = [
            Deployment(name, 1, capex_per_unit=price, **terms) for name, price in args.machines
        ]
    except (ValueError, KeyError) as error:
        raise _OptionError("NAME=PRICE", str(error.args[0] if error.args else error)) from None
    days = max(2, round(args.years * 365))
    try:
        market = default_market(machines[0], days=days, start=state)
    except ValueError as error:
        raise _OptionError("--date", str(error)) from None
    scenario = market.replace(
        power_price=args.power_price,
        pue=args.pue,
        pool_fee=args.pool_fee,
        discount_rate=args.discount_rate,
        switch_off=not args.always_on,
    )
    # Several engine runs take seconds: a bar per machine on a terminal, nothing in a pipe.
    table = compare_machines(
        machines, scenario, n_paths=args.paths, seed=args.seed, progress=sys.stderr.isatty()
    )
    if args.format == "json":
        records = table.reset_index().to_dict("records")
        print(_to_json({"settings": table.attrs, "machines": records}))
        return
    if args.format == "csv":
        print(table.to_csv(), end="")
        return
    for line in scenario.describe():
        if not line.startswith("fleet:"):
            print(line)
    print(f"{args.paths:,} paths, seed {args.seed}; one machine of each bought on day 0")
    print()
    shown = table[list(_PAYBACK_COLUMNS)].rename(
        columns={key: heading for key, (heading, _) in _PAYBACK_COLUMNS.items()}
    )
    formats = dict(_PAYBACK_COLUMNS.values())
    print(shown.to_string(formatters=formats, na_rep="-"))


def _miners() -> None:
    from minerecon.hardware import list_miners

    table = list_miners()[["manufacturer", "hashrate_th", "power_w", "efficiency_j_per_th"]]
    print(table.to_string())


_MARKET_OPTIONS = (
    "date",
    "btc_price",
    "difficulty",
    "fees",
    "power_price",
    "pool_fee",
    "pue",
    "uptime",
    "other_opex",
)


def _preset_report(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    from minerecon.presets import get_preset

    assert parser._subparsers is not None  # build_parser adds the commands
    commands = parser._subparsers._group_actions[0]
    assert isinstance(commands, argparse._SubParsersAction)
    report_parser = commands.choices["report"]
    for name in _MARKET_OPTIONS:
        if getattr(args, name) != report_parser.get_default(name):
            option = "--" + name.replace("_", "-")
            raise _OptionError(option, "does not apply with --preset (the preset sets it)")
    _study_report(get_preset(args.preset), args)


_STUDY_HEADINGS = {
    "mean_npv": "mean NPV $M",
    "p5_npv": "p5 $M",
    "probability_of_loss": "P(loss)",
    "expected_shortfall_95": "CVaR95 loss $M",
    "mean_equity_npv": "equity NPV $M",
    "median_irr": "IRR",
    "median_equity_irr": "equity IRR",
    "median_min_dscr": "min DSCR",
    "probability_beats_pure_mining": "P(beats mining)",
    "breakeven_btc_price_usd": "break-even BTC $",
    "breakeven_hashprice_usd_per_ph_day": "b-e hashprice",
}


def _study_table(comparison: Any) -> pd.DataFrame:
    """The comparison table with the decision's break-even BTC price and hashprice."""
    table = comparison.table()
    prices = [float("nan")]
    prices += [comparison.breakeven_btc_price(option) for option in comparison.options[1:]]
    table["breakeven_btc_price_usd"] = prices
    start = comparison.scenario.start
    per_btc = units.hashprice_to_ph_day(start.hashprice / start.btc_price)
    table["breakeven_hashprice_usd_per_ph_day"] = [p * per_btc for p in prices]
    return table


def _money(value: float) -> str:
    return f"{value / 1e6:,.1f}"


def _share(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{value:.1%}"


def _ratio(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{value:.2f}"


def _months(value: float) -> str:
    return "never" if value == math.inf else f"{value:.0f}"


def _btc(value: float) -> str:
    if math.isnan(value):
        return "-"
    if value == 0.0:
        return "mining always"
    if value == math.inf:
        return "split always"
    return f"{value:,.0f}"


def _hashprice(value: float) -> str:
    if math.isnan(value) or value == 0.0 or value == math.inf:
        return _btc(value).replace("mining always", "-").replace("split always", "-")
    return f"{value:,.1f}"


_BREAKEVEN_CONVENTION = (
    "Break-even BTC $: constant price above which pure mining is worth more than the option "
    "under the view's valuation ('mining always' / 'split always': one side wins at every price "
    "from 1,000 to 1,000,000 USD); b-e hashprice: the start's hashprice at that price "
    "[USD/PH/day]."
)


def _study_line(study: Any) -> str:
    scenario = study.scenario
    return (
        f"Start {scenario.start.date.date()} (BTC {scenario.start.btc_price:,.0f} USD, "
        f"difficulty {scenario.start.difficulty / 1e12:.2f} T), horizon {scenario.days:,} days, "
        f"{study.n_paths:,} paths, seed {study.seed}; site {study.site.gross_mw:g} MW at "
        f"{float(np.mean(study.site.power_price)):.3f} USD/kWh"
    )


@dataclasses.dataclass(frozen=True)
class _View:
    """One valuation of a study: its comparison, table and split curve."""

    name: str
    comparison: Any
    table: pd.DataFrame
    best: float
    scores: pd.Series
    tornado: pd.DataFrame | None = None

    @property
    def winner(self) -> str:
        return str(self.table["mean_npv"].idxmax())

    @property
    def best_split(self) -> str:
        """The split with the highest mean NPV (the one the decision is about)."""
        return str(self.table["mean_npv"].iloc[1:].idxmax())


def _verdict(view: _View) -> str:
    """Which option is worth most in a view, by how much, and where the decision flips."""
    table = view.table
    npv, breakeven = table["mean_npv"], table["breakeven_btc_price_usd"]
    winner, mining = view.winner, float(npv.iloc[0])
    if winner == table.index[0]:
        if len(table) == 1:
            return f"{view.name}: pure mining, {mining / 1e6:,.0f} M USD mean NPV."
        best = view.best_split
        text = (
            f"{view.name}: pure mining is worth most, {mining / 1e6:,.0f} M USD mean NPV "
            f"against {float(npv.loc[best]) / 1e6:,.0f} M USD for {best}, the best split"
        )
        price = float(breakeven.loc[best])
    else:
        text = (
            f"{view.name}: {winner} is worth most, {float(npv.loc[winner]) / 1e6:,.0f} M "
            f"USD mean NPV against {mining / 1e6:,.0f} M USD for pure mining"
        )
        price = float(breakeven.loc[winner])
    if math.isfinite(price) and price > 0:
        text += f"; mining wins above a constant {price:,.0f} USD/BTC"
    elif price == 0:
        text += "; mining wins at every constant BTC price from 1,000 USD"
    elif price == math.inf:
        text += "; the split wins at every constant BTC price up to 1,000,000 USD"
    return text + "."


def _print_study(study: Any, views: list[_View]) -> None:
    print(study.name)
    print(_study_line(study))
    formats = {
        "mean NPV $M": _money,
        "p5 $M": _money,
        "P(loss)": "{:.1%}".format,
        "CVaR95 loss $M": _money,
        "equity NPV $M": _money,
        "IRR": _share,
        "equity IRR": _share,
        "min DSCR": _ratio,
        "P(beats mining)": "{:.1%}".format,
        "break-even BTC $": _btc,
        "b-e hashprice": _hashprice,
    }
    for view in views:
        valuation = view.comparison.valuation
        print()
        print(f"== {view.name} view ==")
        for line in valuation.describe():
            print(f"  {line}")
        print()
        shown = view.table[[c for c in _STUDY_HEADINGS if c in view.table]]
        print(shown.rename(columns=_STUDY_HEADINGS).to_string(formatters=formats, na_rep="-"))
        print()
        breakdown = view.comparison.value_breakdown() / 1e6
        print("Mean value by part [M USD]:")
        print(breakdown.to_string(float_format="{:,.1f}".format))
        print()
        print(_verdict(view))
        if view.tornado is not None:
            print()
            print(f"What moves it: {view.tornado.attrs['output']}")
            shown = view.tornado[["low_value", "high_value", "output_low", "output_high"]]
            print(shown.to_string(float_format="{:,.4g}".format))
        if len(view.scores):
            print(
                f"Best share leased by mean NPV: {view.best:.0%} "
                f"({view.scores.loc[view.best] / 1e6:,.1f} M USD)."
            )
    print()
    print(_BREAKEVEN_CONVENTION)


# Paths of each run of the decision tornado (common to all its runs).
_TORNADO_PATHS = 200


def _run_views(study: Any, stage: Callable[[str], None] = lambda text: None) -> list[_View]:
    """Run the engine once, value the paths under every view of the study.

    The main (first) view also gets the tornado of its decision: what moves the
    value of its best split over pure mining. ``stage`` hears each step begin.
    """
    from minerecon import sensitivity

    names = list(study.valuations)
    stage(f"{study.n_paths:,} paths x {study.scenario.days:,} days, valued")
    first = study.run()
    if study.splits:
        stage("split curves")
    # The curves value the first run's paths: no second engine run.
    curves = (
        {name: first.split_curve(valuation=v) for name, v in study.valuations.items()}
        if study.splits
        else {}
    )
    views = []
    stage("views and break-even prices")
    for index, name in enumerate(names):
        comparison = first if index == 0 else first.revalue(study.valuations[name])
        best, scores = curves.get(name, (0.0, pd.Series(dtype=float)))
        views.append(_View(name, comparison, _study_table(comparison), best, scores))
    if study.splits:
        main = views[0]
        label = main.best_split
        stage("decision tornado")
        split = dataclasses.replace(study.splits[label], name=label)
        tornado = sensitivity.decision_tornado(
            study.site,
            split,
            study.scenario,
            study.valuations[main.name],
            n_paths=min(_TORNADO_PATHS, study.n_paths),
            seed=study.seed,
        )
        views[0] = dataclasses.replace(main, tornado=tornado)
    return views


def _decision(breakeven: float) -> str | None:
    """The break-even in words, for JSON, which has no infinity."""
    if math.isnan(breakeven):
        return None
    if breakeven == 0.0:
        return "mining always"
    if breakeven == math.inf:
        return "split always"
    return "mining above the break-even"


def _study_payload(study: Any, views: list[_View]) -> dict:
    """The JSON document of a study (schema: docs, user guide "Valuing a site")."""
    return {
        "study": study.name,
        "start": str(study.scenario.start.date.date()),
        "days": study.scenario.days,
        "n_paths": study.n_paths,
        "seed": study.seed,
        "notes": list(study.notes),
        "views": {
            view.name: {
                "conventions": view.comparison.valuation.describe(),
                "winner": view.winner,
                "options": [
                    {**row, "decision": _decision(row["breakeven_btc_price_usd"])}
                    for row in view.table.reset_index().to_dict("records")
                ],
                "value_breakdown": view.comparison.value_breakdown()
                .reset_index(names="option")
                .to_dict("records"),
                "split_curve": {
                    "best_fraction": view.best,
                    "mean_npv": {f"{k:g}": v for k, v in view.scores.items()},
                },
                "tornado": None
                if view.tornado is None
                else {
                    "output": view.tornado.attrs["output"],
                    "n_paths": min(_TORNADO_PATHS, study.n_paths),
                    "drivers": view.tornado.reset_index().to_dict("records"),
                },
            }
            for view in views
        },
    }


def _announce_compilation() -> None:
    """One line on standard error when numba must compile the study's kernels.

    That is the first run after installing (or upgrading), which would
    otherwise pass tens of seconds in silence. Numba's cache index of the two
    kernels every study runs is read through its private attributes: if they
    change, nothing is said.
    """
    from minerecon import _kernels, cashflow

    # Numba's stubs do not declare the private cache attributes read here.
    kernels: tuple[Any, ...] = (_kernels.mining_kernel, cashflow._irr_rows)
    try:
        cached = all(kernel._cache._cache_file._load_index() for kernel in kernels)
    except (AttributeError, OSError, EOFError, ValueError):
        return
    if not cached:
        print(
            "minerecon: compiling the Monte Carlo engine and the IRR with numba, once: "
            "later runs load them from numba's cache",
            file=sys.stderr,
            flush=True,
        )


def _study_report(study: Any, args: argparse.Namespace) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from minerecon import plot

    changes = {"n_paths": args.paths, "seed": args.seed}
    study = study.replace(**{k: v for k, v in changes.items() if v is not None})
    _check_noise(study, args)
    _check_memory(study, args)
    _announce_compilation()
    stages = _Stages(4 if study.splits else 2)
    try:
        views = _run_views(study, stages)
    except (ValueError, ArithmeticError) as error:
        # Inputs the file or preset accepted but the run cannot use (say, a price so
        # large the flows overflow): say whose inputs they are.
        origin = f"preset {args.preset}" if getattr(args, "preset", None) else str(args.file)
        raise ValueError(f"{origin}: cannot value this study: {error}") from None
    combined = pd.concat({view.name: view.table for view in views}, names=["view"])
    if args.format == "table":
        _print_study(study, views)
    elif args.format == "csv":
        print(combined.to_csv(), end="")
    else:
        print(_to_json(_study_payload(study, views)))
    stages("figures")
    drawings = []
    for view in views:
        slug = view.name.replace(" ", "_")
        drawings.append(
            (f"npv_distribution_{slug}", lambda v=view: plot.npv_distribution(v.comparison))
        )
        if len(view.scores):
            drawings.append(
                (
                    f"split_fraction_curve_{slug}",
                    lambda v=view: _split_figure(plot, v),
                )
            )
        if view.tornado is not None:
            drawings.append((f"decision_tornado_{slug}", lambda v=view: plot.tornado(v.tornado)))
    _write_outputs(
        args,
        ("site_comparison.csv", combined),
        drawings,
        lambda figures, folder: _study_html(study, args, views, figures, folder),
    )
    stages.close()


class _Stages:
    """One line on a terminal saying which step of a study runs (they take seconds).

    A tqdm bar that counts steps, shown only when standard error is a terminal;
    ``main`` clears it if the run fails.
    """

    def __init__(self, steps: int) -> None:
        from tqdm import tqdm

        self._bar = tqdm(
            total=steps + 1,  # the figures come last
            desc="minerecon",
            bar_format="{desc}: step {n_fmt}/{total_fmt}{postfix} ({elapsed})",
            disable=None,
            leave=False,
        )
        self._started = False

    def __call__(self, step: str) -> None:
        if self._started:
            self._bar.update()
        self._started = True
        self._bar.set_postfix_str(step)

    def close(self) -> None:
        self._bar.close()


def _short(text: Any, limit: int = 80) -> str:
    """``str(text)`` shortened in the middle to at most about ``limit`` characters."""
    text = str(text)
    return text if len(text) <= limit else f"{text[: limit - 20]}...{text[-17:]}"


def _write_error(error: OSError, out: Path) -> _OptionError:
    return _OptionError("--out", f"cannot write there: {error.strerror or error}: {_short(out)}")


# --------------------------------------------------------------------------
# Memory: the one estimate of what a site study needs, against one budget
# --------------------------------------------------------------------------

#: Share of the machine's memory (or of the container's limit, if lower) a site
#: study may use [-]; 4 GiB where neither can be read.
_MEMORY_SHARE = 0.5
_FALLBACK_BUDGET = 4 * 2**30

#: Arrays of one float per path and day a site study holds at once [-]: the
#: engine's daily flows and working copies, plus per option valued its mining,
#: hosting and site flows. Measured peaks (examples/site.toml, 3,650 days): 4.4
#: arrays for pure mining alone, 36 for 11 options, 45 for 22.
_BASE_ARRAYS = 4
_ARRAYS_PER_OPTION = 3


def _memory_budget() -> tuple[int, str]:
    """Bytes a site study may use, and where the figure comes from."""
    sizes = []
    with contextlib.suppress(AttributeError, ValueError, OSError):
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        if total > 0:
            sizes.append((total, "this machine's memory"))
    with contextlib.suppress(OSError, ValueError):
        limit = Path("/sys/fs/cgroup/memory.max").read_text(encoding="ascii").strip()
        if limit.isdigit() and int(limit) > 0:
            sizes.append((int(limit), "the container's memory limit"))
    if not sizes:
        return _FALLBACK_BUDGET, "the machine's memory is unknown"
    size, source = min(sizes)
    return int(size * _MEMORY_SHARE), f"half of {source}"


def _engine_flows_limit() -> int:
    """Bytes of daily flows the engine keeps at most (``simulate``'s default budget)."""
    import inspect

    from minerecon.projection import simulate

    return int(inspect.signature(simulate).parameters["memory_budget_mb"].default * 2**20)


def _bytes(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if size < 1024:
            return f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} EiB"


def _study_memory(study: Any, n_paths: int) -> int:
    """Bytes a site study of ``n_paths`` paths needs at its peak (see _BASE_ARRAYS).

    The split curve values every fraction of ``config.SPLIT_FRACTIONS`` at once, so a
    study with splits values at least that many options.
    """
    from minerecon.config import SPLIT_FRACTIONS

    options = 1 + len(study.splits)
    if study.splits:
        options = max(options, len(SPLIT_FRACTIONS))
    return 8 * n_paths * study.scenario.days * (_BASE_ARRAYS + _ARRAYS_PER_OPTION * options)


def _check_noise(study: Any, args: argparse.Namespace) -> None:
    """Refuse more than one path of a study without noise, naming --paths or the file's key.

    :func:`minerecon.scenario.compare` refuses it too, but once the run has started,
    where neither the option nor the key and its line are known.
    """
    from minerecon.scenario import _is_deterministic

    if study.n_paths == 1 or not _is_deterministic(study.scenario):
        return
    if any(split.hosting.default_hazard > 0 for split in study.splits.values()):
        return  # the tenants' defaults are drawn: the paths differ
    file = getattr(args, "file", None)
    option = file is None or args.paths is not None
    problem = (
        f"got {study.n_paths:,} paths of a scenario without noise: its price, fee and hashrate "
        "models give the same path every time, so there is no distribution to show; "
        + ("give --paths 1" if option else "set n_paths = 1")
        + ' or a stochastic model (e.g. price = {model = "gbm", volatility = 0.5})'
    )
    if option:
        raise _OptionError("--paths", problem)
    assert file is not None  # else the option is named
    from minerecon.config import _error_at

    raise _error_at(file, "simulation.n_paths", problem)


def _check_memory(study: Any, args: argparse.Namespace) -> None:
    """Refuse a study whose paths and days do not fit the memory budget.

    The one place the command estimates memory: before the engine runs, so a run
    too large for the machine stops with one line instead of a MemoryError (or the
    system's out-of-memory killer) minutes later. It names --paths if given, else
    the file's ``n_paths``, or its ``horizon_days`` when not even one path fits.
    """
    budget, source = _memory_budget()
    days, paths = study.scenario.days, study.n_paths
    flows_limit = _engine_flows_limit()
    fit = min(budget // _study_memory(study, 1), flows_limit // (8 * days))
    if paths <= fit:
        return
    need = _study_memory(study, paths)
    if need > budget:
        problem = (
            f"{paths:,} paths x {days:,} days need about {_bytes(need)}, above the memory "
            f"budget of {_bytes(budget)} ({source})"
        )
    else:
        problem = (
            f"{paths:,} paths x {days:,} days of daily flows are {_bytes(8 * paths * days)}, "
            f"above the {_bytes(flows_limit)} the engine keeps"
        )
    if fit >= 1:
        problem += f"; at most {fit:,} paths fit at this horizon"
    else:
        problem += "; not even one path fits: shorten the horizon"
    file = getattr(args, "file", None)
    if file is None or (fit >= 1 and args.paths is not None):
        raise _OptionError("--paths", problem)
    from minerecon.config import _error_at

    key = "simulation.n_paths" if fit >= 1 else "simulation.horizon_days"
    raise _error_at(file, key, problem)


@contextlib.contextmanager
def _staged_output(out: Path) -> Iterator[Path]:
    """A fresh hidden folder in ``out``; its files replace those of ``out`` if the block succeeds.

    A run that fails or is killed before the end leaves the files of ``out`` as they
    were (a killed run may leave the hidden folder). The staging folder is inside
    ``out``, on the same file system, so each file moves with one ``os.replace``,
    which replaces a symbolic link in ``out`` rather than the file it points to:
    nothing outside ``out`` is written. ``_move_into`` makes the moves.
    """
    try:
        if out.is_symlink():
            raise _OptionError("--out", f"must be a folder, not a symbolic link: {_short(out)}")
        if out.exists() and not out.is_dir():
            raise _OptionError("--out", f"must be a folder, got a file: {_short(out)}")
        created = not out.exists()
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".minerecon-staging-", dir=out))
    except OSError as error:
        raise _write_error(error, out) from None
    try:
        yield staging
        _move_into(staging, out)
    except OSError as error:
        raise _write_error(error, out) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created:  # a folder made for a run that failed goes again (if still empty)
            with contextlib.suppress(OSError):
                out.rmdir()


def _move_into(staging: Path, out: Path) -> None:
    """Move every file of ``staging`` into ``out``: all of them, or none.

    Each previous file is first kept in ``staging`` under a hard link (a rename
    where links are not supported); if a move fails, or the run is interrupted,
    the moves made so far are undone and the previous files put back.
    """
    names = sorted(path.name for path in staging.iterdir())
    for name in names:
        target = out / name
        if target.is_dir() and not target.is_symlink():
            raise IsADirectoryError(
                errno.EISDIR, "a folder has the name of an output file", str(target)
            )
    previous = Path(tempfile.mkdtemp(prefix=".previous-", dir=staging))
    kept, moved = [], []
    try:
        for name in names:
            target = out / name
            if os.path.lexists(target):
                try:
                    os.link(target, previous / name, follow_symlinks=False)
                except OSError:
                    os.rename(target, previous / name)
                kept.append(name)
            os.replace(staging / name, target)
            moved.append(name)
    except BaseException:
        for name in moved:
            if name not in kept:
                with contextlib.suppress(OSError):
                    (out / name).unlink()
        for name in kept:
            with contextlib.suppress(OSError):
                os.replace(previous / name, out / name)
        raise


def _split_figure(plot: Any, view: _View) -> Any:
    """The split curve of a view, titled with its site and view (the files are per view)."""
    ax = plot.split_fraction_curve(view.scores, best=view.best)
    site = view.comparison.site
    ax.set_title(
        f"{site.name or 'Site'}: mean NPV against the split of its power, {view.name} view",
        fontsize="medium",
    )
    return ax


#: Resolution of the figures written [dots per inch]: sharp on a slide.
_FIGURE_DPI = 150


def _save_figures(
    drawings: Sequence[tuple[str, Callable[[], Any]]], folder: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Draw and save each figure in ``folder``; its PNG bytes for the HTML page by name."""
    import matplotlib.pyplot

    figures = {}
    for name, draw in drawings:
        ax = draw()
        path = folder / f"{name}.{args.figure_format}"
        if args.html:
            from minerecon.html import figure_to_png

            figures[name] = figure_to_png(ax.figure, dpi=_FIGURE_DPI)
        if args.html and args.figure_format == "png":
            path.write_bytes(figures[name])  # the page shows the file's bytes: one rendering
        else:
            ax.figure.savefig(path, dpi=_FIGURE_DPI)
        matplotlib.pyplot.close(ax.figure)
    return figures


def _write_outputs(
    args: argparse.Namespace,
    table: tuple[str, pd.DataFrame],
    drawings: Sequence[tuple[str, Callable[[], Any]]],
    page: Callable[[dict, Path], Any],
) -> None:
    """The table as CSV, the figures and (with --html) the page, all or nothing, into --out."""
    with _staged_output(args.out) as folder:
        table[1].to_csv(folder / table[0])
        figures = _save_figures(drawings, folder, args)
        if args.html:
            page(figures, folder)
        written = sorted(path.name for path in folder.iterdir())
    if args.format == "table":
        print()
        for name in written:
            print(f"wrote {args.out / name}")


#: Headings of the comparison table of report.html: name and [unit].
_STUDY_HTML_HEADINGS = {
    "mean_npv": "mean NPV [M USD]",
    "median_npv": "median NPV [M USD]",
    "p5_npv": "p5 NPV [M USD]",
    "p95_npv": "p95 NPV [M USD]",
    "probability_of_loss": "P(loss) [%]",
    "expected_shortfall_95": "CVaR95 loss [M USD]",
    "mean_equity_npv": "mean equity NPV [M USD]",
    "median_irr": "median IRR [%/year]",
    "median_equity_irr": "median equity IRR [%/year]",
    "median_payback_months": "median payback [months]",
    "median_min_dscr": "median lowest DSCR [-]",
    "probability_beats_pure_mining": "P(beats mining) [%]",
    "breakeven_btc_price_usd": "break-even BTC price [USD/BTC]",
    "breakeven_hashprice_usd_per_ph_day": "break-even hashprice [USD/PH/day]",
}


def _percent(value: float) -> str:
    return "n/a" if not math.isfinite(value) else f"{100 * value:.1f}".replace("-", "\u2212")


def _study_html(
    study: Any, args: argparse.Namespace, views: list[_View], figures: dict, folder: Path
) -> Path:
    from minerecon.html import Bullets, Figure, Section, Table, write_html_report

    scenario, site = study.scenario, study.site
    origin = f"preset {args.preset}" if getattr(args, "preset", None) else f"file {args.file}"
    money = _signed(1)
    formats = {
        "mean NPV [M USD]": lambda v: money(v / 1e6),
        "median NPV [M USD]": lambda v: money(v / 1e6),
        "p5 NPV [M USD]": lambda v: money(v / 1e6),
        "p95 NPV [M USD]": lambda v: money(v / 1e6),
        "P(loss) [%]": _percent,
        "CVaR95 loss [M USD]": lambda v: money(v / 1e6),
        "mean equity NPV [M USD]": lambda v: money(v / 1e6),
        "median IRR [%/year]": _percent,
        "median equity IRR [%/year]": _percent,
        "median payback [months]": _months,
        "median lowest DSCR [-]": _ratio,
        "P(beats mining) [%]": _percent,
        "break-even BTC price [USD/BTC]": _btc,
        "break-even hashprice [USD/PH/day]": _hashprice,
    }
    options = pd.DataFrame(
        {
            "converted to hosting [MW]": [0.0]
            + [split.converted_mw(site) for split in study.splits.values()],
            "share of the site [%]": [0.0]
            + [100 * split.converted_mw(site) / site.gross_mw for split in study.splits.values()],
            "hosting contract": ["-"]
            + [type(split.hosting).__name__ for split in study.splits.values()],
        },
        index=pd.Index(list(views[0].table.index), name="option"),
    )
    fleet = ", ".join(
        f"{d.count:,} x {d.miner.name} ({d.miner.hashrate:g} TH/s, {d.miner.power:,.0f} W)"
        for d in site.fleet
    )
    setup = Bullets(
        [
            f"Start {scenario.start.date.date()}: BTC {scenario.start.btc_price:,.0f} USD/BTC, "
            f"difficulty {scenario.start.difficulty / 1e12:.2f} T, "
            f"fees {scenario.start.fees_per_block:.4f} BTC/block.",
            f"Horizon {scenario.days:,} days.",
            f"Monte Carlo: {study.n_paths:,} paths, seed {study.seed}, the same paths for every "
            "option and every view (common random numbers).",
            f"Site: {site.gross_mw:g} MW gross at {float(np.mean(site.power_price)):.3f} USD/kWh, "
            f"mining PUE {site.mining_pue:g}, pool fee {site.pool_fee:g}; fleet {fleet}.",
            "Models: "
            + "; ".join(
                f"{name} {model!r}".replace(", calibration=None", "")
                for name, model in (
                    ("price", scenario.price),
                    ("fees", scenario.fees),
                    ("hashrate", scenario.hashrate),
                )
            )
            + ".",
        ]
    )
    sections = [
        Section("Study", [f"Source: {origin}.", setup]),
        Section("Options", [Table(options, formatters=_option_formats())]),
        Section("Verdict", [Bullets([_verdict(view) for view in views])]),
    ]
    for view in views:
        slug = view.name.replace(" ", "_")
        columns = [c for c in _STUDY_HTML_HEADINGS if c in view.table]
        shown = view.table[columns].rename(columns=_STUDY_HTML_HEADINGS)
        breakdown = view.comparison.value_breakdown().rename(columns=lambda c: f"{c} [M USD]")
        content: list[Any] = [
            "Conventions:",
            Bullets(view.comparison.valuation.describe()),
            Table(
                shown,
                formatters={k: v for k, v in formats.items() if k in shown.columns},
                caption="NPV in millions of USD at the view's rates, "
                + ("after tax" if view.comparison.valuation.tax is not None else "before tax")
                + "; p5/p95: 5th and "
                "95th percentiles over the paths; CVaR95: mean loss in the worst 5 % of paths; "
                "equity NPV adds the value of the project debt (interest tax shield, fees); "
                "lowest DSCR: the lowest yearly coverage of the hall's debt in operation, "
                "median over paths; P(beats mining): share of paths where the option's NPV is "
                "strictly higher than pure mining's.",
            ),
            Table(
                breakdown,
                formatters={c: (lambda v: money(v / 1e6)) for c in breakdown.columns},
                caption="Mean value of each part [M USD]: mining, hosting (rent not guaranteed, "
                "opex, power and the hall's capex), guaranteed rent, terminal values, tax "
                "(negative), financing; the first five add up to the NPV, all six to the "
                "equity NPV.",
            ),
        ]
        shown_figures = [
            (
                f"npv_distribution_{slug}",
                f"Distribution of NPV over the paths for each option, {view.name} view",
                f"NPV distribution of each option, {view.name} view.",
            ),
            (
                f"split_fraction_curve_{slug}",
                f"Mean NPV against the share of the site converted, {view.name} view; "
                f"best share {view.best:.0%}.",
                "Mean NPV against the share of the site's power leased; the marker is the "
                "best share.",
            ),
        ]
        if view.tornado is not None:
            shown_figures.insert(
                1,
                (
                    f"decision_tornado_{slug}",
                    f"Tornado chart: how each driver moves the value of {view.best_split} "
                    f"over pure mining, {view.name} view.",
                    f"What moves the decision: {view.tornado.attrs['output']}, each driver at "
                    "its low and high value with the others at the base case, on "
                    f"{min(_TORNADO_PATHS, study.n_paths):,} common paths.",
                ),
            )
        content += [
            Figure(figures[name], alt=alt, caption=caption)
            for name, alt, caption in shown_figures
            if name in figures
        ]
        sections.append(Section(f"{view.name.capitalize()} view", content))
    sections.append(
        Section(
            "Break-even conventions",
            [
                _BREAKEVEN_CONVENTION,
                "Both options are valued under the view's conventions on one deterministic "
                "path: the BTC price held at the candidate price from the start, fees on the "
                "path the simulation averages, network hashrate without noise, and the tenant's "
                "default in expectation. The root of NPV(mining) - NPV(option) is found with "
                "Brent's method; above it mining is worth more, as the split gives up mining "
                "revenue. Pure mining has no break-even of its own ('-').",
            ],
        )
    )
    tagged: dict[str, list[str]] = {"SOURCE": [], "ASSUMPTION": [], "VIEW": []}
    other: list[str] = []
    for note in study.notes:
        tag, _, rest = note.partition(" ")
        (tagged[tag] if tag in tagged else other).append(rest if tag in tagged else note)
    content = []
    if tagged["SOURCE"]:
        content += ["Sourced figures:", Bullets(tagged["SOURCE"])]
    if tagged["ASSUMPTION"]:
        content += ["Assumptions (not published):", Bullets(tagged["ASSUMPTION"])]
    if other:
        content += ["Notes:", Bullets(other)]
    if not study.notes:
        content.append(f"The study ({origin}) records no notes; its inputs are listed above.")
    sections.append(Section("Assumptions and notes", content))
    return write_html_report(
        folder / "report.html",
        title=study.name or "minerecon site comparison",
        subtitle=_study_line(study),
        sections=sections,
        footer=_footer(),
    )


def _option_formats() -> dict[str, Callable[[Any], str]]:
    return {
        "converted to hosting [MW]": "{:,.2f}".format,
        "share of the site [%]": "{:.0f}".format,
    }


def _default_out(args: argparse.Namespace) -> Path:
    """Each study's own folder, so that one run does not overwrite another's files."""
    if args.command == "compare":
        return Path(f"minerecon-compare-{Path(args.file).stem}")
    if args.command == "power":
        return Path("minerecon-power")
    if args.preset:
        return Path(f"minerecon-preset-{args.preset}")
    return Path("minerecon-report")


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    if "out" in vars(args) and args.out is None:
        args.out = _default_out(args)
    if args.command == "report" and args.preset:
        _preset_report(args, parser)
    elif args.command == "report":
        if args.paths is not None or args.seed is not None:
            option = "--paths" if args.paths is not None else "--seed"
            raise _OptionError(option, "only applies with --preset")
        _report(args)
    elif args.command == "compare":
        from minerecon.config import load_scenario

        _study_report(load_scenario(args.file), args)
    elif args.command == "breakeven":
        _breakeven(args)
    elif args.command == "calibrate":
        _calibrate(args)
    elif args.command == "payback":
        _payback(args)
    elif args.command == "data":
        _data(args)
    elif args.command == "value":
        _value(args)
    elif args.command == "power":
        _power(args)
    else:
        _miners()


class _Stream:
    """A standard stream that a reader closing the pipe does not stop.

    ``minerecon report | head -1``: once ``head`` has gone, writing raises
    ``BrokenPipeError``. As the Python docs advise (``signal``, "Note on SIGPIPE"),
    the stream's file descriptor is then pointed at ``os.devnull``, so that the rest
    of the output, and the flush at exit, are dropped quietly, and the run goes on
    to write its files.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop()

    def _drop(self) -> None:
        self._gone = True
        # io.UnsupportedOperation (no file descriptor) is an OSError.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _quiet_on_closed_pipes() -> Iterator[None]:
    """Standard output and error as :class:`_Stream`, flushed before they are given back."""
    if sys.stdout is None or sys.stderr is None:  # pythonw: no console
        yield
        return
    out, err = _Stream(sys.stdout), _Stream(sys.stderr)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            yield
    finally:
        out.flush()
        err.flush()


def _close_progress_bars() -> None:
    """Clear the progress bars a failed run left open, so that its error line stands alone.

    A bar is cleared when it closes; one whose run raised is only closed when it is
    collected, which may come after the error line, or write over it.
    """
    tqdm = sys.modules.get("tqdm.std")
    if tqdm is not None:
        for bar in list(getattr(tqdm.tqdm, "_instances", ())):
            bar.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``minerecon`` command; returns the exit status.

    A failure exits with status 2 and one line on standard error (warnings raised
    on the way are dropped: the line says what to fix; a progress bar on screen is
    cleared first); an interrupted run exits with 130. Warnings of a run that
    succeeds follow its output, one line each. When the reader of standard output
    goes away (``minerecon report | head -1``), the rest of the printout is dropped
    quietly and the run goes on: it writes its files and exits with its status.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the command's name; by default ``sys.argv[1:]``.

    Raises
    ------
    TypeError
        ``argv`` is not a list (or tuple) of strings.
    SystemExit
        With status 2 on a failure, 130 on an interrupt, 0 after ``--help``.
    """
    if argv is not None and (
        not isinstance(argv, list | tuple) or not all(isinstance(arg, str) for arg in argv)
    ):
        shown = type(argv).__name__ if not isinstance(argv, list | tuple) else repr(argv)[:60]
        raise TypeError(f"argv must be a list of strings (the command's arguments), got {shown}")
    with _quiet_on_closed_pipes():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    problem = None
    with warnings.catch_warnings(record=True) as caught:
        try:
            _run(args, parser)
        except (_OptionError, _CommandError, ValueError) as error:
            problem = str(error)
        except OSError as error:
            where = f": {_short(error.filename)}" if error.filename else ""
            problem = f"{error.strerror or error}{where}"
        except MemoryError:
            problem = "not enough memory for this run: ask for fewer paths or a shorter horizon"
        except ArithmeticError as error:
            problem = (
                f"a value is too large or too small to compute with ({error}); "
                "check the magnitudes of the inputs"
            )
        except KeyboardInterrupt:
            _close_progress_bars()
            kept = "the data cache" if args.command == "data" else "--out"
            parser.exit(130, f"{parser.prog}: interrupted; {kept} was left as it was\n")
    if problem is not None:
        _close_progress_bars()
        parser.error(" ".join(problem.split()))
    for warning in caught:
        print(f"{parser.prog}: warning: {' '.join(str(warning.message).split())}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
