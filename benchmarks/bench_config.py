"""Benchmark of :func:`minerecon.config.key_lines` on long lines: is it linear?

For each shape of line that once made the scanner quadratic in the line's length
(a long float, a long dotted key, a run of blanks, a long string, a long inline
table, a long header), the script times ``key_lines`` on a line of 32,000 and of
1,000,000 characters and prints, all measured in the same run:

* ``growth``: time at 1 MB over time at 32 KB, divided by the size ratio (31.25):
  about 1 for a linear scan, about 31 for a quadratic one;
* ``ratio_vs_split``: time of ``key_lines`` over the time of ``str.split`` of the
  same text into words (a baseline that reads every character once);
* ``ratio_vs_tomllib``: time of ``key_lines`` over ``tomllib.loads`` of the same
  text, where it is valid TOML and ``load_scenario`` would hand it to tomllib (not
  the long dotted keys: tomllib's time and memory grow as the square of a key's
  parts, so ``load_scenario`` refuses keys of more than ``MAX_NESTING`` parts first).

The last line printed is one JSON object holding these figures.

Run ``python benchmarks/bench_config.py [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
from collections.abc import Callable

from minerecon.config import _long_key_line, key_lines

SHAPES: dict[str, Callable[[int], str]] = {
    "float": lambda n: "gross_mw = 1." + "1" * n,
    "dotted key": lambda n: "a" + ".a" * (n // 2) + " = 1",
    "blanks": lambda n: "a" + " " * n + "= 1",
    "string": lambda n: 'name = "' + "x" * n + '"',
    "inline table": lambda n: "t = {" + ", ".join(f"k{i} = 1" for i in range(n // 8)) + "}",
    "header": lambda n: "[" + ".".join(["b"] * (n // 2)) + "]",
}
SIZES = (32_000, 1_000_000)


def best(func: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    report = {}
    for name, make in SHAPES.items():
        timings = {}
        for size in SIZES:
            text = f"[site]\n{make(size)}\n"
            timings[size] = {
                "key_lines_s": best(lambda t=text: key_lines(t), args.repeats),
                "split_s": best(lambda t=text: t.split(), args.repeats),
            }
            if _long_key_line(text) is None:
                try:
                    tomllib.loads(text)
                except tomllib.TOMLDecodeError:
                    continue
                timings[size]["tomllib_s"] = best(lambda t=text: tomllib.loads(t), args.repeats)
        small, large = timings[SIZES[0]], timings[SIZES[1]]
        row = {
            "growth": large["key_lines_s"] / small["key_lines_s"] / (SIZES[1] / SIZES[0]),
            "ratio_vs_split": large["key_lines_s"] / large["split_s"],
            "key_lines_1mb_s": large["key_lines_s"],
        }
        if "tomllib_s" in large:
            row["ratio_vs_tomllib"] = large["key_lines_s"] / large["tomllib_s"]
        report[name] = row
        print(f"{name:14s} " + "  ".join(f"{k}={v:.3g}" for k, v in row.items()))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
