"""Tests of the Dask scale-out: a two-worker LocalCluster gives the local results, bit for bit."""

from __future__ import annotations

import logging
import subprocess
import sys

import distributed
import numpy as np
import pytest
import xarray as xr

from minerecon import economics, fees, price
from minerecon import projection as projection_module
from minerecon.difficulty import EconomicHashrate
from minerecon.hardware import Deployment
from minerecon.network import NetworkState
from minerecon.projection import MiningScenario, simulate
from minerecon.sweep import sweep, sweep_scenario

STATE = NetworkState("2026-01-01", 931_392, 150e12, 90_000, 0.02)
AXES = {
    "btc_price": np.linspace(30_000.0, 150_000.0, 23),
    "power_price": np.linspace(0.02, 0.12, 17),
    "difficulty": np.array([120e12, 150e12, 180e12]),
    "miner": ["Antminer S21 XP", "Antminer S19j Pro", "Antminer S21"],
}
FIXED = {"fees_per_block": 0.03, "pool_fee": 0.02, "pue": 1.08, "uptime": 0.97}


@pytest.fixture(scope="module")
def client():
    # Worker processes, as on a real cluster: every task and its inputs are
    # pickled, and the workers import minerecon themselves.
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def generic_margin(btc_price, difficulty, efficiency, power_price, **kwargs):
    """margin_per_th behind a wrapper, so the sweep takes its broadcast (xarray) path."""
    return economics.margin_per_th(btc_price, difficulty, efficiency, power_price, **kwargs)


def stochastic_scenario(**changes):
    fleet = [
        Deployment("Antminer S21 XP", 200, capex_per_unit=6_939, degradation=0.05),
        Deployment("Antminer S21", 100, delivery=60, capex_per_unit=3_000),
        Deployment("Antminer S19j Pro", 300, resale_value=100, other_opex=0.002),
    ]
    scenario = MiningScenario(
        fleet,
        start=STATE,
        days=200,
        price=price.GBM(0.1, 0.6),
        fees=fees.StochasticFees(0.02, 0.03, 4.0, 1.5, 2.0, 1.0),
        hashrate=EconomicHashrate(0.035, 0.5, 5.0, volatility=0.2),
        power_price=0.06,
        pool_fee=0.02,
    )
    return scenario.replace(**changes)


class Recorder:
    """Stands in for the progress bar: records every update."""

    def __init__(self):
        self.updates = []

    def update(self, n):
        self.updates.append(n)

    def close(self):
        pass


def test_simulate_on_the_cluster_equals_the_local_run(client, monkeypatch):
    # Each task draws its paths from the root seed and the block index, so the
    # chunks computed on the workers are the ones the local loop computes.
    scenario = stochastic_scenario()
    local = simulate(scenario, n_paths=450, seed=11)
    bar = Recorder()
    monkeypatch.setattr(projection_module, "_progress_bar", lambda *args: bar)
    with distributed.get_task_stream(client) as tasks:
        remote = simulate(scenario, n_paths=450, seed=11, client=client)
    assert len(tasks.data) == 5  # one task per chunk, run on the workers
    assert remote.summary.identical(local.summary)
    assert remote.monthly.identical(local.monthly)
    assert remote.statistics.identical(local.statistics)
    assert remote.monthly_statistics.identical(local.monthly_statistics)
    # 2 workers x 4 tasks each wanted: chunks of 100 paths (whole random blocks).
    assert sorted(bar.updates) == [50, 100, 100, 100, 100]


def test_a_cluster_run_sends_back_only_the_kept_paths_and_the_folded_statistics(client):
    # Chunks of 33 paths cut the blocks of 100 the statistics are folded by:
    # the edges travel as rows and are put together on the client, in any order
    # the tasks finish, to the local run's statistics bit for bit.
    scenario = stochastic_scenario()
    local = simulate(scenario, n_paths=300, seed=7, keep_paths=50)
    remote = simulate(scenario, n_paths=300, seed=7, keep_paths=50, chunk_size=33, client=client)
    for name in ("summary", "monthly", "statistics", "monthly_statistics"):
        assert getattr(remote, name).identical(getattr(local, name)), name
    assert remote.summary.sizes["path"] == 50 and remote.n_paths == 300


