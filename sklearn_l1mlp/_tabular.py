"""A user's CSV table made ready for a network: read, checked, typed and encoded.

Real files have what synthetic ones lack: empty cells, a "?" in a numeric
column, dates, row IDs. ``inspect_table`` sorts the columns into numbers,
categories and dates and sets aside those a network cannot learn from (row
IDs and empty columns), with a note for each; ``make_preprocessor`` builds
the ``ColumnTransformer`` that encodes them inside the saved pipeline, so
``predict`` treats a new file the same way:

- numbers: cells that are not numbers read as missing, missing cells
  filled with the column's median and flagged by an indicator column, then
  standardized;
- categories: missing cells become their own category, then one-hot;
- dates: year, month, day of week and day of year, as numbers.

``source_columns`` maps every encoded column back to the column of the
file it came from, so importances can be reported per column of the file.
"""

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from ._cli_output import examples
from ._csv_file import DataFileError

#: A text column counts as numbers (with a few stray cells such as "?")
#: when at least this share of its filled cells parse as numbers; likewise
#: as dates.
PARSED_SHARE = 0.9
#: An integer column unique on every row is taken for a row ID from this
#: many rows on (below, also when its values are consecutive).
MIN_ROWS_FOR_INTEGER_ID = 50
#: What each date becomes.
DATE_PARTS = ("year", "month", "day_of_week", "day_of_year")
#: Column names that say "identifier": id, ID, user_id, customerID, id-number.
_ID_NAME = re.compile(r"(^|[^A-Za-z])(id|ID|Id)([^A-Za-z]|$)|[a-z](ID|Id)$")


def as_numbers(X):
    """``X`` as floats, with every cell that is not a number read as missing (NaN)."""
    import pandas as pd

    frame = pd.DataFrame(X)
    return frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)


def as_text(X):
    """``X`` as an object array of strings, missing cells kept as NaN.

    One-hot encoding needs one type per column: a column of booleans with an
    empty cell would otherwise mix ``True`` with the "missing" label.
    """
    import pandas as pd

    frame = pd.DataFrame(X)
    return frame.astype(str).where(frame.notna(), np.nan).to_numpy(dtype=object)


def parse_dates(values):
    """``values`` (a pandas Series) parsed as dates; cells that are not dates give NaT."""
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return pd.to_datetime(values, errors="coerce", format="mixed")


class DateParts(TransformerMixin, BaseEstimator):
    """Date columns as numbers: year, month, day of week and day of year.

    A one-hot encoding of dates gives one column per day seen, which a
    network can memorize but not use on a new day; these four numbers carry
    trend and season. Cells that are not dates give NaN.
    """

    def fit(self, X, y=None):
        """Remember the columns' names; there is nothing to learn.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_columns)
        y : ignored

        Returns
        -------
        self : DateParts
        """
        self.columns_ = [str(c) for c in getattr(X, "columns", range(np.shape(X)[1]))]
        return self

    def transform(self, X):
        """The four numbers of every date column.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_columns)

        Returns
        -------
        parts : ndarray of shape (n_samples, 4 * n_columns)
        """
        import pandas as pd

        frame = pd.DataFrame(X)
        blocks = []
        for column in frame.columns:
            dates = parse_dates(frame[column]).dt
            for part in (dates.year, dates.month, dates.day_of_week, dates.day_of_year):
                blocks.append(part.to_numpy(dtype=float, na_value=np.nan))
        return np.column_stack(blocks) if blocks else np.empty((len(frame), 0))

    def get_feature_names_out(self, input_features=None):
        """``column_year``, ``column_month``, ... for every date column."""
        columns = self.columns_ if input_features is None else input_features
        return np.array([f"{column}_{part}" for column in columns for part in DATE_PARTS])


@dataclass
class TablePlan:
    """What ``inspect_table`` found: the role of every column, and notes for the user.

    Attributes
    ----------
    numeric, categorical, dates : list of str
        The columns used, by how they are encoded.
    dropped : list of str
        Columns set aside (row IDs, empty columns).
    notes : list of str
        One line per thing the user should know.
    """

    numeric: list = field(default_factory=list)
    categorical: list = field(default_factory=list)
    dates: list = field(default_factory=list)
    dropped: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def used(self):
        """The columns the pipeline reads, in the file's order of the roles."""
        return self.numeric + self.categorical + self.dates


