"""Site scenarios: split a site's power between mining and AI/HPC hosting.

A :class:`Site` has grid capacity, a mining fleet and its costs. A
:class:`Split` gives a share of that capacity to a tenant under a hosting
contract (:class:`~minerecon.hosting.ColocationLease` or
:class:`~minerecon.hosting.GpuCloud`). :func:`compare` values pure mining
and each split on the same simulated BTC price, fee and hashrate paths.

How a split changes the site, day by day
----------------------------------------
* The tenant's IT load ramps in after the build lag; it takes
  ``gross_to_it`` MW of site power per MW of IT.
* Mining keeps the power the tenant does not (yet) take: with ``A_t`` the
  site MW not taken on day ``t`` and ``F_t`` the MW the machines still
  alive that day need (nameplate power with PUE, :attr:`Site.fleet_mw`
  shrunk by failures), the fleet runs at ``s_t = min(1, A_t / F_t)`` of
  its surviving size: surviving machines use free power first, mining
  continues on converted power until the AI load arrives
  (``Split.backfill``), and again after the lease when the hall has no
  value after it. Machines displaced by the conversion stand idle (their
  capex, if any, is in the fleet's deployments; their other opex is not
  paid). After a tenant default the hall stands empty: mining does not
  resume on it.
* Demand-response revenue is earned per MW of mining load,
  ``min(F_t, A_t)``, so the converted share gives it up.
* Mining build-out capex (``Site.mining_capex_per_mw``) is paid on day 0
  for the MW that mine from the start: the fleet's MW, at most the site's
  MW left after a conversion decided on day 0, or at most the site's MW
  when the conversion is decided later (those MW mine until then).
* The hosting contract's own cash flows (rent, opex, landlord capex spread
  over the build, power if not passed through, tenant default with a
  guarantor backstop) add on, from the day of the decision
  (``Split.decision``).
* Each option is valued by :func:`minerecon.valuation.value_site`: rates
  per stream, terminal values, project debt and tax as the
  :class:`~minerecon.valuation.Valuation` says (one rate, before tax, by
  default).

With one rate, before tax and without terminal values, the NPV of a split
is linear in the split fraction whenever the fleet fills the site and no
machine fails, because every mining flow scales with the fleet at work and
every hosting flow with the IT MW. With a lease rate of zero a split
cannot beat pure mining as long as mining's daily cash flow is not
negative (the engine switches loss-making machines off, so only per-TH
fixed costs, ``other_opex``, can make it negative).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, SupportsInt, cast

import numpy as np
import pandas as pd
import xarray as xr

from minerecon import _random, cashflow, risk
from minerecon._contract import _short, check, check_count, check_scalar
from minerecon.hardware import Deployment, Fleet, Miner, deployments
from minerecon.hosting import ColocationLease, GpuCloud
from minerecon.projection import (
    MONTHLY,
    MiningScenario,
    SimulationResult,
    _daily_cash_flows,
    _daily_power_price,
    _miner,
    _start,
    default_market,
    fleet_schedule,
    simulate,
)
from minerecon.typing import ArrayLike, DateLike, FloatArray, SeedLike
from minerecon.units import DAYS_PER_YEAR, W_PER_MW, hashprice_to_ph_day
from minerecon.valuation import (
    COMPONENTS,
    HostingFlows,
    SiteValue,
    Valuation,
    _daily_metrics,
    _FlowParts,
    _ScaledHosting,
    _ScaledMining,
    _value_site,
)

if TYPE_CHECKING:
    from minerecon.fees import FeePath

__all__ = [
    "Site",
    "SiteComparison",
    "Split",
    "compare",
    "default_scenario",
    "optimal_split",
]


@dataclasses.dataclass(frozen=True)
class Site:
    """A mining site: grid capacity, machines and costs.

    Parameters
    ----------
    gross_mw : float
        Power the site can draw from the grid [MW], > 0.
    fleet : Fleet, Deployment or sequence of Deployment
        The mining machines (their capex as given; zero for machines owned).
    power_price : float or sequence, default 0.05
        Price of electricity (PPA) [USD/kWh], constant or one value per day;
        the adder on top of the market price when the comparison's scenario
        has a ``power_market`` (hourly prices).
    power_price_escalation : float, default 0
        Annual escalation of the power price [1/year].
    mining_pue : float, default 1.05
        Facility power over machine power for mining [-].
    pool_fee : float, default 0
        FPPS pool fee [-].
    demand_response : float, default 0
        Curtailment / demand-response revenue per MW of mining load
        [USD per MW-year].
    mining_capex_per_mw : float, default 0
        Mining infrastructure capex per MW, paid on day 0 for the MW that
        mine from the start: the fleet's MW, at most the site's MW left after
        a conversion decided on day 0, or at most the site's MW when it is
        decided later [USD/MW].
    name : str, default ""
        Label.

    Examples
    --------
    >>> from minerecon.hardware import Deployment
    >>> site = Site(gross_mw=4.0, fleet=Deployment("Antminer S21 XP", 1000))
    >>> round(site.fleet_mw, 4)          # 1000 * 3,645 W * PUE 1.05
    3.8272
    """

    gross_mw: float
    fleet: Fleet | Deployment | Sequence[Deployment]
    power_price: ArrayLike = 0.05
    power_price_escalation: float = 0.0
    mining_pue: float = 1.05
    pool_fee: float = 0.0
    demand_response: float = 0.0
    mining_capex_per_mw: float = 0.0
    name: str = ""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(
            self,
            "gross_mw",
            check_scalar("gross_mw", self.gross_mw, low=0, low_open=True, unit="[MW]"),
        )
        set_(self, "fleet", deployments(self.fleet))
        check("power_price", self.power_price, low=0, unit="[USD/kWh]")
        for name, bounds in (
            ("power_price_escalation", {"low": -1, "unit": "[1/year]"}),
            ("mining_pue", {"low": 1.0}),
            ("pool_fee", {"low": 0, "high": 1, "high_open": True}),
            ("demand_response", {"low": 0, "unit": "[USD/MW/year]"}),
            ("mining_capex_per_mw", {"low": 0, "unit": "[USD/MW]"}),
        ):
            set_(self, name, check_scalar(name, getattr(self, name), **bounds))

    @property
    def fleet_mw(self) -> float:
        """Site power the whole fleet needs at full size, PUE included [MW].

        Nameplate power (``count * power``): the site must carry it while
        the machines are up, whatever their average ``uptime``.
        """
        watts = sum(d.count * _miner(d).power for d in _deployments(self))
        return watts * self.mining_pue / W_PER_MW

    @classmethod
    def filled(
        cls,
        gross_mw: float,
        machine: Miner | str | Deployment,
        *,
        mining_pue: float = 1.05,
        **fields: Any,
    ) -> Site:
        """A site of ``gross_mw`` filled with as many machines of one model as fit.

        Parameters
        ----------
        gross_mw : float
            Power the site can draw [MW], > 0.
        machine : Miner, str or Deployment
            The model (a catalogue name is looked up), or a Deployment whose
            terms (capex, delivery, degradation, ...) every machine gets; its
            count is replaced.
        mining_pue : float, default 1.05
            Facility power over machine power [-], >= 1.
        **fields
            The other fields of :class:`Site` (``power_price``, ``name``, ...).

        Returns
        -------
        Site
            With ``floor(gross_mw * 1e6 / (mining_pue * power))`` machines at
            nameplate power: ``fleet_mw <= gross_mw``, and one more would not
            fit.

        Examples
        --------
        >>> site = Site.filled(4.0, "Antminer S21 XP")   # 4e6 / (1.05 * 3,645 W)
        >>> site.fleet[0].count, round(site.fleet_mw, 4)
        (1045, 3.9995)
        """
        if isinstance(machine, Deployment):
            template = machine
        else:
            template = Deployment(machine, 0)
        gross_mw = check_scalar("gross_mw", gross_mw, low=0, low_open=True, unit="[MW]")
        mining_pue = check_scalar("mining_pue", mining_pue, low=1.0)
        per_machine_mw = mining_pue * _miner(template).power / W_PER_MW
        # A relative 1e-12 keeps an exact fit (gross MW a whole number of machines).
        count = math.floor(gross_mw / per_machine_mw * (1 + 1e-12))
        fleet = dataclasses.replace(template, count=count)
        return cls(gross_mw, fleet, mining_pue=mining_pue, **fields)


def _deployments(owner: Site | MiningScenario) -> tuple[Deployment, ...]:
    """The fleet as the deployments a site or a scenario keeps from construction."""
    return cast("tuple[Deployment, ...]", owner.fleet)


@dataclasses.dataclass(frozen=True)
class Split:
    """Give part of a site's power to a hosting tenant.

    Parameters
    ----------
    hosting : ColocationLease or GpuCloud
        The contract (:mod:`minerecon.hosting`).
    fraction : float, optional
        Share of the site's gross MW converted, in [0, 1].
    mw : float, optional
        Gross MW converted instead of a fraction (one of the two).
    decision : int or date-like, default 0
        Day the conversion is decided and the build starts: whole days after
        the scenario's start [day], or a date within the horizon; the IT
        load arrives ``build_days`` later.
    backfill : bool, default True
        Keep mining on the converted MW until the tenant's load takes them
        (True), or stop mining on them at the decision (False).
    downtime_days : float, default 0
        With backfill, days before the first IT load from which the
        converted MW stop mining for the conversion works (machines moved
        out, tie-in) [day], >= 0; they stay out of mining through the ramp.
    name : str, optional
        Label; by default the converted share, e.g. ``"50% hosted"``.

    Examples
    --------
    >>> from minerecon.hardware import Deployment
    >>> from minerecon.hosting import ColocationLease
    >>> site = Site(gross_mw=100.0, fleet=Deployment("Antminer S21 XP", 20_000))
    >>> split = Split(ColocationLease(rate=150.0, term_years=10), mw=30.0)
    >>> split.converted_mw(site), split.label(site)
    (30.0, '30% hosted')
    """

    hosting: ColocationLease | GpuCloud
    fraction: float | None = None
    mw: float | None = None
    decision: int | DateLike = 0
    backfill: bool = True
    downtime_days: float = 0.0
    name: str = ""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        _check_hosting(self.hosting)
        if not isinstance(self.backfill, bool):
            raise ValueError(f"backfill must be True or False, got {self.backfill!r}")
        set_(
            self,
            "downtime_days",
            check_scalar("downtime_days", self.downtime_days, low=0.0, unit="[day]"),
        )
        if (self.fraction is None) == (self.mw is None):
            raise ValueError(
                f"fraction and mw: give exactly one, got fraction={self.fraction!r} "
                f"and mw={self.mw!r}"
            )
        if self.fraction is not None:
            set_(self, "fraction", check_scalar("fraction", self.fraction, low=0.0, high=1.0))
        else:
            set_(self, "mw", check_scalar("mw", self.mw, low=0.0, unit="[MW]"))
        _check_decision(self.decision)

    def converted_mw(self, site: Site) -> float:
        """Gross MW of the site given to the tenant [MW]."""
        if self.mw is not None:
            if self.mw > site.gross_mw:
                raise ValueError(
                    f"mw must be <= the site's gross_mw ({site.gross_mw} MW), got {self.mw}"
                )
            return float(self.mw)
        assert self.fraction is not None  # exactly one of fraction and mw is given
        return float(self.fraction) * site.gross_mw

    def label(self, site: Site) -> str:
        """The name, or the converted share as text."""
        if self.name:
            return str(self.name)
        return f"{100 * self.converted_mw(site) / site.gross_mw:.4g}% hosted"


def _check_hosting(hosting: object) -> None:
    if not isinstance(hosting, ColocationLease | GpuCloud):
        raise ValueError(
            "hosting must be a minerecon.hosting.ColocationLease or GpuCloud, "
            f"got {type(hosting).__name__}"
        )


def _check_decision(decision: Any) -> int | pd.Timestamp:
    """A whole number of days >= 0, or a date (a ``Timestamp``)."""
    usage = f"decision must be a whole number of days >= 0 or a date, got {_short(decision)}"
    if isinstance(decision, bool | np.bool_ | np.timedelta64):
        raise ValueError(usage)
    if isinstance(decision, numbers.Integral):
        day = int(decision)
    elif isinstance(decision, numbers.Real):
        if not float(decision).is_integer():
            raise ValueError(usage)
        day = int(cast(SupportsInt, decision))  # every concrete real type has __int__
    else:
        try:
            when = pd.Timestamp(decision)
        except (TypeError, ValueError, OverflowError) as error:
            raise ValueError(usage) from error
        if pd.isna(when):
            raise ValueError(usage)
        return when
    if day < 0:
        raise ValueError(usage)
    return day


def _decision_day(decision: object, start: pd.Timestamp, days: int) -> int:
    """Day of the scenario on which the decision falls, in ``[0, days)``."""
    when = _check_decision(decision)
    day = when if isinstance(when, int) else (when.normalize() - start.normalize()).days
    if not 0 <= day < days:
        raise ValueError(
            f"decision must fall within the horizon, days 0 to {days - 1} from "
            f"{start.date()}, got {_short(decision)} (day {day:,})"
        )
    return day


def _renewed(
    contract: ColocationLease | GpuCloud, valuation: Valuation
) -> tuple[ColocationLease | GpuCloud, float]:
    """The contract with the renewal added, and the renewal's probability."""
    if (
        isinstance(contract, ColocationLease)
        and valuation.renewal_probability > 0
        and valuation.renewal_years > 0
    ):
        extended = dataclasses.replace(
            contract, extension_years=contract.extension_years + valuation.renewal_years
        )
        return extended, valuation.renewal_probability
    return contract, 0.0


