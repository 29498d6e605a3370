"""Feature selection on real data: our CV classifier against the selectors users compare it with.

Data: scikit-learn's bundled breast-cancer and wine sets (raw units) and
digits (ten classes, 8 x 8 pixel counts); ``madelon-type``, drawn by
MADELON's own generator (``make_classification``: 2,600 rows, 500 columns,
5 informative, 15 linear mixtures of them, 480 probes, 16 clusters per
class, 1% of labels flipped, the relevant columns first); and, when a data folder is given,
every ``.npz`` data set in it (``mice_protein``, ``colon``, ``allaml``,
``basehock`` first, as that folder's README lists them, then any other by
name; word counts kept sparse; see ``data_folder.py``); with ``--proxies``
also ``gene-proxy``, a four-class gene-expression proxy (171 x 5,748: 600
genes shifted by 0.35 standard deviations between classes, ten shared
latent factors), where a linear model is the right one.

Repeated splits: data sets under 300 rows are scored by stratified 5-fold
outer cross-validation repeated 3 times (``--repeats``), larger ones on 5
random stratified 75/25 splits (``--draws``); every contestant sees the
same splits, one thread each. Each goal is read from means over the
splits, beside the mean and the standard error of the *paired* difference
(ours minus the best other contestant, split by split): the spread of
the scores between splits is mostly the splits', which the pairing
removes. The folds of one repeat share training rows, so that standard
error is, if anything, too small.

Table (a), the defaults: ``L1MLPClassifierCV(random_state=0)`` on the raw
columns (it standardizes inside); ``LogisticRegressionCV`` with an L1
penalty (saga, 10 Cs, 5 folds); ``MLPClassifier`` on all features; and
``LassoNetClassifierCV`` when ``lassonet`` is installed (extra ``lassonet``),
skipped on a data set after one fit over ``--lassonet-limit`` seconds. The
baselines get standardized columns (sparse ones scaled, not centred).
With ``--skip``, ``L1MLPClassifierCV(linear_skip="auto")`` runs beside
the default; on ``madelon-type`` an oracle, the MLP on the 20 relevant
columns, runs too (never counted as the best other). Printed: mean held-out
accuracy, features used, seconds per fit, and whether ours is within 0.02
of the best other (by the mean), with no more features than the L1
logistic model, in no more time than it and at most half LassoNet's; on
``madelon-type``, whether ours is within 0.02 of the oracle with at most
25 features.

Table (b), a fixed number of features (the protocol of Lemhadri et al.,
JMLR 2021, Table 1): each selector picks ``k`` columns on the training part
(ours with ``max_features=k``; the L1 logistic model at the smallest ``C``
that uses ``k`` features, its top ``k`` by coefficient size; random-forest
importance; mutual information; LassoNet's path point with at most ``k``,
one path per split for every k, stopped as in table (a) after one over the limit),
one fixed downstream ``MLPClassifier`` is trained on those columns and
scored on the held-out part. Printed: its mean accuracy per selector, the
paired difference to the best other, and whether ours is within 0.01 of
it; at the end, the share of (set, k) pairs that meet it (the goal: 80%).

Run: python benchmarks/bench_real_data.py [DATA_DIR] [--quick] [--only NAME ...] [--tables ab]
     [--repeats 3] [--draws 5] [--proxies] [--skip] [--lassonet-limit 300 | --no-lassonet]
"""

import argparse
import hashlib
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import load_breast_cancer, load_digits, load_wine, make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_selection import mutual_info_classif
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedShuffleSplit
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.utils.fixes import parse_version
from threadpoolctl import threadpool_limits

from sklearn_l1mlp import L1MLPClassifierCV

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data_folder import data_set_names, load_data_set  # noqa: E402
from page import add_page_option, recorded  # noqa: E402

try:
    from sklearn import __version__ as SKLEARN_VERSION
except ImportError:  # pragma: no cover
    SKLEARN_VERSION = "0"
#: scikit-learn 1.8 replaced ``penalty="l1"`` by ``l1_ratio=1`` (and warns on the old spelling).
_NEW_L1 = parse_version(SKLEARN_VERSION) >= parse_version("1.8")
L1 = {"l1_ratio": 1.0} if _NEW_L1 else {"penalty": "l1"}
L1_CV = {"l1_ratios": (1.0,)} if _NEW_L1 else {"penalty": "l1"}

