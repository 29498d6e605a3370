"""Out-of-core training through Dask: dask_ml's Incremental drives partial_fit."""

import numpy as np
import pytest

from sklearn_l1mlp import L1MLPClassifier, L1MLPRegressor

da = pytest.importorskip("dask.array", reason="the 'dask' extra is not installed")
wrappers = pytest.importorskip("dask_ml.wrappers", reason="the 'dask' extra is not installed")


@pytest.mark.parametrize("mode", ["proximal", "cumulative"])
@pytest.mark.parametrize("estimator_class", [L1MLPClassifier, L1MLPRegressor])
def test_incremental_on_a_chunked_array_equals_partial_fit_by_hand(estimator_class, mode):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 6)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    settings = dict(
        hidden_layer_sizes=(5,), l1_mode=mode, alpha=1e-3, shuffle=False, random_state=0
    )
    fit_params = {"classes": [0, 1]} if estimator_class is L1MLPClassifier else {}

    incremental = wrappers.Incremental(estimator_class(**settings), shuffle_blocks=False)
    incremental.fit(da.from_array(X, chunks=(100, 6)), da.from_array(y, chunks=100), **fit_params)

    by_hand = estimator_class(**settings)
    for start in range(0, 400, 100):
        by_hand.partial_fit(X[start : start + 100], y[start : start + 100], **fit_params)

    for ours, theirs in zip(incremental.estimator_.coefs_, by_hand.coefs_, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert incremental.estimator_.t_ == by_hand.t_ == 400
    predicted = incremental.predict(da.from_array(X, chunks=(100, 6))).compute()
    np.testing.assert_array_equal(predicted, by_hand.predict(X))
