"""The estimators: scikit-learn parity, the update rules of the l1_modes page, input, failure."""

import io
import pickle
import runpy
import warnings
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from helpers import solvers_of
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import Lasso
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_l1mlp import L1MLPClassifier, L1MLPRegressor, objective
from sklearn_l1mlp._penalties import L1_MODES

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

MODES = list(L1_MODES)
STOCHASTIC = ["sgd", "adam"]


def _weights(estimator):
    return np.concatenate([c.ravel() for c in estimator.coefs_])


def _all_params(estimator):
    return np.concatenate([p.ravel() for p in estimator.coefs_ + estimator.intercepts_])


# -- parity with scikit-learn ----------------------------------------------
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_alpha_zero_reproduces_sklearn_classifier(solver, cancer):
    X, y = cancer
    settings = dict(
        hidden_layer_sizes=(12, 5),
        solver=solver,
        alpha=0.0,
        max_iter=15,
        batch_size=64,
        random_state=0,
    )
    ours = L1MLPClassifier(l1_mode="gradient", **settings).fit(X, y)
    theirs = MLPClassifier(**settings).fit(X, y)
    np.testing.assert_allclose(_all_params(ours), _all_params(theirs), rtol=1e-9, atol=1e-12)
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-9)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_l2_alpha_is_sklearns_alpha_over_the_batch(solver, cancer):
    # scikit-learn divides its ridge term by the batch's rows; ours is whole.
    X, y = cancer
    n_samples = X.shape[0]
    settings = dict(
        hidden_layer_sizes=(12,), solver=solver, max_iter=15, batch_size=n_samples, random_state=0
    )
    ours = L1MLPClassifier(l1_mode="gradient", alpha=0.0, l2_alpha=2.0 / n_samples, **settings)
    theirs = MLPClassifier(alpha=2.0, **settings).fit(X, y)
    ours.fit(X, y)
    np.testing.assert_allclose(_all_params(ours), _all_params(theirs), rtol=1e-8, atol=1e-11)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-8)
    plain = L1MLPClassifier(l1_mode="gradient", alpha=0.0, **settings).fit(X, y)
    assert np.sum(_weights(ours) ** 2) < np.sum(_weights(plain) ** 2)


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_alpha_zero_reproduces_sklearn_regressor(loss, early_stopping, regression):
    X, y = regression
    y = np.abs(y) if loss == "poisson" else y
    settings = dict(
        loss=loss,
        hidden_layer_sizes=(10,),
        alpha=0.0,
        max_iter=20,
        random_state=1,
        early_stopping=early_stopping,
    )
    ours = L1MLPRegressor(**settings).fit(X, y)
    theirs = MLPRegressor(**settings).fit(X, y)
    np.testing.assert_allclose(_all_params(ours), _all_params(theirs), rtol=1e-9, atol=1e-12)
    assert ours.loss_curve_ == pytest.approx(theirs.loss_curve_, rel=1e-9)
    if early_stopping:
        assert ours.validation_scores_ == pytest.approx(theirs.validation_scores_)


