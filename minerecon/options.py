"""Least-squares Monte Carlo: the value of choosing when to act.

An operator who may act once (convert megawatts to a lease, exercise a
put) at any of a set of dates holds an American-style option. Longstaff and
Schwartz (2001) value it on simulated paths: stepping back from the last
date, the value of waiting is regressed on the state of each path, and a
path acts where acting is worth more than the fitted value of waiting.

:func:`longstaff_schwartz` is the generic engine. Besides the paper's
exercise values it takes the cash earned while waiting (``income``, such as
a site's mining margin before it converts) and the value of never acting
(``terminal``), so a conversion decision is one call.

References
----------
Longstaff, F. A. and Schwartz, E. S. (2001). Valuing American options by
simulation: a simple least-squares approach. *The Review of Financial
Studies* 14(1), 113-147.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import xarray as xr

from minerecon import _contract, _random
from minerecon.network import BLOCKS_PER_DAY
from minerecon.typing import ArrayLike, FloatArray, SeedLike
from minerecon.units import DAYS_PER_YEAR, PH, TH

if TYPE_CHECKING:
    from minerecon.hardware import Miner
    from minerecon.network import NetworkState
    from minerecon.projection import MiningScenario
    from minerecon.scenario import Site, SiteComparison, Split
    from minerecon.valuation import Valuation

__all__ = [
    "ContinuationFit",
    "ConversionTiming",
    "ExercisePolicy",
    "MachineValue",
    "PolicyValue",
    "conversion_timing",
    "longstaff_schwartz",
    "machine_values",
    "switch_off_value",
]

Basis = Literal["laguerre", "polynomial"]
_BASES = ("laguerre", "polynomial")
_MAX_DEGREE = 10
_MAX_TERMS = 200
#: A one-period factor above 1 is a negative rate; above 2 it is a typo.
_MAX_DISCOUNT = 2.0


def _powers(n_state: int, degree: int) -> tuple[tuple[int, ...], ...]:
    """Exponents of the basis terms: every product of orders with total <= degree."""
    terms = []
    for total in range(degree + 1):
        for variables in itertools.combinations_with_replacement(range(n_state), total):
            powers = [0] * n_state
            for variable in variables:
                powers[variable] += 1
            terms.append(tuple(powers))
    return tuple(terms)


@dataclasses.dataclass(frozen=True)
class ContinuationFit:
    """The fitted value of waiting (or of waiting minus acting) at one date.

    ``predict(state)`` is ``sum_i coefficients[i] * phi_i(x)`` with
    ``x = (state - center) / scale`` per state variable, and ``phi_i`` the
    products of one-variable basis functions listed in ``powers``: for
    ``"laguerre"``, ``phi_0 = 1`` and ``phi_n(x) = exp(-x/2) L_n(x)`` (the
    weighted Laguerre polynomials of the paper); for ``"polynomial"``,
    ``phi_n(x) = x**n``.

    Attributes
    ----------
    basis : {"laguerre", "polynomial"}
    powers : tuple of tuple of int
        Order of each state variable in each term.
    center, scale : ndarray
        Per state variable: what the state is shifted and divided by.
    coefficients : ndarray
        Least-squares coefficients, one per term [units of the values].
        Empty when no path was eligible; then no path acts at this date.
        With fewer eligible paths than terms, the constant alone (their
        mean).
    n_paths : int
        Paths the regression used.
    """

    basis: Basis
    powers: tuple[tuple[int, ...], ...]
    center: FloatArray
    scale: FloatArray
    coefficients: FloatArray
    n_paths: int

    @property
    def fitted(self) -> bool:
        """Whether enough paths were eligible to fit the regression."""
        return self.coefficients.size > 0

    def features(self, state: ArrayLike) -> FloatArray:
        """Basis terms of ``state`` (paths x variables, or paths), paths x terms."""
        x = (_as_matrix(state) - self.center) / self.scale
        degree = max(sum(powers) for powers in self.powers)
        if self.basis == "laguerre":
            one_variable = np.polynomial.laguerre.lagvander(x, degree) * np.exp(-x / 2)[..., None]
            one_variable[..., 0] = 1.0
        else:
            one_variable = np.polynomial.polynomial.polyvander(x, degree)
        columns = [
            np.prod([one_variable[:, k, order] for k, order in enumerate(powers)], axis=0)
            for powers in self.powers
        ]
        return np.stack(columns, axis=1)

    def predict(self, state: ArrayLike) -> FloatArray:
        """Fitted value of waiting for each path [units of the values].

        ``+inf`` where the regression could not be fitted, so no path acts.
        """
        matrix = _as_matrix(state)
        if not self.fitted:
            return np.full(matrix.shape[0], np.inf)
        return self.features(matrix) @ self.coefficients


@dataclasses.dataclass(frozen=True)
class PolicyValue:
    """The value of following an exercise policy on a set of paths.

    Attributes
    ----------
    value : float
        Mean over paths of the discounted cash [units of the inputs at time 0].
    std_error : float
        Standard error of ``value`` (sample standard deviation over the square
        root of the number of paths; pairs of antithetic paths make it
        conservative; nan for one path).
    path_values : ndarray
        Discounted cash per path [units at time 0].
    exercise_date : ndarray of int
        Index of the date each path acts at; -1 where it never acts.
    """

    value: float
    std_error: float
    path_values: FloatArray
    exercise_date: npt.NDArray[np.int64]

    @property
    def exercised(self) -> npt.NDArray[np.bool_]:
        """Whether each path acts at some date."""
        return self.exercise_date >= 0

    def exercise_share(self, n_dates: int) -> FloatArray:
        """Share of paths acting at each date (never acting is ``1 - sum``)."""
        acted = self.exercise_date[self.exercise_date >= 0]
        n_dates = _contract.check_count("n_dates", n_dates, low=int(acted.max(initial=-1)) + 1)
        return np.bincount(acted, minlength=n_dates)[:n_dates] / self.exercise_date.size


@dataclasses.dataclass(frozen=True)
class ExercisePolicy:
    """An estimated exercise policy and its value (:func:`longstaff_schwartz`).

    Attributes
    ----------
    in_sample : PolicyValue
        The policy's value on the paths it was fitted on (the paper's
        estimate; it may be biased up by the regressions' look at the same
        paths).
    out_of_sample : PolicyValue or None
        Its value on independent paths, a low-biased estimate: the policy is
        a feasible one, so it cannot beat the optimal one on average. None
        unless ``validation`` paths were given.
    continuation : tuple of ContinuationFit
        The fitted value of waiting at each exercise date.
    discount : ndarray
        One-period discount factor per date [-].
    itm_only : bool
        Whether only paths with a positive exercise value were regressed and
        could act.
    exercise_known : bool
        Whether a path's exercise value was known when it acts (the fits are
        of the value of waiting) or realised later (the fits are of waiting
        minus acting).
    """

    in_sample: PolicyValue
    out_of_sample: PolicyValue | None
    continuation: tuple[ContinuationFit, ...]
    discount: FloatArray
    itm_only: bool
    exercise_known: bool = True

    @property
    def value(self) -> float:
        """Time-0 value of the estimated policy, in sample [units at time 0]."""
        return self.in_sample.value

    @property
    def std_error(self) -> float:
        """Standard error of :attr:`value`."""
        return self.in_sample.std_error

    @property
    def exercise_date(self) -> npt.NDArray[np.int64]:
        """Date index each fitted path acts at, -1 for never."""
        return self.in_sample.exercise_date

    def evaluate(
        self,
        exercise_value: ArrayLike,
        state: ArrayLike,
        *,
        income: ArrayLike | None = None,
        terminal: ArrayLike | None = None,
    ) -> PolicyValue:
        """Follow this policy on other paths (same dates) and value it.

        Each path acts at the first date where its exercise value exceeds
        the fitted value of waiting (and is positive, if the policy was
        fitted on in-the-money paths only). The arguments are those of
        :func:`longstaff_schwartz`.
        """
        paths = _Paths.checked(exercise_value, state, income, terminal, self.discount.size)
        n_paths = paths.exercise_value.shape[0]
        exercise_date = np.full(n_paths, -1, dtype=np.int64)
        waiting = np.ones(n_paths, dtype=bool)
        for date, fit in enumerate(self.continuation):
            acts = waiting & _acts(
                paths.exercise_value[:, date],
                fit.predict(paths.state[:, date]),
                self.itm_only,
                self.exercise_known,
            )
            exercise_date[acts] = date
            waiting &= ~acts
        return _policy_value(paths, self.discount, exercise_date)


@dataclasses.dataclass(frozen=True)
class _Paths:
    exercise_value: FloatArray
    state: FloatArray  # paths x dates x variables
    income: FloatArray
    terminal: FloatArray

    @classmethod
    def checked(
        cls,
        exercise_value: ArrayLike,
        state: ArrayLike,
        income: ArrayLike | None,
        terminal: ArrayLike | None,
        n_dates: int | None = None,
    ) -> _Paths:
        values = _finite("exercise_value", exercise_value)
        if values.ndim != 2 or values.shape[0] < 1 or values.shape[1] < 1:
            raise ValueError(
                "exercise_value must be an array of paths x exercise dates with at least "
                f"1 path and 1 date, got shape {values.shape}"
            )
        if n_dates is not None and values.shape[1] != n_dates:
            raise ValueError(
                f"exercise_value must have {n_dates} dates (the policy's), got {values.shape[1]}"
            )
        given = _finite("state", state)
        states = given[:, :, None] if given.ndim == 2 else given
        if states.ndim != 3 or states.shape[:2] != values.shape:
            raise ValueError(
                f"state must be paths x dates {values.shape} or paths x dates x variables, "
                f"got shape {given.shape}"
            )
        incomes = np.zeros_like(values) if income is None else _finite("income", income)
        if incomes.shape != values.shape:
            raise ValueError(
                f"income must have the shape of exercise_value {values.shape}, got {incomes.shape}"
            )
        terminals = (
            np.zeros(values.shape[0]) if terminal is None else _finite("terminal", terminal)
        )
        if terminals.shape != values.shape[:1]:
            raise ValueError(
                f"terminal must have one value per path ({values.shape[0]}), "
                f"got shape {terminals.shape}"
            )
        return cls(values, states, incomes, terminals)


def _finite(name: str, value: ArrayLike) -> FloatArray:
    array = np.asarray(_contract._values(_contract.check(name, value)), dtype=float)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, got {array[~np.isfinite(array)].flat[0]}")
    return array


def _as_matrix(state: ArrayLike) -> FloatArray:
    matrix = np.asarray(state, dtype=float)
    return matrix[:, None] if matrix.ndim == 1 else matrix


def _acts(
    exercise: FloatArray, fitted: FloatArray, itm_only: bool, exercise_known: bool
) -> npt.NDArray[np.bool_]:
    """Where a path acts: ``fitted`` is the value of waiting, or waiting minus acting."""
    acts = exercise > fitted if exercise_known else fitted < 0
    return acts & (exercise > 0) if itm_only else acts


def _discount_factors(discount: ArrayLike, n_dates: int) -> FloatArray:
    factors = np.asarray(
        _contract._values(
            _contract.check("discount", discount, low=0.0, low_open=True, high=_MAX_DISCOUNT)
        ),
        dtype=float,
    )
    if factors.ndim == 0:
        factors = np.full(n_dates, float(factors))
    if factors.shape != (n_dates,):
        raise ValueError(
            f"discount must be one factor or one per exercise date ({n_dates}), "
            f"got shape {factors.shape}"
        )
    return factors


def _policy_value(
    paths: _Paths, discount: FloatArray, exercise_date: npt.NDArray[np.int64]
) -> PolicyValue:
    """Discounted cash of each path: income up to its date, then its exercise value."""
    n_paths, n_dates = paths.exercise_value.shape
    to_time_zero = np.cumprod(discount)  # date j -> time 0
    dates = np.arange(n_dates)
    last = np.where(exercise_date >= 0, exercise_date, n_dates - 1)
    earned = np.where(dates[None, :] <= last[:, None], paths.income, 0.0) @ to_time_zero
    rows = np.arange(n_paths)
    final = np.where(
        exercise_date >= 0,
        paths.exercise_value[rows, last],
        paths.terminal,
    )
    path_values = earned + final * to_time_zero[last]
    if not np.isfinite(path_values).all():
        raise ValueError(
            "exercise_value, income and terminal are too large to discount and add up "
            "in floating point"
        )
    return PolicyValue(
        value=float(path_values.mean()),
        std_error=float(path_values.std(ddof=1) / np.sqrt(n_paths)) if n_paths > 1 else math.nan,
        path_values=path_values,
        exercise_date=exercise_date,
    )


def _fit(
    state: FloatArray, waiting_value: FloatArray, basis: Basis, degree: int
) -> ContinuationFit:
    powers = _powers(state.shape[1], degree)
    if state.shape[0] == 0:
        center = np.zeros(state.shape[1])
        scale = np.ones(state.shape[1])
    elif basis == "laguerre":
        # The weights exp(-x/2) neither vanish nor overflow for a state of order one.
        center = np.zeros(state.shape[1])
        scale = np.abs(state).mean(axis=0)
    else:
        center = state.mean(axis=0)
        scale = state.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    if 0 < state.shape[0] < len(powers):
        # Too few paths for the basis: their mean, rather than an exact interpolation.
        powers = ((0,) * state.shape[1],)
    unfitted = ContinuationFit(basis, powers, center, scale, np.empty(0), state.shape[0])
    if state.shape[0] == 0:
        return unfitted
    coefficients = np.linalg.lstsq(unfitted.features(state), waiting_value, rcond=None)[0]
    return dataclasses.replace(unfitted, coefficients=coefficients.astype(np.float64))


def longstaff_schwartz(
    exercise_value: ArrayLike,
    state: ArrayLike,
    discount: ArrayLike,
    *,
    income: ArrayLike | None = None,
    terminal: ArrayLike | None = None,
    basis: Basis = "laguerre",
    degree: int = 3,
    itm_only: bool = True,
    exercise_known: bool = True,
    validation: Mapping[str, ArrayLike] | None = None,
) -> ExercisePolicy:
    """Value the right to act once at any of a set of dates (least-squares Monte Carlo).

    Parameters
    ----------
    exercise_value : array-like, paths x dates
        Cash received on acting at each date, valued at that date
        [USD or any unit]. The dates are equally spaced, the first one period
        after time 0; there is no exercise at time 0.
    state : array-like, paths x dates or paths x dates x variables
        What the value of waiting is regressed on at each date (for a put,
        the stock price; for a site, hashprice and more) [any unit].
    discount : float or array-like of length dates
        One-period discount factor [-], in (0, 2]: ``discount[j]`` takes a
        value at date ``j`` back to date ``j - 1`` (date 0 back to time 0).
        For a rate ``r`` and a period ``dt`` [years], ``exp(-r * dt)``.
    income : array-like, paths x dates, optional
        Cash earned while waiting over the period that ends at each date,
        valued at that date; it is earned whether or not the path acts at
        that date [same unit as ``exercise_value``]. Default 0.
    terminal : array-like, one per path, optional
        Value at the last date of never acting [same unit]. Default 0.
    basis : {"laguerre", "polynomial"}, default "laguerre"
        Regression functions: the constant and weighted Laguerre polynomials
        ``exp(-x/2) L_n(x)`` of the state divided by its mean absolute value
        at that date (the paper's choice), or powers of the standardised
        state. With several state variables, every product of one-variable
        terms up to total order ``degree``.
    degree : int, default 3
        Highest order of the basis, in [1, 10] (and at most 200 terms).
    itm_only : bool, default True
        Regress, and let act, only the paths whose exercise value is
        positive at that date, as in the paper. Set False when acting can be
        worth it with a non-positive exercise value (a conversion whose
        alternative is an income stream).
    exercise_known : bool, default True
        Whether the exercise value is known at the date a path acts, as a
        put's payoff is. Set False when it is the realised value of cash that
        comes later (a site's flows after converting): then the decision
        may not peek at it, so the policy regresses waiting minus acting on
        the state and acts where the fit is negative; the cash counted is
        still each path's realised value.
    validation : mapping, optional
        Independent paths with the keys ``exercise_value``, ``state`` and
        optionally ``income`` and ``terminal``: the fitted policy is followed
        on them for an out-of-sample (low-biased) value.

    Returns
    -------
    ExercisePolicy
        ``value`` and ``std_error`` (in sample), ``out_of_sample``, the
        exercise date of each path and the fitted regressions.

    Notes
    -----
    With ``V_j`` the value at date ``j`` of following the policy from ``j``
    (realised on each path) and ``C_j(x)`` its regression on the state,
    stepping back from the last date ``n``:

    - ``W_n = terminal``; a path acts at ``j`` when ``E_j > C_j(x_j)``, where
      ``C_j`` is the regression of ``W_j`` on the basis terms of ``x_j``
      (with ``exercise_known=False``: when the regression of ``W_j - E_j``
      is negative);
    - ``V_j = income_j + (E_j if it acts else W_j)``;
    - ``W_{j-1} = discount_j * V_j``.

    The value is the mean of ``W_0`` over paths. With no eligible path at a
    date, no path acts there; with fewer eligible paths than basis terms,
    the regression is their mean.

    References
    ----------
    Longstaff, F. A. and Schwartz, E. S. (2001). Valuing American options by
    simulation: a simple least-squares approach. *The Review of Financial
    Studies* 14(1), 113-147. Table 1: strike 40, r = 0.06, sigma 0.20,
    T = 1, S = 36: 4.472 by this method, 4.478 by finite differences.

    Examples
    --------
    The American put of the paper's Table 1 (S = 36, K = 40, r = 0.06,
    sigma = 0.2, T = 1, 50 dates), on 20,000 paths:

    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> dt, n = 1 / 50, 10_000
    >>> z = rng.standard_normal((n, 50))
    >>> z = np.concatenate([z, -z])  # antithetic pairs, as in the paper
    >>> s = 36 * np.exp(np.cumsum((0.06 - 0.02) * dt + 0.2 * np.sqrt(dt) * z, axis=1))
    >>> put = longstaff_schwartz(np.maximum(40 - s, 0), s, np.exp(-0.06 * dt))
    >>> round(put.value, 2)
    4.47
    """
    paths = _Paths.checked(exercise_value, state, income, terminal)
    n_paths, n_dates = paths.exercise_value.shape
    if basis not in _BASES:
        raise ValueError(f"basis must be one of {_BASES}, got {basis!r}")
    degree = _contract.check_count("degree", degree, low=1)
    if degree > _MAX_DEGREE:
        raise ValueError(f"degree must be an integer in [1, {_MAX_DEGREE}], got {degree}")
    n_terms = math.comb(paths.state.shape[2] + degree, degree)
    if n_terms > _MAX_TERMS:
        raise ValueError(
            f"state has {paths.state.shape[2]} variables: degree {degree} gives {n_terms} "
            f"basis terms, more than {_MAX_TERMS}; lower degree"
        )
    for name, flag in (("itm_only", itm_only), ("exercise_known", exercise_known)):
        if not isinstance(flag, bool | np.bool_):
            raise ValueError(f"{name} must be True or False, got {flag!r}")
    if itm_only and not exercise_known:
        # "In the money" would read the exercise value the policy may not see.
        raise ValueError(
            "itm_only must be False when exercise_known is False: the sign of a value "
            "realised later is not known when acting"
        )
    factors = _discount_factors(discount, n_dates)

    exercise_date = np.full(n_paths, -1, dtype=np.int64)
    waiting_value = paths.terminal.copy()  # W_j: value at date j of not acting at j
    fits: list[ContinuationFit] = []
    for date in range(n_dates - 1, -1, -1):
        exercise = paths.exercise_value[:, date]
        eligible = exercise > 0 if itm_only else np.ones(n_paths, dtype=bool)
        target = waiting_value if exercise_known else waiting_value - exercise
        fit = _fit(paths.state[eligible, date], target[eligible], basis, degree)
        fits.append(fit)
        acts = _acts(exercise, fit.predict(paths.state[:, date]), itm_only, exercise_known)
        exercise_date[acts] = date
        realised = np.where(acts, exercise, waiting_value) + paths.income[:, date]
        waiting_value = factors[date] * realised
    in_sample = _policy_value(paths, factors, exercise_date)
    policy = ExercisePolicy(
        in_sample=in_sample,
        out_of_sample=None,
        continuation=tuple(reversed(fits)),
        discount=factors,
        itm_only=bool(itm_only),
        exercise_known=bool(exercise_known),
    )
    if validation is None:
        return policy
    unknown = set(validation) - {"exercise_value", "state", "income", "terminal"}
    if unknown or not {"exercise_value", "state"} <= set(validation):
        raise ValueError(
            "validation must be a mapping with the keys 'exercise_value' and 'state' and "
            f"optionally 'income' and 'terminal', got keys {sorted(validation)}"
        )
    return dataclasses.replace(policy, out_of_sample=policy.evaluate(**validation))


# --------------------------------------------------------------------------
# When to convert a site
# --------------------------------------------------------------------------

#: Stream of the independent paths a conversion policy is checked on.
_VALIDATION_STREAM = 2**31 - 1
#: Quantiles of the simulated hashprice the exercise boundary is looked for within.
_BOUNDARY_RANGE = (0.01, 0.99)


@dataclasses.dataclass(frozen=True)
class ConversionTiming:
    """Convert now, never, or when hashprice says so (:func:`conversion_timing`).

    Every value is the mean over paths of the whole site's NPV at the start
    [USD], under the comparison's valuation (``comparison.describe()``).

    Attributes
    ----------
    convert_now : float
        Converting at the start.
    never : float
        Mining only.
    waiting : float
        Deciding at each decision date by the fitted policy, on the paths it
        was fitted on (can be below ``convert_now``: then waiting is wrong).
    waiting_out_of_sample : float or None
        The same policy followed on independent paths, a low-biased
        estimate; None without validation paths.
    convert_now_out_of_sample, never_out_of_sample : float or None
        The other two values on those independent paths.
    decision_dates : pandas.DatetimeIndex
        The dates the operator may convert at (first days of months).
    boundary : pandas.Series
        Per decision date, the hashprice below which converting is optimal
        [USD per PH/s per day]: where the fitted gain from waiting first
        turns from negative to positive going up from the 1st percentile of
        the simulated hashprice; inf where it stays negative to the 99th,
        nan where it is not negative at the 1st (the fit never prefers
        converting there, or prefers it only at higher hashprices: then the
        policy is not a threshold and ``policy`` holds what it does).
    conversion_share : pandas.Series
        Share of paths converting at each decision date under the policy
        [-]; ``1 - sum`` never converts.
    hashprice : xarray.DataArray
        The state each decision is made on, over ``path`` and ``date``: the
        hashprice at the end of the month before, before the pool fee [USD
        per PH/s per day].
    policy : ExercisePolicy
        The fitted policy (:func:`longstaff_schwartz`, exercise realised
        later, every path eligible).
    comparison : SiteComparison
        The site valued converting at the start and at each decision date,
        on the fitted paths.
    split : Split
        What converts (its ``decision`` as given; each date replaces it).
    """

    convert_now: float
    never: float
    waiting: float
    waiting_out_of_sample: float | None
    convert_now_out_of_sample: float | None
    never_out_of_sample: float | None
    decision_dates: pd.DatetimeIndex
    boundary: pd.Series
    conversion_share: pd.Series
    hashprice: xr.DataArray
    policy: ExercisePolicy
    comparison: SiteComparison
    split: Split

    @property
    def optimal(self) -> float:
        """Converting now or waiting, whichever is worth more [USD]."""
        return max(self.convert_now, self.waiting)

    @property
    def converts_now(self) -> bool:
        """Whether converting at the start beats waiting."""
        return self.convert_now >= self.waiting

    @property
    def value_of_waiting(self) -> float:
        """What the right to decide later adds to the better of now and never [USD].

        The option to wait: ``optimal - max(convert_now, never)``. Its true
        value is >= 0; an estimate may fall a little below on few paths.
        """
        return self.optimal - max(self.convert_now, self.never)

    def table(self) -> pd.DataFrame:
        """The three strategies' values, in sample and out of sample [USD]."""
        return pd.DataFrame(
            {
                "in_sample": [self.convert_now, self.never, self.waiting, self.optimal],
                "out_of_sample": [
                    self.convert_now_out_of_sample,
                    self.never_out_of_sample,
                    self.waiting_out_of_sample,
                    None
                    if self.waiting_out_of_sample is None or self.convert_now_out_of_sample is None
                    else max(self.convert_now_out_of_sample, self.waiting_out_of_sample),
                ],
            },
            index=pd.Index(
                ["convert now", "never", "wait and decide", "optimal"], name="strategy"
            ),
            dtype=float,
        )


def _boundary(fit: ContinuationFit, hashprice: FloatArray) -> float:
    """Hashprice where the fitted gain from waiting turns from negative to positive."""
    if not fit.fitted:
        return math.nan
    low, high = np.quantile(hashprice, _BOUNDARY_RANGE)
    grid = np.linspace(low, high, 401)
    gain = fit.predict(grid)
    converts = gain < 0
    if converts.all():
        return math.inf
    if not converts[0]:
        return math.nan
    i = int(np.argmin(converts)) - 1  # last point of the first converting run
    return float(grid[i] + (grid[i + 1] - grid[i]) * gain[i] / (gain[i] - gain[i + 1]))


def conversion_timing(
    site: Site,
    split: Split,
    *,
    every_months: int = 3,
    scenario: MiningScenario | None = None,
    n_paths: int = 1000,
    validation_paths: int | None = None,
    seed: SeedLike = None,
    valuation: Valuation | None = None,
    contract_tail: bool = True,
    basis: Basis = "polynomial",
    degree: int = 2,
    **run: object,
) -> ConversionTiming:
    """Value converting part of a site now, never, or when hashprice falls.

    The operator may, at the first day of every ``every_months``-th month,
    irreversibly convert ``split``'s share of the site to its hosting
    contract (build delay, capex, tenant risk as the contract says). On
    common simulated paths this values converting at the start, never
    converting, and the policy that converts when the month's hashprice is
    below a boundary fitted by least-squares Monte Carlo
    (:func:`longstaff_schwartz`).

    Parameters
    ----------
    site : Site
        The site (:class:`minerecon.scenario.Site`).
    split : Split
        What converts and under which contract; its ``decision`` is
        replaced by each decision date.
    every_months : int, default 3
        Months between decision dates, in [1, 120] (quarterly by default).
    scenario : MiningScenario, optional
        Market models and horizon, as :func:`minerecon.scenario.compare`
        takes them.
    n_paths : int, default 1000
        Paths the policy is fitted on, >= 1 (1 for a market without noise).
    validation_paths : int, optional
        Independent paths the fitted policy is followed on for the
        low-biased value (default ``n_paths``, or none for one path; 0 for
        none). They are drawn from a child of ``seed``.
    seed : int, SeedSequence or Generator, optional
        The fitted paths are those of ``compare(..., seed=seed)``.
    valuation : Valuation, optional
        Rates, terminal values, financing and tax
        (:mod:`minerecon.valuation`), as :func:`~minerecon.scenario.compare`.
    contract_tail : bool, default True
        Value the contract to its end even past the horizon, as
        :func:`~minerecon.scenario.compare` does with it. Without it a
        conversion decided near the horizon pays only the capex that falls
        before it and looks cheap.
    basis, degree : default "polynomial", 2
        Regression basis, as :func:`longstaff_schwartz`. The gain from
        waiting rises with hashprice; a quadratic follows it, where higher
        orders bend at the sparse tails of the simulated hashprice and make
        the policy convert at odd levels.
    **run
        Passed to :func:`minerecon.projection.simulate`.

    Returns
    -------
    ConversionTiming

    Notes
    -----
    With ``X_j`` a path's NPV at the start when it converts at decision date
    ``j`` and ``M`` its NPV never converting, both in USD at the start under
    the valuation's rates, waiting is the stopping problem
    ``max over tau of E[X_tau]`` (``X_never = M``). Each ``X_j`` holds cash
    that comes after date ``j``, so the policy must not read it: the gain
    from waiting, ``W_j - X_j``, is regressed on the hashprice of the month
    before (``exercise_known=False`` in :func:`longstaff_schwartz`, discount
    factor 1 since every value is already at the start). Converting at the
    start is then worth taking when ``mean(X_0) >= mean(W_0)``.

    References
    ----------
    Longstaff, F. A. and Schwartz, E. S. (2001), see :func:`longstaff_schwartz`.
    Dixit, A. K. and Pindyck, R. S. (1994). *Investment under Uncertainty*.
    Princeton University Press: the value of waiting to invest irreversibly.
    """
    from minerecon.projection import _start
    from minerecon.scenario import Split, compare, default_scenario

    if not isinstance(split, Split):
        raise ValueError(f"split must be a minerecon.scenario.Split, got {type(split).__name__}")
    every_months = _contract.check_count("every_months", every_months, low=1)
    if every_months > 120:
        raise ValueError(f"every_months must be an integer in [1, 120], got {every_months}")
    n_paths = _contract.check_count("n_paths", n_paths)
    validation_paths = (
        (n_paths if n_paths > 1 else 0)
        if validation_paths is None
        else _contract.check_count("validation_paths", validation_paths, low=0)
    )
    root = _random.seed_sequence(seed)
    base = default_scenario(site) if scenario is None else scenario
    start = pd.Timestamp(_start(base).date)
    first_month = start.to_period("M")
    dates = pd.DatetimeIndex(
        [
            (first_month + k).start_time
            for k in range(every_months, base.days // 28 + 2, every_months)
            if ((first_month + k).start_time - start).days < base.days
        ],
        name="date",
    )
    if dates.empty:
        raise ValueError(
            f"every_months ({every_months}) leaves no decision date within the "
            f"scenario's {base.days} days"
        )
    days = [(date - start).days for date in dates]
    options = {"now": dataclasses.replace(split, decision=0)} | {
        str(date.date()): dataclasses.replace(split, decision=day)
        for date, day in zip(dates, days, strict=True)
    }

    def run_on(paths: int, stream: np.random.SeedSequence) -> SiteComparison:
        return compare(
            site,
            options,
            scenario=scenario,
            n_paths=paths,
            seed=stream,
            valuation=valuation,
            contract_tail=contract_tail,
            **run,
        )

    def stopping_problem(comparison: SiteComparison) -> tuple[dict[str, FloatArray], FloatArray]:
        npv = comparison.npv.transpose("path", "option")
        monthly = comparison.mining.monthly["hashprice"].transpose("path", "month")
        months = monthly["month"].to_index()
        before = months.get_indexer(dates) - 1
        state = monthly.values[:, before] * (PH / TH)
        problem = {
            "exercise_value": npv.sel(option=list(options)[1:]).values,
            "state": state,
            "terminal": npv.sel(option="pure mining").values,
        }
        return problem, npv.sel(option="now").values

    comparison = run_on(n_paths, root)
    fitted, now = stopping_problem(comparison)
    checked = None
    if validation_paths:
        child = np.random.SeedSequence(
            root.entropy, spawn_key=(*root.spawn_key, _VALIDATION_STREAM)
        )
        checked = stopping_problem(run_on(validation_paths, child))
    policy = longstaff_schwartz(
        **fitted,
        discount=1.0,
        basis=basis,
        degree=degree,
        itm_only=False,
        exercise_known=False,
        validation=None if checked is None else checked[0],
    )
    out_of_sample = policy.out_of_sample
    return ConversionTiming(
        convert_now=float(now.mean()),
        never=float(fitted["terminal"].mean()),
        waiting=policy.value,
        waiting_out_of_sample=None if out_of_sample is None else out_of_sample.value,
        convert_now_out_of_sample=None if checked is None else float(checked[1].mean()),
        never_out_of_sample=None if checked is None else float(checked[0]["terminal"].mean()),
        decision_dates=dates,
        boundary=pd.Series(
            [_boundary(fit, fitted["state"][:, j]) for j, fit in enumerate(policy.continuation)],
            index=dates,
            name="hashprice [USD/PH/day]",
        ),
        conversion_share=pd.Series(
            policy.in_sample.exercise_share(dates.size), index=dates, name="share converting"
        ),
        hashprice=xr.DataArray(
            fitted["state"],
            coords={"path": np.arange(n_paths), "date": dates},
            dims=("path", "date"),
            name="hashprice",
            attrs={
                "units": "USD/PH/day",
                "description": "hashprice at the end of the month before, before the pool fee",
            },
        ),
        policy=policy,
        comparison=comparison,
        split=split,
    )


# --------------------------------------------------------------------------
# What a machine is worth: a strip of daily calls
# --------------------------------------------------------------------------


def _call_price(
    spot: FloatArray, strike: FloatArray, years: FloatArray, rate: float, volatility: float
) -> FloatArray:
    """Black-Scholes call on a non-dividend asset; intrinsic value at ``years == 0``."""
    from scipy.special import ndtr

    forward_strike = strike * np.exp(-rate * years)
    intrinsic = np.maximum(spot - forward_strike, 0.0)
    spread = volatility * np.sqrt(years)
    live = (spread > 0) & (strike > 0) & (spot > 0)
    safe_spread = np.where(live, spread, 1.0)
    with np.errstate(over="ignore", divide="ignore"):  # extreme ratios give +-inf: handled
        moneyness = np.log(np.where(live, spot, 1.0) / np.where(live, forward_strike, 1.0))
    with np.errstate(over="ignore"):  # a tiny spread sends d1 to +-inf: the intrinsic value
        d1 = moneyness / safe_spread + safe_spread / 2
    price = spot * ndtr(d1) - forward_strike * ndtr(d1 - safe_spread)
    return np.where(live, np.maximum(price, 0.0), intrinsic)


@dataclasses.dataclass(frozen=True)
class MachineValue:
    """One TH/s of a machine valued as a strip of daily options (:func:`switch_off_value`).

    Attributes
    ----------
    with_switch_off : float
        Present value of running the TH/s on the days it pays and switching
        it off on the others [USD per TH/s]: the most a buyer should pay
        for it under these assumptions.
    always_on : float
        Present value of running it every day [USD per TH/s] (the
        expected-value NPV; can be negative).
    daily : ndarray
        Present value of each day's option [USD per TH/s].
    """

    with_switch_off: float
    always_on: float
    daily: FloatArray

    @property
    def switch_off_premium(self) -> float:
        """What the right to switch off adds [USD per TH/s], >= 0."""
        return self.with_switch_off - self.always_on

    def overpayment(self, price_per_th: float) -> float:
        """How much ``price_per_th`` [USD per TH/s] exceeds the value [-]: 0.25 = 25 % over."""
        price = _contract.check_scalar("price_per_th", price_per_th, low=0.0)
        return price / self.with_switch_off - 1.0 if self.with_switch_off > 0 else math.inf


def switch_off_value(
    btc_price: float,
    volatility: float,
    rate: float,
    btc_per_th: ArrayLike,
    cost_per_th: ArrayLike,
) -> MachineValue:
    """Value one TH/s as a strip of daily calls on BTC (Yaish and Zohar 2023).

    On day ``t`` the machine earns ``h_t S_t`` and costs ``c_t``; its owner
    runs it only when ``h_t S_t > c_t``, so the day is a call on BTC with
    strike ``c_t / h_t``. Under a risk-neutral GBM for the BTC price the
    strip has a closed form.

    Parameters
    ----------
    btc_price : float
        BTC price today, ``S_0`` [USD/BTC], > 0.
    volatility : float
        Annualised volatility of the BTC price [1/sqrt(year)], >= 0.
    rate : float
        Annual effective risk-free rate ``r`` [-], > -1: the BTC price
        grows at it in expectation (risk-neutral) and values are discounted
        at it, ``(1 + r) ** (-t / 365)``.
    btc_per_th : array-like, one value per day from today
        BTC one TH/s earns on each day, after the pool fee, ``h_t``
        [BTC per TH/s per day], >= 0 (a difficulty path with its halvings:
        :func:`minerecon.economics.btc_mined_per_th`).
    cost_per_th : float or array-like of the same length
        Cost of running one TH/s on each day, ``c_t``, that switching off
        saves (energy) [USD per TH/s per day], >= 0.

    Returns
    -------
    MachineValue

    Notes
    -----
    With ``T_t = t / 365`` years and the continuous rate ``rho = ln(1 + r)``,

    ``V = sum_t h_t C(S_0, c_t / h_t, T_t)``, with ``C`` the Black-Scholes
    call at rate ``rho`` and volatility ``sigma``;

    ``V_on = sum_t (h_t S_0 - c_t exp(-rho T_t))``, since
    ``E[S_t] exp(-rho T_t) = S_0``. Day 0 is worth its intrinsic value.

    References
    ----------
    Yaish, A. and Zohar, A. (2023). Correct cryptocurrency ASIC pricing: are
    miners overpaying? *5th Conference on Advances in Financial Technologies
    (AFT 2023)*, LIPIcs 282, 2:1-2:25; arXiv:2002.11064.

    Examples
    --------
    One S21 XP TH/s (13.5 J/TH at 0.06 USD/kWh: 0.0194 USD a day) for a
    year at 88,235 USD/BTC, 4e-7 BTC per TH/s per day, 50 % volatility and
    a 4 % rate. Always on it is worth ``365 * 4e-7 * 88,235`` = 12.88 USD
    of BTC less 6.94 USD of discounted energy; switching off adds little
    while the strike (48,500 USD/BTC) is far below the price:

    >>> value = switch_off_value(88_235, 0.5, 0.04, [4e-7] * 365, 0.0194)
    >>> round(value.with_switch_off, 2), round(value.always_on, 2)
    (6.01, 5.94)
    """
    spot = _contract.check_scalar("btc_price", btc_price, low=0.0, low_open=True)
    sigma = _contract.check_scalar("volatility", volatility, low=0.0)
    annual = _contract.check_scalar("rate", rate, low=-1.0, low_open=True)
    reward = np.atleast_1d(_finite("btc_per_th", btc_per_th))
    if reward.ndim != 1 or reward.size == 0 or (reward < 0).any():
        raise ValueError(
            "btc_per_th must be a non-empty sequence of non-negative daily rewards "
            f"[BTC per TH/s per day], got shape {np.shape(btc_per_th)}"
        )
    cost = _finite("cost_per_th", cost_per_th)
    if cost.shape not in ((), reward.shape):
        raise ValueError(
            f"cost_per_th must be one cost or one per day ({reward.size}), got shape {cost.shape}"
        )
    cost = np.broadcast_to(cost, reward.shape)
    if (cost < 0).any():
        raise ValueError(f"cost_per_th must be >= 0 [USD per TH/s per day], got {cost.min()}")
    years = np.arange(reward.size) / DAYS_PER_YEAR
    rho = math.log1p(annual)
    # h C(S, c/h) = C(h S, c): a day is a call on its BTC revenue struck at its cost.
    daily = _call_price(reward * spot, cost, years, rho, sigma)
    always_on = float(np.sum(reward * spot - cost * np.exp(-rho * years)))
    return MachineValue(with_switch_off=float(daily.sum()), always_on=always_on, daily=daily)


def machine_values(
    network: NetworkState,
    power_price: float,
    *,
    volatility: float,
    rate: float,
    years: float = 3.0,
    miners: Sequence[str | Miner] | None = None,
    prices_per_th: Mapping[str, float] | None = None,
    pue: float = 1.0,
    pool_fee: float = 0.0,
    difficulty_growth: float = 0.0,
) -> pd.DataFrame:
    """What one TH/s of each machine is worth, with and without switching off.

    Each machine is valued by :func:`switch_off_value` on one protocol path:
    difficulty growing at ``difficulty_growth`` a year from today's, 144
    blocks a day, the subsidy halving at its heights, fees as today.

    Parameters
    ----------
    network : NetworkState
        Today: BTC price, difficulty, fees per block, height.
    power_price : float
        Power price [USD/kWh], >= 0.
    volatility : float
        Annualised BTC volatility [1/sqrt(year)], >= 0.
    rate : float
        Annual effective risk-free rate [-], > -1 (see :func:`switch_off_value`).
    years : float, default 3
        Life of the machine [year], in [1/365, 50] (at least a day).
    miners : sequence of str or Miner, optional
        Machines; the whole catalogue by default.
    prices_per_th : mapping of name to float, optional
        What a machine costs [USD per TH/s]; adds the price and the share by
        which it exceeds the value with switch-off.
    pue, pool_fee : float
        Power usage effectiveness [-], >= 1, and pool fee [-], in [0, 1).
    difficulty_growth : float, default 0
        Annual growth of difficulty [-], > -1 (no drift unless asked for).

    Returns
    -------
    pandas.DataFrame
        Per machine (index ``name``): ``efficiency_j_per_th``,
        ``value_usd_per_th`` (with switch-off), ``always_on_usd_per_th``,
        ``switch_off_premium_usd_per_th``, ``value_usd_per_unit`` and, with
        prices, ``price_usd_per_th`` and ``overpayment`` [-]; sorted by
        efficiency. ``attrs`` holds the inputs.

    Examples
    --------
    >>> from minerecon.network import NetworkState
    >>> today = NetworkState("2025-11-25", 925_008, 152.27e12, 88_235, 0.0273)
    >>> table = machine_values(today, 0.05, volatility=0.5, rate=0.04,
    ...                        miners=["Antminer S21 XP", "Antminer S19j Pro"])
    >>> table["value_usd_per_th"].round(1).to_dict()
    {'Antminer S21 XP': 20.5, 'Antminer S19j Pro': 8.2}
    """
    from minerecon.economics import btc_mined_per_th
    from minerecon.hardware import Miner, get_miner, list_miners
    from minerecon.network import NetworkState, block_subsidy

    if not isinstance(network, NetworkState):
        raise ValueError(
            f"network must be a minerecon.network.NetworkState, got {type(network).__name__}"
        )
    price = _contract.check_scalar("power_price", power_price, low=0.0, unit="[USD/kWh]")
    life = _contract.check_scalar(
        "years", years, low=1.0 / DAYS_PER_YEAR, high=50.0, unit="[year]"
    )
    growth = _contract.check_scalar(
        "difficulty_growth", difficulty_growth, low=-1.0, low_open=True
    )
    efficiency_factor = _contract.check_scalar("pue", pue, low=1.0) * 24.0 / 1000.0 * price
    names = list(list_miners().index) if miners is None else miners
    if (
        not isinstance(names, list | tuple)
        or not names
        or not all(isinstance(m, str | Miner) for m in names)
    ):
        raise ValueError(f"miners must be a non-empty sequence of names or Miners, got {miners!r}")
    try:
        machines = [m if isinstance(m, Miner) else get_miner(m) for m in names]
    except KeyError as error:
        raise _contract.UnknownNameError(f"miners: {error}") from None
    days = np.arange(round(life * DAYS_PER_YEAR))
    difficulty = network.difficulty * (1.0 + growth) ** (days / DAYS_PER_YEAR)
    subsidy = block_subsidy(network.height + BLOCKS_PER_DAY * days)
    reward = np.asarray(
        btc_mined_per_th(
            difficulty, fees_per_block=network.fees_per_block, subsidy=subsidy, pool_fee=pool_fee
        ),
        dtype=float,
    )
    rows = []
    for machine in machines:
        value = switch_off_value(
            network.btc_price, volatility, rate, reward, machine.efficiency * efficiency_factor
        )
        rows.append(
            {
                "name": machine.name,
                "efficiency_j_per_th": machine.efficiency,
                "value_usd_per_th": value.with_switch_off,
                "always_on_usd_per_th": value.always_on,
                "switch_off_premium_usd_per_th": value.switch_off_premium,
                "value_usd_per_unit": value.with_switch_off * machine.hashrate,
            }
        )
    table = pd.DataFrame(rows).set_index("name").sort_values("efficiency_j_per_th")
    if prices_per_th is not None:
        if not isinstance(prices_per_th, Mapping):
            raise ValueError(
                f"prices_per_th must be a mapping of machine name to USD per TH/s, "
                f"got {prices_per_th!r}"
            )
        unknown = sorted(set(prices_per_th) - set(table.index))
        if unknown:
            raise ValueError(f"prices_per_th names machines not valued here: {unknown}")
        paid = pd.Series(
            {
                name: _contract.check_scalar(f"prices_per_th[{name!r}]", value, low=0.0)
                for name, value in prices_per_th.items()
            },
            dtype=float,
        )
        table["price_usd_per_th"] = paid.reindex(table.index)
        table["overpayment"] = table["price_usd_per_th"] / table["value_usd_per_th"] - 1.0
    table.attrs = {
        "date": str(network.date.date()),
        "btc_price": network.btc_price,
        "difficulty": network.difficulty,
        "power_price": price,
        "volatility": volatility,
        "rate": rate,
        "years": life,
        "pue": pue,
        "pool_fee": pool_fee,
        "difficulty_growth": growth,
    }
    return table
