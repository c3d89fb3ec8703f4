"""Income tax: tax depreciation (MACRS, straight line, bonus) and loss carry-forward.

US federal rules for a C corporation, the form of the listed miners. The
functions work on *tax years* and are vectorised over paths:

* a tax year ``y = 0, 1, ...`` is the block of days ``[365 y, 365 (y + 1))``
  counted from day 0 of a projection (:func:`yearly_sums` turns daily flows
  into such years; it is not the calendar year, so the first tax year of a
  project started in March is twelve months from March);
* arrays of yearly amounts carry the years along the **last** axis; every
  leading axis is a path, scenario or grid cell. A pandas Series or an
  xarray DataArray comes back as the same kind with the same index or
  coordinates;
* money is in USD; rates and shares are fractions [-].

The taxable income of a year is, in the caller's hands, operating cash
flow (EBITDA) less the depreciation deduction of :func:`depreciation` less
deductible interest (:mod:`minerecon.financing`); :func:`income_tax` then
applies the rate and the net-operating-loss (NOL) rules. Not modelled:
state income taxes, the limit on business interest (IRC §163(j)), the
corporate alternative minimum tax on book income (IRC §55, only for
groups with more than 1 billion USD of average book income), gains or
losses on disposal, and the mid-quarter convention (IRC §168(d)(3), which
applies when more than 40 % of a year's personal property is placed in
service in its last quarter).
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, Union

import numpy as np

from minerecon import _contract
from minerecon._contract import check, check_count, check_scalar
from minerecon.typing import ArrayLike, FloatArray
from minerecon.units import DAYS_PER_YEAR, MAX_YEARS

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = [
    "BONUS_DEPRECIATION",
    "DATA_HALL",
    "MINING_EQUIPMENT",
    "NOL_LIMIT",
    "US_FEDERAL_CORPORATE_RATE",
    "DepreciationSchedule",
    "IncomeTax",
    "TaxPolicy",
    "depreciation",
    "income_tax",
    "macrs_rates",
    "straight_line_rates",
    "undepreciated_basis",
    "yearly_sums",
]

#: US federal corporate income tax rate [-]: a flat 21 % (IRC §11(b), as
#: amended by the Tax Cuts and Jobs Act of 2017, Pub. L. 115-97).
US_FEDERAL_CORPORATE_RATE = 0.21

#: Share of a year's taxable income that losses carried forward may offset
#: [-]: 80 % for losses arising in tax years beginning after 2017 (IRC
#: §172(a)(2), as amended by TCJA 2017); carried forward indefinitely, no
#: carryback (§172(b)(1)(A)).
NOL_LIMIT = 0.8

#: Bonus depreciation [-]: 100 % of qualified property (recovery period of
#: 20 years or less) acquired after 2025-01-19, made permanent by Pub. L.
#: 119-21 (2025-07-04, "One Big Beautiful Bill Act") sec. 70301, amending
#: IRC §168(k). Property acquired earlier follows the TCJA phase-down (40 %
#: in 2025).
BONUS_DEPRECIATION = 1.0

_PERSONAL_PROPERTY = {3: 2.0, 5: 2.0, 7: 2.0, 10: 2.0, 15: 1.5, 20: 1.5}
_REAL_PROPERTY = (27.5, 39.0)
_CONVENTIONS = ("half-year", "full-year")
_METHODS = ("macrs", "straight_line")
# A schedule may sum to 1 up to the rounding of the rates it was built from.
_SUM_TOLERANCE = 1e-9

#: Amounts per tax year in the kind they were given: an array with the years on
#: its last axis, a Series or a DataArray.
YearlyAmounts: TypeAlias = Union[FloatArray, "pd.Series[float]", "xr.DataArray"]


# --------------------------------------------------------------------------
# Argument checks
# --------------------------------------------------------------------------


def _finite(name: str, value: ArrayLike, *, unit: str, low: float | None = None) -> np.ndarray:
    """Float array of finite values with at least one axis (the years or days)."""
    values = _contract._values(check(name, value, low=low, unit=unit))
    values = np.asarray(values, dtype=float)
    if values.ndim == 0:
        raise ValueError(
            f"{name} must be an array with the periods on its last axis, got a scalar"
        )
    bad = ~np.isfinite(values)
    if bad.any():
        raise ValueError(
            f"{name} must be finite, got {values[bad].flat[0]}{_contract._where(values, bad)}"
        )
    return values


def _same_labels(**arguments: object) -> None:
    """Refuse Series (or DataArrays) with different labels: they are not aligned silently.

    Not :func:`minerecon._contract.aligned`: the rates of a schedule and the
    opening losses are not meant to broadcast against the yearly amounts.
    """
    labelled = {k: v for k, v in arguments.items() if _contract._is_labelled(v)}
    if len(labelled) > 1:
        _contract._check_aligned(labelled)


def _check_rates(rates: ArrayLike) -> np.ndarray:
    values = _finite("rates", rates, low=0.0, unit="[-]")
    if values.ndim != 1:
        raise ValueError(f"rates must be one schedule (1-D), got shape {values.shape}")
    total = float(values.sum())
    if total > 1.0 + _SUM_TOLERANCE:
        raise ValueError(f"rates must sum to at most 1 (the whole basis), got {total:g}")
    return values


# --------------------------------------------------------------------------
# Depreciation schedules
# --------------------------------------------------------------------------


def _straight_line(life_years: float, start: float) -> FloatArray:
    """Share of the basis in each tax year for straight line over ``[start, start + life)``."""
    end = start + life_years
    years = np.arange(math.ceil(end - _SUM_TOLERANCE), dtype=float)
    overlap = np.minimum(years + 1.0, end) - np.maximum(years, start)
    return np.clip(overlap, 0.0, None) / life_years


def straight_line_rates(
    life_years: float, convention: Literal["half-year", "full-year"] = "half-year"
) -> FloatArray:
    """Straight-line depreciation rates per tax year.

    Parameters
    ----------
    life_years : float
        Recovery period [year], > 0 and at most 1,000.
    convention : {"half-year", "full-year"}, default "half-year"
        ``"half-year"``: placed in service in the middle of the first tax
        year, so the first and the last of ``life_years + 1`` years get half
        a year (MACRS ADS and the straight-line election, IRS Pub. 946
        Table A-8). ``"full-year"``: a whole year from the first year (book
        depreciation).

    Returns
    -------
    numpy.ndarray
        Share of the basis deducted in each tax year [-], summing to 1.

    Notes
    -----
    Rate of year ``y`` = overlap of ``[y, y + 1)`` with the recovery window
    ``[s, s + L)``, divided by ``L``, with ``s = 1/2`` (half-year) or ``0``.

    References
    ----------
    IRS Publication 946, *How to Depreciate Property*, Appendix A (Table A-8).

    Examples
    --------
    >>> straight_line_rates(4)
    array([0.125, 0.25 , 0.25 , 0.25 , 0.125])
    >>> straight_line_rates(2.5, convention="full-year")
    array([0.4, 0.4, 0.2])
    """
    life_years = check_scalar(
        "life_years", life_years, low=0.0, low_open=True, high=MAX_YEARS, unit="[year]"
    )
    if not isinstance(convention, str) or convention not in _CONVENTIONS:
        raise ValueError(f"convention must be one of {_CONVENTIONS}, got {convention!r}")
    return _straight_line(life_years, 0.5 if convention == "half-year" else 0.0)


def macrs_rates(recovery_years: float, month: int | None = None) -> FloatArray:
    """US MACRS (GDS) depreciation rates per tax year, computed from the method.

    Parameters
    ----------
    recovery_years : {3, 5, 7, 10, 15, 20, 27.5, 39}
        Recovery period [year]. 3 to 20: personal property, half-year
        convention (5: computers and peripheral equipment, asset class
        00.12, so mining machines and GPU servers; 7: office furniture,
        most other equipment; 15: land improvements). 27.5: residential
        rental property; 39: nonresidential real property (buildings, such
        as data halls), both straight line with the mid-month convention.
    month : int, optional
        Month of the first tax year in which real property is placed in
        service, 1 to 12 (default 1, January); only for 27.5 and 39 years.

    Returns
    -------
    numpy.ndarray
        Share of the basis deducted in each tax year [-], summing to 1:
        ``recovery_years + 1`` years for personal property.

    Notes
    -----
    *Personal property* (IRC §168(b)(1)-(2), (d)(1)): declining balance at
    ``f / N`` a year (``f = 2`` for 3 to 10 years, ``f = 1.5`` for 15 and
    20), switching to straight line over the remaining recovery period when
    that gives more, with half a year in the first and in the last year.
    With ``B`` the basis not yet deducted and ``l`` the recovery years left
    at the start of the year, the year's share is
    ``min(1, l) * max(f B / N, B / l)`` (``1/2 * f / N`` in the first year).

    *Real property* (IRC §168(b)(3), (d)(2)): straight line over ``N`` years
    from the middle of month ``m``: year ``y`` gets the overlap of
    ``[y, y + 1)`` with ``[(m - 1/2) / 12, (m - 1/2) / 12 + N)``, over ``N``.

    IRS Pub. 946 prints the rates rounded (2 decimals of a percent to 10
    years, 3 beyond), adjusted so each column sums to 100 %; the rates here
    are unrounded and agree with every printed figure to within 0.01
    percentage point. The table's first-year 39-year rates step by a rounded
    0.214 % a month (January 2.461 %), where the exact mid-month rate is
    ``11.5 / 12 / 39 = 2.457 %``.

    References
    ----------
    IRS Publication 946, *How to Depreciate Property*, Appendix A, Tables
    A-1 (half-year), A-6 (27.5 years) and A-7a (39 years); Rev. Proc. 87-56
    (asset classes).

    Examples
    --------
    >>> (100 * macrs_rates(5)).round(2)
    array([20.  , 32.  , 19.2 , 11.52, 11.52,  5.76])
    >>> (100 * macrs_rates(39)[:3]).round(3)
    array([2.457, 2.564, 2.564])
    """
    if isinstance(recovery_years, bool) or np.ndim(recovery_years) != 0:
        raise ValueError(f"recovery_years must be a number, got {recovery_years!r}")
    valid = (*_PERSONAL_PROPERTY, *_REAL_PROPERTY)
    if recovery_years not in valid:
        raise ValueError(f"recovery_years must be one of {valid}, got {recovery_years!r}")
    if recovery_years in _REAL_PROPERTY:
        month = 1 if month is None else month
        if (
            isinstance(month, bool | np.timedelta64)  # numpy counts timedelta64 as an integer
            or not isinstance(month, int | np.integer)
            or not 1 <= month <= 12
        ):
            raise ValueError(f"month must be an integer in [1, 12], got {month!r}")
        return _straight_line(float(recovery_years), (month - 0.5) / 12)
    if month is not None:
        raise ValueError(
            f"month applies to 27.5 and 39-year real property only, got month={month!r} "
            f"for recovery_years={recovery_years!r} (half-year convention)"
        )
    n = int(recovery_years)
    declining = _PERSONAL_PROPERTY[n] / n
    rates = np.empty(n + 1)
    basis = 1.0
    left = float(n)  # recovery years left at the start of the tax year
    for year in range(n + 1):
        share = 0.5 if year == 0 else min(1.0, left)
        rates[year] = share * max(declining * basis, basis / left)
        basis -= rates[year]
        left -= share
    return rates


@dataclasses.dataclass(frozen=True)
class DepreciationSchedule:
    """How one class of capital spending is depreciated for tax.

    Parameters
    ----------
    method : {"macrs", "straight_line"}, default "macrs"
        :func:`macrs_rates` or :func:`straight_line_rates`.
    recovery_years : float, default 5
        Recovery period [year]: one of 3, 5, 7, 10, 15, 20, 27.5, 39 for
        MACRS, any number in (0, 1000] for straight line.
    bonus : float, default 0
        Share of each year's capex deducted in full in that year (bonus
        depreciation, IRC §168(k)) [-], in [0, 1]; the rest follows the
        rates. The law allows it for recovery periods of 20 years or less.
    convention : {"half-year", "full-year"}, optional
        Straight line only (default ``"half-year"``); MACRS fixes its own.
    month : int, optional
        Month placed in service, 1-12, for 27.5 and 39-year MACRS only.

    Examples
    --------
    >>> DepreciationSchedule("macrs", 5, bonus=0.4).apply([100.0, 0.0]).round(2)
    array([52. , 19.2])
    """

    method: Literal["macrs", "straight_line"] = "macrs"
    recovery_years: float = 5
    bonus: float = 0.0
    convention: Literal["half-year", "full-year"] | None = None
    month: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.method, str) or self.method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {self.method!r}")
        if self.method == "macrs" and self.convention is not None:
            raise ValueError(
                f"convention applies to method='straight_line' only, got {self.convention!r} "
                "(MACRS uses the half-year or mid-month convention by law)"
            )
        if self.convention is not None and (
            not isinstance(self.convention, str) or self.convention not in _CONVENTIONS
        ):
            raise ValueError(
                f"convention must be one of {_CONVENTIONS} or None, got {self.convention!r}"
            )
        if self.method == "straight_line" and self.month is not None:
            raise ValueError(f"month applies to method='macrs' only, got {self.month!r}")
        object.__setattr__(self, "bonus", check_scalar("bonus", self.bonus, low=0.0, high=1.0))
        if self.method == "straight_line":
            check_scalar(
                "recovery_years",
                self.recovery_years,
                low=0.0,
                low_open=True,
                high=MAX_YEARS,
                unit="[year]",
            )
        self.rates()

    def rates(self) -> FloatArray:
        """Share of the basis not taken as bonus deducted in each tax year [-]."""
        if self.method == "macrs":
            return macrs_rates(self.recovery_years, self.month)
        convention = "half-year" if self.convention is None else self.convention
        return straight_line_rates(self.recovery_years, convention)

    def apply(self, capex_by_year: ArrayLike) -> YearlyAmounts:
        """Depreciation deduction per tax year [USD]: :func:`depreciation` with these rates."""
        return depreciation(capex_by_year, self.rates(), bonus=self.bonus)

    def remaining_basis(self, capex_by_year: ArrayLike) -> YearlyAmounts:
        """Basis left at the end of each tax year [USD]: :func:`undepreciated_basis`."""
        return undepreciated_basis(capex_by_year, self.rates(), bonus=self.bonus)


#: Mining machines (and GPU servers): 5-year MACRS, computers and peripheral
#: equipment (asset class 00.12, Rev. Proc. 87-56), with 100 % bonus
#: depreciation (:data:`BONUS_DEPRECIATION`), so deducted in full when bought.
MINING_EQUIPMENT = DepreciationSchedule("macrs", 5, bonus=BONUS_DEPRECIATION)

#: Data-hall buildings: 39-year nonresidential real property, straight line,
#: mid-month, no bonus. Conservative: a cost-segregation study would move the
#: electrical and cooling plant into 5 to 15-year classes eligible for bonus.
DATA_HALL = DepreciationSchedule("macrs", 39)


# --------------------------------------------------------------------------
# Deductions
# --------------------------------------------------------------------------


def _deduction(capex: np.ndarray, rates: np.ndarray, bonus: ArrayLike) -> np.ndarray:
    """``b K_y + sum_k (1 - b) K_{y - k} r_k``: one shifted pass per rate, not an
    ``n x n`` matrix of vintages (a long daily array would need gigabytes)."""
    bonus = np.asarray(_contract._values(bonus), dtype=float)
    immediate = bonus * capex
    rest = capex - immediate
    out = immediate.copy()
    n_years = capex.shape[-1]
    for lag, rate in enumerate(rates[:n_years]):
        out[..., lag:] += rest[..., : n_years - lag] * rate
    return out


def _check_bonus(bonus: ArrayLike, capex: np.ndarray) -> Any:
    bonus = check("bonus", bonus, low=0.0, high=1.0, unit="[-]")
    shape = np.shape(_contract._values(bonus))
    try:
        fits = np.broadcast_shapes(shape, capex.shape) == capex.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"bonus must broadcast against capex_by_year (shape {capex.shape}), got shape {shape}"
        )
    return bonus


def depreciation(
    capex_by_year: ArrayLike, rates: ArrayLike, bonus: ArrayLike = 0.0
) -> YearlyAmounts:
    """Tax depreciation deduction in each tax year from the capex of each year.

    Parameters
    ----------
    capex_by_year : array-like, Series or DataArray
        Cost of property placed in service in each tax year [USD], >= 0,
        years on the last axis; leading axes are paths.
    rates : array-like
        One schedule [-]: share of a vintage deducted in its first, second,
        ... tax year (:func:`macrs_rates`, :func:`straight_line_rates`),
        >= 0, summing to at most 1.
    bonus : float or array-like, default 0
        Share of each vintage deducted in full in its first year [-], in
        [0, 1]; broadcasts against ``capex_by_year`` (e.g. one value per
        vintage year).

    Returns
    -------
    Deduction [USD] in each tax year, the shape and kind of ``capex_by_year``.

    Notes
    -----
    With capex ``K_s`` in year ``s``, bonus ``b_s`` and rates ``r_k``:
    ``D_y = b_y K_y + sum_{s <= y} (1 - b_s) K_s r_{y - s}``.

    Only the deductions inside the horizon are returned: the basis still
    undeducted at the end of the last year (:func:`undepreciated_basis`) is
    never deducted here, which understates the deductions (a conservative
    simplification) unless the caller adds it, for example as a loss on
    the sale or scrapping of the assets at the end.

    References
    ----------
    IRC §167, §168; IRS Publication 946.

    Examples
    --------
    5-year MACRS on 1,000 USD bought in year 0 and in year 1, no bonus:

    >>> depreciation([1000.0, 1000.0, 0.0], macrs_rates(5)).round(2)
    array([200., 520., 512.])
    """
    _same_labels(capex_by_year=capex_by_year, rates=rates, bonus=bonus)
    capex = _finite("capex_by_year", capex_by_year, low=0.0, unit="[USD]")
    bonus = _check_bonus(bonus, capex)
    return _contract.like(_deduction(capex, _check_rates(rates), bonus), capex_by_year)


def undepreciated_basis(
    capex_by_year: ArrayLike, rates: ArrayLike, bonus: ArrayLike = 0.0
) -> YearlyAmounts:
    """Tax basis not yet deducted at the end of each tax year.

    Parameters
    ----------
    capex_by_year : array-like, Series or DataArray
        As in :func:`depreciation` [USD].
    rates : array-like
        As in :func:`depreciation` [-].
    bonus : float or array-like, default 0
        As in :func:`depreciation` [-].

    Returns
    -------
    Basis left [USD] at the end of each tax year, the shape and kind of
    ``capex_by_year``; the last entry is what :func:`depreciation` leaves
    undeducted at the end of the horizon.

    Notes
    -----
    ``U_y = sum_{s <= y} (K_s - D_s)``.

    Examples
    --------
    >>> undepreciated_basis([1000.0, 0.0, 0.0], macrs_rates(5)).round(2)
    array([800., 480., 288.])
    """
    _same_labels(capex_by_year=capex_by_year, rates=rates, bonus=bonus)
    capex = _finite("capex_by_year", capex_by_year, low=0.0, unit="[USD]")
    bonus = _check_bonus(bonus, capex)
    left = np.cumsum(capex - _deduction(capex, _check_rates(rates), bonus), axis=-1)
    return _contract.like(left, capex_by_year)


# --------------------------------------------------------------------------
# Income tax with loss carry-forward
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class IncomeTax:
    """Tax due and losses carried forward, per tax year (:func:`income_tax`).

    Attributes
    ----------
    tax : numpy.ndarray, Series or DataArray
        Income tax paid in each tax year [USD], >= 0; the shape and kind of
        the taxable income.
    nol : numpy.ndarray, Series or DataArray
        Net operating loss carried forward at the end of each tax year
        [USD], >= 0; ``nol[..., -1]`` is the closing balance.
    """

    tax: YearlyAmounts
    nol: YearlyAmounts


def income_tax(
    taxable_income: ArrayLike,
    rate: ArrayLike = US_FEDERAL_CORPORATE_RATE,
    *,
    nol_limit: float = NOL_LIMIT,
    opening_nol: ArrayLike = 0.0,
) -> IncomeTax:
    """Income tax per tax year, with net operating losses carried forward.

    Parameters
    ----------
    taxable_income : array-like, Series or DataArray
        Taxable income before any loss deduction in each tax year [USD],
        finite, either sign; years on the last axis, paths on leading axes.
    rate : float or array-like, default 0.21
        Tax rate [-], in [0, 1]; broadcasts against ``taxable_income`` (a
        rate per year or per path).
    nol_limit : float, default 0.8
        Share of a profitable year's income that losses carried forward may
        offset [-], in [0, 1]: 0.8 for US losses arising after 2017, 1 for
        a full offset.
    opening_nol : float or array-like, default 0
        Losses carried into the first year [USD], >= 0 (taken as post-2017
        losses, subject to ``nol_limit``); broadcasts against the leading
        axes.

    Returns
    -------
    IncomeTax
        ``tax`` [USD] and ``nol`` [USD] per tax year, shape and kind of
        ``taxable_income``.

    Notes
    -----
    With income ``x_y`` and losses ``N`` carried into year ``y``: the loss
    used is ``u_y = min(N, nol_limit * max(x_y, 0))``, the tax
    ``T_y = rate * (max(x_y, 0) - u_y)`` and the carry-forward
    ``N <- N - u_y + max(-x_y, 0)``. Losses never expire and are never
    carried back, so for a constant rate the total tax is exactly
    ``rate * (sum x + N_closing - N_opening)``. A Python loop over years,
    vectorised over paths.

    References
    ----------
    IRC §11(b) (rate); IRC §172(a)(2), (b)(1)(A) as amended by the Tax
    Cuts and Jobs Act of 2017, Pub. L. 115-97, sec. 13302 (80 % limit,
    indefinite carry-forward, no carryback).

    Examples
    --------
    A loss of 100, then 50 and 200 of income: in year 1 only
    ``0.8 * 50 = 40`` of the loss may be used, so 10 is taxed; the
    remaining 60 is used in full in year 2 (140 taxed).

    >>> out = income_tax([-100.0, 50.0, 200.0], 0.21)
    >>> out.tax.round(2), out.nol
    (array([ 0. ,  2.1, 29.4]), array([100.,  60.,   0.]))
    """
    _same_labels(taxable_income=taxable_income, rate=rate, opening_nol=opening_nol)
    income = _finite("taxable_income", taxable_income, unit="[USD]")
    rates = np.asarray(_contract._values(check("rate", rate, low=0.0, high=1.0, unit="[-]")))
    nol_limit = check_scalar("nol_limit", nol_limit, low=0.0, high=1.0, unit="[-]")
    opening = check("opening_nol", opening_nol, low=0.0, unit="[USD]")
    opening = np.asarray(_contract._values(opening), dtype=float)
    try:
        rates = np.broadcast_to(rates, income.shape)
        carried = np.broadcast_to(opening, income.shape[:-1]).copy()
    except ValueError:
        raise ValueError(
            f"rate (shape {rates.shape}) must broadcast against taxable_income (shape "
            f"{income.shape}) and opening_nol (shape {opening.shape}) against its leading "
            f"axes {income.shape[:-1]}"
        ) from None
    if not np.isfinite(carried).all():
        raise ValueError("opening_nol must be finite")
    tax = np.empty_like(income)
    nol = np.empty_like(income)
    for year in range(income.shape[-1]):
        profit = np.maximum(income[..., year], 0.0)
        used = np.minimum(carried, nol_limit * profit)
        carried = carried - used + np.maximum(-income[..., year], 0.0)
        tax[..., year] = rates[..., year] * (profit - used)
        nol[..., year] = carried
    return IncomeTax(
        tax=_contract.like(tax, taxable_income), nol=_contract.like(nol, taxable_income)
    )


# --------------------------------------------------------------------------
# From days to tax years
# --------------------------------------------------------------------------


def yearly_sums(daily: ArrayLike, days_per_year: int = DAYS_PER_YEAR) -> FloatArray:
    """Sums of daily amounts over consecutive tax years counted from day 0.

    Parameters
    ----------
    daily : array-like
        Daily amounts [USD/day], finite, days on the last axis.
    days_per_year : int, default 365
        Days in one tax year [day], >= 1.

    Returns
    -------
    numpy.ndarray
        Yearly totals [USD/year], shape ``daily.shape[:-1] + (ceil(n / d),)``
        for ``n`` days and ``d`` days per year; the last year is short
        (and summed as it is) when ``n`` is not a multiple of ``d``.

    Notes
    -----
    ``S_y = sum of daily[t] for d y <= t < d (y + 1)``. Years count from
    day 0, not the calendar; for calendar years of a dated series use
    :func:`minerecon.cashflow.aggregate` with ``freq="YS"``.

    Examples
    --------
    >>> yearly_sums([1.0, 2.0, 3.0, 4.0, 5.0], days_per_year=2)
    array([3., 7., 5.])
    """
    values = _finite("daily", daily, unit="[USD/day]")
    days_per_year = check_count("days_per_year", days_per_year, unit="[day]")
    if values.shape[-1] == 0:
        return np.zeros(values.shape)
    # A year longer than the data is one (short) year: no step beyond the days.
    starts = np.arange(0, values.shape[-1], min(days_per_year, values.shape[-1]))
    return np.add.reduceat(values, starts, axis=-1)


# --------------------------------------------------------------------------
# A tax policy
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TaxPolicy:
    """Income tax rate, loss rules and depreciation of a site's two asset classes.

    Parameters
    ----------
    rate : float, default 0.21
        Income tax rate [-], in [0, 1] (:data:`US_FEDERAL_CORPORATE_RATE`;
        add state tax here if wanted).
    nol_limit : float, default 0.8
        Share of taxable income losses carried forward may offset [-], in
        [0, 1] (:data:`NOL_LIMIT`).
    mining_equipment : DepreciationSchedule, default :data:`MINING_EQUIPMENT`
        Depreciation of machines (and GPU servers).
    data_hall : DepreciationSchedule, default :data:`DATA_HALL`
        Depreciation of buildings.

    Examples
    --------
    500 USD of machines expensed in year 0 against 400 USD of income a
    year: a loss of 100 in year 0, used in year 1 (within 80 % of 400), so
    ``0.21 * (400 - 100) = 63`` of tax in year 1.

    >>> policy = TaxPolicy()
    >>> deduction = policy.depreciation(mining_capex_by_year=[500.0, 0.0])
    >>> policy.income_tax(400.0 - deduction).tax.round(2)
    array([ 0., 63.])
    """

    rate: float = US_FEDERAL_CORPORATE_RATE
    nol_limit: float = NOL_LIMIT
    mining_equipment: DepreciationSchedule = MINING_EQUIPMENT
    data_hall: DepreciationSchedule = DATA_HALL

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate", check_scalar("rate", self.rate, low=0.0, high=1.0))
        object.__setattr__(
            self, "nol_limit", check_scalar("nol_limit", self.nol_limit, low=0.0, high=1.0)
        )
        for name in ("mining_equipment", "data_hall"):
            if not isinstance(getattr(self, name), DepreciationSchedule):
                raise ValueError(
                    f"{name} must be a DepreciationSchedule, got {getattr(self, name)!r}"
                )

    def depreciation(
        self,
        mining_capex_by_year: ArrayLike | None = None,
        data_hall_capex_by_year: ArrayLike | None = None,
    ) -> YearlyAmounts:
        """Total deduction per tax year [USD] from machine and building capex [USD/year].

        Either argument may be omitted (no such capex); given both, they
        broadcast together (years on the last axis).
        """
        parts = [
            schedule.apply(capex)
            for schedule, capex in (
                (self.mining_equipment, mining_capex_by_year),
                (self.data_hall, data_hall_capex_by_year),
            )
            if capex is not None
        ]
        if not parts:
            raise ValueError(
                "give mining_capex_by_year or data_hall_capex_by_year (or both), got neither"
            )
        return sum(parts[1:], parts[0])

    def income_tax(self, taxable_income: ArrayLike, opening_nol: ArrayLike = 0.0) -> IncomeTax:
        """Tax and losses carried forward per tax year: :func:`income_tax` at this policy."""
        return income_tax(
            taxable_income, self.rate, nol_limit=self.nol_limit, opening_nol=opening_nol
        )