# -- the facts docs/user_guide/l1_modes.md states about the modes, on whole fits ---------
def test_sgd_without_momentum_gradient_equals_shrink(cancer):
    X, y = cancer
    settings = dict(
        hidden_layer_sizes=(8,),
        solver="sgd",
        momentum=0.0,
        alpha=1e-3,
        learning_rate_init=0.05,
        max_iter=10,
        random_state=0,
    )
    gradient = L1MLPClassifier(l1_mode="gradient", **settings).fit(X, y)
    shrink = L1MLPClassifier(l1_mode="shrink", **settings).fit(X, y)
    np.testing.assert_allclose(_all_params(gradient), _all_params(shrink), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("solver, extra", [("sgd", {"momentum": 0.9}), ("adam", {})])
def test_momentum_or_adam_makes_gradient_and_shrink_differ(solver, extra, cancer):
    X, y = cancer
    settings = dict(
        hidden_layer_sizes=(8,), solver=solver, alpha=1e-3, max_iter=10, random_state=0, **extra
    )
    gradient = L1MLPClassifier(l1_mode="gradient", **settings).fit(X, y)
    shrink = L1MLPClassifier(l1_mode="shrink", **settings).fit(X, y)
    assert np.abs(_all_params(gradient) - _all_params(shrink)).max() > 1e-4


@pytest.mark.parametrize("solver", STOCHASTIC)
@pytest.mark.parametrize("mode", ["proximal", "cumulative"])
def test_exact_zero_modes_leave_exact_zeros_others_do_not(mode, solver, cancer):
    X, y = cancer
    step = dict(
        sgd=dict(learning_rate_init=0.1, alpha=1e-2), adam=dict(learning_rate_init=0.01, alpha=3e-3)
    )[solver]
    settings = dict(hidden_layer_sizes=(16,), solver=solver, max_iter=30, random_state=0, **step)
    sparse_model = L1MLPClassifier(l1_mode=mode, **settings).fit(X, y)
    assert np.sum(_weights(sparse_model) == 0.0) > 0.1 * _weights(sparse_model).size
    for dense_mode in ("gradient", "shrink"):
        dense_model = L1MLPClassifier(l1_mode=dense_mode, **settings).fit(X, y)
        assert np.sum(_weights(dense_model) == 0.0) == 0


@pytest.mark.parametrize("solver", STOCHASTIC)
def test_alpha_zero_every_mode_gives_the_unpenalized_network(solver, cancer):
    X, y = cancer
    settings = dict(hidden_layer_sizes=(8,), solver=solver, alpha=0.0, max_iter=8, random_state=0)
    reference = _all_params(MLPClassifier(**settings).fit(X, y))
    for mode in MODES:
        ours = _all_params(L1MLPClassifier(l1_mode=mode, **settings).fit(X, y))
        np.testing.assert_allclose(ours, reference, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("mode", ["proximal", "cumulative"])
def test_zero_weights_rise_with_alpha(mode, cancer):
    X, y = cancer
    counts = [
        np.sum(
            _weights(
                L1MLPClassifier(
                    hidden_layer_sizes=(16,),
                    alpha=alpha,
                    l1_mode=mode,
                    learning_rate_init=0.01,
                    max_iter=40,
                    random_state=0,
                ).fit(X, y)
            )
            == 0
        )
        for alpha in (0.0, 1e-3, 1e-2, 5e-2)
    ]
    assert counts[0] == 0
    assert all(a < b for a, b in zip(counts, counts[1:], strict=False)), counts


def test_penalize_bias_zeroes_biases_too(cancer):
    X, y = cancer
    settings = dict(
        hidden_layer_sizes=(16,), alpha=0.05, max_iter=40, learning_rate_init=0.01, random_state=0
    )
    free = L1MLPClassifier(**settings).fit(X, y)
    penalized = L1MLPClassifier(penalize_bias=True, **settings).fit(X, y)
    assert np.sum(free.intercepts_[0] == 0) == 0
    assert np.sum(penalized.intercepts_[0] == 0) > 0


def test_lbfgs_gradient_mode_fits_and_reports_the_objective(cancer):
    X, y = cancer
    model = L1MLPClassifier(
        hidden_layer_sizes=(5,),
        solver="lbfgs",
        l1_mode="gradient",
        alpha=1e-3,
        max_iter=50,
        random_state=0,
    ).fit(X, y)
    assert model.score(X, y) > 0.95
    assert not hasattr(model, "loss_curve_")
    data_term = model.loss_ - 1e-3 * np.abs(_weights(model)).sum()
    assert 0 < data_term < model.loss_


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.2, 1.0])
def test_lbfgs_proximal_solves_the_lasso_exactly_on_a_linear_network(alpha, rng):
    X = rng.normal(size=(100, 10))
    y = X[:, :3] @ [2.0, -1.0, 0.5] + 0.3 * rng.normal(size=100) + 1.0
    # Same objective as Lasso: (1/2n)||y - Xw - b||^2 + alpha * ||w||_1.
    lasso = Lasso(alpha=alpha, tol=1e-15, max_iter=100_000).fit(X, y)
    network = L1MLPRegressor(
        hidden_layer_sizes=(),
        activation="identity",
        solver="lbfgs",
        l1_mode="proximal",
        alpha=alpha,
        tol=1e-14,
        max_iter=10_000,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_array_equal(network.coefs_[0].ravel() == 0, lasso.coef_ == 0)
    np.testing.assert_allclose(network.coefs_[0].ravel(), lasso.coef_, atol=1e-6)
    assert network.intercepts_[0][0] == pytest.approx(lasso.intercept_, abs=1e-6)
    objective = 0.5 * np.mean((y - network.predict(X)) ** 2) + alpha * np.abs(lasso.coef_).sum()
    assert network.loss_ == pytest.approx(objective, rel=1e-7)


def test_penalty_factors_weigh_each_feature_like_lasso_on_rescaled_columns(rng):
    # Penalty sum_j c_j |w_j| on X equals the plain Lasso on X / c, whose
    # coefficients are c_j w_j: glmnet's penalty.factor.
    X = rng.normal(size=(100, 6))
    y = X[:, :3] @ [2.0, -1.0, 0.5] + 0.3 * rng.normal(size=100)
    factors = np.array([0.5, 4.0, 1.0, 2.0, 1.0, 0.0])
    alpha = 0.1
    network = L1MLPRegressor(
        hidden_layer_sizes=(),
        activation="identity",
        solver="lbfgs",
        l1_mode="proximal",
        alpha=alpha,
        penalty_factors=factors,
        tol=1e-14,
        max_iter=10_000,
        random_state=0,
    ).fit(X, y)
    # Lasso cannot leave one coefficient free, so compare on the penalized columns
    # with the unpenalized one's contribution taken out.
    free = network.coefs_[0][5, 0]
    penalized = factors > 0
    lasso = Lasso(alpha=alpha, tol=1e-15, max_iter=100_000).fit(
        X[:, penalized] / factors[penalized], y - free * X[:, 5]
    )
    expected = lasso.coef_ / factors[penalized]
    np.testing.assert_allclose(network.coefs_[0][penalized, 0], expected, atol=1e-6)
    np.testing.assert_array_equal(network.coefs_[0][penalized, 0] == 0, lasso.coef_ == 0)
    assert np.any(lasso.coef_ == 0)
    # Unweighted, the factor-4 feature would keep far more of its -1.
    plain = Lasso(alpha=alpha).fit(X, y)
    assert abs(expected[1]) < abs(plain.coef_[1]) - 0.2
    assert free != 0.0


@pytest.mark.parametrize(
    "factors, message",
    [
        (np.ones(3), "shape \\(3,\\) but X has 8 features"),
        (np.r_[np.ones(7), -1.0], "finite and >= 0"),
        (np.r_[np.ones(7), np.nan], "finite and >= 0"),
    ],
)
def test_bad_penalty_factors_say_what_to_pass(regression, factors, message):
    X, y = regression
    model = L1MLPRegressor(hidden_layer_sizes=(4,), max_iter=5, random_state=0).fit(X, y)
    before = [c.copy() for c in model.coefs_]
    with pytest.raises(ValueError, match=message):
        model.set_params(penalty_factors=factors).fit(X, y)
    for kept, coef in zip(before, model.coefs_, strict=True):
        np.testing.assert_array_equal(kept, coef)


@pytest.mark.parametrize("mode", ["proximal", "cumulative"])
def test_a_large_penalty_factor_drops_its_feature(regression, mode):
    X, y = regression
    factors = np.ones(X.shape[1])
    factors[[0, 1]] = 1e4
    model = L1MLPRegressor(
        hidden_layer_sizes=(8,),
        alpha=1e-3,
        feature_alpha=1e-2,
        l1_mode=mode,
        penalty_factors=factors,
        max_iter=50,
        random_state=0,
    ).fit(X, y)
    importances = model.feature_importances_
    assert importances[0] == 0.0 and importances[1] == 0.0
    assert np.count_nonzero(importances[2:]) >= 3


def test_lbfgs_proximal_leaves_exact_zeros_in_a_network(cancer):
    X, y = cancer
    model = L1MLPClassifier(
        hidden_layer_sizes=(10,), solver="lbfgs", alpha=0.01, max_iter=300, random_state=0
    ).fit(X, y)
    assert np.mean(_weights(model) == 0.0) > 0.5 and model.score(X, y) > 0.95
    assert 0 < model.n_iter_ <= 300


@pytest.mark.parametrize("solver", STOCHASTIC)
@pytest.mark.parametrize("mode", MODES)
def test_feature_alpha_zeroes_whole_rows_in_exact_zero_modes(mode, solver, cancer):
    X, y = cancer
    step = 0.1 if solver == "sgd" else 0.01
    settings = dict(
        hidden_layer_sizes=(16,),
        l1_mode=mode,
        solver=solver,
        alpha=0.0,
        learning_rate_init=step,
        max_iter=60,
        random_state=0,
    )
    plain = L1MLPClassifier(**settings).fit(X, y)
    grouped = L1MLPClassifier(feature_alpha=0.05, **settings).fit(X, y)
    zero_rows = np.all(grouped.coefs_[0] == 0, axis=1)
    assert not np.all(plain.coefs_[0] == 0, axis=1).any()
    if L1_MODES[mode].exact_zeros:
        assert 0 < zero_rows.sum() < X.shape[1]
        np.testing.assert_array_equal(grouped.feature_importances_ == 0, zero_rows)
        assert grouped.score(X, y) > 0.9
    else:
        assert zero_rows.sum() == 0  # gradient and shrink only hover near zero
        assert np.abs(grouped.coefs_[0]).sum() < np.abs(plain.coefs_[0]).sum()


def test_mode_and_solver_outside_the_table_is_an_error_at_fit(cancer):
    X, y = cancer
    model = L1MLPClassifier(solver="lbfgs", l1_mode="cumulative")
    with pytest.raises(ValueError, match="l1_mode='cumulative'.*solver='lbfgs'.*gradient"):
        model.fit(X, y)
    assert not hasattr(model, "coefs_")


# -- weights, dtypes, sparse input -----------------------------------------
@pytest.mark.parametrize("estimator_class", [L1MLPClassifier, L1MLPRegressor])
@pytest.mark.parametrize("mode", MODES)
def test_sample_weight_two_equals_the_row_repeated(estimator_class, mode, cancer):
    X, y = cancer[0][:60], cancer[1][:60]
    weights = np.ones(60)
    weights[[3, 17, 40]] = 2
    repeated = np.r_[np.arange(60), [3, 17, 40]]
    # batch_size="auto" is one full batch below 200 rows.
    settings = dict(
        hidden_layer_sizes=(6,), solver="sgd", l1_mode=mode, alpha=1e-3, max_iter=20, random_state=0
    )
    weighted = estimator_class(**settings).fit(X, y, sample_weight=weights)
    copied = estimator_class(**settings).fit(X[repeated], y[repeated])
    np.testing.assert_allclose(_all_params(weighted), _all_params(copied), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("estimator_class", [L1MLPClassifier, L1MLPRegressor])
def test_lbfgs_sample_weight_equals_repeated_rows_on_a_convex_problem(estimator_class, cancer):
    # No hidden layer: a (logistic) linear model whose L1 problem has one
    # solution, so weighted and repeated fits must meet there. The exact
    # split form converges to it; the subgradient form never settles.
    mode = "proximal"
    X, y = cancer[0][:80], cancer[1][:80]
    weights = np.random.RandomState(0).randint(0, 4, size=80)
    settings = dict(
        hidden_layer_sizes=(),
        solver="lbfgs",
        l1_mode=mode,
        alpha=0.01,
        tol=1e-12,
        max_iter=5000,
        random_state=0,
    )
    weighted = estimator_class(**settings).fit(X, y, sample_weight=weights)
    repeated = estimator_class(**settings).fit(np.repeat(X, weights, 0), np.repeat(y, weights))
    np.testing.assert_allclose(_all_params(weighted), _all_params(repeated), atol=1e-4)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("estimator_class", [L1MLPClassifier, L1MLPRegressor])
def test_float32_trains_and_predicts_in_float32(estimator_class, solver, cancer):
    X, y = cancer[0].astype(np.float32), cancer[1]
    mode = "gradient" if solver == "lbfgs" else "proximal"
    model = estimator_class(
        hidden_layer_sizes=(6,), solver=solver, l1_mode=mode, max_iter=5, random_state=0
    ).fit(X, y)
    assert all(p.dtype == np.float32 for p in model.coefs_ + model.intercepts_)
    output = model.predict_proba(X) if hasattr(model, "predict_proba") else model.predict(X)
    assert output.dtype == np.float32


@pytest.mark.parametrize("sparse_format", ["csr", "csc"])
@pytest.mark.parametrize("estimator_class", [L1MLPClassifier, L1MLPRegressor])
def test_sparse_input_gives_the_dense_model(estimator_class, sparse_format, rng):
    X = rng.normal(size=(80, 12))
    X[rng.uniform(size=X.shape) < 0.7] = 0
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    settings = dict(hidden_layer_sizes=(7,), alpha=1e-3, max_iter=20, random_state=0)
    dense = estimator_class(**settings).fit(X, y)
    sparse = estimator_class(**settings).fit(sp.csr_matrix(X).asformat(sparse_format), y)
    np.testing.assert_allclose(_all_params(sparse), _all_params(dense), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sparse.predict(sp.csr_matrix(X)), dense.predict(X))


# -- classification and regression shapes -----------------------------------
def test_binary_multiclass_and_multilabel_outputs(rng):
    X = rng.normal(size=(90, 4))
    binary = np.where(X[:, 0] > 0, "yes", "no")
    multiclass = np.digitize(X[:, 0], [-0.5, 0.5])
    multilabel = (X[:, :3] > 0).astype(int)
    for y, n_columns, activation in [
        (binary, 2, "logistic"),
        (multiclass, 3, "softmax"),
        (multilabel, 3, "logistic"),
    ]:
        model = L1MLPClassifier(
            hidden_layer_sizes=(8,), max_iter=300, random_state=0, learning_rate_init=0.01
        ).fit(X, y)
        proba = model.predict_proba(X)
        assert proba.shape == (90, n_columns) and model.out_activation_ == activation
        assert model.predict(X).shape == np.shape(y)
        assert model.score(X, y) > 0.8
        np.testing.assert_allclose(model.predict_log_proba(X), np.log(proba))
    assert set(L1MLPClassifier(max_iter=5).fit(X, binary).classes_) == {"no", "yes"}


def test_multi_output_regression_sums_the_squared_error(regression):
    X, y = regression
    Y = np.c_[y, -2 * y]
    model = L1MLPRegressor(
        hidden_layer_sizes=(10,), alpha=0.0, max_iter=1, random_state=0, shuffle=False
    ).fit(X, Y)
    assert model.predict(X).shape == (120, 2) and model.n_outputs_ == 2
    reference = MLPRegressor(
        hidden_layer_sizes=(10,), alpha=0.0, max_iter=1, random_state=0, shuffle=False
    ).fit(X, Y)
    # Half the squared error summed over outputs: twice scikit-learn's mean.
    assert model.loss_ == pytest.approx(2 * reference.loss_, rel=1e-9)


def test_hidden_layer_sizes_empty_is_a_linear_model(regression):
    X, y = regression
    model = L1MLPRegressor(
        hidden_layer_sizes=(),
        solver="sgd",
        momentum=0.0,
        learning_rate_init=0.05,
        alpha=0.05,
        max_iter=200,
        random_state=0,
    ).fit(X, y)
    assert model.n_layers_ == 2 and model.coefs_[0].shape == (8, 1)
    np.testing.assert_allclose(
        model.predict(X), X @ model.coefs_[0][:, 0] + model.intercepts_[0][0]
    )
    assert np.sum(model.coefs_[0] == 0) >= 4  # 3 of 8 features are informative


# -- feature importances and selection ---------------------------------------
def test_feature_importances_select_exactly_the_features_used(rng):
    X, y = make_classification(
        n_samples=300, n_features=20, n_informative=3, n_redundant=0, shuffle=False, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    model = L1MLPClassifier(
        hidden_layer_sizes=(10,), alpha=0.02, max_iter=200, learning_rate_init=0.01, random_state=0
    ).fit(X, y)
    importances = model.feature_importances_
    assert importances.sum() == pytest.approx(1.0)
    used = np.flatnonzero(importances > 0)
    assert 3 <= used.size < 20
    # A feature with zero importance has an all-zero first-layer row or
    # only reaches units that are cut off from the output.
    for j in np.flatnonzero(importances == 0):
        reach = np.abs(model.coefs_[0][j]) @ np.abs(model.coefs_[1]).sum(axis=1)
        assert reach == 0
    selector = SelectFromModel(model, threshold=1e-12, prefit=True)
    np.testing.assert_array_equal(np.flatnonzero(selector.get_support()), used)
    top = SelectFromModel(model, threshold=-np.inf, max_features=2, prefit=True)
    np.testing.assert_array_equal(
        np.sort(np.flatnonzero(top.get_support())), np.sort(np.argsort(importances)[-2:])
    )
    # Permuting an unused feature cannot change a single prediction.
    unused = np.flatnonzero(importances == 0)[0]
    shuffled = X.copy()
    shuffled[:, unused] = rng.permutation(shuffled[:, unused])
    np.testing.assert_array_equal(model.predict_proba(shuffled), model.predict_proba(X))


# -- composition ------------------------------------------------------------
def test_pipeline_in_grid_search_over_alpha(raw_cancer):
    X, y = raw_cancer
    pipeline = make_pipeline(
        StandardScaler(), L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=30, random_state=0)
    )
    search = GridSearchCV(pipeline, {"l1mlpclassifier__alpha": [1e-4, 1e-2, 1.0]}, cv=3)
    search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert search.best_params_["l1mlpclassifier__alpha"] in (1e-4, 1e-2)
    assert scores[2] < max(scores[:2])  # alpha=1 zeroes the network
    assert cross_val_score(search.best_estimator_, X, y, cv=3).mean() > 0.9


@pytest.mark.parametrize("estimator_class", [L1MLPClassifier, L1MLPRegressor])
def test_pickle_round_trip_and_clone(estimator_class, cancer):
    X, y = cancer
    model = estimator_class(hidden_layer_sizes=(6,), max_iter=10, random_state=0).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    fresh = clone(model)
    assert not hasattr(fresh, "coefs_") and fresh.get_params() == model.get_params()
    np.testing.assert_array_equal(fresh.fit(X, y).predict(X), model.predict(X))
    # partial_fit after unpickling carries on exactly like the original.
    np.testing.assert_array_equal(
        _all_params(restored.partial_fit(X, y)), _all_params(model.partial_fit(X, y))
    )


# -- incremental and warm-started training ---------------------------------
@pytest.mark.parametrize("mode", MODES)
def test_partial_fit_calls_equal_one_fit(mode, cancer):
    X, y = cancer
    settings = dict(
        hidden_layer_sizes=(6,),
        l1_mode=mode,
        alpha=1e-3,
        shuffle=False,
        random_state=0,
        n_iter_no_change=100,
    )
    fitted = L1MLPClassifier(max_iter=3, **settings).fit(X, y)
    incremental = L1MLPClassifier(**settings)
    for _ in range(3):
        incremental.partial_fit(X, y, classes=[0, 1])
    np.testing.assert_array_equal(_all_params(incremental), _all_params(fitted))
    assert incremental.loss_curve_ == fitted.loss_curve_
    assert incremental.n_iter_ == 1 and incremental.t_ == fitted.t_ == 3 * len(X)


def test_warm_start_continues_but_restarts_the_optimizer(cancer):
    X, y = cancer
    model = L1MLPClassifier(
        hidden_layer_sizes=(6,), max_iter=2, warm_start=True, random_state=0, l1_mode="cumulative"
    ).fit(X, y)
    first = _all_params(model)
    model.fit(X, y)
    batches_per_epoch = int(np.ceil(len(X) / 200))
    assert model._training_state.optimizer.t == 2 * batches_per_epoch
    assert len(model.loss_curve_) == 4 and model.t_ == 4 * len(X)
    assert not np.array_equal(_all_params(model), first)


def test_warm_start_after_convergence_trains_again(cancer):
    X, y = cancer
    model = L1MLPClassifier(
        hidden_layer_sizes=(6,),
        max_iter=500,
        warm_start=True,
        random_state=0,
        learning_rate_init=0.01,
    )
    model.fit(X, y)
    first_epochs = model.n_iter_
    assert first_epochs < 500  # converged
    model.set_params(alpha=0.05).fit(X, y)
    # scikit-learn's carried-over count would stop this after one epoch.
    assert model.n_iter_ > model.n_iter_no_change
    assert len(model.loss_curve_) == first_epochs + model.n_iter_


def test_partial_fit_needs_classes_first_and_rejects_new_ones(cancer):
    X, y = cancer
    model = L1MLPClassifier(hidden_layer_sizes=(4,))
    with pytest.raises(ValueError, match="classes must be passed"):
        model.partial_fit(X, y)
    model.partial_fit(X[y == 0], y[y == 0], classes=[0, 1, 2])
    assert list(model.classes_) == [0, 1, 2]
    with pytest.raises(ValueError, match="not in `self.classes_`"):
        model.partial_fit(X, np.where(y == 1, 5, y))
    assert not hasattr(L1MLPClassifier(solver="lbfgs", l1_mode="gradient"), "partial_fit")


# -- failure leaves the model as it was ------------------------------------
def _fitted_state(model):
    state = {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in vars(model).items()}
    state["coefs_"] = [c.copy() for c in model.coefs_]
    state["intercepts_"] = [b.copy() for b in model.intercepts_]
    state["loss_curve_"] = list(model.loss_curve_)
    return state


def _assert_unchanged(model, before):
    assert set(vars(model)) == set(before)
    for now, then in zip(
        model.coefs_ + model.intercepts_, before["coefs_"] + before["intercepts_"], strict=True
    ):
        np.testing.assert_array_equal(now, then)
    assert model.loss_curve_ == before["loss_curve_"]
    assert model.n_iter_ == before["n_iter_"] and model.t_ == before["t_"]
    assert model._training_state is before["_training_state"]


@pytest.mark.parametrize("how", ["partial_fit", "warm_start"])
def test_divergence_raises_and_leaves_a_fitted_model_as_it_was(how, regression):
    X, y = regression
    model = L1MLPRegressor(
        hidden_layer_sizes=(5,),
        solver="sgd",
        max_iter=5,
        random_state=0,
        warm_start=how == "warm_start",
    ).fit(X, y)
    before = _fitted_state(model)
    optimizer_velocity = model._training_state.optimizer.velocity.copy()
    # partial_fit keeps its optimizer (and learning rate), as scikit-learn's
    # does, so there only the data's scale makes it diverge.
    model.set_params(learning_rate_init=1e6)
    with pytest.raises(ValueError, match="diverged.*Scale the input.*learning_rate_init"):
        getattr(model, "partial_fit" if how == "partial_fit" else "fit")(X * 1e200, y * 1e3)
    _assert_unchanged(model, before)
    np.testing.assert_array_equal(model._training_state.optimizer.velocity, optimizer_velocity)


def test_divergence_with_early_stopping_keeps_the_best_weights(regression):
    X, y = regression
    model = L1MLPRegressor(
        hidden_layer_sizes=(5,),
        solver="sgd",
        learning_rate_init=10.0,
        early_stopping=True,
        max_iter=50,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match="diverged"):
        model.fit(X * 1e3, y)
    assert all(np.isfinite(c).all() for c in model.coefs_ + model.intercepts_)
    assert np.isfinite(model.predict(X)).all()
    assert model.n_iter_ == len(model.loss_curve_) == len(model.validation_scores_)


def test_bad_batch_in_partial_fit_leaves_the_model_as_it_was(cancer):
    X, y = cancer
    model = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X, y)
    before = _fitted_state(model)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.partial_fit(bad, y)
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:, :5], y)
    _assert_unchanged(model, before)


