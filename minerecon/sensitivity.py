"""Sensitivity analysis: one-at-a-time tornado, Morris screening, Sobol indices.

Every method takes a model as a callable ``func(**params)`` that returns one
number (or a dict / xarray Dataset of numbers, one chosen with ``output``).
The core functions of minerecon qualify as they are, since they broadcast
arrays (``economics.margin_per_th``, ``economics.breakeven_btc_price``,
...); :func:`scenario_function` turns a Monte Carlo
:class:`~minerecon.projection.MiningScenario`, or a site split valued with
:func:`minerecon.scenario.compare`, into one.

How a model is evaluated
------------------------
A method first calls ``func`` once with one array per parameter (all the
points of the design at once) and keeps the result if it has one value per
point and its first value equals a call with plain floats. Otherwise (the
call fails, returns one number, or disagrees) ``func`` is wrapped with
:class:`numpy.vectorize`, which calls it once per point in a Python loop:
correct, but as slow as ``func`` times the number of points. A callable
with the attribute ``vectorized = False`` (as :func:`scenario_function`
returns) goes straight to the loop; ``vectorized=True`` skips the check.

The estimators are those of SciPy (:func:`scipy.stats.sobol_indices`,
Saltelli 2010 for first-order and Jansen 1999 for total indices) and SALib
(Morris elementary effects; Saltelli / Sobol' with Jansen's estimators);
none is written here.

References
----------
A. Saltelli et al., *Global Sensitivity Analysis. The Primer*, Wiley (2008).
M. D. Morris, "Factorial sampling plans for preliminary computational
experiments", Technometrics 33 (1991) 161-174.
J. Herman and W. Usher, "SALib: An open-source Python library for
sensitivity analysis", Journal of Open Source Software 2 (2017) 97.
"""

from __future__ import annotations

import dataclasses
import numbers
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pandas as pd
import xarray as xr

from minerecon import _random, risk
from minerecon._contract import MinereconWarning, check, check_scalar
from minerecon.typing import SeedLike

if TYPE_CHECKING:
    from minerecon.projection import MiningScenario, SimulationResult
    from minerecon.scenario import Site, SiteComparison, Split
    from minerecon.valuation import Valuation

__all__ = [
    "decision_tornado",
    "morris",
    "scenario_function",
    "sobol",
    "tornado",
]

_INSTALL_HINT = (
    "SALib is needed for this method: pip install minerecon[sensitivity] (or pip install SALib)"
)

#: Statistics :func:`scenario_function` can return, with their units.
STATISTICS = {
    "mean_npv": "Mean NPV [USD]",
    "median_npv": "Median NPV [USD]",
    "p5_npv": "5th percentile of NPV [USD]",
    "p95_npv": "95th percentile of NPV [USD]",
    "std_npv": "Standard deviation of NPV [USD]",
    "probability_of_loss": "Probability of loss (NPV < 0) [-]",
    "expected_shortfall_95": "Expected shortfall of NPV at 95 % [USD]",
    "median_irr": "Median IRR [1/year]",
    "mean_btc_mined": "Mean BTC mined [BTC]",
    "median_payback_days": "Median payback [days]",
    "mean_npv_gain": "Mean NPV gain over pure mining [USD]",
    "mean_equity_npv_gain": "Mean equity NPV gain over pure mining [USD]",
    "probability_beats_pure_mining": "Probability the split beats pure mining [-]",
}

#: Points of a Morris or Sobol' design at most: 2**26 points of a few parameters
#: already take gigabytes, and a larger design would run for days.
MAX_POINTS = 2**26
#: Bootstrap resamples at most (the resamples are held in memory at once).
MAX_RESAMPLES = 100_000

# Fields of the scenario that compare() replaces by the site's.
_SITE_FIELDS = ("fleet", "power_price", "power_price_escalation", "pue", "pool_fee")


# --------------------------------------------------------------------------
# Validation and evaluation
# --------------------------------------------------------------------------


def _check_bounds(bounds: Any, name: str = "bounds") -> dict[str, tuple[float, float]]:
    if not isinstance(bounds, Mapping) or not bounds:
        raise ValueError(
            f"{name} must be a non-empty dict of parameter name to (low, high), got {bounds!r}"
        )
    out = {}
    for key, pair in bounds.items():
        if not isinstance(key, str):
            raise ValueError(f"{name}: parameter names must be strings, got {key!r}")
        try:
            low, high = pair
        except (TypeError, ValueError):
            raise ValueError(f"{name}[{key!r}] must be a pair (low, high), got {pair!r}") from None
        low = check(f"{name}[{key!r}] low", low)
        high = check(f"{name}[{key!r}] high", high)
        if not (np.ndim(low) == 0 and np.ndim(high) == 0):
            raise ValueError(f"{name}[{key!r}] must hold two numbers, got {pair!r}")
        if not (np.isfinite(low) and np.isfinite(high)) or not low < high:
            raise ValueError(
                f"{name}[{key!r}] must have finite low < high, got low={low:g}, high={high:g}"
            )
        out[key] = (float(low), float(high))
    return out


def _check_whole(name: str, value: int, low: int, high: int | None = None) -> int:
    # numpy registers timedelta64 as an Integral: it is a duration, not a count.
    if (
        isinstance(value, bool | np.bool_ | np.timedelta64)
        or not isinstance(value, numbers.Integral)
        or value < low
    ):
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be a whole number <= {high:,}, got {value!r}")
    return int(value)


def _check_model(func: Any, fixed: Any, vectorized: Any) -> dict[str, Any]:
    """The arguments every method shares; returns ``fixed`` as a dict."""
    if not callable(func):
        raise TypeError(f"func must be a callable model func(**params), got {type(func).__name__}")
    if fixed is not None and not isinstance(fixed, Mapping):
        raise ValueError(f"fixed must be a dict of keyword arguments of func, got {fixed!r}")
    if vectorized is not None and not isinstance(vectorized, bool):
        raise ValueError(f"vectorized must be True, False or None, got {vectorized!r}")
    return dict(fixed or {})


