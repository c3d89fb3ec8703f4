"""Fuzz specifications of minerecon's public API, one module per group.

Each group module defines ``SPECS``: a list of :class:`Spec`, one per public
callable (a name in some module's ``__all__``). ``tests/test_fuzz_api.py``
runs them and fails when a public callable has no spec.
"""

from __future__ import annotations

import dataclasses
import math
import re
import signal
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from hypothesis import strategies as st

import minerecon


@dataclasses.dataclass(frozen=True)
class Call:
    """Arguments for one call; every argument goes by keyword, so that a
    hostile value can replace exactly one of them."""

    kwargs: dict[str, Any]
    args: tuple = ()

    def __call__(self, func: Callable) -> Any:
        return func(*self.args, **self.kwargs)

    def replace(self, name: str, value: Any) -> Call:
        return Call({**self.kwargs, name: value}, self.args)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={_short(v)}" for k, v in self.kwargs.items())
        return f"Call({shown})"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


@dataclasses.dataclass(frozen=True)
class Spec:
    """How to fuzz one public callable.

    name
        ``"module.attr"``; ``"module.Class.method"`` for a method, whose
        calls carry the instance as ``args[0]``.
    valid
        A strategy of :class:`Call` whose results must pass ``check``.
    check
        ``check(call, result)``: asserts the documented type, kind and
        finiteness of a valid call's result.
    invalid
        A strategy of ``(Call, argument)`` pairs that must raise
        ``ValueError`` or ``TypeError`` with ``argument`` in the message.
    hostile
        The arguments (of the valid calls) that the hostile pass replaces,
        one at a time, with values from ``garbage``: the call must return or
        raise ``ValueError``/``TypeError`` naming that argument (or one of
        its ``aliases``). ``None``: every keyword of the valid call.
    garbage
        The strategy of hostile values; :data:`GARBAGE` unless a callable
        would run for hours on a legal but huge value (paths, days).
    examples
        Examples per pass at the default budget (``MINERECON_FUZZ_SCALE``
        multiplies it for long runs).
    """

    name: str
    valid: Any
    check: Callable[[Call, Any], None]
    invalid: Any = None
    hostile: tuple[str, ...] | None = None
    garbage: Any = None
    aliases: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    examples: int = 25

    @property
    def target(self) -> Callable:
        module, _, attr = self.name.partition(".")
        obj: Any = getattr(minerecon, module)
        for part in attr.split("."):
            obj = getattr(obj, part)
        return obj

    @property
    def is_method(self) -> bool:
        return self.name.count(".") == 2 and isinstance(
            getattr(minerecon, self.name.split(".")[0]).__dict__.get(self.name.split(".")[1]),
            type,
        )

    def call(self, call: Call) -> Any:
        if self.is_method:
            instance, *rest = call.args
            method = getattr(instance, self.name.rsplit(".", 1)[1])
            return method(*rest, **call.kwargs)
        return call(self.target)


# --------------------------------------------------------------------------
# hostile values
# --------------------------------------------------------------------------

#: Values of the wrong type, out of range or at the edges of the floats.
HOSTILE_VALUES = [
    None,
    "",
    "abc",
    "2025-13-45",
    b"x",
    math.nan,
    math.inf,
    -math.inf,
    -1,
    0,
    -1e308,
    1e308,
    10**400,
    -(10**400),
    True,
    np.bool_(True),
    np.float16(1.5),
    np.int8(-3),
    np.timedelta64(1, "D"),
    np.datetime64("2020-01-01"),
    [],
    [1.0, 2.0],
    (),
    {},
    object(),
    1j,
    np.array([]),
    np.array([[1.0, 2.0]]),
    np.array(["a"]),
    pd.Series([], dtype=float),
    pd.NaT,
    pd.Timestamp("1900-01-01"),
]

#: The hostile values, plus any float, any 70-bit integer and short text.
GARBAGE = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.floats(),
    st.integers(-(2**70), 2**70),
    st.text(max_size=5),
)

#: For arguments that set the size of a run (paths, days): wrong types and
#: out-of-range values, no legal value that would run for hours.
SMALL_GARBAGE = st.one_of(
    st.sampled_from(
        [v for v in HOSTILE_VALUES if not isinstance(v, int | float) or isinstance(v, bool)]
        + [math.nan, math.inf, -math.inf, -1, 0.5, -1e308, 10**400, -(10**400)]
    ),
    st.text(max_size=5),
)


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------


