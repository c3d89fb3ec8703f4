"""The numeric contract shared by every core function.

Core functions accept Python scalars, numpy arrays, pandas Series and xarray
DataArrays and return the kind they were given. Their bodies are ufunc
arithmetic, which preserves the kind by itself; this module holds the two
pieces that arithmetic cannot do: argument validation with a clear message,
and masking (``nan`` where there is no solution) that keeps the kind.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import numbers
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, TypeGuard, TypeVar, cast

import numpy as np
import pandas as pd

from minerecon.typing import ArrayLike

if TYPE_CHECKING:
    import xarray as xr
    from _typeshed import DataclassInstance

#: A decorated function's type, kept by decorators that change no signature.
F = TypeVar("F", bound=Callable[..., Any])
#: The parameters of a function wrapped by :func:`aligned`.
P = ParamSpec("P")
#: The return type of a function wrapped by :func:`aligned`.
R = TypeVar("R")
#: A dataclass built by :func:`with_overrides`.
T = TypeVar("T", bound="DataclassInstance")


class MinereconWarning(UserWarning):
    """Base class of the warnings minerecon emits."""


class WeakFitWarning(MinereconWarning):
    """A fit whose data barely determine its parameters.

    The fitted values are still returned, and their ``calibration.method``
    records the statistic behind the warning; treat them as a starting point
    for assumptions, not as estimates.
    """


class UnknownNameError(KeyError, ValueError):
    """A name missing from a catalogue (deals, presets, ...).

    A ``KeyError``, as the lookup it is, and a ``ValueError``, as every other
    bad argument, so callers catching either see it. Its text is the plain
    message (a ``KeyError`` would quote it).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _is_data_array(value: object) -> TypeGuard[xr.DataArray]:
    """Whether ``value`` is an xarray DataArray, without importing xarray.

    A DataArray exists only once xarray is imported, so ``import minerecon``
    leaves xarray (a tenth of a second) to the callers that use it.
    """
    xarray = sys.modules.get("xarray")
    return xarray is not None and isinstance(value, xarray.DataArray)


def _is_labelled(value: object) -> TypeGuard[pd.Series | xr.DataArray]:
    return isinstance(value, pd.Series) or _is_data_array(value)


def _is_array(value: object) -> bool:
    return isinstance(value, np.ndarray | list | tuple | pd.Series) or _is_data_array(value)


#: dtype kinds accepted as numbers: signed and unsigned integers, floats.
_REAL_KINDS = "iuf"


def _values(value: object) -> np.ndarray:
    if isinstance(value, pd.Series):
        return value.to_numpy()
    if _is_data_array(value):
        return value.values
    return np.asarray(value)


def _first(values: np.ndarray, bad: np.ndarray) -> Any:
    return values[bad].flat[0] if values.ndim else values.item()


def check(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    unit: str = "",
    allow_nan: bool = False,
) -> Any:
    """Validate a numeric argument and return it in a kind the core accepts.

    Lists and tuples become float arrays, Python and numpy scalars become
    ``float``; arrays, Series and DataArrays are returned unchanged, except
    that narrow dtypes are widened (keeping the kind): ``float16`` to
    ``float64``, so that results are not computed in half precision, and
    integers narrower than 64 bits to ``int64``, so that arithmetic on them
    cannot wrap round (an int16 hashrate times an int16 efficiency would).
    Raises ``ValueError``
    naming the argument, the offending value and the valid range when the
    value is not numeric (booleans, ``numpy.bool_``, complex, ``datetime64``
    and ``timedelta64`` included), is an integer too large for a float, is
    NaN, or lies outside ``[low, high]`` (``low_open``/``high_open`` exclude
    the bound).
    """
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be a number, got the boolean {bool(value)!r}")
    try:
        if isinstance(value, np.generic):
            # numpy registers timedelta64 as an Integral: only real kinds become floats.
            if value.dtype.kind in _REAL_KINDS:
                value = float(value)
        elif isinstance(value, numbers.Real):
            value = float(value)
        elif isinstance(value, list | tuple):
            value = np.asarray(value, dtype=float)
    except OverflowError:
        raise ValueError(
            f"{name} must be a real number within the range of a float (about +/-1.8e308), "
            f"got {_short(value)}"
        ) from None
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a real number or a list of real numbers, got {_short(value)}"
        ) from None
    values = _values(value)
    if values.dtype.kind not in _REAL_KINDS:
        raise ValueError(
            f"{name} must be a real number or an array of real numbers, got dtype {values.dtype}"
        )
    if values.dtype.itemsize < 8 and values.dtype != np.float32:
        # Python numbers became floats above: only arrays, Series and DataArrays get here.
        array = cast("np.ndarray | pd.Series | xr.DataArray", value)
        value = array.astype(np.float64 if values.dtype == np.float16 else np.int64)
        values = _values(value)
    unit_text = f" {unit}" if unit else ""
    if values.dtype.kind == "f" and not allow_nan:
        nan = np.isnan(values)
        if nan.any():
            raise ValueError(f"{name} must not be NaN, got NaN{_where(values, nan)}")
    outside = np.zeros(values.shape, dtype=bool)
    if low is not None:
        outside |= values <= low if low_open else values < low
    if high is not None:
        outside |= values >= high if high_open else values > high
    if outside.any():
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        valid = f"{left}{'-inf' if low is None else _fmt(low)}, "
        valid += f"{'inf' if high is None else _fmt(high)}{right}"
        raise ValueError(
            f"{name} must be in {valid}{unit_text}, got "
            f"{_fmt(_first(values, outside))}{_where(values, outside)}"
        )
    return value


