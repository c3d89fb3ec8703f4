"""Tables of per-machine economics, the content of ``minerecon report``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import pandas as pd

from minerecon import economics
from minerecon._contract import check_scalar
from minerecon.energy import energy_cost_per_th
from minerecon.hardware import Miner, _lookup, get_miner, list_miners
from minerecon.network import NetworkState
from minerecon.units import hashprice_to_ph_day

__all__ = [
    "breakeven_summary",
    "miner_economics",
]

#: Power price used when none is given [USD/kWh]; the CBECI default.
DEFAULT_POWER_PRICE = 0.05


def _machines(miners: Any, name: str = "miners") -> list[Miner]:
    """Machines from catalogue names or :class:`Miner` objects (one name or Miner alone
    counts as a list of one); ``ValueError`` naming ``name`` for anything else or none."""
    items = [miners] if isinstance(miners, str | Miner) else miners
    if isinstance(items, bytes | dict) or not isinstance(items, Iterable):
        raise ValueError(f"{name} must be machine names or Miner objects, got {miners!r}")
    chosen = [item if isinstance(item, Miner) else _lookup(name, item) for item in items]
    if not chosen:
        raise ValueError(f"{name} must name at least one machine, got none")
    return chosen


def _network_state(network: Any) -> NetworkState:
    """``network``, or the last day of the bundled history when it is None."""
    if network is None:
        return NetworkState.latest()
    if not isinstance(network, NetworkState):
        raise ValueError(
            f"network must be a minerecon.network.NetworkState or None, "
            f"got {type(network).__name__}"
        )
    return network


def _costs(**values: Any) -> dict[str, float]:
    """The per-site inputs as plain numbers (their ranges are checked by economics)."""
    return {name: check_scalar(name, value) for name, value in values.items()}


#: Columns of :func:`miner_economics`, with their units.
COLUMNS = {
    "hashrate_th": "TH/s",
    "power_w": "W",
    "efficiency_j_per_th": "J/TH",
    "revenue_usd_per_th_day": "USD/TH/day",
    "energy_cost_usd_per_th_day": "USD/TH/day",
    "margin_usd_per_th_day": "USD/TH/day",
    "margin_usd_per_machine_day": "USD/day",
    "breakeven_btc_price_usd": "USD/BTC",
    "breakeven_power_price_usd_per_kwh": "USD/kWh",
}


def miner_economics(
    miners: Iterable[str | Miner] | None = None,
    *,
    network: NetworkState | None = None,
    power_price: float = DEFAULT_POWER_PRICE,
    pool_fee: float = 0.0,
    pue: float = 1.0,
    uptime: float = 1.0,
    other_opex: float = 0.0,
) -> pd.DataFrame:
    """Revenue, cost, margin and break-evens of each machine on one day.

    Parameters
    ----------
    miners : iterable of str or Miner, optional
        Machines to tabulate (one name or Miner alone is a list of one); the
        whole catalogue by default.
    network : NetworkState, optional
        Difficulty, BTC price, fees and subsidy; the last day of the bundled
        history by default.
    power_price : float, default 0.05
        Price of electricity [USD/kWh].
    pool_fee, pue, uptime, other_opex
        As in :func:`minerecon.economics.margin_per_th`.

    Returns
    -------
    pandas.DataFrame
        One row per machine (index ``miner``), sorted by efficiency, with the
        columns of :data:`COLUMNS`. ``df.attrs`` records the inputs,
        including ``hashprice_usd_per_ph_day``.

    Examples
    --------
    >>> state = NetworkState.from_history("2025-11-20")
    >>> table = miner_economics(["Antminer S21 XP"], network=state)
    >>> float(table.loc["Antminer S21 XP", "breakeven_power_price_usd_per_kwh"])
    0.1174
    """
    state = _network_state(network)
    if miners is None:
        chosen = [get_miner(name) for name in list_miners().index]
    else:
        chosen = _machines(miners)
    costs = _costs(
        power_price=power_price, pool_fee=pool_fee, pue=pue, uptime=uptime, other_opex=other_opex
    )
    power_price, pool_fee, pue, uptime, other_opex = costs.values()
    frame = pd.DataFrame(
        {
            "hashrate_th": [m.hashrate for m in chosen],
            "power_w": [m.power for m in chosen],
            "efficiency_j_per_th": [m.efficiency for m in chosen],
        },
        index=pd.Index([m.name for m in chosen], name="miner"),
    ).sort_values("efficiency_j_per_th")
    efficiency = frame["efficiency_j_per_th"]
    network_inputs = {
        "fees_per_block": state.fees_per_block,
        "subsidy": state.subsidy,
        "pool_fee": pool_fee,
        "uptime": uptime,
    }
    costs = {"pue": pue, "other_opex": other_opex}
    # Scalars give a float (one revenue for all machines); the Series of
    # efficiencies gives a Series on the frame's index.
    frame["revenue_usd_per_th_day"] = cast(
        float, economics.revenue_per_th(state.btc_price, state.difficulty, **network_inputs)
    )
    frame["energy_cost_usd_per_th_day"] = cast(
        "pd.Series[float]", energy_cost_per_th(efficiency, power_price, pue=pue, uptime=uptime)
    )
    frame["margin_usd_per_th_day"] = cast(
        "pd.Series[float]",
        economics.margin_per_th(
            state.btc_price, state.difficulty, efficiency, power_price, **network_inputs, **costs
        ),
    )
    frame["margin_usd_per_machine_day"] = frame["margin_usd_per_th_day"] * frame["hashrate_th"]
    frame["breakeven_btc_price_usd"] = cast(
        "pd.Series[float]",
        economics.breakeven_btc_price(
            state.difficulty, efficiency, power_price, **network_inputs, **costs
        ),
    )
    frame["breakeven_power_price_usd_per_kwh"] = cast(
        "pd.Series[float]",
        economics.breakeven_power_price(
            state.btc_price, state.difficulty, efficiency, **network_inputs, **costs
        ),
    )
    frame.attrs = {
        "date": str(state.date.date()),
        "height": state.height,
        "difficulty": state.difficulty,
        "btc_price_usd": state.btc_price,
        "fees_btc_per_block": state.fees_per_block,
        "subsidy_btc": state.subsidy,
        "hashprice_usd_per_ph_day": hashprice_to_ph_day(state.hashprice),
        "power_price_usd_per_kwh": power_price,
        "pool_fee": pool_fee,
        "pue": pue,
        "uptime": uptime,
        "other_opex_usd_per_th_day": other_opex,
    }
    return frame


def breakeven_summary(
    miner: str | Miner,
    *,
    network: NetworkState | None = None,
    power_price: float = DEFAULT_POWER_PRICE,
    pool_fee: float = 0.0,
    pue: float = 1.0,
    uptime: float = 1.0,
    other_opex: float = 0.0,
) -> dict[str, str | float]:
    """All break-evens of one machine, as a flat dictionary.

    Parameters
    ----------
    miner : str or Miner
        Catalogue name or a custom :class:`~minerecon.hardware.Miner`.
    network : NetworkState, optional
        The last day of the bundled history by default.
    power_price : float, default 0.05
        Price of electricity [USD/kWh].
    pool_fee, pue, uptime, other_opex
        As in :func:`minerecon.economics.margin_per_th`.

    Returns
    -------
    dict
        The inputs and the row of :func:`miner_economics`, plus
        ``breakeven_difficulty`` [-], ``shutdown_hashprice_usd_per_ph_day``
        and ``energy_cost_usd_per_btc``.
    """
    state = _network_state(network)
    if not isinstance(miner, str | Miner):
        raise ValueError(f"miner must be a machine name or a Miner, got {miner!r}")
    machine = miner if isinstance(miner, Miner) else _lookup("miner", miner)
    costs = _costs(pool_fee=pool_fee, pue=pue, uptime=uptime, other_opex=other_opex)
    power_price = check_scalar("power_price", power_price)
    table = miner_economics([machine], network=state, power_price=power_price, **costs)
    reward = {"fees_per_block": state.fees_per_block, "subsidy": state.subsidy}
    summary: dict[str, str | float] = {"miner": machine.name}
    summary.update({str(k): v for k, v in table.attrs.items()})
    summary.update({str(k): float(v) for k, v in table.iloc[0].items()})
    # Scalar inputs give floats.
    summary["breakeven_difficulty"] = cast(
        float,
        economics.breakeven_difficulty(
            state.btc_price, machine.efficiency, power_price, **reward, **costs
        ),
    )
    summary["shutdown_hashprice_usd_per_ph_day"] = cast(
        float,
        hashprice_to_ph_day(
            economics.shutdown_hashprice(
                machine.efficiency, power_price, pue=pue, pool_fee=pool_fee
            )
        ),
    )
    summary["energy_cost_usd_per_btc"] = cast(
        float,
        economics.energy_cost_per_btc(
            state.difficulty, machine.efficiency, power_price, pue=pue, **reward
        ),
    )
    return summary
