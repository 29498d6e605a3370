"""Working sets of first-layer rows: index maps, state hand-over, the KKT check, same answer."""

import numpy as np
import pytest
import scipy.sparse as sp

import sklearn_l1mlp._working_set as working_set
from sklearn_l1mlp import L1MLPClassifier, L1MLPRegressor, L1MLPRegressorCV, objective
from sklearn_l1mlp._cv_prepare import DEFAULT_TEMPLATE
from sklearn_l1mlp._network import Network
from sklearn_l1mlp._optimizers import make_optimizer
from sklearn_l1mlp._penalties import make_penalty
from sklearn_l1mlp._working_set import CheckData, WorkingSet, kkt_violators, nonzero_rows

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(params=[False, True], ids=["mlp", "skip"])
def network_and_params(request):
    network = Network([6, 4, 3, 2], "relu", "identity", np.float64, skip=request.param)
    params = network.init_params(np.random.RandomState(0))
    network.unpack(params)[0][0][[1, 4]] = 0.0  # rows 1 and 4 of W1 are zero
    return network, params


def test_the_reduced_network_holds_the_kept_rows_and_every_other_parameter(network_and_params):
    network, params = network_and_params
    reduced = WorkingSet(network, np.array([0, 2, 5]), network.n_weights)
    coefs, intercepts = network.unpack(params)
    part_coefs, part_intercepts = reduced.network.unpack(params[reduced.index])
    np.testing.assert_array_equal(part_coefs[0], coefs[0][[0, 2, 5]])
    for part, full in zip(part_coefs[1:] + part_intercepts, coefs[1:] + intercepts, strict=True):
        np.testing.assert_array_equal(part, full)
    width = network.coef_shapes[0][1]  # 4 hidden units, and 2 skip weights with a skip
    assert reduced.n_penalized == network.n_weights - 3 * width == reduced.network.n_weights
    assert list(nonzero_rows(network, params)) == [0, 2, 3, 5]


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("mode", ["proximal", "cumulative"])
def test_state_handed_to_a_working_set_comes_back_where_it_belongs(solver, mode):
    n = 20
    optimizer = make_optimizer(solver, n, np.float64)
    penalty = make_penalty(mode, 0.1, solver, 0.2, (4, 3), np.arange(1.0, 5.0))
    rng = np.random.RandomState(0)
    w, grad = rng.normal(size=n), rng.normal(size=n)
    for _ in range(3):  # some state to hand over
        penalty.after_step(w[:12], optimizer.step(w, grad.copy()).head(12))
    index = np.array([3, 4, 5, 12, 13])  # row 1 of W1, then two other weights
    part = optimizer.restrict(index)
    part_penalty = penalty.restrict(np.array([1]), index[:3])
    assert part_penalty.first_layer_shape == (1, 3)
    np.testing.assert_array_equal(part_penalty.penalty_factors, [2.0])
    before = {k: np.copy(v) for k, v in vars(optimizer).items() if isinstance(v, np.ndarray)}
    w_part = w[index]
    part_penalty.after_step(w_part[:3], part.step(w_part, grad[index].copy()).head(3))
    optimizer.merge(part, index)
    penalty.merge(part_penalty, index[:3], 12)
    outside = np.setdiff1d(np.arange(n), index)
    for name in optimizer._per_parameter:
        value = getattr(optimizer, name)
        np.testing.assert_array_equal(value[outside], before[name][outside])  # frozen
        np.testing.assert_array_equal(value[index], getattr(part, name))
    if solver == "adam":
        assert optimizer.t == 4
    if mode == "cumulative":
        np.testing.assert_array_equal(penalty.received[index[:3]], part_penalty.received)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_the_check_sees_the_full_gradient_of_the_rows_left_out(
    network_and_params, sparse, weighted, monkeypatch
):
    network, params = network_and_params
    rng = np.random.RandomState(1)
    X = rng.normal(size=(50, 6))
    X[X < 0.3] = 0
    Y = rng.normal(size=(50, 2))
    weights = rng.rand(50) if weighted else None
    monkeypatch.setattr(working_set, "_CHECK_CHUNK", 16)  # several chunks, rescaled
    rows = np.array([0, 2, 3, 5])
    data = CheckData(sp.csr_matrix(X) if sparse else X)
    gradient, error = working_set._first_layer_gradient(network, params, data, Y, weights, rows)
    _, full = network.loss_and_gradient(params, X, Y, weights)
    exact = network.unpack(full)[0][0]
    np.testing.assert_allclose(gradient, exact, rtol=1e-10, atol=1e-12)
    assert error is None
    part, _ = working_set._first_layer_gradient(
        network, params, data, Y, weights, rows, columns=np.array([4, 1])
    )
    np.testing.assert_allclose(part, exact[[4, 1]], rtol=1e-10, atol=1e-12)
    if not sparse:  # in float32, within the bound it returns on each row
        fast, error = working_set._first_layer_gradient(
            network, params, data, Y, weights, rows, fast=True
        )
        misses = np.linalg.norm(fast - exact, axis=1)
        assert np.all(misses > 0) and np.all(misses <= error)
        assert np.all(error < 1e-4 * np.linalg.norm(exact, axis=1))


