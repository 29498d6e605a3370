"""In-place operations on whole parameter-sized arrays, in as few passes as possible.

The optimizers and penalties run these on every batch over every weight,
so each one is a single BLAS call or integer pass where the arrays allow it
(NumPy's ``sign``, ``copysign`` and ``maximum`` with a scalar run element by
element, 2-3x slower than its vectorized loops) and the plain NumPy
expression otherwise.
"""

import numpy as np
from scipy.linalg import blas


def axpy(x, y, a):
    """``y += a * x`` in place, in one pass (BLAS axpy) where the arrays allow it."""
    if x.dtype == y.dtype and x.dtype in (np.float32, np.float64) and y.flags.c_contiguous:
        routine = blas.daxpy if x.dtype == np.float64 else blas.saxpy
        result = routine(x, y, a=a)
        if result is y or np.shares_memory(result, y):
            return y
        y[...] = result
        return y
    y += a * x
    return y


def abs_sum(w):
    """``sum |w|``; for float64 in one BLAS pass (asum) with no temporary array."""
    if w.dtype == np.float64 and w.flags.c_contiguous and w.size:
        return float(blas.dasum(w))
    # float32: NumPy's pairwise sum is the more accurate one.
    return float(np.abs(w).sum())


#: The unsigned integer type of each float's width and its sign bit.
_SIGN_BITS = {
    np.dtype(np.float64): (np.uint64, np.uint64(1 << 63)),
    np.dtype(np.float32): (np.uint32, np.uint32(1 << 31)),
}


def _bit_views(*arrays):
    """Unsigned-integer views of same-dtype contiguous float arrays, and the sign bit.

    ``None`` when the arrays do not allow it: NumPy's float ufuncs do then.
    """
    unsigned, sign_bit = _SIGN_BITS.get(arrays[0].dtype, (None, None))
    if unsigned is None or any(
        a.dtype != arrays[0].dtype or not a.flags.c_contiguous for a in arrays
    ):
        return None
    return [a.view(unsigned) for a in arrays], sign_bit


def copy_sign(magnitude, source, out, spare):
    """``copysign(magnitude, source)`` into ``out``, for ``magnitude >= 0``.

    ORs in ``source``'s sign bit (``spare``, of the same dtype, takes the
    bits): NumPy's copysign is not vectorized. ``out`` may be ``source``.
    """
    views = _bit_views(magnitude, source, out, spare)
    if views is None:
        return np.copysign(magnitude, source, out=out)
    (magnitude_bits, source_bits, out_bits, spare_bits), sign_bit = views
    np.bitwise_and(source_bits, sign_bit, out=spare_bits)
    np.bitwise_or(magnitude_bits, spare_bits, out=out_bits)
    return out


def flip_signs(values, signs_of, out):
    """``values`` with the sign flipped where ``signs_of`` is negative (or -0.0).

    ``sign(signs_of) * values`` for nonzero ``signs_of``, by XOR of the sign
    bits rather than NumPy's sign and a product.
    """
    views = _bit_views(values, signs_of, out)
    if views is None:
        return np.multiply(values, np.copysign(1.0, signs_of), out=out)
    (values_bits, signs_bits, out_bits), sign_bit = views
    np.bitwise_and(signs_bits, sign_bit, out=out_bits)
    np.bitwise_xor(out_bits, values_bits, out=out_bits)
    return out
