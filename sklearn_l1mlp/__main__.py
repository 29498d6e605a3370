"""``python -m sklearn_l1mlp``: the demo, or ``fit`` / ``predict`` on a CSV file.

Whatever goes wrong ends in one line on stderr and exit code 2 (``--debug``
shows the traceback instead); a closed pipe (``... predict m.joblib x.csv |
head``) ends quietly. Ctrl-C stops at once with exit code 130: the
estimators turn an interrupt into a finished fit (the last epoch's weights,
as a notebook user wants), so the CLI's own handler raises ``Interrupted``,
which they do not catch, and nothing is saved.
"""

import argparse
import os
import signal
import sys
import warnings

from sklearn.exceptions import ConvergenceWarning

from ._cli import add_commands
from ._csv_file import DataFileError
from ._demo import format_rows, run_demo

_COMMANDS = ("fit", "predict")


def _demo(args):
    rows = run_demo(alpha=args.alpha, hidden_layer_sizes=tuple(args.hidden), random_state=args.seed)
    print(
        f"Breast cancer (569 rows, 30 features), 70/30 split, standardized; "
        f"alpha={args.alpha:g}, hidden={tuple(args.hidden)}, adam"
    )
    print(format_rows(rows))


def _debug_option():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", help="show the traceback when something goes wrong"
    )
    return common


def _demo_parser():
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_l1mlp",
        usage="python -m sklearn_l1mlp [fit|predict] ...",
        parents=[_debug_option()],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "With no command: train L1MLPClassifier in every l1_mode (and scikit-learn's\n"
            "L2 MLPClassifier for reference) on the breast-cancer data shipped with\n"
            "scikit-learn, and print held-out accuracy, the share of weights that are\n"
            "exactly zero, the input features the network uses and fit time."
        ),
        epilog=(
            "commands:\n"
            "  fit      train on your own CSV file and report the columns used\n"
            "           (python -m sklearn_l1mlp fit --help)\n"
            "  predict  predict a CSV file with a model saved by fit --save\n"
            "           (python -m sklearn_l1mlp predict --help)"
        ),
    )
    parser.add_argument("--alpha", type=float, default=3e-3, help="L1 strength (default 3e-3)")
    parser.add_argument(
        "--hidden", type=int, nargs="*", default=[32], help="hidden layer sizes (default 32)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return parser


def _parse(argv):
    if argv[:1] and argv[0] in _COMMANDS:
        parser = argparse.ArgumentParser(prog="python -m sklearn_l1mlp")
        add_commands(parser.add_subparsers(required=True), parents=[_debug_option()])
        return parser.parse_args(argv)
    args = _demo_parser().parse_args(argv)
    args.command = _demo
    return args


class Interrupted(BaseException):
    """Ctrl-C in the CLI: not a ``KeyboardInterrupt``, so no fit takes it for a stop."""


def _interrupt(signum, frame):
    raise Interrupted


def _one_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def main(argv=None):
    """Run the demo, or the ``fit``/``predict`` command named first; return the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parse(argv)
    try:
        previous = signal.signal(signal.SIGINT, _interrupt)
    except ValueError:  # not the main thread: leave Ctrl-C as it is
        previous = None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default", UserWarning)
            warnings.simplefilter("ignore", ConvergenceWarning)  # checked first: added last
            args.command(args)
        for message in dict.fromkeys(_one_line(w.message) for w in caught):
            print(f"warning: {message}", file=sys.stderr)
    except BrokenPipeError:
        # The reader (head, less) left: stop writing, quietly. Python's docs'
        # recipe: point stdout at devnull so the exit flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (KeyboardInterrupt, Interrupted):
        print("interrupted: nothing was saved", file=sys.stderr)
        return 130
    except Exception as error:
        if args.debug:
            raise
        if isinstance(error, DataFileError):
            print(f"error: {error}", file=sys.stderr)
        else:
            print(
                f"error: {type(error).__name__}: {_one_line(error)} "
                "(run again with --debug for the traceback)",
                file=sys.stderr,
            )
        return 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
