"""How the CV estimators pick a point from the folds' scores (largest alpha first)."""

import warnings

import numpy as np
import pytest

from sklearn_l1mlp._cv_choice import (
    choose_point,
    choose_unsaturated_unless_beaten,
    cv_results,
    first_to_enter,
    first_unless_beaten,
    fold_mean,
    fold_standard_errors,
    last_trusted_point,
    most_important,
    score_at_count,
    without_saturated,
)

MEANS = np.array([0.70, 0.86, 0.88, 0.90, 0.89])
ERRORS = np.array([0.05, 0.03, 0.03, 0.045, 0.03])


@pytest.mark.parametrize(
    "rule, tolerance, index",
    [("best", 0.0, 3), ("one_standard_error", 0.0, 1), ("tolerance", 0.025, 2)],
)
def test_each_rule_takes_the_sparsest_point_its_bar_allows(rule, tolerance, index):
    assert choose_point(MEANS, ERRORS, rule, tolerance) == index


def test_best_breaks_ties_toward_the_sparser_point():
    assert choose_point(np.array([0.5, 0.9, 0.9]), np.zeros(3), "best", 0.0) == 1


def test_best_breaks_ties_by_the_held_out_loss_then_toward_the_sparser_point():
    # Fold means of the same accuracies, summed in another order, differ in the last bit.
    means = np.array([0.5, 0.1 + 0.2 + 0.7, 0.7 + 0.2 + 0.1, 1.0, 0.99]) * 0.9
    assert means[1] != means[2]
    losses = np.array([0.7, 0.30, 0.25, 0.25, 0.01])
    assert choose_point(means, np.zeros(5), "best", 0.0, losses) == 2
    # The loss only breaks ties: the better mean score still wins.
    assert choose_point(means, np.zeros(5), "best", 0.0, losses[::-1]) == 1
    # The bar rules keep the sparsest point above their bar.
    assert choose_point(means, np.zeros(5), "tolerance", 0.5, losses) == 0


@pytest.mark.parametrize(
    "best_scores, index",
    [
        ([0.80, 0.84], 0),  # within the first's standard error (0.05)
        ([0.80, 0.85], 0),  # at the bar: not above it
        ([0.80, 0.86], 1),
        ([0.80, 0.86, 0.90], 2),  # the best of those that clear the bar
        ([0.80, 0.70, 0.90], 2),
        ([0.80], 0),
    ],
)
def test_first_unless_beaten_keeps_the_first_search_unless_another_clears_its_error(
    best_scores, index
):
    errors = [0.05, 0.0, 0.0][: len(best_scores)]
    assert first_unless_beaten(best_scores, errors) == index


def test_a_score_that_meets_a_bar_exactly_is_not_moved_across_it_by_rounding():
    # Five folds, one at 5/6: mean 29/30 and a standard error of 1/30, whose
    # float sum falls short of 1.0 in the last bit (ALL/AML had one such).
    folds = np.array([1.0, 1.0, 1.0, 1.0, 5 / 6])
    mean, error = folds.mean(), folds.std() / 2
    assert mean + error < 1.0
    assert first_unless_beaten([mean, 1.0], [error, 0.0]) == 0
    # A point a standard error below the best, 1 - 1/3 rounding above 2/3,
    # is within one standard error of it, and not a fall past it.
    means = np.array([0.5, 2 / 3, 1.0, 2 / 3])
    errors = np.array([0.0, 0.0, 1 / 3, 0.0])
    assert means[2] - errors[2] > means[1]
    assert choose_point(means, errors, "one_standard_error", 0.0) == 1
    assert last_trusted_point(means, errors) == 3


def test_fold_mean_leaves_out_what_failed_and_marks_a_point_no_fold_scored():
    values = np.array([[0.5, np.nan, np.inf], [0.7, 0.4, np.nan]])
    np.testing.assert_allclose(fold_mean(values, worst=-np.inf), [0.6, 0.4, -np.inf])


N_FEATURES = np.array([0, 20, 300, 10_000])  # 225 rows: the last two are saturated


