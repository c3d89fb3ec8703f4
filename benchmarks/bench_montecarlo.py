"""Benchmark of the Monte Carlo engine, ``simulate`` of ``minerecon.projection``.

The scenario: four years (1,461 days) of GBM price, stochastic fees (weekly
mean-reverting log level with spikes) and the economic hashrate model (with
noise) driving the retarget simulator, for a fleet of three deployments
(Antminer S21 XP, S21 and S19j Pro, with capex, degradation, failures, resale
and switch-off), summarised per path as NPV, IRR and payback. 100,000 paths by
default, ``output="summary"``, the default memory budget. Printed, all measured
in the same run:

* ``compile_s``: numba compilation (or loading from numba's on-disk cache) and
  first-call overhead, from a tiny warm-up run; excluded from ``wall_s``;
* ``wall_s``: wall time of ``simulate`` (best of ``--repeats``), and ``peak_mb``,
  the growth of the peak resident set size during those runs. Both are measured
  in a fresh ``multiprocessing`` child (spawn), after its imports and warm-up,
  so that the peak is the simulation's alone;
* the baseline: drawing one standard normal per path-day with numpy's default
  generator into one reused buffer of 10,000 paths, and
  ``ratio_vs_normals = wall_s / normals_s`` (target <= 3);
* the same run with ``block_arrivals="poisson"`` (a Poisson count of blocks
  each day), and ``poisson_ratio_vs_expected``, its time over ``wall_s``;
* a plain-Python per-path, per-day loop of the same model, written
  independently of the library, on ``--loop-paths`` paths; its time per path is
  extrapolated to ``--paths`` and ``speedup_vs_loop = loop_extrapolated /
  wall_s``. The loop draws its own random numbers; its mean NPV is compared to
  the engine's (within standard errors), and with every volatility set to zero
  the two must agree to 1e-9.

``--profile`` also times the engine's components (price draws, fee draws,
hashrate shocks, the compiled kernel, IRR, result assembly) through the
library's private functions, for diagnosis.

``--memory-paths A,B`` (default 100,000 and 1,000,000) runs the default
``simulate`` at two path counts, each in its own child, and prints the growth
of peak RSS of each and their ratio: per-path results beyond what the memory
budget keeps are folded into statistics, so the peak must not grow with paths.

The last line printed is one JSON object holding these figures.

Run ``python benchmarks/bench_montecarlo.py [--paths 100000] [--days 1461]
[--repeats 1] [--loop-paths 200] [--memory-paths 100000,1000000] [--profile]
[--cold-compile]``.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import math
import multiprocessing
import os
import platform
import resource
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numba
import numpy as np

from minerecon.difficulty import EconomicHashrate
from minerecon.fees import StochasticFees
from minerecon.hardware import Deployment, get_miner
from minerecon.network import NetworkState
from minerecon.price import GBM
from minerecon.projection import MiningScenario, simulate

SEED = 20260816
NORMALS_CHUNK = 10_000  # paths per chunk of the standard-normal baseline
WARMUP_PATHS = 100

# Network on day 0 (close to the last day of the bundled history).
START = {
    "date": "2026-08-16",
    "height": 962_712,
    "difficulty": 127.48e12,
    "btc_price": 63_000.0,
    "fees_per_block": 0.0144,
}
# Market models, rounded from minerecon.calibrate() on the bundled history.
PRICE = {"drift": 0.35, "volatility": 0.48}  # GBM [1/yr], [1/sqrt(yr)]
FEES = {
    "level": 0.021,  # [BTC/block] on day 0
    "mean_level": 0.039,  # [BTC/block]
    "reversion": 4.8,  # [1/yr]
    "volatility": 1.9,  # [1/sqrt(yr)]
    "spike_rate": 2.8,  # [1/yr]
    "spike_mean": 1.2,  # [-]
    "step_days": 7,
    "max_level": 10.0,  # [BTC/block] ceiling, the record daily mean rounded up
}
HASHRATE = {
    "cost_hashprice": 0.0354,  # [USD/TH/day]
    "entry_rate": 0.52,  # [1/yr]
    "exit_rate": 5.3,  # [1/yr]
    "cost_decline": 0.0,  # [1/yr]
    "lag_days": 60.0,
    "volatility": 0.21,  # [1/sqrt(yr)]
    "step_days": 7,
}
# The fleet: new S21 XP, S21 delivered after a quarter, used S19j Pro.
FLEET = [
    {
        "miner": "Antminer S21 XP",
        "count": 1_000,
        "delivery": 0,
        "capex_per_unit": 5_500.0,
        "degradation": 0.03,
        "failure_rate": 0.04,
        "uptime": 0.97,
        "resale_value": 600.0,
        "other_opex": 0.003,
    },
    {
        "miner": "Antminer S21",
        "count": 1_500,
        "delivery": 90,
        "capex_per_unit": 2_900.0,
        "degradation": 0.04,
        "failure_rate": 0.05,
        "uptime": 0.97,
        "resale_value": 250.0,
        "other_opex": 0.003,
    },
    {
        "miner": "Antminer S19j Pro",
        "count": 2_000,
        "delivery": 0,
        "capex_per_unit": 450.0,
        "degradation": 0.06,
        "failure_rate": 0.08,
        "uptime": 0.95,
        "resale_value": 0.0,
        "other_opex": 0.003,
    },
]
COSTS = {
    "power_price": 0.055,  # [USD/kWh]
    "power_price_escalation": 0.02,  # [1/yr]
    "pue": 1.05,
    "pool_fee": 0.02,
    "discount_rate": 0.12,  # [1/yr]
}

# Agreement required between the loop and the engine with every volatility zero.
DETERMINISTIC_RTOL = 1e-9
# Standard errors the mean NPVs of the loop and the engine may differ by.
MEAN_NPV_Z = 4.0


def scenario(days: int, *, stochastic: bool = True) -> MiningScenario:
    """The benchmark scenario; ``stochastic=False`` zeroes every volatility and spike."""
    price, fees, hashrate = dict(PRICE), dict(FEES), dict(HASHRATE)
    if not stochastic:
        price["volatility"] = fees["volatility"] = fees["spike_rate"] = 0.0
        hashrate["volatility"] = 0.0
    return MiningScenario(
        [Deployment(**group) for group in FLEET],
        start=NetworkState(**START),
        days=days,
        price=GBM(**price),
        fees=StochasticFees(**fees),
        hashrate=EconomicHashrate(**hashrate),
        **COSTS,
    )


def best_time(func: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Best wall time of ``repeats`` calls (no warm-up) and the last result."""
    best = math.inf
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def current_rss() -> int:
    """Resident set size now [bytes] (Linux), or the peak so far elsewhere."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return peak_rss()


def peak_rss() -> int:
    """Peak resident set size of this process so far [bytes]."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if platform.system() == "Darwin" else peak * 1024