def _check_design(name: str, points: int) -> None:
    if points > MAX_POINTS:
        raise ValueError(
            f"{name} gives a design of {points:,} model runs, above the limit of "
            f"{MAX_POINTS:,} (sensitivity.MAX_POINTS): lower {name}"
        )


def _pick(out: Any, output: Any) -> Any:
    """The chosen output of a model call, as an array or a number."""
    if output is not None:
        if not isinstance(out, Mapping | xr.Dataset):
            raise ValueError(
                f"output {output!r} chooses among a model's outputs, but it returns one "
                f"({type(out).__name__}), not a dict or Dataset"
            )
        try:
            out = out[output]
        except (KeyError, IndexError, TypeError):
            keys = list(out.keys()) if hasattr(out, "keys") else type(out).__name__
            raise ValueError(
                f"output {output!r} is not among the model's outputs: {keys}"
            ) from None
    elif isinstance(out, Mapping | xr.Dataset):
        raise ValueError(
            f"the model returns several outputs {list(out.keys())}; choose one with output="
        )
    if isinstance(out, xr.DataArray | pd.Series):
        out = out.to_numpy()
    return out


def _evaluate(
    func: Callable[..., Any],
    columns: dict[str, np.ndarray],
    fixed: Mapping[str, Any],
    output: Any,
    vectorized: bool | None,
) -> tuple[np.ndarray, bool]:
    """Outputs of ``func`` at ``len(columns[*])`` points, one float each, and
    whether one vectorised call gave them."""
    size = len(next(iter(columns.values())))
    if vectorized is None:
        vectorized = getattr(func, "vectorized", None)

    def scalar(i: int) -> float:
        point = {name: float(values[i]) for name, values in columns.items()}
        return float(np.asarray(_pick(func(**fixed, **point), output), dtype=float))

    if vectorized is not False:
        out = None
        try:
            raw = func(**fixed, **columns)
        except Exception:
            if vectorized:
                raise
        else:
            picked = _pick(raw, output)  # a wrong output name raises here
            try:
                out = np.asarray(picked, dtype=float)
            except (TypeError, ValueError):
                if vectorized:
                    raise
        if out is not None and out.shape == (size,):
            if vectorized or np.allclose(out[0], scalar(0), rtol=1e-9, atol=0, equal_nan=True):
                return out, True
        elif vectorized:
            assert out is not None  # with vectorized set, a failed call or conversion raised
            raise ValueError(
                f"func must return one value per point (shape ({size},)) when "
                f"vectorized=True, got shape {np.shape(out)}"
            )
    # Fallback: numpy.vectorize calls func once per point (a Python loop).
    looped = np.vectorize(scalar, otypes=[float])
    return looped(np.arange(size)), False


def _warn_if_constant(values: np.ndarray, label: str) -> None:
    """Indices of an output that does not move are 0 or nan and mean nothing: say so."""
    if values.size and np.ptp(values) == 0:
        warnings.warn(
            f"{label} does not vary over the ranges given (always {values.flat[0]:g}): "
            "its sensitivity indices are 0 or nan and say nothing about the parameters",
            MinereconWarning,
            stacklevel=3,
        )


def _rng_seed(seed: Any) -> np.random.SeedSequence:
    return _random.seed_sequence(seed)


def _int_seed(seq: np.random.SeedSequence, word: int = 0) -> int:
    return int(seq.generate_state(word + 1)[word] & 0x7FFFFFFF)


# --------------------------------------------------------------------------
# Tornado
# --------------------------------------------------------------------------


def tornado(
    func: Callable[..., object],
    base: Mapping[str, object],
    ranges: Mapping[str, tuple[float, float]],
    *,
    output: str | None = None,
    vectorized: bool | None = None,
) -> pd.DataFrame:
    """One-at-a-time sensitivity: each parameter at its low and high value.

    Parameters
    ----------
    func : callable
        The model, ``func(**params)`` returning a number, or a dict / xarray
        Dataset of numbers (see ``output``).
    base : dict
        The base case: keyword arguments of ``func`` held at these values
        while another parameter moves [units of each parameter].
    ranges : dict of str to (float, float)
        Low and high value of each parameter varied, ``low < high`` [units
        of the parameter]. A parameter missing from ``base`` takes its base
        value from ``func.current(name)`` when ``func`` has that method (as
        :func:`scenario_function` does).
    output : str, optional
        Which output to use when ``func`` returns a dict or Dataset.
    vectorized : bool, optional
        Whether ``func`` broadcasts arrays; by default tried and checked
        (see :mod:`minerecon.sensitivity`). The ``2k + 1`` evaluations of
        ``k`` parameters are one call when it does.

    Returns
    -------
    pandas.DataFrame
        One row per parameter (index ``parameter``), largest swing first:
        ``low_value``, ``base_value``, ``high_value`` [units of the
        parameter], ``output_low``, ``output_high`` (the output with the
        parameter at its low or high value and the others at base),
        ``swing`` (``|output_high - output_low|``) and ``base_output``
        [units of the output]. ``attrs["output"]`` names the output.

    Notes
    -----
    The swing measures a parameter alone; it misses interactions and
    depends on the ranges chosen. :func:`sobol` accounts for both.

    Examples
    --------
    Margin of an S21 XP (13.5 J/TH) at difficulty 150 T:

    >>> from minerecon import economics
    >>> base = {"btc_price": 90_000, "difficulty": 150e12, "efficiency": 13.5,
    ...         "power_price": 0.05, "pool_fee": 0.02}
    >>> table = tornado(economics.margin_per_th, base,
    ...                 {"btc_price": (60_000, 120_000), "power_price": (0.03, 0.08),
    ...                  "pool_fee": (0.0, 0.03)})
    >>> table.index.tolist()
    ['btc_price', 'power_price', 'pool_fee']

    One TH/s earns ``86400e12 * 3.125 / (150e12 * 2**32)`` = 4.191e-10 BTC a
    day, so 60,000 USD/BTC of range moves the margin by 4.191e-10 * 60,000 *
    0.98 USD/TH/day:

    >>> round(float(table.loc["btc_price", "swing"]) * 1000, 2)   # USD per PH/s per day
    24.64
    """
    if not isinstance(base, Mapping):
        raise ValueError(f"base must be a dict of parameter values, got {base!r}")
    _check_model(func, None, vectorized)
    ranges = _check_bounds(ranges, "ranges")
    current = getattr(func, "current", None)
    base_values = {}
    for name in ranges:
        if name in base:
            base_values[name] = check_scalar(f"base[{name!r}]", base[name])
        elif callable(current):
            base_values[name] = current(name)
        else:
            raise ValueError(f"base must give a value for {name!r}, a parameter of ranges")
    names = list(ranges)
    size = 2 * len(names) + 1
    columns = {}
    for index, name in enumerate(names):
        column = np.full(size, float(base_values[name]))
        column[2 * index + 1], column[2 * index + 2] = ranges[name]
        columns[name] = column
    fixed = {key: value for key, value in base.items() if key not in ranges}
    out, _ = _evaluate(func, columns, fixed, output, vectorized)
    low, high = out[1::2], out[2::2]
    table = pd.DataFrame(
        {
            "low_value": [ranges[n][0] for n in names],
            "base_value": [float(base_values[n]) for n in names],
            "high_value": [ranges[n][1] for n in names],
            "output_low": low,
            "output_high": high,
            "swing": np.abs(high - low),
            "base_output": out[0],
        },
        index=pd.Index(names, name="parameter"),
    )
    table = table.sort_values("swing", ascending=False, kind="stable")
    table.attrs["output"] = _label(func, output)
    return table


