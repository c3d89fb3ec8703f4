"""Monte Carlo projection of a mining fleet's economics, day by day.

A :class:`MiningScenario` wires the sub-models together: BTC price paths
(:mod:`minerecon.price`), fees (:mod:`minerecon.fees`), network hashrate and
the retarget simulator (:mod:`minerecon.difficulty`), and a fleet of
:class:`~minerecon.hardware.Deployment` with its costs. :func:`simulate`
runs it over many paths and returns a :class:`SimulationResult`.

How a path is computed, day by day
----------------------------------
1. Network hashrate moves (growth or economic response, plus noise).
2. The chain advances 86,400 s: blocks arrive at the rate difficulty and
   hashrate imply; retargets and halvings happen where the blocks say.
   One TH/s earns the expected reward of the day, ``reward`` [BTC].
3. Each deployment runs if its revenue per TH/s covers its energy cost per
   TH/s that day, and is switched off (counted) otherwise; fixed costs are
   paid either way.
4. Cash flow = revenue (mined BTC sold that day, or held and sold on the
   last day) - energy - fixed costs - capex on delivery + resale on the
   last day; it is discounted at the scenario's rate.

Randomness and performance
--------------------------
Random numbers come from numpy generators keyed by seed, model component
and block of 100 paths (user guide, "Randomness"), so results do not depend
on the chunk size or the number of threads, and two scenarios run with the
same seed see the same price, fee and hashrate paths (common random
numbers). The day-by-day recursion runs in one compiled kernel (numba),
parallel over paths; paths are processed in chunks sized to a memory
budget, and only per-path summaries and monthly series are kept unless the
daily cash flows (``output="flows"``) or every daily series (``"full"``)
are asked for.

NPV, IRR and payback of a path all come from the same daily cash flows:
the NPV discounts them daily, the IRR is the rate at which that NPV is
zero (:func:`minerecon.cashflow.irr` with 365 periods a year) and the
payback is :func:`minerecon.cashflow.payback_period` of them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

import numba
import numpy as np
import pandas as pd
import xarray as xr

from minerecon import _fold, _parallel, _random, cashflow, risk
from minerecon._contract import MinereconWarning, check, check_scalar
from minerecon._kernels import mining_kernel
from minerecon.difficulty import (
    ConstantGrowth,
    EconomicHashrate,
    HashrateModel,
    _hashrate_shocks,
    start_chain,
)
from minerecon.hardware import Deployment, Fleet, Miner, deployments
from minerecon.network import (
    NetworkState,
    hashrate_from_difficulty,
)
from minerecon.power import PowerPriceModel, ReserveOffer
from minerecon.price import PriceModel, _count, _megabytes, _physical_memory
from minerecon.typing import ArrayLike, DateLike, FloatArray, SeedLike
from minerecon.units import DAYS_PER_YEAR, HOURS_PER_DAY

if TYPE_CHECKING:
    import distributed

    from minerecon.fees import FeeKind
    from minerecon.price import GBM

__all__ = [
    "Calibrated",
    "MiningScenario",
    "SimulationResult",
    "backtest",
    "calibrate",
    "compare_machines",
    "default_market",
    "fleet_schedule",
    "simulate",
]

#: Largest chunk of paths by default: beyond it, bigger buffers buy no speed.
MAX_CHUNK_PATHS = 10_000

# The default power price [USD/kWh], one object, so that a scenario with a
# power market can tell that no power price was given.
_DEFAULT_POWER_PRICE = 0.05

#: Largest run :func:`simulate` accepts, ``n_paths x days`` [path-days]: at about
#: 60 ns a path-day on two cores, a day of computing. Memory no longer bounds a
#: run (``keep_paths``); this catches a mistyped size before it starts.
MAX_PATH_DAYS = 10**12

#: Daily variables of the full output, with units.
DAILY = {
    "price": "USD/BTC",
    "difficulty": "-",
    "hashrate": "TH/s",
    "fees": "BTC/block",
    "reward_per_th": "BTC/TH/day",
    "btc_mined": "BTC/day",
    "revenue": "USD/day",
    "energy_cost": "USD/day",
    "other_cost": "USD/day",
    "cash_flow": "USD/day",
    "cumulative_cash": "USD",
    "fleet_hashrate_on": "TH/s",
    "breakeven_btc_price": "USD/BTC",
}

#: Monthly variables kept for every path, with units.
MONTHLY = {
    "cash_flow": "USD/month",
    "btc_mined": "BTC/month",
    "revenue": "USD/month",
    "energy_cost": "USD/month",
    "other_cost": "USD/month",
    "price": "USD/BTC (month end)",
    "difficulty": "- (month end)",
    "hashrate": "TH/s (month end)",
    "cumulative_cash": "USD (month end)",
    "btc_all_on": "BTC/month",
    "energy_all_on": "USD/month",
    "hashprice": "USD/TH/day (month end, before pool fee)",
}
_M = {name: index for index, name in enumerate(MONTHLY)}
_D = {name: index for index, name in enumerate(DAILY)}

#: Per-path summaries, with units.
SUMMARY = {
    "npv": "USD",
    "irr": "1/year",
    "payback_days": "days",
    "payback_days_btc": "days",
    "btc_mined": "BTC",
    "revenue": "USD",
    "energy_cost": "USD",
    "other_cost": "USD",
    "final_cash": "USD",
    "halving_day": "days",
}
_S = {name: index for index, name in enumerate(SUMMARY)}


class FeeModel(Protocol):
    """What the engine draws fees from.

    The models of :mod:`minerecon.fees`, or any object with their ``kind``
    and ``sample`` (see that module).
    """

    @property
    def kind(self) -> FeeKind:
        """``"btc_per_block"`` or ``"share"``: the unit of the paths."""

    def sample(self, rng: np.random.Generator, out: FloatArray) -> None:
        """Fill ``out`` (n_paths, n_days) in place with daily fee paths."""


def _check_scenario(scenario: object) -> None:
    if not isinstance(scenario, MiningScenario):
        raise ValueError(
            f"scenario must be a MiningScenario, got {type(scenario).__name__} {scenario!r:.60}"
        )


def _check_model(name: str, model: object, method: str, module: str) -> None:
    """A price or fee model is anything with the engine's ``sample`` method (or None)."""
    # pandas objects have a sample method of their own (random rows), not the engine's
    if model is not None and (
        isinstance(model, pd.Series | pd.DataFrame) or not callable(getattr(model, "sample", None))
    ):
        raise ValueError(
            f"{name} must be a model with a {method} method (see {module}), or None for a "
            f"constant, got {type(model).__name__} {model!r}"
        )


