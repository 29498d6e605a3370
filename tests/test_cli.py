"""python -m sklearn_l1mlp fit / predict on CSV files the tests write."""

import re

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
    out, err = capsys.readouterr()
    assert out == ""  # standard output is for predictions alone
    out = err
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
    out, err = capsys.readouterr()
    assert out == ""
    out = err
    assert float(out.split(": ")[1].split()[0]) > 0.9
    written = pd.read_csv(predictions)
    assert set(written["predicted_bought"]) <= {"yes", "no"} and len(written) == 400


def test_fit_regression_with_cv(spend, capsys):
    assert main(["fit", str(spend), "--target", "spend", "--cv", "--max-iter", "200"]) == 0
    out = capsys.readouterr().err
    assert "\nregression, l1_mode" in out and "cross-validation" in out
    assert "feature_alpha=" in out
    assert float(out.split("held-out R^2: ")[1].split()[0]) > 0.9


def test_cv_drops_the_columns_the_target_does_not_depend_on(spend, tmp_path, capsys):
    frame = pd.read_csv(spend)
    rng = np.random.RandomState(2)
    frame["noise1"], frame["noise2"] = rng.normal(size=(2, len(frame)))
    noisy = tmp_path / "noisy.csv"
    frame.to_csv(noisy, index=False)
    assert main(["fit", str(noisy), "--target", "spend", "--cv"]) == 0
    out = capsys.readouterr().err
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


def _table(n, seed=0):
    """A shop-like table with what real files have: gaps, a "?", dates and a row ID."""
    rng = np.random.RandomState(seed)
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(1000, 1000 + n),
            "age": rng.normal(40, 10, n),
            "noise": rng.normal(size=n).astype(object),
            "city": rng.choice(["paris", "rome", "oslo"], n),
            "visited": pd.date_range("2020-01-01", periods=n).astype(str),
        }
    )
    frame["bought"] = np.where((frame.age > 40) & (frame.city != "oslo"), "yes", "no")
    frame.loc[rng.rand(n) < 0.1, "age"] = np.nan
    frame.loc[rng.rand(n) < 0.1, "city"] = np.nan
    frame.loc[frame.index == 3, "noise"] = "?"
    frame.loc[frame.index.isin([5, 7]), "bought"] = np.nan
    return frame


@pytest.fixture
def files(tmp_path, shop):
    """Every kind of file the table below feeds the CLI, and a model saved from the shop."""
    _table(300).to_csv(tmp_path / "real.csv", index=False)
    for rows in (1, 2, 5, 14):
        _table(rows + 2).drop(index=[5, 7], errors="ignore").head(rows).to_csv(
            tmp_path / f"rows{rows}.csv", index=False
        )
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("x,y\n")
    (tmp_path / "binary.csv").write_bytes(bytes(range(128, 256)) * 4)
    one_class = _table(40)
    one_class["bought"] = "yes"
    one_class.to_csv(tmp_path / "one_class.csv", index=False)
    _table(40)[["customer_id", "bought"]].to_csv(tmp_path / "only_id.csv", index=False)
    shop_frame = pd.read_csv(shop)
    shop_frame.drop(columns=["age", "bought"]).to_csv(tmp_path / "no_age.csv", index=False)
    shop_frame["noise"] = np.nan  # a column the model was trained on, empty now
    shop_frame.to_csv(tmp_path / "empty_noise.csv", index=False)
    model = tmp_path / "model.joblib"
    arguments = ["fit", str(shop), "--target", "bought", "--max-iter", "30", "--save", str(model)]
    assert main(arguments) == 0
    return tmp_path


