"""Fresh data: ``minerecon data update`` / ``import`` / ``status`` and the data cache.

Every request goes to a fake of the three providers on 127.0.0.1 (a thread
running ``http.server`` on a free port). Its answers have the documented shapes:

* Bitstamp, https://www.bitstamp.net/api/ "OHLC data": ``{"data": {"pair":
  "BTC/USD", "ohlc": [{"high", "timestamp", "volume", "low", "close", "open"}]}}``
  with every value a string;
* mempool.space, https://mempool.space/docs/api/rest "GET Difficulty
  Adjustments": ``[[time, height, difficulty, adjustment], ...]`` newest first
  (mempool's backend, ``mining-routes.ts``, maps each row so, ordered by height
  descending, with the adjustment rounded to 6 decimals);
* blockchain.com Charts API: ``{"status": "ok", "name", "unit", "period",
  "description", "values": [{"x": unix seconds, "y": value}]}``.

The real providers are never reached: an autouse fixture points their
environment variables at a closed port and fixes "today".
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import re
import threading
import time
import urllib.parse
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from numpy.testing import assert_allclose

import minerecon
from minerecon import cli, datasets, update
from minerecon.network import NetworkState

#: A closed port: the providers' defaults must never be used in tests.
UNREACHABLE = "http://127.0.0.1:9"
#: "Today" in these tests: 12 days after the bundled history ends, so fresh.
TODAY = pd.Timestamp("2026-08-28")

LAST = pd.Timestamp("2026-08-16")  # history_README.md: last bundled day
KNOWN_PRICE = 63_022.15  # btc_daily.csv, 2026-08-16
EPOCHS = datasets.load_difficulty_epochs()
D476 = float(EPOCHS.loc[476, "difficulty"])  # btc_difficulty_epochs.csv
D477 = float(EPOCHS.loc[477, "difficulty"])  # in force 2026-08-09 to 2026-08-16
D478 = 131_457_600_123_456.78  # the next epoch of the fake: +3.1 %
DAYS = pd.date_range("2026-08-17", "2026-08-26", freq="D")
#: Bitstamp daily opens of 2026-08-16 .. 2026-08-26 [USD/BTC].
OPENS = [63_050.0, 63_480.5, 64_010.0, 62_990.0, 63_300.0, 64_200.0]
OPENS += [65_010.0, 64_870.0, 66_120.0, 65_500.0, 66_000.0]
#: Blocks mined each day 2026-08-17 .. 2026-08-26, and the day's fees [BTC].
BLOCKS = [144, 150, 138, 141, 147, 152, 139, 144, 146, 149]
FEES = [2.88, 3.30, 2.07, 2.82, 3.234, 3.344, 2.78, 2.592, 2.482, 2.98]
#: Supply at the end of 2026-08-16 [BTC]: between the 2024 halving
#: (19,687,500) and the 2028 one (20,343,750), so 3.125 BTC a block.
SUPPLY_0816 = 20_012_500.0
#: The retarget to epoch 478 (height 963,648) at 10:00 UTC on 2026-08-21.
RETARGET_478 = int(pd.Timestamp("2026-08-21 10:00").timestamp())


def unix(day: Any) -> int:
    return int(pd.Timestamp(day).timestamp())


# --------------------------------------------------------------------------
# The fake providers
# --------------------------------------------------------------------------


@dataclasses.dataclass
class Reply:
    """One answer: a JSON document (or raw bytes), a status, headers, a delay [s]."""

    body: Any
    status: int = 200
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    delay: float = 0.0


def bitstamp_body(opens=OPENS, first=LAST) -> dict:
    candles = []
    for i, value in enumerate(opens):
        day = pd.Timestamp(first) + pd.Timedelta(days=i)
        candles.append(
            {
                "high": f"{value * 1.02:.2f}",
                "timestamp": str(unix(day)),
                "volume": "1234.56789012",
                "low": f"{value * 0.98:.2f}",
                "close": f"{value * 1.001:.2f}",
                "open": f"{value:g}",
            }
        )
    return {"data": {"pair": "BTC/USD", "ohlc": candles}}


def mempool_body(extra=()) -> list:
    rows = [
        [unix("2026-07-25 06:00"), 959_616, D476, 0.992613],
        [unix("2026-08-08 13:00"), 961_632, D477, round(D477 / D476, 6)],
        [RETARGET_478, 963_648, D478, round(D478 / D477, 6)],
        *extra,
    ]
    return sorted(rows, key=lambda row: row[1], reverse=True)


def fees_body(fees=FEES, days=DAYS) -> dict:
    return {
        "status": "ok",
        "name": "Total Transaction Fees (BTC)",
        "unit": "BTC",
        "period": "day",
        "description": "The total BTC value of all transaction fees paid to miners. "
        "This does not include coinbase block rewards.",
        "values": [{"x": unix(day), "y": fee} for day, fee in zip(days, fees, strict=True)],
    }


def supply_body(blocks=BLOCKS, start=SUPPLY_0816) -> dict:
    """Two points a day, at 06:00 and 23:00: the day's last one is its end supply."""
    values, supply = [], start
    days = [LAST, *DAYS[: len(blocks)]]
    for i, day in enumerate(days):
        rise = 0.0 if i == 0 else blocks[i - 1] * 3.125
        values.append({"x": unix(day) + 6 * 3600, "y": supply + rise / 4})
        supply += rise
        values.append({"x": unix(day) + 23 * 3600, "y": supply})
    return {
        "status": "ok",
        "name": "Total Circulating Bitcoin",
        "unit": "BTC",
        "period": "day",
        "description": "The total number of mined bitcoin that are currently circulating on "
        "the network.",
        "values": values,
    }


