"""A CSV file as spreadsheets and databases export it: encoding, separator, decimal mark.

Excel in most of Europe writes ``;`` between values and ``,`` as the decimal
mark; Excel on Windows writes cp1252 (Western European), not UTF-8; exports
end with rows of separators alone, put a separator at the end of every
line, or repeat a column name. ``read_table`` reads such a file as its
plain-CSV twin would read, and says in a note each thing it settled for the
user (``--sep``, ``--decimal`` and ``--encoding`` override what it sniffs).
A file it still cannot read is a ``DataFileError`` naming the likely cause.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

#: The separators sniffed, in the order ties are broken.
SEPARATORS = (",", ";", "\t", "|")
_SEPARATOR_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
#: Lines the sniffers look at.
_SNIFFED_LINES = 200
_COMMA_DECIMAL = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$")
_POINT_DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")
_POINT_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_COMMA_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


class DataFileError(ValueError):
    """A problem with a user's data file, said in one line with what to change."""


@dataclass
class Dialect:
    """How a file is written: what ``read_table`` settled, and the notes it has for the user.

    Attributes
    ----------
    encoding, separator, decimal : str
    thousands : str or None
    notes : list of str
    """

    encoding: str = "utf-8"
    separator: str = ","
    decimal: str = "."
    thousands: str = None
    notes: list = field(default_factory=list)

    def number(self, text):
        """``text`` as written in this file, as a float (NaN when it is not a number)."""
        cleaned = str(text).strip().replace(" ", "").replace("\u00a0", "")
        if self.thousands:
            cleaned = cleaned.replace(self.thousands, "")
        if self.decimal != ".":
            cleaned = cleaned.replace(self.decimal, ".")
        try:
            return float(cleaned)
        except ValueError:
            return float("nan")


def decode(data, path, encoding=None):
    """The text of ``data`` (bytes) and the encoding it was read in, with a note if not UTF-8."""
    if encoding is not None:
        try:
            return data.decode(encoding), encoding, []
        except (LookupError, UnicodeDecodeError) as error:
            raise DataFileError(
                f"{path} cannot be read as {encoding} ({error}): give the encoding it was "
                "written in (--encoding utf-8, cp1252, latin-1, ...)"
            ) from error
    if _looks_binary(data):
        raise DataFileError(
            f"{path} could not be read as a CSV file: it looks like a binary file (a "
            "spreadsheet's .xlsx or .xls, an archive), not text; export it as CSV and give that"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), "utf-8-sig", []
    for candidate in ("utf-8", "cp1252", "latin-1"):
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        notes = []
        if candidate != "utf-8":
            notes.append(
                f"{path} is not UTF-8: read as {candidate} (Excel on Windows writes cp1252); "
                "give --encoding if accented letters look wrong"
            )
        return text, candidate, notes
    raise AssertionError("latin-1 decodes every byte")


def _looks_binary(data):
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
    if controls > 0.05 * len(sample):
        return True
    try:
        sample.decode("utf-8")
        return False
    except UnicodeDecodeError as error:
        if error.start > len(sample) - 4:  # a character cut by the sample's end
            return False
    # In a cp1252 or latin-1 table, bytes above 127 are accented letters: a few.
    return sum(1 for byte in sample if byte > 127) > 0.3 * len(sample)


def sniff_separator(lines):
    """The separator that splits ``lines`` into the same number of fields most often."""
    best, best_key = ",", None
    for separator in SEPARATORS:
        counts = [len(row) for row in csv.reader(lines, delimiter=separator)]
        if not counts or counts[0] < 2:
            continue
        agreeing = sum(count == counts[0] for count in counts) / len(counts)
        key = (agreeing, counts[0])
        if best_key is None or key > best_key:
            best, best_key = separator, key
    return best


def sniff_numbers(lines, separator):
    """The decimal mark and thousands separator of the number cells of ``lines``."""
    cells = [cell.strip() for row in csv.reader(lines[1:], delimiter=separator) for cell in row]
    comma_decimals = sum(bool(_COMMA_DECIMAL.match(cell)) for cell in cells)
    point_decimals = sum(
        bool(_POINT_DECIMAL.match(cell)) and not _POINT_THOUSANDS.match(cell) for cell in cells
    )
    # A comma inside a number of a file not separated by commas is a decimal mark,
    # unless most numbers are written with points (a column exported as text).
    decimal = "," if separator != "," and comma_decimals > point_decimals / 2 else "."
    if decimal == ",":
        thousands = "." if any(_POINT_THOUSANDS.match(cell) for cell in cells) else None
    else:
        thousands = "," if any(_COMMA_THOUSANDS.match(cell) for cell in cells) else None
    return decimal, thousands


