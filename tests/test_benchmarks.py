"""Benchmark scripts run (on tiny sizes), so none rots. Nothing here is timed."""

import json
import runpy
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def test_memory_benchmark_streams_chunks(capsys):
    script = runpy.run_path(str(BENCHMARKS / "bench_memory.py"))
    train_peak, predict_peak, chunk_bytes, output_bytes = script["main"](
        ["--rows", "4000", "--chunk", "1000", "--features", "10", "--hidden", "8"]
    )
    assert "partial_fit" in capsys.readouterr().out
    assert chunk_bytes <= train_peak and output_bytes <= predict_peak


@pytest.mark.parametrize("task, n_features", [("clf10", 40), ("text", 400)])
def test_speed_benchmark_runs_every_contestant_on_a_tiny_workload(task, n_features, capsys):
    bench = runpy.run_path(str(BENCHMARKS / "bench_speed.py"))
    # The functions read the module's globals, so a tiny workload can be added.
    bench["WORKLOADS"]["tiny"] = (task, 300, n_features, (8,), 50, "adam", "float32", 0.6)
    X, _ = bench["make_data"]("tiny")
    assert sp.issparse(X) == (task == "text")
    medians = bench["time_workload"]("tiny", 1, 1)
    assert {"sklearn", "products", "floor", "gradient", "shrink", "proximal", "cumulative"} <= set(
        medians
    )
    assert all(seconds > 0 for seconds in medians.values())
    bench["_print_workload"]("tiny", medians, {})
    lines = capsys.readouterr().out.splitlines()
    # Each row prints its median as a ratio to scikit-learn's.
    proximal = next(line.split() for line in lines if line.strip().startswith("proximal"))
    assert proximal[1] == f"{medians['proximal'] / medians['sklearn']:.2f}"
    assert next(line.split() for line in lines if line.strip().startswith("sklearn"))[1] == "1.00"


def test_feature_selection_benchmark_prints_every_contestant(capsys):
    bench = runpy.run_path(str(BENCHMARKS / "bench_feature_selection.py"))
    # Without lassonet installed the script skips it and says so; keep the run tiny.
    bench["CONTESTANTS"].pop("LassoNet*CV")
    results = bench["main"](["--quick"])
    rows = results["tiny 5 of 10", 0]
    labels = [row[0] for row in rows]
    assert labels == [
        "L1MLP*CV (ours)",
        "ours, adaptive=False",
        "linear L1 CV",
        "oracle (true features)",
    ]
    by_label = {row[0]: row[1:] for row in rows}
    # The oracle is handed the five true columns: its row must say exactly that.
    assert by_label["oracle (true features)"][1:5] == (5, 1.0, 1.0, 1.0)
    for score, n_selected, precision, recall, f1, seconds in by_label.values():
        assert np.isfinite(score) and seconds >= 0
        # F1 is the harmonic mean of the two, and precision counts the kept columns.
        assert f1 == pytest.approx(2 * precision * recall / (precision + recall))
        assert precision * n_selected == pytest.approx(recall * 5)
    # On this easy task the network finds all five true columns.
    assert by_label["L1MLP*CV (ours)"][3] == 1.0
    printed = capsys.readouterr().out
    assert "oracle (true features)" in printed and "F1" in printed


