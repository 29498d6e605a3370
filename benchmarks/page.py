"""Benchmark pages: what a benchmark script prints, as a page of the documentation site.

Every script of ``benchmarks/`` takes ``--page PATH``. With it, everything
the run prints is also written to ``PATH`` (a MyST Markdown page, by
convention ``docs/benchmarks/NAME.md``), headed by what the script measures
(its docstring; a script whose runs differ in what they cover gives each
run's page its own title, so that the site's contents tell them apart),
the command that made the page, the date and the machine
(processor, cores, memory, and ``show_versions()``: the versions and whether
the compiled loops ran). Rerunning the command refreshes the page; no number
on it is typed by hand. A run that fails writes nothing, so a page always
holds a whole run.
"""

import contextlib
import io
import os
import platform
import shlex
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import sklearn_l1mlp

ROOT = Path(__file__).resolve().parent.parent


def add_page_option(parser):
    """Add ``--page PATH`` to a benchmark's argument parser."""
    parser.add_argument(
        "--page",
        type=Path,
        help="also write the output as this documentation page (docs/benchmarks/NAME.md)",
    )


class _Tee(io.TextIOBase):
    """Writes to the terminal and keeps a copy."""

    def __init__(self, stream):
        self.stream = stream
        self.copy = io.StringIO()

    def write(self, text):
        self.copy.write(text)
        return self.stream.write(text)

    def flush(self):
        self.stream.flush()


@contextlib.contextmanager
def recorded(page, script, argv, title=None):
    """Record what the block prints and, when it ends without error, write ``page``.

    Parameters
    ----------
    page : path or None
        The page to write; None records nothing.
    script : str
        The benchmark's ``__file__``: its docstring heads the page and its path
        goes into the command.
    argv : list of str
        The arguments the run was given, for the command on the page.
    title : str or None
        This run's title (what it covers); None: the docstring's first line,
        which otherwise opens the description.
    """
    if page is None:
        yield
        return
    tee = _Tee(sys.stdout)
    sys.stdout = tee
    start = time.perf_counter()
    try:
        yield
    finally:
        sys.stdout = tee.stream
    seconds = time.perf_counter() - start
    write_page(page, script, argv, tee.copy.getvalue(), seconds, title)


def write_page(page, script, argv, output, seconds, title=None):
    """Write the page: title and description from the script, the run's provenance, its output."""
    script = Path(script).resolve()
    doc = _docstring(script)
    summary, _, description = doc.partition("\n")
    description = without_run_paragraph(description)
    if title is None:
        title = summary
    else:
        description = f"{summary.strip()}\n\n{description}"
    command = shlex.join(["python", _relative(script), *map(str, argv)])
    lines = [
        f"# {title.strip().rstrip('.')}",
        "",
        "```{note}",
        f"Written by `{_relative(script)}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"in {seconds:.0f} s; rerun the command below to refresh this page.",
        "```",
        "",
        description.replace("``", "`"),
        "",
        "## Command",
        "",
        "```bash",
        command,
        "```",
        "",
        "## Machine",
        "",
        "```text",
        *_machine(),
        "```",
        "",
        "## Output",
        "",
        "```text",
        output.rstrip("\n"),
        "```",
        "",
    ]
    page = Path(page)
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("\n".join(lines))


def without_run_paragraph(description):
    """The description less its ``Run:`` usage paragraph: the page shows the command run.

    The usage may go on over indented lines; the paragraph ends at a blank line.
    """
    kept, in_usage = [], False
    for line in description.strip().splitlines():
        if line.startswith("Run:"):
            in_usage = True
        elif not line.strip():
            in_usage = False
        if not in_usage:
            kept.append(line)
    return "\n".join(kept).strip()


def _docstring(script):
    import ast

    return ast.get_docstring(ast.parse(script.read_text())) or script.stem


def _relative(path):
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _machine():
    processor = platform.processor() or platform.machine()
    memory = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                processor = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = int(line.split()[1]) / 2**20
                break
    cores = os.cpu_count()
    hardware = f"machine: {processor}, {cores} cores"
    if memory:
        hardware += f", {memory:.0f} GiB memory"
    versions = io.StringIO()
    with contextlib.redirect_stdout(versions):
        sklearn_l1mlp.show_versions()
    return [hardware, *versions.getvalue().rstrip("\n").splitlines()]
