"""course_utils.leaderboard: scores with spread, atomic writes under a lock, corrupt files, order."""

import json
import multiprocessing

import pytest

from course_utils.errors import CourseError
from course_utils.leaderboard import COLUMNS, Leaderboard


def test_leaderboard_adds_replaces_and_orders_rows(tmp_path):
    board = Leaderboard(tmp_path / "board.json")
    board.add("TF-IDF", {"lee_pearson": 0.5}, notebook="02")
    board.add("One-hot", {"lee_pearson": 0.4}, notebook="01")
    board.add("TF-IDF", {"lee_pearson": 0.55123}, notebook="02")
    table = board.table()
    assert table.index.tolist() == ["One-hot", "TF-IDF"]
    assert table.loc["TF-IDF", "lee_pearson"] == 0.551
    with pytest.raises(CourseError, match="Unknown leaderboard column"):
        board.add("x", {"accuracy!": 1.0}, notebook="03")
    with pytest.raises(CourseError, match="non-empty name"):
        board.add("", {}, notebook="03")
    with pytest.raises(CourseError, match="finite"):
        board.add("x", {"lee_pearson": float("nan")}, notebook="03")


def test_insertion_order_survives_a_reload(tmp_path):
    path = tmp_path / "board.json"
    for name in ["zeta", "alpha", "mid"]:
        Leaderboard(path).add(name, {"lee_pearson": 0.1}, notebook="03")
    assert Leaderboard(path).table().index.tolist() == ["zeta", "alpha", "mid"]
    assert list(json.loads(path.read_text())) == ["zeta", "alpha", "mid"]


def test_spread_is_stored_and_shown(tmp_path):
    board = Leaderboard(tmp_path / "board.json")
    shown = board.add("TF-IDF", {"lee_pearson": 0.612, "lee_pearson_low": 0.571, "lee_pearson_high": 0.65,
                                 "20ng_accuracy": 0.8, "20ng_accuracy_std": 0.02}, notebook="02")
    assert shown.loc["TF-IDF", "lee_pearson"] == "0.612 [0.571, 0.650]"
    assert shown.loc["TF-IDF", "20ng_accuracy"] == "0.800 ± 0.020"
    numbers = board.table()
    assert list(numbers.columns) == ["notebook", "lee_pearson", "20ng_accuracy"]  # spread keys stay out
    assert set(numbers.columns[1:]) <= set(COLUMNS)


def test_a_corrupt_file_is_backed_up_and_started_afresh_with_a_warning(tmp_path):
    path = tmp_path / "board.json"
    path.write_text('{"TF-IDF": {"notebook": "02", "lee_pe')
    with pytest.warns(UserWarning, match="corrupt.*moved to"):
        assert Leaderboard(path).rows() == {}
    backups = list(tmp_path.glob("board.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_text().startswith('{"TF-IDF"')
    Leaderboard(path).add("x", {"lee_pearson": 0.1}, notebook="01")
    assert list(Leaderboard(path).rows()) == ["x"]


def test_write_is_atomic_no_temporary_files_left(tmp_path):
    board = Leaderboard(tmp_path / "board.json")
    board.add("a", {"lee_pearson": 0.1}, notebook="01")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.json", "board.json.lock"]


def _add_many(path, prefix, n):
    board = Leaderboard(path)
    for i in range(n):
        board.add(f"{prefix}{i}", {"lee_pearson": i / n}, notebook="01")


def test_two_processes_adding_rows_at_once_lose_nothing(tmp_path):
    path = tmp_path / "board.json"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_add_many, args=(path, p, 40)) for p in "ab"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    rows = Leaderboard(path).rows()
    assert len(rows) == 80 and not list(tmp_path.glob("*.corrupt-*"))


def test_table_of_an_unknown_row_names_it(tmp_path):
    board = Leaderboard(tmp_path / "board.json")
    board.add("a", {"lee_pearson": 0.1}, notebook="01")
    with pytest.raises(CourseError, match="No leaderboard row named \\['b'\\]"):
        board.table(only=["b"])