def _label(func: Callable[..., Any], output: Any) -> str:
    if output is not None:
        return str(output)
    name = str(getattr(func, "label", getattr(func, "__name__", "output")))
    return "output" if name.startswith("<") else name  # a lambda's name says nothing


# --------------------------------------------------------------------------
# Morris
# --------------------------------------------------------------------------


def morris(
    func: Callable[..., object],
    bounds: Mapping[str, tuple[float, float]],
    *,
    trajectories: int = 20,
    levels: int = 4,
    seed: SeedLike = None,
    output: str | None = None,
    fixed: Mapping[str, object] | None = None,
    vectorized: bool | None = None,
) -> pd.DataFrame:
    """Morris elementary-effects screening (SALib).

    Parameters
    ----------
    func : callable
        The model, ``func(**params)``; see :func:`tornado`.
    bounds : dict of str to (float, float)
        Range of each parameter, ``low < high`` [units of the parameter],
        sampled uniformly on a grid of ``levels`` values.
    trajectories : int, default 20
        Number of trajectories ``r``, >= 2; the model runs ``r (k + 1)``
        times for ``k`` parameters, at most ``MAX_POINTS``.
    levels : int, default 4
        Grid levels per parameter ``p``, an even number >= 2.
    seed : int, SeedSequence or Generator, optional
        Seed of the sample and of the bootstrap of ``mu_star_conf``.
    output : str, optional
        Which output to use when ``func`` returns a dict or Dataset.
    fixed : dict, optional
        Other keyword arguments of ``func``, held fixed.
    vectorized : bool, optional
        Whether ``func`` broadcasts arrays; see :func:`tornado`.

    Returns
    -------
    pandas.DataFrame
        One row per parameter (index ``parameter``), largest ``mu_star``
        first: ``mu`` (mean elementary effect), ``mu_star`` (mean absolute
        elementary effect), ``sigma`` (standard deviation of the effects:
        non-linearity and interaction) and ``mu_star_conf`` (half-width of
        the 95 % bootstrap interval of ``mu_star``), in units of the output.
        SALib differences the inputs scaled to the unit interval, so an
        effect is the change of the output over the whole range of the
        parameter (for a linear model, its coefficient times the range).

    Raises
    ------
    ImportError
        If SALib is not installed (``pip install minerecon[sensitivity]``).

    Examples
    --------
    >>> f = lambda x, y: 10 * x + y
    >>> table = morris(f, {"x": (0, 2), "y": (0, 1)}, trajectories=10, seed=1)
    >>> table.index.tolist(), table["mu_star"].round(2).tolist()   # 10 * 2, 1 * 1
    (['x', 'y'], [20.0, 1.0])
    """
    try:
        from SALib.analyze import morris as analyze
        from SALib.sample import morris as sample
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error
    fixed = _check_model(func, fixed, vectorized)
    bounds = _check_bounds(bounds)
    trajectories = _check_whole("trajectories", trajectories, 2, MAX_POINTS)
    _check_design("trajectories", trajectories * (len(bounds) + 1))
    levels = _check_whole("levels", levels, 2, MAX_POINTS)
    if levels % 2:
        raise ValueError(f"levels must be even, got {levels}")
    names = list(bounds)
    problem = {"num_vars": len(names), "names": names, "bounds": [bounds[n] for n in names]}
    root = _rng_seed(seed)
    x = sample.sample(problem, trajectories, num_levels=levels, seed=_int_seed(root, 0))
    y, _ = _evaluate(func, dict(zip(names, x.T, strict=True)), fixed, output, vectorized)
    _warn_if_constant(y, _label(func, output))
    result = analyze.analyze(problem, x, y, num_levels=levels, seed=_int_seed(root, 1))
    table = pd.DataFrame(
        {
            key: np.asarray(result[key], float)
            for key in ("mu", "mu_star", "sigma", "mu_star_conf")
        },
        index=pd.Index(names, name="parameter"),
    )
    table = table.sort_values("mu_star", ascending=False, kind="stable")
    table.attrs["output"] = _label(func, output)
    return table


# --------------------------------------------------------------------------
# Sobol
# --------------------------------------------------------------------------


