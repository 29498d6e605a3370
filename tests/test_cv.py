"""L1MLPRegressorCV and L1MLPClassifierCV: recovery, the selection rule, the API."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.stats import spearmanr
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.feature_selection import SelectFromModel
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from sklearn_l1mlp import L1MLPClassifier, L1MLPClassifierCV, L1MLPRegressor, L1MLPRegressorCV
from sklearn_l1mlp._cv_choice import last_trusted_point
from sklearn_l1mlp._cv_prepare import (
    adaptive_candidates,
    linear_ridge_candidates,
    ridge_candidates,
    screen_candidates,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

NETWORK = dict(hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=500, random_state=0)


def _nonlinear_regression(n_samples, n_features, seed):
    """y depends on 5 features through sin, a product, a square and an absolute value."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = (
        np.sin(2 * X[:, 0])
        + X[:, 1] * X[:, 2]
        + X[:, 3] ** 2
        - np.abs(X[:, 4])
        + 0.1 * rng.normal(size=n_samples)
    )
    return X, y, 5


def _xor(n_samples, n_features, seed):
    """The sign of x0 * x1: no linear model does better than chance."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int), 2


TASKS = {
    "5 of 50": (_nonlinear_regression, 600, 50, L1MLPRegressor, L1MLPRegressorCV),
    "5 of 200": (_nonlinear_regression, 1000, 200, L1MLPRegressor, L1MLPRegressorCV),
    "xor, 2 of 20": (_xor, 600, 20, L1MLPClassifier, L1MLPClassifierCV),
}


def _cv_model(network_class, cv_class, **params):
    template = network_class(alpha=0.03, feature_alpha=1.0, **NETWORK)
    return cv_class(template, cv=3, **params)


@pytest.fixture(scope="module", params=list(TASKS))
def recovery(request):
    make_task, n_samples, n_features, network_class, cv_class = TASKS[request.param]
    X, y, n_informative = make_task(n_samples, n_features, seed=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    model = _cv_model(network_class, cv_class).fit(X_train, y_train)
    oracle = network_class(alpha=1e-3, **NETWORK).fit(X_train[:, :n_informative], y_train)
    return {
        "model": model,
        "score": model.score(X_test, y_test),
        "oracle_score": oracle.score(X_test[:, :n_informative], y_test),
        "n_informative": n_informative,
        "data": (X_train, X_test, y_train, y_test),
        "classes": (network_class, cv_class),
    }


def test_cv_estimator_recovers_the_informative_features(recovery):
    selected = set(np.flatnonzero(recovery["model"].support_))
    informative = set(range(recovery["n_informative"]))
    f1 = 2 * len(selected & informative) / (len(selected) + len(informative))
    assert f1 >= 0.8, sorted(selected)
    assert recovery["score"] >= recovery["oracle_score"] - 0.03


def test_a_linear_model_cannot_do_what_the_cv_estimator_does(recovery):
    X_train, X_test, y_train, y_test = recovery["data"]
    linear = LinearRegression() if recovery["n_informative"] == 5 else LogisticRegression()
    assert linear.fit(X_train, y_train).score(X_test, y_test) < recovery["score"] - 0.3


def test_features_grow_as_alpha_falls_along_every_fold_path(recovery):
    results = recovery["model"].cv_results_
    alphas = results["alpha"]
    assert np.all(np.diff(alphas) < 0)  # largest first
    n_folds = 3
    for fold in range(n_folds):
        counts = results[f"split{fold}_n_features"]
        # Allow wiggles of one feature; assert the trend.
        assert np.all(np.diff(counts) >= -1), counts
        assert counts[-1] >= counts[0]
        if counts[-1] > counts[0]:
            assert spearmanr(alphas, counts).statistic < 0


def _tied_for_best(mean):
    return np.flatnonzero(np.isclose(mean, mean.max(), rtol=1e-12, atol=1e-12))


def test_the_default_choice_is_the_best_mean_score_lowest_loss_on_ties(recovery):
    model = recovery["model"]
    mean = model.cv_results_["mean_test_score"]
    tied = _tied_for_best(mean)
    losses = model.cv_results_["mean_test_loss"]
    assert model.best_index_ == tied[np.argmin(losses[tied])]
    assert model.best_score_ == mean[model.best_index_]
    assert model.alpha_ == pytest.approx(model.cv_results_["alpha"][model.best_index_])
    assert model.alpha_ == pytest.approx(0.03 * model.feature_alpha_)
    # The mean is the mean over the folds' scores.
    folds = np.array([model.cv_results_[f"split{k}_test_score"] for k in range(3)])
    np.testing.assert_allclose(mean, folds.mean(axis=0))
    fold_losses = np.array([model.cv_results_[f"split{k}_test_loss"] for k in range(3)])
    np.testing.assert_allclose(losses, fold_losses.mean(axis=0))
    assert np.all(losses > 0)  # the squared error of held-out rows
    assert model.cv_results_["rank_test_score"][np.argmax(mean)] == 1


def test_fitted_attributes_describe_the_final_model(recovery):
    model = recovery["model"]
    X_train, X_test, _, _ = recovery["data"]
    n_features = X_train.shape[1]
    assert model.n_features_in_ == n_features
    assert model.support_.shape == (n_features,) and model.support_.dtype == bool
    assert model.n_features_selected_ == model.support_.sum()
    np.testing.assert_array_equal(model.feature_importances_ > 0, model.support_)
    assert model.coefs_[0].shape == (n_features, 32)
    np.testing.assert_array_equal(np.any(model.coefs_[0] != 0, axis=1)[~model.support_], False)
    # The final model reads only its columns; predictions match it exactly.
    columns = model.columns_read_
    np.testing.assert_array_equal(
        model.predict(X_test), model.estimator_.predict(X_test[:, columns])
    )
    assert model.estimator_.n_features_in_ == columns.size


def test_selection_does_not_move_with_a_higher_tolerance_downward():
    X, y, _ = _nonlinear_regression(300, 10, seed=0)
    strict = _cv_model(L1MLPRegressor, L1MLPRegressorCV, score_tolerance=0.0, n_alphas=6)
    loose = clone(strict).set_params(score_tolerance=0.2)
    strict.fit(X, y)
    loose.fit(X, y)
    np.testing.assert_allclose(
        strict.cv_results_["mean_test_score"], loose.cv_results_["mean_test_score"]
    )
    assert strict.best_index_ == np.argmax(strict.cv_results_["mean_test_score"])
    assert loose.best_index_ <= strict.best_index_  # sparser or the same


@pytest.fixture(scope="module")
def small_regression():
    X, y, _ = _nonlinear_regression(300, 10, seed=1)
    return X, y


def _small_template(network_class):
    return network_class(
        hidden_layer_sizes=(16,),
        alpha=0.03,
        feature_alpha=1.0,
        learning_rate_init=0.01,
        max_iter=200,
        random_state=0,
    )


def _small(**params):
    return L1MLPRegressorCV(_small_template(L1MLPRegressor), cv=3, n_alphas=5, **params)


def test_parallel_folds_give_the_local_result(small_regression):
    X, y = small_regression
    local = _small(n_jobs=1).fit(X, y)
    parallel = _small(n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(
        local.cv_results_["mean_test_score"], parallel.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(local.predict(X), parallel.predict(X))


def test_verbose_prints_a_line_per_path_point_per_fold(small_regression, capsys):
    X, y = small_regression
    model = _small(verbose=1).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    folds = [line for line in lines if line.startswith("[fold ")]
    n_points = len(model.alphas_)  # 5, and more where the grid was extended up
    assert len(folds) == 3 * n_points
    assert folds[0].startswith(f"[fold 1/3, point 1/{n_points}] alpha=")
    assert all("features" in line and "relaxed" in line for line in folds)
    assert f"uses {model.n_features_selected_} of 10 features" in lines[-1]


def test_the_importance_path_is_the_folds_mean_at_each_point(small_regression):
    X, y = small_regression
    model = _small().fit(X, y)
    path = model.importance_path_
    assert path.shape == (len(model.alphas_), 10) and len(model.alphas_) >= 5
    # Each fold's network has importances summing to 1, or none at all.
    used_by_any = [
        set().union(*(model.cv_results_[f"split{k}_features"][point] for k in range(3)))
        for point in range(5)
    ]
    for point in range(5):
        assert set(np.flatnonzero(path[point])) == used_by_any[point]
        assert path[point].sum() == pytest.approx(
            np.mean([model.cv_results_[f"split{k}_n_features"][point] > 0 for k in range(3)])
        )


def test_works_in_select_from_model_and_pipeline(small_regression):
    X, y = small_regression
    selector = SelectFromModel(_small(), threshold=1e-12)
    pipeline = make_pipeline(selector, LinearRegression()).fit(X, y)
    fitted = pipeline[0].estimator_
    np.testing.assert_array_equal(pipeline[0].get_support(), fitted.support_)
    assert pipeline.predict(X).shape == (300,)


def test_explicit_alphas_and_no_adaptive_step(small_regression):
    X, y = small_regression
    model = _small(alphas=[1e-3, 1e-1, 1e-2], adaptive=False).fit(X, y)
    # As in l1_path, a value is alpha itself; feature_alpha keeps the template's mix.
    np.testing.assert_allclose(model.alphas_, [1e-1, 1e-2, 1e-3])
    np.testing.assert_allclose(
        model.cv_results_["feature_alpha"], np.array([1e-1, 1e-2, 1e-3]) / 0.03
    )


def test_no_feature_selected_gives_a_constant_model(small_regression):
    X, y = small_regression
    model = _small(alphas=[1e3]).fit(X, y)
    assert model.n_features_selected_ == 0 and model.columns_read_.size == 0
    np.testing.assert_allclose(model.predict(X), y.mean())
    assert model.coefs_ is None
    np.testing.assert_array_equal(model.feature_importances_, 0.0)


def test_classifier_cv_has_classes_and_probabilities():
    X, y, _ = _xor(300, 6, seed=0)
    labels = np.array(["no", "yes"])[y]
    model = L1MLPClassifierCV(_small_template(L1MLPClassifier), cv=3, n_alphas=4).fit(X, labels)
    np.testing.assert_array_equal(model.classes_, ["no", "yes"])
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(proba))


def test_pandas_input_keeps_feature_names(small_regression):
    pd = pytest.importorskip("pandas")
    X, y = small_regression
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    model = _small().fit(frame, y)
    np.testing.assert_array_equal(model.feature_names_in_, frame.columns)
    np.testing.assert_allclose(model.predict(frame), _small().fit(X, y).predict(X))


def test_a_failed_fit_leaves_the_fitted_model_as_it_was(small_regression):
    X, y = small_regression
    model = _small().fit(X, y)
    before = dict(model.__dict__)
    bad_y = y.copy()
    bad_y[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.fit(X, bad_y)
    assert model.__dict__.keys() == before.keys()
    for name, value in before.items():
        assert model.__dict__[name] is value


def test_wrong_estimator_type_is_a_clear_error(small_regression):
    X, y = small_regression
    with pytest.raises(TypeError, match="needs an L1MLPRegressor as estimator"):
        L1MLPRegressorCV(L1MLPClassifier()).fit(X, y)


# -- units, seeds, settings and the number of features -----------------------
def _quick_cv(cv_class=L1MLPRegressorCV, **params):
    settings = dict(hidden_layer_sizes=(16,), max_iter=200, cv=3, n_alphas=5, random_state=0)
    return cv_class(**{**settings, **params})


def test_rescaling_columns_does_not_change_the_selection(small_regression):
    X, y = small_regression
    units = 10.0 ** np.random.RandomState(2).uniform(-3, 3, size=X.shape[1])
    plain = _quick_cv().fit(X, y)
    rescaled = _quick_cv().fit(X * units, y * 1e4 + 7)
    np.testing.assert_array_equal(plain.support_, rescaled.support_)
    np.testing.assert_allclose(
        plain.cv_results_["mean_test_score"], rescaled.cv_results_["mean_test_score"], atol=1e-6
    )
    # Predictions and weights are in the user's units: the same function.
    np.testing.assert_allclose(rescaled.predict(X * units), plain.predict(X) * 1e4 + 7, rtol=1e-5)
    np.testing.assert_allclose(rescaled.feature_importances_, plain.feature_importances_)


def test_raw_units_without_standardizing_lose_what_standardizing_keeps(small_regression):
    X, y = small_regression
    # The two factors of the product x1 * x2, in tiny units.
    X = X * np.r_[1, 1e-3, 1e-3, np.ones(X.shape[1] - 3)]
    kept = _quick_cv().fit(X, y).support_
    raw = _quick_cv(standardize=False).fit(X, y).support_
    assert kept[1:3].all() and not raw[1:3].any()


def test_constant_columns_are_never_selected_and_sparse_input_is_scaled(small_regression):
    X, y = small_regression
    X = np.column_stack([X, np.full(X.shape[0], 3.0)])
    model = _quick_cv().fit(sp.csr_matrix(X), y)
    assert not model.support_[-1] and model.support_.any()
    assert model.predict(sp.csr_matrix(X)).shape == y.shape
    with pytest.raises(ValueError, match="Every column of X is constant"):
        _quick_cv().fit(np.ones((30, 3)), y[:30])


def test_a_seed_repeats_the_fit_whatever_numpys_global_state(small_regression):
    X, y = small_regression
    np.random.seed(1)  # noqa: NPY002 (the global state is what this test varies)
    first = _quick_cv(random_state=3).fit(X, y)
    np.random.seed(2)  # noqa: NPY002
    second = _quick_cv(random_state=3).fit(X, y)
    np.testing.assert_array_equal(first.support_, second.support_)
    assert first.alpha_ == second.alpha_
    np.testing.assert_array_equal(first.predict(X), second.predict(X))


@pytest.mark.parametrize(
    "n_samples, n_features, adaptive", [(120, 60, True), (40, 60, True), (24, 150, False)]
)
def test_auto_matches_the_path_it_keeps(n_samples, n_features, adaptive):
    # One path up to a column a row, none above five; in between the CV
    # scores both and keeps the adaptive one here (few columns carry y).
    X, y, _ = _nonlinear_regression(n_samples, n_features, seed=0)
    model = _quick_cv(n_alphas=3).fit(X, y)
    assert model.adaptive_ is adaptive
    forced = _quick_cv(n_alphas=3, adaptive=adaptive).fit(X, y)
    assert forced.adaptive_ is adaptive
    np.testing.assert_array_equal(
        model.cv_results_["mean_test_score"], forced.cv_results_["mean_test_score"]
    )


def test_auto_tries_both_paths_only_between_one_and_five_columns_per_row():
    assert adaptive_candidates("auto", 300, 300) == [True]
    assert adaptive_candidates("auto", 100, 301) == [True, False]
    assert adaptive_candidates("auto", 100, 500) == [True, False]
    assert adaptive_candidates("auto", 100, 501) == [False]
    assert adaptive_candidates("auto", 100, 301, max_features=10) == [True]
    assert adaptive_candidates(True, 10, 501) == [True]
    assert adaptive_candidates(False, 300, 3) == [False]


def test_where_many_columns_carry_the_signal_the_path_goes_on_to_them():
    # 100 rows, 300 columns, 150 of them shifted a little by class: the
    # adaptive first fit separates the rows with a few, and its factors
    # shut the rest out near the grid's dense end (CV mean 0.96 with 39
    # columns). The dense end scores best, so the grid goes on down and
    # reaches the many columns with the factors as without them (58 columns,
    # CV mean 1.0 against 0.98 without the factors, measured on this draw).
    rng = np.random.RandomState(0)
    y = np.arange(100) % 2
    X = rng.normal(size=(100, 300))
    X[:, :150] += 0.3 * np.where(y[:, None] == 1, 1, -1) * rng.choice([-1, 1], size=150)
    model = L1MLPClassifierCV(random_state=0, cv=3).fit(X, y)
    table = model.candidates_
    off = np.flatnonzero(~table["adaptive"].astype(bool))[0]  # tried both ways
    assert table["adaptive"][0] and table["mean_score"][0] >= table["mean_score"][off]
    assert model.n_features_selected_ >= 50
    assert model.support_[:150].mean() > 10 * model.support_[150:].mean()


def test_the_folds_paths_start_from_the_empty_network(small_regression):
    # The grid reaches up to where a warm-started fit uses nothing, above alpha_max.
    X, y = small_regression
    model = _quick_cv(adaptive=False).fit(X, y)
    assert len(model.alphas_) > 5
    for fold in range(3):
        assert model.cv_results_[f"split{fold}_n_features"][0] <= 1


def test_one_setting_changes_without_losing_the_tuned_defaults():
    model = L1MLPRegressorCV().set_params(hidden_layer_sizes=(8,), max_iter=50, random_state=0)
    template = model._template(np.zeros(3))
    assert template.hidden_layer_sizes == (8,) and template.max_iter == 50
    # The tuned penalty and step stay, and differ from a plain network's.
    tuned = ("alpha", "feature_alpha", "learning_rate_init")
    assert [getattr(template, name) for name in tuned] == [1.0, 0.0, 0.01]
    assert [getattr(L1MLPRegressor(), name) for name in tuned] != [1.0, 0.0, 0.01]
    # A given network's own settings stay unless one is given here too.
    given = L1MLPRegressorCV(L1MLPRegressor(max_iter=7, alpha=0.5), l1_mode="cumulative")
    template = given._template(np.zeros(3))
    assert template.max_iter == 7 and template.l1_mode == "cumulative"


def test_the_default_network_has_two_hidden_units_per_class_past_sixteen():
    many, few = np.arange(60) % 26, np.arange(60) % 10
    assert L1MLPClassifierCV()._template(many).hidden_layer_sizes == (52,)
    assert L1MLPClassifierCV()._template(few).hidden_layer_sizes == (32,)
    assert L1MLPRegressorCV()._template(np.zeros((5, 20))).hidden_layer_sizes == (40,)
    # A width given here, or a network given, is kept.
    assert L1MLPClassifierCV(hidden_layer_sizes=(8,))._template(many).hidden_layer_sizes == (8,)
    given = L1MLPClassifierCV(L1MLPClassifier(hidden_layer_sizes=(5,)))
    assert given._template(many).hidden_layer_sizes == (5,)
    # The fitted network has them.
    labels = np.arange(120) % 20
    X = np.random.RandomState(0).normal(size=(120, 3))
    X[:, 0] += 4 * labels  # column 0 tells the classes apart
    model = L1MLPClassifierCV(cv=2, n_alphas=3, max_iter=30, random_state=0).fit(X, labels)
    assert model.support_[0] and model.estimator_.coefs_[0].shape[1] == 40


def test_the_default_networks_ridge_term_is_one_over_the_rows(small_regression):
    assert ridge_candidates(200, 200) == [pytest.approx(1 / 200)]
    # Wider: none first, the term tried beside it; a fixed count: none.
    assert ridge_candidates(200, 201) == [0.0, pytest.approx(1 / 200)]
    assert ridge_candidates(200, 50, max_features=5) == [0.0]
    # The linear model: that term, then one a hundred times heavier.
    assert linear_ridge_candidates(200) == [pytest.approx(1 / 200), pytest.approx(100 / 200)]
    assert linear_ridge_candidates(200, max_features=5) == [0.0]
    assert L1MLPRegressorCV()._template(np.zeros(200), 0.005).l2_alpha == 0.005
    # A value given here, or a network given, is kept.
    assert L1MLPRegressorCV(l2_alpha=0.0)._template(np.zeros(200), 0.005).l2_alpha == 0.0
    given = L1MLPRegressorCV(L1MLPRegressor(l2_alpha=0.25))
    assert given._template(np.zeros(200), 0.005).l2_alpha == 0.25
    # Every fit inside has it, the final network too, and it shrinks the weights.
    X, y = small_regression  # 300 rows, 10 columns
    ridge = _quick_cv().fit(X, y)
    plain = _quick_cv(l2_alpha=0.0).fit(X, y)
    assert ridge.l2_alpha_ == ridge.estimator_.l2_alpha == pytest.approx(1 / X.shape[0])
    assert plain.l2_alpha_ == plain.estimator_.l2_alpha == 0.0
    size = [np.sum(model.estimator_.coefs_[1] ** 2) for model in (ridge, plain)]
    assert size[0] < size[1]


@pytest.mark.parametrize("data", ["faint_dense_signal", "wide_regression"])
def test_wide_data_keeps_the_ridge_term_only_where_it_scores_better(data, request):
    # The classes of faint_dense_signal differ by 0.2 standard deviations in
    # 200 of 400 columns; y of wide_regression acts through x0**2 and x1 alone.
    X, y = request.getfixturevalue(data)
    cv_class = L1MLPClassifierCV if data == "faint_dense_signal" else L1MLPRegressorCV
    # The network's own decision (the linear model, tried after it, has its own terms).
    model = cv_class(random_state=0, cv=3, linear=False).fit(X, y)
    table = model.candidates_
    ridged = np.flatnonzero(table["l2_alpha"] > 0)[0]
    # The term is tried on the search kept so far: the same candidate without it.
    without = next(
        i
        for i in range(ridged)
        if table["l2_alpha"][i] == 0
        and table["screen"][i] == table["screen"][ridged]
        and table["adaptive"][i] == table["adaptive"][ridged]
    )
    assert table["l2_alpha"][ridged] == pytest.approx(1 / X.shape[0])
    gain = table["mean_score"][ridged] - table["mean_score"][without]
    assert table["kept"][ridged] == (gain > table["standard_error"][without])
    assert model.l2_alpha_ == (table["l2_alpha"][ridged] if table["kept"][ridged] else 0.0)
    forced = cv_class(random_state=0, cv=3, linear=False, l2_alpha=model.l2_alpha_).fit(X, y)
    np.testing.assert_array_equal(model.support_, forced.support_)
    assert model.best_score_ == forced.best_score_


@pytest.mark.parametrize("rule", ["best", "one_standard_error", "tolerance"])
def test_each_rule_picks_the_point_it_names(small_regression, rule):
    X, y = small_regression
    model = _quick_cv(rule=rule).fit(X, y)
    results = model.cv_results_
    mean, std = results["mean_test_score"], results["std_test_score"]
    best = int(np.argmax(mean))
    bar = {
        "best": mean[best],
        # glmnet's error: the sample std (ddof=1) over sqrt(3) folds, and
        # std_test_score is ddof=0: std * sqrt(3 / 2) / sqrt(3) = std / sqrt(2).
        "one_standard_error": mean[best] - std[best] / np.sqrt(2),
        "tolerance": mean[best] - model.score_tolerance,
    }[rule]
    assert model.best_index_ == np.flatnonzero(mean >= bar)[0]
    assert model.best_index_ <= best  # never denser than the best


def _majority(results, point, n_features, n_folds=3):
    """The columns more than half of the folds use at ``point``, read off ``cv_results_``."""
    used = np.concatenate([results[f"split{k}_features"][point] for k in range(n_folds)])
    return np.bincount(used, minlength=n_features) > n_folds / 2


def test_max_features_takes_the_chosen_points_most_important_columns_then_path_order():
    # Seed 2: column 2 enters the path first, but the chosen point leans on 3 and 1 most.
    X, y, _ = _nonlinear_regression(300, 10, seed=2)
    free = _quick_cv(l2_alpha=0.0).fit(X, y)  # with max_features the ridge term is 0
    frequency = free.selection_frequency_
    assert frequency.shape == (X.shape[1],) and set(np.unique(frequency)) <= {0, 1 / 3, 2 / 3, 1}
    np.testing.assert_array_equal(free.columns_read_, np.flatnonzero(frequency > 0.5))
    # The same seed gives the same path, so the k columns can be read off it.
    majority = np.array(
        [_majority(free.cv_results_, point, X.shape[1]) for point in range(len(free.alphas_))]
    )
    best = free.best_index_
    at_best = np.flatnonzero(majority[best])
    by_importance = at_best[np.argsort(-free.importance_path_[best, at_best], kind="stable")]
    assert at_best.size > 3
    assert list(by_importance[:2]) == [3, 1]
    for k in (1, 2):
        model = _quick_cv(max_features=k).fit(X, y)
        np.testing.assert_array_equal(
            model.cv_results_["n_features"], free.cv_results_["n_features"]
        )
        # The chosen point's k most important (the path's order fills the
        # places past its columns: test_cv_choice).
        np.testing.assert_array_equal(model.columns_read_, np.sort(by_importance[:k]))
        assert model.cv_results_["n_features"][model.best_index_] >= k
        assert model.n_features_selected_ <= k


def test_max_features_past_a_falling_path_takes_only_marginally_associated_columns():
    # MADELON's generator: 3 informative columns and 6 linear mixtures of
    # them, then noise. One column scores best; the path then takes noise.
    X, y = make_classification(
        n_samples=300,
        n_features=60,
        n_informative=3,
        n_redundant=6,
        n_clusters_per_class=4,
        flip_y=0.01,
        shuffle=False,
        random_state=0,
    )
    model = _quick_cv(L1MLPClassifierCV, max_features=10).fit(X, y)
    results = model.cv_results_
    last = last_trusted_point(results["mean_test_score"], results["std_test_score"] / np.sqrt(3))
    assert last < len(results["alpha"]) - 1  # the path did fall
    trusted = np.flatnonzero(_majority(results, last, X.shape[1]))
    assert np.isin(trusted, model.columns_read_).all()
    assert trusted.size < model.columns_read_.size <= 10  # the marginal test made up places
    assert (model.columns_read_ < 9).all()  # and every place went to a relevant column


@pytest.mark.parametrize("n_features, max_features", [(8, 2), (300, None)])
def test_multilabel_targets_through_max_features_and_the_screen(n_features, max_features):
    # Both score columns by the marginal test: a fixed count's fill-up, and
    # the screen of data with more than five columns a row.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, n_features))
    labels = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0]).astype(int)
    model = _quick_cv(L1MLPClassifierCV, max_features=max_features).fit(X, labels)
    assert model.predict(X).shape == labels.shape
    assert model.screen_ in ("auto", "sis")  # 300 columns of 40 rows are screened
    if max_features is not None:
        assert 0 < model.columns_read_.size <= max_features


@pytest.fixture(scope="module")
def raw_breast_cancer(raw_cancer):
    """The CV classifier with its defaults on a real data set in its raw units."""
    X, y = raw_cancer
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    model = L1MLPClassifierCV(random_state=0).fit(X_train, y_train)
    return model, model.score(X_test, y_test)


def test_raw_units_of_a_real_data_set_do_not_spoil_the_selection(raw_breast_cancer):
    # Before the columns were standardized inside fit, six runs scored 0.39 to 0.92.
    model, score = raw_breast_cancer
    assert score >= 0.92
    assert 1 <= model.n_features_selected_ <= 15


def test_accuracy_ties_on_a_real_data_set_go_to_the_lower_log_loss(raw_cancer):
    # Accuracy moves in steps of a row: on this flat curve several points tie
    # (without the ridge term; with it, this split has one best point).
    X, y = raw_cancer
    X_train, _, y_train, _ = train_test_split(X, y, stratify=y, random_state=0)
    model = L1MLPClassifierCV(random_state=0, l2_alpha=0.0).fit(X_train, y_train)
    results = model.cv_results_
    tied = _tied_for_best(results["mean_test_score"])
    assert tied.size > 1
    assert model.best_index_ == tied[np.argmin(results["mean_test_loss"][tied])]
    assert model.best_index_ != tied[0]  # not the sparsest of them: its log-loss is higher


def test_the_path_adds_features_a_few_at_a_time_on_a_real_data_set(raw_breast_cancer):
    model, _ = raw_breast_cancer
    for counts in [model.cv_results_["n_features"]] + [
        model.cv_results_[f"split{fold}_n_features"] for fold in range(5)
    ]:
        steps = np.diff(counts)
        assert counts[0] <= 3, counts  # the sparse end starts (nearly) empty
        # A few at a time (one grid step, a factor 1.67 in penalty, has
        # brought up to 4 in with the per-weight penalty); a stochastic fit
        # may end a feature or two short.
        assert np.all(steps >= -2) and np.all(steps <= 4), counts
        assert counts[-1] >= counts[0] + 5


@pytest.mark.parametrize("where", ["an all-missing column", "a missing target"])
def test_missing_values_are_a_clear_error_that_loses_nothing(small_regression, where):
    X, y = small_regression
    model = _quick_cv(n_alphas=3).fit(X, y)
    before = dict(model.__dict__)
    X, y = X.copy(), y.copy()
    if where == "an all-missing column":
        X[:, 2] = np.nan
    else:
        y[5] = np.nan
    # scikit-learn's own message, which names the imputers to use.
    with pytest.raises(ValueError, match="contains NaN"):
        model.fit(X, y)
    assert all(model.__dict__[name] is value for name, value in before.items())


def test_friedman1_keeps_its_square_term():
    # (x2 - 0.5)**2 has no linear signal; a first fit too sparse to keep it
    # once made the adaptive factors shut it out for good.
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.datasets import make_friedman1
    from sklearn.neural_network import MLPRegressor
    from sklearn.preprocessing import StandardScaler

    X, y = make_friedman1(n_samples=500, n_features=50, noise=1, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    model = L1MLPRegressorCV(random_state=0).fit(X_train, y_train)
    assert set(range(5)) <= set(np.flatnonzero(model.support_))
    assert model.n_features_selected_ <= 8
    network = make_pipeline(
        StandardScaler(),
        MLPRegressor(
            hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=500, random_state=0
        ),
    )
    oracle = TransformedTargetRegressor(network, transformer=StandardScaler())
    oracle.fit(X_train[:, :5], y_train)
    assert model.score(X_test, y_test) >= oracle.score(X_test[:, :5], y_test) - 0.02


@pytest.fixture(scope="module")
def wide_regression():
    """60 rows, 400 columns; y acts through x0**2 and x1."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 400))
    return X, X[:, 0] ** 2 + X[:, 1] + 0.1 * rng.normal(size=60)


