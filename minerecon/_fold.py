"""Statistics of every path of a Monte Carlo run, folded so memory does not grow with paths.

Rows of per-path results (summaries, monthly series) are folded in blocks of
:data:`minerecon._random.BLOCK_PATHS` paths, always in path order: the count,
mean and sum of squared deviations of the finite values (merged as Chan,
Golub and LeVeque do), and their minimum and maximum. Each block's figures
come from its rows alone, so the result is the same bit for bit whatever the
chunks a run is cut into and whatever order they finish in (on a cluster).

References
----------
T. F. Chan, G. H. Golub and R. J. LeVeque, "Algorithms for computing the sample
variance: analysis and recommendations", The American Statistician 37(3), 1983.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np

from minerecon._random import BLOCK_PATHS

#: Blocks whose figures are computed at once.
_BATCH = 8


@dataclasses.dataclass
class Moments:
    """Count, mean, squared deviations, min and max of the finite values, per cell."""

    count: np.ndarray
    mean: np.ndarray
    m2: np.ndarray
    minimum: np.ndarray
    maximum: np.ndarray

    @classmethod
    def empty(cls, shape: tuple[int, ...]) -> Moments:
        return cls(
            np.zeros(shape),
            np.zeros(shape),
            np.zeros(shape),
            np.full(shape, np.inf),
            np.full(shape, -np.inf),
        )

    @classmethod
    def of_blocks(cls, rows: np.ndarray) -> Moments:
        """The figures of each block: ``rows`` has shape ``(blocks, paths, *cells)``."""
        finite = np.isfinite(rows)
        count = finite.sum(axis=1).astype(float)
        values = np.where(finite, rows, 0.0)
        # Finite but astronomical values (the IRR of a nearly free investment can
        # reach 1e300) overflow the sums to inf: an infinite spread, said without
        # a numpy warning.
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            mean = np.where(count > 0, values.sum(axis=1) / count, 0.0)
            deviations = np.where(finite, rows - mean[:, None], 0.0)
            m2 = np.square(deviations).sum(axis=1)
        return cls(
            count,
            mean,
            m2,
            np.where(finite, rows, np.inf).min(axis=1),
            np.where(finite, rows, -np.inf).max(axis=1),
        )

    def block(self, index: int) -> Moments:
        return Moments(*(getattr(self, f.name)[index] for f in dataclasses.fields(self)))

    def merge(self, other: Moments) -> None:
        """Fold ``other`` (the paths after these) into these figures."""
        total = self.count + other.count
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            delta = other.mean - self.mean
            weight = np.where(total > 0, other.count / total, 0.0)
            self.m2 = self.m2 + other.m2 + np.square(delta) * self.count * weight
        self.mean = self.mean + delta * weight
        self.count = total
        self.minimum = np.minimum(self.minimum, other.minimum)
        self.maximum = np.maximum(self.maximum, other.maximum)

    def std(self) -> np.ndarray:
        """Sample standard deviation (``ddof=1``; nan below two values)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.count > 1, np.sqrt(self.m2 / (self.count - 1)), np.nan)


@dataclasses.dataclass
class ChunkParts:
    """What one chunk of paths gives the fold: small, to travel from a worker.

    ``blocks``: the figures of the whole blocks inside the chunk, from block
    ``first_block`` on; ``edges``: the rows of the blocks it only partly
    covers, by block index, as ``(offset in the block, rows)``.
    """

    first_block: int
    blocks: dict[str, Moments] | None
    edges: dict[int, tuple[int, dict[str, np.ndarray]]]


def chunk_parts(first: int, arrays: Mapping[str, np.ndarray]) -> ChunkParts:
    """Split the rows of paths ``first, first + 1, ...`` into whole blocks and edges."""
    n_rows = len(next(iter(arrays.values())))
    last = first + n_rows
    start = -(-first // BLOCK_PATHS) * BLOCK_PATHS  # first whole block's first path
    stop = max(start, last // BLOCK_PATHS * BLOCK_PATHS)
    edges: dict[int, tuple[int, dict[str, np.ndarray]]] = {}
    if start > first:
        cut = min(start, last) - first
        edges[first // BLOCK_PATHS] = (
            first % BLOCK_PATHS,
            {name: rows[:cut].copy() for name, rows in arrays.items()},
        )
    if stop < last and stop >= start:
        edges[stop // BLOCK_PATHS] = (
            0,
            {name: rows[stop - first :].copy() for name, rows in arrays.items()},
        )
    blocks = None
    if stop > start:
        count = (stop - start) // BLOCK_PATHS
        blocks = {}
        for name, rows in arrays.items():
            whole = rows[start - first : stop - first].reshape(count, BLOCK_PATHS, *rows.shape[1:])
            # A few blocks at a time: the temporaries stay small beside the chunk.
            parts = [Moments.of_blocks(whole[i : i + _BATCH]) for i in range(0, count, _BATCH)]
            blocks[name] = Moments(
                *(
                    np.concatenate([getattr(part, field.name) for part in parts])
                    for field in dataclasses.fields(Moments)
                )
            )
    return ChunkParts(start // BLOCK_PATHS, blocks, edges)


class Fold:
    """Folds the :class:`ChunkParts` of a run, in path order, as they come."""

    def __init__(self, n_paths: int, shapes: Mapping[str, tuple[int, ...]]) -> None:
        self.n_paths = n_paths
        self.moments = {name: Moments.empty(shape) for name, shape in shapes.items()}
        self._next = 0  # the next block to merge
        self._ready: dict[int, dict[str, Moments]] = {}
        self._partial: dict[int, list[tuple[int, dict[str, np.ndarray]]]] = {}

    def add(self, parts: ChunkParts) -> None:
        if parts.blocks is not None:
            count = len(next(iter(parts.blocks.values())).count)
            for offset in range(count):
                self._ready[parts.first_block + offset] = {
                    name: moments.block(offset) for name, moments in parts.blocks.items()
                }
        for index, piece in parts.edges.items():
            pieces = self._partial.setdefault(index, [])
            pieces.append(piece)
            size = min(BLOCK_PATHS, self.n_paths - index * BLOCK_PATHS)
            if sum(len(next(iter(rows.values()))) for _, rows in pieces) == size:
                pieces.sort(key=lambda piece: piece[0])
                whole = {
                    name: np.concatenate([rows[name] for _, rows in pieces])[None]
                    for name in pieces[0][1]
                }
                self._ready[index] = {
                    name: Moments.of_blocks(rows).block(0) for name, rows in whole.items()
                }
                del self._partial[index]
        while self._next in self._ready:
            for name, moments in self._ready.pop(self._next).items():
                self.moments[name].merge(moments)
            self._next += 1
