"""Types of minerecon's public API, for annotating code that calls it.

The core functions take numbers in any of the kinds the numeric contract
accepts and return the kind they were given (DESIGN.md, "numeric contract"):

>>> from minerecon.typing import ArrayLike, Numeric
>>> def margin_at_spot(efficiency: ArrayLike) -> Numeric:
...     import minerecon as mr
...     return mr.economics.margin_per_th(87_000, 152.27e12, efficiency, 0.05)
>>> round(margin_at_spot(17.0), 4)
0.0154

xarray is named only for the type checker, so importing this module does not
import xarray.
"""

from __future__ import annotations

import datetime
import os
from typing import TYPE_CHECKING, TypeAlias, Union

import numpy as np
import numpy.typing as npt
import pandas as pd

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["ArrayLike", "DateLike", "FloatArray", "Numeric", "PathLike", "SeedLike"]

#: Numbers a core function accepts: a Python or numpy scalar, a sequence, a numpy
#: array, a pandas Series or an xarray DataArray (the last two through their
#: ``__array__``).
ArrayLike: TypeAlias = npt.ArrayLike

#: An array of floats, as the engine's per-path and per-day results are.
FloatArray: TypeAlias = npt.NDArray[np.float64]

#: What a core function returns: a float for scalar inputs, otherwise the most
#: labelled kind among its inputs (DataArray over Series over ndarray).
Numeric: TypeAlias = Union[float, npt.NDArray[np.float64], "pd.Series[float]", "xr.DataArray"]

#: A seed for the random streams: an int, a SeedSequence, a Generator (drawn from
#: once) or None for fresh entropy.
SeedLike: TypeAlias = int | np.random.SeedSequence | np.random.Generator | None

#: A calendar date: an ISO string such as ``"2026-08-16"``, a date, a datetime,
#: a pandas Timestamp or a numpy datetime64.
DateLike: TypeAlias = str | datetime.date | pd.Timestamp | np.datetime64

#: A file system path, as ``open`` takes.
PathLike: TypeAlias = str | os.PathLike[str]