def test_interrupted_fit_keeps_the_last_epoch_and_partial_fit_keeps_nothing(cancer, monkeypatch):
    X, y = cancer
    from sklearn_l1mlp import _optimizers

    original_step = _optimizers.Adam.step
    calls = {"n": 0}

    def interrupting_step(self, params, grad, work=None):
        calls["n"] += 1
        if calls["n"] == 7:  # mid fourth epoch: 3 batches per epoch
            raise KeyboardInterrupt
        return original_step(self, params, grad, work)

    monkeypatch.setattr(_optimizers.Adam, "step", interrupting_step)
    with pytest.warns(UserWarning, match="interrupted"):
        model = L1MLPClassifier(hidden_layer_sizes=(4,), random_state=0).fit(X, y)
    assert model.n_iter_ == 2 and len(model.loss_curve_) == 2
    before = _fitted_state(model)
    calls["n"] = 0
    monkeypatch.setattr(
        _optimizers.Adam, "step", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt)
    )
    with pytest.raises(KeyboardInterrupt):
        model.partial_fit(X, y)
    _assert_unchanged(model, before)


# -- bad input --------------------------------------------------------------
@pytest.mark.parametrize("estimator_class", [L1MLPClassifier, L1MLPRegressor])
@pytest.mark.parametrize(
    "change, message",
    [
        (dict(X=np.array([[np.nan, 1.0], [1.0, 2.0], [0.0, 1.0]])), "NaN"),
        (dict(X=np.array([[np.inf, 1.0], [1.0, 2.0], [0.0, 1.0]])), "infinity"),
        (dict(X=np.zeros((0, 2))), "0 sample"),
        (dict(y=[0, 1]), "inconsistent numbers of samples"),
        (dict(sample_weight=[1.0, -1.0, 1.0]), "negative"),
        (dict(sample_weight=[0.0, 0.0, 0.0]), "sums to zero"),
        (dict(sample_weight=[1.0, 1.0]), "one weight per row"),
        (dict(sample_weight=[1.0, np.nan, 1.0]), "NaN"),
    ],
)
def test_bad_data_is_rejected_with_a_clear_error(estimator_class, change, message):
    data = dict(X=np.array([[0.0, 1.0], [1.0, 2.0], [0.0, 1.0]]), y=[0, 1, 0], sample_weight=None)
    data.update(change)
    with pytest.raises(ValueError, match=message):
        estimator_class(max_iter=2).fit(data["X"], data["y"], sample_weight=data["sample_weight"])


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(hidden_layer_sizes=(5, 0)), "positive integers"),
        (dict(hidden_layer_sizes=(-1,)), "positive integers"),
        (dict(alpha=-1.0), "alpha"),
        (dict(alpha=np.nan), "alpha"),
        (dict(l1_mode="lasso"), "l1_mode"),
        (dict(solver="newton"), "solver"),
    ],
)
def test_bad_parameters_are_rejected_at_fit(params, message, cancer):
    with pytest.raises(ValueError, match=message):
        L1MLPClassifier(**params).fit(*cancer)