@dataclasses.dataclass(frozen=True)
class MiningScenario:
    """A fleet, its costs and the models of its market, over a horizon.

    Parameters
    ----------
    fleet : Fleet, Deployment or sequence of Deployment
        The machines; a :class:`~minerecon.hardware.Fleet` starts on day 0
        with no capex.
    start : NetworkState, optional
        Network on day 0; the last day of the bundled history by default.
        A date is refused: the network of a past day is
        ``NetworkState.from_history(date)``.
    days : int, default 1461
        Horizon [days] (1461 = four years), >= 2, ending before 2262-04-11
        (``pandas.Timestamp.max``, the last day of nanosecond dates).
    price : price model, optional
        BTC price paths (:mod:`minerecon.price`); constant at
        ``start.btc_price`` by default.
    fees : fee model, optional
        Fees (:mod:`minerecon.fees`); constant at ``start.fees_per_block``
        by default.
    hashrate : ConstantGrowth or EconomicHashrate, optional
        Network hashrate; constant by default.
    power_price : float or sequence, default 0.05
        Price of electricity [USD/kWh], finite, >= 0: a constant, or one
        value per day.
    power_price_escalation : float, default 0
        Annual escalation applied to ``power_price`` [1/year], finite, >= -1.
    pue : float, default 1.0
        Power usage effectiveness [-], finite, >= 1.
    pool_fee : float, default 0
        FPPS pool fee [-], in [0, 1); the pool pays the expected reward net of it.
    discount_rate : float, default 0.10
        Annual discount rate for NPV [-], finite, > -1.
    policy : {"sell", "hold"}, default "sell"
        Sell mined BTC each day, or hold them and sell on the last day.
    switch_off : bool, default True
        A machine group stands idle on days its revenue does not pay for its
        energy, and buys none. False: the machines run every day, as under a
        take-or-pay power contract, where the energy is paid for anyway.
    fleet_scale : sequence, optional
        Share of the fleet at work each day [-], in [0, 1]: it scales
        hashrate, power and fixed costs (not capex or resale). Site splits
        use it to shrink the fleet as power goes to another use.
    extra_cash_flow : sequence, optional
        Other deterministic cash flows per day [USD/day], such as
        demand-response revenue or site capex, added to every path.
    block_arrivals : {"expected", "poisson"}, default "expected"
        The blocks found each day: their expected number (the network's
        hashrate over the difficulty), or a Poisson count of it, so an epoch
        lasts as long as its blocks took and retargets and halvings fall on
        random days. The reward per TH/s stays a pool's expected value per
        share; :mod:`minerecon.pools` gives the variance of other schemes.
    payout : {"pool", "solo"}, default "pool"
        How the fleet is paid: a pool's expected value per share (FPPS, less
        ``pool_fee``), or solo: the blocks its running machines find, a
        binomial share of the day's Poisson count, each worth the subsidy and
        fees (needs ``block_arrivals="poisson"`` and ``pool_fee=0``).
        Switch-off decisions use the expected value either way.
    power_market : PowerPriceModel, optional
        Hourly market prices (:mod:`minerecon.power`, for example
        :func:`~minerecon.power.ercot_price_model`) instead of one price a
        day: each machine group runs in the hours whose price does not
        exceed what it earns, and pays each hour's price. ``power_price``
        is then an adder per kWh on top of the market price (delivery and
        retail charges) and must be given explicitly (0 for none);
        ``power_price_escalation`` applies to the sum. Days are taken as
        24 market hours from local midnight of the start; the hourly paths
        come from the scenario's seed (component ``POWER``), so path ``i``
        sees the same hours as ``power_market.simulate(..., seed=seed)``.
    reserve : ReserveOffer, optional
        With a ``power_market``: a share of each group's load offered as a
        reserve, hour by hour by :func:`~minerecon.power.responsive_reserve`'s
        rule (offered while the payment and the expected margin beat
        stopping, off when called). The payments are credits against the
        energy cost, as miners report them.
    """

    fleet: Fleet | Deployment | Sequence[Deployment]
    start: NetworkState | None = None
    days: int = 1461
    price: PriceModel | None = None
    fees: FeeModel | None = None
    hashrate: HashrateModel | None = None
    power_price: ArrayLike = _DEFAULT_POWER_PRICE
    power_price_escalation: float = 0.0
    pue: float = 1.0
    pool_fee: float = 0.0
    discount_rate: float = 0.10
    policy: Literal["sell", "hold"] = "sell"
    switch_off: bool = True
    fleet_scale: ArrayLike | None = None
    extra_cash_flow: ArrayLike | None = None
    block_arrivals: Literal["expected", "poisson"] = "expected"
    payout: Literal["pool", "solo"] = "pool"
    power_market: PowerPriceModel | None = None
    reserve: ReserveOffer | None = None

    def __post_init__(self) -> None:
        fleet = deployments(self.fleet)
        object.__setattr__(self, "fleet", fleet)
        if self.start is None:
            object.__setattr__(self, "start", NetworkState.latest())
        if not isinstance(self.start, NetworkState):
            hint = ""
            if isinstance(self.start, str | dt.date | np.datetime64):
                hint = (
                    "; for the network of a past day use "
                    f"NetworkState.from_history({self.start!r})"
                )
            raise ValueError(
                "start must be a NetworkState, or None for the last day of the bundled history, "
                f"got {type(self.start).__name__} {self.start!r}{hint}"
            )
        _check_model("price", self.price, "sample(rng, out, start_price)", "minerecon.price")
        _check_model("fees", self.fees, "sample(rng, out)", "minerecon.fees")
        kind = getattr(self.fees, "kind", "btc_per_block")
        if not isinstance(kind, str) or kind not in ("btc_per_block", "share"):
            raise ValueError(f"fees must have kind 'btc_per_block' or 'share', got {kind!r}")
        if self.hashrate is not None and not isinstance(
            self.hashrate, ConstantGrowth | EconomicHashrate
        ):
            raise ValueError(
                "hashrate must be a ConstantGrowth or EconomicHashrate model "
                f"(minerecon.difficulty), or None for a constant hashrate, "
                f"got {type(self.hashrate).__name__} {self.hashrate!r}"
            )
        longest = (pd.Timestamp.max - self.start.date).days
        if (
            isinstance(self.days, bool | np.bool_)
            or not isinstance(self.days, int | np.integer)
            or not 2 <= self.days <= longest
        ):
            raise ValueError(
                f"days must be a whole number in [2, {longest}] (the horizon must end before "
                f"{pd.Timestamp.max.date()}, pandas.Timestamp.max), got {self.days!r}"
            )
        power_price = check("power_price", self.power_price, low=0, unit="[USD/kWh]")
        if np.ndim(power_price) not in (0, 1) or (
            np.ndim(power_price) == 1 and len(power_price) != self.days
        ):
            raise ValueError(
                f"power_price must be a number or have one value per day (days={self.days}), "
                f"got shape {np.shape(power_price)}"
            )
        if not np.isfinite(power_price).all():
            raise ValueError("power_price must be finite [USD/kWh]")
        for name, bounds in {
            "power_price_escalation": dict(low=-1, unit="[1/year]"),
            "pue": dict(low=1.0, unit="[-]"),
            "pool_fee": dict(low=0, high=1, high_open=True, unit="[-]"),
            "discount_rate": dict(low=-1, low_open=True, unit="[1/year]"),
        }.items():
            object.__setattr__(self, name, check_scalar(name, getattr(self, name), **bounds))
        for name in ("fleet_scale", "extra_cash_flow"):
            value = getattr(self, name)
            if value is None:
                continue
            if name == "fleet_scale":
                value = check(name, value, low=0.0, high=1.0)
            else:
                value = check(name, value, unit="[USD/day]")
            if np.shape(value) != (self.days,):
                raise ValueError(
                    f"{name} must have one value per day (days={self.days}), "
                    f"got shape {np.shape(value)}"
                )
            if not np.isfinite(value).all():
                raise ValueError(f"{name} must be finite")
        if not isinstance(self.policy, str) or self.policy not in ("sell", "hold"):
            raise ValueError(f"policy must be 'sell' or 'hold', got {self.policy!r}")
        if not isinstance(self.switch_off, bool | np.bool_):
            raise ValueError(f"switch_off must be True or False, got {self.switch_off!r}")
        if not isinstance(self.block_arrivals, str) or self.block_arrivals not in (
            "expected",
            "poisson",
        ):
            raise ValueError(
                f"block_arrivals must be 'expected' or 'poisson', got {self.block_arrivals!r}"
            )
        if not isinstance(self.payout, str) or self.payout not in ("pool", "solo"):
            raise ValueError(f"payout must be 'pool' or 'solo', got {self.payout!r}")
        if self.payout == "solo" and self.block_arrivals != "poisson":
            raise ValueError(
                "payout 'solo' needs block_arrivals='poisson': a solo miner is paid the "
                "blocks it finds, which only a count of blocks gives"
            )
        if self.payout == "solo" and self.pool_fee != 0:
            raise ValueError(f"pool_fee must be 0 when mining solo, got {self.pool_fee}")
        object.__setattr__(self, "switch_off", bool(self.switch_off))
        if self.power_market is not None:
            if not isinstance(self.power_market, PowerPriceModel):
                raise ValueError(
                    "power_market must be a minerecon.power.PowerPriceModel or None, "
                    f"got {type(self.power_market).__name__}"
                )
            if self.power_price is _DEFAULT_POWER_PRICE:
                raise ValueError(
                    "power_price must be given with power_market: it is the adder per kWh on "
                    "top of the market price (delivery and retail charges), 0 for none"
                )
        if self.reserve is not None:
            if not isinstance(self.reserve, ReserveOffer):
                raise ValueError(
                    "reserve must be a minerecon.power.ReserveOffer or None, "
                    f"got {type(self.reserve).__name__}"
                )
            if self.power_market is None or not self.switch_off:
                raise ValueError(
                    "reserve needs a power_market and switch_off=True: a reserve is offered "
                    "hour by hour by a load that can stop"
                )
        for deployment in fleet:
            if deployment.delivery_day(self.start.date) >= self.days:
                raise ValueError(
                    f"delivery of {_miner(deployment).name} falls after the horizon "
                    f"of {self.days} days"
                )

    def replace(self, **changes: Any) -> MiningScenario:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def settings(self) -> dict[str, str | float | bool]:
        """The cost and valuation settings as plain values, defaults included.

        ``power_price`` [USD/kWh] is the mean over the days when it is given
        per day (``power_price_varies`` says so). :func:`simulate` stores
        these in the ``attrs`` of its datasets.
        """
        power = np.asarray(self.power_price, dtype=float)
        return {
            "start": str(_start(self).date.date()),
            "days": int(self.days),
            "power_price": float(power.mean()),
            "power_price_varies": bool(power.ndim == 1 and np.ptp(power) > 0),
            "power_price_escalation": self.power_price_escalation,
            "pue": self.pue,
            "pool_fee": self.pool_fee,
            "discount_rate": self.discount_rate,
            "policy": self.policy,
            "switch_off": self.switch_off,
            "block_arrivals": self.block_arrivals,
            "payout": self.payout,
            "power_market": "" if self.power_market is None else self.power_market.source,
            "reserve": "" if self.reserve is None else _reserve_text(self.reserve),
        }

    def describe(self) -> list[str]:
        """The scenario in words, one line each, with every value used.

        Settings left at the defaults of the core functions say so: a pool
        fee of 0 and a PUE of 1.0 are rarely what a site pays.
        """
        start, settings = _start(self), self.settings()
        fleet = Fleet.from_deployments(_fleet(self))
        end = start.date + pd.Timedelta(days=self.days - 1)
        lines = [
            f"start {start.date.date()}: height {start.height:,}, BTC {start.btc_price:,.0f} USD, "
            f"difficulty {start.difficulty / 1e12:,.2f} T, fees {start.fees_per_block:.4g} "
            f"BTC/block, subsidy {start.subsidy:g} BTC; {self.days:,} days to {end.date()}",
            f"fleet: {fleet.count:,} machines, {_hashrate_text(fleet.hashrate)} at "
            f"{fleet.efficiency:.2f} J/TH",
            (
                f"hourly market price ({settings['power_market']}) plus "
                if self.power_market is not None
                else ""
            )
            + "power price "
            + ("mean " if settings["power_price_varies"] else "")
            + f"{settings['power_price']:.4g} USD/kWh"
            + (" (per day)" if settings["power_price_varies"] else "")
            + f", escalation {self.power_price_escalation:.2%}/year",
            f"PUE {self.pue:.2f}"
            + (" (default: no cooling or conversion overhead)" if self.pue == 1.0 else ""),
            f"pool fee {self.pool_fee:.2%}"
            + (" (default: no pool fee)" if self.pool_fee == 0.0 else ""),
            f"discount rate {self.discount_rate:.2%}/year (annual effective, daily flows)",
            "policy: "
            + ("sell the BTC mined each day" if self.policy == "sell" else "hold to the end"),
            (
                "machines idle in hours they do not earn their energy"
                if self.power_market is not None
                else "machines idle on days they do not earn their energy"
            )
            if self.switch_off
            else "machines always on (take-or-pay power)",
        ]
        if self.reserve is not None:
            lines.append(f"reserve: {_reserve_text(self.reserve)}")
        if self.block_arrivals == "poisson":
            lines.append("blocks: a Poisson count each day (epochs of random length)")
        if self.payout == "solo":
            lines.append("payout: solo, the blocks the fleet finds")
        for component, default in (
            ("price", "constant at the start's price"),
            ("fees", "constant at the start's fees"),
            ("hashrate", "constant"),
        ):
            model = getattr(self, component)
            lines.append(f"{component}: " + (default if model is None else _model_text(model)))
        return lines

    @property
    def dates(self) -> pd.DatetimeIndex:
        """The simulated days."""
        return pd.date_range(_start(self).date, periods=self.days, freq="D")

    def _price_model(self) -> PriceModel:
        from minerecon import price

        return self.price if self.price is not None else price.ConstantPrice()

    def _fee_model(self) -> FeeModel:
        from minerecon import fees

        if self.fees is not None:
            return self.fees
        return fees.ConstantFees(_start(self).fees_per_block)

    def _hashrate_model(self) -> HashrateModel:
        return self.hashrate if self.hashrate is not None else ConstantGrowth(0.0)


