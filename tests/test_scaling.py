"""Column and target scaling, and folding it back into a network's weights."""

import numpy as np
import pytest
import scipy.sparse as sp

from sklearn_l1mlp._scaling import (
    column_scaling,
    fold_into_first_layer,
    fold_into_last_layer,
    target_scaling,
)


@pytest.fixture
def raw_columns(rng):
    X = rng.normal(size=(40, 5)) * [1e-3, 1.0, 1e3, 5.0, 1.0] + [0.0, 2.0, -1e4, 0.0, 0.0]
    X[:, 3] = 7.25  # constant
    return X


@pytest.mark.parametrize("weighted", [False, True])
def test_scaled_columns_have_weighted_mean_zero_and_deviation_one(raw_columns, rng, weighted):
    weights = rng.uniform(0.5, 2.0, size=40) if weighted else None
    scaling = column_scaling(raw_columns, weights)
    np.testing.assert_array_equal(scaling.kept, [0, 1, 2, 4])
    Z = scaling.transform(raw_columns)
    w = np.ones(40) if weights is None else weights
    np.testing.assert_allclose(np.average(Z, axis=0, weights=w), 0.0, atol=1e-10)
    np.testing.assert_allclose(np.average(Z**2, axis=0, weights=w), 1.0)


def test_sparse_columns_are_scaled_without_centering_and_stay_sparse(rng):
    dense = rng.poisson(0.3, size=(50, 6)).astype(float)
    dense[:, 2] = 0.0
    scaling = column_scaling(sp.csr_matrix(dense))
    assert 2 not in scaling.kept
    Z = scaling.transform(sp.csr_matrix(dense))
    assert sp.issparse(Z) and Z.nnz == np.count_nonzero(dense)
    np.testing.assert_allclose(np.sqrt((Z.toarray() ** 2).mean(axis=0)), 1.0)
    np.testing.assert_array_equal(scaling.offset, 0.0)


def test_no_standardization_keeps_units_but_still_drops_constant_columns(raw_columns):
    scaling = column_scaling(raw_columns, standardize=False)
    np.testing.assert_array_equal(scaling.transform(raw_columns), raw_columns[:, scaling.kept])
    assert 3 not in scaling.kept


def test_float32_stays_float32(raw_columns):
    X = raw_columns.astype(np.float32)
    assert column_scaling(X).transform(X).dtype == np.float32


def test_folded_first_layer_maps_raw_columns_as_the_network_maps_scaled_ones(raw_columns, rng):
    scaling = column_scaling(raw_columns)
    columns = np.array([0, 2, 3])  # positions in scaling.kept
    W1, b1 = rng.normal(size=(3, 4)), rng.normal(size=4)
    W1[1] = 0.0
    coefs, intercepts, _ = fold_into_first_layer([W1], [b1], scaling, columns)
    raw = raw_columns[:, scaling.kept[columns]]
    scaled = scaling.transform(raw_columns)[:, columns]
    np.testing.assert_allclose(raw @ coefs[0] + intercepts[0], scaled @ W1 + b1, atol=1e-8)
    np.testing.assert_array_equal(coefs[0][1], 0.0)  # a zero row stays zero


def test_target_scaling_folds_back_into_the_last_layer(rng):
    y = rng.normal(size=(30, 2)) * [100.0, 0.01] + [5.0, -3.0]
    offset, scale = target_scaling(y)
    np.testing.assert_allclose(((y - offset) / scale).std(axis=0), 1.0)
    W, b = rng.normal(size=(4, 2)), rng.normal(size=2)
    H = rng.normal(size=(30, 4))
    coefs, intercepts, _ = fold_into_last_layer([W], [b], offset, scale)
    np.testing.assert_allclose(H @ coefs[0] + intercepts[0], offset + scale * (H @ W + b))
    assert target_scaling(np.full(5, 3.0))[1] == 1.0  # a constant target: no division by 0
