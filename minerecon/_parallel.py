"""Compiled kernels run over blocks of rows, one thread per core.

The kernels are compiled with ``nogil=True`` and loop over the rows they are
given; Python threads run blocks of rows side by side. That is as fast as
numba's ``parallel=True`` for these loops over independent paths and takes a
third of its compile time, which the first run after installing pays.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numba

# Blocks per thread: paths differ in cost (IRR searches, switch-offs), so more
# blocks than threads balance the load.
_BLOCKS_PER_THREAD = 4


def over_rows(run: Callable[[int, int], None], n_rows: int, threads: int | None = None) -> None:
    """Call ``run(start, stop)`` on blocks covering rows ``0 .. n_rows``, on threads.

    ``run`` must release the GIL (a numba ``nogil`` kernel) and write only to
    its own rows. ``threads`` defaults to numba's thread count
    (``NUMBA_NUM_THREADS``, or ``numba.set_num_threads``).
    """
    threads = numba.get_num_threads() if threads is None else threads
    blocks = min(n_rows, threads * _BLOCKS_PER_THREAD)
    if threads <= 1 or blocks <= 1:
        run(0, n_rows)
        return
    bounds = [n_rows * k // blocks for k in range(blocks + 1)]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run, bounds[:-1], bounds[1:]))  # raises what a block raised
