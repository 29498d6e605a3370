"""The CLI's target and splits: the target as written, copies kept together, classes stratified."""

import numpy as np
import pytest

from sklearn_l1mlp._cli_split import copy_groups, cv_folds, held_out_split, read_target
from sklearn_l1mlp._csv_file import DataFileError, Dialect

pd = pytest.importorskip("pandas")


def _column(values):
    return pd.Series(values, dtype=object, name="t")


def test_a_few_cells_that_are_not_numbers_leave_a_regression_a_regression():
    values = [str(v) for v in np.linspace(0, 10, 147)] + ["?", "n.a.", "unknown"]
    target = read_target(_column(values), "t", Dialect())
    assert target.task == "regression" and len(target.values) == 147
    assert "3 cells of 't' are not numbers ('?', 'n.a.', 'unknown')" in target.notes[0]


def test_numbers_with_thousands_separators_are_numbers():
    dialect = Dialect(thousands=",")
    target = read_target(_column(["12,345.67", "1,000", "2.5"] * 10), "t", dialect)
    assert target.task == "regression" and target.values.iloc[0] == 12345.67


def test_codes_with_leading_zeros_stay_as_written():
    target = read_target(_column(["007", "010", "007", "012"]), "t", Dialect())
    assert target.task == "classification" and list(target.values) == ["007", "010", "007", "012"]


def test_a_task_that_does_not_fit_the_target_says_what_to_use():
    with pytest.raises(DataFileError, match="use --task classification"):
        read_target(_column(["a", "b", "1"] * 5), "t", Dialect(), task="regression")
    continuous = [f"{v:.3f}" for v in np.random.RandomState(0).normal(size=60)]
    with pytest.raises(DataFileError, match="use --task regression"):
        read_target(_column(continuous), "t", Dialect(), task="classification")
    with pytest.raises(DataFileError, match="infinite"):
        read_target(_column(["1", "2", "inf"] * 10), "t", Dialect(), task="regression")


def test_copies_stay_on_one_side_of_the_held_out_split_and_of_every_fold():
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"x": rng.normal(size=60), "t": rng.choice(["a", "b"], 60)})
    frame = pd.concat([frame, frame]).reset_index(drop=True)  # every row twice
    groups = copy_groups(frame)
    assert np.unique(groups).size == 60
    for seed in range(3):
        train, test, _ = held_out_split(frame["t"], "classification", groups, seed)
        assert not set(groups[train]) & set(groups[test])
        assert len(train) + len(test) == 120
    folds = cv_folds(frame["t"].iloc[train], "classification", groups[train])
    for fold_train, fold_test in folds:
        assert not set(groups[train][fold_train]) & set(groups[train][fold_test])


def test_classes_too_many_for_the_held_out_part_are_split_without_stratifying():
    y = pd.Series(np.repeat([f"c{k}" for k in range(50)], 3))
    train, test, note = held_out_split(y, "classification", np.arange(150), seed=0)
    assert len(test) == 38 and "cannot hold two of each" in note
    y = pd.Series(["a", "b", "c", "d"] * 3)
    assert held_out_split(y, "classification", np.arange(12), seed=0)[2] is not None


def test_distinct_rows_use_the_estimators_own_folds():
    y = pd.Series(["a", "b"] * 20)
    assert cv_folds(y, "classification", np.arange(40)) == 5
