"""What the CV estimators settle before each path: the network, the columns, the factors.

The default network (``DEFAULT_TEMPLATE``) and how the settings given to a
CV estimator go into it; which columns a wide training set keeps
(``screened_columns``); whether the path is adaptive and its penalty factors
from a first fit (``adaptive_candidates``, ``first_fit_alpha``, ``adaptive_factors``).
"""

from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state

from ._path import alpha_max, fit_quietly
from ._penalties import adaptive_penalty_factors
from ._screening import marginal_association

#: The per-weight strength of the adaptive first fit, as a share of the
#: smallest per-weight alpha at which a fresh fit uses no feature. A feature
#: the first fit drops pays a factor 1e6 along the whole path, so this fit
#: must be dense enough to keep weak nonlinear features: at 0.1 it lost
#: Friedman1's (x2 - 0.5)**2 in 4 of 5 seeds, at 0.03 in none.
INITIAL_ALPHA_SHARE = 0.03
#: ``screen="auto"`` keeps this many columns per training row. By outer CV
#: on ALL/AML (72 x 7129), one per row scored 0.943, about four per row
#: 0.957 and no screening 0.971 (one row is 0.014), the screened fits in
#: about half the time.
SCREEN_PER_ROW = 5

#: The network the CV estimators tune when no ``estimator`` is given. Its
#: penalty is per weight only: on the wide gene sets of the real-data
#: benchmark the row penalty (``feature_alpha``) kept a handful of genes and
#: lost 0.06 (colon) and 0.06 (ALL/AML) held-out accuracy against it, and
#: elsewhere the two scored alike (docs/feature_selection.md as of 71086f4 has the measurements).
DEFAULT_TEMPLATE = dict(
    hidden_layer_sizes=(32,), alpha=1.0, feature_alpha=0.0, learning_rate_init=0.01, max_iter=500
)
#: Hidden units per output the default network has at least: with many
#: classes 32 units were too few. On a 26-class proxy of the spoken-letters
#: set (1,560 x 617, four draws, one split each; scratch) 32 units scored
#: 0.941 held-out accuracy on average and 52 units 0.956 (L2 logistic: 0.975).
UNITS_PER_OUTPUT = 2
#: The default network's ridge term times the training rows: ``l2_alpha =
#: L2_PER_ROW / n_samples``, so that the term weighs on the mean data term as
#: scikit-learn's MLP ``alpha=1`` does, and less as rows accrue. Without it
#: a network on few rows keeps what its random start put in the directions
#: the rows do not see: on a four-class gene proxy (171 x 5,748, 600 genes
#: differing by 0.35 standard deviations; outer CV; scratch) held-out
#: accuracy rose from 0.906 and 0.912 to 0.953 and 0.959 on two draws, on
#: a 26-class proxy of the spoken letters from 0.949 and 0.944 to 0.962 and
#: 0.964 (docs/feature_selection.md as of 71086f4 has the rest, and 3 and 10 rows' worth).
L2_PER_ROW = 1.0
#: The ridge terms the linear candidate tries, times the training rows: the
#: default network's, then an elastic net whose ridge term weighs a hundred
#: times more, kept where it scores better by a standard error. Where many
#: columns each carry a little signal (word counts) a dense linear model
#: wins and the L1 optimum alone does not reach it: on basehock (1,993 x
#: 4,862 word counts, the benchmark's first two outer splits; scratch) the
#: converged L1 logistic model on standardized columns scored at most 0.972
#: and 0.954 held out, an L2 one 0.974 and 0.986; ``linear=True`` chose CV means 0.961 and 0.961
#: at 1 per row, 0.967 and 0.964 at 10, 0.975 and 0.973 at 100 (0.968 and
#: 0.982 held out, 1,407 and 1,413 words) and 0.977 and 0.972 at 1,000.
LINEAR_L2_PER_ROW = (1.0, 100.0)
#: With ``max_features``, the family-wise level of the marginal test that
#: lets a column past the path's trusted points fill a place
#: (``associated_columns``).
FALLBACK_LEVEL = 0.05
#: The template's settings the CV estimators take directly (None: keep the template's).
TEMPLATE_SETTINGS = ("hidden_layer_sizes", "l1_mode", "learning_rate_init", "max_iter", "l2_alpha")


def linear_ridge_candidates(n_samples, max_features=None):
    """The linear candidate's ridge terms (``LINEAR_L2_PER_ROW``), the default network's first.

    With ``max_features``, ``[0.0]``, as ``ridge_candidates`` says why.
    """
    if max_features is not None:
        return [0.0]
    return [per_row / n_samples for per_row in LINEAR_L2_PER_ROW]


