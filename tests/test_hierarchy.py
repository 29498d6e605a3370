"""SkipHierarchy: LassoNet's constraint |W1[j, k]| <= M ||theta_j||, kept by clipping."""

import numpy as np
import pytest

from sklearn_l1mlp._hierarchy import SkipHierarchy


def test_project_clips_each_row_to_m_times_its_skip_norm():
    first = np.array(
        [
            [3.0, -0.5, 0.6, 0.8],  # ||theta|| = 1: the bound is 2
            [1.0, -1.0, 0.0, 0.0],  # theta = 0: the feature is out of the hidden layer too
            [-0.1, 0.2, 0.0, -0.3],  # inside its bound 0.6: untouched
        ]
    )
    hierarchy = SkipHierarchy(2.0, n_units=2)
    assert hierarchy.violation(first) == pytest.approx(1.0)
    hierarchy.project(first)
    np.testing.assert_allclose(first[:, :2], [[2.0, -0.5], [0.0, 0.0], [-0.1, 0.2]])
    np.testing.assert_array_equal(first[:, 2:], [[0.6, 0.8], [0.0, 0.0], [0.0, -0.3]])
    assert hierarchy.violation(first) <= 0


def test_project_is_a_projection():
    rng = np.random.RandomState(0)
    first = rng.normal(size=(30, 7))
    hierarchy = SkipHierarchy(0.5, n_units=5)
    hierarchy.project(first)
    once = first.copy()
    hierarchy.project(first)
    np.testing.assert_array_equal(first, once)
    assert hierarchy.violation(first) <= 0
