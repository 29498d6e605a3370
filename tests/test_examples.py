"""Every script in examples/ runs, so none rots."""

import runpy
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_as_a_script(path, capsys):
    runpy.run_path(str(path), run_name="__main__")
    assert capsys.readouterr().out.strip()


def test_select_features_ranks_the_informative_features_first():
    example = runpy.run_path(str(EXAMPLES[0].parent / "select_features.py"))
    importances = example["main"]()
    assert sorted(np.argsort(importances)[-4:]) == example["INFORMATIVE"]
    assert 4 <= np.count_nonzero(importances) < importances.size