SMALL = 300
KS = (10, 50)


def load_data(data_dir, only=None, proxies=False):
    """name -> (X, y): the bundled sets, the proxies if asked, then those in ``data_dir``."""
    sets = {
        "breast_cancer (raw)": load_breast_cancer(return_X_y=True),
        "wine (raw)": load_wine(return_X_y=True),
        "digits": load_digits(return_X_y=True),
        "madelon-type": make_classification(
            n_samples=2600,
            n_features=500,
            n_informative=5,
            n_redundant=15,
            n_clusters_per_class=16,
            flip_y=0.01,
            shuffle=False,
            random_state=0,
        ),
    }
    if proxies:
        sets["gene-proxy"] = gene_proxy()
    if data_dir is not None:
        for name in data_set_names(data_dir):
            sets[name] = load_data_set(data_dir, name)
    if only:
        sets = {name: data for name, data in sets.items() if name.split()[0] in only}
    return {name: (X, LabelEncoder().fit_transform(y)) for name, (X, y) in sets.items()}


#: Outer splits: 5-fold repeated REPEATS times under SMALL rows, else DRAWS 75/25 splits.
REPEATS = 3
DRAWS = 5


def splits_of(X, y, repeats=REPEATS, draws=DRAWS):
    """The outer (train, test) splits of a data set, the same for every contestant."""
    if X.shape[0] < SMALL:
        splitter = RepeatedStratifiedKFold(n_splits=5, n_repeats=repeats, random_state=0)
    else:
        splitter = StratifiedShuffleSplit(n_splits=draws, test_size=0.25, random_state=0)
    return list(splitter.split(np.zeros(X.shape[0]), y))


def gene_proxy(seed=0, n_samples=171, n_features=5748, n_classes=4, n_genes=600, shift=0.35):
    """A four-class gene-expression proxy where the classes differ a little in many genes."""
    rng = np.random.RandomState(seed)
    y = rng.permutation(np.arange(n_samples) % n_classes)
    means = np.zeros((n_classes, n_features))
    genes = rng.choice(n_features, n_genes, replace=False)
    means[:, genes] = rng.choice([-shift, shift], size=(n_classes, n_genes))
    latent = rng.normal(size=(n_samples, 10)) @ rng.normal(size=(10, n_features)) * 0.3
    return rng.normal(size=(n_samples, n_features)) + latent + means[y], y


def _standardized(X_train, X_test):
    scaler = StandardScaler(with_mean=not sp.issparse(X_train)).fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


def _columns_used(coef):
    return int(np.count_nonzero(np.any(coef != 0, axis=0)))


# -- table (a): each contestant with its own defaults -------------------------
def ours(X_train, y_train, X_test, y_test):
    model = L1MLPClassifierCV(random_state=0).fit(X_train, y_train)
    return model.score(X_test, y_test), model.n_features_selected_


def l1_logistic(X_train, y_train, X_test, y_test):
    X_train, X_test = _standardized(X_train, X_test)
    model = LogisticRegressionCV(
        Cs=10, cv=5, solver="saga", max_iter=1000, random_state=0, **L1_CV
    ).fit(X_train, y_train)
    return model.score(X_test, y_test), _columns_used(model.coef_)


def mlp_all(X_train, y_train, X_test, y_test):
    X_train, X_test = _standardized(X_train, X_test)
    model = MLPClassifier(max_iter=500, random_state=0).fit(X_train, y_train)
    return model.score(X_test, y_test), X_train.shape[1]


def lassonet_cv(X_train, y_train, X_test, y_test):
    import lassonet

    X_train, X_test = _standardized(X_train, X_test)
    X_train, X_test = (X.toarray() if sp.issparse(X) else X for X in (X_train, X_test))
    model = lassonet.LassoNetClassifierCV(cv=5, random_state=0, torch_seed=0, verbose=0)
    model.fit(X_train, y_train)
    return model.score(X_test, y_test), int(model.best_selected_.sum())


#: MADELON's relevant columns: make_classification with shuffle=False puts
#: the 5 informative columns and their 15 linear mixtures first.
MADELON_RELEVANT = 20
ORACLE = "oracle: MLP, relevant columns"


