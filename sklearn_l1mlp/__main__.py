"""``python -m sklearn_l1mlp``: the demo, or ``fit`` / ``predict`` on a CSV file."""

import argparse
import sys
import warnings

from sklearn.exceptions import ConvergenceWarning

from ._cli import CLIError, add_commands
from ._demo import format_rows, run_demo


def _demo(args):
    rows = run_demo(alpha=args.alpha, hidden_layer_sizes=tuple(args.hidden), random_state=args.seed)
    print(
        f"Breast cancer (569 rows, 30 features), 70/30 split, standardized; "
        f"alpha={args.alpha:g}, hidden={tuple(args.hidden)}, adam"
    )
    print(format_rows(rows))


def _demo_parser():
    parser = argparse.ArgumentParser(
        prog="python -m sklearn_l1mlp",
        description=(
            "Train L1MLPClassifier in every l1_mode (and scikit-learn's L2 "
            "MLPClassifier for reference) on the breast-cancer data shipped with "
            "scikit-learn, and print held-out accuracy, the share of weights that "
            "are exactly zero, the input features the network uses and fit time. "
            "'python -m sklearn_l1mlp fit --help' trains on your own CSV file."
        ),
    )
    parser.add_argument("--alpha", type=float, default=3e-3, help="L1 strength (default 3e-3)")
    parser.add_argument(
        "--hidden", type=int, nargs="*", default=[32], help="hidden layer sizes (default 32)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return parser


def main(argv=None):
    """Run the demo, or the ``fit``/``predict`` command named first."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] and argv[0] in ("fit", "predict"):
        parser = argparse.ArgumentParser(prog="python -m sklearn_l1mlp")
        add_commands(parser.add_subparsers(required=True))
        args = parser.parse_args(argv)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                args.command(args)
        except CLIError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        return 0
    _demo(_demo_parser().parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
