"""The shared parts of the CV estimators' docstrings (filled in per class with ``format``)."""

CV_PARAMETERS_DOC = """
    Parameters
    ----------
    estimator : {estimator_name} or None, default=None
        The network, its solver and its ``l1_mode``; its ``alpha`` and
        ``feature_alpha`` set only the *mix* of the two penalties along the
        path (as in ``l1_path``). ``None``: ``{estimator_name}(
        hidden_layer_sizes=(32,), alpha=1.0, feature_alpha=0.0,
        learning_rate_init=0.01, max_iter=500, l2_alpha=1 / n_samples)``,
        a per-weight penalty with a ridge term (on data with more columns
        than rows the CV also scores the network with ``l2_alpha=0`` and
        keeps the term only when it scores better by a standard error;
        with ``max_features``, ``l2_alpha=0``: the term makes correlated
        columns enter the path together, which spoils the order a fixed
        count takes them in; see ``ridge_candidates``), with two hidden units per
        output where that is more than 32 (more than 16 classes or
        targets). Use an exact-zero
        ``l1_mode`` (``"proximal"``, the default, or ``"cumulative"``).

    hidden_layer_sizes, l1_mode, learning_rate_init, max_iter, l2_alpha : default=None
        Settings of the network, as in ``{estimator_name}``. ``None`` keeps
        the network's own (the default network's, or ``estimator``'s); a
        value replaces it and leaves every other setting as it is, so
        ``{cv_name}(hidden_layer_sizes=(64,))`` is the default network with
        64 hidden units.

    random_state : int, RandomState instance or None, default=None
        Seeds every network of the fit (the first fits, the path, the
        refits) with one seed drawn from it, so that the same value gives
        the same ``support_``, ``alpha_`` and predictions whatever numpy's
        global state. ``None``: the network's own ``random_state``.

    standardize : bool, default=True
        Scale each column to mean 0 and standard deviation 1 (on each
        fold's training rows for the fold fits, with the sample weights;
        sparse columns to root mean square 1 without centering) before any
        fit, as glmnet does. An L1 penalty charges every weight alike, so
        without this a column's units decide whether it is selected. The
        scaling is folded into the final network's first layer{target_note},
        so ``predict``, ``coefs_`` and ``intercepts_`` take the user's own
        columns. Constant columns are never selected.

    alphas : int, array-like or None, default=None
        The path values (see ``l1_path``), or how many to place (an int, as
        scikit-learn 1.7's ``LassoCV`` takes it). Placed values (an int, or
        ``None`` for ``n_alphas`` of them) run from the one at which a fresh
        fit on all the data uses no feature (``alpha_max``) down to
        ``alpha_min_ratio`` times it, extended upward in the same steps to
        where a warm-started fit uses none, so that the folds' paths end
        (nearly) empty; where a search's mean score is best at the placed
        grid's dense end, the grid goes on down in the same steps (five at
        a time, at most twice) while that holds, so the dense end of the
        path is reached when that is what scores best.

    n_alphas : int, default=10
        How many values to place when ``alphas`` is None.

    alpha_min_ratio : float, default=1e-2

    cv : int, cross-validation generator or iterable, default=5
        As in ``LassoCV``{stratified}.

    n_jobs : int or None, default=None
        Folds run in parallel with joblib (any backend, ``dask`` included).

    max_features : int or None, default=None
        Select at most this many features, like glmnet's ``dfmax`` and
        ``RFE``'s ``n_features_to_select``: the columns of the point
        ``rule`` chooses, the most important first (by their mean
        importance over the folds' fits there, as a forest ranks its
        columns), and where that point uses fewer, the columns that enter
        the path first (ranked by the number of path points at which more
        than half of the folds use them); the refit is at the penalty of
        the sparsest point that uses that many. Past the point where the
        path's mean score falls more than a standard error below its best,
        the path is fitting noise, so the places left go to the columns
        most associated with the target by the screens' marginal test, and
        only to those it finds associated (p-value below 0.05 over the
        columns, Bonferroni): fewer than ``max_features`` when nothing
        vouches for more.

    rule : {{"best", "one_standard_error", "tolerance"}}, default="best"
        How the point is chosen from the mean CV scores (with
        ``max_features``, the point whose columns lead), the grid running
        from the sparsest point: ``"best"``, the best mean score, ties to
        the lower mean held-out loss ({loss_name_bare}; then to the
        sparser); ``"one_standard_error"``, the sparsest within one
        standard error (std over folds / sqrt(n_folds)) of the best
        (glmnet's ``lambda.1se``); ``"tolerance"``, the sparsest within
        ``score_tolerance`` of the best. A point whose selection uses more
        columns than there are rows is chosen only when it beats the best
        of the other points fold by fold, by more than two standard errors
        of the mean gain, whatever the rule (on wide noise such points
        score as the others do; where many columns carry signal, better).

    score_tolerance : float, default=0.01
        The tolerance of ``rule="tolerance"``, in the units of ``score``
        ({score_name}).

    relax : float, default=0.1
        Score (and finally refit) each point by a network trained on the
        features the point uses, with its penalty times ``relax`` (the relaxed
        lasso; 0 refits without penalty).

    adaptive : bool or "auto", default="auto"
        Scale each feature's penalty by ``(max m / m_j) ** adaptive_power``,
        ``m`` the importances of a first fit (the adaptive lasso). ``"auto"``:
        with at most one (non-constant) column per row, always; above five
        (where ``screen="auto"`` screens), never: on such wide data the first
        fit's importances are noise (any few columns separate the rows) and
        the factors would shut out the columns it happened to leave out. In
        between, the CV scores the path both with and without the factors
        and keeps the one without only when its chosen point's mean score is
        better by a standard error (where many columns each carry a little
        of the signal, as words do); with ``max_features``, always, since
        the factors set the order in which columns enter the path.

    adaptive_power : float, default=1.0

    initial_alpha : float or None, default=None
        The per-weight ``alpha`` of the adaptive first fit. ``None``: 0.03
        times the smallest per-weight ``alpha`` at which a fresh fit on all
        the data uses no feature.

    screen : int, "auto", "sis", "cv" or None, default="cv"
        Before each path (every fold's, and the one that places the grid),
        keep only this many columns of its training rows: those with the
        strongest marginal association with the target, measured by a step
        function of each column (five quantile bins; see
        ``marginal_association``), which sees ``x**2`` and ``|x|`` as well as
        ``x``. ``"auto"``: five per training row, so only wide data is
        screened; ``"sis"``: ``n / log n`` of ``n`` training rows (the size
        of Fan & Lv's sure independence screening); ``"cv"``: the CV runs
        with both and keeps "auto" unless the mean score of "sis"'s chosen
        point is higher than "auto"'s by more than the standard error of
        "auto"'s (``screen_`` says which); where "sis" would keep every
        column, or with ``max_features``, "auto" alone runs. On wide data
        that takes about twice the time of one screen. ``None``: every
        column. A screened-out column is never selected.

    linear_skip : bool, "auto" or None, default=None
        The network's linear skip (``linear_skip`` of ``{estimator_name}``:
        ``X @ theta`` added to its output, ``theta_j`` and ``W1[j]`` one
        penalty row). ``None`` keeps the network's own (the default network
        has none); ``"auto"`` scores the kept search again with the skip
        and keeps it only when its chosen point's mean score is better by a
        standard error, so the model becomes (mostly) linear where that is
        what scores: one more search (``candidates_`` has its cost).

    linear : bool or "auto", default="auto"
        Whether the model may be linear: the network without its hidden
        layers, ``X @ W + b`` under the same penalty (an L1-penalized linear
        or logistic regression), whose path runs on every column, without
        adaptive factors, with the default network's ridge term and then,
        kept where it scores better by a standard error, an elastic net with
        a ridge term a hundred times heavier (``l2_alpha`` or a network
        given: its own term only; ``max_features``: none). ``"auto"``: on
        wide data (more columns that vary than rows) the CV scores those
        paths after the others and keeps the linear model only when its
        chosen point's mean score is better than the kept search's by that
        search's standard error (``linear_`` says which; with
        ``max_features=k``, the score at k columns, linear in the count
        between the two points that bracket k);
        where the signal is a little in many columns, as in gene expression
        or word counts, the linear model reaches the many columns that score
        best. ``True``: the linear model alone. ``False``: the network alone.

    verbose : int, default=0
        1: a line when the grid is placed, one per path point per fold
        (penalty, features used, held-out scores, time spent and an estimate
        of the time left in the fold) and one per search (its candidate,
        its chosen point, its fits and seconds); 2 and up: joblib's lines too.
"""

