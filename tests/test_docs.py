"""The documentation builds with warnings as errors (nitpicky: every reference resolves)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).parents[1] / "docs"


def test_docs_build_without_warnings(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-n",
            "-q",
            "-b",
            "html",
            str(DOCS),
            str(tmp_path / "html"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    html = tmp_path / "html"
    assert (html / "api.html").exists()
    # Math renders offline: MathJax comes with the pages, no page loads a script
    # from another host.
    page = (html / "user_guide" / "model.html").read_text(encoding="utf-8")
    assert 'src="../_static/mathjax/tex-chtml.js' in page
    assert (html / "_static" / "mathjax" / "tex-chtml.js").exists()
    for built in html.rglob("*.html"):
        scripts = re.findall(r'<script[^>]*src="([^"]+)"', built.read_text(encoding="utf-8"))
        assert not [src for src in scripts if "//" in src], built


# --------------------------------------------------------------------------
# Every public name of every public module is in the API reference
# --------------------------------------------------------------------------

import ast  # noqa: E402
import importlib  # noqa: E402
import inspect  # noqa: E402
import re  # noqa: E402

MODULES = (
    "network",
    "energy",
    "economics",
    "hardware",
    "datasets",
    "units",
    "report",
    "plot",
    "cli",
    "price",
    "fees",
    "difficulty",
    "projection",
    "cashflow",
    "tax",
    "financing",
    "valuation",
    "risk",
    "hosting",
    "scenario",
    "config",
    "presets",
    "sensitivity",
    "sweep",
    "explorer",
    "html",
    "options",
    "pools",
    "hedging",
    "power",
    "typing",
)
_CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*")
_MODULE_DIRECTIVE = re.compile(r"^\.\. (?:currentmodule|module|py:module)::\s+(\S+)\s*$")
_AUTOSUMMARY = re.compile(r"^(\s*)\.\. autosummary::\s*$")
_ENTRY = re.compile(r"^\s+~?([A-Za-z_][\w.]*)\s*$")
_OBJECT_DIRECTIVE = re.compile(
    r"^\s*\.\. (?:auto(?:function|class|data|attribute|exception|method)"
    r"|py:(?:function|class|data|attribute|exception|method|type))::\s+~?([A-Za-z_][\w.]*)"
)


def _constants_defined_in(module):
    """UPPER_CASE names assigned at the top level of the module's source."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and _CONSTANT.fullmatch(leaf.id):
                    names.add(leaf.id)
    return names


def _public_names(module):
    """``__all__`` if the module has one, else its own public functions,
    classes and UPPER_CASE constants."""
    if hasattr(module, "__all__"):
        return set(module.__all__)
    names = {
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
    }
    return names | {name for name in _constants_defined_in(module) if hasattr(module, name)}


def _documented_names(text):
    """Names documented in api.rst, per current module: autosummary entries
    and object directives (``.. autofunction::``, ``.. py:data::``, ...)."""
    documented: dict[str, set[str]] = {}
    module = None
    block_indent = None  # indentation of the autosummary directive we are in
    for line in text.splitlines():
        if block_indent is not None:
            indent = len(line) - len(line.lstrip())
            if not line.strip() or indent > block_indent:
                entry = _ENTRY.match(line)
                if entry and module is not None:
                    documented.setdefault(module, set()).add(entry.group(1))
                continue
            block_indent = None
        if match := _MODULE_DIRECTIVE.match(line):
            module = match.group(1)
        elif match := _AUTOSUMMARY.match(line):
            block_indent = len(match.group(1))
        elif (match := _OBJECT_DIRECTIVE.match(line)) and module is not None:
            documented.setdefault(module, set()).add(match.group(1))
    # Fully qualified entries (``minerecon.plot.tornado``) count for their module.
    qualified: dict[str, set[str]] = {}
    for names in documented.values():
        for name in names:
            owner, _, leaf = name.rpartition(".")
            if owner.startswith("minerecon"):
                qualified.setdefault(owner, set()).add(leaf)
    for owner, leaves in qualified.items():
        documented.setdefault(owner, set()).update(leaves)
    return documented


def test_documented_names_parser():
    text = """
.. currentmodule:: minerecon.a

.. autosummary::
   :toctree: generated/

   alpha
   BETA

Prose with a word
   indented

.. autofunction:: gamma
.. py:data:: Delta
   :value: 1

.. currentmodule:: minerecon.b

.. autosummary::

   minerecon.a.epsilon
   zeta
"""
    documented = _documented_names(text)
    assert documented["minerecon.a"] == {"alpha", "BETA", "gamma", "Delta", "epsilon"}
    assert documented["minerecon.b"] == {"minerecon.a.epsilon", "zeta"}


def test_every_public_name_is_in_the_api_reference():
    documented = _documented_names((DOCS / "api.rst").read_text(encoding="utf-8"))
    missing = []
    for short in MODULES:
        module = importlib.import_module(f"minerecon.{short}")
        public = _public_names(module)
        assert public, f"{module.__name__} has no public names"
        listed = documented.get(module.__name__, set())
        missing += [f"{module.__name__}.{name}" for name in sorted(public - listed)]
    assert not missing, "not in docs/api.rst:\n  " + "\n  ".join(missing)