def test_poisson_needs_non_negative_targets(regression):
    X, y = regression
    with pytest.raises(ValueError, match="poisson.*y >= 0"):
        L1MLPRegressor(loss="poisson").fit(X, y)


def test_batch_size_larger_than_the_data_is_clipped_with_a_warning(cancer):
    X, y = cancer[0][:50], cancer[1][:50]
    with pytest.warns(UserWarning, match="clipped"):
        model = L1MLPClassifier(batch_size=500, max_iter=2, random_state=0).fit(X, y)
    reference = L1MLPClassifier(batch_size=50, max_iter=2, random_state=0).fit(X, y)
    np.testing.assert_array_equal(_all_params(model), _all_params(reference))


def test_feature_names_are_checked_at_predict():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 0.0, 1.0, 0.0]})
    model = L1MLPClassifier(max_iter=2).fit(X, [0, 1, 0, 1])
    assert list(model.feature_names_in_) == ["a", "b"]
    with pytest.raises(ValueError, match="feature names"):
        model.predict(X.rename(columns={"a": "c"}))


# -- verbose ------------------------------------------------------------------
def test_verbose_prints_data_penalty_and_zero_share_per_epoch(cancer):
    X, y = cancer
    output = io.StringIO()
    with redirect_stdout(output), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        L1MLPClassifier(
            hidden_layer_sizes=(4,), max_iter=3, verbose=True, alpha=1e-2, random_state=0
        ).fit(X, y)
    lines = [line for line in output.getvalue().splitlines() if line.startswith("Iteration")]
    assert len(lines) == 3
    assert all("data" in line and "penalty" in line and "exactly zero" in line for line in lines)