@pytest.mark.parametrize("side", [-1, 1])
@pytest.mark.parametrize("threshold", ["group", "entry"])
def test_a_float32_check_makes_rows_near_the_bound_again_in_float64(
    network_and_params, threshold, side, monkeypatch
):
    network, params = network_and_params
    rng = np.random.RandomState(2)
    X, Y = rng.normal(size=(40, 6)), rng.normal(size=(40, 2))
    data = CheckData(X)
    assert data.fast and data._single is None  # the float32 copy waits for a check
    exact, _ = working_set._first_layer_gradient(network, params, data, Y, None, np.arange(6))
    # Row 1 sits 1e-9 (relative) to one side of the bound, margin and all
    # (kkt_violators): float32 cannot tell, only float64 can.
    if threshold == "group":
        bound = np.linalg.norm(exact[1]) * (1 - side * 1e-9)
        alpha, feature_alpha = 0.0, (bound - 1e-12) / (1 + 1e-7)
    else:
        largest = np.abs(exact[1]).max()
        alpha, feature_alpha = largest * (1 - side * 1e-9), 0.0
    penalty = make_penalty("proximal", alpha, "adam", feature_alpha, (6, 4))
    made = []
    gradient = working_set._first_layer_gradient

    def recorded(*args, **kwargs):
        made.append(kwargs.get("columns"))
        return gradient(*args, **kwargs)

    monkeypatch.setattr(working_set, "_first_layer_gradient", recorded)
    rows = np.array([0, 2, 3, 5])
    violators = kkt_violators(network, params, penalty, X, Y, None, rows, data)
    excess = np.maximum(np.abs(exact) - alpha, 0.0)
    by_float64 = np.linalg.norm(excess, axis=1) > feature_alpha * (1 + 1e-7) + 1e-12
    assert by_float64[1] == (side > 0)
    assert list(violators) == [j for j in (1, 4) if by_float64[j]]
    assert made[0] is None and 1 in made[1]  # one pass in float32, row 1 again
    assert data.single.dtype == np.float32


def test_a_zero_row_violates_exactly_when_its_thresholded_gradient_passes_the_bound(
    network_and_params, monkeypatch
):
    network, params = network_and_params
    gradient = np.zeros((6, 4))
    gradient[1] = [0.5, 0.0, 0.0, 0.0]  # soft-thresholded by 0.1: norm 0.4
    gradient[4] = [0.25, 0.25, 0.0, 0.0]  # norm sqrt(2) * 0.15 = 0.21
    monkeypatch.setattr(
        working_set, "_first_layer_gradient", lambda *args, **kwargs: (gradient, None)
    )
    rows, data = np.array([0, 2, 3, 5]), CheckData(np.zeros((2, 6)))

    def violators(penalty):
        return list(kkt_violators(network, params, penalty, None, None, None, rows, data))

    assert violators(make_penalty("proximal", 0.1, "adam", 0.3, (6, 4))) == [1]
    assert violators(make_penalty("proximal", 0.1, "adam", 0.2, (6, 4))) == [1, 4]
    # A factor of 2 on row 1 doubles both of its thresholds: 0.3 left, bound 0.4.
    factors = np.array([1, 2, 1, 1, 1, 1.0])
    assert violators(make_penalty("proximal", 0.1, "adam", 0.2, (6, 4), factors)) == [4]


