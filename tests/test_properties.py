"""Properties that hold for any small shape, mode and optimizer (hypothesis)."""

import pickle
import warnings

import numpy as np
from helpers import solvers_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from sklearn_l1mlp import L1MLPClassifier, L1MLPRegressor
from sklearn_l1mlp._optimizers import SGD, Adam
from sklearn_l1mlp._penalties import L1_MODES, make_penalty

PAIRS = [(mode, solver) for mode, cls in L1_MODES.items() for solver in solvers_of(cls)]
FAST = settings(
    max_examples=15, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def problems(draw):
    n_samples = draw(st.integers(6, 40))
    n_features = draw(st.integers(1, 6))
    hidden = tuple(draw(st.lists(st.integers(1, 6), min_size=0, max_size=2)))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features)) * draw(st.sampled_from([1e-3, 1.0, 1e3]))
    y = rng.randint(0, 2, size=n_samples)
    y[:2] = [0, 1]  # two classes at least
    return X, y, hidden, seed


def _fit(estimator, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        return estimator.fit(X, y, **kwargs)


def _params(model):
    return np.concatenate([p.ravel() for p in model.coefs_ + model.intercepts_])


@FAST
@given(
    problems(),
    st.sampled_from(PAIRS),
    st.sampled_from([0.0, 1e-3, 0.1]),
    st.sampled_from([L1MLPClassifier, L1MLPRegressor]),
)
def test_fit_gives_finite_predictions_or_a_clear_error_and_the_seed_fixes_it(
    problem, pair, alpha, cls
):
    X, y, hidden, seed = problem
    mode, solver = pair
    model = cls(
        hidden_layer_sizes=hidden,
        solver=solver,
        l1_mode=mode,
        alpha=alpha,
        max_iter=15,
        random_state=seed,
    )
    try:
        first = _fit(model, X, y)
    except ValueError as error:
        # Plain sgd on features of size 1e3 can diverge: then the fit says
        # what to change and leaves no half-trained model behind.
        assert "diverged" in str(error) and "learning_rate_init" in str(error)
        assert not hasattr(model, "coefs_")
        return
    again = _fit(clone(model), X, y)
    np.testing.assert_array_equal(_params(first), _params(again))  # bit-identical
    output = first.predict_proba(X) if cls is L1MLPClassifier else first.predict(X)
    assert np.isfinite(output).all()
    restored = pickle.loads(pickle.dumps(first))
    np.testing.assert_array_equal(restored.predict(X), first.predict(X))


@FAST
@given(problems(), st.sampled_from([m for m in L1_MODES]), st.sampled_from(["sgd", "adam"]))
def test_alpha_zero_is_the_unpenalized_network(problem, mode, solver):
    X, y, hidden, seed = problem
    settings_ = dict(
        hidden_layer_sizes=hidden, solver=solver, alpha=0.0, max_iter=10, random_state=seed
    )
    penalized_mode = _fit(L1MLPClassifier(l1_mode=mode, **settings_), X, y)
    reference = _fit(L1MLPClassifier(l1_mode="gradient", **settings_), X, y)
    np.testing.assert_array_equal(_params(penalized_mode), _params(reference))


@FAST
@given(problems(), st.sampled_from(list(L1_MODES)))
def test_sample_weight_two_equals_a_repeated_row(problem, mode):
    X, y, hidden, seed = problem
    weights = np.ones(len(y))
    weights[-1] = 2.0
    settings_ = dict(
        hidden_layer_sizes=hidden,
        solver="sgd",
        l1_mode=mode,
        alpha=1e-3,
        max_iter=10,
        batch_size=len(y) + 1,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        weighted = _fit(L1MLPClassifier(**settings_), X, y, sample_weight=weights)
        repeated = _fit(L1MLPClassifier(**settings_), np.vstack([X, X[-1:]]), np.r_[y, y[-1]])
    np.testing.assert_allclose(_params(weighted), _params(repeated), rtol=1e-8, atol=1e-10)


@settings(max_examples=50, deadline=None, derandomize=True)
@given(
    st.integers(0, 2**16), st.sampled_from(["sgd", "adam"]), st.floats(1e-4, 1.0), st.integers(1, 5)
)
def test_a_zero_weight_stays_zero_when_its_gradient_is_within_the_threshold(
    seed, solver, alpha, steps
):
    # For sgd a zero weight's step is -eta * g, so it stays zero iff |g| <= alpha;
    # for adam iff |m_hat| <= alpha. Weights already at zero are kept there.
    rng = np.random.RandomState(seed)
    n = 30
    optimizer = SGD(n, np.float64, 0.1, momentum=0.0) if solver == "sgd" else Adam(n, np.float64)
    penalty = make_penalty("proximal", alpha, solver)
    w = np.zeros(n)
    for _ in range(steps):
        g = rng.uniform(-2 * alpha, 2 * alpha, size=n)
        w[:] = 0.0
        penalty.after_step(w, optimizer.step(w, g.copy()))
        signal = np.abs(g) if solver == "sgd" else np.abs(optimizer.first_moment_hat)
        inside = signal <= alpha * (1 - 1e-9)
        outside = signal >= alpha * (1 + 1e-9)
        assert np.all(w[inside] == 0.0)
        assert np.all(w[outside] != 0.0)