def sobol(
    func: Callable[..., object],
    bounds: Mapping[str, tuple[float, float]],
    *,
    n: int = 1024,
    seed: SeedLike = None,
    method: Literal["scipy", "salib"] = "scipy",
    confidence_level: float = 0.95,
    n_resamples: int = 999,
    output: str | None = None,
    fixed: Mapping[str, object] | None = None,
    vectorized: bool | None = None,
) -> pd.DataFrame:
    """Sobol' first-order and total indices over independent uniform inputs.

    Parameters
    ----------
    func : callable
        The model, ``func(**params)``; see :func:`tornado`. It receives
        arrays of shape ``(N,)`` per parameter when it broadcasts.
    bounds : dict of str to (float, float)
        Range of each parameter, ``low < high`` [units of the parameter];
        inputs are independent and uniform on their ranges.
    n : int, default 1024
        Base sample size, a power of 2 >= 4; the model runs ``n (k + 2)``
        times for ``k`` parameters, at most ``MAX_POINTS``.
    seed : int, SeedSequence or Generator, optional
        Seed of the (scrambled Sobol') sample and of the bootstrap.
    method : {"scipy", "salib"}, default "scipy"
        :func:`scipy.stats.sobol_indices` with a BCa bootstrap of the
        indices, or SALib's ``sample.sobol`` and ``analyze.sobol`` (needs
        SALib) with its percentile bootstrap.
    confidence_level : float, default 0.95
        Level of the confidence intervals [-], in (0, 1).
    n_resamples : int, default 999
        Bootstrap resamples; 0 skips the confidence intervals (their
        columns are then nan). SciPy's BCa interval also runs a jackknife
        whose cost grows as ``n**2`` (about 1 s at ``n = 4096`` for three
        inputs), so skip it for large ``n``. At most ``MAX_RESAMPLES``.
    output : str, optional
        Which output to use when ``func`` returns a dict or Dataset.
    fixed : dict, optional
        Other keyword arguments of ``func``, held fixed.
    vectorized : bool, optional
        Whether ``func`` broadcasts arrays; see :mod:`minerecon.sensitivity`.

    Returns
    -------
    pandas.DataFrame
        One row per parameter (index ``parameter``, in the order of
        ``bounds``): ``first_order`` and ``total`` [-], and the bounds of
        their confidence intervals ``first_order_low``,
        ``first_order_high``, ``total_low``, ``total_high`` [-].
        ``attrs`` holds ``method``, ``n``, ``evaluations`` and
        ``confidence_level``.

    Notes
    -----
    With output variance :math:`V`, the first-order index of input
    :math:`i` is :math:`S_i = V[E(Y | X_i)] / V` (the share of the variance
    :math:`X_i` explains alone) and the total index
    :math:`S_{Ti} = E[V(Y | X_{\\sim i})] / V` (its share including all
    interactions). ``total - first_order`` measures interactions; an input
    with ``total`` near 0 can be fixed anywhere in its range. Estimates can
    fall slightly below 0 or above 1 by sampling error.

    SciPy's bootstrap draws from numpy's global generator; it is seeded from
    ``seed`` and the global state restored afterwards.

    Examples
    --------
    The output is the sum of a term in ``x`` alone and a tenfold smaller one
    in ``y`` (variances 100 : 1):

    >>> table = sobol(lambda x, y: 10 * x + y, {"x": (0, 1), "y": (0, 1)}, n=256, seed=1)
    >>> table[["first_order", "total"]].round(2).to_numpy().tolist()
    [[0.99, 0.99], [0.01, 0.01]]
    """
    fixed = _check_model(func, fixed, vectorized)
    bounds = _check_bounds(bounds)
    n = _check_whole("n", n, 4, MAX_POINTS)
    if n & (n - 1):
        raise ValueError(f"n must be a power of 2, got {n}")
    _check_design("n", n * (len(bounds) + 2))
    confidence_level = check_scalar(
        "confidence_level", confidence_level, low=0, high=1, low_open=True, high_open=True
    )
    n_resamples = _check_whole("n_resamples", n_resamples, 0, MAX_RESAMPLES)
    if n_resamples == 1:
        raise ValueError("n_resamples must be 0 (no confidence intervals) or >= 2, got 1")
    if not isinstance(method, str) or method not in ("scipy", "salib"):
        raise ValueError(f"method must be 'scipy' or 'salib', got {method!r}")
    names = list(bounds)
    root = _rng_seed(seed)
    run = _sobol_scipy if method == "scipy" else _sobol_salib
    columns, evaluations = run(
        func, bounds, names, n, root, confidence_level, n_resamples, output, fixed, vectorized
    )
    table = pd.DataFrame(columns, index=pd.Index(names, name="parameter"))
    table.attrs.update(
        method=method,
        n=n,
        evaluations=evaluations,
        confidence_level=float(confidence_level),
        output=_label(func, output),
    )
    return table


