"""ASIC miners and fleets.

A :class:`Miner` carries a machine's nameplate hashrate and power; a
:class:`Fleet` holds (miner, count) groups. Their methods call the functions
of :mod:`minerecon.economics` with the network of a :class:`~minerecon.network.NetworkState`
(by default the last day of the bundled history).

Site power and hashrate convert as ``MW = EH/s * J/TH``: 45.6 EH/s at
16.7 J/TH draws 761.5 MW at the machines.
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from minerecon import economics
from minerecon._contract import UnknownNameError, aligned, check, check_count, check_scalar
from minerecon.energy import check_efficiency, check_pue, check_uptime
from minerecon.network import NetworkState
from minerecon.typing import ArrayLike, DateLike, FloatArray, Numeric
from minerecon.units import W_PER_MW

__all__ = [
    "Deployment",
    "Fleet",
    "Miner",
    "deployments",
    "get_miner",
    "list_miners",
    "site_hashrate",
    "site_power_mw",
]


@aligned
def site_power_mw(hashrate: ArrayLike, efficiency: ArrayLike, *, pue: ArrayLike = 1.0) -> Numeric:
    """Power a fleet draws from the grid.

    Parameters
    ----------
    hashrate : float, array, Series or DataArray
        Hashrate [TH/s], >= 0.
    efficiency : float, array, Series or DataArray
        Hashrate-weighted efficiency [J/TH], > 0.
    pue : float or array-like, default 1.0
        Power usage effectiveness [-], >= 1.

    Returns
    -------
    Power [MW]: ``hashrate * efficiency * pue / 1e6``, i.e. EH/s x J/TH.

    Examples
    --------
    CleanSpark on 2025-09-30, 45.6 EH/s at 16.7 J/TH:

    >>> round(site_power_mw(45.6e6, 16.7), 1)
    761.5
    """
    hashrate = cast(Numeric, check("hashrate", hashrate, low=0, unit="[TH/s]"))
    efficiency = check_efficiency(efficiency)
    return hashrate * efficiency * check_pue(pue) / W_PER_MW


@aligned
def site_hashrate(power_mw: ArrayLike, efficiency: ArrayLike, *, pue: ArrayLike = 1.0) -> Numeric:
    """Hashrate a given grid power supports.

    Parameters
    ----------
    power_mw : float, array, Series or DataArray
        Power available at the meter [MW], >= 0.
    efficiency : float, array, Series or DataArray
        Hashrate-weighted efficiency [J/TH], > 0.
    pue : float or array-like, default 1.0
        Power usage effectiveness [-], >= 1.

    Returns
    -------
    Hashrate [TH/s]: ``power_mw * 1e6 / (efficiency * pue)``.

    Examples
    --------
    >>> round(site_hashrate(100, 13.5) / 1e6, 2)   # EH/s on 100 MW of S21 XP
    7.41
    """
    power_mw = cast(Numeric, check("power_mw", power_mw, low=0, unit="[MW]"))
    efficiency = check_efficiency(efficiency)
    return power_mw * W_PER_MW / (efficiency * check_pue(pue))


def _market(network: NetworkState | None, overrides: dict[str, ArrayLike]) -> dict[str, ArrayLike]:
    """Network inputs of the economics functions, from a state and user overrides."""
    state = network if network is not None else NetworkState.latest()
    inputs: dict[str, ArrayLike] = {
        "btc_price": state.btc_price,
        "difficulty": state.difficulty,
        "fees_per_block": state.fees_per_block,
        "subsidy": state.subsidy,
    }
    return inputs | overrides


class _Hashing:
    """Economics of anything with a hashrate [TH/s] and an efficiency [J/TH].

    ``network`` defaults to :meth:`~minerecon.network.NetworkState.latest`;
    ``kwargs`` are the keyword arguments of
    :func:`~minerecon.economics.margin_per_th` and may also override
    ``btc_price``, ``difficulty``, ``fees_per_block`` or ``subsidy``.
    """

    if TYPE_CHECKING:
        # Fields of a Miner, properties of a Fleet.
        @property
        def hashrate(self) -> float: ...
        @property
        def efficiency(self) -> float: ...

    def margin_per_th(
        self, power_price: ArrayLike, network: NetworkState | None = None, **kwargs: ArrayLike
    ) -> Numeric:
        """Margin [USD per TH/s per day]; see :func:`~minerecon.economics.margin_per_th`."""
        inputs = _market(network, kwargs)
        return economics.margin_per_th(
            efficiency=self.efficiency, power_price=power_price, **inputs
        )

    def daily_margin(
        self, power_price: ArrayLike, network: NetworkState | None = None, **kwargs: ArrayLike
    ) -> Numeric:
        """Margin of all the hashrate [USD per day]."""
        return self.margin_per_th(power_price, network, **kwargs) * self.hashrate

    def breakeven_btc_price(
        self, power_price: ArrayLike, network: NetworkState | None = None, **kwargs: ArrayLike
    ) -> Numeric:
        """BTC price at which the margin is zero [USD/BTC]; see
        :func:`~minerecon.economics.breakeven_btc_price`.
        """
        inputs = _market(network, kwargs)
        del inputs["btc_price"]
        return economics.breakeven_btc_price(
            efficiency=self.efficiency, power_price=power_price, **inputs
        )

    def breakeven_power_price(
        self, network: NetworkState | None = None, **kwargs: ArrayLike
    ) -> Numeric:
        """Power price at which the margin is zero [USD/kWh]; see
        :func:`~minerecon.economics.breakeven_power_price`.
        """
        inputs = _market(network, kwargs)
        return economics.breakeven_power_price(efficiency=self.efficiency, **inputs)


@dataclasses.dataclass(frozen=True)
class Miner(_Hashing):
    """One ASIC model.

    Parameters
    ----------
    name : str
        Model name.
    hashrate : float
        Nameplate hashrate [TH/s], > 0.
    power : float
        Wall power at that hashrate [W], > 0.
    manufacturer, cooling : str
        Descriptive fields from the catalogue.
    release_year : int or None
        Year of first shipment.

    Examples
    --------
    >>> s21 = get_miner("antminer s21")
    >>> s21.name, s21.hashrate, s21.efficiency
    ('Antminer S21', 200.0, 17.5)
    """

    name: str
    hashrate: float
    power: float
    manufacturer: str = ""
    cooling: str = "air"
    release_year: int | None = None

    def __post_init__(self) -> None:
        for field in ("name", "manufacturer", "cooling"):
            if not isinstance(getattr(self, field), str):
                raise ValueError(f"{field} must be a string, got {getattr(self, field)!r}")
        if not self.name.strip():
            raise ValueError("name must not be empty")
        year = self.release_year
        if year is not None and (
            isinstance(year, bool | np.bool_) or not isinstance(year, numbers.Integral)
        ):
            raise ValueError(f"release_year must be a whole number or None, got {year!r}")
        hashrate = check_scalar("hashrate", self.hashrate, low=0, low_open=True, unit="[TH/s]")
        power = check_scalar("power", self.power, low=0, low_open=True, unit="[W]")
        object.__setattr__(self, "hashrate", hashrate)
        object.__setattr__(self, "power", power)

    @property
    def efficiency(self) -> float:
        """Efficiency [J/TH]: power over hashrate."""
        return self.power / self.hashrate


@dataclasses.dataclass(frozen=True)
class Fleet(_Hashing):
    """Groups of identical machines.

    Parameters
    ----------
    groups : tuple of (Miner, int)
        Each model with its machine count (>= 0).

    Notes
    -----
    Margin is linear in efficiency, so the fleet's margin per TH/s equals the
    margin at its hashrate-weighted efficiency, ``sum(P_i) / sum(H_i)``;
    the fleet's break-evens are exact, not averages of its machines'.

    Examples
    --------
    >>> fleet = Fleet.from_counts({"Antminer S21 XP": 19_000, "Antminer S19j Pro": 5_000})
    >>> round(fleet.hashrate / 1e6, 3), round(fleet.efficiency, 2)   # EH/s, J/TH
    (5.65, 14.97)
    """

    groups: tuple[tuple[Miner, int], ...]

    def __post_init__(self) -> None:
        if isinstance(self.groups, str | bytes | Mapping) or not isinstance(self.groups, Iterable):
            raise ValueError(
                f"groups must be a tuple of (Miner, count) pairs, got {self.groups!r}"
            )
        pairs = tuple(self.groups)
        if not pairs:
            raise ValueError("groups must hold at least one (miner, count) pair")
        groups: list[tuple[Miner, int]] = []
        for pair in pairs:
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise ValueError(f"groups must hold (Miner, count) pairs, got {pair!r}")
            miner, count = pair
            if not isinstance(miner, Miner):
                raise ValueError(f"groups must pair Miner objects with counts, got {miner!r}")
            groups.append((miner, check_count(f"groups count of {miner.name}", count, low=0)))
        checked = tuple(groups)
        if sum(count for _, count in checked) == 0:
            raise ValueError("groups must hold at least one machine (all counts are 0)")
        object.__setattr__(self, "groups", checked)

    @classmethod
    def from_counts(
        cls, counts: Mapping[str | Miner, int] | Iterable[tuple[str | Miner, int]]
    ) -> Fleet:
        """A fleet from catalogue names (or Miner objects) and counts."""
        if isinstance(counts, Mapping):
            items = list(counts.items())
        elif isinstance(counts, str | bytes) or not isinstance(counts, Iterable):
            raise ValueError(f"counts must map machine names to counts, got {counts!r}")
        else:
            items = list(counts)
        if not items:
            raise ValueError("counts must name at least one machine, got none")
        groups = []
        for item in items:
            if not isinstance(item, tuple | list) or len(item) != 2:
                raise ValueError(f"counts must hold (name, count) pairs, got {item!r}")
            miner, count = item
            miner = _lookup("counts", miner) if isinstance(miner, str) else miner
            if not isinstance(miner, Miner):
                raise ValueError(f"counts must name catalogue machines or Miners, got {miner!r}")
            groups.append((miner, check_count(f"counts of {miner.name}", count, low=0)))
        return cls(tuple(groups))

    @classmethod
    def from_deployments(cls, deployed: Deployment | Iterable[Deployment]) -> Fleet:
        """The machines of some deployments as one fleet (delivery dates ignored)."""
        # A Deployment looks a catalogue name up when it is made: its miner is a Miner.
        return cls(tuple((cast(Miner, d.miner), d.count) for d in deployments(deployed)))

    @property
    def count(self) -> int:
        """Number of machines."""
        return sum(count for _, count in self.groups)

    @property
    def hashrate(self) -> float:
        """Total hashrate [TH/s]."""
        return float(sum(miner.hashrate * count for miner, count in self.groups))

    @property
    def power(self) -> float:
        """Total power at the machines [W]."""
        return float(sum(miner.power * count for miner, count in self.groups))

    @property
    def power_mw(self) -> float:
        """Total power at the machines [MW]."""
        return self.power / W_PER_MW

    @property
    def efficiency(self) -> float:
        """Hashrate-weighted efficiency [J/TH]."""
        return self.power / self.hashrate

    def cost_per_btc(
        self,
        power_price: ArrayLike,
        network: NetworkState | None = None,
        *,
        switch_off: bool = True,
        **kwargs: ArrayLike,
    ) -> float | FloatArray:
        """Cash cost of the BTC the fleet mines [USD/BTC], idle machines left out.

        Parameters
        ----------
        power_price : float or array-like
            Price of electricity [USD/kWh], >= 0.
        network : NetworkState, optional
            As the other methods; ``kwargs`` may override its ``btc_price``,
            ``difficulty``, ``fees_per_block`` or ``subsidy``.
        switch_off : bool, default True
            Machines whose margin at the BTC price is negative stand idle:
            they cost and mine nothing. False: every machine runs (power
            bought under take-or-pay, say).
        **kwargs
            ``pool_fee``, ``pue``, ``uptime``, ``other_opex``, as
            :func:`~minerecon.economics.cash_cost_per_btc`.

        Returns
        -------
        Energy and other opex of the machines that run per BTC they mine,
        ``sum_i H_i c_i / sum_i H_i m`` over running groups ``i`` (hashrate
        ``H_i``, cost ``c_i`` per TH/s per day, ``m`` BTC per TH/s per day);
        nan where no machine runs. With every machine running it equals
        :func:`~minerecon.economics.cash_cost_per_btc` at the fleet's
        efficiency; switching the losers off lowers it (their cost per BTC is
        above the BTC price).

        Examples
        --------
        At 90,000 USD/BTC and 0.07 USD/kWh an S19j Pro (29.5 J/TH) loses
        money and stands idle; the BTC come from the S21 XP alone:

        >>> from minerecon.network import NetworkState
        >>> state = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
        >>> fleet = Fleet.from_counts({"Antminer S21 XP": 1000, "Antminer S19j Pro": 1000})
        >>> round(fleet.cost_per_btc(0.07, state)), round(fleet.cost_per_btc(0.07, state,
        ...     switch_off=False))
        (54117, 71952)
        """
        if not isinstance(switch_off, bool):
            raise ValueError(f"switch_off must be True or False, got {switch_off!r}")
        inputs = _market(network, kwargs)
        # A number or an array, compared with each machine's cost per BTC.
        btc_price = cast(Numeric, inputs.pop("btc_price"))
        # Every TH/s mines the same BTC, so the cost per BTC is the hashrate-weighted
        # mean of the running machines' own.
        weighted: float | FloatArray = 0.0
        running_hashrate: float | FloatArray = 0.0
        for miner, count in self.groups:
            per_btc = economics.cash_cost_per_btc(
                efficiency=miner.efficiency, power_price=power_price, **inputs
            )
            # A machine runs while the BTC it mines pay for its cash cost.
            running = np.asarray(per_btc <= btc_price) if switch_off else True
            hashrate = miner.hashrate * count
            weighted = weighted + np.where(running, hashrate * per_btc, 0.0)
            running_hashrate = running_hashrate + np.where(running, hashrate, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(
                np.asarray(running_hashrate) > 0, np.asarray(weighted) / running_hashrate, np.nan
            )
        return float(out) if out.ndim == 0 else out


@dataclasses.dataclass(frozen=True)
class Deployment:
    """Machines of one model put to work on one day, for projections.

    Parameters
    ----------
    miner : Miner or str
        The model (a catalogue name is looked up).
    count : int
        Machines delivered, >= 0.
    delivery : int or date-like, default 0
        Day the machines start hashing: a whole number of days after the
        projection's start (``2`` or ``2.0``; stored as an ``int``), or a
        date (a string such as ``"2026-03-01"``, a datetime or a
        ``pandas.Timestamp``). A fraction of a day, a negative number, a
        boolean or a string that is not a date raises ``ValueError``.
    capex_per_unit : float, default 0
        Price paid per machine on the delivery day [USD], >= 0.
    degradation : float, default 0
        Share of hashrate lost per year of age [1/year], in [0, 1).
    failure_rate : float, default 0
        Failures per machine-year [1/year], >= 0: the expected surviving
        share after ``a`` years is ``exp(-failure_rate * a)``.
    uptime : float, default 1
        Share of the time a working machine hashes [-], in (0, 1].
    resale_value : float, default 0
        Price a surviving machine fetches at the horizon [USD], >= 0.
    other_opex : float, default 0
        Cost that does not stop when the machines are switched off, such as
        a fixed hosting or maintenance fee [USD per installed TH/s per day],
        >= 0.

    Notes
    -----
    On day ``t`` after delivery (age ``a = t / 365`` years) the deployment
    hashes ``count * hashrate * exp(-failure_rate a) * (1 - degradation)**a
    * uptime`` TH/s and draws ``count * power * exp(-failure_rate a) *
    uptime`` W: degradation lowers hashrate, not power.
    """

    miner: Miner | str
    count: int
    delivery: int | DateLike = 0
    capex_per_unit: float = 0.0
    degradation: float = 0.0
    failure_rate: float = 0.0
    uptime: float = 1.0
    resale_value: float = 0.0
    other_opex: float = 0.0

    def __post_init__(self) -> None:
        if isinstance(self.miner, str):
            object.__setattr__(self, "miner", _lookup("miner", self.miner))
        if not isinstance(self.miner, Miner):
            raise ValueError(f"miner must be a Miner or a catalogue name, got {self.miner!r}")
        if not isinstance(self.count, int | np.integer) or self.count < 0:
            raise ValueError(f"count must be a whole number >= 0, got {self.count!r}")
        object.__setattr__(self, "delivery", _delivery(self.delivery))
        check("capex_per_unit", self.capex_per_unit, low=0, unit="[USD]")
        check("degradation", self.degradation, low=0, high=1, high_open=True, unit="[1/year]")
        check("failure_rate", self.failure_rate, low=0, unit="[1/year]")
        check_uptime(self.uptime)
        check("resale_value", self.resale_value, low=0, unit="[USD]")
        check("other_opex", self.other_opex, low=0, unit="[USD/TH/day]")

    def delivery_day(self, start: DateLike) -> int:
        """Days from ``start`` to delivery (``delivery`` as an offset or a date)."""
        from minerecon import datasets

        if isinstance(self.delivery, int):
            return self.delivery
        delivered = datasets.parse_day("delivery", self.delivery)
        first = datasets.parse_day("start", start)
        days = (delivered - first).days
        if days < 0:
            raise ValueError(f"delivery {delivered.date()} is before the start {first.date()}")
        return days


def _delivery(value: object) -> int | DateLike:
    """``Deployment.delivery`` as an ``int`` of days, or the date it was given."""
    from minerecon import datasets

    refused = ValueError(
        f"delivery must be a whole number of days >= 0 after the start, or a date "
        f"(a string such as '2026-03-01', a datetime or a pandas.Timestamp), got {value!r}"
    )
    if isinstance(value, bool | np.bool_ | np.timedelta64):
        raise refused
    if isinstance(value, numbers.Integral):
        if value < 0:
            raise refused
        return int(value)
    if isinstance(value, numbers.Real):
        days = float(value)
        if not (np.isfinite(days) and days >= 0 and days.is_integer()):
            raise refused
        return int(days)
    try:
        datasets.parse_day("delivery", value)
    except ValueError:
        raise refused from None
    return cast(DateLike, value)  # a date, as parse_day read it


def deployments(fleet: Fleet | Deployment | Iterable[Deployment]) -> tuple[Deployment, ...]:
    """Deployments from a :class:`Fleet` (all on day 0), one or many deployments."""
    if isinstance(fleet, Fleet):
        return tuple(Deployment(miner, count) for miner, count in fleet.groups)
    if isinstance(fleet, Deployment):
        return (fleet,)
    expected = "fleet must be a Fleet, a Deployment or a non-empty list of Deployments"
    if isinstance(fleet, str | bytes | Mapping) or not isinstance(fleet, Iterable):
        raise ValueError(f"{expected}, got {type(fleet).__name__} {fleet!r}")
    items = tuple(fleet)
    if not items or not all(isinstance(item, Deployment) for item in items):
        raise ValueError(f"{expected}, got {items!r}")
    return items


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum() or ch == "+")


def list_miners() -> pd.DataFrame:
    """The ASIC catalogue, one row per model.

    Returns
    -------
    pandas.DataFrame
        Indexed by name; see :func:`minerecon.datasets.load_miners`.

    Examples
    --------
    >>> "Antminer S21 XP" in list_miners().index
    True
    """
    from minerecon import datasets

    return datasets.load_miners()


def get_miner(name: str) -> Miner:
    """A catalogue machine by name (case, spaces and hyphens ignored).

    Parameters
    ----------
    name : str
        Model name, e.g. ``"Antminer S21 XP"`` or ``"s21xp"``.

    Returns
    -------
    Miner

    Raises
    ------
    KeyError
        When no model matches (also a ``ValueError``); the message lists the
        closest names.

    Examples
    --------
    >>> get_miner("Whatsminer M60S").efficiency
    18.387096774193548
    """
    return _lookup("name", name)


def _lookup(argument: str, name: object) -> Miner:
    """The catalogue machine called ``name``; errors name ``argument``."""
    if not isinstance(name, str):
        raise ValueError(f"{argument} must be a machine name (a string), got {name!r}")
    catalogue = list_miners()
    keys = {_key(full): full for full in catalogue.index}
    keys.update({_key(full.split(" ", 1)[-1]): full for full in catalogue.index})
    wanted = _key(name)
    if wanted not in keys:
        close = difflib.get_close_matches(wanted, list(keys), n=6, cutoff=0.6)
        names = list(dict.fromkeys(keys[key] for key in close))[:4]
        hint = f"; closest: {', '.join(names)}" if names else ""
        raise UnknownNameError(
            f"{argument} must name a catalogue machine: no miner named {name!r}{hint} "
            "(see list_miners())"
        )
    full_name = keys[wanted]
    row = catalogue.loc[full_name]
    return Miner(
        name=full_name,
        hashrate=float(row["hashrate_th"]),
        power=float(row["power_w"]),
        manufacturer=str(row["manufacturer"]),
        cooling=str(row["cooling"]),
        release_year=int(row["release_year"]),
    )
