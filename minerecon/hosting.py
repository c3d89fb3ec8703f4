"""AI/HPC hosting economics per MW of critical IT load.

Two ways a miner can give site power to AI/HPC tenants:

* :class:`ColocationLease` -- the landlord builds (or fits out) data halls and
  rents them out at a rate per kW of critical IT load per month, usually for
  10-15 years (Core Scientific, TeraWulf, Cipher, Applied Digital, Hut 8).
* :class:`GpuCloud` -- the operator also buys the GPUs and sells compute by
  the GPU-hour under a shorter contract (IREN-Microsoft).

Both give daily cash flows [USD/day] from the day of the decision (day 0)
over the build, the ramp of IT load and the contract, with an optional
tenant default, and the NPV, IRR and payback of those flows through
:mod:`minerecon.cashflow`. Everything is per MW of critical IT load
("IT MW") unless ``it_mw`` is given; the site power the contract takes is
``gross_to_it`` times that.

The published deals of the bundled table ``ai_deals.csv`` (see
``minerecon/data/ai_deals_README.md``) load with :func:`list_deals` and
:func:`get_deal`; :func:`lease_from_deal` and :func:`gpu_cloud_from_deal`
turn one into a contract.

Conventions shared by both contracts
------------------------------------
* Day ``t = 0 .. n-1`` counts from the decision to build. IT load is 0
  before ``build_days``, ramps linearly to 1 over ``ramp_days`` and stays 1
  to the end of the contract, then falls to 0 (no re-letting is modelled).
* The contract (and the escalator's contract year) starts at the first IT
  load; rent or compute revenue is billed on the IT load in service.
* A tenant default at day ``d`` (a real number of days from day 0) affects
  every day ``t >= d``: the tenant's revenue stops (a colocation guarantor
  keeps paying ``backstop_share`` of the rent), its power is no longer
  drawn, opex given as a share of revenue falls with the revenue, while
  opex given per MW or per GPU-hour and all capex continue.
* ``expected_daily_cash_flows`` replaces the sampled default by the
  survival probability ``S(t) = exp(-h t / 365)``: every flow is linear in
  the indicator ``1[t < d]`` and ``P(d > t) = S(t)`` for an exponential
  default time, so the expected flows are exact, and equal the mean of
  ``daily_cash_flows`` over many
  :meth:`ColocationLease.sample_default_days` draws.
* The metrics (``npv``, ``irr``, ``payback_days``) use the expected flows
  when ``default_day`` is None (identical to the no-default flows when the
  hazard is 0); pass ``default_day=numpy.inf`` to value the contract as if
  the tenant never defaulted, or sampled default days for one value per
  path.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
from typing import Any, cast

import numpy as np
import pandas as pd

from minerecon import cashflow
from minerecon._contract import (
    UnknownNameError,
    check,
    check_count,
    check_scalar,
    with_overrides,
)
from minerecon.datasets import data_path
from minerecon.typing import ArrayLike, FloatArray, SeedLike
from minerecon.units import DAYS_PER_YEAR, HOURS_PER_DAY, MAX_YEARS

__all__ = [
    "DEFAULT_BUILD_DAYS",
    "DEFAULT_CAPEX_PER_IT_MW",
    "DEFAULT_GROSS_TO_IT",
    "DEFAULT_NOI_MARGIN",
    "DEFAULT_PUE",
    "DEFAULT_RAMP_DAYS",
    "ColocationLease",
    "GpuCloud",
    "get_deal",
    "gpu_cloud_from_deal",
    "it_load_profile",
    "lease_from_deal",
    "list_deals",
]

#: Gross site power per MW of critical IT load [-]: the middle of the published
#: 1.25 (TeraWulf ~250/200) to 1.45 (Cipher 244/168) range (Hut 8 ~330/245 = 1.35).
DEFAULT_GROSS_TO_IT = 1.35

#: Energy drawn by the site per unit of IT energy [-] (design PUE) when the
#: operator pays the power: Applied Digital's Ellendale design PUE, 1.18 (PR on
#: sec.gov, grade A), the one published for these deals. ``gross_to_it`` is the
#: site power reserved per IT MW (a capacity ratio), not the energy drawn.
DEFAULT_PUE = 1.18

#: NOI margin [-] used when a deal publishes none: the middle of the published
#: 80-90 % range (Cipher 80-85 % and 85-90 %, TeraWulf ~85 %).
DEFAULT_NOI_MARGIN = 0.85

#: Build cost [USD per IT MW] used when a deal publishes none: the middle of the
#: published $8-11 M range (TeraWulf $8-10 M, Cipher $9-11 M and $9-10 M).
DEFAULT_CAPEX_PER_IT_MW = 9.5e6

#: Days from the decision to the first IT load: about 12 months, the middle of
#: the published 8-24 month lead times (Cipher-Fluidstack Sep 2025 -> Sep 2026).
DEFAULT_BUILD_DAYS = 365

#: Days of linear ramp from first to full IT load: about 6 months (TeraWulf:
#: first 40 MW 1H 2026, full >200 MW by end-2026).
DEFAULT_RAMP_DAYS = 180

#: Most days of flows a contract gives [day]: its build, term and extensions
#: of at most ``MAX_YEARS`` each.
_MAX_DAYS = math.ceil(3 * MAX_YEARS * DAYS_PER_YEAR)

#: Most default days drawn at once by :meth:`ColocationLease.sample_default_days`
#: (800 MB of float64).
_MAX_PATHS = 100_000_000

#: Most GPU purchases (the first and the replacements) a contract may need:
#: ``contract_years / gpu_life_years`` beyond it is no longer a GPU life.
_MAX_GPU_REPLACEMENTS = 1000

_HOURS_PER_YEAR = HOURS_PER_DAY * DAYS_PER_YEAR
_KW_PER_MW = 1000.0
_MONTHS_PER_YEAR = 12

#: Published terms of GPU-cloud deals that have no column in ``ai_deals.csv``.
#: IREN-Microsoft (2025-11-03): ~$5.8 B of Dell / NVIDIA GB300 equipment and a
#: 20 % prepayment (dcpulse, gulftoday/Reuters, tredu; grade C).
_GPU_CLOUD_TERMS: dict[str, dict[str, float]] = {
    "iren-microsoft-2025-11": {"equipment_capex_usd": 5.8e9, "prepayment_share": 0.20},
}

#: GPUs per IT MW of the GPU-cloud preset: GB300 NVL72 racks at roughly
#: 1.4 kW of critical IT per GPU, 1e6 / 1.4e3 = 714, rounded to 700.
IREN_GPUS_PER_IT_MW = 700.0


# --------------------------------------------------------------------------
# The bundled deal table
# --------------------------------------------------------------------------

_TEXT_COLUMNS = [
    "landlord",
    "tenant",
    "kind",
    "mw_basis",
    "extension_options",
    "lease_type",
    "first_capacity",
    "source",
    "grade",
    "as_of",
]


@functools.cache
def _deals() -> pd.DataFrame:
    frame = pd.read_csv(
        data_path("ai_deals.csv"),
        index_col="name",
        dtype={column: "string" for column in _TEXT_COLUMNS},
        parse_dates=["announced"],
    )
    frame["usd_per_mw_year"] = frame["contract_value_usd"] / frame["term_years"] / frame["mw"]
    frame["usd_per_kw_month"] = frame["usd_per_mw_year"] / _MONTHS_PER_YEAR / _KW_PER_MW
    frame["gross_to_it"] = frame["gross_mw"] / frame["mw"]
    return frame


def list_deals() -> pd.DataFrame:
    """Published AI/HPC hosting deals of Bitcoin miners, with derived rates.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``name`` (a slug such as ``"hut8-fluidstack-river-bend-2025-12"``),
        one row per deal: the published columns of ``ai_deals.csv`` (see
        ``ai_deals_README.md``: ``mw`` [MW], ``term_years`` [year],
        ``contract_value_usd`` [USD], ...) and three derived here:

        ``usd_per_mw_year``
            Flat average rent ``contract_value_usd / term_years / mw``
            [USD per MW per year].
        ``usd_per_kw_month``
            ``usd_per_mw_year / 12 / 1000`` [USD per kW per month].
        ``gross_to_it``
            ``gross_mw / mw`` [-], NaN where no gross figure is published.

    Notes
    -----
    The derived rates are flat averages of the headline contract value: they
    ignore escalators (Hut 8: 3 %/year), ramps and extension options, and the
    Cipher-AWS megawatts may be gross rather than IT. For IREN-Microsoft
    (``kind == "gpu_cloud"``) the rate is compute revenue, not rent.

    References
    ----------
    ``minerecon/data/ai_deals_README.md`` lists the source of every row.

    Examples
    --------
    >>> deals = list_deals()
    >>> round(float(deals.loc["hut8-fluidstack-river-bend-2025-12", "usd_per_kw_month"]), 1)
    158.7
    >>> round(float(deals.loc["cipher-fluidstack-barber-lake-2025-09", "gross_to_it"]), 2)
    1.45
    """
    return _deals().copy()


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(" ", "-")


def get_deal(name: str) -> pd.Series:
    """One deal of :func:`list_deals` by name (case, ``_`` and ``-`` ignored).

    Parameters
    ----------
    name : str
        Deal slug, e.g. ``"terawulf-fluidstack-2025-08"``.

    Returns
    -------
    pandas.Series
        The deal's row, named by its slug.

    Raises
    ------
    KeyError
        When no deal matches (a ``ValueError`` too); the message lists the
        closest names.
    ValueError
        When ``name`` is not a string.

    Examples
    --------
    >>> float(get_deal("terawulf_fluidstack_2025_08")["usd_per_mw_year"])
    1850000.0
    """
    if not isinstance(name, str):
        raise ValueError(f"name must be a deal name (a str), got {type(name).__name__} {name!r}")
    deals = _deals()
    wanted = _key(name)
    if wanted not in deals.index:
        close = difflib.get_close_matches(wanted, list(deals.index), n=4, cutoff=0.4)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise UnknownNameError(
            f"name must be a deal of list_deals(): no deal named {name!r}{hint}"
        )
    # A unique label of the index: one row.
    return cast("pd.Series", deals.loc[wanted].copy())


def _published(value: Any) -> bool:
    return value is not None and not pd.isna(value)


def _midpoint(deal: pd.Series, column: str, default: float) -> float:
    low, high = deal[f"{column}_low"], deal[f"{column}_high"]
    if _published(low) and _published(high):
        return 0.5 * (float(low) + float(high))
    return default


def lease_from_deal(name: str, **overrides: object) -> ColocationLease:
    """A :class:`ColocationLease` from a published colocation deal.

    Parameters
    ----------
    name : str
        A deal of :func:`list_deals` with ``kind == "colocation"``.
    **overrides
        Any field of :class:`ColocationLease`, replacing the value taken
        from the deal or the default.

    Returns
    -------
    ColocationLease

    Notes
    -----
    * ``rate``: the first-year rate whose escalated rents over the deal's
      term at full load add up to the contract value,
      ``rate = flat / mean_k (1 + e) ** k`` (``k = 0 .. term - 1``); the
      term starts at the first IT load, so a ramp of ``r`` days collects
      about ``r / 2`` days of rent less than the headline value; with
      ``flat`` the deal's ``usd_per_kw_month`` and ``e`` its escalator (or
      an ``escalator`` override; 0 when none is published, then
      ``rate = flat``).
    * ``term_years`` from the deal; ``extension_years`` 0 (options not
      exercised).
    * ``noi_margin`` and ``capex_per_it_mw``: the midpoints of the published
      ranges, else :data:`DEFAULT_NOI_MARGIN` and
      :data:`DEFAULT_CAPEX_PER_IT_MW`.
    * ``gross_to_it``: published ``gross_mw / mw``, else
      :data:`DEFAULT_GROSS_TO_IT` (Cipher-AWS: the megawatt basis is not
      stated and the 300 MW are taken as IT).
    * ``backstop_share``: ``backstop_usd / contract_value_usd`` (at most 1),
      else 0. A published backstop is a capped guarantee of lease
      obligations; a constant share of the rent is a proxy for it.
    * ``power_pass_through`` True (the tenant pays its power, as in the
      triple-net and modified-gross leases published), ``build_days``
      :data:`DEFAULT_BUILD_DAYS`, ``ramp_days`` :data:`DEFAULT_RAMP_DAYS`,
      no default hazard.

    Examples
    --------
    >>> lease = lease_from_deal("hut8-fluidstack-river-bend-2025-12")
    >>> round(lease.rate, 1), lease.escalator     # first-year USD/kW-month
    (128.0, 0.03)
    """
    deal = get_deal(name)
    if deal["kind"] != "colocation":
        raise ValueError(
            f"name must be a colocation deal, got {name!r} of kind {deal['kind']!r}; "
            "use gpu_cloud_from_deal for GPU-cloud deals"
        )
    term = float(deal["term_years"])
    escalator = float(deal["escalator"]) if _published(deal["escalator"]) else 0.0
    # Checked here: the rate is derived from it before the lease checks its fields.
    escalator = check_scalar(
        "escalator", overrides.get("escalator", escalator), low=-1, low_open=True, unit="[1/year]"
    )
    growth = np.mean((1.0 + escalator) ** np.arange(math.ceil(term)))
    backstop = 0.0
    if _published(deal["backstop_usd"]):
        backstop = min(1.0, float(deal["backstop_usd"]) / float(deal["contract_value_usd"]))
    params: dict[str, Any] = {
        "rate": float(deal["usd_per_kw_month"]) / growth,
        "escalator": escalator,
        "term_years": term,
        "gross_to_it": (
            float(deal["gross_to_it"]) if _published(deal["gross_to_it"]) else DEFAULT_GROSS_TO_IT
        ),
        "capex_per_it_mw": _midpoint(deal, "capex_per_it_mw", DEFAULT_CAPEX_PER_IT_MW),
        "noi_margin": _midpoint(deal, "noi_margin", DEFAULT_NOI_MARGIN),
        "backstop_share": backstop,
    }
    return with_overrides(ColocationLease, params, overrides)


def gpu_cloud_from_deal(name: str = "iren-microsoft-2025-11", **overrides: object) -> GpuCloud:
    """A :class:`GpuCloud` that reproduces a published GPU-cloud deal.

    Parameters
    ----------
    name : str, default "iren-microsoft-2025-11"
        A deal of :func:`list_deals` with ``kind == "gpu_cloud"``.
    **overrides
        Any field of :class:`GpuCloud`. ``gpus_per_it_mw`` and
        ``utilisation`` overrides are used to derive the price per GPU-hour
        and the capex per GPU.

    Returns
    -------
    GpuCloud

    Notes
    -----
    IREN-Microsoft: ~$9.7 B over 5 years for 200 MW of IT, i.e. ~$1.94 B a
    year, $9.7 M per IT MW-year (derived); ~$5.8 B of Dell / NVIDIA GB300
    equipment, ~$29 M per IT MW; 20 % prepayment. With GB300 NVL72 racks at
    roughly 1.4 kW of IT per GPU, ``G = 700`` GPUs per IT MW
    (:data:`IREN_GPUS_PER_IT_MW`), and the contracted capacity billed in
    full (``u = 1``):

    * ``price_per_gpu_hour = R / (G * 8760 * u)`` with ``R`` the deal's
      ``usd_per_mw_year``: 9.7e6 / (700 * 8760) = 1.58 USD per GPU-hour;
    * ``capex_per_gpu = 5.8e9 / 200 / G`` = 41,400 USD (GPU plus its share
      of racks, networking and ancillary gear).

    The preset then earns ``R`` per IT MW-year at full load whatever ``G``.
    Not published, so taken as assumptions: ``contract_years`` = the deal's
    term, ``gpu_life_years`` 5 (no replacement within the contract),
    ``opex_share`` 0.10, ``gross_to_it`` :data:`DEFAULT_GROSS_TO_IT`,
    ``fitout_capex_per_it_mw`` :data:`DEFAULT_CAPEX_PER_IT_MW` (IREN builds
    its own halls), build and ramp :data:`DEFAULT_BUILD_DAYS` and
    :data:`DEFAULT_RAMP_DAYS`.

    Examples
    --------
    >>> cloud = gpu_cloud_from_deal("iren-microsoft-2025-11")
    >>> round(cloud.price_per_gpu_hour, 3), round(cloud.annual_revenue_per_it_mw(0) * 200 / 1e9, 2)
    (1.582, 1.94)
    """
    deal = get_deal(name)
    if deal["kind"] != "gpu_cloud":
        raise ValueError(
            f"name must be a gpu_cloud deal, got {name!r} of kind {deal['kind']!r}; "
            "use lease_from_deal for colocation deals"
        )
    terms = _GPU_CLOUD_TERMS.get(str(deal.name), {})
    gpus = check_scalar(
        "gpus_per_it_mw",
        overrides.get("gpus_per_it_mw", IREN_GPUS_PER_IT_MW),
        low=0,
        low_open=True,
        unit="[GPU per IT MW]",
    )
    utilisation = check_scalar(
        "utilisation", overrides.get("utilisation", 1.0), low=0, high=1, low_open=True
    )
    params: dict[str, Any] = {
        "gpus_per_it_mw": gpus,
        "utilisation": utilisation,
        "price_per_gpu_hour": float(deal["usd_per_mw_year"])
        / (gpus * _HOURS_PER_YEAR * utilisation),
        "contract_years": float(deal["term_years"]),
        "prepayment_share": terms.get("prepayment_share", 0.0),
    }
    if "equipment_capex_usd" in terms:
        params["capex_per_gpu"] = terms["equipment_capex_usd"] / float(deal["mw"]) / gpus
    elif "capex_per_gpu" not in overrides:
        raise ValueError(
            f"capex_per_gpu must be given for deal {name!r}: no published equipment cost"
        )
    derived = [params["price_per_gpu_hour"], params.get("capex_per_gpu", 0.0)]
    if not np.isfinite(derived).all():
        raise ValueError(
            "gpus_per_it_mw and utilisation must be large enough for a finite price and capex "
            f"per GPU, got gpus_per_it_mw={gpus:g} and utilisation={utilisation:g}"
        )
    return with_overrides(GpuCloud, params, overrides)


# --------------------------------------------------------------------------
# Layer-1 helpers
# --------------------------------------------------------------------------


def it_load_profile(
    n_days: int, build_days: float, ramp_days: float, active_days: float
) -> FloatArray:
    """Share of contracted IT load in service on each day.

    Parameters
    ----------
    n_days : int
        Days from the decision, 0 to 1,095,000 (3,000 years).
    build_days : float
        Days from the decision to the first IT load [day], >= 0, finite.
    ramp_days : float
        Days of linear ramp to full load [day], >= 0 (0: full load at once),
        finite.
    active_days : float
        Days from the first IT load to the end of the contract [day], >= 0,
        finite.

    Returns
    -------
    numpy.ndarray
        IT load [-] in [0, 1], shape ``(n_days,)``.

    Notes
    -----
    With ``b`` = build_days, ``r`` = ramp_days and ``T`` = active_days, day
    ``t`` (covering ``[t, t + 1)``) has load ``0`` for ``t < b`` or
    ``t >= b + T``, else ``min(1, (t + 1/2 - b) / r)`` (``1`` when
    ``r = 0``): the ramp is taken at the middle of each day, so the loads of
    the ramp sum to ``r / 2`` full-load days, the integral of a linear ramp.

    Examples
    --------
    >>> it_load_profile(7, build_days=2, ramp_days=2, active_days=4)
    array([0.  , 0.  , 0.25, 0.75, 1.  , 1.  , 0.  ])
    """
    n_days = _check_n_days(n_days)
    build_days = check_scalar("build_days", build_days, low=0, unit="[day]")
    ramp_days = check_scalar("ramp_days", ramp_days, low=0, unit="[day]")
    active_days = check_scalar("active_days", active_days, low=0, unit="[day]")
    t = np.arange(n_days, dtype=float)
    since = t - build_days
    if ramp_days > 0:
        # A ramp of a tiny fraction of a day overflows to full load at once.
        with np.errstate(over="ignore"):
            load = np.clip((since + 0.5) / ramp_days, 0.0, 1.0)
    else:
        load = np.ones(n_days)
    return np.where((since >= 0) & (since < active_days), load, 0.0)


def _check_n_days(n_days: object) -> int:
    n_days = check_count("n_days", n_days, low=0, unit="[day]")
    if n_days > _MAX_DAYS:
        raise ValueError(
            f"n_days must be at most {_MAX_DAYS:,} [day] (the longest contract: build, term "
            f"and extensions of {MAX_YEARS:g} years each), got {n_days:,}"
        )
    return n_days


def _spread_over_build(n_days: int, build_days: float, total: float) -> FloatArray:
    """``total`` spread evenly over days ``t < build_days`` (all on day 0 if none)."""
    out = np.zeros(n_days)
    days = max(1, math.ceil(build_days))
    out[: min(days, n_days)] = total / days
    return out


# --------------------------------------------------------------------------
# Shared machinery of the two contracts
# --------------------------------------------------------------------------


class _Contract:
    """Daily flows, default handling and metrics; subclasses give ``_flows``."""

    build_days: float
    ramp_days: float
    default_hazard: float
    gross_to_it: float
    pue: float | None  # filled in by the subclasses' __post_init__ when None
    power_pass_through: bool

    # Subclasses define the contract length and the flows given survival.
    @property
    def _active_days(self) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def _flows(
        self, n_days: int, it_mw: float, power_price: np.ndarray, alive: np.ndarray
    ) -> dict[str, np.ndarray]:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def horizon_days(self) -> int:
        """Days from the decision to the end of the contract [day]."""
        return math.ceil(self.build_days + self._active_days)

    def it_load(self, n_days: int) -> FloatArray:
        """Daily share of contracted IT load in service [-], shape ``(n_days,)``.

        0 before ``build_days``, a linear ramp over ``ramp_days``, 1 until the
        end of the contract, 0 after (see :func:`it_load_profile`).
        """
        return it_load_profile(n_days, self.build_days, self.ramp_days, self._active_days)

    def sample_default_days(self, rng: SeedLike, n_paths: int) -> FloatArray:
        """Exponential tenant default times.

        Parameters
        ----------
        rng : numpy.random.Generator, int or None
            Generator, or a seed (an int >= 0) for one.
        n_paths : int
            Number of draws, 0 to 100,000,000.

        Returns
        -------
        numpy.ndarray
            Default day of each path [day from the decision], shape
            ``(n_paths,)``; ``inf`` everywhere when ``default_hazard`` is 0.

        Notes
        -----
        ``d ~ Exponential(rate = h / 365)``, i.e. ``P(d > t) = exp(-h t / 365)``
        with ``h`` = default_hazard [1/year].
        """
        n_paths = check_count("n_paths", n_paths, low=0)
        if n_paths > _MAX_PATHS:
            raise ValueError(f"n_paths must be at most {_MAX_PATHS:,}, got {n_paths:,}")
        rng = _generator(rng)
        if self.default_hazard == 0:
            return np.full(n_paths, np.inf)
        return rng.exponential(DAYS_PER_YEAR / self.default_hazard, size=n_paths)

    def _inputs(
        self, n_days: int | None, it_mw: float, power_price: ArrayLike | None
    ) -> tuple[int, float, np.ndarray]:
        n_days = self.horizon_days if n_days is None else _check_n_days(n_days)
        it_mw = check_scalar("it_mw", it_mw, low=0, unit="[MW]")
        if power_price is None:
            if not self.power_pass_through:
                raise ValueError(
                    "power_price is required [USD/kWh]: the operator pays the power "
                    "(power_pass_through=False)"
                )
            power_price = 0.0
        price = check("power_price", power_price, low=0, unit="[USD/kWh]")
        price = np.asarray(price, dtype=float)
        if not np.isfinite(price).all():
            raise ValueError(f"power_price must be finite [USD/kWh], got {price.max()}")
        if price.ndim > 1 or (price.ndim == 1 and price.shape[0] != n_days):
            raise ValueError(
                f"power_price must be a number or one value per day of n_days ({n_days}), "
                f"got shape {price.shape}"
            )
        return n_days, it_mw, np.broadcast_to(price, (n_days,))

    def daily_cash_flows(
        self,
        n_days: int | None = None,
        *,
        it_mw: float = 1.0,
        power_price: ArrayLike | None = None,
        default_day: ArrayLike | None = None,
    ) -> dict[str, FloatArray]:
        """Daily cash flows with an optional tenant default.

        Parameters
        ----------
        n_days : int, optional
            Days from the decision, >= 0; default :attr:`horizon_days`.
        it_mw : float, default 1
            Contracted critical IT load [MW], >= 0.
        power_price : float or array, optional
            Site power price [USD/kWh], >= 0 and finite, constant or one per day;
            required when the operator pays the power
            (``power_pass_through=False``), unused otherwise.
        default_day : None, float or array, optional
            Day of the tenant's default [day from the decision], >= 0
            (``inf``: never). None: no default. An array of shape
            ``(paths,)`` gives flows of shape ``(paths, n_days)``.

        Returns
        -------
        dict of numpy.ndarray
            ``revenue``, ``opex``, ``power_cost``, ``capex`` and
            ``cash_flow = revenue - opex - power_cost - capex`` [USD/day].

        Raises
        ------
        ValueError
            For a bad argument, or flows beyond the range of a float (an
            enormous ``it_mw`` or ``power_price``).
        """
        n_days, it_mw, price = self._inputs(n_days, it_mw, power_price)
        t = np.arange(n_days, dtype=float)
        if default_day is None:
            alive = np.ones(n_days)
        else:
            day = check("default_day", default_day, low=0, unit="[day]")
            day = np.asarray(day, dtype=float)
            if day.ndim > 1:
                raise ValueError(
                    f"default_day must be a number or a 1-d array of paths, got shape {day.shape}"
                )
            alive = (t < day[..., None]).astype(float)
        # An overflow is refused by _finish with a message naming the arguments.
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finish(self._flows(n_days, it_mw, price, alive))

    def expected_daily_cash_flows(
        self,
        n_days: int | None = None,
        *,
        it_mw: float = 1.0,
        power_price: ArrayLike | None = None,
    ) -> dict[str, FloatArray]:
        """Daily cash flows in expectation over the tenant's default.

        Parameters
        ----------
        n_days, it_mw, power_price
            As in :meth:`daily_cash_flows`.

        Returns
        -------
        dict of numpy.ndarray
            As :meth:`daily_cash_flows`, shape ``(n_days,)`` [USD/day].

        Notes
        -----
        The indicator ``1[t < d]`` of :meth:`daily_cash_flows` is replaced
        by the survival probability ``S(t) = exp(-h t / 365)``. Every flow is
        linear in that indicator, so these are the exact expectations of the
        flows over exponential default days (:meth:`sample_default_days`).
        """
        n_days, it_mw, price = self._inputs(n_days, it_mw, power_price)
        t = np.arange(n_days, dtype=float)
        alive = np.exp(-self.default_hazard * t / DAYS_PER_YEAR)
        # An overflow is refused by _finish with a message naming the arguments.
        with np.errstate(over="ignore", invalid="ignore"):
            return self._finish(self._flows(n_days, it_mw, price, alive))

    @staticmethod
    def _finish(parts: dict[str, np.ndarray]) -> dict[str, FloatArray]:
        keys = ("revenue", "opex", "power_cost", "capex")
        arrays = np.broadcast_arrays(*(parts[k] for k in keys))
        out = {k: np.array(a, dtype=float) for k, a in zip(keys, arrays, strict=True)}
        out["cash_flow"] = out["revenue"] - out["opex"] - out["power_cost"] - out["capex"]
        if not all(np.isfinite(flow).all() for flow in out.values()):
            raise ValueError(
                "it_mw and power_price must be small enough for finite cash flows: the flows "
                "of this contract exceed the range of a float (about 1.8e308 USD/day)"
            )
        return out

    def _cash_flow(
        self,
        n_days: int | None,
        it_mw: float,
        power_price: ArrayLike | None,
        default_day: ArrayLike | None,
    ) -> FloatArray:
        if default_day is None:
            flows = self.expected_daily_cash_flows(n_days, it_mw=it_mw, power_price=power_price)
        else:
            flows = self.daily_cash_flows(
                n_days, it_mw=it_mw, power_price=power_price, default_day=default_day
            )
        return flows["cash_flow"]

    def npv(
        self,
        rate: float,
        n_days: int | None = None,
        *,
        it_mw: float = 1.0,
        power_price: ArrayLike | None = None,
        default_day: ArrayLike | None = None,
    ) -> float | FloatArray:
        """Net present value of the daily cash flows.

        Parameters
        ----------
        rate : float
            Annual effective discount rate [-], > -1.
        n_days : int, optional
            Days from the decision, >= 1; default :attr:`horizon_days`.
        it_mw, power_price
            As in :meth:`daily_cash_flows` (default: per IT MW).
        default_day : None, float or array, optional
            None: expected flows (:meth:`expected_daily_cash_flows`); else
            as in :meth:`daily_cash_flows` (one NPV per path for an array).

        Returns
        -------
        NPV [USD] at day 0 (the decision): a float, or one per path.

        Notes
        -----
        :func:`minerecon.cashflow.npv` with 365 periods per year.
        """
        flows = self._cash_flow(n_days, it_mw, power_price, default_day)
        if flows.shape[-1] == 0:
            raise ValueError("n_days must be >= 1 for an NPV, got 0")
        return cashflow.npv(flows, rate, periods_per_year=DAYS_PER_YEAR)

    def irr(
        self,
        n_days: int | None = None,
        *,
        it_mw: float = 1.0,
        power_price: ArrayLike | None = None,
        default_day: ArrayLike | None = None,
    ) -> float | FloatArray:
        """Internal rate of return of the daily cash flows.

        Parameters
        ----------
        n_days, it_mw, power_price, default_day
            As in :meth:`npv`.

        Returns
        -------
        IRR [-, annual effective]: a float, or one per path; ``nan`` where
        the flows do not change sign; ``inf`` where the annual rate is
        beyond the range of a float (an outlay recovered within days).

        Notes
        -----
        :func:`minerecon.cashflow.irr` of the daily flows with 365 periods
        per year: the rate at which :meth:`npv` of the same flows is zero.

        Examples
        --------
        Ten years of rent, 1.8 M USD a year paid daily from day 0, on a hall
        bought for 10 M USD per IT MW on day 0:

        >>> lease = ColocationLease(rate=150.0, term_years=10, build_days=0, ramp_days=0,
        ...                         capex_per_it_mw=10e6, noi_margin=1.0)
        >>> irr = lease.irr()
        >>> round(irr, 4), abs(lease.npv(irr)) < 1e-3
        (0.141, True)
        """
        flows = self._cash_flow(n_days, it_mw, power_price, default_day)
        if flows.shape[-1] == 0:
            raise ValueError("n_days must be >= 1 for an IRR, got 0")
        return cashflow.irr(flows, periods_per_year=DAYS_PER_YEAR)

    def payback_days(
        self,
        n_days: int | None = None,
        *,
        it_mw: float = 1.0,
        power_price: ArrayLike | None = None,
        default_day: ArrayLike | None = None,
    ) -> float | FloatArray:
        """Days from the decision until the cumulative cash flow turns non-negative.

        Parameters
        ----------
        n_days, it_mw, power_price, default_day
            As in :meth:`npv`.

        Returns
        -------
        Payback [day]: a float, or one per path; ``inf`` if it never pays
        back within ``n_days``.

        Notes
        -----
        :func:`minerecon.cashflow.payback_period` of the daily flows
        (undiscounted, interpolated within the day).
        """
        flows = self._cash_flow(n_days, it_mw, power_price, default_day)
        if flows.shape[-1] == 0:
            raise ValueError("n_days must be >= 1 for a payback, got 0")
        return cashflow.payback_period(flows)

    def _power_cost(self, it_mw: float, power_price: np.ndarray, load: np.ndarray) -> np.ndarray:
        if self.power_pass_through:
            return np.zeros_like(load)
        assert self.pue is not None  # set by __post_init__
        return self.pue * it_mw * _KW_PER_MW * HOURS_PER_DAY * power_price * load


def _generator(rng: SeedLike) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    # numpy counts timedelta64 as an integer: refuse it with booleans.
    whole = isinstance(rng, int | np.integer) and not isinstance(rng, bool | np.timedelta64)
    if whole and rng >= 0:
        return np.random.default_rng(int(rng))
    raise ValueError(
        f"rng must be a numpy.random.Generator, a seed (an int >= 0) or None, got {rng!r}"
    )


def _validate_common(obj: ColocationLease | GpuCloud) -> None:
    check_scalar("gross_to_it", obj.gross_to_it, low=1, unit="[-]")
    if obj.pue is None:
        object.__setattr__(obj, "pue", min(DEFAULT_PUE, float(obj.gross_to_it)))
    check_scalar("pue", obj.pue, low=1, high=obj.gross_to_it, unit="[-], at most gross_to_it")
    days = MAX_YEARS * DAYS_PER_YEAR
    check_scalar("build_days", obj.build_days, low=0, high=days, unit="[day]")
    check_scalar("ramp_days", obj.ramp_days, low=0, high=days, unit="[day]")
    check_scalar("default_hazard", obj.default_hazard, low=0, unit="[1/year]")
    if not isinstance(obj.power_pass_through, bool | np.bool_):
        raise ValueError(
            f"power_pass_through must be True or False, got {obj.power_pass_through!r}"
        )
    for field in dataclasses.fields(obj):
        value = getattr(obj, field.name)
        if isinstance(value, int | float | np.number) and not isinstance(value, bool):
            object.__setattr__(obj, field.name, float(value))
    object.__setattr__(obj, "power_pass_through", bool(obj.power_pass_through))


# --------------------------------------------------------------------------
# Colocation lease
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ColocationLease(_Contract):
    """A colocation (powered-shell / data-hall) lease, seen by the landlord.

    Parameters
    ----------
    rate : float
        Rent in the first contract year [USD per kW of IT per month], >= 0.
    term_years : float
        Initial term from the first IT load [year], > 0.
    escalator : float, default 0
        Annual rent escalation [1/year], > -1.
    extension_years : float, default 0
        Extension options, assumed exercised at the escalated rent [year], >= 0.
    gross_to_it : float, default 1.35
        Site power reserved per MW of critical IT load [-], >= 1.
    pue : float, optional
        Site energy per unit of IT energy (design PUE) [-], in
        [1, gross_to_it]; bills the power when the landlord pays it.
        Default :data:`DEFAULT_PUE` (1.18), at most ``gross_to_it``.
    capex_per_it_mw : float, default 9.5e6
        Build and fit-out cost [USD per IT MW], >= 0.
    tenant_capex_share : float, default 0
        Share of that cost the tenant funds [-], in [0, 1].
    build_days : float, default 365
        Days from the decision to the first IT load [day], >= 0.
    ramp_days : float, default 180
        Days of linear ramp to full IT load [day], >= 0.
    noi_margin : float, default 0.85
        Net operating income over rent [-], in [0, 1]; ignored when
        ``opex_per_it_mw_year`` is given.
    opex_per_it_mw_year : float, optional
        Operating cost [USD per IT MW per year], >= 0. Takes precedence over
        ``noi_margin`` when given.
    power_pass_through : bool, default True
        True: the tenant pays its power and the landlord's revenue is rent.
        False: the landlord pays the site's power, ``pue`` times the IT
        load, at the site power price, out of the rent.
    default_hazard : float, default 0
        Tenant default intensity [1/year], >= 0.
    backstop_share : float, default 0
        Share of the rent a guarantor keeps paying after a default [-], in
        [0, 1].

    Notes
    -----
    With IT load ``L_t`` (:meth:`it_load`), contract year
    ``y_t = floor((t - build_days) / 365)``, survival indicator ``a_t``
    (``1[t < d]``, or ``S(t)`` in expectation), for ``M`` IT MW and power
    price ``p_t`` [USD/kWh]:

    * rent ``R_t = rate * 12000 * (1 + e) ** y_t / 365 * L_t * M``,
      revenue ``R_t (a_t + b (1 - a_t))`` with ``b`` = backstop_share;
    * opex ``(1 - noi_margin) * revenue``, or
      ``opex_per_it_mw_year / 365 * L_t * M`` when given (continues after a
      default: the landlord still runs the site);
    * power ``pue * M * 1000 kW * 24 h * p_t * L_t * a_t`` when not
      passed through, else 0 (``gross_to_it`` sets the site power the
      contract reserves, not the energy it draws);
    * capex: the landlord's share ``(1 - tenant_capex_share) *
      capex_per_it_mw * M`` spread evenly over the build days
      ``t < build_days`` (all on day 0 when ``build_days`` is 0), whatever
      the tenant does later.

    Nothing is modelled after the end of the contract (no re-letting, no
    terminal value), and a defaulted hall is not re-let.

    References
    ----------
    Published deal terms: ``minerecon/data/ai_deals_README.md``.

    Examples
    --------
    >>> lease = ColocationLease(rate=150.0, term_years=10, build_days=0, ramp_days=0,
    ...                         capex_per_it_mw=0.0, noi_margin=1.0)
    >>> lease.annual_rent_per_it_mw(0)
    1800000.0
    >>> round(lease.npv(0.0) / 1e6, 1)          # 10 years of rent, undiscounted
    18.0
    """

    rate: float
    term_years: float
    escalator: float = 0.0
    extension_years: float = 0.0
    gross_to_it: float = DEFAULT_GROSS_TO_IT
    pue: float | None = None
    capex_per_it_mw: float = DEFAULT_CAPEX_PER_IT_MW
    tenant_capex_share: float = 0.0
    build_days: float = DEFAULT_BUILD_DAYS
    ramp_days: float = DEFAULT_RAMP_DAYS
    noi_margin: float = DEFAULT_NOI_MARGIN
    opex_per_it_mw_year: float | None = None
    power_pass_through: bool = True
    default_hazard: float = 0.0
    backstop_share: float = 0.0

    def __post_init__(self) -> None:
        check_scalar("rate", self.rate, low=0, unit="[USD per kW IT per month]")
        check_scalar(
            "term_years", self.term_years, low=0, low_open=True, high=MAX_YEARS, unit="[year]"
        )
        check_scalar("escalator", self.escalator, low=-1, low_open=True, unit="[1/year]")
        check_scalar("extension_years", self.extension_years, low=0, high=MAX_YEARS, unit="[year]")
        check_scalar("capex_per_it_mw", self.capex_per_it_mw, low=0, unit="[USD per IT MW]")
        check_scalar("tenant_capex_share", self.tenant_capex_share, low=0, high=1, unit="[-]")
        check_scalar("noi_margin", self.noi_margin, low=0, high=1, unit="[-]")
        if self.opex_per_it_mw_year is not None:
            check_scalar(
                "opex_per_it_mw_year", self.opex_per_it_mw_year, low=0, unit="[USD per IT MW year]"
            )
        check_scalar("backstop_share", self.backstop_share, low=0, high=1, unit="[-]")
        _validate_common(self)

    @property
    def _active_days(self) -> float:
        return DAYS_PER_YEAR * (self.term_years + self.extension_years)

    @property
    def landlord_capex_per_it_mw(self) -> float:
        """Build cost the landlord funds [USD per IT MW]."""
        return (1.0 - self.tenant_capex_share) * self.capex_per_it_mw

    def annual_rent_per_it_mw(self, year: ArrayLike) -> float | FloatArray:
        """Rent of a contract year at full load [USD per IT MW per year].

        Parameters
        ----------
        year : int or array
            Contract year counted from the first IT load, 0 first; fractions
            are floored.

        Returns
        -------
        ``rate * 12 * 1000 * (1 + escalator) ** year`` inside the term and
        extensions, 0 outside.
        """
        floored = np.floor(check("year", year, unit="[year]"))
        inside = (floored >= 0) & (floored < self.term_years + self.extension_years)
        rent = np.where(
            inside,
            self.rate
            * _MONTHS_PER_YEAR
            * _KW_PER_MW
            * (1.0 + self.escalator) ** np.where(inside, floored, 0),
            0.0,
        )
        return float(rent) if np.ndim(rent) == 0 else rent

    def _flows(
        self, n_days: int, it_mw: float, power_price: np.ndarray, alive: np.ndarray
    ) -> dict[str, np.ndarray]:
        load = self.it_load(n_days)
        year = np.floor((np.arange(n_days) - self.build_days) / DAYS_PER_YEAR)
        rent = self.annual_rent_per_it_mw(year) / DAYS_PER_YEAR * load * it_mw
        revenue = rent * (alive + self.backstop_share * (1.0 - alive))
        if self.opex_per_it_mw_year is None:
            opex = (1.0 - self.noi_margin) * revenue
        else:
            opex = self.opex_per_it_mw_year / DAYS_PER_YEAR * load * it_mw
        return {
            "revenue": revenue,
            "opex": opex,
            "power_cost": self._power_cost(it_mw, power_price, load) * alive,
            "capex": _spread_over_build(
                n_days, self.build_days, self.landlord_capex_per_it_mw * it_mw
            ),
        }


# --------------------------------------------------------------------------
# GPU cloud
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class GpuCloud(_Contract):
    """A GPU-cloud contract, seen by the operator that owns the GPUs.

    Parameters
    ----------
    gpus_per_it_mw : float
        GPUs per MW of critical IT load [GPU per IT MW], > 0.
    price_per_gpu_hour : float
        Contract price [USD per GPU-hour], >= 0.
    capex_per_gpu : float
        Cost of one GPU with its share of servers, racks and network [USD], >= 0.
    utilisation : float, default 1
        Share of GPU-hours billed [-], in (0, 1] (1 for reserved capacity).
    gpu_life_years : float, default 5
        Useful life of the GPUs [year], > 0 and at least
        ``contract_years / 1000`` (straight-line depreciation).
    opex_share : float, default 0.10
        Operating cost (staff, maintenance, network) over revenue earned [-],
        in [0, 1]; ignored when ``opex_per_gpu_hour`` is given.
    opex_per_gpu_hour : float, optional
        Operating cost per installed GPU-hour [USD], >= 0. Takes precedence
        over ``opex_share`` when given.
    gross_to_it : float, default 1.35
        Site power reserved per MW of critical IT load [-], >= 1.
    pue : float, optional
        Site energy per unit of IT energy (design PUE) [-], in
        [1, gross_to_it]. Default :data:`DEFAULT_PUE` (1.18), at most
        ``gross_to_it``.
    fitout_capex_per_it_mw : float, default 9.5e6
        Data-hall build and fit-out cost [USD per IT MW], >= 0.
    build_days : float, default 365
        Days from the decision to the first IT load [day], >= 0.
    ramp_days : float, default 180
        Days of linear ramp to full IT load [day], >= 0.
    contract_years : float, default 5
        Contract length from the first IT load [year], > 0.
    power_pass_through : bool, default False
        False (usual for GPU cloud): the operator pays the site's gross power.
    default_hazard : float, default 0
        Customer default intensity [1/year], >= 0.
    prepayment_share : float, default 0
        Share of the contract value the customer prepays [-], in [0, 1],
        received as the GPUs are delivered (it funds them).

    Notes
    -----
    With ``G = gpus_per_it_mw * M`` GPUs for ``M`` IT MW, load ``L_t`` and
    survival ``a_t`` as for :class:`ColocationLease`:

    * scheduled revenue ``Q_t = G * price * 24 * u * L_t``; contract value
      ``V = sum of Q_t`` over the whole contract;
    * revenue ``(1 - s) Q_t a_t`` plus the prepayment ``s V``, received as
      the GPUs it funds are delivered, ``s V max(0, L_t - L_{t-1}) a_t``; it
      is credited pro rata against every invoice and kept on a later
      default;
    * opex ``opex_share * Q_t a_t`` (on the service delivered, not on the
      prepayment), or ``opex_per_gpu_hour * G * 24 * L_t`` when given
      (continues after a default);
    * power ``pue * M * 1000 kW * 24 h * p_t * L_t * a_t`` unless
      passed through: the GPUs draw full IT power whatever the utilisation;
    * capex: fit-out ``fitout_capex_per_it_mw * M`` spread evenly over the
      build days (as for the lease); GPUs ``capex_per_gpu * G`` bought as
      the load comes in, ``capex_per_gpu * G * max(0, L_t - L_{t-1})``;
      each tranche is bought again ``gpu_life_years`` later if the contract
      is still running then. No residual value at the end of the contract.

    :attr:`annual_depreciation_per_it_mw` gives the straight-line
    depreciation for accounting views; cash flows use the purchases.

    Examples
    --------
    >>> cloud = GpuCloud(gpus_per_it_mw=700, price_per_gpu_hour=2.0, capex_per_gpu=40_000)
    >>> round(cloud.annual_revenue_per_it_mw(0) / 1e6, 3)   # 700 * 2 * 8760
    12.264
    """

    gpus_per_it_mw: float
    price_per_gpu_hour: float
    capex_per_gpu: float
    utilisation: float = 1.0
    gpu_life_years: float = 5.0
    opex_share: float = 0.10
    opex_per_gpu_hour: float | None = None
    gross_to_it: float = DEFAULT_GROSS_TO_IT
    pue: float | None = None
    fitout_capex_per_it_mw: float = DEFAULT_CAPEX_PER_IT_MW
    build_days: float = DEFAULT_BUILD_DAYS
    ramp_days: float = DEFAULT_RAMP_DAYS
    contract_years: float = 5.0
    power_pass_through: bool = False
    default_hazard: float = 0.0
    prepayment_share: float = 0.0

    def __post_init__(self) -> None:
        check_scalar(
            "gpus_per_it_mw", self.gpus_per_it_mw, low=0, low_open=True, unit="[GPU/IT MW]"
        )
        check_scalar("price_per_gpu_hour", self.price_per_gpu_hour, low=0, unit="[USD/GPU-hour]")
        check_scalar("capex_per_gpu", self.capex_per_gpu, low=0, unit="[USD]")
        check_scalar("utilisation", self.utilisation, low=0, high=1, low_open=True, unit="[-]")
        check_scalar(
            "gpu_life_years",
            self.gpu_life_years,
            low=0,
            low_open=True,
            high=MAX_YEARS,
            unit="[year]",
        )
        check_scalar("opex_share", self.opex_share, low=0, high=1, unit="[-]")
        if self.opex_per_gpu_hour is not None:
            check_scalar("opex_per_gpu_hour", self.opex_per_gpu_hour, low=0, unit="[USD/GPU-hour]")
        check_scalar(
            "fitout_capex_per_it_mw", self.fitout_capex_per_it_mw, low=0, unit="[USD/IT MW]"
        )
        check_scalar(
            "contract_years",
            self.contract_years,
            low=0,
            low_open=True,
            high=MAX_YEARS,
            unit="[year]",
        )
        check_scalar("prepayment_share", self.prepayment_share, low=0, high=1, unit="[-]")
        # Each purchase is a pass over the days: bound their number.
        shortest = self.contract_years / _MAX_GPU_REPLACEMENTS
        if self.gpu_life_years < shortest:
            raise ValueError(
                f"gpu_life_years must be at least contract_years / {_MAX_GPU_REPLACEMENTS} = "
                f"{shortest:g} [year] (at most {_MAX_GPU_REPLACEMENTS} GPU purchases in a "
                f"contract), got {self.gpu_life_years:g}"
            )
        _validate_common(self)

    @property
    def _active_days(self) -> float:
        return DAYS_PER_YEAR * self.contract_years

    @property
    def gpu_capex_per_it_mw(self) -> float:
        """Cost of the GPUs of one IT MW [USD per IT MW]."""
        return self.capex_per_gpu * self.gpus_per_it_mw

    @property
    def annual_depreciation_per_it_mw(self) -> float:
        """Straight-line GPU depreciation [USD per IT MW per year]."""
        return self.gpu_capex_per_it_mw / self.gpu_life_years

    def annual_revenue_per_it_mw(self, year: ArrayLike) -> float | FloatArray:
        """Compute revenue of a contract year at full load [USD per IT MW per year].

        Parameters
        ----------
        year : int or array
            Contract year counted from the first IT load, 0 first.

        Returns
        -------
        ``gpus_per_it_mw * price_per_gpu_hour * 8760 * utilisation`` inside
        the contract, 0 outside.
        """
        floored = np.floor(check("year", year, unit="[year]"))
        inside = (floored >= 0) & (floored < self.contract_years)
        annual = self.gpus_per_it_mw * self.price_per_gpu_hour * _HOURS_PER_YEAR
        out = np.where(inside, annual * self.utilisation, 0.0)
        return float(out) if np.ndim(out) == 0 else out

    def _scheduled(self, load: np.ndarray, it_mw: float) -> np.ndarray:
        gpus = self.gpus_per_it_mw * it_mw
        return gpus * self.price_per_gpu_hour * HOURS_PER_DAY * self.utilisation * load

    def _gpu_purchases(self, n_days: int, it_mw: float) -> np.ndarray:
        horizon = max(n_days, self.horizon_days)
        load = self.it_load(horizon)
        first = np.maximum(np.diff(load, prepend=0.0), 0.0) * self.gpu_capex_per_it_mw * it_mw
        purchases = first.copy()
        end = self.build_days + self._active_days
        life = DAYS_PER_YEAR * self.gpu_life_years
        t = np.arange(horizon)
        k = 1
        while self.build_days + k * life < end:
            shift = math.ceil(k * life)
            again = np.zeros(horizon)
            again[shift:] = first[: horizon - shift]
            purchases += np.where(t < end, again, 0.0)
            k += 1
        return purchases[:n_days]

    def _flows(
        self, n_days: int, it_mw: float, power_price: np.ndarray, alive: np.ndarray
    ) -> dict[str, np.ndarray]:
        load = self.it_load(n_days)
        scheduled = self._scheduled(load, it_mw)
        contract_value = float(self._scheduled(self.it_load(self.horizon_days), it_mw).sum())
        delivered = np.maximum(np.diff(load, prepend=0.0), 0.0)
        prepayment = self.prepayment_share * contract_value * delivered
        revenue = ((1.0 - self.prepayment_share) * scheduled + prepayment) * alive
        if self.opex_per_gpu_hour is None:
            opex = self.opex_share * scheduled * alive
        else:
            opex = self.opex_per_gpu_hour * self.gpus_per_it_mw * it_mw * HOURS_PER_DAY * load
        capex = _spread_over_build(n_days, self.build_days, self.fitout_capex_per_it_mw * it_mw)
        return {
            "revenue": revenue,
            "opex": opex,
            "power_cost": self._power_cost(it_mw, power_price, load) * alive,
            "capex": capex + self._gpu_purchases(n_days, it_mw),
        }
