"""Which searches a CV fit runs, in what order, and which one it keeps.

A CV fit scores one path per ``Candidate`` (``_cv_search.run_search``):

1. one per screen (``screen="cv"``: "auto" and "sis"), with the adaptive
   factors where ``adaptive`` says so, and the path without them beside
   those where ``adaptive="auto"`` leaves it open; the first is kept
   unless another scores better by a standard error (``kept_search``);
2. then each later candidate changes one setting of the one kept so far
   and replaces it only when its chosen point scores better by a standard
   error: the ridge term (wide data, the default network), the linear
   skip (``linear_skip="auto"``), and a linear model (``linear="auto"``).

The linear model is the network without its hidden layers: ``X @ W + b``
under the same penalty, so its path is an L1-penalized linear (logistic)
regression. It is fitted unscreened and without adaptive factors, with
the default network's ridge term and then with one a hundred times
heavier (``linear_ridge_candidates``), an elastic net kept where it scores
better by a standard error: where the signal is a little in many
columns, as in gene expression or word counts, the columns that score
best are many more than a screen keeps, a linear path is cheap to run to
its dense end, and there a dense model beats the L1 optimum.
``linear="auto"`` tries it on wide data only (more columns than rows).
Measured on the real-data benchmark's outer splits (scratch; held-out
accuracy, the default CV without and with the linear candidate):

- four-class gene proxy, 171 x 5,748, 5 folds: 0.812 -> 0.942 (kept on
  every fold; L1 ``LogisticRegressionCV`` 0.947 with 1,619 genes at 312 s
  a fit), 2.6 s added to 16.3 s;
- colon, 62 x 2,000, 15 folds: 0.813 -> 0.824 (kept on 4; L1 logistic
  0.833), 1.5 s added to 9.4 s;
- on tall sets it changed little and cost much: breast cancer 0.965 ->
  0.961, wine 0.980 -> 0.985, mouse protein 0.994 -> 0.994, at 56-92% more
  time.

With ``max_features=k`` it is tried too, and the two paths' first k
columns compete by their searches' scores at k columns
(``score_at_count``), not at their chosen points, the first with k: on
basehock the linear path went from 6 columns to 29 in one step, and its
29 outscored the network's 13 although its first 10 were worse. Colon at
k = 10 (15 folds; the benchmark's downstream MLP on the columns picked,
columns in the path's order, as ``max_features`` took them then): the
network's columns 0.791, the CV with the candidate 0.806, L1 logistic's
ten 0.828 (the linear model's alone 0.818, a scratch run on the same
folds); with the chosen point's most important columns first, 0.801
(page ``real_data_k_wide``).
"""

import numpy as np

from ._cv_prepare import (
    adaptive_candidates,
    linear_ridge_candidates,
    ridge_candidates,
    screen_candidates,
)
from ._cv_search import Candidate, kept_search, run_search
from ._progress import FitClock


def skip_candidates(linear_skip):
    """The linear skips the CV tries, the first as the template's own."""
    return [False, True] if linear_skip == "auto" else [linear_skip]


def run_candidates(cv, data, n_columns):
    """Run the CV fit's searches (module docstring); return them all, the kept one marked.

    Parameters
    ----------
    cv : L1MLPClassifierCV or L1MLPRegressorCV
        Its settings, ``_template`` and ``_initial_alpha``.
    data : SimpleNamespace
        As ``run_search`` takes it.
    n_columns : int
        The columns that vary on all the rows.

    Returns
    -------
    searches : list of Search
        In the order they ran; exactly one has ``kept`` set.
    """
    n_samples = data.X.shape[0]
    ridges = ridge_candidates(n_samples, n_columns, cv.max_features)
    linear_ridges = linear_ridge_candidates(n_samples, cv.max_features)
    if cv.estimator is not None or cv.l2_alpha is not None:
        # The network's own ridge term, or the one given.
        ridges, linear_ridges = ridges[:1], ridges[:1]
    skips = skip_candidates(cv.linear_skip)
    # A network given without hidden layers is the linear model already.
    has_hidden = np.size(cv._template(data.y).hidden_layer_sizes) > 0
    tries_linear = cv.linear == "auto" and n_columns > n_samples and has_hidden
    if cv.linear is True:
        screens, adaptive_choices, n_searches = [], [False], len(linear_ridges)
    else:
        adaptive_choices = adaptive_candidates(cv.adaptive, n_samples, n_columns, cv.max_features)
        screens = screen_candidates(cv.screen, n_samples, n_columns, cv.max_features)
        n_searches = (
            len(screens)
            + (len(adaptive_choices) > 1)
            + (len(ridges) > 1)
            + (len(skips) > 1)
            + tries_linear * len(linear_ridges)
        )
    initial_alpha = None
    if adaptive_choices[0]:
        # Decided once, on all the rows, so every fold agrees.
        template = cv._template(data.y, ridges[0], skips[0])
        initial_alpha = cv._initial_alpha(
            template, data.X_scaled, data.y_scaled, data.sample_weight
        )
    clock = FitClock(n_searches, len(data.splits)) if cv.verbose else None
    searches = []

    def search(screen, adaptive, l2_alpha, skip, linear=False):
        network = cv._template(data.y, l2_alpha, skip, linear)
        # The network's own term: a network given keeps its l2_alpha.
        candidate = Candidate(screen, adaptive, float(network.l2_alpha), bool(skip), linear)
        found = run_search(cv, candidate, network, initial_alpha if adaptive else None, data, clock)
        searches.append(found)
        return found

    def search_linear():
        # The default network's ridge term unless a heavier one scores better by a standard error.
        found = [search(None, False, ridge, False, linear=True) for ridge in linear_ridges]
        return kept_search(found)

    if cv.linear is True:
        kept = search_linear()
        kept.kept = True
        return searches
    for screen in screens:
        search(screen, adaptive_choices[0], ridges[0], skips[0])
    if len(adaptive_choices) > 1:
        # The path without factors, over every column the screen keeps.
        search(screens[0], False, ridges[0], skips[0])
    # With screen="cv", "auto" unless "sis" scores clearly better.
    kept = kept_search(searches)
    chosen = kept.candidate
    if len(ridges) > 1:
        again = search(chosen.screen, chosen.adaptive, ridges[1], chosen.linear_skip)
        kept = kept_search([kept, again])
        chosen = kept.candidate
    if len(skips) > 1:
        again = search(chosen.screen, chosen.adaptive, chosen.l2_alpha, skips[1])
        kept = kept_search([kept, again])
    if tries_linear:
        kept = kept_search([kept, search_linear()])
    kept.kept = True
    return searches