#: (arguments, exit code, text on stderr (exit 2) or stdout (exit 0)); {d} is the folder.
CASES = {
    "no file": ("fit {d}/missing.csv --target y", 2, "no such file"),
    "no target column": ("fit {d}/shop.csv --target price", 2, "no column 'price'"),
    "text target regressed": (
        "fit {d}/shop.csv --target bought --task regression",
        2,
        "use --task classification",
    ),
    "empty file": ("fit {d}/empty.csv --target y", 2, "is empty"),
    "header only": ("fit {d}/header.csv --target y", 2, "no rows"),
    "not a CSV file": ("fit {d}/binary.csv --target y", 2, "could not be read as a CSV"),
    "one row": ("fit {d}/rows1.csv --target bought", 2, "has 1 row with"),
    "two rows": ("fit {d}/rows2.csv --target bought", 2, "fit needs at least 10"),
    "five rows": ("fit {d}/rows5.csv --target bought", 2, "add rows"),
    "five rows, --cv": ("fit {d}/rows5.csv --target bought --cv", 2, "at least 20 with --cv"),
    "14 rows, --cv": ("fit {d}/rows14.csv --target bought --cv", 2, "or leave out --cv"),
    "one class": ("fit {d}/one_class.csv --target bought", 2, "nothing to predict"),
    "nothing but an ID": ("fit {d}/only_id.csv --target bought", 2, "no column to learn"),
    "--plot without --cv": ("fit {d}/shop.csv --target bought --plot p.png", 2, "add --cv"),
    "--cv, no exact zeros": (
        "fit {d}/shop.csv --target bought --cv --mode gradient",
        2,
        "--mode proximal or cumulative",
    ),
    "no model file": ("predict {d}/nothing.joblib {d}/shop.csv", 2, "no such file"),
    "a CSV as the model": ("predict {d}/shop.csv {d}/shop.csv", 2, "not a model written by"),
    "a used column missing": ("predict {d}/model.joblib {d}/no_age.csv", 2, "lacks columns"),
    "unwritable output": (
        "predict {d}/model.joblib {d}/shop.csv --output {d}/no/such/dir.csv",
        2,
        "does not exist",
    ),
    "empty cells, '?' and missing targets": (
        "fit {d}/real.csv --target bought --max-iter 50",
        0,
        "2 rows with no 'bought' value were left out",
    ),
    "14 rows": ("fit {d}/rows14.csv --target bought --max-iter 20", 0, "columns used"),
    "a used column empty": ("predict {d}/model.joblib {d}/empty_noise.csv", 0, "accuracy on"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_file_a_user_may_bring_gives_a_result_or_one_line(case, files, capsys):
    arguments, code, text = CASES[case]
    assert main(arguments.format(d=files).split()) == code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if code == 2:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and text in lines[0]
    else:
        assert text in err
        # Standard output holds the predictions alone: none from fit, one a row from predict.
        assert out == "" if arguments.startswith("fit") else len(out.splitlines()) == 400


def test_real_file_notes_say_what_was_done_to_each_column(files, capsys):
    assert main(["fit", str(files / "real.csv"), "--target", "bought", "--max-iter", "100"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    out = err
    notes = [line for line in out.splitlines() if line.startswith("note:")]
    assert any("'customer_id' looks like a row ID" in note for note in notes)
    assert any("'noise': 1 cell is not a number ('?')" in note for note in notes)
    assert any("'visited' holds dates" in note for note in notes)
    assert any("'age':" in note and "empty cells" in note for note in notes)
    assert any("'city':" in note and "'missing' category" in note for note in notes)
    # The held-out part has 75 rows: no warning about it.
    assert "warning: the held-out" not in err
    ranked = out.split("columns used:")[1].splitlines()[1:]
    assert ranked[0].split()[0] in {"age", "city"}


def test_a_small_held_out_part_is_a_warning(files, capsys):
    assert main(["fit", str(files / "rows14.csv"), "--target", "bought", "--max-iter", "20"]) == 0
    assert "warning: the held-out score is measured on 4 rows only" in capsys.readouterr().err


@pytest.mark.parametrize("seed", range(3))
def test_a_date_or_id_column_never_ranks_first(tmp_path, seed, capsys):
    """One-hot encoded, 300 distinct dates once ranked first; as numbers they do not."""
    frame = _table(300, seed=seed).drop(columns=["noise"])
    frame["order"] = [f"A{i:06d}" for i in np.random.RandomState(seed).permutation(300)]
    path = tmp_path / "orders.csv"
    frame.to_csv(path, index=False)
    assert main(["fit", str(path), "--target", "bought", "--seed", str(seed)]) == 0
    out = capsys.readouterr().err
    assert "'order' looks like a row ID" in out
    ranked = [line.split()[0] for line in out.split("columns used:")[1].splitlines()[1:]]
    assert ranked[0] in {"age", "city"} and "order" not in ranked and "customer_id" not in ranked


def test_a_column_the_model_does_not_use_may_be_absent_at_predict(files, tmp_path, capsys):
    model = tmp_path / "cv.joblib"
    frame = _table(300)
    frame["extra"] = np.random.RandomState(1).normal(size=300)
    frame.to_csv(tmp_path / "extra.csv", index=False)
    assert (
        main(
            [
                "fit",
                str(tmp_path / "extra.csv"),
                "--target",
                "bought",
                "--cv",
                "--quiet",
                "--max-iter",
                "100",
                "--save",
                str(model),
            ]
        )
        == 0
    )
    out = capsys.readouterr().err
    unused = out.split("columns not used: ")[1].split("\n")[0].split(", ")
    assert "extra" in unused
    frame.drop(columns=unused).to_csv(tmp_path / "fewer.csv", index=False)
    assert main(["predict", str(model), str(tmp_path / "fewer.csv")]) == 0
    assert "which the model does not use" in capsys.readouterr().err


def test_cv_prints_progress_on_stderr_and_plots_the_path(files, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    picture = tmp_path / "path.png"
    arguments = ["fit", str(files / "real.csv"), "--target", "bought", "--cv"]
    assert main([*arguments, "--max-iter", "100", "--plot", str(picture)]) == 0
    out, err = capsys.readouterr()
    folds = [line for line in err.splitlines() if line.startswith("[fold ")]
    # A line per path point per fold: 10 points and more above them, and five
    # more at a time where the grid goes on down past its dense end.
    grids = [int(line.split("/")[2].split("]")[0]) for line in folds]
    extensions = err.count("grid goes on down")
    assert len(folds) == 5 * (grids[0] + 5 * extensions) and grids[0] >= 10
    assert all("features" in line and "left in it" in line for line in folds)
    # One countdown for the whole fit, its searches numbered and told apart.
    assert all(re.search(r"left in all \(search 1 of 1\)$", line) for line in folds)
    headers = [line for line in err.splitlines() if "] search 1 of 1: " in line]
    ends = [line for line in err.splitlines() if "] search 1 chose a point with " in line]
    assert len(headers) == len(ends) == 1
    assert out == ""
    assert picture.stat().st_size > 10_000 and "wrote the path plot" in err


def test_debug_shows_the_traceback(files):
    with pytest.raises(ValueError, match="no such file"):
        main(["fit", str(files / "missing.csv"), "--target", "y", "--debug"])


def test_help_names_the_commands():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "sklearn_l1mlp", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "fit " in result.stdout and "predict " in result.stdout


def test_a_closed_pipe_ends_quietly(files):
    import subprocess
    import sys

    big = files / "big.csv"
    pd.concat([pd.read_csv(files / "shop.csv")] * 100).to_csv(big, index=False)
    command = (
        f"{sys.executable} -m sklearn_l1mlp predict {files / 'model.joblib'} {big} | head -n 2"
    )
    result = subprocess.run(command, shell=True, capture_output=True, text=True)
    assert len(result.stdout.splitlines()) == 2
    assert "Traceback" not in result.stderr and "Broken pipe" not in result.stderr


def test_importances_of_a_column_are_not_shared_with_one_whose_name_extends_it():
    # One-hot columns of "a" are named a_x, a_y; those of "a_b" are a_b_u, ...:
    # matching by the prefix "a_" once gave "a" the importance of "a_b" too.
    from sklearn_l1mlp import L1MLPClassifier
    from sklearn_l1mlp._cli import _column_importances
    from sklearn_l1mlp._tabular import as_pipeline, inspect_table, make_preprocessor

    rng = np.random.RandomState(0)
    X = pd.DataFrame(
        {
            "a": rng.choice(["x", "y"], 200),
            "a_b": rng.choice(["u", "v", "w"], 200),
            "n": rng.rand(200),
        }
    )
    y = (X["a_b"] == "u").astype(int)
    network = L1MLPClassifier(max_iter=50, random_state=0)
    pipeline = as_pipeline(make_preprocessor(inspect_table(X)), network).fit(X, y)
    importances, _ = _column_importances(pipeline)
    encoded = dict(
        zip(pipeline[0].get_feature_names_out(), pipeline[-1].feature_importances_, strict=True)
    )
    assert importances["a"] == pytest.approx(encoded["a_x"] + encoded["a_y"])
    assert importances["a_b"] == pytest.approx(sum(encoded[f"a_b_{c}"] for c in "uvw"))
    assert sum(importances.values()) == pytest.approx(1.0)


# -- files as spreadsheets and databases export them ---------------------------


def _run(capsys, *arguments):
    code = main([str(a) for a in arguments])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _report(err):
    """The fit report without the notes on how the file was read."""
    reading = ("is not UTF-8", "separated by", "with no value left out")
    return [line for line in err.splitlines() if not any(text in line for text in reading)]


def test_copied_rows_are_noted_kept_together_and_an_id_stays_an_id(tmp_path, capsys):
    frame = _table(200).rename(columns={"customer_id": "customerID"})
    pd.concat([frame, frame]).to_csv(tmp_path / "twice.csv", index=False)
    code, _, err = _run(capsys, "fit", tmp_path / "twice.csv", "--target", "bought")
    assert code == 0
    assert "198 rows are copies of others (198 distinct rows)" in err
    assert "'customerID' looks like a row ID (198 distinct values in 198 distinct rows)" in err
    ranked = err.split("columns used:")[1].splitlines()[1:]
    assert ranked[0].split()[0] in {"age", "city"}


def test_a_european_excel_export_gives_its_plain_twins_report(tmp_path, capsys):
    frame = _table(160)
    frame.loc[frame.city == "oslo", "city"] = "Zürich"
    frame.to_csv(tmp_path / "plain.csv", index=False)
    excel = dict(sep=";", decimal=",", encoding="cp1252", lineterminator="\r\n")
    # Excel writes every number with its decimal comma, in a column with a "?" too.
    european = frame.assign(noise=frame.noise.map(lambda v: str(v).replace(".", ",")))
    european.to_csv(tmp_path / "excel.csv", index=False, **excel)
    with open(tmp_path / "excel.csv", "a", encoding="cp1252") as file:
        file.write(";" * (frame.shape[1] - 1) + "\r\n")  # a separator-only row, as Excel leaves
    reports = []
    for name in ("plain.csv", "excel.csv"):
        code, _, err = _run(capsys, "fit", tmp_path / name, "--target", "bought")
        assert code == 0
        reports.append(_report(err))
    assert reports[0] == reports[1]
    assert "Zürich".encode("cp1252") in (tmp_path / "excel.csv").read_bytes()


def test_predict_says_what_it_did_to_bad_input(files, tmp_path, capsys):
    model = tmp_path / "real.joblib"
    code, _, _ = _run(capsys, "fit", files / "real.csv", "--target", "bought", "--save", model)
    assert code == 0
    frame = _table(40)
    frame["age"] = frame["age"].astype(object)
    frame.loc[:19, "age"] = "unknown"
    frame["visited"] = "soon"
    frame.loc[:4, "city"] = "berlin"
    frame.loc[:2, "bought"] = "maybe"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    code, out, err = _run(capsys, "predict", model, tmp_path / "bad.csv")
    assert code == 0 and len(out.splitlines()) == 40
    assert re.search(r"column 'age': \d+ of 40 cells empty or unreadable \(20 not numbers", err)
    assert "column 'visited': 40 of 40 cells are not dates ('soon')" in err
    assert "column 'city': 5 of 40 cells hold categories not seen in training ('berlin')" in err
    assert "3 rows have a 'bought' the model never saw in training (maybe)" in err


@pytest.mark.parametrize(
    "classes, rows_each, code",
    [(50, 3, 0), (4, 3, 0)],
)
def test_many_classes_of_few_rows_are_split_without_stratifying(
    tmp_path, capsys, classes, rows_each, code
):
    rng = np.random.RandomState(0)
    labels = np.repeat([f"k{k}" for k in range(classes)], rows_each)
    frame = pd.DataFrame({"x": rng.normal(size=labels.size), "label": labels})
    frame.to_csv(tmp_path / "classes.csv", index=False)
    result = _run(capsys, "fit", tmp_path / "classes.csv", "--target", "label", "--max-iter", "20")
    assert result[0] == code and "drawn without stratifying by class" in result[2]


def test_a_continuous_target_is_not_taken_for_classes(spend, capsys):
    code, _, err = _run(capsys, "fit", spend, "--target", "spend", "--task", "classification")
    assert code == 2 and "use --task regression" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("option", ["--save", "--plot"])
def test_output_paths_are_checked_before_any_fitting(spend, tmp_path, capsys, option):
    target = tmp_path / "missing" / "out.png"
    code, _, err = _run(capsys, "fit", spend, "--target", "spend", "--cv", option, target)
    assert code == 2 and "does not exist" in err and "[fold" not in err


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("income", "1e300", "numbers too large to scale in column 'income' (up to 1e+300)"),
        ("income", "inf", "infinite values in column 'income' (1 cells)"),
        ("spend", "inf", "target 'spend' has 1 infinite values"),
    ],
)
def test_huge_and_infinite_numbers_are_named_by_column(spend, capsys, column, value, message):
    frame = pd.read_csv(spend)
    frame[column] = frame[column].astype(object)
    frame.loc[3, column] = value
    frame.to_csv(spend, index=False)
    code, _, err = _run(capsys, "fit", spend, "--target", "spend")
    assert code == 2 and message in err


def test_codes_with_leading_zeros_come_back_as_written(tmp_path, capsys):
    rng = np.random.RandomState(0)
    frame = pd.DataFrame({"x": rng.normal(size=120)})
    frame["code"] = np.where(frame.x > 0, "007", "010")
    frame.to_csv(tmp_path / "codes.csv", index=False)
    model = tmp_path / "codes.joblib"
    assert _run(capsys, "fit", tmp_path / "codes.csv", "--target", "code", "--save", model)[0] == 0
    code, out, _ = _run(capsys, "predict", model, tmp_path / "codes.csv")
    assert code == 0 and set(out.split()) == {"007", "010"}


def test_ctrl_c_exits_130_and_keeps_the_saved_model(files, tmp_path):
    import signal
    import subprocess
    import sys

    model = tmp_path / "kept.joblib"
    model.write_bytes(b"the model of yesterday")
    command = [sys.executable, "-m", "sklearn_l1mlp", "fit", str(files / "real.csv")]
    command += ["--target", "bought", "--cv", "--save", str(model)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    for line in process.stderr:  # interrupt once the CV is under way
        if line.startswith("[fold"):
            process.send_signal(signal.SIGINT)
            break
    rest = process.stderr.read()
    assert process.wait(timeout=60) == 130
    assert "interrupted: nothing was saved" in rest and "Traceback" not in rest
    assert model.read_bytes() == b"the model of yesterday"
