"""The parameter and attribute sections the two estimators' docstrings share.

Kept apart so that ``_mlp.py`` and ``_base.py`` hold code, and the two
classes' docstrings cannot drift apart.
"""

PARAMETERS_DOC = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer;
        ``()`` means no hidden layer (a linear or logistic model).

    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Activation of the hidden layers.

    solver : {"lbfgs", "sgd", "adam"}, default="adam"
        The optimizer. ``"lbfgs"`` works with ``l1_mode="gradient"`` and
        ``"proximal"`` (the exact L1 problem, see ``l1_mode``).

    alpha : float, default=1e-4
        Strength of the L1 penalty ``alpha * sum |w|`` over all weights (and
        biases when ``penalize_bias=True``). Unlike scikit-learn's MLP, whose
        ``alpha`` is an L2 strength divided by the batch's sample count, it is
        **not** divided by the number of samples (the convention of ``Lasso``
        and ``SGDClassifier``), so a good value does not move as the data set
        grows. ``alpha=0`` means no penalty. Units matter: the penalty charges
        every weight alike, so a column in small units (which needs large
        weights) pays more to be used than the same column in large units.
        Standardize the columns first (``make_pipeline(StandardScaler(),
        model)``), or use the CV estimators, which do it inside ``fit``.

    batch_size : int or "auto", default="auto"
        Rows per mini-batch; ``"auto"`` is ``min(200, n_samples)``. A value
        larger than the data is clipped to it, with a warning.

    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Learning-rate schedule of ``solver="sgd"``, as in scikit-learn.

    learning_rate_init : float, default=1e-3
        Initial learning rate (``"sgd"``, ``"adam"``).

    power_t : float, default=0.5
        Exponent of the ``"invscaling"`` schedule.

    max_iter : int, default=200
        Maximum number of epochs (``"sgd"``, ``"adam"``) or of iterations
        (``"lbfgs"``).

    shuffle : bool, default=True
        Whether to shuffle the rows each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the initialization, the early-stopping split and the shuffles.

    tol : float, default=1e-4
        Training stops when the loss (or the validation score with early
        stopping) fails to improve by ``tol`` for ``n_iter_no_change``
        consecutive epochs. For lbfgs it bounds the projected gradient and,
        when below scipy's default of 2.2e-9, the relative decrease of the
        objective at which L-BFGS-B stops.

    verbose : bool, default=False
        Print one line per epoch: the objective, its data and penalty terms
        and the share of weights that are exactly zero.

    warm_start : bool, default=False
        Start ``fit`` from the previous solution. The optimizer's and the
        penalty's state start afresh, as in scikit-learn, and so does the
        stopping criterion (scikit-learn carries its no-improvement count
        over, so a warm fit after a converged one stops after one epoch).

    momentum : float, default=0.9
        Momentum of ``solver="sgd"``.

    nesterovs_momentum : bool, default=True
        Whether ``solver="sgd"`` uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, stop when its score stops
        improving and keep the best weights seen (``"sgd"``, ``"adam"``).

    validation_fraction : float, default=0.1
        Share of the data held out for early stopping.

    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's first and second moment estimates.

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Epochs without improvement by ``tol`` before stopping.

    max_fun : int, default=15000
        Maximum number of loss evaluations of ``solver="lbfgs"``.

    l1_mode : {"proximal", "cumulative", "shrink", "gradient"}, default="proximal"
        How the penalty is applied, with ``g`` the data term's gradient,
        ``step(g)`` the optimizer's change and ``tau`` the optimizer's step
        size times ``alpha`` (``eta * alpha`` for sgd, per weight for adam):

        - ``"gradient"``: ``w <- w + step(g + alpha * sign(w))``, through
          momentum and Adam's scaling; no exact zeros. sgd, adam, lbfgs.
        - ``"shrink"``: ``w <- w - eta * alpha * sign(w)``, then
          ``w <- w + step(g)``; no exact zeros. sgd, adam.
        - ``"proximal"``: ``w <- w + step(g)``, then soft-thresholding
          ``w <- sign(w) * max(|w| - tau, 0)``; exact zeros. sgd, adam; with
          lbfgs the L1 problem is solved exactly as ``w = u - v``,
          ``u, v >= 0``, under L-BFGS-B's bounds.
        - ``"cumulative"``: the clipped cumulative penalty of Tsuruoka et al.
          (2009), as ``SGDClassifier(penalty="l1")``; exact zeros. sgd, adam.

    penalize_bias : bool, default=False
        Whether the biases are penalized too.

    feature_alpha : float, default=0.0
        Strength of a group penalty ``feature_alpha * sum_j ||W1[j, :]||_2`` on
        each input feature's row of first-layer weights (Scardapane et al.,
        2017), applied through the same ``l1_mode``: its subgradient
        (``"gradient"``), a direct shrink of the row along its direction
        (``"shrink"``), or block soft-thresholding
        ``W1[j] <- W1[j] * max(0, 1 - tau_j / ||W1[j]||)`` with
        ``tau_j = feature_alpha / mean_k(1 / s_jk)``, ``s`` each weight's step size
        (``"proximal"`` and ``"cumulative"``). It zeroes whole rows, and so
        drops whole features, where the per-weight ``alpha`` seldom does. Not
        available with ``solver="lbfgs"`` and ``l1_mode="proximal"``.

    penalty_factors : array-like of shape (n_features,), default=None
        A factor ``c_j >= 0`` per input feature on both penalties of its row of
        first-layer weights (glmnet's ``penalty.factor``): that row pays
        ``c_j * alpha * sum_k |W1[j, k]|`` and
        ``c_j * feature_alpha * ||W1[j, :]||_2``; other layers are unchanged.
        ``0`` leaves a feature unpenalized. The adaptive lasso (Zou, 2006)
        sets ``c_j`` from a first fit's feature importances, as the CV
        estimators do with ``adaptive=True``. ``None``: 1 for every feature.

    working_set : bool or "auto", default="auto"
        Train in rounds on the input features whose first-layer row is
        nonzero, bringing back a zero row whenever a check on the full data
        (its KKT condition) says the penalty would not keep it at zero
        (glmnet's and celer's working sets): the same problem, at the cost
        of the features in use rather than of all of them. ``"auto"``: on
        for sgd and adam with an exact-zero ``l1_mode`` and at least 100
        features; ``partial_fit`` always trains every row.

    l2_alpha : float, default=0.0
        Strength of a ridge term ``l2_alpha / 2 * sum w**2`` on the same
        weights (scikit-learn's MLP ``alpha`` is this term divided by the
        batch's sample count; here, like ``alpha``, it is not divided). It
        is smooth, so its gradient ``l2_alpha * w`` joins the data gradient
        and goes through the optimizer in every ``l1_mode``; with the L1
        terms it makes the elastic net. It shrinks the weights the L1 terms
        keep, which helps where there are few rows: a network of 137 rows
        and a few hundred columns otherwise keeps what its random start put
        in the directions the rows do not see. The CV estimators set it to
        ``1 / n_samples`` (on wider data only when the CV finds it pays; 0
        with ``max_features``).

    linear_skip : bool, default=False
        Add a linear model beside the network (LassoNet's skip, Lemhadri et
        al., 2021): the output before its activation is
        ``X @ theta + g_W(X)``. Feature ``j``'s skip weights ``theta_j`` and
        its first-layer row ``W1[j, :]`` are penalized as one row (the L1
        term on each weight, ``feature_alpha`` on the row's norm), so the
        penalty drops a feature from both parts at once and the model can
        fall back to a sparse linear one where the hidden layer does not pay.
        Needs a hidden layer. The skip's weights are ``skip_coef_``.

    skip_hierarchy : float or None, default=None
        With ``linear_skip``, LassoNet's hierarchy
        ``|W1[j, k]| <= M * ||theta_j||_2`` with ``M = skip_hierarchy``, kept
        by clipping ``W1[j]`` after every step: a feature reaches the hidden
        layer only as far as the linear part uses it. Stochastic solvers only.
"""

ATTRIBUTES_DOC = """
    loss_ : float
        The objective (data term plus penalty) of the last epoch or, for
        lbfgs, at the solution.

    best_loss_ : float or None
        Lowest ``loss_curve_`` value; ``None`` with early stopping.

    loss_curve_ : list of float
        Per epoch, the mean over its batches of the objective on each batch
        just before its step, weighted by the batch's rows (sgd, adam).

    validation_scores_ : list of float or None
        Validation score per epoch with early stopping, else ``None``.

    best_validation_score_ : float or None
        Best validation score with early stopping, else ``None``.

    t_ : int
        Number of training samples seen by the optimizer.

    coefs_ : list of ndarray
        ``coefs_[i]`` is the weight matrix from layer ``i`` to layer ``i + 1``.

    skip_coef_ : ndarray of shape (`n_features_in_`, `n_outputs_`) or None
        The linear skip's weights ``theta`` (``linear_skip=True``), else None.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` is the bias vector of layer ``i + 1``.

    feature_importances_ : ndarray of shape (`n_features_in_`,)
        Row sums of ``|W_1| @ |W_2| @ ... @ |W_L|`` (plus those of
        ``|theta|`` with a linear skip), normalized to sum to 1;
        exactly 0 for a feature no path of nonzero weights connects to an
        output. ``SelectFromModel(est, threshold=1e-12)`` keeps exactly the
        features the network can use.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen during ``fit``, when ``X`` has string column names.

    n_iter_ : int
        Epochs (sgd, adam) or iterations (lbfgs) run by the last call.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        Activation of the output layer.
"""