def mlp_relevant(X_train, y_train, X_test, y_test):
    """The MLP of table (a) on MADELON's 20 relevant columns: what a perfect selection allows."""
    columns = slice(0, MADELON_RELEVANT)
    return mlp_all(X_train[:, columns], y_train, X_test[:, columns], y_test)[0], MADELON_RELEVANT


def ours_with_skip(X_train, y_train, X_test, y_test):
    model = L1MLPClassifierCV(random_state=0, linear_skip="auto").fit(X_train, y_train)
    return model.score(X_test, y_test), model.n_features_selected_


OURS = "L1MLPClassifierCV"
DEFAULTS = {
    "L1MLPClassifierCV": ours,
    "L1 logistic CV": l1_logistic,
    "MLP, all features": mlp_all,
    "LassoNetCV": lassonet_cv,
}


# -- table (b): k columns from each selector, one downstream MLP ---------------
def pick_ours(X, y, k):
    model = L1MLPClassifierCV(random_state=0, max_features=k, rule="best").fit(X, y)
    return np.flatnonzero(model.support_)


def pick_l1_logistic(X, y, k):
    X = StandardScaler(with_mean=not sp.issparse(X)).fit_transform(X)
    coef = None
    for C in np.geomspace(1e-3, 1e2, 16):
        model = LogisticRegression(solver="saga", C=C, max_iter=500, random_state=0, **L1)
        coef = model.fit(X, y).coef_
        if _columns_used(coef) >= k:
            break
    size = np.abs(coef).sum(axis=0)
    return np.argsort(-size, kind="stable")[: min(k, np.count_nonzero(size))]


def pick_forest(X, y, k):
    forest = RandomForestClassifier(n_estimators=300, random_state=0).fit(X, y)
    return np.argsort(-forest.feature_importances_, kind="stable")[:k]


def pick_mutual_information(X, y, k):
    return np.argsort(-mutual_info_classif(X, y, random_state=0), kind="stable")[:k]


#: LassoNet's paths by training data: the path does not depend on k, so
#: each split's is computed once for every k.
_LASSONET_PATHS = {}


def _lassonet_path(X, y):
    import lassonet

    key = hashlib.sha1(X.tobytes() + y.tobytes() + repr(X.shape).encode()).hexdigest()
    if key not in _LASSONET_PATHS:
        model = lassonet.LassoNetClassifier(random_state=0, torch_seed=0, verbose=0)
        _LASSONET_PATHS[key] = model.path(X, y, return_state_dicts=False)
    return _LASSONET_PATHS[key]


def pick_lassonet(X, y, k):
    X = StandardScaler(with_mean=not sp.issparse(X)).fit_transform(X)
    X = X.toarray() if sp.issparse(X) else X
    path = _lassonet_path(np.ascontiguousarray(X), np.ascontiguousarray(y))
    fitting = [point for point in path if point.selected.sum() <= k]
    best = max(fitting, key=lambda point: point.selected.sum())
    return np.flatnonzero(best.selected.cpu().numpy())


SELECTORS = {
    "L1MLPClassifierCV": pick_ours,
    "L1 logistic": pick_l1_logistic,
    "random forest": pick_forest,
    "mutual information": pick_mutual_information,
    "LassoNet": pick_lassonet,
}


def downstream_accuracy(columns, X_train, y_train, X_test, y_test):
    """The fixed downstream network, trained on ``columns`` only."""
    if len(columns) == 0:
        return float(np.mean(y_test == np.bincount(y_train).argmax()))
    X_train, X_test = _standardized(X_train[:, columns], X_test[:, columns])
    model = MLPClassifier(hidden_layer_sizes=(100,), max_iter=1000, random_state=0)
    return model.fit(X_train, y_train).score(X_test, y_test)


# -- running and printing -------------------------------------------------------
def _timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def table_defaults(name, X, y, contestants, lassonet_limit, splits=None):
    """contestant -> array of (accuracy, features, seconds), one row per split it ran."""
    splits = splits_of(X, y) if splits is None else splits
    rows = {}
    for label, run in contestants.items():
        results = []
        for train, test in splits:
            (accuracy, n_features), seconds = _timed(run, X[train], y[train], X[test], y[test])
            results.append((accuracy, n_features, seconds))
            if label == "LassoNetCV" and seconds > lassonet_limit:
                print(f"  {name}: LassoNetCV took {seconds:.0f} s on one split; stopping it.")
                break
        rows[label] = np.array(results, dtype=float)
    return rows


