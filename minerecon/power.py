"""Power markets: mining against an interval price, and the value of switching off.

A miner on a market price buys power interval by interval (an hour, or the
15 minutes of ERCOT's real-time market). It pays to run in an interval when
the BTC its machines earn per MWh, :func:`revenue_per_mwh`, exceeds the price
plus any variable cost; otherwise it pays to switch off. :func:`curtail`
applies that rule to interval prices and reports what it earns, what it
buys, and what the flexibility is worth against running always on.
:func:`expected_margin` gives the same expectation in closed form for
lognormal or uniform prices.

Prices are in USD/MWh (the market's unit); the rest of the library's power
prices are USD/kWh (1 USD/kWh = 1,000 USD/MWh).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np

from minerecon import _contract
from minerecon._contract import aligned, scalar_out
from minerecon.typing import ArrayLike, Numeric
from minerecon.units import HOURS_PER_DAY

__all__ = ["Curtailment", "curtail", "expected_margin", "revenue_per_mwh"]

#: Megawatt-hours in one watt-hour.
_MWH_PER_WH = 1e-6


@scalar_out
@aligned
def revenue_per_mwh(
    hashprice: ArrayLike,
    efficiency: ArrayLike,
    *,
    pue: ArrayLike = 1.0,
    pool_fee: ArrayLike = 0.0,
) -> Numeric:
    """What one MWh of site power earns when it mines [USD/MWh].

    Parameters
    ----------
    hashprice : float, array, Series or DataArray
        Hashprice [USD per TH/s per day], >= 0.
    efficiency : float, array, Series or DataArray
        Machine efficiency [J/TH], > 0.
    pue : float or array-like, default 1
        Power usage effectiveness [-], >= 1.
    pool_fee : float or array-like, default 0
        Share the pool keeps [-], in [0, 1).

    Returns
    -------
    Revenue per MWh of site power [USD/MWh]: the break-even power price of
    the machine, above which it should be off.

    Notes
    -----
    One TH/s draws ``efficiency`` W, ``24 * efficiency * pue`` Wh a day at
    the site, and earns ``hashprice * (1 - pool_fee)`` a day:
    ``R = hashprice (1 - pool_fee) / (24 efficiency pue 1e-6)``.

    Examples
    --------
    At 40 USD/PH/day (0.04 per TH/s), an S21 XP (13.5 J/TH) earns 123 USD per
    MWh: it runs whenever power costs less.

    >>> round(revenue_per_mwh(0.04, 13.5), 1)
    123.5
    """
    price = _contract.check("hashprice", hashprice, low=0.0, unit="[USD/TH/day]")
    joules = _contract.check("efficiency", efficiency, low=0.0, low_open=True, unit="[J/TH]")
    overhead = _contract.check("pue", pue, low=1.0)
    kept = 1.0 - _contract.check_fraction("pool_fee", pool_fee)
    return price * kept / (HOURS_PER_DAY * joules * overhead * _MWH_PER_WH)


@dataclasses.dataclass(frozen=True)
class Curtailment:
    """Mining against interval prices, switching off when power costs more (:func:`curtail`).

    Every field is summed over the intervals (the last axis of the prices),
    so it has the shape of the prices without that axis.

    Attributes
    ----------
    uptime : float or ndarray
        Share of intervals run [-].
    energy_mwh : float or ndarray
        Energy bought [MWh].
    power_cost : float or ndarray
        Paid for it [USD].
    average_price : float or ndarray
        Mean price paid per MWh bought [USD/MWh]; nan when nothing is bought.
    revenue : float or ndarray
        Earned mining [USD].
    margin : float or ndarray
        Revenue less power and variable cost [USD].
    always_on_margin : float or ndarray
        The margin running every interval [USD].
    """

    uptime: Numeric
    energy_mwh: Numeric
    power_cost: Numeric
    average_price: Numeric
    revenue: Numeric
    margin: Numeric
    always_on_margin: Numeric

    @property
    def flexibility_value(self) -> Numeric:
        """What switching off adds to running always on [USD], >= 0."""
        return self.margin - self.always_on_margin


def curtail(
    prices: ArrayLike,
    revenue: ArrayLike,
    *,
    load_mw: float = 1.0,
    interval_hours: float = 1.0,
    variable_cost: float = 0.0,
) -> Curtailment:
    """Run in the intervals where mining earns more than power costs; stop in the others.

    Parameters
    ----------
    prices : array-like, (..., intervals)
        Power price of each interval [USD/MWh]; may be negative (the market
        pays to take power). Leading axes (paths, scenarios) broadcast.
    revenue : float or array-like
        Mining revenue per MWh [USD/MWh] (:func:`revenue_per_mwh`): one
        value, or one per interval or per leading index, broadcasting
        against ``prices``.
    load_mw : float, default 1
        Site load when running [MW], >= 0.
    interval_hours : float, default 1
        Length of an interval [h], in (0, 24]: 1 for hourly prices, 0.25 for
        ERCOT's 15-minute settlement.
    variable_cost : float, default 0
        Other cost per MWh run, such as maintenance or a grid adder
        [USD/MWh], >= 0.

    Returns
    -------
    Curtailment

    Notes
    -----
    In interval ``i`` the site runs when ``R_i > p_i + c``: its margin is
    ``sum_i L h max(R_i - p_i - c, 0)`` against ``sum_i L h (R_i - p_i - c)``
    always on; the difference, the value of flexibility, is a strip of
    options to stop.

    Examples
    --------
    Four hours at 30, 80, 200 and 40 USD/MWh, mining earning 100 USD/MWh on
    10 MW: run three hours (30 MWh, 3,000 USD of revenue, 1,500 USD of
    power), stop at 200; always on would lose 1,000 USD in that hour.

    >>> result = curtail([30.0, 80.0, 200.0, 40.0], 100.0, load_mw=10.0)
    >>> result.uptime, result.energy_mwh, result.margin, result.flexibility_value
    (0.75, 30.0, 1500.0, 1000.0)
    """
    price = np.asarray(_contract._values(_contract.check("prices", prices)), dtype=np.float64)
    if price.ndim == 0 or price.shape[-1] == 0:
        raise ValueError(
            f"prices must hold at least one interval (the last axis), got shape {price.shape}"
        )
    if not np.isfinite(price).all():
        raise ValueError("prices must be finite [USD/MWh]")
    earned = np.asarray(
        _contract._values(_contract.check("revenue", revenue, low=0.0, unit="[USD/MWh]")),
        dtype=np.float64,
    )
    if not np.isfinite(earned).all():
        raise ValueError("revenue must be finite [USD/MWh]")
    try:
        earned = np.broadcast_to(earned, np.broadcast_shapes(earned.shape, price.shape))
    except ValueError:
        raise ValueError(
            f"revenue must broadcast against prices {price.shape}, got shape {earned.shape}"
        ) from None
    price = np.broadcast_to(price, earned.shape)
    load = _contract.check_scalar("load_mw", load_mw, low=0.0, unit="[MW]")
    hours = _contract.check_scalar("interval_hours", interval_hours, low=0.0, low_open=True,
                                   high=24.0, unit="[h]")  # fmt: skip
    cost = _contract.check_scalar("variable_cost", variable_cost, low=0.0, unit="[USD/MWh]")
    spread = earned - price - cost  # margin per MWh of each interval
    runs = spread > 0
    mwh = load * hours
    energy = runs.sum(axis=-1) * mwh
    paid = np.where(runs, price, 0.0).sum(axis=-1) * mwh
    with np.errstate(invalid="ignore", divide="ignore"):
        average = np.where(energy > 0, paid / np.where(energy > 0, energy, 1.0), np.nan)
    return Curtailment(
        uptime=_contract.plain(runs.mean(axis=-1)),
        energy_mwh=_contract.plain(energy),
        power_cost=_contract.plain(paid),
        average_price=_contract.plain(average),
        revenue=_contract.plain(np.where(runs, earned, 0.0).sum(axis=-1) * mwh),
        margin=_contract.plain(np.maximum(spread, 0.0).sum(axis=-1) * mwh),
        always_on_margin=_contract.plain(spread.sum(axis=-1) * mwh),
    )


@scalar_out
@aligned
def expected_margin(
    revenue: ArrayLike,
    mean_price: ArrayLike,
    spread: ArrayLike,
    *,
    distribution: Literal["lognormal", "uniform"] = "lognormal",
) -> Numeric:
    """Expected margin per MWh of a site that runs only when it pays, ``E[max(R - p, 0)]``.

    Parameters
    ----------
    revenue : float, array, Series or DataArray
        Mining revenue per MWh ``R`` [USD/MWh], >= 0.
    mean_price : float, array, Series or DataArray
        Mean power price ``m`` [USD/MWh], > 0.
    spread : float, array, Series or DataArray
        For ``"lognormal"``, the standard deviation ``s`` of the log price
        [-]; for ``"uniform"``, the half-width ``w`` of the price range
        ``[m - w, m + w]`` [USD/MWh]; >= 0.
    distribution : {"lognormal", "uniform"}, default "lognormal"

    Returns
    -------
    Expected margin per MWh of capacity [USD/MWh] (an interval's expected
    margin per MW and hour).

    Notes
    -----
    Lognormal prices ``p = m exp(s Z - s^2/2)``: a put on the price struck at
    ``R`` (Black's formula at zero rate),
    ``R N(-d2) - m N(-d1)``, ``d1 = (ln(m / R) + s^2/2) / s``, ``d2 = d1 - s``.

    Uniform prices on ``[a, b] = [m - w, m + w]``: ``0`` for ``R <= a``,
    ``(R - a)^2 / (2 (b - a))`` between, ``R - m`` for ``R >= b``.

    Examples
    --------
    Mining earning 100 USD/MWh, prices averaging 50 with a log spread of 0.8:

    >>> round(expected_margin(100.0, 50.0, 0.8), 2)
    55.75
    """
    from scipy.special import ndtr

    if distribution not in ("lognormal", "uniform"):
        raise ValueError(f"distribution must be 'lognormal' or 'uniform', got {distribution!r}")
    earned = _contract.check("revenue", revenue, low=0.0, unit="[USD/MWh]")
    mean = _contract.check("mean_price", mean_price, low=0.0, low_open=True, unit="[USD/MWh]")
    width = _contract.check("spread", spread, low=0.0)
    r, m, w = (np.asarray(_contract._values(v), dtype=np.float64) for v in (earned, mean, width))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if distribution == "uniform":
            low = m - w
            between = (r - low) ** 2 / (4.0 * w)  # 2 (b - a), with b - a = 2 w
            result = np.where(r >= m + w, r - m, np.where(r <= low, 0.0, between))
        else:
            d1 = (np.log(m / r) + w**2 / 2) / w
            d2 = d1 - w
            option = r * ndtr(-d2) - m * ndtr(-d1)
            # No spread: the deterministic margin max(R - m, 0).
            result = np.where(w > 0, np.nan_to_num(option), np.maximum(r - m, 0.0))
    return _contract.like(result, _template(earned, mean, width))


def _template(*values: Any) -> Any:
    """The most labelled of the inputs, whose kind the result takes."""
    for value in values:
        if _contract._is_data_array(value):
            return value
    for value in values:
        if _contract._is_labelled(value):
            return value
    return np.broadcast_arrays(*(np.asarray(v) for v in values))[0]