def _expected_it_load(
    contract: ColocationLease | GpuCloud, valuation: Valuation, n_days: int
) -> np.ndarray:
    """Expected share of the contracted IT load in service each day from the decision."""
    load = contract.it_load(n_days)
    renewed, probability = _renewed(contract, valuation)
    if probability > 0:
        load = load + probability * (renewed.it_load(n_days) - load)
    if valuation.keeps_hall and isinstance(contract, ColocationLease):
        # A hall worth something after its lease stays a hall: its MW never go back.
        full = math.ceil(contract.build_days + contract.ramp_days)
        load[full:] = 1.0
    return load


@dataclasses.dataclass(frozen=True)
class _Plan:
    """Deterministic daily inputs of one option (pure mining or a split)."""

    label: str
    fleet_scale: np.ndarray
    extra_cash_flow: np.ndarray
    mining_capex: np.ndarray
    hosting: ColocationLease | GpuCloud | None
    it_mw: float
    decision_day: int
    contract_tail: bool = False


def _surviving_fleet_mw(site: Site, scenario: MiningScenario) -> np.ndarray:
    """Site power the machines still alive on each day need at full use [MW]."""
    schedule = fleet_schedule(scenario.replace(fleet_scale=None, extra_cash_flow=None))
    uptime = np.array([d.uptime for d in _deployments(scenario)])[:, None]
    return (schedule.power / uptime).sum(axis=0) * site.mining_pue / W_PER_MW