def ridge_candidates(n_samples, n_features, max_features=None):
    """The default network's ridge terms the CV tries, its default first.

    ``L2_PER_ROW / n_samples`` where rows are at least as many as columns;
    where they are fewer, ``[0.0, L2_PER_ROW / n_samples]``: the CV scores
    a path with the term beside the others and keeps it only when it
    scores better by a standard error (``first_unless_beaten``). There the
    term helps where the classes spread over many columns (a four-class
    gene proxy, 171 x 5,748: CV means 0.91-0.95 against 0.71-0.88 without,
    on all five outer folds) and hurts where a few columns act through
    strong nonlinear terms (225 x 1,000 synthetic tasks, 5 informative:
    0.556 and 0.680 against 0.604 and 0.711), and colon's CV means barely
    tell the two apart. With ``max_features``, ``[0.0]``: at a fixed count
    the columns are those that enter the path first, and the term, which
    makes correlated columns enter together, spoils that order (the
    real-data benchmark's downstream network at k = 10 and 50: 0.826 and
    0.810 on colon with it, 0.841 and 0.827 without; 0.967 and 0.989 on
    mouse protein, 0.970 and 0.996; 0.890 and 0.934 on basehock, 0.900
    and 0.942).
    """
    if max_features is not None:
        return [0.0]
    ridge = L2_PER_ROW / n_samples
    return [ridge] if n_features <= n_samples else [0.0, ridge]


def make_template(
    estimator, estimator_class, settings, random_state, owner, n_outputs=1, l2_alpha=0.0
):
    """The network to tune: ``estimator`` (or the default) with ``settings`` set.

    Parameters
    ----------
    estimator : L1MLPClassifier, L1MLPRegressor or None
        The CV estimator's ``estimator``; None means ``DEFAULT_TEMPLATE``,
        with ``max(32, UNITS_PER_OUTPUT * n_outputs)`` hidden units and
        ``l2_alpha``.
    estimator_class : type
        The class ``estimator`` must be.
    settings : dict
        ``TEMPLATE_SETTINGS`` by name; None values keep the template's.
    random_state : int, RandomState or None
        One seed drawn from it for every fit, so that the folds' networks
        start alike and the whole fit repeats whatever numpy's global state.
    owner : str
        The CV estimator's class name, for the error message.
    n_outputs : int
        The network's outputs: the classes (1 for two), or the targets.
    l2_alpha : float
        The default network's ridge term (one of ``ridge_candidates``).

    Returns
    -------
    template : L1MLPClassifier or L1MLPRegressor
        A new, unfitted estimator.
    """
    if estimator is None:
        (units,) = DEFAULT_TEMPLATE["hidden_layer_sizes"]
        width = max(units, UNITS_PER_OUTPUT * n_outputs)
        template = estimator_class(
            **{
                **DEFAULT_TEMPLATE,
                "hidden_layer_sizes": (width,),
                "l2_alpha": l2_alpha,
            }
        )
    elif not isinstance(estimator, estimator_class):
        raise TypeError(
            f"{owner} needs an {estimator_class.__name__} as estimator, "
            f"got {type(estimator).__name__}."
        )
    else:
        template = clone(estimator)
    template.set_params(**{name: value for name, value in settings.items() if value is not None})
    if random_state is not None:
        seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
        template.set_params(random_state=seed)
    return template


def adaptive_candidates(adaptive, n_samples, n_features, max_features=None):
    """Whether the path is adaptive: ``[adaptive]``, or for "auto" the ones the CV tries.

    The adaptive lasso's factors are only as good as the first fit they
    come from (Zou, 2006, asks a consistent one, which needs more rows
    than columns). With many more columns than rows (50 rows, 2,000
    genes) a network separates the training rows with any few of them,
    so the first fit's importances are noise, and every column it leaves
    out is shut out of the path for good: above ``SCREEN_PER_ROW`` columns
    a row (where ``screen="auto"`` screens) "auto" is ``[False]``. Up to
    one column a row it is ``[True]``. In between the factors help or
    hurt by data set: on 225 rows of 1,000 Gaussian columns, 5 of them
    informative, the path without them kept 125 columns (held-out
    accuracy 0.560, against 0.787 with 6); on the word counts of basehock
    (1,495 rows, 4,862 columns) the first fit used 598 words, and with
    their factors the path never went past about 100, where without them
    it peaked at 350 (CV mean 0.961 against 0.951). So "auto" there is
    ``[True, False]``: the CV scores both paths and keeps the one without
    factors only when it scores better by a standard error
    (``first_unless_beaten``). With ``max_features`` it is ``[True]``: a
    fixed count takes the columns in the order they enter the path, and
    the factors make that order (basehock at k = 10: 0.900 downstream
    accuracy with them, 0.749 without).

    Returns
    -------
    choices : list of bool
        The first is the path's default; a second is scored beside it.
    """
    if adaptive != "auto":
        return [bool(adaptive)]
    if n_features <= n_samples:
        return [True]
    if n_features > SCREEN_PER_ROW * n_samples:
        return [False]
    return [True] if max_features is not None else [True, False]


