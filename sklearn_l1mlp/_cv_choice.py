"""How the CV estimators pick a path point from the folds' scores, and their record of it.

The grid runs largest penalty first, so the earlier of two points is the
sparser one; every rule here breaks ties toward it, after the held-out
loss where a rule uses it.
"""

import numpy as np

#: Mean scores this close are the same score: means over the same folds can
#: differ in the last bit by summation order, and a score that meets a bar
#: (a mean plus or minus a standard error) exactly must neither clear it
#: nor fall below it by rounding. On ALL/AML a perfect CV score of 1.0
#: cleared 0.9833 + 0.0167 by 1e-16, and the CV kept an elastic net with
#: 3,673 genes over a linear model with 31.
SAME_SCORE = 1e-12


def _same(scores, bar):
    return np.isclose(scores, bar, rtol=SAME_SCORE, atol=SAME_SCORE)


def _above(scores, bar):
    """Which scores exceed ``bar`` by more than rounding."""
    return (scores > bar) & ~_same(scores, bar)


def _below(scores, bar):
    """Which scores fall short of ``bar`` by more than rounding."""
    return (scores < bar) & ~_same(scores, bar)


def _at_least(scores, bar):
    """Which scores reach ``bar``, up to rounding."""
    return (scores >= bar) | _same(scores, bar)


def fold_mean(values, worst):
    """The mean over folds (axis 0) of each point, ``worst`` where no fold has a finite value.

    A relaxed refit that failed to score (no finite prediction) is left
    out of its point's mean, and a point no fold could score gets ``worst``.

    Parameters
    ----------
    values : ndarray of shape (n_folds, n_points)
    worst : float

    Returns
    -------
    means : ndarray of shape (n_points,)
    """
    finite = np.isfinite(values)
    counts = finite.sum(axis=0)
    sums = np.where(finite, values, 0.0).sum(axis=0)
    return np.where(counts > 0, sums / np.maximum(counts, 1), worst)


def fold_std(values, ddof=0, unmeasured=np.nan):
    """Each point's standard deviation over the folds (axis 0) that have a finite value.

    Points with ``ddof`` or fewer finite values get ``unmeasured``: no
    spread was measured there (and NumPy's warning about degrees of freedom
    is not raised).

    Parameters
    ----------
    values : ndarray of shape (n_folds, n_points)
    ddof : int, default=0
    unmeasured : float, default=nan

    Returns
    -------
    std : ndarray of shape (n_points,)
    """
    finite = np.isfinite(values)
    counts = finite.sum(axis=0)
    means = fold_mean(values, worst=0.0)
    squares = np.where(finite, (np.where(finite, values, 0.0) - means) ** 2, 0.0).sum(axis=0)
    measured = counts > ddof
    return np.where(measured, np.sqrt(squares / np.maximum(counts - ddof, 1)), unmeasured)


def fold_standard_errors(values):
    """The standard error of each point's mean over the folds that have a score (axis 0).

    glmnet's ``cvsd``, the error ``lambda.1se`` uses: with ``N_k`` the folds
    that scored point ``k`` (a failed relaxed refit scores NaN and is left
    out), ``std_k / sqrt(N_k)`` with the sample standard deviation
    (``ddof=1``), that is ``sqrt(sum (s - mean)**2 / (N_k - 1) / N_k)``. A
    point scored by fewer than two folds gets 0.0.

    Parameters
    ----------
    values : ndarray of shape (n_folds, n_points)

    Returns
    -------
    errors : ndarray of shape (n_points,)
    """
    counts = np.isfinite(values).sum(axis=0)
    return fold_std(values, ddof=1, unmeasured=0.0) / np.sqrt(np.maximum(counts, 1))


