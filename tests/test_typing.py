"""The public API's type hints: the package passes mypy, and says what it takes.

The type checker runs here, so the README's test command (and CI) runs it on
the package with the configuration in pyproject.toml.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_MODULES = [
    "minerecon",
    "minerecon.cashflow",
    "minerecon.config",
    "minerecon.datasets",
    "minerecon.difficulty",
    "minerecon.economics",
    "minerecon.energy",
    "minerecon.explorer",
    "minerecon.fees",
    "minerecon.financing",
    "minerecon.hardware",
    "minerecon.hedging",
    "minerecon.hosting",
    "minerecon.network",
    "minerecon.options",
    "minerecon.plot",
    "minerecon.pools",
    "minerecon.power",
    "minerecon.presets",
    "minerecon.price",
    "minerecon.projection",
    "minerecon.report",
    "minerecon.risk",
    "minerecon.scenario",
    "minerecon.sensitivity",
    "minerecon.sweep",
    "minerecon.tax",
    "minerecon.typing",
    "minerecon.units",
    "minerecon.update",
    "minerecon.valuation",
]
_ANY = re.compile(r"\bAny\b")


def test_package_passes_mypy() -> None:
    pytest.importorskip("mypy")
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def _public_callables():
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            defined_elsewhere = getattr(obj, "__module__", module_name) != module_name
            if defined_elsewhere and module_name != "minerecon":
                continue
            if inspect.isclass(obj):
                yield f"{module_name}.{name}", obj
                for attr, member in vars(obj).items():
                    if attr.startswith("_") and attr != "__init__":
                        continue
                    function = member.fget if isinstance(member, property) else member
                    function = getattr(function, "__func__", function)
                    if inspect.isfunction(function):
                        yield f"{module_name}.{name}.{attr}", function
            elif callable(obj):
                yield f"{module_name}.{name}", obj


def _annotations(obj) -> dict[str, str]:
    if inspect.isclass(obj):
        if dataclasses.is_dataclass(obj):
            return {
                field.name: str(field.type)
                for field in dataclasses.fields(obj)
                if not field.name.startswith("_")
            }
        return {}
    function = inspect.unwrap(obj)
    return {name: str(value) for name, value in getattr(function, "__annotations__", {}).items()}


def test_public_api_names_its_types() -> None:
    """Every public function, method and field is annotated, without ``Any``.

    ``**kwargs`` forwarded to another library (matplotlib, a config section)
    may stay ``Any``: what they take is that library's business.
    """
    loose = []
    for qualname, obj in _public_callables():
        annotations = _annotations(obj)
        if inspect.isfunction(inspect.unwrap(obj)):
            signature = inspect.signature(inspect.unwrap(obj))
            for parameter in signature.parameters.values():
                if parameter.name in ("self", "cls"):
                    continue
                if parameter.name not in annotations:
                    loose.append(f"{qualname}({parameter.name}): no annotation")
            if "return" not in annotations:
                loose.append(f"{qualname}: no return annotation")
            forwarded = {
                parameter.name
                for parameter in signature.parameters.values()
                if parameter.kind is inspect.Parameter.VAR_KEYWORD
            }
        else:
            forwarded = set()
        for name, annotation in annotations.items():
            if name not in forwarded and _ANY.search(annotation):
                loose.append(f"{qualname}({name}): {annotation}")
    assert not loose, "\n".join(loose)
