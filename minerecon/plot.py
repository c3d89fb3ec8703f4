"""Figures: each takes ``ax=None``, draws on it (or on a new figure) and
returns the Axes. Colours come from the Okabe-Ito palette, which stays
distinguishable with the common forms of colour blindness.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from minerecon import economics, report
from minerecon._contract import check, check_scalar
from minerecon.hardware import Miner, list_miners
from minerecon.network import NetworkState
from minerecon.typing import ArrayLike, DateLike

if TYPE_CHECKING:
    from matplotlib.collections import PolyCollection

    from minerecon.hedging import Hedge
    from minerecon.options import ConversionTiming
    from minerecon.projection import SimulationResult
    from minerecon.scenario import SiteComparison

__all__ = [
    "breakeven_btc_price",
    "breakeven_contours",
    "breakeven_power_price",
    "conversion_boundary",
    "fan_chart",
    "flexibility_by_month",
    "hedge_fan_chart",
    "history",
    "hourly_operation",
    "machine_values",
    "margin_map",
    "margin_vs_btc_price",
    "npv_distribution",
    "price_duration_curve",
    "profitable_map",
    "sobol_indices",
    "split_fraction_curve",
    "tornado",
]

#: Share of paths still to decide below which a conversion boundary is drawn faint.
_FEW_WAITING = 0.05

#: Contour levels a chart draws at most: more would be unreadable and slow to label.
MAX_LEVELS = 100

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
_usd_thousands = FuncFormatter(
    lambda value, _: f"{value / 1000:,.4g}k" if abs(value) >= 10_000 else f"{value:,.0f}"
)


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _check_frame(name: str, frame: Any, columns: Iterable[str], *, rows: int = 0) -> None:
    """A table argument: a DataFrame with these numeric columns and at least ``rows`` rows."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} must have the columns {list(columns)}; missing {missing}")
    for column in columns:
        if not pd.api.types.is_numeric_dtype(frame[column]) or frame[column].dtype == bool:
            raise ValueError(f"{name}: column {column!r} must hold numbers")
    if len(frame) < rows:
        raise ValueError(f"{name} must have at least {rows} row(s), got {len(frame)}")


def _economics_table(table: Any, column: str, kwargs: dict[str, Any]) -> pd.DataFrame:
    """The table of :func:`minerecon.report.miner_economics` a bar chart draws."""
    if table is None:
        return report.miner_economics(**kwargs)
    _check_frame("table", table, [column], rows=1)
    keys = (
        "date",
        "difficulty",
        "fees_btc_per_block",
        "power_price_usd_per_kwh",
        "btc_price_usd",
        "pool_fee",
        "pue",
    )
    missing = [key for key in keys if key not in table.attrs]
    if missing:
        raise ValueError(
            f"table must be a result of minerecon.report.miner_economics: its attrs lack {missing}"
        )
    return table


def _finite_max(values: Any, *others: float) -> float:
    """The largest finite value (an axis limit), 1 when there is none."""
    finite = [v for v in (*np.asarray(values, float).ravel(), *others) if np.isfinite(v)]
    return max(finite) if finite else 1.0


def _subtitle(attrs: Mapping[Hashable, Any]) -> str:
    """Two lines: the network of the table's day, then its costs."""
    return (
        f"{attrs['date']}: difficulty {attrs['difficulty'] / 1e12:.2f} T, "
        f"fees {attrs['fees_btc_per_block']:.3f} BTC/block\n"
        f"{_costs(attrs['power_price_usd_per_kwh'], **_cost_options(attrs))}"
    )


def _cost_options(attrs: Mapping[Hashable, Any]) -> dict[str, float]:
    names = {"pool_fee": "pool_fee", "pue": "pue", "uptime": "uptime"}
    names["other_opex"] = "other_opex_usd_per_th_day"
    return {key: attrs[name] for key, name in names.items() if name in attrs}


def _costs(
    power_price: float,
    *,
    pool_fee: float = 0.0,
    pue: float = 1.0,
    uptime: float = 1.0,
    other_opex: float = 0.0,
) -> str:
    """The costs a margin depends on, in words: power, pool fee and PUE always, the rest if set."""
    parts = [f"power {power_price:.3f} USD/kWh", f"pool fee {pool_fee:.1%}", f"PUE {pue:.2f}"]
    if uptime != 1.0:
        parts.append(f"uptime {uptime:.0%}")
    if other_opex != 0.0:
        parts.append(f"other opex {other_opex:.4f} USD/TH/day")
    return ", ".join(parts)


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
    table = _economics_table(table, "breakeven_btc_price_usd", kwargs)
    ax = _axes(ax, (8.0, 0.38 * len(table) + 1.9))
    price = table.attrs["btc_price_usd"]
    breakeven = table["breakeven_btc_price_usd"].iloc[::-1]
    limit = _bar_limit(breakeven.to_numpy(), price)
    colours = [PROFIT_COLOUR if value <= price else LOSS_COLOUR for value in breakeven]
    positions = np.arange(len(breakeven))
    clipped = breakeven.to_numpy() > limit
    ax.barh(positions, np.minimum(breakeven.to_numpy(), limit), color=colours, height=0.7)
    ax.set_yticks(positions, breakeven.index)
    for y, value, cut in zip(positions, breakeven, clipped, strict=True):
        text = "never" if value == np.inf else f"{value:,.0f}"
        if cut:
            # Beyond the axis: the bar stops at it, its value is written inside the bar.
            ax.annotate(
                f"{text} \u25b8",
                (limit, y),
                xytext=(-3, 0),
                textcoords="offset points",
                ha="right",
                va="center",
                fontsize="small",
                color="white",
                fontweight="bold",
            )
        else:
            ax.annotate(
                text, (value, y), xytext=(3, 0), textcoords="offset points", va="center",
                fontsize="small",
            )  # fmt: skip
    ax.axvline(price, color=PALETTE[7], linestyle="--", linewidth=1.2)
    ax.set_xlim(0, limit)
    ax.xaxis.set_major_formatter(_usd)
    ax.set_xlabel("Break-even BTC price [USD/BTC]")
    ax.set_title(f"Break-even BTC price per machine\n{_subtitle(table.attrs)}", fontsize="medium")
    ax.grid(axis="x", alpha=0.3)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    ax.legend(
        handles=[
            Line2D([], [], color=PALETTE[7], linestyle="--", label=f"BTC price {price:,.0f}"),
            Patch(color=PROFIT_COLOUR, label="profitable at that price"),
            Patch(color=LOSS_COLOUR, label="not profitable at that price"),
        ],
        loc="upper right",
        fontsize="small",
        framealpha=0.95,
    )
    return ax


def _bar_limit(breakeven: np.ndarray, price: float) -> float:
    """Right end of the break-even axis [USD/BTC].

    Room for every bar and its label, except bars beyond twice the larger of
    today's price and the median break-even (an S9 among current machines,
    or a machine that never breaks even): they are cut at the axis so that
    they do not squash the others.
    """
    finite = breakeven[np.isfinite(breakeven)]
    ceiling = 2.0 * max(price, float(np.median(finite)) if finite.size else price)
    shown = finite[finite <= ceiling]
    largest = max(price, float(shown.max()) if shown.size else price)
    if shown.size == breakeven.size:
        return largest * 1.15
    return max(largest * 1.15, ceiling)


