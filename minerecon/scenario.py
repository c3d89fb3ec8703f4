"""Site scenarios: split a site's power between mining and AI/HPC hosting.

A :class:`Site` has grid capacity, a mining fleet and its costs. A
:class:`Split` gives a share of that capacity to a tenant under a hosting
contract (:class:`~minerecon.hosting.ColocationLease` or
:class:`~minerecon.hosting.GpuCloud`). :func:`compare` values pure mining
and each split on the same simulated BTC price, fee and hashrate paths.

How a split changes the site, day by day
----------------------------------------
* The tenant's IT load ramps in after the build lag; it needs
  ``gross_to_it`` MW of site power per MW of IT.
* Mining keeps the power the tenant does not (yet) use: with ``A_t`` the
  site MW not drawn by the tenant on day ``t`` and ``F`` the fleet's
  nameplate MW (:attr:`Site.fleet_mw`), the fleet runs at
  ``s_t = min(1, A_t / F)`` of its size, so spare capacity is used first
  and mining continues on converted power until the AI load arrives (and
  again after the contract ends). Machines displaced by the conversion
  stand idle (their capex, if any, is already in the fleet's deployments;
  their other opex is not paid).
* Demand-response revenue is earned per MW of mining load, ``s_t F``, so
  the converted share gives it up.
* Mining infrastructure capex (``Site.mining_capex_per_mw``) is paid on
  day 0 for the largest mining load of the horizon, ``max_t s_t F``.
* The hosting contract's own cash flows (rent, opex, landlord capex, power
  if not passed through, tenant default with a guarantor backstop) add on,
  from the day of the decision (``Split.decision``).

The NPV of a split is then linear in the split fraction whenever the fleet
fills the site (``F`` equal to the gross MW), because every mining flow
scales with the fleet at work and every hosting flow with the IT MW. With a
lease rate of zero a split cannot beat pure mining as long as mining's
daily cash flow is not negative (the engine switches loss-making machines
off, so only per-TH fixed costs, ``other_opex``, can make it negative).
"""

from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from minerecon import _random, cashflow, risk
from minerecon._contract import check
from minerecon.hardware import deployments
from minerecon.projection import (
    MONTHLY,
    MiningScenario,
    SimulationResult,
    _daily_power_price,
    simulate,
)
from minerecon.units import DAYS_PER_YEAR, W_PER_MW


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
        Price of electricity (PPA) [USD/kWh], constant or one value per day.
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
        Mining infrastructure capex per MW of mining load, paid on day 0 for
        the largest mining load of the horizon [USD/MW].
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
    fleet: Any
    power_price: Any = 0.05
    power_price_escalation: float = 0.0
    mining_pue: float = 1.05
    pool_fee: float = 0.0
    demand_response: float = 0.0
    mining_capex_per_mw: float = 0.0
    name: str = ""

    def __post_init__(self) -> None:
        check("gross_mw", self.gross_mw, low=0, low_open=True, unit="[MW]")
        object.__setattr__(self, "fleet", deployments(self.fleet))
        check("power_price", self.power_price, low=0, unit="[USD/kWh]")
        check("power_price_escalation", self.power_price_escalation, low=-1, unit="[1/year]")
        check("mining_pue", self.mining_pue, low=1.0)
        check("pool_fee", self.pool_fee, low=0, high=1, high_open=True)
        check("demand_response", self.demand_response, low=0, unit="[USD/MW/year]")
        check("mining_capex_per_mw", self.mining_capex_per_mw, low=0, unit="[USD/MW]")

    @property
    def fleet_mw(self) -> float:
        """Site power the whole fleet needs at full size, PUE included [MW].

        Nameplate power (``count * power``): the site must carry it while
        the machines are up, whatever their average ``uptime``.
        """
        watts = sum(d.count * d.miner.power for d in self.fleet)
        return watts * self.mining_pue / W_PER_MW


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

    hosting: Any
    fraction: float | None = None
    mw: float | None = None
    decision: Any = 0
    name: str = ""

    def __post_init__(self) -> None:
        if (self.fraction is None) == (self.mw is None):
            raise ValueError(
                f"fraction and mw: give exactly one, got fraction={self.fraction!r} "
                f"and mw={self.mw!r}"
            )
        if self.fraction is not None:
            check("fraction", self.fraction, low=0.0, high=1.0)
        else:
            check("mw", self.mw, low=0.0, unit="[MW]")

    def converted_mw(self, site: Site) -> float:
        """Gross MW of the site given to the tenant [MW]."""
        if self.mw is not None:
            if self.mw > site.gross_mw:
                raise ValueError(
                    f"mw must be <= the site's gross_mw ({site.gross_mw} MW), got {self.mw}"
                )
            return float(self.mw)
        return float(self.fraction) * site.gross_mw

    def label(self, site: Site) -> str:
        """The name, or the converted share as text."""
        if self.name:
            return str(self.name)
        return f"{100 * self.converted_mw(site) / site.gross_mw:.4g}% hosted"


