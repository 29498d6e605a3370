"""The CV's searches: one Candidate each, what each cost, and which one is kept."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sklearn_l1mlp import L1MLPClassifier, L1MLPClassifierCV, L1MLPRegressor, L1MLPRegressorCV
from sklearn_l1mlp._cv_search import DENSE_STEPS, Candidate, kept_search

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _wide_classification(n_samples=40, n_features=100, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))  # 2.5 columns a row: every candidate runs
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def test_every_search_is_one_candidate_with_its_cost_and_one_is_kept(capsys):
    X, y = _wide_classification()
    network = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=20, random_state=0)
    model = L1MLPClassifierCV(
        network, cv=3, n_alphas=3, linear_skip="auto", verbose=1, random_state=0
    ).fit(X, y)
    table = model.candidates_
    # Two screens, factors off, the skip on the kept search, the linear model.
    assert list(table["screen"][:3]) == ["auto", "sis", "auto"]
    assert list(table["linear_skip"]) == [False, False, False, True, False]
    assert list(table["linear"]) == [False, False, False, False, True]
    assert list(table["adaptive"][:3]) == [True, True, False]
    assert table["kept"].sum() == 1
    kept = np.flatnonzero(table["kept"])[0]
    assert table["screen"][kept] == model.screen_
    assert table["linear_skip"][kept] == model.linear_skip_
    assert table["linear"][kept] == model.linear_
    assert table["adaptive"][kept] == model.adaptive_
    assert table["mean_score"][kept] == model.best_score_
    assert np.all(table["seconds"] > 0) and np.all(table["n_fits"] >= 3 * 3)
    # Each search's cost is reported as it ends, in the same numbers.
    out = capsys.readouterr().out
    ends = [line for line in out.splitlines() if " chose a point with " in line]
    assert len(ends) == 5
    assert all(f"{n} fits in" in line for n, line in zip(table["n_fits"], ends, strict=True))


def test_the_fits_counted_are_the_fits_made(monkeypatch):
    X, y = _wide_classification()
    calls = []
    fit = L1MLPClassifier.fit

    def counting_fit(self, *args, **kwargs):
        calls.append(self.hidden_layer_sizes)
        return fit(self, *args, **kwargs)

    network = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=20, random_state=0)
    monkeypatch.setattr(L1MLPClassifier, "fit", counting_fit)
    # Explicit alphas and no factors: every fit but the final refit is a fold's.
    model = L1MLPClassifierCV(
        network, cv=3, alphas=[1.0, 0.3, 0.1, 0.03], adaptive=False, screen=None, linear=False
    ).fit(X, y)
    assert model.candidates_["n_fits"][0] == len(calls) - 1


def test_a_later_candidate_is_kept_only_when_better_by_a_standard_error():
    class Found:
        def __init__(self, score, error):
            self.compared_score, self.standard_errors, self.chosen = score, [error], 0

    first, close, clearly = Found(0.80, 0.02), Found(0.81, 0.02), Found(0.83, 0.02)
    assert kept_search([first, close]) is first
    assert kept_search([first, clearly]) is clearly
    assert "linear skip on" in Candidate("auto", True, 0.01, True).describe()


def test_a_skip_is_folded_into_the_users_units():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 6)) * [1, 10, 100, 1, 1, 1] + [0, 5, -50, 0, 0, 0]
    y = 3 * X[:, 0] + 0.2 * X[:, 1] + 100
    model = L1MLPRegressorCV(
        L1MLPRegressor(
            hidden_layer_sizes=(8,),
            max_iter=300,
            learning_rate_init=0.01,
            random_state=0,
            linear_skip=True,
        ),
        cv=3,
        n_alphas=4,
    ).fit(X, y)
    assert model.linear_skip_ and model.skip_coef_.shape == (6, 1)
    refit = model.estimator_
    columns = model.columns_read_
    raw = X[:, columns]
    hidden = np.maximum(raw @ refit.coefs_[0] + refit.intercepts_[0], 0)
    by_hand = hidden @ refit.coefs_[1] + refit.intercepts_[1] + raw @ refit.skip_coef_
    np.testing.assert_allclose(model.predict(X), by_hand[:, 0], rtol=1e-6)
    np.testing.assert_array_equal(model.skip_coef_[columns], refit.skip_coef_)
    assert model.score(X, y) > 0.95


def test_alphas_as_an_int_places_that_many_values():
    X, y = _wide_classification(n_samples=60, n_features=8)
    network = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=20, random_state=0)
    # A NumPy integer is a count too, as scikit-learn's constraint takes it.
    by_int = L1MLPClassifierCV(network, cv=3, alphas=np.int64(4), random_state=0).fit(X, y)
    by_count = L1MLPClassifierCV(network, cv=3, n_alphas=4, random_state=0).fit(X, y)
    np.testing.assert_array_equal(by_int.alphas_, by_count.alphas_)
    assert by_int.alphas_.size >= 4


def test_the_final_refits_convergence_warning_reaches_the_user():
    X, y = _wide_classification(n_samples=60, n_features=8)
    network = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        L1MLPClassifierCV(network, cv=3, n_alphas=3, random_state=0).fit(X, y)
    refits = [w for w in caught if "final refit" in str(w.message)]
    assert len(refits) == 1 and issubclass(refits[0].category, ConvergenceWarning)
    assert "max_iter" in str(refits[0].message)


def test_the_grid_goes_on_down_where_the_dense_end_scores_best(capsys):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 12))
    y = X @ rng.uniform(0.5, 1.5, size=12)  # every column counts: denser is better
    network = L1MLPRegressor(
        hidden_layer_sizes=(4,), max_iter=200, learning_rate_init=0.01, random_state=0
    )
    # A grid that stops at half its top cannot hold the best point.
    model = L1MLPRegressorCV(
        network, cv=3, n_alphas=4, alpha_min_ratio=0.5, verbose=1, random_state=0
    ).fit(X, y)
    steps = model.alphas_[:-1] / model.alphas_[1:]
    np.testing.assert_allclose(steps, steps[0])  # one geometric grid, extended in its steps
    extensions = capsys.readouterr().out.count("grid goes on down")
    assert extensions >= 1
    placed_end = model.alphas_[-1 - extensions * DENSE_STEPS]
    assert model.alpha_ < placed_end  # chosen among the points the extension added
    given = L1MLPRegressorCV(network, cv=3, alphas=model.alphas_[:4], random_state=0).fit(X, y)
    np.testing.assert_array_equal(given.alphas_, model.alphas_[:4])  # given values stay