def test_real_data_benchmark_prints_both_tables_and_the_goals(capsys):
    bench = runpy.run_path(str(BENCHMARKS / "bench_real_data.py"))
    from sklearn_l1mlp import L1MLPClassifierCV

    def small_ours(X_train, y_train, X_test, y_test):
        model = L1MLPClassifierCV(max_iter=100, n_alphas=3, cv=2, random_state=0)
        model.fit(X_train, y_train)
        return model.score(X_test, y_test), model.n_features_selected_

    contestants = dict(bench["DEFAULTS"], L1MLPClassifierCV=small_ours)
    contestants.pop("LassoNetCV")
    X, y = bench["load_data"](None, ["wine"])["wine (raw)"]
    # 178 rows: 5-fold outer CV, repeated; every contestant on the same splits.
    assert len(bench["splits_of"](X, y, repeats=2)) == 10
    splits = bench["splits_of"](X, y, repeats=1)
    assert len(splits) == 5 and all(len(test) in (35, 36) for _, test in splits)
    rows = bench["table_defaults"]("wine", X, y, contestants, lassonet_limit=60, splits=splits)
    assert list(rows) == ["L1MLPClassifierCV", "L1 logistic CV", "MLP, all features"]
    for results in rows.values():
        accuracy, n_features, seconds = results.T
        assert results.shape == (5, 3) and np.all(seconds > 0)
        assert 0.8 <= accuracy.mean() <= 1 and np.all((1 <= n_features) & (n_features <= 13))
    bench["print_defaults"]("wine", X, rows)
    selectors = {name: bench["SELECTORS"][name] for name in ("random forest", "L1 logistic")}
    selectors["L1MLPClassifierCV"] = lambda X, y, k: np.arange(k)  # first k columns
    k_rows = bench["table_k"]("wine", X, y, selectors, ks=(5,), splits=splits[:3])
    assert set(k_rows) == {(5, name) for name in selectors}
    met, ks = bench["print_k"]("wine", k_rows, selectors)
    assert ks == [5]
    printed = capsys.readouterr().out
    assert "(a) wine" in printed and "(b) wine" in printed and printed.count("goal") >= 2
    # The goal line carries the paired difference, computed from the same splits.
    best = max(("L1 logistic CV", "MLP, all features"), key=lambda label: rows[label][:, 0].mean())
    gain, error = bench["paired_difference"](rows["L1MLPClassifierCV"][:, 0], rows[best][:, 0])
    assert f"paired {gain:+.3f} +/- {error:.3f}" in printed
    ratio = rows["L1MLPClassifierCV"][:, 2].mean() / rows["L1 logistic CV"][:, 2].mean()
    assert f"time {ratio:.2f} of L1 logistic's" in printed


def test_the_madelon_oracle_is_read_against_but_never_the_best_other(capsys):
    bench = runpy.run_path(str(BENCHMARKS / "bench_real_data.py"))
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(80, 30)), rng.randint(2, size=80)
    accuracy, n_features = bench["mlp_relevant"](X[:60], y[:60], X[60:], y[60:])
    assert n_features == 20 and 0 <= accuracy <= 1
    oracle = bench["ORACLE"]
    rows = {
        "L1MLPClassifierCV": np.array([[0.80, 12, 1.0], [0.70, 14, 1.0]]),
        "L1 logistic CV": np.array([[0.60, 30, 2.0], [0.62, 30, 2.0]]),
        oracle: np.array([[0.81, 20, 0.1], [0.72, 20, 0.1]]),
    }
    assert bench["_best_other"]({"L1MLPClassifierCV": 0.8, oracle: 0.81}, "L1MLP") is None
    assert bench["_best_other"]({k: r[:, 0].mean() for k, r in rows.items()}, "L1MLP") == (
        "L1 logistic CV"
    )
    bench["print_defaults"]("madelon-type", X, rows)
    printed = capsys.readouterr().out
    # Ours trails the oracle by 0.015 on average, with 13 features: met.
    assert "accuracy -0.015 +/- 0.005 vs the MLP, relevant columns with 13.0 features (met)" in (
        printed
    )
    assert "time 0.50 of L1 logistic's (met)" in printed


