"""Shared fixtures: small deterministic data sets."""

import os

# scikit-learn's array-API check (NumPy input with dispatch on) runs only when
# SciPy was imported with this set; set it before anything imports SciPy.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import helpers  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def rng():
    return np.random.RandomState(0)


@pytest.fixture
def penalized_step():
    """``penalized_step(penalty, optimizer, w, g)``: one training step as the engine runs it."""
    return helpers.penalized_step
