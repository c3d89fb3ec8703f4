"""Scenario files: a site, its fleet, power splits and simulation settings in TOML.

:func:`load_scenario` reads a TOML file (stdlib :mod:`tomllib`) into a
:class:`SiteStudy`: a :class:`~minerecon.scenario.Site`, one or more
:class:`~minerecon.scenario.Split` with their hosting contracts, and a
:class:`~minerecon.projection.MiningScenario` with the market models.
:meth:`SiteStudy.run` values pure mining and every split on the same paths
(:func:`minerecon.scenario.compare`). ``examples/site.toml`` in the
repository is a complete, commented example.

File layout
-----------
``[site]``
    ``gross_mw`` (required), ``power_price_usd_per_kwh``,
    ``power_price_escalation_per_year``, ``mining_pue``, ``pool_fee``,
    ``demand_response_usd_per_mw_year``, ``mining_capex_per_mw_usd``, ``name``.
``[[site.fleet]]`` (one table per deployment, at least one)
    ``miner`` (catalogue name, or the name of a custom machine given by
    ``hashrate_th`` and ``power_w``), ``count`` (required), ``delivery_day``
    or ``delivery_date``, ``capex_per_unit_usd``, ``degradation_per_year``,
    ``failure_rate_per_year``, ``uptime``, ``resale_value_usd``,
    ``other_opex_usd_per_th_day``.
``[splits.<label>]`` (any number; the label names the option)
    ``fraction`` or ``converted_mw`` (one of the two), ``decision_day`` or
    ``decision_date``, ``backfill``, ``downtime_days``, and a ``hosting``
    table.
``[splits.<label>.hosting]``
    ``deal = "<slug>"`` of :func:`minerecon.hosting.list_deals` (a
    colocation deal goes through :func:`~minerecon.hosting.lease_from_deal`,
    a GPU-cloud deal through :func:`~minerecon.hosting.gpu_cloud_from_deal`)
    with any contract key below as an override; or ``kind = "colocation"``
    / ``"gpu_cloud"`` with the contract's keys given explicitly.
``[valuation.<name>]`` (any number; the name names the view, the first is the main one)
    ``start_from`` (``"single rate"``, ``"conservative"`` or ``"market"``:
    :class:`~minerecon.valuation.Valuation`, its
    :meth:`~minerecon.valuation.Valuation.conservative` or
    :meth:`~minerecon.valuation.Valuation.market`), and any value to change:
    ``mining_rate_per_year``, ``hosting_rate_per_year``,
    ``guarantor_rate_per_year``, ``hosting_exit_multiple``,
    ``renewal_probability``, ``renewal_years``, ``mining_exit_multiple``,
    ``tax`` (false: before tax), ``tax_rate``, ``loan_to_cost`` (0: no
    debt), ``debt_rate_per_year``, ``debt_tenor_years``. Without any, one
    view: the ``discount_rate_per_year`` for every flow, before tax.
``[simulation]``
    ``start_date`` (a day of the bundled history) or a
    ``[simulation.network]`` table (``date``, ``height``, ``difficulty``,
    ``btc_price_usd``, ``fees_btc_per_block``); neither: the last day of
    the history. ``horizon_days`` (3650), ``n_paths`` (1000), ``seed``,
    ``discount_rate_per_year`` (0.10), ``policy`` ("sell"), and the tables
    ``price``, ``fees`` and ``hashrate``, each with a ``model`` key
    (``model = "calibrated"`` takes that component from
    :func:`minerecon.projection.calibrate`, optionally over
    ``start_date``/``end_date``).

Units in key names
------------------
A key is the library's argument name followed by its unit
(``power_price_usd_per_kwh``, ``capex_per_unit_usd``,
``rate_usd_per_kw_month``, ``escalator_per_year``); where the argument's
name already ends in its unit it is kept (``gross_mw``, ``term_years``,
``build_days``, ``hashrate_th``). Shares, ratios, counts and annualised
volatilities carry no suffix (``fraction``, ``pool_fee``, ``mining_pue``,
``noi_margin``, ``volatility``). A key whose quantity is known but whose
unit is not the one expected (``gross_kw``, ``power_price_usd_per_mwh``,
``drift`` without ``_per_year``) is rejected with the expected key: the
file is never converted silently.

Errors
------
Every problem raises :class:`ConfigError` (a ``ValueError``) whose one-line
message names the file, the line, the key path (``splits.half.hosting.rate``;
``site.fleet[0].count`` for the first ``[[site.fleet]]``) and the valid
keys, options or range. TOML syntax errors carry tomllib's line and column.

Limits
------
A file is read only up to ``MAX_FILE_BYTES`` (1 MiB; a larger file, or a
device such as ``/dev/zero``, is refused after one byte more) and must be
UTF-8 (a byte-order mark, as some Windows editors write, is skipped).
Tables and arrays nest at most ``MAX_NESTING`` (20) deep and a dotted key or
table name has at most that many parts (tomllib's time and memory grow as the
square of a key's parts, so longer keys are refused before it reads the
file). Whole numbers fit in 64 bits. Each of these is a :class:`ConfigError`
naming the file, and the line where it is known.

Every number has a finite range, given in its error message, far beyond any
real site but far below the limits of a float, so that no single value (say
``1e308`` for a capex) overflows in the run and fails there without naming its
key: sizes up to ``1e6`` MW (a machine up to ``1e6`` W and TH/s, ``1e6`` GPUs
per IT MW), amounts and prices in USD up to ``1e12``, growth, escalation,
drift and discount rates up to 10 per year (1,000 %), hazards and event rates
up to 1,000 per year (fee spikes up to 365), volatilities and ratios such as a
PUE up to 10, exit multiples up to 1,000, BTC amounts up to the 21 million BTC
supply, spans up to 1,000 years (:data:`minerecon.units.MAX_YEARS`; 365,000
days), the horizon and the steps and lags of the market models up to a century
(36,500 days), and difficulty up to ``1e30``. Extreme values of
several keys at once over a long horizon (a drift of 10 per year over a
century) can still exceed a float; the run then fails with a ``ValueError``.

How lines are found
-------------------
:mod:`tomllib` returns no positions, so :func:`key_lines` scans the text:
it follows ``[table]`` and ``[[array]]`` headers (counting the arrays),
records each ``key = value`` line under the current table and the keys of
inline tables ``{...}`` on the same line. A missing key is reported at the
line of its table's header (line 1 when the table is absent). The scan reads
each character once (linear in the length of the text, however long its
lines); a key whose dotted path is longer than 256 characters is reported at
its longest parent's line. Multi-line strings and arrays whose continuation
lines look like ``key = value`` could mislead the scan; that is the only
known limitation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import math
import os
import re
import reprlib
import sys
import tomllib
import types
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from minerecon import difficulty, fees, hosting, price, units
from minerecon.financing import DebtTerms
from minerecon.hardware import Deployment, Miner, get_miner
from minerecon.network import NetworkState
from minerecon.power import PowerPriceModel, ReserveOffer, ercot_price_model
from minerecon.projection import MiningScenario, calibrate
from minerecon.scenario import (
    Site,
    SiteComparison,
    Split,
    _best_fraction,
    _decision_day,
    _fraction_splits,
    _fractions,
    _npvs,
    _objective,
    _widest_hosting,
    compare,
)
from minerecon.tax import TaxPolicy
from minerecon.typing import DateLike, PathLike, SeedLike
from minerecon.valuation import Valuation

if TYPE_CHECKING:
    from minerecon.hosting import ColocationLease, GpuCloud
    from minerecon.projection import Calibrated

__all__ = ["ConfigError", "SiteStudy", "key_lines", "load_scenario"]


#: Shares of a site converted in :meth:`SiteStudy.split_curve` by default [-].
SPLIT_FRACTIONS = tuple(float(f) for f in np.linspace(0.0, 1.0, 11))


class ConfigError(ValueError):
    """A scenario file that cannot be used.

    Attributes
    ----------
    file : str
        The file.
    key : str
        Dotted path of the faulty key (empty for a syntax error).
    line : int or None
        1-based line where the key (or its table) appears.
    """

    def __init__(self, file: PathLike, key: str, line: int | None, problem: str) -> None:
        self.file, self.key, self.line, self.problem = str(file), key, line, problem
        where = f"{self.file}, line {line}" if line else self.file
        shown = key if len(key) <= 80 else f"{key[:60]}...{key[-17:]}"
        super().__init__(f"{where}: {shown}: {problem}" if key else f"{where}: {problem}")


#: Largest scenario file read [bytes] (1 MiB): a longer file, or a device such
#: as ``/dev/zero``, is refused after reading one byte more.
MAX_FILE_BYTES = 2**20

#: Deepest nesting of tables and arrays in a scenario file; a valid file needs 4
#: (``splits.<label>.hosting.<key>``).
MAX_NESTING = 20

#: Range of a whole number in a scenario file: a 64-bit signed integer.
_INT64 = (-(2**63), 2**63 - 1)

# Upper ends of the ranges of a scenario file's numbers (module docstring, "Limits"):
# far beyond any real site, far below the float limit where a run would overflow.
#: A site or a machine: MW of a site, W or TH/s of one machine, GPUs per MW.
_MAX_MW = 1e6
_MAX_MACHINE = 1e6
#: An amount or a price in USD (capex, rent, opex, the BTC price).
_MAX_USD = 1e12
#: A growth, escalation, drift or discount rate [1/year] (1,000 % a year).
_MAX_RATE = 10.0
#: Events per year: failures, defaults, entries and exits, reversion, jumps.
_MAX_EVENTS = 1e3
#: Fee spikes per year: one a day on average (each spike is drawn and kept).
_MAX_SPIKES = 365.0
#: An annualised volatility [1/sqrt(year)], a ratio such as a PUE, an exit multiple.
_MAX_VOLATILITY = 10.0
_MAX_RATIO = 10.0
_MAX_MULTIPLE = 1e3
#: BTC amounts: the whole 21 million BTC supply.
_MAX_BTC = 21e6
#: Spans: units.MAX_YEARS, in years and in days.
_MAX_YEARS = units.MAX_YEARS
_MAX_DAYS = int(units.MAX_YEARS * units.DAYS_PER_YEAR)
#: The horizon, and the step or lag of a market model: a century of days, so that
#: the simulated dates from any start of the history end long before 2262, the last
#: date pandas represents.
_MAX_HORIZON_DAYS = units.MAX_STEP_DAYS
#: Protocol difficulty (today about 1.5e14).
_MAX_DIFFICULTY = 1e30

# Values shown in messages: short, and never recursing into deep tables.
_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 60
_SHOW.maxlevel, _SHOW.maxlist, _SHOW.maxdict = 2, 4, 4


def _show(value: object) -> str:
    """``repr(value)``, shortened for a one-line message."""
    return _SHOW.repr(value)


def _mapping(name: str, value: object) -> dict[Any, Any]:
    """A copy of a mapping argument as a dict; ``ValueError`` naming it otherwise."""
    if not isinstance(value, Mapping):
        raise ValueError(
            f"{name} must be a mapping of names to values, got {type(value).__name__}"
        )
    return dict(value)


# --------------------------------------------------------------------------
# The study
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SiteStudy:
    """A site and the splits of its power to compare, with the market models.

    Parameters
    ----------
    site : Site
        The site, fleet and costs.
    splits : mapping of str to Split
        The alternatives to pure mining, by label (stored read-only).
    scenario : MiningScenario
        Start, horizon, discount rate and price, fee and hashrate models.
    n_paths : int, default 1000
        Monte Carlo paths.
    seed : int, optional
        Seed shared by all options (common random numbers).
    name : str, default ""
        Title of the study.
    notes : tuple of str, default ()
        Sources and assumptions, one per entry.
    valuations : mapping of str to Valuation, optional
        The views the study is valued under, by name (the first is the
        main one); by default one view, ``"single rate"``: the scenario's
        discount rate for every flow, before tax, nothing after the
        horizon.

    Raises
    ------
    ValueError
        Naming the field: ``site``, ``scenario``, a split or a view of the
        wrong type, ``n_paths`` not a whole number in [1, 2**63 - 1],
        ``seed`` neither None, a whole number >= 0, a ``SeedSequence`` nor a
        ``Generator``, ``name`` not a string or ``notes`` not strings.
    """

    site: Site
    splits: Mapping[str, Split]
    scenario: MiningScenario
    n_paths: int = 1000
    seed: SeedLike = None
    name: str = ""
    notes: tuple[str, ...] = ()
    valuations: Mapping[str, Valuation] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        for field, cls in (("site", Site), ("scenario", MiningScenario)):
            value = getattr(self, field)
            if not isinstance(value, cls):
                raise ValueError(
                    f"{field} must be a minerecon {cls.__module__.split('.')[-1]}."
                    f"{cls.__name__}, got {type(value).__name__}"
                )
        splits = _mapping("splits", self.splits)
        for label, split in splits.items():
            if not isinstance(label, str) or not isinstance(split, Split):
                raise ValueError(
                    f"splits must map labels (str) to minerecon.scenario.Split, got "
                    f"{_show(label)}: {type(split).__name__}"
                )
        object.__setattr__(self, "splits", types.MappingProxyType(splits))
        paths = self.n_paths
        if (
            isinstance(paths, bool | np.bool_)
            or not isinstance(paths, int | np.integer)
            or not 1 <= paths <= _INT64[1]
        ):
            raise ValueError(
                f"n_paths must be a whole number in [1, 2**63 - 1], got {_show(paths)}"
            )
        object.__setattr__(self, "n_paths", int(paths))
        seed = self.seed
        if isinstance(seed, bool | np.bool_) or not (
            seed is None
            or isinstance(seed, int | np.integer | np.random.SeedSequence | np.random.Generator)
        ):
            raise ValueError(
                "seed must be None, a whole number >= 0, a numpy.random.SeedSequence or a "
                f"numpy.random.Generator, got {type(seed).__name__}"
            )
        if isinstance(seed, int | np.integer) and seed < 0:
            raise ValueError(f"seed must be a whole number >= 0, got {_show(seed)}")
        if not isinstance(self.name, str):
            raise ValueError(f"name must be a string, got {type(self.name).__name__}")
        notes = self.notes
        if isinstance(notes, str) or not isinstance(notes, tuple | list):
            raise ValueError(f"notes must be a tuple of strings, got {type(notes).__name__}")
        if not all(isinstance(note, str) for note in notes):
            raise ValueError(f"notes must be a tuple of strings, got {_show(notes)}")
        object.__setattr__(self, "notes", tuple(notes))
        views = _mapping("valuations", self.valuations)
        for name, valuation in views.items():
            if not isinstance(valuation, Valuation):
                raise ValueError(
                    f"valuations[{name!r}] must be a minerecon.valuation.Valuation, "
                    f"got {type(valuation).__name__}"
                )
        if not views:
            views = {"single rate": Valuation(self.scenario.discount_rate, name="single rate")}
        object.__setattr__(self, "valuations", types.MappingProxyType(views))

    def replace(self, **changes: Any) -> SiteStudy:
        """A copy with some fields changed (``n_paths``, ``seed``, ...)."""
        return dataclasses.replace(self, **changes)

    def run(self, valuation: Valuation | None = None, **run: Any) -> SiteComparison:
        """Pure mining and every split on common random paths.

        Parameters
        ----------
        valuation : Valuation, optional
            Default: the study's first view.
        **run
            Passed to :func:`minerecon.scenario.compare` (``threads``,
            ``progress``, ...).

        Returns
        -------
        SiteComparison
            Under ``valuation``; :meth:`~minerecon.scenario.SiteComparison.revalue` gives the
            other views on the same paths without running the engine again.
        """
        return compare(
            self.site,
            dict(self.splits),
            scenario=self.scenario,
            n_paths=self.n_paths,
            seed=self.seed,
            valuation=next(iter(self.valuations.values())) if valuation is None else valuation,
            **run,
        )

    def split_curve(
        self,
        hosting: ColocationLease | GpuCloud | None = None,
        *,
        fractions: Sequence[float] = SPLIT_FRACTIONS,
        objective: str = "mean",
        **run: Any,
    ) -> dict[str, tuple[float, pd.Series]]:
        """Objective of NPV against the share of the site converted, per view.

        The engine runs once; each view values the same paths.

        Parameters
        ----------
        hosting : ColocationLease or GpuCloud, optional
            The contract; by default that of the split converting the most
            power (the first split on a tie).
        fractions : sequence of float
            Shares of the site's gross MW converted [-], in [0, 1].
        objective : str, default "mean"
            See :func:`minerecon.scenario.optimal_split`.
        **run
            Passed to :func:`minerecon.scenario.compare`.

        Returns
        -------
        dict of str to (float, pandas.Series)
            For each view of ``valuations``: the best fraction and the
            objective [USD] at each fraction.
        """
        if hosting is None:
            hosting = _widest_hosting(
                list(self.splits.values()), self.site, "the study has no splits"
            )
        values = _fractions(fractions)
        score = _objective(objective, 0.95)
        npvs = _npvs(
            self.site,
            _fraction_splits(hosting, values),
            self.valuations,
            scenario=self.scenario,
            n_paths=self.n_paths,
            seed=self.seed,
            **run,
        )
        return {
            name: _best_fraction(by_option, values, score, objective)
            for name, by_option in npvs.items()
        }


# --------------------------------------------------------------------------
# Where keys are: a line scanner
# --------------------------------------------------------------------------

#: Longest dotted key path :func:`key_lines` records [characters]: a key whose
#: path is longer is reported at the line of its longest parent that fits.
_MAX_KEY_CHARS = 256

# One token of a line: a string (to the end of the line when it is not closed), a
# bare word, blanks, a run of other characters, or one structural character. Every
# quantifier is possessive, so no character is read twice: a line is scanned in
# time linear in its length, however it is made.
_TOKEN = re.compile(
    r'"(?:[^"\\]++|\\.)*+"?'
    r"|'[^']*+'?"
    r"|[A-Za-z0-9_-]++"
    r"|[ \t]++"
    r"|[^\"'A-Za-z0-9_ \t\[\]{}=,.#-]++"
    r"|."
)
_KEY_PART = re.compile(r"[\"'A-Za-z0-9_-]")


def _line_tokens(line: str) -> list[str]:
    """The tokens of one line before its comment, blanks included."""
    tokens = []
    for match in _TOKEN.finditer(line):
        token = match.group()
        if token == "#":
            break
        tokens.append(token)
    return tokens


def _unquote(token: str) -> str:
    if token[0] not in "\"'":
        return token
    return token[1:-1] if len(token) > 1 and token[-1] == token[0] else token[1:]


def _dotted(tokens: list[str], start: int) -> tuple[list[str], int]:
    """The parts of the dotted key at ``tokens[start:]`` and the index after it."""
    parts: list[str] = []
    index, expect = start, True
    while index < len(tokens):
        token = tokens[index]
        if token[0] in " \t":
            pass
        elif expect and _KEY_PART.match(token):
            parts.append(_unquote(token))
            expect = False
        elif not expect and token == ".":
            expect = True
        else:
            break
        index += 1
    return parts, index


def _blank(token: str) -> bool:
    return token[0] in " \t"


def key_lines(text: str) -> dict[str, int]:
    """Line (1-based) of every key and table of a TOML text.

    Keys are dotted paths from the root; the n-th table of an array of
    tables ``[[a.b]]`` is ``a.b[n]`` (from 0). Table headers map to their
    own line; a parent never declared maps to the first line that opens
    one of its children. Lines end at ``\\n`` only, as in TOML. Each line
    is read once, in time linear in its length; a key whose dotted path is
    longer than 256 characters is not recorded (its longest recorded parent
    stands for it).

    Examples
    --------
    >>> lines = key_lines('[site]\\ngross_mw = 5\\n[[site.fleet]]\\ncount = 2\\n'
    ...                   'price = {model = "gbm"}\\n')
    >>> lines["site.gross_mw"], lines["site.fleet[0].count"], lines["site.fleet[0].price.model"]
    (2, 4, 5)
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str (the TOML text), got {type(text).__name__}")
    lines: dict[str, int] = {}
    arrays: dict[str, int] = {}
    table: str | None = ""

    def extend(path: str | None, parts: list[str], number: int, resolve: bool) -> str | None:
        # ``path`` followed by ``parts``, recording each prefix; None once too long.
        for part in parts:
            if path is None or len(path) + len(part) + 1 > _MAX_KEY_CHARS:
                return None
            path = f"{path}.{part}" if path else part
            if resolve and path in arrays:
                # Inside [[a.b]], a header [a.b.c] belongs to the latest a.b[n].
                path = f"{path}[{arrays[path]}]"
            lines.setdefault(path, number)
        return path

    def inline(tokens: list[str], index: int, path: str | None, number: int) -> None:
        # Keys of the inline tables ``{...}`` of a value.
        stack, pending, expect = [path], path, False
        while index < len(tokens):
            token = tokens[index]
            if token == "{":
                stack.append(pending)
                expect = True
            elif token == "}":
                if len(stack) > 1:
                    stack.pop()
                expect = False
            elif token == ",":
                expect = len(stack) > 1
            elif expect and _KEY_PART.match(token):
                parts, index = _dotted(tokens, index)
                if index < len(tokens) and tokens[index] == "=":
                    pending = extend(stack[-1], parts, number, False)
                    index += 1
                expect = False
                continue
            elif not _blank(token):
                expect = False
            index += 1

    for number, raw in enumerate(text.split("\n"), start=1):
        tokens = _line_tokens(raw[:-1] if raw.endswith("\r") else raw)
        first = 1 if tokens and _blank(tokens[0]) else 0
        if first >= len(tokens):
            continue
        if tokens[first] == "[":
            array = first + 1 < len(tokens) and tokens[first + 1] == "["
            parts, end = _dotted(tokens, first + 1 + array)
            closing = ["]"] * (1 + array)
            if not parts or tokens[end : end + len(closing)] != closing:
                continue
            if not all(_blank(token) for token in tokens[end + len(closing) :]):
                continue
            if array:
                parent = extend("", parts[:-1], number, True)
                name = extend(parent, parts[-1:], number, False)
                if name is None:
                    table = None
                    continue
                arrays[name] = arrays.get(name, -1) + 1
                table = f"{name}[{arrays[name]}]"
                lines.setdefault(table, number)
            else:
                table = extend("", parts, number, True)
        elif _KEY_PART.match(tokens[first]):
            parts, end = _dotted(tokens, first)
            if end < len(tokens) and tokens[end] == "=":
                inline(tokens, end + 1, extend(table, parts, number, False), number)
    return lines


