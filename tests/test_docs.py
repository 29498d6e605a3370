"""The numbers the docs print are the package's: the worked example of l1_modes.md."""

import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sklearn_l1mlp._optimizers import SGD, Adam
from sklearn_l1mlp._penalties import L1_MODES, make_penalty

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs" / "user_guide"
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


def test_the_architecture_page_names_every_module():
    # A newcomer reads the architecture from that list: a module left out is
    # a module they do not know of.
    page = (ROOT / "docs" / "architecture.md").read_text()
    layout = page.split("## Layout", 1)[1].split("\n## ", 1)[0]
    package = ROOT / "sklearn_l1mlp"
    modules = [
        path
        for path in [*package.glob("*.py"), *package.glob("*.pxi")]
        if path.name not in ("__init__.py", "__main__.py")
    ]
    missing = [p.name for p in modules if f"sklearn_l1mlp/{p.name} " not in layout]
    assert modules and not missing, f"docs/architecture.md's Layout does not name {missing}"


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


# -- the site's sources: API reference, version, the extending page -----------


def _documented_names():
    """The names docs/api.rst lists: autosummary entries and ``.. data::`` targets."""
    names, module, in_autosummary = set(), None, False
    for line in (ROOT / "docs" / "api.rst").read_text().splitlines():
        stripped = line.strip()
        if line and not line.startswith(" "):
            in_autosummary = stripped == ".. autosummary::"
        if stripped.startswith(".. currentmodule::"):
            module = stripped.split("::")[1].strip()
        elif stripped.startswith(".. data::"):
            names.add(f"{module}.{stripped.split('::')[1].strip()}")
        elif in_autosummary and line.startswith("   ") and stripped[:1] not in ("", ":"):
            names.add(f"{module}.{stripped}")
    return names


def test_the_api_reference_documents_every_public_name():
    import sklearn_l1mlp
    from sklearn_l1mlp import extend

    public = {f"sklearn_l1mlp.{name}" for name in sklearn_l1mlp.__all__}
    public |= {f"sklearn_l1mlp.extend.{name}" for name in extend.__all__}
    documented = _documented_names()
    assert public - documented == set(), "docs/api.rst lacks these public names"
    # And nothing there that is not public (a renamed or removed name).
    assert documented - public == set()


def test_public_names_are_importable_and_internal_steps_are_not_exported():
    import sklearn_l1mlp
    from sklearn_l1mlp import extend

    for module in (sklearn_l1mlp, extend):
        for name in module.__all__:
            assert getattr(module, name) is not None
    assert issubclass(sklearn_l1mlp.DivergenceError, ValueError)
    assert "warm_alpha_max" not in sklearn_l1mlp.__all__
    assert not hasattr(sklearn_l1mlp, "warm_alpha_max")
    assert set(extend.L1_MODES) == {"gradient", "shrink", "proximal", "cumulative"}
    assert set(extend.OPTIMIZERS) == {"sgd", "adam"}


def test_the_version_is_written_in_one_place():
    from importlib.metadata import version

    import sklearn_l1mlp

    assert version("sklearn_l1mlp") == sklearn_l1mlp.__version__
    assert "\nversion" not in (ROOT / "pyproject.toml").read_text().split("[project]")[1].split(
        "\n["
    )[0].replace("dynamic", "")
    citation = (ROOT / "CITATION.cff").read_text()
    assert f'\nversion: "{sklearn_l1mlp.__version__}"\n' in citation
    changelog = (ROOT / "CHANGELOG.md").read_text()
    # The newest released section; changes not released yet go under
    # "Unreleased" above it (Keep a Changelog).
    sections = re.findall(r"^## \[(\S+)\]", changelog, re.M)
    assert sections[0] in ("Unreleased", sklearn_l1mlp.__version__)
    assert [name for name in sections if name != "Unreleased"][0] == sklearn_l1mlp.__version__


def test_license_is_bsd_3_clause_as_pyproject_says():
    assert "BSD 3-Clause License" in (ROOT / "LICENSE").read_text()
    assert 'license = "BSD-3-Clause"' in (ROOT / "pyproject.toml").read_text()


def test_the_extending_page_runs_as_written(capsys):
    from sklearn_l1mlp import extend

    blocks = re.findall(r"```python\n(.*?)```", (DOCS / "extending.md").read_text(), re.S)
    assert len(blocks) == 2
    # The page registers a mode and a solver; the registries are restored after.
    saved = [(registry, dict(registry)) for registry in (extend.L1_MODES, extend.OPTIMIZERS)]
    try:
        namespace = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for block in blocks:
                exec(compile(block, "extending.md", "exec"), namespace)
        assert "hard" in extend.L1_MODES and "gd" in extend.OPTIMIZERS
    finally:
        for registry, entries in saved:
            registry.clear()
            registry.update(entries)
    printed = capsys.readouterr().out
    zero_share = float(re.search(r"weights exactly zero: (\S+)", printed)[1])
    assert 0 < zero_share < 1
    assert int(re.search(r"epochs: (\d+)", printed)[1]) > 0


def test_the_readme_is_a_front_door_and_ci_runs_its_test_command():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 250
    commands = [
        line.strip() for line in readme.splitlines() if line.startswith("    python3 -m venv")
    ]
    assert len(commands) == 2 and "-m sklearn_l1mlp" in commands[0]
    assert "pytest" in commands[1] and commands[1] in (ROOT / ".ci" / "run").read_text()
    # Links into the docs' sources point at files that exist.
    for target in re.findall(r"\]\(((?:docs/|CHANGELOG)[^)#]+)", readme):
        assert (ROOT / target).exists(), target