def _wide_task(n_samples=300, n_features=300, seed=0):
    """y depends on features 0-3: linearly, through a square and through a product."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features))
    y = 2 * X[:, 0] + X[:, 1] ** 2 + X[:, 2] * X[:, 3]
    return X, (y - y.mean()) / y.std() + 0.1 * rng.normal(size=n_samples)


def _sparse(X):
    return sp.csr_matrix(np.where(np.abs(X) > 0.5, X, 0.0))


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("mode", ["proximal", "cumulative"])
def test_the_cv_estimator_selects_the_same_features_with_and_without(mode, sparse):
    X, y = _wide_task()
    X = _sparse(X) if sparse else X
    template = dict(DEFAULT_TEMPLATE, hidden_layer_sizes=(16,), max_iter=200, l1_mode=mode)
    supports, scores = [], []
    for working in (True, False):
        network = L1MLPRegressor(**template, working_set=working)
        # Adaptive, so that the path adds features a few at a time (on this
        # square task "auto" is not, and a path that jumps from 1 to 30
        # features has no one answer to compare); one screen that keeps
        # every column, so that the working set has them all to work on.
        model = L1MLPRegressorCV(
            network, cv=3, n_alphas=5, random_state=0, adaptive=True, screen="auto"
        )
        model = model.fit(X, y)
        supports.append(list(np.flatnonzero(model.support_)))
        scores.append(model.best_score_)
    assert supports[0] == supports[1] and {0, 1} <= set(supports[0])
    assert scores[0] == pytest.approx(scores[1], abs=0.03)


@pytest.mark.parametrize("skip", [False, True], ids=["mlp", "skip"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("mode", ["proximal", "cumulative"])
def test_a_plain_fit_reaches_the_same_objective_with_nearly_the_same_rows(mode, sparse, skip):
    X, y = _wide_task(n_samples=400)
    X = _sparse(X) if sparse else X
    settings = dict(
        linear_skip=skip,
        hidden_layer_sizes=(16,),
        alpha=0.006,
        feature_alpha=0.06,
        learning_rate_init=0.005,
        max_iter=400,
        random_state=0,
        l1_mode=mode,
    )
    on = L1MLPRegressor(working_set=True, **settings).fit(X, y)
    off = L1MLPRegressor(working_set=False, **settings).fit(X, y)
    # Stochastic steps leave noise rows flickering near the bound either way,
    # with next to no weight: the rows that carry 1% of the importance agree.
    on_rows, off_rows = (set(np.flatnonzero(m.feature_importances_ > 0.01)) for m in (on, off))
    assert len(on_rows & off_rows) >= 0.8 * len(on_rows | off_rows) and {0, 1} <= on_rows
    assert objective(on, X, y) == pytest.approx(objective(off, X, y), rel=0.03)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_rounds_of_the_full_network_draw_the_batches_of_one_call(solver):
    # A weak penalty keeps every row in use, so every round trains the full
    # network; shuffled batches of 64 of 200 rows must be those one call draws.
    X, y = _wide_task(n_samples=200, n_features=120)
    settings = dict(
        hidden_layer_sizes=(8,),
        alpha=1e-6,
        solver=solver,
        batch_size=64,
        max_iter=20,
        tol=0.0,
        random_state=0,
    )
    on = L1MLPRegressor(working_set=True, **settings).fit(X, y)
    off = L1MLPRegressor(working_set=False, **settings).fit(X, y)
    assert np.all(on.coefs_[0] != 0)
    np.testing.assert_array_equal(on.loss_curve_, off.loss_curve_)
    for on_coef, off_coef in zip(on.coefs_, off.coefs_, strict=True):
        np.testing.assert_array_equal(on_coef, off_coef)


def test_auto_uses_a_working_set_on_wide_data_with_exact_zeros_only(monkeypatch):
    calls = []
    original = working_set.train_with_working_set

    def spy(*args, **kwargs):
        calls.append(args[0].layer_sizes[0])
        return original(*args, **kwargs)

    monkeypatch.setattr("sklearn_l1mlp._base.train_with_working_set", spy)
    X, y = _wide_task(n_samples=60, n_features=120)
    L1MLPRegressor(max_iter=5, random_state=0).fit(X, y)
    L1MLPRegressor(max_iter=5, random_state=0).fit(X[:, :50], y)  # narrow
    L1MLPRegressor(max_iter=5, l1_mode="gradient", random_state=0).fit(X, y)
    L1MLPRegressor(max_iter=5, working_set=False, random_state=0).fit(X, y)
    L1MLPRegressor(max_iter=5, random_state=0).fit(X, y).partial_fit(X, y)
    assert calls == [120, 120]


def test_float32_early_stopping_and_verbose_go_through_the_rounds(capsys):
    X, y = _wide_task(n_samples=200, n_features=150)
    labels = (y > 0).astype(int)
    model = L1MLPClassifier(
        hidden_layer_sizes=(8,),
        alpha=3e-3,
        feature_alpha=0.05,
        learning_rate_init=0.01,
        max_iter=40,
        early_stopping=True,
        random_state=0,
        verbose=True,
        working_set=True,
    ).fit(X.astype(np.float32), labels)
    assert model.coefs_[0].dtype == np.float32
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_validation_score_ == max(model.validation_scores_)
    # The model kept is the best one on the validation split, whatever round it came from.
    numbers = [
        int(line.split(",")[0].split()[1])
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("Iteration")
    ]
    assert numbers == list(range(1, model.n_iter_ + 1))


@pytest.mark.parametrize("hidden", [(), (4,)], ids=["linear", "mlp"])
def test_a_working_set_of_no_columns_trains_with_the_ridge_term(hidden):
    # A penalty above alpha_max leaves no column in the working set, so
    # the first layer has no rows; the ridge term must still step.
    X, y = _wide_task(n_samples=60, n_features=300)
    model = L1MLPRegressor(
        hidden_layer_sizes=hidden, alpha=1e3, l2_alpha=0.1, max_iter=20, random_state=0
    ).fit(X, y)
    assert model.coefs_[0].shape == (300, hidden[0] if hidden else 1)
    assert not np.any(model.coefs_[0])
