"""StepSizes: the value an optimizer's step hands the penalty."""

import numpy as np
import pytest

from sklearn_l1mlp._step_sizes import StepSizes


def test_one_size_for_all_is_a_scalar_times_the_scale():
    steps = StepSizes(rate=0.1, numerator=0.1, spare=np.zeros(4))
    assert not steps.per_weight_sizes
    assert steps.per_weight(0.5) == pytest.approx(0.05)
    assert steps.head(2).spare.shape == (2,)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_per_weight_sizes_are_numerator_over_denominators(dtype):
    denominators = np.array([1.0, 2.0, 4.0, 8.0], dtype=dtype)
    steps = StepSizes(rate=0.01, numerator=0.2, denominators=denominators)
    assert steps.per_weight_sizes
    expected = np.array([0.1, 0.05, 0.025, 0.0125])
    sizes = steps.per_weight(0.5)
    np.testing.assert_allclose(sizes, expected, rtol=1e-6)
    assert sizes.dtype == dtype and not np.shares_memory(sizes, denominators)
    head = steps.head(2)
    assert np.shares_memory(head.denominators, denominators) and head.denominators.size == 2
    # in_place writes over the denominators: no new array, and they are spent.
    written = steps.per_weight(0.5, in_place=True)
    assert written is denominators
    np.testing.assert_allclose(denominators, expected, rtol=1e-6)
