"""Interactive break-even explorer for Jupyter (the ``explorer`` extra).

:func:`explore` draws :func:`minerecon.plot.margin_vs_btc_price` with
sliders for the BTC price, the power price, the difficulty, the fees, the
pool fee and a list of machines; every change redraws the chart and the
table of break-evens under it. It needs ``ipywidgets``
(``pip install minerecon[explorer]``), imported only when :func:`explore`
is called.

The price axis is fixed to the range of the BTC-price slider (wider when a
break-even lies beyond it), so moving the price slider moves the dashed
price line across the curves; the curves and the break-even dots move with
the difficulty, the fees, the power price and the pool fee.
"""

from __future__ import annotations

import base64
import io
import math
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from minerecon import plot, report
from minerecon._contract import UnknownNameError, check_scalar
from minerecon.hardware import Miner, _lookup, get_miner, list_miners
from minerecon.network import NetworkState
from minerecon.units import hashprice_to_ph_day

if TYPE_CHECKING:
    import pandas as pd
    from ipywidgets import FloatSlider, SelectMultiple

__all__ = [
    "Explorer",
    "explore",
    "slider_ranges",
]

#: Sliders of :func:`explore`: name -> (description with unit, unit).
SLIDERS = {
    "btc_price": ("BTC price [USD/BTC]", "USD/BTC"),
    "power_price": ("Power price [USD/kWh]", "USD/kWh"),
    "difficulty": ("Difficulty [T]", "T"),
    "fees": ("Fees [BTC/block]", "BTC/block"),
    "pool_fee": ("Pool fee [%]", "%"),
    "miners": ("Machines", ""),
}

_INSTALL_HINT = "pip install minerecon[explorer]"
_POINTS = 200


def _nice_step(span: float, steps: int = 1000) -> float:
    """A 1, 2 or 5 times a power of ten close to ``span / steps`` (nan if there is none)."""
    raw = span / steps
    if not (math.isfinite(raw) and raw > 0):
        return math.nan
    power = 10.0 ** math.floor(math.log10(raw))
    return next((m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw), math.nan)


def _ceil_to(value: float, step: float) -> float:
    """``value`` rounded up to a multiple of ``step`` (nan if it cannot be)."""
    quotient = value / step if step > 0 else math.nan
    if not math.isfinite(quotient):
        return math.nan
    return math.ceil(quotient - 1e-9) * step


def _check_start(
    network: object, power_price: object, pool_fee: object, name: str = "network"
) -> tuple[NetworkState, float, float]:
    """The starting state of the sliders, checked; ``name`` is the network's argument."""
    if not isinstance(network, NetworkState):
        raise ValueError(f"{name} must be a NetworkState, got {type(network).__name__}")
    check_scalar(f"{name}.btc_price", network.btc_price, low=0.0, low_open=True, unit="[USD/BTC]")
    check_scalar(f"{name}.difficulty", network.difficulty)
    check_scalar(f"{name}.fees_per_block", network.fees_per_block)
    power_price = check_scalar("power_price", power_price, low=0.0, unit="[USD/kWh]")
    pool_fee = check_scalar("pool_fee", pool_fee, low=0.0, high=1.0, high_open=True, unit="[-]")
    return network, power_price, pool_fee


def slider_ranges(
    network: NetworkState, power_price: float, pool_fee: float
) -> dict[str, tuple[float, float, float]]:
    """Ranges of the sliders of :func:`explore` around a network snapshot.

    Parameters
    ----------
    network : NetworkState
        The snapshot the explorer starts from; its BTC price must be > 0.
    power_price : float
        Starting price of electricity [USD/kWh].
    pool_fee : float
        Starting pool fee [-], in [0, 1).

    Returns
    -------
    dict
        Slider name -> ``(min, max, step)`` in the slider's unit (see
        :data:`SLIDERS`): BTC price 0 to 2.5 times the snapshot's, power
        price 0 to the larger of 0.20 USD/kWh and three times the starting
        one, difficulty a quarter to 2.5 times the snapshot's [T], fees 0
        to the larger of 1 BTC/block and four times the snapshot's, pool fee
        0 to the larger of 10 % and twice the starting one (below 100 %).
        Every starting value lies inside its range.

    Raises
    ------
    ValueError
        When an argument is out of range, or so large or small that no
        slider can show it (the message names it).
    """
    network, power_price, pool_fee = _check_start(network, power_price, pool_fee)
    return _slider_ranges(network, power_price, pool_fee)


