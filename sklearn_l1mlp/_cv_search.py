"""One search of the CV estimators: a candidate's path scored on every fold, and its choice.

A CV fit runs several searches and keeps one (``_cv_candidates``). Each
is described by a ``Candidate``: the screen, whether the path is adaptive,
the ridge term, the linear skip and whether the model is linear.
``run_search`` places the candidate's grid on all the rows, scores its
path on every fold (``score_fold``) and chooses a point by the CV
estimator's rule; the ``Search`` it returns holds the scores, the votes
and what the search cost.

The functions take the CV estimator as ``cv`` for its settings and its
hooks (``_screened``, ``_factors``, ``_scaled_targets``, ``_progress``),
which differ between the classifier and the regressor.
"""

import time
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import ClassifierMixin, clone

from ._cv_choice import (
    choose_unsaturated_unless_beaten,
    cv_results,
    first_to_enter,
    first_unless_beaten,
    fold_mean,
    fold_standard_errors,
    last_trusted_point,
    most_important,
    score_at_count,
)
from ._cv_prepare import associated_columns
from ._path import alpha_max, check_alphas, l1_path, warm_alpha_max
from ._scaling import column_scaling
from ._validation import take_rows

#: Where a search's mean score is best at the grid's dense end, the grid
#: goes on down by DENSE_STEPS of its own steps (a factor 12.9 with the
#: default grid), at most MAX_DENSE_EXTENSIONS times, while that holds.
DENSE_STEPS = 5
MAX_DENSE_EXTENSIONS = 2


@dataclass(frozen=True)
class Candidate:
    """What one search tries: the settings that differ between a CV fit's searches.

    Attributes
    ----------
    screen : int, {"auto", "sis"} or None
        The screen of the columns each fold's path sees (``screened_columns``).
    adaptive : bool
        Whether the path's penalty factors come from a first fit.
    l2_alpha : float
        The network's ridge term.
    linear_skip : bool
        Whether the network has a linear skip.
    linear : bool
        Whether the network is a linear model: no hidden layer, so its
        output is ``X @ W + b`` under the same penalty.
    """

    screen: object
    adaptive: bool
    l2_alpha: float
    linear_skip: bool
    linear: bool = False

    def describe(self):
        """The candidate in one phrase, for ``verbose``."""
        model = (
            "a linear model (no hidden layer)"
            if self.linear
            else f"the network, linear skip {'on' if self.linear_skip else 'off'}"
        )
        return (
            f"{model}, screen={self.screen!r}, adaptive factors "
            f"{'on' if self.adaptive else 'off'}, l2_alpha={self.l2_alpha:.3g}"
        )


@dataclass
class Search:
    """A candidate's path scored on every fold, the point chosen, and the cost.

    Attributes
    ----------
    candidate : Candidate
    template : estimator
        The network the path trains (the candidate's settings set).
    initial_alpha : float or None
        The adaptive first fit's penalty (None: no factors).
    grid : ndarray of shape (n_points,)
        The path values, largest first.
    scores, losses : ndarray of shape (n_folds, n_points)
        Held-out score and loss of each fold's relaxed refits.
    features : list of list of ndarray
        Per fold and point, the columns used.
    importance_path : ndarray of shape (n_points, n_features)
        The folds' mean importances.
    mean_scores, standard_errors : ndarray of shape (n_points,)
    votes : ndarray of shape (n_points, n_features)
        How many folds use each column at each point.
    majority : ndarray of bool, shape (n_points, n_features)
        The columns more than half of the folds use.
    chosen : int
        The point chosen.
    columns : ndarray of bool, shape (n_features,)
        The columns of the final model, should this search be kept.
    compared_score : float
        The mean score searches are compared by: the chosen point's, or
        with ``max_features=k`` the score at k columns (``score_at_count``),
        since the chosen point, the first with k, may have many more.
    seconds : float
        Wall time of the search: placing its grid and every fold's path.
    n_fits : int
        Networks trained on the folds (path points and their relaxed refits).
    """

    candidate: Candidate
    template: object
    initial_alpha: float | None
    grid: np.ndarray
    scores: np.ndarray
    losses: np.ndarray
    features: list
    importance_path: np.ndarray
    mean_scores: np.ndarray
    standard_errors: np.ndarray
    votes: np.ndarray
    majority: np.ndarray
    chosen: int
    columns: np.ndarray
    compared_score: float
    seconds: float = 0.0
    n_fits: int = 0
    kept: bool = field(default=False)

    def fitted_attributes(self, direction, n_folds):
        """The CV estimator's fitted attributes that describe this search, by name."""
        grid, chosen = self.grid, self.chosen
        results = cv_results(
            grid, direction, self.scores, self.features, self.mean_scores, self.losses
        )
        results["n_features"] = self.majority.sum(axis=1)
        return {
            "screen_": self.candidate.screen,
            "adaptive_": self.initial_alpha is not None,
            "l2_alpha_": float(self.template.l2_alpha),
            "linear_skip_": bool(self.template.linear_skip),
            "linear_": bool(np.size(self.template.hidden_layer_sizes) == 0),
            "importance_path_": self.importance_path,
            "cv_results_": results,
            "best_index_": chosen,
            "best_score_": float(self.mean_scores[chosen]),
            "alpha_": float(grid[chosen] * direction[0]),
            "feature_alpha_": float(grid[chosen] * direction[1]),
            "alphas_": results["alpha"],
            "selection_frequency_": self.votes[chosen] / n_folds,
        }