def _kind(column):
    """How a column with some filled cells is encoded, and a note when it is not plain."""
    import pandas as pd

    filled = column.dropna()
    if column.dtype.kind in "iuf":
        return "numeric", None
    if column.dtype.kind == "M":
        return "dates", None
    if column.dtype.kind == "b":
        return "categorical", None
    numbers = pd.to_numeric(filled, errors="coerce")
    if numbers.notna().mean() >= PARSED_SHARE:
        bad = filled[numbers.isna()]
        examples = ", ".join(repr(v) for v in bad.unique()[:3])
        cells = "1 cell is not a number" if bad.size == 1 else f"{bad.size} cells are not numbers"
        return "numeric", f"{cells} ({examples}): read as missing"
    if parse_dates(filled.astype(str)).notna().mean() >= PARSED_SHARE:
        return "dates", f"holds dates: used as {', '.join(DATE_PARTS)} (numbers)"
    return "categorical", None


def _is_row_id(name, column, kind):
    """Whether ``column`` (encoded as ``kind``) identifies rows rather than describing them."""
    filled = column.dropna()
    if kind == "dates":
        return False
    if _ID_NAME.search(str(name)) and filled.nunique() > column.size / 2:
        return True
    unique = filled.size == column.size >= 3 and filled.nunique() == column.size
    if not unique:
        return False
    if column.dtype.kind in "iu":
        values = np.sort(filled.to_numpy())
        consecutive = values[-1] - values[0] == values.size - 1
        return consecutive or column.size >= MIN_ROWS_FOR_INTEGER_ID
    # Text unique on every row: each category would be seen once.
    return kind == "categorical"


def inspect_table(X, distinct=None):
    """Sort the columns of ``X`` into numbers, categories and dates; set aside IDs and blanks.

    Parameters
    ----------
    X : pandas.DataFrame
        The features (the target already taken out).
    distinct : pandas.DataFrame or None
        The distinct rows of the file, when some rows are copies of others:
        a row ID is unique on the distinct rows, and repeats only with them.

    Returns
    -------
    plan : TablePlan
    """
    plan = TablePlan()
    distinct = X if distinct is None else distinct
    for name in X.columns:
        column = X[name]
        if column.dropna().empty:
            plan.dropped.append(name)
            plan.notes.append(f"column {name!r} is empty in every row: not used")
            continue
        kind, note = _kind(column)
        if _is_row_id(name, distinct[name], kind):
            plan.dropped.append(name)
            rows = distinct[name].size
            plan.notes.append(
                f"column {name!r} looks like a row ID ({distinct[name].nunique()} distinct "
                f"values in {rows}{' distinct' if rows < column.size else ''} rows): not used"
            )
            continue
        if kind == "numeric" and _ID_NAME.search(str(name)):
            # A code that repeats (store_id): a category, not a quantity.
            kind, note = "categorical", "named like an ID but repeats: used as categories"
        getattr(plan, kind).append(name)
        if note:
            plan.notes.append(
                f"column {name!r} {note}" if kind == "dates" else f"column {name!r}: {note}"
            )
        missing = int(column.isna().sum())
        if missing:
            fill = "a 'missing' category" if kind == "categorical" else "the median, flagged"
            cells = "1 empty cell" if missing == 1 else f"{missing} empty cells"
            plan.notes.append(f"column {name!r}: {cells}, filled with {fill}")
    return plan


