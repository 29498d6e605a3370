"""A user's table made ready: column roles, dates, IDs, imputation, and the way back."""

import numpy as np
import pytest

from sklearn_l1mlp._tabular import (
    DATE_PARTS,
    DateParts,
    as_numbers,
    as_text,
    inspect_table,
    make_preprocessor,
    source_columns,
)

pd = pytest.importorskip("pandas")


@pytest.fixture
def table():
    rng = np.random.RandomState(0)
    n = 60
    frame = pd.DataFrame(
        {
            "row": np.arange(n),  # consecutive integers: a row number
            "user_id": rng.permutation(n) * 7,  # named like an ID, unique
            "store_id": rng.choice([3, 5, 8], n),  # named like an ID, repeats
            "size": rng.normal(size=n),
            "count": rng.randint(0, 9, n),
            "price": rng.normal(size=n).round(2).astype(str),
            "color": rng.choice(["red", "blue"], n),
            "flag": rng.choice([True, False], n),
            "day": pd.date_range("2021-03-01", periods=n, freq="37h").astype(str),
            "name": [f"n{i}" for i in range(n)],
            "blank": np.nan,
        }
    )
    frame.loc[[1, 2], "price"] = ["?", "n.a."]
    frame.loc[[4, 9], "size"] = np.nan
    frame.loc[[0], "color"] = np.nan
    frame.loc[[6], "day"] = "not a date"
    return frame


def test_columns_are_sorted_by_role_with_a_note_for_each_surprise(table):
    plan = inspect_table(table)
    assert plan.numeric == ["size", "count", "price"]
    assert plan.categorical == ["store_id", "color", "flag"]
    assert plan.dates == ["day"]
    assert plan.dropped == ["row", "user_id", "name", "blank"]
    text = "\n".join(plan.notes)
    for expected in (
        "'row' looks like a row ID",
        "'user_id' looks like a row ID",
        "'name' looks like a row ID",
        "'blank' is empty in every row",
        "'store_id': named like an ID but repeats",
        "'price': 2 cells are not numbers ('?', 'n.a.')",
        "'day' holds dates",
        "'size': 2 empty cells, filled with the median",
        "'color': 1 empty cell, filled with a 'missing' category",
    ):
        assert expected in text
    assert plan.used == plan.numeric + plan.categorical + plan.dates


@pytest.mark.parametrize(
    "values, is_id",
    [
        (np.arange(5, 65), True),  # consecutive
        (np.random.RandomState(0).permutation(60) * 3, True),  # unique, 60 rows
        (np.random.RandomState(0).permutation(20) * 3, False),  # unique but few rows
        (np.random.RandomState(0).normal(size=60), False),  # unique floats: a measurement
    ],
)
def test_an_unnamed_column_is_a_row_id_only_when_it_looks_like_one(values, is_id):
    plan = inspect_table(pd.DataFrame({"x": values}))
    assert (plan.dropped == ["x"]) is is_id


def test_date_parts_are_numbers_and_non_dates_are_missing():
    parts = DateParts().fit(pd.DataFrame({"when": ["2024-03-05", "x"]}))
    values = parts.transform(pd.DataFrame({"when": ["2024-03-05", "x"]}))
    # 5 March 2024: a Tuesday (1), day 65 of a leap year.
    np.testing.assert_array_equal(values[0], [2024, 3, 1, 65])
    assert np.isnan(values[1]).all()
    assert list(parts.get_feature_names_out()) == [f"when_{part}" for part in DATE_PARTS]


def test_as_numbers_and_as_text_keep_missing_cells_missing():
    numbers = as_numbers(pd.DataFrame({"a": ["1.5", "?", None]}))
    np.testing.assert_array_equal(np.isnan(numbers[:, 0]), [False, True, True])
    text = as_text(pd.DataFrame({"b": [True, None, False]}))
    assert text[0, 0] == "True" and text[2, 0] == "False" and np.isnan(text[1, 0])


def test_every_encoded_column_maps_back_to_its_column_of_the_file(table):
    plan = inspect_table(table)
    preprocessor = make_preprocessor(plan)
    encoded = preprocessor.fit_transform(table[plan.used])
    assert np.isfinite(encoded).all()  # every gap imputed
    names = preprocessor.get_feature_names_out()
    sources = source_columns(preprocessor)
    assert len(sources) == encoded.shape[1] == len(names)
    for name, source in zip(names, sources, strict=True):
        # Indicator columns are named missingindicator_<column>.
        assert str(name).removeprefix("missingindicator_").startswith(str(source))
    assert set(sources) == set(plan.used)
    # Gaps seen in training are flagged: size, price, and the day that is no date.
    flagged = [s for n, s in zip(names, sources, strict=True) if "missingindicator" in n]
    assert flagged == ["size", "price", "day", "day", "day", "day"]


def test_the_preprocessor_takes_a_new_file_with_gaps_and_new_categories(table):
    plan = inspect_table(table)
    preprocessor = make_preprocessor(plan).fit(table[plan.used])
    new = table[plan.used].head(3).copy()
    new["color"] = ["green", None, "red"]
    new["count"] = np.nan
    assert np.isfinite(preprocessor.transform(new)).all()
