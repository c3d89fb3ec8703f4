"""Running chunks of work on a Dask cluster (optional; imported only when used).

Dask is an optional extra of minerecon (``pip install minerecon[dask]``).
Nothing here imports it at module level: :func:`check_client` and
:func:`completed` import :mod:`distributed` when a caller passes ``client=``.
Each task recomputes its share of the work from plain inputs (a scenario, a
root ``SeedSequence``, slices of the grid), so the results do not depend on
the workers, their number or the order in which tasks finish.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import distributed

INSTALL_HINT = (
    "running on a Dask cluster needs dask.distributed: pip install minerecon[dask] "
    "(or pip install 'dask[distributed]')"
)


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(INSTALL_HINT) from error
    return distributed


def check_client(client: object) -> distributed.Client:
    """``client`` if it is a ``distributed.Client``; a clear error otherwise."""
    distributed = _distributed()
    if not isinstance(client, distributed.Client):
        raise ValueError(
            f"client must be a distributed.Client (e.g. Client('tcp://scheduler:8786')), "
            f"got {type(client).__name__}"
        )
    return client


def n_workers(client: distributed.Client) -> int:
    """Number of workers the scheduler knows of now (at least 1)."""
    return max(1, len(client.scheduler_info().get("workers", {})))


def tasks_wanted(client: distributed.Client) -> int:
    """Tasks to aim for when the split is free: a few per worker, for balance."""
    return 4 * n_workers(client)


def share(client: distributed.Client, value: object) -> distributed.Future:
    """``value`` sent to every worker once (a future that the tasks take as an argument).

    The inputs are small (a scenario, the axes of a grid), so a copy on each
    worker costs less than tasks queueing behind the one worker holding it.
    """
    return client.scatter(value, broadcast=True, hash=False)


def completed(futures: Mapping[distributed.Future, Any]) -> Iterator[tuple[Any, Any]]:
    """``(key, result)`` for each future of ``{future: key}``, as they finish.

    A failed task raises its exception here; a task that was cancelled or
    lost (its worker died, or the inputs scattered to it were lost) raises
    ``RuntimeError`` saying so. The remaining futures are cancelled.
    """
    distributed = _distributed()
    pending = dict(futures)
    try:
        for future, result in distributed.as_completed(list(pending), with_results=True):
            if isinstance(result, BaseException) or future.status != "finished":
                raise RuntimeError(
                    f"a task of the Dask run was lost ({future.status}: its worker died or "
                    "the inputs sent to the workers were lost); run again: the results do not "
                    "depend on the workers"
                )
            yield pending.pop(future), result
    finally:
        for future in pending:
            future.cancel()


def is_dask_collection(value: object) -> bool:
    """True for a dask array (or other dask collection), without importing dask."""
    module = type(value).__module__ or ""
    return module.split(".")[0] == "dask" and callable(getattr(value, "compute", None))


def split_evenly(n: int, parts: int) -> int:
    """Chunk length that cuts ``n`` items into about ``parts`` chunks."""
    return max(1, math.ceil(n / max(1, parts)))
