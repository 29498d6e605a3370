"""What the CLI writes: its report on standard error, and files written whole or not at all.

Standard output is for predictions alone, so that ``predict m.joblib x.csv >
out.txt`` holds one prediction per row: every report, note and warning goes
to standard error. A path given to ``--save``, ``--plot`` or ``--output`` is
checked before any fitting starts, and a file is written beside its target
and moved over it only once complete, so a failed or interrupted run never
destroys an existing file.
"""

import os
import sys
from pathlib import Path

from ._csv_file import DataFileError

#: Column lists longer than this are cut, with a count of the rest.
LISTED = 10


def say(text):
    """One line of the report, on standard error."""
    print(text, file=sys.stderr)


def note(text):
    """A ``note:`` line on standard error."""
    say(f"note: {text}")


def listed(names, limit=LISTED):
    """``names`` joined by commas, cut to ``limit`` with a count of the rest."""
    names = [str(name) for name in names]
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def examples(values, limit=3):
    """The first ``limit`` distinct ``values``, quoted and joined: what a note shows of them."""
    return ", ".join(repr(str(v)) for v in list(dict.fromkeys(values))[:limit])


def check_output_path(path, option):
    """Refuse, before any fitting, a path that cannot be written (a ``DataFileError``)."""
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise DataFileError(f"{option} {path} is a folder: give a file name")
    if not folder.is_dir():
        raise DataFileError(
            f"{option} {path}: the folder {folder} does not exist; create it or give another path"
        )
    if not os.access(folder, os.W_OK):
        raise DataFileError(f"{option} {path}: cannot write into {folder}; give another folder")


def write_whole(path, write):
    """Call ``write(partial)`` and move the file over ``path`` only once it is complete."""
    path = Path(path)
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        write(partial)
        os.replace(partial, path)
    except OSError as error:
        raise DataFileError(f"could not write {path}: {error.strerror or error}") from error
    finally:
        partial.unlink(missing_ok=True)