def _columns_on_fold_paths(model, n_folds=3):
    return [
        np.unique(np.concatenate(model.cv_results_[f"split{fold}_features"]))
        for fold in range(n_folds)
    ]


@pytest.mark.parametrize(
    "screen, limit", [(20, 20), ("auto", 5 * 40), ("sis", int(40 / np.log(40))), (None, 400)]
)
def test_screen_limits_the_columns_each_fold_path_sees(wide_regression, screen, limit):
    X, y = wide_regression  # 40 training rows per fold
    model = _quick_cv(screen=screen).fit(X, y)
    assert model.screen_ == screen
    seen = _columns_on_fold_paths(model)
    assert max(columns.size for columns in seen) <= limit
    # Unscreened, the dense end of the paths uses more than "auto" keeps.
    assert (max(columns.size for columns in seen) > 5 * 40) == (screen is None)
    assert model.support_[1]
    if screen in (20, "sis"):
        # With the noise screened out the square is found too.
        assert model.support_[0]


def _chosen_standard_error(model, n_folds=3):
    return model.cv_results_["std_test_score"][model.best_index_] / np.sqrt(n_folds)


def test_cv_screen_keeps_auto_unless_sis_scores_better_by_its_standard_error(wide_regression):
    X, y = wide_regression
    both = _quick_cv(screen="cv").fit(X, y)
    fits = {screen: _quick_cv(screen=screen).fit(X, y) for screen in ("auto", "sis")}
    bar = fits["auto"].best_score_ + _chosen_standard_error(fits["auto"])
    kept = "sis" if fits["sis"].best_score_ > bar else "auto"
    assert both.screen_ == kept and both.best_score_ == fits[kept].best_score_
    np.testing.assert_array_equal(both.support_, fits[kept].support_)
    np.testing.assert_array_equal(both.alphas_, fits[kept].alphas_)
    # Here the narrow screen wins: the wide one's paths start from networks
    # that fit 40 rows with noise columns.
    assert kept == "sis" and both.support_[0]


