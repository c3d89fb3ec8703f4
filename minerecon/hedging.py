"""Hedges a miner uses, as cash flows on simulated paths.

Each hedge turns daily paths of the market (BTC price, hashprice, power
price, BTC mined: :func:`minerecon.projection.simulate` with
``output="full"`` gives them) into the hedge's own daily cash flows
[USD/day], paths x days, so that on the same paths the hedged site is the
unhedged one plus the hedge (:func:`hedge_effect`):

* :func:`hashprice_forward`: sell hashprice forward (a non-deliverable
  forward settled daily on a hashprice index), with its initial margin;
* :func:`btc_puts`: buy a strip of monthly BTC puts on a share of expected
  production, optionally financed by selling calls (a collar);
* :func:`power_swap`: fix the power price against an index (a PPA settled
  financially);
* :func:`treasury`: sell a share of the BTC mined each day, hold the rest.

Premiums are Black-Scholes prices at a user's implied volatility; the
forward's strike is the user's. Nothing here assumes a hedge is fairly
priced: :func:`hedge_effect` reports what each costs on the paths.

References
----------
Luxor Technology, "Luxor's Non-Deliverable Bitcoin Hashrate Forward",
docs.luxor.tech/derivatives (contract terms: daily settlement to the
Hashprice Index; initial margin 35 % of notional for USD contracts, 18 %
for BTC contracts), and B. Harper, "Luxor Derivatives Lowers Margin
Requirements for Forwards", hashrateindex.com blog (flat margins from
2024-04-08).
Black, F. and Scholes, M. (1973). The pricing of options and corporate
liabilities. *Journal of Political Economy* 81(3), 637-654.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from minerecon import _contract, cashflow, risk
from minerecon.options import _call_price
from minerecon.typing import ArrayLike, FloatArray
from minerecon.units import DAYS_PER_YEAR

__all__ = [
    "LUXOR_BTC_INITIAL_MARGIN",
    "LUXOR_USD_INITIAL_MARGIN",
    "Hedge",
    "black_scholes",
    "btc_puts",
    "hashprice_forward",
    "hedge_effect",
    "hedged_npv",
    "power_swap",
    "treasury",
]

#: Initial margin of Luxor's USD hashprice forwards, share of notional [-]
#: (docs.luxor.tech, contract details; flat since 2024-04-08).
LUXOR_USD_INITIAL_MARGIN = 0.35
#: Initial margin of Luxor's BTC-denominated hashprice forwards [-] (same source).
LUXOR_BTC_INITIAL_MARGIN = 0.18


@dataclasses.dataclass(frozen=True)
class Hedge:
    """A hedge's cash flows on the paths, and what it cost up front.

    Attributes
    ----------
    name : str
    cash_flow : ndarray
        The hedge's cash flow per path and day [USD/day], premiums and
        margin included.
    premium : float
        Paid on day 0 for options (negative when received) [USD]; 0 for
        forwards and swaps.
    notional : float
        What the hedge covers: USD of hashprice revenue for a forward, USD of
        BTC at the strike for puts, USD of power for a swap [USD].
    """

    name: str
    cash_flow: FloatArray
    premium: float
    notional: float


def _paths(
    name: str, values: ArrayLike, *, low: float | None = None, low_open: bool = False
) -> FloatArray:
    """Paths x days of finite numbers, at least ``low`` (above it with ``low_open``)."""
    checked = _contract.check(name, values, low=low, low_open=low_open)
    array = np.asarray(_contract._values(checked), dtype=np.float64)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] == 0:
        raise ValueError(f"{name} must be paths x days (or one path of days), got {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, got {array[~np.isfinite(array)][0]}")
    return array


def _window(start_day: int, days: int, n_days: int) -> slice:
    start = _contract.check_count("start_day", start_day, low=0)
    length = _contract.check_count("days", days, low=1)
    if start + length > n_days:
        raise ValueError(
            f"start_day + days must be <= the paths' {n_days} days, got {start} + {length}"
        )
    return slice(start, start + length)


def hashprice_forward(
    hashprice: ArrayLike,
    strike: float,
    hashrate_ph: float,
    *,
    start_day: int = 0,
    days: int = 30,
    initial_margin: float = LUXOR_USD_INITIAL_MARGIN,
) -> Hedge:
    """Sell hashprice forward: receive ``strike``, pay the index, every day of the tenor.

    Parameters
    ----------
    hashprice : array-like, paths x days
        The hashprice index on each day [USD per PH/s per day].
    strike : float
        Unit hashprice sold [USD per PH/s per day], >= 0.
    hashrate_ph : float
        Daily hashrate sold [PH/s], >= 0.
    start_day, days : int
        First day of settlement (day 0 = the paths' first) and tenor [day].
    initial_margin : float, default :data:`LUXOR_USD_INITIAL_MARGIN`
        Share of notional posted on day 0 and returned after the last
        settlement [-], in [0, 1].

    Returns
    -------
    Hedge
        Daily settlement ``(strike - index) * hashrate_ph`` over the tenor
        (the variation margin: a daily-settled forward pays its gains and
        losses as they accrue), the initial margin out on day 0 and back the
        day after the last settlement (or on the last day of the paths).

    Notes
    -----
    Luxor's NDF: seller's daily settlement ``[unit hashprice - settlement
    rate] x daily contract size``, settlement rate the day's average of the
    Hashprice Index; notional ``unit hashprice x PH/s x days``.

    Examples
    --------
    Selling 100 PH/s at 50 USD/PH/day for 30 days when the index stays at 45:

    >>> hedge = hashprice_forward([[45.0] * 31], 50.0, 100.0, days=30)
    >>> hedge.notional, float(hedge.cash_flow[0, 0]), float(hedge.cash_flow[0, 30])
    (150000.0, -52000.0, 52500.0)

    Day 0 settles ``(50 - 45) * 100`` = 500 USD and posts 35 % of the
    150,000 USD notional; day 30 gets the margin back.
    """
    index = _paths("hashprice", hashprice, low=0.0)
    price = _contract.check_scalar("strike", strike, low=0.0, unit="[USD/PH/day]")
    size = _contract.check_scalar("hashrate_ph", hashrate_ph, low=0.0, unit="[PH/s]")
    margin = _contract.check_scalar("initial_margin", initial_margin, low=0.0, high=1.0)
    tenor = _window(start_day, days, index.shape[1])
    flows = np.zeros_like(index)
    flows[:, tenor] = (price - index[:, tenor]) * size
    notional = price * size * (tenor.stop - tenor.start)
    flows[:, 0] -= margin * notional
    flows[:, min(tenor.stop, index.shape[1] - 1)] += margin * notional
    return Hedge("hashprice forward", flows, 0.0, notional)


def black_scholes(
    spot: ArrayLike,
    strike: ArrayLike,
    years: ArrayLike,
    volatility: float,
    rate: float,
    kind: Literal["put", "call"] = "put",
) -> FloatArray:
    """Black-Scholes price of European puts or calls on a non-dividend asset.

    Parameters
    ----------
    spot, strike : array-like
        Price today and strike [USD], > 0 and >= 0.
    years : array-like
        Time to expiry [year], >= 0 (intrinsic value at 0).
    volatility : float
        Implied volatility [1/sqrt(year)], >= 0.
    rate : float
        Annual effective risk-free rate [-], > -1 (continuous ``ln(1 + r)``).
    kind : {"put", "call"}

    Returns
    -------
    Option prices [USD], broadcast over the inputs.

    Examples
    --------
    The European put of Longstaff and Schwartz (2001), Table 1 (r = 0.06
    continuous):

    >>> float(black_scholes(36.0, 40.0, 1.0, 0.2, math.expm1(0.06)).round(3))
    3.844
    """
    if kind not in ("put", "call"):
        raise ValueError(f"kind must be 'put' or 'call', got {kind!r}")
    s = np.asarray(_contract.check("spot", spot, low=0.0, low_open=True), dtype=float)
    k = np.asarray(_contract.check("strike", strike, low=0.0), dtype=float)
    t = np.asarray(_contract.check("years", years, low=0.0, unit="[year]"), dtype=float)
    sigma = _contract.check_scalar("volatility", volatility, low=0.0)
    rho = math.log1p(_contract.check_scalar("rate", rate, low=-1.0, low_open=True))
    call = _call_price(s, k, t, rho, sigma)
    discounted = k * np.exp(-rho * t)
    # Put-call parity; the floor absorbs rounding on deep in-the-money puts.
    return call if kind == "call" else np.maximum(call - s + discounted, 0.0)


def btc_puts(
    btc_price: ArrayLike,
    btc_per_month: ArrayLike,
    strike: float,
    *,
    volatility: float,
    rate: float,
    call_strike: float | None = None,
    dates: pd.DatetimeIndex | None = None,
) -> Hedge:
    """Buy monthly BTC puts on a quantity of BTC (a collar with ``call_strike``).

    Parameters
    ----------
    btc_price : array-like, paths x days
        BTC price each day [USD/BTC]; day 0 is today.
    btc_per_month : array-like
        BTC covered at each month end, one per month of the paths (typically
        a share of the mean expected production) [BTC], >= 0.
    strike : float
        Put strike [USD/BTC], >= 0.
    volatility : float
        Implied volatility the options are priced at [1/sqrt(year)], >= 0.
    rate : float
        Annual effective risk-free rate [-], > -1.
    call_strike : float, optional
        Sell calls at this strike on the same quantities (a collar)
        [USD/BTC], >= ``strike``.
    dates : pandas.DatetimeIndex, optional
        The paths' days, to find month ends; by default 30-day months from
        day 0.

    Returns
    -------
    Hedge
        The premium (puts bought less calls sold, at Black-Scholes on day
        0's price) paid on day 0, and at each month end ``q (K - S)+`` less
        ``q (S - K_c)+`` for a collar.

    Examples
    --------
    A put with strike 0 never pays, and costs nothing:

    >>> hedge = btc_puts([[90_000.0] * 60], [1.0, 1.0], 0.0, volatility=0.5, rate=0.04)
    >>> hedge.premium, float(abs(hedge.cash_flow).sum())
    (0.0, 0.0)
    """
    prices = _paths("btc_price", btc_price, low=0.0, low_open=True)
    n_days = prices.shape[1]
    ends = _month_ends(n_days, dates)
    quantity = np.asarray(_contract.check("btc_per_month", btc_per_month, low=0.0), dtype=float)
    if quantity.shape != (ends.size,):
        raise ValueError(
            f"btc_per_month must have one quantity per month of the paths ({ends.size}), "
            f"got shape {quantity.shape}"
        )
    put_strike = _contract.check_scalar("strike", strike, low=0.0, unit="[USD/BTC]")
    if call_strike is not None:
        call_strike = _contract.check_scalar(
            "call_strike", call_strike, low=put_strike, unit="[USD/BTC]"
        )
    years = ends / DAYS_PER_YEAR
    spot = float(prices[:, 0].mean())
    if not np.allclose(prices[:, 0], spot):
        raise ValueError("btc_price must start from one price on day 0 on every path")
    premium = float(quantity @ black_scholes(spot, put_strike, years, volatility, rate))
    at_expiry = prices[:, ends]
    payoff = quantity * np.maximum(put_strike - at_expiry, 0.0)
    name = "BTC puts"
    if call_strike is not None:
        premium -= float(
            quantity @ black_scholes(spot, call_strike, years, volatility, rate, "call")
        )
        payoff -= quantity * np.maximum(at_expiry - call_strike, 0.0)
        name = "BTC collar"
    flows = np.zeros_like(prices)
    flows[:, ends] += payoff
    flows[:, 0] -= premium
    return Hedge(name, flows, premium, float(quantity.sum() * put_strike))


def _month_ends(n_days: int, dates: pd.DatetimeIndex | None) -> npt.NDArray[np.int64]:
    """Day index of the last day of each month of the paths (30-day months without dates)."""
    if dates is None:
        return np.arange(29, n_days, 30, dtype=np.int64)
    index = pd.DatetimeIndex(dates)
    if index.size != n_days:
        raise ValueError(
            f"dates must have one date per day of the paths ({n_days}), got {index.size}"
        )
    month = index.to_period("M")
    last = np.flatnonzero(np.append(month[1:] != month[:-1], True))
    return last.astype(np.int64)


def power_swap(index_price: ArrayLike, fixed_price: float, mwh_per_day: ArrayLike) -> Hedge:
    """Fix the power price: receive the index, pay ``fixed_price``, on ``mwh_per_day``.

    A financial PPA (contract for differences): with the site buying at the
    index, site plus swap pays ``fixed_price`` per MWh covered.

    Parameters
    ----------
    index_price : array-like, days or paths x days
        Index power price [USD/MWh].
    fixed_price : float
        Contract price [USD/MWh], >= 0.
    mwh_per_day : float or array-like of days
        Energy covered each day [MWh/day], >= 0.

    Returns
    -------
    Hedge
        ``(index - fixed) * MWh`` per day.

    Examples
    --------
    >>> power_swap([[60.0, 40.0]], 50.0, 24.0).cash_flow.tolist()
    [[240.0, -240.0]]
    """
    index = _paths("index_price", index_price)
    fixed = _contract.check_scalar("fixed_price", fixed_price, low=0.0, unit="[USD/MWh]")
    energy = np.asarray(_contract.check("mwh_per_day", mwh_per_day, low=0.0), dtype=float)
    if energy.ndim > 1 or energy.size not in (1, index.shape[1]):
        raise ValueError(
            f"mwh_per_day must be one amount or one per day ({index.shape[1]}), got {energy.shape}"
        )
    flows = (index - fixed) * energy
    return Hedge(
        "power swap", flows, 0.0, float(fixed * np.broadcast_to(energy, index.shape[1:]).sum())
    )


def treasury(btc_mined: ArrayLike, btc_price: ArrayLike, sell_share: float) -> pd.DataFrame:
    """Sell a share of the BTC mined each day and hold the rest: the result in USD and BTC.

    Parameters
    ----------
    btc_mined : array-like, paths x days
        BTC mined each day [BTC/day], >= 0.
    btc_price : array-like, paths x days
        BTC price each day [USD/BTC], > 0.
    sell_share : float
        Share sold on the day it is mined [-], in [0, 1].

    Returns
    -------
    pandas.DataFrame
        Per path: ``usd_from_sales`` [USD], ``btc_held`` [BTC] and
        ``value_at_end`` [USD]: sales plus the BTC held at the last day's
        price.

    Examples
    --------
    Two days, one BTC a day at 80,000 then 100,000 USD, half sold:

    >>> treasury([[1.0, 1.0]], [[80_000.0, 100_000.0]], 0.5).iloc[0].tolist()
    [90000.0, 1.0, 190000.0]
    """
    mined = _paths("btc_mined", btc_mined, low=0.0)
    prices = _paths("btc_price", btc_price, low=0.0, low_open=True)
    if mined.shape != prices.shape:
        raise ValueError(
            f"btc_mined and btc_price must have one shape, got {mined.shape} and {prices.shape}"
        )
    share = _contract.check_scalar("sell_share", sell_share, low=0.0, high=1.0)
    sold = (share * mined * prices).sum(axis=1)
    held = (1.0 - share) * mined.sum(axis=1)
    return pd.DataFrame(
        {"usd_from_sales": sold, "btc_held": held, "value_at_end": sold + held * prices[:, -1]},
        index=pd.RangeIndex(mined.shape[0], name="path"),
    )


def _hedged_flows(
    cash_flow: ArrayLike, hedges: list[Hedge] | tuple[Hedge, ...]
) -> dict[str, FloatArray]:
    """The site's daily flows alone (``"unhedged"``) and with each hedge, by its name."""
    flows = _paths("cash_flow", cash_flow)
    if not isinstance(hedges, list | tuple) or not all(isinstance(h, Hedge) for h in hedges):
        raise ValueError(f"hedges must be a sequence of Hedge, got {hedges!r:.80}")
    hedged = {"unhedged": flows}
    for hedge in hedges:
        if hedge.cash_flow.shape != flows.shape:
            raise ValueError(
                f"hedges: {hedge.name!r} has shape {hedge.cash_flow.shape}, the site {flows.shape}"
            )
        if hedge.name in hedged:
            raise ValueError(f"hedges must have distinct names, got {hedge.name!r} twice")
        hedged[hedge.name] = flows + hedge.cash_flow
    return hedged


def hedged_npv(
    cash_flow: ArrayLike, hedges: list[Hedge] | tuple[Hedge, ...], rate: float
) -> xr.DataArray:
    """NPV per path of a site without and with each hedge, on the same paths.

    Parameters
    ----------
    cash_flow : array-like, paths x days
        The unhedged daily cash flow [USD/day].
    hedges : sequence of Hedge
        Each added to ``cash_flow`` alone.
    rate : float
        Annual effective discount rate [-], > -1.

    Returns
    -------
    xarray.DataArray
        NPV [USD] over ``option`` (``"unhedged"``, then each hedge's name)
        and ``path``, as :func:`minerecon.plot.npv_distribution` draws it;
        ``attrs["rate"]`` holds the rate.
    """
    flows = _hedged_flows(cash_flow, hedges)
    rate = _contract.check_scalar("rate", rate, low=-1.0, low_open=True)
    factors = cashflow.discount_factors(flows["unhedged"].shape[1], rate)
    columns = {name: values @ factors for name, values in flows.items()}
    return xr.DataArray(
        np.stack(list(columns.values())),
        coords={"option": list(columns), "path": np.arange(len(columns["unhedged"]))},
        dims=("option", "path"),
        name="npv",
        attrs={"units": "USD", "rate": rate},
    )


def hedge_effect(
    cash_flow: ArrayLike, hedges: list[Hedge] | tuple[Hedge, ...], rate: float, level: float = 0.95
) -> pd.DataFrame:
    """NPV distribution of a site with and without each hedge, on the same paths.

    Parameters
    ----------
    cash_flow : array-like, paths x days
        The unhedged daily cash flow [USD/day].
    hedges, rate
        As :func:`hedged_npv`.
    level : float, default 0.95
        Level of the conditional value at risk, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row for ``"unhedged"`` and one per hedge: ``mean_npv``,
        ``std_npv``, ``p5_npv`` [USD], ``probability_of_loss`` [-],
        ``cvar`` [USD, the mean loss in the worst ``1 - level`` of paths]
        and ``cost`` [USD: the unhedged mean NPV less the hedged one, what
        the hedge costs on these paths].
    """
    npvs = hedged_npv(cash_flow, hedges, rate)
    rows = {str(name): npvs.sel(option=name).values for name in npvs["option"].values}
    base = float(rows["unhedged"].mean())
    table = pd.DataFrame(
        {
            name: {
                "mean_npv": float(npv.mean()),
                "std_npv": float(npv.std(ddof=1)) if npv.size > 1 else math.nan,
                "p5_npv": float(np.quantile(npv, 0.05)),
                "probability_of_loss": float(risk.probability_of_loss(npv)),
                "cvar": float(risk.cvar(npv, level=level)),
                "cost": base - float(npv.mean()),
            }
            for name, npv in rows.items()
        }
    ).T
    table.index.name = "hedge"
    table.attrs = {"rate": rate, "level": level, "n_paths": npvs.sizes["path"]}
    return table