# --- the measured run, in a spawned child ------------------------------------------------


def measure_memory(paths: int, days: int) -> dict[str, Any]:
    """Peak RSS growth and wall time of one default ``simulate`` of ``paths`` (child process).

    The default ``keep_paths`` keeps per-path results while they fit the memory
    budget and folds the rest into statistics: the peak must not grow with paths.
    """
    sc = scenario(days)
    simulate(sc, WARMUP_PATHS, seed=SEED, output="summary", progress=False)
    gc.collect()
    rss_before = current_rss()
    start = time.perf_counter()
    result = simulate(sc, paths, seed=SEED, output="summary", progress=False)
    wall_s = time.perf_counter() - start
    return {
        "paths": paths,
        "wall_s": wall_s,
        "peak_mb": (peak_rss() - rss_before) / 1e6,
        "kept_paths": int(result.summary.sizes["path"]),
        "npv_mean": float(result.statistics.npv.sel(statistic="mean")),
    }


def measure_engine(paths: int, days: int, repeats: int) -> dict[str, Any]:
    """Warm up, then time ``simulate`` and record the growth of peak RSS (child process).

    Memory is measured as process peak RSS (``ru_maxrss``) minus the RSS after
    imports and warm-up, in a fresh process: unlike tracemalloc this sees every
    allocation (numpy, numba's own, the allocator's overheads and page
    rounding), the memory the machine actually has to provide.
    """
    sc = scenario(days)
    start = time.perf_counter()
    simulate(sc, WARMUP_PATHS, seed=SEED, output="summary", progress=False)
    first_call_s = time.perf_counter() - start
    warm_s, _ = best_time(
        lambda: simulate(sc, WARMUP_PATHS, seed=SEED, output="summary", progress=False), 2
    )
    gc.collect()
    rss_before = current_rss()
    peak_before = peak_rss()

    def run() -> Any:
        return simulate(sc, paths, seed=SEED, output="summary", progress=False)

    wall_s, result = best_time(run, repeats)
    peak_after = peak_rss()
    # The same run with a Poisson count of blocks each day (compiled by a small run first).
    poisson = sc.replace(block_arrivals="poisson")
    simulate(poisson, WARMUP_PATHS, seed=SEED, output="summary", progress=False)
    poisson_s, _ = best_time(
        lambda: simulate(poisson, paths, seed=SEED, output="summary", progress=False), repeats
    )
    summary = result.summary
    npv = summary["npv"].to_numpy()
    return {
        "wall_s": wall_s,
        "poisson_wall_s": poisson_s,
        "peak_mb": (peak_after - rss_before) / 1e6,
        "rss_before_mb": rss_before / 1e6,
        "peak_before_mb": peak_before / 1e6,
        "first_call_s": first_call_s,
        "warm_call_s": warm_s,
        "compile_s": max(first_call_s - warm_s, 0.0),
        "threads": numba.get_num_threads(),
        "npv_mean": float(npv.mean()),
        "npv_se": float(npv.std(ddof=1) / math.sqrt(npv.size)),
        "npv_median": float(np.median(npv)),
        "irr_median": float(np.nanmedian(summary["irr"].to_numpy())),
        "payback_share": float(np.isfinite(summary["payback_days"].to_numpy()).mean()),
        "btc_mean": float(summary["btc_mined"].to_numpy().mean()),
        "days_off_mean": summary["days_off"].to_numpy().mean(axis=0).tolist(),
    }