def test_the_paired_difference_is_the_mean_and_standard_error_of_the_gaps():
    bench = runpy.run_path(str(BENCHMARKS / "bench_real_data.py"))
    gain, error = bench["paired_difference"]([0.9, 0.8, 0.7], [0.8, 0.8, 0.6, 0.5])
    assert gain == pytest.approx(0.2 / 3)  # over the three splits both ran
    assert error == pytest.approx(np.std([0.1, 0.0, 0.1], ddof=1) / np.sqrt(3))
    X, y = bench["gene_proxy"](n_samples=40, n_features=300, n_genes=30)
    assert X.shape == (40, 300) and np.bincount(y).tolist() == [10] * 4
    big = bench["splits_of"](np.zeros((400, 2)), np.arange(400) % 2)
    assert len(big) == 5 and all(len(test) == 100 for _, test in big)


def test_real_data_benchmark_stops_lassonet_over_its_limit_in_table_b(capsys):
    bench = runpy.run_path(str(BENCHMARKS / "bench_real_data.py"))
    X, y = bench["load_data"](None, ["wine"])["wine (raw)"]
    calls = []

    def first_columns(X, y, k):
        calls.append(k)
        return np.arange(k)

    selectors = {"L1MLPClassifierCV": lambda X, y, k: np.arange(k), "LassoNet": first_columns}
    # Every pick takes more than 0 s: LassoNet stops after its first split.
    splits = bench["splits_of"](X, y, repeats=1)[:2]
    rows = bench["table_k"]("wine", X, y, selectors, ks=(3, 5), lassonet_limit=0.0, splits=splits)
    assert calls == [3]
    assert set(rows) == {(3, "L1MLPClassifierCV"), (5, "L1MLPClassifierCV"), (3, "LassoNet")}
    bench["print_k"]("wine", rows, selectors)
    printed = capsys.readouterr().out
    assert "wine: LassoNet's path took" in printed and "stopping it" in printed
    k5_line = next(line for line in printed.splitlines() if line.strip().startswith("5 "))
    assert k5_line.split()[2] == "-" and k5_line.endswith("met")
    assert "NOT" not in k5_line  # ours is the only one at k = 5


def test_real_data_benchmark_fits_lassonet_one_path_per_split(monkeypatch):
    bench = runpy.run_path(str(BENCHMARKS / "bench_real_data.py"))
    paths = []

    class Mask:
        def __init__(self, mask):
            self.mask = mask

        def sum(self):
            return self.mask.sum()

        def cpu(self):
            return self

        def numpy(self):
            return self.mask

    class FakeLassoNet:
        def __init__(self, **params):
            pass

        def path(self, X, y, return_state_dicts):
            paths.append(X.shape)
            # Columns enter one at a time, densest point last.
            return [SimpleNamespace(selected=Mask(np.arange(X.shape[1]) < n)) for n in range(6)]

    monkeypatch.setitem(sys.modules, "lassonet", SimpleNamespace(LassoNetClassifier=FakeLassoNet))
    X, y = bench["load_data"](None, ["wine"])["wine (raw)"]
    assert list(bench["pick_lassonet"](X, y, 3)) == [0, 1, 2]
    assert list(bench["pick_lassonet"](X, y, 5)) == [0, 1, 2, 3, 4]
    assert len(paths) == 1
    bench["pick_lassonet"](X[:100], y[:100], 3)
    assert len(paths) == 2