def _machine_capex(scenario: MiningScenario) -> np.ndarray:
    """Machine purchases on their delivery days [USD/day]."""
    capex = np.zeros(scenario.days)
    for deployment in _deployments(scenario):
        capex[deployment.delivery_day(_start(scenario).date)] += (
            deployment.count * deployment.capex_per_unit
        )
    return capex


def _plan(
    site: Site,
    split: Split | None,
    scenario: MiningScenario,
    valuation: Valuation,
    surviving_mw: np.ndarray,
) -> _Plan:
    days = scenario.days
    converted = 0.0 if split is None else split.converted_mw(site)
    decision = 0 if split is None else _decision_day(split.decision, _start(scenario).date, days)
    it_load = np.zeros(days)
    it_mw = 0.0
    if split is not None and converted > 0:
        it_mw = converted / split.hosting.gross_to_it
        local = _expected_it_load(split.hosting, valuation, days - decision)
        it_load = np.concatenate([np.zeros(decision), local])
    taken = converted * it_load
    if split is not None and not split.backfill:
        taken[decision:] = converted
    elif split is not None and split.downtime_days > 0:
        hosting = split.hosting
        out = decision + max(0, math.floor(hosting.build_days - split.downtime_days))
        full = decision + math.ceil(hosting.build_days + hosting.ramp_days)
        taken[out:full] = converted
    available = np.maximum(site.gross_mw - taken, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(surviving_mw > 0, np.minimum(1.0, available / surviving_mw), 1.0)
    mining_mw = np.minimum(surviving_mw, available)
    extra = site.demand_response * mining_mw / DAYS_PER_YEAR
    # Build-out for the MW that mine from day 0: a conversion decided then takes its MW
    # before any is built; one decided later finds them built and mining.
    build_out = np.zeros(days)
    mining_from_start = site.gross_mw - (converted if decision == 0 else 0.0)
    build_out[0] = site.mining_capex_per_mw * min(site.fleet_mw, mining_from_start)
    extra = extra - build_out
    label = "pure mining" if split is None else split.label(site)
    contract = None if split is None else split.hosting
    return _Plan(label, scale, extra, build_out, contract, it_mw, decision)


def _hosting_flows(
    plan: _Plan,
    scenario: MiningScenario,
    valuation: Valuation,
    n_paths: int,
    root: SeedLike,
    *,
    expected: bool = False,
) -> HostingFlows | _ScaledHosting:
    """The hosting contract's flows on the site's days, per path.

    The contract's day 0 is the scenario's day ``plan.decision_day``; its
    default days come from the TENANT stream of ``root`` (the same on every
    option), or are replaced by the survival probability when ``expected``
    (one row, built densely). Otherwise the flows stay in their factors (no
    paths x days array).
    """
    days = scenario.days
    decision = plan.decision_day
    assert plan.hosting is not None  # only the options with a contract have its flows
    contract, probability = _renewed(plan.hosting, valuation)
    term_end = plan.hosting.horizon_days
    local_days = days - decision
    contract_days = max(local_days, contract.horizon_days) if plan.contract_tail else local_days
    power_price = _daily_power_price(scenario)[decision:]
    if contract_days > local_days:
        beyond = np.arange(1, contract_days - local_days + 1) / DAYS_PER_YEAR
        growth = (1 + scenario.power_price_escalation) ** beyond
        power_price = np.concatenate([power_price, power_price[-1] * growth])
    terms: dict[str, Any] = {"it_mw": plan.it_mw, "power_price": power_price}
    # Every flow is linear in the tenant's survival a_t: flow = dead + (live - dead) a_t,
    # with "dead" the flows of a tenant gone from day 0 and "live" those of one that stays.
    dead = contract.daily_cash_flows(contract_days, **terms, default_day=0.0)
    live = contract.daily_cash_flows(contract_days, **terms)
    t = np.arange(contract_days)
    if expected:
        alive = np.exp(-contract.default_hazard * t / DAYS_PER_YEAR)[None, :]
        ends = None
    else:
        defaults = _random.Streams(root).fill(
            _random.TENANT,
            0,
            n_paths,
            1,
            lambda rng, out: out.__setitem__(
                slice(None), contract.sample_default_days(rng, out.shape[0])[:, None]
            ),
        )
        # The tenant is there on the contract's days t < default: days [0, end).
        ends = np.clip(np.ceil(defaults[:, 0]), 0, contract_days).astype(np.int64)
    noi_dead = dead["revenue"] - dead["opex"] - dead["power_cost"]
    noi_gain = live["revenue"] - live["opex"] - live["power_cost"] - noi_dead
    weight = np.ones(contract_days)
    weight[term_end:] = probability if probability > 0 else 1.0
    capex = live["capex"] * weight
    # cash = base + gain * alive on every contract day.
    base = noi_dead * weight - capex
    gain = noi_gain * weight
    guaranteed = dead["revenue"] * weight

    def alive_sum(values: np.ndarray, first: int) -> np.ndarray:
        """Per path, the sum of ``values`` (contract days from ``first``) while alive."""
        if ends is None:
            return alive[:, first : first + values.size] @ values
        cumulative = np.concatenate([[0.0], np.cumsum(values)])
        return cumulative[np.clip(ends - first, 0, values.size)]

    def noi(day: int) -> np.ndarray:
        there = alive[:, day] if ends is None else day < ends
        return np.broadcast_to(noi_dead[day] + noi_gain[day] * there, (n_paths,))

    exits: list[tuple[int, float, np.ndarray]] = []
    if isinstance(contract, ColocationLease):
        rent_growth = 1.0 + contract.escalator
        ends_of_terms = [(term_end, 1.0 - probability)]
        if probability > 0:
            ends_of_terms.append((contract.horizon_days, probability))
        for end, weight_of_end in ends_of_terms:
            if weight_of_end == 0:
                continue
            # A lease still running at the horizon is sold there unless valued to its end.
            sold = end if plan.contract_tail or end <= local_days else local_days
            forward = noi(min(sold, contract_days) - 1) * DAYS_PER_YEAR * rent_growth
            exits.append((decision + sold - 1, weight_of_end, forward))
    lump = np.zeros(1)
    if contract_days > local_days:
        # Flows after the horizon come back as one lump on its last day, discounted
        # term by term (linear in alive, so the tail is never built per path).
        rates = valuation.rates
        after = contract_days - local_days + 1
        hosting_factors = cashflow.discount_factors(after, rates["hosting"])[1:]
        tail = slice(local_days, None)
        lump = alive_sum(gain[tail] * hosting_factors, local_days)
        lump += (base[tail] - guaranteed[tail]) @ hosting_factors
        lump_guaranteed = (
            guaranteed[tail] @ cashflow.discount_factors(after, rates["guarantee"])[1:]
        )
        lump += lump_guaranteed
        guaranteed = guaranteed[:local_days].copy()
        capex = capex[:local_days]
        guaranteed[-1] += lump_guaranteed
    completion = decision + math.ceil(plan.hosting.build_days + plan.hosting.ramp_days)
    pad = np.zeros(decision)
    fields: dict[str, Any] = {
        "guaranteed": np.concatenate([pad, guaranteed]),
        "capex": np.concatenate([pad, capex]),
        "exits": tuple(exits),
        "completion_day": min(completion, days - 1),
    }
    if ends is None:  # the expected tenant: one row, built densely
        cash = np.zeros((1, days))
        cash[:, decision:] = base[:local_days] + gain[:local_days] * alive[:, :local_days]
        cash[:, -1] += lump
        return HostingFlows(cash, **fields)
    return _ScaledHosting(
        base=np.concatenate([pad, base[:local_days]]),
        gain=np.concatenate([pad, gain[:local_days]]),
        ends=decision + np.minimum(ends, local_days),
        lump=np.broadcast_to(lump, (n_paths,)),
        **fields,
    )


def _option_values(
    plans: Sequence[_Plan],
    scenario: MiningScenario,
    valuation: Valuation,
    operating: np.ndarray,
    root: SeedLike,
    *,
    expected: bool = False,
) -> list[SiteValue]:
    """Value every option from the whole fleet's operating flows on common paths.

    The options' daily flows stay in their factors (the fleet scale times the
    operating flows, the contract's cumulative sums): no array of paths x days
    per option. :func:`minerecon.valuation._daily_metrics` reads the IRRs,
    payback and monthly sums off them.
    """
    machine_capex = _machine_capex(scenario)
    fixed = fleet_schedule(scenario).fixed_flow
    resale = fixed + machine_capex
    n_paths = operating.shape[0]
    values = []
    for plan in plans:
        capex = machine_capex + plan.mining_capex
        mining = _ScaledMining(
            operating, plan.fleet_scale, fixed + plan.extra_cash_flow, capex, resale
        )
        hosting = None
        if plan.hosting is not None and plan.it_mw > 0:
            hosting = _hosting_flows(plan, scenario, valuation, n_paths, root, expected=expected)
        values.append(_value_site(mining, hosting, valuation, daily=False))
    return values


def _operating_flows(result: SimulationResult) -> np.ndarray:
    """Daily mining cash flow of the whole fleet before its capex and resale [USD/day]."""
    daily = result.daily
    assert daily is not None  # the engine ran with output="flows"
    return daily.cash_flow.values - fleet_schedule(result.scenario).fixed_flow


@dataclasses.dataclass(frozen=True)
class SiteComparison:
    """Pure mining and each split valued on the same paths.

    Attributes
    ----------
    npv : xarray.DataArray
        Unlevered after-tax value of the whole site at the scenario's start
        [USD] over ``option`` and ``path``, at the valuation's rates (see
        :mod:`minerecon.valuation`).
    equity_npv : xarray.DataArray
        ``npv`` plus the value of the financing (adjusted present value)
        [USD]; equal to ``npv`` without financing.
    components : xarray.DataArray
        The parts of the value [USD] over ``option``, ``component`` (see
        :data:`minerecon.valuation.COMPONENTS`) and ``path``; they add up
        to ``equity_npv``.
    irr, equity_irr : xarray.DataArray
        Per option and path [1/year]: the rate at which the NPV of the
        option's unlevered (equity) daily flows is zero; nan where there is
        none.
    payback_days : xarray.DataArray
        Days until the cumulative unlevered flows first turn non-negative
        [day]; inf = never.
    monthly_cash_flow : xarray.DataArray
        Unlevered after-tax site cash flow per calendar month [USD/month]
        over ``option``, ``path`` and ``month``.
    dscr : xarray.DataArray
        Debt-service coverage of the hosting debt per tax year [-] over
        ``option``, ``path`` and ``year``; nan without financing.
    mining : SimulationResult
        The engine's run of the whole fleet on the common paths; each
        option mines its daily fleet scale times these operating flows.
    options : tuple of str
        Option labels; the first is pure mining.
    site : Site
    scenario : MiningScenario
        The market models and horizon shared by all options.
    valuation : Valuation
        Rates, terminal values, financing and tax used.
    """

    npv: xr.DataArray
    equity_npv: xr.DataArray
    components: xr.DataArray
    irr: xr.DataArray
    equity_irr: xr.DataArray
    payback_days: xr.DataArray
    monthly_cash_flow: xr.DataArray
    dscr: xr.DataArray
    mining: SimulationResult
    options: tuple[str, ...]
    site: Site
    scenario: MiningScenario
    valuation: Valuation
    _plans: tuple[_Plan, ...] = dataclasses.field(repr=False, default=())
    _splits: tuple[tuple[str | None, Split], ...] = dataclasses.field(repr=False, default=())
    _contract_tail: bool = dataclasses.field(repr=False, default=False)

    def revalue(self, valuation: Valuation) -> SiteComparison:
        """The same options on the same paths under another valuation.

        The engine does not run again: only the valuation of each option's
        flows changes (a quick way to compare views or sweep a rate).

        Parameters
        ----------
        valuation : Valuation

        Returns
        -------
        SiteComparison
        """
        _check_valuation(valuation)
        plans = _plans_for(self.site, self._splits, self.scenario, valuation, self._contract_tail)
        return _assemble(
            self.site,
            self._splits,
            self.scenario,
            valuation,
            self.mining,
            plans,
            self._contract_tail,
        )

    def _check_option(self, option: str, *, allow_base: bool = True) -> None:
        valid = list(self.options if allow_base else self.options[1:])
        if not isinstance(option, str) or option not in valid:
            raise ValueError(f"option must be one of {valid}, got {option!r}")

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """Per option: value distribution, IRRs, payback, coverage and comparison.

        Parameters
        ----------
        level : float, default 0.95
            Level of the expected shortfall [-], in (0, 1).

        Returns
        -------
        pandas.DataFrame
            One row per option (index ``option``): ``mean_npv``, ``p5_npv``,
            ``median_npv``, ``p95_npv`` [USD], ``probability_of_loss`` [-]
            (NPV < 0), ``expected_shortfall_95`` [USD, a loss],
            ``mean_equity_npv`` [USD], ``median_irr`` and
            ``median_equity_irr`` [1/year; over paths that have one, nan if
            none does], ``median_payback_months`` [months of 365 / 12 days;
            inf = never], ``median_min_dscr`` [-, the lowest DSCR of a
            path over its tax years in operation, median over paths; nan
            without debt],
            ``probability_beats_pure_mining`` and
            ``probability_mining_wins`` [-] (strictly higher NPV, path by
            path; both 0 for pure mining itself). ``attrs`` holds the
            settings used: the scenario's (:meth:`MiningScenario.settings
            <minerecon.projection.MiningScenario.settings>`, with the site's
            power price, PUE and pool fee), the valuation's rates and the
            number of paths.
        """
        level = check_scalar("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
        base = self.npv.sel(option=self.options[0]).values
        shortfall = f"expected_shortfall_{_suffix(level)}"
        rows = []
        for option in self.options:
            values = self.npv.sel(option=option).values
            stats = risk.summarize(values, level=level)
            dscr = self.dscr.sel(option=option).values
            operating = np.isfinite(dscr) | np.isinf(dscr)
            lowest = np.where(
                operating.any(axis=-1), np.min(np.where(operating, dscr, np.inf), axis=-1), np.nan
            )
            rows.append(
                {
                    "mean_npv": stats["mean"],
                    "p5_npv": stats["p5"],
                    "median_npv": stats["p50"],
                    "p95_npv": stats["p95"],
                    "probability_of_loss": stats["probability_of_loss"],
                    shortfall: stats[shortfall],
                    "mean_equity_npv": float(self.equity_npv.sel(option=option).mean()),
                    "median_irr": _median_finite(self.irr.sel(option=option).values),
                    "median_equity_irr": _median_finite(self.equity_irr.sel(option=option).values),
                    "median_payback_months": float(
                        np.median(self.payback_days.sel(option=option).values) * 12 / DAYS_PER_YEAR
                    ),
                    "median_min_dscr": float(np.median(lowest)),
                    "probability_beats_pure_mining": float(np.mean(values > base)),
                    "probability_mining_wins": float(np.mean(base > values)),
                }
            )
        table = pd.DataFrame(rows, index=pd.Index(self.options, name="option"))
        # pandas types attrs with Hashable keys; these are str.
        table.attrs = cast("dict[Hashable | None, Any]", self._settings())
        return table

    def _settings(self) -> dict[str, Any]:
        settings = self.scenario.settings()
        del settings["discount_rate"], settings["policy"]  # the valuation's rates apply
        rates = self.valuation.rates
        return settings | {
            "site": self.site.name,
            "gross_mw": self.site.gross_mw,
            "valuation": self.valuation.name,
            "mining_rate": rates["mining"],
            "hosting_rate": rates["hosting"],
            "n_paths": int(self.npv.sizes["path"]),
        }

    def describe(self) -> list[str]:
        """The comparison in words, one line each: site, options, market, valuation."""
        site = self.site
        lines = [
            f"site {site.name or '(unnamed)'}: {site.gross_mw:g} MW gross, the fleet needs "
            f"{site.fleet_mw:.4g} MW; mining capex {site.mining_capex_per_mw:,.0f} USD/MW, "
            f"demand response {site.demand_response:,.0f} USD/MW-year",
            f"options: {', '.join(self.options)}",
        ]
        # The valuation's rates replace the scenario's one discount rate.
        lines += [
            line
            for line in self.scenario.describe()
            if not line.startswith(("discount rate", "policy"))
        ]
        lines += [f"valuation {self.valuation.name or '(unnamed)'}: {line}"
                  for line in self.valuation.describe()]  # fmt: skip
        lines.append(f"{self.npv.sizes['path']:,} paths, the same for every option")
        return lines

    def value_breakdown(self) -> pd.DataFrame:
        """Mean of each part of the value per option [USD] (rows: options).

        Columns: the :data:`~minerecon.valuation.COMPONENTS`, ``npv``
        (the first five) and ``equity_npv`` (all six).
        """
        # A DataArray over (option, component) comes out as a DataFrame.
        means = cast(pd.DataFrame, self.components.mean("path").to_pandas())
        means["npv"] = cast(pd.Series, self.npv.mean("path").to_pandas())
        means["equity_npv"] = cast(pd.Series, self.equity_npv.mean("path").to_pandas())
        means.columns.name = None
        return means

    def dscr_by_year(self, option: str, percentiles: Sequence[float] = (5, 50)) -> pd.DataFrame:
        """Percentiles over paths of the hosting debt's DSCR in each tax year [-].

        Years before completion are nan (see ``dscr``).
        """
        self._check_option(option, allow_base=False)
        chosen = np.atleast_1d(check("percentiles", percentiles, low=0.0, high=100.0))
        if chosen.ndim != 1 or chosen.size == 0:
            raise ValueError(f"percentiles must be a non-empty list of numbers, got {chosen}")
        if self.valuation.financing is None:
            raise ValueError("option has no debt: the valuation has no financing")
        values = self.dscr.sel(option=option).values
        operating = ~np.isnan(values).all(axis=0)
        if not operating.any():
            raise ValueError(f"option {option!r} has no debt service in operation")
        table = pd.DataFrame(
            np.nan,
            index=pd.RangeIndex(values.shape[-1], name="year"),
            columns=[f"p{p:g}" for p in chosen],
        )
        for p in chosen:
            table.loc[operating, f"p{p:g}"] = np.percentile(values[:, operating], p, axis=0)
        return table

    def probability_mining_wins(self, option: str) -> float:
        """Share of paths on which pure mining has a strictly higher NPV than ``option`` [-]."""
        self._check_option(option)
        base = self.npv.sel(option=self.options[0]).values
        return float(np.mean(base > self.npv.sel(option=option).values))

    def breakeven_btc_price(
        self, option: str, *, low: float = 1_000.0, high: float = 1_000_000.0
    ) -> float:
        """Constant BTC price at which pure mining and ``option`` are worth the same.

        Parameters
        ----------
        option : str
            A split among ``options`` (not pure mining).
        low, high : float, default 1,000 and 1,000,000
            Bracket searched [USD/BTC], ``0 < low < high``.

        Returns
        -------
        float
            The break-even BTC price of the decision [USD/BTC]. When the
            difference keeps one sign over the whole bracket: ``0.0`` if
            mining is worth more everywhere in it (mining wins at any price
            from ``low`` up), ``inf`` if the split is worth more everywhere
            (the split wins at any price up to ``high``).

        Notes
        -----
        Both options are valued with the comparison's valuation on one
        deterministic path: the BTC price held at the candidate price from
        the start; fees on the path the simulation averages (the daily mean
        of the fee model's paths over the comparison's paths, drawn from
        the same streams, so a skewed fee model counts at its mean, not its
        median); network hashrate on its noise-free path (growth or
        economic response, volatility 0); the tenant's default in
        expectation (survival probability instead of a sampled day). The
        root of ``NPV_mining(P) - NPV_option(P)`` is found with Brent's
        method; above it mining is worth more, as the split gives up mining
        revenue.
        """
        from scipy.optimize import brentq

        self._check_option(option, allow_base=False)
        low = check_scalar("low", low, low=0, low_open=True, unit="[USD/BTC]")
        high = check_scalar("high", high, low=0, low_open=True, unit="[USD/BTC]")
        if high <= low:
            raise ValueError(f"low must be below high, got low={low:g} and high={high:g}")
        plans = {plan.label: plan for plan in self._plans}
        chosen = [plans[self.options[0]], plans[option]]
        fees = self._mean_fees()

        def gap(btc_price: float) -> float:
            scenario = _deterministic(self.scenario, btc_price, fees)
            cash = _daily_cash_flows(scenario, 1, 0)
            values = _option_values(
                chosen,
                scenario,
                self.valuation,
                cash - fleet_schedule(scenario).fixed_flow,
                0,
                expected=True,
            )
            return float(values[0].npv[0] - values[1].npv[0])

        lo, hi = gap(low), gap(high)
        if lo == 0.0:
            return float(low)
        if hi == 0.0:
            return float(high)
        if lo > 0.0 and hi > 0.0:
            return 0.0
        if lo < 0.0 and hi < 0.0:
            return float("inf")
        return float(brentq(gap, low, high, xtol=1e-6, rtol=1e-10, maxiter=200))

    def split_curve(
        self,
        hosting: ColocationLease | GpuCloud | None = None,
        *,
        fractions: Sequence[float] = tuple(map(float, np.linspace(0.0, 1.0, 11))),
        objective: Literal["mean", "cvar"] | Callable[[FloatArray], float] = "mean",
        level: float = 0.95,
        valuation: Valuation | None = None,
    ) -> tuple[float, pd.Series]:
        """:func:`optimal_split` on this comparison's paths, without running the engine.

        Parameters
        ----------
        hosting : ColocationLease or GpuCloud, optional
            The contract; by default that of the split converting the most
            power (the first on a tie).
        fractions, objective, level
            As in :func:`optimal_split`.
        valuation : Valuation, optional
            This comparison's by default.

        Returns
        -------
        (float, pandas.Series)
            The best fraction and the objective at every candidate [USD].
        """
        if hosting is None:
            splits = [split for _, split in self._splits]
            hosting = _widest_hosting(splits, self.site, "the comparison has none")
        _check_hosting(hosting)
        values = _fractions(fractions)
        score = _objective(objective, level)
        valuation = self.valuation if valuation is None else valuation
        _check_valuation(valuation)
        items = tuple(_fraction_splits(hosting, values).items())
        npvs = _npvs_on_paths(
            self.site,
            items,
            self.scenario,
            {"": valuation},
            valuation,
            self.mining,
            self._contract_tail,
        )
        return _best_fraction(npvs[""], values, score, objective)

    def breakeven_hashprice(self, option: str, **bracket: float) -> float:
        """Hashprice on day 0 at the decision's break-even BTC price [USD per PH/s per day].

        :meth:`breakeven_btc_price` times the start's BTC earned per PH/s
        per day (difficulty, subsidy and fees of the start); 0 or inf as it.
        """
        price = self.breakeven_btc_price(option, **bracket)
        start = _start(self.scenario)
        ph_day = hashprice_to_ph_day(start.hashprice / start.btc_price * price)
        return float(np.asarray(ph_day))  # a number in, a number out

    def _mean_fees(self) -> FeePath:
        from minerecon import fees

        model = self.scenario._fee_model()
        n_paths = self.npv.sizes["path"]
        paths = fees.simulate(model, n_paths, self.scenario.days, seed=self.mining.seed)
        return fees.FeePath(paths.mean(axis=0), model.kind)


def _check_valuation(valuation: object) -> None:
    if not isinstance(valuation, Valuation):
        name = type(valuation).__name__
        raise ValueError(f"valuation must be a minerecon.valuation.Valuation, got {name}")


def _median_finite(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else float("nan")


def _suffix(level: float) -> str:
    return f"{level * 100:g}".replace(".", "_")


def _deterministic(scenario: MiningScenario, btc_price: float, fees: FeePath) -> MiningScenario:
    """The scenario on one noise-free path with the BTC price held at ``btc_price``."""
    from minerecon import price

    hashrate = scenario._hashrate_model()
    return scenario.replace(
        start=_start(scenario).replace(btc_price=btc_price),
        price=price.ConstantPrice(),
        hashrate=dataclasses.replace(hashrate, volatility=0.0),
        fees=fees,
    )


def _is_deterministic(scenario: MiningScenario) -> bool:
    """True when the price, fee and hashrate models draw no noise."""
    from minerecon import fees, price

    quiet_price = isinstance(scenario._price_model(), price.ConstantPrice | price.GrowthPrice)
    quiet_fees = isinstance(
        scenario._fee_model(), fees.ConstantFees | fees.FeeShare | fees.FeePath
    )
    quiet_hashrate = scenario._hashrate_model().volatility == 0.0
    return quiet_price and quiet_fees and quiet_hashrate and scenario.power_market is None


def _check_site(site: object) -> None:
    if not isinstance(site, Site):
        raise ValueError(f"site must be a minerecon.scenario.Site, got {type(site).__name__}")


def default_scenario(site: Site, *, days: int = 3650) -> MiningScenario:
    """The market :func:`compare` uses when given none.

    From the last day of the bundled history, over ``days``: BTC price as a
    GBM with **zero drift** and the volatility fitted to the four years of
    history before the start (the fitted drift is a backward-looking
    estimate and is not used); fees and network hashrate held at the
    start's level; discount rate 10 %.

    Parameters
    ----------
    site : Site
        The site (its fleet and costs go into the scenario).
    days : int, default 3650
        Horizon [days], >= 2.

    Returns
    -------
    MiningScenario
    """
    _check_site(site)
    return default_market(site.fleet, days=days)


def compare(
    site: Site,
    splits: Sequence[Split] | Mapping[str, Split] = (),
    *,
    scenario: MiningScenario | None = None,
    n_paths: int = 1000,
    seed: SeedLike = None,
    valuation: Valuation | None = None,
    contract_tail: bool = False,
    **run: Any,
) -> SiteComparison:
    """Value pure mining and each split of a site on common random paths.

    Parameters
    ----------
    site : Site
        The site.
    splits : sequence of Split, or mapping of label to Split
        The alternatives to pure mining; labels (the mapping's keys, else
        :meth:`Split.label`) must be unique and differ from
        ``"pure mining"``.
    scenario : MiningScenario, optional
        Market models, horizon and start; its fleet and costs (power price,
        PUE, pool fee) are replaced by the site's. By default
        :func:`default_scenario`: ten years from the last day of the
        bundled history, BTC as a zero-drift GBM at its fitted volatility.
    n_paths : int, default 1000
        Paths. A scenario whose price, fee and hashrate models draw no
        noise gives the same path every time: it takes ``n_paths=1``
        unless a tenant can default.
    seed : int, SeedSequence or Generator, optional
        One seed for all options, so they share their price, fee, hashrate
        and tenant-default paths (common random numbers).
    valuation : Valuation, optional
        Discount rates per stream, terminal values, financing and tax
        (:mod:`minerecon.valuation`); by default one rate, the scenario's
        ``discount_rate``, for every flow, before tax, with nothing after
        the horizon.
    contract_tail : bool, default False
        Value the hosting contract to its end (term, extensions and any
        renewal) even where it outlasts the horizon: the flows after the
        horizon are discounted and booked on its last day. Without it a
        contract still running at the horizon is cut there (and sold there
        when the valuation gives the hall an exit multiple).
    **run
        Passed to :func:`minerecon.projection.simulate` (``chunk_size``,
        ``memory_budget_mb``, ``threads``, ``progress``, ``client``).

    Returns
    -------
    SiteComparison

    Notes
    -----
    The engine runs once, for the whole fleet; each option's mining flow on
    day ``t`` is its fleet scale ``s_t`` times the fleet's operating flow
    (revenue, energy and other opex: switch-off decisions are per TH/s, so
    they do not depend on the scale) plus the machines' capex and resale
    and the option's own flows (demand response, build-out). The fleet
    scale is ``s_t = min(1, A_t / F_t)``, with ``A_t`` the site MW not
    taken by the tenant and ``F_t`` the MW the machines still alive need,
    so surviving machines use free power first. Every option is then
    valued with :func:`minerecon.valuation.value_site`.

    Examples
    --------
    A 4 MW site with 1,000 S21 XP (3.83 MW with PUE 1.05) at 90,000 USD/BTC
    over one year; half of it goes at once to a tenant paying 150 USD per
    kW-month on 1.6 IT MW (2 MW / 1.25), 2.88 M USD a year:

    >>> from minerecon.hardware import Deployment
    >>> from minerecon.hosting import ColocationLease
    >>> from minerecon.network import NetworkState
    >>> from minerecon.projection import MiningScenario
    >>> state = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
    >>> site = Site(gross_mw=4.0, fleet=Deployment("Antminer S21 XP", 1000))
    >>> lease = ColocationLease(rate=150.0, term_years=10, gross_to_it=1.25, build_days=0,
    ...                         ramp_days=0, capex_per_it_mw=0.0, noi_margin=1.0)
    >>> result = compare(site, [Split(lease, fraction=0.5)], n_paths=1, seed=0,
    ...                  scenario=MiningScenario(site.fleet, start=state, days=365))
    >>> result.options
    ('pure mining', '50% hosted')

    NPV in million USD at one 10 % rate: the split keeps 2 MW of mining
    (52 % of the fleet) and adds the lease, worth 2.75 M USD over the year:

    >>> (result.npv / 1e6).round(2).values.tolist()
    [[1.95], [3.76]]
    >>> round(result.breakeven_btc_price("50% hosted"))    # above it, mining wins
    186730
    """
    items, base, valuation, plans, mining = _prepare(
        site, splits, scenario, n_paths, seed, valuation, contract_tail, run
    )
    return _assemble(site, items, base, valuation, mining, plans, contract_tail)


def _prepare(
    site: Site,
    splits: Sequence[Split] | Mapping[str, Split],
    scenario: MiningScenario | None,
    n_paths: int,
    seed: SeedLike,
    valuation: Valuation | None,
    contract_tail: bool,
    run: Mapping[str, Any],
) -> tuple[
    tuple[tuple[str | None, Split], ...], MiningScenario, Valuation, list[_Plan], SimulationResult
]:
    """Check the arguments of :func:`compare`, plan the options and run the engine once."""
    items, base, valuation, plans = _plan_study(
        site, splits, scenario, n_paths, valuation, contract_tail
    )
    mining = simulate(base, n_paths, seed=_random.seed_sequence(seed), output="flows", **run)
    return items, base, valuation, plans, mining


def _plan_study(
    site: Site,
    splits: Sequence[Split] | Mapping[str, Split],
    scenario: MiningScenario | None,
    n_paths: int,
    valuation: Valuation | None,
    contract_tail: bool,
) -> tuple[tuple[tuple[str | None, Split], ...], MiningScenario, Valuation, list[_Plan]]:
    """Check the arguments of :func:`compare` and plan the options."""
    _check_site(site)
    if scenario is not None and not isinstance(scenario, MiningScenario):
        raise ValueError(
            "scenario must be a minerecon.projection.MiningScenario or None, "
            f"got {type(scenario).__name__}"
        )
    base = scenario if scenario is not None else default_scenario(site)
    base = base.replace(
        fleet=site.fleet,
        power_price=site.power_price,
        power_price_escalation=site.power_price_escalation,
        pue=site.mining_pue,
        pool_fee=site.pool_fee,
        fleet_scale=None,
        extra_cash_flow=None,
    )
    if base.policy != "sell":
        # Options mine a day-by-day share of the fleet; coins held to the last day
        # would all be sold at that day's share.
        raise ValueError(
            f"scenario.policy must be 'sell' for a site comparison, got {base.policy!r}: "
            "each option mines its own share of the fleet day by day"
        )
    if valuation is None:
        valuation = Valuation(base.discount_rate, name="single rate")
    _check_valuation(valuation)
    if not isinstance(contract_tail, bool):
        raise ValueError(f"contract_tail must be True or False, got {contract_tail!r}")
    items: list[tuple[str | None, Split]]
    if isinstance(splits, Mapping):
        items = list(splits.items())
    elif isinstance(splits, Sequence | set | frozenset) and not isinstance(splits, str | bytes):
        items = [(None, split) for split in splits]
    else:
        raise ValueError(
            f"splits must be a sequence of Split or a mapping of label to Split, got {splits!r}"
        )
    for _, split in items:
        if not isinstance(split, Split):
            raise ValueError(f"splits must hold Split objects, got {type(split).__name__}")
    n_paths = check_count("n_paths", n_paths)
    plans = _plans_for(site, items, base, valuation, contract_tail)
    can_default = any(split.hosting.default_hazard > 0 for _, split in items)
    if n_paths > 1 and _is_deterministic(base) and not can_default:
        raise ValueError(
            f"n_paths must be 1 for a scenario without noise, got {n_paths}: its price, fee "
            "and hashrate models give the same path every time, so there is no distribution "
            "to show; give a stochastic model (e.g. price=GBM(0.0, volatility)) or n_paths=1"
        )
    return tuple(items), base, valuation, plans


def _plans_for(
    site: Site,
    items: Sequence[tuple[str | None, Split]],
    base: MiningScenario,
    valuation: Valuation,
    contract_tail: bool,
) -> list[_Plan]:
    surviving = _surviving_fleet_mw(site, base)
    plans = [_plan(site, None, base, valuation, surviving)]
    for label, split in items:
        plan = dataclasses.replace(
            _plan(site, split, base, valuation, surviving), contract_tail=contract_tail
        )
        plans.append(dataclasses.replace(plan, label=str(label)) if label is not None else plan)
    labels = [plan.label for plan in plans]
    if len(set(labels)) != len(labels):
        raise ValueError(
            f"splits must have unique labels, different from {labels[0]!r} "
            f"(give Split.name or a mapping), got {labels}"
        )
    return plans


def _assemble(
    site: Site,
    items: tuple[tuple[str | None, Split], ...],
    base: MiningScenario,
    valuation: Valuation,
    mining: SimulationResult,
    plans: Sequence[_Plan],
    contract_tail: bool,
) -> SiteComparison:
    """Value every option on the engine's paths and gather the results."""
    labels = [plan.label for plan in plans]
    values = _option_values(plans, base, valuation, _operating_flows(mining), mining.seed)
    months = base.dates.to_period("M")
    starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
    n_years = values[0].dscr.shape[-1]
    irrs, equity_irrs, paybacks, monthly = zip(
        # Valued without daily flows, every option keeps its flows in factors.
        *(_daily_metrics(cast(_FlowParts, v._parts), starts) for v in values),
        strict=True,
    )

    def stack(
        name: str,
        per_option: list[np.ndarray],
        dims: tuple[str, ...],
        units: str,
        **coords: Sequence[Hashable] | np.ndarray,
    ) -> xr.DataArray:
        return xr.DataArray(
            np.array(per_option),
            dims=("option", *dims),
            coords={"option": labels, **coords},
            name=name,
            attrs={"units": units},
        )

    return SiteComparison(
        npv=stack("npv", [v.npv for v in values], ("path",), "USD"),
        equity_npv=stack("equity_npv", [v.equity_npv for v in values], ("path",), "USD"),
        components=stack(
            "components",
            [np.array([v.components[c] for c in COMPONENTS]) for v in values],
            ("component", "path"),
            "USD",
            component=list(COMPONENTS),
        ),
        irr=stack("irr", list(irrs), ("path",), "1/year"),
        equity_irr=stack("equity_irr", list(equity_irrs), ("path",), "1/year"),
        payback_days=stack("payback_days", list(paybacks), ("path",), "days"),
        monthly_cash_flow=stack(
            "monthly_cash_flow",
            list(monthly),
            ("path", "month"),
            MONTHLY["cash_flow"],
            month=mining.monthly.month.values,
        ),
        dscr=stack(
            "dscr", [v.dscr for v in values], ("path", "year"), "-", year=np.arange(n_years)
        ),
        mining=mining,
        options=tuple(labels),
        site=site,
        scenario=base,
        valuation=valuation,
        _plans=tuple(plans),
        _splits=items,
        _contract_tail=contract_tail,
    )


def optimal_split(
    site: Site,
    hosting: ColocationLease | GpuCloud,
    *,
    fractions: Sequence[float] = tuple(np.linspace(0.0, 1.0, 11)),
    objective: Literal["mean", "cvar"] | Callable[[FloatArray], float] = "mean",
    level: float = 0.95,
    **compare_kwargs: Any,
) -> tuple[float, pd.Series]:
    """Split fraction that maximises an objective of the site's NPV.

    Parameters
    ----------
    site : Site
    hosting : ColocationLease or GpuCloud
        The contract offered for the converted power.
    fractions : sequence of float
        Distinct candidate shares of the site to convert, in [0, 1]; 0 is
        pure mining.
    objective : {"mean", "cvar"} or callable, default "mean"
        ``"mean"``: expected NPV [USD]. ``"cvar"``: minus the expected
        shortfall of NPV at ``level`` (the mean of the worst outcomes, as a
        value to maximise) [USD]. A callable maps the NPV of every path to a
        score.
    level : float, default 0.95
        Level of the expected shortfall [-], in (0, 1).
    **compare_kwargs
        Passed to :func:`compare` (``scenario``, ``n_paths``, ``seed``, ...).

    Returns
    -------
    (float, pandas.Series)
        The best fraction (the smallest on ties) and the objective at every
        candidate, indexed by ``fraction``.
    """
    _check_site(site)
    _check_hosting(hosting)
    values = _fractions(fractions)
    score = _objective(objective, level)
    valuation = compare_kwargs.pop("valuation", None)
    npvs = _npvs(site, _fraction_splits(hosting, values), {"": valuation}, **compare_kwargs)
    return _best_fraction(npvs[""], values, score, objective)


def _npvs(
    site: Site,
    splits: Mapping[str, Split],
    valuations: Mapping[str, Valuation | None],
    *,
    scenario: MiningScenario | None = None,
    n_paths: int = 1000,
    seed: SeedLike = None,
    contract_tail: bool = False,
    **run: Any,
) -> dict[str, dict[str, np.ndarray]]:
    """NPV per path of every option under each valuation, from one engine run.

    What :func:`compare` computes, without the IRRs, paybacks and monthly flows
    a curve over many splits does not need.
    """
    first = next(iter(valuations.values()))
    items, base, first, _, mining = _prepare(
        site, splits, scenario, n_paths, seed, first, contract_tail, run
    )
    return _npvs_on_paths(site, items, base, valuations, first, mining, contract_tail)


def _npvs_on_paths(
    site: Site,
    items: Sequence[tuple[str | None, Split]],
    base: MiningScenario,
    valuations: Mapping[str, Valuation | None],
    default: Valuation,
    mining: SimulationResult,
    contract_tail: bool,
) -> dict[str, dict[str, np.ndarray]]:
    """:func:`_npvs` on the paths of an engine run already made."""
    operating = _operating_flows(mining)
    out = {}
    for name, valuation in valuations.items():
        valuation = default if valuation is None else valuation
        _check_valuation(valuation)
        plans = _plans_for(site, items, base, valuation, contract_tail)
        values = _option_values(plans, base, valuation, operating, mining.seed)
        out[name] = {plan.label: value.npv for plan, value in zip(plans, values, strict=True)}
    return out


def _equity_gain(
    site: Site,
    split: Split,
    scenario: MiningScenario,
    valuation: Valuation,
    n_paths: int,
    seed: SeedLike,
    run: tuple[MiningScenario, np.ndarray, np.random.SeedSequence] | None = None,
) -> tuple[float, tuple[MiningScenario, np.ndarray, np.random.SeedSequence]]:
    """Mean equity NPV of ``split`` minus pure mining's, and the engine run used.

    The run is the scenario the engine ran, the fleet's daily operating flows
    and the root seed: pass it back to value other splits or valuations of the
    same site and market without running the engine again. The engine runs
    for the flows alone (no result datasets), as :func:`compare` would.
    """
    if run is None:
        _, base, valuation, plans = _plan_study(site, [split], scenario, n_paths, valuation, False)
        root = _random.seed_sequence(seed)
        operating = _daily_cash_flows(base, n_paths, root) - fleet_schedule(base).fixed_flow
        run = (base, operating, root)
    else:
        _check_valuation(valuation)
        plans = _plans_for(site, [(None, split)], run[0], valuation, False)
    base, operating, root = run
    values = _option_values(plans, base, valuation, operating, root)
    return float(np.mean(values[1].equity_npv - values[0].equity_npv)), run


def _widest_hosting(
    splits: Sequence[Split], site: Site, without: str
) -> ColocationLease | GpuCloud:
    """The contract of the split converting the most power (the first on a tie)."""
    if not splits:
        raise ValueError(f"split_curve needs a hosting contract: {without}")
    return max(splits, key=lambda split: split.converted_mw(site)).hosting


def _objective(objective: object, level: float) -> Callable[[FloatArray], float]:
    level = check_scalar("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    if isinstance(objective, str) and objective == "mean":
        return lambda npv: float(np.mean(npv))
    if isinstance(objective, str) and objective == "cvar":
        return lambda npv: -float(risk.expected_shortfall(npv, level))
    if callable(objective):
        return objective
    raise ValueError(f"objective must be 'mean', 'cvar' or a callable, got {objective!r}")


def _fractions(fractions: Sequence[float]) -> list[float]:
    if isinstance(fractions, str | bytes) or not isinstance(fractions, Sequence | np.ndarray):
        raise ValueError(f"fractions must be a sequence of shares in [0, 1], got {fractions!r}")
    values = [check_scalar("fractions", f, low=0.0, high=1.0) for f in fractions]
    if not values or len(set(values)) != len(values):
        raise ValueError(f"fractions must be distinct and not empty, got {values}")
    return values


def _fraction_splits(
    hosting: ColocationLease | GpuCloud, fractions: Sequence[float]
) -> dict[str, Split]:
    # A fraction of 0 is pure mining itself: it is scored from pure mining's paths.
    return {f"fraction={f!r}": Split(hosting, fraction=f) for f in fractions if f > 0}


def _best_fraction(
    npvs: Mapping[str, np.ndarray],
    fractions: Sequence[float],
    score: Callable[[FloatArray], float],
    objective: object,
) -> tuple[float, pd.Series]:
    labels = ["pure mining" if f == 0 else f"fraction={f!r}" for f in fractions]
    scores = pd.Series(
        [score(npvs[label]) for label in labels],
        index=pd.Index(fractions, name="fraction"),
        name=objective if isinstance(objective, str) else "objective",
    )
    return float(cast(float, scores.idxmax())), scores