# --- the standard-normal baseline --------------------------------------------------------


def time_normals(paths: int, days: int, repeats: int) -> float:
    """Best time to draw ``paths x days`` standard normals, in chunks of 10,000 paths."""
    rows = min(NORMALS_CHUNK, paths)
    buf = np.empty((rows, days))
    np.random.default_rng(SEED).standard_normal(out=buf)  # warm-up: page in the buffer

    def draw() -> None:
        rng = np.random.default_rng(SEED)
        for first in range(0, paths, rows):
            last = min(first + rows, paths)
            rng.standard_normal(out=buf[: last - first])

    return best_time(draw, repeats)[0]


# --- the plain-Python loop -----------------------------------------------------------------

# Protocol constants, stated here rather than imported so that the loop is independent.
HASHES_PER_DIFFICULTY = 2.0**32
BLOCKS_PER_TH_SECOND = 1e12 / HASHES_PER_DIFFICULTY  # per unit of difficulty
EPOCH_BLOCKS = 2016
TWO_WEEKS = 14 * 86_400.0
HALVING_BLOCKS = 210_000
DAY_SECONDS = 86_400.0
YEAR_DAYS = 365.0


def subsidy_after(height: float) -> float:
    """Subsidy of the block that follows the (continuous) height [BTC]."""
    halvings = (math.floor(height) + 1) // HALVING_BLOCKS
    return 0.0 if halvings >= 64 else (5_000_000_000 >> halvings) / 1e8


