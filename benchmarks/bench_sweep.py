"""Benchmark of :func:`minerecon.sweep.sweep` on margin grids, materialised and reduced.

Printed, all measured in the same run:

* the bandwidth baseline: ``np.empty(shape).fill(1.0)`` of a 10**8-cell float64
  grid (best of ``--repeats``), and its cells per second;
* ``materialised_ratio_vs_bandwidth``: baseline time over the time of
  ``sweep(margin_per_th, ...)`` returning the same 10**8-cell grid as a labelled
  Dataset (target >= 0.8); the result is checked against
  ``economics.margin_per_th`` on the broadcast grid (bit-identical required);
* ``reduction_cells_per_s``: cells per second of ``sweep(margin_per_th, ...,
  reduce={"dim": "btc_price", "how": "prob_below"})`` over a 10**9-cell grid,
  ``reduction_ratio_vs_bandwidth`` = that over the baseline's cells per second
  (target >= 0.8), and ``reduction_peak_mb``: peak RSS growth of that run, in a
  fresh child process (every allocation counts, numba's included; target < 1 GB);
* ``speedup_vs_loop``: a pure-Python loop over the margin formula on a random
  sample of cells, extrapolated to the 10**8 grid, over the materialised sweep.

The last line printed is one JSON object holding these figures.

Run ``python benchmarks/bench_sweep.py [--cells 1e8] [--reduce-cells 1e9] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import resource
import time
from collections.abc import Callable
from typing import Any

import numba
import numpy as np

from minerecon import economics
from minerecon.sweep import sweep

PRICE_RANGE = (20_000.0, 200_000.0)  # BTC price [USD/BTC]
POWER_RANGE = (0.01, 0.15)  # power price [USD/kWh]
DIFFICULTY_RANGE = (50e12, 300e12)  # difficulty [-]
EFFICIENCY_RANGE = (12.0, 40.0)  # machine efficiency [J/TH]
KWARGS = {
    "fees_per_block": 0.03,
    "subsidy": 3.125,
    "pool_fee": 0.02,
    "pue": 1.08,
    "uptime": 0.97,
    "other_opex": 0.004,
}
NAMES = ("btc_price", "power_price", "difficulty", "efficiency")
RANGES = (PRICE_RANGE, POWER_RANGE, DIFFICULTY_RANGE, EFFICIENCY_RANGE)
RTOL = 1e-12


def grid_axes(cells: float) -> dict[str, np.ndarray]:
    side = max(1, round(cells**0.25))
    last = max(1, round(cells / side**3))
    sizes = (side, side, side, last)
    return {
        name: np.linspace(low, high, size)
        for name, (low, high), size in zip(NAMES, RANGES, sizes, strict=True)
    }


def best_time(func: Callable[[], Any], repeats: int) -> float:
    func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def _status_kib(field: str) -> int | None:
    """A field of /proc/self/status [KiB] (Linux), None elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark to the current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    return _status_kib("VmHWM") is not None