def check_step_days(step_days: object) -> int:
    """A model's ``step_days`` in [1, ``units.MAX_STEP_DAYS``], as an ``int``."""
    from minerecon.units import MAX_STEP_DAYS

    step_days = check_count("step_days", step_days, unit="[days]")
    if step_days > MAX_STEP_DAYS:
        raise ValueError(
            f"step_days must be an integer in [1, {MAX_STEP_DAYS}] [days], got {step_days}"
        )
    return step_days


def check_count(name: str, value: object, *, low: int = 1, unit: str = "") -> int:
    """Validate a whole number such as a count of paths or days, ``>= low``; return an ``int``.

    Raises ``ValueError`` naming the argument and the value for booleans,
    non-integers (``timedelta64``, which numpy registers as an integer,
    included) and values below ``low``.
    """
    if (
        isinstance(value, bool | np.bool_ | np.timedelta64)
        or not isinstance(value, numbers.Integral)
        or value < low
    ):
        unit_text = f" {unit}" if unit else ""
        raise ValueError(f"{name} must be an integer >= {low}{unit_text}, got {value!r}")
    return int(value)


def check_scalar(name: str, value: object, **bounds: Any) -> float:
    """Validate one finite real number, such as a field of a contract; return a ``float``.

    ``bounds`` are those of :func:`check`. Raises ``ValueError`` naming the
    argument for booleans, arrays, NaN, infinities and values out of range.
    """
    if isinstance(value, bool) or np.ndim(cast(ArrayLike, value)) != 0:
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(check(name, value, **bounds))
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def with_overrides(
    cls: type[T], params: Mapping[str, object], overrides: Mapping[str, object]
) -> T:
    """``cls(**params)`` with some fields replaced; unknown names raise ``ValueError``."""
    fields = [field.name for field in dataclasses.fields(cls)]
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        raise ValueError(
            f"overrides must be fields of {cls.__name__}, got {unknown}; valid: {fields}"
        )
    return cls(**{**params, **overrides})


def aligned(func: Callable[P, R]) -> Callable[P, R]:
    """Refuse labelled inputs that do not line up, instead of aligning them silently.

    pandas aligns Series on their index and xarray DataArrays on their
    coordinates before any arithmetic: inputs with different labels would give
    NaN rows or lose rows without a word. A function wrapped by this raises
    ``ValueError`` naming the arguments when two of its Series have different
    indexes, two of its DataArrays different coordinates on a dimension they
    share, or a Series meets a DataArray, and when the shapes of its other
    arrays do not broadcast. Plain scalars and arrays broadcast as usual.
    """
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        values = (*args, *kwargs.values())
        if sum(_is_array(v) for v in values) > 1:
            bound = signature.bind_partial(*args, **kwargs).arguments
            _check_aligned({k: v for k, v in bound.items() if _is_labelled(v)})
            _check_broadcast({k: v for k, v in bound.items() if _is_array(v)})
        return func(*args, **kwargs)

    return wrapper


def _check_broadcast(arrays: dict[str, Any]) -> None:
    """Shapes that numpy (or xarray, for an array meeting a DataArray) cannot broadcast.

    DataArrays broadcast among themselves by dimension name; a plain array
    meets each DataArray by shape.
    """
    shapes = {}
    for name, value in arrays.items():
        try:
            shapes[name] = np.shape(value)
        except ValueError:  # a ragged list: the argument's own check names it
            return
    plain = {k: v for k, v in shapes.items() if not _is_data_array(arrays[k])}
    groups = [plain] if plain else []
    groups += [
        {**plain, name: shape}
        for name, shape in shapes.items()
        if _is_data_array(arrays[name]) and plain
    ]
    for group in groups:
        _broadcast_or_raise(group)