def test_early_stopping_scores_the_validation_split_with_its_weights(cancer):
    X, y = cancer
    weights = np.where(y == 1, 3.0, 0.5)
    settings = dict(
        hidden_layer_sizes=(6,), alpha=0.0, max_iter=15, early_stopping=True, random_state=0
    )
    ours = L1MLPClassifier(**settings).fit(X, y, sample_weight=weights)
    theirs = MLPClassifier(**settings).fit(X, y, sample_weight=weights)
    unweighted = L1MLPClassifier(**settings).fit(X, y)
    assert ours.validation_scores_ == pytest.approx(theirs.validation_scores_, abs=1e-12)
    assert ours.validation_scores_ != unweighted.validation_scores_


# -- reliability: more bad input, numerics, bounded prediction ---------------
@pytest.mark.parametrize("estimator_class", [L1MLPClassifier, L1MLPRegressor])
def test_one_sample_fits_as_scikit_learns_mlp_does(estimator_class):
    X, y = np.arange(3.0).reshape(1, 3), [1]
    model = estimator_class(max_iter=3, random_state=0).fit(X, y)
    assert model.predict(X).shape == (1,)
    if estimator_class is L1MLPClassifier:
        assert model.predict(X)[0] == 1


@pytest.mark.parametrize(
    "X, y, message",
    [
        (np.array([["a", "b"], ["c", "d"], ["e", "f"]], dtype=object), [0, 1, 0], "string"),
        (np.array([[1 + 1j, 2.0], [3.0, 4.0], [5.0, 6.0]]), [0, 1, 0], "Complex"),
        (np.ones((3, 2)), np.zeros((3, 2, 2)), "y"),
        (np.ones((4, 2)), [1, np.nan, 0, 1], "NaN"),
        (np.ones((4, 2)), [1, np.inf, 0, 1], "infinity"),
    ],
)
@pytest.mark.parametrize("estimator_class", [L1MLPClassifier, L1MLPRegressor])
def test_more_bad_input_is_named(estimator_class, X, y, message):
    with pytest.raises(ValueError, match=message):
        estimator_class(max_iter=2).fit(X, y)