PATHS = {
    "bitstamp": "/api/v2/ohlc/btcusd/",
    "mempool": "/api/v1/mining/difficulty-adjustments",
    "fees": "/charts/transaction-fees",
    "supply": "/charts/total-bitcoins",
}


class Providers:
    """The three APIs on one local server; each path answers from its list of replies.

    The last reply of a list is repeated; ``requests`` records every path and query.
    """

    def __init__(self) -> None:
        self.replies: dict[str, list[Reply]] = {}
        self.requests: list[str] = []
        self.good()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append(self.path)
                path = urllib.parse.urlsplit(self.path).path
                queue = owner.replies.get(path, [Reply({"error": "not found"}, status=404)])
                reply = queue.pop(0) if len(queue) > 1 else queue[0]
                time.sleep(reply.delay)
                body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body)
                body = body.encode() if isinstance(body, str) else body
                with contextlib.suppress(OSError):  # the client may have timed out
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.urls = {"bitstamp": base, "mempool": base, "blockchain": base}

    def good(self) -> None:
        self.replies = {
            PATHS["bitstamp"]: [Reply(bitstamp_body())],
            PATHS["mempool"]: [Reply(mempool_body())],
            PATHS["fees"]: [Reply(fees_body())],
            PATHS["supply"]: [Reply(supply_body())],
        }

    def answer(self, name: str, *replies: Reply) -> None:
        self.replies[PATHS[name]] = list(replies)

    def calls(self, name: str) -> list[str]:
        return [r for r in self.requests if urllib.parse.urlsplit(r).path == PATHS[name]]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def providers():
    fake = Providers()
    yield fake
    fake.close()


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """No real provider, a cache folder of the test's own, a fixed today, short waits."""
    for _, variable in update.PROVIDERS.values():
        monkeypatch.setenv(variable, UNREACHABLE)
    monkeypatch.setenv(datasets.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(datasets, "_today", lambda: TODAY)
    monkeypatch.setattr(update, "_BACKOFF", 0.001)


@pytest.fixture
def cache(tmp_path) -> Path:
    return tmp_path / "cache"


def files(folder: Path) -> dict[str, bytes]:
    """Every file of the folder (temporary ones too) and its bytes."""
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def run_update(providers, **kwargs):
    return update.update_history(urls=providers.urls, **kwargs)


# --------------------------------------------------------------------------
# A successful update, and what it changes downstream
# --------------------------------------------------------------------------


def test_update_adds_the_fetched_days_with_the_bundled_definitions(providers, cache):
    added = run_update(providers)
    # The fake has days to 2026-08-26; "today" is 2026-08-28, so all of them.
    assert added.index.equals(pd.DatetimeIndex(DAYS, name="date"))
    assert_allclose(added["price_usd"], OPENS[1:], rtol=0)  # Bitstamp daily opens
    # Epoch 478's block (2026-08-21 10:00) rules from 00:00 on 2026-08-22.
    assert (added.loc[:"2026-08-21", "difficulty"] == D477).all()
    assert (added.loc["2026-08-22":, "difficulty"] == D478).all()
    # Fees per block: the day's fees over its blocks, the supply's rise / 3.125 BTC.
    assert_allclose(
        added["fees_btc_per_block"], [f / b for f, b in zip(FEES, BLOCKS, strict=True)], rtol=1e-12
    )
    assert added.attrs["cache_file"] == str(cache / "btc_daily.csv")
    # The documented queries were sent: one Bitstamp page from 2026-08-16 00:00 UTC...
    (query,) = providers.calls("bitstamp")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(query).query) == {
        "step": ["86400"],
        "limit": ["1000"],
        "start": [str(unix(LAST))],
    }
    # ... and the two charts unsampled, as JSON, from the days they need.
    fees_query = urllib.parse.parse_qs(urllib.parse.urlsplit(providers.calls("fees")[0]).query)
    supply_query = urllib.parse.parse_qs(urllib.parse.urlsplit(providers.calls("supply")[0]).query)
    assert fees_query["sampled"] == ["false"] and fees_query["format"] == ["json"]
    assert fees_query["start"] == ["2026-08-17"] and supply_query["start"] == ["2026-08-16"]


