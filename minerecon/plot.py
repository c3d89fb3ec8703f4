"""Figures: each takes ``ax=None``, draws on it (or on a new figure) and
returns the Axes. Colours come from the Okabe-Ito palette, which stays
distinguishable with the common forms of colour blindness.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from minerecon import economics, report
from minerecon.hardware import Miner, get_miner, list_miners
from minerecon.network import NetworkState

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
PROFIT_COLOUR = PALETTE[0]
LOSS_COLOUR = PALETTE[3]

_usd = FuncFormatter(lambda value, _: f"{value:,.0f}")


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _subtitle(attrs: dict[str, Any]) -> str:
    return (
        f"{attrs['date']}: difficulty {attrs['difficulty'] / 1e12:.2f} T, "
        f"fees {attrs['fees_btc_per_block']:.3f} BTC/block, "
        f"power {attrs['power_price_usd_per_kwh']:.3f} USD/kWh"
    )


def breakeven_btc_price(
    table: pd.DataFrame | None = None,
    *,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Break-even BTC price of each machine against today's price.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        Output of :func:`minerecon.report.miner_economics`; computed from
        ``kwargs`` (``miners``, ``network``, ``power_price``, ``pool_fee``,
        ``pue``, ``uptime``, ``other_opex``) when not given.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
        One horizontal bar per machine, most efficient on top, blue where the
        machine is profitable at today's price (the dashed line), vermilion
        where it is not; each bar is labelled with its break-even.
    """
    table = table if table is not None else report.miner_economics(**kwargs)
    ax = _axes(ax, (8.0, 0.38 * len(table) + 1.6))
    price = table.attrs["btc_price_usd"]
    breakeven = table["breakeven_btc_price_usd"].iloc[::-1]
    colours = [PROFIT_COLOUR if value <= price else LOSS_COLOUR for value in breakeven]
    positions = np.arange(len(breakeven))
    ax.barh(positions, breakeven.to_numpy(), color=colours, height=0.7)
    ax.set_yticks(positions, breakeven.index)
    for y, value in zip(positions, breakeven, strict=True):
        ax.annotate(
            f"{value:,.0f}",
            (value, y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize="small",
        )
    ax.axvline(price, color=PALETTE[7], linestyle="--", linewidth=1.2)
    ax.annotate(
        f"BTC {price:,.0f}",
        (price, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -3),
        textcoords="offset points",
        va="top",
        fontsize="small",
    )
    ax.set_xlim(0, max(float(np.nanmax(breakeven)), price) * 1.15)
    ax.xaxis.set_major_formatter(_usd)
    ax.set_xlabel("Break-even BTC price [USD/BTC]")
    ax.set_title(f"Break-even BTC price per machine\n{_subtitle(table.attrs)}", fontsize="medium")
    ax.grid(axis="x", alpha=0.3)
    return ax


def margin_vs_btc_price(
    miners: Iterable[str | Miner] | None = None,
    *,
    network: NetworkState | None = None,
    power_price: float = report.DEFAULT_POWER_PRICE,
    btc_prices: Any = None,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Margin per TH/s against BTC price, one line per machine.

    Parameters
    ----------
    miners : iterable of str or Miner, optional
        Machines to draw; by default six spread over the catalogue's range of
        efficiency (the least efficient, the S9, left out).
    network : NetworkState, optional
        The last day of the bundled history by default.
    power_price : float, default 0.05
        Price of electricity [USD/kWh].
    btc_prices : array-like, optional
        BTC prices of the x axis [USD/BTC]; 0 to 2.5x today's by default.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.
    **kwargs
        ``pool_fee``, ``pue``, ``uptime``, ``other_opex``.

    Returns
    -------
    matplotlib.axes.Axes
        Lines of margin [USD per TH/s per day], the zero line, today's price
        (dashed) and each machine's break-even marked on the zero line.
    """
    state = network if network is not None else NetworkState.latest()
    if miners is None:
        ranked = list_miners().sort_values("efficiency_j_per_th").index
        miners = list(ranked[np.linspace(0, len(ranked) - 2, 6).round().astype(int)])
    chosen = [get_miner(m) if isinstance(m, str) else m for m in miners]
    prices = np.linspace(0.0, 2.5 * state.btc_price, 200) if btc_prices is None else btc_prices
    prices = np.asarray(prices, dtype=float)
    ax = _axes(ax, (8.0, 5.0))
    reward = {"fees_per_block": state.fees_per_block, "subsidy": state.subsidy}
    for index, miner in enumerate(chosen):
        colour = PALETTE[index % len(PALETTE)]
        style = ("-", "--", ":")[index // len(PALETTE) % 3]
        margin = economics.margin_per_th(
            prices, state.difficulty, miner.efficiency, power_price, **reward, **kwargs
        )
        breakeven = economics.breakeven_btc_price(
            state.difficulty, miner.efficiency, power_price, **reward, **kwargs
        )
        ax.plot(prices, margin * 1000, color=colour, linestyle=style, label=miner.name)
        ax.plot([breakeven], [0.0], "o", color=colour, markersize=5)
    ax.axhline(0.0, color=PALETTE[7], linewidth=0.8)
    ax.axvline(state.btc_price, color=PALETTE[7], linestyle="--", linewidth=1.0)
    ax.annotate(
        f"BTC {state.btc_price:,.0f}",
        (state.btc_price, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -3),
        textcoords="offset points",
        va="top",
        fontsize="small",
    )
    ax.xaxis.set_major_formatter(_usd)
    ax.set_xlabel("BTC price [USD/BTC]")
    ax.set_ylabel("Margin [USD per PH/s per day]")
    ax.set_title(
        f"Mining margin and break-even BTC price (dots)\n{state.date.date()}: "
        f"difficulty {state.difficulty / 1e12:.2f} T, power {power_price:.3f} USD/kWh",
        fontsize="medium",
    )
    ax.legend(fontsize="small", loc="upper left", frameon=False)
    ax.grid(alpha=0.3)
    return ax


def npv_distribution(
    npv: Any,
    *,
    kind: str = "violin",
    ax: Axes | None = None,
) -> Axes:
    """Distribution of NPV per option of a site comparison.

    Parameters
    ----------
    npv : SiteComparison or xarray.DataArray
        A ``minerecon.scenario.SiteComparison`` or its ``npv`` (dims
        ``option`` and ``path``) [USD].
    kind : {"violin", "box"}, default "violin"
        Violins (density) or box plots (quartiles, whiskers at p5 and p95).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
        One horizontal violin or box per option, pure mining on top, NPV in
        millions of USD; the mean of each option is a black diamond, the zero
        line marks loss.
    """
    values = getattr(npv, "npv", npv)
    if kind not in ("violin", "box"):
        raise ValueError(f"kind must be 'violin' or 'box', got {kind!r}")
    options = [str(option) for option in values.coords["option"].values]
    data = [np.asarray(values.sel(option=option).values, float) / 1e6 for option in options]
    ax = _axes(ax, (8.0, 0.7 * len(options) + 1.6))
    positions = np.arange(len(options))[::-1]
    if kind == "violin":
        parts = ax.violinplot(
            data,
            positions=positions,
            orientation="horizontal",
            showextrema=False,
            showmedians=True,
        )
        for index, body in enumerate(parts["bodies"]):
            body.set_facecolor(PALETTE[index % len(PALETTE)])
            body.set_alpha(0.6)
        parts["cmedians"].set_color(PALETTE[7])
    else:
        boxes = ax.boxplot(
            data,
            positions=positions,
            orientation="horizontal",
            whis=(5, 95),
            showfliers=False,
            patch_artist=True,
        )
        for index, box in enumerate(boxes["boxes"]):
            box.set_facecolor(PALETTE[index % len(PALETTE)])
            box.set_alpha(0.6)
    ax.plot([d.mean() for d in data], positions, "D", color=PALETTE[7], markersize=5, label="mean")
    ax.axvline(0.0, color=LOSS_COLOUR, linewidth=1.0, linestyle="--")
    ax.set_yticks(positions, options)
    ax.xaxis.set_major_formatter(_usd)
    ax.set_xlabel("NPV [million USD]")
    ax.set_title(f"NPV per option over {data[0].size:,} common paths", fontsize="medium")
    ax.legend(fontsize="small", loc="lower right", frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return ax


def split_fraction_curve(
    scores: pd.Series,
    *,
    best: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Objective of site NPV against the share of the site converted.

    Parameters
    ----------
    scores : pandas.Series
        The objective [USD] indexed by ``fraction`` [-], as returned by
        ``minerecon.scenario.optimal_split`` (second item).
    best : float, optional
        The optimal fraction; the maximum of ``scores`` by default.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
        The curve in millions of USD against the converted share in %, with
        the optimum marked and labelled.
    """
    scores = scores.sort_index()
    best = float(scores.idxmax()) if best is None else float(best)
    ax = _axes(ax, (7.0, 4.5))
    x = np.asarray(scores.index, float) * 100
    y = scores.to_numpy(float) / 1e6
    ax.plot(x, y, "-o", color=PALETTE[0], markersize=4)
    at = float(scores.loc[best]) / 1e6
    ax.plot([best * 100], [at], "*", color=PALETTE[3], markersize=14, zorder=3)
    # Label towards the middle so it stays inside the axes at either end.
    right = best <= 0.5
    ax.annotate(
        f"optimum {best:.0%}: {at:,.0f} M USD",
        (best * 100, at),
        xytext=(8 if right else -8, 6),
        textcoords="offset points",
        ha="left" if right else "right",
        fontsize="small",
    )
    ax.axhline(0.0, color=PALETTE[7], linewidth=0.8)
    ax.yaxis.set_major_formatter(_usd)
    ax.set_xlabel("Share of site power leased to the AI tenant [%]")
    names = {
        "mean": "Mean NPV",
        "cvar": "Minus expected shortfall of NPV",
        "objective": "Objective of NPV",
    }
    label = scores.name if isinstance(scores.name, str) else "objective"
    ax.set_ylabel(f"{names.get(label, label)} [million USD]")
    ax.set_title("Site NPV against the split of its power", fontsize="medium")
    ax.grid(alpha=0.3)
    return ax


def tornado(result: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Tornado chart of a one-at-a-time sensitivity.

    Parameters
    ----------
    result : pandas.DataFrame
        Output of :func:`minerecon.sensitivity.tornado`; ``attrs["output"]``
        (the output and its unit) labels the x axis.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
        Two horizontal bars per parameter, largest swing on top, each
        starting at the base output (the black line): blue to the output at
        the parameter's low value, orange to the output at its high value.
        Tick labels give the parameter and its range.
    """
    ax = _axes(ax, (8.0, 0.5 * len(result) + 1.6))
    rows = result.iloc[::-1]
    base = float(rows["base_output"].iloc[0]) if len(rows) else 0.0
    positions = np.arange(len(rows))
    for column, colour, label in (
        ("output_low", PALETTE[0], "parameter at low value"),
        ("output_high", PALETTE[1], "parameter at high value"),
    ):
        values = rows[column].to_numpy(float)
        ax.barh(positions, values - base, left=base, color=colour, height=0.6, label=label)
    ticks = [
        f"{name}\n{low:,.4g} to {high:,.4g}"
        for name, low, high in zip(rows.index, rows["low_value"], rows["high_value"], strict=True)
    ]
    ax.set_yticks(positions, ticks, fontsize="small")
    ax.axvline(base, color=PALETTE[7], linewidth=1.0)
    output = result.attrs.get("output", "output")
    ax.set_xlabel(str(output))
    ax.set_title(
        f"One-at-a-time sensitivity around the base case ({base:,.4g})", fontsize="medium"
    )
    ax.legend(fontsize="small", loc="lower right", frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return ax


def sobol_indices(result: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """First-order and total Sobol' indices per parameter.

    Parameters
    ----------
    result : pandas.DataFrame
        Output of :func:`minerecon.sensitivity.sobol`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
        Two bars per parameter, first-order (blue) and total (orange), with
        their confidence intervals as error bars where the result has them;
        the gap between the two is the share of variance due to
        interactions.
    """
    ax = _axes(ax, (max(5.0, 0.9 * len(result) + 2.0), 4.5))
    positions = np.arange(len(result))
    width = 0.38
    level = result.attrs.get("confidence_level")
    for offset, column, colour, label in (
        (-width / 2, "first_order", PALETTE[0], "first order"),
        (width / 2, "total", PALETTE[1], "total"),
    ):
        values = result[column].to_numpy(float)
        low = result.get(f"{column}_low")
        high = result.get(f"{column}_high")
        error = None
        if low is not None and high is not None and np.isfinite(low).all():
            error = np.vstack(
                [
                    np.clip(values - low.to_numpy(float), 0, None),
                    np.clip(high.to_numpy(float) - values, 0, None),
                ]
            )
        ax.bar(
            positions + offset,
            values,
            width,
            yerr=error,
            color=colour,
            label=label,
            error_kw={"ecolor": PALETTE[7], "capsize": 3, "linewidth": 1.0},
        )
    ax.set_xticks(positions, [str(name) for name in result.index])
    ax.axhline(0.0, color=PALETTE[7], linewidth=0.8)
    ax.set_ylim(min(0.0, float(np.nanmin(result["first_order"])) - 0.05), 1.05)
    ax.set_xlabel("Parameter")
    ax.set_ylabel("Sobol' index (share of output variance) [-]")
    title = f"Sobol' indices of {result.attrs.get('output', 'the output')}"
    if "n" in result.attrs:
        title += f"\n{result.attrs.get('method', '')}, n = {result.attrs['n']:,}"
        if level is not None and error is not None:
            title += f", {level:.0%} intervals"
    ax.set_title(title, fontsize="medium")
    ax.legend(fontsize="small", frameon=False)
    ax.grid(axis="y", alpha=0.3)
    return ax
