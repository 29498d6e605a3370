"""The helpers both estimator modules share: transactions, weights, indexing, registries."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.utils._param_validation import StrOptions

from sklearn_l1mlp._validation import (
    RegistryNames,
    check_sample_weight,
    take_columns,
    take_rows,
    transactional,
)


class _Counter:
    def __init__(self):
        self.value = 0

    @transactional
    def add(self, amount, fail=False):
        self.value += amount
        self.extra = "set during the call"
        if fail:
            raise ValueError("bad")
        return self


def test_a_failed_call_leaves_the_object_as_it_was():
    counter = _Counter().add(2)
    with pytest.raises(ValueError, match="bad"):
        counter.add(5, fail=True)
    assert counter.value == 2
    counter2 = _Counter()
    with pytest.raises(ValueError):
        counter2.add(1, fail=True)
    assert not hasattr(counter2, "extra") and counter2.value == 0


def test_sample_weight_is_checked_and_cast():
    X = np.zeros((3, 2), dtype=np.float32)
    assert check_sample_weight(None, X) is None
    np.testing.assert_array_equal(check_sample_weight(2, X), [2, 2, 2])
    assert check_sample_weight([1, 2, 3], X).dtype == np.float32
    for bad, message in [
        ([1, 2], "one weight per row"),
        ([1, -1, 1], "negative"),
        ([0, 0, 0], "sums to zero"),
    ]:
        with pytest.raises(ValueError, match=message):
            check_sample_weight(bad, X)


@pytest.mark.parametrize("kind", ["array", "csr", "csc", "frame", "list"])
def test_take_rows_and_columns_keep_the_container(kind):
    import pandas as pd

    values = np.arange(12.0).reshape(3, 4)
    X = {
        "array": values,
        "csr": sp.csr_matrix(values),
        "csc": sp.csc_matrix(values),
        "frame": pd.DataFrame(values, columns=list("abcd")),
        "list": values.tolist(),
    }[kind]
    columns = take_columns(X, np.array([1, 3]))
    dense = columns.toarray() if sp.issparse(columns) else np.asarray(columns)
    np.testing.assert_array_equal(dense, values[:, [1, 3]])
    if kind == "frame":
        assert list(columns.columns) == ["b", "d"]
    if kind != "list":
        rows = take_rows(X, np.array([2, 0]))
        dense = rows.toarray() if sp.issparse(rows) else np.asarray(rows)
        np.testing.assert_array_equal(dense, values[[2, 0]])
    assert take_rows(None, [0]) is None


def test_registry_names_follow_the_registry():
    registry = {"a": int, "b": str}
    names = RegistryNames(registry, extra=("x",), where=lambda cls: cls is not str)
    assert set(names) == {"x", "a"} and "b" not in names
    registry["c"] = float
    assert "c" in names and len(names) == 3
    option = StrOptions(names)  # scikit-learn's constraint takes it as it is
    assert option.is_satisfied_by("c") and not option.is_satisfied_by("b")