def test_merged_history_flows_into_the_network_state(providers, cache):
    run_update(providers)
    history = datasets.load_history()
    assert history.index[0] == pd.Timestamp("2014-01-01")
    assert history.index[-1] == pd.Timestamp("2026-08-26")
    assert history.index.freq == "D" and len(history) == 4_611 + 10
    # Bundled days are untouched: 2026-08-16 keeps its bundled price.
    assert history.loc[LAST, "price_usd"] == KNOWN_PRICE
    assert "data cache" in history.attrs["source"] and str(cache) in history.attrs["source"]
    state = NetworkState.latest()
    assert state.date == pd.Timestamp("2026-08-26")
    assert state.btc_price == OPENS[-1] and state.difficulty == D478
    assert_allclose(state.fees_per_block, FEES[-1] / BLOCKS[-1], rtol=1e-12)
    # Height: epoch 478 starts at 963,648, taken at noon of its retarget day
    # (2026-08-21); 4.5 days later at 144 blocks a day is 963,648 + 648.
    assert state.height == 964_296
    # A day after the bundled history is now a valid --date, and the range says so.
    assert NetworkState.from_history("2026-08-20").difficulty == D477
    with pytest.raises(ValueError, match=r"2026-08-26 \(the bundled and cached history\)"):
        datasets.history_day("date", "2026-08-27")
    epochs = datasets.load_difficulty_epochs()
    assert epochs.loc[477, "last_date_in_dataset"] == pd.Timestamp("2026-08-21")
    assert epochs.loc[478, "start_height"] == 963_648
    assert epochs.loc[478, "retarget_day_utc"] == pd.Timestamp("2026-08-21")
    assert epochs.loc[478, "first_date_in_force_0000utc"] == pd.Timestamp("2026-08-22")


def test_calibrate_uses_the_fresher_days(providers):
    run_update(providers)
    fitted = minerecon.calibrate()
    # The default window is the last four years of the history in use.
    assert fitted.price.calibration.end == pd.Timestamp("2026-08-26")
    assert fitted.price.calibration.start == pd.Timestamp("2022-08-27")


def test_status_names_each_part(providers, cache):
    run_update(providers)
    status = datasets.history_status()
    assert status["last"] == pd.Timestamp("2026-08-26")
    assert status["bundled_last"] == LAST and status["cached_days"] == 10
    assert status["cache_file"] == cache / "btc_daily.csv"
    assert status["age_days"] == 2  # 2026-08-26 to the fixed today, 2026-08-28
    bundled, fetched = status["parts"]
    assert (bundled["first"], bundled["last"]) == (pd.Timestamp("2014-01-01"), LAST)
    assert (fetched["first"], fetched["last"]) == (DAYS[0], DAYS[-1])
    assert fetched["source"] == update.SOURCE and fetched["as_of"] == "2026-08-28"


def test_the_report_page_names_the_cached_days(providers, cache):
    run_update(providers)
    notes = cli._history_provenance()
    # The bundled part keeps its own span; the cached one follows with its source.
    assert "from 2014-01-01 to 2026-08-16 (4,611 days, no gaps)" in notes[0]
    assert notes[1].startswith(f"Days 2026-08-17 to 2026-08-26: from the data cache {cache}")
    assert update.SOURCE in notes[1]


