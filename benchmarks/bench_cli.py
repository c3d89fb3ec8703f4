"""Benchmark of start-up and command-line latency against the imports it cannot avoid.

Every figure is the median wall time of ``--repeats`` runs of a fresh Python
process, the commands taken in turn within each repeat so that load on the
machine hits them alike. Printed, all measured in the same run:

* ``baseline_s``: ``python -c "import numpy, pandas, scipy.optimize,
  matplotlib.pyplot, xarray, numba"``, the libraries any run of the preset
  needs;
* ``preset_warm_s`` and ``preset_warm_ratio`` (target <= 1.6): ``minerecon
  report --preset cleanspark-fy2025 --no-html`` with numba's cache filled by a
  run before the timing;
* ``preset_cold_s`` and ``preset_cold_ratio`` (target <= 3): the same command
  with an empty numba cache (a fresh ``NUMBA_CACHE_DIR`` per run), as the
  first run after installing; ``preset_cold_compile_lines`` counts the lines
  of its standard error that announce compilation (target: exactly 1);
* ``import_s``, ``numpy_pandas_s`` and ``import_ratio`` (target <= 1.25):
  ``import minerecon`` against ``import numpy, pandas``.

The last line printed is one JSON object holding these figures.

Run ``python benchmarks/bench_cli.py [--repeats 5] [--cold-repeats 3]
[--paths N]`` from the repository root with the package installed;
``--paths`` overrides the preset's 1,000 paths.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = "import numpy, pandas, scipy.optimize, matplotlib.pyplot, xarray, numba"
TARGETS = {"preset_warm_ratio": 1.6, "preset_cold_ratio": 3.0, "import_ratio": 1.25}


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall time of one run [s] and its standard error; a failed run stops the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each warm command")
    parser.add_argument("--cold-repeats", type=int, default=3, help="runs with an empty cache")
    parser.add_argument("--paths", type=int, default=None, help="paths of the preset run")
    args = parser.parse_args()

    python = sys.executable
    script = Path(python).parent / "minerecon"  # the console script of this environment
    if not script.exists():
        raise SystemExit(f"no minerecon command next to {python}: pip install -e . first")
    cli = [str(script)]
    with tempfile.TemporaryDirectory() as scratch:
        out = str(Path(scratch) / "report")
        preset = [*cli, "report", "--preset", "cleanspark-fy2025", "--no-html", "--out", out]
        if args.paths is not None:
            preset += ["--paths", str(args.paths)]
        env = os.environ | {"NUMBA_CACHE_DIR": str(Path(scratch) / "numba-warm")}
        commands = {
            "baseline_s": [python, "-c", BASELINE],
            "import_s": [python, "-c", "import minerecon"],
            "numpy_pandas_s": [python, "-c", "import numpy, pandas"],
            "preset_warm_s": preset,
        }
        timed(preset, env)  # fills the warm cache
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeats):
            for name, command in commands.items():
                times[name].append(timed(command, env)[0])
        cold, announcements = [], []
        for repeat in range(args.cold_repeats):
            cold_env = os.environ | {"NUMBA_CACHE_DIR": str(Path(scratch) / f"numba-{repeat}")}
            baseline, _ = timed(commands["baseline_s"], cold_env)
            times["baseline_s"].append(baseline)
            elapsed, stderr = timed(preset, cold_env)
            cold.append(elapsed)
            announcements.append(sum("compil" in line for line in stderr.splitlines()))

    figures = {name: statistics.median(values) for name, values in times.items()}
    figures["preset_cold_s"] = statistics.median(cold)
    figures["preset_cold_compile_lines"] = max(announcements)
    figures["preset_warm_ratio"] = figures["preset_warm_s"] / figures["baseline_s"]
    figures["preset_cold_ratio"] = figures["preset_cold_s"] / figures["baseline_s"]
    figures["import_ratio"] = figures["import_s"] / figures["numpy_pandas_s"]

    print(f"baseline ({BASELINE}): {figures['baseline_s']:.2f} s")
    for name, target in TARGETS.items():
        seconds = figures[name.replace("_ratio", "_s")]
        verdict = "meets" if figures[name] <= target else "misses"
        print(f"{name}: {figures[name]:.2f} ({seconds:.2f} s; {verdict} the target <= {target})")
    print(f"compile announcements on a cold run: {figures['preset_cold_compile_lines']}")
    figures |= {
        "repeats": args.repeats,
        "cold_repeats": args.cold_repeats,
        "paths": args.paths,
        "targets": TARGETS,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
