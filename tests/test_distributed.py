"""Searches on a dask.distributed cluster through joblib's ``dask`` backend."""

import joblib
import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from sklearn_l1mlp import L1MLPClassifier, L1MLPRegressor, L1MLPRegressorCV

distributed = pytest.importorskip("distributed", reason="the 'distributed' extra is not installed")

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning",
    # The cluster's own shutdown chatter is not ours to test.
    "ignore::ResourceWarning",
    "ignore::DeprecationWarning",
)


@pytest.fixture(scope="module")
def client():
    # Two worker processes on the loopback interface: the estimators, the
    # data and the results all cross a real (local) network boundary.
    cluster = distributed.LocalCluster(
        host="127.0.0.1",
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    )
    with distributed.Client(cluster) as connected:
        yield connected
    cluster.close()


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 8))
    y = X[:, 0] ** 2 + np.sin(2 * X[:, 1]) + 0.1 * rng.normal(size=200)
    return X, y


def _on_cluster(client, function):
    with distributed.get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
        result = function()
    # The fits really ran on the cluster's workers, on both of them.
    assert len(tasks.data) >= 2
    assert len({task["worker"] for task in tasks.data}) == 2
    return result


def test_grid_search_over_alpha_on_the_cluster_equals_the_local_search(client, data):
    X, y = data
    search = GridSearchCV(
        L1MLPRegressor(hidden_layer_sizes=(8,), max_iter=50, random_state=0),
        {"alpha": [1e-4, 1e-3, 1e-2], "l1_mode": ["proximal", "cumulative"]},
        cv=3,
        n_jobs=-1,
    )
    local = GridSearchCV(**search.get_params(deep=False)).set_params(n_jobs=1).fit(X, y)
    remote = _on_cluster(client, lambda: search.fit(X, y))
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))


def test_grid_search_of_a_classifier_on_the_cluster(client, data):
    X, y = data
    labels = (y > np.median(y)).astype(int)
    search = GridSearchCV(
        L1MLPClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0),
        {"alpha": [1e-4, 1e-2]},
        cv=3,
        n_jobs=-1,
    )
    remote = _on_cluster(client, lambda: search.fit(X, labels))
    local = GridSearchCV(**search.get_params(deep=False)).set_params(n_jobs=1).fit(X, labels)
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )


def test_cv_estimator_folds_on_the_cluster_equal_the_local_fit(client, data):
    X, y = data
    template = L1MLPRegressor(
        hidden_layer_sizes=(8,),
        alpha=0.03,
        feature_alpha=1.0,
        learning_rate_init=0.01,
        max_iter=100,
        random_state=0,
    )
    model = L1MLPRegressorCV(template, cv=3, n_alphas=4, n_jobs=-1)
    local = L1MLPRegressorCV(template, cv=3, n_alphas=4, n_jobs=1).fit(X, y)
    remote = _on_cluster(client, lambda: model.fit(X, y))
    np.testing.assert_array_equal(
        remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(remote.support_, local.support_)
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