def _sobol_scipy(
    func: Callable[..., object],
    bounds: Mapping[str, tuple[float, float]],
    names: list[str],
    n: int,
    root: np.random.SeedSequence,
    confidence_level: float,
    n_resamples: int,
    output: str | None,
    fixed: Mapping[str, object],
    vectorized: bool | None,
) -> tuple[dict[str, np.ndarray], int]:
    from scipy import stats

    mode = {"vectorized": vectorized}

    seen: list[np.ndarray] = []

    def model(x: np.ndarray) -> np.ndarray:
        # SciPy calls this three times (A, B, then the mixed matrices); the
        # first call decides between one vectorised call and the loop.
        columns = dict(zip(names, x, strict=True))
        out, was_vectorized = _evaluate(func, columns, fixed, output, mode["vectorized"])
        mode["vectorized"] = was_vectorized
        seen.append(out)
        return out[np.newaxis]

    dists = [stats.uniform(loc=low, scale=high - low) for low, high in bounds.values()]
    result = stats.sobol_indices(
        func=model, n=n, dists=dists, rng=np.random.default_rng(_int_seed(root, 3))
    )
    _warn_if_constant(np.concatenate(seen), _label(func, output))
    columns = {
        "first_order": np.asarray(result.first_order, float).ravel(),
        "total": np.asarray(result.total_order, float).ravel(),
    }
    nan = np.full(len(names), np.nan)
    columns.update(first_order_low=nan, first_order_high=nan, total_low=nan, total_high=nan)
    if n_resamples:
        # SciPy's bootstrap takes no generator: it draws from numpy's global state.
        state = np.random.get_state()  # noqa: NPY002
        np.random.seed(_int_seed(root, 2))  # noqa: NPY002
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                boot = result.bootstrap(confidence_level=confidence_level, n_resamples=n_resamples)
        finally:
            np.random.set_state(state)  # noqa: NPY002
        for key, part in (("first_order", boot.first_order), ("total", boot.total_order)):
            columns[f"{key}_low"] = np.ravel(part.confidence_interval.low)
            columns[f"{key}_high"] = np.ravel(part.confidence_interval.high)
    return columns, n * (len(names) + 2)


def _sobol_salib(
    func: Callable[..., object],
    bounds: Mapping[str, tuple[float, float]],
    names: list[str],
    n: int,
    root: np.random.SeedSequence,
    confidence_level: float,
    n_resamples: int,
    output: str | None,
    fixed: Mapping[str, object],
    vectorized: bool | None,
) -> tuple[dict[str, np.ndarray], int]:
    try:
        from SALib.analyze import sobol as analyze
        from SALib.sample import sobol as sample
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error
    problem = {"num_vars": len(names), "names": names, "bounds": [bounds[k] for k in names]}
    x = sample.sample(problem, n, calc_second_order=False, seed=_int_seed(root, 0))
    y, _ = _evaluate(func, dict(zip(names, x.T, strict=True)), fixed, output, vectorized)
    _warn_if_constant(y, _label(func, output))
    result = analyze.analyze(
        problem,
        y,
        calc_second_order=False,
        num_resamples=max(n_resamples, 2),
        conf_level=confidence_level,
        seed=_int_seed(root, 1),
    )
    s1, st = np.asarray(result["S1"], float), np.asarray(result["ST"], float)
    s1_conf, st_conf = np.asarray(result["S1_conf"], float), np.asarray(result["ST_conf"], float)
    if not n_resamples:
        s1_conf = st_conf = np.full(len(names), np.nan)
    columns = {
        "first_order": s1,
        "total": st,
        "first_order_low": s1 - s1_conf,
        "first_order_high": s1 + s1_conf,
        "total_low": st - st_conf,
        "total_high": st + st_conf,
    }
    return columns, len(y)


# --------------------------------------------------------------------------
# Scenario wrapper
# --------------------------------------------------------------------------


def _replace(obj: Any, path: list[str], value: Any, name: str, where: str) -> Any:
    """A copy of ``obj`` with the dotted ``path`` set to ``value``."""
    head, rest = path[0], path[1:]
    if isinstance(obj, tuple) and head.isdigit():
        index = int(head)
        if index >= len(obj):
            raise ValueError(
                f"unknown parameter {name!r}: {where} has {len(obj)} items, no item {index}"
            )
        child = obj[index]
        new = value if not rest else _replace(child, rest, value, name, f"{where}.{head}")
        return (*obj[:index], new, *obj[index + 1 :])
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        hint = " (the default model); give the scenario a model" if obj is None else ""
        raise ValueError(
            f"unknown parameter {name!r}: {where} is {type(obj).__name__}{hint}, "
            f"which has no field {head!r}"
        )
    fields = [f.name for f in dataclasses.fields(obj) if f.init and f.name != "calibration"]
    if head not in fields:
        raise ValueError(
            f"unknown parameter {name!r}: {where} ({type(obj).__name__}) has no field "
            f"{head!r}; fields are {fields}"
        )
    child = getattr(obj, head)
    if rest:
        new = _replace(child, rest, value, name, f"{where}.{head}")
    elif isinstance(child, bool):
        raise ValueError(f"parameter {name!r} is a switch (bool), not a number to vary")
    elif isinstance(child, numbers.Integral):
        new = round(float(value))
    else:
        new = float(value) if np.ndim(value) == 0 else value
    return dataclasses.replace(obj, **{head: new})


def _lookup(obj: Any, path: list[str], name: str, where: str) -> Any:
    for part in path:
        if isinstance(obj, tuple) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        elif dataclasses.is_dataclass(obj) and part in {f.name for f in dataclasses.fields(obj)}:
            obj = getattr(obj, part)
        else:
            raise ValueError(f"unknown parameter {name!r}: {where} has no field {part!r}")
        where = f"{where}.{part}"
    return obj


