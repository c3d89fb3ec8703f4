"""minerecon: the economics of Bitcoin mining.

Hashprice, revenue, energy cost and margin per TH/s, break-even BTC price,
power price and difficulty, cost to mine one BTC, and the protocol facts
behind them, as vectorised functions that take scalars, numpy arrays,
pandas Series or xarray DataArrays and return the same kind.

>>> import minerecon as mr
>>> s21xp = mr.get_miner("Antminer S21 XP")
>>> round(mr.economics.breakeven_power_price(87_000, 152.27e12, s21xp.efficiency), 3)
0.111
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from minerecon import datasets, economics, energy, hardware, network, units
from minerecon._contract import MinereconWarning, WeakFitWarning
from minerecon.datasets import StaleDataWarning
from minerecon.hardware import Deployment, Fleet, Miner, get_miner, list_miners
from minerecon.network import NetworkState, block_subsidy, hashprice

# Modules that load numba, scipy.optimize, matplotlib or the engine are imported on
# first use, so the core functions and the command line start fast.
_LAZY_MODULES = {
    "cashflow",
    "config",
    "difficulty",
    "explorer",
    "fees",
    "financing",
    "hedging",
    "hosting",
    "options",
    "plot",
    "pools",
    "power",
    "presets",
    "price",
    "projection",
    "report",
    "risk",
    "scenario",
    "sensitivity",
    "sweep",
    "tax",
    "typing",
    "update",
    "valuation",
}
_LAZY_NAMES = {
    name: "projection" for name in ("MiningScenario", "backtest", "calibrate", "simulate")
}


if TYPE_CHECKING:
    # What __getattr__ imports on first use, named for the type checker only.
    from minerecon import (
        cashflow,
        config,
        difficulty,
        explorer,
        fees,
        financing,
        hedging,
        hosting,
        options,
        plot,
        pools,
        power,
        presets,
        price,
        projection,
        report,
        risk,
        scenario,
        sensitivity,
        sweep,
        tax,
        typing,
        update,
        valuation,
    )
    from minerecon.projection import MiningScenario, backtest, calibrate, simulate

    __version__: str


def __getattr__(name: str) -> object:
    if name == "__version__":  # importlib.metadata costs a twentieth of a second
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("minerecon")
        except PackageNotFoundError:  # running from a source tree that is not installed
            return "0+unknown"
    if name in _LAZY_MODULES:
        return importlib.import_module(f"minerecon.{name}")
    if name in _LAZY_NAMES:
        return getattr(importlib.import_module(f"minerecon.{_LAZY_NAMES[name]}"), name)
    raise AttributeError(f"module 'minerecon' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Deployment",
    "Fleet",
    "Miner",
    "MinereconWarning",
    "MiningScenario",
    "NetworkState",
    "StaleDataWarning",
    "WeakFitWarning",
    "__version__",
    "backtest",
    "block_subsidy",
    "calibrate",
    "cashflow",
    "config",
    "datasets",
    "difficulty",
    "economics",
    "energy",
    "explorer",
    "fees",
    "financing",
    "get_miner",
    "hardware",
    "hashprice",
    "hedging",
    "hosting",
    "list_miners",
    "network",
    "options",
    "plot",
    "pools",
    "power",
    "presets",
    "price",
    "projection",
    "report",
    "risk",
    "scenario",
    "sensitivity",
    "simulate",
    "sweep",
    "tax",
    "typing",
    "units",
    "update",
    "valuation",
]