def _decision_day(decision: Any, start: pd.Timestamp, days: int) -> int:
    """Day of the scenario on which the decision falls, in ``[0, days)``."""
    if isinstance(decision, bool):
        raise ValueError(f"decision must be a whole number of days or a date, got {decision!r}")
    if isinstance(decision, numbers.Real):
        if not float(decision).is_integer():
            raise ValueError(f"decision must be a whole number of days, got {decision!r}")
        day = int(decision)
    else:
        try:
            when = pd.Timestamp(decision)
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"decision must be a whole number of days or a date, got {decision!r}"
            ) from error
        day = (when.normalize() - start.normalize()).days
    if not 0 <= day < days:
        raise ValueError(
            f"decision must fall within the horizon, days 0 to {days - 1} from "
            f"{start.date()}, got {decision!r} (day {day})"
        )
    return day


def _shifted(values: np.ndarray, offset: int) -> np.ndarray:
    """``values`` delayed by ``offset`` days along the last axis (zeros before)."""
    out = np.zeros_like(values)
    if offset < values.shape[-1]:
        out[..., offset:] = values[..., : values.shape[-1] - offset]
    return out


@dataclasses.dataclass(frozen=True)
class _Plan:
    """Deterministic daily inputs of one option (pure mining or a split)."""

    label: str
    fleet_scale: np.ndarray
    extra_cash_flow: np.ndarray
    hosting: Any
    it_mw: float
    decision_day: int
    contract_tail: bool = False


def _plan(site: Site, split: Split | None, start: pd.Timestamp, days: int) -> _Plan:
    converted = 0.0 if split is None else split.converted_mw(site)
    decision = 0 if split is None else _decision_day(split.decision, start, days)
    it_load = np.zeros(days)
    it_mw = 0.0
    if split is not None and converted > 0:
        it_mw = converted / split.hosting.gross_to_it
        it_load = _shifted(split.hosting.it_load(days), decision)
    available = np.maximum(site.gross_mw - converted * it_load, 0.0)
    fleet_mw = site.fleet_mw
    scale = np.minimum(1.0, available / fleet_mw) if fleet_mw > 0 else np.zeros(days)
    mining_mw = fleet_mw * scale
    extra = site.demand_response * mining_mw / DAYS_PER_YEAR
    extra[0] -= site.mining_capex_per_mw * float(mining_mw.max())
    label = "pure mining" if split is None else split.label(site)
    hosting = None if split is None else split.hosting
    return _Plan(label, scale, extra, hosting, it_mw, decision)


