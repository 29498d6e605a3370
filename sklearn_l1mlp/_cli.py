"""``python -m sklearn_l1mlp fit|predict``: the estimators on a user's CSV file.

``fit`` reads the file, sets aside row IDs and empty columns, drops the rows
whose target is missing, and encodes the rest inside a saved pipeline
(``_tabular``: missing cells imputed, dates as numbers, text one-hot); it
trains an L1 network on 75% of the rows and prints the held-out score, the
columns of the file the network uses ranked by importance and the share of
weights that are exactly zero. With ``--cv`` the penalty, and so the
columns, are chosen by ``L1MLPClassifierCV`` / ``L1MLPRegressorCV``, with a
line of progress per path point per fold, and ``--plot`` draws their path.
``--save`` writes the fitted pipeline with joblib; ``predict`` reads it back
and predicts (and scores, when the file has the target column) another file.

Standard output carries predictions and nothing else; every report, note
and warning goes to standard error, so ``predict m.joblib x.csv > out.txt``
holds one prediction per row. Every problem with the user's files is a
``DataFileError``: one line that says what is wrong and what to change.
Output paths are checked before any fitting, and files are written whole or
not at all, so a failed or interrupted fit never destroys an existing one.
"""

import contextlib
import sys
from pathlib import Path

import joblib
import numpy as np

from ._cli_output import LISTED, check_output_path, listed, note, say, write_whole
from ._cli_split import copy_groups, cv_folds, held_out_split, read_target
from ._csv_file import DataFileError, read_table
from ._cv import L1MLPClassifierCV, L1MLPRegressorCV
from ._cv_prepare import DEFAULT_TEMPLATE
from ._display import L1PathDisplay, sum_by_group
from ._mlp import L1MLPClassifier, L1MLPRegressor
from ._penalties import L1_MODES
from ._tabular import (
    as_pipeline,
    check_values,
    describe_input,
    inspect_table,
    make_preprocessor,
    source_columns,
)

#: Fewest rows (with a target) ``fit`` trains on: a quarter is held out.
MIN_ROWS = 10
#: Fewest with ``--cv``: the training part is split into 5 folds.
MIN_ROWS_CV = 20
#: Below this many held-out rows the score gets a warning.
MIN_HELD_OUT = 30
#: How ``fit --save`` files are recognized by ``predict``.
_SAVED_KEYS = {"pipeline", "target", "task", "columns"}


def _read(args, path, target):
    """The file at ``path`` as ``args`` says to read it, with a note for each thing settled."""
    frame, dialect = read_table(
        path, sep=args.sep, decimal=args.decimal, encoding=args.encoding, text_columns=[target]
    )
    for text in dialect.notes:
        note(text)
    return frame, dialect


def _check_target_column(frame, target, path):
    if target not in frame.columns:
        hint = ""
        if frame.shape[1] == 1:
            hint = " (it has one column: are its values separated by another character? --sep)"
        raise DataFileError(
            f"{path} has no column {target!r}{hint}; its columns are: {listed(frame.columns)}"
        )


def _check_size(y, task, cv, path, target):
    """Enough rows to train and score; a warning when the held-out part is small."""
    needed = MIN_ROWS_CV if cv else MIN_ROWS
    if len(y) < needed:
        raise DataFileError(
            f"{path} has {len(y)} row{'' if len(y) == 1 else 's'} with a {target!r} value; "
            f"fit needs at least {needed}"
            f"{' with --cv' if cv else ''} (a quarter is held out to score the model): "
            "add rows" + (" or leave out --cv" if cv and len(y) >= MIN_ROWS else "")
        )
    if task == "classification" and y.nunique() < 2:
        raise DataFileError(
            f"{target!r} has the same value ({y.iloc[0]!r}) in every row, so there is "
            "nothing to predict: give a file with at least two classes"
        )
    held_out = len(y) - int(np.floor(0.75 * len(y)))
    if held_out < MIN_HELD_OUT:
        say(
            f"warning: the held-out score is measured on {held_out} rows only; "
            "take it as a rough guide"
        )


