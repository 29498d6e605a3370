"""Shared fixtures: small deterministic data sets, and the engine's step for hook tests."""

import os

# scikit-learn's array-API check (NumPy input with dispatch on) runs only when
# SciPy was imported with this set; set it before anything imports SciPy.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import helpers  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(params=["kernels", "numpy"])
def backend(request, monkeypatch):
    """Run the test through the compiled loops, then through NumPy (or SciPy) alone.

    Through the loops, the test fails unless a compiled loop actually ran.
    """
    from sklearn_l1mlp import _inplace

    if request.param == "numpy":
        monkeypatch.setattr(_inplace, "_kernels", None)
        # As SKLEARN_L1MLP_NUMPY_ONLY chooses it: quietly.
        monkeypatch.setattr(_inplace, "_WHY_NOT", _inplace._CHOSEN)
        yield request.param
        return
    if _inplace._kernels is None:
        pytest.skip("the compiled loops are not built here")
    recording = helpers.RecordingKernels(_inplace._kernels)
    monkeypatch.setattr(_inplace, "_kernels", recording)
    yield request.param
    assert recording.calls, "no compiled loop ran: every call fell back to NumPy"


@pytest.fixture
def rng():
    return np.random.RandomState(0)


@pytest.fixture
def penalized_step():
    """``penalized_step(penalty, optimizer, w, g)``: one training step as the engine runs it."""
    return helpers.penalized_step


@pytest.fixture(scope="session")
def raw_cancer():
    """scikit-learn's breast-cancer data in its own units: (X, y), 569 x 30."""
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(return_X_y=True)


@pytest.fixture(scope="session")
def cancer(raw_cancer):
    """The breast-cancer data with standardized columns: (X, y)."""
    from sklearn.preprocessing import StandardScaler

    X, y = raw_cancer
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def regression():
    """120 x 8 linear regression, 3 informative columns, target of unit spread: (X, y)."""
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=120, n_features=8, n_informative=3, noise=1.0, random_state=0)
    return X, y / y.std()
