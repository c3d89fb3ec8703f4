"""Scale constants and unit conversions.

minerecon uses one unit per quantity (see the nomenclature in the docs):
hashrate in TH/s, power in W (site capacity in MW), energy in kWh,
efficiency in J/TH, power price in USD/kWh, money in USD, time step one day,
hashprice in USD per TH/s per day. The constants below convert to and from
the scales the industry quotes.

Examples
--------
>>> from minerecon import units
>>> 45.6 * units.EH / units.TH        # CleanSpark's 45.6 EH/s in TH/s
45600000.0
>>> units.hashprice_to_ph_day(0.03982)  # USD/TH/day -> USD/PH/day
39.82
"""

from __future__ import annotations

from typing import cast

from minerecon._contract import check
from minerecon.typing import ArrayLike, Numeric

__all__ = [
    "hashprice_from_ph_day",
    "hashprice_to_ph_day",
]

# Hashrate scales, in hashes per second.
#: One H/s in hashes per second [H/s].
H = 1.0
#: One KH/s in hashes per second [H/s].
KH = 1e3
#: One MH/s in hashes per second [H/s].
MH = 1e6
#: One GH/s in hashes per second [H/s].
GH = 1e9
#: One TH/s in hashes per second [H/s].
TH = 1e12
#: One PH/s in hashes per second [H/s].
PH = 1e15
#: One EH/s in hashes per second [H/s].
EH = 1e18
#: One ZH/s in hashes per second [H/s].
ZH = 1e21

#: Satoshis per bitcoin [sat/BTC].
SATS_PER_BTC = 100_000_000
#: Seconds per day [s/day].
SECONDS_PER_DAY = 86_400
#: Hours per day [h/day].
HOURS_PER_DAY = 24
#: Days per year used to annualise every rate in the library [day/year].
DAYS_PER_YEAR = 365
#: Longest span accepted for a contract, a loan, a build or a renewal [year]:
#: beyond it a count of days no longer fits the integers it is kept in.
MAX_YEARS = 1000.0
#: Longest step between the shocks of a market model [day] (a century): a longer
#: step never moves within any horizon, and day counts stay far from int64 limits.
MAX_STEP_DAYS = 36_500
#: Joules per kilowatt-hour [J/kWh].
J_PER_KWH = 3.6e6
#: Watts per megawatt [W/MW].
W_PER_MW = 1e6


def hashprice_to_ph_day(hashprice_th_day: ArrayLike) -> Numeric:
    """Convert a hashprice from USD per TH/s per day to USD per PH/s per day.

    Parameters
    ----------
    hashprice_th_day : float, array, Series or DataArray
        Hashprice [USD/TH/s/day].

    Returns
    -------
    Hashprice [USD/PH/s/day], the unit Hashrate Index and Luxor publish.
    """
    hashprice_th_day = cast(Numeric, check("hashprice_th_day", hashprice_th_day, allow_nan=True))
    return hashprice_th_day * (PH / TH)


def hashprice_from_ph_day(hashprice_ph_day: ArrayLike) -> Numeric:
    """Convert a hashprice from USD per PH/s per day to USD per TH/s per day.

    Parameters
    ----------
    hashprice_ph_day : float, array, Series or DataArray
        Hashprice [USD/PH/s/day].

    Returns
    -------
    Hashprice [USD/TH/s/day].
    """
    hashprice_ph_day = cast(Numeric, check("hashprice_ph_day", hashprice_ph_day, allow_nan=True))
    return hashprice_ph_day * (TH / PH)
