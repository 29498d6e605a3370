"""L1PathDisplay drawn headless: which alpha, how many features, how sure."""

import numpy as np
import pytest

from sklearn_l1mlp import L1MLPRegressorCV, L1PathDisplay
from sklearn_l1mlp._display import sum_by_group

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
pd = pytest.importorskip("pandas")
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.normal(size=(150, 6)), columns=[f"c{j}" for j in range(6)])
    y = np.sin(2 * X["c0"]) + X["c1"] ** 2 + 0.1 * rng.normal(size=150)
    return L1MLPRegressorCV(cv=3, n_alphas=5, max_iter=150, random_state=0).fit(X, y)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def test_the_score_panel_draws_the_cv_results_and_marks_the_chosen_point(fitted):
    display = L1PathDisplay.from_estimator(fitted)
    results = fitted.cv_results_
    assert display.axes_.size == 2
    np.testing.assert_allclose(display.score_line_.get_xdata(), results["alpha"])
    np.testing.assert_allclose(display.score_line_.get_ydata(), results["mean_test_score"])
    np.testing.assert_allclose(display.features_line_.get_ydata(), results["n_features"])
    for line in display.chosen_lines_:
        assert line.get_xdata()[0] == pytest.approx(fitted.alpha_)
    assert display.chosen_marker_.get_ydata()[0] == pytest.approx(fitted.best_score_)
    # Mean plus and minus one standard deviation bound the band.
    band = display.score_band_.get_paths()[0].vertices[:, 1]
    spread = results["mean_test_score"] + np.array([[-1], [1]]) * results["std_test_score"]
    assert band.min() == pytest.approx(spread.min()) and band.max() == pytest.approx(spread.max())
    title = display.axes_[0].get_title()
    assert f"{fitted.n_features_selected_} features" in title and "R^2" in title
    # Sparse on the left: the x-axis runs from the largest alpha down.
    left, right = display.axes_[0].get_xlim()
    assert left > right and display.axes_[0].get_xscale() == "log"


def test_the_importance_panel_names_the_features_in_use(fitted):
    display = L1PathDisplay.from_estimator(fitted, n_labels=2)
    ever_used = np.flatnonzero(fitted.importance_path_.max(axis=0) > 0)
    assert len(display.importance_lines_) == ever_used.size
    labels = [text.get_text() for text in display.axes_[1].get_legend().get_texts()]
    assert set(labels) == {"c0", "c1"}  # the two features y depends on, by name
    for line in display.importance_lines_[:2]:
        column = int(line.get_label()[1])
        np.testing.assert_allclose(line.get_ydata(), fitted.importance_path_[:, column])


def test_importance_groups_sum_the_columns_of_one_group(fitted):
    groups = np.array(["a", "a", "b", "b", "b", "c"], dtype=object)
    display = L1PathDisplay.from_estimator(fitted, importance_groups=groups)
    named = {line.get_label(): line for line in display.importance_lines_}
    path = fitted.importance_path_
    np.testing.assert_allclose(named["a"].get_ydata(), path[:, 0] + path[:, 1])
    assert display.n_selected == np.unique(groups[fitted.support_]).size


def test_without_an_importance_path_one_panel_is_drawn_on_given_axes(fitted):
    import matplotlib.pyplot as plt

    results = fitted.cv_results_
    display = L1PathDisplay(
        penalties=results["alpha"],
        mean_test_score=results["mean_test_score"],
        std_test_score=results["std_test_score"],
        n_features=results["n_features"],
        best_index=fitted.best_index_,
    )
    _, ax = plt.subplots()
    assert display.plot(axes=ax).axes_[0] is ax and display.importance_lines_ == []
    with pytest.raises(ValueError, match="must hold 1 Axes"):
        display.plot(axes=plt.subplots(1, 2)[1])


def test_sum_by_group():
    values = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(
        sum_by_group(values, ["x", "y", "x"], ["y", "x"]), [[2.0, 4.0], [5.0, 10.0]]
    )
