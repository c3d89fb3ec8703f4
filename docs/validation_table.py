"""Generate the validation table of the documentation at build time.

``docs/conf.py`` calls :func:`write` when the builder starts; it recomputes,
with minerecon's public functions, every figure of
``tests/reference/published_figures.json`` and the Hashrate Index period
statistics of ``tests/test_history_validation.py``, and writes
``docs/generated_validation.rst`` (git-ignored), which
``docs/user_guide/validation.rst`` includes. Each row gives the published
value, minerecon's value, their relative difference and the case's
tolerance, so the page always shows what the installed code computes.

The computations mirror the tests (same inputs, same conventions); the tests
are what enforce the tolerances, this page reports them.

Run it by hand with ``python docs/validation_table.py``.

Examples
--------
>>> table = rows()
>>> all(row.within for row in table)
True
>>> {row.case for row in table} == set(reference_cases())
True

The period statistics here are those of the history test, value for value:

>>> PERIOD_STATISTICS == _statistics_in_test()
True
"""

from __future__ import annotations

import ast
import dataclasses
import json
import math
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference" / "published_figures.json"
HISTORY_TEST = ROOT / "tests" / "test_history_validation.py"
OUTPUT = Path(__file__).resolve().parent / "generated_validation.rst"

if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

#: Published hashprice statistics over periods of the bundled history
#: (period, statistic, published [USD/PH/day], relative tolerance, source);
#: the cases of ``tests/test_history_validation.py``.
PERIOD_STATISTICS: list[tuple[str, str, float, float, str]] = [
    ("2021", "mean", 314.61, 0.005, "Hashrate Index 2022 Year in Review (via investing.com)"),
    ("2022", "mean", 123.88, 0.005, "Hashrate Index 2022 Year in Review (via investing.com)"),
    ("2022", "min", 55.94, 0.02, "Hashrate Index 2022 Year in Review (via investing.com)"),
    ("2022", "max", 246.86, 0.02, "Hashrate Index 2022 Year in Review (via investing.com)"),
    ("2025-11", "mean", 39.82, 0.01, "Luxor Hashrate Index, November 2025 average"),
    ("2025-11", "min", 35.06, 0.01, "Luxor Lookback November 2025 (low of 2025-11-22)"),
]


@dataclasses.dataclass(frozen=True)
class Row:
    """One published figure against minerecon's value."""

    case: str
    figure: str  # what is compared, in RST
    published: float
    computed: float
    tolerance: float  # relative

    @property
    def difference(self) -> float:
        """Relative difference ``computed / published - 1`` (absolute if published is 0)."""
        if self.published == 0:
            return self.computed - self.published
        return self.computed / self.published - 1.0

    @property
    def within(self) -> bool:
        """Whether the difference is within the case's tolerance."""
        return abs(self.difference) <= self.tolerance or self.computed == self.published


def reference_cases() -> dict[str, dict[str, Any]]:
    """The cases of the published-figures file, by name."""
    return {case["name"]: case for case in json.loads(REFERENCE.read_text())["cases"]}


# --------------------------------------------------------------------------
# One function per case: yields (figure, published, computed)
# --------------------------------------------------------------------------


def _func(path: str) -> str:
    return f":func:`~minerecon.{path}`"


def _subsidy_schedule(case: dict[str, Any]) -> Iterator[tuple[str, float, float]]:
    from minerecon import network

    for height, expected in zip(
        case["inputs"]["heights"], case["expected"]["subsidy_btc"], strict=True
    ):
        yield (
            f"subsidy at height {height:,} [BTC], {_func('network.block_subsidy')}",
            expected,
            float(network.block_subsidy(height)),
        )


def _total_supply(case: dict[str, Any]) -> Iterator[tuple[str, float, float]]:
    from minerecon import network

    inputs = case["inputs"]
    height = inputs["max_halvings"] * inputs["halving_interval"]
    yield (
        f"total supply after 64 halvings [BTC], {_func('network.issued_supply')}",
        case["expected"]["total_supply_btc"],
        float(network.issued_supply(height)),
    )