def _met(condition):
    return "met" if condition else "NOT met"


def paired_difference(ours_scores, other_scores):
    """Mean and standard error of ``ours - other`` over the splits both ran."""
    n = min(len(ours_scores), len(other_scores))
    difference = np.asarray(ours_scores[:n]) - np.asarray(other_scores[:n])
    error = difference.std(ddof=1) / np.sqrt(n) if n > 1 else np.nan
    return float(difference.mean()), float(error)


def _best_other(means, ours_label):
    """The other contestant with the best mean (None when ours ran alone; never the oracle)."""
    others = {
        label: mean
        for label, mean in means.items()
        if not label.startswith(ours_label) and label != ORACLE
    }
    return max(others, key=others.get) if others else None


def print_defaults(name, X, rows):
    n_splits = max(len(results) for results in rows.values())
    print(f"\n(a) {name}: {X.shape[0]} x {X.shape[1]}, means over {n_splits} splits")
    print(f"{'contestant':<30}{'accuracy':>9}{'features':>10}{'s per fit':>11}")
    means = {label: results.mean(axis=0) for label, results in rows.items()}
    for label, (accuracy, n_features, seconds) in means.items():
        print(f"{label:<30}{accuracy:>9.3f}{n_features:>10.1f}{seconds:>11.1f}")
    best = _best_other({label: mean[0] for label, mean in means.items()}, OURS)
    for label in (label for label in rows if label.startswith(OURS)):
        accuracy, n_features, seconds = means[label]
        gain, error = paired_difference(rows[label][:, 0], rows[best][:, 0])
        verdicts = [
            f"accuracy {accuracy - means[best][0]:+.3f} vs {best} (paired {gain:+.3f} "
            f"+/- {error:.3f}; {_met(accuracy >= means[best][0] - 0.02)})"
        ]
        if "L1 logistic CV" in rows:
            linear = means["L1 logistic CV"][1]
            verdicts.append(
                f"features {n_features:.1f} vs {linear:.1f} ({_met(n_features <= linear)})"
            )
            ratio = seconds / means["L1 logistic CV"][2]
            verdicts.append(f"time {ratio:.2f} of L1 logistic's ({_met(ratio <= 1.0)})")
        if "LassoNetCV" in rows:
            ratio = seconds / means["LassoNetCV"][2]
            verdicts.append(f"time {ratio:.2f} of LassoNet's ({_met(ratio <= 0.5)})")
        if ORACLE in rows:
            gain, error = paired_difference(rows[label][:, 0], rows[ORACLE][:, 0])
            oracle = ORACLE.removeprefix("oracle: ")
            verdicts.append(
                f"accuracy {gain:+.3f} +/- {error:.3f} vs the {oracle} with "
                f"{n_features:.1f} features ({_met(gain >= -0.02 and n_features <= 25)})"
            )
        print(f"goal, {label}: " + "; ".join(verdicts))


def table_k(name, X, y, selectors, ks=KS, lassonet_limit=np.inf, splits=None):
    """(k, selector) -> array of downstream accuracies, one per split it ran.

    As in table (a), LassoNet is stopped on a data set after one pick over
    ``lassonet_limit`` seconds: the splits it finished count, and it picks
    for no larger k.
    """
    splits = splits_of(X, y) if splits is None else splits
    rows, stopped = {}, False
    for k in ks:
        if k >= X.shape[1]:
            continue
        for label, pick in selectors.items():
            if label == "LassoNet" and stopped:
                continue
            accuracies = []
            for train, test in splits:
                columns, seconds = _timed(pick, X[train], y[train], k)
                accuracies.append(
                    downstream_accuracy(columns, X[train], y[train], X[test], y[test])
                )
                if label == "LassoNet" and seconds > lassonet_limit:
                    print(
                        f"  {name}: LassoNet's path took {seconds:.0f} s on one split; stopping it."
                    )
                    stopped = True
                    break
            rows[k, label] = np.array(accuracies)
    return rows