def test_benchmarks_read_every_data_set_in_the_folder(tmp_path, capsys):
    rng = np.random.RandomState(0)
    gene = rng.normal(size=(20, 50))
    gene[3, 4] = np.nan
    gene[:, 7] = np.nan  # a column missing everywhere
    counts = (rng.rand(30, 80) < 0.02) * 3  # word counts: 2% nonzero
    np.savez(tmp_path / "colon.npz", X=rng.normal(size=(12, 30)), y=np.arange(12) % 2)
    np.savez(tmp_path / "arcene.npz", X=gene, y=np.array(["a", "b"] * 10))
    np.savez(tmp_path / "pcmac.npz", X=counts, y=np.arange(30) % 2)
    np.savez(tmp_path / "isolet.npz", X=rng.normal(size=(40, 6)), y=np.arange(40) % 4)
    # Stored as a SciPy matrix, labels as a column.
    stored = sp.random(25, 60, density=0.05, format="csc", random_state=0)
    np.savez(tmp_path / "relathe.npz", X=stored, y=(np.arange(25) % 2)[:, None])
    real = runpy.run_path(str(BENCHMARKS / "bench_real_data.py"))
    sets = real["load_data"](tmp_path)
    printed = capsys.readouterr().out
    # The README's four first (the three absent ones reported), the others by name.
    assert list(sets)[4:] == ["colon", "arcene", "isolet", "pcmac", "relathe"]
    assert "mice_protein.npz not found" in printed and "colon.npz not found" not in printed
    X, y = sets["arcene"]
    assert not sp.issparse(X) and not np.isnan(X).any() and list(np.unique(y)) == [0, 1]
    assert X[3, 4] == pytest.approx(np.delete(gene[:, 4], 3).mean())
    assert np.all(X[:, 7] == 0) and "arcene: 21 missing cells filled" in printed
    assert sp.issparse(sets["pcmac"][0]) and sets["pcmac"][0].format == "csr"
    X, y = sets["relathe"]
    assert X.format == "csr" and np.allclose(X.toarray(), stored.toarray()) and y.shape == (25,)
    # The wide benchmark takes the sets with more columns than rows.
    wide = runpy.run_path(str(BENCHMARKS / "bench_wide.py"))
    names = wide["tasks"]([1000], tmp_path)
    assert names[-4:] == ["colon", "arcene", "pcmac", "relathe"] and "isolet" not in names
    X, y, truth = wide["load_task"]("pcmac", tmp_path)
    assert sp.issparse(X) and X.shape == (30, 80) and truth is None


def test_wide_benchmark_tasks_and_goals(capsys):
    bench = runpy.run_path(str(BENCHMARKS / "bench_wide.py"))
    X, y, truth = bench["synthetic"](50)
    assert X.shape == (300, 50) and list(truth) == [0, 1, 2, 3, 4] and 0.4 < y.mean() < 0.6
    X, y, truth = bench["additive"](50)
    assert X.shape == (300, 50) and list(truth) == [0, 1, 2, 3, 4] and 0.4 < y.mean() < 0.6
    X, y, truth = bench["text_like"](n_samples=400, n_features=2000)
    noise_density = X[:, 5:].nnz / (400 * 1995)
    assert X.format == "csr" and 0.001 < noise_density < 0.003
    assert all(0.1 < X[:, j].getnnz() / 400 < 0.3 for j in truth)  # frequent "words"
    # A contestant fits in-process on a small task and reports the columns it kept.
    X, y, _ = bench["synthetic"](30)
    model, kept = bench["_fit_contestant"]("L1 logistic CV", X, y)
    assert 0 <= kept.size <= 30 and 0.5 <= model.score(X, y) <= 1
    results = {
        "synthetic p=1000": {
            "ours": {"seconds": 2.0, "features": [0, 1], "f1": 0.5},
            "ours, no working set or screen": {"seconds": 30.0, "features": [0, 1]},
            "L1 logistic CV": {"seconds": 4.0},
            "LassoNetCV": {"skipped": "over 60 s"},
        },
        "synthetic p=10000": {
            "ours": {"seconds": 5.0, "features": [0, 1], "f1": 0.9},
            "ours, no screen": {"seconds": 4.0, "features": [0, 2]},
            "ours, no working set or screen": {"seconds": 60.0, "features": [0, 2]},
            "L1 logistic CV": {"seconds": 3.0},
            "LassoNetCV": {"skipped": "over 80 s", "fit_over": 75.0},
        },
    }
    # A row whose traced (memory) run did not finish prints "-" for its peak.
    bench["print_task"](
        "synthetic p=1000",
        {"ours": {"seconds": 2.0, "kept": 2, "f1": 0.5, "accuracy": 0.75, "peak_mb": None}},
    )
    assert capsys.readouterr().out.splitlines()[-1].split()[-1] == "-"
    bench["print_goals"](results, [1000, 10000])
    printed = capsys.readouterr().out
    assert "15.0x faster with the working set alone (goal 10x): met; same features: met" in printed
    assert "12.0x faster with the working set and screen\n" in printed
    assert "seconds grew 2.5x from p=1000 to p=10000 (sqrt growth: 3.2x): met" in printed
    assert "synthetic p=10000: 0.6x L1 logistic CV's speed (NOT met)" in printed
    assert "LassoNetCV over 60 s; F1 0.50 (NOT met)" in printed
    # Stopped, LassoNet's fit ran 75 s against our 5 s: at least 15x slower.
    assert "LassoNetCV over 80 s, stopped: at least 15.0x slower (met)" in printed