def scenario_function(
    scenario: MiningScenario,
    statistic: str
    | Callable[[SimulationResult], float]
    | Callable[[SiteComparison], float] = "mean_npv",
    *,
    n_paths: int = 200,
    seed: SeedLike = 0,
    site: Site | None = None,
    split: Split | None = None,
    valuation: Valuation | None = None,
    **run: Any,
) -> Callable[..., float]:
    """A model ``f(**params)`` for the sensitivity methods, from a Monte Carlo scenario.

    Parameters
    ----------
    scenario : MiningScenario
        The base case. Parameters are fields of it, by dotted name into its
        models: ``"power_price"``, ``"pool_fee"``, ``"discount_rate"``,
        ``"price.volatility"``, ``"hashrate.cost_hashprice"``,
        ``"start.btc_price"``, ``"fleet.0.capex_per_unit"`` (item 0 of the
        fleet), ... in the units of each field. Whole-number fields
        (``days``) are rounded.
    statistic : str or callable, default "mean_npv"
        What ``f`` returns: a name of :data:`STATISTICS` (``"mean_npv"``,
        ``"median_npv"``, ``"p5_npv"``, ``"p95_npv"``, ``"std_npv"`` [USD],
        ``"probability_of_loss"`` [-], ``"expected_shortfall_95"`` [USD],
        ``"median_irr"`` [1/year, over paths with an IRR],
        ``"mean_btc_mined"`` [BTC], ``"median_payback_days"`` [days; with a
        site, ``median_payback_months``], and with a split
        ``"mean_npv_gain"`` and ``"mean_equity_npv_gain"`` [USD, split
        minus pure mining, path by path; the equity version counts the
        financing] and ``"probability_beats_pure_mining"`` [-]); or a
        callable of the
        :class:`~minerecon.projection.SimulationResult` (with a site: of
        the :class:`~minerecon.scenario.SiteComparison`) returning a float.
    n_paths : int, default 200
        Paths per evaluation, >= 1.
    seed : int, SeedSequence or Generator, optional
        Seed used for every evaluation, so that all of them see the same
        random paths (common random numbers) and differences between
        parameter values are not noise. ``None`` draws one seed when the
        function is made and keeps it.
    site : Site, optional
        Value a site with :func:`minerecon.scenario.compare` instead; the
        statistic is that of the split (pure mining without one).
        Parameters ``"site.<field>"`` and ``"split.<field>"`` (e.g.
        ``"site.power_price"``, ``"split.fraction"``,
        ``"split.hosting.rate"``) then move the site and the split; the
        scenario's fleet and costs are the site's, so ``"power_price"``,
        ``"pue"``, ``"pool_fee"`` ... must be given as ``"site.*"``.
    split : Split, optional
        The alternative to pure mining valued with ``site``.
    valuation : Valuation, optional
        How the site is valued (:class:`minerecon.valuation.Valuation`);
        parameters ``"valuation.<field>"`` (``"valuation.hosting_rate"``,
        ``"valuation.financing.loan_to_cost"``) move it.
    **run
        Passed to :func:`~minerecon.projection.simulate` or
        :func:`~minerecon.scenario.compare` (``chunk_size``, ``threads``,
        ``contract_tail``, ...).

    Returns
    -------
    callable
        ``f(**params) -> float``. It takes scalars only (``f.vectorized``
        is ``False``; the methods loop over points). ``f.current(name)``
        returns the base value of a parameter, ``f.label`` the statistic
        with its unit. Unknown names raise ``ValueError`` naming them.

    Examples
    --------
    >>> from minerecon.hardware import Deployment
    >>> from minerecon.network import NetworkState
    >>> from minerecon.price import GBM
    >>> from minerecon.projection import MiningScenario
    >>> state = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.0)
    >>> scenario = MiningScenario(Deployment("Antminer S21 XP", 100), start=state,
    ...                           days=60, price=GBM(drift=0.0, volatility=0.5))
    >>> f = scenario_function(scenario, "mean_npv", n_paths=20, seed=1)
    >>> f.current("price.volatility"), f() == f(power_price=0.05)
    (0.5, True)
    >>> f(power_price=0.04) > f(power_price=0.06)
    True
    """
    from minerecon import projection
    from minerecon import scenario as sites

    if not isinstance(scenario, projection.MiningScenario):
        raise ValueError(f"scenario must be a MiningScenario, got {type(scenario).__name__}")
    if site is None and split is not None:
        raise ValueError("split needs a site: give site= as well")
    if site is not None and not isinstance(site, sites.Site):
        raise ValueError(f"site must be a minerecon.scenario.Site, got {type(site).__name__}")
    if split is not None and not isinstance(split, sites.Split):
        raise ValueError(f"split must be a minerecon.scenario.Split, got {type(split).__name__}")
    if valuation is not None and site is None:
        raise ValueError("valuation needs a site: give site= as well")
    n_paths = _check_whole("n_paths", n_paths, 1)
    if isinstance(statistic, str):
        valid = _valid_statistics(site is not None, split is not None)
        if statistic not in valid:
            # A gain compares a split with pure mining: name what it lacks.
            lacking = ""
            if statistic in _GAINS:
                lacking = "; it compares a split with pure mining: give site= and split="
            raise ValueError(
                f"statistic must be one of {valid} or a callable, got {statistic!r}{lacking}"
            )
    elif not callable(statistic):
        raise ValueError(f"statistic must be a name or a callable, got {statistic!r}")
    root = _random.seed_sequence(seed)
    roots: dict[str, Any] = (
        {"site": site, "split": split, "valuation": valuation} if site is not None else {}
    )

    def locate(name: str) -> tuple[str, list[str]]:
        if not isinstance(name, str) or not name or any(not p for p in name.split(".")):
            raise ValueError(f"unknown parameter {name!r}: give a dotted field name")
        parts = name.split(".")
        if parts[0] in roots and len(parts) > 1:
            if roots[parts[0]] is None:
                raise ValueError(f"unknown parameter {name!r}: no {parts[0]} was given")
            return parts[0], parts[1:]
        if site is not None and parts[0] in _SITE_FIELDS:
            raise ValueError(
                f"parameter {name!r} is set by the site in a site comparison; "
                f"vary 'site.{'mining_pue' if parts[0] == 'pue' else parts[0]}' instead"
            )
        return "scenario", parts

    def current(name: str) -> Any:
        where, path = locate(name)
        obj = scenario if where == "scenario" else roots[where]
        return _lookup(obj, path, name, where)

    def f(**params: Any) -> float:
        objects: dict[str, Any] = {"scenario": scenario, **roots}
        for name, value in params.items():
            if np.ndim(value) != 0:
                raise ValueError(
                    f"parameter {name!r} must be a single number for a scenario function, "
                    f"got shape {np.shape(value)}"
                )
            where, path = locate(name)
            objects[where] = _replace(objects[where], path, value, name, where)
        if site is None:
            # Every path kept: the statistic (a quantile too) is over all of them.
            kept = {"keep_paths": n_paths} | run
            result = projection.simulate(objects["scenario"], n_paths, seed=root, **kept)
            return _mining_statistic(result, statistic)
        comparison = sites.compare(
            objects["site"],
            [] if split is None else [objects["split"]],
            scenario=objects["scenario"],
            n_paths=n_paths,
            seed=root,
            valuation=objects["valuation"],
            **run,
        )
        return _site_statistic(comparison, statistic)

    f.vectorized = False  # type: ignore[attr-defined]
    f.current = current  # type: ignore[attr-defined]
    f.label = (  # type: ignore[attr-defined]
        STATISTICS.get(statistic, statistic)
        if isinstance(statistic, str)
        else getattr(statistic, "__name__", "statistic")
    )
    if statistic == "median_payback_days" and site is not None:
        f.label = "Median payback [months]"  # type: ignore[attr-defined]
    return f


