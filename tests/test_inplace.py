"""In-place array operations: each against the plain NumPy expression.

The fused operations run twice, through the compiled loops (when built) and
through the NumPy passes, and both must give the formula's numbers.
"""

import os
import warnings

import numpy as np
import pytest

from sklearn_l1mlp import _inplace
from sklearn_l1mlp._inplace import abs_sum, axpy, copy_sign, flip_signs


def test_the_compiled_loops_are_built_where_a_compiler_is():
    # The project's install (and CI) builds them; a silent fallback to NumPy
    # would only show as lost speed.
    assert _inplace.kernels_in_use() or os.environ.get("SKLEARN_L1MLP_NUMPY_ONLY", "0") != "0", (
        "sklearn_l1mlp._kernels was not built (is there a C compiler?); reinstall with one, "
        "or set SKLEARN_L1MLP_NUMPY_ONLY=1 to test the NumPy steps alone"
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("strided", [False, True])
def test_axpy_adds_a_multiple_in_place(dtype, strided, rng):
    x = rng.normal(size=20).astype(dtype)
    storage = rng.normal(size=40).astype(dtype)
    y = storage[::2] if strided else storage[:20]
    expected = y + dtype(0.3) * x
    result = axpy(x, y, 0.3)
    assert result is y  # in place, through BLAS or the NumPy fallback
    np.testing.assert_allclose(y, expected, rtol=1e-6 if dtype == np.float32 else 1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_axpy_on_an_empty_layer_is_a_no_op(dtype):
    # A working set of no columns leaves the first layer with no rows.
    y = np.zeros((0, 3), dtype=dtype)
    assert axpy(np.zeros((0, 3), dtype=dtype), y, 0.5) is y


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("strided", [False, True])
def test_abs_sum_is_the_l1_norm(dtype, strided, rng):
    storage = rng.normal(size=40).astype(dtype)
    w = storage[::2] if strided else storage[:20]
    assert abs_sum(w) == pytest.approx(float(np.abs(w.astype(np.float64)).sum()), rel=1e-6)
    assert abs_sum(w[:0]) == 0.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("contiguous", [True, False])
def test_sign_bit_helpers_match_numpy(dtype, contiguous, rng):
    # The bit tricks (and NumPy's ufuncs where the arrays do not allow them).
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-320]
    signs_of = np.concatenate([rng.normal(size=34), special]).astype(dtype)
    values = rng.normal(size=signs_of.size).astype(dtype)
    if not contiguous:
        signs_of, values = np.repeat(signs_of, 2)[::2], np.repeat(values, 2)[::2]
    magnitudes = np.abs(values)

    def bits(a):
        return np.ascontiguousarray(a).view(np.uint64 if dtype == np.float64 else np.uint32)

    copied = copy_sign(magnitudes, signs_of, np.empty_like(values), np.empty_like(values))
    np.testing.assert_array_equal(bits(copied), bits(np.copysign(magnitudes, signs_of)))
    flipped = flip_signs(values, signs_of, np.empty_like(values))
    np.testing.assert_array_equal(
        bits(flipped), bits(np.where(np.signbit(signs_of), -values, values))
    )
    # copysign into its own source, as the proximal step does.
    in_place = signs_of.copy()
    copy_sign(magnitudes, in_place, out=in_place, spare=np.empty_like(values))
    np.testing.assert_array_equal(bits(in_place), bits(copied))


def _weights(rng, dtype, size=64):
    w = rng.normal(size=size)
    w[:6] = [0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5]
    return w.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_soft_threshold_is_the_formula_ties_included(backend, dtype, rng):
    w = _weights(rng, dtype)
    tau = np.abs(rng.normal(size=w.size)).astype(dtype)
    tau[4:8] = np.abs(w[4:8])  # |w| == tau gives exactly 0
    expected = np.sign(w) * np.maximum(np.abs(w) - tau, 0)
    result = _inplace.soft_threshold(w.copy(), tau.copy(), np.empty_like(w))
    np.testing.assert_array_equal(result, expected)
    assert np.isnan(_inplace.soft_threshold(np.array([np.nan]), np.ones(1), np.empty(1))[0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shared_total", [True, False])
def test_cumulative_clip_is_tsuruoka_per_weight(backend, dtype, shared_total, rng):
    w = _weights(rng, dtype)
    total = 0.3 if shared_total else np.abs(rng.normal(size=w.size)).astype(dtype)
    u = np.broadcast_to(np.asarray(total, dtype=np.float64), w.shape)
    received = (rng.uniform(-1, 1, size=w.size) * u).astype(dtype)  # |q| <= u
    expected_w, expected_q = w.astype(np.float64), received.astype(np.float64)
    for i, z in enumerate(w.astype(np.float64)):
        if z > 0:
            expected_w[i] = max(0.0, z - (u[i] + expected_q[i]))
        elif z < 0:
            expected_w[i] = min(0.0, z + (u[i] - expected_q[i]))
        expected_q[i] += expected_w[i] - z
    new_w, new_q = w.copy(), received.copy()
    _inplace.cumulative_clip(new_w, total, new_q, np.empty_like(w), np.empty_like(w))
    tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(new_w, expected_w, **tolerance)
    np.testing.assert_allclose(new_q, expected_q, **tolerance)
    assert np.all(new_w[w == 0] == 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_thresholds_given_as_numerator_over_denominators(backend, dtype, rng):
    # Adam's tau = numerator / d, divided inside the loop: the same step as
    # with the thresholds spelled out, for the soft-threshold and the
    # cumulative account alike.
    w = _weights(rng, dtype)
    denominators = np.abs(rng.normal(size=w.size)).astype(dtype) + dtype(0.5)
    tau = dtype(0.2) / denominators
    spelled = _inplace.soft_threshold(w.copy(), tau.copy(), np.empty_like(w))
    divided = _inplace.soft_threshold(w.copy(), denominators.copy(), np.empty_like(w), 0.2)
    rtol = 1e-6 if dtype == np.float32 else 1e-15
    np.testing.assert_allclose(divided, spelled, rtol=rtol)

    total, received = (np.abs(rng.normal(size=(2, w.size))) * 0.1).astype(dtype)
    received *= np.where(rng.uniform(size=w.size) < 0.5, -1, 1).astype(dtype)
    expected_total = total + tau
    expected_w, expected_q = w.copy(), received.copy()
    _inplace.cumulative_clip(
        expected_w, expected_total, expected_q, np.empty_like(w), np.empty_like(w)
    )
    new_w, new_total, new_q = w.copy(), total.copy(), received.copy()
    _inplace.cumulative_clip(
        new_w, new_total, new_q, np.empty_like(w), np.empty_like(w), 0.2, denominators.copy()
    )
    for got, want in [(new_total, expected_total), (new_w, expected_w), (new_q, expected_q)]:
        np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-7 if dtype == np.float32 else 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("in_place", [False, True])
def test_add_signs_adds_a_multiple_of_sign(backend, dtype, in_place, rng):
    w = _weights(rng, dtype)
    target = w.copy() if in_place else rng.normal(size=w.size).astype(dtype)
    expected = target + dtype(0.25) * np.sign(w)
    _inplace.add_signs(w if in_place else target, w, 0.25, np.empty_like(w))
    np.testing.assert_allclose(w if in_place else target, expected, rtol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bias_relu_adds_the_bias_then_clips_at_zero(backend, dtype, rng):
    Z = rng.normal(size=(20, 7)).astype(dtype)
    Z[0, 0] = np.nan
    bias = rng.normal(size=7).astype(dtype)
    expected = np.maximum(Z + bias, 0)
    np.testing.assert_array_equal(_inplace.bias_relu(Z, bias), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_backward_keeps_delta_where_the_unit_is_on(backend, dtype, rng):
    activation = np.maximum(rng.normal(size=(20, 7)), 0).astype(dtype)
    delta = rng.normal(size=(20, 7)).astype(dtype)
    expected = np.where(activation > 0, delta, 0)
    np.testing.assert_array_equal(_inplace.relu_backward(delta, activation), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_update_follows_the_formulas(backend, dtype, rng):
    params, grad = (rng.normal(size=(2, 50)) * [[1.0], [0.01]]).astype(dtype)
    m, v = (rng.normal(size=(2, 50)) ** 2 * 1e-4).astype(dtype)
    expected_m = 0.9 * m + 0.1 * grad
    expected_v = 0.999 * v + 0.001 * grad.astype(np.float64) ** 2
    expected_d = np.sqrt(expected_v) + 1e-8
    expected_params = params - 0.01 * expected_m / expected_d
    denominator = np.empty_like(params)
    _inplace.adam_update(params, grad, m, v, denominator, 0.9, 0.999, 1e-8, 0.01)
    rtol = 1e-5 if dtype == np.float32 else 1e-13
    for got, want in [(m, expected_m), (v, expected_v), (denominator, expected_d)]:
        np.testing.assert_allclose(got, want, rtol=rtol)
    np.testing.assert_allclose(params, expected_params, rtol=rtol)


def test_arrays_the_loops_do_not_take_go_through_numpy(rng):
    # Strided views and mixed dtypes fall back to NumPy and still compute.
    storage = rng.normal(size=40)
    w = storage[::2]
    tau = np.full(20, 0.1)
    expected = np.sign(w) * np.maximum(np.abs(w) - 0.1, 0)
    np.testing.assert_array_equal(_inplace.soft_threshold(w, tau, np.empty(20)), expected)
    target = np.zeros(20, dtype=np.float32)
    _inplace.add_signs(target, w, 1.0, np.empty(20))
    np.testing.assert_array_equal(target, np.sign(w).astype(np.float32))


def test_a_missing_build_is_said_once_at_the_first_fit(monkeypatch):
    from sklearn_l1mlp import L1MLPRegressor

    monkeypatch.setattr(_inplace, "_kernels", None)
    monkeypatch.setattr(_inplace, "_WHY_NOT", "are not built")
    monkeypatch.setattr(_inplace, "_warned", False)
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10.0)
    with pytest.warns(UserWarning, match="compiled loops are not built.*show_versions"):
        L1MLPRegressor(max_iter=5, tol=0.0, n_iter_no_change=100).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        L1MLPRegressor(max_iter=500, solver="lbfgs", hidden_layer_sizes=()).fit(X, y)


def test_numpy_chosen_by_the_environment_is_not_warned_about(monkeypatch):
    monkeypatch.setattr(_inplace, "_kernels", None)
    monkeypatch.setattr(_inplace, "_WHY_NOT", _inplace._CHOSEN)
    monkeypatch.setattr(_inplace, "_warned", False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _inplace.warn_if_numpy_only()


def _read_only(a):
    a = a.copy()
    a.setflags(write=False)
    return a


@pytest.mark.parametrize(
    "make_odd",
    [
        lambda a: np.repeat(a, 2)[::2],  # not contiguous
        lambda a: a.astype(np.float32),  # another dtype than w's
        _read_only,
        lambda a: a.astype(np.int64),  # not a float
    ],
    ids=["strided", "mixed-dtype", "read-only", "integer"],
)
def test_the_loops_refuse_arrays_they_cannot_take_and_touch_nothing(make_odd, rng):
    if _inplace._kernels is None:
        pytest.skip("the compiled loops are not built here")
    w = rng.normal(size=40)
    steps = make_odd(rng.uniform(1.0, 3.0, size=40))
    before = w.copy()
    assert _inplace._kernels.soft_threshold(w, steps, 0.1, True) is False
    np.testing.assert_array_equal(w, before)


def test_a_strided_call_gets_numpy_s_numbers(rng):
    w = rng.normal(size=40)
    steps = np.repeat(rng.uniform(1.0, 3.0, size=40), 2)[::2]
    expected = np.sign(w) * np.maximum(np.abs(w) - 0.1 / steps, 0)
    _inplace.soft_threshold(w, steps, np.empty_like(w), 0.1)
    np.testing.assert_allclose(w, expected, rtol=1e-14)
