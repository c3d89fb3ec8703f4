"""Valuing a site the way miners, lenders and investors value it.

A site's cash flows come in two streams that carry different risks:
*merchant mining* (revenue moves with BTC price, fees and network
hashrate) and *contracted hosting* (rent fixed by a lease, part of it
guaranteed by a third party). A :class:`Valuation` says how each is valued:
its discount rate, what it is worth at the end (terminal value), whether
the hosting build is financed with project debt, and how income is taxed.
:func:`value_site` applies it to daily flows, vectorised over paths.

Conventions, stated once
------------------------
* **Days and discounting.** Day ``t = 0 .. n-1`` from the scenario's
  start; a flow on day ``t`` is discounted ``(1 + r) ** (-t / 365)`` at the
  annual effective rate ``r`` of its stream (:func:`minerecon.cashflow.npv`).
* **Streams and rates.** Mining flows (sales of mined BTC, energy, other
  opex, machine and site capex, resale, demand response) at
  ``mining_rate``. Hosting flows (rent, opex, power, the hall's capex) at
  ``hosting_rate``, except the part of the rent a guarantor pays whatever
  the tenant does (``backstop_share`` of the rent), at ``guarantor_rate``.
  A tenant default drawn on the path (or its survival probability) already
  takes the expected loss out of the flows; the rates carry the premium
  for bearing the risk, not the expected loss again.
* **Terminal value.** Hosting: the hall is worth ``hosting_exit_multiple``
  times its forward NOI when the lease ends, ``365 * NOI`` of the lease's
  last day grown by one year of the escalator (what a buyer of a leased
  data centre pays; the multiple prices the re-letting or renewal that
  follows). With ``renewal_probability`` ``p`` the tenant renews for
  ``renewal_years`` on the same terms with probability ``p``: the renewal's
  flows count ``p`` times, and the exit comes ``p`` times at the end of the
  renewal and ``1 - p`` times at the end of the term. Mining: the site is
  worth ``mining_exit_multiple`` times the operating cash flow of its last
  365 days (before capex and without the machines' resale; floored at 0;
  scaled to a year on a shorter horizon) on the horizon's last day.
  Terminal values are booked on their day; one falling after the last day
  of the valuation is discounted to that day at its stream's rate.
* **Tax** (``tax``, a :class:`~minerecon.tax.TaxPolicy`, or None for
  pre-tax values). Each stream is taxed on its own (a sum-of-the-parts
  view): income per tax year (365-day blocks from day 0) is the stream's
  cash flow before capex, less depreciation of its capex (machines and
  mining build-out on ``tax.mining_equipment``, the hall on
  ``tax.data_hall``), with losses carried forward; tax is paid on the last
  day of each tax year. A terminal value is taxed as a gain over the
  basis not yet depreciated. Losses of one stream do not shelter the
  other's income (consolidation would add a little value where mining
  loses money).
* **Financing** (``financing``, a :class:`~minerecon.financing.DebtTerms`,
  or None). Project debt funds ``loan_to_cost`` of the landlord's hosting
  capex as it is spent; completion is the day the IT load first reaches
  full load; what is outstanding on the last day is repaid from the exit.
  Values follow the adjusted-present-value rule: the unlevered value plus
  the financing's own value, its flows (draws, interest, principal, fees)
  and interest tax shield discounted at the loan's rate. At a market rate
  and without fees the loan itself is worth zero, so leverage adds only
  the tax shield; it changes the equity's IRR and risk, not the site's
  worth. Equity flows are the unlevered flows plus the debt's flows with
  interest deducted from taxable income.
* **IRR and payback.** The IRR of an option is the single rate at which
  :func:`minerecon.cashflow.npv` of its total unlevered after-tax daily
  flows is zero (the equity IRR likewise for the equity flows); the
  payback is :func:`minerecon.cashflow.payback_period` of those flows, the
  first day cumulative cash is >= 0, interpolated within the day.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, cast

import numpy as np

from minerecon import _contract, _parallel, cashflow
from minerecon._contract import check, check_count, check_scalar
from minerecon.financing import DebtSchedule, DebtTerms, debt_schedule
from minerecon.tax import DepreciationSchedule, TaxPolicy, yearly_sums
from minerecon.typing import ArrayLike, FloatArray
from minerecon.units import DAYS_PER_YEAR, MAX_YEARS

__all__ = [
    "COMPONENTS",
    "CONTRACTED_DEBT_RATE",
    "GUARANTOR_RATE",
    "HOSTING_EXIT_MULTIPLE",
    "HOSTING_RATE",
    "MINING_EXIT_MULTIPLE",
    "MINING_RATE",
    "RENEWAL_PROBABILITY",
    "HostingFlows",
    "MiningFlows",
    "SiteValue",
    "Valuation",
    "extension_years_offered",
    "value_site",
]

#: Parts of an option's value [USD], in the order of ``SiteValue.components``;
#: they add up to the equity value (the first five to the unlevered value).
COMPONENTS = ("mining", "hosting", "guarantee", "terminal", "tax", "financing")


# --------------------------------------------------------------------------
# Sourced values used by the two ready-made views
# --------------------------------------------------------------------------

#: Cost of Cipher Compute's 7.125 % senior secured notes due 2030 (Cipher 8-K,
#: 2025-11-13, grade A via secwatch/investing.com), the project debt of the
#: Barber Lake (Texas) hall leased to Fluidstack with a Google backstop: the
#: market's price of debt secured by such a lease. The coupon is paid
#: semi-annually, so the annual effective rate is (1 + 0.07125 / 2) ** 2 - 1.
CONTRACTED_DEBT_RATE = (1 + 0.07125 / 2) ** 2 - 1

#: Discount rate of contracted, partly backstopped hosting NOI [1/year]: the
#: 2025 senior secured notes on these leases priced at 7.125-8.0 % (Cipher
#: Compute, WULF Compute, Flash Compute; sources.md section 6b); an unlevered
#: asset rate sits at the top of that range. ASSUMPTION within a sourced range.
HOSTING_RATE = 0.08

#: Discount rate of rent a guarantor pays whatever the tenant does [1/year]:
#: Google (Alphabet, rated AA+) backstops part of the Fluidstack leases; its own
#: long bonds yield about 5 %. ASSUMPTION (no yield is in the sourced tables).
GUARANTOR_RATE = 0.055

#: Discount rate of merchant mining [1/year]: equity exposed to BTC price,
#: fees and network hashrate. ASSUMPTION: the cost of equity of a high-beta
#: commodity producer; public miners fund with 0 % convertibles whose yield
#: says nothing about it.
MINING_RATE = 0.15

#: Exit multiple of a leased hall's forward NOI [-]: VanEck (2025-2026) puts an
#: infrastructure multiple "in the mid-teens" on site NOI of about 1.5 M USD per
#: MW (sources.md section 6b, grade C/D); listed data-centre operators trade at
#: 20-25x EBITDA (grade D). The low end, 15x, for a hall at the end of its first
#: lease.
HOSTING_EXIT_MULTIPLE = 15.0

#: Exit multiple of mining cash flow [-]: listed miners trade at about 6-12x
#: EV/EBITDA (sources.md section 6b, grade D); the low end, 6x, for a site whose
#: machines are at the end of their life.
MINING_EXIT_MULTIPLE = 6.0

#: Probability the tenant exercises its extension options [-]. ASSUMPTION: the
#: options are the tenant's; none of the 2024-2025 leases has reached its term.
RENEWAL_PROBABILITY = 0.5


# --------------------------------------------------------------------------
# Conventions
# --------------------------------------------------------------------------


def _rate(name: str, value: object) -> float:
    return check_scalar(name, value, low=-1.0, low_open=True, unit="[1/year]")


@dataclasses.dataclass(frozen=True)
class Valuation:
    """How the cash flows of a site are valued.

    Parameters
    ----------
    mining_rate : float, default 0.10
        Discount rate of mining flows [1/year, annual effective], > -1,
        finite.
    hosting_rate : float, optional
        Discount rate of hosting flows [1/year], > -1; ``mining_rate`` if
        not given (one rate for everything).
    guarantor_rate : float, optional
        Discount rate of the backstopped share of the rent [1/year], > -1;
        ``hosting_rate`` if not given.
    hosting_exit_multiple : float, default 0
        Value of a leased hall when its lease ends, as a multiple of its
        forward annual NOI [-], >= 0; 0: worth nothing after its lease.
    renewal_probability : float, default 0
        Probability the tenant renews at the end of the term [-], in [0, 1].
    renewal_years : float, default 0
        Length of that renewal [year], >= 0 (see
        :func:`extension_years_offered` for a published deal's options).
    mining_exit_multiple : float, default 0
        Value of the mining site on the horizon's last day, as a multiple of
        its mining cash flow before capex over the last 365 days (floored
        at 0) [-], >= 0.
    financing : DebtTerms, optional
        Project debt on the landlord's hosting capex.
    tax : TaxPolicy, optional
        Income tax and depreciation; None values the flows before tax.
    name : str, default ""
        Label, e.g. ``"market"``.

    Examples
    --------
    >>> Valuation(0.10).rates
    {'mining': 0.1, 'hosting': 0.1, 'guarantee': 0.1}
    >>> Valuation.market().rates
    {'mining': 0.15, 'hosting': 0.08, 'guarantee': 0.055}
    """

    mining_rate: float = 0.10
    hosting_rate: float | None = None
    guarantor_rate: float | None = None
    hosting_exit_multiple: float = 0.0
    renewal_probability: float = 0.0
    renewal_years: float = 0.0
    mining_exit_multiple: float = 0.0
    financing: DebtTerms | None = None
    tax: TaxPolicy | None = None
    name: str = ""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "mining_rate", _rate("mining_rate", self.mining_rate))
        for name in ("hosting_rate", "guarantor_rate"):
            if getattr(self, name) is not None:
                set_(self, name, _rate(name, getattr(self, name)))
        for name in ("hosting_exit_multiple", "mining_exit_multiple"):
            set_(self, name, check_scalar(name, getattr(self, name), low=0.0))
        set_(
            self,
            "renewal_years",
            check_scalar("renewal_years", self.renewal_years, low=0.0, high=MAX_YEARS),
        )
        set_(
            self,
            "renewal_probability",
            check_scalar("renewal_probability", self.renewal_probability, low=0.0, high=1.0),
        )
        if self.financing is not None and not isinstance(self.financing, DebtTerms):
            raise ValueError(
                "financing must be a minerecon.financing.DebtTerms or None, "
                f"got {self.financing!r}"
            )
        if self.tax is not None and not isinstance(self.tax, TaxPolicy):
            raise ValueError(f"tax must be a minerecon.tax.TaxPolicy or None, got {self.tax!r}")

    def replace(self, **changes: Any) -> Valuation:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    @property
    def rates(self) -> dict[str, float]:
        """Discount rate of each stream [1/year]: mining, hosting, guarantee."""
        hosting = self.mining_rate if self.hosting_rate is None else self.hosting_rate
        guarantee = hosting if self.guarantor_rate is None else self.guarantor_rate
        return {"mining": self.mining_rate, "hosting": hosting, "guarantee": guarantee}

    @property
    def keeps_hall(self) -> bool:
        """True when the hall has value after its lease, so its MW never return to mining."""
        return self.hosting_exit_multiple > 0

    @classmethod
    def conservative(cls, rate: float = 0.10, **changes: Any) -> Valuation:
        """One rate for every stream, nothing after the lease, no debt.

        Parameters
        ----------
        rate : float, default 0.10
            The one discount rate [1/year], > -1.
        **changes
            Any other field; ``tax`` defaults to
            :class:`~minerecon.tax.TaxPolicy` (21 %, machines on 5-year MACRS
            with 100 % bonus, the hall on 39-year straight line), ``tax=None``
            values before tax.
        """
        rate = _rate("rate", rate)
        terms: dict[str, Any] = {"mining_rate": rate, "tax": TaxPolicy(), "name": "conservative"}
        return cls(**{**terms, **changes})

    @classmethod
    def market(cls, renewal_years: float = 10.0, **changes: Any) -> Valuation:
        """Rates per stream, an exit multiple, renewal options and project debt.

        Parameters
        ----------
        renewal_years : float, default 10
            Years of extension options (the Cipher and TeraWulf leases:
            2 x 5 years; see :func:`extension_years_offered`).
        **changes
            Any other field, e.g. ``tax=None`` for values before tax or
            ``financing=None`` for an unlevered view.

        Notes
        -----
        ``mining_rate`` :data:`MINING_RATE`, ``hosting_rate``
        :data:`HOSTING_RATE`, ``guarantor_rate`` :data:`GUARANTOR_RATE`,
        ``hosting_exit_multiple`` :data:`HOSTING_EXIT_MULTIPLE`,
        ``renewal_probability`` :data:`RENEWAL_PROBABILITY`,
        ``mining_exit_multiple`` :data:`MINING_EXIT_MULTIPLE`; debt: 70 %
        of the hall's capex at :data:`CONTRACTED_DEBT_RATE` (Cipher
        Compute's coupon), semi-annual, interest only until completion,
        then level instalments over a tenor of 11.5 years (the build and a
        10-year lease: ASSUMPTION, the 2030 notes refinanced on the same
        terms), :meth:`minerecon.financing.DebtTerms.from_2025_notes`
        otherwise; tax: :class:`~minerecon.tax.TaxPolicy` with the hall on
        15-year MACRS (electrical and mechanical plant after a
        cost-segregation study; ASSUMPTION) without bonus. Each constant's
        docstring gives its source or says it is an assumption.
        """
        terms = {
            "mining_rate": MINING_RATE,
            "hosting_rate": HOSTING_RATE,
            "guarantor_rate": GUARANTOR_RATE,
            "hosting_exit_multiple": HOSTING_EXIT_MULTIPLE,
            "renewal_probability": RENEWAL_PROBABILITY,
            "renewal_years": renewal_years,
            "mining_exit_multiple": MINING_EXIT_MULTIPLE,
            "financing": DebtTerms.from_2025_notes(
                rate=CONTRACTED_DEBT_RATE, tenor_years=11.5, loan_to_cost=0.70
            ),
            "tax": TaxPolicy(data_hall=DepreciationSchedule("macrs", 15)),
            "name": "market",
        }
        return cls(**{**terms, **changes})

    def describe(self) -> list[str]:
        """The conventions in words, one line each, with their values."""
        rates = self.rates
        lines = [
            f"discount rates: mining {rates['mining']:.2%}, hosting {rates['hosting']:.2%}, "
            f"guaranteed rent {rates['guarantee']:.2%} (annual effective, daily discounting)"
        ]
        if self.hosting_exit_multiple > 0:
            lines.append(
                f"hall at the end of its lease: {self.hosting_exit_multiple:g}x forward NOI"
            )
        else:
            lines.append("hall at the end of its lease: no value (the MW go back to mining)")
        if self.renewal_probability > 0 and self.renewal_years > 0:
            lines.append(
                f"renewal: {self.renewal_years:g} years with probability "
                f"{self.renewal_probability:.0%}"
            )
        lines.append(
            f"mining site at the horizon: {self.mining_exit_multiple:g}x the last year's "
            "cash flow before capex"
            if self.mining_exit_multiple > 0
            else "mining site at the horizon: no value beyond the machines' resale"
        )
        if self.financing is None:
            lines.append("financing: none (all equity)")
        else:
            debt = self.financing
            grace = ", interest only until completion" * debt.interest_only_until_completion
            lines.append(
                f"financing: {debt.loan_to_cost:.0%} of the hall's capex at {debt.rate:.3%} a "
                f"year (annual effective), {debt.tenor_years:g}-year tenor, "
                f"{debt.amortisation} amortisation{grace}"
            )
        if self.tax is None:
            lines.append("tax: none (pre-tax values)")
        else:
            policy = self.tax
            lines.append(
                f"tax: {policy.rate:.0%}, losses carried forward (at most "
                f"{policy.nol_limit:.0%} of a year's income), machines "
                f"{_schedule_text(policy.mining_equipment)}, hall "
                f"{_schedule_text(policy.data_hall)}"
            )
        return lines


def _schedule_text(schedule: DepreciationSchedule) -> str:
    method = "straight line"
    if schedule.method == "macrs":
        real_property = schedule.recovery_years in (27.5, 39)
        method = "straight line (MACRS, mid-month)" if real_property else "MACRS"
    bonus = f" with {schedule.bonus:.0%} bonus" if schedule.bonus > 0 else ""
    return f"{schedule.recovery_years:g}-year {method}{bonus}"


def extension_years_offered(options: object) -> float:
    """Years of extension a deal's ``extension_options`` text offers.

    Parameters
    ----------
    options : str or None
        As in ``ai_deals.csv``, e.g. ``"2x5y (to ~$7B)"``; anything else
        (None, a missing value) offers none.

    Returns
    -------
    float
        ``n * m`` for ``"NxMy"``; 0 when none is published or the text
        gives no count.

    Examples
    --------
    >>> extension_years_offered("2x5y (to ~$7B)"), extension_years_offered("3x5y")
    (10.0, 15.0)
    >>> extension_years_offered(None)
    0.0
    """
    if not isinstance(options, str):
        return 0.0
    found = re.search(r"(\d+)\s*x\s*(\d+(?:\.\d+)?)\s*y", options)
    return float(found.group(1)) * float(found.group(2)) if found else 0.0


# --------------------------------------------------------------------------
# Flows in, values out
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MiningFlows:
    """Daily mining flows of one option.

    Every array is checked on construction (finite, on the days of ``cash``)
    and kept as floats; a bad one raises ``ValueError`` naming it.

    Attributes
    ----------
    cash : numpy.ndarray
        Cash flow [USD/day], shape ``(paths, days)`` with at least one day,
        capex included.
    capex : numpy.ndarray
        Machine and mining build-out spending [USD/day], ``>= 0``, shape
        ``(days,)``.
    other : numpy.ndarray, optional
        Flows in ``cash`` that are neither capex nor operating, such as the
        resale of machines on the last day [USD/day], shape ``(days,)``;
        left out of the cash flow a mining exit multiple applies to.
    """

    cash: np.ndarray
    capex: np.ndarray
    other: np.ndarray | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "cash", _daily("cash", self.cash, ndim=2))
        days = self.cash.shape[-1]
        set_(self, "capex", _daily("capex", self.capex, ndim=1, days=days, low=0.0))
        if self.other is not None:
            set_(self, "other", _daily("other", self.other, ndim=1, days=days))


@dataclasses.dataclass(frozen=True)
class HostingFlows:
    """Daily flows of one hosting contract, already placed on the site's days.

    Checked on construction as :class:`MiningFlows`.

    Attributes
    ----------
    cash : numpy.ndarray
        Cash flow [USD/day], shape ``(paths, days)`` with at least one day,
        capex included.
    guaranteed : numpy.ndarray
        The rent a guarantor pays whatever the tenant does [USD/day],
        included in ``cash``; shape ``(days,)``.
    capex : numpy.ndarray
        The landlord's capex [USD/day], ``>= 0``, shape ``(days,)``.
    exits : tuple of (int, float, numpy.ndarray)
        Where the hall may be sold: ``(day, probability, forward NOI per
        path [USD/year])``, day >= 0, probability in [0, 1].
    completion_day : int
        First day of full IT load (the end of construction for the debt),
        >= 0.
    """

    cash: np.ndarray
    guaranteed: np.ndarray
    capex: np.ndarray
    exits: tuple[tuple[int, float, np.ndarray], ...]
    completion_day: int

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "cash", _daily("cash", self.cash, ndim=2))
        days = self.cash.shape[-1]
        set_(self, "guaranteed", _daily("guaranteed", self.guaranteed, ndim=1, days=days))
        set_(self, "capex", _daily("capex", self.capex, ndim=1, days=days, low=0.0))
        set_(self, "exits", _exits(self.exits))
        set_(self, "completion_day", check_count("completion_day", self.completion_day, low=0))


@dataclasses.dataclass(frozen=True)
class _ScaledMining:
    """Mining flows ``cash = operating * scale + fixed`` kept in their factors.

    The values of an option need sums of ``cash`` only (discounted, by tax
    year, over the last year): each is a product with ``operating`` and a
    vector, so no paths x days array is built per option. For checked,
    internal inputs; ``cash`` builds the product when the daily flows are
    wanted.
    """

    operating: np.ndarray  # (paths, days)
    scale: np.ndarray  # (days,)
    fixed: np.ndarray  # (days,)
    capex: np.ndarray
    other: np.ndarray | None

    @property
    def cash(self) -> np.ndarray:
        cash = self.operating * self.scale
        cash += self.fixed
        return cash


@dataclasses.dataclass(frozen=True)
class _ScaledHosting:
    """Hosting flows ``cash = base + gain * alive + lump on the last day``, in factors.

    ``alive`` is 1 on the site's days before ``ends`` (per path: the tenant's
    default, or the horizon) and 0 after, so sums of ``cash`` are cumulative
    sums read at ``ends``: no paths x days array. Internal, checked inputs;
    the other fields are those of :class:`HostingFlows`.
    """

    base: np.ndarray  # (days,)
    gain: np.ndarray  # (days,)
    ends: np.ndarray  # (paths,) int
    lump: np.ndarray  # (paths,)
    guaranteed: np.ndarray
    capex: np.ndarray
    exits: tuple[tuple[int, float, np.ndarray], ...]
    completion_day: int

    @property
    def cash(self) -> np.ndarray:
        alive = np.arange(self.base.size) < self.ends[:, None]
        cash = self.base + self.gain * alive
        cash[:, -1] += self.lump
        return cash


def _hosting_dot(hosting: HostingFlows | _ScaledHosting, weights: np.ndarray) -> np.ndarray:
    """``hosting.cash @ weights`` [USD per path, or one value for every path]."""
    if not isinstance(hosting, _ScaledHosting):
        return hosting.cash @ weights
    cumulative = np.concatenate([[0.0], np.cumsum(hosting.gain * weights)])
    return hosting.base @ weights + cumulative[hosting.ends] + hosting.lump * weights[-1]


def _hosting_yearly(hosting: HostingFlows | _ScaledHosting) -> np.ndarray:
    """``yearly_sums(hosting.cash)`` [USD per path, or one row, and tax year]."""
    if not isinstance(hosting, _ScaledHosting):
        return yearly_sums(hosting.cash)
    n_days = hosting.base.size
    starts = np.arange(0, n_days, DAYS_PER_YEAR)
    stops = np.minimum(starts + DAYS_PER_YEAR, n_days)
    cumulative = np.concatenate([[0.0], np.cumsum(hosting.gain)])
    alive_end = np.clip(hosting.ends[:, None], starts, stops)
    yearly = yearly_sums(hosting.base) + cumulative[alive_end] - cumulative[starts]
    yearly[:, -1] += hosting.lump
    return yearly


def _cash_shape(mining: MiningFlows | _ScaledMining) -> tuple[int, int]:
    return (mining.operating if isinstance(mining, _ScaledMining) else mining.cash).shape


def _cash_dot(mining: MiningFlows | _ScaledMining, weights: np.ndarray) -> np.ndarray:
    """``mining.cash @ weights`` [USD per path]."""
    if isinstance(mining, _ScaledMining):
        return mining.operating @ (mining.scale * weights) + mining.fixed @ weights
    return mining.cash @ weights


def _cash_yearly(mining: MiningFlows | _ScaledMining) -> np.ndarray:
    """``yearly_sums(mining.cash)`` [USD per path and tax year]."""
    if not isinstance(mining, _ScaledMining):
        return yearly_sums(mining.cash)
    n_days = mining.scale.shape[0]
    years = np.arange(n_days) // DAYS_PER_YEAR
    weights = np.zeros((n_days, years[-1] + 1))
    weights[np.arange(n_days), years] = mining.scale
    return mining.operating @ weights + yearly_sums(mining.fixed)


def _cash_last(mining: MiningFlows | _ScaledMining, days: int) -> np.ndarray:
    """``mining.cash[:, -days:].sum(axis=1)`` [USD per path]."""
    if isinstance(mining, _ScaledMining):
        return mining.operating[:, -days:] @ mining.scale[-days:] + mining.fixed[-days:].sum()
    return mining.cash[:, -days:].sum(axis=1)


def _daily(
    name: str, value: ArrayLike, *, ndim: int, days: int | None = None, low: float | None = None
) -> np.ndarray:
    """A finite float array of daily flows: ``(paths, days)`` or ``(days,)``."""
    values = np.asarray(_contract._values(check(name, value, low=low, unit="[USD/day]")))
    values = values.astype(float, copy=False)
    shape = "(paths, days)" if ndim == 2 else "(days,)"
    if values.ndim != ndim or values.shape[-1] == 0:
        raise ValueError(f"{name} must be an array of shape {shape}, got shape {values.shape}")
    if days is not None and values.shape[-1] != days:
        raise ValueError(
            f"{name} must have one value per day of cash ({days} days), "
            f"got {values.shape[-1]} days"
        )
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(
            f"{name} must be finite, got {values[bad].flat[0]}{_contract._where(values, bad)}"
        )
    return values


def _exits(exits: object) -> tuple[tuple[int, float, np.ndarray], ...]:
    usage = "exits must be a tuple of (day, probability, forward NOI per path)"
    if isinstance(exits, str | bytes) or not isinstance(exits, tuple | list):
        raise ValueError(f"{usage}, got {exits!r}")
    out = []
    for i, item in enumerate(exits):
        if not isinstance(item, tuple | list) or len(item) != 3:
            raise ValueError(f"{usage}, got exits[{i}] = {item!r}")
        day, probability, noi = item
        day = check_count(f"exits[{i}] day", day, low=0, unit="[day]")
        probability = check_scalar(f"exits[{i}] probability", probability, low=0.0, high=1.0)
        noi = np.asarray(_contract._values(check(f"exits[{i}] forward NOI", noi)), dtype=float)
        if noi.ndim > 1 or not np.isfinite(noi).all():
            raise ValueError(f"exits[{i}] forward NOI must be finite, one per path, got {noi!r}")
        out.append((day, probability, noi))
    return tuple(out)


@dataclasses.dataclass(frozen=True)
class _FlowParts:
    """The daily flows of an option valued without them, kept in their factors.

    ``flows`` would be the mining and hosting cash plus ``points`` (each with
    its sign); the equity's adds the debt's cash flow and the tax shield.
    """

    mining: _ScaledMining
    hosting: _ScaledHosting | None
    points: tuple[tuple[_Points, float], ...]
    debt: np.ndarray | None = None
    shield: _Points | None = None


def _daily_metrics(
    parts: _FlowParts, month_starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """IRR, equity IRR, payback [day] and monthly sums of an option's daily flows.

    As :meth:`SiteValue.irr`, :meth:`SiteValue.equity_irr`,
    :meth:`SiteValue.payback_days` and ``numpy.add.reduceat(flows,
    month_starts, axis=1)``, one path at a time: no array of paths x days.
    """
    mining, hosting = parts.mining, parts.hosting
    paths, n_days = mining.operating.shape
    zeros = np.zeros(n_days)
    if hosting is None:
        base, gain, ends, lump = zeros, zeros, np.zeros(paths, dtype=np.int64), np.zeros(paths)
    else:
        base, gain, lump = hosting.base, hosting.gain, np.ascontiguousarray(hosting.lump)
        ends = hosting.ends.astype(np.int64)

    def packed(points: list[tuple[_Points, float]]) -> tuple[np.ndarray, np.ndarray]:
        days = [day for part, _ in points for day in part.at]
        values = [sign * value for part, sign in points for value in part.at.values()]
        return (
            np.array(days, dtype=np.int64),
            np.ascontiguousarray(np.array(values).T.reshape(paths, len(days))),
        )

    point_days, point_values = packed(list(parts.points))
    if parts.debt is None:
        equity_flow, (equity_days, equity_values) = np.empty(0), packed([])
    else:
        equity_flow = parts.debt
        equity_days, equity_values = packed([] if parts.shield is None else [(parts.shield, 1.0)])
    month_starts = np.asarray(month_starts, dtype=np.int64)
    out = [np.empty(paths) for _ in range(3)] + [np.empty((paths, month_starts.size))]

    def run(start: int, stop: int) -> None:
        cashflow._factored_rows(
            mining.operating[start:stop],
            mining.scale,
            mining.fixed,
            base,
            gain,
            ends[start:stop],
            lump[start:stop],
            point_days,
            point_values[start:stop],
            equity_flow,
            equity_days,
            equity_values[start:stop],
            month_starts,
            float(DAYS_PER_YEAR),
            cashflow._IRR_GRID,
            *(array[start:stop] for array in out),
        )

    _parallel.over_rows(run, paths)
    return out[0], out[1], out[2], out[3]


@dataclasses.dataclass(frozen=True)
class SiteValue:
    """Values of one option on every path (:func:`value_site`).

    Attributes
    ----------
    components : dict of numpy.ndarray
        Each of :data:`COMPONENTS` per path [USD].
    npv : numpy.ndarray
        Unlevered after-tax value per path [USD]: the sum of the first five
        components.
    equity_npv : numpy.ndarray
        ``npv`` plus the financing component [USD].
    flows : numpy.ndarray
        Unlevered after-tax cash flows [USD/day], shape ``(paths, days)``,
        terminal values included on their day.
    equity_flows : numpy.ndarray
        Flows to equity [USD/day]: ``flows`` plus the debt's flows and the
        interest tax shield.
    dscr : numpy.ndarray
        Hosting cash flow after tax over scheduled debt service per tax
        year [-], shape ``(paths, years)``; nan without financing and in
        years that start before completion, inf in years without debt
        service. A balance repaid on the last day because the loan outlasts
        the horizon is paid from the exit and not counted.
    """

    components: dict[str, FloatArray]
    npv: FloatArray
    equity_npv: FloatArray
    flows: FloatArray
    equity_flows: FloatArray
    dscr: FloatArray
    _parts: _FlowParts | None = dataclasses.field(default=None, repr=False)

    def irr(self) -> FloatArray:
        """IRR of ``flows`` per path [1/year]: the rate at which their NPV is zero.

        nan where there is no investment to earn a return on (the first
        non-zero flow is an inflow, e.g. machines already owned) or no root.
        """
        return _investment_irr(self.flows)

    def equity_irr(self) -> FloatArray:
        """IRR of ``equity_flows`` per path [1/year], as ``irr``."""
        return _investment_irr(self.equity_flows)

    def payback_days(self) -> FloatArray:
        """Days until cumulative ``flows`` first turn non-negative (inf: never) [day]."""
        # One payback per path of the (paths, days) flows: an array.
        return cast("FloatArray", cashflow.payback_period(self.flows))


def _investment_irr(flows: np.ndarray) -> FloatArray:
    rates = cashflow.irr(flows, periods_per_year=DAYS_PER_YEAR)
    first = np.take_along_axis(flows, np.argmax(flows != 0, axis=-1)[:, None], axis=-1)[:, 0]
    return np.where(first < 0, rates, np.nan)


class _Points:
    """Flows on a few days only (tax payments, exits): day -> USD per path."""

    def __init__(self, paths: int) -> None:
        self.paths = paths
        self.at: dict[int, np.ndarray] = {}

    def add(self, day: int, value: ArrayLike) -> None:
        self.at[day] = self.at.get(day, 0.0) + np.broadcast_to(value, (self.paths,))

    def pv(self, rate: float) -> np.ndarray:
        out = np.zeros(self.paths)
        for day, value in self.at.items():
            out = out + value * _discount(rate, day)
        return out

    def total(self) -> np.ndarray:
        return sum(self.at.values(), np.zeros(self.paths))

    def into(self, dense: np.ndarray, sign: float = 1.0) -> None:
        for day, value in self.at.items():
            dense[:, day] += sign * value

    def minus(self, other: _Points) -> _Points:
        out = _Points(self.paths)
        for day, value in self.at.items():
            out.add(day, value)
        for day, value in other.at.items():
            out.add(day, -value)
        return out


def _discount(rate: float, days: int) -> float:
    """``(1 + rate) ** (-days / 365)``; inf rather than an exception past the float range."""
    with np.errstate(over="ignore"):
        return float(np.power(1.0 + rate, -days / DAYS_PER_YEAR))


def _tax_paid(
    income: np.ndarray,
    capex: np.ndarray,
    n_days: int,
    schedule: DepreciationSchedule,
    policy: TaxPolicy,
) -> tuple[_Points, np.ndarray, float]:
    """Tax of each tax year (paid on its last day) from yearly income before depreciation.

    Returns the payments, the tax per year and the basis left undepreciated.
    """
    capex_by_year = yearly_sums(capex)
    paid = np.asarray(policy.income_tax(income - schedule.apply(capex_by_year)).tax)
    points = _Points(income.shape[0])
    for year in range(paid.shape[-1]):
        points.add(min((year + 1) * DAYS_PER_YEAR, n_days) - 1, paid[:, year])
    basis = float(np.asarray(schedule.remaining_basis(capex_by_year))[..., -1])
    return points, paid, basis


def _dscr(
    hosting: HostingFlows | _ScaledHosting,
    income: np.ndarray,
    yearly_tax: np.ndarray,
    debt: DebtSchedule,
) -> np.ndarray:
    """Cash flow after tax over scheduled debt service, per tax year in operation.

    Years that start before completion are nan (interest is then paid from the
    equity and the loan, not from operations); a balance repaid on the last day
    because the loan outlasts the horizon is paid from the exit, not counted.
    """
    n_days = debt.debt_service.shape[-1]
    service = debt.debt_service.copy()
    if debt.maturity_day > n_days - 1:
        service[-1] -= debt.principal[-1]
    cfads = income - yearly_tax
    service = yearly_sums(service)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(service > 0, cfads / np.where(service > 0, service, 1.0), np.inf)
    starts = np.arange(ratio.shape[-1]) * DAYS_PER_YEAR
    return np.where(starts >= hosting.completion_day, ratio, np.nan)


def _check_inputs(mining: Any, hosting: Any, valuation: Any) -> None:
    for name, value, cls in (
        ("mining", mining, MiningFlows),
        ("hosting", hosting, HostingFlows),
        ("valuation", valuation, Valuation),
    ):
        if not isinstance(value, cls) and not (name == "hosting" and value is None):
            optional = " or None" if name == "hosting" else ""
            raise ValueError(
                f"{name} must be a minerecon.valuation.{cls.__name__}{optional}, "
                f"got {type(value).__name__}"
            )
    if hosting is None:
        return
    paths, days = mining.cash.shape
    if hosting.cash.shape[-1] != days or hosting.cash.shape[0] not in (1, paths):
        raise ValueError(
            f"hosting must be on the days and paths of mining: hosting.cash has shape "
            f"{hosting.cash.shape}, mining.cash {mining.cash.shape}"
        )
    for day, _, noi in hosting.exits:
        if noi.size not in (1, paths):
            raise ValueError(
                f"hosting exits must give one forward NOI or one per path ({paths}), got "
                f"{noi.size} for the exit on day {day}"
            )


def _pv(flows: np.ndarray, rate: float) -> np.ndarray:
    return flows @ cashflow.discount_factors(flows.shape[-1], rate)


def value_site(
    mining: MiningFlows,
    hosting: HostingFlows | None,
    valuation: Valuation,
) -> SiteValue:
    """Value one option of a site on every path.

    Parameters
    ----------
    mining : MiningFlows
        The option's mining flows (zero where it does not mine).
    hosting : HostingFlows or None
        The hosting contract's flows on the site's days (the days of
        ``mining``, and its paths or one), None for pure mining.
    valuation : Valuation
        Rates, terminal values, financing and tax.

    Returns
    -------
    SiteValue
        Values per path; ``inf`` where a discount factor exceeds the range of
        a float (a rate close to -1 over a long span, such as an exit far
        beyond the horizon).

    Raises
    ------
    ValueError
        When an argument has the wrong type, or ``hosting`` is not on the
        days and paths of ``mining``.

    Notes
    -----
    With ``D_r(x) = sum_t x_t (1 + r) ** (-t / 365)``, mining flows ``m``,
    hosting flows ``h`` of which ``g`` guaranteed, terminal values ``V``
    (mining, hosting), taxes ``T`` (mining, hosting, unlevered), and debt
    flows ``b`` with interest tax shield ``s`` at the loan's rate ``r_d``:

    ``NPV = D_rm(m) + D_rh(h - g) + D_rg(g) + D_rm(V_m) + D_rh(V_h)
    - D_rm(T_m) - D_rh(T_h)`` and ``equity NPV = NPV + D_rd(b + s)``.

    The module docstring states each convention. See
    :doc:`/user_guide/valuing_a_site` for a worked reconciliation.
    """
    _check_inputs(mining, hosting, valuation)
    return _value_site(mining, hosting, valuation, daily=True)


def _value_site(
    mining: MiningFlows | _ScaledMining,
    hosting: HostingFlows | _ScaledHosting | None,
    valuation: Valuation,
    *,
    daily: bool,
) -> SiteValue:
    """:func:`value_site` on checked inputs; without ``daily`` only the values.

    The daily ``flows`` and ``equity_flows`` (two more arrays of paths x days)
    are then None, and kept in their factors (``_parts``, for
    :func:`_daily_metrics`) when the contract's flows are too.
    """
    rates = valuation.rates
    policy = valuation.tax
    paths, n_days = _cash_shape(mining)
    last = n_days - 1
    # Mining terminal value: a multiple of the last year's cash flow before capex.
    terminal = {"mining": _Points(paths), "hosting": _Points(paths)}
    year_span = min(DAYS_PER_YEAR, n_days)
    other = 0.0 if mining.other is None else mining.other[-year_span:].sum()
    last_year = _cash_last(mining, year_span) + mining.capex[-year_span:].sum() - other
    last_year = last_year * DAYS_PER_YEAR / year_span  # a year's worth on short horizons
    if valuation.mining_exit_multiple > 0:
        terminal["mining"].add(last, valuation.mining_exit_multiple * np.maximum(last_year, 0.0))
    guaranteed = np.zeros(n_days) if hosting is None else hosting.guaranteed
    hosting_capex = np.zeros(n_days) if hosting is None else hosting.capex
    if hosting is not None and valuation.hosting_exit_multiple > 0:
        for day, probability, forward_noi in hosting.exits:
            value = probability * valuation.hosting_exit_multiple * forward_noi
            if day > last:  # after the valuation's last day: discount to it
                value = value * _discount(rates["hosting"], day - last)
                day = last
            terminal["hosting"].add(day, value)
    taxes = {"mining": _Points(paths), "hosting": _Points(paths)}
    levered_tax = taxes["hosting"]
    yearly_hosting_tax = np.zeros((paths, -(-n_days // DAYS_PER_YEAR)))
    debt = None
    if hosting is not None and valuation.financing is not None and hosting_capex.any():
        debt = debt_schedule(hosting_capex, hosting.completion_day, valuation.financing)
    n_years = -(-n_days // DAYS_PER_YEAR)
    hosting_income = (
        np.zeros((paths, n_years))
        if hosting is None
        else _hosting_yearly(hosting) + yearly_sums(hosting_capex)
    )
    if policy is not None:
        mining_income = _cash_yearly(mining) + yearly_sums(mining.capex)
        taxes["mining"], _, basis = _tax_paid(
            mining_income, mining.capex, n_days, policy.mining_equipment, policy
        )
        gain = np.maximum(terminal["mining"].total() - basis, 0.0)
        taxes["mining"].add(last, policy.rate * gain)
        if hosting is not None:
            taxes["hosting"], yearly_hosting_tax, basis = _tax_paid(
                hosting_income, hosting_capex, n_days, policy.data_hall, policy
            )
            exit_tax = policy.rate * np.maximum(terminal["hosting"].total() - basis, 0.0)
            taxes["hosting"].add(last, exit_tax)
            levered_tax = taxes["hosting"]
            if debt is not None:
                interest = yearly_sums(debt.interest + debt.fee)
                levered_tax, yearly_hosting_tax, _ = _tax_paid(
                    hosting_income - interest, hosting_capex, n_days, policy.data_hall, policy
                )
                levered_tax.add(last, exit_tax)
    discount = {name: cashflow.discount_factors(n_days, rate) for name, rate in rates.items()}
    hosting_pv = (
        np.zeros(paths)
        if hosting is None
        else np.broadcast_to(_hosting_dot(hosting, discount["hosting"]), (paths,))
        - guaranteed @ discount["hosting"]
    )
    components = {
        "mining": _cash_dot(mining, discount["mining"]),
        "hosting": hosting_pv,
        "guarantee": np.full(paths, guaranteed @ discount["guarantee"]),
        "terminal": terminal["mining"].pv(rates["mining"])
        + terminal["hosting"].pv(rates["hosting"]),
        "tax": -taxes["mining"].pv(rates["mining"]) - taxes["hosting"].pv(rates["hosting"]),
        "financing": np.zeros(paths),
    }
    points = (
        (terminal["mining"], 1.0),
        (terminal["hosting"], 1.0),
        (taxes["mining"], -1.0),
        (taxes["hosting"], -1.0),
    )
    flows = equity_flows = parts = None
    if daily:
        flows = mining.cash.copy() if hosting is None else mining.cash + hosting.cash
        for part, sign in points:
            part.into(flows, sign)
        equity_flows = flows
    elif not isinstance(hosting, HostingFlows):  # an expected tenant's row stays dense
        assert isinstance(mining, _ScaledMining)  # only factored flows are valued without days
        parts = _FlowParts(mining, hosting, points)
    dscr = np.full(yearly_hosting_tax.shape, np.nan)
    if debt is not None:
        assert hosting is not None and valuation.financing is not None  # there is debt
        shield = taxes["hosting"].minus(levered_tax)
        components["financing"] = debt.cash_flow @ cashflow.discount_factors(
            n_days, valuation.financing.rate
        ) + shield.pv(valuation.financing.rate)
        if flows is not None:  # daily
            equity_flows = flows + debt.cash_flow
            shield.into(equity_flows)
        elif parts is not None:
            parts = dataclasses.replace(parts, debt=debt.cash_flow, shield=shield)
        dscr = _dscr(hosting, hosting_income, yearly_hosting_tax, debt)
    npv = sum(components[name] for name in COMPONENTS[:5])
    return SiteValue(
        components=components,
        npv=npv,
        equity_npv=npv + components["financing"],
        # None only without daily flows, for the internal factored values (_parts).
        flows=cast("FloatArray", flows),
        equity_flows=cast("FloatArray", equity_flows),
        dscr=dscr,
        _parts=parts,
    )