def test_a_second_update_continues_after_the_cached_days(providers, cache):
    first = run_update(providers, end="2026-08-21")
    assert first.index[-1] == pd.Timestamp("2026-08-21")
    providers.requests.clear()
    second = run_update(providers)
    assert second.index[0] == pd.Timestamp("2026-08-22")
    assert second.index[-1] == pd.Timestamp("2026-08-26")
    # The second run starts from the last cached day, 2026-08-21.
    (query,) = providers.calls("bitstamp")
    assert f"start={unix('2026-08-21')}" in query
    rows = pd.read_csv(cache / "btc_daily.csv", index_col="date", parse_dates=["date"])
    assert rows.index.equals(pd.DatetimeIndex(DAYS, name="date"))
    # The epoch of each day: 477 to 2026-08-21, 478 from 2026-08-22 (height / 2016).
    assert rows["epoch"].tolist() == [477] * 5 + [478] * 5


def test_an_up_to_date_history_fetches_nothing(providers, cache):
    added = run_update(providers, end="2026-08-16")
    assert added.empty and list(added.columns) == list(datasets.load_history().columns)
    assert providers.requests == [] and files(cache) == {}


def test_days_the_providers_do_not_have_yet_are_left_for_later(providers):
    # blockchain.com has fees only to 2026-08-24: the run ends there.
    providers.answer("fees", Reply(fees_body(FEES[:8], DAYS[:8])))
    added = run_update(providers)
    assert added.index[-1] == pd.Timestamp("2026-08-24") and len(added) == 8


def test_today_is_never_fetched(providers):
    # Today's fees are not complete: with "today" 2026-08-22, the run ends on the 21st.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(datasets, "_today", lambda: pd.Timestamp("2026-08-22"))
        added = run_update(providers, end="2030-01-01")
    assert added.index[-1] == pd.Timestamp("2026-08-21")


# --------------------------------------------------------------------------
# Failures: a clear message, nothing written
# --------------------------------------------------------------------------


@pytest.fixture
def previous(providers, cache):
    """A cache from an earlier update (to 2026-08-20), to show failures keep it."""
    run_update(providers, end="2026-08-20")
    providers.requests.clear()
    return files(cache)


def fails(providers, cache, previous, match, **kwargs):
    with pytest.raises(update.DataUpdateError, match=match) as raised:
        run_update(providers, **kwargs)
    assert files(cache) == previous, "a failed update changed the cache"
    assert datasets.load_history().index[-1] == pd.Timestamp("2026-08-20")
    return str(raised.value)


def test_http_500_is_retried_then_reported(providers, cache, previous):
    providers.answer("bitstamp", Reply({"error": "boom"}, status=500))
    message = fails(
        providers, cache, previous, r"HTTP 500 Internal Server Error, after 3 attempts", retries=2
    )
    assert message.startswith(f"Bitstamp ({providers.urls['bitstamp']}/api/v2/ohlc/btcusd/)")
    assert len(providers.calls("bitstamp")) == 3


def test_a_transient_500_is_survived(providers):
    providers.answer("mempool", Reply("down", status=503), Reply(mempool_body()))
    added = run_update(providers, retries=1)
    assert len(added) == 10 and len(providers.calls("mempool")) == 2


def test_429_waits_as_retry_after_asks(providers):
    providers.answer(
        "supply",
        Reply("slow down", status=429, headers={"Retry-After": "0"}),
        Reply(supply_body()),
    )
    assert len(run_update(providers, retries=1)) == 10
    assert len(providers.calls("supply")) == 2


def test_429_asking_to_wait_too_long_fails_at_once(providers, cache, previous):
    providers.answer("fees", Reply("later", status=429, headers={"Retry-After": "3600"}))
    message = fails(providers, cache, previous, r"asking to wait 3600 s \(Retry-After\)")
    assert message.startswith("blockchain.com (") and "transaction-fees" in message
    assert len(providers.calls("fees")) == 1  # no retry when the wait is above the cap


def test_a_timeout_is_reported(providers, cache, previous):
    providers.answer("mempool", Reply(mempool_body(), delay=0.5))
    started = time.monotonic()
    fails(
        providers,
        cache,
        previous,
        r"^mempool.space \(.*\): no answer within 0.1 s, after 1 attempt$",
        timeout=0.1,
        retries=0,
    )
    assert time.monotonic() - started < 0.45  # gave up before the server answered


def test_a_timeout_then_an_answer_succeeds(providers):
    providers.answer("bitstamp", Reply(bitstamp_body(), delay=0.4), Reply(bitstamp_body()))
    assert len(run_update(providers, timeout=0.1, retries=1)) == 10


