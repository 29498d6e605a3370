"""Every script of the gallery (examples/) runs headless and shows what it says, so none rots."""

import runpy
import sys
from pathlib import Path

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib", reason="the 'examples' extra is not installed")
matplotlib.use("Agg")

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(autouse=True)
def _no_arguments(monkeypatch):
    # A script writes its figure to a file only when given one on the command line.
    monkeypatch.setattr(sys, "argv", ["example"])
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _run(name):
    return runpy.run_path(str(EXAMPLES / name), run_name="__main__")


def _drawn(figure, tmp_path):
    output = tmp_path / "figure.png"
    figure.savefig(output)
    return output.stat().st_size


def test_every_example_is_tested():
    tested = {
        "select_features.py",
        "plot_l1_modes.py",
        "plot_alpha_sweep.py",
        "plot_feature_selection.py",
        "plot_cv_path.py",
        "plot_stability_selection.py",
    }
    assert {path.name for path in EXAMPLES.glob("*.py")} == tested


def test_every_example_has_a_gallery_title():
    # sphinx-gallery takes the page's title from an underlined first docstring line.
    for path in EXAMPLES.glob("*.py"):
        lines = path.read_text().split('"""')[1].strip().splitlines()
        assert set(lines[0]) == {"="} and set(lines[2]) == {"="}, path.name
        assert len(lines[0]) >= len(lines[1]), path.name


def test_select_features_ranks_the_informative_features_first(capsys, tmp_path):
    example = _run("select_features.py")
    importances = example["importances"]
    assert sorted(np.argsort(importances)[-4:]) == example["INFORMATIVE"]
    assert 4 <= np.count_nonzero(importances) < importances.size
    assert "SelectFromModel" in capsys.readouterr().out
    assert _drawn(example["figure"], tmp_path) > 5_000


def test_plot_l1_modes_shows_exact_zeros_only_where_the_mode_clips(tmp_path):
    example = _run("plot_l1_modes.py")
    zero_share = example["zero_shares"]
    assert _drawn(example["figure"], tmp_path) > 10_000
    assert zero_share["gradient"][-1] == 0 and zero_share["shrink"][-1] == 0
    assert zero_share["proximal"][-1] > 0.5 and zero_share["cumulative"][-1] > 0.5


def test_plot_l1_modes_writes_the_figure_it_is_given(tmp_path, monkeypatch):
    output = tmp_path / "modes.png"
    monkeypatch.setattr(sys, "argv", ["plot_l1_modes.py", str(output)])
    _run("plot_l1_modes.py")
    assert output.stat().st_size > 10_000


def test_plot_alpha_sweep_zeros_grow_with_alpha(tmp_path):
    example = _run("plot_alpha_sweep.py")
    results = example["results"]
    assert _drawn(example["figure"], tmp_path) > 10_000
    for mode in ("proximal", "cumulative"):
        accuracy, zero_share = results[mode]
        assert np.all(np.diff(zero_share) >= 0) and zero_share[-1] > 0.9
        assert accuracy[0] > 0.9
    assert np.all(results["gradient"][1] == 0)


def test_plot_feature_selection_finds_the_true_features_by_cv(tmp_path):
    example = _run("plot_feature_selection.py")
    assert _drawn(example["figure"], tmp_path) > 10_000
    adaptive, plain = example["models"][True], example["models"][False]
    assert set(np.flatnonzero(adaptive.support_)) == {0, 1, 2, 3}
    # Without the adaptive factors the true features come with noise ones.
    assert {0, 1, 2, 3} < set(np.flatnonzero(plain.support_))


def test_plot_cv_path_draws_the_chosen_point_of_a_real_data_set(tmp_path):
    example = _run("plot_cv_path.py")
    model, display = example["model"], example["display"]
    assert _drawn(display.figure_, tmp_path) > 10_000
    assert 1 <= model.n_features_selected_ < 30 and model.best_score_ > 0.93
    assert display.chosen_lines_[0].get_xdata()[0] == model.alpha_
    named = [text.get_text() for text in display.axes_[1].get_legend().get_texts()]
    # The eight strongest at the chosen point are named, the final model's first among them.
    at_chosen = model.importance_path_[model.best_index_]
    assert len(named) == min(8, np.count_nonzero(at_chosen))
    assert set(named) <= set(model.feature_names_in_[at_chosen > 0])
    assert model.feature_names_in_[np.argmax(model.feature_importances_)] in named


def test_plot_stability_selection_keeps_signal_within_its_bound(tmp_path):
    example = _run("plot_stability_selection.py")
    selector, display = example["selector"], example["display"]
    assert _drawn(display.figure_, tmp_path) > 10_000
    selected = set(np.flatnonzero(selector.support_))
    assert {0, 1} <= selected and selected <= {0, 1, 2, 3}  # the straight effects, no noise
    assert selector.false_selection_bound_ <= 1.0
    assert len(display.selected_lines_) == len(selected)