def _retarget(case: dict[str, Any]) -> Iterator[tuple[str, float, float]]:
    from minerecon import network

    inputs = case["inputs"]
    for actual, expected in zip(
        inputs["actual_timespan_s_cases"], case["expected"]["new_difficulty"], strict=True
    ):
        got = network.next_difficulty(
            inputs["previous_difficulty"], actual, target_timespan=inputs["target_timespan_s"]
        )
        yield (
            f"difficulty after 100 T and a {actual:,} s epoch, {_func('network.next_difficulty')}",
            expected,
            float(got),
        )


def _bits(case: dict[str, Any]) -> Iterator[tuple[str, float, float]]:
    from minerecon import network

    expected = case["expected"]
    yield (
        f"difficulty of ``{case['inputs']['nbits_hex']}``, {_func('network.bits_to_difficulty')}",
        expected["difficulty"],
        float(network.bits_to_difficulty(case["inputs"]["nbits_hex"])),
    )
    yield (
        f"hashes per unit difficulty, exact, {_func('network.HASHES_PER_DIFFICULTY_EXACT')}",
        expected["expected_hashes_per_unit_difficulty_exact"],
        float(network.HASHES_PER_DIFFICULTY_EXACT),
    )
    yield (
        f"hashes per unit difficulty, convention, {_func('network.HASHES_PER_DIFFICULTY')}",
        expected["expected_hashes_per_unit_difficulty_approx"],
        float(network.HASHES_PER_DIFFICULTY),
    )


def _implied_hashrate(case: dict[str, Any]) -> Iterator[tuple[str, float, float]]:
    from minerecon import network, units

    inputs = case["inputs"]
    th_s = network.hashrate_from_difficulty(inputs["difficulty"], inputs["block_time_s"])
    yield (
        f"network hashrate at 152.27 T [H/s], {_func('network.hashrate_from_difficulty')}",
        case["expected"]["network_hashrate_hs"],
        float(th_s * units.TH),
    )


def _fees(inputs: dict[str, Any]) -> float:
    """Fees per block [BTC] as each hashprice case states them (as in the tests)."""
    from minerecon import network

    if "fee_share_of_block_reward" in inputs:  # fees as a share of the block reward
        return float(
            network.fees_from_share(inputs["fee_share_of_block_reward"], inputs["subsidy_btc"])
        )
    if "avg_total_block_reward_btc_24h" in inputs:  # average total reward - subsidy
        return inputs["avg_total_block_reward_btc_24h"] - inputs["subsidy_btc"]
    return inputs["fees_btc_per_block"]


def _hashprice(case: dict[str, Any]) -> Iterator[tuple[str, float, float]]:
    from minerecon import network, units

    inputs = case["inputs"]
    fees = _fees(inputs)
    usd = network.hashprice(
        inputs["btc_price_usd"], inputs["difficulty"], fees, inputs["subsidy_btc"]
    )
    yield (
        f"hashprice [USD/PH/day], {_func('network.hashprice')}",
        case["expected"]["hashprice_usd_per_ph_day"],
        float(units.hashprice_to_ph_day(usd)),
    )
    if "hashprice_btc_per_ph_day" in case["expected"]:
        btc = network.btc_per_th_day(inputs["difficulty"], fees, inputs["subsidy_btc"])
        yield (
            f"hashprice [BTC/PH/day], {_func('network.btc_per_th_day')}",
            case["expected"]["hashprice_btc_per_ph_day"],
            float(btc * units.PH / units.TH),
        )


# Difficulty in force on 2024-04-01 (epoch 415); any value gives the same
# break-evens, since the BTC price is chosen to give the published hashprice.
_DIFFICULTY_2024_04_01 = 83_126_997_340_024.61


