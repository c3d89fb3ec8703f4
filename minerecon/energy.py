"""Energy use and energy cost of hashrate.

Efficiency in J/TH is also W per TH/s, so one TH/s running a day uses
``efficiency * 24 / 1000`` kWh at the machine; the facility overhead (PUE,
cooling, transformers) multiplies that at the meter.
"""

from __future__ import annotations

from typing import cast

from minerecon._contract import aligned, check
from minerecon.typing import ArrayLike, Numeric
from minerecon.units import HOURS_PER_DAY

__all__ = [
    "check_efficiency",
    "check_pue",
    "check_uptime",
    "energy_cost_per_th",
    "energy_per_th_day",
]

_KW_PER_W = 1e-3


def check_efficiency(efficiency: ArrayLike) -> Numeric:
    """Validate an efficiency argument [J/TH], which must be > 0."""
    return check("efficiency", efficiency, low=0, low_open=True, unit="[J/TH]")


def check_pue(pue: ArrayLike) -> Numeric:
    """Validate a power usage effectiveness (facility / IT power), >= 1."""
    return check("pue", pue, low=1.0, unit="[-]")


def check_uptime(uptime: ArrayLike) -> Numeric:
    """Validate an uptime share, in (0, 1]."""
    return check("uptime", uptime, low=0.0, high=1.0, low_open=True, unit="[-]")


@aligned
def energy_per_th_day(
    efficiency: ArrayLike, *, pue: ArrayLike = 1.0, uptime: ArrayLike = 1.0
) -> Numeric:
    """Energy one TH/s draws from the grid per day.

    Parameters
    ----------
    efficiency : float, array, Series or DataArray
        Machine efficiency [J/TH] (= W per TH/s), > 0.
    pue : float or array-like, default 1.0
        Power usage effectiveness, facility power over machine power [-], >= 1.
    uptime : float or array-like, default 1.0
        Share of the day the machine hashes [-], in (0, 1].

    Returns
    -------
    Energy [kWh per TH/s per day].

    Notes
    -----
    ``E = efficiency * 24 / 1000 * pue * uptime``.

    Examples
    --------
    >>> round(energy_per_th_day(13.5), 3)     # Antminer S21 XP
    0.324
    """
    efficiency = check_efficiency(efficiency)
    pue = check_pue(pue)
    uptime = check_uptime(uptime)
    return efficiency * (HOURS_PER_DAY * _KW_PER_W) * (pue * uptime)


@aligned
def energy_cost_per_th(
    efficiency: ArrayLike, power_price: ArrayLike, *, pue: ArrayLike = 1.0, uptime: ArrayLike = 1.0
) -> Numeric:
    """Energy cost of one TH/s per day.

    Parameters
    ----------
    efficiency : float, array, Series or DataArray
        Machine efficiency [J/TH], > 0.
    power_price : float, array, Series or DataArray
        All-in price of electricity at the meter [USD/kWh], >= 0.
    pue : float or array-like, default 1.0
        Power usage effectiveness [-], >= 1.
    uptime : float or array-like, default 1.0
        Share of the day the machine hashes [-], in (0, 1].

    Returns
    -------
    Energy cost [USD per TH/s per day].

    Notes
    -----
    ``C = efficiency * 24 / 1000 * pue * uptime * power_price``. Times 1,000
    this is the industry's "hashcost" in USD per PH/s per day.

    Examples
    --------
    An S21 XP (13.5 J/TH) at 0.05 USD/kWh:

    >>> round(energy_cost_per_th(13.5, 0.05), 4)
    0.0162
    """
    power_price = cast(Numeric, check("power_price", power_price, low=0, unit="[USD/kWh]"))
    return energy_per_th_day(efficiency, pue=pue, uptime=uptime) * power_price
