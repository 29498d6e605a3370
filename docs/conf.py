"""Sphinx configuration of the sklearn_l1mlp documentation site.

Build it with ``python -m sphinx -W --keep-going -b html docs docs/_build/html``
after ``pip install -e ".[docs]"`` (the README and ``.ci/run`` say the same).
The gallery runs every script in ``examples/`` at build time; the benchmark
pages in ``docs/benchmarks/`` are written by the benchmark scripts themselves
(``--page``), so the build only includes them.
"""

import os
import sys
from datetime import date
from pathlib import Path

import sklearn_l1mlp

ROOT = Path(__file__).resolve().parent.parent
# The benchmark pages include scripts' docstrings; the examples import the package.
sys.path.insert(0, str(ROOT / "benchmarks"))
# The gallery's figures are drawn without a display.
os.environ.setdefault("MPLBACKEND", "Agg")

project = "sklearn_l1mlp"
author = "The sklearn_l1mlp developers"
copyright = f"{date.today().year}, {author}"
release = sklearn_l1mlp.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "sphinx-mathjax-offline",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
templates_path = ["_templates"]

# MyST: $...$ and $$...$$ for the update rules, ::: fences for notes.
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# The API reference: one page per public name, from the numpydoc docstrings.
autosummary_generate = True
autodoc_default_options = {"members": False, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# "ndarray of shape (n, p)" and the like are prose, not cross-references.
numpydoc_xref_param_type = False

# MathJax comes with the site (sphinx-mathjax-offline), so the math renders
# without a network and a browser check sees no blocked script.
mathjax3_config = {"tex": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]]}}

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    # Every script runs, not only plot_*: each page shows what it prints and draws.
    "filename_pattern": r".*\.py$",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "plot_gallery": "True",
    "matplotlib_animations": False,
    "reference_url": {"sklearn_l1mlp": None},
    "doc_module": ("sklearn_l1mlp",),
    "backreferences_dir": "generated/backreferences",
    "show_signature": False,
    # Its timing tables load jQuery and DataTables from CDNs: not on a site that
    # must render offline.
    "write_computation_times": False,
}

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_l1mlp {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_favicon = "_static/favicon.svg"
# A first visit has no stored light/dark choice; say which, so the theme's
# script has a valid mode to start from.
html_context = {"default_mode": "auto"}
html_sidebars = {"index": [], "changelog": []}
html_show_sourcelink = False
