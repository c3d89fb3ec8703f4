"""Property-based fuzzing of every public callable (DESIGN.md "Errors and edge cases").

For each name in some public module's ``__all__`` a spec in ``tests/api_specs``
gives valid calls, invalid calls and the arguments to attack. Three passes:

* valid calls return the documented type, kind and finite values;
* invalid calls raise ``ValueError``/``TypeError`` naming the argument;
* hostile calls (one argument of a valid call replaced by a wrong type, a
  non-finite or huge number, an empty or mis-shaped array, ...) either return
  or raise ``ValueError``/``TypeError`` naming that argument; no other
  exception escapes.

A public callable without a spec fails ``test_every_public_callable_has_a_spec``.
The budget is a fixed number of examples per spec and pass;
``MINERECON_FUZZ_SCALE=20`` multiplies it for a long run.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import warnings

import pytest
from api_specs import ACCEPTED, GARBAGE, Spec, names_argument, time_limit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import minerecon

GROUPS = ["core", "models", "site", "outputs", "interface"]
SCALE = float(os.environ.get("MINERECON_FUZZ_SCALE", "1"))
#: Seconds a single fuzzed call may take.
CALL_LIMIT = 120


def _specs() -> list[Spec]:
    specs: list[Spec] = []
    for group in GROUPS:
        specs += importlib.import_module(f"api_specs.{group}").SPECS
    return specs


SPECS = _specs()


def _public_callables() -> set[str]:
    names = set()
    for module_info in pkgutil.iter_modules(minerecon.__path__):
        # minerecon.typing holds type aliases for annotations, nothing to call.
        if module_info.name.startswith("_") or module_info.name == "typing":
            continue
        module = importlib.import_module(f"minerecon.{module_info.name}")
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            # exceptions and warnings are raised, not called
            if inspect.isclass(value) and issubclass(value, BaseException):
                continue
            if callable(value):
                names.add(f"{module_info.name}.{name}")
    return names


def test_every_public_module_declares_all():
    missing = [
        m.name
        for m in pkgutil.iter_modules(minerecon.__path__)
        if not m.name.startswith("_")
        and not hasattr(importlib.import_module(f"minerecon.{m.name}"), "__all__")
    ]
    assert not missing, f"public modules without __all__: {missing}"


def test_every_public_callable_has_a_spec():
    specified = {spec.name for spec in SPECS if spec.name.count(".") == 1}
    missing = sorted(_public_callables() - specified)
    assert not missing, f"public callables without a fuzz spec in tests/api_specs: {missing}"


def test_specs_name_public_callables_once():
    names = [spec.name for spec in SPECS]
    assert len(names) == len(set(names)), "a callable has two specs"
    stale = sorted(n for n in names if n.count(".") == 1 and n not in _public_callables())
    assert not stale, f"specs of names that are not public: {stale}"


def _settings(spec: Spec):
    return settings(
        max_examples=max(1, round(spec.examples * SCALE)),
        deadline=None,
        derandomize=SCALE == 1,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def _ids(specs):
    return [spec.name for spec in specs]


@pytest.mark.parametrize("spec", SPECS, ids=_ids(SPECS))
def test_valid_calls_give_documented_results(spec: Spec):
    @_settings(spec)
    @given(call=spec.valid)
    def run(call):
        with time_limit(CALL_LIMIT), warnings.catch_warnings():
            warnings.simplefilter("ignore", minerecon.MinereconWarning)
            result = spec.call(call)
        spec.check(call, result)

    run()


INVALID = [spec for spec in SPECS if spec.invalid is not None]


@pytest.mark.parametrize("spec", INVALID, ids=_ids(INVALID))
def test_invalid_calls_raise_naming_the_argument(spec: Spec):
    @_settings(spec)
    @given(case=spec.invalid)
    def run(case):
        call, argument = case
        with time_limit(CALL_LIMIT), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(ACCEPTED) as raised:
                spec.call(call)
        names = (argument, *spec.aliases.get(argument, ()))
        assert names_argument(str(raised.value), names), (
            f"{type(raised.value).__name__}: {raised.value} does not name {argument}"
        )

    run()


HOSTILE = [spec for spec in SPECS if spec.hostile != ()]


@pytest.mark.parametrize("spec", HOSTILE, ids=_ids(HOSTILE))
def test_hostile_calls_return_or_raise_naming_the_argument(spec: Spec):
    @_settings(spec)
    @given(data=st.data())
    def run(data):
        call = data.draw(spec.valid, label="valid call")
        arguments = spec.hostile if spec.hostile is not None else tuple(call.kwargs)
        argument = data.draw(st.sampled_from(sorted(arguments)), label="argument")
        value = data.draw(
            spec.garbage if spec.garbage is not None else GARBAGE, label="hostile value"
        )
        hostile = call.replace(argument, value)
        with time_limit(CALL_LIMIT), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                spec.call(hostile)
            except ACCEPTED as error:
                names = (argument, *spec.aliases.get(argument, ()))
                assert names_argument(str(error), names), (
                    f"{type(error).__name__}: {error} does not name {argument}"
                )

    run()
