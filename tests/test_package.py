"""The package namespace: what ``import minerecon`` loads and what it offers."""

from __future__ import annotations

import subprocess
import sys
import types

import minerecon


def test_import_loads_neither_numba_nor_matplotlib():
    # The heavy modules load on first use (minerecon/__init__.py), so that the core
    # functions and the command line start fast: checked in a fresh interpreter.
    code = (
        "import sys, minerecon; "
        "print(sorted(m for m in ('numba', 'matplotlib', 'scipy.optimize') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_public_name_resolves_after_import_minerecon():
    # `minerecon.plot.breakeven_btc_price` works without `import minerecon.plot`.
    for name in minerecon.__all__:
        value = getattr(minerecon, name)
        if isinstance(value, types.ModuleType):
            assert value.__name__ == f"minerecon.{name}"
    assert minerecon.plot.breakeven_btc_price.__module__ == "minerecon.plot"
    assert sorted(dir(minerecon)) == sorted(minerecon.__all__)
