"""Sparse batches read in place: each product against SciPy's on the sliced batch.

Every test runs through the compiled loops and through SciPy alone
(the ``backend`` fixture), and both must give SciPy's numbers.
"""

import numpy as np
import pytest
import scipy.sparse as sp

from sklearn_l1mlp import L1MLPRegressor
from sklearn_l1mlp._sparse_rows import SparseRows, batch_reader, input_gradient, input_product


def _matrix(dtype, rng, n_samples=40, n_features=30):
    X = sp.random(n_samples, n_features, density=0.2, format="csr", random_state=rng)
    return X.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows", [np.array([7, 0, 39, 7, 12]), slice(5, 25)])
def test_batch_products_are_those_of_the_sliced_rows(backend, dtype, rows, rng):
    X = _matrix(dtype, rng)
    batch = batch_reader(X)(rows)
    assert isinstance(batch, SparseRows)
    expected_rows = X[rows].toarray()
    assert batch.shape == expected_rows.shape
    W = rng.normal(size=(X.shape[1], 4)).astype(dtype)
    delta = rng.normal(size=(expected_rows.shape[0], 4)).astype(dtype)
    out = np.full((expected_rows.shape[0], 4), np.nan, dtype=dtype)
    gradient = np.full_like(W, np.nan)  # every entry must be written, zeros included
    input_product(batch, W, out)
    input_gradient(batch, delta, gradient)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out, expected_rows @ W, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(gradient, expected_rows.T @ delta, rtol=tolerance, atol=tolerance)


def test_read_only_parts_are_read_in_place(backend, rng):
    # joblib hands its workers memory-mapped, read-only copies of the data.
    X = _matrix(np.float64, rng)
    for part in (X.data, X.indices, X.indptr):
        part.flags.writeable = False
    rows = np.array([4, 2, 9])
    W = rng.normal(size=(X.shape[1], 3))
    out = np.empty((3, 3))
    input_product(batch_reader(X)(rows), W, out)
    np.testing.assert_allclose(out, X[rows] @ W, rtol=1e-12, atol=1e-12)


def test_64_bit_indices_are_narrowed_once_so_the_loops_take_them(backend, rng):
    X = _matrix(np.float64, rng)
    wide = X.copy()  # scipy's constructor would narrow the indices itself
    wide.indices, wide.indptr = X.indices.astype(np.int64), X.indptr.astype(np.int64)
    batch = batch_reader(wide)(np.arange(10))
    assert batch.matrix.indices.dtype == np.int32
    W = rng.normal(size=(X.shape[1], 3))
    out = np.empty((10, 3))
    input_product(batch, W, out)
    np.testing.assert_allclose(out, X[:10] @ W, rtol=1e-12, atol=1e-12)


def test_a_type_the_loops_refuse_falls_back_to_scipy(rng):
    X = _matrix(np.float64, rng)
    batch = batch_reader(X)(np.arange(6))
    W = rng.normal(size=(X.shape[1], 3)).astype(np.float32)  # not the data's type
    out = np.empty((6, 3), dtype=np.float32)
    input_product(batch, W, out)
    np.testing.assert_allclose(out, X[:6] @ W, rtol=1e-5)


@pytest.mark.parametrize("X_format", ["dense", "csc"])
def test_other_input_is_indexed_as_it_is(X_format, rng):
    X = _matrix(np.float64, rng)
    X = X.toarray() if X_format == "dense" else X.tocsc()
    rows = np.array([3, 1])
    batch = batch_reader(X)(rows)
    expected = X[rows]
    assert type(batch) is type(expected)
    np.testing.assert_array_equal(sp.csr_matrix(batch).toarray(), sp.csr_matrix(expected).toarray())


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_a_sparse_fit_matches_the_dense_one(backend, rng):
    X = _matrix(np.float64, rng, n_samples=120, n_features=25)
    y = X[:, :3].toarray() @ np.array([1.0, -2.0, 0.5]) + 0.01 * rng.normal(size=120)
    settings = dict(hidden_layer_sizes=(8,), alpha=1e-3, max_iter=30, batch_size=32)
    sparse_fit = L1MLPRegressor(random_state=0, **settings).fit(X, y)
    dense_fit = L1MLPRegressor(random_state=0, **settings).fit(X.toarray(), y)
    for sparse_coef, dense_coef in zip(sparse_fit.coefs_, dense_fit.coefs_, strict=True):
        np.testing.assert_allclose(sparse_coef, dense_coef, rtol=1e-9, atol=1e-12)
