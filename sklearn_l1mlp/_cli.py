"""``python -m sklearn_l1mlp fit|predict``: the estimators on a user's CSV file.

``fit`` standardizes the numeric columns and one-hot encodes the others (a
``ColumnTransformer``), trains an L1 network on 75% of the rows, and prints
the held-out score, the input columns the network uses ranked by importance
and the share of weights that are exactly zero; with ``--cv`` the penalty,
and so the columns, are chosen by ``L1MLPClassifierCV`` /
``L1MLPRegressorCV``. ``--save`` writes the fitted
pipeline with joblib; ``predict`` reads it back and predicts (and scores, when
the file has the target column) another CSV file.
"""

from pathlib import Path

import joblib
import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ._cv import L1MLPClassifierCV, L1MLPRegressorCV
from ._mlp import L1MLPClassifier, L1MLPRegressor

#: Integer targets with at most this many distinct values count as classes.
_MAX_INTEGER_CLASSES = 20
#: The modes --cv can select features with.
_EXACT_ZERO_MODES = ("proximal", "cumulative")


class CLIError(Exception):
    """A problem with the user's files or options, reported in one line."""


def _read_csv(path):
    try:
        import pandas as pd
    except ImportError as error:
        raise CLIError(
            "reading CSV files needs pandas: pip install 'sklearn_l1mlp[cli]'"
        ) from error
    path = Path(path)
    if not path.is_file():
        raise CLIError(f"no such file: {path}")
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError as error:
        raise CLIError(f"{path} is empty") from error
    if frame.empty:
        raise CLIError(f"{path} has a header but no rows")
    return frame


def _split_target(frame, target, path):
    if target not in frame.columns:
        columns = ", ".join(map(str, frame.columns))
        raise CLIError(f"{path} has no column {target!r}; its columns are: {columns}")
    return frame.drop(columns=[target]), frame[target]


def _infer_task(y):
    if y.dtype.kind in "OSUbc" or str(y.dtype) == "category":
        return "classification"
    if y.dtype.kind in "iu" and y.nunique() <= _MAX_INTEGER_CLASSES:
        return "classification"
    return "regression"


def _preprocessor(X):
    numeric = [c for c in X.columns if X[c].dtype.kind in "iuf"]
    categorical = [c for c in X.columns if c not in numeric]
    return ColumnTransformer(
        [
            ("numeric", StandardScaler(), numeric),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
        ],
        verbose_feature_names_out=False,
    )


def _column_importances(pipeline, X):
    """Importance per original column: the sum over the columns it was encoded into.

    The encoded columns come in the transformers' order, each numeric column
    as one and each categorical column as one per category; walking them in
    that order (rather than matching names by prefix, which would give a
    column ``a`` the columns of ``a_b`` too) assigns each to its source.
    """
    network = pipeline[-1]
    preprocessor = pipeline[0]
    encoded = network.feature_importances_
    importances, position = {}, 0
    for name, transformer, columns in preprocessor.transformers_:
        if name == "remainder":
            continue
        widths = (
            [len(categories) for categories in transformer.categories_]
            if name == "categorical"
            else [1] * len(columns)
        )
        for column, width in zip(columns, widths, strict=True):
            importances[column] = float(encoded[position : position + width].sum())
            position += width
    if network.coefs_ is None:  # a CV estimator that kept no feature: a constant model
        return importances, 1.0
    zero_share = float(np.mean(np.concatenate([c.ravel() for c in network.coefs_]) == 0))
    return importances, zero_share