def test_one_class_fits_and_predicts_that_class_as_mlp_classifier_does():
    X = np.random.RandomState(0).normal(size=(10, 3))
    model = L1MLPClassifier(max_iter=2).fit(X, np.full(10, 7))
    reference = MLPClassifier(max_iter=2).fit(X, np.full(10, 7))
    np.testing.assert_array_equal(model.predict(X), reference.predict(X))
    assert model.classes_.tolist() == [7]
    assert model.predict_proba(X).shape == reference.predict_proba(X).shape
    model = L1MLPClassifier().partial_fit(X[:1], [0], classes=[0, 1])
    assert list(model.classes_) == [0, 1] and model.predict(X).shape == (10,)


# At 1e8 Adam's second moments are so large that the per-weight penalty step
# falls below float64 resolution: the rounding warning is right to fire.
@pytest.mark.filterwarnings("ignore:With l1_mode=.*below float64 resolution")
@pytest.mark.parametrize("scale", [1e-8, 1e8])
@pytest.mark.parametrize("estimator_class", [L1MLPClassifier, L1MLPRegressor])
def test_extreme_feature_scales_train_without_nan_or_overflow_warnings(
    estimator_class, scale, cancer
):
    X, y = cancer
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model = estimator_class(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
        model.fit(X * scale, y)
        output = (
            model.predict_proba(X * scale)
            if hasattr(model, "predict_proba")
            else model.predict(X * scale)
        )
    assert np.isfinite(output).all()
    assert all(np.isfinite(p).all() for p in model.coefs_ + model.intercepts_)


@pytest.mark.parametrize(
    "mode, warns",
    [("proximal", True), ("shrink", True), ("cumulative", False), ("gradient", False)],
)
def test_float32_penalty_below_resolution_is_reported_not_silently_dropped(mode, warns, cancer):
    X, y = cancer
    settings = dict(
        hidden_layer_sizes=(8,),
        solver="sgd",
        momentum=0.0,
        max_iter=20,
        learning_rate_init=0.01,
        alpha=2e-7,
        shuffle=False,
        random_state=0,
        l1_mode=mode,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        L1MLPClassifier(**settings).fit(X.astype(np.float32), y)
        L1MLPClassifier(**settings).fit(X, y)  # float64 has the resolution
    resolution_warnings = [w for w in caught if "resolution" in str(w.message)]
    assert len(resolution_warnings) == int(warns)
    if warns:
        assert "float32" in str(resolution_warnings[0].message)
        assert "l1_mode='cumulative'" in str(resolution_warnings[0].message)


def test_float32_cumulative_keeps_the_penalty_that_proximal_loses():
    script = Path(__file__).parent.parent / "benchmarks" / "bench_float32_penalty.py"
    example = runpy.run_path(str(script))
    kept = example["main"]([])
    assert kept["proximal"] < 0.5 and kept["shrink"] < 0.5
    assert kept["cumulative"] > 0.9 and kept["gradient"] > 0.9


@pytest.mark.parametrize("sparse", [False, True])
def test_predict_runs_in_row_chunks_with_the_same_result(sparse, cancer, monkeypatch):
    from sklearn_l1mlp import _network

    X, y = cancer
    model = L1MLPClassifier(hidden_layer_sizes=(16,), max_iter=5, random_state=0).fit(X, y)
    X_in = sp.csr_matrix(X) if sparse else X
    whole = model.predict_proba(X_in)
    monkeypatch.setattr(_network, "_CHUNK_ENTRIES", 16)  # 256-row chunks
    chunks = []
    original = _network._forward_rows
    monkeypatch.setattr(
        _network, "_forward_rows", lambda X, *a: chunks.append(X.shape[0]) or original(X, *a)
    )
    np.testing.assert_allclose(model.predict_proba(X_in), whole, rtol=1e-12)
    assert chunks == [256, 256, 57]


def test_failed_partial_fit_with_a_new_class_leaves_classes_and_state(cancer):
    X, y = cancer
    model = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0).fit(X, y)
    before = _fitted_state(model)
    classes = model.classes_.copy()
    with pytest.raises(ValueError, match="not in `self.classes_`"):
        model.partial_fit(X, np.where(y == 1, 7, y))
    np.testing.assert_array_equal(model.classes_, classes)
    _assert_unchanged(model, before)


# -- scikit-learn's own MLP regression tests that concern drop-in use ---------
@pytest.mark.parametrize("estimator_class", [L1MLPClassifier, L1MLPRegressor])
def test_early_stopping_on_a_frame_with_one_class_keeps_feature_names_quiet(estimator_class):
    # scikit-learn's test_preserve_feature_names: scoring the validation split
    # must not warn about feature names, and a one-class target must fit.
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.randn(10, 2), columns=["colname_a", "colname_b"])
    y = pd.Series(np.full(10, 1), name="colname_y")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model = estimator_class(early_stopping=True, validation_fraction=0.2).fit(X, y)
    np.testing.assert_array_equal(model.feature_names_in_, X.columns)