# --------------------------------------------------------------------------
# Schema
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Key:
    """One key of a table: type, bounds, unit and the library argument."""

    name: str
    kind: str  # float | int | str | bool | date | table | tables | floats
    stem: str  # quantity part; the unit suffix is the rest of the name
    target: str
    required: bool = False
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    unit: str = ""
    choices: tuple[str, ...] = ()

    def describe(self) -> str:
        text = self.name + (f" {self.unit}" if self.unit else "")
        if self.choices:
            return f"{text} (one of {', '.join(map(repr, self.choices))})"
        if self.low is not None or self.high is not None:
            left = "(" if self.low_open else "["
            right = ")" if self.high_open else "]"
            low = "-inf" if self.low is None else f"{self.low:g}"
            if self.high is not None:
                high = f"{self.high:g}"
            else:  # whole numbers stop at the 64-bit limit
                high = "2**63 - 1" if self.kind == "int" else "inf"
            text += f" in {left}{low}, {high}{right}"
        return text


def _k(
    name: str, kind: str = "float", *, unit_suffix: str = "", target: str = "", **kw: Any
) -> _Key:
    """A key ``stem + "_" + unit_suffix`` (or without suffix)."""
    stem = name[: -len(unit_suffix) - 1] if unit_suffix else name
    return _Key(name=name, kind=kind, stem=stem, target=target or stem, **kw)


