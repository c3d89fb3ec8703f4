"""Fuzz specs: interface (scenario files, the command, the bundled data).

Files are written in a temporary folder of this module (:data:`ROOT`), never in
the working directory: hypothesis cannot use pytest's ``tmp_path``. The
``minerecon`` command is run through :class:`CliCall`, which captures its output,
turns its exits into results and errors, and checks its guarantees on the way
(exit 0 or 2, one line on standard error, no traceback, the output folder kept on
a failure, nothing written outside it).
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import io
import itertools
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import strategies as st

# Spec.target looks modules up as attributes of the package; the command's module
# is not one of its lazy modules, so import these three here.
import minerecon.cli
import minerecon.config
import minerecon.datasets
import minerecon.update
from api_specs import HOSTILE_VALUES, Call, Spec, fixed_call, numbers

#: Every file these specs write lives here.
ROOT = Path(tempfile.mkdtemp(prefix="minerecon-fuzz-interface-"))
atexit.register(shutil.rmtree, ROOT, ignore_errors=True)
_NAMES = itertools.count()

#: A closed port: no fuzzed call may reach a real data provider.
UNREACHABLE = "http://127.0.0.1:9"
for _default, _variable in minerecon.update.PROVIDERS.values():
    os.environ.setdefault(_variable, UNREACHABLE)


def _fresh(stem: str, suffix: str = "") -> Path:
    return ROOT / f"{stem}-{next(_NAMES)}{suffix}"


FIRST_DAY, LAST_DAY = pd.Timestamp("2014-01-01"), pd.Timestamp("2026-08-16")
HISTORY_DAYS = (LAST_DAY - FIRST_DAY).days

#: Hostile values that are not a path (str and os.PathLike are paths).
NOT_PATHS = [v for v in HOSTILE_VALUES if not isinstance(v, str)]


# --------------------------------------------------------------------------
# datasets
# --------------------------------------------------------------------------


def _day_forms(day: pd.Timestamp) -> st.SearchStrategy:
    """One day of the history in every form the date parser documents."""
    return st.sampled_from(
        [
            str(day.date()),
            f"{day.date()} 13:45",
            day,
            day + pd.Timedelta(hours=7),
            day.to_pydatetime(),
            day.date(),
            np.datetime64(day.date()),
            day.tz_localize("UTC"),
        ]
    )


HISTORY_DAY = st.integers(0, HISTORY_DAYS).map(lambda n: FIRST_DAY + pd.Timedelta(days=n))
HISTORY_VALUE = HISTORY_DAY.flatmap(_day_forms)
DAY_NAMES = ("start", "end", "as_of")


def _as_day(value: Any) -> pd.Timestamp:
    day = pd.Timestamp(value)
    return day.tz_convert("UTC").tz_localize(None) if day.tzinfo else day


def check_day(call: Call, result: Any) -> None:
    assert isinstance(result, pd.Timestamp) and result.tzinfo is None, result
    expected = _as_day(call.kwargs["value"])
    if call.kwargs.get("normalize", True):
        expected = expected.normalize()
    assert result == expected, (result, expected)
    first, last = call.kwargs.get("first"), call.kwargs.get("last")
    assert first is None or result >= _as_day(first)
    assert last is None or result <= _as_day(last)


@st.composite
def parse_day_calls(draw) -> Call:
    value = draw(HISTORY_VALUE)
    day = _as_day(value)
    kwargs: dict[str, Any] = {"name": draw(st.sampled_from(DAY_NAMES)), "value": value}
    if draw(st.booleans()):
        kwargs["first"] = day.normalize() - pd.Timedelta(days=draw(st.integers(0, 400)))
    if draw(st.booleans()):
        kwargs["last"] = day.normalize() + pd.Timedelta(days=draw(st.integers(1, 400)))
    if draw(st.booleans()):
        kwargs["normalize"] = draw(st.booleans())
    if draw(st.booleans()):
        kwargs["source"] = draw(st.sampled_from(["the price series", "the window"]))
    return Call(kwargs)


BAD_DATES = st.sampled_from(
    [None, "", " ", "NaT", "2025-13-45", "abc", -1, 0, 1.5, True, np.nan, pd.NaT, [], object()]
)

PARSE_DAY_INVALID = st.one_of(
    st.tuples(
        st.builds(lambda name, v: Call({"name": name, "value": v}), st.just("start"), BAD_DATES),
        st.just("start"),
    ),
    st.just(
        (
            Call({"name": "end", "value": "2020-01-01", "first": "2021-01-01"}),
            "end",
        )
    ),
    st.tuples(
        st.builds(
            lambda first: Call({"name": "start", "value": "2020-01-01", "first": first}),
            st.sampled_from(["abc", 5, object(), "NaT"]),
        ),
        st.just("first"),
    ),
    st.just(
        (
            Call({"name": "start", "value": "2020-01-01", "first": "2021-01-01", "last": "2019"}),
            "first",
        )
    ),
    st.tuples(
        st.builds(
            lambda flag: Call({"name": "start", "value": "2020-01-01", "normalize": flag}),
            st.sampled_from(["yes", 1, None, np.array([True, False])]),
        ),
        st.just("normalize"),
    ),
)


def check_history_day(call: Call, result: Any) -> None:
    check_day(call, result)
    assert FIRST_DAY <= result <= LAST_DAY


@st.composite
def estimate_height_calls(draw) -> Call:
    days = draw(st.lists(HISTORY_DAY, min_size=1, max_size=5))
    kind = draw(st.sampled_from(["scalar", "list", "array", "index", "series"]))
    if kind == "scalar":
        return Call({"date": draw(_day_forms(days[0]))})
    if kind == "list":
        return Call({"date": [str(day.date()) for day in days]})
    if kind == "array":
        return Call({"date": np.array(days, dtype="datetime64[ns]")})
    if kind == "index":
        return Call({"date": pd.DatetimeIndex(days)})
    return Call({"date": pd.Series(days)})


def check_heights(call: Call, result: Any) -> None:
    date = call.kwargs["date"]
    if np.ndim(date) == 0:
        assert isinstance(result, int) and not isinstance(result, bool), type(result)
        heights, days = np.array([result]), pd.DatetimeIndex([_as_day(date).normalize()])
    else:
        assert isinstance(result, np.ndarray) and result.dtype == np.int64, result
        heights, days = result, pd.to_datetime(np.asarray(date)).normalize()
        assert heights.shape == (len(days),)
    # Block 0 was mined in 2009; about 144 blocks a day since (protocol target).
    assert (heights > 270_000).all() and (heights < 1_000_000).all(), heights
    order = np.argsort(days.to_numpy(), kind="stable")
    assert (np.diff(heights[order]) >= 0).all(), "heights must rise with the date"


def check_calibration(call: Call, result: Any) -> None:
    from minerecon.datasets import Calibration

    assert isinstance(result, Calibration)
    assert result.start == call.kwargs["start"] and result.end == call.kwargs["end"]
    assert result.n_observations == call.kwargs["n_observations"]
    text = repr(result)
    assert str(result.start.date()) in text and str(result.end.date()) in text


@st.composite
def calibration_calls(draw) -> Call:
    start = draw(HISTORY_DAY)
    end = start + pd.Timedelta(days=draw(st.integers(0, 3000)))
    return Call(
        {
            "source": draw(st.sampled_from(["the bundled history", "a user series"])),
            "start": start,
            "end": end,
            "n_observations": draw(st.integers(0, 5000)),
            "method": draw(st.text(max_size=20)),
        }
    )


_GOOD_CALIBRATION = {
    "source": "s",
    "start": "2020-01-01",
    "end": "2021-01-01",
    "n_observations": 3,
    "method": "m",
}
CALIBRATION_INVALID = st.sampled_from(
    [
        (Call({**_GOOD_CALIBRATION, "start": "abc"}), "start"),
        (Call({**_GOOD_CALIBRATION, "end": "2019-01-01"}), "end"),
        (Call({**_GOOD_CALIBRATION, "n_observations": -1}), "n_observations"),
        (Call({**_GOOD_CALIBRATION, "n_observations": 2.5}), "n_observations"),
        (Call({**_GOOD_CALIBRATION, "source": None}), "source"),
        (Call({**_GOOD_CALIBRATION, "method": 5}), "method"),
    ]
)


def _data_files() -> list[str]:
    from minerecon.datasets import data_path

    return sorted(p.name for p in data_path().iterdir() if p.is_file())


def check_data_path(call: Call, result: Any) -> None:
    from minerecon.datasets import data_path

    assert isinstance(result, Path)
    name = call.kwargs.get("name", "")
    if name:
        assert result.is_file() and result.parent == data_path() and result.name == name
    else:
        assert result.is_dir() and (result / "btc_daily.csv").is_file()


def check_history(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame)
    assert list(result.columns) == ["price_usd", "difficulty", "fees_btc_per_block"]
    assert result.index[0] == FIRST_DAY and result.index[-1] == LAST_DAY
    assert np.isfinite(result.to_numpy()).all() and (result.to_numpy() > 0).all()


@st.composite
def hashprice_history_calls(draw) -> Call:
    first = draw(st.integers(0, HISTORY_DAYS))
    last = draw(st.integers(first, min(first + 400, HISTORY_DAYS)))
    return Call(
        {
            "start": draw(_day_forms(FIRST_DAY + pd.Timedelta(days=first))),
            "end": draw(_day_forms(FIRST_DAY + pd.Timedelta(days=last))),
            "average_days": draw(st.integers(1, 60)),
        }
    )


def check_hashprice_history(call: Call, result: Any) -> None:
    assert isinstance(result, pd.Series) and result.name == "hashprice"
    first, last = (_as_day(call.kwargs[k]).normalize() for k in ("start", "end"))
    assert (result.index[0], result.index[-1]) == (first, last)
    assert len(result) == (last - first).days + 1
    # Only days whose window reaches before the history's first day lack a value.
    reach = FIRST_DAY + pd.Timedelta(days=call.kwargs["average_days"] - 1)
    assert result[result.index >= reach].notna().all()
    assert (result.dropna() > 0).all()


def check_epochs(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame) and result.index.name == "epoch"
    # An epoch is 2016 blocks (protocol rule).
    assert (result["start_height"] == result.index * 2016).all()
    assert (result["difficulty"] > 0).all()


def check_miners(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame) and result.index.name == "name"
    assert (result[["hashrate_th", "power_w"]] > 0).all().all()
    # efficiency = power / hashrate (J/TH = W per TH/s), nameplate +/- 3 %.
    ratio = result["efficiency_j_per_th"] * result["hashrate_th"] / result["power_w"]
    assert ((ratio > 0.97) & (ratio < 1.03)).all()


DATASETS = [
    Spec(
        "datasets.Calibration",
        valid=calibration_calls(),
        check=check_calibration,
        invalid=CALIBRATION_INVALID,
        examples=20,
    ),
    Spec(
        "datasets.data_path",
        valid=st.one_of(
            st.just(Call({})),
            st.builds(lambda n: Call({"name": n}), st.sampled_from(_data_files())),
        ),
        check=check_data_path,
        invalid=st.tuples(
            st.builds(
                lambda n: Call({"name": n}),
                st.sampled_from(["no_such.csv", "../config.py", "/etc/passwd", ".", 5, None]),
            ),
            st.just("name"),
        ),
        hostile=("name",),
        examples=15,
    ),
    Spec(
        "datasets.estimate_height",
        valid=estimate_height_calls(),
        check=check_heights,
        invalid=st.tuples(
            st.builds(
                lambda d: Call({"date": d}),
                st.one_of(
                    BAD_DATES.filter(lambda v: not isinstance(v, list)),  # [] gives no heights
                    st.sampled_from(
                        ["2013-12-31", "2026-08-17", ["2020-01-01", "NaT"], ["2030-01-01"]]
                    ),
                ),
            ),
            st.just("date"),
        ),
        examples=20,
    ),
    Spec(
        "datasets.history_day",
        valid=st.builds(
            lambda name, value: Call({"name": name, "value": value}),
            st.sampled_from(DAY_NAMES),
            HISTORY_VALUE,
        ),
        check=check_history_day,
        invalid=st.tuples(
            st.builds(
                lambda v: Call({"name": "start", "value": v}),
                st.one_of(BAD_DATES, st.sampled_from(["2013-12-31", "2026-08-17", "1900-01-01"])),
            ),
            st.just("start"),
        ),
        aliases={"value": DAY_NAMES},
        examples=20,
    ),
    Spec(
        "datasets.parse_day",
        valid=parse_day_calls(),
        check=check_day,
        invalid=PARSE_DAY_INVALID,
        # a bound that leaves the value out gives the value's error, with the range
        aliases={"value": DAY_NAMES, "first": DAY_NAMES, "last": DAY_NAMES},
        examples=25,
    ),
    Spec("datasets.load_history", valid=fixed_call(), check=check_history, hostile=(), examples=2),
    Spec(
        "datasets.hashprice_history",
        valid=hashprice_history_calls(),
        check=check_hashprice_history,
        invalid=st.sampled_from(
            [
                (Call({"average_days": 0}), "average_days"),
                (Call({"start": "2013-12-31"}), "start"),
                (Call({"end": "2030-01-01"}), "end"),
                (Call({"start": "2025-01-02", "end": "2025-01-01"}), "start"),
            ]
        ),
        examples=15,
    ),
    Spec(
        "datasets.load_difficulty_epochs",
        valid=fixed_call(),
        check=check_epochs,
        hostile=(),
        examples=2,
    ),
    Spec("datasets.load_miners", valid=fixed_call(), check=check_miners, hostile=(), examples=2),
    Spec(
        "datasets.history_status",
        valid=fixed_call(),
        check=lambda call, result: check_status(result),
        hostile=(),
        examples=2,
    ),
    Spec(
        "datasets.latest_day",
        valid=fixed_call(),
        check=lambda call, result: check_latest(result),
        hostile=(),
        examples=2,
    ),
]


def check_status(result: Any) -> None:
    from minerecon.datasets import load_history

    assert isinstance(result, dict)
    history = load_history()
    assert result["source"] == history.attrs["source"]
    assert (result["first"], result["last"]) == (history.index[0], history.index[-1])
    assert result["bundled_last"] == LAST_DAY
    assert result["cached_days"] == len(history) - (HISTORY_DAYS + 1)
    # The parts cover the history day after day: bundled first, then the cache's.
    parts = result["parts"]
    assert parts[0]["first"] == FIRST_DAY and parts[-1]["last"] == result["last"]
    for before, after in itertools.pairwise(parts):
        assert after["first"] == before["last"] + pd.Timedelta(days=1)
    assert isinstance(result["cache_file"], Path) and result["age_days"] >= 0


def check_latest(result: Any) -> None:
    from minerecon.datasets import load_history

    assert isinstance(result, pd.Timestamp) and result == load_history().index[-1]
    assert result >= LAST_DAY


# --------------------------------------------------------------------------
# update: never past the last known day (nothing to fetch), and imports
# --------------------------------------------------------------------------

_PAST_DAYS = st.integers(0, HISTORY_DAYS).map(lambda n: FIRST_DAY + pd.Timedelta(days=n))


@st.composite
def update_calls(draw) -> Call:
    """Calls that have nothing to fetch (``end`` within the history): no request is made."""
    kwargs: dict[str, Any] = {
        "end": draw(_PAST_DAYS.flatmap(_day_forms)),
        "urls": {
            name: UNREACHABLE
            for name in draw(st.lists(st.sampled_from(sorted(minerecon.update.PROVIDERS))))
        },
        "folder": ROOT / "update-cache",
    }
    if draw(st.booleans()):
        kwargs["timeout"] = draw(numbers(1e-3, 600.0))
    if draw(st.booleans()):
        kwargs["retries"] = draw(st.integers(0, 10))
    return Call(kwargs)


def check_update(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame) and result.empty
    assert list(result.columns) == ["price_usd", "difficulty", "fees_btc_per_block"]
    assert result.attrs["cache_file"] == str(ROOT / "update-cache" / "btc_daily.csv")
    assert not (ROOT / "update-cache").exists(), "an update with nothing to fetch wrote"


_GOOD_UPDATE = {"end": "2020-01-01", "folder": ROOT / "update-cache"}
UPDATE_INVALID = st.sampled_from(
    [
        (Call({**_GOOD_UPDATE, "timeout": 0}), "timeout"),
        (Call({**_GOOD_UPDATE, "timeout": 601}), "timeout"),
        (Call({**_GOOD_UPDATE, "timeout": "30"}), "timeout"),
        (Call({**_GOOD_UPDATE, "retries": -1}), "retries"),
        (Call({**_GOOD_UPDATE, "retries": 11}), "retries"),
        (Call({**_GOOD_UPDATE, "retries": 1.5}), "retries"),
        (Call({**_GOOD_UPDATE, "end": "soon"}), "end"),
        (Call({**_GOOD_UPDATE, "end": 20200101}), "end"),
        (Call({**_GOOD_UPDATE, "urls": {"coinbase": UNREACHABLE}}), "urls"),
        (Call({**_GOOD_UPDATE, "urls": {"mempool": "ftp://x"}}), "urls"),
        (Call({**_GOOD_UPDATE, "urls": "http://x"}), "urls"),
        (Call({**_GOOD_UPDATE, "folder": 5}), "folder"),
        (Call({**_GOOD_UPDATE, "folder": ""}), "folder"),
    ]
)

#: Difficulty in force on the last bundled day (epoch 477, btc_difficulty_epochs.csv).
_D477 = float(minerecon.datasets.load_difficulty_epochs().loc[477, "difficulty"])


def _series_csv(prices: list[float], fees: list[float]) -> str:
    """Days from 2026-08-17: the columns of btc_daily.csv, difficulty unchanged."""
    lines = ["date,price_usd,difficulty,fees_btc_per_block"]
    for i, (price, fee) in enumerate(zip(prices, fees, strict=True)):
        day = LAST_DAY + pd.Timedelta(days=i + 1)
        lines.append(f"{day.date()},{price!r},{_D477!r},{fee!r}")
    return "\n".join(lines) + "\n"


@st.composite
def import_calls(draw) -> Call:
    days = draw(st.integers(1, 20))
    # Daily moves within 20 %, from about the last bundled price (63,022 USD).
    moves = draw(st.lists(numbers(-0.2, 0.2), min_size=days, max_size=days))
    prices = [float(p) for p in 63_000.0 * np.exp(np.cumsum(moves))]
    fees = draw(st.lists(numbers(1e-4, 10.0), min_size=days, max_size=days))
    path = _fresh("series", ".csv")
    path.write_text(_series_csv(prices, fees), encoding="utf-8")
    return Call({"path": str(path), "folder": _fresh("import-cache")})


def check_import(call: Call, result: Any) -> None:
    assert isinstance(result, pd.DataFrame)
    text = Path(call.kwargs["path"]).read_text(encoding="utf-8")
    expected = pd.read_csv(io.StringIO(text), index_col="date", parse_dates=["date"])
    assert result.index.equals(expected.index) and result.index[0] == LAST_DAY + pd.Timedelta(
        days=1
    )
    # pandas' CSV parsers may round the last bits differently (older releases do)
    np.testing.assert_allclose(result.to_numpy(), expected.to_numpy(), rtol=1e-12, atol=0)
    assert Path(result.attrs["cache_file"]) == Path(call.kwargs["folder"]) / "btc_daily.csv"


@st.composite
def hostile_csv_files(draw) -> str:
    """A path under :data:`ROOT`: of a damaged series, a folder or nothing."""
    kind = draw(st.sampled_from(["cut", "cell", "bytes", "folder", "missing"]))
    if kind == "folder":
        return str(ROOT)
    if kind == "missing":
        return str(ROOT) + "/" + draw(st.text(max_size=5))
    text = _series_csv([63_000.0, 64_000.0, 62_000.0], [0.02, 0.03, 0.01])
    if kind == "cut":
        content = text[: draw(st.integers(0, len(text)))].encode()
    elif kind == "cell":
        cells = text.split(",")
        at = draw(st.integers(0, len(cells) - 1))
        cells[at] = draw(st.sampled_from(["", "nan", "-1", "1e400", "x", "2026-02-30", "0"]))
        content = ",".join(cells).encode()
    else:
        content = draw(st.binary(max_size=200))
    path = _fresh("hostile", ".csv")
    path.write_bytes(content)
    return str(path)


IMPORT_INVALID = st.one_of(
    st.tuples(
        st.builds(
            lambda p: Call({"path": p, "folder": ROOT / "import-invalid"}),
            st.sampled_from([None, 5, b"series.csv", ""]),
        ),
        st.just("path"),
    ),
    st.just((Call({"path": str(ROOT / "missing.csv"), "folder": ROOT}), "path")),
    st.just((Call({"path": str(ROOT / "missing.csv"), "folder": 5}), "folder")),
)

UPDATE = [
    Spec(
        "update.update_history",
        valid=update_calls(),
        check=check_update,
        invalid=UPDATE_INVALID,
        # not ``end``: a string such as "3000" is a future day, which would fetch
        hostile=("timeout", "retries", "urls", "folder"),
        examples=20,
    ),
    Spec(
        "update.import_history",
        valid=import_calls(),
        check=check_import,
        invalid=IMPORT_INVALID,
        hostile=("path",),
        garbage=st.one_of(st.sampled_from([*NOT_PATHS, ""]), hostile_csv_files()),
        aliases={"path": (str(ROOT),)},
        examples=25,
    ),
]


# --------------------------------------------------------------------------
# config: key_lines
# --------------------------------------------------------------------------

_BARE = st.text("abcxyz_-0123456789", min_size=1, max_size=6)


@st.composite
def toml_documents(draw) -> tuple[str, dict[str, int]]:
    """A TOML text and the line of each of its keys (comments and blank lines between)."""
    lines: list[str] = []
    expected: dict[str, int] = {}
    arrays: dict[str, int] = {}

    def filler() -> None:
        for _ in range(draw(st.integers(0, 2))):
            lines.append(draw(st.sampled_from(["", "# a comment", "   ", "# x = 1"])))

    def keys(prefix: str) -> None:
        for name in draw(st.lists(_BARE, max_size=3, unique=True)):
            filler()
            path = f"{prefix}.{name}" if prefix else name
            if draw(st.booleans()):
                inner = draw(st.lists(_BARE, min_size=1, max_size=3, unique=True))
                body = ", ".join(f"{k} = {i}" for i, k in enumerate(inner))
                lines.append(f"{name} = {{{body}}}")
                for k in inner:
                    expected[f"{path}.{k}"] = len(lines)
            else:
                value = draw(st.sampled_from(["1", "2.5", '"a # b"', "true", "[1, 2]"]))
                lines.append(f"{name} = {value}  # note")
            expected[path] = len(lines)

    keys("")
    used = set(expected)
    for name in draw(st.lists(_BARE, max_size=3, unique=True)):
        if any(k == name or k.startswith(name + ".") for k in used):
            continue
        filler()
        if draw(st.booleans()):
            for _ in range(draw(st.integers(1, 2))):
                arrays[name] = arrays.get(name, -1) + 1
                lines.append(f"[[{name}]]")
                table = f"{name}[{arrays[name]}]"
                expected[table] = len(lines)
                keys(table)
        else:
            lines.append(f"[{name}]")
            expected[name] = len(lines)
            keys(name)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + newline, expected


def check_key_lines(call: Call, result: Any) -> None:
    text = call.kwargs["text"]
    assert isinstance(result, dict)
    n_lines = text.count("\n") + 1
    for key, line in result.items():
        assert isinstance(key, str) and isinstance(line, int) and 1 <= line <= n_lines
    expected = _EXPECTED_LINES.get(text)
    if expected is not None:
        for key, line in expected.items():
            assert result.get(key) == line, (key, line, result.get(key))


_EXPECTED_LINES: dict[str, dict[str, int]] = {}


def _key_lines_call(document: tuple[str, dict[str, int]]) -> Call:
    _EXPECTED_LINES[document[0]] = document[1]
    return Call({"text": document[0]})


# --------------------------------------------------------------------------
# config: scenario files
# --------------------------------------------------------------------------


@functools.cache
def _deals() -> dict[str, list[str]]:
    from minerecon.hosting import list_deals

    deals = list_deals()
    return {
        kind: sorted(deals.index[deals["kind"] == kind]) for kind in ("colocation", "gpu_cloud")
    }


CATALOGUE = ["Antminer S21", "Antminer S21 XP", "Antminer S19j Pro", "Whatsminer M60S"]


@dataclasses.dataclass
class _File:
    """A scenario file being written: its lines, and the line of each number."""

    lines: list[str] = dataclasses.field(default_factory=list)
    numbers: dict[str, int] = dataclasses.field(default_factory=dict)  # key path -> index

    def table(self, header: str) -> None:
        self.lines += ["", header]

    def key(self, path: str, name: str, value: Any) -> None:
        text = json.dumps(value) if isinstance(value, str) else repr(value)
        if isinstance(value, bool):
            text = "true" if value else "false"
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.numbers[f"{path}.{name}"] = len(self.lines)
        self.lines.append(f"{name} = {text}")

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


@st.composite
def scenario_files(draw) -> tuple[str, dict[str, Any], _File]:
    """A valid scenario file, the values it must load as, and its lines."""
    f = _File()
    expect: dict[str, Any] = {}
    gross = draw(numbers(1.0, 500.0))
    f.table("[site]")
    f.key("site", "gross_mw", gross)
    expect["gross_mw"] = gross
    for name, low, high in (
        ("power_price_usd_per_kwh", 0.0, 0.2),
        ("power_price_escalation_per_year", -0.05, 0.05),
        ("mining_pue", 1.0, 1.5),
        ("pool_fee", 0.0, 0.05),
        ("demand_response_usd_per_mw_year", 0.0, 1e5),
        ("mining_capex_per_mw_usd", 0.0, 1e6),
    ):
        if draw(st.booleans()):
            value = draw(numbers(low, high))
            f.key("site", name, value)
            expect[name] = value
    if draw(st.booleans()):
        f.key("site", "name", draw(st.text("ab c-", min_size=1, max_size=8)))
    fleet = []
    horizon = draw(st.integers(2, 3650))
    for index in range(draw(st.integers(1, 2))):
        where = f"site.fleet[{index}]"
        f.table("[[site.fleet]]")
        if draw(st.booleans()):
            miner = draw(st.sampled_from(CATALOGUE))
            f.key(where, "miner", miner)
        else:
            miner = f"custom {index}"
            f.key(where, "miner", miner)
            f.key(where, "hashrate_th", draw(numbers(10.0, 1000.0)))
            f.key(where, "power_w", draw(numbers(500.0, 6000.0)))
        # at most a quarter of the site per deployment, at 6 kW a machine and PUE 1.5
        count = draw(st.integers(0, int(gross * 1e6 / 4 / 9000)))
        f.key(where, "count", count)
        fleet.append((miner, count))
        if draw(st.booleans()):
            f.key(where, "delivery_day", draw(st.integers(0, min(30, horizon - 1))))
        for name, low, high in (
            ("capex_per_unit_usd", 0.0, 10_000.0),
            ("degradation_per_year", 0.0, 0.1),
            ("failure_rate_per_year", 0.0, 0.2),
            ("uptime", 0.5, 1.0),
            ("resale_value_usd", 0.0, 1000.0),
            ("other_opex_usd_per_th_day", 0.0, 0.01),
        ):
            if draw(st.booleans()):
                f.key(where, name, draw(numbers(low, high)))
    expect["fleet"] = fleet
    labels = draw(
        st.lists(st.sampled_from(["quarter", "half", "all", "x1"]), unique=True, max_size=2)
    )
    for label in labels:
        where = f"splits.{label}"
        f.table(f"[{where}]")
        if draw(st.booleans()):
            f.key(where, "fraction", draw(numbers(0.0, 1.0)))
        else:
            f.key(where, "converted_mw", draw(numbers(0.0, gross)))
        if draw(st.booleans()):
            f.key(where, "decision_day", draw(st.integers(0, horizon - 1)))
        if draw(st.booleans()):
            f.key(where, "backfill", draw(st.booleans()))
        f.table(f"[{where}.hosting]")
        where += ".hosting"
        kind = draw(st.sampled_from(["deal", "colocation", "gpu_cloud"]))
        if kind == "deal":
            f.key(
                where,
                "deal",
                draw(st.sampled_from(_deals()["colocation"] + _deals()["gpu_cloud"])),
            )
        elif kind == "colocation":
            f.key(where, "kind", "colocation")
            f.key(where, "rate_usd_per_kw_month", draw(numbers(50.0, 250.0)))
            f.key(where, "term_years", draw(numbers(1.0, 20.0)))
            if draw(st.booleans()):
                f.key(where, "escalator_per_year", draw(numbers(0.0, 0.05)))
        else:
            f.key(where, "kind", "gpu_cloud")
            f.key(where, "gpus_per_it_mw", draw(numbers(300.0, 1000.0)))
            f.key(where, "price_per_gpu_hour_usd", draw(numbers(1.0, 4.0)))
            f.key(where, "capex_per_gpu_usd", draw(numbers(2e4, 6e4)))
        if draw(st.booleans()):
            f.key(where, "default_hazard_per_year", draw(numbers(0.0, 0.2)))
    expect["splits"] = labels
    f.table("[simulation]")
    start = draw(st.sampled_from(["latest", "date", "network"]))
    if start == "date":
        day = draw(st.integers(0, HISTORY_DAYS).map(lambda n: FIRST_DAY + pd.Timedelta(days=n)))
        f.key("simulation", "start_date", str(day.date()))
        expect["start"] = day
    else:
        expect["start"] = LAST_DAY
    f.key("simulation", "horizon_days", horizon)
    paths = draw(st.integers(1, 1000))
    f.key("simulation", "n_paths", paths)
    expect.update(days=horizon, n_paths=paths)
    if draw(st.booleans()):
        seed = draw(st.integers(0, 2**63 - 1))
        f.key("simulation", "seed", seed)
        expect["seed"] = seed
    if draw(st.booleans()):
        f.key("simulation", "discount_rate_per_year", draw(numbers(0.0, 0.3)))
    price = draw(st.sampled_from([None, "constant", "growth", "gbm", "merton"]))
    if price:
        f.table("[simulation.price]")
        f.key("simulation.price", "model", price)
        if price == "growth":
            f.key("simulation.price", "growth_per_year", draw(numbers(-0.5, 1.0)))
        if price in ("gbm", "merton"):
            f.key("simulation.price", "drift_per_year", draw(numbers(-0.5, 0.5)))
            f.key("simulation.price", "volatility", draw(numbers(0.0, 1.5)))
        if price == "merton":
            f.key("simulation.price", "jump_intensity_per_year", draw(numbers(0.0, 5.0)))
            f.key("simulation.price", "jump_mean", draw(numbers(-0.3, 0.3)))
            f.key("simulation.price", "jump_volatility", draw(numbers(0.0, 0.5)))
    fee = draw(st.sampled_from([None, "constant", "share", "stochastic"]))
    if fee:
        f.table("[simulation.fees]")
        f.key("simulation.fees", "model", fee)
        if fee == "share":
            f.key("simulation.fees", "share", draw(numbers(0.0, 0.5)))
        if fee == "stochastic":
            for name, low, high in (
                ("mean_level_btc", 0.01, 0.5),
                ("reversion_per_year", 0.5, 5.0),
                ("volatility", 0.0, 1.0),
                ("spike_rate_per_year", 0.0, 10.0),
                ("spike_mean", 0.0, 2.0),
            ):
                f.key("simulation.fees", name, draw(numbers(low, high)))
    hashrate = draw(st.sampled_from([None, "constant", "economic"]))
    if hashrate:
        f.table("[simulation.hashrate]")
        f.key("simulation.hashrate", "model", hashrate)
        if hashrate == "constant":
            f.key("simulation.hashrate", "growth_per_month", draw(numbers(-0.02, 0.05)))
            f.key("simulation.hashrate", "volatility", draw(numbers(0.0, 0.5)))
        else:
            f.key("simulation.hashrate", "cost_hashprice_usd_per_th_day", draw(numbers(0.01, 0.1)))
            f.key("simulation.hashrate", "entry_rate_per_year", draw(numbers(0.0, 3.0)))
            f.key("simulation.hashrate", "exit_rate_per_year", draw(numbers(0.0, 3.0)))
    if start == "network":
        f.table("[simulation.network]")
        f.key("simulation.network", "date", "2025-11-25")
        f.key("simulation.network", "height", draw(st.integers(900_000, 1_000_000)))
        f.key("simulation.network", "difficulty", draw(numbers(1e13, 1e15, log=True)))
        f.key("simulation.network", "btc_price_usd", draw(numbers(1e4, 3e5)))
        f.key("simulation.network", "fees_btc_per_block", draw(numbers(0.0, 0.5)))
        expect["start"] = pd.Timestamp("2025-11-25")
    views = draw(
        st.lists(st.sampled_from(["market", "conservative", "plain"]), unique=True, max_size=2)
    )
    for view in views:
        where = f"valuation.{view}"
        f.table(f"[{where}]")
        f.key(where, "start_from", {"plain": "single rate"}.get(view, view))
        if draw(st.booleans()):
            f.key(where, "mining_rate_per_year", draw(numbers(0.05, 0.3)))
        if draw(st.booleans()):
            f.key(where, "tax", draw(st.booleans()))
    expect["views"] = views or ["single rate"]
    if draw(st.booleans()):
        f.lines.insert(0, "# a scenario file written by the fuzz specs")
        f.numbers = {k: i + 1 for k, i in f.numbers.items()}
    return f.text, expect, f


_EXPECTED_STUDIES: dict[str, dict[str, Any]] = {}


def _written(text: str, encoding_prefix: bytes = b"") -> Path:
    path = _fresh("scenario", ".toml")
    path.write_bytes(encoding_prefix + text.encode("utf-8"))
    return path


@st.composite
def load_scenario_calls(draw) -> Call:
    text, expect, _ = draw(scenario_files())
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))  # Windows editors save a BOM
    path = _written(text, bom)
    _EXPECTED_STUDIES[str(path)] = expect
    form = draw(st.sampled_from([str, Path]))
    return Call({"path": form(path)})


def check_study(call: Call, result: Any) -> None:
    from minerecon.config import SiteStudy

    assert isinstance(result, SiteStudy)
    expect = _EXPECTED_STUDIES[str(call.kwargs["path"])]
    site = result.site
    assert site.gross_mw == expect["gross_mw"]
    for key, attr in (
        ("power_price_usd_per_kwh", "power_price"),
        ("mining_pue", "mining_pue"),
        ("pool_fee", "pool_fee"),
    ):
        if key in expect:
            assert getattr(site, attr) == expect[key], key
    assert [(d.miner.name, d.count) for d in site.fleet] == expect["fleet"]
    assert list(result.splits) == expect["splits"]
    assert result.scenario.days == expect["days"]
    assert result.n_paths == expect["n_paths"]
    assert result.seed == expect.get("seed")
    assert result.scenario.start.date == expect["start"]
    assert list(result.valuations) == expect["views"]


#: Out-of-range or mistyped values for any number of a scenario file.
BAD_NUMBERS = st.sampled_from(
    ["1e308", "-1e308", "1e300", "nan", "inf", "-inf", '"12"', "true", "[]", "{}", "-1e20"]
)
BAD_WHOLE = st.sampled_from(["9223372036854775808", "-9223372036854775809", "1.5", "-1"])


@st.composite
def load_scenario_invalid(draw) -> tuple[Call, str]:
    """A valid file with one number replaced by a value out of its range or type."""
    _, _, f = draw(scenario_files())
    keys = sorted(f.numbers)
    key = draw(st.sampled_from(keys))
    index = f.numbers[key]
    name, _, old = f.lines[index].partition(" = ")
    whole = "." not in old and "e" not in old
    bad = draw(BAD_WHOLE if whole and draw(st.booleans()) else BAD_NUMBERS)
    if whole and bad == "-1" and name == "seed":
        bad = "-5"
    lines = list(f.lines)
    lines[index] = f"{name} = {bad}"
    path = _written("\n".join(lines) + "\n")
    return Call({"path": path}), key


#: Values a hostile file puts in place of one of a valid file's.
TOML_VALUES = st.sampled_from(
    [
        "0",
        "-1",
        "1e308",
        "-1e308",
        "1e307",
        "inf",
        "nan",
        "9223372036854775807",
        "9223372036854775808",
        "1" + "0" * 400,
        '"x"',
        "true",
        "[]",
        "{}",
        "[[[[1]]]]",
        "{a = {b = 1}}",
        "1979-05-27",
        "07:32:00",
        '"2031-01-01"',
        "[" * 600 + "]" * 600,
    ]
)


@st.composite
def hostile_files(draw) -> str:
    """A path under :data:`ROOT`: of a hostile file, a folder or nothing."""
    kind = draw(st.sampled_from(["replace", "cut", "bytes", "text", "folder", "missing", "odd"]))
    if kind == "folder":
        return str(ROOT)
    if kind == "missing":
        return str(ROOT) + "/" + draw(st.text(max_size=5))
    if kind == "bytes":
        content = draw(st.binary(max_size=200))
    elif kind == "text":
        content = draw(st.text(max_size=200)).encode("utf-8", "surrogatepass")
    elif kind == "odd":
        content = draw(
            st.sampled_from(
                [
                    b"",
                    b"\xef\xbb\xbf",
                    b"\xef\xbb\xbf\xef\xbb\xbf[site]\n",
                    b"\xff\xfe[\x00s\x00",
                    b"a = " + b"[" * 3000 + b"]" * 3000,
                    b"[site]\n" + b".".join([b"a"] * 50_000) + b" = 1\n",
                    b"#" * (2**20 + 1),
                ]
            )
        )
    else:
        text, _, f = draw(scenario_files())
        if kind == "cut":
            content = text[: draw(st.integers(0, len(text)))].encode()
        else:
            key = draw(st.sampled_from(sorted(f.numbers)))
            lines = list(f.lines)
            index = f.numbers[key]
            lines[index] = f"{lines[index].partition(' = ')[0]} = {draw(TOML_VALUES)}"
            content = ("\n".join(lines) + "\n").encode()
    path = _fresh("hostile", ".toml")
    path.write_bytes(content)
    return str(path)


PATH_GARBAGE = st.one_of(st.sampled_from([*NOT_PATHS, ""]), hostile_files())


# --------------------------------------------------------------------------
# config: SiteStudy
# --------------------------------------------------------------------------

_SMALL_STUDY = """\
[site]
gross_mw = 10
power_price_usd_per_kwh = 0.05

