"""Seconds per epoch against scikit-learn's MLP and a PyTorch loop, with L1 on.

For each workload of the speed issue (fixed synthetic data, a fixed number of
epochs: max_iter=E, tol=0, n_iter_no_change > E), this times

* scikit-learn's MLPClassifier / MLPRegressor with alpha=0: the reference 1.00;
* the matrix products alone (numpy, preallocated), for scale;
* the floor: those products on each batch's gathered rows, plus the
  optimizer's step on the flat parameter vector, and nothing else (no
  activation, loss or penalty): what a NumPy engine that draws
  scikit-learn's batches and applies its update rule cannot go below;
* L1MLPClassifier / L1MLPRegressor with alpha=1e-4 in every l1_mode;
* a PyTorch loop with ``loss + alpha * sum(|W|)``, when torch is installed
  (optional: pip install torch), except on sparse input;

in interleaved rounds (the order rotates each round), one thread each
(threadpoolctl, torch.set_num_threads), and prints each contestant's median
epoch time as a ratio to scikit-learn's, beside the issue's target. Peak
memory is the rise of the resident set's peak during one fit, each measured
in a fresh subprocess, after a warm-up fit on 500 rows, whose peak is reset
just before the fit (Linux). It is
a benchmark, not a test: nothing here runs in CI.

Run: python benchmarks/bench_speed.py [--quick] [--rounds R] [--epochs E]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from threadpoolctl import threadpool_limits

from sklearn_l1mlp import L1MLPClassifier, L1MLPRegressor
from sklearn_l1mlp._optimizers import make_optimizer
from sklearn_l1mlp._penalties import L1_MODES

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page import add_page_option, recorded  # noqa: E402

ALPHA = 1e-4
#: name: (task, n, d, hidden, batch, solver, dtype, target ratio)
WORKLOADS = {
    "clf_h100": ("clf10", 20000, 100, (100,), 200, "adam", "float64", 0.60),
    "clf_h256x2": ("clf10", 20000, 100, (256, 256), 200, "adam", "float64", 0.75),
    "reg_h100_sgd": ("reg", 20000, 50, (100,), 200, "sgd", "float64", 0.60),
    "wide_h64": ("wide", 5000, 2000, (64,), 256, "adam", "float64", 0.85),
    "clf_h100_f32": ("clf10", 20000, 100, (100,), 200, "adam", "float32", 0.60),
    "wide_h64_f32": ("wide", 5000, 2000, (64,), 256, "adam", "float32", 0.80),
    # Word counts: CSR, 1.4% of entries stored (basehock's density). Not in the
    # speed issue: its target is only that L1 costs no more than scikit-learn.
    "text_h32": ("text", 10000, 5000, (32,), 200, "adam", "float64", 1.00),
}
QUICK = ["clf_h100", "wide_h64"]


def make_data(name):
    task, n, d, *_, dtype, _ = WORKLOADS[name]
    if task == "clf10":
        X, y = make_classification(n, d, n_informative=30, n_classes=10, random_state=0)
    elif task == "wide":
        X, y = make_classification(n, d, n_informative=20, n_redundant=0, random_state=0)
    elif task == "text":
        rng = np.random.RandomState(0)
        X = sp.random(n, d, density=0.014, format="csr", random_state=rng)
        X.data = rng.poisson(1.0, X.size) + 1.0
        y = (X[:, :50].sum(axis=1).A1 > X[:, 50:100].sum(axis=1).A1).astype(int)
        return X.astype(dtype), y
    else:
        X, y = make_regression(n, d, n_informative=20, noise=1.0, random_state=0)
        y = y / y.std()
    return X.astype(dtype), y


def contestants(name, epochs):
    """name -> a function that trains once on (X, y)."""
    task, _, _, hidden, batch, solver, _, _ = WORKLOADS[name]
    classifier = task != "reg"
    common = dict(
        hidden_layer_sizes=hidden,
        solver=solver,
        batch_size=batch,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=epochs + 1,
        random_state=0,
        momentum=0.9,
        learning_rate_init=0.001,
    )
    reference_class = MLPClassifier if classifier else MLPRegressor
    ours_class = L1MLPClassifier if classifier else L1MLPRegressor
    table = {
        "sklearn": lambda X, y: reference_class(alpha=0.0, **common).fit(X, y),
        "products": lambda X, y: _products(X, hidden, batch, epochs, classifier, y),
        "floor": lambda X, y: _products(X, hidden, batch, epochs, classifier, y, solver),
    }
    for mode in L1_MODES:
        table[mode] = (
            lambda m: lambda X, y: ours_class(alpha=ALPHA, l1_mode=m, **common).fit(X, y)
        )(mode)
    try:
        import torch  # noqa: F401
    except ImportError:
        pass
    else:
        if task != "text":  # its sparse tensors are another benchmark
            table["torch"] = lambda X, y: _torch_fit(
                X, y, hidden, batch, solver, epochs, classifier
            )
    return table


def _products(X, hidden, batch, epochs, classifier, y, solver=None):
    """The forward and backward matrix products of training, preallocated.

    With a ``solver``, the floor: each batch's rows gathered from a shuffled
    order as scikit-learn draws them, and the optimizer's step on one flat
    vector of all weights after each batch.
    """
    sizes = [X.shape[1], *hidden, len(np.unique(y)) if classifier else 1]
    shapes = list(zip(sizes, sizes[1:], strict=False))
    bounds = np.cumsum([0] + [a * b for a, b in shapes])
    rng = np.random.RandomState(0)
    # Small finite values: the products' speed does not depend on them, but
    # uninitialized memory could overflow.
    params = (0.01 * rng.normal(size=bounds[-1])).astype(X.dtype)
    grad = np.zeros_like(params)
    work = np.empty_like(params)  # the buffer the engine lends each step
    weights, grads = (
        [
            vector[lo:hi].reshape(shape)
            for lo, hi, shape in zip(bounds[:-1], bounds[1:], shapes, strict=True)
        ]
        for vector in (params, grad)
    )
    optimizer = None if solver is None else make_optimizer(solver, params.size, X.dtype)
    # Buffers for full batches and for the last, smaller one.
    buffers = {
        rows: (
            [np.empty((rows, b), X.dtype) for b in sizes[1:]],
            [(0.01 * rng.normal(size=(rows, b))).astype(X.dtype) for b in sizes[1:]],
        )
        for rows in {batch, X.shape[0] % batch or batch}
    }
    order = np.arange(X.shape[0])
    for _ in range(epochs):
        if optimizer is not None:
            rng.shuffle(order)
        for start in range(0, X.shape[0], batch):
            acts, deltas = buffers[min(batch, X.shape[0] - start)]
            if optimizer is None:
                rows = X[start : start + batch]
            else:
                rows = X[order[start : start + batch]]
            layer = rows
            for w, a in zip(weights, acts, strict=True):
                if sp.issparse(layer):  # SciPy's product, as scikit-learn's MLP runs it
                    a[...] = layer @ w
                else:
                    np.matmul(layer, w, out=a)
                layer = a
            for i in range(len(weights) - 1, -1, -1):
                below = rows if i == 0 else acts[i - 1]
                if sp.issparse(below):
                    grads[i][...] = below.T @ deltas[i]
                else:
                    np.matmul(below.T, deltas[i], out=grads[i])
                if i:
                    np.matmul(deltas[i], weights[i].T, out=deltas[i - 1])
            if optimizer is not None:
                optimizer.step(params, grad, work)


def _torch_fit(X, y, hidden, batch, solver, epochs, classifier):
    """The hand-written PyTorch loop: loss + alpha * sum(|W|) over the weights."""
    import torch

    dtype = torch.float32 if X.dtype == np.float32 else torch.float64
    torch.manual_seed(0)
    sizes = [X.shape[1], *hidden]
    layers = []
    for a, b in zip(sizes, sizes[1:], strict=False):
        layers += [torch.nn.Linear(a, b, dtype=dtype), torch.nn.ReLU()]
    n_out = len(np.unique(y)) if classifier else 1
    layers.append(torch.nn.Linear(sizes[-1], n_out, dtype=dtype))
    model = torch.nn.Sequential(*layers)
    inputs = torch.from_numpy(X)
    targets = torch.from_numpy(y.astype(np.int64) if classifier else y.astype(X.dtype))
    criterion = torch.nn.CrossEntropyLoss() if classifier else torch.nn.MSELoss()
    if solver == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9, nesterov=True)
    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
    for _ in range(epochs):
        order = torch.randperm(X.shape[0])
        for start in range(0, X.shape[0], batch):
            rows = order[start : start + batch]
            optimizer.zero_grad()
            output = model(inputs[rows])
            output = output if classifier else output.squeeze(1)
            loss = criterion(output, targets[rows]) + ALPHA * sum(w.abs().sum() for w in weights)
            loss.backward()
            optimizer.step()


def _pin_threads():
    try:
        import torch
    except ImportError:
        return
    torch.set_num_threads(1)


def time_workload(name, epochs, rounds):
    X, y = make_data(name)
    table = contestants(name, epochs)
    names = list(table)
    times = {contestant: [] for contestant in names}
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        for r in range(rounds):
            for contestant in names[r % len(names) :] + names[: r % len(names)]:
                start = time.perf_counter()
                table[contestant](X, y)
                times[contestant].append((time.perf_counter() - start) / epochs)
    return {contestant: statistics.median(values) for contestant, values in times.items()}


#: glibc's allocator, told to map every block of 64 KiB or more on its own and
#: to give freed memory back at once: the resident set then follows what is
#: alive, not what earlier frees left cached (with its default, adaptive
#: thresholds the same fit's peak varied by 3 MiB from run to run).
_FIXED_MALLOC = {
    **os.environ,
    "MALLOC_MMAP_THRESHOLD_": str(1 << 16),
    "MALLOC_TRIM_THRESHOLD_": str(1 << 16),
}


def peak_memory_mb(name, contestant, epochs, folder):
    """Rise of the high-water mark during one fit, in a fresh process (MiB).

    The child loads the data from files written beforehand, so its
    high-water mark before the fit is the data itself, not its generation.
    """
    code = (
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
        f"import bench_speed as b; "
        f"print(b._memory_child({name!r}, {contestant!r}, {epochs}, {str(folder)!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_FIXED_MALLOC
    )
    return float(result.stdout.strip().splitlines()[-1]) if result.returncode == 0 else float("nan")


def _save_X(stem, X):
    if sp.issparse(X):
        sp.save_npz(f"{stem}_X.npz", X)
    else:
        np.save(f"{stem}_X.npy", X)


def _load_X(stem):
    sparse = Path(f"{stem}_X.npz")
    return sp.load_npz(sparse).tocsr() if sparse.exists() else np.load(f"{stem}_X.npy")


def _status_kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _memory_child(name, contestant, epochs, folder):
    X = _load_X(Path(folder) / name)
    y = np.load(Path(folder) / f"{name}_y.npy")
    _pin_threads()
    fit = contestants(name, epochs)[contestant]
    # A warm-up fit on a few rows first, for every contestant alike, so that
    # one-off costs (code pages of kernels used for the first time, lazy
    # imports) are not counted as the fit's memory.
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(X[:500], y[:500])
    # Writing 5 to clear_refs resets the peak (VmHWM) to the current size, so
    # the peak read after the fit is the fit's own, whatever the imports did.
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(X, y)
    return (_status_kib("VmHWM") - before) / 1024


def predict_speed(share_used=0.1, repeats=5):
    """predict on wide_h64 with most first-layer rows zero, skipping them or not.

    Returns the median seconds of (reading every column, skipping the unused).
    """
    from sklearn_l1mlp import _network

    X, y = make_data("wide_h64")
    model = L1MLPClassifier(hidden_layer_sizes=(64,), max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    unused = np.random.RandomState(0).permutation(X.shape[1])[int(share_used * X.shape[1]) :]
    model.coefs_[0][unused] = 0.0
    timings = {}
    with threadpool_limits(1):
        for label, threshold in (("all columns", -1.0), ("used columns", 0.5)):
            _network._USED_COLUMNS_WORTH_SKIPPING = threshold
            runs = []
            for _ in range(repeats):
                start = time.perf_counter()
                model.predict_proba(X)
                runs.append(time.perf_counter() - start)
            timings[label] = statistics.median(runs)
    _network._USED_COLUMNS_WORTH_SKIPPING = 0.5
    print(
        f"\npredict_proba on wide_h64 (5000 x 2000) with {share_used:.0%} of the features "
        f"used: every column {timings['all columns'] * 1000:.1f} ms, used columns only "
        f"{timings['used columns'] * 1000:.1f} ms "
        f"({timings['all columns'] / timings['used columns']:.1f}x faster)"
    )
    return timings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"only {', '.join(QUICK)}, 2 epochs, 3 rounds (under a minute)",
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--workloads", nargs="*", default=list(WORKLOADS))
    parser.add_argument("--no-memory", action="store_true")
    add_page_option(parser)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    with recorded(args.page, __file__, argv):
        return _run(args)


def _run(args):
    if args.quick:
        args.epochs, args.rounds = 2, 3
        args.workloads = [w for w in args.workloads if w in QUICK] or QUICK
    _pin_threads()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in args.workloads:
            medians = time_workload(name, args.epochs, args.rounds)
            memory = {}
            if not args.no_memory:
                X, y = make_data(name)
                _save_X(Path(folder) / name, X)
                np.save(Path(folder) / f"{name}_y.npy", y)
                measured = [c for c in medians if c not in ("products", "floor")]
                memory = {c: peak_memory_mb(name, c, args.epochs, folder) for c in measured}
            results[name] = (medians, memory)
            _print_workload(name, medians, memory)
    if "wide_h64" in args.workloads:
        predict_speed()
    return results


def _print_workload(name, medians, memory):
    target = WORKLOADS[name][-1]
    reference = medians["sklearn"]
    print(
        f"\n{name}: {WORKLOADS[name][1:7]}, sklearn {reference * 1000:.1f} ms/epoch, "
        f"target <= {target:.2f} for every mode"
    )
    print(f"  {'contestant':<12}{'ratio':>7}{'ms/epoch':>10}{'peak MiB':>10}")
    for contestant, seconds in medians.items():
        peak = memory.get(contestant)
        peak_text = "" if peak is None else f"{peak:>10.1f}"
        flag = ""
        if contestant in L1_MODES:
            flag = "  ok" if seconds / reference <= target else "  over target"
        elif contestant == "floor":
            flag = f"  leaves {target - seconds / reference:.2f} of the target for the rest"
        print(
            f"  {contestant:<12}{seconds / reference:>7.2f}{seconds * 1000:>10.1f}{peak_text}{flag}"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