def kept_search(searches):
    """The first search, unless another's ``compared_score`` is better by a standard error."""
    return searches[
        first_unless_beaten(
            [found.compared_score for found in searches],
            [found.standard_errors[found.chosen] for found in searches],
        )
    ]


def candidates_table(searches):
    """``candidates_``: one entry per search, in the order they ran (a dict of arrays)."""
    return {
        "screen": np.array([found.candidate.screen for found in searches], dtype=object),
        "adaptive": np.array([found.candidate.adaptive for found in searches]),
        "l2_alpha": np.array([found.candidate.l2_alpha for found in searches]),
        "linear_skip": np.array([found.candidate.linear_skip for found in searches]),
        "linear": np.array([found.candidate.linear for found in searches]),
        "mean_score": np.array([found.compared_score for found in searches]),
        "standard_error": np.array([found.standard_errors[found.chosen] for found in searches]),
        "n_features": np.array([int(found.majority[found.chosen].sum()) for found in searches]),
        "n_fits": np.array([found.n_fits for found in searches]),
        "seconds": np.array([found.seconds for found in searches]),
        "kept": np.array([found.kept for found in searches]),
    }


def check_folds(cv, X, sample_weight, splits):
    """Refuse folds that cannot train or score a path, in the CV's words."""
    if all(test.size < cv._min_held_out for _, test in splits):
        raise ValueError(
            f"Every CV fold holds out fewer than {cv._min_held_out} rows "
            f"({X.shape[0]} rows in {len(splits)} folds), and the score "
            f"({cv._score_name}) needs {cv._min_held_out} to be defined, so no path "
            "point could be scored. Give more rows or fewer folds (cv)."
        )
    for fold, (train, _) in enumerate(splits):
        weights = take_rows(sample_weight, train)
        if column_scaling(take_rows(X, train), weights, standardize=False).kept.size == 0:
            raise ValueError(
                f"The training rows of CV fold {fold + 1} of {len(splits)} "
                f"({train.size} of {X.shape[0]} rows) leave every column constant, so "
                "that fold has no feature to select from. Give more rows, or fewer "
                f"folds (cv={len(splits)} now; each fold trains on the other "
                "folds' rows), so that some column varies on every fold's training rows."
            )


def _places_its_grid(cv):
    """Whether the CV places its grid (``alphas`` None or a count) rather than take it given."""
    return cv.alphas is None or isinstance(cv.alphas, Integral)