[[site.fleet]]
miner = "Antminer S21"
count = 2500

[splits.half]
fraction = 0.5

[splits.half.hosting]
deal = "terawulf-fluidstack-2025-08"

[splits.gpu]
converted_mw = 2

[splits.gpu.hosting]
deal = "iren-microsoft-2025-11"

[simulation]
start_date = "2025-11-25"
horizon_days = 60
n_paths = 3
seed = 1
price = {model = "gbm", volatility = 0.5}

[valuation.market]
start_from = "market"

[valuation.conservative]
start_from = "conservative"
"""


@functools.cache
def small_study() -> Any:
    from minerecon.config import load_scenario

    path = ROOT / "small_study.toml"
    path.write_text(_SMALL_STUDY, encoding="utf-8")
    return load_scenario(path)


@st.composite
def site_study_calls(draw) -> Call:
    study = small_study()
    kwargs: dict[str, Any] = {"site": study.site, "scenario": study.scenario}
    labels = draw(st.lists(st.sampled_from(list(study.splits)), unique=True))
    kwargs["splits"] = {label: study.splits[label] for label in labels}
    if draw(st.booleans()):
        kwargs["n_paths"] = draw(st.integers(1, 2**63 - 1))
    if draw(st.booleans()):
        kwargs["seed"] = draw(st.one_of(st.none(), st.integers(0, 2**64)))
    if draw(st.booleans()):
        kwargs["name"] = draw(st.text(max_size=10))
    if draw(st.booleans()):
        kwargs["notes"] = tuple(draw(st.lists(st.text(max_size=10), max_size=3)))
    if draw(st.booleans()):
        names = draw(st.lists(st.sampled_from(list(study.valuations)), unique=True))
        kwargs["valuations"] = {name: study.valuations[name] for name in names}
    return Call(kwargs)


def check_site_study(call: Call, result: Any) -> None:
    from minerecon.config import SiteStudy
    from minerecon.valuation import Valuation

    assert isinstance(result, SiteStudy)
    assert dict(result.splits) == call.kwargs["splits"]
    assert result.n_paths == call.kwargs.get("n_paths", 1000)
    given = call.kwargs.get("valuations") or {}
    if given:
        assert dict(result.valuations) == given
    else:
        (view,) = result.valuations.values()
        assert isinstance(view, Valuation) and view.name == "single rate"
    with contextlib.suppress(TypeError):  # read-only mappings
        result.splits["new"] = None  # type: ignore[index]
        raise AssertionError("splits must be read-only")


SITE_STUDY_INVALID = st.builds(
    lambda base, case: (base.replace(case[0], case[1]), case[0]),
    site_study_calls(),
    st.sampled_from(
        [
            ("n_paths", 0),
            ("n_paths", -1),
            ("n_paths", 1.5),
            ("n_paths", True),
            ("n_paths", 2**63),
            ("n_paths", "3"),
            ("seed", -1),
            ("seed", "7"),
            ("seed", True),
            ("site", None),
            ("scenario", "2025-01-01"),
            ("splits", {"x": "a split"}),
            ("splits", [("x", 1)]),
            ("valuations", {"v": 0.1}),
            ("valuations", None),
            ("name", 5),
            ("notes", "one note"),
            ("notes", (1, 2)),
        ]
    ),
)


def check_comparison(call: Call, result: Any) -> None:
    from minerecon.scenario import SiteComparison

    study = call.args[0]
    assert isinstance(result, SiteComparison)
    table = result.table()
    assert list(table.index) == ["pure mining", *study.splits]
    assert np.isfinite(table["mean_npv"].to_numpy()).all()
    assert ((table["probability_of_loss"] >= 0) & (table["probability_of_loss"] <= 1)).all()


@st.composite
def study_run_calls(draw) -> Call:
    study = small_study()
    views = [None, *study.valuations.values()]
    return Call({"valuation": draw(st.sampled_from(views))}, (study,))


@st.composite
def split_curve_calls(draw) -> Call:
    study = small_study()
    kwargs: dict[str, Any] = {}
    if draw(st.booleans()):
        kwargs["hosting"] = draw(st.sampled_from([s.hosting for s in study.splits.values()]))
    if draw(st.booleans()):
        kwargs["fractions"] = sorted(
            draw(st.lists(numbers(0.0, 1.0), min_size=1, max_size=4, unique=True))
        )
    if draw(st.booleans()):
        kwargs["objective"] = draw(st.sampled_from(["mean", "cvar"]))
    return Call(kwargs, (study,))


def check_split_curve(call: Call, result: Any) -> None:
    study = call.args[0]
    assert isinstance(result, dict) and list(result) == list(study.valuations)
    fractions = call.kwargs.get("fractions")
    for best, scores in result.values():
        assert isinstance(best, float) and isinstance(scores, pd.Series)
        if fractions is not None:
            assert np.allclose(scores.index.to_numpy(dtype=float), fractions)
        assert best in set(scores.index)
        assert np.isfinite(scores.to_numpy()).all()


CONFIG = [
    Spec(
        "config.SiteStudy",
        valid=site_study_calls(),
        check=check_site_study,
        invalid=SITE_STUDY_INVALID,
        examples=25,
    ),
    Spec(
        "config.SiteStudy.run",
        valid=study_run_calls(),
        check=check_comparison,
        hostile=("valuation",),
        examples=3,
    ),
    Spec(
        "config.SiteStudy.split_curve",
        valid=split_curve_calls(),
        check=check_split_curve,
        hostile=("hosting", "fractions", "objective"),
        examples=3,
    ),
    Spec(
        "config.key_lines",
        valid=st.one_of(
            toml_documents().map(_key_lines_call),
            st.text(max_size=200).map(lambda t: Call({"text": t})),
        ),
        check=check_key_lines,
        invalid=st.tuples(
            st.builds(
                lambda t: Call({"text": t}), st.sampled_from([None, 5, b"[a]\nb = 1", ["a"]])
            ),
            st.just("text"),
        ),
        examples=40,
    ),
    Spec(
        "config.load_scenario",
        valid=load_scenario_calls(),
        check=check_study,
        invalid=load_scenario_invalid(),
        hostile=("path",),
        garbage=PATH_GARBAGE,
        aliases={"path": (str(ROOT),)},
        examples=30,
    ),
]


# --------------------------------------------------------------------------
# cli
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Run:
    """What a run of the command did."""

    status: int
    out: str
    err: str
    argv: tuple


def _snapshot(folder: Path) -> dict[str, bytes]:
    """The files of a folder (none if it cannot be listed: a name too long, a file)."""
    try:
        return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    except OSError:
        return {}


def _out_folder(argv: Any) -> Path | None:
    """The --out of a command line, when it is a folder under :data:`ROOT`."""
    if not isinstance(argv, list | tuple):
        return None
    for index, arg in enumerate(argv):
        given = None
        if arg == "--out" and index + 1 < len(argv):
            given = argv[index + 1]
        elif isinstance(arg, str) and arg.startswith("--out="):
            given = arg[6:]
        if isinstance(given, str) and given.startswith(f"{ROOT}/"):
            return Path(given)
    return None


@dataclasses.dataclass(frozen=True)
class CliCall(Call):
    """A call of ``cli.main`` that checks the command's guarantees and reports its exit.

    Standard output and error are captured. Exit status 0 (from the return or
    ``--help``) gives a :class:`Run`; status 2 must come with exactly one line on
    standard error, no traceback and the files of ``--out`` as they were, and is
    raised as a ``ValueError`` carrying that line (prefixed with ``argv``), which
    names the faulty option. Nothing may appear in the working directory.
    """

    def replace(self, name: str, value: Any) -> CliCall:
        return CliCall({**self.kwargs, name: value}, self.args)

    def __call__(self, func: Any) -> Any:
        argv = self.kwargs.get("argv")
        folder = _out_folder(argv)
        before = _snapshot(folder) if folder is not None else {}
        here = sorted(os.listdir())
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = func(**self.kwargs)
            except SystemExit as exit_:
                status = exit_.code
        assert sorted(os.listdir()) == here, "the command wrote in the working directory"
        text = err.getvalue()
        assert "Traceback" not in text + out.getvalue(), text
        if folder is not None:
            assert not [name for name in _names(folder) if name.startswith(".")], "staging left"
        if status == 2:
            assert text.count("\n") == 1 and text.startswith("minerecon"), text
            assert " error: " in text, text
            if folder is not None:
                assert _snapshot(folder) == before, "a failed run changed --out"
            raise ValueError(f"argv {_short_argv(argv)}: {text.strip()}")
        assert status == 0, (status, text)
        return Run(0, out.getvalue(), text, tuple(argv))


def _names(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _short_argv(argv: Any) -> str:
    text = repr(argv)
    return text if len(text) <= 120 else text[:100] + "..."


NUMERIC_OPTIONS = {
    "--btc-price": ["90000", "1e6", "123.5"],
    "--difficulty": ["150e12", "1e14"],
    "--fees": ["0", "0.02"],
    "--power-price": ["0.05", "0"],
    "--pool-fee": ["0.02", "0"],
    "--pue": ["1.1", "1"],
    "--uptime": ["0.95", "1"],
    "--other-opex": ["0.001", "0"],
    "--date": ["2025-11-20", "2014-01-01", "2026-08-16"],
}


@st.composite
def cli_calls(draw) -> CliCall:
    command = draw(st.sampled_from(["miners", "breakeven", "breakeven", "report", "data"]))
    argv = [command]
    if command == "miners":
        return CliCall({"argv": argv})
    if command == "data":
        return CliCall({"argv": ["data", "status"]})
    if command == "breakeven":
        argv += ["--miner", draw(st.sampled_from([*CATALOGUE, "S21"]))]
    for option in draw(
        st.lists(st.sampled_from(sorted(NUMERIC_OPTIONS)), max_size=3, unique=True)
    ):
        argv.append(f"{option}={draw(st.sampled_from(NUMERIC_OPTIONS[option]))}")
    argv += ["--format", draw(st.sampled_from(["json", "json", "csv", "table"]))]
    if command == "report":
        argv += ["--out", str(ROOT / "report"), "--figure-format", "svg"]
        if draw(st.booleans()):
            argv.append("--no-html")
    return CliCall({"argv": argv})


def check_run(call: Call, result: Any) -> None:
    from minerecon.hardware import list_miners

    assert isinstance(result, Run) and result.status == 0
    argv = list(result.argv)
    names = list(list_miners().index)
    if argv[0] == "miners":
        assert all(name in result.out for name in names)
        return
    if argv[0] == "data":
        assert result.out.startswith("History in use: 2014-01-01 to ")
        return
    fmt = argv[argv.index("--format") + 1]
    if fmt == "json":
        payload = json.loads(result.out)
        inputs = payload["inputs"] if argv[0] == "report" else payload
        given = [a for a in argv if a.startswith("--power-price=")]
        if given:
            assert inputs["power_price_usd_per_kwh"] == float(given[0].partition("=")[2])
        if argv[0] == "report":
            assert sorted(row["miner"] for row in payload["miners"]) == sorted(names)
    if argv[0] == "report":
        files = set(_snapshot(_out_folder(argv)))
        wanted = {"miner_economics.csv", "breakeven_btc_price.svg", "margin_vs_btc_price.svg"}
        if "--no-html" not in argv:
            wanted.add("report.html")
        assert wanted <= files, files
        table = pd.read_csv(_out_folder(argv) / "miner_economics.csv", index_col=0)
        assert sorted(table.index) == sorted(names)


#: Values put in place of an option's value (always as ``--option=value``).
HOSTILE_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "inf",
            "-inf",
            "nan",
            "-1",
            "0",
            "1e309",
            "1e-320",
            "1e300",
            "9" * 40,
            "abc",
            "0x10",
            "1_000",
            "NaT",
            "2025-13-45",
            "-",
            "--",
            "--out",
            "-h",
            "\x00",
        ]
    ),
    st.floats().map(repr),
    st.integers(-(2**70), 2**70).map(str),
    # not "--o...=": an abbreviation of --out would move the output to the working directory
    st.text(max_size=8).filter(lambda t: not t.startswith("--o")),
)

#: Folders --out may be given: under a file, too long a name, empty, a link.
_FILE = ROOT / "a-file.txt"
_FILE.write_text("a file")
_LINK = ROOT / "a-link"
_LINK.symlink_to(ROOT / "report")
HOSTILE_OUT = st.sampled_from(
    [str(_FILE / "sub"), str(_FILE), str(ROOT / ("x" * 300)), "", str(_LINK)]
)


@st.composite
def hostile_argv(draw) -> Any:
    """A valid command line with one value made hostile, a word added or a word dropped."""
    how = draw(st.sampled_from(["value", "value", "value", "out", "extra", "drop", "type"]))
    if how == "type":  # not a list of strings at all
        return draw(
            st.sampled_from(
                ["report", b"miners", 5, 1.5, object(), {"report": 1}, ["report", 5], [None]]
            )
        )
    base = list(draw(cli_calls()).kwargs["argv"])
    if how == "out":
        if base[0] != "report":
            base += ["--out", str(ROOT / "report")]
        base[base.index("--out") + 1] = draw(HOSTILE_OUT)
        return base
    if how == "extra":
        at = draw(st.integers(1, len(base)))
        return [*base[:at], draw(HOSTILE_TEXT), *base[at:]]
    if how == "drop" and len(base) > 1 and base[0] != "report":
        # never the --out of a report, which would then write in the working directory
        del base[draw(st.integers(0, len(base) - 1))]
        return base
    options = {
        "report": [*NUMERIC_OPTIONS, "--format", "--figure-format", "--paths", "--seed"],
        "breakeven": [*NUMERIC_OPTIONS, "--miner", "--format"],
        "miners": ["--format"],
        "data": ["--format", "--end"],
    }[base[0]]
    option = draw(st.sampled_from(options))
    return [*base, f"{option}={draw(HOSTILE_TEXT)}"]


@st.composite
def cli_invalid(draw) -> tuple[CliCall, str]:
    """A valid command line with one option given a value out of its range."""
    base = list(draw(cli_calls()).kwargs["argv"])
    if base[0] == "miners":
        base = ["breakeven", "--miner", "S21"]
    option, value = draw(
        st.sampled_from(
            [
                ("--btc-price", "0"),
                ("--btc-price", "inf"),
                ("--difficulty", "-1"),
                ("--fees", "nan"),
                ("--power-price", "-0.01"),
                ("--pool-fee", "1"),
                ("--pue", "0.9"),
                ("--uptime", "0"),
                ("--other-opex", "1e309"),
                ("--date", "2013-12-31"),
                ("--date", "2026-08-17"),
                ("--date", "NaT"),
                ("--format", "xml"),
            ]
        )
    )
    return CliCall({"argv": [*base, f"{option}={value}"]}), option


def check_parser(call: Call, result: Any) -> None:
    import argparse

    assert isinstance(result, argparse.ArgumentParser) and result.prog == "minerecon"
    args = result.parse_args(["breakeven", "--miner", "S21", "--power-price", "0.07"])
    assert (args.command, args.miner, args.power_price) == ("breakeven", "S21", 0.07)
    args = result.parse_args(["report", "--out", str(ROOT / "x")])
    assert args.out == ROOT / "x" and args.format == "table" and args.html is True


CLI = [
    Spec("cli.build_parser", valid=fixed_call(), check=check_parser, hostile=(), examples=2),
    Spec(
        "cli.main",
        valid=cli_calls(),
        check=check_run,
        invalid=cli_invalid(),
        hostile=("argv",),
        garbage=hostile_argv(),
        examples=12,
    ),
]


SPECS = [*DATASETS, *UPDATE, *CONFIG, *CLI]