def _slider_ranges(
    network: NetworkState, power_price: float, pool_fee: float, name: str = "network"
) -> dict[str, tuple[float, float, float]]:
    price = network.btc_price
    difficulty = network.difficulty / 1e12
    fees = network.fees_per_block
    price_step = _nice_step(2.5 * price)
    difficulty_step = _nice_step(2.25 * difficulty)
    difficulty_low = math.floor(0.25 * difficulty / difficulty_step) * difficulty_step
    ranges = {
        "btc_price": (0.0, _ceil_to(2.5 * price, price_step), price_step),
        "power_price": (0.0, _ceil_to(max(0.20, 3.0 * power_price), 0.01), 0.001),
        "difficulty": (
            max(difficulty_step, difficulty_low),
            _ceil_to(2.5 * difficulty, difficulty_step),
            difficulty_step,
        ),
        "fees": (0.0, _ceil_to(max(1.0, 4.0 * fees), 0.1), 0.001),
        "pool_fee": (0.0, min(99.9, _ceil_to(max(10.0, 200.0 * pool_fee), 1.0)), 0.1),
    }
    # Values near the ends of the floats leave a slider without a finite range or step.
    starts = {
        "btc_price": (price, f"{name}.btc_price"),
        "power_price": (power_price, "power_price"),
        "difficulty": (difficulty, f"{name}.difficulty"),
        "fees": (fees, f"{name}.fees_per_block"),
        "pool_fee": (100.0 * pool_fee, "pool_fee"),
    }
    for slider, (low, high, step) in ranges.items():
        start, argument = starts[slider]
        if not (math.isfinite(high) and 0 < step and low <= start <= high and low < high):
            raise ValueError(
                f"{argument} is too large or too small for a slider, got {start!r} "
                f"[{SLIDERS[slider][1]}]"
            )
    return ranges


def _default_miners() -> list[str]:
    # The same six machines as plot.margin_vs_btc_price draws by default.
    ranked = list_miners().sort_values("efficiency_j_per_th").index
    return list(ranked[np.linspace(0, len(ranked) - 2, 6).round().astype(int)])