def test_by_default_wide_data_gets_the_screen_the_cv_keeps(wide_regression):
    X, y = wide_regression
    assert _quick_cv().fit(X, y).screen_ == "sis"


@pytest.fixture(scope="module")
def dense_signal():
    """60 rows, 400 columns; the two classes differ a little in 200 of them."""
    rng = np.random.RandomState(0)
    y = np.arange(60) % 2
    X = rng.normal(size=(60, 400))
    X[:, :200] += 0.3 * np.where(y[:, None] == 1, 1, -1) * rng.choice([-1, 1], size=200)
    return X, y


@pytest.fixture
def faint_dense_signal():
    """dense_signal with a fainter shift: a gain of the ridge term that beats glmnet's error.

    At 0.3 the ridge term gains one held-out row of 60 there, which equals
    the standard error over 3 folds with ddof=1, and is not kept.
    """
    rng = np.random.RandomState(0)
    y = np.arange(60) % 2
    X = rng.normal(size=(60, 400))
    X[:, :200] += 0.2 * np.where(y[:, None] == 1, 1, -1) * rng.choice([-1, 1], size=200)
    return X, y


def test_where_the_cv_curve_climbs_past_n_columns_the_choice_follows(dense_signal):
    X, y = dense_signal
    model = L1MLPClassifierCV(random_state=0, cv=3).fit(X, y)
    # The chosen point uses more columns than the 60 rows: it beat every
    # sparser point fold by fold (before, the choice stopped at 27 columns).
    n_features = model.cv_results_["n_features"]
    assert n_features[model.best_index_] > 60 and model.n_features_selected_ > 60
    # The informative columns are the first 200.
    assert model.support_[:200].mean() > 2 * model.support_[200:].mean()