def fit_command(args):
    """Train on ``args.data`` and report; returns the fitted pipeline."""
    frame = _read_csv(args.data)
    X, y = _split_target(frame, args.target, args.data)
    task = args.task or _infer_task(y)
    if task == "regression":
        if y.dtype.kind not in "iuf":
            raise CLIError(
                f"target {args.target!r} is not numeric, so it cannot be regressed; "
                "use --task classification"
            )
        estimator_class = L1MLPRegressor
    else:
        estimator_class = L1MLPClassifier
    settings = dict(
        hidden_layer_sizes=tuple(args.hidden),
        l1_mode=args.mode,
        learning_rate_init=args.learning_rate,
        max_iter=args.max_iter,
        random_state=args.seed,
    )
    if args.cv:
        if args.mode not in _EXACT_ZERO_MODES:
            raise CLIError(
                f"--cv selects features, which needs exact zeros: use --mode proximal or "
                f"cumulative (got {args.mode!r})"
            )
        # The CV estimators' tuned network, with the settings given here.
        cv_class = L1MLPRegressorCV if task == "regression" else L1MLPClassifierCV
        network = cv_class(cv=5, n_jobs=args.n_jobs, **settings)
    else:
        network = estimator_class(alpha=args.alpha, **settings)
    pipeline = Pipeline([("preprocess", _preprocessor(X)), ("network", network)])
    stratify = y if task == "classification" and y.value_counts().min() >= 2 else None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=args.seed, stratify=stratify
    )
    pipeline.fit(X_train, y_train)
    score_name = "accuracy" if task == "classification" else "R^2"
    if args.cv:
        print(
            f"{task}, l1_mode={args.mode!r}, alpha={network.alpha_:g}, "
            f"feature_alpha={network.feature_alpha_:g} (chosen by 5-fold cross-validation "
            "over an adaptive L1 path with relaxed refits)"
        )
    else:
        print(f"{task}, l1_mode={args.mode!r}, alpha={args.alpha:g}")
    print(
        f"held-out {score_name}: {pipeline.score(X_test, y_test):.4f} "
        f"({len(X_test)} of {len(X)} rows)",
    )
    importances, zero_share = _column_importances(pipeline, X)
    used = sorted(((v, k) for k, v in importances.items() if v > 0), reverse=True)
    print(f"weights exactly zero: {zero_share:.1%}")
    print(f"columns used: {len(used)} of {len(importances)}")
    for value, column in used:
        print(f"  {column:<30} {value:.4f}")
    unused = sorted(k for k, v in importances.items() if v == 0)
    if unused:
        print(f"columns not used: {', '.join(map(str, unused))}")
    if args.save:
        joblib.dump({"pipeline": pipeline, "target": args.target, "task": task}, args.save)
        print(f"saved the fitted pipeline to {args.save}")
    return pipeline


def predict_command(args):
    """Predict ``args.data`` with a saved pipeline; score it when the target is there."""
    model_path = Path(args.model)
    if not model_path.is_file():
        raise CLIError(f"no such file: {model_path}")
    saved = joblib.load(model_path)
    pipeline, target = saved["pipeline"], saved["target"]
    frame = _read_csv(args.data)
    X = frame.drop(columns=[target]) if target in frame.columns else frame
    predictions = pipeline.predict(X)
    if target in frame.columns:
        name = "accuracy" if saved["task"] == "classification" else "R^2"
        print(f"{name} on {args.data}: {pipeline.score(X, frame[target]):.4f}")
    if args.output:
        result = frame.copy()
        result[f"predicted_{target}"] = predictions
        result.to_csv(args.output, index=False)
        print(f"wrote {len(result)} predictions to {args.output}")
    else:
        for value in predictions:
            print(value)
    return predictions


def add_commands(subparsers):
    """Add ``fit`` and ``predict`` to an argparse subparsers object."""
    fit = subparsers.add_parser("fit", help="train on a CSV file and report the features used")
    fit.add_argument("data", help="CSV file with a header row")
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
        "--mode",
        default="proximal",
        choices=["proximal", "cumulative", "shrink", "gradient"],
        help="l1_mode (default proximal)",
    )
    fit.add_argument(
        "--hidden", type=int, nargs="*", default=[32], help="hidden layer sizes (default 32)"
    )
    fit.add_argument("--learning-rate", type=float, default=0.01, help="default 0.01")
    fit.add_argument("--max-iter", type=int, default=300, help="default 300")
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--n-jobs", type=int, default=None, help="parallel jobs for --cv")
    fit.add_argument("--save", help="write the fitted pipeline here (joblib)")
    fit.set_defaults(command=fit_command)

    predict = subparsers.add_parser("predict", help="predict a CSV file with a saved model")
    predict.add_argument("model", help="a file written by fit --save")
    predict.add_argument("data", help="CSV file with the same columns")
    predict.add_argument("--output", help="write the rows with a prediction column here")
    predict.set_defaults(command=predict_command)