def test_without_saturated_leaves_out_points_using_more_columns_than_rows():
    # On wide noise the CV curve peaked at the point using all 10,000 columns.
    scores = np.array([0.49, 0.51, 0.50, 0.54])
    candidates = without_saturated(scores, N_FEATURES, n_samples=225)
    assert choose_point(candidates, np.zeros(4), "best", 0.0) == 1
    assert choose_point(scores, np.zeros(4), "best", 0.0) == 3
    # When every point is saturated, the scores stand.
    np.testing.assert_array_equal(without_saturated(scores, N_FEATURES + 500, 225), scores)


def test_a_saturated_point_that_beats_the_others_fold_by_fold_is_chosen():
    # Where many columns carry signal: +0.05 on every fold, give or take 0.01.
    scores = np.array([[0.5, 0.70, 0.72, 0.74], [0.5, 0.80, 0.83, 0.86], [0.5, 0.75, 0.79, 0.80]])
    assert choose_unsaturated_unless_beaten(scores, N_FEATURES, 225, "best", 0.0) == 3


def test_a_saturated_point_within_the_noise_of_the_gain_is_passed_over():
    # Wide noise at p = 10,000: the best sparser point is the empty network,
    # whose folds score alike (standard error 0.005), and the saturated
    # end's mean is higher by more than that, but not fold by fold.
    scores = np.array(
        [[0.50, 0.45, 0.47, 0.58], [0.50, 0.48, 0.44, 0.47], [0.51, 0.46, 0.46, 0.56]]
    )
    assert scores[:, 3].mean() > scores[:, 0].mean() + fold_standard_errors(scores)[0]
    assert choose_unsaturated_unless_beaten(scores, N_FEATURES, 225, "best", 0.0) == 0


def test_the_saturation_bar_leaves_paths_that_are_all_or_never_saturated_to_the_rule():
    scores = np.array([[0.49, 0.51, 0.50, 0.54], [0.49, 0.51, 0.50, 0.54]])
    for n_features in (np.array([0, 20, 30, 40]), np.array([300, 400, 500, 600])):
        assert choose_unsaturated_unless_beaten(scores, n_features, 225, "best", 0.0) == 3
    # The rule still picks among the unsaturated points.
    scores = np.array([[0.45, 0.55, 0.50, 0.50], [0.53, 0.47, 0.50, 0.50]])
    chosen = choose_unsaturated_unless_beaten(
        scores, np.array([0, 20, 30, 400]), 225, "one_standard_error", 0.0
    )
    assert chosen == 0


