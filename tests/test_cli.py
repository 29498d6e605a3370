"""python -m sklearn_l1mlp fit / predict on CSV files the tests write."""

import joblib
import numpy as np
import pytest

from sklearn_l1mlp.__main__ import main

pd = pytest.importorskip("pandas")


@pytest.fixture
def shop(tmp_path):
    """Classification: 'bought' depends on age and the categorical city only."""
    rng = np.random.RandomState(0)
    n = 400
    frame = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "noise": rng.normal(size=n),
            "city": rng.choice(["paris", "rome", "oslo"], n),
        }
    )
    frame["bought"] = np.where((frame.age > 40) & (frame.city != "oslo"), "yes", "no")
    path = tmp_path / "shop.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def spend(tmp_path):
    rng = np.random.RandomState(1)
    n = 300
    frame = pd.DataFrame({"income": rng.normal(50, 15, n), "city": rng.choice(["a", "b"], n)})
    frame["spend"] = 0.5 * frame.income + 10 * (frame.city == "b") + rng.normal(size=n)
    path = tmp_path / "spend.csv"
    frame.to_csv(path, index=False)
    return path


def test_fit_classification_reports_score_columns_and_zeros(shop, tmp_path, capsys):
    model = tmp_path / "model.joblib"
    assert (
        main(["fit", str(shop), "--target", "bought", "--alpha", "0.01", "--save", str(model)]) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("classification")
    accuracy = float(out.split("held-out accuracy: ")[1].split()[0])
    assert accuracy > 0.9
    assert "weights exactly zero:" in out
    ranked = out.split("columns used:")[1].splitlines()[1:3]
    assert {line.split()[0] for line in ranked} == {"age", "city"}  # the two that matter
    assert model.is_file()

    # predict reads the pipeline back, scores the file and writes predictions.
    predictions = tmp_path / "predicted.csv"
    assert main(["predict", str(model), str(shop), "--output", str(predictions)]) == 0
    out = capsys.readouterr().out
    assert float(out.split(": ")[1].split()[0]) > 0.9
    written = pd.read_csv(predictions)
    assert set(written["predicted_bought"]) <= {"yes", "no"} and len(written) == 400


def test_fit_regression_with_cv(spend, capsys):
    assert main(["fit", str(spend), "--target", "spend", "--cv", "--max-iter", "200"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("regression") and "cross-validation" in out
    assert "feature_alpha=" in out
    assert float(out.split("held-out R^2: ")[1].split()[0]) > 0.9


def test_cv_drops_the_columns_the_target_does_not_depend_on(spend, tmp_path, capsys):
    frame = pd.read_csv(spend)
    rng = np.random.RandomState(2)
    frame["noise1"], frame["noise2"] = rng.normal(size=(2, len(frame)))
    noisy = tmp_path / "noisy.csv"
    frame.to_csv(noisy, index=False)
    assert main(["fit", str(noisy), "--target", "spend", "--cv"]) == 0
    out = capsys.readouterr().out
    assert "columns used: 2 of 4" in out
    assert "columns not used: noise1, noise2" in out


def test_cv_needs_a_mode_with_exact_zeros(spend, capsys):
    assert main(["fit", str(spend), "--target", "spend", "--cv", "--mode", "gradient"]) != 0
    assert "--mode proximal or cumulative" in capsys.readouterr().err


def test_predict_without_target_prints_one_prediction_per_row(shop, tmp_path, capsys):
    model = tmp_path / "model.joblib"
    main(["fit", str(shop), "--target", "bought", "--max-iter", "50", "--save", str(model)])
    capsys.readouterr()
    unlabeled = tmp_path / "new.csv"
    pd.read_csv(shop).drop(columns="bought").head(7).to_csv(unlabeled, index=False)
    assert main(["predict", str(model), str(unlabeled)]) == 0
    expected = joblib.load(model)["pipeline"].predict(pd.read_csv(unlabeled))
    assert capsys.readouterr().out.split() == [str(label) for label in expected]


@pytest.mark.parametrize(
    "make_args, message",
    [
        (lambda d: ["fit", str(d / "missing.csv"), "--target", "y"], "no such file"),
        (lambda d: ["fit", str(d / "shop.csv"), "--target", "price"], "no column 'price'"),
        (
            lambda d: ["fit", str(d / "shop.csv"), "--target", "bought", "--task", "regression"],
            "not numeric",
        ),
        (lambda d: ["fit", str(d / "empty.csv"), "--target", "y"], "is empty"),
        (lambda d: ["fit", str(d / "header.csv"), "--target", "y"], "no rows"),
        (lambda d: ["predict", str(d / "nothing.joblib"), str(d / "shop.csv")], "no such file"),
    ],
)
def test_clear_errors(make_args, message, shop, capsys):
    directory = shop.parent
    (directory / "empty.csv").write_text("")
    (directory / "header.csv").write_text("x,y\n")
    assert main(make_args(directory)) == 2
    error = capsys.readouterr().err
    assert error.startswith("error:") and message in error


def test_importances_of_a_column_are_not_shared_with_one_whose_name_extends_it(tmp_path):
    # One-hot columns of "a" are named a_x, a_y; those of "a_b" are a_b_u, ...:
    # matching by the prefix "a_" once gave "a" the importance of "a_b" too.
    from sklearn.pipeline import Pipeline

    from sklearn_l1mlp import L1MLPClassifier
    from sklearn_l1mlp._cli import _column_importances, _preprocessor

    rng = np.random.RandomState(0)
    X = pd.DataFrame(
        {
            "a": rng.choice(["x", "y"], 200),
            "a_b": rng.choice(["u", "v", "w"], 200),
            "n": rng.rand(200),
        }
    )
    y = (X["a_b"] == "u").astype(int)
    pipeline = Pipeline(
        [
            ("preprocess", _preprocessor(X)),
            ("network", L1MLPClassifier(max_iter=50, random_state=0)),
        ]
    ).fit(X, y)
    importances, _ = _column_importances(pipeline, X)
    encoded = dict(
        zip(pipeline[0].get_feature_names_out(), pipeline[-1].feature_importances_, strict=True)
    )
    assert importances["a"] == pytest.approx(encoded["a_x"] + encoded["a_y"])
    assert importances["a_b"] == pytest.approx(sum(encoded[f"a_b_{c}"] for c in "uvw"))
    assert sum(importances.values()) == pytest.approx(1.0)
