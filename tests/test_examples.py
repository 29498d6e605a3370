"""Every script in examples/ runs (headless, into a temporary folder), so none rots."""

import runpy
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib", reason="the 'examples' extra is not installed")

EXAMPLES = Path(__file__).parent.parent / "examples"


def _load(name):
    return runpy.run_path(str(EXAMPLES / name))


def test_every_example_is_tested():
    tested = {
        "select_features.py",
        "plot_l1_modes.py",
        "plot_alpha_sweep.py",
        "plot_feature_selection.py",
        "plot_cv_path.py",
    }
    assert {path.name for path in EXAMPLES.glob("*.py")} == tested


def test_select_features_ranks_the_informative_features_first(capsys):
    example = _load("select_features.py")
    importances = example["main"]()
    assert sorted(np.argsort(importances)[-4:]) == example["INFORMATIVE"]
    assert 4 <= np.count_nonzero(importances) < importances.size
    assert "SelectFromModel" in capsys.readouterr().out


def test_plot_l1_modes_shows_exact_zeros_only_where_the_mode_clips(tmp_path):
    output = tmp_path / "modes.png"
    zero_share = _load("plot_l1_modes.py")["main"](output)
    assert output.stat().st_size > 10_000
    assert zero_share["gradient"][-1] == 0 and zero_share["shrink"][-1] == 0
    assert zero_share["proximal"][-1] > 0.5 and zero_share["cumulative"][-1] > 0.5


def test_plot_alpha_sweep_zeros_grow_with_alpha(tmp_path):
    output = tmp_path / "sweep.png"
    results = _load("plot_alpha_sweep.py")["main"](output)
    assert output.stat().st_size > 10_000
    for mode in ("proximal", "cumulative"):
        accuracy, zero_share = results[mode]
        assert np.all(np.diff(zero_share) >= 0) and zero_share[-1] > 0.9
        assert accuracy[0] > 0.9
    assert np.all(results["gradient"][1] == 0)


def test_plot_feature_selection_finds_the_true_features_by_cv(tmp_path):
    output = tmp_path / "path.png"
    models = _load("plot_feature_selection.py")["main"](output)
    assert output.stat().st_size > 10_000
    adaptive, plain = models[True], models[False]
    assert set(np.flatnonzero(adaptive.support_)) == {0, 1, 2, 3}
    # Without the adaptive factors the true features come with noise ones.
    assert {0, 1, 2, 3} < set(np.flatnonzero(plain.support_))


def test_plot_cv_path_draws_the_chosen_point_of_a_real_data_set(tmp_path):
    output = tmp_path / "cv_path.png"
    model, display = _load("plot_cv_path.py")["main"](output)
    assert output.stat().st_size > 10_000
    assert 1 <= model.n_features_selected_ < 30 and model.best_score_ > 0.93
    assert display.chosen_lines_[0].get_xdata()[0] == model.alpha_
    named = [text.get_text() for text in display.axes_[1].get_legend().get_texts()]
    # The eight strongest at the chosen point are named, the final model's first among them.
    at_chosen = model.importance_path_[model.best_index_]
    assert len(named) == min(8, np.count_nonzero(at_chosen))
    assert set(named) <= set(model.feature_names_in_[at_chosen > 0])
    assert model.feature_names_in_[np.argmax(model.feature_importances_)] in named
