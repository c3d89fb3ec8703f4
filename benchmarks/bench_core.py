"""Benchmark of :func:`minerecon.economics.margin_per_th` on a broadcast 4-D grid.

The grid is BTC price x power price x difficulty x efficiency, each axis a 1-D
array reshaped so that numpy broadcasts them (10**8 cells by default). Printed,
all measured in the same run:

* cells per second of ``margin_per_th`` (best of ``--repeats``, after a warm-up);
* the bandwidth baseline: ``np.empty(shape).fill(1.0)`` of the grid's size, and
  ``ratio_vs_bandwidth = baseline_time / margin_time`` (1.0 = as fast as merely
  writing the output);
* a pure-Python loop over the same formula on a random sample of cells, its
  time per cell and ``ratio_vs_loop = loop_time_per_cell / margin_time_per_cell``;
  the loop's results are asserted to agree with the library's on that sample;
* ``peak_mb``: peak memory of one ``margin_per_th`` call, from ``tracemalloc``.

The last line printed is one JSON object holding these figures.

Run ``python benchmarks/bench_core.py [--cells 1e8] [--repeats 3] [--loop-sample 200000]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

from minerecon.economics import margin_per_th

# Axis ranges (realistic for 2024-2026 mining).
PRICE_RANGE = (20_000.0, 200_000.0)  # BTC price [USD/BTC]
POWER_RANGE = (0.01, 0.15)  # power price [USD/kWh]
DIFFICULTY_RANGE = (50e12, 300e12)  # difficulty [-]
EFFICIENCY_RANGE = (12.0, 40.0)  # machine efficiency [J/TH]

# Scalar keyword arguments, set away from their defaults so that every term of
# the formula is exercised by both the library and the reference loop.
KWARGS = {
    "fees_per_block": 0.03,  # [BTC]
    "subsidy": 3.125,  # [BTC]
    "pool_fee": 0.02,  # [-]
    "pue": 1.08,  # [-]
    "uptime": 0.97,  # [-]
    "other_opex": 0.004,  # [USD/TH/day]
}

# Agreement required between the loop and the library, relative to the size of
# the terms: margin = revenue - cost cancels near break-even, so a tolerance
# relative to |margin| itself would flag rounding noise of the subtraction.
RTOL = 1e-12


def grid_shape(cells: float) -> tuple[int, int, int, int]:
    """Four axis lengths whose product is close to ``cells``."""
    side = max(1, round(cells**0.25))
    last = max(1, round(cells / side**3))
    return side, side, side, last


def make_axes(shape: tuple[int, int, int, int]) -> list[np.ndarray]:
    """The four 1-D axes, each reshaped to broadcast along its own dimension."""
    ranges = (PRICE_RANGE, POWER_RANGE, DIFFICULTY_RANGE, EFFICIENCY_RANGE)
    axes = []
    for dim, (size, (low, high)) in enumerate(zip(shape, ranges, strict=True)):
        view = [1, 1, 1, 1]
        view[dim] = size
        axes.append(np.linspace(low, high, size).reshape(view))
    return axes


def best_time(func: Callable[[], Any], repeats: int) -> float:
    """Best wall time of ``repeats`` calls after one warm-up call."""
    func()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def margin_loop(
    prices: list[float],
    power_prices: list[float],
    difficulties: list[float],
    efficiencies: list[float],
    *,
    fees_per_block: float,
    subsidy: float,
    pool_fee: float,
    pue: float,
    uptime: float,
    other_opex: float,
) -> tuple[list[float], list[float]]:
    """The margin formula in plain Python floats, written independently of the library.

    Returns the margins and the scale ``revenue + cost`` of each cell.
    """
    margins = []
    scales = []
    for price, power_price, difficulty, efficiency in zip(
        prices, power_prices, difficulties, efficiencies, strict=True
    ):
        revenue = (
            price
            * 86400e12
            * (subsidy + fees_per_block)
            / (difficulty * 2**32)
            * (1 - pool_fee)
            * uptime
        )
        cost = efficiency * 24 / 1000 * pue * uptime * power_price + other_opex
        margins.append(revenue - cost)
        scales.append(revenue + cost)
    return margins, scales


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=float, default=1e8, help="grid cells (default 1e8)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats (default 3)")
    parser.add_argument(
        "--loop-sample", type=int, default=200_000, help="cells for the Python loop"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the loop sample")
    args = parser.parse_args()

    shape = grid_shape(args.cells)
    cells = int(np.prod(shape))
    axes = make_axes(shape)
    price, power, difficulty, efficiency = axes
    output_mb = cells * 8 / 1e6
    print(f"numpy {np.__version__}, Python {platform.python_version()}")
    print(
        f"grid {' x '.join(map(str, shape))} = {cells:,} cells, float64 output {output_mb:,.0f} MB"
    )

    def run_margin() -> np.ndarray:
        return margin_per_th(price, difficulty, efficiency, power, **KWARGS)

    def run_baseline() -> None:
        np.empty(shape).fill(1.0)

    result = run_margin()
    assert isinstance(result, np.ndarray), type(result)
    assert result.shape == shape and result.dtype == np.float64, (result.shape, result.dtype)
    del result

    margin_s = best_time(run_margin, args.repeats)
    baseline_s = best_time(run_baseline, args.repeats)
    cells_per_s = cells / margin_s
    ratio_vs_bandwidth = baseline_s / margin_s
    print(
        f"margin_per_th: {margin_s:.3f} s best of {args.repeats}, {cells_per_s:.3e} cells/s, "
        f"{output_mb / 1e3 / margin_s:.2f} GB/s written"
    )
    print(
        f"baseline np.empty(shape).fill(1.0): {baseline_s:.3f} s best of {args.repeats}, "
        f"{output_mb / 1e3 / baseline_s:.2f} GB/s"
    )
    print(f"ratio_vs_bandwidth = baseline / margin = {ratio_vs_bandwidth:.3f} (target >= 0.5)")

    # Peak memory of one call: numpy reports its data allocations to tracemalloc,
    # so the traced peak above the level at the start covers the output array and
    # every temporary the call creates. Measured apart from the timed runs, since
    # tracing slows allocation.
    tracemalloc.start()
    tracemalloc.reset_peak()
    start_bytes = tracemalloc.get_traced_memory()[0]
    result = run_margin()
    peak_mb = (tracemalloc.get_traced_memory()[1] - start_bytes) / 1e6
    tracemalloc.stop()
    print(f"peak memory of one margin_per_th call (tracemalloc): {peak_mb:,.1f} MB")

    # Pure-Python loop on a random sample of grid cells.
    rng = np.random.default_rng(args.seed)
    index = tuple(rng.integers(0, size, args.loop_sample) for size in shape)
    sample = [axis.ravel()[i].tolist() for axis, i in zip(axes, index, strict=True)]
    library = result[index]
    del result
    start = time.perf_counter()
    loop_margins, loop_scales = margin_loop(*sample, **KWARGS)
    loop_s = time.perf_counter() - start
    loop_s_per_cell = loop_s / args.loop_sample
    margin_s_per_cell = margin_s / cells
    ratio_vs_loop = loop_s_per_cell / margin_s_per_cell
    print(
        f"pure-Python loop: {args.loop_sample:,} sampled cells in {loop_s:.3f} s, "
        f"{loop_s_per_cell * 1e9:.1f} ns/cell (grid extrapolated: {loop_s_per_cell * cells:.1f} s)"
    )
    print(
        f"margin_per_th: {margin_s_per_cell * 1e9:.3f} ns/cell, "
        f"ratio_vs_loop = {ratio_vs_loop:,.0f}"
    )

    error = np.abs(library - np.array(loop_margins)) / np.array(loop_scales)
    max_rel_err = float(error.max())
    print(
        f"loop vs library on the sample: max |difference| / (revenue + cost) = "
        f"{max_rel_err:.2e} (required <= {RTOL:g})"
    )
    assert max_rel_err <= RTOL, f"loop and library disagree: {max_rel_err:.3e} > {RTOL:g}"

    print(
        json.dumps(
            {
                "cells_per_s": cells_per_s,
                "ratio_vs_bandwidth": ratio_vs_bandwidth,
                "ratio_vs_loop": ratio_vs_loop,
                "peak_mb": peak_mb,
                "cells": cells,
                "shape": list(shape),
                "repeats": args.repeats,
                "margin_s": margin_s,
                "baseline_s": baseline_s,
                "loop_sample": args.loop_sample,
                "loop_s_per_cell": loop_s_per_cell,
                "max_rel_err": max_rel_err,
                "numpy": np.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
