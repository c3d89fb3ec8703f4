"""Reproducible random streams for Monte Carlo.

Every random number minerecon draws comes from a stream keyed by the user's
seed, a model component (price, fees, hashrate, ...) and a fixed block of
:data:`BLOCK_PATHS` paths. Path ``i`` therefore sees the same numbers
whatever the chunk size, the number of threads or the other components of
the scenario, and two scenarios run with the same seed share their paths
(common random numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from minerecon.typing import SeedLike

#: Paths per random stream. Chunks of any size are assembled from these.
BLOCK_PATHS = 100

# Stream components; new components get new numbers so old streams never move.
PRICE = 1
FEES = 2
HASHRATE = 3
TENANT = 4
BLOCKS = 5
SOLO = 6
POWER = 7


def seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """A ``SeedSequence`` from an int, a ``SeedSequence``, a ``Generator`` or None.

    A ``Generator`` is consumed once (four 32-bit words) so that repeated calls
    with the same generator give new, reproducible streams.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(seed.integers(0, 2**32, size=4, dtype=np.uint64).tolist())
    # numpy counts timedelta64 as an integer; int() of it raises TypeError
    whole = isinstance(seed, int | np.integer) and not isinstance(seed, bool | np.timedelta64)
    if seed is None or whole:
        if seed is not None and seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        return np.random.SeedSequence(None if seed is None else int(seed))
    raise ValueError(
        f"seed must be an int, numpy.random.SeedSequence, numpy.random.Generator or None, "
        f"got {type(seed).__name__}"
    )


class Streams:
    """Random generators keyed by (component, block of paths) under one seed.

    Parameters
    ----------
    seed : int, SeedSequence, Generator or None
        The user's seed; see :func:`seed_sequence`.
    """

    def __init__(self, seed: SeedLike = None) -> None:
        self.root = seed_sequence(seed)

    def generator(self, component: int, block: int) -> np.random.Generator:
        """The generator of one block of paths of one component."""
        child = np.random.SeedSequence(
            self.root.entropy, spawn_key=(*self.root.spawn_key, component, block)
        )
        return np.random.Generator(np.random.PCG64(child))

    def fill(
        self,
        component: int,
        start: int,
        stop: int,
        n_columns: int,
        sampler: Callable[[np.random.Generator, np.ndarray], object],
        *,
        out: np.ndarray | None = None,
        threads: int = 1,
    ) -> np.ndarray:
        """Paths ``start:stop`` as rows, each drawn from its own block's stream.

        ``sampler(generator, out)`` fills ``out`` (``BLOCK_PATHS`` rows,
        ``n_columns`` columns) in place. Blocks cut by ``start`` or ``stop``
        are drawn whole and sliced, so row ``i`` never depends on the chunk.
        ``out`` (at least ``stop - start`` rows) is filled instead of a new
        array when given; ``threads`` > 1 fills blocks concurrently (numpy's
        generators and minerecon's samplers release the GIL), with the same
        result.
        """
        n_rows = stop - start
        if out is None:
            out = np.empty((n_rows, n_columns))
        else:
            out = out[:n_rows]
        blocks = range(start // BLOCK_PATHS, (stop - 1) // BLOCK_PATHS + 1)

        def draw(block: int) -> None:
            lo, hi = block * BLOCK_PATHS, (block + 1) * BLOCK_PATHS
            rng = self.generator(component, block)
            if lo >= start and hi <= stop:
                sampler(rng, out[lo - start : hi - start])
                return
            spare = np.empty((BLOCK_PATHS, n_columns))
            sampler(rng, spare)
            first, last = max(lo, start), min(hi, stop)
            out[first - start : last - start] = spare[first - lo : last - lo]

        if threads > 1 and len(blocks) > 1:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                list(pool.map(draw, blocks))
        else:
            for block in blocks:
                draw(block)
        return out