def choose_point(mean_scores, standard_errors, rule, score_tolerance, mean_losses=None):
    """The grid point ``rule`` picks.

    Parameters
    ----------
    mean_scores, standard_errors : ndarray of shape (n_points,)
        The mean held-out score of each point and its standard error.
    rule : {"best", "one_standard_error", "tolerance"}
        ``"best"``: the best mean score. ``"one_standard_error"``: the
        sparsest point whose mean is within one standard error of the best
        (glmnet's ``lambda.1se``). ``"tolerance"``: the sparsest point within
        ``score_tolerance`` of the best.
    score_tolerance : float
    mean_losses : ndarray of shape (n_points,) or None
        The mean held-out loss (deviance) of each point. With ``"best"``,
        points tied on the best mean score go to the lowest mean loss: an
        accuracy moves in steps of one row, so on a flat curve several
        points tie, and the deviance still tells them apart. ``None``, and
        on equal losses: the sparsest.

    Returns
    -------
    index : int
    """
    best = int(np.argmax(mean_scores))  # the first, so the sparsest, on ties
    if rule == "best":
        if mean_losses is None:
            return best
        tied = np.flatnonzero(_same(mean_scores, mean_scores[best]))
        return int(tied[np.argmin(mean_losses[tied])])
    if rule == "one_standard_error":
        bar = mean_scores[best] - standard_errors[best]
    else:
        bar = mean_scores[best] - score_tolerance
    return int(np.flatnonzero(_at_least(mean_scores, bar))[0])


def first_unless_beaten(best_scores, standard_errors):
    """Which of several searches to keep: the first, unless another is better by a standard error.

    ``screen="cv"`` scores one path per screen, the widest first. A narrower
    screen is kept only when its chosen point's mean score exceeds the
    first's by more than the first's standard error there (the reasoning
    of glmnet's ``lambda.1se``, here in favour of the screen that keeps
    more columns): on real data the narrower screen won the CV by less than
    that and lost held-out rows, on wide synthetic tasks it won by more.
    The path without adaptive factors (``adaptive="auto"``) joins the
    screens' paths in the same call; a second call then decides whether
    the search kept gives way to itself with the ridge term (wide data).

    Parameters
    ----------
    best_scores : sequence of float
        Each search's mean CV score at its chosen point.
    standard_errors : sequence of float
        The standard error of each of those means.

    Returns
    -------
    index : int
        Of the best-scoring search that clears the bar, else 0.
    """
    best_scores = np.asarray(best_scores, dtype=float)
    bar = best_scores[0] + standard_errors[0]
    clearing = np.flatnonzero(_above(best_scores, bar))
    if clearing.size == 0:
        return 0
    return int(clearing[np.argmax(best_scores[clearing])])


def without_saturated(mean_scores, n_features, n_samples):
    """``mean_scores`` with -inf at points that use more columns than there are rows.

    Such a point is the saturated end of a path on wide data (a lasso keeps
    at most ``n_samples`` columns; glmnet stops its path before), and on a
    task nothing can learn a noisy CV curve may peak there and pick every
    column. When every point is saturated the scores are returned as they are.

    Parameters
    ----------
    mean_scores : ndarray of shape (n_points,)
    n_features : ndarray of shape (n_points,)
        The columns each point's selection uses.
    n_samples : int

    Returns
    -------
    scores : ndarray of shape (n_points,)
    """
    saturated = np.asarray(n_features) > n_samples
    if saturated.all():
        return mean_scores
    return np.where(saturated, -np.inf, mean_scores)


#: Standard errors by which a saturated point's fold-wise gain must clear zero.
SATURATED_BAR = 2.0