def test_a_pickled_one_sample_model_learns_a_new_target_by_partial_fit(tmp_path):
    # scikit-learn's test_mlp_loading_from_joblib_partial_fit.
    joblib = pytest.importorskip("joblib")
    model = L1MLPRegressor(
        hidden_layer_sizes=(42,), random_state=42, learning_rate_init=0.01, max_iter=200
    ).fit([[2]], [4])
    joblib.dump(model, tmp_path / "mlp.pkl")
    loaded = joblib.load(tmp_path / "mlp.pkl")
    for _ in range(200):
        loaded.partial_fit([[2]], [1])
    assert loaded.predict([[2]])[0] == pytest.approx(1, rel=1e-2)


# -- the linear skip -------------------------------------------------------
def _linear_task(n_samples=400, n_features=20):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n_samples, n_features))
    y = X[:, 0] - 2 * X[:, 1] + 0.5 * X[:, 2] + 0.1 * rng.normal(size=n_samples)
    return X, y


_EXACT_PAIRS = [
    (mode, solver)
    for mode, penalty_class in L1_MODES.items()
    if penalty_class.exact_zeros
    for solver in solvers_of(penalty_class)
]


@pytest.mark.parametrize("mode, solver", _EXACT_PAIRS)
def test_a_skip_drops_a_feature_from_both_parts_at_once(mode, solver):
    X, y = _linear_task()
    model = L1MLPRegressor(
        hidden_layer_sizes=(8,),
        alpha=0.1,
        l1_mode=mode,
        solver=solver,
        linear_skip=True,
        learning_rate_init=0.01,
        max_iter=300,
        random_state=0,
    ).fit(X, y)
    assert model.skip_coef_.shape == (20, 1) and model.coefs_[0].shape == (20, 8)
    row_used = np.any(model.coefs_[0] != 0, axis=1) | np.any(model.skip_coef_ != 0, axis=1)
    np.testing.assert_array_equal(model.feature_importances_ > 0, row_used)
    assert {0, 1, 2} <= set(np.flatnonzero(row_used)) and row_used.sum() < 20
    assert model.score(X, y) > 0.98