def place_grid(cv, candidate, template, initial_alpha, X_scaled, y_scaled, sample_weight):
    """The path values, largest first: ``alphas`` given, or placed by fits on all the rows."""
    if not _places_its_grid(cv):
        return check_alphas(cv.alphas)
    n_alphas = cv.n_alphas if cv.alphas is None else int(cv.alphas)
    X_scaled = X_scaled[:, cv._screened(candidate.screen, X_scaled, y_scaled, sample_weight)]
    factors = cv._factors(template, initial_alpha, X_scaled, y_scaled, sample_weight)
    adapted = clone(template).set_params(penalty_factors=factors)
    top = alpha_max(adapted, X_scaled, y_scaled, sample_weight=sample_weight)
    grid = top * np.geomspace(1.0, cv.alpha_min_ratio, n_alphas)
    # The folds' paths run up from their dense end, warm-started, and
    # should end empty: extend the grid, in its own steps, to there.
    empty = warm_alpha_max(adapted, X_scaled, y_scaled, fresh=top, sample_weight=sample_weight)
    step = grid[0] / grid[1]
    n_above = int(np.ceil(np.log(empty / top) / np.log(step) - 1e-9))
    return np.concatenate([top * step ** np.arange(n_above, 0, -1), grid])


def score_fold(cv, template, initial_alpha, screen, grid, X, y, sample_weight, fold, splits, clock):
    """Fold scores, losses, features used and importances along the path, largest alpha first.

    The fold's columns are scaled on its own training rows, so the
    held-out rows play no part in the scaling either.
    """
    train, test = splits[fold]
    X_train, y_train = take_rows(X, train), y[train]
    X_test, y_test = take_rows(X, test), y[test]
    weights = take_rows(sample_weight, train)
    scaling = column_scaling(X_train, weights, cv.standardize)
    X_train, X_test = scaling.transform(X_train), scaling.transform(X_test)
    y_train, y_test = cv._scaled_targets(y_train, y_test, weights)
    columns = cv._screened(screen, X_train, y_train, weights)
    X_train, X_test = X_train[:, columns], X_test[:, columns]
    factors = cv._factors(template, initial_alpha, X_train, y_train, weights)
    path = l1_path(
        template.set_params(penalty_factors=factors),
        X_train,
        y_train,
        alphas=grid,
        sample_weight=weights,
        X_val=X_test,
        y_val=y_test,
        relax=cv.relax,
        callback=cv._progress(fold, len(splits), grid.size, clock),
    )
    scores = np.array([point.relaxed_validation_score for point in path], dtype=float)
    losses = np.array([point.relaxed_validation_loss for point in path], dtype=float)
    kept = scaling.kept[columns]
    importances = np.zeros((len(path), X.shape[1]))
    importances[:, kept] = [point.importances for point in path]
    return scores, losses, [kept[point.features] for point in path], importances


def _score_folds(cv, candidate, template, initial_alpha, grid, data, clock):
    """Every fold's path over ``grid``: scores, losses, features and mean importances."""
    n_folds = len(data.splits)
    # joblib's own lines only from verbose=2 on: ours say more.
    results = Parallel(n_jobs=cv.n_jobs, verbose=max(0, cv.verbose - 1))(
        delayed(score_fold)(
            cv,
            clone(template),
            initial_alpha,
            candidate.screen,
            grid,
            data.X,
            data.y,
            data.sample_weight,
            fold,
            data.splits,
            clock if cv.n_jobs in (None, 1) else None,
        )
        for fold in range(n_folds)
    )
    scores = np.array([fold_scores for fold_scores, _, _, _ in results])
    losses = np.array([fold_losses for _, fold_losses, _, _ in results])
    features = [fold_features for _, _, fold_features, _ in results]
    importance_path = np.mean([fold_path for _, _, _, fold_path in results], axis=0)
    return scores, losses, features, importance_path