def mine_one_day(chain: list[float], hashrate: float, fee: float) -> tuple[float, float]:
    """Advance ``[difficulty, height, epoch_first, timer]`` by one day of continuous mining.

    Returns the reward of one TH/s [BTC] and the second a halving was crossed
    (-1 if none). An epoch's timespan runs from its first block to its last
    (2015 intervals); the time to the next epoch's first block is not counted.
    """
    difficulty, height, epoch_first, timer = chain
    reward = 0.0
    crossed = -1.0
    clock = 0.0
    while clock < DAY_SECONDS:
        per_th = BLOCKS_PER_TH_SECOND / difficulty  # blocks per second of 1 TH/s
        rate = hashrate * per_th
        timing = height >= epoch_first
        epoch_event = epoch_first + EPOCH_BLOCKS - 1 if timing else epoch_first
        halving_event = (math.floor((height + 1.0) / HALVING_BLOCKS) + 1.0) * HALVING_BLOCKS - 1.0
        value = subsidy_after(height) + fee
        target = min(epoch_event, halving_event)
        duration = (target - height) / rate
        if duration > DAY_SECONDS - clock:
            duration = DAY_SECONDS - clock
            reward += duration * per_th * value
            height += duration * rate
            if timing:
                timer += duration
            break
        reward += duration * per_th * value
        clock += duration
        if timing:
            timer += duration
        height = target
        if halving_event == target:
            crossed = clock
        if epoch_event == target:
            if timing:
                span = min(max(timer, TWO_WEEKS / 4.0), TWO_WEEKS * 4.0)
                difficulty *= TWO_WEEKS / span
                epoch_first += EPOCH_BLOCKS
            timer = 0.0
    chain[0], chain[1], chain[2], chain[3] = difficulty, height, epoch_first, timer
    return reward, crossed


def loop_irr(flows: list[float], per_year: float) -> float:
    """Annual IRR of ``flows`` by bisection on ``ln(1 + r)``; nan without a sign change."""
    if all(c >= 0.0 for c in flows) or all(c <= 0.0 for c in flows):
        return math.nan

    def npv(g: float) -> float:
        factor = math.exp(-g / per_year)
        total = 0.0
        for c in reversed(flows):
            total = total * factor + c
        return total

    f0 = npv(0.0)
    if f0 == 0.0:
        return 0.0
    step = 1e-3
    while step < 60.0:
        for g in (step, -step):
            if (npv(g) > 0.0) != (f0 > 0.0):
                lo, hi = (0.0, g) if g > 0 else (g, 0.0)
                f_lo = npv(lo)
                for _ in range(100):
                    mid = 0.5 * (lo + hi)
                    f_mid = npv(mid)
                    if (f_mid > 0.0) == (f_lo > 0.0):
                        lo, f_lo = mid, f_mid
                    else:
                        hi = mid
                return math.expm1(0.5 * (lo + hi))
        step *= 1.5
    return math.nan


