"""marginal_association: what it sees, on dense and sparse columns, in any units."""

import numpy as np
import pytest
import scipy.sparse as sp

from sklearn_l1mlp import marginal_association


def _ranks(association):
    order = association.ranking()
    ranks = np.empty(order.size, dtype=int)
    ranks[order] = np.arange(order.size)
    return ranks


@pytest.fixture
def even_signal():
    """Columns 0-2 act through x, x**2 and |x|; the other 97 are noise."""
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 100))
    score = X[:, 0] + X[:, 1] ** 2 - 2 * np.abs(X[:, 2])
    return X, score


@pytest.mark.parametrize("classification", [True, False])
def test_even_functions_rank_above_noise(even_signal, classification):
    X, score = even_signal
    y = (score > np.median(score)).astype(int) if classification else score
    association = marginal_association(X, y, classification=classification)
    assert set(np.flatnonzero(_ranks(association) < 3)) == {0, 1, 2}
    assert association.strength[:3].min() > association.strength[3:].max()
    assert association.log_pvalue[:3].max() < np.log(1e-6)


def test_units_and_monotone_maps_change_nothing(even_signal):
    X, score = even_signal
    units = 10.0 ** np.random.RandomState(1).uniform(-3, 3, size=X.shape[1])
    plain = marginal_association(X, score, classification=False)
    warped = marginal_association(np.exp(X) * units, score, classification=False)
    np.testing.assert_allclose(plain.strength, warped.strength)
    np.testing.assert_allclose(plain.log_pvalue, warped.log_pvalue)


def test_sparse_counts_score_their_zeros_as_a_bin():
    rng = np.random.RandomState(0)
    counts = rng.poisson(0.3, size=(600, 50)).astype(float)
    # The label is whether word 0 is absent or frequent, not its mean.
    y = ((counts[:, 0] == 0) | (counts[:, 0] >= 2)).astype(int)
    association = marginal_association(sp.csr_matrix(counts), y, classification=True)
    assert _ranks(association)[0] == 0
    dense = marginal_association(counts, y, classification=True)
    assert _ranks(dense)[0] == 0


def test_a_sparse_column_with_no_zeros_bins_as_a_dense_one():
    rng = np.random.RandomState(0)
    X = rng.uniform(1, 2, size=(300, 4))
    y = rng.normal(size=(300, 2))
    dense = marginal_association(X, y, classification=False, n_bins=4)
    # Sparse: bin 0 (the zeros) is empty, the stored values fill 4 more.
    sparse = marginal_association(sp.csc_matrix(X), y, classification=False, n_bins=5)
    np.testing.assert_allclose(dense.strength, sparse.strength)


def test_a_constant_column_has_no_association():
    rng = np.random.RandomState(0)
    X = np.column_stack([np.ones(50), rng.normal(size=50)])
    association = marginal_association(X, rng.randint(3, size=50), classification=True)
    assert association.strength[0] == 0 and association.log_pvalue[0] == 0


def test_weights_count_rows():
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(200, 6)), rng.randint(2, size=200)
    unweighted = marginal_association(X, y, classification=True)
    uniform = marginal_association(X, y, classification=True, sample_weight=np.full(200, 3.0))
    np.testing.assert_allclose(unweighted.strength, uniform.strength)
    weights = np.where(y == 1, 5.0, 1.0)
    weighted = marginal_association(X, y, classification=True, sample_weight=weights)
    assert not np.allclose(unweighted.strength, weighted.strength)


@pytest.mark.parametrize(
    "weights", [np.zeros(20), -np.ones(20), np.ones(19), np.full(20, np.nan), np.full(20, np.inf)]
)
def test_bad_weights_are_refused_with_what_to_pass(weights):
    rng = np.random.RandomState(0)
    with pytest.raises(ValueError, match="one weight per row"):
        marginal_association(
            rng.normal(size=(20, 3)),
            rng.randint(2, size=20),
            classification=True,
            sample_weight=weights,
        )


def test_strongest_keeps_the_most_significant_in_column_order(even_signal):
    X, score = even_signal
    association = marginal_association(X, score, classification=False)
    np.testing.assert_array_equal(association.strongest(3), [0, 1, 2])
    assert association.strongest(1000).size == X.shape[1]


def test_a_label_indicator_matrix_is_scored_as_its_distinct_rows(even_signal):
    X, score = even_signal
    labels = np.column_stack([score > np.median(score), X[:, 0] > 0]).astype(int)
    association = marginal_association(X, labels, classification=True)
    as_classes = marginal_association(X, labels @ [2, 1], classification=True)
    np.testing.assert_allclose(association.log_pvalue, as_classes.log_pvalue)
    assert set(association.ranking()[:3]) == {0, 1, 2}
