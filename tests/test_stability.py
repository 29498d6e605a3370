"""L1MLPStabilitySelection: the bound, the region and threshold, the selection, the display."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline

from sklearn_l1mlp import (
    L1MLPClassifier,
    L1MLPRegressor,
    L1MLPStabilitySelection,
    StabilityPathDisplay,
)
from sklearn_l1mlp._cv_prepare import screen_limit
from sklearn_l1mlp._stability import (
    MAX_THRESHOLD,
    MIN_THRESHOLD,
    false_selection_bound,
    largest_bounded_q,
    smallest_bounded_threshold,
)


def _linear_task(n_samples=200, n_features=10, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    return X, X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=n_samples)


def _small_network(estimator_class=L1MLPRegressor):
    return estimator_class(hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=100)


def test_the_bound_and_the_q_it_allows():
    # q**2 / ((2 t - 1) p): 4 features on average among 100 at t = 0.9 bound 0.2.
    assert false_selection_bound(4.0, 0.9, 100) == pytest.approx(0.2)
    assert largest_bounded_q(100, 1.0, 0.75) == pytest.approx(np.sqrt(50))
    assert largest_bounded_q(100, 1.0) == pytest.approx(np.sqrt(80))  # at MAX_THRESHOLD
    # The smallest threshold keeping the bound at 1: 0.5 + 4 / 20, and never below 0.6.
    assert smallest_bounded_threshold(2.0, 10, 1.0) == pytest.approx(0.7)
    assert smallest_bounded_threshold(1.0, 100, 1.0) == MIN_THRESHOLD
    assert false_selection_bound(2.0, smallest_bounded_threshold(2.0, 10, 1.0), 10) <= 1.0


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_the_informative_features_are_selected_within_the_bound(n_jobs):
    X, y = _linear_task()
    selector = L1MLPStabilitySelection(
        _small_network(), n_pairs=5, random_state=0, n_jobs=n_jobs
    ).fit(X, y)
    assert np.flatnonzero(selector.support_).tolist() == [0, 1]
    assert selector.false_selection_bound_ <= selector.max_false_selections
    assert MIN_THRESHOLD <= selector.threshold_ <= MAX_THRESHOLD
    n_points = selector.alphas_.size
    assert selector.stability_path_.shape == (n_points, 10)
    assert np.all(np.diff(selector.alphas_) < 0)
    assert np.all(np.diff(selector.stability_path_, axis=0) >= 0)  # selections only grow
    # Shares of the 10 halves; each half selects q = floor(sqrt(0.8 * 10)) = 2 features.
    np.testing.assert_allclose(
        selector.stability_path_ * 10, np.round(selector.stability_path_ * 10)
    )
    np.testing.assert_array_equal(selector.selection_probabilities_, selector.stability_path_[-1])
    assert selector.mean_selected_ == 2.0
    # The threshold is the smallest keeping the bound: 0.5 + 4 / 20, at least 0.6.
    assert selector.threshold_ == pytest.approx(0.7)
    np.testing.assert_array_equal(selector.transform(X), X[:, [0, 1]])


def test_fitting_stops_once_every_half_holds_q_features():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 40))
    y = X[:, :8] @ rng.uniform(1, 2, size=8)  # eight columns count: every half fills up
    selector = L1MLPStabilitySelection(_small_network(), n_pairs=3, random_state=0).fit(X, y)
    q = int(largest_bounded_q(40, 1.0))  # 5 features a half
    assert selector.mean_selected_ == q and selector.alphas_.size < 30
    assert selector.stability_path_[-1].sum() == pytest.approx(q)  # 6 halves x 5 / 6
    assert set(np.flatnonzero(selector.support_)) <= set(range(8))


def _square_task():
    """A wide task (240 x 400) where column 0 acts only through its square."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(240, 400))
    return X, X[:, 0] ** 2 + X[:, 1] + 0.1 * rng.normal(size=240)


def test_the_default_screen_lets_the_halves_see_an_effect_through_a_square():
    # A network on half of 240 rows and 400 columns picks x1 first and
    # x0 (through x0**2) after noise columns; screened to its n / log n
    # columns most associated with the target, it picks x0 in most halves.
    X, y = _square_task()
    screened = L1MLPStabilitySelection(_small_network(), n_pairs=5, random_state=0).fit(X, y)
    whole = L1MLPStabilitySelection(_small_network(), n_pairs=5, random_state=0, screen="auto").fit(
        X, y
    )
    assert np.flatnonzero(screened.support_).tolist() == [0, 1]
    assert screened.selection_probabilities_[0] >= whole.selection_probabilities_[0] + 0.5