def kind_of(values: list[Any]) -> type:
    """The kind a core function returns for these arguments."""
    if any(isinstance(v, xr.DataArray) for v in values):
        return xr.DataArray
    if any(isinstance(v, pd.Series) for v in values):
        return pd.Series
    if any(isinstance(v, np.ndarray) and v.ndim for v in values):
        return np.ndarray
    return float


def assert_finite(result: Any, *, allow_inf: bool = False) -> None:
    values = np.asarray(
        result.values if isinstance(result, pd.Series | xr.DataArray) else result, dtype=float
    )
    ok = ~np.isnan(values) if allow_inf else np.isfinite(values)
    assert ok.all(), f"not finite: {result!r}"


def same_kind(*, allow_inf: bool = False, allow_nan: bool = False, integer: bool = False):
    """Check for element-wise core functions: the kind of the inputs comes
    back (a Series with the input index, a DataArray with its coordinates),
    finite unless ``allow_inf``/``allow_nan``."""

    def check(call: Call, result: Any) -> None:
        inputs = list(call.kwargs.values())
        kind = kind_of(inputs)
        if kind is float:
            assert isinstance(result, int if integer else float), type(result)
        else:
            assert isinstance(result, kind), (kind, type(result))
        if kind is pd.Series:
            series = next(v for v in inputs if isinstance(v, pd.Series))
            assert result.index.equals(series.index)
        if kind is xr.DataArray:
            for array in (v for v in inputs if isinstance(v, xr.DataArray)):
                for dim in array.dims:
                    assert result.indexes[dim].equals(array.indexes[dim])
        if not allow_nan:
            assert_finite(result, allow_inf=allow_inf)

    return check


def instance_of(cls: type | tuple[type, ...]):
    def check(call: Call, result: Any) -> None:
        assert isinstance(result, cls), (cls, type(result))

    return check


# --------------------------------------------------------------------------
# valid numbers in every kind
# --------------------------------------------------------------------------

INDEX = pd.date_range("2026-01-01", periods=3, freq="D", name="date")


def numbers(low: float, high: float, *, log: bool = False, integer: bool = False):
    """Floats (or integers) in [low, high]; ``log`` spreads them over decades."""
    if integer:
        return st.integers(int(low), int(high))
    if log:
        return st.floats(math.log10(low), math.log10(high)).map(lambda e: float(10.0**e))
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def numeric_call(draw, ranges: dict[str, Any], fixed: dict[str, Any] | None = None) -> Call:
    """A call of an element-wise core function: every varied argument drawn
    from its strategy in ``ranges``, all as one kind (scalar, 3-element array,
    Series on :data:`INDEX` or DataArray on ``date``), some left scalar."""
    kind = draw(st.sampled_from(["scalar", "array", "series", "dataarray"]))
    kwargs = dict(fixed or {})
    for name, strategy in ranges.items():
        if kind == "scalar" or draw(st.booleans()):
            kwargs[name] = draw(strategy)
            continue
        values = [draw(strategy) for _ in range(len(INDEX))]
        if kind == "array":
            kwargs[name] = np.asarray(values)
        elif kind == "series":
            kwargs[name] = pd.Series(values, index=INDEX)
        else:
            kwargs[name] = xr.DataArray(values, coords={"date": INDEX}, dims="date")
    return Call(kwargs)


def fixed_call(**kwargs: Any):
    """A strategy of one call (for callables fuzzed through their hostile pass)."""
    return st.just(Call(kwargs))


# --------------------------------------------------------------------------
# running a call
# --------------------------------------------------------------------------

ACCEPTED = (ValueError, TypeError)


class CallTimeout(Exception):
    """A fuzzed call ran past its time limit."""


@contextmanager
def time_limit(seconds: int):
    """Fail a call that hangs (a legal but enormous input) instead of the suite."""

    def expire(signum, frame):
        raise CallTimeout(f"call ran past {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def names_argument(message: str, names: tuple[str, ...]) -> bool:
    return any(
        re.search(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9])", message) for n in names
    )