@dataclasses.dataclass(frozen=True)
class SiteComparison:
    """Pure mining and each split valued on the same paths.

    Attributes
    ----------
    npv : xarray.DataArray
        NPV of the whole site at the scenario's start [USD] over ``option``
        and ``path``.
    monthly_cash_flow : xarray.DataArray
        Site cash flow per calendar month of the scenario [USD/month] over
        ``option``, ``path`` and ``month`` (the months of
        ``SimulationResult.monthly``).
    mining : dict of SimulationResult
        The mining part of each option (its ``summary.npv`` includes the
        site's demand-response revenue and mining capex).
    options : tuple of str
        Option labels; the first is pure mining.
    site : Site
    scenario : MiningScenario
        The market models and horizon shared by all options.
    """

    npv: xr.DataArray
    monthly_cash_flow: xr.DataArray
    mining: dict[str, SimulationResult]
    options: tuple[str, ...]
    site: Site
    scenario: MiningScenario
    _plans: tuple[_Plan, ...] = dataclasses.field(repr=False, default=())

    def _check_option(self, option: str, *, allow_base: bool = True) -> None:
        valid = list(self.options if allow_base else self.options[1:])
        if option not in valid:
            raise ValueError(f"option must be one of {valid}, got {option!r}")

    def table(self, level: float = 0.95) -> pd.DataFrame:
        """Per option: NPV distribution, IRR, payback and comparison with pure mining.

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
            ``median_irr`` [1/year, from monthly flows; nan where no path has
            one], ``median_payback_months`` [months; inf = never],
            ``probability_beats_pure_mining`` and
            ``probability_mining_wins`` [-] (strictly higher NPV, path by
            path; both 0 for pure mining itself).
        """
        base = self.npv.sel(option=self.options[0]).values
        irr = cashflow.irr(self.monthly_cash_flow.values, periods_per_year=12)
        payback = _payback_months(self.monthly_cash_flow.values)
        shortfall = f"expected_shortfall_{_suffix(level)}"
        rows = []
        for index, option in enumerate(self.options):
            values = self.npv.sel(option=option).values
            stats = risk.summarize(values, level=level)
            irrs = irr[index][np.isfinite(irr[index])]
            rows.append(
                {
                    "mean_npv": stats["mean"],
                    "p5_npv": stats["p5"],
                    "median_npv": stats["p50"],
                    "p95_npv": stats["p95"],
                    "probability_of_loss": stats["probability_of_loss"],
                    shortfall: stats[shortfall],
                    "median_irr": float(np.median(irrs)) if irrs.size else float("nan"),
                    "median_payback_months": float(np.median(payback[index])),
                    "probability_beats_pure_mining": float(np.mean(values > base)),
                    "probability_mining_wins": float(np.mean(base > values)),
                }
            )
        return pd.DataFrame(rows, index=pd.Index(self.options, name="option"))

    def probability_mining_wins(self, option: str) -> float:
        """Share of paths on which pure mining has a strictly higher NPV than ``option`` [-]."""
        self._check_option(option)
        base = self.npv.sel(option=self.options[0]).values
        return float(np.mean(base > self.npv.sel(option=option).values))

    def breakeven_btc_price(
        self, option: str, *, low: float = 1_000.0, high: float = 1_000_000.0
    ) -> float:
        """Constant BTC price at which pure mining and ``option`` have equal NPV.

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
        Both options are valued on one deterministic path: the BTC price
        held at the candidate price from the start, the fee and hashrate
        models with their noise switched off (a :class:`~minerecon.fees.StochasticFees`
        level reverts to ``mean_level`` without shocks or spikes; hashrate
        keeps its growth or economic response, volatility 0), and the
        tenant's default in expectation (survival probability instead of a
        sampled default day). The root of ``NPV_mining(P) - NPV_option(P)``
        is found with Brent's method; above it mining is worth more, as the
        split gives up mining revenue.
        """
        from scipy.optimize import brentq

        self._check_option(option, allow_base=False)
        check("low", low, low=0, low_open=True, unit="[USD/BTC]")
        check("high", high, low=low, low_open=True, unit="[USD/BTC]")
        plans = {plan.label: plan for plan in self._plans}

        def gap(btc_price: float) -> float:
            scenario = _deterministic(self.scenario, btc_price)
            values = [
                _option_npv(plans[label], scenario, 1, 0, expected=True)[0][0]
                for label in (self.options[0], option)
            ]
            return float(values[0] - values[1])

        lo, hi = gap(low), gap(high)
        if lo == 0.0:
            return float(low)
        if hi == 0.0:
            return float(high)
        if lo > 0.0 and hi > 0.0:
            return 0.0
        if lo < 0.0 and hi < 0.0:
            return float("inf")
        return float(brentq(gap, low, high, xtol=1e-9, rtol=1e-13, maxiter=200))


def _suffix(level: float) -> str:
    return f"{level * 100:g}".replace(".", "_")


def _payback_months(monthly: np.ndarray) -> np.ndarray:
    """Months until cumulative cash turns non-negative for good (inf = never).

    The count of months up to and including the last one that ends with
    negative cumulative cash (0 if none does), as the engine's
    ``payback_days``.
    """
    cumulative = np.cumsum(monthly, axis=-1)
    negative = cumulative < 0
    last = np.where(
        negative.any(axis=-1), monthly.shape[-1] - np.argmax(negative[..., ::-1], axis=-1), 0
    )
    return np.where(negative[..., -1], np.inf, last.astype(float))


def _deterministic(scenario: MiningScenario, btc_price: float) -> MiningScenario:
    """The scenario on one noise-free path with the BTC price held at ``btc_price``."""
    from minerecon import price

    hashrate = scenario._hashrate_model()
    fees = scenario._fee_model()
    start = scenario.start.replace(btc_price=btc_price)
    return scenario.replace(
        start=start,
        price=price.ConstantPrice(),
        hashrate=dataclasses.replace(hashrate, volatility=0.0),
        fees=_without_noise(fees),
    )


