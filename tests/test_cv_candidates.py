"""Which searches a CV fit runs and keeps: the linear model beside the network."""

import numpy as np
import pytest

from sklearn_l1mlp import L1MLPClassifier, L1MLPClassifierCV, L1MLPRegressorCV
from sklearn_l1mlp._cv_candidates import skip_candidates
from sklearn_l1mlp._cv_prepare import L2_PER_ROW, LINEAR_L2_PER_ROW

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _spread_linear(n_samples=100, n_features=2000, n_classes=3, n_shifted=300, seed=0):
    """Classes that differ a little in many columns (a gene-expression proxy).

    Each of ``n_shifted`` columns moves a quarter of a standard deviation
    up or down by class: a linear rule spread over more columns than a
    network's screened path reaches.
    """
    rng = np.random.RandomState(seed)
    y = rng.permutation(np.arange(n_samples) % n_classes)
    means = np.zeros((n_classes, n_features))
    shifted = rng.choice(n_features, n_shifted, replace=False)
    means[:, shifted] = rng.choice([-0.25, 0.25], size=(n_classes, n_shifted))
    return rng.normal(size=(n_samples, n_features)) + means[y], y, shifted


def _circle(n_samples=100, n_features=150, seed=0):
    """Wide data whose rule no linear model can draw: inside or outside a circle."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    return X, (X[:, 0] ** 2 + X[:, 1] ** 2 > 1.4).astype(int)


def test_skip_candidates_are_the_network_s_own_or_both():
    assert skip_candidates("auto") == [False, True]
    assert skip_candidates(None) == [None]
    assert skip_candidates(True) == [True]


def test_auto_keeps_the_linear_model_where_a_linear_rule_is_spread_over_many_columns():
    X, y, shifted = _spread_linear()
    model = L1MLPClassifierCV(linear="auto", n_alphas=5, cv=3, random_state=0).fit(X, y)
    table = model.candidates_
    # The linear model's searches are the last, unscreened, without factors,
    # one per ridge term; here the heavier term is kept.
    n_linear = len(LINEAR_L2_PER_ROW)
    n_network = table["linear"].size - n_linear
    assert list(table["linear"]) == [False] * n_network + [True] * n_linear
    assert all(screen is None for screen in table["screen"][-n_linear:])
    assert not table["adaptive"][-n_linear:].any()
    np.testing.assert_allclose(
        table["l2_alpha"][-n_linear:], np.array(LINEAR_L2_PER_ROW) / X.shape[0]
    )
    assert table["kept"][-1] and model.linear_ and not model.linear_skip_
    assert model.l2_alpha_ == pytest.approx(LINEAR_L2_PER_ROW[-1] / X.shape[0])
    kept = table["mean_score"][-1]
    assert kept > table["mean_score"][:n_network].max()
    assert kept > table["mean_score"][-2] + table["standard_error"][-2]
    assert model.estimator_.hidden_layer_sizes == ()
    assert [coef.shape for coef in model.coefs_] == [(X.shape[1], 3)]
    # Many columns, a shifted one far likelier among them than another.
    assert model.n_features_selected_ > 100
    others = np.setdiff1d(np.arange(X.shape[1]), shifted)
    assert model.support_[shifted].mean() > 2 * model.support_[others].mean()


def test_with_max_features_the_linear_model_competes_at_the_fixed_count():
    X, y, shifted = _spread_linear()
    model = L1MLPClassifierCV(max_features=10, n_alphas=5, cv=3, random_state=0).fit(X, y)
    table = model.candidates_
    assert table["linear"].tolist() == [False, True]
    # Compared at 10 columns: both paths jump past 10 in one grid step, so
    # each chosen point's own score is not the one compared.
    assert (table["n_features"] > 10).all()
    assert table["mean_score"][table["kept"]][0] < model.best_score_
    assert table["kept"][-1] == (
        table["mean_score"][-1] > table["mean_score"][0] + table["standard_error"][0]
    )
    assert model.linear_ == table["kept"][-1]
    assert model.n_features_selected_ == 10
    assert np.isin(np.flatnonzero(model.support_), shifted).mean() >= 0.8


def test_auto_keeps_the_network_where_the_rule_is_not_linear():
    X, y = _circle()
    model = L1MLPClassifierCV(linear="auto", n_alphas=6, cv=3, random_state=0).fit(X, y)
    assert model.candidates_["linear"][-1]
    assert not model.linear_ and not model.candidates_["kept"][-1]
    assert model.estimator_.hidden_layer_sizes != ()
    assert set(np.flatnonzero(model.support_)) >= {0, 1}


@pytest.mark.parametrize(
    "linear, n_features, hidden",
    [(False, 100, None), ("auto", 30, None), ("auto", 100, ())],
    ids=["off", "narrow", "linear_already"],
)
def test_no_linear_model_off_on_narrow_data_or_if_linear_already(linear, n_features, hidden):
    X, y = _spread_linear(n_samples=60, n_features=n_features, n_shifted=10)[:2]
    model = L1MLPClassifierCV(
        hidden_layer_sizes=hidden,
        linear=linear,
        n_alphas=3,
        cv=3,
        max_iter=60,
        random_state=0,
    ).fit(X, y)
    assert not model.candidates_["linear"].any()
    # linear_ says what the final model is: linear when it has no hidden layer.
    assert model.linear_ == (hidden == ())


def test_linear_true_runs_the_linear_model_alone_with_each_ridge_term():
    X, y = _spread_linear(n_samples=60, n_features=40, n_shifted=10)[:2]
    model = L1MLPClassifierCV(linear=True, n_alphas=4, cv=3, random_state=0).fit(X, y)
    table = model.candidates_
    assert table["linear"].all() and table["kept"].sum() == 1
    # The default network's term first, then the heavier one.
    assert L2_PER_ROW == LINEAR_L2_PER_ROW[0] < LINEAR_L2_PER_ROW[-1]
    np.testing.assert_allclose(table["l2_alpha"], np.array(LINEAR_L2_PER_ROW) / X.shape[0])
    # The heavier term is kept only where it scores better by a standard error.
    heavier_kept = table["mean_score"][1:] > table["mean_score"][0] + table["standard_error"][0]
    assert table["kept"][1:].tolist() == heavier_kept.tolist()
    assert model.estimator_.l2_alpha == pytest.approx(table["l2_alpha"][table["kept"]][0])
    assert model.screen_ is None and not model.adaptive_


@pytest.mark.parametrize(
    "settings, ridge",
    [({"l2_alpha": 0.02}, 0.02), ({"max_features": 3}, 0.0)],
    ids=["ridge_given", "max_features"],
)
def test_linear_model_tries_one_ridge_term_given_one_or_a_fixed_count(settings, ridge):
    X, y = _spread_linear(n_samples=60, n_features=40, n_shifted=10)[:2]
    model = L1MLPClassifierCV(linear=True, n_alphas=3, cv=3, random_state=0, **settings)
    table = model.fit(X, y).candidates_
    assert table["l2_alpha"].tolist() == [ridge] and table["kept"].tolist() == [True]


def test_the_linear_model_of_a_network_with_a_skip_and_hierarchy_drops_both():
    X, y = _spread_linear(n_samples=60, n_features=40, n_shifted=10)[:2]
    network = L1MLPClassifier(
        hidden_layer_sizes=(4,), linear_skip=True, skip_hierarchy=2.0, max_iter=30
    )
    model = L1MLPClassifierCV(network, linear=True, n_alphas=3, cv=3, random_state=0).fit(X, y)
    assert model.estimator_.hidden_layer_sizes == ()
    assert not model.estimator_.linear_skip and model.estimator_.skip_hierarchy is None
    assert model.skip_coef_ is None


def test_the_linear_regressor_predicts_x_times_its_coefficients_in_the_user_s_units():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(80, 30)) * rng.uniform(0.1, 100, size=30) + 7.0
    y = X[:, :5] @ np.array([1.0, -2.0, 0.5, 0.02, -0.01]) * 10 + 300.0
    model = L1MLPRegressorCV(linear=True, n_alphas=5, cv=3, random_state=0).fit(X, y)
    (coef,) = model.coefs_
    np.testing.assert_allclose(model.predict(X), X @ coef[:, 0] + model.intercepts_[0][0])
    assert model.score(X, y) > 0.9


def test_verbose_names_the_linear_search(capsys):
    X, y = _spread_linear(n_samples=40, n_features=80, n_shifted=10)[:2]
    L1MLPClassifierCV(linear="auto", n_alphas=3, cv=3, max_iter=60, verbose=1, random_state=0).fit(
        X, y
    )
    headers = [line for line in capsys.readouterr().out.splitlines() if "] search " in line]
    assert "a linear model (no hidden layer), screen=None" in headers[-2]
    n_searches = int(headers[0].split(" of ")[1].split(":")[0])
    assert headers[-2].split(":")[0].endswith(f"search {n_searches} of {n_searches}")


def test_candidates_report_the_ridge_term_of_a_network_given():
    X, y = _spread_linear(n_samples=40, n_features=80, n_shifted=10)[:2]
    network = L1MLPClassifier(hidden_layer_sizes=(4,), l2_alpha=0.05, max_iter=30)
    model = L1MLPClassifierCV(network, n_alphas=3, cv=3, random_state=0).fit(X, y)
    assert np.all(model.candidates_["l2_alpha"] == 0.05)
    assert model.l2_alpha_ == 0.05
