"""Reading CSV files as spreadsheets export them: separators, decimal marks, encodings."""

import numpy as np
import pytest

from sklearn_l1mlp._csv_file import DataFileError, read_table, sniff_numbers, sniff_separator

pd = pytest.importorskip("pandas")

PLAIN = "name,price,flag\nbread,1.5,True\ncake,12.25,False\ntea,3.0,True\n"


def _write(tmp_path, text, encoding="utf-8", name="data.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    "text, separator",
    [
        (PLAIN, ","),
        ("a;b;c\n1,5;2;x\n3,25;4;y\n", ";"),
        ("a\tb\tc\n1.5\t2\tx, y\n", "\t"),
        ("a|b\n1|2\n", "|"),
    ],
)
def test_the_separator_is_sniffed(text, separator):
    assert sniff_separator(text.splitlines()) == separator


@pytest.mark.parametrize(
    "lines, separator, expected",
    [
        (["a;b", "1,5;2", "3,25;4"], ";", (",", None)),
        (["a;b", "1.234,5;2", "3,25;4"], ";", (",", ".")),
        (["a,b", '"12,345.67",2', "3.5,4"], ",", (".", ",")),
        (["a;b", "1.5;2", "3.25;4"], ";", (".", None)),
    ],
)
def test_decimal_mark_and_thousands_are_sniffed(lines, separator, expected):
    assert sniff_numbers(lines, separator) == expected


def test_a_european_excel_export_reads_as_its_plain_twin(tmp_path):
    plain, _ = read_table(_write(tmp_path, PLAIN, name="plain.csv"))
    european = "name;price;flag\r\nbread;1,5;True\r\ncake;12,25;False\r\ntea;3,0;True\r\n"
    frame, dialect = read_table(_write(tmp_path, european, encoding="cp1252"))
    pd.testing.assert_frame_equal(frame, plain)
    assert dialect.separator == ";" and dialect.decimal == ","
    assert any("semicolons and decimals written with commas" in note for note in dialect.notes)


def test_cp1252_falls_back_with_a_note_and_keeps_the_letters(tmp_path):
    text = "city,n\nMünchen,1\nZürich – Nord,2\n"
    frame, dialect = read_table(_write(tmp_path, text, encoding="cp1252"))
    assert list(frame["city"]) == ["München", "Zürich – Nord"]
    assert dialect.encoding == "cp1252" and "is not UTF-8" in dialect.notes[0]


def test_a_utf8_bom_is_not_part_of_the_first_name(tmp_path):
    frame, dialect = read_table(_write(tmp_path, PLAIN, encoding="utf-8-sig"))
    assert list(frame.columns) == ["name", "price", "flag"] and dialect.notes == []


def test_separator_only_rows_and_trailing_separators_change_nothing(tmp_path):
    plain, _ = read_table(_write(tmp_path, PLAIN, name="plain.csv"))
    ragged = PLAIN.replace("True\n", "True,\n").replace("False\n", "False,\n") + ",,\n,,\n"
    frame, dialect = read_table(_write(tmp_path, ragged))
    pd.testing.assert_frame_equal(frame, plain)
    assert frame["flag"].dtype == plain["flag"].dtype
    assert "2 lines with no value left out" in dialect.notes


def test_repeated_column_names_are_noted(tmp_path):
    frame, dialect = read_table(_write(tmp_path, "age,x,age\n1,2,3\n4,5,6\n"))
    assert list(frame.columns) == ["age", "x", "age.1"]
    assert any("2 columns are named 'age' (columns 1, 3)" in note for note in dialect.notes)


def test_text_columns_keep_what_is_written(tmp_path):
    frame, _ = read_table(_write(tmp_path, "code,x\n007,1\n010,2\n"), text_columns=["code"])
    assert list(frame["code"]) == ["007", "010"]


def test_overrides_win_over_sniffing(tmp_path):
    frame, dialect = read_table(_write(tmp_path, "a;b\n1,5;2\n"), sep=";", decimal=".")
    assert dialect.decimal == "." and frame["a"].iloc[0] == "1,5"


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),
        (b"", "is empty"),
        (b"x,y\n", "no rows"),
        (b'a,b\n1,"2\n', "could not be read as a CSV file"),
        (bytes(range(128, 256)) * 4, "binary file"),
        (b"PK\x03\x04\x00\x00xl/workbook.xml", "binary file"),
        (b"a,b\n1,2\n3,4,5,6\n", "line 3 has 4 values where the header has 2"),
    ],
)
def test_a_file_that_cannot_be_read_names_the_likely_cause(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataFileError, match=message):
        read_table(path)


def test_without_pandas_reading_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "pandas", None)  # import fails
    with pytest.raises(DataFileError, match=r"pip install 'sklearn_l1mlp\[cli\]'"):
        read_table(tmp_path / "data.csv")


def test_a_wrong_encoding_given_is_named(tmp_path):
    with pytest.raises(DataFileError, match="cannot be read as ascii"):
        read_table(_write(tmp_path, "a\nü\n"), encoding="ascii")


def test_numbers_are_read_in_the_files_own_marks(tmp_path):
    _, dialect = read_table(_write(tmp_path, "a;b\n1.234,5;x\n2,5;y\n"))
    assert dialect.number("1.234,5") == 1234.5 and np.isnan(dialect.number("n.a."))
