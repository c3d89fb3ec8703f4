"""Mining economics per TH/s: revenue, margin, break-evens and cost per BTC.

Every quantity is per TH/s of hashrate per day, so it applies to one machine,
a fleet (via its hashrate-weighted efficiency) or a whole network alike.
All break-evens are the exact roots of :func:`margin_per_th`, so the margin
evaluated at a break-even is zero.

Keyword arguments shared by the functions below
-----------------------------------------------
fees_per_block : float or array-like, default 0
    Average transaction fees per block [BTC], >= 0.
subsidy : float or array-like, default 3.125
    Block subsidy [BTC], >= 0 (:func:`minerecon.network.block_subsidy`).
pool_fee : float or array-like, default 0
    Share of the expected reward the pool keeps (FPPS) [-], in [0, 1).
pue : float or array-like, default 1.0
    Power usage effectiveness, facility power over machine power [-], >= 1.
uptime : float or array-like, default 1.0
    Share of the day the machines hash [-], in (0, 1]. Revenue and energy
    scale with it; ``other_opex`` does not.
other_opex : float or array-like, default 0
    Other operating cost that does not scale with uptime, such as a hosting
    fee or site labour [USD per TH/s per day], >= 0.
network : NetworkState, optional
    Where the BTC price, difficulty, fees per block and subsidy come from
    when they are not given (explicit arguments override it), so that
    ``margin_per_th(efficiency=13.5, power_price=0.05, network=state)``
    prices a machine on the network of ``state``. Without it, fees default
    to 0 and the subsidy to 3.125 BTC, and the BTC price and difficulty are
    required.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

from minerecon import _contract
from minerecon._contract import aligned, check, scalar_out
from minerecon.energy import (
    check_pue,
    check_uptime,
    energy_cost_per_th,
    energy_per_th_day,
)
from minerecon.network import CURRENT_SUBSIDY, NetworkState, btc_per_th_day, hashprice
from minerecon.typing import ArrayLike, Numeric
from minerecon.units import DAYS_PER_YEAR

__all__ = [
    "all_in_cost_per_btc",
    "breakeven_btc_price",
    "breakeven_difficulty",
    "breakeven_power_price",
    "btc_mined_per_th",
    "cash_cost_per_btc",
    "depreciation_per_th",
    "energy_cost_per_btc",
    "margin_per_th",
    "payback_days",
    "profitability_threshold",
    "revenue_per_th",
    "shutdown_hashprice",
]


#: A function wrapped by :func:`_uses_network`, whose type it keeps.
F = TypeVar("F", bound=Callable[..., Any])
#: Arguments a NetworkState supplies, by the name of its attribute.
NETWORK_INPUTS = ("btc_price", "difficulty", "fees_per_block", "subsidy")
_EMPTY = inspect.Parameter.empty


def _uses_network(func: F) -> F:
    """Let ``func`` take its network inputs from ``network=NetworkState``.

    Arguments named in :data:`NETWORK_INPUTS` that the caller leaves out (or
    gives as ``None``) come from the state; explicit values win. Without a
    state the function's own defaults apply, and a required one missing
    raises ``TypeError`` naming it.
    """
    signature = inspect.signature(func)
    supplied = [name for name in NETWORK_INPUTS if name in signature.parameters]
    required = [p.name for p in signature.parameters.values() if p.default is _EMPTY]
    defaults = {name: signature.parameters[name].default for name in supplied}
    parameters = [
        p.replace(default=None) if p.default is _EMPTY or p.name in supplied else p
        for p in signature.parameters.values()
    ]
    parameters.append(
        inspect.Parameter(
            "network", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="NetworkState"
        )
    )
    public = signature.replace(parameters=parameters)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = (*args, *kwargs.values())
        complete = all(i < len(args) or name in kwargs for i, name in enumerate(required))
        if (
            complete
            and "network" not in kwargs
            and not any(v is None or isinstance(v, NetworkState) for v in values)
        ):
            return func(*args, **kwargs)  # no state involved: skip the binding
        arguments = public.bind(*args, **kwargs).arguments
        state = arguments.pop("network", None)
        if state is not None and not isinstance(state, NetworkState):
            raise ValueError(f"network must be a NetworkState, got {type(state).__name__}")
        for name, value in arguments.items():
            if isinstance(value, NetworkState):
                raise ValueError(
                    f"{name} must be a number, got a NetworkState: pass the state as network="
                )
        for name in supplied:
            if arguments.get(name) is None:
                if state is not None:
                    arguments[name] = getattr(state, name)
                elif defaults[name] is not _EMPTY:
                    arguments[name] = defaults[name]
        missing = [name for name in required if arguments.get(name) is None]
        if missing:
            hint = " (or network=NetworkState)" if set(missing) & set(supplied) else ""
            raise TypeError(f"{func.__name__}() needs {', '.join(missing)}{hint}")
        return func(**arguments)

    # inspect.signature reads it; the checker knows no such attribute on functions.
    cast(Any, wrapper).__signature__ = public
    return cast(F, wrapper)


def _check_pool_fee(pool_fee: ArrayLike) -> Numeric:
    return _contract.check_fraction("pool_fee", pool_fee)


def _check_opex(name: str, value: ArrayLike) -> Numeric:
    return check(name, value, low=0, unit="[USD/TH/day]")


@_uses_network
@aligned
def btc_mined_per_th(
    difficulty: ArrayLike,
    *,
    fees_per_block: ArrayLike = 0.0,
    subsidy: ArrayLike = CURRENT_SUBSIDY,
    pool_fee: ArrayLike = 0.0,
    uptime: ArrayLike = 1.0,
) -> Numeric:
    """BTC one TH/s earns per day after the pool fee.

    Parameters
    ----------
    difficulty : float, array, Series or DataArray
        Difficulty [-], > 0.
    fees_per_block, subsidy, pool_fee, uptime
        See :mod:`minerecon.economics`.

    Returns
    -------
    Reward [BTC per TH/s per day].

    Notes
    -----
    ``btc_per_th_day(D, fees, subsidy) * (1 - pool_fee) * uptime``.
    """
    pool_fee = _check_pool_fee(pool_fee)
    uptime = check_uptime(uptime)
    return btc_per_th_day(difficulty, fees_per_block, subsidy) * ((1.0 - pool_fee) * uptime)


@_uses_network
@aligned
def revenue_per_th(
    btc_price: ArrayLike,
    difficulty: ArrayLike,
    *,
    fees_per_block: ArrayLike = 0.0,
    subsidy: ArrayLike = CURRENT_SUBSIDY,
    pool_fee: ArrayLike = 0.0,
    uptime: ArrayLike = 1.0,
) -> Numeric:
    """USD one TH/s earns per day after the pool fee.

    Parameters
    ----------
    btc_price : float, array, Series or DataArray
        BTC price [USD/BTC], >= 0.
    difficulty : float, array, Series or DataArray
        Difficulty [-], > 0.
    fees_per_block, subsidy, pool_fee, uptime
        See :mod:`minerecon.economics`.

    Returns
    -------
    Revenue [USD per TH/s per day].

    Notes
    -----
    ``hashprice * (1 - pool_fee) * uptime``, the expected value an FPPS pool
    pays.

    Examples
    --------
    >>> round(revenue_per_th(87_000, 152.27e12, pool_fee=0.02), 5)
    0.0352
    """
    pool_fee = _check_pool_fee(pool_fee)
    uptime = check_uptime(uptime)
    gross = hashprice(btc_price, difficulty, fees_per_block, subsidy)
    return gross * ((1.0 - pool_fee) * uptime)


@_uses_network
@aligned
def margin_per_th(
    btc_price: ArrayLike,
    difficulty: ArrayLike,
    efficiency: ArrayLike,
    power_price: ArrayLike,
    *,
    fees_per_block: ArrayLike = 0.0,
    subsidy: ArrayLike = CURRENT_SUBSIDY,
    pool_fee: ArrayLike = 0.0,
    pue: ArrayLike = 1.0,
    uptime: ArrayLike = 1.0,
    other_opex: ArrayLike = 0.0,
) -> Numeric:
    """Operating margin of one TH/s per day.

    Parameters
    ----------
    btc_price : float, array, Series or DataArray
        BTC price [USD/BTC], >= 0.
    difficulty : float, array, Series or DataArray
        Difficulty [-], > 0.
    efficiency : float, array, Series or DataArray
        Machine efficiency [J/TH], > 0.
    power_price : float, array, Series or DataArray
        Price of electricity at the meter [USD/kWh], >= 0.
    fees_per_block, subsidy, pool_fee, pue, uptime, other_opex
        See :mod:`minerecon.economics`.

    Returns
    -------
    Margin [USD per TH/s per day]; negative when the machine loses money.

    Notes
    -----
    .. math::

        m = P \\, \\frac{86400 \\cdot 10^{12} (s + f)}{D \\, 2^{32}} (1 - \\phi) u
            - \\varepsilon \\frac{24}{1000} \\, \\mathrm{PUE} \\, u \\, p_e - c_o

    with BTC price :math:`P`, subsidy :math:`s`, fees :math:`f`, difficulty
    :math:`D`, pool fee :math:`\\phi`, uptime :math:`u`, efficiency
    :math:`\\varepsilon`, power price :math:`p_e` and other opex :math:`c_o`.
    The terms are grouped so that a broadcast grid is written only once.

    Examples
    --------
    November 2025 average hashprice 39.82 USD/PH/day, an S21 XP (13.5 J/TH)
    at 0.05 USD/kWh (revenue 0.03982, energy 0.0162 USD/TH/day):

    >>> from minerecon.units import hashprice_from_ph_day
    >>> price = hashprice_from_ph_day(39.82) / hashprice(1.0, 152.27e12)
    >>> round(margin_per_th(price, 152.27e12, 13.5, 0.05), 5)
    0.02362
    """
    revenue = revenue_per_th(
        btc_price,
        difficulty,
        fees_per_block=fees_per_block,
        subsidy=subsidy,
        pool_fee=pool_fee,
        uptime=uptime,
    )
    other_opex = _check_opex("other_opex", other_opex)
    cost = energy_cost_per_th(efficiency, power_price, pue=pue, uptime=uptime) + other_opex
    return revenue - cost


def _cost_per_btc(
    difficulty: ArrayLike,
    efficiency: ArrayLike,
    power_price: ArrayLike,
    fixed_cost: Numeric,
    *,
    fees_per_block: ArrayLike,
    subsidy: ArrayLike,
    pool_fee: ArrayLike,
    pue: ArrayLike,
    uptime: ArrayLike,
) -> Numeric:
    energy = energy_cost_per_th(efficiency, power_price, pue=pue, uptime=uptime)
    mined = btc_mined_per_th(
        difficulty,
        fees_per_block=fees_per_block,
        subsidy=subsidy,
        pool_fee=pool_fee,
        uptime=uptime,
    )
    return _contract.divide(energy + fixed_cost, mined)


@_uses_network
@scalar_out
@aligned
def breakeven_btc_price(
    difficulty: ArrayLike,
    efficiency: ArrayLike,
    power_price: ArrayLike,
    *,
    fees_per_block: ArrayLike = 0.0,
    subsidy: ArrayLike = CURRENT_SUBSIDY,
    pool_fee: ArrayLike = 0.0,
    pue: ArrayLike = 1.0,
    uptime: ArrayLike = 1.0,
    other_opex: ArrayLike = 0.0,
) -> Numeric:
    """BTC price at which the margin of a TH/s is zero.

    Parameters
    ----------
    difficulty : float, array, Series or DataArray
        Difficulty [-], > 0.
    efficiency : float, array, Series or DataArray
        Machine efficiency [J/TH], > 0.
    power_price : float, array, Series or DataArray
        Price of electricity [USD/kWh], >= 0.
    fees_per_block, subsidy, pool_fee, pue, uptime, other_opex
        See :mod:`minerecon.economics`. Fees are held fixed in BTC per block.

    Returns
    -------
    Break-even BTC price [USD/BTC]; ``inf`` when the block reward is zero.

    Notes
    -----
    ``P* = (C_energy + c_o) / (btc_per_th_day * (1 - pool_fee) * uptime)``,
    the root of :func:`margin_per_th` in the BTC price. With ``other_opex``
    it equals :func:`cash_cost_per_btc`.

    Examples
    --------
    An S21 XP (13.5 J/TH) at 0.05 USD/kWh and difficulty 152.27 T:

    >>> round(breakeven_btc_price(152.27e12, 13.5, 0.05))
    39240
    """
    other_opex = _check_opex("other_opex", other_opex)
    return _cost_per_btc(
        difficulty,
        efficiency,
        power_price,
        other_opex,
        fees_per_block=fees_per_block,
        subsidy=subsidy,
        pool_fee=pool_fee,
        pue=pue,
        uptime=uptime,
    )


@_uses_network
@scalar_out
@aligned
def breakeven_power_price(
    btc_price: ArrayLike,
    difficulty: ArrayLike,
    efficiency: ArrayLike,
    *,
    fees_per_block: ArrayLike = 0.0,
    subsidy: ArrayLike = CURRENT_SUBSIDY,
    pool_fee: ArrayLike = 0.0,
    pue: ArrayLike = 1.0,
    uptime: ArrayLike = 1.0,
    other_opex: ArrayLike = 0.0,
) -> Numeric:
    """Power price at which the margin of a TH/s is zero.

    Parameters
    ----------
    btc_price : float, array, Series or DataArray
        BTC price [USD/BTC], >= 0.
    difficulty : float, array, Series or DataArray
        Difficulty [-], > 0.
    efficiency : float, array, Series or DataArray
        Machine efficiency [J/TH], > 0.
    fees_per_block, subsidy, pool_fee, pue, uptime, other_opex
        See :mod:`minerecon.economics`.

    Returns
    -------
    Break-even power price [USD/kWh]; ``nan`` where ``other_opex`` exceeds
    the revenue, so that no power price >= 0 breaks even. Where the energy
    of a TH/s underflows to zero (``efficiency * pue * uptime`` of about
    1e-322 J/TH or less), no power price matters: ``inf`` if the revenue
    exceeds ``other_opex``, ``nan`` otherwise.

    Notes
    -----
    ``p* = (R - c_o) / (efficiency * 24 / 1000 * pue * uptime)`` with revenue
    ``R`` from :func:`revenue_per_th`.

    References
    ----------
    Hashrate Index Roundup, 2024-04-01: break-even power price per ASIC at a
    hashprice of 54.3 USD/PH/day (S21 0.13 USD/kWh, S19j Pro 0.075).

    Examples
    --------
    >>> from minerecon.units import hashprice_from_ph_day
    >>> price = hashprice_from_ph_day(54.3) / hashprice(1.0, 83.13e12)
    >>> round(breakeven_power_price(price, 83.13e12, 17.5), 3)  # Antminer S21
    0.129
    """
    revenue = revenue_per_th(
        btc_price,
        difficulty,
        fees_per_block=fees_per_block,
        subsidy=subsidy,
        pool_fee=pool_fee,
        uptime=uptime,
    )
    other_opex = _check_opex("other_opex", other_opex)
    energy = energy_per_th_day(efficiency, pue=pue, uptime=uptime)
    price = _contract.divide(revenue - other_opex, energy)
    return _contract.mask(price, price < 0)


@_uses_network
@scalar_out
@aligned
def breakeven_difficulty(
    btc_price: ArrayLike,
    efficiency: ArrayLike,
    power_price: ArrayLike,
    *,
    fees_per_block: ArrayLike = 0.0,
    subsidy: ArrayLike = CURRENT_SUBSIDY,
    pool_fee: ArrayLike = 0.0,
    pue: ArrayLike = 1.0,
    uptime: ArrayLike = 1.0,
    other_opex: ArrayLike = 0.0,
) -> Numeric:
    """Difficulty at which the margin of a TH/s is zero.

    Parameters
    ----------
    btc_price : float, array, Series or DataArray
        BTC price [USD/BTC], >= 0.
    efficiency : float, array, Series or DataArray
        Machine efficiency [J/TH], > 0.
    power_price : float, array, Series or DataArray
        Price of electricity [USD/kWh], >= 0.
    fees_per_block, subsidy, pool_fee, pue, uptime, other_opex
        See :mod:`minerecon.economics`. Fees are held fixed in BTC per block.

    Returns
    -------
    Break-even difficulty [-]: the machine is profitable below it. ``inf``
    when the machine has no cost; ``nan`` when it has neither cost nor
    revenue.

    Notes
    -----
    Revenue falls as ``1 / D``, so ``D* = D * R(D) / C`` for any ``D``;
    evaluated at ``D = 1``.

    Examples
    --------
    >>> round(breakeven_difficulty(87_000, 13.5, 0.05) / 1e12, 1)  # T
    337.6
    """
    other_opex = _check_opex("other_opex", other_opex)
    revenue_at_unit_difficulty = revenue_per_th(
        btc_price,
        1.0,
        fees_per_block=fees_per_block,
        subsidy=subsidy,
        pool_fee=pool_fee,
        uptime=uptime,
    )
    cost = energy_cost_per_th(efficiency, power_price, pue=pue, uptime=uptime) + other_opex
    return _contract.divide(revenue_at_unit_difficulty, cost)


@scalar_out
@aligned
def shutdown_hashprice(
    efficiency: ArrayLike,
    power_price: ArrayLike,
    *,
    pue: ArrayLike = 1.0,
    pool_fee: ArrayLike = 0.0,
    variable_opex: ArrayLike = 0.0,
) -> Numeric:
    """Hashprice below which a running machine loses money on every hash.

    Parameters
    ----------
    efficiency : float, array, Series or DataArray
        Machine efficiency [J/TH], > 0.
    power_price : float, array, Series or DataArray
        Price of electricity [USD/kWh], >= 0.
    pue, pool_fee
        See :mod:`minerecon.economics`.
    variable_opex : float or array-like, default 0
        Other cost incurred only while hashing [USD per TH/s per day], >= 0.

    Returns
    -------
    Hashprice [USD per TH/s per day], gross of the pool fee as published.

    Notes
    -----
    ``h* = (efficiency * 24 / 1000 * pue * power_price + c_v) / (1 - pool_fee)``.
    Fixed costs are sunk in the short run, so they do not enter the decision
    to switch off.

    Examples
    --------
    >>> round(shutdown_hashprice(13.5, 0.05) * 1000, 1)   # USD/PH/day
    16.2
    """
    variable_opex = _check_opex("variable_opex", variable_opex)
    pool_fee = _check_pool_fee(pool_fee)
    energy = energy_cost_per_th(efficiency, power_price, pue=pue)
    return (energy + variable_opex) / (1.0 - pool_fee)


@_uses_network
@scalar_out
@aligned
def energy_cost_per_btc(
    difficulty: ArrayLike,
    efficiency: ArrayLike,
    power_price: ArrayLike,
    *,
    fees_per_block: ArrayLike = 0.0,
    subsidy: ArrayLike = CURRENT_SUBSIDY,
    pue: ArrayLike = 1.0,
) -> Numeric:
    """Electricity cost of mining one BTC (Hayes' cost of production).

    Parameters
    ----------
    difficulty : float, array, Series or DataArray
        Difficulty [-], > 0.
    efficiency : float, array, Series or DataArray
        Machine efficiency [J/TH], > 0.
    power_price : float, array, Series or DataArray
        Price of electricity [USD/kWh], >= 0.
    fees_per_block, subsidy, pue
        See :mod:`minerecon.economics`.

    Returns
    -------
    Cost [USD/BTC]; ``inf`` when the block reward is zero.

    Notes
    -----
    ``p_e * efficiency * pue * D * 2**32 / 3.6e18 / (subsidy + fees)``: the
    energy of the hashes one block takes, divided by the BTC it pays.

    References
    ----------
    A. S. Hayes, "Cryptocurrency value formation: An empirical study leading
    to a cost of production model for valuing Bitcoin", Telematics and
    Informatics 34 (2017) 1308-1321; worked example in
    ``deanfantazzini/bitcoinFinance`` ``R/lower_bound.R``.

    Examples
    --------
    The worked example of Fantazzini et al. (2016): difficulty
    60,883,825,480, 0.135 USD/kWh, 0.75 W per GH/s (750 J/TH), reward 12.5:

    >>> round(energy_cost_per_btc(60_883_825_480, 750, 0.135, subsidy=12.5), 4)
    588.3616
    """
    return _cost_per_btc(
        difficulty,
        efficiency,
        power_price,
        0.0,
        fees_per_block=fees_per_block,
        subsidy=subsidy,
        pool_fee=0.0,
        pue=pue,
        uptime=1.0,
    )


@_uses_network
@scalar_out
@aligned
def cash_cost_per_btc(
    difficulty: ArrayLike,
    efficiency: ArrayLike,
    power_price: ArrayLike,
    *,
    fees_per_block: ArrayLike = 0.0,
    subsidy: ArrayLike = CURRENT_SUBSIDY,
    pool_fee: ArrayLike = 0.0,
    pue: ArrayLike = 1.0,
    uptime: ArrayLike = 1.0,
    other_opex: ArrayLike = 0.0,
    sga: ArrayLike = 0.0,
) -> Numeric:
    """Cash cost of mining one BTC: energy, other opex and SG&A.

    Parameters
    ----------
    difficulty : float, array, Series or DataArray
        Difficulty [-], > 0.
    efficiency : float, array, Series or DataArray
        Machine efficiency [J/TH], > 0.
    power_price : float, array, Series or DataArray
        Price of electricity [USD/kWh], >= 0.
    fees_per_block, subsidy, pool_fee, pue, uptime, other_opex
        See :mod:`minerecon.economics`.
    sga : float or array-like, default 0
        Cash selling, general and administrative cost [USD per TH/s per day].

    Returns
    -------
    Cost [USD per BTC mined, net of pool fees].

    Notes
    -----
    ``(C_energy + c_o + c_sga) / btc_mined_per_th``. Listed miners report
    this (CoinShares' "cash cost"); it excludes depreciation and
    stock-based compensation.
    """
    other_opex = _check_opex("other_opex", other_opex)
    sga = _check_opex("sga", sga)
    return _cost_per_btc(
        difficulty,
        efficiency,
        power_price,
        other_opex + sga,
        fees_per_block=fees_per_block,
        subsidy=subsidy,
        pool_fee=pool_fee,
        pue=pue,
        uptime=uptime,
    )


@_uses_network
@scalar_out
@aligned
def all_in_cost_per_btc(
    difficulty: ArrayLike,
    efficiency: ArrayLike,
    power_price: ArrayLike,
    *,
    fees_per_block: ArrayLike = 0.0,
    subsidy: ArrayLike = CURRENT_SUBSIDY,
    pool_fee: ArrayLike = 0.0,
    pue: ArrayLike = 1.0,
    uptime: ArrayLike = 1.0,
    other_opex: ArrayLike = 0.0,
    sga: ArrayLike = 0.0,
    depreciation: ArrayLike = 0.0,
) -> Numeric:
    """All-in cost of mining one BTC: cash cost plus depreciation.

    Parameters
    ----------
    difficulty, efficiency, power_price
        As in :func:`cash_cost_per_btc`.
    fees_per_block, subsidy, pool_fee, pue, uptime, other_opex, sga
        As in :func:`cash_cost_per_btc`.
    depreciation : float or array-like, default 0
        Depreciation of machines and site [USD per TH/s per day]; see
        :func:`depreciation_per_th`.

    Returns
    -------
    Cost [USD per BTC mined, net of pool fees].

    Notes
    -----
    ``(C_energy + c_o + c_sga + c_dep) / btc_mined_per_th``.

    Examples
    --------
    An S21 XP bought at 25.70 USD/TH (Hashrate Index, 2025-11-03) written
    off over three years, at 0.05 USD/kWh and 152.27 T:

    >>> dep = depreciation_per_th(25.70, life_years=3)
    >>> round(all_in_cost_per_btc(152.27e12, 13.5, 0.05, depreciation=dep))
    96090
    """
    depreciation = _check_opex("depreciation", depreciation)
    return cash_cost_per_btc(
        difficulty,
        efficiency,
        power_price,
        fees_per_block=fees_per_block,
        subsidy=subsidy,
        pool_fee=pool_fee,
        pue=pue,
        uptime=uptime,
        other_opex=other_opex,
        sga=_check_opex("sga", sga) + depreciation,
    )


@aligned
def depreciation_per_th(
    capex_per_th: ArrayLike, *, life_years: ArrayLike = 3.0, residual_value: ArrayLike = 0.0
) -> Numeric:
    """Straight-line depreciation of hardware per TH/s per day.

    Parameters
    ----------
    capex_per_th : float, array, Series or DataArray
        Purchase price [USD per TH/s], >= 0.
    life_years : float or array-like, default 3
        Useful life [years of 365 days], > 0.
    residual_value : float or array-like, default 0
        Value at the end of the life [USD per TH/s], in [0, capex_per_th].

    Returns
    -------
    Depreciation [USD per TH/s per day].

    Examples
    --------
    >>> round(depreciation_per_th(25.70, life_years=3), 5)
    0.02347
    """
    capex_per_th = cast(Numeric, check("capex_per_th", capex_per_th, low=0, unit="[USD/TH]"))
    life_years = cast(
        Numeric, check("life_years", life_years, low=0, low_open=True, unit="[years]")
    )
    residual_value = cast(Numeric, check("residual_value", residual_value, low=0, unit="[USD/TH]"))
    if np.any(np.asarray(residual_value) > np.asarray(capex_per_th)):
        raise ValueError("residual_value must not exceed capex_per_th")
    return (capex_per_th - residual_value) / (life_years * DAYS_PER_YEAR)


@_uses_network
@scalar_out
@aligned
def profitability_threshold(
    btc_price: ArrayLike,
    difficulty: ArrayLike,
    power_price: ArrayLike,
    *,
    fees_per_block: ArrayLike = 0.0,
    subsidy: ArrayLike = CURRENT_SUBSIDY,
    pue: ArrayLike = 1.0,
) -> Numeric:
    """Highest efficiency (J/TH) that still covers its electricity.

    Parameters
    ----------
    btc_price : float, array, Series or DataArray
        BTC price [USD/BTC], >= 0.
    difficulty : float, array, Series or DataArray
        Difficulty [-], > 0.
    power_price : float, array, Series or DataArray
        Price of electricity [USD/kWh], >= 0. CBECI assumes 0.05.
    fees_per_block, subsidy, pue
        See :mod:`minerecon.economics`.

    Returns
    -------
    Efficiency threshold [J/TH]; machines at or below it are profitable.
    ``inf`` at a power price of zero.

    Notes
    -----
    The Cambridge Bitcoin Electricity Consumption Index counts a machine as
    profitable when ``efficiency * power_price <= revenue`` per hash, so
    ``eps* = hashprice / (24 / 1000 * pue * power_price)``.

    References
    ----------
    Cambridge Centre for Alternative Finance, CBECI methodology (2019),
    ``dektox/mining_energy_consumption``.

    Examples
    --------
    >>> round(profitability_threshold(87_000, 152.27e12, 0.05), 1)
    29.9
    """
    power_price = cast(Numeric, check("power_price", power_price, low=0, unit="[USD/kWh]"))
    revenue = hashprice(btc_price, difficulty, fees_per_block, subsidy)
    return _contract.divide(revenue, energy_per_th_day(1.0, pue=check_pue(pue)) * power_price)


@scalar_out
@aligned
def payback_days(capex_per_th: ArrayLike, margin: ArrayLike) -> Numeric:
    """Days a constant margin takes to repay the purchase price.

    Parameters
    ----------
    capex_per_th : float, array, Series or DataArray
        Purchase price [USD per TH/s], >= 0.
    margin : float, array, Series or DataArray
        Margin [USD per TH/s per day], e.g. from :func:`margin_per_th`.

    Returns
    -------
    Payback [days]; ``inf`` where the margin is zero or negative (never).

    Examples
    --------
    >>> round(payback_days(25.70, 0.02362))
    1088
    """
    capex_per_th = cast(Numeric, check("capex_per_th", capex_per_th, low=0, unit="[USD/TH]"))
    margin = cast(Numeric, check("margin", margin, unit="[USD/TH/day]"))
    return _contract.mask(_contract.divide(capex_per_th, margin), margin <= 0, np.inf)