def _schema(*keys: _Key) -> dict[str, _Key]:
    return {key.name: key for key in keys}


_SITE = _schema(
    _k("name", "str"),
    _k(
        "gross_mw",
        unit_suffix="mw",
        target="gross_mw",
        required=True,
        low=0,
        low_open=True,
        unit="[MW]",
        high=_MAX_MW,
    ),
    _k(
        "power_price_usd_per_kwh",
        unit_suffix="usd_per_kwh",
        low=0,
        unit="[USD/kWh]",
        high=_MAX_USD,
    ),
    _k(
        "power_price_escalation_per_year",
        unit_suffix="per_year",
        low=-1,
        low_open=True,
        unit="[1/year]",
        high=_MAX_RATE,
    ),
    _k("mining_pue", low=1, unit="[-]", high=_MAX_RATIO),
    _k("pool_fee", low=0, high=1, high_open=True, unit="[-]"),
    _k(
        "demand_response_usd_per_mw_year",
        unit_suffix="usd_per_mw_year",
        low=0,
        unit="[USD per MW-year]",
        high=_MAX_USD,
    ),
    _k("mining_capex_per_mw_usd", unit_suffix="usd", low=0, unit="[USD per MW]", high=_MAX_USD),
    _k("fleet", "tables", required=True),
)