@pytest.mark.parametrize("mode", ["proximal", "cumulative"])
def test_on_a_linear_task_the_skip_carries_the_signal_and_the_hidden_layer_empties(mode):
    X, y = _linear_task()
    settings = dict(hidden_layer_sizes=(16,), alpha=0.05, l1_mode=mode, max_iter=300)
    skip = L1MLPRegressor(
        linear_skip=True, learning_rate_init=0.01, random_state=0, **settings
    ).fit(X, y)
    # One weight per feature is the cheapest way to pay for a linear signal:
    # the skip keeps exactly the three informative columns.
    assert list(np.flatnonzero(skip.skip_coef_[:, 0])) == [0, 1, 2]
    assert np.count_nonzero(skip.coefs_[0]) < 0.05 * skip.coefs_[0].size
    assert skip.score(X, y) > 0.99


@pytest.mark.parametrize("estimator_class", [L1MLPClassifier, L1MLPRegressor])
@pytest.mark.parametrize("solver", STOCHASTIC)
@pytest.mark.parametrize("mode", MODES)
def test_the_hierarchy_holds_after_fit_and_partial_fit(estimator_class, solver, mode):
    from sklearn_l1mlp._hierarchy import SkipHierarchy

    X, y = _linear_task(n_samples=200, n_features=8)
    target = y if estimator_class is L1MLPRegressor else np.digitize(y, [-1, 1])
    model = estimator_class(
        hidden_layer_sizes=(6,),
        alpha=0.01,
        l1_mode=mode,
        solver=solver,
        linear_skip=True,
        skip_hierarchy=2.0,
        learning_rate_init=0.01,
        max_iter=30,
        random_state=0,
    ).fit(X, target)
    hierarchy = SkipHierarchy(2.0, 6)
    first = np.hstack([model.coefs_[0], model.skip_coef_])
    assert hierarchy.violation(first) <= 0 and np.count_nonzero(model.coefs_[0])
    model.partial_fit(X, target)
    assert hierarchy.violation(np.hstack([model.coefs_[0], model.skip_coef_])) <= 0


@pytest.mark.parametrize("skip", [False, True])
def test_objective_reads_the_network_as_fitted_whatever_set_params_says_of_the_skip(skip):
    X, y = _linear_task(n_samples=200)
    model = L1MLPRegressor(
        hidden_layer_sizes=(6,), alpha=0.01, linear_skip=skip, max_iter=20, random_state=0
    ).fit(X, y)
    before = objective(model, X, y)
    model.set_params(linear_skip=not skip)
    assert objective(model, X, y) == before
    # The data term is the prediction's: the skip counts exactly when fitted with it.
    residual = np.mean((model.predict(X) - y) ** 2) / 2
    assert objective(model, X, y, include_penalty=False) == pytest.approx(residual, rel=1e-10)


def test_a_skip_works_with_sparse_input_and_early_stopping():
    X, y = _linear_task(n_samples=300)
    X[np.abs(X) < 1] = 0
    settings = dict(hidden_layer_sizes=(8,), alpha=0.01, linear_skip=True, random_state=0)
    dense = L1MLPRegressor(max_iter=40, **settings).fit(X, y)
    sparse = L1MLPRegressor(max_iter=40, **settings).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.skip_coef_, dense.skip_coef_, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(sparse.predict(X), dense.predict(sp.csc_matrix(X)), rtol=1e-6)
    stopped = L1MLPRegressor(early_stopping=True, max_iter=40, **settings).fit(X, y)
    assert stopped.best_validation_score_ == max(stopped.validation_scores_)


@pytest.mark.parametrize(
    "settings, message",
    [
        (dict(hidden_layer_sizes=(), linear_skip=True), "needs a hidden layer"),
        (dict(skip_hierarchy=3.0), "set linear_skip=True with it"),
        (dict(linear_skip=True, skip_hierarchy=3.0, solver="lbfgs"), "does not work with"),
    ],
)
def test_a_skip_the_network_or_solver_cannot_have_is_refused(settings, message):
    X, y = _linear_task(n_samples=50, n_features=4)
    with pytest.raises(ValueError, match=message):
        L1MLPRegressor(max_iter=5, **settings).fit(X, y)


def test_a_warm_start_cannot_add_or_remove_the_skip_and_keeps_the_model():
    X, y = _linear_task(n_samples=80, n_features=4)
    model = L1MLPRegressor(hidden_layer_sizes=(4,), max_iter=5, warm_start=True).fit(X, y)
    before = _all_params(model)
    with pytest.raises(ValueError, match="linear_skip=True does not match"):
        model.set_params(linear_skip=True).fit(X, y)
    np.testing.assert_array_equal(_all_params(model), before)
    assert model.skip_coef_ is None