def first_fit_alpha(template, X, y, sample_weight, given=None):
    """The adaptive first fit's per-weight alpha: ``given``, else a share of its alpha_max."""
    if given is not None:
        return float(given)
    per_weight = clone(template).set_params(feature_alpha=0.0, alpha=1.0)
    return INITIAL_ALPHA_SHARE * alpha_max(per_weight, X, y, sample_weight=sample_weight)


def screen_candidates(screen, n_samples, n_features, max_features=None):
    """The screens a CV fit tries: ``screen`` itself, or both of "cv"'s.

    ``screen="cv"`` (the default) tries "auto" (``SCREEN_PER_ROW``
    columns per row, which leaves data of at most that many columns whole)
    and, when it keeps fewer columns than there are, "sis" (``n / log n``);
    the CV keeps "auto" unless "sis" scores better by more than a standard
    error (``first_unless_beaten``). A path over thousands of columns and a
    few hundred rows starts from a network that memorizes the training
    rows with noise columns, and keeps them as the penalty grows; one over
    ``n / log n`` strong columns does not, but on real data the wider
    screen can hold columns that help only together. Keeping the better
    mean score alone won on synthetic wide tasks (300 rows of 1,000
    Gaussian columns: held-out accuracy 0.40 -> 0.71) and lost a little on
    colon, ALL/AML and a wide four-class proxy, where "sis" won the CV by
    less than a standard error (see
    docs/feature_selection.md as of 71086f4). With ``max_features`` "cv" is "auto" alone:
    the count is the user's, the columns are those that enter the path
    first, and a screen of ``n / log n`` would make that order mostly the
    marginal test's.
    """
    if screen != "cv":
        return [screen]
    if max_features is None and screen_limit("sis", n_samples) < n_features:
        return ["auto", "sis"]
    return ["auto"]


def screen_limit(screen, n_samples):
    """How many columns ``screen`` keeps of ``n_samples`` training rows (None: all).

    "auto": ``SCREEN_PER_ROW * n``; "sis": ``n / log n``, the size of Fan &
    Lv's (2008) sure independence screening; an int: itself.
    """
    if screen is None or isinstance(screen, Integral):
        return screen
    if screen == "auto":
        return SCREEN_PER_ROW * n_samples
    return max(1, int(n_samples / np.log(n_samples))) if n_samples > 2 else n_samples


def screened_columns(screen, X, y, sample_weight, *, classification):
    """The columns of ``X`` the path sees: the ``screen`` most associated with ``y``.

    ``screen`` is an int, "auto", "sis" (see ``screen_limit``) or None
    (keep all). Returns their indices, in column order.
    """
    limit = screen_limit(screen, X.shape[0])
    if limit is None or limit >= X.shape[1]:
        return np.arange(X.shape[1])
    association = marginal_association(
        X, y, classification=classification, sample_weight=sample_weight
    )
    return association.strongest(limit)


def associated_columns(X, y, sample_weight, *, classification, level=FALLBACK_LEVEL):
    """The columns the screens' marginal test finds associated with ``y``, strongest first.

    Associated: a p-value below ``level`` over the columns (Bonferroni).
    ``max_features`` fills the places the path's trusted points leave with
    these, so a column neither the path nor the test vouches for is never
    taken to make up a count.
    """
    association = marginal_association(
        X, y, classification=classification, sample_weight=sample_weight
    )
    order = association.ranking()
    return order[association.log_pvalue[order] < np.log(level / X.shape[1])]


def adaptive_factors(template, first_alpha, X, y, sample_weight, power):
    """The adaptive penalty factors from a first fit of ``template`` at ``first_alpha``.

    Raises
    ------
    ValueError
        If the first fit uses no feature (then ``initial_alpha`` is too large).
    """
    first = clone(template).set_params(
        alpha=first_alpha, feature_alpha=0.0, penalty_factors=None, warm_start=False
    )
    fit_quietly(first, X, y, sample_weight)
    importances = first.feature_importances_
    if not importances.any():
        raise ValueError(
            f"The adaptive first fit (alpha={first_alpha:.3g}) uses no feature; "
            "pass a smaller initial_alpha."
        )
    return adaptive_penalty_factors(importances, power)
