"""show_versions: the versions a bug report needs, and which path runs the loops."""

import sklearn_l1mlp
from sklearn_l1mlp import _inplace


def test_show_versions_names_the_dependencies_and_the_loops_in_use(capsys):
    sklearn_l1mlp.show_versions()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"sklearn_l1mlp: {sklearn_l1mlp.__version__}"
    assert any(line.startswith("scikit-learn: 1.") for line in lines)
    expected = "compiled (Cython)" if _inplace.kernels_in_use() else "NumPy: the compiled loops"
    assert lines[-1].startswith(f"per-weight loops: {expected}")


def test_show_versions_says_why_numpy_runs(capsys, monkeypatch):
    monkeypatch.setattr(_inplace, "_kernels", None)
    monkeypatch.setattr(_inplace, "_WHY_NOT", "are not built")
    sklearn_l1mlp.show_versions()
    assert capsys.readouterr().out.splitlines()[-1] == (
        "per-weight loops: NumPy: the compiled loops are not built"
    )
