"""Ready-made site studies from published company figures.

:data:`PRESETS` maps a name to a factory returning a
:class:`~minerecon.config.SiteStudy`; :func:`get_preset` looks one up.
Every number is either sourced (the company's filings and the published
hosting deals, as collected in ``sources.md``: sections 4 and 6) or marked
as an assumption in the factory's docstring and in the study's ``notes``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from minerecon._contract import UnknownNameError, check_count
from minerecon.units import W_PER_MW

if TYPE_CHECKING:
    from minerecon.config import SiteStudy

__all__ = ["CLEANSPARK_FY2025", "PRESETS", "CleanSparkFacts", "cleanspark_fy2025", "get_preset"]


@dataclasses.dataclass(frozen=True)
class CleanSparkFacts:
    """CleanSpark (CLSK) figures for fiscal 2025 (year to 30 Sep 2025).

    Attributes
    ----------
    hashrate_eh : float
        Operational hashrate on 2025-09-30 [EH/s]: 45.6 (10-K via StockTitan, C).
    efficiency_j_per_th : float
        Fleet average efficiency on 2025-09-30 [J/TH]: 16.7 (10-K via StockTitan, C).
    contracted_mw : float
        Contracted power [MW]: ~1,027 over 33 sites (10-K via StockTitan + blog, C/D).
    power_price_usd_per_kwh : float
        Power cost in Q1 FY26 (Oct-Dec 2025) [USD/kWh]: 0.056, against 0.049 in
        Q1 FY25 (call via intellectia; 10-Q via StockTitan, C).
    texas_site_mw : float
        Long-term power of the 271-acre Austin County, Texas site intended as an
        "AI factory for a high-quality tenant" [MW]: 285 (10-K via StockTitan, C).
    miners_owned, miners_in_service : int
        336,544 and 241,934 on 2025-09-30 (10-K via StockTitan, C).
    results_date : str
        FY2025 results and 10-K, 2025-11-25: the day the Texas plan was public.
    """

    hashrate_eh: float = 45.6
    efficiency_j_per_th: float = 16.7
    contracted_mw: float = 1027.0
    power_price_usd_per_kwh: float = 0.056
    power_price_q1_fy25_usd_per_kwh: float = 0.049
    texas_site_mw: float = 285.0
    miners_owned: int = 336_544
    miners_in_service: int = 241_934
    results_date: str = "2025-11-25"

    @property
    def miners_idle(self) -> int:
        """Machines owned but not in service [-]: 336,544 - 241,934 = 94,610."""
        return self.miners_owned - self.miners_in_service

    @property
    def fleet_it_mw(self) -> float:
        """Machine power of the operating fleet [MW]: 45.6 EH/s * 16.7 J/TH = 761.5."""
        return self.hashrate_eh * 1e6 * self.efficiency_j_per_th / W_PER_MW


#: The published figures used by :func:`cleanspark_fy2025`.
CLEANSPARK_FY2025 = CleanSparkFacts()

#: The hosting deal the Texas site is priced on: Cipher-Fluidstack, Barber Lake
#: (Texas), 2025-09-25: 168 MW IT / 244 MW gross, 10 years, ~$3.0 B, NOI 80-85 %,
#: capex $9-11 M per IT MW, ready September 2026 (12 months), Google backstop
#: $1.4 B (sources.md section 6).
CLEANSPARK_HOSTING_DEAL = "cipher-fluidstack-barber-lake-2025-09"

# Assumptions (not published; labelled in the study's notes).
_MINER_HASHRATE_TH = 200.0  # S21-class unit (Antminer S21 nameplate, sources.md section 7)
_MINING_PUE = 1.10  # CBECI best guess (sources.md section 6); range 1.01-1.20
_POOL_FEE = 0.01  # typical FPPS fee
_FAILURE_RATE = 0.05  # machines lost per year
_MINING_CAPEX_PER_MW = 300_000.0  # mining build-out of a greenfield site [USD/MW]
_DEFAULT_HAZARD = 0.02  # tenant default intensity [1/year]
_DISCOUNT_RATE = 0.10  # the conservative view's one rate
# Network hashrate: 1 %/month (12.7 %/year), well below the ~50 % of Nov 2024 -
# Nov 2025 (733 -> ~1,100 EH/s, sources.md section 3), noise 0.21/sqrt(year) as
# fitted by calibrate() (no economic response: simple and transparent).
# Fees: constant at the start's level, a conservative case. StochasticFees fitted
# to the four years to 2025-11-25 (median 0.070 BTC/block, 1.8 spikes a year)
# raises pure mining's mean NPV from 44 to 59 M USD (1,000 paths, seed 2025)
# and moves no option past another.
_HASHRATE_GROWTH = 0.01
_HASHRATE_VOLATILITY = 0.21
_VOLATILITY = 0.50  # calibrate(): 0.48 (2022-08..2026-08), 0.52 (to 2025-11-25)
_BUILD_DAYS = 365  # Cipher-Fluidstack: Sep 2025 -> Sep 2026
_TERM_YEARS = 10


def cleanspark_fy2025(n_paths: int = 1000, seed: int | None = 2025) -> SiteStudy:
    """CleanSpark's 285 MW Austin County, Texas site: mine it, or lease it to AI?

    Options, valued on common random paths from 2025-11-25 (FY2025 results)
    over 4,015 days (the 365-day build plus the 10-year lease, so the whole
    contract is inside the horizon):

    * pure mining: fill the site with machines CleanSpark owns but does not
      run (336,544 owned - 241,934 in service = 94,610 idle; the fleet here
      needs 77,572 of them);
    * 25 %, 50 % and 75 % of the site's gross power leased to an AI tenant;
    * full conversion: all 285 MW leased.

    Two views value the same paths (:class:`~minerecon.valuation.Valuation`):

    * **market**: :meth:`~minerecon.valuation.Valuation.market`, the way the
      2025 deals were priced and financed: contracted rent at 8 %, the
      Google-backstopped share at 5.5 %, merchant mining at 15 %; the hall
      worth 15x its forward NOI when the lease ends, the deal's 2 x 5-year
      extensions exercised with probability 0.5; 70 % of the hall financed
      at Cipher Compute's 7.125 % coupon; US federal tax.
    * **conservative**: :meth:`~minerecon.valuation.Valuation.conservative`,
      one 10 % rate, no value after the lease (the MW go back to mining),
      no debt; US federal tax.

    Parameters
    ----------
    n_paths : int, default 1000
        Monte Carlo paths, >= 1 (about 10 s for the report with 2 cores).
    seed : int or None, default 2025
        Seed shared by every option, >= 0.

    Returns
    -------
    SiteStudy
        ``notes`` lists every source and assumption.

    Notes
    -----
    Sourced (``sources.md``; grade in brackets):

    * 45.6 EH/s at 16.7 J/TH on 2025-09-30, 336,544 miners owned and
      241,934 in service, the 285 MW Texas site: CleanSpark 10-K for FY2025
      via StockTitan (C). ~1,027 MW contracted (C/D).
    * Power 0.056 USD/kWh: Q1 FY26 (Oct-Dec 2025), the latest quarter
      published (up from 0.049 in Q1 FY25), call via intellectia / 10-Q via
      StockTitan (C); held flat.
    * Network on 2025-11-25 (difficulty 152.27 T, BTC 88,235 USD): bundled
      history.
    * Lease: :func:`~minerecon.hosting.lease_from_deal` on the
      Cipher-Fluidstack Barber Lake (Texas) deal of 2025-09-25: flat rate
      148.8 USD/kW-month (3.0 B USD / 10 yr / 168 MW IT), NOI margin 0.825
      and capex 10 M USD per IT MW (midpoints of 80-85 % and 9-11 M USD),
      gross-to-IT 244 / 168 = 1.45, build 365 days (announced Sep 2025,
      ready Sep 2026), backstop share 1.4 / 3.0 = 0.47 of the rent; the
      tenant pays its power.
    * Mining PUE 1.10: CBECI best guess.

    Assumptions (not published):

    * Machines: S21-class units of 200 TH/s drawing 3,340 W, i.e. the
      fleet-average 16.7 J/TH (the idle machines' model mix is not
      published); owned, so no machine capex; failure rate 5 %/year; no
      resale value at the horizon.
    * Mining build-out of the greenfield site 0.3 M USD per MW, paid on
      day 0; pool fee 1 %.
    * Tenant default intensity 2 %/year; 180-day ramp.
    * BTC price GBM with zero drift and volatility 0.50/sqrt(year)
      (:func:`~minerecon.projection.calibrate` gives 0.48 on 2022-08 to
      2026-08 and 0.52 on the four years to 2025-11-25; its drift, 0.24 to
      0.36 a year, is not used as a forecast). Fees constant at the start's
      0.0273 BTC/block, a conservative case: the stochastic fee model
      fitted to the four years before the start adds about 15 M USD to
      pure mining's mean NPV (see the module comment). Network hashrate
      grows 1 %/month (12.7 %/year; ~50 % from Nov 2024 to Nov 2025) with
      noise 0.21/sqrt(year) (the calibrated value); no economic response.
    * The rates, multiples and the probability of renewal of the two
      views: see :mod:`minerecon.valuation`, where each is sourced or
      labelled as an assumption.
    """
    # The engine's modules load here, so that listing the presets stays light.
    from minerecon import fees, price
    from minerecon.config import SiteStudy
    from minerecon.difficulty import ConstantGrowth
    from minerecon.hardware import Deployment, Miner
    from minerecon.hosting import get_deal, lease_from_deal
    from minerecon.network import NetworkState
    from minerecon.projection import MiningScenario
    from minerecon.scenario import Site, Split
    from minerecon.valuation import Valuation, extension_years_offered

    n_paths = check_count("n_paths", n_paths)
    if seed is not None:
        seed = check_count("seed", seed, low=0)
    facts = CLEANSPARK_FY2025
    start = NetworkState.from_history(facts.results_date)
    power_w = facts.efficiency_j_per_th * _MINER_HASHRATE_TH
    miner = Miner(
        "CleanSpark fleet average (S21-class)",
        _MINER_HASHRATE_TH,
        power_w,
        manufacturer="Bitmain",
        cooling="air",
    )
    count = math.floor(facts.texas_site_mw * W_PER_MW / (power_w * _MINING_PUE))
    if count > facts.miners_idle:  # pragma: no cover - guards the assumption above
        raise ValueError(
            f"the site needs {count} machines, more than the {facts.miners_idle} idle"
        )
    fleet = [Deployment(miner, count, failure_rate=_FAILURE_RATE)]
    site = Site(
        gross_mw=facts.texas_site_mw,
        fleet=fleet,
        power_price=facts.power_price_usd_per_kwh,
        mining_pue=_MINING_PUE,
        pool_fee=_POOL_FEE,
        mining_capex_per_mw=_MINING_CAPEX_PER_MW,
        name="CleanSpark Austin County, TX (285 MW)",
    )
    lease = lease_from_deal(
        CLEANSPARK_HOSTING_DEAL, default_hazard=_DEFAULT_HAZARD, build_days=_BUILD_DAYS
    )
    splits = {
        "25% hosted": Split(lease, fraction=0.25),
        "50% hosted": Split(lease, fraction=0.5),
        "75% hosted": Split(lease, fraction=0.75),
        "full conversion": Split(lease, fraction=1.0),
    }
    scenario = MiningScenario(
        site.fleet,
        start=start,
        days=_BUILD_DAYS + 365 * _TERM_YEARS,
        price=price.GBM(0.0, _VOLATILITY),
        fees=fees.ConstantFees(start.fees_per_block),
        hashrate=ConstantGrowth(_HASHRATE_GROWTH, volatility=_HASHRATE_VOLATILITY),
        power_price=site.power_price,
        pue=site.mining_pue,
        pool_fee=site.pool_fee,
        discount_rate=_DISCOUNT_RATE,
    )
    market = Valuation.market(
        renewal_years=extension_years_offered(
            get_deal(CLEANSPARK_HOSTING_DEAL)["extension_options"]
        )
    )
    conservative = Valuation.conservative(_DISCOUNT_RATE)
    notes = (
        "SOURCE 45.6 EH/s at 16.7 J/TH on 2025-09-30: CleanSpark FY2025 10-K via StockTitan (C)",
        "SOURCE 336,544 miners owned, 241,934 in service: 10-K via StockTitan (C)",
        "SOURCE 285 MW Austin County, TX site for an AI tenant: 10-K via StockTitan (C)",
        "SOURCE power 0.056 USD/kWh, Q1 FY26 (0.049 in Q1 FY25): call / 10-Q via StockTitan (C)",
        "SOURCE lease: Cipher-Fluidstack Barber Lake TX 2025-09-25: 148.8 USD/kW-month, "
        "NOI 0.825, capex 10 M USD/IT MW, gross/IT 1.45, build 12 months, backstop 0.47",
        "SOURCE mining PUE 1.10: CBECI best guess",
        f"ASSUMPTION {count:,} idle S21-class machines at 200 TH/s and 16.7 J/TH, no capex",
        "ASSUMPTION failure 5 %/year, pool fee 1 %, mining build-out 0.3 M USD/MW",
        "ASSUMPTION tenant default 2 %/year, ramp 180 days",
        "ASSUMPTION BTC GBM drift 0, volatility 0.50; fees constant 0.0273 BTC/block; "
        "hashrate +1 %/month, volatility 0.21",
        "ASSUMPTION horizon 4,015 days (build + 10-year term)",
        *(f"VIEW market: {line}" for line in market.describe()),
        *(f"VIEW conservative: {line}" for line in conservative.describe()),
    )
    return SiteStudy(
        site=site,
        splits=splits,
        scenario=scenario,
        n_paths=n_paths,
        seed=seed,
        name="CleanSpark FY2025: 285 MW Texas site, mining vs AI lease",
        notes=notes,
        valuations={"market": market, "conservative": conservative},
    )


#: Preset name -> factory of a :class:`~minerecon.config.SiteStudy`.
PRESETS: dict[str, Callable[..., SiteStudy]] = {"cleanspark-fy2025": cleanspark_fy2025}


def get_preset(name: str, **kwargs: object) -> SiteStudy:
    """The study of preset ``name`` (case and ``_``/``-`` ignored).

    Raises
    ------
    KeyError
        When no preset has that name (a ``ValueError`` too); the message
        lists the names.
    ValueError
        When ``name`` is not a string.
    """
    if not isinstance(name, str):
        raise ValueError(f"name must be a preset name (a str), got {type(name).__name__} {name!r}")
    key = name.strip().lower().replace("_", "-")
    if key not in PRESETS:
        raise UnknownNameError(
            f"name must be one of {', '.join(sorted(PRESETS))}: no preset named {name!r}"
        )
    return PRESETS[key](**kwargs)
