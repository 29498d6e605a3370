"""Progress lines for long fits: one per path point per fold, with the time left.

A CV fit of minutes should say how far it is. ``FoldProgress`` is handed to
``l1_path`` as its ``callback`` inside each fold and prints, per point, the
penalty, the features used, the held-out scores, and an estimate of the time
left in the fold: the mean time per point so far times the points to go
(the points do not cost the same, so it is a guide, not a promise). When the
folds run one after the other, a ``FitClock`` shared by every fold of every
search of the fit (screens, adaptive factors, ridge term) gives one estimate
for the whole fit, refined at each point, instead of a countdown that
restarts with each search.
"""

import sys
import time

from ._path import describe_point


def format_seconds(seconds):
    """``seconds`` as ``"42 s"`` or ``"3 min 05 s"``."""
    seconds = max(0.0, float(seconds))
    if seconds < 60:
        return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s"


class FitClock:
    """The path points of a whole CV fit, counted for one estimate of the time left in all.

    Parameters
    ----------
    n_searches : int
        The searches the fit runs (each a path on every fold).
    n_folds : int

    Notes
    -----
    The time left is the mean time per fitted point so far (the fit's
    other work, such as placing each grid, spread over them) times the
    points to go, the searches not begun taken at the current grid's size.
    """

    def __init__(self, n_searches, n_folds):
        self.n_searches = n_searches
        self.n_folds = n_folds
        self.search = 0
        self.n_points = 0
        self.done = 0
        self.done_before_search = 0
        self.start = time.perf_counter()

    def begin_search(self, n_points):
        """A new search starts, over a grid of ``n_points``; returns its number (from 1)."""
        self.search += 1
        self.n_points = n_points
        self.done_before_search = self.done
        return self.search

    def tick(self):
        """One more path point fitted; returns the estimated seconds left in the whole fit."""
        self.done += 1
        searches_left = self.n_searches - self.search + 1
        total = self.done_before_search + searches_left * self.n_folds * self.n_points
        per_point = (time.perf_counter() - self.start) / self.done
        return per_point * max(total - self.done, 0)


class FoldProgress:
    """Print one line per fitted path point of one fold.

    Parameters
    ----------
    fold, n_folds : int
        This fold's number (from 0) and how many there are.
    n_points : int
        The path points the fold fits (its grid's size).
    sequential : bool
        Whether the folds run one after the other, so that the folds after
        this one add to the time left in all (with parallel folds only the
        fold's own time left is known).
    stream : file-like or None
        Where the lines go; ``None``: ``sys.stdout`` at the time of writing.
    clock : FitClock or None
        The whole fit's clock (sequential folds only): the line then ends
        with the time left in the whole fit.
    """

    def __init__(self, fold, n_folds, n_points, *, sequential=False, stream=None, clock=None):
        self.fold = fold
        self.n_folds = n_folds
        self.n_points = n_points
        self.sequential = sequential
        self.stream = stream
        self.clock = clock
        self.start = time.perf_counter()
        self.done = 0

    def __call__(self, point):
        """Print the line of ``point`` (a ``PathPoint``), the ``done``-th of the fold."""
        self.done += 1
        elapsed = time.perf_counter() - self.start
        per_point = elapsed / self.done
        left = per_point * max(self.n_points - self.done, 0)
        line = (
            f"[fold {self.fold + 1}/{self.n_folds}, point {self.done}/{self.n_points}] "
            f"{describe_point(point)}; {format_seconds(elapsed)} in this fold, "
            f"about {format_seconds(left)} left in it"
        )
        later_folds = self.n_folds - self.fold - 1
        if self.clock is not None:
            line += (
                f", about {format_seconds(self.clock.tick())} left in all "
                f"(search {self.clock.search} of {self.clock.n_searches})"
            )
        elif self.sequential and later_folds:
            # Every later fold is taken to cost what this one will have.
            total = left + later_folds * per_point * self.n_points
            line += f", {format_seconds(total)} in all"
        print(line, file=self.stream if self.stream is not None else sys.stdout, flush=True)