class LoopModel:
    """The benchmark scenario in plain Python, one path at a time.

    Deterministic per-day inputs (fleet schedule, energy price, discount
    factors, calendar months) are computed once, as the engine does; every
    path then runs a day loop with the price step, the weekly fee step, the
    hashrate response and noise, one day of mining with retargets and
    halvings, switch-off per group, cash flows and their summaries.
    """

    def __init__(self, days: int, *, stochastic: bool = True) -> None:
        self.days = days
        self.price = dict(PRICE)
        self.fees = dict(FEES)
        self.hashrate = dict(HASHRATE)
        if not stochastic:
            self.price["volatility"] = self.fees["volatility"] = self.fees["spike_rate"] = 0.0
            self.hashrate["volatility"] = 0.0
        start = datetime.date.fromisoformat(START["date"])
        self.month = []
        for day in range(days):
            date = start + datetime.timedelta(days=day)
            self.month.append((date.year - start.year) * 12 + date.month - start.month)
        self.n_months = self.month[-1] + 1
        self.energy_price = [
            24
            / 1000
            * COSTS["pue"]
            * COSTS["power_price"]
            * (1 + COSTS["power_price_escalation"]) ** (day / YEAR_DAYS)
            for day in range(days)
        ]
        self.discount = [(1 + COSTS["discount_rate"]) ** (-day / YEAR_DAYS) for day in range(days)]
        self.fixed = [0.0] * days
        self.group_hashrate, self.group_power, self.group_other = [], [], []
        for group in FLEET:
            miner = get_miner(group["miner"])  # catalogue data only: hashrate and power
            hashrate, power, other = [], [], []
            units = 0.0
            for day in range(days):
                age = max(day - group["delivery"], 0) / YEAR_DAYS
                units = (
                    group["count"] * math.exp(-group["failure_rate"] * age)
                    if day >= group["delivery"]
                    else 0.0
                )
                hashrate.append(
                    units * miner.hashrate * (1 - group["degradation"]) ** age * group["uptime"]
                )
                power.append(units * miner.power * group["uptime"])
                other.append(units * miner.hashrate * group["other_opex"])
            self.fixed[group["delivery"]] -= group["count"] * group["capex_per_unit"]
            self.fixed[-1] += units * group["resale_value"]
            self.group_hashrate.append(hashrate)
            self.group_power.append(power)
            self.group_other.append(other)
        epoch_first = START["height"] // EPOCH_BLOCKS * EPOCH_BLOCKS
        last_found = START["height"] - 1.0
        self.chain0 = [
            START["difficulty"],
            last_found,
            float(epoch_first),
            max(last_found - epoch_first, 0.0) * 600.0,
        ]
        self.hashrate0 = START["difficulty"] * HASHES_PER_DIFFICULTY / 1e12 / 600.0

    def path(self, rng: np.random.Generator) -> dict[str, Any]:
        """One path: draws from ``rng``, then the day loop; returns its summaries."""
        days, groups = self.days, range(len(FLEET))
        p, f, h = self.price, self.fees, self.hashrate
        # Random numbers of the path: daily price normals, weekly fee normals, spike
        # counts and marks, weekly hashrate normals.
        fee_steps = (days - 1) // f["step_days"]
        hash_steps = max((days - 1) // h["step_days"], 1)
        z_price = rng.standard_normal(days).tolist()
        z_fee = rng.standard_normal(fee_steps).tolist()
        step_years = f["step_days"] / YEAR_DAYS
        kh = f["reversion"] * step_years
        spikes = [0.0] * fee_steps
        for k, count in enumerate(rng.poisson(f["spike_rate"] * step_years, fee_steps).tolist()):
            for _ in range(count):
                u_size, u_time = rng.random(2).tolist()
                spikes[k] += -f["spike_mean"] * math.log1p(-u_size) * math.exp(-kh * u_time)
        z_hash = rng.standard_normal(hash_steps).tolist()

        log_price = math.log(START["btc_price"])
        price_step = (p["drift"] - 0.5 * p["volatility"] ** 2) / YEAR_DAYS
        price_scale = p["volatility"] / math.sqrt(YEAR_DAYS)
        fee = f["level"]
        log_fee = math.log(f["level"])
        fee_mean = math.log(f["mean_level"])
        fee_decay = math.exp(-kh)
        fee_scale = f["volatility"] * math.sqrt(-math.expm1(-2.0 * kh) / (2.0 * f["reversion"]))
        log_cost = math.log(h["cost_hashprice"])
        entry, exit_ = h["entry_rate"] / YEAR_DAYS, h["exit_rate"] / YEAR_DAYS
        decline = h["cost_decline"] / YEAR_DAYS
        hash_scale = h["volatility"] * math.sqrt(h["step_days"] / YEAR_DAYS)
        chain = list(self.chain0)
        network = self.hashrate0
        growth = 1.0  # daily factor, set on day 1 and every step from the hashprice average
        ema = 0.0
        keep = 1.0 - COSTS["pool_fee"]

        npv = cumulative = cumulative_btc = 0.0
        last_negative = last_negative_btc = -1
        totals = [0.0, 0.0, 0.0, 0.0]
        days_off = [0] * len(FLEET)
        halving_day = math.nan
        sums = [[0.0] * self.n_months for _ in range(7)]  # cash btc rev energy other btc_all e_all
        levels = [[0.0] * self.n_months for _ in range(4)]  # price difficulty hashrate cumulative
        for day in range(days):
            if day > 0:
                log_price += price_step + price_scale * z_price[day]
                if day % f["step_days"] == 0:
                    k = day // f["step_days"] - 1
                    log_fee = (
                        fee_mean
                        + fee_decay * (log_fee - fee_mean)
                        + fee_scale * z_fee[k]
                        + spikes[k]
                    )
                    fee = min(math.exp(log_fee), f["max_level"])
                network *= growth
                step = day % h["step_days"] == 0
                if step or day == 1:
                    signal = math.log(ema) - log_cost + decline * day
                    growth = math.exp((entry if signal > 0.0 else exit_) * signal)
                if hash_scale > 0.0 and step:
                    network *= math.exp(hash_scale * z_hash[day // h["step_days"] - 1])
            btc_price = math.exp(log_price) if day > 0 else START["btc_price"]
            difficulty = chain[0]
            before = chain[1]
            fleet = sum(self.group_hashrate[g][day] for g in groups)
            reward, crossed = mine_one_day(chain, max(network, fleet), fee)
            if crossed >= 0.0 and math.isnan(halving_day) and before < chain[1]:
                halving_day = day + crossed / DAY_SECONDS
            net = reward * keep
            per_th = net * btc_price
            energy_price = self.energy_price[day]
            btc = energy = other = btc_all = energy_all = 0.0
            for g in groups:
                other += self.group_other[g][day]
                hashrate = self.group_hashrate[g][day]
                if hashrate <= 0.0:
                    continue
                cost = self.group_power[g][day] * energy_price
                btc_all += hashrate * net
                energy_all += cost
                if per_th * hashrate < cost:
                    days_off[g] += 1
                else:
                    btc += hashrate * net
                    energy += cost
            revenue = btc * btc_price
            cash = revenue - energy - other + self.fixed[day]
            npv += cash * self.discount[day]
            cumulative += cash
            if cumulative < 0.0:
                last_negative = day
            cumulative_btc += btc - (energy + other - self.fixed[day]) / btc_price
            if cumulative_btc < 0.0:
                last_negative_btc = day
            totals[0] += btc
            totals[1] += revenue
            totals[2] += energy
            totals[3] += other
            m = self.month[day]
            for row, value in zip(
                sums, (cash, btc, revenue, energy, other, btc_all, energy_all), strict=True
            ):
                row[m] += value
            for row, value in zip(
                levels, (btc_price, difficulty, network, cumulative), strict=True
            ):
                row[m] = value
            hashprice = btc_price * reward
            ema = hashprice if day == 0 else ema + (hashprice - ema) / h["lag_days"]
        return {
            "npv": npv,
            "irr": loop_irr(sums[0], 12.0),
            "payback_days": math.inf if cumulative < 0.0 else last_negative + 1.0,
            "payback_days_btc": math.inf if cumulative_btc < 0.0 else last_negative_btc + 1.0,
            "btc_mined": totals[0],
            "days_off": days_off,
            "halving_day": halving_day,
        }


def run_loop(model: LoopModel, paths: int) -> tuple[float, list[dict[str, Any]]]:
    """Time ``paths`` paths of the plain-Python loop (each path its own generator)."""
    start = time.perf_counter()
    results = [model.path(np.random.default_rng([SEED, path])) for path in range(paths)]
    return time.perf_counter() - start, results


def deterministic_check(days: int) -> tuple[float, float, float]:
    """NPV of the engine and of the loop with every volatility zero, and their relative gap."""
    engine = simulate(scenario(days, stochastic=False), 1, seed=SEED, progress=False)
    engine_npv = float(engine.summary["npv"].to_numpy()[0])
    model = LoopModel(days, stochastic=False)
    loop_npv = model.path(np.random.default_rng(SEED))["npv"]
    scale = sum(abs(c) for c in model.fixed)  # capex: the size of the flows
    return engine_npv, loop_npv, abs(engine_npv - loop_npv) / scale


# --- optional: where the engine's time goes --------------------------------------------------


def profile(paths: int, days: int) -> dict[str, float]:
    """Time spent per function inside one run of ``simulate`` (cProfile, diagnosis only).

    Compiled kernels show as single calls; the random draws run in worker
    threads, so they appear as the main thread waiting on them.
    """
    import cProfile
    import pstats

    sc = scenario(days)
    simulate(sc, WARMUP_PATHS, seed=SEED, progress=False)
    profiler = cProfile.Profile()
    profiler.runcall(simulate, sc, paths, seed=SEED, progress=False)
    stats = pstats.Stats(profiler).stats
    rows = sorted(
        (
            (entry[2], f"{func[2]} ({os.path.basename(func[0])}:{func[1]})")
            for func, entry in stats.items()
        ),
        reverse=True,
    )
    return {name: seconds for seconds, name in rows[:8]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=100_000, help="paths (default 100000)")
    parser.add_argument("--days", type=int, default=1461, help="days (default 1461)")
    parser.add_argument("--repeats", type=int, default=1, help="timed repeats (default 1)")
    parser.add_argument("--loop-paths", type=int, default=200, help="paths of the Python loop")
    parser.add_argument("--profile", action="store_true", help="time the engine's stages")
    parser.add_argument(
        "--memory-paths",
        default="100000,1000000",
        help="path counts whose peak memory is compared (default 100000,1000000)",
    )
    parser.add_argument(
        "--cold-compile",
        action="store_true",
        help="compile numba kernels afresh in the child (empty NUMBA_CACHE_DIR)",
    )
    args = parser.parse_args()
    path_days = args.paths * args.days
    print(
        f"numpy {np.__version__}, numba {numba.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{args.paths:,} paths x {args.days:,} days = {path_days:,} path-days; "
        f"GBM + StochasticFees + EconomicHashrate, 3 deployments, output='summary'"
    )

    # 1. The engine, in a fresh spawned process (its own imports, warm-up and peak RSS).
    if args.cold_compile:
        os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="minerecon-numba-")
    pool = multiprocessing.get_context("spawn").Pool(1)
    try:
        engine = pool.apply(measure_engine, (args.paths, args.days, args.repeats))
    finally:
        pool.close()
        pool.join()
    print(
        f"compile / first call: {engine['first_call_s']:.2f} s first call of {WARMUP_PATHS} "
        f"paths, {engine['warm_call_s']:.3f} s warm -> compile_s = {engine['compile_s']:.2f} s"
        + ("" if args.cold_compile else " (numba on-disk cache allowed; --cold-compile to avoid)")
    )
    wall_s = engine["wall_s"]
    print(
        f"simulate: {wall_s:.2f} s best of {args.repeats} on {engine['threads']} numba threads, "
        f"{wall_s / path_days * 1e9:.1f} ns per path-day"
    )
    print(
        f"simulate with block_arrivals='poisson': {engine['poisson_wall_s']:.2f} s, "
        f"{engine['poisson_wall_s'] / path_days * 1e9:.1f} ns per path-day -> "
        f"poisson_ratio_vs_expected = {engine['poisson_wall_s'] / wall_s:.2f}"
    )
    print(
        f"peak memory: {engine['peak_mb']:,.0f} MB (peak RSS of the child minus its RSS of "
        f"{engine['rss_before_mb']:,.0f} MB after imports and warm-up)"
    )

    # 2. Baseline: one standard normal per path-day.
    normals_s = time_normals(args.paths, args.days, args.repeats)
    ratio_vs_normals = wall_s / normals_s
    print(
        f"baseline: {path_days:,} standard normals in {normals_s:.2f} s "
        f"({normals_s / path_days * 1e9:.2f} ns each), chunks of {NORMALS_CHUNK:,} paths"
    )
    print(f"ratio_vs_normals = simulate / normals = {ratio_vs_normals:.2f} (target <= 3)")

    # 3. The plain-Python loop, and how its numbers compare.
    engine_det, loop_det, det_err = deterministic_check(args.days)
    print(
        f"zero volatility: engine NPV {engine_det:,.2f} USD, loop NPV {loop_det:,.2f} USD, "
        f"|difference| / capex = {det_err:.1e} (required <= {DETERMINISTIC_RTOL:g})"
    )
    assert det_err <= DETERMINISTIC_RTOL, f"loop and engine disagree: {det_err:.3e}"
    model = LoopModel(args.days)
    model.path(np.random.default_rng(0))  # warm-up
    loop_s, loop_results = run_loop(model, args.loop_paths)
    loop_s_per_path = loop_s / args.loop_paths
    loop_extrapolated = loop_s_per_path * args.paths
    speedup = loop_extrapolated / wall_s
    print(
        f"plain-Python loop: {args.loop_paths} paths in {loop_s:.2f} s, "
        f"{loop_s_per_path * 1e3:.1f} ms/path, {args.paths:,} paths extrapolated: "
        f"{loop_extrapolated:,.0f} s -> speedup_vs_loop = {speedup:,.0f}"
    )
    npv = np.array([r["npv"] for r in loop_results])
    loop_mean, loop_se = float(npv.mean()), float(npv.std(ddof=1) / math.sqrt(npv.size))
    z = (loop_mean - engine["npv_mean"]) / math.hypot(loop_se, engine["npv_se"])
    irr = np.array([r["irr"] for r in loop_results])
    print(
        f"mean NPV: engine {engine['npv_mean'] / 1e6:,.2f} +- {engine['npv_se'] / 1e6:,.2f} M USD "
        f"({args.paths:,} paths), loop {loop_mean / 1e6:,.2f} +- {loop_se / 1e6:,.2f} M USD "
        f"({args.loop_paths} paths): z = {z:+.2f}"
        + ("" if abs(z) <= MEAN_NPV_Z else f"  WARNING: more than {MEAN_NPV_Z:g} standard errors")
    )
    print(
        f"median NPV: engine {engine['npv_median'] / 1e6:,.2f}, loop "
        f"{np.median(npv) / 1e6:,.2f} M USD; median IRR: engine {engine['irr_median']:.3f}, "
        f"loop {np.nanmedian(irr):.3f}; paid back: engine {engine['payback_share']:.3f}, "
        f"loop {np.mean([math.isfinite(r['payback_days']) for r in loop_results]):.3f}; "
        f"mean days off per group: engine {np.round(engine['days_off_mean'], 1).tolist()}, "
        f"loop {np.mean([r['days_off'] for r in loop_results], axis=0).round(1).tolist()}"
    )

    # 4. Peak memory at two path counts: it must not grow with paths.
    memory = []
    for count in (int(text) for text in args.memory_paths.split(",")):
        pool = multiprocessing.get_context("spawn").Pool(1)
        try:
            memory.append(pool.apply(measure_memory, (count, args.days)))
        finally:
            pool.close()
            pool.join()
        run = memory[-1]
        print(
            f"memory: {run['paths']:,} paths in {run['wall_s']:.1f} s "
            f"({run['wall_s'] / (run['paths'] * args.days) * 1e9:.1f} ns per path-day), "
            f"peak {run['peak_mb']:,.0f} MB, per-path results kept for {run['kept_paths']:,}"
        )
    growth = memory[-1]["peak_mb"] / memory[0]["peak_mb"]
    print(
        f"peak memory ratio, {memory[-1]['paths']:,} / {memory[0]['paths']:,} paths: "
        f"{growth:.2f} (paths ratio {memory[-1]['paths'] / memory[0]['paths']:g})"
    )

    stages: dict[str, float] = {}
    if args.profile:
        stages = profile(args.paths, args.days)
        print(f"own time of the engine's busiest functions ({args.paths:,} paths):")
        for name, seconds in stages.items():
            print(f"  {name:60s} {seconds:8.2f} s  {seconds / normals_s:5.2f} x normals")

    print(
        json.dumps(
            {
                "wall_s": wall_s,
                "peak_mb": engine["peak_mb"],
                "memory_runs": memory,
                "memory_peak_ratio": growth,
                "ratio_vs_normals": ratio_vs_normals,
                "speedup_vs_loop": speedup,
                "paths": args.paths,
                "days": args.days,
                "repeats": args.repeats,
                "normals_s": normals_s,
                "compile_s": engine["compile_s"],
                "first_call_s": engine["first_call_s"],
                "threads": engine["threads"],
                "ns_per_path_day": wall_s / path_days * 1e9,
                "poisson_ns_per_path_day": engine["poisson_wall_s"] / path_days * 1e9,
                "poisson_ratio_vs_expected": engine["poisson_wall_s"] / wall_s,
                "loop_paths": args.loop_paths,
                "loop_s_per_path": loop_s_per_path,
                "loop_extrapolated_s": loop_extrapolated,
                "npv_mean_engine": engine["npv_mean"],
                "npv_se_engine": engine["npv_se"],
                "npv_mean_loop": loop_mean,
                "npv_se_loop": loop_se,
                "npv_z": z,
                "deterministic_rel_err": det_err,
                "stages_s": stages,
                "numpy": np.__version__,
                "numba": numba.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
