"""The main job: ``python -m sklearn_l1mlp``."""

import subprocess
import sys

from sklearn_l1mlp.__main__ import main
from sklearn_l1mlp._demo import run_demo
from sklearn_l1mlp._penalties import L1_MODES


def test_demo_measures_every_mode_and_the_sklearn_reference():
    rows = {row["model"]: row for row in run_demo(alpha=1e-2, hidden_layer_sizes=(8,))}
    assert set(rows) == {f"l1_mode={m!r}" for m in L1_MODES} | {"sklearn MLPClassifier (L2)"}
    for mode in ("proximal", "cumulative"):
        row = rows[f"l1_mode={mode!r}"]
        assert row["zero_share"] > 0.5 and row["features_used"] < row["n_features"] == 30
        assert row["accuracy"] > 0.9
    for name in ("l1_mode='gradient'", "l1_mode='shrink'", "sklearn MLPClassifier (L2)"):
        assert rows[name]["zero_share"] == 0.0 and rows[name]["features_used"] == 30
    assert all(row["seconds"] > 0 for row in rows.values())


def test_main_prints_one_row_per_model(capsys):
    assert main(["--alpha", "0.01", "--hidden", "8"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "alpha=0.01" in lines[0] and "held-out acc" in lines[1]
    assert len(lines) == 3 + len(L1_MODES) + 1


def test_module_runs_as_a_script():
    result = subprocess.run(
        [sys.executable, "-m", "sklearn_l1mlp", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "l1_mode" in result.stdout