def test_wide_benchmark_pair_visibility_finds_a_planted_product(capsys):
    bench = runpy.run_path(str(BENCHMARKS / "bench_wide.py"))
    # 400 rows, 60 columns; the label is the sign of x1 x2 alone, so neither
    # column tells anything by itself and their product tells it all.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(400, 60))
    y = (X[:, 1] * X[:, 2] > 0).astype(int)
    product, others, n_pairs = bench["pair_visibility"](X, y, block=7)
    assert n_pairs == 60 * 59 // 2
    assert product > 0.5 and others < 0.3
    # Blocks do not change the answer, and the pair's own value is left out of "others".
    assert bench["pair_visibility"](X, y, block=60)[:2] == pytest.approx((product, others))
    # Labels drawn independently of X: the pair is one among many.
    noise = rng.permutation(y)
    product, others, _ = bench["pair_visibility"](X, noise)
    assert product < others
    results = {"synthetic p=1000": {"ours": {"seconds": 1.0, "f1": 0.31}}}
    bench["print_goals"](results, [1000], {"synthetic p=1000": (0.25, 0.4, 499500)})
    printed = capsys.readouterr().out
    assert "F1 0.31 (NOT met); x1 x2 not above every other pair (0.250 against 0.400)" in printed


def test_wide_benchmark_child_stopped_at_its_limit_reports_how_long_it_fit(monkeypatch):
    bench = runpy.run_path(str(BENCHMARKS / "bench_wide.py"))

    def stopped_after_setup(command, **kwargs):
        # The child announced its fit 3 s after launch, then ran into the limit.
        announced = json.dumps({"fit_started": time.time() + 3.0}) + "\n"
        raise subprocess.TimeoutExpired(command, kwargs["timeout"], output=announced)

    fake = SimpleNamespace(run=stopped_after_setup, TimeoutExpired=subprocess.TimeoutExpired)
    monkeypatch.setitem(bench["run"].__globals__, "subprocess", fake)
    result = bench["run"]("synthetic p=50", "LassoNetCV", None, 40.0)
    assert result["skipped"] == "over 40 s"
    assert result["fit_over"] == pytest.approx(37.0, abs=0.5)


def test_page_holds_the_command_the_machine_and_exactly_what_the_run_printed(tmp_path, capsys):
    bench = runpy.run_path(str(BENCHMARKS / "bench_float32_penalty.py"))
    page = tmp_path / "float32_penalty.md"
    rows = bench["main"](["--page", str(page)])
    printed = capsys.readouterr().out
    text = page.read_text()
    assert text.startswith("# How much of a tiny L1 penalty survives float32 rounding")
    assert f"python benchmarks/bench_float32_penalty.py --page {page}" in text
    assert "machine: " in text and "per-weight loops: " in text and " UTC" in text
    output = text.split("## Output\n\n```text\n", 1)[1].split("\n```", 1)[0]
    assert output == printed.rstrip("\n")
    assert set(rows) <= set(output.split())