def test_a_half_screened_below_q_is_full_once_it_uses_all_its_columns():
    X, y = _square_task()
    q = int(largest_bounded_q(400, 3.0))  # 30 features a half ...
    kept = screen_limit("sis", 120)  # ... but each half keeps 25 columns
    assert q > kept
    selector = L1MLPStabilitySelection(
        _small_network(), n_pairs=5, random_state=1, max_false_selections=3.0
    ).fit(X, y)
    assert selector.mean_selected_ == kept and selector.alphas_.size < 30
    assert np.flatnonzero(selector.support_).tolist() == [0, 1]


def test_the_same_seed_gives_the_same_selection():
    X, y = _linear_task(seed=1)
    first = L1MLPStabilitySelection(_small_network(), n_pairs=3, random_state=4).fit(X, y)
    again = L1MLPStabilitySelection(_small_network(), n_pairs=3, random_state=4).fit(X, y)
    np.testing.assert_array_equal(first.stability_path_, again.stability_path_)


def test_pure_noise_selects_within_the_bound():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 40))
    y = rng.randint(0, 2, size=120)  # independent of every column
    selector = L1MLPStabilitySelection(
        _small_network(L1MLPClassifier), n_pairs=5, random_state=0
    ).fit(X, y)
    # Every selection here is false; one draw, so compare with a generous margin.
    assert selector.support_.sum() <= 2 * max(selector.false_selection_bound_, 1.0)


def test_a_bound_that_allows_no_selection_selects_nothing_and_says_so():
    X, y = _linear_task(n_features=6)
    with pytest.warns(UserWarning, match="The bound allows no selection"):
        selector = L1MLPStabilitySelection(
            _small_network(), n_pairs=2, random_state=0, max_false_selections=0.1
        ).fit(X, y)
    assert selector.support_.sum() == 0


def test_too_few_rows_is_a_clear_error():
    with pytest.raises(ValueError, match="at least 4 rows"):
        L1MLPStabilitySelection().fit(np.ones((3, 2)), [0.0, 1.0, 2.0])


def test_it_selects_in_a_pipeline():
    X, y = _linear_task()
    pipeline = make_pipeline(
        L1MLPStabilitySelection(_small_network(), n_pairs=3, random_state=0), LinearRegression()
    ).fit(X, y)
    assert pipeline.score(X, y) > 0.99 and pipeline[0].get_support().sum() == 2


def test_the_display_draws_the_selected_paths_the_threshold_and_the_region():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    X, y = _linear_task()
    selector = L1MLPStabilitySelection(_small_network(), n_pairs=3, random_state=0).fit(X, y)
    display = StabilityPathDisplay.from_estimator(
        selector, feature_names=[f"gene {j}" for j in range(10)]
    )
    assert [line.get_label() for line in display.selected_lines_] == ["gene 0", "gene 1"]
    assert display.threshold_line_.get_ydata()[0] == selector.threshold_
    np.testing.assert_allclose(
        display.selected_lines_[1].get_ydata(), selector.stability_path_[:, 1]
    )
    assert "2 features selected" in display.ax_.get_title()
    matplotlib.pyplot.close(display.figure_)


def test_a_failed_fit_leaves_the_fitted_selector_as_it_was():
    X, y = _linear_task()
    selector = L1MLPStabilitySelection(_small_network(), n_pairs=2, random_state=0).fit(X, y)
    before = selector.support_.copy()
    with pytest.raises(ValueError):
        selector.fit(X[:3], y[:3])
    np.testing.assert_array_equal(selector.support_, before)


def test_each_halfs_fit_takes_the_sample_weights():
    X, y = _linear_task(n_samples=300)
    rng = np.random.RandomState(1)
    corrupted = y.copy()
    corrupted[150:] = rng.permutation(y[150:])[::-1] * 5 + 3 * X[150:, 5]  # another target
    weights = np.r_[np.ones(150), np.zeros(150)]
    network = _small_network()
    weighted = L1MLPStabilitySelection(network, n_pairs=4, random_state=0)
    weighted.fit(X, corrupted, sample_weight=weights)
    assert np.flatnonzero(weighted.support_).tolist() == [0, 1]
    unweighted = L1MLPStabilitySelection(network, n_pairs=4, random_state=0).fit(X, corrupted)
    # Without the weights the rows of the other target make column 5 count.
    assert unweighted.selection_probabilities_[5] > weighted.selection_probabilities_[5]