def _network(args, task):
    # Options left out keep the CV estimators' network (DEFAULT_TEMPLATE).
    given = dict(
        hidden_layer_sizes=None if args.hidden is None else tuple(args.hidden),
        learning_rate_init=args.learning_rate,
        max_iter=args.max_iter,
    )
    settings = dict(l1_mode=args.mode, random_state=args.seed)
    if not args.cv:
        network_class = L1MLPRegressor if task == "regression" else L1MLPClassifier
        defaults = {name: DEFAULT_TEMPLATE[name] for name in given}
        given = {name: defaults[name] if value is None else value for name, value in given.items()}
        return network_class(alpha=args.alpha, **given, **settings)
    if not L1_MODES[args.mode].exact_zeros:
        choices = " or ".join(m for m, mode in L1_MODES.items() if mode.exact_zeros)
        raise DataFileError(
            f"--cv selects features, which needs exact zeros: use --mode {choices} "
            f"(got {args.mode!r})"
        )
    # The CV estimators' tuned network, with the settings given here.
    cv_class = L1MLPRegressorCV if task == "regression" else L1MLPClassifierCV
    return cv_class(cv=5, n_jobs=args.n_jobs, verbose=0 if args.quiet else 1, **given, **settings)


def _column_importances(pipeline):
    """Importance per column of the file: the sum over the columns it was encoded into."""
    network, sources = pipeline[-1], source_columns(pipeline[0])
    columns = list(pipeline[0].feature_names_in_)
    sums = sum_by_group(network.feature_importances_, sources, columns)
    importances = dict(zip(columns, sums, strict=True))
    if network.coefs_ is None:  # a CV estimator that kept no feature: a constant model
        return importances, 1.0
    zero_share = float(np.mean(np.concatenate([c.ravel() for c in network.coefs_]) == 0))
    return importances, zero_share


def _require_matplotlib():
    try:
        import matplotlib

        matplotlib.use("Agg")
    except ImportError as error:
        raise DataFileError("--plot needs matplotlib: pip install 'sklearn_l1mlp[plot]'") from error


def _plot(pipeline, path):
    """Write the CV path of a fitted ``--cv`` pipeline to ``path``, per column of the file."""
    network, sources = pipeline[-1], source_columns(pipeline[0])
    columns = list(pipeline[0].feature_names_in_)
    display = L1PathDisplay.from_estimator(
        network, importance_groups=sources, feature_names=columns
    )
    display.figure_.tight_layout()
    file_format = Path(path).suffix.lstrip(".") or "png"
    write_whole(path, lambda partial: display.figure_.savefig(partial, dpi=120, format=file_format))
    say(f"wrote the path plot to {path}")


def _report(args, task, network, pipeline, X_test, y_test, n_rows):
    score_name = "accuracy" if task == "classification" else "R^2"
    if args.cv:
        say(
            f"{task}, l1_mode={args.mode!r}, alpha={network.alpha_:g}, "
            f"feature_alpha={network.feature_alpha_:g} (chosen by 5-fold cross-validation "
            f"over an {'adaptive ' if network.adaptive_ else ''}L1 path with relaxed refits)"
        )
    else:
        say(f"{task}, l1_mode={args.mode!r}, alpha={args.alpha:g}")
    score = pipeline.score(X_test, y_test)
    say(f"held-out {score_name}: {score:.4f} ({len(X_test)} of {n_rows} rows)")
    importances, zero_share = _column_importances(pipeline)
    used = sorted(((v, str(k)) for k, v in importances.items() if v > 0), reverse=True)
    say(f"weights exactly zero: {zero_share:.1%}")
    say(f"columns used: {len(used)} of {len(importances)}")
    for value, column in used[: 2 * LISTED]:
        say(f"  {column:<30} {value:.4f}")
    if len(used) > 2 * LISTED:
        say(f"  and {len(used) - 2 * LISTED} more, each below {used[2 * LISTED - 1][0]:.4f}")
    unused = sorted(str(k) for k, v in importances.items() if v == 0)
    if unused:
        say(f"columns not used: {listed(unused)}")