CV_ATTRIBUTES_DOC = """
    Attributes
    ----------
    alpha_, feature_alpha_ : float
        The penalties chosen.

    adaptive_ : bool
        Whether the chosen path used adaptive factors (what
        ``adaptive="auto"`` decided).

    l2_alpha_ : float
        The ridge term of the chosen path's network (what the default
        network's CV decided; else the network's own or the one given).

    screen_ : int, "auto", "sis" or None
        The screen whose path was chosen (what ``screen="cv"`` decided);
        ``cv_results_``, ``best_index_`` and the rest describe that path.

    linear_skip_ : bool
        Whether the chosen path's network has a linear skip.

    linear_ : bool
        Whether the final model is linear (no hidden layer; ``linear``).

    candidates_ : dict of ndarray
        One entry per search the fit ran, in order (``pandas.DataFrame``
        takes it as it is): its candidate (``screen``, ``adaptive``,
        ``l2_alpha``, ``linear_skip``, ``linear``), its chosen point's
        ``mean_score`` (with ``max_features=k``, the score at k columns the
        searches are compared by), ``standard_error`` and ``n_features``,
        its cost (``n_fits``, the networks trained on the folds, and wall
        ``seconds``, grid placement included) and whether it was ``kept``.

    support_ : ndarray of bool, shape (`n_features_in_`,)
        The features the final model uses.

    columns_read_ : ndarray of int
        The columns ``estimator_`` is trained on: those the fold fits at the
        chosen penalty use in more than half of the folds (a superset of
        ``support_``; the relaxed refit may drop some).

    n_features_selected_ : int

    estimator_ : {estimator_name} or {dummy_name}
        The final model, trained on the (standardized) columns
        ``columns_read_`` and taking ``X[:, columns_read_]`` in the user's
        units (a constant ``{dummy_name}`` on all of ``X`` when no feature
        is selected).

    coefs_, intercepts_ : list of ndarray
        ``estimator_``'s weights, the first layer with a zero row per
        unselected feature (so they apply to all of ``X``).

    skip_coef_ : ndarray of shape (`n_features_in_`, n_outputs) or None
        The final network's linear skip, likewise (None without one).

    feature_importances_ : ndarray of shape (`n_features_in_`,)
        The final network's importances, 0 for unselected features,
        measured on the standardized columns (with ``standardize=True``):
        a column's share does not depend on its units.

    n_iter_ : int
        The epochs (or lbfgs iterations) of the final network's fit; 0 when
        no feature is selected.

    selection_frequency_ : ndarray of shape (`n_features_in_`,)
        The share of folds whose fit uses each feature at the chosen point.

    alphas_ : ndarray
        The grid's ``alpha`` values, largest first.

    importance_path_ : ndarray of shape (n_alphas, `n_features_in_`)
        Each feature's importance at each grid point (largest alpha first),
        the mean over the folds' path fits: how the features enter the
        networks as the penalty falls. ``L1PathDisplay`` draws it.

    cv_results_ : dict of ndarray
        Per grid point: ``alpha``, ``feature_alpha``, ``mean_test_score``,
        ``std_test_score``, ``rank_test_score``, ``mean_test_loss`` (the
        held-out data term of the objective{loss_name}), ``mean_n_features``,
        ``n_features`` (the columns more than half of the folds use), and per
        fold ``split{{k}}_test_score``, ``split{{k}}_test_loss``,
        ``split{{k}}_n_features`` and ``split{{k}}_features`` (the indices
        each fold's fit uses).

    best_index_ : int
        The chosen grid point.

    best_score_ : float
        Its mean CV score.

    n_features_in_ : int

    feature_names_in_ : ndarray of str
        Defined when ``X`` has string column names.
"""


def cv_docstring(summary, *, kind, estimator_name, dummy_name, tail):
    """A CV estimator's docstring: ``summary``, the shared parameters and attributes, ``tail``.

    Parameters
    ----------
    summary : str
        The first line and the paragraph after it.
    kind : {"regressor", "classifier"}
    estimator_name, dummy_name : str
        The network's and the constant model's class names.
    tail : str
        Class-specific attributes, See Also and Examples.

    Returns
    -------
    docstring : str
    """
    classifier = kind == "classifier"
    parameters = CV_PARAMETERS_DOC.format(
        estimator_name=estimator_name,
        cv_name=f"{estimator_name}CV",
        stratified=" (stratified for classifiers)" if classifier else "",
        score_name="accuracy" if classifier else "R^2",
        loss_name_bare="log-loss" if classifier else "``loss``",
        target_note=""
        if classifier
        else " (and the target's, centred and scaled likewise, into its last)",
    )
    attributes = CV_ATTRIBUTES_DOC.format(
        estimator_name=estimator_name,
        dummy_name=dummy_name,
        loss_name=": log-loss" if classifier else ", on the scaled target",
    )
    return summary + parameters + attributes + tail