def _without_noise(model: Any) -> Any:
    from minerecon import fees

    if isinstance(model, fees.StochasticFees):
        return dataclasses.replace(model, volatility=0.0, spike_rate=0.0)
    return model


def _option_npv(
    plan: _Plan,
    scenario: MiningScenario,
    n_paths: int,
    seed: Any,
    *,
    expected: bool = False,
    **run: Any,
) -> tuple[np.ndarray, np.ndarray, SimulationResult]:
    mining = simulate(
        scenario.replace(fleet_scale=plan.fleet_scale, extra_cash_flow=plan.extra_cash_flow),
        n_paths,
        seed=seed,
        **run,
    )
    npv = mining.summary.npv.values.copy()
    monthly = mining.monthly.cash_flow.values.copy()
    if plan.hosting is not None and plan.it_mw > 0:
        hosting_npv, hosting_monthly = _hosting_paths(
            plan, scenario, n_paths, mining.seed, expected=expected
        )
        npv += hosting_npv
        monthly += hosting_monthly
    return npv, monthly, mining


def _hosting_paths(
    plan: _Plan,
    scenario: MiningScenario,
    n_paths: int,
    root: Any,
    *,
    expected: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """NPV [USD] and monthly flows [USD/month] of the hosting contract on each path.

    The contract's day 0 is the scenario's day ``plan.decision_day``; its
    default days come from the TENANT stream of ``root`` (the same on every
    option), or are replaced by the survival probability when ``expected``.
    """
    days = scenario.days
    contract = plan.hosting
    power_price = _daily_power_price(scenario)
    local_days = days - plan.decision_day
    # With the contract's tail, flows run to its end (extensions included) and the part
    # after the horizon comes back as one discounted lump on the last day.
    contract_days = max(local_days, contract.horizon_days) if plan.contract_tail else local_days
    local_price = power_price[plan.decision_day :]
    if contract_days > local_days:
        beyond = np.arange(1, contract_days - local_days + 1) / DAYS_PER_YEAR
        growth = (1 + scenario.power_price_escalation) ** beyond
        local_price = np.concatenate([local_price, local_price[-1] * growth])
    if expected:
        flows = contract.expected_daily_cash_flows(
            contract_days, it_mw=plan.it_mw, power_price=local_price
        )["cash_flow"]
        flows = np.broadcast_to(flows, (n_paths, contract_days))
    else:
        defaults = _random.Streams(root).fill(
            _random.TENANT,
            0,
            n_paths,
            1,
            lambda rng, out: out.__setitem__(
                slice(None), contract.sample_default_days(rng, out.shape[0])[:, None]
            ),
        )[:, 0]
        flows = contract.daily_cash_flows(
            contract_days, it_mw=plan.it_mw, power_price=local_price, default_day=defaults
        )["cash_flow"]
    if contract_days > local_days:
        tail = (
            flows[:, local_days:]
            @ cashflow.discount_factors(contract_days - local_days + 1, scenario.discount_rate)[1:]
        )
        flows = flows[:, :local_days].copy()
        flows[:, -1] += tail
    flows = np.concatenate([np.zeros((n_paths, plan.decision_day)), flows], axis=1)
    discount = cashflow.discount_factors(days, scenario.discount_rate)
    months = scenario.dates.to_period("M")
    starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
    return flows @ discount, np.add.reduceat(flows, starts, axis=1)


def compare(
    site: Site,
    splits: Sequence[Split] | Mapping[str, Split] = (),
    *,
    scenario: MiningScenario | None = None,
    n_paths: int = 1000,
    seed: Any = None,
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
        Market models, horizon, start and discount rate; its fleet and costs
        (power price, PUE, pool fee) are replaced by the site's. By default
        a 10-year horizon from the last day of the bundled history with
        constant price, fees and hashrate.
    n_paths : int, default 1000
        Paths.
    seed : int, SeedSequence or Generator, optional
        One seed for all options, so they share their price, fee, hashrate
        and tenant-default paths (common random numbers).
    contract_tail : bool, default False
        Value the hosting contract to its end (term and extensions) even
        where it outlasts the horizon: the flows after the horizon are
        discounted and booked on its last day. Without it a contract is cut
        at the horizon, which undervalues long leases against mining.
    **run
        Passed to :func:`minerecon.projection.simulate` (``chunk_size``,
        ``memory_budget_mb``, ``threads``, ``progress``).

    Returns
    -------
    SiteComparison

    Notes
    -----
    Site NPV of an option = NPV of the mining engine run with the option's
    daily fleet scale and extra flows (demand response, mining capex) +
    NPV of the hosting contract's daily flows, both discounted daily to the
    scenario's start: ``sum_t c_t (1 + r) ** (-t / 365)``.

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

    NPV in million USD: the split keeps 2 MW of mining (52 % of the fleet)
    and adds the lease, worth 2.75 M USD over the year at 10 %:

    >>> (result.npv / 1e6).round(2).values.tolist()
    [[1.95], [3.76]]
    >>> round(result.breakeven_btc_price("50% hosted"))    # above it, mining wins
    186730
    """
    base = scenario if scenario is not None else MiningScenario(site.fleet, days=3650)
    base = base.replace(
        fleet=site.fleet,
        power_price=site.power_price,
        power_price_escalation=site.power_price_escalation,
        pue=site.mining_pue,
        pool_fee=site.pool_fee,
    )
    items = list(splits.items()) if isinstance(splits, Mapping) else [(None, s) for s in splits]
    plans = [_plan(site, None, base.start.date, base.days)]
    if not isinstance(contract_tail, bool):
        raise ValueError(f"contract_tail must be True or False, got {contract_tail!r}")
    for label, split in items:
        if not isinstance(split, Split):
            raise ValueError(f"splits must hold Split objects, got {type(split).__name__}")
        plan = dataclasses.replace(
            _plan(site, split, base.start.date, base.days), contract_tail=contract_tail
        )
        plans.append(dataclasses.replace(plan, label=str(label)) if label is not None else plan)
    labels = [plan.label for plan in plans]
    if len(set(labels)) != len(labels):
        raise ValueError(
            f"splits must have unique labels, different from {labels[0]!r} "
            f"(give Split.name or a mapping), got {labels}"
        )
    root = _random.seed_sequence(seed)
    npvs, monthlies, minings = [], [], {}
    for plan in plans:
        npv, monthly, mining = _option_npv(plan, base, n_paths, root, **run)
        npvs.append(npv)
        monthlies.append(monthly)
        minings[plan.label] = mining
    month = minings[labels[0]].monthly.month
    return SiteComparison(
        npv=xr.DataArray(
            np.array(npvs),
            dims=("option", "path"),
            coords={"option": labels},
            attrs={"units": "USD"},
        ),
        monthly_cash_flow=xr.DataArray(
            np.array(monthlies),
            dims=("option", "path", "month"),
            coords={"option": labels, "month": month},
            attrs={"units": MONTHLY["cash_flow"]},
        ),
        mining=minings,
        options=tuple(labels),
        site=site,
        scenario=base,
        _plans=tuple(plans),
    )


def optimal_split(
    site: Site,
    hosting: Any,
    *,
    fractions: Sequence[float] = tuple(np.linspace(0.0, 1.0, 11)),
    objective: str | Callable[[np.ndarray], float] = "mean",
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
    if isinstance(objective, str) and objective == "mean":
        score: Callable[[np.ndarray], float] = lambda npv: float(np.mean(npv))  # noqa: E731
    elif isinstance(objective, str) and objective == "cvar":
        score = lambda npv: -float(risk.expected_shortfall(npv, level))  # noqa: E731
    elif callable(objective):
        score = objective
    else:
        raise ValueError(f"objective must be 'mean', 'cvar' or a callable, got {objective!r}")
    values = [float(check("fractions", f, low=0.0, high=1.0)) for f in fractions]
    if not values or len(set(values)) != len(values):
        raise ValueError(f"fractions must be distinct and not empty, got {values}")
    # A fraction of 0 is pure mining itself: it is scored from pure mining's paths.
    splits = {f"fraction={f!r}": Split(hosting, fraction=f) for f in values if f > 0}
    result = compare(site, splits, **compare_kwargs)
    labels = [result.options[0] if f == 0 else f"fraction={f!r}" for f in values]
    scores = pd.Series(
        [score(result.npv.sel(option=label).values) for label in labels],
        index=pd.Index(values, name="fraction"),
        name=objective if isinstance(objective, str) else "objective",
    )
    return float(scores.idxmax()), scores
