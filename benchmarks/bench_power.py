"""Benchmark of the hourly power-market model and curtailment, ``minerecon.power``.

The workload: a year of hourly prices (8,760 hours from 2026-01-01) drawn from
``ercot_price_model()`` on 10,000 paths, and on every path the dispatch of three
machine groups (S21 XP, S21 and S19 XP class: 13.5, 17.5 and 21.5 J/TH) at a
hashprice of 0.04 USD/TH/day with ``curtail``. Paths are drawn in chunks of
``--chunk`` paths with ``simulate(..., paths=slice(a, b))`` (path ``i`` is the
same whatever the chunk), so memory stays bounded; each group's mean margin,
flexibility value and uptime are summed across chunks. Each chunk's prices go
through both rules:

* ``model_s``: price simulation plus ``curtail`` of the three groups
  (switch off whenever power costs more than mining earns), the sum of
  ``simulate_s`` and ``curtail_s``;
* ``min_times_s``: the same with ``min_on_hours=2, min_off_hours=1,
  restart_cost=5`` (the compiled path-dependent rule), ``simulate_s`` plus
  ``curtail_min_times_s``.

Printed, all measured in the same run, each timing the median of
``--repeats`` after a warm-up that loads numba's kernels (``warmup_s``):

* the baseline: ``paths x 8760`` standard normals drawn with
  ``np.random.default_rng(0).standard_normal`` into one reused buffer of
  ``--chunk`` paths (``normals_s``), and ``ratio_vs_normals = model_s /
  normals_s``, ``simulate_ratio_vs_normals = simulate_s / normals_s``;
* ns per path-hour of each figure;
* ``peak_mb``: growth of peak RSS over the first timed pass, measured as
  ``bench_montecarlo.py`` does: in a fresh spawned child, after its imports
  and warm-up, so every allocation counts (numpy's temporaries, the model's
  random draws), before the normals' buffer exists.

The last line printed is one JSON object holding these figures.

Run ``python benchmarks/bench_power.py [--paths 10000] [--chunk 1000] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import platform
import statistics
import time
from typing import Any

import numba
import numpy as np
from bench_montecarlo import current_rss, peak_rss

from minerecon import power

SEED = 20260101
START = "2026-01-01"
HOURS = 8760  # one year
HASHPRICE = 0.04  # [USD/TH/day]
PUE = 1.05
POOL_FEE = 0.02
# Machine groups: efficiency [J/TH] and site load when running [MW].
GROUPS = [
    {"name": "S21 XP", "efficiency": 13.5, "load_mw": 20.0},
    {"name": "S21", "efficiency": 17.5, "load_mw": 30.0},
    {"name": "S19 XP", "efficiency": 21.5, "load_mw": 10.0},
]
MIN_TIMES = {"min_on_hours": 2.0, "min_off_hours": 1.0, "restart_cost": 5.0}


def revenues() -> list[float]:
    """Revenue per MWh of site power of each group [USD/MWh]."""
    return [
        float(power.revenue_per_mwh(HASHPRICE, g["efficiency"], pue=PUE, pool_fee=POOL_FEE))
        for g in GROUPS
    ]


# --- the measured runs, in a spawned child -------------------------------------------------


def model_pass(
    model: power.PowerPriceModel, paths: int, chunk: int, revenue: list[float]
) -> dict[str, Any]:
    """One pass over all paths: prices, then both rules for every group, chunk by chunk."""
    simulate_s = curtail_s = min_times_s = 0.0
    n = len(GROUPS)
    sums = {
        key: np.zeros(n)
        for key in ("margin", "flexibility", "uptime", "min_margin", "min_flexibility",
                    "min_uptime", "min_starts")
    }  # fmt: skip
    price_sum = 0.0
    for first in range(0, paths, chunk):
        last = min(first + chunk, paths)
        start = time.perf_counter()
        prices = model.simulate(START, HOURS, paths, seed=SEED, paths=slice(first, last))
        simulate_s += time.perf_counter() - start
        for k, group in enumerate(GROUPS):
            start = time.perf_counter()
            plain = power.curtail(prices, revenue[k], load_mw=group["load_mw"], interval_hours=1.0)
            curtail_s += time.perf_counter() - start
            start = time.perf_counter()
            held = power.curtail(
                prices, revenue[k], load_mw=group["load_mw"], interval_hours=1.0, **MIN_TIMES
            )
            min_times_s += time.perf_counter() - start
            # The sums are outside the timers: they are the benchmark's, not the library's.
            sums["margin"][k] += plain.margin.sum()
            sums["flexibility"][k] += plain.flexibility_value.sum()
            sums["uptime"][k] += plain.uptime.sum()
            sums["min_margin"][k] += held.margin.sum()
            sums["min_flexibility"][k] += held.flexibility_value.sum()
            sums["min_uptime"][k] += held.uptime.sum()
            sums["min_starts"][k] += held.starts.sum()
        price_sum += prices.sum()
        del prices  # free the chunk before the next one is drawn
    return {
        "simulate_s": simulate_s,
        "curtail_s": curtail_s,
        "curtail_min_times_s": min_times_s,
        "mean_price": price_sum / (paths * HOURS),
        "groups": {key: (value / paths).tolist() for key, value in sums.items()},
    }


def time_normals(paths: int, chunk: int) -> float:
    """Time to draw ``paths x 8760`` standard normals into one reused chunk buffer."""
    buf = np.empty((min(chunk, paths), HOURS))
    rng = np.random.default_rng(0)
    rng.standard_normal(out=buf)  # page in the buffer
    start = time.perf_counter()
    for first in range(0, paths, chunk):
        rng.standard_normal(out=buf[: min(first + chunk, paths) - first])
    return time.perf_counter() - start


def measure(paths: int, chunk: int, repeats: int) -> dict[str, Any]:
    """Warm up, then run ``repeats`` model passes and normal draws, interleaved (child process).

    Interleaving puts the model and its baseline under the same load from
    other processes on a shared machine.
    """
    start = time.perf_counter()
    model = power.ercot_price_model()
    tiny = model.simulate(START, 48, 4, seed=SEED)
    power.curtail(tiny, 50.0, interval_hours=1.0)
    power.curtail(tiny, 50.0, interval_hours=1.0, **MIN_TIMES)
    warmup_s = time.perf_counter() - start
    revenue = revenues()
    gc.collect()
    rss_before = current_rss()
    passes, normals = [], []
    peak_mb = float("nan")
    for _ in range(repeats):
        passes.append(model_pass(model, paths, chunk, revenue))
        if not normals:  # the model's peak alone, before the normals' buffer
            peak_mb = (peak_rss() - rss_before) / 1e6
        gc.collect()
        normals.append(time_normals(paths, chunk))
    figures = {
        key: statistics.median(p[key] for p in passes)
        for key in ("simulate_s", "curtail_s", "curtail_min_times_s")
    }
    return {
        **figures,
        "model_s": statistics.median(p["simulate_s"] + p["curtail_s"] for p in passes),
        "min_times_s": statistics.median(
            p["simulate_s"] + p["curtail_min_times_s"] for p in passes
        ),
        "normals_s": statistics.median(normals),
        "runs": [
            {key: p[key] for key in ("simulate_s", "curtail_s", "curtail_min_times_s")}
            | {"normals_s": t}
            for p, t in zip(passes, normals, strict=True)
        ],
        "peak_mb": peak_mb,
        "rss_before_mb": rss_before / 1e6,
        "warmup_s": warmup_s,
        "threads": numba.get_num_threads(),
        "mean_price": passes[-1]["mean_price"],
        "groups": passes[-1]["groups"],
        "revenue_per_mwh": revenue,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=10_000, help="paths (default 10000)")
    parser.add_argument("--chunk", type=int, default=1_000, help="paths per chunk (default 1000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats (default 3)")
    args = parser.parse_args()
    path_hours = args.paths * HOURS
    print(
        f"numpy {np.__version__}, numba {numba.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{args.paths:,} paths x {HOURS:,} hours = {path_hours:,} path-hours of "
        f"ercot_price_model(), chunks of {args.chunk:,} paths "
        f"({min(args.chunk, args.paths) * HOURS * 8 / 1e6:,.0f} MB of prices each), "
        f"{len(GROUPS)} machine groups, median of {args.repeats}"
    )

    # Everything timed runs in a fresh spawned process: its own imports, warm-up and peak RSS.
    pool = multiprocessing.get_context("spawn").Pool(1)
    try:
        run = pool.apply(measure, (args.paths, args.chunk, args.repeats))
    finally:
        pool.close()
        pool.join()

    def ns(seconds: float) -> float:
        return seconds / path_hours * 1e9

    model_s, min_s, normals_s = run["model_s"], run["min_times_s"], run["normals_s"]
    print(f"warm-up (numba compile or cache load, first calls): {run['warmup_s']:.2f} s")
    print(
        f"simulate: {run['simulate_s']:.2f} s, {ns(run['simulate_s']):.1f} ns per path-hour "
        f"({run['threads']} numba threads)"
    )
    print(
        f"curtail, 3 groups: {run['curtail_s']:.2f} s, {ns(run['curtail_s']):.1f} ns per "
        f"path-hour; with min times and restart cost: {run['curtail_min_times_s']:.2f} s, "
        f"{ns(run['curtail_min_times_s']):.1f} ns per path-hour"
    )
    print(f"model and curtailment: model_s = {model_s:.2f} s, {ns(model_s):.1f} ns per path-hour")
    print(
        f"model and curtailment with min_on_hours=2, min_off_hours=1, restart_cost=5: "
        f"min_times_s = {min_s:.2f} s, {ns(min_s):.1f} ns per path-hour"
    )
    print(
        f"baseline: {path_hours:,} standard normals in {normals_s:.2f} s "
        f"({ns(normals_s):.2f} ns each)"
    )
    print(
        f"ratio_vs_normals = {model_s / normals_s:.2f}, simulate alone "
        f"{run['simulate_s'] / normals_s:.2f}, with min times {min_s / normals_s:.2f}"
    )
    print(
        f"peak memory: {run['peak_mb']:,.0f} MB (peak RSS of the child minus its RSS of "
        f"{run['rss_before_mb']:,.0f} MB after imports and warm-up)"
    )
    for k, t in enumerate(run["runs"]):
        print(
            f"run {k + 1}: simulate {t['simulate_s']:.2f} s, curtail {t['curtail_s']:.2f} s, "
            f"with min times {t['curtail_min_times_s']:.2f} s, normals {t['normals_s']:.2f} s"
        )
    print(f"mean price: {run['mean_price']:.2f} USD/MWh")
    g = run["groups"]
    for k, group in enumerate(GROUPS):
        print(
            f"{group['name']:7s} {group['efficiency']:4.1f} J/TH, {group['load_mw']:g} MW, "
            f"break-even {run['revenue_per_mwh'][k]:.1f} USD/MWh: mean margin "
            f"{g['margin'][k] / 1e6:,.3f} M USD, flexibility "
            f"{g['flexibility'][k] / 1e3:,.1f} k USD, "
            f"uptime {g['uptime'][k]:.4f}; with min times: margin {g['min_margin'][k] / 1e6:,.3f} "
            f"M USD, flexibility {g['min_flexibility'][k] / 1e3:,.1f} k USD, uptime "
            f"{g['min_uptime'][k]:.4f}, {g['min_starts'][k]:.1f} starts"
        )

    print(
        json.dumps(
            {
                "model_s": model_s,
                "min_times_s": min_s,
                "simulate_s": run["simulate_s"],
                "curtail_s": run["curtail_s"],
                "curtail_min_times_s": run["curtail_min_times_s"],
                "normals_s": normals_s,
                "ratio_vs_normals": model_s / normals_s,
                "simulate_ratio_vs_normals": run["simulate_s"] / normals_s,
                "min_times_ratio_vs_normals": min_s / normals_s,
                "ns_per_path_hour": ns(model_s),
                "min_times_ns_per_path_hour": ns(min_s),
                "simulate_ns_per_path_hour": ns(run["simulate_s"]),
                "normals_ns_per_path_hour": ns(normals_s),
                "peak_mb": run["peak_mb"],
                "warmup_s": run["warmup_s"],
                "paths": args.paths,
                "hours": HOURS,
                "chunk": args.chunk,
                "repeats": args.repeats,
                "runs": run["runs"],
                "threads": run["threads"],
                "mean_price": run["mean_price"],
                "hashprice": HASHPRICE,
                "groups": [
                    {
                        **group,
                        "revenue_per_mwh": run["revenue_per_mwh"][k],
                        **{key: values[k] for key, values in g.items()},
                    }
                    for k, group in enumerate(GROUPS)
                ],
                "numpy": np.__version__,
                "numba": numba.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
