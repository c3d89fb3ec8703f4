"""Project debt: draws on capex, interest, amortisation and coverage.

A project-finance loan funds a share of each day's capex (the *loan to
cost*) and is repaid from the project's cash flows, as in the 2025 notes
that funded the AI/HPC data halls of Bitcoin miners (see
:meth:`DebtTerms.from_2025_notes`). :func:`debt_schedule` turns a daily capex
profile and :class:`DebtTerms` into daily draws, interest, principal, fees
and balance; ``cash_flow`` is what the debt adds to the equity holders'
flows, so equity cash flow = project cash flow + ``cash_flow``.

Conventions
-----------
* Day ``t = 0 .. n-1`` counts from day 0 of the projection, as in
  :mod:`minerecon.hosting`; ``n`` (the length of ``capex``) is the
  valuation horizon. Money is in USD, flows in USD per day.
* The loan draws ``loan_to_cost * capex`` on each day with capex, from the
  first such day (the *first draw*) until maturity; capex on or after the
  maturity day is left to equity.
* Maturity is ``round(tenor_years * 365)`` days after the first draw (365:
  ``days_per_year``). The ``k``-th payment date is
  ``round(k * 365 / payments_per_year)`` days after the first draw (rounded
  half up, each date on its own so dates do not drift: 183 and 365 days for
  semi-annual), up to maturity, which is always a payment date.
* What is owed (principal and unpaid interest) compounds daily at
  ``(1 + rate) ** (1/365) - 1``: a balance ``B`` held for ``d`` days accrues
  ``B ((1 + rate) ** (d/365) - 1)`` of interest, so an annual payment on
  1,000 at 10 % is exactly 100, and the lender's flows have an NPV of zero
  at ``rate`` with daily discounting (:func:`minerecon.cashflow.npv`).
  Draws on a payment date earn interest from the next day.
* Accrued interest is paid on each payment date; with
  ``capitalise_interest`` it is instead added to the principal on payment
  dates before the completion day.
* A payment date on or after the completion day is *after completion*.
  Principal is repaid on payment dates after completion (on all payment
  dates if ``interest_only_until_completion`` is False) as set by
  ``amortisation``, and the rest at maturity; if completion falls after
  maturity, everything is due at maturity.
* If maturity falls after the horizon, whatever is owed on the last day
  ``n - 1`` (principal and accrued interest) is repaid that day, as on a
  sale or refinancing of the asset at the end of the valuation, so every
  schedule ends with a zero balance.

Not modelled: covenants and cash sweeps, debt-service reserve accounts,
commitment fees on undrawn amounts, prepayment penalties, and the tax limit
on interest deductions (IRC §163(j)).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from minerecon import _contract
from minerecon._contract import aligned, check, check_count, check_scalar, with_overrides
from minerecon.tax import yearly_sums
from minerecon.typing import ArrayLike, FloatArray, Numeric
from minerecon.units import DAYS_PER_YEAR, MAX_YEARS

__all__ = [
    "COUPONS_2025",
    "DebtSchedule",
    "DebtTerms",
    "debt_schedule",
    "dscr",
]

#: Coupons of the 2025 senior secured notes that funded miners' AI/HPC data
#: halls [-, annual]: Cipher Compute 7.125 % due 2030 (Barber Lake, issued at
#: par 2025-11-13), WULF Compute 7.75 % due 2030 (Lake Mariner, at par
#: 2025-10-22), Flash Compute 8.0 % semi-annual due 2030 (Abernathy).
COUPONS_2025 = {"Cipher Compute": 0.07125, "WULF Compute": 0.0775, "Flash Compute": 0.08}

_AMORTISATIONS = ("level", "straight", "bullet")


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


@dataclasses.dataclass(frozen=True)
class DebtTerms:
    """Terms of a project loan drawn on capex.

    Parameters
    ----------
    loan_to_cost : float
        Share of each day's capex funded by the loan [-], in [0, 1).
    rate : float
        Interest rate [-, annual effective], >= 0 (a semi-annual coupon
        ``c`` is ``(1 + c/2) ** 2 - 1`` annual effective).
    tenor_years : float
        Maturity from the first draw [year], > 0.
    amortisation : {"level", "straight", "bullet"}, default "level"
        Repayment of principal on the payment dates after completion:
        ``"level"``, annuity instalments (principal rising, interest
        falling, equal totals); ``"straight"``, equal principal instalments;
        ``"bullet"``, everything at maturity.
    payments_per_year : int, default 2
        Payment dates a year [1/year], 1 to 365 (2: semi-annual, as the 2025
        notes).
    interest_only_until_completion : bool, default True
        No principal on payment dates before the completion day (the 2025
        notes); False amortises from the first payment date.
    upfront_fee : float, default 0
        Fee paid with each draw, as a share of the draw [-], in [0, 1).
    capitalise_interest : bool, default False
        Add the interest of the payment dates before completion to the
        principal instead of paying it (False: paid in cash).

    Examples
    --------
    >>> terms = DebtTerms(loan_to_cost=0.7, rate=0.0775, tenor_years=5)
    >>> terms.amortisation, terms.payments_per_year
    ('level', 2)
    """

    loan_to_cost: float
    rate: float
    tenor_years: float
    amortisation: Literal["level", "straight", "bullet"] = "level"
    payments_per_year: int = 2
    interest_only_until_completion: bool = True
    upfront_fee: float = 0.0
    capitalise_interest: bool = False

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(
            self,
            "loan_to_cost",
            check_scalar("loan_to_cost", self.loan_to_cost, low=0.0, high=1.0, high_open=True),
        )
        set_(self, "rate", check_scalar("rate", self.rate, low=0.0, unit="[-, annual effective]"))
        set_(
            self,
            "tenor_years",
            check_scalar(
                "tenor_years",
                self.tenor_years,
                low=0.0,
                low_open=True,
                high=MAX_YEARS,
                unit="[year]",
            ),
        )
        if not isinstance(self.amortisation, str) or self.amortisation not in _AMORTISATIONS:
            raise ValueError(
                f"amortisation must be one of {_AMORTISATIONS}, got {self.amortisation!r}"
            )
        payments = check_count("payments_per_year", self.payments_per_year, unit="[1/year]")
        if payments > DAYS_PER_YEAR:
            raise ValueError(
                f"payments_per_year must be at most {DAYS_PER_YEAR} (daily), got {payments}"
            )
        set_(self, "payments_per_year", payments)
        set_(
            self,
            "interest_only_until_completion",
            _flag("interest_only_until_completion", self.interest_only_until_completion),
        )
        set_(
            self,
            "upfront_fee",
            check_scalar("upfront_fee", self.upfront_fee, low=0.0, high=1.0, high_open=True),
        )
        set_(self, "capitalise_interest", _flag("capitalise_interest", self.capitalise_interest))

    @classmethod
    def from_2025_notes(cls, **overrides: object) -> DebtTerms:
        """Terms like the 2025 senior secured notes of miners' AI/HPC builds.

        Parameters
        ----------
        **overrides
            Fields to change, e.g. ``rate=COUPONS_2025["Cipher Compute"]``.

        Returns
        -------
        DebtTerms
            ``rate=0.0775, tenor_years=5, payments_per_year=2,
            interest_only_until_completion=True, amortisation="level",
            loan_to_cost=0.70, upfront_fee=0, capitalise_interest=False``.

        Notes
        -----
        *Sourced* (2025 notes, see :data:`COUPONS_2025`):

        * ``rate`` 7.75 %: the WULF Compute coupon, the middle of the three
          published coupons (Cipher Compute 7.125 %, WULF Compute 7.75 %,
          Flash Compute 8.0 %), used as the annual rate as published;
        * ``tenor_years`` 5: all three are due 2030, issued in late 2025;
        * semi-annual payments, and no principal before completion of the
          building (WULF Compute, Cipher Compute).

        *Assumed*:

        * ``amortisation="level"``: the notes publish semi-annual
          amortisation after completion but not its profile; level
          instalments have rising principal, like Flash Compute's (19 M USD
          in 2026 rising to 85 M USD in 2031);
        * ``loan_to_cost`` 0.70: the notes funded most of each build; Hut 8's
          "up to 85 %" loan to cost is the upper end of what was reported;
        * ``upfront_fee`` 0: fees and original-issue discount are not
          published (the notes were sold at par);
        * ``capitalise_interest=False``: coupons paid in cash during
          construction.

        References
        ----------
        TeraWulf 10-Q Q3 2025 (subsequent events); Cipher Mining 8-K,
        2025-11-13; blockspace.media, 2025-12-18 (Flash Compute).

        Examples
        --------
        >>> DebtTerms.from_2025_notes().rate
        0.0775
        >>> DebtTerms.from_2025_notes(loan_to_cost=0.85).loan_to_cost
        0.85
        """
        terms: dict[str, object] = {
            "loan_to_cost": 0.70,
            "rate": COUPONS_2025["WULF Compute"],
            "tenor_years": 5.0,
            "amortisation": "level",
            "payments_per_year": 2,
            "interest_only_until_completion": True,
            "upfront_fee": 0.0,
            "capitalise_interest": False,
        }
        return with_overrides(cls, terms, overrides)


@dataclasses.dataclass(frozen=True, eq=False)
class DebtSchedule:
    """Daily flows of a loan (:func:`debt_schedule`), each of length ``n_days``.

    Attributes
    ----------
    draw : numpy.ndarray
        Loan proceeds received each day [USD/day].
    interest : numpy.ndarray
        Interest paid each day [USD/day] (on payment dates only).
    principal : numpy.ndarray
        Principal repaid each day [USD/day].
    fee : numpy.ndarray
        Upfront fees paid each day [USD/day].
    capitalised_interest : numpy.ndarray
        Interest added to the principal each day instead of being paid
        [USD/day].
    balance : numpy.ndarray
        Principal outstanding at the end of each day [USD] (accrued unpaid
        interest excluded).
    payment_days : numpy.ndarray
        Days of the payment dates inside the horizon, including the final
        repayment [day], int.
    days_per_year : int
        Days in a year used for the rate and the dates [day].
    maturity_day : int
        Day the loan falls due [day]; after the horizon's last day when the
        balance is repaid early there; -1 when nothing is drawn.
    """

    draw: FloatArray
    interest: FloatArray
    principal: FloatArray
    fee: FloatArray
    capitalised_interest: FloatArray
    balance: FloatArray
    payment_days: npt.NDArray[np.int_]
    days_per_year: int = DAYS_PER_YEAR
    maturity_day: int = -1

    @property
    def debt_service(self) -> FloatArray:
        """Interest plus principal paid each day [USD/day]."""
        return self.interest + self.principal

    @property
    def cash_flow(self) -> FloatArray:
        """Flow to equity from the debt, ``draw - interest - principal - fee`` [USD/day]."""
        return self.draw - self.interest - self.principal - self.fee

    def yearly(self) -> pd.DataFrame:
        """Yearly totals of the flows and the balance at each year end.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``year`` (0, 1, ..., blocks of ``days_per_year``
            days from day 0, the last possibly short; see
            :func:`minerecon.tax.yearly_sums`): ``draw``, ``interest``,
            ``principal``, ``fee``, ``capitalised_interest``,
            ``debt_service`` and ``cash_flow`` [USD/year], and ``balance``
            at the end of the year's last day [USD].
        """
        names: tuple[str, ...] = ("draw", "interest", "principal", "fee", "capitalised_interest")
        names += ("debt_service", "cash_flow")
        columns = {name: yearly_sums(getattr(self, name), self.days_per_year) for name in names}
        n_days = len(self.balance)
        ends = np.minimum(np.arange(1, len(columns["draw"]) + 1) * self.days_per_year, n_days)
        columns["balance"] = self.balance[ends - 1]
        return pd.DataFrame(columns, index=pd.RangeIndex(len(ends), name="year"))


def _daily_capex(capex: ArrayLike) -> FloatArray:
    values = np.asarray(_contract._values(check("capex", capex, low=0.0, unit="[USD/day]")))
    if values.ndim != 1:
        raise ValueError(f"capex must be a 1-D daily array, got shape {values.shape}")
    values = values.astype(float)
    if not np.isfinite(values).all():
        bad = ~np.isfinite(values)
        raise ValueError(f"capex must be finite, got inf{_contract._where(values, bad)}")
    return values


def debt_schedule(
    capex: ArrayLike,
    completion_day: float,
    terms: DebtTerms,
    *,
    days_per_year: int = DAYS_PER_YEAR,
) -> DebtSchedule:
    """Daily draws, interest, principal, fees and balance of a project loan.

    Parameters
    ----------
    capex : array-like
        Capital spent on each day [USD/day], >= 0, finite; its length
        ``n_days`` is the valuation horizon.
    completion_day : float
        Day the build is complete [day], >= 0 (``inf``: never); principal
        falls due on payment dates on or after it.
    terms : DebtTerms
        Loan terms.
    days_per_year : int, default 365
        Days in a year [day], >= 1, for the daily rate, the payment dates
        and the maturity.

    Returns
    -------
    DebtSchedule
        Daily arrays of length ``n_days``: ``draw``, ``interest``,
        ``principal``, ``fee``, ``capitalised_interest``, ``balance``, and
        the derived ``debt_service`` and ``cash_flow``. All zero if nothing
        is drawn.

    Notes
    -----
    See the module conventions for dates and accrual. With ``B`` the
    principal before a payment date that is after completion, ``k`` the
    number of such payment dates left to maturity (this one included) and
    ``i = (1 + rate) ** (1 / payments_per_year) - 1``, the principal repaid
    is ``B i / ((1 + i) ** k - 1)`` for ``"level"`` (the principal part of
    the annuity ``B i / (1 - (1 + i) ** -k)``; ``B / k`` at ``i = 0``),
    ``B / k`` for ``"straight"`` and ``0`` for ``"bullet"``, and ``B`` at
    maturity. Recomputing from ``B`` on each date keeps the instalments
    level (or equal) when nothing more is drawn and spreads later draws over
    the dates left. The interest paid is what accrued over the actual days,
    so level totals differ by a day of interest between 182 and 183-day
    half-years. The loop runs over payment dates; within each period the
    accrual is vectorised over days.

    The NPV of the lender's flows ``-draw + interest + principal`` at
    ``rate`` (daily discounting) is zero: the borrower's cost is ``rate``
    plus the fees.

    Examples
    --------
    2,000 of capex on day 0, half of it (1,000) borrowed at 10 % and repaid
    by annual level payments over three years: each payment is the annuity
    ``1000 * 0.1 / (1 - 1.1 ** -3) = 402.11``.

    >>> capex = np.zeros(3 * 365 + 1)
    >>> capex[0] = 2000.0
    >>> terms = DebtTerms(loan_to_cost=0.5, rate=0.10, tenor_years=3, payments_per_year=1)
    >>> loan = debt_schedule(capex, completion_day=0, terms=terms)
    >>> loan.payment_days
    array([ 365,  730, 1095])
    >>> loan.debt_service[loan.payment_days].round(2)
    array([402.11, 402.11, 402.11])
    >>> loan.interest[loan.payment_days].round(2)
    array([100.  ,  69.79,  36.56])
    """
    capex = _daily_capex(capex)
    completion_day = check("completion_day", completion_day, low=0.0, unit="[day]")
    if np.ndim(completion_day) != 0:
        raise ValueError(f"completion_day must be a number, got {completion_day!r}")
    if not isinstance(terms, DebtTerms):
        raise ValueError(f"terms must be a DebtTerms, got {type(terms).__name__}")
    days_per_year = check_count("days_per_year", days_per_year, unit="[day]")
    m = terms.payments_per_year
    if m > days_per_year:
        raise ValueError(
            f"payments_per_year must be at most days_per_year ({days_per_year}), got {m}"
        )

    n_days = len(capex)
    draw = terms.loan_to_cost * capex
    interest = np.zeros(n_days)
    principal = np.zeros(n_days)
    capitalised = np.zeros(n_days)
    balance = np.zeros(n_days)
    drawn = np.flatnonzero(draw > 0.0)
    dates: list[int] = []
    maturity = -1
    if len(drawn):
        first = int(drawn[0])
        maturity = first + max(1, _round_half_up(terms.tenor_years * days_per_year))
        draw[maturity:] = 0.0
        scheduled = [
            first + _round_half_up(k * days_per_year / m)
            for k in range(1, m * math.ceil(terms.tenor_years) + 1)
        ]
        scheduled = [day for day in scheduled if day < maturity] + [maturity]
        amortising = np.array(
            [
                day
                for day in scheduled
                if day == maturity
                or not terms.interest_only_until_completion
                or day >= completion_day
            ]
        )
        last = min(maturity, n_days - 1)
        dates = [day for day in scheduled if day < last] + [last]
        growth = math.log1p(terms.rate) / days_per_year  # log of the daily factor
        periodic = math.expm1(math.log1p(terms.rate) / m)
        owed = 0.0  # principal after the previous payment date
        previous = first - 1
        for day in dates:
            days = np.arange(previous + 1, day + 1)
            new = draw[previous + 1 : day + 1]
            accrued = owed * math.expm1((day - previous) * growth) + new @ np.expm1(
                (day - days) * growth
            )
            balance[previous + 1 : day + 1] = owed + np.cumsum(new)
            owed = balance[day]
            if terms.capitalise_interest and day < completion_day and day != last:
                capitalised[day] = accrued
                owed += accrued
            else:
                interest[day] = accrued
            principal[day] = _instalment(owed, day, last, amortising, periodic, terms)
            owed -= principal[day]
            balance[day] = owed
            previous = day
    return DebtSchedule(
        draw=draw,
        interest=interest,
        principal=principal,
        fee=terms.upfront_fee * draw,
        capitalised_interest=capitalised,
        balance=balance,
        payment_days=np.array(dates, dtype=int),
        days_per_year=days_per_year,
        maturity_day=maturity,
    )


def _instalment(
    owed: float, day: int, last: int, amortising: np.ndarray, periodic: float, terms: DebtTerms
) -> float:
    """Principal repaid on payment date ``day`` from the principal ``owed`` before it."""
    if day == last:
        return owed
    if terms.amortisation == "bullet" or day not in amortising:
        return 0.0
    left = int(np.count_nonzero(amortising >= day))
    # Below 1e-12 a period the annuity equals equal instalments to ~1e-12 relative,
    # and subnormal rates would make the quotient meaningless.
    if terms.amortisation == "level" and periodic > 1e-12:
        return owed * periodic / math.expm1(left * math.log1p(periodic))
    return owed / left


# --------------------------------------------------------------------------
# Coverage
# --------------------------------------------------------------------------


@aligned
def dscr(cfads: ArrayLike, debt_service: ArrayLike) -> Numeric:
    """Debt-service coverage ratio of each period.

    Parameters
    ----------
    cfads : float, array-like, Series or DataArray
        Cash flow available for debt service in each period [USD], finite,
        either sign; paths on leading axes.
    debt_service : float, array-like, Series or DataArray
        Interest plus principal due in the same periods [USD], >= 0
        (e.g. ``yearly_sums(schedule.debt_service)``); broadcasts against
        ``cfads``.

    Returns
    -------
    DSCR [-], the broadcast shape and kind; ``inf`` where there is no
    debt service (also when ``cfads`` is negative there).

    Notes
    -----
    ``DSCR = CFADS / debt service``. Lenders size project loans to a
    minimum DSCR, typically 1.2 to 1.4 for contracted infrastructure
    revenue; covenants test it over trailing periods.

    Examples
    --------
    >>> dscr([130.0, 130.0, -10.0], [100.0, 0.0, 100.0])
    array([ 1.3,  inf, -0.1])
    """
    cfads = check("cfads", cfads, unit="[USD]")
    debt_service = check("debt_service", debt_service, low=0.0, unit="[USD]")
    for name, value in (("cfads", cfads), ("debt_service", debt_service)):
        if not np.isfinite(_contract._values(value)).all():
            raise ValueError(f"{name} must be finite")
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.divide(cfads, debt_service)
    return _contract.mask(ratio, np.equal(debt_service, 0.0), np.inf)
