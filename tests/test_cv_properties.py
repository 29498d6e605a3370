"""Properties of the CV estimators on degenerate data (hypothesis, derandomized).

Tiny data, constant columns (dense and sparse), folds whose training rows
leave every column constant, float32, targets far from unit scale: each fit
ends in a valid model or in a ``ValueError`` in the estimator's own words,
never an internal error, an internal array's message or a NumPy warning.
"""

import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning, UndefinedMetricWarning

from sklearn_l1mlp import L1MLPClassifier, L1MLPClassifierCV, L1MLPRegressor, L1MLPRegressorCV
from sklearn_l1mlp._scaling import column_scaling

FAST = settings(
    max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


def _internal(message, name):
    """Whether ``message`` speaks of an array the user never passed, or of another class."""
    required_by = re.search(r"required by (\w+)", message)
    return bool(re.search(r"shape=\(\d+, 0\)", message)) or bool(
        required_by and required_by[1] != name
    )


def _small(cls, **settings):
    network = cls(hidden_layer_sizes=(4,), max_iter=20, learning_rate_init=0.05, **settings)
    cv_class = L1MLPRegressorCV if cls is L1MLPRegressor else L1MLPClassifierCV
    return cv_class(network, cv=3, n_alphas=3, random_state=0)


def _fit(model, X, y):
    """Fit with NumPy's warnings as errors; None, or the ValueError the fit raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        try:
            model.fit(X, y)
        except ValueError as error:
            return error
    return None


def _assert_valid_or_clear(model, X, y, constant):
    error = _fit(model, X, y)
    if error is not None:
        assert not _internal(str(error), type(model).__name__), str(error)
        return
    predictions = model.predict(X)
    assert np.all(np.isfinite(np.asarray(predictions, dtype=float)))
    assert not model.support_[constant].any(), "a constant column was selected"
    assert np.all(np.isfinite(model.feature_importances_))


@st.composite
def degenerate(draw):
    n_samples = draw(st.integers(3, 16))
    n_features = draw(st.integers(1, 4))
    rng = np.random.RandomState(draw(st.integers(0, 2**16)))
    X = rng.normal(size=(n_samples, n_features))
    constant = np.zeros(n_features, dtype=bool)
    constant[draw(st.lists(st.integers(0, n_features - 1), max_size=n_features))] = True
    # Constant columns at a nonzero value: the case whose sparse variance rounded.
    X[:, constant] = draw(st.sampled_from([0.0, 3.0, -7.5, 1e4]))
    if draw(st.booleans()):
        # Repeated rows, so that some fold's training rows may all be alike.
        X = np.repeat(X[: max(1, n_samples // 3)], 3, axis=0)[:n_samples]
    y = rng.normal(size=n_samples) * draw(st.sampled_from([1e-3, 1.0, 1e5]))
    return X, y, constant


@FAST
@given(degenerate(), st.booleans(), st.sampled_from([np.float64, np.float32]))
def test_the_regressor_cv_fits_degenerate_data_or_says_what_to_change(problem, sparse, dtype):
    X, y, constant = problem
    X = X.astype(dtype)
    _assert_valid_or_clear(_small(L1MLPRegressor), sp.csr_matrix(X) if sparse else X, y, constant)


@FAST
@given(degenerate(), st.booleans())
def test_the_classifier_cv_fits_degenerate_data_or_says_what_to_change(problem, sparse):
    X, y, constant = problem
    labels = (y > np.median(y)).astype(int)
    labels[:2] = [0, 1]
    _assert_valid_or_clear(
        _small(L1MLPClassifier), sp.csr_matrix(X) if sparse else X, labels, constant
    )


@FAST
@given(degenerate(), st.sampled_from([None, "weights"]))
def test_dense_and_sparse_input_keep_the_same_columns(problem, weighting):
    X, _, constant = problem
    weights = None if weighting is None else np.linspace(0.5, 2.0, X.shape[0])
    dense = column_scaling(X, weights).kept
    sparse = column_scaling(sp.csr_matrix(X), weights).kept
    np.testing.assert_array_equal(dense, sparse)
    assert not np.isin(np.flatnonzero(constant), dense).any()


def test_a_sparse_constant_column_is_never_selected():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(15, 3))
    X[:, 1] = 3.0
    y = X[:, 0] + 0.1 * rng.normal(size=15)
    supports = []
    for data in (X, sp.csr_matrix(X)):
        model = L1MLPRegressorCV(cv=3, random_state=0)
        assert _fit(model, data, y) is None
        supports.append(model.support_)
    assert not supports[0][1] and not supports[1][1]


def test_a_fold_with_no_varying_column_is_named_with_the_fix():
    X, y = np.array([[0.0]] * 4 + [[1.0]] * 2), np.arange(6.0)
    error = _fit(L1MLPRegressorCV(cv=3), X, y)
    assert isinstance(error, ValueError) and not _internal(str(error), "L1MLPRegressorCV")
    assert re.search(r"fold \d of 3 .* leave every column constant", str(error))
    assert "fewer folds" in str(error) and "more rows" in str(error)


def test_one_held_out_row_per_fold_is_refused_without_numpy_warnings():
    rng = np.random.RandomState(0)
    error = _fit(L1MLPRegressorCV(cv=3), rng.normal(size=(3, 2)), np.arange(3.0))
    assert isinstance(error, ValueError)
    assert "fewer than 2 rows" in str(error) and "R^2" in str(error)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_float32_importances_do_not_overflow(solver):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3)).astype(np.float32)
    y = 1e5 + 1e4 * X[:, 0]
    network = L1MLPRegressor(
        hidden_layer_sizes=(4,), solver=solver, feature_alpha=1.0, max_iter=20, random_state=0
    )
    model = L1MLPRegressorCV(network, cv=3, n_alphas=3, standardize=False, random_state=0)
    error = _fit(model, X, y)
    if error is None:
        assert np.all(np.isfinite(model.feature_importances_))
    else:
        # The cause is the unscaled target, and the message says what scales it.
        assert "standardize=True" in str(error) and "largest |y|" in str(error)


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_an_unscaled_huge_target_gives_a_fit_or_names_the_cause(solver):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(30, 2))
    y = 1e23 * (1 + X[:, 0])
    network = L1MLPRegressor(hidden_layer_sizes=(4,), solver=solver, max_iter=20, random_state=0)
    model = L1MLPRegressorCV(network, cv=3, n_alphas=3, standardize=False, random_state=0)
    error = _fit(model, X, y)
    # No penalty up to the search's end empties a network on this target.
    message = str(error)
    assert "gives no exact zeros" not in message
    assert "scale of the target" in message and "standardize=True" in message