def run_search(cv, candidate, template, initial_alpha, data, clock=None):
    """Score ``candidate``'s path on every fold and choose its point (module docstring).

    Parameters
    ----------
    cv : L1MLPClassifierCV or L1MLPRegressorCV
    candidate : Candidate
    template : estimator
        The network with the candidate's settings.
    initial_alpha : float or None
        The adaptive first fit's penalty, None without factors.
    data : SimpleNamespace
        ``splits``, ``X``, ``y``, ``sample_weight`` and all the rows scaled
        (``X_scaled``, ``y_scaled``), on which the grid is placed.
    clock : FitClock or None
        The whole fit's progress clock (``verbose``).

    Returns
    -------
    search : Search
    """
    start = time.perf_counter()
    splits, X, y = data.splits, data.X, data.y
    grid = place_grid(
        cv, candidate, template, initial_alpha, data.X_scaled, data.y_scaled, data.sample_weight
    )
    if clock is not None:
        number = clock.begin_search(grid.size)
        print(
            f"[{type(cv).__name__}] search {number} of {clock.n_searches}: "
            f"{candidate.describe()}; {len(splits)} folds x {grid.size} "
            f"penalties, path values {grid[0]:.4g} down to {grid[-1]:.4g}"
        )
    scores, losses, features, importance_path = _score_folds(
        cv, candidate, template, initial_alpha, grid, data, clock
    )
    # Where the score still rises at the grid's dense end, the dense end is
    # what scores best: the grid goes on down, in its own steps, while it
    # does (for the ridge and the skip, which can use many columns well).
    for _ in range(MAX_DENSE_EXTENSIONS if _places_its_grid(cv) else 0):
        mean = fold_mean(scores, worst=-np.inf)
        if grid.size < 2 or not mean[-1] > mean[:-1].max():
            break
        more = grid[-1] * (grid[-1] / grid[-2]) ** np.arange(1, DENSE_STEPS + 1)
        if clock is not None:
            print(
                f"[{type(cv).__name__}] the mean score is best at the dense end: the "
                f"grid goes on down to {more[-1]:.4g}"
            )
        extra = _score_folds(cv, candidate, template, initial_alpha, more, data, clock)
        grid = np.concatenate([grid, more])
        scores = np.concatenate([scores, extra[0]], axis=1)
        losses = np.concatenate([losses, extra[1]], axis=1)
        features = [old + new for old, new in zip(features, extra[2], strict=True)]
        importance_path = np.concatenate([importance_path, extra[3]])
    mean_scores = fold_mean(scores, worst=-np.inf)
    # Each point's votes: how many folds' fits use each column there.
    votes = np.zeros((grid.size, X.shape[1]), dtype=int)
    for fold_features in features:
        for point, used in enumerate(fold_features):
            votes[point, used] += 1
    # The columns of a point: those more than half of the folds use. A
    # single full-data fit would do as well on average but can lose
    # every feature at once: with relu units a product or square
    # feature's gradient vanishes as its weights shrink together, so near
    # the sparse end a step up in penalty sometimes empties a network.
    majority = 2 * votes > len(splits)
    standard_errors = fold_standard_errors(scores)
    chosen = choose_unsaturated_unless_beaten(
        scores,
        majority.sum(axis=1),
        X.shape[0],
        cv.rule,
        cv.score_tolerance,
        fold_mean(losses, worst=np.inf),
    )
    columns = majority[chosen]
    if cv.max_features is not None:
        # The count's columns: the chosen point's most important first,
        # then the path's order; the refit is at the first point with k.
        chosen, columns = first_to_enter(
            majority,
            votes,
            cv.max_features,
            last_trusted_point(mean_scores, standard_errors),
            associated_columns(
                X, y, data.sample_weight, classification=isinstance(cv, ClassifierMixin)
            ),
            leading=most_important(columns, importance_path[chosen]),
        )
    # Every point of every fold is a path fit, and one relaxed refit where it
    # keeps at least one feature and no more than the fold's rows (l1_path).
    n_fits = len(splits) * grid.size + sum(
        int(0 < used.size <= train.size)
        for fold_features, (train, _) in zip(features, splits, strict=True)
        for used in fold_features
    )
    search = Search(
        candidate=candidate,
        template=template,
        initial_alpha=initial_alpha,
        grid=grid,
        scores=scores,
        losses=losses,
        features=features,
        importance_path=importance_path,
        mean_scores=mean_scores,
        standard_errors=standard_errors,
        votes=votes,
        majority=majority,
        chosen=chosen,
        columns=columns,
        compared_score=(
            float(mean_scores[chosen])
            if cv.max_features is None
            else score_at_count(mean_scores, majority.sum(axis=1), chosen, cv.max_features)
        ),
        seconds=time.perf_counter() - start,
        n_fits=n_fits,
    )
    if clock is not None:
        print(
            f"[{type(cv).__name__}] search {clock.search} chose a point with "
            f"{int(majority[chosen].sum())} features, mean CV score "
            f"{mean_scores[chosen]:.4f} (standard error {standard_errors[chosen]:.4f}); "
            f"{n_fits} fits in {search.seconds:.1f} s"
        )
    return search
