"""Progress lines for long fits: one per path point per fold, with the time left.

A CV fit of minutes should say how far it is. ``FoldProgress`` is handed to
``l1_path`` as its ``callback`` inside each fold and prints, per point, the
penalty, the features used, the held-out scores, and an estimate of the time
left in the fold: the mean time per point so far times the points to go
(the points do not cost the same, so it is a guide, not a promise).
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
    """

    def __init__(self, fold, n_folds, n_points, *, sequential=False, stream=None):
        self.fold = fold
        self.n_folds = n_folds
        self.n_points = n_points
        self.sequential = sequential
        self.stream = stream
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
        if self.sequential and later_folds:
            # Every later fold is taken to cost what this one will have.
            total = left + later_folds * per_point * self.n_points
            line += f", {format_seconds(total)} in all"
        print(line, file=self.stream if self.stream is not None else sys.stdout, flush=True)