def test_simulate_full_output_and_odd_chunks_on_the_cluster(client):
    scenario = stochastic_scenario(policy="hold")
    local = simulate(scenario, n_paths=130, seed=5, output="full")
    remote = simulate(scenario, n_paths=130, seed=5, output="full", chunk_size=33, client=client)
    for name in ("summary", "monthly", "daily"):
        assert getattr(remote, name).identical(getattr(local, name)), name


@pytest.mark.parametrize("func", [economics.margin_per_th, generic_margin])
def test_sweep_without_reduction_equals_the_local_run(client, func):
    local = sweep(func, **AXES, **FIXED)
    remote = sweep(func, **AXES, **FIXED, client=client)
    assert remote.identical(local)


@pytest.mark.parametrize("func", [economics.margin_per_th, generic_margin])
def test_sweep_with_reductions_equals_the_local_run(client, func):
    # A small budget splits the reduced axis too: each task folds its chunks in order.
    reduce = [
        {"dim": "btc_price", "how": how}
        for how in ("mean", "sum", "min", "max", "prob_below", "argmin", "argmax")
    ]
    reduce.append({"dim": "power_price", "how": "quantile", "q": [0.1, 0.5]})
    kwargs = {**AXES, **FIXED, "reduce": reduce, "memory_budget_mb": 0.02}
    local = sweep(func, **kwargs)
    with distributed.get_task_stream(client) as tasks:
        remote = sweep(func, **kwargs, client=client)
    assert remote.identical(local)
    # One task per (difficulty, miner) cell: 9 tasks over the 2 workers.
    assert len(tasks.data) == 9


def test_sweep_with_a_callable_reduction_equals_the_local_run(client):
    kwargs = {**AXES, **FIXED, "memory_budget_mb": 0.05}
    local = sweep(generic_margin, reduce=lambda ds: ds.max("miner"), **kwargs)
    remote = sweep(generic_margin, reduce=lambda ds: ds.max("miner"), **kwargs, client=client)
    assert remote.identical(local)


def test_sweep_scenario_on_the_cluster_equals_the_local_run(client):
    scenario = stochastic_scenario(days=120)
    kwargs = {
        "n_paths": 150,
        "seed": 3,
        "statistics": ("mean_npv", "p5_npv", "probability_of_loss", "median_btc_mined"),
        "power_price": [0.04, 0.07],
        "price.volatility": [0.4, 0.8],
    }
    local = sweep_scenario(scenario, **kwargs)
    remote = sweep_scenario(scenario, **kwargs, client=client)
    assert remote.identical(local)


def test_dask_arrays_as_axes_are_computed():
    import dask.array as da

    local = sweep(economics.margin_per_th, **AXES, **FIXED)
    axes = AXES | {"btc_price": da.from_array(AXES["btc_price"], chunks=5)}
    assert sweep(economics.margin_per_th, **axes, **FIXED).identical(local)
    lazy = xr.DataArray(da.from_array(AXES["power_price"], chunks=4), dims="power_price")
    assert sweep(economics.margin_per_th, **(AXES | {"power_price": lazy}), **FIXED).identical(
        local
    )


def test_client_must_be_a_distributed_client():
    scenario = stochastic_scenario()
    with pytest.raises(ValueError, match=r"client must be a distributed\.Client"):
        simulate(scenario, n_paths=10, seed=1, client="tcp://scheduler:8786")
    with pytest.raises(ValueError, match=r"client must be a distributed\.Client"):
        sweep(economics.margin_per_th, **AXES, **FIXED, client=object())


def test_dask_is_imported_only_when_used():
    code = (
        "import sys, minerecon, minerecon.sweep, minerecon.projection;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_lost_task_raises_a_clear_error(monkeypatch):
    # When a worker dies with the inputs scattered to it, distributed hands back a
    # cancelled future (its "result" a CancelledError object): the run must stop with
    # an error that says so, not fail later on that object.
    from minerecon import _dask

    class Lost:
        status = "cancelled"

        def cancel(self):
            pass

    def as_completed(futures, with_results):
        yield futures[0], distributed.CancelledError("lost")

    monkeypatch.setattr(distributed, "as_completed", as_completed)
    with pytest.raises(RuntimeError, match="task of the Dask run was lost"):
        list(_dask.completed({Lost(): 0}))
