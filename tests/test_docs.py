"""The numbers the docs print are the package's: the worked example of l1_modes.md."""

import re
from pathlib import Path

import numpy as np
import pytest

from sklearn_l1mlp._optimizers import SGD, Adam
from sklearn_l1mlp._penalties import L1_MODES, make_penalty

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
W0 = np.array([0.3, 0.02, 0.0, -0.1])
G = np.array([0.2, 0.1, -0.3, 0.05])
ROW = re.compile(r"^\| `(\w+)` \| (\d) \| (.+) \|$")


def _tables():
    """The two worked-example tables of l1_modes.md, as {(mode, step): weights}."""
    text = (DOCS / "l1_modes.md").read_text()
    example = text.split("## A worked example")[1].split("## The sign error")[0]
    sgd_part, adam_part = example.split("With adam (")
    return [
        {
            (match[1], int(match[2])): np.array([float(v) for v in match[3].split(" | ")])
            for line in part.splitlines()
            if (match := ROW.match(line))
        }
        for part in (sgd_part, adam_part)
    ]


def _steps(penalized_step, mode, optimizer, alpha, steps):
    penalty = make_penalty(mode, alpha, "sgd")
    w = W0.copy()
    for _ in range(steps):
        penalized_step(penalty, optimizer, w, G)
    return w


@pytest.mark.parametrize("mode", list(L1_MODES))
def test_sgd_momentum_table_is_what_the_code_computes(mode, penalized_step):
    table = _tables()[0]
    for step in (1, 2):
        optimizer = SGD(4, np.float64, 0.1, momentum=0.9, nesterov=False)
        expected = _steps(penalized_step, mode, optimizer, alpha=0.5, steps=step)
        np.testing.assert_allclose(table[(mode, step)], expected, atol=5e-5)


@pytest.mark.parametrize("mode", list(L1_MODES))
def test_adam_table_is_what_the_code_computes(mode, penalized_step):
    table = _tables()[1]
    expected = _steps(penalized_step, mode, Adam(4, np.float64, 0.1), alpha=0.05, steps=1)
    np.testing.assert_allclose(table[(mode, 1)], expected, atol=5e-5)


def test_adam_thresholds_quoted_in_the_text():
    steps = Adam(4, np.float64, 0.1).step(W0.copy(), G.copy())
    quoted = (DOCS / "l1_modes.md").read_text().split("thresholds\nare `(")[1].split(")`")[0]
    thresholds = np.array([float(v) for v in quoted.split(", ")])
    np.testing.assert_allclose(thresholds, steps.per_weight(0.05), atol=5e-5)


def test_tables_cover_every_mode():
    sgd_table, adam_table = _tables()
    assert {mode for mode, _ in sgd_table} == set(L1_MODES) == {m for m, _ in adam_table}
    assert len(sgd_table) == 2 * len(L1_MODES)


def test_the_readme_layout_names_every_module():
    # A newcomer reads the architecture from that list: a module left out is
    # a module they do not know of.
    layout = (ROOT / "README.md").read_text().split("## Layout", 1)[1].split("\n## ", 1)[0]
    package = ROOT / "sklearn_l1mlp"
    modules = [
        path
        for path in [*package.glob("_*.py"), *package.glob("*.pxi")]
        if path.name not in ("__init__.py", "__main__.py")
    ]
    missing = [p.name for p in modules if f"sklearn_l1mlp/{p.name} " not in layout]
    assert modules and not missing, f"README's Layout does not name {missing}"


# The classifier's example stops at its max_iter on purpose.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "module",
    [
        "sklearn_l1mlp._mlp",
        "sklearn_l1mlp._cv",
        "sklearn_l1mlp._path",
        "sklearn_l1mlp._screening",
        "sklearn_l1mlp._show_versions",
    ],
)
def test_docstring_examples_run_and_print_what_they_show(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    # A module whose examples went missing would pass with nothing run.
    assert result.attempted > 0
    assert result.failed == 0