def test_a_failed_run_leaves_the_page_as_it_was(tmp_path):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from page import recorded
    finally:
        sys.path.remove(str(BENCHMARKS))
    page = tmp_path / "page.md"
    page.write_text("the last good run")
    terminal = sys.stdout
    with pytest.raises(RuntimeError), recorded(page, BENCHMARKS / "bench_memory.py", []):
        print("half a table")
        raise RuntimeError("the run failed")
    assert page.read_text() == "the last good run"
    assert sys.stdout is terminal
    with recorded(page, BENCHMARKS / "bench_memory.py", ["--rows", "10"]):
        print("a whole table")
    text = page.read_text()
    assert "python benchmarks/bench_memory.py --rows 10" in text and "a whole table" in text


def test_real_data_pages_are_titled_by_what_each_run_covers(tmp_path, monkeypatch):
    bench = runpy.run_path(str(BENCHMARKS / "bench_real_data.py"))

    def run(args):
        print("a table")

    monkeypatch.setitem(bench["main"].__globals__, "_run", run)
    pages = {}
    for name, argv in {
        "k": ["data", "--only", "colon", "allaml", "--tables", "b"],
        "a": ["data", "--only", "wine", "--tables", "a", "--repeats", "1"],
    }.items():
        pages[name] = tmp_path / f"{name}.md"
        bench["main"]([*argv, "--page", str(pages[name])])
    titles = [page.read_text().splitlines()[0] for page in pages.values()]
    assert titles == [
        "# Real data, table (b): colon, allaml",
        "# Real data, table (a): wine, one 5-fold split",
    ]
    # The script's own summary still opens the description.
    summary = bench["__doc__"].splitlines()[0]
    assert summary in pages["k"].read_text()
    assert pages["k"].read_text().count(summary) == 1
    # The usage, over two lines in the docstring, is left out whole.
    assert "Run:" not in pages["k"].read_text() and "[--repeats" not in pages["k"].read_text()


def test_stability_benchmark_prints_f1_false_selections_and_the_bound(capsys):
    bench = runpy.run_path(str(BENCHMARKS / "bench_stability.py"))
    rng = np.random.RandomState(0)
    X = rng.normal(size=(160, 30))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    assert bench["f1_score"](np.array([0, 1, 7]), np.arange(5)) == pytest.approx(2 * 2 / 8)
    assert bench["f1_score"](np.array([7]), np.arange(5)) == 0.0
    from sklearn_l1mlp import L1MLPClassifier, L1MLPStabilitySelection

    def small_stability(X, y):
        network = L1MLPClassifier(hidden_layer_sizes=(4,), max_iter=50, learning_rate_init=0.01)
        selector = L1MLPStabilitySelection(network, n_pairs=3, random_state=0).fit(X, y)
        return np.flatnonzero(selector.support_), selector.false_selection_bound_

    bench["TASKS"]["tiny"] = lambda seed: (X, y, np.arange(2))
    rows = bench["run_task"]("tiny", [0, 1], {"stability selection": small_stability})
    assert len(rows["stability selection"]) == 2
    kept, false, f1, _, bound, seconds = rows["stability selection"][0]
    assert false == np.setdiff1d(kept, [0, 1]).size and 0 <= f1 <= 1 and bound <= 1.0
    bench["print_summary"]("tiny", rows)
    printed = capsys.readouterr().out
    assert "tiny, seed 1, stability selection" in printed and "goal: F1" in printed


def test_the_marginal_reference_keeps_what_most_halves_rank_first_within_the_bound():
    bench = runpy.run_path(str(BENCHMARKS / "bench_stability.py"))
    rng = np.random.RandomState(0)
    X = rng.normal(size=(200, 50))
    y = (X[:, 0] ** 2 + X[:, 1] > 1).astype(int)  # column 0 only through its square
    kept, bound = bench["marginal_pairs"](X, y, n_pairs=5)
    # q = floor(sqrt(0.8 * 50)) = 6 a half; threshold max(0.6, 0.5 + 36 / 100) = 0.86.
    assert kept.tolist() == [0, 1]
    assert bound == pytest.approx(36 / (0.72 * 50))