def _breakeven_power(case: dict[str, Any]) -> Iterator[tuple[str, float, float]]:
    from minerecon import economics, network, units

    hashprice = units.hashprice_from_ph_day(case["inputs"]["hashprice_usd_per_ph_day"])
    price = hashprice / network.hashprice(1.0, _DIFFICULTY_2024_04_01)
    for machine, efficiency in case["inputs"]["efficiency_j_per_th"].items():
        got = economics.breakeven_power_price(price, _DIFFICULTY_2024_04_01, efficiency)
        yield (
            f"{machine} ({efficiency:g} J/TH) [USD/kWh], "
            f"{_func('economics.breakeven_power_price')}",
            case["expected"]["breakeven_usd_per_kwh"][machine],
            float(got),
        )


def _hayes(case: dict[str, Any]) -> Iterator[tuple[str, float, float]]:
    from minerecon import economics

    inputs = case["inputs"]
    got = economics.energy_cost_per_btc(
        inputs["difficulty"],
        inputs["efficiency_w_per_ghs"] * 1000,  # W per GH/s -> J/TH
        inputs["electricity_usd_per_kwh"],
        subsidy=inputs["block_reward_btc"],
    )
    yield (
        f"energy cost per BTC [USD/BTC], {_func('economics.energy_cost_per_btc')}",
        case["expected"]["breakeven_btc_price_usd"],
        float(got),
    )


def _cleanspark(case: dict[str, Any]) -> Iterator[tuple[str, float, float]]:
    from minerecon import hardware, units

    inputs = case["inputs"]
    th_s = inputs["operational_hashrate_eh_s"] * units.EH / units.TH
    yield (
        f"45.6 EH/s at 16.7 J/TH [MW], {_func('hardware.site_power_mw')}",
        case["expected"]["fleet_power_at_hashrate_mw"],
        float(hardware.site_power_mw(th_s, inputs["fleet_efficiency_j_per_th"])),
    )


def _margin(case: dict[str, Any]) -> Iterator[tuple[str, float, float]]:
    from minerecon import economics, energy, network, units

    inputs, expected = case["inputs"], case["expected"]
    difficulty = 152.27e12  # any value: the price is chosen to give the stated hashprice
    hashprice = units.hashprice_from_ph_day(inputs["hashprice_usd_per_ph_day"])
    price = hashprice / network.hashprice(1.0, difficulty)
    efficiency, power = inputs["efficiency_j_per_th"], inputs["power_usd_per_kwh"]
    yield (
        f"revenue [USD/TH/day], {_func('economics.revenue_per_th')}",
        expected["revenue_usd_per_th_day"],
        float(economics.revenue_per_th(price, difficulty)),
    )
    yield (
        f"energy cost [USD/TH/day], {_func('energy.energy_cost_per_th')}",
        expected["energy_cost_usd_per_th_day"],
        float(energy.energy_cost_per_th(efficiency, power)),
    )
    yield (
        f"margin [USD/TH/day], {_func('economics.margin_per_th')}",
        expected["margin_usd_per_th_day"],
        float(economics.margin_per_th(price, difficulty, efficiency, power)),
    )


# Keys of the AI/HPC case -> deal names of minerecon.hosting.list_deals.
_DEALS = {
    "core_scientific_coreweave_initial_2024_06": "core-scientific-coreweave-2024-06",
    "core_scientific_coreweave_total_2024_10": "core-scientific-coreweave-total-2024-10",
    "terawulf_fluidstack_2025_08": "terawulf-fluidstack-2025-08",
    "terawulf_total_incl_cb5": "terawulf-fluidstack-cb5-total-2025-08",
    "cipher_fluidstack_barber_lake_2025_09": "cipher-fluidstack-barber-lake-2025-09",
    "cipher_fluidstack_expansion_2025_11": "cipher-fluidstack-expansion-2025-11",
    "cipher_aws_2025_11": "cipher-aws-2025-11",
    "applied_digital_coreweave_2025_06": "applied-digital-coreweave-2025-06",
    "applied_digital_coreweave_total_400mw": "applied-digital-coreweave-total-2025-08",
    "hut8_fluidstack_river_bend_2025_12": "hut8-fluidstack-river-bend-2025-12",
}