def read_table(path, *, sep=None, decimal=None, encoding=None, text_columns=()):
    """Read ``path`` as it was exported; every way it can fail becomes a ``DataFileError``.

    Parameters
    ----------
    path : str or Path
    sep, decimal, encoding : str or None
        Override what is sniffed.
    text_columns : sequence of str
        Columns kept as the text written in the file (a target such as
        ``007`` stays ``007``).

    Returns
    -------
    frame : pandas.DataFrame
        At least one row.
    dialect : Dialect
        How the file was read, with its notes.
    """
    try:
        import pandas as pd
    except ImportError as error:
        raise DataFileError(
            "reading CSV files needs pandas: pip install 'sklearn_l1mlp[cli]'"
        ) from error
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"no such file: {path}")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataFileError(f"{path} could not be read ({error.strerror})") from error
    if not data.strip():
        raise DataFileError(f"{path} is empty")
    text, used_encoding, notes = decode(data, path, encoding)
    lines = text.splitlines()
    separator = sep or sniff_separator(lines[:_SNIFFED_LINES])
    kept = [lines[0]] + [line for line in lines[1:] if line.strip(separator + " \t")]
    if len(kept) < len(lines):
        blank = len(lines) - len(kept)
        notes.append(f"{blank} line{'s' if blank > 1 else ''} with no value left out")
    sniffed_decimal, thousands = sniff_numbers(kept[:_SNIFFED_LINES], separator)
    decimal = decimal or sniffed_decimal
    if decimal == "," and thousands == ",":
        thousands = None
    dialect = Dialect(used_encoding, separator, decimal, thousands, notes)
    if separator != "," and sep is None:
        notes.append(
            f"values are separated by {_SEPARATOR_NAMES[separator]}"
            + (" and decimals written with commas" if decimal == "," else "")
        )
    header = next(csv.reader([kept[0]], delimiter=separator), [])
    _note_repeated_names(header, notes)
    try:
        frame = pd.read_csv(
            io.StringIO("\n".join(kept) + "\n"),
            sep=separator,
            decimal=decimal,
            thousands=thousands,
            # A separator at the end of every data line is no column of its own.
            index_col=False,
            dtype={name: str for name in text_columns if name in header},
        )
    except pd.errors.EmptyDataError as error:
        raise DataFileError(f"{path} is empty") from error
    except pd.errors.ParserError as error:
        raise DataFileError(f"{path} could not be read as a CSV file ({_cause(error)})") from error
    if frame.empty:
        raise DataFileError(f"{path} has a header but no rows")
    if decimal != "." or thousands:
        _numbers_in_text_columns(frame, dialect, skip=text_columns)
    return frame, dialect


def _numbers_in_text_columns(frame, dialect, skip):
    """In columns pandas left as text (a "?" among numbers), the numbers in the file's marks.

    pandas applies the decimal mark only to columns that are numbers
    throughout; elsewhere ``1,5`` would stay text, and no later step knows
    the file's marks. Cells that are numbers become floats; the rest stay.
    """
    for name in frame.columns:
        column = frame[name]
        if name in skip or column.dtype.kind in "iufbM":
            continue
        numbers = column.map(lambda v: dialect.number(v) if isinstance(v, str) else v)
        if numbers.notna().any():
            frame[name] = numbers.where(numbers.notna(), column).astype(object)


def _note_repeated_names(header, notes):
    seen = {}
    for position, name in enumerate(header, start=1):
        seen.setdefault(name, []).append(position)
    for name, positions in seen.items():
        if len(positions) > 1:
            notes.append(
                f"{len(positions)} columns are named {name!r} (columns "
                f"{', '.join(map(str, positions))}): the later ones are read as "
                + ", ".join(repr(f"{name}.{k}") for k in range(1, len(positions)))
                + "; rename them in the file to choose"
            )


def _cause(error):
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if fields:
        expected, line, seen = fields.groups()
        return (
            f"line {line} has {seen} values where the header has {expected}: a separator "
            "inside a value that is not quoted? Quote such values, or give --sep"
        )
    return f"{message}; give a text file with a header row and one row per line"
