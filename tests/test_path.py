"""l1_path, alpha_max and warm_alpha_max: the grid, warm starts, records, relaxed refits."""

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split

from sklearn_l1mlp import (
    L1MLPClassifier,
    L1MLPRegressor,
    alpha_max,
    l1_path,
    objective,
)
from sklearn_l1mlp._path import warm_alpha_max

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def nonlinear():
    """y depends on 4 of 20 features through sin, a product and a square."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(300, 20))
    y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + X[:, 3] ** 2 + 0.1 * rng.normal(size=300)
    return train_test_split(X, y, random_state=0)


def _regressor(**params):
    settings = dict(
        hidden_layer_sizes=(16,),
        alpha=0.03,
        feature_alpha=1.0,
        learning_rate_init=0.01,
        max_iter=300,
        random_state=0,
    )
    settings.update(params)
    return L1MLPRegressor(**settings)


@pytest.fixture(scope="module")
def path(nonlinear):
    X_train, X_val, y_train, y_val = nonlinear
    return l1_path(
        _regressor(),
        X_train,
        y_train,
        X_val=X_val,
        y_val=y_val,
        n_alphas=8,
        relax=0.1,
        return_weights=True,
        return_relaxed=True,
    )


def test_alpha_max_is_where_a_fresh_fit_drops_the_last_feature(nonlinear):
    X_train, _, y_train, _ = nonlinear
    estimator = _regressor()
    top = alpha_max(estimator, X_train, y_train)
    ratio = estimator.feature_alpha / estimator.alpha
    at_top = _regressor(alpha=top, feature_alpha=top * ratio).fit(X_train, y_train)
    assert np.count_nonzero(at_top.feature_importances_) == 0
    below = _regressor(alpha=top / 2, feature_alpha=top / 2 * ratio).fit(X_train, y_train)
    assert np.count_nonzero(below.feature_importances_) > 0


def test_warm_alpha_max_is_where_a_trained_network_drops_the_last_feature(nonlinear):
    # Per weight on every layer, a trained network outlives a fresh one.
    X_train, _, y_train, _ = nonlinear
    estimator = _regressor(alpha=1.0, feature_alpha=0.0)
    top = alpha_max(estimator, X_train, y_train)
    empty = warm_alpha_max(estimator, X_train, y_train, fresh=top)
    assert empty > top
    trained = _regressor(alpha=top / 10, feature_alpha=0.0, warm_start=True)
    trained.fit(X_train, y_train)
    trained.set_params(alpha=empty / 2).fit(X_train, y_train)  # still in use below it
    assert np.count_nonzero(trained.feature_importances_) > 0
    trained.set_params(alpha=empty).fit(X_train, y_train)
    assert np.count_nonzero(trained.feature_importances_) == 0


def test_path_runs_from_the_empty_network_and_features_grow_as_alpha_falls(path):
    alphas = [point.alpha for point in path]
    assert alphas == sorted(alphas, reverse=True)
    counts = [point.features.size for point in path]
    assert counts[0] == 0 and counts[-1] > 10
    # Allow wiggles, assert the trend.
    assert spearmanr(alphas, counts).statistic < -0.8
    # The mix of the two penalties is the estimator's own.
    np.testing.assert_allclose([p.feature_alpha / p.alpha for p in path], 1.0 / 0.03)


def test_path_records_describe_each_fit(path, nonlinear):
    X_train, X_val, y_train, y_val = nonlinear
    for point in path:
        weights = np.concatenate([c.ravel() for c in point.coefs])
        assert point.n_weights == weights.size
        assert point.n_zero_weights == np.count_nonzero(weights == 0)
        rows_used = np.flatnonzero(np.abs(point.coefs[0]) @ np.abs(point.coefs[1]).sum(axis=1))
        np.testing.assert_array_equal(point.features, rows_used)
        # The recorded objective is the estimator's objective at those weights.
        model = _regressor(alpha=point.alpha, feature_alpha=point.feature_alpha)
        model.fit(X_train[:5], y_train[:5])
        model.coefs_, model.intercepts_ = point.coefs, point.intercepts
        assert point.objective == pytest.approx(objective(model, X_train, y_train), rel=1e-10)
        assert point.validation_score == pytest.approx(model.score(X_val, y_val), rel=1e-10)
        # The validation loss is the data term alone: half the mean squared error.
        half_mse = 0.5 * np.mean((model.predict(X_val) - y_val) ** 2)
        assert point.validation_loss == pytest.approx(half_mse, rel=1e-10)
        penalty = objective(model, X_val, y_val) - point.validation_loss
        assert penalty > 0 if point.features.size else penalty == 0
    # Penalty matters: the objective rises with alpha along the path. Each
    # point is a stochastic fit that stops when its loss stalls, so allow
    # wiggles and assert the trend.
    objectives = [point.objective for point in path]
    alphas = [point.alpha for point in path]
    assert spearmanr(alphas, objectives).statistic > 0.8
    assert objectives[-1] == min(objectives)


def test_relaxed_refit_uses_only_the_points_features(path, nonlinear):
    _, X_val, _, y_val = nonlinear
    for point in path:
        if point.features.size == 0:
            assert point.relaxed_estimator is None
            continue
        relaxed = point.relaxed_estimator
        assert relaxed.n_features_in_ == point.features.size
        assert relaxed.alpha == pytest.approx(0.1 * point.alpha)
        assert set(point.relaxed_features) <= set(point.features)
        assert point.relaxed_validation_score == pytest.approx(
            relaxed.score(X_val[:, point.features], y_val)
        )
        assert point.relaxed_validation_loss == pytest.approx(
            objective(relaxed, X_val[:, point.features], y_val, include_penalty=False)
        )
    # Somewhere along the path a refit on fewer features beats the linear model.
    X_train, _, y_train, _ = nonlinear
    linear = LinearRegression().fit(X_train, y_train).score(X_val, y_val)
    sparse_relaxed = [p.relaxed_validation_score for p in path if 0 < p.features.size < 20]
    assert max(sparse_relaxed) > linear + 0.2


def test_a_point_using_more_columns_than_rows_is_its_own_relaxed_refit(nonlinear):
    X_train, X_val, y_train, y_val = nonlinear
    rows = 12  # fewer rows than the 20 columns
    path = l1_path(
        _regressor(alpha=1e-5, feature_alpha=0.0, max_iter=20),
        X_train[:rows],
        y_train[:rows],
        alphas=[1e-5, 0.3],
        X_val=X_val,
        y_val=y_val,
        relax=0.1,
        return_relaxed=True,
    )
    saturated, sparse = path[-1], path[0]
    assert saturated.features.size > rows
    assert saturated.relaxed_estimator is None
    assert saturated.relaxed_validation_score == saturated.validation_score
    assert saturated.relaxed_validation_loss == saturated.validation_loss
    assert 0 < sparse.features.size <= rows and sparse.relaxed_estimator is not None


def test_given_alphas_are_fitted_and_reported_largest_first(nonlinear):
    X_train, _, y_train, _ = nonlinear
    path = l1_path(
        _regressor(alpha=0.0, feature_alpha=0.0, l1_mode="cumulative"),
        X_train,
        y_train,
        alphas=[0.001, 0.1, 0.01],
    )
    assert [point.alpha for point in path] == [0.1, 0.01, 0.001]
    assert all(point.feature_alpha == 0 for point in path)
    assert path[0].n_zero_weights > path[-1].n_zero_weights


def test_path_works_for_a_classifier_with_exact_lbfgs():
    rng = np.random.RandomState(1)
    X = rng.normal(size=(200, 8))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)  # XOR-like: no linear model solves it
    model = L1MLPClassifier(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=200, random_state=0)
    path = l1_path(model, X, y, n_alphas=5)
    assert path[0].features.size == 0 and path[-1].features.size > 0
    assert all(point.n_iter > 0 for point in path)


def test_path_rejects_other_estimators_and_negative_alphas(nonlinear):
    X_train, _, y_train, _ = nonlinear
    with pytest.raises(TypeError, match="L1MLPClassifier or L1MLPRegressor"):
        l1_path(LinearRegression(), X_train, y_train)
    with pytest.raises(ValueError, match=">= 0"):
        l1_path(_regressor(), X_train, y_train, alphas=[0.1, -1.0])


def test_alpha_max_says_when_a_mode_gives_no_exact_zeros(nonlinear):
    X_train, _, y_train, _ = nonlinear
    with pytest.raises(ValueError, match="proximal' or 'cumulative"):
        alpha_max(_regressor(l1_mode="shrink", max_iter=5), X_train[:50], y_train[:50])


def test_verbose_prints_a_line_per_point(nonlinear, capsys):
    X_train, _, y_train, _ = nonlinear
    l1_path(_regressor(max_iter=20), X_train, y_train, alphas=[0.01, 0.1], verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all("features" in line for line in lines)


def test_the_callback_sees_each_point_as_it_is_fitted_with_its_importances(nonlinear):
    X_train, _, y_train, _ = nonlinear
    seen = []
    path = l1_path(
        _regressor(max_iter=20), X_train, y_train, alphas=[0.01, 0.1, 0.001], callback=seen.append
    )
    # Fitted from the dense end: the smallest alpha first.
    assert [point.alpha for point in seen] == [0.001, 0.01, 0.1]
    assert seen[::-1] == path
    for point in path:
        np.testing.assert_array_equal(np.flatnonzero(point.importances), point.features)