def print_k(name, rows, selectors):
    """Print table (b) for one data set; return the k whose goal is met, and all k."""
    print(f"\n(b) {name}: downstream MLP accuracy on k selected features, mean over the splits")
    print(
        f"{'k':>4}  " + "".join(f"{label:>20}" for label in selectors) + "   paired vs best   goal"
    )
    met, ks = [], sorted({k for k, _ in rows})
    for k in ks:
        scores = {label: rows[k, label] for label in selectors if (k, label) in rows}
        means = {label: float(np.mean(values)) for label, values in scores.items()}
        best = _best_other(means, OURS)
        gain, error = np.nan, np.nan
        if best is not None:
            gain, error = paired_difference(scores[OURS], scores[best])
        if best is None or means[OURS] >= means[best] - 0.01:
            met.append(k)
        cells = [
            f"{means[label]:>20.3f}" if label in means else f"{'-':>20}" for label in selectors
        ]
        print(f"{k:>4}  " + "".join(cells) + f"   {gain:+.3f} +/- {error:.3f}   {_met(k in met)}")
    return met, ks


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", help="folder with the .npz data sets")
    parser.add_argument("--only", nargs="*", help="data set names to run")
    parser.add_argument("--quick", action="store_true", help="table (a) on breast cancer only")
    parser.add_argument("--lassonet-limit", type=float, default=300.0, help="seconds")
    parser.add_argument("--tables", default="ab", help="which tables: a, b or ab (default)")
    parser.add_argument("--no-lassonet", action="store_true", help="leave LassoNet out")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="5-fold repeats, small sets")
    parser.add_argument("--draws", type=int, default=DRAWS, help="75/25 splits, larger sets")
    parser.add_argument("--proxies", action="store_true", help="add the gene-expression proxy")
    parser.add_argument("--skip", action="store_true", help='also linear_skip="auto"')
    add_page_option(parser)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    with recorded(args.page, __file__, argv, page_title(args)):
        return _run(args)


def page_title(args):
    """The page's title: the tables and the data sets a run covers (and how it splits them)."""
    tables = {"a": "table (a)", "b": "table (b)"}.get(args.tables, "tables (a) and (b)")
    if args.quick:
        tables, names = "table (a)", ["breast_cancer"]
    else:
        names = args.only or ["every set"]
    title = f"Real data, {tables}: {', '.join(names)}"
    if args.repeats != REPEATS:
        title += f", {args.repeats} x 5-fold" if args.repeats > 1 else ", one 5-fold split"
    if args.draws != DRAWS:
        title += f", {args.draws} draws"
    if args.skip:
        title += ', with linear_skip="auto"'
    return title


def _run(args):
    contestants, selectors = dict(DEFAULTS), dict(SELECTORS)
    try:
        import lassonet  # noqa: F401
    except ImportError:
        print("lassonet is not installed (pip install '.[lassonet]'): skipping it.")
        args.no_lassonet = True
    if args.no_lassonet:
        contestants.pop("LassoNetCV")
        selectors.pop("LassoNet")
    if args.skip:
        contestants = {OURS: ours, f"{OURS} (skip auto)": ours_with_skip, **contestants}
    data = load_data(
        None if args.quick else args.data_dir,
        ["breast_cancer"] if args.quick else args.only,
        proxies=args.proxies and not args.quick,
    )
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.simplefilter("ignore", FutureWarning)
    results, pairs_met, pairs = {}, 0, 0
    with threadpool_limits(1):
        for name, (X, y) in data.items():
            splits = splits_of(X, y, args.repeats, args.draws)
            rows = {}
            if "a" in args.tables:
                these = dict(contestants)
                if name == "madelon-type":
                    these[ORACLE] = mlp_relevant
                rows = table_defaults(name, X, y, these, args.lassonet_limit, splits)
                print_defaults(name, X, rows)
            k_rows = {}
            if not args.quick and "b" in args.tables:
                k_rows = table_k(
                    name, X, y, selectors, lassonet_limit=args.lassonet_limit, splits=splits
                )
            if k_rows:
                met, ks = print_k(name, k_rows, selectors)
                pairs_met, pairs = pairs_met + len(met), pairs + len(ks)
            results[name] = rows, k_rows
    if pairs:
        print(
            f"\n(b) over all sets: ours within 0.01 of the best other on {pairs_met} of "
            f"{pairs} (set, k) pairs ({pairs_met / pairs:.0%}; goal 80%: "
            f"{_met(pairs_met >= 0.8 * pairs)})"
        )
    return results


if __name__ == "__main__":
    main()