def _reduction_child(cells: float, repeats: int, queue: Any) -> None:
    """Time the reduction in a fresh process and report its peak RSS growth.

    The peak is the kernel's peak-RSS mark (reset after imports and warm-up)
    minus the RSS at that point, so it counts every allocation of the timed
    runs, numpy's, xarray's and numba's alike.
    """
    axes = grid_axes(cells)
    reduce = {"dim": "btc_price", "how": "prob_below", "threshold": 0.0}
    small = {k: v[: max(2, len(v) // 8)] for k, v in axes.items()}
    sweep(economics.margin_per_th, reduce=reduce, progress=False, **small, **KWARGS)  # warm-up
    if _reset_peak_rss():
        before = _status_kib("VmRSS")
    else:  # no reset: growth of the all-time peak (may read 0 if imports peaked higher)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds = best_time(
        lambda: sweep(economics.margin_per_th, reduce=reduce, progress=False, **axes, **KWARGS),
        repeats,
    )
    peak = _status_kib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((seconds, (peak - before) * 1024 / 1e6, [len(v) for v in axes.values()]))


def margin_loop(prices, power_prices, difficulties, efficiencies):
    """The margin formula in plain Python floats, written independently of the library."""
    k = KWARGS
    out = []
    for price, power_price, difficulty, efficiency in zip(
        prices, power_prices, difficulties, efficiencies, strict=True
    ):
        revenue = (
            (price * 86400e12 * (k["subsidy"] + k["fees_per_block"]) / (difficulty * 2**32))
            * (1 - k["pool_fee"])
            * k["uptime"]
        )
        cost = efficiency * 24 / 1000 * k["pue"] * k["uptime"] * power_price + k["other_opex"]
        out.append(revenue - cost)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=float, default=1e8, help="materialised grid cells")
    parser.add_argument("--reduce-cells", type=float, default=1e9, help="reduced grid cells")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats (default 3)")
    parser.add_argument("--loop-sample", type=int, default=200_000, help="cells for the loop")
    args = parser.parse_args()

    axes = grid_axes(args.cells)
    shape = tuple(len(v) for v in axes.values())
    cells = int(np.prod(shape))
    output_mb = cells * 8 / 1e6
    budget = 2 * output_mb + 64  # the result counts against the budget
    print(
        f"numpy {np.__version__}, numba {numba.__version__} ({numba.get_num_threads()} threads), "
        f"Python {platform.python_version()}"
    )
    print(
        f"materialised grid {' x '.join(map(str, shape))} = {cells:,} cells, {output_mb:,.0f} MB"
    )

    def run_sweep() -> Any:
        return sweep(economics.margin_per_th, memory_budget_mb=budget, progress=False,
                     **axes, **KWARGS)  # fmt: skip

    def run_baseline() -> None:
        np.empty(shape).fill(1.0)

    result = run_sweep().margin_per_th
    reference = economics.margin_per_th(
        axes["btc_price"][:, None, None, None],
        axes["difficulty"][None, None, :, None],
        axes["efficiency"][None, None, None, :],
        axes["power_price"][None, :, None, None],
        **KWARGS,
    )
    identical = bool(np.array_equal(result.values, reference))
    del reference
    print(f"sweep == economics.margin_per_th on the broadcast grid, bit for bit: {identical}")
    assert identical, "the sweep's kernel differs from margin_per_th"

    # Interleave the timings so both see the same machine load.
    sweep_s = best_time(run_sweep, args.repeats)
    baseline_s = best_time(run_baseline, args.repeats)
    sweep_s = min(sweep_s, best_time(run_sweep, args.repeats))
    baseline_s = min(baseline_s, best_time(run_baseline, args.repeats))
    baseline_cells_per_s = cells / baseline_s
    materialised_ratio = baseline_s / sweep_s
    print(f"baseline np.empty(shape).fill(1.0): {baseline_s:.4f} s, "
          f"{baseline_cells_per_s:.3e} cells/s")  # fmt: skip
    print(f"sweep(margin_per_th) materialised: {sweep_s:.4f} s, {cells / sweep_s:.3e} cells/s")
    print(f"materialised_ratio_vs_bandwidth = {materialised_ratio:.3f} (target >= 0.8)")

    # Python loop on a sample of cells.
    rng = np.random.default_rng(0)
    index = tuple(rng.integers(0, n, args.loop_sample) for n in shape)
    sample = [axis[i].tolist() for axis, i in zip(axes.values(), index, strict=True)]
    start = time.perf_counter()
    loop = margin_loop(sample[0], sample[1], sample[2], sample[3])
    loop_s = (time.perf_counter() - start) / args.loop_sample * cells
    error = np.max(np.abs(result.values[index] - np.array(loop)) / 0.1)
    assert error < RTOL, error
    speedup = loop_s / sweep_s
    print(f"pure-Python loop on {args.loop_sample:,} cells, extrapolated: {loop_s:.1f} s; "
          f"speedup_vs_loop = {speedup:,.0f} (agrees to {error:.1e})")  # fmt: skip
    del result

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_reduction_child, args=(args.reduce_cells, args.repeats, queue))
    child.start()
    reduce_s, peak_mb, reduce_shape = queue.get()
    child.join()
    reduce_cells = int(np.prod(reduce_shape))
    reduction_cells_per_s = reduce_cells / reduce_s
    reduction_ratio = reduction_cells_per_s / baseline_cells_per_s
    print(f"reduction grid {' x '.join(map(str, reduce_shape))} = {reduce_cells:,} cells, "
          "P(margin < 0) over btc_price")  # fmt: skip
    print(f"sweep(..., reduce=prob_below): {reduce_s:.3f} s, {reduction_cells_per_s:.3e} cells/s, "
          f"reduction_ratio_vs_bandwidth = {reduction_ratio:.3f} (target >= 0.8)")  # fmt: skip
    print(f"peak RSS growth of the reduction (fresh process): {peak_mb:,.1f} MB (target < 1000)")

    print(
        json.dumps(
            {
                "materialised_ratio_vs_bandwidth": materialised_ratio,
                "reduction_cells_per_s": reduction_cells_per_s,
                "reduction_ratio_vs_bandwidth": reduction_ratio,
                "reduction_peak_mb": peak_mb,
                "speedup_vs_loop": speedup,
                "cells": cells,
                "shape": list(shape),
                "reduce_cells": reduce_cells,
                "reduce_shape": reduce_shape,
                "sweep_s": sweep_s,
                "baseline_s": baseline_s,
                "reduce_s": reduce_s,
                "loop_s_extrapolated": loop_s,
                "bit_identical": identical,
                "threads": numba.get_num_threads(),
                "numpy": np.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