class Explorer:
    """Break-even chart with sliders; made by :func:`explore`.

    Displays itself in Jupyter (it delegates to ``widget``). Setting the
    ``value`` of a slider in ``sliders`` redraws the chart, exactly as
    moving it by hand does.

    Attributes
    ----------
    widget : ipywidgets.VBox
        Sliders, machine list, the chart (an ``ipywidgets.Output``) and the
        table of break-evens; what Jupyter shows.
    sliders : dict
        ``"btc_price"`` [USD/BTC], ``"power_price"`` [USD/kWh],
        ``"difficulty"`` [T], ``"fees"`` [BTC/block], ``"pool_fee"`` [%]
        (``FloatSlider``) and ``"miners"`` (``SelectMultiple`` of machine
        names).
    figure : matplotlib.figure.Figure
        The chart, drawn without pyplot so it is never shown twice.
    ax : matplotlib.axes.Axes
        Its Axes, cleared and redrawn by :func:`minerecon.plot.margin_vs_btc_price`.
    output : ipywidgets.Output
        Holds the rendered chart (a PNG).
    table : ipywidgets.HTML
        Margin and break-evens of the selected machines at the current
        settings (:func:`minerecon.report.miner_economics`).
    base : NetworkState
        The snapshot the explorer started from.
    redraws : int
        How many times the chart has been drawn.
    """

    def __init__(
        self,
        widgets: ModuleType,
        base: NetworkState,
        catalogue: dict[str, Miner],
        selected: list[str],
        power_price: float,
        pool_fee: float,
    ) -> None:
        widget_names = (
            "FloatSlider",
            "SelectMultiple",
            "Layout",
            "Output",
            "HTML",
            "HBox",
            "VBox",
        )
        if not all(callable(getattr(widgets, name, None)) for name in widget_names):
            raise TypeError(f"widgets must be the ipywidgets module, got {type(widgets).__name__}")
        base, power_price, pool_fee = _check_start(base, power_price, pool_fee, "base")
        if not isinstance(catalogue, dict) or not catalogue:
            raise ValueError(
                f"catalogue must be a non-empty dict of name -> Miner, got {catalogue!r}"
            )
        for name, miner in catalogue.items():
            if not isinstance(miner, Miner) or miner.name != name:
                raise ValueError(
                    f"catalogue must map each machine's name to its Miner, got {name!r}: {miner!r}"
                )
        if not isinstance(selected, list | tuple):
            raise ValueError(f"selected must be a list of machine names, got {selected!r}")
        unknown = [name for name in selected if not isinstance(name, str) or name not in catalogue]
        if unknown:
            raise ValueError(f"selected must name machines of the catalogue, got {unknown}")
        self.base = base
        self._catalogue = catalogue
        self._paused = False
        self.redraws = 0
        ranges = _slider_ranges(base, power_price, pool_fee, "base")
        starts = {
            "btc_price": base.btc_price,
            "power_price": power_price,
            "difficulty": base.difficulty / 1e12,
            "fees": base.fees_per_block,
            "pool_fee": pool_fee * 100.0,
        }
        formats = {
            "btc_price": ",.0f",
            "power_price": ".3f",
            "difficulty": ".2f",
            "fees": ".3f",
            "pool_fee": ".1f",
        }
        # Room for the longest description, "Power price [USD/kWh]", in full.
        style = {"description_width": "13em"}
        layout = widgets.Layout(width="34em")
        self.sliders: dict[str, FloatSlider | SelectMultiple] = {}
        for name, (low, high, step) in ranges.items():
            self.sliders[name] = widgets.FloatSlider(
                value=starts[name],
                min=low,
                max=high,
                step=step,
                description=SLIDERS[name][0],
                tooltip=SLIDERS[name][0],
                readout_format=formats[name],
                style=style,
                layout=layout,
            )
        # The snapshot's own values, which the sliders can only show to their step.
        self._starts = starts
        self.sliders["miners"] = widgets.SelectMultiple(
            options=list(catalogue),
            value=selected,
            rows=len(catalogue),  # every machine in view, the selection too
            description=SLIDERS["miners"][0],
            tooltip="Machines drawn (Ctrl or Shift to pick several)",
            layout=widgets.Layout(width="22em"),
        )
        self.figure = Figure(figsize=(9.5, 5.0), layout="constrained")  # legend beside
        self.ax: Axes = self.figure.add_subplot()
        self.output = widgets.Output()
        self.table = widgets.HTML()
        controls = widgets.HBox(
            [widgets.VBox([self.sliders[name] for name in ranges]), self.sliders["miners"]]
        )
        self.widget = widgets.VBox([controls, self.output, self.table])
        for slider in self.sliders.values():
            slider.observe(self._on_change, names="value")
        self.redraw()

    # -- state ---------------------------------------------------------------

    def _value(self, name: str) -> float:
        """A slider's value, or the snapshot's own where the slider shows that.

        A slider holds multiples of its step: the browser rounds the
        snapshot's BTC price of 63,022.15 to 63,000 and sends that back.
        Within half a step of the starting value the exact start is used,
        so the explorer's break-evens are those of the command line.
        """
        slider = self.sliders[name]
        value, start = float(slider.value), self._starts[name]
        return start if abs(value - start) <= 0.5 * float(slider.step) else value

    @property
    def network(self) -> NetworkState:
        """The snapshot with the slider values of BTC price, difficulty and fees."""
        return self.base.replace(
            btc_price=self._value("btc_price"),
            difficulty=self._value("difficulty") * 1e12,
            fees_per_block=self._value("fees"),
        )

    @property
    def power_price(self) -> float:
        """Price of electricity [USD/kWh]."""
        return self._value("power_price")

    @property
    def pool_fee(self) -> float:
        """Pool fee as a share [-] (the slider is in %)."""
        return self._value("pool_fee") / 100.0

    @property
    def miners(self) -> list[Miner]:
        """The selected machines, in catalogue order (most efficient first)."""
        chosen = set(self.sliders["miners"].value)
        return [miner for name, miner in self._catalogue.items() if name in chosen]

    # -- drawing -------------------------------------------------------------

    def update(self, **values: object) -> None:
        """Set several sliders at once and redraw once.

        Parameters
        ----------
        **values
            Slider name (a key of ``sliders``) -> value in the slider's
            unit, e.g. ``update(btc_price=90_000, difficulty=140.0)``; a
            value outside a slider's range is set to its nearest end (as
            ipywidgets does). ``miners`` takes names the machine list offers.

        Raises
        ------
        KeyError
            For a name that is no slider (also a ``ValueError``).
        ValueError
            For a value that is not a finite number, or a machine not offered.
        """
        unknown = sorted(set(values) - set(self.sliders))
        if unknown:
            # A KeyError (the slider lookup) that is also a ValueError (a bad argument).
            raise UnknownNameError(
                f"{', '.join(unknown)}: no slider named {unknown}; sliders: {sorted(self.sliders)}"
            )
        checked: dict[str, tuple[str, ...] | float] = {}
        for name, value in values.items():
            if name == "miners":
                names = [value] if isinstance(value, str) else value
                if not isinstance(names, list | tuple) or not all(
                    isinstance(n, str) and n in self._catalogue for n in names
                ):
                    raise ValueError(
                        f"miners must be names of machines offered, got {value!r}; "
                        f"offered: {list(self._catalogue)}"
                    )
                checked[name] = tuple(names)
            else:
                checked[name] = check_scalar(name, value, unit=f"[{SLIDERS[name][1]}]")
        with self._hold():
            for name, value in checked.items():
                self.sliders[name].value = value
        self.redraw()

    @contextmanager
    def _hold(self) -> Iterator[None]:
        self._paused = True
        try:
            yield
        finally:
            self._paused = False

    def _on_change(self, change: dict[str, Any]) -> None:
        if not self._paused:
            self.redraw()

    def redraw(self) -> None:
        """Draw the chart and the table for the current slider values."""
        state = self.network
        chosen = self.miners
        power_price, pool_fee = self.power_price, self.pool_fee
        # A fixed range a little beyond the slider's: the price line never sits on
        # the frame, and the axes do not move as the price does.
        high = 1.05 * float(self.sliders["btc_price"].max)
        table = None
        if chosen:
            table = report.miner_economics(
                chosen, network=state, power_price=power_price, pool_fee=pool_fee
            )
            finite = table["breakeven_btc_price_usd"].to_numpy(float)
            finite = finite[np.isfinite(finite)]
            if finite.size:
                high = max(high, 1.1 * float(finite.max()))
        self.ax.clear()
        with warnings.catch_warnings():
            # With no machine selected the legend has no entries.
            warnings.filterwarnings("ignore", "No artists with labels", UserWarning)
            plot.margin_vs_btc_price(
                chosen,
                network=state,
                power_price=power_price,
                btc_prices=np.linspace(0.0, high, _POINTS),
                ax=self.ax,
                pool_fee=pool_fee,
            )
        self.ax.set_xlim(0.0, high)
        self.ax.set_title(
            "Mining margin and break-even BTC price (dots)\n"
            f"difficulty {state.difficulty / 1e12:.2f} T, "
            f"fees {state.fees_per_block:.3f} BTC/block, "
            f"power {power_price:.3f} USD/kWh, pool fee {pool_fee:.1%}",
            fontsize="medium",
        )
        if chosen:
            # Beside the chart, clear of the lines and of the price line's label; the
            # layout makes room for it.
            legend = self.ax.legend(
                fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False
            )
            legend.set_in_layout(True)
        else:
            previous = self.ax.get_legend()
            if previous is not None:
                previous.remove()
            self.ax.text(
                0.5,
                0.5,
                "Select at least one machine",
                transform=self.ax.transAxes,
                ha="center",
                va="center",
            )
        self.table.value = _table_html(table, state)
        self._render()
        self.redraws += 1

    def _render(self) -> None:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=96)
        png = base64.b64encode(buffer.getvalue()).decode("ascii")
        # Replacing the outputs in one assignment redraws without flicker and
        # works with or without a running kernel.
        self.output.outputs = (
            {
                "output_type": "display_data",
                "data": {"image/png": png, "text/plain": repr(self.figure)},
                "metadata": {},
            },
        )

    # -- the chart's artists ---------------------------------------------------

    @property
    def margin_lines(self) -> list[Line2D]:
        """One margin line per selected machine [USD per TH/s per day]."""
        names = {miner.name for miner in self.miners}
        return [line for line in self.ax.get_lines() if line.get_label() in names]

    @property
    def breakeven_markers(self) -> list[Line2D]:
        """One dot per selected machine at (break-even BTC price, 0)."""
        return [line for line in self.ax.get_lines() if line.get_marker() == "o"]

    @property
    def price_line(self) -> Line2D:
        """The dashed vertical line at the BTC-price slider's value."""
        for line in self.ax.get_lines():
            x = np.asarray(line.get_xdata(), float)
            y = np.asarray(line.get_ydata(), float)
            if x.size == 2 and x[0] == x[1] and list(y) == [0.0, 1.0]:
                return line
        raise LookupError("the chart has no price line")

    # -- display ---------------------------------------------------------------

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        names = ", ".join(miner.name for miner in self.miners)
        return (
            f"<Explorer: BTC {self.network.btc_price:,.0f} USD, "
            f"power {self.power_price:.3f} USD/kWh, machines: {names or 'none'}>"
        )


