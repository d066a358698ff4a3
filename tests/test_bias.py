"""Tests of course_utils.bias (WEAT, bias direction, hard debiasing), taught in notebooks/10_bias.ipynb."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import bias, widgets
from course_utils.errors import CourseError, UnknownWordError


@pytest.fixture(scope="module")
def glove():
    from course_utils.models import load_glove

    return load_glove()


@pytest.fixture(scope="module")
def gender():
    return bias.load_gender_lists()


def hand_made():
    """2-D toy: A along x, B along y; two targets near A, two near B, exactly known s and d."""
    A = np.array([[1.0, 0.0]])
    B = np.array([[0.0, 1.0]])
    X = np.array([[1.0, 0.0], [3.0, 4.0]])  # s = 1 - 0 = 1 ; 0.6 - 0.8 = -0.2
    Y = np.array([[0.0, 1.0], [4.0, 3.0]])  # s = 0 - 1 = -1 ; 0.8 - 0.6 = 0.2
    return X, Y, A, B


def test_association_matches_hand_computed_cosines():
    X, Y, A, B = hand_made()
    np.testing.assert_allclose(bias.association(X, A, B), [1.0, -0.2])
    np.testing.assert_allclose(bias.association(Y, A, B), [-1.0, 0.2])


def test_effect_size_of_hand_made_case_is_known():
    X, Y, A, B = hand_made()
    s = np.array([1.0, -0.2, -1.0, 0.2])
    expected = (0.4 - (-0.4)) / s.std(ddof=1)  # = 0.8 / sqrt(2.08 / 3)
    assert bias.effect_size(X, Y, A, B) == pytest.approx(expected)
    assert expected == pytest.approx(0.9607689)


def test_effect_size_flips_sign_when_targets_swap(glove):
    test = bias.load_weat_tests()["WEAT1"]
    X, _, _ = bias.lookup(glove, test["X"])
    Y, _, _ = bias.lookup(glove, test["Y"])
    A, _, _ = bias.lookup(glove, test["A"])
    B, _, _ = bias.lookup(glove, test["B"])
    d = bias.effect_size(X, Y, A, B)
    assert d > 0.5
    assert bias.effect_size(Y, X, A, B) == pytest.approx(-d)
    assert bias.effect_size(X, Y, B, A) == pytest.approx(-d)  # swapping attributes flips it too


def test_effect_size_is_scale_invariant_and_bounded():
    rng = np.random.default_rng(0)
    X, Y, A, B = (rng.normal(size=(6, 5)) for _ in range(4))
    d = bias.effect_size(X, Y, A, B)
    assert bias.effect_size(3 * X, 0.5 * Y, 7 * A, B) == pytest.approx(d)
    assert -2.0 <= d <= 2.0  # |d| < 2 for equal-size sets with ddof=1


def test_permutation_p_value_is_seeded_and_reproducible():
    rng = np.random.default_rng(1)
    X, Y, A, B = (rng.normal(size=(8, 10)) for _ in range(4))
    p1 = bias.permutation_p_value(X, Y, A, B, n_permutations=5_000, seed=7)
    p2 = bias.permutation_p_value(X, Y, A, B, n_permutations=5_000, seed=7)
    p3 = bias.permutation_p_value(X, Y, A, B, n_permutations=5_000, seed=8)
    assert p1 == p2
    assert 0 < p1 <= 1 and abs(p1 - p3) < 0.03  # another seed: close, not identical


def test_permutation_p_value_small_for_strong_effect_and_near_half_for_none():
    X, Y, A, B = hand_made()
    strong = (np.repeat(X[:1], 8, axis=0), np.repeat(Y[:1], 8, axis=0), A, B)
    assert bias.permutation_p_value(*strong, n_permutations=2_000) < 0.001
    rng = np.random.default_rng(3)
    noise = (rng.normal(size=(30, 20)), rng.normal(size=(30, 20)), rng.normal(size=(10, 20)), rng.normal(size=(10, 20)))
    assert 0.05 < bias.permutation_p_value(*noise, n_permutations=2_000) < 0.95


def test_p_value_matches_exact_enumeration_on_tiny_case():
    from itertools import combinations

    rng = np.random.default_rng(5)
    X, Y, A, B = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    s = np.concatenate([bias.association(X, A, B), bias.association(Y, A, B)])
    observed = s[:4].mean() - s[4:].mean()
    exact = np.mean([s[list(c)].mean() - np.delete(s, list(c)).mean() >= observed - 1e-12 for c in combinations(range(8), 4)])
    assert bias.permutation_p_value(X, Y, A, B, n_permutations=20_000, seed=0) == pytest.approx(exact, abs=0.01)


def test_weat_words_reports_missing_words(glove):
    test = {"name": "t", "X_name": "x", "X": ["rose", "tulip", "gladiola"], "Y_name": "y", "Y": ["ant", "flea"],
            "A_name": "a", "A": ["love", "peace"], "B_name": "b", "B": ["filth", "grief"]}
    result = bias.weat_words(glove, test, n_permutations=100)
    assert result.missing == {"x": ["gladiola"]}
    assert result.sizes == (2, 2, 2, 2)


def test_lookup_lowercases_and_rejects_all_missing(glove):
    _, found, missing = bias.lookup(glove, ["NASA", "Einstein", "zzqqxx"])
    assert found == ["nasa", "einstein"] and missing == ["zzqqxx"]
    with pytest.raises(CourseError, match="None of the words"):
        bias.lookup(glove, ["zzqqxx", "qqzzyy"])


def test_bias_direction_points_from_male_to_female_words(glove, gender):
    left, right = bias.pair_vectors(glove, gender["definitional_pairs"])
    g, ratios = bias.bias_direction(left, right)
    assert np.linalg.norm(g) == pytest.approx(1.0)
    assert bias.projection(glove["she"] - glove["he"], g)[0] > 0.5
    assert ratios[0] == ratios.max()


def test_pair_vectors_unknown_word_has_suggestions(glove):
    with pytest.raises(UnknownWordError, match="Did you mean"):
        bias.pair_vectors(glove, [("womann", "man")])


def test_neutralize_leaves_no_projection():
    rng = np.random.default_rng(0)
    g = rng.normal(size=20)
    out = bias.neutralize(rng.normal(size=(50, 20)), g)
    np.testing.assert_allclose(out @ g, 0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1)


def test_equalize_makes_pair_symmetric():
    rng = np.random.default_rng(2)
    g = rng.normal(size=10)
    g /= np.linalg.norm(g)
    a, b = bias.equalize(rng.normal(size=10), rng.normal(size=10), g)
    assert np.linalg.norm(a) == pytest.approx(1) and np.linalg.norm(b) == pytest.approx(1)
    assert a @ g == pytest.approx(-(b @ g))
    neutral = bias.neutralize(rng.normal(size=(5, 10)), g)
    np.testing.assert_allclose(neutral @ a, neutral @ b, atol=1e-12)  # equidistant from neutral words


def test_hard_debias_zero_projection_for_neutral_words_only(glove, gender):
    left, right = bias.pair_vectors(glove, gender["definitional_pairs"])
    g, _ = bias.bias_direction(left, right)
    deb = bias.hard_debias(glove, g, gender["gender_specific"], gender["equalize_pairs"], restrict=50_000)
    neutral = ["nurse", "engineer", "homemaker", "programmer", "receptionist", "captain"]
    np.testing.assert_allclose(bias.projection(np.stack([deb[w] for w in neutral]), g), 0, atol=1e-5)
    before = bias.projection(np.stack([glove[w] for w in neutral]), g)
    assert np.abs(before).max() > 0.2
    assert abs(bias.projection(deb["she"][None], g)[0]) > 0.2  # gender-specific words keep their gender
    assert deb["woman"] @ deb["nurse"] == pytest.approx(deb["man"] @ deb["nurse"], abs=1e-5)  # equalised
    assert len(deb.index_to_key) == len(glove.index_to_key)


def test_cluster_accuracy_on_separable_and_mixed_data():
    rng = np.random.default_rng(0)
    vectors = np.vstack([rng.normal(size=(40, 5)) + [5, 0, 0, 0, 0], rng.normal(size=(40, 5)) - [5, 0, 0, 0, 0]])
    labels = np.array([1] * 40 + [0] * 40)
    assert bias.cluster_accuracy(vectors, labels) == 1.0
    assert bias.cluster_accuracy(vectors, rng.permutation(labels)) < 0.75


def test_seat_and_templates():
    sents = bias.sentences_from_templates(["rose", "ant"], ["This is {}.", "{} is here."])
    assert sents == ["This is rose.", "rose is here.", "This is ant.", "ant is here."]
    with pytest.raises(CourseError, match="needs one"):
        bias.sentences_from_templates(["rose"], ["no slot"])

    def fake_encoder(texts):  # a deterministic bag-of-letters encoder, enough to exercise the plumbing
        return np.array([[t.count(c) + 0.1 for c in "aeioust"] for t in texts])

    test = {"X": ["rose", "tulip"], "Y": ["ant", "gnat"], "A": ["love"], "B": ["filth"]}
    r = bias.seat(fake_encoder, test, {"default": ["This is {}.", "That is {}."]}, n_permutations=200)
    assert r.sizes == (4, 4, 2, 2)
    templates = {"default": ["This is {}.", "That is {}."]}
    swapped = bias.seat(fake_encoder, {**test, "X": test["Y"], "Y": test["X"]}, templates, n_permutations=200)
    assert swapped.d == pytest.approx(-r.d)


def test_explore_table_and_errors(glove):
    table = bias.explore(glove, "nurse, engineer, qqzzx", "she her", "he his", direction=glove["she"] - glove["he"])
    assert list(table.columns) == ["word", "s(w, A, B)", "projection"]
    assert table["word"].iloc[0] == "nurse" and table.attrs["missing"] == ["qqzzx"]
    with pytest.raises(CourseError, match="empty"):
        bias.explore(glove, " ", "she", "he")


def test_word_lists_are_consistent(gender):
    tests = bias.load_weat_tests()
    assert {"WEAT1", "WEAT2", "WEAT6", "WEAT7", "WEAT8"} <= set(tests)
    for name, test in tests.items():
        for key in "XYAB":
            assert len(test[key]) == len(set(test[key])) > 0, (name, key)
        assert test["published_d"] > 0
    assert not set(gender["professions"]) & set(gender["gender_specific"])
    assert all(len(p) == 2 for p in gender["definitional_pairs"] + gender["equalize_pairs"])


# ---------------------------------------------------------------- bad input is refused at the door (issue 12)
@pytest.mark.parametrize("call", [
    lambda kv: bias.lookup(kv, "nurse"),
    lambda kv: bias.weat_words(kv, {"X": "rose", "Y": ["ant"], "A": ["love"], "B": ["filth"]}),
    lambda kv: bias.neutral_words(kv, "she"),
])
def test_one_string_for_a_list_of_words_is_refused(glove, call):
    with pytest.raises(CourseError, match="not one string"):
        call(glove)


def test_templates_refuse_a_string_for_a_list():
    with pytest.raises(CourseError, match="not one string"):
        bias.sentences_from_templates("rose", ["This is {}."])
    with pytest.raises(CourseError, match="not one string"):
        bias.sentences_from_templates(["rose"], "This is {}.")
    with pytest.raises(CourseError, match="needs one"):
        bias.sentences_from_templates(["rose"], ["{} and {}"])


def test_nan_vectors_are_refused_not_turned_into_a_p_value():
    X, Y, A, B = hand_made()
    X = X.copy()
    X[0, 0] = np.nan
    for call in (bias.weat, bias.effect_size, bias.permutation_p_value):
        with pytest.raises(CourseError, match="NaN"):
            call(X, Y, A, B)


@pytest.mark.parametrize("n", [0, -5, 2.5, True])
def test_permutation_count_must_be_at_least_one(n):
    X, Y, A, B = hand_made()
    with pytest.raises(CourseError, match="n_permutations"):
        bias.permutation_p_value(X, Y, A, B, n_permutations=n)
    assert 0 < bias.permutation_p_value(X, Y, A, B, n_permutations=1) <= 1


def test_identical_associations_give_no_effect_size():
    A, B = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    same = np.array([[1.0, 1.0], [2.0, 2.0]])
    with pytest.raises(CourseError, match="undefined"):
        bias.effect_size(same, same, A, B)


def test_pair_vectors_refuses_a_flat_list(glove):
    with pytest.raises(CourseError, match="pairs"):
        bias.pair_vectors(glove, ["she", "he"])


# ---------------------------------------------------------------- spread of d
def test_effect_size_interval_contains_d_and_widens_with_fewer_words():
    rng = np.random.default_rng(0)
    direction = rng.normal(size=20)
    X = rng.normal(size=(30, 20)) + 0.5 * direction
    Y = rng.normal(size=(30, 20)) - 0.5 * direction
    A = rng.normal(size=(20, 20)) + direction
    B = rng.normal(size=(20, 20)) - direction
    d = bias.effect_size(X, Y, A, B)
    low, high = bias.effect_size_interval(X, Y, A, B, n_boot=500, seed=0)
    assert low < d < high and low > 0
    low8, high8 = bias.effect_size_interval(X[:6], Y[:6], A[:4], B[:4], n_boot=500, seed=0)
    assert high8 - low8 > high - low
    assert bias.effect_size_interval(X, Y, A, B, n_boot=200, seed=3) == bias.effect_size_interval(X, Y, A, B, n_boot=200, seed=3)
    r = bias.weat(X, Y, A, B, n_permutations=200, n_boot=200)
    assert r.d_interval is not None and r.d_interval[0] < r.d < r.d_interval[1]


# ---------------------------------------------------------------- the explorer reads the vectors it says it reads
def test_explorer_after_debiasing_reads_the_debiased_vectors(glove, gender):
    left, right = bias.pair_vectors(glove, gender["definitional_pairs"])
    g, _ = bias.bias_direction(left, right)
    deb = bias.hard_debias(glove, g, gender["gender_specific"], gender["equalize_pairs"], restrict=50_000)
    tests = {"jobs": {"X": ["nurse", "engineer"], "Y": ["homemaker", "captain"], "A": ["she", "her"], "B": ["he", "his"]}}
    box = widgets.bias_explorer({"GloVe": glove, "hard-debiased": deb}, {"gender": g}, tests)
    original = box.current["table"].set_index("word")
    assert np.abs(original["projection"]).max() > 0.2
    space = next(w for w in box.children if getattr(w, "description", "") == "vectors")
    space.value = "hard-debiased"
    after = box.current["table"].set_index("word")
    np.testing.assert_allclose(after["projection"], 0, atol=1e-3)
    expected = bias.explore(deb, "nurse engineer homemaker captain", "she her", "he his", g).set_index("word")
    np.testing.assert_allclose(after.loc[expected.index, "s(w, A, B)"], expected["s(w, A, B)"])


# ---------------------------------------------------------------- notebook 10's exercises never call a wrong answer correct
def test_exercise_checks_refuse_nan_zero_rows_and_accept_reasonable_forms():
    from course_utils.exercises import check

    assert not check("10.4", lambda vectors, direction: np.zeros_like(vectors)).passed  # the old 08.3 hole
    assert not check("10.4", lambda vectors, direction: vectors - np.outer(vectors @ direction, direction)).passed
    assert "raised" in check("10.4", lambda vectors, direction: 1 / 0).message
    solved = check("10.4", lambda v, d: bias.neutralize(v, d))
    assert solved.passed, solved
    assert check("10.2", " C ", measured=0.936).passed and not check("10.2", "a", measured=0.936).passed
    assert check("10.2", "a", measured=0.52).passed
    assert not check("10.3", "c").passed and "MiniLM" in check("10.3", "c").message
    assert check("10.3", "B").passed


def test_s_rose_check_refuses_nan(glove):
    from course_utils.exercises import check

    tests = bias.load_weat_tests()
    assert not check("10.1", float("nan"), kv=glove, tests=tests).passed
    assert not check("10.1", np.float64("nan"), kv=glove, tests=tests).passed


def test_projection_refuses_a_direction_without_direction(glove):
    vectors = np.stack([glove["nurse"], glove["doctor"]])
    for bad in (np.zeros(50), np.full(50, np.nan)):
        with pytest.raises(CourseError, match="direction"):
            bias.projection(vectors, bad)


def test_cluster_accuracy_names_its_arguments():
    with pytest.raises(CourseError, match="vectors"):
        bias.cluster_accuracy(np.empty((0, 50)), [])
    with pytest.raises(CourseError, match="labels"):
        bias.cluster_accuracy(np.ones((4, 3)), [0, 0, 0, 0])
    rng = np.random.default_rng(0)
    vectors = np.vstack([rng.normal(3, 0.1, (5, 3)), rng.normal(-3, 0.1, (5, 3))])
    assert bias.cluster_accuracy(vectors, ["she"] * 5 + ["he"] * 5) == 1.0
