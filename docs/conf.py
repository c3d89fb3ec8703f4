"""Sphinx configuration of the minerecon documentation.

Build (warnings as errors) from the repository root::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The build needs no network access: intersphinx is not used.
"""

from __future__ import annotations

import datetime
import os
import sys

sys.path.insert(0, os.path.abspath(".."))

import minerecon

# -- Project -----------------------------------------------------------------

project = "minerecon"
author = "minerecon developers"
copyright = f"{datetime.date.today().year}, {author}"
version = release = minerecon.__version__

# -- General -----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    # MathJax served from the built pages: math renders offline, no CDN.
    "sphinx-mathjax-offline",
    "numpydoc",
    "myst_nb",
]

templates_path = ["_templates"]
# generated_validation.rst is not a page of its own: user_guide/validation.rst includes it.
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "generated_validation.rst"]
source_suffix = {".rst": "restructuredtext", ".ipynb": "myst-nb"}

# The example notebooks (copied from ../notebooks at build time) are executed,
# so the rendered pages show fresh outputs and a broken notebook fails the build.
nb_execution_mode = "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
root_doc = "index"
default_role = "obj"
pygments_style = "sphinx"

# autosummary: one page per object under api/generated (see api.rst).
autosummary_generate = True
autosummary_imported_members = False

# autodoc: keep signatures in source order and readable.
autodoc_member_order = "bysource"
autodoc_typehints = "none"

# numpydoc: classes list their members through the autosummary class template.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False
numpydoc_xref_param_type = False

# MathJax is loaded by the reader's browser; nothing is fetched at build time.

# No intersphinx: the build machine has no internet access.


# -- HTML --------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"minerecon {release}"
html_static_path = ["_static"]
html_show_sourcelink = False
html_theme_options = {
    "navbar_end": ["navbar-icon-links"],
    "secondary_sidebar_items": ["page-toc"],
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_context = {"default_mode": "light"}


# -- Nitpicky references that cannot resolve ---------------------------------

# Without intersphinx, references to numpy, scipy, xarray and the standard library
# in docstrings have no target; they render as code.
nitpick_ignore = [
    ("py:class", "xarray.DataArray"),
    ("py:class", "xarray.Dataset"),
    ("py:class", "pandas.DataFrame"),
    ("py:meth", "pandas.DataFrame.to_html"),
    ("py:func", "numpy.quantile"),
    ("py:func", "numpy.percentile"),
    ("py:mod", "tomllib"),
    ("py:class", "numpy.vectorize"),
    ("py:func", "scipy.stats.sobol_indices"),
]


# -- Generated pages ---------------------------------------------------------


def _write_validation_table(app):
    """Recompute the published figures into generated_validation.rst (validation_table.py)."""
    sys.path.insert(0, str(app.confdir))
    import validation_table

    validation_table.write()


def _copy_notebooks(app):
    """Copy ../notebooks/*.ipynb into docs/notebooks (git-ignored) for rendering."""
    import shutil
    from pathlib import Path

    source = Path(app.confdir).parent / "notebooks"
    target = Path(app.confdir) / "notebooks"
    target.mkdir(exist_ok=True)
    for notebook in sorted(source.glob("*.ipynb")):
        shutil.copyfile(notebook, target / notebook.name)


def setup(app):
    app.connect("builder-inited", _write_validation_table)
    app.connect("builder-inited", _copy_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