def _start(scenario: MiningScenario) -> NetworkState:
    """The scenario's start, which ``MiningScenario.__post_init__`` sets."""
    return cast(NetworkState, scenario.start)


def _fleet(scenario: MiningScenario) -> tuple[Deployment, ...]:
    """The scenario's fleet, which ``MiningScenario.__post_init__`` makes Deployments."""
    return cast("tuple[Deployment, ...]", scenario.fleet)


def _miner(deployment: Deployment) -> Miner:
    """A deployment's machine: a catalogue name is looked up on construction."""
    miner = deployment.miner
    assert isinstance(miner, Miner)
    return miner


def _reserve_text(offer: ReserveOffer) -> str:
    return (
        f"{offer.share:.0%} of the load offered at {offer.payment:g} USD/MW/h, "
        f"{offer.calls:.1%} of offered hours called"
    )


def _hashrate_text(terahash: float) -> str:
    """A hashrate [TH/s] in the largest unit that keeps it at 1 or more."""
    for unit, scale in (("EH/s", 1e6), ("PH/s", 1e3)):
        if terahash >= scale:
            return f"{terahash / scale:,.4g} {unit}"
    return f"{terahash:,.4g} TH/s"


def _model_text(model: object) -> str:
    """A model's class, numeric fields and the window it was fitted on."""
    if not dataclasses.is_dataclass(model):
        return type(model).__name__
    values = [
        f"{field.name}={getattr(model, field.name):.4g}"
        for field in dataclasses.fields(model)
        if isinstance(getattr(model, field.name), int | float)
        and not isinstance(getattr(model, field.name), bool)
    ]
    text = f"{type(model).__name__}({', '.join(values)})"
    calibration = getattr(model, "calibration", None)
    if calibration is not None:
        text += f", fitted {calibration.start.date()} to {calibration.end.date()}"
    return text


@dataclasses.dataclass(frozen=True)
class _FleetSchedule:
    """Deterministic per-deployment arrays over days."""

    hashrate: np.ndarray  # (groups, days) TH/s hashing if on
    power: np.ndarray  # (groups, days) W drawn if on
    other_cost: np.ndarray  # (groups, days) USD/day, paid on or off
    fixed_flow: np.ndarray  # (days,) capex (-), resale (+) and extra flows, USD
    names: tuple[str, ...]


def fleet_schedule(scenario: MiningScenario) -> _FleetSchedule:
    """Hashrate, power and fixed cash flows of each deployment per day."""
    _check_scenario(scenario)
    days = np.arange(scenario.days, dtype=float)
    groups = _fleet(scenario)
    hashrate = np.zeros((len(groups), scenario.days))
    power = np.zeros_like(hashrate)
    other = np.zeros_like(hashrate)
    fixed = np.zeros(scenario.days)
    for index, group in enumerate(groups):
        delivered_on = group.delivery_day(_start(scenario).date)
        age = np.clip(days - delivered_on, 0, None) / DAYS_PER_YEAR
        alive = (days >= delivered_on) * np.exp(-group.failure_rate * age)
        units = group.count * alive
        miner = _miner(group)
        hashrate[index] = units * miner.hashrate * (1 - group.degradation) ** age * group.uptime
        power[index] = units * miner.power * group.uptime
        other[index] = units * miner.hashrate * group.other_opex
        fixed[delivered_on] -= group.count * group.capex_per_unit
        fixed[-1] += units[-1] * group.resale_value
    if scenario.fleet_scale is not None:
        scale = np.asarray(scenario.fleet_scale, dtype=float)
        hashrate, power, other = hashrate * scale, power * scale, other * scale
    if scenario.extra_cash_flow is not None:
        fixed = fixed + np.asarray(scenario.extra_cash_flow, dtype=float)
    return _FleetSchedule(hashrate, power, other, fixed, tuple(_miner(g).name for g in groups))


@dataclasses.dataclass(frozen=True)
class SimulationResult:
    """What :func:`simulate` returns.

    Attributes
    ----------
    summary : xarray.Dataset
        Per kept path (dimension ``path``; every path unless ``simulate``'s
        ``keep_paths`` kept fewer): ``npv`` [USD], ``irr`` [1/year: the
        rate at which the NPV of the daily cash flows is zero; nan where
        undefined], ``payback_days`` and ``payback_days_btc`` [days from the
        start until cumulative cash, counted in USD or in BTC at each day's
        price, first turns non-negative, interpolated within the day as
        :func:`minerecon.cashflow.payback_period`; inf = never],
        ``btc_mined`` [BTC], ``revenue``,
        ``energy_cost``, ``other_cost``, ``final_cash`` [USD],
        ``halving_day`` [days to the next halving; nan if not reached],
        and ``days_off`` per deployment (dimension ``group``) [days].
    monthly : xarray.Dataset
        Per path and calendar month (dimension ``month``): flows summed over
        the month and levels at its end; see :data:`MONTHLY`.
        ``cost_per_btc`` and ``breakeven_btc_price`` [USD/BTC] are derived:
        cash cost per BTC mined, and the BTC price at which the whole fleet,
        all switched on, would break even.
    daily : xarray.Dataset or None
        Per path and day (dimension ``time``): every variable of
        :data:`DAILY` with ``output="full"``, ``cash_flow`` alone with
        ``output="flows"``, None otherwise.
    scenario : MiningScenario
        The scenario run.
    seed : numpy.random.SeedSequence
        The root of the random streams; pass it again to reproduce the run.
    statistics : xarray.Dataset or None
        Over every path, kept or not: each variable of ``summary`` along
        ``statistic`` (:data:`STATISTICS`: the count of finite values, and
        their mean, sample standard deviation, min and max), and
        ``probability_of_loss`` (share of paths with ``npv < 0``);
        ``attrs["n_paths"]`` is the number of paths run.
    monthly_statistics : xarray.Dataset or None
        The same statistics of each variable of ``monthly``, per month.
    """

    summary: xr.Dataset
    monthly: xr.Dataset
    daily: xr.Dataset | None
    scenario: MiningScenario
    seed: np.random.SeedSequence
    statistics: xr.Dataset | None = None
    monthly_statistics: xr.Dataset | None = None

    def __post_init__(self) -> None:
        kinds = {
            "summary": (xr.Dataset,),
            "monthly": (xr.Dataset,),
            "daily": (xr.Dataset, type(None)),
            "scenario": (MiningScenario,),
            "seed": (np.random.SeedSequence,),
            "statistics": (xr.Dataset, type(None)),
            "monthly_statistics": (xr.Dataset, type(None)),
        }
        for name, kind in kinds.items():
            value = getattr(self, name)
            if not isinstance(value, kind):
                expected = " or ".join("None" if k is type(None) else k.__name__ for k in kind)
                raise ValueError(
                    f"{name} must be {expected} (as simulate returns it), "
                    f"got {type(value).__name__}"
                )

    @property
    def n_paths(self) -> int:
        """Paths run; ``summary`` keeps the first ``summary.sizes["path"]`` of them."""
        if self.statistics is None:
            return int(self.summary.sizes["path"])
        return int(self.statistics.attrs["n_paths"])

    def risk(self, level: float = 0.95) -> pd.Series:
        """Distribution of NPV: mean, quantiles, P(loss), VaR and CVaR [USD].

        ``n``, ``mean``, ``std`` and ``probability_of_loss`` are over every
        path; the quantiles, VaR and CVaR over the kept paths, all of them
        unless ``keep_paths`` kept fewer (``attrs["quantiles_from_paths"]``).
        ``attrs`` also holds the scenario's settings
        (:meth:`MiningScenario.settings`).
        """
        npv = self.summary["npv"].values
        table = risk.summarize(npv, level=level)
        if self.n_paths > npv.size:
            assert self.statistics is not None  # paths beyond the kept ones are counted there
            figures = self.statistics["npv"]
            table["n"] = float(self.n_paths)
            table["mean"] = float(figures.sel(statistic="mean"))
            table["std"] = float(figures.sel(statistic="std"))
            table["probability_of_loss"] = float(self.statistics["probability_of_loss"])
        # pandas-stubs: the attrs setter's Mapping[Hashable | None, Any] refuses str keys
        table.attrs = self.scenario.settings() | {  # type: ignore[assignment]
            "quantiles_from_paths": int(npv.size)
        }
        return table

    def describe(self) -> list[str]:
        """The scenario's lines (:meth:`MiningScenario.describe`) and the run's size and seed."""
        kept = int(self.summary.sizes["path"])
        sample = "" if kept == self.n_paths else f" (per-path results kept for the first {kept:,})"
        return [
            *self.scenario.describe(),
            f"{self.n_paths:,} paths{sample}, seed entropy {self.seed.entropy}",
        ]

    def halving_dates(self) -> pd.Series:
        """Date and time each path reaches the next halving (NaT if it does not)."""
        days = pd.to_timedelta(self.summary.halving_day.values, unit="D")
        return pd.Series(_start(self.scenario).date + days, index=self.summary.path.values)

    def payback(self, currency: Literal["usd", "btc"] = "usd") -> pd.Series:
        """Distribution of payback days: share that never pays back, quantiles."""
        if not isinstance(currency, str) or currency not in ("usd", "btc"):
            raise ValueError(f"currency must be 'usd' or 'btc', got {currency!r}")
        name = "payback_days" if currency == "usd" else "payback_days_btc"
        values = self.summary[name].values
        table = risk.payback_distribution(values)
        if self.n_paths > values.size:  # the share and mean over every path
            assert self.statistics is not None  # paths beyond the kept ones are counted there
            figures = self.statistics[name]
            table["n"] = float(self.n_paths)
            table["share_never"] = 1.0 - float(figures.sel(statistic="count")) / self.n_paths
            table["mean_finite"] = float(figures.sel(statistic="mean"))
        table.attrs = {"quantiles_from_paths": int(values.size)}
        return table

    def yearly(self) -> xr.Dataset:
        """Monthly flows summed by calendar year, and levels at year end."""
        flows = [name for name, unit in MONTHLY.items() if "/month" in unit]
        grouped = self.monthly.groupby("month.year")
        yearly = grouped.sum()[flows]
        for name in set(MONTHLY) - set(flows):
            yearly[name] = grouped.last()[name]
        for variable in yearly.data_vars:
            yearly[variable].attrs["units"] = MONTHLY[str(variable)].replace("/month", "/year")
        return yearly

    def bands(
        self, variable: str, percentiles: Sequence[float] = (5, 25, 50, 75, 95)
    ) -> xr.DataArray:
        """Percentiles over paths of a monthly (or, with daily output, daily) variable."""
        if not isinstance(variable, str):
            raise ValueError(f"variable must be the name of a variable, got {variable!r:.60}")
        source = self.daily if self.daily is not None and variable in self.daily else self.monthly
        if variable not in source:
            raise ValueError(
                f"variable must be one of {sorted(map(str, source.data_vars))}, got {variable!r}"
            )
        return risk.percentile_bands(source[variable], dim="path", percentiles=percentiles)


