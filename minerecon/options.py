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
from collections.abc import Mapping
from typing import Literal

import numpy as np
import numpy.typing as npt

from minerecon import _contract
from minerecon.typing import ArrayLike, FloatArray

__all__ = ["ContinuationFit", "ExercisePolicy", "PolicyValue", "longstaff_schwartz"]

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
    """The fitted value of waiting at one exercise date.

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
        Empty when too few paths were eligible to fit (``n_paths`` below
        the number of terms); then no path acts at this date.
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
        x = (_as_matrix("state", state) - self.center) / self.scale
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
        matrix = _as_matrix("state", state)
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
        conservative).
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
    """

    in_sample: PolicyValue
    out_of_sample: PolicyValue | None
    continuation: tuple[ContinuationFit, ...]
    discount: FloatArray
    itm_only: bool

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
                paths.exercise_value[:, date], fit.predict(paths.state[:, date]), self.itm_only
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
        if values.ndim != 2 or values.shape[0] < 2 or values.shape[1] < 1:
            raise ValueError(
                "exercise_value must be an array of paths x exercise dates with at least "
                f"2 paths and 1 date, got shape {values.shape}"
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


def _as_matrix(name: str, state: ArrayLike) -> FloatArray:
    matrix = np.asarray(state, dtype=float)
    return matrix[:, None] if matrix.ndim == 1 else matrix


def _acts(exercise: FloatArray, continuation: FloatArray, itm_only: bool) -> npt.NDArray[np.bool_]:
    acts = exercise > continuation
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
        std_error=float(path_values.std(ddof=1) / np.sqrt(n_paths)),
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
    unfitted = ContinuationFit(basis, powers, center, scale, np.empty(0), state.shape[0])
    if state.shape[0] < len(powers):
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
      ``C_j`` is the regression of ``W_j`` on the basis terms of ``x_j``;
    - ``V_j = income_j + (E_j if it acts else W_j)``;
    - ``W_{j-1} = discount_j * V_j``.

    The value is the mean of ``W_0`` over paths. Paths whose regression at a
    date has fewer eligible paths than basis terms do not act there.

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
    if not isinstance(itm_only, bool | np.bool_):
        raise ValueError(f"itm_only must be True or False, got {itm_only!r}")
    factors = _discount_factors(discount, n_dates)

    exercise_date = np.full(n_paths, -1, dtype=np.int64)
    waiting_value = paths.terminal.copy()  # W_j: value at date j of not acting at j
    fits: list[ContinuationFit] = []
    for date in range(n_dates - 1, -1, -1):
        exercise = paths.exercise_value[:, date]
        eligible = exercise > 0 if itm_only else np.ones(n_paths, dtype=bool)
        fit = _fit(paths.state[eligible, date], waiting_value[eligible], basis, degree)
        fits.append(fit)
        acts = _acts(exercise, fit.predict(paths.state[:, date]), itm_only)
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