def fit_command(args):
    """Train on ``args.data`` and report on standard error; returns the fitted pipeline."""
    for path, option in ((args.save, "--save"), (args.plot, "--plot")):
        if path:
            check_output_path(path, option)
    if args.plot:
        if not args.cv:
            raise DataFileError("--plot draws the cross-validated path: add --cv")
        _require_matplotlib()
    frame, dialect = _read(args, args.data, args.target)
    _check_target_column(frame, args.target, args.data)
    target = read_target(frame[args.target], args.target, dialect, args.task)
    frame = frame.loc[target.values.index]
    X, y = frame.drop(columns=[args.target]), target.values
    network = _network(args, target.task)
    groups = copy_groups(frame)
    distinct = np.unique(groups, return_index=True)[1]
    plan = inspect_table(X, distinct=X.iloc[np.sort(distinct)])
    if not plan.used:
        raise DataFileError(
            f"{args.data} has no column to learn from besides {args.target!r}: add feature columns"
        )
    _check_size(y, target.task, args.cv, args.data, args.target)
    check_values(X, plan.numeric)
    notes = list(target.notes)
    if distinct.size < len(y):
        notes.append(
            f"{len(y) - distinct.size} rows are copies of others ({distinct.size} distinct "
            "rows): each row and its copies are kept on one side of every split"
        )
    for text in notes + plan.notes:
        note(text)
    X = X[plan.used]
    train, test, split_note = held_out_split(y, target.task, groups, args.seed)
    if split_note:
        note(split_note)
    if args.cv:
        network.set_params(cv=cv_folds(y.iloc[train], target.task, groups[train]))
    pipeline = as_pipeline(make_preprocessor(plan), network)
    # The CV's progress lines are printed to standard output: send them to stderr.
    with contextlib.redirect_stdout(sys.stderr):
        pipeline.fit(X.iloc[train], y.iloc[train])
    _report(args, target.task, network, pipeline, X.iloc[test], y.iloc[test], len(X))
    if args.plot:
        _plot(pipeline, args.plot)
    if args.save:
        saved = {
            "pipeline": pipeline,
            "target": args.target,
            "task": target.task,
            "columns": plan.used,
        }
        write_whole(args.save, lambda partial: joblib.dump(saved, partial))
        say(f"saved the fitted pipeline to {args.save}")
    return pipeline


def _load_model(path):
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"no such file: {path}")
    try:
        saved = joblib.load(path)
    except Exception as error:  # joblib raises many kinds on a file it did not write
        raise DataFileError(
            f"{path} is not a model written by 'fit --save' (joblib cannot read "
            "it): give the file that fit --save wrote"
        ) from error
    if not isinstance(saved, dict) or not _SAVED_KEYS <= set(saved):
        raise DataFileError(
            f"{path} is not a model written by 'fit --save' of this version: fit it again "
            "with --save"
        )
    return saved


def _columns_for(saved, frame, path):
    """The model's input columns of ``frame``; those it does not use may be absent."""
    columns, pipeline = saved["columns"], saved["pipeline"]
    absent = [c for c in columns if c not in frame.columns]
    if not absent:
        return frame[columns]
    importances, _ = _column_importances(pipeline)
    needed = [str(c) for c in absent if importances[c] > 0]
    if needed:
        raise DataFileError(
            f"{path} lacks columns the model uses: {listed(needed)}; add them "
            "(empty cells are allowed)"
        )
    note(f"{path} lacks {listed(absent)}, which the model does not use")
    return frame.reindex(columns=columns)


def _score(saved, frame, X, dialect, path):
    """Score the rows of ``frame`` that have a target, with a note on classes never seen."""
    pipeline, target = saved["pipeline"], saved["target"]
    truth = read_target(frame[target], target, dialect, saved["task"])
    if saved["task"] == "classification":
        known = {str(label) for label in pipeline.classes_}
        unseen = truth.values[~truth.values.isin(known)]
        if unseen.size:
            note(
                f"{unseen.size} rows have a {target!r} the model never saw in training "
                f"({listed(sorted(set(unseen)), 3)}): they count as errors"
            )
    rows = X.loc[truth.values.index]
    name = "accuracy" if saved["task"] == "classification" else "R^2"
    score = pipeline.score(rows, truth.values)
    say(f"{name} on {path}: {score:.4f} ({len(rows)} rows with a target)")