def test_an_unreachable_provider_is_reported(providers, cache, previous):
    urls = {**providers.urls, "blockchain": UNREACHABLE}
    with pytest.raises(update.DataUpdateError) as raised:
        update.update_history(urls=urls, retries=0)
    assert str(raised.value).startswith("blockchain.com (http://127.0.0.1:9/charts/")
    assert "connection failed" in str(raised.value)
    assert files(cache) == previous


def test_malformed_json_is_reported(providers, cache, previous):
    providers.answer("mempool", Reply(b"[[1786838400, 963648, 1.3e14"))
    fails(providers, cache, previous, r"^mempool.space \(.*\): the answer is not valid JSON")


@pytest.mark.parametrize(
    ("name", "body", "match"),
    [
        ("bitstamp", {"status": "error", "reason": "Invalid step"}, r"no data.ohlc list: Invalid"),
        ("bitstamp", {"data": {"ohlc": [{"timestamp": "x", "open": "1"}]}}, "unexpected candle"),
        ("mempool", {"error": "no"}, "not a list of adjustments"),
        ("mempool", [[1, 2, "3", 4]], r"expected \[time, height, difficulty, adjustment\]"),
        ("fees", {"status": "error", "values": []}, "no values list with status ok"),
        ("supply", {"status": "ok", "values": [{"x": 1}]}, "unexpected point"),
    ],
)
def test_answers_not_shaped_as_documented_are_reported(
    providers, cache, previous, name, body, match
):
    providers.answer(name, Reply(body))
    fails(providers, cache, previous, match)


def test_a_missing_day_is_reported(providers, cache, previous):
    # Bitstamp skips 2026-08-23: partial data, not a shorter run.
    opens = bitstamp_body()
    del opens["data"]["ohlc"][7]
    providers.answer("bitstamp", Reply(opens))
    fails(
        providers, cache, previous, r"Bitstamp .*: no value for 2026-08-23 \(partial data: a gap\)"
    )


def test_a_missing_epoch_is_reported(providers, cache, previous):
    # Epoch 478 missing, 479 present: heights must step by 2016.
    rows = [row for row in mempool_body() if row[1] != 963_648]
    rows.insert(0, [RETARGET_478, 965_664, D478, round(D478 / D477, 6)])
    providers.answer("mempool", Reply(rows))
    fails(providers, cache, previous, r"height 965,664 follows 961,632; retargets come every 2016")


def test_a_supply_rise_that_is_not_whole_blocks_is_refused(providers, cache, previous):
    body = supply_body()
    body["values"][-1]["y"] += 1.0  # 1 BTC is not a multiple of the 3.125 BTC subsidy
    providers.answer("supply", Reply(body))
    fails(providers, cache, previous, r"not a whole number of blocks of 3.125 BTC")


def five_fold_retarget() -> list:
    rows = mempool_body()
    rows[0] = [RETARGET_478, 963_648, D477 * 5, 5.0]
    return rows


@pytest.mark.parametrize(
    ("name", "reply", "match"),
    [
        # An open of 0.5 USD: a unit error (the price was ~63,000 USD in August 2026).
        ("bitstamp", Reply(bitstamp_body([63_050.0, 0.5])), r"must be in \[100, 1e\+07\]"),
        # The last known day's open twice the history's price: another market or unit.
        ("bitstamp", Reply(bitstamp_body([2 * o for o in OPENS])), "not the same market"),
        # 10,000 BTC of fees a day is about 69 BTC a block; the record is 9.65 (2017-12-22).
        ("fees", Reply(fees_body([10_000.0] * 10)), r"outside \(0, 50\]"),
        # A 5-fold retarget breaks the protocol's clamp of 4.
        ("mempool", Reply(five_fold_retarget()), r"changes 5-fold at height 963,648"),
    ],
)
def test_values_out_of_range_are_refused(providers, cache, previous, name, reply, match):
    providers.answer(name, reply)
    fails(providers, cache, previous, match)


def test_a_difficulty_that_does_not_join_the_history_is_refused(providers, cache, previous):
    rows = mempool_body()
    rows[1][2] = D477 * 1.01  # epoch 477 differs from the cached/bundled value
    providers.answer("mempool", Reply(rows))
    fails(providers, cache, previous, r"at height 961,632, but the history has")


