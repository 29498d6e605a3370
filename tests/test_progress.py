"""Progress lines: one per path point per fold, with an estimate of the time left."""

import io
import re

import numpy as np
import pytest

from sklearn_l1mlp._path import PathPoint
from sklearn_l1mlp._progress import FitClock, FoldProgress, format_seconds


@pytest.mark.parametrize(
    "seconds, text", [(0.04, "0.0 s"), (3.27, "3.3 s"), (42.4, "42 s"), (185, "3 min 05 s")]
)
def test_format_seconds(seconds, text):
    assert format_seconds(seconds) == text


def _point():
    return PathPoint(
        alpha=0.01,
        feature_alpha=0.3,
        features=np.array([0, 4]),
        n_zero_weights=90,
        n_weights=100,
        objective=0.5,
        n_iter=10,
        validation_score=0.8,
        relaxed_validation_score=0.85,
    )


@pytest.mark.parametrize("sequential", [True, False])
def test_a_line_per_point_says_where_the_fit_is_and_the_time_left(sequential):
    stream = io.StringIO()
    progress = FoldProgress(1, 5, 4, sequential=sequential, stream=stream)
    for _ in range(4):
        progress(_point())
    lines = stream.getvalue().splitlines()
    assert [line.split("]")[0] for line in lines] == [
        f"[fold 2/5, point {i}/4" for i in (1, 2, 3, 4)
    ]
    assert "2 features" in lines[0] and "validation score 0.8000, relaxed 0.8500" in lines[0]
    assert all(re.search(r"left in it", line) for line in lines)
    # Three folds come after this one: only a sequential run can count them.
    assert ("in all" in lines[0]) is sequential


def test_one_clock_counts_down_the_whole_fit_across_its_searches(monkeypatch):
    now = iter(range(100))
    monkeypatch.setattr("sklearn_l1mlp._progress.time.perf_counter", lambda: float(next(now)))
    clock = FitClock(n_searches=2, n_folds=2)  # started at t = 0
    assert clock.begin_search(3) == 1
    # One second per point, 2 searches x 2 folds x 3 points = 12 points in all.
    left = [clock.tick() for _ in range(6)]
    assert left == [11.0, 10.0, 9.0, 8.0, 7.0, 6.0]
    assert clock.begin_search(4) == 2  # a longer grid: the estimate grows, not restarts
    assert clock.tick() == 7.0  # 6 done + 2 folds x 4 points to fit, 1 s each


def test_fold_lines_end_with_the_time_left_in_the_whole_fit():
    stream = io.StringIO()
    clock = FitClock(n_searches=3, n_folds=5)
    clock.begin_search(4)
    progress = FoldProgress(0, 5, 4, sequential=True, stream=stream, clock=clock)
    progress(_point())
    line = stream.getvalue()
    assert "left in all (search 1 of 3)" in line and line.count("in all") == 1