def margin_vs_btc_price(
    miners: Iterable[str | Miner] | None = None,
    *,
    network: NetworkState | None = None,
    power_price: float = report.DEFAULT_POWER_PRICE,
    btc_prices: ArrayLike | None = None,
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
        Lines of margin [USD per TH/s per day, the unit of
        :func:`minerecon.report.miner_economics`], the zero line, today's
        price (dashed) and each machine's break-even marked on the zero line;
        the legend's title says which machines are shown.
    """
    state = report._network_state(network)
    ranked = list(list_miners().sort_values("efficiency_j_per_th").index)
    shown = "Machines"
    if miners is None:
        miners = [ranked[i] for i in np.linspace(0, len(ranked) - 2, 6).round().astype(int)]
        shown = (
            f"6 of the {len(ranked)} catalogue machines,\nspread by efficiency "
            f"({ranked[-1]} left out)"
        )
    # No machine is allowed: the explorer draws the empty chart.
    empty = isinstance(miners, list | tuple) and not miners
    chosen = [] if empty else report._machines(miners)
    power_price = check_scalar("power_price", power_price, low=0.0, unit="[USD/kWh]")
    if btc_prices is None:
        prices = np.linspace(0.0, 2.5 * state.btc_price, 200)
    else:
        prices = np.asarray(check("btc_prices", btc_prices, low=0.0, unit="[USD/BTC]"), float)
        if prices.ndim != 1 or not prices.size or not np.isfinite(prices).all():
            raise ValueError(
                f"btc_prices must be a 1-D sequence of finite prices [USD/BTC], got {btc_prices!r}"
            )
    ax = _axes(ax, (8.0, 5.0))
    reward = {"fees_per_block": state.fees_per_block, "subsidy": state.subsidy}
    custom = iter(range(len(ranked), len(ranked) + len(chosen)))
    for miner in chosen:
        # A machine keeps its colour whatever else is drawn: its place in the catalogue.
        colour, style = _machine_style(
            ranked.index(miner.name) if miner.name in ranked else next(custom)
        )
        margin = economics.margin_per_th(
            prices, state.difficulty, miner.efficiency, power_price, **reward, **kwargs
        )
        breakeven = economics.breakeven_btc_price(
            state.difficulty, miner.efficiency, power_price, **reward, **kwargs
        )
        ax.plot(prices, margin, color=colour, linestyle=style, label=miner.name)
        # Scalar inputs give one price.
        ax.plot([cast(float, breakeven)], [0.0], "o", color=colour, markersize=5)
    ax.axhline(0.0, color=PALETTE[7], linewidth=0.8)
    ax.axvline(state.btc_price, color=PALETTE[7], linestyle="--", linewidth=1.0)
    # Near the right end the label goes left of the line: it stays inside the axes.
    right = state.btc_price <= 0.8 * float(prices.max())
    label = ax.annotate(
        f"BTC {state.btc_price:,.0f}",
        (state.btc_price, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3 if right else -3, -3),
        textcoords="offset points",
        ha="left" if right else "right",
        va="top",
        fontsize="small",
    )
    label.set_in_layout(False)  # a label near an edge must not resize the axes
    ax.xaxis.set_major_formatter(_usd)
    ax.set_xlabel("BTC price [USD/BTC]")
    ax.set_ylabel("Margin [USD per TH/s per day]")
    ax.set_title(
        f"Mining margin and break-even BTC price (dots)\n{state.date.date()}: "
        f"difficulty {state.difficulty / 1e12:.2f} T, "
        f"fees {state.fees_per_block:.3f} BTC/block\n{_costs(power_price, **kwargs)}",
        fontsize="medium",
    )
    if chosen:
        ax.legend(
            fontsize="small", loc="upper left", frameon=False, title=shown,
            title_fontsize="small", alignment="left",
        )  # fmt: skip
    ax.grid(alpha=0.3)
    return ax


def _machine_style(index: int) -> tuple[str, str]:
    """Colour and line style of the ``index``-th machine.

    Black stays for the price line and yellow, faint on white, is left out:
    six colours and three line styles tell 18 machines apart.
    """
    colours = PALETTE[:6]
    return colours[index % len(colours)], ("-", "--", ":")[index // len(colours) % 3]


def npv_distribution(
    npv: SiteComparison | xr.DataArray,
    *,
    kind: Literal["violin", "box"] = "violin",
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
        Violins fall back to boxes when an option's paths do not differ
        enough to estimate a density (equal, or a single path).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
        One horizontal violin or box per option, pure mining on top, NPV in
        millions of USD; the mean of each option is a black diamond, the zero
        line marks loss. From a SiteComparison the title names the site, the
        valuation's rates and terminal values, and the horizon.
    """
    values = npv.npv if not isinstance(npv, xr.DataArray) and hasattr(npv, "npv") else npv
    if (
        not isinstance(values, xr.DataArray)
        or set(values.dims) != {"option", "path"}
        or "option" not in values.coords
        or not values.size
    ):
        raise ValueError(
            "npv must be a SiteComparison or a DataArray over option and path with an "
            f"option coordinate, got {type(values).__name__} {getattr(values, 'dims', '')}"
        )
    if values.dtype.kind not in "iuf" or not np.isfinite(values.values).all():
        raise ValueError("npv must hold finite numbers [USD]")
    if not isinstance(kind, str) or kind not in ("violin", "box"):
        raise ValueError(f"kind must be 'violin' or 'box', got {kind!r}")
    options = [str(option) for option in values.coords["option"].values]
    data = [np.asarray(values.isel(option=i).values, float) / 1e6 for i in range(len(options))]
    ax = _axes(ax, (8.0, 0.7 * len(options) + 1.6))
    positions = np.arange(len(options))[::-1]
    if kind == "violin" and not all(_has_density(d) for d in data):
        # A density needs paths that differ (DESIGN: a distribution only when
        # they do): boxes show equal values as one line.
        kind = "box"
    if kind == "violin":
        parts = ax.violinplot(
            data,
            positions=positions,
            orientation="horizontal",
            showextrema=False,
            showmedians=True,
        )
        # A list of PolyCollection, one per violin; the stubs type it as one Collection.
        bodies = cast("list[PolyCollection]", parts["bodies"])
        for index, body in enumerate(bodies):
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
    title = f"NPV per option over {data[0].size:,} common paths"
    if values is not npv:  # a SiteComparison: whose NPV, at which rates, over what horizon
        title = f"{_site_name(npv.site)}: {title}\n{_conventions(npv.valuation, npv.scenario)}"
    ax.set_title(title, fontsize="medium")
    ax.legend(fontsize="small", loc="lower right", frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return ax


def _site_name(site: Any) -> str:
    """The site's name with its size, unless the name gives it."""
    name = site.name or "Site"
    return name if "MW" in name else f"{name} ({site.gross_mw:,.4g} MW)"


def _conventions(valuation: Any, scenario: Any) -> str:
    """Rates, then terminal values and horizon of a valuation: two lines of a title."""
    rates = valuation.rates
    if len(set(rates.values())) == 1:
        discount = f"discount rate {rates['mining']:.1%}"
    else:
        discount = (
            f"discount rates: mining {rates['mining']:.1%}, hosting {rates['hosting']:.1%}, "
            f"guaranteed rent {rates['guarantee']:.1%}"
        )
    exits = [
        text
        for text, multiple in (
            (f"hall {valuation.hosting_exit_multiple:g}x NOI", valuation.hosting_exit_multiple),
            (
                f"mining {valuation.mining_exit_multiple:g}x cash flow",
                valuation.mining_exit_multiple,
            ),
        )
        if multiple > 0
    ]
    terminal = "terminal value " + ", ".join(exits) if exits else "no terminal value"
    view = f"{valuation.name} view, " if valuation.name else ""
    horizon = f"{scenario.days / 365:.3g} years from {scenario.start.date.date()}"
    return f"{view}{discount}\n{terminal}; {horizon}"


def _has_density(values: np.ndarray) -> bool:
    """Whether matplotlib's violin can estimate a density of ``values``: its Gaussian
    kernel (Scott's bandwidth) has the variance ``var * n**-0.4``, which must be
    finite, positive and invertible in floating point."""
    if values.size < 2:
        return False
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        variance = np.var(values, ddof=1) * values.size**-0.4
        return bool(np.isfinite(variance) and variance > 0 and np.isfinite(1.0 / variance))


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
    if not isinstance(scores, pd.Series) or not len(scores):
        raise ValueError(
            "scores must be a non-empty pandas Series indexed by fraction, "
            f"got {type(scores).__name__}"
        )
    if scores.index.dtype.kind not in "iuf" or scores.dtype.kind not in "iuf":
        raise ValueError("scores must hold numbers [USD] indexed by fractions [-]")
    check("scores", scores.to_numpy(float))
    check("scores fractions", scores.index.to_numpy(float), low=0.0, high=1.0)
    if scores.index.has_duplicates:
        raise ValueError("scores must have one value per fraction (its index has duplicates)")
    scores = scores.sort_index()
    if best is None:
        best = float(cast(float, scores.idxmax()))  # the index holds fractions (checked)
    else:
        best = check_scalar("best", best)
        if best not in scores.index:
            raise ValueError(f"best must be one of the fractions of scores, got {best:g}")
    ax = _axes(ax, (7.0, 4.5))
    x = np.asarray(scores.index, float) * 100
    y = scores.to_numpy(float) / 1e6
    ax.plot(x, y, "-o", color=PALETTE[0], markersize=4)
    at = float(scores.loc[best]) / 1e6
    ax.plot([best * 100], [at], "*", color=PALETTE[3], markersize=14, zorder=3)
    # Label towards the middle so it stays inside the axes at either end, with
    # headroom above the curve for it.
    ax.margins(y=0.15)
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
        Tick labels give the parameter (with its unit when it is an argument
        of the economics functions, such as ``btc_price``), its range and its
        base value, the title the base output with the unit of
        ``attrs["output"]``.
    """
    _check_frame(
        "result",
        result,
        ["low_value", "high_value", "output_low", "output_high", "base_output"],
        rows=1,
    )
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
    centres = rows["base_value"] if "base_value" in rows else [None] * len(rows)
    names = [_parameter(name) for name in rows.index]
    ticks = [
        f"{name}\n{_short(low)} to {_short(high)}"
        + ("" if centre is None else f" (base {_short(centre)})")
        for name, low, high, centre in zip(
            names, rows["low_value"], rows["high_value"], centres, strict=True
        )
    ]
    ax.set_yticks(positions, ticks, fontsize="small")
    ax.axvline(base, color=PALETTE[7], linewidth=1.0)
    output = str(result.attrs.get("output", "output"))
    ax.set_xlabel(output)
    unit = re.search(r"\[([^\]]+)\]", output)
    ax.set_title(
        f"One-at-a-time sensitivity: base case {_short(base)}"
        + (f" {unit.group(1)}" if unit else ""),
        fontsize="medium",
    )
    ax.legend(fontsize="small", loc="lower right", frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return ax


def _parameter(name: Hashable) -> str:
    """A parameter's label: arguments of the economics functions read as
    "BTC price [USD/BTC]"; other names (a decision tornado's) are shown as given."""
    from minerecon.sweep import ARGUMENT_UNITS

    return _label(name, ARGUMENT_UNITS[name]) if name in ARGUMENT_UNITS else str(name)


def _short(value: float) -> str:
    """A value for a label: whole with separators from 1,000, else three significant digits."""
    if not np.isfinite(value):
        return str(value)
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


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
    _check_frame("result", result, ["first_order", "total"], rows=1)
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
        if (
            low is not None
            and high is not None
            and np.isfinite(low.to_numpy(float)).all()
            and np.isfinite(high.to_numpy(float)).all()
        ):
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
    # Units under the names: side by side, long labels would run into each other.
    ax.set_xticks(positions, [_parameter(name).replace(" [", "\n[") for name in result.index])
    ax.axhline(0.0, color=PALETTE[7], linewidth=0.8)
    lowest = -_finite_max(-result["first_order"].to_numpy(float))
    ax.set_ylim(min(0.0, lowest - 0.05), 1.05)
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


# --------------------------------------------------------------------------
# Break-even power price, sweep maps, history and fan charts
# --------------------------------------------------------------------------

#: Halvings inside the bundled history: block height and UTC day it was mined.
HALVINGS = {
    420_000: "2016-07-09",
    630_000: "2020-05-11",
    840_000: "2024-04-20",
}

#: Colour-blind-safe colormaps: diverging (ColorBrewer RdBu, red = loss,
#: blue = profit) and sequential (cividis).
DIVERGING_CMAP = "RdBu"
SEQUENTIAL_CMAP = "cividis"

_NAMES = {
    "btc_price": "BTC price",
    "price": "BTC price",
    "power_price": "Power price",
    "efficiency": "Efficiency",
    "difficulty": "Difficulty",
    "hashrate": "Network hashrate",
    "fees_per_block": "Fees per block",
    "fees": "Fees per block",
    "subsidy": "Subsidy",
    "pool_fee": "Pool fee",
    "pue": "PUE",
    "uptime": "Uptime",
    "other_opex": "Other opex",
    "miner": "Machine",
    "margin_per_th": "Margin",
    "revenue_per_th": "Revenue",
    "breakeven_btc_price": "Break-even BTC price",
    "breakeven_power_price": "Break-even power price",
    "cash_flow": "Cash flow",
    "cumulative_cash": "Cumulative cash",
    "btc_mined": "BTC mined",
    "revenue": "Revenue",
    "energy_cost": "Energy cost",
    "other_cost": "Other cost",
    "cost_per_btc": "Cash cost per BTC",
}


#: Thousands separated, and up to four significant digits below 1,000.
_number = FuncFormatter(
    lambda value, _: f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.4g}"
)


def _name(name: Any) -> str:
    name = str(name)
    return _NAMES.get(name, name.replace("_", " ").capitalize())


def _dates(axis: Any) -> None:
    """Compact date ticks that stay apart on a narrow axes."""
    from matplotlib import dates

    locator = dates.AutoDateLocator()
    axis.set_major_locator(locator)
    axis.set_major_formatter(dates.ConciseDateFormatter(locator))


def _inline(name: Any) -> str:
    """The name inside a sentence: "power price", but "BTC price" and "PUE"."""
    text = _name(name)
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _scale(name: Any, units: str) -> tuple[float, str]:
    """Factor and unit that put a quantity in a readable range."""
    if "difficulty" in str(name) and units in ("-", ""):
        return 1e-12, "T"
    if units == "TH/s" and "hashrate" in str(name):
        return 1e-6, "EH/s"
    return 1.0, units


def _label(name: Any, units: str) -> str:
    return f"{_name(name)} [{units}]" if units else _name(name)


def _units_of(coord: Any) -> str:
    from minerecon.sweep import ARGUMENT_UNITS

    return str(coord.attrs.get("units") or ARGUMENT_UNITS.get(str(coord.name), ""))


def _numeric_along(data: Any, dim: Hashable) -> str | None:
    """A numeric coordinate along a non-numeric dim (``efficiency`` along ``miner``)."""
    names = [
        name
        for name, coord in data.coords.items()
        if coord.dims == (dim,) and name != dim and np.asarray(coord.values).dtype.kind in "iuf"
    ]
    return "efficiency" if "efficiency" in names else (names[0] if names else None)


def _grid_axis(data: Any, dim: Hashable, axis: Any) -> np.ndarray:
    """Positions of a grid dimension on ``axis`` (x or y), labelled with units."""
    coord = data.coords[dim] if dim in data.coords else None
    values = np.asarray(coord.values) if coord is not None else np.arange(data.sizes[dim])
    if values.dtype.kind in "iuf":
        factor, units = _scale(dim, _units_of(coord) if coord is not None else "")
        axis.set_label_text(_label(dim, units))
        if dim == "btc_price":
            # Thousands as "40k": full prices overlap on a map a third of a page wide.
            axis.set_major_formatter(_usd_thousands)
        return values.astype(float) * factor
    along = _numeric_along(data, dim)
    if along is None:
        positions = np.arange(values.size, dtype=float)
        axis.set_ticks(positions, [str(value) for value in values])
        axis.set_label_text(_name(dim))
        return positions
    # Machines at their efficiency: contours between them are then exact.
    positions = np.asarray(data.coords[along].values, dtype=float)
    kept: list[int] = []
    gap = 0.06 * (np.ptp(positions) or 1.0)
    for index in np.argsort(positions):
        if not kept or positions[index] - positions[kept[-1]] >= gap:
            kept.append(int(index))
    axis.set_ticks(
        positions[kept], [f"{values[i]} ({positions[i]:g})" for i in kept], fontsize="small"
    )
    axis.set_label_text(f"{_name(dim)}, at its {_inline(along)} [{_units_of(data.coords[along])}]")
    return positions


def _levels(levels: Any) -> list[float]:
    """Contour levels: finite numbers, in increasing order without repeats."""
    if levels is None:
        return []
    if isinstance(levels, str | bytes) or not isinstance(levels, Iterable):
        raise ValueError(f"levels must be a sequence of numbers, got {levels!r}")
    values = np.asarray(check("levels", list(levels)), float)
    if values.ndim != 1 or not np.isfinite(values).all():
        raise ValueError(f"levels must be a 1-D sequence of finite numbers, got {levels!r}")
    values = np.unique(values)
    if values.size > MAX_LEVELS:
        raise ValueError(f"levels must hold at most {MAX_LEVELS} values, got {values.size}")
    return values.tolist()


def _grid(data: Any, ax: Axes, name: str = "data") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not isinstance(data, xr.DataArray):
        raise TypeError(f"{name} must be an xarray DataArray, got {type(data).__name__}")
    if data.ndim != 2 or data.dtype.kind not in "iufb":
        raise ValueError(f"{name} must be a 2-D grid of numbers, got dims {data.dims}")
    if not np.isfinite(np.asarray(data.values, float)).any():
        raise ValueError(f"{name} must hold at least one finite value")
    for dim in data.dims:
        along = _numeric_along(data, dim)
        if np.asarray(data[dim].values).dtype.kind not in "iuf" and along is not None:
            data = data.sortby(along)
    y_dim, x_dim = data.dims
    x = _grid_axis(data, x_dim, ax.xaxis)
    y = _grid_axis(data, y_dim, ax.yaxis)
    return x, y, np.asarray(data.values, dtype=float)


def breakeven_power_price(
    table: pd.DataFrame | None = None,
    *,
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Break-even power price of each machine against the site's power price.

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
        One horizontal bar per machine, most efficient on top: the highest
        power price [USD/kWh] at which it still breaks even at the table's
        BTC price and difficulty. Blue where that is at or above the site's
        power price (the dashed line), vermilion where it is below; each bar
        is labelled with its value.
    """
    table = _economics_table(table, "breakeven_power_price_usd_per_kwh", kwargs)
    ax = _axes(ax, (8.0, 0.38 * len(table) + 1.6))
    site = table.attrs["power_price_usd_per_kwh"]
    breakeven = table["breakeven_power_price_usd_per_kwh"].iloc[::-1]
    colours = [PROFIT_COLOUR if value >= site else LOSS_COLOUR for value in breakeven]
    positions = np.arange(len(breakeven))
    ax.barh(positions, breakeven.to_numpy(), color=colours, height=0.7)
    ax.set_yticks(positions, breakeven.index)
    for y, value in zip(positions, breakeven, strict=True):
        ax.annotate(
            f"{value:.3f}",
            (max(value, 0.0), y),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize="small",
        )
    ax.axvline(site, color=PALETTE[7], linestyle="--", linewidth=1.2)
    ax.annotate(
        f"site {site:.3f} USD/kWh",
        (site, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(3, -3),
        textcoords="offset points",
        va="top",
        fontsize="small",
        backgroundcolor="white",
    )
    low = min(0.0, -_finite_max(-breakeven.to_numpy(float)) * 1.1)
    ax.set_xlim(low, _finite_max(breakeven, site) * 1.18)
    ax.set_xlabel("Break-even power price [USD/kWh]")
    ax.set_title(
        f"Break-even power price per machine at BTC {table.attrs['btc_price_usd']:,.0f} USD\n"
        f"{_subtitle(table.attrs)}",
        fontsize="medium",
    )
    ax.grid(axis="x", alpha=0.3)
    return ax


def margin_map(
    data: xr.DataArray,
    *,
    ax: Axes | None = None,
    levels: Iterable[float] | None = None,
) -> Axes:
    """Heatmap of a two-axis sweep result, with its zero contour.

    Parameters
    ----------
    data : xarray.DataArray
        A 2-D result of :func:`minerecon.sweep.sweep`, e.g. ``margin_per_th``
        over ``btc_price`` x ``power_price``; the last dim goes on the x
        axis. Axes are labelled from the coordinates' names and ``units``
        attributes, the colour bar from the data's.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.
    levels : iterable of float, optional
        Further contour levels to draw and label, in the data's units (at
        most ``MAX_LEVELS``).

    Returns
    -------
    matplotlib.axes.Axes
        A diverging red (below zero) to blue (above) map centred on zero,
        the zero contour as a thick black line labelled "break-even", the
        extra levels as thin labelled grey lines, and a colour bar.
    """
    from matplotlib.colors import CenteredNorm

    extra = _levels(levels)
    ax = _axes(ax, (7.5, 5.0))
    x, y, values = _grid(data, ax)
    halfrange = _finite_max(np.abs(values)) or 1.0
    mesh = ax.pcolormesh(
        x,
        y,
        values,
        shading="nearest",
        cmap=DIVERGING_CMAP,
        norm=CenteredNorm(vcenter=0.0, halfrange=halfrange),
    )
    units = data.attrs.get("units", "")
    name = data.name if data.name is not None else "value"
    bar = ax.figure.colorbar(mesh, ax=ax)
    bar.set_label(_label(name, units))
    # Contours need a grid of at least 2 x 2 cells.
    lines = min(values.shape) > 1
    if lines and np.nanmin(values) < 0 < np.nanmax(values):
        zero = ax.contour(x, y, values, levels=[0.0], colors=PALETTE[7], linewidths=2.0)
        ax.clabel(zero, fmt={0.0: "break-even"}, fontsize="small")
    extra = [level for level in extra if level != 0]
    if lines and extra:
        lines = ax.contour(x, y, values, levels=extra, colors="0.25", linewidths=0.9)
        ax.clabel(lines, fmt=lambda level: f"{level:,.4g}", fontsize="small")
    ax.set_title(
        f"{_name(name)} [{units}] over {_inline(data.dims[1])} and {_inline(data.dims[0])}"
        "\nblack line: break-even (zero)",
        fontsize="medium",
    )
    return ax


def breakeven_contours(
    surface: xr.DataArray,
    *,
    ax: Axes | None = None,
    levels: Iterable[float] | int | None = None,
    btc_price: float | None = None,
) -> Axes:
    """Labelled contours of a break-even BTC price surface.

    Parameters
    ----------
    surface : xarray.DataArray
        Output of :func:`minerecon.sweep.breakeven_surface` [USD/BTC], dims
        ``(y, x)``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.
    levels : iterable of float or int, optional
        Contour levels [USD/BTC] (at most ``MAX_LEVELS``), or how many to
        aim for, in [1, ``MAX_LEVELS``]; about eight round levels by
        default.
    btc_price : float, optional
        A BTC price to mark (e.g. today's) [USD/BTC]: its contour is drawn as
        a thick dashed vermilion line; cells below it are profitable.

    Returns
    -------
    matplotlib.axes.Axes
        Filled contours (cividis) with labelled black contour lines, a
        colour bar in USD/BTC and, if asked, the ``btc_price`` contour.
    """
    from matplotlib import patheffects
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    if isinstance(levels, numbers.Number | np.timedelta64):
        # numpy registers timedelta64 as an Integral: it is no count.
        if isinstance(levels, bool | np.bool_ | np.timedelta64) or not isinstance(
            levels, numbers.Integral
        ):
            raise ValueError(f"levels must be a whole number or a sequence, got {levels!r}")
        if not 1 <= levels <= MAX_LEVELS:
            raise ValueError(
                f"levels must be in [1, {MAX_LEVELS}] when it is a count, got {levels}"
            )
    elif levels is not None:
        levels = _levels(levels)
        if len(levels) < 2:
            raise ValueError(f"levels must hold at least two distinct values, got {levels}")
    if btc_price is not None:
        btc_price = check_scalar("btc_price", btc_price, low=0.0, unit="[USD/BTC]")
    if isinstance(surface, xr.DataArray) and min(surface.shape, default=0) < 2:
        raise ValueError(
            "surface must have at least two values along each of its dims, "
            f"got {dict(surface.sizes)}"
        )
    ax = _axes(ax, (7.5, 5.0))
    x, y, values = _grid(surface, ax, "surface")
    if levels is None or isinstance(levels, numbers.Integral):
        finite = values[np.isfinite(values)]
        locator = MaxNLocator(nbins=int(levels or 8))
        low, high = finite.min(), finite.max()
        if low == high:  # a flat surface: one band around its value
            low, high = low - max(1.0, abs(low) * 0.01), high + max(1.0, abs(high) * 0.01)
        levels = locator.tick_values(low, high)
    levels = np.asarray(list(levels), dtype=float)
    filled = ax.contourf(x, y, values, levels=levels, cmap=SEQUENTIAL_CMAP, alpha=0.85)
    lines = ax.contour(x, y, values, levels=levels, colors=PALETTE[7], linewidths=0.8)
    ax.clabel(lines, fmt=lambda level: f"{level:,.0f}", fontsize="small")
    bar = ax.figure.colorbar(filled, ax=ax)
    bar.set_label("Break-even BTC price [USD/BTC]")
    bar.formatter = _usd
    bar.update_ticks()
    dims = [_inline(dim) for dim in surface.dims]
    title = f"Break-even BTC price [USD/BTC] over {dims[1]} and {dims[0]}"
    if btc_price is not None:
        if np.nanmin(values) <= btc_price <= np.nanmax(values):
            ax.contour(
                x,
                y,
                values,
                levels=[float(btc_price)],
                colors=PALETTE[3],
                linewidths=2.5,
                linestyles="--",
                path_effects=[patheffects.withStroke(linewidth=4.5, foreground="white")],
            )
        bar.ax.axhline(btc_price, color=PALETTE[3], linewidth=2.5, linestyle="--")
        ax.legend(
            handles=[
                Line2D(
                    [],
                    [],
                    color=PALETTE[3],
                    linewidth=2.5,
                    linestyle="--",
                    label=f"BTC {btc_price:,.0f} USD/BTC: profitable below",
                )
            ],
            loc="upper left",
            fontsize="small",
            framealpha=0.9,
        )
    ax.set_title(title, fontsize="medium")
    return ax


def _hashprice_history(history: pd.DataFrame) -> pd.Series:
    from minerecon import datasets, network

    subsidy = network.block_subsidy(datasets.estimate_height(history.index))
    reward = network.btc_per_th_day(
        history["difficulty"].to_numpy(), history["fees_btc_per_block"].to_numpy(), subsidy
    )
    return pd.Series(history["price_usd"].to_numpy() * reward * 1000, index=history.index)


def history(
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Hashprice and difficulty over the bundled history, halvings marked.

    Parameters
    ----------
    start, end : str or Timestamp, optional
        First and last day to draw; the whole history by default.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given. Difficulty goes on a
        twin y axis (the other Axes of the figure sharing this x axis).

    Returns
    -------
    matplotlib.axes.Axes
        Hashprice [USD/PH/day] (blue, left axis): BTC price times the
        expected BTC per PH/s per day, subsidy by estimated block height plus
        that day's fees per block, before pool fees. Difficulty [T] (orange,
        right axis). Both on log scales when they span more than a factor of
        20. Halvings in the range are dotted vertical lines labelled with
        their date and block height.
    """
    from matplotlib.ticker import NullFormatter

    from minerecon import datasets

    first, last = (
        None if value is None else datasets.parse_day(name, value, normalize=False)
        for name, value in (("start", start), ("end", end))
    )
    bundled = datasets.load_history()
    frame = bundled.loc[first:last]
    if frame.empty:
        raise ValueError(
            f"no bundled history between start={start} and end={end}: they must select "
            f"some of {bundled.index[0].date()} to {bundled.index[-1].date()}"
        )
    hashprice = _hashprice_history(frame)
    ax = _axes(ax, (9.0, 5.0))
    twin = ax.twinx()
    # Hashprice, halvings and legend on top of the difficulty line.
    ax.set_zorder(twin.get_zorder() + 1)
    ax.patch.set_visible(False)
    left = ax.plot(
        hashprice.index,
        hashprice.to_numpy(),
        color=PALETTE[0],
        linewidth=1.0,
        label="Hashprice (left)",
    )
    right = twin.plot(
        frame.index,
        frame["difficulty"].to_numpy() / 1e12,
        color=PALETTE[1],
        linewidth=1.8,
        label="Difficulty (right)",
    )
    general = FuncFormatter(lambda value, _: f"{value:,.4g}")
    for axes, series, formatter in ((ax, hashprice, _usd), (twin, frame["difficulty"], general)):
        if series.max() / series.min() > 20:
            axes.set_yscale("log")
            axes.yaxis.set_minor_formatter(NullFormatter())
        axes.yaxis.set_major_formatter(formatter)
    ax.set_ylabel("Hashprice [USD/PH/day]", color=PALETTE[0])
    twin.set_ylabel("Difficulty [T]", color=PALETTE[1])
    ax.tick_params(axis="y", colors=PALETTE[0])
    twin.tick_params(axis="y", colors=PALETTE[1])
    for height, day in HALVINGS.items():
        when = pd.Timestamp(day)
        if not frame.index[0] <= when <= frame.index[-1]:
            continue
        # Matplotlib converts dates through its units registry; its stubs accept only float.
        ax.axvline(when, color=PALETTE[7], linestyle=":", linewidth=1.2)  # type: ignore[arg-type]
        ax.annotate(
            f"halving {day}\nblock {height:,}",
            (when, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -3),
            textcoords="offset points",
            va="top",
            fontsize="small",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5},
        )
    ax.set_xlim(frame.index[0], frame.index[-1])
    _dates(ax.xaxis)
    ax.set_xlabel("Date (UTC)")
    ax.legend(handles=left + right, loc="center right", fontsize="small", framealpha=0.9)
    ax.set_title(
        f"Hashprice and difficulty, {frame.index[0].date()} to {frame.index[-1].date()}\n"
        "bundled daily history; hashprice with fees, before pool fees",
        fontsize="medium",
    )
    ax.grid(alpha=0.3)
    return ax


def fan_chart(
    result: SimulationResult,
    variable: str = "price",
    *,
    ax: Axes | None = None,
    percentiles: Iterable[float] = (5, 25, 50, 75, 95),
) -> Axes:
    """Fan chart of a Monte Carlo variable: percentile bands over paths.

    Parameters
    ----------
    result : SimulationResult
        Output of :func:`minerecon.projection.simulate`; daily series are
        used when it has them, monthly otherwise.
    variable : str, default "price"
        A series of the result, e.g. ``"price"``, ``"difficulty"``,
        ``"hashrate"``, ``"cumulative_cash"`` or ``"cash_flow"``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.
    percentiles : iterable of float, default (5, 25, 50, 75, 95)
        Percentiles over paths [%]: the outermost pair is the lightest band,
        each inner pair a darker one, and 50 (if given) the median line.

    Returns
    -------
    matplotlib.axes.Axes
        Shaded bands between symmetric pairs of percentiles, the median as a
        line, the y axis in the variable's units (difficulty in T, hashrate
        in EH/s, USD amounts over a million in million USD); cash variables
        get a zero line.
    """
    from minerecon.projection import SimulationResult

    if not isinstance(result, SimulationResult):
        raise TypeError(
            f"result must be a minerecon.projection.SimulationResult, got {type(result).__name__}"
        )
    if not isinstance(variable, str):
        raise ValueError(f"variable must be the name of a series of result, got {variable!r}")
    if isinstance(percentiles, str | bytes) or not isinstance(percentiles, Iterable):
        raise ValueError(
            f"percentiles must be a sequence of numbers in [0, 100], got {percentiles!r}"
        )
    values = np.asarray(check("percentiles", list(percentiles), low=0.0, high=100.0, unit="[%]"))
    if values.ndim != 1 or not values.size:
        raise ValueError(f"percentiles must be a non-empty 1-D sequence, got {percentiles!r}")
    percentiles = sorted(values.astype(float).tolist())
    bands = result.bands(variable, percentiles=percentiles)
    time_dim = next(dim for dim in bands.dims if dim != "percentile")
    times = pd.DatetimeIndex(bands.coords[time_dim].values)
    units = str(bands.attrs.get("units", ""))
    base, _, note = units.partition(" (")
    factor, base = _scale(variable, base)
    values = np.asarray(bands.values, dtype=float) * factor
    finite = values[np.isfinite(values)]
    if base.startswith("USD") and not base.startswith(("USD/BTC", "USD/kWh", "USD/TH", "USD/PH")):
        if finite.size and np.abs(finite).max() >= 1e6:
            values, base = values / 1e6, base.replace("USD", "million USD", 1)
    ax = _axes(ax, (8.0, 4.8))
    n = len(percentiles)
    for index in range(n // 2):
        low, high = percentiles[index], percentiles[n - 1 - index]
        ax.fill_between(
            times,
            values[index],
            values[n - 1 - index],
            color=PALETTE[0],
            alpha=0.18 + 0.22 * index,
            linewidth=0,
            label=f"{low:g}-{high:g} %",
        )
    if n % 2:
        middle = percentiles[n // 2]
        label = "median" if middle == 50 else f"{middle:g} %"
        ax.plot(times, values[n // 2], color=PALETTE[0], linewidth=2.0, label=label)
    if base.startswith(("USD", "million USD")) and finite.size and finite.min() < 0:
        ax.axhline(0.0, color=PALETTE[7], linewidth=0.8)
    ax.yaxis.set_major_formatter(_number)
    label = _label(variable, base)
    ax.set_ylabel(f"{label}, {note.rstrip(')')}" if note else label)
    _dates(ax.xaxis)
    ax.set_xlabel("Date" if time_dim == "time" else "Month")
    paths = result.summary.sizes.get("path", 0)
    ax.set_title(f"{_name(variable)}: percentiles over {paths:,} paths", fontsize="medium")
    ax.legend(fontsize="small", loc="upper left", frameon=False)
    ax.grid(alpha=0.3)
    return ax


def conversion_boundary(
    timing: ConversionTiming, *, ax: Axes | None = None, sample_paths: int = 12
) -> Axes:
    """When to convert: the fitted hashprice boundary over time, with sample paths.

    Parameters
    ----------
    timing : ConversionTiming
        Output of :func:`minerecon.options.conversion_timing`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.
    sample_paths : int, default 12
        Simulated hashprice paths drawn, in [0, 100]; each ends with a dot
        where the policy converts it.

    Returns
    -------
    matplotlib.axes.Axes
        The boundary [USD per PH/s per day] at each decision date (below it,
        converting is optimal), the 5-95 % band of the simulated hashprice,
        sample paths up to their conversion, bars of the share of paths
        converting at each date (right axis) and the three strategies'
        values in the title.
    """
    from minerecon.options import ConversionTiming
    from minerecon.units import PH, TH

    if not isinstance(timing, ConversionTiming):
        raise TypeError(
            f"timing must be a minerecon.options.ConversionTiming, got {type(timing).__name__}"
        )
    if isinstance(sample_paths, bool) or not isinstance(sample_paths, numbers.Integral):
        raise ValueError(f"sample_paths must be an integer in [0, 100], got {sample_paths!r}")
    if not 0 <= sample_paths <= 100:
        raise ValueError(f"sample_paths must be an integer in [0, 100], got {sample_paths}")
    monthly = timing.comparison.mining.monthly["hashprice"].transpose("path", "month")
    # A month's closing hashprice is known on the first day of the next month.
    known = pd.DatetimeIndex(monthly["month"].values) + pd.offsets.MonthBegin(1)
    values = monthly.values * (PH / TH)
    dates = timing.decision_dates
    ax = _axes(ax, (9.0, 5.0))
    low, high = np.nanpercentile(values, [5, 95], axis=0)
    ax.fill_between(
        known, low, high, color=PALETTE[0], alpha=0.15, linewidth=0, label="hashprice, 5-95 %"
    )
    exercise = timing.policy.exercise_date
    for path in range(min(sample_paths, values.shape[0])):
        converted = exercise[path] >= 0
        end = dates[exercise[path]] if converted else known[-1]
        shown = known <= end
        ax.plot(known[shown], values[path, shown], color=PALETTE[7], linewidth=0.6, alpha=0.5)
        if converted:
            ax.plot(end, values[path, shown][-1], "o", color=PALETTE[3], markersize=3.5)
    everywhere = np.isposinf(timing.boundary.to_numpy())  # converting preferred at any level
    boundary = np.where(everywhere, np.nan, timing.boundary.to_numpy())
    # Where few paths are left to decide, the fit rests on little and is drawn faint.
    shares = timing.conversion_share.to_numpy()
    waiting = 1.0 - np.concatenate([[0.0], np.cumsum(shares)[:-1]])
    reliable = waiting >= _FEW_WAITING
    if not shares.any():
        ax.text(0.5, 0.93, "Converting never beats waiting on these paths",
                transform=ax.transAxes, ha="center", fontsize="small")  # fmt: skip
    ax.plot(
        dates,
        np.where(reliable, boundary, np.nan),
        color=PALETTE[3],
        linewidth=2.0,
        marker="o",
        markersize=4,
        label="boundary: convert below" if np.isfinite(boundary[reliable]).any() else None,
    )
    if not reliable.all() and np.isfinite(boundary[~reliable]).any():
        ax.plot(
            dates,
            np.where(reliable, np.nan, boundary),
            color=PALETTE[3],
            linewidth=1.0,
            linestyle=":",
            alpha=0.6,
            label=f"boundary, under {_FEW_WAITING:.0%} of paths left",
        )
    if (exercise[:sample_paths] >= 0).any():
        ax.plot([], [], "o", color=PALETTE[3], markersize=3.5, label="a sample path converts")
    top = (
        max(
            float(np.nanpercentile(values, 99)),
            float(boundary[reliable & np.isfinite(boundary)].max(initial=0.0)),
        )
        * 1.05
    )
    ax.set_ylim(0.0, top)
    if everywhere.any():
        ax.plot(dates[everywhere], np.full(everywhere.sum(), 0.97 * top), "^", color=PALETTE[3],
                markersize=5, label="convert at any hashprice")  # fmt: skip
    ax.set_ylabel("Hashprice [USD/PH/day]")
    ax.set_xlabel("Decision date")
    _dates(ax.xaxis)
    right = ax.twinx()
    step = np.median(np.diff(dates.values)) if dates.size > 1 else np.timedelta64(30, "D")
    width = max(1.0, 0.6 * float(step / np.timedelta64(1, "D")))
    right.bar(dates, 100 * shares, width=width, color=PALETTE[1], alpha=0.35,
              label="paths converting")  # fmt: skip
    right.set_ylim(0.0, 100.0)
    right.set_ylabel("Paths converting at the date [%]")
    ax.set_zorder(right.get_zorder() + 1)
    ax.patch.set_visible(False)
    handles, labels = ax.get_legend_handles_labels()
    more, more_labels = right.get_legend_handles_labels()
    ax.legend(handles + more, labels + more_labels, fontsize="small", loc="upper right",
              frameon=False)  # fmt: skip
    site = timing.comparison.site
    name = site.name or f"{site.gross_mw:g} MW site"
    ax.set_title(
        f"{name}: when to convert ({timing.split.label(site)})\n"
        f"mean NPV, million USD: convert now {timing.convert_now / 1e6:,.1f}, never "
        f"{timing.never / 1e6:,.1f}, wait and decide {timing.waiting / 1e6:,.1f} "
        f"(value of waiting {timing.value_of_waiting / 1e6:,.1f})",
        fontsize="medium",
    )
    ax.grid(alpha=0.3)
    return ax


def machine_values(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """What one TH/s of each machine is worth, with and without switching off, against prices.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`minerecon.options.machine_values`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
        A bar per machine: its value with switch-off [USD per TH/s], a
        diamond at its value always on and, where the table has prices, a
        black tick at the price with the overpayment printed; the title
        states the volatility, rate and life the values assume.
    """
    _check_frame(
        "table", table, ("value_usd_per_th", "always_on_usd_per_th", "efficiency_j_per_th"), rows=1
    )
    names = [str(name) for name in table.index]
    positions = np.arange(len(names))[::-1]
    ax = _axes(ax, (8.0, 0.45 * len(names) + 1.6))
    value = table["value_usd_per_th"].to_numpy(dtype=float)
    always_on = table["always_on_usd_per_th"].to_numpy(dtype=float)
    ax.barh(positions, value, color=PROFIT_COLOUR, alpha=0.8, label="with switch-off")
    # An old machine's always-on loss would squash the rest: clip it at the edge, value printed.
    left = max(min(0.0, float(always_on.min())), -0.6 * float(max(value.max(), 1.0)))
    clipped = always_on < left
    ax.plot(np.maximum(always_on, left), positions, "D", color=PALETTE[1], markersize=5,
            label="always on")  # fmt: skip
    for position, loss in zip(positions[clipped], always_on[clipped], strict=True):
        ax.annotate(f"{loss:,.0f}", (left, position), xytext=(8, 0), textcoords="offset points",
                    va="center", fontsize="small", color=PALETTE[1])  # fmt: skip
    if {"price_usd_per_th", "overpayment"} <= set(table.columns):
        price = table["price_usd_per_th"].to_numpy(dtype=float)
        priced = np.isfinite(price)
        ax.plot(price[priced], positions[priced], "|", color=PALETTE[7], markersize=16,
                markeredgewidth=2.5, label="price")  # fmt: skip
        for position, paid, share in zip(
            positions[priced],
            price[priced],
            table["overpayment"].to_numpy(float)[priced],
            strict=True,
        ):
            ax.annotate(f"{share:+.0%}", (paid, position), xytext=(6, 0),
                        textcoords="offset points", va="center", fontsize="small")  # fmt: skip
    ax.axvline(0.0, color=PALETTE[7], linewidth=0.8)
    if left < 0:
        ax.set_xlim(left * 1.05, None)
    ax.set_yticks(positions, names)
    ax.set_xlabel("Value of one TH/s [USD per TH/s]")
    attrs = table.attrs
    assumed = (
        f"BTC {attrs['btc_price']:,.0f} USD, volatility {attrs['volatility']:.0%}, rate "
        f"{attrs['rate']:.1%}, {attrs['years']:g} years, power {attrs['power_price']:g} USD/kWh"
        if {"btc_price", "volatility", "rate", "years", "power_price"} <= set(attrs)
        else ""
    )
    ax.set_title(
        "Machines as strips of daily options on BTC" + (f"\n{assumed}" if assumed else ""),
        fontsize="medium",
    )
    ax.legend(fontsize="small", loc="lower right", frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return ax


def hedge_fan_chart(
    cash_flow: ArrayLike,
    hedges: list[Hedge] | tuple[Hedge, ...],
    dates: pd.DatetimeIndex,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Cumulative cash with and without each hedge: 5-95 % bands and medians.

    Parameters
    ----------
    cash_flow : array-like, paths x days
        The unhedged daily cash flow [USD/day].
    hedges : sequence of Hedge
        From :mod:`minerecon.hedging`, each on the same paths and days.
    dates : pandas.DatetimeIndex
        The days, one per column.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
        For the unhedged site and each hedge, the band between the 5th and
        95th percentiles of cumulative cash over paths [million USD] and its
        median, in one colour each.
    """
    from minerecon import hedging, risk

    series = hedging._hedged_flows(cash_flow, hedges)
    n_paths, n_days = series["unhedged"].shape
    try:
        days = pd.DatetimeIndex(dates)
    except (TypeError, ValueError):
        raise ValueError(f"dates must be dates, one per day, got {dates!r:.60}") from None
    if days.size != n_days:
        raise ValueError(
            f"dates must have one date per day of cash_flow ({n_days}), got {days.size}"
        )
    ax = _axes(ax, (8.0, 4.8))
    for index, (name, values) in enumerate(series.items()):
        cumulative = np.cumsum(values, axis=1) / 1e6
        low, median, high = risk.percentile_bands(cumulative, percentiles=(5, 50, 95), axis=0)
        colour = PALETTE[index % 6]
        ax.fill_between(days, low, high, color=colour, alpha=0.15, linewidth=0)
        ax.plot(days, median, color=colour, linewidth=1.8, label=f"{name}: median, 5-95 %")
    ax.axhline(0.0, color=PALETTE[7], linewidth=0.8)
    ax.set_ylabel("Cumulative cash [million USD]")
    ax.set_xlabel("Date")
    _dates(ax.xaxis)
    ax.set_title(
        f"Cumulative cash with and without hedges, over {n_paths:,} common paths",
        fontsize="medium",
    )
    ax.legend(fontsize="small", loc="upper left", frameon=False)
    ax.grid(alpha=0.3)
    return ax


def profitable_map(data: xr.Dataset, *, ax: Axes | None = None) -> Axes:
    """How many catalogue machines are profitable over two axes.

    Parameters
    ----------
    data : xarray.Dataset
        Output of :func:`minerecon.sweep.profitable_miners` with two axes
        (e.g. BTC price and power price); its ``count`` is drawn, the last
        dim on the x axis.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
        A discrete heatmap (cividis, one colour per count from 0 to the
        number of machines), contour lines where the count steps up,
        labelled "\u2265 k", and a colour bar of whole counts.
    """
    from matplotlib.colors import BoundaryNorm
    from matplotlib.ticker import MaxNLocator

    if not isinstance(data, xr.Dataset) or "count" not in data or "miner" not in data.dims:
        raise ValueError(
            "data must be a result of minerecon.sweep.profitable_miners (a Dataset with "
            f"count and a miner dim), got {type(data).__name__}"
        )
    total = data.sizes["miner"]
    count = data["count"]
    ax = _axes(ax, (7.5, 5.0))
    x, y, values = _grid(count, ax)
    bounds = np.arange(-0.5, total + 1.0)
    cmap = _colormap(SEQUENTIAL_CMAP, total + 1)
    mesh = ax.pcolormesh(
        x, y, values, shading="nearest", cmap=cmap, norm=BoundaryNorm(bounds, cmap.N)
    )
    bar = ax.figure.colorbar(mesh, ax=ax, boundaries=bounds)
    bar.set_label(f"Profitable machines (margin \u2265 0) [of {total}]")
    bar.locator = MaxNLocator(nbins=min(total + 1, 10), integer=True)
    bar.update_ticks()
    present = np.unique(values[np.isfinite(values)])
    steps = [k - 0.5 for k in range(1, total + 1) if present.min() < k <= present.max()]
    if len(steps) > 8:
        steps = list(np.asarray(steps)[np.linspace(0, len(steps) - 1, 8).round().astype(int)])
    if steps and min(values.shape) > 1:
        # Dark lines over the light (high) counts, white over the dark ones.
        colours = ["white" if level < total / 2 else PALETTE[7] for level in steps]
        lines = ax.contour(x, y, values, levels=steps, colors=colours, linewidths=0.9)
        ax.clabel(lines, fmt=lambda level: f"\u2265 {level + 0.5:.0f}", fontsize="small")
    ax.set_title(
        f"Machines of the catalogue with margin \u2265 0, out of {total}", fontsize="medium"
    )
    return ax


def _colormap(name: str, n: int) -> Any:
    """A registered colormap resampled to ``n`` colours."""
    import matplotlib

    return matplotlib.colormaps[name].resampled(n)


def _interval_prices(prices: Any) -> pd.Series:
    """Hourly or finer prices as a Series on a DatetimeIndex [USD/MWh]."""
    if not isinstance(prices, pd.Series) or not isinstance(prices.index, pd.DatetimeIndex):
        raise TypeError("prices must be a pandas Series indexed by interval start (DatetimeIndex)")
    values = check("prices", prices.to_numpy(dtype=float), unit="[USD/MWh]")
    if values.size == 0 or not np.isfinite(values).all():
        raise ValueError("prices must hold at least one finite price [USD/MWh]")
    return prices.sort_index().astype(float)


def price_duration_curve(
    prices: ArrayLike, revenue: float | None = None, *, ax: Axes | None = None
) -> Axes:
    """Prices sorted from the highest, with the price above which mining stops.

    Parameters
    ----------
    prices : array-like or pandas.Series
        Interval prices [USD/MWh]; several paths (rows) are pooled.
    revenue : float, optional
        Mining revenue per MWh [USD/MWh] (:func:`minerecon.power.revenue_per_mwh`),
        the curtailment threshold: drawn as a line, the hours above it shaded.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
        Price against the share of intervals at or above it, on a symmetric
        log scale (spikes and negative prices stay visible); the legend gives
        the share of intervals above the threshold.
    """
    values = np.asarray(check("prices", prices, unit="[USD/MWh]"), dtype=float).ravel()
    if values.size == 0 or not np.isfinite(values).all():
        raise ValueError("prices must hold at least one finite price [USD/MWh]")
    ordered = np.sort(values)[::-1]
    share = (np.arange(ordered.size) + 0.5) / ordered.size
    ax = _axes(ax, (8.0, 4.5))
    ax.plot(share * 100, ordered, color=PALETTE[0], linewidth=1.5, label="price")
    if revenue is not None:
        threshold = check_scalar("revenue", revenue, low=0.0, unit="[USD/MWh]")
        above = ordered > threshold
        ax.axhline(threshold, color=LOSS_COLOUR, linestyle="--", linewidth=1.2,
                   label=f"mining earns {threshold:,.0f} USD/MWh: off above "
                   f"({above.mean():.1%} of intervals)")  # fmt: skip
        ax.fill_between(share * 100, threshold, ordered, where=above, color=LOSS_COLOUR,
                        alpha=0.25, linewidth=0)  # fmt: skip
    ax.set_yscale("symlog", linthresh=100.0)
    ax.yaxis.set_major_formatter(_usd)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of intervals at or above the price [%]")
    ax.set_ylabel("Power price [USD/MWh]")
    ax.set_title(
        f"Price duration curve: {values.size:,} intervals, mean {values.mean():,.1f} USD/MWh",
        fontsize="medium",
    )
    ax.legend(fontsize="small", frameon=False)
    ax.grid(alpha=0.3)
    return ax


def hourly_operation(
    prices: pd.Series,
    revenue: float,
    *,
    start: DateLike | None = None,
    days: int = 7,
    ax: Axes | None = None,
) -> Axes:
    """A sample stretch of interval prices, the threshold, and the hours the site is off.

    Parameters
    ----------
    prices : pandas.Series
        Interval prices [USD/MWh] on a DatetimeIndex.
    revenue : float
        Mining revenue per MWh [USD/MWh]: the site runs where the price is
        not above it.
    start : date, optional
        First day shown; by default the week holding the highest price.
    days : int, default 7
        Days shown, >= 1.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
        Price through time with the threshold, intervals off shaded.
    """
    series = _interval_prices(prices)
    threshold = check_scalar("revenue", revenue, low=0.0, unit="[USD/MWh]")
    days = int(check_scalar("days", days, low=1.0))
    index = pd.DatetimeIndex(series.index)
    if start is None:
        first = max(
            index[int(np.argmax(series.to_numpy()))] - pd.Timedelta(days=days / 2), index[0]
        )
    else:
        first = pd.Timestamp(start)
        if index.tz is not None and first.tzinfo is None:
            first = first.tz_localize(index.tz)
    window = series[(index >= first) & (index < first + pd.Timedelta(days=days))]
    if window.empty:
        raise ValueError(f"start {first} leaves no prices to show in the {days} days after it")
    ax = _axes(ax, (9.0, 4.0))
    off = window.to_numpy() > threshold
    ax.step(window.index, window.to_numpy(), where="post", color=PALETTE[0], linewidth=1.2,
            label="price")  # fmt: skip
    ax.axhline(threshold, color=LOSS_COLOUR, linestyle="--", linewidth=1.2,
               label=f"mining earns {threshold:,.0f} USD/MWh")  # fmt: skip
    step = window.index.to_series().diff().median() if len(window) > 1 else pd.Timedelta("1h")
    for moment in window.index[off]:
        ax.axvspan(moment, moment + step, color=LOSS_COLOUR, alpha=0.15, linewidth=0)
    ax.plot([], [], color=LOSS_COLOUR, alpha=0.3, linewidth=6,
            label=f"off ({off.sum():,} of {off.size:,} intervals)")  # fmt: skip
    if window.max() > 10 * max(abs(float(window.median())), 1.0):
        ax.set_yscale("symlog", linthresh=100.0)
    ax.yaxis.set_major_formatter(_usd)
    ax.set_ylabel("Power price [USD/MWh]")
    ax.set_title(f"Hourly operation, {window.index[0]:%Y-%m-%d} to {window.index[-1]:%Y-%m-%d}",
                 fontsize="medium")  # fmt: skip
    _dates(ax.xaxis)
    ax.legend(fontsize="small", frameon=False, loc="upper left")
    ax.grid(alpha=0.3)
    return ax


def flexibility_by_month(
    prices: pd.Series,
    revenue: float,
    *,
    load_mw: float = 1.0,
    ax: Axes | None = None,
) -> Axes:
    """What switching off is worth in each month, against running always on.

    Parameters
    ----------
    prices : pandas.Series
        Interval prices [USD/MWh] on a DatetimeIndex.
    revenue : float
        Mining revenue per MWh [USD/MWh].
    load_mw : float, default 1
        Site load [MW], > 0.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib.axes.Axes
        A bar per month: the value of flexibility [USD] of
        :func:`minerecon.power.curtail` on that month's intervals, with the
        hours off printed.
    """
    from minerecon import power

    series = _interval_prices(prices)
    threshold = check_scalar("revenue", revenue, low=0.0, unit="[USD/MWh]")
    load = check_scalar("load_mw", load_mw, low=0.0, low_open=True, unit="[MW]")
    index = pd.DatetimeIndex(series.index)
    steps = (index[1:] - index[:-1]).total_seconds().to_numpy()
    hours = float(np.median(steps)) / 3600.0 if steps.size else 1.0
    local = index.tz_localize(None) if index.tz is not None else index
    months = local.to_period("M")
    labels, values, off = [], [], []
    for month in months.unique():
        chunk = series.to_numpy()[months == month]
        result = power.curtail(chunk, threshold, load_mw=load, interval_hours=hours)
        labels.append(month.strftime("%b %Y"))
        values.append(float(np.asarray(result.flexibility_value)))
        off.append((1.0 - float(np.asarray(result.uptime))) * chunk.size * hours)
    ax = _axes(ax, (max(6.0, 0.55 * len(labels) + 2.0), 4.0))
    positions = np.arange(len(labels))
    ax.bar(positions, values, color=PROFIT_COLOUR, alpha=0.85)
    for position, value, hours_off in zip(positions, values, off, strict=True):
        ax.annotate(f"{hours_off:,.0f} h off", (position, value), xytext=(0, 3),
                    textcoords="offset points", ha="center", fontsize="x-small")  # fmt: skip
    ax.set_xticks(positions, labels, rotation=45, ha="right")
    ax.yaxis.set_major_formatter(_usd_thousands)
    ax.set_ylabel("Value of flexibility [USD]")
    ax.set_title(
        f"Switching off above {threshold:,.0f} USD/MWh, {load:g} MW: "
        f"{sum(values):,.0f} USD in total",
        fontsize="medium",
    )
    ax.grid(axis="y", alpha=0.3)
    return ax