def test_where_few_columns_carry_the_signal_no_saturated_point_is_chosen(wide_regression):
    X, y = wide_regression
    model = _quick_cv(screen=None).fit(X, y)
    assert model.cv_results_["n_features"].max() > 60  # the dense end is saturated
    assert model.cv_results_["n_features"][model.best_index_] <= 60


def test_cv_screen_tries_only_auto_where_sis_would_keep_every_column(small_regression):
    X, y = small_regression  # 300 rows: "sis" would keep 52 columns of 10
    assert screen_candidates("cv", 300, 10) == ["auto"]
    assert screen_candidates("cv", 300, 53) == ["auto", "sis"]
    assert screen_candidates("cv", 300, 53, max_features=10) == ["auto"]
    assert screen_candidates(7, 300, 10) == [7] and screen_candidates(None, 3, 9) == [None]
    assert screen_candidates("auto", 300, 53) == ["auto"]
    assert _quick_cv(screen="cv").fit(X, y).screen_ == "auto"


def test_verbose_counts_down_one_fit_across_its_numbered_searches(capsys):
    rng = np.random.RandomState(0)
    # 2.5 columns a row: two screens, factors on and off, the linear model
    X = rng.normal(size=(40, 100))
    y = (X[:, 0] > 0).astype(int)
    network = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=20, random_state=0)
    L1MLPClassifierCV(network, cv=3, n_alphas=3, verbose=1, random_state=0).fit(X, y)
    out = capsys.readouterr().out
    headers = [line for line in out.splitlines() if "] search " in line and " of 4: " in line]
    assert [h.split("] ")[1].split(":")[0] for h in headers] == [
        f"search {k} of 4" for k in (1, 2, 3, 4)
    ]
    assert len(set(h.split(": ", 1)[1] for h in headers)) == 4  # no two alike
    folds = [line for line in out.splitlines() if line.startswith("[fold ")]
    assert folds
    assert all(line.endswith(" of 4)") and "left in all (search" in line for line in folds)