def _memory_per_path(
    n_days: int, n_months: int, n_groups: int, full: bool, uniforms: int = 0
) -> int:
    # price, fee and cash paths, the block-count and solo uniforms, daily outputs
    arrays = 3 + uniforms + (len(DAILY) if full else 0)
    return 8 * (n_days * arrays + n_months * len(MONTHLY) + len(SUMMARY) + n_groups)


@contextlib.contextmanager
def _threads(threads: int | None) -> Iterator[None]:
    if threads is None:
        yield
        return
    # numba sets NUMBA_NUM_THREADS at run time; its typed package does not declare it
    most = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
    if not isinstance(threads, int) or not 1 <= threads <= most:
        raise ValueError(f"threads must be a whole number in [1, {most}], got {threads!r}")
    previous = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        yield
    finally:
        numba.set_num_threads(previous)


def simulate(
    scenario: MiningScenario,
    n_paths: int = 1000,
    *,
    seed: SeedLike = None,
    output: Literal["summary", "flows", "full"] = "summary",
    chunk_size: int | None = None,
    memory_budget_mb: float = 1024.0,
    threads: int | None = None,
    progress: bool | None = None,
    client: distributed.Client | None = None,
    keep_paths: int | None = None,
) -> SimulationResult:
    """Run a scenario over ``n_paths`` joint price / fee / hashrate paths.

    Parameters
    ----------
    scenario : MiningScenario
        What to simulate.
    n_paths : int, default 1000
        Number of paths, >= 1.
    seed : int, SeedSequence or Generator, optional
        Seed of every random stream. The same seed gives the same paths in
        any scenario (common random numbers) and any chunking.
    output : {"summary", "flows", "full"}, default "summary"
        ``"summary"`` keeps per-path summaries and monthly series (of the
        first ``keep_paths`` paths), and folds statistics over every path;
        ``"flows"`` also keeps the daily cash flow of every path (memory
        grows with paths x days); ``"full"`` keeps every daily series
        (paths x days x 13 variables).
    chunk_size : int, optional
        Paths per chunk; by default the largest that fits the memory budget,
        at most :data:`MAX_CHUNK_PATHS`. Results do not depend on it.
    memory_budget_mb : float, default 1024
        Memory the working arrays of a chunk may use [MB], >= 1; the results
        kept for every path (summaries and monthly series, and the daily
        series of ``"flows"`` or ``"full"``) must fit it too, or the run is
        refused before anything is allocated. ``inf`` means no limit: chunks
        of :data:`MAX_CHUNK_PATHS` paths (fewer where they would not fit in
        the machine's memory), and any ``output`` size that fits in it is
        accepted.
    threads : int, optional
        Threads of the compiled kernel and of the random draws; numba's
        default (all cores) if not given. Results do not depend on it.
    progress : bool, optional
        Show a progress bar over chunks (also in Jupyter); by default only
        for runs of more than ten million path-days.
    client : distributed.Client, optional
        Run the chunks on a Dask cluster (``pip install minerecon[dask]``):
        one task per chunk, each drawing its own paths from ``seed`` and
        running the kernel on a worker (``threads`` applies there). Without
        ``chunk_size`` the chunks are sized to give every worker a few.
        The result is identical to the local run; see :doc:`/user_guide/scale_out`.
    keep_paths : int, optional
        With ``output="summary"``: how many paths keep their per-path results
        (summary and monthly series), the first ones, >= 1; by default all of
        them when they fit ``memory_budget_mb``, else as many as fit in a
        quarter of it (the chunks' working arrays take the rest). Every
        path enters the exact statistics of ``statistics`` and
        ``monthly_statistics`` (count, mean, standard deviation, min, max)
        and the probability of loss, so memory does not grow with
        ``n_paths``; quantiles and bands come from the kept paths (a random
        sample: paths are independent). Other outputs keep every path.

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> from minerecon.hardware import Deployment
    >>> from minerecon.network import NetworkState
    >>> state = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
    >>> fleet = Deployment("Antminer S21 XP", 1000, capex_per_unit=6_939)
    >>> result = simulate(MiningScenario(fleet, start=state, days=365), n_paths=1)

    270 PH/s on a 1.07 ZH/s network mine 2.5e-4 of 144 blocks of 3.125 BTC a
    day, a little less after each retarget:

    >>> round(float(result.summary.btc_mined[0]), 2)
    41.28
    """
    _check_scenario(scenario)
    # numpy counts timedelta64 as an integer type
    if (
        isinstance(n_paths, bool | np.timedelta64)
        or not isinstance(n_paths, int | np.integer)
        or n_paths < 1
    ):
        raise ValueError(f"n_paths must be a whole number >= 1, got {n_paths!r}")
    n_paths = int(n_paths)
    if n_paths * scenario.days > MAX_PATH_DAYS:
        raise ValueError(
            f"n_paths x days = {_count(n_paths)} x {scenario.days:,} path-days is beyond "
            f"MAX_PATH_DAYS = 10**12 (about a day of computing); use fewer paths"
        )
    if not isinstance(output, str) or output not in ("summary", "flows", "full"):
        raise ValueError(f"output must be 'summary', 'flows' or 'full', got {output!r}")
    if np.ndim(memory_budget_mb) != 0:
        raise ValueError(f"memory_budget_mb must be one number [MB], got {memory_budget_mb!r}")
    memory_budget_mb = float(check("memory_budget_mb", memory_budget_mb, low=1, unit="[MB]"))
    if progress is not None and not isinstance(progress, bool | np.bool_):
        raise ValueError(f"progress must be True, False or None, got {progress!r:.60}")
    months, month_index = _calendar(scenario)
    n_months = int(month_index[-1]) + 1
    schedule = fleet_schedule(scenario)
    n_groups = len(schedule.names)
    full = output == "full"
    uniforms = (scenario.block_arrivals == "poisson") + (scenario.payout == "solo")
    if scenario.power_market is not None:
        uniforms += HOURS_PER_DAY  # the hourly prices of each day
    per_path = _memory_per_path(scenario.days, n_months, n_groups, full, uniforms)
    daily = {"summary": 0, "flows": 8 * scenario.days, "full": 8 * scenario.days * len(DAILY)}
    kept = 8 * (len(SUMMARY) + n_groups + n_months * len(MONTHLY)) + daily[output]
    keep = _paths_to_keep(keep_paths, n_paths, output, kept, memory_budget_mb)
    needed = f"output={output!r} needs {_megabytes(kept * keep):,.0f} MB for "
    needed += f"{_count(keep)} paths kept"
    hint = "keep_paths, " if output == "summary" else ""
    if kept * keep > memory_budget_mb * 2**20:
        raise ValueError(
            f"{needed}, above memory_budget_mb={memory_budget_mb:g}; "
            f"use {hint}fewer paths or a larger budget"
        )
    if kept * keep > _physical_memory():  # an infinite budget cannot exceed the machine
        raise ValueError(
            f"{needed}, more than this machine's {_megabytes(_physical_memory()):,.0f} MB "
            f"of memory; use {hint}fewer paths"
        )
    if client is not None:
        from minerecon import _dask

        _dask.check_client(client)
    if chunk_size is None:
        chunk_size = MAX_CHUNK_PATHS
        # without a budget, chunks still fit in the machine's memory
        budget = memory_budget_mb * 2**20 if np.isfinite(memory_budget_mb) else _physical_memory()
        if np.isfinite(budget):
            chunk_size = min(int(budget // per_path), MAX_CHUNK_PATHS)
        if client is not None:  # a few chunks per worker, whole blocks of paths
            chunk_size = min(chunk_size, _dask.split_evenly(n_paths, _dask.tasks_wanted(client)))
            chunk_size = -(-chunk_size // _random.BLOCK_PATHS) * _random.BLOCK_PATHS
        chunk_size = max(
            _random.BLOCK_PATHS, chunk_size // _random.BLOCK_PATHS * _random.BLOCK_PATHS
        )
    if (
        isinstance(chunk_size, bool | np.bool_)
        or not isinstance(chunk_size, int | np.integer)
        or chunk_size < 1
    ):
        raise ValueError(f"chunk_size must be a whole number >= 1, got {chunk_size!r}")
    chunk_size = min(int(chunk_size), n_paths)

    root = _random.seed_sequence(seed)
    job = _Job.of(scenario, schedule, month_index, root, output)
    outputs = _Outputs.allocate(keep, scenario.days, n_months, n_groups, output)
    fold = _Statistics(n_paths, n_months)
    bar = _progress_bar(n_paths, scenario.days, progress)
    if client is not None:
        _simulate_on_cluster(client, job, n_paths, chunk_size, threads, outputs, fold, bar)
        bar.close()
        return _result(scenario, root, outputs, schedule, months, fold)
    # One pair of buffers for all chunks: no page faults after the first chunk.
    price_buffer = np.empty((chunk_size, scenario.days))
    fee_buffer = np.empty((chunk_size, scenario.days))
    cash_buffer = np.empty((chunk_size, scenario.days)) if outputs.cash is None else None
    # Chunks beyond the kept paths run into one scratch set of outputs.
    scratch = None
    if keep < n_paths:
        scratch = _Outputs.allocate(chunk_size, scenario.days, n_months, n_groups, output)
    with _threads(threads):
        workers = numba.get_num_threads()
        for first in range(0, n_paths, chunk_size):
            last = min(first + chunk_size, n_paths)
            if last <= keep:
                target = outputs.slice(first, last)
            else:
                assert scratch is not None  # allocated when keep < n_paths
                target = scratch.slice(0, last - first)
            job.run(first, last, target, workers, price_buffer, fee_buffer, cash_buffer)
            if first < keep < last:
                outputs.slice(first, keep).copy_from(target)
            fold.add(first, target)
            bar.update(last - first)
    bar.close()
    return _result(scenario, root, outputs, schedule, months, fold)


@dataclasses.dataclass(frozen=True)
class _Job:
    """Everything a chunk of :func:`simulate` needs; picklable, to run on a worker."""

    scenario: MiningScenario
    schedule: _FleetSchedule
    month_index: np.ndarray
    root: np.random.SeedSequence
    price_model: PriceModel
    fee_model: FeeModel
    hashrate_model: HashrateModel
    n_months: int
    output: str

    @classmethod
    def of(
        cls,
        scenario: MiningScenario,
        schedule: _FleetSchedule,
        month_index: np.ndarray,
        root: np.random.SeedSequence,
        output: str,
    ) -> _Job:
        models = (scenario._price_model(), scenario._fee_model(), scenario._hashrate_model())
        return cls(
            scenario, schedule, month_index, root, *models, int(month_index[-1]) + 1, output
        )

    def run(
        self,
        first: int,
        last: int,
        outputs: _Outputs,
        workers: int,
        price_buffer: np.ndarray | None = None,
        fee_buffer: np.ndarray | None = None,
        cash_buffer: np.ndarray | None = None,
    ) -> None:
        """Paths ``first:last`` into ``outputs`` (that chunk's rows), from their own streams."""
        scenario = self.scenario
        start_price = _start(scenario).btc_price
        streams = _random.Streams(self.root)
        price = streams.fill(
            _random.PRICE,
            first,
            last,
            scenario.days,
            lambda rng, out: self.price_model.sample(rng, out, start_price),
            out=price_buffer,
            threads=workers,
        )
        fee_paths = streams.fill(
            _random.FEES,
            first,
            last,
            scenario.days,
            self.fee_model.sample,
            out=fee_buffer,
            threads=workers,
        )
        shocks = _hashrate_shocks(
            self.hashrate_model, self.root, first, last, scenario.days, workers
        )

        def uniforms(component: int, wanted: bool) -> np.ndarray | None:
            """One uniform per path and day from ``component``'s stream, if ``wanted``."""
            if not wanted:
                return None
            return streams.fill(
                component,
                first,
                last,
                scenario.days,
                lambda rng, out: rng.random(out=out),
                threads=workers,
            )

        arrivals = uniforms(_random.BLOCKS, scenario.block_arrivals == "poisson")
        solo_draws = uniforms(_random.SOLO, scenario.payout == "solo")
        hourly = _hourly_power_price(scenario, self.root, first, last)
        if outputs.cash is not None:
            cash = outputs.cash
        elif cash_buffer is not None:
            cash = cash_buffer[: last - first]
        else:
            cash = np.empty((last - first, scenario.days))
        _run_kernel(
            scenario,
            self.schedule,
            self.month_index,
            price,
            fee_paths,
            self.fee_model.kind == "share",
            self.hashrate_model,
            shocks,
            outputs,
            cash,
            workers=workers,
            arrivals=arrivals,
            solo_draws=solo_draws,
            hourly_price=hourly,
        )


def _simulate_task(
    job: _Job, first: int, last: int, threads: int | None, keep: int
) -> tuple[_Outputs | None, _fold.ChunkParts, int]:
    """One chunk of :func:`simulate` on a Dask worker: its kept rows and folded parts."""
    outputs = _Outputs.allocate(
        last - first, job.scenario.days, job.n_months, len(job.schedule.names), job.output
    )
    with _threads(threads):
        job.run(first, last, outputs, numba.get_num_threads())
    kept = outputs.slice(0, keep - first) if first < keep else None
    return kept, _fold.chunk_parts(first, _Statistics.arrays(outputs)), _losses(outputs)


def _simulate_on_cluster(
    client: distributed.Client,
    job: _Job,
    n_paths: int,
    chunk_size: int,
    threads: int | None,
    outputs: _Outputs,
    fold: _Statistics,
    bar: Any,
) -> None:
    """Submit one task per chunk of paths; write and fold each chunk as it finishes."""
    from minerecon import _dask

    shared = _dask.share(client, job)
    keep = outputs.summary.shape[0]
    futures = {}
    for first in range(0, n_paths, chunk_size):
        last = min(first + chunk_size, n_paths)
        future = client.submit(_simulate_task, shared, first, last, threads, keep, pure=False)
        futures[future] = (first, last)
    for (first, last), (kept, parts, losses) in _dask.completed(futures):
        if kept is not None:
            outputs.slice(first, min(last, keep)).copy_from(kept)
        fold.add_parts(parts, losses)
        bar.update(last - first)


@dataclasses.dataclass(frozen=True)
class _Outputs:
    summary: np.ndarray
    days_off: np.ndarray
    monthly: np.ndarray
    daily: np.ndarray | None
    cash: np.ndarray | None

    @classmethod
    def allocate(
        cls, n_paths: int, n_days: int, n_months: int, n_groups: int, output: str
    ) -> _Outputs:
        return cls(
            np.empty((n_paths, len(SUMMARY))),
            np.zeros((n_paths, n_groups)),
            np.zeros((n_paths, n_months, len(MONTHLY))),
            np.zeros((n_paths, n_days, len(DAILY))) if output == "full" else None,
            np.zeros((n_paths, n_days)) if output == "flows" else None,
        )

    def slice(self, first: int, last: int) -> _Outputs:
        daily = None if self.daily is None else self.daily[first:last]
        cash = None if self.cash is None else self.cash[first:last]
        return _Outputs(
            self.summary[first:last],
            self.days_off[first:last],
            self.monthly[first:last],
            daily,
            cash,
        )

    def copy_from(self, other: _Outputs) -> None:
        """These rows from the first rows of ``other``."""
        rows = self.summary.shape[0]
        for field in dataclasses.fields(self):
            mine = getattr(self, field.name)
            if mine is not None:
                mine[...] = getattr(other, field.name)[:rows]


def _paths_to_keep(
    keep_paths: object, n_paths: int, output: str, bytes_per_path: int, memory_budget_mb: float
) -> int:
    """How many paths keep their per-path results (see ``simulate``'s ``keep_paths``)."""
    if keep_paths is not None:
        if (
            isinstance(keep_paths, bool | np.bool_ | np.timedelta64)
            or not isinstance(keep_paths, int | np.integer)
            or not 1 <= keep_paths <= n_paths
        ):
            raise ValueError(
                f"keep_paths must be a whole number in [1, n_paths={n_paths}], got {keep_paths!r}"
            )
        if output != "summary" and keep_paths != n_paths:
            raise ValueError(
                f"keep_paths applies to output='summary' (output={output!r} keeps every path's "
                f"daily series), got keep_paths={keep_paths}"
            )
        return int(keep_paths)
    budget = memory_budget_mb * 2**20
    if output != "summary" or bytes_per_path * n_paths <= budget:
        return n_paths
    return max(1, min(n_paths, int(budget / 4 // bytes_per_path)))


def _losses(outputs: _Outputs) -> int:
    return int(np.count_nonzero(outputs.summary[:, _S["npv"]] < 0.0))


class _Statistics:
    """Statistics of every path of a run (:mod:`minerecon._fold`) and its paths in loss."""

    def __init__(self, n_paths: int, n_months: int) -> None:
        shapes = {"summary": (len(SUMMARY),), "monthly": (n_months, len(MONTHLY))}
        self.fold = _fold.Fold(n_paths, shapes)
        self.losses = 0

    @staticmethod
    def arrays(outputs: _Outputs) -> dict[str, np.ndarray]:
        return {"summary": outputs.summary, "monthly": outputs.monthly}

    def add(self, first: int, outputs: _Outputs) -> None:
        self.add_parts(_fold.chunk_parts(first, self.arrays(outputs)), _losses(outputs))

    def add_parts(self, parts: _fold.ChunkParts, losses: int) -> None:
        self.fold.add(parts)
        self.losses += losses


def _hourly_power_price(
    scenario: MiningScenario, root: np.random.SeedSequence, first: int, last: int
) -> np.ndarray | None:
    """Paths ``first:last`` of the hourly power price [USD/kWh], adder and escalation included."""
    model = scenario.power_market
    if model is None:
        return None
    hours = scenario.days * HOURS_PER_DAY
    market = model.simulate(scenario.dates[0], hours, last, seed=root, paths=slice(first, last))
    market /= 1000.0  # USD/MWh to USD/kWh
    by_day = market.reshape(last - first, scenario.days, HOURS_PER_DAY)
    years = np.arange(scenario.days) / DAYS_PER_YEAR
    adder = np.broadcast_to(np.asarray(scenario.power_price, dtype=float), years.shape)
    by_day += adder[None, :, None]
    by_day *= ((1 + scenario.power_price_escalation) ** years)[None, :, None]
    return market


def _daily_power_price(scenario: MiningScenario) -> np.ndarray:
    """Power price on each day of the scenario, escalated from day 0 [USD/kWh].

    With a power market, the adder plus the market's long-run mean: what a
    load that never stops (an AI tenant) pays on average.
    """
    years = np.arange(scenario.days) / DAYS_PER_YEAR
    power_price = np.broadcast_to(np.asarray(scenario.power_price, dtype=float), years.shape)
    if scenario.power_market is not None:
        power_price = power_price + scenario.power_market.long_run_mean / 1000.0
    return power_price * (1 + scenario.power_price_escalation) ** years


def _run_kernel(
    scenario: MiningScenario,
    schedule: _FleetSchedule,
    month_index: np.ndarray,
    price: np.ndarray,
    fees: np.ndarray,
    fee_is_share: bool,
    hashrate_model: HashrateModel,
    shocks: np.ndarray,
    outputs: _Outputs,
    cash: np.ndarray,
    given_reward: np.ndarray | None = None,
    given_difficulty: np.ndarray | None = None,
    workers: int | None = None,
    arrivals: np.ndarray | None = None,
    solo_draws: np.ndarray | None = None,
    hourly_price: np.ndarray | None = None,
) -> None:
    """Run the compiled kernel into ``outputs``; ``cash`` receives the daily cash flows.

    ``arrivals`` and ``solo_draws`` hold a uniform per path and day for the
    Poisson block counts and the fleet's solo share of them; ``hourly_price``
    the power price of every hour [USD/kWh] when the scenario has a market.

    ``workers`` threads (default: numba's thread count) run blocks of paths.
    """
    power_price = _daily_power_price(scenario)
    offer = scenario.reserve
    reserve = np.zeros(3) if offer is None else np.array(
        [offer.share, offer.payment / 1000.0, offer.calls]  # payment per kWh of load-hour
    )  # fmt: skip
    state = _start(scenario)
    chain = start_chain(state)
    start_hashrate = float(np.asarray(hashrate_from_difficulty(state.difficulty)))
    hashrate_parameters = hashrate_model._kernel_parameters(state.date)
    fleet_hashrate = schedule.hashrate.sum(axis=0)
    discount = cashflow.discount_factors(scenario.days, scenario.discount_rate)
    empty = np.empty((0, 0))
    daily = np.empty((0, 0, 0)) if outputs.daily is None else outputs.daily

    def rows(array: np.ndarray | None, start: int, stop: int) -> np.ndarray:
        """The paths' rows of a per-path array; an empty one stays empty."""
        if array is None:
            return empty
        return array[start:stop] if array.shape[0] else array

    def run(start: int, stop: int) -> None:
        mining_kernel(
            price[start:stop],
            fees[start:stop],
            fee_is_share,
            rows(given_reward, start, stop),
            rows(given_difficulty, start, stop),
            chain,
            start_hashrate,
            hashrate_parameters,
            shocks[start:stop],
            hashrate_model.step_days,
            fleet_hashrate,
            schedule.hashrate,
            schedule.power,
            schedule.other_cost,
            schedule.fixed_flow,
            power_price,
            float(scenario.pue),
            float(scenario.pool_fee),
            discount,
            month_index,
            scenario.policy == "hold",
            scenario.switch_off,
            outputs.summary[start:stop],
            outputs.days_off[start:stop],
            outputs.monthly[start:stop],
            rows(daily, start, stop),
            rows(cash, start, stop),
            rows(arrivals, start, stop),
            rows(solo_draws, start, stop),
            rows(hourly_price, start, stop),
            reserve,
        )

    _parallel.over_rows(run, price.shape[0], workers)
    outputs.summary[:, _S["irr"]] = cashflow.irr(cash, periods_per_year=DAYS_PER_YEAR)


def _daily_cash_flows(scenario: MiningScenario, n_paths: int, seed: SeedLike) -> FloatArray:
    """Daily cash flow of each path [USD/day], as ``simulate(..., output="flows")``.

    For searches that run a small scenario many times (break-evens): the
    arrays alone, without the datasets, statistics and checks of ``simulate``.
    """
    _, month_index = _calendar(scenario)
    schedule = fleet_schedule(scenario)
    job = _Job.of(scenario, schedule, month_index, _random.seed_sequence(seed), "flows")
    outputs = _Outputs.allocate(n_paths, scenario.days, job.n_months, len(schedule.names), "flows")
    job.run(0, n_paths, outputs, numba.get_num_threads())
    assert outputs.cash is not None  # allocated for output="flows"
    return outputs.cash


def _calendar(scenario: MiningScenario) -> tuple[pd.PeriodIndex, np.ndarray]:
    months = scenario.dates.to_period("M")
    index = (months.year - months[0].year) * 12 + months.month - months[0].month
    return months, np.asarray(index, dtype=np.int64)


def default_market(
    fleet: Fleet | Deployment | Sequence[Deployment],
    *,
    days: int,
    start: NetworkState | None = None,
) -> MiningScenario:
    """The market of the studies that are given none, for ``fleet`` over ``days``.

    From ``start`` (by default the last day of the bundled history): BTC
    price as a GBM with **zero drift** and the volatility fitted to the four
    years of history before the start (the fitted drift is a
    backward-looking estimate and is not used); fees and network hashrate
    held at the start's level; the other fields at :class:`MiningScenario`'s
    defaults (discount rate 10 %).

    Parameters
    ----------
    fleet : Fleet, Deployment or sequence of Deployment
    days : int
        Horizon [days], >= 2.
    start : NetworkState, optional
        The first day; the history must hold the four years before it.

    Returns
    -------
    MiningScenario
    """
    from minerecon import price

    if start is None:
        start = NetworkState.latest()
    elif not isinstance(start, NetworkState):
        raise ValueError(f"start must be a NetworkState or None, got {type(start).__name__}")
    volatility = _recent_volatility(start.date)
    return MiningScenario(fleet, start=start, days=days, price=price.GBM(0.0, volatility))


def _volatility_window(end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The four years of history up to ``end`` that default volatilities are fitted to."""
    return end - pd.DateOffset(years=4) + pd.Timedelta(days=1), end


def _recent_volatility(end: pd.Timestamp) -> float:
    """BTC's volatility fitted to the four years of history up to ``end`` [1/sqrt(year)]."""
    from minerecon.price import GBM

    first, last = _volatility_window(end)
    return float(GBM.fit(start=first, end=last).volatility)


def compare_machines(
    machines: Mapping[str | Miner, float] | Sequence[Deployment],
    scenario: MiningScenario | None = None,
    *,
    n_paths: int = 1000,
    seed: SeedLike = None,
    level: float = 0.95,
    **run: Any,
) -> pd.DataFrame:
    """Payback, NPV and risk of buying each of several machines, on the same paths.

    Parameters
    ----------
    machines : mapping of machine to price, or sequence of Deployment
        Catalogue names (or :class:`~minerecon.hardware.Miner` objects) with
        the price of one machine [USD], >= 0: one of each is bought on day
        0. Or Deployments, each valued as given (count, price, delivery,
        degradation, resale, ...). At least one, with distinct names.
    scenario : MiningScenario, optional
        Market models, horizon, costs and discount rate; its fleet is
        replaced by each machine in turn. By default four years (1,461 days)
        from the last day of the bundled history, BTC as a zero-drift GBM at
        the volatility of the four years before, fees and network hashrate
        held at the start's level, power at 0.05 USD/kWh, PUE 1, no pool
        fee, 10 % a year.
    n_paths : int, default 1000
        Paths, the same for every machine (common random numbers).
    seed : int, SeedSequence or Generator, optional
        Seed of those paths.
    level : float, default 0.95
        Level of the expected shortfall [-], in (0, 1).
    **run
        Passed to :func:`simulate` (``chunk_size``, ``memory_budget_mb``,
        ``threads``, ``progress``, ``client``).

    Returns
    -------
    pandas.DataFrame
        One row per machine, best mean NPV per dollar first:
        ``machines`` (count), ``capex_usd`` (paid for them),
        ``usd_per_th`` (capex per TH/s), ``efficiency_j_per_th``,
        ``mean_npv_usd``, ``p5_npv_usd``, ``p95_npv_usd``,
        ``npv_per_capex`` (mean NPV per USD of capex; nan without capex),
        ``probability_of_loss``, ``expected_shortfall_usd`` (mean loss in
        the worst ``1 - level`` of paths), ``median_payback_days`` (over all
        paths; inf when more than half never pay back),
        ``probability_never_pays_back`` (within the horizon) and
        ``median_irr``. ``attrs`` holds the scenario's settings, ``n_paths``
        and the seed's entropy.

    Notes
    -----
    Each machine is its own fleet in :func:`simulate`, with the seed's
    streams: the BTC price, fees and network hashrate of path ``i`` are the
    same for every machine, so differences between rows come from the
    machines, not from luck. Machines stand idle on days they lose money
    unless ``scenario.switch_off`` is False.
    """
    deployed = _machine_deployments(machines)
    if scenario is None:
        scenario = default_market(deployed[0], days=4 * DAYS_PER_YEAR + 1)
    elif not isinstance(scenario, MiningScenario):
        raise ValueError(
            f"scenario must be a MiningScenario or None, got {type(scenario).__name__}"
        )
    level = check_scalar("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    root = _random.seed_sequence(seed)
    rows = {}
    for deployment in deployed:
        result = simulate(scenario.replace(fleet=deployment), n_paths, seed=root, **run)
        npv = result.risk(level)
        payback = result.payback()
        capex = deployment.count * deployment.capex_per_unit
        miner = _miner(deployment)
        rows[miner.name] = {
            "machines": deployment.count,
            "capex_usd": capex,
            "usd_per_th": deployment.capex_per_unit / miner.hashrate,
            "efficiency_j_per_th": miner.efficiency,
            "mean_npv_usd": npv["mean"],
            "p5_npv_usd": npv["p5"],
            "p95_npv_usd": npv["p95"],
            "npv_per_capex": npv["mean"] / capex if capex > 0 else np.nan,
            "probability_of_loss": npv["probability_of_loss"],
            "expected_shortfall_usd": npv.filter(like="expected_shortfall_").iloc[0],
            "median_payback_days": payback["p50_all"],
            "probability_never_pays_back": payback["share_never"],
            "median_irr": float(np.nanmedian(result.summary["irr"].values))
            if np.isfinite(result.summary["irr"].values).any()
            else np.nan,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "machine"
    table = table.sort_values(["npv_per_capex", "mean_npv_usd"], ascending=False)
    # pandas-stubs: the attrs setter's Mapping[Hashable | None, Any] refuses str keys
    table.attrs = scenario.settings() | {  # type: ignore[assignment]
        "n_paths": int(n_paths),
        "seed_entropy": str(root.entropy),
        "level": level,
    }
    return table


def _machine_deployments(machines: object) -> list[Deployment]:
    """The machines of :func:`compare_machines` as Deployments, checked."""
    if isinstance(machines, Mapping):
        deployed = []
        for miner, price in machines.items():
            label = f"machines[{getattr(miner, 'name', miner)!r}]"
            price = check_scalar(f"{label} price", price, low=0.0, unit="[USD]")
            try:
                deployed.append(Deployment(miner, 1, capex_per_unit=price))
            except (ValueError, KeyError) as error:
                message = error.args[0] if error.args else error
                raise ValueError(f"{label}: {message}") from None
    elif isinstance(machines, Sequence) and not isinstance(machines, str | bytes):
        deployed = list(machines)
        for item in deployed:
            if not isinstance(item, Deployment):
                raise ValueError(
                    "machines must map machine names to prices [USD] or hold Deployments, "
                    f"got {type(item).__name__}"
                )
    else:
        raise ValueError(
            "machines must map machine names to prices [USD] or hold Deployments, "
            f"got {machines!r}"
        )
    names = [_miner(deployment).name for deployment in deployed]
    if not names or len(set(names)) != len(names):
        raise ValueError(f"machines must name at least one machine, each once, got {names}")
    return deployed


def backtest(
    fleet: Fleet | Deployment | Sequence[Deployment],
    start: DateLike,
    end: DateLike | None = None,
    **costs: Any,
) -> SimulationResult:
    """Replay the bundled history for a fleet bought on ``start``.

    Parameters
    ----------
    fleet : Fleet, Deployment or sequence of Deployment
        The machines, with capex, degradation and the rest as for
        :class:`MiningScenario`.
    start, end : date-like
        First and last day replayed, days of the bundled history
        (:func:`minerecon.datasets.history_day`), ``start`` before ``end``;
        ``end`` defaults to the last day of the bundled history.
    **costs
        ``power_price``, ``power_price_escalation``, ``pue``, ``pool_fee``,
        ``discount_rate`` and ``policy`` as for :class:`MiningScenario`.

    Returns
    -------
    SimulationResult
        One path with the daily output, computed from the realised BTC
        price, difficulty and fees per block of each day (the subsidy from
        the height estimated for the day; ``halving_day`` is the first day
        of a new subsidy era within the window).

    Examples
    --------
    An Antminer S19 XP bought for 4,000 USD on the day of the 2024 halving,
    run at 0.05 USD/kWh until 2025-04-19:

    >>> from minerecon.hardware import Deployment
    >>> s19xp = Deployment("Antminer S19 XP", 1, capex_per_unit=4_000)
    >>> result = backtest(s19xp, "2024-04-20", "2025-04-19", power_price=0.05)
    >>> round(float(result.summary.btc_mined[0]), 4)
    0.0351
    """
    from minerecon import datasets, fees, network, price

    for name in ("power_market", "reserve"):
        if costs.get(name) is not None:
            raise ValueError(
                f"{name} does not apply to a backtest, which replays daily history; "
                "power.daily(prices, revenue) gives a year of hourly prices as daily costs"
            )
    history = datasets.load_history()
    first = datasets.history_day("start", start)
    last = history.index[-1] if end is None else datasets.history_day("end", end)
    if last <= first:
        raise ValueError(
            f"start must be before end, got start={first.date()} and end={last.date()}"
        )
    window = history.loc[first:last]
    days = len(window)
    scenario = MiningScenario(
        fleet,
        start=NetworkState.from_history(first),
        days=days,
        price=price.ConstantPrice(),
        fees=fees.ConstantFees(0.0),
        **costs,
    )
    subsidy = network.block_subsidy(datasets.estimate_height(window.index))
    realised = window[["price_usd", "difficulty", "fees_btc_per_block"]].to_numpy().T.copy()
    reward = np.asarray(network.btc_per_th_day(realised[1], realised[2], subsidy))
    months, month_index = _calendar(scenario)
    schedule = fleet_schedule(scenario)
    outputs = _Outputs.allocate(1, days, int(month_index[-1]) + 1, len(schedule.names), "full")
    _run_kernel(
        scenario,
        schedule,
        month_index,
        realised[0][np.newaxis],
        realised[2][np.newaxis],
        False,
        ConstantGrowth(0.0),
        np.zeros((1, 1)),
        outputs,
        np.empty((1, days)),
        given_reward=reward[np.newaxis],
        given_difficulty=realised[1][np.newaxis],
    )
    halving = np.flatnonzero(np.diff(subsidy) < 0)
    outputs.summary[0, _S["halving_day"]] = float(halving[0] + 1) if halving.size else np.nan
    fold = _Statistics(1, int(month_index[-1]) + 1)
    fold.add(0, outputs)
    return _result(scenario, _random.seed_sequence(0), outputs, schedule, months, fold)


def _progress_bar(n_paths: int, n_days: int, progress: bool | None) -> Any:
    show = n_paths * n_days > 10_000_000 if progress is None else bool(progress)
    if show:
        from tqdm.auto import tqdm
    else:  # the plain class: tqdm.auto warns in notebooks without ipywidgets
        from tqdm import tqdm
    return tqdm(total=n_paths, unit="path", desc="minerecon", disable=not show, leave=False)


def _result(
    scenario: MiningScenario,
    root: np.random.SeedSequence,
    outputs: _Outputs,
    schedule: _FleetSchedule,
    months: pd.PeriodIndex,
    fold: _Statistics,
) -> SimulationResult:
    paths = np.arange(outputs.summary.shape[0])
    summary = xr.Dataset(
        {
            name: ("path", outputs.summary[:, index], {"units": SUMMARY[name]})
            for name, index in _S.items()
        },
        coords={"path": paths, "group": list(schedule.names)},
    )
    summary["days_off"] = (("path", "group"), outputs.days_off, {"units": "days"})
    monthly = xr.Dataset(
        {
            name: (("path", "month"), outputs.monthly[:, :, index], {"units": MONTHLY[name]})
            for name, index in _M.items()
        },
        coords={"path": paths, "month": months.unique().to_timestamp()},
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        monthly["cost_per_btc"] = (
            (monthly.energy_cost + monthly.other_cost) / monthly.btc_mined
        ).assign_attrs(units="USD/BTC")
        monthly["breakeven_btc_price"] = (
            (monthly.energy_all_on + monthly.other_cost) / monthly.btc_all_on
        ).assign_attrs(units="USD/BTC")
    daily = None
    if outputs.cash is not None:
        daily = xr.Dataset(
            {"cash_flow": (("path", "time"), outputs.cash, {"units": DAILY["cash_flow"]})},
            coords={"path": paths, "time": scenario.dates},
        )
    if outputs.daily is not None:
        daily = xr.Dataset(
            {
                name: (("path", "time"), outputs.daily[:, :, index], {"units": DAILY[name]})
                for name, index in _D.items()
            },
            coords={"path": paths, "time": scenario.dates},
        )
    statistics, monthly_statistics = _statistics_datasets(fold, monthly.month.values)
    settings = scenario.settings()
    for dataset in (summary, monthly, daily, statistics, monthly_statistics):
        if dataset is not None:
            dataset.attrs.update(settings)
    return SimulationResult(
        summary, monthly, daily, scenario, root, statistics, monthly_statistics
    )


#: What ``SimulationResult.statistics`` holds along its ``statistic`` dimension.
STATISTICS = ("count", "mean", "std", "min", "max")


def _statistics_datasets(fold: _Statistics, months: np.ndarray) -> tuple[xr.Dataset, xr.Dataset]:
    """The folded statistics as two Datasets: per-path summaries, monthly series."""
    figures = {}
    for name, moments in fold.fold.moments.items():
        empty = moments.count == 0  # no finite value: no min or max either
        figures[name] = np.stack(
            [
                moments.count,
                np.where(empty, np.nan, moments.mean),
                moments.std(),
                np.where(empty, np.nan, moments.minimum),
                np.where(empty, np.nan, moments.maximum),
            ]
        )
    attrs = {"n_paths": fold.fold.n_paths}
    statistics = xr.Dataset(
        {
            name: ("statistic", figures["summary"][:, index], {"units": SUMMARY[name]})
            for name, index in _S.items()
        },
        coords={"statistic": list(STATISTICS)},
        attrs=attrs,
    )
    statistics["probability_of_loss"] = (
        (),
        fold.losses / fold.fold.n_paths,
        {"units": "-", "description": "share of paths with npv < 0"},
    )
    monthly = xr.Dataset(
        {
            name: (("statistic", "month"), figures["monthly"][:, :, index], {"units": unit})
            for name, (index, unit) in ((n, (_M[n], MONTHLY[n])) for n in MONTHLY)
        },
        coords={"statistic": list(STATISTICS), "month": months},
        attrs=attrs,
    )
    return statistics, monthly


@dataclasses.dataclass(frozen=True)
class Calibrated:
    """Price, fee and hashrate models fitted to one history window.

    Attributes
    ----------
    price : minerecon.price.GBM
    fees : minerecon.fees.StochasticFees
    hashrate : minerecon.difficulty.EconomicHashrate
    assumed : tuple of str
        Parameters set by assumption rather than fitted, as
        ``"component.parameter"`` (``"price.drift"`` unless the fitted drift
        was asked for); :meth:`table` marks them ``fitted=False``.
    """

    price: PriceModel
    fees: FeeModel
    hashrate: HashrateModel
    assumed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        from minerecon.datasets import Calibration

        if not isinstance(self.assumed, tuple) or not all(
            isinstance(name, str) for name in self.assumed
        ):
            raise ValueError(
                f"assumed must be a tuple of 'component.parameter' names, got {self.assumed!r}"
            )

        for name in ("price", "fees", "hashrate"):
            model = getattr(self, name)
            if not (
                dataclasses.is_dataclass(model)
                and not isinstance(model, type)
                and isinstance(getattr(model, "calibration", None), Calibration)
                and (
                    isinstance(model, ConstantGrowth | EconomicHashrate)
                    if name == "hashrate"
                    else callable(getattr(model, "sample", None))
                )
            ):
                raise ValueError(
                    f"{name} must be a fitted {name} model (its fit sets calibration), "
                    f"got {type(model).__name__} {model!r:.80}"
                )

    def table(self) -> pd.DataFrame:
        """Fitted parameters with the window and method of each fit."""
        settings = {"step_days", "lag_days", "cost_decline", "max_level"}
        rows = []
        for component in ("price", "fees", "hashrate"):
            model = getattr(self, component)
            calibration = model.calibration
            for field in dataclasses.fields(model):
                value = getattr(model, field.name)
                if field.name == "calibration" or not isinstance(value, int | float):
                    continue
                rows.append(
                    {
                        "component": component,
                        "model": type(model).__name__,
                        "parameter": field.name,
                        "value": float(value),
                        "fitted": field.name not in settings
                        and f"{component}.{field.name}" not in self.assumed,
                        "start": calibration.start.date(),
                        "end": calibration.end.date(),
                        "n_observations": calibration.n_observations,
                        "method": calibration.method,
                    }
                )
        return pd.DataFrame(rows).set_index(["component", "parameter"])

    def scenario(
        self, fleet: Fleet | Deployment | Sequence[Deployment], **fields: Any
    ) -> MiningScenario:
        """A :class:`MiningScenario` using these three models."""
        return MiningScenario(
            fleet, price=self.price, fees=self.fees, hashrate=self.hashrate, **fields
        )


def calibrate(
    start: DateLike | None = None,
    end: DateLike | None = None,
    *,
    price_drift: Literal["zero", "fitted"] | float = "zero",
) -> Calibrated:
    """Fit GBM price, stochastic fees and economic hashrate to the bundled history.

    Parameters
    ----------
    start, end : date-like, optional
        Window of the price and fee fits, days of the bundled history
        (:func:`minerecon.datasets.history_day`); by default the last four
        years of the history (2022-08-17 to 2026-08-16). The hashrate response is
        fitted from ``start`` too, or from the 2024 halving by default, so
        that one subsidy era sets the miners' cost level.
    price_drift : "zero", "fitted" or float, default "zero"
        The GBM's drift [1/year]. ``"zero"``: no drift in USD (the expected
        price stays today's, a martingale). A number: that drift, e.g. a
        risk-free rate for a risk-neutral valuation. ``"fitted"``: the
        window's mean log return plus half its variance, with a
        :class:`~minerecon.MinereconWarning`: it is backward-looking and
        its standard error is about ``volatility / sqrt(years)``, some 24 %
        a year over four years, as large as the estimate.

    Returns
    -------
    Calibrated
        The three models; ``.table()`` lists every value with its window
        and whether it was fitted or assumed.

    Examples
    --------
    >>> fitted = calibrate()
    >>> str(fitted.price.calibration.start.date()), round(fitted.price.volatility, 2)
    ('2022-08-17', 0.48)
    """
    from minerecon import datasets, fees, price
    from minerecon.difficulty import EconomicHashrate

    history = datasets.load_history()
    last = history.index[-1] if end is None else datasets.history_day("end", end)
    if start is None:
        first = last - pd.DateOffset(years=4) + pd.Timedelta(days=1)
    else:
        first = datasets.history_day("start", start)
    gbm, assumed = _price_with_drift(price.GBM.fit(start=first, end=last), price_drift)
    # The fits' warnings point at the caller of calibrate, not at this module.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted_fees = fees.StochasticFees.fit(start=first, end=last)
        hashrate = EconomicHashrate.fit(start="2024-04-20" if start is None else first, end=last)
    for warning in caught:
        warnings.warn(warning.message, warning.category, stacklevel=2)
    return Calibrated(price=gbm, fees=fitted_fees, hashrate=hashrate, assumed=assumed)


def _price_with_drift(fitted: GBM, price_drift: object) -> tuple[GBM, tuple[str, ...]]:
    """The fitted GBM with the drift ``calibrate`` was asked for."""
    window = fitted.calibration
    assert window is not None  # fit records its window
    years = (window.end - window.start).days / DAYS_PER_YEAR
    if isinstance(price_drift, str) and price_drift == "fitted":
        warnings.warn(
            f"the fitted BTC drift, {fitted.drift:+.3f}/year over {window.start.date()} to "
            f"{window.end.date()}, is a backward-looking estimate with a standard error of "
            f"about {fitted.volatility / np.sqrt(years):.2f}/year; price_drift='zero' assumes "
            "no drift in USD",
            MinereconWarning,
            stacklevel=3,
        )
        return fitted, ()
    if isinstance(price_drift, str) and price_drift == "zero":
        drift = 0.0
    elif isinstance(price_drift, str):
        raise ValueError(
            f"price_drift must be 'zero', 'fitted' or a number [1/year], got {price_drift!r}"
        )
    else:
        drift = check_scalar("price_drift", price_drift, low=-1.0, high=10.0)
    method = f"{window.method}; drift set to {drift:g}/year, fitted {fitted.drift:.3f}/year"
    calibration = dataclasses.replace(window, method=method)
    return dataclasses.replace(fitted, drift=drift, calibration=calibration), ("price.drift",)