def _broadcast_or_raise(shapes: dict[str, tuple[int, ...]]) -> None:
    try:
        np.broadcast_shapes(*shapes.values())
    except ValueError:
        listed = ", ".join(f"{name} {shape}" for name, shape in shapes.items())
        raise ValueError(
            f"the shapes of {listed} do not broadcast together: give arrays of equal length "
            "(or shapes that broadcast, such as (n, 1) against (m,))"
        ) from None


def _check_aligned(labelled: dict[str, Any]) -> None:
    series = {k: v for k, v in labelled.items() if isinstance(v, pd.Series)}
    arrays = {k: v for k, v in labelled.items() if _is_data_array(v)}
    if series and arrays:
        raise ValueError(
            f"{next(iter(series))} is a pandas Series and {next(iter(arrays))} an xarray "
            "DataArray: give them as the same kind (e.g. xarray.DataArray(series))"
        )
    names = list(series)
    for name in names[1:]:
        if not series[name].index.equals(series[names[0]].index):
            raise ValueError(
                f"{names[0]} and {name} are Series with different indexes: give them the same "
                f"index (e.g. {name}.reindex({names[0]}.index)); they are not aligned silently"
            )
    if len(arrays) > 1:
        try:
            sys.modules["xarray"].align(*arrays.values(), join="exact", copy=False)
        except ValueError as error:
            raise ValueError(
                f"{', '.join(arrays)} are DataArrays whose coordinates differ on a dimension "
                f"they share ({error}); select or reindex them to the same coordinates: they "
                "are not aligned silently"
            ) from None


def check_fraction(name: str, value: object, *, high_open: bool = True) -> Any:
    """Validate a share such as a pool fee, in ``[0, 1)`` (or ``[0, 1]``)."""
    return check(name, value, low=0.0, high=1.0, high_open=high_open)


def _short(value: object, limit: int = 40) -> str:
    """``repr`` of a value cut to ``limit`` characters (a 400-digit integer stays readable)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _fmt(number: object) -> str:
    return f"{number:g}" if isinstance(number, float | np.floating) else str(number)


def _where(values: np.ndarray, bad: np.ndarray) -> str:
    if values.ndim == 0:
        return ""
    index = tuple(int(i[0]) for i in np.nonzero(bad))
    count = int(bad.sum())
    more = f" and {count - 1} more" if count > 1 else ""
    return f" at position {index if len(index) > 1 else index[0]}{more}"


def divide(numerator: ArrayLike, denominator: ArrayLike) -> Any:
    """``numerator / denominator`` keeping the kind, with ``inf`` or ``nan`` where no
    finite quotient exists (x/0 is +-inf, 0/0 is nan), without an exception or a warning.

    Plain Python division raises ``ZeroDivisionError`` on scalars; this is the
    one place that turns "no solution" into the documented ``inf``/``nan``.
    A 0-d result is returned as a ``float``.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        out = np.divide(numerator, denominator)
    if (isinstance(out, np.ndarray) and out.ndim == 0) or isinstance(out, np.floating):
        return float(out)
    return out


def mask(values: ArrayLike, condition: ArrayLike, fill: float = np.nan) -> Any:
    """Replace ``values`` by ``fill`` where ``condition`` holds, keeping the kind."""
    # A Series or DataArray when ``condition`` is one (numpy defers to their ufuncs).
    keep: Any = np.logical_not(condition)
    if _is_labelled(values):
        if not _is_labelled(keep):
            keep = np.broadcast_to(keep, values.shape)
        return values.where(keep, fill)
    out = np.where(keep, values, fill)
    return float(out) if out.ndim == 0 else out


def like(result: ArrayLike, template: object) -> Any:
    """Give a computed array the kind, index or coordinates of ``template``."""
    if isinstance(template, pd.Series):
        return pd.Series(result, index=template.index)
    if _is_data_array(template):
        return template.copy(data=result)
    result = np.asarray(result)
    return result.item() if result.ndim == 0 else result


def plain(value: Any) -> Any:
    """A ``float`` where numpy gives a 0-d array or a numpy scalar; anything else as is."""
    if (isinstance(value, np.ndarray) and value.ndim == 0) or isinstance(value, np.floating):
        return float(value)
    return value


def scalar_out(func: F) -> F:
    """Return a plain ``float`` where numpy would give a 0-d array or scalar."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return plain(func(*args, **kwargs))

    return cast(F, wrapper)