def choose_unsaturated_unless_beaten(
    fold_scores, n_features, n_samples, rule, score_tolerance, mean_losses=None
):
    """``choose_point`` among the unsaturated points, unless a saturated one clearly beats them.

    A point whose selection uses more columns than there are rows is passed
    over (``without_saturated``) unless it beats the best of the other
    points fold by fold: the mean of the folds' differences exceeds
    ``SATURATED_BAR`` (2) standard errors of that mean (about a one-sided
    test at 5% with five folds). Then the best such point is taken,
    whatever ``rule``. Where the signal is spread over many columns
    (expression data whose classes differ in hundreds of genes) the CV
    curve still climbs past ``n_samples`` columns, and stopping there cost
    held-out accuracy; on wide noise the best sparser point may be the
    empty network, whose folds all score alike, and the saturated end
    beat its mean by more than its standard error (0.533 against 0.502 +/-
    0.005 at p = 10,000) but not by two of the difference's (0.031 +/- 0.020).

    Parameters
    ----------
    fold_scores : ndarray of shape (n_folds, n_points)
        The held-out scores (non-finite where a fold could not score).
    n_features : ndarray of shape (n_points,)
        The columns each point's selection uses.
    n_samples : int
    rule, score_tolerance, mean_losses
        As in ``choose_point``.

    Returns
    -------
    index : int
    """
    mean_scores = fold_mean(fold_scores, worst=-np.inf)
    standard_errors = fold_standard_errors(fold_scores)
    candidates = without_saturated(mean_scores, n_features, n_samples)
    saturated = np.flatnonzero(np.asarray(n_features) > n_samples)
    if 0 < saturated.size < len(mean_scores):
        best = int(np.argmax(candidates))
        best_saturated = int(saturated[np.argmax(mean_scores[saturated])])
        gains = fold_scores[:, best_saturated] - fold_scores[:, best]
        gains = gains[np.isfinite(gains)]
        if gains.size > 1:
            error = gains.std() / np.sqrt(gains.size)
            if gains.mean() > SATURATED_BAR * error:
                return best_saturated
    return choose_point(candidates, standard_errors, rule, score_tolerance, mean_losses)


def last_trusted_point(mean_scores, standard_errors):
    """The densest point whose entering columns a fixed count may take in path order.

    From the best mean score the path is followed toward its dense end
    until a point's mean falls more than the best point's standard error
    below the best: past there the columns that enter cost held-out score,
    so the path has started fitting noise and the order it takes them in
    says little (on a MADELON-type task, 1,950 rows x 500 columns with 20
    relevant, the path went from 3 columns to 23-103 in the folds' fits in
    one step, 2 to 5 of them relevant, and its mean fell from 0.81 to
    0.75). Sparser points than the best are all trusted: their scores are
    lower for want of columns.

    Parameters
    ----------
    mean_scores, standard_errors : ndarray of shape (n_points,)

    Returns
    -------
    index : int
    """
    best = int(np.argmax(mean_scores))
    bar = mean_scores[best] - np.nan_to_num(standard_errors[best])
    below = np.flatnonzero(_below(mean_scores[best:], bar))
    return best + int(below[0]) - 1 if below.size else mean_scores.size - 1


def first_to_enter(majority, votes, max_features, last_trusted=None, fallback=None, leading=None):
    """The ``max_features`` columns that enter the path first, and the point to refit at.

    ``leading`` columns, where given, come first. Then a column's rank is
    the number of path points at which more than half of the folds use it
    (the path grows as alpha falls, so a column that enters early counts
    many), ties broken by its votes over the whole path. Only
    columns that enter by ``last_trusted`` are taken in that order; the
    places left go to ``fallback``'s columns, in its order. The refit
    penalty is that of the sparsest point whose selection has
    ``max_features`` columns (the densest point if none).

    Parameters
    ----------
    majority : ndarray of bool, shape (n_points, n_features)
        Whether more than half of the folds use each column at each point.
    votes : ndarray of int, shape (n_points, n_features)
        How many folds use each column at each point.
    max_features : int
    last_trusted : int or None
        The densest point whose columns are taken in path order
        (``last_trusted_point``); None: every point.
    fallback : ndarray of int or None
        Columns, best first, for the places the trusted points leave
        (a marginal test's order); None: the rest of the path's order.
    leading : ndarray of int or None
        Columns taken ahead of the path's order, best first
        (``most_important``).

    Returns
    -------
    index : int
        The point to refit at.
    columns : ndarray of bool, shape (n_features,)
        The columns taken (fewer than ``max_features`` when fewer ever enter).
    """
    points_used = majority.sum(axis=0)
    order = np.lexsort((-votes.sum(axis=0), -points_used))
    order = order[points_used[order] > 0]
    if leading is not None:
        order = np.concatenate([leading, order[~np.isin(order, leading)]])
    if last_trusted is not None and fallback is not None:
        entered = majority[: last_trusted + 1].any(axis=0)
        trusted = order[entered[order]]
        order = np.concatenate([trusted, fallback[~np.isin(fallback, trusted)]])
    columns = np.zeros(majority.shape[1], dtype=bool)
    columns[order[:max_features]] = True
    reached = np.flatnonzero(majority.sum(axis=1) >= max_features)
    index = int(reached[0]) if reached.size else majority.shape[0] - 1
    return index, columns