def predict_command(args):
    """Predict ``args.data`` with a saved pipeline; score it when the target is there."""
    if args.output:
        check_output_path(args.output, "--output")
    saved = _load_model(args.model)
    pipeline, target = saved["pipeline"], saved["target"]
    frame, dialect = _read(args, args.data, target)
    X = _columns_for(saved, frame, args.data)
    numeric = [cols for name, _, cols in pipeline[0].transformers_ if name == "numeric"]
    check_values(X, list(numeric[0]) if numeric else [])
    for text in describe_input(pipeline[0], X):
        note(text)
    predictions = pipeline.predict(X)
    if target in frame.columns and frame[target].notna().any():
        _score(saved, frame, X, dialect, args.data)
    if args.output:
        result = frame.copy()
        result[f"predicted_{target}"] = predictions
        write_whole(args.output, lambda partial: result.to_csv(partial, index=False))
        say(f"wrote {len(result)} predictions to {args.output}")
    else:
        sys.stdout.write("".join(f"{value}\n" for value in predictions))
    return predictions


_FIT_DESCRIPTION = (
    "Train an L1 network on a CSV file and report the columns it uses. "
    "Empty cells are imputed, dates become numbers, row IDs are set aside."
)
_PREDICT_DESCRIPTION = (
    "Predict a CSV file with a model written by 'fit --save'; score it when the file "
    "has the target column."
)


def _add_dialect_options(parser):
    parser.add_argument(
        "--sep", help="the separator between values (default: sniffed among , ; tab |)"
    )
    parser.add_argument("--decimal", choices=[".", ","], help="the decimal mark (default: sniffed)")
    parser.add_argument(
        "--encoding", help="the file's encoding (default: UTF-8, else cp1252 with a note)"
    )


def add_commands(subparsers, parents=()):
    """Add ``fit`` and ``predict`` to an argparse subparsers object.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
    parents : sequence of argparse.ArgumentParser
        Options every command takes (the entry point's ``--debug``).
    """
    fit = subparsers.add_parser(
        "fit",
        parents=list(parents),
        help="train on a CSV file and report the columns used",
        description=_FIT_DESCRIPTION,
    )
    fit.add_argument("data", help="CSV file with a header row")
    _add_dialect_options(fit)
    fit.add_argument("--target", required=True, help="the column to predict")
    fit.add_argument(
        "--task",
        choices=["classification", "regression"],
        help="default: classification for text or few integer values",
    )
    penalty = fit.add_mutually_exclusive_group()
    penalty.add_argument("--alpha", type=float, default=1e-3, help="L1 strength (default 1e-3)")
    penalty.add_argument(
        "--cv",
        action="store_true",
        help="choose the penalty and the columns by 5-fold cross-validation",
    )
    fit.add_argument(
        "--mode", default="proximal", choices=list(L1_MODES), help="l1_mode (default proximal)"
    )
    template = DEFAULT_TEMPLATE
    fit.add_argument(
        "--hidden",
        type=int,
        nargs="*",
        help=f"hidden layer sizes (default {' '.join(map(str, template['hidden_layer_sizes']))})",
    )
    fit.add_argument(
        "--learning-rate", type=float, help=f"default {template['learning_rate_init']}"
    )
    fit.add_argument("--max-iter", type=int, help=f"default {template['max_iter']}")
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--n-jobs", type=int, default=None, help="parallel jobs for --cv")
    fit.add_argument(
        "--quiet", action="store_true", help="no progress lines for --cv (on stderr otherwise)"
    )
    fit.add_argument(
        "--plot", metavar="FILE.png", help="with --cv: draw the CV score and importance path"
    )
    fit.add_argument("--save", help="write the fitted pipeline here (joblib)")
    fit.set_defaults(command=fit_command)

    predict = subparsers.add_parser(
        "predict", parents=list(parents), help="predict a CSV file with a saved model"
    )
    predict.description = _PREDICT_DESCRIPTION
    predict.add_argument("model", help="a file written by fit --save")
    predict.add_argument("data", help="CSV file with the same columns")
    _add_dialect_options(predict)
    predict.add_argument("--output", help="write the rows with a prediction column here")
    predict.set_defaults(command=predict_command)
