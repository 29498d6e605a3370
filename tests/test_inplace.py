"""In-place array operations: each against the plain NumPy expression."""

import numpy as np
import pytest

from sklearn_l1mlp._inplace import abs_sum, axpy, copy_sign, flip_signs


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
