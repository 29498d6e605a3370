"""The CLI's target and splits: a user's target column read as written, rows split honestly.

A target is read as the text in the file (``007`` stays ``007``) and taken
for numbers when nearly all of its cells are numbers in the file's own
decimal mark; a few cells that are not (``?``, ``unknown``) are then
missing targets, left out with a note. Rows that are copies of each other
(a bad join, a log exported twice) are kept together on one side of the
held-out split and of every CV fold, since a copy on both sides would let
the score see its own training rows. Classes are stratified where the
held-out part can hold every class.
"""

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import (
    GroupKFold,
    GroupShuffleSplit,
    StratifiedGroupKFold,
    train_test_split,
)

from ._cli_output import examples
from ._csv_file import DataFileError

#: Integer targets with at most this many distinct values count as classes.
MAX_INTEGER_CLASSES = 20
#: A target counts as numbers when at least this share of its cells are.
NUMERIC_SHARE = 0.9
#: The held-out share of ``fit``.
HELD_OUT = 0.25


@dataclass
class Target:
    """The target column as the model sees it.

    Attributes
    ----------
    values : pandas.Series
        Numbers (regression) or the text as written (classification), only
        the rows that have a target.
    task : {"classification", "regression"}
    notes : list of str
    """

    values: object
    task: str
    notes: list


def read_target(column, name, dialect, task=None):
    """``column`` (text) as the target of ``task`` (inferred when None); rows without one out.

    Parameters
    ----------
    column : pandas.Series
        The target column as text, NaN where empty.
    name : str
    dialect : Dialect
        The file's decimal mark and thousands separator.
    task : {"classification", "regression"} or None

    Returns
    -------
    target : Target
    """
    import pandas as pd

    notes = []
    text = (
        column.astype("object")
        .where(column.notna())
        .map(lambda v: v.strip() if isinstance(v, str) else v)
    )
    text = text.where(text != "")
    filled = text.dropna()
    numbers = filled.map(dialect.number).astype(float)
    share = float(numbers.notna().mean()) if filled.size else 0.0
    # Codes written with leading zeros (007) are labels, not quantities.
    codes = filled.str.match(r"^0\d").any()
    numeric = share >= NUMERIC_SHARE and not codes
    finite = numbers[np.isfinite(numbers)]
    integers = finite.size > 0 and bool(np.all(finite == np.round(finite)))
    if task is None:
        few = integers and finite.nunique() <= MAX_INTEGER_CLASSES
        task = "regression" if numeric and not few else "classification"
    if task == "regression":
        if not numeric:
            bad = filled[numbers.isna()]
            raise DataFileError(
                f"target {name!r} is not numeric ({bad.size} of {filled.size} cells are not "
                f"numbers, such as {examples(bad)}), so it cannot be regressed; "
                "use --task classification"
            )
        if np.isinf(numbers).any():
            raise DataFileError(
                f"target {name!r} has {int(np.isinf(numbers).sum())} infinite values: "
                "empty those cells or give finite numbers"
            )
        unreadable = filled[numbers.isna()]
        if unreadable.size:
            notes.append(
                f"{unreadable.size} cells of {name!r} are not numbers ({examples(unreadable)}): "
                "those rows were left out"
            )
        values = pd.Series(numbers[numbers.notna()], name=name)
    else:
        if numeric and not integers and finite.nunique() > MAX_INTEGER_CLASSES:
            raise DataFileError(
                f"target {name!r} holds {finite.nunique()} distinct numbers with fractions, not "
                "classes: use --task regression (or put the values into classes first)"
            )
        values = filled.astype(str).rename(name)
    missing = int(column.size - filled.size)
    if missing:
        notes.insert(0, f"{missing} rows with no {name!r} value were left out")
    return Target(values, task, notes)


def copy_groups(frame):
    """Each row's group: rows that are copies of each other (all columns) share one."""
    import pandas as pd

    hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return pd.factorize(hashes)[0]


def held_out_split(y, task, groups, seed):
    """Train and held-out row positions, and a note when classes could not be stratified.

    Copies (same ``groups``) stay on one side; classes are stratified when the
    held-out part can hold every class at least once and each has two rows.
    """
    n = len(y)
    positions = np.arange(n)
    counts = y.value_counts() if task == "classification" else None
    n_held_out = int(np.ceil(HELD_OUT * n))
    stratify = counts is not None and counts.min() >= 2 and n_held_out >= counts.size
    stratify = stratify and n - n_held_out >= counts.size
    note = None
    if counts is not None and not stratify:
        note = (
            f"{counts.size} classes in {n} rows: the held-out quarter ({n_held_out} rows) "
            "cannot hold two of each, so it was drawn without stratifying by class"
        )
    if np.unique(groups).size == n:
        train, test = train_test_split(
            positions, test_size=HELD_OUT, random_state=seed, stratify=y if stratify else None
        )
        return np.sort(train), np.sort(test), note
    if stratify:
        splitter = StratifiedGroupKFold(
            n_splits=round(1 / HELD_OUT), shuffle=True, random_state=seed
        )
        with warnings.catch_warnings():
            # A class whose rows are all copies of one is one group: it lands on
            # one side, as it must; scikit-learn's warning names our 4 splits.
            warnings.simplefilter("ignore", UserWarning)
            train, test = next(splitter.split(positions, y, groups))
    else:
        splitter = GroupShuffleSplit(n_splits=1, test_size=HELD_OUT, random_state=seed)
        train, test = next(splitter.split(positions, y, groups))
    return train, test, note


def cv_folds(y, task, groups, n_folds=5):
    """The CV's folds over the training rows: copies kept together, classes stratified.

    Returns an int (the CV estimators' own folds) when no rows repeat.
    """
    if np.unique(groups).size == len(y):
        return n_folds
    n_folds = min(n_folds, np.unique(groups).size)
    if task == "classification" and y.value_counts().min() >= n_folds:
        splitter = StratifiedGroupKFold(n_splits=n_folds)
    else:
        splitter = GroupKFold(n_splits=n_folds)
    return list(splitter.split(np.zeros(len(y)), y, groups))