_FLEET = _schema(
    _k("miner", "str", required=True),
    _k(
        "hashrate_th",
        unit_suffix="th",
        target="hashrate",
        low=0,
        low_open=True,
        unit="[TH/s]",
        high=_MAX_MACHINE,
    ),
    _k(
        "power_w",
        unit_suffix="w",
        target="power",
        low=0,
        low_open=True,
        unit="[W]",
        high=_MAX_MACHINE,
    ),
    _k("count", "int", required=True, low=0),
    _k(
        "delivery_day",
        "int",
        unit_suffix="day",
        target="delivery",
        low=0,
        unit="[day]",
        high=_MAX_DAYS,
    ),
    _k("delivery_date", "date", unit_suffix="date", target="delivery"),
    _k("capex_per_unit_usd", unit_suffix="usd", low=0, unit="[USD]", high=_MAX_USD),
    _k(
        "degradation_per_year",
        unit_suffix="per_year",
        low=0,
        high=1,
        high_open=True,
        unit="[1/year]",
    ),
    _k("failure_rate_per_year", unit_suffix="per_year", low=0, unit="[1/year]", high=_MAX_EVENTS),
    _k("uptime", low=0, high=1, low_open=True, unit="[-]"),
    _k("resale_value_usd", unit_suffix="usd", low=0, unit="[USD]", high=_MAX_USD),
    _k(
        "other_opex_usd_per_th_day",
        unit_suffix="usd_per_th_day",
        low=0,
        unit="[USD per TH/s per day]",
        high=_MAX_USD,
    ),
)

_SPLIT = _schema(
    _k("fraction", low=0, high=1, unit="[-]"),
    _k("converted_mw", unit_suffix="mw", target="mw", low=0, unit="[MW]", high=_MAX_MW),
    _k(
        "decision_day",
        "int",
        unit_suffix="day",
        target="decision",
        low=0,
        unit="[day]",
        high=_MAX_DAYS,
    ),
    _k("decision_date", "date", unit_suffix="date", target="decision"),
    _k("backfill", "bool"),
    _k(
        "downtime_days",
        unit_suffix="days",
        target="downtime_days",
        low=0,
        unit="[day]",
        high=_MAX_DAYS,
    ),
    _k("hosting", "table", required=True),
)

_CONTRACT_COMMON = (
    _k("gross_to_it", low=1, unit="[-]", high=_MAX_RATIO),
    _k("pue", low=1, unit="[-]", high=_MAX_RATIO),
    _k("build_days", unit_suffix="days", target="build_days", low=0, unit="[day]", high=_MAX_DAYS),
    _k("ramp_days", unit_suffix="days", target="ramp_days", low=0, unit="[day]", high=_MAX_DAYS),
    _k("power_pass_through", "bool"),
    _k(
        "default_hazard_per_year", unit_suffix="per_year", low=0, unit="[1/year]", high=_MAX_EVENTS
    ),
)
_COLOCATION = _schema(
    _k(
        "rate_usd_per_kw_month",
        unit_suffix="usd_per_kw_month",
        low=0,
        unit="[USD per kW of IT per month]",
        high=_MAX_USD,
    ),
    _k(
        "term_years",
        unit_suffix="years",
        target="term_years",
        low=0,
        low_open=True,
        unit="[year]",
        high=_MAX_YEARS,
    ),
    _k(
        "escalator_per_year",
        unit_suffix="per_year",
        low=-1,
        low_open=True,
        unit="[1/year]",
        high=_MAX_RATE,
    ),
    _k(
        "extension_years",
        unit_suffix="years",
        target="extension_years",
        low=0,
        unit="[year]",
        high=_MAX_YEARS,
    ),
    _k("capex_per_it_mw_usd", unit_suffix="usd", low=0, unit="[USD per IT MW]", high=_MAX_USD),
    _k("tenant_capex_share", low=0, high=1, unit="[-]"),
    _k("noi_margin", low=0, high=1, unit="[-]"),
    _k(
        "opex_per_it_mw_year_usd",
        unit_suffix="usd",
        low=0,
        unit="[USD per IT MW-year]",
        high=_MAX_USD,
    ),
    _k("backstop_share", low=0, high=1, unit="[-]"),
    *_CONTRACT_COMMON,
)
_GPU_CLOUD = _schema(
    _k("gpus_per_it_mw", low=0, low_open=True, unit="[GPU per IT MW]", high=_MAX_MACHINE),
    _k(
        "price_per_gpu_hour_usd",
        unit_suffix="usd",
        low=0,
        unit="[USD per GPU-hour]",
        high=_MAX_USD,
    ),
    _k("capex_per_gpu_usd", unit_suffix="usd", low=0, unit="[USD]", high=_MAX_USD),
    _k("utilisation", low=0, high=1, low_open=True, unit="[-]"),
    _k(
        "gpu_life_years",
        unit_suffix="years",
        target="gpu_life_years",
        low=0,
        low_open=True,
        unit="[year]",
        high=_MAX_YEARS,
    ),
    _k("opex_share", low=0, high=1, unit="[-]"),
    _k(
        "opex_per_gpu_hour_usd", unit_suffix="usd", low=0, unit="[USD per GPU-hour]", high=_MAX_USD
    ),
    _k(
        "fitout_capex_per_it_mw_usd",
        unit_suffix="usd",
        low=0,
        unit="[USD per IT MW]",
        high=_MAX_USD,
    ),
    _k(
        "contract_years",
        unit_suffix="years",
        target="contract_years",
        low=0,
        low_open=True,
        unit="[year]",
        high=_MAX_YEARS,
    ),
    _k("prepayment_share", low=0, high=1, unit="[-]"),
    *_CONTRACT_COMMON,
)
_KINDS = {"colocation": _COLOCATION, "gpu_cloud": _GPU_CLOUD}
_REQUIRED_CONTRACT = {
    "colocation": ("rate_usd_per_kw_month", "term_years"),
    "gpu_cloud": ("gpus_per_it_mw", "price_per_gpu_hour_usd", "capex_per_gpu_usd"),
}
_HOSTING_HEAD = _schema(
    _k("deal", "str"),
    _k("kind", "str", choices=tuple(_KINDS)),
)

_NETWORK = _schema(
    _k("date", "date", required=True),
    _k("height", "int", required=True, low=0),
    _k("difficulty", required=True, low=0, low_open=True, unit="[-]", high=_MAX_DIFFICULTY),
    _k(
        "btc_price_usd",
        unit_suffix="usd",
        target="btc_price",
        required=True,
        low=0,
        low_open=True,
        unit="[USD/BTC]",
        high=_MAX_USD,
    ),
    _k(
        "fees_btc_per_block",
        unit_suffix="btc_per_block",
        target="fees_per_block",
        required=True,
        low=0,
        unit="[BTC per block]",
        high=_MAX_BTC,
    ),
)