def test_an_unwritable_cache_is_reported(providers, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(update.DataUpdateError, match="cannot write the data cache"):
        run_update(providers, folder=blocker / "sub")
    assert blocker.read_text() == "not a folder"


def test_an_interrupted_write_leaves_the_cache(providers, cache, previous, monkeypatch):
    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(update.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_update(providers)
    assert files(cache) == previous  # no temporary file left either


# --------------------------------------------------------------------------
# Arguments
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"timeout": 0}, ValueError, r"timeout must be in \(0, 600\] \[s\], got 0"),
        ({"timeout": float("nan")}, ValueError, "timeout must not be NaN"),
        ({"retries": 11}, ValueError, r"retries must be an integer in \[0, 10\], got 11"),
        ({"retries": -1}, ValueError, "retries must be an integer >= 0"),
        ({"end": "soon"}, ValueError, "end must be a date"),
        ({"urls": {"coinbase": "http://x"}}, ValueError, "urls must have keys among bitstamp"),
        (
            {"urls": {"mempool": "ftp://x"}},
            ValueError,
            r"urls\['mempool'\] .* http:// or https://",
        ),
        ({"urls": ["http://x"]}, TypeError, "urls must be a mapping"),
        ({"folder": 5}, TypeError, "folder must be a str or os.PathLike"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        update.update_history(**kwargs)


def test_a_bad_provider_variable_is_named(monkeypatch):
    monkeypatch.setenv("MINERECON_MEMPOOL_URL", "mempool.space")
    with pytest.raises(ValueError, match=r"\$MINERECON_MEMPOOL_URL\) must be an http"):
        update.update_history(end="2020-01-01")


def test_retry_after_reads_seconds_and_dates():
    assert update._retry_after("120") == 120.0
    assert update._retry_after(None) is None
    assert update._retry_after("soon") is None
    # An HTTP date in the past asks for no wait.
    assert update._retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


# --------------------------------------------------------------------------
# Blocks per day across a halving
# --------------------------------------------------------------------------


def test_blocks_of_a_halving_day_are_split_at_the_halving_supply():
    # Protocol: after 1,050,000 blocks the supply is 210,000 x (50 + 25 + 12.5 +
    # 6.25 + 3.125) = 20,343,750 BTC. A day starting 10 blocks before and ending
    # 130 blocks after mined 10 x 3.125 + 130 x 1.5625 BTC: 140 blocks.
    start = 20_343_750 - 10 * 3.125
    end = 20_343_750 + 130 * 1.5625
    assert update._blocks("test", LAST, start, end) == 140
    # Wholly after it: 1.5625 BTC a block.
    assert update._blocks("test", LAST, end, end + 144 * 1.5625) == 144


# --------------------------------------------------------------------------
# Your own series: data import
# --------------------------------------------------------------------------

HEADER = "date,price_usd,difficulty,fees_btc_per_block\n"


def series_text(days=DAYS, first_price=63_100.0) -> str:
    lines = [HEADER.strip()]
    for i, day in enumerate(days):
        price = first_price * (1 + 0.01 * (i % 3))
        lines.append(f"{day.date()},{price},{D477},0.02")
    return "\n".join(lines) + "\n"


def test_import_puts_the_rows_after_the_bundled_history(tmp_path, cache):
    path = tmp_path / "mine.csv"
    # One overlapping day (2026-08-16, skipped: bundled data win) then 10 new ones.
    path.write_text(HEADER + f"2026-08-16,1.0,{D477},0.02\n" + series_text().split("\n", 1)[1])
    added = update.import_history(path)
    assert added.index.equals(pd.DatetimeIndex(DAYS, name="date"))
    history = datasets.load_history()
    assert history.index[-1] == DAYS[-1] and history.loc[LAST, "price_usd"] == KNOWN_PRICE
    assert history.loc["2026-08-17", "price_usd"] == 63_100.0
    (_, mine) = datasets.history_status()["parts"]
    assert mine["source"] == "import: mine.csv" and mine["as_of"] == "2026-08-28"
    # Imported days carry no epoch: the table of epochs is the bundled one.
    assert datasets.load_difficulty_epochs().index[-1] == 477


def test_an_update_continues_after_an_import(tmp_path, providers, cache):
    path = tmp_path / "mine.csv"
    path.write_text(series_text(DAYS[:3], first_price=63_500.0))  # to 2026-08-19
    update.import_history(path)
    added = run_update(providers)
    assert added.index[0] == pd.Timestamp("2026-08-20") and added.index[-1] == DAYS[-1]
    parts = datasets.history_status()["parts"]
    assert [part["source"] for part in parts[1:]] == ["import: mine.csv", update.SOURCE]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", r"empty file"),
        ("date,price,difficulty\n", r"line 1: the header must name .*missing price_usd"),
        (HEADER + "2026-08-17,63100,1.27e14\n", r"line 2: 3 fields, the header has 4"),
        (HEADER + "17/08/2026,63100,1.27e14,0.02\n", r"line 2: date must be a day YYYY-MM-DD"),
        (HEADER + "2026-08-17,abc,1.27e14,0.02\n", r"line 2: price_usd must be a finite number"),
        (HEADER + "2026-08-17,nan,1.27e14,0.02\n", r"line 2: price_usd must be a finite"),
        (
            HEADER + "2026-08-18,63100,1.27e14,0.02\n",
            r"line 2: 2026-08-18 follows 2026-08-16: "
            r"2026-08-17 is missing",
        ),
        (
            HEADER + f"2026-08-17,63100,{D477},0.02\n2026-08-19,63100,{D477},0.02\n",
            r"line 3: 2026-08-19 follows 2026-08-17: 2026-08-18 is missing",
        ),
        (
            HEADER + f"2026-08-17,63100,{D477},0.02\n2026-08-17,63100,{D477},0.02\n",
            r"line 3: 2026-08-17 appears twice \(line 2\)",
        ),
        (
            HEADER + f"2026-08-17,63100,{D477},90\n",
            r"line 2: fees_btc_per_block must be in \(0, 50\]",
        ),
        (
            HEADER + f"2026-08-17,200000,{D477},0.02\n",
            r"line 2: price_usd moves from 63022.\d on 2026-08-16 to 200000",
        ),
        (HEADER + f"2026-08-17,63100,{D477 * 5},0.02\n", r"line 2: difficulty changes 5-fold"),
        (
            HEADER + f"2026-08-17,63100,{D477 * 1.1},0.02\n2026-08-18,63100,{D477 * 1.2},0.02\n",
            r"line 3: difficulty changes on 2026-08-17 and again 1 day\(s\) later",
        ),
        (
            HEADER + f"2026-08-10,63100,{D477},0.02\n",
            r"no day after 2026-08-16.*nothing to import",
        ),
    ],
)
def test_import_refuses_bad_files_naming_file_and_line(tmp_path, cache, text, match):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=match) as raised:
        update.import_history(path)
    assert str(raised.value).startswith(str(path))
    assert files(cache) == {}