def most_important(used, importances):
    """The columns a point uses, the most important first.

    With ``max_features=k`` these lead the path's order (``first_to_enter``):
    the k columns the chosen point's model leans on most, as a forest's
    importances rank its columns, where the order the path takes them in
    would favour the columns with the largest marginal association. At
    k = 10 on the real-data benchmark's outer splits, the downstream MLP on
    the columns taken: basehock's word counts 0.859 with the path's order,
    0.896 with this one (random-forest importances 0.898; benchmark pages
    ``real_data_k_basehock`` and ``real_data_k_larger``), digits 0.909 and
    0.927. Where the chosen point uses about k columns or fewer the two
    differ little (the same on breast cancer, wine, ALL/AML and
    MADELON-type, and at k = 50 on colon, mouse protein, digits and
    basehock; at k = 10 colon 0.806 and 0.801, mouse protein 0.970 and
    0.973).

    Parameters
    ----------
    used : ndarray of bool, shape (n_features,)
        The point's columns.
    importances : ndarray of shape (n_features,)
        Their mean importance over the folds at that point.

    Returns
    -------
    columns : ndarray of int
    """
    columns = np.flatnonzero(used)
    return columns[np.argsort(-importances[columns], kind="stable")]


def score_at_count(mean_scores, counts, chosen, count):
    """The mean score at ``count`` columns, for comparing searches at a fixed count.

    ``chosen`` is the first point whose selection has ``count`` columns
    (``first_to_enter``); its own score may be that of many more, where
    one grid step brings in many columns at once. Between it and the point
    before it the score is taken as linear in the number of columns.

    Parameters
    ----------
    mean_scores : ndarray of shape (n_points,)
    counts : ndarray of int, shape (n_points,)
        The columns of each point's selection.
    chosen : int
    count : int

    Returns
    -------
    score : float
        ``mean_scores[chosen]`` where it has exactly ``count`` columns (or
        no point before it, or a score that is not finite).
    """
    after = float(mean_scores[chosen])
    if chosen == 0 or counts[chosen] <= count:
        return after
    before = float(mean_scores[chosen - 1])
    if not (np.isfinite(before) and np.isfinite(after)):
        return after
    share = (count - counts[chosen - 1]) / (counts[chosen] - counts[chosen - 1])
    return before + share * (after - before)


def cv_results(grid, direction, scores, features, mean_scores, losses):
    """The per-point, per-fold record, in ``GridSearchCV.cv_results_``'s style.

    Parameters
    ----------
    grid : ndarray of shape (n_points,)
        The path values, largest first.
    direction : tuple of float
        The ``(alpha, feature_alpha)`` that a path value of 1 stands for.
    scores : ndarray of shape (n_folds, n_points)
    features : list of list of ndarray
        Per fold, per point, the indices of the columns its fit uses.
    mean_scores : ndarray of shape (n_points,)
    losses : ndarray of shape (n_folds, n_points)
        The held-out losses (deviance), as ``scores``.

    Returns
    -------
    results : dict of ndarray
    """
    counts = np.array([[used.size for used in fold_features] for fold_features in features])
    results = {
        "alpha": grid * direction[0],
        "feature_alpha": grid * direction[1],
        "mean_test_score": mean_scores,
        "std_test_score": fold_std(scores),
        "mean_test_loss": fold_mean(losses, worst=np.inf),
        "mean_n_features": counts.mean(axis=0),
    }
    order = np.argsort(-mean_scores, kind="stable")
    ranks = np.empty(order.size, dtype=int)
    ranks[order] = np.arange(1, order.size + 1)
    results["rank_test_score"] = ranks
    for fold, (fold_scores, fold_features) in enumerate(zip(scores, features, strict=True)):
        results[f"split{fold}_test_score"] = fold_scores
        results[f"split{fold}_test_loss"] = losses[fold]
        results[f"split{fold}_n_features"] = counts[fold]
        used = np.empty(len(fold_features), dtype=object)
        used[:] = fold_features
        results[f"split{fold}_features"] = used
    return results