_VALUATION = _schema(
    _k("start_from", "str", choices=("single rate", "conservative", "market")),
    _k(
        "mining_rate_per_year",
        unit_suffix="per_year",
        low=-1,
        low_open=True,
        unit="[1/year]",
        high=_MAX_RATE,
    ),
    _k(
        "hosting_rate_per_year",
        unit_suffix="per_year",
        low=-1,
        low_open=True,
        unit="[1/year]",
        high=_MAX_RATE,
    ),
    _k(
        "guarantor_rate_per_year",
        unit_suffix="per_year",
        low=-1,
        low_open=True,
        unit="[1/year]",
        high=_MAX_RATE,
    ),
    _k("hosting_exit_multiple", low=0, unit="[x forward NOI]", high=_MAX_MULTIPLE),
    _k("renewal_probability", low=0, high=1, unit="[-]"),
    _k(
        "renewal_years",
        unit_suffix="years",
        target="renewal_years",
        low=0,
        unit="[year]",
        high=_MAX_YEARS,
    ),
    _k("mining_exit_multiple", low=0, unit="[x last year's cash flow]", high=_MAX_MULTIPLE),
    _k("tax", "bool"),
    _k("tax_rate", low=0, high=1, unit="[-]"),
    _k("loan_to_cost", low=0, high=1, high_open=True, unit="[-]"),
    _k("debt_rate_per_year", unit_suffix="per_year", low=0, unit="[1/year]", high=_MAX_RATE),
    _k(
        "debt_tenor_years",
        unit_suffix="years",
        target="debt_tenor_years",
        low=0,
        low_open=True,
        unit="[year]",
        high=_MAX_YEARS,
    ),
)

_SIMULATION = _schema(
    _k("start_date", "date", unit_suffix="date", target="start"),
    _k("network", "table"),
    _k(
        "horizon_days",
        "int",
        unit_suffix="days",
        target="days",
        low=2,
        unit="[day]",
        high=_MAX_HORIZON_DAYS,
    ),
    _k("n_paths", "int", low=1),
    _k("seed", "int", low=0),
    _k(
        "discount_rate_per_year",
        unit_suffix="per_year",
        low=-1,
        low_open=True,
        unit="[1/year]",
        high=_MAX_RATE,
    ),
    _k("policy", "str", choices=("sell", "hold")),
    _k("switch_off", "bool"),
    _k("block_arrivals", "str", choices=("expected", "poisson")),
    _k("payout", "str", choices=("pool", "solo")),
    _k("power_market", "str", choices=("ercot",)),
    _k("power_prices", "str"),
    _k("power_point", "str"),
    _k("reserve_share", low=0, low_open=True, high=1, unit="[-]"),
    _k(
        "reserve_usd_per_mw_hour",
        unit_suffix="usd_per_mw_hour",
        low=0,
        unit="[USD per MW-hour]",
        high=_MAX_USD,
    ),
    _k("reserve_calls", low=0, high=1, high_open=True, unit="[-]"),
    _k("price", "table"),
    _k("fees", "table"),
    _k("hashrate", "table"),
)

_CALIBRATED = (
    _k("start_date", "date", unit_suffix="date", target="start"),
    _k("end_date", "date", unit_suffix="date", target="end"),
)
_DRIFT = _k(
    "drift_per_year", unit_suffix="per_year", unit="[1/year]", low=-_MAX_RATE, high=_MAX_RATE
)
_VOLATILITY = _k("volatility", low=0, unit="[1/sqrt(year)]", high=_MAX_VOLATILITY)
_STEP = _k(
    "step_days",
    "int",
    unit_suffix="days",
    target="step_days",
    low=1,
    unit="[day]",
    high=_MAX_HORIZON_DAYS,
)

# model name -> (schema, required keys, factory of the library object)
_MODELS: dict[str, dict[str, tuple[dict[str, _Key], tuple[str, ...], Callable | None]]] = {
    "price": {
        "constant": (_schema(), (), lambda: price.ConstantPrice()),
        "growth": (
            _schema(
                _k(
                    "growth_per_year",
                    unit_suffix="per_year",
                    target="annual_growth",
                    low=-1,
                    low_open=True,
                    unit="[1/year]",
                    high=_MAX_RATE,
                )
            ),
            ("growth_per_year",),
            price.GrowthPrice,
        ),
        "gbm": (
            _schema(
                _DRIFT,
                _VOLATILITY,
            ),
            ("volatility",),
            lambda drift=0.0, volatility=0.0: price.GBM(drift, volatility),
        ),
        "merton": (
            _schema(
                _DRIFT,
                _VOLATILITY,
                _k(
                    "jump_intensity_per_year",
                    unit_suffix="per_year",
                    low=0,
                    unit="[1/year]",
                    high=36500.0,
                ),
                _k("jump_mean", unit="[-]", low=-10.0, high=10.0),
                _k("jump_volatility", low=0, unit="[-]", high=10.0),
            ),
            ("volatility", "jump_intensity_per_year", "jump_mean", "jump_volatility"),
            lambda drift=0.0, **kw: price.MertonJump(drift=drift, **kw),
        ),
        "calibrated": (_schema(*_CALIBRATED), (), None),
    },
    "fees": {
        "constant": (
            _schema(
                _k(
                    "btc_per_block",
                    unit_suffix="btc_per_block",
                    target="btc_per_block",
                    low=0,
                    unit="[BTC per block]",
                    high=_MAX_BTC,
                )
            ),
            (),
            None,  # default: the start's fees
        ),
        "share": (
            _schema(_k("share", low=0, high=1, high_open=True, unit="[-]")),
            ("share",),
            fees.FeeShare,
        ),
        "stochastic": (
            _schema(
                _k(
                    "level_btc",
                    unit_suffix="btc",
                    low=0,
                    low_open=True,
                    unit="[BTC per block]",
                    high=_MAX_BTC,
                ),
                _k(
                    "mean_level_btc",
                    unit_suffix="btc",
                    low=0,
                    low_open=True,
                    unit="[BTC per block]",
                    high=_MAX_BTC,
                ),
                _k(
                    "reversion_per_year",
                    unit_suffix="per_year",
                    low=0,
                    low_open=True,
                    unit="[1/year]",
                    high=_MAX_EVENTS,
                ),
                _VOLATILITY,
                _k(
                    "spike_rate_per_year",
                    unit_suffix="per_year",
                    low=0,
                    unit="[1/year]",
                    high=_MAX_SPIKES,
                ),
                _k("spike_mean", low=0, unit="[-]", high=_MAX_MULTIPLE),
                _k("spike_min", low=0, unit="[-]", high=_MAX_MULTIPLE),
                _STEP,
            ),
            (
                "mean_level_btc",
                "reversion_per_year",
                "volatility",
                "spike_rate_per_year",
                "spike_mean",
            ),
            None,  # default level: the start's fees
        ),
        "calibrated": (_schema(*_CALIBRATED), (), None),
    },
    "hashrate": {
        "constant": (
            _schema(
                _k(
                    "growth_per_month",
                    unit_suffix="per_month",
                    target="monthly_growth",
                    low=-1,
                    low_open=True,
                    unit="[1/month]",
                    high=_MAX_RATE,
                ),
                _VOLATILITY,
                _STEP,
            ),
            (),
            lambda monthly_growth=0.0, **kw: difficulty.ConstantGrowth(monthly_growth, **kw),
        ),
        "economic": (
            _schema(
                _k(
                    "cost_hashprice_usd_per_th_day",
                    unit_suffix="usd_per_th_day",
                    low=0,
                    low_open=True,
                    unit="[USD per TH/s per day]",
                    high=_MAX_USD,
                ),
                _k(
                    "entry_rate_per_year",
                    unit_suffix="per_year",
                    low=0,
                    unit="[1/year]",
                    high=_MAX_EVENTS,
                ),
                _k(
                    "exit_rate_per_year",
                    unit_suffix="per_year",
                    low=0,
                    unit="[1/year]",
                    high=_MAX_EVENTS,
                ),
                _k(
                    "cost_decline_per_year",
                    unit_suffix="per_year",
                    unit="[1/year]",
                    low=-1.0,
                    high=1.0,
                ),
                _k(
                    "lag_days",
                    unit_suffix="days",
                    target="lag_days",
                    low=1,
                    unit="[day]",
                    high=_MAX_HORIZON_DAYS,
                ),
                _VOLATILITY,
                _STEP,
            ),
            ("cost_hashprice_usd_per_th_day", "entry_rate_per_year", "exit_rate_per_year"),
            difficulty.EconomicHashrate,
        ),
        "calibrated": (_schema(*_CALIBRATED), (), None),
    },
}


# --------------------------------------------------------------------------
# Reading tables
# --------------------------------------------------------------------------