def test_import_of_a_missing_file_names_it(tmp_path):
    with pytest.raises(ValueError, match=r"missing.csv: cannot read the file"):
        update.import_history(tmp_path / "missing.csv")
    with pytest.raises(TypeError, match=r"path must be a str or os\.PathLike"):
        update.import_history(None)


# --------------------------------------------------------------------------
# The cache as load_history reads it
# --------------------------------------------------------------------------


def test_a_rewritten_cache_is_read_again(tmp_path, cache):
    path = tmp_path / "mine.csv"
    path.write_text(series_text(DAYS[:3]))
    update.import_history(path)
    assert datasets.load_history().index[-1] == pd.Timestamp("2026-08-19")
    path.write_text(series_text(DAYS[:5]))
    update.import_history(path)
    assert datasets.load_history().index[-1] == pd.Timestamp("2026-08-21")


def test_a_damaged_cache_is_ignored_with_a_warning(cache):
    cache.mkdir()
    (cache / "btc_daily.csv").write_text("date,price_usd\n2026-08-17,1\n")
    with pytest.warns(
        minerecon.MinereconWarning, match="ignoring the data cache .*lacks the columns"
    ):
        history = datasets.load_history()
    assert history.index[-1] == LAST


def test_a_cache_with_a_gap_is_ignored(cache, tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(series_text(DAYS[:3]))
    update.import_history(path)
    text = (cache / "btc_daily.csv").read_text().splitlines()
    (cache / "btc_daily.csv").write_text("\n".join([text[0], text[1], text[3]]) + "\n")
    with pytest.warns(minerecon.MinereconWarning, match="2026-08-18 is missing"):
        assert datasets.load_history().index[-1] == LAST


# --------------------------------------------------------------------------
# Stale data
# --------------------------------------------------------------------------


def test_stale_data_warn_once_saying_how_to_update(monkeypatch):
    # The bundled history ends 2026-08-16; on 2026-12-02 that is 108 days old.
    monkeypatch.setattr(datasets, "_today", lambda: pd.Timestamp("2026-12-02"))
    monkeypatch.setattr(datasets, "_stale_warned", False)
    with pytest.warns(
        datasets.StaleDataWarning, match=r"end on 2026-08-16, 108 days before"
    ) as seen:
        NetworkState.latest()
    assert "minerecon data update" in str(seen[0].message)
    assert issubclass(minerecon.StaleDataWarning, minerecon.MinereconWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert NetworkState.latest().date == LAST  # once per process


def test_fresh_data_do_not_warn(monkeypatch):
    # 30 days old is still fresh (the limit is "more than 30").
    monkeypatch.setattr(datasets, "_today", lambda: LAST + pd.Timedelta(days=30))
    monkeypatch.setattr(datasets, "_stale_warned", False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert datasets.latest_day() == LAST


def test_from_history_of_a_chosen_day_does_not_warn(monkeypatch):
    monkeypatch.setattr(datasets, "_today", lambda: pd.Timestamp("2026-12-02"))
    monkeypatch.setattr(datasets, "_stale_warned", False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        NetworkState.from_history("2026-08-16")


# --------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------


def command(argv):
    """Status, standard output and standard error of ``minerecon argv``."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(argv)
        except SystemExit as exit_:
            status = exit_.code
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def served(providers, monkeypatch):
    """The providers' environment variables pointed at the fake."""
    for name, (_, variable) in update.PROVIDERS.items():
        monkeypatch.setenv(variable, providers.urls[name])
    return providers


def test_command_update_then_status(served, cache):
    status, out, err = command(["data", "update"])
    assert status == 0 and err == ""
    assert out.startswith("Added 10 days, 2026-08-17 to 2026-08-26, to ")
    status, out, err = command(["data", "status"])
    assert status == 0
    assert "History in use: 2014-01-01 to 2026-08-26 (4,621 days)" in out
    assert "2026-08-17 to 2026-08-26  update: Bitstamp daily open" in out
    assert str(cache / "btc_daily.csv") in out
    # The default --date is now the last fetched day.
    status, out, err = command(["breakeven", "--miner", "S21", "--format", "json"])
    assert status == 0 and json.loads(out)["date"] == "2026-08-26"
    # The fake has nothing after 2026-08-26, though "today" is 2026-08-28.
    status, out, err = command(["data", "update"])
    assert status == 0 and out.startswith("Nothing added: the providers have no complete day")
    status, out, err = command(["data", "update", "--end", "2026-08-20"])
    assert status == 0 and out == "Up to date: the history in use ends on 2026-08-26.\n"


def test_command_update_failure_is_one_line_and_keeps_the_cache(served, cache):
    command(["data", "update", "--end", "2026-08-20"])
    before = files(cache)
    served.answer("bitstamp", Reply("oops", status=502))
    status, _, err = command(["data", "update", "--retries", "0"])
    assert status == 2 and err.count("\n") == 1
    assert err.startswith("minerecon: error: data update: Bitstamp (http://127.0.0.1:")
    assert "HTTP 502 Bad Gateway, after 1 attempt; the data cache was left as it was" in err
    assert files(cache) == before


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["data", "update", "--timeout", "0"], r"argument --timeout: must be a finite number in"),
        (["data", "update", "--retries", "11"], r"argument --retries: expected a whole number"),
        (["data", "update", "--end", "soon"], r"argument --end: expected a day YYYY-MM-DD"),
        (["data"], r"the following arguments are required: ACTION"),
        (["data", "import"], r"the following arguments are required: file"),
    ],
)
def test_command_bad_options_exit_2(argv, match):
    status, _, err = command(argv)
    assert status == 2 and err.count("\n") == 1
    assert re.search(match, err), err


def test_command_import(tmp_path, cache):
    good = tmp_path / "mine.csv"
    good.write_text(series_text())
    status, out, err = command(["data", "import", str(good)])
    assert status == 0 and out.startswith("Imported 10 days, 2026-08-17 to 2026-08-26, from ")
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "2026-08-27,abc,1,1\n")
    before = files(cache)
    status, out, err = command(["data", "import", str(bad)])
    assert status == 2 and err.count("\n") == 1
    assert f"data import: {bad}, line 2: price_usd must be a finite number" in err
    assert files(cache) == before


def test_command_status_of_stale_bundled_data(monkeypatch):
    monkeypatch.setattr(datasets, "_today", lambda: pd.Timestamp("2026-12-02"))
    status, out, _ = command(["data", "status"])
    assert status == 0
    assert "the last day is 108 days old" in out and "(none yet)" in out
    assert "Run `minerecon data update`" in out