def test_fold_standard_errors_are_glmnets_over_the_folds_that_scored():
    values = np.array([[0.5, np.nan, np.nan], [0.7, 0.4, np.nan], [0.6, 0.5, 0.8]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "degrees of freedom" warning either
        errors = fold_standard_errors(values)
    # glmnet's cvsd: the sample standard deviation over the N folds with a
    # score, divided by sqrt(N); a point one fold scored has no measured spread.
    np.testing.assert_allclose(
        errors,
        [np.std([0.5, 0.7, 0.6], ddof=1) / np.sqrt(3), np.std([0.4, 0.5], ddof=1) / np.sqrt(2), 0],
    )


def test_first_to_enter_ranks_by_how_long_a_column_is_in_the_path():
    majority = np.array(
        [[0, 0, 1, 0], [0, 1, 1, 0], [1, 1, 1, 0], [1, 1, 1, 1]], dtype=bool
    )  # column 2 enters first, then 1, 0, 3
    votes = majority.astype(int) * 3
    index, columns = first_to_enter(majority, votes, 2)
    assert index == 1 and list(np.flatnonzero(columns)) == [1, 2]
    index, columns = first_to_enter(majority, votes, 9)  # more than ever enter
    assert index == 3 and columns.all()


def test_first_to_enter_takes_leading_columns_first_then_path_order():
    majority = np.array([[0, 0, 1, 0], [0, 1, 1, 0], [1, 1, 1, 0], [1, 1, 1, 1]], dtype=bool)
    votes = majority.astype(int) * 3
    # The chosen point (2) uses 0, 1 and 2; its most important are 0, then 2.
    leading = most_important(majority[2], np.array([0.9, 0.1, 0.5, 0.0]))
    assert list(leading) == [0, 2, 1]
    index, columns = first_to_enter(majority, votes, 2, leading=leading)
    assert list(np.flatnonzero(columns)) == [0, 2] and index == 1  # refit: the first with 2
    # More places than leading columns: the path's order fills them.
    _, columns = first_to_enter(majority, votes, 4, leading=leading[:1])
    assert columns.all()
    _, columns = first_to_enter(majority, votes, 2, leading=leading[:1])
    assert list(np.flatnonzero(columns)) == [0, 2]  # then 2, the first to enter


@pytest.mark.parametrize(
    "means, errors, expected",
    [
        ([0.5, 0.80, 0.81, 0.805, 0.75, 0.80], [0.0, 0.01, 0.01, 0.01, 0.01, 0.01], 3),
        ([0.5, 0.80, 0.81, 0.805, 0.80], [0.0, 0.01, 0.01, 0.01, 0.01], 4),  # never below
        ([0.5, 0.81, 0.70, 0.80], [0.0, 0.01, 0.01, 0.01], 1),  # the best, then below
        ([0.5, 0.6, 0.7], [0.0, np.nan, 0.0], 2),  # the best is the last
    ],
)
def test_last_trusted_point_stops_before_the_first_fall_past_a_standard_error(
    means, errors, expected
):
    assert last_trusted_point(np.array(means), np.array(errors)) == expected


def test_first_to_enter_fills_past_the_trusted_points_from_the_fallback():
    majority = np.array(
        [[0, 0, 1, 0, 0], [0, 1, 1, 0, 0], [1, 1, 1, 1, 0]], dtype=bool
    )  # 2 enters first, then 1; 0 and 3 only at the untrusted last point
    votes = majority.astype(int) * 3
    fallback = np.array([4, 2, 0])  # 2 is taken already; 3 never passed the test
    index, columns = first_to_enter(majority, votes, 3, last_trusted=1, fallback=fallback)
    assert index == 2 and list(np.flatnonzero(columns)) == [1, 2, 4]
    _, columns = first_to_enter(majority, votes, 9, last_trusted=1, fallback=fallback)
    assert list(np.flatnonzero(columns)) == [0, 1, 2, 4]  # fewer than 9: nobody vouches for 3
    # Every point trusted: the path's order, as without a fallback.
    _, columns = first_to_enter(majority, votes, 3, last_trusted=2, fallback=fallback)
    assert list(np.flatnonzero(columns)) == list(
        np.flatnonzero(first_to_enter(majority, votes, 3)[1])
    )


def test_cv_results_ranks_and_per_fold_records():
    scores = np.array([[0.5, 0.8, 0.7], [0.6, 0.9, 0.8]])
    features = [[np.array([], dtype=int), np.array([1]), np.array([0, 1])]] * 2
    losses = np.array([[0.7, 0.3, np.nan], [0.7, 0.5, 0.4]])
    results = cv_results(
        np.array([1.0, 0.1, 0.01]), (1.0, 2.0), scores, features, scores.mean(0), losses
    )
    np.testing.assert_allclose(results["mean_test_loss"], [0.7, 0.4, 0.4])
    np.testing.assert_array_equal(results["split0_test_loss"], losses[0])
    np.testing.assert_allclose(results["feature_alpha"], [2.0, 0.2, 0.02])
    np.testing.assert_array_equal(results["rank_test_score"], [3, 1, 2])
    np.testing.assert_array_equal(results["split1_n_features"], [0, 1, 2])
    assert list(results["split0_features"][2]) == [0, 1]


def test_searches_are_compared_at_the_fixed_count_between_the_points_that_bracket_it():
    # One step of the grid took the path from 6 columns to 29: at 10 the
    # score is a sixth of the way between the two points' scores.
    means = np.array([0.60, 0.78, 0.90, 0.95])
    counts = np.array([1, 6, 30, 70])
    assert score_at_count(means, counts, 2, 10) == pytest.approx(0.78 + 4 / 24 * 0.12)
    # The chosen point has exactly the count, or there is none before it.
    assert score_at_count(means, np.array([1, 6, 10, 70]), 2, 10) == 0.90
    assert score_at_count(means, counts, 0, 1) == 0.60
    # A point that failed to score is not interpolated from.
    failed = np.array([0.60, -np.inf, 0.90, 0.95])
    assert score_at_count(failed, counts, 2, 10) == 0.90