class _Reader:
    """Validates tables against schemas; errors carry file, key and line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = key_lines(text)

    def line(self, key: str) -> int | None:
        """Line of ``key``, else of its longest parent found; 1 if none is."""
        if key in self.lines:
            return self.lines[key]
        # Parents end before a "." or a "["; only short ones can have been recorded.
        for end in range(min(len(key), _MAX_KEY_CHARS + 1) - 1, 0, -1):
            if key[end] in ".[" and key[:end] in self.lines:
                return self.lines[key[:end]]
        return 1

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, key, self.line(key), problem)

    def read(
        self,
        table: Any,
        schema: Mapping[str, _Key],
        where: str,
        *,
        required: tuple[str, ...] = (),
        extra: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        """Values of ``table`` by TOML key, checked; ``extra`` keys are left alone."""
        if not isinstance(table, dict):
            raise self.error(where, f"must be a table, got {_type_name(table)}")
        for name in table:
            if name not in schema and name not in extra:
                raise self._unknown(name, schema, where, extra)
        out: dict[str, Any] = {}
        for name, key in schema.items():
            path = f"{where}.{name}"
            if name not in table:
                if key.required or name in required:
                    raise self.error(
                        path, f"missing required key in [{where}]; expected {key.describe()}"
                    )
                continue
            out[name] = self._value(table[name], key, path)
        return out

    def _unknown(
        self, name: str, schema: Mapping[str, _Key], where: str, extra: tuple[str, ...]
    ) -> ConfigError:
        path = f"{where}.{name}"
        # The longest known quantity the key starts with: a wrong or missing unit.
        stems = [k for k in schema.values() if k.stem != k.name]
        matches = [k for k in stems if name == k.stem or name.startswith(k.stem + "_")]
        if matches:
            key = max(matches, key=lambda k: len(k.stem))
            given = name[len(key.stem) + 1 :]
            problem = f"wrong unit {_show(given)}" if given else "missing unit"
            return self.error(
                path, f"{problem} for {key.stem!r}; use {key.name} {key.unit}".rstrip()
            )
        valid = sorted([*schema, *extra])
        close = difflib.get_close_matches(name, valid, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return self.error(path, f"unknown key{hint}; valid keys: {', '.join(valid)}")

    def _value(self, value: Any, key: _Key, path: str) -> Any:
        kind = key.kind
        if kind == "float":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise self.error(
                    path,
                    f"must be a number, got {_type_name(value)} {_show(value)}; "
                    f"expected {key.describe()}",
                )
            try:
                value = float(value)
            except OverflowError:
                raise self.error(
                    path, f"got an integer too large for a number; expected {key.describe()}"
                ) from None
            if math.isnan(value):
                raise self.error(path, f"must be a number, got nan; expected {key.describe()}")
        elif kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise self.error(
                    path,
                    f"must be a whole number, got {_type_name(value)} {_show(value)}; "
                    f"expected {key.describe()}",
                )
            if not _INT64[0] <= value <= _INT64[1]:
                raise self.error(
                    path,
                    f"got {_show(value)}, beyond the 64-bit whole numbers "
                    f"[-2**63, 2**63 - 1]; expected {key.describe()}",
                )
        elif kind == "str":
            if not isinstance(value, str):
                raise self.error(path, f"must be a string, got {_type_name(value)} {_show(value)}")
            if key.choices and value not in key.choices:
                raise self.error(path, f"got {_show(value)}; expected {key.describe()}")
            return value
        elif kind == "bool":
            if not isinstance(value, bool):
                raise self.error(path, f"must be true or false, got {_type_name(value)}")
            return value
        elif kind == "date":
            return self._date(value, path)
        elif kind == "table":
            if not isinstance(value, dict):
                raise self.error(path, f"must be a table, got {_type_name(value)}")
            return value
        elif kind == "tables":
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(v, dict) for v in value)
            ):
                raise self.error(
                    path,
                    f"must be one or more [[{path}]] tables, got {_type_name(value)}",
                )
            return value
        low, high = key.low, key.high
        below = low is not None and (value <= low if key.low_open else value < low)
        above = high is not None and (value >= high if key.high_open else value > high)
        if below or above or (kind == "float" and math.isinf(value)):
            raise self.error(path, f"got {_show(value)}; expected {key.describe()}")
        return value

    def _date(self, value: Any, path: str) -> pd.Timestamp:
        if isinstance(value, dt.datetime | dt.date) and not isinstance(value, dt.time):
            return pd.Timestamp(value)
        if isinstance(value, str):
            try:
                return pd.Timestamp(dt.date.fromisoformat(value))
            except ValueError:
                pass
        raise self.error(path, f"must be a date YYYY-MM-DD, got {_show(value)}")

    def exclusive(self, values: Mapping[str, Any], names: tuple[str, str], where: str) -> None:
        if all(name in values for name in names):
            raise self.error(f"{where}.{names[1]}", f"give {names[0]} or {names[1]}, not both")


def _type_name(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a float",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _targets(values: Mapping[str, Any], schema: Mapping[str, _Key]) -> dict[str, Any]:
    return {schema[name].target: value for name, value in values.items()}


# --------------------------------------------------------------------------
# Building the objects
# --------------------------------------------------------------------------


def load_scenario(path: PathLike) -> SiteStudy:
    """Read a scenario file into a :class:`SiteStudy`.

    Parameters
    ----------
    path : str or os.PathLike
        A TOML file laid out as described in :mod:`minerecon.config`.

    Returns
    -------
    SiteStudy

    Raises
    ------
    TypeError
        ``path`` is not a string or a path.
    ValueError
        ``path`` is empty.
    ConfigError
        For a file that cannot be read, is larger than ``MAX_FILE_BYTES``
        or is not UTF-8, a syntax error, tables or arrays nested more than
        ``MAX_NESTING`` deep, an unknown key, a missing required key, a
        value of the wrong type or out of its range (see "Limits" in
        :mod:`minerecon.config`), or a key with a wrong unit; the message
        names the file, the line and the key.
    """
    if not isinstance(path, str | os.PathLike) or isinstance(os.fspath(path), bytes):
        raise TypeError(
            f"path must be a str or os.PathLike naming a scenario file, got {type(path).__name__}"
        )
    if not os.fspath(path):
        raise ValueError("path must name a scenario file, got an empty string")
    path = Path(path)
    text = _read(path)
    data = _parse(path, text)
    reader = _Reader(path, text)
    _check_nesting(reader, data)
    for name in data:
        if name not in ("site", "splits", "simulation", "valuation"):
            raise reader.error(name, "unknown table; valid: site, splits, simulation, valuation")
    if "site" not in data:
        raise ConfigError(path, "site", 1, "missing required table [site]")
    site = _site(reader, data["site"])
    simulation = data.get("simulation", {})
    if not isinstance(simulation, dict):
        raise reader.error("simulation", f"must be a table, got {_type_name(simulation)}")
    settings = reader.read(simulation, _SIMULATION, "simulation")
    start = _start(reader, settings)
    days = settings.get("horizon_days", 3650)
    splits_table = data.get("splits", {})
    if not isinstance(splits_table, dict):
        raise reader.error("splits", f"must be a table, got {_type_name(splits_table)}")
    splits = {
        label: _split(reader, body, f"splits.{label}", site)
        for label, body in splits_table.items()
    }
    _check_deliveries(reader, data["site"]["fleet"], site, start, days)
    models = {
        component: _model(reader, settings.get(component), component, start)
        for component in ("price", "fees", "hashrate")
    }
    market = _power_market(reader, settings)
    if market is not None and "power_price_usd_per_kwh" not in data["site"]:
        key = "power_market" if "power_market" in settings else "power_prices"
        raise reader.error(
            f"simulation.{key}",
            "needs site.power_price_usd_per_kwh, the adder per kWh on top of the market price "
            "(delivery and retail charges; 0 for none)",
        )
    try:
        scenario = MiningScenario(
            site.fleet,
            start=start,
            days=days,
            power_price=site.power_price,
            power_price_escalation=site.power_price_escalation,
            pue=site.mining_pue,
            pool_fee=site.pool_fee,
            discount_rate=settings.get("discount_rate_per_year", 0.10),
            policy=settings.get("policy", "sell"),
            switch_off=settings.get("switch_off", True),
            block_arrivals=settings.get("block_arrivals", "expected"),
            payout=settings.get("payout", "pool"),
            power_market=market,
            reserve=_reserve(reader, settings),
            **models,
        )
    except ValueError as error:
        raise reader.error("simulation", str(error)) from None
    for label, split in splits.items():
        try:
            _decision_day(split.decision, start.date, scenario.days)
        except ValueError as error:
            key = "decision_date" if "decision_date" in splits_table[label] else "decision_day"
            raise reader.error(f"splits.{label}.{key}", str(error)) from None
    views = data.get("valuation", {})
    if not isinstance(views, dict):
        raise reader.error("valuation", f"must be a table, got {_type_name(views)}")
    valuations = {
        name: _valuation(reader, body, f"valuation.{name}", scenario.discount_rate, name)
        for name, body in views.items()
    }
    return SiteStudy(
        site=site,
        splits=splits,
        scenario=scenario,
        n_paths=settings.get("n_paths", 1000),
        seed=settings.get("seed"),
        name=site.name or path.stem,
        valuations=valuations,
    )


def _read(path: Path) -> str:
    """The text of a scenario file: at most ``MAX_FILE_BYTES``, UTF-8."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as error:  # ValueError: a NUL character in the path
        problem = getattr(error, "strerror", None) or str(error)
        raise ConfigError(path, "", None, f"cannot read the file ({problem})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError(
            path,
            "",
            None,
            f"larger than {MAX_FILE_BYTES:,} bytes (1 MiB), the limit of a scenario file",
        )
    try:
        # tomllib refuses the byte-order mark some Windows editors put first.
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        start = data.rfind(b"\n", 0, error.start) + 1
        raise ConfigError(
            path,
            "",
            data.count(b"\n", 0, error.start) + 1,
            f"not UTF-8 text: byte 0x{data[error.start]:02x} at column {error.start - start + 1} "
            "(save the file as UTF-8)",
        ) from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    """``tomllib.loads`` with every failure as a :class:`ConfigError`."""
    line = _long_key_line(text)
    if line is not None:
        # tomllib's time and memory grow as the square of a key's parts (a 64 KB
        # key of 32,000 parts takes 20 s and 6 GB): refuse before reading.
        raise ConfigError(
            path,
            "",
            line,
            f"a dotted key or table name of more than {MAX_NESTING} parts; "
            "a scenario file needs at most 4",
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        line = int(found.group(1)) if found else None
        raise ConfigError(path, "", line, f"TOML syntax error: {error}") from None
    except RecursionError:
        raise ConfigError(
            path,
            "",
            _deepest_line(text),
            f"arrays or inline tables nested too deeply to read (at most {MAX_NESTING} levels)",
        ) from None
    except ValueError:
        # tomllib converts integers with int(), which refuses more digits than
        # sys.get_int_max_str_digits().
        limit = sys.get_int_max_str_digits()
        line = None
        for number, raw in enumerate(text.split("\n"), start=1):
            if any(len(run.replace("_", "")) > limit for run in re.findall(r"[0-9_]++", raw)):
                line = number
                break
        raise ConfigError(
            path,
            "",
            line,
            f"a number has more than {limit:,} digits (whole numbers must fit in 64 bits)",
        ) from None


def _long_key_line(text: str) -> int | None:
    """First line with a dotted key of more than ``MAX_NESTING`` parts, in linear time."""
    for number, raw in enumerate(text.split("\n"), start=1):
        tokens = _line_tokens(raw)
        index = 0
        while index < len(tokens):
            if _KEY_PART.match(tokens[index]):
                parts, index = _dotted(tokens, index)
                if len(parts) > MAX_NESTING:
                    return number
            else:
                index += 1
    return None


def _deepest_line(text: str) -> int | None:
    """First line where arrays and inline tables open more than ``MAX_NESTING`` deep."""
    depth = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        for token in _line_tokens(raw):
            if token in ("[", "{"):
                depth += 1
                if depth > MAX_NESTING:
                    return number
            elif token in ("]", "}"):
                depth = max(depth - 1, 0)
    return None


def _check_nesting(reader: _Reader, data: dict[str, Any]) -> None:
    """Refuse tables and arrays nested more than ``MAX_NESTING`` deep."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack:
        node, parts = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for name, value in items:
            if not isinstance(value, dict | list):
                continue
            child = (*parts, f".{name}" if isinstance(node, dict) else f"[{name}]")
            if len(child) > MAX_NESTING:
                key = "".join(child)[1:]
                raise reader.error(
                    key,
                    f"tables or arrays nested more than {MAX_NESTING} deep; "
                    "a scenario file needs at most 4 levels",
                )
            stack.append((value, child))


def _error_at(path: str | Path, key: str, problem: str) -> ConfigError:
    """A :class:`ConfigError` at ``key`` of the scenario file ``path``, its line found again.

    For checks made after :func:`load_scenario` (the command's memory budget).
    """
    path = Path(path)
    try:
        text = _read(path)
    except ConfigError:
        return ConfigError(path, key, None, problem)
    return _Reader(path, text).error(key, problem)


def _valuation(reader: _Reader, table: Any, where: str, rate: float, name: str) -> Valuation:
    """One view: a ready-made one (``start_from``) with any of its values changed."""
    values = reader.read(table, _VALUATION, where)
    start = values.pop("start_from", "single rate")
    if start == "market":
        valuation = Valuation.market()
    elif start == "conservative":
        valuation = Valuation.conservative(rate)
    else:
        valuation = Valuation(rate)
    changes: dict[str, Any] = {"name": name}
    fields = {
        "mining_rate_per_year": "mining_rate",
        "hosting_rate_per_year": "hosting_rate",
        "guarantor_rate_per_year": "guarantor_rate",
        "hosting_exit_multiple": "hosting_exit_multiple",
        "renewal_probability": "renewal_probability",
        "renewal_years": "renewal_years",
        "mining_exit_multiple": "mining_exit_multiple",
    }
    changes.update({fields[key]: value for key, value in values.items() if key in fields})
    policy = valuation.tax
    if values.get("tax") is False:
        policy = None
    elif values.get("tax") or "tax_rate" in values:
        policy = policy or TaxPolicy()
        if "tax_rate" in values:
            policy = dataclasses.replace(policy, rate=values["tax_rate"])
    changes["tax"] = policy
    debt = {
        "loan_to_cost": "loan_to_cost",
        "debt_rate_per_year": "rate",
        "debt_tenor_years": "tenor_years",
    }
    terms = {debt[key]: value for key, value in values.items() if key in debt}
    if terms.get("loan_to_cost") == 0:
        changes["financing"] = None
    elif terms:
        base = valuation.financing or DebtTerms.from_2025_notes()
        changes["financing"] = dataclasses.replace(base, **terms)
    try:
        return valuation.replace(**changes)
    except ValueError as error:
        raise reader.error(where, str(error)) from None


def _site(reader: _Reader, table: Any) -> Site:
    values = reader.read(table, _SITE, "site")
    fleet = [
        _deployment(reader, item, f"site.fleet[{index}]")
        for index, item in enumerate(values.pop("fleet"))
    ]
    kwargs = {
        "gross_mw": values.get("gross_mw"),
        "fleet": fleet,
        "power_price": values.get("power_price_usd_per_kwh", 0.05),
        "power_price_escalation": values.get("power_price_escalation_per_year", 0.0),
        "mining_pue": values.get("mining_pue", 1.05),
        "pool_fee": values.get("pool_fee", 0.0),
        "demand_response": values.get("demand_response_usd_per_mw_year", 0.0),
        "mining_capex_per_mw": values.get("mining_capex_per_mw_usd", 0.0),
        "name": values.get("name", ""),
    }
    try:
        return Site(**kwargs)
    except ValueError as error:
        raise reader.error("site", str(error)) from None


def _deployment(reader: _Reader, table: Any, where: str) -> Deployment:
    values = reader.read(table, _FLEET, where)
    reader.exclusive(values, ("delivery_day", "delivery_date"), where)
    custom = [name for name in ("hashrate_th", "power_w") if name in values]
    if len(custom) == 1:
        other = ({"hashrate_th", "power_w"} - set(custom)).pop()
        raise reader.error(
            f"{where}.{other}", "missing: a custom machine needs both hashrate_th and power_w"
        )
    name = values.pop("miner")
    if custom:
        miner = Miner(name, values.pop("hashrate_th"), values.pop("power_w"))
    else:
        try:
            miner = get_miner(name)
        except KeyError as error:
            raise reader.error(f"{where}.miner", str(error.args[0])) from None
    kwargs = _targets(values, _FLEET)
    kwargs = {k: v for k, v in kwargs.items() if k not in ("hashrate", "power")}
    kwargs.setdefault("delivery", 0)
    try:
        return Deployment(miner, **kwargs)
    except ValueError as error:
        raise reader.error(where, str(error)) from None


def _split(reader: _Reader, table: Any, where: str, site: Site) -> Split:
    values = reader.read(table, _SPLIT, where)
    reader.exclusive(values, ("fraction", "converted_mw"), where)
    if "fraction" not in values and "converted_mw" not in values:
        raise reader.error(where, "missing required key: give fraction [-] or converted_mw [MW]")
    reader.exclusive(values, ("decision_day", "decision_date"), where)
    contract = _hosting(reader, values.pop("hosting"), f"{where}.hosting")
    kwargs = _targets(values, _SPLIT)
    if kwargs.get("mw", 0.0) > site.gross_mw:
        raise reader.error(
            f"{where}.converted_mw",
            f"got {kwargs['mw']!r}; expected converted_mw in [0, {site.gross_mw:g}] "
            "(the site's gross_mw)",
        )
    try:
        return Split(contract, **kwargs)
    except ValueError as error:
        raise reader.error(where, str(error)) from None


def _hosting(reader: _Reader, table: Any, where: str) -> ColocationLease | GpuCloud:
    if not isinstance(table, dict):
        raise reader.error(where, f"must be a table, got {_type_name(table)}")
    head = {
        name: reader._value(table[name], key, f"{where}.{name}")
        for name, key in _HOSTING_HEAD.items()
        if name in table
    }
    deal = head.get("deal")
    kind = head.get("kind")
    if deal is not None:
        try:
            deal_kind = str(hosting.get_deal(deal)["kind"])
        except KeyError as error:
            raise reader.error(f"{where}.deal", str(error.args[0])) from None
        if kind is not None and kind != deal_kind:
            raise reader.error(
                f"{where}.kind", f"got {kind!r} but deal {_show(deal)} is of kind {deal_kind!r}"
            )
        kind = deal_kind
    elif kind is None:
        raise reader.error(
            where,
            "missing required key: give deal (see minerecon.hosting.list_deals()) "
            f"or kind (one of {', '.join(map(repr, _KINDS))})",
        )
    schema = _KINDS[kind]
    body = {name: value for name, value in table.items() if name not in _HOSTING_HEAD}
    required = () if deal is not None else _REQUIRED_CONTRACT[kind]
    values = reader.read(body, schema, where, required=required, extra=tuple(_HOSTING_HEAD))
    overrides = _targets(values, schema)
    try:
        if deal is None:
            cls = hosting.ColocationLease if kind == "colocation" else hosting.GpuCloud
            return cls(**overrides)
        if kind == "colocation":
            return hosting.lease_from_deal(deal, **overrides)
        return hosting.gpu_cloud_from_deal(deal, **overrides)
    except ValueError as error:
        raise reader.error(where, str(error)) from None


def _reserve(reader: _Reader, settings: Mapping[str, Any]) -> ReserveOffer | None:
    """The reserve offer of a scenario file: share, payment and chance of a call, or None."""
    keys = ("reserve_share", "reserve_usd_per_mw_hour", "reserve_calls")
    given = [key for key in keys if key in settings]
    if not given:
        return None
    for key in keys[:2]:
        if key not in settings:
            raise reader.error(f"simulation.{given[0]}", f"needs simulation.{key} as well")
    return ReserveOffer(
        settings["reserve_share"],
        settings["reserve_usd_per_mw_hour"],
        settings.get("reserve_calls", 0.0),
    )


def _power_market(reader: _Reader, settings: Mapping[str, Any]) -> PowerPriceModel | None:
    """The hourly price model of a scenario file: "ercot", one fitted to a price file, or None.

    ``power_prices`` is an ERCOT settlement point price file (relative to the
    scenario file) and ``power_point`` its settlement point (HB_NORTH).
    """
    from minerecon import power

    prices = settings.get("power_prices")
    if prices is None:
        if "power_point" in settings:
            raise reader.error("simulation.power_point", "applies only with power_prices")
        return None if settings.get("power_market") is None else ercot_price_model()
    if "power_market" in settings:
        raise reader.error(
            "simulation.power_prices", "give power_market or power_prices, not both"
        )
    path = Path(prices)
    if not path.is_absolute():
        path = reader.path.parent / path
    try:
        series = power.read_ercot(path, settings.get("power_point", "HB_NORTH"))
    except KeyError as error:
        raise reader.error("simulation.power_point", str(error.args[0])) from None
    except (ValueError, OSError) as error:
        raise reader.error("simulation.power_prices", str(error)) from None
    try:
        return PowerPriceModel.fit(series)
    except ValueError as error:
        raise reader.error("simulation.power_prices", f"cannot be fitted: {error}") from None


def _check_deliveries(
    reader: _Reader, tables: list[dict], site: Site, start: NetworkState, days: int
) -> None:
    """Every delivery on a day of the horizon, an error at its key otherwise.

    :class:`~minerecon.projection.MiningScenario` refuses the same, but knows no key.
    """
    fleet = cast("tuple[Deployment, ...]", site.fleet)  # as Site.__post_init__ left it
    for index, (table, deployment) in enumerate(zip(tables, fleet, strict=True)):
        name = "delivery_date" if "delivery_date" in table else "delivery_day"
        if name not in table:
            continue  # delivered on day 0
        key = f"site.fleet[{index}].{name}"
        try:
            day = deployment.delivery_day(start.date)
        except ValueError as error:
            raise reader.error(key, str(error)) from None
        if day >= days:
            raise reader.error(
                key,
                f"delivery on day {day:,} falls after the horizon of {days:,} days "
                f"(simulation.horizon_days); expected a day in [0, {days - 1:,}] from "
                f"the start, {start.date.date()}",
            )


def _start(reader: _Reader, settings: Mapping[str, Any]) -> NetworkState:
    reader.exclusive(settings, ("start_date", "network"), "simulation")
    if "network" in settings:
        values = reader.read(settings["network"], _NETWORK, "simulation.network")
        try:
            return NetworkState(**_targets(values, _NETWORK))
        except ValueError as error:
            raise reader.error("simulation.network", str(error)) from None
    if "start_date" in settings:
        try:
            return NetworkState.from_history(settings["start_date"])
        except ValueError as error:
            raise reader.error("simulation.start_date", str(error)) from None
    return NetworkState.latest()


@functools.cache
def _calibrated(start: DateLike | None, end: DateLike | None) -> Calibrated:
    return calibrate(start, end)


def _model(reader: _Reader, table: Any, component: str, start: NetworkState) -> Any:
    if table is None:
        return None
    where = f"simulation.{component}"
    models = _MODELS[component]
    if "model" not in table:
        raise reader.error(
            f"{where}.model", f"missing required key; expected one of {', '.join(models)}"
        )
    name = table["model"]
    if not isinstance(name, str) or name not in models:
        raise reader.error(
            f"{where}.model", f"got {_show(name)}; expected one of {', '.join(models)}"
        )
    schema, required, factory = models[name]
    body = {key: value for key, value in table.items() if key != "model"}
    values = reader.read(body, schema, where, required=required, extra=("model",))
    kwargs = _targets(values, schema)
    try:
        if name == "calibrated":
            fitted = _calibrated(kwargs.get("start"), kwargs.get("end"))
            return getattr(fitted, component)
        if component == "fees" and name == "constant":
            return fees.ConstantFees(kwargs.get("btc_per_block", start.fees_per_block))
        if component == "fees" and name == "stochastic":
            kwargs.setdefault("level", start.fees_per_block)
            return fees.StochasticFees(**kwargs)
        assert factory is not None  # the models without one are made above
        return factory(**kwargs)
    except ValueError as error:
        raise reader.error(where, str(error)) from None