#: Statistics of a split against pure mining.
_GAINS = ("mean_npv_gain", "mean_equity_npv_gain", "probability_beats_pure_mining")


def _valid_statistics(with_site: bool, with_split: bool) -> list[str]:
    names = [s for s in STATISTICS if s not in _GAINS]
    if with_site:
        names.remove("mean_btc_mined")
    if with_split:
        names += list(_GAINS)
    return names


def _npv_statistic(npv: np.ndarray, statistic: str) -> float | None:
    if statistic == "std_npv":
        return float(np.std(npv, ddof=1)) if npv.size > 1 else float("nan")
    summary = risk.summarize(npv)
    keys = {
        "mean_npv": "mean",
        "median_npv": "p50",
        "p5_npv": "p5",
        "p95_npv": "p95",
        "probability_of_loss": "probability_of_loss",
        "expected_shortfall_95": "expected_shortfall_95",
    }
    return float(summary[keys[statistic]]) if statistic in keys else None


def _median_finite(values: np.ndarray) -> float:
    values = values[np.isfinite(values)] if np.issubdtype(values.dtype, np.floating) else values
    return float(np.median(values)) if values.size else float("nan")


def _mining_statistic(result: Any, statistic: Any) -> float:
    if callable(statistic):
        return float(statistic(result))
    npv = result.summary.npv.values
    value = _npv_statistic(npv, statistic)
    if value is not None:
        return value
    if statistic == "median_irr":
        return _median_finite(result.summary.irr.values)
    if statistic == "mean_btc_mined":
        return float(result.summary.btc_mined.values.mean())
    return float(np.median(result.summary.payback_days.values))  # median_payback_days


def _site_statistic(comparison: Any, statistic: Any) -> float:
    if callable(statistic):
        return float(statistic(comparison))
    option = comparison.options[-1]
    npv = comparison.npv.sel(option=option).values
    if statistic == "mean_npv_gain":
        return float(np.mean(npv - comparison.npv.sel(option=comparison.options[0]).values))
    if statistic == "mean_equity_npv_gain":
        equity = comparison.equity_npv
        gain = equity.sel(option=option).values - equity.sel(option=comparison.options[0]).values
        return float(np.mean(gain))
    value = _npv_statistic(npv, statistic)
    if value is not None:
        return value
    column = {"median_payback_days": "median_payback_months"}.get(statistic, statistic)
    return float(comparison.table().loc[option, column])


# --------------------------------------------------------------------------
# The decision: mine or lease
# --------------------------------------------------------------------------

#: A driver of :func:`decision_tornado`: dotted parameter, label with the unit shown,
#: scale from the parameter's unit to the one shown, and range (or None).
Driver: TypeAlias = tuple[str, str, float, tuple[float, float] | None]

#: Drivers of the mining-or-lease decision: dotted parameter, label with the unit
#: shown, scale from the parameter's unit to the one shown, and the range [in the
#: parameter's unit]. A range of None is +/-20 % around the base value.
DECISION_DRIVERS: tuple[Driver, ...] = (
    # Published flat rates run from 102 to 177 USD/kW-month (ai_deals.csv).
    ("split.hosting.rate", "lease rate [USD/kW-month]", 1.0, None),
    # TeraWulf 8-10 and Cipher 9-11 M USD per IT MW (sources.md section 6).
    ("split.hosting.capex_per_it_mw", "build cost [M USD per IT MW]", 1e-6, (8e6, 11e6)),
    # Announcement to capacity: 8 to 24 months in the 2024-2025 deals.
    ("split.hosting.build_days", "build time [months]", 12 / 365, (8 * 365 / 12, 730.0)),
    # VanEck: mid-teens; listed data-centre operators 20-25x (sources.md 6b).
    ("valuation.hosting_exit_multiple", "hall exit multiple [x forward NOI]", 1.0, (10.0, 20.0)),
    ("valuation.hosting_rate", "hosting discount rate [%/year]", 100.0, (0.07, 0.10)),
    ("valuation.mining_rate", "mining discount rate [%/year]", 100.0, (0.10, 0.20)),
    # Up to 85 % loan to cost (Hut 8, 2025).
    ("valuation.financing.loan_to_cost", "loan to cost [%]", 100.0, (0.0, 0.85)),
    ("price.volatility", "BTC volatility [%/sqrt(year)]", 100.0, (0.35, 0.65)),
    ("price.drift", "BTC drift [%/year]", 100.0, (-0.10, 0.20)),
    ("hashrate.monthly_growth", "network hashrate growth [%/month]", 100.0, (0.0, 0.02)),
    ("site.power_price", "power price [USD/kWh]", 1.0, None),
)