def _colocation(case: dict[str, Any]) -> Iterator[tuple[str, float, float]]:
    from minerecon import hosting

    deals = hosting.list_deals()
    for key, expected in case["expected"].items():
        deal = deals.loc[_DEALS[key]]
        yield (
            f"``{_DEALS[key]}`` [USD/kW-month], {_func('hosting.list_deals')}",
            expected["usd_per_kw_month"],
            float(deal["usd_per_kw_month"]),
        )


CASES: dict[str, Callable[[dict[str, Any]], Iterator[tuple[str, float, float]]]] = {
    "protocol_subsidy_schedule": _subsidy_schedule,
    "protocol_total_supply": _total_supply,
    "protocol_retarget_clamp": _retarget,
    "protocol_bits_to_difficulty": _bits,
    "implied_network_hashrate_nov_2025": _implied_hashrate,
    "hashprice_2021_10_24": _hashprice,
    "hashprice_2023_01_14_approx": _hashprice,
    "hashprice_2024_11_12": _hashprice,
    "hashprice_2024_12_23": _hashprice,
    "hashprice_2025_11_03": _hashprice,
    "breakeven_power_price_per_asic_post_halving_2024": _breakeven_power,
    "hayes_cost_of_production_worked_example": _hayes,
    "cleanspark_fy25_fleet_snapshot": _cleanspark,
    "mining_margin_per_th_derived": _margin,
    "ai_colocation_rate_table_derived": _colocation,
}


def rows() -> list[Row]:
    """Every figure of the published-figures file, recomputed.

    Raises
    ------
    KeyError
        For a case of the file that this module does not know how to
        recompute (add a function to ``CASES``).
    """
    out = []
    for name, case in reference_cases().items():
        if name not in CASES:
            raise KeyError(
                f"published_figures.json has a case {name!r} that docs/validation_table.py "
                "does not recompute: add it to CASES"
            )
        tolerance = float(case["tolerance_rel"])
        for figure, published, computed in CASES[name](case):
            out.append(Row(name, figure, float(published), computed, tolerance))
    return out


def history_rows() -> list[Row]:
    """Hashprice statistics over periods of the bundled history against published ones."""
    from minerecon import datasets, network, units

    history = datasets.load_history()
    subsidy = network.block_subsidy(datasets.estimate_height(history.index))
    hashprice = units.hashprice_to_ph_day(
        network.hashprice(
            history["price_usd"], history["difficulty"], history["fees_btc_per_block"], subsidy
        )
    )
    out = []
    for period, statistic, published, tolerance, source in PERIOD_STATISTICS:
        value = float(getattr(hashprice.loc[period], statistic)())
        out.append(Row(source, f"{period} {statistic}", published, value, tolerance))
    return out


def _statistics_in_test() -> list[tuple[str, str, float, float, str]]:
    """The parameters of the period-statistics test, with this module's sources."""
    tree = ast.parse(HISTORY_TEST.read_text())
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", None) == "parametrize"
            and "period" in ast.literal_eval(node.args[0])
        ):
            cases = ast.literal_eval(node.args[1])
            sources = {(p, s): src for p, s, _, _, src in PERIOD_STATISTICS}
            return [(p, s, v, t, sources.get((p, s), "?")) for p, s, v, t in cases]
    raise ValueError(f"no period parametrize found in {HISTORY_TEST}")


# --------------------------------------------------------------------------
# RST
# --------------------------------------------------------------------------


def _number(value: float, tolerance: float) -> str:
    """A value with enough significant digits to read a difference at the tolerance."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if tolerance <= 1e-9:  # protocol figures: every digit (shortest round-trip repr)
        text = format(value, ",")
    else:
        digits = min(15, max(6, math.ceil(-math.log10(tolerance)) + 3))
        text = f"{value:,.{digits}g}"
    return text.replace("e+", "e").replace("e-0", "e-").replace("e0", "e")


def _escape(text: Any) -> str:
    """Plain text for RST: no markup from characters such as * _ ` | in a source."""
    return "".join("\\" + c if c in "\\*_`|[]" else c for c in str(text))