def make_preprocessor(plan):
    """The ``ColumnTransformer`` that encodes the columns of ``plan``.

    Parameters
    ----------
    plan : TablePlan

    Returns
    -------
    preprocessor : sklearn.compose.ColumnTransformer
        Its transformers are named ``numeric``, ``categorical`` and ``dates``.
    """

    def imputed_numbers():
        # keep_empty_features: a column empty in the training rows still
        # gives one output, so every output maps back to its column.
        return SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)

    return ColumnTransformer(
        [
            (
                "numeric",
                make_pipeline(
                    FunctionTransformer(as_numbers, feature_names_out="one-to-one"),
                    imputed_numbers(),
                    StandardScaler(),
                ),
                plan.numeric,
            ),
            (
                "categorical",
                make_pipeline(
                    FunctionTransformer(as_text, feature_names_out="one-to-one"),
                    SimpleImputer(strategy="constant", fill_value="missing"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                plan.categorical,
            ),
            ("dates", make_pipeline(DateParts(), imputed_numbers(), StandardScaler()), plan.dates),
        ],
        verbose_feature_names_out=False,
    )


def _sources_of_imputed(imputer, sources):
    """The source of each output of a fitted ``SimpleImputer`` fed from ``sources``."""
    indicated = [] if imputer.indicator_ is None else imputer.indicator_.features_
    return list(sources) + [sources[j] for j in indicated]


def source_columns(preprocessor):
    """The file's column that each output column of a fitted ``make_preprocessor`` came from.

    Parameters
    ----------
    preprocessor : sklearn.compose.ColumnTransformer
        Fitted.

    Returns
    -------
    sources : ndarray of object, shape (n_outputs,)
    """
    sources = []
    for name, transformer, columns in preprocessor.transformers_:
        if name == "remainder" or len(columns) == 0:
            continue
        if name == "numeric":
            sources += _sources_of_imputed(transformer[1], list(columns))
        elif name == "categorical":
            for column, categories in zip(columns, transformer[-1].categories_, strict=True):
                sources += [column] * len(categories)
        else:
            parts = [column for column in columns for _ in DATE_PARTS]
            sources += _sources_of_imputed(transformer[1], parts)
    return np.array(sources, dtype=object)


def as_pipeline(preprocessor, network):
    """``preprocessor`` then ``network``, as the pipeline the CLI saves."""
    return Pipeline([("preprocess", preprocessor), ("network", network)])


#: Numbers beyond this size cannot be standardized: their squares overflow.
HUGE = 1e150


def check_values(X, numeric_columns):
    """Refuse infinite and huge numbers, naming their columns (a ``DataFileError``).

    Parameters
    ----------
    X : pandas.DataFrame
    numeric_columns : sequence of str
        The columns read as numbers.
    """
    infinite, huge = [], []
    for name in numeric_columns:
        values = as_numbers(X[[name]]).ravel()
        if np.isinf(values).any():
            infinite.append(f"{name!r} ({int(np.isinf(values).sum())} cells)")
        finite = values[np.isfinite(values)]
        if finite.size and np.abs(finite).max() > HUGE:
            huge.append(f"{name!r} (up to {np.abs(finite).max():.3g})")
    if infinite:
        raise DataFileError(
            f"infinite values in column {', '.join(infinite)}: empty those cells or give "
            "finite numbers"
        )
    if huge:
        raise DataFileError(
            f"numbers too large to scale in column {', '.join(huge)}, beyond {HUGE:.0e}: "
            "rescale the column (its logarithm, or other units)"
        )


def describe_input(preprocessor, X):
    """What a fitted ``make_preprocessor`` will do to ``X`` that the user should know.

    The notes ``fit`` gives on its file, for a file to predict: cells filled
    per column (empty, or not numbers), dates that could not be read, and
    categories not seen in training.

    Parameters
    ----------
    preprocessor : sklearn.compose.ColumnTransformer
        Fitted.
    X : pandas.DataFrame
        The columns the preprocessor reads.

    Returns
    -------
    notes : list of str
    """
    notes = []
    transformers = {name: (step, list(cols)) for name, step, cols in preprocessor.transformers_}
    for name in transformers.get("numeric", (None, []))[1]:
        raw = X[name]
        numbers = as_numbers(X[[name]]).ravel()
        bad = raw[raw.notna().to_numpy() & np.isnan(numbers)]
        filled = int(np.isnan(numbers).sum())
        if filled:
            what = f" ({bad.size} not numbers: {examples(bad)})" if bad.size else ""
            notes.append(
                f"column {name!r}: {filled} of {raw.size} cells empty or unreadable{what}, "
                "filled with the training median"
            )
    for name in transformers.get("dates", (None, []))[1]:
        raw = X[name]
        unread = raw.notna() & parse_dates(raw.astype(str)).isna()
        if unread.any():
            notes.append(
                f"column {name!r}: {int(unread.sum())} of {raw.size} cells are not dates "
                f"({examples(raw[unread])}), filled with the training median"
            )
    step, columns = transformers.get("categorical", (None, []))
    # A transformer with no columns is never fitted: it has no categories.
    for name, known in zip(columns, step[-1].categories_ if columns else [], strict=True):
        text = as_text(X[[name]]).ravel()
        text = np.where(_isna(text), "missing", text)
        unseen = ~np.isin(text, known)
        if unseen.any():
            notes.append(
                f"column {name!r}: {int(unseen.sum())} of {text.size} cells hold categories "
                f"not seen in training ({examples(text[unseen])}), encoded as none of them"
            )
    return notes


def _isna(values):
    """Missing cells of an object array (NaN or None)."""
    import pandas as pd

    return pd.isna(values)