def _check_drivers(drivers: object) -> list[Driver]:
    """Drivers as in :data:`DECISION_DRIVERS`, checked."""
    if isinstance(drivers, str | bytes | Mapping) or not isinstance(drivers, list | tuple):
        raise ValueError(f"drivers must be a list of (name, label, scale, range), got {drivers!r}")
    out = []
    for driver in drivers:
        if not isinstance(driver, list | tuple) or len(driver) != 4:
            raise ValueError(
                f"drivers must hold (name, label, scale, range) tuples, got {driver!r}"
            )
        name, label, scale, bounds = driver
        if not isinstance(name, str) or not name or not isinstance(label, str):
            raise ValueError(f"drivers: name and label must be strings, got {driver!r}")
        scale = check_scalar(f"drivers {name!r} scale", scale)
        if bounds is not None:
            if not isinstance(bounds, list | tuple) or len(bounds) != 2:
                raise ValueError(f"drivers {name!r}: range must be (low, high) or None")
            bounds = tuple(check_scalar(f"drivers {name!r} range", v) for v in bounds)
        out.append((name, label, scale, bounds))
    return out


def decision_tornado(
    site: Site,
    split: Split,
    scenario: MiningScenario,
    valuation: Valuation,
    *,
    n_paths: int = 200,
    seed: SeedLike = 0,
    drivers: Sequence[Driver] = DECISION_DRIVERS,
) -> pd.DataFrame:
    """Tornado of the decision: what moves the value of a split over pure mining.

    Parameters
    ----------
    site : Site
    split : Split
        The conversion weighed against pure mining.
    scenario : MiningScenario
        Market models and horizon.
    valuation : Valuation
        The view the decision is valued under.
    n_paths : int, default 200
        Paths per evaluation, the same in every one (common random numbers).
    seed : int, SeedSequence or Generator, default 0
        Seed of those paths.
    drivers : sequence of (str, str, float, (float, float) or None)
        Dotted parameter (as :func:`scenario_function`), label with the unit
        shown, scale from the parameter's unit to the one shown, and range
        [parameter's unit] (None: +/-20 % of the base value; a range that
        leaves out the base value is widened to it); by default
        :data:`DECISION_DRIVERS`. Drivers the study does not have (no debt,
        a price model without a drift) are left out; ``ValueError`` when none
        is left.

    Returns
    -------
    pandas.DataFrame
        As :func:`tornado`, indexed by the drivers' labels, values in the
        units shown and outputs in million USD: the mean over paths of the
        split's equity NPV minus pure mining's (positive: the split is worth
        more). Column ``parameter`` holds the dotted name.

    Notes
    -----
    Each driver moves alone, the others at the base case, on the same
    paths; the engine runs again only for drivers of the site or the
    market (lease and valuation drivers revalue one run). The equity NPV
    includes the financing (adjusted present value), so the loan to cost
    moves it through the interest tax shield.
    """
    from minerecon import projection
    from minerecon import scenario as sites

    if not isinstance(site, sites.Site):
        raise ValueError(f"site must be a minerecon.scenario.Site, got {type(site).__name__}")
    if not isinstance(split, sites.Split):
        raise ValueError(f"split must be a minerecon.scenario.Split, got {type(split).__name__}")
    if not isinstance(scenario, projection.MiningScenario):
        raise ValueError(f"scenario must be a MiningScenario, got {type(scenario).__name__}")
    sites._check_valuation(valuation)
    n_paths = _check_whole("n_paths", n_paths, 1)
    root = _random.seed_sequence(seed)
    drivers = _check_drivers(drivers)
    roots: dict[str, Any] = {
        "site": site,
        "split": split,
        "scenario": scenario,
        "valuation": valuation,
    }
    # The engine's paths depend on the site and the market only: runs are kept by
    # the (site, scenario) they came from, so lease and valuation drivers reuse one.
    runs: dict[tuple[int, int], tuple[Any, Any, Any]] = {}

    def locate(name: str) -> tuple[str, list[str]]:
        where, _, rest = name.partition(".")
        if where in ("site", "split", "valuation") and rest:
            return where, rest.split(".")
        return "scenario", name.split(".")

    def gain(**params: Any) -> float:
        objects = dict(roots)
        for name, value in params.items():
            if value == base[name]:
                continue  # left as it is, the engine run of its site and market is reused
            where, path = locate(name)
            objects[where] = _replace(objects[where], path, value, name, where)
        key = (id(objects["site"]), id(objects["scenario"]))
        # A run keeps its site and scenario alive, so their ids stay theirs.
        _, _, run = runs.get(key, (None, None, None))
        value, run = sites._equity_gain(
            objects["site"],
            objects["split"],
            objects["scenario"],
            objects["valuation"],
            n_paths,
            root,
            run,
        )
        runs[key] = (objects["site"], objects["scenario"], run)
        return value

    gain.vectorized = False  # type: ignore[attr-defined]
    base: dict[str, float] = {}
    ranges: dict[str, tuple[float, float]] = {}
    labels: dict[str, tuple[str, float]] = {}
    for name, label, scale, bounds in drivers:
        if name == "valuation.hosting_rate":
            value = valuation.rates["hosting"]
        else:
            where, path = locate(name)
            try:
                value = _lookup(roots[where], path, name, where)
            except ValueError:
                continue  # the study has no such part (no debt, no drift, ...)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            continue
        low, high = (0.8 * value, 1.2 * value) if bounds is None else bounds
        # One at a time around the base case: the range always holds the base value.
        low, high = min(low, high, value), max(low, high, value)
        if low == high:
            continue
        base[name] = float(value)
        ranges[name] = (float(low), float(high))
        labels[name] = (label, scale)
    if not ranges:
        raise ValueError(
            "drivers: none of them applies to this study (a driver of debt without "
            "financing, of a drift without a price model, ...); give drivers it has"
        )
    table = tornado(gain, base, ranges)
    for name, (_, scale) in labels.items():
        for column in ("low_value", "base_value", "high_value"):
            table.loc[name, column] = float(np.round(float(table[column].loc[name]) * scale, 10))
    for column in ("output_low", "output_high", "swing", "base_output"):
        table[column] = table[column] / 1e6
    table.insert(0, "parameter", table.index)
    table.index = pd.Index([labels[name][0] for name in table.index], name="driver")
    table.attrs["output"] = (
        f"Mean equity NPV of {split.label(site)} minus pure mining [M USD], "
        f"{valuation.name or 'valuation'} view"
    )
    return table