def _difference(row: Row) -> str:
    d = row.difference
    if d == 0:
        return "0"
    if abs(d) >= 1e-4:
        return f"{100 * d:+.3g} %"
    return f"{d:+.1e}"


def _tolerance(tolerance: float) -> str:
    if tolerance == 0:
        return "exact"
    if tolerance >= 1e-3:
        return f"{100 * tolerance:g} %"
    return f"{tolerance:g}"


def _table(header: list[str], body: list[list[str]], widths: str) -> list[str]:
    lines = [".. list-table::", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for cells in [header, *body]:
        lines.append(f"   * - {cells[0]}".rstrip())
        lines.extend(f"     - {cell}".rstrip() for cell in cells[1:])
    return [*lines, ""]


def render(reference: list[Row], history: list[Row]) -> str:
    """The generated RST: the two tables and the sources of the cases."""
    import minerecon

    cases = reference_cases()
    body = []
    previous = None
    for row in reference:
        case = cases[row.case]
        label = "" if row.case == previous else f"``{row.case}``, {_escape(case['date'])}"
        previous = row.case
        body.append(
            [
                label,
                row.figure,
                _number(row.published, row.tolerance),
                _number(row.computed, row.tolerance),
                _difference(row),
                _tolerance(row.tolerance),
                "yes" if row.within else "**no**",
            ]
        )
    header = ["Case", "Figure", "Published", "minerecon", "Difference", "Tolerance", "Within"]
    n_out = sum(not row.within for row in [*reference, *history])
    lines = [
        ".. This file is written by docs/validation_table.py at build time; do not edit.",
        "",
        f"Computed with minerecon {minerecon.__version__} when this page was built: "
        f"{len(reference)} figures from {len(cases)} cases and {len(history)} period "
        f"statistics, {n_out} outside their tolerance. *Difference* is "
        "minerecon / published - 1.",
        "",
        ".. rubric:: Published figures (``tests/reference/published_figures.json``)",
        "",
        *_table(header, body, "22 34 11 11 8 7 7"),
        ".. rubric:: Hashprice over periods of the bundled history "
        "(``tests/test_history_validation.py``)",
        "",
        "Daily hashprice recomputed from the bundled price, difficulty and fees "
        "(:func:`~minerecon.datasets.load_history`, :func:`~minerecon.network.hashprice`), "
        "then averaged or its extreme taken over the period [USD/PH/day].",
        "",
        *_table(
            [
                "Source",
                "Period, statistic",
                "Published",
                "minerecon",
                "Difference",
                "Tolerance",
                "Within",
            ],
            [
                [
                    _escape(row.case),
                    row.figure,
                    _number(row.published, row.tolerance),
                    f"{row.computed:,.2f}",
                    _difference(row),
                    _tolerance(row.tolerance),
                    "yes" if row.within else "**no**",
                ]
                for row in history
            ],
            "34 16 11 11 10 9 9",
        ),
        ".. rubric:: Sources and quality grades of the cases",
        "",
    ]
    for name, case in cases.items():
        lines.append(f"``{name}``")
        lines.append(f"   {_escape(case['source'])} Grade: {_escape(case['quality'])}.")
        lines.append("")
    return "\n".join(lines)


def write(path: Path | str | None = None) -> Path:
    """Compute the tables and write them to ``path`` (if its content changed).

    Parameters
    ----------
    path : path-like, optional
        Where to write; ``docs/generated_validation.rst`` by default.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    target = OUTPUT if path is None else Path(path)
    text = render(rows(), history_rows())
    if not target.exists() or target.read_text() != text:
        target.write_text(text)
    return target


if __name__ == "__main__":
    print(write())