def _table_html(table: pd.DataFrame | None, state: NetworkState) -> str:
    if table is None:
        return ""
    shown = table[
        ["margin_usd_per_th_day", "breakeven_btc_price_usd", "breakeven_power_price_usd_per_kwh"]
    ].copy()
    shown.columns = [
        f"Margin at BTC {state.btc_price:,.0f} [USD per TH/s per day]",
        "Break-even BTC price [USD/BTC]",
        "Break-even power price [USD/kWh]",
    ]
    hashprice = hashprice_to_ph_day(state.hashprice)
    return f"<p>Hashprice {hashprice:,.2f} USD per PH/s per day</p>" + shown.to_html(
        formatters={
            shown.columns[0]: "{:,.4f}".format,
            shown.columns[1]: "{:,.0f}".format,
            shown.columns[2]: "{:.4f}".format,
        },
        border=0,
    )


def explore(
    network: NetworkState | None = None,
    *,
    miners: Iterable[str | Miner] | None = None,
    power_price: float = report.DEFAULT_POWER_PRICE,
    pool_fee: float = 0.0,
) -> Explorer:
    """Break-even chart with sliders, redrawn on every change (Jupyter).

    Parameters
    ----------
    network : NetworkState, optional
        Starting BTC price, difficulty and fees; the last day of the bundled
        history by default. Its BTC price must be > 0. The subsidy stays that
        of its height.
    miners : iterable of str or Miner, optional
        Machines selected at the start; by default the six that
        :func:`minerecon.plot.margin_vs_btc_price` draws. The list offers the
        whole catalogue plus any custom :class:`~minerecon.hardware.Miner`
        given here.
    power_price : float, default 0.05
        Starting price of electricity [USD/kWh], >= 0.
    pool_fee : float, default 0
        Starting pool fee [-], in [0, 1); the slider shows it in %.

    Returns
    -------
    Explorer
        Shows itself when it is the last expression of a cell; its
        ``sliders`` can also be set from code. Slider ranges
        are those of :func:`slider_ranges`.

    Raises
    ------
    ImportError
        When ipywidgets is not installed.
    ValueError
        When an argument is out of range or no machine is given.

    Notes
    -----
    A slider holds multiples of its step, so it shows the snapshot rounded
    (BTC 63,022.15 as 63,000). Within half a step of its starting value a
    slider stands for the snapshot's exact value: at the start, and whenever
    a slider is brought back there, the chart and table are those of the
    command line (``minerecon report``) for the same snapshot and costs.

    Examples
    --------
    >>> from minerecon.explorer import explore
    >>> explorer = explore(power_price=0.06)  # doctest: +SKIP
    >>> explorer  # doctest: +SKIP
    >>> explorer.sliders["difficulty"].value = 150.0  # doctest: +SKIP
    """
    try:
        import ipywidgets as widgets
    except ImportError as error:
        raise ImportError(
            f"minerecon.explorer.explore needs ipywidgets: {_INSTALL_HINT}"
        ) from error

    state = network if network is not None else NetworkState.latest()
    state, power_price, pool_fee = _check_start(state, power_price, pool_fee)
    _slider_ranges(state, power_price, pool_fee)  # refuses values no slider can show

    catalogue = {name: get_miner(name) for name in list_miners().index}
    if miners is None:
        wanted: list[Any] = _default_miners()
    elif isinstance(miners, str | Miner):
        wanted = [miners]
    elif isinstance(miners, bytes | dict) or not isinstance(miners, Iterable):
        raise ValueError(f"miners must be names or Miner objects, got {miners!r}")
    else:
        wanted = list(miners)
    if not wanted:
        raise ValueError("miners must name at least one machine")
    selected: list[str] = []
    for item in wanted:
        machine = _lookup("miners", item) if isinstance(item, str) else item
        if not isinstance(machine, Miner):
            raise ValueError(f"miners must be names or Miner objects, got {machine!r}")
        if machine.name not in catalogue or catalogue[machine.name] != machine:
            catalogue[machine.name] = machine
        selected.append(machine.name)
    catalogue = dict(sorted(catalogue.items(), key=lambda item: item[1].efficiency))
    return Explorer(
        widgets, state, catalogue, list(dict.fromkeys(selected)), power_price, pool_fee
    )
